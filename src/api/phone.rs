//! What the citizen's phone asks of a case, and is told: its progress by
//! its number and the last four characters of the applicant's ID number or
//! phone.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CaseState;
use crate::domain::progress as domain;

/// A case looked up by its number and the proof that the asker applied.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseLookupRequest {
    /// The twelve digits on the receipt.
    pub case: String,
    /// The last four characters of the applicant's ID number or phone.
    pub last_four: String,
}

/// Where a case stands, in words for its applicant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    AwaitingMaterials,
    Refused,
    Accepted,
    InReview,
    Correction,
    ReadyForPickup,
    StageReady,
    ToBeMailed,
    Rejected,
    Collected,
    Mailed,
}

mirror_enum!(
    Standing,
    domain::Standing,
    [
        AwaitingMaterials,
        Refused,
        Accepted,
        InReview,
        Correction,
        ReadyForPickup,
        StageReady,
        ToBeMailed,
        Rejected,
        Collected,
        Mailed
    ]
);

/// Where the results wait, and when the window is open.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PickupPlace {
    /// The pickup windows, by name, such as `10号窗口 统一出件`.
    pub windows: Vec<String>,
    /// The hall's hours.
    pub hours: String,
}

/// One department's part in the open stage of a 一件事.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DepartmentProgress {
    pub department: String,
    /// Where its part stands, in words.
    pub words: String,
}

/// One stage of a 一件事.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StageProgressView {
    pub name: String,
    /// 未开始, 办理中 or 已完成.
    pub words: String,
    pub open: bool,
    /// The departments of the open stage; empty for the others.
    pub departments: Vec<DepartmentProgress>,
}

/// A case as its applicant may see it: no reviewer, no personal data.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseProgressView {
    pub number: String,
    pub service_name: String,
    pub state: CaseState,
    pub standing: Standing,
    /// The standing in words.
    pub words: String,
    /// The promised date, while the department's clock runs.
    pub promised_on: Option<NaiveDate>,
    /// What a correction asks for, while it waits.
    pub correction: Vec<String>,
    /// Why the case was refused or rejected.
    pub reason: Option<String>,
    /// Where and when to collect results that wait at the pickup window.
    pub pickup: Option<PickupPlace>,
    /// A 一件事's stages; empty for a case one department reviews.
    pub stages: Vec<StageProgressView>,
    pub rated: bool,
    /// Final and not rated: `POST /api/v1/ratings` with the case and the
    /// same last four.
    pub may_rate: bool,
}
