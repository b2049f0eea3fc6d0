//! Cases: intake at the front desk, review, pickup, supervision.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::RectificationView;

use crate::domain::bundle as domain_bundle;
use crate::domain::case as domain;
use crate::domain::deadline as domain_deadline;
use crate::domain::ids::CounterNo;
use crate::domain::policy;

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// A one-time notice listed what is missing; the clock has not started.
    AwaitingMaterials,
    /// Not accepted (不予受理), with a reason.
    Refused,
    /// Accepted and routed to the department; nobody has claimed it yet.
    Accepted,
    /// A reviewer has it.
    InReview,
    /// Sent back for correction (补正); the clock is stopped.
    Correction,
    /// Approved: the result waits at the pickup window or goes by mail.
    Approved,
    /// Rejected by the department, with a reason.
    Rejected,
    /// The result was handed over or mailed.
    Closed,
}

mirror_enum!(
    CaseState,
    domain::CaseState,
    [
        AwaitingMaterials,
        Refused,
        Accepted,
        InReview,
        Correction,
        Approved,
        Rejected,
        Closed
    ]
);

/// The supervision card a case earns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Card {
    /// Few working days left (黄牌预警).
    Yellow,
    /// Overdue (红牌督办).
    Red,
}

mirror_enum!(Card, domain_deadline::Card, [Yellow, Red]);

/// One material of the guide's list, as checked at the counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaterialCheck {
    pub name: String,
    pub required: bool,
    pub received: bool,
    /// Originals and copies the guide asks for, for the receipt.
    pub originals: u32,
    pub copies: u32,
    /// The clerk's remark, or why it is needed when missing.
    pub note: Option<String>,
}

impl From<&domain::MaterialCheck> for MaterialCheck {
    fn from(m: &domain::MaterialCheck) -> Self {
        Self {
            name: m.name.clone(),
            required: m.required,
            received: m.received,
            originals: m.originals,
            copies: m.copies,
            note: m.note.clone(),
        }
    }
}

/// The citizen as the clerk typed them.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    pub name: String,
    /// 18 characters, checked against its check digit.
    pub id_number: String,
    pub phone: String,
}

/// One material of the guide, ticked at the counter.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialInput {
    /// As the guide names it.
    pub name: String,
    pub received: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntakeDecision {
    /// 受理.
    Accept,
    /// 一次性告知: something required is missing.
    Notice,
    /// 不予受理, with a reason.
    Refuse,
}

/// Opens a case for the citizen being served at the clerk's counter.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    pub service: String,
    pub applicant: ApplicantInput,
    pub materials: Vec<MaterialInput>,
    /// Mail the result here; collected at the pickup window when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_to: Option<String>,
    pub intake: IntakeDecision,
    /// Why the case is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicantView {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    /// Whether the details are masked for this reader.
    pub masked: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ExcludedView {
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub note: String,
}

/// A case as its reader may see it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    /// Twelve digits: the day it was opened and a sequence.
    pub number: String,
    pub service: String,
    pub service_name: String,
    pub department: String,
    pub department_name: String,
    pub state: CaseState,
    pub applicant: ApplicantView,
    pub materials: Vec<MaterialCheck>,
    /// Required materials still missing.
    pub missing: Vec<String>,
    pub mail_to: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub counter: CounterNo,
    pub accepted_on: Option<NaiveDate>,
    pub promised_days: u32,
    /// While the department's clock runs.
    pub due: Option<NaiveDate>,
    /// Working days from today to the due date; negative when overdue.
    pub working_days_left: Option<i64>,
    pub card: Option<Card>,
    pub refusal: Option<String>,
    pub reviewer: Option<String>,
    pub claimed_on: Option<NaiveDate>,
    pub correction_items: Vec<String>,
    pub correction_requested_on: Option<NaiveDate>,
    pub resubmitted_on: Option<NaiveDate>,
    pub extension_days: Option<u32>,
    pub extension_reason: Option<String>,
    /// `pending`, `approved` or `declined`.
    pub extension_state: Option<String>,
    pub excluded: Vec<ExcludedView>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub collected_by: Option<String>,
    pub tracking_number: Option<String>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub claim_overdue: bool,
    pub review_overdue: bool,
    pub rated: bool,
    /// Set when the deadline rests on a year with no calendar file.
    pub calendar_warning: Option<String>,
    /// What the reader may do to the case now: the buttons a screen enables.
    pub allowed: Vec<CaseAct>,
    /// A 一件事's stages and tasks as the reader may see them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<BundleView>,
}

/// A 一件事 case's stages: a reviewer sees only their department's tasks,
/// other staff every task. For a reviewer, the case's review fields
/// (reviewer, correction, extension, excluded time, decision) are their
/// task's.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct BundleView {
    /// The stage open now, from 1; none before acceptance and when done.
    pub stage: Option<u32>,
    pub stage_name: Option<String>,
    pub stages: u32,
    /// The department whose task the case's review fields describe.
    pub own_task: Option<String>,
    /// The department whose rejection waits for the lead department's word.
    pub awaiting_lead: Option<String>,
    /// The lead department of the stage open now.
    pub lead: Option<String>,
    pub tasks: Vec<TaskView>,
}

/// Where a bundle's task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Its stage has not opened.
    Waiting,
    Accepted,
    InReview,
    /// Sent back for correction; its clock and the case's are stopped.
    Correction,
    Approved,
    Rejected,
    /// Rejected, and the lead department overruled it.
    Overruled,
}

