//! AWS Security Finding Format (ASFF): one finding per (account, Region, control, resource).
//!
//! [`FindingBuilder`] turns an [`Evaluation`](crate::Evaluation) of a configuration item into a
//! [`Finding`] shaped exactly as `BatchImportFindings` takes it (PascalCase field names, ASFF
//! enums); [`Finding::validate`] checks the limits Security Hub enforces; [`Batcher`] groups
//! findings into requests Security Hub accepts.
//!
//! ```
//! use sidewatch_core::{ConfigurationItem, Engine, FindingBuilder, FindingContext, Source};
//! use time::macros::datetime;
//!
//! let item = ConfigurationItem::from_json_str(r#"{
//!     "resourceType": "AWS::S3::Bucket", "resourceId": "example-bucket",
//!     "ARN": "arn:aws:s3:::example-bucket", "awsAccountId": "123456789012",
//!     "awsRegion": "eu-west-1", "configuration": {"name": "example-bucket"}
//! }"#).unwrap();
//! let engine = Engine::with_defaults();
//! let eval = engine.evaluate(&item).into_iter().find(|e| e.control.id == "S3.8").unwrap();
//! let builder = FindingBuilder::new(FindingContext {
//!     account_override: None,
//!     region_override: None,
//!     source: Source::Cli,
//!     now: datetime!(2024-06-01 10:00 UTC),
//! });
//! let finding = builder.build(&item, &eval).unwrap();
//! assert_eq!(finding.compliance_status(), "FAILED");
//! assert_eq!(finding.generator_id, "sidewatch/S3.8");
//! ```
//!
//! What sidewatch deliberately leaves out of every finding:
//! * `Workflow` / `WorkflowState`: Security Hub owns the investigation workflow. After a finding
//!   exists `BatchImportFindings` cannot change it, Security Hub sets `RESOLVED` by itself when
//!   `Compliance.Status` becomes `PASSED` and back to `NEW` when it leaves `PASSED`; people and
//!   remediation hooks change it through `BatchUpdateFindings`.
//! * `Note`, `UserDefinedFields`, `VerificationState`: customer fields, same reason.
//! * `Region`, `ProductName`, `CompanyName`: Security Hub fills them in.

mod batch;
mod build;
mod encode;
mod model;
pub mod ocsf;
pub mod region;
mod validate;

pub use batch::{Batcher, MAX_BATCH_BYTES};
pub use build::{
    FindingBuilder, FindingContext, MAX_OBSERVATION_AGE, asff_resource_type, finding_id,
};
pub use encode::AsffEncoder;
pub use model::{
    Action, AwsApiCallAction, Compliance, ComplianceStatus, DomainDetails, Finding,
    FindingProviderFields, FindingSeverity, Recommendation, RecordState, Remediation,
    RemoteIpDetails, Resource,
};

use std::fmt;
use std::str::FromStr;

/// The ASFF schema version every finding declares (`SchemaVersion`).
pub const SCHEMA_VERSION: &str = "2018-10-08";

/// Findings `BatchImportFindings` accepts in one call.
pub const MAX_FINDINGS_PER_BATCH: usize = 100;

/// How old Security Hub's copy of an unchanged finding may grow before the sweep imports it
/// again: Security Hub deletes a finding 90 days after its `UpdatedAt`; renewed after a month,
/// a finding survives two months of failed sweeps.
pub const REFRESH_AFTER: time::Duration = time::Duration::days(30);

/// The largest serialized finding `BatchImportFindings` accepts ("240 KB per finding").
pub const MAX_FINDING_BYTES: usize = 240 * 1024;

/// Which door of sidewatch produced a finding (`ProductFields["sidewatch/Source"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The AWS Config custom rule (configuration change, oversized item, periodic).
    ConfigRule,
    /// An EventBridge event (CloudTrail API call, Config item change).
    Event,
    /// The scheduled reconciliation sweep.
    Sweep,
    /// The `sidewatch` command line.
    Cli,
}

