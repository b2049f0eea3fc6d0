//! A morning's work done through the hub's API, so that the staff screens
//! have something real to show: citizens waiting, cases at every stage, a
//! bad review to rectify. Used by the screenshot command and the UI tests.

use crate::api::{
    ApplicantInput, CaseRequest, Catalogue, DecisionRequest, ExtensionRequest, Guide,
    IntakeDecision, MaterialInput, RatingRequest, SessionInfo, SessionRequest, TicketRequest,
};
use crate::client::Client;
use crate::domain::applicant::IdNumber;

/// The PIN of every member of the sample hall's staff.
pub const SAMPLE_PIN: &str = "123456";

/// What the morning left behind.
pub struct Scene {
    /// Approved, with a pickup ticket waiting at the pickup window.
    pub ready: String,
    /// With the department, an extension asked for.
    pub extending: String,
    /// Accepted and not yet claimed by a reviewer.
    pub unclaimed: String,
}

/// Logs a member of the sample hall's staff in; a client carrying the token.
///
/// # Errors
/// The hub refuses or cannot be reached.
pub async fn staff(url: &str, id: &str, counter: Option<u32>) -> anyhow::Result<Client> {
    let hub = Client::new(url);
    let session: SessionInfo = hub
        .log_in(&SessionRequest {
            staff: id.into(),
            pin: SAMPLE_PIN.into(),
            counter,
        })
        .await?;
    let token = session
        .token
        .ok_or_else(|| anyhow::anyhow!("no token for {id}"))?;
    Ok(hub.with_credential(token))
}

/// A valid ID number beginning with these 17 digits.
pub fn id_number(first17: &str) -> String {
    "0123456789X"
        .chars()
        .map(|c| format!("{first17}{c}"))
        .find(|s| IdNumber::parse(s).is_ok())
        .unwrap_or_default()
}

/// Citizens taking tickets at the kiosk: so many in each queue.
///
/// # Errors
/// The hub refuses a ticket or cannot be reached.
pub async fn queue_up(kiosk: &Client, counts: &[(&str, usize)]) -> anyhow::Result<()> {
    for &(queue, count) in counts {
        for _ in 0..count {
            kiosk
                .issue_ticket(&TicketRequest {
                    queue: Some(queue.into()),
                    ..TicketRequest::default()
                })
                .await?;
        }
    }
    Ok(())
}

/// A citizen with a ticket for `guide` called and served at counter 2, a
/// business registration taken in with every material; the case number and
/// the ticket's id.
async fn take_in(
    kiosk: &Client,
    clerk: &Client,
    guide: &Guide,
    (i, name): (usize, &str),
) -> anyhow::Result<(String, String)> {
    kiosk
        .issue_ticket(&TicketRequest {
            service: Some(guide.code.clone()),
            ..TicketRequest::default()
        })
        .await?;
    let called = clerk.call_next(2).await?;
    let ticket = called
        .current
        .ok_or_else(|| anyhow::anyhow!("nobody to call"))?;
    clerk.start(2).await?;
    let request = CaseRequest {
        service: guide.code.clone(),
        applicant: ApplicantInput {
            name: name.into(),
            id_number: id_number(&format!("32050219850612{i:03}")),
            phone: format!("1391234567{i}"),
        },
        materials: guide
            .materials
            .iter()
            .map(|m| MaterialInput {
                name: m.name.clone(),
                received: true,
                note: None,
            })
            .collect(),
        mail_to: None,
        intake: IntakeDecision::Accept,
        reason: None,
    };
    let case = clerk.open_case(&request).await?;
    clerk.finish(2).await?;
    Ok((case.number, ticket.id))
}

/// Three business registrations taken in at counter 2 (the first rated
/// 非常不满意), reviewed by 2001, the first approved and its pickup ticket
/// taken; then citizens waiting in the service queues.
///
/// # Errors
/// The hub refuses a step or cannot be reached.
pub async fn office_morning(url: &str, kiosk_key: &str) -> anyhow::Result<Scene> {
    let kiosk = Client::new(url).with_credential(kiosk_key);
    let clerk = staff(url, "1002", Some(2)).await?;
    let catalogue: Catalogue = kiosk.catalogue().await?;
    let guide = catalogue
        .services
        .iter()
        .find(|g| g.code == "SCJG-001")
        .ok_or_else(|| anyhow::anyhow!("the sample hall has no SCJG-001"))?;
    let mut cases = Vec::new();
    for citizen in ["王建国", "李秀英", "陈志强"].into_iter().enumerate() {
        let (case, ticket) = take_in(&kiosk, &clerk, guide, citizen).await?;
        if citizen.0 == 0 {
            let rating = RatingRequest {
                ticket: Some(ticket),
                case: None,
                score: 1,
                comment: Some("等候太久，窗口解释不清楚".into()),
                last_four: None,
            };
            // The citizen rates from their phone, by the ticket's id.
            Client::new(url).rate(&rating).await?;
        }
        cases.push(case);
    }
    let reviewer = staff(url, "2001", None).await?;
    let approve = DecisionRequest {
        approve: true,
        reason: String::new(),
    };
    reviewer.claim(&cases[0]).await?;
    reviewer.decide(&cases[0], &approve).await?;
    reviewer.claim(&cases[1]).await?;
    let extension = ExtensionRequest {
        days: 5,
        reason: "需现场核查经营场所".into(),
    };
    reviewer.request_extension(&cases[1], &extension).await?;
    kiosk
        .issue_ticket(&TicketRequest {
            case: Some(cases[0].clone()),
            ..TicketRequest::default()
        })
        .await?;
    queue_up(&kiosk, &[("A", 6), ("B", 3), ("C", 2), ("D", 4)]).await?;
    let [ready, extending, unclaimed] =
        <[String; 3]>::try_from(cases).map_err(|_| anyhow::anyhow!("three cases were opened"))?;
    Ok(Scene {
        ready,
        extending,
        unclaimed,
    })
}
