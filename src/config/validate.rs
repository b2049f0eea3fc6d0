//! Turns the raw files into a `Config`, collecting every problem on the way.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

use super::diagnostic::{Diagnostic, Source};
use super::raw::{
    CalendarFile, CasesSection, CatalogueFile, HallFile, LimitsSection, QueueEntry, RulesSection,
};
use super::{Config, Limits, secret};
use crate::domain::calendar::{WorkingCalendar, YearSchedule};
use crate::domain::guide::{Department, Guide, ItemKind};
use crate::domain::ids::{DayRule, QueuePrefix, ServiceCode, StaffId};
use crate::domain::search::SearchIndex;
use crate::domain::setup::{
    CaseRules, CounterKind, CounterSetup, HallSetup, QueueKind, QueueRules, QueueSetup, Role,
    StaffSetup,
};

/// Collects diagnostics while validating.
#[derive(Default)]
pub(super) struct Report(Vec<Diagnostic>);

impl Report {
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Keeps an error aside and yields the value, if any.
    fn take<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.push(d)).ok()
    }
}

pub(super) fn load(dir: &Path, today: NaiveDate) -> (Option<Config>, Vec<Diagnostic>) {
    let mut report = Report::default();
    let (departments, guides) = load_catalogue(dir, &mut report);
    let calendar = load_calendar(dir, today, &mut report);
    let hall = Source::read(dir, "hall.toml").and_then(|s| s.parse::<HallFile>().map(|f| (s, f)));
    let config = report.take(hall).and_then(|(source, file)| {
        let mut check = HallCheck {
            calendar,
            source: &source,
            departments: &departments,
            guides: &guides,
            report: &mut report,
        };
        let built = check.hall(file)?;
        let counters: Vec<_> = built.setup.counters.iter().map(|c| c.number).collect();
        let (counter_devices, problems) = super::counter_devices::load(dir, &counters);
        for d in problems {
            report.push(d);
        }
        let mut departments = departments;
        // Departments in the order of the queues that serve them, as the hall lists them.
        departments.sort_by_key(|d| {
            built
                .setup
                .queues
                .iter()
                .position(|q| {
                    guides
                        .iter()
                        .any(|g| g.department == d.code && q.services.contains(&g.code))
                })
                .unwrap_or(usize::MAX)
        });
        Some(Config {
            dir: dir.to_owned(),
            departments,
            search: Arc::new(SearchIndex::new(&guides)),
            guides,
            counter_devices,
            ..built
        })
    });
    (config, report.0)
}

fn files_in(dir: &Path, sub: &str, report: &mut Report) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir.join(sub)) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect(),
        Err(e) => {
            report.push(Diagnostic {
                severity: super::Severity::Error,
                file: sub.into(),
                field: String::new(),
                line: None,
                message: format!("cannot read the folder: {e}"),
            });
            Vec::new()
        }
    };
    names.sort();
    names
}

fn load_catalogue(dir: &Path, report: &mut Report) -> (Vec<Department>, Vec<Guide>) {
    let mut departments = Vec::new();
    let mut guides: Vec<Guide> = Vec::new();
    let mut codes = HashSet::new();
    let mut names = HashMap::new();
    let mut bundled = Vec::new();
    for name in files_in(dir, "services", report) {
        let file = format!("services/{name}");
        let Some((source, catalogue)) = report.take(
            Source::read(dir, &file).and_then(|s| s.parse::<CatalogueFile>().map(|c| (s, c))),
        ) else {
            continue;
        };
        let stem = name.trim_end_matches(".toml");
        if catalogue.department.code != stem {
            report.push(source.error(
                "department.code",
                format!("should be “{stem}”, the file's name"),
            ));
        }
        for (i, mut g) in catalogue.services.into_iter().enumerate() {
            let at = |field: &str| format!("services[{i}].{field}");
            if !codes.insert(g.code.clone()) {
                report.push(source.error(at("code"), format!("{} is used twice", g.code)));
            }
            if let Some(other) = names.insert(g.name.clone(), g.code.clone()) {
                report.push(source.error(
                    at("name"),
                    format!("“{}” is also the name of {other}", g.name),
                ));
            }
            for problem in guide_problems(&g) {
                report.push(source.error(at(problem.0), problem.1));
            }
            g.department = catalogue.department.code.clone();
            if g.bundle.is_some() {
                bundled.push((file.clone(), i, guides.len()));
            }
            guides.push(g);
        }
        departments.push(catalogue.department);
    }
    check_bundles(dir, &bundled, &departments, &guides, report);
    if guides.is_empty() {
        report.push(Diagnostic {
            severity: super::Severity::Error,
            file: "services".into(),
            field: String::new(),
            line: None,
            message: "the catalogue has no service items".into(),
        });
    }
    (departments, guides)
}

