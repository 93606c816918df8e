//! The remediation function against moto with the real SDK: every remediation (fixed, nothing
//! else touched, idempotent, dry-run changes nothing), the refusals, and the handler's records.

mod ec2;
mod handler;
mod others;
mod refusals;
mod s3;
mod support;
