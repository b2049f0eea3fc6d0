//! Shows the counter terminal's model: sets its adapters' properties. Fields
//! the clerk types into are left alone; the form reads them when it needs to.
//! Numbers and names go to the window, which puts them in words.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::intake::{IntakeForm, Printing};
use super::model::{CounterModel, Dialog, Page};
use crate::api::{CounterAct, CounterKind, CounterState, TicketState};
use crate::apps::speak;
use crate::apps::words::{Say, int};
use crate::documents::DocumentKind as Document;
use crate::domain::case_flow::IntakeChoice;
use crate::domain::ids::Timestamp;
use crate::ui::{
    CounterAdapter, CounterAllowed, CounterDialog, CounterScreen, CounterStage, CounterWindow,
    CurrentView, DocumentKind, IntakeAdapter, MaterialItem, PendingCase, PickupCase, PrintState,
    PrinterProblem, QueueLine, ServiceRow, StageItem,
};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

/// Whole minutes from `t` to `now`, never negative.
fn minutes_since(t: Timestamp, now: Timestamp) -> i32 {
    int((now - t).num_minutes().max(0))
}

pub fn show(window: &CounterWindow, m: &CounterModel, now: Timestamp) {
    let a = window.global::<CounterAdapter>();
    show_frame(&a, m, now);
    show_desk(&a, m, now);
    show_intake(&window.global::<IntakeAdapter>(), &m.intake);
}

/// The page, the dialog, the bar and the login.
fn show_frame(a: &CounterAdapter<'_>, m: &CounterModel, now: Timestamp) {
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
        speak(m.english);
    }
    a.set_english(m.english);
    let hall = m.hall();
    a.set_hall_name(hall.map(|(name, _)| name).unwrap_or_default().into());
    let clock = hall.map(|(_, zone)| now.with_timezone(&zone).format("%H:%M").to_string());
    a.set_clock(clock.unwrap_or_default().into());
    a.set_offline(m.offline);
    a.set_busy(m.busy);
    a.set_login_error(m.login_error.as_ref().unwrap_or(&Say::Nothing).said());
    if let Some((session, _)) = &m.session {
        a.set_staff_name(format!("{} {}", session.staff.id, session.staff.name).into());
    }
}

/// The counter, its ticket and queues, the message line and the dialogs.
fn show_desk(a: &CounterAdapter<'_>, m: &CounterModel, now: Timestamp) {
    let c = m.counter.as_ref();
    a.set_counter_name(c.map(|c| c.name.as_str()).unwrap_or_default().into());
    a.set_stage(match m.state() {
        CounterState::Closed => CounterStage::Closed,
        CounterState::Idle => CounterStage::Idle,
        CounterState::Calling => CounterStage::Calling,
        CounterState::Serving => CounterStage::Serving,
        CounterState::Paused => CounterStage::Paused,
    });
    let reason = c.and_then(|c| c.paused_reason.as_deref());
    a.set_paused_reason(reason.unwrap_or_default().into());
    a.set_intake_desk(c.is_some_and(|c| c.kind != CounterKind::Pickup));
    a.set_pickup_desk(c.is_some_and(|c| c.kind == CounterKind::Pickup));
    a.set_current(current(m, now));
    let served: &[String] = c.map_or(&[], |c| c.queues.as_slice());
    a.set_queues(model(
        m.queues
            .iter()
            .filter(|q| served.contains(&q.prefix))
            .map(|q| QueueLine {
                prefix: q.prefix.as_str().into(),
                name: q.name.as_str().into(),
                waiting: int(q.waiting),
                minutes: int(q.estimated_wait_minutes),
            })
            .collect(),
    ));
    let message = m.message.as_ref();
    a.set_message(message.map_or(&Say::Nothing, |x| &x.say).said());
    a.set_message_is_error(message.is_some_and(|x| x.error));
    a.set_rating_open(m.rating_for.is_some());
    let rated = m.rating_for.as_ref().map(|(_, number)| number.as_str());
    a.set_rating_number(rated.unwrap_or_default().into());
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
}

