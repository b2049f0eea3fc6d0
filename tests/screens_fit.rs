//! Every screen fits its window from half its design size: `yimen
//! screenshot` renders each app's tour at its smallest window (540×960 for
//! the kiosk, 640×400 for the counter and the back office, 960×540 for the
//! wall) on Slint's testing backend and fails if anything on a screen lies
//! outside its holder or the window, or a text has less room than it needs.
//! A window smaller than the screens are made for is refused, which shows
//! the check has teeth.

#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `yimen screenshot APP --size SIZE` into `out`.
fn screenshot(app: &str, size: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["screenshot", app, "--size", size, "--config"])
        .arg(common::sample_dir())
        .arg("--out")
        .arg(out)
        // No fonts from the machine: only what the program carries.
        .env("FONTCONFIG_FILE", "/dev/null")
        .output()
        .unwrap()
}

/// The app's every screen fits `size`: pictures of that size, as many as
/// `screens`, each named for it.
fn fits(app: &str, size: &str, screens: usize) {
    let out = tempfile::tempdir().unwrap();
    let run = screenshot(app, size, out.path());
    assert!(
        run.status.success(),
        "{app} at {size}:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (width, height) = size.split_once('x').unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let path = entry.unwrap().path();
        let reader =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()))
                .read_info()
                .unwrap();
        let info = reader.info();
        assert_eq!(
            (info.width.to_string(), info.height.to_string()),
            (width.to_owned(), height.to_owned()),
            "{}",
            path.display()
        );
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    assert_eq!(names.len(), screens, "{names:?}");
    assert!(
        names.iter().all(|n| n.ends_with(&format!("-{size}.png"))),
        "{names:?}"
    );
}

#[test]
fn the_kiosk_fits_half_its_size_in_both_modes() {
    fits("kiosk", "540x960", 17);
}

#[test]
fn the_counter_fits_half_its_size() {
    fits("counter", "640x400", 10);
}

#[test]
fn the_back_office_fits_half_its_size() {
    fits("review", "640x400", 3);
}

#[test]
fn the_wall_fits_half_its_size() {
    fits("display", "960x540", 3);
}

#[test]
fn a_window_too_small_for_the_screens_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let run = screenshot("kiosk", "200x320", out.path());
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("does not fit 200x320"), "{said}");
    assert!(said.contains("outside its holder"), "{said}");
}
