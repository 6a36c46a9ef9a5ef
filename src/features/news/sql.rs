//! The news feature's SQL, compiled once per backend (`db` is the
//! backend's dialect, `queue` the scheduler's SQL for the same backend, so
//! a fetch's items, its source's state and the next fetch job commit
//! together). Recording a fetch takes the source row's lock first.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::{db, queue};
use crate::features::news::store::{
    Added, FetchRecord, FirstJob, Item, NewItem, NewSource, NewsStore, Recorded, Source, SourceNo, Translation, Watch,
    join_list, split_list,
};
use crate::message::Platform;
use crate::store::{StoreError, from_ms, ms};

/// A source as stored, with its item count.
#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    community_id: String,
    number: i64,
    url: String,
    language: String,
    tags: String,
    include_words: String,
    exclude_words: String,
    chats: String,
    from_config: i64,
    added_platform: Option<String>,
    added_user: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    last_fetch_ms: Option<i64>,
    last_ok_ms: Option<i64>,
    failures: i64,
    last_error: Option<String>,
    dead_reported: i64,
    next_fetch_ms: i64,
    fetch_gen: i64,
    items: i64,
}

// Spliced into queries with AssertSqlSafe: constants only, never input.
const SOURCE_FIELDS: &str = "s.id, s.community_id, s.number, s.url, s.language, s.tags, s.include_words,
    s.exclude_words, s.chats, s.from_config, s.added_platform, s.added_user, s.etag, s.last_modified,
    s.last_fetch_ms, s.last_ok_ms, s.failures, s.last_error, s.dead_reported, s.next_fetch_ms, s.fetch_gen,
    (SELECT COUNT(*) FROM news_items i WHERE i.source_id = s.id) AS items";

fn source(r: SourceRow) -> Source {
    let added_by = match (r.added_platform.as_deref().and_then(Platform::parse), r.added_user) {
        (Some(p), Some(u)) => Some((p, u)),
        _ => None,
    };
    Source {
        id: r.id,
        community: r.community_id,
        number: SourceNo(r.number),
        url: r.url,
        language: r.language,
        tags: split_list(&r.tags),
        include: split_list(&r.include_words),
        exclude: split_list(&r.exclude_words),
        chats: split_list(&r.chats),
        from_config: r.from_config != 0,
        added_by,
        etag: r.etag,
        last_modified: r.last_modified,
        last_fetch: r.last_fetch_ms.map(from_ms),
        last_ok: r.last_ok_ms.map(from_ms),
        failures: r.failures,
        last_error: r.last_error,
        dead_reported: r.dead_reported != 0,
        next_fetch: from_ms(r.next_fetch_ms),
        fetch_gen: r.fetch_gen,
        items: r.items,
    }
}

/// An item as stored, with its source's number, tags and chats.
#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    source_id: i64,
    number: i64,
    tags: String,
    chats: String,
    link: Option<String>,
    title: String,
    summary: String,
    published_ms: Option<i64>,
    fetched_at_ms: i64,
    language: String,
}

const ITEM_FIELDS: &str = "i.id, i.source_id, s.number, s.tags, s.chats, i.link, i.title, i.summary,
    i.published_ms, i.fetched_at_ms, i.language
    FROM news_items i JOIN news_sources s ON s.id = i.source_id";

fn item(r: ItemRow) -> Item {
    Item {
        id: r.id,
        source_id: r.source_id,
        source: SourceNo(r.number),
        tags: split_list(&r.tags),
        chats: split_list(&r.chats),
        link: r.link,
        title: r.title,
        summary: r.summary,
        published: r.published_ms.map(from_ms),
        fetched_at: from_ms(r.fetched_at_ms),
        language: r.language,
        translated: None,
    }
}

#[derive(sqlx::FromRow)]
struct WatchRow {
    platform: String,
    chat_id: String,
    keywords: String,
}

async fn source_on(conn: &mut db::Conn, id: i64) -> Result<Option<Source>, StoreError> {
    let row: Option<SourceRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {SOURCE_FIELDS} FROM news_sources s WHERE s.id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(source))
}

