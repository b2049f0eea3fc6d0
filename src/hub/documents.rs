//! A case's printable documents as the hub serves them: filled from the
//! case and its guide, the applicant masked. A 一件事's receipt lists every
//! department's task; its one-time notice names the departments each
//! missing material is for; its notice of correction lists each
//! department's items; its hand-over list every result handed over now.

use std::sync::Arc;

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::NaiveDate;

use super::Hub;
use super::auth::Principal;
use super::error::{HubError, Path, Query};
use crate::config::Config;
use crate::documents::{self, CaseDocument, DocumentKind, DocumentLine, DocumentTask};
use crate::domain::applicant::mask_phone;
use crate::domain::bundle::{CaseBundle, TaskState};
use crate::domain::case::{Case, CaseState, Delivery};
use crate::domain::error::QueueError;
use crate::domain::hall::Hall;
use crate::domain::ids::{CounterNo, Timestamp};
use crate::domain::personal::ERASED;
use crate::domain::policy::may_read_case;
use crate::domain::setup::StaffSetup;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Format {
    /// `html` (default) for an A4 page, `json` for the counter to print.
    #[serde(default)]
    format: Option<String>,
}

/// Who asks for a document, and at which counter: a notice of correction
/// or a hand-over list names them as its issuer.
#[derive(Clone, Copy)]
struct Reader<'a> {
    member: &'a StaffSetup,
    counter: Option<CounterNo>,
}

/// A case's document: the one-time notice (`notice`), the acceptance
/// receipt (`receipt`), the notice of refusal (`refusal`), the notice of
/// correction (`correction`) or the hand-over list (`handover`), as an A4
/// page or, with `?format=json`, as data for the counter's printer.
#[utoipa::path(
    get, path = "/api/v1/cases/{number}/documents/{kind}", tag = "cases", security(("bearer" = [])),
    params(
        ("number" = String, Path, description = "the case number"),
        ("kind" = String, Path, description = "notice, receipt, refusal, correction or handover"),
        Format,
    ),
    responses(
        (
            status = 200, description = "an A4 page, or with ?format=json the data for the counter's printer",
            content((String = "text/html"), (CaseDocument = "application/json")),
        ),
        (status = 403, body = crate::api::ErrorBody, description = "a device key, a reviewer of another department, or the pickup window for a case not waiting there nor handed over today"),
        (status = 404, body = crate::api::ErrorBody, description = "no such case, or no such kind of document"),
        (status = 409, body = crate::api::ErrorBody, description = "the case has no such document now: a notice only while materials are missing, a receipt once accepted, a refusal once refused, a notice of correction while a correction the reader may see is outstanding, a hand-over list while results wait at the pickup window or on the case's closing"),
        (status = 422, body = crate::api::ErrorBody, description = "format is neither html nor json, or a parameter does not parse"),
    )
)]
pub async fn document(
    State(hub): State<Arc<Hub>>,
    principal: Principal,
    Path((number, kind)): Path<(String, String)>,
    Query(Format { format }): Query<Format>,
) -> Result<axum::response::Response, HubError> {
    let (session, member) = principal.staff()?;
    let kind = DocumentKind::from_path(&kind).ok_or(HubError::NotFound("没有这种文书"))?;
    let reader = Reader {
        member,
        counter: session.counter,
    };
    let now = hub.clock.now();
    let doc = {
        let hall = hub.hall();
        let case = hall.case(&number).ok_or(QueueError::UnknownCase)?;
        may_read_case(member, case, &hall.setup().day_rule, now)?;
        case_document(&hub.config, &hall, case, kind, reader, now)?
    };
    Ok(match format.as_deref() {
        Some("json") => axum::Json(doc).into_response(),
        None | Some("html") => axum::response::Html(documents::html(&doc)).into_response(),
        Some(_) => {
            return Err(HubError::invalid(
                "invalid_query",
                "format 应为 html 或 json",
            ));
        }
    })
}

/// Whether the case has a document of `kind` now.
fn fits(kind: DocumentKind, case: &Case) -> bool {
    match kind {
        DocumentKind::MissingMaterials => case.state == CaseState::AwaitingMaterials,
        DocumentKind::Acceptance => case.accepted_on.is_some(),
        DocumentKind::Refusal => case.state == CaseState::Refused,
        DocumentKind::Correction => case.state == CaseState::Correction,
        DocumentKind::Handover => {
            matches!(case.state, CaseState::Approved | CaseState::Closed)
                || (case.bundle.as_ref()).is_some_and(|b| b.stage_to_hand_over().is_some())
        }
    }
}

