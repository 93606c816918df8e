//! `sidewatch permissions`: the read-only IAM policy `sidewatch scan --live` and `sidewatch
//! snapshot` need: the evidence reads of the selected controls, and the inventory's list and
//! describe calls (`sidewatch_aws::inventory::scope::INVENTORY_OPERATIONS`, checked against the
//! collectors' code by the aws crate's tests). `--publish`'s one write is not included.

use crate::{EXIT_ERROR, EXIT_OK, Io, PermissionsArgs, error};
use sidewatch_aws::inventory::scope::inventory_actions;
use sidewatch_core::{Engine, EngineConfig, EvidenceKind};
use std::collections::BTreeSet;

/// `sts:GetCallerIdentity` needs no permission (AWS allows it to every identity), so the policy
/// lists only the evidence reads.
pub fn run(args: &PermissionsArgs, io: &mut Io<'_>) -> u8 {
    let config = EngineConfig {
        select: args.controls.clone(),
        exclude: args.exclude.clone(),
        ..EngineConfig::default()
    };
    let engine = match Engine::new(&config) {
        Ok(engine) => engine,
        Err(e) => {
            error(io.stderr, e);
            return EXIT_ERROR;
        }
    };
    let kinds: BTreeSet<EvidenceKind> = engine
        .controls()
        .flat_map(|c| c.evidence.iter().copied())
        .collect();
    let kinds: Vec<EvidenceKind> = kinds.into_iter().collect();
    let written =
        serde_json::to_writer_pretty(&mut *io.stdout, &policy(&kinds, args.lookup_changes))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(io.stdout))
            .and_then(|()| io.stdout.flush());
    match written {
        Ok(()) => EXIT_OK,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                error(io.stderr, format!("cannot write the output: {e}"));
            }
            EXIT_ERROR
        }
    }
}

/// The reads of `scan --live --lookup-changes`: who made a change (CloudTrail's event history),
/// and the related events of an item its input did not carry them for (AWS Config's history).
pub const CHANGE_LOOKUP_ACTIONS: [&str; 2] = [
    sidewatch_aws::cloudtrail::change_events::LOOKUP_OPERATION,
    sidewatch_aws::config::item_reader::HISTORY_OPERATION,
];

/// The identity policy allowing exactly the reads of `kinds` and the inventory's reads, and with
/// `lookups` those of [`CHANGE_LOOKUP_ACTIONS`].
pub fn policy(kinds: &[EvidenceKind], lookups: bool) -> serde_json::Value {
    let actions = sidewatch_aws::required_actions(kinds);
    let mut statements = Vec::new();
    if !actions.is_empty() {
        statements.push(serde_json::json!({
            "Sid": "SidewatchLiveScanReadOnly",
            "Effect": "Allow",
            "Action": &actions,
            "Resource": "*"
        }));
    }
    // The inventory's reads the evidence statement does not already allow.
    let inventory: Vec<&str> = inventory_actions()
        .into_iter()
        .filter(|a| !actions.contains(a))
        .collect();
    statements.push(serde_json::json!({
        "Sid": "SidewatchInventoryReadOnly",
        "Effect": "Allow",
        "Action": inventory,
        "Resource": "*"
    }));
    if lookups {
        statements.push(serde_json::json!({
            "Sid": "SidewatchChangeLookups",
            "Effect": "Allow",
            "Action": CHANGE_LOOKUP_ACTIONS,
            "Resource": "*"
        }));
    }
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": statements
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_reads() {
        let policy = policy(&EvidenceKind::ALL, true);
        let evidence = policy["Statement"][0]["Action"].as_array().unwrap();
        assert!(evidence.len() >= 20, "{evidence:?}");
        let inventory = policy["Statement"][1]["Action"].as_array().unwrap();
        assert!(
            inventory.iter().any(|a| a == "s3:ListAllMyBuckets"),
            "{inventory:?}"
        );
        let lookups = policy["Statement"][2]["Action"].as_array().unwrap();
        assert_eq!(
            lookups,
            &["cloudtrail:LookupEvents", "config:GetResourceConfigHistory"]
        );
        assert_eq!(
            super::policy(&EvidenceKind::ALL, false)["Statement"]
                .as_array()
                .unwrap()
                .len(),
            2,
            "no change lookups unless asked"
        );
        for action in evidence.iter().chain(inventory).chain(lookups) {
            let name = action.as_str().unwrap().split(':').nth(1).unwrap();
            // GenerateCredentialReport only asks IAM to build the report; it changes nothing.
            // API Gateway's IAM actions are HTTP methods: GET is its read. BatchGet
            // (inspector2:BatchGetAccountStatus) reads several accounts at once.
            assert!(
                [
                    "Get",
                    "List",
                    "Describe",
                    "BatchGet",
                    "Lookup",
                    "GenerateCredentialReport"
                ]
                .iter()
                .any(|p| name.starts_with(p))
                    || action == "apigateway:GET",
                "{action}"
            );
        }
    }
}
