//! The `[printer]` section of the kiosk's configuration, as written and as
//! checked: which driver, where the printer is, and how wide its paper is.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// The port ESC/POS network printers listen on (raw printing, "JetDirect").
pub const DEFAULT_PORT: u16 = 9100;
const DEFAULT_BAUD: u32 = 9600;
const DEFAULT_PAPER_WIDTH_MM: u32 = 80;
const DEFAULT_TIMEOUT_MS: u64 = 500;
/// Serial speeds thermal printers are set to with their DIP switches.
const STANDARD_BAUDS: [u32; 8] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];
const TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u64> = 50..=10_000;

/// The `[printer]` section as written, checked by [`PrinterSettings::validate`].
///
/// ```toml
/// [printer]
/// driver = "serial"          # "file", "serial" or "network"
/// path = "/dev/ttyUSB0"      # file or serial device
/// baud = 9600                # serial only
/// # address = "192.168.1.50" # network only, "host:port", port 9100 by default
/// paper_width_mm = 80        # 58 or 80
/// timeout_ms = 500           # how long to wait for each status answer
/// ```
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PrinterSettings {
    /// How the kiosk reaches the printer.
    pub driver: PrinterDriver,
    /// The file to append tickets to (`file`), or the serial device (`serial`).
    pub path: Option<PathBuf>,
    /// `host:port` of a network printer; the port defaults to 9100.
    pub address: Option<String>,
    /// Serial speed, 9600 when not given; serial only.
    pub baud: Option<u32>,
    /// Paper roll width in millimetres: 58 or 80, 80 when not given.
    #[serde(default = "default_paper_width_mm")]
    pub paper_width_mm: u32,
    /// How long to wait for each status answer, 500 ms when not given.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_paper_width_mm() -> u32 {
    DEFAULT_PAPER_WIDTH_MM
}

fn default_timeout_ms() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// How the kiosk reaches the printer, as named in the configuration.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PrinterDriver {
    /// Appends tickets to a file: for development, or a `/dev/usb/lp0` device.
    File,
    /// A serial (RS-232 or USB-serial) printer.
    Serial,
    /// A network printer taking raw ESC/POS on TCP port 9100.
    Network,
}

/// Printer settings that passed [`PrinterSettings::validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterSetup {
    /// Where the printer is and how to reach it.
    pub connection: PrinterConnection,
    /// Decides the characters per line and the size of the QR code.
    pub paper: PaperWidth,
    /// How long to wait for each status answer before calling the printer offline.
    pub status_timeout: Duration,
}

/// Where the printer is, by driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterConnection {
    /// Tickets are appended to this file; there is no status to ask.
    File { path: PathBuf },
    /// A serial device such as `/dev/ttyUSB0` or `COM3`.
    Serial { path: PathBuf, baud: u32 },
    /// A network printer; the host is resolved on every connect.
    Network { host: String, port: u16 },
}

/// The paper roll widths kiosk printers take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaperWidth {
    Mm58,
    Mm80,
}

impl PaperWidth {
    /// Printable dots across the roll at 203 dpi: 48 mm and 72 mm.
    pub fn printable_dots(self) -> u16 {
        match self {
            Self::Mm58 => 384,
            Self::Mm80 => 576,
        }
    }

    /// ASCII characters per line in the 12-dot font: 32 and 48. A Chinese
    /// character takes two.
    pub fn columns(self) -> usize {
        usize::from(self.printable_dots() / 12)
    }
}

/// A problem with one field of the `[printer]` section: the field's name
/// within the section, and what is wrong, for the configuration loader to
/// report with the file and line.
pub type SettingsProblem = (&'static str, String);

impl PrinterSettings {
    /// Checks the settings as a whole and turns them into a [`PrinterSetup`].
    ///
    /// # Errors
    /// Every problem found, each naming its field: a path or address missing
    /// for the driver or given to the wrong one, an address that is not
    /// `host:port`, an unusual baud rate, a paper width other than 58 or 80,
    /// a status timeout outside 50–10000 ms.
    pub fn validate(&self) -> Result<PrinterSetup, Vec<SettingsProblem>> {
        let mut problems = Vec::new();
        let connection = self.connection(&mut problems);
        let paper = match self.paper_width_mm {
            58 => Some(PaperWidth::Mm58),
            80 => Some(PaperWidth::Mm80),
            other => {
                let message = format!("the paper is 58 or 80 mm wide, not {other}");
                problems.push(("paper_width_mm", message));
                None
            }
        };
        if !TIMEOUT_RANGE_MS.contains(&self.timeout_ms) {
            let message = format!("{} ms is not within 50–10000 ms", self.timeout_ms);
            problems.push(("timeout_ms", message));
        }
        match (connection, paper) {
            (Some(connection), Some(paper)) if problems.is_empty() => Ok(PrinterSetup {
                connection,
                paper,
                status_timeout: Duration::from_millis(self.timeout_ms),
            }),
            _ => Err(problems),
        }
    }

    fn connection(&self, problems: &mut Vec<SettingsProblem>) -> Option<PrinterConnection> {
        use PrinterDriver::{Network, Serial};
        let driver = self.driver;
        let mut misplaced = |field: &'static str, drivers: &str| {
            problems.push((field, format!("{field} is for the {drivers} driver")));
        };
        if self.path.is_some() && driver == Network {
            misplaced("path", "file and serial");
        }
        if self.address.is_some() && driver != Network {
            misplaced("address", "network");
        }
        if self.baud.is_some() && driver != Serial {
            misplaced("baud", "serial");
        }
        match driver {
            PrinterDriver::File => {
                let path = self.required_path(
                    "the file driver needs a path: the file to append tickets to",
                    problems,
                )?;
                Some(PrinterConnection::File { path })
            }
            PrinterDriver::Serial => {
                let baud = self.baud.unwrap_or(DEFAULT_BAUD);
                if !STANDARD_BAUDS.contains(&baud) {
                    let message = format!("{baud} is not a standard speed (1200 … 115200)");
                    problems.push(("baud", message));
                }
                let path = self.required_path(
                    "the serial driver needs a path: the device, such as /dev/ttyUSB0",
                    problems,
                )?;
                Some(PrinterConnection::Serial { path, baud })
            }
            PrinterDriver::Network => {
                let Some(address) = &self.address else {
                    let message = "the network driver needs the printer's host:port".to_owned();
                    problems.push(("address", message));
                    return None;
                };
                match host_and_port(address) {
                    Ok((host, port)) => Some(PrinterConnection::Network { host, port }),
                    Err(message) => {
                        problems.push(("address", message));
                        None
                    }
                }
            }
        }
    }

    fn required_path(&self, missing: &str, problems: &mut Vec<SettingsProblem>) -> Option<PathBuf> {
        match &self.path {
            Some(path) if !path.as_os_str().is_empty() => Some(path.clone()),
            _ => {
                problems.push(("path", missing.to_owned()));
                None
            }
        }
    }
}

