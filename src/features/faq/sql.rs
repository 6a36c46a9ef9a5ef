//! The FAQ's SQL, compiled once per backend (`db` is the backend's
//! dialect, `queue` the scheduler's for the same backend): entries with
//! their aliases and negative examples, redirects, unanswered questions,
//! proposals from bounty answers, and what the digest reads.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{db, queue};
use crate::features::faq::store::{
    CHAT_REWEIGH_QUESTIONS, Decided, Decision, EntryVector, FaqCounter, FaqEntry, FaqFingerprint, FaqStore,
    ImportSummary, Miss, NewProposal, Proposal, ProposalNo, ProposalState, Proposed, Redirect, TermCounts,
};
use crate::i18n::Locale;
use crate::message::Platform;
use crate::store::jobs::NewOutboxMessage;
use crate::store::{MemberId, StoreError, from_ms, ms};

/// An entry as stored (tags one per line).
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: String,
    lang: String,
    question: String,
    answer: String,
    link: Option<String>,
    tags: String,
    hits: i64,
    helpful: i64,
    unhelpful: i64,
}

const ENTRY_COLUMNS: &str = "id, lang, question, answer, link, tags, hits, helpful, unhelpful";

fn entry_from_row(r: EntryRow) -> Result<FaqEntry, StoreError> {
    let lang = Locale::parse(&r.lang).ok_or_else(|| StoreError::Corrupt(format!("faq lang {:?}", r.lang)))?;
    Ok(FaqEntry {
        id: r.id,
        lang,
        question: r.question,
        answer: r.answer,
        link: r.link,
        tags: r.tags.split('\n').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        aliases: Vec::new(),
        negatives: Vec::new(),
        hits: r.hits,
        helpful: r.helpful,
        unhelpful: r.unhelpful,
    })
}

/// An alias or a negative example of an entry.
#[derive(sqlx::FromRow)]
struct WordingRow {
    entry_id: String,
    text: String,
}

/// An entry's vector as stored (little-endian `f32`s).
#[derive(sqlx::FromRow)]
struct VectorRow {
    entry_id: String,
    text_hash: String,
    vector: Vec<u8>,
}

fn vector_of(r: VectorRow) -> Result<EntryVector, StoreError> {
    if !r.vector.len().is_multiple_of(4) {
        return Err(StoreError::Corrupt(format!("faq embedding of {}: {} bytes", r.entry_id, r.vector.len())));
    }
    let vector = r.vector.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(EntryVector { entry_id: r.entry_id, text_hash: r.text_hash, vector })
}

fn vector_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A redirect as stored.
#[derive(sqlx::FromRow)]
struct RedirectRow {
    entry_id: String,
    asker_id: Option<i64>,
    query: String,
    automatic: bool,
    at_ms: i64,
}

/// A redirect as stored, with its chat.
#[derive(sqlx::FromRow)]
struct ChatRedirectRow {
    chat: String,
    #[sqlx(flatten)]
    redirect: RedirectRow,
}

fn redirect_of(chat: String, r: RedirectRow) -> Redirect {
    Redirect {
        chat,
        entry_id: r.entry_id,
        asker: r.asker_id.map(MemberId),
        query: r.query,
        automatic: r.automatic,
        at: from_ms(r.at_ms),
    }
}

/// An unanswered question as stored.
#[derive(sqlx::FromRow)]
struct MissRow {
    chat: String,
    text: String,
    at_ms: i64,
}

/// An entry's id and question.
#[derive(sqlx::FromRow)]
struct TitleRow {
    id: String,
    question: String,
}

/// An entry pointed to `n` times.
#[derive(sqlx::FromRow)]
struct TopRow {
    id: String,
    question: String,
    n: i64,
}

/// A proposal as stored, with its proposer's name and language.
#[derive(sqlx::FromRow)]
struct ProposalRow {
    community_id: String,
    question_number: i64,
    answer_ref: String,
    answerer_name: String,
    question: String,
    answer: String,
    proposer_id: i64,
    display_name: String,
    locale: Option<String>,
    proposer_platform: String,
    proposer_user_id: String,
    state: String,
    entry_id: Option<String>,
    reason: Option<String>,
    created_at_ms: i64,
    drafted_by: Option<String>,
}

