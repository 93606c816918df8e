//! NIST SP 800-53 Rev. 5 sets that AWS's Security Hub control reference gives, identically, to
//! many controls: written once here, named by what the controls check.

/// Encryption at rest (RDS.3, RDS.4, RDS.27, EC2.3, EC2.7, EFS.1, SQS.1, SNS.1…).
pub(crate) const ENCRYPTION_AT_REST: &[&str] = &[
    "CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)",
];

/// Public access to a resource (RDS.1, EC2.9, Lambda.1, S3.1, S3.2, S3.3…).
pub(crate) const PUBLIC_ACCESS: &[&str] = &[
    "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)",
    "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)",
];
