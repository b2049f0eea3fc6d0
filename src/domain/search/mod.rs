//! Finding a service guide by what a citizen types at the kiosk: Chinese,
//! full pinyin, pinyin initials, an alias, or pinyin with one letter wrong.
//!
//! Everything is worked out once, when the catalogue is loaded
//! ([`SearchIndex::new`]); a query then looks up short lists of places in
//! the catalogue and checks only those, so it stays well under a
//! millisecond on 10,000 guides (`yimen bench search`).
//!
//! - `spelling`: what is typed and indexed: normalisation and pinyin readings;
//! - `syllables`, `postings`: the lookup tables;
//! - `build`: making the index;
//! - `pinyin_match`: full pinyin and initials; `fuzzy`: one letter wrong;
//! - `rank`: ordering matches and keeping the best few.

mod build;
mod fuzzy;
mod pinyin_match;
mod postings;
mod rank;
mod spelling;
mod syllables;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use super::guide::Guide;
use postings::{Occ, Postings};
use rank::Best;
use syllables::Syllables;

/// How a guide matched a query, best first; hits are ranked by this, then
/// a match at the start of a name or alias before one inside, a name before
/// an alias, the earlier position, the shorter name and catalogue order.
///
/// A full-pinyin match ranks after every match on the characters themselves
/// and before initials: `yingye` spells 营业 more surely than `yy` abbreviates
/// it, while 营业 typed in Chinese is surer still.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// The query is the guide's name.
    ExactName = 0,
    /// The query is one of the guide's aliases, such as 办执照.
    Alias = 1,
    /// The name or an alias starts with the query.
    Prefix = 2,
    /// The name or an alias contains the query.
    Substring = 3,
    /// The query spells characters of the name or an alias in pinyin, the
    /// last syllable perhaps unfinished (`yingye`, `yingy`), under any
    /// reading of a polyphonic character.
    FullPinyin = 4,
    /// The query is the first letters of consecutive characters (`yyzz`).
    Initials = 5,
    /// The query, of four letters or more, is one letter changed, missing or
    /// extra from the full pinyin of whole consecutive characters (`yingyi`).
    Fuzzy = 6,
}

impl Match {
    fn from_tier(tier: u64) -> Match {
        match tier {
            0 => Match::ExactName,
            1 => Match::Alias,
            2 => Match::Prefix,
            3 => Match::Substring,
            4 => Match::FullPinyin,
            5 => Match::Initials,
            _ => Match::Fuzzy,
        }
    }
}

/// One guide found by a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The guide's position in the slice the index was built from.
    pub guide: usize,
    /// Its best match.
    pub matched: Match,
}

/// Pinyin queries longer than this are taken as Chinese text only: no name
/// is spelt that long, and the matchers track positions in 128 bits.
const MAX_PINYIN: usize = 120;

/// Fewer letters than this are not corrected: too many syllables are one
/// letter away from a short query.
const MIN_FUZZY: usize = 4;

/// A name or an alias, as indexed.
#[derive(Clone, Copy, Debug)]
struct Field {
    /// An alias rather than the name.
    alias: bool,
    /// Its part of a match's rank: name or alias, the name's length, the
    /// guide's position in the catalogue (`rank::field_key`).
    rank: u64,
    /// Where its characters start in `chars` and `units`.
    start: u32,
    /// Its length in characters.
    len: u32,
}

/// One character of a field, as pinyin.
#[derive(Clone, Copy, Debug)]
struct Unit {
    /// Where its readings start in `readings`.
    first: u32,
    /// How many readings it has; none for a character without pinyin.
    count: u32,
    /// The first letters of its readings, as `spelling::letter_bit`s.
    initials: u64,
}

