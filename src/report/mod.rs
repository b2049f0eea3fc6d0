//! The hall's report (运行报表) for one business day or a range of days:
//! read from the database by [`crate::store::period`], computed by pure
//! functions, and written as one self-contained HTML page with SVG charts
//! and a CSV per table.
//!
//! - `tables`: waits, service times, queues, days and ratings from those rows;
//! - `cases`: cases per department and deadline compliance;
//! - `efficiency`: each department's tasks and each 一件事 service against
//!   its promise (效能监察);
//! - `appointments`: bookings per service, their check-ins, no-shows and
//!   punctuality (预约);
//! - `render`: every table as text, for the page and for CSV;
//! - `chart`: bar charts as inline SVG (plotters);
//! - `html`: the page.
//!
//! What a period covers: tickets by their business day; ratings by the
//! business day of their time in the hall's zone; cases by the day each step
//! happened; bookings by their booked day. Rows hold the latest state of each ticket and case, so a ticket
//! called twice (transferred, or back after a no-show) counts its last call,
//! and a no-show who came back is not a no-show.

pub mod appointments;
pub mod cases;
mod chart;
pub mod efficiency;
mod html;
mod render;
pub mod tables;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::Config;
use crate::domain::efficiency::{BundleShare, DepartmentLoad};
use crate::domain::ids::{CounterNo, QueuePrefix, StaffId};
use crate::store::heads::{Heads, SignedHead};
use crate::store::period::RatingRow;
use crate::store::{Connection, StoreError};
use appointments::ServiceBookings;
use cases::DepartmentCases;
use tables::{DaySummary, HourWaits, QueueDay, Spread};

/// The longest period one report covers.
const MAX_DAYS: i64 = 366;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The period asked for makes no sense.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a chart cannot be drawn: {0}")]
    Chart(String),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Business days from `from` to `to`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// # Errors
    /// `Invalid` when `to` comes before `from`, or the range is longer than
    /// a year.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, ReportError> {
        if to < from {
            return Err(ReportError::Invalid(format!(
                "the period ends ({to}) before it begins ({from})"
            )));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(ReportError::Invalid(format!(
                "a report covers at most {MAX_DAYS} days"
            )));
        }
        Ok(Self { from, to })
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.from..=self.to).contains(&day)
    }

    /// The default folder name: `report-2026-03-02`, or
    /// `report-2026-03-02_2026-03-06` for a range.
    pub fn folder_name(&self) -> String {
        if self.from == self.to {
            format!("report-{}", self.from)
        } else {
            format!("report-{}_{}", self.from, self.to)
        }
    }
}

impl fmt::Display for Period {
    /// `2026-03-02`, or `2026-03-02 至 2026-03-06`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{} 至 {}", self.from, self.to)
        }
    }
}

/// What the hall calls its counters, staff, queues and departments.
#[derive(Clone, Debug, Default)]
struct Names {
    counters: BTreeMap<CounterNo, String>,
    staff: HashMap<StaffId, String>,
    queues: HashMap<QueuePrefix, String>,
    /// Code, name and short name, in the catalogue's order.
    departments: Vec<(String, String, String)>,
    /// The services' names, by code.
    services: HashMap<String, String>,
}

impl Names {
    fn from_config(config: &Config) -> Self {
        let setup = &config.setup;
        Self {
            counters: setup
                .counters
                .iter()
                .map(|c| (c.number, c.name.clone()))
                .collect(),
            staff: setup
                .staff
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
            queues: setup
                .queues
                .iter()
                .map(|q| (q.prefix, q.name.clone()))
                .collect(),
            departments: config
                .departments
                .iter()
                .map(|d| (d.code.clone(), d.name.clone(), d.short_name.clone()))
                .collect(),
            services: (config.guides.iter())
                .map(|g| (g.code.0.clone(), g.name.clone()))
                .collect(),
        }
    }

    /// A service's name and code, such as `开办企业一件事（ZWFW-001）`.
    fn service(&self, code: &str) -> String {
        self.services
            .get(code)
            .map_or_else(|| code.to_owned(), |name| format!("{name}（{code}）"))
    }

    fn counter(&self, n: CounterNo) -> String {
        self.counters
            .get(&n)
            .cloned()
            .unwrap_or_else(|| format!("{n}号窗口"))
    }

    fn staff(&self, id: &StaffId) -> String {
        self.staff
            .get(id)
            .map_or_else(|| id.0.clone(), |name| format!("{name}（{id}）"))
    }

    fn queue(&self, q: QueuePrefix) -> String {
        self.queues
            .get(&q)
            .map_or_else(|| q.to_string(), |name| format!("{q} {name}"))
    }

    fn department(&self, code: &str) -> String {
        self.departments
            .iter()
            .find(|(c, _, _)| c == code)
            .map_or_else(|| code.to_owned(), |(_, name, _)| name.clone())
    }

    fn department_short(&self, code: &str) -> String {
        self.departments
            .iter()
            .find(|(c, _, _)| c == code)
            .map_or_else(|| code.to_owned(), |(_, _, short)| short.clone())
    }
}

