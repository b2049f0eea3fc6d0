//! `yimen demo`, the real binary. On a machine with no screen it starts the
//! hub on a fresh SQLite file with the sample hall, says why it opens no
//! windows, prints the addresses, serves the web display wall and the API,
//! and stops cleanly on SIGTERM. On a screen (a virtual X server, `Xvfb`,
//! installed by `.ci/run` with `xwininfo`) it opens its three windows and
//! closes them all on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
#[cfg(feature = "gui")]
use std::time::{Duration, Instant};

#[tokio::test]
async fn the_demo_without_a_screen_serves_the_hub_and_the_web_wall() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["demo", "--listen", "127.0.0.1:0", "--config"])
        .arg(common::sample_dir())
        .arg("--db")
        .arg(&db)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let url = loop {
        let line = out.next().expect("the demo printed its addresses").unwrap();
        said.push(line.clone());
        if let Some(rest) = line.trim().strip_prefix("服务端 hub:") {
            break rest.trim().to_owned();
        }
    };
    let wall_line = out.next().unwrap().unwrap();
    assert!(wall_line.contains(&format!("{url}/display")), "{wall_line}");
    let rest: Vec<String> = out.by_ref().take(5).map(Result::unwrap).collect();
    let said = [said, vec![wall_line], rest].concat().join("\n");
    assert!(
        said.contains("没有图形显示"),
        "it says why no windows open:\n{said}"
    );
    assert!(
        said.contains("demo-kiosk") && said.contains("1001"),
        "{said}"
    );

    let http = yimen::tls::http_client(None).unwrap().build().unwrap();
    let page = http.get(format!("{url}/display")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<html") && html.contains("/api/v1/events"),
        "the live wall page"
    );
    let ticket: serde_json::Value = http
        .post(format!("{url}/api/v1/tickets"))
        .bearer_auth("demo-kiosk")
        .json(&serde_json::json!({"queue": "A"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ticket["number"], "A001", "a fresh hall");

    terminate(&child);
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean stop: {status}");
    assert!(db.exists(), "the hall is kept on its SQLite file");
}

/// Sends SIGTERM to a child.
fn terminate(child: &Child) {
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
}

/// A virtual X server on a display number it chose, stopped when dropped.
#[cfg(feature = "gui")]
struct VirtualScreen {
    server: Child,
    display: String,
}

#[cfg(feature = "gui")]
impl VirtualScreen {
    fn start() -> Self {
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1920x1080x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the windowed demo test needs Xvfb (apt-get install xvfb)");
        let mut number = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut number)
            .unwrap();
        let display = format!(":{}", number.trim());
        Self { server, display }
    }

    /// The titles of the top-level windows on the screen.
    fn window_titles(&self) -> String {
        let out = Command::new("xwininfo")
            .args(["-root", "-tree"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("the windowed demo test needs xwininfo (apt-get install x11-utils)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

#[cfg(feature = "gui")]
impl Drop for VirtualScreen {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

#[cfg(feature = "gui")]
#[test]
fn the_demo_on_a_screen_closes_its_windows_on_sigterm() {
    const WINDOWS: [&str; 3] = ["一门 · 自助取号", "一门 · 窗口叫号", "一门 · 叫号显示屏"];
    let screen = VirtualScreen::start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["demo", "--listen", "127.0.0.1:0", "--config"])
        .arg(common::sample_dir())
        .arg("--db")
        .arg(dir.path().join("demo.db"))
        .env("DISPLAY", &screen.display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let opened = Instant::now();
    let shown = loop {
        let titles = screen.window_titles();
        if WINDOWS.iter().all(|w| titles.contains(w)) {
            break true;
        }
        if opened.elapsed() > Duration::from_secs(60) || child.try_wait().unwrap().is_some() {
            break false;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !shown {
        let _ = child.kill();
        panic!("the demo's three windows open:\n{}", screen.window_titles());
    }

    terminate(&child);
    let asked = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if asked.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the demo still runs 20 s after SIGTERM, its windows open");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean stop: {status}");
    let titles = screen.window_titles();
    assert!(WINDOWS.iter().all(|w| !titles.contains(w)), "{titles}");
}
