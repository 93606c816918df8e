//! Per-user IAM evidence against moto: MFA devices, console password, access keys, the
//! credential report row.

use crate::support::*;
use sidewatch_core::EvidenceKind;
use sidewatch_core::evidence::shapes::{AccessKeys, CredentialReportRow, LoginProfile, MfaDevices};

/// Creates a user and returns its Config item (resourceId = the user id, as Config records it).
pub(crate) async fn create_user(
    iam: &aws_sdk_iam::Client,
    name: &str,
) -> sidewatch_core::ConfigurationItem {
    let out = iam.create_user().user_name(name).send().await.unwrap();
    let user = out.user().unwrap();
    user_item(name, user.user_id())
}

pub(crate) async fn add_virtual_mfa(iam: &aws_sdk_iam::Client, user: &str) -> String {
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name(format!("{user}-mfa"))
        .send()
        .await
        .unwrap();
    let serial = device
        .virtual_mfa_device()
        .unwrap()
        .serial_number()
        .to_owned();
    iam.enable_mfa_device()
        .user_name(user)
        .serial_number(&serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    serial
}

#[tokio::test]
async fn mfa_devices_and_login_profile_decide_iam_19_and_iam_5() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let iam = &collector.clients().iam;

    let mut secured = create_user(iam, "secured").await;
    let serial = add_virtual_mfa(iam, "secured").await;
    iam.create_login_profile()
        .user_name("secured")
        .password("Correct-Horse-9")
        .send()
        .await
        .unwrap();
    let mut exposed = create_user(iam, "exposed").await;
    iam.create_login_profile()
        .user_name("exposed")
        .password("Correct-Horse-9")
        .send()
        .await
        .unwrap();
    let mut programmatic = create_user(iam, "programmatic").await;

    let kinds = [
        EvidenceKind::IamUserMfaDevices,
        EvidenceKind::IamUserLoginProfile,
    ];
    for item in [&mut secured, &mut exposed, &mut programmatic] {
        collect(&collector, item, &kinds).await;
    }

    let devices: MfaDevices = evidence(&secured, EvidenceKind::IamUserMfaDevices);
    assert_eq!(devices.devices.len(), 1);
    assert_eq!(devices.devices[0].serial_number, serial);
    assert!(devices.devices[0].enable_date.is_some());
    let profile: LoginProfile = evidence(&exposed, EvidenceKind::IamUserLoginProfile);
    assert!(profile.present);
    assert!(profile.create_date.is_some());
    let none: LoginProfile = evidence(&programmatic, EvidenceKind::IamUserLoginProfile);
    assert!(!none.present, "NoSuchEntity is 'no console password'");
    let none: MfaDevices = evidence(&programmatic, EvidenceKind::IamUserMfaDevices);
    assert!(none.devices.is_empty());

    assert_pass(&secured, "IAM.19");
    assert_pass(&secured, "IAM.5");
    assert_fail(&exposed, "IAM.19");
    let reason = assert_fail(&exposed, "IAM.5");
    assert!(reason.contains("exposed"), "{reason}");
    assert_fail(&programmatic, "IAM.19");
    assert_pass(&programmatic, "IAM.5");
}

#[tokio::test]
async fn a_user_that_no_longer_exists_is_insufficient_data_never_a_pass() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut ghost = user_item("ghost", "AIDAGHOST000000000000");
    collect(
        &collector,
        &mut ghost,
        &[
            EvidenceKind::IamUserMfaDevices,
            EvidenceKind::IamUserLoginProfile,
            EvidenceKind::IamUserAccessKeys,
        ],
    )
    .await;
    let error = evidence_error(&ghost, EvidenceKind::IamUserMfaDevices);
    assert_eq!(error.code, "NoSuchEntity", "{error}");
    // GetLoginProfile answers NoSuchEntity both for "no password" and for "no such user"; only
    // the first is an absent login profile.
    let error = evidence_error(&ghost, EvidenceKind::IamUserLoginProfile);
    assert_eq!(error.code, "NoSuchEntity", "{error}");
    let reason = assert_insufficient(&ghost, "IAM.5");
    assert!(reason.contains("NoSuchEntity"), "{reason}");
    assert_insufficient(&ghost, "IAM.19");
    assert_insufficient(&ghost, "IAM.3");
}

