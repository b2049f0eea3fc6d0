//! The printable documents of a case (办件): at the intake counter the
//! one-time notice of missing materials (一次性告知书), the acceptance receipt
//! (业务受理单), the notice of refusal (不予受理通知书) and the notice of
//! correction (补正告知书); at the unified pickup window the hand-over list
//! (交付清单). A 一件事's receipt lists every department's task, and its
//! notices name the departments each line is for.
//!
//! A document is plain data, already in the words and formats the citizen
//! reads ([`CaseDocument`]). It comes out two ways with the same content: an
//! A4 page to print and archive ([`html()`]), and a slip for the counter's
//! thermal printer ([`slip()`], [`print()`]). Both carry a QR code of the
//! case's page on the hall's public face, `/c?case=…`, where the citizen
//! follows the case from their phone ([`case_page_url`]).
//!
//! - `content`: what each kind of document says, shared by both;
//! - `page`: the A4 HTML page;
//! - `slip`: the ESC/POS slip.

mod content;
mod page;
mod slip;

pub use page::{html, qr_modules};
pub use slip::slip;

use crate::devices::printer::{self, PrinterError, PrinterStatus, TicketPrinter};

/// Which document: each has its own title, wording and fields.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 一次性告知书: what the citizen still has to bring, all at once, so
    /// they come back only once. The time limit has not started.
    MissingMaterials,
    /// 业务受理单: the case is accepted and the time limit runs.
    Acceptance,
    /// 不予受理通知书: the case is refused, with the reason and the remedy.
    Refusal,
    /// 补正告知书: what the reviewing departments ask the citizen to
    /// correct, all at once; the clock stands still until they do.
    Correction,
    /// 交付清单: every result handed over at the pickup window (or mailed),
    /// for the citizen to check and sign.
    Handover,
}

impl DocumentKind {
    /// Every kind, in the order a case meets them.
    pub const ALL: [Self; 5] = [
        Self::MissingMaterials,
        Self::Acceptance,
        Self::Refusal,
        Self::Correction,
        Self::Handover,
    ];

    /// The document's title, as printed at its head.
    pub fn title(self) -> &'static str {
        match self {
            Self::MissingMaterials => "一次性告知书",
            Self::Acceptance => "业务受理单",
            Self::Refusal => "不予受理通知书",
            Self::Correction => "补正告知书",
            Self::Handover => "交付清单",
        }
    }

    /// The kind's segment in `/api/v1/cases/{number}/documents/{kind}`.
    pub fn path(self) -> &'static str {
        match self {
            Self::MissingMaterials => "notice",
            Self::Acceptance => "receipt",
            Self::Refusal => "refusal",
            Self::Correction => "correction",
            Self::Handover => "handover",
        }
    }

    /// The kind a path segment names, if any.
    pub fn from_path(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.path() == segment)
    }
}

