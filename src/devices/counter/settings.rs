//! `counter_devices.toml` in the configuration folder, as written and as
//! checked: which serial device is the LED window screen or the rating
//! keypad of which counter, and how to talk to it.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serialport::{DataBits, Parity, StopBits};

use crate::domain::ids::CounterNo;

const DEFAULT_BAUD: u32 = 9600;
const DEFAULT_ADDRESS: u8 = 1;
const DEFAULT_RECONNECT_MS: u64 = 3000;
const RECONNECT_RANGE_MS: std::ops::RangeInclusive<u64> = 100..=60_000;
/// Speeds counter devices are set to.
const STANDARD_BAUDS: [u32; 8] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

/// The file as written, checked by [`CounterDevicesFile::validate`].
///
/// ```toml
/// reconnect_ms = 3000        # wait between attempts to open a missing device
///
/// [[counters]]
/// number = 1                 # a counter of hall.toml
/// led = { path = "/dev/ttyUSB0", address = 1 }
/// keypad = { path = "/dev/ttyUSB1", baud = 9600, data_bits = 8, parity = "none", stop_bits = 1, address = 1, protocol = "yimen" }
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CounterDevicesFile {
    /// Milliseconds between attempts to open a device that is missing or
    /// failed; 3000 when not given.
    pub reconnect_ms: Option<u64>,
    #[serde(default)]
    pub counters: Vec<CounterDevicesEntry>,
}

/// The devices of one counter.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CounterDevicesEntry {
    /// The counter, as numbered in hall.toml.
    pub number: CounterNo,
    /// The LED window screen above the counter.
    pub led: Option<PortSettings>,
    /// The rating keypad (评价器) on the counter's desk.
    pub keypad: Option<PortSettings>,
}

/// One device's serial line, as written. 9600 8N1 and address 1 unless given.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PortSettings {
    /// The serial device, such as `/dev/ttyUSB0` or `COM3`.
    pub path: PathBuf,
    pub baud: Option<u32>,
    /// 5 to 8.
    pub data_bits: Option<u8>,
    pub parity: Option<ParityName>,
    /// 1 or 2.
    pub stop_bits: Option<u8>,
    /// The device's bus address, 1–254, set on the device.
    pub address: Option<u8>,
    pub protocol: Option<ProtocolName>,
}

/// Parity as named in the file.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParityName {
    None,
    Odd,
    Even,
}

/// The protocols the hub speaks to counter devices; a vendor's joins here.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ProtocolName {
    /// The documented yimen framed protocol.
    #[default]
    Yimen,
}

/// Counter devices that passed [`CounterDevicesFile::validate`]; none when
/// the hall has no `counter_devices.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterDevices {
    /// How long to wait before opening a missing device again.
    pub reconnect: Duration,
    pub devices: Vec<CounterDevice>,
}

impl Default for CounterDevices {
    fn default() -> Self {
        Self {
            reconnect: Duration::from_millis(DEFAULT_RECONNECT_MS),
            devices: Vec::new(),
        }
    }
}

/// What a counter device is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceRole {
    /// The LED window screen: shows the counter's number and state.
    Led,
    /// The rating keypad (评价器): rates the ticket just finished.
    Keypad,
}

/// One device at one counter, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterDevice {
    pub counter: CounterNo,
    pub role: DeviceRole,
    pub port: PortSetup,
    /// The device's bus address, 1–254.
    pub address: u8,
    pub protocol: ProtocolName,
}

impl CounterDevice {
    /// The device in the hall's words, for logs and the audit log's actor,
    /// such as `1号窗口评价器`.
    pub fn name(&self) -> String {
        let what = match self.role {
            DeviceRole::Led => "LED屏",
            DeviceRole::Keypad => "评价器",
        };
        format!("{}号窗口{what}", self.counter)
    }
}

/// A serial line's settings, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSetup {
    pub path: PathBuf,
    pub baud: u32,
    pub data_bits: DataBits,
    pub parity: Parity,
    pub stop_bits: StopBits,
}

/// A problem with one field: the field as a path within the file, such as
/// `counters[0].led.baud`, and what is wrong.
pub type SettingsProblem = (String, String);

