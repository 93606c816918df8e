//! The engine: every applicable control on every item, one verdict each.

use crate::control::{Context, Control, Views};
use crate::controls::catalog;
use crate::custom::RuleSet;
use crate::evidence::EvidenceKind;
use crate::item::{ACCOUNT_RESOURCE_TYPE, ConfigurationItem, Unreadable};
use crate::params::{Overrides, ParamError, ResolvedParams};
use crate::verdict::Verdict;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Which controls run and with which parameters.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    /// Control ids (`S3.8`) or services (`S3`, `EC2`) to run; empty means every control.
    pub select: Vec<String>,
    /// Control ids or services to leave out, applied after `select`.
    pub exclude: Vec<String>,
    /// Parameter overrides.
    pub overrides: Overrides,
}

impl EngineConfig {
    /// The environment variable with the controls or services to run (comma-separated).
    pub const CONTROLS_VAR: &'static str = "SIDEWATCH_CONTROLS";
    /// The environment variable with the controls or services to leave out.
    pub const EXCLUDE_VAR: &'static str = "SIDEWATCH_EXCLUDE";
    /// The environment variable with parameter overrides: `CONTROL.NAME=VALUE` entries separated
    /// by `;` or newlines (`EC2.19.blockedPorts=22,3389;RDS.11.backupRetentionMinimum=14`).
    pub const PARAMETERS_VAR: &'static str = "SIDEWATCH_PARAMETERS";

    /// The configuration the Lambda functions read from their environment. `lookup` returns a
    /// variable's value (`|k| std::env::var(k).ok()`); the core itself reads no environment.
    /// Unset or empty variables mean "every control, default parameters".
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, EngineError> {
        let list = |var: &str| -> Vec<String> {
            lookup(var)
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut overrides = Overrides::new();
        if let Some(text) = lookup(Self::PARAMETERS_VAR) {
            overrides
                .parse_text(&text)
                .map_err(|(_, e)| EngineError::Environment {
                    variable: Self::PARAMETERS_VAR,
                    reason: e.to_string(),
                })?;
        }
        Ok(EngineConfig {
            select: list(Self::CONTROLS_VAR),
            exclude: list(Self::EXCLUDE_VAR),
            overrides,
        })
    }
}

/// A configuration the engine cannot run with. The message says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error(
        "no control or service is called '{0}' (run `sidewatch controls` to list them; ids look like S3.8, services like S3)"
    )]
    UnknownSelector(String),
    #[error("the selection leaves no control to run; check --controls and --exclude")]
    NothingSelected,
    #[error(
        "two controls are called '{0}'; a custom rule's id must differ from the built-in ids and from every other rule's"
    )]
    DuplicateId(String),
    #[error(transparent)]
    Param(#[from] ParamError),
    #[error("environment variable {variable}: {reason}")]
    Environment {
        variable: &'static str,
        reason: String,
    },
}

/// One control's verdict on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub control: &'static Control,
    pub verdict: Verdict,
}

#[derive(Debug)]
struct Entry {
    control: &'static Control,
    params: ResolvedParams,
    /// The index of the custom rule set that evaluates it; `None` for a built-in control.
    rule_set: Option<usize>,
}

/// Runs the selected controls. Build it once (it resolves parameters and indexes controls by
/// resource type) and share it: evaluation takes `&self` and is pure.
#[derive(Debug)]
pub struct Engine {
    entries: Vec<Entry>,
    by_type: HashMap<&'static str, Vec<usize>>,
    /// Controls of every resource type (custom rules without a `resourceType` clause).
    every_type: Vec<usize>,
    rule_sets: Vec<Arc<dyn RuleSet>>,
}

impl Engine {
    /// Every control with its default parameters.
    pub fn with_defaults() -> Self {
        Self::new(&EngineConfig::default()).expect("the built-in catalog and defaults are valid")
    }

    /// The engine for `config`, or what is wrong with it.
    pub fn new(config: &EngineConfig) -> Result<Self, EngineError> {
        Self::from_catalog(catalog(), config)
    }

    /// The built-in controls and the custom ones of `rule_sets`, selected alike by `config`.
    pub fn with_rules(
        config: &EngineConfig,
        rule_sets: Vec<Arc<dyn RuleSet>>,
    ) -> Result<Self, EngineError> {
        Self::from_parts(catalog(), rule_sets, config)
    }

