//! The hall's saved rows as the log says they must be: every ticket of every
//! day, every case and every session, rebuilt by folding the events in
//! order, for the audit to compare with the tables the hub restores from.
//!
//! The rebuild keeps what the hall forgets (past days' tickets, closed
//! sessions, cases past their days at hand), since the tables keep them too;
//! what an event changes in a ticket is `Ticket::follow`, the hall's own rule.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::booking::Booking;
use super::case::Case;
use super::event::HallEvent;
use super::ids::{CounterNo, SessionId, StaffId, Timestamp};
use super::rating::RatingSubject;
use super::ticket::Ticket;

/// A session as its row records it: opened at login, closed by a logout or
/// by the end of the business day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionRecord {
    pub id: SessionId,
    pub staff: StaffId,
    pub counter: Option<CounterNo>,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// Tickets, cases and sessions by key, as the events so far leave them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rebuilt {
    /// By ticket id.
    pub tickets: BTreeMap<String, Ticket>,
    /// By case number.
    pub cases: BTreeMap<String, Case>,
    /// By session id.
    pub sessions: BTreeMap<String, SessionRecord>,
    /// Cases whose personal values the log says were erased.
    pub erased: BTreeSet<String>,
    /// Bookings, by code.
    pub bookings: BTreeMap<String, Booking>,
}

impl Rebuilt {
    /// Folds one event in.
    pub fn apply(&mut self, event: &HallEvent) {
        use HallEvent as E;
        match event {
            E::TicketIssued { ticket } => {
                self.tickets.insert(ticket.id.0.clone(), ticket.clone());
            }
            E::StaffLoggedIn {
                session,
                staff,
                counter,
                at,
                expires_at,
            } => {
                let record = SessionRecord {
                    id: session.clone(),
                    staff: staff.clone(),
                    counter: *counter,
                    opened_at: *at,
                    expires_at: *expires_at,
                    closed_at: None,
                };
                self.sessions.insert(session.0.clone(), record);
            }
            E::StaffLoggedOut { session, at, .. } => {
                if let Some(s) = self.sessions.get_mut(&session.0) {
                    s.closed_at = Some(*at);
                }
            }
            E::Case { case, .. } => {
                self.cases.insert(case.number.clone(), (**case).clone());
            }
            E::Rated { rating } => self.rated(&rating.subject, event),
            E::DayRolledOver { expired, at, .. } => {
                for s in self.sessions.values_mut() {
                    s.closed_at.get_or_insert(*at);
                }
                for id in expired {
                    self.ticket_follows(&id.0, event);
                }
            }
            E::PersonalDataSealed { cases, .. } => {
                for seals in cases {
                    if let Some(case) = self.cases.get_mut(&seals.number) {
                        case.apply_seals(seals);
                    }
                }
            }
            E::PersonalDataErased { cases, .. } => self.erased.extend(cases.iter().cloned()),
            E::BookingMade { booking } => {
                self.bookings
                    .insert(booking.code.clone(), (**booking).clone());
            }
            E::BookingCancelled { .. } | E::BookingCheckedIn { .. } | E::BookingsMissed { .. } => {
                self.bookings.values_mut().for_each(|b| b.follow(event));
            }
            E::TicketCalled { ticket, .. }
            | E::TicketRecalled { ticket, .. }
            | E::TicketNoShow { ticket, .. }
            | E::TicketReactivated { ticket, .. }
            | E::TicketStarted { ticket, .. }
            | E::TicketFinished { ticket, .. }
            | E::TicketTransferred { ticket, .. } => self.ticket_follows(&ticket.0, event),
            // The rest changes none of the three: counters, logins,
            // rectifications, alerts.
            _ => {}
        }
    }

    fn ticket_follows(&mut self, id: &str, event: &HallEvent) {
        if let Some(t) = self.tickets.get_mut(id) {
            t.follow(event);
        }
    }

    fn rated(&mut self, subject: &RatingSubject, event: &HallEvent) {
        match subject {
            RatingSubject::Ticket(id) => self.ticket_follows(&id.0, event),
            RatingSubject::Case(number) => {
                if let Some(c) = self.cases.get_mut(number) {
                    c.rated = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hall::Hall;
    use crate::domain::ids::TicketId;
    use crate::domain::queue::Wanted;
    use crate::domain::test_hall::{act, at, hall, prefix, staff};

    /// A short day: a login, three tickets, one served; and its events.
    fn day() -> (Hall, Vec<HallEvent>) {
        let (mut hall, now, clerk) = (hall(), at(0), staff("1001"));
        let mut log = Vec::new();
        let session = SessionId("s-1001-1".into());
        log.extend(act(&mut hall, |h| {
            h.log_in(&clerk, Some(1), session.clone(), now)
        }));
        for n in 1..=3 {
            let id = TicketId::from(format!("t{n}").as_str());
            let wanted = Wanted::Queue(prefix('A'));
            log.extend(act(&mut hall, |h| h.issue(&wanted, false, id.clone(), now)));
        }
        log.extend(act(&mut hall, |h| h.call_next(1, &clerk, now)));
        log.extend(act(&mut hall, |h| h.start(1, &clerk, now)));
        log.extend(act(&mut hall, |h| h.finish(1, &clerk, now)));
        (hall, log)
    }

    #[test]
    fn the_rebuild_agrees_with_the_hall_on_tickets_and_sessions() {
        let (hall, log) = day();
        let mut rebuilt = Rebuilt::default();
        for e in &log {
            rebuilt.apply(e);
        }
        assert_eq!(rebuilt.tickets.len(), 3);
        for (id, t) in &rebuilt.tickets {
            assert_eq!(Some(t), hall.ticket(&TicketId(id.clone())));
        }
        let finished = rebuilt.tickets.values().filter(|t| t.finished_at.is_some());
        assert_eq!(finished.count(), 1);
        let session = rebuilt.sessions.values().next().unwrap();
        assert_eq!(
            (session.staff.0.as_str(), session.closed_at),
            ("1001", None)
        );
    }

    #[test]
    fn the_end_of_the_day_closes_sessions_and_expires_who_waited() {
        let (_, log) = day();
        let mut rebuilt = Rebuilt::default();
        for e in &log {
            rebuilt.apply(e);
        }
        let waiting: Vec<TicketId> = rebuilt
            .tickets
            .values()
            .filter(|t| t.finished_at.is_none())
            .map(|t| t.id.clone())
            .collect();
        let at = at(20 * 3600);
        rebuilt.apply(&HallEvent::DayRolledOver {
            from: at.date_naive(),
            to: at.date_naive().succ_opt().unwrap(),
            expired: waiting.clone(),
            at,
        });
        for id in &waiting {
            assert_eq!(rebuilt.tickets[&id.0].state.as_str(), "expired");
        }
        assert!(rebuilt.sessions.values().all(|s| s.closed_at == Some(at)));
    }
}
