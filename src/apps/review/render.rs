//! Shows the back office's model. Numbers, names and states go to the
//! window, which puts them in words.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::model::{HallView, Page, ReviewModel};
use crate::api::{
    BundleShare, Card, CaseAct, CaseHistoryEntry, CaseView, CounterState, CounterView,
    DepartmentLoad, TaskState, TaskView,
};
use crate::apps::speak;
use crate::apps::words::{Say, case_stage, int};
use crate::domain::ids::Timestamp;
use crate::ui::{
    BundleRow, CaseCard, CaseDetail, CaseRow, CaseStep, CounterRow, DepartmentRow, ExtensionState,
    HallView as ShownView, HistoryLine, QueueRow, RectRow, ReviewAdapter, ReviewScreen,
    ReviewWindow, StageRow, TaskLine, TaskStage,
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

fn card(card: Option<Card>) -> CaseCard {
    match card {
        Some(Card::Red) => CaseCard::Red,
        Some(Card::Yellow) => CaseCard::Yellow,
        None => CaseCard::None,
    }
}

/// A case in a list: its own clock and, for a 一件事, its stage and the
/// reader's own task with that task's clock.
fn row(c: &CaseView, m: &ReviewModel) -> CaseRow {
    let days_left = c.working_days_left.unwrap_or_default();
    let bundle = c.bundle.as_ref();
    let own = own_task(c);
    CaseRow {
        number: c.number.as_str().into(),
        title: c.service_name.as_str().into(),
        stage: case_stage(c.state),
        clock_runs: c.working_days_left.is_some() && (days_left < 0 || c.due.is_some()),
        days_left: int(days_left),
        due: c.due.map(|d| d.to_string()).unwrap_or_default().into(),
        card: card(c.card),
        can_act: false,
        stages: bundle.map_or(0, |b| int(b.stages)),
        stage_no: bundle.and_then(|b| b.stage).map_or(0, int),
        stage_name: bundle
            .and_then(|b| b.stage_name.as_deref())
            .unwrap_or_default()
            .into(),
        has_task: own.is_some(),
        task: own.map(|t| task_line(t, c, m)).unwrap_or_default(),
        department: SharedString::new(),
    }
}

/// The reader's own task: their department's in the stage open now, or
/// the latest of theirs that began.
fn own_task(c: &CaseView) -> Option<&TaskView> {
    let bundle = c.bundle.as_ref()?;
    let own = bundle.own_task.as_deref()?;
    let mut theirs = bundle.tasks.iter().filter(|t| t.department == own);
    let now = theirs.clone().find(|t| Some(t.stage) == bundle.stage);
    now.or_else(|| theirs.rfind(|t| t.state != TaskState::Waiting))
}

/// The rejection waiting for the lead department's word.
fn rejected_task(c: &CaseView) -> Option<&TaskView> {
    let bundle = c.bundle.as_ref()?;
    let department = bundle.awaiting_lead.as_deref()?;
    (bundle.tasks.iter()).find(|t| t.department == department && t.state == TaskState::Rejected)
}

/// Each of `names`, ticked when the case has it, crossed when not.
fn ticked<'a>(c: &CaseView, names: impl Iterator<Item = &'a String>) -> String {
    let received = |name: &str| c.materials.iter().any(|m| m.name == name && m.received);
    names
        .map(|n| format!("{}{n}", if received(n) { "✓" } else { "✗" }))
        .collect::<Vec<_>>()
        .join("；")
}

fn task_line(t: &TaskView, c: &CaseView, m: &ReviewModel) -> TaskLine {
    let days_left = t.working_days_left.unwrap_or_default();
    TaskLine {
        stage_no: int(t.stage),
        department: m.short_name(&t.department).into(),
        name: t.name.as_str().into(),
        state: match t.state {
            TaskState::Waiting => TaskStage::Waiting,
            TaskState::Accepted => TaskStage::Accepted,
            TaskState::InReview => TaskStage::InReview,
            TaskState::Correction => TaskStage::Correction,
            TaskState::Approved => TaskStage::Approved,
            TaskState::Rejected => TaskStage::Rejected,
            TaskState::Overruled => TaskStage::Overruled,
        },
        result: t.result.as_str().into(),
        materials: ticked(c, t.materials.iter()).into(),
        days: int(t.days),
        clock_runs: t.working_days_left.is_some() && (days_left < 0 || t.due.is_some()),
        days_left: int(days_left),
        due: t.due.map(|d| d.to_string()).unwrap_or_default().into(),
        card: card(t.card),
        reason: (t.overruled_reason.as_deref())
            .or(t.decision_reason.as_deref())
            .unwrap_or_default()
            .into(),
        finished: (t.finished_on.map(|d| d.to_string()))
            .unwrap_or_default()
            .into(),
    }
}

