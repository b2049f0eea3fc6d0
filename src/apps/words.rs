//! What the apps tell people, as data for `ui/words.slint` to put in words:
//! the hub's refusals by their stable code, the apps' own messages, printer
//! problems, dates. No sentence is made here; the windows make them through
//! `@tr`, in Chinese or English.

use chrono::{Datelike, Timelike};
use chrono_tz::Tz;

use crate::api::CaseState;
use crate::devices::printer::{OfflineCause, PrinterError};
use crate::domain::ids::Timestamp;
use crate::ui::{CaseStage, Moment, PrinterProblem, Refusal, Said, Saying};

/// Every error code the hub sends, and the words the windows have for it.
/// A code not listed shows the hub's own (Chinese) words.
pub const REFUSALS: &[(&str, Refusal)] = &[
    ("unknown_service", Refusal::UnknownService),
    ("unknown_queue", Refusal::UnknownQueue),
    ("unknown_counter", Refusal::UnknownCounter),
    ("unknown_ticket", Refusal::UnknownTicket),
    ("unknown_staff", Refusal::UnknownStaff),
    ("daily_cap_reached", Refusal::DailyCapReached),
    ("pickup_queue", Refusal::PickupQueue),
    ("not_your_counter", Refusal::NotYourCounter),
    ("counter_paused", Refusal::CounterPaused),
    ("counter_not_paused", Refusal::CounterNotPaused),
    ("counter_busy", Refusal::CounterBusy),
    ("no_current_ticket", Refusal::NoCurrentTicket),
    ("nobody_waiting", Refusal::NobodyWaiting),
    ("wrong_ticket_state", Refusal::WrongTicketState),
    ("recalls_needed", Refusal::RecallsNeeded),
    ("late_window_passed", Refusal::LateWindowPassed),
    ("not_served_here", Refusal::NotServedHere),
    ("transfer_to_self", Refusal::TransferToSelf),
    ("transfer_to_pickup", Refusal::TransferToPickup),
    ("reason_required", Refusal::ReasonRequired),
    ("reason_too_long", Refusal::ReasonTooLong),
    ("wrong_pin", Refusal::WrongPin),
    ("staff_locked", Refusal::StaffLocked),
    ("wrong_counter_kind", Refusal::WrongCounterKind),
    ("counter_taken", Refusal::CounterTaken),
    ("invalid_id_number", Refusal::InvalidIdNumber),
    ("invalid_applicant", Refusal::InvalidApplicant),
    ("unknown_case", Refusal::UnknownCase),
    ("wrong_case_state", Refusal::WrongCaseState),
    ("not_your_department", Refusal::NotYourDepartment),
    ("not_your_case", Refusal::NotYourCase),
    ("forbidden", Refusal::Forbidden),
    ("materials_missing", Refusal::MaterialsMissing),
    ("nothing_missing", Refusal::NothingMissing),
    ("unknown_material", Refusal::UnknownMaterial),
    ("not_serving", Refusal::NotServing),
    ("correction_used", Refusal::CorrectionUsed),
    ("extension_pending", Refusal::ExtensionPending),
    ("extension_used", Refusal::ExtensionUsed),
    ("no_extension_pending", Refusal::NoExtensionPending),
    ("bad_days", Refusal::BadDays),
    ("wrong_delivery", Refusal::WrongDelivery),
    ("case_not_ready", Refusal::CaseNotReady),
    ("invalid_rating", Refusal::InvalidRating),
    ("already_rated", Refusal::AlreadyRated),
    ("not_rateable", Refusal::NotRateable),
    ("unknown_rectification", Refusal::UnknownRectification),
    ("too_many_items", Refusal::TooManyItems),
    ("pickup_taken", Refusal::PickupTaken),
    ("no_pickup_queue", Refusal::NoPickupQueue),
    ("unauthorized", Refusal::Unauthorized),
    ("not_found", Refusal::NotFound),
    ("payload_too_large", Refusal::TooLarge),
    ("unsupported_media_type", Refusal::NotJson),
    ("method_not_allowed", Refusal::MethodNotAllowed),
    ("upgrade_required", Refusal::UpgradeRequired),
    ("unavailable", Refusal::Unavailable),
    ("internal", Refusal::Internal),
    ("not_locked", Refusal::NotLocked),
    ("wrong_old_pin", Refusal::WrongOldPin),
    ("weak_pin", Refusal::WeakPin),
    ("same_pin", Refusal::SamePin),
    ("bad_span", Refusal::BadSpan),
    ("too_many_spans", Refusal::TooManySpans),
    ("proof_mismatch", Refusal::ProofMismatch),
    ("too_many_streams", Refusal::TooManyStreams),
    ("too_many_attempts", Refusal::TooManyAttempts),
    ("busy", Refusal::Busy),
    ("invalid_json", Refusal::Malformed),
    ("invalid_body", Refusal::Malformed),
    ("invalid_path", Refusal::Malformed),
    ("invalid_query", Refusal::Malformed),
    ("invalid_number", Refusal::InvalidNumber),
    ("invalid_queue", Refusal::InvalidQueue),
    ("query_too_long", Refusal::QueryTooLong),
    ("not_bookable", Refusal::NotBookable),
    ("invalid_slot", Refusal::InvalidSlot),
    ("slot_full", Refusal::SlotFull),
    ("already_booked", Refusal::AlreadyBooked),
    ("booking_suspended", Refusal::BookingSuspended),
    ("booking_code_taken", Refusal::BookingCodeTaken),
    ("unknown_booking", Refusal::UnknownBooking),
    ("cancel_closed", Refusal::CancelClosed),
    ("too_early", Refusal::TooEarly),
    ("checkin_closed", Refusal::CheckinClosed),
];

