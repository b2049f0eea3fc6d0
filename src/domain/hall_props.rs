//! Property tests of the queue engine: random mornings at the hall, checked
//! against rules that hold whatever the citizens and clerks do.
//!
//! Each case opens counters 1 (A and B) and 2 (A only), then plays 20 to 60
//! random requests, the clock moving on by up to 90 seconds before each. Most
//! are what a clerk would sensibly do next at their counter; some are blind.
//! A refused request changes nothing; the events of an accepted one are
//! checked against the hall as it was, then folded in.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use proptest::prelude::*;
use proptest::sample::Index;

use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{CounterNo, QueuePrefix, SessionId, StaffId, TicketId, Timestamp};
use super::queue::{TransferTo, Wanted};
use super::test_hall::{at, day, hall, prefix, run, staff};
use super::ticket::{Ticket, TicketState};

#[derive(Clone, Debug)]
enum Request {
    Issue {
        queue: char,
        priority: bool,
    },
    CallNext(CounterNo),
    Recall(CounterNo),
    NoShow(CounterNo),
    Start(CounterNo),
    Finish(CounterNo),
    Transfer(CounterNo, TransferTo),
    /// A late citizen comes back: one of the no-shows, by position.
    Reactivate(Index),
    Pause(CounterNo),
    Resume(CounterNo),
    /// Whatever a clerk at the counter would sensibly do next, given the state
    /// of their counter; the number picks among the sensible moves.
    Sensible(CounterNo, u8, TransferTo),
}

fn request() -> impl Strategy<Value = Request> {
    let counter = || prop_oneof![Just(1), Just(2)];
    let target = prop_oneof![
        Just(TransferTo::Queue(prefix('A'))),
        Just(TransferTo::Queue(prefix('B'))),
        Just(TransferTo::Counter(1)),
        Just(TransferTo::Counter(2)),
    ];
    prop_oneof![
        3 => (prop_oneof![Just('A'), Just('B')], prop::bool::weighted(0.35))
            .prop_map(|(queue, priority)| Request::Issue { queue, priority }),
        14 => (counter(), any::<u8>(), target.clone())
            .prop_map(|(c, roll, to)| Request::Sensible(c, roll, to)),
        2 => any::<Index>().prop_map(Request::Reactivate),
        1 => counter().prop_map(Request::CallNext),
        1 => counter().prop_map(Request::Recall),
        1 => counter().prop_map(Request::NoShow),
        1 => counter().prop_map(Request::Start),
        1 => counter().prop_map(Request::Finish),
        1 => (counter(), target).prop_map(|(c, to)| Request::Transfer(c, to)),
        1 => counter().prop_map(Request::Pause),
        1 => counter().prop_map(Request::Resume),
    ]
}

/// The move a clerk at `counter` would make as things stand.
fn sensible(hall: &Hall, counter: CounterNo, roll: u8, to: TransferTo) -> Request {
    use TicketState::{Called, Serving};
    let paused = hall.counter(counter).is_some_and(|c| c.pause.is_some());
    let enough = hall.setup().rules.recalls_before_no_show;
    let current = hall
        .current_for(counter)
        .map(|t| (t.state, t.recalls >= enough));
    match (paused, current, roll % 20) {
        (true, ..) => Request::Resume(counter),
        (false, None, 0) => Request::Pause(counter),
        (false, None, _) => Request::CallNext(counter),
        (false, Some((Called, false)), 0..=9) => Request::Recall(counter),
        (false, Some((Called, true)), 0..=11) => Request::NoShow(counter),
        (false, Some((Called, _)), 0..=17) => Request::Start(counter),
        (false, Some((Serving, _)), 0..=15) => Request::Finish(counter),
        (false, Some(_), _) => Request::Transfer(counter, to),
    }
}

fn clerk_at(counter: CounterNo) -> StaffId {
    staff(if counter == 1 { "1001" } else { "1002" })
}

