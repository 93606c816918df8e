//! Amazon EKS controls on clusters (`AWS::EKS::Cluster`).
//!
//! The cluster uses the PascalCase, CloudFormation-like configuration shape. Every field read here
//! is listed in the AWS Config resource schema (awslabs/aws-config-resource-schema,
//! `config/properties/resource-types/AWS::EKS::Cluster.properties.json`, read on 2026-12-06):
//! `Name`, `Version`, `ResourcesVpcConfig.EndpointPublicAccess`,
//! `ResourcesVpcConfig.PublicAccessCidrs` and `Logging.ClusterLogging.EnabledTypes[].Type`.

use crate::control::Control;
use crate::item::ConfigurationItem;

pub mod audit_logging;
pub mod endpoint_not_public;
pub mod supported_version;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &endpoint_not_public::CONTROL,
    &supported_version::CONTROL,
    &audit_logging::CONTROL,
];

/// The cluster's name for reasons.
fn cluster_name(item: &ConfigurationItem) -> &str {
    crate::controls::checks::resource_name(item, "/Name")
}
