//! `yimen simulate`: a whole hall day on a virtual clock against a real hub
//! started in this process on a temporary database, driven through its HTTP
//! API as the kiosk, the counters, the reviewers and the pickup window
//! would. The same seed gives the same day.
//!
//! The 一件事 cases accepted that day are followed past it, working day by
//! working day of the hall's calendar, until their departments have
//! decided every task.
//!
//! With an appointment share, the day runs twice on the same citizens: once
//! with everybody walking in, once with that share of the visitors to the
//! queues that take bookings booking ahead (预约); the report compares the
//! two.
//!
//! - `model`: the citizens, drawn up front: Poisson arrivals by the hour
//!   with a morning peak, service times per queue, no-shows, the green
//!   channel, cases and their review, pickups, ratings; a 一件事's tasks,
//!   department by department; who books ahead and how they keep it;
//! - `driver`: runs them against the hub, event by event;
//! - `report`: waits per queue, utilisation, cases, ratings, the printed
//!   wait estimates against the real waits, the 一件事 cases against
//!   their promise, and what appointments changed.

mod driver;
pub mod model;
pub mod report;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use tokio::sync::oneshot;

pub use report::Report;

use self::driver::Driver;
use self::model::Citizen;
use self::model::appointments::Intent;
use self::report::Records;
use self::report::appointments::AppointmentRecords;
use self::report::bundles::{BundleRecord, BundleRecords};
use crate::api::{CaseView, Supervision};
use crate::config::{Config, DeviceKey, DeviceKind, DeviceSecret, secret};
use crate::devices::counter::CounterDevices;
use crate::domain::event::HallEvent;
use crate::domain::ids::{CounterNo, QueuePrefix, Timestamp};
use crate::domain::setup::{CounterKind, QueueKind};
use crate::hub::clock::ManualClock;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The business day; a working day of the hall's calendar.
    pub date: NaiveDate,
    /// Arrivals as a multiple of the model's ordinary day (about 270).
    pub rate: f64,
    /// Front-desk counters staffed, the lowest-numbered first; the pickup
    /// windows are staffed besides.
    pub counters: usize,
    /// Of the visitors to a queue that offers a 一件事, those who come for
    /// one, from 0 to 1.
    pub bundle_share: f64,
    /// Of the visitors to a queue that takes bookings, outside the green
    /// channel, those who book ahead, from 0 to 1. Above 0, the day also
    /// runs with nobody booking, to compare.
    pub appointment_share: f64,
    pub seed: u64,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            rate: 1.0,
            counters: 9,
            bundle_share: 0.4,
            appointment_share: 0.0,
            seed: 1,
        }
    }
}

/// A random secret for the day's staff and kiosk, so that any hall can be
/// simulated without knowing its PINs.
fn fresh_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).context("no random source")?;
    Ok(hex::encode(bytes))
}

/// Local `time` on `day` in the hall's zone.
fn local(config: &Config, day: NaiveDate, time: NaiveTime) -> Timestamp {
    let zone = config.setup.day_rule.zone;
    let naive = day.and_time(time);
    zone.from_local_datetime(&naive).earliest().map_or_else(
        || chrono::Utc.from_utc_datetime(&naive),
        |t| t.with_timezone(&chrono::Utc),
    )
}

/// Front-desk counters to staff, then every pickup window.
fn counters_open(config: &Config, front_desk: usize) -> Vec<CounterNo> {
    let mut numbers: Vec<CounterNo> = config
        .setup
        .counters
        .iter()
        .filter(|c| c.kind != CounterKind::Pickup)
        .map(|c| c.number)
        .collect();
    numbers.sort_unstable();
    numbers.truncate(front_desk);
    numbers.extend(
        config
            .setup
            .counters
            .iter()
            .filter(|c| c.kind == CounterKind::Pickup)
            .map(|c| c.number),
    );
    numbers
}

/// What the hub said at the end of a run, read as a supervisor.
pub struct HubEnd {
    pub supervision: Supervision,
    /// Every 一件事 case of the day.
    pub bundle_cases: Vec<CaseView>,
    /// Every event of the run, in order: with appointments, where the day
    /// ran twice.
    pub events: Vec<HallEvent>,
}

/// Simulates the plan's day in the hall of `config`.
///
/// # Errors
/// A bad plan (no arrivals, no counters, a day the hall is closed), the
/// hub cannot start, or it refuses a step the simulation expects to work.
pub async fn run(config: Config, plan: &Plan) -> anyhow::Result<Report> {
    Ok(run_and_supervise(config, plan).await?.0)
}

