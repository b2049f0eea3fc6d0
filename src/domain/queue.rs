//! The queue engine's decisions: given the hall and a request, which events
//! happen, or why none may. Nothing here changes the hall; `Hall::apply` does.

use super::case::Delivery;
use super::error::QueueError;
use super::event::HallEvent;
use super::hall::{Counter, Hall, Line};
use super::ids::{CounterNo, QueuePrefix, ServiceCode, StaffId, TicketId, TicketNumber, Timestamp};
use super::policy::CounterAct;
use super::setup::{CounterKind, QueueKind, QueueSetup};
use super::ticket::{Ticket, TicketState};

/// What a citizen asks the kiosk for.
#[derive(Clone, Debug)]
pub enum Wanted {
    Service(ServiceCode),
    Queue(QueuePrefix),
    /// A pickup ticket for an approved case, by its number.
    Case(String),
}

/// Where a clerk sends a citizen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TransferTo {
    Queue(QueuePrefix),
    Counter(CounterNo),
}

const MAX_REASON_CHARS: usize = 100;

/// Places in line are issue times in milliseconds times this, and tickets of
/// the same millisecond are this far apart, so that twenty late citizens can
/// be put back, one after another, between any two tickets. The scale lasts
/// until the year 2248.
pub(super) const ORDER_STEP: i64 = 1 << 20;

pub(super) fn reason_text(reason: &str) -> Result<String, QueueError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(QueueError::ReasonRequired);
    }
    if reason.chars().count() > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
        return Err(QueueError::ReasonTooLong(MAX_REASON_CHARS));
    }
    Ok(reason.to_owned())
}

impl Hall {
    /// Issues the next number of the queue serving `wanted`.
    ///
    /// # Errors
    /// Unknown service or queue, a pickup queue (those take case numbers), or
    /// the queue's daily cap or number range used up.
    pub fn issue(
        &self,
        wanted: &Wanted,
        priority: bool,
        id: TicketId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let (queue, service, case) = match wanted {
            Wanted::Service(code) => {
                let q = self
                    .setup
                    .queue_for_service(code)
                    .ok_or_else(|| QueueError::UnknownService(code.clone()))?;
                (q, Some(code.clone()), None)
            }
            Wanted::Queue(prefix) => {
                let q = self
                    .setup
                    .queue(*prefix)
                    .ok_or(QueueError::UnknownQueue(*prefix))?;
                (q, None, None)
            }
            Wanted::Case(number) => (self.pickup_queue_for(number)?, None, Some(number.clone())),
        };
        if queue.kind == QueueKind::Pickup && case.is_none() {
            return Err(QueueError::PickupQueue(queue.prefix));
        }
        let seq = self.next_seq(queue)?;
        let ticket = Ticket {
            id,
            number: TicketNumber {
                prefix: queue.prefix,
                seq,
                width: queue.width(),
            },
            day: self.day,
            queue: queue.prefix,
            service,
            priority,
            issued_at: now,
            order: (now.timestamp_millis() * ORDER_STEP).max(self.last_order + ORDER_STEP),
            target_counter: None,
            state: TicketState::Waiting,
            recalls: 0,
            counter: None,
            staff: None,
            called_at: None,
            started_at: None,
            finished_at: None,
            no_show_at: None,
            case,
            rated: false,
            appointment: None,
        };
        Ok(vec![HallEvent::TicketIssued { ticket }])
    }

    /// The pickup queue, for a case whose results (or a finished stage's)
    /// wait to be collected and that has no ticket in line yet.
    fn pickup_queue_for(&self, number: &str) -> Result<&QueueSetup, QueueError> {
        let case = self.cases.get(number).ok_or(QueueError::UnknownCase)?;
        if !case.results_wait() {
            return Err(QueueError::CaseNotReady);
        }
        if case.delivery != Delivery::Pickup {
            return Err(QueueError::WrongDelivery);
        }
        let taken = self.tickets.values().any(|t| {
            t.case.as_deref() == Some(number)
                && matches!(
                    t.state,
                    TicketState::Waiting | TicketState::Called | TicketState::Serving
                )
        });
        if taken {
            return Err(QueueError::PickupTaken);
        }
        self.setup
            .queues
            .iter()
            .find(|q| q.kind == QueueKind::Pickup)
            .ok_or(QueueError::NoPickupQueue)
    }

