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
//!
//! A morning of appointments (`appointments_are_counted_per_service`), all
//! booked at 07:00 Monday for Monday, one for Tuesday:
//!
//! | booking | service | booked | what happens | counts as |
//! |---|---|---|---|---|
//! | a1 | ZWFW-003 (A) | 09:00 | checks in 08:30 | on time |
//! | a2 | ZWFW-003 | 09:00 | checks in 09:10 | late within the window |
//! | a3 | ZWFW-003 | 09:30 | never comes; the 09:46 tick | no-show |
//! | a4 | ZWFW-003 | 10:00 | cancelled at 07:30 | cancelled |
//! | a5 | ZWFW-003 | 10:00 | the 10:16 tick, then comes 10:20 | no-show, a late walk-in |
//! | a6 | ZWFW-003 | Tuesday 09:00 | — | Tuesday's, still booked |
//! | e1 | first of E | 09:00 | 08:00 told to come back at 08:30; checks in 08:40 | on time |
//! | e2 | first of E | 09:30 | checks in at 09:30 sharp | on time |
//! | d1 | first of D | 11:00 | never comes; the 12:00 tick | no-show |
//! | d2 | first of D | 11:00 | cancelled at 07:30 | cancelled |

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use chrono::TimeZone;
use common::{KIOSK, TestHub, id_number, sample_config, sample_dir};
use reqwest::StatusCode;
use serde_json::{Value, json};
use yimen::domain::booking::BookingState;
use yimen::domain::ids::{StaffId, Timestamp};
use yimen::hub::clock::ManualClock;
use yimen::report::appointments::ServiceBookings;
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
        "appointments.csv",
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

/// Books `service` at `start` on 2026-03-`day` for the `n`th citizen;
/// returns the booking's code.
async fn book(hub: &TestHub, service: &str, day: u32, start: &str, n: u32) -> String {
    let body = json!({
        "service": service, "date": date(day), "start": start, "name": "王芳",
        "id_number": id_number("19850412", n), "phone": "13900139000",
    });
    let (status, booking) = hub.post("/api/v1/appointments", None, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    booking["code"].as_str().unwrap().to_owned()
}

/// Checks a booking in at the kiosk: the status and the answer.
async fn check_in(hub: &TestHub, code: &str) -> (StatusCode, Value) {
    let body = json!({ "code": code });
    hub.post("/api/v1/appointments/check-in", Some(KIOSK), body)
        .await
}

/// The first bookable service of `queue`.
async fn bookable_of(hub: &TestHub, queue: &str) -> String {
    let (_, services) = hub.get("/api/v1/appointments/services", None).await;
    let of_queue = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["queue"] == queue);
    of_queue.unwrap()["code"].as_str().unwrap().to_owned()
}

/// The morning in the table at the top; returns the services of E and D.
async fn a_morning_of_appointments(hub: &TestHub) -> (String, String) {
    let at = |hh, mm| hub.clock.set(beijing(2, hh, mm));
    let (a, e, d) = (
        "ZWFW-003",
        bookable_of(hub, "E").await,
        bookable_of(hub, "D").await,
    );
    let mut codes = Vec::new();
    for (n, (service, day, start)) in [
        (a, 2, "09:00"),
        (a, 2, "09:00"),
        (a, 2, "09:30"),
        (a, 2, "10:00"),
        (a, 2, "10:00"),
        (a, 3, "09:00"),
        (&e, 2, "09:00"),
        (&e, 2, "09:30"),
        (&d, 2, "11:00"),
        (&d, 2, "11:00"),
    ]
    .into_iter()
    .enumerate()
    {
        codes.push(book(hub, service, day, start, n as u32).await);
    }
    let [a1, a2, _a3, a4, a5, _a6, e1, e2, _d1, d2] = &codes[..] else {
        unreachable!()
    };
    at(7, 30);
    for (code, n) in [(a4, 3), (d2, 9)] {
        let body = json!({"code": code, "id_last4": &id_number("19850412", n)[14..]});
        let (status, booking) = hub.post("/api/v1/appointments/cancel", None, body).await;
        assert_eq!(
            (status, &booking["state"]),
            (StatusCode::OK, &json!("cancelled"))
        );
    }
    at(8, 0);
    let (status, early) = check_in(hub, e1).await;
    assert_eq!(status, StatusCode::CONFLICT, "{early}");
    assert_eq!(early["error"]["code"], "too_early");
    for (hh, mm, code) in [(8, 30, a1), (8, 40, e1), (9, 10, a2), (9, 30, e2)] {
        at(hh, mm);
        let (status, done) = check_in(hub, code).await;
        assert_eq!(
            (status, &done["outcome"]),
            (StatusCode::CREATED, &json!("checked_in"))
        );
    }
    at(9, 46);
    hub.hub.tick().await.unwrap();
    at(10, 16);
    hub.hub.tick().await.unwrap();
    assert_eq!(hub.hall().booking(a5).unwrap().state, BookingState::Missed);
    at(10, 20);
    let (status, late) = check_in(hub, a5).await;
    assert_eq!(
        (status, &late["outcome"]),
        (StatusCode::CREATED, &json!("walk_in"))
    );
    assert_eq!(late["ticket"]["appointment_at"], Value::Null);
    at(12, 0);
    hub.hub.tick().await.unwrap();
    (e, d)
}

