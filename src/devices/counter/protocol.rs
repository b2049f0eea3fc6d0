//! What the hub and a counter device say to each other, and the `Protocol`
//! trait that turns it into bytes, so that a vendor's protocol can be added
//! beside the yimen one without touching the rest.
//!
//! The yimen protocol puts these messages in [`frame`](super::frame)s:
//!
//! | function | direction | payload |
//! |---|---|---|
//! | `0x01` LED show | hub → LED | state byte, top line, `0x0A`, bottom line (GB18030) |
//! | `0x02` LED clear | hub → LED | empty |
//! | `0x10` key press | keypad → hub | one ASCII digit `1`–`5`: the score |
//! | `0x11` rating recorded | hub → keypad | the digit recorded, then a thank-you text (GB18030) |
//! | `0x12` rating refused | hub → keypad | a reason byte, then the reason as text (GB18030) |
//!
//! LED state bytes: `0x00` open and waiting to call, `0x01` calling,
//! `0x02` serving, `0x03` paused, `0x04` closed. Refusal reasons: `0x01`
//! nothing to rate, `0x02` rated already, `0x03` the hub cannot record it now.

use super::frame::{Frame, FrameDecoder, Garbled};
use crate::domain::counter_display::{LedContent, LedState};
use crate::domain::rating::{KeypadRefusal, score_label};

/// Function codes of the yimen protocol.
mod function {
    pub const LED_SHOW: u8 = 0x01;
    pub const LED_CLEAR: u8 = 0x02;
    pub const KEY_PRESS: u8 = 0x10;
    pub const RATING_RECORDED: u8 = 0x11;
    pub const RATING_REFUSED: u8 = 0x12;
}

/// Separates the LED's two lines in a show payload.
const LINE_BREAK: u8 = 0x0A;

/// The state byte of an LED show payload.
pub fn led_state_code(state: LedState) -> u8 {
    match state {
        LedState::Waiting => 0x00,
        LedState::Calling => 0x01,
        LedState::Serving => 0x02,
        LedState::Paused => 0x03,
        LedState::Closed => 0x04,
    }
}

/// Why a key press did not record a rating, told back to the keypad.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No ticket finished at this counter today waits for a rating.
    NothingToRate,
    /// The ticket finished last here has its rating already.
    AlreadyRated,
    /// The hub is stopping or its database failed.
    Unavailable,
}

impl Refusal {
    /// The reason byte of a refusal payload.
    pub fn code(self) -> u8 {
        match self {
            Self::NothingToRate => 0x01,
            Self::AlreadyRated => 0x02,
            Self::Unavailable => 0x03,
        }
    }

    /// The words a keypad with a display shows.
    pub fn text(self) -> &'static str {
        match self {
            Self::NothingToRate => "暂无可评价的业务",
            Self::AlreadyRated => "本次业务已评价，谢谢",
            Self::Unavailable => "系统繁忙，请稍后再评",
        }
    }
}

impl From<KeypadRefusal> for Refusal {
    fn from(refusal: KeypadRefusal) -> Self {
        match refusal {
            KeypadRefusal::NothingToRate => Self::NothingToRate,
            KeypadRefusal::AlreadyRated => Self::AlreadyRated,
        }
    }
}

/// A message from the hub to a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToDevice {
    /// Show this on the LED.
    Show(LedContent),
    /// Blank the LED: the hub is stopping.
    Clear,
    /// The keypad's press is recorded as this score, 1–5.
    Recorded(u8),
    /// The keypad's press recorded nothing.
    Refused(Refusal),
}

/// A message from a device to the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FromDevice {
    /// A rating key, 1 (非常不满意) to 5 (非常满意).
    KeyPress(u8),
}

/// What came off the line: a message from some address, or bytes dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    Message {
        address: u8,
        message: FromDevice,
    },
    /// Never acted on; logged.
    Garbled(String),
}

/// A counter-device protocol: the bytes for each message to a device, and
/// the messages in the bytes a device sends. One value per connection, as
/// decoding keeps what a partial read left.
pub trait Protocol: Send {
    /// For logs, such as `yimen`.
    fn name(&self) -> &'static str;

    /// The bytes that carry `message` to the device at `address`.
    fn encode(&self, address: u8, message: &ToDevice) -> Vec<u8>;

    /// Takes bytes as they were read; returns what they complete.
    fn decode(&mut self, bytes: &[u8]) -> Vec<Received>;

    /// The line has gone quiet: whatever is half-read is garbled.
    fn line_idle(&mut self) -> Vec<Received>;
}

/// The yimen framed protocol, documented in this module and in the README.
#[derive(Debug, Default)]
pub struct YimenProtocol {
    decoder: FrameDecoder,
}

/// Characters kept of each LED line, so that a frame always fits.
pub const LED_LINE_CHARS: usize = 32;

fn gb18030(text: &str) -> Vec<u8> {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(LED_LINE_CHARS)
        .collect();
    encoding_rs::GB18030.encode(&clean).0.into_owned()
}

impl YimenProtocol {
    fn message(frame: Frame) -> Received {
        match (frame.function, frame.payload.as_slice()) {
            (function::KEY_PRESS, &[key @ b'1'..=b'5']) => Received::Message {
                address: frame.address,
                message: FromDevice::KeyPress(key - b'0'),
            },
            (function::KEY_PRESS, payload) => {
                Received::Garbled(format!("key press payload {payload:02X?} is not 1–5"))
            }
            (other, _) => Received::Garbled(format!("function 0x{other:02X} is not for the hub")),
        }
    }

