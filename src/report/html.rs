//! The report as one self-contained HTML page: inline CSS, inline SVG
//! charts, no scripts and nothing fetched.

use std::fmt::Write;

use super::appointments::total;
use super::render::{Table, minutes};
use super::tables::{Spread, percent};
use super::{Report, ReportError, chart};
use crate::domain::timeliness::on_time_rate;

const STYLE: &str = "
body { font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif;
       margin: 0; background: #f4f6f9; color: #1a202c; }
header { background: #1f4e79; color: #fff; padding: 20px 32px; }
header h1 { margin: 0; font-size: 24px; }
header p { margin: 6px 0 0; font-size: 16px; opacity: .9; }
main { max-width: 1040px; margin: 0 auto; padding: 16px 24px 32px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
.card { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card b { display: block; font-size: 24px; color: #1f4e79; }
.card span { font-size: 13px; color: #4a5568; }
section { background: #fff; border-radius: 6px; margin-top: 16px; padding: 12px 20px 16px;
          box-shadow: 0 1px 2px rgba(0,0,0,.08); }
h2 { font-size: 18px; margin: 4px 0 12px; border-left: 4px solid #1f4e79; padding-left: 8px; }
svg { max-width: 100%; height: auto; display: block; margin: 0 auto 8px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid #e2e8f0; padding: 6px 8px; text-align: left; }
th { background: #edf2f7; }
.n { text-align: right; }
.none { color: #718096; }
footer { font-size: 12px; color: #4a5568; line-height: 1.7; }
";

/// What the figures mean, for the reader.
const NOTES: &[&str] = &[
    "等候时长：取号至（最后一次）叫号；P90 为九成群众不超过的等候时长（最近秩法）。",
    "办理时长：叫号至办结；按最后一次叫号的窗口和工作人员统计。",
    "过号：叫号、重呼后仍未到场且未恢复排队的号票；未叫号：日切时仍在等候或当前仍在等候。",
    "好差评：5 非常满意、4 满意、3 基本满意为好评，2 不满意、1 非常不满意为差评，差评均须整改。",
    "办件按各环节发生的业务日统计；部门作出审批决定即为办结，决定日不晚于承诺期限为按期；\
     在办超期指期末仍在部门办理且已过承诺期限（按期末当日的期限计算，补正期间不计时）。",
    "部门效能按办理任务统计：一件事的每个部门任务自所在阶段开始之日起、按该任务的承诺时限计；\
     单部门办件自受理之日起、按事项承诺时限计。按期、超期办结为期内作出决定的任务；在办为生成报表时仍在部门的任务\
     （办件受理不晚于期末），在办超期按期末当日判断；用时为开始次日至决定日的工作日数，不含等待补正的时间。",
    "预约按预约日期统计：签到为签到时段内签到的预约，预约时间当刻及之前签到为准时，之后为迟到；\
     准时率为准时占签到的比例；爽约为签到截止仍未签到的预约，其中逾时到场改取普通号的单列；\
     待签到为生成报表时签到尚未截止的预约。",
    "一件事承诺内办结率：期内办结（准予或不予许可）的一件事办件中，在承诺期限（受理日加承诺工作日，\
     补正、特别程序和延期顺延）内准予许可的占比；各阶段部门用时为期内作出决定的任务用时中位数。",
];

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The mean over several spreads, weighted by their counts.
fn pooled_mean<'a>(spreads: impl Iterator<Item = &'a Spread>) -> Option<f64> {
    let (sum, count) = spreads.fold((0.0, 0u32), |(sum, count), s| {
        (
            sum + s.mean.unwrap_or(0.0) * f64::from(s.count),
            count + s.count,
        )
    });
    (count > 0).then(|| sum / f64::from(count))
}

/// The figures at the top of the page: label and value.
fn summary(r: &Report) -> Vec<(&'static str, String)> {
    let issued: u32 = r.queues.iter().map(|q| q.issued).sum();
    let finished: u32 = r.queues.iter().map(|q| q.finished).sum();
    let no_shows: u32 = r.queues.iter().map(|q| q.no_shows).sum();
    let rated: u32 = r.scores.iter().sum();
    let good: u32 = r.scores[2..].iter().sum();
    let accepted: u32 = r.cases.iter().map(|c| c.accepted).sum();
    let on_time: u32 = r.cases.iter().map(|c| c.on_time).sum();
    let late: u32 = r.cases.iter().map(|c| c.late).sum();
    let overdue: u32 = r.cases.iter().map(|c| c.overdue()).sum();
    let bundles_finished: u32 = r.bundles.iter().map(|b| b.finished).sum();
    let bundles_within: u32 = r.bundles.iter().map(|b| b.within).sum();
    let share = |p: Option<f64>| p.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"));
    let booked = total(&r.appointments);
    vec![
        ("取号", issued.to_string()),
        ("办结", finished.to_string()),
        ("过号", no_shows.to_string()),
        (
            "平均等候（分钟）",
            minutes(pooled_mean(r.waits_by_hour.iter().map(|h| &h.waits))),
        ),
        (
            "平均办理（分钟）",
            minutes(pooled_mean(r.service_by_counter.iter().map(|(_, s)| s))),
        ),
        ("评价", rated.to_string()),
        ("好评率", share(percent(good, rated))),
        ("差评", r.bad_reviews.len().to_string()),
        ("受理办件", accepted.to_string()),
        ("按期办结率", share(on_time_rate(on_time, late))),
        ("逾期办件", overdue.to_string()),
        (
            "一件事承诺内办结率",
            share(percent(bundles_within, bundles_finished)),
        ),
        ("预约", booked.made.to_string()),
        ("预约签到", booked.checked_in.to_string()),
        ("爽约", booked.missed.to_string()),
        ("预约准时率", share(booked.punctuality())),
    ]
}

/// Whether every cell of column `i` is a number (or a dash for none), to
/// align it right.
fn numeric(table: &Table, i: usize) -> bool {
    table.rows.iter().all(|row| {
        row.get(i)
            .is_some_and(|c| c == "—" || c.parse::<f64>().is_ok())
    })
}

fn table_html(out: &mut String, table: &Table) {
    if table.rows.is_empty() {
        out.push_str("<p class=\"none\">本期无记录。</p>\n");
        return;
    }
    let class: Vec<&str> = (0..table.header.len())
        .map(|i| {
            if numeric(table, i) {
                " class=\"n\""
            } else {
                ""
            }
        })
        .collect();
    out.push_str("<table>\n<thead><tr>");
    for (h, class) in table.header.iter().zip(&class) {
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (cell, class) in row.iter().zip(&class) {
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The whole page.
///
/// # Errors
/// A chart cannot be drawn.
pub fn page(r: &Report, tables: &[Table]) -> Result<String, ReportError> {
    let charts = chart::charts(r)?;
    let title = format!("{} 运行报表 {}", r.hall, r.period);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>{}</h1><p>运行报表 · {}</p></header>\n<main>\n<div class=\"cards\">\n",
        escape(&title),
        escape(&r.hall),
        escape(&r.period.to_string()),
    );
    for (label, value) in summary(r) {
        let _ = writeln!(
            out,
            "<div class=\"card\"><b>{}</b><span>{}</span></div>",
            escape(&value),
            escape(label)
        );
    }
    out.push_str("</div>\n");
    for table in tables {
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>",
            table.file,
            escape(table.title)
        );
        for (_, svg) in charts.iter().filter(|(file, _)| *file == table.file) {
            out.push_str(svg);
            out.push('\n');
        }
        table_html(&mut out, table);
        out.push_str("</section>\n");
    }
    out.push_str("<section>\n<h2>统计口径</h2>\n<footer>\n");
    for note in NOTES {
        let _ = writeln!(out, "<p>{}</p>", escape(note));
    }
    out.push_str("</footer>\n</section>\n</main>\n</body>\n</html>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('差评')</script> & \"x\""),
            "&lt;script&gt;alert(&#39;差评&#39;)&lt;/script&gt; &amp; &quot;x&quot;"
        );
    }

    #[test]
    fn pools_means_by_count() {
        let a = Spread::of(vec![10.0, 20.0]);
        let b = Spread::of(vec![40.0]);
        assert_eq!(pooled_mean([a, b].iter()), Some(70.0 / 3.0));
        assert_eq!(pooled_mean(std::iter::empty()), None);
    }
}