impl Source {
    /// Every source, in the order of the enum.
    pub const ALL: [Source; 4] = [
        Source::ConfigRule,
        Source::Event,
        Source::Sweep,
        Source::Cli,
    ];

    /// `config-rule`, `event`, `sweep` or `cli`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ConfigRule => "config-rule",
            Source::Event => "event",
            Source::Sweep => "sweep",
            Source::Cli => "cli",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Source::ALL
            .into_iter()
            .find(|source| source.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown finding source '{s}'; use one of config-rule, event, sweep, cli")
            })
    }
}

/// Why a finding could not be built, validated or batched. The message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    #[error(
        "no AWS account id for {resource}: the configuration item carries no awsAccountId; \
         pass --account with the 12-digit account id"
    )]
    MissingAccount { resource: String },
    #[error(
        "'{account}' is not an AWS account id (12 digits) for {resource}; \
         pass --account with the 12-digit account id"
    )]
    InvalidAccount { account: String, resource: String },
    #[error(
        "no AWS Region for {resource}: the configuration item carries no awsRegion (global \
         resources such as IAM record 'global'); pass --region with the Region the finding \
         belongs to"
    )]
    MissingRegion { resource: String },
    #[error(
        "'{region}' is not an AWS Region name for {resource}; pass --region with a Region such \
         as us-east-1"
    )]
    InvalidRegion { region: String, resource: String },
    #[error(
        "the evaluation time {0} cannot be written as an RFC 3339 timestamp; check the clock \
         that set FindingContext::now"
    )]
    Timestamp(String),
    #[error(
        "finding {id} is not valid ASFF: {field} {problem}; Security Hub would reject it, so fix \
         the finding before sending it"
    )]
    Invalid {
        id: String,
        field: String,
        problem: String,
    },
    #[error(
        "finding {id} is {bytes} bytes serialized, over the {max} bytes a finding may take in a \
         BatchImportFindings request; it cannot be sent (shorten the verdict reason or drop \
         resource tags)"
    )]
    TooLarge {
        id: String,
        bytes: usize,
        max: usize,
    },
    #[error("finding {id} could not be serialized to JSON: {reason}")]
    Serialize { id: String, reason: String },
}

impl FindingError {
    /// The same error for element `index` of a list attribute.
    pub(crate) fn at_index(self, index: usize) -> FindingError {
        match self {
            FindingError::Invalid { id, field, problem } => FindingError::Invalid {
                id,
                field: format!("{field}[{index}]"),
                problem,
            },
            other => other,
        }
    }
}

/// True when a string has no visible character: ASFF strings must match `.*\S.*`.
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// `text` cut to at most `max` characters, on a character boundary, without any marker (for
/// values whose character set is restricted, such as tag values).
fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip_through_their_names() {
        for source in Source::ALL {
            assert_eq!(source.as_str().parse::<Source>(), Ok(source));
            assert_eq!(source.to_string(), source.as_str());
        }
        assert_eq!(" Config-Rule ".parse::<Source>(), Ok(Source::ConfigRule));
        assert!("lambda".parse::<Source>().unwrap_err().contains("sweep"));
    }

    #[test]
    fn blank_and_truncation_helpers() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n"));
        assert!(!is_blank(" a "));
        assert_eq!(truncate_chars("héllo", 2), "hé");
        assert_eq!(truncate_chars("héllo", 5), "héllo");
        assert_eq!(truncate_chars("héllo", 50), "héllo");
        assert_eq!(truncate_chars("", 0), "");
    }

    #[test]
    fn errors_tell_the_user_what_to_pass() {
        let e = FindingError::MissingAccount {
            resource: "AWS::S3::Bucket b".into(),
        };
        assert!(e.to_string().contains("--account"), "{e}");
        let e = FindingError::MissingRegion {
            resource: "AWS::IAM::User u".into(),
        };
        assert!(e.to_string().contains("--region"), "{e}");
    }
}
