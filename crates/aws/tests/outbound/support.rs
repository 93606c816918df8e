//! Test support: real core findings from the core's fixtures, mocked SDK clients.

#![allow(dead_code)]

use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use sidewatch_core::{ConfigurationItem, Engine, Finding, FindingBuilder, FindingContext, Source};
use std::collections::BTreeSet;
use std::path::Path;
use time::macros::datetime;

pub use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};

/// sidewatch's product ARN in the moto account and Region.
pub fn product_arn() -> String {
    format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default")
}

/// Every fixture item of the core (both shapes), parsed.
pub fn fixture_items() -> Vec<ConfigurationItem> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src/controls");
    let mut paths = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json")
                && path.to_string_lossy().contains("/fixtures/")
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|p| ConfigurationItem::from_json_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

/// The finding builder of these tests: the moto account and Region, a fixed clock.
pub fn builder() -> FindingBuilder {
    FindingBuilder::new(FindingContext {
        account_override: Some(ACCOUNT.into()),
        region_override: Some(REGION.into()),
        source: Source::Sweep,
        now: datetime!(2024-06-03 06:00 UTC),
    })
}

/// `n` real findings with distinct ids: the core's fixture items through the engine and the
/// finding builder.
pub fn real_findings(n: usize) -> Vec<Finding> {
    let engine = Engine::with_defaults();
    let builder = builder();
    let mut seen = BTreeSet::new();
    let mut findings = Vec::new();
    for item in fixture_items() {
        for evaluation in engine.evaluate(&item) {
            let finding = builder.build(&item, &evaluation).unwrap();
            if seen.insert(finding.id.clone()) {
                findings.push(finding);
            }
        }
    }
    assert!(
        findings.len() >= n,
        "only {} distinct findings in the fixtures",
        findings.len()
    );
    findings.truncate(n);
    findings
}

/// An SDK config with fake credentials and the mock HTTP client: nothing leaves the process.
pub async fn mock_sdk() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(fake_credentials())
        .http_client(create_mock_http_client())
        .load()
        .await
}

pub fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |i, rule| i.with_rule(rule),
    )
}

/// A Security Hub client answering from `rules`.
pub async fn securityhub(rules: &[&Rule]) -> aws_sdk_securityhub::Client {
    let sdk = mock_sdk().await;
    aws_sdk_securityhub::Client::from_conf(
        aws_sdk_securityhub::config::Builder::from(&sdk)
            .interceptor(interceptor(rules))
            .build(),
    )
}

/// A Config client answering from `rules`.
pub async fn config(rules: &[&Rule]) -> aws_sdk_config::Client {
    let sdk = mock_sdk().await;
    aws_sdk_config::Client::from_conf(
        aws_sdk_config::config::Builder::from(&sdk)
            .interceptor(interceptor(rules))
            .build(),
    )
}

pub fn response(status: u16, content_type: &str, body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(body.to_owned()),
    );
    r.headers_mut()
        .insert("Content-Type", content_type.to_owned());
    r.headers_mut()
        .insert("x-amzn-RequestId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
    r
}

/// A Security Hub (REST-JSON) answer.
pub fn securityhub_ok(body: &str) -> HttpResponse {
    response(200, "application/json", body)
}

/// A Security Hub (REST-JSON) error, as its API reference lists them (`Code`, `Message`, the
/// error type header).
pub fn securityhub_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let mut r = response(
        status,
        "application/json",
        &format!(r#"{{"Code":"{code}","Message":"{message}"}}"#),
    );
    r.headers_mut().insert("x-amzn-ErrorType", code.to_owned());
    r
}

/// The content type of Config's JSON 1.1 protocol.
pub const JSON_1_1: &str = "application/x-amz-json-1.1";

/// A Config (JSON 1.1) answer.
pub fn config_ok(body: &str) -> HttpResponse {
    response(200, JSON_1_1, body)
}

/// A Config (JSON 1.1) error body.
pub fn config_error_body(code: &str, message: &str) -> String {
    format!(r#"{{"__type":"{code}","message":"{message}"}}"#)
}

/// A Config (JSON 1.1) error.
pub fn config_error(status: u16, code: &str, message: &str) -> HttpResponse {
    response(status, JSON_1_1, &config_error_body(code, message))
}
