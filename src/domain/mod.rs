//! The hall's rules as plain functions over plain data: no I/O, no async, no
//! database, no window. Time comes in as a parameter.
//!
//! - `ids`: names of things and the business day;
//! - `setup`: the hall as configured;
//! - `ticket`, `event`, `hall`: the state and how events change it;
//! - `queue`, `staff`: decisions, which produce events;
//! - `pin`: which PINs are too easy to guess;
//! - `estimate`: the wait estimate;
//! - `calendar`: working days;
//! - `guide`, `search`: service guides and finding them;
//! - `alerts`: devices asking for a person;
//! - `applicant`, `case`, `case_flow`, `deadline`, `timeliness`: cases from
//!   intake to pickup, on working-day deadlines, and whether they keep them;
//! - `personal`: applicants' personal values, sealed in the log by salted
//!   commitments so that they can be erased;
//! - `replay`: tickets, cases and sessions rebuilt from the log, for the
//!   audit;
//! - `rating`: 好差评, which ticket a counter's keypad rates, and the
//!   rectification of bad reviews;
//! - `counter_display`: what the LED screen above a counter shows;
//! - `progress`: what a citizen's phone shows of their ticket and case;
//! - `display`: the display wall: what it shows and what it announces;
//! - `booking`: appointments (预约取号), their slots, check-in and no-shows;
//! - `policy`: who may do what now, and see what.

pub mod alerts;
pub mod applicant;
pub mod booking;
pub mod bundle;
pub mod calendar;
pub mod case;
pub mod case_flow;
pub mod counter_display;
pub mod deadline;
pub mod display;
pub mod efficiency;
pub mod error;
pub mod estimate;
pub mod event;
pub mod guide;
pub mod hall;
pub mod ids;
pub mod personal;
pub mod pin;
pub mod policy;
pub mod progress;
pub mod queue;
pub mod rating;
pub mod replay;
pub mod search;
pub mod setup;
pub mod staff;
pub mod ticket;
pub mod timeliness;

#[cfg(test)]
mod booking_tests;
#[cfg(test)]
mod bundle_tests;
#[cfg(test)]
mod calendar_tests;
#[cfg(test)]
mod estimate_tests;
#[cfg(test)]
mod hall_props;
#[cfg(test)]
mod policy_tests;
#[cfg(test)]
mod queue_tests;
#[cfg(test)]
mod scope_tests;
#[cfg(test)]
mod service_tests;
#[cfg(test)]
mod staff_tests;
#[cfg(test)]
pub(crate) mod test_days;
#[cfg(test)]
mod test_hall;
