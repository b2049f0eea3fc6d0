//! The lobby kiosk: Slint glue around [`model::KioskModel`]. Callbacks from
//! the window change the model; network and printer work runs on the tokio
//! runtime and comes back to the UI thread through `slint::spawn_local`,
//! which awaits it on the event loop; every change is then rendered whole.

mod model;
mod render;
mod texts;

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use self::model::Fault;
pub use self::model::{KioskModel, Screen};
use self::texts::Lang;
use crate::api::{Catalogue, TicketRequest};
use crate::apps::catalogue::Known;
use crate::apps::{callback, spawn};
use crate::client::{Client, ClientError};
use crate::config::kiosk::KioskSettings;
use crate::devices::printer::{self, TicketPrinter, TicketSlip};
use crate::ui::{KioskAdapter, KioskWindow};

/// How often the kiosk asks the hub for the queues, which also tells it
/// whether the hub is there.
const POLL: Duration = Duration::from_secs(5);

type SharedPrinter = Arc<Mutex<Box<dyn TicketPrinter + Send>>>;

/// A running kiosk: its window, state, and the things it talks to.
pub struct Kiosk {
    window: slint::Weak<KioskWindow>,
    model: RefCell<KioskModel>,
    client: Client,
    runtime: tokio::runtime::Handle,
    printer: SharedPrinter,
    settings: KioskSettings,
    /// Where the last catalogue seen is kept, for when the hub is away.
    cache: PathBuf,
    /// Back to Home when nobody touches the screen for a while.
    idle: Timer,
    /// Every second: the clock, and the ticket screen's countdown.
    second: Timer,
    /// Back to Home when a ticket has been on screen long enough.
    ticket_done: Timer,
    /// Queues and the hub's health.
    poll: Timer,
    /// Seconds left on the ticket screen.
    countdown: Cell<u32>,
    /// Whether a poll is on its way.
    polling: Cell<bool>,
}

impl Kiosk {
    /// Wires the window to a new kiosk and starts its timers; the caller runs
    /// the event loop.
    pub fn start(
        window: &KioskWindow,
        settings: KioskSettings,
        printer: Box<dyn TicketPrinter + Send>,
        runtime: tokio::runtime::Handle,
    ) -> Rc<Self> {
        let client = Client::new(&settings.hub).with_credential(settings.key.clone());
        let cache = settings.cache.clone();
        let kiosk = Rc::new(Self {
            window: window.as_weak(),
            model: RefCell::new(KioskModel::default()),
            client,
            runtime,
            printer: Arc::new(Mutex::new(printer)),
            settings,
            cache,
            idle: Timer::default(),
            second: Timer::default(),
            ticket_done: Timer::default(),
            poll: Timer::default(),
            countdown: Cell::new(0),
            polling: Cell::new(false),
        });
        if let Some(catalogue) = kiosk.read_cache() {
            kiosk.model.borrow_mut().known = Some(Arc::new(Known::new(catalogue)));
        }
        connect(window, &kiosk);
        // Chinese whatever the machine's locale: no bundle means the source language.
        if let Err(e) = slint::select_bundled_translation("") {
            tracing::warn!(error = %e, "cannot choose Chinese");
        }
        let weak = Rc::downgrade(&kiosk);
        kiosk
            .second
            .start(TimerMode::Repeated, Duration::from_secs(1), {
                let weak = weak.clone();
                move || {
                    if let Some(k) = weak.upgrade() {
                        k.each_second();
                    }
                }
            });
        kiosk.poll.start(TimerMode::Repeated, POLL, move || {
            if let Some(k) = weak.upgrade() {
                k.refresh();
            }
        });
        kiosk.refresh();
        kiosk.render();
        kiosk
    }

