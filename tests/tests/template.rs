//! `template.yaml` against the code: every function crate is deployed, every door the code handles
//! is wired (the CloudTrail rule's pattern is `event_pattern()`), the Config rules are generated
//! from the catalog, and the IAM roles grant what the code calls and nothing it does not: no `*`
//! action, no write on `*` where AWS has a resource type, evaluators read-only, remediation writes
//! only in apply mode for the allowed controls.
//!
//! With `SIDEWATCH_BLESS=1` the generated blocks of the template are rewritten instead of checked.

use serde_json::{Value, json};
use sidewatch_core::doors::{cloudtrail, config_rule, eventbridge};
use sidewatch_core::finding::ComplianceStatus;
use sidewatch_core::finding::ocsf::{Activity, compliance_status};
use sidewatch_core::{ACCOUNT_RESOURCE_TYPE, EvidenceKind, catalog};
use sidewatch_remediation::event::{
    FINDINGS_CUSTOM_ACTION, FINDINGS_IMPORTED, FINDINGS_IMPORTED_V2, SOURCE,
};
use sidewatch_tests::template::{
    Deployment, allowed_actions, load, logical, regenerate, remediable, repo_root, resources,
    scope_types, services, string_list,
};
use std::collections::{BTreeMap, BTreeSet};

fn template() -> Value {
    load(&repo_root().join("template.yaml")).expect("template.yaml parses")
}

/// The functions and the roles they run with.
const EVALUATORS: [&str; 3] = ["ConfigRuleFunction", "EventsFunction", "SweepFunction"];
const REMEDIATE: &str = "RemediateFunction";
/// Function binaries whose crate is being written on another branch (the template deploys them;
/// `.ci/run` passes the same list to infra/check-template.sh as SIDEWATCH_PENDING_FUNCTIONS).
const PENDING: [&str; 1] = ["sidewatch-remediate"];

/// Deployments every IAM check runs on: the defaults, everything on, everything off.
fn deployments(template: &Value) -> Vec<(String, Deployment<'_>)> {
    let sets: [&[(&str, &str)]; 4] = [
        &[],
        &[
            ("RemediationMode", "apply"),
            ("RemediationControls", "*"),
            ("AuditBucket", "audit-bucket"),
            ("CreateNotificationTopic", "true"),
            ("NotifyFailedFindings", "true"),
        ],
        &[
            ("ConfigRuleGranularity", "per-control"),
            ("RemediationMode", "off"),
            ("RulesUri", "s3://team-rules/sidewatch/"),
        ],
        &[
            ("ConfigRuleGranularity", "none"),
            ("ReserveConcurrency", "false"),
        ],
    ];
    sets.iter()
        .map(|set| (format!("{set:?}"), Deployment::new(template, set)))
        .collect()
}

#[test]
fn generated_blocks_are_up_to_date_with_the_catalog() {
    let path = repo_root().join("template.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = regenerate(&text).unwrap();
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    assert!(
        text == expected,
        "template.yaml's generated Config rules are out of date with the catalog; regenerate them \
         with\n  SIDEWATCH_BLESS=1 cargo test -p sidewatch-tests --test template"
    );
}

/// The package name of a crate's Cargo.toml.
fn package_name(manifest: &str) -> Option<String> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| {
            l.trim()
                .strip_prefix("name = ")
                .map(|n| n.trim_matches('"').to_owned())
        })
}

