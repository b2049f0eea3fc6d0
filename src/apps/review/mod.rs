//! The back office (`yimen review`): a reviewer's department inbox by
//! deadline, a case with its history and the review actions; for a
//! supervisor, the whole hall. Slint glue: every action asks the hub, and the
//! event stream tells the window when to read again.

mod render;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;
use slint::{ComponentHandle, Timer, TimerMode};

use crate::api::{
    CaseHistoryEntry, CaseView, CloseRectificationRequest, CorrectionRequest, CounterView,
    DecisionRequest, Department, ExcludedTimeRequest, ExtensionDecisionRequest, ExtensionRequest,
    QueueInfo, SessionInfo, SessionRequest, Supervision,
};
use crate::api::{Role, Verdict};
use crate::apps::{callback, spawn};
use crate::client::{Client, ClientError};
use crate::domain::policy::{Workplace, workplace};
use crate::ui::{ReviewAdapter, ReviewWindow};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Login,
    Inbox,
    Supervisor,
}

/// What the back office shows.
pub struct ReviewModel {
    pub page: Page,
    pub session: Option<(SessionInfo, String)>,
    /// The inbox, by deadline.
    pub cases: Vec<CaseView>,
    pub selected: Option<CaseView>,
    pub history: Vec<CaseHistoryEntry>,
    pub supervision: Option<Supervision>,
    pub counters: Vec<CounterView>,
    pub queues: Vec<QueueInfo>,
    /// The hall's departments: the session names its department by code.
    pub departments: Vec<Department>,
    pub message: Option<(String, bool)>,
    pub login_error: Option<String>,
    pub offline: bool,
    pub busy: bool,
    pub english: bool,
}

impl Default for ReviewModel {
    fn default() -> Self {
        Self {
            page: Page::Login,
            session: None,
            cases: Vec::new(),
            selected: None,
            history: Vec::new(),
            supervision: None,
            counters: Vec::new(),
            queues: Vec::new(),
            departments: Vec::new(),
            message: None,
            login_error: None,
            offline: false,
            busy: false,
            english: false,
        }
    }
}

/// Where a role works in the back office, if it does.
pub fn page_for(role: Role) -> Option<Page> {
    match workplace(role.into()) {
        Workplace::Inbox => Some(Page::Inbox),
        Workplace::Supervision => Some(Page::Supervisor),
        Workplace::Counter => None,
    }
}

