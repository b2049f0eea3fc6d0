//! The report on a small day built by hand against the real hub, checked
//! against figures worked out by hand; the HTML page and the CSVs, written
//! by `yimen report`, read back.
//!
//! Monday 2026-03-02, Beijing time. Counter 1 is 张敏 (1001), counter 2 李华
//! (1002); every ticket takes a service of 市场监督管理局 (scjg) or queue B.
//!
//! | ticket | issued | called | finished | at counter | wait | service |
//! |---|---|---|---|---|---|---|
//! | A001 | 10:00 | 10:10 | 10:30 | 1 | 10 | 20 |
//! | A002 | 10:05 | 10:15 | 10:25 | 2 | 10 | 10 |
//! | B001 | 10:20 | 10:40 | no-show 10:45 | 2 | 20 | — |
//! | A003 | 11:00 | 11:30 | 11:45 | 1 | 30 | 15 |
//! | A004 | 11:05 | never: expired at the rollover | | | | |
//!
//! Ratings: A001 5, A002 2 (a bad review: rectification due in five working
//! days, 2026-03-09), A003 4.
//!
//! Cases (one working day promised, accepted Monday: due Tuesday 03-03),
//! opened at counter 1 at 10:20 while serving A001: …0001 accepted and
//! approved the same day; …0002 accepted, approved Wednesday 03-04 (a day
//! late); …0003 refused; …0004 accepted and left with the department.
//!
//! A week of 一件事 (`a_week_of_bundles_names_who_held_them_up`), all
//! accepted Monday 03-02: 开办企业一件事 (3 working days promised: due
//! Thursday 03-05; scjg, ga and rs one day each, due 03-03; sw two, due
//! 03-04) three times — A approved by all four on Monday; B approved on
//! Monday by scjg and ga, Wednesday by rs (2 working days, a day late) and
//! Friday by sw (4 working days, two days late), so the case is late; C
//! left untouched — and 工业项目立项到施工许可一件事 D, whose fg task of
//! stage one is approved Monday while zrzy (15 days) works on.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::TimeZone;
use common::{TestHub, id_number, sample_config, sample_dir};
use reqwest::StatusCode;
use serde_json::{Value, json};
use yimen::domain::ids::{StaffId, Timestamp};
use yimen::report::{Period, Report};

/// 2026-03-`day` at `hh:mm` in Beijing.
fn beijing(day: u32, hh: u32, mm: u32) -> Timestamp {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 3, day, hh, mm, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn date(day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

/// Opens a case of `service` at counter 1: `accept` with every material,
/// or `refuse`; returns its number.
async fn open_case(hub: &TestHub, clerk: &str, service: &str, intake: &str) -> String {
    let guide = hub.guide(service).await;
    let materials: Vec<Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"name": m["name"], "received": true}))
        .collect();
    let body = json!({
        "service": service,
        "applicant": {"name": "张三", "id_number": id_number("19900307", 12), "phone": "13812345678"},
        "materials": materials,
        "intake": intake,
        "reason": if intake == "refuse" { Value::from("申请事项不属于本机关职权范围") } else { Value::Null },
    });
    let (status, case) = hub.post("/api/v1/cases", Some(clerk), body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    case["number"].as_str().unwrap().to_owned()
}

