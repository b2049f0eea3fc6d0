//! Tests of the display wall: what it shows after replays, recalls,
//! reconnects and rollover; the words announced; the order they are spoken.

use proptest::prelude::*;

use super::voice::{Utterance, VoiceQueue, announcement};
use super::*;

fn num(s: &str) -> TicketNumber {
    s.parse().unwrap()
}

fn at(second: i64) -> Timestamp {
    "2026-03-02T02:00:00Z".parse::<Timestamp>().unwrap() + chrono::Duration::seconds(second)
}

fn called(number: &str, counter: CounterNo) -> DisplayEvent {
    DisplayEvent::TicketCalled {
        number: num(number),
        counter,
        at: at(0),
    }
}

fn recalled(number: &str, counter: CounterNo) -> DisplayEvent {
    DisplayEvent::TicketRecalled {
        number: num(number),
        counter,
        at: at(0),
    }
}

fn board() -> DisplayBoard {
    DisplayBoard::new((1..=3).map(|n| (n, format!("{n}号窗口"))))
}

/// A board that has caught up on an empty log.
fn live_board() -> DisplayBoard {
    let mut b = board();
    b.connecting();
    b.receive(StreamMessage::CaughtUp { seq: 0 });
    b
}

fn listed(b: &DisplayBoard) -> Vec<(String, CounterNo, bool)> {
    b.recent()
        .map(|c| (c.number.to_string(), c.counter, c.recall))
        .collect()
}

#[test]
fn replayed_calls_are_listed_but_not_announced() {
    let mut b = board();
    b.connecting();
    assert_eq!(b.apply(1, &called("A001", 1)), None);
    assert_eq!(b.apply(2, &called("A002", 2)), None);
    assert!(!b.is_live());
    assert_eq!(b.receive(StreamMessage::CaughtUp { seq: 5 }), None);
    assert!(b.is_live());
    assert_eq!(
        b.last_seq(),
        5,
        "caught_up covers events the public never sees"
    );
    assert_eq!(
        listed(&b),
        [("A002".into(), 2, false), ("A001".into(), 1, false)]
    );

    let call = b
        .apply(6, &called("B001", 3))
        .expect("a live call is announced");
    assert_eq!(call.counter_name.as_deref(), Some("3号窗口"));
    assert_eq!(call.seq, 6);
    assert_eq!(call.announcement(), "请 B 0 0 1 号 到 3 号窗口 办理");
    assert_eq!(b.newest(), Some(&call));
}

#[test]
fn a_recall_moves_the_number_to_the_top_and_is_announced_again() {
    let mut b = live_board();
    b.apply(1, &called("A001", 1)).unwrap();
    b.apply(2, &called("A002", 2)).unwrap();
    let recall = b
        .apply(3, &recalled("A001", 1))
        .expect("a recall flashes again");
    assert!(recall.recall);
    assert_eq!(recall.announcement(), "重呼 请 A 0 0 1 号 到 1 号窗口 办理");
    assert_eq!(
        listed(&b),
        [("A001".into(), 1, true), ("A002".into(), 2, false)]
    );
}

#[test]
fn a_number_called_again_elsewhere_is_listed_once_at_its_new_counter() {
    let mut b = live_board();
    b.apply(1, &called("A001", 1));
    b.apply(
        2,
        &DisplayEvent::TicketTransferred {
            number: num("A001"),
            from_counter: 1,
        },
    );
    b.apply(3, &called("A002", 1));
    b.apply(4, &called("A001", 3));
    assert_eq!(
        listed(&b),
        [("A001".into(), 3, false), ("A002".into(), 1, false)]
    );
}

#[test]
fn the_list_keeps_the_last_eight_newest_first() {
    let mut b = live_board();
    for i in 1..=12 {
        b.apply(i, &called(&format!("A{i:03}"), 1));
    }
    let numbers: Vec<String> = listed(&b).into_iter().map(|(n, ..)| n).collect();
    assert_eq!(numbers.len(), RECENT_CALLS);
    assert_eq!(numbers.first().map(String::as_str), Some("A012"));
    assert_eq!(numbers.last().map(String::as_str), Some("A005"));
}

