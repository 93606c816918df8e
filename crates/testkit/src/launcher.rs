//! How a test's moto is started: `infra/moto_server.py` under the Python that runs the configured
//! `moto_server` script.
//!
//! `$SIDEWATCH_MOTO_SERVER` (or `moto_server` on `PATH`) names moto's console script; pip writes
//! the interpreter of its environment into the script's `#!` line, and that interpreter is the one
//! that can import moto. The launcher (see its header) serves moto exactly as the script does,
//! except that S3 GetBucketVersioning answers with S3's documented root element.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::SETUP;

/// The repository's launcher; the testkit only ever runs from the source tree.
const LAUNCHER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/moto_server.py");

/// A Python command line (interpreter and its leading arguments) plus the launcher script.
#[derive(Debug)]
pub(crate) struct MotoLauncher {
    python: Vec<String>,
    script: PathBuf,
    moto_server: PathBuf,
}

impl MotoLauncher {
    /// Finds the configured `moto_server` and its Python; panics with the setup steps otherwise.
    pub(crate) fn find() -> MotoLauncher {
        let moto_server = moto_server();
        let python = python_of(&moto_server).unwrap_or_else(|| {
            panic!(
                "cannot tell which Python runs {}: it has no `#!` line naming a Python and no \
                 executable `python` next to it; point SIDEWATCH_MOTO_SERVER at the \
                 `moto_server` console script of the environment moto is installed in; {SETUP}",
                moto_server.display()
            )
        });
        let script = PathBuf::from(LAUNCHER);
        assert!(
            script.is_file(),
            "the moto launcher {} is missing; restore infra/moto_server.py from the repository",
            script.display()
        );
        MotoLauncher {
            python,
            script,
            moto_server,
        }
    }

    /// `python [args] infra/moto_server.py`; the caller appends moto_server's own arguments.
    pub(crate) fn command(&self) -> Command {
        let mut command = self.python();
        command.arg(&self.script);
        command
    }

    /// `python [args]`: the interpreter of moto's environment.
    pub(crate) fn python(&self) -> Command {
        let mut command = Command::new(&self.python[0]);
        command.args(&self.python[1..]);
        command
    }
}

impl fmt::Display for MotoLauncher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (the Python of {})",
            self.python.join(" "),
            self.script.display(),
            self.moto_server.display()
        )
    }
}

/// `$SIDEWATCH_MOTO_SERVER`, else `moto_server` on `PATH`.
fn moto_server() -> PathBuf {
    if let Some(path) = std::env::var_os("SIDEWATCH_MOTO_SERVER").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            is_executable(&path),
            "SIDEWATCH_MOTO_SERVER={} is not an executable file; {SETUP}",
            path.display()
        );
        return path;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("moto_server"))
        .find(|p| is_executable(p))
        .unwrap_or_else(|| panic!("moto_server is not installed: {SETUP}"))
}

/// The Python command that runs `script`: its `#!` line when that names a Python (directly or
/// through `env`), else an executable `python` in the same directory (a virtualenv's `bin/`).
fn python_of(script: &Path) -> Option<Vec<String>> {
    let text = std::fs::read(script).ok()?;
    let first_line = text.split(|b| *b == b'\n').next()?;
    let shebang = std::str::from_utf8(first_line).ok()?.strip_prefix("#!");
    let words: Vec<String> = shebang
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if names_python(&words) {
        return Some(words);
    }
    let sibling = script.parent()?.join("python");
    is_executable(&sibling).then(|| vec![sibling.to_string_lossy().into_owned()])
}

/// `/x/bin/python3.11` or `/usr/bin/env python3`.
fn names_python(words: &[String]) -> bool {
    let is_python = |word: &String| {
        Path::new(word)
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("python"))
    };
    match words {
        [program, ..] if is_python(program) => true,
        [program, argument, ..] => program.ends_with("/env") && is_python(argument),
        _ => false,
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn a_python_shebang_is_recognized_and_anything_else_is_not() {
        assert!(names_python(&words("/home/dev/sidewatch/.venv/bin/python")));
        assert!(names_python(&words("/usr/bin/python3.11 -E")));
        assert!(names_python(&words("/usr/bin/env python3")));
        assert!(!names_python(&words("/bin/sh")));
        assert!(!names_python(&words("/usr/bin/env bash")));
        assert!(!names_python(&[]));
    }

    #[test]
    fn the_interpreter_comes_from_the_scripts_shebang() {
        let dir = std::env::temp_dir().join(format!("sidewatch-testkit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("moto_server");
        std::fs::write(&script, "#!/opt/venv/bin/python\nimport moto\n").unwrap();
        assert_eq!(
            python_of(&script),
            Some(vec!["/opt/venv/bin/python".to_owned()])
        );
        std::fs::write(&script, "#!/bin/sh\nexec something\n").unwrap();
        assert_eq!(python_of(&script), None, "no python next to it either");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
