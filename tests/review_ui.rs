//! The back office on Slint's testing backend against a real hub, after a
//! morning's work at the counters: a front-desk clerk is sent to the counter
//! terminal; a reviewer's inbox by deadline with red cards, a case's
//! applicant and its history, claim and approve; the supervisor's
//! hall, an extension approved and a bad review rectified; a correction.
//! Then, against a second hub after some weeks of 一件事 cases: a
//! department's own task and not another's, the lead department's word on
//! a rejection, the supervisor's figures per department and a bundle's
//! tasks. Slint allows one such test per process, so this file is one test
//! in steps.

#![cfg(feature = "gui")]

mod common;

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use common::TestHub;
use slint::{ComponentHandle, Model};
use yimen::api::ExtensionRequest;
use yimen::apps::drive::{
    enabled, init_headless, shows_button, shows_text, tap, text_of, texts, until,
};
use yimen::apps::review::{Page, Review};
use yimen::apps::scene::{BundleScene, Scene, bundle_weeks, office_morning, staff};
use yimen::clock::ManualClock;
use yimen::domain::bundle::TaskState;
use yimen::domain::case::CaseState;
use yimen::ui::{CaseCard, ReviewAdapter, ReviewWindow};

const PATIENCE: Duration = Duration::from_secs(20);

struct World {
    runtime: tokio::runtime::Runtime,
    hub: TestHub,
    scene: Scene,
}

impl World {
    fn state(&self, case: &str) -> Option<CaseState> {
        self.hub.hall().case(case).map(|c| c.state)
    }
}

#[test]
fn the_back_office_as_reviewers_and_supervisors_use_it() {
    init_headless().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hub = runtime.block_on(TestHub::start());
    let scene = runtime
        .block_on(office_morning(&hub.url, "demo-kiosk"))
        .unwrap();
    let world = World {
        runtime,
        hub,
        scene,
    };
    let window = ReviewWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.show().unwrap();
    let review = Review::start(
        &window,
        yimen::client::Client::new(&world.hub.url),
        world.runtime.handle().clone(),
        world.hub.clock.clone(),
    );
    let outcome = Rc::new(std::cell::RefCell::new(None));
    {
        let (window, outcome) = (window.clone_strong(), outcome.clone());
        slint::spawn_local(async move {
            let result = steps(&window, &review, &world).await;
            *outcome.borrow_mut() = Some(result);
            slint::quit_event_loop().unwrap();
        })
        .unwrap();
    }
    slint::run_event_loop().unwrap();
    outcome.take().expect("the steps ran").unwrap();
}

async fn steps(window: &ReviewWindow, review: &Rc<Review>, world: &World) -> anyhow::Result<()> {
    wrong_desk(window, review).await?;
    reviewer(window, review, world).await?;
    admin(window, review).await?;
    supervisor(window, review, world).await?;
    correction(window, review, world).await?;
    bundles(world).await
}

async fn log_in(window: &ReviewWindow, review: &Rc<Review>, staff: &str) -> anyhow::Result<()> {
    let a = window.global::<ReviewAdapter>();
    a.set_staff_id(staff.into());
    a.set_pin("123456".into());
    tap(window, "登录")?;
    until("the hub's answer", PATIENCE, || !review.model().busy).await
}

async fn log_out(window: &ReviewWindow, review: &Rc<Review>) -> anyhow::Result<()> {
    tap(window, "退出登录")?;
    until("the login page", PATIENCE, || {
        review.model().page == Page::Login
    })
    .await
}

/// A front-desk clerk is told to use the counter terminal.
async fn wrong_desk(window: &ReviewWindow, review: &Rc<Review>) -> anyhow::Result<()> {
    log_in(window, review, "1003").await?;
    assert_eq!(review.model().page, Page::Login);
    assert!(text_of(window, "登录提示")?.contains("窗口终端"));
    Ok(())
}

