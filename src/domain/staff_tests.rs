//! Tests of staff sessions: who may log in where, one place at a time, and
//! how wrong PINs lock an id for a while.

use chrono::Duration;

use super::error::QueueError;
use super::event::HallEvent;
use super::ids::SessionId;
use super::test_hall::*;

fn session(name: &str) -> SessionId {
    SessionId(name.into())
}

#[test]
fn each_role_logs_in_only_at_counters_it_staffs() {
    let hall = hall();
    let try_at = |who: &str, counter| hall.log_in(&staff(who), counter, session("s"), at(0));
    for (who, counter) in [
        ("1001", 3),
        ("3001", 1),
        ("3001", 2),
        ("2001", 1),
        ("2001", 3),
    ] {
        assert_eq!(
            try_at(who, Some(counter)),
            Err(QueueError::WrongCounterKind { counter }),
            "{who} at {counter}"
        );
    }
    assert!(try_at("1001", Some(1)).is_ok());
    assert!(
        try_at("1001", Some(2)).is_ok(),
        "intake staff a dedicated counter"
    );
    assert!(try_at("3001", Some(3)).is_ok());
    assert!(
        try_at("2001", None).is_ok(),
        "a reviewer works away from counters"
    );
    assert_eq!(try_at("1001", Some(9)), Err(QueueError::UnknownCounter(9)));
    assert_eq!(try_at("9999", Some(1)), Err(QueueError::WrongPin));
}

#[test]
fn a_counter_taken_by_someone_else_is_refused() {
    let mut hall = hall();
    log_in(&mut hall, "1001", 1, at(0));
    assert_eq!(
        hall.log_in(&staff("1002"), Some(1), session("s2"), at(1)),
        Err(QueueError::CounterTaken {
            counter: 1,
            staff: staff("1001")
        })
    );
}

#[test]
fn logging_in_elsewhere_ends_the_older_session() {
    let mut hall = hall();
    let first = log_in(&mut hall, "1001", 1, at(0));
    let events = act(&mut hall, |h| {
        h.log_in(&staff("1001"), Some(2), session("s-new"), at(60))
    });
    let expires_at = local(day().succ_opt().unwrap(), 2, 0);
    assert_eq!(
        events,
        [
            HallEvent::StaffLoggedOut {
                session: first.clone(),
                staff: staff("1001"),
                counter: Some(1),
                at: at(60),
            },
            HallEvent::StaffLoggedIn {
                session: session("s-new"),
                staff: staff("1001"),
                counter: Some(2),
                at: at(60),
                expires_at,
            },
        ]
    );
    assert!(hall.session(&first).is_none());
    assert_eq!(hall.counter(1).unwrap().staff, None);
    assert_eq!(hall.counter(1).unwrap().session, None);
    assert_eq!(hall.counter(2).unwrap().staff, Some(staff("1001")));
    assert_eq!(hall.sessions().count(), 1);
    // Counter 1 is free again.
    log_in(&mut hall, "1002", 1, at(61));
}

#[test]
fn logging_in_again_at_the_same_counter_replaces_the_session() {
    let mut hall = hall();
    let first = log_in(&mut hall, "1001", 1, at(0));
    act(&mut hall, |h| {
        h.log_in(&staff("1001"), Some(1), session("s-again"), at(5))
    });
    assert!(hall.session(&first).is_none());
    assert_eq!(hall.counter(1).unwrap().session, Some(session("s-again")));
}

#[test]
fn a_session_lasts_until_the_business_day_ends() {
    let mut hall = hall();
    let s = log_in(&mut hall, "1001", 1, at(0));
    let next_day = day().succ_opt().unwrap();
    assert!(hall.live_session(&s, local(next_day, 1, 59)).is_some());
    assert!(hall.live_session(&s, local(next_day, 2, 0)).is_none());
}