const PROPOSAL_SELECT: &str = "SELECT p.community_id, p.question_number, p.answer_ref, p.answerer_name,
        p.question, p.answer, p.proposer_id, m.display_name, m.locale, p.proposer_platform, p.proposer_user_id,
        p.state, p.entry_id, p.reason, p.created_at_ms, p.drafted_by
     FROM faq_proposals p JOIN members m ON m.id = p.proposer_id";

fn proposal(r: ProposalRow) -> Result<Proposal, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("faq proposal {}: {what}", ProposalNo(r.question_number)));
    Ok(Proposal {
        state: ProposalState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
        proposer_platform: Platform::parse(&r.proposer_platform).ok_or_else(|| corrupt("platform"))?,
        community: r.community_id,
        number: ProposalNo(r.question_number),
        answer_ref: r.answer_ref,
        answerer_name: r.answerer_name,
        question: r.question,
        answer: r.answer,
        proposer: MemberId(r.proposer_id),
        proposer_name: r.display_name,
        proposer_locale: r.locale.as_deref().and_then(Locale::parse),
        proposer_user_id: r.proposer_user_id,
        entry_id: r.entry_id,
        reason: r.reason,
        created_at: from_ms(r.created_at_ms),
        drafted_by: r.drafted_by,
    })
}

async fn proposal_of<'c, E>(conn: E, community: &str, number: ProposalNo) -> Result<Option<Proposal>, StoreError>
where
    E: sqlx::Executor<'c, Database = db::Db>,
{
    let row: Option<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PROPOSAL_SELECT} WHERE p.community_id = $1 AND p.question_number = $2"
    )))
    .bind(community)
    .bind(number.0)
    .fetch_optional(conn)
    .await?;
    row.map(proposal).transpose()
}

