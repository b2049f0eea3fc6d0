//! A headless Chromium driven over the DevTools protocol, as a phone shows
//! a page: a profile of its own, tabs of a phone's size, scripts run in
//! them. `yimen bench phones` opens its sample of ticket pages with it,
//! and the phone pages' tests (`tests/common/browser.rs`) drive it too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// The names Chromium goes by on `PATH`, in the order they are tried.
pub const PROGRAMS: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Starting, or a page answering, may be slow on a loaded machine.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// What went wrong with the browser.
#[derive(Debug, thiserror::Error)]
pub enum DevToolsError {
    #[error("Chromium cannot be started: {0}")]
    Start(String),
    #[error("Chromium did not start: {0}")]
    NotStarted(String),
    #[error("the DevTools connection failed: {0}")]
    Connection(String),
    #[error("{method}: no answer within {ANSWER_WITHIN:?}")]
    NoAnswer { method: String },
    #[error("{method}: {error}")]
    Refused { method: String, error: Value },
    #[error("{expression}: {details}")]
    Exception { expression: String, details: Value },
    #[error("{what}: not within {within:?}")]
    NotWithin { what: String, within: Duration },
}

/// The first of [`PROGRAMS`] found on `PATH`.
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| PROGRAMS.map(|name| dir.join(name)))
        .find(|program| program.is_file())
}

/// A headless Chromium, killed on drop.
pub struct Chromium {
    child: Child,
    /// Where its DevTools listen, on loopback.
    port: u16,
    /// Every tab's size in CSS pixels, as a phone's screen.
    size: (u32, u32),
    /// The browser's profile; removed on drop.
    profile: tempfile::TempDir,
}

/// One tab's DevTools connection.
pub struct Tab {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Chromium {
    /// Starts `program` headless with tabs of `width` × `height` CSS
    /// pixels; returns it with its first tab, blank.
    ///
    /// # Errors
    /// The program cannot be run, or does not open its DevTools in time.
    pub async fn start(
        program: &Path,
        width: u32,
        height: u32,
    ) -> Result<(Self, Tab), DevToolsError> {
        let profile = tempfile::tempdir().map_err(|e| DevToolsError::Start(e.to_string()))?;
        let log = std::fs::File::create(profile.path().join("stderr.log"))
            .map_err(|e| DevToolsError::Start(e.to_string()))?;
        let child = Command::new(program)
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
            .map_err(|e| DevToolsError::Start(format!("{}: {e}", program.display())))?;
        let mut chromium = Self {
            child,
            port: 0,
            size: (width, height),
            profile,
        };
        chromium.port = chromium.devtools_port().await?;
        let first = chromium.first_tab().await?;
        let tab = chromium.prepare(first).await?;
        Ok((chromium, tab))
    }

    /// Opens one more tab, blank, of the browser's size.
    ///
    /// # Errors
    /// The browser refuses or its answer cannot be read.
    pub async fn new_tab(&self) -> Result<Tab, DevToolsError> {
        let url = format!("http://127.0.0.1:{}/json/new?about:blank", self.port);
        let target: Value = async { reqwest::Client::new().put(&url).send().await?.json().await }
            .await
            .map_err(|e| DevToolsError::Connection(e.to_string()))?;
        let socket = target["webSocketDebuggerUrl"]
            .as_str()
            .ok_or_else(|| DevToolsError::Connection(format!("no tab: {target}")))?;
        let tab = Tab::connect(socket).await?;
        self.prepare(tab).await
    }

