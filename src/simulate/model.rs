//! The citizens of a simulated day, drawn up front from a seeded generator:
//! when each comes, for what, whether they answer the call, how long they
//! take at the counter and what becomes of their case. Pure: no clock, no
//! hub, no I/O; times are seconds after the day's local midnight. The
//! 一件事 cases' way through their departments over the following working
//! days is drawn in `bundles`.

pub mod appointments;
pub mod bundles;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::domain::guide::{Guide, ItemKind};
use crate::domain::ids::{QueuePrefix, ServiceCode};
use crate::domain::setup::{HallSetup, QueueKind};

/// Seconds after local midnight.
pub type Secs = i64;

const HOUR: Secs = 3600;
const MINUTE: Secs = 60;

/// The hall's opening hours: 9:00–12:00 and 13:30–17:00.
pub const SESSIONS: [(Secs, Secs); 2] =
    [(9 * HOUR, 12 * HOUR), (13 * HOUR + 30 * MINUTE, 17 * HOUR)];

/// Arrivals per hour across the hall at rate 1: a morning peak from ten
/// above what the counters can take, a quieter afternoon in which the
/// lines drain. About 270 a day.
const ARRIVALS_PER_HOUR: [(Secs, Secs, f64); 7] = [
    (9 * HOUR, 10 * HOUR, 50.0),
    (10 * HOUR, 11 * HOUR, 75.0),
    (11 * HOUR, 12 * HOUR, 50.0),
    (13 * HOUR + 30 * MINUTE, 14 * HOUR, 24.0),
    (14 * HOUR, 15 * HOUR, 36.0),
    (15 * HOUR, 16 * HOUR, 32.0),
    (16 * HOUR, 17 * HOUR, 18.0),
];

/// Green-channel tickets: elderly, disabled, pregnant, military.
const PRIORITY_SHARE: f64 = 0.08;
/// Citizens who have left by the time they are called.
const ABSENT_SHARE: f64 = 0.05;
/// Spread of a service's length around its queue's mean (coefficient of variation).
const SERVICE_CV: f64 = 0.5;
/// From the call to the counter, in seconds.
const WALK: (f64, f64) = (20.0, 90.0);
/// Visits that end in a case; the rest are enquiries answered at the counter.
const CASE_SHARE: f64 = 0.8;
/// Cases sent home with a one-time notice of missing materials, and refused.
const NOTICE_SHARE: f64 = 0.10;
const REFUSE_SHARE: f64 = 0.02;
/// Mean back-office minutes per case: an immediate item is checked and
/// signed; a promised one is read.
const REVIEW_MINUTES: (f64, f64) = (5.0, 15.0);
const APPROVE_SHARE: f64 = 0.92;
/// Approved results mailed rather than collected.
const MAIL_SHARE: f64 = 0.25;
/// Mean minutes from a result's approval to its owner at the kiosk.
const RETURN_MINUTES: f64 = 30.0;
/// Citizens who rate their service on the counter's keypad.
const RATE_SHARE: f64 = 0.6;

/// A seeded generator with the draws the model needs. ChaCha8 keeps the
/// same stream for the same seed on every platform and version.
pub struct Draw(ChaCha8Rng);

impl Draw {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Another stream of the same seed, independent of the first.
    pub fn stream(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Self(rng)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }

    /// Log-normal with the given mean and coefficient of variation: never
    /// negative, with the long right tail service times have.
    pub fn lognormal(&mut self, mean: f64, cv: f64) -> f64 {
        let sigma2 = (1.0 + cv * cv).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        // Box–Muller.
        let (u1, u2) = (1.0 - self.uniform(), self.uniform());
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        (mu + sigma2.sqrt() * z).exp()
    }

