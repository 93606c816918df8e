//! Custom controls written in AWS CloudFormation Guard, the language of AWS Config custom policy
//! rules, evaluated in-process with the `cfn-guard` crate.
//!
//! Each named rule of a rules file becomes a control of the core's engine ([`GuardRules`]
//! implements [`sidewatch_core::RuleSet`]): it is evaluated in the same pipeline as the built-in
//! controls, on each configuration item in the shape AWS Config hands a custom policy rule, so a
//! rule written for AWS Config gives the same verdict here.
//!
//! | Guard status | verdict |
//! |---|---|
//! | PASS | PASSED |
//! | FAIL | FAILED, with the rule's custom messages (`<< … >>`), else Guard's account of the failing clauses |
//! | SKIP | NOT_APPLICABLE (its `when` conditions do not hold) |
//! | evaluation error | INSUFFICIENT_DATA naming the rule and Guard's error |
//!
//! A file that does not parse is refused when it is loaded ([`LoadError::Parse`], with file,
//! line, column and Guard's message). Metadata — id, title, severity, resource types,
//! remediation, duty — is optional, in a comment header ([`metadata`]); without it a rule gets
//! the id `Custom.<rule>`, severity MEDIUM and the resource types of its `resourceType` clause
//! (every type when it has none).

pub mod metadata;
mod report;
pub mod test_files;
mod tree;

use metadata::{FileMeta, RuleMeta};
use serde_json::Value;
use sidewatch_core::custom::DEFAULT_NAMESPACE;
use sidewatch_core::engine::Evaluation;
use sidewatch_core::evidence::EVIDENCE_KEY_PREFIX;
use sidewatch_core::{ConfigurationItem, Control, CustomSpec, Duty, RuleOrigin, RuleSet, Severity};
use std::path::{Path, PathBuf};

pub use test_files::{TestOutcome, run_tests};

/// The file extension of Guard rules files read from a folder.
pub const RULES_EXTENSION: &str = "guard";

/// Why rules could not be loaded. Nothing is evaluated with a rule set that failed to load.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("{file}:{line}:{column}: the Guard rules do not parse: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: the Guard rules do not parse: {message}")]
    ParseWithoutPosition { file: String, message: String },
    #[error("{file}: cannot be read: {reason}")]
    Read { file: String, reason: String },
    #[error("{file}: the sidewatch metadata header is not valid: {reason}")]
    Metadata { file: String, reason: String },
    #[error("{0}: holds no .guard file")]
    EmptyFolder(String),
    #[error("{file}: holds no named rule (write `rule NAME {{ … }}`)")]
    NoRules { file: String },
}

/// One named rule of a file, with its control.
#[derive(Debug)]
struct Rule {
    name: String,
    control: &'static Control,
}

/// One rules file: its text (evaluated as a whole, as AWS Config does) and its rules.
#[derive(Debug)]
struct RulesFile {
    name: String,
    text: String,
    rules: Vec<Rule>,
}

/// Guard rules files loaded as custom controls.
#[derive(Debug, Default)]
pub struct GuardRules {
    files: Vec<RulesFile>,
    controls: Vec<&'static Control>,
}

impl GuardRules {
    /// Loads `paths`: each a `.guard` file, or a folder whose `.guard` files are read (not its
    /// sub-folders, where Guard keeps its unit tests), in name order.
    pub fn load(paths: &[PathBuf]) -> Result<Self, LoadError> {
        let mut sources = Vec::new();
        for path in paths {
            for file in rules_files(path)? {
                let text = std::fs::read_to_string(&file).map_err(|e| LoadError::Read {
                    file: file.display().to_string(),
                    reason: e.to_string(),
                })?;
                sources.push((file.display().to_string(), text));
            }
        }
        Self::from_sources(sources)
    }

    /// Loads rules files given as `(name, text)`: the name is what findings and errors call the
    /// file (a path, an S3 key).
    pub fn from_sources(sources: Vec<(String, String)>) -> Result<Self, LoadError> {
        let mut rules = GuardRules::default();
        for (name, text) in sources {
            let file = load_file(name, text)?;
            rules.controls.extend(file.rules.iter().map(|r| r.control));
            rules.files.push(file);
        }
        Ok(rules)
    }

    /// How many rules files are loaded.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

impl RuleSet for GuardRules {
    fn controls(&self) -> &[&'static Control] {
        &self.controls
    }