#[tokio::test]
async fn access_keys_with_last_use_decide_iam_3_against_collection_time() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let iam = &collector.clients().iam;
    let mut user = create_user(iam, "deployer").await;
    let active = iam
        .create_access_key()
        .user_name("deployer")
        .send()
        .await
        .unwrap();
    let active_id = active.access_key().unwrap().access_key_id().to_owned();
    let inactive = iam
        .create_access_key()
        .user_name("deployer")
        .send()
        .await
        .unwrap();
    let inactive_id = inactive.access_key().unwrap().access_key_id().to_owned();
    iam.update_access_key()
        .user_name("deployer")
        .access_key_id(&inactive_id)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();

    collect(&collector, &mut user, &[EvidenceKind::IamUserAccessKeys]).await;
    let keys: AccessKeys = evidence(&user, EvidenceKind::IamUserAccessKeys);
    assert!(keys.collected_at.is_some());
    assert_eq!(keys.keys.len(), 2);
    let find = |id: &str| keys.keys.iter().find(|k| k.access_key_id == id).unwrap();
    assert_eq!(find(&active_id).status, "Active");
    assert_eq!(find(&inactive_id).status, "Inactive");
    assert!(find(&active_id).create_date.is_some());
    assert_eq!(find(&active_id).last_used_date, None, "never used");

    // Keys created just now are within 90 days.
    assert_pass(&user, "IAM.3");
    // The same evidence read 100 days later: the active key is too old, the inactive one ignored.
    let later = with_evidence_edit(&user, EvidenceKind::IamUserAccessKeys, |v| {
        v["collectedAt"] =
            serde_json::json!(days_after(keys.collected_at.as_deref().unwrap(), 100));
    });
    let reason = assert_fail(&later, "IAM.3");
    assert!(reason.contains(&active_id), "{reason}");
    assert!(!reason.contains(&inactive_id), "{reason}");
}

#[tokio::test]
async fn the_credential_report_is_generated_once_and_decides_iam_8_and_iam_22() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let iam = &collector.clients().iam;
    let mut alice = create_user(iam, "alice").await;
    iam.create_login_profile()
        .user_name("alice")
        .password("Correct-Horse-9")
        .send()
        .await
        .unwrap();
    let mut bob = create_user(iam, "bob").await;
    iam.create_access_key()
        .user_name("bob")
        .send()
        .await
        .unwrap();

    collect(
        &collector,
        &mut alice,
        &[EvidenceKind::IamCredentialReportRow],
    )
    .await;
    // A user created after the report was generated: the cached report does not have it.
    let mut late = create_user(iam, "late").await;
    collect(
        &collector,
        &mut bob,
        &[EvidenceKind::IamCredentialReportRow],
    )
    .await;
    collect(
        &collector,
        &mut late,
        &[EvidenceKind::IamCredentialReportRow],
    )
    .await;

    let row: CredentialReportRow = evidence(&alice, EvidenceKind::IamCredentialReportRow);
    assert_eq!(row.user, "alice");
    assert_eq!(row.arn, format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert!(row.password_enabled && !row.mfa_active && !row.access_key_1_active);
    assert_eq!(
        row.password_last_used, None,
        "N/A / no_information become None"
    );
    assert!(row.user_creation_time.is_some());
    let generated_at = row.generated_at.clone().expect("GeneratedTime");
    assert!(
        time::OffsetDateTime::parse(
            &generated_at,
            &time::format_description::well_known::Rfc3339
        )
        .is_ok(),
        "{generated_at}"
    );
    let row: CredentialReportRow = evidence(&bob, EvidenceKind::IamCredentialReportRow);
    assert!(row.access_key_1_active && !row.password_enabled);
    assert!(row.access_key_1_last_rotated.is_some());
    assert_eq!(
        row.generated_at.as_deref(),
        Some(generated_at.as_str()),
        "one report"
    );
    let error = evidence_error(&late, EvidenceKind::IamCredentialReportRow);
    assert_eq!(error.code, "NotInCredentialReport", "{error}");
    assert_insufficient(&late, "IAM.8");

    // moto stamps every report with a fixed GeneratedTime in 2015, so the report's time is set
    // here: today, the credentials set just now are in use by the 90- and 45-day reckoning…
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for item in [&alice, &bob] {
        let today = with_evidence_edit(item, EvidenceKind::IamCredentialReportRow, |v| {
            v["generatedAt"] = serde_json::json!(now);
        });
        assert_pass(&today, "IAM.8");
        assert_pass(&today, "IAM.22");
        // …and stale in a report 100 days later.
        let later = with_evidence_edit(item, EvidenceKind::IamCredentialReportRow, |v| {
            v["generatedAt"] = serde_json::json!(days_after(&now, 100));
        });
        let reason = assert_fail(&later, "IAM.8");
        assert!(
            reason.contains(&item.resource_name.clone().unwrap()),
            "{reason}"
        );
        assert_fail(&later, "IAM.22");
    }
}

#[tokio::test]
async fn user_evidence_asked_of_another_resource_is_an_error_entry() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut bucket = item(serde_json::json!({
        "resourceType": "AWS::S3::Bucket", "resourceId": "b", "configuration": {"name": "b"}
    }));
    collect(&collector, &mut bucket, &[EvidenceKind::IamUserMfaDevices]).await;
    let error = evidence_error(&bucket, EvidenceKind::IamUserMfaDevices);
    assert_eq!(error.code, "InvalidSubject");
    assert!(error.message.contains("AWS::IAM::User"), "{error}");
}

/// RFC 3339 `at` plus `days` days.
pub fn days_after(at: &str, days: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    let t = time::OffsetDateTime::parse(at, &Rfc3339).unwrap() + time::Duration::days(days);
    t.format(&Rfc3339).unwrap()
}
