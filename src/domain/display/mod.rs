//! The display wall's rules: what the wall shows after any sequence of public
//! events, and which calls are new enough to flash and announce.
//!
//! [`DisplayBoard`] folds the hall's public events, in the order of the
//! event log, into what the wall shows: the newest call, the last
//! [`RECENT_CALLS`] calls and each counter's state. Calls replayed from the
//! log before the stream has caught up, or seen before, update the wall but
//! are never announced: a display that reconnects after a hub restart or a
//! network loss shows what it missed without shouting old numbers as new
//! ones. A log that ends below what the wall has seen was started over (a
//! new database): the wall starts over with it.
//!
//! This is the single reference for the wall's rules. It knows nothing of
//! the wire: the Slint display app turns the public stream's events into
//! [`StreamMessage`]s, and the web page at `/display` mirrors these rules in
//! JavaScript. [`voice`] holds the words announced and the order they are
//! spoken in.

pub mod voice;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};

use super::ids::{CounterNo, TicketNumber, Timestamp};

/// Calls listed on the wall, the newest first and included.
pub const RECENT_CALLS: usize = 8;

/// Seconds the newest call flashes once it is announced, counted by the
/// screen's own clock from when the call arrived.
pub const FLASH_SECONDS: u32 = 6;

/// A public event, as far as the wall cares.
#[derive(Clone, Debug, PartialEq)]
pub enum DisplayEvent {
    TicketCalled {
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
    },
    TicketRecalled {
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
    },
    TicketStarted {
        number: TicketNumber,
        counter: CounterNo,
    },
    TicketFinished {
        number: TicketNumber,
        counter: CounterNo,
    },
    TicketNoShow {
        number: TicketNumber,
        counter: CounterNo,
    },
    TicketTransferred {
        number: TicketNumber,
        from_counter: CounterNo,
    },
    CounterPaused {
        counter: CounterNo,
        reason: String,
    },
    CounterResumed {
        counter: CounterNo,
    },
    /// A clerk logged in at the counter.
    CounterOpened {
        counter: CounterNo,
    },
    /// The counter's clerk logged out.
    CounterClosed {
        counter: CounterNo,
    },
    /// A new business day: the wall starts empty.
    DayRolledOver,
    /// An event the wall shows nothing of, or cannot read: it still counts
    /// in the sequence.
    Other,
}

/// One message of the public event stream.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamMessage {
    /// An event of the log, by its sequence number.
    Event { seq: i64, event: DisplayEvent },
    /// The replay is over: the log ends at `seq`, and what follows is live.
    CaughtUp { seq: i64 },
}

/// A call as the wall shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub number: TicketNumber,
    pub counter: CounterNo,
    /// The counter's configured name, such as `3号窗口 综合受理`, when the
    /// board knows the counter.
    pub counter_name: Option<String>,
    /// A recall (重呼) rather than the first call.
    pub recall: bool,
    /// When the hub made the call.
    pub at: Timestamp,
    /// The call's place in the event log.
    pub seq: i64,
}

impl Call {
    /// What the hall hears for this call.
    pub fn announcement(&self) -> String {
        voice::announcement(self.number, self.counter, self.recall)
    }
}

/// A counter as the wall shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CounterStatus {
    /// A clerk is logged in (or has just called, which says as much).
    pub open: bool,
    /// The ticket called or served there now.
    pub serving: Option<TicketNumber>,
    /// Why the counter paused, while it is paused.
    pub paused: Option<String>,
}

/// What the wall shows, folded from the public event stream.
#[derive(Clone, Debug)]
pub struct DisplayBoard {
    /// Configured counters with their names, in order.
    names: BTreeMap<CounterNo, String>,
    /// The last calls, newest first, one entry per number.
    recent: VecDeque<Call>,
    counters: BTreeMap<CounterNo, CounterStatus>,
    /// The highest sequence applied or announced by `caught_up`: what to ask
    /// for after on reconnecting, and below which an event is a repeat.
    seen: i64,
    /// The stream has caught up since it was last (re)opened, so what comes
    /// now is happening now.
    live: bool,
}

impl DisplayBoard {
    /// An empty wall for a hall with these counters (number, name).
    pub fn new(counters: impl IntoIterator<Item = (CounterNo, String)>) -> Self {
        let mut board = Self {
            names: counters.into_iter().collect(),
            recent: VecDeque::new(),
            counters: BTreeMap::new(),
            seen: 0,
            live: false,
        };
        board.start_over();
        board
    }