/// The inbox by deadline with cards; a case's detail; claim and approve;
/// a correction listing everything to fix.
async fn reviewer(window: &ReviewWindow, review: &Rc<Review>, world: &World) -> anyhow::Result<()> {
    let scene = &world.scene;
    // Two working days on, the one-day promises are overdue: red cards.
    world.hub.clock.advance(chrono::Duration::days(2));
    world.runtime.block_on(world.hub.hub.tick())?;
    log_in(window, review, "2001").await?;
    assert_eq!(review.model().page, Page::Inbox);
    until("the inbox", PATIENCE, || review.model().cases.len() == 2).await?;
    // The header names the reviewer's department, not its code.
    until("the department's name", PATIENCE, || {
        window
            .global::<ReviewAdapter>()
            .get_staff_name()
            .ends_with("市场监督管理局")
    })
    .await?;
    let rows: Vec<_> = window
        .global::<ReviewAdapter>()
        .get_cases()
        .iter()
        .collect();
    let numbers: Vec<String> = rows.iter().map(|r| r.number.to_string()).collect();
    assert!(
        numbers.contains(&scene.unclaimed) && numbers.contains(&scene.extending),
        "{numbers:?}"
    );
    assert!(
        !numbers.contains(&scene.ready),
        "approved cases have left the inbox"
    );
    assert!(
        rows.iter()
            .all(|r| r.card == CaseCard::Red && r.clock_runs && r.days_left < 0),
        "overdue cases carry red cards"
    );
    assert!(shows_text(window, "超期"), "and say so");

    tap(window, &scene.unclaimed)?;
    until("the case and its history", PATIENCE, || {
        review.model().selected.is_some() && !review.model().history.is_empty()
    })
    .await?;
    let shown = texts(window);
    assert!(shown.iter().any(|t| t == "申请人"), "{shown:?}");
    // The reviewer decides on the applicant's identity and sees the whole ID
    // number; the front desk sees it masked (tests/counter_ui.rs).
    let applicant = shown.iter().find(|t| t.contains("陈志强"));
    assert!(
        applicant.is_some_and(|a| a.contains("320502198506120")),
        "{applicant:?}"
    );
    assert!(
        shown
            .iter()
            .any(|h| h.contains("窗口收件") && h.contains("1002")),
        "the history shows the acceptance"
    );

    // The English switch: labels, and the words built from the case.
    tap(window, "English")?;
    let shown = texts(window);
    assert!(shown.iter().any(|t| t == "Case"), "{shown:?}");
    assert!(shows_text(window, "working days overdue"));
    assert!(!shows_text(window, "超期"));
    assert!(shows_button(window, "Claim") && !shows_button(window, "认领"));
    tap(window, "中文")?;
    assert!(shows_button(window, "认领"));

    tap(window, "认领")?;
    until("claimed", PATIENCE, || {
        world.state(&scene.unclaimed) == Some(CaseState::InReview)
    })
    .await?;
    until("the claim shown", PATIENCE, || {
        window.global::<ReviewAdapter>().get_can_decide() && !review.model().busy
    })
    .await?;
    tap(window, "批准")?;
    until("approved", PATIENCE, || {
        world.state(&scene.unclaimed) == Some(CaseState::Approved)
    })
    .await?;
    until("the inbox again", PATIENCE, || {
        review.model().cases.len() == 1
    })
    .await?;
    until("the answer shown", PATIENCE, || {
        text_of(window, "操作提示").is_ok_and(|t| t.contains("已批准"))
    })
    .await?;
    log_out(window, review).await
}

