//! The sweep's inventory branch against moto with the real adapters: a Config recorder that
//! records only S3 buckets, a security group open to the world. The schedule queues a collect
//! message for security groups (and none for buckets, which Config records); its consumer builds
//! the group with the inventory and imports its findings into moto's Security Hub; once the group
//! is deleted, the same message archives them.

use serde_json::{Value, json};
use sidewatch_aws::ConfigRecorders;
use sidewatch_aws::{
    AwsClients, ClientOptions, EvidenceCollector, Inventory, SecurityHubFindings,
    SecurityHubPublisher,
};
use sidewatch_core::ports::{
    Delivery, ItemBatch, ItemSource, PortError, QueueEntry, ResourceKey, SweepQueue,
};
use sidewatch_core::{ConfigurationItem, Engine, EngineConfig};
use sidewatch_lambda::sweep::SweepMessage;
use sidewatch_lambda::{Invocation, Ports, Settings, SystemClock};
use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};
use std::sync::Mutex;

/// Config reads: nothing recorded yet (moto's Config reads are not readable by the Rust SDK,
/// and this test is about the types Config does not record).
#[derive(Debug, Default)]
struct NothingInConfig;

impl ItemSource for NothingInConfig {
    async fn latest_item(&self, _: &ResourceKey) -> Result<Option<ConfigurationItem>, PortError> {
        Ok(None)
    }
    async fn list_resources(&self, _: &str) -> Result<Vec<ResourceKey>, PortError> {
        Ok(Vec::new())
    }
    async fn batch_items(&self, _: &[ResourceKey]) -> Result<ItemBatch, PortError> {
        Ok(ItemBatch::default())
    }
}

/// The sweep queue: keeps every entry.
#[derive(Debug, Default)]
struct KeptQueue(Mutex<Vec<QueueEntry>>);

impl SweepQueue for KeptQueue {
    async fn send_batch(&self, entries: Vec<QueueEntry>) -> Result<Delivery, PortError> {
        let delivered = entries.len();
        self.0.lock().unwrap().extend(entries);
        Ok(Delivery {
            delivered,
            failed: Vec::new(),
        })
    }
}

/// The findings moto's Security Hub holds for `resource_id`: `(GeneratorId, Compliance.Status,
/// RecordState)`.
async fn findings_of(
    client: &aws_sdk_securityhub::Client,
    resource_id: &str,
) -> Vec<(String, String, String)> {
    let out = client.get_findings().max_results(100).send().await.unwrap();
    out.findings()
        .iter()
        .filter(|f| {
            f.product_fields()
                .and_then(|p| p.get("sidewatch/ResourceId"))
                .is_some_and(|id| id == resource_id)
        })
        .map(|f| {
            (
                f.generator_id().unwrap_or_default().to_owned(),
                f.compliance()
                    .and_then(|c| c.status())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                f.record_state()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn sqs_event(body: &str) -> Value {
    json!({"Records": [{
        "messageId": "collect-sg",
        "receiptHandle": "r",
        "body": body,
        "attributes": {},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": format!("arn:aws:sqs:{REGION}:{ACCOUNT}:sidewatch-sweep"),
        "awsRegion": REGION
    }]})
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unrecorded_type_is_swept_through_the_inventory() {
    let moto = Moto::start();
    let sdk = ClientOptions {
        endpoint_url: Some(moto.endpoint.clone()),
        region: Some(REGION.into()),
        ..ClientOptions::default()
    }
    .config_loader()
    .credentials_provider(fake_credentials())
    .load()
    .await;
    let clients = AwsClients::new(&sdk);
    let config = clients.config.clone();
    let ec2 = clients.ec2.clone();

    // Config records S3 buckets only.
    moto.create_bucket("config-bucket");
    config
        .put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/config"))
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(false)
                        .resource_types(aws_sdk_config::types::ResourceType::Bucket)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("config-bucket")
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();

    // A security group with SSH open to the world.
    let group = ec2
        .create_security_group()
        .group_name("launch-wizard-1")
        .description("launch-wizard-1")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&group)
        .ip_permissions(
            aws_sdk_ec2::types::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(
                    aws_sdk_ec2::types::IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    let settings = Settings {
        engine: EngineConfig::default(),
        publish_findings: true,
        evaluate_global_resources: false,
        lookup_changes: true,
        sweep_lookup_changes: false,
        sweep_queue_url: Some(format!("{}/{ACCOUNT}/sidewatch-sweep", moto.endpoint)),
        rules_location: None,
        region: REGION.into(),
    };
    let engine = Engine::new(&settings.engine).unwrap();
    let account = sidewatch_core::boundary::AccountBoundary::new(ACCOUNT).unwrap();
    let inv = Invocation {
        settings: &settings,
        engine: &engine,
        custom: &Default::default(),
        clock: &SystemClock,
        account: &account,
    };
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let ports = Ports {
        findings: SecurityHubPublisher::new(&securityhub),
        stored: SecurityHubFindings::new(&securityhub),
        evaluations: (),
        items: NothingInConfig,
        evidence: EvidenceCollector::new(clients),
        queue: KeptQueue::default(),
        recorders: ConfigRecorders::new(&config),
        inventory: Inventory::new(sdk.clone()),
        changes: (),
        workflow: (),
    };

    // The schedule: one collect message per unrecorded type, none for buckets.
    let scheduled = json!({
        "version": "0", "id": "sweep-1", "detail-type": "Scheduled Event",
        "source": "aws.events", "account": ACCOUNT, "time": "2026-01-01T06:00:00Z",
        "region": REGION, "resources": [], "detail": {}
    });
    sidewatch_lambda::sweep::handle(inv, &ports, scheduled)
        .await
        .unwrap();
    let entries = ports.queue.0.lock().unwrap().clone();
    let messages: Vec<SweepMessage> = entries
        .iter()
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect();
    let collected: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.collect_type.as_deref())
        .collect();
    assert!(
        collected.contains(&"AWS::EC2::SecurityGroup"),
        "{collected:?}"
    );
    assert!(!collected.contains(&"AWS::S3::Bucket"), "{collected:?}");
    assert!(
        !collected.iter().any(|t| t.starts_with("AWS::IAM::")),
        "global types are left to the Region that evaluates them: {collected:?}"
    );
    let body = entries
        .iter()
        .find(|e| {
            e.body
                .contains("\"collectType\":\"AWS::EC2::SecurityGroup\"")
        })
        .unwrap()
        .body
        .clone();

    // The consumer: the group is collected, evaluated, and its findings imported.
    let outcome = sidewatch_lambda::sweep::handle(inv, &ports, sqs_event(&body))
        .await
        .unwrap();
    assert_eq!(outcome.to_value()["batchItemFailures"], json!([]));
    let findings = findings_of(&securityhub, &group).await;
    assert!(
        findings
            .iter()
            .any(|(_, status, state)| status == "FAILED" && state == "ACTIVE"),
        "{findings:?}"
    );

    // The group is deleted: the same message archives its findings.
    ec2.delete_security_group()
        .group_id(&group)
        .send()
        .await
        .unwrap();
    let outcome = sidewatch_lambda::sweep::handle(inv, &ports, sqs_event(&body))
        .await
        .unwrap();
    assert_eq!(outcome.to_value()["batchItemFailures"], json!([]));
    assert!(outcome.metrics().findings_archived > 0);
    let after = findings_of(&securityhub, &group).await;
    assert_eq!(after.len(), findings.len());
    assert!(
        after.iter().all(|(_, _, state)| state == "ARCHIVED"),
        "{after:?}"
    );
}
