//! A morning's work done through the hub's API, so that the staff screens
//! have something real to show: citizens waiting, cases at every stage, a
//! bad review to rectify; and some weeks of 一件事 cases moving from
//! department to department; citizens who booked a time (预约). Used by
//! the screenshot command and the UI tests.

use chrono::NaiveDate;

use crate::api::{
    ApplicantInput, BookingRequest, CaseRequest, Catalogue, CheckInRequest, DecisionRequest,
    ExtensionRequest, Guide, IntakeDecision, MaterialInput, RatingRequest, SessionInfo,
    SessionRequest, TicketRequest,
};
use crate::client::Client;
use crate::clock::ManualClock;
use crate::domain::applicant::IdNumber;
use crate::domain::ids::Timestamp;

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

/// Citizens who booked a slot of `service` on `date` on their phone, one
/// for each `(start, serial)`, the serial making their ID numbers differ;
/// their booking codes.
///
/// # Errors
/// The hub refuses a booking or cannot be reached.
pub async fn bookings(
    url: &str,
    service: &str,
    date: NaiveDate,
    slots: &[(&str, u32)],
) -> anyhow::Result<Vec<String>> {
    let phone = Client::new(url);
    let mut codes = Vec::new();
    for &(start, serial) in slots {
        let booking = phone
            .book(&BookingRequest {
                service: service.into(),
                date,
                start: start.into(),
                name: "周晓梅".into(),
                id_number: id_number(&format!("11010519800101{serial:03}")),
                phone: "13800138000".into(),
            })
            .await?;
        codes.push(booking.code);
    }
    Ok(codes)
}

/// A citizen who booked 企业开办 (ZWFW-003) for 10:00 on `date` and
/// checked in at the kiosk; their ticket's number.
///
/// # Errors
/// The hub refuses the booking or the check-in, or cannot be reached.
pub async fn booked_ticket(url: &str, kiosk_key: &str, date: NaiveDate) -> anyhow::Result<String> {
    let codes = bookings(url, "ZWFW-003", date, &[("10:00", 90)]).await?;
    let kiosk = Client::new(url).with_credential(kiosk_key);
    let check_in = kiosk
        .check_in(&CheckInRequest {
            code: codes.into_iter().next(),
            id_number: None,
        })
        .await?;
    Ok(check_in.ticket.number)
}

/// What some weeks of 一件事 left behind, on Monday 2 March 2026.
pub struct BundleScene {
    /// 工业项目 accepted on 19 January: its second stage open since 6
    /// February, 自然资源 done, 生态环境 reviewing, 发改's 节能审查 overdue.
    pub project: String,
    /// 工业项目 accepted on 24 February: 自然资源 rejected its first-stage
    /// task; 发改, the stage's lead, has to decide.
    pub disputed: String,
    /// 开办企业 accepted on Friday 27 February: 市场监管 done, 公安
    /// reviewing, 税务 and 人社 not yet claimed.
    pub opening: String,
    /// 开办企业 accepted on 10 February, finished late: 税务 took two weeks.
    pub late: String,
    /// 开办企业 accepted on 24 February, finished the next day.
    pub within: String,
}

/// 09:30 in the sample hall on `date`, written `2026-03-02`.
fn morning(date: &str) -> anyhow::Result<Timestamp> {
    Ok(format!("{date}T01:30:00Z").parse()?)
}

/// A citizen's case for `guide` accepted at counter 2 by 1002, logged in
/// for the day.
async fn accept_today(
    url: &str,
    kiosk: &Client,
    guide: &Guide,
    citizen: (usize, &str),
) -> anyhow::Result<String> {
    let clerk = staff(url, "1002", Some(2)).await?;
    let (case, _) = take_in(kiosk, &clerk, guide, citizen).await?;
    Ok(case)
}

/// A reviewer of the sample hall claims `case` (their department's task)
/// and approves it, or rejects it with `reason`.
async fn review(url: &str, reviewer: &str, case: &str, reason: Option<&str>) -> anyhow::Result<()> {
    let reviewer = staff(url, reviewer, None).await?;
    reviewer.claim(case).await?;
    let decision = DecisionRequest {
        approve: reason.is_none(),
        reason: reason.unwrap_or_default().into(),
    };
    reviewer.decide(case, &decision).await?;
    Ok(())
}

/// The weeks before Monday 2 March 2026 at the sample hall's 一件事
/// windows, on `clock` (which must not be past 19 January): business
/// openings and industrial projects taken in at counter 2 and reviewed
/// department by department, some on time, some late, one rejection
/// waiting for the lead department. Leaves the clock on 27 February.
///
/// # Errors
/// The hub refuses a step or cannot be reached.
pub async fn bundle_weeks(
    url: &str,
    kiosk_key: &str,
    clock: &ManualClock,
) -> anyhow::Result<BundleScene> {
    let kiosk = Client::new(url).with_credential(kiosk_key);
    let catalogue: Catalogue = kiosk.catalogue().await?;
    let guide = |code: &str| {
        (catalogue.services.iter())
            .find(|g| g.code == code)
            .ok_or_else(|| anyhow::anyhow!("the sample hall has no {code}"))
    };
    let (opening_guide, project_guide) = (guide("ZWFW-001")?, guide("ZWFW-002")?);
    let take = |guide, citizen| accept_today(url, &kiosk, guide, citizen);
    clock.set(morning("2026-01-19")?);
    let project = take(project_guide, (3, "周海峰")).await?;
    clock.set(morning("2026-01-21")?);
    review(url, "2006", &project, None).await?;
    clock.set(morning("2026-02-06")?);
    review(url, "2004", &project, None).await?;
    clock.set(morning("2026-02-10")?);
    let late = take(opening_guide, (4, "孙立新")).await?;
    clock.set(morning("2026-02-11")?);
    for reviewer in ["2001", "2008", "2007"] {
        review(url, reviewer, &late, None).await?;
    }
    review(url, "2004", &project, None).await?;
    staff(url, "2005", None).await?.claim(&project).await?;
    clock.set(morning("2026-02-24")?);
    let within = take(opening_guide, (5, "吴晓燕")).await?;
    let disputed = take(project_guide, (6, "郑国平")).await?;
    clock.set(morning("2026-02-25")?);
    review(url, "2002", &late, None).await?;
    for reviewer in ["2001", "2008", "2002", "2007"] {
        review(url, reviewer, &within, None).await?;
    }
    let reason = "选址位于生态保护红线内，不符合国土空间规划";
    review(url, "2004", &disputed, Some(reason)).await?;
    clock.set(morning("2026-02-27")?);
    let opening = take(opening_guide, (7, "冯雅琴")).await?;
    review(url, "2001", &opening, None).await?;
    staff(url, "2008", None).await?.claim(&opening).await?;
    Ok(BundleScene {
        project,
        disputed,
        opening,
        late,
        within,
    })
}
