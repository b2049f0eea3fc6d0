//! Runs the day's citizens against a real hub through its HTTP API, one
//! event at a time in time order: the virtual clock jumps to each event (an
//! arrival, a call, a service's end, a reviewer's decision), so a day takes
//! seconds and the same citizens always meet the same hall.
//!
//! - `day`: staff log in before the doors open; the figures read back after;
//! - `appointments`: booking before the doors open, checking in around the
//!   booked time, the hub's tick closing each check-in window;
//! - `desks`: the counters: issuing, calling, serving, rating;
//! - `cases`: the cases opened at the desk, reviewed, and picked up;
//! - `bundles`: the 一件事 cases, task by task, over the working days after.

mod appointments;
mod bundles;
mod cases;
mod day;
mod desks;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};

pub use self::bundles::MAX_DAYS;
use self::bundles::{BundleRun, Step};
use super::model::appointments::Intent;
use super::model::{Citizen, SESSIONS, Secs};
use super::report::appointments::BookingOutcome;
use super::report::{Came, CaseFigures, CounterRecord, RatingFigures, TicketRecord};
use crate::api::{CaseView, SessionRequest, Supervision};
use crate::client::{Client, ClientError};
use crate::clock::ManualClock;
use crate::config::Config;
use crate::domain::ids::{CounterNo, QueuePrefix, Timestamp};

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
    /// A citizen with a booking checks in at the kiosk.
    CheckIn(usize),
    /// The hub's tick, as a check-in window closes.
    Tick,
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
    /// A step of a 一件事 case (an index into `bundles`).
    Bundle(usize, Step),
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
    came: Came,
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

/// A citizen's booking, as the hub made it.
struct Booked {
    code: String,
    /// The booked time.
    at: Secs,
}

/// Everything the day leaves behind for the report.
pub struct Outcome {
    pub tickets: Vec<TicketRecord>,
    pub bookings: BookingOutcome,
    pub counters: Vec<CounterRecord>,
    pub cases: CaseFigures,
    pub ratings: RatingFigures,
    pub pickups: u32,
    pub turned_away: u32,
}

/// The 一件事 cases at the end of the run, as the simulation ran them and
/// as the hub's supervisor sees them.
pub struct Ending {
    pub records: Vec<super::report::bundles::BundleRecord>,
    /// Working days the run went on after the hall day.
    pub days: u32,
    /// Single cases each department decided.
    pub single_decided: BTreeMap<String, u32>,
    pub supervision: Supervision,
    /// Every 一件事 case, read as the supervisor.
    pub cases: Vec<CaseView>,
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
    /// Who books ahead, by citizen: none by default.
    intents: &'a [Option<Intent>],
    /// The bookings made, by citizen.
    booked: HashMap<usize, Booked>,
    /// The seconds check-ins are scheduled at: one citizen a second.
    check_ins: HashSet<Secs>,
    booking_outcome: BookingOutcome,
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
    /// The hall day, then the working days after it, by the hall's calendar.
    days: Vec<NaiveDate>,
    bundles: Vec<BundleRun>,
    /// 一件事 steps after the hall day, at office seconds since its opening.
    later: BinaryHeap<Scheduled>,
    /// Working days after the hall day the 一件事 cases have gone on.
    days_run: u32,
    /// Staff logged in on a working day after the hall day, with the day.
    sessions: HashMap<String, (u32, Client)>,
    /// Who works the front desk and the pickup window after the hall day.
    front_desk: Option<(String, CounterNo)>,
    pickup: Option<(String, CounterNo)>,
    /// Single cases decided, by department.
    single_decided: BTreeMap<String, u32>,
}

fn refused_with(e: &ClientError, wanted: &str) -> bool {
    matches!(e, ClientError::Refused { code, .. } if code == wanted)
}

impl<'a> Driver<'a> {
    pub fn new(
        config: &'a Config,
        clock: Arc<ManualClock>,
        hub: Arc<crate::hub::Hub>,
        date: NaiveDate,
        url: &str,
        (pin, key): (String, String),
        citizens: &'a [Citizen],
    ) -> Self {
        let base = Client::new(url);
        Self {
            config,
            clock,
            hub,
            midnight: super::local(config, date, NaiveTime::MIN),
            kiosk: base.with_credential(key),
            base,
            pin,
            citizens,
            intents: &[],
            booked: HashMap::new(),
            check_ins: HashSet::new(),
            booking_outcome: BookingOutcome::default(),
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
            days: vec![date],
            bundles: Vec::new(),
            later: BinaryHeap::new(),
            days_run: 0,
            sessions: HashMap::new(),
            front_desk: None,
            pickup: None,
            single_decided: BTreeMap::new(),
        }
    }

    /// Lets the citizens with an intent book ahead: see
    /// [`super::model::appointments`].
    pub fn booking_ahead(self, intents: &'a [Option<Intent>]) -> Self {
        Self { intents, ..self }
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

    /// Runs every event of the day until none is left.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        for (i, c) in self.citizens.iter().enumerate() {
            if !self.booked.contains_key(&i) {
                self.schedule(c.arrives, Event::Arrive(i));
            }
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
            Event::CheckIn(i) => self.check_in(t, i).await,
            Event::Tick => self.hub.tick().await.context("the hub's tick"),
            Event::Collect(i) => self.collect(t, i).await,
            Event::Free(n) => self.free(t, n).await,
            Event::Recall(n) => self.recall(t, n).await,
            Event::NoShow(n) => self.no_show(t, n).await,
            Event::Start(n) => self.start(t, n).await,
            Event::Finish(n) => self.finish(t, n).await,
            Event::Close => self.close(t).await,
            Event::Reopen => self.reopen(t).await,
            Event::Review(department) => self.review(t, department).await,
            Event::Decide(department, case) => self.decide(t, department, case).await,
            Event::Bundle(run, step) => {
                let now = super::model::bundles::WorkTime::on_hall_day(t);
                self.bundle_step(t, now, run, step).await
            }
        }
    }

    fn desk(&self, n: CounterNo) -> anyhow::Result<&Desk> {
        self.desks.get(&n).context("an unknown counter")
    }

    fn desk_mut(&mut self, n: CounterNo) -> anyhow::Result<&mut Desk> {
        self.desks.get_mut(&n).context("an unknown counter")
    }

    /// The client of the clerk at counter `n`.
    fn clerk(&self, n: CounterNo) -> anyhow::Result<&Client> {
        Ok(&self.desk(n)?.client)
    }
}
