//! DynamoDB.1 — DynamoDB tables should automatically scale capacity with demand.
//!
//! AWS's rule (`dynamodb-autoscaling-enabled`, periodic) passes a table in on-demand mode and a
//! provisioned table whose read and write capacity — of the table and of each global secondary
//! index — is an Application Auto Scaling target. Its optional parameters (no defaults) also
//! require a minimum provisioned capacity (`minProvisionedReadCapacity`,
//! `minProvisionedWriteCapacity`, compared with the targets' `MinCapacity`) and a target
//! utilization (`targetReadUtilization`, `targetWriteUtilization`, compared with a target
//! tracking policy's `TargetValue`).
//!
//! From the item (field names confirmed in the AWS Config resource schema for
//! `AWS::DynamoDB::Table`): `configuration.billingModeSummary.billingMode`,
//! `configuration.tableName`, `configuration.globalSecondaryIndexes[].indexName`. DynamoDB omits
//! the billing mode summary for tables that were always provisioned, so an absent summary is read
//! as provisioned (inferred). The scaling targets and policies are the DynamoDbAutoScaling
//! evidence (`application-autoscaling:DescribeScalableTargets`, `DescribeScalingPolicies`).
//!
//! The optional parameters have no default; sidewatch declares them as lists that are empty by
//! default and take at most one value.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::DynamoDbAutoScaling;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

const MIN_READ: &str = "minProvisionedReadCapacity";
const MIN_WRITE: &str = "minProvisionedWriteCapacity";
const TARGET_READ: &str = "targetReadUtilization";
const TARGET_WRITE: &str = "targetWriteUtilization";

pub const CONTROL: Control = Control {
    id: "DynamoDB.1",
    title: "DynamoDB tables should automatically scale capacity with demand",
    severity: Severity::Medium,
    resource_types: &["AWS::DynamoDB::Table"],
    rationale: "Passes when the table uses on-demand capacity (billingMode PAY_PER_REQUEST), or \
                when the read and write capacity of the table and of every global secondary \
                index are Application Auto Scaling targets (DynamoDbAutoScaling evidence) that \
                meet the optional minimum capacity and target utilization parameters; fails \
                otherwise.",
    remediation: "Switch the table to on-demand capacity (dynamodb:UpdateTable BillingMode \
                  PAY_PER_REQUEST), or register read and write scalable targets with target \
                  tracking policies for the table and each global secondary index \
                  (application-autoscaling:RegisterScalableTarget, PutScalingPolicy).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "capacity mode and scaling limits decide the table's cost; the owner sets them",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("DynamoDB.1"),
        cis_v3: None,
        nist_800_53_r5: &[
            "CP-10", "CP-2(2)", "CP-6(2)", "SC-36", "SC-5(2)", "SI-13(5)",
        ],
    },
    parameters: &[
        ParamSpec {
            name: MIN_READ,
            kind: ParamKind::IntList { min: 1, max: 40000 },
            default: "",
            description: "Minimum read capacity units the scalable targets must keep (one \
                          value; empty: not checked).",
        },
        ParamSpec {
            name: MIN_WRITE,
            kind: ParamKind::IntList { min: 1, max: 40000 },
            default: "",
            description: "Minimum write capacity units the scalable targets must keep (one \
                          value; empty: not checked).",
        },
        ParamSpec {
            name: TARGET_READ,
            kind: ParamKind::IntList { min: 20, max: 90 },
            default: "",
            description: "Target read utilization percent of the target tracking policies \
                          (one value; empty: not checked).",
        },
        ParamSpec {
            name: TARGET_WRITE,
            kind: ParamKind::IntList { min: 20, max: 90 },
            default: "",
            description: "Target write utilization percent of the target tracking policies \
                          (one value; empty: not checked).",
        },
    ],
    evidence: &[EvidenceKind::DynamoDbAutoScaling],
    evaluate,
};

