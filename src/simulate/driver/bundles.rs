//! The 一件事 cases after the front desk: each department's reviewer claims
//! and decides their own task when its drawn time has passed, a correction
//! stops the case until the applicant brings it to the front desk, and the
//! next stage opens when the last task of one is approved. On the hall day
//! the steps take their turn among the day's events; after it, the clock
//! moves on working day by working day of the hall's calendar, staff log
//! in each morning, until every case is decided or [`MAX_DAYS`] have gone.

use anyhow::{Context, ensure};
use chrono::{Duration, NaiveDate, NaiveTime};

use super::{Driver, Event, Scheduled};
use crate::api::{CaseState, CaseView, CorrectionRequest, DecisionRequest};
use crate::client::Client;
use crate::domain::ids::{CounterNo, Timestamp};
use crate::domain::setup::Role;
use crate::simulate::model::bundles::{BundleDraw, WorkTime};
use crate::simulate::model::{SESSIONS, Secs};
use crate::simulate::report::bundles::{BundleRecord, StageRecord, TaskRecord};

/// Working days after the hall day the simulation follows the cases for.
pub const MAX_DAYS: u32 = 120;

/// What happens to a 一件事 case next: at a task (stage, task), or at the
/// front desk.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    Claim(usize, usize),
    Correction(usize, usize),
    Decide(usize, usize),
    /// The applicant brings every correction asked for.
    Resubmit,
}

/// A 一件事 case on its way.
pub(super) struct BundleRun {
    /// Its index into `cases`.
    pub(super) case: usize,
    pub(super) record: BundleRecord,
    /// Tasks waiting for the applicant: stage, task, working days of work left.
    waiting: Vec<(usize, usize, f64)>,
}

