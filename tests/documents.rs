//! A case's documents, end to end: the slip of each kind decoded back by
//! `common::escpos` and read for meaning on both paper widths, printed through
//! the in-memory printer, and the A4 page read for its title, its lines and
//! its escaping.

mod common;

use common::escpos::{self, Align, Line, Op};
use yimen::devices::printer::{MemoryPrinter, PaperWidth, PrinterError, PrinterStatus};
use yimen::documents::{self, CaseDocument, DocumentKind, DocumentLine};

const CASE_NUMBER: &str = "202603020007";
const REMEDY: &str = "如对本决定不服，可在收到本通知之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。";
const PAPERS: [(PaperWidth, usize); 2] = [(PaperWidth::Mm58, 32), (PaperWidth::Mm80, 48)];

fn line(name: &str, detail: &str) -> DocumentLine {
    DocumentLine {
        name: name.to_owned(),
        detail: detail.to_owned(),
    }
}

/// A document of the given kind with the fields every kind shares.
fn document(kind: DocumentKind) -> CaseDocument {
    CaseDocument {
        kind,
        hall_name: "云湖经济技术开发区政务服务中心".to_owned(),
        case_number: CASE_NUMBER.to_owned(),
        service_name: "企业设立登记".to_owned(),
        service_code: "330100-QY-001".to_owned(),
        department_name: "市场监督管理局".to_owned(),
        applicant_name: "杭州云湖科技有限公司".to_owned(),
        id_number_masked: "1101**********1234".to_owned(),
        phone_masked: "138****5678".to_owned(),
        date: "2026年3月2日".to_owned(),
        counter: "1号窗口 综合受理".to_owned(),
        staff: "1001 张敏".to_owned(),
        lines: Vec::new(),
        promised: None,
        delivery: None,
        reason: None,
        place: "政务服务中心一楼 统一出件窗口（12号窗口）".to_owned(),
        phone: "0571-88776655".to_owned(),
    }
}

fn notice() -> CaseDocument {
    CaseDocument {
        lines: vec![
            line(
                "公司章程",
                "需全体股东签字，自然人股东亲笔签名，法人股东加盖公章",
            ),
            line("住所使用证明", ""),
            line(
                "法定代表人、董事、监事和经理的任职文件及身份证明复印件",
                "缺少此项必需材料",
            ),
        ],
        ..document(DocumentKind::MissingMaterials)
    }
}

fn receipt() -> CaseDocument {
    CaseDocument {
        lines: vec![
            line("公司登记（备案）申请书", "原件 1 份"),
            line("公司章程", "原件 1 份，复印件 1 份"),
        ],
        promised: Some("承诺 3 个工作日办结，预计 2026年3月5日 前办结".to_owned()),
        delivery: Some(
            "邮寄：浙江省杭州市西湖区文三路 90 号东部软件园 3 号楼 501 室（收件人 张三 13800005678）"
                .to_owned(),
        ),
        ..document(DocumentKind::Acceptance)
    }
}

fn refusal() -> CaseDocument {
    CaseDocument {
        reason: Some(
            "申请事项依法不属于本行政机关职权范围，请向住所地县级市场监督管理部门提出申请。"
                .to_owned(),
        ),
        ..document(DocumentKind::Refusal)
    }
}

fn decode(bytes: &[u8]) -> Vec<Op> {
    escpos::decode(bytes).unwrap_or_else(|e| panic!("not ESC/POS the tests know: {e}"))
}

fn slip_lines(doc: &CaseDocument, paper: PaperWidth) -> (Vec<Op>, Vec<Line>) {
    let ops = decode(&documents::slip(doc, paper).unwrap());
    let lines = escpos::lines(&ops);
    (ops, lines)
}

/// Everything printed, wrapping and indentation taken out, to look for a
/// text however the paper broke it.
fn flat(lines: &[Line]) -> String {
    let all = lines.iter().flat_map(|line| line.text.chars());
    all.filter(|c| !c.is_whitespace()).collect()
}

fn assert_says(lines: &[Line], text: &str) {
    let wanted: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat(lines).contains(&wanted), "no “{text}” in {lines:#?}");
}

/// Columns a printed line takes: two per Chinese character, times the width.
fn columns(line: &Line) -> usize {
    let chars: usize = line
        .text
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    chars * usize::from(line.size.0)
}