/// The document of `kind` as `reader` prints it at `now`: applicant masked.
///
/// # Errors
/// `CaseWrongState` when the case has no such document now, or none that
/// the reader may see.
fn case_document(
    config: &Config,
    hall: &Hall,
    case: &Case,
    kind: DocumentKind,
    reader: Reader<'_>,
    now: Timestamp,
) -> Result<CaseDocument, QueueError> {
    let wrong_state = QueueError::CaseWrongState(case.state);
    if !fits(kind, case) {
        return Err(wrong_state);
    }
    let setup = hall.setup();
    let guide = config.guide(&case.service.0);
    let service_name = guide.map(|g| g.name.clone()).unwrap_or_default();
    let lines = match kind {
        DocumentKind::MissingMaterials => missing(config, case),
        DocumentKind::Acceptance => received(case),
        DocumentKind::Refusal => Vec::new(),
        DocumentKind::Correction => corrections(config, case, reader.member),
        DocumentKind::Handover => results(config, case, &service_name),
    };
    if lines.is_empty() && matches!(kind, DocumentKind::Correction | DocumentKind::Handover) {
        return Err(wrong_state);
    }
    let today = setup.day_rule.day_of(now);
    let (counter, staff) = issuer(hall, case, kind, reader);
    let [applicant_name, id_number_masked, phone_masked] = document_applicant(case);
    Ok(CaseDocument {
        kind,
        hall_name: setup.name.clone(),
        case_number: case.number.clone(),
        page_url: (config.public_url.as_deref())
            .map(|public_url| documents::case_page_url(public_url, &case.number)),
        service_name,
        service_code: case.service.0.clone(),
        department_name: config.department_name(&case.department),
        applicant_name,
        id_number_masked,
        phone_masked,
        date: chinese_date(issued_on(hall, case, kind, today)),
        counter,
        staff,
        lines,
        tasks: match (kind, &case.bundle) {
            (DocumentKind::Acceptance, Some(bundle)) => tasks(config, bundle),
            _ => Vec::new(),
        },
        promised: (kind == DocumentKind::Acceptance).then(|| promised(hall, case)),
        delivery: matches!(kind, DocumentKind::Acceptance | DocumentKind::Handover)
            .then(|| delivery(case)),
        reason: case.refusal.clone(),
        place: guide.map(|g| g.place.clone()).unwrap_or_default(),
        phone: guide.map(|g| g.phone.clone()).unwrap_or_default(),
    })
}

/// A date as a citizen reads it, such as `2026年3月2日`.
fn chinese_date(day: NaiveDate) -> String {
    day.format("%Y年%-m月%-d日").to_string()
}

/// The applicant's name, masked ID number and masked phone on a document;
/// 已删除 once erased.
fn document_applicant(case: &Case) -> [String; 3] {
    match case.applicant.details() {
        Some(a) => [a.name, a.id_number.masked(), mask_phone(&a.phone)],
        None => [ERASED.to_owned(), ERASED.to_owned(), ERASED.to_owned()],
    }
}

/// The day a document bears: when the correction was asked for, when the
/// results were handed over (today, before they are), and for the intake
/// documents when the case was accepted or opened.
fn issued_on(hall: &Hall, case: &Case, kind: DocumentKind, today: NaiveDate) -> NaiveDate {
    let day_rule = &hall.setup().day_rule;
    match kind {
        DocumentKind::Correction => corrections_asked(case).max().unwrap_or(today),
        DocumentKind::Handover => (case.handover.as_ref()).map_or(today, |h| day_rule.day_of(h.at)),
        _ => (case.accepted_on).unwrap_or_else(|| day_rule.day_of(case.opened.at)),
    }
}

/// The days the corrections outstanding were asked for.
fn corrections_asked(case: &Case) -> impl Iterator<Item = NaiveDate> + '_ {
    let reviews: Vec<_> = match &case.bundle {
        Some(b) => (b.tasks())
            .filter(|(_, t)| t.state == TaskState::Correction)
            .map(|(_, t)| &t.review)
            .collect(),
        None => vec![&case.review],
    };
    reviews
        .into_iter()
        .filter_map(|r| r.correction.as_ref().map(|c| c.requested_on))
}

/// Where and by whom the document was issued: the intake counter and clerk
/// for the intake documents; the pickup clerk who handed the results over;
/// otherwise whoever prints it, where they are.
fn issuer(hall: &Hall, case: &Case, kind: DocumentKind, reader: Reader<'_>) -> (String, String) {
    let setup = hall.setup();
    let counter = |n: CounterNo| {
        setup
            .counter(n)
            .map_or_else(|| format!("{n} 号窗口"), |c| c.name.clone())
    };
    let staff = |id: &crate::domain::ids::StaffId| {
        setup
            .staff_member(id)
            .map_or_else(|| id.0.clone(), |m| format!("{} {}", m.id, m.name))
    };
    match kind {
        DocumentKind::Correction | DocumentKind::Handover => {
            let by = (case
                .handover
                .as_ref()
                .filter(|_| kind == DocumentKind::Handover))
            .map_or(&reader.member.id, |h| &h.by);
            (
                reader.counter.map_or_else(|| "—".to_owned(), counter),
                staff(by),
            )
        }
        _ => (counter(case.opened.counter), staff(&case.opened.staff)),
    }
}

