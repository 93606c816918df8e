//! The control fixtures, shared by the test binaries that run them.
//!
//! Fixtures live beside the controls: `src/controls/<service>/fixtures/<control id>/<expect>-<what>.json`
//! where `<expect>` is `pass`, `fail`, `na` or `insufficient`. Each file is one configuration item
//! in either shape AWS delivers.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use sidewatch_core::{ComplianceType, ConfigurationItem};
use std::path::{Path, PathBuf};

/// One fixture file, read.
pub struct Fixture {
    pub path: PathBuf,
    pub control: String,
    pub expect: ComplianceType,
    pub api_shape: bool,
    pub resource_type: String,
    pub item: ConfigurationItem,
}

pub fn controls_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/controls")
}

/// Every fixture, in path order.
pub fn load_fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    let mut services: Vec<_> = std::fs::read_dir(controls_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("fixtures").is_dir())
        .collect();
    services.sort();
    for service in services {
        let mut control_dirs: Vec<_> = std::fs::read_dir(service.join("fixtures"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        control_dirs.sort();
        for dir in control_dirs {
            assert!(
                dir.is_dir(),
                "{}: fixtures go in a folder per control id",
                dir.display()
            );
            let control = dir.file_name().unwrap().to_string_lossy().into_owned();
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for path in files {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    name.ends_with(".json"),
                    "{}: fixtures are .json files",
                    path.display()
                );
                let expect = match name.split('-').next().unwrap() {
                    "pass" => ComplianceType::Compliant,
                    "fail" => ComplianceType::NonCompliant,
                    "na" => ComplianceType::NotApplicable,
                    "insufficient" => ComplianceType::InsufficientData,
                    other => panic!(
                        "{}: name must start with pass-, fail-, na- or insufficient-, not {other}-",
                        path.display()
                    ),
                };
                let text = std::fs::read_to_string(&path).unwrap();
                let raw: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
                let api_shape = raw.get("configuration").is_some_and(|c| c.is_string());
                let item = ConfigurationItem::from_value(raw).unwrap_or_else(|e| {
                    panic!("{}: not a configuration item: {e}", path.display())
                });
                out.push(Fixture {
                    path,
                    control: control.clone(),
                    expect,
                    api_shape,
                    resource_type: item.resource_type.clone(),
                    item,
                });
            }
        }
    }
    out
}
