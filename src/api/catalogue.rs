//! The catalogue of services and the queues, as kiosks and phones read them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::guide::Department;
use crate::domain::guide::Guide;
use crate::domain::setup::QueueKind;

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