async fn approve(hub: &TestHub, reviewer: &str, number: &str) {
    for (step, body) in [("claim", json!({})), ("decision", json!({"approve": true}))] {
        let path = format!("/api/v1/cases/{number}/{step}");
        let (status, value) = hub.post(&path, Some(reviewer), body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {value}");
    }
}

async fn rate(hub: &TestHub, ticket: &Value, score: u8, comment: Option<&str>) {
    let body = json!({"ticket": ticket["id"], "score": score, "comment": comment});
    let (status, value) = hub.post("/api/v1/ratings", None, body).await;
    assert_eq!(status, StatusCode::CREATED, "{value}");
}

/// The day in the table above, then Wednesday's late approval.
async fn small_day(hub: &TestHub) {
    let at = |hh, mm| hub.clock.set(beijing(2, hh, mm));
    at(10, 0);
    let one = hub.login("1001", Some(1)).await;
    let two = hub.login("1002", Some(2)).await;
    let reviewer = hub.login("2001", None).await;
    let a001 = hub.issue(json!({"service": "SCJG-001"})).await;
    at(10, 5);
    let a002 = hub.issue(json!({"service": "SCJG-001"})).await;
    at(10, 10);
    assert_eq!(
        hub.act_ok(&one, 1, "call-next").await["current"]["number"],
        "A001"
    );
    hub.act_ok(&one, 1, "start").await;
    at(10, 15);
    assert_eq!(
        hub.act_ok(&two, 2, "call-next").await["current"]["number"],
        "A002"
    );
    hub.act_ok(&two, 2, "start").await;
    at(10, 20);
    let mut cases = Vec::new();
    for intake in ["accept", "accept", "refuse", "accept"] {
        cases.push(open_case(hub, &one, "SCJG-001", intake).await);
    }
    approve(hub, &reviewer, &cases[0]).await;
    let b001 = hub.issue(json!({"queue": "B"})).await;
    assert_eq!(b001["number"], "B001");
    at(10, 25);
    hub.act_ok(&two, 2, "finish").await;
    at(10, 30);
    hub.act_ok(&one, 1, "finish").await;
    rate(hub, &a001, 5, None).await;
    at(10, 32);
    rate(hub, &a002, 2, Some("等候太久")).await;
    at(10, 40);
    assert_eq!(
        hub.act_ok(&two, 2, "call-next").await["current"]["number"],
        "B001"
    );
    at(10, 45);
    for action in ["recall", "recall", "no-show"] {
        hub.act_ok(&two, 2, action).await;
    }
    at(11, 0);
    let a003 = hub.issue(json!({"service": "SCJG-001"})).await;
    at(11, 5);
    hub.issue(json!({"service": "SCJG-001"})).await;
    at(11, 30);
    assert_eq!(
        hub.act_ok(&one, 1, "call-next").await["current"]["number"],
        "A003"
    );
    hub.act_ok(&one, 1, "start").await;
    at(11, 45);
    hub.act_ok(&one, 1, "finish").await;
    at(11, 50);
    rate(hub, &a003, 4, None).await;

    // Wednesday: the day rolls over (A004 expires) and …0002 is approved late.
    hub.clock.set(beijing(4, 10, 0));
    hub.hub.tick().await.unwrap();
    let reviewer = hub.login("2001", None).await;
    approve(hub, &reviewer, &cases[1]).await;
}

/// A CSV as written: a BOM, CRLF lines, quoted fields.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF"),
            (false, '\n') => panic!("a bare LF"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        row.is_empty() && field.is_empty(),
        "the last line ends with CRLF"
    );
    rows
}

fn rows(table: &[&[&str]]) -> Vec<Vec<String>> {
    table
        .iter()
        .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
        .collect()
}

