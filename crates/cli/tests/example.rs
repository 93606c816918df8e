//! `examples/config-snapshot.json` is built from the control fixtures, so it grows with the catalog.
//!
//! The rule: every fixture whose name starts with `pass-` or `fail-`
//! (`crates/core/src/controls/*/fixtures/*/`), one item per resource (the first by path wins),
//! converted to the shape AWS Config delivers snapshot files in (the notification shape:
//! `configuration` as an object, `ARN`, `awsAccountId`, `configurationItemVersion`, ISO times), in
//! one account and Region, sorted by resource type and id. This test fails when the file differs
//! from what the fixtures give; `SIDEWATCH_BLESS=1 cargo test -p sidewatch-cli --test example`
//! rewrites it.

mod common;

use common::{root, sidewatch};
use serde_json::{Map, Value, json};
use sidewatch_core::arn::Arn;
use std::collections::BTreeMap;
use std::path::PathBuf;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const SNAPSHOT_ID: &str = "8e2f3b5a-6c1d-4f7e-9a0b-2c3d4e5f6a7b";

fn example_path() -> PathBuf {
    root().join("examples/config-snapshot.json")
}

/// The fixtures the example is made of, in path order.
fn fixture_paths() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let controls = root().join("crates/core/src/controls");
    for service in std::fs::read_dir(controls).unwrap() {
        let fixtures = service.unwrap().path().join("fixtures");
        let Ok(control_dirs) = std::fs::read_dir(&fixtures) else {
            continue;
        };
        for dir in control_dirs {
            let dir = dir.unwrap().path();
            let Ok(files) = std::fs::read_dir(&dir) else {
                continue;
            };
            for file in files {
                let path = file.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let chosen = name.starts_with("pass-") || name.starts_with("fail-");
                if chosen && name.ends_with(".json") {
                    paths.push(path);
                }
            }
        }
    }
    paths.sort();
    paths
}

/// An epoch-seconds time of the API shape as the ISO text of the notification shape.
fn iso_time(value: Value) -> Value {
    match value.as_f64() {
        Some(seconds) => {
            let millis = (seconds * 1000.0).round() as i128;
            OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .map_or(value, Value::String)
        }
        None => value,
    }
}

/// JSON that the API shape embeds as a string, decoded one level (as the notification shape has
/// it: S3's `AccessControlList` stays a string there).
fn decode_once(value: Value) -> Value {
    match &value {
        Value::String(text) => serde_json::from_str(text).unwrap_or(value),
        _ => value,
    }
}

/// The ARN with its Region and account put to the example's, where it has them.
fn rehome_arn(arn: &str, old_region: Option<&str>) -> String {
    let Some(parsed) = Arn::parse(arn) else {
        return arn.to_owned();
    };
    let region = if parsed.region.is_empty() || Some(parsed.region) != old_region {
        parsed.region
    } else {
        REGION
    };
    let account = if parsed.account.len() == 12 {
        ACCOUNT
    } else {
        parsed.account
    };
    Arn {
        region,
        account,
        ..parsed
    }
    .to_string()
}

/// One fixture as an item of a snapshot file.
fn snapshot_item(fixture: Value) -> Map<String, Value> {
    let Value::Object(fields) = fixture else {
        panic!("a fixture is an object");
    };
    let old_region = fields
        .get("awsRegion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut out = Map::new();
    for (key, value) in fields {
        let (key, value) = match key.as_str() {
            "arn" | "ARN" => {
                let arn = value.as_str().unwrap_or_default();
                (
                    "ARN".to_owned(),
                    json!(rehome_arn(arn, old_region.as_deref())),
                )
            }
            "accountId" | "awsAccountId" => ("awsAccountId".to_owned(), json!(ACCOUNT)),
            "version" => ("configurationItemVersion".to_owned(), value),
            "configurationItemMD5Hash" => ("configurationStateMd5Hash".to_owned(), value),
            "configurationItemCaptureTime" | "resourceCreationTime" => (key, iso_time(value)),
            "configurationStateId" => {
                let id = value.as_str().and_then(|s| s.parse::<u64>().ok());
                (key, id.map_or(value, Value::from))
            }
            "awsRegion" if value != "global" => (key, json!(REGION)),
            "availabilityZone" => {
                let zone = value.as_str().unwrap_or_default();
                let moved = old_region
                    .as_deref()
                    .and_then(|r| zone.strip_prefix(r))
                    .map(|suffix| format!("{REGION}{suffix}"));
                (key, moved.map_or(value, Value::String))
            }
            "configuration" => (key, decode_once(value)),
            "supplementaryConfiguration" => {
                let decoded = match decode_once(value) {
                    Value::Object(entries) => Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k, decode_once(v)))
                            .collect(),
                    ),
                    other => other,
                };
                (key, decoded)
            }
            "relationships" => {
                let renamed = match value {
                    Value::Array(list) => Value::Array(
                        list.into_iter()
                            .map(|mut r| {
                                if let Some(name) =
                                    r.as_object_mut().and_then(|o| o.remove("relationshipName"))
                                {
                                    r["name"] = name;
                                }
                                r
                            })
                            .collect(),
                    ),
                    other => other,
                };
                (key, renamed)
            }
            _ => (key, value),
        };
        out.insert(key, value);
    }
    out
}

