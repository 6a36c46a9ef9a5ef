//! The news feature's durable work: one fetch job per source at a time,
//! each enqueued with the fetch it follows (in the transaction that records
//! that fetch), and the start-up step that stores the config's sources and
//! (re)seeds every source's current fetch job.
//!
//! | kind | key | does |
//! |---|---|---|
//! | `news.fetch` | `news.fetch:C:SOURCE:TURN` | fetches a source, stores its new items, posts matches to watching chats, schedules `TURN + 1` |
//!
//! A failed fetch is not a failed job: it is recorded on the source (which
//! backs off: the interval doubles per failure in a row, up to a day) and
//! the chain goes on. After `dead_after_failures` failures in a row the
//! moderators hear once; a success clears that.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::community::{Communities, Community};
use crate::config::{Config, parse_platform_ref};
use crate::engine::Engine;
use crate::features::news::fetch::{FetchRequest, Fetched, NewsServices};
use crate::features::news::render;
use crate::features::news::store::{Added, FetchRecord, Item, NewItem, NewSource, Recorded, Source};
use crate::features::news::text::{
    MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, cut, html_to_text, item_key, mentions, parse_language, parse_tag, passes,
};
use crate::features::{FeatureId, LoadError};
use crate::i18n::Args;
use crate::message::{Chat, Outgoing};
use crate::scheduler::{JobError, JobKind, JobResult};
use crate::store::Store;
use crate::store::jobs::{Job, NewJob};

/// Fetches one source.
pub const FETCH: JobKind = JobKind { name: "news.fetch", max_attempts: 5, catch_up, run: run_fetch };

/// Not made by schedules: a late fetch always runs.
fn catch_up(_: &Community) -> Duration {
    Duration::days(3650)
}

/// Longest back-off between fetches of a failing source.
const MAX_BACKOFF: Duration = Duration::hours(24);

/// Items one fetch reads from a feed (the newest first in most feeds).
const MAX_ITEMS_PER_FETCH: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FetchJob {
    community: String,
    source: i64,
    turn: i64,
}

/// The fetch job number `turn` of a source, due at `due`.
pub(crate) fn fetch_job(community: &str, source: i64, turn: i64, due: DateTime<Utc>) -> NewJob {
    let payload = FetchJob { community: community.to_owned(), source, turn };
    NewJob {
        kind: FETCH.name.to_owned(),
        key: format!("{}:{community}:{source}:{turn}", FETCH.name),
        payload: serde_json::to_value(payload).unwrap_or_default(),
        due,
        max_attempts: FETCH.max_attempts,
    }
}

/// The delay before the next fetch after `failures` failures in a row.
pub fn next_delay(every_minutes: i64, failures: i64) -> Duration {
    let base = Duration::minutes(every_minutes.max(1));
    if failures <= 0 {
        return base;
    }
    let factor = 1_i32 << u32::try_from(failures.clamp(0, 10)).unwrap_or(10);
    (base * factor).min(MAX_BACKOFF).max(base)
}

