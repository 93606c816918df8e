//! `docs/controls.md` is generated from the controls catalog and must never drift from it.
//!
//! This test fails when the file differs from `sidewatch_core::docs::controls_markdown()` and says
//! how to regenerate it; with `SIDEWATCH_BLESS=1` it rewrites the file instead.

use sidewatch_core::docs::{REGENERATE, controls_markdown};
use std::path::Path;

#[test]
fn controls_md_is_generated_from_the_catalog() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/controls.md");
    let expected = controls_markdown();
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected).unwrap();
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
        panic!(
            "docs/controls.md is out of date with the controls catalog ({first_difference}). \
             Regenerate it with\n  {REGENERATE}\nor\n  SIDEWATCH_BLESS=1 cargo test -p sidewatch-tests --test docs"
        );
    }
}
