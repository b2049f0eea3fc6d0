//! The A4 page of a case document: one self-contained HTML file, styles
//! inline, to print from any browser and keep in the case file.

use std::fmt::{self, Display, Formatter, Write as _};

use super::CaseDocument;
use super::content::{self, CASE_NUMBER_USE, PAGE_USE};

/// The page's styles: A4 with 20 mm margins, a serif Chinese font with a
/// generic fallback, black on white for any printer.
const STYLE: &str = r#"@page { size: A4; margin: 20mm; }
* { box-sizing: border-box; }
body { margin: 0; color: black; background: white; font-size: 12pt; line-height: 1.7;
  font-family: "Songti SC", "STSong", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", serif; }
.hall { margin: 0; text-align: center; font-size: 14pt; }
h1 { margin: 3mm 0 5mm; text-align: center; font-size: 22pt; letter-spacing: 0.3em; }
.case-number { margin: 0 0 3mm; text-align: right; }
table { width: 100%; margin: 2mm 0 5mm; border-collapse: collapse; }
caption { margin-bottom: 1mm; text-align: left; font-weight: bold; }
th, td { padding: 1.5mm 3mm; border: 1px solid black; text-align: left; vertical-align: top; }
.particulars th { width: 30mm; }
.index { width: 14mm; text-align: center; }
.opening { text-indent: 2em; }
.statements p { margin: 1mm 0; }
.signatures { display: flex; justify-content: space-between; margin-top: 12mm; break-inside: avoid; }
.signatures div { width: 45%; }
.signatures .space { height: 18mm; }
footer { margin-top: 10mm; padding-top: 3mm; border-top: 1px solid black; text-align: center; break-inside: avoid; }
footer .number { margin: 0; font-size: 16pt; font-weight: bold; letter-spacing: 0.1em; }
footer p { margin: 1mm 0; }
footer .qr { display: block; width: 32mm; height: 32mm; margin: 2mm auto 0; }"#;

/// Modules of white around a QR code, as the standard asks.
const QUIET: usize = 4;

/// The document as one A4 HTML page, every text from the data escaped.
pub fn html(doc: &CaseDocument) -> String {
    Page(doc).to_string()
}

/// Writes the page; `Display` so each part can use `write!` and `?`.
struct Page<'a>(&'a CaseDocument);

impl Display for Page<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let doc = self.0;
        let title = doc.kind.title();
        let number = escape(&doc.case_number);
        writeln!(f, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>")?;
        writeln!(f, "<meta charset=\"utf-8\">")?;
        writeln!(f, "<title>{title} {number}</title>")?;
        writeln!(f, "<style>\n{STYLE}\n</style>\n</head>\n<body>")?;
        writeln!(f, "<p class=\"hall\">{}</p>", escape(&doc.hall_name))?;
        writeln!(f, "<h1>{title}</h1>")?;
        writeln!(f, "<p class=\"case-number\">办件编号：{number}</p>")?;
        self.particulars(f)?;
        writeln!(
            f,
            "<p class=\"opening\">{}</p>",
            escape(&content::opening(doc))
        )?;
        self.lines(f)?;
        self.tasks(f)?;
        writeln!(f, "<section class=\"statements\">")?;
        for (label, text) in content::statements(doc) {
            writeln!(f, "<p><strong>{label}：</strong>{}</p>", escape(text))?;
        }
        writeln!(f, "</section>")?;
        self.signatures(f)?;
        self.footer(f)?;
        writeln!(f, "</body>\n</html>")
    }
}

