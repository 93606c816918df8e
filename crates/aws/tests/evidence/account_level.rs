//! Account- and Region-level evidence against moto: EBS encryption by default, GuardDuty, the
//! account's S3 Block Public Access (S3 Control), the security contact.

use crate::support::*;
use sidewatch_core::EvidenceKind;
use sidewatch_core::evidence::shapes::{
    AccountPublicAccessBlock, EbsEncryptionByDefault, GuardDutyDetectors, SecurityContact,
};

#[tokio::test]
async fn ebs_encryption_by_default_decides_ec2_7() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut off = account_item();
    collect(
        &collector,
        &mut off,
        &[EvidenceKind::EbsEncryptionByDefault],
    )
    .await;
    let shape: EbsEncryptionByDefault = evidence(&off, EvidenceKind::EbsEncryptionByDefault);
    assert!(!shape.ebs_encryption_by_default);
    assert_fail(&off, "EC2.7");

    collector
        .clients()
        .ec2
        .enable_ebs_encryption_by_default()
        .send()
        .await
        .unwrap();
    let mut on = account_item();
    collect(&collector, &mut on, &[EvidenceKind::EbsEncryptionByDefault]).await;
    let shape: EbsEncryptionByDefault = evidence(&on, EvidenceKind::EbsEncryptionByDefault);
    assert!(shape.ebs_encryption_by_default);
    assert_pass(&on, "EC2.7");
}

#[tokio::test]
async fn guardduty_detectors_decide_guardduty_1() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let guardduty = &collector.clients().guardduty;

    let mut none = account_item();
    collect(&collector, &mut none, &[EvidenceKind::GuardDutyDetectors]).await;
    let shape: GuardDutyDetectors = evidence(&none, EvidenceKind::GuardDutyDetectors);
    assert!(shape.detectors.is_empty());
    assert_fail(&none, "GuardDuty.1");

    let created = guardduty
        .create_detector()
        .enable(false)
        .send()
        .await
        .unwrap();
    let id = created.detector_id().unwrap().to_owned();
    let mut disabled = account_item();
    collect(
        &collector,
        &mut disabled,
        &[EvidenceKind::GuardDutyDetectors],
    )
    .await;
    let shape: GuardDutyDetectors = evidence(&disabled, EvidenceKind::GuardDutyDetectors);
    assert_eq!(shape.detectors.len(), 1);
    assert_eq!(shape.detectors[0].detector_id, id);
    assert_eq!(shape.detectors[0].status, "DISABLED");
    assert_fail(&disabled, "GuardDuty.1");

    guardduty
        .update_detector()
        .detector_id(&id)
        .enable(true)
        .send()
        .await
        .unwrap();
    let mut enabled = account_item();
    collect(
        &collector,
        &mut enabled,
        &[EvidenceKind::GuardDutyDetectors],
    )
    .await;
    let shape: GuardDutyDetectors = evidence(&enabled, EvidenceKind::GuardDutyDetectors);
    assert_eq!(shape.detectors[0].status, "ENABLED");
    assert_pass(&enabled, "GuardDuty.1");
}

#[tokio::test]
async fn account_public_access_block_through_s3_control_decides_s3_1() {
    let moto = Moto::start();
    let collector = collector(&moto).await;

    let mut none = account_item();
    collect(
        &collector,
        &mut none,
        &[EvidenceKind::S3AccountPublicAccessBlock],
    )
    .await;
    let shape: AccountPublicAccessBlock = evidence(&none, EvidenceKind::S3AccountPublicAccessBlock);
    assert!(
        !shape.present,
        "NoSuchPublicAccessBlockConfiguration is 'none'"
    );
    assert_fail(&none, "S3.1");

    let put = |all: bool| {
        aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(all)
            .build()
    };
    let s3control = &collector.clients().s3control;
    s3control
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(put(false))
        .send()
        .await
        .unwrap();
    let mut partial = account_item();
    collect(
        &collector,
        &mut partial,
        &[EvidenceKind::S3AccountPublicAccessBlock],
    )
    .await;
    let shape: AccountPublicAccessBlock =
        evidence(&partial, EvidenceKind::S3AccountPublicAccessBlock);
    assert!(shape.present && shape.block_public_acls && !shape.restrict_public_buckets);
    let reason = assert_fail(&partial, "S3.1");
    assert!(
        reason.to_lowercase().contains("restrictpublicbuckets"),
        "{reason}"
    );

    s3control
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(put(true))
        .send()
        .await
        .unwrap();
    let mut full = account_item();
    collect(
        &collector,
        &mut full,
        &[EvidenceKind::S3AccountPublicAccessBlock],
    )
    .await;
    assert_pass(&full, "S3.1");
}

#[tokio::test]
async fn security_contact_keeps_which_fields_are_set_and_decides_account_1() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut none = account_item();
    collect(&collector, &mut none, &[EvidenceKind::SecurityContact]).await;
    let shape: SecurityContact = evidence(&none, EvidenceKind::SecurityContact);
    assert_eq!(
        shape,
        SecurityContact::default(),
        "ResourceNotFound is 'none'"
    );
    assert_fail(&none, "Account.1");

    collector
        .clients()
        .account
        .put_alternate_contact()
        .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)
        .name("Security Team")
        .title("CISO")
        .email_address("security@example.com")
        .phone_number("+1-555-0100")
        .send()
        .await
        .unwrap();
    let mut set = account_item();
    collect(&collector, &mut set, &[EvidenceKind::SecurityContact]).await;
    let shape: SecurityContact = evidence(&set, EvidenceKind::SecurityContact);
    assert!(shape.present && shape.has_email_address && shape.has_name && shape.has_phone_number);
    let stored = serde_json::to_string(&set.supplementary).unwrap();
    assert!(
        !stored.contains("security@example.com") && !stored.contains("555"),
        "{stored}"
    );
    assert_pass(&set, "Account.1");
}
