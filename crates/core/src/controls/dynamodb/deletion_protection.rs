//! DynamoDB.6 — DynamoDB tables should have deletion protection enabled.
//!
//! Read from `configuration.deletionProtectionEnabled`, the camelCase of the `DescribeTable`
//! field `DeletionProtectionEnabled` in the table's camelCase configuration. NOT confirmed: the
//! AWS Config resource schema for `AWS::DynamoDB::Table` predates deletion protection and does
//! not list the field. An item without it is INSUFFICIENT_DATA, never a guess.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "DynamoDB.6",
    title: "DynamoDB tables should have deletion protection enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::DynamoDB::Table"],
    rationale: "Passes when the table's configuration.deletionProtectionEnabled is true; fails \
                when it is false. An item without the field is INSUFFICIENT_DATA.",
    remediation: "Turn on deletion protection for the table (dynamodb:UpdateTable \
                  --deletion-protection-enabled); it then has to be turned off before the table \
                  can be deleted.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-6",
    remediation_hook: Remediation::NotifyOnly {
        why: "no automatic remediation for this control yet; turning protection on blocks \
              deletions a teardown pipeline may rely on",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("DynamoDB.6"),
        cis_v3: None,
        nist_800_53_r5: &["CM-3", "SC-5(2)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_flag(
        ctx.item,
        "/deletionProtectionEnabled",
        true,
        "deletion protection is enabled for the table",
        "deletion protection is disabled for the table",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_protection_flag_decides() {
        let v = testing::with_configuration(&CONTROL, json!({"deletionProtectionEnabled": true}));
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"deletionProtectionEnabled": false}));
        assert!(v.is_non_compliant(), "{v}");
        // The DescribeTable spelling is not what Config records in this camelCase shape.
        let v = testing::with_configuration(&CONTROL, json!({"DeletionProtectionEnabled": true}));
        assert!(v.is_insufficient(), "{v}");
    }
}
