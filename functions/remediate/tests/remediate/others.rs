//! KMS.4, CloudTrail.4, IAM.7 / IAM.11–17, RDS.11, RDS.13 against moto.

use crate::support::{Bench, event};
use sidewatch_core::ACCOUNT_RESOURCE_TYPE;
use sidewatch_remediation::Mode;
use sidewatch_testkit::ACCOUNT;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_4_enables_key_rotation() {
    let bench = Bench::start().await;
    let kms = &bench.aws().kms;
    let create = |description: &'static str| async move {
        kms.create_key()
            .description(description)
            .send()
            .await
            .unwrap()
            .key_metadata()
            .unwrap()
            .key_id()
            .to_owned()
    };
    let apply_id = create("orders").await;
    let dry_id = create("invoices").await;
    let rotation = |id: String| async move {
        kms.get_key_rotation_status()
            .key_id(id)
            .send()
            .await
            .unwrap()
            .key_rotation_enabled()
    };
    let apply = event("KMS.4", "AWS::KMS::Key", &apply_id);
    bench.run(&apply, Mode::Apply).await.assert_applied();
    assert!(rotation(apply_id.clone()).await);
    let meta = kms.describe_key().key_id(&apply_id).send().await.unwrap();
    let meta = meta.key_metadata().unwrap();
    assert_eq!(meta.description(), Some("orders"));
    assert!(meta.enabled());
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(&event("KMS.4", "AWS::KMS::Key", &dry_id), Mode::DryRun)
        .await
        .assert_dry_run(&format!("rotation of KMS key {dry_id}"));
    assert!(!rotation(dry_id).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_4_enables_log_file_validation() {
    let bench = Bench::start().await;
    let trails = &bench.aws().cloudtrail;
    bench.moto.create_bucket("trail-logs");
    for name in ["apply-trail", "dry-trail"] {
        trails
            .create_trail()
            .name(name)
            .s3_bucket_name("trail-logs")
            .is_multi_region_trail(true)
            .enable_log_file_validation(false)
            .send()
            .await
            .unwrap();
    }
    let read = |name: &'static str| async move {
        trails
            .get_trail()
            .name(name)
            .send()
            .await
            .unwrap()
            .trail()
            .unwrap()
            .clone()
    };
    let apply = event("CloudTrail.4", "AWS::CloudTrail::Trail", "apply-trail");
    bench.run(&apply, Mode::Apply).await.assert_applied();
    let trail = read("apply-trail").await;
    assert_eq!(trail.log_file_validation_enabled(), Some(true));
    assert_eq!(trail.s3_bucket_name(), Some("trail-logs"));
    assert_eq!(trail.is_multi_region_trail(), Some(true));
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(
            &event("CloudTrail.4", "AWS::CloudTrail::Trail", "dry-trail"),
            Mode::DryRun,
        )
        .await
        .assert_dry_run("log file validation");
    assert_eq!(
        read("dry-trail").await.log_file_validation_enabled(),
        Some(false)
    );
}

