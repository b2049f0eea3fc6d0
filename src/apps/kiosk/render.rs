//! Shows the model: sets every property of the kiosk's adapter. Numbers and
//! names go to the window, which puts them in words.

use std::rc::Rc;

use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

use super::check_in::{CheckInBy, CheckInForm, CheckInProblem};
use super::model::{KioskModel, Screen};
use crate::api::{CheckInOutcome as Outcome, Guide, ItemKind, QueueKind};
use crate::apps::catalogue::Known;
use crate::apps::speak;
use crate::apps::words::{Say, int, moment};
use crate::domain::ids::Timestamp;
use crate::ui::{
    CheckInFault, CheckInOutcome, CheckInView, DepartmentTile, GuideRow, GuideView, KioskAdapter,
    KioskScreen, KioskWindow, MaterialRow, PrinterProblem, QueueChoice, TicketView,
};

/// What the kiosk shows beside its model.
pub struct Frame<'a> {
    pub now: Timestamp,
    /// Seconds left on the ticket screen.
    pub countdown: u32,
    /// Where the QR code on a ticket points, before the ticket's own path.
    pub qr_base: &'a str,
}

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

fn strings(items: &[String]) -> ModelRc<SharedString> {
    model(items.iter().map(SharedString::from).collect())
}

pub fn show(window: &KioskWindow, m: &KioskModel, frame: &Frame<'_>) {
    let a = window.global::<KioskAdapter>();
    show_frame(&a, m, frame.now);
    show_home(&a, m);
    let screen = show_screen(&a, m, frame);
    a.set_screen(screen);
}

/// The header, the language and what the kiosk knows of the hub.
fn show_frame(a: &KioskAdapter<'_>, m: &KioskModel, now: Timestamp) {
    a.set_hall_name(m.hall_name().into());
    if let Some(zone) = m.zone() {
        a.set_now(moment(now, zone));
    }
    a.set_clock_shown(m.zone().is_some());
    a.set_elder(m.elder);
    if a.get_english() != m.english {
        speak(m.english);
    }
    a.set_english(m.english);
    a.set_offline(m.offline);
    a.set_busy(m.busy);
}

/// The queues to take a number from and the departments' tiles.
fn show_home(a: &KioskAdapter<'_>, m: &KioskModel) {
    a.set_queues(model(
        m.queues
            .iter()
            .filter(|q| q.kind == QueueKind::Service)
            .map(|q| QueueChoice {
                prefix: q.prefix.as_str().into(),
                name: q.name.as_str().into(),
                waiting: int(q.waiting),
                minutes: int(q.estimated_wait_minutes),
                available: q.remaining_today > 0,
            })
            .collect(),
    ));
    a.set_pickup_available(m.queues.iter().any(|q| q.kind == QueueKind::Pickup));
    a.set_check_in_available(m.bookable == Some(true));
    let Some(known) = m.known.as_deref() else {
        return a.set_departments(model(Vec::new()));
    };
    let catalogue = &known.catalogue;
    let count = |code: &str| {
        catalogue
            .services
            .iter()
            .filter(|g| g.department == code)
            .count()
    };
    a.set_departments(model(
        catalogue
            .departments
            .iter()
            .map(|d| DepartmentTile {
                code: d.code.as_str().into(),
                name: d.short_name.as_str().into(),
                count: int(count(&d.code)),
            })
            .collect(),
    ));
}

/// The screen's own properties; which screen it is.
fn show_screen(a: &KioskAdapter<'_>, m: &KioskModel, frame: &Frame<'_>) -> KioskScreen {
    let known = m.known.as_deref();
    let row = |g: &Guide| guide_row(g, known);
    match &m.screen {
        Screen::Home => KioskScreen::Home,
        Screen::Department(code) => {
            let department =
                known.and_then(|k| k.catalogue.departments.iter().find(|d| &d.code == code));
            let name = department.map_or(code.as_str(), |d| d.name.as_str());
            a.set_list_title(name.into());
            a.set_list(model(
                m.department_guides(code).into_iter().map(row).collect(),
            ));
            KioskScreen::Department
        }
        Screen::Search => {
            a.set_query(m.query.as_str().into());
            a.set_results(model(m.results().into_iter().map(row).collect()));
            KioskScreen::Search
        }
        Screen::Guide(_) => {
            if let (Some(g), Some(known)) = (m.current_guide(), known) {
                a.set_guide(guide_view(g, known));
            }
            KioskScreen::Guide
        }
        Screen::Ticket => {
            show_ticket(a, m, frame);
            KioskScreen::Ticket
        }
        Screen::Pickup => {
            a.set_case_number(m.case_number.as_str().into());
            a.set_case_number_complete(m.complete_case_number().is_some());
            KioskScreen::Pickup
        }
        Screen::CheckIn => {
            a.set_check_in(check_in_view(&m.check_in, m.english));
            KioskScreen::CheckIn
        }
        Screen::Fault => {
            a.set_fault(m.fault.as_ref().unwrap_or(&Say::Nothing).said());
            KioskScreen::Fault
        }
    }
}

