//! 一件事 cases: stages open in order, tasks within a stage finish in any
//! order, the case's date is acceptance plus the promise plus the time its
//! clock stood still on the hall's calendar, a correction stops the case's
//! clock and no other task's, and a rejection ends the case unless the lead
//! department overrules it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use proptest::prelude::*;

use super::applicant::Applicant;
use super::bundle::{Desk, TaskState};
use super::calendar::{WorkingCalendar, YearSchedule};
use super::case::{Case, CaseAction, CaseState, Delivery};
use super::case_flow::{CaseInput, Intake, Ticked};
use super::efficiency::{bundle_shares, department_loads};
use super::error::QueueError;
use super::event::HallEvent;
use super::guide::{Bundle, Guide, OnRejection, Release, Stage, TaskSpec};
use super::hall::Hall;
use super::ids::{StaffId, Timestamp};
use super::personal::Salt;
use super::policy::CaseAct;
use super::policy_tests::guide;
use super::setup::{Role, StaffSetup};
use super::test_hall::{act, call, hall_with, issue, local, log_in, setup, staff};

/// 2026-03-`day`.
fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).expect("a date")
}

/// 10:00 in the hall on 2026-03-`day`.
fn on(day: u32) -> Timestamp {
    local(d(day), 10, 0)
}

/// Thursday 5 and Friday 6 March off, Sunday 8 March worked in exchange.
fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(BTreeMap::from([(
        2026,
        YearSchedule {
            holidays: BTreeSet::from([d(5), d(6)]),
            workdays: BTreeSet::from([d(8)]),
        },
    )]))
}

fn task(department: &str, days: u32) -> TaskSpec {
    TaskSpec {
        department: department.into(),
        name: format!("{department} 审批"),
        days,
        result: format!("{department} 批文"),
        materials: vec!["申请书".into()],
    }
}

/// Stage 一 (lead a): a in 2 days and b in 3; stage 二 (lead c): c in 2;
/// promised in 8 working days.
fn bundle_guide(on_rejection: OnRejection) -> Guide {
    Guide {
        promised_days: 8,
        bundle: Some(Bundle {
            stages: vec![
                Stage {
                    name: "一".into(),
                    lead: "a".into(),
                    tasks: vec![task("a", 2), task("b", 3)],
                },
                Stage {
                    name: "二".into(),
                    lead: "c".into(),
                    tasks: vec![task("c", 2)],
                },
            ],
            on_rejection,
            results: Release::Together,
        }),
        ..guide()
    }
}

fn reviewer(department: &str) -> StaffId {
    staff(&format!("r-{department}"))
}

/// The test hall with the bundle's reviewers (and one of department z)
/// and the calendar above; a bundle case accepted on Monday 2 March.
fn accepted(on_rejection: OnRejection) -> (Hall, String) {
    let mut s = setup();
    s.calendar = calendar();
    s.staff.extend(["a", "b", "c", "z"].map(|dep| StaffSetup {
        id: reviewer(dep),
        name: format!("审批 {dep}"),
        role: Role::Reviewer,
        department: Some(dep.into()),
        counter: None,
    }));
    let mut hall = hall_with(s);
    let clerk = staff("1001");
    log_in(&mut hall, "1001", 1, on(2));
    issue(&mut hall, 'A', false, on(2));
    call(&mut hall, 1, "1001", on(2));
    act(&mut hall, |h| h.start(1, &clerk, on(2)));
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
        h.open_case(
            &bundle_guide(on_rejection),
            &clerk,
            1,
            input,
            Intake::Accept,
            on(2),
        )
    });
    let Some(HallEvent::Case { case, .. }) = events.first() else {
        panic!("no case")
    };
    let number = case.number.clone();
    (hall, number)
}

fn case<'a>(hall: &'a Hall, number: &str) -> &'a Case {
    hall.case(number).expect("the case")
}

fn task_state(hall: &Hall, number: &str, department: &str) -> TaskState {
    let bundle = case(hall, number).bundle.as_ref().expect("a bundle");
    bundle
        .tasks()
        .find(|(_, t)| t.department == department)
        .map(|(_, t)| t.state)
        .expect("the task")
}

fn desk_of(hall: &Hall, number: &str, department: &str) -> Desk {
    let bundle = case(hall, number).bundle.as_ref().expect("a bundle");
    bundle
        .tasks()
        .find(|(_, t)| t.department == department)
        .map(|(desk, _)| desk)
        .expect("the task")
}

