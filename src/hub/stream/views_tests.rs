//! Tests of the stream's two views: every hall event has a staff view by
//! its kind, none shows an applicant's details, and the public view keeps
//! the shape display walls read.

use std::collections::BTreeSet;

use super::views::{public_event, staff_event};
use crate::api::StaffEvent;
use crate::domain::applicant::Applicant;
use crate::domain::applicant::SealedApplicant;
use crate::domain::booking::{Booking, BookingState};
use crate::domain::bundle::Review;
use crate::domain::case::{Case, CaseAction, CaseState, Delivery, DeskStamp, Raised};
use crate::domain::event::HallEvent;
use crate::domain::ids::{ServiceCode, SessionId, StaffId, TicketId, Timestamp};
use crate::domain::personal::Salt;
use crate::domain::policy::EventSight;
use crate::domain::rating::{Closure, Verdict};
use crate::domain::rating::{Rating, RatingSubject, Rectification};
use crate::domain::ticket::{Ticket, TicketState};

/// Kinds of hall events; `kind_of` stops the build when one is added.
const KINDS: usize = 27;

fn kind_of(event: &HallEvent) -> usize {
    use HallEvent as E;
    match event {
        E::TicketIssued { .. } => 0,
        E::TicketCalled { .. } => 1,
        E::TicketRecalled { .. } => 2,
        E::TicketNoShow { .. } => 3,
        E::TicketReactivated { .. } => 4,
        E::TicketStarted { .. } => 5,
        E::TicketFinished { .. } => 6,
        E::TicketTransferred { .. } => 7,
        E::CounterPaused { .. } => 8,
        E::CounterResumed { .. } => 9,
        E::StaffLoggedIn { .. } => 10,
        E::StaffLoggedOut { .. } => 11,
        E::StaffLoginFailed { .. } => 12,
        E::Case { .. } => 13,
        E::Rated { .. } => 14,
        E::RectificationOpened { .. } => 15,
        E::RectificationClosed { .. } => 16,
        E::DeviceAlert { .. } => 17,
        E::DayRolledOver { .. } => 18,
        E::PersonalDataSealed { .. } => 19,
        E::PersonalDataErased { .. } => 20,
        E::StaffUnlocked { .. } => 21,
        E::StaffPinChanged { .. } => 22,
        E::BookingMade { .. } => 23,
        E::BookingCancelled { .. } => 24,
        E::BookingCheckedIn { .. } => 25,
        E::BookingsMissed { .. } => 26,
    }
}

const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

fn at() -> Timestamp {
    "2026-03-02T02:00:00Z".parse().unwrap()
}

fn ticket() -> TicketId {
    TicketId("t-secret".into())
}

fn number() -> crate::domain::ids::TicketNumber {
    "A001".parse().unwrap()
}

fn clerk() -> StaffId {
    StaffId("1001".into())
}

/// Every kind of ticket event, once.
fn ticket_events() -> Vec<HallEvent> {
    use HallEvent as E;
    let (ticket, number, at) = (ticket(), number(), at());
    vec![
        E::TicketIssued {
            ticket: Ticket {
                id: ticket.clone(),
                number,
                day: at.date_naive(),
                queue: "A".parse().unwrap(),
                service: Some(ServiceCode("SCJG-001".into())),
                priority: true,
                issued_at: at,
                order: 1,
                target_counter: None,
                state: TicketState::Waiting,
                recalls: 0,
                counter: None,
                staff: None,
                called_at: None,
                started_at: None,
                finished_at: None,
                no_show_at: None,
                case: None,
                rated: false,
                appointment: None,
            },
        },
        E::TicketCalled {
            ticket: ticket.clone(),
            number,
            queue: "A".parse().unwrap(),
            counter: 3,
            staff: clerk(),
            at,
            priority_streak: 1,
            out_of_turn: Some("老人优先".into()),
        },
        E::TicketRecalled {
            ticket: ticket.clone(),
            number,
            counter: 3,
            at,
            recalls: 1,
        },
        E::TicketNoShow {
            ticket: ticket.clone(),
            number,
            counter: 3,
            at,
        },
        E::TicketReactivated {
            ticket: ticket.clone(),
            number,
            at,
            order: 9,
        },
        E::TicketStarted {
            ticket: ticket.clone(),
            number,
            counter: 3,
            at,
        },
        E::TicketFinished {
            ticket: ticket.clone(),
            number,
            counter: 3,
            at,
        },
        E::TicketTransferred {
            ticket,
            number,
            from_counter: 3,
            to_queue: "B".parse().unwrap(),
            to_counter: Some(2),
            reason: "转公安窗口".into(),
            at,
        },
    ]
}

