//! Benchmarks run from the command line: `yimen bench search` times guide
//! search on a large catalogue made from the sample's words; `yimen bench ws`
//! ([`ws`]) times calls reaching many display walls' event streams; `yimen
//! bench phones` ([`phones`]) times calls reaching many citizens' phones
//! following their tickets, and a sample of ticket pages in a headless
//! Chromium ([`chromium`]); `yimen bench logins` ([`logins`]) floods the
//! login route while kiosks work.
//!
//! The catalogue and the queries come from a fixed seed, so two runs on one
//! machine search the same things.

pub mod chromium;
pub mod logins;
pub mod phones;
pub mod ws;

use std::fmt;
use std::time::{Duration, Instant};

use pinyin::ToPinyin;
use serde::Serialize;

use crate::domain::guide::{Guide, ItemKind};
use crate::domain::ids::ServiceCode;
use crate::domain::search::SearchIndex;

/// What to time.
#[derive(Clone, Debug)]
pub struct SearchPlan {
    /// Guides in the generated catalogue.
    pub items: usize,
    /// Different queries, spread over the kinds in [`QUERY_KINDS`].
    pub queries: usize,
    /// Timed runs of each query, after one untimed run.
    pub rounds: usize,
    /// Hits asked for, as the hub asks.
    pub limit: usize,
    pub seed: u64,
}

impl Default for SearchPlan {
    fn default() -> Self {
        SearchPlan {
            items: 10_000,
            queries: 1_600,
            rounds: 10,
            limit: 20,
            seed: 0x5EA2_C41D,
        }
    }
}

/// The kinds of query timed, as a citizen or clerk would type them.
pub const QUERY_KINDS: [&str; 8] = [
    "chinese 1-2",
    "chinese 3-6",
    "initials",
    "full pinyin",
    "one letter off",
    "alias",
    "miss",
    "as typed",
];

/// Latency of single searches, in microseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub searches: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    /// Hits per search, on average.
    pub mean_hits: f64,
}

/// Latency of one kind of query.
#[derive(Clone, Debug, Serialize)]
pub struct KindLatency {
    pub kind: &'static str,
    #[serde(flatten)]
    pub latency: Latency,
}

/// What `yimen bench search` found.
#[derive(Clone, Debug, Serialize)]
pub struct SearchReport {
    pub items: usize,
    pub queries: usize,
    /// Building the index for the whole catalogue, in milliseconds.
    pub build_ms: f64,
    /// Every search together.
    pub all: Latency,
    pub kinds: Vec<KindLatency>,
    /// The queries slowest in their median round, slowest first.
    pub slowest: Vec<SlowQuery>,
}

/// A query worth a look.
#[derive(Clone, Debug, Serialize)]
pub struct SlowQuery {
    pub kind: &'static str,
    pub query: String,
    /// Its median round, in microseconds.
    pub median_us: f64,
}

/// How many of the slowest queries a report lists.
const SLOWEST: usize = 8;

/// Builds a catalogue of `plan.items` guides from the words of `sample`,
/// indexes it, and times a mix of queries against it.
pub fn search(sample: &[Guide], plan: &SearchPlan) -> SearchReport {
    let mut rng = Rng::new(plan.seed);
    let guides = catalogue(sample, plan.items, &mut rng);
    let started = Instant::now();
    let index = SearchIndex::new(&guides);
    let build = started.elapsed();
    let queries = queries(&guides, plan.queries, &mut rng);

    let mut by_kind: Vec<(Vec<Duration>, usize)> = vec![(Vec::new(), 0); QUERY_KINDS.len()];
    let mut medians = Vec::with_capacity(queries.len());
    for (kind, query) in &queries {
        std::hint::black_box(index.search(query, plan.limit));
        let (times, hits) = &mut by_kind[*kind];
        let from = times.len();
        for _ in 0..plan.rounds {
            let started = Instant::now();
            let found = std::hint::black_box(index.search(std::hint::black_box(query), plan.limit));
            times.push(started.elapsed());
            *hits += found.len();
        }
        let mut own = times[from..].to_vec();
        own.sort_unstable();
        medians.push((
            own.get(own.len() / 2).copied().unwrap_or_default(),
            *kind,
            query,
        ));
    }
    medians.sort_unstable_by_key(|m| std::cmp::Reverse(m.0));
    let slowest = medians
        .iter()
        .take(SLOWEST)
        .map(|(median, kind, query)| SlowQuery {
            kind: QUERY_KINDS[*kind],
            query: (*query).clone(),
            median_us: median.as_secs_f64() * 1e6,
        })
        .collect();
    let mut all: Vec<Duration> = by_kind
        .iter()
        .flat_map(|(t, _)| t.iter().copied())
        .collect();
    let all_hits = by_kind.iter().map(|(_, h)| h).sum();
    SearchReport {
        items: guides.len(),
        queries: queries.len(),
        build_ms: build.as_secs_f64() * 1e3,
        all: latency(&mut all, all_hits),
        kinds: QUERY_KINDS
            .iter()
            .zip(&mut by_kind)
            .map(|(kind, (times, hits))| KindLatency {
                kind,
                latency: latency(times, *hits),
            })
            .collect(),
        slowest,
    }
}

