//! What the back office shows and why: plain state, changed by what the
//! reader does and what the hub answers.

use chrono_tz::Tz;

use crate::api::{
    CaseHistoryEntry, CaseView, Catalogue, CounterView, Department, QueueInfo, Role, SessionInfo,
    Supervision,
};
use crate::apps::words::{self, Say};
use crate::domain::policy::{Workplace, workplace};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Login,
    Inbox,
    Supervisor,
}

/// What a supervisor's page shows when no case is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HallView {
    /// Counters, queues, cards, extensions, bad reviews.
    #[default]
    Hall,
    /// 效能监察: each department's tasks, each 一件事 against its promise.
    Efficiency,
}

/// What one read of the hub brought, for the page on screen.
pub enum Reading {
    /// A supervisor's hall.
    Hall {
        supervision: Supervision,
        counters: Vec<CounterView>,
        queues: Vec<QueueInfo>,
    },
    /// A reviewer's inbox.
    Inbox { cases: Vec<CaseView> },
}

/// The case open on the page, and its history, as last read.
pub struct Opened {
    /// Boxed: a case is large beside the rest of a reading.
    pub case: Box<CaseView>,
    pub history: Vec<CaseHistoryEntry>,
}

/// What the back office shows.
#[derive(Default)]
pub struct ReviewModel {
    pub page: Page,
    pub hall_view: HallView,
    pub session: Option<(SessionInfo, String)>,
    /// The inbox, by deadline.
    pub cases: Vec<CaseView>,
    pub selected: Option<CaseView>,
    pub history: Vec<CaseHistoryEntry>,
    pub supervision: Option<Supervision>,
    pub counters: Vec<CounterView>,
    pub queues: Vec<QueueInfo>,
    /// The hall's name, time zone and departments, from the catalogue: the
    /// session names its department by code.
    pub hall: Option<(String, Tz)>,
    pub departments: Vec<Department>,
    /// What the last action came to, and whether it is an error.
    pub message: Option<(Say, bool)>,
    pub login_error: Option<Say>,
    pub offline: bool,
    pub busy: bool,
    pub english: bool,
}

impl ReviewModel {
    /// Back to the login page, saying why; the language and what the
    /// catalogue said stay.
    pub fn logged_out(&mut self, why: Option<Say>) {
        *self = ReviewModel {
            english: self.english,
            hall: self.hall.take(),
            departments: std::mem::take(&mut self.departments),
            login_error: why,
            ..ReviewModel::default()
        };
    }

    pub fn catalogue(&mut self, catalogue: Catalogue) {
        self.hall = words::zone(&catalogue.timezone).map(|zone| (catalogue.hall, zone));
        self.departments = catalogue.departments;
    }

    /// What the hub answered to a read: the page's truth now.
    pub fn read(&mut self, reading: Reading, opened: Option<Opened>) {
        self.offline = false;
        match reading {
            Reading::Hall {
                supervision,
                counters,
                queues,
            } => {
                self.cases.clear();
                self.supervision = Some(supervision);
                self.counters = counters;
                self.queues = queues;
            }
            Reading::Inbox { cases } => {
                self.cases = cases;
                self.supervision = None;
                self.counters.clear();
                self.queues.clear();
            }
        }
        // A read sent before the reader opened another case, or went back
        // to the lists, does not bring the old one back.
        let still_open = |n: &str| self.selected.as_ref().is_some_and(|c| c.number == n);
        match opened {
            Some(opened) if still_open(&opened.case.number) => {
                self.selected = Some(*opened.case);
                self.history = opened.history;
            }
            Some(_) => {}
            None if self.selected.is_none() => self.history.clear(),
            None => {}
        }
    }

