//! Who is asking: a staff member by session token, or a device by its key,
//! both sent as `Authorization: Bearer <secret>`, and from which network
//! address. Tokens and device keys are looked up by their SHA-256; keys of
//! older halls, kept as argon2 hashes, are checked once on a slow path of
//! their own and then remembered, so a busy kiosk costs nothing.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

use super::Hub;
use super::error::HubError;
use super::throttle::{AddressThrottle, Argon2Pool, RetryAfter};
use crate::config::{DeviceKey, DeviceKind, DeviceSecret, secret};
use crate::domain::hall::Session;
use crate::domain::ids::{Actor, SessionId, StaffId, Timestamp};
use crate::domain::policy::Who;
use crate::domain::setup::StaffSetup;

/// Staff tokens start with this, so they are never tried as device keys.
pub const TOKEN_PREFIX: &str = "yst_";
/// Wrong device keys remembered before the memory is cleared.
const MAX_REFUSED: usize = 1024;

#[derive(Clone, Debug)]
pub enum Principal {
    Staff {
        session: Session,
        member: StaffSetup,
    },
    Device {
        name: String,
        kind: DeviceKind,
    },
}

impl Principal {
    pub fn actor(&self) -> Actor {
        match self {
            Principal::Staff { member, .. } => Actor::Staff(member.id.clone()),
            Principal::Device { name, .. } => Actor::Device(name.clone()),
        }
    }

    /// Who asks, as the domain's policy reads it.
    pub fn who(&self) -> Who<'_> {
        match self {
            Principal::Staff { member, .. } => Who::Staff(member),
            Principal::Device { kind, .. } => Who::Device(*kind),
        }
    }

    /// The staff member's id; none for a device.
    pub fn staff_id(&self) -> Option<&StaffId> {
        match self {
            Principal::Staff { member, .. } => Some(&member.id),
            Principal::Device { .. } => None,
        }
    }

    /// The staff member behind the request.
    ///
    /// # Errors
    /// `Forbidden` for a device.
    pub fn staff(&self) -> Result<(&Session, &StaffSetup), HubError> {
        match self {
            Principal::Staff { session, member } => Ok((session, member)),
            Principal::Device { .. } => Err(HubError::Forbidden("设备密钥不能进行此操作")),
        }
    }
}

/// The session id a token stands for.
pub fn session_id(token: &str) -> SessionId {
    SessionId(hex::encode(secret::sha256(token)))
}

/// A new session token: 256 random bits.
///
/// # Errors
/// The system's random source failed.
pub fn new_token() -> Result<String, HubError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| HubError::Internal(format!("random: {e}")))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}

/// Device keys, recognised by their SHA-256. Keys configured as
/// `key_sha256` are found at once in a table no request can slow down.
/// Keys configured as argon2 hashes (older halls) are checked on a slow
/// path of their own: one check at a time, a few waiting, wrong keys
/// limited per address, and every answer remembered, so a busy kiosk costs
/// one check and a flood of random keys never delays a known one.
pub struct DeviceKeys {
    /// The `key_sha256` devices, by digest: fixed from start-up.
    by_digest: HashMap<[u8; 32], (String, DeviceKind)>,
    /// The argon2 devices, checked slowly.
    slow: Vec<(String, DeviceKind, String)>,
    known: RwLock<HashMap<[u8; 32], (String, DeviceKind)>>,
    refused: RwLock<HashSet<[u8; 32]>>,
    /// One argon2 check at a time, a few waiting.
    checks: Argon2Pool,
    /// Wrong keys that reached the slow path, per address.
    throttle: AddressThrottle,
}

/// Keys the slow path may keep waiting for their check.
const SLOW_KEYS_WAITING: usize = 8;
/// Wrong keys an address may send to the slow path within [`SLOW_KEY_WINDOW`].
const SLOW_KEYS_PER_ADDRESS: u32 = 8;
const SLOW_KEY_WINDOW: chrono::Duration = chrono::Duration::minutes(1);

impl DeviceKeys {
    pub fn new(devices: &[DeviceKey]) -> Self {
        let mut by_digest = HashMap::new();
        let mut slow = Vec::new();
        for device in devices {
            match &device.secret {
                DeviceSecret::Sha256(digest) => {
                    by_digest.insert(*digest, (device.name.clone(), device.kind));
                }
                DeviceSecret::Argon2(hash) => {
                    slow.push((device.name.clone(), device.kind, hash.clone()));
                }
            }
        }
        Self {
            by_digest,
            slow,
            known: RwLock::default(),
            refused: RwLock::default(),
            checks: Argon2Pool::new(1, SLOW_KEYS_WAITING),
            throttle: AddressThrottle::new(
                SLOW_KEYS_PER_ADDRESS,
                SLOW_KEYS_PER_ADDRESS,
                SLOW_KEY_WINDOW,
            ),
        }
    }