/// Splits `host:port`, `host`, `[v6]:port` or a bare IP address; the port
/// defaults to 9100.
fn host_and_port(address: &str) -> Result<(String, u16), String> {
    let address = address.trim();
    if let Ok(ip) = address.parse::<IpAddr>() {
        return Ok((ip.to_string(), DEFAULT_PORT));
    }
    if let Ok(socket) = address.parse::<SocketAddr>() {
        return Ok((socket.ip().to_string(), socket.port()));
    }
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => match port.parse::<u16>() {
            Ok(port) if port > 0 => (host, port),
            _ => return Err(format!("“{port}” is not a port number (1–65535)")),
        },
        None => (address, DEFAULT_PORT),
    };
    let bad = |c: char| c.is_whitespace() || "/:[]@".contains(c);
    if host.is_empty() || host.contains(bad) {
        return Err(format!(
            "“{address}” is not host:port, such as 192.168.1.50:9100"
        ));
    }
    Ok((host.to_owned(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Kiosk {
        printer: PrinterSettings,
    }

    fn parse(toml_text: &str) -> PrinterSettings {
        toml::from_str::<Kiosk>(toml_text).unwrap().printer
    }

    fn problems(toml_text: &str) -> Vec<SettingsProblem> {
        parse(toml_text).validate().unwrap_err()
    }

    #[test]
    fn serial_takes_the_defaults() {
        let setup = parse("[printer]\ndriver = \"serial\"\npath = \"/dev/ttyUSB0\"\n")
            .validate()
            .unwrap();
        let path = PathBuf::from("/dev/ttyUSB0");
        assert_eq!(
            setup.connection,
            PrinterConnection::Serial { path, baud: 9600 }
        );
        assert_eq!(setup.paper, PaperWidth::Mm80);
        assert_eq!(setup.status_timeout, Duration::from_millis(500));
    }

    #[test]
    fn network_address_defaults_to_port_9100() {
        let cases = [
            ("192.168.1.50", "192.168.1.50", 9100),
            ("192.168.1.50:9101", "192.168.1.50", 9101),
            ("printer.hall.lan", "printer.hall.lan", 9100),
            ("printer.hall.lan:9100", "printer.hall.lan", 9100),
            ("[::1]:9102", "::1", 9102),
            ("fe80::1", "fe80::1", 9100),
        ];
        for (address, host, port) in cases {
            let text = format!("[printer]\ndriver = \"network\"\naddress = \"{address}\"\n");
            let setup = parse(&text).validate().unwrap();
            let host = host.to_owned();
            assert_eq!(
                setup.connection,
                PrinterConnection::Network { host, port },
                "{address}"
            );
        }
    }

    #[test]
    fn every_problem_names_its_field() {
        let found = problems(
            "[printer]\ndriver = \"network\"\naddress = \"printer:http\"\npath = \"/tmp/x\"\n\
             baud = 9600\npaper_width_mm = 76\ntimeout_ms = 0\n",
        );
        let fields: Vec<&str> = found.iter().map(|(field, _)| *field).collect();
        assert_eq!(
            fields,
            ["path", "baud", "address", "paper_width_mm", "timeout_ms"]
        );
        assert!(
            found[2].1.contains("“http” is not a port number"),
            "{found:?}"
        );
    }

    #[test]
    fn a_driver_without_its_path_or_address_is_a_problem() {
        assert_eq!(problems("[printer]\ndriver = \"file\"\n")[0].0, "path");
        assert_eq!(
            problems("[printer]\ndriver = \"serial\"\npath = \"\"\n")[0].0,
            "path"
        );
        assert_eq!(
            problems("[printer]\ndriver = \"network\"\n")[0].0,
            "address"
        );
        let odd_baud =
            problems("[printer]\ndriver = \"serial\"\npath = \"/dev/ttyS0\"\nbaud = 9601\n");
        assert_eq!(odd_baud[0].0, "baud");
    }

    #[test]
    fn unknown_fields_and_drivers_are_refused_when_read() {
        let typo = "[printer]\ndriver = \"file\"\npath = \"t.bin\"\npaper_width = 58\n";
        assert!(toml::from_str::<Kiosk>(typo).is_err());
        assert!(toml::from_str::<Kiosk>("[printer]\ndriver = \"usb\"\n").is_err());
    }

    #[test]
    fn paper_width_decides_the_columns() {
        assert_eq!(PaperWidth::Mm58.columns(), 32);
        assert_eq!(PaperWidth::Mm80.columns(), 48);
    }
}
