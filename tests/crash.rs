//! Crash safety: the real `yimen hub` process is killed with SIGKILL in the
//! middle of load, several times, and restarted on the same file. Every
//! acknowledged ticket must be there, no number may repeat within a day, and
//! issuing must carry on.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

struct Process {
    child: Child,
    url: String,
}

fn start_hub(db: &std::path::Path) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["hub", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .arg("--config")
        .arg(common::sample_dir())
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the yimen binary runs");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the hub says where it listens")
            .unwrap();
        if let Some(rest) = line.split("hub listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining the log so the hub never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Process { child, url }
}

/// The business day of an instant in the sample hall (Beijing, rollover 02:00).
fn business_day(at: &str) -> NaiveDate {
    let at: DateTime<Utc> = at.parse().unwrap();
    (at.with_timezone(&chrono_tz::Asia::Shanghai) - chrono::Duration::hours(2)).date_naive()
}

#[derive(Clone, Debug)]
struct Acked {
    id: String,
    number: String,
    day: NaiveDate,
}

/// Issues tickets from `clients` tasks until each has `per_client`, or the
/// hub dies; records every acknowledged ticket.
async fn load(
    url: String,
    clients: usize,
    per_client: usize,
    acked: Arc<Mutex<Vec<Acked>>>,
    count: Arc<AtomicUsize>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let (http, url, acked, count) =
                (http.clone(), url.clone(), acked.clone(), count.clone());
            tokio::spawn(async move {
                let queue = ["A", "B", "C", "D", "E"][i % 5];
                for _ in 0..per_client {
                    let resp = http
                        .post(format!("{url}/api/v1/tickets"))
                        .bearer_auth(common::KIOSK)
                        .json(&json!({"queue": queue}))
                        .send()
                        .await;
                    let Ok(resp) = resp else { return };
                    if resp.status() != 201 {
                        return;
                    }
                    let Ok(body) = resp.json::<Value>().await else {
                        return;
                    };
                    acked.lock().unwrap().push(Acked {
                        id: body["id"].as_str().unwrap().to_owned(),
                        number: body["number"].as_str().unwrap().to_owned(),
                        day: business_day(body["issued_at"].as_str().unwrap()),
                    });
                    count.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_hub_mid_load_loses_no_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let acked = Arc::new(Mutex::new(Vec::new()));
    // Kill after this many acknowledgements in each round: always mid-load.
    for kill_after in [40, 110, 7, 75] {
        let mut hub = start_hub(&db);
        let count = Arc::new(AtomicUsize::new(0));
        let loader = tokio::spawn(load(hub.url.clone(), 16, 20, acked.clone(), count.clone()));
        while count.load(Ordering::SeqCst) < kill_after {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        hub.child.kill().unwrap(); // SIGKILL
        hub.child.wait().unwrap();
        loader.await.unwrap();
        assert!(
            count.load(Ordering::SeqCst) < 16 * 20,
            "the kill came before the load ended"
        );
    }

    let mut hub = start_hub(&db);
    let http = reqwest::Client::new();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40 + 110 + 7 + 75);
    let mut seen = HashMap::new();
    for t in &acked {
        if let Some(other) = seen.insert((t.day, t.number.clone()), t.id.clone()) {
            panic!(
                "{} issued twice on {}: {other} and {}",
                t.number, t.day, t.id
            );
        }
        let status: Value = http
            .get(format!("{}/api/v1/tickets/{}", hub.url, t.id))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            status["number"],
            t.number.as_str(),
            "acknowledged ticket {} lost: {status}",
            t.number
        );
    }
    // Issuing carries on after the highest number acknowledged.
    for queue in ["A", "B", "C", "D", "E"] {
        let body: Value = http
            .post(format!("{}/api/v1/tickets", hub.url))
            .bearer_auth(common::KIOSK)
            .json(&json!({"queue": queue}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let number = body["number"]
            .as_str()
            .expect("a new ticket after the crashes");
        let day = business_day(body["issued_at"].as_str().unwrap());
        let seq = |n: &str| n[1..].parse::<u32>().unwrap();
        let highest = acked
            .iter()
            .filter(|t| t.day == day && t.number.starts_with(queue))
            .map(|t| seq(&t.number))
            .max()
            .unwrap_or(0);
        assert!(seq(number) > highest, "{number} after {queue}{highest}");
    }
    hub.child.kill().unwrap();
    hub.child.wait().unwrap();
}
