//! One way to start a real hub for a test: the sample hall, a temporary
//! SQLite file, a listener on 127.0.0.1:0, and a clock the test controls.
//! `TestHub.url` is a proxy that checks every answer against the hub's
//! OpenAPI document (`contract`); a test whose requests get an answer the
//! document does not allow fails. `TestHub::start_tls` serves HTTPS with the
//! hall's own certificates instead, and `http` is a hall PC's client.

#![allow(dead_code)]

pub mod browser;
pub mod contract;
pub mod escpos;
pub mod public_events;
pub mod stream;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use yimen::config::Config;
use yimen::domain::hall::Hall;
use yimen::domain::ids::Timestamp;
use yimen::hub::Hub;
use yimen::hub::clock::ManualClock;
use yimen::hub::faces::Listen;
use yimen::tls::{Clients, TlsFiles};

pub const KIOSK: &str = "demo-kiosk";
pub const DISPLAY: &str = "demo-display";
pub const PIN: &str = "123456";

/// Monday 2 March 2026, 10:00 in Beijing: a working morning.
pub fn monday_morning() -> Timestamp {
    "2026-03-02T02:00:00Z".parse().unwrap()
}

pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config")
}

/// The sample hall, read once per test binary.
pub fn sample_config() -> Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Config::load(&sample_dir(), monday_morning().date_naive())
                .expect("the sample hall is valid")
                .0
        })
        .clone()
}

pub struct TestHub {
    pub url: String,
    pub hub: Arc<Hub>,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    /// Holds the database; dropped with the hub.
    pub dir: Arc<tempfile::TempDir>,
    /// Stands at `url`, in front of the hub, and checks its answers; none
    /// over TLS, where the client speaks to the hub itself.
    proxy: Option<contract::Proxy>,
    /// The hall's certificates, when the hub serves TLS.
    pub tls: Option<TlsFiles>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestHub {
    pub async fn start() -> Self {
        Self::start_with(
            sample_config(),
            Arc::new(ManualClock::new(monday_morning())),
        )
        .await
    }

    pub async fn start_with(config: Config, clock: Arc<ManualClock>) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::start_on(config, clock, dir).await
    }

    async fn start_on(
        config: Config,
        clock: Arc<ManualClock>,
        dir: Arc<tempfile::TempDir>,
    ) -> Self {
        Self::start_at(config, clock, dir, "127.0.0.1:0".parse().unwrap(), None).await
    }

