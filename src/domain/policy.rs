//! Who may do what now, and what they may see: the one answer that the
//! decisions check, the hub serves in its views, and every screen shows.
//!
//! An action is *allowed now* when the person's role, their place (the
//! counter they staff, the department they review for) and the state of the
//! counter or case permit it. Each decision in `queue` and `case_flow` starts
//! by asking [`Hall::may_at_counter`] or [`Hall::may_on_case`], and the views
//! list the actions for which the same functions say yes, so a button a
//! screen enables is one the hub accepts. A decision can still refuse what
//! the input makes wrong (an empty reason, a material not on the list) or
//! what someone else changed meanwhile (the last waiting ticket called at
//! another counter); neither is a rule of who may act.
//!
//! Sight: the department's reviewers, who check identity, and the pickup
//! window, which hands the result to the right person, see an applicant in
//! full; other staff see the surname and masked numbers; devices and the
//! public see no applicant at all. The pickup window reads a case only while
//! its result waits there and on the day it left. On the event stream,
//! devices and the public get the public view; each member of staff gets
//! the events of their workplace ([`event_sight`]).
//!
//! Ratings are bound to their occasion ([`Hall::may_rate`]): the clerk's
//! screen rates the ticket just finished at their counter; the citizen rates
//! their own ticket by its unguessable id, or their case by its number and
//! the last four characters of their ID number or phone; devices never rate.

use super::applicant::{Applicant, mask_address, mask_name, mask_phone};
use super::bundle::{Desk, Review};
use super::case::{Case, CaseState};
use super::case_flow::MAX_EXCLUDED_SPANS;
use super::error::QueueError;
use super::event::HallEvent;
use super::hall::{Counter, Hall};
use super::ids::{CounterNo, DayRule, StaffId, Timestamp};
use super::rating::{RatingSubject, last_finished};
use super::setup::{DeviceKind, Role, StaffSetup};
use super::ticket::{Ticket, TicketState};

/// Something a clerk does at a counter, as on a hardware caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CounterAct {
    CallNext,
    /// 指定叫号: one waiting number out of turn, with a reason.
    CallOutOfTurn,
    Recall,
    NoShow,
    Start,
    Finish,
    Transfer,
    Pause,
    Resume,
    /// 受理办件: open a case for the citizen being served.
    OpenCase,
    /// 交付结果: hand the case of the pickup ticket being served over.
    HandOver,
}

impl CounterAct {
    pub const ALL: [CounterAct; 11] = [
        CounterAct::CallNext,
        CounterAct::CallOutOfTurn,
        CounterAct::Recall,
        CounterAct::NoShow,
        CounterAct::Start,
        CounterAct::Finish,
        CounterAct::Transfer,
        CounterAct::Pause,
        CounterAct::Resume,
        CounterAct::OpenCase,
        CounterAct::HandOver,
    ];
}

/// Something staff do to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseAct {
    /// The front desk takes more of the missing materials.
    ReceiveMaterials,
    /// The front desk takes the corrections asked for.
    Resubmit,
    Claim,
    /// Approve or reject.
    Decide,
    RequestCorrection,
    RequestExtension,
    /// A supervisor approves or declines the extension asked for.
    DecideExtension,
    ExcludeTime,
    /// The pickup window hands the result over, or records its mailing.
    HandOver,
    /// A bundle stage's lead department upholds or overrules a task's
    /// rejection.
    LeadDecision,
}

impl CaseAct {
    pub const ALL: [CaseAct; 10] = [
        CaseAct::ReceiveMaterials,
        CaseAct::Resubmit,
        CaseAct::Claim,
        CaseAct::Decide,
        CaseAct::RequestCorrection,
        CaseAct::RequestExtension,
        CaseAct::DecideExtension,
        CaseAct::ExcludeTime,
        CaseAct::HandOver,
        CaseAct::LeadDecision,
    ];
}

/// How much of an applicant's personal details a reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight {
    /// Name, ID number, phone and address as given.
    Full,
    /// The surname, the ID number's first and last digits, the phone's last
    /// four, the address's first characters.
    Masked,
    /// Nothing: the applicant is not there for this reader.
    Hidden,
}

/// An applicant's details as one reader sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenApplicant {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub masked: bool,
}