/// What every slip must carry, whatever the kind.
fn assert_is_a_slip_of(doc: &CaseDocument, ops: &[Op], lines: &[Line]) {
    assert_eq!(ops[..2], [Op::Init, Op::ChineseMode(true)]);
    assert!(
        !ops.iter().any(|op| matches!(op, Op::Unencoded(_))),
        "{ops:#?}"
    );
    let title = lines.iter().find(|l| l.text == doc.kind.title());
    let title = title.unwrap_or_else(|| panic!("no title in {lines:#?}"));
    assert_eq!(
        (title.size, title.align, title.bold),
        ((2, 2), Align::Center, true)
    );
    let number = lines
        .iter()
        .find(|l| l.text == CASE_NUMBER && l.size == (2, 2));
    let number = number.unwrap_or_else(|| panic!("no double-size case number in {lines:#?}"));
    assert_eq!(number.align, Align::Center);
    assert_eq!(escpos::qr_payloads(ops), [CASE_NUMBER]);
    for text in [
        &doc.hall_name,
        &doc.service_name,
        &doc.applicant_name,
        &doc.id_number_masked,
        &doc.place,
        &doc.phone,
        &doc.counter,
        &doc.staff,
        "凭此编号查询、补交材料及领取结果",
    ] {
        assert_says(lines, text);
    }
    let cut = ops.len() - 1;
    assert_eq!(ops[cut], Op::Cut { partial: false }, "the cut comes last");
    assert!(
        matches!(ops[cut - 1], Op::Feed(n) if n >= 2),
        "paper fed past the cutter"
    );
}

#[test]
fn the_notice_slip_lists_every_missing_material_and_why() {
    let doc = notice();
    let (ops, lines) = slip_lines(&doc, PaperWidth::Mm80);
    assert_is_a_slip_of(&doc, &ops, &lines);
    assert_says(&lines, "需补齐的材料（共 3 项）");
    for (index, material) in doc.lines.iter().enumerate() {
        assert_says(&lines, &format!("{}. {}", index + 1, material.name));
    }
    assert_says(
        &lines,
        "需全体股东签字，自然人股东亲笔签名，法人股东加盖公章",
    );
    // The material without a note says why it is listed.
    let why = flat(&lines).matches("缺少此项必需材料").count();
    assert_eq!(why, 2, "{lines:#?}");
    assert_says(&lines, "补齐前不计入办理时限");
}

#[test]
fn the_receipt_slip_shows_the_materials_time_limit_and_delivery() {
    let doc = receipt();
    let (ops, lines) = slip_lines(&doc, PaperWidth::Mm80);
    assert_is_a_slip_of(&doc, &ops, &lines);
    assert_says(&lines, "1. 公司登记（备案）申请书");
    assert_says(&lines, "原件 1 份，复印件 1 份");
    assert_says(
        &lines,
        "办理时限：承诺 3 个工作日办结，预计 2026年3月5日 前办结",
    );
    assert_says(&lines, &format!("送达方式：{}", doc.delivery.unwrap()));
}

#[test]
fn the_refusal_slip_gives_the_reason_and_the_remedy() {
    let doc = refusal();
    let (ops, lines) = slip_lines(&doc, PaperWidth::Mm58);
    assert_is_a_slip_of(&doc, &ops, &lines);
    assert_says(&lines, &format!("不予受理理由：{}", doc.reason.unwrap()));
    assert_says(&lines, REMEDY);
}

#[test]
fn every_slip_line_fits_the_paper() {
    let mut long = notice();
    long.lines.push(line(
        "股东（发起人）的主体资格证明或者自然人身份证件复印件（外国投资者须经公证认证）",
        "外国投资者的主体资格证明应当经所在国公证机关公证并经我国驻该国使领馆认证，或者办理附加证明书（Apostille）",
    ));
    for doc in [long, receipt(), refusal()] {
        for (paper, width) in PAPERS {
            let (_, lines) = slip_lines(&doc, paper);
            for line in &lines {
                assert!(columns(line) <= width, "{paper:?}: {line:?} is too wide");
            }
            let rule = lines.iter().find(|l| l.text.starts_with("---")).unwrap();
            assert_eq!(rule.text, "-".repeat(width));
        }
    }
}

#[test]
fn the_narrow_paper_wraps_where_the_wide_one_does_not() {
    let doc = receipt();
    let count = |paper| slip_lines(&doc, paper).1.len();
    assert!(count(PaperWidth::Mm58) > count(PaperWidth::Mm80));
    let (ops58, _) = slip_lines(&doc, PaperWidth::Mm58);
    let (ops80, _) = slip_lines(&doc, PaperWidth::Mm80);
    assert!(ops58.contains(&Op::QrSize(8)) && ops80.contains(&Op::QrSize(10)));
}

