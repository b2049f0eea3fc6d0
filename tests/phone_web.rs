//! The citizen's phone pages in a real headless Chromium at a phone's size
//! (390 × 844), against a real hub on an injected clock: the ticket page
//! shows the number, follows calls of other tickets live, announces its
//! own call (banner, vibration, notification) and is rated once; a missed
//! ticket says until when it may come back; the case page shows a case's
//! progress and refuses a wrong last four exactly as an unknown number;
//! Chinese is drawn from the hub's web font on a machine with no CJK font;
//! and axe-core finds no serious or critical violation on any page, in
//! normal or large text.
//!
//! With `YIMEN_SCREENSHOTS=docs/screenshots` the pages are photographed
//! as `phone-*.png`, each in normal and large text.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::browser::{Browser, SLOW, one_at_a_time};
use common::{KIOSK, TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// From a call's answer to the page showing it.
const CALL_BUDGET: Duration = Duration::from_secs(1);
const WIDTH: u32 = 390;
const HEIGHT: u32 = 844;

/// Stands in for the phone's vibration and notifications, recording what
/// the page asked of them, and lets notifications be allowed.
const PHONE_HOOKS: &str = r#"
  window.__asked = [];
  Object.defineProperty(Navigator.prototype, 'vibrate', {configurable: true,
    value: function (pattern) { window.__asked.push('vibrate'); return true; }});
  window.Notification = function (title, options) {
    window.__asked.push('notification:' + title + ':' + (options && options.body));
  };
  window.Notification.permission = 'granted';
  window.Notification.requestPermission = function (done) {
    if (done) done('granted');
    return Promise.resolve('granted');
  };
"#;

async fn phone() -> Browser {
    let mut browser = Browser::phone(WIDTH, HEIGHT).await;
    browser.before_each_page(PHONE_HOOKS).await;
    browser
}

/// Where screenshots go, if anywhere.
fn screenshots() -> Option<PathBuf> {
    std::env::var_os("YIMEN_SCREENSHOTS").map(PathBuf::from)
}

/// Audits the page in normal and large text and, when asked, photographs
/// it in both as `phone-{name}.png` and `phone-{name}-large.png`.
async fn audit(browser: &mut Browser, name: &str) {
    for large in [false, true] {
        let pressed = browser
            .eval("document.documentElement.classList.contains('large')")
            .await;
        if pressed != json!(large) {
            browser
                .eval("document.getElementById('large-text').click()")
                .await;
        }
        let size = browser
            .eval("getComputedStyle(document.body).fontSize")
            .await;
        assert_eq!(size, json!(if large { "26px" } else { "20px" }), "{name}");
        let violations = browser.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{name}, large text {large}: {violations:#?}"
        );
        if let Some(dir) = screenshots() {
            // A case's answer is what its page is for.
            browser
                .eval("(function () { var r = document.getElementById('result'); if (r && !r.hidden) r.scrollIntoView(); })()")
                .await;
            let suffix = if large { "-large" } else { "" };
            let path = dir.join(format!("phone-{name}{suffix}.png"));
            browser.screenshot(&path).await;
        }
    }
    browser
        .eval("document.getElementById('large-text').click()")
        .await;
    assert_eq!(
        browser
            .eval("localStorage.getItem('yimen-large-text')")
            .await,
        json!("0"),
        "the switch is remembered"
    );
}

fn text(id: &str) -> String {
    format!("document.getElementById('{id}').textContent")
}

async fn shown(browser: &mut Browser, id: &str) -> String {
    browser.eval(&text(id)).await.as_str().unwrap().to_owned()
}

/// Finishes what counter 1 serves, if anything, and calls the next.
async fn call_next(hub: &TestHub, token: &str, finish_first: bool) -> String {
    if finish_first {
        hub.act_ok(token, 1, "start").await;
        hub.act_ok(token, 1, "finish").await;
    }
    let counter = hub.act_ok(token, 1, "call-next").await;
    counter["current"]["number"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_page_follows_the_line_announces_the_call_and_is_rated_once() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let token = hub.login("1001", Some(1)).await;
    for _ in 0..4 {
        hub.issue(json!({"queue": "A"})).await;
    }
    let mine = hub.issue(json!({"queue": "A"})).await;
    let id = mine["id"].as_str().unwrap();
    assert_eq!(mine["number"], "A005");
    assert!(
        mine["page_url"].is_null(),
        "the sample hall names no public face"
    );

    let mut browser = phone().await;
    browser.open(&format!("{}/t/{id}", hub.url)).await;
    browser
        .until(
            "the page shows the ticket",
            SLOW,
            &format!("{} === '4 人'", text("ahead")),
        )
        .await;
    assert_eq!(shown(&mut browser, "number").await, "A005");
    assert_eq!(shown(&mut browser, "state").await, "排队等候中");
    assert_eq!(shown(&mut browser, "queue").await, "企业开办");
    assert!(
        browser
            .eval("document.getElementById('alert').hidden")
            .await
            == json!(true)
    );
    audit(&mut browser, "ticket-waiting").await;

    // Another ticket is called: one fewer ahead, and with three left the
    // page tells the citizen to come near, once.
    assert_eq!(call_next(&hub, &token, false).await, "A001");
    let answered = Instant::now();
    browser
        .until(
            "the page follows another call",
            CALL_BUDGET,
            &format!("{} === '3 人'", text("ahead")),
        )
        .await;
    assert!(answered.elapsed() <= CALL_BUDGET);
    browser
        .until(
            "the soon banner",
            CALL_BUDGET,
            "window.yimenTicket.alerts.length === 1",
        )
        .await;
    assert_eq!(
        shown(&mut browser, "alert").await,
        "快到您了：前面还有 3 人，请留意叫号"
    );
    assert_eq!(shown(&mut browser, "state").await, "快到您了");
    let alerts = browser.eval("window.yimenTicket.alerts").await;
    assert_eq!(alerts[0]["kind"], "soon");
    assert_eq!(alerts[0]["vibrate"], true);
    assert_eq!(alerts[0]["notification"], true);

    for expected in ["A002", "A003", "A004"] {
        assert_eq!(call_next(&hub, &token, true).await, expected);
    }
    browser
        .until("one ahead", SLOW, &format!("{} === '0 人'", text("ahead")))
        .await;
    assert_eq!(
        browser.eval("window.yimenTicket.alerts.length").await,
        json!(1),
        "the soon alarm sounds once"
    );

    // Called: where to go, with every alarm the phone allows.
    assert_eq!(call_next(&hub, &token, true).await, "A005");
    let answered = Instant::now();
    browser
        .until(
            "the page announces the call",
            CALL_BUDGET,
            "window.yimenTicket.alerts.length === 2",
        )
        .await;
    assert!(answered.elapsed() <= CALL_BUDGET);
    assert_eq!(shown(&mut browser, "state").await, "请到 1 号窗口");
    assert_eq!(
        shown(&mut browser, "alert").await,
        "叫到您了！请到 1 号窗口办理"
    );
    let asked = browser.eval("window.__asked").await;
    assert!(
        asked
            .as_array()
            .unwrap()
            .contains(&json!("notification:叫到您了:请到 1 号窗口办理（A005）")),
        "{asked}"
    );
    assert_eq!(
        asked
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| **a == "vibrate")
            .count(),
        2
    );
    audit(&mut browser, "ticket-called").await;

    // Called again: announced again.
    hub.act_ok(&token, 1, "recall").await;
    browser
        .until(
            "a recall is announced again",
            CALL_BUDGET,
            "window.yimenTicket.alerts.length === 3",
        )
        .await;

    rated_once(&hub, &token, &mut browser, id).await;
    hub.assert_contract_kept();
}

/// Served and finished: the page offers the rating, insists on a comment
/// for a bad one, takes it once, and says so after a reload; the hub
/// refuses a second.
async fn rated_once(hub: &TestHub, token: &str, browser: &mut Browser, id: &str) {
    hub.act_ok(token, 1, "start").await;
    browser
        .until(
            "serving",
            SLOW,
            &format!("{} === '正在 1 号窗口办理'", text("state")),
        )
        .await;
    hub.act_ok(token, 1, "finish").await;
    browser
        .until(
            "the rating is offered",
            SLOW,
            "!document.getElementById('rate').hidden",
        )
        .await;
    assert_eq!(shown(browser, "state").await, "已办结");
    audit(browser, "ticket-finished").await;

    let submit = |score: u8, comment: &str| {
        format!(
            "(function () {{
               var form = document.getElementById('rating-form');
               form.querySelector('input[value=\"{score}\"]').click();
               form.querySelector('textarea').value = {comment};
               form.querySelector('button[type=submit]').click();
               return form.querySelector('.error').textContent;
             }})()",
            comment = json!(comment)
        )
    };
    let refused = browser.eval(&submit(2, "")).await;
    assert_eq!(
        refused,
        json!("选择“不满意”或“非常不满意”时，请写下原因，便于我们整改")
    );
    assert!(
        !hub.hall()
            .ticket(&yimen::domain::ids::TicketId(id.into()))
            .unwrap()
            .rated
    );
    browser.eval(&submit(4, "")).await;
    browser
        .until(
            "rated",
            SLOW,
            "!document.getElementById('rated').hidden && document.getElementById('rate').hidden",
        )
        .await;
    assert_eq!(shown(browser, "rated").await, "已评价，感谢您的反馈！");

    let (status, again) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"ticket": id, "score": 1, "comment": "再评一次"}),
        )
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_rated"))
    );
    browser.open(&format!("{}/t/{id}", hub.url)).await;
    browser
        .until(
            "a reload still says rated",
            SLOW,
            "!document.getElementById('rated').hidden && document.getElementById('rate').hidden",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_ticket_says_until_when_it_may_come_back() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await; // 10:00 in the hall
    let token = hub.login("1001", Some(1)).await;
    let ticket = hub.issue(json!({"queue": "A"})).await;
    let id = ticket["id"].as_str().unwrap();
    call_next(&hub, &token, false).await;
    for action in ["recall", "recall", "no-show"] {
        hub.act_ok(&token, 1, action).await;
    }
    let (_, status) = hub.get(&format!("/api/v1/tickets/{id}"), None).await;
    assert_eq!(status["state"], "no_show");
    assert_eq!(status["reactivate_until"], "2026-03-02T10:30:00+08:00");

    let mut browser = phone().await;
    browser.open(&format!("{}/t/{id}", hub.url)).await;
    browser
        .until("missed", SLOW, &format!("{} === '已过号'", text("state")))
        .await;
    assert_eq!(
        shown(&mut browser, "advice").await,
        "请于 10:30 前凭本号票到取号机（过号恢复）或综合受理窗口恢复排队；超过时间请重新取号。"
    );
    audit(&mut browser, "ticket-missed").await;
    // The audit sees what it should: grey on white is refused.
    browser
        .eval("(function () { var p = document.createElement('p'); p.textContent = '浅灰色文字'; p.style.color = '#bbbbbb'; document.querySelector('main').appendChild(p); return true; })()")
        .await;
    let found = browser.accessibility_violations().await;
    assert!(
        found.iter().any(|v| v["id"] == "color-contrast"),
        "{found:#?}"
    );
    browser
        .eval("document.querySelector('main').lastChild.remove()")
        .await;

    // Back in line by the kiosk: the page follows.
    let (status, _) = hub
        .post("/api/v1/tickets/reactivate", Some(KIOSK), json!({"id": id}))
        .await;
    assert_eq!(status, StatusCode::OK);
    browser
        .until(
            "back in line",
            SLOW,
            &format!("{} === '快到您了'", text("state")),
        )
        .await;
}

