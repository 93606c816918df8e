//! Amazon RDS controls on DB instances (`AWS::RDS::DBInstance`), DB clusters
//! (`AWS::RDS::DBCluster`) and DB and cluster snapshots (`AWS::RDS::DBSnapshot`,
//! `AWS::RDS::DBClusterSnapshot`).
//!
//! Field names follow the AWS Config resource schema (awslabs/aws-config-resource-schema): DB
//! instances and DB snapshots use the older camelCase (`dBInstanceStatus`, `dBSnapshotIdentifier`,
//! `encrypted`), DB clusters and cluster snapshots the lower-cased SDK names (`dbclusterIdentifier`,
//! `storageEncrypted`, `deletionProtection`).
//!
//! Instances that belong to a DB cluster (Aurora, and the members of Multi-AZ DB clusters) take
//! storage encryption and backup retention from the cluster: RDS reports the cluster's values on
//! each member instance, and they can only be changed on the cluster. The controls still judge
//! the value recorded on the instance, as the AWS managed rules do, and say in the reason that
//! the fix belongs on the cluster.

use crate::control::Control;
use crate::controls::checks;
use crate::item::ConfigurationItem;
use crate::verdict::Verdict;

pub mod auto_minor_version_upgrade;
pub mod backups_enabled;
pub mod cloudwatch_logs;
pub mod cluster_deletion_protection;
pub mod cluster_encrypted;
pub mod enhanced_monitoring;
pub mod iam_authentication;
pub mod instance_deletion_protection;
pub mod multi_az;
pub mod no_default_port;
pub mod no_public_access;
pub mod snapshot_encrypted;
pub mod snapshot_private;
pub mod storage_encrypted;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &snapshot_private::CONTROL,
    &no_public_access::CONTROL,
    &storage_encrypted::CONTROL,
    &snapshot_encrypted::CONTROL,
    &multi_az::CONTROL,
    &enhanced_monitoring::CONTROL,
    &cluster_deletion_protection::CONTROL,
    &instance_deletion_protection::CONTROL,
    &cloudwatch_logs::CONTROL,
    &iam_authentication::CONTROL,
    &backups_enabled::CONTROL,
    &auto_minor_version_upgrade::CONTROL,
    &no_default_port::CONTROL,
    &cluster_encrypted::CONTROL,
];

/// The engine families RDS.5, RDS.9 and RDS.23 tell apart, from `configuration.engine`
/// (`oracle-ee-cdb`, `custom-sqlserver-se`, `aurora-postgresql`…). One table for every control
/// that depends on the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    MySql,
    MariaDb,
    Postgres,
    Oracle,
    SqlServer,
    Db2,
    /// `aurora` (MySQL 5.6-compatible, the old name) and `aurora-mysql`.
    AuroraMySql,
    AuroraPostgres,
    Neptune,
    DocumentDb,
    Other,
}

impl Family {
    pub(crate) fn of(engine: &str) -> Family {
        let engine = engine.trim().to_ascii_lowercase();
        let engine = engine.as_str();
        match engine {
            "mysql" => Family::MySql,
            "mariadb" => Family::MariaDb,
            "postgres" => Family::Postgres,
            "aurora" | "aurora-mysql" => Family::AuroraMySql,
            "aurora-postgresql" => Family::AuroraPostgres,
            "neptune" => Family::Neptune,
            "docdb" => Family::DocumentDb,
            e if e.starts_with("oracle-") || e.starts_with("custom-oracle-") => Family::Oracle,
            e if e.starts_with("sqlserver-") || e.starts_with("custom-sqlserver-") => {
                Family::SqlServer
            }
            e if e.starts_with("db2-") => Family::Db2,
            _ => Family::Other,
        }
    }

    /// Engines whose storage and availability belong to the DB cluster, not the instance.
    pub(crate) fn is_cluster_engine(self) -> bool {
        matches!(
            self,
            Family::AuroraMySql | Family::AuroraPostgres | Family::Neptune | Family::DocumentDb
        )
    }

    /// The engine's default port (the port RDS assigns when none is given).
    pub(crate) fn default_port(self) -> Option<i64> {
        match self {
            Family::MySql | Family::MariaDb | Family::AuroraMySql => Some(3306),
            Family::Postgres | Family::AuroraPostgres => Some(5432),
            Family::Oracle => Some(1521),
            Family::SqlServer => Some(1433),
            Family::Db2 => Some(50000),
            Family::Neptune | Family::DocumentDb | Family::Other => None,
        }
    }

    /// The CloudWatch Logs exports RDS.9 requires for the engine, as Security Hub lists them.
    pub(crate) fn required_log_exports(self) -> Option<&'static [&'static str]> {
        match self {
            Family::Oracle => Some(&["alert", "audit", "trace", "listener"]),
            Family::Postgres => Some(&["postgresql", "upgrade"]),
            Family::MySql | Family::MariaDb | Family::AuroraMySql => {
                Some(&["audit", "error", "general", "slowquery"])
            }
            Family::SqlServer => Some(&["error", "agent"]),
            Family::AuroraPostgres => Some(&["postgresql"]),
            Family::Db2 | Family::Neptune | Family::DocumentDb | Family::Other => None,
        }
    }
}