fn latency(times: &mut [Duration], hits: usize) -> Latency {
    times.sort_unstable();
    let us = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1e6);
    let at = |q: f64| us(times.get(((times.len() as f64 * q).ceil() as usize).saturating_sub(1)));
    Latency {
        searches: times.len(),
        p50_us: at(0.50),
        p99_us: at(0.99),
        max_us: us(times.last()),
        mean_hits: hits as f64 / times.len().max(1) as f64,
    }
}

impl fmt::Display for SearchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} guides indexed in {:.1} ms; {} queries, {} searches",
            self.items, self.build_ms, self.queries, self.all.searches
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, l: &Latency| {
            writeln!(
                f,
                "{name:<16} p50 {:>7.1} µs   p99 {:>7.1} µs   max {:>7.1} µs   {:>5.1} hits",
                l.p50_us, l.p99_us, l.max_us, l.mean_hits
            )
        };
        for k in &self.kinds {
            row(f, k.kind, &k.latency)?;
        }
        row(f, "all", &self.all)?;
        write!(
            f,
            "slowest (median of {} rounds):",
            self.all.searches / self.queries.max(1)
        )?;
        for s in &self.slowest {
            write!(f, "  {} “{}” {:.0} µs;", s.kind, s.query, s.median_us)?;
        }
        writeln!(f)
    }
}

/// xorshift64*: enough randomness for made-up names, with no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`; 0 when `n` is 0.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A run of `len` (or fewer) characters from somewhere in `s`.
    fn slice(&mut self, s: &[char], len: usize) -> String {
        let len = len.min(s.len());
        let from = self.below(s.len() - len + 1);
        s[from..from + len].iter().collect()
    }
}

const PLACES: &[&str] = &[
    "高新区",
    "经开区",
    "城东",
    "城西",
    "南湖",
    "北山",
    "滨江",
    "临港",
    "老城区",
    "新城",
];
const QUALIFIERS: &[&str] = &[
    "外资",
    "内资",
    "分支机构",
    "告知承诺制",
    "容缺受理",
    "跨省通办",
    "个人",
    "单位",
    "首次",
    "变更",
    "延续",
];
const ACTIONS: &[&str] = &[
    "申请", "变更", "注销", "延续", "补办", "核发", "备案", "审批", "登记", "查询", "换发",
];
const MISSES: &[&str] = &[
    "天气预报",
    "火星",
    "足球比赛",
    "电影票",
    "外卖",
    "彩票中奖",
    "猫粮",
    "演唱会",
];