/// The clerk at counter 1 serves the next citizen for `service` and opens
/// their case, accepted, with every material; returns its number.
async fn open_case(hub: &TestHub, clerk: &str, service: &str) -> String {
    hub.issue(json!({"service": service})).await;
    let (status, counter) = hub.get("/api/v1/counters/1", Some(clerk)).await;
    assert_eq!(status, StatusCode::OK);
    if !counter["current"].is_null() {
        hub.act_ok(clerk, 1, "finish").await;
    }
    hub.act_ok(clerk, 1, "call-next").await;
    hub.act_ok(clerk, 1, "start").await;
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
        "intake": "accept",
    });
    let (status, case) = hub.post("/api/v1/cases", Some(clerk), body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    case["number"].as_str().unwrap().to_owned()
}

async fn post_ok(hub: &TestHub, path: &str, who: &str, body: Value) -> Value {
    let (status, value) = hub.post(path, Some(who), body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {value}");
    value
}

/// Looks the case up on the page; returns what the page says, or its error.
async fn look_up(browser: &mut Browser, number: &str, four: &str) -> String {
    browser
        .eval(&format!(
            "(function () {{
               document.getElementById('result').hidden = true;
               document.getElementById('lookup-error').textContent = '';
               document.getElementById('case-number').value = {number};
               document.getElementById('last-four').value = {four};
               document.querySelector('#lookup button[type=submit]').click();
             }})()",
            number = json!(number),
            four = json!(four)
        ))
        .await;
    browser
        .until(
            "the lookup answers",
            SLOW,
            "!document.getElementById('result').hidden || !!document.getElementById('lookup-error').textContent",
        )
        .await;
    browser
        .eval("document.getElementById('result').hidden ? document.getElementById('lookup-error').textContent : document.getElementById('words').textContent")
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_page_shows_progress_only_to_the_applicant_and_is_rated_once() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await; // Monday 2026-03-02
    let clerk = hub.login("1001", Some(1)).await;
    let reviewer = hub.login("2001", None).await;
    let number = open_case(&hub, &clerk, "SCJG-001").await;

    let mut browser = phone().await;
    browser.open(&format!("{}/c?case={number}", hub.url)).await;
    assert_eq!(
        browser
            .eval("document.getElementById('case-number').value")
            .await,
        json!(number)
    );
    audit(&mut browser, "case-lookup").await;
    assert_eq!(
        look_up(&mut browser, &number, "5678").await,
        "已受理，等待部门审查"
    );
    assert_eq!(shown(&mut browser, "promised").await, "2026年3月3日");
    assert_eq!(shown(&mut browser, "service").await, "企业设立登记");

    // A wrong last four and an unknown number are told the same.
    let refused = look_up(&mut browser, &number, "1234").await;
    assert_eq!(
        refused,
        "没有找到该办件，请核对办件编号和证件号码（或手机号码）后四位"
    );
    assert_eq!(look_up(&mut browser, "209901010001", "5678").await, refused);

    post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/claim"),
        &reviewer,
        json!({}),
    )
    .await;
    post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/correction"),
        &reviewer,
        json!({"items": ["股东会决议缺少签字", "住所证明已过期"]}),
    )
    .await;
    assert_eq!(look_up(&mut browser, &number, "5678").await, "需要补正材料");
    assert_eq!(
        browser
            .eval("Array.prototype.map.call(document.querySelectorAll('#correction-items li'), function (li) { return li.textContent; })")
            .await,
        json!(["股东会决议缺少签字", "住所证明已过期"])
    );
    assert!(
        browser
            .eval("document.getElementById('promised-row').hidden")
            .await
            == json!(true)
    );
    audit(&mut browser, "case-correction").await;

    let second = open_case(&hub, &clerk, "SCJG-001").await;
    post_ok(
        &hub,
        &format!("/api/v1/cases/{second}/claim"),
        &reviewer,
        json!({}),
    )
    .await;
    post_ok(
        &hub,
        &format!("/api/v1/cases/{second}/decision"),
        &reviewer,
        json!({"approve": true}),
    )
    .await;
    assert_eq!(
        look_up(&mut browser, &second, "5678").await,
        "已办结，请到统一出件窗口领取"
    );
    assert_eq!(
        shown(&mut browser, "pickup-where").await,
        "10号窗口 统一出件"
    );
    assert!(
        shown(&mut browser, "pickup-hours")
            .await
            .contains("周一至周五")
    );
    audit(&mut browser, "case-ready").await;

    picked_up_and_rated(&hub, &mut browser, &second).await;
    hub.assert_contract_kept();
}

