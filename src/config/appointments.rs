//! Checking the appointment settings of hall.toml: each queue's slots
//! (`[queues.appointments]`) and the hall's no-show rules (`[appointments]`).

use chrono::{Duration, NaiveTime};

use super::raw::{AppointmentsSection, QueueEntry, SlotsEntry};
use super::validate::HallCheck;
use crate::domain::booking::{BookingRules, Early, Late, SlotRules};
use crate::domain::ids::QueuePrefix;
use crate::domain::setup::{CounterSetup, QueueKind, QueueSetup};

fn minutes(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

impl HallCheck<'_> {
    /// Gives each queue that takes bookings its slot rules.
    pub(super) fn appointments(
        &mut self,
        entries: &[QueueEntry],
        queues: &mut [QueueSetup],
        counters: &[CounterSetup],
    ) {
        for (i, entry) in entries.iter().enumerate() {
            let Some(raw) = &entry.appointments else {
                continue;
            };
            let at = |field: &str| format!("queues[{i}].appointments.{field}");
            let prefix = entry.prefix.parse::<QueuePrefix>().ok();
            let Some(queue) = queues.iter_mut().find(|q| Some(q.prefix) == prefix) else {
                continue;
            };
            if queue.kind == QueueKind::Pickup {
                self.error(at("kind"), "the pickup queue takes no bookings");
                continue;
            }
            let serving = counters
                .iter()
                .filter(|c| c.queues.contains(&queue.prefix))
                .count();
            queue.appointments = self.slots(raw, u32::try_from(serving).unwrap_or(0), at);
        }
    }

    fn slots(
        &mut self,
        raw: &SlotsEntry,
        serving: u32,
        at: impl Fn(&str) -> String,
    ) -> Option<SlotRules> {
        let hours = self.hours(&raw.hours, &at);
        let capacity = raw.capacity.unwrap_or(serving);
        if raw.slot_minutes == 0 || capacity == 0 || raw.days_ahead == 0 {
            self.error(
                at("slot_minutes"),
                "slot_minutes, capacity (or the counters serving the queue) and days_ahead must be above 0",
            );
            return None;
        }
        let early = match raw.early.as_deref().unwrap_or("wait") {
            "wait" => Early::Wait,
            "come_back" => Early::ComeBack,
            other => {
                self.error(at("early"), format!("“{other}” is not wait or come_back"));
                return None;
            }
        };
        let late = match raw.late.as_deref().unwrap_or("walk_in") {
            "walk_in" => Late::WalkIn,
            "refuse" => Late::Refuse,
            other => {
                self.error(at("late"), format!("“{other}” is not walk_in or refuse"));
                return None;
            }
        };
        let rules = SlotRules {
            slot: minutes(raw.slot_minutes),
            capacity,
            days_ahead: raw.days_ahead,
            hours: hours?,
            checkin_before: minutes(raw.checkin_before),
            checkin_after: minutes(raw.checkin_after),
            cancel_before: minutes(raw.cancel_before),
            early,
            late,
            walk_in_delay: minutes(raw.walk_in_delay),
        };
        if rules.starts().is_empty() {
            self.error(at("hours"), "no slot fits in these hours");
            return None;
        }
        Some(rules)
    }

    /// Spans such as `09:00-12:00`, each opening before it closes.
    fn hours(
        &mut self,
        raw: &[String],
        at: &impl Fn(&str) -> String,
    ) -> Option<Vec<(NaiveTime, NaiveTime)>> {
        let mut spans = Vec::new();
        for (j, text) in raw.iter().enumerate() {
            let parsed = text.split_once('-').and_then(|(open, close)| {
                let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
                Some((time(open)?, time(close)?))
            });
            match parsed {
                Some((open, close)) if open < close => spans.push((open, close)),
                _ => self.error(
                    at(&format!("hours[{j}]")),
                    format!("“{text}” is not a span like 09:00-12:00"),
                ),
            }
        }
        (spans.len() == raw.len() && !spans.is_empty()).then_some(spans)
    }

    /// The hall's no-show rules; bookings are kept long enough for every
    /// suspension to be decided.
    pub(super) fn booking_rules(&mut self, raw: &AppointmentsSection) -> BookingRules {
        let d = BookingRules::default();
        let rules = BookingRules {
            no_show_limit: raw.no_show_limit.unwrap_or(d.no_show_limit).max(1),
            no_show_days: raw.no_show_days.map_or(d.no_show_days, i64::from).max(1),
            suspend_days: raw.suspend_days.map_or(d.suspend_days, i64::from),
            keep_days: raw.keep_days.map_or(d.keep_days, i64::from),
        };
        if rules.keep_days < rules.no_show_days + rules.suspend_days {
            self.error(
                "appointments.keep_days",
                "keep_days must cover no_show_days + suspend_days, or suspensions forget their no-shows",
            );
        }
        rules
    }
}