fn template_binaries(template: &Value) -> BTreeMap<String, String> {
    resources(template)
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        .map(|(id, r)| {
            assert_eq!(r["Metadata"]["BuildMethod"], "rust-cargolambda", "{id}");
            assert_eq!(
                r["Properties"]["CodeUri"], ".",
                "{id} builds from the workspace"
            );
            let binary = r["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap_or_else(|| panic!("{id} names no Binary"));
            (binary.to_owned(), id.clone())
        })
        .collect()
}

#[test]
fn every_function_crate_is_a_template_function_and_back() {
    let template = template();
    let binaries = template_binaries(&template);
    let dir = repo_root().join("functions");
    let mut crates = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            let name = package_name(&text).expect("a [package] name");
            assert!(
                binaries.contains_key(&name),
                "{} is not deployed by template.yaml (no function with Binary {name})",
                manifest.display()
            );
            crates.insert(name);
        }
    }
    for (binary, id) in &binaries {
        assert!(
            crates.contains(binary) || PENDING.contains(&binary.as_str()),
            "{id} builds {binary}, which no crate under functions/ is"
        );
    }
    for (id, r) in resources(&template) {
        if r["Type"] == "AWS::Serverless::Function" {
            let globals = &template["Globals"]["Function"];
            assert_eq!(globals["Runtime"], "provided.al2023");
            assert_eq!(globals["Handler"], "bootstrap");
            assert_eq!(
                r["Properties"]["LoggingConfig"]["LogFormat"], "JSON",
                "{id}"
            );
        }
    }
}

/// The EventBridge rules (SAM `EventBridgeRule` / `Schedule` events) of a function that exist in
/// `deployment`, by event name.
fn function_events(deployment: &Deployment<'_>, function: &str) -> BTreeMap<String, Value> {
    let resource = deployment
        .resources()
        .remove(function)
        .unwrap_or_else(|| panic!("{function} does not exist"));
    resource["Properties"]["Events"]
        .as_object()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect()
}

#[test]
fn the_cloudtrail_rule_pattern_is_the_codes() {
    let template = template();
    let deployment = Deployment::new(&template, &[]);
    let events = function_events(&deployment, "EventsFunction");
    let rule = &events["CloudTrailApiCalls"];
    assert_eq!(rule["Type"], "EventBridgeRule");
    assert_eq!(
        rule["Properties"]["Pattern"],
        cloudtrail::event_pattern(),
        "the template's CloudTrail pattern differs from sidewatch_core::doors::cloudtrail::event_pattern(), which is\n{}",
        cloudtrail::event_pattern()
    );
}

