//! Staff sessions: logging in at a counter or the back office.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::CounterNo;
use crate::domain::setup::Role;

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
