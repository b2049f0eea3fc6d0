//! Property tests: every guide, of the sample catalogue and of random ones
//! made from the hall's words, is found by its exact name (first), by its
//! full initials, and by its full pinyin with one letter wrong.

use std::collections::HashSet;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::spelling::{normalize_into, readings};
use super::tests::{guide, sample};
use super::{Match, SearchIndex};
use crate::domain::guide::Guide;

/// Words of the sample catalogue, with polyphonic characters (重, 行, 长,
/// 还, 乐), ASCII, a digit and punctuation among them.
const WORDS: &[&str] = &[
    "企业",
    "设立",
    "登记",
    "营业",
    "执照",
    "银行",
    "重新",
    "行政",
    "许可",
    "证",
    "变更",
    "注销",
    "申领",
    "补领",
    "项目",
    "备案",
    "核准",
    "重大",
    "通行",
    "社保卡",
    "长期",
    "还款",
    "音乐",
    "KTV",
    "2",
    "（外资）",
    "、",
    "绿色",
    "女",
];

fn words(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    vec(select(WORDS), range).prop_map(|w| w.concat())
}

/// Up to 40 guides with names different however they are punctuated.
fn catalogue() -> impl Strategy<Value = Vec<Guide>> {
    vec((words(1..5), vec(words(1..3), 0..3)), 1..40).prop_map(|entries| {
        let mut seen = HashSet::new();
        entries
            .into_iter()
            .filter(|(name, _)| {
                let key = normalized(name);
                !key.is_empty() && seen.insert(key)
            })
            .enumerate()
            .map(|(i, (name, aliases))| {
                let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
                guide(&format!("G-{i}"), &name, &aliases)
            })
            .collect()
    })
}

fn normalized(s: &str) -> String {
    let mut chars = Vec::new();
    normalize_into(s, &mut chars);
    chars.into_iter().collect()
}

/// The name in pinyin, each character under its common reading.
fn full_pinyin(name: &str) -> String {
    normalized(name)
        .chars()
        .filter_map(|c| readings(c).into_iter().next())
        .collect()
}

fn initials(name: &str) -> String {
    normalized(name)
        .chars()
        .filter_map(|c| readings(c).into_iter().next())
        .map(|r| r[..1].to_owned())
        .collect()
}

/// `s` with one letter changed, dropped or added, chosen by `pick`.
fn slip(s: &str, pick: (usize, usize, u8)) -> String {
    let mut letters = s.as_bytes().to_vec();
    let at = pick.1 % (letters.len() + 1);
    let letter = b'a' + pick.2 % 26;
    match pick.0 % 3 {
        0 if at < letters.len() => letters[at] = letter,
        1 if at < letters.len() => {
            letters.remove(at);
        }
        _ => letters.insert(at, letter),
    }
    String::from_utf8(letters).unwrap()
}

/// Checks that each of `guides` is found by its name, its initials and a
/// slip of its pinyin.
fn found_every_way(guides: &[Guide], slips: &[(usize, usize, u8)]) -> Result<(), TestCaseError> {
    let index = SearchIndex::new(guides);
    let all = guides.len();
    for (i, g) in guides.iter().enumerate() {
        let first = index.search(&g.name, 1);
        prop_assert_eq!(first.len(), 1, "{} finds nothing", g.name);
        prop_assert_eq!(first[0].guide, i, "{} finds another guide", g.name);
        prop_assert_eq!(first[0].matched, Match::ExactName);

        let abbreviated = initials(&g.name);
        let hits = index.search(&abbreviated, all);
        prop_assert!(
            hits.iter().any(|h| h.guide == i),
            "{} not found by {}",
            g.name,
            abbreviated
        );

        let typo = slip(&full_pinyin(&g.name), slips[i % slips.len()]);
        if typo.len() >= super::MIN_FUZZY {
            let hits = index.search(&typo, all);
            prop_assert!(
                hits.iter().any(|h| h.guide == i),
                "{} not found by {}",
                g.name,
                typo
            );
        }
    }
    Ok(())
}

#[test]
fn every_sample_guide_is_found_by_name_initials_and_a_slip() {
    let (guides, _) = sample();
    let slips: Vec<_> = (0..7).map(|i| (i, i * 5 + 3, (i * 7) as u8)).collect();
    found_every_way(guides, &slips).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_guide_is_found_by_name_initials_and_a_slip(
        guides in catalogue(),
        slips in vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..8),
    ) {
        found_every_way(&guides, &slips)?;
    }

    #[test]
    fn a_few_best_are_the_first_of_all(
        guides in catalogue(),
        query in prop_oneof![
            words(1..3),
            words(1..3).prop_map(|w| full_pinyin(&w)),
            words(1..3).prop_map(|w| initials(&w)),
            (words(1..3), (any::<usize>(), any::<usize>(), any::<u8>()))
                .prop_map(|(w, pick)| slip(&full_pinyin(&w), pick)),
        ],
        limit in 1usize..8,
    ) {
        let index = SearchIndex::new(&guides);
        let all = index.search(&query, 1000);
        let few = index.search(&query, limit);
        prop_assert_eq!(&few[..], &all[..limit.min(all.len())]);
    }

    #[test]
    fn hits_are_few_distinct_and_ranked(
        query in prop_oneof![
            any::<String>(),
            "[a-z' ]{0,12}",
            words(1..3),
            words(1..3).prop_map(|w| full_pinyin(&w)),
        ],
        limit in 0usize..80,
    ) {
        let (guides, index) = sample();
        let hits = index.search(&query, limit);
        prop_assert!(hits.len() <= limit);
        let distinct: HashSet<usize> = hits.iter().map(|h| h.guide).collect();
        prop_assert_eq!(distinct.len(), hits.len());
        prop_assert!(hits.iter().all(|h| h.guide < guides.len()));
        prop_assert!(hits.windows(2).all(|w| w[0].matched <= w[1].matched));
    }
}
