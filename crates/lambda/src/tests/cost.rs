//! What running sidewatch costs: the calls it makes per 1 000 changed resources and per sweep of
//! an unchanged estate of 1 000 resources, counted by the fakes, and the README's cost table
//! computed from them ("What it costs to run"). The table is generated here and checked against
//! the README, so the document cannot drift from the counts; `SIDEWATCH_BLESS=1` rewrites it.
//!
//! The estate is 1 000 S3 buckets (the fixtures' public bucket under 1 000 names): S3 is the
//! service with the most controls per resource, so the finding counts are an upper bound for a
//! mixed estate.

use super::events::item_of;
use super::fakes::store;
use super::sweep::bucket;
use super::{World, fixture};
use crate::sweep::SweepOutcome;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The estate, and the changes the table is given for.
const RESOURCES: usize = 1_000;

/// What one door cost for [`RESOURCES`] events (or one sweep).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Calls {
    invocations: usize,
    /// Config `PutEvaluations` evaluation entries (what AWS Config bills as rule evaluations).
    config_evaluations: usize,
    /// Security Hub `BatchImportFindings` calls.
    import_calls: usize,
    /// Findings imported: Security Hub's finding ingestion events.
    findings_imported: usize,
    /// CloudTrail `LookupEvents` calls.
    lookups: usize,
    /// Config reads (GetResourceConfigHistory, ListDiscoveredResources, BatchGetResourceConfig).
    config_reads: usize,
    /// Security Hub `GetFindings` reads (each one pages through sidewatch's active findings).
    findings_reads: usize,
}

/// Bucket `n` as Config records a change of it: with the CloudTrail event that made the change
/// among its related events (what the functions look up to name who made it).
fn changed_bucket(n: usize) -> Value {
    let mut item = bucket(&name(n)).to_notification_json();
    item["relatedEvents"] = json!([format!("5a0c1e2d-3b4f-4a6e-8c7d-{n:012}")]);
    item
}

/// A Config rule "ConfigurationItemChangeNotification" of the S3 rule for bucket `n`.
fn rule_event(n: usize) -> Value {
    let mut event = fixture("config-rule/change-s3-bucket.json");
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    invoking["configurationItem"] = changed_bucket(n);
    event["invokingEvent"] = json!(invoking.to_string());
    event
}

/// EventBridge's "Config Configuration Item Change" for bucket `n`.
fn change_event(n: usize) -> Value {
    let mut event = fixture("eventbridge/config-item-change-s3-bucket.json");
    let item = changed_bucket(n);
    event["resources"] = json!([item["ARN"]]);
    event["detail"]["configurationItem"] = item;
    event
}

fn name(n: usize) -> String {
    format!("example-bucket-{n:04}")
}

fn counted(w: &World, invocations: usize) -> Calls {
    let p = &w.ports;
    Calls {
        invocations,
        config_evaluations: p.evaluations.all().len(),
        import_calls: *p.findings.calls.lock().unwrap(),
        findings_imported: w.imported().len(),
        lookups: p.changes.looked_up().len(),
        config_reads: p.items.latest_calls.lock().unwrap().len()
            + p.items.list_calls.lock().unwrap().len()
            + *p.items.batch_calls.lock().unwrap(),
        findings_reads: *p.stored.reads.lock().unwrap(),
    }
}

/// 1 000 changed buckets through the Config rule (the S3 rule of the per-service default).
async fn through_the_config_rule() -> Calls {
    let w = World::new();
    for n in 0..RESOURCES {
        crate::config_rule::handle(w.inv(), &w.ports, rule_event(n))
            .await
            .unwrap();
    }
    counted(&w, RESOURCES)
}

/// 1 000 changed buckets through EventBridge (Config's item changes to the events function).
async fn through_eventbridge() -> Calls {
    let w = World::new();
    for n in 0..RESOURCES {
        crate::events::handle(w.inv(), &w.ports, change_event(n))
            .await
            .unwrap();
    }
    counted(&w, RESOURCES)
}

/// One scheduled sweep and its queue messages (one message per invocation, the template's
/// `BatchSize: 1`); the number of invocations.
async fn sweep(w: &World) -> usize {
    let outcome = crate::sweep::handle(w.inv(), &w.ports, fixture("eventbridge/scheduled.json"))
        .await
        .unwrap();
    let SweepOutcome::Scheduled { .. } = outcome else {
        panic!("{outcome:?}")
    };
    let messages: Vec<String> = w
        .ports
        .queue
        .batches
        .lock()
        .unwrap()
        .drain(..)
        .flatten()
        .map(|e| e.body)
        .collect();
    for (i, message) in messages.iter().enumerate() {
        let event = json!({"Records": [{
            "messageId": format!("m{i}"),
            "receiptHandle": "handle",
            "body": message,
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:sidewatch-sweep",
            "awsRegion": "eu-west-1"
        }]});
        match crate::sweep::handle(w.inv(), &w.ports, event)
            .await
            .unwrap()
        {
            SweepOutcome::Consumed { response, .. } => {
                assert!(response.batch_item_failures.is_empty(), "{response:?}");
            }
            other => panic!("{other:?}"),
        }
    }
    1 + messages.len()
}

