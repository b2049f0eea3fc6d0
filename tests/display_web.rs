//! The display wall's web page in a real headless Chromium (Debian's
//! `chromium`, installed by `.ci/run`), driven over the DevTools protocol:
//! a call made through the API appears within one second, a recall flashes
//! again, a replayed call is shown but never flashed, after the hub
//! restarts the page shows the next call without a reload, and after a hub
//! on a new database it starts over. The page reads every public event the
//! hub writes, as the hub's own types serialize it.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestHub, public_events};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use yimen::api::{EventMessage, PublicEvent};
use yimen::client::{Client, StreamItem};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What a call may take from the API's answer to the screen.
const CALL_BUDGET: Duration = Duration::from_secs(1);
/// Starting a browser, or a page reconnecting through its back-off, may be slow
/// on a loaded machine; neither is what the test measures.
const SLOW: Duration = Duration::from_secs(30);

/// One browser at a time: the page's timing is what is measured, not two
/// browsers sharing a loaded machine.
async fn one_browser_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    BROWSER.lock().await
}

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
    counters: Array.prototype.map.call(document.querySelectorAll('#counter-list li'),
      function (li) { return [li.querySelector('.name').textContent, li.querySelector('.state').textContent]; }),
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
    /// Each counter's name and what it shows.
    counters: Vec<(String, String)>,
    hall: String,
    notice: String,
    same_load: Option<String>,
}

impl Wall {
    /// What a counter shows, by its name.
    fn counter(&self, name: &str) -> &str {
        self.counters
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, state)| state.as_str())
    }
}

/// The calls on the public stream from its start, newest first and each
/// number once at its last counter: what the wall's list must show.
async fn calls_on_the_stream(hub: &TestHub) -> Vec<(String, u32)> {
    let mut stream = Client::new(&hub.url).subscribe_public(0).await.unwrap();
    let mut calls: Vec<(String, u32)> = Vec::new();
    loop {
        let item = tokio::time::timeout(SLOW, stream.next())
            .await
            .expect("the stream answers")
            .unwrap()
            .expect("the stream stays open");
        let (number, counter) = match item {
            StreamItem::CaughtUp(_) => return calls,
            StreamItem::Event(EventMessage {
                event:
                    PublicEvent::TicketCalled {
                        number, counter, ..
                    }
                    | PublicEvent::TicketRecalled {
                        number, counter, ..
                    },
                ..
            }) => (number, counter),
            StreamItem::Event(_) => continue,
            StreamItem::Unreadable(seq) => panic!("event {seq} unreadable"),
        };
        calls.retain(|(n, _)| *n != number);
        calls.insert(0, (number, counter));
    }
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
    let _one = one_browser_at_a_time().await;
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
    assert_eq!(wall.recent, calls_on_the_stream(&hub).await);

    // The hub goes away and comes back on the same address.
    hub.stop().await;
    browser
        .until("the offline badge shows", SLOW, |w| w.offline)
        .await;
    let mut hub = hub.start_again().await;
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
    assert_eq!(wall.recent, calls_on_the_stream(&hub).await);
    browser
        .until("the waiting count follows", SLOW, |w| {
            w.waiting_a.as_deref() == Some("1 人")
        })
        .await;

    hub.stop().await;
    starts_over_with_a_new_database(&mut browser, &hub).await;
}

/// The hub, stopped, is replaced by one on a new database: its log ends
/// below what the wall has seen, and the wall starts over with it, without
/// a reload, and shows the new log's first call.
async fn starts_over_with_a_new_database(browser: &mut Browser, old: &TestHub) {
    browser
        .until("the offline badge shows", SLOW, |w| w.offline)
        .await;
    let hub = old.start_afresh().await;
    let wall = browser
        .until("the wall starts over", SLOW, |w| {
            !w.offline && w.recent.is_empty()
        })
        .await;
    assert_eq!(wall.number, "等候叫号");
    assert!(!wall.flashing);

    let token = hub.login("1001", Some(1)).await;
    hub.issue(json!({"queue": "A"})).await;
    let number = next_call(&hub, &token, false).await;
    assert_eq!(number, "A001", "the new day's numbering");
    let answered = Instant::now();
    let wall = browser
        .until("the new log's first call", CALL_BUDGET, |w| {
            w.number == number && w.flashing
        })
        .await;
    assert!(answered.elapsed() <= CALL_BUDGET);
    assert_eq!(wall.recent, [("A001".to_owned(), 1)]);
    assert_eq!(
        wall.announced.as_deref(),
        Some("请 A 0 0 1 号 到 1 号窗口 办理")
    );
    assert_eq!(wall.same_load.as_deref(), Some("yes"));
}

