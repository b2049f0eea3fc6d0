//! The display wall on Slint's testing backend against a real hub: a call
//! appears newest and flashes, a recall flashes again, a wall switched on
//! later shows the calls without announcing them, after the hub restarts
//! the wall shows offline, then the next call without replaying old ones,
//! and after a hub on a new database it starts over with the new log.
//! Slint allows one such test per process, so this file is one test in steps.

#![cfg(feature = "gui")]

mod common;

use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::TestHub;
use i_slint_backend_testing::mock_elapsed_time;
use serde_json::json;
use slint::{ComponentHandle, Model};
use yimen::apps::display::{Announcer, Display, Signage, Speaker};
use yimen::apps::drive::{init_headless, text_of, until};
use yimen::config::display::DisplaySettings;
use yimen::domain::display::FLASH_SECONDS;
use yimen::ui::{DisplayAdapter, DisplayWindow};

const PATIENCE: Duration = Duration::from_secs(20);

/// A speaker that only writes down what it was asked to say.
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<String>>>);

impl Heard {
    fn said(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl Speaker for Heard {
    fn chime(&mut self) {}

    fn say(&mut self, words: &str) {
        self.0.lock().unwrap().push(words.to_owned());
    }
}

struct World {
    runtime: tokio::runtime::Runtime,
    hub: Option<TestHub>,
    settings: DisplaySettings,
    /// The clerk's token at counter 1.
    clerk: String,
}

impl World {
    fn hub(&self) -> &TestHub {
        self.hub.as_ref().expect("the hub is up")
    }

    /// A wall on `window` whose voice is written to `heard`.
    fn wall(&self, window: &DisplayWindow, heard: &Heard) -> Rc<Display> {
        let announcer = Announcer::start(heard.clone(), self.settings.voice.repeats).unwrap();
        Display::start(
            window,
            &self.settings,
            Signage::from_config(&common::sample_config()),
            Some(announcer),
            self.runtime.handle().clone(),
            self.hub().clock.clone(),
        )
    }

    /// Counter 1 serves whoever it called, if anyone, and calls the next.
    fn call_next(&self) {
        let hub = self.hub();
        self.runtime.block_on(async {
            hub.act(&self.clerk, 1, "start").await;
            hub.act(&self.clerk, 1, "finish").await;
            hub.act_ok(&self.clerk, 1, "call-next").await;
        });
    }
}

fn world() -> World {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hub = runtime.block_on(TestHub::start());
    let clerk = runtime.block_on(hub.login("1001", Some(1)));
    let mut settings = DisplaySettings::load(&common::sample_dir()).unwrap();
    settings.hub.clone_from(&hub.url);
    World {
        runtime,
        hub: Some(hub),
        settings,
        clerk,
    }
}

#[test]
fn the_wall_as_the_hall_sees_and_hears_it() {
    init_headless().unwrap();
    let mut world = world();
    let window = DisplayWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    window.show().unwrap();
    let heard = Heard::default();
    let wall = world.wall(&window, &heard);
    let outcome = Rc::new(std::cell::RefCell::new(None));
    {
        let (window, outcome) = (window.clone_strong(), outcome.clone());
        slint::spawn_local(async move {
            let result = steps(&window, &wall, &heard, &mut world).await;
            *outcome.borrow_mut() = Some(result);
            slint::quit_event_loop().unwrap();
        })
        .unwrap();
    }
    slint::run_event_loop().unwrap();
    outcome.take().expect("the steps ran").unwrap();
}

async fn steps(
    window: &DisplayWindow,
    wall: &Rc<Display>,
    heard: &Heard,
    world: &mut World,
) -> anyhow::Result<()> {
    until("the wall to catch up", PATIENCE, || {
        wall.model().board.is_live() && !wall.model().queues.is_empty()
    })
    .await?;
    assert!(
        window
            .global::<DisplayAdapter>()
            .get_waiting_for_first_call()
    );
    assert!(!window.global::<DisplayAdapter>().get_offline());
    call_and_recall(window, heard, world).await?;
    switched_on_later(world).await?;
    hub_restart(window, wall, heard, world).await?;
    new_database(window, wall, heard, world).await?;
    Ok(())
}

/// What the hall hears for the call of `number` to counter 1.
fn words(number: &str, recall: bool) -> String {
    yimen::domain::display::voice::announcement(number.parse().unwrap(), 1, recall)
}

/// Waits until the voice has said exactly `expected`.
async fn hears(heard: &Heard, expected: &[String]) -> anyhow::Result<()> {
    until("the announcements", PATIENCE, || {
        heard.said().len() >= expected.len()
    })
    .await?;
    assert_eq!(heard.said(), expected);
    Ok(())
}

/// The waiting count the wall shows for a queue, by name.
fn waiting(window: &DisplayWindow, queue: &str) -> Option<String> {
    window
        .global::<DisplayAdapter>()
        .get_queues()
        .iter()
        .find(|q| q.name == queue)
        .map(|q| q.waiting.to_string())
}

/// A call through the API is newest, flashes, and is said twice after a
/// chime; the flash ends by the wall's own clock; a recall flashes again.
async fn call_and_recall(
    window: &DisplayWindow,
    heard: &Heard,
    world: &World,
) -> anyhow::Result<()> {
    let adapter = window.global::<DisplayAdapter>();
    world.runtime.block_on(async {
        world.hub().issue(json!({"queue": "A"})).await;
        world.hub().issue(json!({"queue": "A"})).await;
    });
    until("two waiting in 企业开办", PATIENCE, || {
        waiting(window, "企业开办").as_deref() == Some("2")
    })
    .await?;
    world.call_next();
    until("A001 on the wall", PATIENCE, || {
        text_of(window, "最新叫号").is_ok_and(|n| n == "A001")
    })
    .await?;
    assert_eq!(text_of(window, "叫号窗口")?, "1号窗口");
    assert_eq!(adapter.get_newest_place(), "1号窗口 综合受理");
    assert!(adapter.get_flashing() && !adapter.get_newest_recall());
    let first = words("A001", false);
    hears(heard, &[first.clone(), first.clone()]).await?;
    until("one left waiting", PATIENCE, || {
        waiting(window, "企业开办").as_deref() == Some("1")
    })
    .await?;

    mock_elapsed_time(Duration::from_secs(u64::from(FLASH_SECONDS) - 1));
    assert!(adapter.get_flashing(), "still flashing");
    mock_elapsed_time(Duration::from_secs(2));
    assert!(!adapter.get_flashing(), "the flash is over");
    assert!(text_of(window, "重呼").is_err());

    world
        .runtime
        .block_on(world.hub().act_ok(&world.clerk, 1, "recall"));
    until("the recall to flash", PATIENCE, || adapter.get_flashing()).await?;
    assert_eq!(text_of(window, "最新叫号")?, "A001");
    assert_eq!(text_of(window, "重呼")?, "重呼");
    let recall = words("A001", true);
    hears(heard, &[first.clone(), first, recall.clone(), recall]).await?;
    assert_eq!(
        adapter.get_recent().row_count(),
        1,
        "one number, listed once"
    );
    mock_elapsed_time(Duration::from_secs(u64::from(FLASH_SECONDS)));
    assert!(!adapter.get_flashing());
    Ok(())
}

/// A wall switched on mid-morning shows the calls already made, without
/// flashing or announcing any of them.
async fn switched_on_later(world: &World) -> anyhow::Result<()> {
    let window = DisplayWindow::new()?;
    let heard = Heard::default();
    let late = world.wall(&window, &heard);
    until("the late wall to catch up", PATIENCE, || {
        late.model().board.is_live()
    })
    .await?;
    let adapter = window.global::<DisplayAdapter>();
    assert_eq!(adapter.get_newest_number(), "A001");
    assert!(adapter.get_newest_recall());
    assert!(!adapter.get_flashing());
    for _ in 0..20 {
        yimen::apps::drive::breathe().await;
    }
    assert!(heard.said().is_empty(), "{:?}", heard.said());
    Ok(())
}

/// The hub stops: the wall keeps its calls and shows a badge. It comes back:
/// the badge goes, nothing is replayed as new, and the next call is.
async fn hub_restart(
    window: &DisplayWindow,
    wall: &Rc<Display>,
    heard: &Heard,
    world: &mut World,
) -> anyhow::Result<()> {
    let adapter = window.global::<DisplayAdapter>();
    let before = heard.said();
    let mut hub = world.hub.take().expect("the hub is up");
    world.runtime.block_on(hub.stop());
    until("the offline badge", PATIENCE, || wall.model().offline).await?;
    assert!(text_of(window, "网络状态")?.contains("网络中断"));
    assert_eq!(
        text_of(window, "最新叫号")?,
        "A001",
        "the wall keeps what it had"
    );

    world.hub = Some(world.runtime.block_on(hub.start_again()));
    until("the wall back online", PATIENCE, || !wall.model().offline).await?;
    assert!(text_of(window, "网络状态").is_err(), "the badge is gone");
    assert!(!adapter.get_flashing(), "nothing replayed as new");
    assert_eq!(heard.said(), before, "nothing announced again");

    world.call_next();
    until("A002 on the wall", PATIENCE, || {
        text_of(window, "最新叫号").is_ok_and(|n| n == "A002")
    })
    .await?;
    assert!(adapter.get_flashing() && !adapter.get_newest_recall());
    let next = words("A002", false);
    let mut expected = before;
    expected.extend([next.clone(), next]);
    hears(heard, &expected).await?;
    let recent: Vec<String> = adapter
        .get_recent()
        .iter()
        .map(|c| c.number.to_string())
        .collect();
    assert_eq!(recent, ["A002", "A001"]);
    Ok(())
}

/// The hub is replaced by one on a new database, whose log ends below what
/// the wall has seen: the wall empties, then shows and says the new log's
/// first call, though its sequence is one the wall saw before.
async fn new_database(
    window: &DisplayWindow,
    wall: &Rc<Display>,
    heard: &Heard,
    world: &mut World,
) -> anyhow::Result<()> {
    let adapter = window.global::<DisplayAdapter>();
    let before = heard.said();
    let mut old = world.hub.take().expect("the hub is up");
    world.runtime.block_on(old.stop());
    until("the offline badge", PATIENCE, || wall.model().offline).await?;
    world.hub = Some(world.runtime.block_on(old.start_afresh()));
    until("the wall to start over", PATIENCE, || {
        let m = wall.model();
        !m.offline && m.board.is_live() && m.board.newest().is_none()
    })
    .await?;
    assert!(adapter.get_waiting_for_first_call());
    assert_eq!(adapter.get_recent().row_count(), 0);
    assert!(!adapter.get_flashing());

    world.clerk = world.runtime.block_on(world.hub().login("1001", Some(1)));
    world
        .runtime
        .block_on(world.hub().issue(json!({"queue": "A"})));
    world.call_next();
    until("the new log's A001 on the wall", PATIENCE, || {
        adapter.get_newest_number() == "A001" && adapter.get_flashing()
    })
    .await?;
    assert_eq!(adapter.get_recent().row_count(), 1);
    let first = words("A001", false);
    let mut expected = before;
    expected.extend([first.clone(), first]);
    hears(heard, &expected).await
}
