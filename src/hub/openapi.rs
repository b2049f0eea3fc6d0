//! The OpenAPI document, generated from the route annotations and types.

use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{alerts, cases, catalogue, counters, ratings, sessions, stream, tickets};
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

#[derive(OpenApi)]
#[openapi(
    info(title = "yimen hub", description = "一门：政务服务大厅排队叫号与自助取号系统的中心服务"),
    paths(
        catalogue::health, catalogue::services, catalogue::search, catalogue::queues,
        tickets::issue, tickets::status, tickets::reactivate,
        sessions::create, sessions::current, sessions::delete,
        counters::list, counters::one, counters::call_next, counters::call, counters::recall,
        counters::no_show, counters::start, counters::finish, counters::transfer,
        counters::pause, counters::resume,
        cases::open, cases::one, cases::list, cases::receive_materials, cases::claim, cases::decide,
        cases::correction, cases::resubmit, cases::extension, cases::extension_decision,
        cases::excluded_time, cases::pickup, cases::supervision, cases::document, cases::history,
        ratings::rate, ratings::summary, ratings::close,
        alerts::report, stream::events,
    ),
    components(schemas(
        api::EventMessage<api::PublicEvent>, api::EventMessage<api::StaffEvent>,
        api::PublicEvent, api::StaffEvent, api::StreamNotice,
    )),
    modifiers(&Bearer),
)]
struct ApiDoc;

pub async fn document() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}