fn expected_example() -> String {
    let mut items: BTreeMap<(String, String), Map<String, Value>> = BTreeMap::new();
    for path in fixture_paths() {
        let text = std::fs::read_to_string(&path).unwrap();
        let fixture: Value = serde_json::from_str(&text).unwrap();
        let item = snapshot_item(fixture);
        let key = |k: &str| {
            item.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        items
            .entry((key("resourceType"), key("resourceId")))
            .or_insert(item);
    }
    let snapshot = json!({
        "fileVersion": "1.0",
        "configSnapshotId": SNAPSHOT_ID,
        "configurationItems": items.into_values().collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&snapshot).unwrap();
    text.push('\n');
    text
}

#[test]
fn example_snapshot_is_what_the_fixtures_give() {
    let expected = expected_example();
    let path = example_path();
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "examples/config-snapshot.json is not what the control fixtures give (fixtures were \
         added or changed). Regenerate it with:\n  SIDEWATCH_BLESS=1 cargo test -p sidewatch-cli \
         --test example"
    );
}

#[test]
fn example_snapshot_scans_to_a_mix_of_passes_and_failures() {
    let path = example_path();
    let run = sidewatch(&["scan", "--format", "json", path.to_str().unwrap()], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let verdicts = run.json();
    let statuses: Vec<&str> = verdicts
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"COMPLIANT"), "{statuses:?}");
    assert!(statuses.contains(&"NON_COMPLIANT"), "{statuses:?}");
    assert!(
        run.stderr.contains(" 0 unreadable item(s)"),
        "{}",
        run.stderr
    );
    for v in verdicts.as_array().unwrap() {
        assert_eq!(v["accountId"], ACCOUNT);
    }
}