impl Sight {
    /// The applicant's details as seen this way; none when hidden.
    pub fn applicant(self, a: &Applicant) -> Option<SeenApplicant> {
        match self {
            Sight::Full => Some(SeenApplicant {
                name: a.name.clone(),
                id_number: a.id_number.as_str().to_owned(),
                phone: a.phone.clone(),
                masked: false,
            }),
            Sight::Masked => Some(SeenApplicant {
                name: mask_name(&a.name),
                id_number: a.id_number.masked(),
                phone: mask_phone(&a.phone),
                masked: true,
            }),
            Sight::Hidden => None,
        }
    }

    /// A mailing address as seen this way.
    pub fn address(self, address: &str) -> Option<String> {
        match self {
            Sight::Full => Some(address.to_owned()),
            Sight::Masked => Some(mask_address(address)),
            Sight::Hidden => None,
        }
    }

    /// A person's name (the applicant's agent at pickup) as seen this way.
    pub fn name(self, name: &str) -> Option<String> {
        match self {
            Sight::Full => Some(name.to_owned()),
            Sight::Masked => Some(mask_name(name)),
            Sight::Hidden => None,
        }
    }
}

/// Who asks or reads: a staff member, a device of the hall, or anyone.
#[derive(Clone, Copy, Debug)]
pub enum Who<'a> {
    Staff(&'a StaffSetup),
    Device(DeviceKind),
    Public,
}

impl Who<'_> {
    fn role(&self) -> Option<Role> {
        match self {
            Who::Staff(member) => Some(member.role),
            Who::Device(_) | Who::Public => None,
        }
    }
}

/// How much of `case`'s applicant `who` sees.
pub fn applicant_sight(who: Who<'_>, case: &Case) -> Sight {
    match who {
        Who::Staff(member) => match member.role {
            Role::Reviewer if reviews_for(member, case) => Sight::Full,
            Role::Pickup => Sight::Full,
            _ => Sight::Masked,
        },
        Who::Device(_) | Who::Public => Sight::Hidden,
    }
}

/// Whether `who` may take a ticket: kiosks, and staff for a citizen at
/// their desk (the back office's reviewers do not meet citizens).
///
/// # Errors
/// `RoleCannot` for displays, reviewers and anyone unknown.
pub fn may_issue(who: Who<'_>) -> Result<(), QueueError> {
    match who {
        Who::Device(DeviceKind::Kiosk) => Ok(()),
        Who::Staff(m) if m.role != Role::Reviewer => Ok(()),
        _ => Err(QueueError::RoleCannot("此身份不能取号")),
    }
}

/// Whether `who` may take a green-channel (priority) ticket: staff who may
/// take tickets, who see the citizen in front of them, and a kiosk only
/// where the hall's configuration says a person stands by it
/// (`kiosk_staffed`), such as a guide desk's; a self-service kiosk never.
///
/// # Errors
/// `RoleCannot` for a self-service kiosk, and whoever may not take tickets.
pub fn may_give_priority(who: Who<'_>, kiosk_staffed: bool) -> Result<(), QueueError> {
    may_issue(who)?;
    match who {
        Who::Device(DeviceKind::Kiosk) if !kiosk_staffed => Err(QueueError::RoleCannot(
            "自助取号机不能发放绿色通道号，请到导办台或窗口办理",
        )),
        _ => Ok(()),
    }
}

/// Whether `who` may put a late citizen back in line: the kiosk the
/// citizen comes back to, or a clerk at a counter.
///
/// # Errors
/// `RoleCannot` for anyone else.
pub fn may_reactivate(who: Who<'_>) -> Result<(), QueueError> {
    match (who, who.role()) {
        (Who::Device(DeviceKind::Kiosk), _) | (_, Some(Role::Intake | Role::Pickup)) => Ok(()),
        _ => Err(QueueError::RoleCannot("此身份不能恢复过号")),
    }
}

/// Where a rating comes from: the occasion that binds it to what it rates.
#[derive(Clone, Copy, Debug)]
pub enum Occasion<'a> {
    /// A clerk's counter screen, right after serving, at the counter they
    /// are logged in at.
    Counter {
        member: &'a StaffSetup,
        counter: Option<CounterNo>,
    },
    /// The citizen, with no credential: the phone behind a ticket's QR, or
    /// a case's number with `last_four`, the last four characters of the
    /// applicant's ID number or phone.
    Citizen { last_four: Option<&'a str> },
    /// A kiosk's or display's key.
    Device(DeviceKind),
}

