//! Appointments (预约取号): a queue's slots on the hall's working days,
//! booking one, cancelling it, checking in at the kiosk for a ticket that
//! takes the place its booked time earns, and the no-shows.
//!
//! The queue-order rule, which `call_next` keeps: an appointment ticket's
//! place in the ordinary line is its booked time, a walk-in's its arrival;
//! the green channel goes first as always. So an appointment goes ahead of
//! the walk-ins who arrived after its booked time, and behind those who came
//! before it. But once a walk-in has waited the queue's `walk_in_delay`, no
//! appointment that checked in after the walk-in arrived is called before
//! it: the time the counters spend on appointments that passed a walk-in is
//! bounded by that delay (and the one service under way when it ran out).

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::applicant::{Applicant, IdNumber, SealedApplicant};
use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{QueuePrefix, ServiceCode, TicketId, Timestamp};
use super::personal::Salt;
use super::queue::{ORDER_STEP, Wanted};
use super::setup::QueueSetup;
use super::ticket::{Appointment, Ticket};

/// What a citizen who arrives before the check-in window is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Early {
    /// Checked in to wait: the ticket still takes its booked time's place.
    Wait,
    /// Told when the window opens.
    ComeBack,
}

/// What a citizen who arrives after the check-in window gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Late {
    /// An ordinary walk-in ticket; the booking stays a no-show.
    WalkIn,
    /// Nothing: they take a ticket as everybody does.
    Refuse,
}

/// A queue's appointment slots.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotRules {
    pub slot: Duration,
    /// Bookings one slot takes.
    pub capacity: u32,
    /// Working days that can be booked, today the first of them.
    pub days_ahead: u32,
    /// Opening hours: slots start and end inside one of these spans.
    pub hours: Vec<(NaiveTime, NaiveTime)>,
    /// Check-in opens this long before the booked time...
    pub checkin_before: Duration,
    /// ...and closes this long after it: then the booking is a no-show.
    pub checkin_after: Duration,
    /// A booking can be cancelled until this long before its time.
    pub cancel_before: Duration,
    pub early: Early,
    pub late: Late,
    /// The longest a walk-in waits before no appointment passes it.
    pub walk_in_delay: Duration,
}

impl SlotRules {
    /// The starts of one day's slots, in order.
    pub fn starts(&self) -> Vec<NaiveTime> {
        let mut starts = Vec::new();
        for &(open, close) in &self.hours {
            let mut start = open;
            while start < close && close - start >= self.slot {
                starts.push(start);
                start += self.slot;
            }
        }
        starts
    }
}

/// The hall's rules for every queue's bookings.
#[derive(Clone, Debug, PartialEq)]
pub struct BookingRules {
    /// No-shows within `no_show_days` that suspend booking.
    pub no_show_limit: u32,
    pub no_show_days: i64,
    /// How long booking stays suspended after the last no-show.
    pub suspend_days: i64,
    /// Days after its day a booking's personal values are kept.
    pub keep_days: i64,
}

impl BookingRules {
    /// The first day whose ended bookings the hall keeps at hand on `today`:
    /// enough for any suspension still running.
    pub fn at_hand_since(&self, today: NaiveDate) -> NaiveDate {
        today - Duration::days(self.no_show_days + self.suspend_days)
    }

    /// The day before which bookings lose their personal values.
    pub fn erase_before(&self, today: NaiveDate) -> NaiveDate {
        today - Duration::days(self.keep_days)
    }
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            no_show_limit: 3,
            no_show_days: 30,
            suspend_days: 30,
            keep_days: 90,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingState {
    Booked,
    CheckedIn,
    Cancelled,
    /// Not checked in by the end of its window.
    Missed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// Eight digits, typed at the kiosk to check in.
    pub code: String,
    pub service: ServiceCode,
    pub queue: QueuePrefix,
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The booked time as an instant.
    pub at: Timestamp,
    /// Sealed, as a case's applicant is.
    pub applicant: SealedApplicant,
    pub state: BookingState,
    pub made_at: Timestamp,
    /// The ticket of the check-in, or a late arrival's walk-in ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<TicketId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<Timestamp>,
    /// When it was cancelled or missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
}

impl Booking {
    /// What an event changes in this booking: the one rule the hall's fold
    /// follows. Events about other bookings change nothing.
    pub fn follow(&mut self, event: &HallEvent) {
        match event {
            HallEvent::BookingCancelled { code, at } if *code == self.code => {
                self.state = BookingState::Cancelled;
                self.closed_at = Some(*at);
            }
            HallEvent::BookingCheckedIn {
                code,
                ticket,
                late,
                at,
            } if *code == self.code => {
                self.ticket = Some(ticket.clone());
                if *late {
                    self.state = BookingState::Missed;
                    self.closed_at.get_or_insert(*at);
                } else {
                    self.state = BookingState::CheckedIn;
                    self.checked_in_at = Some(*at);
                }
            }
            HallEvent::BookingsMissed { codes, at } if codes.contains(&self.code) => {
                self.state = BookingState::Missed;
                self.closed_at = Some(*at);
            }
            HallEvent::PersonalDataErased { bookings, .. } if bookings.contains(&self.code) => {
                self.applicant.erase();
            }
            _ => {}
        }
    }