#[test]
fn eventbridge_doors_are_wired_to_their_functions() {
    let template = template();
    // Config item changes and the account schedule reach the events function when no Config rule
    // does (explicit rules: SAM events take no Condition).
    let none = Deployment::new(&template, &[("ConfigRuleGranularity", "none")]);
    let rules = none.resources_of_type("AWS::Events::Rule");
    let events_arn = none.arn_of("EventsFunction", "AWS::Serverless::Function");
    for id in ["ConfigItemChangesRule", "AccountScheduleRule"] {
        assert_eq!(
            rules[id]["Properties"]["Targets"][0]["Arn"],
            events_arn.as_str(),
            "{id}"
        );
    }
    let config = &rules["ConfigItemChangesRule"]["Properties"]["EventPattern"];
    assert_eq!(config["source"], json!(["aws.config"]));
    assert_eq!(
        config["detail-type"],
        json!([eventbridge::CONFIG_ITEM_CHANGE])
    );
    assert_eq!(
        config["detail"]["messageType"],
        json!([
            config_rule::CONFIGURATION_ITEM_CHANGE,
            config_rule::OVERSIZED_CONFIGURATION_ITEM_CHANGE
        ])
    );
    assert!(rules["AccountScheduleRule"]["Properties"]["ScheduleExpression"].is_string());
    let permissions = none.resources_of_type("AWS::Lambda::Permission");
    for id in ["ConfigItemChangesPermission", "AccountSchedulePermission"] {
        assert_eq!(
            permissions[id]["Properties"]["Principal"], "events.amazonaws.com",
            "{id}"
        );
    }
    // With Config rules, Config delivers changes and periodic runs: no double evaluation.
    let with_rules = Deployment::new(&template, &[]);
    assert!(
        !with_rules.exists("ConfigItemChangesRule") && !with_rules.exists("AccountScheduleRule")
    );
    for (id, r) in resources(&template) {
        for (name, event) in r["Properties"]["Events"].as_object().into_iter().flatten() {
            assert!(
                event.get("Condition").is_none(),
                "{id}.{name}: SAM events take no Condition"
            );
        }
    }

    // The sweep: a schedule and its queue, with partial batch responses.
    let sweep = function_events(&with_rules, "SweepFunction");
    assert_eq!(sweep["Schedule"]["Type"], "Schedule");
    let batches = &sweep["Batches"]["Properties"];
    assert_eq!(
        batches["FunctionResponseTypes"],
        json!(["ReportBatchItemFailures"])
    );
    let queues = with_rules.resources_of_type("AWS::SQS::Queue");
    let function = &with_rules.resources()["SweepFunction"];
    let timeout = function["Properties"]["Timeout"].as_i64().unwrap();
    let visibility = queues["SweepQueue"]["Properties"]["VisibilityTimeout"]
        .as_i64()
        .unwrap();
    assert!(
        visibility >= 6 * timeout,
        "visibility {visibility}s < 6 x {timeout}s"
    );
    assert_eq!(
        function["Properties"]["Environment"]["Variables"]["SIDEWATCH_SWEEP_QUEUE_URL"],
        with_rules.resolve(&json!({"Ref": "SweepQueue"})).unwrap()
    );

    // Remediation: sidewatch's own FAILED findings, and the custom action.
    let dry_run = Deployment::new(&template, &[]);
    let remediate = function_events(&dry_run, REMEDIATE);
    let imported = &remediate["FindingsImported"]["Properties"]["Pattern"];
    assert_eq!(imported["detail-type"], json!([FINDINGS_IMPORTED]));
    let findings = &imported["detail"]["findings"];
    assert_eq!(
        findings["ProductArn"],
        json!(["arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"])
    );
    assert_eq!(findings["AwsAccountId"], json!(["123456789012"]));
    assert_eq!(findings["GeneratorId"], json!([{"prefix": "sidewatch/"}]));
    assert_eq!(findings["Compliance"]["Status"], json!(["FAILED"]));
    // The same findings as the new Security Hub's OCSF events, filtered on the fields the
    // function reads them from (sidewatch_remediation's OCSF reader).
    let v2 = &remediate["FindingsImportedV2"]["Properties"]["Pattern"];
    assert_eq!(v2["source"], json!([SOURCE]));
    assert_eq!(v2["detail-type"], json!([FINDINGS_IMPORTED_V2]));
    let ocsf = &v2["detail"]["findings"];
    assert_eq!(ocsf["metadata"]["product"]["uid"], findings["ProductArn"]);
    assert_eq!(ocsf["cloud"]["account"]["uid"], json!(["123456789012"]));
    assert_eq!(
        ocsf["finding_info"]["analytic"]["uid"],
        json!([{"prefix": "sidewatch/"}])
    );
    assert_eq!(
        ocsf["compliance"]["status_id"],
        json!([compliance_status(ComplianceStatus::Failed, None).0])
    );
    assert_eq!(
        ocsf["activity_id"],
        json!([Activity::Create.id(), Activity::Update.id()])
    );
    assert_eq!(
        ocsf["status_id"],
        json!([1]),
        "workflow New, as Workflow.Status NEW"
    );
    let custom = &remediate["CustomAction"]["Properties"]["Pattern"];
    assert_eq!(custom["detail-type"], json!([FINDINGS_CUSTOM_ACTION]));
    assert_eq!(
        custom["resources"],
        json!([dry_run.arn_of("RemediateActionTarget", "AWS::SecurityHub::ActionTarget")])
    );
    let off = Deployment::new(&template, &[("RemediationMode", "off")]);
    assert!(
        !off.exists(REMEDIATE),
        "mode off deploys no remediation function"
    );

    // Every asynchronous function keeps failed events in its own dead-letter queue.
    for function in EVALUATORS.iter().chain([&REMEDIATE]) {
        let f = &dry_run.resources()[*function]["Properties"];
        let dlq = &f["DeadLetterQueue"];
        assert_eq!(dlq["Type"], "SQS", "{function}");
        assert!(
            dlq["TargetArn"]
                .as_str()
                .unwrap()
                .contains("DeadLetterQueue"),
            "{function}"
        );
        assert!(
            f["EventInvokeConfig"]["MaximumRetryAttempts"].is_number(),
            "{function}"
        );
    }
}

