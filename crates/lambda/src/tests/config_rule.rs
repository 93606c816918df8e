use super::fakes::FakeSink;
use super::{World, fixture};
use crate::common::HandlerError;
use crate::config_rule::handle;
use serde_json::{Value, json};
use sidewatch_core::ComplianceType;
use sidewatch_core::finding::RecordState;

/// The handler on the fixture `path`.
async fn run(w: &World, path: &str) -> Result<crate::Metrics, crate::HandlerError> {
    crate::config_rule::handle(w.inv(), &w.ports, fixture(path)).await
}

/// `event` with other rule parameters.
fn with_params(mut event: Value, params: Value) -> Value {
    event["ruleParameters"] = Value::String(params.to_string());
    event
}

fn s3_8(path: &str) -> Value {
    with_params(fixture(path), json!({"controls": "S3.8"}))
}

#[tokio::test]
async fn a_public_bucket_is_non_compliant_and_its_finding_failed() {
    let w = World::new();
    let metrics = handle(w.inv(), &w.ports, s3_8("config-rule/change-s3-bucket.json"))
        .await
        .unwrap();
    let puts = w.ports.evaluations.puts.lock().unwrap().clone();
    assert_eq!(puts.len(), 1);
    let (token, evaluations, test_mode) = &puts[0];
    assert_eq!(token, "AbCdEf0123456789");
    assert!(!test_mode);
    assert_eq!(evaluations.len(), 1, "one combined entry per resource");
    let e = &evaluations[0];
    assert_eq!(e.compliance_type, ComplianceType::NonCompliant);
    assert_eq!(e.compliance_resource_id, "example-app-uploads");
    assert!(
        e.annotation.contains("S3.8") && e.annotation.contains("blockPublicPolicy"),
        "{}",
        e.annotation
    );
    assert_eq!(
        e.ordering_timestamp,
        time::macros::datetime!(2024-06-03 14:22:51.318 UTC),
        "ordered by the capture time"
    );
    let f = w.finding("S3.8");
    assert_eq!(f.compliance_status(), "FAILED");
    assert_eq!(f.record_state, RecordState::Active);
    assert_eq!(f.product_fields["sidewatch/Source"], "config-rule");
    assert_eq!(f.resources[0].id, "arn:aws:s3:::example-app-uploads");
    assert_eq!(
        (
            metrics.evaluations,
            metrics.findings_imported,
            metrics.failures
        ),
        (1, 1, 0)
    );
}

#[tokio::test]
async fn the_fixed_bucket_passes_on_the_same_finding_id() {
    let w = World::new();
    handle(w.inv(), &w.ports, s3_8("config-rule/change-s3-bucket.json"))
        .await
        .unwrap();
    let failed = w.finding("S3.8");
    handle(
        w.inv(),
        &w.ports,
        s3_8("config-rule/change-s3-bucket-fixed.json"),
    )
    .await
    .unwrap();
    let passed = w.finding("S3.8");
    assert_eq!(passed.compliance_status(), "PASSED");
    assert_eq!(passed.id, failed.id);
    let evaluations = w.ports.evaluations.all();
    assert_eq!(evaluations[1].compliance_type, ComplianceType::Compliant);
}

#[tokio::test]
async fn a_deleted_bucket_is_not_applicable_and_its_findings_archived() {
    let w = World::new();
    handle(w.inv(), &w.ports, s3_8("config-rule/change-s3-bucket.json"))
        .await
        .unwrap();
    let failed = w.finding("S3.8");
    let metrics = handle(
        w.inv(),
        &w.ports,
        s3_8("config-rule/deleted-s3-bucket.json"),
    )
    .await
    .unwrap();
    let archived = w.finding("S3.8");
    assert_eq!(archived.id, failed.id);
    assert_eq!(archived.record_state, RecordState::Archived);
    assert_eq!(
        w.ports.evaluations.all()[1].compliance_type,
        ComplianceType::NotApplicable
    );
    assert_eq!(metrics.findings_archived, 1);
}

