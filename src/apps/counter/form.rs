//! The intake form's glue: what the clerk typed, copied between the window
//! and [`IntakeForm`](super::intake::IntakeForm); the case sent to the hub;
//! its document printed at the counter.

use std::rc::Rc;

use slint::ComponentHandle;

use super::intake::{Done, Printing};
use super::{Counter, CounterModel, Page};
use crate::api::{CaseRequest, CaseState, CaseView, CounterAct, IntakeDecision, MaterialsRequest};
use crate::apps::controller::{App, Failure};
use crate::apps::words::{Say, printer_problem};
use crate::apps::{callback, callback1, spawn};
use crate::client::{Client, ClientError};
use crate::documents::{self, CaseDocument, DocumentKind};
use crate::ui::{CounterAdapter, CounterWindow, IntakeAdapter, IntakeChoice, PrinterProblem};

/// What the form sends: a new case, or the rest of a waiting case's
/// materials.
enum Submission {
    New(CaseRequest),
    Materials(String, MaterialsRequest),
}

impl Submission {
    /// Sends it, then reads the document the case now has.
    async fn send(self, client: Client) -> Result<(CaseView, CaseDocument), ClientError> {
        let case = match self {
            Submission::Materials(number, materials) => {
                client.receive_materials(&number, &materials).await?
            }
            Submission::New(request) => client.open_case(&request).await?,
        };
        let kind = match case.state {
            CaseState::AwaitingMaterials => DocumentKind::MissingMaterials,
            CaseState::Refused => DocumentKind::Refusal,
            _ => DocumentKind::Acceptance,
        };
        let document = client.case_document(&case.number, kind).await?;
        Ok((case, document))
    }
}

impl Counter {
    /// The intake form, blank, with the cases waiting for materials.
    fn open_intake(self: &Rc<Self>) {
        if self.core.model.borrow().allows(CounterAct::OpenCase) {
            self.clear_form();
            self.change(|m| m.page = Page::Intake);
            self.read_pending();
        }
    }

    /// Reads the cases waiting for the rest of their materials.
    fn read_pending(self: &Rc<Self>) {
        let client = self.client();
        self.ask(
            async move { client.cases().await },
            |c, outcome| match outcome {
                Ok(cases) => c.change(|m| m.intake.set_pending(cases)),
                Err(failure) => c.failed(failure),
            },
        );
    }

    /// What the form sends for `intake`, or what is still wrong with it.
    fn submission(&self, intake: IntakeDecision) -> Result<Submission, Say> {
        let m = self.core.model.borrow();
        match &m.intake.reopened {
            Some(number) => Ok(Submission::Materials(
                number.clone(),
                m.intake.materials_request(),
            )),
            None => m.intake.request(intake).map(Submission::New),
        }
    }

    /// Submits the form — a new case, or the rest of a waiting case's
    /// materials — then prints the case's document at the counter.
    fn submit(self: &Rc<Self>, choice: IntakeChoice) {
        self.read_form();
        let intake = match choice {
            IntakeChoice::Accept => IntakeDecision::Accept,
            IntakeChoice::Notice => IntakeDecision::Notice,
            IntakeChoice::Refuse => IntakeDecision::Refuse,
        };
        let submission = match self.submission(intake) {
            Ok(s) => s,
            Err(why) => return self.change(|m| m.intake.error = Some(why)),
        };
        if !self.core.model.borrow_mut().begin() {
            return;
        }
        self.render();
        self.ask(submission.send(self.client()), |c, outcome| match outcome {
            Ok((case, document)) => {
                c.change(|m| {
                    m.busy = false;
                    m.intake.error = None;
                    m.intake.done = Some(Done {
                        kind: document.kind,
                        number: case.number.clone(),
                        printing: Printing::Printing,
                    });
                });
                c.print(document);
            }
            Err(Failure::Refused {
                refused,
                unauthorized: false,
            }) => c.change(|m| {
                m.busy = false;
                m.intake.error = Some(Say::Refused(refused));
            }),
            Err(failure) => c.failed(failure),
        });
    }