    /// An index into `weights`, each chosen in proportion to its weight.
    pub fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut left = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if left < *w {
                return i;
            }
            left -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Arrival times of a Poisson process whose rate per hour is piecewise
/// constant, `scale` times `ARRIVALS_PER_HOUR`.
pub fn arrivals(draw: &mut Draw, scale: f64) -> Vec<Secs> {
    let mut times = Vec::new();
    for (from, to, per_hour) in ARRIVALS_PER_HOUR {
        let rate = per_hour * scale;
        if rate <= 0.0 {
            continue;
        }
        // Memoryless: starting afresh at each boundary changes nothing.
        let mut t = from as f64;
        loop {
            t += draw.exponential(HOUR as f64 / rate);
            if t >= to as f64 {
                break;
            }
            times.push(t as Secs);
        }
    }
    times
}

/// One queue citizens come for, with the share of the day's visitors it draws.
#[derive(Clone, Debug)]
pub struct Demand {
    pub queue: QueuePrefix,
    /// Relative share of arrivals.
    pub weight: f64,
    /// Mean seconds at the counter, walking up included.
    pub service_secs: f64,
    pub services: Vec<Offered>,
}

/// A service item a queue offers.
#[derive(Clone, Debug)]
pub struct Offered {
    pub code: ServiceCode,
    /// 即办件: decided while the citizen waits.
    pub immediate: bool,
    /// A 一件事, reviewed by several departments.
    pub bundle: bool,
}

impl Demand {
    /// The service a visitor comes for, from their draw `u` in [0, 1): a
    /// 一件事 with chance `bundle_share` where the queue offers one, each
    /// as likely; otherwise any other of the queue's, each as likely.
    pub fn service_at(&self, u: f64, bundle_share: f64) -> &Offered {
        let nth = |list: &[&'_ Offered], u: f64| -> usize {
            ((u * list.len() as f64) as usize).min(list.len().saturating_sub(1))
        };
        let all: Vec<&Offered> = self.services.iter().collect();
        let (bundles, others): (Vec<&Offered>, Vec<&Offered>) =
            all.iter().copied().partition(|s| s.bundle);
        if bundles.is_empty() || others.is_empty() {
            return all[nth(&all, u)];
        }
        if u < bundle_share {
            bundles[nth(&bundles, u / bundle_share)]
        } else {
            others[nth(&others, (u - bundle_share) / (1.0 - bundle_share))]
        }
    }
}

/// What citizens come for. A queue draws visitors in proportion to the
/// counter time planned for it: each counter's time split evenly between
/// its queues, divided by the queue's mean service. A hall staffs where
/// the demand is; this keeps every queue about as busy as the others.
pub fn demand(setup: &HallSetup, guides: &[Guide]) -> Vec<Demand> {
    setup
        .queues
        .iter()
        .filter(|q| q.kind != QueueKind::Pickup && !q.services.is_empty())
        .map(|q| {
            let counters: f64 = setup
                .counters
                .iter()
                .filter(|c| c.queues.contains(&q.prefix))
                .map(|c| 1.0 / c.queues.len() as f64)
                .sum();
            let services = q
                .services
                .iter()
                .map(|code| {
                    let guide = guides.iter().find(|g| &g.code == code);
                    Offered {
                        code: code.clone(),
                        immediate: guide.is_some_and(|g| g.kind == ItemKind::Immediate),
                        bundle: guide.is_some_and(|g| g.bundle.is_some()),
                    }
                })
                .collect();
            Demand {
                queue: q.prefix,
                weight: counters / q.default_service_minutes.max(0.1),
                service_secs: q.default_service_minutes * MINUTE as f64,
                services,
            }
        })
        .collect()
}

/// What happens at the front desk.
#[derive(Clone, Debug, PartialEq)]
pub enum Visit {
    /// A question answered; no case.
    Enquiry,
    /// 一次性告知: something required is missing; the citizen goes home.
    Notice,
    /// 不予受理.
    Refused,
    Accepted(Accepted),
}

/// An accepted case's way through the back office and back to its owner.
#[derive(Clone, Debug, PartialEq)]
pub struct Accepted {
    /// Working seconds the department's reviewer spends on it.
    pub review_secs: Secs,
    pub approve: bool,
    pub mail: bool,
    /// From approval until the citizen takes a pickup ticket: the same day
    /// for an immediate item (即办件), whose owner waits nearby; a promised
    /// item's owner is told by text message and comes another day.
    pub returns_after: Option<Secs>,
    /// At the pickup window, walking up included.
    pub pickup_secs: Secs,
    /// A 一件事's tasks, for one: see [`bundles`].
    pub bundle: Option<bundles::BundleDraw>,
}

/// One citizen of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct Citizen {
    pub arrives: Secs,
    pub queue: QueuePrefix,
    pub service: ServiceCode,
    pub priority: bool,
    /// Gone by the time they are called: recalled, then marked a no-show.
    pub absent: bool,
    /// From the call to the counter.
    pub walk: Secs,
    /// At the counter, from arriving there to finishing.
    pub service_secs: Secs,
    pub visit: Visit,
    /// Rates the service on the keypad, with this draw for the score.
    pub rating: Option<f64>,
}

/// How many come, and for what.
#[derive(Clone, Copy, Debug)]
pub struct Mix {
    /// Arrivals as a multiple of `ARRIVALS_PER_HOUR`.
    pub scale: f64,
    /// Of the visitors to a queue that offers a 一件事, those who come for one.
    pub bundle_share: f64,
}