impl CounterDevicesFile {
    /// Checks the file against the hall's counters and turns it into
    /// [`CounterDevices`].
    ///
    /// # Errors
    /// Every problem found, each naming its field: a counter not in the
    /// hall or listed twice, a counter with no device, an empty path, a
    /// path used by two devices, an unusual baud rate, data or stop bits out
    /// of range, an address outside 1–254, a reconnect delay outside
    /// 100–60000 ms.
    pub fn validate(&self, counters: &[CounterNo]) -> Result<CounterDevices, Vec<SettingsProblem>> {
        let mut problems = Vec::new();
        let reconnect_ms = self.reconnect_ms.unwrap_or(DEFAULT_RECONNECT_MS);
        if !RECONNECT_RANGE_MS.contains(&reconnect_ms) {
            let message = format!("{reconnect_ms} ms is not within 100–60000 ms");
            problems.push(("reconnect_ms".to_owned(), message));
        }
        let mut devices: Vec<CounterDevice> = Vec::new();
        for (i, entry) in self.counters.iter().enumerate() {
            let at = format!("counters[{i}]");
            let n = entry.number;
            if !counters.contains(&n) {
                problems.push((
                    format!("{at}.number"),
                    format!("no counter {n} in hall.toml"),
                ));
            } else if self.counters[..i].iter().any(|e| e.number == n) {
                problems.push((
                    format!("{at}.number"),
                    format!("counter {n} is listed twice"),
                ));
            }
            if entry.led.is_none() && entry.keypad.is_none() {
                let message = "give the counter's led, its keypad, or both".to_owned();
                problems.push((at.clone(), message));
            }
            let roles = [
                (DeviceRole::Led, &entry.led),
                (DeviceRole::Keypad, &entry.keypad),
            ];
            for (role, settings) in roles {
                let Some(settings) = settings else { continue };
                let field = format!(
                    "{at}.{}",
                    if role == DeviceRole::Led {
                        "led"
                    } else {
                        "keypad"
                    }
                );
                let port = settings.port(&field, &mut problems);
                let address = settings.address.unwrap_or(DEFAULT_ADDRESS);
                if !(1..=254).contains(&address) {
                    let message = format!("the address is 1–254, not {address}");
                    problems.push((format!("{field}.address"), message));
                }
                let Some(port) = port else { continue };
                if let Some(other) = devices.iter().find(|d| d.port.path == port.path) {
                    let message = format!("{} is {} already", port.path.display(), other.name());
                    problems.push((format!("{field}.path"), message));
                }
                devices.push(CounterDevice {
                    counter: n,
                    role,
                    port,
                    address,
                    protocol: settings.protocol.unwrap_or_default(),
                });
            }
        }
        if problems.is_empty() {
            Ok(CounterDevices {
                reconnect: Duration::from_millis(reconnect_ms),
                devices,
            })
        } else {
            Err(problems)
        }
    }
}

