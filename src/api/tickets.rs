//! Tickets: taking one, following it, bringing a missed one back.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::CounterNo;
use crate::domain::ticket as domain;

/// Where a ticket stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// In line, not yet called.
    Waiting,
    /// Called to a counter; the citizen is on the way.
    Called,
    /// At the counter, being served.
    Serving,
    Finished,
    /// Called and recalled but never came.
    NoShow,
    /// Still waiting when the business day ended.
    Expired,
}

mirror_enum!(
    TicketState,
    domain::TicketState,
    [Waiting, Called, Serving, Finished, NoShow, Expired]
);

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
    /// Path of the ticket's public status on the hub.
    pub status_url: String,
    /// The ticket's page on the hall's public face, when hall.toml names
    /// one (`[hall] public_url`): what the QR opens.
    pub page_url: Option<String>,
    /// The booked time, `HH:MM`, of an appointment ticket (预约).
    #[serde(default)]
    pub appointment_at: Option<String>,
}

impl IssuedTicket {
    /// What the ticket's QR code opens: its page on the hall's public face,
    /// or else its status on the hub as `qr_base` reaches it.
    pub fn qr(&self, qr_base: &str) -> String {
        self.page_url
            .clone()
            .unwrap_or_else(|| format!("{qr_base}{}", self.status_url))
    }
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
    /// While waiting: few enough ahead that the citizen should come near.
    pub soon: bool,
    /// A missed ticket: until when it may be put back in line, in the
    /// hall's local time.
    pub reactivate_until: Option<DateTime<FixedOffset>>,
    /// Rated by the citizen already.
    pub rated: bool,
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
