//! Staff sessions: logging in at a counter or the back office, and
//! choosing a new PIN.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::CounterNo;
use crate::domain::setup as domain;

/// What a staff member does in the hall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Intake,
    Pickup,
    Reviewer,
    Supervisor,
    Admin,
}

mirror_enum!(
    Role,
    domain::Role,
    [Intake, Pickup, Reviewer, Supervisor, Admin]
);

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

/// A logged-in staff member choosing a new PIN.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinChange {
    /// The PIN used so far, checked like a login's.
    pub old_pin: String,
    /// At least 6 characters; not one digit repeated, not a run such as
    /// `123456` or `654321`.
    pub new_pin: String,
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
