//! Service guides (办事指南): everything a citizen must know about one
//! service item, told at once (一次告知).

use serde::{Deserialize, Serialize};

use super::ids::ServiceCode;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Department {
    /// Short code, also the catalogue file's name, such as `scjg`.
    pub code: String,
    pub name: String,
    /// The name on a kiosk tile, such as 市场监管.
    pub short_name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 即办件: done while the citizen waits.
    Immediate,
    /// 承诺件: done within a promised number of working days.
    Promised,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// A 一件事: stages that open one after another, each of department tasks
/// that run side by side, all on the case's one clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub stages: Vec<Stage>,
    /// What a task's rejection does to the case.
    #[serde(default)]
    pub on_rejection: OnRejection,
    /// When the citizen receives the results.
    #[serde(default)]
    pub results: Release,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Such as 立项用地规划许可.
    pub name: String,
    /// 牵头部门: the department that coordinates the stage, by code.
    pub lead: String,
    pub tasks: Vec<TaskSpec>,
}

/// One department's part of a stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    /// The department's code; one task per department in a stage.
    pub department: String,
    /// What the department does, such as 核发营业执照.
    pub name: String,
    /// Promised working days from the day the stage opens.
    pub days: u32,
    /// What the citizen receives from it, such as 营业执照.
    pub result: String,
    /// The materials of the combined list the task needs, by name.
    pub materials: Vec<String>,
}

/// What a task's rejection does to the case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnRejection {
    /// The case ends as rejected, with the task's reason.
    #[default]
    EndsCase,
    /// The stage's lead department upholds the rejection (the case ends)
    /// or overrules it (the task counts as done) after coordinating.
    LeadDecides,
}

/// When the citizen receives a bundle's results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    /// All together, once the last stage is approved.
    #[default]
    Together,
    /// Each stage's results as soon as the stage is approved.
    PerStage,
}

impl Bundle {
    /// Working days the stages take at most, each as long as its longest task.
    pub fn stage_days(&self) -> u32 {
        self.stages
            .iter()
            .map(|s| s.tasks.iter().map(|t| t.days).max().unwrap_or(0))
            .sum()
    }

    /// Every problem with the bundle of `guide`, given the hall's
    /// department codes, as the field (under `bundle`) and what is wrong;
    /// empty when it is sound.
    pub fn problems(&self, guide: &Guide, departments: &[&str]) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let known = |code: &str| departments.contains(&code);
        if self.stages.is_empty() {
            problems.push(("stages".to_owned(), "a bundle needs a stage".to_owned()));
        }
        for (i, stage) in self.stages.iter().enumerate() {
            let at = |field: &str| format!("stages[{i}].{field}");
            if !known(&stage.lead) {
                problems.push((at("lead"), format!("no department {}", stage.lead)));
            }
            if stage.tasks.is_empty() {
                problems.push((at("tasks"), "a stage needs a task".to_owned()));
            }
            for (j, task) in stage.tasks.iter().enumerate() {
                problems.extend(
                    task_problems(task, &stage.tasks[..j], guide, &known)
                        .into_iter()
                        .map(|(field, why)| (at(&format!("tasks[{j}].{field}")), why)),
                );
            }
        }
        if self.stage_days() > guide.promised_days {
            problems.push((
                "stages".to_owned(),
                format!(
                    "the stages take up to {} working days, more than the promised {}",
                    self.stage_days(),
                    guide.promised_days
                ),
            ));
        }
        for m in &guide.materials {
            let tasks = self.stages.iter().flat_map(|s| &s.tasks);
            if !tasks.clone().any(|t| t.materials.contains(&m.name)) {
                problems.push((
                    "stages".to_owned(),
                    format!("no task needs the material “{}”", m.name),
                ));
            }
        }
        problems
    }
}

fn task_problems(
    task: &TaskSpec,
    before: &[TaskSpec],
    guide: &Guide,
    known: &dyn Fn(&str) -> bool,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if !known(&task.department) {
        problems.push(("department", format!("no department {}", task.department)));
    }
    if before.iter().any(|t| t.department == task.department) {
        problems.push((
            "department",
            format!("{} has two tasks in one stage", task.department),
        ));
    }
    if task.days == 0 {
        problems.push(("days", "a task takes at least 1 working day".to_owned()));
    }
    for m in &task.materials {
        if !guide.materials.iter().any(|g| &g.name == m) {
            problems.push(("materials", format!("“{m}” is not on the materials list")));
        }
    }
    problems
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub code: ServiceCode,
    pub name: String,
    /// The department's code; filled from the catalogue file it is in.
    #[serde(default)]
    pub department: String,
    pub kind: ItemKind,
    /// The words people actually say, such as 办营业执照.
    #[serde(default)]
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
    /// A 一件事 reviewed by several departments in stages; none for an
    /// item its own department reviews alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<Bundle>,
}
