//! A printer that connects when it is needed and again after a failure, so
//! that a kiosk started with its printer unplugged, or one whose cable was
//! pulled, prints again once the printer is back, with nobody restarting it.

use super::{PaperWidth, PrinterError, PrinterSetup, PrinterStatus, TicketPrinter, open};

struct LazyPrinter {
    setup: PrinterSetup,
    /// The open connection; none until needed and after an I/O failure.
    open: Option<Box<dyn TicketPrinter + Send>>,
}

/// A printer for `setup` that opens its connection on first use and reopens
/// it after a failed one.
pub fn connect(setup: &PrinterSetup) -> Box<dyn TicketPrinter + Send> {
    Box::new(LazyPrinter {
        setup: setup.clone(),
        open: None,
    })
}

impl LazyPrinter {
    fn with<T>(
        &mut self,
        f: impl FnOnce(&mut dyn TicketPrinter) -> Result<T, PrinterError>,
    ) -> Result<T, PrinterError> {
        let printer = match &mut self.open {
            Some(p) => p,
            None => self.open.insert(open(&self.setup)?),
        };
        let result = f(printer.as_mut());
        if let Err(PrinterError::Io(_) | PrinterError::Offline(_)) = &result {
            self.open = None;
        }
        result
    }
}

impl TicketPrinter for LazyPrinter {
    fn name(&self) -> String {
        match &self.open {
            Some(p) => p.name(),
            None => format!("{:?} (not connected)", self.setup.connection),
        }
    }

    fn paper(&self) -> PaperWidth {
        self.setup.paper
    }

    fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        self.with(|p| p.status())
    }

    fn send(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        self.with(|p| p.send(job))
    }
}