/// The Config rules of a deployment: (logical id, properties).
fn config_rules(deployment: &Deployment<'_>) -> BTreeMap<String, Value> {
    deployment
        .resources_of_type("AWS::Config::ConfigRule")
        .into_iter()
        .map(|(id, r)| (id, r["Properties"].clone()))
        .collect()
}

fn message_types(rule: &Value) -> BTreeSet<String> {
    rule["Source"]["SourceDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["MessageType"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn config_rules_cover_every_message_type_and_resource_type() {
    let template = template();
    let all_types: BTreeSet<String> = scope_types(catalog())
        .iter()
        .map(|s| s.to_string())
        .collect();
    let three: BTreeSet<String> = [
        config_rule::CONFIGURATION_ITEM_CHANGE,
        config_rule::OVERSIZED_CONFIGURATION_ITEM_CHANGE,
        config_rule::SCHEDULED,
    ]
    .map(String::from)
    .into();
    for granularity in ["single", "per-service", "per-control"] {
        let deployment = Deployment::new(&template, &[("ConfigRuleGranularity", granularity)]);
        let rules = config_rules(&deployment);
        let expected = match granularity {
            "single" => 1,
            "per-service" => services().len(),
            _ => catalog().len(),
        };
        assert_eq!(rules.len(), expected, "{granularity}");
        let mut types = BTreeSet::new();
        let mut messages = BTreeSet::new();
        for (id, rule) in &rules {
            assert_eq!(rule["Source"]["Owner"], "CUSTOM_LAMBDA", "{id}");
            assert_eq!(
                rule["Source"]["SourceIdentifier"],
                deployment.arn_of("ConfigRuleFunction", "AWS::Serverless::Function")
            );
            // The rule parameters must be what the function's RuleParameters accepts.
            let parameters = serde_json::to_string(&rule["InputParameters"]).unwrap();
            let parsed = config_rule::RuleParameters::parse(&parameters)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            parsed.engine().unwrap_or_else(|e| panic!("{id}: {e}"));
            types.extend(string_list(&rule["Scope"]["ComplianceResourceTypes"]));
            messages.extend(message_types(rule));
        }
        assert_eq!(types, all_types, "{granularity}: resource types in scope");
        assert_eq!(messages, three, "{granularity}: message types");
        assert!(deployment.exists("ConfigRulePermission"));
    }
    // Per control: each rule runs exactly its control, scoped to its types.
    let deployment = Deployment::new(&template, &[("ConfigRuleGranularity", "per-control")]);
    let rules = config_rules(&deployment);
    for control in catalog() {
        let rule = &rules[&format!("ConfigRule{}", logical(control.id))];
        assert_eq!(rule["InputParameters"]["controls"], control.id);
        let scheduled = message_types(rule).contains(config_rule::SCHEDULED);
        assert_eq!(
            scheduled,
            control.resource_types.contains(&ACCOUNT_RESOURCE_TYPE),
            "{}",
            control.id
        );
    }
    // The selection decides which rules exist; the exclusion removes them.
    let some = Deployment::new(
        &template,
        &[
            ("ConfigRuleGranularity", "per-control"),
            ("Controls", "S3,EC2.19"),
            ("ExcludedControls", "S3.20"),
        ],
    );
    let ids: BTreeSet<String> = config_rules(&some).into_keys().collect();
    let expected: BTreeSet<String> = catalog()
        .iter()
        .filter(|c| (c.service() == "S3" && c.id != "S3.20") || c.id == "EC2.19")
        .map(|c| format!("ConfigRule{}", logical(c.id)))
        .collect();
    assert_eq!(ids, expected);
    let per_service = Deployment::new(
        &template,
        &[("Controls", "S3.8,IAM"), ("ExcludedControls", "IAM.1")],
    );
    let rules = config_rules(&per_service);
    assert_eq!(
        rules.keys().collect::<Vec<_>>(),
        ["ConfigRuleIAM", "ConfigRuleS3"]
    );
    let s3 =
        config_rule::RuleParameters::parse(&rules["ConfigRuleS3"]["InputParameters"].to_string())
            .unwrap()
            .engine()
            .unwrap();
    assert_eq!(s3.controls().map(|c| c.id).collect::<Vec<_>>(), ["S3.8"]);
    let iam =
        config_rule::RuleParameters::parse(&rules["ConfigRuleIAM"]["InputParameters"].to_string())
            .unwrap()
            .engine()
            .unwrap();
    assert!(
        iam.controls()
            .all(|c| c.service() == "IAM" && c.id != "IAM.1")
    );
    // Config may invoke the function only for this account's rules.
    let permission = &per_service.resources()["ConfigRulePermission"]["Properties"];
    assert_eq!(permission["Principal"], "config.amazonaws.com");
    assert_eq!(permission["SourceAccount"], "123456789012");
    let none = Deployment::new(&template, &[("ConfigRuleGranularity", "none")]);
    assert!(config_rules(&none).is_empty() && !none.exists("ConfigRulePermission"));
}

// ----- IAM ---------------------------------------------------------------------------------------

/// Whether an action only reads (IAM's access level Read or List). `GenerateCredentialReport` and
/// `sqs:ReceiveMessage` are Read in AWS's service authorization reference.
fn is_read(action: &str) -> bool {
    let verb = action.split_once(':').map_or(action, |(_, v)| v);
    ["Get", "List", "Describe", "BatchGet", "Lookup"]
        .iter()
        .any(|p| verb.starts_with(p))
        || action == "iam:GenerateCredentialReport"
        || action == "sqs:ReceiveMessage"
        // API Gateway's IAM actions are HTTP methods: GET is its only read.
        || action == "apigateway:GET"
}

/// Write actions for which AWS defines no resource type: `*` is the only Resource they take.
const NO_RESOURCE_TYPE: [&str; 4] = [
    "config:PutEvaluations",
    "s3:PutAccountPublicAccessBlock",
    "ec2:EnableEbsEncryptionByDefault",
    "iam:UpdateAccountPasswordPolicy",
];

/// Writes every function needs on the stack's own resources: its logs and queues.
const PLUMBING: [&str; 5] = [
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "sqs:SendMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
];

/// `(action, resource)` of every Allow statement.
fn grants(policy: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for statement in policy["Statement"].as_array().unwrap() {
        assert_eq!(statement["Effect"], "Allow");
        for action in string_list(&statement["Action"]) {
            for resource in string_list(&statement["Resource"]) {
                out.push((action.clone(), resource, statement["Sid"].clone()));
            }
        }
    }
    out
}

#[test]
fn no_role_grants_a_wildcard_action_or_writes_to_any_resource() {
    let template = template();
    for (name, deployment) in deployments(&template) {
        for role in deployment.resources_of_type("AWS::IAM::Role").keys() {
            for (action, resource, sid) in grants(&deployment.role_policy(role)) {
                assert!(
                    !action.contains('*'),
                    "{name}: {role} {sid} grants {action}"
                );
                if !is_read(&action) && resource.contains('*') {
                    let own =
                        resource.starts_with("arn:aws:logs:eu-west-1:123456789012:log-group:");
                    let scoped = resource.ends_with("/*") || resource.ends_with(":*");
                    assert!(
                        own || (scoped && resource != "*")
                            || (resource == "*" && NO_RESOURCE_TYPE.contains(&action.as_str())),
                        "{name}: {role} {sid} grants write {action} on {resource}"
                    );
                }
                if PLUMBING.contains(&action.as_str()) {
                    assert!(
                        resource.starts_with("arn:aws:sqs:eu-west-1:123456789012:")
                            || resource.starts_with("arn:aws:logs:eu-west-1:123456789012:"),
                        "{name}: {role} {sid}: {action} only on the stack's own queues and logs, not {resource}"
                    );
                }
            }
        }
    }
}

/// The evidence kinds the catalog's controls need.
fn catalog_evidence() -> BTreeSet<EvidenceKind> {
    catalog()
        .iter()
        .flat_map(|c| c.evidence.iter().copied())
        .collect()
}

#[test]
fn evaluator_roles_read_exactly_the_evidence_and_write_only_findings_and_evaluations() {
    let template = template();
    let evidence: BTreeSet<String> = catalog_evidence()
        .iter()
        .flat_map(|k| k.api_actions().iter().map(|a| a.to_string()))
        .collect();
    let allowed_writes = [
        "securityhub:BatchImportFindings",
        "config:PutEvaluations",
        // Only with RulesUri: excepted findings suppressed (see the test below).
        "securityhub:BatchUpdateFindings",
    ];
    for (name, deployment) in deployments(&template) {
        for function in EVALUATORS {
            let role = deployment.function_role(function);
            let policy = deployment.role_policy(&role);
            let actions = allowed_actions(&policy);
            let missing: Vec<_> = evidence.difference(&actions).collect();
            assert!(
                missing.is_empty(),
                "{name}: {function} lacks evidence actions {missing:?}"
            );
            for action in &actions {
                assert!(
                    is_read(action)
                        || allowed_writes.contains(&action.as_str())
                        || PLUMBING.contains(&action.as_str()),
                    "{name}: evaluator {function} may {action}"
                );
            }
            let puts = actions.contains("config:PutEvaluations");
            assert_eq!(
                puts,
                function == "ConfigRuleFunction",
                "{function}: PutEvaluations"
            );
        }
    }
    // The shared statement is exactly the evidence actions: nothing read that no control needs.
    let deployment = Deployment::new(&template, &[]);
    let policy = deployment.role_policy("EventsRole");
    let statement = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "EvidenceReads")
        .unwrap();
    let granted: BTreeSet<String> = string_list(&statement["Action"]).into_iter().collect();
    assert_eq!(
        granted, evidence,
        "EvidenceReads must be exactly the evidence actions of the catalog"
    );
}

