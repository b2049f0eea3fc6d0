//! 好差评: ratings, their counts, and the rectification of bad reviews.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::CounterNo;
use crate::domain::rating as domain;

/// The citizen's view after the rectification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Satisfied,
    Unsatisfied,
}

mirror_enum!(Verdict, domain::Verdict, [Satisfied, Unsatisfied]);

/// 好差评 for a ticket (by id) or a case (by number). A clerk's counter
/// screen rates the ticket it just finished; the citizen's phone, with no
/// credential, rates a ticket by its id or a final case by its number and
/// `last_four`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
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
    /// To rate a case: the last four characters of the applicant's ID
    /// number or phone, as on the receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_four: Option<String>,
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
    /// Whether the reader may close it: supervisors may, admins only watch.
    pub can_close: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRectificationRequest {
    pub note: String,
    pub verdict: Verdict,
}
