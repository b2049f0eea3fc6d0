//! The Slint apps: glue between windows and the hub, no business rules.
//!
//! - `kiosk`: the lobby touchscreen;
//! - `screenshot`: every screen rendered to PNG without a display;
//! - `drive`: tapping and waiting without a person, for screenshots and tests.

pub mod drive;
pub mod kiosk;
pub mod screenshot;