#[test]
fn a_reconnect_that_replays_the_tail_announces_nothing_twice() {
    let mut b = live_board();
    assert!(b.apply(1, &called("A001", 1)).is_some());
    assert!(b.apply(2, &called("A002", 2)).is_some());

    // The hub restarts; the wall asks again from a little too early.
    b.connecting();
    assert_eq!(b.apply(1, &called("A001", 1)), None);
    assert_eq!(b.apply(2, &called("A002", 2)), None);
    // Made while the wall was away: shown, not announced.
    assert_eq!(b.apply(3, &called("A003", 3)), None);
    b.receive(StreamMessage::CaughtUp { seq: 3 });
    // The live stream repeats the last event; then something new.
    assert_eq!(b.apply(3, &called("A003", 3)), None);
    let fresh = b.apply(4, &recalled("A002", 2)).expect("new and live");
    assert!(fresh.recall);
    assert_eq!(
        listed(&b),
        [
            ("A002".into(), 2, true),
            ("A003".into(), 3, false),
            ("A001".into(), 1, false)
        ]
    );
    assert_eq!(b.last_seq(), 4);
}

#[test]
fn counters_show_who_is_served_pauses_and_closing() {
    let mut b = live_board();
    let status = |b: &DisplayBoard, n: CounterNo| {
        b.counters()
            .find(|(c, _)| *c == n)
            .map(|(_, s)| s.clone())
            .unwrap()
    };
    assert_eq!(status(&b, 1), CounterStatus::default());
    b.apply(1, &DisplayEvent::CounterOpened { counter: 1 });
    assert!(status(&b, 1).open);
    b.apply(2, &called("A001", 1));
    b.apply(
        3,
        &DisplayEvent::TicketStarted {
            number: num("A001"),
            counter: 1,
        },
    );
    assert_eq!(status(&b, 1).serving, Some(num("A001")));
    b.apply(
        4,
        &DisplayEvent::TicketFinished {
            number: num("A001"),
            counter: 1,
        },
    );
    assert_eq!(status(&b, 1).serving, None);
    b.apply(
        5,
        &DisplayEvent::CounterPaused {
            counter: 1,
            reason: "午休".into(),
        },
    );
    assert_eq!(status(&b, 1).paused.as_deref(), Some("午休"));
    b.apply(6, &DisplayEvent::CounterResumed { counter: 1 });
    assert_eq!(status(&b, 1).paused, None);
    b.apply(7, &called("A002", 1));
    b.apply(
        8,
        &DisplayEvent::TicketNoShow {
            number: num("A002"),
            counter: 1,
        },
    );
    assert_eq!(status(&b, 1).serving, None);
    b.apply(9, &DisplayEvent::CounterClosed { counter: 1 });
    assert_eq!(status(&b, 1), CounterStatus::default());

    // A counter the configuration does not name still shows, without a name.
    let call = b.apply(10, &called("C001", 12)).unwrap();
    assert_eq!(call.counter_name, None);
    assert_eq!(b.counter_name(12), None);
    assert_eq!(b.counter_name(2), Some("2号窗口"));
    assert!(status(&b, 12).open);
    assert_eq!(b.counters().count(), 4);
}

#[test]
fn a_new_day_clears_the_wall() {
    let mut b = live_board();
    b.apply(1, &called("A001", 1));
    b.apply(
        2,
        &DisplayEvent::CounterPaused {
            counter: 2,
            reason: "系统维护".into(),
        },
    );
    b.apply(3, &DisplayEvent::DayRolledOver);
    assert_eq!(b.newest(), None);
    assert!(b.counters().all(|(_, s)| *s == CounterStatus::default()));
    assert_eq!(b.counters().count(), 3);
    let first = b
        .apply(4, &called("A001", 2))
        .expect("the new day's first call");
    assert_eq!(first.seq, 4);
}

