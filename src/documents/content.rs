//! What each kind of document says, in the hall's words. The page and the
//! slip both lay out these texts, so the citizen's slip and the archived page
//! never disagree.
//!
//! Every text returned here may carry data (names, addresses, reasons): a
//! renderer escapes all of it.

use super::{CaseDocument, DocumentKind, DocumentLine, DocumentTask};

/// The line under the case number: what the number is for.
pub(super) const CASE_NUMBER_USE: &str = "凭此编号查询、补交材料及领取结果";

/// The line under the QR code of the case's page: what it opens.
pub(super) const PAGE_USE: &str = "手机扫码查看办理进度（需输入证件号码或手机号码后四位）";

/// The legal remedy printed on every refusal.
pub(super) const REMEDY: &str = "如对本决定不服，可在收到本通知之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。";

/// Why a missing material is needed, when its note says nothing.
const MISSING_WHY: &str = "缺少此项必需材料";

/// On a notice, the time limit has not started yet.
const CLOCK_NOT_STARTED: &str = "材料补齐并经窗口受理后起算，补齐前不计入办理时限。";

/// On a notice of correction, the time limit stands still.
const CLOCK_STOPPED: &str =
    "自告知之日起暂停计算，补正材料提交后继续计算，补正期间不计入办理时限。";

/// Above a 一件事's tasks on a receipt.
pub(super) const TASKS_CAPTION: &str = "各部门办理事项";

/// The headings of the tasks' table.
pub(super) const TASK_HEADINGS: [&str; 5] =
    ["阶段", "办理部门", "办理事项", "办理结果", "承诺时限"];

/// A label and its text, printed as `label：text`.
pub(super) type Field<'a> = (&'static str, &'a str);

/// The table of a document's lines: its caption and its columns' headings.
pub(super) struct LinesTable {
    /// Above the table, such as 需补齐的材料.
    pub caption: &'static str,
    /// The heading of the lines' names, after 序号, such as 材料名称.
    pub name_heading: &'static str,
    /// The heading of their details; none where the kind has none.
    pub detail_heading: Option<&'static str>,
    /// The heading of the departments a line is for, shown when a line
    /// names any (a 一件事).
    pub departments_heading: &'static str,
}

/// Who the case is and who applied, under the title.
pub(super) fn particulars(doc: &CaseDocument) -> [(&'static str, String); 5] {
    [
        (
            "办理事项",
            format!("{}（{}）", doc.service_name, doc.service_code),
        ),
        ("承办部门", doc.department_name.clone()),
        ("申请人", doc.applicant_name.clone()),
        ("证件号码", doc.id_number_masked.clone()),
        ("联系电话", doc.phone_masked.clone()),
    ]
}

/// The sentence that opens the body: what was decided.
pub(super) fn opening(doc: &CaseDocument) -> String {
    let service = &doc.service_name;
    match doc.kind {
        DocumentKind::MissingMaterials => format!(
            "您申请办理的“{service}”事项，申请材料尚不齐全。请按下列清单一次性补齐后，凭办件编号到窗口补交。"
        ),
        DocumentKind::Acceptance => {
            format!("您申请办理的“{service}”事项，申请材料齐全、符合法定形式，予以受理。")
        }
        DocumentKind::Refusal => format!("您申请办理的“{service}”事项，经审查，决定不予受理。"),
        DocumentKind::Correction => format!(
            "您申请办理的“{service}”事项，经审查，申请材料需要补正。请按下列清单一次性补正后，凭办件编号到窗口提交。"
        ),
        DocumentKind::Handover => {
            format!("您申请办理的“{service}”事项，下列办理结果现予交付。请当面核对无误后签字确认。")
        }
    }
}

/// The table of the document's lines, for the kinds that list them.
pub(super) fn lines_table(kind: DocumentKind) -> Option<LinesTable> {
    let (caption, name_heading, detail_heading, departments_heading) = match kind {
        DocumentKind::MissingMaterials => {
            ("需补齐的材料", "材料名称", Some("补正说明"), "所需部门")
        }
        DocumentKind::Acceptance => ("已收取的材料", "材料名称", Some("收取情况"), "所需部门"),
        DocumentKind::Refusal => return None,
        DocumentKind::Correction => ("需补正的内容", "补正内容", None, "提出部门"),
        DocumentKind::Handover => ("交付的办理结果", "办理结果", Some("办理事项"), "出具部门"),
    };
    Some(LinesTable {
        caption,
        name_heading,
        detail_heading,
        departments_heading,
    })
}

/// Whether any line names the departments it is for.
pub(super) fn names_departments(doc: &CaseDocument) -> bool {
    doc.lines.iter().any(|line| !line.departments.is_empty())
}

/// The departments a line is for, as one text.
pub(super) fn departments(line: &DocumentLine) -> String {
    line.departments.join("、")
}

/// A task's stage, such as `第1阶段 立项用地规划许可`.
pub(super) fn stage(task: &DocumentTask) -> String {
    format!("第{}阶段 {}", task.stage, task.stage_name)
}

/// A task's promised time, such as `5 个工作日`.
pub(super) fn task_days(task: &DocumentTask) -> String {
    format!("{} 个工作日", task.days)
}

/// What the detail column says for one material.
pub(super) fn detail(kind: DocumentKind, line: &DocumentLine) -> &str {
    match kind {
        DocumentKind::MissingMaterials if line.detail.trim().is_empty() => MISSING_WHY,
        _ => &line.detail,
    }
}

/// What follows the materials: the time limit, delivery, reason and remedy
/// as the kind has them, then where to go and whom to call.
pub(super) fn statements(doc: &CaseDocument) -> Vec<Field<'_>> {
    let promised = doc.promised.as_deref().map(|text| ("办理时限", text));
    let delivery = doc.delivery.as_deref().map(|text| ("送达方式", text));
    let mut fields = match doc.kind {
        DocumentKind::MissingMaterials => vec![("办理时限", CLOCK_NOT_STARTED)],
        DocumentKind::Acceptance => promised.into_iter().chain(delivery).collect(),
        DocumentKind::Refusal => {
            let reason = doc.reason.as_deref().map(|text| ("不予受理理由", text));
            reason.into_iter().chain([("救济途径", REMEDY)]).collect()
        }
        DocumentKind::Correction => vec![("办理时限", CLOCK_STOPPED)],
        DocumentKind::Handover => delivery.into_iter().collect(),
    };
    let place = match doc.kind {
        DocumentKind::MissingMaterials | DocumentKind::Correction => "补交地点",
        DocumentKind::Acceptance => "领取地点",
        DocumentKind::Refusal | DocumentKind::Handover => "咨询地点",
    };
    fields.extend([
        (place, doc.place.as_str()),
        ("咨询电话", doc.phone.as_str()),
    ]);
    fields
}

