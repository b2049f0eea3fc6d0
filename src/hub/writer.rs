//! The single writer: one thread owns the read-write connection and the
//! working copy of the hall. It takes commands in batches, runs each inside
//! its own savepoint (all or nothing), commits the batch once (group commit),
//! and only then answers, updates the committed hall readers see, and
//! broadcasts the events.
//!
//! It also keeps its health for `/api/v1/health`: the reason its last
//! transaction could not begin or commit, until the next commit succeeds,
//! and whether it has stopped.

use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::HubShared;
use super::clock::Clock;
use super::error::HubError;
use crate::domain::event::HallEvent;
use crate::domain::hall::Hall;
use crate::domain::ids::{Actor, BusinessDay, Timestamp};
use crate::domain::setup::HallSetup;
use crate::store::events::{self, Chain, StoredEvent};
use crate::store::heads::{self, HallKey, Heads};
use crate::store::{self, Connection, StoreError};

/// Commands taken into one transaction at most.
const MAX_BATCH: usize = 512;
/// Commands queued before callers wait for room.
const QUEUE_DEPTH: usize = 4096;

/// Sends its caller the outcome once the batch's commit is known.
type Reply = Box<dyn FnOnce(Result<(), HubError>) + Send>;
/// A command: runs against the batch and says whether to keep its changes;
/// given no batch (the database failed), it only answers with the failure.
type Job = Box<dyn FnOnce(Option<&mut Batch<'_>>) -> (bool, Reply) + Send>;

enum Message {
    Job(Job),
    /// Answer what is queued, then stop.
    Stop,
}

/// The handle the rest of the hub submits commands through.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Message>,
    /// Why the last commit failed, until one succeeds.
    failure: Arc<Mutex<Option<String>>>,
}

impl Writer {
    /// Runs `command` in the writer and answers once its changes are
    /// committed, or with why they were not.
    ///
    /// # Errors
    /// The command's own error, a storage failure, or `Unavailable` once the
    /// hub is stopping.
    pub async fn submit<R, F>(&self, command: F) -> Result<R, HubError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Batch<'_>) -> Result<R, HubError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |batch| {
            let outcome = match batch {
                Some(batch) => command(batch),
                None => Err(HubError::Internal(
                    "the database cannot start a transaction".into(),
                )),
            };
            let keep = outcome.is_ok();
            let reply: Reply = Box::new(move |commit| {
                let _ = tx.send(outcome.and_then(|r| commit.map(|()| r)));
            });
            (keep, reply)
        });
        self.jobs
            .send(Message::Job(job))
            .await
            .map_err(|_| HubError::Unavailable)?;
        rx.await.map_err(|_| HubError::Unavailable)?
    }

    /// Stops the writer once it has answered every command queued so far;
    /// later commands get `Unavailable`.
    pub async fn close(&self) {
        let _ = self.jobs.send(Message::Stop).await;
    }

    /// Whether the writer takes and commits commands.
    ///
    /// # Errors
    /// Why not, for people: it has stopped, or its last commit failed.
    pub fn health(&self) -> Result<(), String> {
        if self.jobs.is_closed() {
            return Err("写入线程已停止，无法保存任何更改".into());
        }
        match &*self.failure.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(reason) => Err(format!("最近一次数据库提交失败：{reason}")),
            None => Ok(()),
        }
    }
}

/// What a command sees: the hall as the batch has left it so far, and a way
/// to record events.
pub struct Batch<'a> {
    conn: &'a Connection,
    hall: &'a mut Hall,
    chain: &'a mut Chain,
    now: Timestamp,
    /// Events recorded in this batch, for after the commit.
    recorded: &'a mut Vec<(StoredEvent, HallEvent)>,
    /// Whether the current command has recorded anything.
    dirty: bool,
}

impl Batch<'_> {
    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn hall(&self) -> &Hall {
        self.hall
    }

    /// The sequence number of the last event recorded so far.
    pub fn last_seq(&self) -> i64 {
        self.chain.next_seq - 1
    }

    /// Applies events to the working hall and writes them and what they
    /// changed. They become visible to others only after the commit.
    ///
    /// # Errors
    /// A storage failure; the whole command is then undone.
    pub fn record(&mut self, actor: &Actor, events: Vec<HallEvent>) -> Result<(), HubError> {
        for event in events {
            self.dirty = true;
            self.hall.apply(&event);
            store::hall::save(self.conn, self.hall, &event)?;
            let payload = serde_json::to_string(&event).map_err(StoreError::from)?;
            let stored = events::append(
                self.conn,
                self.chain,
                self.now,
                actor,
                event.kind(),
                &payload,
            )?;
            self.recorded.push((stored, event));
        }
        Ok(())
    }
}

