//! The skeleton every app's controller shares, written once: a window, a
//! model shown whole after each change, the clock, a tokio runtime for
//! network work whose answers come back to the UI thread, a timer that
//! redraws every second, the event stream while it is followed, and reads
//! that run one at a time.
//!
//! An app holds a [`Core`] and implements [`App`] for what differs: how it
//! shows its model, and what it does when the hub refuses or is away. The
//! rest ([`App::ask`], [`App::ask_once`], [`App::change`]) comes with the
//! trait.

use std::cell::{Cell, Ref, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};
use tokio::task::JoinHandle;

use super::spawn;
use super::words::Refused;
use crate::client::{Client, ClientError};
use crate::clock::Clock;
use crate::domain::ids::Timestamp;

/// Why a request came to nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The hub said no.
    Refused {
        refused: Refused,
        /// The credential is no longer good: a session that ended, a key
        /// the hub does not know.
        unauthorized: bool,
    },
    /// The hub could not be reached, or the connection broke.
    Unreachable,
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Refused {
                status,
                code,
                message,
            } => Failure::Refused {
                refused: Refused { code, message },
                unauthorized: status == reqwest::StatusCode::UNAUTHORIZED,
            },
            // An answer this client cannot read: the hub's words are all there is.
            ClientError::Garbled(message) => Failure::Refused {
                refused: Refused {
                    code: String::new(),
                    message,
                },
                unauthorized: false,
            },
            ClientError::Unreachable(_) | ClientError::Stream(_) => Failure::Unreachable,
        }
    }
}

/// What every app's controller holds.
pub struct Core<W: ComponentHandle, M> {
    /// Weak: closing the window frees the app.
    pub window: slint::Weak<W>,
    pub model: RefCell<M>,
    /// Where network and printer work runs.
    pub runtime: tokio::runtime::Handle,
    /// The time shown and counted on screen.
    pub clock: Arc<dyn Clock>,
    /// Every second: the clock on screen, and times counting up or down.
    second: Timer,
    /// The event stream's task, while it is followed.
    stream: RefCell<Option<JoinHandle<()>>>,
}

impl<W: ComponentHandle, M> Core<W, M> {
    pub fn new(
        window: &W,
        model: M,
        runtime: tokio::runtime::Handle,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            window: window.as_weak(),
            model: RefCell::new(model),
            runtime,
            clock,
            second: Timer::default(),
            stream: RefCell::new(None),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Keeps the task following the event stream, stopping the one before.
    pub fn follow(&self, task: JoinHandle<()>) {
        if let Some(before) = self.stream.borrow_mut().replace(task) {
            before.abort();
        }
    }

    pub fn stop_following(&self) {
        if let Some(task) = self.stream.borrow_mut().take() {
            task.abort();
        }
    }
}

impl<W: ComponentHandle, M> Drop for Core<W, M> {
    fn drop(&mut self) {
        self.stop_following();
    }
}

/// The runtime an app's network and printer work runs on, beside the
/// window's event loop: two workers are plenty for one screen.
///
/// # Errors
/// The runtime cannot start.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// A read that runs one at a time: asked again while on its way, it runs
/// once more after.
#[derive(Default)]
pub struct SingleFlight {
    running: Cell<bool>,
    again: Cell<bool>,
}

impl SingleFlight {
    /// Whether to start now; if one is running, another is wanted after it.
    fn start(&self) -> bool {
        if self.running.replace(true) {
            self.again.set(true);
            return false;
        }
        true
    }

    /// The read is back: whether another is wanted.
    fn done(&self) -> bool {
        self.running.set(false);
        self.again.replace(false)
    }
}

/// An app's controller: what differs between the apps. The provided
/// methods are the shared skeleton.
pub trait App: Sized + 'static {
    type Window: ComponentHandle + 'static;
    type Model;

    fn core(&self) -> &Core<Self::Window, Self::Model>;

