//! Tests of what happens to a called citizen: recall, no-show and coming back
//! late, start and finish, transfer to another queue or counter.

use chrono::Duration;

use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::queue::TransferTo;
use super::test_hall::*;
use super::ticket::TicketState;

/// A hall with counter 1 open and `n` ordinary A tickets issued ten seconds
/// apart, A001 first.
fn hall_with_line(n: i64) -> (Hall, Vec<super::ids::TicketId>) {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    let ids = (0..n)
        .map(|i| issue(&mut hall, 'A', false, at(10 * i)))
        .collect();
    (hall, ids)
}

// ---- recall and no-show ----

#[test]
fn no_show_waits_for_enough_recalls() {
    let (mut hall, ids) = hall_with_line(2);
    let clerk = staff("1001");
    call(&mut hall, 1, "1001", at(100));
    assert_eq!(
        hall.no_show(1, &clerk, at(101)),
        Err(QueueError::RecallsNeeded {
            number: num("A001"),
            remaining: 2
        })
    );
    let events = act(&mut hall, |h| h.recall(1, &clerk, at(102)));
    assert!(matches!(
        events.as_slice(),
        [HallEvent::TicketRecalled { recalls: 1, .. }]
    ));
    assert_eq!(
        hall.no_show(1, &clerk, at(103)),
        Err(QueueError::RecallsNeeded {
            number: num("A001"),
            remaining: 1
        })
    );
    act(&mut hall, |h| h.recall(1, &clerk, at(104)));
    act(&mut hall, |h| h.no_show(1, &clerk, at(105)));

    let t = hall.ticket(&ids[0]).unwrap();
    assert_eq!(t.state, TicketState::NoShow);
    assert_eq!(t.no_show_at, Some(at(105)));
    assert_eq!(hall.counter(1).unwrap().current, None);
    // The absent citizen is not called again by itself.
    assert_eq!(call_and_serve(&mut hall, 1, "1001", at(106)), "A002");
    assert_eq!(
        hall.call_next(1, &clerk, at(107)),
        Err(QueueError::NobodyWaiting(1))
    );
}

#[test]
fn recall_and_no_show_need_a_called_citizen() {
    let (mut hall, _) = hall_with_line(1);
    let clerk = staff("1001");
    assert_eq!(
        hall.recall(1, &clerk, at(100)),
        Err(QueueError::NoCurrentTicket(1))
    );
    call(&mut hall, 1, "1001", at(100));
    act(&mut hall, |h| h.start(1, &clerk, at(101)));
    let serving = Err(QueueError::WrongTicketState {
        number: num("A001"),
        state: TicketState::Serving,
    });
    assert_eq!(hall.recall(1, &clerk, at(102)), serving);
    assert_eq!(hall.no_show(1, &clerk, at(102)), serving);
}

// ---- coming back late ----

#[test]
fn a_late_citizen_goes_back_reinsert_places_behind_the_front() {
    let places = hall().setup().rules.reinsert_places;
    assert_eq!(places, 3, "the expected order below assumes the default");
    let (mut hall, ids) = hall_with_line(7);
    assert_eq!(call_and_miss(&mut hall, 1, "1001", at(100)), "A001");

    let events = act(&mut hall, |h| h.reactivate(&ids[0], at(100 + 29 * 60)));
    let [HallEvent::TicketReactivated { order, .. }] = events.as_slice() else {
        panic!("unexpected {events:?}");
    };
    let order_of = |i: usize| hall.ticket(&ids[i]).unwrap().order;
    assert!(
        order_of(3) < *order && *order < order_of(4),
        "between A004 and A005"
    );
    assert_eq!(hall.ticket(&ids[0]).unwrap().state, TicketState::Waiting);
    assert_eq!(hall.ahead_of(&ids[0]), Some(places));

    let called: Vec<String> = (0..6)
        .map(|i| call_and_serve(&mut hall, 1, "1001", at(2000 + i)))
        .collect();
    assert_eq!(called, ["A002", "A003", "A004", "A001", "A005", "A006"]);
}

#[test]
fn a_late_citizen_goes_to_the_end_when_few_wait() {
    let (mut hall, ids) = hall_with_line(3);
    call_and_miss(&mut hall, 1, "1001", at(100));
    act(&mut hall, |h| h.reactivate(&ids[0], at(200)));
    assert_eq!(hall.ahead_of(&ids[0]), Some(2));
    let called: Vec<String> = (0..3)
        .map(|i| call_and_serve(&mut hall, 1, "1001", at(300 + i)))
        .collect();
    assert_eq!(called, ["A002", "A003", "A001"]);
}

