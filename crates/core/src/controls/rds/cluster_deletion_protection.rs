//! RDS.7 — RDS clusters should have deletion protection enabled.
//!
//! `configuration.deletionProtection` is confirmed in the AWS Config resource schema for
//! `AWS::RDS::DBCluster`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.7",
    title: "RDS clusters should have deletion protection enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBCluster"],
    rationale: "Passes when the DB cluster's configuration.deletionProtection is true; fails \
                when it is false. Neptune and DocumentDB clusters are evaluated too. An item \
                without the field is INSUFFICIENT_DATA.",
    remediation: "Turn on deletion protection for the cluster (rds:ModifyDBCluster \
                  --deletion-protection); it then has to be turned off before the cluster can be \
                  deleted.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-7",
    remediation_hook: Remediation::NotifyOnly {
        why: "no automatic remediation for this control yet; turning protection on blocks \
              deletions a teardown pipeline may rely on",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("RDS.7"),
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
        "/deletionProtection",
        true,
        "deletion protection is enabled for the DB cluster",
        "deletion protection is disabled for the DB cluster",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_protection_flag_decides() {
        let v = testing::with_configuration(&CONTROL, json!({"deletionProtection": true}));
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"deletionProtection": false, "engine": "docdb"}),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"engine": "aurora-mysql"}));
        assert!(v.is_insufficient(), "{v}");
    }
}
