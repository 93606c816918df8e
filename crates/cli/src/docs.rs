//! Documentation generated from the controls catalog: `docs/controls.md` and the JSON listing of
//! `sidewatch controls --format json`. The catalog is the one source: these never drift from it.

use serde_json::{Value, json};
use sidewatch_core::control::{Control, Mappings};
use sidewatch_core::controls::catalog;
use sidewatch_core::params::ParamSpec;
use sidewatch_core::responsibility::{Category, SERVICES, service_of_control};
use std::fmt::Write as _;

/// How to regenerate `docs/controls.md`, as stated in its header.
pub const REGENERATE: &str =
    "cargo run -p sidewatch-cli -- controls --format markdown > docs/controls.md";

/// The content of `docs/controls.md`: a summary table of every control, then each control's
/// rationale, parameters, remediation and mappings.
pub fn controls_markdown() -> String {
    controls_markdown_for(catalog())
}

fn controls_markdown_for(controls: &[&Control]) -> String {
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = write_markdown(&mut md, controls);
    md
}

fn write_markdown(md: &mut String, controls: &[&Control]) -> std::fmt::Result {
    writeln!(
        md,
        "<!-- Generated from the controls catalog (crates/core/src/controls). Do not edit by hand. -->"
    )?;
    writeln!(md, "# sidewatch controls")?;
    writeln!(md)?;
    writeln!(
        md,
        "This page is generated from the controls catalog in `crates/core/src/controls/`; edit the \
         controls there, not this page. Regenerate it with"
    )?;
    writeln!(md)?;
    writeln!(md, "```sh\n{REGENERATE}\n```")?;
    writeln!(md)?;
    writeln!(
        md,
        "or `SIDEWATCH_BLESS=1 cargo test -p sidewatch-tests --test docs`. The same listing is \
         printed by `sidewatch controls` (`--format table`, `json` or `markdown`)."
    )?;
    writeln!(md)?;
    let count = controls.len();
    let plural = if count == 1 { "control" } else { "controls" };
    let with_evidence = controls.iter().filter(|c| !c.evidence.is_empty()).count();
    writeln!(
        md,
        "{count} {plural}: {} decided by the configuration item alone, {with_evidence} that also \
         {} evidence from read-only API calls. Severity is what a failure is worth (the ASFF \
         finding of a passing control is INFORMATIONAL). FSBP is AWS Foundational Security Best \
         Practices v1.0.0, CIS is the CIS AWS Foundations Benchmark v3.0.0.",
        count - with_evidence,
        if with_evidence == 1 { "needs" } else { "need" },
    )?;
    writeln!(md)?;
    writeln!(
        md,
        "| ID | Title | Severity | Category | Duty | Resource types | FSBP | CIS v3.0.0 |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|---|---|")?;
    for c in controls {
        writeln!(
            md,
            "| [{id}](#{anchor}) | {title} | {severity} | {category} | {duty} | {types} | {fsbp} | {cis} |",
            id = c.id,
            anchor = anchor(c.id),
            title = escape(c.title),
            severity = c.severity.label(),
            category = category_title(c),
            duty = c.duty.title(),
            types = code_list(c.resource_types, "<br>"),
            fsbp = c.mappings.fsbp.unwrap_or("–"),
            cis = c.mappings.cis_v3.unwrap_or("–"),
        )?;
    }
    write_responsibility(md, controls)?;
    let mut service = "";
    for c in controls {
        if c.service() != service {
            service = c.service();
            writeln!(md)?;
            writeln!(md, "## {service}")?;
        }
        write_control(md, c)?;
    }
    Ok(())
}

