//! Every table of the report as rows of text, with Chinese headings: the
//! page shows them and each is written as a CSV, so the two always agree.

use std::borrow::Cow;

use super::Report;
use super::appointments::{ServiceBookings, total};
use super::tables::{Spread, percent};
use crate::domain::rating::{Rectification, Verdict, score_label};

/// One table, ready to show or export.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The CSV file's name, without `.csv`; also the section's anchor.
    pub file: &'static str,
    pub title: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as CSV: UTF-8 with a byte-order mark so that Excel reads
    /// Chinese, CRLF line ends, fields quoted when they hold a comma, a quote
    /// or a line break. A field that a spreadsheet would take for a formula
    /// (`=`, `+`, `-`, `@` first) gets a leading `'`.
    pub fn csv(&self) -> String {
        let mut out = String::from('\u{feff}');
        let header = self.header.iter().map(|h| (*h).to_owned()).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let fields: Vec<Cow<'_, str>> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_field(field: &str) -> Cow<'_, str> {
    let field: Cow<'_, str> = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    };
    if field.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        field
    }
}

/// Minutes to one decimal, or a dash for none.
pub fn minutes(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |m| format!("{m:.1}"))
}

fn spread_cells(s: &Spread) -> [String; 3] {
    [minutes(s.mean), minutes(s.p90), minutes(s.max)]
}

/// Every table, in the order the page shows them.
pub fn tables(r: &Report) -> Vec<Table> {
    vec![
        days(r),
        waits(r),
        service_by_counter(r),
        service_by_staff(r),
        queues(r),
        ratings(r),
        bad_reviews(r),
        cases(r),
        department_loads(r),
        bundles(r),
        bundle_stages(r),
        appointments(r),
        audit_heads(r),
    ]
}

/// Each day's signed head of the audit log: what `yimen audit verify`
/// checks the log against, copied wherever the report goes.
fn audit_heads(r: &Report) -> Table {
    let key = r.audit_key.clone().unwrap_or_else(|| "—".to_owned());
    Table {
        file: "audit-heads",
        title: "审计日志签名链头",
        header: vec!["业务日", "当日末条事件序号", "签名链头", "公钥"],
        rows: r
            .audit_heads
            .iter()
            .map(|h| vec![h.day.to_string(), h.seq.to_string(), h.line(), key.clone()])
            .collect(),
    }
}

fn days(r: &Report) -> Table {
    Table {
        file: "days",
        title: "每日概况",
        header: vec![
            "业务日",
            "取号",
            "办结",
            "过号",
            "平均等候(分钟)",
            "P90等候(分钟)",
        ],
        rows: r
            .days
            .iter()
            .map(|d| {
                vec![
                    d.day.to_string(),
                    d.issued.to_string(),
                    d.finished.to_string(),
                    d.no_shows.to_string(),
                    minutes(d.waits.mean),
                    minutes(d.waits.p90),
                ]
            })
            .collect(),
    }
}

fn waits(r: &Report) -> Table {
    Table {
        file: "waits-by-hour",
        title: "分时段等候",
        header: vec![
            "取号时段",
            "取号",
            "已叫号",
            "平均等候(分钟)",
            "P90等候(分钟)",
            "最长等候(分钟)",
        ],
        rows: r
            .waits_by_hour
            .iter()
            .map(|h| {
                let mut row = vec![
                    format!("{:02}:00-{:02}:00", h.hour, h.hour + 1),
                    h.issued.to_string(),
                    h.waits.count.to_string(),
                ];
                row.extend(spread_cells(&h.waits));
                row
            })
            .collect(),
    }
}

const SERVICE_HEADER: [&str; 4] = ["办结", "平均办理(分钟)", "P90办理(分钟)", "最长办理(分钟)"];

fn service_row(who: String, s: &Spread) -> Vec<String> {
    let mut row = vec![who, s.count.to_string()];
    row.extend(spread_cells(s));
    row
}