    /// The model, for tests and screenshots to look at.
    pub fn model(&self) -> std::cell::Ref<'_, KioskModel> {
        self.model.borrow()
    }

    fn lang(&self) -> Lang {
        Lang {
            english: self.model.borrow().english,
        }
    }

    fn zone(&self) -> chrono_tz::Tz {
        self.model
            .borrow()
            .known
            .as_ref()
            .and_then(|k| k.catalogue.timezone.parse().ok())
            .unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// Changes the model after something the citizen did, then shows it;
    /// the idle countdown starts again.
    fn act(self: &Rc<Self>, change: impl FnOnce(&mut KioskModel)) {
        let weak = Rc::downgrade(self);
        self.idle
            .start(TimerMode::SingleShot, self.settings.idle, move || {
                if let Some(k) = weak.upgrade() {
                    k.next_citizen();
                }
            });
        change(&mut self.model.borrow_mut());
        self.render();
    }

    /// Ready for the next citizen: after the idle timeout or a finished ticket.
    fn next_citizen(&self) {
        self.idle.stop();
        self.ticket_done.stop();
        self.countdown.set(0);
        self.model.borrow_mut().reset();
        self.render();
    }

    fn render(&self) {
        if let Some(window) = self.window.upgrade() {
            render::show(
                &window,
                &self.model.borrow(),
                self.lang(),
                self.zone(),
                &self.settings,
                self.countdown.get(),
            );
        }
    }

    fn each_second(&self) {
        self.countdown.set(self.countdown.get().saturating_sub(1));
        self.render();
    }

    fn read_cache(&self) -> Option<Catalogue> {
        let text = std::fs::read_to_string(&self.cache).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn write_cache(&self, catalogue: &Catalogue) {
        let written = serde_json::to_vec(catalogue)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&self.cache, bytes));
        if let Err(e) = written {
            tracing::warn!(error = %e, cache = %self.cache.display(), "cannot keep the catalogue for offline use");
        }
    }

    /// Asks the hub for the queues, and for the catalogue until it has one.
    fn refresh(self: &Rc<Self>) {
        if self.polling.replace(true) {
            return;
        }
        let need_catalogue = self.model.borrow().known.is_none();
        let client = self.client.clone();
        let work = self.runtime.spawn(async move {
            let catalogue = if need_catalogue {
                Some(client.catalogue().await)
            } else {
                None
            };
            (client.queues().await, catalogue)
        });
        let weak = Rc::downgrade(self);
        spawn(async move {
            let answer = work.await;
            let Some(k) = weak.upgrade() else { return };
            k.polling.set(false);
            let Ok((queues, catalogue)) = answer else {
                return;
            };
            if let Some(Ok(catalogue)) = catalogue {
                k.write_cache(&catalogue);
                k.model.borrow_mut().known = Some(Arc::new(Known::new(catalogue)));
            }
            {
                let mut m = k.model.borrow_mut();
                match queues {
                    Ok(queues) => {
                        m.queues = queues;
                        m.hub_back();
                    }
                    Err(ClientError::Unreachable(_)) => m.hub_lost(),
                    Err(e) => tracing::warn!(error = %e, "the hub refused the queue list"),
                }
            }
            k.render();
        });
    }

    /// Takes a ticket for the guide on screen, or for a queue.
    fn take_ticket(self: &Rc<Self>, request: TicketRequest) {
        let mut go = false;
        self.act(|m| go = m.begin_ticket());
        if !go {
            return;
        }
        let client = self.client.clone();
        let work = self
            .runtime
            .spawn(async move { client.issue_ticket(&request).await });
        let weak = Rc::downgrade(self);
        spawn(async move {
            let answer = work.await;
            let Some(k) = weak.upgrade() else { return };
            let lang = k.lang();
            match answer {
                Ok(Ok(ticket)) => {
                    k.countdown.set(k.settings.ticket_seconds);
                    let weak = Rc::downgrade(&k);
                    let shown = Duration::from_secs(k.settings.ticket_seconds.into());
                    k.ticket_done.start(TimerMode::SingleShot, shown, move || {
                        if let Some(k) = weak.upgrade() {
                            k.next_citizen();
                        }
                    });
                    k.act(|m| m.ticket_issued(ticket.clone()));
                    k.print(ticket);
                }
                Ok(Err(ClientError::Refused { message, .. })) => {
                    let (title, detail) = lang.refused(&message);
                    k.act(|m| m.ticket_failed(Fault { title, detail }, false));
                }
                Ok(Err(_)) | Err(_) => {
                    let (title, detail) = lang.unreachable();
                    k.act(|m| m.ticket_failed(Fault { title, detail }, true));
                }
            }
        });
    }

    /// Prints the ticket; if the printer cannot, says so on screen (the
    /// ticket stays valid) and tells the hub, so someone brings paper.
    fn print(self: &Rc<Self>, ticket: crate::api::IssuedTicket) {
        let slip = TicketSlip {
            hall_name: self
                .model
                .borrow()
                .known
                .as_ref()
                .map(|k| k.catalogue.hall.clone())
                .unwrap_or_default(),
            number: ticket.number.clone(),
            queue_name: ticket.queue_name.clone(),
            service_name: ticket.service_name.clone(),
            ahead: ticket.ahead,
            estimated_wait_minutes: ticket.estimated_wait_minutes,
            issued_at: ticket
                .issued_at
                .with_timezone(&self.zone())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            status_url: format!("{}{}", self.settings.qr_base, ticket.status_url),
            notice: vec![
                "请留意叫号，叫号三次未到视为过号".into(),
                "过号需重新取号".into(),
            ],
        };
        let printer = self.printer.clone();
        let work = self.runtime.spawn_blocking(move || {
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
                    let problem = e.to_string();
                    tracing::warn!(%problem, number = %ticket.number, "ticket not printed");
                    let lang = k.lang();
                    k.model
                        .borrow_mut()
                        .ticket_not_printed(lang.print_problem(&problem));
                    k.render();
                    problem
                }
                Err(e) => format!("打印机故障（{e}）"),
            };
            let client = k.client.clone();
            k.runtime.spawn(async move {
                if let Err(e) = client.report_alert("printer", &problem).await {
                    tracing::warn!(error = %e, "cannot tell the hub about the printer");
                }
            });
        });
    }
}

