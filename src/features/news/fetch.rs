//! How feeds reach the engine: the [`FeedFetcher`] trait. The engine has no
//! HTTP client; `jixia run` and `jixia console` inject one (reqwest and a
//! feed parser, in the bots crate) with [`crate::Engine::provide`], and
//! tests inject in-process ones. Without one, sources are kept and listed
//! but never fetched.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::BoxFuture;

/// One conditional request for a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The feed URL.
    pub url: String,
    /// The `ETag` of the last answer, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last answer, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// `304 Not Modified`: nothing new.
    NotModified,
    /// A parsed feed.
    Feed(ParsedFeed),
}

/// A feed as parsed (RSS 2.0, RSS 1.0 or Atom).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedFeed {
    /// Its title.
    pub title: Option<String>,
    /// The language it declares, if any.
    pub language: Option<String>,
    /// Its items, as the feed lists them.
    pub items: Vec<FeedItem>,
    /// The answer's `ETag`.
    pub etag: Option<String>,
    /// The answer's `Last-Modified`.
    pub last_modified: Option<String>,
}

/// One item of a feed, as written there (the summary may be HTML).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedItem {
    /// Its GUID (RSS `guid`, Atom `id`).
    pub guid: Option<String>,
    /// Its link.
    pub link: Option<String>,
    /// Its title.
    pub title: String,
    /// Its summary or content, possibly HTML.
    pub summary: String,
    /// When it was published (or last updated).
    pub published: Option<DateTime<Utc>>,
}

/// Why a fetch failed. Messages never carry credentials (a feed URL with
/// a user name is refused before it is stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No answer in time.
    #[error("timed out after {0} s")]
    Timeout(u64),
    /// The document is larger than the cap.
    #[error("larger than {0} bytes")]
    TooLarge(u64),
    /// More than 5 redirects, or a loop.
    #[error("too many redirects")]
    TooManyRedirects,
    /// An HTTP error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// Not a feed we can read.
    #[error("not a readable RSS or Atom feed: {0}")]
    Malformed(String),
    /// The connection failed.
    #[error("network error: {0}")]
    Network(String),
    /// The host is a loopback or private address, or resolves only to such
    /// (`allow_private` is off).
    #[error("refused: the host is a loopback or private address")]
    PrivateAddress,
}

/// Fetches and parses feeds: conditional GET, a timeout, a size cap, at
/// most 5 redirects, a User-Agent naming jixia and pacing per host are the
/// implementation's duty.
pub trait FeedFetcher: Send + Sync + fmt::Debug {
    /// Fetches `req`.
    fn fetch<'a>(&'a self, req: &'a FetchRequest) -> BoxFuture<'a, Result<Fetched, FetchError>>;
}

/// What the embedding program gives the news feature (its state on the
/// engine; replaced with [`crate::Engine::provide`]).
#[derive(Debug, Clone, Default)]
pub struct NewsServices {
    /// The fetcher (`None`: sources are never fetched).
    pub fetcher: Option<Arc<dyn FeedFetcher>>,
}
