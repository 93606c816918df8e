//! IAM users, customer managed policies and roles: listed once per account (`awsRegion` global)
//! from GetAccountAuthorizationDetails.

use crate::support::*;

const ADMIN_V1: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:Get*", "logs:Describe*"], "Resource": "*"}]}"#;
const ADMIN_V2: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadLogs", "Effect": "Allow", "Action": ["logs:Get*", "logs:Describe*"], "Resource": "*"}, {"Sid": "BreakGlass", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const SCOPED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::example-reports/*"}]}"#;
const UPLOAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-reports/*"}]}"#;
const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

#[tokio::test(flavor = "multi_thread")]
async fn iam_items_are_global_and_get_the_same_verdicts() {
    let env = Env::start_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]).await;
    let iam = &env.clients.iam;

    // A customer managed policy whose default version allows * on * (IAM.1 fails) and a scoped one.
    let admin = iam
        .create_policy()
        .policy_name("ops-break-glass")
        .policy_document(ADMIN_V1)
        .send()
        .await
        .unwrap();
    let admin_arn = admin.policy().unwrap().arn().unwrap().to_owned();
    iam.create_policy_version()
        .policy_arn(&admin_arn)
        .policy_document(ADMIN_V2)
        .set_as_default(true)
        .send()
        .await
        .unwrap();
    let scoped = iam
        .create_policy()
        .policy_name("reports-read")
        .policy_document(SCOPED)
        .send()
        .await
        .unwrap();
    let scoped_arn = scoped.policy().unwrap().arn().unwrap().to_owned();

    // A user with an inline and a managed policy (IAM.2 fails); a user with group permissions.
    iam.create_user()
        .user_name("report-uploader")
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("report-uploader")
        .policy_name("upload-reports")
        .policy_document(UPLOAD)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("report-uploader")
        .policy_arn(&admin_arn)
        .send()
        .await
        .unwrap();
    iam.create_group()
        .group_name("developers")
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("developers")
        .policy_arn(&scoped_arn)
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("dana").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("developers")
        .user_name("dana")
        .send()
        .await
        .unwrap();

    // Roles: one with AWSCloudShellFullAccess (IAM.27 fails), one with scoped policies.
    for role in ["ops-console", "app-server"] {
        iam.create_role()
            .role_name(role)
            .assume_role_policy_document(TRUST)
            .send()
            .await
            .unwrap();
    }
    iam.attach_role_policy()
        .role_name("ops-console")
        .policy_arn("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("app-server")
        .policy_arn(&scoped_arn)
        .send()
        .await
        .unwrap();

    let (items, report) = env
        .collect(&["AWS::IAM::User", "AWS::IAM::Policy", "AWS::IAM::Role"])
        .await;
    assert!(report.is_complete(), "{:?}", report.failures);
    assert!(items.iter().all(|i| i.region.as_deref() == Some("global")));
    // Customer managed policies only, as Config records them.
    let policies: Vec<_> = items
        .iter()
        .filter(|i| i.resource_type == "AWS::IAM::Policy")
        .collect();
    assert_eq!(policies.len(), 2, "{policies:#?}");

    let breakglass = find(&items, "AWS::IAM::Policy", "ops-break-glass");
    // Config's resource id of a managed policy is its policy id.
    assert_eq!(
        Some(breakglass.resource_id.as_str()),
        admin.policy().unwrap().policy_id()
    );
    assert_eq!(breakglass.arn.as_deref(), Some(admin_arn.as_str()));
    assert_eq!(breakglass.config_str("/defaultVersionId"), Some("v2"));
    assert_eq!(breakglass.config_i64("/attachmentCount"), Some(1));
    let uploader = find(&items, "AWS::IAM::User", "report-uploader");
    assert_eq!(
        uploader.config_str("/userPolicyList/0/policyName"),
        Some("upload-reports")
    );
    let dana = find(&items, "AWS::IAM::User", "dana");
    assert_eq!(dana.config_str("/groupList/0"), Some("developers"));

    assert_verdict(breakglass, "IAM.1", "NON_COMPLIANT");
    assert_nothing_fails(find(&items, "AWS::IAM::Policy", "reports-read"));
    assert_verdict(uploader, "IAM.2", "NON_COMPLIANT");
    assert_verdict(dana, "IAM.2", "COMPLIANT");
    let console = find(&items, "AWS::IAM::Role", "ops-console");
    assert_verdict(console, "IAM.27", "NON_COMPLIANT");
    assert_nothing_fails(find(&items, "AWS::IAM::Role", "app-server"));

    assert_same_verdicts(
        breakglass,
        "iam/fixtures/IAM.1/fail-allow-star-on-star.json",
    );
    assert_same_verdicts(
        uploader,
        "iam/fixtures/IAM.2/fail-inline-and-managed-policies.json",
    );
    assert_same_verdicts(dana, "iam/fixtures/IAM.2/pass-permissions-from-groups.json");
    assert_same_verdicts(
        console,
        "iam/fixtures/IAM.27/fail-role-with-cloudshell-full-access.json",
    );
    assert_same_verdicts(
        find(&items, "AWS::IAM::Role", "app-server"),
        "iam/fixtures/IAM.27/pass-role-with-scoped-policies.json",
    );
}
