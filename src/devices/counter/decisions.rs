//! What a counter's LED shows and which ticket a key press rates: plain
//! functions over the committed hall, so they are tested without a port.

use super::protocol::{LedContent, LedState, Refusal};
use crate::domain::hall::Hall;
use crate::domain::ids::{CounterNo, TicketId};
use crate::domain::ticket::TicketState;

/// What the LED above a counter should show. Two views differ when the
/// content does, and when the ticket called there is recalled: the content
/// stays the same, and is sent again so that the screen flashes the number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedView {
    pub content: LedContent,
    /// Recalls of the ticket at the counter since it was called.
    pub recalls: u32,
}

/// What the LED above `counter` shows, as the hall has it: the number
/// called or served, the pause and its reason, or that it is closed.
pub fn led_view(hall: &Hall, counter: CounterNo) -> LedView {
    let show = |state, top: String, bottom: &str, recalls| LedView {
        content: LedContent {
            state,
            top,
            bottom: bottom.to_owned(),
        },
        recalls,
    };
    let Some(c) = hall.counter(counter).filter(|c| c.session.is_some()) else {
        return show(LedState::Closed, "窗口关闭".into(), "请到其他窗口办理", 0);
    };
    if let Some(pause) = &c.pause {
        return show(LedState::Paused, "暂停服务".into(), &pause.reason, 0);
    }
    match c.current.as_ref().and_then(|id| hall.ticket(id)) {
        Some(t) if t.state == TicketState::Serving => show(
            LedState::Serving,
            t.number.to_string(),
            "正在办理",
            t.recalls,
        ),
        Some(t) => show(
            LedState::Calling,
            t.number.to_string(),
            &format!("请到{counter}号窗口"),
            t.recalls,
        ),
        None => show(
            LedState::Waiting,
            format!("{counter}号窗口"),
            "请等候叫号",
            0,
        ),
    }
}

