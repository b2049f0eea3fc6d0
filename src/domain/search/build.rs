//! Building the index: every name and alias normalised, spelt in pinyin
//! under every reading, and filed under the keys a query looks up.

use std::collections::HashMap;

use super::postings::{Occ, Postings};
use super::rank;
use super::spelling::{self, letter_bit, letters};
use super::syllables::Syllables;
use super::{
    Field, Match, SearchIndex, Unit, char_pair, letter_pair, syllable_pair, syllable_triple,
    text_tier,
};
use crate::domain::guide::Guide;

/// The index as it fills up.
#[derive(Default)]
struct Builder {
    index: SearchIndex,
    /// Syllable ids by spelling.
    syllable_ids: HashMap<String, u32>,
    spellings: Vec<String>,
    /// Each character seen so far, as a unit.
    units_by_char: HashMap<char, Unit>,
}

pub(super) fn build(guides: &[Guide]) -> SearchIndex {
    let mut b = Builder::default();
    let mut chars = Vec::new();
    for (g, guide) in guides.iter().enumerate() {
        let g = u32::try_from(g).expect("fewer than 4 billion guides");
        chars.clear();
        spelling::normalize_into(&guide.name, &mut chars);
        let name_len = u8::try_from(chars.len()).unwrap_or(u8::MAX);
        b.add_field(false, rank::field_key(false, name_len, g), &chars);
        for alias in &guide.aliases {
            chars.clear();
            spelling::normalize_into(alias, &mut chars);
            b.add_field(true, rank::field_key(true, name_len, g), &chars);
        }
    }
    b.index.guides = guides.len();
    b.finish()
}

impl Builder {
    /// Adds a name or an alias, with its part of a rank (`rank::field_key`).
    fn add_field(&mut self, alias: bool, rank: u64, chars: &[char]) {
        if chars.is_empty() {
            return;
        }
        let start = u32::try_from(self.index.chars.len()).expect("fewer than 4 billion characters");
        for c in chars {
            let unit = self.unit(*c);
            self.index.units.push(unit);
        }
        self.index.chars.extend_from_slice(chars);
        self.index.fields.push(Field {
            alias,
            rank,
            start,
            len: chars.len() as u32,
        });
    }

    fn unit(&mut self, c: char) -> Unit {
        if let Some(unit) = self.units_by_char.get(&c) {
            return *unit;
        }
        let readings = spelling::readings(c);
        let unit = Unit {
            first: self.index.readings.len() as u32,
            count: readings.len() as u32,
            initials: readings
                .iter()
                .fold(0, |set, r| set | letter_bit(r.as_bytes()[0])),
        };
        for reading in readings {
            let id = self.syllable(reading);
            self.index.readings.push(id);
        }
        self.units_by_char.insert(c, unit);
        unit
    }

    fn syllable(&mut self, spelling: String) -> u32 {
        if let Some(id) = self.syllable_ids.get(&spelling) {
            return *id;
        }
        let id = u32::try_from(self.spellings.len())
            .ok()
            .filter(|id| *id < 1 << 21)
            .expect("fewer than 2 million syllables");
        self.spellings.push(spelling.clone());
        self.syllable_ids.insert(spelling, id);
        id
    }

    /// Files every place under the keys a query looks up, each list in the
    /// order its places would rank.
    fn finish(mut self) -> SearchIndex {
        let mut lists = Lists::default();
        for (f, field) in self.index.fields.iter().enumerate() {
            lists.file_field(&self.index, f, *field);
        }
        self.index.syllables = Syllables::new(&self.spellings);
        self.index.by_char = Postings::build(lists.by_char);
        self.index.by_char_pair = Postings::build(lists.by_char_pair);
        self.index.by_syllable = Postings::build(lists.by_syllable);
        self.index.by_syllables = Postings::build(lists.by_syllables);
        self.index.by_syllables3 = Postings::build(lists.by_syllables3);
        self.index.by_initials = Postings::build(lists.by_initials);
        self.index
    }
}

/// The entries of each list a query looks up, as filed: key, rank, place.
#[derive(Default)]
struct Lists {
    by_char: Vec<(u64, u64, Occ)>,
    by_char_pair: Vec<(u64, u64, Occ)>,
    by_syllable: Vec<(u64, u64, Occ)>,
    by_syllables: Vec<(u64, u64, Occ)>,
    by_syllables3: Vec<(u64, u64, Occ)>,
    by_initials: Vec<(u64, u64, Occ)>,
}

impl Lists {
    /// Files every place of one name or alias (field `f` of the index).
    fn file_field(&mut self, index: &SearchIndex, f: usize, field: Field) {
        let range = field.start as usize..(field.start + field.len) as usize;
        let chars = &index.chars[range.clone()];
        let units = &index.units[range];
        for (p, (c, unit)) in chars.iter().zip(units).enumerate() {
            let occ = Occ {
                field: f as u32,
                pos: p as u32,
            };
            // Ranked as a match of a query exactly as long as the key.
            let text_rank = |len| rank::key(text_tier(field, occ.pos, len), occ.pos, field.rank);
            // Every place in a pinyin list would match in the same tier,
            // so any one tier ranks them alike.
            let pinyin = rank::key(Match::FullPinyin, occ.pos, field.rank);
            self.by_char.push((u64::from(*c), text_rank(1), occ));
            if let Some(n) = chars.get(p + 1) {
                self.by_char_pair
                    .push((char_pair(*c, *n), text_rank(2), occ));
            }
            let next = units.get(p + 1);
            for first in letters(unit.initials) {
                for second in letters(next.map_or(0, |n| n.initials)) {
                    self.by_initials
                        .push((letter_pair(first, second), pinyin, occ));
                }
            }
            let readings = |at: usize| units.get(at).map_or(&[][..], |u| index.unit_readings(u));
            for a in readings(p) {
                self.by_syllable.push((u64::from(*a), pinyin, occ));
                for b in readings(p + 1) {
                    self.by_syllables.push((syllable_pair(*a, *b), pinyin, occ));
                    for c in readings(p + 2) {
                        self.by_syllables3
                            .push((syllable_triple(*a, *b, *c), pinyin, occ));
                    }
                }
            }
        }
    }
}

impl SearchIndex {
    /// The syllable ids a unit can be read as.
    pub(super) fn unit_readings(&self, unit: &Unit) -> &[u32] {
        &self.readings[unit.first as usize..(unit.first + unit.count) as usize]
    }
}
