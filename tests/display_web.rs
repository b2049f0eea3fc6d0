//! The display wall's web page in a real headless Chromium (Debian's
//! `chromium`, installed by `.ci/run`), driven over the DevTools protocol:
//! a call made through the API appears within one second, a recall flashes
//! again, a replayed call is shown but never flashed, and after the hub
//! restarts the page shows the next call without a reload.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestHub;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use yimen::domain::display::{DisplayBoard, StreamMessage};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What a call may take from the API's answer to the screen.
const CALL_BUDGET: Duration = Duration::from_secs(1);
/// Starting a browser, or a page reconnecting through its back-off, may be slow
/// on a loaded machine; neither is what the test measures.
const SLOW: Duration = Duration::from_secs(30);

/// A headless Chromium showing one page, killed on drop.
struct Browser {
    child: Child,
    page: Socket,
    next_id: u64,
    /// The browser's profile; removed on drop.
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn open(url: &str) -> Self {
        let profile = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(profile.path().join("stderr.log")).unwrap();
        let child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-breakpad",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--autoplay-policy=no-user-gesture-required",
                "--window-size=1920,1080",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the display test needs Chromium (apt-get install chromium)");
        let mut browser = Self {
            child,
            page: connect_page(profile.path(), url).await,
            next_id: 0,
            _profile: profile,
        };
        assert_eq!(browser.eval("1 + 1").await, json!(2));
        browser
    }