    /// The stream is being opened or reopened: until its `caught_up`
    /// notice, events are a replay of the past.
    pub fn connecting(&mut self) {
        self.live = false;
    }

    /// The sequence to resume the stream after (`?since=`).
    pub fn last_seq(&self) -> i64 {
        self.seen
    }

    /// Whether the stream has caught up since it was last opened.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// Takes one message of the stream; returns the call to flash and
    /// announce, if it is one.
    ///
    /// A replay that ends below the last sequence seen comes from a log that
    /// started over: the wall forgets everything and waits for that log to
    /// be read again from the start ([`DisplayBoard::last_seq`] is then 0).
    pub fn receive(&mut self, message: StreamMessage) -> Option<Call> {
        match message {
            StreamMessage::CaughtUp { seq } if seq < self.seen => self.start_over(),
            StreamMessage::CaughtUp { seq } => {
                self.live = true;
                self.seen = seq;
            }
            StreamMessage::Event { seq, event } => return self.apply(seq, &event),
        }
        None
    }

    /// Empties the wall, as new, to read a new log from its start.
    fn start_over(&mut self) {
        self.recent.clear();
        self.counters = self
            .names
            .keys()
            .map(|&n| (n, CounterStatus::default()))
            .collect();
        self.seen = 0;
        self.live = false;
    }

    /// Folds one event into the wall. An event at or below the last
    /// sequence seen is a repeat and changes nothing. Returns the call to
    /// flash and announce: a call or recall that arrived live and is new.
    pub fn apply(&mut self, seq: i64, event: &DisplayEvent) -> Option<Call> {
        use DisplayEvent as E;
        if seq <= self.seen {
            return None;
        }
        self.seen = seq;
        match event {
            E::TicketCalled {
                number,
                counter,
                at,
            }
            | E::TicketRecalled {
                number,
                counter,
                at,
            } => {
                let recall = matches!(event, E::TicketRecalled { .. });
                let call = self.call(seq, *number, *counter, *at, recall);
                return self.live.then_some(call);
            }
            E::TicketStarted { number, counter } => {
                let status = self.status(*counter);
                status.open = true;
                status.serving = Some(*number);
            }
            E::TicketFinished { counter, .. }
            | E::TicketNoShow { counter, .. }
            | E::TicketTransferred {
                from_counter: counter,
                ..
            } => self.status(*counter).serving = None,
            E::CounterPaused { counter, reason } => {
                self.status(*counter).paused = Some(reason.clone());
            }
            E::CounterResumed { counter } => self.status(*counter).paused = None,
            E::CounterOpened { counter } => self.status(*counter).open = true,
            E::CounterClosed { counter } => *self.status(*counter) = CounterStatus::default(),
            E::DayRolledOver => {
                self.recent.clear();
                self.counters
                    .values_mut()
                    .for_each(|c| *c = CounterStatus::default());
            }
            E::Other => {}
        }
        None
    }

    fn call(
        &mut self,
        seq: i64,
        number: TicketNumber,
        counter: CounterNo,
        at: Timestamp,
        recall: bool,
    ) -> Call {
        let call = Call {
            number,
            counter,
            counter_name: self.names.get(&counter).cloned(),
            recall,
            at,
            seq,
        };
        self.recent.retain(|c| c.number != number);
        self.recent.push_front(call.clone());
        self.recent.truncate(RECENT_CALLS);
        let status = self.status(counter);
        status.open = true;
        status.serving = Some(number);
        call
    }

    fn status(&mut self, counter: CounterNo) -> &mut CounterStatus {
        self.counters.entry(counter).or_default()
    }

    /// The newest call, shown large.
    pub fn newest(&self) -> Option<&Call> {
        self.recent.front()
    }

    /// The last calls, newest first, each number once.
    pub fn recent(&self) -> impl Iterator<Item = &Call> {
        self.recent.iter()
    }

    /// Every counter the wall knows, configured or seen in an event, in
    /// order of number.
    pub fn counters(&self) -> impl Iterator<Item = (CounterNo, &CounterStatus)> {
        self.counters.iter().map(|(&n, s)| (n, s))
    }

    /// A counter's configured name.
    pub fn counter_name(&self, counter: CounterNo) -> Option<&str> {
        self.names.get(&counter).map(String::as_str)
    }
}
