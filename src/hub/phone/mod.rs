//! The citizen's phone: pages on either face, no app, no login.
//!
//! - `GET /t/{id}`: a ticket's live page, what the printed QR opens;
//! - `GET /c`: a case's progress, by its number and the last four
//!   characters of the applicant's ID number or phone;
//! - `GET /b`: booking a time at the hall (预约取号), and `GET /b/cancel`:
//!   cancelling a booking by its code and the ID number's last four;
//! - `GET /b/qr/{code}.svg`: a booking code's QR (`qr`);
//! - `GET /phone/{file}`: the pages' style and scripts;
//! - `GET /fonts/yimen.css`, `GET /fonts/{file}`: the hall's web font
//!   (`font`), which the display wall uses too;
//! - `POST /api/v1/case-status`: what `/c` asks, answered the same for an
//!   unknown number and a wrong last four, with wrong guesses braked per
//!   case and per address (`guesses`).
//!
//! The pages are plain HTML, CSS and JavaScript in `web/phone/`, embedded
//! at build time and served as they are: everything they show comes from
//! the API as JSON and is put on screen as text, never as markup.

mod font;
mod guesses;
mod qr;

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::OnceCell;

use self::font::WebFont;
use self::guesses::Guesses;
use super::Hub;
use super::auth::ClientAddress;
use super::error::{HubError, Json, Path};
use super::throttle::RetryAfter;
use crate::api::{
    CaseLookupRequest, CaseProgressView, DepartmentProgress, PickupPlace, StageProgressView,
};
use crate::config::Config;
use crate::domain::case::{Case, is_case_number};
use crate::domain::error::QueueError;
use crate::domain::policy;
use crate::domain::progress::{self, StageState};
use crate::domain::setup::CounterKind;

const TICKET_PAGE: &str = include_str!("../../../web/phone/ticket.html");
const CASE_PAGE: &str = include_str!("../../../web/phone/case.html");
const STYLE: &str = include_str!("../../../web/phone/phone.css");
const COMMON_SCRIPT: &str = include_str!("../../../web/phone/phone.js");
const TICKET_SCRIPT: &str = include_str!("../../../web/phone/ticket.js");
const CASE_SCRIPT: &str = include_str!("../../../web/phone/case.js");
const BOOK_PAGE: &str = include_str!("../../../web/phone/book.html");
const BOOK_STYLE: &str = include_str!("../../../web/phone/book.css");
const BOOK_SCRIPT: &str = include_str!("../../../web/phone/book.js");
const CANCEL_PAGE: &str = include_str!("../../../web/phone/cancel.html");
const CANCEL_SCRIPT: &str = include_str!("../../../web/phone/cancel.js");
/// Every page that asks for the hall's font: their characters go into it.
const DISPLAY_PAGE: &str = include_str!("../display.html");

/// What a wrong guess and an unknown case are both told.
const NO_SUCH_CASE: &str = "没有找到该办件，请核对办件编号和证件号码（或手机号码）后四位";

/// The phone's share of the hub: the web font, once built, and the brake
/// on guessing.
#[derive(Default)]
pub struct Phone {
    font: OnceCell<Result<Arc<WebFont>, String>>,
    guesses: Guesses,
}

impl Hub {
    /// The hall's web font, built on the first call.
    async fn web_font(&self) -> Result<Arc<WebFont>, HubError> {
        let built = self
            .phone
            .font
            .get_or_init(|| async {
                let config = self.config.clone();
                let texts = [
                    TICKET_PAGE,
                    CASE_PAGE,
                    COMMON_SCRIPT,
                    TICKET_SCRIPT,
                    CASE_SCRIPT,
                    BOOK_PAGE,
                    BOOK_SCRIPT,
                    CANCEL_PAGE,
                    CANCEL_SCRIPT,
                    DISPLAY_PAGE,
                ];
                tokio::task::spawn_blocking(move || font::build(&config, &texts).map(Arc::new))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
            })
            .await;
        built
            .clone()
            .map_err(|e| HubError::Internal(format!("the web font: {e}")))
    }

    /// Checks that `last_four` prove the asker applied for case `number`,
    /// as one guess from `address`.
    ///
    /// # Errors
    /// `ProofMismatch` for an unknown case or a wrong last four;
    /// `TooManyGuesses` once the case or the address has had its share.
    pub(super) fn prove_applicant(
        &self,
        address: IpAddr,
        number: &str,
        last_four: Option<&str>,
    ) -> Result<(), HubError> {
        let right = || {
            let hall = self.hall();
            let case = hall.case(number);
            matches!((case, last_four), (Some(c), Some(four)) if policy::proves_applicant(c, four))
        };
        match self.phone_guess(address, number, right)? {
            true => Ok(()),
            false => Err(QueueError::ProofMismatch.into()),
        }
    }

    /// Puts one guess of a citizen's proof for `key` (a case number, a
    /// booking) to `right`, braked per key and per address.
    ///
    /// # Errors
    /// `TooManyGuesses` once the key or the address has had its share.
    pub(super) fn phone_guess(
        &self,
        address: IpAddr,
        key: &str,
        right: impl FnOnce() -> bool,
    ) -> Result<bool, HubError> {
        self.phone
            .guesses
            .attempt(address, key, self.clock.now(), right)
            .map_err(|RetryAfter(retry_after)| HubError::TooManyGuesses { retry_after })
    }
}

