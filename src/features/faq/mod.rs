//! FAQ redirection: spots a question in chat that the FAQ already answers
//! and points to the entry, once, briefly; moderators redirect by replying
//! `/faq ID`, and each such redirect teaches the matcher the member's
//! wording. Members saying "没用 / not helpful" to a redirect count against
//! the entry and record the wording as a negative example; questions
//! nothing answered are kept as FAQ gaps for moderators. Accepted bounty
//! answers become entries through a moderators' queue (`proposals.rs`).
//!
//! Grammar: `/faq [ID|TAG] [PAGE]` · `/faq search WORDS…` · (moderators)
//! `/faq add ID QUESTION⏎ANSWER…` · `/faq edit ID QUESTION⏎ANSWER…` ·
//! `/faq alias ID WORDING…` · `/faq remove ID` · `/faq gaps` · a reply
//! `/faq ID` (or `/redirect ID`) to a member's message · `/faq propose Q17`
//! (the asker, the answerer or a moderator) · (moderators) `/faq proposals`
//! · `/faq draft G3|Q17` (a language model drafts an entry from a gap or
//! an accepted answer, into the same queue, marked as machine-drafted) ·
//! `/faq approve Q17|D3 [ENTRY]` · `/faq reject Q17|D3 [REASON…]`.

mod commands;
pub mod config;
pub mod digest;
mod drafts;
pub mod eval;
mod figures;
pub mod import;
pub mod matcher;
pub mod normalize;
mod proposals;
mod redirect;
pub mod semantic;
pub mod state;
pub mod store;
pub mod vocab;

use std::sync::Arc;

use crate::BoxFuture;
use crate::community::Communities;
use crate::engine::Engine;
use crate::features::{Feature, FeatureId, PromptFile};
use crate::message::Outgoing;
use crate::store::MergeHook;

pub use commands::{cluster_gaps, gaps_of};
pub use config::FaqConfig;
pub use semantic::{EmbedError, Embedder, FaqServices, SemanticConfig};
pub use state::{FaqState, build_matcher, build_matcher_with};

/// The FAQ feature.
pub static FEATURE: Feature = Feature {
    commands: commands::COMMANDS,
    observe: Some(redirect::observe),
    react: Some(redirect::react),
    due: Some(flush_misses),
    state: Some(|config| {
        if Communities::from_config(config).all().any(|c| c.features.faq.enabled) {
            // The segmenter takes 0.1 s to load: not on the first question,
            // where it would stall a runtime thread and everything queued on it.
            std::thread::spawn(normalize::warm_up);
        }
        Arc::new(FaqState::default())
    }),
    digest: Some(digest::render),
    figures: Some(figures::figures),
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Faq,
        PromptFile { zh: include_str!("../../../prompts/zh/faq.ftl"), en: include_str!("../../../prompts/en/faq.ftl") },
    )
};

/// The FAQ SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::on_sqlite::jobs as queue;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The FAQ SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::on_postgres::jobs as queue;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// Before the store closes: background work of the semantic matching
/// stops after its current call (`jixia run` and `jixia console` call it).
pub async fn stop(engine: &Engine) {
    if let Some(state) = engine.state::<FaqState>() {
        state.semantic.stop().await;
    }
}

/// The group commit of unanswered questions.
fn flush_misses(engine: &Engine, _: crate::features::Due) -> BoxFuture<'_, Vec<Outgoing>> {
    Box::pin(async move {
        if let Some(state) = engine.state::<FaqState>() {
            state.flush_misses(engine.store()).await;
        }
        Vec::new()
    })
}