/// What a request would do to the hall. A late citizen coming back when
/// nobody has been absent is nothing to do.
fn decide(hall: &Hall, request: &Request, now: Timestamp) -> Result<Vec<HallEvent>, QueueError> {
    match request {
        Request::Issue { queue, priority } => {
            let id = TicketId(format!("ticket-{}", hall.tickets().count() + 1));
            hall.issue(&Wanted::Queue(prefix(*queue)), *priority, id, now)
        }
        Request::CallNext(c) => hall.call_next(*c, &clerk_at(*c), now),
        Request::Recall(c) => hall.recall(*c, &clerk_at(*c), now),
        Request::NoShow(c) => hall.no_show(*c, &clerk_at(*c), now),
        Request::Start(c) => hall.start(*c, &clerk_at(*c), now),
        Request::Finish(c) => hall.finish(*c, &clerk_at(*c), now),
        Request::Transfer(c, to) => hall.transfer(*c, &clerk_at(*c), *to, "转办", now),
        Request::Reactivate(pick) => {
            let mut absent: Vec<TicketId> = hall
                .tickets()
                .filter(|t| t.state == TicketState::NoShow)
                .map(|t| t.id.clone())
                .collect();
            if absent.is_empty() {
                return Ok(Vec::new());
            }
            absent.sort();
            hall.reactivate(pick.get(&absent), now)
        }
        Request::Pause(c) => hall.pause(*c, &clerk_at(*c), "暂离", now),
        Request::Resume(c) => hall.resume(*c, &clerk_at(*c), now),
        Request::Sensible(c, roll, to) => decide(hall, &sensible(hall, *c, *roll, *to), now),
    }
}

/// Keeps what the rules are checked against across one case.
#[derive(Default)]
struct Referee {
    /// Tickets called since they last went into a line.
    called: HashSet<TicketId>,
    /// Tickets that went back into a line by transfer or reactivation; their
    /// place is no longer their issue time.
    moved: HashSet<TicketId>,
    /// Per counter: green-channel calls since its last ordinary call that were
    /// made while an ordinary ticket of its lines waited.
    priority_run: HashMap<CounterNo, u32>,
    /// Numbers issued today, per prefix.
    numbers: HashMap<QueuePrefix, Vec<u32>>,
}

/// Waiting tickets that `counter` may call: those sent to it by name, and
/// those of its queues not sent to another counter.
fn callable_at(hall: &Hall, counter: CounterNo) -> Vec<&Ticket> {
    let queues = &hall.setup().counter(counter).expect("a counter").queues;
    hall.tickets()
        .filter(|t| t.state == TicketState::Waiting)
        .filter(|t| match t.target_counter {
            Some(n) => n == counter,
            None => queues.contains(&t.queue),
        })
        .collect()
}

impl Referee {
    /// Checks one event against the hall before it is folded in.
    fn judge(&mut self, hall: &Hall, event: &HallEvent) -> Result<(), TestCaseError> {
        match event {
            HallEvent::TicketIssued { ticket } => {
                let setup = hall.setup().queue(ticket.queue).expect("a queue");
                let seqs = self.numbers.entry(ticket.number.prefix).or_default();
                prop_assert!(
                    !seqs.contains(&ticket.number.seq),
                    "{} issued twice",
                    ticket.number
                );
                prop_assert_eq!(ticket.number.seq, setup.first + seqs.len() as u32);
                seqs.push(ticket.number.seq);
                prop_assert!(seqs.len() as u32 <= setup.daily_cap);
            }
            HallEvent::TicketCalled {
                ticket,
                number,
                counter,
                ..
            } => {
                prop_assert!(
                    self.called.insert(ticket.clone()),
                    "{} called twice",
                    number
                );
                let t = hall.ticket(ticket).expect("a known ticket");
                prop_assert_eq!(t.state, TicketState::Waiting);
                let waiting = callable_at(hall, *counter);
                prop_assert!(
                    waiting.iter().any(|w| &w.id == ticket),
                    "{} not callable at {}",
                    number,
                    counter
                );
                self.first_come_first_served(t, &waiting)?;
                let limit = hall.setup().rules.priority_streak_limit;
                let run = self.priority_run.entry(*counter).or_default();
                if !t.priority {
                    *run = 0;
                } else if waiting.iter().any(|w| !w.priority) {
                    *run += 1;
                    prop_assert!(
                        *run <= limit,
                        "counter {} called {} green-channel tickets in a row while others waited",
                        counter,
                        run
                    );
                }
            }
            HallEvent::TicketTransferred { ticket, .. }
            | HallEvent::TicketReactivated { ticket, .. } => {
                self.called.remove(ticket);
                self.moved.insert(ticket.clone());
            }
            _ => {}
        }
        Ok(())
    }

