//! Why a ticket could not be printed, in words for the citizen at the kiosk,
//! with variants the kiosk matches on to show the ticket on screen instead.

use std::fmt;
use std::io;

/// A printer that cannot print a ticket right now.
#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    /// The paper roll has run out: the printer said so before printing.
    #[error("打印机缺纸")]
    PaperOut,
    /// The paper cover is open.
    #[error("打印机纸仓盖未关好")]
    CoverOpen,
    /// The printer is offline, or did not answer the status query in time.
    #[error("{0}")]
    Offline(OfflineCause),
    /// The connection to the printer failed: a serial device unplugged, a
    /// network printer unreachable, a file that cannot be written.
    #[error("打印机连接出错")]
    Io(#[from] io::Error),
    /// The ticket could not be turned into printer commands, such as a status
    /// URL too long for a QR code.
    #[error("号票内容无法排版")]
    Layout(#[from] escpos::errors::PrinterError),
}

/// What the printer said, or did not say, when asked whether it is online.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflineCause {
    /// No answer within the status timeout: switched off, or no printer on
    /// the line at all.
    NoAnswer,
    /// The printer answered that it is offline or stopped by an error.
    Reported,
    /// The answer was not a status byte (its fixed bits were wrong).
    Garbled(u8),
}

impl fmt::Display for OfflineCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAnswer => write!(f, "打印机无响应"),
            Self::Reported => write!(f, "打印机离线"),
            Self::Garbled(byte) => write!(f, "打印机应答异常（0x{byte:02X}）"),
        }
    }
}
