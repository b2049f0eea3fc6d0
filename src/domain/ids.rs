//! Names of the hall's things: queue prefixes, ticket numbers, counters, staff,
//! and the business day a moment belongs to.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A moment in time; always UTC inside yimen, shown in the hall's zone.
pub type Timestamp = DateTime<Utc>;

/// The letter a queue's tickets start with (`A` in `A001`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QueuePrefix(char);

impl QueuePrefix {
    /// A prefix is one ASCII capital letter, so it prints on any LED screen.
    pub fn new(letter: char) -> Option<Self> {
        letter.is_ascii_uppercase().then_some(Self(letter))
    }

    pub fn letter(self) -> char {
        self.0
    }
}

impl fmt::Display for QueuePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for QueuePrefix {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut chars = s.chars();
        match (chars.next().and_then(QueuePrefix::new), chars.next()) {
            (Some(prefix), None) => Ok(prefix),
            _ => Err(format!("队列前缀应为一个大写字母，而不是“{s}”")),
        }
    }
}

impl TryFrom<String> for QueuePrefix {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<QueuePrefix> for String {
    fn from(p: QueuePrefix) -> Self {
        p.to_string()
    }
}

/// The number printed on a ticket: the prefix of the queue that issued it and
/// its sequence within the business day, zero-padded to `width` digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TicketNumber {
    pub prefix: QueuePrefix,
    pub seq: u32,
    pub width: u8,
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{:0w$}",
            self.prefix,
            self.seq,
            w = usize::from(self.width)
        )
    }
}

impl std::str::FromStr for TicketNumber {
    type Err = String;

    /// Parses `A001`; the width is the number of digits written.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("号码应为字母加数字，如 A001，而不是“{s}”");
        let mut chars = s.chars();
        let prefix = chars.next().and_then(QueuePrefix::new).ok_or_else(bad)?;
        let digits = chars.as_str();
        if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let seq = digits.parse().map_err(|_| bad())?;
        let width = u8::try_from(digits.len()).map_err(|_| bad())?;
        Ok(Self { prefix, seq, width })
    }
}

impl Serialize for TicketNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TicketNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A counter (窗口) is known by its number, as painted above it.
pub type CounterNo = u32;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

string_id!(
    /// A staff member's id as on their badge, such as `1001`.
    StaffId
);
string_id!(
    /// A ticket's unguessable id: what the QR code on a printed ticket opens.
    TicketId
);
string_id!(
    /// A service item's code in the catalogue, such as `SCJG-001`.
    ServiceCode
);
string_id!(
    /// A staff session: the hex SHA-256 of the session token, never the token.
    SessionId
);

/// Who did something, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    Staff(StaffId),
    /// A kiosk or display, by its configured name.
    Device(String),
    /// A citizen with no credential, by their own ticket or case: the
    /// phone behind the ticket's QR.
    Citizen,
    /// The hub itself: timers, rollover.
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Staff(id) => write!(f, "staff:{id}"),
            Actor::Device(name) => write!(f, "device:{name}"),
            Actor::Citizen => f.write_str("citizen"),
            Actor::System => f.write_str("system"),
        }
    }
}

/// The day a ticket belongs to: the hall's local date, shifted back by the
/// rollover time, so that numbers issued at 01:00 belong with the evening before
/// when the hall rolls over at 02:00.
pub type BusinessDay = NaiveDate;

/// When one business day ends and the next begins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayRule {
    pub zone: Tz,
    pub rollover: NaiveTime,
}

impl DayRule {
    pub fn day_of(&self, at: Timestamp) -> BusinessDay {
        let local = at.with_timezone(&self.zone).naive_local();
        (local - self.rollover.signed_duration_since(NaiveTime::MIN)).date()
    }

    /// The moment the business day after `day` begins: sessions end there.
    pub fn next_rollover(&self, day: BusinessDay) -> Timestamp {
        let local = (day + Duration::days(1)).and_time(self.rollover);
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> DayRule {
        DayRule {
            zone: chrono_tz::Asia::Shanghai,
            rollover: NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
        }
    }

    fn utc(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_print_padded_and_parse_back() {
        let n = TicketNumber {
            prefix: QueuePrefix::new('A').unwrap(),
            seq: 7,
            width: 3,
        };
        assert_eq!(n.to_string(), "A007");
        assert_eq!("A007".parse::<TicketNumber>().unwrap(), n);
        assert!("a007".parse::<TicketNumber>().is_err());
        assert!("A".parse::<TicketNumber>().is_err());
        assert!("A0٣7".parse::<TicketNumber>().is_err());
    }

    #[test]
    fn prefixes_are_one_capital_letter() {
        assert!("B".parse::<QueuePrefix>().is_ok());
        assert!("b".parse::<QueuePrefix>().is_err());
        assert!("AB".parse::<QueuePrefix>().is_err());
        assert!("甲".parse::<QueuePrefix>().is_err());
    }

    #[test]
    fn business_day_rolls_over_at_local_rollover_time() {
        // 01:59 Beijing time on the 2nd still belongs to the 1st.
        assert_eq!(
            rule().day_of(utc("2026-03-01T17:59:00Z")),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        // 02:00 Beijing time starts the 2nd.
        assert_eq!(
            rule().day_of(utc("2026-03-01T18:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert_eq!(
            rule().next_rollover(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            utc("2026-03-01T18:00:00Z")
        );
    }
}
