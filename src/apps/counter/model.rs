//! What the counter terminal shows and why: plain state, changed by what the
//! clerk does and what the hub answers. Nothing is shown as done before the
//! hub confirmed it.

use chrono_tz::Tz;

use crate::api::{
    CaseView, CounterAct, CounterChoice, CounterState, CounterView, QueueChoice, QueueInfo,
    SessionInfo,
};
use crate::apps::words::{self, Refused, Say};
use crate::ui::Saying;

use super::intake::IntakeForm;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Login,
    Desk,
    Intake,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    None,
    Transfer,
    Pause,
    Call,
    Handover,
}

/// A line under the buttons: what just happened, or why not.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub say: Say,
    pub error: bool,
}

pub struct CounterModel {
    pub page: Page,
    pub dialog: Dialog,
    /// The logged-in session, with its token.
    pub session: Option<(SessionInfo, String)>,
    /// The counter as the hub last answered.
    pub counter: Option<CounterView>,
    pub queues: Vec<QueueInfo>,
    /// The case the current pickup ticket collects.
    pub pickup_case: Option<CaseView>,
    pub message: Option<Message>,
    pub login_error: Option<Say>,
    /// The hub does not answer.
    pub offline: bool,
    /// A request is on its way: buttons wait for its answer.
    pub busy: bool,
    /// After a finish: the ticket the citizen may rate, and its number.
    pub rating_for: Option<(String, String)>,
    /// The ticket at the counter when the request on its way was sent: the
    /// event stream may have cleared the counter before the answer comes.
    sent_with: Option<(String, String)>,
    pub english: bool,
    pub intake: IntakeForm,
}

impl Default for CounterModel {
    fn default() -> Self {
        Self {
            page: Page::Login,
            dialog: Dialog::None,
            session: None,
            counter: None,
            queues: Vec::new(),
            pickup_case: None,
            message: None,
            login_error: None,
            offline: false,
            busy: false,
            rating_for: None,
            sent_with: None,
            english: false,
            intake: IntakeForm::default(),
        }
    }
}

impl CounterModel {
    pub fn token(&self) -> Option<&str> {
        self.session.as_ref().map(|(_, token)| token.as_str())
    }

    pub fn counter_number(&self) -> Option<u32> {
        self.session.as_ref().and_then(|(s, _)| s.counter)
    }

    /// Whether a request may start now; marks the terminal busy if so.
    pub fn begin(&mut self) -> bool {
        if self.busy || self.offline || self.session.is_none() {
            return false;
        }
        self.busy = true;
        self.sent_with = self.current_ticket();
        true
    }

    fn current_ticket(&self) -> Option<(String, String)> {
        self.counter
            .as_ref()
            .and_then(|c| c.current.as_ref())
            .map(|t| (t.id.clone(), t.number.clone()))
    }

    pub fn logged_in(&mut self, session: SessionInfo, token: String) {
        self.busy = false;
        self.login_error = None;
        self.session = Some((session, token));
        self.page = Page::Desk;
        self.message = None;
    }

    pub fn login_failed(&mut self, why: Say) {
        self.busy = false;
        self.login_error = Some(why);
    }

    /// Back to the login page, saying why.
    pub fn logged_out(&mut self, why: Option<Say>) {
        let english = self.english;
        let known = self.intake.known.take();
        *self = Self {
            english,
            login_error: why,
            ..Self::default()
        };
        self.intake.known = known;
    }

    /// The hub's answer to a counter action; a finished ticket may be rated.
    pub fn counter_answered(&mut self, view: CounterView, finished: bool, ask_rating: bool) {
        self.busy = false;
        self.offline = false;
        self.dialog = Dialog::None;
        self.message = None;
        let sent_with = self.sent_with.take();
        if finished && ask_rating {
            self.rating_for = sent_with.or_else(|| self.current_ticket());
        }
        if view.current.as_ref().and_then(|t| t.case.as_ref())
            != self.pickup_case.as_ref().map(|c| &c.number)
        {
            self.pickup_case = None;
        }
        self.counter = Some(view);
    }

    /// The counter as the hub has it now, after events or a reconnection.
    pub fn resynced(&mut self, view: CounterView, queues: Vec<QueueInfo>) {
        self.offline = false;
        if view.current.as_ref().and_then(|t| t.case.as_ref())
            != self.pickup_case.as_ref().map(|c| &c.number)
        {
            self.pickup_case = None;
        }
        self.counter = Some(view);
        self.queues = queues;
    }

    pub fn refused(&mut self, refused: Refused) {
        self.busy = false;
        self.message = Some(Message {
            say: Say::Refused(refused),
            error: true,
        });
    }

    pub fn lost_hub(&mut self) {
        self.busy = false;
        self.offline = true;
    }

    pub fn said(&mut self, saying: Saying) {
        self.message = Some(Message {
            say: Say::App(saying),
            error: false,
        });
    }

