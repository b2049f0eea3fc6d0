//! The configuration files as written, before validation.

use serde::Deserialize;

use crate::domain::guide::{Department, Guide};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HallFile {
    pub hall: HallSection,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub cases: CasesSection,
    #[serde(default)]
    pub logins: LoginsSection,
    pub queues: Vec<QueueEntry>,
    pub counters: Vec<CounterEntry>,
    pub staff: Vec<StaffEntry>,
    #[serde(default)]
    pub devices: Vec<DeviceEntry>,
    #[serde(default)]
    pub limits: LimitsSection,
    #[serde(default)]
    pub appointments: AppointmentsSection,
}

/// The hall's rules for bookings' no-shows and keeping.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentsSection {
    pub no_show_limit: Option<u32>,
    pub no_show_days: Option<u32>,
    pub suspend_days: Option<u32>,
    pub keep_days: Option<u32>,
}

/// A queue's appointment slots (预约取号).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotsEntry {
    pub slot_minutes: u32,
    /// Bookings per slot; the counters serving the queue when left out.
    pub capacity: Option<u32>,
    pub days_ahead: u32,
    /// Spans such as `09:00-12:00`.
    pub hours: Vec<String>,
    pub checkin_before: u32,
    pub checkin_after: u32,
    pub cancel_before: u32,
    /// `wait` or `come_back`.
    #[serde(default)]
    pub early: Option<String>,
    /// `walk_in` or `refuse`.
    #[serde(default)]
    pub late: Option<String>,
    pub walk_in_delay: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HallSection {
    pub name: String,
    pub timezone: String,
    /// `HH:MM`, local time.
    pub rollover: String,
    /// Business hours, such as `周一至周五 9:00—12:00，13:30—17:00`.
    pub hours: String,
    /// Lines scrolled on the display wall.
    #[serde(default)]
    pub notices: Vec<String>,
    /// Where phones reach the hub's public face, such as
    /// `https://yimen.example.gov.cn`: printed tickets' QR codes open
    /// `/t/{id}` there.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Accept the published demo PIN and device keys.
    #[serde(default)]
    pub demo_credentials: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    pub priority_streak_limit: Option<u32>,
    pub recalls_before_no_show: Option<u32>,
    pub late_window_minutes: Option<u32>,
    pub reinsert_places: Option<usize>,
    pub lockout_after: Option<u32>,
    pub lockout_minutes: Option<u32>,
    pub estimate_window: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    /// Event streams open at once, over every reader.
    pub event_streams: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasesSection {
    pub yellow_days: Option<u32>,
    pub claim_days: Option<u32>,
    pub rectify_days: Option<u32>,
    pub keep_personal_days: Option<u32>,
}

/// Limits on login attempts, against floods and scripted guessing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginsSection {
    pub failures_per_id: Option<u32>,
    pub failures_per_address: Option<u32>,
    pub pin_checks_at_once: Option<usize>,
    pub pin_checks_waiting: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueEntry {
    pub prefix: String,
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    /// Service codes served from this queue.
    #[serde(default)]
    pub services: Vec<String>,
    /// Department codes whose every service is served from this queue.
    #[serde(default)]
    pub departments: Vec<String>,
    pub daily_cap: u32,
    /// First and last sequence number of a day.
    pub numbers: [u32; 2],
    pub service_minutes: f64,
    #[serde(default)]
    pub appointments: Option<SlotsEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterEntry {
    pub number: u32,
    pub name: String,
    pub kind: String,
    pub queues: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffEntry {
    pub id: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub counter: Option<u32>,
    pub pin_hash: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceEntry {
    pub name: String,
    pub kind: String,
    /// SHA-256 of the key in hex, as `yimen hash-secret --device` prints it.
    #[serde(default)]
    pub key_sha256: Option<String>,
    /// An argon2 hash of the key, as older halls wrote it.
    #[serde(default)]
    pub key_hash: Option<String>,
    /// A kiosk with a person by it, such as a guide desk's, may issue
    /// green-channel tickets.
    #[serde(default)]
    pub priority: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    pub department: Department,
    pub services: Vec<Guide>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    pub year: i32,
    /// Weekend days that are working days.
    #[serde(default)]
    pub workdays: Vec<String>,
    #[serde(default)]
    pub holidays: Vec<HolidayEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    pub name: String,
    pub from: String,
    pub to: String,
}
