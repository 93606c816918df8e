//! The doors on real-shaped events: the fixture files in `tests/fixtures/events/` (repository
//! root), `config-rule/` for AWS Config rule events and `eventbridge/` for EventBridge events.
//! A file named `malformed-…` must be refused with a [`DoorError`]; every other file must parse.

use super::cloudtrail::Target;
use super::config_rule::{ConfigRuleEvent, InvokingEvent};
use super::evaluations::ConfigEvaluation;
use super::eventbridge::{Detail, EventBridgeEvent};
use super::{DoorError, not_applicable};
use crate::engine::Engine;
use crate::evidence::EvidenceKind;
use crate::item::{ACCOUNT_RESOURCE_TYPE, ItemError, ItemStatus};
use crate::verdict::ComplianceType;
use std::path::{Path, PathBuf};
use time::macros::datetime;

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/events")
}

fn read(relative: &str) -> String {
    let path = events_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rule(name: &str) -> Result<ConfigRuleEvent, DoorError> {
    ConfigRuleEvent::from_json_str(&read(&format!("config-rule/{name}.json")))
}

fn bridge(name: &str) -> Result<EventBridgeEvent, DoorError> {
    EventBridgeEvent::from_json_str(&read(&format!("eventbridge/{name}.json")))
}

fn files(door: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(events_dir().join(door))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixtures for {door}");
    names
}

/// Parses `<door>/<name>.json` with the door's parser, keeping only the outcome.
fn parse(door: &str, name: &str) -> Result<(), DoorError> {
    match door {
        "config-rule" => rule(name).map(|_| ()),
        "eventbridge" => bridge(name).map(|_| ()),
        other => panic!("no door called {other}"),
    }
}

#[test]
fn every_fixture_parses_or_is_refused_as_its_name_says() {
    for door in ["config-rule", "eventbridge"] {
        for file in files(door) {
            let name = file
                .strip_suffix(".json")
                .unwrap_or_else(|| panic!("{door}/{file}: fixtures are .json"));
            let result = parse(door, name);
            if name.starts_with("malformed-") {
                let err = result.expect_err(&format!("{door}/{file} must be refused"));
                assert!(!err.to_string().is_empty());
            } else if let Err(err) = result {
                panic!("{door}/{file}: {err}");
            }
        }
    }
}

#[test]
fn malformed_events_say_what_is_wrong() {
    let cases = [
        (
            "config-rule",
            "malformed-invoking-event-not-json",
            "`invokingEvent` of the AWS Config rule event must hold JSON",
        ),
        (
            "config-rule",
            "malformed-unknown-message-type",
            "messageType 'ConfigurationSnapshotDeliveryCompleted'",
        ),
        (
            "config-rule",
            "malformed-no-result-token",
            "has no `resultToken`",
        ),
        (
            "config-rule",
            "malformed-item-without-resource-id",
            "`invokingEvent.configurationItem` of the AWS Config rule event is not a \
             configuration item: configuration item has no `resourceId`",
        ),
        (
            "config-rule",
            "malformed-scheduled-bad-time",
            "`invokingEvent.notificationCreationTime` of the AWS Config rule event is not an \
             RFC 3339 timestamp: '04/06/2024 00:00'",
        ),
        (
            "config-rule",
            "malformed-not-an-object",
            "must be a JSON object, found an array",
        ),
        (
            "eventbridge",
            "malformed-no-detail-type",
            "the EventBridge event has no `detail-type`",
        ),
        (
            "eventbridge",
            "malformed-config-change-without-item",
            "has no `detail.configurationItem`",
        ),
        (
            "eventbridge",
            "malformed-config-unknown-message-type",
            "messageType 'ConfigurationItemChangeNotificationV2'",
        ),
        (
            "eventbridge",
            "malformed-cloudtrail-without-bucket-name",
            "has no `detail.requestParameters.bucketName`",
        ),
        (
            "eventbridge",
            "malformed-time",
            "`time` of the EventBridge event is not an RFC 3339 timestamp",
        ),
        (
            "eventbridge",
            "malformed-not-json",
            "the EventBridge event is not valid JSON",
        ),
    ];
    for (door, name, expected) in cases {
        let err = parse(door, name).expect_err(name).to_string();
        assert!(err.contains(expected), "{door}/{name}: {err}");
    }
    assert!(matches!(
        rule("malformed-item-without-resource-id"),
        Err(DoorError::Item {
            error: ItemError::MissingField("resourceId"),
            ..
        })
    ));
}

#[test]
fn a_configuration_change_reports_one_combined_evaluation() {
    let event = rule("change-s3-bucket").unwrap();
    assert!(!event.test_mode());
    assert_eq!(event.config_rule_name.as_deref(), Some("sidewatch-s3"));
    assert_eq!(event.region(), Some("eu-west-1"));
    let InvokingEvent::ConfigurationItemChange {
        item, change_type, ..
    } = &event.invoking_event
    else {
        panic!("{:?}", event.invoking_event)
    };
    assert_eq!(change_type.as_deref(), Some("UPDATE"));
    assert_eq!(item.resource_id, "example-app-uploads");

    let engine = event.parameters.engine().unwrap();
    assert!(
        engine
            .controls()
            .all(|c| c.service() == "S3" && c.id != "S3.20")
    );
    // S3.2 and S3.3 read the account's public access block: the function fetches it first.
    assert_eq!(
        event.evidence_needed(&engine, item),
        [EvidenceKind::S3AccountPublicAccessBlock]
    );
    let evaluations = event.evaluate(&engine, item);
    assert!(
        evaluations
            .iter()
            .any(|e| e.control.id == "S3.8" && e.verdict.is_non_compliant())
    );
    let reported = event.config_evaluation(&engine, item).unwrap();
    assert_eq!(reported.compliance_type, ComplianceType::NonCompliant);
    assert_eq!(reported.compliance_resource_type, "AWS::S3::Bucket");
    assert_eq!(reported.compliance_resource_id, "example-app-uploads");
    assert_eq!(
        reported.ordering_timestamp,
        datetime!(2024-06-03 14:22:51.318 UTC)
    );
    let failing: Vec<&str> = evaluations
        .iter()
        .filter(|e| e.verdict.is_non_compliant())
        .map(|e| e.control.id)
        .collect();
    assert!(
        reported
            .annotation
            .starts_with(&format!("{} failed", failing.join(", "))),
        "{}",
        reported.annotation
    );
    assert!(reported.annotation.contains("blockPublicPolicy"));
    assert!(reported.annotation.len() <= 256);
}

#[test]
fn test_mode_and_parameter_overrides_come_from_the_event() {
    let event = rule("change-security-group-test-mode").unwrap();
    assert!(event.test_mode());
    let engine = event.parameters.engine().unwrap();
    assert_eq!(
        engine.controls().map(|c| c.id).collect::<Vec<_>>(),
        ["EC2.13", "EC2.19"]
    );
    assert_eq!(
        engine.params("EC2.19").unwrap().get("blockedPorts"),
        Some(&crate::ParamValue::IntList(vec![22, 3389, 5432]))
    );
    let InvokingEvent::ConfigurationItemChange { item, .. } = &event.invoking_event else {
        panic!("{:?}", event.invoking_event)
    };
    let reported = event.config_evaluation(&engine, item).unwrap();
    assert_eq!(reported.compliance_type, ComplianceType::NonCompliant);
    assert!(
        reported
            .annotation
            .starts_with("EC2.13, EC2.19 failed: ingress tcp 22 from 0.0.0.0/0"),
        "{}",
        reported.annotation
    );
}

#[test]
fn an_oversized_change_asks_for_the_full_item_and_never_passes_without_it() {
    let event = rule("oversized-ec2-instance").unwrap();
    let InvokingEvent::OversizedConfigurationItemChange {
        summary,
        notification_time,
    } = &event.invoking_event
    else {
        panic!("{:?}", event.invoking_event)
    };
    assert_eq!(summary.resource_type(), "AWS::EC2::Instance");
    assert_eq!(summary.resource_id(), "i-0b9f1e2d3c4a5b6c7");
    assert_eq!(summary.capture_time(), Some("2024-06-03T16:46:16.261Z"));
    assert_eq!(summary.change_type.as_deref(), Some("UPDATE"));
    assert_eq!(summary.item.status, ItemStatus::Ok);
    assert!(summary.item.configuration.is_null());
    assert!(!summary.is_gone());
    assert_eq!(
        *notification_time,
        Some(datetime!(2024-06-03 16:46:17.008 UTC))
    );
    // Should the refetch fail, the placeholder is INSUFFICIENT_DATA, never a pass.
    let engine = event.parameters.engine().unwrap();
    let placeholder = summary.placeholder_item();
    let reported = event.config_evaluation(&engine, placeholder).unwrap();
    assert_eq!(reported.compliance_type, ComplianceType::InsufficientData);
    assert!(
        reported
            .annotation
            .starts_with("EC2.8, EC2.9 could not decide")
    );
    assert_eq!(
        reported.ordering_timestamp,
        datetime!(2024-06-03 16:46:16.261 UTC)
    );
    // A summary of a deleted resource needs no refetch.
    let mut gone = summary.clone();
    gone.item.status = ItemStatus::ResourceDeleted;
    assert!(gone.is_gone());
    let reported = event
        .config_evaluation(&engine, gone.placeholder_item())
        .unwrap();
    assert_eq!(reported.compliance_type, ComplianceType::NotApplicable);
}

#[test]
fn a_periodic_run_evaluates_the_account_item() {
    let event = rule("scheduled").unwrap();
    assert!(event.parameters.is_empty());
    let InvokingEvent::Scheduled {
        account_id,
        notification_time,
    } = &event.invoking_event
    else {
        panic!("{:?}", event.invoking_event)
    };
    assert_eq!(account_id, "123456789012");
    assert_eq!(*notification_time, datetime!(2024-06-04 00:00:00.373 UTC));
    let region = event.region().unwrap();
    let item = event.account_item(region, true).unwrap();
    assert_eq!(item.resource_type, ACCOUNT_RESOURCE_TYPE);
    assert_eq!(item.region.as_deref(), Some("eu-west-1"));
    let engine = event.parameters.engine().unwrap();
    let reported = event.config_evaluation(&engine, &item).unwrap();
    assert_eq!(reported.compliance_resource_type, "AWS::::Account");
    assert_eq!(reported.compliance_resource_id, "123456789012");
    assert_eq!(reported.ordering_timestamp, *notification_time);
    // No evidence was collected: whatever account controls exist, none can pass.
    assert_ne!(reported.compliance_type, ComplianceType::Compliant);
    let change = rule("change-s3-bucket").unwrap();
    assert!(change.account_item(region, true).is_none());
}

#[test]
fn a_resource_that_left_the_scope_is_not_applicable_everywhere() {
    let event = rule("left-scope").unwrap();
    assert!(event.event_left_scope);
    let engine = event.parameters.engine().unwrap();
    let InvokingEvent::ConfigurationItemChange { item, .. } = &event.invoking_event else {
        panic!("{:?}", event.invoking_event)
    };
    // The group still allows SSH from anywhere, but that is no longer this rule's business.
    assert!(
        engine
            .evaluate(item)
            .iter()
            .any(|e| e.verdict.is_non_compliant())
    );
    assert!(event.evidence_needed(&engine, item).is_empty());
    let evaluations = event.evaluate(&engine, item);
    let expected = engine
        .controls()
        .filter(|c| c.applies_to("AWS::EC2::SecurityGroup"))
        .count();
    assert_eq!(evaluations.len(), expected);
    assert!(evaluations.iter().all(|e| e.verdict.is_not_applicable()));
    let reported = event.config_evaluation(&engine, item).unwrap();
    assert_eq!(reported.compliance_type, ComplianceType::NotApplicable);
    assert!(reported.annotation.contains("left the rule's scope"));
    assert!(not_applicable(&engine, "AWS::Nothing::Here", "x").is_empty());
}

#[test]
fn a_deleted_resource_is_not_applicable() {
    let event = rule("deleted-security-group").unwrap();
    let engine = event.parameters.engine().unwrap();
    let InvokingEvent::ConfigurationItemChange {
        item, change_type, ..
    } = &event.invoking_event
    else {
        panic!("{:?}", event.invoking_event)
    };
    assert_eq!(change_type.as_deref(), Some("DELETE"));
    assert!(item.status.is_gone());
    assert!(event.evidence_needed(&engine, item).is_empty());
    let reported = event.config_evaluation(&engine, item).unwrap();
    assert_eq!(reported.compliance_type, ComplianceType::NotApplicable);
    assert!(
        reported.annotation.contains("ResourceDeleted"),
        "{}",
        reported.annotation
    );
}

#[test]
fn bad_rule_parameters_are_refused_naming_the_key() {
    let event = rule("bad-parameters").unwrap();
    let err = event.parameters.engine().unwrap_err();
    let DoorError::Parameter { key, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(key, "EC2.19.blockedPorts");
    assert!(reason.contains("70000"), "{reason}");
    assert!(
        err.to_string()
            .starts_with("rule parameter 'EC2.19.blockedPorts': ")
    );
}

#[test]
fn an_eventbridge_config_change_carries_the_item() {
    let event = bridge("config-item-change-security-group").unwrap();
    assert_eq!(event.envelope.account, "123456789012");
    assert_eq!(event.envelope.region, "eu-west-1");
    assert_eq!(event.envelope.source, "aws.config");
    assert_eq!(event.envelope.resources.len(), 1);
    let Detail::ConfigurationItemChange { item, change_type } = &event.detail else {
        panic!("{:?}", event.detail)
    };
    assert_eq!(change_type.as_deref(), Some("CREATE"));
    assert_eq!(item.status, ItemStatus::ResourceDiscovered);
    let engine = Engine::with_defaults();
    let evaluations = engine.evaluate(item);
    assert!(
        evaluations
            .iter()
            .any(|e| e.control.id == "EC2.13" && e.verdict.is_non_compliant())
    );
}

#[test]
fn an_eventbridge_oversized_change_carries_the_summary() {
    let event = bridge("config-item-oversized").unwrap();
    let Detail::OversizedConfigurationItemChange { summary } = &event.detail else {
        panic!("{:?}", event.detail)
    };
    assert_eq!(summary.resource_type(), "AWS::EC2::Instance");
    assert_eq!(summary.resource_id(), "i-0b9f1e2d3c4a5b6c7");
    assert_eq!(summary.item.account_id.as_deref(), Some("123456789012"));
}

#[test]
fn a_scheduled_event_evaluates_the_account_at_the_event_time() {
    let event = bridge("scheduled").unwrap();
    assert_eq!(event.detail, Detail::Scheduled);
    let item = event.account_item(false);
    assert_eq!(item.resource_type, ACCOUNT_RESOURCE_TYPE);
    assert_eq!(item.resource_id, "123456789012");
    assert_eq!(item.config_bool("/evaluatesGlobalResources"), Some(false));
    assert_eq!(item.capture_time.as_deref(), Some("2024-06-04T06:00:00Z"));
    let reported = ConfigEvaluation::for_item(&item, &[], None).unwrap();
    assert_eq!(reported.ordering_timestamp, datetime!(2024-06-04 06:00 UTC));
}

#[test]
fn other_eventbridge_events_are_ignored_not_errors() {
    let event = bridge("config-rules-compliance-change").unwrap();
    assert!(matches!(
        &event.detail,
        Detail::Ignored { reason } if reason.contains("Config Rules Compliance Change")
    ));
}

fn api_target(name: &str) -> Target {
    match bridge(name).unwrap().detail {
        Detail::ApiCall(call) => call.target,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn api_calls_map_to_what_must_be_re_evaluated() {
    let resource = |resource_type, id: &str| Target::Resource {
        resource_type,
        resource_id: id.to_owned(),
    };
    let account = |evidence: &[EvidenceKind]| Target::Account {
        evidence: evidence.to_vec(),
    };
    let cases = [
        (
            "cloudtrail-put-bucket-policy",
            resource("AWS::S3::Bucket", "example-app-uploads"),
        ),
        (
            "cloudtrail-delete-bucket-public-access-block",
            resource("AWS::S3::Bucket", "example-app-uploads"),
        ),
        (
            "cloudtrail-authorize-security-group-ingress",
            resource("AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f60718"),
        ),
        (
            "cloudtrail-update-function-configuration",
            resource("AWS::Lambda::Function", "billing-sync"),
        ),
        (
            "cloudtrail-add-permission",
            resource("AWS::Lambda::Function", "billing-sync"),
        ),
        (
            "cloudtrail-disable-key-rotation",
            resource("AWS::KMS::Key", "7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8"),
        ),
        (
            "cloudtrail-create-access-key-iam-user",
            Target::ResourceNamed {
                resource_type: "AWS::IAM::User",
                resource_name: "ci-deploy".to_owned(),
            },
        ),
        (
            "cloudtrail-create-access-key-root",
            account(&[EvidenceKind::IamAccountSummary]),
        ),
        (
            "cloudtrail-update-account-password-policy",
            account(&[EvidenceKind::IamPasswordPolicy]),
        ),
        (
            "cloudtrail-stop-logging",
            account(&[EvidenceKind::CloudTrailTrails]),
        ),
        (
            "cloudtrail-disable-ebs-encryption-by-default",
            account(&[EvidenceKind::EbsEncryptionByDefault]),
        ),
        (
            "cloudtrail-delete-detector",
            account(&[EvidenceKind::GuardDutyDetectors]),
        ),
        (
            "cloudtrail-put-account-public-access-block",
            account(&[EvidenceKind::S3AccountPublicAccessBlock]),
        ),
    ];
    for (name, expected) in cases {
        assert_eq!(api_target(name), expected, "{name}");
    }
}

#[test]
fn a_root_access_key_is_an_account_matter() {
    let event = bridge("cloudtrail-create-access-key-root").unwrap();
    // IAM is global: its calls arrive in us-east-1.
    assert_eq!(event.envelope.region, "us-east-1");
    let Detail::ApiCall(call) = &event.detail else {
        panic!("{:?}", event.detail)
    };
    assert_eq!(call.event_source, "iam.amazonaws.com");
    assert_eq!(call.event_name, "CreateAccessKey");
    assert_eq!(call.user_identity_type.as_deref(), Some("Root"));
    assert_eq!(call.error_code, None);
}

#[test]
fn failed_unknown_and_out_of_scope_calls_are_ignored() {
    let event = bridge("cloudtrail-failed-put-bucket-acl").unwrap();
    let Detail::ApiCall(call) = &event.detail else {
        panic!("{:?}", event.detail)
    };
    assert_eq!(call.error_code.as_deref(), Some("AccessDenied"));
    assert!(matches!(
        &call.target,
        Target::Ignored { reason } if reason == "PutBucketAcl failed (AccessDenied), so it changed nothing"
    ));
    assert!(matches!(
        api_target("cloudtrail-unhandled-call"),
        Target::Ignored { reason } if reason.contains("ec2.amazonaws.com CreateTags")
    ));
    assert!(matches!(
        api_target("cloudtrail-put-alternate-contact-billing"),
        Target::Ignored { reason } if reason.contains("BILLING")
    ));
}

/// A Config rule event around `invoking` (embedded as a string, as AWS sends it), with `extra`
/// top-level fields.
fn rule_event(invoking: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    let mut event = serde_json::json!({
        "invokingEvent": invoking.to_string(),
        "resultToken": "token",
        "accountId": "123456789012",
    });
    event
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    event
}

fn scheduled_invoking() -> serde_json::Value {
    serde_json::json!({
        "awsAccountId": "123456789012",
        "notificationCreationTime": "2024-06-01T10:00:00.000Z",
        "messageType": "ScheduledNotification"
    })
}

fn change_invoking(diff: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "messageType": "ConfigurationItemChangeNotification",
        "configurationItemDiff": diff,
        "configurationItem": {
            "resourceType": "AWS::S3::Bucket", "resourceId": "b", "awsAccountId": "123456789012",
            "configurationItemStatus": "OK", "configuration": {}
        }
    })
}

#[test]
fn wrong_field_types_name_the_event_and_the_field_path() {
    use serde_json::json;
    let rule_err = |event| ConfigRuleEvent::from_value(event).unwrap_err().to_string();
    let bridge_err = |event| EventBridgeEvent::from_value(event).unwrap_err().to_string();
    let cases = [
        (
            rule_err(rule_event(
                scheduled_invoking(),
                json!({"eventLeftScope": "maybe"}),
            )),
            "`eventLeftScope` of the AWS Config rule event is not valid: expected a boolean, \
             found a string",
        ),
        (
            rule_err(rule_event(
                scheduled_invoking(),
                json!({"configRuleName": ["x"]}),
            )),
            "`configRuleName` of the AWS Config rule event is not valid: expected a string, \
             found an array",
        ),
        (
            rule_err(rule_event(
                change_invoking(json!({"changeType": true})),
                json!({}),
            )),
            "`invokingEvent.configurationItemDiff.changeType` of the AWS Config rule event is \
             not valid: expected a string, found a boolean",
        ),
        (
            // A derived struct would read an array field by field; an object is required.
            rule_err(rule_event(change_invoking(json!(["UPDATE"])), json!({}))),
            "`invokingEvent.configurationItemDiff` of the AWS Config rule event is not valid",
        ),
        (
            rule_err(rule_event(json!(["ScheduledNotification"]), json!({}))),
            "`invokingEvent` of the AWS Config rule event is not valid: expected a JSON object, \
             found an array",
        ),
        (
            rule_err(rule_event(
                scheduled_invoking(),
                json!({"ruleParameters": "[1]"}),
            )),
            "`ruleParameters` of the AWS Config rule event is not valid: expected a JSON object",
        ),
        (
            bridge_err(json!({
                "detail-type": "Scheduled Event", "source": "aws.events", "account": "1",
                "region": "eu-west-1", "time": "2024-06-04T06:00:00Z", "resources": ["a", 2]
            })),
            "`resources[1]` of the EventBridge event is not valid: invalid type: integer `2`, \
             expected a string",
        ),
        (
            bridge_err(json!({
                "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "account": "1",
                "region": "eu-west-1", "time": "2024-06-04T06:00:00Z", "detail": []
            })),
            "`detail` of the EventBridge event is not valid: expected a JSON object, found an \
             array",
        ),
        (
            bridge_err(json!({
                "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "account": "1",
                "region": "eu-west-1", "time": "2024-06-04T06:00:00Z",
                "detail": {"eventSource": "s3.amazonaws.com", "eventName": {"n": 1}}
            })),
            "`detail.eventName` of the EventBridge event is not valid: expected a string, found \
             an object",
        ),
        (
            bridge_err(json!({
                "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "account": "1",
                "region": "eu-west-1", "time": "2024-06-04T06:00:00Z",
                "detail": {"eventName": "PutBucketPolicy"}
            })),
            "the EventBridge event has no `detail.eventSource`",
        ),
    ];
    for (err, expected) in cases {
        assert!(err.contains(expected), "{err}\nexpected: {expected}");
    }
}

#[test]
fn lenient_fields_stay_lenient() {
    use serde_json::json;
    // Numbers for account ids, "true" for booleans, the invoking event already decoded.
    let mut event = rule_event(
        json!({}),
        json!({"accountId": 123456789012_u64, "eventLeftScope": "TRUE", "ruleParameters": ""}),
    );
    event["invokingEvent"] = change_invoking(json!({"changeType": "UPDATE"}));
    let event = ConfigRuleEvent::from_value(event).unwrap();
    assert_eq!(event.account_id.as_deref(), Some("123456789012"));
    assert!(event.event_left_scope);
    assert!(event.parameters.is_empty());
    assert!(matches!(
        &event.invoking_event,
        InvokingEvent::ConfigurationItemChange { change_type: Some(c), .. } if c == "UPDATE"
    ));
    // A scheduled run without `awsAccountId` is the rule's account's; a non-object
    // `configurationItemDiff` matters only to a change.
    let mut invoking = scheduled_invoking();
    invoking["awsAccountId"] = json!(null);
    invoking["configurationItemDiff"] = json!("not read");
    let event = ConfigRuleEvent::from_value(rule_event(invoking, json!({}))).unwrap();
    assert!(matches!(
        &event.invoking_event,
        InvokingEvent::Scheduled { account_id, .. } if account_id == "123456789012"
    ));

    // CloudTrail: what varies by API is read as a JSON pointer would, never an error.
    let call = |detail: serde_json::Value| {
        let event = EventBridgeEvent::from_value(json!({
            "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam",
            "account": 123456789012_u64, "region": "us-east-1", "time": "2024-06-04T06:00:00Z",
            "detail": detail
        }))
        .unwrap();
        assert_eq!(event.envelope.account, "123456789012");
        match event.detail {
            Detail::ApiCall(call) => call,
            other => panic!("{other:?}"),
        }
    };
    let root = call(json!({
        "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey",
        "userIdentity": {"type": "Root", "userName": 7}, "errorCode": 5,
        "requestParameters": "none", "responseElements": [{"accessKey": {}}]
    }));
    assert_eq!(root.user_identity_type.as_deref(), Some("Root"));
    assert_eq!(root.error_code, None);
    assert_eq!(
        root.target,
        Target::Account {
            evidence: vec![EvidenceKind::IamAccountSummary]
        }
    );
    // An array is not an object read by position.
    let unnamed = EventBridgeEvent::from_value(json!({
        "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam", "account": "1",
        "region": "us-east-1", "time": "2024-06-04T06:00:00Z",
        "detail": {"eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey",
                   "userIdentity": ["Root"], "requestParameters": ["alice"]}
    }))
    .unwrap_err();
    assert!(
        unnamed
            .to_string()
            .contains("has no `detail.requestParameters.userName`"),
        "{unnamed}"
    );
    let kms = call(json!({
        "eventSource": "kms.amazonaws.com", "eventName": "EnableKeyRotation",
        "requestParameters": null,
        "resources": ["odd", {"type": "AWS::KMS::Key", "ARN": "arn:aws:kms:us-east-1:1:key/k-1"}]
    }));
    assert_eq!(
        kms.target,
        Target::Resource {
            resource_type: "AWS::KMS::Key",
            resource_id: "k-1".to_owned()
        }
    );
}
