//! JSON logs through `tracing`: one JSON object per line on stdout, no ANSI colours, the level
//! from `RUST_LOG` (default `info`). Handlers log with the fields `resource`, `control`,
//! `verdict`; the functions open a span with `request_id` per invocation, which every line
//! carries. Nothing logs a secret: environment values are never logged, and findings are logged
//! by id.

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber for the process. Call once, first thing in `main`; a second call
/// (tests) is a no-op.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .flatten_event(true)
        .try_init();
}
