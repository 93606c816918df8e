//! sidewatch's AWS adapters.
//!
//! The core (`sidewatch-core`) is pure: configuration items in, verdicts out. This crate holds what
//! talks to AWS with the AWS SDK for Rust, grouped by the service an adapter talks to:
//!
//! ```text
//! src/
//! ├── lib.rs          this layout, the crate-root re-exports, required_actions
//! ├── clients.rs      one SdkConfig and the AwsClients built from it
//! ├── error.rs        SDK errors as EvidenceError / PortError (one failure classifier)
//! ├── retry.rs        retries, backoff and pacing of the outbound adapters
//! ├── convert.rs      SDK values as stored text and JSON (RFC 3339 times, JSON-or-null)
//! ├── securityhub/    asff.rs, publisher.rs, finding_reader.rs, workflow.rs
//! ├── config/         item_reader.rs, reporter.rs, recorders.rs
//! ├── s3/             rules_store.rs (the user's rules and exceptions)
//! ├── sqs/            sweep_queue.rs
//! ├── sts/            caller_identity.rs
//! ├── collect/        evidence, one file per service (account, cloudtrail, credential_report,
//! │                   iam, resources)
//! ├── inventory/      configuration items from the service APIs, one file per resource type,
//! │                   and scope.rs (enabled Regions, the IAM actions the collectors call)
//! └── remediate/      live re-read of a resource and the calls that apply a remediation plan
//! ```
//!
//! * [`clients`]: one [`SdkConfig`](aws_config::SdkConfig) built once (default credential chain,
//!   optional endpoint override for a local stand-in, standard retries, timeouts) and the
//!   [`AwsClients`] built from it;
//! * [`error`]: how SDK errors become the stored `EvidenceError`, and the [`PortError`]
//!   (with its [`FailureKind`]) of the outbound adapters;
//! * [`retry`]: retries and pacing, shared by the outbound adapters;
//! * `convert` (crate-private): the SDK-value conversions [`collect`] and [`inventory`] share, so
//!   neither imports the other;
//! * the outbound adapters implementing the core's ports, by service; each takes the one client it
//!   needs (`new(&client)`):
//!   * [`securityhub`]: [`SecurityHubPublisher`] (`FindingsSink`), [`SecurityHubFindings`]
//!     (`FindingsSource`), [`SecurityHubWorkflow`] (`FindingsWorkflow`), and the ASFF
//!     conversions in [`securityhub::asff`];
//!   * [`config`]: [`ConfigItems`] (`ItemSource`), [`ConfigReporter`] (`EvaluationsSink`) and
//!     [`ConfigRecorders`] (`RecorderSource`);
//!   * [`s3`]: [`S3RulesStore`] (`RulesStore`), the functions' rules location;
//!   * [`sqs`]: [`SqsSweepQueue`], the sweep function's sender;
//!   * [`sts`]: [`StsIdentity`] (`CallerIdentity`);
//! * [`collect`]: the [`EvidenceCollector`], which fetches what AWS Config does not record (an IAM
//!   user's MFA devices, a KMS key's rotation, the password policy, CloudTrail's trails…) with
//!   read-only calls and stores it — or the failed read — in the configuration item, where the
//!   core's controls read it;
//! * [`inventory`]: configuration items built from the service APIs, for what AWS Config does not
//!   record; [`inventory::scope`] says which Regions a scan reaches and which IAM actions it needs;
//! * [`remediate`]: the remediation function's live re-read of a resource and the SDK calls that
//!   apply a core remediation plan.
//!
//! [`PortError`]: sidewatch_core::ports::PortError
//! [`FailureKind`]: sidewatch_core::ports::FailureKind
//!
//! The IAM actions collection needs are exactly
//! [`EvidenceKind::api_actions`](sidewatch_core::EvidenceKind::api_actions) of the kinds
//! requested; [`required_actions`] lists them for a set of kinds.
// The inventory builds configuration items as JSON literals as long as Config's (RDS clusters,
// ECS container definitions): deeper than serde_json's macro goes by default.

pub mod clients;
pub mod cloudtrail;
pub mod collect;
pub mod config;
mod convert;
pub mod error;
pub mod inventory;
pub mod remediate;
pub mod retry;
pub mod s3;
pub mod securityhub;
pub mod sqs;
pub mod sts;

pub use clients::{AwsClients, ClientOptions};
pub use cloudtrail::CloudTrailChanges;
pub use collect::EvidenceCollector;
pub use config::{ConfigItems, ConfigRecorders, ConfigReporter};
pub use inventory::{CollectionFailure, Inventory, InventoryReport};
pub use retry::RetryPolicy;
pub use s3::S3RulesStore;
pub use securityhub::{SecurityHubFindings, SecurityHubPublisher, SecurityHubWorkflow};
pub use sqs::SqsSweepQueue;
pub use sts::StsIdentity;

use sidewatch_core::EvidenceKind;
use std::collections::BTreeSet;

/// The IAM actions that collecting `kinds` calls, sorted and each once: what the role running the
/// collector must be allowed.
pub fn required_actions(kinds: &[EvidenceKind]) -> Vec<&'static str> {
    let actions: BTreeSet<&'static str> = kinds
        .iter()
        .flat_map(|kind| kind.api_actions().iter().copied())
        .collect();
    actions.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_actions_are_deduplicated_and_sorted() {
        let actions = required_actions(&[
            EvidenceKind::IamUserAccessKeys,
            EvidenceKind::IamUserMfaDevices,
            EvidenceKind::IamUserAccessKeys,
        ]);
        assert_eq!(
            actions,
            [
                "iam:GetAccessKeyLastUsed",
                "iam:ListAccessKeys",
                "iam:ListMFADevices"
            ]
        );
    }
}