/// The refusal a code names; [`Refusal::Other`] for one this app does not know.
pub fn refusal(code: &str) -> Refusal {
    REFUSALS
        .iter()
        .find(|(known, _)| *known == code)
        .map_or(Refusal::Other, |(_, refusal)| *refusal)
}

/// A refusal as the hub sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// Stable, such as `nobody_waiting`.
    pub code: String,
    /// The hub's words, in Chinese: shown for a code this app does not know.
    pub message: String,
}

/// Something an app tells a person.
#[derive(Clone, Debug, PartialEq)]
pub enum Say {
    Nothing,
    /// The hub said no.
    Refused(Refused),
    /// One of the app's own messages.
    App(Saying),
}

impl Say {
    /// A refusal of the app's own checks, with the code the hub would send.
    pub fn refused(code: &str, message: impl Into<String>) -> Self {
        Say::Refused(Refused {
            code: code.to_owned(),
            message: message.into(),
        })
    }

    /// For the window.
    pub fn said(&self) -> Said {
        match self {
            Say::Nothing => Said {
                saying: Saying::Nothing,
                refusal: Refusal::Other,
                words: Default::default(),
            },
            Say::Refused(r) => Said {
                saying: Saying::Refused,
                refusal: refusal(&r.code),
                words: r.message.as_str().into(),
            },
            Say::App(saying) => Said {
                saying: *saying,
                refusal: Refusal::Other,
                words: Default::default(),
            },
        }
    }
}

/// Why a printer did not print, for the window.
pub fn printer_problem(e: &PrinterError) -> PrinterProblem {
    match e {
        PrinterError::PaperOut => PrinterProblem::PaperOut,
        PrinterError::CoverOpen => PrinterProblem::CoverOpen,
        PrinterError::Offline(OfflineCause::NoAnswer) => PrinterProblem::NoAnswer,
        PrinterError::Offline(OfflineCause::Reported) => PrinterProblem::Offline,
        PrinterError::Offline(OfflineCause::Garbled(_)) => PrinterProblem::Garbled,
        PrinterError::Io(_) => PrinterProblem::Connection,
        PrinterError::Layout(_) => PrinterProblem::Layout,
    }
}

/// `at` in the hall's time zone, for a clock on screen.
pub fn moment(at: Timestamp, zone: Tz) -> Moment {
    let local = at.with_timezone(&zone);
    let int = |n: u32| i32::try_from(n).unwrap_or_default();
    Moment {
        year: local.year(),
        month: int(local.month()),
        day: int(local.day()),
        weekday: int(local.weekday().number_from_monday()),
        time: format!("{:02}:{:02}", local.hour(), local.minute()).into(),
    }
}

/// The hall's time zone as the catalogue names it, if it is one.
pub fn zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

pub fn case_stage(state: CaseState) -> CaseStage {
    match state {
        CaseState::AwaitingMaterials => CaseStage::AwaitingMaterials,
        CaseState::Refused => CaseStage::Refused,
        CaseState::Accepted => CaseStage::Accepted,
        CaseState::InReview => CaseStage::InReview,
        CaseState::Correction => CaseStage::Correction,
        CaseState::Approved => CaseStage::Approved,
        CaseState::Rejected => CaseStage::Rejected,
        CaseState::Closed => CaseStage::Closed,
    }
}

/// A count for a window: Slint's integers are 32 bits.
pub fn int(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_named_by_its_code_and_an_unknown_code_keeps_the_hubs_words() {
        assert_eq!(refusal("nobody_waiting"), Refusal::NobodyWaiting);
        let unknown = Say::refused("a_code_from_a_newer_hub", "新的原因").said();
        assert_eq!(
            (unknown.saying, unknown.refusal, unknown.words.as_str()),
            (Saying::Refused, Refusal::Other, "新的原因")
        );
    }

    #[test]
    fn no_code_is_listed_twice() {
        let mut codes: Vec<&str> = REFUSALS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), REFUSALS.len());
    }

    #[test]
    fn the_clock_reads_in_the_halls_zone() {
        let at = "2026-03-01T16:05:00Z".parse().unwrap();
        let m = moment(at, chrono_tz::Asia::Shanghai);
        assert_eq!(
            (m.year, m.month, m.day, m.weekday, m.time.as_str()),
            (2026, 3, 2, 1, "00:05")
        );
    }
}
