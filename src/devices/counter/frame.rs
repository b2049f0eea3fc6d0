//! The yimen counter-device frame: how one message is delimited and checked
//! on a serial line, and a decoder that survives garbage.
//!
//! ```text
//! offset  size  field
//! 0       2     header    0xAA 0x55
//! 2       1     address   the device's bus address, 1–254
//! 3       1     function  what the frame asks or says (see `protocol`)
//! 4       2     length    N, the payload's size in bytes, big-endian, 0–512
//! 6       N     payload   text in GB18030
//! 6+N     1     checksum  XOR of every byte from address to the payload's end
//! 7+N     2     trailer   0x0D 0x0A
//! ```
//!
//! Framing is by length, with no escaping: the decoder looks for a header,
//! reads the length, and accepts the frame only if the checksum and trailer
//! are right. Anything else is garbled: the decoder reports it, skips one
//! byte and looks for the next header, so a good frame after garbage is
//! still found. A partial frame is garbled once the line goes quiet.

/// The first two bytes of every frame.
pub const HEADER: [u8; 2] = [0xAA, 0x55];
/// The last two bytes of every frame.
pub const TRAILER: [u8; 2] = [0x0D, 0x0A];
/// The largest payload a frame carries.
pub const MAX_PAYLOAD: usize = 512;
/// Header, address, function and length.
const HEAD_LEN: usize = 6;
/// Header, address, function, length, checksum and trailer.
const OVERHEAD: usize = HEAD_LEN + 3;

/// One frame, as sent or as received intact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Which device on the line the frame is for, or from.
    pub address: u8,
    /// What the frame asks or says.
    pub function: u8,
    /// At most [`MAX_PAYLOAD`] bytes.
    pub payload: Vec<u8>,
}

/// Why received bytes were dropped, for the log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Garbled {
    /// Bytes that do not start a frame.
    #[error("{0} byte(s) before a frame header")]
    Noise(usize),
    #[error("payload length {0} is over {MAX_PAYLOAD}")]
    TooLong(usize),
    #[error("checksum 0x{got:02X} should be 0x{expected:02X}")]
    Checksum { expected: u8, got: u8 },
    #[error("trailer {0:02X?} should be 0D 0A")]
    Trailer([u8; 2]),
    /// A frame begun and never finished before the line went quiet.
    #[error("incomplete frame of {0} byte(s)")]
    Incomplete(usize),
}

/// XOR of `bytes`: the frame's checksum over address to payload.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |sum, b| sum ^ b)
}

impl Frame {
    /// The frame's bytes on the line. A payload over [`MAX_PAYLOAD`] is cut
    /// to it; callers keep their payloads shorter.
    pub fn encode(&self) -> Vec<u8> {
        let payload = &self.payload[..self.payload.len().min(MAX_PAYLOAD)];
        let length = u16::try_from(payload.len()).unwrap_or(u16::MAX);
        let mut bytes = Vec::with_capacity(payload.len() + OVERHEAD);
        bytes.extend_from_slice(&HEADER);
        bytes.extend_from_slice(&[self.address, self.function]);
        bytes.extend_from_slice(&length.to_be_bytes());
        bytes.extend_from_slice(payload);
        bytes.push(checksum(&bytes[HEADER.len()..]));
        bytes.extend_from_slice(&TRAILER);
        bytes
    }
}

/// Turns a stream of bytes read from a line into frames, reporting what it
/// had to drop. It never holds more than one frame's worth of bytes.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    /// Bytes read and not yet decided on; from the first byte on, a header
    /// or the first half of one.
    pending: Vec<u8>,
}