fn write_control(md: &mut String, c: &Control) -> std::fmt::Result {
    writeln!(md)?;
    writeln!(md, "### {}", c.id)?;
    writeln!(md)?;
    writeln!(md, "**{}**", escape(c.title))?;
    writeln!(md)?;
    writeln!(
        md,
        "Severity: {} · Service: {} ({}) · Duty: {} · Resource types: {} · {}",
        c.severity.label(),
        service_of_control(c).map_or("–", |s| s.name),
        category_title(c),
        c.duty.title(),
        code_list(c.resource_types, ", "),
        standards_line(&c.mappings)
    )?;
    writeln!(md)?;
    writeln!(md, "{}", escape(c.rationale))?;
    writeln!(md)?;
    if c.parameters.is_empty() {
        writeln!(md, "Parameters: none.")?;
    } else {
        writeln!(md, "| Parameter | Type | Default | Description |")?;
        writeln!(md, "|---|---|---|---|")?;
        for p in c.parameters {
            writeln!(
                md,
                "| `{name}` | {kind} | {default} | {description} |",
                name = p.name,
                kind = p.kind.describe(),
                default = default_cell(p),
                description = escape(p.description),
            )?;
        }
        writeln!(md)?;
        writeln!(
            md,
            "Override with `--param {id}.NAME=VALUE`, a line in `--params-file`, or an entry of \
             the `{var}` environment variable of the Lambda functions.",
            id = c.id,
            var = sidewatch_core::EngineConfig::PARAMETERS_VAR,
        )?;
    }
    writeln!(md)?;
    if c.evidence.is_empty() {
        writeln!(md, "Evidence: the configuration item alone decides.")?;
    } else {
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .map(|k| format!("{k} ({})", code_list(k.api_actions(), ", ")))
            .collect();
        writeln!(
            md,
            "Evidence beyond the configuration item: {}. When the control needs it and it is \
             missing or unreadable, the verdict is INSUFFICIENT_DATA.",
            evidence.join("; ")
        )?;
    }
    writeln!(md)?;
    writeln!(
        md,
        "Remediation: {} ([AWS documentation]({}))",
        escape(c.remediation),
        c.remediation_url
    )?;
    writeln!(md)?;
    if c.mappings.nist_800_53_r5.is_empty() {
        writeln!(md, "NIST SP 800-53 Rev. 5: not mapped.")?;
    } else {
        writeln!(
            md,
            "NIST SP 800-53 Rev. 5: {}",
            c.mappings.nist_800_53_r5.join(", ")
        )?;
    }
    Ok(())
}

/// The category of the service a control checks, as `sidewatch controls` lists it.
pub fn category_slug(c: &Control) -> &'static str {
    service_of_control(c).map_or("–", |s| s.category.slug())
}

fn category_title(c: &Control) -> &'static str {
    service_of_control(c).map_or("–", |s| s.category.title())
}

/// The shared responsibility model as `docs/controls.md` shows it: per service, its category and
/// duties, and per duty the controls that check it or "not checked by sidewatch".
fn write_responsibility(md: &mut String, controls: &[&Control]) -> std::fmt::Result {
    writeln!(md)?;
    writeln!(
        md,
        "## Shared responsibility: services, categories and duties"
    )?;
    writeln!(md)?;
    writeln!(
        md,
        "Each control checks one of the customer's duties for one service; each service is an \
         infrastructure, container or abstracted service of the shared responsibility model \
         (or an account-level setting). `sidewatch report` shows the same mapping for the \
         services an account uses. The mapping is data in `crates/core/src/responsibility.rs`."
    )?;
    writeln!(md)?;
    for category in Category::ALL {
        writeln!(md, "- **{}**: {}", category.title(), category.split())?;
    }
    writeln!(md)?;
    writeln!(md, "| Service | Category | Duty | Controls |")?;
    writeln!(md, "|---|---|---|---|")?;
    for service in SERVICES {
        for duty in service.duties {
            let ids: Vec<String> = controls
                .iter()
                .filter(|c| c.duty == *duty && service_of_control(c) == Some(service))
                .map(|c| format!("[{}](#{})", c.id, anchor(c.id)))
                .collect();
            let checked = if ids.is_empty() {
                "not checked by sidewatch".to_owned()
            } else {
                ids.join(", ")
            };
            writeln!(
                md,
                "| {} | {} | {} | {checked} |",
                service.name,
                service.category.title(),
                duty.title()
            )?;
        }
    }
    Ok(())
}

fn standards_line(m: &Mappings) -> String {
    let fsbp = m
        .fsbp
        .map_or_else(|| "FSBP: –".to_owned(), |id| format!("FSBP: {id}"));
    let cis = m.cis_v3.map_or_else(
        || "CIS v3.0.0: –".to_owned(),
        |id| format!("CIS v3.0.0: {id}"),
    );
    format!("{fsbp} · {cis}")
}

fn default_cell(p: &ParamSpec) -> String {
    if p.default.trim().is_empty() {
        "(empty)".to_owned()
    } else {
        format!("`{}`", p.default.replace('|', "\\|"))
    }
}

