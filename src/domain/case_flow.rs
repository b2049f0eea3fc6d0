//! The case workflow's decisions: 前台综合受理、后台分类审批、统一窗口出件.
//! Each checks who asks and in what state the case is, and returns the case
//! as it becomes; nothing here changes the hall.

use chrono::NaiveDate;

use super::applicant::{Applicant, SealedApplicant};
use super::bundle::{CaseBundle, Desk, Review, Settled, TaskState};
use super::case::{
    Case, CaseAction, CaseState, Correction, Decision, Delivery, DeskStamp, ExcludedTime,
    Extension, Handover, MaterialCheck, Raised, case_number,
};
use super::deadline::{Card, CaseClock, DaySpan, card, due_date, working_days_between};
use super::error::QueueError;
use super::event::HallEvent;
use super::guide::Guide;
use super::hall::Hall;
use super::ids::{CounterNo, StaffId, Timestamp};
use super::personal::{Personal, Salt};
use super::policy::{CaseAct, CounterAct};
use super::queue::reason_text;
use super::setup::StaffSetup;

/// Longest extension a supervisor may grant at once, in working days.
const MAX_EXTENSION_DAYS: u32 = 60;
/// Longest list of corrections or materials taken.
const MAX_ITEMS: usize = 30;
/// Furthest, in calendar days, the end of excluded time may lie after its
/// start and after today: a typed year 9999 is refused, not counted.
pub const MAX_EXCLUDED_DAYS: u32 = 366;
/// Spans of excluded time one case may carry.
pub const MAX_EXCLUDED_SPANS: usize = 10;
/// Longest note on excluded time, in characters.
const MAX_NOTE_CHARS: usize = 200;

/// What the clerk decides at intake.
#[derive(Clone, Debug, PartialEq)]
pub enum Intake {
    /// 受理: everything required is there.
    Accept,
    /// 一次性告知: something required is missing.
    Notice,
    /// 不予受理, with the reason.
    Refuse(String),
}

/// The three ways an intake can end, as the clerk's buttons offer them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntakeChoice {
    Accept,
    Notice,
    Refuse,
}

impl IntakeChoice {
    /// Whether the choice fits the materials as ticked: acceptance only with
    /// every required material received, a one-time notice only with one
    /// missing; a refusal always (its reason is the clerk's).
    pub fn fits(self, materials: &[MaterialCheck]) -> bool {
        let complete = materials.iter().all(|m| m.received || !m.required);
        match self {
            IntakeChoice::Accept => complete,
            IntakeChoice::Notice => !complete,
            IntakeChoice::Refuse => true,
        }
    }
}

/// A material as the clerk ticked it: by the guide's name.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticked {
    pub name: String,
    pub received: bool,
    pub note: Option<String>,
}

/// What a case is opened with.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseInput {
    pub applicant: Applicant,
    /// Random bytes to seal the case's personal values with.
    pub salt: Salt,
    pub materials: Vec<Ticked>,
    pub delivery: Delivery,
}

fn case_event(action: CaseAction, case: Case, at: Timestamp) -> Vec<HallEvent> {
    vec![desk_event(action, case, Desk::Case, at)]
}

/// The event of a step at `desk`, naming the task's department for a bundle.
fn desk_event(action: CaseAction, case: Case, desk: Desk, at: Timestamp) -> HallEvent {
    let task = (case.bundle.as_ref())
        .and_then(|b| b.task(desk))
        .map(|t| t.department.clone());
    HallEvent::Case {
        action,
        case: Box::new(case),
        task,
        at,
    }
}

