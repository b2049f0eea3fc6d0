//! `yimen screenshot kiosk|counter|review --out DIR [--size WxH]`: renders
//! every screen of an app (the kiosk's in normal and elder mode) to PNG with
//! the software renderer and no display, against a real hub started in this
//! process on the sample hall; in a window of its design size or the one
//! given, and fails if a screen does not fit it. The hub and the apps share
//! one clock, stopped on a Monday morning, so the pictures come out the same
//! every time.

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use slint::ComponentHandle;

use super::counter::{Counter, Page};
use super::drive::{snapshot, tap, tap_enabled, until};
use super::kiosk::{Kiosk, Screen};
use super::review::{Page as ReviewPage, Review};
use super::scene::{
    BundleScene, Scene, booked_ticket, bookings, bundle_weeks, id_number, office_morning, queue_up,
};
use crate::api::CounterState;
use crate::client::Client;
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::config::clients::ClientSettings;
use crate::config::kiosk::KioskSettings;
use crate::devices::printer::{MemoryPrinter, PaperWidth};
use crate::domain::ids::Timestamp;
use crate::ui::{
    CounterAdapter, CounterWindow, IntakeAdapter, KioskWindow, ReviewAdapter, ReviewWindow,
};

/// How long to wait for the hub at each step.
const PATIENCE: Duration = Duration::from_secs(20);

/// The sizes the screens are designed at, as `ui/theme.slint` has them.
pub const KIOSK_SIZE: WindowSize = WindowSize::new(1080, 1920);
pub const DESK_SIZE: WindowSize = WindowSize::new(1280, 800);
pub const WALL_SIZE: WindowSize = WindowSize::new(1920, 1080);

/// A window's size in pixels, written `540x960`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

impl WindowSize {
    #[must_use]
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }
}

impl fmt::Display for WindowSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

impl FromStr for WindowSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("“{s}” is not a window size such as 540x960");
        let (width, height) = s.split_once(['x', '×']).ok_or_else(bad)?;
        let side = |n: &str| {
            n.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
        };
        Ok(Self::new(
            side(width).ok_or_else(bad)?,
            side(height).ok_or_else(bad)?,
        ))
    }
}

/// Where the pictures of one window go, and what it is checked against.
pub(crate) struct Album {
    out: PathBuf,
    size: WindowSize,
    /// `-540x960` when the window is not its design size, else nothing.
    suffix: String,
    written: RefCell<Vec<PathBuf>>,
}

impl Album {
    /// Pictures for a window of `size` (its `design` size when `None`) in
    /// `out`, which is made if need be.
    pub(crate) fn new(
        out: &Path,
        size: Option<WindowSize>,
        design: WindowSize,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(out)?;
        let size = size.unwrap_or(design);
        Ok(Self {
            out: out.to_owned(),
            size,
            suffix: if size == design {
                String::new()
            } else {
                format!("-{size}")
            },
            written: RefCell::new(Vec::new()),
        })
    }

    /// Gives the window the album's size.
    pub(crate) fn frame(&self, window: &impl ComponentHandle) {
        window
            .window()
            .set_size(slint::PhysicalSize::new(self.size.width, self.size.height));
    }

    /// Pictures `window` as `NAME.png` (with the size after the name when
    /// it is not the design size).
    ///
    /// # Errors
    /// The picture cannot be written, or the screen does not fit the
    /// window: the picture is written all the same, to look at.
    pub(crate) fn shoot(&self, window: &impl ComponentHandle, name: &str) -> anyhow::Result<()> {
        let file = self.out.join(format!("{name}{}.png", self.suffix));
        snapshot(window, &file)?;
        self.written.borrow_mut().push(file.clone());
        let misfits = super::fit::misfits(window);
        anyhow::ensure!(
            misfits.is_empty(),
            "{} does not fit {}:\n  {}",
            file.display(),
            self.size,
            misfits
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n  ")
        );
        Ok(())
    }