impl Hall {
    /// Whether a rating of `subject` may come from `occasion`: a clerk rates
    /// only the ticket finished last at their counter today (as the keypad
    /// does, [`super::rating::ticket_to_rate`]); a citizen rates a ticket
    /// by its id, which is the secret, and a case by its number with the
    /// last four characters of the applicant's ID number or phone; devices
    /// and the back office never rate.
    ///
    /// # Errors
    /// `RoleCannot` for devices, the back office, a clerk rating anything
    /// but their counter's last ticket; `ProofMismatch` for a citizen's
    /// case unknown or without the right last four; `AlreadyRated`.
    pub fn may_rate(
        &self,
        occasion: Occasion<'_>,
        subject: &RatingSubject,
    ) -> Result<(), QueueError> {
        match (occasion, subject) {
            (Occasion::Device(_), _) => Err(QueueError::RoleCannot(
                "评价由办事群众在窗口评价器、窗口屏幕或手机上作出",
            )),
            (Occasion::Counter { member, .. }, _)
                if !matches!(member.role, Role::Intake | Role::Pickup) =>
            {
                Err(QueueError::RoleCannot(
                    "评价由办事群众在窗口评价器、窗口屏幕或手机上作出",
                ))
            }
            (Occasion::Counter { counter, .. }, RatingSubject::Ticket(id)) => {
                match counter.and_then(|c| last_finished(self, c)) {
                    Some(last) if last.id == *id && last.rated => Err(QueueError::AlreadyRated),
                    Some(last) if last.id == *id => Ok(()),
                    _ => Err(QueueError::RoleCannot("窗口只能评价本窗口刚办结的号")),
                }
            }
            (Occasion::Counter { .. }, RatingSubject::Case(_)) => Err(QueueError::RoleCannot(
                "办件由办事群众凭办件编号和证件号码或手机号后四位评价",
            )),
            (Occasion::Citizen { .. }, RatingSubject::Ticket(_)) => Ok(()),
            // An unknown number is told as a wrong proof is: a citizen
            // never learns whether a case exists without proving it theirs.
            (Occasion::Citizen { last_four }, RatingSubject::Case(number)) => {
                match (self.cases.get(number), last_four) {
                    (Some(case), Some(four)) if proves_applicant(case, four) => Ok(()),
                    _ => Err(QueueError::ProofMismatch),
                }
            }
        }
    }
}

/// Whether `four` are the last four characters of the case's applicant's ID
/// number or phone (an `x` taken as `X`); never once they are erased.
pub fn proves_applicant(case: &Case, four: &str) -> bool {
    let four = four.trim().to_ascii_uppercase();
    let ends = |text: &str| text.len() >= 4 && text.ends_with(&four);
    let id_number = case.applicant.id_number.value().map(AsRef::as_ref);
    let phone = case.applicant.phone.value().map(String::as_str);
    four.chars().count() == 4 && (id_number.is_some_and(ends) || phone.is_some_and(ends))
}

/// Whether `member` may close a bad review's rectification: supervisors.
///
/// # Errors
/// `RoleCannot` for anyone else.
pub fn may_close_rectification(member: &StaffSetup) -> Result<(), QueueError> {
    match member.role {
        Role::Supervisor => Ok(()),
        _ => Err(QueueError::RoleCannot("只有监督人员可以办结差评整改")),
    }
}

/// Where a staff member works: the counter terminal, a department's inbox,
/// or the supervision of the whole hall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workplace {
    Counter,
    Inbox,
    Supervision,
}

pub fn workplace(role: Role) -> Workplace {
    match role {
        Role::Intake | Role::Pickup => Workplace::Counter,
        Role::Reviewer => Workplace::Inbox,
        Role::Supervisor | Role::Admin => Workplace::Supervision,
    }
}

/// A reviewer of the case's department; for a bundle, of a department
/// with a task in a stage that has opened, or leading one.
fn reviews_for(member: &StaffSetup, case: &Case) -> bool {
    let Some(department) = member.department.as_deref() else {
        return false;
    };
    member.role == Role::Reviewer
        && match &case.bundle {
            Some(b) => b.involves(department),
            None => department == case.department,
        }
}