/// Back with the reviewer: a correction listing everything to fix at once;
/// the clock stops.
async fn correction(
    window: &ReviewWindow,
    review: &Rc<Review>,
    world: &World,
) -> anyhow::Result<()> {
    let scene = &world.scene;
    log_in(window, review, "2001").await?;
    until("the inbox", PATIENCE, || review.model().cases.len() == 1).await?;
    tap(window, &scene.extending)?;
    until("the case", PATIENCE, || {
        review
            .model()
            .selected
            .as_ref()
            .is_some_and(|c| c.number == scene.extending)
            && !review.model().busy
    })
    .await?;
    assert!(
        !enabled(window, "申请延期")?,
        "an extension was granted already: there is no second"
    );
    assert!(enabled(window, "要求补正")? && enabled(window, "批准")?);
    window
        .global::<ReviewAdapter>()
        .set_reason("补充股东会决议；章程第五条签字".into());
    tap(window, "要求补正")?;
    until("the correction", PATIENCE, || {
        world.state(&scene.extending) == Some(CaseState::Correction)
    })
    .await?;
    let case = world
        .hub
        .hall()
        .case(&scene.extending)
        .cloned()
        .expect("the case");
    let listed = format!("{case:?}");
    assert!(
        listed.contains("补充股东会决议") && listed.contains("章程第五条签字"),
        "every item listed at once"
    );
    log_out(window, review).await
}

/// An admin watches the hall as a supervisor does, but extensions are the
/// supervisors' to grant: the buttons say so before the hub has to.
async fn admin(window: &ReviewWindow, review: &Rc<Review>) -> anyhow::Result<()> {
    log_in(window, review, "9901").await?;
    assert_eq!(review.model().page, Page::Supervisor);
    until("the hall", PATIENCE, || {
        review.model().supervision.is_some()
    })
    .await?;
    let a = window.global::<ReviewAdapter>();
    assert_eq!(
        a.get_extensions().row_count(),
        1,
        "the admin sees it pending"
    );
    assert!(!enabled(window, "批准延期")? && !enabled(window, "驳回")?);
    assert_eq!(a.get_rectifications().row_count(), 1);
    assert!(
        !enabled(window, "回访满意")?,
        "rectifications are closed by supervisors"
    );
    log_out(window, review).await
}

/// The whole hall: counters and queues, the extension to approve, the bad
/// review rectified with a note and the citizen's verdict.
async fn supervisor(
    window: &ReviewWindow,
    review: &Rc<Review>,
    world: &World,
) -> anyhow::Result<()> {
    // The business days moved on and ended the morning's sessions; a clerk
    // opens counter 2 today.
    world.runtime.block_on(world.hub.login("1002", Some(2)));
    log_in(window, review, "9001").await?;
    assert_eq!(review.model().page, Page::Supervisor);
    until("the hall", PATIENCE, || {
        review.model().supervision.is_some() && !review.model().counters.is_empty()
    })
    .await?;
    let a = window.global::<ReviewAdapter>();
    let row = |name: &str| a.get_counters().iter().find(|c| c.name.starts_with(name));
    let clerk = world
        .hub
        .hub
        .config()
        .setup
        .staff
        .iter()
        .find(|s| s.id.to_string() == "1002")
        .map(|s| s.name.clone())
        .expect("1002 in the sample hall");
    assert!(
        row("2号窗口").is_some_and(|c| !c.closed && c.staff == clerk && c.ticket.is_empty()),
        "1002 is at counter 2, free"
    );
    assert!(shows_text(window, &format!("{clerk} 空闲")));
    assert!(row("3号窗口").is_some_and(|c| c.closed));
    assert!(a.get_queues().iter().any(|q| q.name.contains("企业开办")));
    assert!(shows_text(window, "企业开办：等候"));
    assert_eq!(a.get_extensions().row_count(), 1);
    assert_eq!(
        a.get_extensions().row_data(0).map(|c| c.number.to_string()),
        Some(world.scene.extending.clone())
    );
    tap(window, "批准延期")?;
    until("the extension approved", PATIENCE, || {
        world
            .hub
            .hall()
            .case(&world.scene.extending)
            .is_some_and(|c| c.review.extension.as_ref().and_then(|e| e.approved) == Some(true))
            && review
                .model()
                .supervision
                .as_ref()
                .is_some_and(|s| s.extensions_pending.is_empty())
            && !review.model().busy
    })
    .await?;

    assert_eq!(a.get_rectifications().row_count(), 1);
    let rect = a.get_rectifications().row_data(0).expect("the bad review");
    assert!(rect.comment.contains("等候太久"), "{}", rect.comment);
    assert!(shows_text(window, "窗口解释不清楚 · 2号窗口"));
    a.set_note("已约谈窗口人员，增开午间窗口".into());
    tap(window, "回访满意")?;
    until("rectified", PATIENCE, || {
        review
            .model()
            .supervision
            .as_ref()
            .is_some_and(|s| s.rectifications.is_empty())
    })
    .await?;
    let closed: i64 = rusqlite::Connection::open(world.hub.db())?.query_row(
        "SELECT COUNT(*) FROM events WHERE kind = 'rectification_closed' AND payload LIKE '%增开午间窗口%' AND actor = 'staff:9001'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(closed, 1, "closed with the note, by the supervisor");
    log_out(window, review).await
}

/// A second hub, after some weeks of 一件事 cases up to Monday 2 March 2026,
/// and a back office of its own.
async fn bundles(world: &World) -> anyhow::Result<()> {
    let weeks_before: yimen::domain::ids::Timestamp = "2026-01-12T01:30:00Z".parse()?;
    let hub = world.runtime.block_on(TestHub::start_with(
        common::sample_config(),
        Arc::new(ManualClock::new(weeks_before)),
    ));
    let scene = world
        .runtime
        .block_on(bundle_weeks(&hub.url, "demo-kiosk", &hub.clock))?;
    hub.clock.set("2026-03-02T01:30:00Z".parse()?);
    let window = ReviewWindow::new()?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.show()?;
    let review = Review::start(
        &window,
        yimen::client::Client::new(&hub.url),
        world.runtime.handle().clone(),
        hub.clock.clone(),
    );
    let bundle = BundleWorld { world, hub, scene };
    own_task(&window, &review, &bundle).await?;
    lead_decision(&window, &review, &bundle).await?;
    efficiency(&window, &review, &bundle).await?;
    bundle.hub.assert_contract_kept();
    Ok(())
}

struct BundleWorld<'a> {
    world: &'a World,
    hub: TestHub,
    scene: BundleScene,
}

