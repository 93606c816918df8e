//! The guards on the checked-in Security Hub events (`tests/fixtures/events/securityhub/`).

use super::*;
use serde_json::json;
use std::path::Path;

const ACCOUNT: &str = "111122223333";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/events/securityhub")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> RemediationConfig {
    let mut config = RemediationConfig::new(ACCOUNT);
    config.allow_list = vec!["EC2".into(), "S3.5".into()];
    config.region = Some("eu-west-1".into());
    config
}

fn one(name: &str, config: &RemediationConfig) -> Decision {
    let mut decisions = decide_event(&fixture(name), config);
    assert_eq!(decisions.len(), 1, "{name}");
    decisions.remove(0)
}

fn first_finding(name: &str) -> (EventFinding, Trigger) {
    let event = SecurityHubEvent::from_json_str(&fixture(name)).unwrap();
    let finding = event.findings[0].clone().unwrap();
    (finding, event.trigger)
}

#[test]
fn a_new_failed_finding_of_sidewatch_is_acted_on() {
    let decision = one("imported-ec2-13-new.json", &config());
    let Decision::Act {
        control,
        resource_id,
        resource_type,
        mode,
    } = decision
    else {
        panic!("{decision:?}")
    };
    assert_eq!(control.id, "EC2.13");
    assert_eq!(resource_id, "sg-0123456789abcdef0");
    assert_eq!(resource_type, "AWS::EC2::SecurityGroup");
    assert_eq!(mode, Mode::DryRun);
    assert!(matches!(
        one("imported-s3-5-new.json", &config()),
        Decision::Act { .. }
    ));
}

#[test]
fn a_person_may_act_on_a_notified_finding_but_automation_may_not() {
    assert!(matches!(
        one("custom-action-ec2-13-notified.json", &config()),
        Decision::Act { .. }
    ));
    assert_eq!(
        one("refuse-notified-imported.json", &config()).skip_code(),
        Some(SkipCode::WorkflowNotNew)
    );
}

#[test]
fn refused_events() {
    let base = config();
    let mut not_listed = config();
    not_listed.allow_list = vec!["S3".into(), "EC2.14".into()];
    let mut off = config();
    off.mode = Mode::Off;
    let mut other_region = config();
    other_region.region = Some("us-east-1".into());
    let mut other_partition = config();
    other_partition.partition = "aws-cn".into();
    let table: &[(&str, &RemediationConfig, SkipCode)] = &[
        ("refuse-other-account.json", &base, SkipCode::OtherAccount),
        (
            "refuse-other-product-guardduty.json",
            &base,
            SkipCode::ForeignProduct,
        ),
        (
            "refuse-forged-generator.json",
            &base,
            SkipCode::ForgedGenerator,
        ),
        ("refuse-passed.json", &base, SkipCode::NotFailed),
        ("refuse-archived.json", &base, SkipCode::Archived),
        (
            "refuse-resolved-workflow-custom-action.json",
            &base,
            SkipCode::WorkflowClosed,
        ),
        (
            "refuse-suppressed-workflow-custom-action.json",
            &base,
            SkipCode::WorkflowClosed,
        ),
        (
            "refuse-notified-imported.json",
            &base,
            SkipCode::WorkflowNotNew,
        ),
        ("refuse-exempt-tag.json", &base, SkipCode::Exempt),
        ("refuse-excepted.json", &base, SkipCode::Excepted),
        (
            "imported-ec2-13-new.json",
            &not_listed,
            SkipCode::NotAllowListed,
        ),
        ("imported-ec2-13-new.json", &off, SkipCode::ModeOff),
        (
            "imported-ec2-13-new.json",
            &other_region,
            SkipCode::OtherRegion,
        ),
        (
            "imported-ec2-13-new.json",
            &other_partition,
            SkipCode::ForeignProduct,
        ),
        (
            "refuse-malformed-not-json.json",
            &base,
            SkipCode::MalformedEvent,
        ),
        (
            "refuse-malformed-no-detail.json",
            &base,
            SkipCode::MalformedEvent,
        ),
    ];
    assert!(table.len() >= 12);
    for (name, config, expected) in table {
        let decision = one(name, config);
        assert_eq!(
            decision.skip_code(),
            Some(*expected),
            "{name}: {decision:?}"
        );
        let Decision::Skip { reason, .. } = &decision else {
            unreachable!()
        };
        assert!(!reason.is_empty(), "{name}");
    }
}

