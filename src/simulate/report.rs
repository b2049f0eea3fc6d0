//! What a simulated day comes to: waits per queue, counter utilisation,
//! cases and ratings, and how far the waits printed on tickets were from
//! the real ones; the 一件事 cases followed to their end (`bundles`); what
//! appointments change against the same day without them (`appointments`).
//! Built from plain records, so it is tested without a hub.

pub mod appointments;
pub mod bundles;

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use self::appointments::{AppointmentFigures, AppointmentRecords};
use self::bundles::{BundleFigures, BundleRecords};
use super::model::Secs;
use crate::domain::ids::CounterNo;
use crate::domain::ticket::TicketState;
use crate::loadgen::quantile;

/// How a ticket came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Came {
    /// Taken at the kiosk on arrival, or after a booking's window.
    WalkIn,
    /// Checked in for a booking: in the place its booked time earns.
    Appointment,
    /// For a result at the pickup window.
    Pickup,
}

/// One ticket as the simulation issued it and the hub recorded its end.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRecord {
    /// The citizen it was issued to: an index into the day's citizens.
    pub citizen: usize,
    pub came: Came,
    /// An appointment ticket's booked time.
    pub booked_at: Option<Secs>,
    pub queue: String,
    pub issued_at: Secs,
    /// Minutes printed on the ticket: the hub's estimate.
    pub hub_estimate: u32,
    /// Minutes the naive rule would have printed.
    pub naive_estimate: u32,
    /// When the hub first called it, if it did.
    pub called_at: Option<Secs>,
    /// Its state once the day was over.
    pub state: TicketState,
}

impl TicketRecord {
    fn wait_minutes(&self) -> Option<f64> {
        self.called_at
            .map(|c| (c - self.issued_at).max(0) as f64 / 60.0)
    }
}

/// One counter's day as the simulation ran it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CounterRecord {
    pub number: CounterNo,
    /// Tickets finished here.
    pub served: u32,
    /// Seconds with a citizen called or at the desk, no-shows' recalls included.
    pub busy_secs: Secs,
    /// Seconds staffed and not paused.
    pub open_secs: Secs,
}

/// What became of the day's cases; the cards as the hub raised them on the
/// next working morning.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CaseFigures {
    /// Opened at the front desk: accepted + notices + refused.
    pub opened: u32,
    pub accepted: u32,
    /// 一次性告知: sent home for missing materials.
    pub notices: u32,
    pub refused: u32,
    /// Of the accepted: approved + rejected + undecided.
    pub approved: u32,
    pub rejected: u32,
    /// Still with the department at closing, claimed or not.
    pub undecided: u32,
    /// Of the approved: handed over + mailed + awaiting pickup.
    pub handed_over: u32,
    pub mailed: u32,
    pub awaiting_pickup: u32,
    /// Red cards (overdue) and yellow cards on the next working morning.
    pub overdue: u32,
    pub yellow_cards: u32,
    /// Claim or review steps past their own limits then.
    pub steps_overdue: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RatingFigures {
    pub count: u32,
    pub average: f64,
    /// Scores 2 and 1 (差评).
    pub bad: u32,
    /// Rectifications the bad ones opened.
    pub rectifications: u32,
}

/// Waits and estimate errors of one queue, in minutes, over its called tickets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueFigures {
    pub queue: String,
    pub name: String,
    pub tickets: u32,
    pub served: u32,
    pub no_shows: u32,
    pub expired: u32,
    pub mean_wait: f64,
    pub p90_wait: f64,
    pub hub_mae: f64,
    pub naive_mae: f64,
    /// Mean of estimate − real wait: negative when estimates run short.
    pub hub_bias: f64,
    pub naive_bias: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CounterFigures {
    pub counter: CounterNo,
    pub served: u32,
    /// Busy share of the time open, 0 to 1.
    pub utilisation: f64,
}

