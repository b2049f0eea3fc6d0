//! `yimen demo` on a machine with no screen: the real binary starts the hub
//! on a fresh SQLite file with the sample hall, says why it opens no windows,
//! prints the addresses, serves the web display wall and the API, and stops
//! cleanly on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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

    let http = reqwest::Client::new();
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

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean stop: {status}");
    assert!(db.exists(), "the hall is kept on its SQLite file");
}
