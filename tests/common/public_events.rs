//! One public event of each kind, as the hub puts them on the stream: what
//! every display wall must read. [`kind_of`] stops the build when a kind is
//! added to the wire without a sample here.
//!
//! In order they tell a short story at counter 2, each changing what a wall
//! shows or, for the kinds a wall has no use for, nothing.

use chrono::{DateTime, Utc};
use yimen::api::PublicEvent;

/// Kinds of public events.
pub const KINDS: usize = 13;

/// The sample's place in [`samples`].
pub fn kind_of(event: &PublicEvent) -> usize {
    use PublicEvent as P;
    match event {
        P::CounterOpened { .. } => 0,
        P::CounterPaused { .. } => 1,
        P::CounterResumed { .. } => 2,
        P::TicketIssued { .. } => 3,
        P::TicketCalled { .. } => 4,
        P::TicketNoShow { .. } => 5,
        P::TicketReactivated { .. } => 6,
        P::TicketRecalled { .. } => 7,
        P::TicketTransferred { .. } => 8,
        P::TicketStarted { .. } => 9,
        P::TicketFinished { .. } => 10,
        P::CounterClosed { .. } => 11,
        P::DayRolledOver { .. } => 12,
    }
}

pub fn at() -> DateTime<Utc> {
    "2026-03-02T02:00:00Z".parse().unwrap()
}

/// One event of each kind, in the order of [`kind_of`].
pub fn samples() -> Vec<PublicEvent> {
    use PublicEvent as P;
    let at = at();
    let a001 = || "A001".to_owned();
    vec![
        P::CounterOpened { counter: 2, at },
        P::CounterPaused {
            counter: 2,
            reason: "午休".into(),
            at,
        },
        P::CounterResumed { counter: 2, at },
        P::TicketIssued {
            number: a001(),
            queue: "A".into(),
            priority: false,
            at,
        },
        P::TicketCalled {
            number: a001(),
            queue: "A".into(),
            counter: 2,
            at,
        },
        P::TicketNoShow {
            number: a001(),
            counter: 2,
            at,
        },
        P::TicketReactivated { number: a001(), at },
        P::TicketRecalled {
            number: a001(),
            counter: 2,
            at,
            recalls: 1,
        },
        P::TicketTransferred {
            number: a001(),
            from_counter: 2,
            to_queue: "B".into(),
            to_counter: Some(4),
            at,
        },
        P::TicketStarted {
            number: "B001".into(),
            counter: 2,
            at,
        },
        P::TicketFinished {
            number: "B001".into(),
            counter: 2,
            at,
        },
        P::CounterClosed { counter: 2, at },
        P::DayRolledOver {
            from: at.date_naive(),
            to: at.date_naive().succ_opt().unwrap(),
            at,
        },
    ]
}