fn show_ticket(a: &KioskAdapter<'_>, m: &KioskModel, frame: &Frame<'_>) {
    a.set_countdown(int(frame.countdown));
    let Some(shown) = &m.ticket else {
        return;
    };
    let t = &shown.ticket;
    let zone = m.zone().unwrap_or(chrono_tz::UTC);
    a.set_ticket(TicketView {
        number: t.number.as_str().into(),
        service: t.service_name.as_deref().unwrap_or(&t.queue_name).into(),
        queue: format!("{} {}", t.queue, t.queue_name).into(),
        ahead: int(t.ahead),
        minutes: int(t.estimated_wait_minutes),
        time: t
            .issued_at
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
            .into(),
        problem: shown.problem.unwrap_or(PrinterProblem::None),
        check_in: shown
            .check_in
            .as_ref()
            .map_or(CheckInOutcome::None, |c| match c.outcome {
                Outcome::CheckedIn => CheckInOutcome::CheckedIn,
                Outcome::WalkIn => CheckInOutcome::WalkIn,
            }),
        booked: shown
            .check_in
            .as_ref()
            .map_or("", |c| c.start.as_str())
            .into(),
        until: shown
            .check_in
            .as_ref()
            .map_or("", |c| c.until.as_str())
            .into(),
    });
    a.set_ticket_qr(qr_image(&t.qr(frame.qr_base)));
}

/// The check-in screen; the hub's own words for a closed booking in
/// Chinese (they say which: checked in, cancelled, too late), in English
/// the window's words for the refusal.
fn check_in_view(form: &CheckInForm, english: bool) -> CheckInView {
    let (fault, time, words, other) = match &form.problem {
        None => (CheckInFault::None, "", "", &Say::Nothing),
        Some(CheckInProblem::Unknown) => (CheckInFault::Unknown, "", "", &Say::Nothing),
        Some(CheckInProblem::TooEarly(time)) => {
            (CheckInFault::TooEarly, time.as_str(), "", &Say::Nothing)
        }
        Some(CheckInProblem::Closed(words)) => {
            let words = if english { "" } else { words.as_str() };
            (CheckInFault::Closed, "", words, &Say::Nothing)
        }
        Some(CheckInProblem::BadIdNumber) => (CheckInFault::BadIdNumber, "", "", &Say::Nothing),
        Some(CheckInProblem::Other(say)) => (CheckInFault::Other, "", "", say),
    };
    CheckInView {
        by_id_number: form.by == CheckInBy::IdNumber,
        typed: form.typed().into(),
        complete: form.complete(),
        fault,
        time: time.into(),
        words: words.into(),
        other: other.said(),
    }
}

fn guide_row(g: &Guide, known: Option<&Known>) -> GuideRow {
    let department = known.map_or_else(
        || g.department.clone(),
        |k| k.department_name(&g.department),
    );
    GuideRow {
        code: g.code.as_str().into(),
        name: g.name.as_str().into(),
        immediate: g.kind == ItemKind::Immediate,
        promised_days: int(g.promised_days),
        department: department.into(),
    }
}

fn guide_view(g: &Guide, known: &Known) -> GuideView {
    GuideView {
        code: g.code.as_str().into(),
        name: g.name.as_str().into(),
        department: known.department_name(&g.department).into(),
        immediate: g.kind == ItemKind::Immediate,
        promised_days: int(g.promised_days),
        statutory_days: int(g.statutory_days),
        visits: int(g.visits),
        online_depth: i32::from(g.online_depth),
        conditions: strings(&g.conditions),
        materials: model(
            g.materials
                .iter()
                .map(|mat| MaterialRow {
                    name: mat.name.as_str().into(),
                    originals: int(mat.originals),
                    copies: int(mat.copies),
                    required: mat.required,
                    notes: mat.notes.as_deref().unwrap_or_default().into(),
                })
                .collect(),
        ),
        steps: strings(&g.steps),
        fees: g.fees.as_str().into(),
        place: g.place.as_str().into(),
        hours: g.hours.as_str().into(),
        phone: g.phone.as_str().into(),
        legal: strings(&g.legal_basis),
        notes: g.notes.as_deref().unwrap_or_default().into(),
    }
}

/// The QR code of a URL as a black-on-white image, four modules of quiet zone.
pub fn qr_image(url: &str) -> Image {
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let white = Rgb8Pixel {
        r: 255,
        g: 255,
        b: 255,
    };
    let black = Rgb8Pixel { r: 0, g: 0, b: 0 };
    for (i, pixel) in buffer.make_mut_slice().iter_mut().enumerate() {
        let (x, y) = ((i % side) / SCALE, (i / side) / SCALE);
        let dark = x >= QUIET
            && y >= QUIET
            && x < QUIET + modules
            && y < QUIET + modules
            && colors[(y - QUIET) * modules + (x - QUIET)] == qrcode::Color::Dark;
        *pixel = if dark { black } else { white };
    }
    Image::from_rgb8(buffer)
}
