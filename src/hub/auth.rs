//! Who is asking: a staff member by session token, or a device by its key,
//! both sent as `Authorization: Bearer <secret>`. Tokens are looked up by
//! their SHA-256; device keys are checked against their argon2 hashes once,
//! then remembered by SHA-256 so a busy kiosk costs nothing.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use super::Hub;
use super::error::HubError;
use crate::config::{DeviceKey, DeviceKind, secret};
use crate::domain::hall::Session;
use crate::domain::ids::{Actor, SessionId, StaffId};
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

pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The session id a token stands for.
pub fn session_id(token: &str) -> SessionId {
    SessionId(hex::encode(digest(token)))
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

/// Device keys already checked, by SHA-256.
#[derive(Default)]
pub struct DeviceKeys {
    known: RwLock<HashMap<[u8; 32], (String, DeviceKind)>>,
    refused: RwLock<HashSet<[u8; 32]>>,
    /// One argon2 check at a time: a kiosk's burst of first requests costs
    /// one check, and a flood of wrong keys cannot take every core.
    checking: tokio::sync::Mutex<()>,
}

impl DeviceKeys {
    /// `Some(answer)` for a key checked before.
    fn remembered(&self, d: &[u8; 32]) -> Option<Option<(String, DeviceKind)>> {
        if let Some(found) = self.known.read().unwrap_or_else(|e| e.into_inner()).get(d) {
            return Some(Some(found.clone()));
        }
        let refused = self.refused.read().unwrap_or_else(|e| e.into_inner());
        refused.contains(d).then_some(None)
    }

    async fn check(&self, devices: &[DeviceKey], key: &str) -> Option<(String, DeviceKind)> {
        let d = digest(key);
        if let Some(answer) = self.remembered(&d) {
            return answer;
        }
        let _one_at_a_time = self.checking.lock().await;
        if let Some(answer) = self.remembered(&d) {
            return answer;
        }
        let devices = devices.to_vec();
        let key = key.to_owned();
        let found = tokio::task::spawn_blocking(move || {
            devices
                .into_iter()
                .find(|dev| secret::verify(&key, &dev.key_hash))
                .map(|dev| (dev.name, dev.kind))
        })
        .await
        .ok()
        .flatten();
        match &found {
            Some(device) => {
                self.known
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(d, device.clone());
            }
            None => {
                let mut refused = self.refused.write().unwrap_or_else(|e| e.into_inner());
                if refused.len() >= MAX_REFUSED {
                    refused.clear();
                }
                refused.insert(d);
            }
        }
        found
    }
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
    /// Who presents `secret`.
    ///
    /// # Errors
    /// `Unauthorized` for an unknown, expired or wrong secret.
    pub async fn authenticate(&self, secret: &str) -> Result<Principal, HubError> {
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
            .check(&self.config.devices, secret)
            .await
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
            Some(secret) => hub.authenticate(secret).await,
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
            Some(secret) => hub.authenticate(secret).await.map(Some),
            None => Ok(None),
        }
    }
}
