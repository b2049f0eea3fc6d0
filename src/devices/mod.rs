//! Devices at the kiosk and counters: the kiosk's ticket printer, and the
//! LED window screens and rating keypads at the counters.

pub mod counter;
pub mod printer;
