//! Test support: the adapters' clients pointed at a private moto_server (`sidewatch-testkit`), and
//! the core engine's verdicts on collected items.

#![allow(dead_code)]

use serde::de::DeserializeOwned;
use sidewatch_aws::{AwsClients, ClientOptions, EvidenceCollector};
use sidewatch_core::{ConfigurationItem, Engine, EvidenceKind, Verdict};

pub use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};

/// SDK clients pointed at `moto` with fake credentials and the adapters' client options.
pub async fn clients(moto: &Moto) -> AwsClients {
    AwsClients::new(&sdk_config(moto).await)
}

/// The adapters' `SdkConfig` (their retries and timeouts) pointed at `moto`.
pub async fn sdk_config(moto: &Moto) -> aws_config::SdkConfig {
    ClientOptions {
        endpoint_url: Some(moto.endpoint.clone()),
        region: Some(REGION.into()),
        ..ClientOptions::default()
    }
    .config_loader()
    .credentials_provider(fake_credentials())
    .load()
    .await
}

/// An evidence collector with [`clients`].
pub async fn collector(moto: &Moto) -> EvidenceCollector {
    EvidenceCollector::new(clients(moto).await)
}

/// The account-level item of the moto account in the home Region.
pub fn account_item() -> ConfigurationItem {
    ConfigurationItem::account(ACCOUNT, REGION, true)
}

/// A configuration item from notification-shaped JSON.
pub fn item(value: serde_json::Value) -> ConfigurationItem {
    ConfigurationItem::from_value(value).expect("a valid configuration item")
}

/// An IAM user's configuration item, as Config records it (resourceId is the user id).
pub fn user_item(name: &str, user_id: &str) -> ConfigurationItem {
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
        "awsAccountId": ACCOUNT,
        "resourceType": "AWS::IAM::User",
        "resourceId": user_id,
        "resourceName": name,
        "ARN": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        "awsRegion": "global",
        "configuration": {
            "path": "/", "userName": name, "userId": user_id,
            "arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            "userPolicyList": [], "groupList": [], "attachedManagedPolicies": []
        },
        "supplementaryConfiguration": {}
    }))
}

/// Collects `kinds` into `item` with the collector.
pub async fn collect(
    collector: &EvidenceCollector,
    item: &mut ConfigurationItem,
    kinds: &[EvidenceKind],
) {
    collector.collect(item, kinds).await;
    for kind in kinds {
        assert!(
            item.supplementary.contains_key(&kind.key()),
            "{kind} was requested but nothing was stored"
        );
    }
}

/// The stored evidence of `kind` in its typed shape; fails the test on a stored error.
pub fn evidence<T: DeserializeOwned>(item: &ConfigurationItem, kind: EvidenceKind) -> T {
    let value = item
        .supplementary
        .get(&kind.key())
        .unwrap_or_else(|| panic!("no {kind} evidence stored"));
    assert!(
        sidewatch_core::EvidenceError::from_entry(value).is_none(),
        "{kind} read failed: {value}"
    );
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{kind} evidence {value}: {e}"))
}

/// The stored error of `kind`; fails the test when evidence was stored instead.
pub fn evidence_error(
    item: &ConfigurationItem,
    kind: EvidenceKind,
) -> sidewatch_core::EvidenceError {
    let value = item
        .supplementary
        .get(&kind.key())
        .unwrap_or_else(|| panic!("no {kind} evidence stored"));
    sidewatch_core::EvidenceError::from_entry(value)
        .unwrap_or_else(|| panic!("{kind} was read, not failed: {value}"))
}

/// The verdict of `control_id` on the item, through the real engine with default parameters.
pub fn verdict(item: &ConfigurationItem, control_id: &str) -> Verdict {
    Engine::with_defaults()
        .evaluate(item)
        .into_iter()
        .find(|e| e.control.id == control_id)
        .unwrap_or_else(|| panic!("{control_id} does not apply to {}", item.resource_type))
        .verdict
}

/// Asserts the verdict's kind, showing the reason when it differs.
#[track_caller]
pub fn assert_pass(item: &ConfigurationItem, control_id: &str) {
    let v = verdict(item, control_id);
    assert!(v.is_compliant(), "{control_id} should pass: {v:?}");
}

#[track_caller]
pub fn assert_fail(item: &ConfigurationItem, control_id: &str) -> String {
    let v = verdict(item, control_id);
    assert!(v.is_non_compliant(), "{control_id} should fail: {v:?}");
    v.reason().to_owned()
}

#[track_caller]
pub fn assert_insufficient(item: &ConfigurationItem, control_id: &str) -> String {
    let v = verdict(item, control_id);
    assert!(
        v.is_insufficient(),
        "{control_id} should be INSUFFICIENT_DATA: {v:?}"
    );
    v.reason().to_owned()
}

/// A fresh copy of the item with the evidence JSON of `kind` changed by `edit` (to move a
/// `collectedAt` forward, say: ages are taken at collection time, so this is how time passes).
pub fn with_evidence_edit(
    item: &ConfigurationItem,
    kind: EvidenceKind,
    edit: impl FnOnce(&mut serde_json::Value),
) -> ConfigurationItem {
    let mut copy = item.clone();
    if let Some(value) = copy.supplementary.get_mut(&kind.key()) {
        edit(value);
    }
    copy
}