impl BundleWorld<'_> {
    /// The state of `department`'s task in the open (or last) stage of `case`.
    fn task(&self, case: &str, department: &str) -> Option<TaskState> {
        let hall = self.hub.hall();
        let bundle = hall.case(case)?.bundle.clone()?;
        (bundle.tasks())
            .filter(|(_, t)| t.department == department && t.state != TaskState::Waiting)
            .map(|(_, t)| t.state)
            .last()
    }
}

/// Opens the case numbered so, and waits for it and its history.
async fn open(window: &ReviewWindow, review: &Rc<Review>, number: &str) -> anyhow::Result<()> {
    tap(window, number)?;
    opened(review, number).await
}

/// Waits for the case numbered so and its history.
async fn opened(review: &Rc<Review>, number: &str) -> anyhow::Result<()> {
    until("the case and its history", PATIENCE, || {
        let m = review.model();
        m.selected.as_ref().is_some_and(|c| c.number == number) && !m.history.is_empty() && !m.busy
    })
    .await
}

/// 税务's reviewer sees the business opening's stage and their own task —
/// its name, due date, card and materials — never another department's,
/// and claims and approves it: their task alone is done.
async fn own_task(
    window: &ReviewWindow,
    review: &Rc<Review>,
    bundle: &BundleWorld<'_>,
) -> anyhow::Result<()> {
    let opening = &bundle.scene.opening;
    log_in(window, review, "2002").await?;
    until("the inbox", PATIENCE, || review.model().cases.len() == 1).await?;
    let row = window
        .global::<ReviewAdapter>()
        .get_cases()
        .row_data(0)
        .expect("the opening's row");
    assert_eq!(row.number.as_str(), opening);
    assert_eq!((row.stage_no, row.stages), (1, 1));
    assert!(row.has_task && row.task.name.starts_with("新办纳税人套餐"));
    // Opened on Friday 27 February for two working days, Saturday 28th a
    // make-up day: due today, the last day, a yellow card; the case's
    // promise (three days) is tomorrow.
    assert_eq!(
        (row.task.due.as_str(), row.task.days_left, row.task.card),
        ("2026-03-02", 0, CaseCard::Yellow)
    );
    assert_eq!(row.due.as_str(), "2026-03-03");
    assert!(shows_text(window, "第 1/1 阶段 · 并联办理"));
    assert!(shows_text(window, "本部门：新办纳税人套餐"));
    open(window, review, opening).await?;
    let shown = texts(window);
    let showing = |part: &str| shown.iter().any(|t| t.contains(part));
    assert!(showing("牵头部门 市场监管"), "{shown:?}");
    assert!(showing(
        "新办纳税人套餐（税务登记、数电发票开通）（税务）· 待认领"
    ));
    assert!(showing(
        "✓企业开办综合申请表；✓法定代表人、股东（投资人）身份证件"
    ));
    assert!(showing("税务 UKey"), "the task's result");
    for theirs in [
        "核发营业执照",
        "公章刻制备案",
        "单位参保登记",
        "营业执照（正、副本）",
    ] {
        assert!(
            !showing(theirs),
            "{theirs} is another department's: {shown:?}"
        );
    }
    assert!(showing("窗口收件"), "the case's own steps");
    // 市场监管's steps, for context, without who took them.
    let theirs: Vec<&String> = shown.iter().filter(|t| t.contains("市场监管 · ")).collect();
    assert!(theirs.iter().any(|t| t.contains("批准")), "{shown:?}");
    assert!(theirs.iter().all(|t| !t.contains("2001")), "{theirs:?}");
    assert!(!shows_button(window, "协调后通过"));
    assert!(enabled(window, "认领")? && !enabled(window, "批准")?);
    tap(window, "认领")?;
    until("claimed and shown", PATIENCE, || {
        bundle.task(opening, "sw") == Some(TaskState::InReview)
            && window.global::<ReviewAdapter>().get_can_decide()
            && !review.model().busy
    })
    .await?;
    tap(window, "批准")?;
    until("approved", PATIENCE, || {
        bundle.task(opening, "sw") == Some(TaskState::Approved)
    })
    .await?;
    until("the answer shown", PATIENCE, || {
        text_of(window, "操作提示").is_ok_and(|t| t.contains("本部门任务已通过"))
    })
    .await?;
    let case = bundle.hub.hall().case(opening).map(|c| c.state);
    assert_eq!(
        case,
        Some(CaseState::InReview),
        "公安 and 人社 still have it"
    );
    log_out(window, review).await
}