/// How far the printed estimates were from the real waits, in minutes,
/// over every ticket that was called.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EstimateFigures {
    pub tickets: u32,
    /// Mean absolute error of the hub's estimate.
    pub hub_mae: f64,
    /// Mean absolute error of people ahead × the queue's configured mean
    /// service ÷ its open counters.
    pub naive_mae: f64,
    /// Mean of estimate − real wait: negative when estimates run short.
    pub hub_bias: f64,
    pub naive_bias: f64,
}

/// The day, as `yimen simulate` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub date: NaiveDate,
    pub seed: u64,
    pub rate: f64,
    /// Of the visitors to a queue that offers a 一件事, those who came for one.
    pub bundle_share: f64,
    /// Counters staffed, pickup windows included.
    pub counters_open: Vec<CounterNo>,
    /// Citizens who came for the front desk.
    pub arrivals: u32,
    /// Citizens who came back for their results.
    pub pickups: u32,
    /// Arrivals refused a ticket (the daily cap).
    pub turned_away: u32,
    /// Tickets issued: served + no-shows + expired.
    pub tickets: u32,
    pub served: u32,
    pub no_shows: u32,
    /// Still waiting when the day ended.
    pub expired: u32,
    /// Every queue with tickets, then `all`.
    pub queues: Vec<QueueFigures>,
    pub counters: Vec<CounterFigures>,
    pub estimate: EstimateFigures,
    pub cases: CaseFigures,
    pub ratings: RatingFigures,
    pub bundles: BundleFigures,
    /// Against the same day with nobody booking: none when nobody did.
    pub appointments: Option<AppointmentFigures>,
}

/// What the report is built from.
pub struct Records {
    pub date: NaiveDate,
    pub seed: u64,
    pub rate: f64,
    pub bundle_share: f64,
    pub arrivals: u32,
    pub pickups: u32,
    pub turned_away: u32,
    /// Queue prefixes with their names, in the hall's order.
    pub queue_names: Vec<(String, String)>,
    pub tickets: Vec<TicketRecord>,
    pub counters: Vec<CounterRecord>,
    pub cases: CaseFigures,
    pub ratings: RatingFigures,
    pub bundles: BundleRecords,
    pub appointments: Option<AppointmentRecords>,
}

fn count(tickets: &[&TicketRecord], state: TicketState) -> u32 {
    tickets.iter().filter(|t| t.state == state).count() as u32
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / f64::from(n) }
}

/// The figures of `tickets`, under the queue's prefix and name.
pub(super) fn queue_figures(queue: &str, name: &str, tickets: &[&TicketRecord]) -> QueueFigures {
    let called: Vec<(&TicketRecord, f64)> = tickets
        .iter()
        .filter_map(|t| t.wait_minutes().map(|w| (*t, w)))
        .collect();
    let mut waits: Vec<f64> = called.iter().map(|(_, w)| *w).collect();
    waits.sort_by(f64::total_cmp);
    QueueFigures {
        queue: queue.to_owned(),
        name: name.to_owned(),
        tickets: tickets.len() as u32,
        served: count(tickets, TicketState::Finished),
        no_shows: count(tickets, TicketState::NoShow),
        expired: count(tickets, TicketState::Expired),
        mean_wait: mean(waits.iter().copied()),
        p90_wait: quantile(&waits, 0.9),
        hub_mae: mean(
            called
                .iter()
                .map(|(t, w)| (f64::from(t.hub_estimate) - w).abs()),
        ),
        naive_mae: mean(
            called
                .iter()
                .map(|(t, w)| (f64::from(t.naive_estimate) - w).abs()),
        ),
        hub_bias: mean(called.iter().map(|(t, w)| f64::from(t.hub_estimate) - w)),
        naive_bias: mean(called.iter().map(|(t, w)| f64::from(t.naive_estimate) - w)),
    }
}

