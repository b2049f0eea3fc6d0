//! Runs the day's citizens against a real hub through its HTTP API, one
//! event at a time in time order: the virtual clock jumps to each event (an
//! arrival, a call, a service's end, a reviewer's decision), so a day takes
//! seconds and the same citizens always meet the same hall.

mod cases;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;

use anyhow::Context;
use serde_json::json;

use super::model::{self, Citizen, SESSIONS, Secs, Visit};
use super::report::{CaseFigures, CounterRecord, RatingFigures, TicketRecord};
use crate::api::{
    Card, CaseState, CaseView, IssuedTicket, RatingRecorded, SessionRequest, Supervision,
    TicketRequest, TicketStatus,
};
use crate::client::{Client, ClientError, CounterAction};
use crate::config::Config;
use crate::domain::estimate::wait_minutes;
use crate::domain::ids::{CounterNo, QueuePrefix, Timestamp};
use crate::domain::setup::{CounterKind, Role};
use crate::hub::clock::ManualClock;

/// How long after the session's end a counter still calls those waiting.
const OVERTIME: Secs = 30 * 60;
/// Between a call and a recall, and between the last recall and the no-show.
const RECALL_GAP: Secs = 60;
/// When staff log in, before the doors open.
const LOG_IN_AT: Secs = 8 * 3600 + 50 * 60;

#[derive(Clone, Debug)]
enum Event {
    /// A citizen takes a ticket at the kiosk.
    Arrive(usize),
    /// A citizen comes back for an approved result.
    Collect(usize),
    /// A counter is free to call.
    Free(CounterNo),
    Recall(CounterNo),
    NoShow(CounterNo),
    Start(CounterNo),
    Finish(CounterNo),
    /// A session ends: idle counters stop.
    Close,
    /// The afternoon begins: paused counters resume.
    Reopen,
    /// A department's reviewer looks at the inbox.
    Review(String),
    /// A reviewer decides the case (an index into `cases`).
    Decide(String, usize),
}

struct Scheduled {
    at: Secs,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so that the heap pops the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DeskState {
    /// Open with nobody to call, since then.
    Idle(Secs),
    /// A call is on its way (woken, or just freed).
    Busy,
    Paused,
    Closed,
}

/// A staffed counter.
struct Desk {
    client: Client,
    queues: Vec<QueuePrefix>,
    state: DeskState,
    /// The ticket at the counter: an index into `tickets`.
    current: Option<usize>,
    called_at: Secs,
    /// Since when it has been open, while it is.
    open_since: Option<Secs>,
    record: CounterRecord,
}

/// A ticket the simulation holds.
struct Held {
    citizen: usize,
    id: String,
    pickup: bool,
    recalls: u32,
    issued_at: Secs,
    hub_estimate: u32,
    naive_estimate: u32,
}

struct Reviewer {
    client: Client,
    /// Cases waiting to be claimed: indices into `cases`.
    inbox: VecDeque<usize>,
    busy: bool,
}

struct CaseRun {
    number: String,
    citizen: usize,
}

/// Everything the day leaves behind for the report.
pub struct Outcome {
    pub tickets: Vec<TicketRecord>,
    pub counters: Vec<CounterRecord>,
    pub cases: CaseFigures,
    pub ratings: RatingFigures,
    pub pickups: u32,
    pub turned_away: u32,
}

pub struct Driver<'a> {
    config: &'a Config,
    clock: Arc<ManualClock>,
    hub: Arc<crate::hub::Hub>,
    /// The day's local midnight.
    midnight: Timestamp,
    base: Client,
    kiosk: Client,
    pin: String,
    citizens: &'a [Citizen],
    events: BinaryHeap<Scheduled>,
    seq: u64,
    desks: BTreeMap<CounterNo, Desk>,
    reviewers: BTreeMap<String, Reviewer>,
    tickets: Vec<Held>,
    by_id: HashMap<String, usize>,
    cases: Vec<CaseRun>,
    case_of: HashMap<usize, usize>,
    case_figures: CaseFigures,
    ratings: RatingFigures,
    pickups: u32,
    turned_away: u32,
}

