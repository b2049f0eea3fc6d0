//! A case (办件): one application, from intake at the front desk through
//! review by its department to the result handed over at the pickup window.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::applicant::{IdNumber, SealedApplicant};
use super::bundle::{CaseBundle, Desk, Review, StageHandover, TaskState};
use super::calendar::WorkingCalendar;
use super::deadline::{CaseClock, DaySpan, due_date};
use super::error::QueueError;
use super::ids::{CounterNo, ServiceCode, StaffId, TicketId, Timestamp};
use super::personal::{Commitment, Field, Personal, Salt};

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
        address: Personal<String>,
    },
}

impl Delivery {
    /// The mailing address, for a result sent by mail.
    pub fn address(&self) -> Option<&Personal<String>> {
        match self {
            Delivery::Mail { address } => Some(address),
            Delivery::Pickup => None,
        }
    }

    fn address_mut(&mut self) -> Option<&mut Personal<String>> {
        match self {
            Delivery::Mail { address } => Some(address),
            Delivery::Pickup => None,
        }
    }
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
    pub collected_by: Option<Personal<String>>,
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
    /// Sealed: with its salt, which also seals the mailing address and who
    /// collected the result.
    pub applicant: SealedApplicant,
    pub materials: Vec<MaterialCheck>,
    pub delivery: Delivery,
    pub state: CaseState,
    pub opened: DeskStamp,
    /// The ticket being served when the case was opened.
    pub ticket: Option<TicketId>,
    pub promised_days: u32,
    pub accepted_on: Option<NaiveDate>,
    pub refusal: Option<String>,
    /// The department's review; for a bundle, only its final decision.
    #[serde(flatten)]
    pub review: Review,
    pub handover: Option<Handover>,
    pub raised: Raised,
    pub rated: bool,
    /// When it reached a final state.
    pub finished_on: Option<NaiveDate>,
    /// A 一件事's stages and tasks; none for a case one department reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<CaseBundle>,
}

impl Case {
    /// Required materials not received.
    pub fn missing(&self) -> impl Iterator<Item = &MaterialCheck> {
        self.materials.iter().filter(|m| m.required && !m.received)
    }

    pub fn clock(&self) -> CaseClock {
        match &self.bundle {
            Some(b) => b.case_clock(self.accepted_on, self.promised_days),
            None => self.review.clock(self.accepted_on, self.promised_days),
        }
    }

    /// The promised date, while the department's clock runs.
    pub fn due(&self, calendar: &WorkingCalendar) -> Option<NaiveDate> {
        due_date(calendar, &self.clock()).value
    }

    /// The review at `desk`: the case's own or one task's.
    pub fn review_at(&self, desk: Desk) -> Option<&Review> {
        match desk {
            Desk::Case => Some(&self.review),
            Desk::Task { .. } => self.bundle.as_ref()?.task(desk).map(|t| &t.review),
        }
    }

    pub fn review_at_mut(&mut self, desk: Desk) -> Option<&mut Review> {
        match desk {
            Desk::Case => Some(&mut self.review),
            Desk::Task { .. } => self.bundle.as_mut()?.task_mut(desk).map(|t| &mut t.review),
        }
    }

    /// Where the review at `desk` stands, in the case's terms; none for a
    /// task whose stage has not opened.
    pub fn state_at(&self, desk: Desk) -> Option<CaseState> {
        let task = match desk {
            Desk::Case => return Some(self.state),
            Desk::Task { .. } => self.bundle.as_ref()?.task(desk)?,
        };
        match task.state {
            TaskState::Waiting => None,
            TaskState::Accepted => Some(CaseState::Accepted),
            TaskState::InReview => Some(CaseState::InReview),
            TaskState::Correction => Some(CaseState::Correction),
            TaskState::Approved | TaskState::Overruled => Some(CaseState::Approved),
            TaskState::Rejected => Some(CaseState::Rejected),
        }
    }

    /// Moves the review at `desk` to `state`; for a task, also the case's
    /// state as its open tasks make it.
    pub fn set_state_at(&mut self, desk: Desk, state: CaseState, today: NaiveDate) {
        let Some(task) = self.bundle.as_mut().and_then(|b| b.task_mut(desk)) else {
            self.state = state;
            return;
        };
        task.state = match state {
            CaseState::Accepted => TaskState::Accepted,
            CaseState::Correction => TaskState::Correction,
            CaseState::Approved => TaskState::Approved,
            CaseState::Rejected => TaskState::Rejected,
            _ => TaskState::InReview,
        };
        if !task.state.open() {
            task.finished_on = Some(today);
        }
        self.state = self.state_now();
    }

