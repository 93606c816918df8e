//! EKS.1 — EKS cluster endpoints should not be publicly accessible.
//!
//! AWS's rule (`eks-endpoint-no-public-access`) fails a cluster whose Kubernetes API endpoint is
//! public: `configuration.ResourcesVpcConfig.EndpointPublicAccess` true. Restricting the public
//! endpoint to some CIDR blocks (`PublicAccessCidrs`) does not make it private, so it still fails;
//! the reason says which blocks may reach it.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "EKS.1",
    title: "EKS cluster endpoints should not be publicly accessible",
    severity: Severity::High,
    resource_types: &["AWS::EKS::Cluster"],
    rationale: "Fails when configuration.ResourcesVpcConfig.EndpointPublicAccess is true (the \
                Kubernetes API endpoint is reachable from the internet, even if \
                PublicAccessCidrs narrows who may connect); passes when it is false. An item \
                without the field is INSUFFICIENT_DATA.",
    remediation: "Turn on private endpoint access and turn off public access \
                  (eks:UpdateClusterConfig --resources-vpc-config \
                  endpointPrivateAccess=true,endpointPublicAccess=false) once operators and \
                  pipelines reach the VPC (VPN, Direct Connect, a bastion or runners inside it).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "closing the public endpoint locks out every kubectl user and pipeline outside the \
              VPC: a person must provide private access first",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EKS.1"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)",
            "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let cluster = super::cluster_name(item);
    let verdict = checks::require_flag(
        item,
        "/ResourcesVpcConfig/EndpointPublicAccess",
        false,
        &format!("the API endpoint of cluster {cluster} is private"),
        &format!("the API endpoint of cluster {cluster} is publicly accessible"),
    );
    // Say who may reach a public endpoint: the CIDR blocks, when the item lists them as strings.
    match (
        verdict,
        item.config("/ResourcesVpcConfig/PublicAccessCidrs"),
    ) {
        (Verdict::NonCompliant(reason), Some(Value::Array(cidrs))) if !cidrs.is_empty() => {
            let cidrs: Vec<&str> = cidrs.iter().filter_map(Value::as_str).collect();
            if cidrs.is_empty() {
                Verdict::fail(reason)
            } else {
                Verdict::fail(format!("{reason}; allowed from {}", cidrs.join(", ")))
            }
        }
        (verdict, _) => verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(vpc: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"Name": "platform", "ResourcesVpcConfig": vpc}),
        )
    }

    #[test]
    fn a_public_endpoint_fails_even_when_restricted() {
        let v = run(
            json!({"EndpointPublicAccess": true, "EndpointPrivateAccess": true,
                           "PublicAccessCidrs": ["203.0.113.0/24"]}),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "the API endpoint of cluster platform is publicly accessible \
                 (configuration.ResourcesVpcConfig.EndpointPublicAccess is true); allowed from \
                 203.0.113.0/24"
            )
        );
    }

    #[test]
    fn a_private_endpoint_passes() {
        let v = run(json!({"EndpointPublicAccess": false, "EndpointPrivateAccess": true}));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn absent_or_odd_flags_are_insufficient() {
        for vpc in [
            json!({}),
            json!({"EndpointPublicAccess": "public"}),
            json!(null),
        ] {
            let v = run(vpc);
            assert!(v.is_insufficient(), "{v}");
        }
    }
}
