//! sidewatch's AWS adapters.
//!
//! The core (`sidewatch-core`) is pure: configuration items in, verdicts out. This crate holds what
//! talks to AWS with the AWS SDK for Rust:
//!
//! * [`clients`]: one [`SdkConfig`](aws_config::SdkConfig) built once (default credential chain,
//!   optional endpoint override for a local stand-in, standard retries, timeouts) and the
//!   [`AwsClients`] built from it;
//! * [`collect`]: the [`EvidenceCollector`], which fetches what AWS Config does not record (an IAM
//!   user's MFA devices, a KMS key's rotation, the password policy, CloudTrail's trails…) with
//!   read-only calls and stores it — or the failed read — in the configuration item, where the
//!   core's controls read it;
//! * [`error`]: how SDK errors become the stored `EvidenceError`, and the [`PortError`]
//!   (with its [`FailureKind`]) of the outbound adapters;
//! * the outbound adapters implementing the core's ports: [`SecurityHubPublisher`]
//!   (`FindingsSink`), [`SecurityHubFindings`] (`FindingsSource`), [`SecurityHubWorkflow`]
//!   (`FindingsWorkflow`), [`ConfigReporter`] (`EvaluationsSink`) and [`ConfigItems`]
//!   (`ItemSource`); each takes the one client it needs (`new(&client)`), the ASFF conversions are
//!   in [`asff`], retries and pacing in [`retry`];
//! * [`sweep_queue`]: the sweep function's SQS sender;
//! * [`remediate`]: the remediation function's live re-read of a resource and the SDK calls that
//!   apply a core remediation plan;
//! * [`inventory`]: configuration items built from the service APIs, for what AWS Config does not
//!   record.
//!
//! [`PortError`]: sidewatch_core::ports::PortError
//! [`FailureKind`]: sidewatch_core::ports::FailureKind
//!
//! The IAM actions collection needs are exactly
//! [`EvidenceKind::api_actions`](sidewatch_core::EvidenceKind::api_actions) of the kinds
//! requested; [`required_actions`] lists them for a set of kinds.

pub mod asff;
pub mod clients;
pub mod collect;
pub mod error;
pub mod findings;
pub mod identity;
pub mod inventory;
pub mod inventory_scope;
pub mod items;
pub mod publish;
pub mod recorder;
pub mod remediate;
pub mod report;
pub mod retry;
pub mod sweep_queue;
pub mod workflow;

pub use clients::{AwsClients, ClientOptions};
pub use collect::EvidenceCollector;
pub use findings::SecurityHubFindings;
pub use identity::StsIdentity;
pub use inventory::{CollectionFailure, Inventory, InventoryReport};
pub use items::ConfigItems;
pub use publish::SecurityHubPublisher;
pub use report::ConfigReporter;
pub use retry::RetryPolicy;
pub use sweep_queue::SqsSweepQueue;
pub use workflow::SecurityHubWorkflow;

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