    /// The case's results, or a finished stage's, wait at the pickup window.
    pub fn results_wait(&self) -> bool {
        self.state == CaseState::Approved
            || (self.bundle.as_ref()).is_some_and(|b| b.stage_to_hand_over().is_some())
    }

    /// For a bundle, sends the first stage's tasks to their departments.
    pub fn open_first_stage(&mut self, today: NaiveDate) {
        if let Some(b) = &mut self.bundle {
            b.open_stage(0, today);
        }
    }

    /// Records a finished stage's results handed over before the case's
    /// last: who collected them is kept as a commitment only.
    ///
    /// # Errors
    /// `CaseWrongState` when no stage's results wait; `InvalidApplicant`
    /// when the case's personal data was erased.
    pub fn hand_over_stage(&mut self, handover: Handover) -> Result<(), QueueError> {
        let salt = self.applicant.salt.clone();
        let state = self.state;
        let bundle = self
            .bundle
            .as_mut()
            .ok_or(QueueError::CaseWrongState(state))?;
        let stage = bundle
            .stage_to_hand_over()
            .ok_or(QueueError::CaseWrongState(state))?;
        let collected_by = match (handover.collected_by, salt) {
            (Some(mut who), Some(salt)) => {
                who.seal(&salt, Field::CollectedBy);
                who.commitment()
            }
            (Some(_), None) => {
                return Err(QueueError::InvalidApplicant(
                    "该办件的申请人个人信息已删除".into(),
                ));
            }
            (None, _) => None,
        };
        bundle.stages[stage].handed_over = Some(StageHandover {
            collected_by,
            tracking: handover.tracking,
            by: handover.by,
            at: handover.at,
        });
        Ok(())
    }

    /// A bundle's state while its stages run: in correction while any task
    /// of the open stage waits for one, waiting to be claimed while none of
    /// them was, in review otherwise.
    pub fn state_now(&self) -> CaseState {
        let Some(stage) = self
            .bundle
            .as_ref()
            .and_then(|b| Some(&b.stages[b.current()?]))
        else {
            return self.state;
        };
        if stage.tasks.iter().any(|t| t.state == TaskState::Correction) {
            CaseState::Correction
        } else if stage.tasks.iter().all(|t| t.state == TaskState::Accepted) {
            CaseState::Accepted
        } else {
            CaseState::InReview
        }
    }
}

/// A case's personal values and their salt, as the store keeps them apart
/// from the log: one record per case, deleted when they are erased.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonalRecord {
    pub salt: Salt,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: Option<String>,
    pub collected_by: Option<String>,
}

impl std::fmt::Debug for PersonalRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalRecord(<redacted>)")
    }
}

/// The commitments of one case's personal values: what the log records
/// when values an older yimen held in the clear are sealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSeals {
    pub number: String,
    pub name: Commitment,
    pub id_number: Commitment,
    pub phone: Commitment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Commitment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<Commitment>,
}

impl Case {
    /// The mailing address and who collected the result, where the case
    /// has them: the personal values beside the applicant's.
    fn other_personal_mut(&mut self) -> Vec<(Field, &mut Personal<String>)> {
        let mut fields = Vec::new();
        if let Some(address) = self.delivery.address_mut() {
            fields.push((Field::Address, address));
        }
        if let Some(who) = self.handover.as_mut().and_then(|h| h.collected_by.as_mut()) {
            fields.push((Field::CollectedBy, who));
        }
        fields
    }

    fn collected_by(&self) -> Option<&Personal<String>> {
        self.handover.as_ref().and_then(|h| h.collected_by.as_ref())
    }

    /// Whether any personal value is held in the clear: a case an older
    /// yimen recorded, or one not yet sealed.
    pub fn has_clear_personal(&self) -> bool {
        let a = &self.applicant;
        a.name.is_clear()
            || a.id_number.is_clear()
            || a.phone.is_clear()
            || self.delivery.address().is_some_and(Personal::is_clear)
            || self.collected_by().is_some_and(Personal::is_clear)
    }

