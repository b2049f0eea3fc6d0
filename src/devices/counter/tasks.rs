//! A task per counter device, started with the hub and stopped with it. The
//! devices never see the hub: it hands them a [`DeviceFeed`], a watch per
//! LED of what that counter shows now, and a channel for key presses that it
//! answers. An LED shows its counter's view whenever the view changes and
//! whenever the LED comes back; a keypad passes each press on and tells the
//! citizen what became of it.

use std::collections::BTreeMap;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::link::{Link, LinkEvent};
use super::protocol::{FromDevice, Refusal, ToDevice};
use super::protocol_for;
use super::settings::{CounterDevice, CounterDevices, DeviceRole};
use crate::domain::counter_display::LedView;
use crate::domain::ids::CounterNo;

/// What the hub gives the counter devices when it starts them.
pub struct DeviceFeed {
    /// What each counter with an LED shows now, kept current by the hub.
    pub screens: BTreeMap<CounterNo, watch::Receiver<LedView>>,
    /// Where the keypads' presses go; the hub answers each one.
    pub presses: mpsc::Sender<KeyPress>,
}

/// A rating key pressed on a counter's keypad, for the hub to record.
#[derive(Debug)]
pub struct KeyPress {
    pub counter: CounterNo,
    /// The keypad's name, such as 1号窗口评价器: who recorded the rating.
    pub keypad: String,
    /// The key, 1 (非常不满意) to 5 (非常满意).
    pub score: u8,
    /// Recorded, or refused and why: what the keypad answers the citizen.
    pub answer: oneshot::Sender<Result<(), Refusal>>,
}

/// The device tasks of a running hub.
pub struct RunningDevices {
    tasks: Vec<JoinHandle<()>>,
    /// Turns true to stop every task.
    stop: watch::Sender<bool>,
}

/// Starts a task, and a line thread, for every counter device `settings`
/// lists. A device that is missing is waited for, not an error.
pub fn start(settings: &CounterDevices, feed: DeviceFeed) -> RunningDevices {
    let (stop, stopping) = watch::channel(false);
    let mut tasks = Vec::new();
    for device in &settings.devices {
        let screen = match device.role {
            DeviceRole::Led => match feed.screens.get(&device.counter) {
                Some(screen) => Some(screen.clone()),
                None => {
                    tracing::error!(device = %device.name(), "no view for the LED's counter");
                    continue;
                }
            },
            DeviceRole::Keypad => None,
        };
        let protocol = protocol_for(device.protocol);
        let link = match Link::start(device.clone(), settings.reconnect, protocol) {
            Ok(link) => link,
            Err(e) => {
                tracing::error!(device = %device.name(), error = %e, "cannot start a counter device's thread");
                continue;
            }
        };
        let (device, stopping) = (device.clone(), stopping.clone());
        tasks.push(match screen {
            Some(screen) => tokio::spawn(run_led(device, link, screen, stopping)),
            None => tokio::spawn(run_keypad(device, link, feed.presses.clone(), stopping)),
        });
    }
    RunningDevices { tasks, stop }
}

impl RunningDevices {
    /// Blanks the LEDs, closes every port and waits for the tasks to end;
    /// a key press being recorded is answered first.
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
    /// Sends `view` if the LED is there and shows something else.
    fn refresh(&mut self, view: &LedView, link: &Link) {
        if self.connected && self.shown.as_ref() != Some(view) {
            link.send(ToDevice::Show(view.content.clone()));
            self.shown = Some(view.clone());
        }
    }
}

async fn run_led(
    device: CounterDevice,
    mut link: Link,
    mut view: watch::Receiver<LedView>,
    mut stopping: watch::Receiver<bool>,
) {
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
                    screen.refresh(&view.borrow_and_update(), &link);
                }
                Some(LinkEvent::Disconnected) => screen.connected = false,
                Some(LinkEvent::Message(message)) => {
                    tracing::warn!(device = %device.name(), ?message, "an LED sent a message: ignored");
                }
                None => break,
            },
            changed = view.changed() => match changed {
                Ok(()) => screen.refresh(&view.borrow_and_update(), &link),
                Err(_) => break,
            },
        }
    }
    link.send(ToDevice::Clear);
    link.close().await;
}

async fn run_keypad(
    device: CounterDevice,
    mut link: Link,
    presses: mpsc::Sender<KeyPress>,
    mut stopping: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stopping.changed() => break,
            event = link.events.recv() => match event {
                Some(LinkEvent::Message(FromDevice::KeyPress(score))) => {
                    link.send(press(&presses, &device, score).await);
                }
                Some(LinkEvent::Connected | LinkEvent::Disconnected) => {}
                None => break,
            },
        }
    }
    link.close().await;
}

/// Passes a press of `score` to the hub and says what to answer the keypad:
/// the hub gone counts as unavailable.
async fn press(presses: &mpsc::Sender<KeyPress>, device: &CounterDevice, score: u8) -> ToDevice {
    let (answer, answered) = oneshot::channel();
    let press = KeyPress {
        counter: device.counter,
        keypad: device.name(),
        score,
        answer,
    };
    if presses.send(press).await.is_err() {
        return ToDevice::Refused(Refusal::Unavailable);
    }
    match answered.await {
        Ok(Ok(())) => ToDevice::Recorded(score),
        Ok(Err(refusal)) => ToDevice::Refused(refusal),
        Err(_) => ToDevice::Refused(Refusal::Unavailable),
    }
}
