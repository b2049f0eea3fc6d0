//! Appointments (预约): the citizens who book do so before the doors open,
//! as a phone does, taking the free slot nearest the time they would have
//! come; they check in at the kiosk around the booked time, as the model
//! drew; and the hub's tick runs as each check-in window closes, so that
//! the bookings nobody came for become no-shows.

use std::collections::BTreeSet;

use anyhow::Context;
use chrono::{NaiveTime, Timelike};

use super::{Booked, Driver, Event, LOG_IN_AT, refused_with};
use crate::api::{BookingRequest, CheckInOutcome, CheckInRequest};
use crate::domain::booking::SlotRules;
use crate::simulate::model::appointments::{Keeps, slots_to_try};
use crate::simulate::model::{self, Secs};
use crate::simulate::report::Came;

/// The hall's doors open as its staff arrive: who comes earlier waits
/// outside, and checks in then.
const DOORS_OPEN: Secs = LOG_IN_AT;

fn secs_of(time: NaiveTime) -> Secs {
    i64::from(time.num_seconds_from_midnight())
}

fn hhmm(secs: Secs) -> String {
    format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
}

impl Driver<'_> {
    /// The slot rules of citizen `i`'s queue.
    fn slot_rules(&self, i: usize) -> anyhow::Result<&SlotRules> {
        let queue = self.citizens[i].queue;
        let setup = &self.config.setup;
        setup
            .queue(queue)
            .and_then(|q| q.appointments.as_ref())
            .with_context(|| format!("queue {queue} takes no bookings"))
    }

    /// Books every wished-for slot in the order the citizens book, before
    /// the doors open; schedules each citizen's coming and a tick as each
    /// booked slot's window closes. Runs before the staff log in.
    pub async fn book_ahead(&mut self) -> anyhow::Result<()> {
        let mut order: Vec<(Secs, usize)> = (self.intents.iter().enumerate())
            .filter_map(|(i, w)| w.map(|w| (w.books_at, i)))
            .collect();
        order.sort_unstable();
        let mut closes = BTreeSet::new();
        for (books_at, i) in order {
            self.booking_outcome.wanted += 1;
            self.clock.set(self.at(books_at));
            let Some(booked) = self.book(i).await? else {
                self.booking_outcome.no_slot += 1;
                continue;
            };
            closes.insert(booked.at + self.slot_rules(i)?.checkin_after.num_seconds() + 1);
            match self.intents[i].map(|w| w.keeps) {
                Some(Keeps::Comes(offset)) => {
                    self.schedule_check_in((booked.at + offset).max(DOORS_OPEN), i);
                }
                _ => self.booking_outcome.never_came += 1,
            }
            self.booked.insert(i, booked);
        }
        for close in closes {
            self.schedule(close, Event::Tick);
        }
        Ok(())
    }

    /// Schedules citizen `i`'s check-in at `t`, or at the first second
    /// after it that no other check-in takes: the kiosk takes one citizen
    /// at a time. (Two appointment tickets of one slot are called in the
    /// order of their check-in; within one millisecond the hub would draw.)
    fn schedule_check_in(&mut self, mut t: Secs, i: usize) {
        while !self.check_ins.insert(t) {
            t += 1;
        }
        self.schedule(t, Event::CheckIn(i));
    }

    /// Books the free slot nearest the citizen's time, if one is near.
    async fn book(&self, i: usize) -> anyhow::Result<Option<Booked>> {
        let around = self.intents[i].map_or(0, |w| w.around);
        let starts: Vec<Secs> = self
            .slot_rules(i)?
            .starts()
            .into_iter()
            .map(secs_of)
            .collect();
        for start in slots_to_try(&starts, around) {
            let request = BookingRequest {
                service: self.citizens[i].service.0.clone(),
                date: self.days[0],
                start: hhmm(start),
                name: model::name(i),
                id_number: model::id_number(i),
                phone: model::phone(i),
            };
            match self.base.book(&request).await {
                Ok(view) => {
                    return Ok(Some(Booked {
                        code: view.code,
                        at: start,
                    }));
                }
                Err(e) if refused_with(&e, "slot_full") => {}
                Err(e) => return Err(e).context("booking a slot"),
            }
        }
        Ok(None)
    }

    /// A citizen with a booking at the kiosk's 预约签到: an appointment
    /// ticket within the window, a walk-in's after it; told when to come
    /// back where the queue sends early arrivals away; an ordinary ticket
    /// where it refuses late ones.
    pub(super) async fn check_in(&mut self, t: Secs, i: usize) -> anyhow::Result<()> {
        let (code, at) = match self.booked.get(&i) {
            Some(b) => (b.code.clone(), b.at),
            None => anyhow::bail!("a check-in without a booking"),
        };
        let request = CheckInRequest {
            code: Some(code),
            id_number: None,
        };
        match self.kiosk.check_in(&request).await {
            Ok(done) => {
                let came = match done.outcome {
                    CheckInOutcome::CheckedIn => Came::Appointment,
                    CheckInOutcome::WalkIn => Came::WalkIn,
                };
                self.hold(t, i, came, done.ticket)
            }
            Err(e) if refused_with(&e, "too_early") => {
                self.booking_outcome.told_to_come_back += 1;
                let opens = at - self.slot_rules(i)?.checkin_before.num_seconds();
                self.schedule_check_in(opens.max(t + 1), i);
                Ok(())
            }
            Err(e) if refused_with(&e, "checkin_closed") => self.arrive(t, i).await,
            Err(e) if refused_with(&e, "daily_cap_reached") => {
                self.turned_away += 1;
                Ok(())
            }
            Err(e) => Err(e).context("checking in"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_the_hall_writes_them() {
        let nine_thirty = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        assert_eq!(secs_of(nine_thirty), 9 * 3600 + 1800);
        assert_eq!(hhmm(secs_of(nine_thirty)), "09:30");
        assert_eq!(hhmm(16 * 3600), "16:00");
    }
}
