//! The exact pinyin tiers: a query of letters and digits that spells or
//! abbreviates consecutive characters of a name or alias.
//!
//! Each tier first looks up the few places where a match could begin (the
//! one, two or three syllables the query starts with; two first letters),
//! then checks each place by walking the field's characters while tracking,
//! as bits, every position in the query that the readings so far can reach.
//! Polyphonic characters simply reach several positions.

use super::postings::Occ;
use super::rank::{self, Best};
use super::spelling::letter_bit;
use super::{Field, Match, SearchIndex, letter_pair, syllable_pair, syllable_triple};

/// The set bits of `set`, lowest first.
pub(super) fn bits(mut set: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (set != 0).then(|| {
            let bit = set.trailing_zeros() as usize;
            set &= set - 1;
            bit
        })
    })
}

impl SearchIndex {
    pub(super) fn full_pinyin_matches(&self, q: &[u8], best: &mut Best) {
        self.start_lists(q, |places, certain| {
            for occ in places {
                let field = self.field(*occ);
                let key = rank::key(Match::FullPinyin, occ.pos, field.rank);
                if best.rejects(key) {
                    break;
                }
                if certain || self.spells(field, occ.pos, q) {
                    best.offer(key);
                }
            }
        });
    }

    pub(super) fn initials_matches(&self, q: &[u8], best: &mut Best) {
        let len = q.len() as u32;
        let (offset, places) = (0..q.len() - 1)
            .map(|i| (i as u32, self.by_initials.get(letter_pair(q[i], q[i + 1]))))
            .min_by_key(|(_, places)| places.len())
            .unwrap_or_default();
        for occ in places {
            let field = self.field(*occ);
            let Some(start) = occ.pos.checked_sub(offset) else {
                continue;
            };
            if start + len > field.len {
                continue;
            }
            let key = rank::key(Match::Initials, start, field.rank);
            if best.rejects(key) {
                // The list is in rank order when it starts with the query.
                if offset == 0 {
                    break;
                }
                continue;
            }
            let from = (field.start + start) as usize;
            let units = &self.units[from..from + q.len()];
            if units
                .iter()
                .zip(q)
                .all(|(unit, b)| unit.initials & letter_bit(*b) != 0)
            {
                best.offer(key);
            }
        }
    }

    /// Calls `visit` with each list of places where a spelling that starts
    /// with `q` could begin, and whether every place in it surely does:
    /// places read as one, two or three syllables that together start with
    /// `q` (sure), or as three syllables that `q` starts with and goes on
    /// after (to be checked).
    fn start_lists(&self, q: &[u8], mut visit: impl FnMut(&[Occ], bool)) {
        let syllables = &self.syllables;
        let firsts = |text| self.first_syllables(text);
        for (first, rest) in firsts(q) {
            for (second, rest) in firsts(rest) {
                for (third, _) in firsts(rest) {
                    visit(
                        self.by_syllables3
                            .get(syllable_triple(first, second, third)),
                        false,
                    );
                }
                for third in syllables.starting_with(rest) {
                    visit(
                        self.by_syllables3
                            .get(syllable_triple(first, second, *third)),
                        true,
                    );
                }
            }
            for second in syllables.starting_with(rest) {
                visit(self.by_syllables.get(syllable_pair(first, *second)), true);
            }
        }
        for s in syllables.starting_with(q) {
            visit(self.by_syllable.get(u64::from(*s)), true);
        }
    }

    /// Each way to read the start of `text` as one whole syllable, with the
    /// text left after it (never empty).
    fn first_syllables<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = (u32, &'a [u8])> + 'a {
        (1..text.len().min(self.syllables.longest() + 1))
            .filter_map(move |len| Some((self.syllables.find(&text[..len])?, &text[len..])))
    }

    /// Whether `q` spells the field's characters from `pos` on, the last
    /// syllable perhaps unfinished.
    fn spells(&self, field: Field, pos: u32, q: &[u8]) -> bool {
        let mut reach: u128 = 1;
        for unit in &self.units[(field.start + pos) as usize..(field.start + field.len) as usize] {
            let mut next: u128 = 0;
            for k in bits(reach) {
                let rest = &q[k..];
                for s in self.unit_readings(unit) {
                    let syllable = self.syllables.spelling(*s);
                    if syllable.starts_with(rest) {
                        return true;
                    }
                    if rest.starts_with(syllable) {
                        next |= 1 << (k + syllable.len());
                    }
                }
            }
            if next == 0 {
                return false;
            }
            reach = next;
        }
        false
    }
}