fn service_by_counter(r: &Report) -> Table {
    Table {
        file: "service-by-counter",
        title: "窗口办理时长",
        header: [&["窗口"][..], &SERVICE_HEADER].concat(),
        rows: r
            .service_by_counter
            .iter()
            .map(|(n, s)| service_row(r.names.counter(*n), s))
            .collect(),
    }
}

fn service_by_staff(r: &Report) -> Table {
    Table {
        file: "service-by-staff",
        title: "工作人员办理时长",
        header: [&["工作人员"][..], &SERVICE_HEADER].concat(),
        rows: r
            .service_by_staff
            .iter()
            .map(|(id, s)| service_row(r.names.staff(id), s))
            .collect(),
    }
}

fn percent_text(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}"))
}

fn queues(r: &Report) -> Table {
    Table {
        file: "queues",
        title: "队列与过号",
        header: vec!["队列", "取号", "办结", "过号", "过号率(%)", "未叫号"],
        rows: r
            .queues
            .iter()
            .map(|q| {
                vec![
                    r.names.queue(q.queue),
                    q.issued.to_string(),
                    q.finished.to_string(),
                    q.no_shows.to_string(),
                    percent_text(q.no_show_rate()),
                    q.unserved.to_string(),
                ]
            })
            .collect(),
    }
}

fn ratings(r: &Report) -> Table {
    let total: u32 = r.scores.iter().sum();
    Table {
        file: "ratings",
        title: "好差评",
        header: vec!["分值", "评价", "条数", "占比(%)"],
        rows: (1..=5u8)
            .rev()
            .map(|score| {
                let n = r.scores[usize::from(score) - 1];
                vec![
                    score.to_string(),
                    score_label(score).to_owned(),
                    n.to_string(),
                    percent_text(percent(n, total)),
                ]
            })
            .collect(),
    }
}

fn rectification_state(item: Option<&Rectification>) -> String {
    match item {
        None => "—".to_owned(),
        Some(Rectification {
            closed: Some(c), ..
        }) => match c.verdict {
            Verdict::Satisfied => "已整改（群众满意）".to_owned(),
            Verdict::Unsatisfied => "已整改（群众不满意）".to_owned(),
        },
        Some(open) => format!("整改中，限 {} 前", open.due),
    }
}

fn bad_reviews(r: &Report) -> Table {
    let text = |s: Option<&str>| s.unwrap_or("—").to_owned();
    Table {
        file: "bad-reviews",
        title: "差评与整改",
        header: vec![
            "时间",
            "分值",
            "评价",
            "号票/办件",
            "窗口",
            "工作人员",
            "部门",
            "意见",
            "整改状态",
        ],
        rows: r
            .bad_reviews
            .iter()
            .map(|b| {
                vec![
                    b.at.with_timezone(&r.zone)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    b.score.to_string(),
                    score_label(b.score).to_owned(),
                    b.subject.clone(),
                    b.counter
                        .map_or_else(|| "—".to_owned(), |n| r.names.counter(n)),
                    b.staff
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |s| r.names.staff(s)),
                    text(
                        b.department
                            .as_deref()
                            .map(|d| r.names.department(d))
                            .as_deref(),
                    ),
                    text(b.comment.as_deref()),
                    rectification_state(b.rectification.as_ref()),
                ]
            })
            .collect(),
    }
}

fn cases(r: &Report) -> Table {
    Table {
        file: "cases",
        title: "部门办件与按期办结",
        header: vec![
            "部门",
            "收件",
            "受理",
            "不予受理",
            "准予许可",
            "不予许可",
            "出件",
            "按期办结",
            "超期办结",
            "在办超期",
            "逾期合计",
            "按期办结率(%)",
        ],
        rows: r
            .cases
            .iter()
            .map(|c| {
                let mut row = vec![r.names.department(&c.department)];
                row.extend(
                    [
                        c.opened,
                        c.accepted,
                        c.refused,
                        c.approved,
                        c.rejected,
                        c.closed,
                        c.on_time,
                        c.late,
                        c.overdue_open,
                        c.overdue(),
                    ]
                    .map(|n| n.to_string()),
                );
                row.push(percent_text(c.compliance()));
                row
            })
            .collect(),
    }
}