/// The writer's own state, living on its thread.
struct Owner {
    conn: Connection,
    /// Signs each business day's last event: at the day's end and when the
    /// writer stops.
    key: HallKey,
    heads: Heads,
    setup: Arc<HallSetup>,
    hall: Hall,
    chain: Chain,
    clock: Arc<dyn Clock>,
    shared: Arc<HubShared>,
    /// Shared with every [`Writer`]: why the last commit failed.
    failure: Arc<Mutex<Option<String>>>,
}

/// Opens the database, restores the hall and starts the writer thread.
///
/// # Errors
/// The database cannot be opened, migrated or read.
pub fn start(
    path: &Path,
    setup: Arc<HallSetup>,
    clock: Arc<dyn Clock>,
    make_shared: impl FnOnce(Hall) -> Arc<HubShared>,
) -> Result<(Writer, Arc<HubShared>, std::thread::JoinHandle<()>), StoreError> {
    let conn = store::open_writer(path)?;
    let key = HallKey::open_or_create(&heads::key_path(path))?;
    let now = clock.now();
    let day = match store::hall::saved_day(&conn)? {
        Some(day) => day,
        None => {
            let today = setup.day_rule.day_of(now);
            store::hall::save_day(&conn, today)?;
            today
        }
    };
    let mut chain = Chain::load(&conn)?;
    if store::personal::seal_clear(&conn, &mut chain, now)?.is_some() {
        tracing::info!("personal values stored in the clear by an older yimen are now sealed");
    }
    let hall = store::hall::load(&conn, setup.clone(), day, now)?;
    let shared = make_shared(hall.clone());
    let (tx, rx) = mpsc::channel::<Message>(QUEUE_DEPTH);
    let failure = Arc::new(Mutex::new(None));
    let owner = Owner {
        conn,
        key,
        heads: Heads::beside(path),
        setup,
        hall,
        chain,
        clock,
        shared: shared.clone(),
        failure: failure.clone(),
    };
    let thread = std::thread::Builder::new()
        .name("yimen-writer".into())
        .spawn(move || owner.run(rx))
        .map_err(|e| StoreError::Corrupt(format!("cannot start the writer: {e}")))?;
    Ok((Writer { jobs: tx, failure }, shared, thread))
}

impl Owner {
    fn run(mut self, mut messages: mpsc::Receiver<Message>) {
        let mut stopping = false;
        while let Some(message) = messages.blocking_recv() {
            let mut batch = Vec::new();
            let mut next = Some(message);
            while let Some(message) = next.take() {
                match message {
                    Message::Job(job) => batch.push(job),
                    Message::Stop if !stopping => {
                        stopping = true;
                        messages.close();
                    }
                    Message::Stop => {}
                }
                if batch.len() < MAX_BATCH {
                    next = messages.try_recv().ok();
                }
            }
            if !batch.is_empty() {
                self.run_batch(batch);
            }
        }
        self.sign_head(self.hall.day(), self.chain.clone());
        tracing::debug!("writer stopped: every command answered");
    }

    /// Signs `chain`'s last event as `day`'s head and writes it beside the
    /// database. A failure is logged: the events are committed already.
    fn sign_head(&self, day: BusinessDay, chain: Chain) {
        if chain.next_seq == 1 {
            return;
        }
        let head = self.key.sign(day, chain.next_seq - 1, chain.last_hash);
        if let Err(e) = self.heads.write(&head, &self.key.public()) {
            tracing::error!(error = %e, %day, "cannot write the day's signed head");
        }
    }

