//! PINs are kept only as argon2 hashes: slow on purpose, since a PIN is
//! short. Device keys are long random secrets, kept as their SHA-256 (or,
//! in older halls, as argon2 hashes too).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// The published demo device keys of the sample hall.
pub const DEMO_KEYS: [&str; 2] = ["demo-kiosk", "demo-display"];
/// Fewest characters `yimen hash-secret --device` takes for a new key.
pub const MIN_DEVICE_KEY_CHARS: usize = 24;

/// The SHA-256 of a device key, as hall.toml's `key_sha256` keeps it.
pub fn sha256(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

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
    fn a_device_key_digest_is_its_sha256() {
        assert_eq!(
            hex::encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hashes_verify_only_their_secret() {
        let h = hash("135790").unwrap();
        assert!(is_well_formed(&h));
        assert!(verify("135790", &h));
        assert!(!verify("135791", &h));
        assert!(!verify("135790", "not a hash"));
    }
}
