//! Amazon S3 as a port: [`S3RulesStore`], where the functions read the user's rules and
//! exceptions. (The S3 evidence and inventory readers live in `collect` and `inventory`.)

mod rules_store;

pub use rules_store::{GET_OPERATION, LIST_OPERATION, MAX_OBJECT_BYTES, S3RulesStore};
