//! Ranking: each match as one number, lower is better, and the best few
//! guides kept while matches stream in.

use super::{Hit, Match};

/// A match packed so that comparing two numbers compares the matches: the
/// tier, then a match at the start of a name or alias before one inside it
/// (for pinyin as for characters), then a name before an alias, then the
/// earlier position, then the shorter name, then catalogue order. The guide
/// is the low 32 bits, so two keys are never equal unless they are the same
/// guide matched alike. `field` is the field's part, from [`field_key`].
pub(super) fn key(matched: Match, pos: u32, field: u64) -> u64 {
    (matched as u64) << 60 | u64::from(pos > 0) << 57 | u64::from(pos.min(255)) << 48 | field
}

/// The part of a key that depends only on the name or alias matched.
pub(super) fn field_key(alias: bool, name_len: u8, guide: u32) -> u64 {
    u64::from(alias) << 56 | u64::from(name_len) << 40 | u64::from(guide)
}

/// The lowest key of a tier: any key of the tier or a worse one is at least this.
fn tier_floor(matched: Match) -> u64 {
    (matched as u64) << 60
}

fn guide_of(key: u64) -> u32 {
    key as u32
}

fn hit(key: u64) -> Hit {
    Hit {
        guide: guide_of(key) as usize,
        matched: Match::from_tier(key >> 60),
    }
}

/// Above this many hits wanted, keys are collected and sorted at the end
/// rather than kept in a small unsorted buffer.
const SMALL: usize = 64;

/// The best `limit` guides seen so far, each once with its best match.
pub(super) struct Best {
    limit: usize,
    /// Best key per guide: the `limit` best so far when `limit` is small,
    /// every key offered otherwise.
    keys: Vec<u64>,
    /// The largest of `keys` once the buffer is full.
    worst: u64,
}

impl Best {
    pub fn new(limit: usize) -> Self {
        Best {
            limit,
            keys: Vec::with_capacity(limit.min(SMALL)),
            worst: u64::MAX,
        }
    }

    fn full(&self) -> bool {
        self.limit <= SMALL && self.keys.len() == self.limit
    }

    /// Whether a match of tier `matched` could still make the list: false
    /// once it is full of better ones, so whole tiers can be skipped.
    pub fn wants(&self, matched: Match) -> bool {
        !self.full() || self.worst > tier_floor(matched)
    }

    /// Whether a match with `key` would be turned away: the list is full of
    /// better ones. A list of places in key order can stop there.
    pub fn rejects(&self, key: u64) -> bool {
        self.full() && key >= self.worst
    }

    pub fn offer(&mut self, key: u64) {
        if self.limit > SMALL {
            self.keys.push(key);
            return;
        }
        if self.rejects(key) {
            return;
        }
        let guide = guide_of(key);
        if let Some(i) = self.keys.iter().position(|k| guide_of(*k) == guide) {
            if key >= self.keys[i] {
                return;
            }
            self.keys[i] = key;
        } else if self.keys.len() < self.limit {
            self.keys.push(key);
        } else if let Some(worst) = self.keys.iter_mut().max() {
            *worst = key;
        }
        if self.full() {
            self.worst = self.keys.iter().copied().max().unwrap_or(u64::MAX);
        }
    }

    /// The hits, best first.
    pub fn into_hits(mut self, guides: usize) -> Vec<Hit> {
        self.keys.sort_unstable();
        if self.limit <= SMALL {
            return self.keys.into_iter().map(hit).collect();
        }
        let mut seen = vec![0u64; guides.div_ceil(64)];
        let mut hits = Vec::new();
        for key in self.keys {
            let g = guide_of(key) as usize;
            let (word, bit) = (g / 64, 1u64 << (g % 64));
            if seen[word] & bit == 0 {
                seen[word] |= bit;
                hits.push(hit(key));
                if hits.len() == self.limit {
                    break;
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guides(best: Best, n: usize) -> Vec<(usize, Match)> {
        best.into_hits(n)
            .into_iter()
            .map(|h| (h.guide, h.matched))
            .collect()
    }

    #[test]
    fn keys_order_tier_field_position_length_then_catalogue() {
        let k = |m, alias, pos, len, g| key(m, pos, field_key(alias, len, g));
        assert!(k(Match::ExactName, false, 0, 9, 9) < k(Match::Alias, false, 0, 1, 0));
        assert!(k(Match::Prefix, false, 0, 9, 9) < k(Match::Prefix, true, 0, 1, 0));
        assert!(k(Match::Substring, true, 1, 9, 9) < k(Match::Substring, true, 2, 1, 0));
        assert!(k(Match::FullPinyin, true, 0, 9, 9) < k(Match::FullPinyin, false, 1, 1, 0));
        assert!(k(Match::Initials, false, 0, 4, 9) < k(Match::Initials, false, 0, 5, 0));
        assert!(k(Match::Fuzzy, false, 0, 4, 1) < k(Match::Fuzzy, false, 0, 4, 2));
        assert!(k(Match::FullPinyin, true, 300, 255, 0) < k(Match::Initials, false, 0, 0, 0));
    }

    #[test]
    fn each_guide_once_with_its_best_match() {
        for limit in [2, 100] {
            let mut best = Best::new(limit);
            best.offer(key(Match::Substring, 3, field_key(false, 5, 1)));
            best.offer(key(Match::Fuzzy, 0, field_key(false, 5, 2)));
            best.offer(key(Match::Prefix, 0, field_key(true, 5, 1)));
            best.offer(key(Match::Initials, 0, field_key(false, 5, 3)));
            best.offer(key(Match::Substring, 0, field_key(false, 5, 3)));
            let expected = vec![(1, Match::Prefix), (3, Match::Substring)];
            if limit == 2 {
                assert_eq!(guides(best, 4), expected);
            } else {
                assert_eq!(guides(best, 4)[..2], expected);
            }
        }
    }

    #[test]
    fn a_full_list_skips_worse_tiers() {
        let mut best = Best::new(1);
        assert!(best.wants(Match::Fuzzy));
        best.offer(key(Match::Initials, 0, field_key(false, 5, 1)));
        assert!(best.rejects(key(Match::Initials, 0, field_key(false, 5, 2))));
        assert!(best.wants(Match::Initials));
        assert!(!best.wants(Match::Fuzzy));
    }
}
