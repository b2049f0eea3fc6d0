//! Shows the model: sets every property of the kiosk's adapter.

use std::rc::Rc;

use chrono_tz::Tz;
use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

use super::model::{KioskModel, Screen};
use super::texts::Lang;
use crate::api::Guide;
use crate::config::kiosk::KioskSettings;
use crate::ui::{
    DepartmentTile, GuideRow, GuideView, KioskAdapter, KioskScreen, KioskWindow, MaterialRow,
    QueueChoice, TicketView,
};

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

fn strings(items: &[String]) -> ModelRc<SharedString> {
    model(items.iter().map(SharedString::from).collect())
}

pub fn show(
    window: &KioskWindow,
    m: &KioskModel,
    lang: Lang,
    zone: Tz,
    settings: &KioskSettings,
    countdown: u32,
) {
    let a = window.global::<KioskAdapter>();
    let known = m.known.as_deref();
    let department_name = |code: &str| {
        known
            .and_then(|k| k.catalogue.departments.iter().find(|d| d.code == code))
            .map_or_else(|| code.to_owned(), |d| d.short_name.clone())
    };
    let row = |g: &Guide| GuideRow {
        code: g.code.as_str().into(),
        name: g.name.as_str().into(),
        detail: lang.guide_row(g, &department_name(&g.department)).into(),
    };

    a.set_hall_name(
        known
            .map(|k| k.catalogue.hall.as_str())
            .unwrap_or("政务服务中心")
            .into(),
    );
    a.set_clock(lang.clock(chrono::Utc::now(), zone).into());
    a.set_elder(m.elder);
    if a.get_english() != m.english {
        // Chinese is the source language: no bundle selected means Chinese.
        let language = if m.english { "en" } else { "" };
        if let Err(e) = slint::select_bundled_translation(language) {
            tracing::warn!(error = %e, language, "cannot switch the language");
        }
    }
    a.set_english(m.english);
    a.set_offline(m.offline);
    a.set_busy(m.busy);
    a.set_queues(model(
        m.queues
            .iter()
            .filter(|q| q.kind == crate::api::QueueKind::Service)
            .map(|q| QueueChoice {
                prefix: q.prefix.as_str().into(),
                name: q.name.as_str().into(),
                status: lang.queue_status(q).into(),
                available: q.remaining_today > 0,
            })
            .collect(),
    ));
    a.set_pickup_available(
        m.queues
            .iter()
            .any(|q| q.kind == crate::api::QueueKind::Pickup),
    );
    a.set_departments(model(
        known
            .map(|k| {
                k.catalogue
                    .departments
                    .iter()
                    .map(|d| DepartmentTile {
                        code: d.code.as_str().into(),
                        name: d.short_name.as_str().into(),
                        count: lang
                            .count(
                                k.catalogue
                                    .services
                                    .iter()
                                    .filter(|g| g.department == d.code)
                                    .count(),
                            )
                            .into(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    ));

    let screen = match &m.screen {
        Screen::Home => KioskScreen::Home,
        Screen::Department(code) => {
            let name = known
                .and_then(|k| k.catalogue.departments.iter().find(|d| &d.code == code))
                .map_or_else(|| code.clone(), |d| d.name.clone());
            a.set_list_title(name.into());
            a.set_list(model(
                m.department_guides(code).into_iter().map(row).collect(),
            ));
            KioskScreen::Department
        }
        Screen::Search => {
            let results = m.results();
            a.set_query(m.query.as_str().into());
            a.set_results_note(if results.is_empty() {
                lang.no_results(&m.query).into()
            } else {
                SharedString::new()
            });
            a.set_results(model(results.into_iter().map(row).collect()));
            KioskScreen::Search
        }
        Screen::Guide(_) => {
            if let Some(g) = m.current_guide() {
                a.set_guide(guide_view(g, &department_name(&g.department), lang));
            }
            KioskScreen::Guide
        }
        Screen::Ticket => {
            if let Some(shown) = &m.ticket {
                let t = &shown.ticket;
                a.set_ticket(TicketView {
                    number: t.number.as_str().into(),
                    service: t.service_name.as_deref().unwrap_or(&t.queue_name).into(),
                    queue: format!("{} {}", t.queue, t.queue_name).into(),
                    ahead: lang.ahead(t).into(),
                    wait: lang.wait(t).into(),
                    time: lang.issued_at(t, zone).into(),
                    notice: lang.notice().into(),
                    problem: shown.problem.as_deref().unwrap_or_default().into(),
                });
                a.set_ticket_qr(qr_image(&format!("{}{}", settings.qr_base, t.status_url)));
            }
            a.set_countdown(lang.countdown(countdown).into());
            KioskScreen::Ticket
        }
        Screen::Pickup => {
            a.set_case_number(m.case_number.as_str().into());
            a.set_case_number_complete(m.complete_case_number().is_some());
            KioskScreen::Pickup
        }
        Screen::Fault => {
            if let Some(f) = &m.fault {
                a.set_fault_title(f.title.as_str().into());
                a.set_fault_detail(f.detail.as_str().into());
            }
            KioskScreen::Fault
        }
    };
    a.set_screen(screen);
}

fn guide_view(g: &Guide, department: &str, lang: Lang) -> GuideView {
    GuideView {
        code: g.code.as_str().into(),
        name: g.name.as_str().into(),
        department: department.into(),
        facts: strings(&lang.facts(g)),
        conditions: strings(&g.conditions),
        materials: model(
            g.materials
                .iter()
                .map(|mat| MaterialRow {
                    name: mat.name.as_str().into(),
                    detail: lang.material(mat).into(),
                    required: mat.required,
                    notes: mat.notes.as_deref().unwrap_or_default().into(),
                })
                .collect(),
        ),
        steps: strings(&g.steps),
        time_limit: lang.time_limit(g).into(),
        fees: lang.fees(g).into(),
        place: lang.place(g).into(),
        hours: lang.hours(g).into(),
        phone: lang.phone(g).into(),
        visits: lang.visits(g).into(),
        online: lang.online(g).into(),
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
