//! The back office (`yimen review`): a reviewer's department inbox by
//! deadline, a case with its history and the review actions; for a
//! supervisor, the whole hall. Slint glue: every action asks the hub, and the
//! event stream tells the window when to read again.
//!
//! - `model`: what the back office shows and why;
//! - `render`: the model shown in the window.

mod model;
mod render;

use std::cell::Ref;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use slint::{ComponentHandle, SharedString};

pub use self::model::{HallView, Opened, Page, Reading, ReviewModel, items, page_for};
use crate::api::{
    CaseView, CloseRectificationRequest, CorrectionRequest, DecisionRequest, ExcludedTimeRequest,
    ExtensionDecisionRequest, ExtensionRequest, LeadDecisionRequest, SessionInfo, SessionRequest,
    Verdict,
};
use crate::apps::controller::{App, Core, Failure, SingleFlight, runtime};
use crate::apps::words::{Refused, Say};
use crate::apps::{callback, callback1, callback2, speak};
use crate::client::{Client, ClientError};
use crate::clock::Clock;
use crate::ui::{HallView as ShownView, ReviewAdapter, ReviewWindow, Saying};

pub struct Review {
    core: Core<ReviewWindow, ReviewModel>,
    /// The hub, without a credential; [`Review::client`] adds the session's.
    hub: Client,
    /// The page's data is read one at a time.
    refreshing: SingleFlight,
}

impl App for Review {
    type Window = ReviewWindow;
    type Model = ReviewModel;

    fn core(&self) -> &Core<ReviewWindow, ReviewModel> {
        &self.core
    }

    fn show(&self, window: &ReviewWindow, model: &ReviewModel) {
        render::show(window, model, self.core.now());
    }

    fn refused(self: &Rc<Self>, refused: Refused, unauthorized: bool) {
        if unauthorized {
            self.core.stop_following();
            self.change(|m| m.logged_out(Some(Say::App(Saying::SessionEnded))));
        } else {
            self.change(|m| {
                m.busy = false;
                m.message = Some((Say::Refused(refused), true));
            });
        }
    }

    fn lost_hub(self: &Rc<Self>) {
        self.change(|m| {
            m.busy = false;
            m.offline = true;
        });
    }
}

impl Review {
    /// Wires the window to a new back office talking to `hub`, reads the
    /// hall's catalogue and starts the clock; the caller runs the event loop.
    pub fn start(
        window: &ReviewWindow,
        hub: Client,
        runtime: tokio::runtime::Handle,
        clock: Arc<dyn Clock>,
    ) -> Rc<Self> {
        let review = Rc::new(Self {
            core: Core::new(window, ReviewModel::default(), runtime, clock),
            hub,
            refreshing: SingleFlight::default(),
        });
        connect(window, &review);
        speak(false);
        review.start_second();
        review.read_catalogue();
        review.render();
        review
    }

