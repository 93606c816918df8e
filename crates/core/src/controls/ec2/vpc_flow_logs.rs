//! EC2.6 — VPC flow logging should be enabled in all VPCs (CIS 3.7).
//!
//! AWS's rule (`vpc-flow-logs-enabled`, with Security Hub's fixed `trafficType: REJECT`) passes a
//! VPC that has an enabled flow log capturing rejected traffic. Flow logs are not in the
//! `AWS::EC2::VPC` configuration item; the VpcFlowLogs evidence lists the flow logs whose resource
//! is the VPC (`ec2:DescribeFlowLogs`). A flow log counts when its `flowLogStatus` is `ACTIVE` and
//! its `trafficType` is `REJECT` or `ALL` (`ALL` includes rejected traffic).
//!
//! One deliberate addition: a flow log whose `deliverLogsStatus` is `FAILED` does not count — it
//! produces no records (typically the delivery role or destination policy is wrong), so the VPC
//! is not really logged. Flow logs on subnets or network interfaces of the VPC are not VPC flow
//! logs and are not in the evidence.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{FlowLog, FlowLogs};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.6",
    title: "VPC flow logging should be enabled in all VPCs",
    severity: Severity::Medium,
    resource_types: &["AWS::EC2::VPC"],
    rationale: "Passes when the VPC has a flow log (VpcFlowLogs evidence) that is ACTIVE, \
                captures REJECT or ALL traffic and whose log delivery has not FAILED; fails when \
                it has none.",
    remediation: "Create a flow log for the VPC that captures rejected (or all) traffic and \
                  delivers to CloudWatch Logs, Amazon S3 or Amazon Data Firehose \
                  (ec2:CreateFlowLogs --resource-type VPC --traffic-type REJECT); if delivery \
                  failed, fix the delivery role or destination policy.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
    remediation_hook: Remediation::NotifyOnly {
        why: "flow logs need a destination and IAM role chosen by a person",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("EC2.6"),
        cis_v3: Some("3.7"),
        nist_800_53_r5: &[
            "AC-4(26)", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SI-7(8)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::VpcFlowLogs],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let logs: FlowLogs = match ctx.evidence_as(EvidenceKind::VpcFlowLogs) {
        Ok(l) => l,
        Err(verdict) => return verdict,
    };
    let vpc = ctx
        .item
        .config_str("/vpcId")
        .unwrap_or(&ctx.item.resource_id);
    let mut why_not = Vec::new();
    for (i, log) in logs.flow_logs.iter().enumerate() {
        let id = match log.flow_log_id.trim() {
            "" => format!("#{}", i + 1),
            id => id.to_owned(),
        };
        match shortfall(log) {
            None => {
                return Verdict::pass(format!(
                    "VPC {vpc} has active flow log {id} capturing {} traffic",
                    field(&log.traffic_type).to_ascii_uppercase()
                ));
            }
            Some(reason) => why_not.push(format!("flow log {id} {reason}")),
        }
    }
    if why_not.is_empty() {
        Verdict::fail(format!("VPC {vpc} has no flow log"))
    } else {
        Verdict::fail(format!(
            "VPC {vpc} has no active flow log of rejected traffic: {}",
            why_not.join("; ")
        ))
    }
}

/// Why a flow log does not log the VPC's rejected traffic, or `None` when it does.
fn shortfall(log: &FlowLog) -> Option<String> {
    let status = field(&log.flow_log_status);
    if !status.eq_ignore_ascii_case("ACTIVE") {
        return Some(format!("has flowLogStatus {}", shown(status)));
    }
    let traffic = field(&log.traffic_type);
    if !(traffic.eq_ignore_ascii_case("REJECT") || traffic.eq_ignore_ascii_case("ALL")) {
        return Some(format!(
            "captures {} traffic, not REJECT or ALL",
            shown(traffic)
        ));
    }
    if field(&log.deliver_logs_status).eq_ignore_ascii_case("FAILED") {
        return Some("has deliverLogsStatus FAILED, so no records are delivered".to_owned());
    }
    None
}

fn field(value: &Option<String>) -> &str {
    value.as_deref().map_or("", str::trim)
}

fn shown(value: &str) -> &str {
    if value.is_empty() {
        "(not recorded)"
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(evidence: Option<Value>) -> Verdict {
        let vpc = json!({"vpcId": "vpc-0a1b2c3d"});
        run_with_evidence(&CONTROL, vpc, EvidenceKind::VpcFlowLogs, evidence, &[])
    }

    fn log(id: &str, status: &str, traffic: &str, delivery: &str) -> Value {
        json!({"flowLogId": id, "flowLogStatus": status, "trafficType": traffic,
               "deliverLogsStatus": delivery, "logDestinationType": "cloud-watch-logs"})
    }

    #[test]
    fn an_active_reject_or_all_log_passes() {
        for traffic in ["REJECT", "ALL", "all"] {
            let v = run(Some(
                json!({"flowLogs": [log("fl-1", "ACTIVE", traffic, "SUCCESS")]}),
            ));
            assert!(v.is_compliant(), "{traffic}: {v}");
        }
        let v = run(Some(json!({"flowLogs": [
            log("fl-1", "ACTIVE", "ACCEPT", "SUCCESS"),
            {"flowLogId": "fl-2", "flowLogStatus": "ACTIVE", "trafficType": "REJECT"}]})));
        assert_eq!(
            v,
            Verdict::pass("VPC vpc-0a1b2c3d has active flow log fl-2 capturing REJECT traffic")
        );
    }

    #[test]
    fn every_shortfall_is_named() {
        assert_eq!(
            run(Some(json!({"flowLogs": []}))),
            Verdict::fail("VPC vpc-0a1b2c3d has no flow log")
        );
        assert!(run(Some(json!({}))).is_non_compliant());
        let v = run(Some(json!({"flowLogs": [
            log("fl-1", "ACTIVE", "ACCEPT", "SUCCESS"),
            log("fl-2", "ACTIVE", "REJECT", "FAILED"),
            {"flowLogId": "fl-3", "trafficType": "ALL"}]})));
        assert_eq!(
            v,
            Verdict::fail(
                "VPC vpc-0a1b2c3d has no active flow log of rejected traffic: flow log fl-1 \
                 captures ACCEPT traffic, not REJECT or ALL; flow log fl-2 has deliverLogsStatus \
                 FAILED, so no records are delivered; flow log fl-3 has flowLogStatus (not recorded)"
            )
        );
    }

    #[test]
    fn missing_failed_or_malformed_evidence_is_insufficient() {
        for e in [
            None,
            Some(json!({"sidewatchError": {"code": "UnauthorizedOperation", "message": "no"}})),
            Some(json!({"flowLogs": {"fl-1": "ACTIVE"}})),
        ] {
            assert!(run(e.clone()).is_insufficient(), "{e:?}");
        }
    }
}
