//! The counter terminal: Slint glue around [`model::CounterModel`]. Every
//! button asks the hub and shows its answer; the event stream tells the
//! terminal when to read its counter and queues again, and after a lost
//! connection it catches up from the events it missed.

pub mod intake;
pub mod model;
mod render;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use slint::{ComponentHandle, Timer, TimerMode};

pub use self::model::{CounterModel, Dialog, Page};
use crate::api::CaseState;
use crate::api::{
    CallTicketRequest, CaseRequest, CaseView, CounterAct, CounterView, IntakeDecision,
    MaterialsRequest, PauseRequest, PickupRequest, QueueInfo, RatingRequest, SessionRequest,
    TransferRequest,
};
use crate::apps::catalogue::Known;
use crate::apps::{callback, spawn};
use crate::client::{Client, ClientError};
use crate::config::clients::ClientSettings;
use crate::devices::printer::TicketPrinter;
use crate::documents::{self, CaseDocument};
use crate::ui::{CounterAdapter, CounterDialog, CounterWindow, IntakeAdapter};

type SharedPrinter = Arc<Mutex<Box<dyn TicketPrinter + Send>>>;

pub struct Counter {
    window: slint::Weak<CounterWindow>,
    model: RefCell<CounterModel>,
    hub: Client,
    runtime: tokio::runtime::Handle,
    settings: ClientSettings,
    printer: SharedPrinter,
    /// The clock and the times on the current ticket.
    second: Timer,
    /// The event stream's task, while logged in.
    stream: RefCell<Option<tokio::task::JoinHandle<()>>>,
    /// A resync is on its way; another is wanted after it.
    resyncing: Cell<bool>,
    resync_again: Cell<bool>,
}

/// What the intake form sends: a new case, or the rest of a waiting case's
/// materials.
enum Submission {
    New(CaseRequest),
    Materials(String, MaterialsRequest),
}

/// What went wrong with a request, for the model.
enum Failure {
    Refused(String),
    /// The session is gone: a new business day, or logged out elsewhere.
    SessionEnded,
    Unreachable,
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Refused { status, .. } if status == reqwest::StatusCode::UNAUTHORIZED => {
                Failure::SessionEnded
            }
            ClientError::Refused { message, .. } => Failure::Refused(message),
            ClientError::Unreachable(_) | ClientError::Stream(_) => Failure::Unreachable,
            ClientError::Garbled(e) => Failure::Refused(e),
        }
    }
}