/// Simulates the plan's day, and reads the hub's supervision at the end.
///
/// # Errors
/// As [`run`].
pub async fn run_and_supervise(config: Config, plan: &Plan) -> anyhow::Result<(Report, HubEnd)> {
    let next_day = check(&config, plan)?;
    let (citizens, intents) = draw(&config, plan);
    let secrets = (fresh_secret()?, fresh_secret()?);
    let config = with_secrets(config, &secrets.0, &secrets.1)?;
    let day = Day {
        config: &config,
        plan,
        next_day,
        citizens: &citizens,
        secrets,
    };
    let without = if intents.iter().any(Option::is_some) {
        Some(day.run(&[], false).await?.outcome)
    } else {
        None
    };
    let DayRun {
        mut outcome,
        ending,
        events,
    } = day.run(&intents, true).await?;
    let ending = ending.context("the run ended without its 一件事 cases")?;
    let bundles = bundle_records(&config, ending.records, ending.days, ending.single_decided);
    // Who booked and never came did not arrive.
    let arrivals = citizens.len() - outcome.bookings.never_came as usize;
    let appointments = without.map(|without| AppointmentRecords {
        share: plan.appointment_share,
        outcome: std::mem::take(&mut outcome.bookings),
        without: without.tickets,
        queues: (config.setup.queues.iter())
            .map(|q| {
                let delay = (q.appointments.as_ref()).map(|r| r.walk_in_delay.num_minutes());
                (q.prefix.to_string(), q.name.clone(), delay)
            })
            .collect(),
    });
    let end = HubEnd {
        supervision: ending.supervision,
        bundle_cases: ending.cases,
        events,
    };
    let report = report(&config, plan, arrivals, outcome, bundles, appointments);
    Ok((report, end))
}

/// The day's citizens, and who of them books ahead.
fn draw(config: &Config, plan: &Plan) -> (Vec<Citizen>, Vec<Option<Intent>>) {
    let pickup_secs = (config.setup.queues.iter())
        .find(|q| q.kind == QueueKind::Pickup)
        .map_or(180.0, |q| q.default_service_minutes * 60.0);
    let demand = model::demand(&config.setup, &config.guides);
    let mix = model::Mix {
        scale: plan.rate,
        bundle_share: plan.bundle_share,
    };
    let mut citizens = model::citizens(&demand, pickup_secs, mix, plan.seed);
    model::bundles::plan_bundles(&mut citizens, &config.guides, plan.seed);
    let bookable: Vec<QueuePrefix> = (config.setup.queues.iter())
        .filter(|q| q.appointments.is_some())
        .map(|q| q.prefix)
        .collect();
    let share = plan.appointment_share;
    let intents = model::appointments::intents(&citizens, &bookable, share, plan.seed);
    (citizens, intents)
}

/// The hall day as each run has it.
struct Day<'a> {
    config: &'a Config,
    plan: &'a Plan,
    /// The working day after, when the day's end is read.
    next_day: NaiveDate,
    citizens: &'a [Citizen],
    /// The day's PIN and kiosk key.
    secrets: (String, String),
}

/// What one run of the day leaves.
struct DayRun {
    outcome: driver::Outcome,
    /// The 一件事 cases followed to their end, when asked.
    ending: Option<driver::Ending>,
    events: Vec<HallEvent>,
}

impl Day<'_> {
    /// Runs the day on a hub of its own with the citizens of `intents`
    /// booking ahead; then, if `follow`, the 一件事 cases to their end.
    async fn run(&self, intents: &[Option<Intent>], follow: bool) -> anyhow::Result<DayRun> {
        let (config, date) = (self.config, self.plan.date);
        let midnight = local(config, date, NaiveTime::MIN);
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
        let next_morning = local(config, self.next_day, nine);
        let clock = Arc::new(ManualClock::new(midnight));
        // The day's database is thrown away: on a RAM disk where there is one.
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .context("cannot make a temporary folder")?;
        let db = dir.path().join("simulate.db");
        let running =
            crate::hub::open(config.clone(), &db, clock.clone()).context("cannot start the hub")?;
        let hub = running.hub();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(running.serve(listener, async {
            let _ = stopped.await;
        }));

        let open = counters_open(config, self.plan.counters);
        let outcome = async {
            let secrets = self.secrets.clone();
            let mut driver = Driver::new(config, clock, hub, date, &url, secrets, self.citizens)
                .booking_ahead(intents);
            driver.book_ahead().await?;
            driver.open(&open).await?;
            driver.run().await?;
            let day = driver.finish_day(next_morning).await?;
            if !follow {
                return Ok((day, None));
            }
            driver.follow_bundles().await?;
            Ok::<_, anyhow::Error>((day, Some(driver.finish_run().await?)))
        }
        .await;
        let _ = stop.send(());
        server.await.context("the hub stopped abnormally")??;
        let (outcome, ending) = outcome?;
        Ok(DayRun {
            outcome,
            ending,
            events: events(&db)?,
        })
    }
}

