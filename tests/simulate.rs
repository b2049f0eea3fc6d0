//! `yimen simulate` against the sample hall: the same seed gives the same
//! day, every count adds up, and the hub's wait estimate beats the naive one.

mod common;

use yimen::simulate::{Plan, Report, run};

/// Every citizen and every case is accounted for exactly once.
fn counts_add_up(r: &Report) {
    assert!(r.tickets > 0, "{r}");
    assert_eq!(
        r.served + r.no_shows + r.expired,
        r.tickets,
        "every ticket ends served, a no-show or expired\n{r}"
    );
    assert_eq!(r.arrivals + r.pickups, r.tickets + r.turned_away, "{r}");
    let (all, queues) = r.queues.split_last().unwrap();
    assert_eq!(all.queue, "all");
    assert_eq!(queues.iter().map(|q| q.tickets).sum::<u32>(), r.tickets);
    assert_eq!(
        queues
            .iter()
            .map(|q| q.served + q.no_shows + q.expired)
            .sum::<u32>(),
        r.tickets
    );
    assert_eq!(
        r.counters.iter().map(|c| c.served).sum::<u32>(),
        r.served,
        "each service at one counter"
    );
    assert!(
        r.counters
            .iter()
            .all(|c| (0.0..=1.0).contains(&c.utilisation)),
        "{r}"
    );
    assert_eq!(r.estimate.tickets, r.served + r.no_shows, "called tickets");
    let c = &r.cases;
    assert_eq!(c.opened, c.accepted + c.notices + c.refused, "{r}");
    assert_eq!(c.accepted, c.approved + c.rejected + c.undecided, "{r}");
    assert_eq!(
        c.approved,
        c.handed_over + c.mailed + c.awaiting_pickup,
        "{r}"
    );
    let p = queues.iter().find(|q| q.queue == "P").unwrap();
    assert_eq!(p.tickets, r.pickups, "pickup tickets are the returns");
    assert_eq!(c.handed_over, p.served, "a result per pickup served");
    assert!(c.overdue <= c.undecided, "{r}");
    assert!(r.ratings.count <= r.served && r.ratings.bad <= r.ratings.count);
    assert_eq!(
        r.ratings.rectifications, r.ratings.bad,
        "each bad review is rectified"
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_day_and_its_counts_add_up() {
    let plan = Plan {
        rate: 0.5,
        seed: 7,
        ..Plan::default()
    };
    let first = run(common::sample_config(), &plan).await.unwrap();
    let second = run(common::sample_config(), &plan).await.unwrap();
    assert_eq!(first, second);
    counts_add_up(&first);
    let other = run(
        common::sample_config(),
        &Plan {
            seed: 8,
            ..plan.clone()
        },
    )
    .await
    .unwrap();
    assert_ne!(first, other, "another seed, another day");
}

#[tokio::test]
async fn the_hubs_estimate_beats_the_naive_one_on_the_default_day() {
    let report = run(common::sample_config(), &Plan::default())
        .await
        .unwrap();
    counts_add_up(&report);
    assert!(report.served > 200, "{report}");
    assert!(
        report.estimate.hub_mae < report.estimate.naive_mae,
        "{report}"
    );
}

#[tokio::test]
async fn a_closed_day_is_refused() {
    let sunday = Plan {
        date: "2026-03-01".parse().unwrap(),
        ..Plan::default()
    };
    let e = run(common::sample_config(), &sunday).await.unwrap_err();
    assert!(e.to_string().contains("not a working day"), "{e}");
}
