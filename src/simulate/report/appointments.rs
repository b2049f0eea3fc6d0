//! What appointments change. The day runs twice on the same citizens and
//! seed: once with everybody walking in, once with a share booking ahead.
//! Against the run without: the walk-ins' waits, the printed estimates'
//! error, and, queue by queue, the most any walk-in waited longer than the
//! same citizen did without appointments, beside the queue's
//! `walk_in_delay` (the most the hall lets an appointment delay a walk-in).
//!
//! The walk-ins compared citizen by citizen are those who took a walk-in
//! ticket at the same moment in both runs (late arrivals with a booking
//! came at another time, and are left out) and were called in both.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use super::{Came, QueueFigures, TicketRecord, queue_figures};
use crate::domain::booking::Booking;
use crate::loadgen::quantile;
use crate::report::appointments::{by_service, total};

/// What became of the wishes to book ahead.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BookingOutcome {
    /// Citizens who wanted a slot.
    pub wanted: u32,
    /// Of them, those who found none free near their time, and walked in.
    pub no_slot: u32,
    /// Citizens who booked and never came.
    pub never_came: u32,
    /// Early at a queue that sends them away: told when to come back.
    pub told_to_come_back: u32,
    /// The day's bookings as the hub holds them when the day is over.
    pub bookings: Vec<Booking>,
}

/// What the comparison is built from.
pub struct AppointmentRecords {
    /// Of the visitors to the queues that take bookings, the share who
    /// wanted to book.
    pub share: f64,
    pub outcome: BookingOutcome,
    /// The same day's tickets with nobody booking.
    pub without: Vec<TicketRecord>,
    /// Every queue: its prefix, its name, and its `walk_in_delay` in
    /// minutes where it takes bookings.
    pub queues: Vec<(String, String, Option<i64>)>,
}

/// What became of the bookings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BookingFigures {
    pub wanted: u32,
    /// Found no free slot within an hour of their time, and walked in.
    pub no_slot: u32,
    pub made: u32,
    /// Checked in within the window (or early, to wait): on time + late.
    pub checked_in: u32,
    /// At or before the booked time.
    pub on_time: u32,
    pub late: u32,
    /// Not checked in within the window: never came, or came after it.
    pub no_shows: u32,
    /// Of the no-shows, those who came after the window for a walk-in ticket.
    pub late_walk_ins: u32,
    /// Early where the queue sends them away: told when to come back.
    pub told_to_come_back: u32,
}

/// A figure without appointments and with them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Versus<T> {
    pub without: T,
    pub with: T,
}

/// The longest extra wait of one queue's walk-ins.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExtraWait {
    pub queue: String,
    pub name: String,
    /// Minutes; none where the queue takes no bookings.
    pub walk_in_delay: Option<i64>,
    /// Walk-ins compared: at the same moment in both runs, called in both.
    pub walk_ins: u32,
    /// How much longer they waited with appointments, on average, in minutes.
    pub mean: f64,
    /// The most one of them waited longer with appointments, in minutes
    /// (negative when every one of them waited less).
    pub longest: f64,
    /// Walk-ins called without appointments but not with them.
    pub not_called: u32,
}

/// What appointments changed, as `yimen simulate` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppointmentFigures {
    pub share: f64,
    pub bookings: BookingFigures,
    /// The front desk's walk-in tickets: waits and the hub's estimate.
    pub walk_ins: Versus<QueueFigures>,
    /// Every ticket, pickups included.
    pub all: Versus<QueueFigures>,
    /// Appointment tickets: waits from check-in to the call.
    pub appointments: QueueFigures,
    /// Minutes from the booked time to the call of appointment tickets (0
    /// for one called before it): mean and 90th percentile.
    pub after_booked_mean: f64,
    pub after_booked_p90: f64,
    /// Every queue whose walk-ins were compared.
    pub extra_waits: Vec<ExtraWait>,
}

fn of(tickets: &[TicketRecord], came: Came) -> Vec<&TicketRecord> {
    tickets.iter().filter(|t| t.came == came).collect()
}

fn minutes(t: &TicketRecord) -> Option<f64> {
    t.called_at.map(|c| (c - t.issued_at) as f64 / 60.0)
}

