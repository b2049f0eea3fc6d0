//! The sample of `yimen bench phones`: real ticket pages, `/t/{id}` on the
//! public face, in one headless Chromium, a tab each at a phone's size.
//! The tabs follow the tickets next in line; each is then called in turn,
//! so every call moves every page behind it (one fewer ahead) and calls
//! its own. A script put in each page before its own notes every change
//! of what it shows — its state and the people ahead — with the wall-clock
//! time, `performance.timeOrigin + performance.now()`, as the DOM changes;
//! each call's update is timed from the call's commit on the same clock.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::IssuedTicket;
use crate::bench::chromium::{Chromium, DevToolsError, Tab};
use crate::loadgen::quantile;

/// The target: p99 from a call's commit to a page showing it.
pub const PAGE_TARGET_MS: f64 = 1000.0;
/// A phone's screen, in CSS pixels.
const WIDTH: u32 = 390;
const HEIGHT: u32 = 844;
/// How long a page may take to show its ticket once opened.
const READY_WITHIN: Duration = Duration::from_secs(30);
/// After the last call: time for the pages to show it, twice the target.
const SETTLE: Duration = Duration::from_secs(2);

/// Notes each change of the page's state or people ahead, as it happens.
const OBSERVER: &str = r#"(function () {
  var shown = window.yimenShown = [];
  var last = '';
  new MutationObserver(function () {
    var ahead = document.getElementById('ahead');
    var state = document.body && document.body.getAttribute('data-state');
    if (!ahead || !state) return;
    var now = state + '|' + ahead.textContent;
    if (now === last) return;
    last = now;
    shown.push({state: state, ahead: ahead.textContent, at: performance.timeOrigin + performance.now()});
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"#;

/// The page has read its ticket, which it does once its stream is live.
const READY: &str = "document.body.getAttribute('data-state') === 'waiting' && document.getElementById('ahead').textContent !== ''";

/// One change of what a page shows.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct Shown {
    /// `data-state` of the page's body, such as `waiting` or `called`.
    pub state: String,
    /// The people ahead as shown, such as `3 人`.
    pub ahead: String,
    /// Milliseconds since the Unix epoch.
    pub at: f64,
}

/// The sample's pages, open and following.
pub(super) struct Sample {
    tabs: Vec<Tab>,
    _chromium: Chromium,
}

impl Sample {
    /// Starts `program` and opens a tab per ticket on `base`, the public
    /// face; returns once every page shows its ticket.
    ///
    /// # Errors
    /// Chromium fails, or a page does not show its ticket in time.
    pub async fn open(
        program: &Path,
        base: &str,
        tickets: &[IssuedTicket],
    ) -> Result<Self, DevToolsError> {
        let (chromium, first) = Chromium::start(program, WIDTH, HEIGHT).await?;
        let mut tabs = vec![first];
        while tabs.len() < tickets.len() {
            tabs.push(chromium.new_tab().await?);
        }
        for (tab, ticket) in tabs.iter_mut().zip(tickets) {
            tab.before_each_page(OBSERVER).await?;
            tab.open(&format!("{base}/t/{}", ticket.id)).await?;
            tab.until("a sample page shows its ticket", READY_WITHIN, READY)
                .await?;
        }
        Ok(Self {
            tabs,
            _chromium: chromium,
        })
    }

    /// Waits for the last call to show, then reads what each page showed.
    ///
    /// # Errors
    /// The browser fails, or a page's notes cannot be read.
    pub async fn shown(mut self) -> Result<Vec<Vec<Shown>>, DevToolsError> {
        tokio::time::sleep(SETTLE).await;
        let mut all = Vec::with_capacity(self.tabs.len());
        for tab in &mut self.tabs {
            let notes = tab.eval("window.yimenShown").await?;
            let shown = serde_json::from_value(notes.clone())
                .map_err(|e| DevToolsError::Connection(format!("the page's notes {notes}: {e}")))?;
            all.push(shown);
        }
        Ok(all)
    }
}

/// What the pages showed. Times are in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct PagesReport {
    pub pages: usize,
    /// Updates a call owed a page: one fewer ahead, or its own call.
    pub updates: usize,
    /// Updates never shown.
    pub missed: usize,
    /// From a call's commit to the page's DOM showing it, over every update.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Every update shown, at a p99 within [`PAGE_TARGET_MS`].
    pub passed: bool,
}

