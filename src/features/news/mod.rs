//! News (资讯): RSS 2.0, RSS 1.0 and Atom feeds from the outside world —
//! PostgreSQL Weekly, Planet PostgreSQL, release announcements — per
//! community. Sources come from the config and from moderators; each is
//! fetched on its own chain of durable jobs ([`jobs`]) through an injected
//! [`fetch::FeedFetcher`] (the engine has no HTTP client); new items are
//! stored once per community, listed with `/news`, form a digest section,
//! and are posted at once to chats watching for their words, within an
//! hourly cap. Items in another language are translated through the
//! shared language model when it is on ([`translate`]).
//!
//! Grammar: `/news [TAG] [PAGE]` · `/news add URL [TAG…] [lang=xx]
//! [include=a,b] [exclude=c]` · `/news remove ID` · `/news sources` ·
//! `/news watch KEYWORDS…` · `/news unwatch` · `/news status`
//!
//! Layout: [`text`] (URLs, HTML to plain text, item keys, filters) is pure
//! and tested exhaustively; [`commands`], [`jobs`] and [`digest`] use it
//! with the [`store`] and [`render`] what they find.

mod commands;
pub mod config;
mod digest;
pub mod fetch;
pub mod jobs;
pub mod render;
pub mod store;
pub mod text;
pub mod translate;

use std::sync::Arc;

use crate::features::{Feature, FeatureId, PromptFile};

pub use config::{NewsConfig, SourceConfig};
pub use fetch::{FeedFetcher, FeedItem, FetchError, FetchRequest, Fetched, NewsServices, ParsedFeed};
pub use jobs::FETCH;

/// The news feature.
pub static FEATURE: Feature = Feature {
    commands: commands::COMMANDS,
    state: Some(|_| Arc::new(NewsServices::default())),
    jobs: &[FETCH],
    digest: Some(digest::new_items),
    load: Some(jobs::load),
    ..Feature::new(
        FeatureId::News,
        PromptFile {
            zh: include_str!("../../../prompts/zh/news.ftl"),
            en: include_str!("../../../prompts/en/news.ftl"),
        },
    )
};

/// The news SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::on_sqlite::jobs as queue;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The news SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::on_postgres::jobs as queue;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}