#[tokio::test]
async fn a_small_day_adds_up() {
    let hub = TestHub::start().await;
    small_day(&hub).await;
    let conn = yimen::store::open_reader(&hub.db()).unwrap();
    let config = sample_config();
    let day = Period::new(date(2), date(2)).unwrap();
    let r = Report::build(&conn, &config, day).unwrap();

    let hours: Vec<_> = r
        .waits_by_hour
        .iter()
        .map(|h| (h.hour, h.issued, h.waits.count, h.waits.p90, h.waits.max))
        .collect();
    assert_eq!(
        hours,
        [
            (10, 3, 3, Some(20.0), Some(20.0)),
            (11, 2, 1, Some(30.0), Some(30.0))
        ]
    );
    let mean = r.waits_by_hour[0].waits.mean.unwrap();
    assert!((mean - 40.0 / 3.0).abs() < 1e-9, "{mean}");

    let counters: Vec<_> = r
        .service_by_counter
        .iter()
        .map(|(n, s)| (*n, s.count, s.mean, s.max))
        .collect();
    assert_eq!(
        counters,
        [
            (1, 2, Some(17.5), Some(20.0)),
            (2, 1, Some(10.0), Some(10.0))
        ]
    );
    let staff: Vec<_> = r
        .service_by_staff
        .iter()
        .map(|(id, s)| (id.clone(), s.count, s.mean))
        .collect();
    assert_eq!(
        staff,
        [
            (StaffId("1001".into()), 2, Some(17.5)),
            (StaffId("1002".into()), 1, Some(10.0))
        ]
    );

    let queues: Vec<_> = r
        .queues
        .iter()
        .map(|q| {
            (
                q.queue.to_string(),
                q.issued,
                q.finished,
                q.no_shows,
                q.unserved,
            )
        })
        .collect();
    assert_eq!(
        queues,
        [("A".to_owned(), 4, 3, 0, 1), ("B".to_owned(), 1, 0, 1, 0)]
    );
    assert_eq!(r.days.len(), 1);
    assert_eq!(
        (r.days[0].issued, r.days[0].finished, r.days[0].no_shows),
        (5, 3, 1)
    );
    assert_eq!(
        (r.days[0].waits.mean, r.days[0].waits.p90),
        (Some(17.5), Some(30.0))
    );

    assert_eq!(r.scores, [0, 1, 0, 1, 1], "scores 1 to 5");
    assert_eq!(r.bad_reviews.len(), 1);
    let bad = &r.bad_reviews[0];
    assert_eq!(
        (
            bad.score,
            bad.subject.as_str(),
            bad.counter,
            bad.comment.as_deref()
        ),
        (2, "A002", Some(2), Some("等候太久"))
    );
    let rectification = bad.rectification.as_ref().expect("a rectification");
    assert_eq!(
        (rectification.due, rectification.closed.is_some()),
        (date(9), false)
    );

    let scjg = r.cases.iter().find(|c| c.department == "scjg").unwrap();
    assert_eq!(
        (
            scjg.opened,
            scjg.accepted,
            scjg.refused,
            scjg.approved,
            scjg.rejected,
            scjg.closed
        ),
        (4, 3, 1, 1, 0, 0)
    );
    assert_eq!((scjg.on_time, scjg.late, scjg.overdue_open), (1, 0, 0));
    assert_eq!(scjg.compliance(), Some(100.0));
    assert_eq!(
        r.cases.len(),
        config.departments.len(),
        "every department listed"
    );
    assert!(
        r.cases
            .iter()
            .filter(|c| c.department != "scjg")
            .all(|c| c.opened == 0 && c.compliance().is_none())
    );
}

