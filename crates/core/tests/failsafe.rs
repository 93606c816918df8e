//! Fail-safe verdicts: taking evidence away never makes a control pass.
//!
//! Built from every control's fixtures (`src/controls/<service>/fixtures/<id>/`), two properties:
//!
//! 1. **Decisive fields.** For a control's passing fixture P and failing fixture F, a field is
//!    decisive when P with that one value taken from F no longer passes. With a decisive field
//!    removed, set to `null`, or given a value of another JSON type, P must not pass (the control
//!    cannot know the setting is safe). Checked for every decisive field of every pair, and with
//!    random further fields removed.
//! 2. **Removing evidence adds no pass.** A fixture that does not pass (FAILED, NOT_APPLICABLE,
//!    INSUFFICIENT_DATA) still does not pass with any random set of fields of its evidence (the
//!    `sidewatch:` entries of the supplementary configuration, which sidewatch's collectors write
//!    in full) removed.
//!
//! Fields are object keys at any depth; array elements are never removed (a rule list without one
//! of its rules is another, valid, resource). A few fields mean the safe value when absent because
//! AWS says so (a default it documents, a key it omits when unset) or are names the item also
//! carries: [`ABSENT_IS_DEFINED`] lists each with why, and every entry must still be needed.

mod support;

use proptest::prelude::*;
use proptest::sample::{Index, subsequence};
use serde_json::{Map, Value, json};
use sidewatch_core::{ComplianceType, ConfigurationItem, Engine, EngineConfig, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;
use support::{Fixture, load_fixtures};

/// One step from a JSON value to one inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Where a field is, from the item's `{"configuration", "supplementaryConfiguration"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldPath(Vec<Step>);

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if n == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// The parts of an item that hold settings and evidence, as one tree.
fn tree(item: &ConfigurationItem) -> Value {
    json!({
        "configuration": item.configuration,
        "supplementaryConfiguration": item.supplementary,
    })
}

/// `item` with its settings and evidence replaced by `tree`.
fn with_tree(item: &ConfigurationItem, tree: Value) -> ConfigurationItem {
    let mut item = item.clone();
    let Value::Object(mut parts) = tree else {
        unreachable!("the tree is an object")
    };
    item.configuration = parts.remove("configuration").unwrap_or(Value::Null);
    item.supplementary = match parts.remove("supplementaryConfiguration") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    item
}

/// Every object key below `value`, depth first.
fn key_paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<FieldPath>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(FieldPath(prefix.clone()));
                key_paths(inner, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                key_paths(inner, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn get<'v>(value: &'v Value, path: &FieldPath) -> Option<&'v Value> {
    path.0.iter().try_fold(value, |v, step| match step {
        Step::Key(key) => v.get(key),
        Step::Index(i) => v.get(i),
    })
}

/// The object holding the field's key, and the key.
fn parent_mut<'v>(
    value: &'v mut Value,
    path: &FieldPath,
) -> Option<(&'v mut Map<String, Value>, String)> {
    let (last, along) = path.0.split_last()?;
    let Step::Key(key) = last else { return None };
    let parent = along.iter().try_fold(value, |v, step| match step {
        Step::Key(key) => v.get_mut(key),
        Step::Index(i) => v.get_mut(i),
    })?;
    Some((parent.as_object_mut()?, key.clone()))
}

/// What is done to a field.
#[derive(Debug, Clone)]
enum Change {
    Remove,
    Set(Value),
}

fn apply(tree: &mut Value, path: &FieldPath, change: &Change) {
    if let Some((parent, key)) = parent_mut(tree, path) {
        match change {
            Change::Remove => {
                parent.remove(&key);
            }
            Change::Set(value) => {
                parent.insert(key, value.clone());
            }
        }
    }
}

