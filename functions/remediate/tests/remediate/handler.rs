//! The handler's record keeping and failure handling.

use crate::support::{
    Bench, FakeSink, FakeWorkflow, NOW, event, fixture, imported, imported_v2, stored_finding,
};
use serde_json::{Value, json};
use sidewatch_aws::remediate::{CountingExecutor, PlanExecutor, RemediationClients};
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::ports::{FailureKind, PortError};
use sidewatch_remediate::{RemediationAdapters, Remediator, Settings};
use sidewatch_remediation::Mode;
use sidewatch_remediation::plan::Plan;
use sidewatch_testkit::{ACCOUNT, REGION};
use time::OffsetDateTime;

const BUCKET: &str = "AWS::S3::Bucket";

/// The new Security Hub's OCSF event of the same finding is remediated the same way, and refused
/// the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_imported_v2_events_meet_the_same_guards() {
    let bench = Bench::start().await;
    bench.moto.create_bucket("ocsf-open");
    let stored = stored_finding("S3.8", BUCKET, "ocsf-open");
    let v2 = imported_v2(&stored);
    bench.run(&v2, Mode::Apply).await.assert_applied();
    bench.run(&v2, Mode::Apply).await.assert_already_compliant();

    let mut closed = v2.clone();
    closed["detail"]["findings"][0]["activity_id"] = json!(3);
    closed["detail"]["findings"][0]["type_uid"] = json!(200303);
    bench
        .run(&closed, Mode::Apply)
        .await
        .assert_refused("archived");
    let mut elsewhere = imported_v2(&stored);
    elsewhere["detail"]["findings"][0]["cloud"]["account"]["uid"] = json!("444455556666");
    bench
        .run(&elsewhere, Mode::Apply)
        .await
        .assert_refused("other-account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_object_records_the_action_in_s3() {
    let bench = Bench::start().await;
    bench.moto.create_bucket("audit-trail-bucket");
    bench.moto.create_bucket("audited");
    let mut settings = bench.settings(Mode::Apply);
    settings.audit_bucket = Some("audit-trail-bucket".into());
    let run = bench
        .run_with(&event("S3.8", BUCKET, "audited"), settings)
        .await;
    run.assert_applied();
    let objects = bench
        .s3()
        .list_objects_v2()
        .bucket("audit-trail-bucket")
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = objects.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("remediation/2026-06-01/"), "{keys:?}");
    let body = bench
        .s3()
        .get_object()
        .bucket("audit-trail-bucket")
        .key(keys[0])
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    let record: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(record["control"], "S3.8");
    assert_eq!(record["resourceId"], "audited");
    assert_eq!(record["mode"], "apply");
    assert_eq!(record["outcome"]["result"], "applied");
    assert_eq!(record["change"]["action"], "PutBucketPublicAccessBlock");
    assert_eq!(record["time"], NOW);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_finding_does_not_stop_the_others() {
    let bench = Bench::start().await;
    bench.moto.create_bucket("second-bucket");
    let mut event = imported(stored_finding("S3.8", BUCKET, "second-bucket"));
    let good = event["detail"]["findings"][0].clone();
    let mut foreign = good.clone();
    foreign["AwsAccountId"] = json!("999999999999");
    event["detail"]["findings"] = json!(["garbage", foreign, good]);
    let run = bench.run(&event, Mode::Apply).await;
    let codes: Vec<Option<&str>> = run.report.records.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        [Some("malformed-finding"), Some("other-account"), None],
        "{:#?}",
        run.report
    );
    assert_eq!(run.writes, 1);
    assert_eq!(
        run.updates.len(),
        1,
        "only the finding acted on gets a note"
    );
    assert!(run.report.failures.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_custom_action_acts_on_a_notified_finding() {
    let bench = Bench::start().await;
    bench.moto.create_bucket("chosen-bucket");
    let mut finding = stored_finding("S3.8", BUCKET, "chosen-bucket");
    finding["Workflow"]["Status"] = json!("NOTIFIED");
    let mut event = fixture("custom-action-ec2-13-notified.json");
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["detail"]["findings"] = json!([finding]);
    let run = bench.run(&event, Mode::Apply).await;
    run.assert_applied();
    assert_eq!(run.report.records[0].trigger, "custom-action");
}

/// An executor whose writes fail, as when the role lacks a permission.
#[derive(Debug, Clone)]
struct Refusing;

impl PlanExecutor for Refusing {
    async fn execute(&self, _plan: &Plan) -> Result<(), PortError> {
        Err(PortError::new(
            "s3:PutPublicAccessBlock",
            FailureKind::AccessDenied,
            Some("AccessDenied".into()),
            "Access Denied",
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_is_reported_and_a_retry_does_not_act_twice() {
    let bench = Bench::start().await;
    bench.moto.create_bucket("denied-bucket");
    let event = event("S3.8", BUCKET, "denied-bucket");
    let workflow = FakeWorkflow::default();
    let executor = CountingExecutor::new(Refusing);
    let remediator = Remediator {
        config: bench.settings(Mode::Apply).remediation,
        ports: RemediationAdapters {
            live: bench.clients.clone(),
            executor: executor.clone(),
            workflow: workflow.clone(),
            sink: Some(FakeSink::default()),
            audit: None::<RemediationClients>,
        },
    };
    let now = OffsetDateTime::now_utc();
    let report = remediator.handle(&event, now).await;
    assert_eq!(executor.calls(), 1);
    assert_eq!(report.failures.len(), 1, "{report:#?}");
    assert!(report.failures[0].contains("AccessDenied"), "{report:#?}");
    let note = workflow.updates.lock().unwrap()[0].note.clone();
    assert!(
        note.starts_with("sidewatch could not remediate S3.8"),
        "{note}"
    );
    assert!(
        report.reevaluations.is_empty(),
        "nothing changed, nothing re-evaluated"
    );

    // The retry, after the change went through some other way: re-read first, nothing to do.
    let retry = bench.run(&event, Mode::Apply).await;
    retry.assert_applied();
    let again = bench.run(&event, Mode::Apply).await;
    again.assert_already_compliant();
}

#[test]
fn settings_come_from_the_environment_and_refuse_typos() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let settings = Settings::from_env(env(&[]), ACCOUNT, REGION).unwrap();
    assert_eq!(
        settings.remediation.mode,
        Mode::DryRun,
        "dry-run by default"
    );
    assert!(
        settings.remediation.allow_list.is_empty(),
        "nothing allowed by default"
    );
    assert_eq!(settings.remediation.exemption_tag_key, "sidewatch:exempt");
    assert_eq!(settings.remediation.region.as_deref(), Some(REGION));
    assert!(settings.publish_findings);

    let settings = Settings::from_env(
        env(&[
            ("SIDEWATCH_REMEDIATION_MODE", "apply"),
            ("SIDEWATCH_REMEDIATION_CONTROLS", "S3.8, EC2 ,"),
            ("SIDEWATCH_EXEMPTION_TAG", "team:no-autofix"),
            ("SIDEWATCH_AUDIT_BUCKET", "audit"),
            ("SIDEWATCH_S3_KMS_KEY_ID", "alias/data"),
            ("SIDEWATCH_PUBLISH_FINDINGS", "false"),
            ("SIDEWATCH_PARAMETERS", "RDS.11.backupRetentionMinimum=14"),
        ]),
        ACCOUNT,
        "cn-north-1",
    )
    .unwrap();
    assert_eq!(settings.remediation.mode, Mode::Apply);
    assert_eq!(settings.remediation.allow_list, ["S3.8", "EC2"]);
    assert_eq!(settings.remediation.exemption_tag_key, "team:no-autofix");
    assert_eq!(settings.audit_bucket.as_deref(), Some("audit"));
    assert_eq!(
        settings.remediation.s3_kms_key_id.as_deref(),
        Some("alias/data")
    );
    assert_eq!(settings.remediation.partition, "aws-cn");
    assert!(!settings.publish_findings);
    assert_eq!(
        settings
            .remediation
            .overrides
            .for_control("RDS.11")
            .get("backupRetentionMinimum")
            .map(String::as_str),
        Some("14")
    );

    let typo = Settings::from_env(
        env(&[("SIDEWATCH_REMEDIATION_MODE", "aply")]),
        ACCOUNT,
        REGION,
    );
    assert!(typo.unwrap_err().contains("SIDEWATCH_REMEDIATION_MODE"));
    // The account the shared runtime gives the function: the one its ARN names.
    assert_eq!(
        AccountBoundary::of_function_arn(
            "arn:aws:lambda:us-east-1:123456789012:function:sidewatch-remediate"
        )
        .unwrap()
        .account(),
        "123456789012"
    );
    assert!(AccountBoundary::of_function_arn("not an arn").is_err());
}