/// The start-up step ([`crate::features::Feature::load`]): stores each
/// community's config sources (a URL it has already takes the config's
/// settings; a config source no longer in the config is removed) and
/// enqueues every source's current fetch job (a key already queued or done
/// is not queued again), so a chain broken by downtime or a feature
/// switched off goes on.
pub fn load<'a>(
    config: &'a Config,
    store: Option<&'a Store>,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<Vec<String>, LoadError>> {
    Box::pin(async move {
        let Some(store) = store else { return Ok(Vec::new()) };
        let mut lines = Vec::new();
        for community in Communities::from_config(config).all() {
            let news = &community.features.news;
            if !community.features.is_on(FeatureId::News) {
                continue;
            }
            let mut in_config = Vec::new();
            for s in &news.sources {
                let new = NewSource {
                    community: community.id.clone(),
                    url: s.url.clone(),
                    language: parse_language(&s.language).unwrap_or_else(|| "en".into()),
                    tags: s.tags.iter().filter_map(|t| parse_tag(t)).collect(),
                    include: s.include.iter().map(|w| w.to_lowercase()).collect(),
                    exclude: s.exclude.iter().map(|w| w.to_lowercase()).collect(),
                    chats: s.chats.clone(),
                    from_config: true,
                    added_by: None,
                };
                in_config.push(new.url.clone());
                let first = |src: &Source| fetch_job(&src.community, src.id, src.fetch_gen, now);
                match store.news().news_add_source(&new, i64::MAX, &first, now).await? {
                    Added::Stored(src) => lines.push(format!(
                        "news: source {} of {} added from the config: {}",
                        src.number, community.id, src.url
                    )),
                    Added::Duplicate(src) => {
                        let same = src.from_config
                            && src.language == new.language
                            && src.tags == new.tags
                            && src.include == new.include
                            && src.exclude == new.exclude
                            && src.chats == new.chats;
                        if !same {
                            store.news().news_update_settings(src.id, &new).await?;
                            lines.push(format!(
                                "news: source {} of {} takes the config's settings",
                                src.number, community.id
                            ));
                        }
                    }
                    Added::Full => {}
                }
            }
            for src in store.news().news_sources(&community.id).await? {
                if src.from_config && !in_config.contains(&src.url) {
                    store.news().news_remove_source(&community.id, src.number).await?;
                    lines.push(format!(
                        "news: source {} of {} removed: no longer in the config",
                        src.number, community.id
                    ));
                    continue;
                }
                let due = src.next_fetch.max(now);
                store.jobs().enqueue(&fetch_job(&src.community, src.id, src.fetch_gen, due), now).await?;
            }
        }
        Ok(lines)
    })
}

fn run_fetch<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: FetchJob = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("news.fetch payload: {e}")))?;
        let Some(community) = engine.communities().get(&p.community) else {
            return Err(JobError::Invalid(format!("community {} is not configured", p.community)));
        };
        if !community.features.is_on(FeatureId::News) {
            return Ok(Vec::new());
        }
        let store = engine.store().news();
        let Some(source) = store.news_source_by_id(p.source).await?.filter(|s| s.fetch_gen == p.turn) else {
            // Removed, or another job is its current one.
            return Ok(Vec::new());
        };
        let Some(fetcher) = engine.state::<NewsServices>().and_then(|s| s.fetcher.clone()) else {
            tracing::info!(source = %source.number, "no feed fetcher on this engine; the source waits for one");
            return Ok(Vec::new());
        };
        let config = &community.features.news;
        let now = engine.now();
        let req = FetchRequest {
            url: source.url.clone(),
            etag: source.etag.clone(),
            last_modified: source.last_modified.clone(),
        };
        let fetched = fetcher.fetch(&req).await;
        let (record, items) = match fetched {
            Ok(fetched) => {
                let next =
                    fetch_job(&source.community, source.id, p.turn + 1, now + next_delay(config.fetch_minutes, 0));
                let (etag, last_modified, items) = match fetched {
                    Fetched::NotModified => (None, None, Vec::new()),
                    Fetched::Feed(f) => (f.etag.clone(), f.last_modified.clone(), new_items(&source, f.items)),
                };
                (FetchRecord { turn: p.turn, error: None, etag, last_modified, report_dead: false, next }, items)
            }
            Err(e) => {
                let failures = source.failures + 1;
                let next = fetch_job(
                    &source.community,
                    source.id,
                    p.turn + 1,
                    now + next_delay(config.fetch_minutes, failures),
                );
                let report_dead = failures >= config.dead_after_failures && !source.dead_reported;
                tracing::warn!(source = %source.number, community = %community.id, failures, error = %e, "feed fetch failed");
                let record = FetchRecord {
                    turn: p.turn,
                    error: Some(e.to_string()),
                    etag: None,
                    last_modified: None,
                    report_dead,
                    next,
                };
                (record, Vec::new())
            }
        };
        let Recorded::Done(stored) = store.news_record_fetch(source.id, &record, &items, now).await? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        if record.report_dead {
            out.extend(dead_reports(engine, &community, &source, record.error.as_deref().unwrap_or_default()));
        }
        crate::features::news::translate::translate_pending(engine, &community).await?;
        let stored = crate::features::news::translate::with_translations(engine, stored, community.locale).await?;
        out.extend(watch_posts(engine, &community, &stored, now).await?);
        Ok(out)
    })
}