fn refused_with(e: &ClientError, wanted: &str) -> bool {
    matches!(e, ClientError::Refused { code, .. } if code == wanted)
}

impl<'a> Driver<'a> {
    pub fn new(
        config: &'a Config,
        clock: Arc<ManualClock>,
        hub: Arc<crate::hub::Hub>,
        midnight: Timestamp,
        url: &str,
        (pin, key): (String, String),
        citizens: &'a [Citizen],
    ) -> Self {
        let base = Client::new(url);
        Self {
            config,
            clock,
            hub,
            midnight,
            kiosk: base.with_credential(key),
            base,
            pin,
            citizens,
            events: BinaryHeap::new(),
            seq: 0,
            desks: BTreeMap::new(),
            reviewers: BTreeMap::new(),
            tickets: Vec::new(),
            by_id: HashMap::new(),
            cases: Vec::new(),
            case_of: HashMap::new(),
            case_figures: CaseFigures::default(),
            ratings: RatingFigures::default(),
            pickups: 0,
            turned_away: 0,
        }
    }

    fn at(&self, t: Secs) -> Timestamp {
        self.midnight + chrono::Duration::seconds(t)
    }

    fn secs(&self, at: Timestamp) -> Secs {
        (at - self.midnight).num_seconds()
    }

    fn schedule(&mut self, at: Secs, event: Event) {
        self.seq += 1;
        self.events.push(Scheduled {
            at,
            seq: self.seq,
            event,
        });
    }

    async fn log_in(&self, staff: &str, counter: Option<CounterNo>) -> anyhow::Result<Client> {
        let session = self
            .base
            .log_in(&SessionRequest {
                staff: staff.to_owned(),
                pin: self.pin.clone(),
                counter,
            })
            .await
            .with_context(|| format!("staff {staff} cannot log in"))?;
        let token = session.token.context("a login without a token")?;
        Ok(self.base.with_credential(token))
    }

    /// Staffs `counters` (and every pickup window) and each department's
    /// review desk, before the doors open.
    pub async fn open(&mut self, counters: &[CounterNo]) -> anyhow::Result<()> {
        self.clock.set(self.at(LOG_IN_AT));
        let setup = self.config.setup.clone();
        for c in setup
            .counters
            .iter()
            .filter(|c| counters.contains(&c.number))
        {
            let Some(staff) = setup.staff.iter().find(|s| {
                s.counter == Some(c.number)
                    && matches!(
                        (s.role, c.kind),
                        (Role::Pickup, CounterKind::Pickup)
                            | (Role::Intake, CounterKind::Intake | CounterKind::Dedicated)
                    )
            }) else {
                tracing::warn!(counter = c.number, "nobody to staff the counter");
                continue;
            };
            let client = self.log_in(&staff.id.0, Some(c.number)).await?;
            let desk = Desk {
                client,
                queues: c.queues.clone(),
                state: DeskState::Idle(SESSIONS[0].0),
                current: None,
                called_at: 0,
                open_since: Some(SESSIONS[0].0),
                record: CounterRecord {
                    number: c.number,
                    ..CounterRecord::default()
                },
            };
            self.desks.insert(c.number, desk);
        }
        for s in setup.staff.iter().filter(|s| s.role == Role::Reviewer) {
            let Some(department) = s.department.clone() else {
                continue;
            };
            if self.reviewers.contains_key(&department) {
                continue;
            }
            let client = self.log_in(&s.id.0, None).await?;
            let reviewer = Reviewer {
                client,
                inbox: VecDeque::new(),
                busy: false,
            };
            self.reviewers.insert(department, reviewer);
        }
        Ok(())
    }

