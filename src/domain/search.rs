//! Finding a service guide by what a citizen types.

use super::guide::Guide;

/// Guides whose name or an alias contains `query`, names first, in catalogue
/// order otherwise. An empty query finds nothing.
pub fn search<'a>(guides: &'a [Guide], query: &str) -> Vec<&'a Guide> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    let by_name = guides.iter().filter(|g| g.name.contains(query));
    let by_alias = guides
        .iter()
        .filter(|g| !g.name.contains(query) && g.aliases.iter().any(|a| a.contains(query)));
    by_name.chain(by_alias).collect()
}
