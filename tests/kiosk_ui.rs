//! The kiosk on Slint's testing backend against a real hub: a citizen's
//! journey, double taps, the idle timeout, a printer out of paper, and the
//! hub going away and coming back. Slint allows one such test per process,
//! so this file is one test in steps.

#![cfg(feature = "gui")]

mod common;

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use common::TestHub;
use i_slint_backend_testing::mock_elapsed_time;
use slint::ComponentHandle;
use yimen::apps::drive::{init_headless, shows_button, tap, text_of, until};
use yimen::apps::kiosk::{Kiosk, Screen};
use yimen::clock::ManualClock;
use yimen::config::kiosk::KioskSettings;
use yimen::devices::printer::{MemoryPrinter, PaperWidth, PrinterStatus};
use yimen::domain::ticket::Ticket;
use yimen::ui::KioskWindow;

const PATIENCE: Duration = Duration::from_secs(20);

struct World {
    runtime: tokio::runtime::Runtime,
    hub: Option<TestHub>,
    settings: KioskSettings,
    printer: MemoryPrinter,
    /// The hub's clock, which the kiosk reads too.
    clock: Arc<ManualClock>,
    /// Holds the kiosk's catalogue cache.
    _dir: tempfile::TempDir,
}

impl World {
    fn hub(&self) -> &TestHub {
        self.hub.as_ref().expect("the hub is up")
    }

    /// Tickets the hub has issued today, oldest first.
    fn tickets(&self) -> Vec<Ticket> {
        let mut tickets: Vec<Ticket> = self.hub().hall().tickets().cloned().collect();
        tickets.sort_by_key(|t| t.order);
        tickets
    }

    fn kiosk(&self, window: &KioskWindow) -> Rc<Kiosk> {
        Kiosk::start(
            window,
            self.settings.clone(),
            Box::new(self.printer.clone()),
            self.runtime.handle().clone(),
            self.clock.clone(),
        )
    }
}

fn world() -> World {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hub = runtime.block_on(TestHub::start());
    let dir = tempfile::tempdir().unwrap();
    let mut settings = KioskSettings::load(&common::sample_dir()).unwrap();
    settings.hub.clone_from(&hub.url);
    settings.qr_base.clone_from(&hub.url);
    settings.cache = dir.path().join("kiosk-cache.json");
    World {
        runtime,
        clock: hub.clock.clone(),
        hub: Some(hub),
        settings,
        printer: MemoryPrinter::new(PaperWidth::Mm80),
        _dir: dir,
    }
}

#[test]
fn the_kiosk_as_citizens_use_it() {
    init_headless().unwrap();
    let mut world = world();
    let window = KioskWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    window.show().unwrap();
    let kiosk = world.kiosk(&window);
    let outcome = Rc::new(std::cell::RefCell::new(None));
    {
        let (window, outcome) = (window.clone_strong(), outcome.clone());
        slint::spawn_local(async move {
            let result = steps(&window, &kiosk, &mut world).await;
            *outcome.borrow_mut() = Some(result);
            slint::quit_event_loop().unwrap();
        })
        .unwrap();
    }
    slint::run_event_loop().unwrap();
    outcome.take().expect("the steps ran").unwrap();
}

async fn steps(window: &KioskWindow, kiosk: &Rc<Kiosk>, world: &mut World) -> anyhow::Result<()> {
    until("the catalogue", PATIENCE, || {
        kiosk.model().known.is_some() && !kiosk.model().queues.is_empty()
    })
    .await?;
    journey(window, kiosk, world).await?;
    double_tap(window, kiosk, world).await?;
    idle(window, kiosk).await?;
    paper_out(window, kiosk, world).await?;
    pickup(window, kiosk, world).await?;
    appointments(window, kiosk, world).await?;
    hub_away(window, kiosk, world).await?;
    Ok(())
}

