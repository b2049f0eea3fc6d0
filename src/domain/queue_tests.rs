//! Tests of issuing and calling: numbering, the daily cap, rollover, the
//! calling order, the green channel and calls out of turn.

use super::error::QueueError;
use super::event::HallEvent;
use super::queue::Wanted;
use super::test_hall::*;
use super::ticket::TicketState;

// ---- numbering ----

#[test]
fn numbers_count_up_per_queue() {
    let mut hall = hall();
    let a1 = issue(&mut hall, 'A', false, at(0));
    let b1 = issue(&mut hall, 'B', false, at(1));
    let a2 = issue(&mut hall, 'A', true, at(2));
    let a3 = issue(&mut hall, 'A', false, at(3));
    let printed: Vec<String> = [&a1, &b1, &a2, &a3]
        .into_iter()
        .map(|id| number(&hall, id))
        .collect();
    assert_eq!(printed, ["A001", "B001", "A002", "A003"]);

    let t = hall.ticket(&a2).unwrap();
    assert_eq!(t.day, day());
    assert_eq!(t.queue, prefix('A'));
    assert_eq!(t.state, TicketState::Waiting);
    assert_eq!(t.issued_at, at(2));
    assert!(t.priority);
    assert_eq!(hall.queue_day(prefix('A')).unwrap().issued, 3);
}

#[test]
fn a_service_code_finds_its_queue() {
    let mut hall = hall();
    let wanted = Wanted::Service("GA-001".into());
    act(&mut hall, |h| h.issue(&wanted, false, "t".into(), at(0)));
    let t = hall.ticket(&"t".into()).unwrap();
    assert_eq!(t.number.to_string(), "B001");
    assert_eq!(t.service, Some("GA-001".into()));
}

#[test]
fn width_and_first_number_follow_the_range() {
    let mut setup = setup();
    queue_of(&mut setup, 'A').last = 9999;
    queue_of(&mut setup, 'B').last = 99;
    let p = queue_of(&mut setup, 'P');
    p.kind = super::setup::QueueKind::Service;
    p.first = 101;
    let mut hall = hall_with(setup);
    let a = issue(&mut hall, 'A', false, at(0));
    let b = issue(&mut hall, 'B', false, at(1));
    let p1 = issue(&mut hall, 'P', false, at(2));
    let p2 = issue(&mut hall, 'P', false, at(3));
    assert_eq!(number(&hall, &a), "A0001");
    assert_eq!(number(&hall, &b), "B01");
    assert_eq!(number(&hall, &p1), "P101");
    assert_eq!(number(&hall, &p2), "P102");
}

#[test]
fn the_daily_cap_refuses_politely_and_issues_nothing() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    for i in 0..B_DAILY_CAP {
        issue(&mut hall, 'B', false, at(i.into()));
    }
    // Serving a citizen does not give the number back.
    call_and_serve(&mut hall, 1, "1001", at(10));

    let before = hall.clone();
    let refused = hall.issue(&Wanted::Queue(prefix('B')), false, "late".into(), at(20));
    let err = refused.unwrap_err();
    assert_eq!(
        err,
        QueueError::DailyCapReached {
            queue: prefix('B'),
            name: "公安".into()
        }
    );
    assert!(err.to_string().contains("请明日再来"), "{err}");
    assert_eq!(hall, before);
    // Other queues still issue.
    let a = issue(&mut hall, 'A', false, at(21));
    assert_eq!(number(&hall, &a), "A001");
}

#[test]
fn running_out_of_numbers_refuses_like_the_cap() {
    let mut setup = setup();
    queue_of(&mut setup, 'A').last = 2;
    let mut hall = hall_with(setup);
    issue(&mut hall, 'A', false, at(0));
    issue(&mut hall, 'A', false, at(1));
    let refused = hall.issue(&Wanted::Queue(prefix('A')), false, "x".into(), at(2));
    assert!(matches!(
        refused,
        Err(QueueError::DailyCapReached { queue, .. }) if queue == prefix('A')
    ));
}

#[test]
fn pickup_and_unknown_queues_are_refused() {
    let hall = hall();
    let issue = |wanted: Wanted| hall.issue(&wanted, false, "x".into(), at(0));
    assert_eq!(
        issue(Wanted::Queue(prefix('P'))),
        Err(QueueError::PickupQueue(prefix('P')))
    );
    assert_eq!(
        issue(Wanted::Service("QJ-001".into())),
        Err(QueueError::PickupQueue(prefix('P')))
    );
    assert_eq!(
        issue(Wanted::Service("NOPE-9".into())),
        Err(QueueError::UnknownService("NOPE-9".into()))
    );
    assert_eq!(
        issue(Wanted::Queue(prefix('Z'))),
        Err(QueueError::UnknownQueue(prefix('Z')))
    );
}

