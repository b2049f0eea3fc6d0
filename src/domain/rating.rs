//! 好差评: citizens rate every ticket and every case once; a bad review opens
//! a rectification (差评整改) that a supervisor must close.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::{CounterNo, ServiceCode, StaffId, TicketId, Timestamp};
use super::ticket::{Ticket, TicketState};

/// What was rated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingSubject {
    Ticket(TicketId),
    /// A case, by its number.
    Case(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub id: i64,
    pub subject: RatingSubject,
    /// 5 非常满意 … 1 非常不满意.
    pub score: u8,
    pub comment: Option<String>,
    pub at: Timestamp,
    /// Whom and what it rates, for the counts.
    pub counter: Option<CounterNo>,
    pub staff: Option<StaffId>,
    pub service: Option<ServiceCode>,
    pub department: Option<String>,
}

/// The words for a score, as on the hall's rating keypads.
pub fn score_label(score: u8) -> &'static str {
    match score {
        5 => "非常满意",
        4 => "满意",
        3 => "基本满意",
        2 => "不满意",
        _ => "非常不满意",
    }
}

/// Why a press on a counter's rating keypad (评价器) rates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeypadRefusal {
    /// No ticket finished at the counter today waits for a rating.
    NothingToRate,
    /// The ticket finished last at the counter has its rating already.
    AlreadyRated,
}

/// The ticket finished most recently today at `counter`, rated or not.
pub fn last_finished(hall: &Hall, counter: CounterNo) -> Option<&Ticket> {
    hall.tickets()
        .filter(|t| t.state == TicketState::Finished && t.counter == Some(counter))
        .filter(|t| t.day == hall.day())
        .max_by_key(|t| (t.finished_at, t.order))
}

/// The ticket a key press at `counter` rates: the one finished there most
/// recently today, if it has no rating yet. An older ticket is never rated
/// in its place, so a second press cannot rate the citizen before.
///
/// # Errors
/// [`KeypadRefusal::NothingToRate`] when nothing has finished at the
/// counter today; [`KeypadRefusal::AlreadyRated`] when the last one has its
/// rating.
pub fn ticket_to_rate(hall: &Hall, counter: CounterNo) -> Result<TicketId, KeypadRefusal> {
    let last = last_finished(hall, counter).ok_or(KeypadRefusal::NothingToRate)?;
    if last.rated {
        return Err(KeypadRefusal::AlreadyRated);
    }
    Ok(last.id.clone())
}

/// Scores at or below this open a rectification.
pub const BAD_REVIEW: u8 = 2;

/// The citizen's view after the rectification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Satisfied,
    Unsatisfied,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub id: i64,
    pub rating: Rating,
    pub assigned_to: Option<StaffId>,
    pub due: NaiveDate,
    /// Set when closed.
    pub closed: Option<Closure>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub note: String,
    pub verdict: Verdict,
    pub by: StaffId,
    pub at: Timestamp,
}

/// How many ratings gave each score, 1 to 5: the figures of 好差评 for a
/// counter, staff member, service or department.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally(pub [u32; 5]);

impl Tally {
    pub fn count(&self) -> u32 {
        self.0.iter().sum()
    }

    /// The mean score; none without ratings.
    pub fn average(&self) -> Option<f64> {
        let total: u32 = self.0.iter().zip(1..).map(|(n, score)| n * score).sum();
        let count = self.count();
        (count > 0).then(|| f64::from(total) / f64::from(count))
    }

    /// Bad reviews (差评): scores up to [`BAD_REVIEW`].
    pub fn bad(&self) -> u32 {
        self.0[..usize::from(BAD_REVIEW)].iter().sum()
    }
}

/// Longest comment taken, in characters.
const MAX_COMMENT_CHARS: usize = 200;

/// Who served what, as a rating records it.
struct Served {
    counter: Option<CounterNo>,
    staff: Option<StaffId>,
    service: Option<ServiceCode>,
    department: Option<String>,
}

