//! Shows the back office's model.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{Page, ReviewModel};
use crate::api::{CaseView, CounterState};
use crate::domain::case::CaseState;
use crate::domain::deadline::Card;
use crate::domain::rating::score_label;
use crate::ui::{
    CaseRow, CounterRow, DetailLine, RectRow, ReviewAdapter, ReviewScreen, ReviewWindow,
};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

pub fn state_name(state: CaseState) -> &'static str {
    match state {
        CaseState::AwaitingMaterials => "待补齐材料",
        CaseState::Refused => "不予受理",
        CaseState::Accepted => "待认领",
        CaseState::InReview => "审查中",
        CaseState::Correction => "待补正",
        CaseState::Approved => "已批准待领取",
        CaseState::Rejected => "不予许可",
        CaseState::Closed => "已办结",
    }
}

fn row(c: &CaseView) -> CaseRow {
    let left = match (c.working_days_left, c.due) {
        (Some(n), _) if n < 0 => format!("超期 {} 个工作日", -n),
        (Some(n), Some(due)) => format!("剩 {n} 个工作日（{due}）"),
        _ => "期限暂停".to_owned(),
    };
    CaseRow {
        number: c.number.as_str().into(),
        title: c.service_name.as_str().into(),
        status: format!("{} · {left}", state_name(c.state)).into(),
        card: match c.card {
            Some(Card::Red) => "red",
            Some(Card::Yellow) => "yellow",
            None => "",
        }
        .into(),
    }
}