/// A reviewer's own work on `case`: a single case of their department
/// while its clock runs; a bundle's task of theirs in the stage open now,
/// or a rejection waiting for them as the stage's lead.
fn reviewer_has_work(member: &StaffSetup, case: &Case) -> bool {
    let (Some(bundle), Some(department)) = (&case.bundle, member.department.as_deref()) else {
        return reviews_for(member, case) && case.state.in_department();
    };
    let own_task = (bundle.desk_of(department))
        .and_then(|desk| bundle.task(desk))
        .is_some_and(|t| t.state.open());
    let to_decide = bundle.awaiting_lead().is_some() && bundle.lead() == Some(department);
    member.role == Role::Reviewer && case.state.in_department() && (own_task || to_decide)
}

/// Whether `member` may read `case` as of `now`: a reviewer reads only
/// their department's cases; the pickup window reads a case while its
/// result waits there (approved) and on the business day it was handed
/// over or mailed, not by walking the numbers; everyone else on the staff
/// reads any.
///
/// # Errors
/// `NotYourDepartment` for a reviewer of another department; `RoleCannot`
/// for the pickup window outside those times.
pub fn may_read_case(
    member: &StaffSetup,
    case: &Case,
    rule: &DayRule,
    now: Timestamp,
) -> Result<(), QueueError> {
    match member.role {
        Role::Reviewer if !reviews_for(member, case) => Err(QueueError::NotYourDepartment),
        Role::Pickup => {
            let left_today =
                (case.handover.as_ref()).is_some_and(|h| rule.day_of(h.at) == rule.day_of(now));
            if case.results_wait() || left_today {
                Ok(())
            } else {
                Err(QueueError::RoleCannot(
                    "统一出件窗口只能查看待领取和当日交付的办件",
                ))
            }
        }
        _ => Ok(()),
    }
}

/// Whether `case` belongs on `member`'s worklist: a reviewer's department
/// inbox while its clock runs, the pickup window's results to hand over, the
/// front desk's cases waiting for the citizen to come back, and everything
/// not final for supervisors.
pub fn on_worklist(member: &StaffSetup, case: &Case) -> bool {
    match member.role {
        Role::Reviewer => reviewer_has_work(member, case),
        Role::Pickup => case.results_wait(),
        Role::Intake => matches!(
            case.state,
            CaseState::AwaitingMaterials | CaseState::Correction
        ),
        Role::Supervisor | Role::Admin => !case.state.is_final(),
    }
}

/// Whether `who` may watch the hall: cards, extensions, bad reviews and
/// the rating counts.
///
/// # Errors
/// `RoleCannot` for anyone but supervisors and admins.
pub fn may_supervise(who: Who<'_>) -> Result<(), QueueError> {
    match who.role() {
        Some(Role::Supervisor | Role::Admin) => Ok(()),
        _ => Err(QueueError::RoleCannot("只有监督人员可以查看")),
    }
}

/// How much of an event on the stream a member of staff sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventSight {
    /// Not sent to them.
    Hidden,
    /// Sent without the notes a clerk writes about a citizen at a counter:
    /// why a number was called out of turn or sent elsewhere.
    WithoutNotes,
    /// Sent as it is.
    Full,
}

