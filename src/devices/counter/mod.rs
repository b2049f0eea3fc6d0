//! Devices at the counters, on serial lines: the LED window screen that
//! shows the counter's number and state, and the five-key rating keypad
//! (评价器) that rates the ticket just finished there.
//!
//! There is no national protocol for either, so the hub speaks the yimen
//! framed protocol ([`frame`], [`protocol`]) behind the [`Protocol`] trait;
//! a vendor's protocol is another implementation and a name in
//! [`ProtocolName`], and nothing else changes. Lines default to 9600 8N1.
//!
//! - `frame`: the frame, its checksum, and a decoder that survives garbage;
//! - `protocol`: the messages, the trait, the yimen implementation;
//! - `settings`: `counter_devices.toml` and its checks;
//! - `link`: a thread per device that keeps its port open, reconnecting;
//! - `tasks`: a task per device, fed by the hub through channels.
//!
//! What an LED shows and which ticket a key press rates are the hall's
//! rules, in [`crate::domain::counter_display`] and
//! [`crate::domain::rating`]; the hub applies them and feeds the devices,
//! which never see the hub.

pub mod frame;
mod link;
pub mod protocol;
mod settings;
mod tasks;

pub use protocol::{FromDevice, Protocol, Received, Refusal, ToDevice, YimenProtocol};
pub use settings::{
    CounterDevice, CounterDevices, CounterDevicesEntry, CounterDevicesFile, DeviceRole, ParityName,
    PortSettings, PortSetup, ProtocolName, SettingsProblem,
};
pub use tasks::{DeviceFeed, KeyPress, RunningDevices, start};

/// A fresh decoder-and-encoder for one device's line.
pub fn protocol_for(name: ProtocolName) -> Box<dyn Protocol> {
    match name {
        ProtocolName::Yimen => Box::new(YimenProtocol::default()),
    }
}
