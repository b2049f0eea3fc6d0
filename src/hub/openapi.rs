//! The OpenAPI document, generated from the route annotations and types.
//!
//! Each route's annotation lists what its own rules answer. What comes from
//! the layers every route shares — the credential, the JSON body, the path
//! and query parameters, the single writer — is added once, by
//! [`SharedAnswers`], to every operation it applies to. Every error is an
//! [`api::ErrorBody`].

use axum::http::StatusCode;
use axum::response::IntoResponse;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    alerts, appointments, bundles, cases, catalogue, counters, documents, phone, ratings, sessions,
    stream, tickets,
};
use crate::api;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("a staff session token (yst_...) or a device key"))
                        .build(),
                ),
            );
        }
    }
}

/// The answers an operation gets from the layers every route shares:
/// - a bearer credential (`Principal`): 401 when it is missing, garbled,
///   unknown or expired; 429 and 503 from the slow path of device keys
///   kept as argon2 hashes (too many wrong keys from one address, too many
///   waiting);
/// - a JSON body (`error::Json`): 413 past `api::BODY_LIMIT`, 415 without
///   `Content-Type: application/json`, 422 for malformed JSON or a missing
///   or wrongly typed field;
/// - path or query parameters (`error::Path`, `error::Query`): 422 when one
///   does not parse;
/// - a write (POST, DELETE) goes through the single writer: 500 when the
///   commit fails, 503 while the hub is stopping.
///
/// A status the route's annotation already lists keeps its description.
/// Responses without a description (OpenAPI requires one) get the status's
/// reason phrase.
struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            let operations = [
                (false, &mut item.get),
                (true, &mut item.post),
                (true, &mut item.put),
                (true, &mut item.patch),
                (true, &mut item.delete),
            ];
            for (writes, operation) in operations {
                if let Some(operation) = operation {
                    add_shared_answers(operation, writes);
                    describe_responses(operation);
                }
            }
        }
    }
}

fn add_shared_answers(operation: &mut Operation, writes: bool) {
    let has_params = operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query),
        RefOr::Ref(_) => true,
    });
    let mut answers = Vec::new();
    if operation.security.is_some() {
        answers.extend([
            (
                StatusCode::UNAUTHORIZED,
                "no credential, a garbled Authorization header, or an unknown or expired token or key",
            ),
            (
                StatusCode::TOO_MANY_REQUESTS,
                "too many wrong device keys from this address: try again after `Retry-After` seconds",
            ),
        ]);
    }
    if operation.request_body.is_some() {
        answers.extend([
            (StatusCode::PAYLOAD_TOO_LARGE, "the body is over 64 KiB"),
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body is not sent as application/json",
            ),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "malformed JSON, a missing or wrongly typed field, or a value the hall's rules refuse; the error's code says which",
            ),
        ]);
    }
    if has_params {
        answers.push((
            StatusCode::UNPROCESSABLE_ENTITY,
            "a path or query parameter does not parse, or is out of range",
        ));
    }
    if writes {
        answers.extend([
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the commit failed; nothing was applied, and the hub logged why",
            ),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the hub is stopping, or too busy checking device keys; nothing was applied, try again",
            ),
        ]);
    }
    if operation.security.is_some() {
        answers.push((
            StatusCode::SERVICE_UNAVAILABLE,
            "too busy checking device keys: try again after `Retry-After` seconds",
        ));
    }
    for (status, description) in answers {
        operation
            .responses
            .responses
            .entry(status.as_str().to_owned())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

fn describe_responses(operation: &mut Operation) {
    for (status, response) in &mut operation.responses.responses {
        if let RefOr::T(response) = response
            && response.description.is_empty()
        {
            let reason = status
                .parse::<StatusCode>()
                .ok()
                .and_then(|s| s.canonical_reason());
            response.description = reason.unwrap_or("the answer").to_owned();
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "yimen hub", description = "一门：政务服务大厅排队叫号与自助取号系统的中心服务"),
    paths(
        catalogue::health, catalogue::services, catalogue::search, catalogue::queues,
        tickets::issue, tickets::status, tickets::reactivate,
        sessions::create, sessions::current, sessions::delete, sessions::change_pin,
        sessions::unlock,
        counters::list, counters::one, counters::call_next, counters::call, counters::recall,
        counters::no_show, counters::start, counters::finish, counters::transfer,
        counters::pause, counters::resume,
        cases::open, cases::one, cases::list, cases::receive_materials, cases::claim, cases::decide,
        cases::correction, cases::resubmit, cases::extension, cases::extension_decision,
        cases::excluded_time, cases::pickup, bundles::lead_decision, cases::supervision, documents::document, cases::history,
        ratings::rate, ratings::summary, ratings::close, phone::case_status,
        appointments::services, appointments::slots, appointments::book, appointments::cancel,
        appointments::check_in,
        alerts::report, stream::events,
    ),
    components(schemas(
        api::ErrorBody, api::EventMessage<api::PublicEvent>, api::EventMessage<api::StaffEvent>,
        api::PublicEvent, api::StaffEvent, api::StreamNotice,
    )),
    modifiers(&Bearer, &SharedAnswers),
)]
struct ApiDoc;

pub async fn document() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> serde_json::Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    fn statuses(doc: &serde_json::Value, path: &str, method: &str) -> Vec<String> {
        let responses = doc["paths"][path][method]["responses"].as_object().unwrap();
        responses.keys().cloned().collect()
    }

    #[test]
    fn a_protected_write_with_a_body_lists_every_shared_answer() {
        let doc = doc();
        let got = statuses(&doc, "/api/v1/cases/{number}/decision", "post");
        for status in [
            "200", "401", "403", "404", "409", "413", "415", "422", "500", "503",
        ] {
            assert!(got.iter().any(|s| s == status), "{status} missing: {got:?}");
        }
        let unauthorized =
            &doc["paths"]["/api/v1/cases/{number}/decision"]["post"]["responses"]["401"];
        assert_eq!(
            unauthorized["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
    }

    #[test]
    fn a_public_read_gets_no_credential_or_body_answers() {
        let doc = doc();
        assert_eq!(statuses(&doc, "/api/v1/queues", "get"), ["200"]);
        assert_eq!(statuses(&doc, "/api/v1/health", "get"), ["200", "503"]);
    }

    #[test]
    fn every_response_has_a_description() {
        let doc = doc();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    let description = response["description"].as_str().unwrap_or_default();
                    assert!(!description.is_empty(), "{method} {path} {status}");
                }
            }
        }
    }

    #[test]
    fn the_search_query_is_a_required_query_parameter() {
        let doc = doc();
        let q = &doc["paths"]["/api/v1/services/search"]["get"]["parameters"][0];
        assert_eq!(q["name"], "q");
        assert_eq!(q["in"], "query");
        assert_eq!(q["required"], true);
    }
}
