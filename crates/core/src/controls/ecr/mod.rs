//! Amazon ECR controls on private repositories (`AWS::ECR::Repository`).
//!
//! The repository uses the PascalCase, CloudFormation-like configuration shape. The AWS Config
//! resource schema (awslabs/aws-config-resource-schema,
//! `config/properties/resource-types/AWS::ECR::Repository.properties.json`, read on 2026-12-06)
//! lists `RepositoryName`, `ImageTagMutability`, `ImageScanningConfiguration.ScanOnPush` and, of
//! the lifecycle policy, only `LifecyclePolicy.RegistryId`: `LifecyclePolicy.LifecyclePolicyText`
//! (the CloudFormation property beside it) is not listed, see ECR.3.

use crate::control::Control;

pub mod lifecycle_policy;
pub mod tag_immutability;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&tag_immutability::CONTROL, &lifecycle_policy::CONTROL];
