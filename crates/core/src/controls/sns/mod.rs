//! Amazon SNS controls on topics (`AWS::SNS::Topic`).
//!
//! The configuration holds the topic attributes in the PascalCase the AWS Config resource schema
//! lists (`TopicArn`, `KmsMasterKeyId`). moto writes `kmsMasterKeyId` in its own items; real
//! configuration items, and these controls, use `KmsMasterKeyId`.

use crate::control::Control;

pub mod encrypted_kms;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&encrypted_kms::CONTROL];
