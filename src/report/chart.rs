//! Bar charts as inline SVG, drawn with plotters' SVG backend. Plotters is
//! built without font-kit: the SVG carries `<text>` elements and the reader's
//! browser lays them out in its own CJK font, so no font files are needed
//! here.

use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordu32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Report, ReportError};

const WIDTH: u32 = 760;
const HEIGHT: u32 = 300;
const FONT: &str = "sans-serif";
const BAR: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);
const LINE: RGBColor = RGBColor(0xdd, 0x6b, 0x20);
const INK: RGBColor = RGBColor(0x4a, 0x55, 0x68);

/// One bar per label, and optionally a line over the same labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    pub title: &'static str,
    /// The unit of the vertical axis, such as 分钟.
    pub unit: &'static str,
    /// What the bars are, for the legend.
    pub series: &'static str,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    /// A second series drawn as a line: its name and values.
    pub line: Option<(&'static str, Vec<f64>)>,
    /// The values are counts: the axis shows whole numbers.
    pub counts: bool,
}

fn drawn<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, ReportError> {
    result.map_err(|e| ReportError::Chart(e.to_string()))
}

/// A value as a bar's label: whole numbers without decimals.
fn label(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The chart as an `<svg>` element; an empty chart says 本期无数据.
///
/// # Errors
/// Plotters fails to draw.
pub fn svg(bars: &Bars) -> Result<String, ReportError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        drawn(root.fill(&WHITE))?;
        draw(&root, bars)?;
        drawn(root.present())?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn empty(root: &Area<'_>, bars: &Bars) -> Result<(), ReportError> {
    let centre = Pos::new(HPos::Center, VPos::Center);
    drawn(
        root.draw(&Text::new(
            format!("{} — 本期无数据", bars.title),
            (WIDTH as i32 / 2, HEIGHT as i32 / 2),
            TextStyle::from((FONT, 20).into_font())
                .color(&INK)
                .pos(centre),
        )),
    )
}

/// The top of the vertical axis: room above the tallest value for its
/// label and the legend.
fn headroom(bars: &Bars) -> f64 {
    let line = bars.line.iter().flat_map(|(_, v)| v.iter());
    let max = bars
        .values
        .iter()
        .chain(line)
        .fold(0.0_f64, |a, b| a.max(*b));
    match (max > 0.0, bars.counts) {
        (false, _) => 1.0,
        (true, false) => max * 1.35,
        (true, true) => (max * 1.35).ceil().max(max + 1.0),
    }
}

/// The chart's plotting area: segments along, values up.
type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordu32>, RangedCoordf64>>;

fn draw(root: &Area<'_>, bars: &Bars) -> Result<(), ReportError> {
    if bars.values.is_empty() {
        return empty(root, bars);
    }
    // A lone bar stands in the middle of three slots rather than filling
    // the width (plotters also needs two slots or more to scale).
    let (offset, slots) = match bars.values.len() {
        1 => (1, 3),
        n => (0, n),
    };
    let top = headroom(bars);
    let last = u32::try_from(slots - 1).unwrap_or(u32::MAX);
    let mut chart = drawn(
        ChartBuilder::on(root)
            .caption(bars.title, (FONT, 22).into_font().color(&INK))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((0..last).into_segmented(), 0.0..top),
    )?;
    draw_mesh(&mut chart, bars, offset, slots, top)?;
    draw_series(&mut chart, bars, offset)?;
    drawn(
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 15).into_font().color(&INK))
            .background_style(WHITE.mix(0.9))
            .border_style(INK.mix(0.3))
            .draw(),
    )
}

/// The axes: a label under each bar, the unit, light horizontal lines.
fn draw_mesh(
    chart: &mut Chart<'_, '_>,
    bars: &Bars,
    offset: usize,
    slots: usize,
    top: f64,
) -> Result<(), ReportError> {
    let name_of = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => (*i as usize)
            .checked_sub(offset)
            .and_then(|i| bars.labels.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let whole = |v: &f64| format!("{v:.0}");
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(slots)
        .x_label_formatter(&name_of)
        .y_desc(bars.unit)
        .light_line_style(TRANSPARENT)
        .bold_line_style(INK.mix(0.15))
        .label_style((FONT, 15).into_font().color(&INK))
        .axis_desc_style((FONT, 15).into_font().color(&INK));
    if bars.counts {
        // Whole-number ticks: at most one per unit.
        mesh.y_labels((top as usize + 1).min(11))
            .y_label_formatter(&whole);
    }
    drawn(mesh.draw())
}

/// The bars with their values above them, and the line if there is one.
fn draw_series(chart: &mut Chart<'_, '_>, bars: &Bars, offset: usize) -> Result<(), ReportError> {
    let slot = |i: usize| u32::try_from(i + offset).unwrap_or(u32::MAX);
    let at = |i: usize| SegmentValue::Exact(slot(i));
    let centre = |i: usize| SegmentValue::CenterOf(slot(i));
    drawn(
        chart.draw_series(bars.values.iter().enumerate().map(|(i, v)| {
            let mut bar = Rectangle::new([(at(i), 0.0), (at(i + 1), *v)], BAR.filled());
            bar.set_margin(0, 0, 10, 10);
            bar
        })),
    )?
    .label(bars.series)
    .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], BAR.filled()));
    let above = TextStyle::from((FONT, 15).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    drawn(
        chart.draw_series(
            bars.values
                .iter()
                .enumerate()
                .map(|(i, v)| Text::new(label(*v), (centre(i), *v), above.clone())),
        ),
    )?;
    if let Some((name, points)) = &bars.line {
        let series = points.iter().enumerate().map(|(i, v)| (centre(i), *v));
        drawn(chart.draw_series(LineSeries::new(series.clone(), LINE.stroke_width(2))))?
            .label(*name)
            .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], LINE.stroke_width(2)));
        drawn(chart.draw_series(series.map(|p| Circle::new(p, 3, LINE.filled()))))?;
    }
    Ok(())
}

