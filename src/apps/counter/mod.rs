//! The counter terminal: Slint glue around [`model::CounterModel`]. Every
//! button asks the hub and shows its answer; the event stream tells the
//! terminal when to read its counter and queues again, and after a lost
//! connection it catches up from the events it missed.
//!
//! - `model`: what the terminal shows and why;
//! - `intake`: the intake form's state and checks;
//! - `form`: the intake form's glue: what the clerk typed, the case sent,
//!   its document printed;
//! - `render`: the model shown in the window.

mod form;
pub mod intake;
pub mod model;
mod render;

use std::cell::Ref;
use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use slint::ComponentHandle;

pub use self::model::{CounterModel, Dialog, Page};
use crate::api::{
    CallTicketRequest, CounterView, PauseRequest, PickupRequest, RatingRequest, SessionInfo,
    SessionRequest, TransferRequest,
};
use crate::apps::catalogue::Known;
use crate::apps::controller::{App, Core, Failure, SingleFlight, runtime};
use crate::apps::words::{Refused, Say};
use crate::apps::{callback, callback1, speak};
use crate::client::{Client, ClientError};
use crate::clock::Clock;
use crate::config::clients::ClientSettings;
use crate::devices::printer::TicketPrinter;
use crate::domain::ids::CounterNo;
use crate::ui::{CounterAdapter, CounterDialog, CounterWindow, DeskAction, Saying};

type SharedPrinter = Arc<Mutex<Box<dyn TicketPrinter + Send>>>;

pub struct Counter {
    core: Core<CounterWindow, CounterModel>,
    /// The hub, without a credential; [`Counter::client`] adds the session's.
    hub: Client,
    settings: ClientSettings,
    /// Prints the case documents the intake form opens.
    printer: SharedPrinter,
    /// The counter and the queues are read one at a time.
    resyncing: SingleFlight,
}

impl App for Counter {
    type Window = CounterWindow;
    type Model = CounterModel;

    fn core(&self) -> &Core<CounterWindow, CounterModel> {
        &self.core
    }

    fn show(&self, window: &CounterWindow, model: &CounterModel) {
        render::show(window, model, self.core.now());
    }

    fn refused(self: &Rc<Self>, refused: Refused, unauthorized: bool) {
        if unauthorized {
            self.session_ended();
        } else {
            self.change(|m| m.refused(refused));
        }
    }

    fn lost_hub(self: &Rc<Self>) {
        self.change(CounterModel::lost_hub);
    }
}

impl Counter {
    /// Wires the window to a new terminal, reads the hall's catalogue and
    /// starts the clock; the caller runs the event loop.
    pub fn start(
        window: &CounterWindow,
        settings: ClientSettings,
        printer: Box<dyn TicketPrinter + Send>,
        runtime: tokio::runtime::Handle,
        clock: Arc<dyn Clock>,
    ) -> Rc<Self> {
        let counter = Rc::new(Self {
            core: Core::new(window, CounterModel::default(), runtime, clock),
            hub: Client::over(&settings.hub, settings.tls.as_ref()),
            settings,
            printer: Arc::new(Mutex::new(printer)),
            resyncing: SingleFlight::default(),
        });
        connect(window, &counter);
        form::connect(window, &counter);
        speak(false);
        counter.start_second();
        counter.read_catalogue(false);
        counter.render();
        counter
    }