    /// Evaluates `expression` in the page; returns its value.
    async fn eval(&mut self, expression: &str) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let request = json!({
            "id": id,
            "method": "Runtime.evaluate",
            "params": {"expression": expression, "returnByValue": true},
        });
        self.page
            .send(Message::text(request.to_string()))
            .await
            .unwrap();
        loop {
            let message = tokio::time::timeout(SLOW, self.page.next())
                .await
                .expect("the browser answers")
                .expect("the DevTools connection stays open")
                .unwrap();
            let Message::Text(text) = message else {
                continue;
            };
            let reply: Value = serde_json::from_str(&text).unwrap();
            if reply["id"] == id {
                assert!(reply["error"].is_null(), "{reply}");
                return reply["result"]["result"]["value"].clone();
            }
        }
    }

    /// The wall as the page shows it now.
    async fn wall(&mut self) -> Wall {
        let value = self.eval(WALL).await;
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"))
    }

    /// Polls the page until `ok` holds or `within` has passed; returns the
    /// wall and how long it took.
    async fn until(&mut self, what: &str, within: Duration, ok: impl Fn(&Wall) -> bool) -> Wall {
        let started = Instant::now();
        loop {
            let wall = self.wall().await;
            if ok(&wall) {
                eprintln!("{what}: {} ms", started.elapsed().as_millis());
                return wall;
            }
            assert!(
                started.elapsed() < within,
                "{what}: not within {within:?}; the page shows {wall:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Finds the page's DevTools socket: Chromium writes its port to
/// `DevToolsActivePort` in the profile once it listens.
async fn connect_page(profile: &Path, url: &str) -> Socket {
    let started = Instant::now();
    let port_file = profile.join("DevToolsActivePort");
    let port = loop {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|s| s.lines().next().and_then(|l| l.parse::<u16>().ok()))
        {
            break port;
        }
        assert!(
            started.elapsed() < SLOW,
            "Chromium did not start: {}",
            std::fs::read_to_string(profile.join("stderr.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let list = format!("http://127.0.0.1:{port}/json/list");
    let socket = loop {
        let targets: Value = reqwest::get(&list).await.unwrap().json().await.unwrap();
        let page =
            targets.as_array().unwrap().iter().find(|t| {
                t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url))
            });
        if let Some(socket) = page.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
            break socket.to_owned();
        }
        assert!(started.elapsed() < SLOW, "no page for {url}: {targets}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio_tungstenite::connect_async(socket).await.unwrap().0
}

/// Reads the wall from the page's DOM; `null` fields before it has loaded.
const WALL: &str = r#"(function () {
  var $ = function (id) { return document.getElementById(id); };
  if (!$('newest') || !$('recent-list')) return {};
  var box = $('newest');
  return {
    number: $('newest-number').textContent,
    counter: $('newest-counter').textContent,
    flashing: box.classList.contains('flash'),
    recall: box.classList.contains('recall'),
    flash_seq: Number(box.getAttribute('data-flash-seq')),
    announced: box.getAttribute('data-announced'),
    offline: !$('offline').hidden,
    recent: Array.prototype.map.call(document.querySelectorAll('#recent-list li[data-number]'),
      function (li) { return [li.getAttribute('data-number'), Number(li.getAttribute('data-counter'))]; }),
    waiting_a: (document.querySelector('#queue-list li[data-queue="A"] .waiting') || {}).textContent || null,
    hall: $('hall').textContent,
    notice: $('notice-track').textContent,
    same_load: window.sameLoad || null
  };
})()"#;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Wall {
    number: String,
    counter: String,
    flashing: bool,
    recall: bool,
    flash_seq: i64,
    announced: Option<String>,
    offline: bool,
    recent: Vec<(String, u32)>,
    waiting_a: Option<String>,
    hall: String,
    notice: String,
    same_load: Option<String>,
}

/// What the Rust board shows after reading the public stream from the start:
/// the page mirrors it.
async fn board_from_the_stream(hub: &TestHub) -> Vec<(String, u32)> {
    let url = format!(
        "{}/api/v1/events?since=0",
        hub.url.replace("http://", "ws://")
    );
    let mut socket = tokio_tungstenite::connect_async(url).await.unwrap().0;
    let counters = hub.hub.config().setup.counters.iter();
    let mut board = DisplayBoard::new(counters.map(|c| (c.number, c.name.clone())));
    board.connecting();
    while !board.is_live() {
        let message = tokio::time::timeout(SLOW, socket.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Message::Text(text) = message
            && let Some(message) = StreamMessage::parse(&text)
        {
            assert_eq!(board.receive(message), None, "a replay is never announced");
        }
    }
    board
        .recent()
        .map(|c| (c.number.to_string(), c.counter))
        .collect()
}

/// Calls the next ticket at counter 1 after finishing the one there, if
/// any; returns the number called.
async fn next_call(hub: &TestHub, token: &str, finish_first: bool) -> String {
    if finish_first {
        hub.act_ok(token, 1, "start").await;
        hub.act_ok(token, 1, "finish").await;
    }
    let counter = hub.act_ok(token, 1, "call-next").await;
    counter["current"]["number"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wall_shows_calls_live_flashes_recalls_and_survives_a_hub_restart() {
    let mut hub = TestHub::start().await;
    let token = hub.login("1001", Some(1)).await;
    for _ in 0..4 {
        hub.issue(json!({"queue": "A"})).await;
    }
    // Called before the wall was switched on: shown, never flashed or announced.
    let before = next_call(&hub, &token, false).await;
    assert_eq!(before, "A001");

    let mut browser = Browser::open(&format!("{}/display", hub.url)).await;
    let wall = browser
        .until("the page loads and catches up", SLOW, |w| {
            !w.offline && w.recent.len() == 1 && w.waiting_a.is_some()
        })
        .await;
    assert_eq!(wall.number, "A001");
    assert_eq!(wall.recent, [("A001".to_owned(), 1)]);
    assert!(!wall.flashing && wall.flash_seq == 0 && wall.announced.is_none());
    let config = hub.hub.config();
    assert_eq!(wall.hall, config.setup.name);
    assert!(wall.notice.contains(&config.notices[0]), "{}", wall.notice);
    assert_eq!(wall.waiting_a.as_deref(), Some("3 人"));
    browser.eval("window.sameLoad = 'yes'").await;

    // A live call: on screen, flashing and announced within a second.
    let number = next_call(&hub, &token, true).await;
    let answered = Instant::now();
    let wall = browser
        .until("a call reaches the screen", CALL_BUDGET, |w| {
            w.number == number && w.flashing
        })
        .await;
    assert!(answered.elapsed() <= CALL_BUDGET);
    assert_eq!(number, "A002");
    assert!(!wall.recall);
    assert_eq!(wall.counter, "请到 1号窗口 综合受理 办理");
    assert_eq!(
        wall.announced.as_deref(),
        Some("请 A 0 0 2 号 到 1 号窗口 办理")
    );
    assert_eq!(
        wall.recent,
        [("A002".to_owned(), 1), ("A001".to_owned(), 1)]
    );

    // A recall flashes again and says so.
    hub.act_ok(&token, 1, "recall").await;
    let recall_seq = hub.last_seq();
    let wall = browser
        .until("a recall flashes again", CALL_BUDGET, |w| {
            w.flash_seq == recall_seq && w.flashing
        })
        .await;
    assert!(wall.recall);
    assert_eq!(
        wall.announced.as_deref(),
        Some("重呼 请 A 0 0 2 号 到 1 号窗口 办理")
    );
    assert_eq!(wall.recent, board_from_the_stream(&hub).await);

    // The hub goes away and comes back on the same address.
    hub.stop().await;
    browser
        .until("the offline badge shows", SLOW, |w| w.offline)
        .await;
    let hub = hub.start_again().await;
    let wall = browser
        .until("the page reconnects", SLOW, |w| !w.offline)
        .await;
    assert_eq!(wall.number, "A002", "the wall keeps what it showed");

    let number = next_call(&hub, &token, true).await;
    let answered = Instant::now();
    let wall = browser
        .until("a call after the restart", CALL_BUDGET, |w| {
            w.number == number && w.flashing
        })
        .await;
    assert!(answered.elapsed() <= CALL_BUDGET);
    assert_eq!(number, "A003");
    assert!(!wall.recall);
    assert_eq!(
        wall.same_load.as_deref(),
        Some("yes"),
        "the page never reloaded"
    );
    assert_eq!(
        wall.recent,
        [
            ("A003".to_owned(), 1),
            ("A002".to_owned(), 1),
            ("A001".to_owned(), 1)
        ]
    );
    assert_eq!(wall.recent, board_from_the_stream(&hub).await);
    browser
        .until("the waiting count follows", SLOW, |w| {
            w.waiting_a.as_deref() == Some("1 人")
        })
        .await;
}
