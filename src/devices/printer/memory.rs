//! The in-memory sink: a printer that keeps what it is sent and answers the
//! status it is told to, for tests where no real connection fits.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::TicketPrinter;
use super::error::{OfflineCause, PrinterError};
use super::settings::PaperWidth;
use super::status::PrinterStatus;

/// A printer in memory. Clones share one roll: hand one to the code under
/// test and keep another to read what was printed or to run out of paper.
#[derive(Clone, Debug)]
pub struct MemoryPrinter {
    /// Decides the layout, as the configured width does for a real printer.
    paper: PaperWidth,
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    /// Every job sent, one after another, as a printer would receive them.
    printed: Vec<u8>,
    /// What `status()` answers; `None` is a printer that never answers.
    answer: Option<PrinterStatus>,
}

impl MemoryPrinter {
    /// A ready printer with nothing printed yet.
    pub fn new(paper: PaperWidth) -> Self {
        let state = State {
            printed: Vec::new(),
            answer: Some(PrinterStatus::READY),
        };
        Self {
            paper,
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// From now on, answers `status` when asked.
    pub fn answer(&self, status: PrinterStatus) {
        self.state().answer = Some(status);
    }

    /// From now on, never answers: asking times out as
    /// [`OfflineCause::NoAnswer`].
    pub fn fall_silent(&self) {
        self.state().answer = None;
    }

    /// The bytes of every job sent so far.
    pub fn printed(&self) -> Vec<u8> {
        self.state().printed.clone()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TicketPrinter for MemoryPrinter {
    fn name(&self) -> String {
        "memory".to_owned()
    }

    fn paper(&self) -> PaperWidth {
        self.paper
    }

    fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        self.state()
            .answer
            .ok_or(PrinterError::Offline(OfflineCause::NoAnswer))
    }

    fn send(&mut self, job: &[u8]) -> Result<(), PrinterError> {
        self.state().printed.extend_from_slice(job);
        Ok(())
    }
}
