//! Booking a time at the hall (预约取号) on a phone, in a real headless
//! Chromium at a phone's size (390 × 844) against a real hub on an injected
//! clock, tapped and typed as a citizen would: a booking made on the page
//! takes a place the hub counts and checks in at the kiosk as an
//! appointment ticket; a wrong ID check digit is refused on the page before
//! the hub is asked; a full slot cannot be chosen, and a slot taken while
//! the form was filled sends the citizen back to choose again in the hub's
//! words; a booking is cancelled with its code and the ID's last four, and
//! wrong digits are refused; the QR on the page reads as the booking code;
//! Chinese is drawn from the hub's font; axe-core finds no serious or
//! critical violation on any step, in normal or large text.
//!
//! With `YIMEN_SCREENSHOTS=docs/screenshots` the steps are photographed as
//! `phone-book-*.png` and `phone-cancel-*.png`, each in normal and large text.

mod common;

use std::path::PathBuf;

use common::browser::{Browser, SLOW, one_at_a_time};
use common::{KIOSK, TestHub, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

const WIDTH: u32 = 390;
const HEIGHT: u32 = 844;
/// A service of queue A (企业开办), which takes bookings in the sample hall.
const SERVICE: &str = "ZWFW-003";
/// The day after the test hub's Monday morning.
const TUESDAY: &str = "2026-03-03";

/// Records what the page asks of the hub, so that a test can tell a
/// refusal made on the page from one made by the hub.
const RECORD_REQUESTS: &str = r#"
  window.__asked = [];
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    window.__asked.push(method + ' ' + url);
    return open.apply(this, arguments);
  };
"#;

async fn phone() -> Browser {
    let mut browser = Browser::phone(WIDTH, HEIGHT).await;
    browser.before_each_page(RECORD_REQUESTS).await;
    browser
}

/// Where screenshots go, if anywhere.
fn screenshots() -> Option<PathBuf> {
    std::env::var_os("YIMEN_SCREENSHOTS").map(PathBuf::from)
}

/// Every button, link and field the citizen can see that is smaller than
/// 60 × 60 CSS pixels.
const SMALL_TARGETS: &str = "Array.prototype.filter.call(
    document.querySelectorAll('button, a, input, textarea'),
    function (e) { var r = e.getBoundingClientRect(); return r.width > 0 && (r.width < 60 || r.height < 60); })
  .map(function (e) { return e.id || e.className || e.textContent; })";

/// Audits the page as it stands in normal and large text: body text size,
/// touch targets, axe-core; when asked, photographs it in both as
/// `phone-{name}.png` and `phone-{name}-large.png`, scrolled to what
/// `shown` finds. Leaves normal text on.
async fn audit(browser: &mut Browser, name: &str, shown: &str) {
    for large in [false, true] {
        let on = browser
            .eval("document.documentElement.classList.contains('large')")
            .await;
        if on != json!(large) {
            tap(browser, "#large-text").await;
        }
        let size = browser
            .eval("getComputedStyle(document.body).fontSize")
            .await;
        assert_eq!(size, json!(if large { "26px" } else { "20px" }), "{name}");
        assert_eq!(browser.eval(SMALL_TARGETS).await, json!([]), "{name}");
        let violations = browser.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{name}, large text {large}: {violations:#?}"
        );
        if let Some(dir) = screenshots() {
            browser
                .eval(&format!(
                    "document.querySelector({}).scrollIntoView({{block: 'start'}})",
                    json!(shown)
                ))
                .await;
            let suffix = if large { "-large" } else { "" };
            browser
                .screenshot(&dir.join(format!("phone-{name}{suffix}.png")))
                .await;
        }
    }
    tap(browser, "#large-text").await;
}

/// Taps the element `selector` finds at its centre, as a finger would:
/// whatever is on top there gets the tap.
async fn tap(browser: &mut Browser, selector: &str) {
    let found = browser
        .eval(&format!(
            "(function () {{
               var e = document.querySelector({0});
               if (!e) return null;
               e.scrollIntoView({{block: 'center'}});
               var r = e.getBoundingClientRect();
               return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
             }})()",
            json!(selector)
        ))
        .await;
    assert!(!found.is_null(), "nothing to tap at {selector}");
    for kind in ["mousePressed", "mouseReleased"] {
        browser
            .call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": found["x"], "y": found["y"], "button": "left", "clickCount": 1}),
            )
            .await;
    }
}

