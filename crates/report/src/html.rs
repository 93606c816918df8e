//! The report as one self-contained HTML file: inline CSS, an inline SVG bar per duty (the share
//! of PASSED, FAILED and INSUFFICIENT_DATA verdicts), the failing resources in tables. No script,
//! no font, no image, no link: nothing is fetched, so it opens offline, attached to a ticket, and
//! prints as it shows. It is written as well-formed XHTML (every element closed, every text
//! escaped), so an XML parser reads it as well as a browser.

use crate::markdown::{STATUS_COLUMNS, counts_line, counts_of};
use crate::{Counts, Coverage, DutyReport, Lang, Report, ServiceReport};
use std::fmt::Write as _;

const STYLE: &str = "
:root { --pass: #2e7d32; --fail: #c62828; --insufficient: #f9a825; --none: #d0d4d9; --ink: #1d2329; --muted: #5b6670; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK JP', sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; font-size: 14px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 6px; border-bottom: 2px solid var(--none); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0; }
.meta, .split, .types, .silent, .why { color: var(--muted); }
.category { font-size: 13px; font-weight: normal; color: var(--muted); margin-left: 8px; padding: 1px 8px; border: 1px solid var(--none); border-radius: 10px; white-space: nowrap; }
.totals { font-size: 15px; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.fail { color: var(--fail); font-weight: 600; }
code { font-size: 12px; background: #f3f5f7; padding: 0 3px; border-radius: 3px; }
.duty { border: 1px solid #e3e6ea; border-left: 5px solid var(--pass); border-radius: 4px; padding: 10px 14px; margin: 10px 0; break-inside: avoid; }
.duty.failed { border-left-color: var(--fail); }
.duty.unchecked { border-left-color: var(--insufficient); background: #fffbea; }
.duty.silent { border-left-color: var(--none); }
.head { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; }
.head h3 { flex: 0 0 260px; }
.bar { flex: 1 1 300px; height: 16px; }
.figures { font-size: 12px; color: var(--muted); }
.failing { font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; }
  .service { break-before: auto; }
  table, .duty { break-inside: avoid; }
}
";

/// The report as one HTML document.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut html = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut html, report, lang);
    html
}

fn write_report(h: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
    let t = lang.texts();
    writeln!(h, "<!DOCTYPE html>")?;
    writeln!(h, "<html lang=\"{}\">", t.code)?;
    writeln!(h, "<head>")?;
    writeln!(h, "<meta charset=\"utf-8\"/>")?;
    writeln!(
        h,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
    )?;
    writeln!(
        h,
        "<title>{} — {}</title>",
        esc(t.title),
        esc(&report.input)
    )?;
    writeln!(h, "<style>{STYLE}</style>")?;
    writeln!(h, "</head>")?;
    writeln!(h, "<body>")?;
    writeln!(h, "<header>")?;
    writeln!(h, "<h1>{}</h1>", esc(t.title))?;
    writeln!(
        h,
        "<p class=\"meta\">{} sidewatch {} · {}: <code>{}</code></p>",
        esc(t.generated_by),
        sidewatch_core::VERSION,
        esc(t.input),
        esc(&report.input)
    )?;
    writeln!(h, "<p>{}</p>", esc(t.intro))?;
    writeln!(
        h,
        "<p class=\"totals\"><strong>{}: {}</strong> — {}</p>",
        esc(t.verdicts),
        report.totals.total(),
        esc(&counts_line(&report.totals))
    )?;
    if let Some(n) = report.items_without_control.filter(|n| *n > 0) {
        writeln!(
            h,
            "<p class=\"meta\">{}: {n}</p>",
            esc(t.items_without_control)
        )?;
    }
    writeln!(
        h,
        "<p class=\"legend\"><span><i style=\"background: var(--pass)\"></i>PASSED</span>\
         <span><i style=\"background: var(--fail)\"></i>FAILED</span>\
         <span><i style=\"background: var(--insufficient)\"></i>INSUFFICIENT_DATA</span></p>"
    )?;
    writeln!(h, "</header>")?;
    write_overview(h, report, lang)?;
    for s in &report.services {
        let category = lang.category(s.service.category);
        let heading = format!(
            "{} <span class=\"category\">{}</span>",
            esc(s.service.name),
            esc(category)
        );
        write_service(h, s, lang, &heading)?;
    }
    if let Some(account) = &report.account {
        write_service(h, account, lang, &esc(t.account_duties))?;
    }
    writeln!(h, "</body>")?;
    writeln!(h, "</html>")
}

fn write_overview(h: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
    let t = lang.texts();
    writeln!(h, "<section>")?;
    writeln!(h, "<h2>{}</h2>", esc(t.services_in_use))?;
    if report.services.is_empty() && report.account.is_none() {
        writeln!(h, "<p>{}</p>", esc(t.no_services))?;
        return writeln!(h, "</section>");
    }
    write!(
        h,
        "<table class=\"overview\"><thead><tr><th>{}</th><th>{}</th><th></th>",
        esc(t.service),
        esc(t.category)
    )?;
    for label in STATUS_COLUMNS {
        write!(h, "<th class=\"n\">{label}</th>")?;
    }
    writeln!(
        h,
        "<th>{}</th></tr></thead><tbody>",
        esc(t.unchecked_duties)
    )?;
    for s in report.sections() {
        let unchecked: Vec<&str> = s.unchecked().map(|d| lang.duty(d)).collect();
        write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            esc(s.service.name),
            esc(lang.category(s.service.category)),
            bar(&s.counts, 160)
        )?;
        write_count_cells(h, &s.counts)?;
        writeln!(
            h,
            "<td>{}</td></tr>",
            esc(&if unchecked.is_empty() {
                t.none.to_owned()
            } else {
                unchecked.join(", ")
            })
        )?;
    }
    writeln!(h, "</tbody></table>")?;
    writeln!(h, "</section>")
}

fn write_service(
    h: &mut String,
    s: &ServiceReport,
    lang: Lang,
    heading_html: &str,
) -> std::fmt::Result {
    let t = lang.texts();
    writeln!(h, "<section class=\"service\" id=\"{}\">", s.service.slug)?;
    writeln!(h, "<h2>{heading_html}</h2>")?;
    let mut split = lang.split(s.service.category).to_owned();
    if !s.service.note.is_empty() && lang == Lang::En {
        split.push(' ');
        split.push_str(s.service.note);
    }
    writeln!(h, "<p class=\"split\">{}</p>", esc(&split))?;
    let types: Vec<String> = s
        .resource_types
        .iter()
        .map(|t| format!("<code>{}</code>", esc(t)))
        .collect();
    writeln!(
        h,
        "<p class=\"types\">{}: {}</p>",
        esc(t.resource_types),
        types.join(", ")
    )?;
    for d in &s.duties {
        write_duty(h, d, lang)?;
    }
    writeln!(h, "</section>")
}

fn write_duty(h: &mut String, d: &DutyReport, lang: Lang) -> std::fmt::Result {
    let t = lang.texts();
    let class = match d.coverage {
        Coverage::NotChecked => "unchecked",
        Coverage::NoVerdicts => "silent",
        Coverage::Checked if d.counts.failed > 0 => "failed",
        Coverage::Checked => "passed",
    };
    writeln!(h, "<div class=\"duty {class}\">")?;
    write!(h, "<div class=\"head\"><h3>{}</h3>", esc(lang.duty(d.duty)))?;
    match d.coverage {
        Coverage::NotChecked => {
            writeln!(h, "<strong>{}</strong></div>", esc(t.not_checked))?;
            writeln!(h, "<p class=\"why\">{}</p>", esc(t.not_checked_why))?;
            return writeln!(h, "</div>");
        }
        Coverage::NoVerdicts => {
            writeln!(h, "</div>")?;
            write_silent(h, d, lang)?;
            return writeln!(h, "</div>");
        }
        Coverage::Checked => {}
    }
    writeln!(
        h,
        "{}<span class=\"figures\">{}</span></div>",
        bar(&d.counts, 300),
        esc(&counts_line(&d.counts))
    )?;
    write!(h, "<table><thead><tr><th>{}</th>", esc(t.control))?;
    for label in STATUS_COLUMNS {
        write!(h, "<th class=\"n\">{label}</th>")?;
    }
    writeln!(h, "<th>{}</th></tr></thead><tbody>", esc(t.title_column))?;
    for c in &d.controls {
        write!(
            h,
            "<tr><td>{} <span class=\"meta\">{}</span></td>",
            esc(c.control.id),
            c.control.severity.label()
        )?;
        write_count_cells(h, &c.counts)?;
        writeln!(h, "<td>{}</td></tr>", esc(c.control.title))?;
    }
    writeln!(h, "</tbody></table>")?;
    if !d.silent_controls.is_empty() {
        write_silent(h, d, lang)?;
    }
    if !d.failing.is_empty() {
        writeln!(
            h,
            "<p><strong>{}</strong> ({} {} {})</p>",
            esc(t.failing_resources),
            d.failing.len(),
            esc(t.shown_of),
            d.counts.failed
        )?;
        writeln!(
            h,
            "<table class=\"failing\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(t.resource),
            esc(t.control),
            esc(t.reason)
        )?;
        for f in &d.failing {
            writeln!(
                h,
                "<tr><td><code>{}</code><br/>{}</td><td>{} <span class=\"meta\">{}</span></td><td>{}</td></tr>",
                esc(&f.resource_type),
                esc(&f.resource_id),
                esc(f.control.id),
                f.control.severity.label(),
                esc(&f.reason)
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    writeln!(h, "</div>")
}

/// The duty's controls that gave no verdict in this input.
fn write_silent(h: &mut String, d: &DutyReport, lang: Lang) -> std::fmt::Result {
    let ids: Vec<&str> = d.silent_controls.iter().map(|c| c.id).collect();
    writeln!(
        h,
        "<p class=\"silent\">{} {}</p>",
        esc(lang.texts().no_verdicts),
        esc(&ids.join(", "))
    )
}

fn write_count_cells(h: &mut String, c: &Counts) -> std::fmt::Result {
    for (i, n) in counts_of(c).into_iter().enumerate() {
        let class = if i == 1 && n > 0 { "n fail" } else { "n" };
        write!(h, "<td class=\"{class}\">{n}</td>")?;
    }
    Ok(())
}

/// An inline SVG bar `width` pixels wide: the shares of PASSED, FAILED and INSUFFICIENT_DATA
/// among the verdicts that are not NOT_APPLICABLE; grey when there are none.
fn bar(c: &Counts, width: u32) -> String {
    let decided = c.passed + c.failed + c.insufficient;
    let mut svg = format!(
        "<svg class=\"bar\" width=\"{width}\" height=\"16\" viewBox=\"0 0 {width} 16\" role=\"img\" \
         aria-label=\"{}\"><rect x=\"0\" y=\"0\" width=\"{width}\" height=\"16\" rx=\"3\" fill=\"#d0d4d9\"/>",
        esc(&counts_line(c))
    );
    if decided > 0 {
        let mut x = 0.0;
        for (n, colour) in [
            (c.passed, "#2e7d32"),
            (c.failed, "#c62828"),
            (c.insufficient, "#f9a825"),
        ] {
            if n == 0 {
                continue;
            }
            let w = f64::from(width) * n as f64 / decided as f64;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"16\" fill=\"{colour}\"/>"
            );
            x += w;
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Text escaped for HTML element content and attribute values alike.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML; a reason never needs them.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_well_formed_and_fetches_nothing() {
        for lang in [Lang::En, Lang::Ja] {
            let html = render(&crate::tests::sample(10), lang);
            let doc = roxmltree::Document::parse_with_options(
                &html,
                roxmltree::ParsingOptions {
                    allow_dtd: true,
                    ..roxmltree::ParsingOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("{lang:?}: not well-formed: {e}\n{html}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "html");
            assert_eq!(root.attribute("lang"), Some(lang.texts().code));
            for node in doc.descendants().filter(|n| n.is_element()) {
                for attr in node.attributes() {
                    assert!(
                        !matches!(attr.name(), "href" | "src" | "action" | "srcset"),
                        "{lang:?}: <{} {}>",
                        node.tag_name().name(),
                        attr.name()
                    );
                }
            }
            assert!(!html.contains("url(") && !html.contains("@import") && !html.contains("://"));
            assert!(html.contains("blockPublicPolicy is false &lt;&amp;&gt; | x"));
            let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
            assert!(svgs >= 5, "a bar per service and per checked duty: {svgs}");
        }
    }

    #[test]
    fn the_bar_shows_the_shares() {
        let c = Counts {
            passed: 3,
            failed: 1,
            insufficient: 0,
            not_applicable: 9,
        };
        let svg = bar(&c, 100);
        assert!(
            svg.contains("width=\"75.0\" height=\"16\" fill=\"#2e7d32\""),
            "{svg}"
        );
        assert!(svg.contains("x=\"75.0\" y=\"0\" width=\"25.0\""), "{svg}");
        assert!(!svg.contains("#f9a825"));
        assert!(!bar(&Counts::default(), 100).contains("#2e7d32"));
    }
}