#[tokio::test]
async fn yimen_report_writes_the_page_and_the_csvs_for_a_range() {
    let hub = TestHub::start().await;
    small_day(&hub).await;
    let out = hub.dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args([
            "report",
            "--date",
            "2026-03-02",
            "--to",
            "2026-03-04",
            "--db",
        ])
        .arg(hub.db())
        .arg("--config")
        .arg(sample_dir())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files: Vec<&str> = stdout.lines().collect();
    let names = [
        "report.html",
        "days.csv",
        "waits-by-hour.csv",
        "service-by-counter.csv",
        "service-by-staff.csv",
        "queues.csv",
        "ratings.csv",
        "bad-reviews.csv",
        "cases.csv",
        "department-loads.csv",
        "bundles.csv",
        "bundle-stages.csv",
        "audit-heads.csv",
    ];
    assert_eq!(files.len(), names.len(), "{stdout}");
    for (file, name) in files.iter().zip(names) {
        assert_eq!(Path::new(file), out.join(name));
    }

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("云湖经济技术开发区政务服务中心"));
    assert!(html.contains("2026-03-02 至 2026-03-04"));
    assert_eq!(
        html.matches("<svg").count(),
        5,
        "waits, counters, queues, ratings, cases"
    );
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    for outside in ["<script", "<link", "src=", "@import"] {
        assert!(!html.contains(outside), "self-contained: {outside}");
    }
    assert!(html.contains("等候太久") && html.contains("分时段平均等候"));

    assert_eq!(
        read_csv(&out.join("waits-by-hour.csv")),
        rows(&[
            &[
                "取号时段",
                "取号",
                "已叫号",
                "平均等候(分钟)",
                "P90等候(分钟)",
                "最长等候(分钟)"
            ],
            &["10:00-11:00", "3", "3", "13.3", "20.0", "20.0"],
            &["11:00-12:00", "2", "1", "30.0", "30.0", "30.0"],
        ])
    );
    assert_eq!(
        read_csv(&out.join("service-by-counter.csv"))[1..],
        rows(&[
            &["1号窗口 综合受理", "2", "17.5", "20.0", "20.0"],
            &["2号窗口 综合受理", "1", "10.0", "10.0", "10.0"],
        ])
    );
    assert_eq!(
        read_csv(&out.join("service-by-staff.csv"))[1..],
        rows(&[
            &["张敏（1001）", "2", "17.5", "20.0", "20.0"],
            &["李华（1002）", "1", "10.0", "10.0", "10.0"],
        ])
    );
    let queues = read_csv(&out.join("queues.csv"));
    assert_eq!(queues[1][1..], ["4", "3", "0", "0.0", "1"]);
    assert_eq!(queues[2][1..], ["1", "0", "1", "100.0", "0"]);
    assert_eq!(
        read_csv(&out.join("ratings.csv"))[1..],
        rows(&[
            &["5", "非常满意", "1", "33.3"],
            &["4", "满意", "1", "33.3"],
            &["3", "基本满意", "0", "0.0"],
            &["2", "不满意", "1", "33.3"],
            &["1", "非常不满意", "0", "0.0"],
        ])
    );
    assert_eq!(
        read_csv(&out.join("bad-reviews.csv"))[1..],
        rows(&[&[
            "2026-03-02 10:32",
            "2",
            "不满意",
            "A002",
            "2号窗口 综合受理",
            "李华（1002）",
            "市场监督管理局",
            "等候太久",
            "整改中，限 2026-03-09 前",
        ]])
    );
    // Over the three days …0002 was approved a day late and …0004 is past due.
    let cases = read_csv(&out.join("cases.csv"));
    let scjg = cases.iter().find(|row| row[0] == "市场监督管理局").unwrap();
    assert_eq!(
        scjg[1..],
        ["4", "3", "1", "2", "0", "0", "1", "1", "1", "2", "50.0"]
    );
    assert_eq!(cases.len(), 1 + sample_config().departments.len());
    // The same three cases as tasks: one decided on the day, one two
    // working days after it opened (a day late), one open past due.
    let loads = read_csv(&out.join("department-loads.csv"));
    assert_eq!(
        loads[0],
        [
            "部门",
            "在办",
            "在办超期",
            "按期办结",
            "超期办结",
            "办结用时中位数(工作日)"
        ]
    );
    let scjg = loads.iter().find(|row| row[0] == "市场监督管理局").unwrap();
    assert_eq!(scjg[1..], ["1", "1", "1", "1", "1.0"]);
    assert_eq!(loads.len(), 1 + sample_config().departments.len());
    assert_eq!(
        read_csv(&out.join("bundles.csv"))[1..],
        rows(&[
            &["开办企业一件事（ZWFW-001）", "3", "0", "0", "—", "0"],
            &[
                "工业项目立项到施工许可一件事（ZWFW-002）",
                "45",
                "0",
                "0",
                "—",
                "0"
            ],
        ])
    );
    assert_eq!(
        read_csv(&out.join("bundle-stages.csv")).len(),
        1,
        "the header alone"
    );
    assert_eq!(
        read_csv(&out.join("days.csv"))[1..],
        rows(&[&["2026-03-02", "5", "3", "1", "17.5", "30.0"]])
    );
}