#[test]
fn data_cannot_send_printer_commands() {
    let doc = CaseDocument {
        applicant_name: "张三\x1b@\x1dV\x41\x00\n李四".to_owned(),
        ..notice()
    };
    let (ops, lines) = slip_lines(&doc, PaperWidth::Mm58);
    assert_eq!(ops.iter().filter(|op| **op == Op::Init).count(), 1);
    assert_eq!(
        ops.iter().filter(|op| matches!(op, Op::Cut { .. })).count(),
        1
    );
    assert_says(&lines, "申请人：张三 @ VA  李四");
}

#[test]
fn printing_checks_the_printer_first() {
    let doc = notice();
    let mut printer = MemoryPrinter::new(PaperWidth::Mm58);
    let status = documents::print(&mut printer, &doc).unwrap();
    assert_eq!(status, PrinterStatus::READY);
    assert_eq!(
        printer.printed(),
        documents::slip(&doc, PaperWidth::Mm58).unwrap()
    );

    let empty = MemoryPrinter::new(PaperWidth::Mm80);
    empty.answer(PrinterStatus {
        paper_out: true,
        ..PrinterStatus::READY
    });
    let error = documents::print(&mut empty.clone(), &doc).unwrap_err();
    assert!(matches!(error, PrinterError::PaperOut), "{error:?}");
    assert!(empty.printed().is_empty());
}

/// The page is one whole document: doctype, language, charset, A4.
fn assert_is_a_page(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.trim_end().ends_with("</html>"));
    for part in [
        "<meta charset=\"utf-8\">",
        "@page { size: A4; margin: 20mm; }",
        "serif;",
        "窗口签章",
        "申请人签字",
        "凭此编号查询、补交材料及领取结果",
    ] {
        assert!(html.contains(part), "no {part} in the page");
    }
    for tag in ["html", "head", "body", "style", "table", "footer"] {
        let opened = html.matches(&format!("<{tag}")).count();
        assert_eq!(opened, html.matches(&format!("</{tag}>")).count(), "{tag}");
        assert!(opened >= 1, "no <{tag}>");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

#[test]
fn each_page_has_its_own_title() {
    for doc in [notice(), receipt(), refusal()] {
        let html = documents::html(&doc);
        assert_is_a_page(&html);
        let title = doc.kind.title();
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{title}");
        assert!(html.contains(&format!("<title>{title} {CASE_NUMBER}</title>")));
        assert!(html.contains(&format!("办件编号 {CASE_NUMBER}")));
        for other in [notice(), receipt(), refusal()] {
            if other.kind != doc.kind {
                assert!(!html.contains(&format!("<h1>{}", other.kind.title())));
            }
        }
    }
}

#[test]
fn each_page_lists_its_materials_and_statements() {
    let html = documents::html(&notice());
    for material in notice().lines {
        assert!(html.contains(&material.name), "{}", material.name);
    }
    assert!(html.contains("需全体股东签字"));
    assert_eq!(html.matches("缺少此项必需材料").count(), 2);
    assert!(html.contains("补正说明"));

    let html = documents::html(&receipt());
    assert!(html.contains("<td>原件 1 份，复印件 1 份</td>"));
    assert!(html.contains("承诺 3 个工作日办结"));
    assert!(html.contains("邮寄：浙江省杭州市西湖区文三路 90 号"));

    let html = documents::html(&refusal());
    assert!(html.contains("不属于本行政机关职权范围"));
    assert!(html.contains(REMEDY));
    assert!(!html.contains("材料名称"), "a refusal lists no materials");
}

#[test]
fn every_text_from_the_data_is_escaped() {
    let doc = CaseDocument {
        hall_name: "<script>alert('hall')</script>".to_owned(),
        applicant_name: r#"<img src=x onerror="alert(1)">"#.to_owned(),
        service_name: "A&B 登记".to_owned(),
        case_number: "&amp;".to_owned(),
        reason: Some("</td></table><script>alert(\"reason\")</script>".to_owned()),
        place: "\"'><b>".to_owned(),
        lines: vec![line("<script>", "&lt;")],
        ..refusal()
    };
    for doc in [
        doc.clone(),
        CaseDocument {
            kind: DocumentKind::MissingMaterials,
            ..doc
        },
    ] {
        let html = documents::html(&doc);
        assert_is_a_page(&html);
        for raw in ["<script", "<img", "<b>", "onerror=\"", "'>"] {
            assert!(!html.contains(raw), "raw {raw} in the page");
        }
        assert!(html.contains("&lt;script&gt;alert(&#39;hall&#39;)&lt;/script&gt;"));
        assert!(html.contains("A&amp;B 登记"));
        assert!(html.contains("&amp;amp;"));
        assert!(html.contains("&quot;&#39;&gt;&lt;b&gt;"));
    }
}
