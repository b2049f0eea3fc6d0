//! The catalogue of services and the queues, as kiosks and phones read them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::guide as domain;
use crate::domain::ids::ServiceCode;
use crate::domain::setup as domain_setup;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Catalogue {
    pub hall: String,
    /// The hall's time zone, such as `Asia/Shanghai`, for showing times.
    pub timezone: String,
    pub hours: String,
    pub departments: Vec<Department>,
    pub services: Vec<Guide>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub services: Vec<Guide>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Department {
    /// Short code, also the catalogue file's name, such as `scjg`.
    pub code: String,
    pub name: String,
    /// The name on a kiosk tile, such as 市场监管.
    pub short_name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 即办件: done while the citizen waits.
    Immediate,
    /// 承诺件: done within a promised number of working days.
    Promised,
}

mirror_enum!(ItemKind, domain::ItemKind, [Immediate, Promised]);

/// Something to bring, as the guide lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Material {
    pub name: String,
    /// Originals to bring.
    pub originals: u32,
    /// Photocopies to bring.
    pub copies: u32,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A service guide (办事指南): everything to know about one service item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Guide {
    /// Such as `SCJG-001`.
    pub code: String,
    pub name: String,
    /// The department's code.
    pub department: String,
    pub kind: ItemKind,
    /// The words people actually say, such as 办营业执照.
    pub aliases: Vec<String>,
    /// 设定依据: the laws and regulations behind the item.
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    pub steps: Vec<String>,
    /// 法定办结时限, in working days.
    pub statutory_days: u32,
    /// 承诺办结时限, in working days; 0 for an immediate item.
    pub promised_days: u32,
    pub fees: String,
    pub place: String,
    pub hours: String,
    pub phone: String,
    /// 到现场次数: how many times the citizen must come in person.
    pub visits: u32,
    /// 网办深度, 1 (information online) to 4 (all online).
    pub online_depth: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A 一件事's stages of department tasks; none for an item its own
    /// department reviews alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<Bundle>,
}

/// A 一件事: stages that open one after another, each of department tasks
/// that run side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bundle {
    pub stages: Vec<Stage>,
    pub on_rejection: OnRejection,
    pub results: Release,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stage {
    pub name: String,
    /// 牵头部门, by code.
    pub lead: String,
    pub tasks: Vec<TaskSpec>,
}

/// One department's part of a stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskSpec {
    pub department: String,
    pub name: String,
    /// Promised working days from the day the stage opens.
    pub days: u32,
    /// What the citizen receives from it.
    pub result: String,
    /// The materials of the combined list it needs.
    pub materials: Vec<String>,
}

/// What a task's rejection does to the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnRejection {
    /// The case ends as rejected, with the task's reason.
    EndsCase,
    /// The stage's lead department upholds or overrules it.
    LeadDecides,
}

mirror_enum!(OnRejection, domain::OnRejection, [EndsCase, LeadDecides]);

/// When the citizen receives a bundle's results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    /// All together, once the last stage is approved.
    Together,
    /// Each stage's results as soon as the stage is approved.
    PerStage,
}

mirror_enum!(Release, domain::Release, [Together, PerStage]);

impl From<&domain::Bundle> for Bundle {
    fn from(b: &domain::Bundle) -> Self {
        Self {
            stages: b
                .stages
                .iter()
                .map(|s| Stage {
                    name: s.name.clone(),
                    lead: s.lead.clone(),
                    tasks: s
                        .tasks
                        .iter()
                        .map(|t| TaskSpec {
                            department: t.department.clone(),
                            name: t.name.clone(),
                            days: t.days,
                            result: t.result.clone(),
                            materials: t.materials.clone(),
                        })
                        .collect(),
                })
                .collect(),
            on_rejection: b.on_rejection.into(),
            results: b.results.into(),
        }
    }
}

impl From<&Bundle> for domain::Bundle {
    fn from(b: &Bundle) -> Self {
        Self {
            stages: b
                .stages
                .iter()
                .map(|s| domain::Stage {
                    name: s.name.clone(),
                    lead: s.lead.clone(),
                    tasks: s
                        .tasks
                        .iter()
                        .map(|t| domain::TaskSpec {
                            department: t.department.clone(),
                            name: t.name.clone(),
                            days: t.days,
                            result: t.result.clone(),
                            materials: t.materials.clone(),
                        })
                        .collect(),
                })
                .collect(),
            on_rejection: b.on_rejection.into(),
            results: b.results.into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueInfo {
    /// The letter the queue's numbers start with.
    pub prefix: String,
    pub name: String,
    pub kind: QueueKind,
    pub waiting: u32,
    /// For a ticket taken now.
    pub estimated_wait_minutes: u32,
    pub open_counters: u32,
    pub issued_today: u32,
    pub remaining_today: u32,
}

/// What a queue is for: citizens from the kiosk, or pickups by case number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    Service,
    Pickup,
}

mirror_enum!(QueueKind, domain_setup::QueueKind, [Service, Pickup]);

impl From<&domain::Department> for Department {
    fn from(d: &domain::Department) -> Self {
        Self {
            code: d.code.clone(),
            name: d.name.clone(),
            short_name: d.short_name.clone(),
        }
    }
}

impl From<&domain::Material> for Material {
    fn from(m: &domain::Material) -> Self {
        Self {
            name: m.name.clone(),
            originals: m.originals,
            copies: m.copies,
            required: m.required,
            notes: m.notes.clone(),
        }
    }
}

impl From<&Material> for domain::Material {
    fn from(m: &Material) -> Self {
        Self {
            name: m.name.clone(),
            originals: m.originals,
            copies: m.copies,
            required: m.required,
            notes: m.notes.clone(),
        }
    }
}

impl From<&domain::Guide> for Guide {
    fn from(g: &domain::Guide) -> Self {
        Self {
            code: g.code.0.clone(),
            name: g.name.clone(),
            department: g.department.clone(),
            kind: g.kind.into(),
            aliases: g.aliases.clone(),
            legal_basis: g.legal_basis.clone(),
            conditions: g.conditions.clone(),
            materials: g.materials.iter().map(Material::from).collect(),
            steps: g.steps.clone(),
            statutory_days: g.statutory_days,
            promised_days: g.promised_days,
            fees: g.fees.clone(),
            place: g.place.clone(),
            hours: g.hours.clone(),
            phone: g.phone.clone(),
            visits: g.visits,
            online_depth: g.online_depth,
            notes: g.notes.clone(),
            bundle: g.bundle.as_ref().map(Into::into),
        }
    }
}

/// Back to the domain's guide, for what a client computes locally, such as
/// the kiosk's search index.
impl From<&Guide> for domain::Guide {
    fn from(g: &Guide) -> Self {
        Self {
            code: ServiceCode(g.code.clone()),
            name: g.name.clone(),
            department: g.department.clone(),
            kind: g.kind.into(),
            aliases: g.aliases.clone(),
            legal_basis: g.legal_basis.clone(),
            conditions: g.conditions.clone(),
            materials: g.materials.iter().map(domain::Material::from).collect(),
            steps: g.steps.clone(),
            statutory_days: g.statutory_days,
            promised_days: g.promised_days,
            fees: g.fees.clone(),
            place: g.place.clone(),
            hours: g.hours.clone(),
            phone: g.phone.clone(),
            visits: g.visits,
            online_depth: g.online_depth,
            notes: g.notes.clone(),
            bundle: g.bundle.as_ref().map(Into::into),
        }
    }
}
