//! The counter terminal on Slint's testing backend against a real hub: a
//! wrong PIN and the lockout, a clerk's calls by hotkey and by button, a case
//! opened with a material missing (the notice printed), completed and
//! accepted, a rating on screen, the pickup window handing the result over
//! (for a 一件事, every department's result together), and the hub
//! restarting under a logged-in clerk; the intake form of a 一件事 with its
//! stages and who needs each material. Slint allows one such test
//! per process, so this file is one test in steps.

#![cfg(feature = "gui")]

mod common;

use std::rc::Rc;
use std::time::Duration;

use common::TestHub;
use common::escpos::{decode, lines};
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};
use yimen::apps::counter::{Counter, Page};
use yimen::apps::drive::{
    breathe, enabled, init_headless, shows_button, shows_text, tap, text_of, until,
};
use yimen::apps::words::REFUSALS;
use yimen::config::clients::ClientSettings;
use yimen::devices::printer::{MemoryPrinter, PaperWidth};
use yimen::domain::case::CaseState;
use yimen::domain::ticket::{Ticket, TicketState};
use yimen::ui::{CounterAdapter, CounterWindow, IntakeAdapter, Words};

const PATIENCE: Duration = Duration::from_secs(20);

struct World {
    runtime: tokio::runtime::Runtime,
    hub: Option<TestHub>,
    printer: MemoryPrinter,
}

impl World {
    fn hub(&self) -> &TestHub {
        self.hub.as_ref().expect("the hub is up")
    }

    fn ticket(&self, number: &str) -> Ticket {
        self.hub()
            .hall()
            .tickets()
            .find(|t| t.number.to_string() == number)
            .cloned()
            .unwrap_or_else(|| panic!("no ticket {number}"))
    }

    /// Issues a ticket at the kiosk; its number.
    fn issue(&self, request: serde_json::Value) -> String {
        let issued = self.runtime.block_on(self.hub().issue(request));
        issued["number"].as_str().expect("a number").to_owned()
    }

    /// The text lines printed so far.
    fn printed(&self) -> Vec<String> {
        let ops = decode(&self.printer.printed()).expect("ESC/POS");
        lines(&ops).into_iter().map(|l| l.text).collect()
    }
}

#[test]
fn the_counter_as_clerks_use_it() {
    init_headless().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hub = runtime.block_on(TestHub::start());
    let mut settings = ClientSettings::load(&common::sample_dir()).unwrap();
    settings.hub.clone_from(&hub.url);
    settings.rating_on_screen = true;
    let mut world = World {
        runtime,
        hub: Some(hub),
        printer: MemoryPrinter::new(PaperWidth::Mm80),
    };
    let window = CounterWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.show().unwrap();
    let clock = world.hub().clock.clone();
    let counter = Counter::start(
        &window,
        settings,
        Box::new(world.printer.clone()),
        world.runtime.handle().clone(),
        clock,
    );
    let outcome = Rc::new(std::cell::RefCell::new(None));
    {
        let (window, outcome) = (window.clone_strong(), outcome.clone());
        slint::spawn_local(async move {
            let result = steps(&window, &counter, &mut world).await;
            *outcome.borrow_mut() = Some(result);
            slint::quit_event_loop().unwrap();
        })
        .unwrap();
    }
    slint::run_event_loop().unwrap();
    outcome.take().expect("the steps ran").unwrap();
}

async fn steps(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    world: &mut World,
) -> anyhow::Result<()> {
    wrong_pin(window, counter).await?;
    calls(window, counter, world).await?;
    let case = intake(window, counter, world).await?;
    pickup(window, counter, world, &case).await?;
    bundle_pickup(window, counter, world).await?;
    appointment(window, counter, world).await?;
    hub_restart(window, counter, world).await?;
    Ok(())
}

fn log_in(window: &CounterWindow, staff: &str, pin: &str, counter: &str) -> anyhow::Result<()> {
    let a = window.global::<CounterAdapter>();
    a.set_staff_id(staff.into());
    a.set_pin(pin.into());
    a.set_counter_number(counter.into());
    tap(window, "登录")
}

/// Presses a key as the clerk would: after the event loop has run, so that
/// the desk has taken the focus back from a page or dialog just closed.
async fn press(window: &CounterWindow, key: Key) {
    breathe().await;
    let text: slint::SharedString = key.into();
    window
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    window
        .window()
        .dispatch_event(WindowEvent::KeyReleased { text });
}

