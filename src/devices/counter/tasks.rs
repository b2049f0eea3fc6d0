//! The hub's side of each counter device: a task per device, started with
//! the hub and stopped with it. An LED shows its counter as the committed
//! hall has it, again after every commit that changes it and whenever the
//! LED comes back; a keypad's press rates the ticket just finished there.

use std::sync::Arc;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::decisions::{LedView, led_view, ticket_to_rate};
use super::link::{Link, LinkEvent};
use super::protocol::{FromDevice, Refusal, ToDevice};
use super::protocol_for;
use super::settings::{CounterDevice, DeviceRole};
use crate::domain::ids::Actor;
use crate::domain::rating::RatingSubject;
use crate::hub::Hub;

/// The device tasks of a running hub.
pub struct RunningDevices {
    tasks: Vec<JoinHandle<()>>,
    /// Turns true to stop every task.
    stop: watch::Sender<bool>,
}

/// Starts a task, and a line thread, for every counter device the hub's
/// configuration lists. A device that is missing is waited for, not an error.
pub fn start(hub: &Arc<Hub>) -> RunningDevices {
    let (stop, stopping) = watch::channel(false);
    let settings = &hub.config.counter_devices;
    let mut tasks = Vec::new();
    for device in &settings.devices {
        let protocol = protocol_for(device.protocol);
        let link = match Link::start(device.clone(), settings.reconnect, protocol) {
            Ok(link) => link,
            Err(e) => {
                tracing::error!(device = %device.name(), error = %e, "cannot start a counter device's thread");
                continue;
            }
        };
        let (hub, device, stopping) = (hub.clone(), device.clone(), stopping.clone());
        tasks.push(match device.role {
            DeviceRole::Led => tokio::spawn(run_led(hub, device, link, stopping)),
            DeviceRole::Keypad => tokio::spawn(run_keypad(hub, device, link, stopping)),
        });
    }
    RunningDevices { tasks, stop }
}

impl RunningDevices {
    /// Blanks the LEDs, closes every port and waits for the tasks to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// What one LED is known to show.
struct Screen {
    /// The port is open.
    connected: bool,
    /// Sent since the port last opened; none to send it again.
    shown: Option<LedView>,
}

impl Screen {
    /// Sends what the hall says the counter shows, if the LED is there and
    /// shows something else.
    fn refresh(&mut self, hub: &Hub, device: &CounterDevice, link: &Link) {
        if !self.connected {
            return;
        }
        let view = led_view(&hub.hall(), device.counter);
        if self.shown.as_ref() != Some(&view) {
            link.send(ToDevice::Show(view.content.clone()));
            self.shown = Some(view);
        }
    }
}

async fn run_led(
    hub: Arc<Hub>,
    device: CounterDevice,
    mut link: Link,
    mut stopping: watch::Receiver<bool>,
) {
    let mut committed = hub.shared.events.subscribe();
    let mut screen = Screen {
        connected: false,
        shown: None,
    };
    loop {
        tokio::select! {
            _ = stopping.changed() => break,
            event = link.events.recv() => match event {
                Some(LinkEvent::Connected) => {
                    screen.connected = true;
                    screen.shown = None;
                    screen.refresh(&hub, &device, &link);
                }
                Some(LinkEvent::Disconnected) => screen.connected = false,
                Some(LinkEvent::Message(message)) => {
                    tracing::warn!(device = %device.name(), ?message, "an LED sent a message: ignored");
                }
                None => break,
            },
            event = committed.recv() => match event {
                Ok(_) | Err(RecvError::Lagged(_)) => {
                    // One look at the hall covers every event committed so far.
                    while !matches!(committed.try_recv(), Err(TryRecvError::Empty | TryRecvError::Closed)) {}
                    screen.refresh(&hub, &device, &link);
                }
                Err(RecvError::Closed) => break,
            },
        }
    }
    link.send(ToDevice::Clear);
    link.close().await;
}

async fn run_keypad(
    hub: Arc<Hub>,
    device: CounterDevice,
    mut link: Link,
    mut stopping: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stopping.changed() => break,
            event = link.events.recv() => match event {
                Some(LinkEvent::Message(FromDevice::KeyPress(score))) => {
                    link.send(rate(&hub, &device, score).await);
                }
                Some(LinkEvent::Connected | LinkEvent::Disconnected) => {}
                None => break,
            },
        }
    }
    link.close().await;
}

/// Records `score` for the ticket just finished at the keypad's counter,
/// and says what to answer the keypad.
async fn rate(hub: &Hub, device: &CounterDevice, score: u8) -> ToDevice {
    let counter = device.counter;
    let actor = Actor::Device(device.name());
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
    let name = device.name();
    match outcome {
        Ok(Ok(number)) => {
            let number = number.map(|n| n.to_string()).unwrap_or_default();
            tracing::info!(device = %name, %number, score, "rating recorded from a keypad");
            ToDevice::Recorded(score)
        }
        Ok(Err(refusal)) => {
            tracing::info!(device = %name, score, "key press not recorded: {}", refusal.text());
            ToDevice::Refused(refusal)
        }
        Err(e) => {
            tracing::warn!(device = %name, score, error = %e, "key press not recorded");
            ToDevice::Refused(Refusal::Unavailable)
        }
    }
}
