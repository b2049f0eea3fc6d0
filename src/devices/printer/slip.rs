//! The printed ticket: what is on it, and its ESC/POS bytes, Chinese text in
//! GB18030 with the printer's Chinese mode on.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::errors::Result as EscposResult;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{
    Encoder, JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};

use super::error::PrinterError;
use super::settings::PaperWidth;

/// `FS &`: Chinese character mode, in which the printer reads two- and
/// four-byte GB18030 sequences as one character. escpos has no call for it.
const CHINESE_MODE_ON: [u8; 2] = [0x1C, 0x26];
/// Width of one ASCII character in the standard 12×24 font, in dots.
const DOTS_PER_COLUMN: usize = 12;
/// The largest character magnification ESC/POS has (`GS !`).
const LARGEST_SCALE: u8 = 8;
/// Blank lines between the last text and the cutter.
const FEED_BEFORE_CUT: u8 = 3;
/// Chinese punctuation that must not begin a line (避头点).
const NO_LINE_START: &str = "，。、；：？！）》」』”’";

/// Everything printed on a queue ticket, already in the words and formats
/// the citizen reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketSlip {
    /// The hall's name, at the top.
    pub hall_name: String,
    /// The ticket number the display wall will call, such as `A001`.
    pub number: String,
    /// The queue the ticket waits in, such as 企业开办.
    pub queue_name: String,
    /// The service chosen at the kiosk, when the citizen chose one.
    pub service_name: Option<String>,
    /// People who will be called first.
    pub ahead: u32,
    /// The hub's estimate of the wait.
    pub estimated_wait_minutes: u32,
    /// When the ticket was taken, in local time as printed, such as
    /// `2026-03-02 10:00`.
    pub issued_at: String,
    /// The full URL of the ticket's public status: what the QR code opens.
    pub status_url: String,
    /// Lines at the foot, such as 过号请重新取号，请留意叫号.
    pub notice: Vec<String>,
}

/// Lays the ticket out for the given paper and returns the bytes to send.
///
/// # Errors
/// [`PrinterError::Layout`] when escpos refuses a part of it, such as a
/// status URL too long for a QR code.
pub fn ticket_bytes(slip: &TicketSlip, paper: PaperWidth) -> Result<Vec<u8>, PrinterError> {
    let protocol = Protocol::new(Encoder::new(encoding_rs::GB18030));
    let columns = u8::try_from(paper.columns()).expect("at most 48 columns");
    let options = PrinterOptions::new(None, None, columns);
    let mut sheet = Printer::new(Capture::default(), protocol, Some(options));
    sheet.init()?.custom(&CHINESE_MODE_ON)?;
    heading(&mut sheet, slip, paper)?;
    waiting(&mut sheet, slip, paper)?;
    qr_code(&mut sheet, slip, paper)?;
    sheet.justify(JustifyMode::LEFT)?;
    for text in &slip.notice {
        write_wrapped(&mut sheet, text, paper)?;
    }
    sheet.feeds(FEED_BEFORE_CUT)?.print_cut()?;
    Ok(sheet.driver().bytes.into_inner())
}

/// Hall name, the number as large as the paper allows, queue and service.
fn heading(sheet: &mut Printer<Capture>, slip: &TicketSlip, paper: PaperWidth) -> EscposResult<()> {
    let rule = "-".repeat(paper.columns());
    sheet.justify(JustifyMode::CENTER)?.bold(true)?.size(1, 2)?;
    write_wrapped(sheet, &slip.hall_name, paper)?;
    sheet.reset_size()?.bold(false)?.writeln(&rule)?;
    let scale = number_scale(&slip.number, paper);
    sheet
        .size(scale, scale)?
        .writeln(&slip.number)?
        .reset_size()?;
    sheet.bold(true)?;
    write_wrapped(sheet, &slip.queue_name, paper)?;
    sheet.bold(false)?;
    if let Some(service) = &slip.service_name {
        write_wrapped(sheet, &format!("办理事项：{service}"), paper)?;
    }
    sheet.writeln(&rule)?;
    Ok(())
}

/// People ahead, the estimated wait and the time taken, left-aligned.
fn waiting(sheet: &mut Printer<Capture>, slip: &TicketSlip, paper: PaperWidth) -> EscposResult<()> {
    sheet.justify(JustifyMode::LEFT)?;
    if slip.ahead == 0 {
        sheet.writeln("前面没有人等候，请留意叫号")?;
    } else {
        sheet.writeln(&format!("前面还有 {} 人", slip.ahead))?;
        sheet.writeln(&format!("预计等候约 {} 分钟", slip.estimated_wait_minutes))?;
    }
    write_wrapped(sheet, &format!("取号时间：{}", slip.issued_at), paper)
}

/// The QR code of the ticket's status page, centred, with a caption.
fn qr_code(sheet: &mut Printer<Capture>, slip: &TicketSlip, paper: PaperWidth) -> EscposResult<()> {
    // Module size in dots: a URL of about 80 characters makes a version 5
    // symbol, 45 modules with its quiet zone: 270 dots on 58 mm, 360 on 80 mm.
    let module = match paper {
        PaperWidth::Mm58 => 6,
        PaperWidth::Mm80 => 8,
    };
    let option = QRCodeOption::new(QRCodeModel::Model2, module, QRCodeCorrectionLevel::M);
    sheet
        .justify(JustifyMode::CENTER)?
        .qrcode_option(&slip.status_url, option)?
        .writeln("扫码查看排队进度")?;
    Ok(())
}

/// Writes a text broken into lines that fit the paper.
fn write_wrapped(sheet: &mut Printer<Capture>, text: &str, paper: PaperWidth) -> EscposResult<()> {
    for line in wrap(text, paper.columns()) {
        sheet.writeln(&line)?;
    }
    Ok(())
}

/// The largest magnification at which the number fits on one line.
fn number_scale(number: &str, paper: PaperWidth) -> u8 {
    let dots = display_columns(number).max(1) * DOTS_PER_COLUMN;
    let fits = usize::from(paper.printable_dots()) / dots;
    u8::try_from(fits)
        .unwrap_or(LARGEST_SCALE)
        .clamp(1, LARGEST_SCALE)
}

/// Columns a text takes in Chinese mode: two for a Chinese character, one
/// for ASCII.
fn display_columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

fn char_columns(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// Breaks a text into lines of at most `columns`, never starting a line with
/// closing punctuation.
fn wrap(text: &str, columns: usize) -> Vec<String> {
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
struct Capture {
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
    fn the_number_is_as_large_as_the_paper_allows() {
        assert_eq!(number_scale("A001", PaperWidth::Mm58), 8);
        assert_eq!(number_scale("A001", PaperWidth::Mm80), 8);
        assert_eq!(number_scale("A1001", PaperWidth::Mm58), 6);
        assert_eq!(number_scale("VIP-A1001", PaperWidth::Mm80), 5);
    }
}
