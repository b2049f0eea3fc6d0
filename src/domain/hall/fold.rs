//! How each event changes the hall: one function per event kind. Events come
//! from this hall's own decisions or from the log, so they are trusted as
//! they are.

use super::{Hall, LoginRecord, Pause, Session};
use crate::domain::booking::BookingState;
use crate::domain::case::Case;
use crate::domain::event::HallEvent;
use crate::domain::ids::{BusinessDay, CounterNo, SessionId, StaffId, TicketId, Timestamp};
use crate::domain::rating::{Rating, RatingSubject, Rectification};
use crate::domain::ticket::Ticket;

impl Hall {
    /// Folds one event into the state.
    pub fn apply(&mut self, event: &HallEvent) {
        use HallEvent as E;
        match event {
            E::TicketIssued { ticket } => self.ticket_issued(ticket),
            E::TicketCalled {
                ticket,
                counter,
                priority_streak,
                ..
            } => self.ticket_called(ticket, *counter, *priority_streak, event),
            E::TicketRecalled { ticket, .. } | E::TicketStarted { ticket, .. } => {
                self.ticket_follows(ticket, event);
            }
            E::TicketNoShow {
                ticket, counter, ..
            } => {
                self.ticket_follows(ticket, event);
                self.leave_counter(*counter);
            }
            E::TicketReactivated { ticket, .. } => self.ticket_reactivated(ticket, event),
            E::TicketFinished {
                ticket, counter, ..
            } => self.ticket_finished(ticket, *counter, event),
            E::TicketTransferred {
                ticket,
                from_counter,
                ..
            } => self.ticket_transferred(ticket, *from_counter, event),
            E::CounterPaused {
                counter,
                reason,
                at,
            } => self.counter_paused(*counter, reason, *at),
            E::CounterResumed { counter, .. } => self.counter_resumed(*counter),
            E::StaffLoggedIn {
                session,
                staff,
                counter,
                at,
                expires_at,
            } => self.staff_logged_in(session, staff, *counter, *at, *expires_at),
            E::StaffLoggedOut {
                session, counter, ..
            } => self.staff_logged_out(session, *counter),
            E::StaffLoginFailed {
                staff,
                failures,
                locked_until,
                at,
            } => self.staff_login_failed(staff, *failures, *locked_until, *at),
            E::StaffUnlocked { .. } | E::StaffPinChanged { .. } => self.account_changed(event),
            E::Case { case, .. } => self.case_changed(case),
            E::Rated { rating } => self.rated(rating, event),
            E::RectificationOpened { item } => self.rectification_opened(item),
            E::RectificationClosed { item } => {
                self.rectifications.remove(&item.id);
            }
            // Recorded for supervision; the hall itself is unchanged.
            E::DeviceAlert { .. } => {}
            E::DayRolledOver { to, .. } => self.day_rolled_over(*to),
            E::PersonalDataSealed { .. } | E::PersonalDataErased { .. } => {
                self.personal_data_changed(event);
            }
            E::BookingMade { booking } => {
                self.bookings
                    .insert(booking.code.clone(), (**booking).clone());
            }
            E::BookingCancelled { .. } | E::BookingCheckedIn { .. } | E::BookingsMissed { .. } => {
                self.bookings.values_mut().for_each(|b| b.follow(event));
            }
        }
    }

    /// A lock lifted, or a PIN of the clerk's own choosing.
    fn account_changed(&mut self, event: &HallEvent) {
        match event {
            HallEvent::StaffUnlocked { staff, .. } => {
                self.logins.remove(staff);
            }
            HallEvent::StaffPinChanged {
                staff, pin_hash, ..
            } => {
                self.pins.insert(staff.clone(), pin_hash.clone());
            }
            _ => {}
        }
    }

    /// Personal values sealed in older cases, or erased from closed ones.
    fn personal_data_changed(&mut self, event: &HallEvent) {
        match event {
            HallEvent::PersonalDataSealed { cases, .. } => {
                for seals in cases {
                    if let Some(case) = self.cases.get_mut(&seals.number) {
                        case.apply_seals(seals);
                    }
                }
            }
            HallEvent::PersonalDataErased { cases, .. } => {
                for number in cases {
                    if let Some(case) = self.cases.get_mut(number) {
                        case.erase_personal();
                    }
                }
                self.bookings.values_mut().for_each(|b| b.follow(event));
            }
            _ => {}
        }
    }

    fn ticket_issued(&mut self, ticket: &Ticket) {
        let q = self.queues.entry(ticket.number.prefix).or_default();
        q.last_seq = Some(ticket.number.seq);
        q.issued += 1;
        if ticket.appointment.is_none() {
            self.last_order = self.last_order.max(ticket.order);
        }
        self.line_mut(ticket).insert(ticket);
        self.tickets.insert(ticket.id.clone(), ticket.clone());
    }

    /// What the event changes in the ticket, if the hall has it.
    fn ticket_follows(&mut self, ticket: &TicketId, event: &HallEvent) {
        if let Some(t) = self.tickets.get_mut(ticket) {
            t.follow(event);
        }
    }

