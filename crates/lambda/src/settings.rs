//! The functions' configuration, read once from the environment when a container starts.
//!
//! Every variable is listed in [`VARIABLES`] (the README's table is checked against it). Values
//! are never logged: only the variable names appear in errors.

use sidewatch_core::{Engine, EngineConfig, EngineError, RuleSet, RulesLocation};
use std::sync::Arc;

/// `SIDEWATCH_PUBLISH_FINDINGS`: `true` (default) sends findings to Security Hub, `false` only
/// reports to AWS Config (the config-rule function) or only logs (the others).
pub const PUBLISH_FINDINGS_VAR: &str = "SIDEWATCH_PUBLISH_FINDINGS";
/// `SIDEWATCH_SWEEP_QUEUE_URL`: the SQS queue the sweep fans out to (sweep function only).
pub const SWEEP_QUEUE_URL_VAR: &str = "SIDEWATCH_SWEEP_QUEUE_URL";
/// `SIDEWATCH_GLOBAL_RESOURCES`: `true` (default) when this Region evaluates the account's global
/// controls (IAM, account contacts). Set `false` in every Region but one, so global controls give
/// one finding per account instead of one per Region.
pub const GLOBAL_RESOURCES_VAR: &str = "SIDEWATCH_GLOBAL_RESOURCES";
/// `SIDEWATCH_LOOKUP_CHANGES`: `true` (default) looks up who made a change in CloudTrail
/// (`LookupEvents`, a few calls per invocation) from the configuration item's related events;
/// config-rule and events functions. The caller of an API call in hand is always named.
pub const LOOKUP_CHANGES_VAR: &str = "SIDEWATCH_LOOKUP_CHANGES";
/// `SIDEWATCH_SWEEP_LOOKUP_CHANGES`: `false` (default) names nobody on the sweep's findings;
/// `true` looks up who made the change for FAILED findings only, a few calls per message.
pub const SWEEP_LOOKUP_CHANGES_VAR: &str = "SIDEWATCH_SWEEP_LOOKUP_CHANGES";
/// `SIDEWATCH_RULES_URI`: `s3://BUCKET/FOLDER/`, where the user's Guard rules (`*.guard`) and
/// exceptions file (`exceptions.yaml`) are read from at each cold start; unset: none.
pub const RULES_URI_VAR: &str = "SIDEWATCH_RULES_URI";
/// `AWS_REGION`: set by Lambda; the Region findings are reported in.
pub const REGION_VAR: &str = "AWS_REGION";

/// Every environment variable the config-rule, events and sweep functions read, with what it does.
pub const VARIABLES: &[(&str, &str)] = &[
    (
        EngineConfig::CONTROLS_VAR,
        "control ids or services to run, comma-separated (`S3,EC2.19`); all when unset",
    ),
    (
        EngineConfig::EXCLUDE_VAR,
        "control ids or services to leave out, comma-separated",
    ),
    (
        EngineConfig::PARAMETERS_VAR,
        "control parameters, `CONTROL.NAME=VALUE` separated by `;` (`EC2.19.blockedPorts=22,3389`)",
    ),
    (
        PUBLISH_FINDINGS_VAR,
        "`true` (default) or `false`: send findings to Security Hub",
    ),
    (
        GLOBAL_RESOURCES_VAR,
        "`true` (default) or `false`: this Region evaluates global (IAM, account) controls; \
         `false` in every Region but one",
    ),
    (
        LOOKUP_CHANGES_VAR,
        "`true` (default) or `false`: config-rule and events functions look up who made a change \
         in CloudTrail (`LookupEvents`, at most 3 calls per invocation)",
    ),
    (
        SWEEP_LOOKUP_CHANGES_VAR,
        "sweep only: `false` (default) or `true`: look up who made the change of FAILED findings \
         (at most 3 `LookupEvents` calls per message)",
    ),
    (
        RULES_URI_VAR,
        "`s3://BUCKET/FOLDER/`: every `.guard` object under it is a custom rule, an \
         `exceptions.yaml` in it the accepted risks; read once per cold start; none when unset",
    ),
    (
        SWEEP_QUEUE_URL_VAR,
        "sweep only: URL of the SQS queue the scheduled sweep sends resource batches to",
    ),
    (
        REGION_VAR,
        "set by Lambda: the Region findings are reported in",
    ),
    (
        "AWS_ENDPOINT_URL",
        "local stand-in only: send every AWS call to this endpoint (moto)",
    ),
];