#[test]
fn five_wrong_pins_lock_the_id_until_the_lockout_passes() {
    let mut hall = hall();
    let who = staff("1001");
    let rules = hall.setup().rules.clone();
    assert_eq!(
        (rules.lockout_after, rules.lockout_for.num_minutes()),
        (5, 15)
    );
    for i in 1..5 {
        let events = act(&mut hall, |h| Ok(h.login_failed(&who, at(i))));
        assert!(matches!(
            events.as_slice(),
            [HallEvent::StaffLoginFailed { failures, locked_until: None, .. }] if *failures == i as u32
        ));
        assert!(hall.may_try_login(&who, at(i)).is_ok());
    }
    let events = act(&mut hall, |h| Ok(h.login_failed(&who, at(5))));
    let until = at(5) + rules.lockout_for;
    assert!(matches!(
        events.as_slice(),
        [HallEvent::StaffLoginFailed { failures: 5, locked_until: Some(u), .. }] if *u == until
    ));
    assert_eq!(
        hall.may_try_login(&who, at(6)).unwrap_err(),
        QueueError::StaffLocked { minutes: 15 }
    );
    assert_eq!(
        hall.log_in(&who, Some(1), session("s"), at(6)),
        Err(QueueError::StaffLocked { minutes: 15 })
    );
    assert_eq!(
        hall.may_try_login(&who, until - Duration::seconds(1))
            .unwrap_err(),
        QueueError::StaffLocked { minutes: 1 }
    );
    // Others are not locked out with them.
    assert!(hall.may_try_login(&staff("1002"), at(6)).is_ok());

    assert!(hall.may_try_login(&who, until).is_ok());
    let events = act(&mut hall, |h| Ok(h.login_failed(&who, until)));
    assert!(
        matches!(
            events.as_slice(),
            [HallEvent::StaffLoginFailed {
                failures: 1,
                locked_until: None,
                ..
            }]
        ),
        "the count restarts once the lock has passed: {events:?}"
    );
    assert!(hall.may_try_login(&who, until).is_ok());
}

#[test]
fn a_good_pin_clears_the_wrong_ones() {
    let mut hall = hall();
    let who = staff("1001");
    for i in 0..4 {
        act(&mut hall, |h| Ok(h.login_failed(&who, at(i))));
    }
    log_in(&mut hall, "1001", 1, at(10));
    assert_eq!(hall.login_record(&who), None);
    let events = hall.login_failed(&who, at(11));
    assert!(matches!(
        events.as_slice(),
        [HallEvent::StaffLoginFailed { failures: 1, .. }]
    ));
}

#[test]
fn unknown_staff_produce_no_events() {
    let hall = hall();
    let nobody = staff("9999");
    assert!(hall.login_failed(&nobody, at(0)).is_empty());
    assert_eq!(
        hall.may_try_login(&nobody, at(0)).unwrap_err(),
        QueueError::WrongPin
    );
    assert!(hall.log_out(&session("no-such-session"), at(0)).is_empty());
}

#[test]
fn logging_out_frees_the_counter_but_leaves_its_citizen() {
    let mut hall = hall();
    let s = log_in(&mut hall, "1001", 1, at(0));
    issue(&mut hall, 'A', false, at(1));
    call(&mut hall, 1, "1001", at(2));
    act(&mut hall, |h| Ok(h.log_out(&s, at(3))));
    assert!(hall.session(&s).is_none());
    assert_eq!(hall.counter(1).unwrap().staff, None);
    assert!(!hall.counter(1).unwrap().is_open());
    assert_eq!(
        hall.call_next(1, &staff("1001"), at(4)),
        Err(QueueError::NotYourCounter(1))
    );
    // Whoever sits down next carries on with the citizen.
    log_in(&mut hall, "1002", 1, at(5));
    serve(&mut hall, 1, "1002", at(6));
    assert_eq!(hall.counter(1).unwrap().current, None);
}

