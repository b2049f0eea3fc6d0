//! Tests of the wait estimate: which counters count, how queues sharing a
//! counter split it, and when the day's own service times take over.

use super::estimate::wait_minutes;
use super::hall::Hall;
use super::test_hall::*;

fn a() -> super::ids::QueuePrefix {
    prefix('A')
}

#[test]
fn wait_minutes_divides_the_work_between_counters_and_rounds_up() {
    assert_eq!(wait_minutes(0, 480.0, 2.0), 0);
    assert_eq!(wait_minutes(4, 480.0, 1.0), 32);
    assert_eq!(wait_minutes(4, 480.0, 2.0), 16);
    assert_eq!(wait_minutes(3, 100.0, 1.0), 5);
    assert_eq!(wait_minutes(1, 1.0, 1.0), 1);
}

#[test]
fn before_any_counter_opens_all_configured_counters_count() {
    let hall = hall();
    // A is served by counters 1 and 2; nobody waits in B, so both give A all
    // their time: 4 × 8 min / 2.
    assert_eq!(hall.counter_share(a(), 4), 2.0);
    assert_eq!(hall.estimate_wait(a(), 4), 16);
    assert_eq!(hall.estimate_wait(a(), 0), 0);
}

#[test]
fn once_counters_open_only_open_ones_count() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    assert_eq!(hall.estimate_wait(a(), 4), 32, "counter 2 is closed");
    log_in(&mut hall, "1002", 2, at(0));
    assert_eq!(hall.estimate_wait(a(), 4), 16);
    act(&mut hall, |h| h.pause(2, &staff("1002"), "午休", at(1)));
    assert_eq!(
        hall.estimate_wait(a(), 4),
        32,
        "a paused counter is not open"
    );
}

#[test]
fn a_counter_shared_with_a_busy_queue_gives_only_its_share() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    log_in(&mut hall, "1002", 2, at(0));
    issue(&mut hall, 'B', false, at(1));
    issue(&mut hall, 'B', false, at(2));
    // Counter 1 splits between the five in A (four ahead and this one) and
    // the two in B: 5/7 of it, plus all of counter 2.
    let share = hall.counter_share(a(), 4);
    assert!((share - 12.0 / 7.0).abs() < 1e-9, "{share}");
    // 4 × 480 s / (12/7) = 1120 s, 18.7 min.
    assert_eq!(hall.estimate_wait(a(), 4), 19);
    act(&mut hall, |h| h.pause(2, &staff("1002"), "午休", at(3)));
    // 4 × 480 s / (5/7) = 2688 s, 44.8 min.
    assert_eq!(hall.estimate_wait(a(), 4), 45);
}

/// Serves one A citizen at counter 1, called at `called` and finished
/// `secs` seconds later.
fn serve_for(hall: &mut Hall, called: i64, secs: i64) {
    issue(hall, 'A', false, at(called));
    call(hall, 1, "1001", at(called));
    serve(hall, 1, "1001", at(called + secs));
}

#[test]
fn three_finished_services_replace_the_default() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    serve_for(&mut hall, 0, 60);
    serve_for(&mut hall, 100, 120);
    assert_eq!(hall.service_secs(a()), 480.0, "two are not enough");
    serve_for(&mut hall, 300, 180);
    assert_eq!(hall.service_secs(a()), 120.0);
    assert_eq!(
        hall.service_secs(prefix('B')),
        480.0,
        "B has its own figures"
    );
    // Counter 1 alone is open: 3 × 120 s = 6 min.
    assert_eq!(hall.estimate_wait(a(), 3), 6);
}

#[test]
fn only_the_latest_services_count() {
    let mut setup = setup();
    setup.rules.estimate_window = 3;
    let mut hall = hall_with(setup);
    log_in(&mut hall, "1001", 1, at(0));
    for (i, secs) in [600, 60, 120, 180].into_iter().enumerate() {
        serve_for(&mut hall, 1000 * i as i64, secs);
    }
    assert_eq!(hall.service_secs(a()), 120.0);
}

#[test]
fn with_every_counter_busy_even_the_first_in_line_waits_for_one_to_finish() {
    let mut hall = hall();
    assert!(!hall.counters_busy(a()), "no counter open, none busy");
    log_in(&mut hall, "1001", 1, at(0));
    log_in(&mut hall, "1002", 2, at(0));
    issue(&mut hall, 'A', false, at(1));
    issue(&mut hall, 'A', false, at(2));
    call(&mut hall, 1, "1001", at(3));
    assert!(!hall.counters_busy(a()), "counter 2 is free to call");
    assert_eq!(hall.estimate_wait(a(), 0), 0);
    call(&mut hall, 2, "1002", at(4));
    assert!(hall.counters_busy(a()));
    // One service of 8 min to end at two counters' worth: 4 min; with three
    // ahead, four services: 16 min.
    assert_eq!(hall.estimate_wait(a(), 0), 4);
    assert_eq!(hall.estimate_wait(a(), 3), 16);
    serve(&mut hall, 2, "1002", at(5));
    assert!(!hall.counters_busy(a()));
    assert_eq!(hall.estimate_wait(a(), 3), 12);
    act(&mut hall, |h| h.pause(2, &staff("1002"), "午休", at(6)));
    assert!(
        hall.counters_busy(a()),
        "a paused counter neither calls nor counts"
    );
}