/// 发改 leads the disputed project's first stage: only there, and only
/// while 自然资源's rejection waits, it sees that task with its reason and
/// the two buttons; it overrules after coordinating, and the task counts
/// as done.
async fn lead_decision(
    window: &ReviewWindow,
    review: &Rc<Review>,
    bundle: &BundleWorld<'_>,
) -> anyhow::Result<()> {
    let scene = &bundle.scene;
    log_in(window, review, "2006").await?;
    until("the inbox", PATIENCE, || review.model().cases.len() == 2).await?;
    open(window, review, &scene.project).await?;
    assert!(shows_text(window, "节能审查"), "its own late task");
    // Due on Friday 27 February; Saturday 28th was a make-up working day.
    assert!(shows_text(
        window,
        "承诺 10 个工作日 · 2026-02-27 前 · 超期 2 个工作日"
    ));
    assert!(shows_text(window, "第2阶段开始"), "the timeline's stages");
    assert!(!shows_button(window, "协调后通过") && !shows_button(window, "维持驳回"));
    open(window, review, &scene.disputed).await?;
    assert!(
        shows_text(
            window,
            "自然资源（用地预审与选址意见书、建设用地规划许可证）不予许可：选址位于生态保护红线内"
        ),
        "{:?}",
        texts(window)
    );
    assert!(enabled(window, "协调后通过")? && enabled(window, "维持驳回")?);
    window
        .global::<ReviewAdapter>()
        .set_reason("经协调，调整选址后符合国土空间规划".into());
    tap(window, "协调后通过")?;
    until("overruled", PATIENCE, || {
        bundle.task(&scene.disputed, "zrzy") == Some(TaskState::Overruled)
    })
    .await?;
    until("the buttons gone", PATIENCE, || {
        !review.model().busy && !shows_button(window, "协调后通过")
    })
    .await?;
    assert!(shows_text(window, "已协调通过"));
    let case = bundle.hub.hall().case(&scene.disputed).map(|c| c.state);
    assert!(
        matches!(case, Some(CaseState::Accepted | CaseState::InReview)),
        "发改's own task still waits: {case:?}"
    );
    log_out(window, review).await
}

