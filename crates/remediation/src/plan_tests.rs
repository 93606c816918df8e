//! Plans on fixture-like items, and idempotency: planning on the fixed item changes nothing.

use super::*;
use crate::{Mode, RemediationConfig};
use serde_json::json;

fn config() -> RemediationConfig {
    let mut config = RemediationConfig::new("111122223333");
    config.mode = Mode::Apply;
    config
}

fn item(value: Value) -> ConfigurationItem {
    ConfigurationItem::from_value(value).unwrap()
}

fn sg(name: &str, ingress: Value, egress: Value) -> ConfigurationItem {
    item(json!({
        "resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-0123456789abcdef0",
        "awsRegion": "eu-west-1", "configurationItemStatus": "OK",
        "configuration": {"groupName": name, "groupId": "sg-0123456789abcdef0",
                          "vpcId": "vpc-1", "ipPermissions": ingress,
                          "ipPermissionsEgress": egress}
    }))
}

/// What EC2 leaves after the revoke: each revoked CIDR removed from the matching permission.
fn revoke(item: &ConfigurationItem, plan: &Plan) -> ConfigurationItem {
    let Plan::RevokeSecurityGroupRules {
        ingress, egress, ..
    } = plan
    else {
        panic!("{plan:?}")
    };
    let mut after = item.clone();
    for (field, revoked) in [("ipPermissions", ingress), ("ipPermissionsEgress", egress)] {
        let Some(Value::Array(list)) = after.configuration.get_mut(field) else {
            continue;
        };
        for r in revoked {
            for p in list.iter_mut() {
                let same = crate::plan::bare_permission(p).unwrap();
                if same.ip_protocol != r.ip_protocol
                    || same.from_port != r.from_port
                    || same.to_port != r.to_port
                {
                    continue;
                }
                for (key, inner, gone) in [
                    ("ipv4Ranges", "cidrIp", &r.ipv4_ranges),
                    ("ipRanges", "cidrIp", &r.ipv4_ranges),
                    ("ipv6Ranges", "cidrIpv6", &r.ipv6_ranges),
                ] {
                    if let Some(Value::Array(ranges)) = p.get_mut(key) {
                        ranges.retain(|c| {
                            let text = c.as_str().or_else(|| c.get(inner).and_then(Value::as_str));
                            !text.is_some_and(|t| gone.iter().any(|g| g == t))
                        });
                    }
                }
                if !r.user_id_group_pairs.is_empty() {
                    p["userIdGroupPairs"] = json!([]);
                }
                if !r.prefix_list_ids.is_empty() {
                    p["prefixListIds"] = json!([]);
                }
            }
            list.retain(|p| {
                [
                    "ipv4Ranges",
                    "ipRanges",
                    "ipv6Ranges",
                    "userIdGroupPairs",
                    "prefixListIds",
                ]
                .iter()
                .any(|k| {
                    p.get(*k)
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty())
                })
            });
        }
    }
    after
}

fn mixed_group() -> ConfigurationItem {
    sg(
        "web",
        json!([
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
             "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}, {"cidrIp": "203.0.113.0/24"}],
             "ipRanges": ["0.0.0.0/0", "203.0.113.0/24"],
             "ipv6Ranges": [{"cidrIpv6": "::/0"}],
             "userIdGroupPairs": [{"groupId": "sg-bastion", "userId": "111122223333"}],
             "prefixListIds": []},
            {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
             "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]},
            {"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389,
             "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]}
        ]),
        json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]),
    )
}

