//! The state of the hall for the current business day; `fold` says how each
//! event changes it. Decisions live in `queue` and `staff`.

mod fold;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use chrono::NaiveDate;

use super::booking::Booking;
use super::case::Case;
use super::ids::{
    BusinessDay, CounterNo, QueuePrefix, SessionId, StaffId, TicketId, TicketNumber, Timestamp,
};
use super::rating::Rectification;
use super::setup::HallSetup;
use super::ticket::{Ticket, TicketState};

/// Tickets waiting to be called from one queue, or transferred to one counter,
/// in call order: green channel apart from ordinary, each by place in line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    priority: BTreeSet<(i64, TicketId)>,
    ordinary: BTreeSet<(i64, TicketId)>,
}

impl Line {
    fn class(&mut self, priority: bool) -> &mut BTreeSet<(i64, TicketId)> {
        if priority {
            &mut self.priority
        } else {
            &mut self.ordinary
        }
    }

    fn insert(&mut self, t: &Ticket) {
        self.class(t.priority).insert((t.order, t.id.clone()));
    }

    fn remove(&mut self, t: &Ticket) {
        self.class(t.priority).remove(&(t.order, t.id.clone()));
    }

    pub fn first(&self, priority: bool) -> Option<&(i64, TicketId)> {
        if priority {
            self.priority.first()
        } else {
            self.ordinary.first()
        }
    }

    /// Waiting tickets of one class in call order.
    pub fn iter(&self, priority: bool) -> impl Iterator<Item = &(i64, TicketId)> {
        if priority {
            self.priority.iter()
        } else {
            self.ordinary.iter()
        }
    }