/// `RulesUri`: the evaluators read exactly the objects under its prefix and list exactly that
/// prefix, and may suppress findings (exceptions) — only when it is set.
#[test]
fn the_rules_location_is_readable_only_under_its_prefix_and_only_when_set() {
    let template = template();
    let s3_and_updates =
        |deployment: &Deployment<'_>, function: &str| -> Vec<(String, String, Value)> {
            let policy = deployment.role_policy(&deployment.function_role(function));
            policy["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| {
                    string_list(&s["Action"]).iter().any(|a| {
                        [
                            "s3:GetObject",
                            "s3:ListBucket",
                            "securityhub:BatchUpdateFindings",
                        ]
                        .contains(&a.as_str())
                    })
                })
                .map(|s| {
                    (
                        string_list(&s["Action"]).join(","),
                        string_list(&s["Resource"]).join(","),
                        s["Condition"].clone(),
                    )
                })
                .collect()
        };
    let none = Deployment::new(&template, &[]);
    let folder = Deployment::new(&template, &[("RulesUri", "s3://team-rules/sidewatch/")]);
    let root = Deployment::new(&template, &[("RulesUri", "s3://team-rules/")]);
    let hub = "arn:aws:securityhub:eu-west-1:123456789012:hub/default";
    for function in EVALUATORS {
        assert!(s3_and_updates(&none, function).is_empty(), "{function}");
        assert_eq!(
            s3_and_updates(&folder, function),
            [
                (
                    "s3:GetObject".into(),
                    "arn:aws:s3:::team-rules/sidewatch/*".into(),
                    Value::Null
                ),
                (
                    "s3:ListBucket".into(),
                    "arn:aws:s3:::team-rules".into(),
                    json!({"StringEquals": {"s3:prefix": "sidewatch/"}})
                ),
                (
                    "securityhub:BatchUpdateFindings".into(),
                    hub.into(),
                    Value::Null
                ),
            ],
            "{function}"
        );
        let at_root = s3_and_updates(&root, function);
        assert_eq!(at_root[0].1, "arn:aws:s3:::team-rules/*");
        assert_eq!(
            (at_root[1].1.as_str(), &at_root[1].2),
            ("arn:aws:s3:::team-rules", &Value::Null)
        );
    }
    // The code lists exactly the prefix the condition allows.
    let location = sidewatch_core::RulesLocation::parse("s3://team-rules/sidewatch/").unwrap();
    assert_eq!(location.prefix, "sidewatch/");
    // Every function reads the location from the same variable.
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert_eq!(
        globals[sidewatch_lambda::settings::RULES_URI_VAR]["Ref"],
        "RulesUri"
    );
    // Per-service (the default) and per-control deployments get one Config rule for the custom
    // rules; without RulesUri there is none.
    let rule = &config_rules(&folder)["ConfigRuleCustom"];
    let exclude = rule["InputParameters"]["exclude"].as_str().unwrap();
    let excluded: BTreeSet<&str> = exclude.split(',').filter(|s| !s.is_empty()).collect();
    assert_eq!(excluded, services().into_iter().collect::<BTreeSet<_>>());
    assert!(!config_rules(&none).contains_key("ConfigRuleCustom"));
}