#[test]
fn wrong_pins_spread_wider_than_the_lockout_never_add_up_to_a_lock() {
    let mut hall = hall();
    let who = staff("1001");
    let window = hall.setup().rules.lockout_for;
    // Four wrong PINs, then four more just over a lockout later: the count
    // starts afresh, and no lock follows.
    for round in 0..2 {
        let start = at(0) + window * round + Duration::seconds(round.into());
        for i in 0..4 {
            act(&mut hall, |h| {
                Ok(h.login_failed(&who, start + Duration::seconds(i)))
            });
        }
        assert_eq!(hall.login_record(&who).unwrap().failures, 4);
        assert!(
            hall.may_try_login(&who, start + Duration::seconds(5))
                .is_ok()
        );
    }
    // Within the lockout of the first, the fifth locks.
    let last = at(0) + window * 2 - Duration::seconds(1);
    let events = act(&mut hall, |h| Ok(h.login_failed(&who, last - window / 2)));
    assert!(matches!(
        events.as_slice(),
        [HallEvent::StaffLoginFailed {
            failures: 5,
            locked_until: Some(_),
            ..
        }]
    ));
}

#[test]
fn a_lock_is_lifted_by_an_unlock_and_only_a_lock() {
    let mut hall = hall();
    let who = staff("1001");
    assert_eq!(hall.unlock(&who, at(0)), Err(QueueError::NotLocked));
    assert_eq!(
        hall.unlock(&staff("7777"), at(0)),
        Err(QueueError::UnknownStaff(staff("7777")))
    );
    for i in 0..5 {
        act(&mut hall, |h| Ok(h.login_failed(&who, at(i))));
    }
    assert!(hall.may_try_login(&who, at(6)).is_err());
    let events = act(&mut hall, |h| h.unlock(&who, at(6)));
    assert!(matches!(
        events.as_slice(),
        [HallEvent::StaffUnlocked { staff, .. }] if *staff == who
    ));
    assert!(hall.may_try_login(&who, at(7)).is_ok());
    assert_eq!(hall.login_record(&who), None, "the count is forgotten too");
    assert_eq!(hall.unlock(&who, at(8)), Err(QueueError::NotLocked));
    // A lock that has run out needs no unlocking.
    for i in 10..15 {
        act(&mut hall, |h| Ok(h.login_failed(&who, at(i))));
    }
    let after = at(14) + hall.setup().rules.lockout_for;
    assert_eq!(hall.unlock(&who, after), Err(QueueError::NotLocked));
}

#[test]
fn only_a_supervisor_may_unlock() {
    use super::policy::{Who, may_unlock_staff};
    use super::setup::{DeviceKind, Role};
    let hall = hall();
    let mut member = hall.setup().staff[0].clone();
    for role in [
        Role::Intake,
        Role::Pickup,
        Role::Reviewer,
        Role::Supervisor,
        Role::Admin,
    ] {
        member.role = role;
        assert_eq!(
            may_unlock_staff(Who::Staff(&member)).is_ok(),
            role == Role::Supervisor,
            "{role:?}"
        );
    }
    for who in [
        Who::Device(DeviceKind::Kiosk),
        Who::Device(DeviceKind::Display),
        Who::Public,
    ] {
        assert!(may_unlock_staff(who).is_err());
    }
}

#[test]
fn a_chosen_pin_overrides_and_outlives_the_day() {
    let mut hall = hall();
    let who = staff("1001");
    assert_eq!(hall.chosen_pin(&who), None);
    act(&mut hall, |h| {
        Ok(h.change_pin(&who, "$argon2id$new".into(), at(0)))
    });
    assert_eq!(hall.chosen_pin(&who), Some("$argon2id$new"));
    let next_day = local(day().succ_opt().unwrap(), 9, 0);
    let rollover = hall.roll_over(next_day).expect("a new day");
    hall.apply(&rollover);
    assert_eq!(hall.chosen_pin(&who), Some("$argon2id$new"));
    assert_eq!(hall.chosen_pin(&staff("1002")), None);
}
