//! The event stream: each message, and the notices besides events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
