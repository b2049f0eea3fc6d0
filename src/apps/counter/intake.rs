//! The intake form: a case for the citizen being served. Checks what the
//! clerk types as they type it, with the same rules the hub applies.

use std::sync::Arc;

use crate::api::{
    ApplicantInput, CaseRequest, CaseView, IntakeDecision, MaterialInput, MaterialsRequest,
};
use crate::api::{CaseState, Guide};
use crate::apps::catalogue::Known;
use crate::apps::words::Say;
use crate::documents::DocumentKind;
use crate::domain::applicant::{Applicant, IdNumber};
use crate::domain::case::MaterialCheck;
use crate::domain::case_flow::IntakeChoice;
use crate::ui::{PrinterProblem, Saying};

/// Services offered for what was typed.
const RESULTS: usize = 12;

/// One material of the chosen guide, ticked or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub name: String,
    pub required: bool,
    pub received: bool,
    pub originals: u32,
    pub copies: u32,
}

impl Tick {
    /// The tick as the domain's rules read it.
    fn check(&self) -> MaterialCheck {
        MaterialCheck {
            name: self.name.clone(),
            required: self.required,
            received: self.received,
            originals: self.originals,
            copies: self.copies,
            note: None,
        }
    }
}

/// A stage of a 一件事 as the intake form lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLine {
    pub name: String,
    /// The lead department's short name.
    pub lead: String,
    /// Its tasks' departments, by short name.
    pub departments: Vec<String>,
}

/// How printing the case's document goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Printing {
    Printing,
    Printed,
    Failed(PrinterProblem),
}

/// What the hub answered, shown very clearly.
#[derive(Clone, Debug, PartialEq)]
pub struct Done {
    pub kind: DocumentKind,
    pub number: String,
    pub printing: Printing,
}

#[derive(Default)]
pub struct IntakeForm {
    pub known: Option<Arc<Known>>,
    pub query: String,
    pub service: Option<String>,
    pub materials: Vec<Tick>,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub mail: bool,
    pub address: String,
    pub reason: String,
    pub error: Option<Say>,
    pub done: Option<Done>,
    /// Cases waiting for the rest of their materials, as the hub last listed.
    pub pending: Vec<CaseView>,
    /// The waiting case being completed, instead of a new one.
    pub reopened: Option<String>,
}

impl IntakeForm {
    /// A blank form, keeping the catalogue and the waiting cases.
    pub fn reset(&mut self) {
        *self = Self {
            known: self.known.take(),
            pending: std::mem::take(&mut self.pending),
            ..Self::default()
        };
    }

    /// Keeps the cases still waiting for materials.
    pub fn set_pending(&mut self, cases: Vec<CaseView>) {
        self.pending = cases
            .into_iter()
            .filter(|c| c.state == CaseState::AwaitingMaterials)
            .collect();
    }

    /// Takes up a waiting case: its service, applicant and checklist as the
    /// hub has them, so the clerk ticks what the citizen brought now.
    pub fn reopen(&mut self, number: &str) {
        let Some(case) = self.pending.iter().find(|c| c.number == number) else {
            return;
        };
        self.service = Some(case.service.clone());
        self.name.clone_from(&case.applicant.name);
        self.id_number.clone_from(&case.applicant.id_number);
        self.phone.clone_from(&case.applicant.phone);
        self.mail = case.mail_to.is_some();
        self.address = case.mail_to.clone().unwrap_or_default();
        self.materials = case
            .materials
            .iter()
            .map(|m| Tick {
                name: m.name.clone(),
                required: m.required,
                received: m.received,
                originals: m.originals,
                copies: m.copies,
            })
            .collect();
        self.reopened = Some(case.number.clone());
        self.error = None;
    }

    /// What the citizen has handed in by now, for a waiting case.
    pub fn materials_request(&self) -> MaterialsRequest {
        MaterialsRequest {
            received: self
                .materials
                .iter()
                .filter(|m| m.received)
                .map(|m| m.name.clone())
                .collect(),
        }
    }

    pub fn results(&self) -> Vec<&Guide> {
        match &self.known {
            Some(k) if !self.query.trim().is_empty() => k.search(&self.query, RESULTS),
            _ => Vec::new(),
        }
    }

    pub fn guide(&self) -> Option<&Guide> {
        self.known.as_ref()?.guide(self.service.as_deref()?)
    }

    /// Chooses the service; its materials start unticked.
    pub fn pick(&mut self, code: &str) {
        let Some(guide) = self.known.as_ref().and_then(|k| k.guide(code)) else {
            return;
        };
        self.materials = guide
            .materials
            .iter()
            .map(|m| Tick {
                name: m.name.clone(),
                required: m.required,
                received: false,
                originals: m.originals,
                copies: m.copies,
            })
            .collect();
        self.service = Some(code.to_owned());
        self.reopened = None;
        self.error = None;
    }