#[test]
fn already_fixed_and_gone_resources_are_refused_by_the_live_check() {
    let config = config();
    let act = one("imported-ec2-13-new.json", &config);
    let tags = BTreeMap::new();
    let fixed = Verdict::pass("no inbound rule allows tcp traffic from 0.0.0.0/0 or ::/0");
    let still = Verdict::fail("ingress tcp 22 from 0.0.0.0/0 in permission #1");
    let cases = [
        (Live::Gone, Some(SkipCode::ResourceGone)),
        (
            Live::Present {
                tags: &tags,
                verdict: &fixed,
            },
            Some(SkipCode::AlreadyCompliant),
        ),
        (
            Live::Present {
                tags: &tags,
                verdict: &Verdict::not_applicable("deleted"),
            },
            Some(SkipCode::NotApplicable),
        ),
        (
            Live::Present {
                tags: &tags,
                verdict: &Verdict::insufficient("no ipPermissions"),
            },
            Some(SkipCode::LiveDataInsufficient),
        ),
        (
            Live::Present {
                tags: &tags,
                verdict: &still,
            },
            None,
        ),
    ];
    for (live, expected) in cases {
        assert_eq!(
            confirm(act.clone(), live, &config).skip_code(),
            expected,
            "{live:?}"
        );
    }
    // A tag added after the finding was produced still wins.
    let exempt: BTreeMap<String, String> =
        [("sidewatch:exempt".to_owned(), "all".to_owned())].into();
    let live = Live::Present {
        tags: &exempt,
        verdict: &still,
    };
    assert_eq!(
        confirm(act, live, &config).skip_code(),
        Some(SkipCode::Exempt)
    );
    // A skip stays a skip.
    let skip = one("refuse-passed.json", &config);
    assert_eq!(confirm(skip.clone(), live, &config), skip);
}

#[test]
fn the_first_failing_guard_is_reported() {
    let (finding, trigger) = first_finding("imported-ec2-13-new.json");
    let tags = BTreeMap::new();
    let mut off_not_listed = config();
    off_not_listed.mode = Mode::Off;
    off_not_listed.allow_list.clear();
    assert_eq!(
        decide(&finding, &trigger, &off_not_listed, &tags).skip_code(),
        Some(SkipCode::NotAllowListed)
    );
    // Another account's PASSED finding: provenance comes before state.
    let (mut other, trigger) = first_finding("refuse-other-account.json");
    other.compliance = Some(super::super::event::EventCompliance {
        status: Some("PASSED".into()),
        security_control_id: None,
    });
    assert_eq!(
        decide(&other, &trigger, &config(), &tags).skip_code(),
        Some(SkipCode::OtherAccount)
    );
    // Archived and exempt: state comes before the tag.
    let (mut archived, trigger) = first_finding("refuse-exempt-tag.json");
    archived.record_state = Some("ARCHIVED".into());
    assert_eq!(
        decide(&archived, &trigger, &config(), &archived.resource_tags()).skip_code(),
        Some(SkipCode::Archived)
    );
    // Mode off and exempt: the mode comes first.
    let (exempt, trigger) = first_finding("refuse-exempt-tag.json");
    let mut off = config();
    off.mode = Mode::Off;
    assert_eq!(
        decide(&exempt, &trigger, &off, &exempt.resource_tags()).skip_code(),
        Some(SkipCode::ModeOff)
    );
}