/// How much of `event` `member` sees on the stream: what their workplace
/// needs. The counters follow the tickets, the counters, the logins and the
/// devices, without the clerks' notes; supervision follows everything,
/// notes, failed logins, ratings and erasures included; a department's inbox follows
/// only its cases. A case's event goes to whoever may read the case then
/// ([`may_read_case`]); the day's turn goes to everyone.
pub fn event_sight(member: &StaffSetup, event: &HallEvent, rule: &DayRule) -> EventSight {
    use HallEvent as E;
    let place = workplace(member.role);
    let shown = |yes: bool| {
        if yes {
            EventSight::Full
        } else {
            EventSight::Hidden
        }
    };
    match event {
        E::TicketCalled { .. } | E::TicketTransferred { .. } => match place {
            Workplace::Supervision => EventSight::Full,
            Workplace::Counter => EventSight::WithoutNotes,
            Workplace::Inbox => EventSight::Hidden,
        },
        E::TicketIssued { .. }
        | E::TicketRecalled { .. }
        | E::TicketNoShow { .. }
        | E::TicketReactivated { .. }
        | E::TicketStarted { .. }
        | E::TicketFinished { .. }
        | E::CounterPaused { .. }
        | E::CounterResumed { .. }
        | E::StaffLoggedIn { .. }
        | E::StaffLoggedOut { .. }
        | E::DeviceAlert { .. } => shown(place != Workplace::Inbox),
        E::StaffLoginFailed { .. }
        | E::Rated { .. }
        | E::RectificationOpened { .. }
        | E::RectificationClosed { .. }
        | E::PersonalDataSealed { .. }
        | E::PersonalDataErased { .. }
        | E::StaffUnlocked { .. }
        | E::StaffPinChanged { .. }
        | E::BookingMade { .. }
        | E::BookingCancelled { .. }
        | E::BookingCheckedIn { .. }
        | E::BookingsMissed { .. } => shown(place == Workplace::Supervision),
        E::Case { case, at, .. } => shown(may_read_case(member, case, rule, *at).is_ok()),
        E::DayRolledOver { .. } => EventSight::Full,
    }
}

/// Whether `who` may lift the lock wrong PINs put on a staff id: a
/// supervisor, who knows the clerk and can tell a typo from an attack.
///
/// # Errors
/// `RoleCannot` for anyone else, devices included.
pub fn may_unlock_staff(who: Who<'_>) -> Result<(), QueueError> {
    match who.role() {
        Some(Role::Supervisor) => Ok(()),
        _ => Err(QueueError::RoleCannot("只有监督人员可以解除工号锁定")),
    }
}

impl Hall {
    /// Whether `staff` may do `act` at `counter` now.
    ///
    /// # Errors
    /// Why not: not their counter, paused, a ticket still there or none,
    /// the ticket in the wrong state, too few recalls, the wrong role.
    pub fn may_at_counter(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        act: CounterAct,
    ) -> Result<(), QueueError> {
        if !matches!(self.member(staff)?.role, Role::Intake | Role::Pickup) {
            return Err(QueueError::RoleCannot("只有窗口工作人员可以叫号"));
        }
        let c = self.staffed_counter(counter, staff)?;
        let current = c.current.as_ref().and_then(|id| self.tickets.get(id));
        match act {
            CounterAct::CallNext | CounterAct::CallOutOfTurn | CounterAct::Pause => {
                free_counter(c, current)
            }
            CounterAct::Resume => match c.pause {
                Some(_) => Ok(()),
                None => Err(QueueError::CounterNotPaused(counter)),
            },
            CounterAct::Recall | CounterAct::Start => {
                ticket_in(c, current, &[TicketState::Called]).map(|_| ())
            }
            CounterAct::NoShow => {
                let t = ticket_in(c, current, &[TicketState::Called])?;
                let needed = self.setup.rules.recalls_before_no_show;
                match needed.checked_sub(t.recalls) {
                    Some(remaining) if remaining > 0 => Err(QueueError::RecallsNeeded {
                        number: t.number,
                        remaining,
                    }),
                    _ => Ok(()),
                }
            }
            CounterAct::Finish => ticket_in(c, current, &[TicketState::Serving]).map(|_| ()),
            CounterAct::Transfer => {
                ticket_in(c, current, &[TicketState::Called, TicketState::Serving]).map(|_| ())
            }
            CounterAct::OpenCase => {
                self.role_is(staff, Role::Intake, "只有综合受理窗口可以办理受理")?;
                serving(c, current).map(|_| ())
            }
            CounterAct::HandOver => {
                self.role_is(staff, Role::Pickup, "只有统一出件窗口可以交付办理结果")?;
                match serving(c, current)? {
                    Ticket { case: Some(_), .. } => Ok(()),
                    _ => Err(QueueError::NotServing(counter)),
                }
            }
        }
    }

    /// What `staff` may do at `counter` now, in the order of the buttons.
    pub fn counter_acts(&self, counter: CounterNo, staff: &StaffId) -> Vec<CounterAct> {
        CounterAct::ALL
            .into_iter()
            .filter(|act| self.may_at_counter(counter, staff, *act).is_ok())
            .collect()
    }