    fn ticket_called(
        &mut self,
        ticket: &TicketId,
        counter: CounterNo,
        priority_streak: u32,
        event: &HallEvent,
    ) {
        if let Some(t) = self.take_from_line(ticket) {
            t.follow(event);
        }
        if let Some(c) = self.counters.get_mut(&counter) {
            c.current = Some(ticket.clone());
            c.priority_streak = priority_streak;
        }
    }

    fn ticket_reactivated(&mut self, ticket: &TicketId, event: &HallEvent) {
        if let Some(t) = self.tickets.get_mut(ticket) {
            t.follow(event);
            self.last_order = self.last_order.max(t.order);
            let t = t.clone();
            self.line_mut(&t).insert(&t);
        }
    }

    fn ticket_finished(&mut self, ticket: &TicketId, counter: CounterNo, event: &HallEvent) {
        if let Some(t) = self.tickets.get_mut(ticket) {
            t.follow(event);
            let t = t.clone();
            self.record_service(&t);
        }
        self.leave_counter(counter);
    }

    fn ticket_transferred(
        &mut self,
        ticket: &TicketId,
        from_counter: CounterNo,
        event: &HallEvent,
    ) {
        if let Some(t) = self.tickets.get_mut(ticket) {
            t.follow(event);
            let t = t.clone();
            self.line_mut(&t).insert(&t);
        }
        self.leave_counter(from_counter);
    }

    fn counter_paused(&mut self, counter: CounterNo, reason: &str, at: Timestamp) {
        if let Some(c) = self.counters.get_mut(&counter) {
            c.pause = Some(Pause {
                reason: reason.to_owned(),
                since: at,
            });
        }
    }

    fn counter_resumed(&mut self, counter: CounterNo) {
        if let Some(c) = self.counters.get_mut(&counter) {
            c.pause = None;
        }
    }

    /// A session opens, and the staff member's wrong PINs are forgotten.
    fn staff_logged_in(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        counter: Option<CounterNo>,
        at: Timestamp,
        expires_at: Timestamp,
    ) {
        self.logins.remove(staff);
        self.attach_session(Session {
            id: session.clone(),
            staff: staff.clone(),
            counter,
            opened_at: at,
            expires_at,
        });
    }

    fn staff_logged_out(&mut self, session: &SessionId, counter: Option<CounterNo>) {
        self.sessions.remove(session);
        if let Some(c) = counter.and_then(|n| self.counters.get_mut(&n)) {
            c.session = None;
            c.staff = None;
            c.pause = None;
        }
    }

    /// A wrong PIN: the first of a count notes when the count began.
    fn staff_login_failed(
        &mut self,
        staff: &StaffId,
        failures: u32,
        locked_until: Option<Timestamp>,
        at: Timestamp,
    ) {
        let since = match self.logins.get(staff) {
            Some(r) if failures > 1 => r.since,
            _ => Some(at),
        };
        let record = LoginRecord {
            failures,
            locked_until,
            since,
        };
        self.logins.insert(staff.clone(), record);
    }

    fn case_changed(&mut self, case: &Case) {
        self.note_case_number(&case.number);
        self.cases.insert(case.number.clone(), case.clone());
    }

    fn rated(&mut self, rating: &Rating, event: &HallEvent) {
        self.next_rating = self.next_rating.max(rating.id + 1);
        match &rating.subject {
            RatingSubject::Ticket(id) => self.ticket_follows(id, event),
            RatingSubject::Case(number) => {
                if let Some(c) = self.cases.get_mut(number) {
                    c.rated = true;
                }
            }
        }
    }

    fn rectification_opened(&mut self, item: &Rectification) {
        self.next_rectification = self.next_rectification.max(item.id + 1);
        self.rectifications.insert(item.id, item.clone());
    }

    /// A new business day: tickets, lines and counters start afresh; logins,
    /// chosen PINs, cases (final ones for `keep_closed_days`), rectifications and the
    /// numbering of cases, ratings and rectifications carry over.
    fn day_rolled_over(&mut self, to: BusinessDay) {
        let mut fresh = Self::new(self.setup.clone(), to);
        let keep = self.setup.cases.keep_closed_days;
        fresh.logins = std::mem::take(&mut self.logins);
        fresh.pins = std::mem::take(&mut self.pins);
        fresh.cases = std::mem::take(&mut self.cases);
        fresh
            .cases
            .retain(|_, c| c.finished_on.is_none_or(|d| (to - d).num_days() <= keep));
        fresh.case_seq = self.case_seq;
        let since = self.setup.bookings.at_hand_since(to);
        fresh.bookings = std::mem::take(&mut self.bookings);
        fresh
            .bookings
            .retain(|_, b| b.state == BookingState::Booked || b.day >= since);
        fresh.rectifications = std::mem::take(&mut self.rectifications);
        fresh.next_rating = self.next_rating;
        fresh.next_rectification = self.next_rectification;
        *self = fresh;
    }
}
