//! Table tests of guide search over the sample catalogue
//! (kiosk-config/services) and over small catalogues made to show ranking.

use std::sync::OnceLock;

use super::{Hit, Match, SearchIndex};
use crate::domain::guide::{Guide, ItemKind};
use crate::domain::ids::ServiceCode;

/// A guide with nothing but a name and aliases.
pub(super) fn guide(code: &str, name: &str, aliases: &[&str]) -> Guide {
    Guide {
        code: ServiceCode(code.to_owned()),
        name: name.to_owned(),
        department: String::new(),
        kind: ItemKind::Immediate,
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        legal_basis: Vec::new(),
        conditions: Vec::new(),
        materials: Vec::new(),
        steps: Vec::new(),
        statutory_days: 0,
        promised_days: 0,
        fees: String::new(),
        place: String::new(),
        hours: String::new(),
        phone: String::new(),
        visits: 0,
        online_depth: 4,
        notes: None,
        bundle: None,
    }
}

/// The sample catalogue, in file-name order as the hall loads it, indexed.
pub(super) fn sample() -> &'static (Vec<Guide>, SearchIndex) {
    static SAMPLE: OnceLock<(Vec<Guide>, SearchIndex)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct CatalogueFile {
            services: Vec<Guide>,
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/services");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        let guides: Vec<Guide> = files
            .iter()
            .flat_map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                toml::from_str::<CatalogueFile>(&text).unwrap().services
            })
            .collect();
        let index = SearchIndex::new(&guides);
        (guides, index)
    })
}

/// Names of the hits for `query` in the sample, best first.
fn names(query: &str, limit: usize) -> Vec<&'static str> {
    let (guides, index) = sample();
    index
        .search(query, limit)
        .iter()
        .map(|h| guides[h.guide].name.as_str())
        .collect()
}

/// How the sample guide called `name` matched `query`, if it was found.
fn matched(query: &str, name: &str) -> Option<Match> {
    let (guides, index) = sample();
    index
        .search(query, guides.len())
        .into_iter()
        .find(|h| guides[h.guide].name == name)
        .map(|h| h.matched)
}

const SETTING_UP: &str = "企业设立登记";
const LOST_LICENCE: &str = "营业执照遗失补领与换发";

#[test]
fn what_citizens_type_for_a_business_licence_finds_it_near_the_top() {
    for query in [
        "yyzz",
        "yingye",
        "营业",
        "办执照",
        "YYZZ",
        "Ying Ye",
        "ying'ye",
        "yingyezhizhao",
    ] {
        let top = names(query, 3);
        assert!(top.contains(&SETTING_UP), "{query}: {top:?}");
    }
    assert_eq!(matched("yyzz", SETTING_UP), Some(Match::Initials));
    assert_eq!(matched("yingye", SETTING_UP), Some(Match::FullPinyin));
    assert_eq!(matched("营业", SETTING_UP), Some(Match::Prefix));
    assert_eq!(names("办执照", 1), [SETTING_UP]);
    assert_eq!(matched("办执照", SETTING_UP), Some(Match::Alias));
}

#[test]
fn chinese_queries_of_one_and_two_characters() {
    // 营 starts one name, and aliases or words inside aliases of others.
    let found = names("营", 10);
    assert_eq!(found[0], LOST_LICENCE);
    assert!(found.contains(&SETTING_UP), "{found:?}");
    assert_eq!(matched("营", LOST_LICENCE), Some(Match::Prefix));
    assert_eq!(matched("营", SETTING_UP), Some(Match::Prefix));
    assert_eq!(matched("营", "企业变更登记"), Some(Match::Substring));
    // 执照 starts aliases of the lost-licence item, sits inside the name.
    assert_eq!(names("执照", 2), [LOST_LICENCE, SETTING_UP]);
    assert_eq!(matched("执照", LOST_LICENCE), Some(Match::Prefix));
    // 登记 is in many names: whole-word starts of names first.
    let found = names("登记", 57);
    assert!(found.len() >= 15, "{found:?}");
    let (guides, _) = sample();
    for name in &found {
        let g = guides.iter().find(|g| g.name == *name).unwrap();
        assert!(g.name.contains("登记") || g.aliases.iter().any(|a| a.contains("登记")));
    }
    assert_eq!(
        matched("登记", "社会保险登记（单位参保登记）"),
        Some(Match::Substring)
    );
    // No name starts with 登记; the alias 登记表备案 does.
    assert_eq!(found[0], "建设项目环境影响登记表备案");
}

