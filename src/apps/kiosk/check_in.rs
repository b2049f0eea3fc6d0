//! 预约签到 at the kiosk: the booking code or the ID number typed on the
//! keypad, when it is complete enough to send, and the hub's refusal turned
//! into what the citizen is told. No Slint here.

use crate::api::{CheckIn, CheckInOutcome, CheckInRequest};
use crate::apps::words::{Refused, Say};
use crate::domain::applicant::IdNumber;

/// Digits of a booking code, as the booking confirmation prints it.
pub const BOOKING_CODE_DIGITS: usize = 8;
/// Characters of a resident ID number: 17 digits and a check character.
const ID_NUMBER_CHARS: usize = 18;

/// What the citizen identifies their booking by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CheckInBy {
    /// The 8-digit code from the booking confirmation.
    #[default]
    Code,
    /// The ID number the booking was made with.
    IdNumber,
}

/// Why the hub, or the kiosk itself, would not check a booking in.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckInProblem {
    /// No booking today for the code or ID number typed.
    Unknown,
    /// Before the check-in window: come back at this time, such as `08:00`.
    TooEarly(String),
    /// Checked in already, cancelled, or past the window where the hall
    /// turns late arrivals away: the hub's words say which.
    Closed(String),
    /// The ID number typed is not one (its date or check character).
    BadIdNumber,
    /// Any other refusal of the hub.
    Other(Say),
}

impl CheckInProblem {
    /// The refusal the hub sent, read for the citizen.
    pub fn from_refusal(refused: Refused) -> Self {
        match refused.code.as_str() {
            "unknown_booking" => Self::Unknown,
            "too_early" => match clock_time(&refused.message) {
                Some(time) => Self::TooEarly(time),
                None => Self::Other(Say::Refused(refused)),
            },
            "checkin_closed" => Self::Closed(refused.message),
            "invalid_id_number" => Self::BadIdNumber,
            _ => Self::Other(Say::Refused(refused)),
        }
    }
}

/// The first time of day written `HH:MM` in a text: the hub puts the time
/// check-in opens into its words for `too_early`.
fn clock_time(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).find_map(|w| {
        let digits = [w[0], w[1], w[3], w[4]];
        (w[2] == ':' && digits.iter().all(char::is_ascii_digit)).then(|| w.iter().collect())
    })
}

/// The 预约签到 screen: what has been typed, and why the last try failed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckInForm {
    pub by: CheckInBy,
    /// The booking code typed, digits only.
    pub code: String,
    /// The ID number typed: digits, and `X` last.
    pub id_number: String,
    /// Why the last try did not check in; cleared by the next key.
    pub problem: Option<CheckInProblem>,
}

impl CheckInForm {
    /// Switches between code and ID number; what was typed for the other stays.
    pub fn switch(&mut self, by: CheckInBy) {
        self.by = by;
        self.problem = None;
    }

    /// The text being typed now.
    pub fn typed(&self) -> &str {
        match self.by {
            CheckInBy::Code => &self.code,
            CheckInBy::IdNumber => &self.id_number,
        }
    }

    /// A key of the keypad: a digit, `X` (the ID number's check character,
    /// only as its last), `backspace` or `clear`.
    pub fn key(&mut self, key: &str) {
        let (text, max) = match self.by {
            CheckInBy::Code => (&mut self.code, BOOKING_CODE_DIGITS),
            CheckInBy::IdNumber => (&mut self.id_number, ID_NUMBER_CHARS),
        };
        match key {
            "backspace" => {
                text.pop();
            }
            "clear" => text.clear(),
            k => {
                let fits = |c: char, at: usize| {
                    c.is_ascii_digit()
                        || (self.by == CheckInBy::IdNumber
                            && c.eq_ignore_ascii_case(&'x')
                            && at == ID_NUMBER_CHARS - 1)
                };
                let typed = text.chars().count();
                if k.is_empty() || typed + k.chars().count() > max {
                    return;
                }
                if !(typed..).zip(k.chars()).all(|(at, c)| fits(c, at)) {
                    return;
                }
                text.push_str(&k.to_ascii_uppercase());
            }
        }
        self.problem = None;
    }

    /// Whether all of a code or an ID number has been typed.
    pub fn complete(&self) -> bool {
        match self.by {
            CheckInBy::Code => self.code.len() == BOOKING_CODE_DIGITS,
            CheckInBy::IdNumber => self.id_number.len() == ID_NUMBER_CHARS,
        }
    }

