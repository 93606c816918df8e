//! KMS.3 — AWS KMS keys should not be deleted unintentionally.
//!
//! Decided by `configuration.keyState` (in the AWS Config resource schema for `AWS::KMS::Key`,
//! with `deletionDate` set while deletion is scheduled). `PendingDeletion` fails; so does
//! `PendingReplicaDeletion`, the state the KMS API reference gives a multi-Region primary key
//! that is scheduled for deletion and waits for its replica keys to be deleted first. AWS's text
//! says the control fails if a key "is scheduled for deletion", which both states mean; that
//! Security Hub's own rule also fails `PendingReplicaDeletion` is inferred, not read in AWS's
//! text. AWS managed keys cannot be scheduled for deletion and pass like any key not pending.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "KMS.3",
    title: "AWS KMS keys should not be deleted unintentionally",
    severity: Severity::Critical,
    resource_types: &["AWS::KMS::Key"],
    rationale: "Fails when the key's configuration.keyState is PendingDeletion (or \
                PendingReplicaDeletion, a multi-Region primary key waiting for its replicas): \
                once the waiting period ends the key and everything encrypted under it are lost. \
                Passes in any other state. An item without keyState is INSUFFICIENT_DATA.",
    remediation: "If the deletion is not intended, cancel it (kms:CancelKeyDeletion) before the \
                  waiting period ends, then enable the key again (kms:EnableKey). If it is \
                  intended, re-encrypt the data under another key first.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "only the key's owner knows whether the deletion is intended (crypto-shredding is \
              a legitimate use)",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("KMS.3"),
        cis_v3: None,
        nist_800_53_r5: &["SC-12", "SC-12(2)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// Key states in which the key is scheduled for deletion.
const SCHEDULED: [&str; 2] = ["PendingDeletion", "PendingReplicaDeletion"];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let state = match item.read_str("/keyState") {
        Ok(Some(state)) if !state.trim().is_empty() => state.trim(),
        Ok(_) => {
            return Verdict::insufficient(
                "configuration.keyState is missing from the configuration item, so whether the \
                 key is scheduled for deletion is unknown",
            );
        }
        Err(unreadable) => return unreadable.into(),
    };
    let key = item
        .config_str("/keyId")
        .unwrap_or(item.resource_id.as_str());
    if SCHEDULED.iter().any(|s| s.eq_ignore_ascii_case(state)) {
        let when = item
            .config_str("/deletionDate")
            .map_or_else(String::new, |d| format!(" on {d}"));
        Verdict::fail(format!(
            "key {key} is scheduled for deletion{when} (keyState {state})"
        ))
    } else {
        Verdict::pass(format!(
            "key {key} is not scheduled for deletion (keyState {state})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn pending_deletion_fails() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"keyId": "k-1", "keyState": "PendingDeletion",
                   "deletionDate": "2026-12-30T00:00:00Z"}),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "key k-1 is scheduled for deletion on 2026-12-30T00:00:00Z (keyState PendingDeletion)"
            )
        );
        let v =
            testing::with_configuration(&CONTROL, json!({"keyState": "PendingReplicaDeletion"}));
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn other_states_pass_and_unrecorded_ones_are_insufficient() {
        for state in ["Enabled", "Disabled", "PendingImport", "Unavailable"] {
            let v = testing::with_configuration(&CONTROL, json!({"keyState": state}));
            assert!(v.is_compliant(), "{state}: {v}");
        }
        for configuration in [json!({}), json!({"keyState": ""}), json!({"keyState": 3})] {
            let v = testing::with_configuration(&CONTROL, configuration.clone());
            assert!(v.is_insufficient(), "{configuration}: {v}");
        }
    }
}
