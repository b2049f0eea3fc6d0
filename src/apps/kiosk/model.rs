//! What the kiosk shows and why: plain state, changed by what the citizen
//! does and what the hub answers. No Slint here, so every rule is testable.

use std::sync::Arc;

use chrono_tz::Tz;

use super::check_in::{CheckInBy, CheckInForm, CheckInProblem, CheckedIn};
use crate::api::Guide;
use crate::api::{CheckIn, CheckInRequest, IssuedTicket, QueueInfo};
use crate::apps::catalogue::Known;
use crate::apps::words::{self, Refused, Say};
use crate::domain::case::{CASE_NUMBER_DIGITS, is_case_number};
use crate::ui::PrinterProblem;

/// Hits shown for a search: a screenful and then some.
const MAX_RESULTS: usize = 30;
/// Characters a search may hold.
const MAX_QUERY: usize = 24;

#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Home,
    /// The guides of one department, by its code.
    Department(String),
    Search,
    /// One guide, by its service code.
    Guide(String),
    Ticket,
    Fault,
    /// A pickup ticket by case number.
    Pickup,
    /// 预约签到: a booking checked in by its code or the ID number.
    CheckIn,
}

/// A ticket the hub issued, and how printing it went.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownTicket {
    pub ticket: IssuedTicket,
    /// Set once printing failed: what went wrong.
    pub problem: Option<PrinterProblem>,
    /// For a booking checked in: how, and its booked time.
    pub check_in: Option<CheckedIn>,
}

pub struct KioskModel {
    pub known: Option<Arc<Known>>,
    pub queues: Vec<QueueInfo>,
    pub screen: Screen,
    /// Screens to go back to.
    history: Vec<Screen>,
    pub query: String,
    /// The case number typed for a pickup ticket.
    pub case_number: String,
    /// The booking code or ID number typed for 预约签到.
    pub check_in: CheckInForm,
    /// Whether the hall takes bookings, once the hub has said.
    pub bookable: Option<bool>,
    pub elder: bool,
    pub english: bool,
    /// The hub did not answer last time.
    pub offline: bool,
    /// A ticket request is on its way: further taps are ignored.
    pub busy: bool,
    pub ticket: Option<ShownTicket>,
    /// Why no ticket: the hub away, or its refusal.
    pub fault: Option<Say>,
}

impl Default for KioskModel {
    fn default() -> Self {
        Self {
            known: None,
            queues: Vec::new(),
            screen: Screen::Home,
            history: Vec::new(),
            query: String::new(),
            case_number: String::new(),
            check_in: CheckInForm::default(),
            bookable: None,
            elder: false,
            english: false,
            offline: false,
            busy: false,
            ticket: None,
            fault: None,
        }
    }
}

impl KioskModel {
    /// Back to the start for the next citizen: standard size, Chinese, no
    /// query; what the kiosk knows of the hub stays.
    pub fn reset(&mut self) {
        let known = self.known.take();
        let queues = std::mem::take(&mut self.queues);
        let offline = self.offline;
        let busy = self.busy;
        let bookable = self.bookable;
        *self = Self {
            known,
            queues,
            bookable,
            offline,
            busy,
            ..Self::default()
        };
    }

    /// Home for the same citizen: their elder mode and language stay.
    pub fn home(&mut self) {
        self.screen = Screen::Home;
        self.history.clear();
        self.query.clear();
        self.case_number.clear();
        self.check_in = CheckInForm::default();
        self.fault = None;
    }

    fn go(&mut self, screen: Screen) {
        if self.screen != screen {
            let from = std::mem::replace(&mut self.screen, screen);
            if !matches!(from, Screen::Ticket | Screen::Fault) {
                self.history.push(from);
            }
        }
    }

    pub fn back(&mut self) {
        self.screen = self.history.pop().unwrap_or(Screen::Home);
    }

    pub fn open_department(&mut self, code: &str) {
        self.go(Screen::Department(code.to_owned()));
    }

    pub fn open_search(&mut self) {
        self.go(Screen::Search);
    }