fn figures(s: &ServiceBookings) -> [u32; 8] {
    [
        s.made,
        s.checked_in,
        s.on_time,
        s.late,
        s.missed,
        s.late_walk_ins,
        s.cancelled,
        s.open,
    ]
}

#[tokio::test]
async fn appointments_are_counted_per_service() {
    let clock = Arc::new(ManualClock::new(beijing(2, 7, 0)));
    let hub = TestHub::start_with(sample_config(), clock).await;
    let (e, d) = a_morning_of_appointments(&hub).await;
    let conn = yimen::store::open_reader(&hub.db()).unwrap();
    let config = sample_config();
    let monday = Report::build(&conn, &config, Period::new(date(2), date(2)).unwrap()).unwrap();
    let of = |r: &Report, service: &str| {
        let s = r
            .appointments
            .iter()
            .find(|s| s.service == service)
            .unwrap();
        (figures(s), s.punctuality())
    };
    //            made in  on  late missed walk-in cancelled open
    assert_eq!(
        of(&monday, "ZWFW-003"),
        ([5, 2, 1, 1, 2, 1, 1, 0], Some(50.0))
    );
    assert_eq!(of(&monday, &e), ([2, 2, 2, 0, 0, 0, 0, 0], Some(100.0)));
    assert_eq!(of(&monday, &d), ([2, 0, 0, 0, 1, 0, 1, 0], None));
    assert_eq!(monday.appointments.len(), 3, "only services with bookings");
    let two_days = Period::new(date(2), date(3)).unwrap();
    let both = Report::build(&conn, &config, two_days).unwrap();
    assert_eq!(
        of(&both, "ZWFW-003").0,
        [6, 2, 1, 1, 2, 1, 1, 1],
        "Tuesday's booking, still open"
    );

    let out = hub.dir.path().join("out");
    monday.write(&out).unwrap();
    let csv = read_csv(&out.join("appointments.csv"));
    assert_eq!(
        csv[0],
        [
            "服务事项",
            "预约",
            "签到",
            "准时",
            "迟到",
            "准时率(%)",
            "爽约",
            "其中逾时改取普通号",
            "取消",
            "待签到"
        ]
    );
    let row = |service: &str| csv.iter().find(|r| r[0].contains(service)).unwrap()[1..].to_vec();
    assert_eq!(
        row("ZWFW-003"),
        ["5", "2", "1", "1", "50.0", "2", "1", "1", "0"]
    );
    assert_eq!(row(&d), ["2", "0", "0", "0", "—", "1", "0", "1", "0"]);
    assert_eq!(
        row("合计"),
        ["9", "4", "3", "1", "75.0", "3", "1", "2", "0"]
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("预约签到与准时率") && html.contains("爽约"));
    assert!(
        html.contains("<b>75.0%</b><span>预约准时率</span>"),
        "the punctuality card"
    );
}