impl Counter {
    pub fn start(
        window: &CounterWindow,
        settings: ClientSettings,
        printer: Box<dyn TicketPrinter + Send>,
        runtime: tokio::runtime::Handle,
    ) -> Rc<Self> {
        let counter = Rc::new(Self {
            window: window.as_weak(),
            model: RefCell::new(CounterModel::default()),
            hub: Client::new(&settings.hub),
            runtime,
            settings,
            printer: Arc::new(Mutex::new(printer)),
            second: Timer::default(),
            stream: RefCell::new(None),
            resyncing: Cell::new(false),
            resync_again: Cell::new(false),
        });
        connect(window, &counter);
        if let Err(e) = slint::select_bundled_translation("") {
            tracing::warn!(error = %e, "cannot choose Chinese");
        }
        let weak = Rc::downgrade(&counter);
        counter
            .second
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(c) = weak.upgrade() {
                    c.render();
                }
            });
        counter.render();
        counter
    }

    pub fn model(&self) -> std::cell::Ref<'_, CounterModel> {
        self.model.borrow()
    }

    fn render(&self) {
        if let Some(window) = self.window.upgrade() {
            render::show(&window, &self.model.borrow());
        }
    }

    fn change(&self, f: impl FnOnce(&mut CounterModel)) {
        f(&mut self.model.borrow_mut());
        self.render();
    }

    fn client(&self) -> Client {
        match self.model.borrow().token() {
            Some(token) => self.hub.with_credential(token),
            None => self.hub.clone(),
        }
    }

    /// Runs `work` on the runtime, then `done` with its outcome on the UI thread.
    fn ask<T: Send + 'static>(
        self: &Rc<Self>,
        work: impl std::future::Future<Output = Result<T, ClientError>> + Send + 'static,
        done: impl FnOnce(&Rc<Self>, Result<T, Failure>) + 'static,
    ) {
        let handle = self.runtime.spawn(work);
        let weak = Rc::downgrade(self);
        spawn(async move {
            let outcome = match handle.await {
                Ok(result) => result.map_err(Failure::from),
                Err(_) => Err(Failure::Unreachable),
            };
            if let Some(c) = weak.upgrade() {
                done(&c, outcome);
            }
        });
    }

    /// The common ending of a request that failed.
    fn failed(self: &Rc<Self>, failure: Failure) {
        match failure {
            Failure::Refused(message) => self.change(|m| m.refused(message)),
            Failure::Unreachable => self.change(CounterModel::lost_hub),
            Failure::SessionEnded => self.session_ended(),
        }
    }

    fn session_ended(self: &Rc<Self>) {
        self.stop_stream();
        self.change(|m| m.logged_out(Some("登录已失效（已日切或在别处登录），请重新登录".into())));
    }

    fn log_in(self: &Rc<Self>) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let a = window.global::<CounterAdapter>();
        let staff = a.get_staff_id().trim().to_owned();
        let pin = a.get_pin().to_string();
        let counter = match a.get_counter_number().trim() {
            "" => None,
            n => match n.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => return self.change(|m| m.login_failed("窗口号应为数字".into())),
            },
        };
        if self.model.borrow().busy {
            return;
        }
        self.change(|m| m.busy = true);
        a.set_pin("".into());
        let hub = self.hub.clone();
        let request = SessionRequest {
            staff,
            pin,
            counter,
        };
        // A refusal here (a wrong PIN is 401) is the hub's answer, not a
        // session that ended.
        self.ask(
            async move {
                match hub.log_in(&request).await {
                    Ok(session) => Ok(Ok(session)),
                    Err(ClientError::Refused { message, .. }) => Ok(Err(message)),
                    Err(e) => Err(e),
                }
            },
            |c, outcome| match outcome {
                Ok(Ok(mut session)) => {
                    let token = session.token.take().unwrap_or_default();
                    c.change(|m| m.logged_in(session, token));
                    c.after_login();
                }
                Ok(Err(why)) => c.change(|m| m.login_failed(why)),
                Err(_) => c.change(|m| m.login_failed("无法连接服务器，请稍后再试".into())),
            },
        );
    }

    /// Reads what the desk needs once, then follows the event stream.
    fn after_login(self: &Rc<Self>) {
        let client = self.client();
        self.ask(
            async move {
                let catalogue = client.catalogue().await?;
                Ok(catalogue)
            },
            |c, outcome| match outcome {
                Ok(catalogue) => c.change(|m| {
                    m.intake.known = Some(Arc::new(Known::new(catalogue)));
                }),
                Err(failure) => c.failed(failure),
            },
        );
        self.start_stream();
        self.resync();
    }

    /// Reads the counter and the queues again: the truth after events or a
    /// reconnection. One at a time; another if asked meanwhile.
    fn resync(self: &Rc<Self>) {
        if self.resyncing.replace(true) {
            self.resync_again.set(true);
            return;
        }
        let Some(n) = self.model.borrow().counter_number() else {
            self.resyncing.set(false);
            return;
        };
        let client = self.client();
        self.ask(
            async move {
                let view: CounterView = client.get(&format!("/api/v1/counters/{n}")).await?;
                let queues: Vec<QueueInfo> = client.queues().await?;
                let case = match view.current.as_ref().and_then(|t| t.case.clone()) {
                    Some(number) => Some(
                        client
                            .get::<CaseView>(&format!("/api/v1/cases/{number}"))
                            .await?,
                    ),
                    None => None,
                };
                Ok((view, queues, case))
            },
            |c, outcome| {
                c.resyncing.set(false);
                match outcome {
                    Ok((view, queues, case)) => c.change(|m| {
                        m.resynced(view, queues);
                        m.pickup_case = case;
                    }),
                    Err(failure) => c.failed(failure),
                }
                if c.resync_again.replace(false) {
                    c.resync();
                }
            },
        );
    }

    fn start_stream(self: &Rc<Self>) {
        let (task, mut rx) = crate::apps::live::follow(self.client(), &self.runtime);
        *self.stream.borrow_mut() = Some(task);
        let weak = Rc::downgrade(self);
        spawn(async move {
            while let Some(item) = rx.recv().await {
                let Some(c) = weak.upgrade() else { return };
                match item {
                    // Anything new, or caught up after a reconnection: read the truth.
                    Some(_) => c.resync(),
                    None => c.change(CounterModel::lost_hub),
                }
            }
        });
    }

    fn stop_stream(&self) {
        if let Some(task) = self.stream.borrow_mut().take() {
            task.abort();
        }
    }

    /// A counter action, answered with the counter after the hub's commit.
    fn counter_request<B: Serialize + Send + Sync + 'static>(
        self: &Rc<Self>,
        action: &'static str,
        body: B,
    ) {
        let Some(n) = self.model.borrow().counter_number() else {
            return;
        };
        let go = {
            let mut m = self.model.borrow_mut();
            m.begin()
        };
        if !go {
            return;
        }
        self.render();
        let client = self.client();
        let ask_rating = self.settings.rating_on_screen;
        self.ask(
            async move {
                client
                    .post::<B, CounterView>(&format!("/api/v1/counters/{n}/{action}"), &body)
                    .await
            },
            move |c, outcome| match outcome {
                Ok(view) => {
                    c.change(|m| {
                        m.counter_answered(view, action, ask_rating);
                        m.message = None;
                    });
                    c.resync();
                }
                Err(failure) => c.failed(failure),
            },
        );
    }

    /// A request whose answer only needs a message and a resync.
    fn simple<B, R>(self: &Rc<Self>, path: String, body: B, said: &'static str)
    where
        B: Serialize + Send + Sync + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        if !self.model.borrow_mut().begin() {
            return;
        }
        self.render();
        let client = self.client();
        self.ask(
            async move { client.post::<B, R>(&path, &body).await },
            move |c, outcome| match outcome {
                Ok(_) => {
                    c.change(|m| {
                        m.busy = false;
                        m.dialog = Dialog::None;
                        m.said(said.into());
                    });
                    c.resync();
                }
                Err(failure) => c.failed(failure),
            },
        );
    }

    fn dialog_fields(&self) -> (String, String) {
        self.window.upgrade().map_or_else(Default::default, |w| {
            let a = w.global::<CounterAdapter>();
            (
                a.get_dialog_text().trim().to_owned(),
                a.get_dialog_reason().trim().to_owned(),
            )
        })
    }

    fn open_dialog(self: &Rc<Self>, dialog: Dialog) {
        if let Some(w) = self.window.upgrade() {
            let a = w.global::<CounterAdapter>();
            a.set_dialog_text("".into());
            a.set_dialog_reason("".into());
        }
        self.change(|m| m.dialog = dialog);
    }

    fn rate(self: &Rc<Self>, score: u8) {
        let Some((ticket, _)) = self.model.borrow().rating_for.clone() else {
            return;
        };
        let client = self.client();
        let request = RatingRequest {
            ticket: Some(ticket),
            case: None,
            score,
            comment: None,
        };
        self.ask(
            async move {
                client
                    .post::<_, serde_json::Value>("/api/v1/ratings", &request)
                    .await
            },
            |c, outcome| {
                c.change(CounterModel::rated);
                match outcome {
                    Ok(_) => c.change(|m| m.said("感谢您的评价".into())),
                    Err(failure) => c.failed(failure),
                }
            },
        );
    }

    fn log_out(self: &Rc<Self>) {
        self.stop_stream();
        let client = self.client();
        self.ask(
            async move { client.delete("/api/v1/sessions/current").await },
            |c, _| {
                c.change(|m| m.logged_out(None));
            },
        );
    }

    /// Reads the cases waiting for the rest of their materials.
    fn read_pending(self: &Rc<Self>) {
        let client = self.client();
        self.ask(
            async move { client.get::<Vec<CaseView>>("/api/v1/cases").await },
            |c, outcome| match outcome {
                Ok(cases) => c.change(|m| m.intake.set_pending(cases)),
                Err(failure) => c.failed(failure),
            },
        );
    }

    /// Submits the intake form — a new case, or the rest of a waiting
    /// case's materials — then prints the case's document at the counter.
    fn submit_case(self: &Rc<Self>, intake: IntakeDecision) {
        self.read_form();
        let submission = {
            let m = self.model.borrow();
            match &m.intake.reopened {
                Some(number) => Ok(Submission::Materials(
                    number.clone(),
                    m.intake.materials_request(),
                )),
                None => m.intake.request(intake).map(Submission::New),
            }
        };
        let submission = match submission {
            Ok(s) => s,
            Err(why) => return self.change(|m| m.intake.error = Some(why)),
        };
        if !self.model.borrow_mut().begin() {
            return;
        }
        self.render();
        let client = self.client();
        self.ask(
            async move {
                let case: CaseView = match submission {
                    Submission::Materials(number, materials) => {
                        client
                            .post(&format!("/api/v1/cases/{number}/materials"), &materials)
                            .await?
                    }
                    Submission::New(request) => client.post("/api/v1/cases", &request).await?,
                };
                let kind = match case.state {
                    CaseState::AwaitingMaterials => "notice",
                    CaseState::Refused => "refusal",
                    _ => "receipt",
                };
                let path = format!("/api/v1/cases/{}/documents/{kind}?format=json", case.number);
                let doc: CaseDocument = client.get(&path).await?;
                Ok((case, doc))
            },
            |c, outcome| match outcome {
                Ok((case, doc)) => {
                    c.change(|m| {
                        m.busy = false;
                        m.intake.error = None;
                        m.intake.done = Some(intake::Done {
                            title: doc.kind.title().to_owned(),
                            number: case.number.clone(),
                            detail: "正在打印…".into(),
                        });
                    });
                    c.print(doc);
                }
                Err(Failure::Refused(why)) => c.change(|m| {
                    m.busy = false;
                    m.intake.error = Some(why);
                }),
                Err(failure) => c.failed(failure),
            },
        );
    }

    fn print(self: &Rc<Self>, doc: CaseDocument) {
        let printer = self.printer.clone();
        let title = doc.kind.title();
        let work = self.runtime.spawn_blocking(move || {
            let mut printer = printer.lock().unwrap_or_else(|e| e.into_inner());
            documents::print(&mut **printer, &doc)
        });
        let weak = Rc::downgrade(self);
        spawn(async move {
            let detail = match work.await {
                Ok(Ok(_)) => format!("已打印{title}，请交给申请人"),
                Ok(Err(e)) => format!("{e}，{title}未能打印：请处理后从后台补打"),
                Err(e) => format!("打印失败：{e}"),
            };
            if let Some(c) = weak.upgrade() {
                c.change(|m| {
                    if let Some(done) = &mut m.intake.done {
                        done.detail = detail;
                    }
                });
            }
        });
    }

    /// Copies what the clerk typed from the window into the form.
    fn read_form(&self) {
        let Some(w) = self.window.upgrade() else {
            return;
        };
        let a = w.global::<IntakeAdapter>();
        let mut m = self.model.borrow_mut();
        let f = &mut m.intake;
        f.query = a.get_query().to_string();
        f.name = a.get_name().to_string();
        f.id_number = a.get_id_number().to_string();
        f.phone = a.get_phone().to_string();
        f.mail = a.get_mail();
        f.address = a.get_address().to_string();
        f.reason = a.get_reason().to_string();
    }

    /// Shows a waiting case's applicant in the fields the clerk types into.
    fn write_form(&self) {
        let Some(w) = self.window.upgrade() else {
            return;
        };
        let a = w.global::<IntakeAdapter>();
        let m = self.model.borrow();
        let f = &m.intake;
        a.set_name(f.name.as_str().into());
        a.set_id_number(f.id_number.as_str().into());
        a.set_phone(f.phone.as_str().into());
        a.set_mail(f.mail);
        a.set_address(f.address.as_str().into());
    }

    fn clear_form(&self) {
        if let Some(w) = self.window.upgrade() {
            let a = w.global::<IntakeAdapter>();
            for set in [
                IntakeAdapter::set_query,
                IntakeAdapter::set_name,
                IntakeAdapter::set_id_number,
                IntakeAdapter::set_phone,
                IntakeAdapter::set_address,
                IntakeAdapter::set_reason,
            ] {
                set(&a, "".into());
            }
            a.set_mail(false);
        }
        self.model.borrow_mut().intake.reset();
    }
}

