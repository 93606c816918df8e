//! EKS.8 — EKS clusters should have audit logging enabled.
//!
//! AWS's rule (`eks-cluster-log-enabled`) takes the control plane log types that must be enabled
//! in its `logTypes` parameter; Security Hub sets `audit`. The cluster passes when every listed
//! type is in `configuration.Logging.ClusterLogging.EnabledTypes[].Type`; a cluster without
//! `Logging` has no control plane log type enabled (the EKS default) and fails.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::item::{Unreadable, found};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

const LOG_TYPES: &str = "logTypes";

pub const CONTROL: Control = Control {
    id: "EKS.8",
    title: "EKS clusters should have audit logging enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::EKS::Cluster"],
    rationale: "Passes when configuration.Logging.ClusterLogging.EnabledTypes lists every log \
                type of the logTypes parameter (audit by default, as Security Hub sets it); \
                fails when one is missing or the cluster records no control plane logging.",
    remediation: "Enable the audit control plane log type (eks:UpdateClusterConfig --logging \
                  '{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}') and set a \
                  retention on the /aws/eks/<cluster>/cluster log group.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-8",
    remediation_hook: Remediation::NotifyOnly {
        why: "audit logs add CloudWatch Logs charges and need a retention its owner must choose",
    },
    duty: Duty::LoggingAndMonitoring,
    // AWS's control reference lists NIST 800-53 r5 requirements for EKS.8, but no stored copy of
    // that page could be read on 2026-12-06, so none are claimed here rather than guessed.
    mappings: Mappings {
        fsbp: Some("EKS.8"),
        cis_v3: None,
        nist_800_53_r5: &[],
    },
    parameters: &[ParamSpec {
        name: LOG_TYPES,
        kind: ParamKind::StringList,
        default: "audit",
        description: "Control plane log types that must be enabled (api, audit, authenticator, \
                      controllerManager, scheduler). Security Hub sets audit.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let cluster = super::cluster_name(item);
    let required = ctx.str_list(LOG_TYPES);
    let list = "/Logging/ClusterLogging/EnabledTypes";
    let entries = match item.read(list) {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => &[][..],
        Ok(Some(Value::Array(entries))) => entries.as_slice(),
        Ok(Some(other)) => return Unreadable::config(list, found(other, "a list")).into(),
    };
    let mut enabled = Vec::with_capacity(entries.len());
    for index in 0..entries.len() {
        match item.read_str(&format!("{list}/{index}/Type")) {
            Err(unreadable) => return unreadable.into(),
            Ok(Some(kind)) => enabled.push(kind.trim()),
            Ok(None) => {}
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .map(String::as_str)
        .filter(|r| !enabled.iter().any(|e| e.eq_ignore_ascii_case(r)))
        .collect();
    if missing.is_empty() {
        return Verdict::pass(format!(
            "cluster {cluster} sends the {} control plane log(s) to CloudWatch Logs",
            required.join(", ")
        ));
    }
    let now = if enabled.is_empty() {
        "no log type is enabled".to_owned()
    } else {
        format!("enabled: {}", enabled.join(", "))
    };
    Verdict::fail(format!(
        "cluster {cluster} does not send the {} control plane log(s) to CloudWatch Logs \
         (configuration.Logging.ClusterLogging.EnabledTypes; {now})",
        missing.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(logging: Value, overrides: &[(&str, &str)]) -> Verdict {
        testing::with_parts(
            &CONTROL,
            json!({"Name": "platform", "Logging": logging}),
            json!({}),
            overrides,
        )
    }

    #[test]
    fn audit_enabled_passes() {
        let v = run(
            json!({"ClusterLogging": {"EnabledTypes": [{"Type": "api"}, {"Type": "audit"}]}}),
            &[],
        );
        assert_eq!(
            v,
            Verdict::pass(
                "cluster platform sends the audit control plane log(s) to CloudWatch Logs"
            )
        );
    }

    #[test]
    fn other_types_or_none_fail() {
        let v = run(
            json!({"ClusterLogging": {"EnabledTypes": [{"Type": "api"}]}}),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail(
                "cluster platform does not send the audit control plane log(s) to CloudWatch \
                 Logs (configuration.Logging.ClusterLogging.EnabledTypes; enabled: api)"
            )
        );
        assert!(run(json!(null), &[]).is_non_compliant());
        assert!(run(json!({"ClusterLogging": {"EnabledTypes": []}}), &[]).is_non_compliant());
    }

    #[test]
    fn the_log_types_parameter_is_honoured() {
        let logging = json!({"ClusterLogging": {"EnabledTypes": [{"Type": "audit"}]}});
        let v = run(logging, &[(LOG_TYPES, "audit,authenticator")]);
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("authenticator"), "{v}");
    }

    #[test]
    fn odd_logging_is_insufficient() {
        for logging in [
            json!({"ClusterLogging": {"EnabledTypes": "audit"}}),
            json!({"ClusterLogging": {"EnabledTypes": [{"Type": true}]}}),
        ] {
            let v = run(logging, &[]);
            assert!(v.is_insufficient(), "{v}");
        }
    }
}
