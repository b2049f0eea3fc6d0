//! Shows the back office's model. Numbers, names and states go to the
//! window, which puts them in words.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::model::{Page, ReviewModel};
use crate::api::{Card, CaseAct, CaseHistoryEntry, CaseView, CounterState, CounterView};
use crate::apps::speak;
use crate::apps::words::{Say, case_stage, int};
use crate::domain::ids::Timestamp;
use crate::ui::{
    CaseCard, CaseDetail, CaseRow, CaseStep, CounterRow, ExtensionState, HistoryLine, QueueRow,
    RectRow, ReviewAdapter, ReviewScreen, ReviewWindow,
};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

pub fn show(window: &ReviewWindow, m: &ReviewModel, now: Timestamp) {
    let a = window.global::<ReviewAdapter>();
    show_frame(&a, m, now);
    show_inbox(&a, m);
    show_supervisor(&a, m);
}

/// The page, the bar and the login.
fn show_frame(a: &ReviewAdapter<'_>, m: &ReviewModel, now: Timestamp) {
    a.set_screen(match m.page {
        Page::Login => ReviewScreen::Login,
        Page::Inbox => ReviewScreen::Inbox,
        Page::Supervisor => ReviewScreen::Supervisor,
    });
    if a.get_english() != m.english {
        speak(m.english);
    }
    a.set_english(m.english);
    let hall = m.hall.as_ref();
    a.set_hall_name(
        hall.map(|(name, _)| name.as_str())
            .unwrap_or_default()
            .into(),
    );
    let clock = hall.map(|(_, zone)| now.with_timezone(zone).format("%Y-%m-%d %H:%M").to_string());
    a.set_clock(clock.unwrap_or_default().into());
    a.set_offline(m.offline);
    a.set_busy(m.busy);
    a.set_login_error(m.login_error.as_ref().unwrap_or(&Say::Nothing).said());
    if let Some((s, _)) = &m.session {
        let department = m
            .department()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default();
        a.set_staff_name(format!("{} {}{department}", s.staff.id, s.staff.name).into());
    }
    let message = m.message.as_ref();
    a.set_message(message.map_or(&Say::Nothing, |(say, _)| say).said());
    a.set_message_is_error(message.is_some_and(|(_, error)| *error));
}

fn row(c: &CaseView) -> CaseRow {
    let days_left = c.working_days_left.unwrap_or_default();
    CaseRow {
        number: c.number.as_str().into(),
        title: c.service_name.as_str().into(),
        stage: case_stage(c.state),
        clock_runs: c.working_days_left.is_some() && (days_left < 0 || c.due.is_some()),
        days_left: int(days_left),
        due: c.due.map(|d| d.to_string()).unwrap_or_default().into(),
        card: match c.card {
            Some(Card::Red) => CaseCard::Red,
            Some(Card::Yellow) => CaseCard::Yellow,
            None => CaseCard::None,
        },
        can_act: false,
    }
}