/// `%,tag,%`, or `%` for every item.
fn tag_pattern(tag: Option<&str>) -> String {
    tag.map_or_else(|| "%".to_owned(), |t| format!("%,{t},%"))
}

#[async_trait]
impl NewsStore for db::Pools {
    async fn news_add_source(
        &self,
        new: &NewSource,
        max: i64,
        first: FirstJob<'_>,
        now: DateTime<Utc>,
    ) -> Result<Added, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM news_sources WHERE community_id = $1 AND url = $2")
            .bind(&new.community)
            .bind(&new.url)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = seen {
            let s = source_on(&mut tx, id).await?.ok_or_else(|| StoreError::Corrupt(format!("news source {id}")))?;
            return Ok(Added::Duplicate(s));
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM news_sources WHERE community_id = $1")
            .bind(&new.community)
            .fetch_one(&mut *tx)
            .await?;
        if count >= max {
            return Ok(Added::Full);
        }
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO news_counters (community_id, last) VALUES ($1, 1)
             ON CONFLICT (community_id) DO UPDATE SET last = news_counters.last + 1 RETURNING last",
        )
        .bind(&new.community)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_sources (community_id, number, url, language, tags, include_words, exclude_words, chats,
                 from_config, added_platform, added_user, next_fetch_ms, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(&new.community)
        .bind(number)
        .bind(&new.url)
        .bind(&new.language)
        .bind(join_list(&new.tags))
        .bind(join_list(&new.include))
        .bind(join_list(&new.exclude))
        .bind(join_list(&new.chats))
        .bind(i64::from(new.from_config))
        .bind(new.added_by.as_ref().map(|(p, _)| p.as_str()))
        .bind(new.added_by.as_ref().map(|(_, u)| u.as_str()))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let stored = source_on(&mut tx, id).await?.ok_or_else(|| StoreError::Corrupt(format!("news source {id}")))?;
        queue::enqueue_in(&mut tx, &first(&stored), now).await?;
        tx.commit().await?;
        Ok(Added::Stored(stored))
    }