/// The sweep collects what Config does not record with the inventory: its role's `InventoryReads`
/// statement is exactly the inventory's reads (`ec2:DescribeRegions` aside: the sweep collects in
/// its own Region only), so a collector that starts calling a new operation fails here until the
/// template grants it.
#[test]
fn the_sweep_role_reads_exactly_what_the_inventory_calls() {
    let template = template();
    let deployment = Deployment::new(&template, &[]);
    let role = deployment.function_role("SweepFunction");
    let policy = deployment.role_policy(&role);
    let statement = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "InventoryReads")
        .expect("SweepRole has an InventoryReads statement");
    let granted: BTreeSet<String> = string_list(&statement["Action"]).into_iter().collect();
    let needed: BTreeSet<String> = sidewatch_aws::inventory::scope::inventory_actions()
        .into_iter()
        .filter(|a| *a != "ec2:DescribeRegions")
        .map(str::to_owned)
        .collect();
    assert_eq!(
        granted, needed,
        "SweepRole InventoryReads vs the inventory's reads"
    );
}

/// The write actions each remediable control's plan calls (`Plan` in
/// crates/remediation/src/plan.rs, as IAM spells them).
fn remediation_writes(control_id: &str) -> &'static [&'static str] {
    match control_id {
        "S3.8" => &["s3:PutBucketPublicAccessBlock"],
        "S3.1" => &["s3:PutAccountPublicAccessBlock"],
        "S3.5" => &["s3:PutBucketPolicy"],
        "S3.17" => &["s3:PutEncryptionConfiguration"],
        "S3.14" => &["s3:PutBucketVersioning"],
        "EC2.2" => &[
            "ec2:RevokeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupEgress",
        ],
        "EC2.13" | "EC2.14" | "EC2.19" | "EC2.53" | "EC2.54" => &["ec2:RevokeSecurityGroupIngress"],
        "EC2.8" => &["ec2:ModifyInstanceMetadataOptions"],
        "EC2.7" => &["ec2:EnableEbsEncryptionByDefault"],
        "KMS.4" => &["kms:EnableKeyRotation"],
        "CloudTrail.4" => &["cloudtrail:UpdateTrail"],
        "RDS.11" | "RDS.13" => &["rds:ModifyDBInstance"],
        id if id.starts_with("IAM.") => &["iam:UpdateAccountPasswordPolicy"],
        other => panic!(
            "no write actions known for remediable control {other}; add them here and to template.yaml"
        ),
    }
}