/// The DB engine (`configuration.engine`), or INSUFFICIENT_DATA naming it when absent or not a
/// string: every engine-scoped control needs it to know whether it applies.
pub(crate) fn engine(item: &ConfigurationItem) -> Result<&str, Verdict> {
    const NAME: &str = "configuration.engine";
    match checks::text(item.config("/engine"), NAME)? {
        Some(engine) => Ok(engine),
        None => Err(checks::missing(NAME)),
    }
}

/// The instance states in which RDS.9 and RDS.10 judge an instance, as Security Hub documents
/// them; other states (creating, stopped, modifying, deleting…) are NOT_APPLICABLE.
const EVALUATED_STATES: [&str; 4] = [
    "available",
    "backing-up",
    "storage-optimization",
    "storage-full",
];

/// The engine of an instance in one of the states RDS.9 and RDS.10 judge; NOT_APPLICABLE for an
/// instance in another state, INSUFFICIENT_DATA when the state or the engine is not recorded.
pub(crate) fn evaluated_instance_engine(item: &ConfigurationItem) -> Result<&str, Verdict> {
    const NAME: &str = "configuration.dBInstanceStatus";
    match checks::text(item.config("/dBInstanceStatus"), NAME)? {
        None => Err(checks::missing(NAME)),
        Some(status)
            if EVALUATED_STATES
                .iter()
                .any(|s| s.eq_ignore_ascii_case(status)) =>
        {
            engine(item)
        }
        Some(status) => Err(Verdict::not_applicable(format!(
            "the DB instance is {status}; only instances that are {} are evaluated",
            EVALUATED_STATES.join(", ")
        ))),
    }
}

/// The DB cluster the instance belongs to (`configuration.dBClusterIdentifier`), if any.
fn cluster(item: &ConfigurationItem) -> Option<&str> {
    item.config_str("/dBClusterIdentifier")
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

/// Adds to a failure of a cluster-managed setting where it must be fixed.
fn note_cluster(verdict: Verdict, item: &ConfigurationItem) -> Verdict {
    match (verdict, cluster(item)) {
        (Verdict::NonCompliant(reason), Some(cluster)) => Verdict::fail(format!(
            "{reason}; the instance takes this setting from DB cluster {cluster}, change it there"
        )),
        (verdict, _) => verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn engines_map_to_their_family() {
        assert_eq!(Family::of("oracle-ee-cdb"), Family::Oracle);
        assert_eq!(Family::of("custom-oracle-ee"), Family::Oracle);
        assert_eq!(Family::of("custom-sqlserver-se"), Family::SqlServer);
        assert_eq!(Family::of("sqlserver-web"), Family::SqlServer);
        assert_eq!(Family::of("aurora"), Family::AuroraMySql);
        assert_eq!(Family::of("Aurora-PostgreSQL"), Family::AuroraPostgres);
        assert_eq!(Family::of("db2-se"), Family::Db2);
        assert_eq!(Family::of("neptune"), Family::Neptune);
        assert_eq!(Family::of("something-new"), Family::Other);
        assert!(Family::of("docdb").is_cluster_engine());
        assert!(!Family::of("postgres").is_cluster_engine());
        assert_eq!(Family::of("mariadb").default_port(), Some(3306));
        assert_eq!(Family::of("neptune").default_port(), None);
    }

    #[test]
    fn unrecorded_or_odd_engines_and_states_are_insufficient() {
        let mut item = ConfigurationItem::new("AWS::RDS::DBInstance", "db-1");
        item.configuration = json!({"engine": 5, "dBInstanceStatus": ["available"]});
        assert!(engine(&item).unwrap_err().is_insufficient());
        assert!(
            evaluated_instance_engine(&item)
                .unwrap_err()
                .is_insufficient()
        );
        item.configuration = json!({"engine": "mysql", "dBInstanceStatus": "stopped"});
        assert!(
            evaluated_instance_engine(&item)
                .unwrap_err()
                .is_not_applicable()
        );
        item.configuration = json!({"dBInstanceStatus": "storage-full"});
        let missing = evaluated_instance_engine(&item).unwrap_err();
        assert!(
            missing.reason().contains("configuration.engine"),
            "{missing}"
        );
        item.configuration = json!({"engine": "mysql", "dBInstanceStatus": "storage-full"});
        assert_eq!(evaluated_instance_engine(&item), Ok("mysql"));
    }

    #[test]
    fn failures_of_cluster_members_point_at_the_cluster() {
        let mut item = ConfigurationItem::new("AWS::RDS::DBInstance", "db-1");
        item.configuration = json!({"dBClusterIdentifier": "orders"});
        let v = note_cluster(Verdict::fail("not encrypted"), &item);
        assert_eq!(
            v.reason(),
            "not encrypted; the instance takes this setting from DB cluster orders, change it there"
        );
        assert_eq!(
            note_cluster(Verdict::pass("ok"), &item),
            Verdict::pass("ok")
        );
        item.configuration = json!({"dBClusterIdentifier": " "});
        assert_eq!(note_cluster(Verdict::fail("x"), &item), Verdict::fail("x"));
    }
}