#[test]
fn rollover_restarts_numbering_and_expires_the_unserved() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    log_in(&mut hall, "1002", 2, at(0));
    let a1 = issue(&mut hall, 'A', false, at(1));
    let a2 = issue(&mut hall, 'A', false, at(2));
    let b1 = issue(&mut hall, 'B', false, at(3));
    let a3 = issue(&mut hall, 'A', false, at(4));
    assert_eq!(call_and_serve(&mut hall, 1, "1001", at(10)), "A001");
    assert_eq!(call(&mut hall, 1, "1001", at(20)), "A002"); // called
    assert_eq!(call(&mut hall, 2, "1002", at(20)), "A003");
    act(&mut hall, |h| h.start(2, &staff("1002"), at(30))); // serving

    let next_day = day().succ_opt().unwrap();
    assert_eq!(hall.roll_over(local(day(), 23, 0)), None);
    assert_eq!(hall.roll_over(local(next_day, 1, 59)), None);

    let now = local(next_day, 2, 0);
    let event = hall.roll_over(now).expect("a new business day");
    let mut expired = vec![a2, a3, b1];
    expired.sort();
    assert_eq!(
        event,
        HallEvent::DayRolledOver {
            from: day(),
            to: next_day,
            expired,
            at: now,
        }
    );
    hall.apply(&event);
    assert_eq!(hall.day(), next_day);
    assert!(hall.ticket(&a1).is_none());
    assert!(hall.sessions().next().is_none(), "staff log in afresh");

    let fresh = issue(&mut hall, 'A', false, now);
    assert_eq!(number(&hall, &fresh), "A001");
    assert_eq!(hall.ticket(&fresh).unwrap().day, next_day);
}

// ---- call_next ----

#[test]
fn calls_first_come_first_served_across_the_counters_queues() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    issue(&mut hall, 'B', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    issue(&mut hall, 'B', false, at(3));
    issue(&mut hall, 'A', false, at(4));
    let called: Vec<String> = (0..4)
        .map(|i| call_and_serve(&mut hall, 1, "1001", at(100 + i)))
        .collect();
    assert_eq!(called, ["B001", "A001", "B002", "A002"]);
}

#[test]
fn a_counter_never_calls_from_a_queue_it_does_not_serve() {
    let mut hall = hall();
    log_in(&mut hall, "1002", 2, at(0));
    let b1 = issue(&mut hall, 'B', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    assert_eq!(call_and_serve(&mut hall, 2, "1002", at(10)), "A001");
    assert_eq!(
        hall.call_next(2, &staff("1002"), at(20)),
        Err(QueueError::NobodyWaiting(2))
    );
    assert_eq!(hall.ticket(&b1).unwrap().state, TicketState::Waiting);
}

#[test]
fn the_green_channel_goes_first_but_never_starves_the_others() {
    let limit = super::setup::QueueRules::default().priority_streak_limit;
    assert_eq!(limit, 2, "the expected order below assumes the default");
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    for i in 0..3 {
        issue(&mut hall, 'A', false, at(i)); // A001..A003
    }
    for i in 3..7 {
        issue(&mut hall, 'A', true, at(i)); // A004..A007, green channel
    }
    let mut called = Vec::new();
    for i in 0..7 {
        let number = call_and_serve(&mut hall, 1, "1001", at(100 + i));
        called.push((number, hall.counter(1).unwrap().priority_streak));
    }
    let expected = [
        ("A004", 1),
        ("A005", 2),
        ("A001", 0),
        ("A006", 1),
        ("A007", 2),
        ("A002", 0),
        ("A003", 0),
    ];
    assert_eq!(called, expected.map(|(n, s)| (n.to_owned(), s)));
}

#[test]
fn the_limit_does_not_block_when_only_the_green_channel_waits() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    for i in 0..4 {
        issue(&mut hall, 'A', true, at(i));
    }
    for i in 0..4 {
        assert_eq!(
            call_and_serve(&mut hall, 1, "1001", at(10 + i)),
            format!("A00{}", i + 1)
        );
    }
    assert_eq!(hall.counter(1).unwrap().priority_streak, 4);
    // An ordinary citizen arriving now is next, then the green channel again.
    issue(&mut hall, 'B', true, at(20));
    issue(&mut hall, 'A', false, at(21));
    assert_eq!(call_and_serve(&mut hall, 1, "1001", at(30)), "A005");
    assert_eq!(call_and_serve(&mut hall, 1, "1001", at(31)), "B001");
}

