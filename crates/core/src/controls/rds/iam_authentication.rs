//! RDS.10 — IAM authentication should be configured for RDS instances.
//!
//! The flag is recorded as `configuration.iAMDatabaseAuthenticationEnabled` (casing confirmed in
//! the AWS Config resource schema for `AWS::RDS::DBInstance`).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.10",
    title: "IAM authentication should be configured for RDS instances",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "For mysql, postgres, aurora, aurora-mysql, aurora-postgresql and mariadb \
                instances that are available, backing-up, storage-optimization or storage-full: \
                passes when configuration.iAMDatabaseAuthenticationEnabled is true, fails when it \
                is false. Other engines and states are not applicable.",
    remediation: "Turn on IAM database authentication (rds:ModifyDBInstance \
                  --enable-iam-database-authentication), then create database users mapped to \
                  IAM and let clients connect with rds:generate-db-auth-token.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-10",
    remediation_hook: Remediation::NotifyOnly {
        why: "IAM authentication also needs database users and client changes; turning the flag \
              on alone changes nothing for clients",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("RDS.10"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-6"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// The engines Security Hub evaluates for RDS.10.
const ENGINES: [&str; 6] = [
    "mysql",
    "postgres",
    "aurora",
    "aurora-mysql",
    "aurora-postgresql",
    "mariadb",
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let engine = match super::evaluated_instance_engine(item) {
        Ok(engine) => engine,
        Err(verdict) => return verdict,
    };
    if !ENGINES.iter().any(|e| e.eq_ignore_ascii_case(engine)) {
        return Verdict::not_applicable(format!(
            "engine {engine} is not one of {}",
            ENGINES.join(", ")
        ));
    }
    checks::require_flag(
        item,
        "/iAMDatabaseAuthenticationEnabled",
        true,
        "IAM database authentication is enabled",
        "IAM database authentication is disabled",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_flag_decides_for_listed_engines_in_evaluated_states() {
        let on = json!({"engine": "mariadb", "dBInstanceStatus": "available",
                        "iAMDatabaseAuthenticationEnabled": true});
        assert!(testing::with_configuration(&CONTROL, on).is_compliant());
        let off = json!({"engine": "aurora-postgresql", "dBInstanceStatus": "backing-up",
                         "iAMDatabaseAuthenticationEnabled": false});
        let v = testing::with_configuration(&CONTROL, off);
        assert!(v.is_non_compliant(), "{v}");
        let oracle = json!({"engine": "oracle-ee", "dBInstanceStatus": "available",
                            "iAMDatabaseAuthenticationEnabled": false});
        assert!(testing::with_configuration(&CONTROL, oracle).is_not_applicable());
        let creating = json!({"engine": "mysql", "dBInstanceStatus": "creating",
                              "iAMDatabaseAuthenticationEnabled": false});
        assert!(testing::with_configuration(&CONTROL, creating).is_not_applicable());
        let unrecorded = json!({"engine": "mysql", "dBInstanceStatus": "available"});
        assert!(testing::with_configuration(&CONTROL, unrecorded).is_insufficient());
    }
}
