//! RDS.2 — RDS DB instances should prohibit public access, as determined by the
//! PubliclyAccessible configuration.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.2",
    title: "RDS DB Instances should prohibit public access, as determined by the \
            PubliclyAccessible configuration",
    severity: Severity::Critical,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when the instance's configuration.publiclyAccessible is false; fails when \
                it is true (the endpoint has a publicly resolvable DNS name that resolves to a \
                public IP address). An item without the field is INSUFFICIENT_DATA.",
    remediation: "Modify the DB instance so it is not publicly accessible \
                  (rds:ModifyDBInstance --no-publicly-accessible); reach it from inside the VPC, \
                  through a VPN, AWS Direct Connect or a bastion, and keep its security groups \
                  closed to 0.0.0.0/0.",
    remediation_url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "turning public access off can cut off clients that reach the instance over the \
              internet",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("RDS.2"),
        cis_v3: Some("2.3.3"),
        nist_800_53_r5: &[
            "AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_flag(
        ctx.item,
        "/publiclyAccessible",
        false,
        "the DB instance is not publicly accessible",
        "the DB instance is publicly accessible",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn public_instances_fail() {
        let v = testing::with_configuration(&CONTROL, json!({"publiclyAccessible": true}));
        assert_eq!(
            v,
            Verdict::fail(
                "the DB instance is publicly accessible (configuration.publiclyAccessible is true)"
            )
        );
        let v = testing::with_configuration(&CONTROL, json!({"publiclyAccessible": false}));
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"engine": "neptune"}));
        assert!(v.is_insufficient(), "{v}");
    }
}
