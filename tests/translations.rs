//! The English catalogue translates every `@tr` string the screens show,
//! and nothing else: `scripts/tr-strings.py` checks it, and this test runs
//! the script so that the catalogue cannot fall behind the screens.

use std::process::Command;

#[test]
fn the_english_catalogue_matches_the_screens() {
    let run = Command::new("python3")
        .arg("scripts/tr-strings.py")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs scripts/tr-strings.py");
    assert!(
        run.status.success(),
        "ui/translations/en/LC_MESSAGES/yimen.po does not match the screens:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Every refusal the hub can send has words in the apps, in Chinese and
/// English, rather than only the hub's Chinese message.
#[cfg(feature = "gui")]
#[test]
fn every_code_the_hub_sends_has_words_in_the_apps() {
    use yimen::apps::words::refusal;
    use yimen::ui::Refusal;
    let missing: Vec<&str> = yimen::hub::error::HubError::codes()
        .filter(|code| refusal(code) == Refusal::Other)
        .collect();
    assert!(
        missing.is_empty(),
        "no words for {missing:?}: add them to src/apps/words.rs and ui/words.slint"
    );
}
