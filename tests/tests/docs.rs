//! `docs/controls.md` and `docs/remediation.md` are generated from the code and must never drift
//! from it.
//!
//! Each test fails when its file differs from what `sidewatch_cli::docs` generates and says how to
//! regenerate it; with `SIDEWATCH_BLESS=1` it rewrites the file instead.

use sidewatch_cli::docs::{REGENERATE, controls_markdown, remediation_markdown};
use std::path::Path;

#[test]
fn remediation_md_is_generated_from_the_remediation_table() {
    check_generated("docs/remediation.md", &remediation_markdown(), "");
}

#[test]
fn controls_md_is_generated_from_the_catalog() {
    check_generated("docs/controls.md", &controls_markdown(), REGENERATE);
}

fn check_generated(relative: &str, expected: &str, regenerate: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let first_difference = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .map_or_else(
                || "one is a prefix of the other".to_owned(),
                |n| format!("first difference at line {}", n + 1),
            );
        let alternative = if regenerate.is_empty() {
            String::new()
        } else {
            format!("\n  {regenerate}\nor")
        };
        panic!(
            "{relative} is out of date with the code that generates it ({first_difference}). \
             Regenerate it with{alternative}\n  SIDEWATCH_BLESS=1 cargo test -p sidewatch-tests --test docs"
        );
    }
}