/// Stores a pending proposal numbered `number` unless the community has
/// one by that number; whether it did.
async fn insert_proposal<'c, E>(conn: E, p: &NewProposal, number: ProposalNo) -> Result<bool, StoreError>
where
    E: sqlx::Executor<'c, Database = db::Db>,
{
    let done = sqlx::query(
        "INSERT INTO faq_proposals (community_id, question_number, answer_ref, answerer_name, question, answer,
             proposer_id, proposer_platform, proposer_user_id, state, created_at_ms, drafted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(&p.community)
    .bind(number.0)
    .bind(&p.answer_ref)
    .bind(&p.answerer_name)
    .bind(&p.question)
    .bind(&p.answer)
    .bind(p.proposer.0)
    .bind(p.platform.as_str())
    .bind(&p.user_id)
    .bind(ms(p.at))
    .bind(&p.drafted_by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn tags_text(tags: &[String]) -> String {
    tags.join("\n")
}

async fn insert_entry<'c, E>(conn: E, community: &str, e: &FaqEntry, now: DateTime<Utc>) -> Result<bool, StoreError>
where
    E: sqlx::Executor<'c, Database = db::Db>,
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
    E: sqlx::Executor<'c, Database = db::Db>,
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
impl FaqStore for db::Pools {
    async fn faq_fingerprint(&self, community: &str) -> Result<FaqFingerprint, StoreError> {
        Ok(sqlx::query_as(
            "SELECT
                 (SELECT COUNT(*) FROM faq_entries WHERE community_id = $1) AS entries,
                 (SELECT COALESCE(MAX(updated_at_ms), 0) FROM faq_entries WHERE community_id = $1) AS entries_at,
                 (SELECT COUNT(*) FROM faq_aliases WHERE community_id = $1) AS aliases,
                 (SELECT COALESCE(MAX(added_at_ms), 0) FROM faq_aliases WHERE community_id = $1) AS aliases_at,
                 (SELECT COUNT(*) FROM faq_negatives WHERE community_id = $1) AS negatives,
                 (SELECT COALESCE(MAX(added_at_ms), 0) FROM faq_negatives WHERE community_id = $1) AS negatives_at,
                 (SELECT COUNT(*) FROM faq_synonyms WHERE community_id = $1) AS synonyms,
                 (SELECT COALESCE(MAX(added_at_ms), 0) FROM faq_synonyms WHERE community_id = $1) AS synonyms_at,
                 (SELECT COALESCE(MAX(df), 0) FROM faq_chat_terms WHERE community_id = $1 AND term = '') / $2
                     AS chat_epoch",
        )
        .bind(community)
        .bind(CHAT_REWEIGH_QUESTIONS)
        .fetch_one(&self.read)
        .await?)
    }

    async fn faq_entries(&self, community: &str) -> Result<Vec<FaqEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM faq_entries WHERE community_id = $1 ORDER BY id"
        )))
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        let mut entries: Vec<FaqEntry> = rows.into_iter().map(entry_from_row).collect::<Result<_, _>>()?;
        let aliases: Vec<WordingRow> = sqlx::query_as(
            "SELECT entry_id, text FROM faq_aliases WHERE community_id = $1 ORDER BY entry_id, added_at_ms, text",
        )
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        let negatives: Vec<WordingRow> = sqlx::query_as(
            "SELECT entry_id, text FROM faq_negatives WHERE community_id = $1 ORDER BY entry_id, added_at_ms, text",
        )
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        let index: std::collections::HashMap<String, usize> =
            entries.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        for r in aliases {
            if let Some(&i) = index.get(&r.entry_id) {
                entries[i].aliases.push(r.text);
            }
        }
        for r in negatives {
            if let Some(&i) = index.get(&r.entry_id) {
                entries[i].negatives.push(r.text);
            }
        }
        Ok(entries)
    }

    async fn faq_entry(&self, community: &str, id: &str) -> Result<Option<FaqEntry>, StoreError> {
        let row: Option<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM faq_entries WHERE community_id = $1 AND id = $2"
        )))
        .bind(community)
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut entry = entry_from_row(row)?;
        let aliases: Vec<String> = sqlx::query_scalar(
            "SELECT text FROM faq_aliases WHERE community_id = $1 AND entry_id = $2 ORDER BY added_at_ms, text",
        )
        .bind(community)
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        entry.aliases = aliases;
        let negatives: Vec<String> = sqlx::query_scalar(
            "SELECT text FROM faq_negatives WHERE community_id = $1 AND entry_id = $2 ORDER BY added_at_ms, text",
        )
        .bind(community)
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        entry.negatives = negatives;
        Ok(Some(entry))
    }

    async fn faq_insert(&self, community: &str, entry: &FaqEntry, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
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
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn faq_remove(&self, community: &str, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        for sql in [
            "DELETE FROM faq_aliases WHERE community_id = $1 AND entry_id = $2",
            "DELETE FROM faq_negatives WHERE community_id = $1 AND entry_id = $2",
            "DELETE FROM faq_embeddings WHERE community_id = $1 AND entry_id = $2",
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
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        for e in entries {
            let row: Option<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM faq_entries WHERE community_id = $1 AND id = $2"
            )))
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
        insert_alias(&self.write, community, id, alias, source, now).await
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
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn faq_count(&self, community: &str, id: &str, counter: FaqCounter) -> Result<(), StoreError> {
        let sql = match counter {
            FaqCounter::Hit => "UPDATE faq_entries SET hits = hits + 1 WHERE community_id = $1 AND id = $2",
            FaqCounter::Helpful => "UPDATE faq_entries SET helpful = helpful + 1 WHERE community_id = $1 AND id = $2",
            FaqCounter::Unhelpful => {
                "UPDATE faq_entries SET unhelpful = unhelpful + 1 WHERE community_id = $1 AND id = $2"
            }
        };
        sqlx::query(sql).bind(community).bind(id).execute(&self.write).await?;
        Ok(())
    }

    async fn faq_record_redirect(&self, community: &str, r: &Redirect) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO faq_redirects (community_id, chat, entry_id, asker_id, query, automatic, at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(community)
        .bind(&r.chat)
        .bind(&r.entry_id)
        .bind(r.asker.map(|m| m.0))
        .bind(&r.query)
        .bind(r.automatic)
        .bind(ms(r.at))
        .fetch_one(&self.write)
        .await?)
    }

    async fn faq_redirect(&self, community: &str, id: i64) -> Result<Option<Redirect>, StoreError> {
        let row: Option<(String, RedirectRow)> = sqlx::query_as::<_, ChatRedirectRow>(
            "SELECT chat, entry_id, asker_id, query, automatic, at_ms FROM faq_redirects
             WHERE community_id = $1 AND id = $2",
        )
        .bind(community)
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .map(|r| (r.chat, r.redirect));
        Ok(row.map(|(chat, r)| redirect_of(chat, r)))
    }

    async fn faq_feedback(
        &self,
        community: &str,
        id: i64,
        entry_id: &str,
        member: MemberId,
        kind: FaqCounter,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let column = match kind {
            FaqCounter::Helpful => "helpful",
            FaqCounter::Unhelpful => "unhelpful",
            FaqCounter::Hit => return Ok(false),
        };
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let changed = if on {
            sqlx::query(
                "INSERT INTO faq_feedback (redirect_id, member_id, kind, at_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (redirect_id, member_id, kind) DO NOTHING",
            )
            .bind(id)
            .bind(member.0)
            .bind(column)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("DELETE FROM faq_feedback WHERE redirect_id = $1 AND member_id = $2 AND kind = $3")
                .bind(id)
                .bind(member.0)
                .bind(column)
                .execute(&mut *tx)
                .await?
        }
        .rows_affected()
            == 1;
        if changed {
            let step = if on { "+ 1" } else { "- 1" };
            // Only a constant column name and sign are spliced in.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE faq_entries SET {column} = {column} {step} WHERE community_id = $1 AND id = $2"
            )))
            .bind(community)
            .bind(entry_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn faq_redirects_since(
        &self,
        community: &str,
        chat: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<Redirect>, StoreError> {
        let rows: Vec<RedirectRow> = sqlx::query_as(
            "SELECT entry_id, asker_id, query, automatic, at_ms FROM faq_redirects
             WHERE community_id = $1 AND chat = $2 AND at_ms >= $3 ORDER BY at_ms DESC, id DESC",
        )
        .bind(community)
        .bind(chat)
        .bind(ms(since))
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|r| redirect_of(chat.to_owned(), r)).collect())
    }

    async fn faq_record_miss(&self, community: &str, miss: &Miss) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO faq_misses (community_id, chat, text, at_ms) VALUES ($1, $2, $3, $4)")
            .bind(community)
            .bind(&miss.chat)
            .bind(&miss.text)
            .bind(ms(miss.at))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn faq_record_misses(&self, misses: &[(String, Miss)]) -> Result<(), StoreError> {
        if misses.is_empty() {
            return Ok(());
        }
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        // 200 rows (800 binds) per statement: PostgreSQL slows
        // down past that.
        for chunk in misses.chunks(200) {
            let mut qb = sqlx::QueryBuilder::<db::Db>::new("INSERT INTO faq_misses (community_id, chat, text, at_ms) ");
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

    async fn faq_add_term_counts(&self, counts: &[(String, TermCounts)]) -> Result<(), StoreError> {
        if counts.iter().all(|(_, c)| c.questions == 0) {
            return Ok(());
        }
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        for (community, c) in counts.iter().filter(|(_, c)| c.questions > 0) {
            let questions = std::iter::once(("", c.questions));
            let rows: Vec<(&str, i64)> = questions.chain(c.df.iter().map(|(t, n)| (t.as_str(), *n))).collect();
            for chunk in rows.chunks(300) {
                let mut qb = sqlx::QueryBuilder::<db::Db>::new("INSERT INTO faq_chat_terms (community_id, term, df) ");
                qb.push_values(chunk, |mut b, (term, n)| {
                    b.push_bind(community.clone()).push_bind(term.to_string()).push_bind(*n);
                });
                qb.push(" ON CONFLICT (community_id, term) DO UPDATE SET df = faq_chat_terms.df + excluded.df");
                qb.build().execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn faq_term_counts(&self, community: &str, min_share: f64) -> Result<TermCounts, StoreError> {
        let questions: Option<i64> =
            sqlx::query_scalar("SELECT df FROM faq_chat_terms WHERE community_id = $1 AND term = ''")
                .bind(community)
                .fetch_optional(&self.read)
                .await?;
        let questions = questions.unwrap_or(0);
        if questions == 0 {
            return Ok(TermCounts::default());
        }
        let least = ((questions as f64) * min_share).ceil().max(1.0) as i64;
        let df: Vec<(String, i64)> = sqlx::query_as(
            "SELECT term, df FROM faq_chat_terms WHERE community_id = $1 AND term <> '' AND df >= $2 ORDER BY term",
        )
        .bind(community)
        .bind(least)
        .fetch_all(&self.read)
        .await?;
        Ok(TermCounts { questions, df })
    }

    async fn faq_synonyms(&self, community: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT line FROM faq_synonyms WHERE community_id = $1 ORDER BY added_at_ms, line")
            .bind(community)
            .fetch_all(&self.read)
            .await?)
    }

    async fn faq_add_synonym(&self, community: &str, line: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO faq_synonyms (community_id, line, added_at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(community)
        .bind(line)
        .bind(ms(now))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn faq_embeddings(
        &self,
        community: &str,
        model: &str,
        only: Option<&[&str]>,
    ) -> Result<Vec<EntryVector>, StoreError> {
        let mut qb = sqlx::QueryBuilder::<db::Db>::new(
            "SELECT entry_id, text_hash, vector FROM faq_embeddings WHERE community_id = ",
        );
        qb.push_bind(community.to_owned()).push(" AND model = ").push_bind(model.to_owned());
        if let Some(ids) = only {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            qb.push(" AND entry_id IN (");
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind((*id).to_owned());
            }
            qb.push(")");
        }
        qb.push(" ORDER BY entry_id");
        let rows: Vec<VectorRow> = qb.build_query_as().fetch_all(&self.read).await?;
        rows.into_iter().map(vector_of).collect()
    }

    async fn faq_put_embeddings(
        &self,
        community: &str,
        model: &str,
        vectors: &[EntryVector],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if vectors.is_empty() {
            return Ok(());
        }
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        for chunk in vectors.chunks(100) {
            let mut qb = sqlx::QueryBuilder::<db::Db>::new(
                "INSERT INTO faq_embeddings (community_id, entry_id, model, text_hash, vector, made_at_ms) ",
            );
            qb.push_values(chunk, |mut b, v| {
                b.push_bind(community.to_owned())
                    .push_bind(v.entry_id.clone())
                    .push_bind(model.to_owned())
                    .push_bind(v.text_hash.clone())
                    .push_bind(vector_bytes(&v.vector))
                    .push_bind(ms(now));
            });
            qb.push(
                " ON CONFLICT (community_id, entry_id, model) DO UPDATE SET text_hash = excluded.text_hash,
                 vector = excluded.vector, made_at_ms = excluded.made_at_ms",
            );
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn faq_remove_synonyms(&self, community: &str, lines: &[String]) -> Result<u64, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let mut removed = 0;
        for line in lines {
            removed += sqlx::query("DELETE FROM faq_synonyms WHERE community_id = $1 AND line = $2")
                .bind(community)
                .bind(line)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(removed)
    }

    async fn faq_misses_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Miss>, StoreError> {
        let rows: Vec<MissRow> = sqlx::query_as(
            "SELECT chat, text, at_ms FROM faq_misses WHERE community_id = $1 AND at_ms >= $2
             ORDER BY at_ms DESC, id DESC LIMIT $3",
        )
        .bind(community)
        .bind(ms(since))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|r| Miss { chat: r.chat, text: r.text, at: from_ms(r.at_ms) }).collect())
    }

    async fn faq_propose(&self, p: &NewProposal) -> Result<Proposed, StoreError> {
        let stored = insert_proposal(&self.write, p, p.number).await?;
        // Read on the writer: the row just written, or the one that was there.
        let found = proposal_of(&self.write, &p.community, p.number)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("faq proposal {} vanished", p.number)))?;
        Ok(if stored { Proposed::Stored(Box::new(found)) } else { Proposed::Exists(Box::new(found)) })
    }

    async fn faq_proposal(&self, community: &str, number: ProposalNo) -> Result<Option<Proposal>, StoreError> {
        proposal_of(&self.read, community, number).await
    }

    async fn faq_propose_gap_draft(&self, p: &NewProposal) -> Result<Proposal, StoreError> {
        // Drafts are numbered below zero, the next one below the lowest; a
        // draft stored at the same moment takes the number and this one
        // tries the next.
        for _ in 0..8 {
            let lowest: Option<i64> =
                sqlx::query_scalar("SELECT MIN(question_number) FROM faq_proposals WHERE community_id = $1")
                    .bind(&p.community)
                    .fetch_one(&self.write)
                    .await?;
            let number = ProposalNo(lowest.filter(|n| *n < 0).map_or(-1, |n| n - 1));
            let stored = insert_proposal(&self.write, p, number).await?;
            if stored {
                return proposal_of(&self.write, &p.community, number)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt(format!("faq proposal {number} vanished")));
            }
        }
        Err(StoreError::Corrupt("no free draft number after 8 tries".into()))
    }

    async fn faq_pending_proposals(&self, community: &str, limit: i64) -> Result<(Vec<Proposal>, i64), StoreError> {
        let rows: Vec<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{PROPOSAL_SELECT} WHERE p.community_id = $1 AND p.state = 'pending'
             ORDER BY p.created_at_ms, p.question_number LIMIT $2"
        )))
        .bind(community)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM faq_proposals WHERE community_id = $1 AND state = 'pending'")
                .bind(community)
                .fetch_one(&self.read)
                .await?;
        Ok((rows.into_iter().map(proposal).collect::<Result<_, _>>()?, total))
    }

    async fn faq_decide(
        &self,
        community: &str,
        number: ProposalNo,
        decision: &Decision,
        by: MemberId,
        messages: &[NewOutboxMessage],
        now: DateTime<Utc>,
    ) -> Result<Decided, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        // One conditional UPDATE decides: on PostgreSQL a second moderator's
        // waits for the first to commit, then finds the row decided.
        let (state, entry_id, reason) = match decision {
            Decision::Approve(entry) => (ProposalState::Approved, Some(entry.id.as_str()), None),
            Decision::Reject(reason) => (ProposalState::Rejected, None, reason.as_deref()),
        };
        let decided = sqlx::query(
            "UPDATE faq_proposals SET state = $1, entry_id = $2, reason = $3, decided_by = $4, decided_at_ms = $5
             WHERE community_id = $6 AND question_number = $7 AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(entry_id)
        .bind(reason)
        .bind(by.0)
        .bind(ms(now))
        .bind(community)
        .bind(number.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if decided == 0 {
            tx.rollback().await?;
            return Ok(match proposal_of(&self.write, community, number).await? {
                Some(p) => Decided::Already(Box::new(p)),
                None => Decided::Missing,
            });
        }
        if let Decision::Approve(entry) = decision {
            // The path every entry takes (`/faq add`, `jixia faq import`).
            if !insert_entry(&mut *tx, community, entry, now).await? {
                tx.rollback().await?;
                return Ok(Decided::IdTaken);
            }
            for alias in &entry.aliases {
                insert_alias(&mut *tx, community, &entry.id, alias, "proposal", now).await?;
            }
        }
        queue::insert_outbox(&mut tx, messages, now).await?;
        let done = proposal_of(&mut *tx, community, number)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("faq proposal {number} vanished")))?;
        tx.commit().await?;
        Ok(Decided::Done(Box::new(done)))
    }

    async fn faq_new_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<TitleRow> = sqlx::query_as(
            "SELECT id, question FROM faq_entries WHERE community_id = $1 AND created_at_ms >= $2
             ORDER BY created_at_ms, id LIMIT $3",
        )
        .bind(community)
        .bind(ms(since))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.question)).collect())
    }

    async fn faq_top_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows: Vec<TopRow> = sqlx::query_as(
            "SELECT e.id, e.question, COUNT(*) AS n FROM faq_redirects r
             JOIN faq_entries e ON e.community_id = r.community_id AND e.id = r.entry_id
             WHERE r.community_id = $1 AND r.at_ms >= $2
             GROUP BY e.id, e.question ORDER BY n DESC, e.id LIMIT $3",
        )
        .bind(community)
        .bind(ms(since))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.question, r.n)).collect())
    }
}

/// Redirects asked by the merged member become the kept member's (so their
/// feedback still finds them), and so do their proposals and decisions.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> crate::BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        for sql in [
            "UPDATE faq_redirects SET asker_id = $1 WHERE asker_id = $2",
            "UPDATE faq_proposals SET proposer_id = $1 WHERE proposer_id = $2",
            "UPDATE faq_proposals SET decided_by = $1 WHERE decided_by = $2",
        ] {
            sqlx::query(sql).bind(kept.0).bind(gone.0).execute(&mut *conn).await?;
        }
        Ok(())
    })
}
