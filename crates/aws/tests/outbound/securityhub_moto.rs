//! Publishing real findings to moto's Security Hub and reading them back.

use crate::support::*;
use aws_sdk_securityhub::types::{AwsSecurityFinding, Resource, Severity, SeverityLabel};
use sidewatch_aws::{RetryPolicy, SecurityHubFindings, SecurityHubPublisher};
use sidewatch_core::finding::{ComplianceStatus, RecordState};
use sidewatch_core::ports::{FindingsQuery, FindingsSink, FindingsSource, StoredFinding};
use sidewatch_core::{Evaluation, Verdict};
use std::collections::BTreeMap;

async fn client(moto: &Moto) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&moto.sdk_config().await)
}

fn query(active_only: bool) -> FindingsQuery {
    FindingsQuery {
        product_arn: product_arn(),
        generator_prefix: "sidewatch/".into(),
        active_only,
    }
}

async fn read_back(
    client: &aws_sdk_securityhub::Client,
    active_only: bool,
) -> BTreeMap<String, StoredFinding> {
    SecurityHubFindings::new(client)
        .with_retry_policy(RetryPolicy::fast(3))
        .findings(&query(active_only))
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.id.clone(), f))
        .collect()
}

/// A finding of another product (GuardDuty) and one of sidewatch's product from another
/// generator, stored directly with the SDK.
async fn seed_foreign(client: &aws_sdk_securityhub::Client) {
    let foreign = |id: &str, product: &str, generator: &str| {
        AwsSecurityFinding::builder()
            .schema_version("2018-10-08")
            .id(id)
            .product_arn(product)
            .generator_id(generator)
            .aws_account_id(ACCOUNT)
            .types("TTPs/Discovery")
            .created_at("2024-06-01T00:00:00Z")
            .updated_at("2024-06-01T00:00:00Z")
            .severity(Severity::builder().label(SeverityLabel::High).build())
            .title("foreign")
            .description("not sidewatch's")
            .resources(Resource::builder().r#type("Other").id("x").build())
            .build()
    };
    let out = client
        .batch_import_findings()
        .findings(foreign(
            "guardduty-1",
            &format!("arn:aws:securityhub:{REGION}::product/aws/guardduty"),
            "sidewatch/S3.8",
        ))
        .findings(foreign(
            "mine-other-generator",
            &product_arn(),
            "custom/S3.8",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(out.success_count(), Some(2));
}

#[tokio::test]
async fn real_findings_round_trip_through_moto_and_foreign_ones_stay_out() {
    let moto = Moto::start();
    let client = client(&moto).await;
    seed_foreign(&client).await;

    let findings = real_findings(250);
    let delivery = SecurityHubPublisher::new(&client)
        .with_retry_policy(RetryPolicy::fast(3))
        .import(findings.clone())
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 250);
    assert!(delivery.is_complete(), "{:?}", delivery.failed);

    let stored = read_back(&client, false).await;
    assert_eq!(stored.len(), 250, "exactly sidewatch's findings come back");
    assert!(!stored.contains_key("guardduty-1"));
    assert!(!stored.contains_key("mine-other-generator"));
    for finding in &findings {
        let back = &stored[&finding.id];
        assert_eq!(back.product_arn, finding.product_arn);
        assert_eq!(back.generator_id, finding.generator_id);
        assert_eq!(back.account_id, ACCOUNT);
        assert_eq!(back.region, REGION);
        assert_eq!(back.resource_id, finding.resources[0].id);
        assert_eq!(
            back.compliance_status.as_deref(),
            Some(finding.compliance_status())
        );
        assert_eq!(back.record_state, finding.record_state.as_str());
        assert_eq!(back.description, finding.description);
        assert_eq!(back.updated_at, finding.updated_at);
        assert_eq!(
            back.product_fields,
            finding
                .product_fields
                .clone()
                .into_iter()
                .collect::<Vec<_>>()
        );
    }

    // moto ignores the RecordState filter: the adapter applies it.
    let active = read_back(&client, true).await;
    let expected_active = findings
        .iter()
        .filter(|f| f.record_state == RecordState::Active)
        .count();
    assert!(
        expected_active < 250,
        "the fixtures give archived findings too"
    );
    assert_eq!(active.len(), expected_active);
    assert!(active.values().all(|f| f.record_state == "ACTIVE"));
}

#[tokio::test]
async fn a_changed_verdict_updates_the_same_finding() {
    let moto = Moto::start();
    let client = client(&moto).await;
    let publisher = SecurityHubPublisher::new(&client).with_retry_policy(RetryPolicy::fast(3));

    // A failing bucket of the fixtures, then the same bucket and control passing.
    let engine = sidewatch_core::Engine::with_defaults();
    let builder = builder();
    let (item, failed) = fixture_items()
        .into_iter()
        .find_map(|item| {
            let eval = engine.evaluate(&item).into_iter().find(|e| {
                e.control.id == "S3.8" && e.verdict.compliance_type().as_str() == "NON_COMPLIANT"
            })?;
            Some((item, eval))
        })
        .unwrap();
    let first = builder.build(&item, &failed).unwrap();
    publisher.import(vec![first.clone()]).await.unwrap();

    let fixed = Evaluation {
        control: failed.control,
        verdict: Verdict::pass("all four public access block settings are on"),
    };
    let later = sidewatch_core::FindingBuilder::new(sidewatch_core::FindingContext {
        now: time::macros::datetime!(2024-06-04 06:00 UTC),
        ..builder.context().clone()
    });
    let second = later.build(&item, &fixed).unwrap();
    assert_eq!(second.id, first.id, "same (control, resource), same Id");
    assert_eq!(second.compliance.status, ComplianceStatus::Passed);
    let delivery = publisher.import(vec![second.clone()]).await.unwrap();
    assert_eq!(delivery.delivered, 1);

    let stored = read_back(&client, false).await;
    assert_eq!(stored.len(), 1);
    let back = &stored[&first.id];
    assert_eq!(back.compliance_status.as_deref(), Some("PASSED"));
    assert_eq!(back.description, second.description);
    assert_eq!(back.updated_at, second.updated_at);
}