/// The day's citizens in order of arrival, every draw made here so that the
/// same seed gives the same people whatever the hub does with them.
pub fn citizens(demand: &[Demand], pickup_secs: f64, mix: Mix, seed: u64) -> Vec<Citizen> {
    let mut draw = Draw::new(seed);
    if demand.is_empty() {
        return Vec::new();
    }
    let weights: Vec<f64> = demand.iter().map(|d| d.weight).collect();
    arrivals(&mut draw, mix.scale)
        .into_iter()
        .map(|arrives| {
            let d = &demand[draw.pick(&weights)];
            let offered = d.service_at(draw.uniform(), mix.bundle_share);
            let (service, immediate) = (offered.code.clone(), offered.immediate);
            let walk = draw.between(WALK.0, WALK.1);
            // The queue's mean covers the walk; the rest is at the counter.
            let at_counter = (d.service_secs - (WALK.0 + WALK.1) / 2.0).max(MINUTE as f64);
            Citizen {
                arrives,
                queue: d.queue,
                service,
                priority: draw.chance(PRIORITY_SHARE),
                absent: draw.chance(ABSENT_SHARE),
                walk: walk as Secs,
                service_secs: draw.lognormal(at_counter, SERVICE_CV) as Secs,
                visit: visit(&mut draw, immediate, pickup_secs),
                rating: draw.chance(RATE_SHARE).then(|| draw.uniform()),
            }
        })
        .collect()
}

fn visit(draw: &mut Draw, immediate: bool, pickup_secs: f64) -> Visit {
    // Draw everything whatever the outcome, so one citizen's luck never
    // shifts the next one's draws.
    let is_case = draw.chance(CASE_SHARE);
    let intake = draw.uniform();
    let review_mean = if immediate {
        REVIEW_MINUTES.0
    } else {
        REVIEW_MINUTES.1
    };
    let review_secs = (draw.exponential(review_mean) * MINUTE as f64) as Secs;
    let approve = draw.chance(APPROVE_SHARE);
    let mail = draw.chance(MAIL_SHARE);
    let returns_after = (draw.exponential(RETURN_MINUTES) * MINUTE as f64) as Secs;
    let accepted = Accepted {
        review_secs,
        approve,
        mail,
        returns_after: immediate.then_some(returns_after),
        pickup_secs: draw.lognormal(pickup_secs, SERVICE_CV) as Secs,
        bundle: None,
    };
    match (is_case, intake) {
        (false, _) => Visit::Enquiry,
        (true, u) if u < NOTICE_SHARE => Visit::Notice,
        (true, u) if u < NOTICE_SHARE + REFUSE_SHARE => Visit::Refused,
        (true, _) => Visit::Accepted(accepted),
    }
}

/// The score a citizen gives, 5 非常满意 down to 1 非常不满意, from their
/// draw `u` in [0, 1): a long wait makes a poor score likelier.
pub fn score(wait_minutes: f64, u: f64) -> u8 {
    let long = (wait_minutes / 30.0).clamp(0.0, 3.0);
    let bad = 0.02 + 0.04 * long;
    let middling = 0.05 + 0.05 * long;
    let good = 0.20;
    match u {
        u if u < bad / 2.0 => 1,
        u if u < bad => 2,
        u if u < bad + middling => 3,
        u if u < bad + middling + good => 4,
        _ => 5,
    }
}

/// The session `t` belongs to: 0 for the morning and its lunch break, 1
/// for the afternoon and the evening.
pub fn session_of(t: Secs) -> usize {
    usize::from(t >= SESSIONS[1].0)
}

/// The first moment at or after `t` when the hall is open.
pub fn next_open(t: Secs) -> Option<Secs> {
    SESSIONS
        .iter()
        .find(|(_, end)| t < *end)
        .map(|(start, _)| t.max(*start))
}

/// When `work` seconds of office hours starting at `start` are done, or
/// `None` if the day ends first.
pub fn after_work(start: Secs, work: Secs) -> Option<Secs> {
    let mut left = work;
    for (from, to) in SESSIONS {
        let begin = start.max(from);
        if begin >= to {
            continue;
        }
        if begin + left <= to {
            return Some(begin + left);
        }
        left -= to - begin;
    }
    None
}

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"];

/// The name of the `n`th applicant of the day.
pub fn name(n: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[n % SURNAMES.len()],
        GIVEN[n / SURNAMES.len() % GIVEN.len()]
    )
}

/// The mobile number of the `n`th applicant of the day.
pub fn phone(n: usize) -> String {
    format!("138{n:08}")
}

