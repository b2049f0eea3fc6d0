//! A small hall built in code for the domain's tests, and helpers that make a
//! decision and fold its events in one step.
//!
//! Queues: A (市场监管, services `SCJG-001`), B (公安, `GA-001`, at most five
//! tickets a day), P (统一出件, the pickup queue). Counters: 1 intake serving A
//! and B, 2 dedicated to A, 3 pickup serving P. Staff: 1001 and 1002 intake,
//! 3001 pickup, 2001 a reviewer. The business day is 2026-03-02 in Shanghai,
//! rolling over at 02:00.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::booking::BookingRules;
use super::calendar::WorkingCalendar;
use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{
    BusinessDay, CounterNo, DayRule, QueuePrefix, SessionId, StaffId, TicketId, TicketNumber,
    Timestamp,
};
use super::queue::Wanted;
use super::setup::{
    CaseRules, CounterKind, CounterSetup, HallSetup, QueueKind, QueueRules, QueueSetup, Role,
    StaffSetup,
};

/// The cap on queue B, small enough to reach in a test.
pub const B_DAILY_CAP: u32 = 5;

pub fn prefix(letter: char) -> QueuePrefix {
    QueuePrefix::new(letter).expect("a capital letter")
}

pub fn staff(id: &str) -> StaffId {
    StaffId::from(id)
}

/// A ticket number as printed, such as `A003`.
pub fn num(printed: &str) -> TicketNumber {
    printed.parse().expect("a ticket number")
}

fn queue(letter: char, name: &str, kind: QueueKind, service: &str, cap: u32) -> QueueSetup {
    QueueSetup {
        prefix: prefix(letter),
        name: name.into(),
        kind,
        services: vec![service.into()],
        daily_cap: cap,
        first: 1,
        last: 999,
        default_service_minutes: 8.0,
        appointments: None,
    }
}

fn counter(number: CounterNo, kind: CounterKind, queues: &[char]) -> CounterSetup {
    CounterSetup {
        number,
        name: format!("{number} 号窗口"),
        kind,
        queues: queues.iter().map(|&q| prefix(q)).collect(),
    }
}

fn member(id: &str, role: Role, counter: Option<CounterNo>) -> StaffSetup {
    StaffSetup {
        id: staff(id),
        name: format!("工作人员 {id}"),
        role,
        department: (role == Role::Reviewer).then(|| "scjg".to_owned()),
        counter,
    }
}

pub fn setup() -> HallSetup {
    HallSetup {
        name: "测试政务服务大厅".into(),
        day_rule: DayRule {
            zone: chrono_tz::Asia::Shanghai,
            rollover: NaiveTime::from_hms_opt(2, 0, 0).expect("a time"),
        },
        rules: QueueRules::default(),
        queues: vec![
            queue('A', "市场监管", QueueKind::Service, "SCJG-001", 300),
            queue('B', "公安", QueueKind::Service, "GA-001", B_DAILY_CAP),
            queue('P', "统一出件", QueueKind::Pickup, "QJ-001", 300),
        ],
        counters: vec![
            counter(1, CounterKind::Intake, &['A', 'B']),
            counter(2, CounterKind::Dedicated, &['A']),
            counter(3, CounterKind::Pickup, &['P']),
        ],
        staff: vec![
            member("1001", Role::Intake, Some(1)),
            member("1002", Role::Intake, Some(2)),
            member("3001", Role::Pickup, Some(3)),
            member("2001", Role::Reviewer, None),
        ],
        calendar: WorkingCalendar::default(),
        cases: CaseRules::default(),
        departments_by_service: Default::default(),
        bookings: BookingRules::default(),
    }
}

/// One queue of a setup, to change it for a test.
pub fn queue_of(setup: &mut HallSetup, letter: char) -> &mut QueueSetup {
    setup
        .queues
        .iter_mut()
        .find(|q| q.prefix == prefix(letter))
        .expect("a queue of the fixture")
}

/// The business day the tests run on.
pub fn day() -> BusinessDay {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date")
}

/// A wall-clock time in the hall's zone on `date`.
pub fn local(date: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    let naive = date.and_hms_opt(hour, minute, 0).expect("a time");
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .expect("Shanghai has no gaps")
        .with_timezone(&Utc)
}