/// Home → search `yyzz` → the guide → a ticket: the number the hub issued.
async fn journey(window: &KioskWindow, kiosk: &Rc<Kiosk>, world: &World) -> anyhow::Result<()> {
    tap(window, "搜索办事事项")?;
    for key in ["y", "y", "z", "z"] {
        tap(window, key)?;
    }
    assert_eq!(kiosk.model().query, "yyzz");
    let top: Vec<String> = kiosk
        .model()
        .results()
        .iter()
        .take(3)
        .map(|g| g.name.clone())
        .collect();
    assert!(top.iter().any(|n| n == "企业设立登记"), "{top:?}");
    tap(window, "企业设立登记")?;
    assert_eq!(text_of(window, "事项名称")?, "企业设立登记");
    tap(window, "取号办理")?;
    until("the ticket screen", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    let issued = world.tickets();
    assert_eq!(issued.len(), 1);
    assert_eq!(
        issued[0].service.as_ref().map(|s| s.0.as_str()),
        Some("SCJG-001")
    );
    assert_eq!(text_of(window, "号码")?, issued[0].number.to_string());
    assert_eq!(text_of(window, "前面人数")?, "前面还有 0 人");
    until("the printer", PATIENCE, || {
        !world.printer.printed().is_empty()
    })
    .await?;
    // The ticket screen goes back by itself after ticket_seconds.
    mock_elapsed_time(Duration::from_secs(
        u64::from(world.settings.ticket_seconds) + 1,
    ));
    assert_eq!(kiosk.model().screen, Screen::Home);
    Ok(())
}

/// Two quick taps on 取号办理 give one ticket.
async fn double_tap(window: &KioskWindow, kiosk: &Rc<Kiosk>, world: &World) -> anyhow::Result<()> {
    let before = world.tickets().len();
    tap(window, "企业开办")?;
    assert!(kiosk.model().busy);
    // The second tap lands while the first is on its way.
    let _ = tap(window, "企业开办");
    until("the ticket screen", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    for _ in 0..50 {
        yimen::apps::drive::breathe().await;
    }
    assert_eq!(world.tickets().len(), before + 1, "one ticket for two taps");
    tap(window, "完成，返回首页")?;
    assert_eq!(kiosk.model().screen, Screen::Home);
    Ok(())
}

/// Any screen returns Home after the idle timeout; the next citizen starts afresh.
async fn idle(window: &KioskWindow, kiosk: &Rc<Kiosk>) -> anyhow::Result<()> {
    tap(window, "English")?;
    assert!(shows_button(window, "Search services") && !shows_button(window, "搜索办事事项"));
    tap(window, "中文")?;
    assert!(shows_button(window, "搜索办事事项"));
    tap(window, "English")?;
    tap(window, "Large text")?;
    tap(window, "市场监管")?;
    tap(window, "企业变更登记")?;
    assert!(matches!(kiosk.model().screen, Screen::Guide(_)));
    mock_elapsed_time(Duration::from_secs(59));
    assert!(matches!(kiosk.model().screen, Screen::Guide(_)), "not yet");
    // A tap starts the countdown again.
    tap(window, "Back")?;
    mock_elapsed_time(Duration::from_secs(59));
    assert!(matches!(kiosk.model().screen, Screen::Department(_)));
    mock_elapsed_time(Duration::from_secs(2));
    assert_eq!(kiosk.model().screen, Screen::Home);
    assert!(
        !kiosk.model().elder,
        "the next citizen gets the standard screen"
    );
    assert!(shows_button(window, "搜索办事事项"), "and Chinese");
    Ok(())
}

/// A printer out of paper: the ticket stays valid on screen, the hub is told.
async fn paper_out(window: &KioskWindow, kiosk: &Rc<Kiosk>, world: &World) -> anyhow::Result<()> {
    let printed = world.printer.printed().len();
    world.printer.answer(PrinterStatus {
        paper_out: true,
        ..PrinterStatus::READY
    });
    tap(window, "税务办理")?;
    until("the ticket screen", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    until("the printer's answer", PATIENCE, || {
        text_of(window, "打印提示").is_ok()
    })
    .await?;
    let problem = text_of(window, "打印提示")?;
    assert!(
        problem.contains("缺纸") && problem.contains("拍"),
        "{problem}"
    );
    assert!(text_of(window, "号码")?.starts_with('B'));
    assert_eq!(world.printer.printed().len(), printed, "nothing printed");
    let db = world.hub().db();
    until("the alert at the hub", PATIENCE, || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let alerts: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM events WHERE kind = 'device_alert' AND payload LIKE '%缺纸%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        alerts == 1
    })
    .await?;
    world.printer.answer(PrinterStatus::READY);
    tap(window, "完成，返回首页")?;
    Ok(())
}

/// An approved case is collected by its number: a ticket for the pickup window.
async fn pickup(window: &KioskWindow, kiosk: &Rc<Kiosk>, world: &World) -> anyhow::Result<()> {
    let hub = world.hub();
    let number = world.runtime.block_on(async {
        let clerk = hub.login("1001", Some(1)).await;
        hub.issue(serde_json::json!({"queue": "A"})).await;
        loop {
            let called = hub.act_ok(&clerk, 1, "call-next").await;
            if called["current"]["number"].as_str().is_some() {
                break;
            }
        }
        hub.act_ok(&clerk, 1, "start").await;
        let (_, catalogue) = hub.get("/api/v1/services", None).await;
        let guide = catalogue["services"].as_array().unwrap().iter().find(|g| g["code"] == "SCJG-001").unwrap().clone();
        let materials: Vec<serde_json::Value> = guide["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| serde_json::json!({"name": m["name"], "received": true}))
            .collect();
        let body = serde_json::json!({
            "service": "SCJG-001",
            "applicant": {"name": "赵六", "id_number": "11010519491231002X", "phone": "13600001111"},
            "materials": materials,
            "intake": "accept",
        });
        let (_, case) = hub.post("/api/v1/cases", Some(&clerk), body).await;
        let number = case["number"].as_str().unwrap().to_owned();
        let reviewer = hub.login("2001", None).await;
        hub.post(&format!("/api/v1/cases/{number}/claim"), Some(&reviewer), serde_json::json!({})).await;
        let (status, _) = hub
            .post(&format!("/api/v1/cases/{number}/decision"), Some(&reviewer), serde_json::json!({"approve": true}))
            .await;
        assert!(status.is_success());
        number
    });
    // The queues tell the kiosk the hub has a pickup window.
    mock_elapsed_time(Duration::from_secs(5));
    until("the pickup button", PATIENCE, || {
        shows_button(window, "办件取件")
    })
    .await?;
    tap(window, "办件取件")?;
    for digit in number.chars() {
        tap(window, &digit.to_string())?;
    }
    tap(window, "7")?;
    assert_eq!(
        kiosk.model().case_number,
        number,
        "twelve digits and no more"
    );
    tap(window, "取号领取")?;
    until("the pickup ticket", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    assert!(text_of(window, "号码")?.starts_with('P'));
    let ticket = world
        .tickets()
        .into_iter()
        .find(|t| t.case.as_deref() == Some(number.as_str()));
    assert!(ticket.is_some(), "the hub linked the ticket to the case");
    tap(window, "完成，返回首页")?;
    Ok(())
}

/// Books a slot of today's for `service` on the public face, as a
/// citizen's phone does; the booking's code.
fn book(world: &World, service: &str, start: &str, serial: u32) -> String {
    let hub = world.hub();
    let (status, booking) = world.runtime.block_on(hub.post(
        "/api/v1/appointments",
        None,
        serde_json::json!({
            "service": service,
            "date": "2026-03-02",
            "start": start,
            "name": "张三",
            "id_number": common::id_number("19800101", serial),
            "phone": "13800138000",
        }),
    ));
    assert_eq!(status, reqwest::StatusCode::CREATED, "{booking}");
    booking["code"].as_str().unwrap().to_owned()
}

/// Types on the check-in screen's keypad, key by key, at a person's pace:
/// the test's clock stands still otherwise.
fn type_in(window: &KioskWindow, text: &str) -> anyhow::Result<()> {
    for key in text.chars() {
        tap(window, &key.to_string())?;
        mock_elapsed_time(Duration::from_millis(300));
    }
    Ok(())
}

/// A bookable service of queue E, whose early arrivals are told to come
/// back when check-in opens, 30 minutes before the booked time.
fn come_back_service(world: &World) -> String {
    let (_, services) = world
        .runtime
        .block_on(world.hub().get("/api/v1/appointments/services", None));
    let mut services = services.as_array().expect("a list").iter();
    let service = services.find(|s| s["queue"] == "E");
    service.expect("a service of queue E")["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// 预约签到: a booking made on the phone is checked in by its code and its
/// ticket printed with 预约 and the time; the same code again is refused in
/// the hub's words; a booking for the afternoon, by ID number, is too early
/// and the kiosk says when to come back.
async fn appointments(
    window: &KioskWindow,
    kiosk: &Rc<Kiosk>,
    world: &World,
) -> anyhow::Result<()> {
    let code = book(world, "ZWFW-003", "10:30", 1);
    let afternoon = common::id_number("19800101", 2);
    book(world, &come_back_service(world), "14:00", 2);
    let printed = world.printer.printed().len();
    tap(window, "预约签到")?;
    type_in(window, &code)?;
    type_in(window, "9")?;
    assert_eq!(text_of(window, "预约码")?, code, "eight digits and no more");
    tap(window, "签到")?;
    until("the booking's ticket", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    assert_eq!(text_of(window, "签到结果")?, "已签到 · 预约 10:30");
    let ticket = world.tickets().pop().expect("a ticket issued");
    assert_eq!(text_of(window, "号码")?, ticket.number.to_string());
    until("the printer", PATIENCE, || {
        world.printer.printed().len() > printed
    })
    .await?;
    let bytes = world.printer.printed();
    let (booked, _, _) = encoding_rs::GB18030.encode("预约 10:30");
    assert!(
        bytes[printed..]
            .windows(booked.len())
            .any(|w| *w == *booked),
        "the printed ticket says 预约 10:30 in GB18030"
    );
    tap(window, "完成，返回首页")?;

    let issued = world.tickets().len();
    tap(window, "预约签到")?;
    type_in(window, &code)?;
    tap(window, "签到")?;
    until("the hub's refusal", PATIENCE, || {
        text_of(window, "签到提示").is_ok()
    })
    .await?;
    assert_eq!(
        kiosk.model().screen,
        Screen::CheckIn,
        "still there to retype"
    );
    let refusal = text_of(window, "签到提示")?;
    assert!(refusal.contains("签到"), "{refusal}");
    assert_eq!(world.tickets().len(), issued, "no second ticket");

    tap(window, "身份证号")?;
    type_in(window, &afternoon)?;
    assert_eq!(text_of(window, "身份证号码")?, afternoon);
    tap(window, "签到")?;
    until("too early", PATIENCE, || {
        text_of(window, "签到提示").is_ok_and(|t| t.contains("13:30"))
    })
    .await?;
    assert_eq!(
        text_of(window, "签到提示")?,
        "还没到签到时间，请于 13:30 后再来签到"
    );
    tap(window, "返回首页")?;
    late(window, kiosk, world).await
}

/// Past its check-in window a booking gets a walk-in ticket, and the kiosk
/// says so plainly; nothing booked is printed on it.
async fn late(window: &KioskWindow, kiosk: &Rc<Kiosk>, world: &World) -> anyhow::Result<()> {
    let code = book(world, "ZWFW-003", "10:30", 3);
    world.clock.advance(chrono::Duration::minutes(46));
    let printed = world.printer.printed().len();
    tap(window, "预约签到")?;
    type_in(window, &code)?;
    tap(window, "签到")?;
    until("the walk-in ticket", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    assert_eq!(
        text_of(window, "签到结果")?,
        "您预约的 10:30 已过签到时间（10:45 前），本号为现场号，按到场先后排队"
    );
    until("the printer", PATIENCE, || {
        world.printer.printed().len() > printed
    })
    .await?;
    let (booked, _, _) = encoding_rs::GB18030.encode("预约");
    let ticket = &world.printer.printed()[printed..];
    assert!(!ticket.windows(booked.len()).any(|w| *w == *booked));
    tap(window, "完成，返回首页")?;
    Ok(())
}

/// The hub goes away: plain words, guides still browsable; it comes back:
/// the kiosk notices by itself and issues again.
async fn hub_away(
    window: &KioskWindow,
    kiosk: &Rc<Kiosk>,
    world: &mut World,
) -> anyhow::Result<()> {
    let mut hub = world.hub.take().expect("the hub is up");
    world.runtime.block_on(hub.stop());
    tap(window, "市场监管")?;
    tap(window, "企业注销登记")?;
    tap(window, "取号办理")?;
    until("the fault screen", PATIENCE, || {
        kiosk.model().screen == Screen::Fault
    })
    .await?;
    assert_eq!(text_of(window, "故障提示")?, "暂时无法取号");
    assert!(kiosk.model().offline);
    tap(window, "返回首页")?;
    assert!(text_of(window, "网络状态")?.contains("网络中断"));
    // Guides are still there to read.
    tap(window, "税务")?;
    tap(window, "发票领用")?;
    assert_eq!(text_of(window, "事项名称")?, "发票领用");
    assert!(!shows_button(window, "取号办理") || kiosk.model().offline);

    // A kiosk switched on while the hub is away has the last catalogue.
    let second = KioskWindow::new()?;
    let cold = world.kiosk(&second);
    until("the second kiosk to give up on the hub", PATIENCE, || {
        cold.model().offline
    })
    .await?;
    assert!(
        cold.model()
            .known
            .as_ref()
            .is_some_and(|k| k.catalogue.services.len() >= 40)
    );
    drop(cold);

    world.hub = Some(world.runtime.block_on(hub.start_again()));
    // The kiosk asks again every few seconds; nobody touches it.
    mock_elapsed_time(Duration::from_secs(5));
    until("the kiosk to see the hub again", PATIENCE, || {
        !kiosk.model().offline
    })
    .await?;
    assert!(text_of(window, "网络状态").is_err(), "the banner is gone");
    let before = world.tickets().len();
    tap(window, "取号办理")?;
    until("a ticket again", PATIENCE, || {
        kiosk.model().screen == Screen::Ticket
    })
    .await?;
    assert_eq!(world.tickets().len(), before + 1);
    Ok(())
}
