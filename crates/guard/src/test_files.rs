//! `sidewatch rules test`: Guard's own unit tests of the rules, in Guard's own test file format,
//! kept beside the rules (`rules/tests/<rules file name>_tests.yaml`), run by Guard's test
//! command in-process — what `cfn-guard test --dir rules` runs.

use cfn_guard::CommandBuilder;
use cfn_guard::commands::Executable;
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// What the tests said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// Every expectation met.
    pub passed: bool,
    /// Guard's report, as `cfn-guard test` prints it.
    pub report: String,
}

/// Runs the tests of `path`: a folder (each `.guard` file with the test files of `tests/` whose
/// name starts with the rules file's name), or one rules file with `tests/<name>_tests.yaml`
/// (or `.yml`, `.json`) beside it.
pub fn run_tests(path: &Path) -> Result<TestOutcome, String> {
    let builder = if path.is_dir() {
        cfn_guard::TestBuilder::default().directory(Some(path.display().to_string()))
    } else {
        let data = test_file_of(path)?;
        cfn_guard::TestBuilder::default()
            .rules(Some(path.display().to_string()))
            .test_data(Some(data.display().to_string()))
    };
    let command = builder
        .try_build()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new()))
            .map_err(|e| e.to_string())?;
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(Vec::new())));
    let code = command
        .execute(&mut writer, &mut reader)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let report = writer.stripped().map_err(|e| e.to_string())?;
    if report.trim().is_empty() {
        return Err(format!(
            "{}: no Guard test file found (put them in tests/<rules file name>_tests.yaml)",
            path.display()
        ));
    }
    Ok(TestOutcome {
        passed: code == cfn_guard::commands::SUCCESS_STATUS_CODE,
        report,
    })
}

/// `dir/tests/<stem>_tests.{yaml,yml,json}` of the rules file `dir/<stem>.guard`.
fn test_file_of(rules: &Path) -> Result<PathBuf, String> {
    let stem = rules
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a rules file name", rules.display()))?;
    let tests = rules.parent().unwrap_or(Path::new(".")).join("tests");
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| tests.join(format!("{stem}_tests.{ext}")))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            format!(
                "{}: no Guard test file {}",
                rules.display(),
                tests.join(format!("{stem}_tests.yaml")).display()
            )
        })
}