#[test]
fn forged_or_inconsistent_findings_are_refused() {
    let (finding, trigger) = first_finding("imported-ec2-13-new.json");
    let tags = BTreeMap::new();
    let check = |f: &EventFinding| decide(f, &trigger, &config(), &tags).skip_code();

    let mut foreign_generator = finding.clone();
    foreign_generator.generator_id = Some("my-scanner/ssh".into());
    assert_eq!(check(&foreign_generator), Some(SkipCode::ForgedGenerator));

    let mut other_control = finding.clone();
    other_control
        .product_fields
        .insert("sidewatch/ControlId".into(), "EC2.19".into());
    assert_eq!(check(&other_control), Some(SkipCode::InconsistentFinding));

    let mut moved = finding.clone();
    moved
        .product_fields
        .insert("sidewatch/ResourceId".into(), "sg-0fffffffffffffff0".into());
    assert_eq!(check(&moved), Some(SkipCode::InconsistentFinding));

    let mut wrong_type = finding.clone();
    wrong_type
        .product_fields
        .insert("sidewatch/ResourceType".into(), "AWS::S3::Bucket".into());
    assert_eq!(check(&wrong_type), Some(SkipCode::InconsistentFinding));

    let mut product_of_other = finding.clone();
    product_of_other.product_arn =
        Some("arn:aws:securityhub:eu-west-1:111122223333:product/444455556666/default".into());
    assert_eq!(check(&product_of_other), Some(SkipCode::ForeignProduct));

    let mut no_workflow = finding.clone();
    no_workflow.workflow = None;
    no_workflow.workflow_state = None;
    assert_eq!(check(&no_workflow), Some(SkipCode::MalformedFinding));

    let mut no_resource = finding;
    no_resource.product_fields.remove("sidewatch/ResourceId");
    assert_eq!(check(&no_resource), Some(SkipCode::MalformedFinding));
}

#[test]
fn unreadable_findings_and_empty_events_are_skipped() {
    let text = json!({"version": "0", "detail-type": "Security Hub Findings - Imported",
                      "source": "aws.securityhub", "account": ACCOUNT, "region": "eu-west-1",
                      "detail": {"findings": [42]}})
    .to_string();
    assert_eq!(
        decide_event(&text, &config())[0].skip_code(),
        Some(SkipCode::MalformedFinding)
    );
    let empty = text.replace("[42]", "[]");
    assert_eq!(
        decide_event(&empty, &config())[0].skip_code(),
        Some(SkipCode::MalformedEvent)
    );
}

#[test]
fn notify_only_controls_are_skipped_with_the_reason() {
    let (mut finding, trigger) = first_finding("imported-ec2-13-new.json");
    let id = sidewatch_core::finding::finding_id(
        "aws",
        ACCOUNT,
        "eu-west-1",
        "EC2.9",
        "i-0123456789abcdef0",
    );
    finding.id = Some(id);
    finding.generator_id = Some("sidewatch/EC2.9".into());
    finding.compliance = None;
    for (k, v) in [
        ("sidewatch/ControlId", "EC2.9"),
        ("sidewatch/ResourceType", "AWS::EC2::Instance"),
        ("sidewatch/ResourceId", "i-0123456789abcdef0"),
    ] {
        finding.product_fields.insert(k.into(), v.into());
    }
    finding.resources[0].id =
        Some("arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0".into());
    // A finding without Compliance is not FAILED.
    assert_eq!(
        decide(&finding, &trigger, &config(), &BTreeMap::new()).skip_code(),
        Some(SkipCode::NotFailed)
    );
    finding.compliance = Some(super::super::event::EventCompliance {
        status: Some("FAILED".into()),
        security_control_id: Some("EC2.9".into()),
    });
    let decision = decide(&finding, &trigger, &config(), &BTreeMap::new());
    assert_eq!(
        decision.skip_code(),
        Some(SkipCode::NotifyOnly),
        "{decision:?}"
    );
}

