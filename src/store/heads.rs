//! Each business day's chain head, signed with the hall's Ed25519 key and
//! kept outside the database, so that a log rewritten or cut short is
//! caught: the hash chain alone proves only that the rows it links agree
//! with one another.
//!
//! Beside a database `hall.db` lie `hall.db.key`, the hall's signing key
//! (made on first start, readable by its owner only, never in the
//! database), and `hall.db.heads/`: one `<day>.head` per business day, the
//! last head signed that day (at the day's end, and when the hub stops),
//! and `hall.pub`, the public key that checks them. The daily report prints
//! the day's head too, so a copy lives wherever the report goes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rusqlite::OptionalExtension;

use super::{Connection, StoreError};

/// The first word of a head's line and of what it signs.
const MAGIC: &str = "yimen-head-v1";

/// The last event of a business day, signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHead {
    pub day: NaiveDate,
    pub seq: i64,
    /// The event's hash, which covers every event before it.
    pub hash: [u8; 32],
    pub signature: [u8; 64],
}

impl SignedHead {
    fn message(day: NaiveDate, seq: i64, hash: &[u8; 32]) -> String {
        format!("{MAGIC} day={day} seq={seq} hash={}", hex::encode(hash))
    }

    /// The head as its file holds it: one line.
    pub fn line(&self) -> String {
        format!(
            "{} sig={}",
            Self::message(self.day, self.seq, &self.hash),
            hex::encode(self.signature)
        )
    }

    /// Reads a head's line.
    ///
    /// # Errors
    /// The line is not a head's.
    pub fn parse(line: &str) -> Result<Self, String> {
        let mut words = line.split_whitespace();
        let bad = || format!("not a signed head: {line:?}");
        if words.next() != Some(MAGIC) {
            return Err(bad());
        }
        let mut field = |name: &str| {
            words
                .next()
                .and_then(|w| w.strip_prefix(name))
                .and_then(|w| w.strip_prefix('='))
                .map(str::to_owned)
                .ok_or_else(bad)
        };
        let (day, seq, hash, sig) = (field("day")?, field("seq")?, field("hash")?, field("sig")?);
        let mut head = SignedHead {
            day: day.parse().map_err(|_| bad())?,
            seq: seq.parse().map_err(|_| bad())?,
            hash: [0; 32],
            signature: [0; 64],
        };
        hex::decode_to_slice(hash, &mut head.hash).map_err(|_| bad())?;
        hex::decode_to_slice(sig, &mut head.signature).map_err(|_| bad())?;
        Ok(head)
    }

    /// Whether `key` signed this head.
    pub fn is_signed_by(&self, key: &VerifyingKey) -> bool {
        let message = Self::message(self.day, self.seq, &self.hash);
        key.verify_strict(message.as_bytes(), &Signature::from_bytes(&self.signature))
            .is_ok()
    }
}

/// The hall's signing key.
pub struct HallKey(SigningKey);

