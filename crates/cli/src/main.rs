//! The `sidewatch` binary: all logic is in the library, so tests and benchmarks run the same code.

fn main() -> std::process::ExitCode {
    sidewatch_cli::main()
}
