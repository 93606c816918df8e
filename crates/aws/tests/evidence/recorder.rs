//! The sweep's Config recorder reader against moto's AWS Config: no recorder, a recorder that is
//! not started, and each recording strategy as `DescribeConfigurationRecorders` returns it.

use super::support::{Moto, sdk_config};
use aws_sdk_config::types::{
    ConfigurationRecorder, DeliveryChannel, ExclusionByResourceTypes, RecordingGroup,
    RecordingStrategy, RecordingStrategyType, ResourceType,
};
use sidewatch_aws::ConfigRecorders;

const ROLE: &str = "arn:aws:iam::123456789012:role/config";

async fn put(client: &aws_sdk_config::Client, group: RecordingGroup) {
    client
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(ROLE)
                .recording_group(group)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn start(client: &aws_sdk_config::Client) {
    client
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("config-bucket")
                .build(),
        )
        .send()
        .await
        .unwrap();
    client
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn no_recorder_is_an_empty_list() {
    let moto = Moto::start();
    let client = aws_sdk_config::Client::new(&sdk_config(&moto).await);
    let recorders = ConfigRecorders::new(&client).recorders().await.unwrap();
    assert!(recorders.is_empty(), "{recorders:?}");
}

#[tokio::test]
async fn an_explicit_list_is_read_and_recording_follows_the_status() {
    let moto = Moto::start();
    let client = aws_sdk_config::Client::new(&sdk_config(&moto).await);
    put(
        &client,
        RecordingGroup::builder()
            .all_supported(false)
            .resource_types(ResourceType::Bucket)
            .recording_strategy(
                RecordingStrategy::builder()
                    .use_only(RecordingStrategyType::InclusionByResourceTypes)
                    .build(),
            )
            .build(),
    )
    .await;
    let reader = ConfigRecorders::new(&client);
    let recorders = reader.recorders().await.unwrap();
    assert_eq!(recorders.len(), 1);
    let r = &recorders[0];
    assert_eq!(r.name, "default");
    assert_eq!(r.role_arn.as_deref(), Some(ROLE));
    assert!(!r.all_supported);
    assert_eq!(r.resource_types, ["AWS::S3::Bucket"]);
    assert_eq!(
        r.recording_strategy.as_deref(),
        Some("INCLUSION_BY_RESOURCE_TYPES")
    );
    assert!(!r.recording, "put but never started");

    start(&client).await;
    let recorders = reader.recorders().await.unwrap();
    assert!(recorders[0].recording, "started");
}

#[tokio::test]
async fn all_supported_with_global_types_and_exclusions_are_read() {
    let moto = Moto::start();
    let client = aws_sdk_config::Client::new(&sdk_config(&moto).await);
    put(
        &client,
        RecordingGroup::builder()
            .all_supported(true)
            .include_global_resource_types(true)
            .build(),
    )
    .await;
    let reader = ConfigRecorders::new(&client);
    let r = reader.recorders().await.unwrap().remove(0);
    assert!(r.all_supported && r.include_global_resource_types);
    assert!(r.resource_types.is_empty());

    put(
        &client,
        RecordingGroup::builder()
            .all_supported(false)
            .include_global_resource_types(false)
            .exclusion_by_resource_types(
                ExclusionByResourceTypes::builder()
                    .resource_types(ResourceType::SecurityGroup)
                    .build(),
            )
            .recording_strategy(
                RecordingStrategy::builder()
                    .use_only(RecordingStrategyType::ExclusionByResourceTypes)
                    .build(),
            )
            .build(),
    )
    .await;
    let r = reader.recorders().await.unwrap().remove(0);
    assert!(!r.all_supported);
    assert_eq!(r.exclusion_resource_types, ["AWS::EC2::SecurityGroup"]);
    assert_eq!(
        r.recording_strategy.as_deref(),
        Some("EXCLUSION_BY_RESOURCE_TYPES")
    );
}

#[tokio::test]
async fn an_unreachable_config_is_a_retryable_port_error() {
    let moto = Moto::start();
    let sdk = sdk_config(&moto).await;
    drop(moto);
    let client = aws_sdk_config::Client::new(&sdk);
    let err = ConfigRecorders::new(&client).recorders().await.unwrap_err();
    assert_eq!(err.operation, "config:DescribeConfigurationRecorders");
    assert!(err.is_retryable(), "{err}");
}
