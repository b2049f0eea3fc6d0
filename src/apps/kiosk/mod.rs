//! The lobby kiosk: Slint glue around [`model::KioskModel`]. Callbacks from
//! the window change the model; network and printer work runs on the tokio
//! runtime and comes back to the UI thread (see [`crate::apps::controller`]);
//! every change is then rendered whole.
//!
//! - `model`: what the kiosk shows and why;
//! - `check_in`: 预约签到, a booking checked in by its code or ID number;
//! - `render`: the model shown in the window.

mod check_in;
mod model;
mod render;

use std::cell::{Cell, Ref};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

pub use self::check_in::{CheckInBy, CheckInForm, CheckInProblem, CheckedIn};
pub use self::model::{KioskModel, Screen};
use self::render::Frame;
use crate::api::{AlertRequest, Catalogue, CheckIn, IssuedTicket, TicketRequest};
use crate::apps::catalogue::Known;
use crate::apps::controller::{App, Core, Failure, SingleFlight, runtime};
use crate::apps::words::{Refused, Say, printer_problem};
use crate::apps::{callback, callback1, spawn, speak};
use crate::client::Client;
use crate::clock::Clock;
use crate::config::kiosk::KioskSettings;
use crate::devices::printer::{self, TicketPrinter, TicketSlip};
use crate::ui::{KioskAdapter, KioskWindow, Saying};

/// How often the kiosk asks the hub for the queues, which also tells it
/// whether the hub is there.
const POLL: Duration = Duration::from_secs(5);

type SharedPrinter = Arc<Mutex<Box<dyn TicketPrinter + Send>>>;

/// A running kiosk: its window, state, and the things it talks to.
pub struct Kiosk {
    core: Core<KioskWindow, KioskModel>,
    /// The hub, with the kiosk's device key.
    client: Client,
    printer: SharedPrinter,
    settings: KioskSettings,
    /// Back to Home when nobody touches the screen for a while.
    idle: Timer,
    /// Back to Home when a ticket has been on screen long enough.
    ticket_done: Timer,
    /// Queues and the hub's health.
    poll: Timer,
    /// Seconds left on the ticket screen.
    countdown: Cell<u32>,
    /// The queues are read one at a time.
    polling: SingleFlight,
}

impl App for Kiosk {
    type Window = KioskWindow;
    type Model = KioskModel;

    fn core(&self) -> &Core<KioskWindow, KioskModel> {
        &self.core
    }

    fn show(&self, window: &KioskWindow, model: &KioskModel) {
        let frame = Frame {
            now: self.core.now(),
            countdown: self.countdown.get(),
            qr_base: &self.settings.qr_base,
        };
        render::show(window, model, &frame);
    }

    /// Only a ticket's refusal is shown (see [`Kiosk::take_ticket`]); the
    /// queue list's is for the log.
    fn refused(self: &Rc<Self>, refused: Refused, _: bool) {
        tracing::warn!(code = %refused.code, message = %refused.message, "the hub refused the kiosk");
    }

    fn lost_hub(self: &Rc<Self>) {
        self.change(KioskModel::hub_lost);
    }

    fn each_second(self: &Rc<Self>) {
        self.countdown.set(self.countdown.get().saturating_sub(1));
        self.render();
    }
}

impl Kiosk {
    /// Wires the window to a new kiosk and starts its timers; the caller runs
    /// the event loop.
    pub fn start(
        window: &KioskWindow,
        settings: KioskSettings,
        printer: Box<dyn TicketPrinter + Send>,
        runtime: tokio::runtime::Handle,
        clock: Arc<dyn Clock>,
    ) -> Rc<Self> {
        let mut model = KioskModel::default();
        model.known = read_cache(&settings.cache).map(|c| Arc::new(Known::new(c)));
        let kiosk = Rc::new(Self {
            core: Core::new(window, model, runtime, clock),
            client: Client::over(&settings.hub, settings.tls.as_ref())
                .with_credential(settings.key.clone()),
            printer: Arc::new(Mutex::new(printer)),
            settings,
            idle: Timer::default(),
            ticket_done: Timer::default(),
            poll: Timer::default(),
            countdown: Cell::new(0),
            polling: SingleFlight::default(),
        });
        connect(window, &kiosk);
        speak(false);
        kiosk.start_second();
        let poll = callback(&kiosk, Kiosk::refresh);
        kiosk.poll.start(TimerMode::Repeated, POLL, poll);
        kiosk.refresh();
        kiosk.render();
        kiosk
    }