impl HallKey {
    /// Reads the key at `path`, or makes one there on first start.
    ///
    /// # Errors
    /// The file cannot be read or written, or holds no key.
    pub fn open_or_create(path: &Path) -> Result<Self, StoreError> {
        let bad = |what: String| StoreError::Heads(format!("{}: {what}", path.display()));
        match fs::read_to_string(path) {
            Ok(text) => {
                let mut seed = [0_u8; 32];
                hex::decode_to_slice(text.trim(), &mut seed)
                    .map_err(|_| bad("not a key (64 hex digits)".into()))?;
                Ok(Self(SigningKey::from_bytes(&seed)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut seed = [0_u8; 32];
                getrandom::fill(&mut seed).map_err(|e| bad(format!("no randomness: {e}")))?;
                let mut file = owner_only().open(path).map_err(|e| bad(e.to_string()))?;
                writeln!(file, "{}", hex::encode(seed))
                    .and_then(|()| file.sync_all())
                    .map_err(|e| bad(e.to_string()))?;
                tracing::info!(key = %path.display(), "made the hall's signing key");
                Ok(Self(SigningKey::from_bytes(&seed)))
            }
            Err(e) => Err(bad(e.to_string())),
        }
    }

    pub fn public(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    pub fn sign(&self, day: NaiveDate, seq: i64, hash: [u8; 32]) -> SignedHead {
        let message = SignedHead::message(day, seq, &hash);
        SignedHead {
            day,
            seq,
            hash,
            signature: self.0.sign(message.as_bytes()).to_bytes(),
        }
    }
}

/// A new file only its owner may read.
fn owner_only() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Where a database's key lives: `<db>.key`.
pub fn key_path(db: &Path) -> PathBuf {
    suffixed(db, ".key")
}

fn suffixed(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A database's folder of signed heads: `<db>.heads/`.
#[derive(Clone, Debug)]
pub struct Heads {
    dir: PathBuf,
}

impl Heads {
    pub fn beside(db: &Path) -> Self {
        Self {
            dir: suffixed(db, ".heads"),
        }
    }

    /// Writes the day's head, replacing an earlier one of that day, and the
    /// public key; each file whole or not at all.
    ///
    /// # Errors
    /// The folder or a file cannot be written.
    pub fn write(&self, head: &SignedHead, public: &VerifyingKey) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::Heads(format!("{}: {e}", self.dir.display()));
        fs::create_dir_all(&self.dir).map_err(io)?;
        let public = format!("{}\n", hex::encode(public.as_bytes()));
        for (name, text) in [
            (format!("{}.head", head.day), format!("{}\n", head.line())),
            ("hall.pub".to_owned(), public),
        ] {
            let path = self.dir.join(&name);
            let partial = self.dir.join(format!("{name}.partial"));
            fs::write(&partial, text)
                .and_then(|()| fs::File::open(&partial)?.sync_all())
                .and_then(|()| fs::rename(&partial, &path))
                .map_err(io)?;
        }
        Ok(())
    }

    /// The public key the folder names, if it names one.
    ///
    /// # Errors
    /// The file is there but holds no key.
    pub fn public_key(&self) -> Result<Option<VerifyingKey>, StoreError> {
        match fs::read_to_string(self.dir.join("hall.pub")) {
            Ok(text) => parse_public_key(text.trim()).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Every signed head, by day; none for a folder that is not there.
    ///
    /// # Errors
    /// A head's file cannot be read or is not a head.
    pub fn read_all(&self) -> Result<Vec<SignedHead>, StoreError> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut heads = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| StoreError::Heads(e.to_string()))?.path();
            if path.extension().is_some_and(|e| e == "head") {
                let text = fs::read_to_string(&path)
                    .map_err(|e| StoreError::Heads(format!("{}: {e}", path.display())))?;
                let head = SignedHead::parse(text.trim())
                    .map_err(|e| StoreError::Heads(format!("{}: {e}", path.display())))?;
                heads.push(head);
            }
        }
        heads.sort_by_key(|h| h.day);
        Ok(heads)
    }
}

/// A public key as 64 hex digits.
///
/// # Errors
/// The text is not one.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, StoreError> {
    let mut bytes = [0_u8; 32];
    hex::decode_to_slice(text, &mut bytes)
        .ok()
        .and_then(|()| VerifyingKey::from_bytes(&bytes).ok())
        .ok_or_else(|| StoreError::Heads(format!("not a public key: {text:?}")))
}

/// The outcome of [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadsReport {
    /// Heads that verified.
    pub verified: usize,
    /// The first head the log or the key does not bear out.
    pub problem: Option<String>,
    /// Business days the log ended after the first signed head that have no
    /// signed head: a head file gone, or a hub stopped by force.
    pub unsigned: Vec<NaiveDate>,
}

impl std::fmt::Display for HeadsReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            Some(problem) => write!(f, "signed heads: {problem}")?,
            None if self.verified == 0 => write!(f, "signed heads: none yet（尚无签名链头）")?,
            None => write!(
                f,
                "ok: {} signed heads match the log（签名链头与日志一致）",
                self.verified
            )?,
        }
        if !self.unsigned.is_empty() {
            let days: Vec<String> = self.unsigned.iter().map(ToString::to_string).collect();
            write!(f, "\nnote: no signed head for {}", days.join(", "))?;
        }
        Ok(())
    }
}

