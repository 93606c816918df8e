//! The same guards and refusal table for both event kinds: every ASFF "Imported" fixture of
//! `tests/fixtures/events/securityhub/` has an OCSF twin ("Findings Imported V2", its finding
//! written by sidewatch's OCSF writer from the ASFF finding, with the workflow status and Region
//! Security Hub adds), and the guards decide the twin exactly as the original.

use crate::RemediationConfig;
use crate::event::{FINDINGS_IMPORTED, FINDINGS_IMPORTED_V2};
use crate::guard::{Decision, SkipCode, decide_event};
use serde_json::{Value, json};
use sidewatch_core::finding::Finding;
use sidewatch_core::finding::ocsf::ComplianceFinding;
use std::path::{Path, PathBuf};

const ACCOUNT: &str = "111122223333";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/events/securityhub")
}

/// The OCSF `status_id` and caption of an ASFF `Workflow.Status`.
fn finding_status(workflow: &str) -> Option<(u32, &'static str)> {
    match workflow {
        "NEW" => Some((1, "New")),
        "NOTIFIED" => Some((2, "In Progress")),
        "SUPPRESSED" => Some((3, "Suppressed")),
        "RESOLVED" => Some((4, "Resolved")),
        _ => None,
    }
}

/// The "Findings Imported V2" twin of an ASFF "Imported" event; `None` for other events and for
/// findings that are not ASFF findings sidewatch could have written (another product's).
fn ocsf_twin(event: &Value) -> Option<Value> {
    if event["detail-type"] != FINDINGS_IMPORTED {
        return None;
    }
    let mut twin = event.clone();
    let mut findings = Vec::new();
    for asff in event["detail"]["findings"].as_array()? {
        let finding: Finding = serde_json::from_value(asff.clone()).ok()?;
        let mut ocsf =
            serde_json::to_value(ComplianceFinding::from_finding(&finding).ok()?).ok()?;
        let (id, caption) = finding_status(asff["Workflow"]["Status"].as_str()?)?;
        ocsf["status_id"] = json!(id);
        ocsf["status"] = json!(caption);
        if let Some(region) = asff["Region"].as_str() {
            ocsf["cloud"]["region"] = json!(region);
        }
        findings.push(ocsf);
    }
    // The documented V2 envelope names the finding by a hash; sidewatch's ids end in one.
    let hash = findings
        .first()
        .and_then(|f| f["finding_info"]["uid"].as_str())
        .and_then(|uid| uid.rsplit('/').next())
        .map(str::to_owned);
    twin["detail-type"] = json!(FINDINGS_IMPORTED_V2);
    twin["resources"] = json!(hash.into_iter().collect::<Vec<_>>());
    twin["detail"] = json!({"findings": findings});
    Some(twin)
}

fn config() -> RemediationConfig {
    let mut config = RemediationConfig::new(ACCOUNT);
    config.allow_list = vec!["EC2".into(), "S3.5".into()];
    config.region = Some("eu-west-1".into());
    config
}

#[test]
fn every_asff_fixture_and_its_ocsf_twin_get_the_same_decision() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut decided = Vec::new();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(twin) = serde_json::from_str(&text)
            .ok()
            .as_ref()
            .and_then(ocsf_twin)
        else {
            continue;
        };
        let asff = decide_event(&text, &config());
        let ocsf = decide_event(&twin.to_string(), &config());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(asff, ocsf, "{name}: the OCSF twin was decided otherwise");
        decided.push((name, asff[0].skip_code()));
    }
    // The twins cover acting and the refusals of both state guards and provenance.
    for expected in [
        None,
        Some(SkipCode::OtherAccount),
        Some(SkipCode::ForgedGenerator),
        Some(SkipCode::NotFailed),
        Some(SkipCode::Archived),
        Some(SkipCode::WorkflowNotNew),
        Some(SkipCode::Exempt),
    ] {
        assert!(
            decided.iter().any(|(_, code)| *code == expected),
            "no twin decided {expected:?}: {decided:?}"
        );
    }
}

#[test]
fn the_checked_in_v2_events_are_the_twins_of_the_asff_ones() {
    for (asff, v2) in [
        ("imported-ec2-13-new.json", "imported-v2-ec2-13-new.json"),
        ("imported-s3-5-new.json", "imported-v2-s3-5-new.json"),
    ] {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(fixtures_dir().join(asff)).unwrap())
                .unwrap();
        let twin = ocsf_twin(&original).unwrap();
        let path = fixtures_dir().join(v2);
        if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
            let text = serde_json::to_string_pretty(&twin).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; write it with SIDEWATCH_BLESS=1 cargo test -p sidewatch-remediation",
                path.display()
            )
        });
        let checked_in: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            checked_in, twin,
            "{v2} is stale: rerun with SIDEWATCH_BLESS=1"
        );
        assert!(matches!(
            decide_event(&text, &config()).as_slice(),
            [Decision::Act { .. }]
        ));
    }
}
