//! What the wall shows: the board folded from the hub's public event stream
//! (the rules are [`DisplayBoard`]'s, fed the stream's events in its own
//! terms), the
//! queues' waiting counts, whether the hub is there, and whether the newest
//! call is flashing.

use crate::api::{PublicEvent, QueueInfo};
use crate::client::StreamItem;
use crate::domain::display::{Call, DisplayBoard, DisplayEvent, StreamMessage};
use crate::domain::ids::{CounterNo, TicketNumber};

#[derive(Debug)]
pub struct WallModel {
    pub board: DisplayBoard,
    /// Every queue with its waiting count, as the hub last said.
    pub queues: Vec<QueueInfo>,
    /// The event stream is lost: the wall shows what it had, with a badge.
    pub offline: bool,
    /// The newest call arrived live moments ago and flashes.
    pub flashing: bool,
}

impl WallModel {
    /// An empty wall for a hall with these counters (number, name).
    pub fn new(counters: impl IntoIterator<Item = (CounterNo, String)>) -> Self {
        Self {
            board: DisplayBoard::new(counters),
            queues: Vec::new(),
            offline: false,
            flashing: false,
        }
    }

    /// Takes one item of the stream; returns the call to announce, which
    /// now flashes, if it is one.
    pub fn receive(&mut self, item: StreamItem<PublicEvent>) -> Option<Call> {
        if matches!(item, StreamItem::CaughtUp(_)) {
            self.offline = false;
        }
        let call = self.board.receive(board_message(&item));
        // A call flashes; a wall emptied by a new day or a new log does not.
        self.flashing = call.is_some() || (self.flashing && self.board.newest().is_some());
        call
    }

    /// The stream broke: until it catches up again, what comes is the past.
    pub fn lost(&mut self) {
        self.offline = true;
        self.flashing = false;
        self.board.connecting();
    }

    /// The newest call has flashed long enough.
    pub fn flash_over(&mut self) {
        self.flashing = false;
    }
}

/// A message of the public stream as the board takes it. An event the wall
/// cannot read still moves it past its sequence.
fn board_message(item: &StreamItem<PublicEvent>) -> StreamMessage {
    match item {
        StreamItem::CaughtUp(seq) => StreamMessage::CaughtUp { seq: *seq },
        StreamItem::Event(message) => StreamMessage::Event {
            seq: message.seq,
            event: board_event(&message.event).unwrap_or(DisplayEvent::Other),
        },
        StreamItem::Unreadable(seq) => StreamMessage::Event {
            seq: *seq,
            event: DisplayEvent::Other,
        },
    }
}

