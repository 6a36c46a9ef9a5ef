//! Discord's REST API, called with our own small client rather than
//! serenity's: serenity's rate limiter ignores a proxy URL, and with it
//! disabled serenity drops `retry_after` from 429 answers. Every call goes
//! through the [`Limiter`]; a 429 is waited out (`retry_after`, the whole bot
//! when Discord says it is global) and the same request sent again, so
//! nothing is lost; 5xx and network errors are retried with backoff.
//!
//! The token travels only in the `Authorization` header; errors carry the
//! method, the path and Discord's message, never the token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jixia::message::Attachment;
use jixia::secret::Secret;
use serde_json::Value;

use super::limiter::{Limiter, Request, Scope};

/// The API version spoken.
pub const API_PREFIX: &str = "/api/v10";
/// 429 answers for one request before giving up (each is waited out).
const MAX_RATE_LIMITED: u32 = 20;
/// Network errors and 5xx for one request before giving up.
const MAX_TRANSIENT: u32 = 5;
/// Longest `retry_after` honoured; longer ones are capped (and logged).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Discord JSON error codes we act on.
pub mod codes {
    /// Cannot send messages to this user (DMs closed or not sharing a guild).
    pub const CANNOT_DM: i64 = 50007;
    /// Unknown interaction (answered too late, or twice).
    pub const UNKNOWN_INTERACTION: i64 = 10062;
}

/// A REST call failed for good.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RestError {
    /// Discord answered with an error status.
    #[error("{method} {path}: HTTP {status} (code {code}): {message}")]
    Status {
        /// HTTP method.
        method: &'static str,
        /// Path without the API prefix.
        path: String,
        /// HTTP status.
        status: u16,
        /// Discord's JSON error code (0 when absent).
        code: i64,
        /// Discord's message.
        message: String,
    },
    /// No answer (connection refused, timeout, …) after retries.
    #[error("{method} {path}: {message}")]
    Network {
        /// HTTP method.
        method: &'static str,
        /// Path without the API prefix.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl RestError {
    /// Discord's JSON error code, if it answered.
    pub fn code(&self) -> Option<i64> {
        match self {
            RestError::Status { code, .. } => Some(*code),
            RestError::Network { .. } => None,
        }
    }

    /// The HTTP status, if Discord answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Status { status, .. } => Some(*status),
            RestError::Network { .. } => None,
        }
    }
}

/// A request body: JSON, or JSON with files (multipart).
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON body.
    Json(Value),
    /// `payload_json` plus `files[i]`.
    Files(Value, Vec<Attachment>),
}

/// The REST client: base URL, token, limiter.
#[derive(Clone)]
pub struct Rest {
    http: reqwest::Client,
    base: String,
    token: Secret,
    limiter: Arc<Limiter>,
}

impl fmt::Debug for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rest").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Where REST calls go: the proxy (`api_url`) or discord.com.
pub fn base_url(api_url: Option<&str>) -> String {
    let root = api_url.unwrap_or("https://discord.com").trim_end_matches('/');
    format!("{root}{API_PREFIX}")
}

impl Rest {
    /// A client for `base` (see [`base_url`]).
    pub fn new(base: String, token: Secret, limiter: Arc<Limiter>) -> Rest {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent("DiscordBot (https://example.invalid/jixia, 0.1) jixia")
            .build()
            .unwrap_or_default();
        Rest { http, base, token, limiter }
    }

    /// Calls the API. `channel` names the channel whose message window the
    /// call counts against (message creation); `None` for other routes.
    pub async fn call(
        &self,
        method: reqwest::Method,
        full_path: &str,
        body: &Body,
        channel: Option<&str>,
    ) -> Result<Value, RestError> {
        self.send(method, full_path, body, channel, MAX_TRANSIENT).await
    }

