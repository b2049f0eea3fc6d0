//! The display wall: Slint glue around [`WallModel`]. The hub's public event
//! stream, followed with reconnects by [`crate::apps::live`], feeds the
//! board, as it feeds the web wall at `/display`; each
//! call made while the wall watches flashes for a few seconds and goes to the
//! voice thread; the queues' waiting counts are read again after events and
//! every little while. Nothing here waits for a person: no login, no touch.

mod model;
mod render;
pub mod screenshot;
pub mod voice;

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};
use tokio::task::JoinHandle;

pub use self::model::WallModel;
pub use self::voice::{Announcer, CommandSpeaker, Speaker};
use crate::api::PublicEvent;
use crate::apps::spawn;
use crate::client::{Client, StreamItem};
use crate::config::Config;
use crate::config::display::DisplaySettings;
use crate::domain::display::FLASH_SECONDS;
use crate::domain::ids::CounterNo;
use crate::ui::DisplayWindow;

/// How often the queues' waiting counts are read when no event says so.
const POLL: Duration = Duration::from_secs(10);

/// What the wall shows that comes from the hall's configuration, not the hub.
#[derive(Clone, Debug)]
pub struct Signage {
    pub hall: String,
    /// The hall's time zone, for the clock.
    pub zone: chrono_tz::Tz,
    /// Every counter (number, name), so calls show the counter's name.
    pub counters: Vec<(CounterNo, String)>,
    /// Scrolled along the bottom, one after another.
    pub notices: Vec<String>,
}

impl Signage {
    pub fn from_config(config: &Config) -> Self {
        Self {
            hall: config.setup.name.clone(),
            zone: config.setup.day_rule.zone,
            counters: config
                .setup
                .counters
                .iter()
                .map(|c| (c.number, c.name.clone()))
                .collect(),
            notices: config.notices.clone(),
        }
    }
}

/// A running wall: its window, what it shows, and what it listens to.
pub struct Display {
    window: slint::Weak<DisplayWindow>,
    model: RefCell<WallModel>,
    signage: Signage,
    /// Presents the wall's device key where one is asked for; the public
    /// event stream needs none.
    client: Client,
    runtime: tokio::runtime::Handle,
    /// None for a silent wall.
    announcer: Option<Announcer>,
    /// Every second: the clock.
    second: Timer,
    /// Ends the newest call's flash.
    flash: Timer,
    /// The queues' waiting counts, even when no event comes.
    poll: Timer,
    /// The task following the event stream.
    stream: RefCell<Option<JoinHandle<()>>>,
    /// A read of the queues is on its way.
    reading: Cell<bool>,
    /// Another read is wanted once it is back.
    read_again: Cell<bool>,
}

impl Display {
    /// Wires the window to a new wall, starts following the hub and the
    /// timers; the caller runs the event loop.
    pub fn start(
        window: &DisplayWindow,
        settings: &DisplaySettings,
        signage: Signage,
        announcer: Option<Announcer>,
        runtime: tokio::runtime::Handle,
    ) -> Rc<Self> {
        let display = Rc::new(Self {
            window: window.as_weak(),
            model: RefCell::new(WallModel::new(signage.counters.clone())),
            signage,
            client: Client::new(&settings.hub).with_credential(settings.key.clone()),
            runtime,
            announcer,
            second: Timer::default(),
            flash: Timer::default(),
            poll: Timer::default(),
            stream: RefCell::new(None),
            reading: Cell::new(false),
            read_again: Cell::new(false),
        });
        // Chinese whatever the machine's locale: no bundle means the source language.
        if let Err(e) = slint::select_bundled_translation("") {
            tracing::warn!(error = %e, "cannot choose Chinese");
        }
        let weak = Rc::downgrade(&display);
        display
            .second
            .start(TimerMode::Repeated, Duration::from_secs(1), {
                let weak = weak.clone();
                move || {
                    if let Some(d) = weak.upgrade() {
                        d.show_clock();
                    }
                }
            });
        display.poll.start(TimerMode::Repeated, POLL, move || {
            if let Some(d) = weak.upgrade() {
                d.read_queues();
            }
        });
        display.follow();
        display.read_queues();
        display.render();
        display.show_clock();
        display
    }