/// Installs the adapter's callbacks.
fn connect(window: &KioskWindow, kiosk: &Rc<Kiosk>) {
    let adapter = window.global::<KioskAdapter>();
    let with = |f: fn(&Rc<Kiosk>)| callback(kiosk, f);
    adapter.on_touched(with(|k| k.act(|_| {})));
    adapter.on_open_search(with(|k| k.act(KioskModel::open_search)));
    adapter.on_open_pickup(with(|k| k.act(KioskModel::open_pickup)));
    adapter.on_take_pickup_ticket(with(|k| {
        let number = k.model.borrow().complete_case_number().map(str::to_owned);
        if let Some(number) = number {
            k.take_ticket(TicketRequest {
                case: Some(number),
                ..TicketRequest::default()
            });
        }
    }));
    adapter.on_back(with(|k| k.act(KioskModel::back)));
    adapter.on_go_home(with(|k| {
        if k.model.borrow().screen == Screen::Ticket {
            k.next_citizen();
        } else {
            k.act(KioskModel::home);
        }
    }));
    adapter.on_toggle_elder(with(|k| k.act(|m| m.elder = !m.elder)));
    adapter.on_toggle_english(with(|k| k.act(|m| m.english = !m.english)));
    adapter.on_retry(with(|k| {
        k.act(KioskModel::retry);
        k.refresh();
    }));
    adapter.on_take_ticket(with(|k| {
        let code = k.model.borrow().current_guide().map(|g| g.code.clone());
        if let Some(service) = code {
            k.take_ticket(TicketRequest {
                service: Some(service),
                ..TicketRequest::default()
            });
        }
    }));
    let weak = Rc::downgrade(kiosk);
    adapter.on_take_queue_ticket(move |prefix| {
        if let Some(k) = weak.upgrade() {
            k.take_ticket(TicketRequest {
                queue: Some(prefix.to_string()),
                ..TicketRequest::default()
            });
        }
    });
    let weak = Rc::downgrade(kiosk);
    adapter.on_open_department(move |code| {
        if let Some(k) = weak.upgrade() {
            k.act(|m| m.open_department(&code));
        }
    });
    let weak = Rc::downgrade(kiosk);
    adapter.on_open_guide(move |code| {
        if let Some(k) = weak.upgrade() {
            k.act(|m| m.open_guide(&code));
        }
    });
    let weak = Rc::downgrade(kiosk);
    adapter.on_key(move |key| {
        if let Some(k) = weak.upgrade() {
            k.act(|m| m.key(&key));
        }
    });
}

/// Runs the kiosk full screen until its window is closed.
///
/// # Errors
/// The window cannot be created or the event loop fails.
pub fn run(settings: KioskSettings) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let printer = printer::connect(&settings.printer);
    let window = KioskWindow::new()?;
    window.window().set_fullscreen(true);
    let _kiosk = Kiosk::start(&window, settings, printer, runtime.handle().clone());
    window.run()?;
    Ok(())
}
