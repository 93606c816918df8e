//! Amazon RDS controls on DB instances (`AWS::RDS::DBInstance`).
//!
//! Instances that belong to a DB cluster (Aurora, and the members of Multi-AZ DB clusters) take
//! storage encryption and backup retention from the cluster: RDS reports the cluster's values on
//! each member instance, and they can only be changed on the cluster. The controls still judge
//! the value recorded on the instance, as the AWS managed rules do, and say in the reason that
//! the fix belongs on the cluster.

use crate::control::Control;
use crate::item::ConfigurationItem;
use crate::verdict::Verdict;

pub mod auto_minor_version_upgrade;
pub mod backups_enabled;
pub mod no_public_access;
pub mod storage_encrypted;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &no_public_access::CONTROL,
    &storage_encrypted::CONTROL,
    &backups_enabled::CONTROL,
    &auto_minor_version_upgrade::CONTROL,
];

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
