//! The service catalogue as an app last fetched it, with its search index:
//! the kiosk and the counter's intake form search it locally.

use crate::api::{Catalogue, Guide};
use crate::domain::guide as domain;
use crate::domain::search::SearchIndex;

pub struct Known {
    pub catalogue: Catalogue,
    pub index: SearchIndex,
}

impl Known {
    pub fn new(catalogue: Catalogue) -> Self {
        let guides: Vec<domain::Guide> = catalogue.services.iter().map(Into::into).collect();
        let index = SearchIndex::new(&guides);
        Self { catalogue, index }
    }

    pub fn guide(&self, code: &str) -> Option<&Guide> {
        self.catalogue.services.iter().find(|g| g.code == code)
    }

    /// Guides matching what was typed, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Guide> {
        self.index
            .search(query, limit)
            .into_iter()
            .filter_map(|hit| self.catalogue.services.get(hit.guide))
            .collect()
    }

    /// A department's short name, such as 市场监管.
    pub fn department_name(&self, code: &str) -> String {
        self.catalogue
            .departments
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_owned(), |d| d.short_name.clone())
    }
}
