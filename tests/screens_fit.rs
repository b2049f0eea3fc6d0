//! Every screen fits its window from half its design size to full: `yimen
//! screenshot` renders each app's tour at its smallest window (540×960 for
//! the kiosk, 640×400 for the counter and the back office, 960×540 for the
//! wall), at a size in between and at its design size, on Slint's testing
//! backend, and fails if anything on a screen lies outside its holder or
//! the window, or a text has less room than it needs. A window smaller
//! than the screens are made for is refused, which shows the check has
//! teeth.

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

/// The app's every screen fits each of `sizes`: pictures of that size, as
/// many as `screens`, each named for it (but for the design size).
fn fits(app: &str, design: &str, sizes: &[&str], screens: usize) {
    for &size in sizes {
        let out = tempfile::tempdir().unwrap();
        let run = screenshot(app, size, out.path());
        assert!(
            run.status.success(),
            "{app} at {size}:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let names = pictures(out.path(), size);
        assert_eq!(names.len(), screens, "{names:?}");
        let ending = if size == design {
            ".png".to_owned()
        } else {
            format!("-{size}.png")
        };
        assert!(names.iter().all(|n| n.ends_with(&ending)), "{names:?}");
    }
}

/// The names of the pictures in `dir`, each checked to be `size`.
fn pictures(dir: &Path, size: &str) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let reader =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()))
                .read_info()
                .unwrap();
        let info = reader.info();
        assert_eq!(
            format!("{}x{}", info.width, info.height),
            size,
            "{}",
            path.display()
        );
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    names
}

#[test]
fn the_kiosk_fits_from_half_its_size_in_both_modes() {
    // Its design size: tests/screenshots.rs.
    fits("kiosk", "1080x1920", &["540x960", "720x1280"], 22);
}

#[test]
fn the_counter_fits_from_half_its_size() {
    fits(
        "counter",
        "1280x800",
        &["640x400", "1024x640", "1280x800"],
        12,
    );
}

#[test]
fn the_back_office_fits_from_half_its_size() {
    fits(
        "review",
        "1280x800",
        &["640x400", "1100x688", "1280x800"],
        7,
    );
}

#[test]
fn the_wall_fits_from_half_its_size() {
    fits(
        "display",
        "1920x1080",
        &["960x540", "1440x810", "1920x1080"],
        3,
    );
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
