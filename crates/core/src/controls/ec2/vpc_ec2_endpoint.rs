//! EC2.10 — Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon
//! EC2 service.
//!
//! The managed rule (`vpc-endpoint-enabled`, serviceNames `ec2`) looks for an endpoint of the EC2
//! service in each VPC. The `AWS::EC2::VPC` item does not list its endpoints, so the VpcEndpoints
//! evidence does (`ec2:DescribeVpcEndpoints` filtered on the VPC). An endpoint counts when its
//! service name ends in `.ec2` or `.ec2-fips` (`com.amazonaws.<region>.ec2`, and the `cn.`-prefixed
//! names of the China partition). Whether AWS also requires the endpoint to be `available` is not
//! documented; sidewatch only refuses endpoints that are being or have been deleted, or that
//! failed or were rejected — they carry no traffic.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::VpcEndpoints;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.10",
    title: "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon \
            EC2 service",
    severity: Severity::Medium,
    resource_types: &["AWS::EC2::VPC"],
    rationale: "Passes when the VPC has a VPC endpoint for the Amazon EC2 service \
                (com.amazonaws.<region>.ec2 or its FIPS variant, VpcEndpoints evidence) that is \
                not deleted, failed or rejected; fails when it has none. VPCs shared from another \
                account fail, as in AWS's control.",
    remediation: "Create an interface VPC endpoint for com.amazonaws.<region>.ec2 in the VPC \
                  (`aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name \
                  com.amazonaws.REGION.ec2 --vpc-id VPC`), so EC2 API calls stay on the AWS \
                  network.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-10",
    remediation_hook: Remediation::NotifyOnly {
        why: "an interface endpoint needs subnets, security groups and a DNS choice, and costs \
              money",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.10"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)",
            "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::VpcEndpoints],
    evaluate,
};

/// Endpoint states that carry no traffic.
const DEAD_STATES: [&str; 5] = ["deleting", "deleted", "failed", "rejected", "expired"];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found: VpcEndpoints = match evidence_with(ctx, EvidenceKind::VpcEndpoints, &["endpoints"]) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let vpc = ctx
        .item
        .config_str("/vpcId")
        .unwrap_or(&ctx.item.resource_id);
    let mut dead = Vec::new();
    for endpoint in found
        .endpoints
        .iter()
        .filter(|e| is_ec2_service(&e.service_name))
    {
        let state = endpoint.state.as_deref().map_or("", str::trim);
        if DEAD_STATES.iter().any(|d| state.eq_ignore_ascii_case(d)) {
            dead.push(format!("{} is {state}", endpoint.vpc_endpoint_id));
            continue;
        }
        return Verdict::pass(format!(
            "VPC {vpc} has VPC endpoint {} for {}",
            endpoint.vpc_endpoint_id,
            endpoint.service_name.trim()
        ));
    }
    if dead.is_empty() {
        Verdict::fail(format!(
            "VPC {vpc} has no VPC endpoint for the Amazon EC2 service"
        ))
    } else {
        Verdict::fail(format!(
            "VPC {vpc} has no usable VPC endpoint for the Amazon EC2 service: {}",
            dead.join("; ")
        ))
    }
}

/// `com.amazonaws.<region>.ec2`, `…ec2-fips`, `cn.com.amazonaws.<region>.ec2`.
fn is_ec2_service(name: &str) -> bool {
    let name = name.trim();
    name.contains("amazonaws.")
        && name
            .rsplit('.')
            .next()
            .is_some_and(|service| service == "ec2" || service == "ec2-fips")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(evidence: Option<Value>) -> Verdict {
        run_with_evidence(
            &CONTROL,
            json!({"vpcId": "vpc-1"}),
            EvidenceKind::VpcEndpoints,
            evidence,
            &[],
        )
    }

    fn endpoint(service: &str, state: &str) -> Value {
        json!({"vpcEndpointId": "vpce-1", "serviceName": service, "state": state})
    }

    #[test]
    fn an_ec2_endpoint_passes() {
        for service in [
            "com.amazonaws.eu-west-1.ec2",
            "com.amazonaws.us-east-1.ec2-fips",
            "cn.com.amazonaws.cn-north-1.ec2",
        ] {
            let v = run(Some(json!({"endpoints": [endpoint(service, "available")]})));
            assert!(v.is_compliant(), "{service}: {v}");
        }
    }

    #[test]
    fn other_services_or_dead_endpoints_fail() {
        let v = run(Some(json!({"endpoints": [
            endpoint("com.amazonaws.eu-west-1.s3", "available"),
            endpoint("com.amazonaws.eu-west-1.ec2messages", "available")]})));
        assert_eq!(
            v,
            Verdict::fail("VPC vpc-1 has no VPC endpoint for the Amazon EC2 service")
        );
        let v = run(Some(
            json!({"endpoints": [endpoint("com.amazonaws.eu-west-1.ec2", "deleted")]}),
        ));
        assert!(
            v.is_non_compliant() && v.reason().contains("deleted"),
            "{v}"
        );
    }

    #[test]
    fn missing_or_failed_evidence_is_insufficient() {
        assert!(run(None).is_insufficient());
        assert!(run(Some(json!({}))).is_insufficient());
        let denied = json!({"sidewatchError": {"code": "UnauthorizedOperation", "message": "no"}});
        assert!(run(Some(denied)).is_insufficient());
    }
}
