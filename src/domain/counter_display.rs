//! What the LED window screen above a counter shows: the number called or
//! served there, the pause and its reason, or that the counter is closed.
//! A recall shows the same lines again, so the view counts recalls: two
//! views differ then, and the screen is sent the call once more to flash it.

use super::hall::Hall;
use super::ids::CounterNo;
use super::ticket::TicketState;

/// What a counter's LED window screen is showing, so that the screen can
/// blink a call or dim when closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedState {
    /// Staffed and open, nobody called yet.
    Waiting,
    /// A number called, the citizen on the way.
    Calling,
    /// The citizen at the counter.
    Serving,
    Paused,
    /// Nobody logged in.
    Closed,
}

/// Two lines of text on an LED window screen, with the counter's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedContent {
    pub state: LedState,
    /// The big line: a ticket number, or what the counter is doing.
    pub top: String,
    pub bottom: String,
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_hall::{act, at, hall, issue, log_in, staff};

    fn lines(view: &LedView) -> (LedState, &str, &str) {
        let content = &view.content;
        (content.state, &content.top, &content.bottom)
    }

    #[test]
    fn the_led_follows_the_counter_through_its_day() {
        let mut hall = hall();
        let clerk = staff("1001");
        let led = |hall: &Hall| led_view(hall, 1);
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Closed, "窗口关闭", "请到其他窗口办理")
        );
        let session = log_in(&mut hall, "1001", 1, at(0));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Waiting, "1号窗口", "请等候叫号")
        );
        issue(&mut hall, 'A', false, at(60));
        act(&mut hall, |h| h.call_next(1, &clerk, at(120)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Calling, "A001", "请到1号窗口")
        );
        let called = led(&hall);
        act(&mut hall, |h| h.recall(1, &clerk, at(180)));
        assert_eq!(led(&hall).content, called.content);
        assert_ne!(led(&hall), called, "a recall is a new view, to flash");
        act(&mut hall, |h| h.start(1, &clerk, at(240)));
        assert_eq!(lines(&led(&hall)), (LedState::Serving, "A001", "正在办理"));
        act(&mut hall, |h| h.finish(1, &clerk, at(300)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Waiting, "1号窗口", "请等候叫号")
        );
        act(&mut hall, |h| h.pause(1, &clerk, "午间休息", at(360)));
        assert_eq!(
            lines(&led(&hall)),
            (LedState::Paused, "暂停服务", "午间休息")
        );
        act(&mut hall, |h| Ok(h.log_out(&session, at(420))));
        assert_eq!(led(&hall).content.state, LedState::Closed);
        assert_eq!(led_view(&hall, 99).content.state, LedState::Closed);
    }
}
