//! The `sidewatch` command line, as a library so tests and benchmarks drive the same code.
