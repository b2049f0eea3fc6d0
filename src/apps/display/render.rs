//! Shows the model: sets every property of the wall's adapter.

use std::rc::Rc;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::Signage;
use super::model::WallModel;
use crate::domain::ids::CounterNo;
use crate::ui::{DisplayAdapter, DisplayWindow, QueueCount, RecentCall};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

/// A counter as the wall names it in a call, such as `3号窗口`.
fn counter_label(counter: CounterNo) -> String {
    format!("{counter}号窗口")
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
        a.set_newest_counter(counter_label(call.counter).into());
        a.set_newest_place(call.counter_name.as_deref().unwrap_or_default().into());
        a.set_newest_recall(call.recall);
    }
    a.set_recent(model(
        m.board
            .recent()
            .map(|call| RecentCall {
                number: call.number.to_string().into(),
                counter: counter_label(call.counter).into(),
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

/// The date and time in the hall's zone.
pub fn show_clock(window: &DisplayWindow, now: DateTime<Utc>, zone: Tz) {
    let (date, time) = clock(now, zone);
    let a = window.global::<DisplayAdapter>();
    if a.get_time() != time {
        a.set_date(date);
        a.set_time(time);
    }
}

/// Such as (`2026年3月2日 星期一`, `10:05`).
fn clock(now: DateTime<Utc>, zone: Tz) -> (SharedString, SharedString) {
    let local = now.with_timezone(&zone);
    let weekday =
        ["一", "二", "三", "四", "五", "六", "日"][local.weekday().num_days_from_monday() as usize];
    (
        format!("{} 星期{weekday}", local.format("%Y年%-m月%-d日")).into(),
        local.format("%H:%M").to_string().into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_in_the_halls_zone() {
        let now = "2026-03-01T16:05:00Z".parse().unwrap();
        let (date, time) = clock(now, chrono_tz::Asia::Shanghai);
        assert_eq!(date, "2026年3月2日 星期一");
        assert_eq!(time, "00:05");
        assert_eq!(counter_label(10), "10号窗口");
    }
}