/// Taps the field `selector` and types `text` into it, after what it holds.
async fn type_into(browser: &mut Browser, selector: &str, text: &str) {
    tap(browser, selector).await;
    browser
        .eval(&format!(
            "document.querySelector({}).value = ''",
            json!(selector)
        ))
        .await;
    browser
        .call("Input.insertText", json!({"text": text}))
        .await;
}

async fn step(browser: &mut Browser) -> Value {
    browser.eval("window.yimenBook.step").await
}

async fn text(browser: &mut Browser, selector: &str) -> String {
    let value = browser
        .eval(&format!(
            "document.querySelector({}).textContent",
            json!(selector)
        ))
        .await;
    value.as_str().unwrap().to_owned()
}

/// The free places of `service`'s slot on `date` at `start`, as the hub
/// counts them.
async fn free(hub: &TestHub, service: &str, date: &str, start: &str) -> u64 {
    let (status, slots) = hub
        .get(
            &format!("/api/v1/appointments/slots?service={service}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{slots}");
    let day = slots["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("{date} is bookable: {slots}"));
    let slot = day["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .unwrap_or_else(|| panic!("{start} on {date}: {day}"));
    slot["free"].as_u64().unwrap()
}

/// Books through the API, as another citizen's phone would.
async fn book(hub: &TestHub, date: &str, start: &str, id: &str) -> (StatusCode, Value) {
    hub.post(
        "/api/v1/appointments",
        None,
        json!({"service": SERVICE, "date": date, "start": start, "name": "李四",
               "id_number": id, "phone": "13900139000"}),
    )
    .await
}

/// Opens the booking page and walks it to the slots of `SERVICE`.
async fn to_the_slots(browser: &mut Browser, hub: &TestHub) {
    browser.open(&format!("{}/b", hub.url)).await;
    let service = format!("[data-service=\"{SERVICE}\"]");
    browser
        .until(
            "the bookable services",
            SLOW,
            &format!("!!document.querySelector({})", json!(service)),
        )
        .await;
    tap(browser, &service).await;
    assert_eq!(step(browser).await, "guide");
    tap(browser, "#to-slots").await;
    browser
        .until(
            "the slots",
            SLOW,
            "window.yimenBook.step === 'slot' && window.yimenBook.slotLoads > 0",
        )
        .await;
}

/// Taps `date` and then its slot at `start`.
async fn choose(browser: &mut Browser, date: &str, start: &str) {
    tap(browser, &format!("#days [data-date=\"{date}\"]")).await;
    tap(browser, &format!("#slots [data-start=\"{start}\"]")).await;
}

/// Fills the form and confirms.
async fn apply(browser: &mut Browser, name: &str, id: &str, phone: &str) {
    type_into(browser, "#name", name).await;
    type_into(browser, "#id-number", id).await;
    type_into(browser, "#phone", phone).await;
    tap(browser, "#confirm").await;
}

/// `id` with its check digit changed.
fn wrong_check_digit(id: &str) -> String {
    let last = if id.ends_with('1') { '2' } else { '1' };
    format!("{}{last}", &id[..17])
}

/// The bookings the page asked the hub to make.
async fn bookings_asked(browser: &mut Browser) -> usize {
    let asked = browser.eval("window.__asked").await;
    asked
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| *a == "POST /api/v1/appointments")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_made_on_the_phone_is_counted_and_checks_in_at_the_kiosk() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let before = free(&hub, SERVICE, TUESDAY, "09:00").await;
    let mut browser = phone().await;
    browser.open(&format!("{}/b", hub.url)).await;
    browser
        .until(
            "the bookable services",
            SLOW,
            "document.querySelectorAll('#service-list button').length > 0",
        )
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('search-field').hidden")
            .await,
        json!(false),
        "many services: a search box"
    );
    audit(&mut browser, "book-service", "body").await;
    let all = browser
        .eval("document.querySelectorAll('#service-list button').length")
        .await;
    type_into(&mut browser, "#service-search", "信息变更").await;
    browser
        .until(
            "the search narrows the list",
            SLOW,
            &format!(
                "document.querySelectorAll('#service-list button').length < {all} && !!document.querySelector('[data-service=\"{SERVICE}\"]')"
            ),
        )
        .await;

    // The guide, told at once: every material with what to bring of it.
    tap(&mut browser, &format!("[data-service=\"{SERVICE}\"]")).await;
    let guide = hub.guide(SERVICE).await;
    assert_eq!(text(&mut browser, "#guide-name").await, guide["name"]);
    let materials = browser
        .eval("Array.prototype.map.call(document.querySelectorAll('#guide-materials .material-name'), function (e) { return e.textContent; })")
        .await;
    let expected: Vec<&Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["name"])
        .collect();
    assert_eq!(
        materials.as_array().unwrap().iter().collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        text(&mut browser, "#guide-fees").await,
        format!("收费：{}", guide["fees"].as_str().unwrap())
    );
    audit(&mut browser, "book-guide", "body").await;

    tap(&mut browser, "#to-slots").await;
    browser
        .until("the slots", SLOW, "window.yimenBook.slotLoads > 0")
        .await;
    tap(&mut browser, &format!("#days [data-date=\"{TUESDAY}\"]")).await;
    tap(&mut browser, "#slots [data-start=\"09:00\"]").await;
    assert_eq!(step(&mut browser).await, "form");
    assert_eq!(text(&mut browser, "#form-date").await, "3月3日 星期二");
    assert_eq!(text(&mut browser, "#form-time").await, "09:00–09:30");

    let id = id_number("19900307", 1);
    booked_on_the_page(&hub, &mut browser, &id).await;
    let code = text(&mut browser, "#code").await;
    assert_eq!(free(&hub, SERVICE, TUESDAY, "09:00").await, before - 1);
    the_qr_reads_as(&mut browser, &code).await;
    audit(&mut browser, "book-done", "body").await;

    checked_in_at_the_kiosk(&hub, &code).await;
    hub.assert_contract_kept();
}

