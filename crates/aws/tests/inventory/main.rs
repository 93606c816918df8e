//! Inventory collectors with the real AWS SDK against a private moto_server per test: seed
//! compliant and misconfigured resources, collect, check the items' fields, run the engine (with
//! the evidence a Config item would get), and check that a collected item and the same resource's
//! item in AWS's documented shape (the core's fixtures) get identical verdicts from every control.
//!
//! One test binary (modules below) keeps link time down: the SDK crates are large.

#[path = "../seed/infrastructure.rs"]
mod infrastructure_seed;
mod support;

#[path = "../common/seed.rs"]
mod seed;

mod coverage;
mod ec2;
mod iam;
mod infrastructure;
mod regional;
mod s3;
mod workloads;