impl Driver<'_> {
    fn draw(&self, run: usize) -> anyhow::Result<&BundleDraw> {
        self.accepted(self.bundles[run].case)?
            .bundle
            .as_ref()
            .context("a 一件事 case without its tasks drawn")
    }

    fn number(&self, run: usize) -> String {
        self.cases[self.bundles[run].case].number.clone()
    }

    /// The front desk accepted a 一件事 case at `t`: its first stage opens.
    pub(super) fn bundle_accepted(&mut self, t: Secs, case: usize) -> anyhow::Result<()> {
        let citizen = self.cases[case].citizen;
        let service = &self.citizens[citizen].service;
        let guide = self
            .config
            .guide(&service.0)
            .context("an unknown service")?;
        let bundle = guide.bundle.as_ref().context("a 一件事 without stages")?;
        let stages = (bundle.stages.iter())
            .map(|s| StageRecord {
                opened: None,
                tasks: (s.tasks.iter())
                    .map(|t| TaskRecord {
                        department: t.department.clone(),
                        days: t.days,
                        decided: None,
                        correction: None,
                    })
                    .collect(),
            })
            .collect();
        self.bundles.push(BundleRun {
            case,
            record: BundleRecord {
                service: service.0.clone(),
                promised_days: guide.promised_days,
                accepted: 0,
                stages,
                waits: Vec::new(),
            },
            waiting: Vec::new(),
        });
        self.open_stage(t, self.bundles.len() - 1, 0, WorkTime::on_hall_day(t))
    }

    /// Schedules `step` of case `run` at `at`: among the hall day's events
    /// (never before `t`, the hall day's now), or on a later working day.
    fn schedule_step(&mut self, t: Secs, at: WorkTime, run: usize, step: Step) {
        let event = Event::Bundle(run, step);
        if at.day == 0 {
            self.schedule(at.clock().max(t), event);
        } else {
            self.seq += 1;
            self.later.push(Scheduled {
                at: at.total(),
                seq: self.seq,
                event,
            });
        }
    }

    fn open_stage(
        &mut self,
        t: Secs,
        run: usize,
        stage: usize,
        at: WorkTime,
    ) -> anyhow::Result<()> {
        let tasks = self.draw(run)?.stages[stage].clone();
        self.bundles[run].record.stages[stage].opened = Some(at);
        for (i, task) in tasks.iter().enumerate() {
            self.schedule_step(t, at.after(task.claim_after), run, Step::Claim(stage, i));
            match &task.correction {
                Some(c) => {
                    self.schedule_step(t, at.after(c.after), run, Step::Correction(stage, i))
                }
                None => self.schedule_step(t, at.after(task.work), run, Step::Decide(stage, i)),
            }
        }
        Ok(())
    }

    pub(super) async fn bundle_step(
        &mut self,
        t: Secs,
        now: WorkTime,
        run: usize,
        step: Step,
    ) -> anyhow::Result<()> {
        match step {
            Step::Claim(stage, task) => {
                let client = self.reviewer_on(now.day, run, stage, task).await?;
                client
                    .claim(&self.number(run))
                    .await
                    .context("claiming a 一件事 task")?;
                Ok(())
            }
            Step::Correction(stage, task) => self.ask_correction(t, now, run, stage, task).await,
            Step::Resubmit => self.resubmit(t, now, run).await,
            Step::Decide(stage, task) => self.decide_task(t, now, run, stage, task).await,
        }
    }

    async fn ask_correction(
        &mut self,
        t: Secs,
        now: WorkTime,
        run: usize,
        stage: usize,
        task: usize,
    ) -> anyhow::Result<()> {
        let draw = self.draw(run)?.stages[stage][task].clone();
        let correction = draw.correction.context("a correction not drawn")?;
        let service = self.bundles[run].record.service.clone();
        let material = (self.config.guide(&service))
            .and_then(|g| g.bundle.as_ref())
            .and_then(|b| b.stages[stage].tasks[task].materials.first().cloned())
            .unwrap_or_else(|| "申请材料".to_owned());
        let request = CorrectionRequest {
            items: vec![format!("{material}：请按审查意见补正后重新提交")],
        };
        let client = self.reviewer_on(now.day, run, stage, task).await?;
        client
            .request_correction(&self.number(run), &request)
            .await
            .context("asking for a correction")?;
        let b = &mut self.bundles[run];
        b.record.stages[stage].tasks[task].correction = Some((now.day, None));
        b.waiting.push((stage, task, draw.work - correction.after));
        // An applicant already asked brings everything at the one return.
        if b.waiting.len() == 1 {
            b.record.waits.push((now.day, None));
            let back = now.days_later(correction.back_in);
            self.schedule_step(t, back, run, Step::Resubmit);
        }
        Ok(())
    }

    async fn resubmit(&mut self, t: Secs, now: WorkTime, run: usize) -> anyhow::Result<()> {
        let client = self.front_desk_on(now.day).await?;
        client
            .resubmit(&self.number(run))
            .await
            .context("bringing a correction")?;
        let b = &mut self.bundles[run];
        if let Some(wait) = b.record.waits.last_mut() {
            wait.1 = Some(now.day);
        }
        let waiting = std::mem::take(&mut b.waiting);
        for (stage, task, _) in &waiting {
            if let Some(c) = &mut b.record.stages[*stage].tasks[*task].correction {
                c.1 = Some(now.day);
            }
        }
        for (stage, task, left) in waiting {
            self.schedule_step(t, now.after(left), run, Step::Decide(stage, task));
        }
        Ok(())
    }

    async fn decide_task(
        &mut self,
        t: Secs,
        now: WorkTime,
        run: usize,
        stage: usize,
        task: usize,
    ) -> anyhow::Result<()> {
        let client = self.reviewer_on(now.day, run, stage, task).await?;
        let approve = DecisionRequest {
            approve: true,
            reason: String::new(),
        };
        let view: CaseView = client
            .decide(&self.number(run), &approve)
            .await
            .context("deciding a 一件事 task")?;
        let stages = &mut self.bundles[run].record.stages;
        stages[stage].tasks[task].decided = Some(now);
        if stages[stage].tasks.iter().any(|t| t.decided.is_none()) {
            return Ok(());
        }
        if stage + 1 < stages.len() {
            let opened = view.bundle.as_ref().and_then(|b| b.stage);
            ensure!(
                opened == Some(stage as u32 + 2),
                "the hub did not open the next stage of {}",
                view.number
            );
            return self.open_stage(t, run, stage + 1, now);
        }
        ensure!(
            view.state == CaseState::Approved,
            "the hub did not approve {} after its last task",
            view.number
        );
        if self.accepted(self.bundles[run].case)?.mail {
            let number = self.number(run);
            self.mail_on(now.day, &number).await?;
        }
        Ok(())
    }

    /// The working day `day` after the hall day.
    fn working_day(&mut self, day: u32) -> anyhow::Result<NaiveDate> {
        let calendar = &self.config.setup.calendar;
        while self.days.len() <= day as usize {
            let last = *self.days.last().context("no hall day")?;
            let next = (1..=30)
                .map(|d| last + Duration::days(d))
                .find(|d| calendar.is_working_day(*d).value)
                .context("no working day in the month after")?;
            self.days.push(next);
        }
        Ok(self.days[day as usize])
    }

    fn moment(&mut self, day: u32, secs: Secs) -> anyhow::Result<Timestamp> {
        let date = self.working_day(day)?;
        Ok(crate::simulate::local(self.config, date, NaiveTime::MIN) + Duration::seconds(secs))
    }

    /// Follows the 一件事 cases over the working days after the hall day:
    /// each morning the hub raises its cards, then the day's steps run in
    /// order of office time.
    pub async fn follow_bundles(&mut self) -> anyhow::Result<()> {
        while let Some(Scheduled { at, event, .. }) = self.later.pop() {
            let at = WorkTime::at(at);
            if at.day > MAX_DAYS {
                self.later.clear();
                break;
            }
            if at.day > self.days_run {
                self.days_run = at.day;
                let morning = self.moment(at.day, SESSIONS[0].0)?;
                self.clock.set(morning);
                self.hub.tick().await.context("a morning's cards")?;
            }
            let when = self.moment(at.day, at.clock())?;
            self.clock.set(when);
            if let Event::Bundle(run, step) = event {
                self.bundle_step(at.clock(), at, run, step).await?;
            }
        }
        Ok(())
    }

    /// `staff` logged in on working day `day` (at `counter`, for a clerk).
    async fn staff_on(
        &mut self,
        day: u32,
        staff: &str,
        counter: Option<CounterNo>,
    ) -> anyhow::Result<Client> {
        if let Some((d, client)) = self.sessions.get(staff)
            && *d == day
        {
            return Ok(client.clone());
        }
        let client = self.log_in(staff, counter).await?;
        self.sessions
            .insert(staff.to_owned(), (day, client.clone()));
        Ok(client)
    }

    /// The reviewer of the department of a task, on working day `day`.
    async fn reviewer_on(
        &mut self,
        day: u32,
        run: usize,
        stage: usize,
        task: usize,
    ) -> anyhow::Result<Client> {
        let department = self.bundles[run].record.stages[stage].tasks[task]
            .department
            .clone();
        if day == 0
            && let Some(r) = self.reviewers.get(&department)
        {
            return Ok(r.client.clone());
        }
        let staff = (self.config.setup.staff.iter())
            .find(|s| s.role == Role::Reviewer && s.department.as_ref() == Some(&department))
            .with_context(|| format!("no reviewer in department {department}"))?
            .id
            .0
            .clone();
        self.staff_on(day, &staff, None).await
    }

    /// A front-desk clerk at their counter on working day `day`.
    async fn front_desk_on(&mut self, day: u32) -> anyhow::Result<Client> {
        let (staff, counter) = self
            .front_desk
            .clone()
            .context("no front desk to bring a correction to")?;
        self.staff_on(day, &staff, Some(counter)).await
    }

    /// The pickup window posts an approved 一件事's results.
    async fn mail_on(&mut self, day: u32, number: &str) -> anyhow::Result<()> {
        if day == 0 {
            return self.mail(number).await;
        }
        let Some((staff, counter)) = self.pickup.clone() else {
            return Ok(());
        };
        let client = self.staff_on(day, &staff, Some(counter)).await?;
        self.post(&client, number).await
    }
}
