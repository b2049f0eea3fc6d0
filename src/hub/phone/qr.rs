//! A booking code's QR, drawn by the hub as SVG: the booking page carries
//! no QR encoder of its own, and the phone shows it at any size, sharp.

use crate::documents::qr_modules;

/// Longest code drawn: the hub draws booking codes, not whatever it is sent.
const MAX_CODE_CHARS: usize = 16;

/// Whether `code` looks like a booking code: digits only, not too many.
pub fn is_drawable(code: &str) -> bool {
    (1..=MAX_CODE_CHARS).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// The QR code of `code` as an SVG image: black modules on white, each one
/// unit square, in a square of the code's width and its quiet zone.
pub fn svg(code: &str) -> Option<String> {
    let (side, dark) = qr_modules(code.as_bytes())?;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{dark}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_booking_codes_are_drawn() {
        assert!(is_drawable("12345678"));
        for other in ["", "1234567890123456789", "12ab", "<svg>", "１２３"] {
            assert!(!is_drawable(other), "{other}");
        }
    }

    #[test]
    fn an_eight_digit_code_is_a_version_one_symbol_with_its_quiet_zone() {
        let svg = svg("12345678").unwrap();
        assert!(svg.contains("viewBox=\"0 0 29 29\""), "{svg}");
        // The finder patterns' outer corners, each inside the quiet zone.
        for corner in ["M4 4h", "M24 4h", "M4 24h"] {
            assert!(svg.contains(corner), "{corner}");
        }
        let moves = svg.split('M').skip(1).map(|m| {
            let (x, rest) = m.split_once(' ').unwrap();
            let y = rest.split_once('h').unwrap().0;
            (x.parse::<usize>().unwrap(), y.parse::<usize>().unwrap())
        });
        for (x, y) in moves {
            assert!(
                (4..25).contains(&x) && (4..25).contains(&y),
                "({x}, {y}) in the quiet zone"
            );
        }
    }
}