    /// Whether `staff`, at `counter` if they staff one, may do `act` to the
    /// case numbered `number` now.
    ///
    /// # Errors
    /// Why not: the wrong role or department, not the claimer, not their
    /// counter, the case in the wrong state, a correction or extension used.
    pub fn may_on_case(
        &self,
        number: &str,
        staff: &StaffId,
        counter: Option<CounterNo>,
        act: CaseAct,
    ) -> Result<(&Case, Desk), QueueError> {
        let case = self.cases.get(number).ok_or(QueueError::UnknownCase)?;
        let member = self.member(staff)?;
        let desk = match act {
            CaseAct::ReceiveMaterials => {
                self.front_desk(member, counter)?;
                in_state(case, Desk::Case, CaseState::AwaitingMaterials)?
            }
            CaseAct::Resubmit => {
                self.front_desk(member, counter)?;
                in_state(case, Desk::Case, CaseState::Correction)?
            }
            CaseAct::Claim => in_state(case, reviewer_desk(member, case)?, CaseState::Accepted)?,
            CaseAct::Decide => claimer_desk(member, case)?,
            CaseAct::ExcludeTime => {
                let desk = claimer_desk(member, case)?;
                if review(case, desk).excluded.len() >= MAX_EXCLUDED_SPANS {
                    return Err(QueueError::TooManySpans(MAX_EXCLUDED_SPANS));
                }
                desk
            }
            CaseAct::RequestCorrection => {
                let desk = claimer_desk(member, case)?;
                match review(case, desk).correction {
                    Some(_) => return Err(QueueError::CorrectionUsed),
                    None => desk,
                }
            }
            CaseAct::RequestExtension => {
                let desk = claimer_desk(member, case)?;
                match review(case, desk).extension.as_ref().map(|e| e.approved) {
                    Some(None) => return Err(QueueError::ExtensionPending),
                    Some(Some(true)) => return Err(QueueError::ExtensionUsed),
                    Some(Some(false)) | None => desk,
                }
            }
            CaseAct::DecideExtension => {
                if member.role != Role::Supervisor {
                    return Err(QueueError::RoleCannot("延期须经监督人员批准"));
                }
                pending_extension(case).ok_or(QueueError::NoExtensionPending)?
            }
            CaseAct::HandOver => {
                if member.role != Role::Pickup {
                    return Err(QueueError::RoleCannot("只有统一出件窗口可以交付办理结果"));
                }
                if !case.results_wait() {
                    return Err(QueueError::CaseWrongState(case.state));
                }
                Desk::Case
            }
            CaseAct::LeadDecision => lead_desk(member, case)?,
        };
        Ok((case, desk))
    }

    /// What `staff`, at `counter` if they staff one, may do to `case` now.
    pub fn case_acts(
        &self,
        case: &Case,
        staff: &StaffId,
        counter: Option<CounterNo>,
    ) -> Vec<CaseAct> {
        CaseAct::ALL
            .into_iter()
            .filter(|act| (self.may_on_case(&case.number, staff, counter, *act)).is_ok())
            .collect()
    }

    /// The counter `staff` is logged in at, checked to be theirs.
    pub(super) fn staffed_counter(
        &self,
        counter: CounterNo,
        staff: &StaffId,
    ) -> Result<&Counter, QueueError> {
        let c = self
            .counters
            .get(&counter)
            .ok_or(QueueError::UnknownCounter(counter))?;
        match &c.staff {
            Some(s) if s == staff => Ok(c),
            Some(_) | None => Err(QueueError::NotYourCounter(counter)),
        }
    }

    /// An intake clerk logged in at `counter`.
    fn front_desk(
        &self,
        member: &StaffSetup,
        counter: Option<CounterNo>,
    ) -> Result<(), QueueError> {
        if member.role != Role::Intake {
            return Err(QueueError::RoleCannot("只有综合受理窗口可以办理受理"));
        }
        let counter = counter.ok_or(QueueError::RoleCannot("请先在综合受理窗口登录"))?;
        self.staffed_counter(counter, &member.id).map(|_| ())
    }

