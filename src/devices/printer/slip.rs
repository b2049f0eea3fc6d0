//! The printed ticket: what is on it, and its ESC/POS bytes, Chinese text in
//! GB18030 with the printer's Chinese mode on.

use escpos::errors::Result as EscposResult;
use escpos::utils::{JustifyMode, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use super::error::PrinterError;
use super::layout::{self, Sheet, display_columns};
use super::settings::PaperWidth;

/// Width of one ASCII character in the standard 12×24 font, in dots.
const DOTS_PER_COLUMN: usize = 12;
/// The largest character magnification ESC/POS has (`GS !`).
const LARGEST_SCALE: u8 = 8;

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
    /// For a booking checked in (预约签到), its booked time, such as
    /// `09:00`: printed large as 预约 09:00, so the clerk sees it too.
    pub appointment_at: Option<String>,
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
    let mut sheet = layout::sheet(paper)?;
    heading(&mut sheet, slip, paper)?;
    waiting(&mut sheet, slip, paper)?;
    qr_code(&mut sheet, slip, paper)?;
    sheet.justify(JustifyMode::LEFT)?;
    for text in &slip.notice {
        write_wrapped(&mut sheet, text, paper)?;
    }
    Ok(layout::cut(sheet)?)
}

/// Hall name, the number as large as the paper allows, queue and service,
/// and the booked time of an appointment.
fn heading(sheet: &mut Sheet, slip: &TicketSlip, paper: PaperWidth) -> EscposResult<()> {
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
    if let Some(at) = &slip.appointment_at {
        sheet.bold(true)?.size(2, 2)?;
        sheet.writeln(&format!("预约 {at}"))?;
        sheet.reset_size()?.bold(false)?;
    }
    sheet.writeln(&rule)?;
    Ok(())
}

/// People ahead, the estimated wait and the time taken, left-aligned.
fn waiting(sheet: &mut Sheet, slip: &TicketSlip, paper: PaperWidth) -> EscposResult<()> {
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
fn qr_code(sheet: &mut Sheet, slip: &TicketSlip, paper: PaperWidth) -> EscposResult<()> {
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
fn write_wrapped(sheet: &mut Sheet, text: &str, paper: PaperWidth) -> EscposResult<()> {
    layout::write_wrapped(sheet, text, paper.columns())
}

/// The largest magnification at which the number fits on one line.
fn number_scale(number: &str, paper: PaperWidth) -> u8 {
    let dots = display_columns(number).max(1) * DOTS_PER_COLUMN;
    let fits = usize::from(paper.printable_dots()) / dots;
    u8::try_from(fits)
        .unwrap_or(LARGEST_SCALE)
        .clamp(1, LARGEST_SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_is_as_large_as_the_paper_allows() {
        assert_eq!(number_scale("A001", PaperWidth::Mm58), 8);
        assert_eq!(number_scale("A001", PaperWidth::Mm80), 8);
        assert_eq!(number_scale("A1001", PaperWidth::Mm58), 6);
        assert_eq!(number_scale("VIP-A1001", PaperWidth::Mm80), 5);
    }
}
