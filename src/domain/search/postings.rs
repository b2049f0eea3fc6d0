//! Posting lists: for each key (a character, a pair of characters, a
//! syllable...), every place in the catalogue where it occurs.

/// A place in the catalogue: a unit (one character) of a name or alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Occ {
    /// Index of the name or alias among the index's fields.
    pub field: u32,
    /// Index of the character within the field.
    pub pos: u32,
}

/// Lists of places by key, stored end to end so a lookup is one binary
/// search and the lists stay compact in memory. Each list is in the order
/// its places would rank as matches, so a search that only wants the best
/// few can stop early.
#[derive(Debug, Default)]
pub(super) struct Postings {
    /// The keys, ascending.
    keys: Vec<u64>,
    /// Where each key's list ends in `occs`.
    ends: Vec<u32>,
    occs: Vec<Occ>,
}

impl Postings {
    /// Groups `(key, rank, place)` entries by key; each list comes out in
    /// order of rank, without repeats.
    pub fn build(mut entries: Vec<(u64, u64, Occ)>) -> Self {
        entries.sort_unstable();
        entries.dedup();
        let mut postings = Postings {
            occs: Vec::with_capacity(entries.len()),
            ..Postings::default()
        };
        for (key, _, occ) in entries {
            if postings.keys.last() != Some(&key) {
                if !postings.keys.is_empty() {
                    postings.ends.push(postings.len());
                }
                postings.keys.push(key);
            }
            postings.occs.push(occ);
        }
        if !postings.keys.is_empty() {
            postings.ends.push(postings.len());
        }
        postings
    }

    fn len(&self) -> u32 {
        u32::try_from(self.occs.len()).expect("fewer than 4 billion places")
    }

    /// Every place of `key`; empty if it occurs nowhere.
    pub fn get(&self, key: u64) -> &[Occ] {
        match self.keys.binary_search(&key) {
            Ok(i) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                &self.occs[start as usize..self.ends[i] as usize]
            }
            Err(_) => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_grouped_and_ranked() {
        let at = |field, pos| Occ { field, pos };
        let postings = Postings::build(vec![
            (7, 5, at(2, 0)),
            (3, 0, at(1, 4)),
            (7, 9, at(0, 1)),
            (7, 5, at(2, 0)),
        ]);
        assert_eq!(postings.get(7), [at(2, 0), at(0, 1)]);
        assert_eq!(postings.get(3), [at(1, 4)]);
        assert!(postings.get(5).is_empty());
        assert!(Postings::build(Vec::new()).get(0).is_empty());
    }
}
