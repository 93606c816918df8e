//! RDS.13 — RDS automatic minor version upgrades should be enabled.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.13",
    title: "RDS automatic minor version upgrades should be enabled",
    severity: Severity::High,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when the instance's configuration.autoMinorVersionUpgrade is true, so RDS \
                applies minor engine versions (security patches) in the maintenance window; \
                fails when it is false. The setting is per instance, also in Aurora clusters. An \
                item without the field is INSUFFICIENT_DATA.",
    remediation: "Modify the DB instance to enable automatic minor version upgrades \
                  (rds:ModifyDBInstance --auto-minor-version-upgrade); for Aurora, do it for every \
                  instance of the cluster. Upgrades are applied in the preferred maintenance \
                  window.",
    remediation_url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::DbAutoMinorVersionUpgrade,
        does: "turns on automatic minor version upgrades (rds:ModifyDBInstance)",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("RDS.13"),
        cis_v3: Some("2.3.2"),
        nist_800_53_r5: &["SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    checks::require_flag(
        ctx.item,
        "/autoMinorVersionUpgrade",
        true,
        "automatic minor version upgrades are enabled",
        "automatic minor version upgrades are disabled",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_upgrade_flag_decides() {
        let on = testing::with_configuration(&CONTROL, json!({"autoMinorVersionUpgrade": true}));
        assert!(on.is_compliant(), "{on}");
        let off = testing::with_configuration(&CONTROL, json!({"autoMinorVersionUpgrade": false}));
        assert!(
            off.reason().contains("autoMinorVersionUpgrade is false"),
            "{off}"
        );
        assert!(off.is_non_compliant());
        let none = testing::with_configuration(&CONTROL, json!({}));
        assert!(none.is_insufficient(), "{none}");
    }
}