    /// Shows the whole model in the window.
    fn show(&self, window: &Self::Window, model: &Self::Model);

    /// The hub said no.
    fn refused(self: &Rc<Self>, refused: Refused, unauthorized: bool);

    /// The hub could not be reached.
    fn lost_hub(self: &Rc<Self>);

    /// Every second; a redraw unless the app counts something down.
    fn each_second(self: &Rc<Self>) {
        self.render();
    }

    /// The model, for tests and screenshots to look at.
    fn model(&self) -> Ref<'_, Self::Model> {
        self.core().model.borrow()
    }

    fn render(&self) {
        let core = self.core();
        if let Some(window) = core.window.upgrade() {
            self.show(&window, &core.model.borrow());
        }
    }

    /// Changes the model, then shows it.
    fn change(&self, f: impl FnOnce(&mut Self::Model)) {
        f(&mut self.core().model.borrow_mut());
        self.render();
    }

    /// Starts the timer that calls [`App::each_second`].
    fn start_second(self: &Rc<Self>) {
        let tick = super::callback(self, Self::each_second);
        self.core()
            .second
            .start(TimerMode::Repeated, Duration::from_secs(1), tick);
    }

    /// Runs `work` on the runtime, then `done` with its outcome on the UI
    /// thread, if the app is still there.
    fn ask<T: Send + 'static>(
        self: &Rc<Self>,
        work: impl Future<Output = Result<T, ClientError>> + Send + 'static,
        done: impl FnOnce(&Rc<Self>, Result<T, Failure>) + 'static,
    ) {
        let handle = self.core().runtime.spawn(work);
        let weak = Rc::downgrade(self);
        spawn(async move {
            let outcome = match handle.await {
                Ok(result) => result.map_err(Failure::from),
                Err(_) => Err(Failure::Unreachable),
            };
            if let Some(app) = weak.upgrade() {
                done(&app, outcome);
            }
        });
    }

    /// Like [`App::ask`], one at a time through `flight`: asked while one is
    /// on its way, `again` runs once it is back.
    fn ask_once<T: Send + 'static>(
        self: &Rc<Self>,
        flight: fn(&Self) -> &SingleFlight,
        work: impl Future<Output = Result<T, ClientError>> + Send + 'static,
        done: impl FnOnce(&Rc<Self>, Result<T, Failure>) + 'static,
        again: fn(&Rc<Self>),
    ) {
        if !flight(self).start() {
            return;
        }
        self.ask(work, move |app, outcome| {
            let more = flight(app).done();
            done(app, outcome);
            if more {
                again(app);
            }
        });
    }

    /// Follows the staff view of the event stream with `client`: `seen`
    /// after anything new (or a reconnection's catching up), and
    /// [`App::lost_hub`] whenever the connection drops.
    fn follow_staff(self: &Rc<Self>, client: Client, seen: fn(&Rc<Self>)) {
        let (task, mut items) = super::live::follow(client, &self.core().runtime);
        self.core().follow(task);
        let weak = Rc::downgrade(self);
        spawn(async move {
            while let Some(item) = items.recv().await {
                let Some(app) = weak.upgrade() else { return };
                match item {
                    Some(_) => seen(&app),
                    None => app.lost_hub(),
                }
            }
        });
    }

    /// The common ending of a request that failed.
    fn failed(self: &Rc<Self>, failure: Failure) {
        match failure {
            Failure::Refused {
                refused,
                unauthorized,
            } => self.refused(refused, unauthorized),
            Failure::Unreachable => self.lost_hub(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_asked_for_meanwhile_runs_once_after() {
        let flight = SingleFlight::default();
        assert!(flight.start());
        assert!(!flight.start(), "one at a time");
        assert!(!flight.start());
        assert!(flight.done(), "once more, for both asked meanwhile");
        assert!(flight.start());
        assert!(!flight.done(), "nobody asked meanwhile");
    }
}