/// The 一件事 bundles' stages against every department of the catalogue:
/// `bundled` names each bundle's file, its index there and in `guides`.
fn check_bundles(
    dir: &Path,
    bundled: &[(String, usize, usize)],
    departments: &[Department],
    guides: &[Guide],
    report: &mut Report,
) {
    let codes: Vec<&str> = departments.iter().map(|d| d.code.as_str()).collect();
    for (file, i, at) in bundled {
        let guide = &guides[*at];
        let Some(bundle) = &guide.bundle else {
            continue;
        };
        let Some(source) = report.take(Source::read(dir, file)) else {
            continue;
        };
        for (field, why) in bundle.problems(guide, &codes) {
            report.push(source.error(format!("services[{i}].bundle.{field}"), why));
        }
    }
}

fn guide_problems(g: &Guide) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if g.code.0.trim().is_empty() || g.name.trim().is_empty() {
        problems.push(("name", "code and name must not be empty".into()));
    }
    if g.statutory_days < g.promised_days {
        problems.push((
            "promised_days",
            format!(
                "promises {} days, more than the statutory {}",
                g.promised_days, g.statutory_days
            ),
        ));
    }
    if g.kind == ItemKind::Immediate && g.promised_days != 0 {
        problems.push((
            "promised_days",
            "an immediate item (即办件) promises 0 days".into(),
        ));
    }
    if !(1..=4).contains(&g.online_depth) {
        problems.push(("online_depth", "must be 1 to 4".into()));
    }
    if g.materials.iter().any(|m| m.name.trim().is_empty()) {
        problems.push(("materials", "every material needs a name".into()));
    }
    problems
}

fn load_calendar(dir: &Path, today: NaiveDate, report: &mut Report) -> WorkingCalendar {
    let mut years = BTreeMap::new();
    for name in files_in(dir, "calendar", report) {
        if let Some((year, schedule)) = read_year(dir, &name, report) {
            years.insert(year, schedule);
        }
    }
    let calendar = WorkingCalendar::new(years);
    warn_missing_years(&calendar, today, report);
    calendar
}

/// One year's file of calendar/: its holidays and make-up working days.
fn read_year(dir: &Path, name: &str, report: &mut Report) -> Option<(i32, YearSchedule)> {
    let file = format!("calendar/{name}");
    let (source, cal) = report
        .take(Source::read(dir, &file).and_then(|s| s.parse::<CalendarFile>().map(|c| (s, c))))?;
    if name.trim_end_matches(".toml") != cal.year.to_string() {
        report.push(source.error(
            "year",
            format!("{} does not match the file's name", cal.year),
        ));
        return None;
    }
    let mut schedule = YearSchedule::default();
    let date = |field: String, text: &str, report: &mut Report| match NaiveDate::parse_from_str(
        text, "%Y-%m-%d",
    ) {
        Ok(d) if d.year() == cal.year => Some(d),
        Ok(_) => {
            report.push(source.error(field, format!("{text} is not in {}", cal.year)));
            None
        }
        Err(_) => {
            report.push(source.error(field, format!("“{text}” is not a date like 2026-10-01")));
            None
        }
    };
    for (i, h) in cal.holidays.iter().enumerate() {
        let from = date(format!("holidays[{i}].from"), &h.from, report);
        let to = date(format!("holidays[{i}].to"), &h.to, report);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if from > to {
            report.push(source.error(
                format!("holidays[{i}].to"),
                format!("{} ends before it begins", h.name),
            ));
        }
        schedule
            .holidays
            .extend(from.iter_days().take_while(|d| *d <= to));
    }
    for (i, text) in cal.workdays.iter().enumerate() {
        let field = format!("workdays[{i}]");
        let Some(d) = date(field.clone(), text, report) else {
            continue;
        };
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            report.push(source.warning(
                field.clone(),
                format!("{d} is a weekday; a make-up day is usually a weekend day"),
            ));
        }
        if schedule.holidays.contains(&d) {
            report.push(source.error(field, format!("{d} is also a holiday")));
        }
        schedule.workdays.insert(d);
    }
    Some((cal.year, schedule))
}