fn approve(hall: &mut Hall, number: &str, department: &str, day: u32) {
    let who = reviewer(department);
    act(hall, |h| h.claim(number, &who, on(day)));
    act(hall, |h| h.decide(number, &who, true, "", on(day)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Whatever the order the first stage's tasks are claimed and approved
    /// in, the second opens only after both, and the case after it.
    #[test]
    fn stages_open_in_order_and_tasks_finish_in_any_order(b_first in any::<bool>(), claims_first in any::<bool>()) {
        let (mut hall, number) = accepted(OnRejection::EndsCase);
        let order = if b_first { ["b", "a"] } else { ["a", "b"] };
        if claims_first {
            for dep in order {
                let who = reviewer(dep);
                act(&mut hall, |h| h.claim(&number, &who, on(3)));
            }
        }
        for (i, dep) in order.into_iter().enumerate() {
            prop_assert_eq!(task_state(&hall, &number, "c"), TaskState::Waiting);
            let refused = hall.claim(&number, &reviewer("c"), on(3));
            prop_assert_eq!(refused, Err(QueueError::NotYourDepartment), "not c's yet");
            let who = reviewer(dep);
            if !claims_first {
                act(&mut hall, |h| h.claim(&number, &who, on(3)));
            }
            act(&mut hall, |h| h.decide(&number, &who, true, "", on(3)));
            prop_assert_eq!(case(&hall, &number).state == CaseState::Approved, false);
            prop_assert_eq!(task_state(&hall, &number, "c") == TaskState::Accepted, i == 1);
        }
        approve(&mut hall, &number, "c", 4);
        prop_assert_eq!(case(&hall, &number).state, CaseState::Approved);
    }

    /// The case is due on acceptance plus the promised working days plus
    /// the working days a correction stopped it, counted on the hall's
    /// calendar across the holiday and the make-up day; the other task's
    /// due date never moves.
    #[test]
    fn the_case_date_is_the_promise_plus_stopped_time(asked in 3u32..=9, waited in 0u32..=9) {
        let back = (asked + waited).min(20);
        let (mut hall, number) = accepted(OnRejection::EndsCase);
        let cal = calendar();
        for dep in ["a", "b"] {
            let who = reviewer(dep);
            act(&mut hall, |h| h.claim(&number, &who, on(2)));
        }
        let a = desk_of(&hall, &number, "a");
        let b = desk_of(&hall, &number, "b");
        let due_of = |hall: &Hall, desk| case(hall, &number).bundle.as_ref().and_then(|x| x.task_due(&cal, desk));
        let a_due = due_of(&hall, a);
        prop_assert_eq!(a_due, Some(d(4)));
        let who = reviewer("b");
        act(&mut hall, |h| h.request_correction(&number, &who, &["补充签字".into()], on(asked)));
        prop_assert_eq!(case(&hall, &number).due(&cal), None, "the case's clock stopped");
        prop_assert_eq!(due_of(&hall, b), None, "the asking task's clock stopped");
        prop_assert_eq!(due_of(&hall, a), a_due, "the other task's clock ran on");
        act(&mut hall, |h| h.resubmit(&number, &staff("1001"), Some(1), on(back)));
        let stopped = cal.working_days_between(d(asked), d(back)).value;
        let expected = cal.add_working_days(d(2), 8 + stopped).value;
        prop_assert_eq!(case(&hall, &number).due(&cal), Some(expected));
        prop_assert_eq!(due_of(&hall, a), a_due);
        prop_assert_eq!(task_state(&hall, &number, "b"), TaskState::InReview);
    }
}

#[test]
fn the_promise_crosses_the_holiday_and_counts_the_make_up_day() {
    let (hall, number) = accepted(OnRejection::EndsCase);
    // 3, 4, (5 and 6 off), 8 (a Sunday worked), 9, 10, 11, 12, 13.
    assert_eq!(case(&hall, &number).due(&calendar()), Some(d(13)));
}

#[test]
fn a_rejection_ends_the_case_with_the_tasks_reason() {
    let (mut hall, number) = accepted(OnRejection::EndsCase);
    approve(&mut hall, &number, "a", 3);
    let who = reviewer("b");
    act(&mut hall, |h| h.claim(&number, &who, on(3)));
    act(&mut hall, |h| {
        h.decide(&number, &who, false, "经营范围涉及前置许可", on(3))
    });
    let c = case(&hall, &number);
    assert_eq!(c.state, CaseState::Rejected);
    assert_eq!(c.finished_on, Some(d(3)));
    let decision = c.review.decision.as_ref().expect("a decision");
    assert_eq!(
        (decision.approved, decision.reason.as_str()),
        (false, "经营范围涉及前置许可")
    );
    assert_eq!(task_state(&hall, &number, "c"), TaskState::Waiting);
}

#[test]
fn the_lead_department_may_overrule_a_rejection_or_uphold_it() {
    let (mut hall, number) = accepted(OnRejection::LeadDecides);
    let b = reviewer("b");
    act(&mut hall, |h| h.claim(&number, &b, on(3)));
    act(&mut hall, |h| {
        h.decide(&number, &b, false, "选址不符", on(3))
    });
    assert_eq!(case(&hall, &number).state, CaseState::InReview, "not ended");
    let refused = hall.lead_decision(&number, &reviewer("b"), true, "协调", on(3));
    assert!(
        matches!(refused, Err(QueueError::RoleCannot(_))),
        "{refused:?}"
    );
    let lead = reviewer("a");
    act(&mut hall, |h| {
        h.lead_decision(&number, &lead, true, "已协调选址", on(4))
    });
    assert_eq!(task_state(&hall, &number, "b"), TaskState::Overruled);
    approve(&mut hall, &number, "a", 4);
    assert_eq!(
        task_state(&hall, &number, "c"),
        TaskState::Accepted,
        "stage 二 opened"
    );

    let (mut hall, number) = accepted(OnRejection::LeadDecides);
    act(&mut hall, |h| h.claim(&number, &b, on(3)));
    act(&mut hall, |h| {
        h.decide(&number, &b, false, "选址不符", on(3))
    });
    act(&mut hall, |h| {
        h.lead_decision(&number, &lead, false, "无法协调", on(4))
    });
    let c = case(&hall, &number);
    assert_eq!(c.state, CaseState::Rejected);
    let reason = &c.review.decision.as_ref().expect("a decision").reason;
    assert!(
        reason.contains("选址不符") && reason.contains("无法协调"),
        "{reason}"
    );
}

#[test]
fn a_reviewer_acts_on_their_own_departments_task_only() {
    let (mut hall, number) = accepted(OnRejection::EndsCase);
    assert_eq!(
        hall.claim(&number, &reviewer("z"), on(3)),
        Err(QueueError::NotYourDepartment)
    );
    let a = reviewer("a");
    act(&mut hall, |h| h.claim(&number, &a, on(3)));
    assert_eq!(
        task_state(&hall, &number, "b"),
        TaskState::Accepted,
        "b's untouched"
    );
    // b may not decide a's task: b's own is not yet claimed.
    assert!(
        hall.decide(&number, &reviewer("b"), true, "", on(3))
            .is_err()
    );
    let acts = hall.case_acts(case(&hall, &number), &reviewer("b"), None);
    assert_eq!(acts, vec![CaseAct::Claim]);
}

#[test]
fn supervision_names_the_department_that_was_late() {
    let (mut hall, number) = accepted(OnRejection::EndsCase);
    approve(&mut hall, &number, "a", 3); // due the 4th: on time, 1 day
    approve(&mut hall, &number, "b", 10); // due the 8th: late, 5 days
    approve(&mut hall, &number, "c", 11); // opened the 10th, due the 12th
    let (cal, rule) = (calendar(), hall.setup().day_rule);
    let loads = department_loads(hall.cases(), &cal, &rule, d(11), |_| true);
    let seen: Vec<(&str, u32, u32, Option<f64>)> = loads
        .iter()
        .map(|l| (l.department.as_str(), l.on_time, l.late, l.median_days))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("a", 1, 0, Some(1.0)),
            ("b", 0, 1, Some(5.0)),
            ("c", 1, 0, Some(1.0)),
        ]
    );
    let cases: Vec<&Case> = hall.cases().collect();
    let services = [("SCJG-001".to_owned(), 8)];
    let [share] = &bundle_shares(&cases, &services, &cal, &rule, |_| true)[..] else {
        panic!("one service")
    };
    assert_eq!(
        (share.finished, share.within, share.share()),
        (1, 1, Some(100.0))
    );
    let late: Vec<(u32, &str)> = share
        .stages
        .iter()
        .filter(|s| s.late > 0)
        .map(|s| (s.stage, s.department.as_str()))
        .collect();
    assert_eq!(late, vec![(1, "b")]);
}

#[test]
fn a_late_task_gets_its_own_card_while_the_case_has_time() {
    let (mut hall, number) = accepted(OnRejection::EndsCase);
    approve(&mut hall, &number, "a", 3);
    // b was due on the 8th; the case is due on the 13th.
    let warnings = hall.case_warnings(on(9));
    let raised: Vec<(CaseAction, Option<&str>)> = warnings
        .iter()
        .map(|e| match e {
            HallEvent::Case { action, task, .. } => (*action, task.as_deref()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        raised,
        [
            (CaseAction::RedCard, Some("b")),
            (CaseAction::ClaimOverdue, Some("b"))
        ]
    );
    for e in &warnings {
        hall.apply(e);
    }
    assert!(hall.case_warnings(on(9)).is_empty(), "raised once");
}
