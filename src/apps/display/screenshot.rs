//! `yimen screenshot display --out DIR [--size WxH]`: the display wall (at
//! 1920×1080 unless another size is given) with the software renderer and
//! no display, against a real hub started in this process on the sample
//! hall: a call flashing, the wall at rest, and the hub away.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use i_slint_backend_testing::mock_elapsed_time;
use slint::ComponentHandle;

use super::{Display, Signage};
use crate::api::SessionRequest;
use crate::apps::drive::{init_headless, until};
use crate::apps::scene::queue_up;
use crate::apps::screenshot::{
    Album, LocalHub, WALL_SIZE, WindowSize, on_event_loop, picture_clock,
};
use crate::client::{Client, ClientError};
use crate::clock::Clock;
use crate::config::Config;
use crate::config::display::DisplaySettings;
use crate::config::kiosk::KioskSettings;
use crate::domain::display::{FLASH_SECONDS, RECENT_CALLS};
use crate::domain::ids::CounterNo;
use crate::ui::DisplayWindow;

/// How long to wait for the hub at each step.
const PATIENCE: Duration = Duration::from_secs(20);

/// The sample hall's demo PIN, good for every staff id.
const DEMO_PIN: &str = "123456";

/// Renders the wall into `out` in a window of `size` (by default its design
/// size); returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, or the wall never
/// shows what it should or does not fit the window.
pub fn display(
    config_dir: &Path,
    out: &Path,
    size: Option<WindowSize>,
) -> anyhow::Result<Vec<PathBuf>> {
    let album = Rc::new(Album::new(out, size, WALL_SIZE)?);
    init_headless()?;
    let runtime = crate::apps::controller::runtime()?;
    let work = tempfile::tempdir()?;
    let clock = picture_clock();
    let (config, _) = Config::load(config_dir, clock.now().date_naive())?;
    let signage = Signage::from_config(&config);
    let mut hub = LocalHub::start(
        &runtime,
        config_dir,
        &work.path().join("hall.db"),
        clock.clone(),
    )?;
    let kiosk_key = KioskSettings::load(config_dir)?.key;
    let desks = runtime.block_on(busy_morning(&hub.url, &kiosk_key))?;

    let mut settings = DisplaySettings::load(config_dir)?;
    settings.hub.clone_from(&hub.url);
    let window = DisplayWindow::new()?;
    album.frame(&window);
    window.show()?;
    let display = Display::start(
        &window,
        &settings,
        signage,
        None,
        runtime.handle().clone(),
        clock,
    );
    let (w, a, handle) = (
        window.clone_strong(),
        album.clone(),
        runtime.handle().clone(),
    );
    on_event_loop(async move {
        let shot = |name: &str| a.shoot(&w, name);
        tour(&display, &desks, &handle, &mut hub, shot).await
    })?;
    Ok(album.files())
}

/// A counter with its clerk logged in.
struct Desk {
    counter: CounterNo,
    clerk: Client,
}

impl Desk {
    /// Serves the citizen called, then calls the next.
    async fn next(&self) -> Result<(), ClientError> {
        self.clerk.start(self.counter).await?;
        self.clerk.finish(self.counter).await?;
        self.clerk.call_next(self.counter).await.map(|_| ())
    }
}

/// Citizens waiting in every queue, and six counters that have called more
/// numbers than the wall lists.
async fn busy_morning(url: &str, kiosk_key: &str) -> anyhow::Result<Vec<Desk>> {
    let kiosk = Client::new(url).with_credential(kiosk_key);
    queue_up(&kiosk, &[("A", 12), ("B", 7), ("C", 4), ("D", 8), ("E", 5)]).await?;
    let mut desks = Vec::new();
    for counter in 1..=6 {
        let staff = format!("{}", 1000 + counter);
        let session = Client::new(url)
            .log_in(&SessionRequest {
                staff,
                pin: DEMO_PIN.into(),
                counter: Some(counter),
            })
            .await?;
        let token = session
            .token
            .ok_or_else(|| anyhow::anyhow!("no token at login"))?;
        let desk = Desk {
            counter,
            clerk: Client::new(url).with_credential(token),
        };
        desk.clerk.call_next(counter).await?;
        desks.push(desk);
    }
    for desk in &desks[..4] {
        desk.next().await?;
    }
    Ok(desks)
}

async fn tour(
    display: &Rc<Display>,
    desks: &[Desk],
    runtime: &tokio::runtime::Handle,
    hub: &mut LocalHub,
    shot: impl Fn(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    until("the wall to catch up", PATIENCE, || {
        let m = display.model();
        m.board.is_live() && !m.queues.is_empty() && m.board.recent().count() == RECENT_CALLS
    })
    .await?;
    runtime.block_on(desks[2].next())?;
    until("the call to flash", PATIENCE, || display.model().flashing).await?;
    shot("display-call")?;
    mock_elapsed_time(Duration::from_secs(u64::from(FLASH_SECONDS) + 1));
    anyhow::ensure!(!display.model().flashing, "the flash ends");
    shot("display")?;
    hub.stop();
    until("the wall to notice", PATIENCE, || display.model().offline).await?;
    shot("display-offline")?;
    Ok(())
}