/// The promised time limit and the case's one promised date.
fn promised(hall: &Hall, case: &Case) -> String {
    match case.due(&hall.setup().calendar) {
        Some(d) => format!(
            "承诺 {} 个工作日办结，预计 {} 前办结",
            case.promised_days,
            chinese_date(d)
        ),
        None => format!("承诺 {} 个工作日办结", case.promised_days),
    }
}

/// How the results reach the applicant.
fn delivery(case: &Case) -> String {
    match &case.delivery {
        Delivery::Pickup => "统一出件窗口领取".to_owned(),
        Delivery::Mail { address } => {
            format!("邮寄：{}", address.value().map_or(ERASED, String::as_str))
        }
    }
}

/// A line of the document's table.
fn line(name: &str, detail: String, departments: Vec<String>) -> DocumentLine {
    DocumentLine {
        name: name.to_owned(),
        detail,
        departments,
    }
}

/// The required materials still missing; for a 一件事 each names the
/// departments whose tasks need it, once each, in the order of the stages.
fn missing(config: &Config, case: &Case) -> Vec<DocumentLine> {
    case.missing()
        .map(|m| {
            let mut departments: Vec<String> = Vec::new();
            let tasks = case.bundle.iter().flat_map(|b| b.tasks());
            for (_, task) in tasks.filter(|(_, t)| t.materials.contains(&m.name)) {
                let name = config.department_name(&task.department);
                if !departments.contains(&name) {
                    departments.push(name);
                }
            }
            line(&m.name, m.note.clone().unwrap_or_default(), departments)
        })
        .collect()
}

/// The materials received, with how many originals and copies.
fn received(case: &Case) -> Vec<DocumentLine> {
    (case.materials.iter())
        .filter(|m| m.received)
        .map(|m| {
            let detail = format!("原件 {} 份，复印件 {} 份", m.originals, m.copies);
            line(&m.name, detail, Vec::new())
        })
        .collect()
}

/// The items to correct: a single case's one list, or for a 一件事 each
/// department's that waits for a correction and that `member` may see (a
/// reviewer sees only their own department's).
fn corrections(config: &Config, case: &Case, member: &StaffSetup) -> Vec<DocumentLine> {
    let Some(bundle) = &case.bundle else {
        let items = case.review.correction.iter().flat_map(|c| &c.items);
        return items
            .map(|item| line(item, String::new(), Vec::new()))
            .collect();
    };
    let asking = (bundle.tasks())
        .filter(|(_, t)| t.state == TaskState::Correction)
        .filter(|(_, t)| super::bundles::sees_task(member, &t.department));
    asking
        .flat_map(|(_, t)| {
            let department = config.department_name(&t.department);
            let items = t.review.correction.iter().flat_map(|c| &c.items);
            items.map(move |item| line(item, String::new(), vec![department.clone()]))
        })
        .collect()
}

/// The results a hand-over gives: a single case's decision, or each done
/// task's result of the stages handed over now, with the task and the
/// department that issued it.
fn results(config: &Config, case: &Case, service_name: &str) -> Vec<DocumentLine> {
    let Some(bundle) = &case.bundle else {
        let name = format!("{service_name}办理结果");
        return vec![line(&name, "准予许可".to_owned(), Vec::new())];
    };
    let approved = matches!(case.state, CaseState::Approved | CaseState::Closed);
    let stages = bundle.stages_to_hand_over(approved);
    stages
        .into_iter()
        .flat_map(|i| &bundle.stages[i].tasks)
        .filter(|t| t.state.done())
        .map(|t| {
            let detail = match t.state {
                TaskState::Overruled => format!("{}（经牵头部门协调办结）", t.name),
                _ => t.name.clone(),
            };
            line(
                &t.result,
                detail,
                vec![config.department_name(&t.department)],
            )
        })
        .collect()
}

/// Every task of a 一件事, stage by stage, as the receipt lists them.
fn tasks(config: &Config, bundle: &CaseBundle) -> Vec<DocumentTask> {
    (bundle.stages.iter().enumerate())
        .flat_map(|(i, stage)| {
            stage.tasks.iter().map(move |t| DocumentTask {
                stage: i as u32 + 1,
                stage_name: stage.name.clone(),
                department_name: config.department_name(&t.department),
                name: t.name.clone(),
                result: t.result.clone(),
                days: t.days,
            })
        })
        .collect()
}