/// A warning for this year, and for the next in its last weeks, when no
/// calendar file gives them.
fn warn_missing_years(calendar: &WorkingCalendar, today: NaiveDate, report: &mut Report) {
    let mut needed = vec![today.year()];
    // Deadlines set in the last weeks of a year run into the next.
    if today.ordinal() + 60 > 365 {
        needed.push(today.year() + 1);
    }
    for year in needed.into_iter().filter(|y| !calendar.knows(*y)) {
        report.push(Diagnostic {
            severity: super::Severity::Warning,
            file: format!("calendar/{year}.toml").into(),
            field: String::new(),
            line: None,
            message: format!(
                "no calendar for {year}: only weekends count as days off until it is added"
            ),
        });
    }
}

/// Checks hall.toml against the catalogue, collecting what it finds;
/// `credentials` checks the part about staff and device secrets.
pub(super) struct HallCheck<'a> {
    calendar: WorkingCalendar,
    pub(super) source: &'a Source,
    departments: &'a [Department],
    guides: &'a [Guide],
    pub(super) report: &'a mut Report,
}

impl HallCheck<'_> {
    pub(super) fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let d = self.source.error(field, message);
        self.report.push(d);
    }

    fn hall(&mut self, file: HallFile) -> Option<Config> {
        let zone = file.hall.timezone.parse().map_err(|_| {
            self.error(
                "hall.timezone",
                format!(
                    "“{}” is not a time zone such as Asia/Shanghai",
                    file.hall.timezone
                ),
            );
        });
        let rollover = NaiveTime::parse_from_str(&file.hall.rollover, "%H:%M").map_err(|_| {
            self.error(
                "hall.rollover",
                format!("“{}” is not a time like 02:00", file.hall.rollover),
            );
        });
        if file.hall.name.trim().is_empty() {
            self.error("hall.name", "the hall needs a name");
        }
        let public_url = self.public_url(file.hall.public_url.as_deref());
        let rules = rules(&file.rules);
        let logins = self.logins(&file.logins, &rules);
        let mut queues = self.queues(&file.queues);
        let counters = self.counters(&file, &queues);
        self.appointments(&file.queues, &mut queues, &counters);
        let bookings = self.booking_rules(&file.appointments);
        let (staff, pins) = self.staff(&file, &counters);
        let devices = self.devices(&file);
        self.demo_credentials(&file, &pins, &devices);
        let setup = HallSetup {
            name: file.hall.name.clone(),
            day_rule: DayRule {
                zone: zone.ok()?,
                rollover: rollover.ok()?,
            },
            rules,
            queues,
            counters,
            staff,
            calendar: std::mem::take(&mut self.calendar),
            departments_by_service: self
                .guides
                .iter()
                .map(|g| (g.code.clone(), g.department.clone()))
                .collect(),
            cases: cases(&file.cases),
            bookings,
        };
        Some(Config {
            dir: Default::default(),
            setup: Arc::new(setup),
            hours: file.hall.hours,
            notices: file.hall.notices,
            public_url,
            departments: Vec::new(),
            guides: Vec::new(),
            search: Arc::default(),
            pins,
            devices,
            logins,
            demo_credentials: file.hall.demo_credentials,
            counter_devices: Default::default(),
            limits: self.limits(&file.limits),
        })
    }

    /// The public face's address as phones reach it, without a trailing
    /// slash.
    fn public_url(&mut self, raw: Option<&str>) -> Option<String> {
        let url = raw?.trim().trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match host {
            Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => {
                Some(url.to_owned())
            }
            _ => {
                self.error(
                    "hall.public_url",
                    format!("“{url}” is not an address like https://yimen.example.gov.cn"),
                );
                None
            }
        }
    }

    fn queues(&mut self, entries: &[QueueEntry]) -> Vec<QueueSetup> {
        let mut queues: Vec<QueueSetup> = Vec::new();
        for (i, q) in entries.iter().enumerate() {
            let at = |field: &str| format!("queues[{i}].{field}");
            let prefix = match q.prefix.parse::<QueuePrefix>() {
                Ok(p) if queues.iter().any(|other| other.prefix == p) => {
                    self.error(at("prefix"), format!("queue {p} is defined twice"));
                    continue;
                }
                Ok(p) => p,
                Err(e) => {
                    self.error(at("prefix"), e);
                    continue;
                }
            };
            let kind = match q.kind.as_deref().unwrap_or("service") {
                "service" => QueueKind::Service,
                "pickup" => QueueKind::Pickup,
                other => {
                    self.error(at("kind"), format!("“{other}” is not service or pickup"));
                    QueueKind::Service
                }
            };
            let services = self.queue_services(i, q);
            if kind == QueueKind::Pickup && !services.is_empty() {
                self.error(
                    at("services"),
                    "a pickup queue serves cases, not service items",
                );
            }
            self.check_numbers(i, q);
            let [first, last] = q.numbers;
            queues.push(QueueSetup {
                prefix,
                name: q.name.clone(),
                kind,
                services,
                daily_cap: q.daily_cap,
                first,
                last,
                default_service_minutes: q.service_minutes,
                appointments: None,
            });
        }
        self.warn_unserved(&queues);
        queues
    }

    /// The service items a queue serves: those it names, and every item of
    /// the departments it names.
    fn queue_services(&mut self, i: usize, q: &QueueEntry) -> Vec<ServiceCode> {
        let mut services: Vec<ServiceCode> = Vec::new();
        for (j, code) in q.services.iter().enumerate() {
            if self.guides.iter().any(|g| g.code.0 == *code) {
                services.push(ServiceCode(code.clone()));
            } else {
                self.error(
                    format!("queues[{i}].services[{j}]"),
                    format!("no service item {code} in services/"),
                );
            }
        }
        for (j, dept) in q.departments.iter().enumerate() {
            if !self.departments.iter().any(|d| d.code == *dept) {
                self.error(
                    format!("queues[{i}].departments[{j}]"),
                    format!("no department {dept} in services/"),
                );
            }
            let of_dept = self.guides.iter().filter(|g| g.department == *dept);
            services.extend(of_dept.map(|g| g.code.clone()));
        }
        services
    }

    /// The number range, the daily cap within it, and the service time.
    fn check_numbers(&mut self, i: usize, q: &QueueEntry) {
        let at = |field: &str| format!("queues[{i}].{field}");
        let [first, last] = q.numbers;
        if first > last || last > 999_999 {
            self.error(
                at("numbers"),
                "must be [first, last] with first ≤ last ≤ 999999",
            );
        } else if q.daily_cap == 0 || q.daily_cap > last - first + 1 {
            self.error(
                at("daily_cap"),
                format!("must be 1 to {}, the numbers available", last - first + 1),
            );
        }
        if !(q.service_minutes.is_finite() && q.service_minutes > 0.0) {
            self.error(at("service_minutes"), "must be more than 0");
        }
    }

    /// A warning for each service item no queue serves.
    fn warn_unserved(&mut self, queues: &[QueueSetup]) {
        for g in self.guides {
            if !queues.iter().any(|q| q.services.contains(&g.code)) {
                let d = self.source.warning(
                    "queues",
                    format!(
                        "no queue serves {} {}: the kiosk cannot issue tickets for it",
                        g.code, g.name
                    ),
                );
                self.report.push(d);
            }
        }
    }

    fn counters(&mut self, file: &HallFile, queues: &[QueueSetup]) -> Vec<CounterSetup> {
        let mut counters: Vec<CounterSetup> = Vec::new();
        for (i, c) in file.counters.iter().enumerate() {
            let at = |field: &str| format!("counters[{i}].{field}");
            if c.number == 0 || counters.iter().any(|o| o.number == c.number) {
                self.error(
                    at("number"),
                    format!("counter {} must be unique and start from 1", c.number),
                );
                continue;
            }
            let kind = match c.kind.as_str() {
                "intake" => CounterKind::Intake,
                "pickup" => CounterKind::Pickup,
                "dedicated" => CounterKind::Dedicated,
                other => {
                    self.error(
                        at("kind"),
                        format!("“{other}” is not intake, pickup or dedicated"),
                    );
                    continue;
                }
            };
            if c.queues.is_empty() {
                self.error(at("queues"), "a counter serves at least one queue");
            }
            let mut served = Vec::new();
            for (j, p) in c.queues.iter().enumerate() {
                let field = format!("counters[{i}].queues[{j}]");
                match p
                    .parse::<QueuePrefix>()
                    .ok()
                    .and_then(|p| queues.iter().find(|q| q.prefix == p))
                {
                    Some(q) if (q.kind == QueueKind::Pickup) != (kind == CounterKind::Pickup) => {
                        self.error(
                            field,
                            format!(
                                "queue {} is a {:?} queue, not for a {} counter",
                                q.prefix, q.kind, c.kind
                            ),
                        );
                    }
                    Some(q) => served.push(q.prefix),
                    None => self.error(field, format!("no queue “{p}”")),
                }
            }
            counters.push(CounterSetup {
                number: c.number,
                name: c.name.clone(),
                kind,
                queues: served,
            });
        }
        counters
    }

    fn staff(
        &mut self,
        file: &HallFile,
        counters: &[CounterSetup],
    ) -> (Vec<StaffSetup>, HashMap<StaffId, String>) {
        let mut staff: Vec<StaffSetup> = Vec::new();
        let mut pins = HashMap::new();
        for (i, s) in file.staff.iter().enumerate() {
            let at = |field: &str| format!("staff[{i}].{field}");
            let id = StaffId(s.id.trim().to_owned());
            if id.0.is_empty() || id.0.chars().any(|c| !c.is_ascii_alphanumeric()) {
                self.error(at("id"), "a staff id is letters and digits, such as 1001");
                continue;
            }
            if staff.iter().any(|o| o.id == id) {
                self.error(at("id"), format!("staff id {id} is used twice"));
                continue;
            }
            let role = match s.role.as_str() {
                "intake" => Role::Intake,
                "pickup" => Role::Pickup,
                "reviewer" => Role::Reviewer,
                "supervisor" => Role::Supervisor,
                "admin" => Role::Admin,
                other => {
                    self.error(
                        at("role"),
                        format!("“{other}” is not intake, pickup, reviewer, supervisor or admin"),
                    );
                    continue;
                }
            };
            match &s.department {
                Some(d) if !self.departments.iter().any(|dep| dep.code == *d) => {
                    self.error(at("department"), format!("no department {d} in services/"));
                }
                None if role == Role::Reviewer => {
                    self.error(at("department"), "a reviewer needs a department")
                }
                _ => {}
            }
            if let Some(n) = s.counter {
                match counters.iter().find(|c| c.number == n) {
                    Some(c) if !role.may_staff(c.kind) => {
                        self.error(
                            at("counter"),
                            format!("a {} cannot staff counter {n}", s.role),
                        );
                    }
                    Some(_) => {}
                    None => self.error(at("counter"), format!("no counter {n}")),
                }
            }
            if !secret::is_well_formed(&s.pin_hash) {
                self.error(
                    at("pin_hash"),
                    "not an argon2 hash: make one with `yimen hash-secret`",
                );
            }
            pins.insert(id.clone(), s.pin_hash.clone());
            staff.push(StaffSetup {
                id,
                name: s.name.clone(),
                role,
                department: s.department.clone(),
                counter: s.counter,
            });
        }
        (staff, pins)
    }

    fn limits(&mut self, raw: &LimitsSection) -> Limits {
        let d = Limits::default();
        let event_streams = raw.event_streams.unwrap_or(d.event_streams);
        if event_streams == 0 {
            self.error(
                "limits.event_streams",
                "at least one event stream: the display walls and counters follow it",
            );
        }
        Limits { event_streams }
    }
}

