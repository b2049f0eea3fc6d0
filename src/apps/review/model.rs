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

/// What one read of the hub brought, for the page on screen.
pub enum Reading {
    /// A supervisor's hall.
    Hall {
        supervision: Supervision,
        counters: Vec<CounterView>,
        queues: Vec<QueueInfo>,
    },
    /// A reviewer's inbox, and the case open in it.
    Inbox {
        cases: Vec<CaseView>,
        /// Boxed: a case is large beside the rest of a reading.
        case: Option<Box<CaseView>>,
        history: Vec<CaseHistoryEntry>,
    },
}

/// What the back office shows.
#[derive(Default)]
pub struct ReviewModel {
    pub page: Page,
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
    pub fn read(&mut self, reading: Reading) {
        self.offline = false;
        match reading {
            Reading::Hall {
                supervision,
                counters,
                queues,
            } => {
                self.cases.clear();
                self.history.clear();
                self.supervision = Some(supervision);
                self.counters = counters;
                self.queues = queues;
            }
            Reading::Inbox {
                cases,
                case,
                history,
            } => {
                self.cases = cases;
                if let Some(case) = case {
                    self.selected = Some(*case);
                }
                self.history = history;
                self.supervision = None;
                self.counters.clear();
                self.queues.clear();
            }
        }
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

    #[test]
    fn the_back_office_is_for_reviewers_and_supervisors() {
        assert_eq!(page_for(Role::Reviewer), Some(Page::Inbox));
        assert_eq!(page_for(Role::Supervisor), Some(Page::Supervisor));
        assert_eq!(page_for(Role::Intake), None);
    }
}