    fn evaluate(&self, item: &ConfigurationItem) -> Vec<Evaluation> {
        let mut out = Vec::new();
        let mut input: Option<String> = None;
        for file in &self.files {
            let applicable: Vec<&Rule> = file
                .rules
                .iter()
                .filter(|r| r.control.applies_to(&item.resource_type))
                .collect();
            if applicable.is_empty() {
                continue;
            }
            let input = input.get_or_insert_with(|| guard_input(item));
            let result = cfn_guard::run_checks(
                cfn_guard::ValidateInput {
                    content: input,
                    file_name: &item.resource_id,
                },
                cfn_guard::ValidateInput {
                    content: &file.text,
                    file_name: &file.name,
                },
                false,
            );
            let verdicts = report::verdicts(&file.name, result.map_err(|e| e.to_string()));
            for rule in applicable {
                out.push(Evaluation {
                    control: rule.control,
                    verdict: verdicts.verdict(&rule.name),
                });
            }
        }
        out
    }
}

/// The item as AWS Config hands it to a custom policy rule: the notification shape, without the
/// evidence sidewatch adds for its own controls.
fn guard_input(item: &ConfigurationItem) -> String {
    let mut value = item.to_notification_json();
    if let Some(Value::Object(supplementary)) = value.get_mut("supplementaryConfiguration") {
        supplementary.retain(|key, _| !key.starts_with(EVIDENCE_KEY_PREFIX));
    }
    value.to_string()
}

/// The `.guard` files `path` names: itself, or those in the folder.
fn rules_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let read_error = |e: std::io::Error| LoadError::Read {
        file: path.display().to_string(),
        reason: e.to_string(),
    };
    if !path.is_dir() {
        std::fs::metadata(path).map_err(read_error)?;
        return Ok(vec![path.to_owned()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(read_error)? {
        let file = entry.map_err(read_error)?.path();
        if file.is_file() && file.extension().is_some_and(|e| e == RULES_EXTENSION) {
            files.push(file);
        }
    }
    if files.is_empty() {
        return Err(LoadError::EmptyFolder(path.display().to_string()));
    }
    files.sort();
    Ok(files)
}

/// Parses one file and makes a control of each of its named rules.
fn load_file(name: String, text: String) -> Result<RulesFile, LoadError> {
    let parsed = tree::parse(&name, &text)?;
    let meta = metadata::read(&text).map_err(|reason| LoadError::Metadata {
        file: name.clone(),
        reason,
    })?;
    if let Some(unknown) = meta
        .rules
        .keys()
        .find(|r| !parsed.iter().any(|p| &p.name == *r))
    {
        return Err(LoadError::Metadata {
            file: name,
            reason: format!("the header describes rule '{unknown}', which the file does not have"),
        });
    }
    if parsed.is_empty() {
        return Err(LoadError::NoRules { file: name });
    }
    let rules = parsed
        .into_iter()
        .map(|rule| {
            let own = meta.rules.get(&rule.name).cloned().unwrap_or_default();
            let spec = spec(&name, &meta, &rule, own).map_err(|reason| LoadError::Metadata {
                file: name.clone(),
                reason,
            })?;
            let control = sidewatch_core::custom_control(
                spec,
                RuleOrigin {
                    file: name.clone(),
                    rule: rule.name.clone(),
                },
            );
            Ok(Rule {
                name: rule.name,
                control,
            })
        })
        .collect::<Result<_, LoadError>>()?;
    Ok(RulesFile { name, text, rules })
}

/// The control's metadata: the header's, else the documented defaults.
fn spec(
    file: &str,
    meta: &FileMeta,
    rule: &tree::ParsedRule,
    own: RuleMeta,
) -> Result<CustomSpec, String> {
    let namespace = meta.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
    let id = match own.id {
        Some(id) => id,
        None => format!("{namespace}.{}", rule.name),
    };
    metadata::check_id(&id)?;
    let severity = match own.severity {
        Some(s) => s.parse::<Severity>()?,
        None => Severity::Medium,
    };
    let duty = match own.duty {
        Some(d) => Duty::ALL
            .into_iter()
            .find(|duty| duty.slug() == d.trim())
            .ok_or_else(|| {
                let slugs: Vec<&str> = Duty::ALL.iter().map(|d| d.slug()).collect();
                format!("unknown duty '{d}'; use one of {}", slugs.join(", "))
            })?,
        None => metadata::DEFAULT_DUTY,
    };
    Ok(CustomSpec {
        id,
        title: own
            .title
            .unwrap_or_else(|| format!("Guard rule {} of {file}", rule.name)),
        severity,
        resource_types: own
            .resource_types
            .unwrap_or_else(|| rule.resource_types.clone()),
        rationale: own
            .rationale
            .unwrap_or_else(|| format!("Passes when Guard rule {} of {file} passes.", rule.name)),
        remediation: own.remediation.unwrap_or_default(),
        remediation_url: own.remediation_url.unwrap_or_default(),
        duty,
    })
}
