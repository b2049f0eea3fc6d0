//! A case (办件): one application, from intake at the front desk through
//! review by its department to the result handed over at the pickup window.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::applicant::Applicant;
use super::calendar::WorkingCalendar;
use super::deadline::{CaseClock, DaySpan, due_date};
use super::ids::{CounterNo, ServiceCode, StaffId, TicketId, Timestamp};

/// Digits in a case number: the day it was opened (YYYYMMDD) and that
/// day's sequence (four digits), such as `202603020001`, so a citizen can
/// type it on a number pad.
pub const CASE_NUMBER_DIGITS: usize = 12;

/// The case number of the `seq`th case opened on `day`.
pub fn case_number(day: NaiveDate, seq: u32) -> String {
    format!("{}{seq:04}", day.format("%Y%m%d"))
}

/// Whether `text` has the shape of a case number: twelve digits.
pub fn is_case_number(text: &str) -> bool {
    text.len() == CASE_NUMBER_DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// A one-time notice listed what is missing; the clock has not started.
    AwaitingMaterials,
    /// Not accepted (不予受理), with a reason.
    Refused,
    /// Accepted and routed to the department; nobody has claimed it yet.
    Accepted,
    /// A reviewer has it.
    InReview,
    /// Sent back for correction (补正); the clock is stopped.
    Correction,
    /// Approved: the result waits at the pickup window or goes by mail.
    Approved,
    /// Rejected by the department, with a reason.
    Rejected,
    /// The result was handed over or mailed.
    Closed,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::AwaitingMaterials => "awaiting_materials",
            CaseState::Refused => "refused",
            CaseState::Accepted => "accepted",
            CaseState::InReview => "in_review",
            CaseState::Correction => "correction",
            CaseState::Approved => "approved",
            CaseState::Rejected => "rejected",
            CaseState::Closed => "closed",
        }
    }

    /// Nothing more will happen to the case but a rating.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseState::Refused | CaseState::Rejected | CaseState::Closed
        )
    }

    /// The department's clock runs: accepted and not yet decided.
    pub fn in_department(self) -> bool {
        matches!(
            self,
            CaseState::Accepted | CaseState::InReview | CaseState::Correction
        )
    }
}

/// How the result reaches the citizen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Delivery {
    /// Collected at the unified pickup window (统一窗口出件).
    Pickup,
    Mail {
        address: String,
    },
}

/// One material of the guide's list, as checked at the counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialCheck {
    pub name: String,
    pub required: bool,
    pub received: bool,
    /// Originals and copies the guide asks for, for the receipt.
    pub originals: u32,
    pub copies: u32,
    /// The clerk's remark, or why it is needed when missing.
    pub note: Option<String>,
}

/// Who did something at the front desk, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskStamp {
    pub staff: StaffId,
    pub counter: CounterNo,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Everything to fix, listed at once.
    pub items: Vec<String>,
    pub requested_on: NaiveDate,
    pub resubmitted_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u32,
    pub reason: String,
    pub requested_by: StaffId,
    /// None while a supervisor has not decided.
    pub approved: Option<bool>,
    pub decided_by: Option<StaffId>,
}

/// Time that by law does not count against the limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedTime {
    /// 听证, 现场核查, 检验检测, 专家评审, ...
    pub kind: String,
    pub days: DaySpan,
    pub note: String,
    pub by: StaffId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub approved: bool,
    pub reason: String,
    pub by: StaffId,
    pub at: Timestamp,
}

/// The result reaching the citizen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// Who collected it, as the clerk recorded (the applicant or an agent).
    pub collected_by: Option<String>,
    /// The mail's tracking number, for mail delivery.
    pub tracking: Option<String>,
    pub by: StaffId,
    pub at: Timestamp,
}

/// Warnings raised, so that each is raised once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raised {
    pub card: Option<super::deadline::Card>,
    pub claim_overdue: bool,
    pub review_overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Twelve digits: the day it was opened and a sequence, unique for ever.
    pub number: String,
    pub service: ServiceCode,
    /// The department that reviews it.
    pub department: String,
    pub applicant: Applicant,
    pub materials: Vec<MaterialCheck>,
    pub delivery: Delivery,
    pub state: CaseState,
    pub opened: DeskStamp,
    /// The ticket being served when the case was opened.
    pub ticket: Option<TicketId>,
    pub promised_days: u32,
    pub accepted_on: Option<NaiveDate>,
    pub refusal: Option<String>,
    pub reviewer: Option<StaffId>,
    pub claimed_on: Option<NaiveDate>,
    pub correction: Option<Correction>,
    pub extension: Option<Extension>,
    pub excluded: Vec<ExcludedTime>,
    pub decision: Option<Decision>,
    pub handover: Option<Handover>,
    pub raised: Raised,
    pub rated: bool,
    /// When it reached a final state.
    pub finished_on: Option<NaiveDate>,
}

impl Case {
    /// Required materials not received.
    pub fn missing(&self) -> impl Iterator<Item = &MaterialCheck> {
        self.materials.iter().filter(|m| m.required && !m.received)
    }

    pub fn clock(&self) -> CaseClock {
        CaseClock {
            accepted_on: self.accepted_on,
            promised_days: self.promised_days,
            extension_days: self
                .extension
                .as_ref()
                .filter(|e| e.approved == Some(true))
                .map_or(0, |e| e.days),
            excluded: self.excluded.iter().map(|e| e.days).collect(),
            pauses: self
                .correction
                .iter()
                .map(|c| (c.requested_on, c.resubmitted_on))
                .collect(),
        }
    }

    /// The promised date, while the department's clock runs.
    pub fn due(&self, calendar: &WorkingCalendar) -> Option<NaiveDate> {
        due_date(calendar, &self.clock()).value
    }
}

/// What happened to a case, for the log and the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Opened,
    MaterialsReceived,
    Claimed,
    Approved,
    Rejected,
    CorrectionRequested,
    Resubmitted,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionDeclined,
    TimeExcluded,
    YellowCard,
    RedCard,
    ClaimOverdue,
    ReviewOverdue,
    HandedOver,
    Mailed,
}

impl CaseAction {
    /// The event kind in the log, such as `case_claimed`.
    pub fn kind(self) -> &'static str {
        match self {
            CaseAction::Opened => "case_opened",
            CaseAction::MaterialsReceived => "case_materials_received",
            CaseAction::Claimed => "case_claimed",
            CaseAction::Approved => "case_approved",
            CaseAction::Rejected => "case_rejected",
            CaseAction::CorrectionRequested => "case_correction_requested",
            CaseAction::Resubmitted => "case_resubmitted",
            CaseAction::ExtensionRequested => "case_extension_requested",
            CaseAction::ExtensionApproved => "case_extension_approved",
            CaseAction::ExtensionDeclined => "case_extension_declined",
            CaseAction::TimeExcluded => "case_time_excluded",
            CaseAction::YellowCard => "case_yellow_card",
            CaseAction::RedCard => "case_red_card",
            CaseAction::ClaimOverdue => "case_claim_overdue",
            CaseAction::ReviewOverdue => "case_review_overdue",
            CaseAction::HandedOver => "case_handed_over",
            CaseAction::Mailed => "case_mailed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_are_the_day_and_four_digits() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(case_number(day, 7), "202603020007");
        assert!(is_case_number(&case_number(day, 9999)));
        assert!(!is_case_number("20260302001"), "eleven digits");
        assert!(!is_case_number("2026030200０1"), "a full-width digit");
        assert!(!is_case_number("20260302000a"));
    }
}
