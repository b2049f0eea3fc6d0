//! Which PINs are too easy to guess. A PIN is refused when it is shorter
//! than [`MIN_PIN_CHARS`], is one character repeated (`000000`, `888888`),
//! or is a run of consecutive digits up or down (`123456`, `654321`,
//! `3456789`). The published demo PIN is such a run; a hall that declares
//! demo credentials accepts it, and only it.
//!
//! The same rule serves twice: on a PIN change the new PIN is checked as
//! typed; `check-config` holds each staff member's hash against
//! [`trivial_pins`], every trivial PIN a hash could hide within the lengths
//! people choose.

use super::error::QueueError;

/// Fewest characters a PIN may have.
pub const MIN_PIN_CHARS: usize = 6;
/// Most characters a PIN may have: longer input is refused before hashing.
pub const MAX_PIN_CHARS: usize = 64;
/// The PIN every demo staff member has in the sample hall.
pub const DEMO_PIN: &str = "123456";
/// The lengths [`trivial_pins`] covers: PINs are chosen six to eight long.
const CHECKED_LENGTHS: std::ops::RangeInclusive<usize> = 6..=8;

/// Why a PIN is too easy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinWeakness {
    TooShort,
    TooLong,
    /// One character, repeated.
    Repeated,
    /// Consecutive digits, up or down.
    Run,
    /// The published demo PIN, in a hall that is not a demo.
    Demo,
}

impl PinWeakness {
    /// Why, in the words a clerk reads.
    pub fn message(self) -> String {
        match self {
            PinWeakness::TooShort => format!("密码至少 {MIN_PIN_CHARS} 位"),
            PinWeakness::TooLong => format!("密码不能超过 {MAX_PIN_CHARS} 位"),
            PinWeakness::Repeated => "密码不能是同一个数字重复".into(),
            PinWeakness::Run => "密码不能是连续的数字（如 123456、654321）".into(),
            PinWeakness::Demo => "不能使用公开的演示密码".into(),
        }
    }
}

/// Why `pin` is too easy to guess, if it is. `demo_hall`: the hall accepts
/// the published demo credentials, so [`DEMO_PIN`] passes.
pub fn pin_weakness(pin: &str, demo_hall: bool) -> Option<PinWeakness> {
    let chars: Vec<char> = pin.chars().collect();
    if chars.len() < MIN_PIN_CHARS {
        return Some(PinWeakness::TooShort);
    }
    if chars.len() > MAX_PIN_CHARS {
        return Some(PinWeakness::TooLong);
    }
    if pin == DEMO_PIN {
        return (!demo_hall).then_some(PinWeakness::Demo);
    }
    if chars.iter().all(|c| *c == chars[0]) {
        return Some(PinWeakness::Repeated);
    }
    is_run(&chars).then_some(PinWeakness::Run)
}

/// Whether `new` may replace `old` as a PIN: not the same, and not too
/// easy to guess.
///
/// # Errors
/// `SamePin`, or `WeakPin` with the reason.
pub fn may_choose_pin(old: &str, new: &str, demo_hall: bool) -> Result<(), QueueError> {
    if old == new {
        return Err(QueueError::SamePin);
    }
    match pin_weakness(new, demo_hall) {
        Some(weakness) => Err(QueueError::WeakPin(weakness)),
        None => Ok(()),
    }
}

/// Whether every digit is one more, or every digit one less, than the last.
fn is_run(chars: &[char]) -> bool {
    let Some(digits) = chars
        .iter()
        .map(|c| c.to_digit(10).map(i64::from))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let steps: Vec<i64> = digits.windows(2).map(|w| w[1] - w[0]).collect();
    steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1)
}

/// Every trivial PIN of six to eight digits but the demo PIN: each digit
/// repeated, and every run up and down. What `check-config` tries against
/// each staff member's hash.
pub fn trivial_pins() -> Vec<String> {
    let mut pins = Vec::new();
    for len in CHECKED_LENGTHS {
        for d in 0..10u8 {
            pins.push(char::from(b'0' + d).to_string().repeat(len));
        }
        for start in 0..=(10 - len) {
            let up: String = (start..start + len)
                .map(|d| char::from(b'0' + d as u8))
                .collect();
            pins.push(up.chars().rev().collect());
            pins.push(up);
        }
    }
    pins.retain(|p| p != DEMO_PIN);
    pins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_pins_are_refused_with_their_reason() {
        for (pin, why) in [
            ("12345", PinWeakness::TooShort),
            ("", PinWeakness::TooShort),
            ("000000", PinWeakness::Repeated),
            ("99999999", PinWeakness::Repeated),
            ("aaaaaa", PinWeakness::Repeated),
            ("234567", PinWeakness::Run),
            ("654321", PinWeakness::Run),
            ("0123456789", PinWeakness::Run),
            ("9876543", PinWeakness::Run),
            ("123456", PinWeakness::Demo),
        ] {
            assert_eq!(pin_weakness(pin, false), Some(why), "{pin}");
        }
        assert_eq!(
            pin_weakness(&"7".repeat(65), false),
            Some(PinWeakness::TooLong)
        );
    }

    #[test]
    fn ordinary_pins_pass() {
        for pin in [
            "135790",
            "204817",
            "123457",
            "112233",
            "090807",
            "天王盖地虎宝塔",
        ] {
            assert_eq!(pin_weakness(pin, false), None, "{pin}");
        }
    }

    #[test]
    fn a_new_pin_must_differ_and_be_strong() {
        assert_eq!(
            may_choose_pin("135790", "135790", false),
            Err(QueueError::SamePin)
        );
        assert_eq!(
            may_choose_pin("135790", "222222", false),
            Err(QueueError::WeakPin(PinWeakness::Repeated))
        );
        assert_eq!(may_choose_pin("123456", "204817", true), Ok(()));
    }

    #[test]
    fn a_demo_hall_accepts_the_demo_pin_and_nothing_else_trivial() {
        assert_eq!(pin_weakness(DEMO_PIN, true), None);
        assert_eq!(pin_weakness("234567", true), Some(PinWeakness::Run));
        assert_eq!(pin_weakness("111111", true), Some(PinWeakness::Repeated));
    }

    #[test]
    fn the_candidates_are_exactly_the_trivial_pins_of_six_to_eight_digits() {
        let pins = trivial_pins();
        // 10 repeated digits and 2 × (11 - len) runs per length, less the demo PIN.
        assert_eq!(pins.len(), 3 * 10 + 2 * (5 + 4 + 3) - 1);
        assert!(pins.iter().all(|p| pin_weakness(p, true).is_some()));
        for pin in ["000000", "12345678", "87654321", "456789", "3210987"] {
            assert_eq!(pins.contains(&pin.to_owned()), pin != "3210987", "{pin}");
        }
        assert!(!pins.contains(&DEMO_PIN.to_owned()));
        let unique: std::collections::HashSet<_> = pins.iter().collect();
        assert_eq!(unique.len(), pins.len());
    }
}