/// The inbox, the case open in it and what the reader may do to it.
fn show_inbox(a: &ReviewAdapter<'_>, m: &ReviewModel) {
    a.set_cases(model(m.cases.iter().map(|c| row(c, m)).collect()));
    let selected = m.selected.as_ref();
    a.set_selected(
        selected
            .map(|c| c.number.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_has_detail(selected.is_some());
    if let Some(c) = selected {
        a.set_detail(detail(c, m));
    }
    a.set_history(model(history(m)));
    let allows = |act: CaseAct| selected.is_some_and(|c| c.allowed.contains(&act));
    a.set_can_claim(allows(CaseAct::Claim));
    a.set_can_decide(allows(CaseAct::Decide));
    a.set_can_correct(allows(CaseAct::RequestCorrection));
    a.set_can_extend(allows(CaseAct::RequestExtension));
    a.set_can_exclude(allows(CaseAct::ExcludeTime));
    a.set_can_lead_decide(allows(CaseAct::LeadDecision));
}

/// The case open on the page: for a 一件事, with its stage, the reader's
/// own task (whose materials it lists) and the tasks the reader may see.
fn detail(c: &CaseView, m: &ReviewModel) -> CaseDetail {
    let own = own_task(c);
    let materials = match own {
        Some(t) => ticked(c, t.materials.iter()),
        None => ticked(c, c.materials.iter().map(|m| &m.name)),
    };
    let bundle = c.bundle.as_ref();
    let rejected = rejected_task(c);
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
        materials: materials.into(),
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
        stages: bundle.map_or(0, |b| int(b.stages)),
        stage_no: bundle.and_then(|b| b.stage).map_or(0, int),
        stage_name: bundle
            .and_then(|b| b.stage_name.as_deref())
            .unwrap_or_default()
            .into(),
        lead: bundle
            .and_then(|b| b.lead.as_deref())
            .map(|d| m.short_name(d))
            .unwrap_or_default()
            .into(),
        has_task: own.is_some(),
        task: own.map(|t| task_line(t, c, m)).unwrap_or_default(),
        tasks: model(
            bundle
                .map(|b| b.tasks.iter().map(|t| task_line(t, c, m)).collect())
                .unwrap_or_default(),
        ),
        awaiting_lead: rejected.is_some(),
        rejected: rejected.map(|t| task_line(t, c, m)).unwrap_or_default(),
    }
}

/// The open case's timeline in the hall's time zone; a 一件事's stages
/// numbered as they opened, the first with the case.
fn history(m: &ReviewModel) -> Vec<HistoryLine> {
    let zone = m.hall.as_ref().map_or(chrono_tz::UTC, |(_, zone)| *zone);
    let mut stage = 1;
    m.history
        .iter()
        .map(|h| {
            if h.kind == "case_stage_opened" {
                stage += 1;
            }
            history_line(h, zone, stage, m)
        })
        .collect()
}

/// A step of a case's history, by the kind of its event.
fn history_line(
    h: &CaseHistoryEntry,
    zone: chrono_tz::Tz,
    stage: i32,
    m: &ReviewModel,
) -> HistoryLine {
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
        "case_stage_opened" => CaseStep::StageOpened,
        "case_overruled" => CaseStep::Overruled,
        "case_stage_handed_over" => CaseStep::StageHandedOver,
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
        department: (h.task.as_deref())
            .map(|d| m.short_name(d))
            .unwrap_or_default()
            .into(),
        stage_no: stage,
        kind: h.kind.as_str().into(),
        actor: match h.actor.as_str() {
            // Another department's step: its department says who.
            "department" => SharedString::new(),
            actor => actor.trim_start_matches("staff:").into(),
        },
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
    a.set_hall_view(match m.hall_view {
        HallView::Hall => ShownView::Hall,
        HallView::Efficiency => ShownView::Efficiency,
    });
    let Some(s) = m.supervision.as_ref() else {
        a.set_cards(model(Vec::new()));
        a.set_extensions(model(Vec::new()));
        a.set_departments(model(Vec::new()));
        a.set_bundles(model(Vec::new()));
        return a.set_rectifications(model(Vec::new()));
    };
    a.set_cards(model(s.cards.iter().map(|c| row(c, m)).collect()));
    let extension = |c: &CaseView| CaseRow {
        can_act: c.allowed.contains(&CaseAct::DecideExtension),
        department: extending_department(c)
            .map(|d| m.short_name(d))
            .unwrap_or_default()
            .into(),
        ..row(c, m)
    };
    let departments = s.departments.iter().map(|d| department_row(d, m));
    a.set_departments(model(departments.collect()));
    a.set_bundles(model(s.bundles.iter().map(|b| bundle_row(b, m)).collect()));
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

/// The department of a 一件事's task whose extension waits for a supervisor.
fn extending_department(c: &CaseView) -> Option<&str> {
    let bundle = c.bundle.as_ref()?;
    (bundle.tasks.iter())
        .find(|t| t.extension_state.as_deref() == Some("pending"))
        .map(|t| t.department.as_str())
}

/// A median number of working days, such as "2.5"; empty before any.
fn median(days: Option<f64>) -> SharedString {
    days.map(|d| format!("{d:.1}")).unwrap_or_default().into()
}

fn department_row(d: &DepartmentLoad, m: &ReviewModel) -> DepartmentRow {
    DepartmentRow {
        name: m.short_name(&d.department).into(),
        open: int(d.open),
        overdue: int(d.overdue),
        on_time: int(d.on_time),
        late: int(d.late),
        median: median(d.median_days),
    }
}

fn bundle_row(b: &BundleShare, m: &ReviewModel) -> BundleRow {
    let stages = b.stages.iter().map(|s| StageRow {
        stage_no: int(s.stage),
        stage_name: s.stage_name.as_str().into(),
        department: m.short_name(&s.department).into(),
        decided: int(s.decided),
        late: int(s.late),
        median: median(s.median_days),
    });
    BundleRow {
        service: b.service_name.as_str().into(),
        promised_days: int(b.promised_days),
        finished: int(b.finished),
        within: int(b.within),
        // A share is 0 to 100.
        share: b.share.map_or(-1, |s| s.round() as i32),
        open: int(b.open),
        stages: model(stages.collect()),
    }
}