/// Every kind of counter and login event, once, and a back-office login.
fn counter_events() -> Vec<HallEvent> {
    use HallEvent as E;
    let session = || SessionId("s-secret".into());
    vec![
        E::CounterPaused {
            counter: 3,
            reason: "午休".into(),
            at: at(),
        },
        E::CounterResumed {
            counter: 3,
            at: at(),
        },
        E::StaffLoggedIn {
            session: session(),
            staff: clerk(),
            counter: Some(3),
            at: at(),
            expires_at: at(),
        },
        E::StaffLoggedIn {
            session: session(),
            staff: StaffId("2001".into()),
            counter: None,
            at: at(),
            expires_at: at(),
        },
        E::StaffLoggedOut {
            session: session(),
            staff: clerk(),
            counter: Some(3),
            at: at(),
        },
        E::StaffLoginFailed {
            staff: clerk(),
            failures: 2,
            locked_until: None,
            at: at(),
        },
        E::StaffUnlocked {
            staff: clerk(),
            at: at(),
        },
        E::StaffPinChanged {
            staff: clerk(),
            pin_hash: "$argon2id$v=19$secret".into(),
            at: at(),
        },
    ]
}

fn case() -> Case {
    Case {
        number: "202603020001".into(),
        service: ServiceCode("SCJG-001".into()),
        department: "scjg".into(),
        applicant: Applicant::new("张三", ID_NUMBER, PHONE).unwrap().into(),
        materials: Vec::new(),
        delivery: Delivery::Pickup,
        state: CaseState::Accepted,
        opened: DeskStamp {
            staff: clerk(),
            counter: 1,
            at: at(),
        },
        ticket: Some(ticket()),
        promised_days: 3,
        accepted_on: Some(at().date_naive()),
        refusal: None,
        review: Review::default(),
        handover: None,
        raised: Raised::default(),
        rated: false,
        finished_on: None,
        bundle: None,
    }
}

/// Every kind of back-office event, once.
fn office_events() -> Vec<HallEvent> {
    use HallEvent as E;
    let rating = Rating {
        id: 7,
        subject: RatingSubject::Ticket(ticket()),
        score: 1,
        comment: Some("等太久".into()),
        at: at(),
        counter: Some(3),
        staff: Some(clerk()),
        service: None,
        department: None,
    };
    let mut item = Rectification {
        id: 4,
        rating: rating.clone(),
        assigned_to: Some(StaffId("9001".into())),
        due: at().date_naive(),
        closed: None,
    };
    let opened = E::RectificationOpened { item: item.clone() };
    item.closed = Some(Closure {
        note: "已整改".into(),
        verdict: Verdict::Satisfied,
        by: StaffId("9001".into()),
        at: at(),
    });
    vec![
        E::Case {
            action: CaseAction::Opened,
            case: Box::new(case()),
            task: None,
            at: at(),
        },
        E::Rated { rating },
        opened,
        E::RectificationClosed { item },
        E::DeviceAlert {
            device: "大厅取号机1".into(),
            part: "printer".into(),
            problem: "缺纸".into(),
            at: at(),
        },
        E::DayRolledOver {
            from: at().date_naive(),
            to: at().date_naive().succ_opt().unwrap(),
            expired: vec![ticket()],
            at: at(),
        },
        E::PersonalDataSealed {
            cases: Vec::new(),
            at: at(),
        },
        E::PersonalDataErased {
            cases: vec!["202603020001".into()],
            bookings: vec!["12345678".into()],
            closed_before: at().date_naive(),
            at: at(),
        },
    ]
}