/// A variable that is missing or does not hold what it must. The message names the variable and
/// what fits, never the value of another variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("environment variable {variable} is not set; {hint}")]
    Missing {
        variable: &'static str,
        hint: &'static str,
    },
    #[error("environment variable {variable} must be `true` or `false`, found '{found}'")]
    NotABool {
        variable: &'static str,
        found: String,
    },
    #[error("{0}")]
    Engine(String),
    #[error("environment variable {variable}: {reason}")]
    Invalid {
        variable: &'static str,
        reason: String,
    },
}

/// The configuration of one function.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Which controls run, with which parameters (`SIDEWATCH_CONTROLS`, `SIDEWATCH_EXCLUDE`,
    /// `SIDEWATCH_PARAMETERS`).
    pub engine: EngineConfig,
    /// `SIDEWATCH_PUBLISH_FINDINGS`.
    pub publish_findings: bool,
    /// `SIDEWATCH_GLOBAL_RESOURCES`.
    pub evaluate_global_resources: bool,
    /// `SIDEWATCH_LOOKUP_CHANGES`.
    pub lookup_changes: bool,
    /// `SIDEWATCH_SWEEP_LOOKUP_CHANGES`.
    pub sweep_lookup_changes: bool,
    /// `SIDEWATCH_SWEEP_QUEUE_URL`, when set.
    pub sweep_queue_url: Option<String>,
    /// `SIDEWATCH_RULES_URI`, when set.
    pub rules_location: Option<RulesLocation>,
    /// `AWS_REGION`.
    pub region: String,
}

impl Settings {
    /// Reads the settings through `lookup` (`|k| std::env::var(k).ok()` in the functions); the
    /// engine configuration is checked against the catalog here, so a typo stops the container at
    /// start with the variable's name instead of failing every invocation.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let engine =
            EngineConfig::from_env(get).map_err(|e| SettingsError::Engine(e.to_string()))?;
        let rules_location = get(RULES_URI_VAR)
            .map(|uri| RulesLocation::parse(&uri))
            .transpose()
            .map_err(|reason| SettingsError::Invalid {
                variable: RULES_URI_VAR,
                reason,
            })?;
        // With custom rules the selection may name them: it is checked once they are loaded
        // (`Settings::engine_with`), still before the first invocation.
        if rules_location.is_none() {
            Engine::new(&engine).map_err(|e| SettingsError::Engine(explain_engine_error(e)))?;
        }
        let region = get(REGION_VAR).ok_or(SettingsError::Missing {
            variable: REGION_VAR,
            hint: "Lambda sets it; set it when running the function elsewhere",
        })?;
        Ok(Settings {
            engine,
            publish_findings: flag(get, PUBLISH_FINDINGS_VAR, true)?,
            evaluate_global_resources: flag(get, GLOBAL_RESOURCES_VAR, true)?,
            lookup_changes: flag(get, LOOKUP_CHANGES_VAR, true)?,
            sweep_lookup_changes: flag(get, SWEEP_LOOKUP_CHANGES_VAR, false)?,
            sweep_queue_url: get(SWEEP_QUEUE_URL_VAR),
            rules_location,
            region,
        })
    }

    /// The engine of these settings with the custom controls of `rule_sets`: the selection and
    /// parameters are checked against both; an error names the variable.
    pub fn engine_with(&self, rule_sets: Vec<Arc<dyn RuleSet>>) -> Result<Engine, SettingsError> {
        Engine::with_rules(&self.engine, rule_sets)
            .map_err(|e| SettingsError::Engine(explain_engine_error(e)))
    }

    /// [`Settings::from_lookup`] on the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// `SIDEWATCH_SWEEP_QUEUE_URL`, required by the sweep function.
    pub fn require_sweep_queue_url(&self) -> Result<&str, SettingsError> {
        self.sweep_queue_url
            .as_deref()
            .ok_or(SettingsError::Missing {
                variable: SWEEP_QUEUE_URL_VAR,
                hint: "the sweep needs the URL of its SQS queue",
            })
    }
}

/// An engine error from the environment, naming the variable that selects or parameterises.
fn explain_engine_error(error: EngineError) -> String {
    match error {
        EngineError::UnknownSelector(_) | EngineError::NothingSelected => format!(
            "environment variables {} / {}: {error}",
            EngineConfig::CONTROLS_VAR,
            EngineConfig::EXCLUDE_VAR
        ),
        EngineError::Param(_) => {
            format!(
                "environment variable {}: {error}",
                EngineConfig::PARAMETERS_VAR
            )
        }
        EngineError::Environment { .. } | EngineError::DuplicateId(_) => error.to_string(),
    }
}