/// Working days to one decimal, or a dash for none.
fn working_days(value: Option<f64>) -> String {
    minutes(value)
}

fn department_loads(r: &Report) -> Table {
    Table {
        file: "department-loads",
        title: "部门效能（办理任务）",
        header: vec![
            "部门",
            "在办",
            "在办超期",
            "按期办结",
            "超期办结",
            "办结用时中位数(工作日)",
        ],
        rows: r
            .departments
            .iter()
            .map(|l| {
                let mut row = vec![r.names.department(&l.department)];
                row.extend([l.open, l.overdue, l.on_time, l.late].map(|n| n.to_string()));
                row.push(working_days(l.median_days));
                row
            })
            .collect(),
    }
}

fn bundles(r: &Report) -> Table {
    Table {
        file: "bundles",
        title: "一件事承诺办结",
        header: vec![
            "一件事",
            "承诺时限(工作日)",
            "办结",
            "承诺内办结",
            "承诺内办结率(%)",
            "在办",
        ],
        rows: r
            .bundles
            .iter()
            .map(|b| {
                let mut row = vec![r.names.service(&b.service)];
                row.extend([b.promised_days, b.finished, b.within].map(|n| n.to_string()));
                row.push(percent_text(b.share()));
                row.push(b.open.to_string());
                row
            })
            .collect(),
    }
}

fn bundle_stages(r: &Report) -> Table {
    let stages = r.bundles.iter().flat_map(|b| {
        b.stages.iter().map(move |s| {
            vec![
                r.names.service(&b.service),
                format!("第{}阶段 {}", s.stage, s.stage_name),
                r.names.department(&s.department),
                s.decided.to_string(),
                s.late.to_string(),
                working_days(s.median_days),
            ]
        })
    });
    Table {
        file: "bundle-stages",
        title: "一件事各阶段部门用时",
        header: vec![
            "一件事",
            "阶段",
            "部门",
            "办结任务",
            "超期办结",
            "用时中位数(工作日)",
        ],
        rows: stages.collect(),
    }
}

fn appointment_row(name: String, s: &ServiceBookings) -> Vec<String> {
    let mut row = vec![name];
    row.extend([s.made, s.checked_in, s.on_time, s.late].map(|n| n.to_string()));
    row.push(percent_text(s.punctuality()));
    row.extend([s.missed, s.late_walk_ins, s.cancelled, s.open].map(|n| n.to_string()));
    row
}

/// Bookings per service (预约), then their total.
fn appointments(r: &Report) -> Table {
    let mut rows: Vec<Vec<String>> = r
        .appointments
        .iter()
        .map(|s| appointment_row(r.names.service(&s.service), s))
        .collect();
    if !rows.is_empty() {
        rows.push(appointment_row("合计".to_owned(), &total(&r.appointments)));
    }
    Table {
        file: "appointments",
        title: "预约签到与准时率",
        header: vec![
            "服务事项",
            "预约",
            "签到",
            "准时",
            "迟到",
            "准时率(%)",
            "爽约",
            "其中逾时改取普通号",
            "取消",
            "待签到",
        ],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_crlf_and_quotes_only_what_needs_it() {
        let table = Table {
            file: "t",
            title: "t",
            header: vec!["名称", "意见"],
            rows: vec![
                vec!["窗口".into(), "说\"慢\", 太慢\n了".into()],
                vec!["=1+1".into(), "-".into()],
            ],
        };
        assert_eq!(
            table.csv(),
            "\u{feff}名称,意见\r\n窗口,\"说\"\"慢\"\", 太慢\n了\"\r\n'=1+1,'-\r\n"
        );
    }

    #[test]
    fn minutes_and_percent_show_one_decimal_or_a_dash() {
        assert_eq!(minutes(Some(13.333)), "13.3");
        assert_eq!(minutes(None), "—");
        assert_eq!(percent_text(Some(50.0)), "50.0");
    }
}
