//! The news feature's HTTP side: [`HttpFeedFetcher`] fetches feeds with
//! reqwest (conditional GET, a whole-request timeout, a size cap read as
//! the body streams in, at most 5 redirects with loops refused, a
//! User-Agent naming jixia, pacing per host) and parses RSS 2.0, RSS 1.0
//! and Atom with feed-rs. [`OpenAiClient`] is the optional language model:
//! the OpenAI-compatible chat-completions API (a hosted service, Ollama,
//! vLLM, llama.cpp's server) with a timeout and a concurrency cap, its key
//! kept as a [`Secret`]. [`install`] gives both to an engine.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jixia::BoxFuture;
use jixia::Engine;
use jixia::config::Config;
use jixia::features::news::{
    ChatRequest, Completion, FeedFetcher, FeedItem, FetchError, FetchRequest, Fetched, LlmConfig, LlmError,
    LlmProvider, NewsServices, ParsedFeed,
};
use jixia::secret::Secret;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 5;

/// The User-Agent of every feed request.
pub const USER_AGENT: &str = concat!("jixia/", env!("CARGO_PKG_VERSION"), " (community bot; news feeds)");

/// How the fetcher behaves (from `[features.news]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Largest body read, in bytes.
    pub max_bytes: u64,
    /// Least time between two requests to one host.
    pub host_interval: Duration,
}

impl FetchOptions {
    /// The options of the top-level `[features.news]` (the fetcher is
    /// shared by every community).
    pub fn from_config(config: &Config) -> FetchOptions {
        let n = &config.features.news;
        FetchOptions {
            timeout: Duration::from_secs(u64::try_from(n.timeout_secs).unwrap_or(20)),
            max_bytes: u64::try_from(n.max_bytes).unwrap_or(5 * 1024 * 1024),
            host_interval: Duration::from_secs(u64::try_from(n.host_interval_secs).unwrap_or(5)),
        }
    }
}

/// Fetches feeds over HTTP(S).
#[derive(Debug)]
pub struct HttpFeedFetcher {
    client: reqwest::Client,
    options: FetchOptions,
    /// When each host (`host:port`) may be asked next.
    hosts: tokio::sync::Mutex<HashMap<String, Instant>>,
}

impl HttpFeedFetcher {
    /// A fetcher with its own HTTP client.
    pub fn new(options: FetchOptions) -> Result<HttpFeedFetcher, reqwest::Error> {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("more than 5 redirects")
            } else if attempt.previous().iter().any(|u| u == attempt.url()) {
                attempt.error("redirect loop")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(policy)
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .build()?;
        Ok(HttpFeedFetcher { client, options, hosts: Default::default() })
    }

    /// Waits until `url`'s host may be asked again, and books the next turn.
    async fn pace(&self, url: &reqwest::Url) {
        if self.options.host_interval.is_zero() {
            return;
        }
        let host = format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0));
        let wait = {
            let mut hosts = self.hosts.lock().await;
            let now = Instant::now();
            let turn = hosts.get(&host).copied().filter(|t| *t > now).unwrap_or(now);
            hosts.insert(host, turn + self.options.host_interval);
            turn.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    fn error(&self, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout(self.options.timeout.as_secs())
        } else if e.is_redirect() {
            FetchError::TooManyRedirects
        } else {
            // Without the URL: a feed URL's query may carry a token.
            FetchError::Network(error_chain(e))
        }
    }

    async fn get(&self, req: &FetchRequest) -> Result<Fetched, FetchError> {
        let url = reqwest::Url::parse(&req.url).map_err(|e| FetchError::Network(format!("bad URL: {e}")))?;
        self.pace(&url).await;
        let mut get = self.client.get(url);
        if let Some(etag) = &req.etag {
            get = get.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &req.last_modified {
            get = get.header(IF_MODIFIED_SINCE, lm);
        }
        let mut resp = get.send().await.map_err(|e| self.error(&e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let header = |name| {
            resp.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_owned)
        };
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let max = self.options.max_bytes;
        if resp.content_length().is_some_and(|n| n > max) {
            return Err(FetchError::TooLarge(max));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.error(&e))? {
            if u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX) > max {
                return Err(FetchError::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        let mut feed = parse(&body)?;
        feed.etag = etag;
        feed.last_modified = last_modified;
        Ok(Fetched::Feed(feed))
    }
}

/// An error with its causes, without any URL (a URL's query may carry a
/// token).
pub(crate) fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    if parts.is_empty() { "request failed".to_owned() } else { parts.join(": ") }
}

impl FeedFetcher for HttpFeedFetcher {
    fn fetch<'a>(&'a self, req: &'a FetchRequest) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        Box::pin(async move {
            // The client's timeout covers the request and its body; this
            // one covers the pacing wait too.
            let limit = self.options.timeout + self.options.host_interval + Duration::from_secs(1);
            tokio::time::timeout(limit, self.get(req))
                .await
                .unwrap_or(Err(FetchError::Timeout(self.options.timeout.as_secs())))
        })
    }
}

/// Parses an RSS 2.0, RSS 1.0 or Atom document.
pub fn parse(body: &[u8]) -> Result<ParsedFeed, FetchError> {
    let feed = feed_rs::parser::parse(body).map_err(|e| FetchError::Malformed(e.to_string()))?;
    let items = feed
        .entries
        .into_iter()
        .map(|e| FeedItem {
            guid: Some(e.id).filter(|id| !id.is_empty()),
            link: e.links.first().map(|l| l.href.clone()),
            title: e.title.map(|t| t.content).unwrap_or_default(),
            summary: e.summary.map(|s| s.content).or_else(|| e.content.and_then(|c| c.body)).unwrap_or_default(),
            published: e.published.or(e.updated),
        })
        .collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| t.content),
        language: feed.language,
        items,
        etag: None,
        last_modified: None,
    })
}

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

/// Gives `engine` an HTTP feed fetcher built from the config, and the
/// language-model client of `[features.news.llm]` (each community's own
/// section says whether it is used there), its key read from the
/// environment variable the section names.
pub fn install(engine: &mut Engine, config: &Config) -> Result<(), reqwest::Error> {
    let fetcher = HttpFeedFetcher::new(FetchOptions::from_config(config))?;
    let llm_config = &config.features.news.llm;
    let key = std::env::var(&llm_config.api_key_env).ok().map(Secret::new);
    let llm: Arc<dyn LlmProvider> = Arc::new(OpenAiClient::new(llm_config, key)?);
    engine.provide(Arc::new(NewsServices {
        fetcher: Some(Arc::new(fetcher)),
        llm: Some(llm),
        ..NewsServices::default()
    }));
    Ok(())
}
