//! Issue 3's "Done when": EVERY control of `sidewatch_core::catalog()` that reads evidence is shown
//! COMPLIANT on one account state and NON_COMPLIANT on another, with the evidence collected by the
//! real `EvidenceCollector` and the verdicts given by the real engine; and the set of controls shown
//! equals the catalog's evidence controls, so a new evidence control without a variant here fails.
//!
//! Two moto accounts are seeded through the SDK: `good` (every setting compliant) and `bad` (the
//! defaults of a new account, plus non-compliant resources). What moto cannot hold is answered by
//! `aws-smithy-mocks` with AWS-shaped bodies (see `crate::mocked`), in both accounts: the root
//! user's MFA and access keys (`GetAccountSummary`, `ListVirtualMFADevices`), the Config recorders
//! and the Access Analyzer analyzers. Ages (access keys, the credential report) are judged at
//! collection time; moto cannot make old credentials, so time passes by moving the evidence's own
//! clock forward (`with_evidence_edit`), as in `crate::iam_users`.
//!
//! Last, every read fails with AccessDenied (mocked for every operation the collector calls) and
//! no evidence control may pass on any of the items.

use crate::iam_users::{add_virtual_mfa, create_user, days_after};
use crate::mocked::{
    JSON_1_1, RECORDERS, REST_JSON, ROOT_VIRTUAL_DEVICE, XML, collector_with, iam_error, mocked,
    recorder_status, response, summary, virtual_devices,
};
use crate::resources::{function, key_item, vpc_item};
use crate::support::*;
use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType};
use aws_smithy_mocks::{Rule, mock};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use sidewatch_aws::EvidenceCollector;
use sidewatch_core::{ComplianceType, ConfigurationItem, Engine, EvidenceKind, catalog};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds answered by mocks in both accounts (moto cannot make their compliant states).
const MOCKED_KINDS: [EvidenceKind; 6] = [
    EvidenceKind::IamAccountSummary,
    EvidenceKind::IamRootVirtualMfa,
    EvidenceKind::ConfigRecorders,
    EvidenceKind::AccessAnalyzers,
    EvidenceKind::SsmInstanceInformation,
    // moto has no AWS WAF Classic.
    EvidenceKind::WafClassicLogging,
];

/// One account state: its items, evidence collected.
struct World {
    items: Vec<ConfigurationItem>,
}

/// The evidence controls of the catalog, by id.
fn evidence_controls() -> BTreeSet<&'static str> {
    catalog()
        .iter()
        .filter(|c| !c.evidence.is_empty())
        .map(|c| c.id)
        .collect()
}

/// Every evidence control's verdict on every item of the world, by control id.
fn verdicts(world: &World) -> BTreeMap<&'static str, Vec<(String, ComplianceType, String)>> {
    let engine = Engine::with_defaults();
    let mut out: BTreeMap<&'static str, Vec<(String, ComplianceType, String)>> = BTreeMap::new();
    for item in &world.items {
        for evaluation in engine.evaluate(item) {
            if evaluation.control.evidence.is_empty() {
                continue;
            }
            out.entry(evaluation.control.id).or_default().push((
                format!("{} {}", item.resource_type, item.resource_id),
                evaluation.verdict.compliance_type(),
                evaluation.verdict.reason().to_owned(),
            ));
        }
    }
    out
}

/// A bucket item from a core fixture, without the account-level evidence it carries.
fn bucket_fixture(control: &str, name: &str) -> ConfigurationItem {
    let path = format!(
        "{}/../core/src/controls/s3/fixtures/{control}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut bucket = ConfigurationItem::from_json_str(&text).unwrap();
    bucket
        .supplementary
        .remove(&EvidenceKind::S3AccountPublicAccessBlock.key());
    bucket
}

/// A bucket whose ACL lets anyone read and any AWS account write (the S3.2 fixture plus a grant):
/// S3.2 and S3.3 then turn on the account's Block Public Access (IgnorePublicAcls).
fn public_bucket() -> ConfigurationItem {
    let mut bucket = bucket_fixture("S3.2", "fail-public-read-acl.json");
    let acl = bucket.supplementary["AccessControlList"].clone();
    let mut acl: serde_json::Value = match acl {
        serde_json::Value::String(text) => serde_json::from_str(&text).unwrap(),
        other => other,
    };
    acl["grantList"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"grantee": "AuthenticatedUsers", "permission": "Write"}));
    bucket.supplementary.insert("AccessControlList".into(), acl);
    bucket
}