/// A weak policy, with two settings no control checks that the fix must keep: hard expiry on and
/// users not allowed to change their password.
async fn weak_password_policy(bench: &Bench) {
    bench
        .aws()
        .iam
        .update_account_password_policy()
        .minimum_password_length(8)
        .require_symbols(false)
        .require_numbers(false)
        .require_uppercase_characters(false)
        .require_lowercase_characters(false)
        .allow_users_to_change_password(false)
        .max_password_age(120)
        .password_reuse_prevention(2)
        .hard_expiry(true)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_password_controls_apply_the_configured_policy_keeping_stronger_settings() {
    let bench = Bench::start().await;
    let iam = &bench.aws().iam;
    for control in [
        "IAM.7", "IAM.11", "IAM.12", "IAM.13", "IAM.14", "IAM.15", "IAM.16", "IAM.17",
    ] {
        weak_password_policy(&bench).await;
        let account_event = event(control, ACCOUNT_RESOURCE_TYPE, ACCOUNT);
        bench
            .run(&account_event, Mode::DryRun)
            .await
            .assert_dry_run("set the account password policy");
        let policy = iam.get_account_password_policy().send().await.unwrap();
        assert_eq!(
            policy.password_policy().unwrap().minimum_password_length(),
            Some(8),
            "{control}: dry-run changed nothing"
        );

        let run = bench.run(&account_event, Mode::Apply).await;
        run.assert_applied();
        let out = iam.get_account_password_policy().send().await.unwrap();
        let p = out.password_policy().unwrap();
        assert_eq!(p.minimum_password_length(), Some(14), "{control}");
        assert!(p.require_symbols() && p.require_numbers(), "{control}");
        assert!(
            p.require_uppercase_characters() && p.require_lowercase_characters(),
            "{control}"
        );
        assert_eq!(p.password_reuse_prevention(), Some(24), "{control}");
        assert_eq!(p.max_password_age(), Some(90), "{control}");
        assert_eq!(p.hard_expiry(), Some(true), "{control}: hard expiry kept");
        assert!(!p.allow_users_to_change_password(), "{control}: kept");
        bench
            .run(&account_event, Mode::Apply)
            .await
            .assert_already_compliant();
    }
}

async fn database(bench: &Bench, name: &str, retention: i32, auto_upgrade: bool) -> String {
    bench
        .clients
        .rds
        .create_db_instance()
        .db_instance_identifier(name)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("dbadmin")
        .master_user_password("not-a-real-password-1")
        .allocated_storage(20)
        .backup_retention_period(retention)
        .auto_minor_version_upgrade(auto_upgrade)
        .send()
        .await
        .unwrap()
        .db_instance()
        .unwrap()
        .dbi_resource_id()
        .unwrap()
        .to_owned()
}

async fn db_settings(bench: &Bench, name: &str) -> (Option<i32>, Option<bool>, Option<String>) {
    let out = bench
        .clients
        .rds
        .describe_db_instances()
        .db_instance_identifier(name)
        .send()
        .await
        .unwrap();
    let db = &out.db_instances()[0];
    (
        db.backup_retention_period(),
        db.auto_minor_version_upgrade(),
        db.db_instance_class().map(str::to_owned),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rds_11_sets_backup_retention() {
    let bench = Bench::start().await;
    let apply_id = database(&bench, "orders-db", 0, false).await;
    database(&bench, "scratch-db", 0, false).await;
    let apply = event("RDS.11", "AWS::RDS::DBInstance", &apply_id);
    bench.run(&apply, Mode::Apply).await.assert_applied();
    assert_eq!(
        db_settings(&bench, "orders-db").await,
        (Some(7), Some(false), Some("db.t3.micro".into())),
        "retention set to the control's minimum, the rest untouched"
    );
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(
            // moto gives every instance the same DbiResourceId: name the second by identifier.
            &event("RDS.11", "AWS::RDS::DBInstance", "scratch-db"),
            Mode::DryRun,
        )
        .await
        .assert_dry_run("backup retention to 7 days");
    assert_eq!(db_settings(&bench, "scratch-db").await.0, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rds_13_turns_on_automatic_minor_version_upgrades() {
    let bench = Bench::start().await;
    let apply_id = database(&bench, "billing-db", 7, false).await;
    database(&bench, "reports-db", 7, false).await;
    let apply = event("RDS.13", "AWS::RDS::DBInstance", &apply_id);
    bench.run(&apply, Mode::Apply).await.assert_applied();
    assert_eq!(
        db_settings(&bench, "billing-db").await,
        (Some(7), Some(true), Some("db.t3.micro".into()))
    );
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(
            &event("RDS.13", "AWS::RDS::DBInstance", "reports-db"),
            Mode::DryRun,
        )
        .await
        .assert_dry_run("automatic minor version upgrade to true");
    assert_eq!(db_settings(&bench, "reports-db").await.1, Some(false));
}