/// The current ticket's number as the desk shows it.
fn current(window: &CounterWindow) -> String {
    window
        .global::<CounterAdapter>()
        .get_current()
        .number
        .to_string()
}

/// Every refusal the apps know by its code has words of its own in the
/// language on screen, not the hub's Chinese message.
fn every_refusal_has_words(window: &CounterWindow, language: &str) {
    let words = window.global::<Words>();
    for (code, refusal) in REFUSALS {
        let said = words.invoke_refusal(*refusal, "the hub's words".into());
        assert!(
            !said.is_empty() && said != "the hub's words",
            "{language}: no words for {code}"
        );
        let english = said.is_ascii();
        assert_eq!(
            english,
            language == "English",
            "{language}: {code} says “{said}”"
        );
    }
}

/// A wrong PIN is refused plainly; after four from this terminal the hub
/// stops listening to it for that id, and then even the right PIN is turned
/// away with "too many attempts" — the id itself is never locked by one PC.
async fn wrong_pin(window: &CounterWindow, counter: &Rc<Counter>) -> anyhow::Result<()> {
    for attempt in 1..=4 {
        log_in(window, "1009", "000000", "9")?;
        until("the refusal", PATIENCE, || !counter.model().busy).await?;
        let said = text_of(window, "登录提示")?;
        assert!(said.contains("密码"), "attempt {attempt}: {said}");
        assert_eq!(counter.model().page, Page::Login);
    }
    log_in(window, "1009", "123456", "9")?;
    until("the refusal", PATIENCE, || !counter.model().busy).await?;
    let said = text_of(window, "登录提示")?;
    assert!(said.contains("尝试次数过多"), "{said}");
    assert_eq!(counter.model().page, Page::Login);
    assert_eq!(
        window.global::<CounterAdapter>().get_pin(),
        "",
        "the PIN field is cleared after each try"
    );
    Ok(())
}

/// F1 calls the ticket the hub assigns, shown only once the hub confirmed;
/// recall and no-show by button and hotkey.
async fn calls(window: &CounterWindow, counter: &Rc<Counter>, world: &World) -> anyhow::Result<()> {
    let first = world.issue(serde_json::json!({"queue": "A"}));
    let second = world.issue(serde_json::json!({"queue": "A"}));
    log_in(window, "1001", "123456", "1")?;
    until("the desk", PATIENCE, || counter.model().page == Page::Desk).await?;
    until("the waiting count", PATIENCE, || {
        window
            .global::<CounterAdapter>()
            .get_queues()
            .iter()
            .any(|q| q.prefix == "A" && q.waiting == 2)
    })
    .await?;
    assert!(shows_text(window, "等候 2 人"));
    // The English switch: labels and the words built from data.
    tap(window, "English")?;
    assert_eq!(text_of(window, "Counter state")?, "Free: call the next");
    assert!(shows_text(window, "2 waiting"));
    assert!(shows_button(window, "Call next") && !shows_button(window, "叫号"));
    every_refusal_has_words(window, "English");
    tap(window, "中文")?;
    assert_eq!(text_of(window, "窗口状态")?, "空闲，可叫号");
    assert!(shows_button(window, "叫号"));
    every_refusal_has_words(window, "Chinese");

    press(window, Key::F1).await;
    assert!(counter.model().busy, "F1 asked the hub");
    assert_eq!(current(window), "", "nothing shown before the hub confirms");
    until("the call", PATIENCE, || {
        !current(window).is_empty() && !counter.model().busy
    })
    .await?;
    assert_eq!(current(window), first, "the ticket the hub assigned");
    assert_eq!(world.ticket(&first).state, TicketState::Called);
    assert_eq!(text_of(window, "当前号码")?, first);

    tap(window, "重呼")?;
    until("the recall", PATIENCE, || world.ticket(&first).recalls == 1).await?;
    until("the recall shown", PATIENCE, || {
        shows_text(window, "重呼 1 次") && !counter.model().busy
    })
    .await?;

    // The hall wants two recalls before a no-show: the button waits for
    // them, and the hotkey gets the hub's plain answer.
    assert!(!enabled(window, "过号")?, "one recall is not enough");
    assert!(enabled(window, "重呼")? && enabled(window, "开始办理")?);
    press(window, Key::F3).await;
    until("the refusal", PATIENCE, || !counter.model().busy).await?;
    assert!(window.global::<CounterAdapter>().get_message_is_error());
    assert_eq!(text_of(window, "操作提示")?, "还需重呼才能标记过号");
    // The hub's refusal in the clerk's language, by its code.
    tap(window, "English")?;
    assert_eq!(
        text_of(window, "Message")?,
        "Recall more times before marking a no-show"
    );
    tap(window, "中文")?;
    assert_eq!(world.ticket(&first).state, TicketState::Called);
    press(window, Key::F2).await;
    until("the second recall", PATIENCE, || {
        world.ticket(&first).recalls == 2
    })
    .await?;
    until("the answer", PATIENCE, || !counter.model().busy).await?;
    assert!(
        enabled(window, "过号")?,
        "two recalls: the no-show is allowed"
    );
    press(window, Key::F3).await;
    until("the no-show", PATIENCE, || {
        current(window).is_empty() && !counter.model().busy
    })
    .await?;
    assert_eq!(world.ticket(&first).state, TicketState::NoShow);

    press(window, Key::F1).await;
    until("the next call", PATIENCE, || {
        current(window) == second && !counter.model().busy
    })
    .await?;
    press(window, Key::F4).await;
    until("the service", PATIENCE, || {
        world.ticket(&second).state == TicketState::Serving
            && window.global::<CounterAdapter>().get_current().serving
            && !counter.model().busy
    })
    .await?;
    Ok(())
}

