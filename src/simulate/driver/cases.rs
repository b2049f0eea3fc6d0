//! The back half of a visit: the case opened at the front desk, its review
//! by the department (a 一件事's by its departments: see `bundles`), and
//! the result mailed or handed over at the pickup window.

use anyhow::{Context, bail};

use super::{CaseRun, Driver, Event};
use crate::api::{
    ApplicantInput, CaseRequest, CaseView, DecisionRequest, IntakeDecision, MaterialInput,
    PickupRequest,
};
use crate::client::Client;
use crate::domain::ids::CounterNo;
use crate::domain::setup::CounterKind;
use crate::simulate::model::{self, Accepted, SESSIONS, Secs, Visit};

impl<'a> Driver<'a> {
    /// The front desk opens the citizen's case, as their visit goes.
    pub(super) async fn open_case(
        &mut self,
        t: Secs,
        n: CounterNo,
        citizen: usize,
    ) -> anyhow::Result<()> {
        let citizens = self.citizens;
        let c = &citizens[citizen];
        let (intake, accepted) = match &c.visit {
            Visit::Enquiry => return Ok(()),
            Visit::Notice => (IntakeDecision::Notice, None),
            Visit::Refused => (IntakeDecision::Refuse, None),
            Visit::Accepted(a) => (IntakeDecision::Accept, Some(a)),
        };
        let Some(guide) = self.config.guide(&c.service.0) else {
            return Ok(());
        };
        let first_required = guide.materials.iter().position(|m| m.required);
        if intake == IntakeDecision::Notice && first_required.is_none() {
            return Ok(());
        }
        let materials = guide
            .materials
            .iter()
            .enumerate()
            .map(|(i, m)| MaterialInput {
                name: m.name.clone(),
                received: !(intake == IntakeDecision::Notice && Some(i) == first_required),
                note: None,
            })
            .collect();
        let request = CaseRequest {
            service: c.service.0.clone(),
            applicant: ApplicantInput {
                name: model::name(citizen),
                id_number: model::id_number(citizen),
                phone: model::phone(citizen),
            },
            materials,
            mail_to: accepted
                .filter(|a| a.mail)
                .map(|_| format!("杭州市西湖区文三路 {} 号", citizen % 500 + 1)),
            intake,
            reason: (intake == IntakeDecision::Refuse)
                .then(|| "申请事项不属于本机关职权范围".to_owned()),
        };
        let case: CaseView = self
            .desk(n)?
            .client
            .open_case(&request)
            .await
            .with_context(|| format!("opening a case for {}", c.service))?;
        let f = &mut self.case_figures;
        f.opened += 1;
        match intake {
            IntakeDecision::Notice => f.notices += 1,
            IntakeDecision::Refuse => f.refused += 1,
            IntakeDecision::Accept => f.accepted += 1,
        }
        if intake != IntakeDecision::Accept {
            return Ok(());
        }
        self.route(t, citizen, case)
    }

    /// An accepted case goes to its department's inbox; a 一件事's first
    /// stage opens.
    fn route(&mut self, t: Secs, citizen: usize, case: CaseView) -> anyhow::Result<()> {
        let index = self.cases.len();
        self.case_of.insert(citizen, index);
        self.cases.push(CaseRun {
            number: case.number,
            citizen,
        });
        if case.bundle.is_some() {
            return self.bundle_accepted(t, index);
        }
        if let Some(reviewer) = self.reviewers.get_mut(&case.department) {
            reviewer.inbox.push_back(index);
            self.schedule(t, Event::Review(case.department));
        }
        Ok(())
    }

