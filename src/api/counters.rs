//! Counters: what a counter shows and the requests its clerk sends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::TicketState;
use crate::domain::ids::CounterNo;
use crate::domain::policy;
use crate::domain::setup as domain;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CounterKind {
    /// Combined intake (综合受理): serves several queues.
    Intake,
    /// Unified pickup (统一出件).
    Pickup,
    /// A specialised counter (专窗) for one department.
    Dedicated,
}

mirror_enum!(
    CounterKind,
    domain::CounterKind,
    [Intake, Pickup, Dedicated]
);

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
    /// The booked time, `HH:MM`, of an appointment ticket (预约).
    #[serde(default)]
    pub appointment_at: Option<String>,
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
    /// What the reader may do here now: the buttons a terminal enables.
    /// Empty for anyone but the clerk logged in at this counter.
    pub allowed: Vec<CounterAct>,
    /// Queues the clerk may send a citizen to.
    pub transfer_queues: Vec<QueueChoice>,
    /// Counters the clerk may send a citizen to by name.
    pub transfer_counters: Vec<CounterChoice>,
}

/// Something a clerk does at a counter, as the hub allows it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CounterAct {
    CallNext,
    /// 指定叫号: a number out of turn, with a reason.
    Call,
    Recall,
    NoShow,
    Start,
    Finish,
    Transfer,
    Pause,
    Resume,
    /// 受理办件 for the citizen being served.
    OpenCase,
    /// 交付结果 of the pickup ticket being served.
    HandOver,
}

impl From<policy::CounterAct> for CounterAct {
    fn from(act: policy::CounterAct) -> Self {
        use policy::CounterAct as A;
        match act {
            A::CallNext => CounterAct::CallNext,
            A::CallOutOfTurn => CounterAct::Call,
            A::Recall => CounterAct::Recall,
            A::NoShow => CounterAct::NoShow,
            A::Start => CounterAct::Start,
            A::Finish => CounterAct::Finish,
            A::Transfer => CounterAct::Transfer,
            A::Pause => CounterAct::Pause,
            A::Resume => CounterAct::Resume,
            A::OpenCase => CounterAct::OpenCase,
            A::HandOver => CounterAct::HandOver,
        }
    }
}

/// A queue to pick, by its prefix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueChoice {
    pub prefix: String,
    pub name: String,
}

/// A counter to pick, by its number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CounterChoice {
    pub number: CounterNo,
    pub name: String,
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