/// Everything to fix, as typed: separated by ；, ; or new lines.
pub fn items(text: &str) -> Vec<String> {
    text.split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub struct Review {
    window: slint::Weak<ReviewWindow>,
    model: RefCell<ReviewModel>,
    hub: Client,
    runtime: tokio::runtime::Handle,
    second: Timer,
    stream: RefCell<Option<tokio::task::JoinHandle<()>>>,
    refreshing: Cell<bool>,
    refresh_again: Cell<bool>,
}

impl Review {
    pub fn start(window: &ReviewWindow, hub: &str, runtime: tokio::runtime::Handle) -> Rc<Self> {
        let review = Rc::new(Self {
            window: window.as_weak(),
            model: RefCell::new(ReviewModel::default()),
            hub: Client::new(hub),
            runtime,
            second: Timer::default(),
            stream: RefCell::new(None),
            refreshing: Cell::new(false),
            refresh_again: Cell::new(false),
        });
        connect(window, &review);
        if let Err(e) = slint::select_bundled_translation("") {
            tracing::warn!(error = %e, "cannot choose Chinese");
        }
        let weak = Rc::downgrade(&review);
        review
            .second
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(r) = weak.upgrade() {
                    r.render();
                }
            });
        review.render();
        review
    }

    pub fn model(&self) -> std::cell::Ref<'_, ReviewModel> {
        self.model.borrow()
    }

    fn render(&self) {
        if let Some(window) = self.window.upgrade() {
            render::show(&window, &self.model.borrow());
        }
    }

    fn change(&self, f: impl FnOnce(&mut ReviewModel)) {
        f(&mut self.model.borrow_mut());
        self.render();
    }

    fn client(&self) -> Client {
        match self.model.borrow().session.as_ref() {
            Some((_, token)) => self.hub.with_credential(token.as_str()),
            None => self.hub.clone(),
        }
    }

    fn ask<T: Send + 'static>(
        self: &Rc<Self>,
        work: impl std::future::Future<Output = Result<T, ClientError>> + Send + 'static,
        done: impl FnOnce(&Rc<Self>, Result<T, ClientError>) + 'static,
    ) {
        let handle = self.runtime.spawn(work);
        let weak = Rc::downgrade(self);
        spawn(async move {
            let outcome = handle
                .await
                .unwrap_or_else(|e| Err(ClientError::Stream(e.to_string())));
            if let Some(r) = weak.upgrade() {
                done(&r, outcome);
            }
        });
    }

    fn failed(self: &Rc<Self>, e: ClientError) {
        match e {
            ClientError::Refused { status, .. } if status == reqwest::StatusCode::UNAUTHORIZED => {
                self.stop_stream();
                self.change(|m| {
                    *m = ReviewModel {
                        english: m.english,
                        login_error: Some("登录已失效，请重新登录".into()),
                        ..ReviewModel::default()
                    }
                });
            }
            ClientError::Refused { message, .. } => self.change(|m| {
                m.busy = false;
                m.message = Some((message, true));
            }),
            _ => self.change(|m| {
                m.busy = false;
                m.offline = true;
            }),
        }
    }

    fn log_in(self: &Rc<Self>) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let a = window.global::<ReviewAdapter>();
        let request = SessionRequest {
            staff: a.get_staff_id().trim().to_owned(),
            pin: a.get_pin().to_string(),
            counter: None,
        };
        a.set_pin("".into());
        self.change(|m| m.busy = true);
        let hub = self.hub.clone();
        self.ask(
            async move { hub.log_in(&request).await },
            |r, outcome| match outcome {
                Ok(mut session) => {
                    let Some(page) = page_for(session.staff.role) else {
                        // Not for this desk: end the session it opened.
                        let token = session.token.take().unwrap_or_default();
                        let client = r.hub.with_credential(token);
                        r.runtime.spawn(async move {
                            let _ = client.delete("/api/v1/sessions/current").await;
                        });
                        return r.change(|m| {
                            m.busy = false;
                            m.login_error = Some("窗口工作人员请使用窗口终端登录".into());
                        });
                    };
                    let token = session.token.take().unwrap_or_default();
                    r.change(|m| {
                        m.busy = false;
                        m.login_error = None;
                        m.session = Some((session, token));
                        m.page = page;
                    });
                    let (task, mut rx) = crate::apps::live::follow(r.client(), &r.runtime);
                    *r.stream.borrow_mut() = Some(task);
                    let weak = Rc::downgrade(r);
                    spawn(async move {
                        while let Some(item) = rx.recv().await {
                            let Some(r) = weak.upgrade() else { return };
                            match item {
                                Some(_) => r.refresh(),
                                None => r.change(|m| m.offline = true),
                            }
                        }
                    });
                    r.refresh();
                    r.read_departments();
                }
                Err(ClientError::Refused { message, .. }) => r.change(|m| {
                    m.busy = false;
                    m.login_error = Some(message);
                }),
                Err(_) => r.change(|m| {
                    m.busy = false;
                    m.login_error = Some("无法连接服务器，请稍后再试".into());
                }),
            },
        );
    }

    /// Reads the departments' names from the catalogue; without them the
    /// header shows the department's code.
    fn read_departments(self: &Rc<Self>) {
        let hub = self.hub.clone();
        self.ask(
            async move { hub.catalogue().await },
            |r, outcome| match outcome {
                Ok(catalogue) => r.change(|m| m.departments = catalogue.departments),
                Err(e) => tracing::warn!(error = %e, "no department names"),
            },
        );
    }

    fn stop_stream(&self) {
        if let Some(task) = self.stream.borrow_mut().take() {
            task.abort();
        }
    }

    /// Reads the page's data again; one at a time, another if asked meanwhile.
    fn refresh(self: &Rc<Self>) {
        if self.refreshing.replace(true) {
            self.refresh_again.set(true);
            return;
        }
        let client = self.client();
        let page = self.model.borrow().page;
        let selected = self
            .model
            .borrow()
            .selected
            .as_ref()
            .map(|c| c.number.clone());
        self.ask(
            async move {
                Ok(match page {
                    Page::Supervisor => {
                        let supervision: Supervision = client.get("/api/v1/supervision").await?;
                        let counters: Vec<CounterView> = client.get("/api/v1/counters").await?;
                        (
                            Vec::new(),
                            None,
                            Vec::new(),
                            Some(supervision),
                            counters,
                            client.queues().await?,
                        )
                    }
                    _ => {
                        let cases: Vec<CaseView> = client.get("/api/v1/cases").await?;
                        let (case, history) = match selected {
                            Some(n) => (
                                Some(
                                    client
                                        .get::<CaseView>(&format!("/api/v1/cases/{n}"))
                                        .await?,
                                ),
                                client.get(&format!("/api/v1/cases/{n}/history")).await?,
                            ),
                            None => (None, Vec::new()),
                        };
                        (cases, case, history, None, Vec::new(), Vec::new())
                    }
                })
            },
            |r, outcome| {
                r.refreshing.set(false);
                match outcome {
                    Ok((cases, case, history, supervision, counters, queues)) => r.change(|m| {
                        m.offline = false;
                        m.cases = cases;
                        if case.is_some() {
                            m.selected = case;
                        }
                        m.history = history;
                        m.supervision = supervision;
                        m.counters = counters;
                        m.queues = queues;
                    }),
                    Err(e) => r.failed(e),
                }
                if r.refresh_again.replace(false) {
                    r.refresh();
                }
            },
        );
    }

    fn select(self: &Rc<Self>, number: &str) {
        let chosen = self
            .model
            .borrow()
            .cases
            .iter()
            .find(|c| c.number == number)
            .cloned();
        self.change(|m| {
            m.selected = chosen;
            m.history.clear();
            m.message = None;
        });
        self.refresh();
    }

    /// Posts an action on the selected case (or `path` as given) and reads again.
    fn post<B: Serialize + Send + Sync + 'static>(
        self: &Rc<Self>,
        path: String,
        body: B,
        said: &'static str,
    ) {
        if self.model.borrow().busy {
            return;
        }
        self.change(|m| m.busy = true);
        let client = self.client();
        self.ask(
            async move { client.post::<B, serde_json::Value>(&path, &body).await },
            move |r, outcome| match outcome {
                Ok(_) => {
                    r.change(|m| {
                        m.busy = false;
                        m.message = Some((said.into(), false));
                    });
                    if let Some(w) = r.window.upgrade() {
                        let a = w.global::<ReviewAdapter>();
                        for set in [
                            ReviewAdapter::set_reason,
                            ReviewAdapter::set_days,
                            ReviewAdapter::set_note,
                        ] {
                            set(&a, "".into());
                        }
                    }
                    r.refresh();
                }
                Err(e) => r.failed(e),
            },
        );
    }

    fn on_case<B: Serialize + Send + Sync + 'static>(
        self: &Rc<Self>,
        what: &str,
        body: B,
        said: &'static str,
    ) {
        let Some(number) = self
            .model
            .borrow()
            .selected
            .as_ref()
            .map(|c| c.number.clone())
        else {
            return;
        };
        self.post(format!("/api/v1/cases/{number}/{what}"), body, said);
    }

    fn fields(&self) -> (String, String, String, String, String) {
        self.window.upgrade().map_or_else(Default::default, |w| {
            let a = w.global::<ReviewAdapter>();
            (
                a.get_reason().trim().to_owned(),
                a.get_days().trim().to_owned(),
                a.get_from_date().trim().to_owned(),
                a.get_to_date().trim().to_owned(),
                a.get_note().trim().to_owned(),
            )
        })
    }

    fn log_out(self: &Rc<Self>) {
        self.stop_stream();
        let client = self.client();
        self.ask(
            async move { client.delete("/api/v1/sessions/current").await },
            |r, _| {
                r.change(|m| {
                    *m = ReviewModel {
                        english: m.english,
                        ..ReviewModel::default()
                    }
                });
            },
        );
    }
}