    /// The engine over an explicit list of controls (tests and embedders).
    pub fn from_catalog(
        controls: &[&'static Control],
        config: &EngineConfig,
    ) -> Result<Self, EngineError> {
        Self::from_parts(controls, Vec::new(), config)
    }

    fn from_parts(
        built_in: &[&'static Control],
        rule_sets: Vec<Arc<dyn RuleSet>>,
        config: &EngineConfig,
    ) -> Result<Self, EngineError> {
        let controls: Vec<(&'static Control, Option<usize>)> = built_in
            .iter()
            .map(|&c| (c, None))
            .chain(
                rule_sets
                    .iter()
                    .enumerate()
                    .flat_map(|(i, set)| set.controls().iter().map(move |&c| (c, Some(i)))),
            )
            .collect();
        let mut ids = HashSet::new();
        if let Some((dup, _)) = controls.iter().find(|(c, _)| !ids.insert(c.id)) {
            return Err(EngineError::DuplicateId(dup.id.to_owned()));
        }
        for selector in config.select.iter().chain(&config.exclude) {
            if !controls.iter().any(|(c, _)| selector_matches(selector, c)) {
                return Err(EngineError::UnknownSelector(selector.clone()));
            }
        }
        for id in config.overrides.controls() {
            if !controls.iter().any(|(c, _)| c.id == id) {
                return Err(ParamError::UnknownControl(id.to_owned()).into());
            }
        }
        let mut entries = Vec::new();
        let mut by_type: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut every_type = Vec::new();
        for (control, rule_set) in controls {
            let selected = config.select.is_empty()
                || config.select.iter().any(|s| selector_matches(s, control));
            let excluded = config.exclude.iter().any(|s| selector_matches(s, control));
            // Parameters are checked for every control, selected or not, so a typo never hides.
            let params = ResolvedParams::resolve(
                control.id,
                control.parameters,
                config.overrides.for_control(control.id),
            )?;
            if !selected || excluded {
                continue;
            }
            if control.resource_types.is_empty() {
                every_type.push(entries.len());
            }
            for resource_type in control.resource_types {
                by_type
                    .entry(resource_type)
                    .or_default()
                    .push(entries.len());
            }
            entries.push(Entry {
                control,
                params,
                rule_set,
            });
        }
        if entries.is_empty() {
            return Err(EngineError::NothingSelected);
        }
        Ok(Engine {
            entries,
            by_type,
            every_type,
            rule_sets,
        })
    }

    /// The controls this engine runs, in catalog order.
    pub fn controls(&self) -> impl Iterator<Item = &'static Control> + '_ {
        self.entries.iter().map(|e| e.control)
    }

    /// The resolved parameters of a control this engine runs.
    pub fn params(&self, control_id: &str) -> Option<&ResolvedParams> {
        self.entries
            .iter()
            .find(|e| e.control.id == control_id)
            .map(|e| &e.params)
    }

    /// Whether any selected control evaluates this resource type.
    pub fn covers(&self, resource_type: &str) -> bool {
        !self.every_type.is_empty() || self.by_type.contains_key(resource_type)
    }

    /// The entries of the controls that evaluate `resource_type`, in catalog order.
    fn applicable(&self, resource_type: &str) -> Vec<usize> {
        let mut indices: Vec<usize> = self
            .by_type
            .get(resource_type)
            .into_iter()
            .flatten()
            .chain(&self.every_type)
            .copied()
            .collect();
        indices.sort_unstable();
        indices
    }

    /// Evaluates every applicable control on `item`.
    pub fn evaluate(&self, item: &ConfigurationItem) -> Vec<Evaluation> {
        let mut out = Vec::new();
        self.evaluate_into(item, &mut out);
        out
    }

    /// Like [`Engine::evaluate`], appending to `out` so a caller can reuse one buffer.
    ///
    /// Deleted or unrecorded resources get NOT_APPLICABLE from every control (their findings are
    /// archived); an item that carries no configuration (oversized or partial) gets
    /// INSUFFICIENT_DATA, never a guess, and so does an item whose `configuration` is present but
    /// not an object (a string that is not JSON, a number…): no control can read a field of it.
    /// An unknown resource type gets nothing. Custom controls are answered by their rule set,
    /// once per set and item.
    pub fn evaluate_into(&self, item: &ConfigurationItem, out: &mut Vec<Evaluation>) {
        let indices = self.applicable(&item.resource_type);
        if indices.is_empty() {
            return;
        }
        let unreadable = item_unreadable(item);
        let views = Views::default();
        let mut custom: HashMap<usize, Vec<Evaluation>> = HashMap::new();
        for i in indices {
            let entry = &self.entries[i];
            let control = entry.control;
            let verdict = if let Some(verdict) = &unreadable {
                verdict.clone()
            } else if let Some(set) = entry.rule_set {
                let verdicts = custom
                    .entry(set)
                    .or_insert_with(|| self.rule_sets[set].evaluate(item));
                match verdicts
                    .iter()
                    .position(|e| std::ptr::eq(e.control, control))
                {
                    Some(at) => verdicts.swap_remove(at).verdict,
                    None => Verdict::insufficient(format!(
                        "the rule set of {} gave no verdict for this resource",
                        control.id
                    )),
                }
            } else if only_global_evidence(control) {
                match evaluates_global_resources(item) {
                    Err(problem) => Verdict::from(problem),
                    Ok(false) => Verdict::not_applicable(
                        "global (IAM and account-wide) controls are evaluated once, in the Region \
                         that evaluates global resources",
                    ),
                    Ok(true) => (control.evaluate)(&Context::sharing(item, &entry.params, &views)),
                }
            } else {
                (control.evaluate)(&Context::sharing(item, &entry.params, &views))
            };
            out.push(Evaluation {
                control: entry.control,
                verdict,
            });
        }
    }
}

/// The verdict every control gives an item none can read: NOT_APPLICABLE for a resource no
/// longer recorded (its findings are archived), INSUFFICIENT_DATA for an item without a
/// readable configuration — never a guess.
fn item_unreadable(item: &ConfigurationItem) -> Option<Verdict> {
    if item.status.is_gone() {
        Some(Verdict::not_applicable(format!(
            "the resource is no longer recorded ({})",
            item.status
        )))
    } else if item.configuration.is_null() {
        Some(Verdict::insufficient(
            "the configuration item carries no configuration (oversized or partial item); \
             fetch the full item with GetResourceConfigHistory",
        ))
    } else {
        item.configuration_unreadable()
            .map(|problem| Verdict::insufficient(format!("{problem}, so no control can read it")))
    }
}

impl Engine {
    /// The evidence the applicable controls need for `item` that the item does not carry yet
    /// (neither the evidence nor a recorded failed read), each kind once, however many controls
    /// need it. Adapters fetch exactly these, then evaluate.
    pub fn evidence_needed(&self, item: &ConfigurationItem) -> Vec<EvidenceKind> {
        if item.status.is_gone()
            || item.configuration.is_null()
            || item.configuration_unreadable().is_some()
        {
            return Vec::new();
        }
        let indices = self.applicable(&item.resource_type);
        // An unreadable flag makes the global controls INSUFFICIENT_DATA whatever is fetched.
        let global = evaluates_global_resources(item).unwrap_or(false);
        let mut kinds: Vec<EvidenceKind> = indices
            .into_iter()
            .flat_map(|i| self.entries[i].control.evidence.iter().copied())
            .filter(|kind| global || !kind.is_global())
            .filter(|kind| kind.entry(&item.supplementary).is_none())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }
}

/// Whether every piece of evidence the control needs is global (IAM, account-wide).
fn only_global_evidence(control: &Control) -> bool {
    !control.evidence.is_empty() && control.evidence.iter().all(|k| k.is_global())
}

/// Account items say whether their Region evaluates global resources; every other item does,
/// and so does an account item that does not say. A flag that is there but is not a boolean is
/// [`Unreadable`]: the Region could be either.
pub(crate) fn evaluates_global_resources(item: &ConfigurationItem) -> Result<bool, Unreadable> {
    if item.resource_type != ACCOUNT_RESOURCE_TYPE {
        return Ok(true);
    }
    Ok(item.read_bool("/evaluatesGlobalResources")?.unwrap_or(true))
}

/// A selector is a control id (`S3.8`) or a service (`S3`), matched without regard to case.
fn selector_matches(selector: &str, control: &Control) -> bool {
    let selector = selector.trim();
    control.id.eq_ignore_ascii_case(selector) || control.service().eq_ignore_ascii_case(selector)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bucket(status: &str, configuration: serde_json::Value) -> ConfigurationItem {
        ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "b",
            "configurationItemStatus": status,
            "configuration": configuration,
        }))
        .unwrap()
    }

