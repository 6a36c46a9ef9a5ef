//! The FAQ feature's SQL, shared by both backends like `sql.rs`.

/// Implements [`crate::store::faq::FaqStore`] for `$store` (which has a
/// `pool` field) on database `$db`; `$begin` opens a write transaction.
macro_rules! faq_store {
    ($store:ty, $db:ty, $begin:literal) => {
        mod faq_impl {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};

            use super::*;
            use crate::i18n::Locale;
            use crate::store::faq::{FaqCounter, FaqEntry, FaqStore, ImportSummary, Miss, Redirect};
            use crate::store::{MemberId, StoreError, from_ms, ms};

            type EntryRow = (String, String, String, String, Option<String>, String, i64, i64, i64);

            fn entry_from_row(r: EntryRow) -> Result<FaqEntry, StoreError> {
                let lang = Locale::parse(&r.1).ok_or_else(|| StoreError::Corrupt(format!("faq lang {:?}", r.1)))?;
                Ok(FaqEntry {
                    id: r.0,
                    lang,
                    question: r.2,
                    answer: r.3,
                    link: r.4,
                    tags: r.5.split('\n').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
                    aliases: Vec::new(),
                    negatives: Vec::new(),
                    hits: r.6,
                    helpful: r.7,
                    unhelpful: r.8,
                })
            }

            fn tags_text(tags: &[String]) -> String {
                tags.join("\n")
            }

            async fn insert_entry<'c, E>(
                conn: E,
                community: &str,
                e: &FaqEntry,
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError>
            where
                E: sqlx::Executor<'c, Database = $db>,
            {
                let done = sqlx::query(
                    "INSERT INTO faq_entries (community_id, id, lang, question, answer, link, tags, created_at_ms, updated_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING",
                )
                .bind(community)
                .bind(&e.id)
                .bind(e.lang.code())
                .bind(&e.question)
                .bind(&e.answer)
                .bind(&e.link)
                .bind(tags_text(&e.tags))
                .bind(ms(now))
                .execute(conn)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn insert_alias<'c, E>(
                conn: E,
                community: &str,
                id: &str,
                alias: &str,
                source: &str,
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError>
            where
                E: sqlx::Executor<'c, Database = $db>,
            {
                let done = sqlx::query(
                    "INSERT INTO faq_aliases (community_id, entry_id, text, source, added_at_ms)
                     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM faq_entries WHERE community_id = $1 AND id = $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(community)
                .bind(id)
                .bind(alias)
                .bind(source)
                .bind(ms(now))
                .execute(conn)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            #[async_trait]
            impl FaqStore for $store {
                async fn faq_entries(&self, community: &str) -> Result<Vec<FaqEntry>, StoreError> {
                    let rows: Vec<EntryRow> =
                        sqlx::query_as(
                        "SELECT id, lang, question, answer, link, tags, hits, helpful, unhelpful FROM faq_entries WHERE community_id = $1 ORDER BY id",
                    )
                            .bind(community)
                            .fetch_all(&self.read)
                            .await?;
                    let mut entries: Vec<FaqEntry> = rows.into_iter().map(entry_from_row).collect::<Result<_, _>>()?;
                    let aliases: Vec<(String, String)> = sqlx::query_as(
                        "SELECT entry_id, text FROM faq_aliases WHERE community_id = $1 ORDER BY entry_id, added_at_ms, text",
                    )
                    .bind(community)
                    .fetch_all(&self.read)
                    .await?;
                    let negatives: Vec<(String, String)> = sqlx::query_as(
                        "SELECT entry_id, text FROM faq_negatives WHERE community_id = $1 ORDER BY entry_id, added_at_ms, text",
                    )
                    .bind(community)
                    .fetch_all(&self.read)
                    .await?;
                    let index: std::collections::HashMap<String, usize> =
                        entries.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
                    for (id, text) in aliases {
                        if let Some(&i) = index.get(&id) {
                            entries[i].aliases.push(text);
                        }
                    }
                    for (id, text) in negatives {
                        if let Some(&i) = index.get(&id) {
                            entries[i].negatives.push(text);
                        }
                    }
                    Ok(entries)
                }

                async fn faq_entry(&self, community: &str, id: &str) -> Result<Option<FaqEntry>, StoreError> {
                    let row: Option<EntryRow> = sqlx::query_as(
                        "SELECT id, lang, question, answer, link, tags, hits, helpful, unhelpful FROM faq_entries WHERE community_id = $1 AND id = $2",
                    )
                    .bind(community)
                    .bind(id)
                    .fetch_optional(&self.read)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let mut entry = entry_from_row(row)?;
                    let aliases: Vec<(String,)> = sqlx::query_as(
                        "SELECT text FROM faq_aliases WHERE community_id = $1 AND entry_id = $2 ORDER BY added_at_ms, text",
                    )
                    .bind(community)
                    .bind(id)
                    .fetch_all(&self.read)
                    .await?;
                    entry.aliases = aliases.into_iter().map(|r| r.0).collect();
                    let negatives: Vec<(String,)> = sqlx::query_as(
                        "SELECT text FROM faq_negatives WHERE community_id = $1 AND entry_id = $2 ORDER BY added_at_ms, text",
                    )
                    .bind(community)
                    .bind(id)
                    .fetch_all(&self.read)
                    .await?;
                    entry.negatives = negatives.into_iter().map(|r| r.0).collect();
                    Ok(Some(entry))
                }

                async fn faq_insert(&self, community: &str, entry: &FaqEntry, now: DateTime<Utc>) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
                    if !insert_entry(&mut *tx, community, entry, now).await? {
                        return Ok(false);
                    }
                    for alias in &entry.aliases {
                        insert_alias(&mut *tx, community, &entry.id, alias, "import", now).await?;
                    }
                    tx.commit().await?;
                    Ok(true)
                }

                async fn faq_update(
                    &self,
                    community: &str,
                    id: &str,
                    question: &str,
                    answer: &str,
                    now: DateTime<Utc>,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "UPDATE faq_entries SET question = $1, answer = $2, updated_at_ms = $3 WHERE community_id = $4 AND id = $5",
                    )
                    .bind(question)
                    .bind(answer)
                    .bind(ms(now))
                    .bind(community)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn faq_remove(&self, community: &str, id: &str) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
                    for sql in [
                        "DELETE FROM faq_aliases WHERE community_id = $1 AND entry_id = $2",
                        "DELETE FROM faq_negatives WHERE community_id = $1 AND entry_id = $2",
                    ] {
                        sqlx::query(sql).bind(community).bind(id).execute(&mut *tx).await?;
                    }
                    let done = sqlx::query("DELETE FROM faq_entries WHERE community_id = $1 AND id = $2")
                        .bind(community)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn faq_import(
                    &self,
                    community: &str,
                    entries: &[FaqEntry],
                    now: DateTime<Utc>,
                ) -> Result<ImportSummary, StoreError> {
                    let mut summary = ImportSummary::default();
                    let mut tx = self.pool.begin_with($begin).await?;
                    for e in entries {
                        let row: Option<EntryRow> = sqlx::query_as(
                            "SELECT id, lang, question, answer, link, tags, hits, helpful, unhelpful FROM faq_entries WHERE community_id = $1 AND id = $2",
                        )
                        .bind(community)
                        .bind(&e.id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let mut new_alias = false;
                        match row {
                            None => {
                                insert_entry(&mut *tx, community, e, now).await?;
                                summary.added.push(e.id.clone());
                            }
                            Some(row) => {
                                let old = entry_from_row(row)?;
                                let same = old.question == e.question
                                    && old.answer == e.answer
                                    && old.link == e.link
                                    && old.tags == e.tags
                                    && old.lang == e.lang;
                                if !same {
                                    sqlx::query(
                                        "UPDATE faq_entries SET lang = $1, question = $2, answer = $3, link = $4, tags = $5,
                                         updated_at_ms = $6 WHERE community_id = $7 AND id = $8",
                                    )
                                    .bind(e.lang.code())
                                    .bind(&e.question)
                                    .bind(&e.answer)
                                    .bind(&e.link)
                                    .bind(tags_text(&e.tags))
                                    .bind(ms(now))
                                    .bind(community)
                                    .bind(&e.id)
                                    .execute(&mut *tx)
                                    .await?;
                                    summary.changed.push(e.id.clone());
                                } else {
                                    new_alias = true;
                                }
                            }
                        }
                        let mut added_alias = false;
                        for alias in &e.aliases {
                            added_alias |= insert_alias(&mut *tx, community, &e.id, alias, "import", now).await?;
                        }
                        if new_alias {
                            if added_alias {
                                summary.changed.push(e.id.clone());
                            } else {
                                summary.unchanged.push(e.id.clone());
                            }
                        }
                    }
                    tx.commit().await?;
                    Ok(summary)
                }

                async fn faq_add_alias(
                    &self,
                    community: &str,
                    id: &str,
                    alias: &str,
                    source: &str,
                    now: DateTime<Utc>,
                ) -> Result<bool, StoreError> {
                    insert_alias(&self.pool, community, id, alias, source, now).await
                }

                async fn faq_add_negative(
                    &self,
                    community: &str,
                    id: &str,
                    text: &str,
                    now: DateTime<Utc>,
                ) -> Result<(), StoreError> {
                    sqlx::query(
                        "INSERT INTO faq_negatives (community_id, entry_id, text, added_at_ms)
                         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM faq_entries WHERE community_id = $1 AND id = $2)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(community)
                    .bind(id)
                    .bind(text)
                    .bind(ms(now))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn faq_count(&self, community: &str, id: &str, counter: FaqCounter) -> Result<(), StoreError> {
                    let sql = match counter {
                        FaqCounter::Hit => "UPDATE faq_entries SET hits = hits + 1 WHERE community_id = $1 AND id = $2",
                        FaqCounter::Helpful => {
                            "UPDATE faq_entries SET helpful = helpful + 1 WHERE community_id = $1 AND id = $2"
                        }
                        FaqCounter::Unhelpful => {
                            "UPDATE faq_entries SET unhelpful = unhelpful + 1 WHERE community_id = $1 AND id = $2"
                        }
                    };
                    sqlx::query(sql).bind(community).bind(id).execute(&self.pool).await?;
                    Ok(())
                }

                async fn faq_record_redirect(&self, community: &str, r: &Redirect) -> Result<(), StoreError> {
                    sqlx::query(
                        "INSERT INTO faq_redirects (community_id, chat, entry_id, asker_id, query, automatic, at_ms)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(community)
                    .bind(&r.chat)
                    .bind(&r.entry_id)
                    .bind(r.asker.map(|m| m.0))
                    .bind(&r.query)
                    .bind(r.automatic)
                    .bind(ms(r.at))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn faq_redirects_since(
                    &self,
                    community: &str,
                    chat: &str,
                    since: DateTime<Utc>,
                ) -> Result<Vec<Redirect>, StoreError> {
                    let rows: Vec<(String, Option<i64>, String, bool, i64)> = sqlx::query_as(
                        "SELECT entry_id, asker_id, query, automatic, at_ms FROM faq_redirects
                         WHERE community_id = $1 AND chat = $2 AND at_ms >= $3 ORDER BY at_ms DESC, id DESC",
                    )
                    .bind(community)
                    .bind(chat)
                    .bind(ms(since))
                    .fetch_all(&self.read)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|(entry_id, asker, query, automatic, at)| Redirect {
                            chat: chat.to_owned(),
                            entry_id,
                            asker: asker.map(MemberId),
                            query,
                            automatic,
                            at: from_ms(at),
                        })
                        .collect())
                }

                async fn faq_record_miss(&self, community: &str, miss: &Miss) -> Result<(), StoreError> {
                    sqlx::query("INSERT INTO faq_misses (community_id, chat, text, at_ms) VALUES ($1, $2, $3, $4)")
                        .bind(community)
                        .bind(&miss.chat)
                        .bind(&miss.text)
                        .bind(ms(miss.at))
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn faq_record_misses(&self, misses: &[(String, Miss)]) -> Result<(), StoreError> {
                    if misses.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.pool.begin_with($begin).await?;
                    // 200 rows (800 binds) per statement: PostgreSQL slows
                    // down past that.
                    for chunk in misses.chunks(200) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO faq_misses (community_id, chat, text, at_ms) ");
                        qb.push_values(chunk, |mut b, (community, miss)| {
                            b.push_bind(community.clone())
                                .push_bind(miss.chat.clone())
                                .push_bind(miss.text.clone())
                                .push_bind(ms(miss.at));
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn faq_misses_since(
                    &self,
                    community: &str,
                    since: DateTime<Utc>,
                    limit: i64,
                ) -> Result<Vec<Miss>, StoreError> {
                    let rows: Vec<(String, String, i64)> = sqlx::query_as(
                        "SELECT chat, text, at_ms FROM faq_misses WHERE community_id = $1 AND at_ms >= $2
                         ORDER BY at_ms DESC, id DESC LIMIT $3",
                    )
                    .bind(community)
                    .bind(ms(since))
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?;
                    Ok(rows.into_iter().map(|(chat, text, at)| Miss { chat, text, at: from_ms(at) }).collect())
                }

                async fn faq_new_since(
                    &self,
                    community: &str,
                    since: DateTime<Utc>,
                    limit: i64,
                ) -> Result<Vec<(String, String)>, StoreError> {
                    Ok(sqlx::query_as(
                        "SELECT id, question FROM faq_entries WHERE community_id = $1 AND created_at_ms >= $2
                         ORDER BY created_at_ms, id LIMIT $3",
                    )
                    .bind(community)
                    .bind(ms(since))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn faq_top_since(
                    &self,
                    community: &str,
                    since: DateTime<Utc>,
                    limit: i64,
                ) -> Result<Vec<(String, String, i64)>, StoreError> {
                    Ok(sqlx::query_as(
                        "SELECT e.id, e.question, COUNT(*) AS n FROM faq_redirects r
                         JOIN faq_entries e ON e.community_id = r.community_id AND e.id = r.entry_id
                         WHERE r.community_id = $1 AND r.at_ms >= $2
                         GROUP BY e.id, e.question ORDER BY n DESC, e.id LIMIT $3",
                    )
                    .bind(community)
                    .bind(ms(since))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
                }
            }
        }
    };
}

pub(crate) use faq_store;
