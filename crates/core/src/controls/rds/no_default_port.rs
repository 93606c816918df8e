//! RDS.23 — RDS instances should not use a database engine default port.
//!
//! The port is `configuration.endpoint.port` (in the AWS Config resource schema for
//! `AWS::RDS::DBInstance`); `configuration.dbInstancePort` is recorded as 0 on many real items
//! beside the real endpoint port and is not read. The default-port table lives in
//! `rds::Family::default_port`. Cluster members are evaluated like any instance: AWS's text
//! does not exclude them.

use super::Family;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.23",
    title: "RDS instances should not use a database engine default port",
    severity: Severity::Low,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Fails when the instance's configuration.endpoint.port is its engine's default \
                (MySQL, MariaDB, Aurora MySQL 3306; PostgreSQL, Aurora PostgreSQL 5432; Oracle \
                1521; SQL Server 1433; Db2 50000); passes on any other port. Engines without a \
                known default are not applicable; an item without the engine or the endpoint \
                port is INSUFFICIENT_DATA.",
    remediation: "Move the database to a non-default port (rds:ModifyDBInstance --db-port-number, \
                  or rds:ModifyDBCluster --port for Aurora), then update the security group \
                  rules and every client connection string.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-23",
    remediation_hook: Remediation::NotifyOnly {
        why: "changing the port breaks every client connection string and security group rule \
              that names the old port",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("RDS.23"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const PORT: &str = "configuration.endpoint.port";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let engine = match super::engine(ctx.item) {
        Ok(engine) => engine,
        Err(verdict) => return verdict,
    };
    let Some(default) = Family::of(engine).default_port() else {
        return Verdict::not_applicable(format!("no default port is known for engine {engine}"));
    };
    let port = match checks::integer(ctx.item.config("/endpoint/port"), PORT) {
        Ok(Some(port)) => port,
        Ok(None) => return checks::missing(PORT),
        Err(verdict) => return verdict,
    };
    if port == default {
        Verdict::fail(format!(
            "the {engine} instance listens on its engine's default port {default} ({PORT})"
        ))
    } else {
        Verdict::pass(format!(
            "the {engine} instance listens on port {port}, not the default {default}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_endpoint_port_is_compared_with_the_engine_default() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "postgres", "endpoint": {"port": 5432}, "dbInstancePort": 0}),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "aurora-mysql", "endpoint": {"port": 3307}, "dbInstancePort": 0}),
        );
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "sqlserver-se", "endpoint": {"port": "1433"}}),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "docdb", "endpoint": {"port": 27017}}),
        );
        assert!(v.is_not_applicable(), "{v}");
    }

    #[test]
    fn the_instance_port_field_is_not_a_substitute() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "mysql", "dbInstancePort": 3306}),
        );
        assert!(v.is_insufficient() && v.reason().contains(PORT), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            json!({"engine": "mysql", "endpoint": {"port": "default"}}),
        );
        assert!(v.is_insufficient(), "{v}");
    }
}