/// The events of a step at `desk`, and of what it set off in a bundle: the
/// next stage opening, or the case approved or rejected. Each carries the
/// case as it is after all of them.
fn step_events(
    action: CaseAction,
    mut case: Case,
    desk: Desk,
    by: &StaffId,
    today: NaiveDate,
    now: Timestamp,
) -> Vec<HallEvent> {
    let settled = match case.bundle.as_mut() {
        Some(b) if desk != Desk::Case => b.settle(today),
        _ => Settled::Nothing,
    };
    let follow = match settled {
        Settled::Nothing => None,
        Settled::StageOpened => Some(CaseAction::StageOpened),
        Settled::Approved => {
            case.review.decision = Some(Decision {
                approved: true,
                reason: String::new(),
                by: by.clone(),
                at: now,
            });
            Some(CaseAction::Approved)
        }
        Settled::Rejected => {
            let task = case.bundle.as_ref().and_then(|b| b.task(desk));
            case.review.decision = task.and_then(|t| t.review.decision.clone());
            case.finished_on = Some(today);
            Some(CaseAction::Rejected)
        }
    };
    case.state = match settled {
        Settled::Approved => CaseState::Approved,
        Settled::Rejected => CaseState::Rejected,
        _ => case.state_now(),
    };
    let mut events = vec![desk_event(action, case.clone(), desk, now)];
    events.extend(follow.map(|a| desk_event(a, case, Desk::Case, now)));
    events
}

impl Hall {
    pub(super) fn member(&self, staff: &StaffId) -> Result<&StaffSetup, QueueError> {
        self.setup
            .staff_member(staff)
            .ok_or_else(|| QueueError::UnknownStaff(staff.clone()))
    }

    fn today(&self, now: Timestamp) -> NaiveDate {
        self.setup.day_rule.day_of(now)
    }

