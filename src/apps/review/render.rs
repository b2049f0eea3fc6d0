//! Shows the back office's model.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{Page, ReviewModel};
use crate::api::{Card, CaseAct, CaseState, CaseView, CounterState};
use crate::domain::rating::score_label;
use crate::ui::{
    CaseRow, CounterRow, DetailLine, RectRow, ReviewAdapter, ReviewScreen, ReviewWindow,
};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

/// The Chinese, or the English when the reader switched to it.
fn pick<T>(english: bool, zh: T, en: T) -> T {
    if english { en } else { zh }
}

fn state_name(state: CaseState, english: bool) -> &'static str {
    let (zh, en) = match state {
        CaseState::AwaitingMaterials => ("待补齐材料", "awaiting materials"),
        CaseState::Refused => ("不予受理", "refused"),
        CaseState::Accepted => ("待认领", "to be claimed"),
        CaseState::InReview => ("审查中", "in review"),
        CaseState::Correction => ("待补正", "awaiting correction"),
        CaseState::Approved => ("已批准待领取", "approved, to be collected"),
        CaseState::Rejected => ("不予许可", "rejected"),
        CaseState::Closed => ("已办结", "closed"),
    };
    pick(english, zh, en)
}

fn row(c: &CaseView, english: bool) -> CaseRow {
    let left = match (c.working_days_left, c.due) {
        (Some(n), _) if n < 0 => pick(
            english,
            format!("超期 {} 个工作日", -n),
            format!("{} working days overdue", -n),
        ),
        (Some(n), Some(due)) => pick(
            english,
            format!("剩 {n} 个工作日（{due}）"),
            format!("{n} working days left (due {due})"),
        ),
        _ => pick(english, "期限暂停", "clock stopped").to_owned(),
    };
    CaseRow {
        number: c.number.as_str().into(),
        title: c.service_name.as_str().into(),
        status: format!("{} · {left}", state_name(c.state, english)).into(),
        card: match c.card {
            Some(Card::Red) => "red",
            Some(Card::Yellow) => "yellow",
            None => "",
        }
        .into(),
        can_act: false,
    }
}

