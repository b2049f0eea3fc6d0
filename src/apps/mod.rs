//! The Slint apps: glue between windows and the hub, no business rules.
//!
//! - `controller`: the skeleton every app's controller shares;
//! - `kiosk`: the lobby touchscreen;
//! - `counter`: the counter terminal;
//! - `review`: the back office: reviewers and supervisors;
//! - `display`: the display wall, with its voice;
//! - `live`: following the hub's event stream;
//! - `catalogue`: the service catalogue an app searches locally;
//! - `words`: what the apps tell people, as data the windows put in words;
//! - `scene`: a morning's work through the API, for screenshots and tests;
//! - `screenshot`: every screen rendered to PNG without a display;
//! - `drive`: tapping and waiting without a person, for screenshots and tests;
//! - `fit`: whether a screen fits its window, for screenshots and tests.

pub mod catalogue;
pub mod controller;
pub mod counter;
pub mod display;
pub mod drive;
pub mod fit;
pub mod kiosk;
pub mod live;
pub mod review;
pub mod scene;
pub mod screenshot;
pub mod words;

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

/// [`callback`] for an adapter callback with one argument.
pub(crate) fn callback1<T: 'static, A: 'static>(
    app: &Rc<T>,
    f: fn(&Rc<T>, A),
) -> impl Fn(A) + 'static {
    let weak = Rc::downgrade(app);
    move |arg| {
        if let Some(app) = weak.upgrade() {
            f(&app, arg);
        }
    }
}

/// [`callback`] for an adapter callback with two arguments.
pub(crate) fn callback2<T: 'static, A: 'static, B: 'static>(
    app: &Rc<T>,
    f: fn(&Rc<T>, A, B),
) -> impl Fn(A, B) + 'static {
    let weak = Rc::downgrade(app);
    move |a, b| {
        if let Some(app) = weak.upgrade() {
            f(&app, a, b);
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

/// Switches every window to English, or back to Chinese, the source
/// language: no bundle selected means Chinese, whatever the machine's locale.
pub(crate) fn speak(english: bool) {
    let language = if english { "en" } else { "" };
    if let Err(e) = slint::select_bundled_translation(language) {
        tracing::warn!(error = %e, language, "cannot switch the language");
    }
}