fn flag(
    get: impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: bool,
) -> Result<bool, SettingsError> {
    match get(variable) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(found) => Err(SettingsError::NotABool { variable, found }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_publish_and_evaluate_global_controls() {
        let s = settings(&[("AWS_REGION", "eu-west-1")]).unwrap();
        assert!(s.publish_findings && s.evaluate_global_resources);
        assert_eq!(s.region, "eu-west-1");
        assert!(s.sweep_queue_url.is_none());
        assert!(s.engine.select.is_empty());
        let err = s.require_sweep_queue_url().unwrap_err().to_string();
        assert!(err.contains(SWEEP_QUEUE_URL_VAR), "{err}");
    }

    #[test]
    fn errors_name_the_variable() {
        let err = settings(&[]).unwrap_err().to_string();
        assert!(err.contains("AWS_REGION"), "{err}");
        let err = settings(&[("AWS_REGION", "eu-west-1"), (PUBLISH_FINDINGS_VAR, "yes")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(PUBLISH_FINDINGS_VAR) && err.contains("'yes'"),
            "{err}"
        );
        let err = settings(&[
            ("AWS_REGION", "eu-west-1"),
            ("SIDEWATCH_CONTROLS", "S3,EC9"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("SIDEWATCH_CONTROLS") && err.contains("EC9"),
            "{err}"
        );
        let err = settings(&[
            ("AWS_REGION", "eu-west-1"),
            ("SIDEWATCH_PARAMETERS", "EC2.19.blockedPorts=99999"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("SIDEWATCH_PARAMETERS"), "{err}");
    }

    #[test]
    fn the_readme_lists_every_variable() {
        let readme = include_str!("../../../README.md");
        let rows: Vec<(String, String)> = readme
            .lines()
            .skip_while(|l| !l.starts_with("**Environment**"))
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let rest = l.strip_prefix("| `")?;
                let (name, rest) = rest.split_once("` | ")?;
                Some((name.to_owned(), rest.strip_suffix(" |")?.to_owned()))
            })
            .collect();
        let expected: Vec<(String, String)> = VARIABLES
            .iter()
            .map(|(n, d)| ((*n).to_owned(), (*d).to_owned()))
            .collect();
        assert_eq!(rows, expected, "README's Functions environment table");
    }

    #[test]
    fn the_selection_may_name_custom_rules_only_when_a_rules_location_is_set() {
        let custom = [
            ("AWS_REGION", "eu-west-1"),
            ("SIDEWATCH_CONTROLS", "S3,Custom"),
        ];
        let err = settings(&custom).unwrap_err().to_string();
        assert!(
            err.contains("SIDEWATCH_CONTROLS") && err.contains("Custom"),
            "{err}"
        );
        let mut with_rules = custom.to_vec();
        with_rules.push((RULES_URI_VAR, "s3://team-rules/sidewatch/"));
        let s = settings(&with_rules).unwrap();
        assert_eq!(s.rules_location.as_ref().unwrap().prefix, "sidewatch/");
        // Checked once the rules are loaded: without a rule called Custom.*, still refused.
        let err = s.engine_with(Vec::new()).unwrap_err().to_string();
        assert!(
            err.contains("SIDEWATCH_CONTROLS") && err.contains("Custom"),
            "{err}"
        );
        let err = settings(&[("AWS_REGION", "eu-west-1"), (RULES_URI_VAR, "team-rules")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(RULES_URI_VAR) && err.contains("s3://BUCKET/"),
            "{err}"
        );
    }

    #[test]
    fn values_are_read() {
        let s = settings(&[
            ("AWS_REGION", "eu-west-1"),
            (PUBLISH_FINDINGS_VAR, "FALSE"),
            (GLOBAL_RESOURCES_VAR, "false"),
            (
                SWEEP_QUEUE_URL_VAR,
                "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
            ),
            ("SIDEWATCH_CONTROLS", "S3"),
        ])
        .unwrap();
        assert!(!s.publish_findings && !s.evaluate_global_resources);
        assert_eq!(s.engine.select, ["S3"]);
        assert!(s.require_sweep_queue_url().unwrap().ends_with("/q"));
    }
}
