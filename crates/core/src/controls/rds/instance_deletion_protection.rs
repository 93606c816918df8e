//! RDS.8 — RDS DB instances should have deletion protection enabled.
//!
//! `configuration.deletionProtection` is what the managed rule reads; the AWS Config resource
//! schema for `AWS::RDS::DBInstance` predates the field and does not list it (the
//! `AWS::RDS::DBCluster` schema does, with this spelling). An item without it is
//! INSUFFICIENT_DATA, never a guess.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.8",
    title: "RDS DB instances should have deletion protection enabled",
    severity: Severity::Low,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "For instances whose configuration.engine is one of databaseEngines: passes when \
                configuration.deletionProtection is true, fails when it is false. Other engines \
                (Aurora instances, whose protection is the cluster's, see RDS.7) are not \
                applicable. An item without the engine or the flag is INSUFFICIENT_DATA.",
    remediation: "Turn on deletion protection for the instance (rds:ModifyDBInstance \
                  --deletion-protection); it then has to be turned off before the instance can \
                  be deleted.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-8",
    remediation_hook: Remediation::NotifyOnly {
        why: "no automatic remediation for this control yet; turning protection on blocks \
              deletions a teardown pipeline may rely on",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("RDS.8"),
        cis_v3: None,
        nist_800_53_r5: &["CM-3", "SC-5(2)", "SI-13(5)"],
    },
    parameters: &[ParamSpec {
        name: "databaseEngines",
        kind: ParamKind::StringList,
        default: "mariadb,mysql,custom-oracle-ee,oracle-ee-cdb,oracle-se2-cdb,oracle-ee,\
                  oracle-se2,oracle-se1,oracle-se,postgres,sqlserver-ee,sqlserver-se,\
                  sqlserver-ex,sqlserver-web",
        description: "Engines whose instances are evaluated (the \
                      rds-instance-deletion-protection-enabled rule's databaseEngines, as \
                      Security Hub sets it).",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let engine = match super::engine(ctx.item) {
        Ok(engine) => engine,
        Err(verdict) => return verdict,
    };
    if !ctx
        .str_list("databaseEngines")
        .iter()
        .any(|e| e.trim().eq_ignore_ascii_case(engine))
    {
        return Verdict::not_applicable(format!(
            "engine {engine} is not in databaseEngines (Aurora instances are protected through \
             their cluster, RDS.7)"
        ));
    }
    checks::require_flag(
        ctx.item,
        "/deletionProtection",
        true,
        "deletion protection is enabled for the DB instance",
        "deletion protection is disabled for the DB instance",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(configuration: Value, overrides: &[(&str, &str)]) -> Verdict {
        testing::with_parts(&CONTROL, configuration, json!({}), overrides)
    }

    #[test]
    fn listed_engines_are_judged_on_the_flag() {
        let v = run(
            json!({"engine": "postgres", "deletionProtection": true}),
            &[],
        );
        assert!(v.is_compliant(), "{v}");
        let v = run(
            json!({"engine": "oracle-ee-cdb", "deletionProtection": false}),
            &[],
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(json!({"engine": "mysql"}), &[]);
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn other_engines_are_not_applicable() {
        for engine in ["aurora-mysql", "aurora-postgresql", "neptune", "db2-se"] {
            let v = run(json!({"engine": engine, "deletionProtection": false}), &[]);
            assert!(v.is_not_applicable(), "{engine}: {v}");
        }
        let v = run(
            json!({"engine": "mysql", "deletionProtection": false}),
            &[("databaseEngines", "postgres")],
        );
        assert!(v.is_not_applicable(), "{v}");
    }
}
