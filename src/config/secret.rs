//! PINs and device keys are kept only as argon2 hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The PIN every demo staff member has in the sample hall.
pub const DEMO_PIN: &str = "123456";
/// The published demo device keys of the sample hall.
pub const DEMO_KEYS: [&str; 2] = ["demo-kiosk", "demo-display"];

/// An argon2id hash of `secret`, as written in hall.toml.
///
/// # Errors
/// Only if the system's random source fails.
pub fn hash(secret: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `hash` is a well-formed password hash.
pub fn is_well_formed(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok()
}

/// Whether `secret` matches `hash`. Slow on purpose: call it off the async
/// workers.
pub fn verify(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_secret() {
        let h = hash("135790").unwrap();
        assert!(is_well_formed(&h));
        assert!(verify("135790", &h));
        assert!(!verify("135791", &h));
        assert!(!verify("135790", "not a hash"));
    }
}
