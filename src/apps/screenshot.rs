//! `yimen screenshot kiosk --out DIR`: renders every kiosk screen, normal and
//! elder mode, to PNG with the software renderer and no display, against a
//! real hub started in this process on the sample hall.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::ComponentHandle;

use super::drive::{snapshot, tap, until};
use super::kiosk::{Kiosk, Screen};
use crate::api::TicketRequest;
use crate::client::Client;
use crate::config::Config;
use crate::config::kiosk::KioskSettings;
use crate::devices::printer::MemoryPrinter;
use crate::hub::clock::SystemClock;
use crate::ui::KioskWindow;

/// How long to wait for the hub at each step.
const PATIENCE: Duration = Duration::from_secs(20);

/// A hub running on this process's runtime, on a database of its own.
struct LocalHub {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl LocalHub {
    fn start(runtime: &tokio::runtime::Runtime, config: Config, db: &Path) -> anyhow::Result<Self> {
        let running = crate::hub::open(config, db, Arc::new(SystemClock))?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(running.serve(listener, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            url,
            stop: Some(stop),
        })
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Renders the kiosk's screens into `out`; returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, or a screen never shows.
pub fn kiosk(config_dir: &Path, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    super::drive::init_headless()?;
    std::fs::create_dir_all(out)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let work = tempfile::tempdir()?;
    let (config, _) = Config::load(config_dir, chrono::Utc::now().date_naive())?;
    let mut hub = LocalHub::start(&runtime, config, &work.path().join("hall.db"))?;
    let mut settings = KioskSettings::load(config_dir)?;
    settings.hub.clone_from(&hub.url);
    settings.qr_base.clone_from(&hub.url);
    settings.cache = work.path().join("kiosk-cache.json");
    runtime.block_on(busy_morning(&hub.url, &settings.key))?;

    let window = KioskWindow::new()?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    window.show()?;
    let paper = settings.printer.paper;
    let kiosk = Kiosk::start(
        &window,
        settings,
        Box::new(MemoryPrinter::new(paper)),
        runtime.handle().clone(),
    );
    let written = Rc::new(RefCell::new(Vec::new()));
    let outcome = Rc::new(RefCell::new(None));
    {
        let (window, out, written, outcome) = (
            window.clone_strong(),
            out.to_owned(),
            written.clone(),
            outcome.clone(),
        );
        slint::spawn_local(async move {
            let result = tour(&window, &kiosk, &out, &written, &mut hub).await;
            *outcome.borrow_mut() = Some(result);
            let _ = slint::quit_event_loop();
        })?;
    }
    slint::run_event_loop()?;
    outcome
        .take()
        .unwrap_or_else(|| Err(anyhow::anyhow!("the tour never ran")))?;
    let files = written.take();
    Ok(files)
}

/// Some citizens already waiting, so the queues show real figures.
async fn busy_morning(url: &str, key: &str) -> anyhow::Result<()> {
    let kiosk = Client::new(url).with_credential(key);
    // Queue E has given out every number of the day.
    for (queue, count) in [("A", 7), ("B", 4), ("C", 2), ("D", 5), ("E", 300)] {
        for _ in 0..count {
            kiosk
                .issue_ticket(&TicketRequest {
                    queue: Some(queue.into()),
                    ..TicketRequest::default()
                })
                .await?;
        }
    }
    Ok(())
}

async fn tour(
    window: &KioskWindow,
    kiosk: &Rc<Kiosk>,
    out: &Path,
    written: &RefCell<Vec<PathBuf>>,
    hub: &mut LocalHub,
) -> anyhow::Result<()> {
    until("the catalogue and queues", PATIENCE, || {
        let m = kiosk.model();
        m.known.is_some() && !m.queues.is_empty()
    })
    .await?;
    let shot = |name: &str| -> anyhow::Result<()> {
        let file = out.join(format!("{name}.png"));
        snapshot(window, &file)?;
        written.borrow_mut().push(file);
        Ok(())
    };
    for elder in [false, true] {
        let suffix = if elder { "-elder" } else { "" };
        if kiosk.model().elder != elder {
            tap(window, "长辈模式")?;
        }
        shot(&format!("kiosk-home{suffix}"))?;
        tap(window, "市场监管")?;
        shot(&format!("kiosk-department{suffix}"))?;
        tap(window, "返回首页")?;
        tap(window, "搜索办事事项")?;
        for key in ["y", "y", "z", "z"] {
            tap(window, key)?;
        }
        shot(&format!("kiosk-search{suffix}"))?;
        tap(window, "企业设立登记")?;
        shot(&format!("kiosk-guide{suffix}"))?;
        tap(window, "取号办理")?;
        until("the ticket", PATIENCE, || {
            kiosk.model().screen == Screen::Ticket
        })
        .await?;
        shot(&format!("kiosk-ticket{suffix}"))?;
        tap(window, "完成，返回首页")?;
        if elder {
            tap(window, "长辈模式")?;
        }
        // A guide whose queue is out of numbers today: the hub says so.
        tap(window, "搜索办事事项")?;
        for key in ["s", "f", "z"] {
            tap(window, key)?;
        }
        tap(window, "居民身份证申领、换领、补领")?;
        tap(window, "取号办理")?;
        until("the refusal", PATIENCE, || {
            kiosk.model().screen == Screen::Fault
        })
        .await?;
        shot(&format!("kiosk-refused{suffix}"))?;
        tap(window, "返回首页")?;
    }
    for elder in [false, true] {
        if kiosk.model().elder != elder {
            tap(
                window,
                if elder {
                    "长辈模式"
                } else {
                    "标准模式"
                },
            )?;
        }
        tap(window, "办件取件")?;
        for digit in "202603020001".chars() {
            tap(window, &digit.to_string())?;
        }
        shot(if elder {
            "kiosk-pickup-elder"
        } else {
            "kiosk-pickup"
        })?;
        tap(window, "返回首页")?;
    }
    tap(window, "标准模式")?;
    tap(window, "English")?;
    shot("kiosk-home-english")?;
    tap(window, "中文")?;
    // The hub goes away: the ticket fails, then Home says so.
    hub.stop();
    tap(window, "企业开办")?;
    until("the fault screen", PATIENCE, || {
        kiosk.model().screen == Screen::Fault
    })
    .await?;
    shot("kiosk-fault")?;
    tap(window, "返回首页")?;
    shot("kiosk-offline")?;
    Ok(())
}
