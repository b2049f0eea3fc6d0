//! The configuration folder: the sample hall is valid, and a broken copy is
//! refused with every error named by file, line and field.

mod common;

use std::path::Path;
use std::process::Command;

use yimen::config::{Config, Severity};

fn broken_copy(edit: impl Fn(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::sample_dir(), dir.path());
    edit(dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn rewrite(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn line_of(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

#[test]
fn the_sample_hall_is_valid_with_honest_warnings() {
    let (config, warnings) =
        Config::load(&common::sample_dir(), common::monday_morning().date_naive()).unwrap();
    assert!(config.guides.len() >= 40);
    assert!(config.departments.len() >= 8);
    assert!(
        config
            .guide("ZWFW-001")
            .is_some_and(|g| g.promised_days == 3)
    );
    assert!(
        config
            .guide("ZWFW-002")
            .is_some_and(|g| g.promised_days == 45)
    );
    assert!(
        config
            .guide("SCJG-001")
            .is_some_and(|g| g.aliases.iter().any(|a| a == "办营业执照"))
    );
    assert!(config.setup.calendar.knows(2026));
    assert_eq!(config.setup.cases.keep_personal_days, 365);
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("demo credentials")),
        "{warnings:?}"
    );
    // The demo PIN is not shown in the logs, nor the hashes.
    let debug = format!("{config:?}");
    assert!(!debug.contains("argon2"), "{debug}");
}

#[test]
fn every_error_names_file_line_and_field() {
    let dir = broken_copy(|d| {
        rewrite(
            &d.join("hall.toml"),
            "queues = [\"A\", \"B\", \"C\", \"D\"]",
            "queues = [\"A\", \"Z\", \"C\", \"D\"]",
        );
        rewrite(
            &d.join("hall.toml"),
            "timezone = \"Asia/Shanghai\"",
            "timezone = \"Asia/Beijing\"",
        );
        rewrite(
            &d.join("services/scjg.toml"),
            "promised_days = 1",
            "promised_days = 9",
        );
    });
    let hall = dir.path().join("hall.toml");
    let err = Config::load(dir.path(), common::monday_morning().date_naive()).unwrap_err();
    let messages: Vec<String> = err.errors.iter().map(ToString::to_string).collect();
    assert_eq!(err.errors.len(), 3, "{messages:#?}");
    let zone = err
        .errors
        .iter()
        .find(|e| e.field == "hall.timezone")
        .unwrap();
    assert_eq!(zone.line, Some(line_of(&hall, "Asia/Beijing")));
    let queue = err
        .errors
        .iter()
        .find(|e| e.field == "counters[0].queues[1]")
        .unwrap();
    assert_eq!(queue.line, Some(line_of(&hall, "\"Z\"")));
    assert!(queue.message.contains('Z'));
    let promise = err
        .errors
        .iter()
        .find(|e| e.file.ends_with("services/scjg.toml"))
        .unwrap();
    assert_eq!(promise.field, "services[0].promised_days");
    assert_eq!(
        promise.line,
        Some(line_of(
            &dir.path().join("services/scjg.toml"),
            "promised_days = 9"
        ))
    );
}

#[test]
fn demo_credentials_are_refused_unless_the_hall_is_a_demo() {
    let dir = broken_copy(|d| {
        rewrite(
            &d.join("hall.toml"),
            "demo_credentials = true",
            "demo_credentials = false",
        )
    });
    let err = Config::load(dir.path(), common::monday_morning().date_naive()).unwrap_err();
    assert!(
        err.errors.iter().any(|e| e.field == "staff[0].pin_hash"),
        "{err}"
    );
    assert!(
        err.errors
            .iter()
            .any(|e| e.field == "devices[0].key_sha256"),
        "{err}"
    );
}

#[test]
fn check_config_exits_non_zero_and_prints_each_error() {
    let dir = broken_copy(|d| {
        rewrite(
            &d.join("hall.toml"),
            "daily_cap = 200",
            "daily_cap = \"many\"",
        )
    });
    let out = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["check-config"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = line_of(&dir.path().join("hall.toml"), "\"many\"");
    assert!(
        stdout.contains(&format!("error: hall.toml:{line}: queues[2].daily_cap: ")),
        "{stdout}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["check-config"])
        .arg(common::sample_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("ok"));
}

#[test]
fn a_year_without_a_calendar_is_a_warning() {
    let (_, warnings) = Config::load(&common::sample_dir(), "2027-03-01".parse().unwrap()).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.file.ends_with("calendar/2027.toml")),
        "{warnings:?}"
    );
}

#[test]
fn only_a_kiosk_gives_the_green_channel_and_the_hub_takes_a_stream() {
    let dir = broken_copy(|d| {
        let hall = d.join("hall.toml");
        rewrite(
            &hall,
            "kind = \"display\"",
            "kind = \"display\"\npriority = true",
        );
        let mut text = std::fs::read_to_string(&hall).unwrap();
        text.push_str("\n[limits]\nevent_streams = 0\n");
        std::fs::write(&hall, text).unwrap();
    });
    let err = Config::load(dir.path(), common::monday_morning().date_naive()).unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["devices[1].priority", "limits.event_streams"],
        "{err}"
    );

    let config = common::sample_config();
    assert!(
        config.devices.iter().all(|d| !d.priority),
        "self-service kiosks only"
    );
    assert_eq!(config.limits.event_streams, 2000);
}

#[test]
fn a_bundle_is_checked_against_the_departments_its_promise_and_its_materials() {
    let dir = broken_copy(|d| {
        let zwfw = d.join("services/zwfw.toml");
        rewrite(&zwfw, "department = \"ga\"", "department = \"gaj\"");
        rewrite(&zwfw, "days = 2\n", "days = 4\n");
        rewrite(
            &zwfw,
            "materials = [\"企业开办综合申请表\", \"员工参保信息表\"]",
            "materials = [\"企业开办综合申请表\", \"员工花名册\"]",
        );
    });
    let zwfw = dir.path().join("services/zwfw.toml");
    let err = Config::load(dir.path(), common::monday_morning().date_naive()).unwrap_err();
    let found = |field: &str| {
        err.errors
            .iter()
            .find(|e| e.field == field)
            .unwrap_or_else(|| panic!("no error at {field}: {:#?}", err.errors))
    };
    let unknown = found("services[0].bundle.stages[0].tasks[1].department");
    assert!(unknown.message.contains("gaj"), "{unknown}");
    assert_eq!(unknown.line, Some(line_of(&zwfw, "\"gaj\"")));
    assert!(
        found("services[0].bundle.stages")
            .message
            .contains("more than the promised 3")
    );
    let material = found("services[0].bundle.stages[0].tasks[3].materials");
    assert!(material.message.contains("员工花名册"), "{material}");
    assert!(
        err.errors.iter().any(|e| e
            .message
            .contains("no task needs the material “员工参保信息表”")),
        "{:#?}",
        err.errors
    );
    assert!(
        err.errors
            .iter()
            .all(|e| e.file.ends_with("services/zwfw.toml"))
    );
}
