//! Many clerks pressing call-next at once never get the same citizen.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::TestHub;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_counters_calling_at_once_never_share_a_ticket() {
    let hub = Arc::new(TestHub::start().await);
    let mut tokens = Vec::new();
    for counter in 1..=8u32 {
        tokens.push((
            counter,
            hub.login(&format!("100{counter}"), Some(counter)).await,
        ));
    }

    // Kiosks issue while the counters call.
    let issuers: Vec<_> = ["A", "B", "C", "D"]
        .into_iter()
        .map(|queue| {
            let hub = hub.clone();
            tokio::spawn(async move {
                let mut numbers = Vec::new();
                for _ in 0..50 {
                    numbers.push(
                        hub.issue(json!({"queue": queue})).await["number"]
                            .as_str()
                            .unwrap()
                            .to_owned(),
                    );
                }
                numbers
            })
        })
        .collect();
    let issuing_done = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = tokens
        .into_iter()
        .map(|(counter, token)| {
            let hub = hub.clone();
            let issuing_done = issuing_done.clone();
            tokio::spawn(async move {
                let mut called = Vec::new();
                loop {
                    // Read before calling: once issuing is done, an empty line stays empty.
                    let done = issuing_done.load(Ordering::SeqCst);
                    let (status, body) = hub.act(&token, counter, "call-next").await;
                    if status == StatusCode::CONFLICT && body["error"]["code"] == "nobody_waiting" {
                        if done {
                            break;
                        }
                        tokio::task::yield_now().await;
                        continue;
                    }
                    assert_eq!(status, StatusCode::OK, "{body}");
                    called.push(body["current"]["number"].as_str().unwrap().to_owned());
                    hub.act_ok(&token, counter, "start").await;
                    hub.act_ok(&token, counter, "finish").await;
                }
                called
            })
        })
        .collect();

    let mut issued = HashSet::new();
    for i in issuers {
        for n in i.await.unwrap() {
            assert!(issued.insert(n.clone()), "{n} issued twice");
        }
    }
    issuing_done.store(true, Ordering::SeqCst);
    let mut called = Vec::new();
    for c in callers {
        called.extend(c.await.unwrap());
    }
    let distinct: HashSet<_> = called.iter().cloned().collect();
    assert_eq!(distinct.len(), called.len(), "a ticket was called twice");
    assert_eq!(
        distinct, issued,
        "every issued ticket was called exactly once"
    );
    assert_eq!(issued.len(), 200);

    let conn = rusqlite::Connection::open(hub.db()).unwrap();
    let (calls, tickets): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT json_extract(payload, '$.ticket')) FROM events WHERE kind = 'ticket_called'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((calls, tickets), (200, 200));
}
