//! Tests of appointments: the slots of working days, booking and its
//! limits, cancelling, the check-in window's edges, no-shows and their
//! suspension, and the queue-order rule as a property.

use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;

use super::applicant::{Applicant, IdNumber};
use super::booking::{BookingRequest, BookingState, CheckInKey, Early, Late, SlotRules};
use super::calendar::{WorkingCalendar, YearSchedule};
use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{ServiceCode, TicketId, Timestamp};
use super::personal::Salt;
use super::test_hall::*;
use super::ticket::TicketState;

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn march(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

/// Queue A takes bookings: 30-minute slots 09:00–11:00, two a slot, three
/// working days ahead. 2026-03-03 is a holiday and Saturday 03-07 a make-up
/// working day.
fn slot_rules() -> SlotRules {
    SlotRules {
        slot: Duration::minutes(30),
        capacity: 2,
        days_ahead: 3,
        hours: vec![(time(9, 0), time(11, 0))],
        checkin_before: Duration::minutes(60),
        checkin_after: Duration::minutes(15),
        cancel_before: Duration::minutes(60),
        early: Early::Wait,
        late: Late::WalkIn,
        walk_in_delay: Duration::minutes(15),
    }
}

fn bookable(adjust: impl FnOnce(&mut SlotRules)) -> Hall {
    let mut setup = setup();
    let mut rules = slot_rules();
    adjust(&mut rules);
    queue_of(&mut setup, 'A').appointments = Some(rules);
    let year = YearSchedule {
        holidays: [march(3)].into(),
        workdays: [march(7)].into(),
    };
    setup.calendar = WorkingCalendar::new([(2026, year)].into());
    hall_with(setup)
}

/// A valid ID number for the `n`th citizen.
fn id(n: u32) -> String {
    let first17 = format!("33010619800101{n:03}");
    "0123456789X"
        .chars()
        .map(|c| format!("{first17}{c}"))
        .find(|s| IdNumber::parse(s).is_ok())
        .unwrap()
}

fn request(n: u32, day: NaiveDate, start: NaiveTime) -> BookingRequest {
    BookingRequest {
        service: ServiceCode::from("SCJG-001"),
        day,
        start,
        applicant: Applicant::new("张三", &id(n), "13800138000").unwrap(),
    }
}

/// 07:00 on the test day, before anything opens.
fn early_morning() -> Timestamp {
    local(day(), 7, 0)
}

fn try_book(
    hall: &Hall,
    n: u32,
    day: NaiveDate,
    start: NaiveTime,
    code: &str,
) -> Result<Vec<HallEvent>, QueueError> {
    hall.book(
        request(n, day, start),
        code.into(),
        Salt([n as u8; 16]),
        early_morning(),
    )
}

#[track_caller]
fn book(hall: &mut Hall, n: u32, day: NaiveDate, start: NaiveTime, code: &str) {
    act(hall, |h| try_book(h, n, day, start, code));
}

fn check_in(
    hall: &Hall,
    code: &str,
    ticket: &str,
    now: Timestamp,
) -> Result<Vec<HallEvent>, QueueError> {
    hall.check_in(&CheckInKey::Code(code.into()), TicketId::from(ticket), now)
}

// ---- slots ----

#[test]
fn slots_are_on_working_days_only_and_started_ones_are_left_out() {
    let hall = bookable(|_| {});
    let service = ServiceCode::from("SCJG-001");
    // Monday 03-02 at 09:40: its 09:00 and 09:30 slots have started.
    let days = hall.slots(&service, local(day(), 9, 40)).unwrap();
    let dates: Vec<NaiveDate> = days.iter().map(|d| d.day).collect();
    // The holiday on Tuesday is skipped; three working days in all.
    assert_eq!(dates, [march(2), march(4), march(5)]);
    let today: Vec<NaiveTime> = days[0].slots.iter().map(|s| s.start).collect();
    assert_eq!(today, [time(10, 0), time(10, 30)]);
    assert_eq!(days[1].slots.len(), 4);
    assert!(days[1].slots.iter().all(|s| s.free == 2 && s.capacity == 2));

    // On Friday the make-up Saturday is bookable, Sunday is not.
    let friday = local(march(6), 12, 0);
    let dates: Vec<NaiveDate> = hall
        .slots(&service, friday)
        .unwrap()
        .iter()
        .map(|d| d.day)
        .collect();
    assert_eq!(dates, [march(7), march(9)]);
    assert_eq!(
        hall.slots(&ServiceCode::from("GA-001"), friday),
        Err(QueueError::NotBookable(ServiceCode::from("GA-001")))
    );
}

#[test]
fn a_slot_takes_its_capacity_and_a_cancelled_place_is_free_again() {
    let mut hall = bookable(|_| {});
    book(&mut hall, 1, march(4), time(9, 0), "00000001");
    book(&mut hall, 2, march(4), time(9, 0), "00000002");
    assert_eq!(
        try_book(&hall, 3, march(4), time(9, 0), "00000003"),
        Err(QueueError::SlotFull)
    );
    let slots = hall.slots(&"SCJG-001".into(), early_morning()).unwrap();
    let wednesday = slots.iter().find(|d| d.day == march(4)).unwrap();
    assert_eq!(wednesday.slots[0].free, 0);
    assert_eq!(wednesday.slots[1].free, 2);

    let four = &id(1)[14..];
    act(&mut hall, |h| {
        h.cancel_booking("00000001", four, early_morning())
    });
    assert_eq!(
        hall.booking("00000001").unwrap().state,
        BookingState::Cancelled
    );
    book(&mut hall, 3, march(4), time(9, 0), "00000003");
}

#[test]
fn a_booking_must_be_a_slot_of_a_bookable_day_not_yet_started() {
    let hall = bookable(|_| {});
    for (day, start) in [
        (march(3), time(9, 0)),  // the holiday
        (march(8), time(9, 0)),  // a Sunday
        (march(9), time(9, 0)),  // beyond three working days
        (march(4), time(9, 15)), // not a slot's start
        (march(4), time(11, 0)), // the hours have ended
        (march(1), time(9, 0)),  // yesterday
    ] {
        assert!(
            matches!(
                try_book(&hall, 1, day, start, "1"),
                Err(QueueError::InvalidSlot(_))
            ),
            "{day} {start}"
        );
    }
    let started = hall.book(
        request(1, day(), time(9, 0)),
        "1".into(),
        Salt([1; 16]),
        local(day(), 9, 0),
    );
    assert!(matches!(started, Err(QueueError::InvalidSlot(_))));
    let taken = Applicant::new("张三", "330106198001010000", "13800138000");
    assert!(
        matches!(taken, Err(QueueError::InvalidIdNumber(_))),
        "the checksum is checked"
    );
}

#[test]
fn one_open_booking_per_id_per_service_per_day() {
    let mut hall = bookable(|_| {});
    book(&mut hall, 1, march(4), time(9, 0), "00000001");
    assert_eq!(
        try_book(&hall, 1, march(4), time(10, 0), "00000002"),
        Err(QueueError::AlreadyBooked)
    );
    book(&mut hall, 1, march(5), time(10, 0), "00000002");
    assert_eq!(
        try_book(&hall, 2, march(5), time(10, 0), "00000002"),
        Err(QueueError::BookingCodeTaken)
    );
}

#[test]
fn the_booking_is_sealed_in_the_log() {
    let mut hall = bookable(|_| {});
    let events = act(&mut hall, |h| {
        try_book(h, 1, march(4), time(9, 0), "00000001")
    });
    let logged = serde_json::to_string(&events[0]).unwrap();
    assert!(
        !logged.contains(&id(1)) && !logged.contains("张三") && !logged.contains("13800138000")
    );
    let b = hall.booking("00000001").unwrap();
    assert_eq!(b.applicant.name.value().map(String::as_str), Some("张三"));
}

// ---- cancelling ----

#[test]
fn cancelling_needs_the_ids_last_four_and_closes_before_the_slot() {
    let mut hall = bookable(|_| {});
    book(&mut hall, 1, march(4), time(10, 0), "00000001");
    let four = &id(1)[14..];
    assert_eq!(
        hall.cancel_booking("00000001", "0000", early_morning()),
        Err(QueueError::UnknownBooking)
    );
    assert_eq!(
        hall.cancel_booking("00000009", four, early_morning()),
        Err(QueueError::UnknownBooking)
    );
    let deadline = local(march(4), 9, 0);
    assert!(matches!(
        hall.cancel_booking("00000001", four, deadline + Duration::seconds(1)),
        Err(QueueError::CancelClosed(_))
    ));
    act(&mut hall, |h| {
        h.cancel_booking("00000001", &four.to_lowercase(), deadline)
    });
    assert!(matches!(
        hall.cancel_booking("00000001", four, deadline),
        Err(QueueError::CancelClosed(_))
    ));
}

// ---- check-in ----

#[test]
fn check_in_opens_and_closes_on_the_edges_of_its_window() {
    let booked = local(day(), 10, 0);
    let opens = booked - Duration::minutes(60);
    let closes = booked + Duration::minutes(15);
    let come_back = |r: &mut SlotRules| r.early = Early::ComeBack;
    let mut hall = bookable(come_back);
    book(&mut hall, 1, day(), time(10, 0), "00000001");
    assert_eq!(
        check_in(&hall, "00000001", "t", opens - Duration::seconds(1)),
        Err(QueueError::TooEarly("09:00".into()))
    );
    let events = act(&mut hall, |h| check_in(h, "00000001", "t", opens));
    assert!(matches!(
        &events[0],
        HallEvent::BookingCheckedIn { late: false, .. }
    ));
    let t = hall.ticket(&"t".into()).unwrap();
    assert_eq!(t.appointment.as_ref().map(|a| a.at), Some(booked));
    assert!(matches!(
        check_in(&hall, "00000001", "u", opens),
        Err(QueueError::CheckinClosed(_))
    ));

    // The last second of the window still checks in; the next is late.
    let mut hall = bookable(|_| {});
    book(&mut hall, 1, day(), time(10, 0), "00000001");
    book(&mut hall, 2, day(), time(10, 0), "00000002");
    act(&mut hall, |h| check_in(h, "00000001", "t1", closes));
    assert!(hall.ticket(&"t1".into()).unwrap().appointment.is_some());
    let events = act(&mut hall, |h| {
        check_in(h, "00000002", "t2", closes + Duration::seconds(1))
    });
    assert!(matches!(
        &events[0],
        HallEvent::BookingCheckedIn { late: true, .. }
    ));
    let walk_in = hall.ticket(&"t2".into()).unwrap();
    assert!(walk_in.appointment.is_none(), "a late arrival is a walk-in");
    assert_eq!(
        hall.booking("00000002").unwrap().state,
        BookingState::Missed
    );

    // Early, where the hall lets them wait: checked in, in the booked place.
    let mut hall = bookable(|_| {});
    book(&mut hall, 1, day(), time(10, 0), "00000001");
    act(&mut hall, |h| check_in(h, "00000001", "t", early_morning()));
    assert_eq!(
        hall.ticket(&"t".into()).unwrap().order,
        (booked.timestamp_millis() << 20) + 1
    );
    // A second for the same time goes after the first, whatever its id.
    book(&mut hall, 2, day(), time(10, 0), "00000002");
    act(&mut hall, |h| check_in(h, "00000002", "a", early_morning()));
    let (first, second) = (
        hall.ticket(&"t".into()).unwrap(),
        hall.ticket(&"a".into()).unwrap(),
    );
    assert!(first.order < second.order);
}

#[test]
fn a_late_arrival_is_refused_where_the_hall_says_so_and_another_days_booking_is_unknown() {
    let mut hall = bookable(|r| r.late = Late::Refuse);
    book(&mut hall, 1, day(), time(10, 0), "00000001");
    book(&mut hall, 2, march(4), time(10, 0), "00000002");
    assert!(matches!(
        check_in(&hall, "00000001", "t", local(day(), 10, 16)),
        Err(QueueError::CheckinClosed(_))
    ));
    assert_eq!(
        check_in(&hall, "00000002", "t", local(day(), 10, 0)),
        Err(QueueError::UnknownBooking)
    );
    // By ID number, today's booking is found.
    let by_id = CheckInKey::IdNumber(IdNumber::parse(&id(1)).unwrap());
    act(&mut hall, |h| {
        h.check_in(&by_id, "t".into(), local(day(), 9, 30))
    });
    assert_eq!(
        hall.booking("00000001").unwrap().state,
        BookingState::CheckedIn
    );
}

// ---- no-shows ----

#[test]
fn a_booking_not_checked_in_by_the_windows_end_is_a_no_show() {
    let mut hall = bookable(|_| {});
    book(&mut hall, 1, day(), time(9, 0), "00000001");
    book(&mut hall, 2, day(), time(10, 0), "00000002");
    let closes = local(day(), 9, 15);
    assert_eq!(hall.missed_bookings(closes), None);
    let missed = hall.missed_bookings(closes + Duration::seconds(1)).unwrap();
    assert!(matches!(&missed, HallEvent::BookingsMissed { codes, .. } if codes == &["00000001"]));
    hall.apply(&missed);
    assert_eq!(
        hall.booking("00000001").unwrap().state,
        BookingState::Missed
    );
    assert_eq!(
        hall.booking("00000002").unwrap().state,
        BookingState::Booked
    );
}

#[test]
fn three_no_shows_within_thirty_days_suspend_booking_for_thirty_days() {
    let mut hall = bookable(|r| r.days_ahead = 60);
    let citizen = IdNumber::parse(&id(1)).unwrap();
    // Three bookings on working days two weeks apart, none kept.
    for (n, d) in [(1, march(4)), (2, march(11)), (3, march(18))] {
        book(&mut hall, 1, d, time(9, 0), &format!("0000000{n}"));
    }
    let after = |d: NaiveDate| local(d, 12, 0);
    for d in [march(4), march(11)] {
        let missed = hall.missed_bookings(after(d)).unwrap();
        hall.apply(&missed);
        assert_eq!(hall.suspended_until(&citizen, after(d)), None);
    }
    let missed = hall.missed_bookings(after(march(18))).unwrap();
    hall.apply(&missed);
    let until = march(18) + Duration::days(30);
    assert_eq!(
        hall.suspended_until(&citizen, after(march(18))),
        Some(until)
    );
    let refused = hall.book(
        request(1, march(20), time(9, 0)),
        "9".into(),
        Salt([1; 16]),
        after(march(18)),
    );
    assert_eq!(
        refused,
        Err(QueueError::BookingSuspended {
            count: 3,
            days: 30,
            until
        })
    );
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("2026-04-17 前暂停预约")
    );
    // Someone else books as before; the suspension ends on its day.
    let other = IdNumber::parse(&id(2)).unwrap();
    assert_eq!(hall.suspended_until(&other, after(march(18))), None);
    assert_eq!(hall.suspended_until(&citizen, local(until, 12, 0)), None);
}