    /// The files written so far.
    pub(crate) fn files(&self) -> Vec<PathBuf> {
        self.written.borrow().clone()
    }
}

/// The time the pictures are taken at: Monday 2 March 2026, 09:30 in the
/// sample hall.
pub(crate) fn picture_clock() -> Arc<ManualClock> {
    let monday_morning = chrono::DateTime::from_timestamp(1_772_415_000, 0).unwrap_or_default();
    Arc::new(ManualClock::new(monday_morning))
}

/// A hub running on this process's runtime, on a database of its own.
pub(crate) struct LocalHub {
    pub(crate) url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl LocalHub {
    /// Starts the hub on `config_dir`'s hall at the time `clock` says.
    pub(crate) fn start(
        runtime: &tokio::runtime::Runtime,
        config_dir: &Path,
        db: &Path,
        clock: Arc<ManualClock>,
    ) -> anyhow::Result<Self> {
        let (config, _) = Config::load(config_dir, clock.now().date_naive())?;
        let running = crate::hub::open(config, db, clock)?;
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

/// Slint off screen, a runtime for the hub and a scratch folder for its
/// database.
fn headless() -> anyhow::Result<(tokio::runtime::Runtime, tempfile::TempDir)> {
    super::drive::init_headless()?;
    let runtime = crate::apps::controller::runtime()?;
    Ok((runtime, tempfile::tempdir()?))
}

/// Renders the kiosk's screens into `out` in a window of `size` (by default
/// its design size); returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, a screen never shows
/// or does not fit the window.
pub fn kiosk(
    config_dir: &Path,
    out: &Path,
    size: Option<WindowSize>,
) -> anyhow::Result<Vec<PathBuf>> {
    let album = Rc::new(Album::new(out, size, KIOSK_SIZE)?);
    let (runtime, work) = headless()?;
    let clock = picture_clock();
    let mut hub = LocalHub::start(
        &runtime,
        config_dir,
        &work.path().join("hall.db"),
        clock.clone(),
    )?;
    let mut settings = KioskSettings::load(config_dir)?;
    settings.hub.clone_from(&hub.url);
    settings.qr_base.clone_from(&hub.url);
    settings.cache = work.path().join("kiosk-cache.json");
    let booked = runtime.block_on(busy_morning(&hub.url, &settings.key, clock.now()))?;

    let window = KioskWindow::new()?;
    album.frame(&window);
    window.show()?;
    let paper = settings.printer.paper;
    let kiosk = Kiosk::start(
        &window,
        settings,
        Box::new(MemoryPrinter::new(paper)),
        runtime.handle().clone(),
        clock,
    );
    let (w, a) = (window.clone_strong(), album.clone());
    on_event_loop(async move { tour(&w, &kiosk, &a, &mut hub, &booked).await })?;
    Ok(album.files())
}

/// Bookings made on the phone before the pictures are taken at 09:30.
struct Booked {
    /// Booking codes for 10:00: check-in is open.
    on_time: Vec<String>,
    /// The ID number of a booking for 13:30 in a queue that sends early
    /// arrivals away until check-in opens at 13:00.
    afternoon: String,
}

/// Some citizens already waiting, so the queues show real figures; some
/// who booked a time.
async fn busy_morning(url: &str, key: &str, now: Timestamp) -> anyhow::Result<Booked> {
    let kiosk = Client::new(url).with_credential(key);
    // Queue E has given out every number of the day.
    queue_up(
        &kiosk,
        &[("A", 7), ("B", 4), ("C", 2), ("D", 5), ("E", 300)],
    )
    .await?;
    let today = now.date_naive();
    let on_time = bookings(url, "ZWFW-003", today, &[("10:00", 1), ("10:00", 2)]).await?;
    let services = kiosk.appointment_services().await?;
    let come_back = (services.iter())
        .find(|s| s.queue == "E")
        .ok_or_else(|| anyhow::anyhow!("the sample hall books nothing in queue E"))?;
    bookings(url, &come_back.code, today, &[("13:30", 3)]).await?;
    Ok(Booked {
        on_time,
        afternoon: id_number("11010519800101003"),
    })
}

async fn tour(
    window: &KioskWindow,
    kiosk: &Rc<Kiosk>,
    album: &Album,
    hub: &mut LocalHub,
    booked: &Booked,
) -> anyhow::Result<()> {
    until("the catalogue and queues", PATIENCE, || {
        let m = kiosk.model();
        m.known.is_some() && !m.queues.is_empty()
    })
    .await?;
    for elder in [false, true] {
        citizen(window, kiosk, album, elder).await?;
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
        album.shoot(
            window,
            if elder {
                "kiosk-pickup-elder"
            } else {
                "kiosk-pickup"
            },
        )?;
        tap(window, "返回首页")?;
    }
    tap(window, "标准模式")?;
    check_in(window, kiosk, album, booked).await?;
    tap(window, "English")?;
    album.shoot(window, "kiosk-home-english")?;
    tap(window, "中文")?;
    // The hub goes away: the ticket fails, then Home says so.
    hub.stop();
    tap(window, "企业开办")?;
    until("the fault screen", PATIENCE, || {
        kiosk.model().screen == Screen::Fault
    })
    .await?;
    album.shoot(window, "kiosk-fault")?;
    tap(window, "返回首页")?;
    album.shoot(window, "kiosk-offline")
}

/// A citizen's way through the kiosk, in standard or elder mode: home, a
/// department, a search, a guide, a ticket; then a queue out of numbers.
async fn citizen(
    window: &KioskWindow,
    kiosk: &Rc<Kiosk>,
    album: &Album,
    elder: bool,
) -> anyhow::Result<()> {
    let shot = |name: &str| {
        album.shoot(
            window,
            &format!("{name}{}", if elder { "-elder" } else { "" }),
        )
    };
    if kiosk.model().elder != elder {
        tap(window, "长辈模式")?;
    }
    shot("kiosk-home")?;
    tap(window, "市场监管")?;
    shot("kiosk-department")?;
    tap(window, "返回首页")?;
    tap(window, "搜索办事事项")?;
    for key in ["y", "y", "z", "z"] {
        tap(window, key)?;
    }
    shot("kiosk-search")?;
    tap(window, "企业设立登记")?;
    shot("kiosk-guide")?;
    tap(window, "取号办理")?;
    until("the ticket", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    shot("kiosk-ticket")?;
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
    shot("kiosk-refused")?;
    tap(window, "返回首页")
}

/// 预约签到 in standard and elder mode: the code typed, the booking's
/// ticket; then a booking of the afternoon, by ID number, too early.
async fn check_in(
    window: &KioskWindow,
    kiosk: &Rc<Kiosk>,
    album: &Album,
    booked: &Booked,
) -> anyhow::Result<()> {
    for (elder, code) in [false, true].into_iter().zip(&booked.on_time) {
        let shot = |name: &str| {
            album.shoot(
                window,
                &format!("{name}{}", if elder { "-elder" } else { "" }),
            )
        };
        if kiosk.model().elder != elder {
            tap(window, "长辈模式")?;
        }
        tap(window, "预约签到")?;
        for digit in code.chars() {
            tap(window, &digit.to_string())?;
        }
        shot("kiosk-checkin")?;
        tap(window, "签到")?;
        until("the booking's ticket", PATIENCE, || {
            kiosk.model().screen == Screen::Ticket
        })
        .await?;
        shot("kiosk-checkin-ticket")?;
        // The next citizen gets the standard screen.
        tap(window, "完成，返回首页")?;
    }
    tap(window, "预约签到")?;
    tap(window, "身份证号")?;
    for key in booked.afternoon.chars() {
        tap(window, &key.to_string())?;
    }
    tap(window, "签到")?;
    until("too early", PATIENCE, || {
        kiosk.model().check_in.problem.is_some()
    })
    .await?;
    album.shoot(window, "kiosk-checkin-early")?;
    tap(window, "返回首页")
}

/// Runs `tour` on the Slint event loop until it ends.
pub(crate) fn on_event_loop(
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
    clock: Arc<ManualClock>,
) -> anyhow::Result<(LocalHub, Scene)> {
    let key = KioskSettings::load(config_dir)?.key;
    let hub = LocalHub::start(runtime, config_dir, &work.join("hall.db"), clock)?;
    let scene = runtime.block_on(office_morning(&hub.url, &key))?;
    Ok((hub, scene))
}

/// A hub on the sample hall after some weeks of 一件事 cases and then the
/// picture's morning's work, on this runtime.
fn bundle_hub(
    runtime: &tokio::runtime::Runtime,
    config_dir: &Path,
    work: &Path,
    clock: Arc<ManualClock>,
) -> anyhow::Result<(LocalHub, Scene, BundleScene)> {
    let picture_time = clock.now();
    clock.set(picture_time - chrono::Duration::weeks(7));
    let key = KioskSettings::load(config_dir)?.key;
    let hub = LocalHub::start(runtime, config_dir, &work.join("hall.db"), clock.clone())?;
    let bundles = runtime.block_on(bundle_weeks(&hub.url, &key, &clock))?;
    clock.set(picture_time);
    let scene = runtime.block_on(office_morning(&hub.url, &key))?;
    Ok((hub, scene, bundles))
}

/// Renders the counter terminal's screens into `out` in a window of `size`
/// (by default its design size): an intake counter's day and the pickup
/// window's; returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, a screen never shows
/// or does not fit the window.
pub fn counter(
    config_dir: &Path,
    out: &Path,
    size: Option<WindowSize>,
) -> anyhow::Result<Vec<PathBuf>> {
    let album = Rc::new(Album::new(out, size, DESK_SIZE)?);
    let (runtime, work) = headless()?;
    let clock = picture_clock();
    let (mut hub, _) = staff_hub(&runtime, config_dir, work.path(), clock.clone())?;
    let key = KioskSettings::load(config_dir)?.key;
    let booked = runtime.block_on(booked_ticket(&hub.url, &key, clock.now().date_naive()))?;
    let mut settings = ClientSettings::load(config_dir)?;
    settings.hub.clone_from(&hub.url);
    let window = CounterWindow::new()?;
    album.frame(&window);
    window.show()?;
    let printer = MemoryPrinter::new(PaperWidth::Mm80);
    let counter = Counter::start(
        &window,
        settings,
        Box::new(printer),
        runtime.handle().clone(),
        clock,
    );
    let (w, a) = (window.clone_strong(), album.clone());
    on_event_loop(async move { counter_tour(&w, &counter, &a, &mut hub, &booked).await })?;
    Ok(album.files())
}

/// Logs a clerk in at the counter terminal.
fn counter_log_in(
    window: &CounterWindow,
    staff: &str,
    pin: &str,
    counter: &str,
) -> anyhow::Result<()> {
    let a = window.global::<CounterAdapter>();
    a.set_staff_id(staff.into());
    a.set_pin(pin.into());
    a.set_counter_number(counter.into());
    tap(window, "登录")
}

async fn counter_tour(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    album: &Album,
    hub: &mut LocalHub,
    booked: &str,
) -> anyhow::Result<()> {
    counter_log_in(window, "1001", "000000", "1")?;
    until("the refusal", PATIENCE, || {
        counter.model().login_error.is_some()
    })
    .await?;
    album.shoot(window, "counter-login")?;
    counter_log_in(window, "1001", "123456", "1")?;
    until("the desk", PATIENCE, || {
        counter.model().page == Page::Desk && !counter.model().queues.is_empty()
    })
    .await?;
    album.shoot(window, "counter-desk")?;
    intake_desk(window, counter, album).await?;
    appointment_desk(window, counter, album, booked).await?;
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        counter.model().page == Page::Login
    })
    .await?;
    pickup_desk(window, counter, album).await?;
    hub.stop();
    until("offline", PATIENCE, || counter.model().offline).await?;
    album.shoot(window, "counter-offline")
}

/// The intake counter's citizen: called, served, a case with a material
/// missing, the notice; finished and rated; then a pause asked for.
async fn intake_desk(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    album: &Album,
) -> anyhow::Result<()> {
    let shot = |name: &str| album.shoot(window, name);
    tap_enabled(window, "叫号", PATIENCE).await?;
    until("the call", PATIENCE, || {
        counter.model().state() == CounterState::Calling
    })
    .await?;
    shot("counter-calling")?;
    tap_enabled(window, "开始办理", PATIENCE).await?;
    until("the service", PATIENCE, || {
        counter.model().state() == CounterState::Serving
    })
    .await?;
    tap_enabled(window, "受理办件", PATIENCE).await?;
    let intake = window.global::<IntakeAdapter>();
    intake.set_name("赵丽华".into());
    intake.set_id_number(super::scene::id_number("32050219900305123").into());
    intake.set_phone("13912345678".into());
    intake.invoke_applicant_edited();
    // A 一件事 first: its stage, its departments, who needs what.
    intake.set_query("开办企业一件事".into());
    intake.invoke_search();
    tap(window, "开办企业一件事")?;
    intake.invoke_toggle_material(0);
    shot("counter-intake-bundle")?;
    intake.set_query("qysl".into());
    intake.invoke_search();
    tap(window, "企业设立登记")?;
    intake.invoke_toggle_material(0);
    shot("counter-intake")?;
    tap_enabled(window, "一次性告知", PATIENCE).await?;
    until("the notice", PATIENCE, || {
        counter.model().intake.done.is_some()
    })
    .await?;
    shot("counter-notice")?;
    tap(window, "返回窗口")?;
    tap_enabled(window, "办结", PATIENCE).await?;
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
    tap_enabled(window, "暂停", PATIENCE).await?;
    window
        .global::<CounterAdapter>()
        .set_dialog_reason("午休".into());
    shot("counter-pause")?;
    tap(window, "取消")
}

/// A citizen who booked 10:00 and checked in, called by number: the desk
/// shows 预约 and the booked time.
async fn appointment_desk(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    album: &Album,
    booked: &str,
) -> anyhow::Result<()> {
    tap_enabled(window, "指定叫号", PATIENCE).await?;
    let a = window.global::<CounterAdapter>();
    a.set_dialog_text(booked.into());
    a.set_dialog_reason("预约群众到号".into());
    tap(window, "叫此号")?;
    until("the booking's ticket", PATIENCE, || {
        let m = counter.model();
        let current = m.counter.as_ref().and_then(|c| c.current.as_ref());
        current.is_some_and(|t| t.number == booked) && !m.busy
    })
    .await?;
    album.shoot(window, "counter-appointment")
}

/// The pickup window: the pickup ticket called, the case to hand over.
async fn pickup_desk(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    album: &Album,
) -> anyhow::Result<()> {
    counter_log_in(window, "3001", "123456", "10")?;
    until("the pickup desk", PATIENCE, || {
        counter.model().page == Page::Desk
    })
    .await?;
    tap_enabled(window, "叫号", PATIENCE).await?;
    until("the case to hand over", PATIENCE, || {
        counter.model().pickup_case.is_some()
    })
    .await?;
    tap_enabled(window, "开始办理", PATIENCE).await?;
    until("the service", PATIENCE, || {
        counter.model().state() == CounterState::Serving
    })
    .await?;
    album.shoot(window, "counter-pickup")?;
    tap_enabled(window, "交付结果", PATIENCE).await?;
    window
        .global::<CounterAdapter>()
        .set_dialog_text("本人".into());
    album.shoot(window, "counter-handover")?;
    tap(window, "取消")
}

/// Renders the back office's screens into `out` in a window of `size` (by
/// default its design size): a reviewer's inbox, a department's 一件事 tasks
/// (one late, one rejection to decide on as the stage's lead), the
/// supervisor's hall, the departments' figures and a 一件事 case's tasks;
/// returns the files written.
///
/// # Errors
/// The configuration, the hub or the renderer fails, a screen never shows
/// or does not fit the window.
pub fn review(
    config_dir: &Path,
    out: &Path,
    size: Option<WindowSize>,
) -> anyhow::Result<Vec<PathBuf>> {
    let album = Rc::new(Album::new(out, size, DESK_SIZE)?);
    let (runtime, work) = headless()?;
    let clock = picture_clock();
    let (hub, scene, bundles) = bundle_hub(&runtime, config_dir, work.path(), clock.clone())?;
    let window = ReviewWindow::new()?;
    album.frame(&window);
    window.show()?;
    let review = Review::start(
        &window,
        Client::new(&hub.url),
        runtime.handle().clone(),
        clock,
    );
    let (w, a) = (window.clone_strong(), album.clone());
    on_event_loop(async move { review_tour(&w, &review, &a, &scene, &bundles).await })?;
    Ok(album.files())
}

async fn review_tour(
    window: &ReviewWindow,
    review: &Rc<Review>,
    album: &Album,
    scene: &Scene,
    bundles: &BundleScene,
) -> anyhow::Result<()> {
    let shot = |name: &str| album.shoot(window, name);
    shot("review-login")?;
    review_log_in(window, "2001")?;
    until("the inbox", PATIENCE, || review.model().cases.len() >= 2).await?;
    open_case(window, review, &scene.unclaimed).await?;
    shot("review-inbox")?;
    review_log_out(window, review).await?;
    // 发改: its late task in the project's second stage; a rejection in
    // another project's first stage, which it leads.
    review_log_in(window, "2006")?;
    until("the inbox", PATIENCE, || {
        (review.model().cases.iter()).any(|c| c.number == bundles.disputed)
    })
    .await?;
    open_case(window, review, &bundles.project).await?;
    shot("review-task")?;
    open_case(window, review, &bundles.disputed).await?;
    shot("review-lead")?;
    review_log_out(window, review).await?;
    review_log_in(window, "9001")?;
    until("the hall", PATIENCE, || {
        review.model().supervision.is_some() && !review.model().counters.is_empty()
    })
    .await?;
    shot("review-supervisor")?;
    tap(window, "效能监察")?;
    shot("review-efficiency")?;
    tap(window, "大厅")?;
    open_case(window, review, &bundles.opening).await?;
    shot("review-bundle")
}

fn review_log_in(window: &ReviewWindow, staff: &str) -> anyhow::Result<()> {
    let a = window.global::<ReviewAdapter>();
    a.set_staff_id(staff.into());
    a.set_pin("123456".into());
    tap(window, "登录")
}

async fn review_log_out(window: &ReviewWindow, review: &Rc<Review>) -> anyhow::Result<()> {
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        review.model().page == ReviewPage::Login
    })
    .await
}

/// Opens the case numbered so from a list on the page, and waits for it
/// and its history.
async fn open_case(window: &ReviewWindow, review: &Rc<Review>, number: &str) -> anyhow::Result<()> {
    tap(window, number)?;
    until("the case and its history", PATIENCE, || {
        let m = review.model();
        m.selected.as_ref().is_some_and(|c| c.number == number) && !m.history.is_empty() && !m.busy
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_size_reads_as_written() {
        assert_eq!("540x960".parse(), Ok(WindowSize::new(540, 960)));
        assert_eq!("640×400".parse(), Ok(WindowSize::new(640, 400)));
        assert_eq!(WindowSize::new(960, 540).to_string(), "960x540");
        for bad in ["", "540", "540x", "x960", "0x960", "540x-1", "big x small"] {
            assert!(bad.parse::<WindowSize>().is_err(), "{bad}");
        }
    }
}
