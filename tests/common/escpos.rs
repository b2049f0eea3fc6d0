//! A small ESC/POS decoder, so printer tests assert on what a ticket means
//! (text, sizes, QR payload, cut) rather than on raw bytes. It knows the
//! commands the ticket printer sends and refuses anything else, so a new
//! command shows up as a test failure rather than as garbage text.

use encoding_rs::GB18030;

/// One printer operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `ESC @`: back to power-on settings; Chinese mode is counted as off.
    Init,
    /// `FS &` (on) and `FS .` (off).
    ChineseMode(bool),
    /// `ESC a n`.
    Align(Align),
    /// `ESC E n`.
    Bold(bool),
    /// `GS ! n`: character magnification, 1 to 8 each way.
    Size { width: u8, height: u8 },
    /// Printable bytes: GB18030 in Chinese mode, ASCII outside it.
    Text(String),
    /// Bytes above 0x7F outside Chinese mode: the printer would print them
    /// from its single-byte code page, not as Chinese.
    Unencoded(Vec<u8>),
    /// `LF`.
    LineFeed,
    /// `ESC d n`: print and feed n lines.
    Feed(u8),
    /// `GS ( k` QR function 165: model (49 = 1, 50 = 2, 51 = micro).
    QrModel(u8),
    /// `GS ( k` QR function 167: module size in dots.
    QrSize(u8),
    /// `GS ( k` QR function 169: error correction, 48 = L … 51 = H.
    QrErrorCorrection(u8),
    /// `GS ( k` QR function 180: the payload stored for printing.
    QrStore(String),
    /// `GS ( k` QR function 181: print the stored symbol.
    QrPrint,
    /// `GS V m` or `GS V m n`.
    Cut { partial: bool },
    /// `DLE EOT n`: real-time status query.
    StatusQuery(u8),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A printed line of text with the style it began in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Width and height magnification.
    pub size: (u8, u8),
    pub align: Align,
    pub bold: bool,
}

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const DLE: u8 = 0x10;
const LF: u8 = 0x0A;

/// Decodes a whole byte stream.
///
/// # Errors
/// An unknown command, a truncated one, or text that is not GB18030.
pub fn decode(bytes: &[u8]) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    let mut chinese = false;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let arg = |i: usize| {
            rest.get(i)
                .copied()
                .ok_or_else(|| format!("command at {at} is cut short: {rest:02X?}"))
        };
        let (op, len) = match rest[0] {
            LF => (Op::LineFeed, 1),
            ESC => match arg(1)? {
                b'@' => (Op::Init, 2),
                b'a' => (Op::Align(align(arg(2)?)?), 3),
                b'E' => (Op::Bold(arg(2)? & 1 == 1), 3),
                b'd' => (Op::Feed(arg(2)?), 3),
                other => return Err(format!("unknown ESC {other:#04X} at {at}")),
            },
            GS => match arg(1)? {
                b'!' => {
                    let n = arg(2)?;
                    let (width, height) = ((n >> 4) + 1, (n & 0x0F) + 1);
                    (Op::Size { width, height }, 3)
                }
                b'V' => match arg(2)? {
                    0 | 48 => (Op::Cut { partial: false }, 3),
                    1 | 49 => (Op::Cut { partial: true }, 3),
                    // Function B: feed to the cutter plus `n` dots, then cut.
                    m @ (65 | 66 | 97 | 98) => {
                        arg(3)?;
                        (
                            Op::Cut {
                                partial: m % 2 == 0,
                            },
                            4,
                        )
                    }
                    m => return Err(format!("unknown cut mode {m} at {at}")),
                },
                b'(' if arg(2)? == b'k' => {
                    let len = usize::from(arg(3)?) + 256 * usize::from(arg(4)?);
                    let body = rest
                        .get(5..5 + len)
                        .ok_or_else(|| format!("2D code function at {at} is cut short"))?;
                    (
                        qr_function(body).map_err(|e| format!("{e} at {at}"))?,
                        5 + len,
                    )
                }
                other => return Err(format!("unknown GS {other:#04X} at {at}")),
            },
            FS => match arg(1)? {
                b'&' => (Op::ChineseMode(true), 2),
                b'.' => (Op::ChineseMode(false), 2),
                other => return Err(format!("unknown FS {other:#04X} at {at}")),
            },
            DLE if arg(1)? == 0x04 => (Op::StatusQuery(arg(2)?), 3),
            byte if byte < 0x20 => return Err(format!("unknown control byte {byte:#04X} at {at}")),
            _ => {
                let len = rest.iter().position(|&b| b < 0x20).unwrap_or(rest.len());
                (
                    text(&rest[..len], chinese).map_err(|e| format!("{e} at {at}"))?,
                    len,
                )
            }
        };
        match op {
            Op::Init => chinese = false,
            Op::ChineseMode(on) => chinese = on,
            _ => {}
        }
        ops.push(op);
        at += len;
    }
    Ok(ops)
}

