//! The report as JSON, for machines: stable slugs for services, categories, duties and coverage,
//! the names in the chosen language beside them.

use crate::{Counts, DutyReport, Lang, Report, ServiceReport};
use serde_json::{Value, json};

/// The report as a JSON value.
pub fn render(report: &Report, lang: Lang) -> Value {
    json!({
        "generator": format!("sidewatch {}", sidewatch_core::VERSION),
        "input": report.input,
        "top": report.top,
        "totals": counts(&report.totals),
        "itemsWithoutControl": report.items_without_control,
        "services": report.services.iter().map(|s| service(s, lang)).collect::<Vec<_>>(),
        "account": report.account.as_ref().map(|s| service(s, lang)),
    })
}

fn counts(c: &Counts) -> Value {
    json!({
        "passed": c.passed,
        "failed": c.failed,
        "insufficientData": c.insufficient,
        "notApplicable": c.not_applicable,
        "total": c.total(),
    })
}

fn service(s: &ServiceReport, lang: Lang) -> Value {
    json!({
        "service": s.service.slug,
        "name": s.service.name,
        "category": s.service.category.slug(),
        "categoryName": lang.category(s.service.category),
        "resourceTypes": s.resource_types,
        "counts": counts(&s.counts),
        "duties": s.duties.iter().map(|d| duty(d, lang)).collect::<Vec<_>>(),
    })
}

fn duty(d: &DutyReport, lang: Lang) -> Value {
    json!({
        "duty": d.duty.slug(),
        "name": lang.duty(d.duty),
        "coverage": d.coverage.slug(),
        "counts": counts(&d.counts),
        "controls": d.controls.iter().map(|c| json!({
            "id": c.control.id,
            "title": c.control.title,
            "severity": c.control.severity.label(),
            "counts": counts(&c.counts),
        })).collect::<Vec<_>>(),
        "controlsWithoutVerdicts": d.silent_controls.iter().map(|c| c.id).collect::<Vec<_>>(),
        "failing": d.failing.iter().map(|f| json!({
            "controlId": f.control.id,
            "severity": f.control.severity.label(),
            "resourceType": f.resource_type,
            "resourceId": f.resource_id,
            "reason": f.reason,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_counts_add_up_and_use_slugs() {
        let v = render(&crate::tests::sample(1), Lang::En);
        assert_eq!(v["totals"]["total"], 7);
        assert_eq!(v["services"][0]["category"], "infrastructure");
        assert_eq!(v["account"]["category"], "account");
        let s3 = &v["services"][1];
        let access = s3["duties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["duty"] == "data-protection")
            .unwrap();
        assert_eq!(access["failing"][0]["controlId"], "S3.5");
        let ja = render(&crate::tests::sample(1), Lang::Ja);
        assert_eq!(ja["services"][1]["duties"][0]["name"], "データ保護と暗号化");
        assert_eq!(ja["services"][1]["duties"][0]["duty"], "data-protection");
    }
}
