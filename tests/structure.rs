//! The direction of dependencies, read from the source tree: devices and
//! apps never reach into the hub or the store, SQLite is the store's alone,
//! and the apps and the simulation speak to the hub through the typed
//! client, not raw paths.
//! Each rule has an allowlist of files that break it today, and a file on an
//! allowlist that no longer breaks the rule fails the test: the lists only
//! shrink.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files under `src/devices` and `src/apps` allowed to name the hub.
const MAY_WIRE_A_HUB: &[&str] = &[
    // `yimen screenshot` is an entry point, like `main` and `demo`: it starts
    // a real hub in-process (`LocalHub`) for the apps to draw against. It
    // stays beside the apps whose private drivers it uses.
    "src/apps/screenshot.rs",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, relative to the crate's root, with its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![root().join(dir)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((relative(&path), text));
            }
        }
    }
    assert!(!found.is_empty(), "no sources under {dir}");
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    let path = path.strip_prefix(root()).unwrap();
    path.to_string_lossy().replace('\\', "/")
}

/// Whether `text` names the crate's module `module`: `crate::hub`, or a
/// grouped import such as `use crate::{api, hub::Hub}`.
fn names_module(text: &str, module: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let direct = [format!("crate::{module}::"), format!("crate::{module};")];
    if direct.iter().any(|d| compact.contains(d.as_str())) {
        return true;
    }
    compact.match_indices("crate::{").any(|(at, open)| {
        let group = &compact[at + open.len()..];
        let group = &group[..group.find('}').unwrap_or(group.len())];
        group
            .split([',', '{'])
            .any(|item| item == module || item.starts_with(&format!("{module}::")))
    })
}

/// The files of `files` that break a rule, checked against its allowlist:
/// an offender not on the list, and a listed file that no longer offends,
/// are both problems.
fn check(
    rule: &str,
    files: &[(String, String)],
    offends: impl Fn(&str) -> bool,
    allowed: &[&str],
) -> Vec<String> {
    let offenders: BTreeSet<&str> = files
        .iter()
        .filter(|(_, text)| offends(text))
        .map(|(path, _)| path.as_str())
        .collect();
    let allowed: BTreeSet<&str> = allowed.iter().copied().collect();
    let new = offenders
        .difference(&allowed)
        .map(|path| format!("{path}: {rule}"));
    let stale = allowed.difference(&offenders).map(|path| {
        format!("{path}: allowed to break \"{rule}\" but no longer does; take it off the list")
    });
    new.chain(stale).collect()
}

#[track_caller]
fn assert_clean(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn devices_never_reach_into_the_hub_or_the_store() {
    let devices = sources("src/devices");
    assert_clean(check(
        "names crate::hub",
        &devices,
        |t| names_module(t, "hub"),
        &[],
    ));
    assert_clean(check(
        "names crate::store",
        &devices,
        |t| names_module(t, "store"),
        &[],
    ));
}

#[test]
fn apps_never_reach_into_the_hub_or_the_store() {
    let apps = sources("src/apps");
    let hub = |t: &str| names_module(t, "hub");
    assert_clean(check("names crate::hub", &apps, hub, MAY_WIRE_A_HUB));
    assert_clean(check(
        "names crate::store",
        &apps,
        |t| names_module(t, "store"),
        &[],
    ));
}

#[test]
fn sqlite_is_the_stores_alone() {
    let outside: Vec<_> = sources("src")
        .into_iter()
        .filter(|(path, _)| !path.starts_with("src/store/"))
        .collect();
    assert_clean(check(
        "mentions rusqlite",
        &outside,
        |t| t.contains("rusqlite"),
        &[],
    ));
}

/// Only `client.rs` knows the hub's paths: the apps and the simulation call
/// its typed methods.
#[test]
fn apps_and_the_simulation_hold_no_raw_api_paths() {
    let raw = |t: &str| t.contains("\"/api/v1");
    for dir in ["src/apps", "src/simulate"] {
        assert_clean(check("holds a \"/api/v1 path", &sources(dir), raw, &[]));
    }
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert!(names_module("use crate::hub::Hub;", "hub"));
    assert!(names_module(
        "let r = crate::hub::open(c, db, clock);",
        "hub"
    ));
    assert!(names_module("use crate::{api, hub};", "hub"));
    assert!(names_module(
        "use crate::{\n    api::X,\n    store::{self, Connection},\n};",
        "store"
    ));
    assert!(!names_module("use crate::{api, hubcap};", "hub"));
    assert!(!names_module("use crate::domain::hub_like;", "hub"));
    assert!(!names_module("/// the hub sends it", "hub"));
    let files = vec![
        ("src/a.rs".to_owned(), "use crate::hub::Hub;".to_owned()),
        ("src/b.rs".to_owned(), "fn b() {}".to_owned()),
    ];
    let hub = |t: &str| names_module(t, "hub");
    assert_eq!(check("r", &files, hub, &["src/a.rs"]), Vec::<String>::new());
    assert_eq!(check("r", &files, hub, &[]), ["src/a.rs: r"]);
    let stale = check("r", &files, hub, &["src/a.rs", "src/b.rs"]);
    assert_eq!(stale.len(), 1);
    assert!(stale[0].starts_with("src/b.rs: allowed to break"));
}
