//! The policy and the decisions agree: an action the policy allows is one
//! the decision takes (given sensible input), and an action it refuses is
//! refused by the decision with the same error. So a button a screen enables
//! from the hub's `allowed` list is never refused for who or when.

use chrono::Duration;
use proptest::prelude::*;

use super::applicant::Applicant;
use super::case::{CaseState, Delivery};
use super::case_flow::{CaseInput, Intake, Ticked};
use super::deadline::DaySpan;
use super::error::QueueError;
use super::event::HallEvent;
use super::guide::{Guide, ItemKind, Material};
use super::hall::Hall;
use super::ids::{CounterNo, ServiceCode, StaffId, Timestamp};
use super::personal::Salt;
use super::policy::{CaseAct, CounterAct};
use super::queue::TransferTo;
use super::setup::{Role, StaffSetup};
use super::test_hall::{act, at, hall_with, issue, log_in, prefix, setup, staff};
use super::ticket::TicketState;

fn clerk_at(counter: CounterNo) -> StaffId {
    staff(if counter == 1 { "1001" } else { "1002" })
}

/// The decision behind a counter action, with input the clerk would give.
fn decide_at(
    hall: &Hall,
    counter: CounterNo,
    what: CounterAct,
    now: Timestamp,
) -> Option<Result<Vec<HallEvent>, QueueError>> {
    let clerk = clerk_at(counter);
    let to = TransferTo::Queue(prefix('B'));
    Some(match what {
        CounterAct::CallNext => hall.call_next(counter, &clerk, now),
        CounterAct::CallOutOfTurn => {
            let waiting = hall
                .tickets()
                .filter(|t| t.state == TicketState::Waiting && t.queue == prefix('A'))
                .min_by_key(|t| t.order)?
                .number;
            hall.call_out_of_turn(counter, &clerk, &waiting, "老人", now)
        }
        CounterAct::Recall => hall.recall(counter, &clerk, now),
        CounterAct::NoShow => hall.no_show(counter, &clerk, now),
        CounterAct::Start => hall.start(counter, &clerk, now),
        CounterAct::Finish => hall.finish(counter, &clerk, now),
        CounterAct::Transfer => hall.transfer(counter, &clerk, to, "转办", now),
        CounterAct::Pause => hall.pause(counter, &clerk, "暂离", now),
        CounterAct::Resume => hall.resume(counter, &clerk, now),
        CounterAct::OpenCase | CounterAct::HandOver => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn what_the_counter_allows_is_what_the_decisions_take(
        moves in prop::collection::vec((0usize..12, prop_oneof![Just(1u32), Just(2)]), 20..=80)
    ) {
        let mut hall = hall_with(setup());
        log_in(&mut hall, "1001", 1, at(0));
        log_in(&mut hall, "1002", 2, at(0));
        for (step, (pick, counter)) in moves.into_iter().enumerate() {
            let now = at(60 * i64::try_from(step).unwrap_or(0));
            if pick >= CounterAct::ALL.len() {
                issue(&mut hall, 'A', pick % 2 == 0, now);
                continue;
            }
            let allowed = hall.counter_acts(counter, &clerk_at(counter));
            for what in CounterAct::ALL {
                let policy = hall.may_at_counter(counter, &clerk_at(counter), what);
                prop_assert_eq!(policy.is_ok(), allowed.contains(&what));
                let Some(decided) = decide_at(&hall, counter, what, now) else { continue };
                match (&policy, &decided) {
                    (Ok(()), Ok(_)) => {}
                    (Ok(()), Err(QueueError::NobodyWaiting(_))) if what == CounterAct::CallNext => {}
                    (Err(p), Err(d)) => prop_assert_eq!(p, d),
                    _ => prop_assert!(false, "{:?}: policy {:?}, decision {:?}", what, policy, decided),
                }
            }
            let what = CounterAct::ALL[pick];
            if let Some(Ok(events)) = decide_at(&hall, counter, what, now) {
                for e in &events {
                    hall.apply(e);
                }
            }
        }
    }
}

pub(super) fn guide() -> Guide {
    Guide {
        code: ServiceCode("SCJG-001".into()),
        name: "企业设立登记".into(),
        department: "scjg".into(),
        kind: ItemKind::Promised,
        aliases: vec![],
        legal_basis: vec![],
        conditions: vec![],
        materials: vec![Material {
            name: "申请书".into(),
            originals: 1,
            copies: 0,
            required: true,
            notes: None,
        }],
        steps: vec![],
        statutory_days: 15,
        promised_days: 3,
        fees: String::new(),
        place: String::new(),
        hours: String::new(),
        phone: String::new(),
        visits: 1,
        online_depth: 3,
        notes: None,
        bundle: None,
    }
}

fn person(id: &str, role: Role, department: Option<&str>) -> StaffSetup {
    StaffSetup {
        id: staff(id),
        name: format!("工作人员 {id}"),
        role,
        department: department.map(str::to_owned),
        counter: None,
    }
}

/// Everyone who might act on a case, with the counter they staff.
fn everyone() -> Vec<(StaffId, Option<CounterNo>)> {
    ["1001", "1002", "2001", "2002", "3001", "9001", "9901"]
        .into_iter()
        .map(|id| {
            let counter = match id {
                "1001" => Some(1),
                "1002" => Some(2),
                "3001" => Some(3),
                _ => None,
            };
            (staff(id), counter)
        })
        .collect()
}

/// The decision behind a case action, with input the person would give.
fn decide_on(
    hall: &Hall,
    number: &str,
    who: &StaffId,
    counter: Option<CounterNo>,
    what: CaseAct,
    now: Timestamp,
) -> Result<Vec<HallEvent>, QueueError> {
    let later = DaySpan {
        from: hall.setup().day_rule.day_of(now) + Duration::days(1),
        to: hall.setup().day_rule.day_of(now) + Duration::days(2),
    };
    match what {
        CaseAct::ReceiveMaterials => {
            hall.receive_materials(number, who, counter, &["申请书".into()], now)
        }
        CaseAct::Resubmit => hall.resubmit(number, who, counter, now),
        CaseAct::Claim => hall.claim(number, who, now),
        CaseAct::Decide => hall.decide(number, who, true, "", now),
        CaseAct::RequestCorrection => hall.request_correction(number, who, &["签字".into()], now),
        CaseAct::RequestExtension => hall.request_extension(number, who, 5, "需现场核查", now),
        CaseAct::DecideExtension => hall.decide_extension(number, who, true, now),
        CaseAct::ExcludeTime => hall.exclude_time(number, who, "现场核查", later, "", now),
        CaseAct::LeadDecision => hall.lead_decision(number, who, true, "协调一致", now),
        CaseAct::HandOver => hall.hand_over(number, who, Some("本人"), None, now),
    }
}

/// One decision on the hall, as a step of a case's life.
type Step<'a> = Box<dyn Fn(&Hall) -> Result<Vec<HallEvent>, QueueError> + 'a>;

/// For everyone and every action: allowed exactly when the decision takes it.
fn agree(hall: &Hall, number: &str, now: Timestamp) {
    let case = hall.case(number).expect("the case").clone();
    for (who, counter) in everyone() {
        let allowed = hall.case_acts(&case, &who, counter);
        for what in CaseAct::ALL {
            let decided = decide_on(hall, number, &who, counter, what, now);
            assert_eq!(
                allowed.contains(&what),
                decided.is_ok(),
                "{what:?} by {} on a {:?} case: {decided:?}",
                who.0,
                case.state
            );
            if let Err(refused) = decided {
                let policy = hall.may_on_case(number, &who, counter, what).map(|_| ());
                assert_eq!(policy, Err(refused), "{what:?} by {}", who.0);
            }
        }
    }
}

#[test]
fn what_a_case_allows_is_what_the_decisions_take() {
    let mut setup = setup();
    setup.staff.extend([
        person("2002", Role::Reviewer, Some("sw")),
        person("9001", Role::Supervisor, None),
        person("9901", Role::Admin, None),
    ]);
    let mut hall = hall_with(setup);
    let now = at(0);
    log_in(&mut hall, "1001", 1, now);
    log_in(&mut hall, "3001", 3, now);
    issue(&mut hall, 'A', false, now);
    let clerk = staff("1001");
    act(&mut hall, |h| h.call_next(1, &clerk, now));
    act(&mut hall, |h| h.start(1, &clerk, now));
    let input = CaseInput {
        applicant: Applicant::new("张三", "11010519491231002X", "13812345678").expect("valid"),
        salt: Salt([1; 16]),
        materials: vec![Ticked {
            name: "申请书".into(),
            received: false,
            note: None,
        }],
        delivery: Delivery::Pickup,
    };
    let events = act(&mut hall, |h| {
        h.open_case(&guide(), &clerk, 1, input, Intake::Notice, now)
    });
    let number = match events.first() {
        Some(HallEvent::Case { case, .. }) => case.number.clone(),
        other => panic!("no case: {other:?}"),
    };
    let reviewer = staff("2001");
    let steps: [(CaseState, Step<'_>); 6] = [
        (
            CaseState::Accepted,
            Box::new(|h| h.receive_materials(&number, &clerk, Some(1), &["申请书".into()], now)),
        ),
        (
            CaseState::InReview,
            Box::new(|h| h.claim(&number, &reviewer, now)),
        ),
        (
            CaseState::InReview,
            Box::new(|h| h.request_extension(&number, &reviewer, 5, "核查", now)),
        ),
        (
            CaseState::InReview,
            Box::new(|h| h.decide_extension(&number, &staff("9001"), true, now)),
        ),
        (
            CaseState::Correction,
            Box::new(|h| h.request_correction(&number, &reviewer, &["签字".into()], now)),
        ),
        (
            CaseState::InReview,
            Box::new(|h| h.resubmit(&number, &clerk, Some(1), now)),
        ),
    ];
    agree(&hall, &number, now);
    for (state, step) in steps {
        act(&mut hall, step);
        assert_eq!(hall.case(&number).map(|c| c.state), Some(state));
        agree(&hall, &number, now);
    }
    act(&mut hall, |h| h.decide(&number, &reviewer, true, "", now));
    agree(&hall, &number, now);
    act(&mut hall, |h| {
        h.hand_over(&number, &staff("3001"), Some("本人"), None, now)
    });
    agree(&hall, &number, now);
}

#[test]
fn a_granted_extension_is_not_asked_for_again() {
    let mut setup = setup();
    setup.staff.push(person("9001", Role::Supervisor, None));
    setup.staff.push(person("9901", Role::Admin, None));
    let mut hall = hall_with(setup);
    let now = at(0);
    log_in(&mut hall, "1001", 1, now);
    issue(&mut hall, 'A', false, now);
    let clerk = staff("1001");
    act(&mut hall, |h| h.call_next(1, &clerk, now));
    act(&mut hall, |h| h.start(1, &clerk, now));
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
    let events = act(&mut hall, |h| {
        h.open_case(&guide(), &clerk, 1, input, Intake::Accept, now)
    });
    let Some(HallEvent::Case { case, .. }) = events.first() else {
        panic!("no case")
    };
    let number = case.number.clone();
    let reviewer = staff("2001");
    act(&mut hall, |h| h.claim(&number, &reviewer, now));
    act(&mut hall, |h| {
        h.request_extension(&number, &reviewer, 5, "核查", now)
    });
    assert_eq!(
        hall.may_on_case(&number, &staff("9901"), None, CaseAct::DecideExtension)
            .map(|_| ()),
        Err(QueueError::RoleCannot("延期须经监督人员批准")),
        "an admin does not grant extensions"
    );
    act(&mut hall, |h| {
        h.decide_extension(&number, &staff("9001"), true, now)
    });
    assert_eq!(
        hall.request_extension(&number, &reviewer, 5, "再核查", now),
        Err(QueueError::ExtensionUsed)
    );
}