#[tokio::test]
async fn a_resource_that_left_scope_is_not_applicable_without_evidence() {
    let w = World::new();
    run(&w, "config-rule/left-scope.json").await.unwrap();
    let evaluations = w.ports.evaluations.all();
    assert_eq!(evaluations.len(), 1);
    assert_eq!(
        evaluations[0].compliance_type,
        ComplianceType::NotApplicable
    );
    let imported = w.imported();
    assert!(!imported.is_empty());
    assert!(
        imported
            .iter()
            .all(|f| f.record_state == RecordState::Archived)
    );
    assert!(
        imported
            .iter()
            .all(|f| f.control_id().is_some_and(|c| c.starts_with("EC2.")))
    );
    assert!(w.ports.evidence.asked.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_oversized_change_reads_the_latest_item() {
    let w = World::new();
    let mut item = sidewatch_core::ConfigurationItem::from_value(json!({
        "resourceType": "AWS::EC2::Instance", "resourceId": "i-0b9f1e2d3c4a5b6c7",
        "ARN": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0b9f1e2d3c4a5b6c7",
        "awsAccountId": "123456789012", "awsRegion": "eu-west-1",
        "configurationItemCaptureTime": "2024-06-03T16:46:16.261Z",
        "configurationItemStatus": "OK",
        "configuration": {"instanceId": "i-0b9f1e2d3c4a5b6c7", "publicIpAddress": "203.0.113.10",
            "metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled"}}
    }))
    .unwrap();
    item.tags.insert("team".into(), "web".into());
    w.ports.items.put(item);
    run(&w, "config-rule/oversized-ec2-instance.json")
        .await
        .unwrap();
    let asked = w.ports.items.latest_calls.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].resource_id, "i-0b9f1e2d3c4a5b6c7");
    assert_eq!(asked[0].resource_type, "AWS::EC2::Instance");
    let evaluations = w.ports.evaluations.all();
    assert_eq!(
        evaluations[0].compliance_type,
        ComplianceType::NonCompliant,
        "{:?}",
        evaluations[0]
    );
}

#[tokio::test]
async fn an_oversized_change_without_an_item_is_insufficient_never_compliant() {
    let w = World::new();
    run(&w, "config-rule/oversized-ec2-instance.json")
        .await
        .unwrap();
    let evaluations = w.ports.evaluations.all();
    assert_eq!(
        evaluations[0].compliance_type,
        ComplianceType::InsufficientData
    );
    assert!(w.none_passed());
}

#[tokio::test]
async fn a_failing_item_source_is_an_error_and_reports_nothing() {
    let mut w = World::new();
    w.ports.items.fail = true;
    let err = run(&w, "config-rule/oversized-ec2-instance.json")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("GetResourceConfigHistory"),
        "{err}"
    );
    assert!(w.ports.evaluations.all().is_empty());
    assert!(w.imported().is_empty());
    assert_eq!(err.metrics().failures, 1);
}

#[tokio::test]
async fn refused_findings_fail_the_invocation_after_the_rest_is_delivered() {
    let mut w = World::new();
    // The S3.8 finding's Id, from a first run.
    run(&w, "config-rule/change-s3-bucket.json").await.unwrap();
    let all = w.imported();
    let refused = w.finding("S3.8").id;
    w.ports.findings = FakeSink {
        refuse: [refused.clone()].into(),
        ..FakeSink::default()
    };
    let logs = super::Logs::capture();
    let err = run(&w, "config-rule/change-s3-bucket.json")
        .await
        .unwrap_err();
    let lines = logs.lines();
    let refused_line = lines
        .iter()
        .find(|l| l["level"] == "ERROR" && l["id"] == refused.as_str())
        .expect("the refused finding's id is logged");
    assert_eq!(refused_line["code"], "InvalidInput");
    assert!(lines.iter().any(|l| l["control"] == "S3.8"
        && l["verdict"] == "NON_COMPLIANT"
        && l["resource"] == "AWS::S3::Bucket example-app-uploads"));
    let HandlerError::Incomplete {
        problems, metrics, ..
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains(&refused), "{problems:?}");
    assert_eq!(
        w.imported().len(),
        all.len() - 1,
        "the others were delivered"
    );
    assert_eq!(metrics.failures, 1);
    assert_eq!(
        w.ports.evaluations.all().len(),
        2,
        "the evaluation was still put"
    );
}

