//! The user's own controls in AWS CloudFormation Guard: loading `--rules` for `scan` and
//! `controls`, and `sidewatch rules test`.

use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK, Io, RulesTestArgs, error};
use sidewatch_core::RuleSet;
use sidewatch_guard::GuardRules;
use std::path::PathBuf;
use std::sync::Arc;

/// The rule sets `--rules` names (none without it). A file that does not read or parse is the
/// error, with file, line and column, so nothing is scanned with part of the user's rules.
pub fn load(paths: &[PathBuf]) -> Result<Vec<Arc<dyn RuleSet>>, String> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let rules = GuardRules::load(paths).map_err(|e| format!("--rules: {e}"))?;
    Ok(vec![Arc::new(rules)])
}

/// `sidewatch rules test PATH`: Guard's report on standard output; exit 1 when a test fails, 2
/// when the tests cannot run.
pub fn test(args: &RulesTestArgs, io: &mut Io<'_>) -> u8 {
    match sidewatch_guard::run_tests(&args.path) {
        Ok(outcome) => {
            if io
                .stdout
                .write_all(outcome.report.as_bytes())
                .and_then(|()| io.stdout.flush())
                .is_err()
            {
                return EXIT_ERROR;
            }
            if outcome.passed { EXIT_OK } else { EXIT_FAILED }
        }
        Err(message) => {
            error(io.stderr, message);
            EXIT_ERROR
        }
    }
}
