//! Amazon CloudFront controls on distributions (`AWS::CloudFront::Distribution`).
//!
//! Every field these controls read is in the AWS Config resource schema, under
//! `configuration.distributionConfig`: `defaultRootObject`, `origins.items[].domainName` and
//! `.s3OriginConfig`, `defaultCacheBehavior.viewerProtocolPolicy`,
//! `cacheBehaviors.items[].viewerProtocolPolicy`, `logging.enabled` and `webACLId`.

use crate::control::Control;
use crate::item::ConfigurationItem;

pub mod default_root_object;
pub mod logging;
pub mod viewer_https;
pub mod waf_enabled;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &default_root_object::CONTROL,
    &viewer_https::CONTROL,
    &logging::CONTROL,
    &waf_enabled::CONTROL,
];

/// The distribution's id for reasons (`configuration.id`, else the resource id).
fn id(item: &ConfigurationItem) -> &str {
    item.config_str("/id").unwrap_or(&item.resource_id)
}