#[test]
fn ssh_revoke_keeps_group_references_narrower_ranges_and_other_ports() {
    let item = mixed_group();
    let plan = plan("EC2.13", &item, &config()).unwrap();
    assert_eq!(
        plan,
        Plan::RevokeSecurityGroupRules {
            group_id: "sg-0123456789abcdef0".into(),
            ingress: vec![IpPermission {
                ip_protocol: "tcp".into(),
                from_port: Some(22),
                to_port: Some(22),
                ipv4_ranges: vec!["0.0.0.0/0".into()],
                ipv6_ranges: vec!["::/0".into()],
                user_id_group_pairs: vec![],
                prefix_list_ids: vec![],
            }],
            egress: vec![],
        }
    );
    assert_eq!(
        plan.describe(),
        "revoke ingress tcp 22 from 0.0.0.0/0, ::/0 on sg-0123456789abcdef0"
    );
    let after = revoke(&item, &plan);
    let kept = after.config("/ipPermissions").unwrap();
    assert_eq!(kept[0]["userIdGroupPairs"][0]["groupId"], "sg-bastion");
    assert_eq!(kept[0]["ipv4Ranges"], json!([{"cidrIp": "203.0.113.0/24"}]));
    assert_eq!(kept[1]["fromPort"], 443);
    assert_eq!(kept[2]["fromPort"], 3389, "EC2.13 does not touch RDP");
    assert!(matches!(
        plan_on("EC2.13", &after),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));
}

fn plan_on(id: &str, item: &ConfigurationItem) -> Result<Plan, NotRemediable> {
    plan(id, item, &config())
}

#[test]
fn each_port_control_revokes_only_its_own_world_ranges_and_then_passes() {
    for (id, expected_ports) in [
        ("EC2.14", vec![Some(3389)]),
        ("EC2.19", vec![Some(22), Some(3389)]),
        ("EC2.53", vec![Some(22), Some(3389)]),
        ("EC2.54", vec![Some(22)]),
    ] {
        let item = mixed_group();
        let plan = plan_on(id, &item).unwrap_or_else(|e| panic!("{id}: {e}"));
        let Plan::RevokeSecurityGroupRules {
            ingress, egress, ..
        } = &plan
        else {
            panic!("{id}: {plan:?}")
        };
        assert!(egress.is_empty(), "{id}");
        assert_eq!(
            ingress.iter().map(|p| p.from_port).collect::<Vec<_>>(),
            expected_ports,
            "{id}"
        );
        for p in ingress {
            assert!(p.user_id_group_pairs.is_empty() && p.prefix_list_ids.is_empty());
            for cidr in p.ipv4_ranges.iter().chain(&p.ipv6_ranges) {
                assert!(world_family(cidr).is_some(), "{id}: {cidr}");
            }
        }
        if id == "EC2.53" {
            assert!(
                ingress.iter().all(|p| p.ipv6_ranges.is_empty()),
                "IPv4 only"
            );
        }
        if id == "EC2.54" {
            assert!(
                ingress.iter().all(|p| p.ipv4_ranges.is_empty()),
                "IPv6 only"
            );
        }
        let after = revoke(&item, &plan);
        assert!(
            matches!(
                plan_on(id, &after),
                Err(NotRemediable::AlreadyCompliant { .. })
            ),
            "{id}: {:?}",
            plan_on(id, &after)
        );
        assert_eq!(
            after.config("/ipPermissions").unwrap()[1]["fromPort"],
            443,
            "{id} keeps https"
        );
    }
}

#[test]
fn port_parameters_are_honoured() {
    let mut config = config();
    config.overrides.set("EC2.19", "blockedPorts", "443");
    let plan = plan("EC2.19", &mixed_group(), &config).unwrap();
    let Plan::RevokeSecurityGroupRules { ingress, .. } = plan else {
        panic!()
    };
    assert_eq!(ingress.len(), 1);
    assert_eq!(ingress[0].from_port, Some(443));
}

