//! A case document on the counter's thermal printer: the same content as the
//! page, laid out for a 58 or 80 mm roll, with the case number large and a
//! QR code that opens the case's page on the citizen's phone (the number
//! alone when the hall has no public face).

use std::borrow::Cow;

use escpos::errors::Result as EscposResult;
use escpos::utils::{JustifyMode, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use super::CaseDocument;
use super::content::{self, CASE_NUMBER_USE, PAGE_USE};
use crate::devices::printer::layout::{self, Sheet, display_columns};
use crate::devices::printer::{PaperWidth, PrinterError};

/// Magnification of the title and the case number, each way.
const DOUBLE: u8 = 2;

/// Lays the document out for the given paper and returns the bytes to send.
///
/// # Errors
/// [`PrinterError::Layout`] when escpos refuses a part of it, such as a case
/// number too long for a QR code.
pub fn slip(doc: &CaseDocument, paper: PaperWidth) -> Result<Vec<u8>, PrinterError> {
    let columns = paper.columns();
    let mut sheet = layout::sheet(paper)?;
    heading(&mut sheet, doc, columns)?;
    body(&mut sheet, doc, columns)?;
    case_number(&mut sheet, doc, paper)?;
    Ok(layout::cut(sheet)?)
}

/// Hall name, the title large, then the case and the applicant.
fn heading(sheet: &mut Sheet, doc: &CaseDocument, columns: usize) -> EscposResult<()> {
    sheet.justify(JustifyMode::CENTER)?;
    write_text(sheet, &doc.hall_name, columns)?;
    sheet.bold(true)?.size(DOUBLE, DOUBLE)?;
    write_text(sheet, doc.kind.title(), columns / usize::from(DOUBLE))?;
    sheet
        .reset_size()?
        .bold(false)?
        .justify(JustifyMode::LEFT)?;
    rule(sheet, columns)?;
    write_field(sheet, "办件编号", &doc.case_number, columns)?;
    for (label, value) in content::particulars(doc) {
        write_field(sheet, label, &value, columns)?;
    }
    rule(sheet, columns)
}

/// What was decided, the document's lines, a 一件事's tasks, then the
/// time limit, delivery, reason or remedy as the kind has them.
fn body(sheet: &mut Sheet, doc: &CaseDocument, columns: usize) -> EscposResult<()> {
    write_text(sheet, &content::opening(doc), columns)?;
    lines(sheet, doc, columns)?;
    tasks(sheet, doc, columns)?;
    for (label, text) in content::statements(doc) {
        write_field(sheet, label, text, columns)?;
    }
    rule(sheet, columns)
}

/// The lines numbered, each with its detail and the departments it is for
/// indented beneath, when the kind lists them.
fn lines(sheet: &mut Sheet, doc: &CaseDocument, columns: usize) -> EscposResult<()> {
    let Some(table) = content::lines_table(doc.kind) else {
        return Ok(());
    };
    sheet.bold(true)?;
    let caption = format!("{}（共 {} 项）", table.caption, doc.lines.len());
    write_text(sheet, &caption, columns)?;
    sheet.bold(false)?;
    for (index, line) in doc.lines.iter().enumerate() {
        let head = format!("{}. ", index + 1);
        write_hanging(sheet, &head, &line.name, columns)?;
        let indent = " ".repeat(display_columns(&head));
        let detail = table
            .detail_heading
            .map(|_| content::detail(doc.kind, line));
        if let Some(detail) = detail.filter(|d| !d.is_empty()) {
            write_hanging(sheet, &indent, detail, columns)?;
        }
        if !line.departments.is_empty() {
            let departments = format!(
                "{}：{}",
                table.departments_heading,
                content::departments(line)
            );
            write_hanging(sheet, &indent, &departments, columns)?;
        }
    }
    Ok(())
}

/// A 一件事's tasks under their stages: the department and what it does,
/// then what it gives and its promised days indented beneath.
fn tasks(sheet: &mut Sheet, doc: &CaseDocument, columns: usize) -> EscposResult<()> {
    if doc.tasks.is_empty() {
        return Ok(());
    }
    sheet.bold(true)?;
    let caption = format!("{}（共 {} 项）", content::TASKS_CAPTION, doc.tasks.len());
    write_text(sheet, &caption, columns)?;
    sheet.bold(false)?;
    let mut stage = None;
    for (index, task) in doc.tasks.iter().enumerate() {
        if stage != Some(task.stage) {
            stage = Some(task.stage);
            write_text(sheet, &content::stage(task), columns)?;
        }
        let head = format!("{}. ", index + 1);
        let what = format!("{}：{}", task.department_name, task.name);
        write_hanging(sheet, &head, &what, columns)?;
        let gives = format!(
            "办理结果：{}；承诺 {}",
            task.result,
            content::task_days(task)
        );
        write_hanging(sheet, &" ".repeat(display_columns(&head)), &gives, columns)?;
    }
    Ok(())
}

/// The case number double size, the QR code of the case's page (or of
/// the number), what each is for, and who issued the slip.
fn case_number(sheet: &mut Sheet, doc: &CaseDocument, paper: PaperWidth) -> EscposResult<()> {
    let columns = paper.columns();
    sheet
        .justify(JustifyMode::CENTER)?
        .writeln("办件编号")?
        .bold(true)?
        .size(DOUBLE, DOUBLE)?;
    write_text(sheet, &doc.case_number, columns / usize::from(DOUBLE))?;
    let data = doc.page_url.as_deref().unwrap_or(&doc.case_number);
    let option = QRCodeOption::new(
        QRCodeModel::Model2,
        qr_module(data, paper),
        QRCodeCorrectionLevel::M,
    );
    sheet
        .reset_size()?
        .bold(false)?
        .qrcode_option(data, option)?;
    if doc.page_url.is_some() {
        write_text(sheet, PAGE_USE, columns)?;
    }
    write_text(sheet, CASE_NUMBER_USE, columns)?;
    sheet.justify(JustifyMode::LEFT)?;
    for (label, text) in content::issuer(doc) {
        write_field(sheet, label, text, columns)?;
    }
    Ok(())
}

/// The QR code's module in dots: as large as reads well from a phone held
/// over the slip, and small enough for the symbol and its quiet zone to fit
/// the paper. Twelve digits make a version 1 symbol, 29 modules with its
/// quiet zone: 232 dots on 58 mm, 290 on 80 mm; a hall's address and the
/// number make version 4 or so, 41 modules: 328 and 410.
fn qr_module(data: &str, paper: PaperWidth) -> u8 {
    const QUIET: usize = 4;
    let preferred: u8 = match paper {
        PaperWidth::Mm58 => 8,
        PaperWidth::Mm80 => 10,
    };
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M) else {
        return preferred;
    };
    let fits = usize::from(paper.printable_dots()) / (code.width() + 2 * QUIET);
    u8::try_from(fits).map_or(preferred, |fits| fits.clamp(1, preferred))
}