    /// The model, for tests and screenshots to look at.
    pub fn model(&self) -> Ref<'_, WallModel> {
        self.model.borrow()
    }

    fn render(&self) {
        if let Some(window) = self.window.upgrade() {
            render::show(&window, &self.model.borrow(), &self.signage);
        }
    }

    fn show_clock(&self) {
        if let Some(window) = self.window.upgrade() {
            render::show_clock(&window, chrono::Utc::now(), self.signage.zone);
        }
    }

    /// Follows the event stream until the wall is dropped. Items waiting
    /// together are folded in before the wall is drawn once.
    fn follow(self: &Rc<Self>) {
        let (task, mut items) =
            crate::apps::live::follow_public(self.client.clone(), &self.runtime);
        *self.stream.borrow_mut() = Some(task);
        let weak = Rc::downgrade(self);
        spawn(async move {
            while let Some(item) = items.recv().await {
                let Some(d) = weak.upgrade() else { return };
                d.receive(item);
                while let Ok(item) = items.try_recv() {
                    d.receive(item);
                }
                d.render();
                d.read_queues();
            }
            if let Some(d) = weak.upgrade() {
                tracing::error!(hub = d.client.base(), "the event stream ended for good");
                d.model.borrow_mut().lost();
                d.render();
            }
        });
    }

    /// One item of the stream, or `None` for a lost connection.
    fn receive(self: &Rc<Self>, item: Option<StreamItem<PublicEvent>>) {
        let Some(item) = item else {
            self.flash.stop();
            self.model.borrow_mut().lost();
            return;
        };
        let Some(call) = self.model.borrow_mut().receive(item) else {
            return;
        };
        let weak = Rc::downgrade(self);
        let flash = Duration::from_secs(FLASH_SECONDS.into());
        self.flash.start(TimerMode::SingleShot, flash, move || {
            if let Some(d) = weak.upgrade() {
                d.model.borrow_mut().flash_over();
                d.render();
            }
        });
        if let Some(announcer) = &self.announcer {
            announcer.announce(call.announcement());
        }
    }

    /// Reads the queues' waiting counts; one read at a time, and one more if
    /// asked meanwhile. While the hub is away the last counts stay.
    fn read_queues(self: &Rc<Self>) {
        if self.reading.replace(true) {
            self.read_again.set(true);
            return;
        }
        let client = self.client.clone();
        let work = self.runtime.spawn(async move { client.queues().await });
        let weak = Rc::downgrade(self);
        spawn(async move {
            let answer = work.await;
            let Some(d) = weak.upgrade() else { return };
            d.reading.set(false);
            match answer {
                Ok(Ok(queues)) => {
                    d.model.borrow_mut().queues = queues;
                    d.render();
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "no queue counts"),
                Err(e) => tracing::warn!(error = %e, "the queue read failed"),
            }
            if d.read_again.replace(false) {
                d.read_queues();
            }
        });
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(task) = self.stream.borrow_mut().take() {
            task.abort();
        }
    }
}

/// Runs the wall, full screen unless told otherwise, until its window closes.
///
/// # Errors
/// The window cannot be created, the voice cannot start, or the event loop fails.
pub fn run(settings: &DisplaySettings, signage: Signage) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let announcer = if settings.voice.enabled {
        let speaker = CommandSpeaker::new(settings.voice.clone())?;
        Some(Announcer::start(speaker, settings.voice.repeats)?)
    } else {
        None
    };
    let window = DisplayWindow::new()?;
    window.window().set_fullscreen(settings.fullscreen);
    let _display = Display::start(
        &window,
        settings,
        signage,
        announcer,
        runtime.handle().clone(),
    );
    window.run()?;
    Ok(())
}
