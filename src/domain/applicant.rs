//! Who applies: name, resident ID number (居民身份证号码, GB 11643-1999) and
//! phone, checked when typed and masked wherever a role does not need them.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::QueueError;
use super::personal::{Field, Personal, Salt};

/// Weights of the first 17 digits in the check digit.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder modulo 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// The first two digits of every province-level region.
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A resident ID number whose region, birth date and check digit are right.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Checks an ID number as typed: spaces are dropped, a lower-case x is
    /// taken as X.
    ///
    /// # Errors
    /// `InvalidIdNumber` saying what is wrong.
    pub fn parse(text: &str) -> Result<Self, QueueError> {
        let bad = |why: &str| QueueError::InvalidIdNumber(why.to_owned());
        let id: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let chars: Vec<char> = id.chars().collect();
        if chars.len() != 18 {
            return Err(bad("应为 18 位"));
        }
        let digits: Option<Vec<u32>> = chars[..17].iter().map(|c| c.to_digit(10)).collect();
        let Some(digits) = digits else {
            return Err(bad("前 17 位应为数字"));
        };
        let province = digits[0] * 10 + digits[1];
        if !PROVINCES.contains(&province) {
            return Err(bad("地区码不正确"));
        }
        let birth =
            NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").map_err(|_| bad("出生日期不正确"))?;
        if birth < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(bad("出生日期不正确"));
        }
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        if chars[17] != CHECK[(sum % 11) as usize] {
            return Err(bad("校验位不正确，请核对"));
        }
        Ok(Self(id))
    }

    /// The first four and last four characters, the rest hidden:
    /// `1101**********1234`.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl TryFrom<String> for IdNumber {
    type Error = QueueError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> Self {
        id.0
    }
}

/// The citizen a case is for, as typed and checked at the counter.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: IdNumber,
    /// A mobile (11 digits) or landline number.
    pub phone: String,
}

impl fmt::Debug for Applicant {
    /// Masked, as a front-desk clerk sees it: a value may end up in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Applicant")
            .field("name", &mask_name(&self.name))
            .field("id_number", &self.id_number)
            .field("phone", &mask_phone(&self.phone))
            .finish()
    }
}

/// The applicant as a case holds them: each detail sealed under the case's
/// salt, so that the log and the case's row carry only commitments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedApplicant {
    pub name: Personal<String>,
    pub id_number: Personal<IdNumber>,
    pub phone: Personal<String>,
    /// The salt of every personal value of the case, while they are held:
    /// never written with the case, kept beside the values and erased with
    /// them.
    #[serde(skip)]
    pub salt: Option<Salt>,
}

impl SealedApplicant {
    /// Details as typed, with the salt the case will seal them under.
    pub fn new(details: Applicant, salt: Salt) -> Self {
        Self {
            salt: Some(salt),
            ..Self::from(details)
        }
    }

    /// The details, while they are held; none once erased.
    pub fn details(&self) -> Option<Applicant> {
        Some(Applicant {
            name: self.name.value()?.clone(),
            id_number: self.id_number.value()?.clone(),
            phone: self.phone.value()?.clone(),
        })
    }

    /// Seals what is still clear under the salt.
    pub fn seal(&mut self) {
        if let Some(salt) = &self.salt {
            self.name.seal(salt, Field::Name);
            self.id_number.seal(salt, Field::IdNumber);
            self.phone.seal(salt, Field::Phone);
        }
    }

    /// Forgets the values and the salt; the commitments stay.
    pub fn erase(&mut self) {
        self.name.erase();
        self.id_number.erase();
        self.phone.erase();
        self.salt = None;
    }
}

impl From<Applicant> for SealedApplicant {
    /// Details in the clear, with no salt yet.
    fn from(a: Applicant) -> Self {
        Self {
            name: Personal::clear(a.name),
            id_number: Personal::clear(a.id_number),
            phone: Personal::clear(a.phone),
            salt: None,
        }
    }
}

/// Longest name taken, in characters: enough for any transliterated name.
const MAX_NAME_CHARS: usize = 40;