/// A page, script or image, read afresh by the browser each time it is
/// opened.
fn fresh(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // A ticket's id and a booking's code are secrets.
            (header::REFERRER_POLICY, "no-referrer"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response()
}

const HTML: &str = "text/html; charset=utf-8";

/// A ticket's page: the id in its address is read by the page's script.
pub async fn ticket_page(Path(_id): Path<String>) -> Response {
    fresh(HTML, TICKET_PAGE)
}

/// The case lookup page.
pub async fn case_page() -> Response {
    fresh(HTML, CASE_PAGE)
}

/// The booking page.
pub async fn book_page() -> Response {
    fresh(HTML, BOOK_PAGE)
}

/// The page that cancels a booking.
pub async fn cancel_page() -> Response {
    fresh(HTML, CANCEL_PAGE)
}

/// A booking code's QR as SVG, `{code}.svg`: what the booking page shows.
pub async fn booking_qr(Path(file): Path<String>) -> Result<Response, HubError> {
    let svg = file
        .strip_suffix(".svg")
        .filter(|code| qr::is_drawable(code))
        .and_then(qr::svg)
        .ok_or(HubError::NotFound("没有这个地址"))?;
    Ok(fresh("image/svg+xml", svg))
}

/// The pages' style and scripts.
pub async fn asset(Path(file): Path<String>) -> Result<Response, HubError> {
    let (kind, body) = match file.as_str() {
        "phone.css" => ("text/css; charset=utf-8", STYLE),
        "phone.js" => ("text/javascript; charset=utf-8", COMMON_SCRIPT),
        "ticket.js" => ("text/javascript; charset=utf-8", TICKET_SCRIPT),
        "case.js" => ("text/javascript; charset=utf-8", CASE_SCRIPT),
        "book.css" => ("text/css; charset=utf-8", BOOK_STYLE),
        "book.js" => ("text/javascript; charset=utf-8", BOOK_SCRIPT),
        "cancel.js" => ("text/javascript; charset=utf-8", CANCEL_SCRIPT),
        _ => return Err(HubError::NotFound("没有这个地址")),
    };
    Ok(fresh(kind, body))
}

/// The `@font-face` rules of the hall's font.
pub async fn font_css(State(hub): State<Arc<Hub>>) -> Result<Response, HubError> {
    let font = hub.web_font().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        font.css.clone(),
    )
        .into_response())
}

/// One of the font's two files, named by its content: kept for a year.
pub async fn font_file(
    State(hub): State<Arc<Hub>>,
    Path(file): Path<String>,
) -> Result<Response, HubError> {
    let font = hub.web_font().await?;
    let bytes = font.file(&file).ok_or(HubError::NotFound("没有这个地址"))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("font/otf")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A case's progress for its applicant, by its number and the last four
/// characters of the applicant's ID number or phone. An unknown number and
/// a wrong last four get the same answer.
#[utoipa::path(
    post, path = "/api/v1/case-status", tag = "cases", request_body = CaseLookupRequest, security(()),
    responses(
        (status = 200, body = CaseProgressView, description = "the case as its applicant may see it"),
        (status = 404, body = crate::api::ErrorBody, description = "no case has this number with these last four characters"),
        (status = 422, body = crate::api::ErrorBody, description = "not a twelve-digit number and four characters, or a malformed request"),
        (status = 429, body = crate::api::ErrorBody, description = "too many wrong guesses for this case or from this address; see Retry-After"),
    )
)]
pub async fn case_status(
    State(hub): State<Arc<Hub>>,
    ClientAddress(address): ClientAddress,
    Json(req): Json<CaseLookupRequest>,
) -> Result<axum::Json<CaseProgressView>, HubError> {
    if !is_case_number(&req.case) || req.last_four.trim().chars().count() != 4 {
        return Err(HubError::invalid(
            "invalid_body",
            "请输入 12 位办件编号和证件号码（或手机号码）后四位",
        ));
    }
    match hub.prove_applicant(address, &req.case, Some(&req.last_four)) {
        Err(HubError::Queue(QueueError::ProofMismatch)) => {
            return Err(HubError::NotFound(NO_SUCH_CASE));
        }
        proved => proved?,
    }
    let hall = hub.hall();
    let case = hall
        .case(&req.case)
        .ok_or(HubError::NotFound(NO_SUCH_CASE))?;
    Ok(axum::Json(progress_view(&hub.config, case)))
}

/// What the applicant is told of `case`.
fn progress_view(config: &Config, case: &Case) -> CaseProgressView {
    let told = progress::case_progress(case, &config.setup.calendar);
    let department = |code: &str| {
        config
            .departments
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_owned(), |d| d.name.clone())
    };
    let pickup = told.standing.at_pickup().then(|| PickupPlace {
        windows: config
            .setup
            .counters
            .iter()
            .filter(|c| c.kind == CounterKind::Pickup)
            .map(|c| c.name.clone())
            .collect(),
        hours: config.hours.clone(),
    });
    CaseProgressView {
        number: case.number.clone(),
        service_name: config
            .guide(&case.service.0)
            .map_or_else(|| case.service.0.clone(), |g| g.name.clone()),
        state: case.state.into(),
        standing: told.standing.into(),
        words: told.standing.words().to_owned(),
        promised_on: told.promised_on,
        correction: told.correction,
        reason: told.reason,
        pickup,
        stages: told
            .stages
            .into_iter()
            .map(|s| StageProgressView {
                name: s.name,
                words: s.state.words().to_owned(),
                open: s.state == StageState::Open,
                departments: s
                    .departments
                    .into_iter()
                    .map(|(code, words)| DepartmentProgress {
                        department: department(&code),
                        words: words.to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        rated: told.rated,
        may_rate: told.may_rate,
    }
}