/// Everything printed on a case document, already formatted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CaseDocument {
    /// Which document this is.
    pub kind: DocumentKind,
    /// The hall's name, above the title.
    pub hall_name: String,
    /// The case number, 12 digits such as `202603020007`: what the citizen
    /// quotes to reopen the case, add materials or collect the result.
    pub case_number: String,
    /// The case's page on the hall's public face (`[hall] public_url`),
    /// such as `https://yimen.example.gov.cn/c?case=202603020007`: what
    /// the document's QR code opens on the citizen's phone. None when the
    /// hall names no public face: the slip's QR then holds the number
    /// alone, and the page has none.
    #[serde(default)]
    pub page_url: Option<String>,
    /// The service applied for, such as 企业设立登记.
    pub service_name: String,
    /// The service's code in the catalogue, printed beside its name.
    pub service_code: String,
    /// The department that decides the case.
    pub department_name: String,
    /// The applicant: a person or a company.
    pub applicant_name: String,
    /// The applicant's ID number, masked, such as `1101**********1234`.
    pub id_number_masked: String,
    /// The applicant's phone, masked, such as `138****5678`.
    pub phone_masked: String,
    /// The issue date, formatted, such as `2026年3月2日`: the day the case
    /// was opened or accepted; for a notice of correction the day it was
    /// asked for; for a hand-over list the day of the hand-over.
    pub date: String,
    /// The counter that issued the document, such as `1号窗口 综合受理`:
    /// where the case was opened; for a notice of correction or a hand-over
    /// list, where it is printed.
    pub counter: String,
    /// The clerk who issued it: staff id and name, such as `1001 张敏`.
    pub staff: String,
    /// The lines of the document's table: materials still missing on a
    /// notice and received on a receipt, the items to correct on a notice
    /// of correction, the results on a hand-over list. Not printed on a
    /// refusal.
    pub lines: Vec<DocumentLine>,
    /// A 一件事's department tasks, stage by stage. Receipt only; empty for
    /// a case one department reviews.
    #[serde(default)]
    pub tasks: Vec<DocumentTask>,
    /// The promised time limit and expected completion, such as
    /// `承诺 3 个工作日办结，预计 2026年3月5日 前办结`. Receipt only.
    pub promised: Option<String>,
    /// How the result reaches the applicant, such as `统一出件窗口领取` or
    /// `邮寄：…` with the address. Receipt and hand-over list only.
    pub delivery: Option<String>,
    /// Why the case is refused. Refusal only.
    pub reason: Option<String>,
    /// Where to bring the missing materials or collect the result.
    pub place: String,
    /// The hall's phone for questions.
    pub phone: String,
}

/// One line of a document's table: a material, an item to correct or a
/// result.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocumentLine {
    /// The material's name, such as 营业执照; on a notice of correction,
    /// what to correct; on a hand-over list, the result handed over.
    pub name: String,
    /// On a notice, why it is needed (the material's note; left empty, the
    /// document says 缺少此项必需材料); on a receipt, what was received,
    /// such as `原件 1 份，复印件 1 份`; on a hand-over list, the task that
    /// issued the result. Not printed on a notice of correction.
    pub detail: String,
    /// For a 一件事, the departments the line is for, by name: on a notice
    /// those whose tasks need the material (a material several need is
    /// listed once, naming them all), on a notice of correction the one
    /// that asks, on a hand-over list the one that issued the result.
    /// Empty for a case one department reviews.
    #[serde(default)]
    pub departments: Vec<String>,
}

/// One department's task of a 一件事, as the receipt lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocumentTask {
    /// The stage, from 1: stages run one after another.
    pub stage: u32,
    /// Such as 立项用地规划许可.
    pub stage_name: String,
    /// The department, by name, such as 税务局.
    pub department_name: String,
    /// What the department does, such as 核发营业执照.
    pub name: String,
    /// What the citizen receives from it, such as 营业执照（正、副本）.
    pub result: String,
    /// The working days promised for the task, from the day its stage opens.
    pub days: u32,
}

/// The case page on the public face at `public_url`, the number filled in:
/// what a document's QR code opens.
pub fn case_page_url(public_url: &str, case_number: &str) -> String {
    format!("{public_url}/c?case={case_number}")
}

/// Prints a document's slip on the counter's printer, after making sure the
/// printer can, as [`printer::print_ticket`] does for a ticket.
///
/// Returns the status read before printing, so the counter can tell the
/// clerk when the paper is nearly out.
///
/// # Errors
/// [`PrinterError::PaperOut`], [`PrinterError::CoverOpen`] or
/// [`PrinterError::Offline`] before anything is sent; [`PrinterError::Io`]
/// when the connection fails; [`PrinterError::Layout`] when the slip cannot
/// be laid out.
pub fn print<P>(printer: &mut P, doc: &CaseDocument) -> Result<PrinterStatus, PrinterError>
where
    P: TicketPrinter + ?Sized,
{
    let job = slip(doc, printer.paper())?;
    let status = printer::print_job(printer, &job)?;
    tracing::debug!(
        printer = %printer.name(),
        case = %doc.case_number,
        document = doc.kind.title(),
        bytes = job.len(),
        "case document printed"
    );
    Ok(status)
}