    /// Runs every event of the day until none is left.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        for (i, c) in self.citizens.iter().enumerate() {
            self.schedule(c.arrives, Event::Arrive(i));
        }
        self.schedule(SESSIONS[0].1, Event::Close);
        self.schedule(SESSIONS[1].0, Event::Reopen);
        self.schedule(SESSIONS[1].1, Event::Close);
        while let Some(Scheduled { at, event, .. }) = self.events.pop() {
            self.clock.set(self.at(at));
            self.handle(at, event).await?;
        }
        Ok(())
    }

    async fn handle(&mut self, t: Secs, event: Event) -> anyhow::Result<()> {
        match event {
            Event::Arrive(i) => self.arrive(t, i).await,
            Event::Collect(i) => self.collect(t, i).await,
            Event::Free(n) => self.free(t, n).await,
            Event::Recall(n) => self.recall(t, n).await,
            Event::NoShow(n) => {
                self.act(n, CounterAction::NoShow).await?;
                self.leave(t, n);
                Ok(())
            }
            Event::Start(n) => {
                self.act(n, CounterAction::Start).await?;
                let held = &self.tickets[self.desk(n)?.current.context("nobody at the counter")?];
                let citizen = &self.citizens[held.citizen];
                let secs = match (&citizen.visit, held.pickup) {
                    (Visit::Accepted(a), true) => a.pickup_secs,
                    _ => citizen.service_secs,
                };
                self.schedule(t + secs, Event::Finish(n));
                Ok(())
            }
            Event::Finish(n) => self.finish(t, n).await,
            Event::Close => self.close(t).await,
            Event::Reopen => self.reopen(t).await,
            Event::Review(department) => self.review(t, department).await,
            Event::Decide(department, case) => self.decide(t, department, case).await,
        }
    }

    fn desk(&self, n: CounterNo) -> anyhow::Result<&Desk> {
        self.desks.get(&n).context("an unknown counter")
    }

    fn desk_mut(&mut self, n: CounterNo) -> anyhow::Result<&mut Desk> {
        self.desks.get_mut(&n).context("an unknown counter")
    }

    async fn act(
        &self,
        n: CounterNo,
        action: CounterAction,
    ) -> anyhow::Result<crate::api::CounterView> {
        self.desk(n)?
            .client
            .counter_action(n, action)
            .await
            .with_context(|| format!("{action:?} at counter {n}"))
    }

    /// The naive estimate: people ahead × the queue's configured mean
    /// service ÷ the counters open for it (or configured, if none is open).
    fn naive_estimate(&self, queue: QueuePrefix, ahead: u32) -> u32 {
        let setup = &self.config.setup;
        let secs = setup
            .queue(queue)
            .map_or(600.0, |q| q.default_service_minutes * 60.0);
        let open = self
            .desks
            .values()
            .filter(|d| {
                d.queues.contains(&queue)
                    && !matches!(d.state, DeskState::Paused | DeskState::Closed)
            })
            .count();
        let counters = if open > 0 {
            open
        } else {
            setup
                .counters
                .iter()
                .filter(|c| c.queues.contains(&queue))
                .count()
        };
        wait_minutes(ahead as usize, secs, counters as f64)
    }

    async fn issue(
        &mut self,
        t: Secs,
        citizen: usize,
        request: TicketRequest,
    ) -> anyhow::Result<()> {
        let pickup = request.case.is_some();
        let issued: IssuedTicket = match self.kiosk.issue_ticket(&request).await {
            Ok(issued) => issued,
            Err(e) if refused_with(&e, "daily_cap_reached") => {
                self.turned_away += 1;
                return Ok(());
            }
            Err(e) => return Err(e).context("issuing a ticket"),
        };
        let queue: QueuePrefix = issued.queue.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let naive_estimate = self.naive_estimate(queue, issued.ahead);
        self.by_id.insert(issued.id.clone(), self.tickets.len());
        self.tickets.push(Held {
            citizen,
            id: issued.id,
            pickup,
            recalls: 0,
            issued_at: self.secs(issued.issued_at),
            hub_estimate: issued.estimated_wait_minutes,
            naive_estimate,
        });
        // The counter idle longest calls; its lines were empty, so it gets this one.
        let idle = self
            .desks
            .iter()
            .filter_map(|(n, d)| match d.state {
                DeskState::Idle(since) if d.queues.contains(&queue) => Some((since, *n)),
                _ => None,
            })
            .min();
        if let Some((_, n)) = idle {
            self.desk_mut(n)?.state = DeskState::Busy;
            self.schedule(t, Event::Free(n));
        }
        Ok(())
    }

    async fn arrive(&mut self, t: Secs, i: usize) -> anyhow::Result<()> {
        let c = &self.citizens[i];
        let request = TicketRequest {
            service: Some(c.service.0.clone()),
            priority: c.priority,
            ..TicketRequest::default()
        };
        self.issue(t, i, request).await
    }

    async fn collect(&mut self, t: Secs, i: usize) -> anyhow::Result<()> {
        let case = self.case_of.get(&i).context("a pickup without a case")?;
        let request = TicketRequest {
            case: Some(self.cases[*case].number.clone()),
            ..TicketRequest::default()
        };
        self.pickups += 1;
        self.issue(t, i, request).await
    }

    /// Stops a counter at the end of a session: a lunch pause, or the day's end.
    async fn rest(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        let afternoon = model::session_of(t) == 1;
        let reason = if afternoon { "下班" } else { "午休" };
        let path = format!("/api/v1/counters/{n}/pause");
        let desk = self.desk_mut(n)?;
        if let Some(since) = desk.open_since.take() {
            desk.record.open_secs += t - since;
        }
        desk.state = if afternoon {
            DeskState::Closed
        } else {
            DeskState::Paused
        };
        let client = desk.client.clone();
        client
            .post::<_, crate::api::CounterView>(&path, &json!({ "reason": reason }))
            .await
            .with_context(|| format!("pausing counter {n}"))?;
        Ok(())
    }

    async fn free(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        let end = SESSIONS[model::session_of(t)].1;
        if t >= end + OVERTIME {
            return self.rest(t, n).await;
        }
        let view = match self
            .desk(n)?
            .client
            .counter_action(n, CounterAction::CallNext)
            .await
        {
            Ok(view) => view,
            Err(e) if refused_with(&e, "nobody_waiting") => {
                if t >= end {
                    return self.rest(t, n).await;
                }
                self.desk_mut(n)?.state = DeskState::Idle(t);
                return Ok(());
            }
            Err(e) => return Err(e).with_context(|| format!("calling at counter {n}")),
        };
        let id = view.current.context("a call with nobody called")?.id;
        let held = *self
            .by_id
            .get(&id)
            .context("a ticket the simulation did not issue")?;
        let desk = self.desk_mut(n)?;
        desk.state = DeskState::Busy;
        desk.current = Some(held);
        desk.called_at = t;
        let citizens = self.citizens;
        let citizen = &citizens[self.tickets[held].citizen];
        if citizen.absent && !self.tickets[held].pickup {
            self.schedule(t + RECALL_GAP, Event::Recall(n));
        } else {
            self.schedule(t + citizen.walk, Event::Start(n));
        }
        Ok(())
    }

    async fn recall(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        self.act(n, CounterAction::Recall).await?;
        let held = self.desk(n)?.current.context("nobody called")?;
        self.tickets[held].recalls += 1;
        let next = if self.tickets[held].recalls >= self.config.setup.rules.recalls_before_no_show {
            Event::NoShow(n)
        } else {
            Event::Recall(n)
        };
        self.schedule(t + RECALL_GAP, next);
        Ok(())
    }

    /// The counter's citizen has gone: its time is counted and it calls again.
    fn leave(&mut self, t: Secs, n: CounterNo) {
        if let Some(desk) = self.desks.get_mut(&n) {
            desk.record.busy_secs += t - desk.called_at;
            desk.current = None;
        }
        self.schedule(t, Event::Free(n));
    }

    async fn finish(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        let held = self.desk(n)?.current.context("nobody at the counter")?;
        let citizen = self.tickets[held].citizen;
        if self.tickets[held].pickup {
            self.hand_over(n, citizen).await?;
        } else {
            self.open_case(t, n, citizen).await?;
        }
        self.act(n, CounterAction::Finish).await?;
        self.desk_mut(n)?.record.served += 1;
        if let Some(u) = self.citizens[citizen].rating {
            let wait = (self.desk(n)?.called_at - self.tickets[held].issued_at) as f64 / 60.0;
            self.rate(n, held, model::score(wait, u)).await?;
        }
        self.leave(t, n);
        Ok(())
    }

    async fn rate(&mut self, n: CounterNo, held: usize, score: u8) -> anyhow::Result<()> {
        let body = json!({ "ticket": self.tickets[held].id, "score": score });
        let recorded: RatingRecorded = self
            .desk(n)?
            .client
            .post("/api/v1/ratings", &body)
            .await
            .context("rating a ticket")?;
        let r = &mut self.ratings;
        r.average = (r.average * f64::from(r.count) + f64::from(score)) / f64::from(r.count + 1);
        r.count += 1;
        r.bad += u32::from(score <= 2);
        r.rectifications += u32::from(recorded.rectification.is_some());
        Ok(())
    }

    async fn close(&mut self, t: Secs) -> anyhow::Result<()> {
        let idle: Vec<CounterNo> = self
            .desks
            .iter()
            .filter(|(_, d)| matches!(d.state, DeskState::Idle(_)))
            .map(|(n, _)| *n)
            .collect();
        for n in idle {
            self.rest(t, n).await?;
        }
        Ok(())
    }

    async fn reopen(&mut self, t: Secs) -> anyhow::Result<()> {
        let paused: Vec<CounterNo> = self
            .desks
            .iter()
            .filter(|(_, d)| d.state == DeskState::Paused)
            .map(|(n, _)| *n)
            .collect();
        for n in paused {
            self.act(n, CounterAction::Resume).await?;
            let desk = self.desk_mut(n)?;
            desk.state = DeskState::Busy;
            desk.open_since = Some(t);
            self.schedule(t, Event::Free(n));
        }
        Ok(())
    }

    /// Moves to the next working morning, lets the hub end the day and raise
    /// its cards, and reads back every ticket's end and the cases' cards.
    pub async fn finish_day(mut self, next_morning: Timestamp) -> anyhow::Result<Outcome> {
        self.clock.set(next_morning);
        self.hub.tick().await.context("ending the day")?;
        let supervisor = self
            .config
            .setup
            .staff
            .iter()
            .find(|s| s.role == Role::Supervisor)
            .context("the hall has no supervisor to read the cards")?;
        let supervisor = self.log_in(&supervisor.id.0, None).await?;
        let watch: Supervision = supervisor
            .get("/api/v1/supervision")
            .await
            .context("reading supervision")?;
        let f = &mut self.case_figures;
        f.overdue = watch
            .cards
            .iter()
            .filter(|c| c.card == Some(Card::Red))
            .count() as u32;
        f.yellow_cards = watch
            .cards
            .iter()
            .filter(|c| c.card == Some(Card::Yellow))
            .count() as u32;
        f.steps_overdue = watch.steps_overdue.len() as u32;
        for case in &self.cases {
            let view: CaseView = supervisor
                .get(&format!("/api/v1/cases/{}", case.number))
                .await
                .context("reading a case's end")?;
            match view.state {
                CaseState::Accepted | CaseState::InReview | CaseState::Correction => {
                    f.undecided += 1
                }
                CaseState::Approved => f.awaiting_pickup += 1,
                CaseState::Closed if view.tracking_number.is_some() => f.mailed += 1,
                CaseState::Closed => f.handed_over += 1,
                CaseState::AwaitingMaterials | CaseState::Refused | CaseState::Rejected => {}
            }
        }
        let mut tickets = Vec::with_capacity(self.tickets.len());
        for held in &self.tickets {
            let status: TicketStatus = self
                .base
                .get(&format!("/api/v1/tickets/{}", held.id))
                .await
                .context("reading a ticket's end")?;
            tickets.push(TicketRecord {
                queue: status.queue,
                issued_at: held.issued_at,
                hub_estimate: held.hub_estimate,
                naive_estimate: held.naive_estimate,
                called_at: status.called_at.map(|c| self.secs(c)),
                state: status.state.into(),
            });
        }
        Ok(Outcome {
            tickets,
            counters: self.desks.into_values().map(|d| d.record).collect(),
            cases: self.case_figures,
            ratings: self.ratings,
            pickups: self.pickups,
            turned_away: self.turned_away,
        })
    }
}
