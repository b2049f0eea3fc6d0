//! Read-only connections for queries that need the database rather than the
//! committed hall: the event log and tickets of earlier days. The queries
//! are the store's; they run on the blocking pool, never on the async
//! workers.

use std::path::PathBuf;
use std::sync::Mutex;

use super::error::HubError;
use crate::api::{CaseHistoryEntry, RatingCount, RatingSummary};
use crate::domain::case::Case;
use crate::domain::ids::{TicketId, Timestamp};
use crate::domain::rating::Tally;
use crate::domain::ticket::Ticket;
use crate::store::events::StoredEvent;
use crate::store::ratings::{self, RatedBy};
use crate::store::{self, Connection, StoreError};

/// Idle connections kept for reuse.
const KEEP: usize = 8;

pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    async fn with<R, F>(&self, query: F) -> Result<R, HubError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let path = self.path.clone();
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let conn = match idle {
                Some(conn) => conn,
                None => store::open_reader(&path)?,
            };
            let result = query(&conn);
            Ok::<_, StoreError>((conn, result))
        })
        .await
        .map_err(|e| HubError::Internal(format!("reader: {e}")))??;
        let mut pool = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < KEEP {
            pool.push(conn);
        }
        Ok(result?)
    }

    pub async fn events_since(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, HubError> {
        self.with(move |conn| store::events::since(conn, after, limit))
            .await
    }

    /// The first event stamped at or after `at`; none when nothing has been.
    pub async fn first_event_since(&self, at: Timestamp) -> Result<Option<i64>, HubError> {
        self.with(move |conn| store::events::first_since(conn, at))
            .await
    }

    /// The sequence of the last event in the log; 0 when it is empty.
    pub async fn last_seq(&self) -> Result<i64, HubError> {
        self.with(|conn| Ok(store::events::Chain::load(conn)?.next_seq - 1))
            .await
    }

    pub async fn ticket(&self, id: TicketId) -> Result<Ticket, HubError> {
        self.with(move |conn| store::hall::ticket(conn, &id)).await
    }

    pub async fn case(&self, number: String) -> Result<Case, HubError> {
        self.with(move |conn| store::hall::case(conn, &number))
            .await
    }

    /// Every event of one case, oldest first.
    pub async fn case_history(&self, number: String) -> Result<Vec<CaseHistoryEntry>, HubError> {
        self.with(move |conn| {
            let steps = store::events::case_history(conn, &number)?;
            Ok(steps
                .into_iter()
                .map(|step| CaseHistoryEntry {
                    seq: step.seq,
                    at: step.at,
                    actor: step.actor,
                    kind: step.kind,
                    task: step.task,
                })
                .collect())
        })
        .await
    }

    pub async fn rating_summary(&self) -> Result<RatingSummary, HubError> {
        self.with(|conn| {
            let count = |by| -> Result<Vec<RatingCount>, StoreError> {
                Ok(ratings::counts(conn, by)?
                    .into_iter()
                    .map(|(key, scores)| {
                        let tally = Tally(scores);
                        RatingCount {
                            key,
                            count: tally.count(),
                            average: tally.average().unwrap_or(0.0),
                            bad: tally.bad(),
                            scores,
                        }
                    })
                    .collect())
            };
            Ok(RatingSummary {
                by_counter: count(RatedBy::Counter)?,
                by_staff: count(RatedBy::Staff)?,
                by_service: count(RatedBy::Service)?,
                by_department: count(RatedBy::Department)?,
            })
        })
        .await
    }
}