    /// The chosen 一件事's stages, each with its departments; none for a
    /// service one department reviews alone.
    pub fn stages(&self) -> Vec<StageLine> {
        let (Some(known), Some(bundle)) =
            (&self.known, self.guide().and_then(|g| g.bundle.as_ref()))
        else {
            return Vec::new();
        };
        (bundle.stages.iter())
            .map(|s| StageLine {
                name: s.name.clone(),
                lead: known.department_name(&s.lead),
                departments: (s.tasks.iter())
                    .map(|t| known.department_name(&t.department))
                    .collect(),
            })
            .collect()
    }

    /// The departments of the chosen 一件事 whose tasks need `material`, by
    /// short name, each once.
    pub fn needed_by(&self, material: &str) -> Vec<String> {
        let (Some(known), Some(bundle)) =
            (&self.known, self.guide().and_then(|g| g.bundle.as_ref()))
        else {
            return Vec::new();
        };
        let mut departments: Vec<String> = Vec::new();
        let tasks = bundle.stages.iter().flat_map(|s| &s.tasks);
        for task in tasks.filter(|t| t.materials.iter().any(|m| m == material)) {
            let name = known.department_name(&task.department);
            if !departments.contains(&name) {
                departments.push(name);
            }
        }
        departments
    }

    pub fn toggle(&mut self, index: usize) {
        if let Some(m) = self.materials.get_mut(index) {
            m.received = !m.received;
        }
    }

    /// Whether the form offers `choice` now: a service chosen, the domain's
    /// rule for the materials as ticked, and no refusal of a waiting case,
    /// which was taken in already and lacks only materials.
    pub fn offers(&self, choice: IntakeChoice) -> bool {
        let checks: Vec<MaterialCheck> = self.materials.iter().map(Tick::check).collect();
        self.service.is_some()
            && !(self.reopened.is_some() && choice == IntakeChoice::Refuse)
            && choice.fits(&checks)
    }

    /// What is wrong with the ID number typed so far, once it is long enough
    /// to judge.
    pub fn id_problem(&self) -> Say {
        let typed: String = self
            .id_number
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if typed.chars().count() < 18 {
            return Say::Nothing;
        }
        match IdNumber::parse(&typed) {
            Err(e) => Say::refused(e.code(), e.to_string()),
            Ok(_) => Say::Nothing,
        }
    }

    /// What is wrong with the phone typed, once something is typed.
    pub fn phone_problem(&self) -> Say {
        if self.phone.trim().is_empty() {
            return Say::Nothing;
        }
        match Applicant::new("某", "11010519491231002X", &self.phone) {
            Err(_) => Say::App(Saying::PhoneInvalid),
            Ok(_) => Say::Nothing,
        }
    }

