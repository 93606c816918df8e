//! `sidewatch-events`: see the README's Functions section. The handler is
//! `sidewatch_lambda::events::handle`; the AWS adapters it needs (Security Hub publisher and
//! findings reader, Config reporter and item reader from `sidewatch-aws`) are wired here once they
//! land. Until then the binary checks its settings and stops with an error, so a deployment can
//! never run it half-wired.

use sidewatch_lambda::runtime::Container;

fn main() -> Result<(), lambda_runtime::Error> {
    let _container = Container::from_env()?;
    Err("sidewatch-events: the AWS adapters are not wired in yet".into())
}
