//! What the hall hears: the words of a call, and the queue that speaks calls
//! one at a time, each a set number of times, never cutting one off.

use std::collections::VecDeque;

use crate::domain::ids::{CounterNo, TicketNumber};

/// Times each call is spoken unless the hall says otherwise.
pub const DEFAULT_REPEATS: u8 = 2;

/// Calls waiting to be spoken; past this the oldest not yet begun is dropped,
/// since a call minutes late helps nobody.
pub const DEFAULT_BACKLOG: usize = 8;

/// The words for a call: `请 A 0 0 1 号 到 3 号窗口 办理`, or with `重呼` in
/// front for a recall. The ticket's characters are spaced so that speech
/// reads them one by one (A 零 零 一, not 一); the counter is read as a number.
pub fn announcement(number: TicketNumber, counter: CounterNo, recall: bool) -> String {
    let spelled: Vec<String> = number.to_string().chars().map(String::from).collect();
    let call = format!("请 {} 号 到 {counter} 号窗口 办理", spelled.join(" "));
    if recall {
        format!("重呼 {call}")
    } else {
        call
    }
}

/// One thing to say now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Utterance {
    pub text: String,
    /// Play the chime first: this is the first time the call is spoken.
    pub chime: bool,
}

/// Announcements in order. The speaker asks [`VoiceQueue::begin`] for what to
/// say and reports [`VoiceQueue::done`] when it has finished, so nothing is
/// said over anything else; a call's repeats follow each other with no other
/// call between them.
#[derive(Clone, Debug)]
pub struct VoiceQueue {
    /// Calls not yet begun, oldest first.
    waiting: VecDeque<String>,
    /// The call being spoken and how many times it has been begun.
    current: Option<(String, u8)>,
    /// Something has been handed out and not reported done.
    speaking: bool,
    repeats: u8,
    backlog: usize,
}

impl Default for VoiceQueue {
    fn default() -> Self {
        Self::new(DEFAULT_REPEATS, DEFAULT_BACKLOG)
    }
}

impl VoiceQueue {
    /// A queue speaking each call `repeats` times (at least once) and keeping
    /// at most `backlog` calls (at least one) waiting.
    pub fn new(repeats: u8, backlog: usize) -> Self {
        Self {
            waiting: VecDeque::new(),
            current: None,
            speaking: false,
            repeats: repeats.max(1),
            backlog: backlog.max(1),
        }
    }

    /// Queues a call's words. Returns the words dropped to make room, if the
    /// backlog was full.
    pub fn push(&mut self, text: String) -> Option<String> {
        let dropped = (self.waiting.len() >= self.backlog)
            .then(|| self.waiting.pop_front())
            .flatten();
        self.waiting.push_back(text);
        dropped
    }

    /// What to say now, or `None` while something is being said or nothing
    /// is waiting.
    pub fn begin(&mut self) -> Option<Utterance> {
        if self.speaking {
            return None;
        }
        if self
            .current
            .as_ref()
            .is_none_or(|(_, said)| *said >= self.repeats)
        {
            self.current = Some((self.waiting.pop_front()?, 0));
        }
        let (text, said) = self.current.as_mut()?;
        *said += 1;
        self.speaking = true;
        Some(Utterance {
            text: text.clone(),
            chime: *said == 1,
        })
    }

    /// The last utterance has finished (or failed): the next may begin.
    pub fn done(&mut self) {
        self.speaking = false;
        if self
            .current
            .as_ref()
            .is_some_and(|(_, said)| *said >= self.repeats)
        {
            self.current = None;
        }
    }

    /// Nothing is being said and nothing waits.
    pub fn is_idle(&self) -> bool {
        !self.speaking && self.current.is_none() && self.waiting.is_empty()
    }
}