    /// The port Chromium writes to `DevToolsActivePort` in its profile
    /// once it listens.
    async fn devtools_port(&self) -> Result<u16, DevToolsError> {
        let port_file = self.profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|s| s.lines().next().and_then(|l| l.parse::<u16>().ok()))
            {
                return Ok(port);
            }
            if started.elapsed() > ANSWER_WITHIN {
                let log = self.profile.path().join("stderr.log");
                return Err(DevToolsError::NotStarted(
                    std::fs::read_to_string(log).unwrap_or_default(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The blank tab the browser opened with.
    async fn first_tab(&self) -> Result<Tab, DevToolsError> {
        let list = format!("http://127.0.0.1:{}/json/list", self.port);
        let started = Instant::now();
        loop {
            let targets: Value = async { reqwest::get(&list).await?.json().await }
                .await
                .map_err(|e| DevToolsError::Connection(e.to_string()))?;
            let page = (targets.as_array().into_iter().flatten()).find(|t| t["type"] == "page");
            if let Some(socket) = page.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
                return Tab::connect(socket).await;
            }
            if started.elapsed() > ANSWER_WITHIN {
                return Err(DevToolsError::NotStarted(format!("no page: {targets}")));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Gives a tab the phone's size and page events.
    async fn prepare(&self, mut tab: Tab) -> Result<Tab, DevToolsError> {
        let (width, height) = self.size;
        tab.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": true}),
        )
        .await?;
        tab.call("Page.enable", json!({})).await?;
        Ok(tab)
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Tab {
    async fn connect(socket: &str) -> Result<Self, DevToolsError> {
        let (socket, _) = tokio_tungstenite::connect_async(socket)
            .await
            .map_err(|e| DevToolsError::Connection(e.to_string()))?;
        Ok(Self { socket, next_id: 0 })
    }

    /// Sends one DevTools command; returns its result.
    ///
    /// # Errors
    /// The connection fails, the browser does not answer in time, or it
    /// refuses the command.
    pub async fn call(&mut self, method: &str, params: Value) -> Result<Value, DevToolsError> {
        self.next_id += 1;
        let id = self.next_id;
        let request = json!({"id": id, "method": method, "params": params});
        let broken =
            |e: tokio_tungstenite::tungstenite::Error| DevToolsError::Connection(e.to_string());
        self.socket
            .send(Message::text(request.to_string()))
            .await
            .map_err(broken)?;
        loop {
            let message = tokio::time::timeout(ANSWER_WITHIN, self.socket.next())
                .await
                .map_err(|_| DevToolsError::NoAnswer {
                    method: method.to_owned(),
                })?
                .ok_or_else(|| DevToolsError::Connection("closed".into()))?
                .map_err(broken)?;
            let Message::Text(text) = message else {
                continue;
            };
            let reply: Value = serde_json::from_str(&text)
                .map_err(|e| DevToolsError::Connection(e.to_string()))?;
            if reply["id"] != id {
                continue;
            }
            if !reply["error"].is_null() {
                return Err(DevToolsError::Refused {
                    method: method.to_owned(),
                    error: reply["error"].clone(),
                });
            }
            return Ok(reply["result"].clone());
        }
    }

    /// Evaluates `expression` in the page, awaiting it if it is a promise;
    /// returns its value.
    ///
    /// # Errors
    /// As [`Tab::call`], or the expression throws.
    pub async fn eval(&mut self, expression: &str) -> Result<Value, DevToolsError> {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
            )
            .await?;
        if !result["exceptionDetails"].is_null() {
            return Err(DevToolsError::Exception {
                expression: expression.to_owned(),
                details: result["exceptionDetails"].clone(),
            });
        }
        Ok(result["result"]["value"].clone())
    }

    /// Runs `script` in every page this tab opens from now on, before the
    /// page's own.
    ///
    /// # Errors
    /// As [`Tab::call`].
    pub async fn before_each_page(&mut self, script: &str) -> Result<(), DevToolsError> {
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": script}),
        )
        .await
        .map(drop)
    }

    /// Opens `url` and waits until it has loaded.
    ///
    /// # Errors
    /// As [`Tab::call`], or the page does not load in time.
    pub async fn open(&mut self, url: &str) -> Result<(), DevToolsError> {
        self.call("Page.navigate", json!({"url": url})).await?;
        let href = json!(url);
        let loaded = format!("location.href === {href} && document.readyState === 'complete'");
        self.until(&format!("{url} loads"), ANSWER_WITHIN, &loaded)
            .await
            .map(drop)
    }

    /// Polls `condition`, a JavaScript expression, until it is true;
    /// returns how long that took.
    ///
    /// # Errors
    /// As [`Tab::eval`], or [`DevToolsError::NotWithin`] once `within`
    /// has passed.
    pub async fn until(
        &mut self,
        what: &str,
        within: Duration,
        condition: &str,
    ) -> Result<Duration, DevToolsError> {
        let started = Instant::now();
        loop {
            if self.eval(condition).await? == json!(true) {
                return Ok(started.elapsed());
            }
            if started.elapsed() >= within {
                return Err(DevToolsError::NotWithin {
                    what: what.to_owned(),
                    within,
                });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