fn detail(c: &CaseView) -> Vec<DetailLine> {
    let line = |label: &str, text: String| DetailLine {
        label: label.into(),
        text: text.into(),
    };
    let mut lines = vec![
        line("办件编号", c.number.clone()),
        line("事项", format!("{}（{}）", c.service_name, c.service)),
        line("状态", state_name(c.state).to_owned()),
        line(
            "申请人",
            format!(
                "{} · {} · {}",
                c.applicant.name, c.applicant.id_number, c.applicant.phone
            ),
        ),
        line(
            "期限",
            match c.due {
                Some(due) => format!("承诺 {} 个工作日，{due} 前办结", c.promised_days),
                None => format!("承诺 {} 个工作日（期限暂停）", c.promised_days),
            },
        ),
        line(
            "受理",
            format!(
                "{} · {} 号窗口 · {}",
                c.opened_by,
                c.counter,
                c.accepted_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        line(
            "材料",
            c.materials
                .iter()
                .map(|m| format!("{}{}", if m.received { "✓" } else { "✗" }, m.name))
                .collect::<Vec<_>>()
                .join("；"),
        ),
    ];
    if !c.correction_items.is_empty() {
        lines.push(line("补正事项", c.correction_items.join("；")));
    }
    if let (Some(days), Some(state)) = (c.extension_days, &c.extension_state) {
        lines.push(line(
            "延期",
            format!(
                "{days} 个工作日（{state}）：{}",
                c.extension_reason.clone().unwrap_or_default()
            ),
        ));
    }
    for e in &c.excluded {
        lines.push(line("不计时", format!("{} {} 至 {}", e.kind, e.from, e.to)));
    }
    if let Some(w) = &c.calendar_warning {
        lines.push(line("提示", w.clone()));
    }
    lines
}

/// A step of a case's history in the hall's words.
fn history_word(kind: &str) -> &str {
    match kind {
        "case_opened" => "窗口收件（受理 / 一次性告知 / 不予受理）",
        "case_materials_received" => "补齐材料，受理",
        "case_claimed" => "审批人员认领",
        "case_approved" => "批准",
        "case_rejected" => "不予许可",
        "case_correction_requested" => "要求补正，期限暂停",
        "case_resubmitted" => "补正材料已提交",
        "case_extension_requested" => "申请延期",
        "case_extension_approved" => "延期已批准",
        "case_extension_declined" => "延期申请被驳回",
        "case_time_excluded" => "记录法定不计时期间",
        "case_yellow_card" => "黄牌预警",
        "case_red_card" => "红牌：已超期",
        "case_claim_overdue" => "认领超时",
        "case_review_overdue" => "审查超时",
        "case_handed_over" => "结果已交付",
        "case_mailed" => "结果已寄出",
        other => other,
    }
}

pub fn show(window: &ReviewWindow, m: &ReviewModel) {
    let a = window.global::<ReviewAdapter>();
    a.set_screen(match m.page {
        Page::Login => ReviewScreen::Login,
        Page::Inbox => ReviewScreen::Inbox,
        Page::Supervisor => ReviewScreen::Supervisor,
    });
    if a.get_english() != m.english {
        let language = if m.english { "en" } else { "" };
        if let Err(e) = slint::select_bundled_translation(language) {
            tracing::warn!(error = %e, language, "cannot switch the language");
        }
    }
    a.set_english(m.english);
    a.set_title(
        if m.page == Page::Supervisor {
            "一门 · 电子监察"
        } else {
            "一门 · 后台审批"
        }
        .into(),
    );
    a.set_clock(
        chrono::Utc::now()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string()
            .into(),
    );
    a.set_offline(m.offline);
    a.set_busy(m.busy);
    a.set_login_error(m.login_error.as_deref().unwrap_or_default().into());
    if let Some((s, _)) = &m.session {
        let department = s
            .staff
            .department
            .as_deref()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default();
        a.set_staff_name(format!("{} {}{department}", s.staff.id, s.staff.name).into());
    }
    a.set_message(
        m.message
            .as_ref()
            .map(|(t, _)| t.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_message_is_error(m.message.as_ref().is_some_and(|(_, e)| *e));
    a.set_cases(model(m.cases.iter().map(row).collect()));
    let selected = m.selected.as_ref();
    let me = m.session.as_ref().map(|(s, _)| s.staff.id.as_str());
    let mine = selected.is_some_and(|c| c.reviewer.as_deref() == me);
    a.set_selected(
        selected
            .map(|c| c.number.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_detail(model(selected.map(detail).unwrap_or_default()));
    a.set_history(model(
        m.history
            .iter()
            .map(|h| {
                let at =
                    h.at.with_timezone(&chrono_tz::Asia::Shanghai)
                        .format("%m-%d %H:%M");
                SharedString::from(format!(
                    "{at}  {}  {}",
                    history_word(&h.kind),
                    h.actor.trim_start_matches("staff:")
                ))
            })
            .collect(),
    ));
    a.set_can_claim(selected.is_some_and(|c| c.state == CaseState::Accepted));
    a.set_can_decide(mine && selected.is_some_and(|c| c.state == CaseState::InReview));
    a.set_can_correct(
        mine && selected
            .is_some_and(|c| c.state == CaseState::InReview && c.correction_items.is_empty()),
    );
    a.set_can_extend(
        mine && selected.is_some_and(|c| {
            c.state == CaseState::InReview && c.extension_state.as_deref() != Some("pending")
        }),
    );
    show_supervisor(&a, m);
}

fn show_supervisor(a: &ReviewAdapter<'_>, m: &ReviewModel) {
    a.set_counters(model(
        m.counters
            .iter()
            .map(|c| CounterRow {
                name: c.name.as_str().into(),
                status: match (c.state, c.current.as_ref()) {
                    (CounterState::Closed, _) => "关闭".to_owned(),
                    (CounterState::Paused, _) => {
                        format!("暂停：{}", c.paused_reason.clone().unwrap_or_default())
                    }
                    (_, Some(t)) => {
                        format!("{} {}", c.staff_name.clone().unwrap_or_default(), t.number)
                    }
                    _ => format!("{} 空闲", c.staff_name.clone().unwrap_or_default()),
                }
                .into(),
            })
            .collect(),
    ));
    a.set_queues(model(
        m.queues
            .iter()
            .map(|q| {
                SharedString::from(format!(
                    "{} {}：等候 {} 人，约 {} 分钟",
                    q.prefix, q.name, q.waiting, q.estimated_wait_minutes
                ))
            })
            .collect(),
    ));
    let s = m.supervision.as_ref();
    a.set_cards(model(
        s.map(|s| s.cards.iter().map(row).collect())
            .unwrap_or_default(),
    ));
    a.set_extensions(model(
        s.map(|s| s.extensions_pending.iter().map(row).collect())
            .unwrap_or_default(),
    ));
    a.set_rectifications(model(
        s.map(|s| {
            s.rectifications
                .iter()
                .map(|r| RectRow {
                    id: i32::try_from(r.id).unwrap_or(i32::MAX),
                    title: format!("{} · {}（{} 分）", r.subject, score_label(r.score), r.score)
                        .into(),
                    detail: format!(
                        "{} · {} 号窗口 · {} 前整改{}",
                        r.comment.clone().unwrap_or_else(|| "无留言".into()),
                        r.counter.map(|c| c.to_string()).unwrap_or_default(),
                        r.due,
                        if r.overdue { " · 已超期" } else { "" }
                    )
                    .into(),
                    overdue: r.overdue,
                })
                .collect()
        })
        .unwrap_or_default(),
    ));
}
