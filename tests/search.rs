//! Guide search through the hub's API, as the kiosk calls it.

mod common;

use common::TestHub;
use reqwest::StatusCode;

#[tokio::test]
async fn what_citizens_type_for_a_business_licence_finds_it_in_the_top_three() {
    let hub = TestHub::start().await;
    for query in ["yyzz", "yingye", "营业", "办执照"] {
        let (status, body) = hub
            .get(&format!("/api/v1/services/search?q={query}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(body["query"], query);
        let names: Vec<&str> = body["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(
            names.iter().take(3).any(|n| *n == "企业设立登记"),
            "{query}: {names:?}"
        );
    }
}

#[tokio::test]
async fn a_blank_query_or_a_miss_finds_nothing() {
    let hub = TestHub::start().await;
    for query in ["%20", "qxqxqx", "火星移民"] {
        let (status, body) = hub
            .get(&format!("/api/v1/services/search?q={query}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(body["services"].as_array().unwrap().len(), 0, "{query}");
    }
}
