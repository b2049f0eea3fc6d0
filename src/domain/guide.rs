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
}