    /// The model, for tests and screenshots to look at.
    pub fn model(&self) -> Ref<'_, KioskModel> {
        self.core.model.borrow()
    }

    /// Changes the model after something the citizen did, then shows it;
    /// the idle countdown starts again.
    fn act(self: &Rc<Self>, change: impl FnOnce(&mut KioskModel)) {
        let done = callback(self, |k| k.next_citizen());
        self.idle
            .start(TimerMode::SingleShot, self.settings.idle, done);
        self.change(change);
    }

    /// Ready for the next citizen: after the idle timeout or a finished ticket.
    fn next_citizen(&self) {
        self.idle.stop();
        self.ticket_done.stop();
        self.countdown.set(0);
        self.change(KioskModel::reset);
    }

    fn write_cache(&self, catalogue: &Catalogue) {
        let cache = &self.settings.cache;
        let written = serde_json::to_vec(catalogue)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(cache, bytes));
        if let Err(e) = written {
            tracing::warn!(error = %e, cache = %cache.display(), "cannot keep the catalogue for offline use");
        }
    }

    /// Asks the hub for the queues, and for the catalogue and whether the
    /// hall takes bookings until it knows.
    fn refresh(self: &Rc<Self>) {
        let (need_catalogue, need_bookable) = {
            let m = self.core.model.borrow();
            (m.known.is_none(), m.bookable.is_none())
        };
        let client = self.client.clone();
        self.ask_once(
            |k| &k.polling,
            async move {
                let catalogue = if need_catalogue {
                    client.catalogue().await.ok()
                } else {
                    None
                };
                let bookable = if need_bookable {
                    client.appointment_services().await.ok()
                } else {
                    None
                };
                let bookable = bookable.map(|services| !services.is_empty());
                Ok((client.queues().await?, catalogue, bookable))
            },
            |k, outcome| match outcome {
                Ok((queues, catalogue, bookable)) => {
                    if let Some(catalogue) = &catalogue {
                        k.write_cache(catalogue);
                    }
                    k.change(|m| {
                        if let Some(catalogue) = catalogue {
                            m.known = Some(Arc::new(Known::new(catalogue)));
                        }
                        m.bookable = m.bookable.or(bookable);
                        m.queues = queues;
                        m.hub_back();
                    });
                }
                Err(failure) => k.failed(failure),
            },
            Kiosk::refresh,
        );
    }

    /// Takes a ticket for the guide on screen, for a queue, or for a case.
    fn take_ticket(self: &Rc<Self>, request: TicketRequest) {
        let mut go = false;
        self.act(|m| go = m.begin_ticket());
        if !go {
            return;
        }
        let client = self.client.clone();
        self.ask(
            async move { client.issue_ticket(&request).await },
            |k, outcome| match outcome {
                Ok(ticket) => k.ticket_issued(ticket),
                Err(Failure::Refused { refused, .. }) => {
                    k.act(|m| m.ticket_failed(Say::Refused(refused), false));
                }
                Err(Failure::Unreachable) => {
                    k.act(|m| m.ticket_failed(Say::App(Saying::HubAway), true));
                }
            },
        );
    }

    /// Shows the ticket for a while, and prints it.
    fn ticket_issued(self: &Rc<Self>, ticket: IssuedTicket) {
        self.show_ticket_for_a_while();
        self.act(|m| m.ticket_issued(ticket.clone()));
        self.print(&ticket);
    }

    /// The ticket screen goes back to Home by itself after `ticket_seconds`.
    fn show_ticket_for_a_while(self: &Rc<Self>) {
        self.countdown.set(self.settings.ticket_seconds);
        let shown = Duration::from_secs(self.settings.ticket_seconds.into());
        let done = callback(self, |k| k.next_citizen());
        self.ticket_done.start(TimerMode::SingleShot, shown, done);
    }

    /// 预约签到 with the code or ID number typed: the booking's ticket is
    /// shown and printed; a refusal is said on the check-in screen.
    fn check_in(self: &Rc<Self>) {
        let mut request = None;
        self.act(|m| request = m.begin_check_in());
        let Some(request) = request else {
            return;
        };
        let client = self.client.clone();
        self.ask(
            async move { client.check_in(&request).await },
            |k, outcome| match outcome {
                Ok(check_in) => k.checked_in(&check_in),
                Err(Failure::Refused { refused, .. }) => {
                    k.act(|m| m.check_in_refused(refused));
                }
                Err(Failure::Unreachable) => {
                    k.act(|m| m.ticket_failed(Say::App(Saying::HubAway), true));
                }
            },
        );
    }

    fn checked_in(self: &Rc<Self>, check_in: &CheckIn) {
        self.show_ticket_for_a_while();
        self.act(|m| m.checked_in(check_in));
        self.print(&check_in.ticket);
    }

    /// What the printer prints for `ticket`.
    fn slip(&self, ticket: &IssuedTicket) -> TicketSlip {
        let m = self.core.model.borrow();
        let zone = m.zone().unwrap_or(chrono_tz::UTC);
        TicketSlip {
            hall_name: m.hall_name().to_owned(),
            number: ticket.number.clone(),
            queue_name: ticket.queue_name.clone(),
            service_name: ticket.service_name.clone(),
            ahead: ticket.ahead,
            estimated_wait_minutes: ticket.estimated_wait_minutes,
            issued_at: ticket
                .issued_at
                .with_timezone(&zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            appointment_at: ticket.appointment_at.clone(),
            status_url: ticket.qr(&self.settings.qr_base),
            notice: vec![
                "请留意叫号，叫号三次未到视为过号".into(),
                "过号需重新取号".into(),
            ],
        }
    }

    /// Prints the ticket; if the printer cannot, says so on screen (the
    /// ticket stays valid) and tells the hub, so someone brings paper.
    fn print(self: &Rc<Self>, ticket: &IssuedTicket) {
        let slip = self.slip(ticket);
        let number = ticket.number.clone();
        let printer = self.printer.clone();
        let work = self.core.runtime.spawn_blocking(move || {
            let mut printer = printer.lock().unwrap_or_else(|e| e.into_inner());
            printer::print_ticket(&mut **printer, &slip)
        });
        let weak = Rc::downgrade(self);
        spawn(async move {
            let outcome = work.await;
            let Some(k) = weak.upgrade() else { return };
            let problem = match outcome {
                Ok(Ok(status)) if status.paper_near_end => "打印纸即将用完".to_owned(),
                Ok(Ok(_)) => return,
                Ok(Err(e)) => {
                    tracing::warn!(problem = %e, %number, "ticket not printed");
                    k.change(|m| m.ticket_not_printed(printer_problem(&e)));
                    e.to_string()
                }
                Err(e) => format!("打印机故障（{e}）"),
            };
            k.tell_hub(problem);
        });
    }

    /// Tells the hub the printer needs someone: the alert is for the
    /// supervisor, in the hall's words.
    fn tell_hub(&self, problem: String) {
        let client = self.client.clone();
        let alert = AlertRequest {
            part: "printer".to_owned(),
            problem,
        };
        self.core.runtime.spawn(async move {
            if let Err(e) = client.report_alert(&alert).await {
                tracing::warn!(error = %e, "cannot tell the hub about the printer");
            }
        });
    }

    /// A ticket for the guide on screen.
    fn take_guide_ticket(self: &Rc<Self>) {
        let code = self
            .core
            .model
            .borrow()
            .current_guide()
            .map(|g| g.code.clone());
        if let Some(service) = code {
            self.take_ticket(TicketRequest {
                service: Some(service),
                ..TicketRequest::default()
            });
        }
    }

    /// A pickup ticket for the case number typed.
    fn take_pickup_ticket(self: &Rc<Self>) {
        let number = self
            .core
            .model
            .borrow()
            .complete_case_number()
            .map(str::to_owned);
        if let Some(number) = number {
            self.take_ticket(TicketRequest {
                case: Some(number),
                ..TicketRequest::default()
            });
        }
    }

    fn go_home(self: &Rc<Self>) {
        if self.core.model.borrow().screen == Screen::Ticket {
            self.next_citizen();
        } else {
            self.act(KioskModel::home);
        }
    }
}

