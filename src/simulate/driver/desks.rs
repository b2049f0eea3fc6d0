//! The counters' day: tickets issued as citizens arrive, calls, recalls,
//! no-shows, service and its end, ratings, and the sessions' pauses.

use anyhow::Context;

use super::{DeskState, Driver, Event, Held, OVERTIME, RECALL_GAP, refused_with};
use crate::api::{IssuedTicket, PauseRequest, RatingRecorded, RatingRequest, TicketRequest};
use crate::domain::estimate::wait_minutes;
use crate::domain::ids::{CounterNo, QueuePrefix};
use crate::simulate::model::{self, SESSIONS, Secs, Visit};
use crate::simulate::report::Came;

impl Driver<'_> {
    /// The naive estimate: people ahead × the queue's configured mean
    /// service ÷ the counters open for it (or configured, if none is open).
    pub(super) fn naive_estimate(&self, queue: QueuePrefix, ahead: u32) -> u32 {
        let setup = &self.config.setup;
        let secs = setup
            .queue(queue)
            .map_or(600.0, |q| q.default_service_minutes * 60.0);
        let open = self
            .desks
            .values()
            .filter(|d| {
                d.queues.contains(&queue)
                    && !matches!(d.state, DeskState::Paused | DeskState::Closed)
            })
            .count();
        let counters = if open > 0 {
            open
        } else {
            setup
                .counters
                .iter()
                .filter(|c| c.queues.contains(&queue))
                .count()
        };
        wait_minutes(ahead as usize, secs, counters as f64)
    }

    pub(super) async fn issue(
        &mut self,
        t: Secs,
        citizen: usize,
        request: TicketRequest,
    ) -> anyhow::Result<()> {
        let came = if request.case.is_some() {
            Came::Pickup
        } else {
            Came::WalkIn
        };
        let issued: IssuedTicket = match self.kiosk.issue_ticket(&request).await {
            Ok(issued) => issued,
            Err(e) if refused_with(&e, "daily_cap_reached") => {
                self.turned_away += 1;
                return Ok(());
            }
            Err(e) => return Err(e).context("issuing a ticket"),
        };
        self.hold(t, citizen, came, issued)
    }

    /// Keeps a ticket the kiosk issued, and wakes a counter for it.
    pub(super) fn hold(
        &mut self,
        t: Secs,
        citizen: usize,
        came: Came,
        issued: IssuedTicket,
    ) -> anyhow::Result<()> {
        let queue: QueuePrefix = issued.queue.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let naive_estimate = self.naive_estimate(queue, issued.ahead);
        self.by_id.insert(issued.id.clone(), self.tickets.len());
        self.tickets.push(Held {
            citizen,
            id: issued.id,
            came,
            recalls: 0,
            issued_at: self.secs(issued.issued_at),
            hub_estimate: issued.estimated_wait_minutes,
            naive_estimate,
        });
        // The counter idle longest calls; its lines were empty, so it gets
        // this one, once the hall is open.
        let idle = self
            .desks
            .iter()
            .filter_map(|(n, d)| match d.state {
                DeskState::Idle(since) if d.queues.contains(&queue) => Some((since, *n)),
                _ => None,
            })
            .min();
        if let Some((_, n)) = idle {
            self.desk_mut(n)?.state = DeskState::Busy;
            self.schedule(t.max(SESSIONS[0].0), Event::Free(n));
        }
        Ok(())
    }

    pub(super) async fn arrive(&mut self, t: Secs, i: usize) -> anyhow::Result<()> {
        let c = &self.citizens[i];
        let request = TicketRequest {
            service: Some(c.service.0.clone()),
            priority: c.priority,
            ..TicketRequest::default()
        };
        self.issue(t, i, request).await
    }

    pub(super) async fn collect(&mut self, t: Secs, i: usize) -> anyhow::Result<()> {
        let case = self.case_of.get(&i).context("a pickup without a case")?;
        let request = TicketRequest {
            case: Some(self.cases[*case].number.clone()),
            ..TicketRequest::default()
        };
        self.pickups += 1;
        self.issue(t, i, request).await
    }

    /// Stops a counter at the end of a session: a lunch pause, or the day's end.
    pub(super) async fn rest(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        let afternoon = model::session_of(t) == 1;
        let reason = if afternoon { "下班" } else { "午休" };
        let desk = self.desk_mut(n)?;
        if let Some(since) = desk.open_since.take() {
            desk.record.open_secs += t - since;
        }
        desk.state = if afternoon {
            DeskState::Closed
        } else {
            DeskState::Paused
        };
        let client = desk.client.clone();
        let pause = PauseRequest {
            reason: reason.to_owned(),
        };
        client
            .pause(n, &pause)
            .await
            .with_context(|| format!("pausing counter {n}"))?;
        Ok(())
    }

    pub(super) async fn free(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        let end = SESSIONS[model::session_of(t)].1;
        if t >= end + OVERTIME {
            return self.rest(t, n).await;
        }
        let view = match self.clerk(n)?.call_next(n).await {
            Ok(view) => view,
            Err(e) if refused_with(&e, "nobody_waiting") => {
                if t >= end {
                    return self.rest(t, n).await;
                }
                self.desk_mut(n)?.state = DeskState::Idle(t);
                return Ok(());
            }
            Err(e) => return Err(e).with_context(|| format!("calling at counter {n}")),
        };
        let id = view.current.context("a call with nobody called")?.id;
        let held = *self
            .by_id
            .get(&id)
            .context("a ticket the simulation did not issue")?;
        let desk = self.desk_mut(n)?;
        desk.state = DeskState::Busy;
        desk.current = Some(held);
        desk.called_at = t;
        let citizens = self.citizens;
        let citizen = &citizens[self.tickets[held].citizen];
        if citizen.absent && self.tickets[held].came != Came::Pickup {
            self.schedule(t + RECALL_GAP, Event::Recall(n));
        } else {
            self.schedule(t + citizen.walk, Event::Start(n));
        }
        Ok(())
    }

    pub(super) async fn recall(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        self.clerk(n)?
            .recall(n)
            .await
            .with_context(|| format!("recall at counter {n}"))?;
        let held = self.desk(n)?.current.context("nobody called")?;
        self.tickets[held].recalls += 1;
        let next = if self.tickets[held].recalls >= self.config.setup.rules.recalls_before_no_show {
            Event::NoShow(n)
        } else {
            Event::Recall(n)
        };
        self.schedule(t + RECALL_GAP, next);
        Ok(())
    }

    /// The counter's citizen has gone: its time is counted and it calls again.
    pub(super) fn leave(&mut self, t: Secs, n: CounterNo) {
        if let Some(desk) = self.desks.get_mut(&n) {
            desk.record.busy_secs += t - desk.called_at;
            desk.current = None;
        }
        self.schedule(t, Event::Free(n));
    }

    pub(super) async fn finish(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        let held = self.desk(n)?.current.context("nobody at the counter")?;
        let citizen = self.tickets[held].citizen;
        if self.tickets[held].came == Came::Pickup {
            self.hand_over(n, citizen).await?;
        } else {
            self.open_case(t, n, citizen).await?;
        }
        self.clerk(n)?
            .finish(n)
            .await
            .with_context(|| format!("finish at counter {n}"))?;
        self.desk_mut(n)?.record.served += 1;
        if let Some(u) = self.citizens[citizen].rating {
            let wait = (self.desk(n)?.called_at - self.tickets[held].issued_at) as f64 / 60.0;
            self.rate(n, held, model::score(wait, u)).await?;
        }
        self.leave(t, n);
        Ok(())
    }

    pub(super) async fn rate(
        &mut self,
        n: CounterNo,
        held: usize,
        score: u8,
    ) -> anyhow::Result<()> {
        let rating = RatingRequest {
            ticket: Some(self.tickets[held].id.clone()),
            case: None,
            score,
            comment: None,
            last_four: None,
        };
        let recorded: RatingRecorded = self
            .desk(n)?
            .client
            .rate(&rating)
            .await
            .context("rating a ticket")?;
        let r = &mut self.ratings;
        r.average = (r.average * f64::from(r.count) + f64::from(score)) / f64::from(r.count + 1);
        r.count += 1;
        r.bad += u32::from(score <= 2);
        r.rectifications += u32::from(recorded.rectification.is_some());
        Ok(())
    }

    pub(super) async fn close(&mut self, t: Secs) -> anyhow::Result<()> {
        let idle: Vec<CounterNo> = self
            .desks
            .iter()
            .filter(|(_, d)| matches!(d.state, DeskState::Idle(_)))
            .map(|(n, _)| *n)
            .collect();
        for n in idle {
            self.rest(t, n).await?;
        }
        Ok(())
    }

    pub(super) async fn reopen(&mut self, t: Secs) -> anyhow::Result<()> {
        let paused: Vec<CounterNo> = self
            .desks
            .iter()
            .filter(|(_, d)| d.state == DeskState::Paused)
            .map(|(n, _)| *n)
            .collect();
        for n in paused {
            self.clerk(n)?
                .resume(n)
                .await
                .with_context(|| format!("resume at counter {n}"))?;
            let desk = self.desk_mut(n)?;
            desk.state = DeskState::Busy;
            desk.open_since = Some(t);
            self.schedule(t, Event::Free(n));
        }
        Ok(())
    }

    /// The citizen reaches the counter; service runs its time.
    pub(super) async fn start(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        self.clerk(n)?
            .start(n)
            .await
            .with_context(|| format!("start at counter {n}"))?;
        let held = &self.tickets[self.desk(n)?.current.context("nobody at the counter")?];
        let citizen = &self.citizens[held.citizen];
        let secs = match (&citizen.visit, held.came == Came::Pickup) {
            (Visit::Accepted(a), true) => a.pickup_secs,
            _ => citizen.service_secs,
        };
        self.schedule(t + secs, Event::Finish(n));
        Ok(())
    }

    /// The citizen called never came: the counter calls again.
    pub(super) async fn no_show(&mut self, t: Secs, n: CounterNo) -> anyhow::Result<()> {
        self.clerk(n)?
            .no_show(n)
            .await
            .with_context(|| format!("no_show at counter {n}"))?;
        self.leave(t, n);
        Ok(())
    }
}