/// Every table of the report, computed.
#[derive(Clone, Debug)]
pub struct Report {
    /// The hall's name, for the title.
    pub hall: String,
    pub period: Period,
    /// Waiting time by local hour of issue.
    pub waits_by_hour: Vec<HourWaits>,
    /// Service time (call to finish) per counter.
    pub service_by_counter: Vec<(CounterNo, Spread)>,
    /// Service time (call to finish) per staff member.
    pub service_by_staff: Vec<(StaffId, Spread)>,
    /// Issued, finished, no-shows and unserved per queue.
    pub queues: Vec<QueueDay>,
    /// One line per business day with tickets.
    pub days: Vec<DaySummary>,
    /// Ratings per score: index 0 is score 1 (非常不满意), 4 is score 5.
    pub scores: [u32; 5],
    /// Ratings of 2 or 1, with their rectification.
    pub bad_reviews: Vec<RatingRow>,
    /// Cases per department, every configured department listed.
    pub cases: Vec<DepartmentCases>,
    /// Each department's tasks (a 一件事's and single cases'), every
    /// configured department listed.
    pub departments: Vec<DepartmentLoad>,
    /// Each 一件事 service of the catalogue against its promise.
    pub bundles: Vec<BundleShare>,
    /// Bookings per service with one for the period's days.
    pub appointments: Vec<ServiceBookings>,
    /// Each day's signed head of the audit log, so that a copy of it lives
    /// wherever the report goes; see [`Report::with_signed_heads`].
    pub audit_heads: Vec<SignedHead>,
    /// The hall's public key that checks them, as 64 hex digits.
    pub audit_key: Option<String>,
    /// The hall's zone, for times shown.
    zone: chrono_tz::Tz,
    names: Names,
}

impl Report {
    /// Reads the period from the database and computes every table.
    ///
    /// # Errors
    /// The database cannot be read or holds a row that makes no sense.
    pub fn build(conn: &Connection, config: &Config, period: Period) -> Result<Self, ReportError> {
        let setup = &config.setup;
        let rows = crate::store::period::read(conn, &setup.day_rule, period.from, period.to)?;
        let departments: Vec<String> = config.departments.iter().map(|d| d.code.clone()).collect();
        let services: Vec<(String, u32)> = (config.guides.iter())
            .filter(|g| g.bundle.is_some())
            .map(|g| (g.code.0.clone(), g.promised_days))
            .collect();
        let (calendar, day_rule) = (&setup.calendar, &setup.day_rule);
        let zone = setup.day_rule.zone;
        Ok(Self {
            hall: setup.name.clone(),
            period,
            waits_by_hour: tables::waits_by_hour(&rows.tickets, zone),
            service_by_counter: tables::service_by(&rows.tickets, |t| t.counter),
            service_by_staff: tables::service_by(&rows.tickets, |t| t.staff.clone()),
            queues: tables::queues(&rows.tickets),
            days: tables::days(&rows.tickets),
            scores: tables::scores(&rows.ratings),
            bad_reviews: tables::bad_reviews(&rows.ratings),
            cases: cases::by_department(&rows.cases, &departments, calendar, day_rule, period),
            departments: efficiency::department_loads(
                &rows.cases,
                &departments,
                calendar,
                day_rule,
                period,
            ),
            bundles: efficiency::bundle_shares(&rows.cases, &services, calendar, day_rule, period),
            appointments: appointments::by_service(&rows.bookings),
            audit_heads: Vec::new(),
            audit_key: None,
            zone,
            names: Names::from_config(config),
        })
    }

    /// Adds the period's signed heads from the database's folder of them.
    ///
    /// # Errors
    /// A head's file cannot be read.
    pub fn with_signed_heads(mut self, heads: &Heads) -> Result<Self, ReportError> {
        self.audit_heads = heads
            .read_all()?
            .into_iter()
            .filter(|h| self.period.contains(h.day))
            .collect();
        self.audit_key = heads.public_key()?.map(|k| hex::encode(k.as_bytes()));
        Ok(self)
    }

    /// Writes `report.html` and one CSV per table into `dir`, creating it;
    /// returns the files written.
    ///
    /// # Errors
    /// A chart cannot be drawn or a file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| ReportError::Write { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let tables = render::tables(self);
        let page = html::page(self, &tables)?;
        let mut written = Vec::new();
        let path = dir.join("report.html");
        std::fs::write(&path, page).map_err(io(&path))?;
        written.push(path);
        for table in &tables {
            let path = dir.join(format!("{}.csv", table.file));
            std::fs::write(&path, table.csv()).map_err(io(&path))?;
            written.push(path);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn a_period_runs_forwards_for_at_most_a_year() {
        assert!(matches!(
            Period::new(d(3), d(2)),
            Err(ReportError::Invalid(_))
        ));
        let long = Period::new(d(2), d(2) + chrono::Duration::days(MAX_DAYS));
        assert!(matches!(long, Err(ReportError::Invalid(_))));
        let day = Period::new(d(2), d(2)).unwrap();
        assert_eq!(
            (day.to_string(), day.folder_name()),
            ("2026-03-02".into(), "report-2026-03-02".into())
        );
        let week = Period::new(d(2), d(6)).unwrap();
        assert_eq!(week.to_string(), "2026-03-02 至 2026-03-06");
        assert_eq!(week.folder_name(), "report-2026-03-02_2026-03-06");
    }

    #[test]
    fn an_empty_day_still_writes_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("y.db")).unwrap();
        let hall = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        let (config, _) = Config::load(&hall, d(2)).unwrap();
        let report = Report::build(&conn, &config, Period::new(d(2), d(2)).unwrap()).unwrap();
        let files = report.write(&dir.path().join("out")).unwrap();
        assert_eq!(files.len(), 14, "the page and thirteen tables");
        let page = std::fs::read_to_string(&files[0]).unwrap();
        assert!(page.contains("本期无数据") && page.contains("本期无记录"));
        let csv = std::fs::read_to_string(dir.path().join("out/waits-by-hour.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1, "the header alone: {csv}");
    }
}
