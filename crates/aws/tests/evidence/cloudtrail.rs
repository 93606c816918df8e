//! CloudTrail evidence against moto: trails, their status and event selectors.

use crate::support::*;
use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType};
use sidewatch_core::EvidenceKind;
use sidewatch_core::evidence::shapes::CloudTrailTrails;

#[tokio::test]
async fn trails_status_and_selectors_decide_cloudtrail_1_and_s3_data_events() {
    let moto = Moto::start();
    moto.create_bucket("trail-logs");
    let collector = collector(&moto).await;
    let cloudtrail = &collector.clients().cloudtrail;

    let mut none = account_item();
    collect(&collector, &mut none, &[EvidenceKind::CloudTrailTrails]).await;
    let shape: CloudTrailTrails = evidence(&none, EvidenceKind::CloudTrailTrails);
    assert!(shape.trails.is_empty());
    assert_fail(&none, "CloudTrail.1");
    assert_fail(&none, "S3.22");

    // A multi-Region trail that is not logging yet.
    let created = cloudtrail
        .create_trail()
        .name("org-audit")
        .s3_bucket_name("trail-logs")
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .send()
        .await
        .unwrap();
    let arn = created.trail_arn().unwrap().to_owned();
    let mut stopped = account_item();
    collect(&collector, &mut stopped, &[EvidenceKind::CloudTrailTrails]).await;
    let shape: CloudTrailTrails = evidence(&stopped, EvidenceKind::CloudTrailTrails);
    assert_eq!(shape.trails.len(), 1);
    let trail = &shape.trails[0];
    assert_eq!(
        (trail.name.as_str(), trail.trail_arn.as_str()),
        ("org-audit", arn.as_str())
    );
    assert!(trail.is_multi_region_trail && trail.log_file_validation_enabled);
    assert_eq!(trail.home_region.as_deref(), Some(REGION));
    assert_eq!(trail.s3_bucket_name.as_deref(), Some("trail-logs"));
    assert_eq!(trail.is_logging, Some(false));
    assert_fail(&stopped, "CloudTrail.1");

    // Logging, with read and write management events and S3 object-level events.
    cloudtrail.start_logging().name(&arn).send().await.unwrap();
    cloudtrail
        .put_event_selectors()
        .trail_name(&arn)
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .data_resources(
                    DataResource::builder()
                        .r#type("AWS::S3::Object")
                        .values("arn:aws:s3")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut logging = account_item();
    collect(&collector, &mut logging, &[EvidenceKind::CloudTrailTrails]).await;
    let shape: CloudTrailTrails = evidence(&logging, EvidenceKind::CloudTrailTrails);
    let trail = &shape.trails[0];
    assert_eq!(trail.is_logging, Some(true));
    assert_eq!(trail.event_selectors.len(), 1);
    let selector = &trail.event_selectors[0];
    assert_eq!(selector.read_write_type.as_deref(), Some("All"));
    assert_eq!(selector.include_management_events, Some(true));
    assert_eq!(selector.data_resources[0].resource_type, "AWS::S3::Object");
    assert_eq!(selector.data_resources[0].values, ["arn:aws:s3"]);

    assert_pass(&logging, "CloudTrail.1");
    assert_pass(&logging, "CloudTrail.3");
    assert_pass(&logging, "S3.22");
    assert_pass(&logging, "S3.23");

    // Write-only management events no longer satisfy CloudTrail.1.
    cloudtrail
        .put_event_selectors()
        .trail_name(&arn)
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::WriteOnly)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut write_only = account_item();
    collect(
        &collector,
        &mut write_only,
        &[EvidenceKind::CloudTrailTrails],
    )
    .await;
    assert_fail(&write_only, "CloudTrail.1");
    assert_fail(&write_only, "S3.23");
}
