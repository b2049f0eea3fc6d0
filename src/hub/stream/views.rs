//! The two views of a hall event on the stream: what anyone may know, and
//! what staff and devices see. An event kind new to the hall has no view
//! until it is given one here: private by default, and a unit test names
//! every kind staff should see.

use crate::api::{PublicEvent, StaffEvent};
use crate::domain::event::HallEvent;
use crate::domain::rating::{Rating, RatingSubject, Rectification};

/// What the public may know of an event: enough for a display wall. None
/// for the events the hall keeps to itself.
pub fn public_event(event: &HallEvent) -> Option<PublicEvent> {
    public_ticket_event(event).or_else(|| public_hall_event(event))
}

/// What staff and devices see of an event: what happened and to what. The
/// people behind a case or a rating are read from the API, where each role
/// sees what it may.
pub fn staff_event(event: &HallEvent) -> Option<StaffEvent> {
    staff_ticket_event(event)
        .or_else(|| staff_counter_event(event))
        .or_else(|| staff_office_event(event))
}

/// The public view of the events about one ticket.
fn public_ticket_event(event: &HallEvent) -> Option<PublicEvent> {
    use HallEvent as E;
    use PublicEvent as P;
    Some(match event {
        E::TicketIssued { ticket } => P::TicketIssued {
            number: ticket.number.to_string(),
            queue: ticket.queue.to_string(),
            priority: ticket.priority,
            at: ticket.issued_at,
        },
        E::TicketCalled {
            number,
            queue,
            counter,
            at,
            ..
        } => P::TicketCalled {
            number: number.to_string(),
            queue: queue.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketRecalled {
            number,
            counter,
            at,
            recalls,
            ..
        } => P::TicketRecalled {
            number: number.to_string(),
            counter: *counter,
            at: *at,
            recalls: *recalls,
        },
        E::TicketNoShow {
            number,
            counter,
            at,
            ..
        } => P::TicketNoShow {
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketReactivated { number, at, .. } => P::TicketReactivated {
            number: number.to_string(),
            at: *at,
        },
        E::TicketStarted {
            number,
            counter,
            at,
            ..
        } => P::TicketStarted {
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketFinished {
            number,
            counter,
            at,
            ..
        } => P::TicketFinished {
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        _ => return None,
    })
}

/// The public view of transfers, counters and the day.
fn public_hall_event(event: &HallEvent) -> Option<PublicEvent> {
    use HallEvent as E;
    use PublicEvent as P;
    Some(match event {
        E::TicketTransferred {
            number,
            from_counter,
            to_queue,
            to_counter,
            at,
            ..
        } => P::TicketTransferred {
            number: number.to_string(),
            from_counter: *from_counter,
            to_queue: to_queue.to_string(),
            to_counter: *to_counter,
            at: *at,
        },
        E::CounterPaused {
            counter,
            reason,
            at,
        } => P::CounterPaused {
            counter: *counter,
            reason: reason.clone(),
            at: *at,
        },
        E::CounterResumed { counter, at } => P::CounterResumed {
            counter: *counter,
            at: *at,
        },
        E::StaffLoggedIn {
            counter: Some(counter),
            at,
            ..
        } => P::CounterOpened {
            counter: *counter,
            at: *at,
        },
        E::StaffLoggedOut {
            counter: Some(counter),
            at,
            ..
        } => P::CounterClosed {
            counter: *counter,
            at: *at,
        },
        E::DayRolledOver { from, to, at, .. } => P::DayRolledOver {
            from: *from,
            to: *to,
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of a ticket's way from the kiosk to a counter.
fn staff_ticket_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::TicketIssued { ticket } => S::TicketIssued {
            ticket: ticket.id.0.clone(),
            number: ticket.number.to_string(),
            queue: ticket.queue.to_string(),
            service: ticket.service.as_ref().map(|s| s.0.clone()),
            priority: ticket.priority,
            case: ticket.case.clone(),
            at: ticket.issued_at,
        },
        E::TicketCalled {
            ticket,
            number,
            queue,
            counter,
            staff,
            at,
            priority_streak,
            out_of_turn,
        } => S::TicketCalled {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            queue: queue.to_string(),
            counter: *counter,
            staff: staff.0.clone(),
            at: *at,
            priority_streak: *priority_streak,
            out_of_turn: out_of_turn.clone(),
        },
        E::TicketRecalled {
            ticket,
            number,
            counter,
            at,
            recalls,
        } => S::TicketRecalled {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
            recalls: *recalls,
        },
        E::TicketReactivated {
            ticket, number, at, ..
        } => S::TicketReactivated {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of what happens at a counter.
fn staff_counter_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::TicketNoShow {
            ticket,
            number,
            counter,
            at,
        } => S::TicketNoShow {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketStarted {
            ticket,
            number,
            counter,
            at,
        } => S::TicketStarted {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketFinished {
            ticket,
            number,
            counter,
            at,
        } => S::TicketFinished {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            counter: *counter,
            at: *at,
        },
        E::TicketTransferred {
            ticket,
            number,
            from_counter,
            to_queue,
            to_counter,
            reason,
            at,
        } => S::TicketTransferred {
            ticket: ticket.0.clone(),
            number: number.to_string(),
            from_counter: *from_counter,
            to_queue: to_queue.to_string(),
            to_counter: *to_counter,
            reason: reason.clone(),
            at: *at,
        },
        E::CounterPaused {
            counter,
            reason,
            at,
        } => S::CounterPaused {
            counter: *counter,
            reason: reason.clone(),
            at: *at,
        },
        E::CounterResumed { counter, at } => S::CounterResumed {
            counter: *counter,
            at: *at,
        },
        _ => return None,
    })
}

/// The staff view of logins, cases, ratings, devices and the day.
fn staff_office_event(event: &HallEvent) -> Option<StaffEvent> {
    use HallEvent as E;
    use StaffEvent as S;
    Some(match event {
        E::StaffLoggedIn {
            session,
            staff,
            counter,
            at,
            expires_at,
        } => S::StaffLoggedIn {
            session: session.0.clone(),
            staff: staff.0.clone(),
            counter: *counter,
            at: *at,
            expires_at: *expires_at,
        },
        E::StaffLoggedOut {
            session,
            staff,
            counter,
            at,
        } => S::StaffLoggedOut {
            session: session.0.clone(),
            staff: staff.0.clone(),
            counter: *counter,
            at: *at,
        },
        E::StaffLoginFailed {
            staff,
            failures,
            locked_until,
            at,
        } => S::StaffLoginFailed {
            staff: staff.0.clone(),
            failures: *failures,
            locked_until: *locked_until,
            at: *at,
        },
        E::Case { action, case, at } => S::Case {
            action: (*action).into(),
            case: case.number.clone(),
            service: case.service.0.clone(),
            department: case.department.clone(),
            state: case.state.into(),
            at: *at,
        },
        E::Rated { rating } => rated(rating),
        E::RectificationOpened { item } => S::RectificationOpened {
            rectification: item.id,
            rating: item.rating.id,
            assigned_to: item.assigned_to.as_ref().map(|s| s.0.clone()),
            due: item.due,
        },
        E::RectificationClosed { item } => closed(item)?,
        E::DeviceAlert {
            device,
            part,
            problem,
            at,
        } => S::DeviceAlert {
            device: device.clone(),
            part: part.clone(),
            problem: problem.clone(),
            at: *at,
        },
        E::DayRolledOver {
            from,
            to,
            expired,
            at,
        } => S::DayRolledOver {
            from: *from,
            to: *to,
            expired: expired.iter().map(|t| t.0.clone()).collect(),
            at: *at,
        },
        _ => return None,
    })
}

fn rated(rating: &Rating) -> StaffEvent {
    let (ticket, case) = match &rating.subject {
        RatingSubject::Ticket(ticket) => (Some(ticket.0.clone()), None),
        RatingSubject::Case(number) => (None, Some(number.clone())),
    };
    StaffEvent::Rated {
        rating: rating.id,
        score: rating.score,
        ticket,
        case,
        counter: rating.counter,
        at: rating.at,
    }
}

/// A rectification closed, as its closure says.
fn closed(item: &Rectification) -> Option<StaffEvent> {
    let closure = item.closed.as_ref()?;
    Some(StaffEvent::RectificationClosed {
        rectification: item.id,
        verdict: closure.verdict.into(),
        at: closure.at,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::applicant::Applicant;
    use crate::domain::case::{Case, CaseAction, CaseState, Delivery, DeskStamp, Raised};
    use crate::domain::ids::{ServiceCode, SessionId, StaffId, TicketId, Timestamp};
    use crate::domain::rating::{Closure, Verdict};
    use crate::domain::ticket::{Ticket, TicketState};

    /// Kinds of hall events; `kind_of` stops the build when one is added.
    const KINDS: usize = 19;

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
        ]
    }

    fn case() -> Case {
        Case {
            number: "202603020001".into(),
            service: ServiceCode("SCJG-001".into()),
            department: "scjg".into(),
            applicant: Applicant::new("张三", ID_NUMBER, PHONE).unwrap(),
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
            reviewer: None,
            claimed_on: None,
            correction: None,
            extension: None,
            excluded: Vec::new(),
            decision: None,
            handover: None,
            raised: Raised::default(),
            rated: false,
            finished_on: None,
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
        ]
    }

    fn samples() -> Vec<HallEvent> {
        [ticket_events(), counter_events(), office_events()].concat()
    }

    #[test]
    fn the_samples_hold_every_kind_of_hall_event() {
        let kinds: BTreeSet<usize> = samples().iter().map(kind_of).collect();
        assert_eq!(kinds, (0..KINDS).collect());
    }

    #[test]
    fn staff_see_every_event_by_its_kind() {
        for event in samples() {
            let staff = staff_event(&event).unwrap_or_else(|| panic!("no view of {event:?}"));
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
        let text =
            serde_json::to_string(&samples().iter().map(staff_event).collect::<Vec<_>>()).unwrap();
        for private in ["张三", ID_NUMBER, PHONE, "等太久"] {
            assert!(!text.contains(private), "{private} in {text}");
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
}