/// A rating's comment, trimmed; none if blank.
fn rating_comment(comment: Option<&str>) -> Result<Option<String>, QueueError> {
    match comment.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if c.chars().count() > MAX_COMMENT_CHARS || c.chars().any(char::is_control) => {
            Err(QueueError::ReasonTooLong(MAX_COMMENT_CHARS))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

impl Hall {
    /// Records a rating of a finished ticket of today or a finished case;
    /// a bad one opens a rectification for the hall's supervisor.
    ///
    /// # Errors
    /// A score outside 1–5, a comment too long, the subject unknown, not
    /// finished, or rated already.
    pub fn rate(
        &self,
        subject: RatingSubject,
        score: u8,
        comment: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        if !(1..=5).contains(&score) {
            return Err(QueueError::InvalidRating);
        }
        let comment = rating_comment(comment)?;
        let served = self.served(&subject)?;
        let rating = Rating {
            id: self.next_rating,
            subject,
            score,
            comment,
            at: now,
            counter: served.counter,
            staff: served.staff,
            service: served.service,
            department: served.department,
        };
        let mut events = vec![HallEvent::Rated {
            rating: rating.clone(),
        }];
        if score <= BAD_REVIEW {
            events.push(self.rectification_of(rating, now));
        }
        Ok(events)
    }

    /// Who served what, for a subject that may be rated now.
    fn served(&self, subject: &RatingSubject) -> Result<Served, QueueError> {
        match subject {
            RatingSubject::Ticket(id) => {
                let t = self.tickets.get(id).ok_or(QueueError::UnknownTicket)?;
                if t.state != TicketState::Finished {
                    return Err(QueueError::NotRateable);
                }
                if t.rated {
                    return Err(QueueError::AlreadyRated);
                }
                let department = (t.service.as_ref())
                    .and_then(|s| self.setup.departments_by_service.get(s).cloned());
                Ok(Served {
                    counter: t.counter,
                    staff: t.staff.clone(),
                    service: t.service.clone(),
                    department,
                })
            }
            RatingSubject::Case(number) => {
                let c = self.cases.get(number).ok_or(QueueError::UnknownCase)?;
                if !c.state.is_final() {
                    return Err(QueueError::NotRateable);
                }
                if c.rated {
                    return Err(QueueError::AlreadyRated);
                }
                Ok(Served {
                    counter: Some(c.opened.counter),
                    staff: Some(c.opened.staff.clone()),
                    service: Some(c.service.clone()),
                    department: Some(c.department.clone()),
                })
            }
        }
    }

    /// The rectification a bad review opens: for the hall's supervisor, due
    /// in the configured working days.
    fn rectification_of(&self, rating: Rating, now: Timestamp) -> HallEvent {
        let today = self.setup.day_rule.day_of(now);
        let due = self
            .setup
            .calendar
            .add_working_days(today, self.setup.cases.rectify_days)
            .value;
        let assigned_to = self
            .setup
            .staff
            .iter()
            .find(|s| s.role == super::setup::Role::Supervisor)
            .map(|s| s.id.clone());
        HallEvent::RectificationOpened {
            item: Rectification {
                id: self.next_rectification,
                rating,
                assigned_to,
                due,
                closed: None,
            },
        }
    }

    /// A supervisor closes a rectification with a note and the citizen's verdict.
    ///
    /// # Errors
    /// Not a supervisor, an unknown or closed item, an empty note.
    pub fn close_rectification(
        &self,
        id: i64,
        staff: &StaffId,
        note: &str,
        verdict: Verdict,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        super::policy::may_close_rectification(self.member(staff)?)?;
        let item = self
            .rectifications
            .get(&id)
            .filter(|r| r.closed.is_none())
            .ok_or(QueueError::UnknownRectification)?;
        let mut item = item.clone();
        item.closed = Some(Closure {
            note: super::queue::reason_text(note)?,
            verdict,
            by: staff.clone(),
            at: now,
        });
        Ok(vec![HallEvent::RectificationClosed { item }])
    }

    pub fn rectifications(&self) -> impl Iterator<Item = &Rectification> {
        self.rectifications.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_hall::{act, at, call, call_and_serve, hall, issue, log_in};

    /// Issues a ticket of queue A, serves it at `counter` by `who`, and
    /// returns its id.
    fn served(hall: &mut Hall, counter: CounterNo, who: &str, secs: i64) -> TicketId {
        let id = issue(hall, 'A', false, at(secs));
        call_and_serve(hall, counter, who, at(secs + 60));
        id
    }

    #[test]
    fn a_key_press_rates_the_ticket_finished_last_at_that_counter() {
        let mut hall = hall();
        log_in(&mut hall, "1001", 1, at(0));
        log_in(&mut hall, "1002", 2, at(0));
        assert_eq!(ticket_to_rate(&hall, 1), Err(KeypadRefusal::NothingToRate));
        let first = served(&mut hall, 1, "1001", 600);
        assert_eq!(ticket_to_rate(&hall, 1), Ok(first.clone()));
        assert_eq!(ticket_to_rate(&hall, 2), Err(KeypadRefusal::NothingToRate));
        let at_two = served(&mut hall, 2, "1002", 1200);
        let second = served(&mut hall, 1, "1001", 1800);
        assert_eq!(ticket_to_rate(&hall, 1), Ok(second.clone()));
        assert_eq!(ticket_to_rate(&hall, 2), Ok(at_two));
        act(&mut hall, |h| {
            h.rate(RatingSubject::Ticket(second), 5, None, at(2400))
        });
        // The first citizen is gone: a second press must not rate them.
        assert_eq!(ticket_to_rate(&hall, 1), Err(KeypadRefusal::AlreadyRated));
        assert!(!hall.ticket(&first).unwrap().rated);
    }

    #[test]
    fn a_ticket_called_but_not_finished_is_not_rated() {
        let mut hall = hall();
        log_in(&mut hall, "1001", 1, at(0));
        issue(&mut hall, 'A', false, at(60));
        call(&mut hall, 1, "1001", at(120));
        assert_eq!(ticket_to_rate(&hall, 1), Err(KeypadRefusal::NothingToRate));
    }

    #[test]
    fn a_tally_counts_averages_and_finds_the_bad_reviews() {
        let tally = Tally([1, 1, 0, 2, 6]);
        assert_eq!(tally.count(), 10);
        assert_eq!(tally.average(), Some(4.1));
        assert_eq!(tally.bad(), 2, "scores 1 and 2");
        assert_eq!(Tally::default().average(), None);
    }
}