    /// The hall's name and time zone, once the catalogue has come.
    pub fn hall(&self) -> Option<(&str, Tz)> {
        let catalogue = &self.intake.known.as_ref()?.catalogue;
        Some((catalogue.hall.as_str(), words::zone(&catalogue.timezone)?))
    }

    /// The ticket at the counter, if there is one.
    pub fn state(&self) -> CounterState {
        self.counter
            .as_ref()
            .map_or(CounterState::Closed, |c| c.state)
    }

    pub fn rated(&mut self) {
        self.busy = false;
        self.rating_for = None;
    }

    /// Whether the hub lets this clerk do `act` here now.
    pub fn allows(&self, act: CounterAct) -> bool {
        self.counter
            .as_ref()
            .is_some_and(|c| c.allowed.contains(&act))
    }

    /// Queues a citizen can be sent to, as the hub offers them.
    pub fn transfer_queues(&self) -> &[QueueChoice] {
        self.counter
            .as_ref()
            .map_or(&[], |c| c.transfer_queues.as_slice())
    }

    /// Counters a citizen can be sent to by name, as the hub offers them.
    pub fn transfer_counters(&self) -> &[CounterChoice] {
        self.counter
            .as_ref()
            .map_or(&[], |c| c.transfer_counters.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{CounterKind, Role, TicketState};
    use crate::api::{CurrentTicket, StaffInfo};

    /// A Monday morning in the sample hall.
    fn at() -> chrono::DateTime<chrono::Utc> {
        "2026-03-02T01:30:00Z".parse().unwrap()
    }

    fn session() -> SessionInfo {
        SessionInfo {
            token: None,
            staff: StaffInfo {
                id: "1001".into(),
                name: "张敏".into(),
                role: Role::Intake,
                department: None,
            },
            counter: Some(1),
            expires_at: at(),
        }
    }

    fn view(current: Option<&str>, state: CounterState) -> CounterView {
        CounterView {
            number: 1,
            name: "1号窗口".into(),
            kind: CounterKind::Intake,
            queues: vec!["A".into()],
            state,
            staff: Some("1001".into()),
            staff_name: Some("张敏".into()),
            paused_reason: None,
            current: current.map(|n| CurrentTicket {
                id: format!("id-{n}"),
                number: n.into(),
                queue: "A".into(),
                service: None,
                service_name: None,
                case: None,
                priority: false,
                state: TicketState::Serving,
                recalls: 0,
                issued_at: at(),
                called_at: None,
                started_at: None,
            }),
            waiting: 0,
            allowed: Vec::new(),
            transfer_queues: Vec::new(),
            transfer_counters: Vec::new(),
        }
    }

    #[test]
    fn one_request_at_a_time_and_none_offline_or_logged_out() {
        let mut m = CounterModel::default();
        assert!(!m.begin(), "not logged in");
        m.logged_in(session(), "t".into());
        assert!(m.begin());
        assert!(!m.begin(), "busy");
        m.lost_hub();
        assert!(!m.begin(), "offline");
    }

    #[test]
    fn finishing_offers_the_finished_ticket_for_rating() {
        let mut m = CounterModel::default();
        m.logged_in(session(), "t".into());
        m.counter_answered(view(Some("A007"), CounterState::Serving), false, true);
        m.counter_answered(view(None, CounterState::Idle), true, true);
        assert_eq!(m.rating_for, Some(("id-A007".into(), "A007".into())));
        m.rated();
        m.counter_answered(view(Some("A008"), CounterState::Serving), false, true);
        m.counter_answered(view(None, CounterState::Idle), true, false);
        assert_eq!(m.rating_for, None, "a keypad rates instead");
    }

    #[test]
    fn the_finished_ticket_is_rated_though_events_cleared_the_counter_first() {
        let mut m = CounterModel::default();
        m.logged_in(session(), "t".into());
        m.counter_answered(view(Some("A007"), CounterState::Serving), false, true);
        assert!(m.begin());
        m.resynced(view(None, CounterState::Idle), Vec::new());
        m.counter_answered(view(None, CounterState::Idle), true, true);
        assert_eq!(m.rating_for, Some(("id-A007".into(), "A007".into())));
    }

    #[test]
    fn a_refusal_changes_nothing_but_the_message() {
        let mut m = CounterModel::default();
        m.logged_in(session(), "t".into());
        m.counter_answered(view(Some("A007"), CounterState::Serving), false, true);
        assert!(m.begin());
        m.refused(Refused {
            code: "nobody_waiting".into(),
            message: "当前没有等候的群众".into(),
        });
        assert_eq!(
            m.counter.as_ref().unwrap().current.as_ref().unwrap().number,
            "A007"
        );
        assert!(m.message.as_ref().unwrap().error);
        assert!(!m.busy);
    }
}