/// A feed's items as stored: filtered by the source's words, HTML reduced
/// to plain text, keyed.
fn new_items(source: &Source, items: Vec<crate::features::news::fetch::FeedItem>) -> Vec<NewItem> {
    items
        .into_iter()
        .take(MAX_ITEMS_PER_FETCH)
        .filter_map(|i| {
            let title = cut(&html_to_text(&i.title, MAX_TITLE_CHARS * 2), MAX_TITLE_CHARS);
            let summary = html_to_text(&i.summary, MAX_SUMMARY_CHARS);
            if title.is_empty() && summary.is_empty() {
                return None;
            }
            if !passes(&format!("{title} {summary}"), &source.include, &source.exclude) {
                return None;
            }
            let link =
                i.link.map(|l| l.trim().to_owned()).filter(|l| l.starts_with("http://") || l.starts_with("https://"));
            let title = if title.is_empty() { cut(&summary, 80) } else { title };
            Some(NewItem {
                key: item_key(i.guid.as_deref(), link.as_deref(), &title, i.published),
                guid: i.guid,
                link,
                title,
                summary,
                published: i.published,
                language: source.language.clone(),
            })
        })
        .collect()
}

/// One direct message to each moderator named in the config and to whoever
/// added the source: it is dead.
fn dead_reports(engine: &Engine, community: &Community, source: &Source, error: &str) -> Vec<Outgoing> {
    let mut to: BTreeSet<(crate::message::Platform, String)> =
        community.staff().filter_map(parse_platform_ref).map(|(p, u)| (p, u.to_owned())).collect();
    to.extend(source.added_by.clone());
    let args = Args::new()
        .str("id", source.number.to_string())
        .str("url", source.url.clone())
        .num("failures", source.failures + 1)
        .str("error", error.to_owned());
    let body = engine.prompts().format(community.locale, "news-dead-feed", &args);
    to.into_iter().map(|(p, u)| Outgoing::direct(p, u, body.clone())).collect()
}

/// New items posted to the chats watching for their words, within each
/// chat's hourly cap.
async fn watch_posts(
    engine: &Engine,
    community: &Community,
    items: &[Item],
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, JobError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let store = engine.store().news();
    let mut out = Vec::new();
    for w in store.news_watches(&community.id).await? {
        let chat_ref = format!("{}:{}", w.platform, w.chat_id);
        let matching: Vec<i64> = items
            .iter()
            .filter(|i| i.chats.is_empty() || i.chats.contains(&chat_ref))
            .filter(|i| {
                let text = format!("{} {}", i.title, i.summary).to_lowercase();
                w.keywords.iter().any(|k| mentions(&text, k))
            })
            .map(|i| i.id)
            .collect();
        if matching.is_empty() {
            continue;
        }
        let claimed = store
            .news_claim_posts(w.platform, &w.chat_id, &matching, community.features.news.posts_per_hour, now)
            .await?;
        for item in items.iter().filter(|i| claimed.contains(&i.id)) {
            let v = render::View { prompts: engine.prompts(), locale: community.locale, tz: community.tz };
            let mut body = v.text("news-watch-post", &Args::new().str("title", v.title(item)));
            body.append(v.item_body(item));
            out.push(Outgoing::post(Chat::group(w.platform, w.chat_id.clone()), body));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_a_day() {
        assert_eq!(next_delay(60, 0), Duration::minutes(60));
        assert_eq!(next_delay(60, 1), Duration::minutes(120));
        assert_eq!(next_delay(60, 3), Duration::minutes(480));
        assert_eq!(next_delay(60, 9), Duration::hours(24));
        assert_eq!(next_delay(1440, 5), Duration::hours(24));
    }

    #[test]
    fn fetch_jobs_are_keyed_by_source_and_number() {
        let j = fetch_job("pgcn", 7, 3, DateTime::<Utc>::UNIX_EPOCH);
        assert_eq!(j.key, "news.fetch:pgcn:7:3");
    }
}