    fn role_is(&self, staff: &StaffId, role: Role, why: &'static str) -> Result<(), QueueError> {
        if self.member(staff)?.role == role {
            Ok(())
        } else {
            Err(QueueError::RoleCannot(why))
        }
    }
}

/// Neither paused nor with a ticket: ready to call or to pause.
fn free_counter(c: &Counter, current: Option<&Ticket>) -> Result<(), QueueError> {
    if c.pause.is_some() {
        return Err(QueueError::CounterPaused(c.number));
    }
    match current {
        Some(t) => Err(QueueError::CounterBusy { number: t.number }),
        None => Ok(()),
    }
}

/// The counter's ticket, in one of `states`.
fn ticket_in<'a>(
    c: &Counter,
    current: Option<&'a Ticket>,
    states: &[TicketState],
) -> Result<&'a Ticket, QueueError> {
    let t = current.ok_or(QueueError::NoCurrentTicket(c.number))?;
    if states.contains(&t.state) {
        Ok(t)
    } else {
        Err(QueueError::WrongTicketState {
            number: t.number,
            state: t.state,
        })
    }
}

/// The citizen being served at the counter.
fn serving<'a>(c: &Counter, current: Option<&'a Ticket>) -> Result<&'a Ticket, QueueError> {
    current
        .filter(|t| t.state == TicketState::Serving)
        .ok_or(QueueError::NotServing(c.number))
}

/// `desk`, when its review is in `state`.
fn in_state(case: &Case, desk: Desk, state: CaseState) -> Result<Desk, QueueError> {
    match case.state_at(desk) {
        Some(s) if s == state => Ok(desk),
        Some(s) => Err(QueueError::CaseWrongState(s)),
        None => Err(QueueError::CaseWrongState(case.state)),
    }
}

/// The review at `desk`, which [`Hall::may_on_case`] found.
fn review(case: &Case, desk: Desk) -> &Review {
    case.review_at(desk).unwrap_or(&case.review)
}

/// The desk a reviewer works at: the case, for a single case of their
/// department; their department's task in the stage open now, for a
/// bundle. A department whose stage has not opened has nothing there yet.
fn reviewer_desk(member: &StaffSetup, case: &Case) -> Result<Desk, QueueError> {
    if member.role != Role::Reviewer {
        return Err(QueueError::RoleCannot("只有本部门审批人员可以审批"));
    }
    let Some(bundle) = &case.bundle else {
        return match reviews_for(member, case) {
            true => Ok(Desk::Case),
            false => Err(QueueError::NotYourDepartment),
        };
    };
    let department = member.department.as_deref().unwrap_or_default();
    if !bundle.involves(department) {
        return Err(QueueError::NotYourDepartment);
    }
    if !case.state.in_department() {
        return Err(QueueError::CaseWrongState(case.state));
    }
    match bundle.desk_of(department) {
        Some(desk) => Ok(desk),
        None => Err(QueueError::CaseWrongState(case.state)),
    }
}

/// The reviewer's desk, in review by them.
fn claimer_desk(member: &StaffSetup, case: &Case) -> Result<Desk, QueueError> {
    let desk = in_state(case, reviewer_desk(member, case)?, CaseState::InReview)?;
    match &review(case, desk).reviewer {
        Some(r) if *r == member.id => Ok(desk),
        _ => Err(QueueError::NotYourCase),
    }
}

/// The first desk with an extension waiting for a supervisor.
fn pending_extension(case: &Case) -> Option<Desk> {
    match &case.bundle {
        None => case.review.extension_pending().then_some(Desk::Case),
        Some(b) => b.pending_extension(),
    }
}

/// The rejected task a reviewer of the open stage's lead department decides on.
fn lead_desk(member: &StaffSetup, case: &Case) -> Result<Desk, QueueError> {
    let why = QueueError::RoleCannot("只有本阶段牵头部门可以裁定");
    if member.role != Role::Reviewer {
        return Err(why);
    }
    if !reviews_for(member, case) {
        return Err(QueueError::NotYourDepartment);
    }
    let bundle = case.bundle.as_ref();
    let Some(desk) = bundle.and_then(|b| b.awaiting_lead()) else {
        return Err(QueueError::CaseWrongState(case.state));
    };
    match member.department.as_deref() == bundle.and_then(|b| b.lead()) {
        true => Ok(desk),
        false => Err(why),
    }
}
