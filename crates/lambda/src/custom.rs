//! The user's own rules and accepted risks in the functions: every `.guard` object under the S3
//! prefix of `SIDEWATCH_RULES_URI` becomes custom controls, an `exceptions.yaml` (`.yml`, `.json`)
//! directly in it is the exceptions file — read once per cold start, checked as the CLI checks
//! `--rules` and `--exceptions`. Anything not understood stops the container at init with the
//! file, line and message: a function never runs with part of the user's rules or exceptions.

use crate::settings::Settings;
use sidewatch_core::custom::{ObjectKind, RulesLocation};
use sidewatch_core::exceptions::{Exceptions, Standing, Subject};
use sidewatch_core::finding::{ComplianceStatus, Finding, RecordState};
use sidewatch_core::ports::{PortError, RulesObject, RulesStore};
use sidewatch_core::{Engine, RuleSet};
use sidewatch_guard::GuardRules;
use std::sync::Arc;
use time::Date;

/// The product field holding the AWS Config resource id of a finding's resource.
const RESOURCE_ID_FIELD: &str = "sidewatch/ResourceId";

/// Why the rules location could not be used. The container does not start.
#[derive(Debug, thiserror::Error)]
pub enum CustomisationError {
    #[error("the rules location {uri} cannot be read: {error}")]
    Read { uri: String, error: PortError },
    #[error("the rules location {uri}: {error}")]
    Rules {
        uri: String,
        error: sidewatch_guard::LoadError,
    },
    #[error(
        "the rules location {uri}: {file}: {error}. Nothing is evaluated: fix the entry, or \
         remove the file"
    )]
    Exceptions {
        uri: String,
        file: String,
        error: sidewatch_core::exceptions::ExceptionsError,
    },
    #[error("the rules location {uri} holds {first} and {second}: keep one exceptions file")]
    TwoExceptionFiles {
        uri: String,
        first: String,
        second: String,
    },
}

/// What the rules location holds, loaded.
#[derive(Debug, Default)]
pub struct Customisation {
    /// The custom controls (none without a location or without `.guard` files).
    pub rule_sets: Vec<Arc<dyn RuleSet>>,
    /// The accepted risks, when the location has an exceptions file.
    pub exceptions: Option<Exceptions>,
    /// The names of the files read, for the init log.
    pub files: Vec<String>,
}

impl Customisation {
    /// Reads every object of `location` through `store` and loads them, on `today` (the
    /// exceptions file refuses an `expires` more than a year after it).
    pub async fn load<S: RulesStore + Sync>(
        location: &RulesLocation,
        store: &S,
        today: Date,
    ) -> Result<Self, CustomisationError> {
        let objects = store
            .read_all()
            .await
            .map_err(|error| CustomisationError::Read {
                uri: location.uri(),
                error,
            })?;
        Self::from_objects(location, objects, today)
    }

    /// Loads the objects of `location` (names relative to it): `.guard` files as rules, the
    /// exceptions file as exceptions, anything else ignored (Guard's unit tests, notes).
    pub fn from_objects(
        location: &RulesLocation,
        objects: Vec<RulesObject>,
        today: Date,
    ) -> Result<Self, CustomisationError> {
        let uri = location.uri();
        let mut rules = Vec::new();
        let mut exceptions: Option<(String, String)> = None;
        let mut files = Vec::new();
        for object in objects {
            match RulesLocation::kind_of(&object.name) {
                ObjectKind::Rules => {
                    files.push(object.name.clone());
                    rules.push((object.name, object.text));
                }
                ObjectKind::Exceptions => {
                    if let Some((first, _)) = &exceptions {
                        return Err(CustomisationError::TwoExceptionFiles {
                            uri,
                            first: first.clone(),
                            second: object.name,
                        });
                    }
                    files.push(object.name.clone());
                    exceptions = Some((object.name, object.text));
                }
                ObjectKind::Other => {}
            }
        }
        rules.sort();
        let rule_sets: Vec<Arc<dyn RuleSet>> = if rules.is_empty() {
            Vec::new()
        } else {
            let loaded =
                GuardRules::from_sources(rules).map_err(|error| CustomisationError::Rules {
                    uri: uri.clone(),
                    error,
                })?;
            vec![Arc::new(loaded)]
        };
        let exceptions = exceptions
            .map(|(file, text)| {
                Exceptions::parse(&text, today).map_err(|error| CustomisationError::Exceptions {
                    uri: uri.clone(),
                    file,
                    error,
                })
            })
            .transpose()?;
        Ok(Customisation {
            rule_sets,
            exceptions,
            files,
        })
    }

    /// The engine of `settings` with these custom controls; a selection naming a control that
    /// exists nowhere is the error, naming the variable.
    pub fn engine(&self, settings: &Settings) -> Result<Engine, crate::SettingsError> {
        settings.engine_with(self.rule_sets.clone())
    }

    /// The exceptions' word on `finding` on `today`: an excepted failure, or a failure whose
    /// exception has expired. Only active FAILED findings are excepted.
    pub fn standing(&self, finding: &Finding, today: Date) -> Option<Standing> {
        let exceptions = self.exceptions.as_ref()?;
        if finding.record_state != RecordState::Active
            || finding.compliance.status != ComplianceStatus::Failed
        {
            return None;
        }
        let control = finding.control_id()?;
        let resource = finding.resources.first()?;
        let subject = Subject {
            control,
            arn: Some(resource.id.as_str()),
            resource_id: finding
                .product_fields
                .get(RESOURCE_ID_FIELD)
                .map_or(resource.id.as_str(), String::as_str),
            account: Some(finding.aws_account_id.as_str()),
            region: resource.region.as_deref(),
            tags: &resource.tags,
        };
        exceptions.standing(
            &subject,
            &sidewatch_core::Verdict::fail(finding.description.clone()),
            today,
        )
    }
}