    /// An ordinary ticket in its original place is never called while an
    /// earlier such ticket the same counter could call still waits.
    fn first_come_first_served(
        &self,
        t: &Ticket,
        waiting: &[&Ticket],
    ) -> Result<(), TestCaseError> {
        if t.priority || self.moved.contains(&t.id) {
            return Ok(());
        }
        for w in waiting {
            let in_place = !w.priority && !self.moved.contains(&w.id);
            prop_assert!(
                !in_place || w.order >= t.order,
                "{} called while {} waited from earlier",
                t.number,
                w.number
            );
        }
        Ok(())
    }
}

/// What must hold of the hall after every event.
fn check_hall(hall: &Hall) -> Result<(), TestCaseError> {
    let mut current = HashSet::new();
    for c in hall.counters() {
        if let Some(id) = &c.current {
            prop_assert!(current.insert(id), "{:?} at two counters", id);
            let t = hall.ticket(id).expect("a known ticket");
            prop_assert!(
                t.state.at_counter(),
                "{} is {:?} but at counter {}",
                t.number,
                t.state,
                c.number
            );
            prop_assert_eq!(t.counter, Some(c.number));
        }
    }
    let at_counters = hall.tickets().filter(|t| t.state.at_counter()).count();
    prop_assert_eq!(at_counters, current.len());

    let waiting = hall
        .tickets()
        .filter(|t| t.state == TicketState::Waiting)
        .count();
    let in_lines: usize = hall
        .setup()
        .queues
        .iter()
        .filter_map(|q| hall.queue_day(q.prefix))
        .map(|q| q.line.len())
        .chain(hall.counters().map(|c| c.line.len()))
        .sum();
    prop_assert_eq!(waiting, in_lines, "every waiting ticket is in one line");
    for t in hall.tickets().filter(|t| t.state == TicketState::Waiting) {
        prop_assert!(hall.ahead_of(&t.id).is_some());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_queue_rules_hold_whatever_happens(
        requests in prop::collection::vec((request(), 0i64..=90), 20..=60)
    ) {
        let mut hall = hall();
        let mut log = Vec::new();
        for (who, counter) in [("1001", 1), ("1002", 2)] {
            let session = SessionId(format!("s-{who}-{counter}"));
            let events = hall.log_in(&staff(who), Some(counter), session, at(0));
            log.extend(run(&mut hall, events));
        }
        let mut referee = Referee::default();
        let mut now = at(0);
        for (request, wait) in &requests {
            now += Duration::seconds(*wait);
            let request = match request {
                Request::Sensible(c, roll, to) => sensible(&hall, *c, *roll, *to),
                other => other.clone(),
            };
            let events = match (decide(&hall, &request, now), &request) {
                (Ok(events), _) => events,
                (Err(QueueError::NobodyWaiting(c)), Request::CallNext(_)) => {
                    let waiting = callable_at(&hall, c);
                    prop_assert!(
                        waiting.is_empty(),
                        "counter {} says nobody waits: {:?}",
                        c,
                        waiting
                    );
                    continue;
                }
                (Err(_), _) => continue,
            };
            for e in &events {
                referee.judge(&hall, e)?;
                hall.apply(e);
                check_hall(&hall)?;
            }
            log.extend(events);
        }

        // Folding the log again, as the store keeps it, gives the same hall.
        let setup = std::sync::Arc::new(hall.setup().clone());
        let mut replayed = Hall::new(setup, day());
        for e in &log {
            let stored = serde_json::to_string(e).expect("an event serializes");
            replayed.apply(&serde_json::from_str(&stored).expect("and reads back"));
        }
        prop_assert_eq!(replayed, hall);
    }
}
