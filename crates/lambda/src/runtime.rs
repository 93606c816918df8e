//! The Lambda runtime loop every function runs: one span per invocation with its `request_id`,
//! the outcome logged and counted in an EMF line, errors returned to Lambda (which retries the
//! invocation, then keeps the event in the dead-letter queue).

use crate::common::{Clock, HandlerError, conclude};
use crate::metrics::Metrics;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use std::future::Future;
use std::time::Instant;
use tracing::Instrument;

/// Serves invocations until the runtime stops: each event's payload goes to `handler`, which
/// returns the response and the counts.
pub async fn serve<C, H, Fut>(
    function: &'static str,
    clock: &C,
    handler: H,
) -> Result<(), lambda_runtime::Error>
where
    C: Clock,
    H: Fn(Value) -> Fut,
    Fut: Future<Output = Result<(Value, Metrics), HandlerError>>,
{
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let span = tracing::info_span!(
            "invocation",
            request_id = %event.context.request_id,
            function
        );
        let work = handler(event.payload);
        async move {
            let started = Instant::now();
            let result = work.instrument(span.clone()).await;
            let _entered = span.enter();
            let metrics = match &result {
                Ok((_, metrics)) => *metrics,
                Err(error) => error.metrics(),
            };
            conclude(
                function,
                started,
                clock.now(),
                metrics,
                result.as_ref().err(),
            );
            result
                .map(|(response, _)| response)
                .map_err(lambda_runtime::Error::from)
        }
    }))
    .await
}

/// What a function builds once per container before its ports: JSON logs, settings, engine,
/// clock.
#[derive(Debug)]
pub struct Container {
    pub settings: crate::Settings,
    pub engine: sidewatch_core::Engine,
    pub clock: crate::SystemClock,
}

impl Container {
    /// Installs the JSON logs and reads the settings; a wrong setting stops the container with
    /// the variable's name.
    pub fn from_env() -> Result<Self, lambda_runtime::Error> {
        crate::logging::init();
        let settings = crate::Settings::from_env()?;
        let engine = sidewatch_core::Engine::new(&settings.engine)?;
        Ok(Container {
            settings,
            engine,
            clock: crate::SystemClock,
        })
    }

    /// The context every invocation's handler gets.
    pub fn invocation(&self) -> crate::Invocation<'_, crate::SystemClock> {
        crate::Invocation {
            settings: &self.settings,
            engine: &self.engine,
            clock: &self.clock,
        }
    }

    /// [`serve`] with this container's clock.
    pub async fn serve<H, Fut>(
        &self,
        function: &'static str,
        handler: H,
    ) -> Result<(), lambda_runtime::Error>
    where
        H: Fn(Value) -> Fut,
        Fut: Future<Output = Result<(Value, Metrics), HandlerError>>,
    {
        serve(function, &self.clock, handler).await
    }
}