    #[test]
    fn deleted_resources_are_not_applicable_everywhere() {
        let engine = Engine::with_defaults();
        let evals = engine.evaluate(&bucket("ResourceDeleted", json!(null)));
        assert!(!evals.is_empty());
        assert!(evals.iter().all(|e| e.verdict.is_not_applicable()));
    }

    #[test]
    fn items_without_configuration_are_never_passed() {
        let engine = Engine::with_defaults();
        let evals = engine.evaluate(&bucket("OK", json!(null)));
        assert!(!evals.is_empty());
        assert!(evals.iter().all(|e| e.verdict.is_insufficient()));
    }

    /// The verdicts of every control on an item given as raw JSON text (so numbers no Rust
    /// literal holds, like 2^64, reach the engine as a JSON parser reads them).
    fn verdicts(text: &str) -> Vec<(&'static str, Verdict)> {
        let item = ConfigurationItem::from_json_str(text).unwrap();
        Engine::with_defaults()
            .evaluate(&item)
            .into_iter()
            .map(|e| (e.control.id, e.verdict))
            .collect()
    }

    fn account_item(configuration: &str) -> String {
        format!(
            r#"{{"resourceType": "AWS::::Account", "resourceId": "123456789012",
                "awsAccountId": "123456789012", "awsRegion": "us-east-1",
                "configurationItemStatus": "OK", "configuration": {configuration},
                "supplementaryConfiguration": {{"sidewatch:SecurityContact":
                    {{"present": false, "hasEmailAddress": false}}}}}}"#
        )
    }

    /// Issue 15: an account item whose configuration is not JSON got a confident FAILED
    /// Account.1 (the missing evaluatesGlobalResources read as "home Region", the evidence as
    /// usual). No control can read such an item.
    #[test]
    fn a_configuration_that_is_not_an_object_is_insufficient_for_every_control() {
        for (configuration, problem) in [
            (
                r#""{not json""#,
                "configuration is a string that is not JSON",
            ),
            (
                r#""plain text""#,
                "configuration is a string that is not JSON",
            ),
            (r#""[1, 2]""#, "configuration is an array, not an object"),
            (r#""42""#, "configuration is a string holding number JSON"),
            ("42", "configuration is a number, not an object"),
            ("true", "configuration is a boolean, not an object"),
        ] {
            let evals = verdicts(&account_item(configuration));
            assert!(evals.len() > 10, "{configuration}: {evals:?}");
            for (id, verdict) in &evals {
                assert!(verdict.is_insufficient(), "{configuration} {id}: {verdict}");
                assert!(
                    verdict.reason().starts_with(problem),
                    "{configuration} {id}: {verdict}"
                );
            }
        }
        let evals = verdicts(&account_item(r#""{not json""#));
        let (_, account_1) = evals.iter().find(|(id, _)| *id == "Account.1").unwrap();
        assert_eq!(
            account_1.reason(),
            "configuration is a string that is not JSON (9 characters; a syntax error at line 1 \
             column 2), so no control can read it"
        );
        // Nothing is fetched for an item no control can read, and a gone item stays gone.
        let item = ConfigurationItem::from_json_str(&account_item(r#""{not json""#)).unwrap();
        assert!(Engine::with_defaults().evidence_needed(&item).is_empty());
        let mut gone = item;
        gone.status = crate::ItemStatus::ResourceDeleted;
        let evals = Engine::with_defaults().evaluate(&gone);
        assert!(evals.iter().all(|e| e.verdict.is_not_applicable()));
    }

    #[test]
    fn an_unreadable_global_resources_flag_is_never_read_as_the_home_region() {
        let evals = verdicts(&account_item(
            r#"{"accountId": "123456789012", "evaluatesGlobalResources": "maybe"}"#,
        ));
        for id in ["Account.1", "IAM.9", "CloudTrail.1", "S3.22"] {
            let (_, verdict) = evals.iter().find(|(c, _)| *c == id).unwrap();
            assert!(verdict.is_insufficient(), "{id}: {verdict}");
            assert!(
                verdict
                    .reason()
                    .contains("configuration.evaluatesGlobalResources is \"maybe\""),
                "{id}: {verdict}"
            );
        }
    }

    fn security_group(name: &str, permissions: &str) -> String {
        format!(
            r#"{{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1",
                "configurationItemStatus": "OK",
                "configuration": {{"groupName": "{name}", "groupId": "sg-1",
                    "ipPermissions": {permissions}, "ipPermissionsEgress": []}}}}"#
        )
    }

    /// Issue 15: `fromPort` 2^64 was saturated into "tcp 3306-65535" and failed EC2.14, EC2.18,
    /// EC2.19 and EC2.53 on a range the item does not hold.
    #[test]
    fn a_from_port_beyond_64_bits_is_insufficient_never_a_range() {
        let permissions = r#"[{"ipProtocol": "tcp", "fromPort": 18446744073709551616,
                               "toPort": 3306, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]"#;
        for name in ["database", "default"] {
            let evals = verdicts(&security_group(name, permissions));
            assert!(evals.len() >= 7, "{evals:?}");
            for (id, verdict) in &evals {
                if *id == "EC2.2" && name != "default" {
                    // Not a default group: EC2.2 does not read the rules.
                    assert!(verdict.is_not_applicable(), "{id}: {verdict}");
                    continue;
                }
                assert!(verdict.is_insufficient(), "{name} {id}: {verdict}");
                assert!(
                    verdict.reason().starts_with(
                        "configuration.ipPermissions[0].fromPort is 1.8446744073709552e+19"
                    ),
                    "{name} {id}: {verdict}"
                );
            }
        }
    }

    #[test]
    fn unreadable_ports_protocols_and_cidrs_are_insufficient_naming_the_field() {
        let world = r#""ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]"#;
        for (permission, field) in [
            (format!(r#""ipProtocol": "tcp", "fromPort": 70000, "toPort": 3306, {world}"#), "fromPort"),
            (format!(r#""ipProtocol": "tcp", "fromPort": 3.5, "toPort": 3306, {world}"#), "fromPort"),
            (format!(r#""ipProtocol": "tcp", "fromPort": "abc", "toPort": 3306, {world}"#), "fromPort"),
            (format!(r#""ipProtocol": "tcp", "fromPort": 22, "toPort": -5, {world}"#), "toPort"),
            (format!(r#""ipProtocol": 999, "fromPort": 22, "toPort": 22, {world}"#), "ipProtocol"),
            (format!(r#""ipProtocol": {{}}, "fromPort": 22, "toPort": 22, {world}"#), "ipProtocol"),
            (
                r#""ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "not-a-cidr"}]"#.to_owned(),
                "ipv4Ranges[0].cidrIp",
            ),
            (
                r#""ipProtocol": "-1", "ipv6Ranges": [{"cidrIpv6": "::/999"}]"#.to_owned(),
                "ipv6Ranges[0].cidrIpv6",
            ),
        ] {
            let evals = verdicts(&security_group("web", &format!("[{{{permission}}}]")));
            for id in ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54"] {
                let (_, verdict) = evals.iter().find(|(c, _)| *c == id).unwrap();
                assert!(verdict.is_insufficient(), "{permission} {id}: {verdict}");
                assert!(
                    verdict
                        .reason()
                        .starts_with(&format!("configuration.ipPermissions[0].{field} is ")),
                    "{permission} {id}: {verdict}"
                );
            }
        }
    }

    #[test]
    fn a_readable_open_rule_still_fails_beside_an_unreadable_one() {
        let evals = verdicts(&security_group(
            "web",
            r#"[{"ipProtocol": "tcp", "fromPort": 70000, "toPort": 22,
                 "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]},
                {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                 "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]"#,
        ));
        let (_, ssh) = evals.iter().find(|(c, _)| *c == "EC2.13").unwrap();
        assert_eq!(
            *ssh,
            Verdict::fail(
                "ingress tcp 22 from 0.0.0.0/0 in permission #2; not evaluated: \
                 configuration.ipPermissions[0].fromPort is 70000, expected -1 or 0-65535"
            )
        );
        // RDP is not opened by the readable rule, and the unreadable one might: no pass.
        let (_, rdp) = evals.iter().find(|(c, _)| *c == "EC2.14").unwrap();
        assert!(rdp.is_insufficient(), "{rdp}");
    }

    #[test]
    fn a_nacl_entry_with_a_bad_port_range_is_insufficient() {
        let item = |range: &str| {
            format!(
                r#"{{"resourceType": "AWS::EC2::NetworkAcl", "resourceId": "acl-1",
                    "configuration": {{"networkAclId": "acl-1", "isDefault": false, "entries": [
                      {{"ruleNumber": 100, "egress": false, "ruleAction": "deny", "protocol": "6",
                        "portRange": {{"from": 22, "to": 22}}, "cidrBlock": "0.0.0.0/0"}},
                      {{"ruleNumber": 110, "egress": false, "ruleAction": "allow", "protocol": "6",
                        "portRange": {range}, "cidrBlock": "0.0.0.0/0"}}]}}}}"#
            )
        };
        for (range, field) in [
            (
                r#"{"from": 18446744073709551616, "to": 3389}"#,
                "portRange.from",
            ),
            (r#"{"from": 443, "to": 70000}"#, "portRange.to"),
            (r#"{"from": "ssh", "to": 22}"#, "portRange.from"),
            (r#""22-3389""#, "portRange"),
        ] {
            let evals = verdicts(&item(range));
            let (_, verdict) = evals.iter().find(|(c, _)| *c == "EC2.21").unwrap();
            assert!(verdict.is_insufficient(), "{range}: {verdict}");
            assert!(
                verdict
                    .reason()
                    .starts_with(&format!("configuration.entries[1].{field} is ")),
                "{range}: {verdict}"
            );
        }
        // Still read: a well-formed range.
        let evals = verdicts(&item(r#"{"from": 443, "to": 443}"#));
        let (_, verdict) = evals.iter().find(|(c, _)| *c == "EC2.21").unwrap();
        assert!(verdict.is_compliant(), "{verdict}");
    }

    #[test]
    fn unknown_resource_types_get_no_verdicts() {
        let engine = Engine::with_defaults();
        let item = ConfigurationItem::new("AWS::Nothing::Here", "x");
        assert!(engine.evaluate(&item).is_empty());
        assert!(!engine.covers("AWS::Nothing::Here"));
    }

    static FAKE_A1: Control = fake("A.1");
    static FAKE_A2: Control = fake("A.2");
    static FAKE_B1: Control = fake("B.1");

    const fn fake(id: &'static str) -> Control {
        Control {
            id,
            title: "t",
            severity: crate::Severity::Low,
            resource_types: &["AWS::S3::Bucket"],
            rationale: "r",
            remediation: "r",
            remediation_url: "https://example.com",
            remediation_hook: crate::control::Remediation::NotifyOnly { why: "a fake" },
            duty: crate::Duty::IdentityAndAccess,
            mappings: crate::Mappings::NONE,
            parameters: &[],
            evidence: &[],
            evaluate: |_| Verdict::pass("fake"),
        }
    }

    #[test]
    fn selection_by_id_and_service_and_errors() {
        let fakes = [&FAKE_A1, &FAKE_A2, &FAKE_B1];
        let config = EngineConfig {
            select: vec!["a".into()],
            exclude: vec!["A.2".into()],
            ..Default::default()
        };
        let engine = Engine::from_catalog(&fakes, &config).unwrap();
        assert_eq!(engine.controls().map(|c| c.id).collect::<Vec<_>>(), ["A.1"]);
        let err = Engine::from_catalog(
            &fakes,
            &EngineConfig {
                select: vec!["A.99".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("sidewatch controls"));
        let err = Engine::from_catalog(
            &fakes,
            &EngineConfig {
                select: vec!["B.1".into()],
                exclude: vec!["B".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err, EngineError::NothingSelected);
    }

    #[test]
    fn configuration_from_the_environment() {
        let env = |k: &str| match k {
            "SIDEWATCH_CONTROLS" => Some("S3, EC2.19".to_owned()),
            "SIDEWATCH_PARAMETERS" => {
                Some("EC2.19.blockedPorts=22;S3.8.excludedPublicBuckets=site".to_owned())
            }
            _ => None,
        };
        let config = EngineConfig::from_env(env).unwrap();
        assert_eq!(config.select, ["S3", "EC2.19"]);
        assert!(config.exclude.is_empty());
        let engine = Engine::new(&config).unwrap();
        assert_eq!(
            engine.params("EC2.19").unwrap().get("blockedPorts"),
            Some(&crate::ParamValue::IntList(vec![22]))
        );
        let bad = |k: &str| (k == "SIDEWATCH_PARAMETERS").then(|| "EC2.19=22".to_owned());
        let err = EngineConfig::from_env(bad).unwrap_err();
        assert!(err.to_string().contains("SIDEWATCH_PARAMETERS"), "{err}");
        let none = EngineConfig::from_env(|_| None).unwrap();
        assert!(none.select.is_empty() && none.overrides.is_empty());
    }

    #[test]
    fn overrides_for_unknown_controls_or_names_are_refused() {
        let mut overrides = Overrides::new();
        overrides.set("S3.99", "x", "1");
        let err = Engine::new(&EngineConfig {
            overrides,
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(
            err,
            EngineError::Param(ParamError::UnknownControl(_))
        ));
        let mut overrides = Overrides::new();
        overrides.set("S3.8", "nope", "1");
        let err = Engine::new(&EngineConfig {
            overrides,
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(
            err,
            EngineError::Param(ParamError::Unknown { .. })
        ));
    }
}
