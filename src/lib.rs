//! yimen (一门, "one door"): the front-desk queuing and kiosk system of a
//! government service hall.
//!
//! # Layout
//!
//! - [`domain`]: the hall's rules as pure functions: numbering, the queue
//!   engine, sessions, the wait estimate, working days, guide search.
//! - [`config`]: the configuration folder (kiosk-config/), validated once.
//! - [`clock`]: where the time comes from, so tests and simulations set it.
//! - [`store`]: SQLite: migrations, the hash-chained event log, saved state.
//! - [`api`]: the types on the wire, shared by the hub and its clients.
//! - [`hub`]: the LAN hub: HTTP and WebSocket routes, auth, the single writer.
//! - [`client`]: the async client every other role uses.
//! - [`loadgen`]: load against a running hub.
//! - [`bench`]: timings run from the command line, such as guide search.
//! - [`devices`]: devices at the kiosk and counters: the ESC/POS ticket printer.
//! - [`documents`]: a case's printable documents: notice, receipt, refusal.
//! - [`report`]: the day's (or a range's) report: HTML with charts, and CSV.
//! - [`simulate`]: a whole hall day on a virtual clock against a real hub.
//! - [`demo`]: the whole hall in one process, for a first look.
//! - `apps` (feature `gui`): the Slint apps, glue only: the kiosk, the
//!   counter terminal, the back office, the display wall.
//! - `ui` (feature `gui`): the windows and adapters compiled from `ui/*.slint`.
//!
//! Dependencies point one way: `apps → client → api ← hub → store → domain`.

pub mod api;
#[cfg(feature = "gui")]
pub mod apps;
pub mod bench;
pub mod client;
pub mod clock;
pub mod config;
pub mod demo;
pub mod devices;
pub mod documents;
pub mod domain;
pub mod hub;
pub mod loadgen;
pub mod report;
pub mod simulate;
pub mod store;
pub mod tls;

/// The Slint windows and globals compiled from `ui/app.slint`.
#[cfg(feature = "gui")]
pub mod ui {
    slint::include_modules!();
}