// ---- the queue-order rule ----

#[derive(Clone, Debug)]
enum Step {
    WalkIn,
    GreenChannel,
    /// Someone with a booking for slot `n` (09:00 + n × 30 minutes) checks in.
    CheckIn(u32),
    Call,
    Wait(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::WalkIn),
        1 => Just(Step::GreenChannel),
        2 => (0u32..6).prop_map(Step::CheckIn),
        4 => Just(Step::Call),
        3 => (1i64..8).prop_map(Step::Wait),
    ]
}

/// A hall whose counter 2 serves queue A, with six slots of ten bookings
/// each made before opening.
fn hall_for_order() -> Hall {
    let mut hall = bookable(|r| {
        r.capacity = 10;
        r.hours = vec![(time(9, 0), time(12, 0))];
    });
    for slot in 0..6u32 {
        for k in 0..10u32 {
            let start = time(9, 0) + Duration::minutes(30 * i64::from(slot));
            book(
                &mut hall,
                slot * 10 + k,
                day(),
                start,
                &format!("{slot}{k:07}"),
            );
        }
    }
    log_in(&mut hall, "1002", 2, local(day(), 8, 0));
    hall
}

/// Checks the rule on the call `call_next` is about to make at `now`.
fn check_call(hall: &Hall, called: &TicketId, now: Timestamp, green_waiting: bool) {
    let delay = Duration::minutes(15);
    let t = hall.ticket(called).unwrap();
    let waiting: Vec<_> = hall
        .tickets()
        .filter(|w| w.state == TicketState::Waiting && !w.priority)
        .collect();
    if t.priority {
        return;
    }
    // The green channel goes first, appointments or not (within the streak).
    let streak = hall.counter(2).unwrap().priority_streak;
    assert!(!green_waiting || streak >= hall.setup().rules.priority_streak_limit);
    if t.appointment.is_some() {
        // No walk-in it passes has waited the delay.
        for w in waiting.iter().filter(|w| w.appointment.is_none()) {
            let passed = (w.order, &w.id) > (t.order, &t.id) && w.issued_at < t.issued_at;
            assert!(
                !(passed && now - w.issued_at >= delay),
                "{} passed {}",
                t.number,
                w.number
            );
        }
    }
    // Whoever is called first is the earliest place, unless a walk-in who
    // waited the delay is protected from an appointment that came later.
    for a in waiting
        .iter()
        .filter(|a| (a.order, &a.id) < (t.order, &t.id))
    {
        let protected = a.appointment.is_some()
            && t.appointment.is_none()
            && t.issued_at < a.issued_at
            && now - t.issued_at >= delay;
        assert!(protected, "{} called before {}", t.number, a.number);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn appointments_keep_their_place_and_never_hold_a_walk_in_past_the_delay(
        steps in proptest::collection::vec(step(), 1..80)
    ) {
        let mut hall = hall_for_order();
        let mut now = local(day(), 8, 50);
        let mut checked = std::collections::BTreeSet::new();
        for (i, s) in steps.into_iter().enumerate() {
            match s {
                Step::WalkIn => { issue(&mut hall, 'A', false, now); }
                Step::GreenChannel => { issue(&mut hall, 'A', true, now); }
                Step::CheckIn(slot) => {
                    let k = (0..10u32).find(|k| !checked.contains(&(slot, *k)));
                    if let Some(k) = k {
                        checked.insert((slot, k));
                        let code = format!("{slot}{k:07}");
                        act(&mut hall, |h| check_in(h, &code, &format!("c{i}"), now));
                    }
                }
                Step::Call => {
                    if hall.counter(2).unwrap().current.is_some() {
                        serve(&mut hall, 2, "1002", now);
                    }
                    let green = hall.tickets().any(|t| t.priority && t.state == TicketState::Waiting);
                    if let Ok(events) = hall.call_next(2, &staff("1002"), now) {
                        if let [HallEvent::TicketCalled { ticket, .. }] = events.as_slice() {
                            check_call(&hall, ticket, now, green);
                        }
                        for e in &events { hall.apply(e); }
                    }
                }
                Step::Wait(m) => now += Duration::minutes(m),
            }
        }
    }
}
