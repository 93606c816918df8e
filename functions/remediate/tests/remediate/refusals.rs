//! Events the function must refuse: every one leaves the (non-compliant) resource as it is, makes
//! no write call, and touches no finding.

use crate::support::{Bench, event, fixture, imported, stored_finding};
use aws_sdk_ec2::types::{IpPermission, IpRange};
use serde_json::{Value, json};
use sidewatch_remediate::Settings;
use sidewatch_remediation::Mode;
use sidewatch_testkit::{ACCOUNT, REGION};

const BUCKET: &str = "AWS::S3::Bucket";
/// A bucket with no public access block: S3.8 fails on it.
const OPEN: &str = "refusal-open-bucket";

fn finding() -> Value {
    stored_finding("S3.8", BUCKET, OPEN)
}

fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut f = finding();
    change(&mut f);
    imported(f)
}

fn custom_action(finding: Value) -> Value {
    let mut event = fixture("custom-action-ec2-13-notified.json");
    event["account"] = json!(sidewatch_testkit::ACCOUNT);
    event["region"] = json!(sidewatch_testkit::REGION);
    event["detail"]["findings"] = json!([finding]);
    event
}

struct Case {
    name: &'static str,
    event: Value,
    settings: Box<dyn Fn(&mut Settings)>,
    code: &'static str,
}