#[test]
fn exemption_tags_list_controls_or_all() {
    let tags = |v: &str| -> BTreeMap<String, String> {
        [("sidewatch:exempt".to_owned(), v.to_owned())].into()
    };
    let key = "sidewatch:exempt";
    assert!(exemption(&tags("EC2.19, ec2.13"), key, "EC2.13").is_some());
    assert!(exemption(&tags("ALL"), key, "S3.5").is_some());
    assert!(exemption(&tags("S3.5 S3.8"), key, "S3.8").is_some());
    assert!(exemption(&tags("EC2.19"), key, "EC2.13").is_none());
    assert!(exemption(&tags("EC2.130"), key, "EC2.13").is_none());
    assert!(exemption(&tags("all"), "other:key", "EC2.13").is_none());
    assert!(exemption(&BTreeMap::new(), key, "EC2.13").is_none());
}

/// `imported-ec2-13-new.json`'s finding with `Resources[0].Id` replaced.
fn naming(resource_id: &str) -> EventFinding {
    let (mut finding, _) = first_finding("imported-ec2-13-new.json");
    finding.resources[0].id = Some(resource_id.to_owned());
    finding
}

fn decide_one(finding: &EventFinding) -> Decision {
    decide(finding, &Trigger::Imported, &config(), &BTreeMap::new())
}

#[test]
fn a_resource_arn_of_another_account_region_partition_or_resource_is_inconsistent() {
    const SG: &str = "sg-0123456789abcdef0";
    for (case, id) in [
        (
            "another account",
            format!("arn:aws:ec2:eu-west-1:444455556666:security-group/{SG}"),
        ),
        (
            "another Region",
            format!("arn:aws:ec2:us-east-1:111122223333:security-group/{SG}"),
        ),
        (
            "another partition",
            format!("arn:aws-cn:ec2:eu-west-1:111122223333:security-group/{SG}"),
        ),
        (
            "another resource id",
            "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0fffffffffffffff0".to_owned(),
        ),
        (
            "an id that only ends like it",
            format!("arn:aws:ec2:eu-west-1:111122223333:security-group/x{SG}"),
        ),
        (
            "another kind of resource",
            format!("arn:aws:ec2:eu-west-1:111122223333:instance/{SG}"),
        ),
        (
            "another service",
            format!("arn:aws:rds:eu-west-1:111122223333:security-group/{SG}"),
        ),
        (
            "no account where EC2 always has one",
            format!("arn:aws:ec2:eu-west-1::security-group/{SG}"),
        ),
        (
            "no Region where EC2 always has one",
            format!("arn:aws:ec2::111122223333:security-group/{SG}"),
        ),
        (
            "a malformed ARN: five fields",
            "arn:aws:ec2:eu-west-1:111122223333".to_owned(),
        ),
        (
            "a malformed ARN: no partition",
            format!("arn::ec2:eu-west-1:111122223333:security-group/{SG}"),
        ),
        ("another bare id", "sg-0fffffffffffffff0".to_owned()),
        (
            "the account form for a security group",
            "AWS::::Account:111122223333".to_owned(),
        ),
    ] {
        let decision = decide_one(&naming(&id));
        assert_eq!(
            decision.skip_code(),
            Some(SkipCode::InconsistentFinding),
            "{case}: {decision:?}"
        );
        let Decision::Skip { reason, .. } = &decision else {
            unreachable!()
        };
        assert!(reason.contains("Resources[0]"), "{case}: {reason}");
    }
}

#[test]
fn the_resources_partition_and_region_fields_and_the_findings_region_must_agree() {
    let (finding, _) = first_finding("imported-ec2-13-new.json");
    let mut other_partition = finding.clone();
    other_partition.resources[0].partition = Some("aws-us-gov".into());
    assert_eq!(
        decide_one(&other_partition).skip_code(),
        Some(SkipCode::InconsistentFinding)
    );
    let mut other_region = finding.clone();
    other_region.resources[0].region = Some("us-east-1".into());
    assert_eq!(
        decide_one(&other_region).skip_code(),
        Some(SkipCode::InconsistentFinding)
    );
    // The finding's own Region field: another Region than the function's.
    let mut region_field = finding.clone();
    region_field.region = Some("us-east-1".into());
    assert_eq!(
        decide_one(&region_field).skip_code(),
        Some(SkipCode::OtherRegion)
    );
    // Without a Region configured, it must still be the ProductArn's.
    let mut unset = config();
    unset.region = None;
    assert_eq!(
        decide(&region_field, &Trigger::Imported, &unset, &BTreeMap::new()).skip_code(),
        Some(SkipCode::InconsistentFinding)
    );
    let mut no_resources = finding;
    no_resources.resources.clear();
    assert_eq!(
        decide_one(&no_resources).skip_code(),
        Some(SkipCode::MalformedFinding)
    );
}