/// The first screen: failures by severity, highest first, then passes, not applicable and
/// undecided; the verdicts only `--live` evidence decides counted in one line; the last line the
/// counts per status and severity.
#[test]
fn the_table_shows_failures_first_and_counts_what_needs_live() {
    let path = example_path();
    let path = path.to_str().unwrap();
    let rank = |line: &str| -> usize {
        let status = line.split_whitespace().next().unwrap_or_default();
        let severity = line.split_whitespace().nth(1).unwrap_or_default();
        match (status, severity) {
            ("FAILED", "CRITICAL") => 0,
            ("FAILED", "HIGH") => 1,
            ("FAILED", "MEDIUM") => 2,
            ("FAILED", "LOW") => 3,
            ("FAILED", _) => 4,
            ("PASSED", _) => 5,
            ("N/A", _) => 6,
            ("INSUFFICIENT", _) => 7,
            other => panic!("not a row: {other:?} in {line}"),
        }
    };
    let run = sidewatch(&["scan", path], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("STATUS"));
    let rows: Vec<&str> = lines[1..]
        .iter()
        .copied()
        .take_while(|l| !l.is_empty() && !l.starts_with('…'))
        .collect();
    assert!(rows[0].starts_with("FAILED        CRITICAL"), "{}", rows[0]);
    let ranks: Vec<usize> = rows.iter().map(|r| rank(r)).collect();
    assert!(ranks.is_sorted(), "rows out of order:\n{}", run.stdout);
    let collapsed = lines
        .iter()
        .find(|l| l.starts_with("… and "))
        .expect("one line counts the verdicts waiting for --live");
    let hidden: usize = collapsed
        .trim_start_matches("… and ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        hidden > 0 && collapsed.contains("--show-insufficient"),
        "{collapsed}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.contains(" FAILED (") && last.contains(" CRITICAL") && last.contains(" PASSED"),
        "{last}"
    );
    // --show-insufficient lists them: exactly `hidden` more rows, no counting line.
    let all = sidewatch(&["scan", "--show-insufficient", path], b"");
    let all_rows = all
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .count();
    assert_eq!(all_rows, rows.len() + hidden, "{}", all.stdout);
    assert!(!all.stdout.contains("… and "));
    // Machine formats are not filtered.
    let json = sidewatch(&["scan", "--format", "json", path], b"");
    assert_eq!(json.json().as_array().unwrap().len(), all_rows);
}

#[test]
fn api_shape_fixtures_convert_to_the_snapshot_shape() {
    let item = snapshot_item(json!({
        "version": "1.3",
        "accountId": "999999999999",
        "configurationItemCaptureTime": 1717171717.123,
        "configurationStateId": "1717171717123",
        "arn": "arn:aws:ec2:eu-west-1:999999999999:security-group/sg-1",
        "awsRegion": "eu-west-1",
        "availabilityZone": "eu-west-1b",
        "configuration": "{\"groupId\":\"sg-1\"}",
        "supplementaryConfiguration": {"AccessControlList": "\"{\\\"grantList\\\":[]}\""},
        "relationships": [{"resourceId": "vpc-1", "relationshipName": "Is contained in Vpc"}]
    }));
    assert_eq!(
        Value::Object(item),
        json!({
            "configurationItemVersion": "1.3",
            "awsAccountId": ACCOUNT,
            "configurationItemCaptureTime": "2024-05-31T16:08:37.123Z",
            "configurationStateId": 1717171717123u64,
            "ARN": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1",
            "awsRegion": "us-east-1",
            "availabilityZone": "us-east-1b",
            "configuration": {"groupId": "sg-1"},
            "supplementaryConfiguration": {"AccessControlList": "{\"grantList\":[]}"},
            "relationships": [{"resourceId": "vpc-1", "name": "Is contained in Vpc"}]
        })
    );
}

/// Every resource type of the example becomes a valid ASFF finding. A snapshot file belongs to one
/// Region, which global resources (IAM, `awsRegion: global`) do not carry, so it is passed.
#[test]
fn example_snapshot_gives_one_finding_per_verdict() {
    let path = example_path();
    let path = path.to_str().unwrap();
    let json = sidewatch(&["scan", "-q", "--format", "json", path], b"");
    let asff = sidewatch(&["scan", "--format", "asff", "--region", REGION, path], b"");
    assert_eq!(asff.code, 1, "{}", asff.stderr);
    assert!(
        asff.stderr.contains(" 0 unreadable item(s)"),
        "{}",
        asff.stderr
    );
    assert!(!asff.stderr.contains("error:"), "{}", asff.stderr);
    let findings = asff.json();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), json.json().as_array().unwrap().len());
    for f in findings {
        assert_eq!(f["AwsAccountId"], ACCOUNT);
        assert_eq!(f["Resources"][0]["Region"], REGION);
    }
}

/// No Region in the environment or the AWS config files: only the snapshot itself can say.
fn without_a_region(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_REGION", String::new()),
        ("AWS_DEFAULT_REGION", String::new()),
        ("AWS_PROFILE", String::new()),
        (
            "AWS_CONFIG_FILE",
            dir.join("no-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-credentials").display().to_string(),
        ),
        ("HOME", dir.display().to_string()),
    ]
}

/// The example with its regional items moved to `region` (IAM items stay `global`).
fn example_in(region: &str) -> Value {
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(example_path()).unwrap()).unwrap();
    for item in snapshot["configurationItems"].as_array_mut().unwrap() {
        if item["awsRegion"] != "global" {
            item["awsRegion"] = json!(region);
        }
    }
    snapshot
}

