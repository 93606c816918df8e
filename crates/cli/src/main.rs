//! The `sidewatch` binary: all logic is in the library, so tests and benchmarks run the same code.

/// mimalloc: a scan parses on one thread and evaluates on another, so most values are freed by
/// a thread other than the one that allocated them, where glibc's malloc takes a lock each time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sidewatch_cli::main()
}
