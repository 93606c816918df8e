//! Config.1 — AWS Config should be enabled and use the service-linked role for resource
//! recording.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::{account, catalog};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{ConfigRecorder, ConfigRecorders};
use crate::item::ACCOUNT_RESOURCE_TYPE;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use std::collections::BTreeSet;

pub const CONTROL: Control = Control {
    id: "Config.1",
    title: "AWS Config should be enabled and use the service-linked role for resource recording",
    severity: Severity::Critical,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the Region has a configuration recorder \
                (config:DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus) \
                that is recording, whose last status is not FAILURE, that records every resource \
                type sidewatch's controls evaluate (all supported types, an inclusion list that \
                holds them, or an exclusion list that spares them; the global IAM types only in \
                the Region that evaluates global resources), and, with \
                includeConfigServiceLinkedRoleCheck, uses the service-linked role \
                AWSServiceRoleForConfig. Fails naming what each recorder lacks. Stricter than \
                AWS: the types of every sidewatch control count, not only the enabled ones.",
    remediation: "Turn on AWS Config in every Region with the service-linked role \
                  AWSServiceRoleForConfig, record all supported resource types (with global IAM \
                  types in one Region) and start the recorder (`aws configservice \
                  start-configuration-recorder`).",
    remediation_url: "https://docs.aws.amazon.com/config/latest/developerguide/getting-started.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "recording needs a delivery channel, bucket and role chosen by a person",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("Config.1"),
        cis_v3: Some("3.3"),
        nist_800_53_r5: &["CM-3", "CM-6(1)", "CM-8", "CM-8(2)"],
    },
    parameters: &[ParamSpec {
        name: "includeConfigServiceLinkedRoleCheck",
        kind: ParamKind::Bool,
        default: "true",
        description: "Require the recorder to use the service-linked role \
                      AWSServiceRoleForConfig; false skips the role check.",
    }],
    evidence: &[EvidenceKind::ConfigRecorders],
    evaluate,
};

/// The global IAM resource types, recorded in one Region only.
const GLOBAL_IAM_TYPES: [&str; 4] = [
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
];

/// The end of the service-linked role's ARN
/// (`arn:aws:iam::<account>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`).
const SERVICE_LINKED_ROLE: &str = "/aws-service-role/config.amazonaws.com/awsserviceroleforconfig";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found: ConfigRecorders =
        match account::evidence(ctx, EvidenceKind::ConfigRecorders, &["recorders"]) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
    let region = account::region_name(ctx.item);
    if found.recorders.is_empty() {
        return Verdict::fail(format!(
            "AWS Config has no configuration recorder in {region}"
        ));
    }
    let home = match account::evaluates_global_resources(ctx.item) {
        Ok(home) => home,
        Err(problem) => return problem.into(),
    };
    let required = required_types(home);
    let check_role = ctx.bool("includeConfigServiceLinkedRoleCheck");
    let mut problems = Vec::new();
    for recorder in &found.recorders {
        match shortfall(recorder, &required, check_role) {
            None => {
                return Verdict::pass(format!(
                    "configuration recorder {} is recording every resource type sidewatch \
                     evaluates in {region}",
                    recorder.name
                ));
            }
            Some(why) => problems.push(format!("recorder {} {why}", recorder.name)),
        }
    }
    Verdict::fail(account::join_limited(&problems, 3))
}

/// The resource types the catalog's controls evaluate, from AWS Config's items: all but the
/// account items sidewatch builds, and the global IAM types only where they are recorded.
fn required_types(home_region: bool) -> BTreeSet<&'static str> {
    catalog()
        .iter()
        .flat_map(|c| c.resource_types.iter().copied())
        .filter(|t| *t != ACCOUNT_RESOURCE_TYPE)
        .filter(|t| home_region || !GLOBAL_IAM_TYPES.contains(t))
        .collect()
}

/// What keeps the recorder from qualifying, or `None` when it qualifies.
fn shortfall(
    recorder: &ConfigRecorder,
    required: &BTreeSet<&'static str>,
    check_role: bool,
) -> Option<String> {
    if !recorder.recording {
        return Some("is not recording".to_owned());
    }
    if recorder
        .last_status
        .as_deref()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("FAILURE"))
    {
        return Some("failed its last recording attempt (lastStatus FAILURE)".to_owned());
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|t| !records(recorder, t))
        .collect();
    if !missing.is_empty() {
        let shown = missing
            .iter()
            .take(4)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let more = missing.len().saturating_sub(4);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let hint = if recorder.all_supported && missing.iter().any(|t| GLOBAL_IAM_TYPES.contains(t))
        {
            " (includeGlobalResourceTypes is false)"
        } else {
            ""
        };
        return Some(format!("does not record {shown}{tail}{hint}"));
    }
    if check_role {
        let role = recorder.role_arn.as_deref().map(str::trim).unwrap_or("");
        if !role.to_ascii_lowercase().ends_with(SERVICE_LINKED_ROLE) {
            let shown = if role.is_empty() { "no role" } else { role };
            return Some(format!(
                "uses {shown} instead of the service-linked role AWSServiceRoleForConfig"
            ));
        }
    }
    None
}