/// A multi-Region trail, logging, with read and write management events and S3 object events.
async fn logging_trail(cloudtrail: &aws_sdk_cloudtrail::Client, bucket: &str) {
    let arn = cloudtrail
        .create_trail()
        .name("org-audit")
        .s3_bucket_name(bucket)
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .send()
        .await
        .unwrap()
        .trail_arn()
        .unwrap()
        .to_owned();
    cloudtrail.start_logging().name(&arn).send().await.unwrap();
    let objects = DataResource::builder()
        .r#type("AWS::S3::Object")
        .values("arn:aws:s3")
        .build();
    let selector = EventSelector::builder()
        .read_write_type(ReadWriteType::All)
        .include_management_events(true)
        .data_resources(objects)
        .build();
    cloudtrail
        .put_event_selectors()
        .trail_name(&arn)
        .event_selectors(selector)
        .send()
        .await
        .unwrap();
}

/// Seeds the compliant account state in `moto`.
async fn seed_good(moto: &Moto, collector: &EvidenceCollector) -> Vec<ConfigurationItem> {
    let clients = collector.clients();
    let iam = &clients.iam;
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .send()
        .await
        .unwrap();
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}}]
    });
    iam.create_role()
        .role_name("aws-support")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("aws-support")
        .policy_arn("arn:aws:iam::aws:policy/AWSSupportAccess")
        .send()
        .await
        .unwrap();
    clients
        .ec2
        .enable_ebs_encryption_by_default()
        .send()
        .await
        .unwrap();
    moto.create_bucket("trail-logs");
    logging_trail(&clients.cloudtrail, "trail-logs").await;
    clients
        .guardduty
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    let all_blocked = aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    clients
        .s3control
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(all_blocked)
        .send()
        .await
        .unwrap();
    clients
        .account
        .put_alternate_contact()
        .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)
        .name("Security Team")
        .title("CISO")
        .email_address("security@example.com")
        .phone_number("+1-555-0100")
        .send()
        .await
        .unwrap();

    // An IAM user with a console password, MFA and a fresh access key.
    let user = create_user(iam, "careful").await;
    add_virtual_mfa(iam, "careful").await;
    console_password_and_key(iam, "careful").await;
    // A rotated KMS key, a Lambda function without secrets, a VPC with a flow log.
    let kms = &clients.kms;
    let key_id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    kms.enable_key_rotation()
        .key_id(&key_id)
        .send()
        .await
        .unwrap();
    let key = key_item(kms, &key_id).await;
    let lambda = function(clients, "orders", &[("TABLE_NAME", "orders")]).await;
    moto.create_bucket("flow-logs");
    let vpc_id = new_vpc(&clients.ec2).await;
    clients
        .ec2
        .create_flow_logs()
        .resource_ids(&vpc_id)
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .traffic_type(aws_sdk_ec2::types::TrafficType::All)
        .log_destination_type(aws_sdk_ec2::types::LogDestinationType::S3)
        .log_destination("arn:aws:s3:::flow-logs")
        .send()
        .await
        .unwrap();
    let mut items = vec![account_item(), user, key, lambda, vpc_item(&vpc_id)];
    items.push(public_bucket());
    items.extend(crate::infrastructure::seed(clients, &vpc_id, true).await);
    items.extend(crate::workloads::seed(clients, true).await);
    items
}

