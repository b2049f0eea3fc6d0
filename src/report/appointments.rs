//! Appointments (预约) per service over a period: the bookings of its days,
//! how many were checked in, missed and cancelled, and how punctual those
//! who checked in were.
//!
//! A booking counts on its booked day. Checked in means within the window
//! (or early, where the queue lets citizens wait): on time when at or
//! before the booked time, late when after it. A booking not checked in by
//! the window's end is a no-show (爽约), whether its citizen never came or
//! came after the window and took a walk-in ticket; those are counted
//! apart too. Still booked means the window had not closed when the report
//! was made.

use std::collections::BTreeMap;

use super::tables::percent;
use crate::domain::booking::{Booking, BookingState};

/// One service's bookings over the period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceBookings {
    /// The service's code.
    pub service: String,
    /// Bookings for the period's days: checked in + missed + cancelled + open.
    pub made: u32,
    /// Checked in within the window: on time + late.
    pub checked_in: u32,
    /// Checked in at or before the booked time.
    pub on_time: u32,
    /// Checked in after the booked time, within the window.
    pub late: u32,
    /// Not checked in by the window's end (爽约).
    pub missed: u32,
    /// Of the missed, those who came after the window for a walk-in ticket.
    pub late_walk_ins: u32,
    pub cancelled: u32,
    /// Still booked: its window had not closed.
    pub open: u32,
}

impl ServiceBookings {
    /// On time as a percentage of those checked in (准时率).
    pub fn punctuality(&self) -> Option<f64> {
        percent(self.on_time, self.checked_in)
    }

    fn count(&mut self, b: &Booking) {
        self.made += 1;
        match b.state {
            BookingState::CheckedIn => {
                self.checked_in += 1;
                if b.checked_in_at.is_some_and(|at| at <= b.at) {
                    self.on_time += 1;
                } else {
                    self.late += 1;
                }
            }
            BookingState::Missed => {
                self.missed += 1;
                self.late_walk_ins += u32::from(b.ticket.is_some());
            }
            BookingState::Cancelled => self.cancelled += 1,
            BookingState::Booked => self.open += 1,
        }
    }

    fn add(&mut self, other: &Self) {
        self.made += other.made;
        self.checked_in += other.checked_in;
        self.on_time += other.on_time;
        self.late += other.late;
        self.missed += other.missed;
        self.late_walk_ins += other.late_walk_ins;
        self.cancelled += other.cancelled;
        self.open += other.open;
    }
}

/// Every service with a booking among `bookings`, by its code.
pub fn by_service(bookings: &[Booking]) -> Vec<ServiceBookings> {
    let mut services: BTreeMap<&str, ServiceBookings> = BTreeMap::new();
    for b in bookings {
        services
            .entry(&b.service.0)
            .or_insert_with(|| ServiceBookings {
                service: b.service.0.clone(),
                ..ServiceBookings::default()
            })
            .count(b);
    }
    services.into_values().collect()
}

/// The services' figures added up, under an empty code.
pub fn total(services: &[ServiceBookings]) -> ServiceBookings {
    let mut all = ServiceBookings::default();
    for s in services {
        all.add(s);
    }
    all
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

    use super::*;
    use crate::domain::applicant::{Applicant, SealedApplicant};
    use crate::domain::ids::{QueuePrefix, ServiceCode, TicketId};
    use crate::domain::personal::Salt;

    fn booking(service: &str, state: BookingState) -> Booking {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let applicant = Applicant::new("张三", "11010519491231002X", "13800138000").unwrap();
        Booking {
            code: "00000001".into(),
            service: ServiceCode(service.into()),
            queue: QueuePrefix::new('A').unwrap(),
            day: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
            at,
            applicant: SealedApplicant::new(applicant, Salt([1; 16])),
            state,
            made_at: at - Duration::days(1),
            ticket: None,
            checked_in_at: None,
            closed_at: None,
        }
    }

    fn checked_in(service: &str, minutes_after: i64) -> Booking {
        let mut b = booking(service, BookingState::CheckedIn);
        b.checked_in_at = Some(b.at + Duration::minutes(minutes_after));
        b.ticket = Some(TicketId::from("t"));
        b
    }

    #[test]
    fn the_booked_time_itself_is_on_time_and_a_late_walk_in_is_a_no_show() {
        let mut late_walk_in = booking("S-1", BookingState::Missed);
        late_walk_in.ticket = Some(TicketId::from("w"));
        let bookings = [
            checked_in("S-1", -30),
            checked_in("S-1", 0),
            checked_in("S-1", 1),
            booking("S-1", BookingState::Missed),
            late_walk_in,
            booking("S-1", BookingState::Cancelled),
            booking("S-0", BookingState::Booked),
        ];
        let services = by_service(&bookings);
        assert_eq!(services.len(), 2);
        assert_eq!(services[0].service, "S-0", "by code");
        let s = &services[1];
        assert_eq!(
            (s.made, s.checked_in, s.on_time, s.late),
            (7 - 1, 3, 2, 1),
            "{s:?}"
        );
        assert_eq!(
            (s.missed, s.late_walk_ins, s.cancelled, s.open),
            (2, 1, 1, 0)
        );
        assert_eq!(s.punctuality(), Some(200.0 / 3.0));
        let all = total(&services);
        assert_eq!((all.made, all.open, all.on_time), (7, 1, 2));
        assert_eq!(services[0].punctuality(), None, "nobody checked in");
    }
}