/// Whether the recorder records `resource_type`, by its recording strategy.
fn records(recorder: &ConfigRecorder, resource_type: &str) -> bool {
    let listed = |list: &[String]| list.iter().any(|t| t == resource_type);
    let strategy = recorder.recording_strategy.as_deref().map(str::trim);
    if recorder.all_supported {
        // With all supported types, the global IAM types need includeGlobalResourceTypes.
        !GLOBAL_IAM_TYPES.contains(&resource_type) || recorder.include_global_resource_types
    } else if strategy == Some("EXCLUSION_BY_RESOURCE_TYPES") {
        !listed(&recorder.exclusion_resource_types)
    } else {
        listed(&recorder.resource_types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use crate::controls::checks::testing::evaluate;
    use serde_json::{Value, json};

    const ROLE: &str = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

    fn recorder(extra: Value) -> Value {
        let mut base = json!({
            "name": "default", "roleArn": ROLE, "allSupported": true,
            "includeGlobalResourceTypes": true, "resourceTypes": [],
            "exclusionResourceTypes": [], "recordingStrategy": "ALL_SUPPORTED_RESOURCE_TYPES",
            "recording": true, "lastStatus": "SUCCESS"
        });
        if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
            b.extend(e);
        }
        base
    }

    fn run_in(home: bool, recorders: Value, overrides: &[(&str, &str)]) -> Verdict {
        let evidence = [(
            EvidenceKind::ConfigRecorders,
            json!({ "recorders": recorders }),
        )];
        evaluate(
            &CONTROL,
            testing::item_in("eu-west-1", home, &evidence),
            overrides,
        )
    }

    fn run(recorders: Value) -> Verdict {
        run_in(true, recorders, &[])
    }

    #[test]
    fn a_recording_all_supported_recorder_with_the_service_linked_role_passes() {
        assert!(run(json!([recorder(json!({}))])).is_compliant());
        assert!(run(json!([recorder(json!({"lastStatus": "PENDING"}))])).is_compliant());
        let v = run(json!([]));
        assert!(
            v.reason()
                .contains("no configuration recorder in eu-west-1"),
            "{v}"
        );
    }

    #[test]
    fn stopped_or_failing_recorders_fail() {
        let v = run(json!([recorder(json!({"recording": false}))]));
        assert_eq!(v, Verdict::fail("recorder default is not recording"));
        let v = run(json!([recorder(json!({"lastStatus": "Failure"}))]));
        assert!(v.reason().contains("lastStatus FAILURE"), "{v}");
    }

    #[test]
    fn global_iam_types_are_needed_in_the_home_region_only() {
        let no_global = json!([recorder(json!({"includeGlobalResourceTypes": false}))]);
        let v = run_in(true, no_global.clone(), &[]);
        assert!(v.reason().contains("AWS::IAM::"), "{v}");
        assert!(run_in(false, no_global, &[]).is_compliant());
    }

    #[test]
    fn inclusion_and_exclusion_lists_are_checked_against_the_catalog() {
        let needed: Vec<&str> = required_types(true).into_iter().collect();
        let listed = recorder(
            json!({"allSupported": false, "includeGlobalResourceTypes": false,
            "recordingStrategy": "INCLUSION_BY_RESOURCE_TYPES", "resourceTypes": needed}),
        );
        assert!(run(json!([listed])).is_compliant());
        let few = recorder(
            json!({"allSupported": false, "resourceTypes": ["AWS::S3::Bucket"],
            "recordingStrategy": "INCLUSION_BY_RESOURCE_TYPES"}),
        );
        let v = run(json!([few]));
        assert!(v.reason().contains("does not record"), "{v}");
        assert!(!v.reason().contains("AWS::S3::Bucket,"), "{v}");
        let excluded = recorder(json!({"allSupported": false,
            "recordingStrategy": "EXCLUSION_BY_RESOURCE_TYPES",
            "exclusionResourceTypes": ["AWS::EC2::SecurityGroup", "AWS::Athena::WorkGroup"]}));
        let v = run(json!([excluded]));
        assert_eq!(
            v,
            Verdict::fail("recorder default does not record AWS::EC2::SecurityGroup")
        );
        let harmless = recorder(json!({"allSupported": false,
            "recordingStrategy": "EXCLUSION_BY_RESOURCE_TYPES",
            "exclusionResourceTypes": ["AWS::Athena::WorkGroup"]}));
        assert!(run(json!([harmless])).is_compliant());
    }

    #[test]
    fn the_role_check_follows_its_parameter() {
        let own_role = json!([recorder(
            json!({"roleArn": "arn:aws:iam::123456789012:role/config"})
        )]);
        let v = run_in(true, own_role.clone(), &[]);
        assert!(
            v.reason().contains("instead of the service-linked role"),
            "{v}"
        );
        let off = [("includeConfigServiceLinkedRoleCheck", "false")];
        assert!(run_in(true, own_role, &off).is_compliant());
        let v = run(json!([recorder(json!({"roleArn": null}))]));
        assert!(v.reason().contains("uses no role"), "{v}");
    }

    #[test]
    fn one_good_recorder_among_others_is_enough() {
        let linked = recorder(json!({"name": "AWSConfigurationRecorderForExample",
            "allSupported": false, "resourceTypes": ["AWS::EC2::Instance"],
            "recordingStrategy": "INCLUSION_BY_RESOURCE_TYPES"}));
        assert!(run(json!([linked.clone(), recorder(json!({}))])).is_compliant());
        assert!(run(json!([linked])).is_non_compliant());
    }
}
