//! Supervision: a panic while handling one update, one Discord event or one
//! scheduler job is caught where it happens, logged, and the worker goes on
//! (a panic that escaped would end the worker's task and silence every chat
//! routed to it).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that turns a panic of the one it wraps into an error holding
/// the panic message.
#[derive(Debug)]
pub struct CatchPanic<F>(Pin<Box<F>>);

/// Runs `f`, catching a panic in it: `Err(message)` instead of unwinding
/// through the caller. State the future shared is not poisoned (the
/// engine's mutexes take a poisoned lock as it is; a transaction that was
/// open is rolled back when it is dropped).
pub fn catch_panic<F: Future>(f: F) -> CatchPanic<F> {
    CatchPanic(Box::pin(f))
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}

/// The text of a panic payload (`panic!` with a literal or a format).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// The text that makes the engine panic (as a `/` or `!` command), in
/// builds with the `test-hooks` feature only (the adapter tests turn it on
/// to check supervision; a normal build has no such path).
#[cfg(feature = "test-hooks")]
pub const TEST_PANIC: &str = "/__jixia_test_panic";

/// The test hook: with the `test-hooks` feature (on only for this
/// workspace's tests), a message saying [`TEST_PANIC`] panics while it is
/// handled, so supervision can be tested; without it, nothing.
#[inline]
pub fn test_hook(text: &str) {
    #[cfg(feature = "test-hooks")]
    if text.trim().trim_start_matches(['/', '!']) == TEST_PANIC.trim_start_matches('/') {
        panic!("test hook: a deliberate panic while handling a message");
    }
    #[cfg(not(feature = "test-hooks"))]
    let _ = text;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_an_error_and_a_value_passes() {
        assert_eq!(catch_panic(async { 7 }).await, Ok(7));
        let caught = catch_panic(async {
            tokio::task::yield_now().await;
            let n: u8 = "3".parse().unwrap_or(0);
            if n == 3 {
                panic!("index {n} out of bounds");
            }
            n
        })
        .await;
        assert_eq!(caught, Err("index 3 out of bounds".to_owned()));
    }
}