    /// Opens the case numbered so from a list on the page: the inbox, or a
    /// supervisor's cards and extensions.
    pub fn open(&mut self, number: &str) {
        let supervised = self.supervision.iter().flat_map(|s| {
            (s.cards.iter())
                .chain(&s.steps_overdue)
                .chain(&s.extensions_pending)
        });
        self.selected = (self.cases.iter())
            .chain(supervised)
            .find(|c| c.number == number)
            .cloned();
        self.history.clear();
        self.message = None;
    }

    /// Back from a case to the page's lists.
    pub fn close(&mut self) {
        self.selected = None;
        self.history.clear();
        self.message = None;
    }

    /// The short name of the department with code `code`, such as 市场监管;
    /// the code itself when the catalogue does not name it.
    pub fn short_name<'a>(&'a self, code: &'a str) -> &'a str {
        (self.departments.iter())
            .find(|d| d.code == code)
            .map_or(code, |d| d.short_name.as_str())
    }

    /// The department's name the session belongs to, or its code.
    pub fn department(&self) -> Option<&str> {
        let code = self.session.as_ref()?.0.staff.department.as_deref()?;
        let named = self.departments.iter().find(|d| d.code == code);
        Some(named.map_or(code, |d| d.name.as_str()))
    }
}

/// Where a role works in the back office, if it does.
pub fn page_for(role: Role) -> Option<Page> {
    match workplace(role.into()) {
        Workplace::Inbox => Some(Page::Inbox),
        Workplace::Supervision => Some(Page::Supervisor),
        Workplace::Counter => None,
    }
}

/// Everything to fix, as typed: separated by ；, ; or new lines.
pub fn items(text: &str) -> Vec<String> {
    text.split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_are_listed_as_typed() {
        assert_eq!(
            items("补签字；住所证明过期;\n 章程缺页 ；"),
            ["补签字", "住所证明过期", "章程缺页"]
        );
        assert!(items(" ；").is_empty());
    }

    fn case(number: &str) -> CaseView {
        serde_json::from_value(serde_json::json!({
            "number": number, "service": "SCJG-001", "service_name": "企业设立登记",
            "department": "scjg", "department_name": "市场监管", "state": "in_review",
            "applicant": {"name": "王建国", "id_number": "", "phone": "", "masked": false},
            "materials": [], "missing": [], "opened_at": "2026-03-02T01:30:00Z",
            "opened_by": "1002", "counter": 2, "promised_days": 1, "correction_items": [],
            "excluded": [], "claim_overdue": false, "review_overdue": false, "rated": false,
            "allowed": [],
        }))
        .unwrap()
    }

    fn opened(number: &str) -> Option<Opened> {
        let step = CaseHistoryEntry {
            seq: 1,
            at: "2026-03-02T01:30:00Z".parse().unwrap(),
            actor: "staff:1002".into(),
            kind: "case_opened".into(),
            task: None,
        };
        Some(Opened {
            case: Box::new(case(number)),
            history: vec![step],
        })
    }

    #[test]
    fn a_late_answer_does_not_bring_back_a_case_the_reader_has_left() {
        let inbox = || Reading::Inbox {
            cases: vec![case("1"), case("2")],
        };
        let mut m = ReviewModel::default();
        m.read(inbox(), None);
        m.open("1");
        m.read(inbox(), opened("1"));
        assert_eq!(m.history.len(), 1);
        m.open("2");
        m.read(inbox(), opened("1"));
        let shown = m.selected.as_ref().map(|c| c.number.as_str());
        assert_eq!((shown, m.history.len()), (Some("2"), 0));
        m.read(inbox(), opened("2"));
        assert_eq!(m.history.len(), 1);
        m.close();
        m.read(inbox(), opened("2"));
        assert!(m.selected.is_none() && m.history.is_empty());
    }

    #[test]
    fn the_back_office_is_for_reviewers_and_supervisors() {
        assert_eq!(page_for(Role::Reviewer), Some(Page::Inbox));
        assert_eq!(page_for(Role::Supervisor), Some(Page::Supervisor));
        assert_eq!(page_for(Role::Intake), None);
    }
}