    pub fn case(&self, number: &str) -> Option<&Case> {
        self.cases.get(number)
    }

    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.cases.values()
    }

    fn next_case_number(&self, today: NaiveDate) -> String {
        let seq = match self.case_seq {
            (day, seq) if day == today => seq + 1,
            _ => 1,
        };
        case_number(today, seq)
    }

    /// Opens a case for the citizen the clerk is serving: accepted, a
    /// one-time notice of what is missing, or refused.
    ///
    /// # Errors
    /// Not an intake clerk at this counter, no citizen being served, a
    /// material the guide does not list, or an intake that does not fit the
    /// materials (acceptance with something missing, a notice with nothing).
    pub fn open_case(
        &self,
        guide: &Guide,
        staff: &StaffId,
        counter: CounterNo,
        input: CaseInput,
        intake: Intake,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        self.may_at_counter(counter, staff, CounterAct::OpenCase)?;
        let serving = self
            .current_for(counter)
            .ok_or(QueueError::NotServing(counter))?;
        if let Some(address) = input.delivery.address().and_then(Personal::value) {
            reason_text(address)
                .map_err(|_| QueueError::InvalidApplicant("邮寄地址应为 1 至 100 个字".into()))?;
        }
        let materials = self.check_materials(guide, &input.materials)?;
        let today = self.today(now);
        let mut case = Case {
            number: self.next_case_number(today),
            service: guide.code.clone(),
            department: guide.department.clone(),
            applicant: SealedApplicant::new(input.applicant, input.salt),
            materials,
            delivery: input.delivery,
            state: CaseState::Accepted,
            opened: DeskStamp {
                staff: staff.clone(),
                counter,
                at: now,
            },
            ticket: Some(serving.id.clone()),
            promised_days: guide.promised_days,
            accepted_on: Some(today),
            refusal: None,
            review: Review::default(),
            handover: None,
            raised: Raised::default(),
            rated: false,
            finished_on: None,
            bundle: guide.bundle.as_ref().map(CaseBundle::new),
        };
        match intake {
            Intake::Accept if !IntakeChoice::Accept.fits(&case.materials) => {
                return Err(QueueError::MaterialsMissing(
                    case.missing().map(|m| m.name.clone()).collect(),
                ));
            }
            Intake::Accept => case.open_first_stage(today),
            Intake::Notice if !IntakeChoice::Notice.fits(&case.materials) => {
                return Err(QueueError::NothingMissing);
            }
            Intake::Notice => {
                case.state = CaseState::AwaitingMaterials;
                case.accepted_on = None;
            }
            Intake::Refuse(reason) => {
                case.refusal = Some(reason_text(&reason)?);
                case.state = CaseState::Refused;
                case.accepted_on = None;
                case.finished_on = Some(today);
            }
        }
        case.seal_personal()?;
        Ok(case_event(CaseAction::Opened, case, now))
    }

    /// The guide's list, ticked as the clerk did; unknown names are refused.
    fn check_materials(
        &self,
        guide: &Guide,
        ticked: &[Ticked],
    ) -> Result<Vec<MaterialCheck>, QueueError> {
        if ticked.len() > MAX_ITEMS {
            return Err(QueueError::TooManyItems(MAX_ITEMS));
        }
        if let Some(t) = ticked
            .iter()
            .find(|t| !guide.materials.iter().any(|m| m.name == t.name))
        {
            return Err(QueueError::UnknownMaterial(t.name.clone()));
        }
        guide
            .materials
            .iter()
            .map(|m| {
                let t = ticked.iter().find(|t| t.name == m.name);
                let note = match t.and_then(|t| t.note.as_deref()) {
                    Some(n) if !n.trim().is_empty() => Some(reason_text(n)?),
                    _ => m.notes.clone(),
                };
                Ok(MaterialCheck {
                    name: m.name.clone(),
                    required: m.required,
                    received: t.is_some_and(|t| t.received),
                    originals: m.originals,
                    copies: m.copies,
                    note,
                })
            })
            .collect()
    }

    /// The citizen brought more of what was missing; with everything
    /// required, the case is accepted and its clock starts.
    ///
    /// # Errors
    /// Not an intake clerk at this counter, the case not awaiting
    /// materials, a name not on its list.
    pub fn receive_materials(
        &self,
        number: &str,
        staff: &StaffId,
        counter: Option<CounterNo>,
        received: &[String],
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let mut case = self
            .may_on_case(number, staff, counter, CaseAct::ReceiveMaterials)?
            .0
            .clone();
        for name in received {
            let m = case
                .materials
                .iter_mut()
                .find(|m| &m.name == name)
                .ok_or_else(|| QueueError::UnknownMaterial(name.clone()))?;
            m.received = true;
        }
        if case.missing().next().is_none() {
            case.state = CaseState::Accepted;
            case.accepted_on = Some(self.today(now));
            case.open_first_stage(self.today(now));
        }
        Ok(case_event(CaseAction::MaterialsReceived, case, now))
    }

    /// A reviewer of the department takes an accepted case; for a bundle,
    /// their department's task.
    ///
    /// # Errors
    /// Not a reviewer of its department, or not waiting to be claimed.
    pub fn claim(
        &self,
        number: &str,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::Claim)?;
        let (mut case, today) = (case.clone(), self.today(now));
        if let Some(review) = case.review_at_mut(desk) {
            review.reviewer = Some(staff.clone());
            review.claimed_on = Some(today);
        }
        case.set_state_at(desk, CaseState::InReview, today);
        Ok(step_events(
            CaseAction::Claimed,
            case,
            desk,
            staff,
            today,
            now,
        ))
    }

    /// Approves (to pickup or mail) or rejects, with a reason; for a
    /// bundle's task, and what that sets off.
    ///
    /// # Errors
    /// Not the reviewer who claimed it, not in review, no reason to reject.
    pub fn decide(
        &self,
        number: &str,
        staff: &StaffId,
        approve: bool,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::Decide)?;
        let (mut case, today) = (case.clone(), self.today(now));
        let reason = if approve && reason.trim().is_empty() {
            String::new()
        } else {
            reason_text(reason)?
        };
        if let Some(review) = case.review_at_mut(desk) {
            review.decision = Some(Decision {
                approved: approve,
                reason,
                by: staff.clone(),
                at: now,
            });
        }
        let (state, action) = if approve {
            (CaseState::Approved, CaseAction::Approved)
        } else {
            (CaseState::Rejected, CaseAction::Rejected)
        };
        case.set_state_at(desk, state, today);
        if desk == Desk::Case && !approve {
            case.finished_on = Some(today);
        }
        Ok(step_events(action, case, desk, staff, today, now))
    }

    /// The lead department of a bundle's open stage upholds a task's
    /// rejection (the case ends, rejected) or overrules it after
    /// coordinating (the task counts as done), with a reason.
    ///
    /// # Errors
    /// Not a reviewer of the lead department, no rejection waiting, no reason.
    pub fn lead_decision(
        &self,
        number: &str,
        staff: &StaffId,
        overrule: bool,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::LeadDecision)?;
        let (mut case, today) = (case.clone(), self.today(now));
        let reason = reason_text(reason)?;
        let bundle = case.bundle.as_mut().ok_or(QueueError::UnknownCase)?;
        if overrule {
            if let Some(task) = bundle.task_mut(desk) {
                task.state = TaskState::Overruled;
                task.overruled = Some(Decision {
                    approved: true,
                    reason,
                    by: staff.clone(),
                    at: now,
                });
            }
            return Ok(step_events(
                CaseAction::Overruled,
                case,
                desk,
                staff,
                today,
                now,
            ));
        }
        let upheld = bundle.task(desk).and_then(|t| t.review.decision.clone());
        case.review.decision = upheld.map(|d| Decision {
            reason: format!("{}（牵头部门维持：{reason}）", d.reason),
            ..d
        });
        case.state = CaseState::Rejected;
        case.finished_on = Some(today);
        Ok(vec![desk_event(CaseAction::Rejected, case, desk, now)])
    }

    /// Sends the case (or the reviewer's task) back for correction, once,
    /// listing everything to fix; the clock stops.
    ///
    /// # Errors
    /// Not the claimer, not in review, a correction already used, no items.
    pub fn request_correction(
        &self,
        number: &str,
        staff: &StaffId,
        items: &[String],
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::RequestCorrection)?;
        if items.len() > MAX_ITEMS {
            return Err(QueueError::TooManyItems(MAX_ITEMS));
        }
        let items = items
            .iter()
            .map(|i| reason_text(i))
            .collect::<Result<Vec<_>, _>>()?;
        if items.is_empty() {
            return Err(QueueError::ReasonRequired);
        }
        let (mut case, today) = (case.clone(), self.today(now));
        if let Some(review) = case.review_at_mut(desk) {
            review.correction = Some(Correction {
                items,
                requested_on: today,
                resubmitted_on: None,
            });
        }
        case.set_state_at(desk, CaseState::Correction, today);
        Ok(vec![desk_event(
            CaseAction::CorrectionRequested,
            case,
            desk,
            now,
        )])
    }

    /// The citizen brings the corrections to the front desk; the clock runs
    /// again (for a bundle, every task that asked for one).
    ///
    /// # Errors
    /// Not an intake clerk at this counter, no correction outstanding.
    pub fn resubmit(
        &self,
        number: &str,
        staff: &StaffId,
        counter: Option<CounterNo>,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, _) = self.may_on_case(number, staff, counter, CaseAct::Resubmit)?;
        let (mut case, today) = (case.clone(), self.today(now));
        let waiting: Vec<Desk> = match &case.bundle {
            None => vec![Desk::Case],
            Some(b) => b
                .tasks()
                .filter(|(_, t)| t.state == TaskState::Correction)
                .map(|(desk, _)| desk)
                .collect(),
        };
        for desk in waiting {
            if let Some(c) = case.review_at_mut(desk).and_then(|r| r.correction.as_mut()) {
                c.resubmitted_on = Some(today);
            }
            case.set_state_at(desk, CaseState::InReview, today);
        }
        Ok(case_event(CaseAction::Resubmitted, case, now))
    }

    /// The claimer asks for more time; a supervisor decides.
    ///
    /// # Errors
    /// Not the claimer, not in review, one already pending, days out of range.
    pub fn request_extension(
        &self,
        number: &str,
        staff: &StaffId,
        days: u32,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::RequestExtension)?;
        if !(1..=MAX_EXTENSION_DAYS).contains(&days) {
            return Err(QueueError::BadDays(MAX_EXTENSION_DAYS));
        }
        let mut case = case.clone();
        let extension = Extension {
            days,
            reason: reason_text(reason)?,
            requested_by: staff.clone(),
            approved: None,
            decided_by: None,
        };
        if let Some(review) = case.review_at_mut(desk) {
            review.extension = Some(extension);
        }
        Ok(vec![desk_event(
            CaseAction::ExtensionRequested,
            case,
            desk,
            now,
        )])
    }

    /// A supervisor approves or declines a pending extension (for a
    /// bundle, the first task's waiting).
    ///
    /// # Errors
    /// Not a supervisor, nothing pending.
    pub fn decide_extension(
        &self,
        number: &str,
        staff: &StaffId,
        approve: bool,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::DecideExtension)?;
        let mut case = case.clone();
        if let Some(e) = case.review_at_mut(desk).and_then(|r| r.extension.as_mut()) {
            e.approved = Some(approve);
            e.decided_by = Some(staff.clone());
        }
        let action = if approve {
            CaseAction::ExtensionApproved
        } else {
            CaseAction::ExtensionDeclined
        };
        Ok(vec![desk_event(action, case, desk, now)])
    }

    /// Records time that by law does not count: a hearing, an inspection, testing, expert review.
    ///
    /// # Errors
    /// Not the claimer, not in review, spans used up, days backwards or
    /// before acceptance or too far ahead, no kind, a note too long.
    pub fn exclude_time(
        &self,
        number: &str,
        staff: &StaffId,
        kind: &str,
        days: DaySpan,
        note: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (case, desk) = self.may_on_case(number, staff, None, CaseAct::ExcludeTime)?;
        let today = self.setup.day_rule.day_of(now);
        excluded_span(days, case.accepted_on, today)?;
        let note = note.trim();
        if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
            return Err(QueueError::ReasonTooLong(MAX_NOTE_CHARS));
        }
        let mut case = case.clone();
        let excluded = ExcludedTime {
            kind: reason_text(kind)?,
            days,
            note: note.to_owned(),
            by: staff.clone(),
        };
        if let Some(review) = case.review_at_mut(desk) {
            review.excluded.push(excluded);
        }
        Ok(vec![desk_event(CaseAction::TimeExcluded, case, desk, now)])
    }

    /// The pickup window hands the result over, or it goes by mail with a
    /// tracking number; the case closes. For a bundle that releases its
    /// results stage by stage, a finished stage's before the last: who
    /// collected them is kept only as a commitment.
    ///
    /// # Errors
    /// Not a pickup clerk, not approved, or the wrong delivery for what was recorded.
    pub fn hand_over(
        &self,
        number: &str,
        staff: &StaffId,
        collected_by: Option<&str>,
        tracking: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let mut case = self
            .may_on_case(number, staff, None, CaseAct::HandOver)?
            .0
            .clone();
        let handover = match (&case.delivery, collected_by, tracking) {
            (Delivery::Pickup, Some(who), None) => Handover {
                collected_by: Some(Personal::clear(reason_text(who)?)),
                tracking: None,
                by: staff.clone(),
                at: now,
            },
            (Delivery::Mail { .. }, None, Some(tracking)) => Handover {
                collected_by: None,
                tracking: Some(reason_text(tracking)?),
                by: staff.clone(),
                at: now,
            },
            _ => return Err(QueueError::WrongDelivery),
        };
        if case.state != CaseState::Approved {
            case.hand_over_stage(handover)?;
            return Ok(case_event(CaseAction::StageHandedOver, case, now));
        }
        let action = match handover.tracking {
            Some(_) => CaseAction::Mailed,
            None => CaseAction::HandedOver,
        };
        case.handover = Some(handover);
        case.state = CaseState::Closed;
        case.finished_on = Some(self.today(now));
        case.seal_personal()?;
        Ok(case_event(action, case, now))
    }

    /// Yellow and red cards, and steps past their own limits, not yet
    /// raised: for the case, and for each open task of a bundle.
    pub fn case_warnings(&self, now: Timestamp) -> Vec<HallEvent> {
        let today = self.today(now);
        let mut events = Vec::new();
        for case in self.cases.values().filter(|c| c.state.in_department()) {
            let mut case = case.clone();
            let mut raised = Vec::new();
            if let Some(action) =
                self.new_card(case.due(&self.setup.calendar), &mut case.raised, today)
            {
                raised.push((action, Desk::Case));
            }
            match case.bundle.is_some() {
                true => raised.extend(self.task_warnings(&mut case, today)),
                false => raised.extend(self.step_warnings(&mut case, today)),
            }
            // One event per warning, each carrying the case as it is after it.
            for (action, desk) in raised {
                events.push(desk_event(action, case.clone(), desk, now));
            }
        }
        events
    }

    /// The card a review due on `due` earns today, if more than `raised` says.
    fn new_card(
        &self,
        due: Option<NaiveDate>,
        raised: &mut Raised,
        today: NaiveDate,
    ) -> Option<CaseAction> {
        let now_card = card(
            &self.setup.calendar,
            today,
            due?,
            self.setup.cases.yellow_days,
        );
        if now_card <= raised.card {
            return None;
        }
        raised.card = now_card;
        Some(match now_card {
            Some(Card::Red) => CaseAction::RedCard,
            _ => CaseAction::YellowCard,
        })
    }

    /// A single case's claim and review steps past their own limits.
    fn step_warnings(&self, case: &mut Case, today: NaiveDate) -> Vec<(CaseAction, Desk)> {
        let calendar = &self.setup.calendar;
        let rules = &self.setup.cases;
        let mut actions = Vec::new();
        let past = |since: NaiveDate, limit: u32| {
            working_days_between(calendar, since, today).value > limit
        };
        if let (CaseState::Accepted, Some(accepted)) = (case.state, case.accepted_on)
            && !case.raised.claim_overdue
            && past(accepted, rules.claim_days)
        {
            case.raised.claim_overdue = true;
            actions.push((CaseAction::ClaimOverdue, Desk::Case));
        }
        if let (CaseState::InReview, Some(claimed)) = (case.state, case.review.claimed_on) {
            // The review step's own limit: the promise less the claim step,
            // from the day it was claimed, stretched like the case's clock.
            let step = CaseClock {
                accepted_on: Some(claimed),
                promised_days: case.promised_days.saturating_sub(rules.claim_days).max(1),
                ..case.clock()
            };
            let step_due = due_date(calendar, &step).value;
            if !case.raised.review_overdue && step_due.is_some_and(|due| today > due) {
                case.raised.review_overdue = true;
                actions.push((CaseAction::ReviewOverdue, Desk::Case));
            }
        }
        actions
    }

    /// A bundle's open tasks: each task's card against its own due date,
    /// and a task nobody claimed within the claim limit.
    fn task_warnings(&self, case: &mut Case, today: NaiveDate) -> Vec<(CaseAction, Desk)> {
        let calendar = &self.setup.calendar;
        let claim_days = self.setup.cases.claim_days;
        let Some(bundle) = case.bundle.as_mut() else {
            return Vec::new();
        };
        let desks: Vec<Desk> = bundle
            .tasks()
            .filter(|(_, t)| t.state.open())
            .map(|(d, _)| d)
            .collect();
        let mut actions = Vec::new();
        for desk in desks {
            let due = bundle.task_due(calendar, desk);
            let opened = match desk {
                Desk::Task { stage, .. } => bundle.stages[stage].opened_on,
                Desk::Case => None,
            };
            let Some(task) = bundle.task_mut(desk) else {
                continue;
            };
            actions.extend(
                self.new_card(due, &mut task.raised, today)
                    .map(|a| (a, desk)),
            );
            let unclaimed_since = opened.filter(|_| task.state == TaskState::Accepted);
            if let Some(since) = unclaimed_since
                && !task.raised.claim_overdue
                && working_days_between(calendar, since, today).value > claim_days
            {
                task.raised.claim_overdue = true;
                actions.push((CaseAction::ClaimOverdue, desk));
            }
        }
        actions
    }
}

/// Whether `days` may be excluded from a case accepted on `accepted` as of
/// `today`: forwards, after acceptance, and ending within
/// [`MAX_EXCLUDED_DAYS`] of both its start and today.
fn excluded_span(
    days: DaySpan,
    accepted: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), QueueError> {
    let reach = chrono::Days::new(MAX_EXCLUDED_DAYS.into());
    let within = |from: NaiveDate| {
        from.checked_add_days(reach)
            .is_some_and(|end| days.to <= end)
    };
    if days.from > days.to
        || accepted.is_some_and(|a| days.from <= a)
        || !within(days.from)
        || !within(today)
    {
        return Err(QueueError::BadSpan(MAX_EXCLUDED_DAYS));
    }
    Ok(())
}