/// A case with a material missing: the notice printed, the case waiting;
/// the rest brought, the case accepted and its receipt printed; then the
/// citizen rates the service on the counter's screen.
async fn intake(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    world: &World,
) -> anyhow::Result<String> {
    let serving = current(window);
    tap(window, "受理办件")?;
    assert_eq!(counter.model().page, Page::Intake);
    let form = window.global::<IntakeAdapter>();
    // A 一件事: its stage and departments, and who needs each material.
    form.set_query("开办企业一件事".into());
    form.invoke_search();
    tap(window, "开办企业一件事")?;
    assert!(shows_text(
        window,
        "第 1 阶段 并联办理：市场监管、公安、税务、人社（牵头部门 市场监管）"
    ));
    assert!(shows_text(
        window,
        "原件 1 份 · 市场监管、公安、税务、人社 需要"
    ));
    let employees = form
        .get_materials()
        .iter()
        .find(|m| m.name == "员工参保信息表");
    assert_eq!(
        employees.map(|m| m.departments.to_string()).as_deref(),
        Some("人社")
    );
    form.set_query("yyzz".into());
    form.invoke_search();
    tap(window, "企业设立登记")?;
    assert_eq!(text_of(window, "所选事项")?, "企业设立登记");
    form.set_name("赵丽华".into());
    form.set_id_number("110105194912310021".into());
    form.invoke_applicant_edited();
    assert!(
        text_of(window, "身份证号码提示")?.contains("校验位"),
        "a wrong check digit is caught as typed"
    );
    form.set_id_number("11010519491231002X".into());
    form.set_phone("13912345678".into());
    form.invoke_applicant_edited();
    assert_eq!(text_of(window, "身份证号码提示")?, "");
    let materials = counter.model().intake.materials.clone();
    let missing = materials
        .iter()
        .position(|m| m.required)
        .expect("a required material");
    for (i, _) in materials.iter().enumerate().filter(|(i, _)| *i != missing) {
        form.invoke_toggle_material(i32::try_from(i)?);
    }
    tap(window, "一次性告知")?;
    until("the notice", PATIENCE, || {
        counter.model().intake.done.is_some()
    })
    .await?;
    let number = text_of(window, "办件编号")?;
    assert_eq!(number.len(), 12, "{number}");
    let case = world.hub().hall().case(&number).cloned().expect("the case");
    assert_eq!(case.state, CaseState::AwaitingMaterials);
    until("the printer", PATIENCE, || {
        world.printed().iter().any(|l| l.contains("一次性告知书"))
    })
    .await?;
    let printed = world.printed();
    assert!(
        printed.iter().any(|l| l.contains(&materials[missing].name)),
        "the notice lists what is missing: {printed:?}"
    );
    tap(window, "返回窗口")?;
    assert_eq!(counter.model().page, Page::Desk);
    assert_eq!(current(window), serving, "still serving the same citizen");

    // The citizen comes back with the rest.
    tap(window, "受理办件")?;
    let waiting = format!("办件 {number}");
    until("the waiting case", PATIENCE, || {
        tap(window, &waiting).is_ok()
    })
    .await?;
    assert_eq!(
        form.get_name(),
        "赵**",
        "the applicant, masked as the front desk sees them"
    );
    form.invoke_toggle_material(i32::try_from(missing)?);
    tap(window, "受理")?;
    until("the receipt", PATIENCE, || {
        counter.model().intake.done.is_some()
    })
    .await?;
    assert_eq!(text_of(window, "办件编号")?, number);
    assert_eq!(
        world.hub().hall().case(&number).map(|c| c.state),
        Some(CaseState::Accepted)
    );
    until("the receipt printed", PATIENCE, || {
        world.printed().iter().any(|l| l.contains("受理单"))
    })
    .await?;
    tap(window, "返回窗口")?;
    until("the desk, idle", PATIENCE, || {
        counter.model().page == Page::Desk && !counter.model().busy
    })
    .await?;

    press(window, Key::F5).await;
    until("the rating", PATIENCE, || {
        counter.model().rating_for.is_some()
    })
    .await?;
    assert_eq!(world.ticket(&serving).state, TicketState::Finished);
    tap(window, "满意")?;
    until("the rating recorded", PATIENCE, || {
        counter.model().rating_for.is_none()
    })
    .await?;
    let ticket = world.ticket(&serving);
    let scores: Vec<u8> = rusqlite::Connection::open(world.hub().db())?
        .prepare("SELECT payload FROM events WHERE kind = 'rated'")?
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|p| serde_json::from_str::<serde_json::Value>(&p.unwrap()).unwrap())
        .filter(|p| p.to_string().contains(&ticket.id.to_string()))
        .map(|p| u8::try_from(p["rating"]["score"].as_u64().unwrap()).unwrap())
        .collect();
    assert_eq!(scores, [4], "one rating, 满意, for the ticket");
    Ok(number)
}

