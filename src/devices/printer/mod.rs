//! The kiosk's ticket printer: an ESC/POS thermal printer on a serial port, on
//! the network (TCP 9100), or a file for development.
//!
//! A ticket is laid out once as bytes ([`ticket_bytes`]); [`print_ticket`]
//! asks the printer's status first where the connection can answer, so that a
//! printer out of paper is known before the citizen walks away, and the kiosk
//! can show the ticket on screen instead ([`PrinterError`]).
//!
//! - `settings`: the `[printer]` section and its checks;
//! - `layout`: what every slip shares: GB18030, Chinese mode, wrapping, the cut;
//! - `slip`: what is on a ticket and its bytes;
//! - `status`: `DLE EOT` real-time status;
//! - `drivers`: file, serial and network connections;
//! - `lazy`: connecting when needed and again after a failure;
//! - `memory`: the in-memory sink for tests.

mod drivers;
mod error;
pub(crate) mod layout;
mod lazy;
mod memory;
mod settings;
mod slip;
mod status;

pub use drivers::{FilePrinter, NetworkPrinter, SerialPrinter};
pub use error::{OfflineCause, PrinterError};
pub use lazy::connect;
pub use memory::MemoryPrinter;
pub use settings::{
    DEFAULT_PORT, PaperWidth, PrinterConnection, PrinterDriver, PrinterSettings, PrinterSetup,
    SettingsProblem,
};
pub use slip::{TicketSlip, ticket_bytes};
pub use status::PrinterStatus;

/// A printer that can print a ticket: one implementation per connection.
pub trait TicketPrinter {
    /// What and where the printer is, for logs, such as `serial /dev/ttyUSB0`.
    fn name(&self) -> String;

    /// The paper loaded, which decides the layout.
    fn paper(&self) -> PaperWidth;

    /// Asks the printer how it is. A connection that cannot carry an answer
    /// back (a file) reports [`PrinterStatus::READY`].
    ///
    /// # Errors
    /// [`PrinterError::Offline`] when the printer does not answer within the
    /// status timeout or answers nonsense; [`PrinterError::Io`] when the
    /// connection fails.
    fn status(&mut self) -> Result<PrinterStatus, PrinterError>;

    /// Sends a finished job.
    ///
    /// # Errors
    /// [`PrinterError::Io`] when the connection fails part-way.
    fn send(&mut self, job: &[u8]) -> Result<(), PrinterError>;
}

/// Opens the printer the settings describe.
///
/// # Errors
/// [`PrinterError::Io`] when the file or serial device cannot be opened or
/// the network printer refuses; [`PrinterError::Offline`] when it does not
/// accept the connection in time.
pub fn open(setup: &PrinterSetup) -> Result<Box<dyn TicketPrinter + Send>, PrinterError> {
    let (paper, timeout) = (setup.paper, setup.status_timeout);
    Ok(match &setup.connection {
        PrinterConnection::File { path } => Box::new(FilePrinter::open(path, paper)?),
        PrinterConnection::Serial { path, baud } => {
            Box::new(SerialPrinter::open(path, *baud, paper, timeout)?)
        }
        PrinterConnection::Network { host, port } => {
            Box::new(NetworkPrinter::connect(host, *port, paper, timeout)?)
        }
    })
}

/// Prints one ticket, after making sure the printer can.
///
/// Returns the status read before printing, so the caller can tell the staff
/// when the paper is nearly out.
///
/// # Errors
/// [`PrinterError::PaperOut`], [`PrinterError::CoverOpen`] or
/// [`PrinterError::Offline`] before anything is sent; [`PrinterError::Io`]
/// when the connection fails; [`PrinterError::Layout`] when the slip cannot
/// be laid out.
pub fn print_ticket<P>(printer: &mut P, slip: &TicketSlip) -> Result<PrinterStatus, PrinterError>
where
    P: TicketPrinter + ?Sized,
{
    let job = ticket_bytes(slip, printer.paper())?;
    let status = print_job(printer, &job)?;
    tracing::debug!(printer = %printer.name(), number = %slip.number, bytes = job.len(), "ticket printed");
    Ok(status)
}

/// Sends a finished job, such as a ticket or a case document, only once the
/// printer says it can print it, so that a printer out of paper gets nothing
/// and the caller learns why.
///
/// Returns the status read before printing, so the caller can tell the staff
/// when the paper is nearly out.
///
/// # Errors
/// [`PrinterError::PaperOut`], [`PrinterError::CoverOpen`] or
/// [`PrinterError::Offline`] before anything is sent; [`PrinterError::Io`]
/// when the connection fails.
pub fn print_job<P>(printer: &mut P, job: &[u8]) -> Result<PrinterStatus, PrinterError>
where
    P: TicketPrinter + ?Sized,
{
    let status = printer.status()?;
    status.check()?;
    if status.paper_near_end {
        tracing::warn!(printer = %printer.name(), "ticket paper is nearly out");
    }
    printer.send(job)?;
    Ok(status)
}
