//! Shows the counter terminal's model: sets its adapters' properties. Fields
//! the clerk types into are left alone; the form reads them when it needs to.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::model::{CounterModel, Dialog, Page};
use crate::api::{CounterAct, CounterKind, CounterState, CurrentTicket, TicketState};
use crate::domain::case_flow::IntakeChoice;
use crate::ui::{
    CounterAdapter, CounterAllowed, CounterDialog, CounterScreen, CounterWindow, CurrentView,
    IntakeAdapter, MaterialItem, QueueLine, ServiceRow,
};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

fn minutes_since(t: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - t).num_minutes().max(0)
}

/// The Chinese, or the English when the clerk switched to it.
fn pick(english: bool, zh: String, en: String) -> String {
    if english { en } else { zh }
}

/// Such as "已等候 12 分钟 · 已叫 2 分钟 · 重呼 1 次 · 绿色通道".
fn ticket_detail(t: &CurrentTicket, now: DateTime<Utc>, english: bool) -> String {
    let waited = minutes_since(t.issued_at, t.called_at.unwrap_or(now));
    let mut parts = vec![pick(
        english,
        format!("已等候 {waited} 分钟"),
        format!("waited {waited} min"),
    )];
    match (t.state, t.called_at, t.started_at) {
        (TicketState::Serving, _, Some(started)) => {
            let m = minutes_since(started, now);
            parts.push(pick(
                english,
                format!("已办理 {m} 分钟"),
                format!("served {m} min"),
            ));
        }
        (_, Some(called), _) => {
            let m = minutes_since(called, now);
            parts.push(pick(
                english,
                format!("已叫 {m} 分钟"),
                format!("called {m} min ago"),
            ));
        }
        _ => {}
    }
    if t.recalls > 0 {
        let n = t.recalls;
        parts.push(pick(
            english,
            format!("重呼 {n} 次"),
            format!("recalled {n}×"),
        ));
    }
    if t.priority {
        parts.push(pick(english, "绿色通道".into(), "green channel".into()));
    }
    parts.join(" · ")
}

/// What the counter is doing, in a few words.
fn state_label(state: CounterState, reason: &str, english: bool) -> String {
    let (zh, en) = match state {
        CounterState::Closed => ("窗口关闭".to_owned(), "Counter closed".to_owned()),
        CounterState::Idle => ("空闲，可叫号".to_owned(), "Free: call the next".to_owned()),
        CounterState::Calling => (
            "已叫号，等候群众到窗口".to_owned(),
            "Called: waiting for the citizen".to_owned(),
        ),
        CounterState::Serving => ("正在办理".to_owned(), "Serving".to_owned()),
        CounterState::Paused => (format!("暂停服务：{reason}"), format!("Paused: {reason}")),
    };
    pick(english, zh, en)
}