    fn id_is(&self, id: &IdNumber) -> bool {
        self.applicant.id_number.value() == Some(id)
    }

    /// Whether the booking holds a place in its slot.
    fn holds_place(&self) -> bool {
        self.state != BookingState::Cancelled
    }
}

/// A slot of one day, and how many it still takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub capacity: u32,
    pub free: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DaySlots {
    pub day: NaiveDate,
    pub slots: Vec<Slot>,
}

/// What a citizen asks to book.
#[derive(Clone, Debug)]
pub struct BookingRequest {
    pub service: ServiceCode,
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub applicant: Applicant,
}

/// How a citizen at the kiosk names their booking.
#[derive(Clone, Debug)]
pub enum CheckInKey {
    Code(String),
    IdNumber(IdNumber),
}

/// Days a loop over the calendar looks ahead at most, past `days_ahead`
/// working days: a long holiday is never longer.
const CALENDAR_SLACK: u32 = 21;

impl Hall {
    pub fn booking(&self, code: &str) -> Option<&Booking> {
        self.bookings.get(code)
    }

    pub fn bookings(&self) -> impl Iterator<Item = &Booking> {
        self.bookings.values()
    }

    /// The queue and slot rules of a bookable service.
    ///
    /// # Errors
    /// `UnknownService`, or `NotBookable` when its queue takes no bookings.
    pub fn bookable(&self, service: &ServiceCode) -> Result<(&QueueSetup, &SlotRules), QueueError> {
        let queue = self
            .setup
            .queue_for_service(service)
            .ok_or_else(|| QueueError::UnknownService(service.clone()))?;
        let rules = queue
            .appointments
            .as_ref()
            .ok_or_else(|| QueueError::NotBookable(service.clone()))?;
        Ok((queue, rules))
    }

    /// The instant a slot of `day` starts, in the hall's zone.
    fn instant(&self, day: NaiveDate, time: NaiveTime) -> Timestamp {
        let local = day.and_time(time);
        self.setup
            .day_rule
            .zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }

    /// The days a queue can be booked from `now`: `days_ahead` working
    /// days, today the first if it is one.
    fn bookable_days(&self, rules: &SlotRules, now: Timestamp) -> Vec<NaiveDate> {
        let today = self.setup.day_rule.day_of(now);
        today
            .iter_days()
            .take((rules.days_ahead + CALENDAR_SLACK) as usize)
            .filter(|d| self.setup.calendar.is_working_day(*d).value)
            .take(rules.days_ahead as usize)
            .collect()
    }