impl FrameDecoder {
    /// Takes bytes as they were read; returns every frame they complete, in
    /// order, and every piece dropped on the way.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Frame, Garbled>> {
        let mut out = Vec::new();
        for chunk in bytes.chunks(MAX_PAYLOAD) {
            self.pending.extend_from_slice(chunk);
            self.decode(&mut out);
        }
        out
    }

    /// The line has gone quiet: a frame begun is not coming, so it is
    /// garbled. Returns that, and any frame found behind it.
    pub fn line_idle(&mut self) -> Vec<Result<Frame, Garbled>> {
        let mut out = Vec::new();
        while !self.pending.is_empty() {
            out.push(Err(Garbled::Incomplete(self.pending.len())));
            self.pending.remove(0);
            self.decode(&mut out);
        }
        out
    }

    fn decode(&mut self, out: &mut Vec<Result<Frame, Garbled>>) {
        loop {
            let noise = self.skip_to_header();
            if noise > 0 {
                out.push(Err(Garbled::Noise(noise)));
            }
            match self.take_frame() {
                Some(result) => out.push(result),
                None => return,
            }
        }
    }

    /// Drops everything before the first header; a lone `0xAA` at the end
    /// stays, as the next read may bring its `0x55`.
    fn skip_to_header(&mut self) -> usize {
        let start = self
            .pending
            .windows(2)
            .position(|w| w == HEADER)
            .unwrap_or_else(|| {
                let keep = self.pending.last() == Some(&HEADER[0]);
                self.pending.len() - usize::from(keep)
            });
        self.pending.drain(..start);
        start
    }

    /// The frame at the front, if it is all there; `None` to wait for more.
    fn take_frame(&mut self) -> Option<Result<Frame, Garbled>> {
        if self.pending.len() < HEAD_LEN {
            return None;
        }
        let length = usize::from(u16::from_be_bytes([self.pending[4], self.pending[5]]));
        if length > MAX_PAYLOAD {
            self.pending.remove(0);
            return Some(Err(Garbled::TooLong(length)));
        }
        let total = length + OVERHEAD;
        if self.pending.len() < total {
            return None;
        }
        let frame = &self.pending[..total];
        let body_end = HEAD_LEN + length;
        let expected = checksum(&frame[HEADER.len()..body_end]);
        let trailer = [frame[total - 2], frame[total - 1]];
        let verdict = if trailer != TRAILER {
            Err(Garbled::Trailer(trailer))
        } else if frame[body_end] != expected {
            Err(Garbled::Checksum {
                expected,
                got: frame[body_end],
            })
        } else {
            Ok(Frame {
                address: frame[2],
                function: frame[3],
                payload: frame[HEAD_LEN..body_end].to_vec(),
            })
        };
        match verdict {
            Ok(_) => drop(self.pending.drain(..total)),
            // Skip just the header's first byte: a good frame may start inside.
            Err(_) => drop(self.pending.remove(0)),
        }
        Some(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: u8) -> Frame {
        Frame {
            address: 1,
            function: 0x10,
            payload: vec![key],
        }
    }

    #[test]
    fn a_frame_is_header_address_function_length_payload_checksum_trailer() {
        let bytes = press(b'5').encode();
        // 0x01 ^ 0x10 ^ 0x00 ^ 0x01 ^ 0x35 = 0x25
        assert_eq!(
            bytes,
            [0xAA, 0x55, 0x01, 0x10, 0x00, 0x01, 0x35, 0x25, 0x0D, 0x0A]
        );
        let empty = Frame {
            address: 7,
            function: 0x02,
            payload: Vec::new(),
        };
        assert_eq!(
            empty.encode(),
            [0xAA, 0x55, 0x07, 0x02, 0x00, 0x00, 0x05, 0x0D, 0x0A]
        );
    }

    #[test]
    fn frames_come_back_whole_however_the_bytes_are_split() {
        let mut line = press(b'1').encode();
        line.extend(press(b'4').encode());
        for split in 0..line.len() {
            let mut decoder = FrameDecoder::default();
            let mut got = decoder.push(&line[..split]);
            got.extend(decoder.push(&line[split..]));
            assert_eq!(got, [Ok(press(b'1')), Ok(press(b'4'))], "split at {split}");
        }
    }

    #[test]
    fn garbage_is_reported_and_the_next_frame_still_found() {
        let mut decoder = FrameDecoder::default();
        let mut line = b"hello\x00\xFF".to_vec();
        line.extend(press(b'3').encode());
        let got = decoder.push(&line);
        assert_eq!(got, [Err(Garbled::Noise(7)), Ok(press(b'3'))]);
    }

    #[test]
    fn a_bad_checksum_or_trailer_is_dropped_and_decoding_resumes() {
        let mut bad_sum = press(b'5').encode();
        bad_sum[7] ^= 0xFF;
        let mut bad_end = press(b'5').encode();
        bad_end[9] = b'!';
        for (bad, why) in [
            (
                bad_sum,
                Garbled::Checksum {
                    expected: 0x25,
                    got: 0xDA,
                },
            ),
            (bad_end, Garbled::Trailer([0x0D, b'!'])),
        ] {
            let mut decoder = FrameDecoder::default();
            let mut line = bad;
            line.extend(press(b'2').encode());
            let got = decoder.push(&line);
            assert_eq!(got.first(), Some(&Err(why)));
            assert_eq!(got.last(), Some(&Ok(press(b'2'))));
            assert_eq!(got.iter().filter(|g| g.is_ok()).count(), 1, "{got:?}");
        }
    }

    #[test]
    fn an_impossible_length_is_dropped_at_once() {
        let mut decoder = FrameDecoder::default();
        let mut line = vec![0xAA, 0x55, 0x01, 0x10, 0xFF, 0xFF];
        line.extend(press(b'1').encode());
        let got = decoder.push(&line);
        assert_eq!(got[0], Err(Garbled::TooLong(0xFFFF)));
        assert_eq!(got.last(), Some(&Ok(press(b'1'))));
    }

    #[test]
    fn a_frame_cut_short_is_garbled_when_the_line_goes_quiet() {
        let mut decoder = FrameDecoder::default();
        // A header promising 200 bytes, then a whole good frame.
        let mut line = vec![0xAA, 0x55, 0x01, 0x01, 0x00, 200];
        line.extend(press(b'5').encode());
        assert_eq!(decoder.push(&line), []);
        let got = decoder.line_idle();
        assert_eq!(got[0], Err(Garbled::Incomplete(16)));
        assert_eq!(got.last(), Some(&Ok(press(b'5'))));
        assert_eq!(decoder.line_idle(), []);
        assert_eq!(decoder.push(&press(b'4').encode()), [Ok(press(b'4'))]);
    }

    #[test]
    fn a_lone_first_header_byte_waits_for_its_partner() {
        let mut decoder = FrameDecoder::default();
        let line = press(b'5').encode();
        assert_eq!(decoder.push(&[b'x', line[0]]), [Err(Garbled::Noise(1))]);
        assert_eq!(decoder.push(&line[1..]), [Ok(press(b'5'))]);
    }

    #[test]
    fn random_bytes_never_make_a_frame_out_of_nothing_and_never_grow_the_buffer() {
        let mut decoder = FrameDecoder::default();
        let mut state = 0x2545_F491_u32;
        let mut noise = Vec::new();
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            noise.push(state.to_be_bytes()[0]);
        }
        let got = decoder.push(&noise);
        assert!(got.iter().all(Result::is_err));
        assert!(decoder.pending.len() < MAX_PAYLOAD + OVERHEAD);
    }

    #[test]
    fn payloads_over_the_limit_are_cut_when_encoded() {
        let long = Frame {
            address: 1,
            function: 0x01,
            payload: vec![b'a'; MAX_PAYLOAD + 10],
        };
        let mut decoder = FrameDecoder::default();
        let got = decoder.push(&long.encode());
        let Ok(frame) = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(frame.payload.len(), MAX_PAYLOAD);
    }
}