impl Page<'_> {
    /// The service, department and applicant, as a two-column table.
    fn particulars(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "<table class=\"particulars\">")?;
        for (label, value) in content::particulars(self.0) {
            writeln!(f, "<tr><th>{label}</th><td>{}</td></tr>", escape(&value))?;
        }
        writeln!(f, "</table>")
    }

    /// The document's lines, numbered, when the kind lists them: with
    /// their details where the kind has them, and the departments they are
    /// for where any line names one.
    fn lines(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let doc = self.0;
        let Some(table) = content::lines_table(doc.kind) else {
            return Ok(());
        };
        let departments = content::names_departments(doc);
        writeln!(f, "<table class=\"lines\">")?;
        writeln!(f, "<caption>{}</caption>", table.caption)?;
        write!(
            f,
            "<thead><tr><th class=\"index\">序号</th><th>{}</th>",
            table.name_heading
        )?;
        if let Some(heading) = table.detail_heading {
            write!(f, "<th>{heading}</th>")?;
        }
        if departments {
            write!(f, "<th>{}</th>", table.departments_heading)?;
        }
        writeln!(f, "</tr></thead>\n<tbody>")?;
        for (index, line) in doc.lines.iter().enumerate() {
            write!(
                f,
                "<tr><td class=\"index\">{}</td><td>{}</td>",
                index + 1,
                escape(&line.name)
            )?;
            if table.detail_heading.is_some() {
                write!(f, "<td>{}</td>", escape(content::detail(doc.kind, line)))?;
            }
            if departments {
                write!(f, "<td>{}</td>", escape(&content::departments(line)))?;
            }
            writeln!(f, "</tr>")?;
        }
        writeln!(f, "</tbody>\n</table>")
    }

    /// A 一件事's tasks, stage by stage, each with its department, what it
    /// does, what it gives and its promised days.
    fn tasks(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let tasks = &self.0.tasks;
        if tasks.is_empty() {
            return Ok(());
        }
        writeln!(f, "<table class=\"tasks\">")?;
        writeln!(f, "<caption>{}</caption>", content::TASKS_CAPTION)?;
        let headings = content::TASK_HEADINGS.map(|h| format!("<th>{h}</th>"));
        writeln!(f, "<thead><tr>{}</tr></thead>\n<tbody>", headings.concat())?;
        for task in tasks {
            let cells = [
                content::stage(task),
                task.department_name.clone(),
                task.name.clone(),
                task.result.clone(),
                content::task_days(task),
            ];
            write!(f, "<tr>")?;
            for cell in &cells {
                write!(f, "<td>{}</td>", escape(cell))?;
            }
            writeln!(f, "</tr>")?;
        }
        writeln!(f, "</tbody>\n</table>")
    }

    /// Room for the counter's seal and the citizen's signature, each with
    /// its date line: the counter's is the issue date, the citizen's blank.
    fn signatures(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let [counter, citizen] = content::signatures(self.0.kind);
        writeln!(f, "<section class=\"signatures\">")?;
        writeln!(
            f,
            "<div><p>{counter}：</p><p class=\"space\"></p><p>{}</p></div>",
            escape(&self.0.date)
        )?;
        writeln!(
            f,
            "<div><p>{citizen}：</p><p class=\"space\"></p><p>　　　　年　　月　　日</p></div>"
        )?;
        writeln!(f, "</section>")
    }

    /// The case number again, what it is for, and who issued the page.
    fn footer(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "<footer>")?;
        writeln!(
            f,
            "<p class=\"number\">办件编号 {}</p>",
            escape(&self.0.case_number)
        )?;
        writeln!(f, "<p>{CASE_NUMBER_USE}</p>")?;
        if let Some(url) = &self.0.page_url
            && let Some(svg) = qr_svg(url)
        {
            writeln!(f, "{svg}")?;
            writeln!(f, "<p>{PAGE_USE}</p>")?;
        }
        let issuer =
            content::issuer(self.0).map(|(label, text)| format!("{label}：{}", escape(text)));
        writeln!(f, "<p>{}</p>", issuer.join("　"))?;
        writeln!(f, "</footer>")
    }
}

/// A QR code of `data` as an inline SVG, black squares on white with their
/// quiet zone; none when `data` is too long for one.
fn qr_svg(data: &str) -> Option<String> {
    let (size, dark) = qr_modules(data.as_bytes())?;
    Some(format!(
        "<svg class=\"qr\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"办件进度二维码\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{dark}\"/></svg>"
    ))
}

/// A QR code of `data` for an SVG: the side of its square, quiet zone
/// included, and a path of one unit square per dark module; none when
/// `data` is too long for one.
pub fn qr_modules(data: &[u8]) -> Option<(usize, String)> {
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let mut dark = String::new();
    for (at, colour) in code.to_colors().into_iter().enumerate() {
        if colour == qrcode::Color::Dark {
            let (x, y) = (at % width + QUIET, at / width + QUIET);
            let _ = write!(dark, "M{x} {y}h1v1h-1z");
        }
    }
    Some((width + 2 * QUIET, dark))
}

/// A text made safe to place in HTML, as element content or inside a quoted
/// attribute: `&`, `<`, `>`, `"` and `'` become character references.
fn escape(text: &str) -> Escaped<'_> {
    Escaped(text)
}

/// Writes its text escaped, without building a new string.
struct Escaped<'a>(&'a str);

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        escape(text).to_string()
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escaped("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(escaped(r#"a "b" c"#), "a &quot;b&quot; c");
    }

    #[test]
    fn escapes_an_ampersand_even_when_it_looks_escaped() {
        assert_eq!(escaped("&amp;"), "&amp;amp;");
        assert_eq!(escaped("A&B 公司"), "A&amp;B 公司");
    }

    #[test]
    fn a_qr_code_is_drawn_module_by_module_inside_its_quiet_zone() {
        let svg = qr_svg("202603020007").unwrap();
        // Version 1: 21 modules and 4 of quiet zone each side.
        assert!(svg.contains("viewBox=\"0 0 29 29\""), "{svg}");
        // The finder pattern's corner, top left, just inside the quiet zone.
        assert!(svg.contains("M4 4h1v1h-1z"), "{svg}");
        assert!(!svg.contains("M3 "), "nothing in the quiet zone");
        assert!(qr_svg(&"1".repeat(8000)).is_none());
    }

    #[test]
    fn leaves_chinese_and_plain_text_alone() {
        let text = "邮寄：浙江省杭州市西湖区文三路 90 号（收件人 张三）";
        assert_eq!(escaped(text), text);
        assert_eq!(escaped(""), "");
    }
}
