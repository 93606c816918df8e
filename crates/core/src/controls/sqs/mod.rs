//! Amazon SQS controls on queues (`AWS::SQS::Queue`).
//!
//! The configuration holds the queue attributes in the PascalCase the AWS Config resource schema
//! lists (`QueueArn`, `KmsMasterKeyId`, `SqsManagedSseEnabled` — the last a string).

use crate::control::Control;

pub mod encrypted;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&encrypted::CONTROL];