    async fn news_update_settings(&self, id: i64, new: &NewSource) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE news_sources SET language = $2, tags = $3, include_words = $4, exclude_words = $5, chats = $6,
                 from_config = 1
             WHERE id = $1",
        )
        .bind(id)
        .bind(&new.language)
        .bind(join_list(&new.tags))
        .bind(join_list(&new.include))
        .bind(join_list(&new.exclude))
        .bind(join_list(&new.chats))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn news_remove_source(&self, community: &str, number: SourceNo) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM news_sources WHERE community_id = $1 AND number = $2")
            .bind(community)
            .bind(number.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { return Ok(false) };
        // Children first: SQLite enforces the cascade only with foreign keys on.
        sqlx::query("DELETE FROM news_posts WHERE item_id IN (SELECT id FROM news_items WHERE source_id = $1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM news_translations WHERE item_id IN (SELECT id FROM news_items WHERE source_id = $1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM news_items WHERE source_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM news_sources WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn news_source(&self, community: &str, number: SourceNo) -> Result<Option<Source>, StoreError> {
        let row: Option<SourceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SOURCE_FIELDS} FROM news_sources s WHERE s.community_id = $1 AND s.number = $2"
        )))
        .bind(community)
        .bind(number.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(source))
    }

    async fn news_source_by_id(&self, id: i64) -> Result<Option<Source>, StoreError> {
        let row: Option<SourceRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {SOURCE_FIELDS} FROM news_sources s WHERE s.id = $1")))
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(source))
    }

    async fn news_sources(&self, community: &str) -> Result<Vec<Source>, StoreError> {
        let rows: Vec<SourceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SOURCE_FIELDS} FROM news_sources s WHERE s.community_id = $1 ORDER BY s.number"
        )))
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(source).collect())
    }

    async fn news_record_fetch(
        &self,
        source_id: i64,
        record: &FetchRecord,
        items: &[NewItem],
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let current: Option<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT fetch_gen, community_id FROM news_sources WHERE id = $1{}",
            db::FOR_UPDATE
        )))
        .bind(source_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((gen_now, community)) = current else { return Ok(Recorded::Stale) };
        if gen_now != record.turn {
            return Ok(Recorded::Stale);
        }
        let mut new_ids = Vec::new();
        for i in items {
            let seen: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM news_items WHERE community_id = $1 AND (item_key = $2 OR (link IS NOT NULL AND link = $3))
                 LIMIT 1",
            )
            .bind(&community)
            .bind(&i.key)
            .bind(&i.link)
            .fetch_optional(&mut *tx)
            .await?;
            if seen.is_some() {
                continue;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO news_items (community_id, source_id, item_key, guid, link, title, summary, published_ms,
                     fetched_at_ms, language)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&community)
            .bind(source_id)
            .bind(&i.key)
            .bind(&i.guid)
            .bind(&i.link)
            .bind(&i.title)
            .bind(&i.summary)
            .bind(i.published.map(ms))
            .bind(ms(now))
            .bind(&i.language)
            .fetch_one(&mut *tx)
            .await?;
            new_ids.push(id);
        }
        let next_ms = ms(record.next.due);
        match &record.error {
            None => {
                sqlx::query(
                    "UPDATE news_sources SET etag = COALESCE($2, etag), last_modified = COALESCE($3, last_modified),
                         last_fetch_ms = $4, last_ok_ms = $4, failures = 0, last_error = NULL, dead_reported = 0,
                         next_fetch_ms = $5, fetch_gen = fetch_gen + 1
                     WHERE id = $1",
                )
                .bind(source_id)
                .bind(&record.etag)
                .bind(&record.last_modified)
                .bind(ms(now))
                .bind(next_ms)
                .execute(&mut *tx)
                .await?;
            }
            Some(error) => {
                sqlx::query(
                    "UPDATE news_sources SET last_fetch_ms = $2, failures = failures + 1, last_error = $3,
                         dead_reported = CASE WHEN $4 = 1 THEN 1 ELSE dead_reported END,
                         next_fetch_ms = $5, fetch_gen = fetch_gen + 1
                     WHERE id = $1",
                )
                .bind(source_id)
                .bind(ms(now))
                .bind(error)
                .bind(i64::from(record.report_dead))
                .bind(next_ms)
                .execute(&mut *tx)
                .await?;
            }
        }
        queue::enqueue_in(&mut tx, &record.next, now).await?;
        let mut stored = Vec::with_capacity(new_ids.len());
        for id in new_ids {
            let row: ItemRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {ITEM_FIELDS} WHERE i.id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            stored.push(item(row));
        }
        tx.commit().await?;
        Ok(Recorded::Done(stored))
    }

    async fn news_latest(
        &self,
        community: &str,
        tag: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Item>, StoreError> {
        let rows: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_FIELDS} WHERE i.community_id = $1 AND s.tags LIKE $2
             ORDER BY COALESCE(i.published_ms, i.fetched_at_ms) DESC, i.id DESC LIMIT $3 OFFSET $4"
        )))
        .bind(community)
        .bind(tag_pattern(tag))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(item).collect())
    }

    async fn news_count(&self, community: &str, tag: Option<&str>) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM news_items i JOIN news_sources s ON s.id = i.source_id
             WHERE i.community_id = $1 AND s.tags LIKE $2",
        )
        .bind(community)
        .bind(tag_pattern(tag))
        .fetch_one(&self.read)
        .await?;
        Ok(n)
    }

    async fn news_stored_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<(Vec<Item>, i64), StoreError> {
        let rows: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_FIELDS} WHERE i.community_id = $1 AND i.fetched_at_ms > $2
             ORDER BY COALESCE(i.published_ms, i.fetched_at_ms) DESC, i.id DESC LIMIT $3"
        )))
        .bind(community)
        .bind(ms(since))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM news_items WHERE community_id = $1 AND fetched_at_ms > $2")
                .bind(community)
                .bind(ms(since))
                .fetch_one(&self.read)
                .await?;
        Ok((rows.into_iter().map(item).collect(), n))
    }

    async fn news_watch(&self, community: &str, watch: &Watch, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO news_watches (community_id, platform, chat_id, keywords, created_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (community_id, platform, chat_id) DO UPDATE SET keywords = excluded.keywords",
        )
        .bind(community)
        .bind(watch.platform.as_str())
        .bind(&watch.chat_id)
        .bind(join_list(&watch.keywords))
        .bind(ms(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn news_unwatch(&self, community: &str, platform: Platform, chat_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM news_watches WHERE community_id = $1 AND platform = $2 AND chat_id = $3")
            .bind(community)
            .bind(platform.as_str())
            .bind(chat_id)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn news_watches(&self, community: &str) -> Result<Vec<Watch>, StoreError> {
        let rows: Vec<WatchRow> = sqlx::query_as(
            "SELECT platform, chat_id, keywords FROM news_watches WHERE community_id = $1 ORDER BY platform, chat_id",
        )
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(Watch {
                    platform: Platform::parse(&r.platform)?,
                    chat_id: r.chat_id,
                    keywords: split_list(&r.keywords),
                })
            })
            .collect())
    }

    async fn news_claim_posts(
        &self,
        platform: Platform,
        chat_id: &str,
        items: &[i64],
        per_hour: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let mut recent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM news_posts WHERE platform = $1 AND chat_id = $2 AND posted_at_ms > $3",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(ms(now - Duration::hours(1)))
        .fetch_one(&mut *tx)
        .await?;
        let mut claimed = Vec::new();
        for id in items {
            if recent >= per_hour {
                break;
            }
            let done = sqlx::query(
                "INSERT INTO news_posts (platform, chat_id, item_id, posted_at_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(platform.as_str())
            .bind(chat_id)
            .bind(id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                claimed.push(*id);
                recent += 1;
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn news_translations(&self, items: &[i64], language: &str) -> Result<Vec<Translation>, StoreError> {
        let mut out = Vec::new();
        for id in items {
            let row: Option<TranslationRow> = sqlx::query_as(
                "SELECT item_id, language, title, summary FROM news_translations WHERE item_id = $1 AND language = $2",
            )
            .bind(id)
            .bind(language)
            .fetch_optional(&self.read)
            .await?;
            out.extend(row.map(|r| Translation {
                item: r.item_id,
                language: r.language,
                title: r.title,
                summary: r.summary,
            }));
        }
        Ok(out)
    }

    async fn news_put_translation(&self, t: &Translation, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO news_translations (item_id, language, title, summary, created_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (item_id, language) DO NOTHING",
        )
        .bind(t.item)
        .bind(&t.language)
        .bind(&t.title)
        .bind(&t.summary)
        .bind(ms(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn news_translation_failed(&self, item: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE news_items SET translate_failures = translate_failures + 1 WHERE id = $1")
            .bind(item)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn news_untranslated(
        &self,
        community: &str,
        language: &str,
        since: DateTime<Utc>,
        max_failures: i64,
        limit: i64,
    ) -> Result<Vec<Item>, StoreError> {
        let rows: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_FIELDS} WHERE i.community_id = $1 AND i.fetched_at_ms > $3
                 AND i.language <> $2 AND i.language NOT LIKE $2 || '-%' AND i.translate_failures < $4
                 AND NOT EXISTS (SELECT 1 FROM news_translations t WHERE t.item_id = i.id AND t.language = $2)
             ORDER BY i.fetched_at_ms DESC, i.id DESC LIMIT $5"
        )))
        .bind(community)
        .bind(language)
        .bind(ms(since))
        .bind(max_failures)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(item).collect())
    }
}

#[derive(sqlx::FromRow)]
struct TranslationRow {
    item_id: i64,
    language: String,
    title: String,
    summary: String,
}
