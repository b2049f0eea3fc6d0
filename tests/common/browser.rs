//! A real headless Chromium (Debian's `chromium`, installed by `.ci/run`)
//! driven over the DevTools protocol, as a phone would show a page: a
//! viewport of the phone's size, scripts run before each page's own, pages
//! opened, read, audited with axe-core and photographed. The driver itself
//! is the library's (`yimen::bench::chromium`), which `yimen bench phones`
//! shares; this adds what tests assert.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use yimen::bench::chromium::{Chromium, Tab};

/// Starting a browser, or a page reconnecting through its back-off, may be
/// slow on a loaded machine.
pub const SLOW: Duration = Duration::from_secs(30);

/// The axe-core release the accessibility audits run, as
/// `scripts/fetch-axe.sh` puts it.
pub const AXE_VERSION: &str = "4.10.3";

/// One browser at a time in a test binary: pages' timing is what tests
/// measure, not two browsers sharing a loaded machine.
pub async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    BROWSER.lock().await
}

/// A headless Chromium showing one tab, killed on drop.
pub struct Browser {
    page: Tab,
    _chromium: Chromium,
}

impl Browser {
    /// A browser whose tab is `width` × `height` CSS pixels, as a phone's
    /// screen, showing a blank page.
    pub async fn phone(width: u32, height: u32) -> Self {
        let (chromium, page) = Chromium::start(Path::new("chromium"), width, height)
            .await
            .unwrap_or_else(|e| {
                panic!("the phone pages' test needs Chromium (apt-get install chromium): {e}")
            });
        Self {
            page,
            _chromium: chromium,
        }
    }

    /// Sends one DevTools command; returns its result.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.page
            .call(method, params)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Evaluates `expression` in the page, awaiting it if it is a promise;
    /// returns its value.
    pub async fn eval(&mut self, expression: &str) -> Value {
        self.page
            .eval(expression)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs `script` in every page from now on, before the page's own.
    pub async fn before_each_page(&mut self, script: &str) {
        self.page
            .before_each_page(script)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn open(&mut self, url: &str) {
        self.page.open(url).await.unwrap_or_else(|e| panic!("{e}"));
    }

    /// Polls `condition` (a JavaScript expression) until it is true or
    /// `within` has passed; returns how long it took.
    pub async fn until(&mut self, what: &str, within: Duration, condition: &str) -> Duration {
        let started = Instant::now();
        loop {
            if self.eval(condition).await == json!(true) {
                let took = started.elapsed();
                eprintln!("{what}: {} ms", took.as_millis());
                return took;
            }
            assert!(
                started.elapsed() < within,
                "{what}: not within {within:?}; the page shows {}",
                self.eval("document.body ? document.body.innerText : ''")
                    .await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The page's serious and critical accessibility violations, by
    /// axe-core: each rule's id and the elements it found.
    pub async fn accessibility_violations(&mut self) -> Vec<Value> {
        let axe = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
            panic!(
                "axe-core {AXE_VERSION} is missing at {} ({e}): run scripts/fetch-axe.sh",
                axe_path().display()
            )
        });
        self.eval(&format!("{axe}\n;true")).await;
        let found = self
            .eval(
                "axe.run(document, {resultTypes: ['violations']}).then(function (r) {
                   return r.violations
                     .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                     .map(function (v) { return {id: v.id, impact: v.impact,
                       nodes: v.nodes.map(function (n) { return n.target.join(' '); })}; });
                 })",
            )
            .await;
        found.as_array().cloned().unwrap_or_default()
    }

    /// A PNG of what the tab shows, written to `path`.
    pub async fn screenshot(&mut self, path: &Path) {
        let shot = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

/// Where `scripts/fetch-axe.sh` puts axe-core, unless `AXE_CORE_JS` says.
pub fn axe_path() -> PathBuf {
    std::env::var_os("AXE_CORE_JS").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target")
                .join(format!("axe-core-{AXE_VERSION}"))
                .join("axe.min.js")
        },
        PathBuf::from,
    )
}
