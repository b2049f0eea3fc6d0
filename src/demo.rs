//! `yimen demo`: the whole hall in one process, for a first look. The hub
//! runs on a local SQLite file with the configured hall; where there is a
//! screen, the kiosk, a counter terminal and the display wall open beside it
//! as windows of this process. With no screen the hub runs alone with its
//! web display wall, and the addresses to open are printed. Either way it
//! stops on the stop signal it is given: the windows close first, then the
//! hub finishes what it has in flight.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use crate::clock::Clock;
use crate::config::Config;

/// What the demo runs on.
pub struct DemoPlan {
    /// The configuration folder: the hall, and the apps' settings.
    pub config_dir: PathBuf,
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// Open no windows even where there is a screen.
    pub headless: bool,
    /// The hub's time: the machine's clock for a real demo.
    pub clock: Arc<dyn Clock>,
}

/// Whether this process can open windows: an X11 or Wayland display is set.
pub fn has_screen() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// The lines a newcomer needs: where everything is and how to log in.
pub fn welcome(hall: &str, url: &str, windows: bool) -> String {
    let mut lines = vec![
        format!("一门 yimen 演示：{hall}"),
        format!("  服务端 hub:            {url}"),
        format!("  大厅显示屏 web wall:   {url}/display"),
        format!("  接口文档 API:          {url}/api/v1/openapi.json"),
        "  取号机密钥 kiosk key:  demo-kiosk".to_owned(),
        "  窗口登录 counter:      工号 1001，密码 123456，1 号窗口 (1001–1009 → 1–9)".to_owned(),
        "  审批 / 监督 review:    2001 (市场监管) / 9001，密码 123456".to_owned(),
    ];
    if windows {
        lines.push(
            "取号机、1 号窗口与大厅显示屏已在窗口中打开；关闭全部窗口或 Ctrl-C 即退出。".into(),
        );
    } else {
        lines.push(
            "没有图形显示（DISPLAY / WAYLAND_DISPLAY 未设置）：只运行服务端与网页显示屏，Ctrl-C 退出。"
                .into(),
        );
    }
    lines.join("\n")
}

/// Runs the demo until the windows are closed, or until `stop` completes:
/// then the windows close and the hub stops gracefully.
///
/// # Errors
/// The configuration, the database, the address or a window fails.
pub fn run(
    plan: &DemoPlan,
    config: Config,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let hall = config.setup.name.clone();
    let windows = !plan.headless && cfg!(feature = "gui") && has_screen();
    let shown_config = windows.then(|| config.clone());
    let running = crate::hub::open(config, &plan.db, plan.clock.clone())
        .with_context(|| format!("cannot open the database {}", plan.db.display()))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(plan.listen))
        .with_context(|| format!("cannot listen on {}", plan.listen))?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("{}", welcome(&hall, &url, windows));
    let Some(config) = shown_config else {
        return runtime
            .block_on(running.serve(listener, stop))
            .context("the hub failed");
    };
    let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
    let hub = runtime.spawn(running.serve(listener, async move {
        let _ = on_close.await;
    }));
    let (stopping, on_stop) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(async move {
        stop.await;
        let _ = stopping.send(());
    });
    let shown = open_windows(plan, &config, &url, &runtime, on_stop);
    let _ = closed.send(());
    runtime
        .block_on(hub)
        .context("the hub's task failed")?
        .context("the hub failed")?;
    shown
}

#[cfg(not(feature = "gui"))]
fn open_windows(
    _: &DemoPlan,
    _: &Config,
    _: &str,
    _: &tokio::runtime::Runtime,
    _: tokio::sync::oneshot::Receiver<()>,
) -> anyhow::Result<()> {
    anyhow::bail!("this build has no windows (the `gui` feature is off)")
}

/// The kiosk, counter 1's terminal and the display wall, each pointed at the
/// demo's hub, until the last window closes or `on_stop` fires.
#[cfg(feature = "gui")]
fn open_windows(
    plan: &DemoPlan,
    config: &Config,
    url: &str,
    runtime: &tokio::runtime::Runtime,
    on_stop: tokio::sync::oneshot::Receiver<()>,
) -> anyhow::Result<()> {
    use slint::ComponentHandle;

    use crate::apps::{counter, kiosk};
    use crate::config::clients::ClientSettings;
    use crate::config::kiosk::KioskSettings;
    use crate::devices::printer;
    use crate::ui::{CounterAdapter, CounterWindow, KioskWindow};

    let handle = runtime.handle().clone();
    let config_dir = plan.config_dir.as_path();
    let mut kiosk_settings = KioskSettings::load(config_dir)?;
    kiosk_settings.hub = url.to_owned();
    kiosk_settings.qr_base = url.to_owned();
    let kiosk_window = KioskWindow::new()?;
    let kiosk_printer = printer::connect(&kiosk_settings.printer);
    let _kiosk = kiosk::Kiosk::start(
        &kiosk_window,
        kiosk_settings,
        kiosk_printer,
        handle.clone(),
        plan.clock.clone(),
    );

    let mut counter_settings = ClientSettings::load(config_dir)?;
    counter_settings.hub = url.to_owned();
    let counter_window = CounterWindow::new()?;
    let desk = counter_window.global::<CounterAdapter>();
    desk.set_staff_id("1001".into());
    desk.set_counter_number("1".into());
    let counter_printer = printer::connect(&counter_settings.printer);
    let _counter = counter::Counter::start(
        &counter_window,
        counter_settings,
        counter_printer,
        handle.clone(),
        plan.clock.clone(),
    );

    let (display_window, _display) = display_wall(plan, config, url, handle)?;

    // Side by side on a 1920×1080 screen: the kiosk on the left, the counter
    // beside it, the wall below the counter.
    let place = |w: &slint::Window, x: f32, y: f32, width: f32, height: f32| {
        w.set_position(slint::LogicalPosition::new(x, y));
        w.set_size(slint::LogicalSize::new(width, height));
    };
    place(kiosk_window.window(), 0.0, 0.0, 600.0, 1040.0);
    place(counter_window.window(), 610.0, 0.0, 1280.0, 600.0);
    place(display_window.window(), 930.0, 610.0, 960.0, 430.0);
    kiosk_window.show()?;
    counter_window.show()?;
    display_window.show()?;
    // The event loop exists now, so a stop that came early is not lost: the
    // quit waits in its queue.
    runtime.spawn(async move {
        if on_stop.await.is_ok() {
            tracing::info!("closing the windows");
            let _ = slint::invoke_from_event_loop(|| {
                let _ = slint::quit_event_loop();
            });
        }
    });
    slint::run_event_loop()?;
    Ok(())
}

/// The display wall, with voice if its settings ask for it.
#[cfg(feature = "gui")]
fn display_wall(
    plan: &DemoPlan,
    config: &Config,
    url: &str,
    handle: tokio::runtime::Handle,
) -> anyhow::Result<(
    crate::ui::DisplayWindow,
    std::rc::Rc<crate::apps::display::Display>,
)> {
    use crate::apps::display;
    use crate::config::display::DisplaySettings;

    let mut settings = DisplaySettings::load(&plan.config_dir)?;
    settings.hub = url.to_owned();
    let window = crate::ui::DisplayWindow::new()?;
    let announcer = if settings.voice.enabled {
        let speaker = display::CommandSpeaker::new(settings.voice.clone())?;
        Some(display::Announcer::start(speaker, settings.voice.repeats)?)
    } else {
        None
    };
    let wall = display::Display::start(
        &window,
        &settings,
        display::Signage::from_config(config),
        announcer,
        handle,
        plan.clock.clone(),
    );
    Ok((window, wall))
}