/// A dashed line across the paper.
fn rule(sheet: &mut Sheet, columns: usize) -> EscposResult<()> {
    sheet.writeln(&"-".repeat(columns))?;
    Ok(())
}

/// `label：text`, wrapped to the paper.
fn write_field(sheet: &mut Sheet, label: &str, text: &str, columns: usize) -> EscposResult<()> {
    write_text(sheet, &format!("{label}：{text}"), columns)
}

/// A text wrapped to `columns`, made [`printable`] first.
fn write_text(sheet: &mut Sheet, text: &str, columns: usize) -> EscposResult<()> {
    layout::write_wrapped(sheet, &printable(text), columns)
}

/// Writes a text after `head`, wrapped as [`hanging`] does.
fn write_hanging(sheet: &mut Sheet, head: &str, text: &str, columns: usize) -> EscposResult<()> {
    for line in hanging(head, text, columns) {
        sheet.writeln(&line)?;
    }
    Ok(())
}

/// A text after `head` on its first line and its other lines indented as
/// far, so a list item's number stands out, each at most `columns` wide.
fn hanging(head: &str, text: &str, columns: usize) -> Vec<String> {
    let indent = " ".repeat(display_columns(head));
    // Leave room for at least one Chinese character however long the head.
    let width = columns.saturating_sub(indent.len()).max(2);
    let lines = layout::wrap(&printable(text), width)
        .into_iter()
        .enumerate();
    lines
        .map(|(at, line)| {
            let lead = if at == 0 { head } else { &indent };
            format!("{lead}{line}")
        })
        .collect()
}

/// The text with every control character (a newline, an `ESC` that would
/// start a printer command) turned into a space: data is printed, never
/// obeyed, and the wrapping stays true.
fn printable(text: &str) -> Cow<'_, str> {
    if text.contains(char::is_control) {
        Cow::Owned(text.replace(char::is_control, " "))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hanging_item_indents_its_other_lines_under_the_text() {
        let lines = hanging(
            "1. ",
            "法定代表人身份证明，委托他人办理的提交授权委托书",
            20,
        );
        assert_eq!(
            lines,
            [
                "1. 法定代表人身份证",
                "   明，委托他人办理",
                "   的提交授权委托书",
            ]
        );
        assert!(lines.iter().all(|line| display_columns(line) <= 20));
    }

    #[test]
    fn control_characters_are_printed_as_spaces() {
        assert_eq!(printable("张三\x1b@\n\r\t李四"), "张三 @   李四");
        assert!(matches!(printable("营业执照"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_qr_code_fits_the_paper_however_long_the_address() {
        assert_eq!(qr_module("202603020007", PaperWidth::Mm58), 8);
        assert_eq!(qr_module("202603020007", PaperWidth::Mm80), 10);
        let page = "https://yimen.example.gov.cn/c?case=202603020007";
        assert_eq!(qr_module(page, PaperWidth::Mm58), 8);
        let long = format!("https://{}.gov.cn/c?case=202603020007", "z".repeat(120));
        let module = qr_module(&long, PaperWidth::Mm58);
        let width = qrcode::QrCode::with_error_correction_level(&long, qrcode::EcLevel::M)
            .unwrap()
            .width();
        assert!(
            module < 8 && (width + 8) * usize::from(module) <= 384,
            "{module}"
        );
    }

    #[test]
    fn a_short_item_is_one_line() {
        assert_eq!(hanging("12. ", "营业执照", 32), ["12. 营业执照"]);
    }

    #[test]
    fn a_head_wider_than_the_paper_still_gets_its_text() {
        let lines = hanging("    ", "章程", 4);
        assert_eq!(lines, ["    章", "    程"]);
    }
}
