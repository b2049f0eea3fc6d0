//! Shows the model: sets every property of the wall's adapter. Numbers go
//! to the window, which puts them in words.

use std::rc::Rc;

use chrono_tz::Tz;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::Signage;
use super::model::WallModel;
use crate::apps::words::{int, moment};
use crate::domain::ids::Timestamp;
use crate::ui::{DisplayAdapter, DisplayWindow, QueueCount, RecentCall};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

/// Everything but the clock.
pub fn show(window: &DisplayWindow, m: &WallModel, signage: &Signage) {
    let a = window.global::<DisplayAdapter>();
    a.set_hall_name(signage.hall.as_str().into());
    a.set_notice(signage.notices.join("　　　　").into());
    a.set_offline(m.offline);
    a.set_flashing(m.flashing);
    let newest = m.board.newest();
    a.set_waiting_for_first_call(newest.is_none());
    if let Some(call) = newest {
        a.set_newest_number(call.number.to_string().into());
        a.set_newest_counter(int(call.counter));
        a.set_newest_place(call.counter_name.as_deref().unwrap_or_default().into());
        a.set_newest_recall(call.recall);
    }
    a.set_recent(model(
        m.board
            .recent()
            .map(|call| RecentCall {
                number: call.number.to_string().into(),
                counter: int(call.counter),
            })
            .collect(),
    ));
    a.set_queues(model(
        m.queues
            .iter()
            .map(|q| QueueCount {
                name: q.name.as_str().into(),
                waiting: q.waiting.to_string().into(),
            })
            .collect(),
    ));
}

/// The date and time in the hall's zone, redrawn when the minute changes.
pub fn show_clock(window: &DisplayWindow, now: Timestamp, zone: Tz) {
    let now = moment(now, zone);
    let a = window.global::<DisplayAdapter>();
    if a.get_now() != now {
        a.set_now(now);
    }
}