    pub fn open_pickup(&mut self) {
        self.case_number.clear();
        self.go(Screen::Pickup);
    }

    /// 预约签到, by the booking code to begin with.
    pub fn open_check_in(&mut self) {
        self.check_in = CheckInForm::default();
        self.go(Screen::CheckIn);
    }

    /// What the booking is checked in by: its code or the ID number.
    pub fn check_in_by(&mut self, by: CheckInBy) {
        self.check_in.switch(by);
    }

    /// What to send for 预约签到, when the form is complete and the kiosk
    /// free; marks the kiosk busy if so, so that a second tap sends nothing.
    pub fn begin_check_in(&mut self) -> Option<CheckInRequest> {
        if self.busy || self.offline {
            return None;
        }
        let request = self.check_in.request()?;
        self.busy = true;
        Some(request)
    }

    /// The hub checked the booking in and issued its ticket.
    pub fn checked_in(&mut self, check_in: &CheckIn) {
        self.ticket_issued(check_in.ticket.clone());
        if let Some(shown) = &mut self.ticket {
            shown.check_in = Some(CheckedIn::from(check_in));
        }
    }

    /// The hub would not check the booking in: said on the check-in screen,
    /// where what was typed can be corrected.
    pub fn check_in_refused(&mut self, refused: Refused) {
        self.busy = false;
        self.offline = false;
        self.check_in.problem = Some(CheckInProblem::from_refusal(refused));
    }

    /// The typed case number, once it has all its digits.
    pub fn complete_case_number(&self) -> Option<&str> {
        is_case_number(&self.case_number).then_some(self.case_number.as_str())
    }

    pub fn open_guide(&mut self, code: &str) {
        if self.known.as_ref().is_some_and(|k| k.guide(code).is_some()) {
            self.go(Screen::Guide(code.to_owned()));
        }
    }

    /// A key of the on-screen keyboard: a letter or digit, `backspace` or
    /// `clear`; on the pickup screen, digits of the case number only; on
    /// the check-in screen, what [`CheckInForm::key`] takes.
    pub fn key(&mut self, key: &str) {
        if self.screen == Screen::CheckIn {
            return self.check_in.key(key);
        }
        let (text, fits, max): (&mut String, fn(char) -> bool, usize) =
            if self.screen == Screen::Pickup {
                (
                    &mut self.case_number,
                    |c| c.is_ascii_digit(),
                    CASE_NUMBER_DIGITS,
                )
            } else {
                (&mut self.query, |c| c.is_ascii_alphanumeric(), MAX_QUERY)
            };
        match key {
            "backspace" => {
                text.pop();
            }
            "clear" => text.clear(),
            k if !k.is_empty()
                && k.chars().all(fits)
                && text.chars().count() + k.chars().count() <= max =>
            {
                text.push_str(&k.to_ascii_lowercase());
            }
            _ => {}
        }
    }

    /// The guides matching the query, best first.
    pub fn results(&self) -> Vec<&Guide> {
        let Some(known) = &self.known else {
            return Vec::new();
        };
        known.search(&self.query, MAX_RESULTS)
    }

