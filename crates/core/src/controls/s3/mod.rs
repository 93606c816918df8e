//! Amazon S3 controls.

use crate::control::Control;
use crate::controls::policy::PolicyDocument;
use crate::item::{ConfigurationItem, json_type};
use crate::verdict::Verdict;
use serde_json::Value;

pub mod account_public_access_block;
pub mod cross_account_actions;
pub mod default_kms_encryption;
pub mod event_notifications;
pub mod lifecycle;
pub mod mfa_delete;
pub mod object_read_events;
pub mod object_write_events;
pub mod public_access_block;
mod public_exposure;
pub mod public_read;
pub mod public_write;
pub mod server_access_logging;
pub mod ssl_requests_only;
pub mod versioned_lifecycle;
pub mod versioning;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &account_public_access_block::CONTROL,
    &public_access_block::CONTROL,
    &public_read::CONTROL,
    &public_write::CONTROL,
    &ssl_requests_only::CONTROL,
    &cross_account_actions::CONTROL,
    &server_access_logging::CONTROL,
    &versioned_lifecycle::CONTROL,
    &event_notifications::CONTROL,
    &lifecycle::CONTROL,
    &versioning::CONTROL,
    &default_kms_encryption::CONTROL,
    &mfa_delete::CONTROL,
    &object_write_events::CONTROL,
    &object_read_events::CONTROL,
];

/// The bucket's name: `configuration.name`, else the resource name or id.
fn bucket_name(item: &ConfigurationItem) -> &str {
    item.config_str("/name")
        .unwrap_or(item.resource_name.as_deref().unwrap_or(&item.resource_id))
}

/// The bucket policy from `supplementaryConfiguration.BucketPolicy.policyText`: `Ok(None)` when
/// the bucket has none (the entry absent or `{"policyText": null}`), INSUFFICIENT_DATA when the
/// entry or the document cannot be read.
fn bucket_policy(item: &ConfigurationItem) -> Result<Option<PolicyDocument>, Verdict> {
    let text = match item.supplementary("BucketPolicy") {
        None => return Ok(None),
        Some(Value::Object(bp)) => match bp.get("policyText").filter(|v| !v.is_null()) {
            None => return Ok(None),
            Some(text) => text,
        },
        Some(other) => {
            return Err(Verdict::insufficient(format!(
                "supplementaryConfiguration.BucketPolicy is {}, not an object with policyText",
                json_type(other)
            )));
        }
    };
    PolicyDocument::from_value(text)
        .map(Some)
        .map_err(|e| Verdict::insufficient(format!("cannot read the bucket policy: {e}")))
}

/// INSUFFICIENT_DATA when the item carries no `supplementaryConfiguration` at all: AWS Config
/// leaves out a bucket's policy and lifecycle entries when the bucket has none, so their absence
/// means "none" only in an item that records the bucket's other settings.
fn require_bucket_settings(item: &ConfigurationItem, what: &str) -> Option<Verdict> {
    item.supplementary.is_empty().then(|| {
        Verdict::insufficient(format!(
            "the item records no supplementaryConfiguration, so whether the bucket has {what} \
             cannot be told"
        ))
    })
}