/// Seeds the non-compliant account state: a new account's defaults and careless resources.
async fn seed_bad(collector: &EvidenceCollector) -> Vec<ConfigurationItem> {
    let clients = collector.clients();
    let iam = &clients.iam;
    // A console user without MFA whose access key will be too old.
    let user = create_user(iam, "careless").await;
    console_password_and_key(iam, "careless").await;
    let kms = &clients.kms;
    let key_id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    let key = key_item(kms, &key_id).await;
    const SECRET: &str = concat!("q8Vd3mZk0Tn7", "Lr2Wx/Yb5Hc1Jf9Pg4Ks6Ea+Uo3iQv");
    let lambda = function(clients, "leaky", &[("AWS_SECRET_ACCESS_KEY", SECRET)]).await;
    let vpc_id = new_vpc(&clients.ec2).await;
    let mut items = vec![account_item(), user, key, lambda, vpc_item(&vpc_id)];
    items.push(public_bucket());
    items.extend(crate::infrastructure::seed(clients, &vpc_id, false).await);
    items.extend(crate::workloads::seed(clients, false).await);
    items
}

async fn console_password_and_key(iam: &aws_sdk_iam::Client, user: &str) {
    iam.create_login_profile()
        .user_name(user)
        .password("Correct-Horse-9")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap();
}

async fn new_vpc(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_owned()
}

/// A collector answering the [`MOCKED_KINDS`] reads: compliant answers or not.
async fn mocked_account_reads(compliant: bool) -> EvidenceCollector {
    let (mfa, root_keys, root_device, recording, analyzer) = if compliant {
        (1, 0, "", true, "ACTIVE")
    } else {
        (0, 1, ROOT_VIRTUAL_DEVICE, false, "DISABLED")
    };
    let summary_rule = mock!(aws_sdk_iam::Client::get_account_summary)
        .then_http_response(move || summary(mfa, root_keys));
    let devices = mock!(aws_sdk_iam::Client::list_virtual_mfa_devices)
        .then_http_response(move || virtual_devices(root_device));
    let recorders = mock!(aws_sdk_config::Client::describe_configuration_recorders)
        .then_http_response(|| response(200, JSON_1_1, RECORDERS));
    let status = mock!(aws_sdk_config::Client::describe_configuration_recorder_status)
        .then_http_response(move || response(200, JSON_1_1, &recorder_status(recording)));
    let analyzers = mock!(aws_sdk_accessanalyzer::Client::list_analyzers).then_http_response(
        move || {
            let body = format!(
                r#"{{"analyzers": [{{"arn": "arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/ConsoleAnalyzer-1",
                    "name": "ConsoleAnalyzer-1", "type": "ACCOUNT",
                    "createdAt": "2024-03-01T10:00:00Z", "status": "{analyzer}"}}]}}"#
            );
            response(200, REST_JSON, &body)
        },
    );
    let instances = crate::infrastructure::instance_information_rule(compliant);
    let waf_logging = mock!(aws_sdk_waf::Client::get_logging_configuration)
        .then_http_response(move || crate::workloads::classic_logging(compliant));
    collector_with(|c, sdk| {
        mocked!(c, sdk, ssm, aws_sdk_ssm, &[&instances]);
        mocked!(c, sdk, iam, aws_sdk_iam, &[&summary_rule, &devices]);
        mocked!(c, sdk, config, aws_sdk_config, &[&recorders, &status]);
        mocked!(c, sdk, waf, aws_sdk_waf, &[&waf_logging]);
        mocked!(
            c,
            sdk,
            accessanalyzer,
            aws_sdk_accessanalyzer,
            &[&analyzers]
        );
    })
    .await
}