    /// The sample hall served over TLS only, with certificates made for
    /// `127.0.0.1` by the hall's own CA; `http` shows the hall PCs'
    /// certificate and trusts that CA alone.
    pub async fn start_tls() -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let files = TlsFiles::in_config(dir.path());
        let localhost = ["127.0.0.1".parse().unwrap()];
        yimen::tls::init(
            &files,
            "测试大厅",
            &["localhost".into()],
            &localhost,
            monday_morning(),
        )
        .unwrap();
        let clock = Arc::new(ManualClock::new(monday_morning()));
        let addr = "127.0.0.1:0".parse().unwrap();
        Self::start_at(sample_config(), clock, dir, addr, Some(files)).await
    }

    async fn start_at(
        config: Config,
        clock: Arc<ManualClock>,
        dir: Arc<tempfile::TempDir>,
        addr: std::net::SocketAddr,
        tls: Option<TlsFiles>,
    ) -> Self {
        let running = yimen::hub::open(config, &dir.path().join("hall.db"), clock.clone()).unwrap();
        let hub = running.hub();
        let (stop, stopped) = oneshot::channel::<()>();
        let stopped = async {
            let _ = stopped.await;
        };
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(addr).unwrap();
        let outside = socket.listen(128).unwrap();
        let (url, proxy, http, task) = match &tls {
            Some(files) => {
                let config = yimen::tls::server_config(files, Clients::Hall).unwrap();
                let url = format!("https://{}", outside.local_addr().unwrap());
                let listen = Listen::tls(outside, config).unwrap();
                let task = tokio::spawn(running.serve_faces(listen, None, stopped));
                (url, None, hall_client(files), task)
            }
            None => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let upstream = format!("http://{}", listener.local_addr().unwrap());
                let task = tokio::spawn(running.serve(listener, stopped));
                let proxy = contract::Proxy::start(outside, upstream).await;
                (proxy.url.clone(), Some(proxy), plain_client(), task)
            }
        };
        Self {
            url,
            proxy,
            tls,
            hub,
            clock,
            http,
            dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("hall.db")
    }

    /// Stops the hub gracefully and waits until it has.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(proxy) = &self.proxy {
            proxy.signal_stop();
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        if let Some(proxy) = &mut self.proxy {
            proxy.stop().await;
        }
    }

    /// Fails the test if an answer since the last check broke the hub's
    /// OpenAPI document.
    pub fn assert_contract_kept(&self) {
        let broken = self
            .proxy
            .as_ref()
            .map(contract::Proxy::take_violations)
            .unwrap_or_default();
        assert!(
            broken.is_empty(),
            "the hub's answers break its OpenAPI document:\n{}",
            broken.join("\n")
        );
    }

    /// Stops the hub and starts a new one on the same database, clock and
    /// address.
    pub async fn restart(mut self) -> Self {
        self.stop().await;
        self.start_again().await
    }

    /// Starts a stopped hub again on the same database, clock and address.
    pub async fn start_again(&self) -> Self {
        let config = self.hub.config().clone();
        let (clock, dir, tls) = (self.clock.clone(), self.dir.clone(), self.tls.clone());
        Self::start_at(config, clock, dir, self.addr(), tls).await
    }

    /// Where the hub (or its proxy) listens.
    fn addr(&self) -> std::net::SocketAddr {
        let authority = self.url.split_once("://").map_or(&*self.url, |(_, a)| a);
        authority.parse().unwrap()
    }

    /// Starts a new hub on a new, empty database at a stopped hub's address
    /// and clock: the hall's server replaced, its event log starting over.
    pub async fn start_afresh(&self) -> Self {
        let config = self.hub.config().clone();
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::start_at(
            config,
            self.clock.clone(),
            dir,
            self.addr(),
            self.tls.clone(),
        )
        .await
    }

    /// Starts a new hub on a copy of a stopped hub's database, at a new
    /// address and on the same clock: each cell of a table test starts
    /// from the same hall, untouched by the others.
    pub async fn start_copy(&self) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let from = entry.unwrap().path();
            if from.is_file() {
                std::fs::copy(&from, dir.path().join(from.file_name().unwrap())).unwrap();
            }
        }
        let config = self.hub.config().clone();
        Self::start_on(config, self.clock.clone(), dir).await
    }

    /// The committed hall, as readers see it.
    pub fn hall(&self) -> Hall {
        self.hub.hall().clone()
    }

    /// The last sequence number in the event log.
    pub fn last_seq(&self) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))
            .unwrap()
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(secret) = auth {
            req = req.bearer_auth(secret);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        self.assert_contract_kept();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, auth: Option<&str>) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, auth, Some(body))
            .await
    }

    /// Logs a staff member in at a counter; returns the token.
    pub async fn login(&self, staff: &str, counter: Option<u32>) -> String {
        let (status, body) = self
            .post(
                "/api/v1/sessions",
                None,
                json!({"staff": staff, "pin": PIN, "counter": counter}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// The catalogue's guide of `service`.
    pub async fn guide(&self, service: &str) -> Value {
        let (_, catalogue) = self.get("/api/v1/services", None).await;
        catalogue["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == service)
            .unwrap()
            .clone()
    }

    /// Issues a ticket from the kiosk; returns the response body.
    pub async fn issue(&self, request: Value) -> Value {
        let (status, body) = self.post("/api/v1/tickets", Some(KIOSK), request).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// A counter action; returns status and body.
    pub async fn act(&self, token: &str, counter: u32, action: &str) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/counters/{counter}/{action}"),
            Some(token),
            json!({}),
        )
        .await
    }

    /// A counter action that must succeed; returns the counter view.
    pub async fn act_ok(&self, token: &str, counter: u32, action: &str) -> Value {
        let (status, body) = self.act(token, counter, action).await;
        assert_eq!(status, StatusCode::OK, "{action} at {counter}: {body}");
        body
    }
}

/// A valid resident ID number for a birth date, with its check digit.
pub fn id_number(birth: &str, serial: u32) -> String {
    let body = format!("110105{birth}{serial:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

/// A hall PC's HTTP client: the hall's CA and its client certificate.
pub fn hall_client(files: &TlsFiles) -> reqwest::Client {
    yimen::tls::http_client(Some(files))
        .unwrap()
        .build()
        .unwrap()
}

/// A plain HTTP client, for the hub on loopback.
pub fn plain_client() -> reqwest::Client {
    yimen::tls::http_client(None).unwrap().build().unwrap()
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(proxy) = &self.proxy {
            proxy.signal_stop();
        }
        if !std::thread::panicking() {
            self.assert_contract_kept();
        }
    }
}