impl AppointmentFigures {
    /// Compares the day's `tickets` with the run without appointments.
    pub fn build(r: &AppointmentRecords, tickets: &[TicketRecord]) -> Self {
        let counted = total(&by_service(&r.outcome.bookings));
        let bookings = BookingFigures {
            wanted: r.outcome.wanted,
            no_slot: r.outcome.no_slot,
            made: counted.made,
            checked_in: counted.checked_in,
            on_time: counted.on_time,
            late: counted.late,
            no_shows: counted.missed,
            late_walk_ins: counted.late_walk_ins,
            told_to_come_back: r.outcome.told_to_come_back,
        };
        let figures = |tickets: &[&TicketRecord]| queue_figures("all", "全部", tickets);
        let mut after_booked: Vec<f64> = of(tickets, Came::Appointment)
            .iter()
            .filter_map(|t| Some((t.called_at? - t.booked_at?).max(0) as f64 / 60.0))
            .collect();
        after_booked.sort_by(f64::total_cmp);
        let after_booked_mean = match after_booked.len() {
            0 => 0.0,
            n => after_booked.iter().sum::<f64>() / n as f64,
        };
        Self {
            share: r.share,
            bookings,
            walk_ins: Versus {
                without: figures(&of(&r.without, Came::WalkIn)),
                with: figures(&of(tickets, Came::WalkIn)),
            },
            all: Versus {
                without: figures(&r.without.iter().collect::<Vec<_>>()),
                with: figures(&tickets.iter().collect::<Vec<_>>()),
            },
            appointments: figures(&of(tickets, Came::Appointment)),
            after_booked_mean,
            after_booked_p90: quantile(&after_booked, 0.9),
            extra_waits: extra_waits(r, tickets),
        }
    }
}

/// Each queue's walk-ins, citizen by citizen against the run without.
fn extra_waits(r: &AppointmentRecords, tickets: &[TicketRecord]) -> Vec<ExtraWait> {
    let without: HashMap<usize, &TicketRecord> = (r.without.iter())
        .filter(|t| t.came == Came::WalkIn)
        .map(|t| (t.citizen, t))
        .collect();
    let pairs: Vec<(&TicketRecord, &TicketRecord)> = of(tickets, Came::WalkIn)
        .into_iter()
        .filter_map(|t| without.get(&t.citizen).map(|w| (*w, t)))
        .filter(|(w, t)| w.issued_at == t.issued_at && w.queue == t.queue)
        .collect();
    r.queues
        .iter()
        .filter_map(|(queue, name, delay)| {
            let of_queue = pairs.iter().filter(|(w, _)| &w.queue == queue);
            let extras: Vec<f64> = of_queue
                .clone()
                .filter_map(|(w, t)| Some(minutes(t)? - minutes(w)?))
                .collect();
            let not_called = of_queue
                .filter(|(w, t)| w.called_at.is_some() && t.called_at.is_none())
                .count() as u32;
            (!extras.is_empty()).then(|| ExtraWait {
                queue: queue.clone(),
                name: name.clone(),
                walk_in_delay: *delay,
                walk_ins: extras.len() as u32,
                mean: extras.iter().sum::<f64>() / extras.len() as f64,
                longest: extras.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                not_called,
            })
        })
        .collect()
}

impl fmt::Display for AppointmentFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.bookings;
        writeln!(
            f,
            "appointments (预约): a share of {} of the visitors to queues that take bookings, the green channel aside, booked before the doors opened; the same citizens all walk in for the run without",
            self.share
        )?;
        writeln!(
            f,
            "  {} wanted a slot, {} found none within an hour of their time; {} booked: {} checked in ({} on time, {} late within the window), {} no-shows ({} of them came after the window for a walk-in ticket); {} told to come back later",
            b.wanted,
            b.no_slot,
            b.made,
            b.checked_in,
            b.on_time,
            b.late,
            b.no_shows,
            b.late_walk_ins,
            b.told_to_come_back
        )?;
        self.write_versus(f)?;
        self.write_extra_waits(f)
    }
}