/// What the board takes of a public event; `None` for a ticket number that
/// does not read as one.
fn board_event(event: &PublicEvent) -> Option<DisplayEvent> {
    use DisplayEvent as D;
    use PublicEvent as P;
    let number = |n: &str| n.parse::<TicketNumber>().ok();
    Some(match event {
        P::TicketCalled {
            number: n,
            counter,
            at,
            ..
        } => D::TicketCalled {
            number: number(n)?,
            counter: *counter,
            at: *at,
        },
        P::TicketRecalled {
            number: n,
            counter,
            at,
            ..
        } => D::TicketRecalled {
            number: number(n)?,
            counter: *counter,
            at: *at,
        },
        P::TicketStarted {
            number: n, counter, ..
        } => D::TicketStarted {
            number: number(n)?,
            counter: *counter,
        },
        P::TicketFinished {
            number: n, counter, ..
        } => D::TicketFinished {
            number: number(n)?,
            counter: *counter,
        },
        P::TicketNoShow {
            number: n, counter, ..
        } => D::TicketNoShow {
            number: number(n)?,
            counter: *counter,
        },
        P::TicketTransferred {
            number: n,
            from_counter,
            ..
        } => D::TicketTransferred {
            number: number(n)?,
            from_counter: *from_counter,
        },
        P::CounterPaused {
            counter, reason, ..
        } => D::CounterPaused {
            counter: *counter,
            reason: reason.clone(),
        },
        P::CounterResumed { counter, .. } => D::CounterResumed { counter: *counter },
        P::CounterOpened { counter, .. } => D::CounterOpened { counter: *counter },
        P::CounterClosed { counter, .. } => D::CounterClosed { counter: *counter },
        P::DayRolledOver { .. } => D::DayRolledOver,
        P::TicketIssued { .. } | P::TicketReactivated { .. } => D::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::EventMessage;

    fn at() -> chrono::DateTime<chrono::Utc> {
        "2026-03-02T02:00:00Z".parse().unwrap()
    }

    fn message(seq: i64, event: PublicEvent) -> StreamItem<PublicEvent> {
        StreamItem::Event(EventMessage {
            seq,
            at: at(),
            actor: None,
            event,
        })
    }

    fn called(seq: i64, number: &str, counter: u32) -> StreamItem<PublicEvent> {
        let event = PublicEvent::TicketCalled {
            number: number.into(),
            queue: "A".into(),
            counter,
            at: at(),
        };
        message(seq, event)
    }

    fn issued(seq: i64) -> StreamItem<PublicEvent> {
        let event = PublicEvent::TicketIssued {
            number: "A009".into(),
            queue: "A".into(),
            priority: false,
            at: at(),
        };
        message(seq, event)
    }

    fn wall() -> WallModel {
        WallModel::new([(1, "1号窗口 综合受理".to_owned())])
    }

    #[test]
    fn only_calls_made_while_watching_flash() {
        let mut wall = wall();
        assert_eq!(wall.receive(called(1, "A001", 1)), None, "a replay");
        assert!(!wall.flashing);
        assert_eq!(wall.receive(StreamItem::CaughtUp(1)), None);
        assert_eq!(wall.receive(issued(2)), None);
        let call = wall.receive(called(3, "A002", 1)).expect("a live call");
        assert_eq!(call.announcement(), "请 A 0 0 2 号 到 1 号窗口 办理");
        assert_eq!(call.counter_name.as_deref(), Some("1号窗口 综合受理"));
        assert!(wall.flashing);
        wall.flash_over();
        assert!(!wall.flashing);
        let numbers: Vec<String> = wall.board.recent().map(|c| c.number.to_string()).collect();
        assert_eq!(numbers, ["A002", "A001"]);
    }

    #[test]
    fn after_a_lost_stream_the_missed_calls_show_without_flashing() {
        let mut wall = wall();
        wall.receive(StreamItem::CaughtUp(0));
        wall.receive(called(1, "A001", 1));
        wall.lost();
        assert!(wall.offline && !wall.flashing);
        // Reconnected: the hub replays what was missed, then catches up.
        assert_eq!(wall.receive(called(1, "A001", 1)), None, "seen before");
        assert_eq!(wall.receive(called(2, "A002", 1)), None, "missed, not new");
        assert!(wall.offline, "until caught up");
        wall.receive(StreamItem::CaughtUp(2));
        assert!(!wall.offline && !wall.flashing);
        assert_eq!(
            wall.board.newest().map(|c| c.number.to_string()).as_deref(),
            Some("A002")
        );
        assert!(wall.receive(called(3, "A003", 1)).is_some());
    }

    #[test]
    fn what_the_wall_cannot_read_still_moves_it_on() {
        let mut wall = wall();
        wall.receive(StreamItem::CaughtUp(0));
        assert_eq!(wall.receive(called(1, "not a number", 1)), None);
        assert_eq!(wall.receive(StreamItem::Unreadable(2)), None);
        assert_eq!(wall.board.last_seq(), 2);
        assert_eq!(wall.board.newest(), None);
        assert!(wall.receive(called(3, "A001", 1)).is_some());
    }

    /// Each public event reaches the board as what it says; `number` and
    /// `counter` stand for A001 and 1.
    fn reaches_the_board(cases: Vec<(PublicEvent, DisplayEvent)>) {
        for (event, expected) in cases {
            let item = message(1, event);
            let read = board_message(&item);
            assert_eq!(
                read,
                StreamMessage::Event {
                    seq: 1,
                    event: expected
                },
                "{item:?}"
            );
        }
    }

    fn a001() -> TicketNumber {
        "A001".parse().unwrap()
    }

    #[test]
    fn calls_and_tickets_reach_the_board_as_themselves() {
        let (n, number) = (|| "A001".to_owned(), a001());
        reaches_the_board(vec![
            (
                PublicEvent::TicketIssued {
                    number: n(),
                    queue: "A".into(),
                    priority: false,
                    at: at(),
                },
                DisplayEvent::Other,
            ),
            (
                PublicEvent::TicketCalled {
                    number: n(),
                    queue: "A".into(),
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::TicketCalled {
                    number,
                    counter: 1,
                    at: at(),
                },
            ),
            (
                PublicEvent::TicketRecalled {
                    number: n(),
                    counter: 1,
                    at: at(),
                    recalls: 1,
                },
                DisplayEvent::TicketRecalled {
                    number,
                    counter: 1,
                    at: at(),
                },
            ),
            (
                PublicEvent::TicketNoShow {
                    number: n(),
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::TicketNoShow { number, counter: 1 },
            ),
            (
                PublicEvent::TicketReactivated {
                    number: n(),
                    at: at(),
                },
                DisplayEvent::Other,
            ),
            (
                PublicEvent::TicketStarted {
                    number: n(),
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::TicketStarted { number, counter: 1 },
            ),
            (
                PublicEvent::TicketFinished {
                    number: n(),
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::TicketFinished { number, counter: 1 },
            ),
        ]);
    }

    #[test]
    fn counters_and_the_day_reach_the_board_as_themselves() {
        let day = at().date_naive();
        reaches_the_board(vec![
            (
                PublicEvent::TicketTransferred {
                    number: "A001".into(),
                    from_counter: 1,
                    to_queue: "B".into(),
                    to_counter: None,
                    at: at(),
                },
                DisplayEvent::TicketTransferred {
                    number: a001(),
                    from_counter: 1,
                },
            ),
            (
                PublicEvent::CounterPaused {
                    counter: 1,
                    reason: "午休".into(),
                    at: at(),
                },
                DisplayEvent::CounterPaused {
                    counter: 1,
                    reason: "午休".into(),
                },
            ),
            (
                PublicEvent::CounterResumed {
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::CounterResumed { counter: 1 },
            ),
            (
                PublicEvent::CounterOpened {
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::CounterOpened { counter: 1 },
            ),
            (
                PublicEvent::CounterClosed {
                    counter: 1,
                    at: at(),
                },
                DisplayEvent::CounterClosed { counter: 1 },
            ),
            (
                PublicEvent::DayRolledOver {
                    from: day,
                    to: day.succ_opt().unwrap(),
                    at: at(),
                },
                DisplayEvent::DayRolledOver,
            ),
        ]);
    }
}