    /// The model, for tests and screenshots to look at.
    pub fn model(&self) -> Ref<'_, CounterModel> {
        self.core.model.borrow()
    }

    fn client(&self) -> Client {
        match self.core.model.borrow().token() {
            Some(token) => self.hub.with_credential(token),
            None => self.hub.clone(),
        }
    }

    /// Reads the catalogue: the hall's name and time zone, and the services
    /// the intake form offers. Before a login nobody needs to hear of a
    /// failure; after one the terminal shows it.
    fn read_catalogue(self: &Rc<Self>, logged_in: bool) {
        let hub = self.hub.clone();
        self.ask(
            async move { hub.catalogue().await },
            move |c, outcome| match outcome {
                Ok(catalogue) => c.change(|m| {
                    m.intake.known = Some(Arc::new(Known::new(catalogue)));
                }),
                Err(failure) if logged_in => c.failed(failure),
                Err(failure) => tracing::debug!(?failure, "no catalogue before login"),
            },
        );
    }

    fn session_ended(self: &Rc<Self>) {
        self.core.stop_following();
        self.change(|m| m.logged_out(Some(Say::App(Saying::SessionEnded))));
    }

    fn log_in(self: &Rc<Self>) {
        let Some(window) = self.core.window.upgrade() else {
            return;
        };
        let a = window.global::<CounterAdapter>();
        let counter = match a.get_counter_number().trim() {
            "" => None,
            n => match n.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    return self.change(|m| m.login_failed(Say::App(Saying::CounterNotANumber)));
                }
            },
        };
        if self.core.model.borrow().busy {
            return;
        }
        let request = SessionRequest {
            staff: a.get_staff_id().trim().to_owned(),
            pin: a.get_pin().to_string(),
            counter,
        };
        a.set_pin("".into());
        self.change(|m| m.busy = true);
        let hub = self.hub.clone();
        self.ask(
            async move { hub.log_in(&request).await },
            |c, outcome| match outcome {
                Ok(session) => c.logged_in(session),
                // A wrong PIN is 401 too: the hub's answer, not a session that ended.
                Err(Failure::Refused { refused, .. }) => {
                    c.change(|m| m.login_failed(Say::Refused(refused)));
                }
                Err(Failure::Unreachable) => {
                    c.change(|m| m.login_failed(Say::App(Saying::HubAway)));
                }
            },
        );
    }

    /// Follows the event stream and reads the desk; the catalogue too, if
    /// it did not come before.
    fn logged_in(self: &Rc<Self>, mut session: SessionInfo) {
        let token = session.token.take().unwrap_or_default();
        self.change(|m| m.logged_in(session, token));
        if self.core.model.borrow().intake.known.is_none() {
            self.read_catalogue(true);
        }
        self.follow_staff(self.client(), Counter::resync);
        self.resync();
    }

    /// Reads the counter and the queues again: the truth after events or a
    /// reconnection.
    fn resync(self: &Rc<Self>) {
        let Some(n) = self.core.model.borrow().counter_number() else {
            return;
        };
        let client = self.client();
        self.ask_once(
            |c| &c.resyncing,
            async move {
                let view = client.counter(n).await?;
                let queues = client.queues().await?;
                let case = match view.current.as_ref().and_then(|t| t.case.clone()) {
                    Some(number) => Some(client.case(&number).await?),
                    None => None,
                };
                Ok((view, queues, case))
            },
            |c, outcome| match outcome {
                Ok((view, queues, case)) => c.change(|m| {
                    m.resynced(view, queues);
                    m.pickup_case = case;
                }),
                Err(failure) => c.failed(failure),
            },
            Counter::resync,
        );
    }

    /// A counter request, answered with the counter after the hub's commit;
    /// `finishes` when it ends the service, which the citizen may rate.
    fn counter_request<F, Fut>(self: &Rc<Self>, finishes: bool, send: F)
    where
        F: FnOnce(Client, CounterNo) -> Fut,
        Fut: Future<Output = Result<CounterView, ClientError>> + Send + 'static,
    {
        let Some(n) = self.core.model.borrow().counter_number() else {
            return;
        };
        if !self.core.model.borrow_mut().begin() {
            return;
        }
        self.render();
        let ask_rating = self.settings.rating_on_screen;
        self.ask(send(self.client(), n), move |c, outcome| match outcome {
            Ok(view) => {
                c.change(|m| m.counter_answered(view, finishes, ask_rating));
                c.resync();
            }
            Err(failure) => c.failed(failure),
        });
    }

    /// A button of the desk that needs nothing more.
    fn act(self: &Rc<Self>, action: DeskAction) {
        let finishes = action == DeskAction::Finish;
        self.counter_request(finishes, move |client, n| async move {
            match action {
                DeskAction::CallNext => client.call_next(n).await,
                DeskAction::Recall => client.recall(n).await,
                DeskAction::NoShow => client.no_show(n).await,
                DeskAction::Start => client.start(n).await,
                DeskAction::Finish => client.finish(n).await,
                DeskAction::Resume => client.resume(n).await,
            }
        });
    }

    fn pause(self: &Rc<Self>) {
        let (_, reason) = self.dialog_fields();
        let request = PauseRequest { reason };
        self.counter_request(false, move |client, n| async move {
            client.pause(n, &request).await
        });
    }

    fn call_number(self: &Rc<Self>) {
        let (number, reason) = self.dialog_fields();
        let request = CallTicketRequest { number, reason };
        self.counter_request(false, move |client, n| async move {
            client.call_ticket(n, &request).await
        });
    }

    fn transfer(self: &Rc<Self>, queue: Option<String>, counter: Option<CounterNo>) {
        let (_, reason) = self.dialog_fields();
        let request = TransferRequest {
            queue,
            counter,
            reason,
        };
        self.counter_request(false, move |client, n| async move {
            client.transfer(n, &request).await
        });
    }

    /// To the queue the hub offers at `index`.
    fn transfer_to_queue(self: &Rc<Self>, index: i32) {
        let queue = usize::try_from(index).ok().and_then(|i| {
            let m = self.core.model.borrow();
            m.transfer_queues().get(i).map(|q| q.prefix.clone())
        });
        if let Some(queue) = queue {
            self.transfer(Some(queue), None);
        }
    }

    /// To the counter the hub offers at `index`.
    fn transfer_to_counter(self: &Rc<Self>, index: i32) {
        let counter = usize::try_from(index).ok().and_then(|i| {
            let m = self.core.model.borrow();
            m.transfer_counters().get(i).map(|c| c.number)
        });
        if let Some(counter) = counter {
            self.transfer(None, Some(counter));
        }
    }

    /// Hands the case at the pickup window over to whoever the clerk typed.
    fn hand_over(self: &Rc<Self>) {
        let (who, _) = self.dialog_fields();
        let number = self
            .core
            .model
            .borrow()
            .pickup_case
            .as_ref()
            .map(|k| k.number.clone());
        let Some(number) = number else {
            return;
        };
        if !self.core.model.borrow_mut().begin() {
            return;
        }
        self.render();
        let client = self.client();
        let request = PickupRequest {
            collected_by: Some(who),
            tracking_number: None,
        };
        self.ask(
            async move { client.pick_up(&number, &request).await },
            |c, outcome| match outcome {
                Ok(_) => {
                    c.change(|m| {
                        m.busy = false;
                        m.dialog = Dialog::None;
                        m.said(Saying::HandedOver);
                    });
                    c.resync();
                }
                Err(failure) => c.failed(failure),
            },
        );
    }

    /// The number and the reason typed in the dialog open.
    fn dialog_fields(&self) -> (String, String) {
        self.core
            .window
            .upgrade()
            .map_or_else(Default::default, |w| {
                let a = w.global::<CounterAdapter>();
                (
                    a.get_dialog_text().trim().to_owned(),
                    a.get_dialog_reason().trim().to_owned(),
                )
            })
    }

    fn open_dialog(self: &Rc<Self>, dialog: CounterDialog) {
        if let Some(w) = self.core.window.upgrade() {
            let a = w.global::<CounterAdapter>();
            a.set_dialog_text("".into());
            a.set_dialog_reason("".into());
        }
        self.change(|m| {
            m.dialog = match dialog {
                CounterDialog::Transfer => Dialog::Transfer,
                CounterDialog::Pause => Dialog::Pause,
                CounterDialog::Call => Dialog::Call,
                CounterDialog::Handover => Dialog::Handover,
                CounterDialog::None => Dialog::None,
            };
        });
    }

    fn rate(self: &Rc<Self>, score: i32) {
        let ticket = self.core.model.borrow().rating_for.clone();
        let (Some((ticket, _)), Ok(score)) = (ticket, u8::try_from(score)) else {
            return;
        };
        let client = self.client();
        let request = RatingRequest {
            ticket: Some(ticket),
            case: None,
            score,
            comment: None,
            last_four: None,
        };
        self.ask(async move { client.rate(&request).await }, |c, outcome| {
            c.change(CounterModel::rated);
            match outcome {
                Ok(_) => c.change(|m| m.said(Saying::ThanksForRating)),
                Err(failure) => c.failed(failure),
            }
        });
    }

    fn log_out(self: &Rc<Self>) {
        self.core.stop_following();
        let client = self.client();
        self.ask(async move { client.log_out().await }, |c, _| {
            c.change(|m| m.logged_out(None));
        });
    }
}

