//! The shared language model's HTTP side: [`OpenAiClient`], the
//! OpenAI-compatible chat-completions API (a hosted service, Ollama, vLLM,
//! llama.cpp's server) with a timeout and a concurrency cap, its key kept
//! as a [`Secret`]. [`install`] gives it to an engine when `[llm]` is on.

use std::sync::Arc;
use std::time::Duration;

use jixia::BoxFuture;
use jixia::Engine;
use jixia::config::Config;
use jixia::llm::{ChatRequest, Completion, Llm, LlmConfig, LlmError, LlmProvider};
use jixia::secret::Secret;

use crate::news::{USER_AGENT, error_chain};

/// The OpenAI-compatible chat-completions client.
#[derive(Debug)]
pub struct OpenAiClient {
    client: reqwest::Client,
    /// `BASE/chat/completions`.
    url: String,
    model: String,
    key: Option<Secret>,
    timeout: Duration,
    permits: tokio::sync::Semaphore,
}

impl OpenAiClient {
    /// A client for `config`'s endpoint and model, with `key` (if any).
    pub fn new(config: &LlmConfig, key: Option<Secret>) -> Result<OpenAiClient, reqwest::Error> {
        let timeout = Duration::from_secs(u64::try_from(config.timeout_secs).unwrap_or(60));
        let client = reqwest::Client::builder().user_agent(USER_AGENT).timeout(timeout).build()?;
        Ok(OpenAiClient {
            client,
            url: format!("{}/chat/completions", config.base_url.trim_end_matches('/')),
            model: config.model.clone(),
            key: key.filter(|k| !k.expose().is_empty()),
            timeout,
            permits: tokio::sync::Semaphore::new(usize::try_from(config.max_concurrency).unwrap_or(1).max(1)),
        })
    }

    fn error(&self, e: &reqwest::Error) -> LlmError {
        if e.is_timeout() { LlmError::Timeout(self.timeout.as_secs()) } else { LlmError::Network(error_chain(e)) }
    }

    async fn call(&self, req: &ChatRequest) -> Result<Completion, LlmError> {
        let _permit = self.permits.acquire().await.map_err(|_| LlmError::Network("client closed".into()))?;
        let body = serde_json::json!({
            "model": self.model,
            "messages": [
                { "role": "system", "content": req.system },
                { "role": "user", "content": req.user },
            ],
            "max_tokens": req.max_tokens,
            "temperature": 0.2,
            "stream": false,
        });
        let mut post = self.client.post(&self.url).json(&body);
        if let Some(key) = &self.key {
            post = post.bearer_auth(key.expose());
        }
        let resp = post.send().await.map_err(|e| self.error(&e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(LlmError::RateLimited);
        }
        if !status.is_success() {
            return Err(LlmError::Status(status.as_u16()));
        }
        let answer: serde_json::Value = resp.json().await.map_err(|e| {
            if e.is_timeout() {
                LlmError::Timeout(self.timeout.as_secs())
            } else {
                LlmError::Malformed(error_chain(&e))
            }
        })?;
        let text = answer["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| LlmError::Malformed("no choices[0].message.content".into()))?
            .to_owned();
        // Servers that report no usage are charged an estimate: a token
        // for every three characters sent and received.
        let estimate = || i64::try_from((req.system.len() + req.user.len() + text.len()) / 3).unwrap_or(i64::MAX);
        let tokens = answer["usage"]["total_tokens"].as_i64().unwrap_or_else(estimate);
        Ok(Completion { text, tokens })
    }
}

impl LlmProvider for OpenAiClient {
    fn model(&self) -> &str {
        &self.model
    }

    fn complete<'a>(&'a self, req: &'a ChatRequest) -> BoxFuture<'a, Result<Completion, LlmError>> {
        Box::pin(async move {
            // The client's timeout covers one call; this one covers the
            // wait for a permit too.
            tokio::time::timeout(self.timeout * 4, self.call(req))
                .await
                .unwrap_or(Err(LlmError::Timeout(self.timeout.as_secs())))
        })
    }
}

/// Gives `engine` the language-model client of `[llm]`, its key read from
/// the environment variable the section names; nothing when `[llm]` is
/// off.
pub fn install(engine: &mut Engine, config: &Config) -> Result<(), reqwest::Error> {
    if !config.llm.enabled {
        return Ok(());
    }
    let key = std::env::var(&config.llm.api_key_env).ok().map(Secret::new);
    let client: Arc<dyn LlmProvider> = Arc::new(OpenAiClient::new(&config.llm, key)?);
    engine.provide(Arc::new(Llm::new(client)));
    Ok(())
}