/// A wrong check digit is told on the page and never sent; the right one
/// books, and the page shows the code, the check-in window, what to bring
/// and until when it may be cancelled.
async fn booked_on_the_page(hub: &TestHub, browser: &mut Browser, id: &str) {
    type_into(browser, "#name", "张三").await;
    type_into(browser, "#id-number", &wrong_check_digit(id)).await;
    type_into(browser, "#phone", "13800138000").await;
    assert_eq!(
        text(browser, "#id-error").await,
        "身份证号码校验位不正确，请核对",
        "told when the field is left"
    );
    tap(browser, "#confirm").await;
    assert_eq!(step(browser).await, "form");
    assert_eq!(
        text(browser, "#id-error").await,
        "身份证号码校验位不正确，请核对"
    );
    assert_eq!(
        browser
            .eval(
                "[document.activeElement.id, document.activeElement.getAttribute('aria-invalid')]"
            )
            .await,
        json!(["id-number", "true"]),
        "the field to correct, focused and marked"
    );
    assert_eq!(bookings_asked(browser).await, 0, "the page did not ask");
    let (status, refused) = book(hub, TUESDAY, "09:00", &wrong_check_digit(id)).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_id_number")),
        "nor would the hub take it"
    );
    assert_eq!(
        refused["error"]["message"], "身份证号码校验位不正确，请核对",
        "the page says what the hub would"
    );
    audit(browser, "book-form", "body").await;

    type_into(browser, "#id-number", id).await;
    tap(browser, "#confirm").await;
    browser
        .until("booked", SLOW, "window.yimenBook.step === 'done'")
        .await;
    let booking = browser.eval("window.yimenBook.booking").await;
    let code = booking["code"].as_str().unwrap();
    assert!(
        code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()),
        "{booking}"
    );
    assert_eq!(text(browser, "#code").await, code);
    assert_eq!(text(browser, "#done-name").await, "张*");
    assert_eq!(text(browser, "#done-time").await, "09:00–09:30");
    assert_eq!(
        text(browser, "#checkin").await,
        format!(
            "请于 {}–{} 到大厅自助机「预约签到」",
            booking["checkin_from"].as_str().unwrap(),
            booking["checkin_until"].as_str().unwrap()
        )
    );
    let until = booking["cancel_until"].as_str().unwrap();
    assert!(
        text(browser, "#cancel-until")
            .await
            .contains(&format!("3月3日 星期二 {} 前", &until[11..16])),
        "{until}"
    );
    let guide = hub.guide(SERVICE).await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#done-materials li').length")
            .await,
        json!(guide["materials"].as_array().unwrap().len())
    );
}

