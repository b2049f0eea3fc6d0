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
