//! Tests of the policy's scope: who reads a case when, which events each
//! workplace follows on the stream, what binds a rating to its occasion,
//! who gives the green channel, and how far a case's excluded time reaches.

use chrono::{Duration, NaiveDate};

use super::applicant::Applicant;
use super::case::{CaseState, Delivery};
use super::case_flow::{CaseInput, Intake, MAX_EXCLUDED_SPANS, Ticked};
use super::deadline::DaySpan;
use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{CounterNo, StaffId, Timestamp};
use super::personal::Salt;
use super::policy::{
    CaseAct, EventSight, Occasion, Who, event_sight, may_give_priority, may_read_case,
};
use super::policy_tests::guide;
use super::rating::RatingSubject;
use super::setup::{DeviceKind, Role, StaffSetup};
use super::test_hall::{act, at, call_and_serve, hall_with, issue, log_in, setup, staff};

fn person(id: &str, role: Role, department: Option<&str>) -> StaffSetup {
    StaffSetup {
        id: staff(id),
        name: format!("工作人员 {id}"),
        role,
        department: department.map(str::to_owned),
        counter: None,
    }
}

/// The test hall with a reviewer of another department, a supervisor and
/// an admin; clerks logged in at counters 1, 2 and the pickup window 3.
fn busy_hall() -> Hall {
    let mut setup = setup();
    setup.staff.extend([
        person("2002", Role::Reviewer, Some("sw")),
        person("9001", Role::Supervisor, None),
        person("9901", Role::Admin, None),
    ]);
    let mut hall = hall_with(setup);
    log_in(&mut hall, "1001", 1, at(0));
    log_in(&mut hall, "1002", 2, at(0));
    log_in(&mut hall, "3001", 3, at(0));
    hall
}

fn member<'a>(hall: &'a Hall, id: &str) -> &'a StaffSetup {
    hall.setup().staff_member(&staff(id)).expect("on the staff")
}

/// A case of the reviewers' department opened and accepted at counter 1.
fn accepted_case(hall: &mut Hall, now: Timestamp) -> String {
    let clerk = staff("1001");
    issue(hall, 'A', false, now);
    act(hall, |h| h.call_next(1, &clerk, now));
    act(hall, |h| h.start(1, &clerk, now));
    let input = CaseInput {
        applicant: Applicant::new("张三", "11010519491231002X", "13812345678").expect("valid"),
        salt: Salt([1; 16]),
        materials: vec![Ticked {
            name: "申请书".into(),
            received: true,
            note: None,
        }],
        delivery: Delivery::Pickup,
    };
    let events = act(hall, |h| {
        h.open_case(&guide(), &clerk, 1, input, Intake::Accept, now)
    });
    act(hall, |h| h.finish(1, &clerk, now));
    match events.first() {
        Some(HallEvent::Case { case, .. }) => case.number.clone(),
        other => panic!("no case: {other:?}"),
    }
}

fn claimed_case(hall: &mut Hall, now: Timestamp) -> String {
    let number = accepted_case(hall, now);
    act(hall, |h| h.claim(&number, &staff("2001"), now));
    number
}

#[test]
fn the_pickup_window_reads_a_case_while_it_waits_and_on_the_day_it_left() {
    let mut hall = busy_hall();
    let now = at(0);
    let number = claimed_case(&mut hall, now);
    let rule = hall.setup().day_rule;
    let reads = |hall: &Hall, who: &str, when: Timestamp| {
        let case = hall.case(&number).expect("the case");
        may_read_case(member(hall, who), case, &rule, when).is_ok()
    };
    assert!(
        !reads(&hall, "3001", now),
        "in review: not the window's yet"
    );
    for who in ["1001", "2001", "9001", "9901"] {
        assert!(reads(&hall, who, now), "{who} reads any case of theirs");
    }
    assert!(!reads(&hall, "2002", now), "another department's");
    act(&mut hall, |h| {
        h.decide(&number, &staff("2001"), true, "", now)
    });
    assert!(reads(&hall, "3001", now), "approved: waiting at the window");
    let handed = at(3600);
    act(&mut hall, |h| {
        h.hand_over(&number, &staff("3001"), Some("本人"), None, handed)
    });
    assert!(
        reads(&hall, "3001", handed + Duration::hours(5)),
        "the same day"
    );
    assert!(
        !reads(&hall, "3001", handed + Duration::days(1)),
        "the next day it is gone from the window"
    );
    assert!(reads(&hall, "1001", handed + Duration::days(1)));
}