#[tokio::test]
async fn malformed_events_are_clear_errors_and_send_nothing() {
    let w = World::new();
    for name in [
        "malformed-invoking-event-not-json.json",
        "malformed-item-without-resource-id.json",
        "malformed-no-result-token.json",
        "malformed-not-an-object.json",
        "malformed-scheduled-bad-time.json",
        "malformed-unknown-message-type.json",
        "bad-parameters.json",
    ] {
        let err = run(&w, &format!("config-rule/{name}")).await.unwrap_err();
        assert!(matches!(err, HandlerError::Event(_)), "{name}: {err}");
        assert!(err.to_string().len() > 20, "{name}: {err}");
    }
    let err = handle(w.inv(), &w.ports, json!("not an event"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("object"), "{err}");
    assert!(w.ports.evaluations.all().is_empty());
    assert!(w.imported().is_empty());
}

#[tokio::test]
async fn bad_rule_parameters_name_the_parameter() {
    let w = World::new();
    let err = run(&w, "config-rule/bad-parameters.json")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("EC2.19.blockedPorts"), "{err}");
}

#[tokio::test]
async fn the_test_mode_token_sends_test_mode() {
    let w = World::new();
    run(&w, "config-rule/change-security-group-test-mode.json")
        .await
        .unwrap();
    let puts = w.ports.evaluations.puts.lock().unwrap().clone();
    assert_eq!(puts[0].0, "TESTMODE");
    assert!(puts[0].2);
    let ids: Vec<_> = w
        .imported()
        .iter()
        .filter_map(|f| f.control_id().map(str::to_owned))
        .collect();
    assert_eq!(
        ids.len(),
        2,
        "the rule's parameters select EC2.13 and EC2.19: {ids:?}"
    );
}

#[tokio::test]
async fn a_scheduled_run_evaluates_the_account() {
    let w = World::new();
    run(&w, "config-rule/scheduled.json").await.unwrap();
    let evaluations = w.ports.evaluations.all();
    assert_eq!(evaluations.len(), 1);
    assert_eq!(evaluations[0].compliance_resource_type, "AWS::::Account");
    assert_eq!(evaluations[0].compliance_resource_id, "123456789012");
    // The fake collects no evidence: the account controls cannot decide, and say so.
    assert_eq!(
        evaluations[0].compliance_type,
        ComplianceType::InsufficientData
    );
    assert!(!w.ports.evidence.asked.lock().unwrap().is_empty());
    assert!(
        w.imported()
            .iter()
            .all(|f| f.resources[0].resource_type == "AwsAccount")
    );
}

#[tokio::test]
async fn publishing_off_reports_to_config_only() {
    let mut w = World::new();
    w.settings.publish_findings = false;
    let metrics = handle(w.inv(), &w.ports, s3_8("config-rule/change-s3-bucket.json"))
        .await
        .unwrap();
    assert_eq!(w.ports.evaluations.all().len(), 1);
    assert!(w.imported().is_empty());
    assert_eq!(metrics.findings_imported, 0);
}

