//! A counter device's serial line, kept open by a thread of its own: it
//! opens the port, writes what the hub sends, reads what the device says,
//! and when the port fails or its path disappears (the cable pulled), closes
//! it and tries again every `reconnect` until the device is back. Nothing
//! else restarts.

use std::io::{self, ErrorKind, Read};
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serialport::{FlowControl, SerialPort};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::protocol::{FromDevice, Protocol, Received, ToDevice};
use super::settings::{CounterDevice, PortSetup};

/// How long one read waits: how soon a message to the device goes out, a
/// stop is noticed, and a missing path is checked for.
const POLL: Duration = Duration::from_millis(50);
/// Quiet on the line after which a frame begun is given up as garbled.
const FRAME_GAP: Duration = Duration::from_millis(200);
/// How long a write may stall before the device counts as gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the line thread tells the hub's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkEvent {
    /// The port is open, now or again: whatever the device showed may be lost.
    Connected,
    /// The port failed or vanished; messages sent until the next
    /// `Connected` are dropped.
    Disconnected,
    /// A message from this device's address, decoded intact.
    Message(FromDevice),
}

/// The hub's end of one device's line.
pub struct Link {
    /// Messages for the device; dropping it stops the thread.
    to_device: mpsc::Sender<ToDevice>,
    /// What happened on the line, in order.
    pub events: UnboundedReceiver<LinkEvent>,
    thread: JoinHandle<()>,
}

impl Link {
    /// Starts the thread that keeps `device`'s line open.
    ///
    /// # Errors
    /// The thread cannot be started.
    pub fn start(
        device: CounterDevice,
        reconnect: Duration,
        protocol: Box<dyn Protocol>,
    ) -> io::Result<Self> {
        let (to_device, outbox) = mpsc::channel();
        let (events, received) = unbounded_channel();
        let line = Line {
            name: device.name(),
            device,
            protocol,
            outbox,
            events,
        };
        let thread = std::thread::Builder::new()
            .name(format!("yimen-device-{}", line.name))
            .spawn(move || line.run(reconnect))?;
        Ok(Self {
            to_device,
            events: received,
            thread,
        })
    }

    /// Queues a message for the device; dropped while it is disconnected.
    pub fn send(&self, message: ToDevice) {
        let _ = self.to_device.send(message);
    }

    /// Writes what is queued if the device is there, closes the port and
    /// waits for the thread to end.
    pub async fn close(self) {
        let Self {
            to_device, thread, ..
        } = self;
        drop(to_device);
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
}

/// The thread's side.
struct Line {
    /// For logs.
    name: String,
    device: CounterDevice,
    protocol: Box<dyn Protocol>,
    outbox: mpsc::Receiver<ToDevice>,
    events: UnboundedSender<LinkEvent>,
}

/// Why a connection ended.
enum Ended {
    /// The hub's side has gone: stop.
    Stopped,
    Failed(io::Error),
}

impl Line {
    fn run(mut self, reconnect: Duration) {
        let path = self.device.port.path.display().to_string();
        let mut failures = 0u32;
        loop {
            match open(&self.device.port) {
                Ok(port) => {
                    failures = 0;
                    if !self.discard_queued() || self.events.send(LinkEvent::Connected).is_err() {
                        return;
                    }
                    tracing::info!(device = %self.name, %path, "counter device connected");
                    match self.serve(port) {
                        Ended::Stopped => return,
                        Ended::Failed(e) => {
                            tracing::warn!(device = %self.name, %path, error = %e, "counter device lost; reconnecting");
                            if self.events.send(LinkEvent::Disconnected).is_err() {
                                return;
                            }
                        }
                    }
                }
                Err(e) if failures == 0 => {
                    failures += 1;
                    tracing::warn!(device = %self.name, %path, error = %e, "counter device cannot be opened; retrying");
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::debug!(device = %self.name, %path, error = %e, failures, "counter device still missing");
                }
            }
            if !self.wait(reconnect) {
                return;
            }
        }
    }

    /// Drops what was queued while the device was away; false when the
    /// hub's side has gone.
    fn discard_queued(&self) -> bool {
        loop {
            match self.outbox.try_recv() {
                Ok(_) => {}
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            }
        }
    }

    /// Waits `delay` before the next attempt, dropping messages meanwhile;
    /// false when the hub's side has gone.
    fn wait(&self, delay: Duration) -> bool {
        let until = Instant::now() + delay;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.outbox.recv_timeout(left) {
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return true,
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    fn serve(&mut self, mut port: Box<dyn SerialPort>) -> Ended {
        let mut chunk = [0u8; 256];
        let mut quiet_since = Instant::now();
        loop {
            loop {
                match self.outbox.try_recv() {
                    Ok(message) => {
                        if let Err(e) = self.write(port.as_mut(), &message) {
                            return Ended::Failed(e);
                        }
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return Ended::Stopped,
                }
            }
            match port.read(&mut chunk) {
                Ok(0) => return Ended::Failed(ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    quiet_since = Instant::now();
                    let received = self.protocol.decode(&chunk[..n]);
                    if !self.deliver(received) {
                        return Ended::Stopped;
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                    if quiet_since.elapsed() >= FRAME_GAP {
                        let received = self.protocol.line_idle();
                        if !self.deliver(received) {
                            return Ended::Stopped;
                        }
                    }
                    if !self.device.port.path.exists() {
                        return Ended::Failed(io::Error::new(
                            ErrorKind::NotFound,
                            "the device's path has gone",
                        ));
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Ended::Failed(e),
            }
        }
    }

    fn write(&self, port: &mut dyn SerialPort, message: &ToDevice) -> io::Result<()> {
        let bytes = self.protocol.encode(self.device.address, message);
        port.set_timeout(WRITE_TIMEOUT)?;
        port.write_all(&bytes)?;
        port.set_timeout(POLL)?;
        tracing::debug!(device = %self.name, ?message, bytes = bytes.len(), "sent to counter device");
        Ok(())
    }

    /// Passes intact messages for this device on, and logs everything else,
    /// which is never acted on; false when the hub's side has gone.
    fn deliver(&self, received: Vec<Received>) -> bool {
        let mut garbled = Vec::new();
        for r in received {
            match r {
                Received::Message { address, message } if address == self.device.address => {
                    if self.events.send(LinkEvent::Message(message)).is_err() {
                        return false;
                    }
                }
                Received::Message { address, message } => garbled.push(format!(
                    "{message:?} for address {address}, not {}",
                    self.device.address
                )),
                Received::Garbled(why) => garbled.push(why),
            }
        }
        if !garbled.is_empty() {
            tracing::warn!(
                device = %self.name,
                protocol = self.protocol.name(),
                "dropped garbled input from a counter device: {}",
                garbled.join("; ")
            );
        }
        true
    }
}

fn open(port: &PortSetup) -> io::Result<Box<dyn SerialPort>> {
    Ok(serialport::new(port.path.to_string_lossy(), port.baud)
        .data_bits(port.data_bits)
        .parity(port.parity)
        .stop_bits(port.stop_bits)
        .flow_control(FlowControl::None)
        .timeout(POLL)
        .open()?)
}
