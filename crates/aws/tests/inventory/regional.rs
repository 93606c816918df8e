//! CloudTrail trails, RDS instances, KMS keys and Lambda functions (regional services).

use crate::support::*;
use aws_sdk_lambda::types::{Environment, FunctionCode, Runtime};

const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";

#[tokio::test(flavor = "multi_thread")]
async fn trails_db_instances_and_keys_get_the_same_verdicts() {
    let env = Env::start().await;
    env.s3()
        .create_bucket()
        .bucket("example-cloudtrail-logs")
        .send()
        .await
        .unwrap();
    let ct = &env.clients.cloudtrail;
    for (name, validation) in [("app-audit", false), ("org-audit", true)] {
        ct.create_trail()
            .name(name)
            .s3_bucket_name("example-cloudtrail-logs")
            .is_multi_region_trail(true)
            .include_global_service_events(true)
            .enable_log_file_validation(validation)
            .cloud_watch_logs_log_group_arn(format!(
                "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-cloudtrail-logs-{name}:*"
            ))
            .cloud_watch_logs_role_arn(format!(
                "arn:aws:iam::{ACCOUNT}:role/service-role/CloudTrailToCloudWatchLogs"
            ))
            .kms_key_id(KEY_ARN)
            .tags_list(
                aws_sdk_cloudtrail::types::Tag::builder()
                    .key("owner")
                    .value("security")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    ct.create_trail()
        .name("bare-trail")
        .s3_bucket_name("example-cloudtrail-logs")
        .send()
        .await
        .unwrap();

    let rds = env.rds();
    for (name, public, encrypted, retention, minor) in [
        ("reporting-db", true, true, 7, true),
        ("orders-db", false, true, 7, true),
        ("legacy-db", false, false, 0, false),
    ] {
        let mut create = rds
            .create_db_instance()
            .db_instance_identifier(name)
            .db_instance_class("db.t4g.medium")
            .engine("postgres")
            .master_username("dbadmin")
            .master_user_password("not-a-real-password-1")
            .allocated_storage(100)
            .publicly_accessible(public)
            .storage_encrypted(encrypted)
            .backup_retention_period(retention)
            .auto_minor_version_upgrade(minor);
        if encrypted {
            create = create.kms_key_id(KEY_ARN);
        }
        if name == "orders-db" {
            // Every instance setting the RDS controls check, on (RDS.5, 6, 8, 9, 10, 23).
            create = create
                .multi_az(true)
                .monitoring_interval(60)
                .monitoring_role_arn("arn:aws:iam::123456789012:role/rds-monitoring-role")
                .deletion_protection(true)
                .enable_cloudwatch_logs_exports("postgresql")
                .enable_cloudwatch_logs_exports("upgrade")
                .enable_iam_database_authentication(true)
                .port(6543);
        }
        create.send().await.unwrap();
    }

    let kms = &env.clients.kms;
    let mut keys = Vec::new();
    for rotate in [true, false] {
        let key = kms.create_key().send().await.unwrap();
        let id = key.key_metadata().unwrap().key_id().to_owned();
        if rotate {
            kms.enable_key_rotation().key_id(&id).send().await.unwrap();
        }
        keys.push(id);
    }

    let (items, report) = env
        .collect(&[
            "AWS::CloudTrail::Trail",
            "AWS::RDS::DBInstance",
            "AWS::KMS::Key",
        ])
        .await;
    assert!(report.is_complete(), "{:?}", report.failures);

    let app = find(&items, "AWS::CloudTrail::Trail", "app-audit");
    assert_eq!(app.config_bool("/logFileValidationEnabled"), Some(false));
    assert_eq!(app.config_str("/kmsKeyId"), Some(KEY_ARN));
    assert_eq!(app.tags.get("owner").map(String::as_str), Some("security"));
    assert_verdict(app, "CloudTrail.4", "NON_COMPLIANT");
    let org = find(&items, "AWS::CloudTrail::Trail", "org-audit");
    assert_nothing_fails(org);
    let bare = find(&items, "AWS::CloudTrail::Trail", "bare-trail");
    assert_verdict(bare, "CloudTrail.2", "NON_COMPLIANT");
    assert_verdict(bare, "CloudTrail.5", "NON_COMPLIANT");
    assert_same_verdicts(
        app,
        "cloudtrail/fixtures/CloudTrail.4/fail-validation-disabled.json",
    );
    assert_same_verdicts(
        org,
        "cloudtrail/fixtures/CloudTrail.4/pass-validation-enabled.json",
    );

    let reporting = find(&items, "AWS::RDS::DBInstance", "reporting-db");
    assert_eq!(reporting.resource_name.as_deref(), Some("reporting-db"));
    assert_eq!(reporting.config_bool("/publiclyAccessible"), Some(true));
    assert_verdict(reporting, "RDS.2", "NON_COMPLIANT");
    let orders = find(&items, "AWS::RDS::DBInstance", "orders-db");
    assert_nothing_fails(orders);
    let legacy = find(&items, "AWS::RDS::DBInstance", "legacy-db");
    for control in [
        "RDS.3", "RDS.5", "RDS.6", "RDS.8", "RDS.9", "RDS.10", "RDS.11", "RDS.13", "RDS.23",
    ] {
        assert_verdict(legacy, control, "NON_COMPLIANT");
    }
    assert_same_verdicts(
        reporting,
        "rds/fixtures/RDS.2/fail-publicly-accessible.json",
    );
    assert_same_verdicts(orders, "rds/fixtures/RDS.11/pass-retention-7-days.json");

    let rotated = find(&items, "AWS::KMS::Key", &keys[0]);
    assert_eq!(rotated.config_str("/keyManager"), Some("CUSTOMER"));
    assert_verdict(rotated, "KMS.4", "COMPLIANT");
    let stale = find(&items, "AWS::KMS::Key", &keys[1]);
    assert_verdict(stale, "KMS.4", "NON_COMPLIANT");
    assert_same_verdicts(rotated, "kms/fixtures/KMS.4/pass-rotation-enabled.json");
    assert_same_verdicts(stale, "kms/fixtures/KMS.4/fail-rotation-disabled.json");
}

#[tokio::test(flavor = "multi_thread")]
async fn functions_carry_their_policy_and_never_their_environment_values() {
    let env = Env::start().await;
    let role = env
        .clients
        .iam
        .create_role()
        .role_name("lambda-role")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let role = role.role().unwrap().arn().to_owned();
    // The smallest valid zip archive: an empty one (moto runs no code).
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.resize(22, 0);
    // Random-looking, not AWS's documented example key (the detector skips `…EXAMPLEKEY` on purpose).
    const SECRET: &str = "q8Vd3Lr0Zt7Yb2Nk5Wm9/Xc4Hf6Jp1Ss0Gu3Ae7T";
    for (name, runtime, secret) in [
        ("webhook-receiver", Runtime::Nodejs22x, false),
        ("legacy-etl", Runtime::Python39, true),
        ("thumbnailer", Runtime::Python313, false),
    ] {
        let mut environment = Environment::builder().variables("STAGE", "prod");
        if secret {
            environment = environment.variables("AWS_SECRET_ACCESS_KEY", SECRET);
        }
        env.clients
            .lambda
            .create_function()
            .function_name(name)
            .runtime(runtime)
            .role(&role)
            .handler("index.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(empty_zip.clone()))
                    .build(),
            )
            .environment(environment.build())
            .send()
            .await
            .unwrap();
    }
    env.clients
        .lambda
        .add_permission()
        .function_name("webhook-receiver")
        .statement_id("public-invoke")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .unwrap();

    let (items, report) = env.collect(&["AWS::Lambda::Function"]).await;
    assert!(report.is_complete(), "{:?}", report.failures);
    for item in &items {
        let text = format!("{item:?}");
        assert!(
            !text.contains(SECRET),
            "an environment value leaked into {}",
            item.resource_id
        );
    }

    let webhook = find(&items, "AWS::Lambda::Function", "webhook-receiver");
    assert!(webhook.supplementary.contains_key("Policy"));
    assert_eq!(webhook.config_str("/runtime"), Some("nodejs22.x"));
    assert_verdict(webhook, "Lambda.1", "NON_COMPLIANT");
    let legacy = find(&items, "AWS::Lambda::Function", "legacy-etl");
    assert_verdict(legacy, "Lambda.2", "NON_COMPLIANT");
    assert_verdict(legacy, "Lambda.X1", "NON_COMPLIANT");
    let thumbnailer = find(&items, "AWS::Lambda::Function", "thumbnailer");
    assert!(!thumbnailer.supplementary.contains_key("Policy"));
    assert_nothing_fails(thumbnailer);

    assert_same_verdicts(webhook, "lambda/fixtures/Lambda.1/fail-public-invoke.json");
    assert_same_verdicts(legacy, "lambda/fixtures/Lambda.2/fail-python3-9.json");
    assert_same_verdicts(
        thumbnailer,
        "lambda/fixtures/Lambda.1/pass-no-resource-policy.json",
    );
}