/// The reviewer approves (through the API; the back office has its own
/// test); the pickup window calls the pickup ticket and hands over.
async fn pickup(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    world: &World,
    case: &str,
) -> anyhow::Result<()> {
    let hub = world.hub();
    world.runtime.block_on(async {
        let reviewer = hub.login("2001", None).await;
        let on = |what: &str| format!("/api/v1/cases/{case}/{what}");
        let (status, body) = hub
            .post(&on("claim"), Some(&reviewer), serde_json::json!({}))
            .await;
        assert!(status.is_success(), "{body}");
        let (status, body) = hub
            .post(
                &on("decision"),
                Some(&reviewer),
                serde_json::json!({"approve": true}),
            )
            .await;
        assert!(status.is_success(), "{body}");
    });
    let ticket = world.issue(serde_json::json!({"case": case}));
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        counter.model().page == Page::Login
    })
    .await?;
    log_in(window, "3001", "123456", "10")?;
    until("the pickup desk", PATIENCE, || {
        counter.model().page == Page::Desk
    })
    .await?;
    press(window, Key::F1).await;
    until("the case to hand over", PATIENCE, || {
        counter.model().pickup_case.is_some() && !counter.model().busy
    })
    .await?;
    assert_eq!(current(window), ticket);
    assert!(text_of(window, "待交付办件")?.contains(case));
    press(window, Key::F4).await;
    until("the service", PATIENCE, || {
        window.global::<CounterAdapter>().get_current().serving && !counter.model().busy
    })
    .await?;
    press(window, Key::F8).await;
    window
        .global::<CounterAdapter>()
        .set_dialog_text("本人".into());
    tap(window, "确认交付")?;
    until("the hand-over", PATIENCE, || {
        world
            .hub()
            .hall()
            .case(case)
            .is_some_and(|c| c.state == CaseState::Closed)
    })
    .await?;
    // The keys wait for the hub's answer to reach the terminal.
    until("the answer", PATIENCE, || !counter.model().busy).await?;
    let closed = world.hub().hall().case(case).cloned().expect("the case");
    assert_eq!(
        closed
            .handover
            .and_then(|h| h.collected_by)
            .and_then(|who| who.value().cloned())
            .as_deref(),
        Some("本人")
    );
    press(window, Key::F5).await;
    until("finished", PATIENCE, || {
        world.ticket(&ticket).state == TicketState::Finished
    })
    .await?;
    until("the rating asked", PATIENCE, || {
        counter.model().rating_for.is_some()
    })
    .await?;
    tap(window, "跳过")?;
    Ok(())
}