    fn taken(&self, queue: QueuePrefix, day: NaiveDate, start: NaiveTime) -> u32 {
        let n = self
            .bookings
            .values()
            .filter(|b| b.queue == queue && b.day == day && b.start == start && b.holds_place())
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// A service's slots from `now` on: every bookable day, every slot not
    /// yet started, full ones included.
    ///
    /// # Errors
    /// As [`Self::bookable`].
    pub fn slots(
        &self,
        service: &ServiceCode,
        now: Timestamp,
    ) -> Result<Vec<DaySlots>, QueueError> {
        let (queue, rules) = self.bookable(service)?;
        let days = self.bookable_days(rules, now);
        Ok(days
            .into_iter()
            .map(|day| DaySlots {
                day,
                slots: rules
                    .starts()
                    .into_iter()
                    .filter(|&start| self.instant(day, start) > now)
                    .map(|start| Slot {
                        start,
                        end: start + rules.slot,
                        capacity: rules.capacity,
                        free: rules
                            .capacity
                            .saturating_sub(self.taken(queue.prefix, day, start)),
                    })
                    .collect(),
            })
            .filter(|d| !d.slots.is_empty())
            .collect())
    }

    /// Books a slot under `code`, sealing the applicant under `salt`.
    ///
    /// # Errors
    /// Not bookable; not a slot of a bookable day, or started; full; the ID
    /// has an open booking of the service that day, or booking is
    /// suspended for its no-shows; or `code` is taken (the caller draws
    /// another).
    pub fn book(
        &self,
        req: BookingRequest,
        code: String,
        salt: Salt,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (queue, rules) = self.bookable(&req.service)?;
        if !self.bookable_days(rules, now).contains(&req.day) {
            return Err(QueueError::InvalidSlot("这一天不能预约".into()));
        }
        if !rules.starts().contains(&req.start) {
            return Err(QueueError::InvalidSlot("没有这个预约时段".into()));
        }
        let at = self.instant(req.day, req.start);
        if at <= now {
            return Err(QueueError::InvalidSlot("这个时段已经开始".into()));
        }
        self.may_book(&req, now)?;
        if self.taken(queue.prefix, req.day, req.start) >= rules.capacity {
            return Err(QueueError::SlotFull);
        }
        if self.bookings.contains_key(&code) {
            return Err(QueueError::BookingCodeTaken);
        }
        let mut applicant = SealedApplicant::new(req.applicant, salt);
        applicant.seal();
        let booking = Booking {
            code,
            service: req.service,
            queue: queue.prefix,
            day: req.day,
            start: req.start,
            end: req.start + rules.slot,
            at,
            applicant,
            state: BookingState::Booked,
            made_at: now,
            ticket: None,
            checked_in_at: None,
            closed_at: None,
        };
        Ok(vec![HallEvent::BookingMade {
            booking: Box::new(booking),
        }])
    }

    /// The per-ID rules: one open booking of a service a day, and none
    /// while suspended for no-shows.
    fn may_book(&self, req: &BookingRequest, now: Timestamp) -> Result<(), QueueError> {
        let id = &req.applicant.id_number;
        let twice = self.bookings.values().any(|b| {
            b.state == BookingState::Booked
                && b.service == req.service
                && b.day == req.day
                && b.id_is(id)
        });
        if twice {
            return Err(QueueError::AlreadyBooked);
        }
        match self.suspended_until(id, now) {
            Some(until) => Err(QueueError::BookingSuspended {
                count: self.setup.bookings.no_show_limit,
                days: self.setup.bookings.no_show_days,
                until,
            }),
            None => Ok(()),
        }
    }

    /// The day booking opens again for an ID with too many recent no-shows.
    pub fn suspended_until(&self, id: &IdNumber, now: Timestamp) -> Option<NaiveDate> {
        let rules = &self.setup.bookings;
        let today = self.setup.day_rule.day_of(now);
        let mut missed: Vec<NaiveDate> = self
            .bookings
            .values()
            .filter(|b| b.state == BookingState::Missed && b.id_is(id))
            .map(|b| b.day)
            .collect();
        missed.sort_unstable();
        // Any `no_show_limit` no-shows within `no_show_days` suspend, from
        // the last of them.
        let limit = rules.no_show_limit.max(1) as usize;
        missed
            .windows(limit)
            .filter(|w| (w[limit - 1] - w[0]).num_days() < rules.no_show_days)
            .map(|w| w[limit - 1] + Duration::days(rules.suspend_days))
            .filter(|until| *until > today)
            .max()
    }

    /// Cancels a booking, proved by the last four characters of its ID
    /// number.
    ///
    /// # Errors
    /// `UnknownBooking` for an unknown code or a wrong proof alike;
    /// `CancelClosed` past the deadline or when it is no longer open.
    pub fn cancel_booking(
        &self,
        code: &str,
        last_four: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let b = self
            .bookings
            .get(code)
            .filter(|b| proves_id(&b.applicant, last_four))
            .ok_or(QueueError::UnknownBooking)?;
        if b.state != BookingState::Booked {
            return Err(QueueError::CancelClosed(
                "该预约已签到、已取消或已失效".into(),
            ));
        }
        let rules = self.slot_rules(b)?;
        if now > b.at - rules.cancel_before {
            return Err(QueueError::CancelClosed(format!(
                "预约时间前 {} 分钟内不能取消",
                rules.cancel_before.num_minutes()
            )));
        }
        Ok(vec![HallEvent::BookingCancelled {
            code: b.code.clone(),
            at: now,
        }])
    }

    fn slot_rules(&self, b: &Booking) -> Result<&SlotRules, QueueError> {
        self.setup
            .queue(b.queue)
            .and_then(|q| q.appointments.as_ref())
            .ok_or_else(|| QueueError::NotBookable(b.service.clone()))
    }

    /// Today's booking a citizen names at the kiosk: by code, or by ID
    /// number the open one whose window is nearest.
    fn booking_for(&self, key: &CheckInKey, now: Timestamp) -> Option<&Booking> {
        let today = self.setup.day_rule.day_of(now);
        match key {
            CheckInKey::Code(code) => self.bookings.get(code.trim()),
            CheckInKey::IdNumber(id) => self
                .bookings
                .values()
                .filter(|b| b.day == today && b.id_is(id))
                .min_by_key(|b| (b.state != BookingState::Booked, (b.at - now).abs())),
        }
        .filter(|b| b.day == today)
    }

    /// Checks a citizen in for today's booking and issues their ticket:
    /// within the window (or early, where the queue lets them wait) a ticket
    /// in the place of the booked time; after it, a walk-in ticket where the
    /// queue gives one.
    ///
    /// # Errors
    /// `UnknownBooking` for no booking today; `TooEarly` with the time the
    /// window opens; `CheckinClosed` when cancelled, already checked in, or
    /// late where the queue refuses; and issuing's own refusals.
    pub fn check_in(
        &self,
        key: &CheckInKey,
        id: TicketId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let b = self
            .booking_for(key, now)
            .ok_or(QueueError::UnknownBooking)?;
        let rules = self.slot_rules(b)?;
        let closed = |why: &str| Err(QueueError::CheckinClosed(why.into()));
        match b.state {
            BookingState::Cancelled => return closed("该预约已取消"),
            BookingState::CheckedIn => return closed("该预约已签到，请留意叫号"),
            BookingState::Missed if b.ticket.is_some() => return closed("该预约已取过号"),
            BookingState::Booked | BookingState::Missed => {}
        }
        let opens = b.at - rules.checkin_before;
        let late = now > b.at + rules.checkin_after || b.state == BookingState::Missed;
        if now < opens && rules.early == Early::ComeBack {
            let local = opens.with_timezone(&self.setup.day_rule.zone);
            return Err(QueueError::TooEarly(local.format("%H:%M").to_string()));
        }
        if late && rules.late == Late::Refuse {
            return closed("已超过签到时间，请重新取号");
        }
        let mut issued = self.issue(&Wanted::Service(b.service.clone()), false, id.clone(), now)?;
        if !late {
            // Those booked for the same time go in the order they checked in.
            let before = self
                .tickets
                .values()
                .filter(|t| t.appointment.as_ref().is_some_and(|a| a.at == b.at))
                .count();
            for event in &mut issued {
                if let HallEvent::TicketIssued { ticket } = event {
                    earn_place(ticket, b, before);
                }
            }
        }
        let mut events = vec![HallEvent::BookingCheckedIn {
            code: b.code.clone(),
            ticket: id,
            late,
            at: now,
        }];
        events.append(&mut issued);
        Ok(events)
    }

    /// Bookings whose check-in window closed before `now` with nobody
    /// checked in: they become no-shows.
    pub fn missed_bookings(&self, now: Timestamp) -> Option<HallEvent> {
        let codes: Vec<String> = self
            .bookings
            .values()
            .filter(|b| b.state == BookingState::Booked)
            .filter(|b| {
                self.slot_rules(b)
                    .is_ok_and(|r| now > b.at + r.checkin_after)
            })
            .map(|b| b.code.clone())
            .collect();
        (!codes.is_empty()).then_some(HallEvent::BookingsMissed { codes, at: now })
    }

    /// Bookings ended before `day`, whose personal values are still held.
    pub fn bookings_to_erase(&self, before: NaiveDate) -> Vec<String> {
        self.bookings
            .values()
            .filter(|b| b.day < before && b.state != BookingState::Booked)
            .filter(|b| b.applicant.salt.is_some())
            .map(|b| b.code.clone())
            .collect()
    }
}

/// An appointment ticket takes the place of its booked time, after a walk-in
/// of that very millisecond and the `before` who checked in for the same
/// time.
fn earn_place(ticket: &mut Ticket, b: &Booking, before: usize) {
    let after = i64::try_from(before).unwrap_or(i64::MAX).saturating_add(1);
    ticket.order = b.at.timestamp_millis() * ORDER_STEP + after.min(ORDER_STEP - 1);
    ticket.appointment = Some(Appointment {
        code: b.code.clone(),
        at: b.at,
    });
}

/// Whether `four` are the last four characters of the applicant's ID number
/// (an `x` taken as `X`); never once it is erased.
pub fn proves_id(applicant: &SealedApplicant, four: &str) -> bool {
    let four = four.trim().to_ascii_uppercase();
    four.chars().count() == 4
        && applicant
            .id_number
            .value()
            .is_some_and(|id| id.as_str().ends_with(&four))
}
