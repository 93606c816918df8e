//! RDS.11 — RDS instances should have automatic backups enabled.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::checks;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.11",
    title: "RDS instances should have automatic backups enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when the instance's configuration.backupRetentionPeriod is at least \
                backupRetentionMinimum days (default 7); fails when it is 0 (automated backups \
                off) or shorter. Read replicas (readReplicaSourceDBInstanceIdentifier set) are \
                NOT_APPLICABLE unless checkReadReplicas is true. Aurora and other cluster member \
                instances report their DB cluster's retention and are judged on it, with the \
                cluster named in the reason. An item without the retention is INSUFFICIENT_DATA.",
    remediation: "Set the backup retention period to at least the required number of days \
                  (rds:ModifyDBInstance --backup-retention-period, or rds:ModifyDBCluster for \
                  Aurora and Multi-AZ DB clusters). Changing it from 0 to a non-zero value causes \
                  a brief outage unless applied in the maintenance window.",
    remediation_url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::DbBackupRetention,
        does: "sets backup retention to the control's backupRetentionMinimum \
               (rds:ModifyDBInstance, next maintenance window)",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("RDS.11"),
        cis_v3: None,
        nist_800_53_r5: &[
            "CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)",
        ],
    },
    parameters: &[
        ParamSpec {
            name: "backupRetentionMinimum",
            kind: ParamKind::Int { min: 7, max: 35 },
            default: "7",
            description: "Minimum automated backup retention in days (7 to 35, as Security Hub \
                          allows for the db-instance-backup-enabled rule).",
        },
        ParamSpec {
            name: "checkReadReplicas",
            kind: ParamKind::Bool,
            default: "false",
            description: "Also evaluate read replicas; by default they are NOT_APPLICABLE, as in \
                          FSBP.",
        },
    ],
    evidence: &[],
    evaluate,
};

const RETENTION: &str = "configuration.backupRetentionPeriod";
const SOURCE: &str = "configuration.readReplicaSourceDBInstanceIdentifier";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let source = match checks::text(
        item.config("/readReplicaSourceDBInstanceIdentifier"),
        SOURCE,
    ) {
        Ok(source) => source,
        Err(verdict) => return verdict,
    };
    if let Some(source) = source
        && !ctx.bool("checkReadReplicas")
    {
        return Verdict::not_applicable(format!(
            "the instance is a read replica of {source}; read replicas are not evaluated unless \
             checkReadReplicas is true"
        ));
    }
    let days = match checks::integer(item.config("/backupRetentionPeriod"), RETENTION) {
        Ok(Some(days)) => days,
        Ok(None) => return checks::missing(RETENTION),
        Err(verdict) => return verdict,
    };
    let minimum = ctx.int("backupRetentionMinimum");
    let verdict = if days <= 0 {
        Verdict::fail(format!(
            "automated backups are disabled ({RETENTION} is {days})"
        ))
    } else if days < minimum {
        Verdict::fail(format!(
            "automated backups are kept {days} day{}, less than the required {minimum} \
             ({RETENTION} is {days})",
            if days == 1 { "" } else { "s" }
        ))
    } else {
        Verdict::pass(format!(
            "automated backups are kept {days} days, at least the required {minimum} \
             ({RETENTION} is {days})"
        ))
    };
    super::note_cluster(verdict, item)
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
    fn retention_is_compared_with_the_minimum() {
        let v = run(json!({"backupRetentionPeriod": 7}), &[]);
        assert!(v.is_compliant(), "{v}");
        let v = run(
            json!({"backupRetentionPeriod": 7}),
            &[("backupRetentionMinimum", "14")],
        );
        assert_eq!(
            v,
            Verdict::fail(
                "automated backups are kept 7 days, less than the required 14 \
                 (configuration.backupRetentionPeriod is 7)"
            )
        );
        let v = run(json!({"backupRetentionPeriod": "1"}), &[]);
        assert!(
            v.reason().starts_with("automated backups are kept 1 day,"),
            "{v}"
        );
        let v = run(json!({"backupRetentionPeriod": 0}), &[]);
        assert_eq!(
            v,
            Verdict::fail(
                "automated backups are disabled (configuration.backupRetentionPeriod is 0)"
            )
        );
    }

    #[test]
    fn read_replicas_are_skipped_unless_asked_for() {
        let replica =
            json!({"backupRetentionPeriod": 0, "readReplicaSourceDBInstanceIdentifier": "main"});
        let v = run(replica.clone(), &[]);
        assert!(v.is_not_applicable(), "{v}");
        assert!(v.reason().contains("read replica of main"), "{v}");
        let v = run(replica, &[("checkReadReplicas", "true")]);
        assert!(v.is_non_compliant(), "{v}");
        // An empty source is no replica.
        let v = run(
            json!({"backupRetentionPeriod": 0, "readReplicaSourceDBInstanceIdentifier": ""}),
            &[],
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn missing_or_odd_retention_is_insufficient() {
        for configuration in [
            json!({}),
            json!({"backupRetentionPeriod": null}),
            json!({"backupRetentionPeriod": "seven"}),
            json!({"backupRetentionPeriod": 7, "readReplicaSourceDBInstanceIdentifier": 3}),
        ] {
            let v = run(configuration.clone(), &[]);
            assert!(v.is_insufficient(), "{configuration}: {v}");
        }
    }

    #[test]
    fn cluster_members_are_judged_on_the_reported_retention() {
        let aurora = json!({"engine": "aurora-postgresql", "dBClusterIdentifier": "orders"});
        let mut short = aurora.clone();
        short["backupRetentionPeriod"] = json!(1);
        let v = run(short, &[]);
        assert!(
            v.is_non_compliant() && v.reason().contains("DB cluster orders"),
            "{v}"
        );
        let mut long = aurora;
        long["backupRetentionPeriod"] = json!(14);
        assert!(run(long, &[]).is_compliant());
    }
}