#[test]
fn a_log_that_ends_below_what_was_seen_starts_the_wall_over() {
    let mut b = live_board();
    b.apply(1, &called("A001", 1)).unwrap();
    b.apply(2, &DisplayEvent::CounterOpened { counter: 12 });
    b.apply(
        3,
        &DisplayEvent::CounterPaused {
            counter: 2,
            reason: "午休".into(),
        },
    );
    b.receive(StreamMessage::CaughtUp { seq: 7 });

    // The hub comes back on a new database with two events of its own.
    b.connecting();
    assert_eq!(b.receive(StreamMessage::CaughtUp { seq: 2 }), None);
    assert_eq!(b.newest(), None, "the old log's calls are gone");
    assert_eq!(b.counters().count(), 3, "and the counters it alone knew");
    assert!(b.counters().all(|(_, s)| *s == CounterStatus::default()));
    assert_eq!(b.last_seq(), 0, "the new log is read from its start");
    assert!(!b.is_live(), "what comes next is its replay");

    assert_eq!(b.apply(1, &called("A001", 2)), None, "replayed, not new");
    assert_eq!(b.apply(2, &called("A002", 3)), None);
    b.receive(StreamMessage::CaughtUp { seq: 2 });
    assert!(b.is_live());
    let call = b
        .apply(3, &called("A003", 1))
        .expect("a live call of the new log");
    assert_eq!(call.seq, 3);
    assert_eq!(
        listed(&b),
        [
            ("A003".into(), 1, false),
            ("A002".into(), 3, false),
            ("A001".into(), 2, false)
        ]
    );
}

#[test]
fn a_log_that_ends_where_the_wall_is_changes_nothing() {
    let mut b = live_board();
    b.apply(1, &called("A001", 1)).unwrap();
    b.connecting();
    b.receive(StreamMessage::CaughtUp { seq: 1 });
    assert_eq!(listed(&b), [("A001".into(), 1, false)]);
    assert_eq!(b.last_seq(), 1);
    assert!(b.is_live());
}

#[test]
fn announcements_spell_the_number_and_name_the_counter() {
    assert_eq!(
        announcement(num("A001"), 3, false),
        "请 A 0 0 1 号 到 3 号窗口 办理"
    );
    assert_eq!(
        announcement(num("P0120"), 10, true),
        "重呼 请 P 0 1 2 0 号 到 10 号窗口 办理"
    );
}

fn said(text: &str, chime: bool) -> Option<Utterance> {
    Some(Utterance {
        text: text.into(),
        chime,
    })
}

#[test]
fn each_call_is_said_twice_in_turn_and_never_over_another() {
    let mut voice = VoiceQueue::default();
    assert!(voice.is_idle());
    voice.push("一".into());
    voice.push("二".into());
    assert_eq!(voice.begin(), said("一", true));
    assert_eq!(
        voice.begin(),
        None,
        "nothing starts while something is said"
    );
    voice.push("三".into());
    voice.done();
    assert_eq!(voice.begin(), said("一", false));
    voice.done();
    assert_eq!(voice.begin(), said("二", true));
    voice.done();
    assert_eq!(voice.begin(), said("二", false));
    voice.done();
    assert_eq!(voice.begin(), said("三", true));
    voice.done();
    assert_eq!(voice.begin(), said("三", false));
    assert!(!voice.is_idle());
    voice.done();
    assert_eq!(voice.begin(), None);
    assert!(voice.is_idle());
}

#[test]
fn a_full_backlog_drops_the_oldest_not_yet_begun() {
    let mut voice = VoiceQueue::new(1, 2);
    voice.push("一".into());
    assert_eq!(voice.begin(), said("一", true));
    assert_eq!(voice.push("二".into()), None);
    assert_eq!(voice.push("三".into()), None);
    assert_eq!(voice.push("四".into()), Some("二".into()));
    voice.done();
    assert_eq!(voice.begin(), said("三", true));
    voice.done();
    assert_eq!(voice.begin(), said("四", true));
}