/// `items` guides whose names and aliases mix the sample's with places,
/// qualifiers, actions and numbers, every name different.
fn catalogue(sample: &[Guide], items: usize, rng: &mut Rng) -> Vec<Guide> {
    let names: Vec<Vec<char>> = sample.iter().map(|g| g.name.chars().collect()).collect();
    let mut aliases: Vec<&str> = sample
        .iter()
        .flat_map(|g| g.aliases.iter().map(String::as_str))
        .collect();
    if aliases.is_empty() {
        aliases = sample.iter().map(|g| g.name.as_str()).collect();
    }
    let mut seen = std::collections::HashSet::new();
    let mut guides = Vec::with_capacity(items);
    while guides.len() < items && !names.is_empty() {
        let base = rng.below(sample.len());
        let name: String = match rng.below(5) {
            0 => format!("{}{}", rng.pick(PLACES), sample[base].name),
            1 => format!("{}（{}）", sample[base].name, rng.pick(QUALIFIERS)),
            2 => {
                let (a, b) = (&names[base], rng.pick(&names));
                let cut_a = 1 + rng.below(a.len().saturating_sub(1));
                let cut_b = 1 + rng.below(b.len().saturating_sub(1));
                a[..cut_a].iter().chain(&b[cut_b..]).collect()
            }
            3 => format!("{}{}", rng.pick(&aliases), rng.pick(ACTIONS)),
            _ => format!(
                "{}{}（第{}类）",
                rng.pick(PLACES),
                sample[base].name,
                1 + rng.below(99)
            ),
        };
        let key: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
        if !seen.insert(key) {
            // Taken: this name once more, numbered, unless that is taken too.
            let name = format!("{name}（{}）", guides.len());
            if seen.insert(name.chars().filter(|c| c.is_alphanumeric()).collect()) {
                guides.push(made_up(guides.len(), name, Vec::new()));
            }
            continue;
        }
        let mut own: Vec<String> = sample[base].aliases.clone();
        own.truncate(rng.below(own.len() + 1));
        for _ in 0..rng.below(3) {
            own.push(format!("{}{}", rng.pick(PLACES), rng.pick(&aliases)));
        }
        guides.push(made_up(guides.len(), name, own));
    }
    guides
}

fn made_up(i: usize, name: String, aliases: Vec<String>) -> Guide {
    Guide {
        code: ServiceCode(format!("GEN-{i:05}")),
        name,
        department: "gen".into(),
        kind: ItemKind::Immediate,
        aliases,
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
        visits: 1,
        online_depth: 4,
        notes: None,
        bundle: None,
    }
}

/// `count` queries, as many of each kind, each with its kind's index.
fn queries(guides: &[Guide], count: usize, rng: &mut Rng) -> Vec<(usize, String)> {
    (0..count)
        .map(|i| {
            let kind = i % QUERY_KINDS.len();
            let g = rng.pick(guides);
            let name: Vec<char> = g.name.chars().filter(|c| c.is_alphanumeric()).collect();
            // A run of `min` to `min + spread - 1` characters of the name.
            let part = |rng: &mut Rng, min: usize, spread: usize| {
                let len = min + rng.below(spread);
                rng.slice(&name, len)
            };
            let query = match kind {
                0 => part(rng, 1, 2),
                1 => part(rng, 3, 4),
                2 => initials(&part(rng, 2, 5)),
                3 => spelt(&part(rng, 2, 3)),
                4 => {
                    let spelling = spelt(&part(rng, 2, 3));
                    slip(&spelling, rng)
                }
                5 => g.aliases.first().cloned().unwrap_or_else(|| g.name.clone()),
                6 if rng.below(2) == 0 => (*rng.pick(MISSES)).to_owned(),
                6 => (0..5 + rng.below(6))
                    .map(|_| char::from(b'a' + rng.below(26) as u8))
                    .collect(),
                // What the kiosk sends while the name is typed in pinyin,
                // from its first letter on.
                _ => {
                    let mut spelling = spelt(&part(rng, 2, 5));
                    spelling.truncate(1 + rng.below(spelling.len()));
                    spelling
                }
            };
            (kind, query)
        })
        .collect()
}

/// Pinyin of `s`, each character under its common reading.
fn spelt(s: &str) -> String {
    s.to_pinyin()
        .flatten()
        .map(|p| p.plain().replace('ü', "v"))
        .collect()
}

fn initials(s: &str) -> String {
    s.to_pinyin().flatten().map(|p| p.first_letter()).collect()
}

/// `s` with one letter changed, dropped or added.
fn slip(s: &str, rng: &mut Rng) -> String {
    let mut letters = s.as_bytes().to_vec();
    let at = rng.below(letters.len());
    let letter = b'a' + rng.below(26) as u8;
    match rng.below(3) {
        0 if at < letters.len() => letters[at] = letter,
        1 if letters.len() > 4 => {
            letters.remove(at);
        }
        _ => letters.insert(at, letter),
    }
    String::from_utf8(letters).unwrap_or_default()
}