    fn next_seq(&self, queue: &QueueSetup) -> Result<u32, QueueError> {
        let (last_seq, issued) = self
            .queues
            .get(&queue.prefix)
            .map_or((None, 0), |q| (q.last_seq, q.issued));
        let seq = last_seq.map_or(queue.first, |s| s + 1);
        if issued >= queue.daily_cap || seq > queue.last {
            return Err(QueueError::DailyCapReached {
                queue: queue.prefix,
                name: queue.name.clone(),
            });
        }
        Ok(seq)
    }

    /// The counter, once `staff` may do `act` there now.
    fn acting(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        act: CounterAct,
    ) -> Result<&Counter, QueueError> {
        self.may_at_counter(counter, staff, act)?;
        self.counters
            .get(&counter)
            .ok_or(QueueError::UnknownCounter(counter))
    }

    /// The counter's ticket, once `staff` may do `act` to it now.
    fn acting_on(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        act: CounterAct,
    ) -> Result<&Ticket, QueueError> {
        self.acting(counter, staff, act)?
            .current
            .as_ref()
            .and_then(|id| self.tickets.get(id))
            .ok_or(QueueError::NoCurrentTicket(counter))
    }

    /// The lines a counter calls from: its own transfers, then its queues.
    fn lines_of<'a>(&'a self, c: &'a Counter) -> impl Iterator<Item = &'a Line> + 'a {
        let queues = self
            .setup
            .counter(c.number)
            .map(|s| s.queues.as_slice())
            .unwrap_or_default();
        std::iter::once(&c.line).chain(
            queues
                .iter()
                .filter_map(|p| self.queues.get(p).map(|q| &q.line)),
        )
    }

    /// Calls the next citizen to `counter`: green channel first, at most
    /// `priority_streak_limit` of them in a row while ordinary tickets wait;
    /// otherwise first come, first served across the counter's queues.
    ///
    /// # Errors
    /// The counter is not the caller's, paused, still has a ticket, or nobody waits.
    pub fn call_next(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let c = self.acting(counter, staff, CounterAct::CallNext)?;
        let earliest = |priority: bool| {
            self.lines_of(c)
                .filter_map(|line| line.first(priority))
                .min()
                .map(|(_, id)| id)
        };
        let priority = earliest(true);
        let ordinary = earliest(false).map(|id| self.before_appointment(c, id, now));
        let limit = self.setup.rules.priority_streak_limit;
        let (id, streak) = match (priority, ordinary) {
            (Some(p), None) => (p, c.priority_streak + 1),
            (Some(p), Some(_)) if c.priority_streak < limit => (p, c.priority_streak + 1),
            (_, Some(o)) => (o, 0),
            (None, None) => return Err(QueueError::NobodyWaiting(counter)),
        };
        Ok(vec![self.called(
            &self.tickets[id],
            c,
            staff,
            streak,
            None,
            now,
        )])
    }

    /// The ordinary ticket to call when `first` leads the line: itself,
    /// unless it is an appointment and a walk-in it passed has waited the
    /// queue's `walk_in_delay`; then the longest-waiting such walk-in.
    fn before_appointment<'a>(
        &'a self,
        c: &'a Counter,
        first: &'a TicketId,
        now: Timestamp,
    ) -> &'a TicketId {
        let t = &self.tickets[first];
        let Some(delay) = t
            .appointment
            .as_ref()
            .and_then(|_| self.setup.queue(t.queue)?.appointments.as_ref())
            .map(|r| r.walk_in_delay)
        else {
            return first;
        };
        self.lines_of(c)
            .flat_map(|line| line.iter(false))
            .filter(|(order, id)| (*order, id) > (t.order, &t.id))
            .map(|(_, id)| &self.tickets[id])
            .filter(|w| w.appointment.is_none() && w.issued_at < t.issued_at)
            .filter(|w| now - w.issued_at >= delay)
            .min_by_key(|w| (w.order, &w.id))
            .map_or(first, |w| &w.id)
    }

    /// Calls one waiting ticket out of turn, with the reason recorded.
    ///
    /// # Errors
    /// As `call_next`, or the ticket is unknown, not waiting, or not in a
    /// queue this counter serves.
    pub fn call_out_of_turn(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        number: &TicketNumber,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let c = self.acting(counter, staff, CounterAct::CallOutOfTurn)?;
        let reason = reason_text(reason)?;
        let t = self
            .ticket_by_number(number)
            .ok_or(QueueError::UnknownTicket)?;
        if t.state != TicketState::Waiting {
            return Err(QueueError::WrongTicketState {
                number: t.number,
                state: t.state,
            });
        }
        let place = (t.order, t.id.clone());
        if !self
            .lines_of(c)
            .any(|l| l.iter(t.priority).any(|p| *p == place))
        {
            return Err(QueueError::NotServedHere {
                number: t.number,
                counter,
            });
        }
        let streak = if t.priority { c.priority_streak + 1 } else { 0 };
        Ok(vec![self.called(t, c, staff, streak, Some(reason), now)])
    }

    fn called(
        &self,
        t: &Ticket,
        c: &Counter,
        staff: &StaffId,
        priority_streak: u32,
        out_of_turn: Option<String>,
        at: Timestamp,
    ) -> HallEvent {
        HallEvent::TicketCalled {
            ticket: t.id.clone(),
            number: t.number,
            queue: t.queue,
            counter: c.number,
            staff: staff.clone(),
            at,
            priority_streak,
            out_of_turn,
        }
    }

    /// Announces the counter's called ticket again.
    ///
    /// # Errors
    /// No called ticket at the counter, or the counter is not the caller's.
    pub fn recall(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let t = self.acting_on(counter, staff, CounterAct::Recall)?;
        Ok(vec![HallEvent::TicketRecalled {
            ticket: t.id.clone(),
            number: t.number,
            counter,
            at: now,
            recalls: t.recalls + 1,
        }])
    }

    /// Marks the called citizen absent, once they have been recalled enough.
    ///
    /// # Errors
    /// Too few recalls yet, no called ticket, or not the caller's counter.
    pub fn no_show(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let t = self.acting_on(counter, staff, CounterAct::NoShow)?;
        Ok(vec![HallEvent::TicketNoShow {
            ticket: t.id.clone(),
            number: t.number,
            counter,
            at: now,
        }])
    }

    /// The citizen has arrived at the counter.
    ///
    /// # Errors
    /// No called ticket at the counter, or not the caller's counter.
    pub fn start(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let t = self.acting_on(counter, staff, CounterAct::Start)?;
        Ok(vec![HallEvent::TicketStarted {
            ticket: t.id.clone(),
            number: t.number,
            counter,
            at: now,
        }])
    }

    /// The service is done.
    ///
    /// # Errors
    /// No ticket being served at the counter, or not the caller's counter.
    pub fn finish(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let t = self.acting_on(counter, staff, CounterAct::Finish)?;
        Ok(vec![HallEvent::TicketFinished {
            ticket: t.id.clone(),
            number: t.number,
            counter,
            at: now,
        }])
    }

    /// Sends the counter's citizen to another queue or a named counter; they
    /// keep their place in line by their original issue time.
    ///
    /// # Errors
    /// Unknown or pickup target, the counter itself, no ticket at the counter.
    pub fn transfer(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        to: TransferTo,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let t = self.acting_on(counter, staff, CounterAct::Transfer)?;
        let (to_queue, to_counter) = match to {
            TransferTo::Queue(prefix) => {
                self.setup
                    .queue(prefix)
                    .ok_or(QueueError::UnknownQueue(prefix))?;
                (prefix, None)
            }
            TransferTo::Counter(n) => {
                self.setup.counter(n).ok_or(QueueError::UnknownCounter(n))?;
                (t.queue, Some(n))
            }
        };
        self.may_transfer_to(counter, to)?;
        let reason = if reason.trim().is_empty() {
            String::new()
        } else {
            reason_text(reason)?
        };
        Ok(vec![HallEvent::TicketTransferred {
            ticket: t.id.clone(),
            number: t.number,
            from_counter: counter,
            to_queue,
            to_counter,
            reason,
            at: now,
        }])
    }

    /// Where a clerk at `counter` may send a citizen: any service queue, or
    /// another counter by name but the pickup window, which only hands
    /// results over.
    ///
    /// # Errors
    /// A pickup queue or counter, or the counter itself.
    pub fn may_transfer_to(&self, counter: CounterNo, to: TransferTo) -> Result<(), QueueError> {
        match to {
            TransferTo::Queue(prefix) => match self.setup.queue(prefix) {
                Some(q) if q.kind == QueueKind::Pickup => Err(QueueError::PickupQueue(prefix)),
                _ => Ok(()),
            },
            TransferTo::Counter(n) if n == counter => Err(QueueError::TransferToSelf),
            TransferTo::Counter(n) => match self.setup.counter(n) {
                Some(c) if c.kind == CounterKind::Pickup => Err(QueueError::TransferToPickup(n)),
                _ => Ok(()),
            },
        }
    }

    /// Every queue and counter a clerk at `counter` may send a citizen to.
    pub fn transfer_targets(&self, counter: CounterNo) -> Vec<TransferTo> {
        let queues = self
            .setup
            .queues
            .iter()
            .map(|q| TransferTo::Queue(q.prefix));
        let counters = self
            .setup
            .counters
            .iter()
            .map(|c| TransferTo::Counter(c.number));
        queues
            .chain(counters)
            .filter(|to| self.may_transfer_to(counter, *to).is_ok())
            .collect()
    }

    /// Stops calling at the counter for a while, with a reason on the wall.
    ///
    /// # Errors
    /// Already paused, a ticket still at the counter, an empty reason.
    pub fn pause(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        self.may_at_counter(counter, staff, CounterAct::Pause)?;
        Ok(vec![HallEvent::CounterPaused {
            counter,
            reason: reason_text(reason)?,
            at: now,
        }])
    }

    /// # Errors
    /// The counter is not paused or not the caller's.
    pub fn resume(
        &self,
        counter: CounterNo,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        self.may_at_counter(counter, staff, CounterAct::Resume)?;
        Ok(vec![HallEvent::CounterResumed { counter, at: now }])
    }

    /// Puts a late citizen back in line, `reinsert_places` behind the front
    /// of their class, if they come back within the late window.
    ///
    /// # Errors
    /// Unknown ticket, not a no-show, or the window has passed.
    pub fn reactivate(&self, id: &TicketId, now: Timestamp) -> Result<Vec<HallEvent>, QueueError> {
        let t = self.tickets.get(id).ok_or(QueueError::UnknownTicket)?;
        let Some(no_show_at) = t.no_show_at.filter(|_| t.state == TicketState::NoShow) else {
            return Err(QueueError::WrongTicketState {
                number: t.number,
                state: t.state,
            });
        };
        if now - no_show_at > self.setup.rules.late_window {
            return Err(QueueError::LateWindowPassed {
                number: t.number,
                minutes: self.setup.rules.late_window.num_minutes(),
            });
        }
        let places = self.setup.rules.reinsert_places;
        let keys: Vec<i64> = self
            .line(t)
            .iter(t.priority)
            .map(|(order, _)| *order)
            .take(places + 1)
            .collect();
        let order = match places {
            0 => keys
                .first()
                .map_or(self.last_order + ORDER_STEP, |first| first - ORDER_STEP),
            // Between the ticket `places` from the front and the one after it.
            _ if keys.len() > places => {
                let (before, after) = (keys[places - 1], keys[places]);
                before + (after - before) / 2
            }
            // Fewer than `places` wait: the end of the line.
            _ => self.last_order + ORDER_STEP,
        };
        Ok(vec![HallEvent::TicketReactivated {
            ticket: t.id.clone(),
            number: t.number,
            at: now,
            order,
        }])
    }

    /// Ends the business day when `now` belongs to a later one: every ticket
    /// still waiting or at a counter expires, and staff log in afresh.
    pub fn roll_over(&self, now: Timestamp) -> Option<HallEvent> {
        let today = self.setup.day_rule.day_of(now);
        (today > self.day).then(|| {
            let mut expired: Vec<TicketId> = self
                .tickets
                .values()
                .filter(|t| {
                    matches!(
                        t.state,
                        TicketState::Waiting | TicketState::Called | TicketState::Serving
                    )
                })
                .map(|t| t.id.clone())
                .collect();
            expired.sort();
            HallEvent::DayRolledOver {
                from: self.day,
                to: today,
                expired,
                at: now,
            }
        })
    }

    /// How long ago a counter's current ticket was called or started.
    pub fn current_for(&self, counter: CounterNo) -> Option<&Ticket> {
        self.counters
            .get(&counter)?
            .current
            .as_ref()
            .and_then(|id| self.tickets.get(id))
    }
}

/// Whole minutes from `now` until `then`, rounded up, for people to read.
pub fn minutes_until(now: Timestamp, then: Timestamp) -> i64 {
    ((then - now).num_seconds().max(0) + 59) / 60
}
