//! A real headless Chromium (Debian's `chromium`, installed by `.ci/run`)
//! driven over the DevTools protocol, as a phone would show a page: a
//! viewport of the phone's size, scripts run before each page's own, pages
//! opened, read, audited with axe-core and photographed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Starting a browser, or a page reconnecting through its back-off, may be
/// slow on a loaded machine.
pub const SLOW: Duration = Duration::from_secs(30);

/// The axe-core release the accessibility audits run, as
/// `scripts/fetch-axe.sh` puts it.
pub const AXE_VERSION: &str = "4.10.3";

/// One browser at a time in a test binary: pages' timing is what tests
/// measure, not two browsers sharing a loaded machine.
pub async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    BROWSER.lock().await
}

/// A headless Chromium showing one tab, killed on drop.
pub struct Browser {
    child: Child,
    page: Socket,
    next_id: u64,
    /// The browser's profile; removed on drop.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A browser whose tab is `width` × `height` CSS pixels, as a phone's
    /// screen, showing a blank page.
    pub async fn phone(width: u32, height: u32) -> Self {
        let profile = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(profile.path().join("stderr.log")).unwrap();
        let child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-breakpad",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--autoplay-policy=no-user-gesture-required",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the phone pages' test needs Chromium (apt-get install chromium)");
        let mut browser = Self {
            child,
            page: connect_page(profile.path()).await,
            next_id: 0,
            _profile: profile,
        };
        browser
            .call(
                "Emulation.setDeviceMetricsOverride",
                json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": true}),
            )
            .await;
        browser.call("Page.enable", json!({})).await;
        browser
    }

    /// Sends one DevTools command; returns its result.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let request = json!({"id": id, "method": method, "params": params});
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
                assert!(reply["error"].is_null(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// Evaluates `expression` in the page, awaiting it if it is a promise;
    /// returns its value.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
            )
            .await;
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Runs `script` in every page from now on, before the page's own.
    pub async fn before_each_page(&mut self, script: &str) {
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": script}),
        )
        .await;
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url})).await;
        let href = json!(url);
        self.until(
            &format!("{url} loads"),
            SLOW,
            &format!("location.href === {href} && document.readyState === 'complete'"),
        )
        .await;
    }

    /// Polls `condition` (a JavaScript expression) until it is true or
    /// `within` has passed; returns how long it took.
    pub async fn until(&mut self, what: &str, within: Duration, condition: &str) -> Duration {
        let started = Instant::now();
        loop {
            if self.eval(condition).await == json!(true) {
                let took = started.elapsed();
                eprintln!("{what}: {} ms", took.as_millis());
                return took;
            }
            assert!(
                started.elapsed() < within,
                "{what}: not within {within:?}; the page shows {}",
                self.eval("document.body ? document.body.innerText : ''")
                    .await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The page's serious and critical accessibility violations, by
    /// axe-core: each rule's id and the elements it found.
    pub async fn accessibility_violations(&mut self) -> Vec<Value> {
        let axe = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
            panic!(
                "axe-core {AXE_VERSION} is missing at {} ({e}): run scripts/fetch-axe.sh",
                axe_path().display()
            )
        });
        self.eval(&format!("{axe}\n;true")).await;
        let found = self
            .eval(
                "axe.run(document, {resultTypes: ['violations']}).then(function (r) {
                   return r.violations
                     .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                     .map(function (v) { return {id: v.id, impact: v.impact,
                       nodes: v.nodes.map(function (n) { return n.target.join(' '); })}; });
                 })",
            )
            .await;
        found.as_array().cloned().unwrap_or_default()
    }

    /// A PNG of what the tab shows, written to `path`.
    pub async fn screenshot(&mut self, path: &Path) {
        let shot = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where `scripts/fetch-axe.sh` puts axe-core, unless `AXE_CORE_JS` says.
pub fn axe_path() -> PathBuf {
    std::env::var_os("AXE_CORE_JS").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target")
                .join(format!("axe-core-{AXE_VERSION}"))
                .join("axe.min.js")
        },
        PathBuf::from,
    )
}

/// Finds the blank tab's DevTools socket: Chromium writes its port to
/// `DevToolsActivePort` in the profile once it listens.
async fn connect_page(profile: &Path) -> Socket {
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
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page");
        if let Some(socket) = page.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
            break socket.to_owned();
        }
        assert!(started.elapsed() < SLOW, "no page: {targets}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio_tungstenite::connect_async(socket).await.unwrap().0
}