/// Checks every head against `key` and against the log: the log must have
/// the head's event, with the head's hash.
///
/// # Errors
/// The log cannot be read.
pub fn check(
    conn: &Connection,
    heads: &[SignedHead],
    key: Option<&VerifyingKey>,
) -> Result<HeadsReport, StoreError> {
    let mut report = HeadsReport {
        verified: 0,
        problem: None,
        unsigned: unsigned_days(conn, heads)?,
    };
    let mut hash_at = conn.0.prepare("SELECT hash FROM events WHERE seq = ?1")?;
    for head in heads {
        let (day, seq) = (head.day, head.seq);
        let problem = match key {
            None => {
                Some("没有公钥，无法核验签名 / no public key to check the signatures".to_owned())
            }
            Some(key) if !head.is_signed_by(key) => Some(format!(
                "{day} 的链头签名无效 / the head of {day} is not signed by the hall's key"
            )),
            Some(_) => match hash_at
                .query_row([seq], |r| r.get::<_, Vec<u8>>(0))
                .optional()?
            {
                None => Some(format!(
                    "日志缺少 {day} 已签名的第 {seq} 条事件：日志被截断 / the log lacks event {seq}, \
                     signed as the head of {day}: it was cut short"
                )),
                Some(hash) if hash != head.hash => Some(format!(
                    "第 {seq} 条事件的哈希与 {day} 的签名链头不符：日志被改写 / event {seq}'s hash is \
                     not the one signed for {day}: the log was rewritten"
                )),
                Some(_) => None,
            },
        };
        if problem.is_some() {
            report.problem = problem;
            break;
        }
        report.verified += 1;
    }
    Ok(report)
}

/// Days that ended in the log (a `day_rolled_over` event) on or after the
/// first signed day, with no head of their own.
fn unsigned_days(conn: &Connection, heads: &[SignedHead]) -> Result<Vec<NaiveDate>, StoreError> {
    let Some(first) = heads.first().map(|h| h.day) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.0.prepare(
        "SELECT json_extract(payload, '$.from') FROM events WHERE kind = 'day_rolled_over'
         ORDER BY seq",
    )?;
    let ended: Vec<Option<String>> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ended
        .into_iter()
        .filter_map(|d| d?.parse::<NaiveDate>().ok())
        .filter(|d| *d >= first && !heads.iter().any(|h| h.day == *d))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    }

    #[test]
    fn a_key_is_made_once_for_its_owner_and_signs_heads_that_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hall.db");
        let key = HallKey::open_or_create(&key_path(&db)).unwrap();
        let again = HallKey::open_or_create(&key_path(&db)).unwrap();
        assert_eq!(key.public(), again.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(key_path(&db)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let head = key.sign(day(), 42, [7; 32]);
        assert!(head.is_signed_by(&key.public()));
        let heads = Heads::beside(&db);
        heads.write(&head, &key.public()).unwrap();
        assert_eq!(heads.read_all().unwrap(), vec![head.clone()]);
        assert_eq!(heads.public_key().unwrap(), Some(key.public()));
        assert_eq!(SignedHead::parse(&head.line()).unwrap(), head);
    }

    #[test]
    fn a_head_altered_or_signed_by_another_key_does_not_verify() {
        let dir = tempfile::tempdir().unwrap();
        let key = HallKey::open_or_create(&dir.path().join("a.key")).unwrap();
        let other = HallKey::open_or_create(&dir.path().join("b.key")).unwrap();
        let head = key.sign(day(), 42, [7; 32]);
        assert!(!head.is_signed_by(&other.public()));
        let moved = SignedHead { seq: 41, ..head };
        assert!(!moved.is_signed_by(&key.public()));
        assert!(SignedHead::parse("yimen-head-v1 day=2026-03-02 seq=x").is_err());
    }
}
