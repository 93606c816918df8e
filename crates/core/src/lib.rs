//! The pure core of sidewatch.
//!
//! AWS Config configuration items go in; one [`Verdict`] per applicable control comes out, and
//! each verdict can become an AWS Security Finding Format (ASFF) finding. Everything that talks to
//! AWS lives in other crates: this one has no AWS SDK, no async runtime and does no I/O, so every
//! door into sidewatch (Config rule, EventBridge, sweep, CLI) shares exactly the same logic.
//!
//! ```
//! use sidewatch_core::{ConfigurationItem, Engine};
//!
//! let item = ConfigurationItem::from_json_str(r#"{
//!     "resourceType": "AWS::S3::Bucket",
//!     "resourceId": "example-bucket",
//!     "configurationItemStatus": "OK",
//!     "configuration": {"name": "example-bucket"},
//!     "supplementaryConfiguration": {"PublicAccessBlockConfiguration": {
//!         "blockPublicAcls": true, "ignorePublicAcls": true,
//!         "blockPublicPolicy": false, "restrictPublicBuckets": true}}
//! }"#).unwrap();
//! let engine = Engine::with_defaults();
//! let s3_8 = engine.evaluate(&item).into_iter().find(|e| e.control.id == "S3.8").unwrap();
//! assert!(s3_8.verdict.is_non_compliant());
//! assert!(s3_8.verdict.reason().contains("blockPublicPolicy"));
//! ```

pub mod actor;
pub mod arn;
pub mod boundary;
pub mod change;
pub mod control;
pub mod controls;
pub mod custom;
pub mod doors;
pub mod engine;
pub mod evidence;
pub mod exceptions;
pub mod finding;
pub mod item;
pub mod params;
pub mod pipeline;
pub mod ports;
pub mod responsibility;
pub mod snapshot;
pub mod verdict;

pub use control::{Control, Duty, Mappings, OpenPorts, PlanKind, Remediation, Severity};
pub use controls::catalog;
pub use custom::{CustomSpec, RuleOrigin, RuleSet, RulesLocation, custom_control, origin};
pub use engine::{Engine, EngineConfig, EngineError, Evaluation};
pub use evidence::{EvidenceError, EvidenceKind};
pub use finding::{
    Batcher, Finding, FindingBuilder, FindingContext, FindingError, MAX_FINDING_BYTES,
    MAX_FINDINGS_PER_BATCH, Source, asff_resource_type, finding_id,
};
pub use item::{ACCOUNT_RESOURCE_TYPE, ConfigurationItem, ItemError, ItemStatus};
pub use params::{Overrides, ParamError, ParamKind, ParamSpec, ParamValue};
pub use verdict::{ComplianceType, Verdict};

/// The version of sidewatch that produced a verdict or finding (`sidewatch/Version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