/// Collects what the engine says each item needs: the [`MOCKED_KINDS`] from `mocked`, the rest
/// from `moto_collector`. Then moves the evidence clocks to `now + days` (ages).
async fn collect_world(
    moto_collector: &EvidenceCollector,
    mocked: &EvidenceCollector,
    mut items: Vec<ConfigurationItem>,
    days: i64,
) -> World {
    let engine = Engine::with_defaults();
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let then = days_after(&now, days);
    for item in &mut items {
        let needed = engine.evidence_needed(item);
        let (from_mock, from_moto): (Vec<EvidenceKind>, Vec<EvidenceKind>) =
            needed.iter().partition(|k| MOCKED_KINDS.contains(k));
        collect(moto_collector, item, &from_moto).await;
        collect(mocked, item, &from_mock).await;
        assert!(engine.evidence_needed(item).is_empty(), "{item:?}");
        // moto stamps credential reports in 2015: the report is taken as generated `then`, and the
        // access keys as listed `then`.
        let aged = with_evidence_edit(item, EvidenceKind::IamCredentialReportRow, |v| {
            v["generatedAt"] = serde_json::json!(then);
        });
        let aged = with_evidence_edit(&aged, EvidenceKind::IamUserAccessKeys, |v| {
            v["collectedAt"] = serde_json::json!(then);
        });
        // A new secret never read nor rotated, its dates judged `then`.
        *item = with_evidence_edit(&aged, EvidenceKind::SecretsManagerSecret, |v| {
            v["collectedAt"] = serde_json::json!(then);
        });
    }
    World { items }
}