/// The ticket at the counter, and the case a pickup ticket collects.
fn current(m: &CounterModel, now: Timestamp) -> CurrentView {
    let Some(t) = m.counter.as_ref().and_then(|c| c.current.as_ref()) else {
        return CurrentView::default();
    };
    let serving = t.state == TicketState::Serving;
    let since = match (serving, t.started_at, t.called_at) {
        (true, Some(started), _) => Some(started),
        (_, _, called) => called,
    };
    CurrentView {
        number: t.number.as_str().into(),
        service: t.service_name.as_deref().unwrap_or_default().into(),
        queue: t.queue.as_str().into(),
        waited_minutes: minutes_since(t.issued_at, t.called_at.unwrap_or(now)),
        since_minutes: since.map_or(-1, |at| minutes_since(at, now)),
        recalls: int(t.recalls),
        priority: t.priority,
        appointment: t.appointment_at.as_deref().unwrap_or_default().into(),
        has_ticket: true,
        serving,
        has_case: m.pickup_case.is_some(),
        case: pickup_case(m),
    }
}

/// The case to hand over; for a 一件事, every result going with it.
fn pickup_case(m: &CounterModel) -> PickupCase {
    let (results, one_stage) = m.results();
    let items: Vec<String> = results
        .iter()
        .map(|(result, department)| format!("{result}（{department}）"))
        .collect();
    m.pickup_case
        .as_ref()
        .map(|k| PickupCase {
            number: k.number.as_str().into(),
            service: k.service_name.as_str().into(),
            applicant: k.applicant.name.as_str().into(),
            id_number: k.applicant.id_number.as_str().into(),
            mail_to: k.mail_to.as_deref().unwrap_or_default().into(),
            items: items.join("、").into(),
            one_stage,
        })
        .unwrap_or_default()
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

fn show_intake(a: &IntakeAdapter<'_>, f: &IntakeForm) {
    a.set_results(model(
        f.results()
            .into_iter()
            .map(|g| ServiceRow {
                code: g.code.as_str().into(),
                name: g.name.as_str().into(),
                promised_days: int(g.promised_days),
            })
            .collect(),
    ));
    a.set_pending(model(
        f.pending
            .iter()
            .map(|c| PendingCase {
                number: c.number.as_str().into(),
                service: c.service_name.as_str().into(),
                applicant: c.applicant.name.as_str().into(),
                missing: c.missing.join("、").into(),
            })
            .collect(),
    ));
    a.set_reopened(f.reopened.as_deref().unwrap_or_default().into());
    a.set_service_chosen(f.service.is_some());
    let service = f.guide().map(|g| g.name.as_str());
    a.set_service_name(service.unwrap_or_default().into());
    a.set_id_error(f.id_problem().said());
    a.set_phone_error(f.phone_problem().said());
    a.set_materials(model(
        f.materials
            .iter()
            .map(|t| MaterialItem {
                name: t.name.as_str().into(),
                originals: int(t.originals),
                copies: int(t.copies),
                required: t.required,
                received: t.received,
                departments: f.needed_by(&t.name).join("、").into(),
            })
            .collect(),
    ));
    a.set_stages(model(
        f.stages()
            .into_iter()
            .map(|s| StageItem {
                name: s.name.into(),
                lead: s.lead.into(),
                departments: s.departments.join("、").into(),
            })
            .collect(),
    ));
    a.set_can_accept(f.offers(IntakeChoice::Accept));
    a.set_can_notice(f.offers(IntakeChoice::Notice));
    a.set_can_refuse(f.offers(IntakeChoice::Refuse));
    a.set_error(f.error.as_ref().unwrap_or(&Say::Nothing).said());
    a.set_done(f.done.is_some());
    if let Some(done) = &f.done {
        a.set_result_kind(match done.kind {
            Document::MissingMaterials => DocumentKind::Notice,
            Document::Refusal => DocumentKind::Refusal,
            // The intake form ends in one of the three intake documents;
            // the other kinds are printed after review and at pickup.
            Document::Acceptance | Document::Correction | Document::Handover => {
                DocumentKind::Receipt
            }
        });
        a.set_result_number(done.number.as_str().into());
        let (state, problem) = match done.printing {
            Printing::Printing => (PrintState::Printing, PrinterProblem::None),
            Printing::Printed => (PrintState::Printed, PrinterProblem::None),
            Printing::Failed(problem) => (PrintState::Failed, problem),
        };
        a.set_printing(state);
        a.set_print_problem(problem);
    }
}
