//! The types on the wire under `/api/v1`, shared by the hub and its clients.
//! Every error is an [`ErrorBody`]; every event on the stream an
//! [`EventMessage`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::case::{CaseState, MaterialCheck};
use crate::domain::deadline::Card;
use crate::domain::guide::{Department, Guide};
use crate::domain::rating::Verdict;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::ids::CounterNo;
use crate::domain::setup::{CounterKind, QueueKind, Role};
use crate::domain::ticket::TicketState;

/// How long request bodies may be: far more than any real request needs.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `daily_cap_reached`, `unauthorized`, ...
    pub code: String,
    /// For people, in Chinese.
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// A request recorded, with nothing else to say.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Recorded {
    /// The event's sequence number in the log.
    pub seq: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Catalogue {
    pub hall: String,
    /// The hall's time zone, such as `Asia/Shanghai`, for showing times.
    pub timezone: String,
    pub hours: String,
    pub departments: Vec<Department>,
    pub services: Vec<Guide>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub services: Vec<Guide>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueInfo {
    /// The letter the queue's numbers start with.
    pub prefix: String,
    pub name: String,
    pub kind: QueueKind,
    pub waiting: u32,
    /// For a ticket taken now.
    pub estimated_wait_minutes: u32,
    pub open_counters: u32,
    pub issued_today: u32,
    pub remaining_today: u32,
}

/// Either a service code or a queue prefix.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// A pickup ticket for an approved case, by its number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Green channel: elderly, disabled, pregnant, military.
    #[serde(default)]
    pub priority: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IssuedTicket {
    /// Unguessable; the key to the ticket's public status.
    pub id: String,
    /// As printed, such as `A001`.
    pub number: String,
    pub queue: String,
    pub queue_name: String,
    pub service: Option<String>,
    pub service_name: Option<String>,
    /// The case this pickup ticket collects.
    pub case: Option<String>,
    pub priority: bool,
    /// People who will be called first.
    pub ahead: u32,
    pub estimated_wait_minutes: u32,
    pub issued_at: DateTime<Utc>,
    /// Path of the ticket's public status on the hub: what the QR opens.
    pub status_url: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketStatus {
    pub number: String,
    pub queue: String,
    pub queue_name: String,
    pub service_name: Option<String>,
    pub state: TicketState,
    /// While waiting: people who will be called first.
    pub ahead: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// Once called: where to go.
    pub counter: Option<CounterNo>,
    pub counter_name: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactivateRequest {
    /// The number on the ticket, as a clerk types it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The ticket's id, as a kiosk reads it from the QR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// A staff id such as `1001`.
    pub staff: String,
    pub pin: String,
    /// The counter to staff; none for back-office roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterNo>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub department: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    /// Present as `Authorization: Bearer <token>`; only given at login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub staff: StaffInfo,
    pub counter: Option<CounterNo>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CounterState {
    /// Nobody logged in.
    Closed,
    /// Open, nobody called.
    Idle,
    /// A ticket called, the citizen not yet arrived.
    Calling,
    Serving,
    Paused,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CurrentTicket {
    pub id: String,
    pub number: String,
    pub queue: String,
    pub service: Option<String>,
    pub service_name: Option<String>,
    /// The case a pickup ticket collects.
    pub case: Option<String>,
    pub priority: bool,
    pub state: TicketState,
    pub recalls: u32,
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CounterView {
    pub number: CounterNo,
    pub name: String,
    pub kind: CounterKind,
    pub queues: Vec<String>,
    pub state: CounterState,
    pub staff: Option<String>,
    pub staff_name: Option<String>,
    pub paused_reason: Option<String>,
    pub current: Option<CurrentTicket>,
    /// Tickets waiting in the queues this counter calls from, and for it by name.
    pub waiting: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Send to this queue ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// ... or to this counter by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterNo>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseRequest {
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallTicketRequest {
    /// The waiting ticket to call out of turn.
    pub number: String,
    /// Recorded in the audit log.
    pub reason: String,
}

/// A device that needs a person: a printer out of paper, a screen unplugged.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRequest {
    /// Which part of the device, such as `printer`.
    pub part: String,
    /// What is wrong, in words for the person who fixes it.
    pub problem: String,
}

/// One message on the event stream: a row of the audit log.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventMessage {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `staff:1001`, `device:大厅取号机1` or `system`; absent on the public stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The event, tagged by `kind`, such as `{"kind":"ticket_called",...}`.
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
}

/// Control messages on the event stream besides events.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamNotice {
    /// Everything missed has been sent; what follows is live.
    CaughtUp { seq: i64 },
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

/// 好差评 for a ticket (by id) or a case (by number).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RatingRecorded {
    pub id: i64,
    pub score: u8,
    pub label: String,
    /// The rectification a bad review opened.
    pub rectification: Option<i64>,
}

/// Ratings of one counter, staff member, service or department.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RatingCount {
    pub key: String,
    pub count: u32,
    pub average: f64,
    /// Scores 2 and 1.
    pub bad: u32,
    /// Count per score, 1 to 5.
    pub scores: [u32; 5],
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RatingSummary {
    pub by_counter: Vec<RatingCount>,
    pub by_staff: Vec<RatingCount>,
    pub by_service: Vec<RatingCount>,
    pub by_department: Vec<RatingCount>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RectificationView {
    pub id: i64,
    pub score: u8,
    pub label: String,
    pub comment: Option<String>,
    /// The ticket number or case number rated.
    pub subject: String,
    pub counter: Option<CounterNo>,
    pub staff: Option<String>,
    pub service: Option<String>,
    pub department: Option<String>,
    pub assigned_to: Option<String>,
    pub due: NaiveDate,
    pub overdue: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRectificationRequest {
    pub note: String,
    pub verdict: Verdict,
}

/// One step in a case's life, from the audit log.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseHistoryEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `staff:1001`, `system`, ...
    pub actor: String,
    /// The event kind, such as `case_claimed`.
    pub kind: String,
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
}