/// Draws the page's QR on a canvas at 8 pixels a module and reads it back.
async fn the_qr_reads_as(browser: &mut Browser, code: &str) {
    let pixels = browser
        .eval(
            "new Promise(function (done) {
               var img = document.getElementById('qr');
               function draw() {
                 var side = 29 * 8;
                 var canvas = document.createElement('canvas');
                 canvas.width = side; canvas.height = side;
                 var ctx = canvas.getContext('2d');
                 ctx.drawImage(img, 0, 0, side, side);
                 var data = ctx.getImageData(0, 0, side, side).data;
                 var grey = [];
                 for (var i = 0; i < data.length; i += 4) grey.push(data[i]);
                 done({side: side, grey: grey});
               }
               if (img.complete && img.naturalWidth) draw(); else img.onload = draw;
             })",
        )
        .await;
    let side = usize::try_from(pixels["side"].as_u64().unwrap()).unwrap();
    let grey: Vec<u8> = pixels["grey"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| u8::try_from(v.as_u64().unwrap()).unwrap())
        .collect();
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| grey[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, code);
}

/// The booking checked in at the kiosk within its window: an appointment
/// ticket.
async fn checked_in_at_the_kiosk(hub: &TestHub, code: &str) {
    // Tuesday 08:30 in Beijing: inside 08:00–09:15.
    hub.clock.set("2026-03-03T00:30:00Z".parse().unwrap());
    let (status, checked) = hub
        .post(
            "/api/v1/appointments/check-in",
            Some(KIOSK),
            json!({"code": code}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{checked}");
    assert_eq!(checked["outcome"], "checked_in");
    assert_eq!(checked["ticket"]["appointment_at"], "09:00");
    assert_eq!(checked["booking"]["code"], code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_slot_cannot_be_chosen_and_one_taken_meanwhile_is_chosen_again() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let capacity = free(&hub, SERVICE, TUESDAY, "09:30").await;
    assert!(capacity > 0);
    for serial in 0..capacity {
        let id = id_number("19800101", u32::try_from(serial).unwrap() + 100);
        let (status, body) = book(&hub, TUESDAY, "09:30", &id).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let mut browser = phone().await;
    to_the_slots(&mut browser, &hub).await;
    tap(&mut browser, &format!("#days [data-date=\"{TUESDAY}\"]")).await;
    let full = "#slots [data-start=\"09:30\"]";
    assert_eq!(
        text(&mut browser, full).await,
        "09:30–10:00已约满",
        "full, in words"
    );
    assert_eq!(
        browser
            .eval(&format!("document.querySelector({}).disabled", json!(full)))
            .await,
        json!(true)
    );
    tap(&mut browser, full).await;
    assert_eq!(
        step(&mut browser).await,
        "slot",
        "a full slot is not chosen"
    );
    audit(&mut browser, "book-slot", "#days-title").await;

    // The last place of 10:00 goes to someone else while this citizen types.
    tap(&mut browser, "#slots [data-start=\"10:00\"]").await;
    assert_eq!(step(&mut browser).await, "form");
    let left = free(&hub, SERVICE, TUESDAY, "10:00").await;
    for serial in 0..left {
        let id = id_number("19800101", u32::try_from(serial).unwrap() + 200);
        book(&hub, TUESDAY, "10:00", &id).await;
    }
    apply(
        &mut browser,
        "王五",
        &id_number("19750505", 7),
        "13700137000",
    )
    .await;
    browser
        .until(
            "back to the slots",
            SLOW,
            "window.yimenBook.step === 'slot' && window.yimenBook.slotLoads > 1",
        )
        .await;
    let (_, refused) = book(&hub, TUESDAY, "10:00", &id_number("19750505", 8)).await;
    assert_eq!(refused["error"]["code"], "slot_full");
    assert_eq!(
        text(&mut browser, "#slot-error").await,
        refused["error"]["message"].as_str().unwrap()
    );
    assert!(
        text(&mut browser, "#slots [data-start=\"10:00\"]")
            .await
            .contains("已约满")
    );

    // The same ID may not hold two bookings of one service on one day.
    let id = id_number("19750505", 7);
    choose(&mut browser, TUESDAY, "11:00").await;
    apply(&mut browser, "王五", &id, "13700137000").await;
    browser
        .until("booked", SLOW, "window.yimenBook.step === 'done'")
        .await;
    to_the_slots(&mut browser, &hub).await;
    choose(&mut browser, TUESDAY, "10:30").await;
    apply(&mut browser, "王五", &id, "13700137000").await;
    browser
        .until(
            "refused",
            SLOW,
            "document.getElementById('form-error').textContent !== ''",
        )
        .await;
    let (_, again) = book(&hub, TUESDAY, "10:30", &id).await;
    assert_eq!(again["error"]["code"], "already_booked");
    assert_eq!(
        text(&mut browser, "#form-error").await,
        again["error"]["message"].as_str().unwrap()
    );
    hub.assert_contract_kept();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_is_cancelled_with_its_code_and_the_ids_last_four() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let id = id_number("19900307", 1);
    let (status, booking) = book(&hub, TUESDAY, "14:00", &id).await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let code = booking["code"].as_str().unwrap();
    let taken = free(&hub, SERVICE, TUESDAY, "14:00").await;

    let mut browser = phone().await;
    browser
        .open(&format!("{}/b/cancel?code={code}", hub.url))
        .await;
    assert_eq!(
        browser.eval("document.getElementById('code').value").await,
        json!(code),
        "the booking page's link brings the code"
    );
    audit(&mut browser, "cancel", "body").await;

    let wrong = if id.ends_with("0000") { "1111" } else { "0000" };
    type_into(&mut browser, "#id-last4", wrong).await;
    tap(&mut browser, "#cancel-button").await;
    browser
        .until(
            "refused",
            SLOW,
            "document.getElementById('cancel-error').textContent !== ''",
        )
        .await;
    let (status, refused) = hub
        .post(
            "/api/v1/appointments/cancel",
            None,
            json!({"code": code, "id_last4": wrong}),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_booking"))
    );
    assert_eq!(
        text(&mut browser, "#cancel-error").await,
        refused["error"]["message"].as_str().unwrap()
    );
    assert_eq!(
        free(&hub, SERVICE, TUESDAY, "14:00").await,
        taken,
        "still booked"
    );

    type_into(&mut browser, "#id-last4", &id[14..]).await;
    tap(&mut browser, "#cancel-button").await;
    browser
        .until(
            "cancelled",
            SLOW,
            "!document.getElementById('cancelled').hidden",
        )
        .await;
    assert_eq!(
        browser.eval("window.yimenCancel.cancelled.state").await,
        json!("cancelled")
    );
    assert_eq!(text(&mut browser, "#cancelled-date").await, "3月3日 星期二");
    assert_eq!(free(&hub, SERVICE, TUESDAY, "14:00").await, taken + 1);
    audit(&mut browser, "cancel-done", "body").await;
    hub.assert_contract_kept();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_booking_pages_chinese_is_drawn_from_the_hubs_font() {
    let _one = one_at_a_time().await;
    let hub = TestHub::start().await;
    let mut browser = phone().await;
    for page in ["/b", "/b/cancel"] {
        browser.open(&format!("{}{page}", hub.url)).await;
        if page == "/b" {
            browser
                .until(
                    "the services",
                    SLOW,
                    "document.querySelectorAll('#service-list button').length > 0",
                )
                .await;
        }
        let drawn = browser.eval(DRAWN).await;
        assert_eq!(
            drawn["faces"],
            json!(["unloaded", "loaded"]),
            "{page}: every character in the hall's face"
        );
        assert_eq!(drawn["glyphs_differ"], true, "{page}: drawn alike: boxes");
        assert_eq!(drawn["differs_from_fallback"], true, "{page}");
    }
}

/// Which of the two faces the page's own text made the browser fetch, and
/// whether its title drawn in the hall's font differs from another string
/// and from the browser's fallback (which, with no CJK font, draws boxes).
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
  var faces = [];
  document.fonts.forEach(function (f) { faces.push(f.status); });
  var title = document.querySelector('h1').textContent;
  return {
    faces: faces,
    glyphs_differ: draw(family, title) !== draw(family, '身份证号码'),
    differs_from_fallback: draw(family, title) !== draw('40px sans-serif', title)
  };
})"#;