/// Every event in the log of the database at `db`, in order.
fn events(db: &Path) -> anyhow::Result<Vec<HallEvent>> {
    let conn = crate::store::open_reader(db).context("cannot read the day's database")?;
    let stored = crate::store::events::since(&conn, 0, i64::MAX as usize)?;
    stored
        .iter()
        .map(|e| serde_json::from_str(&e.payload).context("an event the log cannot read back"))
        .collect()
}

/// Checks the plan against the hall, and finds the working day after it,
/// when the day's end is read.
fn check(config: &Config, plan: &Plan) -> anyhow::Result<NaiveDate> {
    ensure!(
        plan.rate.is_finite() && plan.rate > 0.0,
        "the arrival rate must be a positive number"
    );
    ensure!(plan.counters > 0, "at least one counter must be open");
    ensure!(
        (0.0..=1.0).contains(&plan.bundle_share),
        "the share of 一件事 visitors must be between 0 and 1"
    );
    ensure!(
        (0.0..=1.0).contains(&plan.appointment_share),
        "the share of visitors who book ahead must be between 0 and 1"
    );
    let calendar = &config.setup.calendar;
    ensure!(
        calendar.is_working_day(plan.date).value,
        "{} is not a working day of the hall",
        plan.date
    );
    (1..=30)
        .map(|d| plan.date + Duration::days(d))
        .find(|d| calendar.is_working_day(*d).value)
        .context("no working day in the month after")
}

/// Calendar days a closed case stays at hand in the simulated hall: the
/// whole run, so that the supervisor's figures at its end still count the
/// cases closed at its start (the sample hall forgets them after 30 days).
const KEEP_CLOSED_DAYS: i64 = 2 * driver::MAX_DAYS as i64;

/// The hall with the day's own PIN for every staff member and one kiosk key,
/// no counter devices, and closed cases kept for the run.
fn with_secrets(mut config: Config, pin: &str, key: &str) -> anyhow::Result<Config> {
    Arc::make_mut(&mut config.setup).cases.keep_closed_days = KEEP_CLOSED_DAYS;
    let pin_hash = secret::hash(pin)?;
    config.pins = config
        .setup
        .staff
        .iter()
        .map(|s| (s.id.clone(), pin_hash.clone()))
        .collect();
    config.devices = vec![DeviceKey {
        name: "模拟取号机".into(),
        kind: DeviceKind::Kiosk,
        secret: DeviceSecret::Sha256(secret::sha256(key)),
        // The simulated kiosk stands at the guide desk, whose guide gives
        // the green channel to those who need it.
        priority: true,
    }];
    config.counter_devices = CounterDevices::default();
    Ok(config)
}

/// What the 一件事 figures are built from, with the hall's names.
fn bundle_records(
    config: &Config,
    cases: Vec<BundleRecord>,
    days: u32,
    single_decided: BTreeMap<String, u32>,
) -> BundleRecords {
    BundleRecords {
        days,
        cases,
        single_decided,
        services: (config.guides.iter())
            .filter(|g| g.bundle.is_some())
            .map(|g| (g.code.0.clone(), g.name.clone()))
            .collect(),
        department_names: (config.departments.iter())
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect(),
    }
}

fn report(
    config: &Config,
    plan: &Plan,
    arrivals: usize,
    outcome: driver::Outcome,
    bundles: BundleRecords,
    appointments: Option<AppointmentRecords>,
) -> Report {
    let queue_names = config
        .setup
        .queues
        .iter()
        .map(|q| (q.prefix.to_string(), q.name.clone()))
        .collect();
    Report::build(Records {
        date: plan.date,
        seed: plan.seed,
        rate: plan.rate,
        bundle_share: plan.bundle_share,
        arrivals: arrivals as u32,
        pickups: outcome.pickups,
        turned_away: outcome.turned_away,
        queue_names,
        tickets: outcome.tickets,
        counters: outcome.counters,
        cases: outcome.cases,
        ratings: outcome.ratings,
        bundles,
        appointments,
    })
}