impl fmt::Display for PagesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "commit → page in Chromium ({} pages, {} updates, {} missed): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms — {} (p99 ≤ {PAGE_TARGET_MS} ms, none missed)",
            self.pages,
            self.updates,
            self.missed,
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            if self.passed { "PASS" } else { "FAIL" }
        )
    }
}

/// Times each update owed: page `j` follows the `j`-th ticket the sample's
/// calls take; call `k` (its commit at `commits[k]`, in wall-clock
/// milliseconds) calls page `k` — which then shows itself no longer
/// waiting: called, or already served when the clerk was quick — and
/// leaves `j - k - 1` ahead of each page `j` behind it.
pub(super) fn measure(shown: &[Vec<Shown>], commits: &[Option<f64>]) -> PagesReport {
    let mut times = Vec::new();
    let mut updates = 0;
    for (j, page) in shown.iter().enumerate() {
        for (k, commit) in commits.iter().enumerate().take(j + 1) {
            updates += 1;
            let ahead = format!("{} 人", j.saturating_sub(k + 1));
            let update = page.iter().find(|s| {
                if k == j {
                    s.state != "waiting"
                } else {
                    s.state == "waiting" && s.ahead == ahead
                }
            });
            match (update, commit) {
                (Some(update), Some(commit)) => times.push((update.at - commit).max(0.0)),
                _ => tracing::warn!(page = j, call = k, ?commit, ?page, "an update not shown"),
            }
        }
    }
    times.sort_unstable_by(f64::total_cmp);
    let missed = updates - times.len();
    let p99_ms = quantile(&times, 0.99);
    PagesReport {
        pages: shown.len(),
        updates,
        missed,
        p50_ms: quantile(&times, 0.5),
        p99_ms,
        max_ms: times.last().copied().unwrap_or_default(),
        passed: missed == 0 && p99_ms <= PAGE_TARGET_MS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(state: &str, ahead: &str, at: f64) -> Shown {
        Shown {
            state: state.into(),
            ahead: ahead.into(),
            at,
        }
    }

    #[test]
    fn each_call_is_timed_to_the_change_it_owes_each_page() {
        let pages = [
            vec![shown("waiting", "0 人", 10.0), shown("called", "", 1_300.0)],
            vec![
                shown("waiting", "1 人", 20.0),
                shown("waiting", "0 人", 1_450.0),
                shown("called", "", 2_100.0),
            ],
        ];
        let report = measure(&pages, &[Some(1_000.0), Some(2_000.0)]);
        assert_eq!((report.pages, report.updates, report.missed), (2, 3, 0));
        assert_eq!(report.p50_ms, 300.0);
        assert_eq!(report.max_ms, 450.0);
        assert!(report.passed);
    }

    #[test]
    fn a_page_served_before_it_showed_its_call_shows_the_call_all_the_same() {
        let pages = [vec![
            shown("waiting", "0 人", 10.0),
            shown("serving", "", 1_100.0),
        ]];
        let report = measure(&pages, &[Some(1_000.0)]);
        assert_eq!(
            (report.updates, report.missed, report.max_ms),
            (1, 0, 100.0)
        );
    }

    #[test]
    fn an_update_never_shown_is_missed_and_fails() {
        let pages = [vec![shown("waiting", "0 人", 10.0)]];
        let report = measure(&pages, &[Some(1_000.0)]);
        assert_eq!((report.updates, report.missed), (1, 1));
        assert!(!report.passed);
    }
}