/// Reviewer `staff` logs in, claims their task of `number` and approves it.
async fn approve_task(hub: &TestHub, staff: &str, number: &str) {
    let reviewer = hub.login(staff, None).await;
    approve(hub, &reviewer, number).await;
}

/// A department's figures: open, overdue, on time, late, median days.
fn load(r: &Report, department: &str) -> (u32, u32, u32, u32, Option<f64>) {
    let l = r.departments.iter().find(|l| l.department == department);
    let l = l.unwrap_or_else(|| panic!("no {department} in {:?}", r.departments));
    (l.open, l.overdue, l.on_time, l.late, l.median_days)
}

/// A 一件事 service's figures: finished, within, share, open, and each
/// stage's department with its decided, late and median days.
type Share = (
    u32,
    u32,
    Option<f64>,
    u32,
    Vec<(u32, String, u32, u32, Option<f64>)>,
);

fn share(r: &Report, service: &str) -> Share {
    let b = r.bundles.iter().find(|b| b.service == service).unwrap();
    let stages = (b.stages.iter())
        .map(|s| {
            (
                s.stage,
                s.department.clone(),
                s.decided,
                s.late,
                s.median_days,
            )
        })
        .collect();
    (b.finished, b.within, b.share(), b.open, stages)
}

fn stage(
    department: &str,
    decided: u32,
    late: u32,
    median: f64,
) -> (u32, String, u32, u32, Option<f64>) {
    (1, department.to_owned(), decided, late, Some(median))
}

fn report(hub: &TestHub, from: u32, to: u32) -> Report {
    let conn = yimen::store::open_reader(&hub.db()).unwrap();
    let period = Period::new(date(from), date(to)).unwrap();
    Report::build(&conn, &sample_config(), period).unwrap()
}

