//! APIGateway.2 — API Gateway REST API stages should be configured to use SSL certificates for
//! backend authentication.
//!
//! AWS's rule `api-gw-ssl-enabled`: the stage's `clientCertificateId` (schema-confirmed) names
//! the client certificate API Gateway presents to the integration backend.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "APIGateway.2",
    title: "API Gateway REST API stages should be configured to use SSL certificates for backend \
            authentication",
    severity: Severity::Medium,
    resource_types: &["AWS::ApiGateway::Stage"],
    rationale: "Passes when the REST API stage's configuration.clientCertificateId names a client \
                certificate, so backends can verify requests come from API Gateway; fails when it \
                is null or empty. An item without the field is INSUFFICIENT_DATA.",
    remediation: "Generate a client certificate (apigateway:GenerateClientCertificate), set it on \
                  the stage (apigateway:UpdateStage, /clientCertificateId) and configure the \
                  backend to verify it.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "the backend must be configured to trust and check the certificate first",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("APIGateway.2"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::ENCRYPTION_IN_TRANSIT,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    super::require_setting(
        ctx.item,
        "/clientCertificateId",
        "authenticates to its backend with client certificate",
        "presents no client certificate to its backend",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_certificate_id_decides() {
        let v = testing::with_configuration(
            &CONTROL,
            json!({"stageName": "prod", "clientCertificateId": "abc123"}),
        );
        assert_eq!(
            v,
            Verdict::pass("stage prod authenticates to its backend with client certificate abc123")
        );
        for none in [json!(null), json!(""), json!("  ")] {
            let v = testing::with_configuration(&CONTROL, json!({"clientCertificateId": none}));
            assert!(v.is_non_compliant(), "{v}");
        }
        for odd in [json!({}), json!({"clientCertificateId": 1}), json!("[1]")] {
            assert!(
                testing::with_configuration(&CONTROL, odd.clone()).is_insufficient(),
                "{odd}"
            );
        }
    }
}