/// Every kind of booking event, once.
fn booking_events() -> Vec<HallEvent> {
    use HallEvent as E;
    let mut applicant = SealedApplicant::new(
        Applicant::new("张三", ID_NUMBER, PHONE).unwrap(),
        Salt([7; 16]),
    );
    applicant.seal();
    let code = "12345678".to_owned();
    vec![
        E::BookingMade {
            booking: Box::new(Booking {
                code: code.clone(),
                service: ServiceCode("SCJG-001".into()),
                queue: "A".parse().unwrap(),
                day: at().date_naive(),
                start: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                end: chrono::NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
                at: at(),
                applicant,
                state: BookingState::Booked,
                made_at: at(),
                ticket: None,
                checked_in_at: None,
                closed_at: None,
            }),
        },
        E::BookingCancelled {
            code: code.clone(),
            at: at(),
        },
        E::BookingCheckedIn {
            code: code.clone(),
            ticket: ticket(),
            late: false,
            at: at(),
        },
        E::BookingsMissed {
            codes: vec![code],
            at: at(),
        },
    ]
}

fn samples() -> Vec<HallEvent> {
    [
        ticket_events(),
        counter_events(),
        office_events(),
        booking_events(),
    ]
    .concat()
}

#[test]
fn the_samples_hold_every_kind_of_hall_event() {
    let kinds: BTreeSet<usize> = samples().iter().map(kind_of).collect();
    assert_eq!(kinds, (0..KINDS).collect());
}

#[test]
fn staff_see_every_event_by_its_kind() {
    for event in samples() {
        let staff =
            staff_event(&event, EventSight::Full).unwrap_or_else(|| panic!("no view of {event:?}"));
        let json = serde_json::to_value(&staff).unwrap();
        let kind = match &event {
            HallEvent::Case { .. } => "case",
            other => other.kind(),
        };
        assert_eq!(json["kind"], kind, "{json}");
        let back: StaffEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, staff);
    }
}

#[test]
fn staff_never_see_an_applicants_details_on_the_stream() {
    let seen: Vec<_> = samples()
        .iter()
        .map(|e| staff_event(e, EventSight::Full))
        .collect();
    let text = serde_json::to_string(&seen).unwrap();
    for private in ["张三", ID_NUMBER, PHONE, "等太久", "argon2"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}

#[test]
fn without_notes_the_clerks_words_are_gone_and_the_rest_stays() {
    for event in samples() {
        let full = staff_event(&event, EventSight::Full);
        let bare = staff_event(&event, EventSight::WithoutNotes);
        assert_eq!(staff_event(&event, EventSight::Hidden), None);
        let text = serde_json::to_string(&bare).unwrap();
        for note in ["老人优先", "转公安窗口"] {
            assert!(!text.contains(note), "{note} in {text}");
        }
        match (&full, &bare) {
            (
                Some(StaffEvent::TicketCalled { out_of_turn, .. }),
                Some(StaffEvent::TicketCalled {
                    out_of_turn: bare_reason,
                    ..
                }),
            ) => {
                assert!(out_of_turn.is_some());
                assert_eq!(bare_reason.as_deref(), Some(""), "still out of turn");
            }
            (Some(StaffEvent::TicketTransferred { .. }), Some(_)) => {}
            _ => assert_eq!(full, bare, "only notes differ"),
        }
    }
}

/// The public view keeps the shape the display walls read: these kinds
/// with these fields, and nothing else.
#[test]
fn the_public_sees_numbers_and_counters_only() {
    let expected = [
        ("ticket_issued", "at number priority queue"),
        ("ticket_called", "at counter number queue"),
        ("ticket_recalled", "at counter number recalls"),
        ("ticket_no_show", "at counter number"),
        ("ticket_reactivated", "at number"),
        ("ticket_started", "at counter number"),
        ("ticket_finished", "at counter number"),
        (
            "ticket_transferred",
            "at from_counter number to_counter to_queue",
        ),
        ("counter_paused", "at counter reason"),
        ("counter_resumed", "at counter"),
        ("counter_opened", "at counter"),
        ("counter_closed", "at counter"),
        ("day_rolled_over", "at from to"),
    ];
    let seen: Vec<(String, String)> = samples()
        .iter()
        .filter_map(public_event)
        .map(|event| {
            let json = serde_json::to_value(&event).unwrap();
            let mut fields: Vec<&str> = json
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "kind")
                .collect();
            fields.sort_unstable();
            (json["kind"].as_str().unwrap().to_owned(), fields.join(" "))
        })
        .collect();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, f)| ((*k).to_owned(), (*f).to_owned()))
        .collect();
    assert_eq!(seen, expected);
    let text = serde_json::to_string(&seen).unwrap();
    for private in ["t-secret", "s-secret", "1001", "张三"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}