    pub(super) fn accepted(&self, case: usize) -> anyhow::Result<&'a Accepted> {
        let citizens = self.citizens;
        match &citizens[self.cases[case].citizen].visit {
            Visit::Accepted(a) => Ok(a),
            _ => bail!("a case the citizen did not have accepted"),
        }
    }

    /// The department's reviewer, if free and in office hours, claims the
    /// next case and decides it once its review time has been worked.
    pub(super) async fn review(&mut self, t: Secs, department: String) -> anyhow::Result<()> {
        let Some(reviewer) = self.reviewers.get(&department) else {
            return Ok(());
        };
        if reviewer.busy || reviewer.inbox.is_empty() {
            return Ok(());
        }
        match model::next_open(t) {
            None => return Ok(()),
            Some(open) if open > t => {
                self.schedule(open, Event::Review(department));
                return Ok(());
            }
            Some(_) => {}
        }
        let reviewer = self.reviewers.get_mut(&department).context("a reviewer")?;
        let case = reviewer.inbox.pop_front().context("an empty inbox")?;
        reviewer.busy = true;
        let client = reviewer.client.clone();
        client
            .claim(&self.cases[case].number)
            .await
            .context("claiming a case")?;
        // A review the day cannot finish stays claimed and undecided.
        if let Some(done) = model::after_work(t, self.accepted(case)?.review_secs) {
            self.schedule(done, Event::Decide(department, case));
        }
        Ok(())
    }

    pub(super) async fn decide(
        &mut self,
        t: Secs,
        department: String,
        case: usize,
    ) -> anyhow::Result<()> {
        let accepted = self.accepted(case)?;
        let number = self.cases[case].number.clone();
        let reviewer = self.reviewers.get_mut(&department).context("a reviewer")?;
        reviewer.busy = false;
        let client = reviewer.client.clone();
        let decision = DecisionRequest {
            approve: accepted.approve,
            reason: if accepted.approve {
                String::new()
            } else {
                "经审查，申请材料不符合法定条件".to_owned()
            },
        };
        client
            .decide(&number, &decision)
            .await
            .context("deciding a case")?;
        *self.single_decided.entry(department.clone()).or_default() += 1;
        if accepted.approve {
            if accepted.mail {
                self.mail(&number).await?;
            } else if let Some(after) = accepted.returns_after {
                self.come_back(t, case, after);
            }
        }
        self.schedule(t, Event::Review(department));
        Ok(())
    }

    /// The approved citizen returns for the result while the hall is open,
    /// over lunch coming after it; too late, another day.
    fn come_back(&mut self, t: Secs, case: usize, after: Secs) {
        let mut back = t + after;
        let (lunch, afternoon) = (SESSIONS[0].1, SESSIONS[1].0);
        if (lunch..afternoon).contains(&back) {
            back += afternoon - lunch;
        }
        if back < SESSIONS[1].1 {
            self.schedule(back, Event::Collect(self.cases[case].citizen));
        }
    }

    fn pickup_desk(&self) -> Option<CounterNo> {
        self.desks
            .iter()
            .find(|(n, _)| {
                self.config
                    .setup
                    .counter(**n)
                    .is_some_and(|c| c.kind == CounterKind::Pickup)
            })
            .map(|(n, _)| *n)
    }

    /// The pickup window posts the result.
    pub(super) async fn mail(&mut self, number: &str) -> anyhow::Result<()> {
        let Some(n) = self.pickup_desk() else {
            return Ok(());
        };
        let client = self.desk(n)?.client.clone();
        self.post(&client, number).await
    }

    /// `clerk` of the pickup window records the result mailed.
    pub(super) async fn post(&self, clerk: &Client, number: &str) -> anyhow::Result<()> {
        let mailed = PickupRequest {
            collected_by: None,
            tracking_number: Some(format!("EMS{number}")),
        };
        clerk
            .pick_up(number, &mailed)
            .await
            .context("mailing a result")?;
        Ok(())
    }

    pub(super) async fn hand_over(&mut self, n: CounterNo, citizen: usize) -> anyhow::Result<()> {
        let case = *self
            .case_of
            .get(&citizen)
            .context("a pickup without a case")?;
        let number = &self.cases[case].number;
        let collected = PickupRequest {
            collected_by: Some("申请人本人".to_owned()),
            tracking_number: None,
        };
        self.desk(n)?
            .client
            .pick_up(number, &collected)
            .await
            .context("handing a result over")?;
        Ok(())
    }
}