#[tokio::test]
async fn rule_parameters_override_the_environment_selection() {
    let mut w = World::new();
    w.settings.engine.select = vec!["EC2".into()];
    w.settings
        .engine
        .overrides
        .set("EC2.19", "blockedPorts", "22");
    let crate::config_rule::RuleEngine::Own(engine) = crate::config_rule::engine_for(
        &w.settings,
        &[],
        &sidewatch_core::doors::config_rule::RuleParameters::parse(r#"{"controls":"S3.8,EC2.19"}"#)
            .unwrap(),
    )
    .unwrap() else {
        panic!("the rule's parameters make an engine of its own")
    };
    let ids: Vec<_> = engine.controls().map(|c| c.id).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_eq!(
        engine.params("EC2.19").unwrap().get("blockedPorts"),
        Some(&sidewatch_core::ParamValue::IntList(vec![22])),
        "the environment's parameters still apply"
    );
    w.settings.engine.select.clear();
}

/// The Config rule fixture with `relatedEvents` on its item.
fn with_related_events(path: &str, ids: &[&str]) -> Value {
    let mut event = s3_8(path);
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    invoking["configurationItem"]["relatedEvents"] = json!(ids);
    event["invokingEvent"] = Value::String(invoking.to_string());
    event
}

fn put_bucket_policy_record(event_id: &str) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
            "arn": "arn:aws:iam::123456789012:user/alice", "accountId": "123456789012",
            "userName": "alice"},
        "eventTime": "2024-06-04T11:58:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "DeleteBucketPublicAccessBlock",
        "sourceIPAddress": "198.51.100.20",
        "userAgent": "aws-cli/2.15",
        "eventID": event_id,
        "recipientAccountId": "123456789012"
    })
}

#[tokio::test]
async fn the_item_s_related_event_names_who_made_the_change() {
    let w = World::new();
    w.ports.changes.put(put_bucket_policy_record("ev-1"));
    let event = with_related_events("config-rule/change-s3-bucket.json", &["ev-1"]);
    handle(w.inv(), &w.ports, event).await.unwrap();
    assert_eq!(w.ports.changes.looked_up(), ["ev-1"]);
    let f = w.finding("S3.8");
    assert_eq!(
        f.product_fields["sidewatch/ChangedBy"],
        "arn:aws:iam::123456789012:user/alice"
    );
    assert_eq!(f.product_fields["sidewatch/ChangeEventId"], "ev-1");
    let call = f.action.unwrap().aws_api_call_action.unwrap();
    assert_eq!(call.api.as_deref(), Some("DeleteBucketPublicAccessBlock"));
    assert_eq!(
        call.remote_ip_details.unwrap().ip_address_v4,
        "198.51.100.20"
    );
    let puts = w.ports.evaluations.puts.lock().unwrap().clone();
    assert!(
        puts[0].1[0]
            .annotation
            .starts_with("by user/alice: S3.8 failed"),
        "{}",
        puts[0].1[0].annotation
    );
}

#[tokio::test]
async fn no_related_event_or_nothing_in_cloudtrail_names_nobody_and_loses_nothing() {
    // No related events: no lookup at all.
    let w = World::new();
    run(&w, "config-rule/change-s3-bucket.json").await.unwrap();
    assert!(w.ports.changes.looked_up().is_empty());
    assert_eq!(w.finding("S3.8").action, None);

    // CloudTrail has no such event, then an outage: the finding is delivered without an actor.
    for fail in [false, true] {
        let mut w = World::new();
        w.ports.changes.fail = fail;
        let event = with_related_events("config-rule/change-s3-bucket.json", &["ev-9"]);
        handle(w.inv(), &w.ports, event).await.unwrap();
        assert_eq!(w.ports.changes.looked_up(), ["ev-9"]);
        let f = w.finding("S3.8");
        assert_eq!(f.compliance_status(), "FAILED");
        assert!(!f.product_fields.contains_key("sidewatch/ChangedBy"));
    }
}

#[tokio::test]
async fn lookups_are_bounded_and_can_be_turned_off() {
    let w = World::new();
    let ids = ["a", "b", "c", "d", "e"];
    let event = with_related_events("config-rule/change-s3-bucket.json", &ids);
    handle(w.inv(), &w.ports, event).await.unwrap();
    assert_eq!(
        w.ports.changes.looked_up().len(),
        sidewatch_core::pipeline::MAX_CHANGE_LOOKUPS
    );

    let mut w = World::new();
    w.settings.lookup_changes = false;
    w.ports.changes.put(put_bucket_policy_record("ev-1"));
    let event = with_related_events("config-rule/change-s3-bucket.json", &["ev-1"]);
    handle(w.inv(), &w.ports, event).await.unwrap();
    assert!(w.ports.changes.looked_up().is_empty());
    assert_eq!(w.finding("S3.8").action, None);
}
