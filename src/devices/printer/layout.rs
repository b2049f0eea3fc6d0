//! What every slip the hall prints shares: a sheet in GB18030 with the
//! printer's Chinese mode on, text wrapped to the paper by display columns,
//! and the feed and cut at the end. The queue ticket and the case documents
//! (`crate::documents`) are both laid out on it.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::errors::Result as EscposResult;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{Encoder, Protocol};

use super::settings::PaperWidth;

/// `FS &`: Chinese character mode, in which the printer reads two- and
/// four-byte GB18030 sequences as one character. escpos has no call for it.
const CHINESE_MODE_ON: [u8; 2] = [0x1C, 0x26];
/// Blank lines between the last text and the cutter.
const FEED_BEFORE_CUT: u8 = 3;
/// Chinese punctuation that must not begin a line (避头点).
const NO_LINE_START: &str = "，。、；：？！）》」』”’";

/// A slip being laid out: escpos commands collected in memory.
pub(crate) type Sheet = Printer<Capture>;

/// A fresh sheet for the paper: printer reset, then Chinese mode on, so that
/// every text after it is read as GB18030.
pub(crate) fn sheet(paper: PaperWidth) -> EscposResult<Sheet> {
    let protocol = Protocol::new(Encoder::new(encoding_rs::GB18030));
    let columns = u8::try_from(paper.columns()).expect("at most 48 columns");
    let options = PrinterOptions::new(None, None, columns);
    let mut sheet = Printer::new(Capture::default(), protocol, Some(options));
    sheet.init()?.custom(&CHINESE_MODE_ON)?;
    Ok(sheet)
}

/// Feeds the last line past the cutter, cuts, and returns the finished job.
pub(crate) fn cut(mut sheet: Sheet) -> EscposResult<Vec<u8>> {
    sheet.feeds(FEED_BEFORE_CUT)?.print_cut()?;
    Ok(sheet.driver().bytes.into_inner())
}

/// Writes a text broken into lines of at most `columns`.
pub(crate) fn write_wrapped(sheet: &mut Sheet, text: &str, columns: usize) -> EscposResult<()> {
    for line in wrap(text, columns) {
        sheet.writeln(&line)?;
    }
    Ok(())
}

/// Columns a text takes in Chinese mode: two for a Chinese character, one
/// for ASCII.
pub(crate) fn display_columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

fn char_columns(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// Breaks a text into lines of at most `columns`, never starting a line with
/// closing punctuation. An empty text is one empty line.
pub(crate) fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        if display_columns(&line) + char_columns(c) > columns && !line.is_empty() {
            // Carry the last character along rather than start with a comma.
            let carry = NO_LINE_START.contains(c) && line.chars().nth(1).is_some();
            let carried: String = if carry {
                line.pop().into_iter().collect()
            } else {
                String::new()
            };
            lines.push(std::mem::replace(&mut line, carried));
        }
        line.push(c);
    }
    lines.push(line);
    lines
}

/// An escpos driver that keeps what it is given: the finished job.
#[derive(Default)]
pub(crate) struct Capture {
    bytes: RefCell<Vec<u8>>,
}

impl Driver for Capture {
    fn name(&self) -> String {
        "ticket layout".to_owned()
    }

    fn write(&self, data: &[u8]) -> EscposResult<()> {
        self.bytes.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> EscposResult<usize> {
        Ok(0)
    }

    fn flush(&self) -> EscposResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_columns() {
        let lines = wrap("过号请重新取号，请留意叫号 A001", 12);
        assert_eq!(lines, ["过号请重新取", "号，请留意叫", "号 A001"]);
        assert!(lines.iter().all(|l| display_columns(l) <= 12));
    }

    #[test]
    fn never_starts_a_line_with_a_comma() {
        let lines = wrap("请您留意叫号，谢谢", 12);
        assert_eq!(lines, ["请您留意叫", "号，谢谢"]);
    }

    #[test]
    fn an_empty_text_is_one_empty_line() {
        assert_eq!(wrap("", 12), [""]);
    }

    #[test]
    fn a_sheet_starts_in_chinese_mode_and_ends_with_a_cut() {
        let bytes = cut(sheet(PaperWidth::Mm58).unwrap()).unwrap();
        assert!(bytes.starts_with(&[0x1B, b'@', 0x1C, 0x26]), "{bytes:02X?}");
        let feed_and_cut = [0x1B, b'd', FEED_BEFORE_CUT, 0x1D, b'V', b'A', 0];
        assert!(bytes.ends_with(&feed_and_cut), "{bytes:02X?}");
    }
}