    pub fn len(&self) -> usize {
        self.priority.len() + self.ordinary.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many in this line would be called before the given place: every
    /// green-channel ticket goes before an ordinary one.
    pub fn ahead_of(&self, priority: bool, place: &(i64, TicketId)) -> usize {
        let class = if priority {
            &self.priority
        } else {
            &self.ordinary
        };
        // The newest ticket, the one a kiosk just issued, is counted at once.
        let same = match class.last() {
            Some(last) if last == place => class.len() - 1,
            _ => class.range(..place).count(),
        };
        if priority {
            same
        } else {
            self.priority.len() + same
        }
    }
}

/// One queue's business day: numbering, its line, recent service times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueDay {
    /// The last sequence number issued today, if any.
    pub last_seq: Option<u32>,
    /// Tickets issued today, for the daily cap.
    pub issued: u32,
    pub line: Line,
    /// Seconds from call to finish of the queue's latest services, oldest
    /// first, for the wait estimate.
    pub recent_service: VecDeque<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pause {
    pub reason: String,
    pub since: Timestamp,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counter {
    pub number: CounterNo,
    /// The session of the staff member logged in here; none when closed.
    pub session: Option<SessionId>,
    pub staff: Option<StaffId>,
    pub pause: Option<Pause>,
    /// The ticket called here and not yet finished, no-show or transferred.
    pub current: Option<TicketId>,
    /// Green-channel tickets called here in a row.
    pub priority_streak: u32,
    /// Tickets transferred to this counter by name.
    pub line: Line,
}

impl Counter {
    pub fn is_open(&self) -> bool {
        self.session.is_some() && self.pause.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: SessionId,
    pub staff: StaffId,
    pub counter: Option<CounterNo>,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Wrong PINs in a row for one staff id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoginRecord {
    pub failures: u32,
    pub locked_until: Option<Timestamp>,
    /// When the first of these failures came: a count older than the
    /// lockout starts afresh. None for a count kept before this was noted.
    pub since: Option<Timestamp>,
}

/// What survives a restart, as the store reads it back.
#[derive(Debug, Default)]
pub struct SavedHall {
    /// Cases not final, and final ones of the last weeks.
    pub cases: Vec<Case>,
    /// Open rectifications.
    pub rectifications: Vec<Rectification>,
    /// The largest rating and rectification ids given out.
    pub last_rating: i64,
    pub last_rectification: i64,
    pub tickets: Vec<Ticket>,
    /// Counter number, pause and priority streak.
    pub counters: Vec<(CounterNo, Option<Pause>, u32)>,
    pub sessions: Vec<Session>,
    pub logins: Vec<(StaffId, LoginRecord)>,
    /// PINs staff chose themselves, as argon2 hashes.
    pub pins: Vec<(StaffId, String)>,
    /// Bookings still open, and those of recent days, for the no-shows.
    pub bookings: Vec<Booking>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hall {
    pub(super) setup: Arc<HallSetup>,
    pub(super) day: BusinessDay,
    pub(super) tickets: HashMap<TicketId, Ticket>,
    pub(super) queues: BTreeMap<QueuePrefix, QueueDay>,
    pub(super) counters: BTreeMap<CounterNo, Counter>,
    pub(super) sessions: HashMap<SessionId, Session>,
    pub(super) logins: HashMap<StaffId, LoginRecord>,
    /// Argon2 hashes of the PINs staff chose themselves, overriding
    /// hall.toml's.
    pub(super) pins: HashMap<StaffId, String>,
    /// The largest place in line given out today: new tickets go after it.
    pub(super) last_order: i64,
    /// Cases not yet final, and final ones kept a while for their rating.
    pub(super) cases: BTreeMap<String, Case>,
    /// The day and sequence of the last case number given out.
    pub(super) case_seq: (BusinessDay, u32),
    /// Rectifications not yet closed.
    pub(super) rectifications: BTreeMap<i64, Rectification>,
    pub(super) next_rating: i64,
    pub(super) next_rectification: i64,
    /// Appointments, by code: open ones, and recent ones for the no-shows.
    pub(super) bookings: BTreeMap<String, Booking>,
}

impl Hall {
    /// An empty hall on `day`.
    pub fn new(setup: Arc<HallSetup>, day: BusinessDay) -> Self {
        let queues = setup
            .queues
            .iter()
            .map(|q| (q.prefix, QueueDay::default()))
            .collect();
        let counters = setup
            .counters
            .iter()
            .map(|c| {
                let counter = Counter {
                    number: c.number,
                    ..Counter::default()
                };
                (c.number, counter)
            })
            .collect();
        Self {
            setup,
            day,
            tickets: HashMap::new(),
            queues,
            counters,
            sessions: HashMap::new(),
            logins: HashMap::new(),
            pins: HashMap::new(),
            last_order: 0,
            cases: BTreeMap::new(),
            case_seq: (day, 0),
            rectifications: BTreeMap::new(),
            next_rating: 1,
            next_rectification: 1,
            bookings: BTreeMap::new(),
        }
    }

    /// Rebuilds the hall from what the store saved. `saved.tickets` are the
    /// tickets of `day`; finished ones must come in the order they finished.
    pub fn restore(setup: Arc<HallSetup>, day: BusinessDay, saved: SavedHall) -> Self {
        let mut hall = Self::new(setup, day);
        for (number, pause, streak) in saved.counters {
            if let Some(c) = hall.counters.get_mut(&number) {
                c.pause = pause;
                c.priority_streak = streak;
            }
        }
        for s in saved.sessions {
            hall.attach_session(s);
        }
        hall.logins = saved.logins.into_iter().collect();
        hall.pins = saved.pins.into_iter().collect();
        for case in saved.cases {
            hall.note_case_number(&case.number);
            hall.cases.insert(case.number.clone(), case);
        }
        hall.rectifications = saved
            .rectifications
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        hall.bookings = saved
            .bookings
            .into_iter()
            .map(|b| (b.code.clone(), b))
            .collect();
        hall.next_rating = saved.last_rating + 1;
        hall.next_rectification = saved.last_rectification + 1;
        let mut finished: Vec<&Ticket> = Vec::new();
        for t in &saved.tickets {
            let q = hall.queues.entry(t.number.prefix).or_default();
            q.last_seq = q.last_seq.max(Some(t.number.seq));
            q.issued += 1;
            if t.appointment.is_none() {
                hall.last_order = hall.last_order.max(t.order);
            }
            match t.state {
                TicketState::Waiting => hall.line_mut(t).insert(t),
                TicketState::Called | TicketState::Serving => {
                    if let Some(c) = t.counter.and_then(|n| hall.counters.get_mut(&n)) {
                        c.current = Some(t.id.clone());
                    }
                }
                TicketState::Finished => finished.push(t),
                TicketState::NoShow | TicketState::Expired => {}
            }
        }
        finished.sort_by_key(|t| t.finished_at);
        for t in finished {
            hall.record_service(t);
        }
        hall.tickets = saved
            .tickets
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        hall
    }

    pub fn setup(&self) -> &HallSetup {
        &self.setup
    }

    pub fn day(&self) -> BusinessDay {
        self.day
    }

    pub fn ticket(&self, id: &TicketId) -> Option<&Ticket> {
        self.tickets.get(id)
    }

    pub fn ticket_by_number(&self, number: &TicketNumber) -> Option<&Ticket> {
        self.tickets
            .values()
            .find(|t| t.number.prefix == number.prefix && t.number.seq == number.seq)
    }

    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.values()
    }

    pub fn queue_day(&self, prefix: QueuePrefix) -> Option<&QueueDay> {
        self.queues.get(&prefix)
    }

    pub fn counter(&self, number: CounterNo) -> Option<&Counter> {
        self.counters.get(&number)
    }

    pub fn counters(&self) -> impl Iterator<Item = &Counter> {
        self.counters.values()
    }

    pub fn session(&self, id: &SessionId) -> Option<&Session> {
        self.sessions.get(id)
    }

    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.values()
    }

    pub fn login_record(&self, staff: &StaffId) -> Option<&LoginRecord> {
        self.logins.get(staff)
    }

    /// The hash of the PIN `staff` chose, if they changed hall.toml's.
    pub fn chosen_pin(&self, staff: &StaffId) -> Option<&str> {
        self.pins.get(staff).map(String::as_str)
    }

    /// People who would be called before a waiting ticket from its line.
    pub fn ahead_of(&self, id: &TicketId) -> Option<usize> {
        let t = self.tickets.get(id)?;
        (t.state == TicketState::Waiting)
            .then(|| self.line(t).ahead_of(t.priority, &(t.order, t.id.clone())))
    }

    pub(super) fn line(&self, t: &Ticket) -> &Line {
        const EMPTY: &Line = &Line {
            priority: BTreeSet::new(),
            ordinary: BTreeSet::new(),
        };
        match t.target_counter.and_then(|n| self.counters.get(&n)) {
            Some(c) => &c.line,
            None => self.queues.get(&t.queue).map_or(EMPTY, |q| &q.line),
        }
    }

    fn line_mut(&mut self, t: &Ticket) -> &mut Line {
        match t.target_counter {
            Some(n) if self.counters.contains_key(&n) => {
                &mut self.counters.get_mut(&n).unwrap().line
            }
            _ => &mut self.queues.entry(t.queue).or_default().line,
        }
    }

    /// Keeps the case numbering ahead of every number seen.
    fn note_case_number(&mut self, number: &str) {
        let day = NaiveDate::parse_from_str(number.get(..8).unwrap_or_default(), "%Y%m%d");
        let seq = number.get(8..).and_then(|s| s.parse::<u32>().ok());
        if let (Ok(day), Some(seq)) = (day, seq)
            && (day, seq) > self.case_seq
        {
            self.case_seq = (day, seq);
        }
    }

    fn record_service(&mut self, t: &Ticket) {
        let (Some(called), Some(finished)) = (t.called_at, t.finished_at) else {
            return;
        };
        let window = self.setup.rules.estimate_window;
        let seconds = (finished - called).num_milliseconds().max(0) as f64 / 1000.0;
        let recent = &mut self.queues.entry(t.queue).or_default().recent_service;
        recent.push_back(seconds);
        while recent.len() > window {
            recent.pop_front();
        }
    }

    fn attach_session(&mut self, s: Session) {
        if let Some(c) = s.counter.and_then(|n| self.counters.get_mut(&n)) {
            c.session = Some(s.id.clone());
            c.staff = Some(s.staff.clone());
        }
        self.sessions.insert(s.id.clone(), s);
    }

    /// Takes a ticket out of its line and puts it at a counter.
    fn take_from_line(&mut self, id: &TicketId) -> Option<&mut Ticket> {
        let t = self.tickets.get(id)?.clone();
        if t.state == TicketState::Waiting {
            self.line_mut(&t).remove(&t);
        }
        self.tickets.get_mut(id)
    }

    fn leave_counter(&mut self, counter: CounterNo) {
        if let Some(c) = self.counters.get_mut(&counter) {
            c.current = None;
        }
    }
}