/// The remediation role's writes beyond its plumbing and finding updates.
fn remediation_role_writes(deployment: &Deployment<'_>) -> BTreeSet<String> {
    let policy = deployment.role_policy("RemediateRole");
    allowed_actions(&policy)
        .into_iter()
        .filter(|a| {
            !is_read(a)
                && !PLUMBING.contains(&a.as_str())
                && a != "securityhub:BatchImportFindings"
                && a != "securityhub:BatchUpdateFindings"
                && a != "s3:PutObject"
        })
        .collect()
}

#[test]
fn remediation_writes_exist_only_in_apply_mode_for_the_allowed_controls() {
    let template = template();
    let dry_run = Deployment::new(&template, &[("RemediationControls", "*")]);
    assert!(
        remediation_role_writes(&dry_run).is_empty(),
        "dry-run needs no write"
    );
    let nothing = Deployment::new(&template, &[("RemediationMode", "apply")]);
    assert!(
        remediation_role_writes(&nothing).is_empty(),
        "an empty allow-list allows no write"
    );
    let mut every = BTreeSet::new();
    for control in remediable() {
        let expected: BTreeSet<String> = remediation_writes(control.id)
            .iter()
            .map(|s| s.to_string())
            .collect();
        every.extend(expected.clone());
        let one = Deployment::new(
            &template,
            &[
                ("RemediationMode", "apply"),
                ("RemediationControls", control.id),
            ],
        );
        assert_eq!(
            remediation_role_writes(&one),
            expected,
            "allow-list {}",
            control.id
        );
    }
    let all = Deployment::new(
        &template,
        &[("RemediationMode", "apply"), ("RemediationControls", "*")],
    );
    assert_eq!(remediation_role_writes(&all), every);
    let s3 = Deployment::new(
        &template,
        &[
            ("RemediationMode", "apply"),
            ("RemediationControls", "S3,KMS.4"),
        ],
    );
    let expected: BTreeSet<String> = remediable()
        .iter()
        .filter(|c| c.service() == "S3" || c.id == "KMS.4")
        .flat_map(|c| remediation_writes(c.id).iter().map(|s| s.to_string()))
        .collect();
    assert_eq!(remediation_role_writes(&s3), expected);
    // The audit bucket is written only when one is configured, and only that bucket.
    let audit = Deployment::new(&template, &[("AuditBucket", "audit-bucket")]);
    let policy = audit.role_policy("RemediateRole");
    let puts: Vec<_> = grants(&policy)
        .into_iter()
        .filter(|(a, _, _)| a == "s3:PutObject")
        .collect();
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].1, "arn:aws:s3:::audit-bucket/*");
    assert!(!allowed_actions(&dry_run.role_policy("RemediateRole")).contains("s3:PutObject"));
}

