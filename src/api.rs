//! The types on the wire under `/api/v1`, shared by the hub and its clients.
//! Every error is an [`ErrorBody`]; every event on the stream an
//! [`EventMessage`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::guide::{Department, Guide};
use chrono::{DateTime, Utc};

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
