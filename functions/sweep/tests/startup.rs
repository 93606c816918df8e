//! The binary refuses to start without its settings, and says which variable is missing. (Also
//! makes `cargo test` build the real binary with the workspace's features, which the
//! end-to-end test in `tests/` runs behind `cargo lambda watch`.)

use std::process::Command;

#[test]
fn a_missing_setting_stops_the_container_with_its_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_sidewatch-sweep"))
        .env_clear()
        .env("SIDEWATCH_CONTROLS", "S3")
        .output()
        .expect("the binary runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("AWS_REGION"), "{stderr}");
}

#[test]
fn the_sweep_needs_its_queue() {
    let out = Command::new(env!("CARGO_BIN_EXE_sidewatch-sweep"))
        .env_clear()
        .env("AWS_REGION", "eu-west-1")
        .output()
        .expect("the binary runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SIDEWATCH_SWEEP_QUEUE_URL"), "{stderr}");
}