fn align(n: u8) -> Result<Align, String> {
    match n {
        0 | 48 => Ok(Align::Left),
        1 | 49 => Ok(Align::Center),
        2 | 50 => Ok(Align::Right),
        _ => Err(format!("unknown alignment {n}")),
    }
}

/// `cn fn [parameters]` of `GS ( k`; only QR codes (cn = 49).
fn qr_function(body: &[u8]) -> Result<Op, String> {
    let param = |i: usize| body.get(i).copied().ok_or("QR function cut short");
    if param(0)? != 49 {
        return Err(format!("not a QR code function: {body:02X?}"));
    }
    Ok(match param(1)? {
        65 => Op::QrModel(param(2)?),
        67 => Op::QrSize(param(2)?),
        69 => Op::QrErrorCorrection(param(2)?),
        80 if param(2)? == 48 => {
            let payload = String::from_utf8(body[3..].to_vec()).map_err(|e| e.to_string())?;
            Op::QrStore(payload)
        }
        81 if param(2)? == 48 => Op::QrPrint,
        other => return Err(format!("unknown QR function {other}")),
    })
}

fn text(bytes: &[u8], chinese: bool) -> Result<Op, String> {
    if bytes.is_ascii() {
        return Ok(Op::Text(String::from_utf8(bytes.to_vec()).expect("ASCII")));
    }
    if !chinese {
        return Ok(Op::Unencoded(bytes.to_vec()));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| Op::Text(text.into_owned()))
        .ok_or_else(|| format!("not GB18030: {bytes:02X?}"))
}

/// The text lines a stream prints, each with the size, alignment and
/// emphasis in effect when it began. A line ends at `LF` or `ESC d`.
pub fn lines(ops: &[Op]) -> Vec<Line> {
    let mut lines = Vec::new();
    let (mut size, mut align, mut bold) = ((1, 1), Align::Left, false);
    let mut current: Option<Line> = None;
    for op in ops {
        match op {
            Op::Init => (size, align, bold) = ((1, 1), Align::Left, false),
            Op::Size { width, height } => size = (*width, *height),
            Op::Align(a) => align = *a,
            Op::Bold(b) => bold = *b,
            Op::Text(text) => {
                let line = current.get_or_insert_with(|| Line {
                    text: String::new(),
                    size,
                    align,
                    bold,
                });
                line.text.push_str(text);
            }
            Op::LineFeed | Op::Feed(_) => lines.extend(current.take()),
            _ => {}
        }
    }
    lines.extend(current);
    lines
}

/// The payloads of the QR codes printed, in order.
pub fn qr_payloads(ops: &[Op]) -> Vec<String> {
    let mut stored = None;
    let mut printed = Vec::new();
    for op in ops {
        match op {
            Op::QrStore(payload) => stored = Some(payload.clone()),
            Op::QrPrint => printed.extend(stored.clone()),
            _ => {}
        }
    }
    printed
}
