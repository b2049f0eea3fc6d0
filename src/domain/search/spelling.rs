//! One spelling for what is typed and what is indexed: the characters search
//! looks at, and the toneless pinyin of each.

use pinyin::ToPinyinMulti;

/// Appends the characters of `text` that search looks at: letters, digits
/// and Chinese characters, lower-cased, full-width ASCII folded to its usual
/// width. Spaces, apostrophes (xi'an) and punctuation such as （）、 are
/// dropped, so a name matches however a citizen punctuates it.
pub(super) fn normalize_into(text: &str, out: &mut Vec<char>) {
    for c in text.chars().map(fold_width) {
        if !c.is_alphanumeric() {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// Ａ to A, １ to 1: a Chinese input method often types full-width letters.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Every way `c` can be typed in toneless pinyin, each once, the common
/// reading first: all readings of a polyphonic character such as 重 (zhong,
/// chong) or 行 (xing, hang), ü as both `v` (what a keyboard types) and `u`,
/// and an ASCII letter or digit as itself. Nothing for anything else.
pub(super) fn readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    if c.is_ascii_alphanumeric() {
        push(c.to_ascii_lowercase().to_string());
    } else if let Some(multi) = c.to_pinyin_multi() {
        for reading in multi {
            let plain = reading.plain().replace('ê', "e");
            if plain.contains('ü') {
                push(plain.replace('ü', "v"));
                push(plain.replace('ü', "u"));
            } else {
                push(plain);
            }
        }
    }
    out.retain(|s| s.bytes().all(|b| b.is_ascii_alphanumeric()));
    out
}

/// Where a letter or digit goes in a set or a table: a–z are 0–25, 0–9
/// are 26–35.
pub(super) fn letter_index(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some(usize::from(b - b'a')),
        b'0'..=b'9' => Some(usize::from(26 + b - b'0')),
        _ => None,
    }
}

/// The bit of a letter or digit in a set of letters, such as the first
/// letters of a character's readings; 0 for anything else.
pub(super) fn letter_bit(b: u8) -> u64 {
    letter_index(b).map_or(0, |i| 1 << i)
}

/// The letters and digits in a set made of `letter_bit`s.
pub(super) fn letters(mut set: u64) -> impl Iterator<Item = u8> {
    std::iter::from_fn(move || {
        if set == 0 {
            return None;
        }
        let bit = set.trailing_zeros() as u8;
        set &= set - 1;
        Some(if bit < 26 {
            b'a' + bit
        } else {
            b'0' + bit - 26
        })
    })
}

/// Whether `a` becomes `b` by changing one letter.
pub(super) fn one_changed(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).filter(|(x, y)| x != y).count() == 1
}

/// Whether `longer` becomes `shorter` by dropping one letter.
pub(super) fn one_dropped(longer: &[u8], shorter: &[u8]) -> bool {
    if longer.len() != shorter.len() + 1 {
        return false;
    }
    let same = longer
        .iter()
        .zip(shorter)
        .take_while(|(x, y)| x == y)
        .count();
    longer[same + 1..] == shorter[same..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(s: &str) -> String {
        let mut out = Vec::new();
        normalize_into(s, &mut out);
        out.into_iter().collect()
    }

    #[test]
    fn typing_noise_is_dropped() {
        assert_eq!(normalized(" Xi'an "), "xian");
        assert_eq!(normalized("ＫＴＶ备案"), "ktv备案");
        assert_eq!(
            normalized("社会保险登记（单位参保登记）"),
            "社会保险登记单位参保登记"
        );
        assert_eq!(
            normalized("居民身份证申领、换领、补领"),
            "居民身份证申领换领补领"
        );
        assert_eq!(normalized(" '’ \u{3000}"), "");
    }

    #[test]
    fn polyphonic_characters_have_every_reading() {
        let zhong = readings('重');
        assert!(zhong.contains(&"zhong".into()) && zhong.contains(&"chong".into()));
        let xing = readings('行');
        assert!(xing.contains(&"xing".into()) && xing.contains(&"hang".into()));
        assert_eq!(readings('绿')[..2], ["lv".to_owned(), "lu".to_owned()]);
        assert_eq!(readings('K'), ["k"]);
        assert!(readings('（').is_empty());
    }

    #[test]
    fn letter_sets_round_trip() {
        let set = letter_bit(b'a') | letter_bit(b'z') | letter_bit(b'7');
        assert_eq!(letters(set).collect::<Vec<_>>(), b"az7");
    }

    #[test]
    fn single_edits() {
        assert!(one_changed(b"ying", b"yinh"));
        assert!(!one_changed(b"ying", b"ying"));
        assert!(one_dropped(b"yingg", b"ying"));
        assert!(one_dropped(b"xying", b"ying"));
        assert!(!one_dropped(b"yang", b"yin"));
        assert!(one_dropped(b"a", b""));
    }
}