#[tokio::test]
async fn every_evidence_control_has_a_compliant_and_a_non_compliant_account() {
    let managed = [("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")];
    let (good_moto, bad_moto) = (Moto::start_with(&managed), Moto::start_with(&managed));
    let (good_collector, bad_collector) = (collector(&good_moto).await, collector(&bad_moto).await);
    let good_items = seed_good(&good_moto, &good_collector).await;
    let bad_items = seed_bad(&bad_collector).await;
    let good = collect_world(
        &good_collector,
        &mocked_account_reads(true).await,
        good_items,
        0,
    )
    .await;
    let bad = collect_world(
        &bad_collector,
        &mocked_account_reads(false).await,
        bad_items,
        100,
    )
    .await;

    let expected = evidence_controls();
    for (world, name, want) in [
        (&good, "good", ComplianceType::Compliant),
        (&bad, "bad", ComplianceType::NonCompliant),
    ] {
        let verdicts = verdicts(world);
        let mut wrong = Vec::new();
        for (id, list) in &verdicts {
            for (resource, status, reason) in list {
                if *status != want {
                    wrong.push(format!("{id} on {resource}: {status:?} ({reason})"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "in the {name} account, expected {want:?}:\n{}",
            wrong.join("\n")
        );
        let covered: BTreeSet<&str> = verdicts.keys().copied().collect();
        let missing: Vec<_> = expected.difference(&covered).collect();
        assert!(
            missing.is_empty(),
            "evidence controls with no {want:?} variant in the {name} account: {missing:?}; \
             seed a state for them here"
        );
    }
    // The failures say what is wrong, concretely.
    let bad_verdicts = verdicts(&bad);
    let reason = |id: &str| bad_verdicts[id][0].2.clone();
    assert!(reason("IAM.5").contains("careless"), "{}", reason("IAM.5"));
    assert!(
        reason("Lambda.X1").contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        reason("Lambda.X1")
    );
    assert!(!reason("Lambda.X1").contains("q8Vd3mZk0Tn7"));

    // Every read denied: no evidence control passes on any of the same resources.
    let denied = denied_everywhere().await;
    let engine = Engine::with_defaults();
    for mut item in bad.items.into_iter().chain(good.items) {
        let kinds: Vec<EvidenceKind> = item
            .supplementary
            .keys()
            .filter_map(|k| EvidenceKind::from_key(k))
            .collect();
        for kind in &kinds {
            item.supplementary.remove(&kind.key());
        }
        collect(&denied, &mut item, &kinds).await;
        for kind in &kinds {
            let error = evidence_error(&item, *kind);
            assert!(
                error.code.contains("AccessDenied") || error.code == "UnauthorizedOperation",
                "{kind}: {error}"
            );
        }
        for evaluation in engine.evaluate(&item) {
            if !evaluation.control.evidence.is_empty() {
                assert!(
                    !evaluation.verdict.is_compliant(),
                    "{} passed on {} with every read denied: {:?}",
                    evaluation.control.id,
                    item.resource_id,
                    evaluation.verdict
                );
            }
        }
    }
}

/// An EC2 (EC2 Query protocol) error, as the EC2 API reference shows them.
fn ec2_error(code: &str) -> HttpResponse {
    response(
        403,
        XML,
        &format!(
            "<Response><Errors><Error><Code>{code}</Code><Message>You are not authorized to \
             perform this operation.</Message></Error></Errors>\
             <RequestID>ee7c3a3b-EXAMPLE</RequestID></Response>"
        ),
    )
}

/// A JSON 1.1 protocol error (KMS, CloudTrail, Config, Systems Manager).
fn json_denied() -> HttpResponse {
    response(
        400,
        JSON_1_1,
        r#"{"__type": "AccessDeniedException", "message": "User is not authorized to perform this action"}"#,
    )
}

/// A REST-JSON protocol error (Lambda, GuardDuty, Access Analyzer, Account, Inspector).
fn rest_json_denied() -> HttpResponse {
    let mut r = response(
        403,
        REST_JSON,
        r#"{"message": "User is not authorized to perform this action"}"#,
    );
    r.headers_mut()
        .insert("x-amzn-ErrorType", "AccessDeniedException");
    r
}

/// A collector whose every call the evidence kinds make is denied.
async fn denied_everywhere() -> EvidenceCollector {
    let iam_denied = || iam_error(403, "AccessDenied", "not authorized");
    let iam: Vec<Rule> = vec![
        mock!(aws_sdk_iam::Client::list_mfa_devices).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::get_login_profile).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::list_access_keys).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::get_access_key_last_used).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::generate_credential_report).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::get_credential_report).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::get_account_summary).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::list_virtual_mfa_devices).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::get_account_password_policy).then_http_response(iam_denied),
        mock!(aws_sdk_iam::Client::list_entities_for_policy).then_http_response(iam_denied),
    ];
    let ec2_denied = || ec2_error("UnauthorizedOperation");
    let ec2: Vec<Rule> = vec![
        mock!(aws_sdk_ec2::Client::describe_flow_logs).then_http_response(ec2_denied),
        mock!(aws_sdk_ec2::Client::get_ebs_encryption_by_default).then_http_response(ec2_denied),
        mock!(aws_sdk_ec2::Client::describe_vpc_endpoints).then_http_response(ec2_denied),
        mock!(aws_sdk_ec2::Client::describe_snapshots).then_http_response(ec2_denied),
        mock!(aws_sdk_ec2::Client::describe_snapshot_attribute).then_http_response(ec2_denied),
    ];
    let ssm = [
        mock!(aws_sdk_ssm::Client::describe_instance_information).then_http_response(json_denied),
        mock!(aws_sdk_ssm::Client::describe_document_permission).then_http_response(json_denied),
    ];
    let inspector2 = [
        mock!(aws_sdk_inspector2::Client::list_members).then_http_response(rest_json_denied),
        mock!(aws_sdk_inspector2::Client::batch_get_account_status)
            .then_http_response(rest_json_denied),
    ];
    let kms = [mock!(aws_sdk_kms::Client::get_key_rotation_status).then_http_response(json_denied)];
    let cloudtrail = [
        mock!(aws_sdk_cloudtrail::Client::describe_trails).then_http_response(json_denied),
        mock!(aws_sdk_cloudtrail::Client::get_trail_status).then_http_response(json_denied),
        mock!(aws_sdk_cloudtrail::Client::get_event_selectors).then_http_response(json_denied),
    ];
    let config = [
        mock!(aws_sdk_config::Client::describe_configuration_recorders)
            .then_http_response(json_denied),
        mock!(aws_sdk_config::Client::describe_configuration_recorder_status)
            .then_http_response(json_denied),
    ];
    let lambda = [mock!(aws_sdk_lambda::Client::get_function_configuration)
        .then_http_response(rest_json_denied)];
    let guardduty = [
        mock!(aws_sdk_guardduty::Client::list_detectors).then_http_response(rest_json_denied),
        mock!(aws_sdk_guardduty::Client::get_detector).then_http_response(rest_json_denied),
    ];
    let analyzers =
        [mock!(aws_sdk_accessanalyzer::Client::list_analyzers)
            .then_http_response(rest_json_denied)];
    let account =
        [mock!(aws_sdk_account::Client::get_alternate_contact)
            .then_http_response(rest_json_denied)];
    let s3control = [
        mock!(aws_sdk_s3control::Client::get_public_access_block).then_http_response(|| {
            response(
                403,
                XML,
                "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access Denied</Message>\
                 </Error><RequestId>656c76696e6727732072657175657374</RequestId></ErrorResponse>",
            )
        }),
    ];
    let ecr = [
        mock!(aws_sdk_ecr::Client::get_registry_scanning_configuration)
            .then_http_response(json_denied),
    ];
    let elbv2 = [
        mock!(aws_sdk_elasticloadbalancingv2::Client::describe_listeners)
            .then_http_response(|| iam_error(403, "AccessDenied", "not authorized")),
    ];
    let waf =
        [mock!(aws_sdk_waf::Client::get_logging_configuration).then_http_response(json_denied)];
    let wafv2 =
        [mock!(aws_sdk_wafv2::Client::get_logging_configuration).then_http_response(json_denied)];
    let secretsmanager =
        [mock!(aws_sdk_secretsmanager::Client::describe_secret).then_http_response(json_denied)];
    let autoscaling = [
        mock!(aws_sdk_applicationautoscaling::Client::describe_scalable_targets)
            .then_http_response(json_denied),
        mock!(aws_sdk_applicationautoscaling::Client::describe_scaling_policies)
            .then_http_response(json_denied),
    ];
    fn refs(rules: &[Rule]) -> Vec<&Rule> {
        rules.iter().collect()
    }
    collector_with(|c, sdk| {
        mocked!(c, sdk, iam, aws_sdk_iam, &refs(&iam));
        mocked!(c, sdk, ec2, aws_sdk_ec2, &refs(&ec2));
        mocked!(c, sdk, kms, aws_sdk_kms, &refs(&kms));
        mocked!(c, sdk, cloudtrail, aws_sdk_cloudtrail, &refs(&cloudtrail));
        mocked!(c, sdk, config, aws_sdk_config, &refs(&config));
        mocked!(c, sdk, lambda, aws_sdk_lambda, &refs(&lambda));
        mocked!(c, sdk, guardduty, aws_sdk_guardduty, &refs(&guardduty));
        mocked!(
            c,
            sdk,
            accessanalyzer,
            aws_sdk_accessanalyzer,
            &refs(&analyzers)
        );
        mocked!(c, sdk, account, aws_sdk_account, &refs(&account));
        mocked!(c, sdk, s3control, aws_sdk_s3control, &refs(&s3control));
        mocked!(c, sdk, ssm, aws_sdk_ssm, &refs(&ssm));
        mocked!(c, sdk, inspector2, aws_sdk_inspector2, &refs(&inspector2));
        mocked!(c, sdk, ecr, aws_sdk_ecr, &refs(&ecr));
        mocked!(c, sdk, elbv2, aws_sdk_elasticloadbalancingv2, &refs(&elbv2));
        mocked!(c, sdk, waf, aws_sdk_waf, &refs(&waf));
        mocked!(c, sdk, wafv2, aws_sdk_wafv2, &refs(&wafv2));
        mocked!(
            c,
            sdk,
            secretsmanager,
            aws_sdk_secretsmanager,
            &refs(&secretsmanager)
        );
        mocked!(
            c,
            sdk,
            autoscaling,
            aws_sdk_applicationautoscaling,
            &refs(&autoscaling)
        );
    })
    .await
}