impl Report {
    pub fn build(r: Records) -> Report {
        let all: Vec<&TicketRecord> = r.tickets.iter().collect();
        let mut queues: Vec<QueueFigures> = r
            .queue_names
            .iter()
            .filter_map(|(prefix, name)| {
                let of: Vec<&TicketRecord> =
                    all.iter().copied().filter(|t| &t.queue == prefix).collect();
                (!of.is_empty()).then(|| queue_figures(prefix, name, &of))
            })
            .collect();
        let whole = queue_figures("all", "全部", &all);
        let estimate = EstimateFigures {
            tickets: all.iter().filter(|t| t.called_at.is_some()).count() as u32,
            hub_mae: whole.hub_mae,
            naive_mae: whole.naive_mae,
            hub_bias: whole.hub_bias,
            naive_bias: whole.naive_bias,
        };
        let report = Report {
            date: r.date,
            seed: r.seed,
            rate: r.rate,
            bundle_share: r.bundle_share,
            counters_open: r.counters.iter().map(|c| c.number).collect(),
            arrivals: r.arrivals,
            pickups: r.pickups,
            turned_away: r.turned_away,
            tickets: whole.tickets,
            served: whole.served,
            no_shows: whole.no_shows,
            expired: whole.expired,
            queues: Vec::new(),
            counters: r
                .counters
                .iter()
                .map(|c| CounterFigures {
                    counter: c.number,
                    served: c.served,
                    utilisation: if c.open_secs > 0 {
                        c.busy_secs as f64 / c.open_secs as f64
                    } else {
                        0.0
                    },
                })
                .collect(),
            estimate,
            cases: r.cases,
            ratings: r.ratings,
            bundles: BundleFigures::build(&r.bundles),
            appointments: r
                .appointments
                .as_ref()
                .map(|a| AppointmentFigures::build(a, &r.tickets)),
        };
        queues.push(whole);
        Report { queues, ..report }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_day(f)?;
        writeln!(f)?;
        self.write_queues(f)?;
        writeln!(f)?;
        self.write_estimates(f)?;
        writeln!(f)?;
        if let Some(appointments) = &self.appointments {
            writeln!(f)?;
            writeln!(f, "{appointments}")?;
        }
        self.write_cases(f)?;
        writeln!(f)?;
        write!(f, "{}", self.bundles)
    }
}

impl Report {
    fn write_day(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counters: Vec<String> = self.counters_open.iter().map(ToString::to_string).collect();
        writeln!(
            f,
            "Simulated hall day {} (seed {}, rate {}, counters {}, 一件事 share {})",
            self.date,
            self.seed,
            self.rate,
            counters.join(" "),
            self.bundle_share
        )?;
        writeln!(
            f,
            "{} citizens came, {} came back for results, {} turned away; {} tickets: {} served, {} no-shows, {} expired",
            self.arrivals,
            self.pickups,
            self.turned_away,
            self.tickets,
            self.served,
            self.no_shows,
            self.expired
        )
    }