/// The catalogue kept from the last time the hub was there.
fn read_cache(cache: &PathBuf) -> Option<Catalogue> {
    let text = std::fs::read_to_string(cache).ok()?;
    serde_json::from_str(&text).ok()
}

/// Installs the adapter's callbacks.
fn connect(window: &KioskWindow, kiosk: &Rc<Kiosk>) {
    let adapter = window.global::<KioskAdapter>();
    let with = |f: fn(&Rc<Kiosk>)| callback(kiosk, f);
    adapter.on_touched(with(|k| k.act(|_| {})));
    adapter.on_open_search(with(|k| k.act(KioskModel::open_search)));
    adapter.on_open_pickup(with(|k| k.act(KioskModel::open_pickup)));
    adapter.on_take_pickup_ticket(with(Kiosk::take_pickup_ticket));
    adapter.on_open_check_in(with(|k| k.act(KioskModel::open_check_in)));
    adapter.on_submit_check_in(with(Kiosk::check_in));
    adapter.on_check_in_by_id_number(callback1(kiosk, |k, id_number: bool| {
        let by = if id_number {
            CheckInBy::IdNumber
        } else {
            CheckInBy::Code
        };
        k.act(|m| m.check_in_by(by));
    }));
    adapter.on_take_ticket(with(Kiosk::take_guide_ticket));
    adapter.on_back(with(|k| k.act(KioskModel::back)));
    adapter.on_go_home(with(Kiosk::go_home));
    adapter.on_toggle_elder(with(|k| k.act(|m| m.elder = !m.elder)));
    adapter.on_toggle_english(with(|k| k.act(|m| m.english = !m.english)));
    adapter.on_retry(with(|k| {
        k.act(KioskModel::retry);
        k.refresh();
    }));
    adapter.on_take_queue_ticket(callback1(kiosk, |k, prefix: slint::SharedString| {
        k.take_ticket(TicketRequest {
            queue: Some(prefix.to_string()),
            ..TicketRequest::default()
        });
    }));
    adapter.on_open_department(callback1(kiosk, |k, code: slint::SharedString| {
        k.act(|m| m.open_department(&code));
    }));
    adapter.on_open_guide(callback1(kiosk, |k, code: slint::SharedString| {
        k.act(|m| m.open_guide(&code));
    }));
    adapter.on_key(callback1(kiosk, |k, key: slint::SharedString| {
        k.act(|m| m.key(&key));
    }));
}

/// Runs the kiosk full screen on `clock` until its window is closed.
///
/// # Errors
/// The window cannot be created or the event loop fails.
pub fn run(settings: KioskSettings, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let runtime = runtime()?;
    let printer = printer::connect(&settings.printer);
    let window = KioskWindow::new()?;
    window.window().set_fullscreen(true);
    let _kiosk = Kiosk::start(&window, settings, printer, runtime.handle().clone(), clock);
    window.run()?;
    Ok(())
}