#[test]
fn default_group_loses_every_rule_as_recorded() {
    let item = sg(
        "default",
        json!([{"ipProtocol": "-1",
                "userIdGroupPairs": [{"groupId": "sg-0123456789abcdef0", "userId": "111122223333"}],
                "ipv4Ranges": [], "ipRanges": [], "ipv6Ranges": [], "prefixListIds": []}]),
        json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
                "ipRanges": ["0.0.0.0/0"], "ipv6Ranges": [], "prefixListIds": [],
                "userIdGroupPairs": []}]),
    );
    let plan = plan_on("EC2.2", &item).unwrap();
    assert_eq!(
        plan.describe(),
        "revoke ingress all traffic from sg-0123456789abcdef0; egress all traffic from \
         0.0.0.0/0 on sg-0123456789abcdef0"
    );
    let Plan::RevokeSecurityGroupRules { ingress, .. } = &plan else {
        panic!()
    };
    assert_eq!(
        ingress[0].user_id_group_pairs[0].user_id.as_deref(),
        Some("111122223333")
    );
    let after = revoke(&item, &plan);
    assert!(matches!(
        plan_on("EC2.2", &after),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));
    // Not a default group: the control does not apply.
    assert!(matches!(
        plan_on("EC2.2", &mixed_group()),
        Err(NotRemediable::NotApplicable { .. })
    ));
}

fn bucket(policy: Option<Value>) -> ConfigurationItem {
    let mut supplementary = json!({});
    if let Some(p) = policy {
        supplementary["BucketPolicy"] = json!({"policyText": p.to_string()});
    }
    item(json!({
        "resourceType": "AWS::S3::Bucket", "resourceId": "example-logs-bucket",
        "ARN": "arn:aws:s3:::example-logs-bucket", "awsRegion": "eu-west-1",
        "configuration": {"name": "example-logs-bucket"},
        "supplementaryConfiguration": supplementary
    }))
}