    /// `Some(answer)` for a key whose answer is known without argon2.
    fn remembered(&self, d: &[u8; 32]) -> Option<Option<(String, DeviceKind)>> {
        if let Some(found) = self.by_digest.get(d) {
            return Some(Some(found.clone()));
        }
        if self.slow.is_empty() {
            return Some(None);
        }
        if let Some(found) = self.known.read().unwrap_or_else(|e| e.into_inner()).get(d) {
            return Some(Some(found.clone()));
        }
        let refused = self.refused.read().unwrap_or_else(|e| e.into_inner());
        refused.contains(d).then_some(None)
    }

    /// The device `key` belongs to, if any.
    ///
    /// # Errors
    /// `TooManyWrongKeys` when `address` sent too many wrong keys lately,
    /// `Busy` when the slow path is full.
    async fn check(
        &self,
        key: &str,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<Option<(String, DeviceKind)>, HubError> {
        let d = secret::sha256(key);
        if let Some(answer) = self.remembered(&d) {
            return Ok(answer);
        }
        let reservation = self
            .throttle
            .reserve(address, None, now)
            .map_err(|RetryAfter(retry_after)| HubError::TooManyWrongKeys { retry_after })?;
        let turn = self.checks.turn().await?;
        // A burst of one kiosk's first requests costs one check.
        if let Some(answer) = self.remembered(&d) {
            return Ok(answer);
        }
        let slow = self.slow.clone();
        let key = key.to_owned();
        let found = Argon2Pool::run_in(turn, move || {
            slow.into_iter()
                .find(|(_, _, hash)| secret::verify(&key, hash))
                .map(|(name, kind, _)| (name, kind))
        })
        .await?;
        match &found {
            Some(device) => {
                reservation.succeeded();
                self.known
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(d, device.clone());
            }
            None => {
                reservation.failed(now);
                let mut refused = self.refused.write().unwrap_or_else(|e| e.into_inner());
                if refused.len() >= MAX_REFUSED {
                    refused.clear();
                }
                refused.insert(d);
            }
        }
        Ok(found)
    }
}

/// The network address a request came from, as the connection says; the
/// unspecified address when the server was started without it.
pub struct ClientAddress(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

fn client_address(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

fn bearer(parts: &Parts) -> Result<Option<&str>, HubError> {
    let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Some)
        .ok_or(HubError::Unauthorized(
            "凭证格式应为 Authorization: Bearer <令牌>",
        ))
}

impl Hub {
    /// Who presents `secret`, from `address`.
    ///
    /// # Errors
    /// `Unauthorized` for an unknown, expired or wrong secret;
    /// `TooManyWrongKeys` or `Busy` from the device keys' slow path.
    pub async fn authenticate(&self, secret: &str, address: IpAddr) -> Result<Principal, HubError> {
        if secret.starts_with(TOKEN_PREFIX) {
            let id = session_id(secret);
            let now = self.clock.now();
            let hall = self.shared.hall.read().unwrap_or_else(|e| e.into_inner());
            let session = hall
                .live_session(&id, now)
                .ok_or(HubError::Unauthorized("登录已失效，请重新登录"))?;
            let member = hall
                .setup()
                .staff_member(&session.staff)
                .ok_or(HubError::Unauthorized("登录已失效，请重新登录"))?;
            return Ok(Principal::Staff {
                session: session.clone(),
                member: member.clone(),
            });
        }
        self.device_keys
            .check(secret, address, self.clock.now())
            .await?
            .map(|(name, kind)| Principal::Device { name, kind })
            .ok_or(HubError::Unauthorized("设备密钥无效"))
    }
}

impl FromRequestParts<Arc<Hub>> for Principal {
    type Rejection = HubError;

    async fn from_request_parts(
        parts: &mut Parts,
        hub: &Arc<Hub>,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts)? {
            Some(secret) => hub.authenticate(secret, client_address(parts)).await,
            None => Err(HubError::Unauthorized("需要登录或设备密钥")),
        }
    }
}

impl OptionalFromRequestParts<Arc<Hub>> for Principal {
    type Rejection = HubError;

    async fn from_request_parts(
        parts: &mut Parts,
        hub: &Arc<Hub>,
    ) -> Result<Option<Self>, Self::Rejection> {
        match bearer(parts)? {
            Some(secret) => hub
                .authenticate(secret, client_address(parts))
                .await
                .map(Some),
            None => Ok(None),
        }
    }
}