    /// Seals every personal value still in the clear under the case's salt.
    ///
    /// # Errors
    /// `InvalidApplicant` when a value is in the clear and the salt is gone:
    /// the case's personal data was erased, and no new value joins it.
    pub fn seal_personal(&mut self) -> Result<(), QueueError> {
        let Some(salt) = self.applicant.salt.clone() else {
            return match self.has_clear_personal() {
                true => Err(QueueError::InvalidApplicant(
                    "该办件的申请人个人信息已删除".into(),
                )),
                false => Ok(()),
            };
        };
        self.applicant.seal();
        for (field, value) in self.other_personal_mut() {
            value.seal(&salt, field);
        }
        Ok(())
    }

    /// The personal values and their salt, while they are held.
    pub fn personal_record(&self) -> Option<PersonalRecord> {
        let a = &self.applicant;
        let text = |p: Option<&Personal<String>>| p.and_then(|p| p.value().cloned());
        Some(PersonalRecord {
            salt: a.salt.clone()?,
            name: a.name.value()?.clone(),
            id_number: a.id_number.value()?.as_str().to_owned(),
            phone: a.phone.value()?.clone(),
            address: text(self.delivery.address()),
            collected_by: text(self.collected_by()),
        })
    }

    /// Puts back the values the store kept apart.
    ///
    /// # Errors
    /// The first field whose value does not open its commitment, or that
    /// the record has and the case does not (or the other way round); the
    /// case is then left without values.
    pub fn join_personal(&mut self, record: PersonalRecord) -> Result<(), Field> {
        let salt = record.salt.clone();
        let id_opens = IdNumber::parse(&record.id_number)
            .is_ok_and(|id| self.applicant.id_number.join(&salt, Field::IdNumber, id));
        let mut problem = (!id_opens).then_some(Field::IdNumber);
        let a = &mut self.applicant;
        for (field, personal, value) in [
            (Field::Name, &mut a.name, record.name),
            (Field::Phone, &mut a.phone, record.phone),
        ] {
            if !personal.join(&salt, field, value) {
                problem = problem.or(Some(field));
            }
        }
        let mut offered = [
            (Field::Address, record.address),
            (Field::CollectedBy, record.collected_by),
        ];
        for (field, personal) in self.other_personal_mut() {
            let value = offered
                .iter_mut()
                .find(|(f, _)| *f == field)
                .and_then(|(_, v)| v.take());
            if !value.is_some_and(|v| personal.join(&salt, field, v)) {
                problem = problem.or(Some(field));
            }
        }
        if let Some((field, _)) = offered.iter().find(|(_, v)| v.is_some()) {
            problem = problem.or(Some(*field));
        }
        match problem {
            Some(field) => {
                self.erase_personal();
                Err(field)
            }
            None => {
                self.applicant.salt = Some(salt);
                Ok(())
            }
        }
    }

    /// Forgets every personal value and the salt; the commitments stay.
    pub fn erase_personal(&mut self) {
        self.applicant.erase();
        for (_, value) in self.other_personal_mut() {
            value.erase();
        }
    }

    /// The commitments of the case's personal values, once all are sealed.
    pub fn seals(&self) -> Option<CaseSeals> {
        let a = &self.applicant;
        let sealed = |p: Option<&Personal<String>>| match p {
            None => Some(None),
            Some(p) => p.commitment().map(Some),
        };
        Some(CaseSeals {
            number: self.number.clone(),
            name: a.name.commitment()?,
            id_number: a.id_number.commitment()?,
            phone: a.phone.commitment()?,
            address: sealed(self.delivery.address())?,
            collected_by: sealed(self.collected_by())?,
        })
    }

    /// Takes the commitments the log recorded for this case's values, as a
    /// copy read from the log holds them: without the values.
    pub fn apply_seals(&mut self, seals: &CaseSeals) {
        let a = &mut self.applicant;
        a.name = Personal::sealed(seals.name);
        a.id_number = Personal::sealed(seals.id_number);
        a.phone = Personal::sealed(seals.phone);
        a.salt = None;
        for (field, value) in self.other_personal_mut() {
            let commitment = match field {
                Field::Address => seals.address,
                _ => seals.collected_by,
            };
            if let Some(c) = commitment {
                *value = Personal::sealed(c);
            }
        }
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
    /// A bundle's next stage opened: its tasks reached their departments.
    StageOpened,
    /// The stage's lead department overruled a task's rejection.
    Overruled,
    /// A finished stage's results were handed over or mailed before the last.
    StageHandedOver,
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
            CaseAction::StageOpened => "case_stage_opened",
            CaseAction::Overruled => "case_overruled",
            CaseAction::StageHandedOver => "case_stage_handed_over",
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