#[test]
fn each_workplace_follows_its_own_events() {
    let mut hall = busy_hall();
    let now = at(0);
    issue(&mut hall, 'A', false, now);
    let waiting = hall.tickets().next().expect("a ticket").number;
    let called = act(&mut hall, |h| {
        h.call_out_of_turn(1, &staff("1001"), &waiting, "老人", now)
    });
    act(&mut hall, |h| h.start(1, &staff("1001"), now));
    act(&mut hall, |h| h.finish(1, &staff("1001"), now));
    let failed = HallEvent::StaffLoginFailed {
        staff: staff("1002"),
        failures: 1,
        locked_until: None,
        at: now,
    };
    let number = accepted_case(&mut hall, now);
    let case_event = HallEvent::Case {
        action: super::case::CaseAction::Opened,
        case: Box::new(hall.case(&number).expect("the case").clone()),
        task: None,
        at: now,
    };
    let rule = hall.setup().day_rule;
    let sight = |who: &str, event: &HallEvent| event_sight(member(&hall, who), event, &rule);
    use EventSight::{Full, Hidden, WithoutNotes};
    // Intake, pickup, the case's reviewer, another reviewer, supervisor, admin.
    let who = ["1001", "3001", "2001", "2002", "9001", "9901"];
    let expect = [
        (
            &called[0],
            [WithoutNotes, WithoutNotes, Hidden, Hidden, Full, Full],
        ),
        (&failed, [Hidden, Hidden, Hidden, Hidden, Full, Full]),
        (&case_event, [Full, Hidden, Full, Hidden, Full, Full]),
    ];
    for (event, sights) in expect {
        let got: Vec<EventSight> = who.iter().map(|w| sight(w, event)).collect();
        assert_eq!(got, sights, "{}", event.kind());
    }
}

/// A clerk's counter screen at `counter`.
fn clerk<'a>(hall: &'a Hall, id: &str, counter: CounterNo) -> Occasion<'a> {
    Occasion::Counter {
        member: member(hall, id),
        counter: Some(counter),
    }
}

#[test]
fn a_rating_is_bound_to_its_occasion() {
    let mut hall = busy_hall();
    let earlier = RatingSubject::Ticket(issue(&mut hall, 'A', false, at(0)));
    let last = RatingSubject::Ticket(issue(&mut hall, 'A', false, at(0)));
    call_and_serve(&mut hall, 1, "1001", at(60));
    call_and_serve(&mut hall, 1, "1001", at(120));
    let forbidden = |r: Result<(), QueueError>| matches!(r, Err(QueueError::RoleCannot(_)));
    assert_eq!(hall.may_rate(clerk(&hall, "1001", 1), &last), Ok(()));
    assert!(
        forbidden(hall.may_rate(clerk(&hall, "1001", 1), &earlier)),
        "not the last one"
    );
    assert!(
        forbidden(hall.may_rate(clerk(&hall, "1002", 2), &last)),
        "another counter's"
    );
    assert!(
        forbidden(hall.may_rate(clerk(&hall, "9001", 1), &last)),
        "supervision is rated"
    );
    for kind in [DeviceKind::Kiosk, DeviceKind::Display] {
        assert!(forbidden(hall.may_rate(Occasion::Device(kind), &last)));
    }
    let phone = Occasion::Citizen { last_four: None };
    assert_eq!(
        hall.may_rate(phone, &earlier),
        Ok(()),
        "the id is the secret"
    );
    act(&mut hall, |h| h.rate(last.clone(), 5, None, at(180)));
    assert_eq!(
        hall.may_rate(clerk(&hall, "1001", 1), &last),
        Err(QueueError::AlreadyRated)
    );

    let case = RatingSubject::Case(accepted_case(&mut hall, at(200)));
    let with = |four: Option<&'static str>| Occasion::Citizen { last_four: four };
    for four in ["002X", "002x", "5678", " 5678 "] {
        assert_eq!(hall.may_rate(with(Some(four)), &case), Ok(()), "{four}");
    }
    for four in [None, Some("1234"), Some("78"), Some("345678")] {
        assert_eq!(
            hall.may_rate(with(four), &case),
            Err(QueueError::ProofMismatch),
            "{four:?}"
        );
    }
    assert!(
        forbidden(hall.may_rate(clerk(&hall, "1001", 1), &case)),
        "a case is the citizen's"
    );
    let unknown = RatingSubject::Case("209901010001".into());
    assert_eq!(
        hall.may_rate(with(Some("002X")), &unknown),
        Err(QueueError::ProofMismatch),
        "a citizen is not told whether a case exists"
    );
}