    fn write_queues(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "queue            tickets served no-show expired  wait: mean   p90   estimate MAE: hub  naive"
        )?;
        for q in &self.queues {
            let label = format!("{} {}", q.queue, q.name);
            writeln!(
                f,
                "{label:<width$} {:>6} {:>6} {:>7} {:>7} {:>11.1} {:>5.1} {:>18.1} {:>6.1}",
                q.tickets,
                q.served,
                q.no_shows,
                q.expired,
                q.mean_wait,
                q.p90_wait,
                q.hub_mae,
                q.naive_mae,
                width = 16 - label.chars().filter(|c| !c.is_ascii()).count(),
            )?;
        }
        Ok(())
    }

    /// The printed estimates against the real waits, and how busy each
    /// counter was.
    fn write_estimates(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.estimate;
        writeln!(
            f,
            "wait printed on the ticket vs real wait, over {} called tickets (minutes):",
            e.tickets
        )?;
        writeln!(
            f,
            "  hub estimate:   MAE {:.1}, bias {:+.1}",
            e.hub_mae, e.hub_bias
        )?;
        writeln!(
            f,
            "  naive estimate: MAE {:.1}, bias {:+.1}  (people ahead × mean service time ÷ open counters)",
            e.naive_mae, e.naive_bias
        )?;
        writeln!(f)?;
        write!(f, "counter utilisation:")?;
        for c in &self.counters {
            write!(f, " {}: {:.0}%", c.counter, c.utilisation * 100.0)?;
        }
        Ok(())
    }

    fn write_cases(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.cases;
        writeln!(
            f,
            "cases: {} opened ({} accepted, {} notices, {} refused); accepted: {} approved, {} rejected, {} undecided;",
            c.opened, c.accepted, c.notices, c.refused, c.approved, c.rejected, c.undecided
        )?;
        writeln!(
            f,
            "  approved: {} handed over, {} mailed, {} awaiting pickup; next working morning: {} overdue (red), {} yellow cards, {} steps overdue",
            c.handed_over, c.mailed, c.awaiting_pickup, c.overdue, c.yellow_cards, c.steps_overdue
        )?;
        let r = &self.ratings;
        writeln!(
            f,
            "ratings: {}, average {:.2}, {} bad (1–2), {} rectifications opened",
            r.count, r.average, r.bad, r.rectifications
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(
        queue: &str,
        issued: Secs,
        called: Option<Secs>,
        hub: u32,
        naive: u32,
    ) -> TicketRecord {
        TicketRecord {
            citizen: 0,
            came: Came::WalkIn,
            booked_at: None,
            queue: queue.into(),
            issued_at: issued,
            hub_estimate: hub,
            naive_estimate: naive,
            called_at: called,
            state: match called {
                Some(_) => TicketState::Finished,
                None => TicketState::Expired,
            },
        }
    }

    fn records(tickets: Vec<TicketRecord>) -> Records {
        Records {
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            seed: 1,
            rate: 1.0,
            bundle_share: 0.4,
            arrivals: tickets.len() as u32,
            pickups: 0,
            turned_away: 0,
            queue_names: vec![
                ("A".into(), "企业开办".into()),
                ("B".into(), "税务办理".into()),
            ],
            tickets,
            counters: vec![CounterRecord {
                number: 1,
                served: 2,
                busy_secs: 1800,
                open_secs: 3600,
            }],
            cases: CaseFigures::default(),
            ratings: RatingFigures::default(),
            bundles: BundleRecords::default(),
            appointments: None,
        }
    }

    #[test]
    fn waits_and_errors_are_over_called_tickets() {
        let report = Report::build(records(vec![
            ticket("A", 0, Some(600), 12, 5),
            ticket("A", 0, Some(1200), 18, 5),
            ticket("A", 0, None, 30, 30),
        ]));
        let a = &report.queues[0];
        assert_eq!((a.tickets, a.served, a.expired), (3, 2, 1));
        assert_eq!(a.mean_wait, 15.0);
        assert_eq!(a.p90_wait, 20.0);
        // |12 − 10| and |18 − 20|; |5 − 10| and |5 − 20|.
        assert_eq!(a.hub_mae, 2.0);
        assert_eq!(a.naive_mae, 10.0);
        assert_eq!(report.estimate.tickets, 2);
        assert_eq!(report.estimate.naive_bias, -10.0);
        assert_eq!(report.queues.len(), 2, "B had no tickets; then all");
        assert_eq!(report.queues[1].queue, "all");
        assert_eq!(report.counters[0].utilisation, 0.5);
        assert!(report.to_string().contains("MAE 2.0"));
    }

    #[test]
    fn an_empty_day_reports_zeros() {
        let report = Report::build(records(Vec::new()));
        assert_eq!(report.tickets, 0);
        assert_eq!(report.estimate.hub_mae, 0.0);
    }
}
