//! Webhook mode: an HTTP endpoint Telegram posts updates to. Every request
//! must carry the configured secret in `X-Telegram-Bot-Api-Secret-Token`
//! (Telegram sends the one given to `setWebhook`); anything else gets 401
//! and is never parsed. Plain HTTP: TLS is the reverse proxy's job. Several
//! instances can serve the same URL behind a load balancer.
//!
//! An update is answered 200 only once it is recorded in the inbox (the
//! requests that arrive together are written in one commit); if it cannot
//! be recorded the answer is 503 and Telegram delivers it again. An update
//! delivered again after it was recorded is answered 200 and not handled
//! twice.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use jixia::intake::Intake;
use jixia::secret::Secret;
use teloxide::types::Update;
use tokio::sync::mpsc;

/// The header Telegram puts the secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Debug, Clone)]
struct Hook {
    secret: Secret,
    intake: Intake,
    updates: mpsc::Sender<Update>,
}

/// The webhook router: `POST path` with the secret → the update is recorded
/// in `intake` and, if new, goes to `updates`.
pub fn router(path: &str, secret: Secret, intake: Intake, updates: mpsc::Sender<Update>) -> Router {
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    Router::new().route(&path, post(receive)).with_state(Hook { secret, intake, updates })
}

/// Compares without stopping at the first difference, so timing says
/// nothing about how much of a guess was right.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same_secret(given, hook.secret.expose().as_bytes()) {
        tracing::warn!("webhook request without the right secret token refused");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            // Answering an error would make Telegram send it again forever.
            tracing::warn!(error = %e, "webhook update that does not parse; dropped");
            return StatusCode::OK;
        }
    };
    let raw = String::from_utf8_lossy(&body).into_owned();
    match hook.intake.record(vec![(i64::from(update.id.0), raw)]).await {
        Ok(fresh) if fresh.first().copied().unwrap_or(false) => {
            if hook.updates.send(update).await.is_err() {
                // Shutting down: recorded, so the next start handles it.
                tracing::debug!("webhook update recorded while stopping; handled at the next start");
            }
            StatusCode::OK
        }
        Ok(_) => {
            tracing::debug!(update = update.id.0, "update delivered again; handled once already");
            StatusCode::OK
        }
        Err(e) => {
            // Not recorded: Telegram delivers it again.
            tracing::error!(error = %e, "could not record a webhook update");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }
}
