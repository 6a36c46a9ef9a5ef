//! The news feature's HTTP side: [`HttpFeedFetcher`] fetches feeds with
//! reqwest (conditional GET, a whole-request timeout, a size cap read as
//! the body streams in, at most 5 redirects with loops refused, a
//! User-Agent naming jixia, pacing per host, and unless allowed no
//! loopback or private addresses, literal or resolved) and parses RSS 2.0, RSS 1.0
//! and Atom with feed-rs. [`install`] gives it to an engine.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jixia::BoxFuture;
use jixia::Engine;
use jixia::config::Config;
use jixia::features::news::text::{is_local_name, is_private};
use jixia::features::news::{FeedFetcher, FeedItem, FetchError, FetchRequest, Fetched, NewsServices, ParsedFeed};
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
    /// Fetch from loopback, private, link-local and other non-public
    /// addresses too (`[features.news] allow_private`).
    pub allow_private: bool,
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
            allow_private: n.allow_private,
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
        let allow_private = options.allow_private;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("more than 5 redirects")
            } else if attempt.previous().iter().any(|u| u == attempt.url()) {
                attempt.error("redirect loop")
            } else if !allow_private && private_literal(attempt.url()) {
                attempt.error(PrivateAddress)
            } else {
                attempt.follow()
            }
        });
        let mut client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(policy)
            .timeout(options.timeout)
            .connect_timeout(options.timeout);
        if !allow_private {
            client = client.dns_resolver(Arc::new(PublicOnly));
        }
        let client = client.build()?;
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
        let mut cause: Option<&dyn std::error::Error> = Some(e);
        while let Some(c) = cause {
            if c.is::<PrivateAddress>() {
                return FetchError::PrivateAddress;
            }
            cause = c.source();
        }
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
        // An address written in the URL is never looked up, so the
        // resolver cannot refuse it: it is checked here.
        if !self.options.allow_private && private_literal(&url) {
            return Err(FetchError::PrivateAddress);
        }
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

/// Why a connection was refused: the host is a loopback, private,
/// link-local or other non-public address (or resolves only to such).
#[derive(Debug, thiserror::Error)]
#[error("the host is not a public address")]
struct PrivateAddress;

/// Whether `url`'s host is an address (not a name) that is not public, or
/// `localhost`.
fn private_literal(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    match host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
        Ok(ip) => is_private(ip),
        Err(_) => is_local_name(host),
    }
}

/// A resolver that keeps public addresses only: a name that resolves to
/// nothing else (`localhost`, an intranet name, a name pointed at
/// 127.0.0.1) is refused before any connection is made.
#[derive(Debug)]
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            if is_local_name(&host) {
                return Err(Box::new(PrivateAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            let found: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<std::net::SocketAddr> = found.into_iter().filter(|a| !is_private(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(PrivateAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
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

/// Gives `engine` an HTTP feed fetcher built from the config (the
/// language model is [`crate::llm::install`]'s).
pub fn install(engine: &mut Engine, config: &Config) -> Result<(), reqwest::Error> {
    let fetcher = HttpFeedFetcher::new(FetchOptions::from_config(config))?;
    engine.provide(Arc::new(NewsServices { fetcher: Some(Arc::new(fetcher)) }));
    Ok(())
}
