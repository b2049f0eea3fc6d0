//! The printable documents of a case (办件) issued at the intake counter: the
//! one-time notice of missing materials (一次性告知书), the acceptance receipt
//! (业务受理单) and the notice of refusal (不予受理通知书).
//!
//! A document is plain data, already in the words and formats the citizen
//! reads ([`CaseDocument`]). It comes out two ways with the same content: an
//! A4 page to print and archive ([`html()`]), and a slip for the counter's
//! thermal printer ([`slip()`], [`print()`]).
//!
//! - `content`: what each kind of document says, shared by both;
//! - `page`: the A4 HTML page;
//! - `slip`: the ESC/POS slip.

mod content;
mod page;
mod slip;

pub use page::html;
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
}

impl DocumentKind {
    /// The document's title, as printed at its head.
    pub fn title(self) -> &'static str {
        match self {
            Self::MissingMaterials => "一次性告知书",
            Self::Acceptance => "业务受理单",
            Self::Refusal => "不予受理通知书",
        }
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
    /// The issue date, formatted, such as `2026年3月2日`.
    pub date: String,
    /// The counter that issued the document, such as `1号窗口 综合受理`.
    pub counter: String,
    /// The clerk who issued it: staff id and name, such as `1001 张敏`.
    pub staff: String,
    /// Materials: still missing on a notice, received on a receipt. Not
    /// printed on a refusal.
    pub lines: Vec<DocumentLine>,
    /// The promised time limit and expected completion, such as
    /// `承诺 3 个工作日办结，预计 2026年3月5日 前办结`. Receipt only.
    pub promised: Option<String>,
    /// How the result reaches the applicant, such as `统一出件窗口领取` or
    /// `邮寄：…` with the address. Receipt only.
    pub delivery: Option<String>,
    /// Why the case is refused. Refusal only.
    pub reason: Option<String>,
    /// Where to bring the missing materials or collect the result.
    pub place: String,
    /// The hall's phone for questions.
    pub phone: String,
}

/// One material on a document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocumentLine {
    /// The material's name, such as 营业执照.
    pub name: String,
    /// On a notice, why it is needed (the material's note; left empty, the
    /// document says 缺少此项必需材料); on a receipt, what was received,
    /// such as `原件 1 份，复印件 1 份`.
    pub detail: String,
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