fn cases(raw: &CasesSection) -> CaseRules {
    let d = CaseRules::default();
    CaseRules {
        yellow_days: raw.yellow_days.unwrap_or(d.yellow_days),
        claim_days: raw.claim_days.unwrap_or(d.claim_days).max(1),
        rectify_days: raw.rectify_days.unwrap_or(d.rectify_days).max(1),
        keep_closed_days: d.keep_closed_days,
        keep_personal_days: raw
            .keep_personal_days
            .map_or(d.keep_personal_days, i64::from)
            .max(1),
    }
}

fn rules(raw: &RulesSection) -> QueueRules {
    let d = QueueRules::default();
    QueueRules {
        priority_streak_limit: raw.priority_streak_limit.unwrap_or(d.priority_streak_limit),
        recalls_before_no_show: raw
            .recalls_before_no_show
            .unwrap_or(d.recalls_before_no_show),
        late_window: raw
            .late_window_minutes
            .map_or(d.late_window, |m| chrono::Duration::minutes(m.into())),
        reinsert_places: raw.reinsert_places.unwrap_or(d.reinsert_places),
        lockout_after: raw.lockout_after.unwrap_or(d.lockout_after).max(1),
        lockout_for: raw
            .lockout_minutes
            .map_or(d.lockout_for, |m| chrono::Duration::minutes(m.into())),
        estimate_window: raw.estimate_window.unwrap_or(d.estimate_window).max(1),
    }
}
