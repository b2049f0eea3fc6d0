//! Personal values that can be erased: the log keeps only a salted
//! commitment of each, SHA-256 over the case's salt, the field's name and the
//! value, and the values live apart, with the salt, until they are erased.
//!
//! A commitment proves which value was recorded without saying it: anyone
//! holding the value and the salt can check it, and once both are deleted
//! the commitment in the log no longer tells anything, even to someone who
//! guesses ID numbers, because the 16 random bytes of salt are gone too.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The 16 random bytes a case's personal values are salted with: kept beside
/// the values, and erased with them.
#[derive(Clone, PartialEq, Eq)]
pub struct Salt(pub [u8; 16]);

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Salt(<redacted>)")
    }
}

/// Which personal value: each is committed under its own name, so that two
/// fields holding the same text commit differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    IdNumber,
    Phone,
    /// The mailing address, for a result sent by mail.
    Address,
    /// Who collected the result at the pickup window.
    CollectedBy,
}

impl Field {
    /// The field's name, as hashed and as an auditor reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::IdNumber => "id_number",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::CollectedBy => "collected_by",
        }
    }
}

/// SHA-256 over a salt, a field's name and a value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Commitment(pub [u8; 32]);

impl Commitment {
    /// The commitment of `value` in `field` under `salt`.
    pub fn of(salt: &Salt, field: Field, value: &str) -> Self {
        let mut h = Sha256::new();
        h.update(salt.0);
        h.update(field.as_str().as_bytes());
        h.update([0]);
        h.update(value.as_bytes());
        Self(h.finalize().into())
    }
}

impl fmt::Display for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl Serialize for Commitment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Commitment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(&text, &mut bytes)
            .map_err(|_| serde::de::Error::custom("a commitment is 64 hex digits"))?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Commitment({})", &hex::encode(self.0)[..12])
    }
}

/// A personal value as a case holds it: sealed, with its commitment and,
/// while it is held, the value; or clear, a value not yet sealed.
///
/// A clear value is one typed at the counter and not yet given to a case,
/// or one recorded by a yimen that did not seal values: events written
/// before the database was migrated keep theirs. A sealed value is written
/// (to the log, to the case's row) as its commitment alone, so a copy read
/// back has no value until the store joins it, and none once erased.
#[derive(Clone, PartialEq, Eq)]
pub struct Personal<T> {
    commitment: Option<Commitment>,
    value: Option<T>,
}

impl<T> Personal<T> {
    /// A value as typed, to be sealed by the case it goes to.
    pub fn clear(value: T) -> Self {
        Self {
            commitment: None,
            value: Some(value),
        }
    }

    /// The commitment alone, as the log holds it.
    pub fn sealed(commitment: Commitment) -> Self {
        Self {
            commitment: Some(commitment),
            value: None,
        }
    }
}

impl<T: AsRef<str>> Personal<T> {
    /// The value, while it is held.
    pub fn value(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// None for a clear value.
    pub fn commitment(&self) -> Option<Commitment> {
        self.commitment
    }

    pub fn is_clear(&self) -> bool {
        self.commitment.is_none()
    }

    /// Seals a clear value under `salt`; a sealed one stays as it is.
    pub fn seal(&mut self, salt: &Salt, field: Field) {
        if let (None, Some(value)) = (&self.commitment, &self.value) {
            self.commitment = Some(Commitment::of(salt, field, value.as_ref()));
        }
    }

    /// Puts back the value of a sealed field, if it opens the commitment
    /// under `salt`.
    pub fn join(&mut self, salt: &Salt, field: Field, value: T) -> bool {
        let opens = self.opens(salt, field, value.as_ref());
        if opens {
            self.value = Some(value);
        }
        opens
    }

    /// Whether `value` under `salt` is what this field committed to.
    pub fn opens(&self, salt: &Salt, field: Field, value: &str) -> bool {
        self.commitment == Some(Commitment::of(salt, field, value))
    }

    /// Forgets the value of a sealed field; the commitment stays. A clear
    /// value, which has no commitment to keep, stays too.
    pub fn erase(&mut self) {
        if self.commitment.is_some() {
            self.value = None;
        }
    }
}

impl<T> fmt::Debug for Personal<T> {
    /// Never the value: a case may end up in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.commitment, &self.value) {
            (Some(c), Some(_)) => write!(f, "{c:?} held"),
            (Some(c), None) => write!(f, "{c:?}"),
            (None, _) => f.write_str("Clear(<redacted>)"),
        }
    }
}