    /// What to send the hub, once complete; an ID number that cannot be one
    /// is refused here, where the citizen can correct it.
    pub fn request(&mut self) -> Option<CheckInRequest> {
        if !self.complete() {
            return None;
        }
        match self.by {
            CheckInBy::Code => Some(CheckInRequest {
                code: Some(self.code.clone()),
                id_number: None,
            }),
            CheckInBy::IdNumber => match IdNumber::parse(&self.id_number) {
                Ok(id) => Some(CheckInRequest {
                    code: None,
                    id_number: Some(id.as_str().to_owned()),
                }),
                Err(_) => {
                    self.problem = Some(CheckInProblem::BadIdNumber);
                    None
                }
            },
        }
    }
}

/// A booking checked in, as the ticket screen tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedIn {
    pub outcome: CheckInOutcome,
    /// The booked time, such as `09:00`.
    pub start: String,
    /// The end of the check-in window, such as `09:15`.
    pub until: String,
}

impl From<&CheckIn> for CheckedIn {
    fn from(c: &CheckIn) -> Self {
        Self {
            outcome: c.outcome,
            start: c.booking.start.clone(),
            until: c.booking.checkin_until.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(by: CheckInBy, keys: &[&str]) -> CheckInForm {
        let mut form = CheckInForm::default();
        form.switch(by);
        for k in keys {
            form.key(k);
        }
        form
    }

    #[test]
    fn a_code_is_eight_digits_and_nothing_else() {
        let mut form = typed(
            CheckInBy::Code,
            &["1", "2", "X", "a", "34", "5678", "9", "0"],
        );
        assert_eq!(form.code, "12345678", "letters refused, no ninth digit");
        assert!(form.complete());
        form.key("backspace");
        assert!(!form.complete());
        assert!(form.request().is_none(), "nothing sent before all eight");
        form.key("8");
        let request = form.request().unwrap();
        assert_eq!(
            (request.code.as_deref(), request.id_number),
            (Some("12345678"), None)
        );
    }

    #[test]
    fn an_id_number_takes_x_only_as_its_check_character() {
        let form = typed(CheckInBy::IdNumber, &["x", "11010519491231002", "X", "1"]);
        assert_eq!(form.id_number, "11010519491231002X");
        let mut lower = typed(CheckInBy::IdNumber, &["11010519491231002", "x"]);
        assert_eq!(lower.id_number, "11010519491231002X");
        let request = lower.request().unwrap();
        assert_eq!(
            (request.code, request.id_number.as_deref()),
            (None, Some("11010519491231002X"))
        );
    }

    #[test]
    fn a_wrong_check_character_is_caught_before_the_hub() {
        let mut form = typed(CheckInBy::IdNumber, &["110105194912310021"]);
        assert!(form.complete());
        assert!(form.request().is_none());
        assert_eq!(form.problem, Some(CheckInProblem::BadIdNumber));
        form.key("backspace");
        assert_eq!(form.problem, None, "typing again clears it");
    }

    #[test]
    fn switching_keeps_what_was_typed_for_each() {
        let mut form = typed(CheckInBy::Code, &["1234"]);
        form.switch(CheckInBy::IdNumber);
        form.key("5");
        assert_eq!((form.typed(), form.code.as_str()), ("5", "1234"));
        form.switch(CheckInBy::Code);
        assert_eq!(form.typed(), "1234");
    }

    #[test]
    fn the_hubs_refusals_read_as_what_to_do() {
        let refused = |code: &str, message: &str| {
            CheckInProblem::from_refusal(Refused {
                code: code.into(),
                message: message.into(),
            })
        };
        assert_eq!(
            refused("too_early", "请于 08:00 后再来签到"),
            CheckInProblem::TooEarly("08:00".into())
        );
        assert_eq!(
            refused("unknown_booking", "今天没有该预约"),
            CheckInProblem::Unknown
        );
        assert_eq!(
            refused("checkin_closed", "该预约已签到"),
            CheckInProblem::Closed("该预约已签到".into())
        );
        assert!(matches!(
            refused("too_early", "请稍后再来"),
            CheckInProblem::Other(_)
        ));
        assert!(matches!(
            refused("busy", "服务繁忙"),
            CheckInProblem::Other(_)
        ));
    }

    #[test]
    fn a_time_is_found_where_the_words_put_it() {
        assert_eq!(
            clock_time("请于 13:30 后再来签到").as_deref(),
            Some("13:30")
        );
        assert_eq!(clock_time("请于13:30后"), Some("13:30".into()));
        assert_eq!(clock_time("1:30 或 2026"), None);
    }
}