#[tokio::test]
async fn a_week_of_bundles_names_who_held_them_up() {
    let hub = TestHub::start().await;
    hub.clock.set(beijing(2, 10, 0));
    let clerk = hub.login("1001", Some(1)).await;
    hub.issue(json!({"service": "ZWFW-001"})).await;
    hub.act_ok(&clerk, 1, "call-next").await;
    hub.act_ok(&clerk, 1, "start").await;
    let mut cases = Vec::new();
    for service in ["ZWFW-001", "ZWFW-001", "ZWFW-001", "ZWFW-002"] {
        cases.push(open_case(&hub, &clerk, service, "accept").await);
    }
    // C is left with every department.
    let [a, b, _, d] = [0, 1, 2, 3].map(|i| cases[i].as_str());
    for staff in ["2001", "2008", "2007", "2002"] {
        approve_task(&hub, staff, a).await;
    }
    for staff in ["2001", "2008"] {
        approve_task(&hub, staff, b).await;
    }
    approve_task(&hub, "2006", d).await;

    // Monday's report, made that evening.
    hub.clock.set(beijing(2, 18, 0));
    let monday = report(&hub, 2, 2);
    assert_eq!(
        load(&monday, "scjg"),
        (1, 0, 2, 0, Some(0.0)),
        "C open; A and B decided"
    );
    assert_eq!(load(&monday, "sw"), (2, 0, 1, 0, Some(0.0)), "B and C open");
    assert_eq!(load(&monday, "fg"), (0, 0, 1, 0, Some(0.0)));
    assert_eq!(load(&monday, "zrzy"), (1, 0, 0, 0, None));
    assert_eq!(
        load(&monday, "zj"),
        (0, 0, 0, 0, None),
        "listed without tasks"
    );
    let stages = vec![
        stage("ga", 2, 0, 0.0),
        stage("rs", 1, 0, 0.0),
        stage("scjg", 2, 0, 0.0),
        stage("sw", 1, 0, 0.0),
    ];
    assert_eq!(share(&monday, "ZWFW-001"), (1, 1, Some(100.0), 2, stages));
    assert_eq!(
        share(&monday, "ZWFW-002"),
        (0, 0, None, 1, vec![stage("fg", 1, 0, 0.0)])
    );

    // rs decides B on Wednesday, sw on Friday: both late, and so the case.
    hub.clock.set(beijing(4, 10, 0));
    hub.hub.tick().await.unwrap();
    approve_task(&hub, "2007", b).await;
    hub.clock.set(beijing(6, 10, 0));
    hub.hub.tick().await.unwrap();
    approve_task(&hub, "2002", b).await;

    let week = report(&hub, 2, 6);
    // C's tasks were due by Wednesday: open and overdue on Friday.
    assert_eq!(load(&week, "scjg"), (1, 1, 2, 0, Some(0.0)));
    assert_eq!(load(&week, "ga"), (1, 1, 2, 0, Some(0.0)));
    assert_eq!(load(&week, "rs"), (1, 1, 1, 1, Some(1.0)), "0 and 2 days");
    assert_eq!(load(&week, "sw"), (1, 1, 1, 1, Some(2.0)), "0 and 4 days");
    assert_eq!(load(&week, "zrzy"), (1, 0, 0, 0, None), "due on the 20th");
    assert_eq!(
        share(&week, "ZWFW-001"),
        (
            2,
            1,
            Some(50.0),
            1,
            vec![
                stage("ga", 2, 0, 0.0),
                stage("rs", 2, 1, 1.0),
                stage("scjg", 2, 0, 0.0),
                stage("sw", 2, 1, 2.0),
            ]
        )
    );
    // Wednesday alone: only rs's late decision falls in it.
    let wednesday = report(&hub, 4, 4);
    let rs = load(&wednesday, "rs");
    assert_eq!((rs.2, rs.3), (0, 1));
    assert_eq!(
        (load(&wednesday, "scjg").2, load(&wednesday, "sw").3),
        (0, 0)
    );
    assert_eq!(
        share(&wednesday, "ZWFW-001").0,
        0,
        "no case finished that day"
    );

    // A case accepted after a period is not in it.
    hub.issue(json!({"service": "ZWFW-001"})).await;
    let clerk = hub.login("1001", Some(1)).await;
    hub.act_ok(&clerk, 1, "call-next").await;
    hub.act_ok(&clerk, 1, "start").await;
    open_case(&hub, &clerk, "ZWFW-001", "accept").await;
    assert_eq!(load(&report(&hub, 2, 2), "scjg").0, 1, "C alone");
    assert_eq!(load(&report(&hub, 2, 6), "scjg").0, 2, "C and Friday's");

    // `yimen report` writes the figures to the page and the CSVs.
    let out = hub.dir.path().join("week");
    let run = Command::new(env!("CARGO_BIN_EXE_yimen"))
        .args([
            "report",
            "--date",
            "2026-03-02",
            "--to",
            "2026-03-06",
            "--db",
        ])
        .arg(hub.db())
        .arg("--config")
        .arg(sample_dir())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let loads = read_csv(&out.join("department-loads.csv"));
    let sw = loads.iter().find(|row| row[0] == "税务局").unwrap();
    assert_eq!(sw[1..], ["2", "1", "1", "1", "2.0"]);
    assert_eq!(
        read_csv(&out.join("bundles.csv"))[1],
        ["开办企业一件事（ZWFW-001）", "3", "2", "1", "50.0", "2"]
    );
    let stages = read_csv(&out.join("bundle-stages.csv"));
    assert_eq!(
        stages[0],
        [
            "一件事",
            "阶段",
            "部门",
            "办结任务",
            "超期办结",
            "用时中位数(工作日)"
        ]
    );
    assert!(stages.contains(
        &rows(&[&[
            "开办企业一件事（ZWFW-001）",
            "第1阶段 并联办理",
            "税务局",
            "2",
            "1",
            "2.0"
        ]])[0]
    ));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for part in [
        "部门效能（办理任务）",
        "一件事承诺内办结率",
        "<td>第1阶段 立项用地规划许可</td>",
        "<td class=\"n\">50.0</td>",
    ] {
        assert!(html.contains(part), "no {part} in the page");
    }
}
