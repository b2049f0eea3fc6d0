//! The hall as configured: queues, counters, staff and the rules the queue
//! engine follows. Plain data, validated once by `config` and never re-checked.

use chrono::Duration;

use super::booking::{BookingRules, SlotRules};
use super::calendar::WorkingCalendar;
use super::ids::{BusinessDay, CounterNo, DayRule, QueuePrefix, ServiceCode, StaffId};

/// Everything about the hall that the rules need, fixed while the hub runs.
#[derive(Clone, Debug, PartialEq)]
pub struct HallSetup {
    /// The hall's name, printed on tickets and shown on the display wall.
    pub name: String,
    /// When a business day begins, in the hall's zone.
    pub day_rule: DayRule,
    pub rules: QueueRules,
    /// Queues in the order the hall lists them.
    pub queues: Vec<QueueSetup>,
    pub counters: Vec<CounterSetup>,
    pub staff: Vec<StaffSetup>,
    /// Working days, for every promised time limit.
    pub calendar: WorkingCalendar,
    /// The department of each service item, for ratings.
    pub departments_by_service: std::collections::BTreeMap<ServiceCode, String>,
    pub cases: CaseRules,
    /// Appointments across the hall's queues: no-shows and keeping.
    pub bookings: BookingRules,
}

/// The knobs of the case workflow.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRules {
    /// A yellow card when this many working days or fewer are left.
    pub yellow_days: u32,
    /// Working days a department has to claim an accepted case.
    pub claim_days: u32,
    /// Working days a supervisor has to rectify a bad review.
    pub rectify_days: u32,
    /// Days a closed case stays at hand, for its rating.
    pub keep_closed_days: i64,
    /// Days an ended case's personal values are kept before `yimen erase`
    /// removes them by default.
    pub keep_personal_days: i64,
}

impl CaseRules {
    /// The day before which ended cases lose their personal values, on
    /// business day `today`: `keep_personal_days` earlier.
    pub fn erase_before(&self, today: BusinessDay) -> BusinessDay {
        today - Duration::days(self.keep_personal_days)
    }
}

impl Default for CaseRules {
    fn default() -> Self {
        Self {
            yellow_days: 1,
            claim_days: 1,
            rectify_days: 5,
            keep_closed_days: 30,
            keep_personal_days: 365,
        }
    }
}

impl HallSetup {
    pub fn queue(&self, prefix: QueuePrefix) -> Option<&QueueSetup> {
        self.queues.iter().find(|q| q.prefix == prefix)
    }

    pub fn counter(&self, number: CounterNo) -> Option<&CounterSetup> {
        self.counters.iter().find(|c| c.number == number)
    }

    pub fn staff_member(&self, id: &StaffId) -> Option<&StaffSetup> {
        self.staff.iter().find(|s| &s.id == id)
    }

    /// The queue a service's tickets go to: the first queue that lists it.
    pub fn queue_for_service(&self, service: &ServiceCode) -> Option<&QueueSetup> {
        self.queues.iter().find(|q| q.services.contains(service))
    }
}

/// The knobs of the queue engine; the defaults are what most halls use.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueRules {
    /// How many green-channel tickets a counter may call in a row while
    /// ordinary tickets wait, so that nobody is starved.
    pub priority_streak_limit: u32,
    /// How many recalls a ticket gets before the clerk may mark it a no-show.
    pub recalls_before_no_show: u32,
    /// How long after a no-show the citizen may still be put back in line.
    pub late_window: Duration,
    /// How many places behind the front a late citizen is put back.
    pub reinsert_places: usize,
    /// Wrong PINs in a row before a staff id is locked.
    pub lockout_after: u32,
    /// How long a locked staff id stays locked.
    pub lockout_for: Duration,
    /// Finished services remembered per queue for the wait estimate.
    pub estimate_window: usize,
}

