//! Crash safety: the real `yimen hub` process is killed with SIGKILL in the
//! middle of load, several times, and restarted on the same file. Every
//! acknowledged ticket and case must be there, no number may repeat, and
//! issuing must carry on. The hall runs as a real one does: over TLS, with
//! certificates made by `yimen tls init`.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use yimen::tls::TlsFiles;

/// A copy of the sample hall with its own certificates, made as an
/// installer makes them.
fn hall_with_certificates(dir: &std::path::Path) -> PathBuf {
    let hall = dir.join("hall");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(common::sample_dir())
        .arg(&hall)
        .status()
        .unwrap();
    assert!(copied.success());
    let made = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args([
            "tls",
            "init",
            "--name",
            "localhost",
            "--ip",
            "127.0.0.1",
            "--hall",
        ])
        .arg(&hall)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success(), "yimen tls init");
    hall
}

/// A hall PC's client, which gives up on a dead hub quickly.
fn client(tls: &TlsFiles) -> reqwest::Client {
    yimen::tls::http_client(Some(tls))
        .unwrap()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

struct Process {
    child: Child,
    url: String,
}

fn start_hub(hall: &std::path::Path, db: &std::path::Path) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args(["hub", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .arg("--config")
        .arg(hall)
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
    tls: TlsFiles,
    url: String,
    clients: usize,
    per_client: usize,
    acked: Arc<Mutex<Vec<Acked>>>,
    count: Arc<AtomicUsize>,
) {
    let http = client(&tls);
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

/// The front desk at counter 1 opens cases for the citizens it calls, until
/// the hub dies; records every acknowledged case number.
async fn front_desk(tls: TlsFiles, url: String, cases: Arc<Mutex<Vec<String>>>) {
    let http = client(&tls);
    let post = |path: String, token: Option<String>, body: Value| {
        let mut req = http.post(format!("{url}{path}")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let login = json!({"staff": "1001", "pin": common::PIN, "counter": 1});
    let Ok(resp) = post("/api/v1/sessions".into(), None, login).await else {
        return;
    };
    let Ok(session) = resp.json::<Value>().await else {
        return;
    };
    let token = session["token"].as_str().map(str::to_owned);
    let materials: Vec<Value> = [
        "公司登记（备案）申请书",
        "公司章程",
        "股东主体资格证明或自然人身份证件",
        "法定代表人、董事、监事和经理的任职文件及身份证件",
        "住所使用相关文件",
    ]
    .iter()
    .map(|name| json!({"name": name, "received": true}))
    .collect();
    let case = json!({
        "service": "SCJG-001",
        "applicant": {"name": "王五", "id_number": "11010519491231002X", "phone": "13700001234"},
        "materials": materials,
        "intake": "accept",
    });
    for _ in 0..12 {
        for action in ["call-next", "start"] {
            let Ok(_) = post(
                format!("/api/v1/counters/1/{action}"),
                token.clone(),
                json!({}),
            )
            .await
            else {
                return;
            };
        }
        let Ok(resp) = post("/api/v1/cases".into(), token.clone(), case.clone()).await else {
            return;
        };
        if resp.status() == 201 {
            let Ok(body) = resp.json::<Value>().await else {
                return;
            };
            cases
                .lock()
                .unwrap()
                .push(body["number"].as_str().unwrap().to_owned());
        }
        let Ok(_) = post("/api/v1/counters/1/finish".into(), token.clone(), json!({})).await else {
            return;
        };
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_hub_mid_load_loses_no_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let hall = hall_with_certificates(dir.path());
    let tls = TlsFiles::in_config(&hall);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let cases = Arc::new(Mutex::new(Vec::new()));
    // Kill after this many acknowledgements in each round: always mid-load.
    const CLIENTS: usize = 16;
    const PER_CLIENT: usize = 100;
    for kill_after in [40, 110, 7, 75] {
        let mut hub = start_hub(&hall, &db);
        assert!(hub.url.starts_with("https://"), "{}", hub.url);
        let count = Arc::new(AtomicUsize::new(0));
        let first_round = cases.lock().unwrap().is_empty();
        if first_round {
            // One citizen waits before the front desk opens, so that it has
            // a case acknowledged before the load starts: cases are checked
            // across every crash, and the load never runs long enough to
            // reach a queue's daily cap.
            let one = Arc::new(AtomicUsize::new(0));
            load(tls.clone(), hub.url.clone(), 1, 1, acked.clone(), one).await;
        }
        let desk = tokio::spawn(front_desk(tls.clone(), hub.url.clone(), cases.clone()));
        while first_round && cases.lock().unwrap().is_empty() {
            assert!(!desk.is_finished(), "the front desk opened no case");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let loader = tokio::spawn(load(
            tls.clone(),
            hub.url.clone(),
            CLIENTS,
            PER_CLIENT,
            acked.clone(),
            count.clone(),
        ));
        while count.load(Ordering::SeqCst) < kill_after {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        hub.child.kill().unwrap(); // SIGKILL
        hub.child.wait().unwrap();
        loader.await.unwrap();
        desk.await.unwrap();
        assert!(
            count.load(Ordering::SeqCst) < CLIENTS * PER_CLIENT,
            "the kill came before the load ended"
        );
    }

    let mut hub = start_hub(&hall, &db);
    let http = client(&tls);
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
        let Some(number) = body["number"].as_str() else {
            panic!("no new ticket in {queue} after the crashes: {body}");
        };
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
    // Every acknowledged case is there, numbered once, and numbering goes on.
    let cases = cases.lock().unwrap().clone();
    assert!(
        !cases.is_empty(),
        "the front desk opened cases before the kills"
    );
    let distinct: std::collections::HashSet<&String> = cases.iter().collect();
    assert_eq!(distinct.len(), cases.len(), "a case number given twice");
    let login: Value = http
        .post(format!("{}/api/v1/sessions", hub.url))
        .json(&json!({"staff": "9001", "pin": common::PIN}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let supervisor = login["token"].as_str().unwrap();
    for number in &cases {
        let resp = http
            .get(format!("{}/api/v1/cases/{number}", hub.url))
            .bearer_auth(supervisor)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "acknowledged case {number} lost");
    }
    hub.child.kill().unwrap();
    hub.child.wait().unwrap();
}
