//! The day's two ends: staff log in before the doors open, and the next
//! morning the hub ends the day and the figures are read back; and the
//! run's end, when the 一件事 cases are read back.

use std::collections::VecDeque;

use anyhow::Context;

use super::{Desk, DeskState, Driver, Ending, LOG_IN_AT, Outcome, Reviewer};
use crate::api::Card;
use crate::api::CaseState;
use crate::api::{CaseView, Supervision, TicketStatus};
use crate::client::Client;
use crate::domain::ids::{CounterNo, Timestamp};
use crate::domain::setup::{CounterKind, Role};
use crate::simulate::model::SESSIONS;
use crate::simulate::report::{Came, CounterRecord, TicketRecord};

impl Driver<'_> {
    /// Staffs `counters` (and every pickup window) and each department's
    /// review desk, before the doors open.
    pub async fn open(&mut self, counters: &[CounterNo]) -> anyhow::Result<()> {
        self.clock.set(self.at(LOG_IN_AT));
        let setup = self.config.setup.clone();
        for c in setup
            .counters
            .iter()
            .filter(|c| counters.contains(&c.number))
        {
            let Some(staff) = setup.staff.iter().find(|s| {
                s.counter == Some(c.number)
                    && matches!(
                        (s.role, c.kind),
                        (Role::Pickup, CounterKind::Pickup)
                            | (Role::Intake, CounterKind::Intake | CounterKind::Dedicated)
                    )
            }) else {
                tracing::warn!(counter = c.number, "nobody to staff the counter");
                continue;
            };
            let client = self.log_in(&staff.id.0, Some(c.number)).await?;
            let post = match c.kind {
                CounterKind::Pickup => &mut self.pickup,
                _ => &mut self.front_desk,
            };
            post.get_or_insert_with(|| (staff.id.0.clone(), c.number));
            let desk = Desk {
                client,
                queues: c.queues.clone(),
                state: DeskState::Idle(SESSIONS[0].0),
                current: None,
                called_at: 0,
                open_since: Some(SESSIONS[0].0),
                record: CounterRecord {
                    number: c.number,
                    ..CounterRecord::default()
                },
            };
            self.desks.insert(c.number, desk);
        }
        for s in setup.staff.iter().filter(|s| s.role == Role::Reviewer) {
            let Some(department) = s.department.clone() else {
                continue;
            };
            if self.reviewers.contains_key(&department) {
                continue;
            }
            let client = self.log_in(&s.id.0, None).await?;
            let reviewer = Reviewer {
                client,
                inbox: VecDeque::new(),
                busy: false,
            };
            self.reviewers.insert(department, reviewer);
        }
        Ok(())
    }

    /// The hall's supervisor, logged in now.
    async fn supervisor(&self) -> anyhow::Result<Client> {
        let supervisor = self
            .config
            .setup
            .staff
            .iter()
            .find(|s| s.role == Role::Supervisor)
            .context("the hall has no supervisor to read the cards")?;
        self.log_in(&supervisor.id.0, None).await
    }

    /// Moves to the next working morning, lets the hub end the day and raise
    /// its cards, and reads back every ticket's end and the cases' cards.
    pub async fn finish_day(&mut self, next_morning: Timestamp) -> anyhow::Result<Outcome> {
        let day = self.days[0];
        self.booking_outcome.bookings = (self.hub.hall().bookings())
            .filter(|b| b.day == day)
            .cloned()
            .collect();
        self.clock.set(next_morning);
        self.hub.tick().await.context("ending the day")?;
        let supervisor = self.supervisor().await?;
        let watch: Supervision = supervisor
            .supervision()
            .await
            .context("reading supervision")?;
        let f = &mut self.case_figures;
        f.overdue = watch
            .cards
            .iter()
            .filter(|c| c.card == Some(Card::Red))
            .count() as u32;
        f.yellow_cards = watch
            .cards
            .iter()
            .filter(|c| c.card == Some(Card::Yellow))
            .count() as u32;
        f.steps_overdue = watch.steps_overdue.len() as u32;
        for case in &self.cases {
            let view: CaseView = supervisor
                .case(&case.number)
                .await
                .context("reading a case's end")?;
            f.approved += u32::from(matches!(
                view.state,
                CaseState::Approved | CaseState::Closed
            ));
            match view.state {
                CaseState::Accepted | CaseState::InReview | CaseState::Correction => {
                    f.undecided += 1
                }
                CaseState::Approved => f.awaiting_pickup += 1,
                CaseState::Closed if view.tracking_number.is_some() => f.mailed += 1,
                CaseState::Closed => f.handed_over += 1,
                CaseState::Rejected => f.rejected += 1,
                CaseState::AwaitingMaterials | CaseState::Refused => {}
            }
        }
        let mut tickets = Vec::with_capacity(self.tickets.len());
        for held in &self.tickets {
            let status: TicketStatus = self
                .base
                .ticket(&held.id)
                .await
                .context("reading a ticket's end")?;
            tickets.push(TicketRecord {
                citizen: held.citizen,
                came: held.came,
                booked_at: (self.booked.get(&held.citizen))
                    .filter(|_| held.came == Came::Appointment)
                    .map(|b| b.at),
                queue: status.queue,
                issued_at: held.issued_at,
                hub_estimate: held.hub_estimate,
                naive_estimate: held.naive_estimate,
                called_at: status.called_at.map(|c| self.secs(c)),
                state: status.state.into(),
            });
        }
        Ok(Outcome {
            tickets,
            bookings: std::mem::take(&mut self.booking_outcome),
            counters: self.desks.values().map(|d| d.record.clone()).collect(),
            cases: self.case_figures.clone(),
            ratings: self.ratings.clone(),
            pickups: self.pickups,
            turned_away: self.turned_away,
        })
    }

    /// At the end of the run: the 一件事 cases as the simulation ran them,
    /// and what the hub's supervisor sees of them.
    pub async fn finish_run(self) -> anyhow::Result<Ending> {
        let supervisor = self.supervisor().await?;
        let supervision = supervisor
            .supervision()
            .await
            .context("reading supervision")?;
        let mut cases = Vec::with_capacity(self.bundles.len());
        for run in &self.bundles {
            let number = &self.cases[run.case].number;
            let view = supervisor
                .case(number)
                .await
                .context("reading a 一件事 case")?;
            cases.push(view);
        }
        Ok(Ending {
            records: self.bundles.into_iter().map(|b| b.record).collect(),
            days: self.days_run,
            single_decided: self.single_decided,
            supervision,
            cases,
        })
    }
}
