//! The printer's real-time status (`DLE EOT n`), asked before each ticket so
//! that a printer out of paper is known before the citizen walks away.

use std::io::{self, ErrorKind, Read, Write};

use super::error::{OfflineCause, PrinterError};

/// `DLE EOT`: transmit real-time status. Written by hand because escpos 0.20
/// appends a fourth byte (`a = 0`) that `n` = 1, 2 and 4 do not take, which
/// the printer would then read as data.
const DLE_EOT: [u8; 2] = [0x10, 0x04];
/// `n` = 1: printer status; 2: offline cause; 4: roll paper sensor.
const PRINTER: u8 = 1;
const OFFLINE_CAUSE: u8 = 2;
const PAPER_SENSOR: u8 = 4;

/// Every status byte has bit 1 and bit 4 set, bit 0 and bit 7 clear.
const FIXED_MASK: u8 = 0x93;
const FIXED_BITS: u8 = 0x12;
/// n = 1, bit 3.
const OFFLINE: u8 = 0x08;
/// n = 2, bit 2.
const COVER_OPEN: u8 = 0x04;
/// n = 2, bit 5: printing stopped because the paper ran out.
const STOPPED_BY_PAPER_END: u8 = 0x20;
/// n = 2, bit 6: an error (autocutter, head temperature) stopped the printer.
const ERROR_OCCURRED: u8 = 0x40;
/// n = 4, bits 2 and 3.
const PAPER_NEAR_END: u8 = 0x0C;
/// n = 4, bits 5 and 6.
const PAPER_END: u8 = 0x60;

/// What a printer answered about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrinterStatus {
    /// Offline, or stopped by an error: it will not print.
    pub offline: bool,
    /// The paper cover is open.
    pub cover_open: bool,
    /// No paper at the print head.
    pub paper_out: bool,
    /// The roll is nearly used up: worth telling the staff, still prints.
    pub paper_near_end: bool,
}

impl PrinterStatus {
    /// A printer ready to print, with paper to spare.
    pub const READY: Self = Self {
        offline: false,
        cover_open: false,
        paper_out: false,
        paper_near_end: false,
    };

    /// Whether a ticket can be printed now.
    ///
    /// # Errors
    /// [`PrinterError::PaperOut`], [`PrinterError::CoverOpen`] or
    /// [`PrinterError::Offline`], in that order: a printer out of paper also
    /// reports itself offline, and the paper is what the staff must fix.
    pub fn check(&self) -> Result<(), PrinterError> {
        if self.paper_out {
            Err(PrinterError::PaperOut)
        } else if self.cover_open {
            Err(PrinterError::CoverOpen)
        } else if self.offline {
            Err(PrinterError::Offline(OfflineCause::Reported))
        } else {
            Ok(())
        }
    }

    fn from_answers(printer: u8, offline_cause: u8, paper: u8) -> Result<Self, PrinterError> {
        for byte in [printer, offline_cause, paper] {
            if byte & FIXED_MASK != FIXED_BITS {
                return Err(PrinterError::Offline(OfflineCause::Garbled(byte)));
            }
        }
        Ok(Self {
            offline: printer & OFFLINE != 0 || offline_cause & ERROR_OCCURRED != 0,
            cover_open: offline_cause & COVER_OPEN != 0,
            paper_out: paper & PAPER_END != 0 || offline_cause & STOPPED_BY_PAPER_END != 0,
            paper_near_end: paper & PAPER_NEAR_END != 0,
        })
    }
}

/// A connection that can carry an answer back from the printer, with a read
/// timeout already set.
pub(super) trait StatusLine: Read + Write {
    /// Drops bytes already received, such as a late answer to an earlier
    /// query that timed out, so they are not taken for the next answer.
    ///
    /// # Errors
    /// The connection failed or was closed.
    fn discard_unread(&mut self) -> io::Result<()>;
}

