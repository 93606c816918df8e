//! Amazon API Gateway controls on REST API stages (`AWS::ApiGateway::Stage`) and, for execution
//! logging, WebSocket API stages (`AWS::ApiGatewayV2::Stage`).
//!
//! The Config resource schema confirms `configuration.clientCertificateId`, `tracingEnabled`,
//! `webAclArn` and `stageName` for REST stages and `configuration.defaultRouteSettings.loggingLevel`
//! for v2 stages. It does not list the REST stage's `methodSettings` (a map keyed `*/*` or
//! `~1path/METHOD`, present in real configuration items) nor the v2 stage's `routeSettings`.
//!
//! Config records a stage's unset settings as `null` (the service's describe output as AWS
//! Config serializes it), so a `null` or empty value means "not configured" and fails, while a
//! field missing from the item altogether is INSUFFICIENT_DATA.

use crate::control::Control;
use crate::controls::checks;
use crate::item::{ConfigurationItem, config_path};
use crate::verdict::Verdict;

pub mod client_certificate;
pub mod execution_logging;
pub mod waf_associated;
pub mod xray_tracing;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &execution_logging::CONTROL,
    &client_certificate::CONTROL,
    &xray_tracing::CONTROL,
    &waf_associated::CONTROL,
];

/// The stage's name for reasons.
fn stage(item: &ConfigurationItem) -> &str {
    item.config_str("/stageName")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id)
}

/// Decides a control on a text setting of the stage that must be set: PASSED with the value,
/// FAILED when it is null or blank, INSUFFICIENT_DATA when the item does not carry the field.
fn require_setting(item: &ConfigurationItem, pointer: &str, pass: &str, fail: &str) -> Verdict {
    if let Some(unreadable) = item.configuration_unreadable() {
        return unreadable.into();
    }
    if crate::item::json_pointer(&item.configuration, pointer).is_none() {
        return checks::missing(&config_path(pointer));
    }
    let stage = stage(item);
    checks::require_text(
        item,
        pointer,
        &format!("stage {stage} {pass}"),
        &format!("stage {stage} {fail}"),
    )
}
