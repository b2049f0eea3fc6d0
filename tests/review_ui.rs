//! The back office on Slint's testing backend against a real hub, after a
//! morning's work at the counters: a front-desk clerk is sent to the counter
//! terminal; a reviewer's inbox by deadline with red cards, a case's
//! applicant and its history, claim and approve; the supervisor's
//! hall, an extension approved and a bad review rectified; a correction.
//! Slint allows one such test per process, so this file is one test in steps.

#![cfg(feature = "gui")]

mod common;

use std::rc::Rc;
use std::time::Duration;

use common::TestHub;
use slint::{ComponentHandle, Model};
use yimen::apps::drive::{
    enabled, init_headless, shows_button, shows_text, tap, text_of, texts, until,
};
use yimen::apps::review::{Page, Review};
use yimen::apps::scene::{Scene, office_morning};
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
    Ok(())
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
            .is_some_and(|c| c.extension.as_ref().and_then(|e| e.approved) == Some(true))
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
