//! yimen (一门, "one door"): the front-desk queuing and kiosk system of a
//! government service hall.
//!
//! # Layout
//!
//! - [`domain`]: the hall's rules as pure functions: numbering, the queue
//!   engine, sessions, the wait estimate, working days, guide search.
//! - [`config`]: the configuration folder (kiosk-config/), validated once.
//! - [`store`]: SQLite: migrations, the hash-chained event log, saved state.
//! - [`api`]: the types on the wire, shared by the hub and its clients.
//! - [`hub`]: the LAN hub: HTTP and WebSocket routes, auth, the single writer.
//! - [`client`]: the async client every other role uses.
//! - [`loadgen`]: load against a running hub.
//!
//! Dependencies point one way: `client → api ← hub → store → domain`.

pub mod api;
pub mod client;
pub mod config;
pub mod domain;
pub mod hub;
pub mod loadgen;
pub mod store;
