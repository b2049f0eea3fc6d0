//! `yimen screenshot kiosk` renders every screen with no display, and the
//! renders show something: not blank, and Chinese where the hall's name is,
//! with nothing but the fonts the program carries.

#![cfg(feature = "gui")]

mod common;

use std::process::Command;

struct Picture {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl Picture {
    fn read(path: &std::path::Path) -> Self {
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgba).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgba);
        Self {
            width: info.width as usize,
            height: info.height as usize,
            rgba,
        }
    }

    fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]]
    }

    /// Distinct colours in the picture, a measure of how much it shows.
    fn colours(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        for y in (0..self.height).step_by(3) {
            for x in (0..self.width).step_by(3) {
                seen.insert(self.pixel(x, y));
            }
        }
        seen.len()
    }

    /// Share of light pixels in a box: white text on the blue header.
    fn light_share(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> f64 {
        let mut light = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                if self.pixel(x, y).iter().all(|c| *c > 200) {
                    light += 1;
                }
            }
        }
        f64::from(light) / ((x1 - x0) * (y1 - y0)) as f64
    }
}

#[test]
fn every_kiosk_screen_renders_with_chinese() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["screenshot", "kiosk", "--config"])
        .arg(common::sample_dir())
        .arg("--out")
        .arg(out.path())
        // No fonts from the machine: only what the program carries.
        .env("FONTCONFIG_FILE", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for screen in [
        "home",
        "department",
        "search",
        "guide",
        "ticket",
        "refused",
        "pickup",
        "checkin",
        "checkin-ticket",
    ] {
        for mode in ["", "-elder"] {
            let name = format!("kiosk-{screen}{mode}.png");
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
    }
    assert!(names.contains(&"kiosk-fault.png".to_owned()));
    assert!(names.contains(&"kiosk-offline.png".to_owned()));
    assert!(names.contains(&"kiosk-checkin-early.png".to_owned()));
    for name in &names {
        let picture = Picture::read(&out.path().join(name));
        assert_eq!((picture.width, picture.height), (1080, 1920), "{name}");
        assert!(picture.colours() > 20, "{name} is nearly blank");
        // The hall's name, 15 characters of white on blue, top left.
        let title = picture.light_share(32, 50, 620, 100);
        assert!(
            title > 0.08,
            "{name}: the title shows {title:.3} light pixels, no glyphs"
        );
        // And the header's blue right below the title has none.
        assert!(picture.light_share(32, 125, 620, 145) < 0.01, "{name}");
    }
}