#[test]
fn a_bare_id_takes_its_account_and_region_from_the_finding() {
    let mut bare = naming("sg-0123456789abcdef0");
    assert!(
        matches!(decide_one(&bare), Decision::Act { .. }),
        "{:?}",
        decide_one(&bare)
    );
    bare.resources[0].region = None;
    bare.resources[0].partition = None;
    assert!(matches!(decide_one(&bare), Decision::Act { .. }));
    // The finding is still this account's and Region's: the bare id does not lift those guards.
    let mut elsewhere = bare;
    elsewhere.region = Some("us-east-1".into());
    assert_eq!(
        decide_one(&elsewhere).skip_code(),
        Some(SkipCode::OtherRegion)
    );
}

#[test]
fn arns_without_region_or_account_pass_where_the_service_has_none() {
    // S3: arn:aws:s3:::bucket, neither Region nor account.
    let (bucket, trigger) = first_finding("imported-s3-5-new.json");
    let act = |f: &EventFinding| decide(f, &trigger, &config(), &BTreeMap::new());
    assert!(
        matches!(act(&bucket), Decision::Act { .. }),
        "{:?}",
        act(&bucket)
    );
    // Present and the finding's: fine; present and another: not.
    for (id, expected) in [
        (
            "arn:aws:s3:eu-west-1:111122223333:example-logs-bucket",
            None,
        ),
        (
            "arn:aws:s3:::other-bucket",
            Some(SkipCode::InconsistentFinding),
        ),
        (
            "arn:aws:s3::444455556666:example-logs-bucket",
            Some(SkipCode::InconsistentFinding),
        ),
        (
            "arn:aws:s3:us-east-1::example-logs-bucket",
            Some(SkipCode::InconsistentFinding),
        ),
        (
            "arn:aws-cn:s3:::example-logs-bucket",
            Some(SkipCode::InconsistentFinding),
        ),
        (
            "arn:aws:s3:::example-logs-bucket/key",
            Some(SkipCode::InconsistentFinding),
        ),
    ] {
        let mut f = bucket.clone();
        f.resources[0].id = Some(id.into());
        assert_eq!(act(&f).skip_code(), expected, "{id}: {:?}", act(&f));
    }

    // IAM: arn:aws:iam::<account>:user/…, no Region; the Config id (AIDA…) is not in the ARN.
    let user_id = "AIDAEXAMPLEUSERID0001";
    let iam = |arn: &str| {
        let (mut f, _) = first_finding("imported-ec2-13-new.json");
        f.id = Some(sidewatch_core::finding::finding_id(
            "aws",
            ACCOUNT,
            "eu-west-1",
            "IAM.5",
            user_id,
        ));
        f.generator_id = Some("sidewatch/IAM.5".into());
        f.compliance = None;
        for (k, v) in [
            ("sidewatch/ControlId", "IAM.5"),
            ("sidewatch/ResourceType", "AWS::IAM::User"),
            ("sidewatch/ResourceId", user_id),
        ] {
            f.product_fields.insert(k.into(), v.into());
        }
        f.compliance = Some(super::super::event::EventCompliance {
            status: Some("FAILED".into()),
            security_control_id: Some("IAM.5".into()),
        });
        f.resources[0].id = Some(arn.into());
        let mut config = config();
        config.allow_list = vec!["*".into()];
        decide(&f, &Trigger::Imported, &config, &BTreeMap::new()).skip_code()
    };
    // Past the provenance guard, IAM.5 is refused only for having no automatic fix.
    assert_eq!(
        iam("arn:aws:iam::111122223333:user/ops/alice"),
        Some(SkipCode::NotifyOnly)
    );
    for arn in [
        "arn:aws:iam::444455556666:user/ops/alice",
        "arn:aws:iam:us-east-1:111122223333:user/ops/alice",
        "arn:aws:iam:::user/ops/alice",
        "arn:aws:iam::111122223333:role/ops/alice",
        "arn:aws-us-gov:iam::111122223333:user/ops/alice",
    ] {
        assert_eq!(iam(arn), Some(SkipCode::InconsistentFinding), "{arn}");
    }
}

