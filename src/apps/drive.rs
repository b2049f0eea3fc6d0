//! Driving an app's window without a person: find an element by its
//! accessible label, tap it, wait for the hub's answer, take a picture. Used
//! by the screenshot command and the UI tests, on Slint's testing backend.

use std::path::Path;
use std::time::{Duration, Instant};

use i_slint_backend_testing::{ElementHandle, TestingBackend, TestingBackendOptions};
use slint::ComponentHandle;

/// Makes Slint draw off screen with its software renderer, on an event loop
/// of its own whose time moves only when told to
/// (`i_slint_backend_testing::mock_elapsed_time`). Once per process.
///
/// # Errors
/// A platform was already set.
pub fn init_headless() -> Result<(), slint::platform::SetPlatformError> {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: true,
        renderer_name: Some("software".into()),
    })))
}

/// Lets the event loop run for a moment: network answers arrive meanwhile.
pub async fn breathe() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(2));
        let _ = slint::invoke_from_event_loop(move || {
            let _ = tx.send(());
        });
    });
    let _ = rx.await;
}

/// Waits, letting the event loop run, until `done` holds.
///
/// # Errors
/// `what` did not happen within `limit`.
pub async fn until(
    what: &str,
    limit: Duration,
    mut done: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let start = Instant::now();
    while !done() {
        anyhow::ensure!(start.elapsed() < limit, "waited {limit:?} for {what}");
        breathe().await;
    }
    Ok(())
}

/// The one visible element with this accessible label that `fits`.
///
/// # Errors
/// None or several are found.
fn find(
    window: &impl ComponentHandle,
    label: &str,
    fits: impl Fn(&ElementHandle) -> bool,
) -> anyhow::Result<ElementHandle> {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(window, label)
        .filter(|e| e.is_valid() && e.size().width > 0.0 && fits(e))
        .collect();
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one element")),
        0 => anyhow::bail!("nothing labelled “{label}” on screen"),
        n => anyhow::bail!("{n} elements labelled “{label}”"),
    }
}

/// Whether a button labelled so is on screen.
pub fn shows_button(window: &impl ComponentHandle, label: &str) -> bool {
    find(window, label, is_button).is_ok()
}

fn is_button(e: &ElementHandle) -> bool {
    e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button)
}

/// Taps the button with this label, as a finger would.
///
/// # Errors
/// The button is not on screen.
pub fn tap(window: &impl ComponentHandle, label: &str) -> anyhow::Result<()> {
    find(window, label, is_button)?.mock_single_click(slint::platform::PointerEventButton::Left);
    Ok(())
}

/// Whether the button with this label can be tapped now.
///
/// # Errors
/// The button is not on screen.
pub fn enabled(window: &impl ComponentHandle, label: &str) -> anyhow::Result<bool> {
    Ok(find(window, label, is_button)?
        .accessible_enabled()
        .unwrap_or(true))
}

/// Taps the button with this label once it is enabled, as a person waits
/// for a greyed-out button while the hub answers.
///
/// # Errors
/// The button is not on screen, or not enabled within `limit`.
pub async fn tap_enabled(
    window: &impl ComponentHandle,
    label: &str,
    limit: Duration,
) -> anyhow::Result<()> {
    until(&format!("“{label}” to be enabled"), limit, || {
        enabled(window, label).unwrap_or(false)
    })
    .await?;
    tap(window, label)
}

/// The text an element shows, by its label.
///
/// # Errors
/// The element is not on screen or has no value.
pub fn text_of(window: &impl ComponentHandle, label: &str) -> anyhow::Result<String> {
    find(window, label, |e| e.accessible_value().is_some())?
        .accessible_value()
        .map(|v| v.to_string())
        .ok_or_else(|| anyhow::anyhow!("“{label}” shows no text"))
}

/// Every text on screen, as shown in the language chosen.
pub fn texts(window: &impl ComponentHandle) -> Vec<String> {
    use i_slint_backend_testing::{AccessibleRole, ElementRoot};
    window
        .root_element()
        .query_descendants()
        .match_accessible_role(AccessibleRole::Text)
        .find_all()
        .into_iter()
        .filter(|e| e.is_valid() && e.size().width > 0.0)
        .filter_map(|e| {
            let value = e.accessible_value().filter(|v| !v.is_empty());
            value.or_else(|| e.accessible_label())
        })
        .map(|t| t.to_string())
        .collect()
}

/// Whether some text on screen holds `part`.
pub fn shows_text(window: &impl ComponentHandle, part: &str) -> bool {
    texts(window).iter().any(|t| t.contains(part))
}

/// Renders the window with the software renderer and writes a PNG.
///
/// # Errors
/// The renderer cannot take a snapshot or the file cannot be written.
pub fn snapshot(window: &impl ComponentHandle, file: &Path) -> anyhow::Result<()> {
    let buffer = window.window().take_snapshot()?;
    let out = std::io::BufWriter::new(std::fs::File::create(file)?);
    let mut encoder = png::Encoder::new(out, buffer.width(), buffer.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()?
        .write_image_data(buffer.as_bytes())?;
    Ok(())
}
