//! The FAQ's optional semantic matching, HTTP side: [`OpenAiEmbedder`]
//! calls an OpenAI-compatible `POST {base_url}/embeddings` (Ollama,
//! llama.cpp's server, vLLM, a hosted service) with a timeout, its key kept
//! as a [`Secret`] and sent only as the `Authorization` header. [`install`]
//! gives it to an engine when a community enables `[features.faq.semantic]`.

use std::sync::Arc;
use std::time::Duration;

use jixia::BoxFuture;
use jixia::Engine;
use jixia::config::Config;
use jixia::features::faq::{EmbedError, Embedder, FaqServices, SemanticConfig};
use jixia::secret::Secret;

use crate::news::{USER_AGENT, error_chain};

/// The embeddings client.
#[derive(Debug)]
pub struct OpenAiEmbedder {
    client: reqwest::Client,
    /// `BASE/embeddings`.
    url: String,
    model: String,
    key: Option<Secret>,
    timeout: Duration,
}

/// The answer: `{"data": [{"embedding": [...], "index": i}], …}`.
#[derive(serde::Deserialize)]
struct Answer {
    data: Vec<Datum>,
}

#[derive(serde::Deserialize)]
struct Datum {
    embedding: Vec<f32>,
    #[serde(default)]
    index: Option<usize>,
}

impl OpenAiEmbedder {
    /// A client for `config`'s endpoint and model, with `key` (if any).
    /// One call may take `batch_timeout_secs` (a question's own wait is
    /// shorter: the engine gives up on it after `timeout_ms`).
    pub fn new(config: &SemanticConfig, key: Option<Secret>) -> Result<OpenAiEmbedder, reqwest::Error> {
        let timeout = Duration::from_secs(u64::try_from(config.batch_timeout_secs).unwrap_or(60));
        let client = reqwest::Client::builder().user_agent(USER_AGENT).timeout(timeout).build()?;
        Ok(OpenAiEmbedder {
            client,
            url: format!("{}/embeddings", config.base_url.trim_end_matches('/')),
            model: config.model.clone(),
            key: key.filter(|k| !k.expose().is_empty()),
            timeout,
        })
    }

    fn error(&self, e: &reqwest::Error) -> EmbedError {
        if e.is_timeout() {
            EmbedError::Timeout(self.timeout.as_millis() as u64)
        } else {
            EmbedError::Network(error_chain(e))
        }
    }

    async fn call(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let body = serde_json::json!({ "model": self.model, "input": texts });
        let mut post = self.client.post(&self.url).json(&body);
        if let Some(key) = &self.key {
            post = post.bearer_auth(key.expose());
        }
        let resp = post.send().await.map_err(|e| self.error(&e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(EmbedError::Status(status.as_u16()));
        }
        let bytes = resp.bytes().await.map_err(|e| self.error(&e))?;
        let answer: Answer = serde_json::from_slice(&bytes).map_err(|e| EmbedError::Malformed(e.to_string()))?;
        if answer.data.len() != texts.len() {
            return Err(EmbedError::Malformed(format!("{} vectors for {} texts", answer.data.len(), texts.len())));
        }
        // In the order of `index` when the server gives it.
        let mut slots: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        for (i, d) in answer.data.into_iter().enumerate() {
            let at = d.index.unwrap_or(i);
            let slot = slots.get_mut(at).ok_or_else(|| EmbedError::Malformed(format!("index {at} out of range")))?;
            if slot.replace(d.embedding).is_some() {
                return Err(EmbedError::Malformed(format!("index {at} twice")));
            }
        }
        slots.into_iter().map(|v| v.ok_or_else(|| EmbedError::Malformed("a text without a vector".into()))).collect()
    }
}

impl Embedder for OpenAiEmbedder {
    fn model(&self) -> &str {
        &self.model
    }

    fn embed<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>> {
        Box::pin(async move {
            tokio::time::timeout(self.timeout, self.call(texts))
                .await
                .unwrap_or(Err(EmbedError::Timeout(self.timeout.as_millis() as u64)))
        })
    }
}

/// Gives `engine` the embeddings client of the top-level
/// `[features.faq.semantic]` (endpoint, model, key, batch timeout) when it
/// or any community's own section enables semantic matching; each
/// community's section says whether it is used there, with its threshold
/// and weight. The key is read from the environment variable the section
/// names.
pub fn install(engine: &mut Engine, config: &Config) -> Result<(), reqwest::Error> {
    let wanted = config.features.faq.semantic.enabled
        || engine.communities().all().any(|c| c.features.faq.enabled && c.features.faq.semantic.enabled);
    if !wanted {
        return Ok(());
    }
    let section = &config.features.faq.semantic;
    let key = std::env::var(&section.api_key_env).ok().map(Secret::new);
    let embedder: Arc<dyn Embedder> = Arc::new(OpenAiEmbedder::new(section, key)?);
    tracing::info!(model = section.model, "faq semantic matching through an embeddings endpoint");
    engine.provide(Arc::new(FaqServices { embedder: Some(embedder) }));
    Ok(())
}