/// A valid resident ID number for the `n`th applicant of the day: a
/// Hangzhou region code, a birth date, a serial and its check digit.
pub fn id_number(n: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let year = 1950 + n % 55;
    let month = 1 + n % 12;
    let day = 1 + n % 28;
    let body = format!("330106{year}{month:02}{day:02}{:03}", n % 1000);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::applicant::IdNumber;

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b) = (Draw::new(7), Draw::new(7));
        let xs: Vec<f64> = (0..5).map(|_| a.uniform()).collect();
        let ys: Vec<f64> = (0..5).map(|_| b.uniform()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], Draw::new(8).uniform());
        assert_ne!(xs[0], Draw::stream(7, 1).uniform(), "another stream");
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
    }

    #[test]
    fn draws_have_the_means_asked_for() {
        let mut d = Draw::new(1);
        let n = 20_000;
        let exp: f64 = (0..n).map(|_| d.exponential(10.0)).sum::<f64>() / f64::from(n);
        let logn: f64 = (0..n).map(|_| d.lognormal(10.0, 0.5)).sum::<f64>() / f64::from(n);
        assert!((exp - 10.0).abs() < 0.3, "{exp}");
        assert!((logn - 10.0).abs() < 0.2, "{logn}");
        let picks = (0..n).filter(|_| d.pick(&[1.0, 3.0]) == 1).count();
        assert!((picks as f64 / f64::from(n) - 0.75).abs() < 0.02);
    }

    #[test]
    fn arrivals_follow_the_hours_and_peak_in_the_morning() {
        let mut d = Draw::new(3);
        let times = arrivals(&mut d, 1.0);
        let expected: f64 = ARRIVALS_PER_HOUR
            .iter()
            .map(|(from, to, r)| r * (to - from) as f64 / HOUR as f64)
            .sum();
        let n = times.len() as f64;
        assert!(
            (n - expected).abs() < 4.0 * expected.sqrt(),
            "{n} vs {expected}"
        );
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "in order");
        assert!(
            times.iter().all(|t| next_open(*t) == Some(*t)),
            "only while open"
        );
        let in_hour = |h: Secs| times.iter().filter(|t| **t / HOUR == h).count();
        assert!(in_hour(10) > in_hour(14), "the morning peak");
        assert!(
            arrivals(&mut d, 2.0).len() > times.len() * 3 / 2,
            "the rate scales"
        );
    }

    #[test]
    fn a_share_of_a_queues_visitors_come_for_its_bundle() {
        let offered = |code: &str, bundle: bool| Offered {
            code: ServiceCode(code.into()),
            immediate: false,
            bundle,
        };
        let mut queue = Demand {
            queue: QueuePrefix::new('A').unwrap(),
            weight: 1.0,
            service_secs: 600.0,
            services: vec![
                offered("S-1", false),
                offered("K-1", true),
                offered("S-2", false),
                offered("S-3", false),
            ],
        };
        let code = |q: &Demand, u: f64| q.service_at(u, 0.4).code.0.clone();
        assert_eq!(code(&queue, 0.0), "K-1");
        assert_eq!(code(&queue, 0.39), "K-1");
        assert_eq!(code(&queue, 0.4), "S-1");
        assert_eq!(code(&queue, 0.79), "S-2");
        assert_eq!(code(&queue, 0.999), "S-3");
        queue.services[1].bundle = false;
        assert_eq!(code(&queue, 0.3), "K-1", "without a 一件事, each as likely");
    }

    #[test]
    fn long_waits_make_poor_scores_likelier() {
        let poor = |wait: f64| {
            (0..1000)
                .filter(|i| score(wait, f64::from(*i) / 1000.0) <= 2)
                .count()
        };
        assert!(poor(90.0) > poor(5.0));
        assert_eq!(score(0.0, 0.999), 5);
        assert_eq!(score(0.0, 0.0), 1);
    }

    #[test]
    fn work_stops_for_lunch_and_at_closing() {
        let at = |h: i64, m: i64| h * HOUR + m * MINUTE;
        assert_eq!(after_work(at(10, 0), 30 * MINUTE), Some(at(10, 30)));
        assert_eq!(after_work(at(11, 50), 20 * MINUTE), Some(at(13, 40)));
        assert_eq!(after_work(at(12, 30), 10 * MINUTE), Some(at(13, 40)));
        assert_eq!(after_work(at(8, 0), 0), Some(at(9, 0)));
        assert_eq!(after_work(at(16, 50), 20 * MINUTE), None);
        assert_eq!(next_open(at(12, 10)), Some(at(13, 30)));
        assert_eq!(next_open(at(17, 0)), None);
        assert_eq!(session_of(at(11, 0)), 0);
        assert_eq!(session_of(at(12, 20)), 0);
        assert_eq!(session_of(at(13, 30)), 1);
    }

    #[test]
    fn applicants_have_valid_id_numbers() {
        for n in [0, 1, 57, 999, 4321] {
            let id = id_number(n);
            assert!(IdNumber::parse(&id).is_ok(), "{id}");
        }
    }
}
