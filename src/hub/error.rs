//! Every way a request can fail, mapped to a status and a JSON error in one
//! place, and the extractors that turn malformed input into such errors.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::api::{ErrorBody, ErrorDetail};
use crate::domain::error::{ErrorKind, QueueError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("请求内容过大")]
    TooLarge,
    #[error("请求格式应为 JSON（Content-Type: application/json）")]
    NotJson,
    #[error("此地址不支持该请求方法")]
    MethodNotAllowed,
    #[error("此地址只接受 WebSocket 连接")]
    UpgradeRequired,
    #[error("服务正在停止，请稍后重试")]
    Unavailable,
    #[error("连接数已满，请稍后重试")]
    TooManyStreams,
    #[error("此终端输错密码次数过多，已暂时锁定，请 {retry_after} 秒后再试")]
    TooManyWrongPins { retry_after: u64 },
    #[error("设备密钥错误次数过多，请 {retry_after} 秒后再试")]
    TooManyWrongKeys { retry_after: u64 },
    #[error("办件查询核对错误次数过多，请 {retry_after} 秒后再试，或到大厅咨询")]
    TooManyGuesses { retry_after: u64 },
    #[error("服务繁忙，请稍后重试")]
    Busy,
    #[error("服务器内部错误，请联系管理员")]
    Internal(String),
}

/// The codes of malformed input: [`HubError::invalid`] takes one of these.
const INVALID_CODES: &[&str] = &[
    "invalid_json",
    "invalid_body",
    "invalid_path",
    "invalid_query",
    "invalid_number",
    "invalid_queue",
    "query_too_long",
];

/// The codes of the hub's own refusals, beside the domain's.
const OWN_CODES: &[&str] = &[
    "unauthorized",
    "forbidden",
    "not_found",
    "payload_too_large",
    "unsupported_media_type",
    "method_not_allowed",
    "upgrade_required",
    "unavailable",
    "too_many_streams",
    "too_many_attempts",
    "busy",
    "internal",
];

impl HubError {
    /// `code` is one of the hub's codes for malformed input.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(INVALID_CODES.contains(&code), "an unlisted code {code}");
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// Every code an error body of the hub can carry: a client shows a
    /// refusal by its code, in its own words, and checks it has words for
    /// each.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        QueueError::all_codes()
            .iter()
            .chain(OWN_CODES)
            .chain(INVALID_CODES)
            .copied()
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HubError::Queue(e) => match e.kind() {
                ErrorKind::NotFound => StatusCode::NOT_FOUND,
                ErrorKind::Conflict => StatusCode::CONFLICT,
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
                ErrorKind::Locked => StatusCode::LOCKED,
            },
            HubError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            HubError::Forbidden(_) => StatusCode::FORBIDDEN,
            HubError::NotFound(_) => StatusCode::NOT_FOUND,
            HubError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            HubError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            HubError::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HubError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            HubError::UpgradeRequired => StatusCode::UPGRADE_REQUIRED,
            HubError::Unavailable | HubError::TooManyStreams | HubError::Busy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            HubError::TooManyWrongPins { .. }
            | HubError::TooManyWrongKeys { .. }
            | HubError::TooManyGuesses { .. } => StatusCode::TOO_MANY_REQUESTS,
            HubError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            HubError::Queue(e) => e.code(),
            HubError::Unauthorized(_) => "unauthorized",
            HubError::Forbidden(_) => "forbidden",
            HubError::NotFound(_) => "not_found",
            HubError::Invalid { code, .. } => code,
            HubError::TooLarge => "payload_too_large",
            HubError::NotJson => "unsupported_media_type",
            HubError::MethodNotAllowed => "method_not_allowed",
            HubError::UpgradeRequired => "upgrade_required",
            HubError::Unavailable => "unavailable",
            HubError::TooManyStreams => "too_many_streams",
            HubError::TooManyWrongPins { .. }
            | HubError::TooManyWrongKeys { .. }
            | HubError::TooManyGuesses { .. } => "too_many_attempts",
            HubError::Busy => "busy",
            HubError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for HubError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => HubError::NotFound("没有找到"),
            other => HubError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        if let HubError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed inside the hub");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        };
        let retry_after = match self {
            HubError::TooManyWrongPins { retry_after }
            | HubError::TooManyWrongKeys { retry_after }
            | HubError::TooManyGuesses { retry_after } => Some(retry_after),
            HubError::Busy => Some(1),
            _ => None,
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<JsonRejection> for HubError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => HubError::NotJson,
            JsonRejection::JsonSyntaxError(e) => {
                HubError::invalid("invalid_json", format!("JSON 格式错误：{}", e.body_text()))
            }
            JsonRejection::JsonDataError(e) => HubError::invalid(
                "invalid_body",
                format!("请求内容不符合要求：{}", e.body_text()),
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => HubError::TooLarge,
            other => HubError::invalid("invalid_body", other.body_text()),
        }
    }
}

impl From<PathRejection> for HubError {
    fn from(r: PathRejection) -> Self {
        HubError::invalid("invalid_path", format!("地址参数错误：{}", r.body_text()))
    }
}

impl From<QueryRejection> for HubError {
    fn from(r: QueryRejection) -> Self {
        HubError::invalid("invalid_query", format!("查询参数错误：{}", r.body_text()))
    }
}

/// A JSON body whose every fault becomes a JSON error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(HubError))]
pub struct Json<T>(pub T);

/// A path parameter whose every fault becomes a JSON error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(HubError))]
pub struct Path<T>(pub T);

/// A query string whose every fault becomes a JSON error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(HubError))]
pub struct Query<T>(pub T);

/// A WebSocket handshake; any other request gets a JSON error rather than
/// axum's plain-text one.
pub struct WebSocketUpgrade(pub axum::extract::WebSocketUpgrade);

impl<S: Send + Sync> FromRequestParts<S> for WebSocketUpgrade {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HubError> {
        axum::extract::WebSocketUpgrade::from_request_parts(parts, state)
            .await
            .map(Self)
            .map_err(|_| HubError::UpgradeRequired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_hub_gives_is_listed() {
        let own = [
            HubError::Unauthorized(""),
            HubError::Forbidden(""),
            HubError::NotFound(""),
            HubError::TooLarge,
            HubError::NotJson,
            HubError::MethodNotAllowed,
            HubError::UpgradeRequired,
            HubError::Unavailable,
            HubError::TooManyStreams,
            HubError::TooManyWrongPins { retry_after: 1 },
            HubError::Busy,
            HubError::Internal(String::new()),
            HubError::Queue(QueueError::WrongPin),
            HubError::invalid("invalid_body", ""),
        ];
        let codes: Vec<&str> = HubError::codes().collect();
        for e in own {
            assert!(codes.contains(&e.code()), "{e:?}");
        }
        assert_eq!(
            OWN_CODES.len(),
            12,
            "one code for each of the hub's own variants"
        );
    }
}
