//! The fuzzy tier: pinyin with one letter changed, missing or extra.
//!
//! The start of the query is read as up to three whole syllables by walking
//! the syllable trie, allowing one letter wrong on the way. Each reading
//! (a "head") names one short list of places: three syllables in a row are
//! rare. If the query goes on after the head, each place is checked by
//! walking the field's readings with whatever allowance is left. The work
//! depends on the query and the syllable table, not on the catalogue's size,
//! except through how many places a head names.

use super::pinyin_match::bits;
use super::rank::{self, Best};
use super::spelling::{one_changed, one_dropped};
use super::syllables::Syllables;
use super::{Field, Match, SearchIndex, syllable_pair, syllable_triple};

/// The start of a query read as whole syllables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Head {
    syllables: [u32; 3],
    /// How many of `syllables` are read.
    count: usize,
    /// Letters of the query they account for.
    consumed: usize,
    /// Whether the one wrong letter is already spent.
    slipped: bool,
}

/// Adds `head` unless it is there already.
fn keep(heads: &mut Vec<Head>, head: Head) {
    if !heads.contains(&head) {
        heads.push(head);
    }
}

impl SearchIndex {
    pub(super) fn fuzzy_matches(&self, q: &[u8], best: &mut Best) {
        let mut heads = Vec::new();
        let mut head = Head {
            syllables: [0; 3],
            count: 0,
            consumed: 0,
            slipped: false,
        };
        self.heads(q, 0, Syllables::ROOT, &mut head, &mut heads);
        for h in &heads {
            let whole = h.consumed == q.len();
            if whole && !h.slipped {
                // Spelt exactly: a full-pinyin match, found already.
                continue;
            }
            let [a, b, c] = h.syllables;
            let places = match h.count {
                1 => self.by_syllable.get(u64::from(a)),
                2 => self.by_syllables.get(syllable_pair(a, b)),
                _ => self.by_syllables3.get(syllable_triple(a, b, c)),
            };
            for occ in places {
                let field = self.field(*occ);
                let key = rank::key(Match::Fuzzy, occ.pos, field.rank);
                if best.rejects(key) {
                    break;
                }
                if whole || self.slips(field, occ.pos + 3, q, h.consumed, h.slipped) {
                    best.offer(key);
                }
            }
        }
    }

    /// Collects in `heads` every way to read `q` from `i` on, having reached
    /// trie `node` in the current syllable, as the rest of `head`.
    fn heads(&self, q: &[u8], i: usize, node: u32, head: &mut Head, heads: &mut Vec<Head>) {
        let syllables = &self.syllables;
        if let Some(s) = syllables.syllable(node) {
            head.syllables[head.count] = s;
            head.count += 1;
            if i == q.len() || head.count == 3 {
                keep(
                    heads,
                    Head {
                        consumed: i,
                        ..*head
                    },
                );
            } else {
                self.heads(q, i, Syllables::ROOT, head, heads);
            }
            head.count -= 1;
        }
        if let Some(child) = q.get(i).and_then(|b| syllables.child(node, *b)) {
            self.heads(q, i + 1, child, head, heads);
        }
        if head.slipped {
            return;
        }
        head.slipped = true;
        if i < q.len() {
            // The query has an extra letter here.
            self.heads(q, i + 1, node, head, heads);
        }
        for (letter, child) in syllables.children(node) {
            if q.get(i).is_some_and(|b| *b != letter) {
                // The query has another letter here.
                self.heads(q, i + 1, child, head, heads);
            }
            // The query misses this letter.
            self.heads(q, i, child, head, heads);
        }
        head.slipped = false;
    }

    /// Whether the rest of `q`, from letter `from`, spells whole characters
    /// of the field from unit `pos` on, with one letter wrong if none has
    /// been yet (`slipped`).
    fn slips(&self, field: Field, pos: u32, q: &[u8], from: usize, slipped: bool) -> bool {
        let done: u128 = 1 << q.len();
        // Positions in the query reached with no letter wrong, and with one.
        let (mut exact, mut wrong): (u128, u128) = if slipped {
            (0, 1 << from)
        } else {
            (1 << from, 0)
        };
        let end = (field.start + field.len) as usize;
        for unit in self
            .units
            .get((field.start + pos) as usize..end)
            .unwrap_or(&[])
        {
            let (mut next_exact, mut next_wrong) = (0u128, 0u128);
            for s in self.unit_readings(unit) {
                let syllable = self.syllables.spelling(*s);
                let n = syllable.len();
                for k in bits(exact) {
                    let rest = &q[k..];
                    if rest.starts_with(syllable) {
                        next_exact |= 1 << (k + n);
                    }
                    if rest.len() >= n && one_changed(&rest[..n], syllable) {
                        next_wrong |= 1 << (k + n);
                    }
                    if rest.len() > n && one_dropped(&rest[..=n], syllable) {
                        next_wrong |= 1 << (k + n + 1);
                    }
                    if rest.len() + 1 >= n && one_dropped(syllable, &rest[..n - 1]) {
                        next_wrong |= 1 << (k + n - 1);
                    }
                }
                for k in bits(wrong) {
                    if q[k..].starts_with(syllable) {
                        next_wrong |= 1 << (k + n);
                    }
                }
            }
            if (next_exact | next_wrong) & done != 0 {
                return true;
            }
            (exact, wrong) = (next_exact & !done, next_wrong & !done);
            if exact | wrong == 0 {
                return false;
            }
        }
        false
    }
}