/// The supervisor's 效能监察: each department's tasks open, overdue, on time
/// and late; the business opening's share within its promise; a bundle
/// case's every task; an extension asked by 人社 named so.
async fn efficiency(
    window: &ReviewWindow,
    review: &Rc<Review>,
    bundle: &BundleWorld<'_>,
) -> anyhow::Result<()> {
    let opening = &bundle.scene.opening;
    let rs = bundle
        .world
        .runtime
        .block_on(staff(&bundle.hub.url, "2007", None))?;
    let extension = ExtensionRequest {
        days: 2,
        reason: "参保人员信息需核实".into(),
    };
    bundle.world.runtime.block_on(async {
        rs.claim(opening).await?;
        rs.request_extension(opening, &extension).await
    })?;
    log_in(window, review, "9001").await?;
    until("the hall", PATIENCE, || {
        review.model().supervision.is_some()
    })
    .await?;
    tap(window, "效能监察")?;
    let a = window.global::<ReviewAdapter>();
    let row = |name: &str| a.get_departments().iter().find(|d| d.name == name);
    let counts = |name: &str| row(name).map(|d| (d.open, d.overdue, d.on_time, d.late));
    // 税务: the late opening decided two weeks after its due date, the other
    // two on time. 发改: the project's 节能审查 overdue, the disputed
    // project's 备案 open and due today, the project's 备案 done on time.
    // 公安 and 人社: the Friday's opening overdue since Saturday's make-up day.
    assert_eq!(counts("税务"), Some((0, 0, 2, 1)));
    assert_eq!(counts("发改"), Some((2, 1, 1, 0)));
    assert_eq!(counts("公安"), Some((1, 1, 2, 0)));
    assert_eq!(counts("人社"), Some((1, 1, 2, 0)));
    assert_eq!(counts("市场监管"), Some((0, 0, 3, 0)));
    assert!(shows_text(window, "其中超期") && shows_text(window, "用时中位数"));
    let opening_share = a
        .get_bundles()
        .iter()
        .find(|b| b.service == "开办企业一件事")
        .map(|b| (b.finished, b.within, b.share, b.open));
    assert_eq!(opening_share, Some((2, 1, 50, 1)));
    assert!(shows_text(window, "按期办结 1/2（50%）"));
    tap(window, "大厅")?;
    assert!(shows_text(window, "人社申请延期"), "{:?}", texts(window));
    // Listed twice, with its card and its extension: either opens it.
    a.invoke_select(opening.into());
    opened(review, opening).await?;
    for task in [
        "核发营业执照",
        "公章刻制备案",
        "新办纳税人套餐",
        "单位参保登记",
    ] {
        assert!(shows_text(window, task), "every task: {task}");
    }
    assert!(shows_text(
        window,
        "第 1 阶段 · 人社 · 单位参保登记 · 审查中"
    ));
    tap(window, "返回")?;
    until("the hall again", PATIENCE, || {
        review.model().selected.is_none()
    })
    .await?;
    tap(window, "批准延期")?;
    until("the extension approved", PATIENCE, || {
        bundle.hub.hall().case(opening).is_some_and(|c| {
            (c.bundle.as_ref().into_iter())
                .flat_map(|b| b.tasks())
                .any(|(_, t)| {
                    t.department == "rs"
                        && t.review.extension.as_ref().and_then(|e| e.approved) == Some(true)
                })
        })
    })
    .await?;
    log_out(window, review).await
}
