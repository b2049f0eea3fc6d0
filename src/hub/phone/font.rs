//! The hall's font on the web: the embedded Yimen Sans SC, so that Chinese
//! renders on phones and TVs that have no CJK font of their own.
//!
//! Two faces of one family, `Yimen Sans SC`, described by
//! `GET /fonts/yimen.css`:
//! - the hall's face: the embedded font cut down to the characters the
//!   hall's pages and data use (the phone pages and the display wall, the
//!   hall's name, hours and notices, queues, counters, departments and
//!   every guide), with a `unicode-range` of exactly those characters;
//! - the whole font, for anything else (a correction's free text): the
//!   browser fetches it only when a page shows a character the hall's face
//!   lacks.
//!
//! Both are built once, on the first request, and served under names that
//! carry their content's hash, so that browsers may keep them for a year.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font::read_cmap_subtable;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tables::FontTableProvider;
use allsorts::tables::cmap::Cmap;
use allsorts::tag;
use axum::body::Bytes;
use sha2::{Digest, Sha256};

use crate::config::Config;

/// The family name pages ask for.
const FAMILY: &str = "Yimen Sans SC";
/// The font the Slint apps carry: Noto Sans CJK SC cut to GB2312 and the
/// project's own characters (`scripts/subset-font.py`).
const WHOLE: &[u8] = include_bytes!("../../../ui/fonts/YimenSansSC-Regular.otf");
/// Punctuation pages may show whatever their text says.
const PUNCTUATION: &str = "，。、；：？！“”‘’（）《》【】—…·％～→←↑↓✓✗●○";

/// The hall's web font, ready to serve.
pub struct WebFont {
    /// `@font-face` rules for both faces.
    pub css: String,
    /// The hall's face: its file name and bytes.
    pub hall: (String, Bytes),
    /// The whole font's file name.
    pub whole_name: String,
}

impl WebFont {
    /// The font file called `name`, if it is one of the two.
    pub fn file(&self, name: &str) -> Option<Bytes> {
        if name == self.hall.0 {
            Some(self.hall.1.clone())
        } else if name == self.whole_name {
            Some(Bytes::from_static(WHOLE))
        } else {
            None
        }
    }
}

/// Builds the hall's face for `config` and the pages' own `texts`.
///
/// # Errors
/// The embedded font cannot be read or cut (a broken build).
pub fn build(config: &Config, texts: &[&str]) -> Result<WebFont, String> {
    let wanted = characters(config, texts);
    let font = ReadScope::new(WHOLE)
        .read::<FontData<'_>>()
        .map_err(|e| e.to_string())?;
    let provider = font.table_provider(0).map_err(|e| e.to_string())?;
    let cmap_data = provider
        .read_table_data(tag::CMAP)
        .map_err(|e| e.to_string())?;
    let cmap = ReadScope::new(&cmap_data)
        .read::<Cmap<'_>>()
        .map_err(|e| e.to_string())?;
    let (_, mapping) = read_cmap_subtable(&cmap)
        .map_err(|e| e.to_string())?
        .ok_or("the font has no Unicode cmap")?;
    let mut covered = BTreeSet::new();
    let mut glyphs = BTreeSet::from([0u16]);
    for c in wanted {
        if let Ok(Some(glyph)) = mapping.map_glyph(u32::from(c)) {
            covered.insert(u32::from(c));
            glyphs.insert(glyph);
        }
    }
    let glyphs: Vec<u16> = glyphs.into_iter().collect();
    let cut = subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| e.to_string())?;
    let hall_name = format!("hall-{}.otf", short_hash(&cut));
    let whole_name = format!("whole-{}.otf", short_hash(WHOLE));
    Ok(WebFont {
        css: css(&hall_name, &whole_name, &covered),
        hall: (hall_name, Bytes::from(cut)),
        whole_name,
    })
}

/// Every character the hall's pages and data may show.
fn characters(config: &Config, texts: &[&str]) -> BTreeSet<char> {
    let mut wanted: BTreeSet<char> = (' '..='~').chain(PUNCTUATION.chars()).collect();
    let setup = &config.setup;
    let mut add = |text: &str| wanted.extend(text.chars().filter(|c| !c.is_control()));
    texts.iter().for_each(|t| add(t));
    add(&setup.name);
    add(&config.hours);
    config.notices.iter().for_each(|n| add(n));
    setup.queues.iter().for_each(|q| add(&q.name));
    setup.counters.iter().for_each(|c| add(&c.name));
    for d in &config.departments {
        add(&d.name);
        add(&d.short_name);
    }
    if let Ok(guides) = serde_json::to_string(&config.guides) {
        add(&guides);
    }
    wanted
}

fn short_hash(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..6])
}

/// The two faces; the hall's last, so that browsers try it first and
/// fetch the whole font only for what it lacks.
fn css(hall: &str, whole: &str, covered: &BTreeSet<u32>) -> String {
    let ranges: Vec<String> = ranges(covered)
        .into_iter()
        .map(|(first, last)| match first == last {
            true => format!("U+{first:X}"),
            false => format!("U+{first:X}-{last:X}"),
        })
        .collect();
    format!(
        "@font-face {{ font-family: \"{FAMILY}\"; src: url(\"/fonts/{whole}\") format(\"opentype\"); font-display: swap; }}\n\
         @font-face {{ font-family: \"{FAMILY}\"; src: url(\"/fonts/{hall}\") format(\"opentype\"); font-display: swap; unicode-range: {}; }}\n",
        ranges.join(", ")
    )
}

/// Runs of consecutive code points, as (first, last).
fn ranges(points: &BTreeSet<u32>) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &p in points {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == p => *last = p,
            _ => runs.push((p, p)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_run_together_into_ranges() {
        let points = BTreeSet::from([0x20, 0x21, 0x22, 0x41, 0x4E00, 0x4E01]);
        assert_eq!(
            ranges(&points),
            [(0x20, 0x22), (0x41, 0x41), (0x4E00, 0x4E01)]
        );
    }
}
