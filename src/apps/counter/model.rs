//! What the counter terminal shows and why: plain state, changed by what the
//! clerk does and what the hub answers. Nothing is shown as done before the
//! hub confirmed it.

use chrono_tz::Tz;

use crate::api::{
    CaseState, CaseView, CounterAct, CounterChoice, CounterState, CounterView, QueueChoice,
    QueueInfo, Release, SessionInfo, TaskState, TaskView,
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

    /// What the pickup window hands over for the case at the counter, for a
    /// 一件事: each result with its department's short name, and whether
    /// they are one finished stage's. Nothing for a single case.
    pub fn results(&self) -> (Vec<(String, String)>, bool) {
        let Some(case) = &self.pickup_case else {
            return (Vec::new(), false);
        };
        let known = self.intake.known.as_ref();
        let per_stage = (known.and_then(|k| k.guide(&case.service)))
            .and_then(|g| g.bundle.as_ref())
            .is_some_and(|b| b.results == Release::PerStage);
        let (tasks, one_stage) = results_to_hand_over(case, per_stage);
        let named = tasks.into_iter().map(|t| {
            let department = known.map_or_else(
                || t.department_name.clone(),
                |k| k.department_name(&t.department),
            );
            (t.result.clone(), department)
        });
        (named.collect(), one_stage)
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

/// The tasks whose results the pickup window hands over for `case`, and
/// whether they are one finished stage's: every task's not yet handed over
/// once the case is approved; before that, when the bundle releases its
/// results stage by stage (`per_stage`), the first finished stage's not yet
/// handed over.
pub fn results_to_hand_over(case: &CaseView, per_stage: bool) -> (Vec<&TaskView>, bool) {
    let Some(bundle) = &case.bundle else {
        return (Vec::new(), false);
    };
    let done = |t: &TaskView| matches!(t.state, TaskState::Approved | TaskState::Overruled);
    let waiting = bundle.tasks.iter().filter(|t| done(t) && !t.handed_over);
    if case.state == CaseState::Approved {
        return (waiting.collect(), false);
    }
    if !per_stage {
        return (Vec::new(), false);
    }
    let stage_done = |n: u32| bundle.tasks.iter().filter(|t| t.stage == n).all(done);
    let finished =
        (1..bundle.stages).find(|n| waiting.clone().any(|t| t.stage == *n) && stage_done(*n));
    let stage = finished.map(|n| waiting.filter(|t| t.stage == n).collect());
    (stage.unwrap_or_default(), true)
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
                appointment_at: None,
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

    /// A 一件事 case of two stages, as the pickup window reads it: each task
    /// (stage, department, state, handed over), the case in `state`.
    fn bundle_case(state: &str, tasks: &[(u32, &str, &str, bool)]) -> CaseView {
        let tasks: Vec<serde_json::Value> = tasks
            .iter()
            .map(|(stage, department, state, handed_over)| {
                serde_json::json!({
                    "stage": stage, "stage_name": format!("第{stage}阶段"),
                    "department": department, "department_name": department,
                    "name": "审批", "result": format!("{department}证照"), "materials": [],
                    "days": 5, "state": state, "correction_items": [],
                    "handed_over": handed_over,
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "number": "202603020001", "service": "ZWFW-002", "service_name": "工业项目",
            "department": "zwfw", "department_name": "政务服务", "state": state,
            "applicant": {"name": "周海峰", "id_number": "", "phone": "", "masked": false},
            "materials": [], "missing": [], "opened_at": at(), "opened_by": "1002",
            "counter": 2, "promised_days": 45, "correction_items": [], "excluded": [],
            "claim_overdue": false, "review_overdue": false, "rated": false, "allowed": [],
            "bundle": {"stages": 2, "tasks": tasks},
        }))
        .unwrap()
    }

    fn departments(tasks: &[&TaskView]) -> Vec<String> {
        tasks.iter().map(|t| t.department.clone()).collect()
    }

    #[test]
    fn an_approved_bundle_hands_over_every_result_not_yet_handed_over() {
        let case = bundle_case(
            "approved",
            &[
                (1, "fg", "approved", true),
                (1, "zrzy", "overruled", true),
                (2, "zj", "approved", false),
                (2, "sthj", "approved", false),
            ],
        );
        let (tasks, one_stage) = results_to_hand_over(&case, true);
        assert_eq!(
            (departments(&tasks), one_stage),
            (vec!["zj".into(), "sthj".into()], false)
        );
        let (tasks, _) = results_to_hand_over(&case, false);
        assert_eq!(tasks.len(), 2);
    }

    #[test]
    fn a_case_under_way_hands_over_its_finished_stage_only_when_released_by_stage() {
        let tasks = [
            (1, "fg", "approved", false),
            (1, "zrzy", "overruled", false),
            (2, "zj", "approved", false),
            (2, "sthj", "in_review", false),
        ];
        let case = bundle_case("in_review", &tasks);
        let (first, one_stage) = results_to_hand_over(&case, true);
        assert_eq!(
            (departments(&first), one_stage),
            (vec!["fg".into(), "zrzy".into()], true)
        );
        assert!(
            results_to_hand_over(&case, false).0.is_empty(),
            "all together"
        );
        let handed = [
            (1, "fg", "approved", true),
            (1, "zrzy", "approved", true),
            tasks[2],
            tasks[3],
        ];
        let case = bundle_case("in_review", &handed);
        assert!(
            results_to_hand_over(&case, true).0.is_empty(),
            "nothing finished waits"
        );
    }
}