impl PortSettings {
    fn port(&self, field: &str, problems: &mut Vec<SettingsProblem>) -> Option<PortSetup> {
        let before = problems.len();
        let mut problem = |name: &str, message: String| {
            problems.push((format!("{field}.{name}"), message));
        };
        if self.path.as_os_str().is_empty() {
            problem("path", "the serial device, such as /dev/ttyUSB0".to_owned());
        }
        let baud = self.baud.unwrap_or(DEFAULT_BAUD);
        if !STANDARD_BAUDS.contains(&baud) {
            problem(
                "baud",
                format!("{baud} is not a standard speed (1200 … 115200)"),
            );
        }
        let data_bits = match self.data_bits.unwrap_or(8) {
            5 => DataBits::Five,
            6 => DataBits::Six,
            7 => DataBits::Seven,
            8 => DataBits::Eight,
            other => {
                problem("data_bits", format!("data bits are 5 to 8, not {other}"));
                DataBits::Eight
            }
        };
        let stop_bits = match self.stop_bits.unwrap_or(1) {
            1 => StopBits::One,
            2 => StopBits::Two,
            other => {
                problem("stop_bits", format!("stop bits are 1 or 2, not {other}"));
                StopBits::One
            }
        };
        let parity = match self.parity.unwrap_or(ParityName::None) {
            ParityName::None => Parity::None,
            ParityName::Odd => Parity::Odd,
            ParityName::Even => Parity::Even,
        };
        (problems.len() == before).then(|| PortSetup {
            path: self.path.clone(),
            baud,
            data_bits,
            parity,
            stop_bits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> CounterDevicesFile {
        toml::from_str(text).unwrap()
    }

    fn fields(text: &str) -> Vec<String> {
        let problems = parse(text).validate(&[1, 2, 3]).unwrap_err();
        problems.into_iter().map(|(field, _)| field).collect()
    }

    #[test]
    fn an_empty_file_means_no_devices() {
        let devices = parse("").validate(&[1]).unwrap();
        assert_eq!(devices, CounterDevices::default());
        assert_eq!(devices.reconnect, Duration::from_secs(3));
    }

    #[test]
    fn serial_lines_default_to_9600_8n1_at_address_1() {
        let text = "reconnect_ms = 250\n[[counters]]\nnumber = 2\n\
                    led = { path = \"/dev/ttyUSB0\" }\n\
                    keypad = { path = \"/dev/ttyUSB1\", baud = 19200, parity = \"even\", \
                    data_bits = 7, stop_bits = 2, address = 9, protocol = \"yimen\" }\n";
        let devices = parse(text).validate(&[1, 2]).unwrap();
        assert_eq!(devices.reconnect, Duration::from_millis(250));
        let [led, keypad] = devices.devices.as_slice() else {
            panic!("{devices:?}")
        };
        assert_eq!(
            (led.counter, led.role, led.address),
            (2, DeviceRole::Led, 1)
        );
        assert_eq!(
            led.port,
            PortSetup {
                path: "/dev/ttyUSB0".into(),
                baud: 9600,
                data_bits: DataBits::Eight,
                parity: Parity::None,
                stop_bits: StopBits::One,
            }
        );
        assert_eq!((keypad.role, keypad.address), (DeviceRole::Keypad, 9));
        assert_eq!(keypad.port.baud, 19200);
        assert_eq!(keypad.port.data_bits, DataBits::Seven);
        assert_eq!(keypad.port.parity, Parity::Even);
        assert_eq!(keypad.port.stop_bits, StopBits::Two);
        assert_eq!(keypad.name(), "2号窗口评价器");
        assert_eq!(led.name(), "2号窗口LED屏");
    }

    #[test]
    fn every_problem_names_its_field() {
        let text = "reconnect_ms = 5\n\
                    [[counters]]\nnumber = 9\nled = { path = \"\", baud = 9601, data_bits = 9, stop_bits = 3, address = 0 }\n\
                    [[counters]]\nnumber = 1\nled = { path = \"/dev/ttyS0\" }\nkeypad = { path = \"/dev/ttyS0\", address = 255 }\n\
                    [[counters]]\nnumber = 1\n";
        assert_eq!(
            fields(text),
            [
                "reconnect_ms",
                "counters[0].number",
                "counters[0].led.path",
                "counters[0].led.baud",
                "counters[0].led.data_bits",
                "counters[0].led.stop_bits",
                "counters[0].led.address",
                "counters[1].keypad.address",
                "counters[1].keypad.path",
                "counters[2].number",
                "counters[2]",
            ]
        );
    }

    #[test]
    fn unknown_fields_and_protocols_are_refused_when_read() {
        let typo = "[[counters]]\nnumber = 1\nled = { path = \"/dev/ttyS0\", bauds = 9600 }\n";
        assert!(toml::from_str::<CounterDevicesFile>(typo).is_err());
        let vendor =
            "[[counters]]\nnumber = 1\nled = { path = \"/dev/ttyS0\", protocol = \"acme\" }\n";
        assert!(toml::from_str::<CounterDevicesFile>(vendor).is_err());
        let parity =
            "[[counters]]\nnumber = 1\nled = { path = \"/dev/ttyS0\", parity = \"mark\" }\n";
        assert!(toml::from_str::<CounterDevicesFile>(parity).is_err());
    }
}
