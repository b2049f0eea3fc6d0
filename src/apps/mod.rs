//! The Slint apps: glue between windows and the hub, no business rules.
//!
//! - `kiosk`: the lobby touchscreen;
//! - `counter`: the counter terminal;
//! - `review`: the back office: reviewers and supervisors;
//! - `display`: the display wall, with its voice;
//! - `live`: following the hub's event stream;
//! - `catalogue`: the service catalogue an app searches locally;
//! - `scene`: a morning's work through the API, for screenshots and tests;
//! - `screenshot`: every screen rendered to PNG without a display;
//! - `drive`: tapping and waiting without a person, for screenshots and tests;
//! - `fit`: whether a screen fits its window, for screenshots and tests.

pub mod catalogue;
pub mod counter;
pub mod display;
pub mod drive;
pub mod fit;
pub mod kiosk;
pub mod live;
pub mod review;
pub mod scene;
pub mod screenshot;

use std::rc::Rc;

/// An adapter callback that runs `f` on `app` while the app lives: the
/// window holds only a weak reference, so closing it frees the app.
pub(crate) fn callback<T: 'static>(app: &Rc<T>, f: fn(&Rc<T>)) -> impl Fn() + 'static {
    let weak = Rc::downgrade(app);
    move || {
        if let Some(app) = weak.upgrade() {
            f(&app);
        }
    }
}

/// Runs a future on the Slint event loop, where network answers come back to
/// the window; an app without an event loop is a bug, logged.
pub(crate) fn spawn(future: impl std::future::Future<Output = ()> + 'static) {
    if let Err(e) = slint::spawn_local(future) {
        tracing::error!(error = %e, "no event loop to run on");
    }
}