#[test]
fn a_late_green_channel_citizen_goes_back_among_the_green_channel() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    let p = issue(&mut hall, 'A', true, at(0));
    issue(&mut hall, 'A', false, at(1));
    call_and_miss(&mut hall, 1, "1001", at(100));
    act(&mut hall, |h| h.reactivate(&p, at(200)));
    assert_eq!(hall.ahead_of(&p), Some(0));
    assert_eq!(call(&mut hall, 1, "1001", at(300)), "A001");
}

/// Tickets issued in one write batch share one `now`. A late citizen put back
/// among them still has exactly `reinsert_places` ahead, not fewer because
/// the places around them are too close to fit between.
#[test]
fn a_late_citizen_fits_between_tickets_of_the_same_instant() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    let ids: Vec<_> = (0..6)
        .map(|_| issue(&mut hall, 'A', false, at(0)))
        .collect();
    call_and_miss(&mut hall, 1, "1001", at(100));
    act(&mut hall, |h| h.reactivate(&ids[0], at(200)));
    assert_eq!(hall.ahead_of(&ids[0]), Some(3));
}

/// Each late citizen put back at the same place halves the room left there;
/// between two tickets of the same instant there is room for twenty.
#[test]
fn every_late_citizen_put_back_at_one_place_gets_reinsert_places_ahead() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    let ids: Vec<_> = (0..40)
        .map(|_| issue(&mut hall, 'A', false, at(0)))
        .collect();
    for _ in 0..20 {
        call_and_miss(&mut hall, 1, "1001", at(100));
    }
    for id in &ids[..20] {
        act(&mut hall, |h| h.reactivate(id, at(200)));
        assert_eq!(hall.ahead_of(id), Some(3), "{}", number(&hall, id));
    }
}

#[test]
fn a_late_citizen_gets_no_more_than_the_late_window() {
    let (mut hall, ids) = hall_with_line(2);
    call_and_miss(&mut hall, 1, "1001", at(100));
    let window = hall.setup().rules.late_window;
    let last_chance = at(100) + window;
    assert!(hall.reactivate(&ids[0], last_chance).is_ok());
    assert_eq!(
        hall.reactivate(&ids[0], last_chance + Duration::seconds(1)),
        Err(QueueError::LateWindowPassed {
            number: num("A001"),
            minutes: 30
        })
    );
    assert_eq!(hall.ticket(&ids[0]).unwrap().state, TicketState::NoShow);
}

#[test]
fn only_a_no_show_can_come_back() {
    let (mut hall, ids) = hall_with_line(2);
    assert_eq!(
        hall.reactivate(&ids[1], at(100)),
        Err(QueueError::WrongTicketState {
            number: num("A002"),
            state: TicketState::Waiting
        })
    );
    call_and_serve(&mut hall, 1, "1001", at(100));
    assert_eq!(
        hall.reactivate(&ids[0], at(101)),
        Err(QueueError::WrongTicketState {
            number: num("A001"),
            state: TicketState::Finished
        })
    );
    assert_eq!(
        hall.reactivate(&"nobody".into(), at(101)),
        Err(QueueError::UnknownTicket)
    );
}

#[test]
fn a_citizen_back_in_line_is_recalled_afresh() {
    let (mut hall, ids) = hall_with_line(1);
    call_and_miss(&mut hall, 1, "1001", at(100));
    act(&mut hall, |h| h.reactivate(&ids[0], at(200)));
    call(&mut hall, 1, "1001", at(300));
    assert_eq!(hall.ticket(&ids[0]).unwrap().recalls, 0);
    assert_eq!(
        hall.no_show(1, &staff("1001"), at(301)),
        Err(QueueError::RecallsNeeded {
            number: num("A001"),
            remaining: 2
        })
    );
}

// ---- start and finish ----

#[test]
fn start_only_when_called_and_finish_only_when_serving() {
    let (mut hall, ids) = hall_with_line(1);
    let clerk = staff("1001");
    assert_eq!(
        hall.start(1, &clerk, at(100)),
        Err(QueueError::NoCurrentTicket(1))
    );
    assert_eq!(
        hall.finish(1, &clerk, at(100)),
        Err(QueueError::NoCurrentTicket(1))
    );
    call(&mut hall, 1, "1001", at(100));
    assert_eq!(
        hall.finish(1, &clerk, at(101)),
        Err(QueueError::WrongTicketState {
            number: num("A001"),
            state: TicketState::Called
        })
    );
    act(&mut hall, |h| h.start(1, &clerk, at(102)));
    assert_eq!(
        hall.start(1, &clerk, at(103)),
        Err(QueueError::WrongTicketState {
            number: num("A001"),
            state: TicketState::Serving
        })
    );
    assert_eq!(
        hall.start(1, &staff("1002"), at(103)),
        Err(QueueError::NotYourCounter(1))
    );
    act(&mut hall, |h| h.finish(1, &clerk, at(104)));

    let t = hall.ticket(&ids[0]).unwrap();
    assert_eq!(t.state, TicketState::Finished);
    assert_eq!(
        (t.called_at, t.started_at, t.finished_at),
        (Some(at(100)), Some(at(102)), Some(at(104)))
    );
    assert_eq!(t.counter, Some(1));
    assert_eq!(t.staff, Some(staff("1001")));
    assert_eq!(hall.counter(1).unwrap().current, None);
}