/// One step of a random day at the wall.
#[derive(Clone, Debug)]
enum Step {
    Event(DisplayEvent),
    /// The connection drops; the wall asks again from `overlap` events
    /// before the last it has.
    Reconnect {
        overlap: i64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let number = (0u32..6).prop_map(|i| num(&format!("A{:03}", i + 1)));
    let counter = 1u32..5;
    prop_oneof![
        4 => (number.clone(), counter.clone())
            .prop_map(|(n, c)| Step::Event(DisplayEvent::TicketCalled { number: n, counter: c, at: at(0) })),
        2 => (number.clone(), counter.clone())
            .prop_map(|(n, c)| Step::Event(DisplayEvent::TicketRecalled { number: n, counter: c, at: at(0) })),
        1 => (number, counter.clone())
            .prop_map(|(n, c)| Step::Event(DisplayEvent::TicketFinished { number: n, counter: c })),
        1 => counter.clone().prop_map(|c| Step::Event(DisplayEvent::CounterPaused { counter: c, reason: "午休".into() })),
        1 => counter.prop_map(|c| Step::Event(DisplayEvent::CounterClosed { counter: c })),
        1 => Just(Step::Event(DisplayEvent::Other)),
        1 => (0i64..4).prop_map(|overlap| Step::Reconnect { overlap }),
    ]
}

fn wall(b: &DisplayBoard) -> (Vec<Call>, Vec<(CounterNo, CounterStatus)>) {
    (
        b.recent().cloned().collect(),
        b.counters().map(|(n, s)| (n, s.clone())).collect(),
    )
}

proptest! {
    /// However the connection comes and goes, a wall ends showing what a wall
    /// that never lost it shows, and never announces a call twice or one that
    /// the steady wall did not announce.
    #[test]
    fn reconnects_never_change_the_wall_or_repeat_an_announcement(
        steps in proptest::collection::vec(step(), 0..60)
    ) {
        let mut log: Vec<DisplayEvent> = Vec::new();
        let mut steady = live_board();
        let mut flaky = live_board();
        let (mut steady_said, mut flaky_said) = (Vec::new(), Vec::new());
        // Events made while the flaky wall is away, and where it resumes from.
        let mut away: Option<i64> = None;
        for step in steps {
            match step {
                Step::Event(event) => {
                    log.push(event.clone());
                    let seq = i64::try_from(log.len()).unwrap();
                    steady_said.extend(steady.apply(seq, &event).map(|c| c.seq));
                    if away.is_none() {
                        flaky_said.extend(flaky.apply(seq, &event).map(|c| c.seq));
                    }
                }
                Step::Reconnect { overlap } => {
                    let since = away.unwrap_or(flaky.last_seq());
                    away = Some((since - overlap).max(0));
                    flaky.connecting();
                }
            }
            // Half the time, the wall comes back at once and replays.
            if let Some(since) = away.filter(|_| log.len().is_multiple_of(2)) {
                for (i, event) in log.iter().enumerate().skip(usize::try_from(since).unwrap()) {
                    let seq = i64::try_from(i + 1).unwrap();
                    prop_assert_eq!(flaky.apply(seq, event), None, "replays are never announced");
                }
                flaky.receive(StreamMessage::CaughtUp { seq: i64::try_from(log.len()).unwrap() });
                away = None;
            }
        }
        if let Some(since) = away {
            for (i, event) in log.iter().enumerate().skip(usize::try_from(since).unwrap()) {
                flaky.apply(i64::try_from(i + 1).unwrap(), event);
            }
        }
        prop_assert_eq!(wall(&flaky), wall(&steady));
        prop_assert!(flaky_said.windows(2).all(|w| w[0] < w[1]), "each call once");
        prop_assert!(flaky_said.iter().all(|s| steady_said.contains(s)));
    }
}
