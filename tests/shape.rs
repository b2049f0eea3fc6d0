//! The shape of the code under `src/`: every function fits on a screen and
//! reads without deep indentation.
//!
//! Each file is parsed as a syntax tree. A function or method (free, in an
//! `impl`, or a trait's default body) offends when it is longer than
//! [`MAX_LINES`] lines, counted from its `fn` line to its closing brace with
//! everything inside (closures included), or nests deeper than [`MAX_DEPTH`].
//!
//! Nesting: the function's body is depth 0. Each of these opens one level
//! for what it holds: the branches of an `if` (an `else if` stays at the
//! level of its `if`), the arms of a `match` (an arm's body, block or not,
//! counts one), the body of a `for`, `while` or `loop`, a closure's body and
//! an `async` block. Plain and `unsafe` blocks and macro arguments add
//! nothing. A function defined inside another is measured on its own.
//! There is no allowlist: a function that offends is split.

use std::fmt;
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// Lines a function may span.
const MAX_LINES: usize = 80;
/// Levels a function's blocks may nest.
const MAX_DEPTH: usize = 4;

/// One function's measure.
struct Shape {
    file: String,
    line: usize,
    function: String,
    lines: usize,
    depth: usize,
}

impl Shape {
    fn offends(&self) -> bool {
        self.lines > MAX_LINES || self.depth > MAX_DEPTH
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} fn {} ({} lines / depth {})",
            self.file, self.line, self.function, self.lines, self.depth
        )
    }
}

/// Walks a file's items and measures every function with a body.
struct Functions<'a> {
    file: &'a str,
    /// The enclosing modules, impls, traits and functions, for the name.
    scope: Vec<String>,
    found: Vec<Shape>,
}

impl Functions<'_> {
    fn measure(&mut self, name: &syn::Ident, fn_token: &syn::token::Fn, block: &syn::Block) {
        let first = fn_token.span().start().line;
        let last = block.brace_token.span.close().end().line;
        let mut depth = Depth::default();
        depth.visit_block(block);
        let function = self
            .scope
            .iter()
            .map(String::as_str)
            .chain([name.to_string().as_str()])
            .collect::<Vec<_>>()
            .join("::");
        self.found.push(Shape {
            file: self.file.to_owned(),
            line: first,
            function,
            lines: last - first + 1,
            depth: depth.max,
        });
    }

    fn within(&mut self, name: String, walk: impl FnOnce(&mut Self)) {
        self.scope.push(name);
        walk(self);
        self.scope.pop();
    }
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(String::new, |s| s.ident.to_string()),
        _ => "_".to_owned(),
    }
}

impl<'ast> Visit<'ast> for Functions<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.measure(&f.sig.ident, &f.sig.fn_token, &f.block);
        self.within(f.sig.ident.to_string(), |s| visit::visit_item_fn(s, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.measure(&f.sig.ident, &f.sig.fn_token, &f.block);
        self.within(f.sig.ident.to_string(), |s| {
            visit::visit_impl_item_fn(s, f);
        });
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.measure(&f.sig.ident, &f.sig.fn_token, block);
        }
        self.within(f.sig.ident.to_string(), |s| {
            visit::visit_trait_item_fn(s, f);
        });
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        self.within(type_name(&i.self_ty), |s| visit::visit_item_impl(s, i));
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.within(t.ident.to_string(), |s| visit::visit_item_trait(s, t));
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.within(m.ident.to_string(), |s| visit::visit_item_mod(s, m));
    }
}

/// The deepest nesting inside one function's body.
#[derive(Default)]
struct Depth {
    now: usize,
    max: usize,
}

impl Depth {
    fn deeper(&mut self, walk: impl FnOnce(&mut Self)) {
        self.now += 1;
        self.max = self.max.max(self.now);
        walk(self);
        self.now -= 1;
    }
}

impl<'ast> Visit<'ast> for Depth {
    fn visit_item(&mut self, _: &'ast syn::Item) {
        // A function inside a function is measured on its own.
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        self.visit_expr(&e.cond);
        self.deeper(|d| d.visit_block(&e.then_branch));
        match e.else_branch.as_ref().map(|(_, other)| &**other) {
            Some(syn::Expr::If(chained)) => self.visit_expr_if(chained),
            Some(other) => self.deeper(|d| d.visit_expr(other)),
            None => {}
        }
    }

    fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
        self.visit_expr(&e.expr);
        self.deeper(|d| {
            for arm in &e.arms {
                d.visit_arm(arm);
            }
        });
    }

    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        self.visit_expr(&e.expr);
        self.deeper(|d| d.visit_block(&e.body));
    }

    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        self.visit_expr(&e.cond);
        self.deeper(|d| d.visit_block(&e.body));
    }

    fn visit_expr_loop(&mut self, e: &'ast syn::ExprLoop) {
        self.deeper(|d| d.visit_block(&e.body));
    }

    fn visit_expr_closure(&mut self, e: &'ast syn::ExprClosure) {
        self.deeper(|d| d.visit_expr(&e.body));
    }

    fn visit_expr_async(&mut self, e: &'ast syn::ExprAsync) {
        self.deeper(|d| d.visit_block(&e.block));
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every function under `src/`, measured.
fn shapes() -> Vec<Shape> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for path in files {
        let file = path.strip_prefix(root).unwrap().to_string_lossy();
        let text = std::fs::read_to_string(&path).unwrap();
        let tree = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut walker = Functions {
            file: &file,
            scope: Vec::new(),
            found: Vec::new(),
        };
        walker.visit_file(&tree);
        found.extend(walker.found);
    }
    found
}

#[test]
fn every_function_is_short_and_flat() {
    let shapes = shapes();
    assert!(shapes.len() > 500, "the walk found the source tree");
    let offenders: Vec<String> = shapes
        .iter()
        .filter(|s| s.offends())
        .map(Shape::to_string)
        .collect();
    assert!(
        offenders.is_empty(),
        "over {MAX_LINES} lines or nested deeper than {MAX_DEPTH}; split them:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_measure_counts_lines_and_nesting_as_documented() {
    let text = "fn f() {\n    if a {\n        match b {\n            _ => for x in y {\n                let c = || { async { 1 } };\n            },\n        }\n    } else if d {\n    }\n}\n";
    let tree = syn::parse_file(text).unwrap();
    let mut walker = Functions {
        file: "t.rs",
        scope: Vec::new(),
        found: Vec::new(),
    };
    walker.visit_file(&tree);
    let f = &walker.found[0];
    assert_eq!((f.line, f.lines, f.depth), (1, 10, 5), "{f}");
}