#[test]
fn an_exact_name_comes_first_even_with_its_punctuation_left_out() {
    assert_eq!(names("企业设立登记", 1), [SETTING_UP]);
    assert_eq!(matched("企业设立登记", SETTING_UP), Some(Match::ExactName));
    let social = "社会保险登记（单位参保登记）";
    assert_eq!(names("社会保险登记单位参保登记", 1), [social]);
    assert_eq!(names(" 社会保险登记(单位参保登记) ", 1), [social]);
}

#[test]
fn polyphonic_characters_match_under_each_reading() {
    // 重 is zhong in 重大 and chong in 重新; 行 is hang in 银行, xing in 通行.
    let cases = [
        ("chongxin", "营业执照遗失补领与换发"),
        ("cxlzz", "营业执照遗失补领与换发"),
        ("chongxinbaopi", "建设项目环境影响评价文件重新报批"),
        ("zhongda", "建设项目环境影响报告书审批"),
        ("zdxmhp", "建设项目环境影响报告书审批"),
        ("yinhang", "股权出质登记"),
        ("yhdydj", "不动产抵押权登记"),
        ("yinhangjihuo", "社会保障卡申领（补换）"),
        ("tongxingzheng", "往来港澳通行证及签注签发"),
        ("txz", "往来港澳通行证及签注签发"),
    ];
    for (query, name) in cases {
        let found = names(query, 5);
        assert!(found.contains(&name), "{query}: {found:?}");
    }
}

#[test]
fn one_wrong_letter_in_pinyin_is_forgiven() {
    // Changed, changed, missing and extra letters.
    for query in ["yingyi", "yinhye", "yngye", "yinggye", "yingyex", "xyingye"] {
        let top = names(query, 3);
        assert!(top.contains(&SETTING_UP), "{query}: {top:?}");
        assert_eq!(matched(query, SETTING_UP), Some(Match::Fuzzy), "{query}");
    }
    // Too short to guess at.
    assert!(names("yiy", 10).iter().all(|n| *n != SETTING_UP));
}

#[test]
fn misses_and_blank_queries_find_nothing() {
    for query in [
        "火星移民",
        "qxqxqx",
        "zzzzzzzz",
        "",
        "   ",
        "'",
        "（）、",
        "营业执照x",
    ] {
        assert_eq!(names(query, 10), Vec::<&str>::new(), "{query}");
    }
    assert!(sample().1.search("yyzz", 0).is_empty());
}

#[test]
fn the_tiers_rank_in_order() {
    let guides = [
        guide("F", "按南", &[]),
        guide("I", "啊你啊你", &[]),
        guide("P", "安安", &[]),
        guide("S", "证anan", &[]),
        guide("R", "anan证", &[]),
        guide("A", "别名", &["anan"]),
        guide("E", "anan", &[]),
    ];
    let index = SearchIndex::new(&guides);
    let hits: Vec<(&str, Match)> = index
        .search("anan", 10)
        .iter()
        .map(|h| (guides[h.guide].code.0.as_str(), h.matched))
        .collect();
    assert_eq!(
        hits,
        [
            ("E", Match::ExactName),
            ("A", Match::Alias),
            ("R", Match::Prefix),
            ("S", Match::Substring),
            ("P", Match::FullPinyin),
            ("I", Match::Initials),
            ("F", Match::Fuzzy),
        ]
    );
}

#[test]
fn ties_go_to_a_start_then_a_name_then_the_earlier_place_then_the_shorter_name() {
    let guides = [
        guide("alias", "别的", &["执照补办"]),
        guide("late", "补领执照", &[]),
        guide("long", "执照补领换发", &[]),
        guide("short", "执照补领", &[]),
        guide("twin", "执照换领", &[]),
    ];
    let index = SearchIndex::new(&guides);
    let order = |q: &str| -> Vec<&str> {
        index
            .search(q, 10)
            .iter()
            .map(|h: &Hit| guides[h.guide].code.0.as_str())
            .collect()
    };
    assert_eq!(order("执照"), ["short", "twin", "long", "alias", "late"]);
    assert_eq!(order("zhizhao"), ["short", "twin", "long", "alias", "late"]);
}

#[test]
fn a_limit_keeps_the_best() {
    // Every tier stops early once it has enough; the best must stay the best.
    for query in [
        "登记",
        "证",
        "登记证",
        "y",
        "dj",
        "yyzz",
        "zheng",
        "dengji",
        "yingyi",
        "bban",
    ] {
        let all = names(query, 100);
        for limit in [1, 3, 10, 64, 65] {
            let some = names(query, limit);
            assert_eq!(
                some[..],
                all[..limit.min(all.len())],
                "{query}, limit {limit}"
            );
        }
    }
}