/// Runs the counter terminal on `clock` until its window is closed.
///
/// # Errors
/// The window cannot be created or the event loop fails.
pub fn run(settings: ClientSettings, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let runtime = runtime()?;
    let printer = crate::devices::printer::connect(&settings.printer);
    let window = CounterWindow::new()?;
    let _counter = Counter::start(&window, settings, printer, runtime.handle().clone(), clock);
    window.run()?;
    Ok(())
}

/// Installs the desk's callbacks.
fn connect(window: &CounterWindow, counter: &Rc<Counter>) {
    let a = window.global::<CounterAdapter>();
    let with = |f: fn(&Rc<Counter>)| callback(counter, f);
    a.on_log_in(with(Counter::log_in));
    a.on_log_out(with(Counter::log_out));
    a.on_close_dialog(with(|c| c.change(|m| m.dialog = Dialog::None)));
    a.on_skip_rating(with(|c| c.change(CounterModel::rated)));
    a.on_toggle_english(with(|c| c.change(|m| m.english = !m.english)));
    a.on_pause(with(Counter::pause));
    a.on_call_number(with(Counter::call_number));
    a.on_hand_over(with(Counter::hand_over));
    a.on_act(callback1(counter, Counter::act));
    a.on_open_dialog(callback1(counter, Counter::open_dialog));
    a.on_transfer_to_queue(callback1(counter, Counter::transfer_to_queue));
    a.on_transfer_to_counter(callback1(counter, Counter::transfer_to_counter));
    a.on_rate(callback1(counter, Counter::rate));
}