/// What the wall shows after each public sample, in order: the newest
/// number, whether it is a recall, what counter 2 shows, and the words
/// announced last.
const AFTER: [(&str, bool, &str, Option<&str>); public_events::KINDS] = [
    ("等候叫号", false, "空闲", None),
    ("等候叫号", false, "暂停服务 午休", None),
    ("等候叫号", false, "空闲", None),
    ("等候叫号", false, "空闲", None),
    ("A001", false, "A001 办理中", Some(CALL)),
    ("A001", false, "空闲", Some(CALL)),
    ("A001", false, "空闲", Some(CALL)),
    ("A001", true, "A001 办理中", Some(RECALL)),
    ("A001", true, "空闲", Some(RECALL)),
    ("A001", true, "B001 办理中", Some(RECALL)),
    ("A001", true, "空闲", Some(RECALL)),
    ("A001", true, "未开放", Some(RECALL)),
    ("等候叫号", false, "未开放", Some(RECALL)),
];
const CALL: &str = "请 A 0 0 1 号 到 2 号窗口 办理";
const RECALL: &str = "重呼 请 A 0 0 1 号 到 2 号窗口 办理";
const COUNTER_2: &str = "2号窗口 综合受理";

/// Whether a JSON value is of the type the page's table names for it.
fn fits(value: &Value, js_type: &str) -> bool {
    let (base, nullable) = js_type
        .strip_suffix('?')
        .map_or((js_type, false), |base| (base, true));
    (nullable && value.is_null())
        || match base {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => false,
        }
}

/// The page's table of each kind's fields is the hub's `PublicEvent`,
/// field for field and type for type, and lists no kind the hub never sends.
fn same_shape(page: &Value, samples: &[PublicEvent]) {
    let page = page.as_object().expect("the page's table of fields");
    for sample in samples {
        let wire = serde_json::to_value(sample).unwrap();
        let kind = wire["kind"].as_str().unwrap();
        let expected = page[kind]
            .as_object()
            .unwrap_or_else(|| panic!("the page does not know {kind}"));
        let fields: BTreeMap<&String, &Value> = wire
            .as_object()
            .unwrap()
            .iter()
            .filter(|(name, _)| *name != "kind")
            .collect();
        assert_eq!(
            fields.keys().copied().collect::<BTreeSet<_>>(),
            expected.keys().collect::<BTreeSet<_>>(),
            "{kind}: the hub's fields, then the page's"
        );
        for (name, value) in fields {
            let js_type = expected[name].as_str().unwrap();
            assert!(
                fits(value, js_type),
                "{kind}.{name} = {value} is not {js_type}"
            );
        }
    }
    assert_eq!(
        page.len(),
        samples.len(),
        "the page knows a kind the hub never sends"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reads_every_public_event_as_the_hub_writes_it() {
    let _one = one_browser_at_a_time().await;
    let hub = TestHub::start().await;
    let mut browser = Browser::open(&format!("{}/display", hub.url)).await;
    browser
        .until("the page loads and catches up", SLOW, |w| {
            !w.offline && w.waiting_a.is_some()
        })
        .await;
    let samples = public_events::samples();
    let kinds: BTreeSet<usize> = samples.iter().map(public_events::kind_of).collect();
    assert_eq!(
        kinds,
        (0..public_events::KINDS).collect(),
        "one sample of each kind"
    );
    same_shape(&browser.eval("window.yimenDisplay.fields").await, &samples);

    for (i, (sample, expected)) in samples.into_iter().zip(AFTER).enumerate() {
        let message = EventMessage {
            seq: i64::try_from(i + 1).unwrap(),
            at: public_events::at(),
            actor: None,
            event: sample,
        };
        let text = serde_json::to_string(&message).unwrap();
        let take = format!("window.yimenDisplay.take({})", json!(text));
        assert_eq!(
            browser.eval(&take).await,
            json!(true),
            "the page refused {text}"
        );
        let wall = browser.wall().await;
        let shown = (
            wall.number.as_str(),
            wall.recall,
            wall.counter(COUNTER_2),
            wall.announced.as_deref(),
        );
        assert_eq!(shown, expected, "after {text}");
    }
    assert!(
        browser.wall().await.recent.is_empty(),
        "a new day clears the list"
    );
}