    fn run_batch(&mut self, jobs: Vec<Job>) {
        let now = self.clock.now();
        let mut recorded = Vec::new();
        let mut replies = Vec::with_capacity(jobs.len() + 1);
        if let Err(e) = self.conn.begin() {
            tracing::error!(error = %e, "cannot begin a transaction");
            self.note_failure(Some(e.to_string()));
            for job in jobs {
                job(None).1(Ok(()));
            }
            return;
        }
        self.catch_up();
        if let Some(rollover) = self.hall.roll_over(now) {
            let job: Job = Box::new(move |batch| {
                let keep = batch.is_some_and(|b| b.record(&Actor::System, vec![rollover]).is_ok());
                (keep, Box::new(|_| ()))
            });
            replies.push(self.run_one(job, now, &mut recorded).1);
        }
        for job in jobs {
            replies.push(self.run_one(job, now, &mut recorded).1);
        }
        let commit = if recorded.is_empty() {
            self.conn.rollback()
        } else {
            self.conn.commit()
        };
        match commit {
            Ok(()) => {
                for (stored, event) in &recorded {
                    if let HallEvent::DayRolledOver { from, .. } = event {
                        let head = Chain {
                            next_seq: stored.seq + 1,
                            last_hash: stored.hash,
                        };
                        self.sign_head(*from, head);
                    }
                }
                if !recorded.is_empty() {
                    self.note_failure(None);
                }
                self.shared.committed(&recorded);
                for reply in replies {
                    reply(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "commit failed; the batch is undone");
                self.note_failure(Some(e.to_string()));
                let _ = self.conn.rollback();
                self.reload();
                for reply in replies {
                    reply(Err(HubError::Internal(format!("commit failed: {e}"))));
                }
            }
        }
    }

    /// Runs one command in a savepoint; undoes it if it failed.
    fn run_one(
        &mut self,
        job: Job,
        now: Timestamp,
        recorded: &mut Vec<(StoredEvent, HallEvent)>,
    ) -> (bool, Reply) {
        if let Err(e) = self.conn.savepoint() {
            tracing::error!(error = %e, "cannot open a savepoint");
            return job(None);
        }
        let before = (self.chain.clone(), recorded.len());
        let mut batch = Batch {
            conn: &self.conn,
            hall: &mut self.hall,
            chain: &mut self.chain,
            now,
            recorded,
            dirty: false,
        };
        let (keep, reply) = job(Some(&mut batch));
        let dirty = batch.dirty;
        if keep && self.conn.keep_savepoint().is_ok() {
            return (true, reply);
        }
        let _ = self.conn.undo_savepoint();
        self.chain = before.0;
        recorded.truncate(before.1);
        if dirty {
            // Read back the hall as this transaction now holds it: the batch's
            // earlier commands without this one.
            self.reload();
        }
        let reply: Reply = if keep {
            Box::new(move |_| reply(Err(HubError::Internal("a savepoint failed".into()))))
        } else {
            reply
        };
        (false, reply)
    }

    /// Takes in events another process appended to the log since this
    /// writer's last commit, such as `yimen erase`'s: the batch's
    /// transaction holds the write lock, so the log's end is settled.
    fn catch_up(&mut self) {
        let appended = Chain::load(&self.conn).and_then(|end| {
            if end == self.chain {
                return Ok(Vec::new());
            }
            let after = self.chain.next_seq - 1;
            let rows = events::since(&self.conn, after, (end.next_seq - 1 - after) as usize)?;
            rows.into_iter()
                .map(|stored| {
                    let event: HallEvent = serde_json::from_str(&stored.payload)?;
                    Ok((stored, event))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        });
        match appended {
            Ok(appended) if appended.is_empty() => {}
            Ok(appended) => {
                tracing::info!(
                    events = appended.len(),
                    "events appended by another process"
                );
                for (stored, event) in &appended {
                    self.hall.apply(event);
                    self.chain = Chain {
                        next_seq: stored.seq + 1,
                        last_hash: stored.hash,
                    };
                }
                self.shared.committed(&appended);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read events another process appended");
                self.reload();
            }
        }
    }

    /// Notes why a commit failed, or (`None`) that one succeeded.
    fn note_failure(&self, reason: Option<String>) {
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = reason;
    }

    fn reload(&mut self) {
        let now = self.clock.now();
        let day = store::hall::saved_day(&self.conn)
            .ok()
            .flatten()
            .unwrap_or_else(|| self.setup.day_rule.day_of(now));
        match (
            store::hall::load(&self.conn, self.setup.clone(), day, now),
            Chain::load(&self.conn),
        ) {
            (Ok(hall), Ok(chain)) => {
                self.hall = hall;
                self.chain = chain;
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(error = %e, "cannot reload the hall after a failed command");
            }
        }
    }
}