impl AppointmentFigures {
    fn write_versus(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w, a) = (&self.walk_ins, &self.all);
        writeln!(f, "                                     without   with")?;
        let rows: [(&str, f64, f64); 6] = [
            (
                "walk-in wait, mean (min)",
                w.without.mean_wait,
                w.with.mean_wait,
            ),
            (
                "walk-in wait, p90 (min)",
                w.without.p90_wait,
                w.with.p90_wait,
            ),
            (
                "hub estimate MAE, walk-ins",
                w.without.hub_mae,
                w.with.hub_mae,
            ),
            (
                "hub estimate bias, walk-ins",
                w.without.hub_bias,
                w.with.hub_bias,
            ),
            (
                "hub estimate MAE, all tickets",
                a.without.hub_mae,
                a.with.hub_mae,
            ),
            (
                "hub estimate bias, all tickets",
                a.without.hub_bias,
                a.with.hub_bias,
            ),
        ];
        writeln!(
            f,
            "  {:<32} {:>7} {:>6}",
            "walk-in tickets", w.without.tickets, w.with.tickets
        )?;
        for (label, without, with) in rows {
            writeln!(f, "  {label:<32} {without:>7.1} {with:>6.1}")?;
        }
        let p = &self.appointments;
        writeln!(
            f,
            "  appointment tickets: {}; called after the booked time: mean {:.1}, p90 {:.1}; wait from check-in: mean {:.1}, p90 {:.1}; hub estimate MAE {:.1}, bias {:+.1}",
            p.tickets,
            self.after_booked_mean,
            self.after_booked_p90,
            p.mean_wait,
            p.p90_wait,
            p.hub_mae,
            p.hub_bias
        )
    }

    fn write_extra_waits(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "  longest extra wait of a walk-in against the run without (minutes), beside the queue's walk_in_delay:"
        )?;
        for e in &self.extra_waits {
            let label = format!("{} {}", e.queue, e.name);
            let width = 16 - label.chars().filter(|c| !c.is_ascii()).count();
            let delay = e.walk_in_delay.map_or_else(
                || "takes no bookings".to_owned(),
                |d| format!("walk_in_delay {d}"),
            );
            write!(
                f,
                "\n    {label:<width$} longest {:>+6.1}, mean {:>+5.1}   {delay:<17}  ({} walk-ins in both runs",
                e.longest, e.mean, e.walk_ins
            )?;
            if e.not_called > 0 {
                write!(f, ", {} not called with appointments", e.not_called)?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::TicketState;

    fn ticket(citizen: usize, came: Came, issued: i64, called: Option<i64>) -> TicketRecord {
        TicketRecord {
            citizen,
            came,
            booked_at: (came == Came::Appointment).then_some(150),
            queue: "A".into(),
            issued_at: issued,
            hub_estimate: 10,
            naive_estimate: 10,
            called_at: called,
            state: if called.is_some() {
                TicketState::Finished
            } else {
                TicketState::Expired
            },
        }
    }

    #[test]
    fn walk_ins_are_compared_citizen_by_citizen_when_they_came_alike() {
        let without = vec![
            ticket(0, Came::WalkIn, 0, Some(600)),
            ticket(1, Came::WalkIn, 60, Some(1260)),
            ticket(2, Came::WalkIn, 120, Some(300)),
            ticket(3, Came::WalkIn, 180, Some(400)),
            ticket(4, Came::WalkIn, 240, Some(500)),
        ];
        let with = vec![
            // Five minutes longer, then two shorter.
            ticket(0, Came::WalkIn, 0, Some(900)),
            ticket(1, Came::WalkIn, 60, Some(1140)),
            // Booked: in the appointments, not compared.
            ticket(2, Came::Appointment, 100, Some(200)),
            // Came late for a booking: another moment, not compared.
            ticket(3, Came::WalkIn, 2000, Some(2100)),
            ticket(4, Came::WalkIn, 240, None),
        ];
        let records = AppointmentRecords {
            share: 0.3,
            outcome: BookingOutcome::default(),
            without,
            queues: vec![
                ("A".into(), "企业开办".into(), Some(15)),
                ("B".into(), "税务办理".into(), None),
            ],
        };
        let figures = AppointmentFigures::build(&records, &with);
        assert_eq!(figures.extra_waits.len(), 1, "B had no walk-ins");
        let a = &figures.extra_waits[0];
        assert_eq!((a.walk_ins, a.longest, a.not_called), (2, 5.0, 1));
        assert_eq!(a.mean, 1.5, "(5 − 2) ÷ 2");
        assert_eq!(figures.walk_ins.without.tickets, 5);
        assert_eq!(figures.walk_ins.with.tickets, 4);
        assert_eq!(figures.appointments.tickets, 1);
        assert_eq!(figures.appointments.mean_wait, 100.0 / 60.0);
        assert_eq!(
            figures.after_booked_mean,
            50.0 / 60.0,
            "booked 150, called 200"
        );
        let text = figures.to_string();
        assert!(
            text.contains("A 企业开办") && text.contains("walk_in_delay 15"),
            "{text}"
        );
        assert!(text.contains("1 not called with appointments"), "{text}");
    }
}