/// Fields a control may pass without: (control, field path with `[*]` for any index, whether any
/// value is also fine, why). Absent, they mean a value AWS defines (a documented default, a key it
/// omits when unset); names the item also carries may be anything. An entry no longer needed fails
/// the test, so the list cannot rot.
const ABSENT_IS_DEFINED: &[(&str, &str, bool, &str)] = &[
    (
        "CloudTrail.1",
        "supplementaryConfiguration.sidewatch:CloudTrailTrails.trails[*].eventSelectors[*].readWriteType",
        false,
        "absent means All, CloudTrail's documented default",
    ),
    (
        "S3.22",
        "supplementaryConfiguration.sidewatch:CloudTrailTrails.trails[*].eventSelectors[*].readWriteType",
        false,
        "absent means All, CloudTrail's documented default",
    ),
    (
        "S3.23",
        "supplementaryConfiguration.sidewatch:CloudTrailTrails.trails[*].eventSelectors[*].readWriteType",
        false,
        "absent means All, CloudTrail's documented default",
    ),
    (
        "CloudTrail.1",
        "supplementaryConfiguration.sidewatch:CloudTrailTrails.trails[*].eventSelectors[*].excludeManagementEventSources",
        false,
        "absent, no event source is excluded (CloudTrail omits an empty list)",
    ),
    (
        "CloudTrail.3",
        "supplementaryConfiguration.sidewatch:CloudTrailTrails.trails[*].homeRegion",
        false,
        "DescribeTrails lists a single-Region trail only in its home Region, so one without homeRegion is this Region's",
    ),
    (
        "EC2.9",
        "configuration.publicIpAddress",
        false,
        "EC2 omits it when the instance has no public IPv4 address",
    ),
    (
        "EC2.25",
        "configuration.LaunchTemplateData.NetworkInterfaces[*].AssociatePublicIpAddress",
        false,
        "absent, the template does not set it, which is what the control checks",
    ),
    (
        "ECS.3",
        "configuration.PidMode",
        false,
        "ECS omits it when unset (each container has its own namespace)",
    ),
    (
        "ECS.4",
        "configuration.ContainerDefinitions[*].Privileged",
        false,
        "ECS omits it when false",
    ),
    (
        "ECS.8",
        "configuration.ContainerDefinitions[*].Environment[*].Name",
        false,
        "a variable without a name is none of the credential names",
    ),
    (
        "ECS.X1",
        "configuration.ContainerDefinitions[*].Environment[*].Value",
        false,
        "a variable without a value holds no secret",
    ),
    (
        "ECS.X1",
        "configuration.ContainerDefinitions[*].Environment[*].Name",
        false,
        "the value is scanned whatever the name",
    ),
    (
        "IAM.22",
        "supplementaryConfiguration.sidewatch:IamCredentialReportRow.accessKey1LastUsedDate",
        false,
        "null or absent is the credential report's N/A (never used): the age counts from the key's rotation",
    ),
    (
        "IAM.8",
        "supplementaryConfiguration.sidewatch:IamCredentialReportRow.user",
        false,
        "checked when present; the collector attaches the row of the item's user",
    ),
    (
        "IAM.22",
        "supplementaryConfiguration.sidewatch:IamCredentialReportRow.user",
        false,
        "checked when present; the collector attaches the row of the item's user",
    ),
    (
        "DynamoDB.1",
        "configuration.tableName",
        true,
        "a name the item carries too (resourceId)",
    ),
    (
        "ECR.1",
        "configuration.RepositoryName",
        true,
        "a name the item carries too (resourceId)",
    ),
    (
        "IAM.8",
        "configuration.userName",
        true,
        "a name the item carries too (resourceName)",
    ),
    (
        "IAM.22",
        "configuration.userName",
        true,
        "a name the item carries too (resourceName)",
    ),
    (
        "S3.5",
        "configuration.name",
        true,
        "a name the item carries too (resourceId)",
    ),
    (
        "IAM.27",
        "configuration.attachedManagedPolicies[*].policyArn",
        true,
        "the entry's policyName still names the policy (an entry with neither is INSUFFICIENT_DATA)",
    ),
    (
        "ELB.6",
        "supplementaryConfiguration.LoadBalancerAttributes[*].key",
        true,
        "fixtures list attributes in different orders: the key compared is another attribute's",
    ),
];

/// The path with every array index written `[*]`.
fn pattern(path: &FieldPath) -> String {
    let mut out = String::new();
    for (n, step) in path.0.iter().enumerate() {
        match step {
            Step::Key(key) if n == 0 => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(_) => out.push_str("[*]"),
        }
    }
    out
}

/// The entry of [`ABSENT_IS_DEFINED`] that explains a pass of `control` with `change` at `path`.
fn explained(control: &str, path: &FieldPath, change: &Change) -> Option<usize> {
    let pattern = pattern(path);
    let absent = matches!(change, Change::Remove | Change::Set(Value::Null));
    ABSENT_IS_DEFINED
        .iter()
        .position(|(c, p, any_value, _)| *c == control && *p == pattern && (absent || *any_value))
}

/// `null`, and a value no reader could take for `value`'s type.
fn unreadable(value: &Value) -> Vec<Value> {
    let wrong = match value {
        Value::String(_) => json!({"unexpected": "object"}),
        _ => json!("unreadable"),
    };
    vec![Value::Null, wrong]
}