/// One capacity that must scale: the Application Auto Scaling resource id and dimension.
struct Capacity {
    resource_id: String,
    dimension: String,
    label: String,
    min: Option<i64>,
    target: Option<i64>,
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let mode = match item.read_str("/billingModeSummary/billingMode") {
        Ok(mode) => mode.map(str::trim).unwrap_or("PROVISIONED"),
        Err(unreadable) => return unreadable.into(),
    };
    let name = match item.read_str("/tableName") {
        Ok(name) => name
            .or(item.resource_name.as_deref())
            .unwrap_or(&item.resource_id),
        Err(unreadable) => return unreadable.into(),
    };
    if mode.eq_ignore_ascii_case("PAY_PER_REQUEST") {
        return Verdict::pass(format!(
            "table {name} uses on-demand capacity (billingMode PAY_PER_REQUEST)"
        ));
    }
    if !mode.eq_ignore_ascii_case("PROVISIONED") {
        return Verdict::insufficient(format!(
            "configuration.billingModeSummary.billingMode is '{mode}', neither PROVISIONED nor \
             PAY_PER_REQUEST, so how the table scales is unknown"
        ));
    }
    let one = |p: &str| -> Result<Option<i64>, Verdict> {
        match ctx.int_list(p) {
            [] => Ok(None),
            [value] => Ok(Some(*value)),
            _ => Err(Verdict::insufficient(format!(
                "parameter {p} takes one value, not a list, so the control cannot be decided"
            ))),
        }
    };
    let mut limits = [None; 4];
    for (slot, p) in limits
        .iter_mut()
        .zip([MIN_READ, MIN_WRITE, TARGET_READ, TARGET_WRITE])
    {
        match one(p) {
            Ok(value) => *slot = value,
            Err(verdict) => return verdict,
        }
    }
    let [min_read, min_write, target_read, target_write] = limits;
    let indexes = match index_names(item) {
        Ok(i) => i,
        Err(verdict) => return verdict,
    };
    let mut capacities = Vec::new();
    let scopes = std::iter::once((format!("table/{name}"), "table", format!("table {name}")))
        .chain(indexes.iter().map(|i| {
            (
                format!("table/{name}/index/{i}"),
                "index",
                format!("index {i}"),
            )
        }));
    for (resource_id, level, label) in scopes {
        for (unit, min, target) in [
            ("Read", min_read, target_read),
            ("Write", min_write, target_write),
        ] {
            capacities.push(Capacity {
                resource_id: resource_id.clone(),
                dimension: format!("dynamodb:{level}:{unit}CapacityUnits"),
                label: format!("{label} {} capacity", unit.to_ascii_lowercase()),
                min,
                target,
            });
        }
    }
    let scaling: DynamoDbAutoScaling = match crate::controls::evidence_fields::evidence_with(
        ctx,
        EvidenceKind::DynamoDbAutoScaling,
        &["scalableTargets"],
    ) {
        Ok(s) => s,
        Err(verdict) => return verdict,
    };
    let mut problems = Vec::new();
    for c in &capacities {
        match problem(c, &scaling) {
            Ok(None) => {}
            Ok(Some(p)) => problems.push(p),
            Err(verdict) => return verdict,
        }
    }
    if problems.is_empty() {
        Verdict::pass(format!(
            "table {name} is provisioned and all {} read and write capacities scale \
             automatically",
            capacities.len()
        ))
    } else {
        Verdict::fail(format!(
            "table {name} is provisioned: {}",
            problems.join("; ")
        ))
    }
}

