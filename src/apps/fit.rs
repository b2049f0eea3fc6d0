//! Whether a screen fits its window: every element drawn inside the element
//! that holds it (and so inside the window), nothing wider than the list it
//! scrolls in, and no text given less room than it needs to show whole.
//!
//! Slint's public testing API tells an element's place and size but neither
//! its parent nor the room its text needs, so this walks the window's item
//! tree through `slint::private_unstable_api`: the same calls the compiled
//! `.slint` code makes, held steady by the exact Slint version in Cargo.toml.

use std::fmt;

use slint::ComponentHandle;
use slint::private_unstable_api::re_exports::{
    Clip, ComplexText, Flickable, ItemRc, LogicalRect, Orientation, SimpleText, StyledTextItem,
    WindowAdapterRc, WindowInner,
};

/// How far an edge may stray, in logical pixels: layouts round to whole
/// pixels.
const SLACK: f32 = 1.0;

/// Something that does not fit, said so a person can find it.
#[derive(Clone, Debug, PartialEq)]
pub struct Misfit {
    /// The element, as the `.slint` code names it, such as `Tile > Text`.
    pub element: String,
    /// What is wrong, with the sizes.
    pub problem: String,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.element, self.problem)
    }
}

/// Everything on the window's current screen that does not fit; empty when
/// the screen fits its window.
pub fn misfits(window: &impl ComponentHandle) -> Vec<Misfit> {
    let inner = WindowInner::from_pub(window.window());
    inner.ensure_tree_instantiated();
    let root = ItemRc::new_root(inner.component());
    let Some(adapter) = root.window_adapter() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let bounds = Bounds {
        rect: absolute(&root),
        scrolls: false,
    };
    walk(&root, bounds, &adapter, &mut found);
    found
}

/// Where the children of an element must lie.
#[derive(Clone, Copy)]
struct Bounds {
    rect: LogicalRect,
    /// Inside a scrolling list: the children may run past its bottom.
    scrolls: bool,
}

fn walk(item: &ItemRc, bounds: Bounds, adapter: &WindowAdapterRc, found: &mut Vec<Misfit>) {
    let mut child = item.first_child();
    while let Some(c) = child {
        check(&c, bounds, adapter, found);
        child = c.next_sibling();
    }
}

fn check(item: &ItemRc, bounds: Bounds, adapter: &WindowAdapterRc, found: &mut Vec<Misfit>) {
    if let Some(clip) = item.downcast::<Clip>() {
        // Hidden (`visible: false`), or a window of its own onto moving
        // content, such as a ticker: nothing inside is laid out to fit.
        if clip.as_pin_ref().clip() {
            return;
        }
    }
    let rect = absolute(item);
    if rect.size.width > 0.0 && rect.size.height > 0.0 {
        if let Some(problem) = outside(rect, bounds) {
            found.push(Misfit {
                element: name(item),
                problem,
            });
        }
        if let Some(problem) = squeezed_text(item, rect, adapter) {
            found.push(Misfit {
                element: name(item),
                problem,
            });
        }
    }
    // A scrolling list's content may run past its bottom, not its sides;
    // an element of no size only places its children, it does not hold them.
    let inside = if rect.is_empty() {
        bounds
    } else {
        Bounds {
            rect,
            scrolls: item.downcast::<Flickable>().is_some(),
        }
    };
    walk(item, inside, adapter, found);
}

/// The item's rectangle in window coordinates.
fn absolute(item: &ItemRc) -> LogicalRect {
    let geometry = item.geometry();
    LogicalRect::new(item.map_to_window(geometry.origin), geometry.size)
}

/// Why `rect` is not within `bounds`, if it is not.
fn outside(rect: LogicalRect, bounds: Bounds) -> Option<String> {
    let b = bounds.rect;
    let left = rect.min_x() < b.min_x() - SLACK;
    let right = rect.max_x() > b.max_x() + SLACK;
    let top = !bounds.scrolls && rect.min_y() < b.min_y() - SLACK;
    let bottom = !bounds.scrolls && rect.max_y() > b.max_y() + SLACK;
    (left || right || top || bottom).then(|| {
        format!(
            "{} lies outside its holder {}",
            show(rect),
            show(if bounds.scrolls {
                LogicalRect::new(b.origin, (b.size.width, f32::INFINITY).into())
            } else {
                b
            })
        )
    })
}

/// Why a text does not show whole in `rect`, if it does not.
fn squeezed_text(item: &ItemRc, rect: LogicalRect, adapter: &WindowAdapterRc) -> Option<String> {
    let is_text = item.downcast::<SimpleText>().is_some()
        || item.downcast::<ComplexText>().is_some()
        || item.downcast::<StyledTextItem>().is_some();
    if !is_text {
        return None;
    }
    let text = item.borrow();
    let needs = |orientation, across| {
        text.as_ref()
            .layout_info(orientation, across, adapter, item)
            .min
    };
    let width = needs(Orientation::Horizontal, -1.0);
    let height = needs(Orientation::Vertical, rect.size.width);
    (rect.size.width + SLACK < width || rect.size.height + SLACK < height).then(|| {
        format!(
            "text needs {width:.0}×{height:.0} but has {:.0}×{:.0}",
            rect.size.width, rect.size.height
        )
    })
}

fn show(rect: LogicalRect) -> String {
    format!(
        "({:.0},{:.0} {:.0}×{:.0})",
        rect.origin.x, rect.origin.y, rect.size.width, rect.size.height
    )
}

/// The element's name in the `.slint` code: its component and id, such as
/// `Tile > Text`, or its type when it has no debug name.
fn name(item: &ItemRc) -> String {
    let names = item.element_type_names_and_ids(0).unwrap_or_default();
    let parts: Vec<String> = names
        .iter()
        .map(|(kind, id)| {
            if id.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}#{id}")
            }
        })
        .collect();
    if parts.is_empty() {
        format!("item {}", item.index())
    } else {
        parts.join(" > ")
    }
}