    fn print(self: &Rc<Self>, document: CaseDocument) {
        let printer = self.printer.clone();
        let work = self.core.runtime.spawn_blocking(move || {
            let mut printer = printer.lock().unwrap_or_else(|e| e.into_inner());
            documents::print(&mut **printer, &document)
        });
        let weak = Rc::downgrade(self);
        spawn(async move {
            let printing = match work.await {
                Ok(Ok(_)) => Printing::Printed,
                Ok(Err(e)) => Printing::Failed(printer_problem(&e)),
                Err(_) => Printing::Failed(PrinterProblem::Broken),
            };
            if let Some(c) = weak.upgrade() {
                c.change(|m| {
                    if let Some(done) = &mut m.intake.done {
                        done.printing = printing;
                    }
                });
            }
        });
    }

    /// Copies what the clerk typed from the window into the form.
    fn read_form(&self) {
        let Some(w) = self.core.window.upgrade() else {
            return;
        };
        let a = w.global::<IntakeAdapter>();
        let mut m = self.core.model.borrow_mut();
        let f = &mut m.intake;
        f.query = a.get_query().to_string();
        f.name = a.get_name().to_string();
        f.id_number = a.get_id_number().to_string();
        f.phone = a.get_phone().to_string();
        f.mail = a.get_mail();
        f.address = a.get_address().to_string();
        f.reason = a.get_reason().to_string();
    }

    /// Shows a waiting case's applicant in the fields the clerk types into.
    fn write_form(&self) {
        let Some(w) = self.core.window.upgrade() else {
            return;
        };
        let a = w.global::<IntakeAdapter>();
        let m = self.core.model.borrow();
        let f = &m.intake;
        a.set_name(f.name.as_str().into());
        a.set_id_number(f.id_number.as_str().into());
        a.set_phone(f.phone.as_str().into());
        a.set_mail(f.mail);
        a.set_address(f.address.as_str().into());
    }

    fn clear_form(&self) {
        if let Some(w) = self.core.window.upgrade() {
            let a = w.global::<IntakeAdapter>();
            for set in [
                IntakeAdapter::set_query,
                IntakeAdapter::set_name,
                IntakeAdapter::set_id_number,
                IntakeAdapter::set_phone,
                IntakeAdapter::set_address,
                IntakeAdapter::set_reason,
            ] {
                set(&a, "".into());
            }
            a.set_mail(false);
        }
        self.core.model.borrow_mut().intake.reset();
    }

    /// Takes up a waiting case, by its number.
    fn reopen(self: &Rc<Self>, number: slint::SharedString) {
        self.change(|m| m.intake.reopen(&number));
        self.write_form();
    }
}

/// Installs the intake form's callbacks, and the desk's button that opens it.
pub(super) fn connect(window: &CounterWindow, counter: &Rc<Counter>) {
    let with = |f: fn(&Rc<Counter>)| callback(counter, f);
    window
        .global::<CounterAdapter>()
        .on_open_intake(with(Counter::open_intake));
    let a = window.global::<IntakeAdapter>();
    let edited = |c: &Rc<Counter>| {
        c.read_form();
        c.render();
    };
    a.on_search(with(edited));
    a.on_applicant_edited(with(edited));
    a.on_back(with(|c| {
        c.clear_form();
        c.change(|m: &mut CounterModel| m.page = Page::Desk);
    }));
    a.on_pick_service(callback1(counter, |c, code: slint::SharedString| {
        c.read_form();
        c.change(|m| m.intake.pick(&code));
    }));
    a.on_reopen(callback1(counter, Counter::reopen));
    a.on_toggle_material(callback1(counter, |c, i: i32| {
        if let Ok(i) = usize::try_from(i) {
            c.change(|m| m.intake.toggle(i));
        }
    }));
    a.on_submit(callback1(counter, Counter::submit));
}