/// A booking made on the phone and checked in at the kiosk (through the
/// API): called at counter 1, the desk shows 预约 and the booked time, so
/// the clerk knows; a walk-in's ticket shows none.
async fn appointment(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    world: &World,
) -> anyhow::Result<()> {
    let hub = world.hub();
    let booked = world.runtime.block_on(async {
        let booking = serde_json::json!({
            "service": "ZWFW-003",
            "date": "2026-03-02",
            "start": "10:30",
            "name": "李四",
            "id_number": common::id_number("19750612", 7),
            "phone": "13900139000",
        });
        let (status, booking) = hub.post("/api/v1/appointments", None, booking).await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{booking}");
        let code = serde_json::json!({"code": booking["code"]});
        let (status, checked) = hub
            .post("/api/v1/appointments/check-in", Some(common::KIOSK), code)
            .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{checked}");
        checked["ticket"]["number"]
            .as_str()
            .expect("a number")
            .to_owned()
    });
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        counter.model().page == Page::Login
    })
    .await?;
    log_in(window, "1001", "123456", "1")?;
    until("the desk", PATIENCE, || counter.model().page == Page::Desk).await?;
    press(window, Key::F1).await;
    until("the booking's ticket called", PATIENCE, || {
        current(window) == booked && !counter.model().busy
    })
    .await?;
    assert_eq!(text_of(window, "预约时间")?, "预约 10:30");
    tap(window, "English")?;
    assert_eq!(text_of(window, "Booked time")?, "Booked 10:30");
    tap(window, "中文")?;
    press(window, Key::F4).await;
    until("the service", PATIENCE, || {
        window.global::<CounterAdapter>().get_current().serving && !counter.model().busy
    })
    .await?;
    assert_eq!(
        text_of(window, "预约时间")?,
        "预约 10:30",
        "while serving too"
    );
    press(window, Key::F5).await;
    until("the rating asked", PATIENCE, || {
        counter.model().rating_for.is_some()
    })
    .await?;
    tap(window, "跳过")?;
    let walk_in = world.issue(serde_json::json!({"queue": "A"}));
    press(window, Key::F1).await;
    until("the walk-in called", PATIENCE, || {
        current(window) == walk_in && !counter.model().busy
    })
    .await?;
    assert!(
        text_of(window, "预约时间").is_err(),
        "a walk-in has no booked time"
    );
    press(window, Key::F4).await;
    until("the walk-in served", PATIENCE, || {
        window.global::<CounterAdapter>().get_current().serving && !counter.model().busy
    })
    .await?;
    press(window, Key::F5).await;
    until("the rating asked", PATIENCE, || {
        counter.model().rating_for.is_some()
    })
    .await?;
    tap(window, "跳过")?;
    Ok(())
}

/// The hub restarts under a logged-in clerk: the terminal says it is
/// offline, reconnects by itself, keeps the session, and shows the truth.
async fn hub_restart(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    world: &mut World,
) -> anyhow::Result<()> {
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        counter.model().page == Page::Login
    })
    .await?;
    let called = world.issue(serde_json::json!({"queue": "B"}));
    log_in(window, "1001", "123456", "1")?;
    until("the desk", PATIENCE, || counter.model().page == Page::Desk).await?;
    press(window, Key::F1).await;
    until("the call", PATIENCE, || current(window) == called).await?;

    let mut hub = world.hub.take().expect("the hub is up");
    world.runtime.block_on(hub.stop());
    until("offline", PATIENCE, || counter.model().offline).await?;
    assert!(text_of(window, "连接状态")?.contains("离线"));
    press(window, Key::F2).await;
    assert!(
        !counter.model().busy,
        "nothing is asked of a hub that is away"
    );
    world.hub = Some(world.runtime.block_on(hub.start_again()));
    // Citizens arrive while the terminal is still reconnecting.
    for _ in 0..3 {
        world.issue(serde_json::json!({"queue": "B"}));
    }
    until("back online", PATIENCE, || !counter.model().offline).await?;
    assert!(text_of(window, "连接状态").is_err(), "the badge is gone");
    until("the queues as they are now", PATIENCE, || {
        window
            .global::<CounterAdapter>()
            .get_queues()
            .iter()
            .any(|q| q.prefix == "B" && q.waiting == 3)
    })
    .await?;
    assert!(shows_text(window, "等候 3 人"));
    assert_eq!(current(window), called, "the ticket still at the counter");
    assert_eq!(counter.model().page, Page::Desk, "the session survived");
    tap(window, "重呼")?;
    until("the recall", PATIENCE, || {
        world.ticket(&called).recalls == 1
    })
    .await?;
    for _ in 0..10 {
        breathe().await;
    }
    Ok(())
}

