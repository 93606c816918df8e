//! Amazon Elastic File System controls on file systems (`AWS::EFS::FileSystem`).
//!
//! The configuration uses the CloudFormation-like PascalCase the AWS Config resource schema
//! lists (`FileSystemId`, `Encrypted`, `KmsKeyId`).

use crate::control::Control;

pub mod encrypted;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&encrypted::CONTROL];