fn detail(c: &CaseView, english: bool) -> Vec<DetailLine> {
    let line = |zh: &str, en: &str, text: String| DetailLine {
        label: pick(english, zh, en).into(),
        text: text.into(),
    };
    let mut lines = vec![
        line("办件编号", "Case", c.number.clone()),
        line(
            "事项",
            "Service",
            format!("{}（{}）", c.service_name, c.service),
        ),
        line("状态", "State", state_name(c.state, english).to_owned()),
        line(
            "申请人",
            "Applicant",
            format!(
                "{} · {} · {}",
                c.applicant.name, c.applicant.id_number, c.applicant.phone
            ),
        ),
        line(
            "期限",
            "Deadline",
            match c.due {
                Some(due) => pick(
                    english,
                    format!("承诺 {} 个工作日，{due} 前办结", c.promised_days),
                    format!("{} working days promised, due {due}", c.promised_days),
                ),
                None => pick(
                    english,
                    format!("承诺 {} 个工作日（期限暂停）", c.promised_days),
                    format!("{} working days promised (clock stopped)", c.promised_days),
                ),
            },
        ),
        line(
            "受理",
            "Taken in",
            format!(
                "{} · {} · {}",
                c.opened_by,
                pick(
                    english,
                    format!("{} 号窗口", c.counter),
                    format!("counter {}", c.counter)
                ),
                c.accepted_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        line(
            "材料",
            "Materials",
            c.materials
                .iter()
                .map(|m| format!("{}{}", if m.received { "✓" } else { "✗" }, m.name))
                .collect::<Vec<_>>()
                .join("；"),
        ),
    ];
    if !c.correction_items.is_empty() {
        lines.push(line(
            "补正事项",
            "To correct",
            c.correction_items.join("；"),
        ));
    }
    if let (Some(days), Some(state)) = (c.extension_days, &c.extension_state) {
        lines.push(line(
            "延期",
            "Extension",
            format!(
                "{days} {}（{state}）：{}",
                pick(english, "个工作日", "working days"),
                c.extension_reason.clone().unwrap_or_default()
            ),
        ));
    }
    for e in &c.excluded {
        lines.push(line(
            "不计时",
            "Excluded",
            format!("{} {} – {}", e.kind, e.from, e.to),
        ));
    }
    if let Some(w) = &c.calendar_warning {
        lines.push(line("提示", "Note", w.clone()));
    }
    lines
}

/// A step of a case's history in the hall's words.
fn history_word(kind: &str, english: bool) -> &str {
    let (zh, en) = match kind {
        "case_opened" => (
            "窗口收件（受理 / 一次性告知 / 不予受理）",
            "taken in at the counter",
        ),
        "case_materials_received" => ("补齐材料，受理", "materials completed"),
        "case_claimed" => ("审批人员认领", "claimed by a reviewer"),
        "case_approved" => ("批准", "approved"),
        "case_rejected" => ("不予许可", "rejected"),
        "case_correction_requested" => {
            ("要求补正，期限暂停", "correction requested, clock stopped")
        }
        "case_resubmitted" => ("补正材料已提交", "corrections brought"),
        "case_extension_requested" => ("申请延期", "extension asked for"),
        "case_extension_approved" => ("延期已批准", "extension approved"),
        "case_extension_declined" => ("延期申请被驳回", "extension declined"),
        "case_time_excluded" => ("记录法定不计时期间", "excluded time recorded"),
        "case_yellow_card" => ("黄牌预警", "yellow card"),
        "case_red_card" => ("红牌：已超期", "red card: overdue"),
        "case_claim_overdue" => ("认领超时", "claim overdue"),
        "case_review_overdue" => ("审查超时", "review overdue"),
        "case_handed_over" => ("结果已交付", "result handed over"),
        "case_mailed" => ("结果已寄出", "result mailed"),
        other => (other, other),
    };
    pick(english, zh, en)
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
            .map(|code| {
                let named = m.departments.iter().find(|d| d.code == code);
                format!(" · {}", named.map_or(code, |d| d.name.as_str()))
            })
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
    a.set_cases(model(m.cases.iter().map(|c| row(c, m.english)).collect()));
    let selected = m.selected.as_ref();
    a.set_selected(
        selected
            .map(|c| c.number.as_str())
            .unwrap_or_default()
            .into(),
    );
    a.set_detail(model(
        selected.map(|c| detail(c, m.english)).unwrap_or_default(),
    ));
    a.set_history(model(
        m.history
            .iter()
            .map(|h| {
                let at =
                    h.at.with_timezone(&chrono_tz::Asia::Shanghai)
                        .format("%m-%d %H:%M");
                SharedString::from(format!(
                    "{at}  {}  {}",
                    history_word(&h.kind, m.english),
                    h.actor.trim_start_matches("staff:")
                ))
            })
            .collect(),
    ));
    let allows = |act: CaseAct| selected.is_some_and(|c| c.allowed.contains(&act));
    a.set_can_claim(allows(CaseAct::Claim));
    a.set_can_decide(allows(CaseAct::Decide));
    a.set_can_correct(allows(CaseAct::RequestCorrection));
    a.set_can_extend(allows(CaseAct::RequestExtension));
    a.set_can_exclude(allows(CaseAct::ExcludeTime));
    show_supervisor(&a, m);
}

fn show_supervisor(a: &ReviewAdapter<'_>, m: &ReviewModel) {
    a.set_counters(model(
        m.counters
            .iter()
            .map(|c| CounterRow {
                name: c.name.as_str().into(),
                status: match (c.state, c.current.as_ref()) {
                    (CounterState::Closed, _) => pick(m.english, "关闭", "closed").to_owned(),
                    (CounterState::Paused, _) => {
                        let reason = c.paused_reason.clone().unwrap_or_default();
                        pick(
                            m.english,
                            format!("暂停：{reason}"),
                            format!("paused: {reason}"),
                        )
                    }
                    (_, Some(t)) => {
                        format!("{} {}", c.staff_name.clone().unwrap_or_default(), t.number)
                    }
                    _ => {
                        let who = c.staff_name.clone().unwrap_or_default();
                        pick(m.english, format!("{who} 空闲"), format!("{who} free"))
                    }
                }
                .into(),
            })
            .collect(),
    ));
    a.set_queues(model(
        m.queues
            .iter()
            .map(|q| {
                let (n, w) = (q.waiting, q.estimated_wait_minutes);
                SharedString::from(format!(
                    "{} {}：{}",
                    q.prefix,
                    q.name,
                    pick(
                        m.english,
                        format!("等候 {n} 人，约 {w} 分钟"),
                        format!("{n} waiting, about {w} min")
                    )
                ))
            })
            .collect(),
    ));
    let s = m.supervision.as_ref();
    a.set_cards(model(
        s.map(|s| s.cards.iter().map(|c| row(c, m.english)).collect())
            .unwrap_or_default(),
    ));
    a.set_extensions(model(
        s.map(|s| {
            s.extensions_pending
                .iter()
                .map(|c| CaseRow {
                    can_act: c.allowed.contains(&CaseAct::DecideExtension),
                    ..row(c, m.english)
                })
                .collect()
        })
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
                    can_close: r.can_close,
                })
                .collect()
        })
        .unwrap_or_default(),
    ));
}