/// What is wrong with one capacity's scaling, `None` when nothing is; INSUFFICIENT_DATA when the
/// evidence does not say.
fn problem(c: &Capacity, scaling: &DynamoDbAutoScaling) -> Result<Option<String>, Verdict> {
    let same = |resource: &str, dimension: &str| {
        resource.trim() == c.resource_id && dimension.trim().eq_ignore_ascii_case(&c.dimension)
    };
    let Some(target) = scaling
        .scalable_targets
        .iter()
        .find(|t| same(&t.resource_id, &t.scalable_dimension))
    else {
        return Ok(Some(format!("{} has no auto scaling target", c.label)));
    };
    if let Some(min) = c.min {
        match target.min_capacity {
            None => {
                return Err(Verdict::insufficient(format!(
                    "the scalable target of {} has no MinCapacity in the DynamoDbAutoScaling \
                     evidence",
                    c.label
                )));
            }
            Some(have) if have < min => {
                return Ok(Some(format!(
                    "{} scales down to {have} units, below the minimum of {min}",
                    c.label
                )));
            }
            Some(_) => {}
        }
    }
    if let Some(wanted) = c.target {
        let values: Vec<f64> = scaling
            .scaling_policies
            .iter()
            .filter(|p| same(&p.resource_id, &p.scalable_dimension))
            .filter(|p| {
                p.policy_type
                    .as_deref()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("TargetTrackingScaling"))
            })
            .filter_map(|p| p.target_value)
            .collect();
        if !values.iter().any(|v| (v - wanted as f64).abs() < 0.001) {
            let have = if values.is_empty() {
                "no target tracking policy".to_owned()
            } else {
                format!(
                    "target utilization {}",
                    values
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Ok(Some(format!(
                "{} has {have}, not the required {wanted}%",
                c.label
            )));
        }
    }
    Ok(None)
}

/// The global secondary indexes' names; INSUFFICIENT_DATA when the list or a name is unreadable.
fn index_names(item: &crate::ConfigurationItem) -> Result<Vec<String>, Verdict> {
    let list = match item.read("/globalSecondaryIndexes") {
        Ok(None) => return Ok(Vec::new()),
        Ok(Some(Value::Array(list))) => list,
        Ok(Some(other)) => {
            return Err(Verdict::insufficient(format!(
                "configuration.globalSecondaryIndexes is {}, expected a list; the indexes' \
                 scaling cannot be decided",
                crate::item::json_type(other)
            )));
        }
        Err(unreadable) => return Err(unreadable.into()),
    };
    let mut names = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        match item.read_str(&format!("/globalSecondaryIndexes/{i}/indexName")) {
            Ok(Some(name)) if !name.trim().is_empty() => names.push(name.trim().to_owned()),
            Ok(_) => {
                return Err(Verdict::insufficient(format!(
                    "configuration.globalSecondaryIndexes[{i}].indexName is missing, so that \
                     index's scaling cannot be checked"
                )));
            }
            Err(unreadable) => return Err(unreadable.into()),
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::json;

    fn table(mode: Option<&str>, indexes: Value) -> Value {
        let mut t = json!({"tableName": "orders", "globalSecondaryIndexes": indexes});
        if let Some(m) = mode {
            t["billingModeSummary"] = json!({"billingMode": m});
        }
        t
    }

    fn target(resource: &str, dimension: &str, min: i64) -> Value {
        json!({"resourceId": resource, "scalableDimension": dimension,
            "minCapacity": min, "maxCapacity": 100})
    }

    fn policy(resource: &str, dimension: &str, value: f64) -> Value {
        json!({"policyName": "p", "resourceId": resource, "scalableDimension": dimension,
            "policyType": "TargetTrackingScaling", "targetValue": value})
    }

    fn full() -> Value {
        let mut targets = Vec::new();
        let mut policies = Vec::new();
        for (r, level) in [
            ("table/orders", "table"),
            ("table/orders/index/by-customer", "index"),
        ] {
            for unit in ["Read", "Write"] {
                let d = format!("dynamodb:{level}:{unit}CapacityUnits");
                targets.push(target(r, &d, 5));
                policies.push(policy(r, &d, 70.0));
            }
        }
        json!({"scalableTargets": targets, "scalingPolicies": policies})
    }

    fn run(config: Value, evidence: Option<Value>, overrides: &[(&str, &str)]) -> Verdict {
        run_with_evidence(
            &CONTROL,
            config,
            EvidenceKind::DynamoDbAutoScaling,
            evidence,
            overrides,
        )
    }

    fn gsi() -> Value {
        json!([{"indexName": "by-customer"}])
    }

    #[test]
    fn on_demand_tables_pass_without_evidence() {
        let v = run(table(Some("PAY_PER_REQUEST"), gsi()), None, &[]);
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn provisioned_tables_need_targets_for_table_and_indexes() {
        assert!(run(table(Some("PROVISIONED"), gsi()), Some(full()), &[]).is_compliant());
        assert!(run(table(None, gsi()), Some(full()), &[]).is_compliant());
        let only_table = json!({"scalableTargets": [
            target("table/orders", "dynamodb:table:ReadCapacityUnits", 5),
            target("table/orders", "dynamodb:table:WriteCapacityUnits", 5)]});
        let v = run(table(None, gsi()), Some(only_table), &[]);
        assert!(
            v.is_non_compliant() && v.reason().contains("index by-customer read capacity"),
            "{v}"
        );
        let none = json!({"scalableTargets": [], "scalingPolicies": []});
        assert!(run(table(None, json!(null)), Some(none), &[]).is_non_compliant());
    }

    #[test]
    fn parameters_tighten_the_check() {
        let t = || table(None, gsi());
        assert!(run(t(), Some(full()), &[(MIN_READ, "5"), (TARGET_WRITE, "70")]).is_compliant());
        let v = run(t(), Some(full()), &[(MIN_READ, "10")]);
        assert!(
            v.is_non_compliant() && v.reason().contains("below the minimum"),
            "{v}"
        );
        let v = run(t(), Some(full()), &[(TARGET_READ, "50")]);
        assert!(v.is_non_compliant() && v.reason().contains("50%"), "{v}");
        let v = run(t(), Some(full()), &[(TARGET_READ, "50,60")]);
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn missing_or_odd_input_is_insufficient() {
        assert!(run(table(None, gsi()), None, &[]).is_insufficient());
        assert!(run(table(None, gsi()), Some(json!({})), &[]).is_insufficient());
        assert!(run(table(Some("SOMETHING"), gsi()), Some(full()), &[]).is_insufficient());
        let v = run(
            json!({"billingModeSummary": {"billingMode": 1}}),
            Some(full()),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        assert!(run(table(None, json!("x")), Some(full()), &[]).is_insufficient());
        assert!(run(table(None, json!([{}])), Some(full()), &[]).is_insufficient());
        let denied = json!({"sidewatchError": {"code": "AccessDeniedException", "message": "no"}});
        assert!(run(table(None, gsi()), Some(denied), &[]).is_insufficient());
    }
}