/// Who signs the page: the counter's seal, and the applicant, or for a
/// hand-over whoever collects the results.
pub(super) fn signatures(kind: DocumentKind) -> [&'static str; 2] {
    match kind {
        DocumentKind::Handover => ["窗口签章", "领取人签字"],
        _ => ["窗口签章", "申请人签字"],
    }
}

/// Who issued the document, where and when.
pub(super) fn issuer(doc: &CaseDocument) -> [Field<'_>; 3] {
    [
        ("经办窗口", &doc.counter),
        ("经办人", &doc.staff),
        ("日期", &doc.date),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(lines: Vec<DocumentLine>) -> CaseDocument {
        CaseDocument {
            kind: DocumentKind::MissingMaterials,
            hall_name: "政务服务中心".to_owned(),
            case_number: "202603020007".to_owned(),
            page_url: None,
            service_name: "企业设立登记".to_owned(),
            service_code: "QY001".to_owned(),
            department_name: "市场监督管理局".to_owned(),
            applicant_name: "张三".to_owned(),
            id_number_masked: "1101**********1234".to_owned(),
            phone_masked: "138****5678".to_owned(),
            date: "2026年3月2日".to_owned(),
            counter: "1号窗口".to_owned(),
            staff: "1001 张敏".to_owned(),
            lines,
            tasks: Vec::new(),
            promised: Some("承诺 3 个工作日办结".to_owned()),
            delivery: Some("统一出件窗口领取".to_owned()),
            reason: Some("不属于本部门职权范围".to_owned()),
            place: "一楼大厅".to_owned(),
            phone: "0571-12345678".to_owned(),
        }
    }

    #[test]
    fn a_missing_material_without_a_note_says_it_is_required() {
        let line = DocumentLine {
            name: "营业执照".to_owned(),
            detail: " ".to_owned(),
            departments: Vec::new(),
        };
        assert_eq!(detail(DocumentKind::MissingMaterials, &line), MISSING_WHY);
        assert_eq!(detail(DocumentKind::Acceptance, &line), " ");
    }

    #[test]
    fn each_kind_says_only_what_belongs_to_it() {
        let labels = |kind| {
            let doc = CaseDocument {
                kind,
                ..notice(Vec::new())
            };
            statements(&doc).iter().map(|(l, _)| *l).collect::<Vec<_>>()
        };
        assert_eq!(
            labels(DocumentKind::MissingMaterials),
            ["办理时限", "补交地点", "咨询电话"]
        );
        assert_eq!(
            labels(DocumentKind::Acceptance),
            ["办理时限", "送达方式", "领取地点", "咨询电话"]
        );
        assert_eq!(
            labels(DocumentKind::Refusal),
            ["不予受理理由", "救济途径", "咨询地点", "咨询电话"]
        );
        assert_eq!(
            labels(DocumentKind::Correction),
            ["办理时限", "补交地点", "咨询电话"]
        );
        assert_eq!(
            labels(DocumentKind::Handover),
            ["送达方式", "咨询地点", "咨询电话"]
        );
    }

    #[test]
    fn the_notice_of_correction_says_the_clock_stands_still() {
        let doc = CaseDocument {
            kind: DocumentKind::Correction,
            ..notice(Vec::new())
        };
        assert_eq!(statements(&doc)[0], ("办理时限", CLOCK_STOPPED));
        let table = lines_table(DocumentKind::Correction).unwrap();
        assert_eq!(
            (table.name_heading, table.detail_heading),
            ("补正内容", None)
        );
    }

    #[test]
    fn every_path_names_its_kind_and_no_other() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_path(kind.path()), Some(kind));
        }
        assert_eq!(DocumentKind::from_path("Receipt"), None);
        assert_eq!(DocumentKind::from_path(""), None);
    }

    #[test]
    fn the_notice_says_the_clock_has_not_started() {
        let doc = notice(Vec::new());
        let fields = statements(&doc);
        assert_eq!(fields[0], ("办理时限", CLOCK_NOT_STARTED));
    }
}
