//! A case's documents, end to end: the slip of each kind decoded back by
//! `common::escpos` and read for meaning on both paper widths, printed through
//! the in-memory printer, and the A4 page read for its title, its lines and
//! its escaping. Then 一件事 cases through the real hub on Monday 2026-03-02:
//! the notice naming the departments each missing material is for, the
//! receipt listing every task, the notice of correction listing each
//! department's items, and the hand-over list of every result, or of the
//! finished stage's — each as data, printed, and as a page.

mod common;

use common::escpos::{self, Align, Line, Op};
use common::{TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};
use yimen::devices::printer::{MemoryPrinter, PaperWidth, PrinterError, PrinterStatus};
use yimen::documents::{self, CaseDocument, DocumentKind, DocumentLine};

const CASE_NUMBER: &str = "202603020007";
const REMEDY: &str = "如对本决定不服，可在收到本通知之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。";
const PAPERS: [(PaperWidth, usize); 2] = [(PaperWidth::Mm58, 32), (PaperWidth::Mm80, 48)];

fn line(name: &str, detail: &str) -> DocumentLine {
    DocumentLine {
        name: name.to_owned(),
        detail: detail.to_owned(),
        departments: Vec::new(),
    }
}

/// A document of the given kind with the fields every kind shares.
fn document(kind: DocumentKind) -> CaseDocument {
    CaseDocument {
        kind,
        hall_name: "云湖经济技术开发区政务服务中心".to_owned(),
        case_number: CASE_NUMBER.to_owned(),
        page_url: None,
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
        tasks: Vec::new(),
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

// ---- 一件事 documents through the real hub ----

const BIRTH: &str = "19900307";

/// The clerk at counter 1 serves a citizen for `service` and opens a case
/// with every material but the `missing` ones: accepted, or a notice when
/// some are missing. Returns the case number.
async fn open(hub: &TestHub, clerk: &str, service: &str, missing: &[&str]) -> String {
    hub.issue(json!({"service": service})).await;
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
    let (_, catalogue) = hub.get("/api/v1/services", None).await;
    let guide = catalogue["services"].as_array().unwrap().iter();
    let guide = guide.clone().find(|g| g["code"] == service).unwrap();
    let materials: Vec<Value> = (guide["materials"].as_array().unwrap().iter())
        .map(|m| json!({"name": m["name"], "received": !missing.contains(&m["name"].as_str().unwrap())}))
        .collect();
    let body = json!({
        "service": service,
        "applicant": {"name": "张三", "id_number": id_number(BIRTH, 12), "phone": "13812345678"},
        "materials": materials,
        "intake": if missing.is_empty() { "accept" } else { "notice" },
    });
    let (status, case) = hub.post("/api/v1/cases", Some(clerk), body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    hub.act_ok(clerk, 1, "finish").await;
    case["number"].as_str().unwrap().to_owned()
}

/// A reviewer's step on a case, which must succeed.
async fn step(hub: &TestHub, who: &str, number: &str, what: &str, body: Value) -> Value {
    let path = format!("/api/v1/cases/{number}/{what}");
    let (status, value) = hub.post(&path, Some(who), body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {value}");
    value
}

/// Reviewer `staff` claims their task and approves it.
async fn approve(hub: &TestHub, staff: &str, number: &str) {
    let reviewer = hub.login(staff, None).await;
    step(hub, &reviewer, number, "claim", json!({})).await;
    step(hub, &reviewer, number, "decision", json!({"approve": true})).await;
}

/// A document as data for the counter's printer, and its status.
async fn fetch(hub: &TestHub, who: &str, number: &str, kind: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/cases/{number}/documents/{kind}?format=json");
    hub.get(&path, Some(who)).await
}

/// A document that must be there, as the counter's app reads it.
async fn document_of(hub: &TestHub, who: &str, number: &str, kind: &str) -> CaseDocument {
    let (status, doc) = fetch(hub, who, number, kind).await;
    assert_eq!(status, StatusCode::OK, "{kind}: {doc}");
    serde_json::from_value(doc).unwrap()
}

/// A document's A4 page.
async fn page_of(hub: &TestHub, who: &str, number: &str, kind: &str) -> String {
    let url = format!("{}/api/v1/cases/{number}/documents/{kind}", hub.url);
    let resp = hub.http.get(url).bearer_auth(who).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let page = resp.text().await.unwrap();
    hub.assert_contract_kept();
    page
}

/// What the counter's printer prints for `doc`, read back line by line.
fn printed(doc: &CaseDocument, paper: PaperWidth) -> Vec<Line> {
    let mut printer = MemoryPrinter::new(paper);
    documents::print(&mut printer, doc).unwrap();
    let lines = escpos::lines(&decode(&printer.printed()));
    let width = PAPERS.iter().find(|(p, _)| *p == paper).unwrap().1;
    for line in &lines {
        assert!(columns(line) <= width, "{paper:?}: {line:?} is too wide");
    }
    lines
}

fn names(lines: &[DocumentLine]) -> Vec<(&str, Vec<&str>)> {
    (lines.iter())
        .map(|l| {
            (
                l.name.as_str(),
                l.departments.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

/// The applicant's ID number appears only masked.
fn assert_masked(text: &str) {
    let id = id_number(BIRTH, 12);
    assert!(!text.contains(&id), "the full ID number");
    assert!(text.contains(&format!("1101**********{}", &id[14..])));
}

const ID_CARDS: &str = "法定代表人、股东（投资人）身份证件";
const PREMISES: &str = "住所（经营场所）使用证明";

#[tokio::test]
async fn a_bundle_notice_names_the_departments_and_its_receipt_every_task() {
    let hub = TestHub::start().await; // Monday 2026-03-02
    let clerk = hub.login("1001", Some(1)).await;
    let number = open(&hub, &clerk, "ZWFW-001", &[ID_CARDS, PREMISES]).await;

    // The notice lists each missing material once, naming every department
    // whose task needs it, in the order of the tasks.
    let notice = document_of(&hub, &clerk, &number, "notice").await;
    assert_eq!(
        names(&notice.lines),
        [
            (ID_CARDS, vec!["市场监督管理局", "公安局", "税务局"]),
            (PREMISES, vec!["市场监督管理局"]),
        ]
    );
    let slip = printed(&notice, PaperWidth::Mm58);
    assert_says(&slip, "需补齐的材料（共 2 项）");
    assert_says(&slip, "所需部门：市场监督管理局、公安局、税务局");
    assert_eq!(flat(&slip).matches(ID_CARDS).count(), 1, "listed once");
    let page = page_of(&hub, &clerk, &number, "notice").await;
    assert!(page.contains("<th>所需部门</th>"));
    assert!(page.contains("<td>市场监督管理局、公安局、税务局</td>"));
    assert_eq!(page.matches(ID_CARDS).count(), 1, "listed once");
    assert_masked(&page);
    let (status, _) = fetch(&hub, &clerk, &number, "receipt").await;
    assert_eq!(status, StatusCode::CONFLICT, "no receipt before acceptance");

    // Tuesday the citizen brings them: accepted on the 3rd, three working
    // days promised, due Friday the 6th.
    hub.clock.advance(chrono::Duration::days(1));
    hub.hub.tick().await.unwrap();
    let clerk = hub.login("1001", Some(1)).await;
    let received = json!({"received": [ID_CARDS, PREMISES]});
    step(&hub, &clerk, &number, "materials", received).await;
    let receipt = document_of(&hub, &clerk, &number, "receipt").await;
    let tasks: Vec<_> = (receipt.tasks.iter())
        .map(|t| {
            let what = (
                t.department_name.as_str(),
                t.name.as_str(),
                t.result.as_str(),
            );
            (t.stage, t.stage_name.as_str(), what, t.days)
        })
        .collect();
    assert_eq!(
        tasks,
        [
            (
                1,
                "并联办理",
                ("市场监督管理局", "核发营业执照", "营业执照（正、副本）"),
                1
            ),
            (1, "并联办理", ("公安局", "公章刻制备案", "首套印章"), 1),
            (
                1,
                "并联办理",
                (
                    "税务局",
                    "新办纳税人套餐（税务登记、数电发票开通）",
                    "税务 UKey"
                ),
                2
            ),
            (
                1,
                "并联办理",
                ("人力资源和社会保障局", "单位参保登记", "社会保险登记证明"),
                1
            ),
        ]
    );
    let promised = "承诺 3 个工作日办结，预计 2026年3月6日 前办结";
    assert_eq!(receipt.promised.as_deref(), Some(promised));
    assert_eq!(receipt.date, "2026年3月3日");
    for paper in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let slip = printed(&receipt, paper);
        assert_says(&slip, "各部门办理事项（共 4 项）");
        assert_says(&slip, "第1阶段 并联办理");
        assert_says(&slip, "1. 市场监督管理局：核发营业执照");
        assert_says(&slip, "办理结果：营业执照（正、副本）；承诺 1 个工作日");
        assert_says(&slip, "3. 税务局：新办纳税人套餐（税务登记、数电发票开通）");
        assert_says(&slip, "办理结果：税务 UKey；承诺 2 个工作日");
        assert_says(&slip, "4. 人力资源和社会保障局：单位参保登记");
        assert_says(&slip, &format!("办理时限：{promised}"));
        assert_eq!(
            flat(&slip).matches("第1阶段").count(),
            1,
            "one stage heading"
        );
    }
    let page = page_of(&hub, &clerk, &number, "receipt").await;
    assert!(page.contains("<caption>各部门办理事项</caption>"));
    assert!(page.contains(
        "<tr><td>第1阶段 并联办理</td><td>税务局</td><td>新办纳税人套餐（税务登记、数电发票开通）</td><td>税务 UKey</td><td>2 个工作日</td></tr>"
    ));
    assert!(page.contains(promised));
    assert_masked(&page);

    // A case one department reviews lists no tasks.
    let single = open(&hub, &clerk, "SCJG-001", &[]).await;
    let receipt = document_of(&hub, &clerk, &single, "receipt").await;
    assert!(receipt.tasks.is_empty());
    assert!(
        !page_of(&hub, &clerk, &single, "receipt")
            .await
            .contains("各部门办理事项")
    );
}

#[tokio::test]
async fn a_correction_notice_lists_each_departments_items() {
    let hub = TestHub::start().await; // Monday 2026-03-02
    let clerk = hub.login("1001", Some(1)).await;
    let number = open(&hub, &clerk, "ZWFW-001", &[]).await;
    let (status, _) = fetch(&hub, &clerk, &number, "correction").await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing to correct yet");
    let tax = hub.login("2002", None).await;
    let police = hub.login("2008", None).await;
    let market = hub.login("2001", None).await;
    for (who, items) in [
        (&tax, json!(["补充财务负责人身份证件"])),
        (
            &police,
            json!(["印章样式确认书需法定代表人签字", "补充刻章经办人身份证件"]),
        ),
    ] {
        step(&hub, who, &number, "claim", json!({})).await;
        step(&hub, who, &number, "correction", json!({"items": items})).await;
    }
    step(&hub, &market, &number, "claim", json!({})).await;

    // The front desk's notice: each department's items, in the tasks' order.
    let notice = document_of(&hub, &clerk, &number, "correction").await;
    assert_eq!(notice.kind, DocumentKind::Correction);
    assert_eq!(
        names(&notice.lines),
        [
            ("印章样式确认书需法定代表人签字", vec!["公安局"]),
            ("补充刻章经办人身份证件", vec!["公安局"]),
            ("补充财务负责人身份证件", vec!["税务局"]),
        ]
    );
    assert_eq!(
        (
            notice.date.as_str(),
            notice.counter.as_str(),
            notice.staff.as_str()
        ),
        ("2026年3月2日", "1号窗口 综合受理", "1001 张敏")
    );
    let slip = printed(&notice, PaperWidth::Mm80);
    assert!(
        slip.iter()
            .any(|l| l.text == "补正告知书" && l.size == (2, 2))
    );
    assert_says(&slip, "需补正的内容（共 3 项）");
    assert_says(&slip, "1. 印章样式确认书需法定代表人签字");
    assert_says(&slip, "提出部门：公安局");
    assert_says(&slip, "提出部门：税务局");
    assert_says(&slip, "补正期间不计入办理时限");
    let page = page_of(&hub, &clerk, &number, "correction").await;
    assert!(page.contains("<h1>补正告知书</h1>"));
    assert!(
        page.contains("<th>补正内容</th><th>提出部门</th></tr>"),
        "no detail column"
    );
    assert!(page.contains("<td>补充财务负责人身份证件</td><td>税务局</td>"));
    assert_masked(&page);

    // A reviewer sees only their own department's items; one with none has
    // no notice, and one of a department the case never reaches no case.
    let own = document_of(&hub, &tax, &number, "correction").await;
    assert_eq!(
        names(&own.lines),
        [("补充财务负责人身份证件", vec!["税务局"])]
    );
    let (status, _) = fetch(&hub, &market, &number, "correction").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let outsider = hub.login("2003", None).await;
    let (status, _) = fetch(&hub, &outsider, &number, "correction").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Once resubmitted there is nothing left to correct.
    step(&hub, &clerk, &number, "resubmit", json!({})).await;
    let (status, _) = fetch(&hub, &clerk, &number, "correction").await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A case one department reviews has its one list, naming no department.
    let single = open(&hub, &clerk, "SCJG-001", &[]).await;
    step(&hub, &market, &single, "claim", json!({})).await;
    step(
        &hub,
        &market,
        &single,
        "correction",
        json!({"items": ["补充章程"]}),
    )
    .await;
    let notice = document_of(&hub, &clerk, &single, "correction").await;
    assert_eq!(names(&notice.lines), [("补充章程", vec![])]);
    assert!(
        !page_of(&hub, &clerk, &single, "correction")
            .await
            .contains("提出部门")
    );
}

#[tokio::test]
async fn the_handover_list_gives_every_result_together() {
    let hub = TestHub::start().await; // Monday 2026-03-02
    let clerk = hub.login("1001", Some(1)).await;
    let supervisor = hub.login("9001", None).await;
    let pickup = hub.login("3001", Some(10)).await;
    let number = open(&hub, &clerk, "ZWFW-001", &[]).await;
    for staff in ["2001", "2008", "2002"] {
        approve(&hub, staff, &number).await;
    }
    let (status, _) = fetch(&hub, &supervisor, &number, "handover").await;
    assert_eq!(status, StatusCode::CONFLICT, "one task still open");
    approve(&hub, "2007", &number).await;

    let list = document_of(&hub, &pickup, &number, "handover").await;
    assert_eq!(list.kind, DocumentKind::Handover);
    let items: Vec<_> = (list.lines.iter())
        .map(|l| (l.name.as_str(), l.detail.as_str(), l.departments.join("")))
        .collect();
    assert_eq!(
        items,
        [
            (
                "营业执照（正、副本）",
                "核发营业执照",
                "市场监督管理局".to_owned()
            ),
            ("首套印章", "公章刻制备案", "公安局".to_owned()),
            (
                "税务 UKey",
                "新办纳税人套餐（税务登记、数电发票开通）",
                "税务局".to_owned()
            ),
            (
                "社会保险登记证明",
                "单位参保登记",
                "人力资源和社会保障局".to_owned()
            ),
        ]
    );
    assert_eq!(
        (
            list.case_number.as_str(),
            list.date.as_str(),
            list.counter.as_str(),
            list.staff.as_str()
        ),
        (
            number.as_str(),
            "2026年3月2日",
            "10号窗口 统一出件",
            "3001 马骏"
        )
    );
    assert_eq!(list.delivery.as_deref(), Some("统一出件窗口领取"));
    let slip = printed(&list, PaperWidth::Mm58);
    assert_says(&slip, "交付的办理结果（共 4 项）");
    assert_says(&slip, "2. 首套印章");
    assert_says(&slip, "出具部门：人力资源和社会保障局");
    assert_eq!(
        escpos::qr_payloads(&decode(&documents::slip(&list, PaperWidth::Mm58).unwrap())),
        [number.as_str()]
    );
    let page = page_of(&hub, &pickup, &number, "handover").await;
    assert!(page.contains("<h1>交付清单</h1>") && page.contains("领取人签字"));
    assert!(page.contains(
        "<td>税务 UKey</td><td>新办纳税人套餐（税务登记、数电发票开通）</td><td>税务局</td>"
    ));
    assert_masked(&page);

    // Handed over on Monday afternoon: the list still says what was given.
    hub.clock.advance(chrono::Duration::hours(3));
    step(
        &hub,
        &pickup,
        &number,
        "pickup",
        json!({"collected_by": "张三"}),
    )
    .await;
    let after = document_of(&hub, &supervisor, &number, "handover").await;
    assert_eq!((after.lines.len(), after.staff.as_str()), (4, "3001 马骏"));
}

#[tokio::test]
async fn the_handover_list_of_a_stage_gives_that_stages_results() {
    let hub = TestHub::start().await; // Monday 2026-03-02
    let clerk = hub.login("1001", Some(1)).await;
    let supervisor = hub.login("9001", None).await;
    let pickup = hub.login("3001", Some(10)).await;
    let number = open(&hub, &clerk, "ZWFW-002", &[]).await;
    approve(&hub, "2006", &number).await;
    approve(&hub, "2004", &number).await;
    // Stage one (立项用地规划许可) is done and the next one open: its
    // permits, and only its, wait at the pickup window.
    let list = document_of(&hub, &pickup, &number, "handover").await;
    assert_eq!(
        names(&list.lines),
        [
            ("项目备案证明", vec!["发展和改革局"]),
            ("建设用地规划许可证", vec!["自然资源和规划局"]),
        ]
    );
    step(
        &hub,
        &pickup,
        &number,
        "pickup",
        json!({"collected_by": "张三"}),
    )
    .await;
    let (status, _) = fetch(&hub, &supervisor, &number, "handover").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "nothing waits until stage two is done"
    );

    // A case one department reviews hands over its one result.
    let single = open(&hub, &clerk, "SCJG-001", &[]).await;
    approve(&hub, "2001", &single).await;
    let list = document_of(&hub, &pickup, &single, "handover").await;
    assert_eq!(names(&list.lines), [("企业设立登记办理结果", vec![])]);
    assert_eq!(list.lines[0].detail, "准予许可");
}

/// The case's page on the sample's public face, as the hub fills it in.
const PAGE_URL: &str = "https://yimen.example.gov.cn/c?case=202603020007";

#[test]
fn with_a_public_face_the_qr_opens_the_case_page() {
    let doc = CaseDocument {
        page_url: Some(PAGE_URL.to_owned()),
        ..receipt()
    };
    for (paper, _) in PAPERS {
        let (ops, lines) = slip_lines(&doc, paper);
        assert_eq!(escpos::qr_payloads(&ops), [PAGE_URL]);
        let module = ops.iter().find_map(|op| match op {
            Op::QrSize(dots) => Some(usize::from(*dots)),
            _ => None,
        });
        // Version 4, 33 modules, and 4 of quiet zone each side.
        let symbol = module.map(|m| (33 + 8) * m);
        assert!(
            symbol.is_some_and(|dots| dots <= usize::from(paper.printable_dots())),
            "{symbol:?} dots on {paper:?}"
        );
        assert_says(&lines, "手机扫码查看办理进度");
        assert_says(&lines, "凭此编号查询、补交材料及领取结果");
    }
    let html = documents::html(&doc);
    assert_is_a_page(&html);
    assert_eq!(html.matches("<svg class=\"qr\"").count(), 1, "{html}");
    assert_eq!(qr_drawn(&html), qr_of(PAGE_URL));
    assert!(html.contains("手机扫码查看办理进度"));

    // Without one, the slip's QR holds the number and the page has none.
    let (ops, _) = slip_lines(&receipt(), PaperWidth::Mm58);
    assert_eq!(escpos::qr_payloads(&ops), [CASE_NUMBER]);
    let html = documents::html(&receipt());
    assert!(!html.contains("<svg") && !html.contains("扫码"), "{html}");
}

/// The dark modules of the page's QR code, from its drawing: each is
/// `M{x} {y}h1v1h-1z`, inside 4 modules of quiet zone.
fn qr_drawn(html: &str) -> Vec<(usize, usize)> {
    let path = html.split("<path d=\"").nth(1).unwrap();
    let path = &path[..path.find('"').unwrap()];
    let mut dark: Vec<(usize, usize)> = path
        .split('M')
        .filter(|m| !m.is_empty())
        .map(|m| {
            let (x, y) = m.trim_end_matches("h1v1h-1z").split_once(' ').unwrap();
            (
                x.parse::<usize>().unwrap() - 4,
                y.parse::<usize>().unwrap() - 4,
            )
        })
        .collect();
    dark.sort_unstable();
    dark
}

/// The dark modules of `data`'s QR code at error correction M.
fn qr_of(data: &str) -> Vec<(usize, usize)> {
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).unwrap();
    let width = code.width();
    let mut dark: Vec<(usize, usize)> = (code.to_colors().iter().enumerate())
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(at, _)| (at % width, at / width))
        .collect();
    dark.sort_unstable();
    dark
}
