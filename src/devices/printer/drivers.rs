//! The real connections to a printer: a file, a serial port, a TCP socket.

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serialport::{ClearBuffer, SerialPort};

use super::TicketPrinter;
use super::error::{OfflineCause, PrinterError};
use super::settings::PaperWidth;
use super::status::{PrinterStatus, StatusLine, ask_status};

/// How long a write may stall before the printer counts as gone. A ticket is
/// well under 2 KiB, which the operating system buffers at once.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for a network printer to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// A printer reached through a file: a development log of tickets, or a
/// write-only device such as `/dev/usb/lp0`. It cannot answer a status.
#[derive(Debug)]
pub struct FilePrinter {
    /// For logs.
    path: PathBuf,
    /// Opened for appending, so every ticket follows the last.
    file: File,
    paper: PaperWidth,
}

impl FilePrinter {
    /// Opens `path` for appending, creating it if needed.
    ///
    /// # Errors
    /// [`PrinterError::Io`] when the file cannot be opened for writing.
    pub fn open(path: &Path, paper: PaperWidth) -> Result<Self, PrinterError> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            path: path.to_owned(),
            file,
            paper,
        })
    }
}

impl TicketPrinter for FilePrinter {
    fn name(&self) -> String {
        format!("file {}", self.path.display())
    }

    fn paper(&self) -> PaperWidth {
        self.paper
    }

    /// A file cannot answer: always [`PrinterStatus::READY`].
    fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        Ok(PrinterStatus::READY)
    }

    fn send(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        self.file.write_all(job)?;
        Ok(self.file.flush()?)
    }
}

/// A printer on a serial port (RS-232 or USB-serial), which answers status
/// queries on the same line.
pub struct SerialPrinter {
    /// For logs.
    path: PathBuf,
    port: Box<dyn SerialPort>,
    paper: PaperWidth,
    /// How long to wait for each status answer.
    status_timeout: Duration,
}

impl SerialPrinter {
    /// Opens the serial device at `baud`, 8 data bits, no parity, one stop
    /// bit, no flow control: what kiosk printers ship with.
    ///
    /// # Errors
    /// [`PrinterError::Io`] when the device is missing, busy or not a serial
    /// port.
    pub fn open(
        path: &Path,
        baud: u32,
        paper: PaperWidth,
        status_timeout: Duration,
    ) -> Result<Self, PrinterError> {
        let port = serialport::new(path.to_string_lossy(), baud)
            .timeout(status_timeout)
            .open()
            .map_err(io::Error::from)?;
        Ok(Self {
            path: path.to_owned(),
            port,
            paper,
            status_timeout,
        })
    }
}

impl TicketPrinter for SerialPrinter {
    fn name(&self) -> String {
        format!("serial {}", self.path.display())
    }

    fn paper(&self) -> PaperWidth {
        self.paper
    }

    fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        self.port
            .set_timeout(self.status_timeout)
            .map_err(io::Error::from)?;
        ask_status(&mut self.port)
    }

    fn send(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        self.port
            .set_timeout(WRITE_TIMEOUT)
            .map_err(io::Error::from)?;
        self.port.write_all(job)?;
        Ok(self.port.flush()?)
    }
}

impl StatusLine for Box<dyn SerialPort> {
    fn discard_unread(&mut self) -> io::Result<()> {
        Ok(self.clear(ClearBuffer::Input)?)
    }
}

/// A network printer taking raw ESC/POS on a TCP port (9100), which answers
/// status queries on the same connection. The connection is kept between
/// tickets and made again when the printer has closed it.
#[derive(Debug)]
pub struct NetworkPrinter {
    host: String,
    port: u16,
    /// `None` after a failure, until the next ticket connects again.
    stream: Option<TcpStream>,
    paper: PaperWidth,
    /// How long to wait for each status answer.
    status_timeout: Duration,
}

impl NetworkPrinter {
    /// Connects to the printer at `host:port`.
    ///
    /// # Errors
    /// [`PrinterError::Offline`] when the printer does not accept the
    /// connection in time; [`PrinterError::Io`] when the host is unknown or
    /// refuses.
    pub fn connect(
        host: &str,
        port: u16,
        paper: PaperWidth,
        status_timeout: Duration,
    ) -> Result<Self, PrinterError> {
        let mut printer = Self {
            host: host.to_owned(),
            port,
            stream: None,
            paper,
            status_timeout,
        };
        printer.stream = Some(printer.open_stream()?);
        Ok(printer)
    }

    fn open_stream(&self) -> Result<TcpStream, PrinterError> {
        let mut failure = io::Error::new(ErrorKind::NotFound, "the host has no address");
        for address in (self.host.as_str(), self.port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&address, CONNECT_TIMEOUT) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(self.status_timeout))?;
                    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
                    stream.set_nodelay(true)?;
                    return Ok(stream);
                }
                Err(e) => failure = e,
            }
        }
        Err(match failure.kind() {
            ErrorKind::TimedOut => PrinterError::Offline(OfflineCause::NoAnswer),
            _ => PrinterError::Io(failure),
        })
    }

    /// Asks over `stream`, keeping it unless the connection failed.
    fn ask_over(&mut self, mut stream: TcpStream) -> Result<PrinterStatus, PrinterError> {
        let answered = ask_status(&mut stream);
        if !matches!(answered, Err(PrinterError::Io(_))) {
            self.stream = Some(stream);
        }
        answered
    }
}

impl TicketPrinter for NetworkPrinter {
    fn name(&self) -> String {
        format!("network {}:{}", self.host, self.port)
    }

    fn paper(&self) -> PaperWidth {
        self.paper
    }

    fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        if let Some(stream) = self.stream.take() {
            match self.ask_over(stream) {
                Err(PrinterError::Io(e)) => {
                    // Printers close connections left idle: connect again.
                    tracing::debug!(printer = %self.name(), error = %e, "reconnecting");
                }
                answered => return answered,
            }
        }
        let stream = self.open_stream()?;
        self.ask_over(stream)
    }

    fn send(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        let mut stream = match self.stream.take() {
            Some(stream) => stream,
            None => self.open_stream()?,
        };
        stream.write_all(job)?;
        stream.flush()?;
        self.stream = Some(stream);
        Ok(())
    }
}

impl StatusLine for TcpStream {
    fn discard_unread(&mut self) -> io::Result<()> {
        self.set_nonblocking(true)?;
        let mut unread = [0u8; 64];
        let drained = loop {
            match self.read(&mut unread) {
                Ok(0) => {
                    break Err(io::Error::new(
                        ErrorKind::UnexpectedEof,
                        "the printer hung up",
                    ));
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        self.set_nonblocking(false)?;
        drained
    }
}
