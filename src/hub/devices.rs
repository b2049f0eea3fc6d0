//! The hub's side of the counter devices. The devices never see the hub:
//! after every commit the hub works out what each counter's LED shows and
//! updates that counter's watch, and it records each key press through the
//! writer like any other command, as the keypad, answering recorded or
//! refused and why.

use std::sync::Arc;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use super::Hub;
use super::stream::WireEvent;
use crate::devices::counter::{self, DeviceFeed, DeviceRole, KeyPress, Refusal, RunningDevices};
use crate::domain::counter_display::{LedView, led_view};
use crate::domain::ids::{Actor, CounterNo};
use crate::domain::rating::{RatingSubject, ticket_to_rate};

/// Key presses waiting for the hub before a keypad waits to hand in more.
const PRESSES_QUEUED: usize = 64;

/// The counter devices of a running hub, and the tasks that feed them.
pub(super) struct Devices {
    running: RunningDevices,
    /// Updates the LEDs' views after every commit.
    screens: JoinHandle<()>,
    /// Records key presses, in the order they arrive.
    keypads: JoinHandle<()>,
}

/// Starts the devices the hub's configuration lists and the tasks that
/// feed them.
pub(super) fn start(hub: &Arc<Hub>) -> Devices {
    let settings = &hub.config.counter_devices;
    // Subscribed before the first look at the hall, so no commit is missed.
    let committed = hub.shared.events.subscribe();
    let mut feeds = Vec::new();
    let mut screens = std::collections::BTreeMap::new();
    {
        let hall = hub.hall();
        for device in settings
            .devices
            .iter()
            .filter(|d| d.role == DeviceRole::Led)
        {
            let (feed, screen) = watch::channel(led_view(&hall, device.counter));
            feeds.push((device.counter, feed));
            screens.insert(device.counter, screen);
        }
    }
    let (presses, pressed) = mpsc::channel(PRESSES_QUEUED);
    let running = counter::start(settings, DeviceFeed { screens, presses });
    Devices {
        running,
        screens: tokio::spawn(feed_screens(hub.clone(), committed, feeds)),
        keypads: tokio::spawn(record_presses(hub.clone(), pressed)),
    }
}

impl Devices {
    /// Answers the key presses in hand, blanks the LEDs, closes the ports
    /// and ends the feeding tasks.
    pub(super) async fn stop(self) {
        self.running.stop().await;
        self.screens.abort();
        // Ends once every keypad's task, and with it its sender, is gone.
        let _ = self.keypads.await;
    }
}

/// Keeps each LED's view as the committed hall has it.
async fn feed_screens(
    hub: Arc<Hub>,
    mut committed: broadcast::Receiver<Arc<WireEvent>>,
    feeds: Vec<(CounterNo, watch::Sender<LedView>)>,
) {
    while let Ok(_) | Err(RecvError::Lagged(_)) = committed.recv().await {
        // One look at the hall covers every event committed so far.
        while !matches!(
            committed.try_recv(),
            Err(TryRecvError::Empty | TryRecvError::Closed)
        ) {}
        let hall = hub.hall();
        for (counter, feed) in &feeds {
            let view = led_view(&hall, *counter);
            feed.send_if_modified(|shown| {
                let changed = *shown != view;
                *shown = view;
                changed
            });
        }
    }
}

async fn record_presses(hub: Arc<Hub>, mut pressed: mpsc::Receiver<KeyPress>) {
    while let Some(press) = pressed.recv().await {
        let answer = rate(&hub, &press).await;
        let _ = press.answer.send(answer);
    }
}

/// Records the press's score for the ticket just finished at its counter.
async fn rate(hub: &Hub, press: &KeyPress) -> Result<(), Refusal> {
    let (counter, score) = (press.counter, press.score);
    let actor = Actor::Device(press.keypad.clone());
    let outcome = hub
        .writer
        .submit(move |batch| {
            let ticket = match ticket_to_rate(batch.hall(), counter) {
                Ok(ticket) => ticket,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let number = batch.hall().ticket(&ticket).map(|t| t.number);
            let subject = RatingSubject::Ticket(ticket);
            let events = batch.hall().rate(subject, score, None, batch.now())?;
            batch.record(&actor, events)?;
            Ok(Ok(number))
        })
        .await;
    let name = &press.keypad;
    match outcome {
        Ok(Ok(number)) => {
            let number = number.map(|n| n.to_string()).unwrap_or_default();
            tracing::info!(device = %name, %number, score, "rating recorded from a keypad");
            Ok(())
        }
        Ok(Err(refusal)) => {
            let refusal = Refusal::from(refusal);
            tracing::info!(device = %name, score, "key press not recorded: {}", refusal.text());
            Err(refusal)
        }
        Err(e) => {
            tracing::warn!(device = %name, score, error = %e, "key press not recorded");
            Err(Refusal::Unavailable)
        }
    }
}