    /// The guides of a department, in catalogue order.
    pub fn department_guides(&self, code: &str) -> Vec<&Guide> {
        self.known
            .as_ref()
            .map(|k| {
                k.catalogue
                    .services
                    .iter()
                    .filter(|g| g.department == code)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The guide on screen, if one is.
    pub fn current_guide(&self) -> Option<&Guide> {
        match &self.screen {
            Screen::Guide(code) => self.known.as_ref()?.guide(code),
            _ => None,
        }
    }

    /// Whether a ticket may be asked for now; marks the kiosk busy if so, so
    /// that a second tap gives no second ticket.
    pub fn begin_ticket(&mut self) -> bool {
        if self.busy || self.offline {
            return false;
        }
        self.busy = true;
        true
    }

    pub fn ticket_issued(&mut self, ticket: IssuedTicket) {
        self.busy = false;
        self.offline = false;
        self.ticket = Some(ShownTicket {
            ticket,
            problem: None,
            check_in: None,
        });
        self.go(Screen::Ticket);
    }

    pub fn ticket_not_printed(&mut self, problem: PrinterProblem) {
        if let Some(t) = &mut self.ticket {
            t.problem = Some(problem);
        }
    }

    /// The hub refused or could not be reached; `unreachable` marks the
    /// kiosk offline until the hub answers again.
    pub fn ticket_failed(&mut self, fault: Say, unreachable: bool) {
        self.busy = false;
        self.offline |= unreachable;
        self.fault = Some(fault);
        self.go(Screen::Fault);
    }

    /// The hub answered again: leave the fault screen for where the citizen was.
    pub fn hub_back(&mut self) {
        self.offline = false;
        if self.screen == Screen::Fault {
            self.fault = None;
            self.back();
        }
    }

    pub fn hub_lost(&mut self) {
        self.offline = true;
    }

    pub fn retry(&mut self) {
        self.fault = None;
        self.back();
    }

    /// The hall's name, once the catalogue has come.
    pub fn hall_name(&self) -> &str {
        self.known
            .as_ref()
            .map_or("", |k| k.catalogue.hall.as_str())
    }

    /// The hall's time zone, once the catalogue has come.
    pub fn zone(&self) -> Option<Tz> {
        words::zone(&self.known.as_ref()?.catalogue.timezone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BookingState, BookingView, CheckInOutcome, IssuedTicket};
    use crate::ui::Saying;

    fn ticket() -> IssuedTicket {
        IssuedTicket {
            id: "0".repeat(32),
            number: "A001".into(),
            queue: "A".into(),
            queue_name: "企业开办".into(),
            service: None,
            service_name: None,
            case: None,
            priority: false,
            ahead: 0,
            estimated_wait_minutes: 0,
            issued_at: "2026-03-02T01:30:00Z".parse().unwrap(),
            status_url: "/tickets/0".into(),
            page_url: None,
            appointment_at: None,
        }
    }

    #[test]
    fn the_keyboard_types_letters_and_digits_only() {
        let mut m = KioskModel::default();
        for k in ["y", "Y", "1", "backspace", "z", "营", "a b", "clear", "q"] {
            m.key(k);
        }
        assert_eq!(m.query, "q");
        for _ in 0..40 {
            m.key("x");
        }
        assert_eq!(m.query.len(), MAX_QUERY);
    }

    #[test]
    fn a_second_tap_while_issuing_gives_no_second_request() {
        let mut m = KioskModel::default();
        assert!(m.begin_ticket());
        assert!(!m.begin_ticket(), "busy");
        m.ticket_issued(ticket());
        assert!(m.begin_ticket(), "free again once answered");
        m.hub_lost();
        m.busy = false;
        assert!(!m.begin_ticket(), "no tickets while offline");
    }

    #[test]
    fn back_retraces_the_citizens_steps_but_not_into_a_ticket() {
        let mut m = KioskModel::default();
        m.open_department("scjg");
        m.open_search();
        m.back();
        assert_eq!(m.screen, Screen::Department("scjg".into()));
        m.ticket_issued(ticket());
        m.back();
        assert_eq!(
            m.screen,
            Screen::Department("scjg".into()),
            "the ticket screen is left, not returned to"
        );
        m.back();
        assert_eq!(m.screen, Screen::Home);
    }

    #[test]
    fn home_keeps_the_citizens_settings_and_reset_clears_them() {
        let mut m = KioskModel {
            elder: true,
            english: true,
            ..KioskModel::default()
        };
        m.open_search();
        m.key("a");
        m.home();
        assert_eq!(
            (m.screen.clone(), m.query.as_str(), m.elder, m.english),
            (Screen::Home, "", true, true)
        );
        m.hub_lost();
        m.reset();
        assert!(!m.elder && !m.english);
        assert!(m.offline, "what the kiosk knows of the hub stays");
    }

    fn check_in(outcome: CheckInOutcome) -> CheckIn {
        let booking = BookingView {
            code: "12345678".into(),
            service: "ZWFW-003".into(),
            service_name: "企业开办".into(),
            queue_name: "企业开办".into(),
            date: "2026-03-02".parse().unwrap(),
            start: "09:00".into(),
            end: "09:30".into(),
            checkin_from: "08:00".into(),
            checkin_until: "09:15".into(),
            cancel_until: "2026-03-02T08:00:00+08:00".parse().unwrap(),
            name: "张*".into(),
            state: BookingState::CheckedIn,
        };
        CheckIn {
            outcome,
            booking,
            ticket: IssuedTicket {
                appointment_at: (outcome == CheckInOutcome::CheckedIn).then(|| "09:00".into()),
                ..ticket()
            },
        }
    }

    fn typed_code(m: &mut KioskModel) {
        m.open_check_in();
        for k in "12345678".chars() {
            m.key(&k.to_string());
        }
    }

    #[test]
    fn a_booking_is_checked_in_once_its_code_is_typed() {
        let mut m = KioskModel::default();
        m.open_check_in();
        m.key("1");
        assert!(m.begin_check_in().is_none(), "one digit is no code");
        assert!(!m.busy);
        typed_code(&mut m);
        let request = m.begin_check_in().expect("eight digits");
        assert_eq!(request.code.as_deref(), Some("12345678"));
        assert!(m.busy);
        assert!(m.begin_check_in().is_none(), "a second tap sends nothing");
        m.checked_in(&check_in(CheckInOutcome::CheckedIn));
        assert_eq!((m.screen.clone(), m.busy), (Screen::Ticket, false));
        let shown = m.ticket.as_ref().unwrap();
        let checked = shown.check_in.as_ref().unwrap();
        assert_eq!(
            (checked.start.as_str(), checked.until.as_str()),
            ("09:00", "09:15")
        );
        assert_eq!(shown.ticket.appointment_at.as_deref(), Some("09:00"));
        m.ticket_issued(ticket());
        assert_eq!(
            m.ticket.as_ref().unwrap().check_in,
            None,
            "the next ticket is no booking's"
        );
    }

    #[test]
    fn a_refusal_stays_on_the_check_in_screen_with_what_was_typed() {
        let mut m = KioskModel::default();
        typed_code(&mut m);
        m.begin_check_in();
        m.check_in_refused(Refused {
            code: "too_early".into(),
            message: "请于 13:00 后再来签到".into(),
        });
        assert_eq!((m.screen.clone(), m.busy), (Screen::CheckIn, false));
        assert_eq!(m.check_in.code, "12345678");
        assert_eq!(
            m.check_in.problem,
            Some(CheckInProblem::TooEarly("13:00".into()))
        );
        m.home();
        m.open_check_in();
        assert_eq!(
            m.check_in,
            CheckInForm::default(),
            "the next try starts afresh"
        );
    }

    #[test]
    fn no_check_in_while_offline() {
        let mut m = KioskModel::default();
        typed_code(&mut m);
        m.hub_lost();
        assert!(m.begin_check_in().is_none());
        m.hub_back();
        assert!(m.begin_check_in().is_some());
    }

    #[test]
    fn the_keypad_types_into_the_check_in_form_on_its_screen_only() {
        let mut m = KioskModel::default();
        m.open_search();
        m.key("1");
        m.open_check_in();
        m.check_in_by(CheckInBy::IdNumber);
        m.key("2");
        assert_eq!(
            (m.query.as_str(), m.check_in.id_number.as_str()),
            ("1", "2")
        );
    }

    #[test]
    fn a_fault_gives_way_when_the_hub_is_back() {
        let mut m = KioskModel::default();
        m.open_search();
        m.begin_ticket();
        m.ticket_failed(Say::App(Saying::HubAway), true);
        assert_eq!(
            (m.screen.clone(), m.offline, m.busy),
            (Screen::Fault, true, false)
        );
        m.hub_back();
        assert_eq!((m.screen.clone(), m.offline), (Screen::Search, false));
        assert!(m.fault.is_none());
    }
}