/// The page's charts, each by the file name of the table it goes with.
///
/// # Errors
/// Plotters fails to draw.
pub fn charts(r: &Report) -> Result<Vec<(&'static str, String)>, ReportError> {
    let mut charts = Vec::new();
    if r.days.len() > 1 {
        charts.push(("days", svg(&days(r))?));
    }
    let each = [
        ("waits-by-hour", waits_by_hour(r)),
        ("service-by-counter", service_by_counter(r)),
        ("queues", no_shows_by_queue(r)),
        ("ratings", ratings(r)),
        ("cases", on_time_by_department(r)),
    ];
    for (name, bars) in each {
        charts.push((name, svg(&bars)?));
    }
    Ok(charts)
}

fn days(r: &Report) -> Bars {
    Bars {
        title: "每日取号与办结",
        unit: "张",
        series: "取号",
        labels: r
            .days
            .iter()
            .map(|d| d.day.format("%m-%d").to_string())
            .collect(),
        values: r.days.iter().map(|d| f64::from(d.issued)).collect(),
        line: Some((
            "办结",
            r.days.iter().map(|d| f64::from(d.finished)).collect(),
        )),
        counts: true,
    }
}

fn waits_by_hour(r: &Report) -> Bars {
    Bars {
        title: "分时段平均等候",
        unit: "分钟",
        series: "平均等候",
        labels: r
            .waits_by_hour
            .iter()
            .map(|h| format!("{}时", h.hour))
            .collect(),
        values: r
            .waits_by_hour
            .iter()
            .map(|h| h.waits.mean.unwrap_or(0.0))
            .collect(),
        line: Some((
            "P90等候",
            r.waits_by_hour
                .iter()
                .map(|h| h.waits.p90.unwrap_or(0.0))
                .collect(),
        )),
        counts: false,
    }
}

fn service_by_counter(r: &Report) -> Bars {
    Bars {
        title: "窗口平均办理时长",
        unit: "分钟",
        series: "平均办理",
        labels: r
            .service_by_counter
            .iter()
            .map(|(n, _)| format!("{n}号窗口"))
            .collect(),
        values: r
            .service_by_counter
            .iter()
            .map(|(_, s)| s.mean.unwrap_or(0.0))
            .collect(),
        line: None,
        counts: false,
    }
}

fn no_shows_by_queue(r: &Report) -> Bars {
    Bars {
        title: "各队列过号",
        unit: "张",
        series: "过号",
        labels: r.queues.iter().map(|q| r.names.queue(q.queue)).collect(),
        values: r.queues.iter().map(|q| f64::from(q.no_shows)).collect(),
        line: None,
        counts: true,
    }
}

fn ratings(r: &Report) -> Bars {
    Bars {
        title: "好差评分布",
        unit: "条",
        series: "评价",
        labels: (1..=5u8)
            .rev()
            .map(|s| crate::domain::rating::score_label(s).to_owned())
            .collect(),
        values: r.scores.iter().rev().map(|n| f64::from(*n)).collect(),
        line: None,
        counts: true,
    }
}

/// 按期办结率 of each department with decided cases.
fn on_time_by_department(r: &Report) -> Bars {
    let decided: Vec<_> = r
        .cases
        .iter()
        .filter(|c| c.compliance().is_some())
        .collect();
    Bars {
        title: "部门按期办结率",
        unit: "%",
        series: "按期办结率",
        labels: decided
            .iter()
            .map(|c| r.names.department_short(&c.department))
            .collect(),
        values: decided
            .iter()
            .map(|c| c.compliance().unwrap_or(0.0))
            .collect(),
        line: None,
        counts: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_bars_labels_and_a_line_as_svg() {
        let bars = Bars {
            title: "分时段平均等候",
            unit: "分钟",
            series: "平均等候",
            labels: vec!["10时".into(), "11时".into()],
            values: vec![13.5, 30.0],
            line: Some(("P90等候", vec![20.0, 30.0])),
            counts: false,
        };
        let svg = svg(&bars).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        for text in [
            "分时段平均等候",
            "10时",
            "11时",
            "13.5",
            "P90等候",
            "<rect",
            "<polyline",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
    }

    #[test]
    fn an_empty_chart_says_so() {
        let bars = Bars {
            title: "各队列过号",
            unit: "张",
            series: "过号",
            labels: vec![],
            values: vec![],
            line: None,
            counts: true,
        };
        assert!(svg(&bars).unwrap().contains("各队列过号 — 本期无数据"));
    }
}