impl Applicant {
    /// Checks what the clerk typed.
    ///
    /// # Errors
    /// An empty or over-long name, a wrong ID number, a phone that is not one.
    pub fn new(name: &str, id_number: &str, phone: &str) -> Result<Self, QueueError> {
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(QueueError::InvalidApplicant("姓名应为 1 至 40 个字".into()));
        }
        let phone: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let mobile =
            digits == 11 && phone.starts_with('1') && phone.chars().all(|c| c.is_ascii_digit());
        let landline =
            (7..=12).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || c == '-');
        if !(mobile || landline) {
            return Err(QueueError::InvalidApplicant(
                "联系电话应为手机号或座机号".into(),
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            id_number: IdNumber::parse(id_number)?,
            phone,
        })
    }
}

/// `张三丰` → `张**`: the surname only.
pub fn mask_name(name: &str) -> String {
    let mut masked: String = name.chars().take(1).collect();
    masked.extend(std::iter::repeat_n(
        '*',
        name.chars().count().saturating_sub(1),
    ));
    masked
}

/// `13812345678` → `138****5678`; other numbers keep their last four.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    match chars.len() {
        11 => format!(
            "{}****{}",
            chars[..3].iter().collect::<String>(),
            chars[7..].iter().collect::<String>()
        ),
        n if n > 4 => format!(
            "{}{}",
            "*".repeat(n - 4),
            chars[n - 4..].iter().collect::<String>()
        ),
        _ => "*".repeat(chars.len()),
    }
}

/// `北京市朝阳区建国路1号` → `北京市朝阳区****`: the first six characters,
/// enough to see where a result goes without the door.
pub fn mask_address(address: &str) -> String {
    let shown: String = address.chars().take(6).collect();
    format!("{shown}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up number with a correct check digit: 11010519491231002X.
    const GOOD: &str = "11010519491231002X";

    #[test]
    fn the_check_digit_is_verified() {
        assert!(IdNumber::parse(GOOD).is_ok());
        assert!(
            IdNumber::parse("11010519491231002x").is_ok(),
            "lower-case x"
        );
        assert!(IdNumber::parse("110105 19491231 002X").is_ok(), "spaces");
        for wrong in [
            "110105194912310021",
            "11010519491231002",
            "1101051949123100XX",
            "99010519491231002X",
            "11010519491331002X",
        ] {
            assert!(IdNumber::parse(wrong).is_err(), "{wrong}");
        }
        // Every single-digit change is caught.
        for i in 0..17 {
            let mut chars: Vec<char> = GOOD.chars().collect();
            chars[i] = if chars[i] == '9' {
                '8'
            } else {
                char::from_digit(chars[i].to_digit(10).unwrap() + 1, 10).unwrap()
            };
            let changed: String = chars.into_iter().collect();
            assert!(IdNumber::parse(&changed).is_err(), "{changed}");
        }
    }

    #[test]
    fn masks_hide_the_middle() {
        let id = IdNumber::parse(GOOD).unwrap();
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(
            format!("{id:?}"),
            "1101**********002X",
            "Debug never shows it whole"
        );
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0571-86901001"), "*********1001");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("欧阳"), "欧*");
    }

    #[test]
    fn a_sealed_applicant_writes_no_detail_and_debug_masks_them() {
        let details = Applicant::new("张三丰", GOOD, "13812345678").unwrap();
        assert!(!format!("{details:?}").contains("三丰"));
        assert!(!format!("{details:?}").contains("12345678"));
        let mut sealed = SealedApplicant::new(details.clone(), Salt([1; 16]));
        sealed.seal();
        let json = serde_json::to_string(&sealed).unwrap();
        for detail in ["张三丰", GOOD, "13812345678"] {
            assert!(!json.contains(detail), "{json}");
        }
        assert_eq!(sealed.details(), Some(details));
        sealed.erase();
        assert_eq!((sealed.details(), &sealed.salt), (None, &None));
        assert!(sealed.name.commitment().is_some());
    }

    #[test]
    fn applicants_are_checked() {
        assert!(Applicant::new("", GOOD, "13812345678").is_err());
        assert!(Applicant::new("张三", GOOD, "12345").is_err());
        assert!(Applicant::new("张三", GOOD, "0571-86901001").is_ok());
        assert!(Applicant::new("张\u{7}三", GOOD, "13812345678").is_err());
        assert!(Applicant::new("张三", "110105194912310021", "13812345678").is_err());
    }
}
