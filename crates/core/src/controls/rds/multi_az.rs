//! RDS.5 — RDS DB instances should be configured with multiple Availability Zones.
//!
//! Instances of engines whose availability is the DB cluster's (Aurora, Neptune, DocumentDB) are
//! not applicable, decided by `configuration.engine`: the rds-multi-az-support rule's page says it
//! "does not evaluate Amazon Aurora DB, Amazon DocumentDB, and Amazon Neptune DB instances". Not
//! by `dBClusterIdentifier`, which Multi-AZ DB cluster members of MySQL and PostgreSQL carry too.

use super::Family;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.5",
    title: "RDS DB instances should be configured with multiple Availability Zones",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when the instance's configuration.multiAZ is true (a standby in another \
                Availability Zone takes over on failure); fails when it is false. Aurora, \
                Neptune and DocumentDB instances (by configuration.engine) are not applicable: \
                their availability comes from the cluster. An item without the engine or the \
                flag is INSUFFICIENT_DATA.",
    remediation: "Modify the DB instance to a Multi-AZ deployment (rds:ModifyDBInstance \
                  --multi-az), preferably in the maintenance window: the conversion takes a \
                  snapshot and can affect performance while it runs.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-5",
    remediation_hook: Remediation::NotifyOnly {
        why: "a Multi-AZ deployment roughly doubles the instance's cost and the conversion \
              affects performance while it runs",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("RDS.5"),
        cis_v3: None,
        nist_800_53_r5: &["CP-10", "CP-6(2)", "SC-36", "SC-5(2)", "SI-13(5)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let engine = match super::engine(ctx.item) {
        Ok(engine) => engine,
        Err(verdict) => return verdict,
    };
    if Family::of(engine).is_cluster_engine() {
        return Verdict::not_applicable(format!(
            "engine {engine}: availability comes from the DB cluster, not the instance"
        ));
    }
    checks::require_flag(
        ctx.item,
        "/multiAZ",
        true,
        "the DB instance is a Multi-AZ deployment",
        "the DB instance runs in a single Availability Zone",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_multi_az_flag_decides_outside_cluster_engines() {
        let v =
            testing::with_configuration(&CONTROL, json!({"engine": "postgres", "multiAZ": true}));
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "sqlserver-se", "multiAZ": false}),
        );
        assert!(v.is_non_compliant(), "{v}");
        // A Multi-AZ DB cluster member of a non-cluster engine is still judged.
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "mysql", "multiAZ": false, "dBClusterIdentifier": "multi-az-db"}),
        );
        assert!(v.is_non_compliant(), "{v}");
        for engine in ["aurora-mysql", "aurora-postgresql", "neptune", "docdb"] {
            let v =
                testing::with_configuration(&CONTROL, json!({"engine": engine, "multiAZ": false}));
            assert!(v.is_not_applicable(), "{engine}: {v}");
        }
    }

    #[test]
    fn unrecorded_engine_or_flag_is_insufficient() {
        let v = testing::with_configuration(&CONTROL, json!({"multiAZ": false}));
        assert!(v.is_insufficient(), "{v}");
        let v = testing::with_configuration(&CONTROL, json!({"engine": "mysql"}));
        assert!(v.is_insufficient(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "mysql", "multiAZ": "sometimes"}),
        );
        assert!(v.is_insufficient(), "{v}");
    }
}