    /// The model, for tests and screenshots to look at.
    pub fn model(&self) -> Ref<'_, ReviewModel> {
        self.core.model.borrow()
    }

    fn client(&self) -> Client {
        match self.core.model.borrow().session.as_ref() {
            Some((_, token)) => self.hub.with_credential(token.as_str()),
            None => self.hub.clone(),
        }
    }

    fn log_in(self: &Rc<Self>) {
        let Some(window) = self.core.window.upgrade() else {
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
        self.ask(async move { hub.log_in(&request).await }, |r, outcome| {
            let why = match outcome {
                Ok(session) => return r.logged_in(session),
                Err(Failure::Refused { refused, .. }) => Say::Refused(refused),
                Err(Failure::Unreachable) => Say::App(Saying::HubAway),
            };
            r.change(|m| {
                m.busy = false;
                m.login_error = Some(why);
            });
        });
    }

    /// Opens the page for the role and follows the event stream; a clerk of
    /// the front desk is sent to the counter terminal.
    fn logged_in(self: &Rc<Self>, mut session: SessionInfo) {
        let token = session.token.take().unwrap_or_default();
        let Some(page) = page_for(session.staff.role) else {
            // Not for this desk: end the session it opened.
            let client = self.hub.with_credential(token);
            self.core.runtime.spawn(async move {
                let _ = client.log_out().await;
            });
            return self.change(|m| {
                m.busy = false;
                m.login_error = Some(Say::App(Saying::UseCounterTerminal));
            });
        };
        self.change(|m| {
            m.busy = false;
            m.login_error = None;
            m.session = Some((session, token));
            m.page = page;
        });
        self.follow_staff(self.client(), Review::refresh);
        self.refresh();
        self.read_catalogue();
    }

    /// Reads the hall's name, time zone and departments' names; without
    /// them the header shows the department's code.
    fn read_catalogue(self: &Rc<Self>) {
        let hub = self.hub.clone();
        self.ask(
            async move { hub.catalogue().await },
            |r, outcome| match outcome {
                Ok(catalogue) => r.change(|m| m.catalogue(catalogue)),
                Err(e) => {
                    tracing::warn!(error = ?e, "no catalogue: no hall name, no department names")
                }
            },
        );
    }

    /// Reads the page's data again.
    fn refresh(self: &Rc<Self>) {
        let client = self.client();
        let (page, selected, token) = {
            let m = self.core.model.borrow();
            let token = m.session.as_ref().map(|(_, token)| token.clone());
            (m.page, m.selected.as_ref().map(|c| c.number.clone()), token)
        };
        self.ask_once(
            |r| &r.refreshing,
            read(client, page, selected),
            move |r, outcome| {
                // A read sent under a session that has ended since, answered
                // or refused, says nothing of the session now.
                let session = r
                    .core
                    .model
                    .borrow()
                    .session
                    .as_ref()
                    .map(|(_, t)| t.clone());
                if session != token {
                    return;
                }
                match outcome {
                    Ok((reading, opened)) => r.change(|m| m.read(reading, opened)),
                    Err(failure) => r.failed(failure),
                }
            },
            Review::refresh,
        );
    }

    fn select(self: &Rc<Self>, number: SharedString) {
        self.change(|m| m.open(&number));
        self.refresh();
    }

    /// Back from the case to the page's lists.
    fn close_case(self: &Rc<Self>) {
        self.change(ReviewModel::close);
        self.refresh();
    }

    /// A supervisor's hall, or the departments' figures.
    fn show_hall(self: &Rc<Self>, view: ShownView) {
        self.change(|m| {
            m.hall_view = match view {
                ShownView::Hall => HallView::Hall,
                ShownView::Efficiency => HallView::Efficiency,
            };
        });
    }

    /// Sends `work`; once done, says so and reads again.
    fn post<T: Send + 'static>(
        self: &Rc<Self>,
        said: Saying,
        work: impl Future<Output = Result<T, ClientError>> + Send + 'static,
    ) {
        if self.core.model.borrow().busy {
            return;
        }
        self.change(|m| m.busy = true);
        self.ask(work, move |r, outcome| match outcome {
            Ok(_) => {
                r.change(|m| {
                    m.busy = false;
                    m.message = Some((Say::App(said), false));
                });
                r.clear_fields();
                r.refresh();
            }
            Err(failure) => r.failed(failure),
        });
    }

    /// A step on the case open in the inbox.
    fn on_case<F, Fut>(self: &Rc<Self>, said: Saying, send: F)
    where
        F: FnOnce(Client, String) -> Fut,
        Fut: Future<Output = Result<CaseView, ClientError>> + Send + 'static,
    {
        let number = self
            .core
            .model
            .borrow()
            .selected
            .as_ref()
            .map(|c| c.number.clone());
        if let Some(number) = number {
            self.post(said, send(self.client(), number));
        }
    }

    /// What the reader typed: reason, days, from, to, note.
    fn fields(&self) -> (String, String, String, String, String) {
        self.core
            .window
            .upgrade()
            .map_or_else(Default::default, |w| {
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

    fn clear_fields(&self) {
        if let Some(w) = self.core.window.upgrade() {
            let a = w.global::<ReviewAdapter>();
            for set in [
                ReviewAdapter::set_reason,
                ReviewAdapter::set_days,
                ReviewAdapter::set_note,
            ] {
                set(&a, "".into());
            }
        }
    }

    fn log_out(self: &Rc<Self>) {
        self.core.stop_following();
        let client = self.client();
        self.ask(async move { client.log_out().await }, |r, _| {
            r.change(|m| m.logged_out(None));
        });
    }
}

/// One read of what `page` shows, and of the case open on it.
async fn read(
    client: Client,
    page: Page,
    selected: Option<String>,
) -> Result<(Reading, Option<Opened>), ClientError> {
    let reading = if page == Page::Supervisor {
        Reading::Hall {
            supervision: client.supervision().await?,
            counters: client.counters().await?,
            queues: client.queues().await?,
        }
    } else {
        Reading::Inbox {
            cases: client.cases().await?,
        }
    };
    let opened = match selected {
        Some(n) => Some(Opened {
            case: Box::new(client.case(&n).await?),
            history: client.case_history(&n).await?,
        }),
        None => None,
    };
    Ok((reading, opened))
}

/// The review steps, each a button of the inbox or the supervisor's page.
impl Review {
    fn claim(self: &Rc<Self>) {
        self.on_case(Saying::Claimed, |client, n| async move {
            client.claim(&n).await
        });
    }

    fn decide(self: &Rc<Self>, approve: bool) {
        let (reason, ..) = self.fields();
        let decision = DecisionRequest { approve, reason };
        let task = (self.core.model.borrow().selected.as_ref())
            .and_then(|c| c.bundle.as_ref())
            .is_some_and(|b| b.own_task.is_some());
        let said = match (approve, task) {
            (true, true) => Saying::TaskApproved,
            (true, false) => Saying::Approved,
            (false, _) => Saying::Rejected,
        };
        self.on_case(said, |client, n| async move {
            client.decide(&n, &decision).await
        });
    }

    fn correction(self: &Rc<Self>) {
        let (reason, ..) = self.fields();
        let request = CorrectionRequest {
            items: items(&reason),
        };
        self.on_case(Saying::CorrectionAsked, |client, n| async move {
            client.request_correction(&n, &request).await
        });
    }

    fn extension(self: &Rc<Self>) {
        let (reason, days, ..) = self.fields();
        let request = ExtensionRequest {
            days: days.parse().unwrap_or(0),
            reason,
        };
        self.on_case(Saying::ExtensionAsked, |client, n| async move {
            client.request_extension(&n, &request).await
        });
    }

    fn exclude_time(self: &Rc<Self>, kind: SharedString) {
        let (_, _, from, to, _) = self.fields();
        let (Ok(from), Ok(to)) = (from.parse(), to.parse()) else {
            return self.change(|m| m.message = Some((Say::App(Saying::BadDate), true)));
        };
        let request = ExcludedTimeRequest {
            kind: kind.to_string(),
            from,
            to,
            note: String::new(),
        };
        self.on_case(Saying::TimeExcluded, |client, n| async move {
            client.exclude_time(&n, &request).await
        });
    }

    /// The lead department's word on a task's rejection, with the reason
    /// typed.
    fn lead_decision(self: &Rc<Self>, overrule: bool) {
        let (reason, ..) = self.fields();
        let request = LeadDecisionRequest { overrule, reason };
        let said = if overrule {
            Saying::Overruled
        } else {
            Saying::Upheld
        };
        self.on_case(said, |client, n| async move {
            client.lead_decision(&n, &request).await
        });
    }

    fn decide_extension(self: &Rc<Self>, number: SharedString, approve: bool) {
        let said = if approve {
            Saying::ExtensionApproved
        } else {
            Saying::ExtensionDeclined
        };
        let client = self.client();
        let decision = ExtensionDecisionRequest { approve };
        self.post(said, async move {
            client.decide_extension(&number, &decision).await
        });
    }

    fn close_rectification(self: &Rc<Self>, id: i32, satisfied: bool) {
        let (.., note) = self.fields();
        let verdict = if satisfied {
            Verdict::Satisfied
        } else {
            Verdict::Unsatisfied
        };
        let client = self.client();
        let request = CloseRectificationRequest { note, verdict };
        self.post(Saying::RectificationClosed, async move {
            client.close_rectification(i64::from(id), &request).await
        });
    }
}

/// Runs the back office on `clock` until its window is closed.
///
/// # Errors
/// The window cannot be created or the event loop fails.
pub fn run(hub: Client, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let runtime = runtime()?;
    let window = ReviewWindow::new()?;
    let _review = Review::start(&window, hub, runtime.handle().clone(), clock);
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
    a.on_claim(with(Review::claim));
    a.on_approve(with(|r| r.decide(true)));
    a.on_reject(with(|r| r.decide(false)));
    a.on_correction(with(Review::correction));
    a.on_extension(with(Review::extension));
    a.on_excluded(callback1(review, Review::exclude_time));
    a.on_select(callback1(review, Review::select));
    a.on_close_case(with(Review::close_case));
    a.on_show_hall(callback1(review, Review::show_hall));
    a.on_lead_decision(callback1(review, Review::lead_decision));
    a.on_decide_extension(callback2(review, Review::decide_extension));
    a.on_close_rectification(callback2(review, Review::close_rectification));
}
