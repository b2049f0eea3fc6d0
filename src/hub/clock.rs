//! Where the hub reads the time: the crate's [`crate::clock`], so that tests
//! can set it.

pub use crate::clock::{Clock, ManualClock, SystemClock};