/// The daily sweep of 1 000 buckets that did not change since the last sweep.
async fn unchanged_sweep() -> Calls {
    let w = World::new();
    for n in 0..RESOURCES {
        w.ports.items.put(bucket(&name(n)));
    }
    sweep(&w).await;
    // What Security Hub holds after the first sweep; then the counters start again.
    store(&w.ports.stored, &w.imported());
    let before = counted(&w, 0);
    let invocations = sweep(&w).await;
    let after = counted(&w, invocations);
    Calls {
        invocations,
        config_evaluations: after.config_evaluations - before.config_evaluations,
        import_calls: after.import_calls - before.import_calls,
        findings_imported: after.findings_imported - before.findings_imported,
        lookups: after.lookups - before.lookups,
        config_reads: after.config_reads - before.config_reads,
        findings_reads: after.findings_reads - before.findings_reads,
    }
}

/// The figures behind the table.
#[derive(Debug)]
struct Figures {
    rule: Calls,
    eventbridge: Calls,
    sweep: Calls,
}

async fn figures() -> Figures {
    Figures {
        rule: through_the_config_rule().await,
        eventbridge: through_eventbridge().await,
        sweep: unchanged_sweep().await,
    }
}

// --- The sample account and the prices ----------------------------------------------------------

/// Changes a day and days a month of the sample account (1 000 resources, a daily sweep).
const CHANGES_PER_DAY: f64 = 50.0;
const DAYS: f64 = 30.0;

/// Warm handler durations measured by `scripts/demo.sh` (median, ms, debug build; README
/// "Demo"), and the functions' memory in `template.yaml` (MB). The sweep's is per invocation (the
/// schedule, or one queue message).
const CONFIG_RULE_MS: f64 = 20.0;
const EVENTS_MS: f64 = 10.0;
const SWEEP_MS: f64 = 267.0;
const FUNCTION_GB: f64 = 0.25;
const SWEEP_GB: f64 = 0.5;

/// List prices, US East (N. Virginia), looked up 2026-12-06 (the README names the pages).
/// Lambda x86: $0.20 per million requests, $0.0000166667 per GB-second.
const LAMBDA_REQUEST: f64 = 0.20 / 1_000_000.0;
const LAMBDA_GB_SECOND: f64 = 0.000_016_666_7;
/// AWS Config: $0.001 per rule evaluation (the first 100 000 a month).
const CONFIG_EVALUATION: f64 = 0.001;
/// Security Hub CSPM: $0.00003 per finding ingestion event after 10 000 free a month; $0.001 per
/// security check (the first 100 000 a month).
const INGESTION_EVENT: f64 = 0.000_03;
const FREE_INGESTION_EVENTS: f64 = 10_000.0;
const SECURITY_CHECK: f64 = 0.001;

/// Dollars, to the cent; below a cent to a hundredth of a cent.
fn money(dollars: f64) -> String {
    if dollars > 0.0 && dollars < 0.01 {
        format!("${dollars:.4}")
    } else {
        format!("${dollars:.2}")
    }
}

