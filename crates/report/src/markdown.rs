//! The report as Markdown, for a ticket or a wiki page.

use crate::{Counts, Coverage, DutyReport, Lang, Report, ServiceReport};
use std::fmt::Write as _;

/// The status columns, as ASFF and AWS Config spell them (the same in every language).
pub(crate) const STATUS_COLUMNS: [&str; 4] = ["PASSED", "FAILED", "INSUFFICIENT_DATA", "N/A"];

/// The report as Markdown.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut md, report, lang);
    md
}

fn write_report(md: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
    let t = lang.texts();
    writeln!(md, "# {}", t.title)?;
    writeln!(md)?;
    writeln!(
        md,
        "{} sidewatch {} · {}: {}",
        t.generated_by,
        sidewatch_core::VERSION,
        t.input,
        cell(&report.input)
    )?;
    writeln!(md)?;
    writeln!(md, "{}", t.intro)?;
    writeln!(md)?;
    writeln!(
        md,
        "**{}**: {} — {}",
        t.verdicts,
        report.totals.total(),
        counts_line(&report.totals)
    )?;
    if let Some(n) = report.items_without_control.filter(|n| *n > 0) {
        writeln!(md)?;
        writeln!(md, "{}: {n}", t.items_without_control)?;
    }
    writeln!(md)?;
    writeln!(md, "## {}", t.services_in_use)?;
    writeln!(md)?;
    if report.services.is_empty() && report.account.is_none() {
        writeln!(md, "{}", t.no_services)?;
    } else {
        writeln!(
            md,
            "| {} | {} | {} | {} |",
            t.service,
            t.category,
            STATUS_COLUMNS.join(" | "),
            t.unchecked_duties
        )?;
        writeln!(md, "|---|---|---:|---:|---:|---:|---|")?;
        for s in report.sections() {
            let unchecked: Vec<&str> = s.unchecked().map(|d| lang.duty(d)).collect();
            writeln!(
                md,
                "| {} | {} | {} | {} |",
                s.service.name,
                lang.category(s.service.category),
                count_cells(&s.counts),
                if unchecked.is_empty() {
                    t.none.to_owned()
                } else {
                    unchecked.join(", ")
                }
            )?;
        }
    }
    for s in &report.services {
        write_service(
            md,
            s,
            lang,
            &format!("{} · {}", s.service.name, lang.category(s.service.category)),
        )?;
    }
    if let Some(account) = &report.account {
        write_service(md, account, lang, t.account_duties)?;
    }
    Ok(())
}

fn write_service(
    md: &mut String,
    s: &ServiceReport,
    lang: Lang,
    heading: &str,
) -> std::fmt::Result {
    let t = lang.texts();
    writeln!(md)?;
    writeln!(md, "## {heading}")?;
    writeln!(md)?;
    write!(md, "{}", lang.split(s.service.category))?;
    if !s.service.note.is_empty() && lang == Lang::En {
        write!(md, " {}", s.service.note)?;
    }
    writeln!(md)?;
    writeln!(md)?;
    let types: Vec<String> = s.resource_types.iter().map(|t| format!("`{t}`")).collect();
    writeln!(md, "{}: {}", t.resource_types, types.join(", "))?;
    for d in &s.duties {
        write_duty(md, d, lang)?;
    }
    Ok(())
}