/// Runs the counter terminal until its window is closed.
///
/// # Errors
/// The window cannot be created or the event loop fails.
pub fn run(settings: ClientSettings) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let printer = crate::devices::printer::connect(&settings.printer);
    let window = CounterWindow::new()?;
    let _counter = Counter::start(&window, settings, printer, runtime.handle().clone());
    window.run()?;
    Ok(())
}

/// Installs the adapters' callbacks.
fn connect(window: &CounterWindow, counter: &Rc<Counter>) {
    let a = window.global::<CounterAdapter>();
    let with = |f: fn(&Rc<Counter>)| callback(counter, f);
    a.on_log_in(with(Counter::log_in));
    a.on_log_out(with(Counter::log_out));
    a.on_close_dialog(with(|c| c.change(|m| m.dialog = Dialog::None)));
    a.on_skip_rating(with(|c| c.change(CounterModel::rated)));
    a.on_toggle_english(with(|c| c.change(|m| m.english = !m.english)));
    a.on_open_intake(with(|c| {
        if c.model.borrow().allows(CounterAct::OpenCase) {
            c.clear_form();
            c.change(|m| m.page = Page::Intake);
            c.read_pending();
        }
    }));
    a.on_pause(with(|c| {
        let (_, reason) = c.dialog_fields();
        c.counter_request("pause", PauseRequest { reason });
    }));
    a.on_call_number(with(|c| {
        let (number, reason) = c.dialog_fields();
        c.counter_request("call", CallTicketRequest { number, reason });
    }));
    a.on_hand_over(with(|c| {
        let (who, _) = c.dialog_fields();
        let Some(number) = c
            .model
            .borrow()
            .pickup_case
            .as_ref()
            .map(|k| k.number.clone())
        else {
            return;
        };
        let body = PickupRequest {
            collected_by: Some(who),
            tracking_number: None,
        };
        c.simple::<_, CaseView>(
            format!("/api/v1/cases/{number}/pickup"),
            body,
            "已交付办理结果，请办结本号",
        );
    }));
    let weak = Rc::downgrade(counter);
    a.on_act(move |action| {
        if let Some(c) = weak.upgrade() {
            let action: &'static str = match action.as_str() {
                "call-next" => "call-next",
                "recall" => "recall",
                "no-show" => "no-show",
                "start" => "start",
                "finish" => "finish",
                "resume" => "resume",
                _ => return,
            };
            c.counter_request(action, serde_json::json!({}));
        }
    });
    let weak = Rc::downgrade(counter);
    a.on_open_dialog(move |dialog| {
        if let Some(c) = weak.upgrade() {
            c.open_dialog(match dialog {
                CounterDialog::Transfer => Dialog::Transfer,
                CounterDialog::Pause => Dialog::Pause,
                CounterDialog::Call => Dialog::Call,
                CounterDialog::Handover => Dialog::Handover,
                CounterDialog::None => Dialog::None,
            });
        }
    });
    let weak = Rc::downgrade(counter);
    a.on_transfer_to_queue(move |i| {
        let Some(c) = weak.upgrade() else { return };
        let Some(queue) = c
            .model
            .borrow()
            .transfer_queues()
            .get(i as usize)
            .map(|q| q.prefix.clone())
        else {
            return;
        };
        let (_, reason) = c.dialog_fields();
        c.counter_request(
            "transfer",
            TransferRequest {
                queue: Some(queue),
                counter: None,
                reason,
            },
        );
    });
    let weak = Rc::downgrade(counter);
    a.on_transfer_to_counter(move |i| {
        let Some(c) = weak.upgrade() else { return };
        let Some(n) = c
            .model
            .borrow()
            .transfer_counters()
            .get(i as usize)
            .map(|c| c.number)
        else {
            return;
        };
        let (_, reason) = c.dialog_fields();
        c.counter_request(
            "transfer",
            TransferRequest {
                queue: None,
                counter: Some(n),
                reason,
            },
        );
    });
    let weak = Rc::downgrade(counter);
    a.on_rate(move |score| {
        if let (Some(c), Ok(score)) = (weak.upgrade(), u8::try_from(score)) {
            c.rate(score);
        }
    });
    connect_intake(window, counter);
}