mirror_enum!(
    TaskState,
    domain_bundle::TaskState,
    [
        Waiting, Accepted, InReview, Correction, Approved, Rejected, Overruled
    ]
);

/// One department's task in a bundle.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskView {
    /// Its stage, from 1.
    pub stage: u32,
    pub stage_name: String,
    pub department: String,
    pub department_name: String,
    pub name: String,
    /// What the citizen receives from it.
    pub result: String,
    pub materials: Vec<String>,
    pub days: u32,
    pub state: TaskState,
    pub opened_on: Option<NaiveDate>,
    /// The task's own due date, while its clock runs.
    pub due: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub card: Option<Card>,
    pub reviewer: Option<String>,
    pub claimed_on: Option<NaiveDate>,
    pub correction_items: Vec<String>,
    /// `pending`, `approved` or `declined`.
    pub extension_state: Option<String>,
    pub decision_reason: Option<String>,
    pub overruled_reason: Option<String>,
    pub finished_on: Option<NaiveDate>,
    /// Its stage's results were handed over before the case's last stage.
    pub handed_over: bool,
}

/// Something staff do to a case, as the hub allows it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseAct {
    /// The front desk takes more of the missing materials.
    ReceiveMaterials,
    /// The front desk takes the corrections asked for.
    Resubmit,
    Claim,
    /// Approve or reject.
    Decide,
    RequestCorrection,
    RequestExtension,
    /// Approve or decline the extension asked for.
    DecideExtension,
    ExcludeTime,
    /// Hand the result over, or record its mailing.
    HandOver,
    /// Uphold or overrule a task's rejection, as the stage's lead department.
    LeadDecision,
}

impl From<policy::CaseAct> for CaseAct {
    fn from(act: policy::CaseAct) -> Self {
        use policy::CaseAct as A;
        match act {
            A::ReceiveMaterials => CaseAct::ReceiveMaterials,
            A::Resubmit => CaseAct::Resubmit,
            A::Claim => CaseAct::Claim,
            A::Decide => CaseAct::Decide,
            A::RequestCorrection => CaseAct::RequestCorrection,
            A::RequestExtension => CaseAct::RequestExtension,
            A::DecideExtension => CaseAct::DecideExtension,
            A::ExcludeTime => CaseAct::ExcludeTime,
            A::HandOver => CaseAct::HandOver,
            A::LeadDecision => CaseAct::LeadDecision,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialsRequest {
    /// Materials the citizen brought now, by name.
    pub received: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub approve: bool,
    /// Required to reject.
    #[serde(default)]
    pub reason: String,
}

/// The lead department's word on a task's rejection.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadDecisionRequest {
    /// True to overrule (the task counts as done), false to uphold (the
    /// case ends, rejected).
    pub overrule: bool,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    /// Everything to fix, at once.
    pub items: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequest {
    /// Working days more.
    pub days: u32,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionRequest {
    pub approve: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExcludedTimeRequest {
    /// 听证, 现场核查, 检验检测, 专家评审, ...
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    pub note: String,
}

/// The result handed over at the window, or mailed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PickupRequest {
    /// Who collected it: the applicant, or an agent with their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
}

/// One step in a case's life, from the audit log.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseHistoryEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `staff:1001`, `system`, ...; `department` for another department's
    /// task step, as a reviewer sees it.
    pub actor: String,
    /// The event kind, such as `case_claimed`.
    pub kind: String,
    /// For a bundle, the department whose task the step was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
}

/// What a supervisor watches (电子监察).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Supervision {
    /// Cases with a yellow or red card, reddest and most overdue first.
    pub cards: Vec<CaseView>,
    /// Cases with a step past its own limit.
    pub steps_overdue: Vec<CaseView>,
    pub extensions_pending: Vec<CaseView>,
    pub rectifications: Vec<RectificationView>,
    /// Years deadlines need but the calendar lacks.
    pub calendar_warnings: Vec<String>,
    /// 效能监察: every department's tasks, open and decided.
    pub departments: Vec<DepartmentLoad>,
    /// Each 一件事 service against its promise, and where the time went.
    pub bundles: Vec<BundleShare>,
}

/// One department's tasks (a single case counts as one task of its
/// department): open now, and decided on time or late.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DepartmentLoad {
    pub department: String,
    pub department_name: String,
    pub open: u32,
    /// Open and past their due date.
    pub overdue: u32,
    pub on_time: u32,
    pub late: u32,
    /// The median working days a decided task took, correction waits left out.
    pub median_days: Option<f64>,
}

/// One 一件事 service against its promise.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BundleShare {
    pub service: String,
    pub service_name: String,
    pub promised_days: u32,
    /// Approved or rejected.
    pub finished: u32,
    /// Approved on or before the promised date.
    pub within: u32,
    /// `within` as a percentage of `finished`.
    pub share: Option<f64>,
    pub open: u32,
    /// Where the time went: each stage's tasks by department.
    pub stages: Vec<StageTime>,
}

/// One stage's time at one department.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StageTime {
    /// From 1.
    pub stage: u32,
    pub stage_name: String,
    pub department: String,
    pub department_name: String,
    pub decided: u32,
    pub late: u32,
    pub median_days: Option<f64>,
}