/// The result handed over: the case is final, rated once on the page.
async fn picked_up_and_rated(hub: &TestHub, browser: &mut Browser, number: &str) {
    let pickup = hub.login("3001", Some(10)).await;
    hub.post("/api/v1/tickets", Some(KIOSK), json!({"case": number}))
        .await;
    hub.act_ok(&pickup, 10, "call-next").await;
    hub.act_ok(&pickup, 10, "start").await;
    post_ok(
        hub,
        &format!("/api/v1/cases/{number}/pickup"),
        &pickup,
        json!({"collected_by": "张三（本人）"}),
    )
    .await;
    assert_eq!(look_up(browser, number, "5678").await, "已领取，办理完毕");
    browser
        .eval(
            "(function () {
               var form = document.getElementById('rating-form');
               form.querySelector('input[value=\"5\"]').click();
               form.querySelector('button[type=submit]').click();
             })()",
        )
        .await;
    browser
        .until(
            "rated",
            SLOW,
            "!document.getElementById('rated').hidden && document.getElementById('rate').hidden",
        )
        .await;
    audit(browser, "case-rated").await;
    let (status, again) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 1, "comment": "再评", "last_four": "5678"}),
        )
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_rated"))
    );
}

#[tokio::test]
async fn a_bundles_progress_names_stages_and_departments_never_reviewers() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    let number = open_case(&hub, &clerk, "ZWFW-001").await;
    let reviewer = hub.login("2001", None).await;
    post_ok(
        &hub,
        &format!("/api/v1/cases/{number}/claim"),
        &reviewer,
        json!({}),
    )
    .await;
    let (status, progress) = hub
        .post(
            "/api/v1/case-status",
            None,
            json!({"case": number, "last_four": "5678"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{progress}");
    assert_eq!(progress["standing"], "in_review");
    let stage = &progress["stages"][0];
    assert_eq!(stage["open"], true);
    let departments: Vec<&str> = stage["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["department"].as_str().unwrap())
        .collect();
    assert!(departments.contains(&"市场监督管理局"), "{departments:?}");
    assert_eq!(departments.len(), 4);
    let text = progress.to_string();
    for private in ["吴刚", "2001", "张三", "13812345678", "19900307"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}

#[tokio::test]
async fn wrong_guesses_are_braked_per_case_and_tell_nothing() {
    let hub = TestHub::start().await;
    let clerk = hub.login("1001", Some(1)).await;
    let number = open_case(&hub, &clerk, "SCJG-001").await;
    let ask = |case: &str, four: &str| {
        hub.post(
            "/api/v1/case-status",
            None,
            json!({"case": case, "last_four": four}),
        )
    };
    let (unknown, unknown_body) = ask("209901010001", "5678").await;
    let (wrong, wrong_body) = ask(&number, "0000").await;
    assert_eq!(
        (unknown, &unknown_body),
        (StatusCode::NOT_FOUND, &wrong_body)
    );
    assert_eq!(wrong, StatusCode::NOT_FOUND);
    let (status, _) = ask(&number, "12").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Nine more wrong guesses for the case, then even the right one waits:
    // nothing is checked; an hour later it is taken again.
    for four in 1..10 {
        let (status, _) = ask(&number, &format!("{four:04}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = ask(&number, "5678").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    // The ratings route guesses the same proof, and is braked with it.
    let (status, _) = hub
        .post(
            "/api/v1/ratings",
            None,
            json!({"case": number, "score": 5, "last_four": "5678"}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    hub.clock.advance(chrono::Duration::minutes(61));
    let (status, body) = ask(&number, "5678").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_is_drawn_from_the_hubs_font_where_the_machine_has_none() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let ticket = hub.issue(json!({"queue": "A"})).await;
    let css = hub
        .http
        .get(format!("{}/fonts/yimen.css", hub.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hall_face = css
        .split("url(\"")
        .filter_map(|part| part.split_once("\")").map(|(url, _)| url))
        .find(|url| url.starts_with("/fonts/hall-"))
        .expect("the hall's face")
        .to_owned();
    let font = hub
        .http
        .get(format!("{}{hall_face}", hub.url))
        .send()
        .await
        .unwrap();
    assert_eq!(font.headers()["content-type"], "font/otf");
    assert!(
        font.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let size = font.bytes().await.unwrap().len();
    eprintln!("the hall's face: {size} bytes");
    assert!(size < 600_000, "cut to the hall's characters: {size} bytes");

    let mut browser = phone().await;
    browser
        .open(&format!("{}/t/{}", hub.url, ticket["id"].as_str().unwrap()))
        .await;
    let drawn = browser.eval(DRAWN).await;
    assert_eq!(drawn["check"], true, "{drawn}");
    assert_eq!(
        drawn["faces"],
        json!(["unloaded", "loaded"]),
        "only the hall's face is fetched"
    );
    assert_eq!(
        drawn["glyphs_differ"], true,
        "two strings drawn alike: boxes"
    );
    assert_eq!(drawn["differs_from_fallback"], true);
    assert_eq!(drawn["rare_from_whole_font"], true, "{drawn}");

    browser.open(&format!("{}/display", hub.url)).await;
    let family = browser
        .eval("document.fonts.ready.then(function () { return getComputedStyle(document.body).fontFamily; })")
        .await;
    assert!(
        family.as_str().unwrap().starts_with("\"Yimen Sans SC\""),
        "{family}"
    );
    let hall = &hub.hub.config().setup.name;
    let check = format!(
        "document.fonts.load('20px \"Yimen Sans SC\"', {0}).then(function () {{ return document.fonts.check('20px \"Yimen Sans SC\"', {0}); }})",
        json!(hall)
    );
    assert_eq!(browser.eval(&check).await, json!(true));
}

/// Draws Chinese in the page's font and in the browser's own fallback on
/// a canvas and compares the pixels; checks which faces were fetched, and
/// that a character beyond the hall's face comes from the whole font.
const DRAWN: &str = r#"document.fonts.ready.then(function () {
  var family = '40px "Yimen Sans SC"';
  function draw(font, text) {
    var canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 60;
    var ctx = canvas.getContext('2d');
    ctx.font = font;
    ctx.fillText(text, 0, 45);
    return Array.prototype.join.call(ctx.getImageData(0, 0, 320, 60).data, '');
  }
  // What the page's own text made the browser fetch, before this test
  // asks for more.
  var faces = [];
  document.fonts.forEach(function (f) { faces.push(f.status); });
  return document.fonts.load(family, '排队等候中请到窗口').then(function () {
    var result = {
      check: document.fonts.check('20px "Yimen Sans SC"', '排队等候中'),
      faces: faces,
      glyphs_differ: draw(family, '排队等候中') !== draw(family, '请到窗口办'),
      differs_from_fallback: draw(family, '排队等候中') !== draw('40px sans-serif', '排队等候中')
    };
    return document.fonts.load(family, '鑫').then(function (loaded) {
      result.rare_from_whole_font = loaded.length === 1 && loaded[0].status === 'loaded'
        && loaded[0].unicodeRange === 'U+0-10FFFF';
      return result;
    });
  });
})"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reads_its_ticket_again_after_a_lost_connection_and_when_the_phone_wakes() {
    let _one = one_at_a_time().await;
    let mut hub = TestHub::start().await;
    let token = hub.login("1001", Some(1)).await;
    for _ in 0..5 {
        hub.issue(json!({"queue": "A"})).await;
    }
    let mine = hub.issue(json!({"queue": "A"})).await;
    let mut browser = phone().await;
    browser
        .open(&format!("{}/t/{}", hub.url, mine["id"].as_str().unwrap()))
        .await;
    browser
        .until("five ahead", SLOW, &format!("{} === '5 人'", text("ahead")))
        .await;

    hub.stop().await;
    browser
        .until(
            "the page says it is offline",
            SLOW,
            "!document.getElementById('offline').hidden",
        )
        .await;
    let hub = hub.start_again().await;
    assert_eq!(call_next(&hub, &token, false).await, "A001");
    browser
        .until(
            "back online with the call it missed",
            SLOW,
            &format!(
                "{} === '4 人' && document.getElementById('offline').hidden",
                text("ahead")
            ),
        )
        .await;

    // The phone sleeps through a call; woken, it shows it, and reads the
    // ticket again whenever it is shown again.
    browser
        .call("Page.setWebLifecycleState", json!({"state": "frozen"}))
        .await;
    assert_eq!(call_next(&hub, &token, true).await, "A002");
    browser
        .call("Page.setWebLifecycleState", json!({"state": "active"}))
        .await;
    browser
        .until("woken", SLOW, &format!("{} === '3 人'", text("ahead")))
        .await;
    let loads = browser.eval("window.yimenTicket.loads").await;
    // Headless Chromium leaves a resumed page hidden: say it is shown, as
    // a phone's browser does when its screen comes back on.
    browser
        .eval(
            "Object.defineProperty(document, 'visibilityState', {configurable: true, get: function () { return 'visible'; }});
             document.dispatchEvent(new Event('visibilitychange'))",
        )
        .await;
    browser
        .until(
            "shown again, the page reads its ticket",
            SLOW,
            &format!("window.yimenTicket.loads > {loads}"),
        )
        .await;
}

/// The sample hall's folder copied, with `line` added under `[hall]`.
fn hall_with(line: &str) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&common::sample_dir(), dir.path());
    let hall = dir.path().join("hall.toml");
    let text = std::fs::read_to_string(&hall).unwrap();
    let text = text.replacen("[hall]\n", &format!("[hall]\n{line}\n"), 1);
    std::fs::write(&hall, text).unwrap();
    dir
}

#[tokio::test]
async fn the_printed_qr_opens_the_public_faces_page_when_the_hall_names_one() {
    let today = common::monday_morning().date_naive();
    let dir = hall_with(r#"public_url = "https://yimen.example.gov.cn/""#);
    let (config, _) = yimen::config::Config::load(dir.path(), today).unwrap();
    assert_eq!(
        config.public_url.as_deref(),
        Some("https://yimen.example.gov.cn")
    );
    let clock = std::sync::Arc::new(yimen::hub::clock::ManualClock::new(common::monday_morning()));
    let hub = TestHub::start_with(config, clock).await;
    let ticket = hub.issue(json!({"queue": "A"})).await;
    let id = ticket["id"].as_str().unwrap();
    let page = format!("https://yimen.example.gov.cn/t/{id}");
    assert_eq!(ticket["page_url"], page.as_str());
    let issued: yimen::api::IssuedTicket = serde_json::from_value(ticket.clone()).unwrap();
    assert_eq!(
        issued.qr("http://127.0.0.1:9463"),
        page,
        "what the kiosk prints"
    );

    let without = yimen::api::IssuedTicket {
        page_url: None,
        ..issued
    };
    assert_eq!(
        without.qr("http://127.0.0.1:9463"),
        format!("http://127.0.0.1:9463/api/v1/tickets/{id}"),
        "a hall without a public face keeps the QR it had"
    );

    let dir = hall_with(r#"public_url = "yimen.example.gov.cn""#);
    let err = yimen::config::Config::load(dir.path(), today).unwrap_err();
    assert!(
        err.errors.iter().any(|e| e.field == "hall.public_url"),
        "{:?}",
        err.errors
    );
}

#[tokio::test]
async fn a_stream_from_now_replays_nothing_and_misses_nothing() {
    let hub = TestHub::start().await;
    for _ in 0..3 {
        hub.issue(json!({"queue": "A"})).await;
    }
    let head = hub.last_seq();
    let url = format!(
        "{}/api/v1/events?since=0&from=now",
        hub.url.replace("http://", "ws://")
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (replayed, caught_up) = common::stream::replay(&mut socket).await;
    assert!(replayed.is_empty(), "{replayed:?}");
    assert_eq!(caught_up, head);
    let issued = hub.issue(json!({"queue": "A"})).await;
    let live = common::stream::next(&mut socket).await;
    assert_eq!(live["seq"], head + 1);
    assert_eq!(live["event"]["number"], issued["number"]);

    // From anywhere else is refused, plainly.
    let (status, body) = hub.get("/api/v1/events?from=then", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

/// Notes what each of the page's event streams asked for and received.
const STREAM_HOOKS: &str = r#"
  (function () {
    var Real = window.WebSocket;
    window.__streams = [];
    window.WebSocket = function (url) {
      var ws = new Real(url);
      var seen = {url: url, messages: []};
      window.__streams.push(seen);
      ws.addEventListener('message', function (m) {
        seen.messages.push(JSON.parse(m.data).type || 'event');
      });
      return ws;
    };
    window.WebSocket.prototype = Real.prototype;
  })();
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_page_opens_its_stream_from_now_and_reads_its_ticket_once() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let token = hub.login("1001", Some(1)).await;
    for _ in 0..29 {
        hub.issue(json!({"queue": "A"})).await;
    }
    let mine = hub.issue(json!({"queue": "A"})).await;
    let mut browser = phone().await;
    browser.before_each_page(STREAM_HOOKS).await;
    browser
        .open(&format!("{}/t/{}", hub.url, mine["id"].as_str().unwrap()))
        .await;
    browser
        .until(
            "the page shows the ticket",
            SLOW,
            &format!("{} === '29 人'", text("ahead")),
        )
        .await;
    let streams = browser.eval("window.__streams").await;
    assert_eq!(streams.as_array().unwrap().len(), 1, "{streams}");
    assert!(
        streams[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/api/v1/events?from=now"),
        "{streams}"
    );
    assert_eq!(
        streams[0]["messages"],
        json!(["caught_up"]),
        "nothing of the day replayed"
    );
    assert_eq!(browser.eval("window.yimenTicket.loads").await, json!(1));

    assert_eq!(call_next(&hub, &token, false).await, "A001");
    browser
        .until(
            "the page follows a call",
            CALL_BUDGET,
            &format!("{} === '28 人'", text("ahead")),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_documents_qr_opens_the_case_page_with_its_number_filled_in() {
    let _one = one_at_a_time().await;
    let today = common::monday_morning().date_naive();
    let dir = hall_with(r#"public_url = "https://yimen.example.gov.cn/""#);
    let (config, _) = yimen::config::Config::load(dir.path(), today).unwrap();
    let clock = std::sync::Arc::new(yimen::hub::clock::ManualClock::new(common::monday_morning()));
    let hub = TestHub::start_with(config, clock).await;
    let clerk = hub.login("1001", Some(1)).await;
    let number = open_case(&hub, &clerk, "SCJG-001").await;
    let (status, doc) = hub
        .get(
            &format!("/api/v1/cases/{number}/documents/receipt?format=json"),
            Some(&clerk),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let page = format!("https://yimen.example.gov.cn/c?case={number}");
    assert_eq!(doc["page_url"], page.as_str());
    let doc: yimen::documents::CaseDocument = serde_json::from_value(doc).unwrap();
    let slip = yimen::documents::slip(&doc, yimen::devices::printer::PaperWidth::Mm80).unwrap();
    let printed = common::escpos::decode(&slip).unwrap();
    assert_eq!(common::escpos::qr_payloads(&printed), [page.as_str()]);

    // What the phone opens, reached at this hub's address.
    let path = page.strip_prefix("https://yimen.example.gov.cn").unwrap();
    let mut browser = phone().await;
    browser.open(&format!("{}{path}", hub.url)).await;
    assert_eq!(
        browser
            .eval("document.getElementById('case-number').value")
            .await,
        json!(number)
    );
    assert_eq!(
        look_up(&mut browser, &number, "5678").await,
        "已受理，等待部门审查"
    );
    hub.assert_contract_kept();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phones_benchmark_runs_small_and_every_phone_gets_every_call() {
    let _one = one_at_a_time().await;
    let plan = yimen::bench::phones::PhonesPlan {
        phones: 50,
        calls: 3,
        sample: 1,
        pause: Duration::from_millis(100),
        chromium: Some(PathBuf::from("chromium")),
        ..Default::default()
    };
    let clock = std::sync::Arc::new(yimen::hub::clock::ManualClock::new(common::monday_morning()));
    let report = yimen::bench::phones::run(common::sample_config(), &plan, clock)
        .await
        .unwrap();
    eprint!("{report}");
    assert_eq!(report.calls, 4, "three, then the sample's one");
    assert_eq!((report.deliveries, report.missed), (50 * 4, 0));
    // On a loaded machine the thread noting commits may wake after a phone
    // has the call: a time of 0, never a negative one.
    assert!(report.p50_ms <= report.p99_ms && report.p99_ms <= report.max_ms);
    assert!(report.max_ms < 10_000.0);
    assert_eq!(report.called_read, 4, "each called phone read its call");
    assert!(report.called_p50_ms <= report.called_p99_ms && report.called_p99_ms < 10_000.0);
    // Each phone read its ticket once on opening, and again after calls.
    assert!(report.reads > 50 + 4, "{}", report.reads);
    let pages = report.pages.expect("the sample ran");
    assert_eq!((pages.pages, pages.updates, pages.missed), (1, 1, 0));
    assert!(pages.max_ms < 10_000.0, "{pages:?}");
}
