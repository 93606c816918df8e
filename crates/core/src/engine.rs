//! The engine: every applicable control on every item, one verdict each.

use crate::control::{Context, Control};
use crate::controls::catalog;
use crate::evidence::EvidenceKind;
use crate::item::{ACCOUNT_RESOURCE_TYPE, ConfigurationItem, Unreadable};
use crate::params::{Overrides, ParamError, ResolvedParams};
use crate::verdict::Verdict;
use std::collections::HashMap;

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
}

/// Runs the selected controls. Build it once (it resolves parameters and indexes controls by
/// resource type) and share it: evaluation takes `&self` and is pure.
#[derive(Debug)]
pub struct Engine {
    entries: Vec<Entry>,
    by_type: HashMap<&'static str, Vec<usize>>,
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

    /// The engine over an explicit list of controls (tests and embedders).
    pub fn from_catalog(
        controls: &[&'static Control],
        config: &EngineConfig,
    ) -> Result<Self, EngineError> {
        for selector in config.select.iter().chain(&config.exclude) {
            if !controls.iter().any(|c| selector_matches(selector, c)) {
                return Err(EngineError::UnknownSelector(selector.clone()));
            }
        }
        for id in config.overrides.controls() {
            if !controls.iter().any(|c| c.id == id) {
                return Err(ParamError::UnknownControl(id.to_owned()).into());
            }
        }
        let mut entries = Vec::new();
        let mut by_type: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for &control in controls {
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
            for resource_type in control.resource_types {
                by_type
                    .entry(resource_type)
                    .or_default()
                    .push(entries.len());
            }
            entries.push(Entry { control, params });
        }
        if entries.is_empty() {
            return Err(EngineError::NothingSelected);
        }
        Ok(Engine { entries, by_type })
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
        self.by_type.contains_key(resource_type)
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
    /// An unknown resource type gets nothing.
    pub fn evaluate_into(&self, item: &ConfigurationItem, out: &mut Vec<Evaluation>) {
        let Some(indices) = self.by_type.get(item.resource_type.as_str()) else {
            return;
        };
        let unreadable = item.configuration_unreadable();
        for &i in indices {
            let entry = &self.entries[i];
            let control = entry.control;
            let verdict = if item.status.is_gone() {
                Verdict::not_applicable(format!(
                    "the resource is no longer recorded ({})",
                    item.status
                ))
            } else if item.configuration.is_null() {
                Verdict::insufficient(
                    "the configuration item carries no configuration (oversized or partial item); \
                     fetch the full item with GetResourceConfigHistory",
                )
            } else if let Some(problem) = &unreadable {
                Verdict::insufficient(format!("{problem}, so no control can read it"))
            } else if only_global_evidence(control) {
                match evaluates_global_resources(item) {
                    Err(problem) => Verdict::from(problem),
                    Ok(false) => Verdict::not_applicable(
                        "global (IAM and account-wide) controls are evaluated once, in the Region \
                         that evaluates global resources",
                    ),
                    Ok(true) => (control.evaluate)(&Context::new(item, &entry.params)),
                }
            } else {
                (control.evaluate)(&Context::new(item, &entry.params))
            };
            out.push(Evaluation {
                control: entry.control,
                verdict,
            });
        }
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
        let Some(indices) = self.by_type.get(item.resource_type.as_str()) else {
            return Vec::new();
        };
        // An unreadable flag makes the global controls INSUFFICIENT_DATA whatever is fetched.
        let global = evaluates_global_resources(item).unwrap_or(false);
        let mut kinds: Vec<EvidenceKind> = indices
            .iter()
            .flat_map(|&i| self.entries[i].control.evidence.iter().copied())
            .filter(|kind| global || !kind.is_global())
            .filter(|kind| !item.supplementary.contains_key(&kind.key()))
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
    Ok(item
        .read_bool("/evaluatesGlobalResources")?
        .unwrap_or(true))
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
