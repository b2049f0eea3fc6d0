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

use std::cell::Ref;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

pub use self::model::WallModel;
pub use self::voice::{Announcer, CommandSpeaker, Speaker};
use crate::api::PublicEvent;
use crate::apps::controller::{App, Core, SingleFlight, runtime};
use crate::apps::words::Refused;
use crate::apps::{callback, spawn, speak};
use crate::client::{Client, StreamItem};
use crate::clock::Clock;
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
    core: Core<DisplayWindow, WallModel>,
    signage: Signage,
    /// Presents the wall's device key where one is asked for; the public
    /// event stream needs none.
    client: Client,
    /// None for a silent wall.
    announcer: Option<Announcer>,
    /// Ends the newest call's flash.
    flash: Timer,
    /// The queues' waiting counts, even when no event comes.
    poll: Timer,
    /// The queues are read one at a time.
    reading: SingleFlight,
}

impl App for Display {
    type Window = DisplayWindow;
    type Model = WallModel;

    fn core(&self) -> &Core<DisplayWindow, WallModel> {
        &self.core
    }

    fn show(&self, window: &DisplayWindow, model: &WallModel) {
        render::show(window, model, &self.signage);
    }

    /// While the hub refuses the counts, the last ones stay.
    fn refused(self: &Rc<Self>, refused: Refused, _: bool) {
        tracing::debug!(code = %refused.code, "no queue counts");
    }

    /// While the hub is away the last counts stay; the stream says so.
    fn lost_hub(self: &Rc<Self>) {
        tracing::debug!("no queue counts: the hub is away");
    }

    fn each_second(self: &Rc<Self>) {
        if let Some(window) = self.core.window.upgrade() {
            render::show_clock(&window, self.core.now(), self.signage.zone);
        }
    }
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
        clock: Arc<dyn Clock>,
    ) -> Rc<Self> {
        let model = WallModel::new(signage.counters.clone());
        let display = Rc::new(Self {
            core: Core::new(window, model, runtime, clock),
            signage,
            client: Client::over(&settings.hub, settings.tls.as_ref())
                .with_credential(settings.key.clone()),
            announcer,
            flash: Timer::default(),
            poll: Timer::default(),
            reading: SingleFlight::default(),
        });
        speak(false);
        display.start_second();
        let poll = callback(&display, Display::read_queues);
        display.poll.start(TimerMode::Repeated, POLL, poll);
        display.follow();
        display.read_queues();
        display.render();
        display.each_second();
        display
    }

    /// The model, for tests and screenshots to look at.
    pub fn model(&self) -> Ref<'_, WallModel> {
        self.core.model.borrow()
    }

    /// Follows the event stream until the wall is dropped. Items waiting
    /// together are folded in before the wall is drawn once.
    fn follow(self: &Rc<Self>) {
        let (task, mut items) =
            crate::apps::live::follow_public(self.client.clone(), &self.core.runtime);
        self.core.follow(task);
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
                d.change(WallModel::lost);
            }
        });
    }

    /// One item of the stream, or `None` for a lost connection.
    fn receive(self: &Rc<Self>, item: Option<StreamItem<PublicEvent>>) {
        let Some(item) = item else {
            self.flash.stop();
            self.core.model.borrow_mut().lost();
            return;
        };
        let Some(call) = self.core.model.borrow_mut().receive(item) else {
            return;
        };
        let flash = Duration::from_secs(FLASH_SECONDS.into());
        let over = callback(self, |d| d.change(WallModel::flash_over));
        self.flash.start(TimerMode::SingleShot, flash, over);
        if let Some(announcer) = &self.announcer {
            announcer.announce(call.announcement());
        }
    }

    /// Reads the queues' waiting counts.
    fn read_queues(self: &Rc<Self>) {
        let client = self.client.clone();
        self.ask_once(
            |d| &d.reading,
            async move { client.queues().await },
            |d, outcome| match outcome {
                Ok(queues) => d.change(|m| m.queues = queues),
                Err(failure) => d.failed(failure),
            },
            Display::read_queues,
        );
    }
}

/// Runs the wall on `clock`, full screen unless told otherwise, until its
/// window closes.
///
/// # Errors
/// The window cannot be created, the voice cannot start, or the event loop fails.
pub fn run(
    settings: &DisplaySettings,
    signage: Signage,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<()> {
    let runtime = runtime()?;
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
        clock,
    );
    window.run()?;
    Ok(())
}