    /// The request for the hub, or what is still wrong, for the clerk.
    ///
    /// # Errors
    /// No service, an applicant the hub would refuse, a refusal without reason.
    pub fn request(&self, intake: IntakeDecision) -> Result<CaseRequest, Say> {
        let service = self
            .service
            .clone()
            .ok_or(Say::App(Saying::ChooseService))?;
        Applicant::new(&self.name, &self.id_number, &self.phone)
            .map_err(|e| Say::refused(e.code(), e.to_string()))?;
        if intake == IntakeDecision::Refuse && self.reason.trim().is_empty() {
            return Err(Say::App(Saying::RefusalReasonNeeded));
        }
        if self.mail && self.address.trim().is_empty() {
            return Err(Say::App(Saying::AddressNeeded));
        }
        Ok(CaseRequest {
            service,
            applicant: ApplicantInput {
                name: self.name.trim().to_owned(),
                id_number: self.id_number.clone(),
                phone: self.phone.clone(),
            },
            materials: self
                .materials
                .iter()
                .map(|m| MaterialInput {
                    name: m.name.clone(),
                    received: m.received,
                    note: None,
                })
                .collect(),
            mail_to: self.mail.then(|| self.address.trim().to_owned()),
            intake,
            reason: (intake == IntakeDecision::Refuse).then(|| self.reason.trim().to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Bundle, Catalogue, Department, OnRejection, Release, Stage, TaskSpec};
    use crate::api::{ItemKind, Material};

    fn material(name: &str, required: bool) -> Material {
        Material {
            name: name.into(),
            originals: 1,
            copies: 0,
            required,
            notes: None,
        }
    }

    /// A 一件事 of two stages: 市场监管 and 税务, then 市场监管 again.
    fn bundle_guide() -> Guide {
        let task = |department: &str, materials: &[&str]| TaskSpec {
            department: department.into(),
            name: format!("{department} 审批"),
            days: 1,
            result: format!("{department} 证照"),
            materials: materials.iter().map(|m| (*m).to_owned()).collect(),
        };
        let stage = |name: &str, tasks| Stage {
            name: name.into(),
            lead: "scjg".into(),
            tasks,
        };
        Guide {
            code: "ZWFW-001".into(),
            name: "开办企业一件事".into(),
            materials: vec![material("申请表", true), material("章程", true)],
            bundle: Some(Bundle {
                stages: vec![
                    stage(
                        "并联办理",
                        vec![task("scjg", &["申请表", "章程"]), task("sw", &["申请表"])],
                    ),
                    stage("领证", vec![task("scjg", &["申请表"])]),
                ],
                on_rejection: OnRejection::EndsCase,
                results: Release::Together,
            }),
            ..single_guide()
        }
    }

    fn single_guide() -> Guide {
        Guide {
            code: "SCJG-001".into(),
            name: "企业设立登记".into(),
            department: "scjg".into(),
            kind: ItemKind::Promised,
            aliases: vec!["办执照".into()],
            legal_basis: vec![],
            conditions: vec![],
            materials: vec![material("申请书", true), material("委托书", false)],
            steps: vec![],
            statutory_days: 3,
            promised_days: 1,
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

    fn form() -> IntakeForm {
        let department = |code: &str, short_name: &str| Department {
            code: code.into(),
            name: format!("{short_name}局"),
            short_name: short_name.into(),
        };
        let catalogue = Catalogue {
            hall: "测试".into(),
            timezone: "Asia/Shanghai".into(),
            hours: String::new(),
            departments: vec![department("scjg", "市场监管"), department("sw", "税务")],
            services: vec![single_guide(), bundle_guide()],
        };
        IntakeForm {
            known: Some(Arc::new(Known::new(catalogue))),
            ..IntakeForm::default()
        }
    }

    #[test]
    fn picking_a_service_lists_its_materials_unticked() {
        let mut f = form();
        f.query = "qysldj".into();
        assert_eq!(f.results().len(), 1);
        f.pick("SCJG-001");
        assert_eq!(f.materials.len(), 2);
        assert!(!f.offers(IntakeChoice::Accept));
        assert!(f.offers(IntakeChoice::Notice));
        f.toggle(0);
        assert!(
            f.offers(IntakeChoice::Accept),
            "the optional one may be missing"
        );
        assert!(!f.offers(IntakeChoice::Notice), "nothing to notify");
        assert!(f.offers(IntakeChoice::Refuse));
    }

    #[test]
    fn a_bundle_lists_its_stages_and_who_needs_each_material() {
        let mut f = form();
        f.pick("SCJG-001");
        assert!(f.stages().is_empty(), "one department reviews it alone");
        assert!(f.needed_by("申请书").is_empty());
        f.pick("ZWFW-001");
        let stages = f.stages();
        assert_eq!(stages.len(), 2);
        assert_eq!(
            (stages[0].lead.as_str(), stages[0].departments.as_slice()),
            (
                "市场监管",
                ["市场监管".to_owned(), "税务".to_owned()].as_slice()
            )
        );
        assert_eq!(f.needed_by("申请表"), ["市场监管", "税务"], "each once");
        assert_eq!(f.needed_by("章程"), ["市场监管"]);
    }

    #[test]
    fn the_id_number_is_judged_once_complete() {
        let mut f = form();
        f.id_number = "1101051949".into();
        assert_eq!(f.id_problem(), Say::Nothing, "still typing");
        f.id_number = "110105194912310021".into();
        assert!(
            matches!(f.id_problem(), Say::Refused(r) if r.code == "invalid_id_number"),
            "a wrong check digit"
        );
        f.id_number = "11010519491231002X".into();
        assert_eq!(f.id_problem(), Say::Nothing);
        f.phone = "12345".into();
        assert_eq!(f.phone_problem(), Say::App(Saying::PhoneInvalid));
    }

    #[test]
    fn requests_are_checked_before_they_go() {
        let mut f = form();
        assert!(f.request(IntakeDecision::Accept).is_err(), "no service");
        f.pick("SCJG-001");
        f.name = "张三".into();
        f.id_number = "11010519491231002X".into();
        f.phone = "13812345678".into();
        assert_eq!(
            f.request(IntakeDecision::Refuse).unwrap_err(),
            Say::App(Saying::RefusalReasonNeeded)
        );
        let request = f.request(IntakeDecision::Notice).unwrap();
        assert_eq!(request.materials.len(), 2);
        assert!(request.mail_to.is_none());
    }
}
