//! What the wall shows: the board folded from the hub's event stream (the
//! rules are [`DisplayBoard`]'s), the queues' waiting counts, whether the hub
//! is there, and whether the newest call is flashing.

use crate::api::QueueInfo;
use crate::client::StreamItem;
use crate::domain::display::{Call, DisplayBoard, DisplayEvent, StreamMessage};
use crate::domain::ids::CounterNo;

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
    pub fn receive(&mut self, item: StreamItem) -> Option<Call> {
        let message = match item {
            StreamItem::CaughtUp(seq) => {
                self.offline = false;
                StreamMessage::CaughtUp { seq }
            }
            StreamItem::Event(message) => StreamMessage::Event {
                seq: message.seq,
                // An event the wall cannot read still moves it past its sequence.
                event: serde_json::from_value(message.event).unwrap_or(DisplayEvent::Other),
            },
        };
        let call = self.board.receive(message)?;
        self.flashing = true;
        Some(call)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::EventMessage;

    /// A call as a device sees it on the stream: the staff view, with more
    /// than the wall needs.
    fn called(seq: i64, number: &str, counter: u32) -> StreamItem {
        StreamItem::Event(EventMessage {
            seq,
            at: "2026-03-02T02:00:00Z".parse().unwrap(),
            actor: Some("staff:1001".into()),
            event: json!({
                "kind": "ticket_called", "ticket": "t1", "number": number, "queue": "A",
                "counter": counter, "staff": "1001", "at": "2026-03-02T02:00:00Z",
                "priority_streak": 0, "out_of_turn": null,
            }),
        })
    }

    fn issued(seq: i64) -> StreamItem {
        StreamItem::Event(EventMessage {
            seq,
            at: "2026-03-02T02:00:00Z".parse().unwrap(),
            actor: None,
            event: json!({"kind": "ticket_issued", "ticket": {"number": "A009"}}),
        })
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
}
