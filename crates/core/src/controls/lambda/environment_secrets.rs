//! Lambda.X1 — Lambda function environment variables should not contain secrets.
//!
//! No FSBP or CIS control covers this (FSBP has CodeBuild.2 and ECS.8 for other services); Prowler
//! rates its equivalent, `awslambda_function_no_secrets_in_variables`, critical. AWS Config does
//! not record a function's environment variables, so the LambdaEnvironmentSecrets evidence carries
//! what a secret detector found in them (`lambda:GetFunctionConfiguration`): variable names and
//! the kind of secret each looks like — never a value.
//!
//! Any hit fails, naming the variables and kinds. Every function applies, container images
//! included (their environment variables are set the same way). Because a pass rests on an empty
//! `hits` list, an evidence entry without `hits` is INSUFFICIENT_DATA rather than read as "no
//! secret".

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::LambdaEnvironmentSecrets;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "Lambda.X1",
    title: "Lambda function environment variables should not contain secrets",
    severity: Severity::Critical,
    resource_types: &["AWS::Lambda::Function"],
    rationale: "Fails when the secret detector flags any of the function's environment variables \
                (LambdaEnvironmentSecrets evidence: variable names and secret kinds, never \
                values); passes when it flags none.",
    remediation: "Move the secret to AWS Secrets Manager or an SSM Parameter Store SecureString, \
                  read it at run time (the AWS Parameters and Secrets Lambda Extension caches it), \
                  remove the variable (lambda:UpdateFunctionConfiguration) and rotate the exposed \
                  secret, since earlier versions and anyone with \
                  lambda:GetFunctionConfiguration have seen it.",
    remediation_url: "https://docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "secrets must be moved to a secret store and rotated by their owner",
    },
    duty: Duty::DataProtection,
    mappings: Mappings::NONE,
    parameters: &[],
    evidence: &[EvidenceKind::LambdaEnvironmentSecrets],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found: LambdaEnvironmentSecrets =
        match evidence_with(ctx, EvidenceKind::LambdaEnvironmentSecrets, &["hits"]) {
            Ok(f) => f,
            Err(verdict) => return verdict,
        };
    let function = ctx
        .item
        .config_str("/functionName")
        .unwrap_or(&ctx.item.resource_id);
    if found.hits.is_empty() {
        return Verdict::pass(format!(
            "none of the {} environment variables of function {function} looks like a secret",
            found.variables_checked
        ));
    }
    let hits: Vec<String> = found
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let name = match hit.variable.trim() {
                "" => format!("#{}", i + 1),
                name => name.to_owned(),
            };
            match hit.kind.trim() {
                "" => name,
                kind => format!("{name} ({kind})"),
            }
        })
        .collect();
    Verdict::fail(format!(
        "function {function} has {} environment variable(s) that look like secrets: {}",
        hits.len(),
        hits.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use crate::controls::test_support::run as run_item;
    use crate::evidence::shapes::EnvironmentSecretHit;
    use serde_json::{Value, json};
    use sidewatch_secrets::scan_environment;

    fn run(evidence: Option<Value>) -> Verdict {
        let function = json!({"functionName": "billing-sync", "packageType": "Image"});
        let kind = EvidenceKind::LambdaEnvironmentSecrets;
        run_with_evidence(&CONTROL, function, kind, evidence, &[])
    }

    #[test]
    fn hits_fail_with_names_and_kinds_only() {
        let v = run(Some(json!({"variablesChecked": 6, "hits": [
            {"variable": "AWS_SECRET_ACCESS_KEY", "kind": "AWS secret access key"},
            {"variable": "STRIPE_KEY", "kind": ""}]})));
        assert_eq!(
            v,
            Verdict::fail(
                "function billing-sync has 2 environment variable(s) that look like secrets: \
                 AWS_SECRET_ACCESS_KEY (AWS secret access key), STRIPE_KEY"
            )
        );
    }

    #[test]
    fn no_hit_passes_even_for_container_images() {
        let v = run(Some(json!({"variablesChecked": 3, "hits": []})));
        assert_eq!(
            v,
            Verdict::pass(
                "none of the 3 environment variables of function billing-sync looks like a secret"
            )
        );
    }

    /// The environment behind `fixtures/Lambda.X1/fail-password-named-variable.json`.
    const NAMED_PASSWORD_ENVIRONMENT: [(&str, &str); 3] = [
        (
            "DB_HOST",
            "orders.cluster-c1x2y3z4.eu-west-1.rds.amazonaws.com",
        ),
        ("DB_PASSWORD", "hunter2-very-secret"),
        ("LOG_LEVEL", "info"),
    ];

    #[test]
    fn a_password_named_variable_fails_whatever_its_value_and_the_reason_hides_it() {
        // The evidence as the adapter builds it from the detector's hits.
        let evidence = LambdaEnvironmentSecrets {
            variables_checked: NAMED_PASSWORD_ENVIRONMENT.len(),
            hits: scan_environment(NAMED_PASSWORD_ENVIRONMENT)
                .into_iter()
                .map(|hit| EnvironmentSecretHit {
                    variable: hit.variable,
                    kind: hit.kind.label().to_owned(),
                })
                .collect(),
        };
        let evidence = serde_json::to_value(&evidence).unwrap();
        // The fixture carries exactly that evidence, so the fixture run checks the detector too.
        let fixture: Value = serde_json::from_str(include_str!(
            "fixtures/Lambda.X1/fail-password-named-variable.json"
        ))
        .unwrap();
        assert_eq!(
            fixture["supplementaryConfiguration"][EvidenceKind::LambdaEnvironmentSecrets.key()],
            evidence
        );
        for verdict in [run(Some(evidence)), run_item(&CONTROL, fixture, &[])] {
            assert!(verdict.is_non_compliant(), "{verdict:?}");
            let reason = verdict.reason();
            assert!(reason.contains("DB_PASSWORD"), "{reason}");
            assert!(!reason.contains("hunter2"), "{reason}");
            assert!(!reason.contains("DB_HOST") && !reason.contains("LOG_LEVEL"));
        }
    }

    #[test]
    fn absent_failed_or_partial_evidence_is_insufficient() {
        for e in [
            None,
            Some(json!({})),
            Some(json!({"variablesChecked": 4})),
            Some(json!({"sidewatchError": {"code": "AccessDeniedException", "message": "no"}})),
            Some(json!({"hits": "none"})),
        ] {
            assert!(run(e.clone()).is_insufficient(), "{e:?}");
        }
    }
}