pub fn show(window: &CounterWindow, m: &CounterModel) {
    let a = window.global::<CounterAdapter>();
    let now = Utc::now();
    a.set_screen(match m.page {
        Page::Login => CounterScreen::Login,
        Page::Desk => CounterScreen::Desk,
        Page::Intake => CounterScreen::Intake,
    });
    a.set_dialog(match m.dialog {
        Dialog::None => CounterDialog::None,
        Dialog::Transfer => CounterDialog::Transfer,
        Dialog::Pause => CounterDialog::Pause,
        Dialog::Call => CounterDialog::Call,
        Dialog::Handover => CounterDialog::Handover,
    });
    if a.get_english() != m.english {
        let language = if m.english { "en" } else { "" };
        if let Err(e) = slint::select_bundled_translation(language) {
            tracing::warn!(error = %e, language, "cannot switch the language");
        }
    }
    a.set_english(m.english);
    a.set_hall_name("一门 · 窗口叫号".into());
    a.set_clock(
        now.with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%H:%M")
            .to_string()
            .into(),
    );
    a.set_offline(m.offline);
    a.set_busy(m.busy);
    a.set_login_error(m.login_error.as_deref().unwrap_or_default().into());
    if let Some((session, _)) = &m.session {
        a.set_staff_name(format!("{} {}", session.staff.id, session.staff.name).into());
    }
    let c = m.counter.as_ref();
    a.set_counter_name(c.map(|c| c.name.as_str()).unwrap_or_default().into());
    let state = m.state();
    let reason = c
        .and_then(|c| c.paused_reason.as_deref())
        .unwrap_or_default();
    a.set_state_label(state_label(state, reason, m.english).into());
    a.set_paused(state == CounterState::Paused);
    a.set_intake_desk(c.is_some_and(|c| c.kind != CounterKind::Pickup));
    a.set_pickup_desk(c.is_some_and(|c| c.kind == CounterKind::Pickup));
    let current = c.and_then(|c| c.current.as_ref());
    a.set_current(CurrentView {
        number: current
            .map(|t| t.number.as_str())
            .unwrap_or_default()
            .into(),
        service: current
            .map(|t| {
                t.service_name
                    .clone()
                    .unwrap_or_else(|| format!("{} 队列", t.queue))
            })
            .unwrap_or_default()
            .into(),
        detail: current
            .map(|t| ticket_detail(t, now, m.english))
            .unwrap_or_default()
            .into(),
        case_number: current
            .and_then(|t| t.case.as_deref())
            .unwrap_or_default()
            .into(),
        case_detail: m
            .pickup_case
            .as_ref()
            .map(|k| {
                format!(
                    "办件 {} · {} · 申请人 {}（{}）· {}",
                    k.number,
                    k.service_name,
                    k.applicant.name,
                    k.applicant.id_number,
                    k.mail_to
                        .as_deref()
                        .map_or("窗口领取".to_owned(), |a| format!("邮寄：{a}"))
                )
            })
            .unwrap_or_default()
            .into(),
        has_ticket: current.is_some(),
        serving: current.is_some_and(|t| t.state == TicketState::Serving),
    });
    let served: Vec<String> = c.map(|c| c.queues.clone()).unwrap_or_default();
    a.set_queues(model(
        m.queues
            .iter()
            .filter(|q| served.contains(&q.prefix))
            .map(|q| QueueLine {
                prefix: q.prefix.as_str().into(),
                name: q.name.as_str().into(),
                status: pick(
                    m.english,
                    format!(
                        "等候 {} 人 · 约 {} 分钟",
                        q.waiting, q.estimated_wait_minutes
                    ),
                    format!(
                        "{} waiting · about {} min",
                        q.waiting, q.estimated_wait_minutes
                    ),
                )
                .into(),
            })
            .collect(),
    ));
    a.set_message(
        m.message
            .as_ref()
            .map(|x| x.text.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_message_is_error(m.message.as_ref().is_some_and(|x| x.error));
    a.set_rating_open(m.rating_for.is_some());
    a.set_rating_number(
        m.rating_for
            .as_ref()
            .map(|(_, n)| pick(m.english, format!("号码 {n}"), format!("Ticket {n}")))
            .unwrap_or_default()
            .into(),
    );
    a.set_transfer_queues(model(
        m.transfer_queues()
            .iter()
            .map(|q| SharedString::from(format!("{} {}", q.prefix, q.name)))
            .collect(),
    ));
    a.set_transfer_counters(model(
        m.transfer_counters()
            .iter()
            .map(|c| SharedString::from(c.name.as_str()))
            .collect(),
    ));
    a.set_can(allowed(m));
    show_intake(window, m);
}

/// The buttons the hub allows now: the terminal decides none itself.
fn allowed(m: &CounterModel) -> CounterAllowed {
    CounterAllowed {
        call_next: m.allows(CounterAct::CallNext),
        call: m.allows(CounterAct::Call),
        recall: m.allows(CounterAct::Recall),
        no_show: m.allows(CounterAct::NoShow),
        start: m.allows(CounterAct::Start),
        finish: m.allows(CounterAct::Finish),
        transfer: m.allows(CounterAct::Transfer),
        pause: m.allows(CounterAct::Pause),
        resume: m.allows(CounterAct::Resume),
        open_case: m.allows(CounterAct::OpenCase),
        hand_over: m.allows(CounterAct::HandOver),
    }
}

fn show_intake(window: &CounterWindow, m: &CounterModel) {
    let a = window.global::<IntakeAdapter>();
    let f = &m.intake;
    a.set_results(model(
        f.results()
            .into_iter()
            .map(|g| ServiceRow {
                code: g.code.as_str().into(),
                name: g.name.as_str().into(),
                detail: format!("{} · 承诺 {} 个工作日", g.code, g.promised_days).into(),
            })
            .collect(),
    ));
    a.set_pending(model(
        f.pending
            .iter()
            .map(|c| ServiceRow {
                code: c.number.as_str().into(),
                name: format!("办件 {}", c.number).into(),
                detail: format!(
                    "{} · {} · 缺 {}",
                    c.service_name,
                    c.applicant.name,
                    c.missing.join("、")
                )
                .into(),
            })
            .collect(),
    ));
    a.set_reopened(f.reopened.as_deref().unwrap_or_default().into());
    a.set_service_chosen(f.service.is_some());
    a.set_service_name(
        f.guide()
            .map(|g| g.name.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_id_error(f.id_problem().into());
    a.set_phone_error(f.phone_problem().into());
    a.set_materials(model(
        f.materials
            .iter()
            .map(|t| MaterialItem {
                name: t.name.as_str().into(),
                detail: t.detail.as_str().into(),
                required: t.required,
                received: t.received,
            })
            .collect(),
    ));
    a.set_can_accept(f.offers(IntakeChoice::Accept));
    a.set_can_notice(f.offers(IntakeChoice::Notice));
    a.set_can_refuse(f.offers(IntakeChoice::Refuse));
    a.set_error(f.error.as_deref().unwrap_or_default().into());
    a.set_done(f.done.is_some());
    if let Some(done) = &f.done {
        a.set_result_title(done.title.as_str().into());
        a.set_result_number(done.number.as_str().into());
        a.set_result_detail(done.detail.as_str().into());
    }
}