/// The fixtures with an engine of their control each.
struct Subjects {
    fixtures: Vec<Fixture>,
    engines: BTreeMap<String, Engine>,
    /// (pass fixture, decisive field) pairs.
    decisive: Vec<(usize, FieldPath)>,
}

impl Subjects {
    fn verdict(&self, fixture: &Fixture, item: &ConfigurationItem) -> Verdict {
        let engine = &self.engines[&fixture.control];
        engine
            .evaluate(item)
            .into_iter()
            .find(|e| e.control.id == fixture.control)
            .map(|e| e.verdict)
            .unwrap_or_else(|| Verdict::not_applicable("the control does not evaluate it"))
    }
}

fn subjects() -> &'static Subjects {
    static SUBJECTS: OnceLock<Subjects> = OnceLock::new();
    SUBJECTS.get_or_init(|| {
        let fixtures = load_fixtures();
        let mut engines = BTreeMap::new();
        for f in &fixtures {
            engines.entry(f.control.clone()).or_insert_with(|| {
                Engine::new(&EngineConfig {
                    select: vec![f.control.clone()],
                    ..Default::default()
                })
                .unwrap()
            });
        }
        let mut subjects = Subjects {
            fixtures,
            engines,
            decisive: Vec::new(),
        };
        subjects.decisive = decisive_fields(&subjects);
        subjects
    })
}

/// Every (pass fixture, field) where taking the field's value from a failing fixture of the same
/// control (both scalars, different) makes the pass fixture not pass.
fn decisive_fields(subjects: &Subjects) -> Vec<(usize, FieldPath)> {
    let fixtures = &subjects.fixtures;
    let mut out: Vec<(usize, FieldPath)> = Vec::new();
    for (p, pass) in fixtures.iter().enumerate() {
        if pass.expect != ComplianceType::Compliant {
            continue;
        }
        let pass_tree = tree(&pass.item);
        let mut paths = Vec::new();
        key_paths(&pass_tree, &mut Vec::new(), &mut paths);
        for fail in fixtures
            .iter()
            .filter(|f| f.control == pass.control && f.expect == ComplianceType::NonCompliant)
        {
            let fail_tree = tree(&fail.item);
            for path in &paths {
                let (Some(ours), Some(theirs)) = (get(&pass_tree, path), get(&fail_tree, path))
                else {
                    continue;
                };
                let scalar = |v: &Value| !v.is_object() && !v.is_array();
                if !scalar(ours) || !scalar(theirs) || ours == theirs {
                    continue;
                }
                let mut hybrid = pass_tree.clone();
                apply(&mut hybrid, path, &Change::Set(theirs.clone()));
                let verdict = subjects.verdict(pass, &with_tree(&pass.item, hybrid));
                if verdict.compliance_type() != ComplianceType::Compliant
                    && !out.iter().any(|(q, known)| *q == p && known == path)
                {
                    out.push((p, path.clone()));
                }
            }
        }
    }
    out
}

/// The item of `fixture` with `changes` made; the reason if it passes.
fn passes_with(fixture: &Fixture, changes: &[(FieldPath, Change)]) -> Option<String> {
    let mut changed = tree(&fixture.item);
    for (path, change) in changes {
        apply(&mut changed, path, change);
    }
    let verdict = subjects().verdict(fixture, &with_tree(&fixture.item, changed));
    (verdict.compliance_type() == ComplianceType::Compliant).then(|| verdict.reason().to_owned())
}

/// A pass that no entry of [`ABSENT_IS_DEFINED`] explains, as a message; entries used are marked.
fn unexplained_pass(
    fixture: &Fixture,
    changes: &[(FieldPath, Change)],
    used: &mut [bool],
) -> Option<String> {
    let reason = passes_with(fixture, changes)?;
    // One explained change may make the pass: the item is then another, valid, resource.
    if let Some(entry) = changes
        .iter()
        .find_map(|(path, change)| explained(&fixture.control, path, change))
    {
        used[entry] = true;
        return None;
    }
    let described: Vec<String> = changes
        .iter()
        .map(|(path, change)| match change {
            Change::Remove => format!("without {path}"),
            Change::Set(value) => format!("{path} = {value}"),
        })
        .collect();
    Some(format!(
        "{} {}: PASSED {}: {reason}",
        fixture.control,
        fixture.path.display(),
        described.join(", ")
    ))
}

