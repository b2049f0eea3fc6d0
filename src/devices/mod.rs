//! Devices at the kiosk and counters: for now, the kiosk's ticket printer.

pub mod printer;
