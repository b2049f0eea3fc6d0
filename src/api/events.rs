//! The event stream, `GET /api/v1/events`: each message, the events of its
//! two views, and the notices besides events.
//!
//! Anyone may follow the [`PublicEvent`]s: ticket numbers and counters, what
//! a display wall shows; devices get them too. Staff follow the
//! [`StaffEvent`]s their role sees: what happened and to what, never a
//! person's details, which each role reads from the API as far as it may.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseState, Verdict};
use crate::domain::case as domain;
use crate::domain::ids::CounterNo;

/// One message on the event stream: a row of the audit log, in the view the
/// reader may have: `E` is a [`PublicEvent`] or a [`StaffEvent`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventMessage<E> {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `staff:1001`, `device:大厅取号机1` or `system`; absent on the public stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The event, tagged by `kind`, such as `{"kind":"ticket_called",...}`.
    pub event: E,
}

/// Control messages on the event stream besides events.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamNotice {
    /// Everything missed has been sent; what follows is live. `seq` is where
    /// the log ends now. Below the `since` asked for, the hub's log started
    /// over (a new database): the client should forget what it has and read
    /// the stream again from 0.
    CaughtUp { seq: i64 },
}

/// What anyone may know of an event: numbers and counters, never an id, a
/// name or a staff member. Kinds the hall keeps to itself never appear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PublicEvent {
    TicketIssued {
        /// As printed, such as `A001`.
        number: String,
        queue: String,
        /// Green channel.
        priority: bool,
        at: DateTime<Utc>,
    },
    TicketCalled {
        number: String,
        queue: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    TicketRecalled {
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
        /// Recalls since the call, this one included.
        recalls: u32,
    },
    TicketNoShow {
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    /// A missed ticket back in line.
    TicketReactivated { number: String, at: DateTime<Utc> },
    TicketStarted {
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    TicketFinished {
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    TicketTransferred {
        number: String,
        from_counter: CounterNo,
        to_queue: String,
        /// Set when sent to one counter by name.
        to_counter: Option<CounterNo>,
        at: DateTime<Utc>,
    },
    CounterPaused {
        counter: CounterNo,
        /// Shown on the wall, such as 午休.
        reason: String,
        at: DateTime<Utc>,
    },
    CounterResumed {
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    /// A clerk logged in at the counter.
    CounterOpened {
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    /// The counter's clerk logged out.
    CounterClosed {
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    /// A new business day: yesterday's tickets are gone.
    DayRolledOver {
        from: NaiveDate,
        to: NaiveDate,
        at: DateTime<Utc>,
    },
}

/// What staff see of an event, as far as their role sees it: the counters
/// follow tickets, counters, logins and devices without the clerks' notes;
/// supervision follows everything; a department's inbox its own cases.
/// Tickets are named by id and number, cases by number, staff by id;
/// whatever a role may see of the people behind them it reads from the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaffEvent {
    TicketIssued {
        /// The ticket's id.
        ticket: String,
        number: String,
        queue: String,
        service: Option<String>,
        priority: bool,
        /// The case a pickup ticket collects.
        case: Option<String>,
        at: DateTime<Utc>,
    },
    TicketCalled {
        ticket: String,
        number: String,
        queue: String,
        counter: CounterNo,
        staff: String,
        at: DateTime<Utc>,
        /// Green-channel calls in a row at this counter, this one included.
        priority_streak: u32,
        /// Why the clerk called this ticket out of turn, if they did; empty
        /// for readers who do not see the clerks' notes.
        out_of_turn: Option<String>,
    },
    TicketRecalled {
        ticket: String,
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
        recalls: u32,
    },
    TicketNoShow {
        ticket: String,
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    TicketReactivated {
        ticket: String,
        number: String,
        at: DateTime<Utc>,
    },
    TicketStarted {
        ticket: String,
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    TicketFinished {
        ticket: String,
        number: String,
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    TicketTransferred {
        ticket: String,
        number: String,
        from_counter: CounterNo,
        to_queue: String,
        to_counter: Option<CounterNo>,
        /// Why; empty for readers who do not see the clerks' notes.
        reason: String,
        at: DateTime<Utc>,
    },
    CounterPaused {
        counter: CounterNo,
        reason: String,
        at: DateTime<Utc>,
    },
    CounterResumed {
        counter: CounterNo,
        at: DateTime<Utc>,
    },
    StaffLoggedIn {
        /// The session's id: a digest of its token, never the token.
        session: String,
        staff: String,
        counter: Option<CounterNo>,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    },
    StaffLoggedOut {
        session: String,
        staff: String,
        counter: Option<CounterNo>,
        at: DateTime<Utc>,
    },
    StaffLoginFailed {
        staff: String,
        /// Wrong PINs in a row, this one included.
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    },
    /// A supervisor lifted a staff id's lock; the message's actor is the
    /// supervisor.
    StaffUnlocked {
        staff: String,
        at: DateTime<Utc>,
    },
    /// A staff member chose a new PIN (never shown, nor its hash).
    StaffPinChanged {
        staff: String,
        at: DateTime<Utc>,
    },
    /// Something happened to a case; where it stands now.
    Case {
        action: CaseAction,
        /// The case's number.
        case: String,
        service: String,
        department: String,
        /// For a 一件事, the department whose task the step was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task: Option<String>,
        state: CaseState,
        at: DateTime<Utc>,
    },
    /// 好差评 given for a ticket or a case.
    Rated {
        rating: i64,
        score: u8,
        ticket: Option<String>,
        case: Option<String>,
        counter: Option<CounterNo>,
        at: DateTime<Utc>,
    },
    /// A bad review opened a rectification.
    RectificationOpened {
        rectification: i64,
        rating: i64,
        assigned_to: Option<String>,
        due: NaiveDate,
    },
    RectificationClosed {
        rectification: i64,
        verdict: Verdict,
        at: DateTime<Utc>,
    },
    /// A device needs a person, such as a printer out of paper.
    DeviceAlert {
        /// The device's configured name.
        device: String,
        /// Which part of it, such as `printer`.
        part: String,
        problem: String,
        at: DateTime<Utc>,
    },
    DayRolledOver {
        from: NaiveDate,
        to: NaiveDate,
        /// Tickets of the old day that were never served, by id.
        expired: Vec<String>,
        at: DateTime<Utc>,
    },
    /// Personal values an older yimen kept in the clear were sealed: the
    /// log holds only their commitments from here on.
    PersonalDataSealed {
        /// The cases, by number.
        cases: Vec<String>,
        at: DateTime<Utc>,
    },
    /// The personal values of cases closed before `closed_before` were
    /// erased.
    PersonalDataErased {
        /// The cases, by number.
        cases: Vec<String>,
        closed_before: NaiveDate,
        at: DateTime<Utc>,
    },
    /// A citizen booked a slot (预约); who, only through the API.
    BookingMade {
        code: String,
        service: String,
        date: NaiveDate,
        /// The booked time.
        booked_for: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    BookingCancelled {
        code: String,
        at: DateTime<Utc>,
    },
    /// A citizen checked in for a booking: `late` after the window, with a
    /// walk-in ticket.
    BookingCheckedIn {
        code: String,
        ticket: String,
        late: bool,
        at: DateTime<Utc>,
    },
    /// Bookings not checked in by the end of their windows.
    BookingsMissed {
        codes: Vec<String>,
        at: DateTime<Utc>,
    },
}

/// What happened to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
    StageOpened,
    Overruled,
    StageHandedOver,
}

mirror_enum!(
    CaseAction,
    domain::CaseAction,
    [
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
        StageOpened,
        Overruled,
        StageHandedOver,
    ]
);
