//! Account-wide IAM evidence against moto: the account summary, the root user's virtual MFA, the
//! password policy and the support role.

use crate::support::*;
use sidewatch_core::EvidenceKind;
use sidewatch_core::evidence::shapes::{
    AccountSummary, PasswordPolicy, RootVirtualMfa, SupportRole,
};

#[tokio::test]
async fn account_summary_and_root_virtual_mfa_decide_root_controls() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let iam = &collector.clients().iam;
    // A virtual MFA device assigned to an IAM user is not the root user's.
    iam.create_user().user_name("ops").send().await.unwrap();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("ops-mfa")
        .send()
        .await
        .unwrap();
    iam.enable_mfa_device()
        .user_name("ops")
        .serial_number(device.virtual_mfa_device().unwrap().serial_number())
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();

    let mut account = account_item();
    collect(
        &collector,
        &mut account,
        &[
            EvidenceKind::IamAccountSummary,
            EvidenceKind::IamRootVirtualMfa,
        ],
    )
    .await;
    // moto's account has no root MFA and no root access key.
    let summary: AccountSummary = evidence(&account, EvidenceKind::IamAccountSummary);
    assert!(!summary.account_mfa_enabled && !summary.account_access_keys_present);
    let root: RootVirtualMfa = evidence(&account, EvidenceKind::IamRootVirtualMfa);
    assert!(!root.root_has_virtual_mfa);

    assert_pass(&account, "IAM.4");
    assert_fail(&account, "IAM.9");
    assert_fail(&account, "IAM.6");
    // The compliant root states cannot be made in moto; crate::mocked covers them.
}

#[tokio::test]
async fn password_policy_absent_then_strong() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut none = account_item();
    collect(&collector, &mut none, &[EvidenceKind::IamPasswordPolicy]).await;
    let policy: PasswordPolicy = evidence(&none, EvidenceKind::IamPasswordPolicy);
    assert!(!policy.present, "NoSuchEntity is 'no password policy'");
    for id in [
        "IAM.7", "IAM.11", "IAM.12", "IAM.13", "IAM.14", "IAM.15", "IAM.16", "IAM.17",
    ] {
        assert_fail(&none, id);
    }

    collector
        .clients()
        .iam
        .update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .send()
        .await
        .unwrap();
    let mut strong = account_item();
    collect(&collector, &mut strong, &[EvidenceKind::IamPasswordPolicy]).await;
    let policy: PasswordPolicy = evidence(&strong, EvidenceKind::IamPasswordPolicy);
    assert!(policy.present && policy.require_symbols && policy.expire_passwords);
    assert_eq!(policy.minimum_password_length, Some(14));
    assert_eq!(policy.max_password_age, Some(90));
    assert_eq!(policy.password_reuse_prevention, Some(24));
    for id in [
        "IAM.7", "IAM.11", "IAM.12", "IAM.13", "IAM.14", "IAM.15", "IAM.16", "IAM.17",
    ] {
        assert_pass(&strong, id);
    }
}

#[tokio::test]
async fn support_role_is_found_through_list_entities_for_policy() {
    let moto = Moto::start_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]);
    let collector = collector(&moto).await;
    let mut before = account_item();
    collect(&collector, &mut before, &[EvidenceKind::IamSupportRole]).await;
    let holders: SupportRole = evidence(&before, EvidenceKind::IamSupportRole);
    assert_eq!(holders, SupportRole::default());
    assert_fail(&before, "IAM.18");

    let iam = &collector.clients().iam;
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
                       "Action": "sts:AssumeRole"}]
    });
    iam.create_role()
        .role_name("aws-support")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("aws-support")
        .policy_arn("arn:aws:iam::aws:policy/AWSSupportAccess")
        .send()
        .await
        .unwrap();
    let mut after = account_item();
    collect(&collector, &mut after, &[EvidenceKind::IamSupportRole]).await;
    let holders: SupportRole = evidence(&after, EvidenceKind::IamSupportRole);
    assert_eq!(holders.role_names, ["aws-support"]);
    assert_pass(&after, "IAM.18");
}

#[tokio::test]
async fn global_evidence_is_collected_once_for_many_kinds_and_only_where_needed() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let engine = sidewatch_core::Engine::with_defaults();
    // The home Region's account item needs the global kinds; another Region's does not.
    let mut home = account_item();
    let fetched = collector.collect_needed(&engine, &mut home).await;
    assert!(
        fetched.contains(&EvidenceKind::IamPasswordPolicy),
        "{fetched:?}"
    );
    assert!(
        fetched.contains(&EvidenceKind::EbsEncryptionByDefault),
        "{fetched:?}"
    );
    for kind in &fetched {
        assert!(home.supplementary.contains_key(&kind.key()), "{kind}");
    }
    assert!(
        engine.evidence_needed(&home).is_empty(),
        "nothing left to fetch"
    );
    let mut elsewhere = sidewatch_core::ConfigurationItem::account(ACCOUNT, "eu-west-1", false);
    let fetched = collector.collect_needed(&engine, &mut elsewhere).await;
    assert!(
        !fetched.contains(&EvidenceKind::IamPasswordPolicy),
        "{fetched:?}"
    );
    assert!(
        fetched.contains(&EvidenceKind::EbsEncryptionByDefault),
        "{fetched:?}"
    );
}