/// Runs the back office until its window is closed.
///
/// # Errors
/// The window cannot be created or the event loop fails.
pub fn run(hub: &str) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let window = ReviewWindow::new()?;
    let _review = Review::start(&window, hub, runtime.handle().clone());
    window.run()?;
    Ok(())
}

fn connect(window: &ReviewWindow, review: &Rc<Review>) {
    let a = window.global::<ReviewAdapter>();
    let with = |f: fn(&Rc<Review>)| callback(review, f);
    a.on_log_in(with(Review::log_in));
    a.on_log_out(with(Review::log_out));
    a.on_refresh(with(Review::refresh));
    a.on_toggle_english(with(|r| r.change(|m| m.english = !m.english)));
    a.on_claim(with(|r| {
        r.on_case("claim", serde_json::json!({}), "已认领")
    }));
    a.on_approve(with(|r| {
        let (reason, ..) = r.fields();
        r.on_case(
            "decision",
            DecisionRequest {
                approve: true,
                reason,
            },
            "已批准，办理结果转统一出件窗口",
        )
    }));
    a.on_reject(with(|r| {
        let (reason, ..) = r.fields();
        r.on_case(
            "decision",
            DecisionRequest {
                approve: false,
                reason,
            },
            "已作出不予许可决定",
        )
    }));
    a.on_correction(with(|r| {
        let (reason, ..) = r.fields();
        r.on_case(
            "correction",
            CorrectionRequest {
                items: items(&reason),
            },
            "已一次性告知补正事项，期限暂停计算",
        )
    }));
    a.on_extension(with(|r| {
        let (reason, days, ..) = r.fields();
        let days = days.parse().unwrap_or(0);
        r.on_case(
            "extension",
            ExtensionRequest { days, reason },
            "延期申请已提交，待监督人员批准",
        )
    }));
    let weak = Rc::downgrade(review);
    a.on_excluded(move |kind| {
        let Some(r) = weak.upgrade() else { return };
        let (_, _, from, to, _) = r.fields();
        let (Ok(from), Ok(to)) = (from.parse(), to.parse()) else {
            return r.change(|m| m.message = Some(("日期格式应为 2026-03-02".into(), true)));
        };
        let body = ExcludedTimeRequest {
            kind: kind.to_string(),
            from,
            to,
            note: String::new(),
        };
        r.on_case("excluded-time", body, "已记录法定不计时期间");
    });
    let weak = Rc::downgrade(review);
    a.on_select(move |number| {
        if let Some(r) = weak.upgrade() {
            r.select(&number);
        }
    });
    let weak = Rc::downgrade(review);
    a.on_decide_extension(move |number, approve| {
        if let Some(r) = weak.upgrade() {
            let said = if approve {
                "已批准延期"
            } else {
                "已驳回延期申请"
            };
            r.post(
                format!("/api/v1/cases/{number}/extension/decision"),
                ExtensionDecisionRequest { approve },
                said,
            );
        }
    });
    let weak = Rc::downgrade(review);
    a.on_close_rectification(move |id, satisfied| {
        if let Some(r) = weak.upgrade() {
            let (.., note) = r.fields();
            let verdict = if satisfied {
                Verdict::Satisfied
            } else {
                Verdict::Unsatisfied
            };
            r.post(
                format!("/api/v1/rectifications/{id}/close"),
                CloseRectificationRequest { note, verdict },
                "差评整改已办结",
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_are_listed_as_typed() {
        assert_eq!(
            items("补签字；住所证明过期;\n 章程缺页 ；"),
            ["补签字", "住所证明过期", "章程缺页"]
        );
        assert!(items(" ；").is_empty());
    }

    #[test]
    fn the_back_office_is_for_reviewers_and_supervisors() {
        assert_eq!(page_for(Role::Reviewer), Some(Page::Inbox));
        assert_eq!(page_for(Role::Supervisor), Some(Page::Supervisor));
        assert_eq!(page_for(Role::Intake), None);
    }
}