fn code_list(items: &[&str], separator: &str) -> String {
    items
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The anchor GitHub gives a `### S3.8` heading: lower case, punctuation but `-` and `_` dropped.
fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Escapes Markdown in catalog text so it renders as written and never breaks a table. Text
/// between balanced backticks is kept as a code span (only `|` is escaped there, as tables need).
fn escape(text: &str) -> String {
    let balanced = text.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    for ch in text.chars() {
        match ch {
            '`' if balanced => {
                in_code = !in_code;
                out.push(ch);
            }
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            '\\' | '*' | '_' | '<' | '>' | '[' | ']' | '`' | '#' if !in_code => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// How to regenerate `docs/remediation.md`.
pub const REGENERATE_REMEDIATION: &str =
    "SIDEWATCH_BLESS=1 cargo test -p sidewatch-tests --test docs";

/// The content of `docs/remediation.md`: for every control, whether the remediation hook fixes it
/// automatically (and how) or only notifies (and why a person must act); then every refusal code
/// the guards give, and when.
pub fn remediation_markdown() -> String {
    use sidewatch_remediation::guard::SkipCode;
    use sidewatch_remediation::plan::{Remediability, remediation_table};
    let mut md = String::new();
    let rows = remediation_table();
    let automatic = rows
        .iter()
        .filter(|(_, r)| matches!(r, Remediability::Automatic(_)))
        .count();
    md.push_str(
        "<!-- Generated from the remediation each control declares (crates/core/src/controls) and \
         crates/remediation/src/guard.rs. Do not edit by \
         hand. -->\n\
         # Remediation: what sidewatch fixes, and what it leaves to a person\n\n",
    );
    let _ = writeln!(
        md,
        "Regenerate with `{REGENERATE_REMEDIATION}`. Remediation is opt-in per control \
         (allow-list), dry-run by default, never acts on a finding sidewatch did not make nor on \
         a resource other than the one the finding names in the function's own account and \
         Region, and re-reads the live resource before acting. A finding of another account is \
         refused (`other-account`, the account boundary); a global resource (IAM) has its findings \
         in the Region that reports it (the function's own, see the Region rule in \
         docs/architecture.md), so the remediation function of that Region acts on them. \
         {automatic} of {} controls can be fixed automatically; the others only notify, for the \
         reason given.\n",
        rows.len()
    );
    md.push_str("| Control | Title | Remediation | What it does / why not |\n|---|---|---|---|\n");
    for (control, remediability) in rows {
        let (kind, text) = match remediability {
            Remediability::Automatic(text) => ("automatic", text),
            Remediability::NotifyOnly(text) => ("notify only", text),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {kind} | {} |",
            control.id,
            escape(control.title),
            escape(text)
        );
    }
    md.push_str(
        "\n## Refusals\n\n\
         The guards run in order and the first that refuses decides; the finding is then left as \
         it is (no write, no note, no workflow change) and the decision is logged with its code. \
         Up to the remediability guard nothing is read either: the live resource is re-read only \
         for a finding that passed them all.\n\n\
         The same guards and codes apply to the OCSF findings of the new Security Hub's \
         \"Findings Imported V2\" events: each ASFF field below is read from its OCSF place \
         (`Id` from `finding_info.uid`, `ProductArn` from `metadata.product.uid`, `GeneratorId` \
         from `finding_info.analytic.uid`, `AwsAccountId` and `Region` from `cloud`, \
         `Compliance.Status` from `compliance.status_id`, `RecordState` from `activity_id` (3 \
         Close is `ARCHIVED`), `Workflow.Status` from `status_id`, `ProductFields` from \
         `unmapped`, `Resources` from `resources`).\n\n\
         | Code | Guard | Refused when |\n|---|---|---|\n",
    );
    for code in SkipCode::ALL {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} |",
            code.as_str(),
            code.guard(),
            escape(code.when())
        );
    }
    md
}

/// The catalog as JSON, for `sidewatch controls --format json`: an array of controls in id order.
pub fn controls_json() -> Value {
    controls_json_of(catalog())
}

/// Like [`controls_json`], for these controls (the catalog and the user's own).
pub fn controls_json_of(controls: &[&Control]) -> Value {
    Value::Array(controls.iter().map(|c| control_json(c)).collect())
}

fn control_json(c: &Control) -> Value {
    let mut value = json!({
        "id": c.id,
        "title": c.title,
        "severity": c.severity.label(),
        "duty": c.duty.slug(),
        "service": service_of_control(c).map(|s| s.slug),
        "category": service_of_control(c).map(|s| s.category.slug()),
        "resourceTypes": c.resource_types,
        "rationale": c.rationale,
        "remediation": c.remediation,
        "remediationUrl": c.remediation_url,
        "mappings": {
            "fsbp": c.mappings.fsbp,
            "cisV3": c.mappings.cis_v3,
            "nist80053R5": c.mappings.nist_800_53_r5,
        },
        "relatedRequirements": c.mappings.related_requirements(),
        "evidence": c.evidence.iter().map(|k| json!({
            "kind": k.name(),
            "apiActions": k.api_actions(),
        })).collect::<Vec<_>>(),
        "parameters": c.parameters.iter().map(|p| json!({
            "name": p.name,
            "type": p.kind.describe(),
            "default": p.default,
            "description": p.description,
        })).collect::<Vec<_>>(),
    });
    // A custom control also says where it is written.
    if let (Some(origin), Value::Object(map)) = (sidewatch_core::origin(c), &mut value) {
        map.insert("rulesFile".to_owned(), json!(origin.file));
        map.insert("rule".to_owned(), json!(origin.rule));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::params::ParamKind;
    use sidewatch_core::verdict::Verdict;

    static FAKE: Control = Control {
        id: "IAM.X7",
        title: "Policies should not allow \"*\" on | resources",
        severity: sidewatch_core::Severity::Critical,
        resource_types: &["AWS::IAM::Policy", "AWS::IAM::Role"],
        rationale: "Fails when `Action: *` is allowed; <b>never</b> on *all* [resources].",
        remediation: "Narrow the policy.",
        remediation_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
        remediation_hook: sidewatch_core::Remediation::NotifyOnly { why: "by hand" },
        duty: sidewatch_core::Duty::IdentityAndAccess,
        mappings: Mappings {
            fsbp: None,
            cis_v3: Some("1.16"),
            nist_800_53_r5: &[],
        },
        parameters: &[ParamSpec {
            name: "maxAge",
            kind: ParamKind::Int { min: 1, max: 365 },
            default: "90",
            description: "Days | at most.",
        }],
        evidence: &[sidewatch_core::EvidenceKind::IamUserAccessKeys],
        evaluate: |_| Verdict::pass("fake"),
    };

    #[test]
    fn markdown_has_header_summary_and_sections_for_every_control() {
        let md = controls_markdown();
        assert!(md.starts_with("<!-- Generated"));
        assert!(md.contains(REGENERATE));
        for c in catalog() {
            assert!(
                md.contains(&format!("| [{}](#{}) |", c.id, anchor(c.id))),
                "{}",
                c.id
            );
            assert!(md.contains(&format!("\n### {}\n", c.id)), "{}", c.id);
            assert!(md.contains(c.remediation_url), "{}", c.id);
        }
        assert!(md.contains("\n## S3\n"));
        assert!(md.contains("| `excludedPublicBuckets` | list of strings | (empty) |"));
        assert!(md.contains("NIST SP 800-53 Rev. 5: AC-3, AC-3(7)"));
        assert!(md.contains(
            "| Amazon S3 | Abstracted service | Resilience | [S3.14](#s314), [S3.20](#s320) |"
        ));
        assert!(md.contains(
            "| Amazon SQS | Abstracted service | Logging and monitoring | not checked by sidewatch |"
        ));
    }

    #[test]
    fn markdown_escapes_catalog_text_and_keeps_code_spans() {
        let md = controls_markdown_for(&[&FAKE]);
        assert!(md.contains("| [IAM.X7](#iamx7) | Policies should not allow \"\\*\" on \\| resources | CRITICAL | Abstracted service | Identity and access | `AWS::IAM::Policy`<br>`AWS::IAM::Role` | – | 1.16 |"), "{md}");
        assert!(
            md.contains("Fails when `Action: *` is allowed; \\<b\\>never\\</b\\> on \\*all\\* \\[resources\\]."),
            "{md}"
        );
        assert!(
            md.contains("| `maxAge` | integer 1..=365 | `90` | Days \\| at most. |"),
            "{md}"
        );
        assert!(md.contains("`--param IAM.X7.NAME=VALUE`"), "{md}");
        assert!(md.contains("NIST SP 800-53 Rev. 5: not mapped."), "{md}");
        assert!(
            md.contains("1 control: 0 decided by the configuration item alone, 1 that also needs"),
            "{md}"
        );
        assert_eq!(escape("odd ` tick_"), "odd \\` tick\\_");
    }

    #[test]
    fn json_lists_every_control_with_its_parameters() {
        let v = controls_json();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), catalog().len());
        let s3_8 = list.iter().find(|c| c["id"] == "S3.8").unwrap();
        assert_eq!(s3_8["severity"], "HIGH");
        assert_eq!(
            (&s3_8["service"], &s3_8["category"]),
            (&json!("s3"), &json!("abstracted"))
        );
        assert_eq!(s3_8["mappings"]["cisV3"], "2.1.4");
        assert_eq!(s3_8["parameters"][0]["name"], "excludedPublicBuckets");
        assert_eq!(
            s3_8["relatedRequirements"][0],
            "AWS Foundational Security Best Practices v1.0.0/S3.8"
        );
        let fake = control_json(&FAKE);
        assert_eq!(fake["mappings"]["fsbp"], Value::Null);
    }
}
