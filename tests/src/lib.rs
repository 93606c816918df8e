//! Integration tests live in `tests/tests/`; this crate holds only what they share:
//! [`template`], which reads the SAM template, evaluates it for a set of parameters the way
//! CloudFormation would, extracts each function's IAM policy, and generates the template's Config
//! rules from the controls catalog.

pub mod template;