/// `34 500`: thousands separated by a space, as the README writes them.
fn count(n: f64) -> String {
    let digits = (n.round() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The README's tables: the counts per 1 000, then a month of the sample account with the
/// arithmetic shown, beside AWS Config managed rules and Security Hub CSPM's own controls.
///
/// A change is counted twice, as an upper bound: once through its Config rule (the template's
/// default, one rule per service) and once as its CloudTrail API call through EventBridge, which
/// re-evaluates the resource (counted as a Config item change of it). The alternatives evaluate
/// each control that applies to the changed resource once (one managed rule or one Security Hub
/// check per control); their periodic checks are left out, which favours them.
fn render(f: &Figures) -> String {
    let per = |calls: usize| calls as f64 / RESOURCES as f64;
    let changes = CHANGES_PER_DAY * DAYS;
    let sweeps = DAYS;
    let controls = per(f.rule.findings_imported);
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| Per 1 000 | invocations | Config evaluations | BatchImportFindings calls | findings imported | LookupEvents | Config reads | GetFindings reads |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|---|");
    for (what, c) in [
        ("changed resources, Config rule", f.rule),
        ("changed resources, EventBridge", f.eventbridge),
        ("resources, unchanged sweep", f.sweep),
    ] {
        let _ = writeln!(
            t,
            "| {what} | {} | {} | {} | {} | {} | {} | {} |",
            count(c.invocations as f64),
            count(c.config_evaluations as f64),
            count(c.import_calls as f64),
            count(c.findings_imported as f64),
            count(c.lookups as f64),
            count(c.config_reads as f64),
            count(c.findings_reads as f64)
        );
    }
    let rule_requests = changes * per(f.rule.invocations);
    let event_requests = changes * per(f.eventbridge.invocations);
    let sweep_requests = sweeps * f.sweep.invocations as f64;
    let requests = rule_requests + event_requests + sweep_requests;
    let gb_seconds = (rule_requests * CONFIG_RULE_MS + event_requests * EVENTS_MS) / 1000.0
        * FUNCTION_GB
        + sweep_requests * SWEEP_MS / 1000.0 * SWEEP_GB;
    let evaluations = changes * per(f.rule.config_evaluations);
    let ingested = changes * (per(f.rule.findings_imported) + per(f.eventbridge.findings_imported))
        + sweeps * f.sweep.findings_imported as f64;
    let billed = (ingested - FREE_INGESTION_EVENTS).max(0.0);
    let checks = changes * controls;
    let lambda = requests * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND;
    let sidewatch = lambda + evaluations * CONFIG_EVALUATION + billed * INGESTION_EVENT;
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "| A month: 1 000 resources, {} changes a day, a daily sweep | sidewatch | AWS Config managed rules | Security Hub CSPM controls |",
        CHANGES_PER_DAY
    );
    let _ = writeln!(t, "|---|---|---|---|");
    let _ = writeln!(
        t,
        "| Lambda requests | {} changes × 2 + {} sweeps × {} = {} × $0.20 per million = {} | — | — |",
        count(changes),
        count(sweeps),
        f.sweep.invocations,
        count(requests),
        money(requests * LAMBDA_REQUEST)
    );
    let _ = writeln!(
        t,
        "| Lambda GB-seconds | ({} × {CONFIG_RULE_MS} ms + {} × {EVENTS_MS} ms) × 0.25 GB + {} × {SWEEP_MS} ms × 0.5 GB = {:.1} GB-s × $0.0000166667 = {} | — | — |",
        count(rule_requests),
        count(event_requests),
        count(sweep_requests),
        gb_seconds,
        money(gb_seconds * LAMBDA_GB_SECOND)
    );
    let _ = writeln!(
        t,
        "| Config rule evaluations | {} changes × {} = {} × $0.001 = {} | {} changes × {controls} rules = {} × $0.001 = {} | — |",
        count(changes),
        per(f.rule.config_evaluations),
        count(evaluations),
        money(evaluations * CONFIG_EVALUATION),
        count(changes),
        count(checks),
        money(checks * CONFIG_EVALUATION)
    );
    let _ = writeln!(
        t,
        "| Security Hub | {} changes × ({} + {}) findings + {} from the sweeps = {}; less {} free = {} × $0.00003 = {} | — | {} changes × {controls} checks = {} × $0.001 = {} (their findings are not billed) |",
        count(changes),
        per(f.rule.findings_imported),
        per(f.eventbridge.findings_imported),
        f.sweep.findings_imported,
        count(ingested),
        count(FREE_INGESTION_EVENTS),
        count(billed),
        money(billed * INGESTION_EVENT),
        count(changes),
        count(checks),
        money(checks * SECURITY_CHECK)
    );
    let _ = writeln!(
        t,
        "| CloudTrail LookupEvents | {} calls (event history: no charge) | — | — |",
        count(changes * per(f.rule.lookups + f.eventbridge.lookups))
    );
    let _ = writeln!(
        t,
        "| **Total a month** | **{}** | **{}** | **{}** |",
        money(sidewatch),
        money(checks * CONFIG_EVALUATION),
        money(checks * SECURITY_CHECK)
    );
    t
}

const BEGIN: &str = "<!-- BEGIN GENERATED cost (crates/lambda/src/tests/cost.rs) -->\n";
const END: &str = "<!-- END GENERATED cost -->";

#[tokio::test]
async fn the_calls_per_change_and_per_sweep_are_the_readmes() {
    let f = figures().await;
    eprintln!("{f:#?}");
    // An unchanged estate costs no ingestion, and a change costs one Config evaluation.
    assert_eq!(f.sweep.findings_imported, 0, "{f:#?}");
    assert_eq!(f.sweep.import_calls, 0, "{f:#?}");
    assert_eq!(
        f.rule.config_evaluations, RESOURCES,
        "one combined entry per resource"
    );
    assert!(f.rule.findings_imported >= RESOURCES, "{f:#?}");
    let table = render(&f);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md has no {BEGIN:?} … {END:?} block");
    };
    let current = &readme[start + BEGIN.len()..end];
    if current != table {
        if std::env::var_os("SIDEWATCH_BLESS").is_some() {
            let updated = format!(
                "{}{table}{}",
                &readme[..start + BEGIN.len()],
                &readme[end..]
            );
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's cost table is out of date (SIDEWATCH_BLESS=1 rewrites it):\n{table}"
            );
        }
    }
}

/// The counts themselves, without the README: a changed bucket is one invocation and one Config
/// evaluation whichever door it comes through, and a bucket's findings are imported once.
#[tokio::test]
async fn one_change_is_one_invocation_and_one_evaluation() {
    let w = World::new();
    crate::config_rule::handle(w.inv(), &w.ports, rule_event(0))
        .await
        .unwrap();
    let one = counted(&w, 1);
    assert_eq!(one.config_evaluations, 1);
    assert_eq!(one.import_calls, 1, "{one:?}");
    let item = item_of("config-rule/change-s3-bucket.json");
    assert_eq!(item.resource_type, "AWS::S3::Bucket");
    assert!(
        one.findings_imported > 1,
        "every S3 control of the rule: {one:?}"
    );
}
