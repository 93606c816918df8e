//! Runs every control fixture and checks that every control has the fixtures it needs.
//!
//! Fixtures live beside the controls: `src/controls/<service>/fixtures/<control id>/<expect>-<what>.json`
//! where `<expect>` is `pass`, `fail`, `na` or `insufficient`. Each file is one configuration item
//! in either shape AWS delivers. The item goes through the full engine (with only that control
//! selected), so the engine's own rules for deleted and partial items are exercised too.

mod support;

use sidewatch_core::{ComplianceType, Engine, EngineConfig, catalog};
use std::collections::{BTreeMap, BTreeSet};
use support::load_fixtures;

#[test]
fn every_fixture_gets_its_expected_verdict() {
    let fixtures = load_fixtures();
    assert!(!fixtures.is_empty());
    let mut failures = Vec::new();
    let mut engines: BTreeMap<String, Engine> = BTreeMap::new();
    for f in &fixtures {
        let engine = engines.entry(f.control.clone()).or_insert_with(|| {
            Engine::new(&EngineConfig {
                select: vec![f.control.clone()],
                ..Default::default()
            })
            .unwrap_or_else(|e| panic!("{}: {e}", f.path.display()))
        });
        let evaluations = engine.evaluate(&f.item);
        let Some(eval) = evaluations.iter().find(|e| e.control.id == f.control) else {
            failures.push(format!(
                "{}: control {} does not apply to {}",
                f.path.display(),
                f.control,
                f.resource_type
            ));
            continue;
        };
        if eval.verdict.compliance_type() != f.expect {
            failures.push(format!(
                "{}: expected {}, got {}",
                f.path.display(),
                f.expect,
                eval.verdict
            ));
        }
        assert!(
            !eval.verdict.reason().is_empty(),
            "{}: empty reason",
            f.path.display()
        );
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_control_has_pass_fail_and_not_applicable_fixtures() {
    let fixtures = load_fixtures();
    let mut have: BTreeMap<&str, BTreeSet<ComplianceType>> = BTreeMap::new();
    for f in &fixtures {
        have.entry(f.control.as_str()).or_default().insert(f.expect);
    }
    let mut missing = Vec::new();
    for control in catalog() {
        let kinds = have.get(control.id).cloned().unwrap_or_default();
        for needed in [
            ComplianceType::Compliant,
            ComplianceType::NonCompliant,
            ComplianceType::NotApplicable,
        ] {
            if !kinds.contains(&needed) {
                missing.push(format!("{}: no {} fixture", control.id, needed));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing fixtures:\n{}",
        missing.join("\n")
    );
    let known: BTreeSet<&str> = catalog().iter().map(|c| c.id).collect();
    for f in &fixtures {
        assert!(
            known.contains(f.control.as_str()),
            "{}: no control {}",
            f.path.display(),
            f.control
        );
    }
}

#[test]
fn every_resource_type_has_fixtures_in_both_shapes() {
    let fixtures = load_fixtures();
    let types: BTreeSet<&str> = catalog()
        .iter()
        .flat_map(|c| c.resource_types.iter().copied())
        .collect();
    let mut missing = Vec::new();
    for t in types {
        for api in [false, true] {
            if !fixtures
                .iter()
                .any(|f| f.resource_type == t && f.api_shape == api)
            {
                let shape = if api { "API" } else { "notification" };
                missing.push(format!("{t}: no fixture in the {shape} shape"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
