//! Staff sessions: who may log in where, and how wrong PINs lock an id.
//!
//! `lockout_after` wrong PINs within `lockout_for` of the first lock the id
//! for `lockout_for`; a right PIN or a supervisor's unlock clears the count,
//! and a count older than `lockout_for` starts afresh, so that a trickle of
//! guesses spread over hours never adds up to a lock.

use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{CounterNo, SessionId, StaffId, Timestamp};
use super::queue::minutes_until;
use super::setup::StaffSetup;

impl Hall {
    /// Who `staff` is, if they may try a PIN now.
    ///
    /// # Errors
    /// `WrongPin` for an unknown id (so ids cannot be probed), `StaffLocked`
    /// while too many wrong PINs lock the id.
    pub fn may_try_login(
        &self,
        staff: &StaffId,
        now: Timestamp,
    ) -> Result<&StaffSetup, QueueError> {
        let member = self.setup.staff_member(staff).ok_or(QueueError::WrongPin)?;
        match self.logins.get(staff).and_then(|r| r.locked_until) {
            Some(until) if until > now => Err(QueueError::StaffLocked {
                minutes: minutes_until(now, until),
            }),
            _ => Ok(member),
        }
    }

    /// Opens a session once the PIN checked out. A staff member is in one
    /// place at a time: an older session of theirs ends.
    ///
    /// # Errors
    /// Locked id, unknown counter, a counter of a kind their role does not
    /// staff, or a counter someone else is logged in at.
    pub fn log_in(
        &self,
        staff: &StaffId,
        counter: Option<CounterNo>,
        session: SessionId,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let member = self.may_try_login(staff, now)?;
        if let Some(n) = counter {
            let setup = self.setup.counter(n).ok_or(QueueError::UnknownCounter(n))?;
            if !member.role.may_staff(setup.kind) {
                return Err(QueueError::WrongCounterKind { counter: n });
            }
            match &self.counters[&n].staff {
                Some(other) if other != staff => {
                    return Err(QueueError::CounterTaken {
                        counter: n,
                        staff: other.clone(),
                    });
                }
                _ => {}
            }
        }
        let mut older: Vec<_> = self
            .sessions
            .values()
            .filter(|s| &s.staff == staff)
            .collect();
        older.sort_by(|a, b| a.id.cmp(&b.id));
        let mut events: Vec<HallEvent> = older
            .into_iter()
            .map(|s| HallEvent::StaffLoggedOut {
                session: s.id.clone(),
                staff: s.staff.clone(),
                counter: s.counter,
                at: now,
            })
            .collect();
        events.push(HallEvent::StaffLoggedIn {
            session,
            staff: staff.clone(),
            counter,
            at: now,
            expires_at: self.setup.day_rule.next_rollover(self.day),
        });
        Ok(events)
    }

    /// Counts a wrong PIN; enough in a row lock the id for a while. Unknown
    /// ids are not counted: there is nothing to lock.
    pub fn login_failed(&self, staff: &StaffId, now: Timestamp) -> Vec<HallEvent> {
        if self.setup.staff_member(staff).is_none() {
            return Vec::new();
        }
        let rules = &self.setup.rules;
        let before = match self.logins.get(staff) {
            // A lock that has run out starts the count afresh.
            Some(r) if r.locked_until.is_some_and(|u| u <= now) => 0,
            // So does a count whose first failure is a lockout ago.
            Some(r) if r.since.is_some_and(|s| s + rules.lockout_for <= now) => 0,
            Some(r) => r.failures,
            None => 0,
        };
        let failures = before + 1;
        let locked_until = (failures >= rules.lockout_after).then(|| now + rules.lockout_for);
        vec![HallEvent::StaffLoginFailed {
            staff: staff.clone(),
            failures,
            locked_until,
            at: now,
        }]
    }

    /// Lifts the lock of `staff`, and forgets their wrong PINs.
    ///
    /// # Errors
    /// `UnknownStaff` for an id the hall does not have, `NotLocked` for an
    /// id that is not locked now.
    pub fn unlock(&self, staff: &StaffId, now: Timestamp) -> Result<Vec<HallEvent>, QueueError> {
        if self.setup.staff_member(staff).is_none() {
            return Err(QueueError::UnknownStaff(staff.clone()));
        }
        match self.logins.get(staff).and_then(|r| r.locked_until) {
            Some(until) if until > now => Ok(vec![HallEvent::StaffUnlocked {
                staff: staff.clone(),
                at: now,
            }]),
            _ => Err(QueueError::NotLocked),
        }
    }

    /// Records the hash of the PIN `staff` chose.
    pub fn change_pin(&self, staff: &StaffId, pin_hash: String, now: Timestamp) -> Vec<HallEvent> {
        vec![HallEvent::StaffPinChanged {
            staff: staff.clone(),
            pin_hash,
            at: now,
        }]
    }

    /// Ends a session; an unknown one yields no events. The ticket at the
    /// counter, if any, stays there for whoever logs in next.
    pub fn log_out(&self, session: &SessionId, now: Timestamp) -> Vec<HallEvent> {
        self.sessions
            .get(session)
            .map(|s| HallEvent::StaffLoggedOut {
                session: s.id.clone(),
                staff: s.staff.clone(),
                counter: s.counter,
                at: now,
            })
            .into_iter()
            .collect()
    }

    /// The live session behind a token's id, if it has not expired.
    pub fn live_session(&self, id: &SessionId, now: Timestamp) -> Option<&super::hall::Session> {
        self.sessions.get(id).filter(|s| s.expires_at > now)
    }
}
