//! RDS.1 — RDS snapshot should be private.
//!
//! Confirmed in the AWS Config resource schema (awslabs/aws-config-resource-schema,
//! `AWS::RDS::DBSnapshot` and `AWS::RDS::DBClusterSnapshot`): the sharing attributes are recorded
//! as `supplementaryConfiguration.DBSnapshotAttributes` (cluster snapshots:
//! `DBClusterSnapshotAttributes`), a list of `{attributeName, attributeValues}` in camelCase with
//! `attributeValues` a list of strings — the `DescribeDBSnapshotAttributes` result, where the
//! `restore` attribute lists the accounts allowed to copy or restore the snapshot and `all` means
//! every AWS account.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::controls::nist;
use crate::item::{ConfigurationItem, describe_value};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "RDS.1",
    title: "RDS snapshot should be private",
    severity: Severity::Critical,
    resource_types: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
    rationale: "Fails when the snapshot's restore attribute \
                (supplementaryConfiguration.DBSnapshotAttributes, or DBClusterSnapshotAttributes \
                for cluster snapshots) lists \"all\", so any AWS account can copy or restore it; \
                passes when it does not. Aurora, Neptune and DocumentDB snapshots are evaluated \
                too. An item without the attributes is INSUFFICIENT_DATA.",
    remediation: "Make the snapshot private: rds:ModifyDBSnapshotAttribute (or \
                  rds:ModifyDBClusterSnapshotAttribute) with --attribute-name restore \
                  --values-to-remove all; share it with named accounts instead if others need it.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "removing public access can break a deliberate public data release or a restore \
              another account is running",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("RDS.1"),
        cis_v3: None,
        nist_800_53_r5: nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// The supplementary entry holding the snapshot's attributes, by resource type.
fn attributes_key(item: &ConfigurationItem) -> &'static str {
    if item.resource_type == "AWS::RDS::DBClusterSnapshot" {
        "DBClusterSnapshotAttributes"
    } else {
        "DBSnapshotAttributes"
    }
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let key = attributes_key(item);
    let name = format!("supplementaryConfiguration.{key}");
    let attributes = match item.supplementary(key) {
        None => return checks::missing(&name),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Verdict::insufficient(format!(
                "{name} is {}, expected a list of attributes; whether the snapshot is public \
                 cannot be decided",
                describe_value(other)
            ));
        }
    };
    let mut shared_with = Vec::new();
    for (i, attribute) in attributes.iter().enumerate() {
        let field = format!("{name}[{i}]");
        let Some(attribute_name) = attribute.get("attributeName").and_then(Value::as_str) else {
            return Verdict::insufficient(format!(
                "{field}.attributeName is missing or not a string; whether the snapshot is \
                 public cannot be decided"
            ));
        };
        if !attribute_name.eq_ignore_ascii_case("restore") {
            continue;
        }
        let values = match attribute.get("attributeValues") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(values)) => values,
            Some(other) => {
                return Verdict::insufficient(format!(
                    "{field}.attributeValues is {}, expected a list of account ids",
                    describe_value(other)
                ));
            }
        };
        for value in values {
            let Some(account) = value.as_str() else {
                return Verdict::insufficient(format!(
                    "{field}.attributeValues holds {}, expected account ids",
                    describe_value(value)
                ));
            };
            if account.trim().eq_ignore_ascii_case("all") {
                return Verdict::fail(format!(
                    "the snapshot is public: its restore attribute ({name}) includes \"all\", so \
                     any AWS account can copy or restore it"
                ));
            }
            shared_with.push(account.trim());
        }
    }
    if shared_with.is_empty() {
        Verdict::pass(format!(
            "the snapshot is private: its restore attribute ({name}) is shared with no account"
        ))
    } else {
        Verdict::pass(format!(
            "the snapshot is not public; it is shared with {} named account{} ({})",
            shared_with.len(),
            if shared_with.len() == 1 { "" } else { "s" },
            shared_with.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support::run;
    use serde_json::json;

    fn snapshot(resource_type: &str, key: &str, attributes: Value) -> Value {
        json!({
            "resourceType": resource_type,
            "resourceId": "snap",
            "configuration": {"status": "available"},
            "supplementaryConfiguration": {key: attributes}
        })
    }

    #[test]
    fn restore_shared_with_all_fails_for_both_snapshot_types() {
        let public = json!([{"attributeName": "restore", "attributeValues": ["all"]}]);
        let v = run(
            &CONTROL,
            snapshot(
                "AWS::RDS::DBSnapshot",
                "DBSnapshotAttributes",
                public.clone(),
            ),
            &[],
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            &CONTROL,
            snapshot(
                "AWS::RDS::DBClusterSnapshot",
                "DBClusterSnapshotAttributes",
                public,
            ),
            &[],
        );
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("DBClusterSnapshotAttributes"), "{v}");
    }

    #[test]
    fn private_or_named_sharing_passes() {
        let v = run(
            &CONTROL,
            snapshot(
                "AWS::RDS::DBSnapshot",
                "DBSnapshotAttributes",
                json!([{"attributeName": "restore", "attributeValues": []}]),
            ),
            &[],
        );
        assert!(v.is_compliant(), "{v}");
        let v = run(
            &CONTROL,
            snapshot(
                "AWS::RDS::DBSnapshot",
                "DBSnapshotAttributes",
                json!([{"attributeName": "restore", "attributeValues": ["210987654321"]}]),
            ),
            &[],
        );
        assert!(
            v.is_compliant() && v.reason().contains("210987654321"),
            "{v}"
        );
    }

    #[test]
    fn missing_or_odd_attributes_are_insufficient() {
        // The cluster snapshot's entry has its own name: the instance snapshot's does not count.
        let v = run(
            &CONTROL,
            snapshot(
                "AWS::RDS::DBClusterSnapshot",
                "DBSnapshotAttributes",
                json!([{"attributeName": "restore", "attributeValues": []}]),
            ),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        for odd in [
            json!("restore=all"),
            json!([{"attributeValues": ["all"]}]),
            json!([{"attributeName": "restore", "attributeValues": "all"}]),
            json!([{"attributeName": "restore", "attributeValues": [7]}]),
        ] {
            let v = run(
                &CONTROL,
                snapshot("AWS::RDS::DBSnapshot", "DBSnapshotAttributes", odd.clone()),
                &[],
            );
            assert!(v.is_insufficient(), "{odd}: {v}");
        }
    }
}