#[test]
fn a_paused_counter_does_not_call() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    issue(&mut hall, 'A', false, at(1));
    let clerk = staff("1001");
    assert_eq!(
        hall.pause(1, &clerk, "  ", at(2)),
        Err(QueueError::ReasonRequired)
    );
    act(&mut hall, |h| h.pause(1, &clerk, "午休", at(2)));
    assert_eq!(
        hall.pause(1, &clerk, "午休", at(3)),
        Err(QueueError::CounterPaused(1))
    );
    assert_eq!(
        hall.call_next(1, &clerk, at(3)),
        Err(QueueError::CounterPaused(1))
    );
    act(&mut hall, |h| h.resume(1, &clerk, at(4)));
    assert_eq!(
        hall.resume(1, &clerk, at(5)),
        Err(QueueError::CounterNotPaused(1))
    );
    assert_eq!(call(&mut hall, 1, "1001", at(5)), "A001");
}

#[test]
fn a_counter_with_a_citizen_does_not_call_another() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    issue(&mut hall, 'A', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    let clerk = staff("1001");
    call(&mut hall, 1, "1001", at(3));
    let busy = Err(QueueError::CounterBusy {
        number: num("A001"),
    });
    assert_eq!(hall.call_next(1, &clerk, at(4)), busy);
    act(&mut hall, |h| h.start(1, &clerk, at(5)));
    assert_eq!(hall.call_next(1, &clerk, at(6)), busy);
    assert_eq!(hall.pause(1, &clerk, "午休", at(6)), busy);
    act(&mut hall, |h| h.finish(1, &clerk, at(7)));
    assert_eq!(call(&mut hall, 1, "1001", at(8)), "A002");
}

#[test]
fn only_the_staff_logged_in_at_a_counter_call_there() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    issue(&mut hall, 'A', false, at(1));
    assert_eq!(
        hall.call_next(1, &staff("1002"), at(2)),
        Err(QueueError::NotYourCounter(1))
    );
    assert_eq!(
        hall.call_next(2, &staff("1001"), at(2)),
        Err(QueueError::NotYourCounter(2))
    );
    assert_eq!(
        hall.call_next(9, &staff("1001"), at(2)),
        Err(QueueError::UnknownCounter(9))
    );
}

#[test]
fn nobody_waiting_is_said_so() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    assert_eq!(
        hall.call_next(1, &staff("1001"), at(1)),
        Err(QueueError::NobodyWaiting(1))
    );
}

// ---- call_out_of_turn ----

#[test]
fn out_of_turn_needs_a_reason_and_calls_exactly_that_ticket() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    let a1 = issue(&mut hall, 'A', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    let a3 = issue(&mut hall, 'A', false, at(3));
    let clerk = staff("1001");
    for blank in ["", "   "] {
        assert_eq!(
            hall.call_out_of_turn(1, &clerk, &num("A003"), blank, at(4)),
            Err(QueueError::ReasonRequired)
        );
    }
    let events = act(&mut hall, |h| {
        h.call_out_of_turn(1, &clerk, &num("A003"), " 预约办理 ", at(4))
    });
    match events.as_slice() {
        [
            HallEvent::TicketCalled {
                ticket,
                out_of_turn,
                counter: 1,
                ..
            },
        ] => {
            assert_eq!(ticket, &a3);
            assert_eq!(out_of_turn.as_deref(), Some("预约办理"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(hall.counter(1).unwrap().current, Some(a3.clone()));
    assert_eq!(hall.ticket(&a3).unwrap().state, TicketState::Called);
    assert_eq!(hall.ahead_of(&a1), Some(0), "the others keep their places");
    serve(&mut hall, 1, "1001", at(5));
    assert_eq!(call(&mut hall, 1, "1001", at(6)), "A001");
}

#[test]
fn out_of_turn_is_refused_outside_the_counters_queues() {
    let mut hall = hall();
    log_in(&mut hall, "1002", 2, at(0));
    issue(&mut hall, 'A', false, at(1));
    issue(&mut hall, 'B', false, at(2));
    let clerk = staff("1002");
    let out_of_turn = |hall: &super::hall::Hall, printed: &str| {
        hall.call_out_of_turn(2, &clerk, &num(printed), "预约", at(3))
    };
    assert_eq!(
        out_of_turn(&hall, "B001"),
        Err(QueueError::NotServedHere {
            number: num("B001"),
            counter: 2
        })
    );
    assert_eq!(out_of_turn(&hall, "A009"), Err(QueueError::UnknownTicket));
    act(&mut hall, |h| out_of_turn(h, "A001"));
    act(&mut hall, |h| h.start(2, &clerk, at(4)));
    act(&mut hall, |h| h.finish(2, &clerk, at(5)));
    assert_eq!(
        out_of_turn(&hall, "A001"),
        Err(QueueError::WrongTicketState {
            number: num("A001"),
            state: TicketState::Finished
        })
    );
}
