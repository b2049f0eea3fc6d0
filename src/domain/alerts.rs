//! Devices asking for a person: a printer out of paper, a screen unplugged.

use super::error::QueueError;
use super::event::HallEvent;
use super::hall::Hall;
use super::ids::Timestamp;
use super::queue::reason_text;

/// Longest name of a device's part.
const MAX_PART_CHARS: usize = 32;

impl Hall {
    /// Records that `device` needs attention for `part`.
    ///
    /// # Errors
    /// An empty or over-long part or problem, or one with control characters.
    pub fn device_alert(
        &self,
        device: &str,
        part: &str,
        problem: &str,
        now: Timestamp,
    ) -> Result<Vec<HallEvent>, QueueError> {
        let part = part.trim();
        if part.is_empty()
            || part.chars().count() > MAX_PART_CHARS
            || part.chars().any(char::is_control)
        {
            return Err(QueueError::ReasonTooLong(MAX_PART_CHARS));
        }
        Ok(vec![HallEvent::DeviceAlert {
            device: device.to_owned(),
            part: part.to_owned(),
            problem: reason_text(problem)?,
            at: now,
        }])
    }
}