#[test]
fn the_green_channel_is_for_staff_and_the_kiosks_with_a_person_by_them() {
    let hall = busy_hall();
    let kiosk = Who::Device(DeviceKind::Kiosk);
    assert!(
        may_give_priority(kiosk, false).is_err(),
        "a self-service kiosk"
    );
    assert_eq!(
        may_give_priority(kiosk, true),
        Ok(()),
        "a guide desk's kiosk"
    );
    assert!(may_give_priority(Who::Device(DeviceKind::Display), true).is_err());
    assert_eq!(
        may_give_priority(Who::Staff(member(&hall, "1001")), false),
        Ok(())
    );
    assert!(may_give_priority(Who::Staff(member(&hall, "2001")), false).is_err());
    assert!(may_give_priority(Who::Public, true).is_err());
}

#[test]
fn excluded_time_reaches_a_year_at_most_and_ten_times_a_case() {
    let mut hall = busy_hall();
    let now = at(0);
    let number = claimed_case(&mut hall, now);
    let reviewer: StaffId = staff("2001");
    let today = hall.setup().day_rule.day_of(now);
    let span = |from: i64, to: i64| DaySpan {
        from: today + Duration::days(from),
        to: today + Duration::days(to),
    };
    let exclude = |hall: &Hall, days: DaySpan, note: &str| {
        hall.exclude_time(&number, &reviewer, "现场核查", days, note, now)
    };
    let year_9999 = DaySpan {
        from: today + Duration::days(1),
        to: NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date"),
    };
    let bad_span = Err(QueueError::BadSpan(366));
    assert_eq!(exclude(&hall, year_9999, ""), bad_span, "a typo's year");
    assert_eq!(
        exclude(&hall, span(0, 1), ""),
        bad_span,
        "from the day of acceptance"
    );
    assert_eq!(exclude(&hall, span(3, 2), ""), bad_span, "backwards");
    assert_eq!(
        exclude(&hall, span(300, 367), ""),
        bad_span,
        "past a year from today"
    );
    assert!(
        exclude(&hall, span(1, 367), "").is_err(),
        "longer than a year"
    );
    assert_eq!(
        exclude(&hall, span(1, 2), &"注".repeat(201)),
        Err(QueueError::ReasonTooLong(200))
    );
    assert!(exclude(&hall, span(1, 366), &"注".repeat(200)).is_ok());
    for i in 0..MAX_EXCLUDED_SPANS {
        let i = i64::try_from(i).expect("few");
        act(&mut hall, |h| {
            exclude(h, span(1 + i * 30, 30 + i * 30), "专家评审")
        });
    }
    assert_eq!(
        exclude(&hall, span(1, 2), ""),
        Err(QueueError::TooManySpans(MAX_EXCLUDED_SPANS))
    );
    let case = hall.case(&number).expect("the case");
    assert_eq!(case.state, CaseState::InReview);
    assert!(
        !hall
            .case_acts(case, &reviewer, None)
            .contains(&CaseAct::ExcludeTime)
    );
}
