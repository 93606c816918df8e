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

/// The NIST SP 800-53 r5 controls AWS's control reference lists for every encryption-in-transit
/// control (S3.5, ELB.1, ELB.8, CloudFront.3, APIGateway.2): one list, named once.
pub(crate) const ENCRYPTION_IN_TRANSIT: &[&str] = &[
    "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8",
    "SC-8(1)", "SC-8(2)", "SI-7(6)",
];

/// The NIST SP 800-53 r5 controls AWS's control reference lists for S3 server access logging
/// (S3.9) and CloudFront standard logging (CloudFront.5).
pub(crate) const ACCESS_LOGGING: &[&str] = &[
    "AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)",
    "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)",
];

/// The NIST SP 800-53 r5 controls AWS's control reference lists for load balancer access logs
/// (ELB.5) and API Gateway execution logging (APIGateway.1).
pub(crate) const REQUEST_LOGGING: &[&str] = &[
    "AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)",
    "SI-7(8)",
];