fn case(name: &'static str, event: Value, code: &'static str) -> Case {
    Case {
        name,
        event,
        settings: Box::new(|_| {}),
        code,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_events_make_no_write_call() {
    let bench = Bench::start().await;
    bench.moto.create_bucket(OPEN);
    bench.moto.create_bucket("refusal-fixed-bucket");
    bench
        .s3()
        .put_public_access_block()
        .bucket("refusal-fixed-bucket")
        .public_access_block_configuration(
            aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    bench.moto.create_bucket("refusal-exempt-bucket");
    bench
        .s3()
        .put_bucket_tagging()
        .bucket("refusal-exempt-bucket")
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key("sidewatch:exempt")
                        .value("S3.5 S3.8")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let cases = vec![
        case(
            "other account",
            with(|f| f["AwsAccountId"] = json!("999999999999")),
            "other-account",
        ),
        case(
            "other product (GuardDuty)",
            with(|f| {
                f["ProductArn"] = json!("arn:aws:securityhub:us-east-1::product/aws/guardduty")
            }),
            "foreign-product",
        ),
        case(
            "forged generator",
            with(|f| f["GeneratorId"] = json!("custom/S3.8")),
            "forged-generator",
        ),
        case(
            "generator names no control",
            with(|f| f["GeneratorId"] = json!("sidewatch/S3.999")),
            "forged-generator",
        ),
        case(
            "fields disagree with the generator",
            with(|f| f["ProductFields"]["sidewatch/ControlId"] = json!("S3.5")),
            "inconsistent-finding",
        ),
        case(
            "other Region",
            with(|f| {
                f["ProductArn"] =
                    json!("arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default")
            }),
            "other-region",
        ),
        case(
            "PASSED",
            with(|f| f["Compliance"]["Status"] = json!("PASSED")),
            "not-failed",
        ),
        case(
            "ARCHIVED",
            with(|f| f["RecordState"] = json!("ARCHIVED")),
            "archived",
        ),
        case(
            "NOTIFIED, automatic trigger",
            with(|f| f["Workflow"]["Status"] = json!("NOTIFIED")),
            "workflow-not-new",
        ),
        case(
            "RESOLVED, custom action",
            custom_action({
                let mut f = finding();
                f["Workflow"]["Status"] = json!("RESOLVED");
                f
            }),
            "workflow-closed",
        ),
        case(
            "SUPPRESSED, custom action",
            custom_action({
                let mut f = finding();
                f["Workflow"]["Status"] = json!("SUPPRESSED");
                f
            }),
            "workflow-closed",
        ),
        case(
            "exempt by the finding's tags",
            with(|f| f["Resources"][0]["Tags"] = json!({"sidewatch:exempt": "all"})),
            "exempt",
        ),
        case(
            "exempt by the live tags only",
            event("S3.8", BUCKET, "refusal-exempt-bucket"),
            "exempt",
        ),
        Case {
            name: "not allow-listed",
            event: imported(finding()),
            settings: Box::new(|s| s.remediation.allow_list = vec!["EC2".into(), "S3.5".into()]),
            code: "not-allow-listed",
        },
        Case {
            name: "empty allow-list",
            event: imported(finding()),
            settings: Box::new(|s| s.remediation.allow_list.clear()),
            code: "not-allow-listed",
        },
        Case {
            name: "mode off",
            event: imported(finding()),
            settings: Box::new(|s| s.remediation.mode = Mode::Off),
            code: "mode-off",
        },
        case(
            "notify-only control",
            event("S3.9", BUCKET, OPEN),
            "notify-only",
        ),
        case(
            "resource already fixed",
            event("S3.8", BUCKET, "refusal-fixed-bucket"),
            "already-compliant",
        ),
        case(
            "resource gone",
            event("S3.8", BUCKET, "refusal-deleted-bucket"),
            "resource-gone",
        ),
        case(
            "malformed event: no detail",
            fixture("refuse-malformed-no-detail.json"),
            "malformed-event",
        ),
        case(
            "malformed event: not JSON",
            fixture("refuse-malformed-not-json.json"),
            "malformed-event",
        ),
        case(
            "malformed event: another source",
            {
                let mut e = imported(finding());
                e["source"] = json!("my.app");
                e
            },
            "malformed-event",
        ),
        case(
            "malformed finding",
            {
                let mut e = imported(finding());
                e["detail"]["findings"] = json!(["not a finding"]);
                e
            },
            "malformed-finding",
        ),
        case(
            "finding without product fields",
            with(|f| {
                f.as_object_mut().unwrap().remove("ProductFields");
            }),
            "malformed-finding",
        ),
    ];
    assert!(cases.len() >= 12);
    for case in cases {
        let mut settings = bench.settings(Mode::Apply);
        (case.settings)(&mut settings);
        let run = bench.run_with(&case.event, settings).await;
        assert_eq!(run.writes, 0, "{}: {:#?}", case.name, run.report);
        run.assert_refused(case.code);
        assert!(
            run.report.failures.is_empty(),
            "{}: {:#?}",
            case.name,
            run.report
        );
    }
    // The bucket is still open: nothing was changed by any of them.
    let block = bench
        .s3()
        .get_public_access_block()
        .bucket(OPEN)
        .send()
        .await;
    assert!(block.is_err(), "{block:?}");
}

/// The shared refusal fixtures (account 111122223333, eu-west-1), with the function configured
/// for that account and Region so each is refused for the reason it was written for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_refusal_fixtures_make_no_write_call() {
    let bench = Bench::start().await;
    for (file, code) in [
        ("refuse-archived.json", "archived"),
        ("refuse-exempt-tag.json", "exempt"),
        ("refuse-excepted.json", "excepted"),
        ("refuse-forged-generator.json", "forged-generator"),
        ("refuse-malformed-no-detail.json", "malformed-event"),
        ("refuse-malformed-not-json.json", "malformed-event"),
        ("refuse-notified-imported.json", "workflow-not-new"),
        ("refuse-other-account.json", "other-account"),
        ("refuse-other-product-guardduty.json", "foreign-product"),
        ("refuse-passed.json", "not-failed"),
        (
            "refuse-resolved-workflow-custom-action.json",
            "workflow-closed",
        ),
        (
            "refuse-suppressed-workflow-custom-action.json",
            "workflow-closed",
        ),
    ] {
        let mut settings = Settings::from_env(|_| None, "111122223333", "eu-west-1").unwrap();
        settings.remediation.mode = Mode::Apply;
        settings.remediation.allow_list = vec!["*".into()];
        let run = bench.run_with(&fixture(file), settings).await;
        assert_eq!(run.writes, 0, "{file}");
        run.assert_refused(code);
    }
}

/// The group's ingress, as the SDK prints it.
async fn ingress(bench: &Bench, group_id: &str) -> String {
    let out = bench
        .aws()
        .ec2
        .describe_security_groups()
        .group_ids(group_id)
        .send()
        .await
        .unwrap();
    format!("{:?}", out.security_groups()[0].ip_permissions())
}

/// A finding of this account whose `Resources[0]` is another account's (or Region's, or
/// partition's) security group with the id of one of this account's: refused as
/// inconsistent-finding before anything is read, so this account's group keeps its world-open SSH.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_naming_another_accounts_resource_is_neither_read_nor_changed() {
    let bench = Bench::start().await;
    let ec2 = &bench.aws().ec2;
    let group_id = ec2
        .create_security_group()
        .group_name("refusal-other-account-arn")
        .description("world-open SSH, named by a finding of another account's group")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let before = ingress(&bench, &group_id).await;
    assert!(before.contains("0.0.0.0/0"), "{before}");

    const OTHER: &str = "444455556666";
    let named = |arn: String| {
        let mut finding = stored_finding("EC2.13", "AWS::EC2::SecurityGroup", &group_id);
        assert_eq!(
            finding["Resources"][0]["Id"],
            format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}"),
            "sidewatch's own finding names the group by this ARN"
        );
        finding["Resources"][0]["Id"] = json!(arn);
        imported(finding)
    };
    for (case, arn) in [
        (
            "another account",
            format!("arn:aws:ec2:{REGION}:{OTHER}:security-group/{group_id}"),
        ),
        (
            "another Region",
            format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/{group_id}"),
        ),
        (
            "another partition",
            format!("arn:aws-cn:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}"),
        ),
        (
            "another group",
            format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0fffffffffffffff0"),
        ),
        ("a malformed ARN", format!("arn:aws:ec2:{REGION}:{ACCOUNT}")),
    ] {
        let run = bench.run(&named(arn), Mode::Apply).await;
        run.assert_refused("inconsistent-finding");
        assert_eq!(run.writes, 0, "{case}: {:#?}", run.report);
        assert_eq!(run.requests, 0, "{case}: no read either: {:#?}", run.report);
        assert!(run.report.failures.is_empty(), "{case}: {:#?}", run.report);
        assert_eq!(
            ingress(&bench, &group_id).await,
            before,
            "{case}: the group is unchanged"
        );
    }

    // The same finding naming this account's group is acted on (here in dry-run, which reads the
    // group live and writes nothing): the refusals above are the ARN's doing, and the request
    // count does see the live read.
    let own = named(format!(
        "arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}"
    ));
    let dry = bench.run(&own, Mode::DryRun).await;
    dry.assert_dry_run("revoke ingress tcp 22");
    assert!(dry.requests > 0, "{dry:#?}");
    // And a bare id takes this account and Region from the finding.
    let bare = bench.run(&named(group_id.clone()), Mode::DryRun).await;
    bare.assert_dry_run("revoke ingress tcp 22");
    assert_eq!(ingress(&bench, &group_id).await, before);
}