/// Every finding sidewatch builds passes the resource check, whatever the resource type of the
/// catalog, with an ARN recorded or not.
#[test]
fn sidewatch_findings_of_every_resource_type_name_their_resource() {
    use sidewatch_core::finding::{FindingBuilder, FindingContext, Source};
    use sidewatch_core::item::ConfigurationItem;
    let builder = FindingBuilder::new(FindingContext {
        account_override: None,
        region_override: None,
        source: Source::ConfigRule,
        now: time::macros::datetime!(2026-06-01 10:00 UTC),
    });
    let mut checked = 0;
    for control in sidewatch_core::controls::catalog() {
        for resource_type in control.resource_types {
            let id = if *resource_type == sidewatch_core::item::ACCOUNT_RESOURCE_TYPE {
                ACCOUNT
            } else {
                "resource-1"
            };
            let recorded = match *resource_type {
                "AWS::IAM::User" => Some("arn:aws:iam::111122223333:user/ops/alice"),
                "AWS::IAM::Role" => Some("arn:aws:iam::111122223333:role/service-role/r"),
                "AWS::IAM::Group" => Some("arn:aws:iam::111122223333:group/admins"),
                "AWS::IAM::Policy" => Some("arn:aws:iam::111122223333:policy/team/p"),
                "AWS::RDS::DBInstance" => Some("arn:aws:rds:eu-west-1:111122223333:db:orders"),
                "AWS::Lambda::Function" => {
                    Some("arn:aws:lambda:eu-west-1:111122223333:function:resource-1")
                }
                "AWS::CloudTrail::Trail" => {
                    Some("arn:aws:cloudtrail:eu-west-1:111122223333:trail/resource-1")
                }
                _ => None,
            };
            let arns = if recorded.is_some() {
                vec![None, recorded]
            } else {
                vec![None]
            };
            for arn in arns {
                let mut item = ConfigurationItem::new(*resource_type, id);
                item.account_id = Some(ACCOUNT.into());
                item.region = Some("eu-west-1".into());
                item.arn = arn.map(str::to_owned);
                let finding = builder
                    .build(
                        &item,
                        &sidewatch_core::engine::Evaluation {
                            control,
                            verdict: Verdict::fail("seeded"),
                        },
                    )
                    .unwrap();
                let mut value = serde_json::to_value(&finding).unwrap();
                value["Region"] = json!("eu-west-1");
                let event_finding = EventFinding::from_value(&value).unwrap();
                let provenance = provenance(&event_finding, &config());
                assert!(
                    provenance.is_ok(),
                    "{} {resource_type} {arn:?}: {:?}",
                    control.id,
                    provenance.err()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked}");
}

#[test]
fn every_arn_resource_type_of_the_catalog_has_a_shape() {
    for control in sidewatch_core::controls::catalog() {
        for resource_type in control.resource_types {
            assert!(
                *resource_type == sidewatch_core::item::ACCOUNT_RESOURCE_TYPE
                    || ArnShape::of(resource_type).is_some(),
                "{}: {resource_type}",
                control.id
            );
        }
    }
}

#[test]
fn every_skip_code_is_listed_once_with_its_guard_and_when() {
    let mut seen = std::collections::BTreeSet::new();
    for code in SkipCode::ALL {
        assert!(seen.insert(code.as_str()), "{code} twice");
        assert!(!code.when().is_empty() && !code.guard().is_empty());
    }
    assert_eq!(seen.len(), 20, "a new SkipCode belongs in SkipCode::ALL");
}