/// A business opening (一件事) taken in at counter 2 and approved by its
/// four departments (through the API); the pickup window lists every
/// department's result to hand over together, and hands them over.
async fn bundle_pickup(
    window: &CounterWindow,
    counter: &Rc<Counter>,
    world: &World,
) -> anyhow::Result<()> {
    let hub = world.hub();
    let number = world.issue(serde_json::json!({"service": "ZWFW-001"}));
    let guide = (hub.hub.config().guides.iter())
        .find(|g| g.code.0 == "ZWFW-001")
        .cloned()
        .expect("ZWFW-001 in the sample hall");
    let case = world.runtime.block_on(async {
        let clerk = hub.login("1002", Some(2)).await;
        let at_counter = |what: &str| format!("/api/v1/counters/2/{what}");
        let call = serde_json::json!({"number": number, "reason": "一件事专窗"});
        for (path, body) in [("call", call), ("start", serde_json::json!({}))] {
            let (status, body) = hub.post(&at_counter(path), Some(&clerk), body).await;
            assert!(status.is_success(), "{body}");
        }
        let materials: Vec<serde_json::Value> = (guide.materials.iter())
            .map(|m| serde_json::json!({"name": m.name, "received": true}))
            .collect();
        let request = serde_json::json!({
            "service": "ZWFW-001",
            "applicant": {
                "name": "冯雅琴",
                "id_number": yimen::apps::scene::id_number("32050219900305123"),
                "phone": "13912345670",
            },
            "materials": materials,
            "intake": "accept",
        });
        let (status, opened) = hub.post("/api/v1/cases", Some(&clerk), request).await;
        assert!(status.is_success(), "{opened}");
        let case = opened["number"].as_str().expect("a case number").to_owned();
        hub.post(&at_counter("finish"), Some(&clerk), serde_json::json!({}))
            .await;
        for reviewer in ["2001", "2008", "2002", "2007"] {
            let reviewer = hub.login(reviewer, None).await;
            let on = |what: &str| format!("/api/v1/cases/{case}/{what}");
            let (status, body) = hub
                .post(&on("claim"), Some(&reviewer), serde_json::json!({}))
                .await;
            assert!(status.is_success(), "{body}");
            let approve = serde_json::json!({"approve": true});
            let (status, body) = hub.post(&on("decision"), Some(&reviewer), approve).await;
            assert!(status.is_success(), "{body}");
        }
        case
    });
    assert_eq!(
        hub.hall().case(&case).map(|c| c.state),
        Some(CaseState::Approved)
    );
    let ticket = world.issue(serde_json::json!({"case": case}));
    press(window, Key::F1).await;
    until("the case to hand over", PATIENCE, || {
        counter.model().pickup_case.is_some() && !counter.model().busy
    })
    .await?;
    assert_eq!(current(window), ticket);
    let items = text_of(window, "交付清单")?;
    for item in [
        "全部结果一并交付",
        "营业执照（正、副本）（市场监管）",
        "首套印章（公安）",
        "税务 UKey（税务）",
        "社会保险登记证明（人社）",
    ] {
        assert!(items.contains(item), "{item} in {items}");
    }
    press(window, Key::F4).await;
    until("the service", PATIENCE, || {
        window.global::<CounterAdapter>().get_current().serving && !counter.model().busy
    })
    .await?;
    press(window, Key::F8).await;
    assert!(
        shows_text(window, "全部结果一并交付"),
        "in the hand-over too"
    );
    window
        .global::<CounterAdapter>()
        .set_dialog_text("本人".into());
    tap(window, "确认交付")?;
    until("the hand-over", PATIENCE, || {
        hub.hall()
            .case(&case)
            .is_some_and(|c| c.state == CaseState::Closed)
    })
    .await?;
    until("the answer", PATIENCE, || !counter.model().busy).await?;
    press(window, Key::F5).await;
    until("the rating asked", PATIENCE, || {
        counter.model().rating_for.is_some()
    })
    .await?;
    tap(window, "跳过")?;
    Ok(())
}