/// Asks for the printer status, the offline cause and the paper sensor.
///
/// # Errors
/// [`PrinterError::Offline`] when an answer does not come within the line's
/// read timeout or is not a status byte; [`PrinterError::Io`] when the
/// connection fails or closes.
pub(super) fn ask_status(line: &mut impl StatusLine) -> Result<PrinterStatus, PrinterError> {
    line.discard_unread()?;
    let printer = ask(line, PRINTER)?;
    let offline_cause = ask(line, OFFLINE_CAUSE)?;
    let paper = ask(line, PAPER_SENSOR)?;
    PrinterStatus::from_answers(printer, offline_cause, paper)
}

fn ask(line: &mut impl StatusLine, n: u8) -> Result<u8, PrinterError> {
    line.write_all(&[DLE_EOT[0], DLE_EOT[1], n])?;
    line.flush()?;
    let mut answer = [0u8; 1];
    loop {
        match line.read(&mut answer) {
            Ok(1) => return Ok(answer[0]),
            Ok(_) => {
                let hung_up = io::Error::new(ErrorKind::UnexpectedEof, "the printer hung up");
                return Err(hung_up.into());
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // A serial port reports TimedOut, a socket on Unix WouldBlock.
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                return Err(PrinterError::Offline(OfflineCause::NoAnswer));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A printer that answers from a script, then times out.
    struct Scripted {
        answers: VecDeque<u8>,
        asked: Vec<u8>,
    }

    impl Scripted {
        fn new(answers: &[u8]) -> Self {
            let answers = answers.iter().copied().collect();
            Self {
                answers,
                asked: Vec::new(),
            }
        }
    }

    impl Read for Scripted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let byte = self.answers.pop_front().ok_or(ErrorKind::TimedOut)?;
            buf[0] = byte;
            Ok(1)
        }
    }

    impl Write for Scripted {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.asked.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl StatusLine for Scripted {
        fn discard_unread(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn status(answers: &[u8]) -> Result<PrinterStatus, PrinterError> {
        ask_status(&mut Scripted::new(answers))
    }

    #[test]
    fn asks_printer_offline_cause_and_paper_in_turn() {
        let mut line = Scripted::new(&[0x12, 0x12, 0x12]);
        assert_eq!(ask_status(&mut line).unwrap(), PrinterStatus::READY);
        assert_eq!(line.asked, [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4]);
    }

    #[test]
    fn reads_the_documented_bits() {
        let paper_out = status(&[0x1A, 0x32, 0x7E]).unwrap();
        assert!(paper_out.paper_out && paper_out.paper_near_end && paper_out.offline);
        assert!(matches!(paper_out.check(), Err(PrinterError::PaperOut)));

        let near_end = status(&[0x12, 0x12, 0x1E]).unwrap();
        assert_eq!(
            near_end,
            PrinterStatus {
                paper_near_end: true,
                ..PrinterStatus::READY
            }
        );
        assert!(near_end.check().is_ok());

        let cover = status(&[0x1A, 0x16, 0x12]).unwrap();
        assert!(matches!(cover.check(), Err(PrinterError::CoverOpen)));

        let offline = status(&[0x1A, 0x12, 0x12]).unwrap();
        let reported = PrinterError::Offline(OfflineCause::Reported);
        assert_eq!(
            offline.check().unwrap_err().to_string(),
            reported.to_string()
        );

        let autocutter_error = status(&[0x12, 0x52, 0x12]).unwrap();
        assert!(autocutter_error.offline);
    }

    #[test]
    fn silence_is_offline_and_noise_is_garbled() {
        let silent = status(&[]).unwrap_err();
        assert!(matches!(
            silent,
            PrinterError::Offline(OfflineCause::NoAnswer)
        ));
        assert_eq!(silent.to_string(), "打印机无响应");

        let half = status(&[0x12]).unwrap_err();
        assert!(matches!(
            half,
            PrinterError::Offline(OfflineCause::NoAnswer)
        ));

        let noise = status(&[b'A', 0x12, 0x12]).unwrap_err();
        assert!(matches!(
            noise,
            PrinterError::Offline(OfflineCause::Garbled(b'A'))
        ));
    }
}