impl Default for QueueRules {
    fn default() -> Self {
        Self {
            priority_streak_limit: 2,
            recalls_before_no_show: 2,
            late_window: Duration::minutes(30),
            reinsert_places: 3,
            lockout_after: 5,
            lockout_for: Duration::minutes(15),
            estimate_window: 20,
        }
    }
}

/// What a queue is for: most take citizens from the kiosk, the pickup queue
/// takes them by case number at the unified pickup window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    Service,
    Pickup,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueSetup {
    pub prefix: QueuePrefix,
    pub name: String,
    pub kind: QueueKind,
    /// Service items whose tickets go to this queue.
    pub services: Vec<ServiceCode>,
    /// Tickets the queue issues at most per business day.
    pub daily_cap: u32,
    /// The first and last sequence numbers of a day; `last` sets the width.
    pub first: u32,
    pub last: u32,
    /// Minutes one service takes before the day has its own figures.
    pub default_service_minutes: f64,
    /// Appointment slots (预约取号), when the queue takes bookings.
    pub appointments: Option<SlotRules>,
}

impl QueueSetup {
    /// Digits printed after the prefix, from the largest number the queue uses.
    pub fn width(&self) -> u8 {
        let digits = self.last.max(1).ilog10() + 1;
        u8::try_from(digits).unwrap_or(u8::MAX)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounterKind {
    /// Combined intake (综合受理): serves several queues.
    Intake,
    /// Unified pickup (统一出件).
    Pickup,
    /// A specialised counter (专窗) for one department.
    Dedicated,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CounterSetup {
    pub number: CounterNo,
    pub name: String,
    pub kind: CounterKind,
    /// Queues this counter calls from, in no particular order: calls are
    /// first-come-first-served across all of them.
    pub queues: Vec<QueuePrefix>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Intake,
    Pickup,
    Reviewer,
    Supervisor,
    Admin,
}

impl Role {
    /// Whether someone of this role may staff a counter of `kind`.
    pub fn may_staff(self, kind: CounterKind) -> bool {
        matches!(
            (self, kind),
            (Role::Intake, CounterKind::Intake | CounterKind::Dedicated)
                | (Role::Pickup, CounterKind::Pickup)
        )
    }
}

/// What a device with a key of the hall is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A lobby kiosk: issues tickets.
    Kiosk,
    /// A display wall: only watches.
    Display,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StaffSetup {
    pub id: StaffId,
    pub name: String,
    pub role: Role,
    /// The department a reviewer works for; empty for front-desk staff.
    pub department: Option<String>,
    /// The counter the staff member usually sits at, offered at login.
    pub counter: Option<CounterNo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_values_are_erased_the_retention_period_after_today() {
        let rules = CaseRules {
            keep_personal_days: 365,
            ..CaseRules::default()
        };
        let today = BusinessDay::from_ymd_opt(2027, 3, 2).unwrap();
        assert_eq!(
            rules.erase_before(today),
            BusinessDay::from_ymd_opt(2026, 3, 2).unwrap()
        );
    }

    #[test]
    fn width_follows_the_last_number() {
        let mut q = QueueSetup {
            prefix: QueuePrefix::new('A').unwrap(),
            name: "综合".into(),
            kind: QueueKind::Service,
            services: vec![],
            daily_cap: 300,
            first: 1,
            last: 999,
            default_service_minutes: 8.0,
            appointments: None,
        };
        assert_eq!(q.width(), 3);
        q.last = 1000;
        assert_eq!(q.width(), 4);
        q.last = 9;
        assert_eq!(q.width(), 1);
    }

    #[test]
    fn only_front_desk_roles_staff_counters() {
        assert!(Role::Intake.may_staff(CounterKind::Intake));
        assert!(Role::Intake.may_staff(CounterKind::Dedicated));
        assert!(!Role::Intake.may_staff(CounterKind::Pickup));
        assert!(Role::Pickup.may_staff(CounterKind::Pickup));
        assert!(!Role::Reviewer.may_staff(CounterKind::Intake));
        assert!(!Role::Supervisor.may_staff(CounterKind::Intake));
    }
}