fn connect_intake(window: &CounterWindow, counter: &Rc<Counter>) {
    let a = window.global::<IntakeAdapter>();
    let with = |f: fn(&Rc<Counter>)| callback(counter, f);
    a.on_search(with(|c| {
        c.read_form();
        c.render();
    }));
    a.on_applicant_edited(with(|c| {
        c.read_form();
        c.render();
    }));
    a.on_back(with(|c| {
        c.clear_form();
        c.change(|m| m.page = Page::Desk);
    }));
    let weak = Rc::downgrade(counter);
    a.on_pick_service(move |code| {
        if let Some(c) = weak.upgrade() {
            c.read_form();
            c.change(|m| m.intake.pick(&code));
        }
    });
    let weak = Rc::downgrade(counter);
    a.on_reopen(move |number| {
        if let Some(c) = weak.upgrade() {
            c.change(|m| m.intake.reopen(&number));
            c.write_form();
        }
    });
    let weak = Rc::downgrade(counter);
    a.on_toggle_material(move |i| {
        if let Some(c) = weak.upgrade() {
            c.change(|m| m.intake.toggle(i as usize));
        }
    });
    let weak = Rc::downgrade(counter);
    a.on_submit(move |kind| {
        let Some(c) = weak.upgrade() else { return };
        let intake = match kind.as_str() {
            "accept" => IntakeDecision::Accept,
            "notice" => IntakeDecision::Notice,
            "refuse" => IntakeDecision::Refuse,
            _ => return,
        };
        c.submit_case(intake);
    });
}