/// `secs` seconds after the hall opens at 09:00 on the test day.
pub fn at(secs: i64) -> Timestamp {
    local(day(), 9, 0) + Duration::seconds(secs)
}

pub fn hall() -> Hall {
    hall_with(setup())
}

pub fn hall_with(setup: HallSetup) -> Hall {
    Hall::new(Arc::new(setup), day())
}

/// Folds a decision's events into the hall and hands them back; a refusal
/// fails the test, naming the error.
#[track_caller]
pub fn run(hall: &mut Hall, events: Result<Vec<HallEvent>, QueueError>) -> Vec<HallEvent> {
    let events = events.unwrap_or_else(|e| panic!("refused: {e:?} ({e})"));
    for e in &events {
        hall.apply(e);
    }
    events
}

/// Makes a decision on the hall as it is and folds its events in, as the
/// hub's writer does: `act(&mut hall, |h| h.start(1, &clerk, now))`.
#[track_caller]
pub fn act(
    hall: &mut Hall,
    decide: impl FnOnce(&Hall) -> Result<Vec<HallEvent>, QueueError>,
) -> Vec<HallEvent> {
    let events = decide(hall);
    run(hall, events)
}

/// Logs `who` in at `counter` with a session named after both.
#[track_caller]
pub fn log_in(hall: &mut Hall, who: &str, counter: CounterNo, now: Timestamp) -> SessionId {
    let session = SessionId(format!("s-{who}-{counter}"));
    act(hall, |h| {
        h.log_in(&staff(who), Some(counter), session.clone(), now)
    });
    session
}

/// Issues a ticket of queue `letter` with a chosen id.
#[track_caller]
pub fn issue_as(
    hall: &mut Hall,
    id: &str,
    letter: char,
    priority: bool,
    now: Timestamp,
) -> TicketId {
    let id = TicketId::from(id);
    let wanted = Wanted::Queue(prefix(letter));
    act(hall, |h| h.issue(&wanted, priority, id.clone(), now));
    id
}

/// Issues a ticket of queue `letter`; ids are `ticket-1`, `ticket-2`, ….
#[track_caller]
pub fn issue(hall: &mut Hall, letter: char, priority: bool, now: Timestamp) -> TicketId {
    let id = format!("ticket-{}", hall.tickets().count() + 1);
    issue_as(hall, &id, letter, priority, now)
}

/// The printed number of a ticket, such as `A001`.
#[track_caller]
pub fn number(hall: &Hall, id: &TicketId) -> String {
    hall.ticket(id).expect("a known ticket").number.to_string()
}

/// Calls the next citizen to `counter` and says which number was called.
#[track_caller]
pub fn call(hall: &mut Hall, counter: CounterNo, who: &str, now: Timestamp) -> String {
    match act(hall, |h| h.call_next(counter, &staff(who), now)).as_slice() {
        [HallEvent::TicketCalled { number, .. }] => number.to_string(),
        other => panic!("call_next gave {other:?}"),
    }
}

/// The citizen at `counter` arrives and is served to the end.
#[track_caller]
pub fn serve(hall: &mut Hall, counter: CounterNo, who: &str, now: Timestamp) {
    act(hall, |h| h.start(counter, &staff(who), now));
    act(hall, |h| h.finish(counter, &staff(who), now));
}

/// Calls and fully serves the next citizen, saying which number it was.
#[track_caller]
pub fn call_and_serve(hall: &mut Hall, counter: CounterNo, who: &str, now: Timestamp) -> String {
    let called = call(hall, counter, who, now);
    serve(hall, counter, who, now);
    called
}

/// Calls the next citizen, recalls them as often as needed, and marks them a
/// no-show at `now`.
#[track_caller]
pub fn call_and_miss(hall: &mut Hall, counter: CounterNo, who: &str, now: Timestamp) -> String {
    let called = call(hall, counter, who, now);
    for _ in 0..hall.setup().rules.recalls_before_no_show {
        act(hall, |h| h.recall(counter, &staff(who), now));
    }
    act(hall, |h| h.no_show(counter, &staff(who), now));
    called
}