/// The ticket a key press at `counter` rates: the one finished there most
/// recently today, if it has no rating yet. An older ticket is never rated
/// in its place, so a second press cannot rate the citizen before.
///
/// # Errors
/// [`Refusal::NothingToRate`] when nothing has finished at the counter
/// today; [`Refusal::AlreadyRated`] when the last one has its rating.
pub fn ticket_to_rate(hall: &Hall, counter: CounterNo) -> Result<TicketId, Refusal> {
    let last = hall
        .tickets()
        .filter(|t| t.state == TicketState::Finished && t.counter == Some(counter))
        .filter(|t| t.day == hall.day())
        .max_by_key(|t| (t.finished_at, t.order))
        .ok_or(Refusal::NothingToRate)?;
    if last.rated {
        return Err(Refusal::AlreadyRated);
    }
    Ok(last.id.clone())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{Duration, NaiveDate, NaiveTime};

    use super::*;
    use crate::domain::calendar::WorkingCalendar;
    use crate::domain::error::QueueError;
    use crate::domain::event::HallEvent;
    use crate::domain::ids::{DayRule, QueuePrefix, SessionId, StaffId, Timestamp};
    use crate::domain::queue::Wanted;
    use crate::domain::rating::RatingSubject;
    use crate::domain::setup::{
        CaseRules, CounterKind, CounterSetup, HallSetup, QueueKind, QueueRules, QueueSetup, Role,
        StaffSetup,
    };

    /// Queue A at counters 1 and 2; clerks 1001 and 1002.
    fn hall() -> Hall {
        let a = QueuePrefix::new('A').unwrap();
        let counter = |number| CounterSetup {
            number,
            name: format!("{number}号窗口"),
            kind: CounterKind::Intake,
            queues: vec![a],
        };
        let clerk = |id: &str, number| StaffSetup {
            id: StaffId::from(id),
            name: format!("工作人员 {id}"),
            role: Role::Intake,
            department: None,
            counter: Some(number),
        };
        let setup = HallSetup {
            name: "测试大厅".into(),
            day_rule: DayRule {
                zone: chrono_tz::Asia::Shanghai,
                rollover: NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
            },
            rules: QueueRules::default(),
            queues: vec![QueueSetup {
                prefix: a,
                name: "综合".into(),
                kind: QueueKind::Service,
                services: Vec::new(),
                daily_cap: 100,
                first: 1,
                last: 999,
                default_service_minutes: 8.0,
            }],
            counters: vec![counter(1), counter(2)],
            staff: vec![clerk("1001", 1), clerk("1002", 2)],
            calendar: WorkingCalendar::default(),
            departments_by_service: Default::default(),
            cases: CaseRules::default(),
        };
        Hall::new(
            Arc::new(setup),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        )
    }

    /// Monday 2 March 2026, 10:00 in Shanghai, plus `minutes`.
    fn at(minutes: i64) -> Timestamp {
        "2026-03-02T02:00:00Z".parse::<Timestamp>().unwrap() + Duration::minutes(minutes)
    }

    fn act(hall: &mut Hall, decide: impl FnOnce(&Hall) -> Result<Vec<HallEvent>, QueueError>) {
        for event in decide(hall).unwrap() {
            hall.apply(&event);
        }
    }

    fn clerk(counter: CounterNo) -> StaffId {
        StaffId::from(format!("100{counter}").as_str())
    }

    fn open(hall: &mut Hall, counter: CounterNo) {
        let session = SessionId(format!("s{counter}"));
        act(hall, |h| {
            h.log_in(&clerk(counter), Some(counter), session, at(0))
        });
    }

    /// Issues a ticket, calls it to `counter`, serves and finishes it.
    fn serve(hall: &mut Hall, counter: CounterNo, minute: i64) -> TicketId {
        let id = TicketId::from(format!("t{minute}").as_str());
        let wanted = Wanted::Queue(QueuePrefix::new('A').unwrap());
        act(hall, |h| h.issue(&wanted, false, id.clone(), at(minute)));
        act(hall, |h| h.call_next(counter, &clerk(counter), at(minute)));
        act(hall, |h| h.start(counter, &clerk(counter), at(minute)));
        act(hall, |h| h.finish(counter, &clerk(counter), at(minute + 1)));
        id
    }

    fn lines(view: &LedView) -> (LedState, &str, &str) {
        let content = &view.content;
        (content.state, &content.top, &content.bottom)
    }

    #[test]
    fn the_led_follows_the_counter_through_its_day() {
        let mut hall = hall();
        let led = |hall: &Hall| led_view(hall, 1);
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Closed, "窗口关闭", "请到其他窗口办理")
        );
        open(&mut hall, 1);
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Waiting, "1号窗口", "请等候叫号")
        );
        let wanted = Wanted::Queue(QueuePrefix::new('A').unwrap());
        act(&mut hall, |h| {
            h.issue(&wanted, false, TicketId::from("t1"), at(1))
        });
        act(&mut hall, |h| h.call_next(1, &clerk(1), at(2)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Calling, "A001", "请到1号窗口")
        );
        act(&mut hall, |h| h.recall(1, &clerk(1), at(3)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Calling, "A001", "请到1号窗口")
        );
        act(&mut hall, |h| h.start(1, &clerk(1), at(4)));
        assert_eq!(lines(&led(&hall)), (LedState::Serving, "A001", "正在办理"));
        act(&mut hall, |h| h.finish(1, &clerk(1), at(5)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Waiting, "1号窗口", "请等候叫号")
        );
        act(&mut hall, |h| h.pause(1, &clerk(1), "午间休息", at(6)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Paused, "暂停服务", "午间休息")
        );
        act(&mut hall, |h| Ok(h.log_out(&SessionId("s1".into()), at(7))));
        assert_eq!(led(&hall).content.state, LedState::Closed);
        assert_eq!(led_view(&hall, 99).content.state, LedState::Closed);
    }

    #[test]
    fn a_key_press_rates_the_ticket_finished_last_at_that_counter() {
        let mut hall = hall();
        open(&mut hall, 1);
        open(&mut hall, 2);
        assert_eq!(ticket_to_rate(&hall, 1), Err(Refusal::NothingToRate));
        let first = serve(&mut hall, 1, 10);
        assert_eq!(ticket_to_rate(&hall, 1), Ok(first.clone()));
        assert_eq!(ticket_to_rate(&hall, 2), Err(Refusal::NothingToRate));
        let at_two = serve(&mut hall, 2, 20);
        let second = serve(&mut hall, 1, 30);
        assert_eq!(ticket_to_rate(&hall, 1), Ok(second.clone()));
        assert_eq!(ticket_to_rate(&hall, 2), Ok(at_two));
        act(&mut hall, |h| {
            h.rate(RatingSubject::Ticket(second), 5, None, at(40))
        });
        // The first citizen is gone: a second press must not rate them.
        assert_eq!(ticket_to_rate(&hall, 1), Err(Refusal::AlreadyRated));
        assert!(!hall.ticket(&first).unwrap().rated);
    }

    #[test]
    fn a_ticket_called_but_not_finished_is_not_rated() {
        let mut hall = hall();
        open(&mut hall, 1);
        let wanted = Wanted::Queue(QueuePrefix::new('A').unwrap());
        act(&mut hall, |h| {
            h.issue(&wanted, false, TicketId::from("t1"), at(1))
        });
        act(&mut hall, |h| h.call_next(1, &clerk(1), at(2)));
        assert_eq!(ticket_to_rate(&hall, 1), Err(Refusal::NothingToRate));
    }
}
