//! `yimen screenshot kiosk|counter|review --out DIR`: renders every screen of
//! an app (the kiosk's in normal and elder mode) to PNG with the software
//! renderer and no display, against a real hub started in this process on
//! the sample hall.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::ComponentHandle;

use super::counter::{Counter, Page};
use super::drive::{snapshot, tap, until};
use super::kiosk::{Kiosk, Screen};
use super::review::{Page as ReviewPage, Review};
use super::scene::{Scene, office_morning, queue_up};
use crate::api::CounterState;
use crate::client::Client;
use crate::config::Config;
use crate::config::clients::ClientSettings;
use crate::config::kiosk::KioskSettings;
use crate::devices::printer::{MemoryPrinter, PaperWidth};
use crate::hub::clock::SystemClock;
use crate::ui::{
    CounterAdapter, CounterWindow, IntakeAdapter, KioskWindow, ReviewAdapter, ReviewWindow,
};

/// How long to wait for the hub at each step.
const PATIENCE: Duration = Duration::from_secs(20);

/// A hub running on this process's runtime, on a database of its own.
pub(crate) struct LocalHub {
    pub(crate) url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl LocalHub {
    pub(crate) fn start(
        runtime: &tokio::runtime::Runtime,
        config: Config,
        db: &Path,
    ) -> anyhow::Result<Self> {
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

    pub(crate) fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Slint off screen, the folder for the pictures, a runtime for the hub and
/// a scratch folder for its database.
fn headless(out: &Path) -> anyhow::Result<(tokio::runtime::Runtime, tempfile::TempDir)> {
    super::drive::init_headless()?;
    std::fs::create_dir_all(out)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok((runtime, tempfile::tempdir()?))
}

/// Renders the kiosk's screens into `out`; returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, or a screen never shows.
pub fn kiosk(config_dir: &Path, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let (runtime, work) = headless(out)?;
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
    queue_up(
        &kiosk,
        &[("A", 7), ("B", 4), ("C", 2), ("D", 5), ("E", 300)],
    )
    .await
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
    let shot = |name: &str| shoot(window, out, written, name);
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

/// Pictures `window` as `out/NAME.png` and notes the file in `written`.
pub(crate) fn shoot(
    window: &impl ComponentHandle,
    out: &Path,
    written: &RefCell<Vec<PathBuf>>,
    name: &str,
) -> anyhow::Result<()> {
    let file = out.join(format!("{name}.png"));
    snapshot(window, &file)?;
    written.borrow_mut().push(file);
    Ok(())
}

/// Runs `tour` on the Slint event loop until it ends.
fn on_event_loop(
    tour: impl std::future::Future<Output = anyhow::Result<()>> + 'static,
) -> anyhow::Result<()> {
    let outcome = Rc::new(RefCell::new(None));
    {
        let outcome = outcome.clone();
        slint::spawn_local(async move {
            *outcome.borrow_mut() = Some(tour.await);
            let _ = slint::quit_event_loop();
        })?;
    }
    slint::run_event_loop()?;
    outcome
        .take()
        .unwrap_or_else(|| Err(anyhow::anyhow!("the tour never ran")))
}

/// A hub on the sample hall after a morning's work, on this runtime.
fn staff_hub(
    runtime: &tokio::runtime::Runtime,
    config_dir: &Path,
    work: &Path,
) -> anyhow::Result<(LocalHub, Scene)> {
    let (config, _) = Config::load(config_dir, chrono::Utc::now().date_naive())?;
    let key = KioskSettings::load(config_dir)?.key;
    let hub = LocalHub::start(runtime, config, &work.join("hall.db"))?;
    let scene = runtime.block_on(office_morning(&hub.url, &key))?;
    Ok((hub, scene))
}

/// Renders the counter terminal's screens into `out`: an intake counter's
/// day and the pickup window's; returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, or a screen never shows.
pub fn counter(config_dir: &Path, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let (runtime, work) = headless(out)?;
    let (mut hub, _) = staff_hub(&runtime, config_dir, work.path())?;
    let mut settings = ClientSettings::load(config_dir)?;
    settings.hub.clone_from(&hub.url);
    let window = CounterWindow::new()?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.show()?;
    let printer = MemoryPrinter::new(PaperWidth::Mm80);
    let counter = Counter::start(
        &window,
        settings,
        Box::new(printer),
        runtime.handle().clone(),
    );
    let written = Rc::new(RefCell::new(Vec::new()));
    let (w, o, files) = (window.clone_strong(), out.to_owned(), written.clone());
    on_event_loop(async move { counter_tour(&w, &counter, &o, &files, &mut hub).await })?;
    Ok(written.take())
}

async fn counter_tour(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    out: &Path,
    written: &RefCell<Vec<PathBuf>>,
    hub: &mut LocalHub,
) -> anyhow::Result<()> {
    let shot = |name: &str| shoot(window, out, written, name);
    let log_in = |staff: &str, pin: &str, counter: &str| -> anyhow::Result<()> {
        let a = window.global::<CounterAdapter>();
        a.set_staff_id(staff.into());
        a.set_pin(pin.into());
        a.set_counter_number(counter.into());
        tap(window, "登录")
    };
    log_in("1001", "000000", "1")?;
    until("the refusal", PATIENCE, || {
        counter.model().login_error.is_some()
    })
    .await?;
    shot("counter-login")?;
    log_in("1001", "123456", "1")?;
    until("the desk", PATIENCE, || {
        counter.model().page == Page::Desk && !counter.model().queues.is_empty()
    })
    .await?;
    shot("counter-desk")?;
    tap(window, "叫号")?;
    until("the call", PATIENCE, || {
        counter.model().state() == CounterState::Calling
    })
    .await?;
    shot("counter-calling")?;
    tap(window, "开始办理")?;
    until("the service", PATIENCE, || {
        counter.model().state() == CounterState::Serving
    })
    .await?;
    tap(window, "受理办件")?;
    let intake = window.global::<IntakeAdapter>();
    intake.set_query("qysl".into());
    intake.invoke_search();
    tap(window, "企业设立登记")?;
    intake.set_name("赵丽华".into());
    intake.set_id_number(super::scene::id_number("32050219900305123").into());
    intake.set_phone("13912345678".into());
    intake.invoke_applicant_edited();
    intake.invoke_toggle_material(0);
    shot("counter-intake")?;
    tap(window, "一次性告知")?;
    until("the notice", PATIENCE, || {
        counter.model().intake.done.is_some()
    })
    .await?;
    shot("counter-notice")?;
    tap(window, "返回窗口")?;
    tap(window, "办结")?;
    until("the rating", PATIENCE, || {
        counter.model().rating_for.is_some()
    })
    .await?;
    shot("counter-rating")?;
    tap(window, "非常满意")?;
    until("the thanks", PATIENCE, || {
        counter.model().rating_for.is_none()
    })
    .await?;
    tap(window, "暂停")?;
    window
        .global::<CounterAdapter>()
        .set_dialog_reason("午休".into());
    shot("counter-pause")?;
    tap(window, "取消")?;
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        counter.model().page == Page::Login
    })
    .await?;
    log_in("3001", "123456", "10")?;
    until("the pickup desk", PATIENCE, || {
        counter.model().page == Page::Desk
    })
    .await?;
    tap(window, "叫号")?;
    until("the case to hand over", PATIENCE, || {
        counter.model().pickup_case.is_some()
    })
    .await?;
    tap(window, "开始办理")?;
    until("the service", PATIENCE, || {
        counter.model().state() == CounterState::Serving
    })
    .await?;
    shot("counter-pickup")?;
    tap(window, "交付结果")?;
    window
        .global::<CounterAdapter>()
        .set_dialog_text("本人".into());
    shot("counter-handover")?;
    tap(window, "取消")?;
    hub.stop();
    until("offline", PATIENCE, || counter.model().offline).await?;
    shot("counter-offline")?;
    Ok(())
}

/// Renders the back office's screens into `out`: a reviewer's inbox and the
/// supervisor's hall; returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, or a screen never shows.
pub fn review(config_dir: &Path, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let (runtime, work) = headless(out)?;
    let (hub, scene) = staff_hub(&runtime, config_dir, work.path())?;
    let window = ReviewWindow::new()?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.show()?;
    let review = Review::start(&window, &hub.url, runtime.handle().clone());
    let written = Rc::new(RefCell::new(Vec::new()));
    let (w, o, files) = (window.clone_strong(), out.to_owned(), written.clone());
    on_event_loop(async move { review_tour(&w, &review, &o, &files, &scene).await })?;
    Ok(written.take())
}

async fn review_tour(
    window: &ReviewWindow,
    review: &Rc<Review>,
    out: &Path,
    written: &RefCell<Vec<PathBuf>>,
    scene: &Scene,
) -> anyhow::Result<()> {
    let shot = |name: &str| shoot(window, out, written, name);
    let log_in = |staff: &str| -> anyhow::Result<()> {
        let a = window.global::<ReviewAdapter>();
        a.set_staff_id(staff.into());
        a.set_pin("123456".into());
        tap(window, "登录")
    };
    shot("review-login")?;
    log_in("2001")?;
    until("the inbox", PATIENCE, || review.model().cases.len() >= 2).await?;
    tap(window, &scene.unclaimed)?;
    until("the case", PATIENCE, || {
        review.model().selected.is_some() && !review.model().history.is_empty()
    })
    .await?;
    shot("review-inbox")?;
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        review.model().page == ReviewPage::Login
    })
    .await?;
    log_in("9001")?;
    until("the hall", PATIENCE, || {
        review.model().supervision.is_some() && !review.model().counters.is_empty()
    })
    .await?;
    shot("review-supervisor")?;
    Ok(())
}