// ---- transfer ----

#[test]
fn a_transferred_citizen_keeps_their_issue_time_in_the_new_queue() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    log_in(&mut hall, "1002", 2, at(0));
    let b1 = issue(&mut hall, 'B', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    issue(&mut hall, 'A', false, at(3));
    assert_eq!(call(&mut hall, 1, "1001", at(10)), "B001");
    act(&mut hall, |h| h.start(1, &staff("1001"), at(11)));
    act(&mut hall, |h| {
        h.transfer(
            1,
            &staff("1001"),
            TransferTo::Queue(prefix('A')),
            "",
            at(12),
        )
    });

    let t = hall.ticket(&b1).unwrap();
    assert_eq!(t.state, TicketState::Waiting);
    assert_eq!(t.queue, prefix('A'));
    assert_eq!(t.number.to_string(), "B001", "the printed number stays");
    assert_eq!(t.issued_at, at(1));
    assert_eq!(hall.ahead_of(&b1), Some(0));
    assert_eq!(hall.counter(1).unwrap().current, None);
    // Counter 2 serves only A, and the B ticket now waits in A before A001.
    assert_eq!(call_and_serve(&mut hall, 2, "1002", at(20)), "B001");
    assert_eq!(call_and_serve(&mut hall, 2, "1002", at(21)), "A001");
}

#[test]
fn a_citizen_sent_to_a_named_counter_is_called_only_there() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    log_in(&mut hall, "1002", 2, at(0));
    let a1 = issue(&mut hall, 'A', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    let clerk = staff("1001");
    assert_eq!(call(&mut hall, 1, "1001", at(10)), "A001");
    act(&mut hall, |h| {
        h.transfer(1, &clerk, TransferTo::Counter(2), "需专窗审核", at(11))
    });
    assert_eq!(hall.ticket(&a1).unwrap().target_counter, Some(2));

    assert_eq!(call_and_serve(&mut hall, 1, "1001", at(20)), "A002");
    assert_eq!(
        hall.call_next(1, &clerk, at(21)),
        Err(QueueError::NobodyWaiting(1))
    );
    assert_eq!(
        hall.call_out_of_turn(1, &clerk, &num("A001"), "急", at(21)),
        Err(QueueError::NotServedHere {
            number: num("A001"),
            counter: 1
        })
    );
    assert_eq!(call(&mut hall, 2, "1002", at(22)), "A001");
    assert_eq!(hall.ticket(&a1).unwrap().target_counter, None);
}

#[test]
fn transfers_go_somewhere_else_that_calls_citizens() {
    let (mut hall, _) = hall_with_line(1);
    let clerk = staff("1001");
    let transfer = |hall: &Hall, to| hall.transfer(1, &clerk, to, "转办", at(200));
    assert_eq!(
        transfer(&hall, TransferTo::Queue(prefix('A'))),
        Err(QueueError::NoCurrentTicket(1))
    );
    call(&mut hall, 1, "1001", at(100));
    assert_eq!(
        transfer(&hall, TransferTo::Counter(1)),
        Err(QueueError::TransferToSelf)
    );
    assert_eq!(
        transfer(&hall, TransferTo::Queue(prefix('P'))),
        Err(QueueError::PickupQueue(prefix('P')))
    );
    assert_eq!(
        transfer(&hall, TransferTo::Queue(prefix('Z'))),
        Err(QueueError::UnknownQueue(prefix('Z')))
    );
    assert_eq!(
        transfer(&hall, TransferTo::Counter(9)),
        Err(QueueError::UnknownCounter(9))
    );
    // The pickup counter hands over results; it does not take intake tickets.
    assert_eq!(
        transfer(&hall, TransferTo::Counter(3)),
        Err(QueueError::TransferToPickup(3))
    );
    let long = "很".repeat(101);
    assert_eq!(
        hall.transfer(1, &clerk, TransferTo::Counter(2), &long, at(200)),
        Err(QueueError::ReasonTooLong(100))
    );
    assert!(transfer(&hall, TransferTo::Queue(prefix('B'))).is_ok());
}