/// `(resource type, finding Region, Id)` of every finding of an ASFF run.
fn placed(run: &common::Run) -> Vec<(String, String, String)> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["Resources"][0]["Type"].as_str().unwrap().to_owned(),
                f["Resources"][0]["Region"].as_str().unwrap().to_owned(),
                f["Id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A snapshot whose IAM items carry `global` gives ASFF without --region and without a Region in
/// the environment: one finding per verdict, the global ones in the snapshot's own Region with the
/// Id the deployed functions give there, and one note saying so.
#[test]
fn global_items_are_reported_in_the_snapshots_region_without_a_flag() {
    let dir = common::scratch("global-region");
    let env = without_a_region(&dir);
    let path = dir.join("snapshot.json");
    std::fs::write(&path, example_in("eu-west-1").to_string()).unwrap();
    let path = path.to_str().unwrap();
    let json = common::sidewatch_with_env(&["scan", "-q", "--format", "json", path], b"", &env);
    let asff = common::sidewatch_with_env(&["scan", "--format", "asff", path], b"", &env);
    assert_eq!(asff.code, 1, "failures, no error: {}", asff.stderr);
    assert!(!asff.stderr.contains("error:"), "{}", asff.stderr);
    let verdicts = json.json().as_array().unwrap().len();
    let findings = placed(&asff);
    assert_eq!(
        findings.len(),
        verdicts,
        "one finding per verdict, none dropped"
    );
    let iam: Vec<_> = findings
        .iter()
        .filter(|(t, _, _)| t.starts_with("AwsIam"))
        .collect();
    assert!(iam.len() >= 17, "{iam:?}");
    assert!(findings.iter().all(|(_, region, _)| region == "eu-west-1"));
    let notes: Vec<&str> = asff
        .stderr
        .lines()
        .filter(|l| l.starts_with("note: global resources"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", asff.stderr);
    assert!(notes[0].contains("eu-west-1") && notes[0].contains("regional items"));

    // The Id the functions give the same control and resource in eu-west-1.
    let user = json
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["resourceType"] == "AWS::IAM::User")
        .cloned()
        .unwrap();
    let expected = sidewatch_core::finding_id(
        "aws",
        ACCOUNT,
        "eu-west-1",
        user["controlId"].as_str().unwrap(),
        user["resourceId"].as_str().unwrap(),
    );
    assert!(
        findings.iter().any(|(_, _, id)| *id == expected),
        "{expected}"
    );

    // The file named as AWS Config delivers it decides before the items do.
    let delivered = dir.join(format!(
        "{ACCOUNT}_Config_ap-southeast-2_ConfigSnapshot_20240601T100000Z_{SNAPSHOT_ID}.json"
    ));
    std::fs::write(&delivered, example_in("ap-southeast-2").to_string()).unwrap();
    let run = common::sidewatch_with_env(
        &["scan", "--format", "asff", delivered.to_str().unwrap()],
        b"",
        &env,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(placed(&run).iter().all(|(_, r, _)| r == "ap-southeast-2"));
    assert!(run.stderr.contains("delivery key"), "{}", run.stderr);
}

/// Only global items: the environment's Region, else us-east-1 with a note; never exit 2.
#[test]
fn only_global_items_fall_back_to_the_environment_then_us_east_1() {
    let dir = common::scratch("global-only");
    let mut snapshot = example_in("eu-west-1");
    snapshot["configurationItems"]
        .as_array_mut()
        .unwrap()
        .retain(|item| item["awsRegion"] == "global");
    let path = dir.join("iam.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let path = path.to_str().unwrap();
    let mut env = without_a_region(&dir);
    let run = common::sidewatch_with_env(&["scan", "--format", "asff", path], b"", &env);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(placed(&run).iter().all(|(_, r, _)| r == "us-east-1"));
    assert!(
        run.stderr.contains("nothing else named a Region"),
        "{}",
        run.stderr
    );

    env[1].1 = "ca-central-1".to_owned(); // AWS_DEFAULT_REGION
    let run = common::sidewatch_with_env(&["scan", "--format", "asff", path], b"", &env);
    assert!(placed(&run).iter().all(|(_, r, _)| r == "ca-central-1"));
    assert!(run.stderr.contains("AWS_DEFAULT_REGION"), "{}", run.stderr);

    let config = dir.join("config");
    std::fs::write(&config, "[profile audit]\nregion = sa-east-1\n").unwrap();
    let mut env = without_a_region(&dir);
    env[2].1 = "audit".to_owned(); // AWS_PROFILE
    env[3].1 = config.display().to_string(); // AWS_CONFIG_FILE
    let run = common::sidewatch_with_env(&["scan", "--format", "asff", path], b"", &env);
    assert!(
        placed(&run).iter().all(|(_, r, _)| r == "sa-east-1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("profile 'audit'"), "{}", run.stderr);

    let flagged = common::sidewatch_with_env(
        &["scan", "--format", "asff", "--region", "eu-north-1", path],
        b"",
        &env,
    );
    assert!(placed(&flagged).iter().all(|(_, r, _)| r == "eu-north-1"));
    assert!(
        !flagged.stderr.contains("note: global"),
        "{}",
        flagged.stderr
    );
}
