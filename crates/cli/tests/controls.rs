//! `sidewatch controls` end to end.

mod common;

use common::sidewatch;
use sidewatch_cli::docs;
use sidewatch_core::catalog;

#[test]
fn table_lists_every_control_with_parameters_and_mappings() {
    let run = sidewatch(&["controls"], b"");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ID "), "{}", run.stdout);
    for c in catalog() {
        let row = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{} ", c.id)))
            .unwrap_or_else(|| panic!("no row for {}", c.id));
        assert!(
            row.contains(c.severity.label()) && row.contains(c.title),
            "{row}"
        );
        for p in c.parameters {
            assert!(
                run.stdout.contains(&format!("param {} = ", p.name)),
                "{}",
                p.name
            );
        }
    }
    assert!(run.stdout.contains("NIST 800-53 r5: AC-3"));
}

#[test]
fn json_and_markdown_come_from_the_catalog() {
    let run = sidewatch(&["controls", "--format", "json"], b"");
    assert_eq!(run.code, 0);
    assert_eq!(run.json(), docs::controls_json());
    let run = sidewatch(&["controls", "--format", "markdown"], b"");
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, docs::controls_markdown());
    let run = sidewatch(&["controls", "--format", "yaml"], b"");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("table, json, markdown"),
        "{}",
        run.stderr
    );
}