#[test]
fn tls_statement_is_appended_keeping_every_other_statement() {
    let existing = json!({
        "Version": "2012-10-17", "Id": "keep-me",
        "Statement": [
            {"Sid": "Logs", "Effect": "Allow",
             "Principal": {"Service": "logging.s3.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-logs-bucket/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": "arn:aws:s3:::example-logs-bucket/*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"},
                           "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
        ]
    });
    let item = bucket(Some(existing.clone()));
    let plan = plan_on("S3.5", &item).unwrap();
    let Plan::PutBucketPolicy {
        bucket: name,
        policy,
    } = &plan
    else {
        panic!("{plan:?}")
    };
    assert_eq!(name, "example-logs-bucket");
    assert_eq!(policy["Id"], "keep-me");
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[0], existing["Statement"][0]);
    assert_eq!(statements[1], existing["Statement"][1]);
    assert_eq!(
        statements[2],
        json!({"Sid": TLS_SID, "Effect": "Deny", "Principal": "*", "Action": "s3:*",
               "Resource": ["arn:aws:s3:::example-logs-bucket",
                            "arn:aws:s3:::example-logs-bucket/*"],
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    );
    // Applied, the bucket passes, and planning again changes nothing.
    let fixed = bucket(Some(policy.clone()));
    assert!(matches!(
        plan_on("S3.5", &fixed),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));
}

#[test]
fn tls_policy_is_created_or_refused_when_our_statement_was_tampered_with() {
    let plan = plan_on("S3.5", &bucket(None)).unwrap();
    let Plan::PutBucketPolicy { policy, .. } = &plan else {
        panic!()
    };
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(policy["Statement"][0]["Sid"], TLS_SID);

    let single = json!({"Version": "2012-10-17",
                        "Statement": {"Sid": "One", "Effect": "Allow", "Principal": "*",
                                      "Action": "s3:GetObject",
                                      "Resource": "arn:aws:s3:::example-logs-bucket/*"}});
    let Plan::PutBucketPolicy { policy, .. } =
        plan_on("S3.5", &bucket(Some(single.clone()))).unwrap()
    else {
        panic!()
    };
    assert_eq!(policy["Statement"][0], single["Statement"]);
    assert_eq!(policy["Statement"][1]["Sid"], TLS_SID);

    let tampered = json!({"Statement": [{"Sid": TLS_SID, "Effect": "Deny", "Principal": "*",
                                          "Action": "s3:*",
                                          "Resource": "arn:aws:s3:::example-logs-bucket",
                                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    assert!(matches!(
        plan_on("S3.5", &bucket(Some(tampered))),
        Err(NotRemediable::CannotPlan { .. })
    ));
}

fn bucket_with(supplementary: Value) -> ConfigurationItem {
    item(json!({
        "resourceType": "AWS::S3::Bucket", "resourceId": "b1", "ARN": "arn:aws:s3:::b1",
        "configuration": {"name": "b1"}, "supplementaryConfiguration": supplementary
    }))
}

#[test]
fn bucket_settings_plans_and_idempotency() {
    let open = bucket_with(json!({"PublicAccessBlockConfiguration": {
        "blockPublicAcls": true, "ignorePublicAcls": true,
        "blockPublicPolicy": false, "restrictPublicBuckets": true}}));
    assert_eq!(
        plan_on("S3.8", &open),
        Ok(Plan::PutBucketPublicAccessBlock {
            bucket: "b1".into()
        })
    );
    let blocked = bucket_with(json!({"PublicAccessBlockConfiguration": {
        "blockPublicAcls": true, "ignorePublicAcls": true,
        "blockPublicPolicy": true, "restrictPublicBuckets": true}}));
    assert!(matches!(
        plan_on("S3.8", &blocked),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));

    let off = bucket_with(json!({"BucketVersioningConfiguration": {"status": "Off"}}));
    assert_eq!(
        plan_on("S3.14", &off).unwrap().describe(),
        "enable versioning on bucket b1"
    );
    let on = bucket_with(json!({"BucketVersioningConfiguration": {"status": "Enabled"}}));
    assert!(matches!(
        plan_on("S3.14", &on),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));

    let sse_s3 = bucket_with(json!({"ServerSideEncryptionConfiguration": {"rules": [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}}));
    assert_eq!(
        plan_on("S3.17", &sse_s3),
        Ok(Plan::PutBucketEncryption {
            bucket: "b1".into(),
            kms_master_key_id: None,
            bucket_key_enabled: true
        })
    );
    let mut keyed = config();
    keyed.s3_kms_key_id = Some("arn:aws:kms:eu-west-1:111122223333:key/k1".into());
    keyed.overrides.set(
        "S3.17",
        "kmsKeyArns",
        "arn:aws:kms:eu-west-1:111122223333:key/k2",
    );
    assert!(matches!(
        plan("S3.17", &sse_s3, &keyed),
        Err(NotRemediable::CannotPlan { .. })
    ));
    keyed.s3_kms_key_id = None;
    assert_eq!(
        plan("S3.17", &sse_s3, &keyed).unwrap().describe(),
        "set default encryption of bucket b1 to SSE-KMS with key \
         arn:aws:kms:eu-west-1:111122223333:key/k2"
    );
}

fn account_item(kind: EvidenceKind, evidence: Value) -> ConfigurationItem {
    let mut item = ConfigurationItem::account("111122223333", "eu-west-1", true);
    item.insert_evidence(kind, evidence);
    item
}

#[test]
fn account_level_plans() {
    let pab = account_item(
        EvidenceKind::S3AccountPublicAccessBlock,
        json!({"present": true, "blockPublicAcls": true, "ignorePublicAcls": false,
               "blockPublicPolicy": true, "restrictPublicBuckets": true}),
    );
    assert_eq!(
        plan_on("S3.1", &pab),
        Ok(Plan::PutAccountPublicAccessBlock {
            account_id: "111122223333".into()
        })
    );
    let ebs = account_item(
        EvidenceKind::EbsEncryptionByDefault,
        json!({"ebsEncryptionByDefault": false}),
    );
    assert_eq!(
        plan_on("EC2.7", &ebs).unwrap().describe(),
        "turn on EBS encryption by default in eu-west-1"
    );
    let ebs_on = account_item(
        EvidenceKind::EbsEncryptionByDefault,
        json!({"ebsEncryptionByDefault": true}),
    );
    assert!(matches!(
        plan_on("EC2.7", &ebs_on),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));
    // No evidence: never a plan built on a guess.
    let bare = ConfigurationItem::account("111122223333", "eu-west-1", true);
    assert!(matches!(
        plan_on("EC2.7", &bare),
        Err(NotRemediable::CannotPlan { .. })
    ));
}

#[test]
fn password_policy_keeps_stronger_settings_and_satisfies_every_control() {
    let weak = json!({"present": true, "minimumPasswordLength": 20, "requireSymbols": false,
                      "requireNumbers": true, "requireUppercaseCharacters": false,
                      "requireLowercaseCharacters": true, "allowUsersToChangePassword": false,
                      "expirePasswords": true, "maxPasswordAge": 30,
                      "passwordReusePrevention": 5, "hardExpiry": true});
    let item = account_item(EvidenceKind::IamPasswordPolicy, weak);
    for id in ["IAM.7", "IAM.11", "IAM.13", "IAM.16"] {
        let Ok(Plan::UpdateAccountPasswordPolicy { policy }) = plan_on(id, &item) else {
            panic!("{id}: {:?}", plan_on(id, &item))
        };
        assert_eq!(policy.minimum_password_length, 20, "stronger length kept");
        assert_eq!(policy.max_password_age, Some(30), "shorter expiry kept");
        assert_eq!(policy.password_reuse_prevention, Some(24));
        assert!(policy.require_symbols && policy.require_uppercase_characters);
        assert!(!policy.allow_users_to_change_password && policy.hard_expiry);
    }
    let missing = account_item(EvidenceKind::IamPasswordPolicy, json!({"present": false}));
    let Ok(Plan::UpdateAccountPasswordPolicy { policy }) = plan_on("IAM.15", &missing) else {
        panic!()
    };
    assert_eq!(policy.minimum_password_length, 14);
    assert!(policy.allow_users_to_change_password && !policy.hard_expiry);
    // A configured policy that would still fail is not proposed.
    let mut lax = config();
    lax.password_policy.minimum_password_length = 8;
    assert!(matches!(
        plan("IAM.15", &missing, &lax),
        Err(NotRemediable::CannotPlan { .. })
    ));
}

#[test]
fn resource_setting_plans() {
    let instance = item(
        json!({"resourceType": "AWS::EC2::Instance", "resourceId": "i-1",
        "configuration": {"instanceId": "i-1", "state": {"name": "running"},
                          "metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled"}}}),
    );
    assert_eq!(
        plan_on("EC2.8", &instance),
        Ok(Plan::RequireImdsv2 {
            instance_id: "i-1".into()
        })
    );
    let trail = item(
        json!({"resourceType": "AWS::CloudTrail::Trail", "resourceId": "main",
        "configuration": {"name": "main", "trailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
                          "logFileValidationEnabled": false}}),
    );
    assert_eq!(
        plan_on("CloudTrail.4", &trail).unwrap().describe(),
        "enable log file validation on trail arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"
    );
    let db = |retention: i64, auto: bool, cluster: Option<&str>| {
        item(
            json!({"resourceType": "AWS::RDS::DBInstance", "resourceId": "db-ABCDEFGHIJ",
            "resourceName": "orders",
            "configuration": {"dBInstanceIdentifier": "orders", "engine": "postgres",
                              "backupRetentionPeriod": retention,
                              "autoMinorVersionUpgrade": auto,
                              "dBClusterIdentifier": cluster}}),
        )
    };
    let mut config = config();
    config
        .overrides
        .set("RDS.11", "backupRetentionMinimum", "14");
    assert_eq!(
        plan("RDS.11", &db(1, true, None), &config)
            .unwrap()
            .describe(),
        "set backup retention to 14 days on DB instance orders in the next maintenance window"
    );
    assert!(matches!(
        plan("RDS.11", &db(14, true, None), &config),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));
    assert_eq!(
        plan_on("RDS.13", &db(7, false, None)),
        Ok(Plan::ModifyDbInstance {
            db_instance_identifier: "orders".into(),
            backup_retention_period: None,
            auto_minor_version_upgrade: Some(true),
            apply_immediately: false,
        })
    );
}

#[test]
fn notify_only_controls_are_refused_with_their_reason() {
    let rds = item(
        json!({"resourceType": "AWS::RDS::DBInstance", "resourceId": "db-1",
        "configuration": {"dBInstanceIdentifier": "orders", "storageEncrypted": false}}),
    );
    let Err(NotRemediable::NotifyOnly { reason }) = plan_on("RDS.3", &rds) else {
        panic!()
    };
    assert!(reason.contains("encryption cannot be turned on"));
    for id in [
        "IAM.1",
        "IAM.3",
        "IAM.5",
        "IAM.19",
        "EC2.9",
        "Lambda.X1",
        "S3.2",
        "S3.3",
        "RDS.2",
    ] {
        assert!(
            matches!(remediability(id), Remediability::NotifyOnly(_)),
            "{id}"
        );
    }
    let Remediability::NotifyOnly(s3_2) = remediability("S3.2") else {
        unreachable!()
    };
    assert!(s3_2.contains("S3.8") && s3_2.contains("S3.1"));
}

#[test]
fn every_catalog_control_declares_its_remediation() {
    assert_eq!(remediation_table().len(), catalog().len());
    // The automatic ones are exactly those the brief lists.
    let automatic: Vec<&str> = remediation_table()
        .into_iter()
        .filter(|(_, r)| matches!(r, Remediability::Automatic(_)))
        .map(|(c, _)| c.id)
        .collect();
    assert_eq!(
        automatic,
        [
            "CloudTrail.4",
            "EC2.2",
            "EC2.7",
            "EC2.8",
            "EC2.13",
            "EC2.14",
            "EC2.19",
            "EC2.53",
            "EC2.54",
            "IAM.7",
            "IAM.11",
            "IAM.12",
            "IAM.13",
            "IAM.14",
            "IAM.15",
            "IAM.16",
            "IAM.17",
            "KMS.4",
            "RDS.11",
            "RDS.13",
            "S3.1",
            "S3.5",
            "S3.8",
            "S3.14",
            "S3.17",
        ]
    );
    for (control, remediability) in remediation_table() {
        let text = match remediability {
            Remediability::Automatic(text) | Remediability::NotifyOnly(text) => text,
        };
        assert!(!text.trim().is_empty(), "{}", control.id);
    }
    assert!(matches!(
        remediability("S3.404"),
        Remediability::NotifyOnly(why) if why.contains("no automatic remediation")
    ));
}

#[test]
fn key_rotation_plan_and_idempotency() {
    let key = |enabled: bool| {
        let mut item = item(json!({"resourceType": "AWS::KMS::Key", "resourceId": "k-1",
            "configuration": {"keyId": "k-1", "keyManager": "CUSTOMER",
                              "keySpec": "SYMMETRIC_DEFAULT", "keyState": "Enabled"}}));
        item.insert_evidence(
            EvidenceKind::KmsKeyRotation,
            json!({"keyRotationEnabled": enabled}),
        );
        item
    };
    assert_eq!(
        plan_on("KMS.4", &key(false)),
        Ok(Plan::EnableKeyRotation {
            key_id: "k-1".into()
        })
    );
    assert!(matches!(
        plan_on("KMS.4", &key(true)),
        Err(NotRemediable::AlreadyCompliant { .. })
    ));
}
