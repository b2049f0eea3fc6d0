//! The types on the wire under `/api/v1`, shared by the hub and its clients.
//! Every error is an [`ErrorBody`]; every event on the stream an
//! [`EventMessage`].
//!
//! - `catalogue`: services, guides and queues;
//! - `tickets`: taking and following a ticket;
//! - `sessions`: staff logging in;
//! - `counters`: a counter's view and its clerk's requests;
//! - `cases`: intake, review, pickup and supervision;
//! - `ratings`: 好差评 and rectifications;
//! - `phone`: a case's progress as its applicant's phone asks for it;
//! - `appointments`: booking a time (预约) and checking in for it;
//! - `events`: the event stream.
//!
//! The domain's types never go on the wire themselves: each has its own
//! type here, converted from (and, for what clients send or compute with,
//! back to) the domain's, so the wire can stay put while the rules move.

/// Conversions both ways between a wire enum of unit variants and the
/// domain enum it mirrors: a variant added on one side only stops the build.
macro_rules! mirror_enum {
    ($wire:ident, $domain:ty, [$($variant:ident),+ $(,)?]) => {
        impl From<$domain> for $wire {
            fn from(value: $domain) -> Self {
                type Domain = $domain;
                match value {
                    $(Domain::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$wire> for $domain {
            fn from(value: $wire) -> Self {
                match value {
                    $($wire::$variant => Self::$variant,)+
                }
            }
        }
    };
}

mod appointments;
mod cases;
mod catalogue;
mod counters;
mod events;
mod phone;
mod ratings;
mod sessions;
mod tickets;

pub use appointments::*;
pub use cases::*;
pub use catalogue::*;
pub use counters::*;
pub use events::*;
pub use phone::*;
pub use ratings::*;
pub use sessions::*;
pub use tickets::*;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long request bodies may be: far more than any real request needs.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `daily_cap_reached`, `unauthorized`, ...
    pub code: String,
    /// For people, in Chinese.
    pub message: String,
}

/// Whether the hub can take changes: `ok`, or `unavailable` with the
/// reason (503).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// Why the hub is unavailable, for the person who looks after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A request recorded, with nothing else to say.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Recorded {
    /// The event's sequence number in the log.
    pub seq: i64,
}