    fn received(results: Vec<Result<Frame, Garbled>>) -> Vec<Received> {
        results
            .into_iter()
            .map(|r| match r {
                Ok(frame) => Self::message(frame),
                Err(garbled) => Received::Garbled(garbled.to_string()),
            })
            .collect()
    }
}

impl Protocol for YimenProtocol {
    fn name(&self) -> &'static str {
        "yimen"
    }

    fn encode(&self, address: u8, message: &ToDevice) -> Vec<u8> {
        let (function, payload) = match message {
            ToDevice::Show(content) => {
                let mut payload = vec![led_state_code(content.state)];
                payload.extend(gb18030(&content.top));
                payload.push(LINE_BREAK);
                payload.extend(gb18030(&content.bottom));
                (function::LED_SHOW, payload)
            }
            ToDevice::Clear => (function::LED_CLEAR, Vec::new()),
            ToDevice::Recorded(score) => {
                let mut payload = vec![b'0' + (*score).min(9)];
                payload.extend(gb18030(&format!("感谢您的评价：{}", score_label(*score))));
                (function::RATING_RECORDED, payload)
            }
            ToDevice::Refused(refusal) => {
                let mut payload = vec![refusal.code()];
                payload.extend(gb18030(refusal.text()));
                (function::RATING_REFUSED, payload)
            }
        };
        Frame {
            address,
            function,
            payload,
        }
        .encode()
    }

    fn decode(&mut self, bytes: &[u8]) -> Vec<Received> {
        Self::received(self.decoder.push(bytes))
    }

    fn line_idle(&mut self) -> Vec<Received> {
        Self::received(self.decoder.line_idle())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_of(bytes: &[u8]) -> Frame {
        let mut decoder = FrameDecoder::default();
        match decoder.push(bytes).as_slice() {
            [Ok(frame)] => frame.clone(),
            other => panic!("not one frame: {other:?}"),
        }
    }

    #[test]
    fn led_show_carries_the_state_and_two_lines_in_gb18030() {
        let content = LedContent {
            state: LedState::Calling,
            top: "A012".into(),
            bottom: "请到3号窗口".into(),
        };
        let frame = frame_of(&YimenProtocol::default().encode(9, &ToDevice::Show(content)));
        assert_eq!((frame.address, frame.function), (9, 0x01));
        let mut expected = vec![0x01];
        expected.extend(b"A012\n");
        expected.extend(encoding_rs::GB18030.encode("请到3号窗口").0.iter());
        assert_eq!(frame.payload, expected);
    }

    #[test]
    fn led_lines_lose_control_characters_and_excess_length() {
        let content = LedContent {
            state: LedState::Paused,
            top: "暂停服务".into(),
            bottom: format!("午休\n{}", "长".repeat(100)),
        };
        let frame = frame_of(&YimenProtocol::default().encode(1, &ToDevice::Show(content)));
        let (text, _, bad) = encoding_rs::GB18030.decode(&frame.payload[1..]);
        assert!(!bad);
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[0], "暂停服务");
        assert_eq!(lines[1].chars().count(), LED_LINE_CHARS);
        assert!(lines[1].starts_with("午休 长"));
    }

    #[test]
    fn clear_ack_and_refusal_frames() {
        let protocol = YimenProtocol::default();
        let clear = frame_of(&protocol.encode(1, &ToDevice::Clear));
        assert_eq!((clear.function, clear.payload.len()), (0x02, 0));
        let ack = frame_of(&protocol.encode(2, &ToDevice::Recorded(5)));
        assert_eq!((ack.function, ack.payload[0]), (0x11, b'5'));
        let (text, _, _) = encoding_rs::GB18030.decode(&ack.payload[1..]);
        assert_eq!(text, "感谢您的评价：非常满意");
        let nak = frame_of(&protocol.encode(2, &ToDevice::Refused(Refusal::AlreadyRated)));
        assert_eq!((nak.function, nak.payload[0]), (0x12, 0x02));
    }

    #[test]
    fn key_presses_decode_and_anything_else_is_garbled() {
        let mut protocol = YimenProtocol::default();
        let press = |function: u8, payload: &[u8]| {
            Frame {
                address: 3,
                function,
                payload: payload.to_vec(),
            }
            .encode()
        };
        assert_eq!(
            protocol.decode(&press(0x10, b"4")),
            [Received::Message {
                address: 3,
                message: FromDevice::KeyPress(4)
            }]
        );
        for (function, payload) in [(0x10, &b"6"[..]), (0x10, b"0"), (0x10, b"45"), (0x01, b"")] {
            let got = protocol.decode(&press(function, payload));
            assert!(
                matches!(got.as_slice(), [Received::Garbled(_)]),
                "{function:02X} {payload:?}: {got:?}"
            );
        }
        let mut cut = press(0x10, b"5");
        cut.truncate(6);
        assert_eq!(protocol.decode(&cut), []);
        assert!(matches!(
            protocol.line_idle().as_slice(),
            [Received::Garbled(_), ..]
        ));
    }
}
