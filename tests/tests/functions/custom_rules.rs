//! Your own Guard rules in the deployed functions: the real binaries read them from moto's S3 at
//! their cold start (`SIDEWATCH_RULES_URI`) and a custom rule's FAILED finding reaches moto's
//! Security Hub through the config-rule function (the custom rules' Config rule) and the events
//! function. The cold start with and without 20 rules is measured by an ignored test.

use super::{Watch, change_event, rule_event};
use serde_json::json;
use sidewatch_testkit::Moto;

const RULES_URI: &str = "s3://team-rules/sidewatch/";

/// A rule the fixture bucket (tagged `team`, not `owner`) fails.
const OWNER_RULE: &str = "rule buckets_have_an_owner when resourceType == \"AWS::S3::Bucket\" {\n    \
                          tags.owner exists <<the bucket has no owner tag>>\n}\n";

async fn s3(moto: &Moto) -> aws_sdk_s3::Client {
    let sdk = moto.sdk_config().await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    )
}

/// The rules location `s3://team-rules/sidewatch/` holding `files`.
async fn seed_rules(moto: &Moto, files: &[(String, String)]) {
    let s3 = s3(moto).await;
    s3.create_bucket()
        .bucket("team-rules")
        .send()
        .await
        .unwrap();
    for (name, text) in files {
        s3.put_object()
            .bucket("team-rules")
            .key(format!("sidewatch/{name}"))
            .body(text.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap();
    }
}

/// The custom rule's finding of `bucket`: (Id, Compliance.Status, GeneratorId, Source).
async fn custom_finding(
    client: &aws_sdk_securityhub::Client,
    bucket: &str,
) -> Option<(String, String, String, String)> {
    let arn = format!("arn:aws:s3:::{bucket}");
    let out = client.get_findings().max_results(100).send().await.unwrap();
    out.findings()
        .iter()
        .find(|f| {
            f.generator_id()
                .is_some_and(|g| g.starts_with("sidewatch/custom/"))
                && f.resources().first().and_then(|r| r.id()) == Some(arn.as_str())
        })
        .map(|f| {
            let field = |k: &str| {
                f.product_fields()
                    .and_then(|p| p.get(k))
                    .cloned()
                    .unwrap_or_default()
            };
            (
                f.id().unwrap_or_default().to_owned(),
                f.compliance()
                    .and_then(|c| c.status())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                f.generator_id().unwrap_or_default().to_owned(),
                field("sidewatch/Source"),
            )
        })
}

/// Every built-in service, comma-separated: what the template's `<stack>-custom` Config rule
/// excludes.
fn every_built_in_service() -> String {
    let mut services: Vec<&str> = sidewatch_core::catalog()
        .iter()
        .map(|c| c.service())
        .collect();
    services.sort_unstable();
    services.dedup();
    services.join(",")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_rule_s_failure_reaches_security_hub_through_config_rule_and_events() {
    let moto = Moto::start();
    let bucket = "sidewatch-e2e-custom";
    moto.create_bucket(bucket);
    seed_rules(&moto, &[("buckets.guard".into(), OWNER_RULE.into())]).await;
    let securityhub = aws_sdk_securityhub::Client::new(&moto.sdk_config().await);
    let mut env = moto.env();
    env.push(("SIDEWATCH_RULES_URI", RULES_URI.to_owned()));
    let watch = Watch::start_with_env(&[
        ("sidewatch-config-rule", env.clone()),
        ("sidewatch-events", env),
    ]);

    // The custom rules' Config rule: every built-in service excluded.
    let mut event = rule_event("config-rule/change-s3-bucket.json", bucket);
    event["ruleParameters"] = json!(json!({"exclude": every_built_in_service()}).to_string());
    let (status, body) = watch.invoke("sidewatch-config-rule", &event);
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let (id, status, generator, source) = custom_finding(&securityhub, bucket)
        .await
        .unwrap_or_else(|| panic!("a custom finding\n{}", watch.log()));
    assert_eq!(status, "FAILED");
    assert_eq!(
        generator,
        "sidewatch/custom/buckets.guard/buckets_have_an_owner"
    );
    assert_eq!(source, "config-rule");

    // EventBridge: the same item through the events function, the same finding.
    let (status, body) = watch.invoke("sidewatch-events", &change_event(bucket));
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let (same, status, _, source) = custom_finding(&securityhub, bucket).await.unwrap();
    assert_eq!(
        (same.as_str(), status.as_str(), source.as_str()),
        (id.as_str(), "FAILED", "event")
    );
    // The cold start logged what it read.
    assert!(
        watch
            .lines("sidewatch-events")
            .iter()
            .any(|l| l["message"] == "rules location read"),
        "{}",
        watch.log()
    );
}

/// What the cold start of a function costs with 20 rules files and without: the init path the
/// functions run before their first invocation — settings from the environment, the rules
/// location listed and read from (moto's) S3, 20 Guard files parsed into controls, the engine
/// built — median of 21 runs each. Ignored by default (a measurement, not a check); run it with
/// `cargo nextest run --workspace -E 'test(cold_start)' --run-ignored only --no-capture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run it on purpose"]
async fn cold_start_with_and_without_20_rules() {
    use sidewatch_aws::S3RulesStore;
    use sidewatch_lambda::runtime::Container;
    use sidewatch_lambda::settings::Settings;
    use std::time::Instant;

    let moto = Moto::start();
    let rules: Vec<(String, String)> = (0..20)
        .map(|i| {
            (
                format!("rule{i}.guard"),
                format!(
                    "rule bucket_rule_{i} when resourceType == \"AWS::S3::Bucket\" {{\n    \
                     tags.team exists <<no team tag>>\n    \
                     supplementaryConfiguration.BucketVersioningConfiguration.status == \
                     \"Enabled\"\n}}\n"
                ),
            )
        })
        .collect();
    seed_rules(&moto, &rules).await;
    let sdk = moto.sdk_config().await;
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        let started = Instant::now();
        let settings =
            Settings::from_lookup(|k| (k == "AWS_REGION").then(|| "us-east-1".into())).unwrap();
        let container = Container::load::<S3RulesStore>(settings, None)
            .await
            .unwrap();
        without.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(container.custom.rule_sets.is_empty());

        let started = Instant::now();
        let settings = Settings::from_lookup(|k| match k {
            "AWS_REGION" => Some("us-east-1".into()),
            "SIDEWATCH_RULES_URI" => Some(RULES_URI.into()),
            _ => None,
        })
        .unwrap();
        let store = settings
            .rules_location
            .as_ref()
            .map(|l| S3RulesStore::new(&sdk, l));
        let container = Container::load(settings, store.as_ref()).await.unwrap();
        with.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(container.custom.rule_sets[0].controls().len(), 20);
    }
    println!(
        "cold start init path, median of 21: without rules {:.2} ms, with 20 rules {:.2} ms",
        median(without),
        median(with)
    );
}