impl Personal<String> {
    /// The value as `show` shows it to a reader, or 已删除 once erased.
    pub fn shown(&self, show: impl FnOnce(&str) -> Option<String>) -> Option<String> {
        match self.value() {
            Some(value) => show(value),
            None => Some(ERASED.to_owned()),
        }
    }
}

/// Text shown in place of a personal value that was erased.
pub const ERASED: &str = "已删除";

/// How a sealed value is written: `{"sealed": "<hex>"}`, which no clear
/// value (always a string) can be taken for.
#[derive(Serialize, Deserialize)]
struct SealedForm {
    sealed: Commitment,
}

impl<T: Serialize> Serialize for Personal<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (&self.commitment, &self.value) {
            (Some(commitment), _) => SealedForm {
                sealed: *commitment,
            }
            .serialize(s),
            (None, value) => value.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Personal<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form<T> {
            Sealed(SealedForm),
            Clear(T),
        }
        match Form::deserialize(d)? {
            Form::Sealed(form) => Ok(Personal::sealed(form.sealed)),
            Form::Clear(value) => Ok(Personal::clear(value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: Salt = Salt([7; 16]);

    #[test]
    fn a_sealed_value_is_written_as_its_commitment_only() {
        let mut name = Personal::clear("张三".to_owned());
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"张三\"");
        name.seal(&SALT, Field::Name);
        assert_eq!(name.value().map(String::as_str), Some("张三"));
        let json = serde_json::to_string(&name).unwrap();
        assert!(!json.contains("张三"), "{json}");
        let commitment = Commitment::of(&SALT, Field::Name, "张三");
        assert_eq!(json, format!("{{\"sealed\":\"{commitment}\"}}"));
        let read: Personal<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(read, Personal::sealed(commitment));
        assert_eq!(read.value(), None);
        assert!(!format!("{name:?}").contains("张三"));
    }

    #[test]
    fn a_value_joins_only_where_it_opens_the_commitment() {
        let mut sealed = Personal::clear("张三".to_owned());
        sealed.seal(&SALT, Field::Name);
        let mut read = Personal::sealed(sealed.commitment().unwrap());
        assert!(
            !read.join(&Salt([8; 16]), Field::Name, "张三".into()),
            "another salt"
        );
        assert!(
            !read.join(&SALT, Field::Phone, "张三".into()),
            "another field"
        );
        assert!(
            !read.join(&SALT, Field::Name, "李四".into()),
            "another value"
        );
        assert!(read.join(&SALT, Field::Name, "张三".into()));
        assert_eq!(read, sealed);
        read.erase();
        assert_eq!(read.value(), None);
        assert_eq!(read.commitment(), sealed.commitment());
    }

    #[test]
    fn the_same_value_commits_differently_by_salt_and_field() {
        let a = Commitment::of(&SALT, Field::Name, "13812345678");
        assert_ne!(
            a,
            Commitment::of(&Salt([8; 16]), Field::Name, "13812345678")
        );
        assert_ne!(a, Commitment::of(&SALT, Field::Phone, "13812345678"));
    }

    #[test]
    fn a_clear_value_from_an_old_log_reads_back_clear() {
        let read: Personal<String> = serde_json::from_str("\"张三\"").unwrap();
        assert_eq!(read, Personal::clear("张三".to_owned()));
        assert!(read.is_clear());
        assert!(serde_json::from_str::<Personal<String>>("{\"sealed\":\"zz\"}").is_err());
    }
}