#[test]
fn the_policy_extraction_resolves_every_intrinsic_function() {
    // The least-privilege proof creates these documents in IAM: they must be plain JSON.
    let template = template();
    for (name, deployment) in deployments(&template) {
        for role in deployment.resources_of_type("AWS::IAM::Role").keys() {
            let text = deployment.role_policy(role).to_string();
            assert!(
                !text.contains("Fn::") && !text.contains("\"Ref\""),
                "{name}: {role}: {text}"
            );
            assert!(!text.contains("${"), "{name}: {role}: {text}");
        }
    }
}

#[test]
fn the_readme_parameters_table_is_generated_from_the_template() {
    use sidewatch_tests::template::{README_TABLE_BEGIN, README_TABLE_END, parameters_markdown};
    let path = repo_root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(README_TABLE_BEGIN)
        .expect("README has the parameters markers")
        + README_TABLE_BEGIN.len();
    let stop = text[start..]
        .find(README_TABLE_END)
        .expect("README has the end marker")
        + start;
    let expected = format!("\n{}", parameters_markdown(&template()));
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(
            &path,
            format!("{}{expected}{}", &text[..start], &text[stop..]),
        )
        .unwrap();
        return;
    }
    assert!(
        text[start..stop] == expected,
        "README.md's parameters table is out of date with template.yaml; regenerate it with\n  \
         SIDEWATCH_BLESS=1 cargo test -p sidewatch-tests --test template"
    );
}