/// The inbox, the case open in it and what the reader may do to it.
fn show_inbox(a: &ReviewAdapter<'_>, m: &ReviewModel) {
    a.set_cases(model(m.cases.iter().map(row).collect()));
    let selected = m.selected.as_ref();
    a.set_selected(
        selected
            .map(|c| c.number.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_has_detail(selected.is_some());
    if let Some(c) = selected {
        a.set_detail(detail(c));
    }
    let zone = m.hall.as_ref().map_or(chrono_tz::UTC, |(_, zone)| *zone);
    let history = m.history.iter().map(|h| history_line(h, zone)).collect();
    a.set_history(model(history));
    let allows = |act: CaseAct| selected.is_some_and(|c| c.allowed.contains(&act));
    a.set_can_claim(allows(CaseAct::Claim));
    a.set_can_decide(allows(CaseAct::Decide));
    a.set_can_correct(allows(CaseAct::RequestCorrection));
    a.set_can_extend(allows(CaseAct::RequestExtension));
    a.set_can_exclude(allows(CaseAct::ExcludeTime));
}

fn detail(c: &CaseView) -> CaseDetail {
    let materials: Vec<String> = c
        .materials
        .iter()
        .map(|m| format!("{}{}", if m.received { "✓" } else { "✗" }, m.name))
        .collect();
    let excluded: Vec<SharedString> = c
        .excluded
        .iter()
        .map(|e| format!("{} {} – {}", e.kind, e.from, e.to).into())
        .collect();
    CaseDetail {
        number: c.number.as_str().into(),
        service: c.service_name.as_str().into(),
        service_code: c.service.as_str().into(),
        stage: case_stage(c.state),
        applicant: format!(
            "{} · {} · {}",
            c.applicant.name, c.applicant.id_number, c.applicant.phone
        )
        .into(),
        promised_days: int(c.promised_days),
        due: c.due.map(|d| d.to_string()).unwrap_or_default().into(),
        opened_by: c.opened_by.as_str().into(),
        counter: int(c.counter),
        accepted_on: c
            .accepted_on
            .map(|d| d.to_string())
            .unwrap_or_default()
            .into(),
        materials: materials.join("；").into(),
        corrections: c.correction_items.join("；").into(),
        extension: match (c.extension_days, c.extension_state.as_deref()) {
            (Some(_), Some("approved")) => ExtensionState::Approved,
            (Some(_), Some("declined")) => ExtensionState::Declined,
            (Some(_), Some(_)) => ExtensionState::Pending,
            _ => ExtensionState::None,
        },
        extension_days: int(c.extension_days.unwrap_or_default()),
        extension_reason: c.extension_reason.as_deref().unwrap_or_default().into(),
        excluded: model(excluded),
        warning: c.calendar_warning.as_deref().unwrap_or_default().into(),
    }
}

/// A step of a case's history, by the kind of its event.
fn history_line(h: &CaseHistoryEntry, zone: chrono_tz::Tz) -> HistoryLine {
    let step = match h.kind.as_str() {
        "case_opened" => CaseStep::Opened,
        "case_materials_received" => CaseStep::MaterialsReceived,
        "case_claimed" => CaseStep::Claimed,
        "case_approved" => CaseStep::Approved,
        "case_rejected" => CaseStep::Rejected,
        "case_correction_requested" => CaseStep::CorrectionRequested,
        "case_resubmitted" => CaseStep::Resubmitted,
        "case_extension_requested" => CaseStep::ExtensionRequested,
        "case_extension_approved" => CaseStep::ExtensionApproved,
        "case_extension_declined" => CaseStep::ExtensionDeclined,
        "case_time_excluded" => CaseStep::TimeExcluded,
        "case_yellow_card" => CaseStep::YellowCard,
        "case_red_card" => CaseStep::RedCard,
        "case_claim_overdue" => CaseStep::ClaimOverdue,
        "case_review_overdue" => CaseStep::ReviewOverdue,
        "case_handed_over" => CaseStep::HandedOver,
        "case_mailed" => CaseStep::Mailed,
        _ => CaseStep::Other,
    };
    HistoryLine {
        at: h
            .at
            .with_timezone(&zone)
            .format("%m-%d %H:%M")
            .to_string()
            .into(),
        step,
        kind: h.kind.as_str().into(),
        actor: h.actor.trim_start_matches("staff:").into(),
    }
}

fn counter_row(c: &CounterView) -> CounterRow {
    CounterRow {
        name: c.name.as_str().into(),
        closed: c.state == CounterState::Closed,
        paused: c.state == CounterState::Paused,
        reason: c.paused_reason.as_deref().unwrap_or_default().into(),
        staff: c.staff_name.as_deref().unwrap_or_default().into(),
        ticket: c
            .current
            .as_ref()
            .map(|t| t.number.as_str())
            .unwrap_or_default()
            .into(),
    }
}

/// The supervisor's hall: counters, queues, cards, extensions, bad reviews.
fn show_supervisor(a: &ReviewAdapter<'_>, m: &ReviewModel) {
    a.set_counters(model(m.counters.iter().map(counter_row).collect()));
    a.set_queues(model(
        m.queues
            .iter()
            .map(|q| QueueRow {
                prefix: q.prefix.as_str().into(),
                name: q.name.as_str().into(),
                waiting: int(q.waiting),
                minutes: int(q.estimated_wait_minutes),
            })
            .collect(),
    ));
    let Some(s) = m.supervision.as_ref() else {
        a.set_cards(model(Vec::new()));
        a.set_extensions(model(Vec::new()));
        return a.set_rectifications(model(Vec::new()));
    };
    a.set_cards(model(s.cards.iter().map(row).collect()));
    let extension = |c: &CaseView| CaseRow {
        can_act: c.allowed.contains(&CaseAct::DecideExtension),
        ..row(c)
    };
    a.set_extensions(model(s.extensions_pending.iter().map(extension).collect()));
    a.set_rectifications(model(
        s.rectifications
            .iter()
            .map(|r| RectRow {
                id: i32::try_from(r.id).unwrap_or(i32::MAX),
                subject: r.subject.as_str().into(),
                score: i32::from(r.score),
                comment: r.comment.as_deref().unwrap_or_default().into(),
                counter: r.counter.map_or(0, int),
                due: r.due.to_string().into(),
                overdue: r.overdue,
                can_close: r.can_close,
            })
            .collect(),
    ));
}
