//! `counter_devices.toml`, the optional file of LED window screens and
//! rating keypads at the counters: read, checked against the hall's
//! counters, and every problem named by file, field and line.

use std::path::Path;

use super::diagnostic::{Diagnostic, Source};
use crate::devices::counter::{CounterDevices, CounterDevicesFile};
use crate::domain::ids::CounterNo;

/// The file's name in the configuration folder.
const FILE: &str = "counter_devices.toml";

/// Reads the file if the folder has one; no file means no devices.
/// Returns the devices and the problems found, which are errors.
pub(super) fn load(dir: &Path, counters: &[CounterNo]) -> (CounterDevices, Vec<Diagnostic>) {
    if !dir.join(FILE).exists() {
        return (CounterDevices::default(), Vec::new());
    }
    let parsed = Source::read(dir, FILE)
        .and_then(|source| source.parse::<CounterDevicesFile>().map(|f| (source, f)));
    let (source, file) = match parsed {
        Ok(read) => read,
        Err(d) => return (CounterDevices::default(), vec![d]),
    };
    match file.validate(counters) {
        Ok(devices) => (devices, Vec::new()),
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(field, message)| source.error(field, message))
                .collect();
            (CounterDevices::default(), errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> (CounterDevices, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), text).unwrap();
        load(dir.path(), &[1, 2])
    }

    #[test]
    fn no_file_means_no_devices() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), &[1]), (CounterDevices::default(), vec![]));
    }

    #[test]
    fn problems_name_file_line_and_field() {
        let text = "# devices\n\n[[counters]]\nnumber = 1\nled = { path = \"/dev/ttyS0\" }\n\n\
                    [[counters]]\nnumber = 7\nkeypad = { path = \"/dev/ttyS1\", baud = 9601 }\n";
        let (devices, errors) = load_text(text);
        assert!(devices.devices.is_empty());
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "error: counter_devices.toml:8: counters[1].number: no counter 7 in hall.toml",
                "error: counter_devices.toml:9: counters[1].keypad.baud: 9601 is not a standard speed (1200 … 115200)",
            ]
        );
    }

    #[test]
    fn syntax_and_unknown_fields_name_the_line() {
        let (_, errors) =
            load_text("[[counters]]\nnumber = 1\nled = { path = \"/dev/ttyS0\", speed = 1 }\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(3), "{}", errors[0]);
        assert!(
            errors[0].field.starts_with("counters[0].led"),
            "{}",
            errors[0]
        );
    }
}