fn write_duty(md: &mut String, d: &DutyReport, lang: Lang) -> std::fmt::Result {
    let t = lang.texts();
    writeln!(md)?;
    match d.coverage {
        Coverage::NotChecked => {
            writeln!(md, "### {} — {}", lang.duty(d.duty), t.not_checked)?;
            writeln!(md)?;
            writeln!(md, "{}", t.not_checked_why)?;
            return Ok(());
        }
        Coverage::NoVerdicts => {
            writeln!(md, "### {}", lang.duty(d.duty))?;
            writeln!(md)?;
            let ids: Vec<&str> = d.silent_controls.iter().map(|c| c.id).collect();
            writeln!(md, "{} {}", t.no_verdicts, ids.join(", "))?;
            return Ok(());
        }
        Coverage::Checked => {}
    }
    writeln!(md, "### {} — {}", lang.duty(d.duty), counts_line(&d.counts))?;
    writeln!(md)?;
    writeln!(
        md,
        "| {} | {} | {} |",
        t.control,
        STATUS_COLUMNS.join(" | "),
        t.title_column
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---|")?;
    for c in &d.controls {
        writeln!(
            md,
            "| {} ({}) | {} | {} |",
            c.control.id,
            c.control.severity.label(),
            count_cells(&c.counts),
            cell(c.control.title)
        )?;
    }
    if !d.silent_controls.is_empty() {
        let ids: Vec<&str> = d.silent_controls.iter().map(|c| c.id).collect();
        writeln!(md)?;
        writeln!(md, "{} {}", t.no_verdicts, ids.join(", "))?;
    }
    if !d.failing.is_empty() {
        writeln!(md)?;
        writeln!(
            md,
            "{} ({} {} {}):",
            t.failing_resources,
            d.failing.len(),
            t.shown_of,
            d.counts.failed
        )?;
        writeln!(md)?;
        writeln!(md, "| {} | {} | {} |", t.resource, t.control, t.reason)?;
        writeln!(md, "|---|---|---|")?;
        for f in &d.failing {
            writeln!(
                md,
                "| `{}` {} | {} | {} |",
                f.resource_type,
                cell(&f.resource_id),
                f.control.id,
                cell(&f.reason)
            )?;
        }
    }
    Ok(())
}

/// "PASSED 3 · FAILED 1 · INSUFFICIENT_DATA 0 · N/A 2".
pub(crate) fn counts_line(c: &Counts) -> String {
    STATUS_COLUMNS
        .iter()
        .zip(counts_of(c))
        .map(|(label, n)| format!("{label} {n}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The counts in [`STATUS_COLUMNS`] order.
pub(crate) fn counts_of(c: &Counts) -> [u64; 4] {
    [c.passed, c.failed, c.insufficient, c.not_applicable]
}

fn count_cells(c: &Counts) -> String {
    counts_of(c).map(|n| n.to_string()).join(" | ")
}

/// Text from the input (resource ids, reasons) made safe for a table cell: one line, no column
/// break, no HTML, no emphasis or link syntax.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' | '\r' | '\t' => out.push(' '),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_has_every_section_and_escapes_input_text() {
        let md = render(&crate::tests::sample(10), Lang::En);
        assert!(md.starts_with("# Shared responsibility report\n"));
        assert!(md.contains("**Verdicts**: 7 — PASSED 1 · FAILED 4 · INSUFFICIENT_DATA 1 · N/A 1"));
        assert!(
            md.contains("| Amazon S3 | Abstracted service | 1 | 2 | 1 | 0 | none |"),
            "S3's logging and resilience controls gave no verdict, but exist: {md}"
        );
        assert!(md.contains("## Amazon EC2 and Amazon VPC · Infrastructure service"));
        assert!(md.contains("## Account-level duties"));
        assert!(md.contains(
            "### Identity and access — PASSED 1 · FAILED 1 · INSUFFICIENT_DATA 1 · N/A 0"
        ));
        assert!(
            md.contains("blockPublicPolicy is false \\<&\\> \\| x"),
            "{md}"
        );
        assert!(md.contains("| S3.8 (HIGH) | 1 | 1 | 0 | 0 |"), "{md}");
        let ja = render(&crate::tests::sample(10), Lang::Ja);
        assert!(ja.starts_with("# 責任共有モデル レポート\n"));
        assert!(ja.contains("## アカウントレベルの責任"));
        assert!(ja.contains("### ID とアクセス管理 — PASSED 1"));
    }
}