    /// One GET with no retry on network errors: for the check at start, so
    /// an unreachable API is reported at once.
    pub async fn probe(&self, full_path: &str) -> Result<Value, RestError> {
        self.send(reqwest::Method::GET, full_path, &Body::Empty, None, 1).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        full_path: &str,
        body: &Body,
        channel: Option<&str>,
        max_transient: u32,
    ) -> Result<Value, RestError> {
        let method_name = method_str(&method);
        let route = route_of(full_path);
        let path = route.as_str();
        let key = format!("{method_name} {path}");
        let mut limited = 0u32;
        let mut transient = 0u32;
        loop {
            self.limiter.acquire(Request { route: &key, channel }).await;
            let mut req = self
                .http
                .request(method.clone(), format!("{}{}", self.base, full_path))
                .header("Authorization", format!("Bot {}", self.token.expose()));
            req = match body {
                Body::Empty => req,
                Body::Json(v) => req.json(v),
                Body::Files(payload, files) => req.multipart(multipart(payload, files)),
            };
            let network = |message: String| RestError::Network { method: method_name, path: path.to_owned(), message };
            let response = match req.send().await {
                Ok(r) => r,
                Err(e) => {
                    transient += 1;
                    // reqwest's message has the URL, never the header.
                    let message = e.without_url().to_string();
                    if transient >= max_transient {
                        return Err(network(message));
                    }
                    tracing::warn!(method = method_name, path, error = %message, "discord request failed; retrying");
                    tokio::time::sleep(backoff(transient)).await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let header_wait =
                response.headers().get("retry-after").and_then(|h| h.to_str().ok()).and_then(|s| s.parse::<f64>().ok());
            if let Some(bucket) = response.headers().get("x-ratelimit-bucket").and_then(|h| h.to_str().ok()) {
                self.limiter.learn_bucket(&key, bucket);
            }
            let text = response.text().await.unwrap_or_default();
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if (200..300).contains(&status) {
                return Ok(json);
            }
            if status == 429 {
                jixia::metrics::metrics().rate_limited(jixia::Platform::Discord);
                limited += 1;
                let secs = json["retry_after"].as_f64().or(header_wait).unwrap_or(1.0).max(0.0);
                let wait = Duration::from_secs_f64(secs).min(MAX_RETRY_AFTER);
                let global = json["global"].as_bool().unwrap_or(false);
                tracing::warn!(method = method_name, path, ?wait, global, "discord rate limit (429); waiting");
                if limited >= MAX_RATE_LIMITED {
                    return Err(RestError::Status {
                        method: method_name,
                        path: path.to_owned(),
                        status,
                        code: 0,
                        message: "rate limited too many times".into(),
                    });
                }
                let scope = match (global, channel) {
                    (true, _) => Scope::Global,
                    (false, Some(ch)) => Scope::Channel(ch),
                    // A route of no channel (opening a DM, a callback): its
                    // bucket waits, nothing else.
                    (false, None) => Scope::Route(&key),
                };
                self.limiter.block(scope, wait);
                continue;
            }
            if status >= 500 && transient + 1 < max_transient {
                transient += 1;
                tokio::time::sleep(backoff(transient)).await;
                continue;
            }
            return Err(RestError::Status {
                method: method_name,
                path: path.to_owned(),
                status,
                code: json["code"].as_i64().unwrap_or(0),
                message: json["message"].as_str().unwrap_or(&text).chars().take(300).collect(),
            });
        }
    }
}

/// The path as logged and put in errors: interaction and webhook tokens
/// (credentials for 15 minutes) replaced by `:token`.
fn route_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let mut shown = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let after = |name: &str| i >= 2 && parts.get(i - 2) == Some(&name);
        if after("interactions") || after("webhooks") {
            shown.push(":token");
        } else {
            shown.push(part);
        }
    }
    shown.join("/")
}

fn method_str(m: &reqwest::Method) -> &'static str {
    match *m {
        reqwest::Method::GET => "GET",
        reqwest::Method::POST => "POST",
        reqwest::Method::PUT => "PUT",
        reqwest::Method::PATCH => "PATCH",
        reqwest::Method::DELETE => "DELETE",
        _ => "HTTP",
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64 << attempt.min(6))
}

fn multipart(payload: &Value, files: &[Attachment]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new().text("payload_json", payload.to_string());
    for (i, file) in files.iter().enumerate() {
        let part = reqwest::multipart::Part::bytes(file.bytes.clone()).file_name(file.filename.clone());
        let part = part
            .mime_str(&file.mime)
            .unwrap_or_else(|_| reqwest::multipart::Part::bytes(file.bytes.clone()).file_name(file.filename.clone()));
        form = form.part(format!("files[{i}]"), part);
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_reach_logs() {
        assert_eq!(route_of("/interactions/1/secret-tok/callback"), "/interactions/1/:token/callback");
        assert_eq!(route_of("/webhooks/9/secret-tok/messages/@original"), "/webhooks/9/:token/messages/@original");
        assert_eq!(route_of("/channels/5/messages"), "/channels/5/messages");
        assert_eq!(base_url(Some("http://127.0.0.1:8082/")), "http://127.0.0.1:8082/api/v10");
    }
}
