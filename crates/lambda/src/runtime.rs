//! The Lambda runtime loop every function runs: one span per invocation with its `request_id`,
//! the function's own account read from the ARN it was invoked under, the outcome logged and
//! counted in an EMF line, errors returned to Lambda (which retries the invocation, then keeps the
//! event in the dead-letter queue) with a short, stable `errorType` per failure class
//! ([`HandlerError::error_type`]) and a message that says what to do.

use crate::common::{Clock, HandlerError, conclude};
use crate::metrics::Metrics;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::ports::{CallerIdentity, RulesStore};
use std::future::Future;
use std::sync::OnceLock;
use std::time::Instant;
use tracing::Instrument;

/// The `errorType` of an invocation whose context names no account (it never happens under
/// Lambda, which always sends the function's ARN).
pub const INVALID_CONTEXT: &str = "InvalidContext";

/// What Lambda reports for a failed invocation: the failure class and what to do.
pub fn diagnostic(error: &HandlerError) -> Diagnostic {
    Diagnostic {
        error_type: error.error_type().to_owned(),
        error_message: error.to_string(),
    }
}

/// Serves invocations until the runtime stops: each event's payload goes to `handler` with the
/// function's own account, and the handler returns the response and the counts.
///
/// The account is the one in the ARN Lambda invoked the function under. Where that names none (a
/// local Lambda emulator sends a placeholder; Lambda itself never does), `identity` is asked once
/// per container (`sts:GetCallerIdentity`, which needs no permission); without an account the
/// invocation fails as `InvalidContext`, before anything is read or written.
pub async fn serve<C, I, H, Fut>(
    function: &'static str,
    clock: &C,
    identity: &I,
    handler: H,
) -> Result<(), lambda_runtime::Error>
where
    C: Clock,
    I: CallerIdentity + Sync,
    H: Fn(Value, AccountBoundary) -> Fut,
    Fut: Future<Output = Result<(Value, Metrics), HandlerError>>,
{
    let handler = &handler;
    let asked: &OnceLock<AccountBoundary> = &OnceLock::new();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let span = tracing::info_span!(
            "invocation",
            request_id = %event.context.request_id,
            function
        );
        let arn = event.context.invoked_function_arn;
        let payload = event.payload;
        async move {
            let account = match own_account(&arn, identity, asked)
                .instrument(span.clone())
                .await
            {
                Ok(account) => account,
                Err(message) => {
                    let _entered = span.enter();
                    tracing::error!(error_type = INVALID_CONTEXT, "{message}");
                    return Err(Diagnostic {
                        error_type: INVALID_CONTEXT.to_owned(),
                        error_message: message,
                    });
                }
            };
            let started = Instant::now();
            let result = handler(payload, account).instrument(span.clone()).await;
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
                .map_err(|error| diagnostic(&error))
        }
    }))
    .await
}

/// The function's account: from its ARN, else asked of `identity` once (kept in `asked`).
async fn own_account<I: CallerIdentity + Sync>(
    arn: &str,
    identity: &I,
    asked: &OnceLock<AccountBoundary>,
) -> Result<AccountBoundary, String> {
    if let Ok(account) = AccountBoundary::of_function_arn(arn) {
        return Ok(account);
    }
    if let Some(account) = asked.get() {
        return Ok(account.clone());
    }
    let answer = identity.account().await.map_err(|e| {
        format!(
            "the invocation's function ARN '{arn}' names no account and STS did not say \
             either ({e}); sidewatch must know its own account to refuse other accounts' events"
        )
    })?;
    let account =
        AccountBoundary::new(&answer).map_err(|e| format!("sts:GetCallerIdentity: {e}"))?;
    tracing::warn!(
        arn,
        account = account.account(),
        "the invocation's function ARN names no account (a local emulator?); using the \
         credentials' account from STS"
    );
    Ok(asked.get_or_init(|| account).clone())
}

/// What a function builds once per container before its ports: JSON logs, settings, the user's
/// rules and exceptions, engine, clock.
#[derive(Debug)]
pub struct Container {
    pub settings: crate::Settings,
    pub engine: sidewatch_core::Engine,
    pub custom: crate::custom::Customisation,
    pub clock: crate::SystemClock,
}

impl Container {
    /// Installs the JSON logs and reads the settings; a wrong setting stops the container with
    /// the variable's name.
    pub fn settings_from_env() -> Result<crate::Settings, lambda_runtime::Error> {
        crate::logging::init();
        crate::Settings::from_env().map_err(|e| init_failed(e.to_string()))
    }

    /// Reads the rules location of `settings` (when it names one) through `store`, once, and
    /// builds the engine with the custom controls. A file that does not parse, an exceptions
    /// entry not understood or a read that failed stops the container with the file, line and
    /// message — logged, and returned so Lambda reports the init failure.
    pub async fn load<S: RulesStore + Sync>(
        settings: crate::Settings,
        store: Option<&S>,
    ) -> Result<Self, lambda_runtime::Error> {
        let clock = crate::SystemClock;
        let today = sidewatch_core::exceptions::today(clock.now());
        let custom = match (&settings.rules_location, store) {
            (None, _) => crate::custom::Customisation::default(),
            (Some(location), Some(store)) => {
                crate::custom::Customisation::load(location, store, today)
                    .await
                    .map_err(|e| init_failed(e.to_string()))?
            }
            (Some(location), None) => {
                return Err(init_failed(format!(
                    "the rules location {} is set but the function has no way to read it",
                    location.uri()
                )));
            }
        };
        let engine = custom
            .engine(&settings)
            .map_err(|e| init_failed(e.to_string()))?;
        if let Some(location) = &settings.rules_location {
            tracing::info!(
                location = %location.uri(),
                files = %custom.files.join(","),
                custom_controls = custom.rule_sets.iter().map(|r| r.controls().len()).sum::<usize>(),
                exceptions = custom.exceptions.as_ref().map_or(0, |e| e.active().len()),
                "rules location read"
            );
            if let Some(exceptions) = &custom.exceptions {
                for warning in &exceptions.expired {
                    tracing::warn!("{warning}");
                }
            }
        }
        Ok(Container {
            settings,
            engine,
            custom,
            clock,
        })
    }

    /// The context an invocation's handler gets, in the function's own `account`.
    pub fn invocation<'a>(&'a self, account: &'a AccountBoundary) -> crate::Invocation<'a> {
        crate::Invocation {
            settings: &self.settings,
            engine: &self.engine,
            custom: &self.custom,
            clock: &self.clock,
            account,
        }
    }

    /// [`serve`] with this container's clock.
    pub async fn serve<I, H, Fut>(
        &self,
        function: &'static str,
        identity: &I,
        handler: H,
    ) -> Result<(), lambda_runtime::Error>
    where
        I: CallerIdentity + Sync,
        H: Fn(Value, AccountBoundary) -> Fut,
        Fut: Future<Output = Result<(Value, Metrics), HandlerError>>,
    {
        serve(function, &self.clock, identity, handler).await
    }
}

/// An init failure: logged as an ERROR (the container's only record of it) and returned.
fn init_failed(message: String) -> lambda_runtime::Error {
    tracing::error!(
        error_type = "InvalidSettings",
        "the function cannot start: {message}"
    );
    message.into()
}
