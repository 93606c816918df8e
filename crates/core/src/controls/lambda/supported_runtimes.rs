//! Lambda.2 — Lambda functions should use supported runtimes.
//!
//! AWS's rule (`lambda-function-settings-check`) compares `configuration.runtime` with a `runtime`
//! list and ignores functions packaged as container images (`packageType: Image`, which carry no
//! runtime); those are NOT_APPLICABLE here.
//!
//! The default list is the runtimes AWS Lambda supports (not deprecated) on 2026-11-23, taken from
//! the "Supported runtimes" table of <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>
//! as indexed on that date and AWS's runtime announcements:
//!
//! * Node.js `nodejs24.x`, `nodejs22.x` (`nodejs20.x` deprecated 2026-04-30);
//! * Python `python3.14`, `python3.13`, `python3.12`;
//! * Java `java25`, `java21` and the Amazon Linux 2023 builds of older Java, `java17.al2023`,
//!   `java11.al2023`, `java8.al2023` (released July 2026);
//! * .NET `dotnet10` (`dotnet8` deprecated 2026-11-10);
//! * Ruby `ruby3.4`, `ruby3.3`;
//! * OS-only `provided.al2023` (`provided.al2` deprecated 2026-07-31).
//!
//! Left out on purpose: the Amazon Linux 2 based `java8.al2`, `java11`, `java17`, `python3.10` and
//! `python3.11`. Amazon Linux 2 reached end of life on 2026-06-30; AWS keeps patching these
//! runtimes only for critical and selected important issues until their own deprecation dates.
//! Add them through the `runtime` parameter to accept that.
//!
//! The list dates; AWS deprecates runtimes on a published schedule. Override it with
//! `Lambda.2.runtime=…` as runtimes come and go.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const RUNTIME: &str = "runtime";

pub const CONTROL: Control = Control {
    id: "Lambda.2",
    title: "Lambda functions should use supported runtimes",
    severity: Severity::Medium,
    resource_types: &["AWS::Lambda::Function"],
    rationale: "Passes when configuration.runtime is in the runtime parameter (the runtimes AWS \
                Lambda supports); fails on any other runtime; functions packaged as container \
                images are not applicable.",
    remediation: "Move the function to a supported runtime of its language (for example \
                  python3.13 or nodejs22.x) after testing it there \
                  (lambda:UpdateFunctionConfiguration --runtime).",
    remediation_url: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "moving to a supported runtime needs code changes and tests",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("Lambda.2"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2", "SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
    },
    parameters: &[ParamSpec {
        name: RUNTIME,
        kind: ParamKind::StringList,
        default: "nodejs24.x,nodejs22.x,python3.14,python3.13,python3.12,java25,java21,\
                  java17.al2023,java11.al2023,java8.al2023,dotnet10,ruby3.4,ruby3.3,\
                  provided.al2023",
        description: "Comma-separated runtime identifiers that count as supported. The default \
                      is AWS Lambda's supported, non-Amazon-Linux-2 runtimes as of 2026-11-23.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let package = match item.read_str("/packageType") {
        Ok(package) => package.map(str::trim),
        Err(unreadable) => return unreadable.into(),
    };
    if package.is_some_and(|p| p.eq_ignore_ascii_case("Image")) {
        return Verdict::not_applicable(
            "the function is packaged as a container image; its runtime is inside the image",
        );
    }
    let runtime = match item.read_str("/runtime") {
        Ok(runtime) => runtime.map(str::trim).filter(|r| !r.is_empty()),
        Err(unreadable) => return unreadable.into(),
    };
    let Some(runtime) = runtime else {
        return Verdict::insufficient(format!(
            "the configuration item has no configuration.runtime (packageType {})",
            package.unwrap_or("not recorded")
        ));
    };
    let supported = ctx.str_list(RUNTIME);
    if supported.iter().any(|r| r.eq_ignore_ascii_case(runtime)) {
        Verdict::pass(format!("runtime {runtime} is supported"))
    } else if supported.len() <= 6 {
        Verdict::fail(format!(
            "runtime {runtime} is not in the supported runtimes ({})",
            supported.join(", ")
        ))
    } else {
        Verdict::fail(format!(
            "runtime {runtime} is not one of the {} supported runtimes of the runtime parameter \
             (deprecated or unknown)",
            supported.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::{Value, json};

    fn run(configuration: Value, runtimes: Option<&str>) -> Verdict {
        let overrides: Vec<(&str, &str)> = runtimes.map(|r| (RUNTIME, r)).into_iter().collect();
        test_support::run(
            &CONTROL,
            test_support::item("AWS::Lambda::Function", configuration),
            &overrides,
        )
    }

    #[test]
    fn supported_and_deprecated_runtimes() {
        for r in [
            "python3.13",
            "nodejs22.x",
            "java21",
            "provided.al2023",
            "dotnet10",
        ] {
            let v = run(json!({"runtime": r, "packageType": "Zip"}), None);
            assert!(v.is_compliant(), "{r}: {v}");
        }
        for r in [
            "python3.9",
            "nodejs20.x",
            "go1.x",
            "dotnet8",
            "java11",
            "provided.al2",
        ] {
            let v = run(json!({"runtime": r, "packageType": "Zip"}), None);
            assert!(v.is_non_compliant() && v.reason().contains(r), "{r}: {v}");
        }
    }

    #[test]
    fn the_list_is_a_parameter() {
        let v = run(json!({"runtime": "java11"}), Some("java11, java17"));
        assert!(v.is_compliant(), "{v}");
        let v = run(json!({"runtime": "python3.13"}), Some("java11"));
        assert_eq!(
            v,
            Verdict::fail("runtime python3.13 is not in the supported runtimes (java11)")
        );
    }

    #[test]
    fn images_are_not_applicable_and_missing_runtimes_insufficient() {
        assert!(run(json!({"packageType": "Image"}), None).is_not_applicable());
        assert!(run(json!({"packageType": "image", "runtime": null}), None).is_not_applicable());
        let v = run(json!({"packageType": "Zip"}), None);
        assert!(v.is_insufficient() && v.reason().contains("Zip"), "{v}");
        assert!(run(json!({"runtime": ""}), None).is_insufficient());
    }
}