#[test]
fn a_decisive_field_or_evidence_field_removed_never_passes() {
    let subjects = subjects();
    let controls: BTreeSet<&str> = subjects
        .decisive
        .iter()
        .map(|(p, _)| subjects.fixtures[*p].control.as_str())
        .collect();
    // Most controls decide on a field their fixtures vary; the rest decide on presence (a list
    // entry, an evidence entry), which property 2 and the controls' own tests cover.
    assert!(
        controls.len() >= 60,
        "only {} controls with a decisive field",
        controls.len()
    );
    let mut used = vec![false; ABSENT_IS_DEFINED.len()];
    let mut wrong = Vec::new();
    for (p, path) in &subjects.decisive {
        let fixture = &subjects.fixtures[*p];
        let original = get(&tree(&fixture.item), path)
            .cloned()
            .unwrap_or(Value::Null);
        let changes = std::iter::once(Change::Remove)
            .chain(unreadable(&original).into_iter().map(Change::Set));
        for change in changes {
            wrong.extend(unexplained_pass(
                fixture,
                &[(path.clone(), change)],
                &mut used,
            ));
        }
    }
    // Property 2, one field at a time: every evidence field of every non-passing fixture.
    let mut evidence_removed = 0;
    for fixture in subjects
        .fixtures
        .iter()
        .filter(|f| f.expect != ComplianceType::Compliant)
    {
        for path in evidence_fields(fixture) {
            evidence_removed += 1;
            wrong.extend(unexplained_pass(
                fixture,
                &[(path, Change::Remove)],
                &mut used,
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} pass(es) on missing or unreadable evidence:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let unused: Vec<_> = ABSENT_IS_DEFINED
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((c, p, _, _), _)| format!("{c} {p}"))
        .collect();
    assert!(
        unused.is_empty(),
        "entries of ABSENT_IS_DEFINED no longer needed: {unused:?}"
    );
    eprintln!(
        "fail-safe: {} decisive fields of {} controls (each removed, null, of another type) and \
         {evidence_removed} evidence fields of non-passing fixtures (each removed): no pass",
        subjects.decisive.len(),
        controls.len()
    );
}

/// The evidence fields of a fixture: scalar fields inside its `sidewatch:` entries.
fn evidence_fields(fixture: &Fixture) -> Vec<FieldPath> {
    let mut paths = Vec::new();
    key_paths(&tree(&fixture.item), &mut Vec::new(), &mut paths);
    let evidence = |path: &FieldPath| {
        matches!(path.0.get(1), Some(Step::Key(k)) if k.starts_with("sidewatch:"))
            && path.0.len() > 2
    };
    paths.retain(|p| evidence(p));
    paths
}

/// A non-passing fixture with evidence, and evidence fields to remove from it.
fn evidence_removals() -> impl Strategy<Value = (usize, Vec<FieldPath>)> {
    let chosen: Vec<usize> = subjects()
        .fixtures
        .iter()
        .enumerate()
        .filter(|(_, f)| f.expect != ComplianceType::Compliant && !evidence_fields(f).is_empty())
        .map(|(i, _)| i)
        .collect();
    (proptest::sample::select(chosen), 1usize..6).prop_flat_map(|(i, n)| {
        let paths = evidence_fields(&subjects().fixtures[i]);
        let n = n.min(paths.len());
        (Just(i), subsequence(paths, n))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn removing_evidence_from_a_non_passing_item_never_makes_it_pass(
        (i, paths) in evidence_removals()
    ) {
        let fixture = &subjects().fixtures[i];
        let changes: Vec<_> = paths.into_iter().map(|p| (p, Change::Remove)).collect();
        let wrong = unexplained_pass(fixture, &changes, &mut [false; ABSENT_IS_DEFINED.len()]);
        prop_assert!(wrong.is_none(), "{}", wrong.unwrap_or_default());
    }

    #[test]
    fn a_decisive_field_removed_with_others_never_passes(
        pick in any::<Index>(),
        extra in proptest::collection::vec(any::<Index>(), 0..4),
    ) {
        let subjects = subjects();
        let (p, path) = pick.get(&subjects.decisive);
        let fixture = &subjects.fixtures[*p];
        let mut paths = Vec::new();
        key_paths(&tree(&fixture.item), &mut Vec::new(), &mut paths);
        let mut changes = vec![(path.clone(), Change::Remove)];
        // Not an object holding the decisive field: without it the item is another resource
        // (a distribution without extra cache behaviors), which may pass.
        let holds = |other: &FieldPath| path.0.starts_with(&other.0);
        changes.extend(
            extra
                .iter()
                .map(|x| x.get(&paths).clone())
                .filter(|other| !holds(other))
                .map(|other| (other, Change::Remove)),
        );
        let wrong = unexplained_pass(fixture, &changes, &mut [false; ABSENT_IS_DEFINED.len()]);
        prop_assert!(wrong.is_none(), "{}", wrong.unwrap_or_default());
    }
}
