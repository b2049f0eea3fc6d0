//! Appointments (预约取号): the bookable services and their slots, booking
//! and cancelling from a phone, checking in at the kiosk.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::IssuedTicket;
use crate::domain::booking as domain;

/// A service that can be booked, and the queue it is served from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BookableService {
    pub code: String,
    pub name: String,
    pub queue: String,
    pub queue_name: String,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct SlotsQuery {
    /// The service's code.
    pub service: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlotView {
    /// `HH:MM`, the hall's local time.
    pub start: String,
    pub end: String,
    pub capacity: u32,
    /// Places left; 0 when full.
    pub free: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DaySlotsView {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub slots: Vec<SlotView>,
}

/// A service's bookable days, each with its slots not yet started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlotsView {
    pub service: String,
    pub service_name: String,
    pub days: Vec<DaySlotsView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub service: String,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// `HH:MM`: the slot's start.
    pub start: String,
    pub name: String,
    /// 18 characters, checked by its check digit.
    pub id_number: String,
    pub phone: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BookingState {
    Booked,
    CheckedIn,
    Cancelled,
    /// Not checked in within its window.
    Missed,
}

mirror_enum!(
    BookingState,
    domain::BookingState,
    [Booked, CheckedIn, Cancelled, Missed]
);

/// A booking as its citizen sees it: the name masked, no ID number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BookingView {
    /// Eight digits: typed at the kiosk's 预约签到 to check in.
    pub code: String,
    pub service: String,
    pub service_name: String,
    pub queue_name: String,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// `HH:MM`, the hall's local time.
    pub start: String,
    pub end: String,
    /// When check-in at the kiosk opens and closes, `HH:MM`.
    pub checkin_from: String,
    pub checkin_until: String,
    /// The last moment it can be cancelled.
    pub cancel_until: DateTime<FixedOffset>,
    /// Masked, such as 张*.
    pub name: String,
    pub state: BookingState,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBookingRequest {
    pub code: String,
    /// The last four characters of the ID number booked with.
    pub id_last4: String,
}

/// Checking in at the kiosk: the booking's code, or the ID number booked
/// with.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckInOutcome {
    /// Within the window (or early, where the hall lets them wait): the
    /// ticket takes the place of the booked time.
    CheckedIn,
    /// After the window: an ordinary walk-in ticket.
    WalkIn,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CheckIn {
    pub outcome: CheckInOutcome,
    pub booking: BookingView,
    pub ticket: IssuedTicket,
}
