//! Public reads: health, the service catalogue and search, the queues.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::Hub;
use super::error::{HubError, Query};
use crate::api::{Catalogue, Health, QueueInfo, SearchResults};
use crate::domain::hall::Hall;

/// Longest search query taken, in characters.
const MAX_QUERY_CHARS: usize = 50;

/// Most guides one search returns, best first: a kiosk shows the top of the list.
const MAX_SEARCH_HITS: usize = 20;

/// Whether the hub can take changes: up, and its writer committing.
#[utoipa::path(
    get, path = "/api/v1/health", tag = "hall",
    responses(
        (status = 200, body = Health, description = "the hub is up and commits: `{\"status\":\"ok\"}`"),
        (status = 503, body = Health, description = "`{\"status\":\"unavailable\",\"reason\":...}`: the writer has stopped, or its last commit failed (until one succeeds)"),
    )
)]
pub async fn health(State(hub): State<Arc<Hub>>) -> (StatusCode, axum::Json<Health>) {
    match hub.health() {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(Health {
                status: "ok".into(),
                reason: None,
            }),
        ),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(Health {
                status: "unavailable".into(),
                reason: Some(reason),
            }),
        ),
    }
}

/// Every department and service guide.
#[utoipa::path(
    get, path = "/api/v1/services", tag = "hall",
    responses((status = 200, body = Catalogue, description = "the hall's catalogue"))
)]
pub async fn services(State(hub): State<Arc<Hub>>) -> axum::Json<Catalogue> {
    axum::Json(Catalogue {
        hall: hub.config.setup.name.clone(),
        timezone: hub.config.setup.day_rule.zone.name().to_owned(),
        hours: hub.config.hours.clone(),
        departments: hub.config.departments.iter().map(Into::into).collect(),
        services: hub.config.guides.iter().map(Into::into).collect(),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What the citizen typed, at most 50 characters.
    #[param(max_length = 50)]
    q: String,
}

/// Guides matching what a citizen typed (Chinese, pinyin, initials or an
/// alias, one wrong letter forgiven), best first.
#[utoipa::path(
    get, path = "/api/v1/services/search", tag = "hall", params(SearchQuery),
    responses(
        (status = 200, body = SearchResults, description = "the matching guides, best first"),
        (status = 422, body = crate::api::ErrorBody, description = "`q` is missing or longer than 50 characters"),
    )
)]
pub async fn search(
    State(hub): State<Arc<Hub>>,
    Query(SearchQuery { q }): Query<SearchQuery>,
) -> Result<axum::Json<SearchResults>, HubError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(HubError::invalid(
            "query_too_long",
            format!("搜索词不能超过 {MAX_QUERY_CHARS} 个字"),
        ));
    }
    let config = &hub.config;
    let services = config
        .search
        .search(&q, MAX_SEARCH_HITS)
        .into_iter()
        .map(|hit| (&config.guides[hit.guide]).into())
        .collect();
    Ok(axum::Json(SearchResults { query: q, services }))
}

/// Each queue with its waiting count and the wait for a ticket taken now.
#[utoipa::path(
    get, path = "/api/v1/queues", tag = "hall",
    responses((status = 200, body = Vec<QueueInfo>, description = "every queue, as of now"))
)]
pub async fn queues(State(hub): State<Arc<Hub>>) -> axum::Json<Vec<QueueInfo>> {
    axum::Json(queue_infos(&hub.hall()))
}

pub fn queue_infos(hall: &Hall) -> Vec<QueueInfo> {
    hall.setup()
        .queues
        .iter()
        .map(|q| {
            let (waiting, issued) = hall
                .queue_day(q.prefix)
                .map_or((0, 0), |d| (d.line.len(), d.issued));
            let open = hall
                .setup()
                .counters
                .iter()
                .filter(|c| c.queues.contains(&q.prefix))
                .filter(|c| hall.counter(c.number).is_some_and(|c| c.is_open()))
                .count();
            QueueInfo {
                prefix: q.prefix.to_string(),
                name: q.name.clone(),
                kind: q.kind.into(),
                waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
                estimated_wait_minutes: hall.estimate_wait(q.prefix, waiting),
                open_counters: u32::try_from(open).unwrap_or(u32::MAX),
                issued_today: issued,
                remaining_today: q.daily_cap.saturating_sub(issued),
            }
        })
        .collect()
}