/// Every guide's name and aliases, ready to be searched; built once when
/// the catalogue is loaded.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// How many guides were indexed.
    guides: usize,
    /// Every name and alias.
    fields: Vec<Field>,
    /// The fields' normalised characters, end to end.
    chars: Vec<char>,
    /// The same characters as pinyin, one unit each.
    units: Vec<Unit>,
    /// Syllable ids, which units point into.
    readings: Vec<u32>,
    syllables: Syllables,
    /// Each character's places.
    by_char: Postings,
    /// Each pair of neighbouring characters' places (at the first).
    by_char_pair: Postings,
    /// Each syllable's places.
    by_syllable: Postings,
    /// Each pair of syllables read one after the other (at the first).
    by_syllables: Postings,
    /// Each three syllables read one after the other (at the first).
    by_syllables3: Postings,
    /// Two neighbouring units' first letters (at the first).
    by_initials: Postings,
}

impl SearchIndex {
    /// Indexes the names and aliases of `guides`; hits refer to guides by
    /// their position in this slice.
    pub fn new(guides: &[Guide]) -> SearchIndex {
        build::build(guides)
    }

    /// The guides matching `query`, best first, at most `limit` of them,
    /// each once. Case, spaces, apostrophes and punctuation in the query are
    /// ignored; a query with nothing else finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let mut q = Vec::new();
        spelling::normalize_into(query, &mut q);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut best = Best::new(limit);
        self.text_matches(&q, &mut best);
        if q.len() <= MAX_PINYIN && q.iter().all(char::is_ascii_alphanumeric) {
            let mut letters = [0u8; MAX_PINYIN];
            for (b, c) in letters.iter_mut().zip(&q) {
                *b = *c as u8;
            }
            let letters = &letters[..q.len()];
            if best.wants(Match::FullPinyin) {
                self.full_pinyin_matches(letters, &mut best);
            }
            if letters.len() >= 2 && best.wants(Match::Initials) {
                self.initials_matches(letters, &mut best);
            }
            if letters.len() >= MIN_FUZZY && best.wants(Match::Fuzzy) {
                self.fuzzy_matches(letters, &mut best);
            }
        }
        best.into_hits(self.guides)
    }

    fn field(&self, occ: Occ) -> Field {
        self.fields[occ.field as usize]
    }

    /// The query as characters: whole name or alias, start, or inside.
    fn text_matches(&self, q: &[char], best: &mut Best) {
        let len = q.len() as u32;
        // The rarest pair of neighbouring characters finds the few places
        // worth comparing in full; a single character is its own list.
        let (offset, places) = match q {
            [c] => (0, self.by_char.get(u64::from(*c))),
            _ => (0..q.len() - 1)
                .map(|i| (i as u32, self.by_char_pair.get(char_pair(q[i], q[i + 1]))))
                .min_by_key(|(_, places)| places.len())
                .unwrap_or_default(),
        };
        // Lists are in rank order for a query of their own length.
        let ranked = q.len() <= 2;
        for occ in places {
            let field = self.field(*occ);
            let Some(start) = occ.pos.checked_sub(offset) else {
                continue;
            };
            if start + len > field.len {
                continue;
            }
            let key = rank::key(text_tier(field, start, len), start, field.rank);
            if best.rejects(key) {
                if ranked {
                    break;
                }
                continue;
            }
            let from = (field.start + start) as usize;
            if self.chars[from..from + q.len()] == *q {
                best.offer(key);
            }
        }
    }
}

/// How `len` characters of `field` from `start` match a query that is
/// exactly those characters.
fn text_tier(field: Field, start: u32, len: u32) -> Match {
    match (start, field.len == len, field.alias) {
        (0, true, false) => Match::ExactName,
        (0, true, true) => Match::Alias,
        (0, false, _) => Match::Prefix,
        _ => Match::Substring,
    }
}

/// The key of two neighbouring characters.
fn char_pair(a: char, b: char) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// The key of two syllables read one after the other.
fn syllable_pair(a: u32, b: u32) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// The key of three syllables read one after the other; syllable ids stay
/// below 2^21 (there are about 1,500 syllables).
fn syllable_triple(a: u32, b: u32, c: u32) -> u64 {
    u64::from(a) << 42 | u64::from(b) << 21 | u64::from(c)
}

/// The key of two first letters.
fn letter_pair(a: u8, b: u8) -> u64 {
    u64::from(a) << 8 | u64::from(b)
}
