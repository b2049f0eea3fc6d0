//! A queue ticket and the states it passes through.

use serde::{Deserialize, Serialize};

use super::event::HallEvent;
use super::rating::RatingSubject;

use super::ids::{
    BusinessDay, CounterNo, QueuePrefix, ServiceCode, StaffId, TicketId, TicketNumber, Timestamp,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// In line, not yet called.
    Waiting,
    /// Called to a counter; the citizen is on the way.
    Called,
    /// At the counter, being served.
    Serving,
    Finished,
    /// Called and recalled but never came.
    NoShow,
    /// Still waiting when the business day ended.
    Expired,
}

impl TicketState {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Finished => "finished",
            TicketState::NoShow => "no_show",
            TicketState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TicketState::Waiting,
            TicketState::Called,
            TicketState::Serving,
            TicketState::Finished,
            TicketState::NoShow,
            TicketState::Expired,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }

    /// A ticket at a counter: called or being served.
    pub fn at_counter(self) -> bool {
        matches!(self, TicketState::Called | TicketState::Serving)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    /// The number printed; its prefix is the queue that issued it, even after
    /// a transfer to another queue.
    pub number: TicketNumber,
    pub day: BusinessDay,
    /// The queue the ticket waits in now.
    pub queue: QueuePrefix,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceCode>,
    /// Green channel (绿色通道): elderly, disabled, pregnant, military.
    pub priority: bool,
    pub issued_at: Timestamp,
    /// The ticket's place in line: its issue time in microseconds (scaled so
    /// that late citizens fit between), unless it was put back further down.
    pub order: i64,
    /// Set when a clerk transferred the ticket to one named counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_counter: Option<CounterNo>,
    pub state: TicketState,
    /// Recalls since the last call.
    pub recalls: u32,
    /// The counter that called it last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterNo>,
    /// The staff member who called it last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show_at: Option<Timestamp>,
    /// The case whose result this pickup ticket collects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Rated by the citizen (好差评), once.
    #[serde(default)]
    pub rated: bool,
    /// The booking this ticket was issued for at check-in (预约).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<Appointment>,
}

/// The booking behind an appointment ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The booking's code.
    pub code: String,
    /// The booked time: the ticket's place in line.
    pub at: Timestamp,
}

impl Ticket {
    /// What an event changes in this ticket: the one rule the hall's fold
    /// and the audit's rebuild from the log both follow. Events about other
    /// tickets, or about no ticket, change nothing.
    pub fn follow(&mut self, event: &HallEvent) {
        use HallEvent as E;
        match event {
            E::TicketCalled {
                ticket,
                counter,
                staff,
                at,
                ..
            } if *ticket == self.id => {
                self.state = TicketState::Called;
                self.counter = Some(*counter);
                self.staff = Some(staff.clone());
                self.called_at = Some(*at);
                self.started_at = None;
                self.recalls = 0;
                self.target_counter = None;
            }
            E::TicketRecalled {
                ticket, recalls, ..
            } if *ticket == self.id => self.recalls = *recalls,
            E::TicketNoShow { ticket, at, .. } if *ticket == self.id => {
                self.state = TicketState::NoShow;
                self.no_show_at = Some(*at);
            }
            E::TicketReactivated { ticket, order, .. } if *ticket == self.id => {
                self.state = TicketState::Waiting;
                self.order = *order;
                self.no_show_at = None;
            }
            E::TicketStarted { ticket, at, .. } if *ticket == self.id => {
                self.state = TicketState::Serving;
                self.started_at = Some(*at);
            }
            E::TicketFinished { ticket, at, .. } if *ticket == self.id => {
                self.state = TicketState::Finished;
                self.finished_at = Some(*at);
            }
            E::TicketTransferred {
                ticket,
                to_queue,
                to_counter,
                ..
            } if *ticket == self.id => {
                self.state = TicketState::Waiting;
                self.queue = *to_queue;
                self.target_counter = *to_counter;
                self.recalls = 0;
            }
            E::Rated { rating } if rating.subject == RatingSubject::Ticket(self.id.clone()) => {
                self.rated = true;
            }
            E::DayRolledOver { expired, .. } if expired.contains(&self.id) => {
                self.state = TicketState::Expired;
            }
            _ => {}
        }
    }
}
