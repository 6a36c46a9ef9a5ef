//! The bounty SQL, compiled once per backend (`db` is the backend's
//! dialect, `ledger` the ledger's SQL and `queue` the scheduler's for the
//! same backend, so a question, its escrow and its jobs change together).
//! Every change of a question's state is one conditional `UPDATE … WHERE
//! state = 'open'`: of two racing closers (two accepts, an accept and the
//! expiry) exactly one sees its row change, and only that one moves points.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{db, ledger, queue};
use crate::BoxFuture;
use crate::features::bounty::ids::{AnswerRef, QuestionNo};
use crate::features::bounty::store::{
    Accepted, Answer, Answered, Asked, BountyStore, EscrowDrift, Listing, NewAnswer, NewQuestion, Question,
    QuestionState, Settled, Subscriber, Summary, Voted,
};
use crate::i18n::Locale;
use crate::ledger::{Owner, Transfer, TransferOutcome};
use crate::message::Platform;
use crate::store::jobs::NewJob;
use crate::store::{MemberId, StoreError, from_ms, ms};

/// A question as stored, with its asker's name and language.
#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    community_id: String,
    number: i64,
    asker_id: i64,
    display_name: String,
    locale: Option<String>,
    asker_platform: String,
    asker_user_id: String,
    chat_platform: String,
    chat_id: String,
    message_id: String,
    text: String,
    bounty: i64,
    urgent: i64,
    state: String,
    answers: i64,
    created_at_ms: i64,
    expires_at_ms: i64,
    settle_at_ms: i64,
    accepted: Option<i64>,
    paid: i64,
    returned: i64,
    closed_at_ms: Option<i64>,
}

const QUESTION_SELECT: &str = "SELECT q.id, q.community_id, q.number, q.asker_id, m.display_name, m.locale,
        q.asker_platform, q.asker_user_id, q.chat_platform, q.chat_id, q.message_id, q.text, q.bounty,
        q.urgent, q.state, q.answers, q.created_at_ms, q.expires_at_ms, q.settle_at_ms,
        (SELECT a.number FROM bounty_answers a WHERE a.id = q.accepted_answer_id) AS accepted,
        q.paid, q.returned, q.closed_at_ms
     FROM bounty_questions q JOIN members m ON m.id = q.asker_id";

fn question(r: QuestionRow) -> Result<Question, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("bounty question {}: {what}", r.id));
    Ok(Question {
        state: QuestionState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
        asker_platform: Platform::parse(&r.asker_platform).ok_or_else(|| corrupt("platform"))?,
        chat_platform: Platform::parse(&r.chat_platform).ok_or_else(|| corrupt("chat platform"))?,
        id: r.id,
        community: r.community_id,
        number: QuestionNo(r.number),
        asker: MemberId(r.asker_id),
        asker_name: r.display_name,
        asker_locale: r.locale.as_deref().and_then(Locale::parse),
        asker_user_id: r.asker_user_id,
        chat_id: r.chat_id,
        message_id: r.message_id,
        text: r.text,
        bounty: r.bounty,
        urgent: r.urgent != 0,
        answers: r.answers,
        created_at: from_ms(r.created_at_ms),
        expires_at: from_ms(r.expires_at_ms),
        settle_at: from_ms(r.settle_at_ms),
        accepted: r.accepted,
        paid: r.paid,
        returned: r.returned,
        closed_at: r.closed_at_ms.map(from_ms),
    })
}

/// An answer as stored, with its answerer and votes.
#[derive(sqlx::FromRow)]
struct AnswerRow {
    id: i64,
    question_number: i64,
    number: i64,
    answerer_id: i64,
    display_name: String,
    locale: Option<String>,
    text: String,
    created_at_ms: i64,
    votes: i64,
}

const ANSWER_SELECT: &str = "SELECT a.id, q.number AS question_number, a.number, a.answerer_id, m.display_name,
        m.locale, a.text, a.created_at_ms,
        (SELECT COUNT(*) FROM bounty_votes v WHERE v.answer_id = a.id) AS votes
     FROM bounty_answers a JOIN bounty_questions q ON q.id = a.question_id JOIN members m ON m.id = a.answerer_id";

impl From<AnswerRow> for Answer {
    fn from(r: AnswerRow) -> Answer {
        Answer {
            id: r.id,
            reference: AnswerRef { question: QuestionNo(r.question_number), answer: r.number },
            answerer: MemberId(r.answerer_id),
            answerer_name: r.display_name,
            answerer_locale: r.locale.as_deref().and_then(Locale::parse),
            text: r.text,
            created_at: from_ms(r.created_at_ms),
            votes: r.votes,
        }
    }
}

async fn question_by_number(
    conn: &mut db::Conn,
    community: &str,
    number: QuestionNo,
) -> Result<Option<Question>, StoreError> {
    let row: Option<QuestionRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{QUESTION_SELECT} WHERE q.community_id = $1 AND q.number = $2")))
            .bind(community)
            .bind(number.0)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(question).transpose()
}

async fn answer_of(conn: &mut db::Conn, question: i64, number: i64) -> Result<Option<Answer>, StoreError> {
    let row: Option<AnswerRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{ANSWER_SELECT} WHERE a.question_id = $1 AND a.number = $2")))
            .bind(question)
            .bind(number)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(Answer::from))
}

async fn answers_of(conn: &mut db::Conn, question: i64) -> Result<Vec<Answer>, StoreError> {
    let rows: Vec<AnswerRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{ANSWER_SELECT} WHERE a.question_id = $1 ORDER BY a.number")))
            .bind(question)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(Answer::from).collect())
}

/// A question's state as stored now (for a closer that lost).
async fn state_of(conn: &mut db::Conn, id: i64) -> Result<QuestionState, StoreError> {
    let s: String =
        sqlx::query_scalar("SELECT state FROM bounty_questions WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    QuestionState::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("bounty question {id}: state {s}")))
}

/// Applies a transfer that must apply (escrow paying out what it holds).
async fn must_apply(conn: &mut db::Conn, t: &Transfer) -> Result<(), StoreError> {
    match ledger::apply(conn, t).await? {
        TransferOutcome::Applied(_) | TransferOutcome::Duplicate => Ok(()),
        TransferOutcome::Insufficient { balance } => {
            Err(StoreError::Corrupt(format!("transfer {}: {} has only {balance}", t.key, t.from.key())))
        }
    }
}

#[async_trait]
impl BountyStore for db::Pools {
    async fn bounty_ask(
        &self,
        q: &NewQuestion,
        escrow: Option<&Transfer>,
        jobs: &(dyn Fn(QuestionNo) -> Vec<NewJob> + Send + Sync),
    ) -> Result<Asked, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT number FROM bounty_questions WHERE community_id = $1 AND idem_key = $2")
                .bind(&q.community)
                .bind(&q.idem_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(n) = seen {
            return Ok(Asked::Duplicate(QuestionNo(n)));
        }
        if q.bounty > 0 {
            // The count holds until the escrow is applied: the accounts the
            // escrow moves between are locked first, in the ledger's order
            // (escrow, then the member), so a member's simultaneous asks on
            // PostgreSQL count one after another, never all at once.
            if let Some(t) = escrow {
                ledger::lock(&mut tx, &q.community, &[t.to, t.from]).await?;
            }
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM bounty_questions
                 WHERE community_id = $1 AND asker_id = $2 AND state = 'open' AND bounty > 0",
            )
            .bind(&q.community)
            .bind(q.asker.0)
            .fetch_one(&mut *tx)
            .await?;
            if open >= q.max_open {
                return Ok(Asked::TooMany { open });
            }
        }
        if let Some(t) = escrow {
            match ledger::apply(&mut tx, t).await? {
                TransferOutcome::Applied(_) => {}
                TransferOutcome::Insufficient { balance } => {
                    tx.rollback().await?;
                    return Ok(Asked::Insufficient { balance });
                }
                TransferOutcome::Duplicate => {
                    return Err(StoreError::Corrupt(format!("escrow {} applied without its question", t.key)));
                }
            }
        }
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO bounty_counters (community_id, last) VALUES ($1, 1)
             ON CONFLICT (community_id) DO UPDATE SET last = bounty_counters.last + 1 RETURNING last",
        )
        .bind(&q.community)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO bounty_questions (community_id, number, asker_id, asker_platform, asker_user_id,
                 chat_platform, chat_id, message_id, text, bounty, urgent, state, created_at_ms, expires_at_ms,
                 settle_at_ms, idem_key)
             VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14)",
        )
        .bind(&q.community)
        .bind(number)
        .bind(q.asker.0)
        .bind(q.platform.as_str())
        .bind(&q.user_id)
        .bind(&q.chat_id)
        .bind(&q.message_id)
        .bind(&q.text)
        .bind(q.bounty)
        .bind(i64::from(q.urgent))
        .bind(ms(q.at))
        .bind(ms(q.expires_at))
        .bind(ms(q.settle_at))
        .bind(&q.idem_key)
        .execute(&mut *tx)
        .await?;
        for job in jobs(QuestionNo(number)) {
            queue::enqueue_in(&mut tx, &job, q.at).await?;
        }
        let stored = question_by_number(&mut tx, &q.community, QuestionNo(number))
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("bounty question {number} vanished")))?;
        tx.commit().await?;
        Ok(Asked::Stored(Box::new(stored)))
    }

    async fn bounty_question(&self, community: &str, number: QuestionNo) -> Result<Option<Question>, StoreError> {
        let mut conn = self.read.acquire().await?;
        question_by_number(&mut conn, community, number).await
    }

    async fn bounty_question_at(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
    ) -> Result<Option<Question>, StoreError> {
        let row: Option<QuestionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{QUESTION_SELECT} WHERE q.community_id = $1 AND q.chat_platform = $2 AND q.chat_id = $3
                 AND q.message_id = $4"
        )))
        .bind(community)
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(message_id)
        .fetch_optional(&self.read)
        .await?;
        row.map(question).transpose()
    }

    async fn bounty_answer_at(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
    ) -> Result<Option<AnswerRef>, StoreError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT q.number, a.number FROM bounty_answers a JOIN bounty_questions q ON q.id = a.question_id
             WHERE q.community_id = $1 AND a.chat_platform = $2 AND a.chat_id = $3 AND a.message_id = $4",
        )
        .bind(community)
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(message_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(q, a)| AnswerRef { question: QuestionNo(q), answer: a }))
    }

    async fn bounty_answers(&self, question: i64) -> Result<Vec<Answer>, StoreError> {
        let mut conn = self.read.acquire().await?;
        answers_of(&mut conn, question).await
    }

    async fn bounty_answer(
        &self,
        q: &Question,
        a: &NewAnswer,
        notice: &(dyn Fn(DateTime<Utc>) -> NewJob + Send + Sync),
    ) -> Result<Answered, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT number FROM bounty_answers WHERE question_id = $1 AND idem_key = $2")
                .bind(q.id)
                .bind(&a.idem_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(n) = seen {
            return Ok(Answered::Duplicate(AnswerRef { question: q.number, answer: n }));
        }
        // Takes the number and checks the question is open in one statement
        // (and, on PostgreSQL, locks the row until commit).
        let taken: Option<(i64, Option<i64>)> = sqlx::query_as(
            "UPDATE bounty_questions SET answers = answers + 1
             WHERE id = $1 AND state = 'open' AND settle_at_ms > $2 RETURNING answers, notified_at_ms",
        )
        .bind(q.id)
        .bind(ms(a.at))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((number, notified)) = taken else {
            let state = state_of(&mut tx, q.id).await?;
            // Open but past its grace: as good as expired.
            let state = if state == QuestionState::Open { QuestionState::Expired } else { state };
            return Ok(Answered::Closed(state));
        };
        sqlx::query(
            "INSERT INTO bounty_answers (question_id, number, answerer_id, chat_platform, chat_id, message_id, text,
                 created_at_ms, idem_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(q.id)
        .bind(number)
        .bind(a.answerer.0)
        .bind(a.platform.as_str())
        .bind(&a.chat_id)
        .bind(&a.message_id)
        .bind(&a.text)
        .bind(ms(a.at))
        .bind(&a.idem_key)
        .execute(&mut *tx)
        .await?;
        if a.notify {
            // `notified_at_ms` is the time of the latest notice, sent or
            // scheduled: one already ahead covers this answer too.
            let now = ms(a.at);
            let every = a.notice_every.num_milliseconds();
            let due = match notified {
                Some(n) if n > now => None,
                Some(n) if now < n.saturating_add(every) => Some(n.saturating_add(every)),
                _ => Some(now),
            };
            if let Some(due) = due {
                sqlx::query("UPDATE bounty_questions SET notified_at_ms = $2 WHERE id = $1")
                    .bind(q.id)
                    .bind(due)
                    .execute(&mut *tx)
                    .await?;
                queue::enqueue_in(&mut tx, &notice(from_ms(due)), a.at).await?;
            }
        }
        tx.commit().await?;
        Ok(Answered::Stored(AnswerRef { question: q.number, answer: number }))
    }

    async fn bounty_vote(
        &self,
        community: &str,
        answer: AnswerRef,
        voter: MemberId,
        up: bool,
        now: DateTime<Utc>,
    ) -> Result<Voted, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(q) = question_by_number(&mut tx, community, answer.question).await? else {
            return Ok(Voted::Missing);
        };
        let Some(a) = answer_of(&mut tx, q.id, answer.answer).await? else {
            return Ok(Voted::Missing);
        };
        if a.answerer == voter {
            return Ok(Voted::Own);
        }
        if q.state != QuestionState::Open {
            return Ok(Voted::Closed);
        }
        let changed = if up {
            sqlx::query(
                "INSERT INTO bounty_votes (answer_id, member_id, created_at_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (answer_id, member_id) DO NOTHING",
            )
            .bind(a.id)
            .bind(voter.0)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("DELETE FROM bounty_votes WHERE answer_id = $1 AND member_id = $2")
                .bind(a.id)
                .bind(voter.0)
                .execute(&mut *tx)
                .await?
        }
        .rows_affected();
        let votes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bounty_votes WHERE answer_id = $1")
            .bind(a.id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(match (changed, up) {
            (0, _) => Voted::Unchanged,
            (_, true) => Voted::Counted(votes),
            (_, false) => Voted::Removed(votes),
        })
    }

    async fn bounty_accept(
        &self,
        community: &str,
        answer: AnswerRef,
        by: MemberId,
        now: DateTime<Utc>,
        pay: &(dyn for<'x> Fn(&'x Question, &'x Answer) -> Option<Transfer> + Send + Sync),
    ) -> Result<Accepted, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(q) = question_by_number(&mut tx, community, answer.question).await? else {
            return Err(StoreError::Corrupt(format!("bounty question {} vanished", answer.question)));
        };
        let Some(a) = answer_of(&mut tx, q.id, answer.answer).await? else {
            return Err(StoreError::Corrupt(format!("bounty answer {answer} vanished")));
        };
        let closed = sqlx::query(
            "UPDATE bounty_questions SET state = 'accepted', accepted_answer_id = $2, closed_by = $3,
                 closed_at_ms = $4, paid = bounty
             WHERE id = $1 AND state = 'open' AND settle_at_ms > $4",
        )
        .bind(q.id)
        .bind(a.id)
        .bind(by.0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if closed == 0 {
            let state = state_of(&mut tx, q.id).await?;
            return Ok(if state == QuestionState::Open { Accepted::Late } else { Accepted::Closed(state) });
        }
        if let Some(t) = pay(&q, &a) {
            must_apply(&mut tx, &t).await?;
        }
        let question = question_by_number(&mut tx, community, answer.question)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("bounty question {} vanished", answer.question)))?;
        tx.commit().await?;
        Ok(Accepted::Done { question: Box::new(question), answer: Box::new(a) })
    }

    async fn bounty_expire(
        &self,
        community: &str,
        number: QuestionNo,
        now: DateTime<Utc>,
        plan: &(dyn for<'x> Fn(&'x Question, Option<&'x Answer>) -> Vec<Transfer> + Send + Sync),
    ) -> Result<Settled, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let closed = sqlx::query(
            "UPDATE bounty_questions SET state = 'expired', closed_at_ms = $3
             WHERE community_id = $1 AND number = $2 AND state = 'open'",
        )
        .bind(community)
        .bind(number.0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if closed == 0 {
            return Ok(Settled::Nothing);
        }
        let Some(q) = question_by_number(&mut tx, community, number).await? else {
            return Err(StoreError::Corrupt(format!("bounty question {number} vanished")));
        };
        // The best answer: most votes (at least 2), given after the bounty
        // started, not the asker's own; the earliest among equals.
        let winner = answers_of(&mut tx, q.id)
            .await?
            .into_iter()
            .filter(|a| a.votes >= 2 && a.created_at >= q.created_at && a.answerer != q.asker)
            .max_by(|x, y| x.votes.cmp(&y.votes).then(y.reference.answer.cmp(&x.reference.answer)));
        let transfers = plan(&q, winner.as_ref());
        let (mut paid, mut returned) = (0, 0);
        for t in &transfers {
            if t.from != Owner::Escrow {
                return Err(StoreError::Corrupt(format!("expiry transfer {} does not pay from escrow", t.key)));
            }
            must_apply(&mut tx, t).await?;
            if t.to == Owner::Member(q.asker) {
                returned += t.amount;
            } else if winner.as_ref().is_some_and(|w| t.to == Owner::Member(w.answerer)) {
                paid += t.amount;
            }
        }
        if transfers.iter().map(|t| t.amount).sum::<i64>() != q.bounty {
            return Err(StoreError::Corrupt(format!("expiry of {number} does not settle its whole bounty")));
        }
        sqlx::query(
            "UPDATE bounty_questions SET paid = $2, returned = $3,
                 accepted_answer_id = NULL WHERE id = $1",
        )
        .bind(q.id)
        .bind(paid)
        .bind(returned)
        .execute(&mut *tx)
        .await?;
        let question = question_by_number(&mut tx, community, number)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("bounty question {number} vanished")))?;
        tx.commit().await?;
        Ok(Settled::Done { question: Box::new(question), winner: winner.map(Box::new) })
    }

    async fn bounty_list(
        &self,
        community: &str,
        listing: Listing,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Question>, i64), StoreError> {
        let (filter, member) = match listing {
            Listing::Open => ("q.state = 'open' AND $4 >= 0", 0),
            Listing::Mine(m) => ("q.asker_id = $4", m.0),
        };
        let rows: Vec<QuestionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{QUESTION_SELECT} WHERE q.community_id = $1 AND {filter}
             ORDER BY CASE WHEN q.state = 'open' THEN 0 ELSE 1 END, q.urgent DESC, q.bounty DESC, q.number
             LIMIT $2 OFFSET $3"
        )))
        .bind(community)
        .bind(limit)
        .bind(offset)
        .bind(member)
        .fetch_all(&self.read)
        .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM bounty_questions q WHERE q.community_id = $1 AND {} ",
            filter.replace("$4", "$2")
        )))
        .bind(community)
        .bind(member)
        .fetch_one(&self.read)
        .await?;
        Ok((rows.into_iter().map(question).collect::<Result<_, _>>()?, total))
    }

    async fn bounty_set_prefs(
        &self,
        community: &str,
        member: MemberId,
        platform: Platform,
        user_id: &str,
        urgent: Option<bool>,
        answers: Option<bool>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO bounty_prefs (community_id, member_id, platform, user_id, urgent, answers)
             VALUES ($1, $2, $3, $4, COALESCE($5, 0), COALESCE($6, 1))
             ON CONFLICT (community_id, member_id) DO UPDATE SET platform = $3, user_id = $4,
                 urgent = COALESCE($5, bounty_prefs.urgent), answers = COALESCE($6, bounty_prefs.answers)",
        )
        .bind(community)
        .bind(member.0)
        .bind(platform.as_str())
        .bind(user_id)
        .bind(urgent.map(i64::from))
        .bind(answers.map(i64::from))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn bounty_wants_answers(&self, community: &str, member: MemberId) -> Result<bool, StoreError> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT answers FROM bounty_prefs WHERE community_id = $1 AND member_id = $2")
                .bind(community)
                .bind(member.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(v.is_none_or(|v| v != 0))
    }

    async fn bounty_urgent_subscribers(&self, community: &str) -> Result<Vec<Subscriber>, StoreError> {
        let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
            "SELECT p.member_id, m.locale, p.platform, p.user_id FROM bounty_prefs p
             JOIN members m ON m.id = p.member_id
             WHERE p.community_id = $1 AND p.urgent <> 0 ORDER BY p.member_id",
        )
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(member, locale, platform, user_id)| {
                Some(Subscriber {
                    member: MemberId(member),
                    locale: locale.as_deref().and_then(Locale::parse),
                    platform: Platform::parse(&platform)?,
                    user_id,
                })
            })
            .collect())
    }

    async fn bounty_open_chats(&self) -> Result<Vec<(String, Platform, String)>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT DISTINCT community_id, chat_platform, chat_id FROM bounty_questions WHERE state = 'open'",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().filter_map(|(c, p, id)| Some((c, Platform::parse(&p)?, id))).collect())
    }

    async fn bounty_summary(&self, community: &str, since: DateTime<Utc>, top: i64) -> Result<Summary, StoreError> {
        let urgent: Vec<QuestionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{QUESTION_SELECT} WHERE q.community_id = $1 AND q.state = 'open' AND q.urgent <> 0
             ORDER BY q.bounty DESC, q.number LIMIT $2"
        )))
        .bind(community)
        .bind(top)
        .fetch_all(&self.read)
        .await?;
        let closed: Vec<QuestionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{QUESTION_SELECT} WHERE q.community_id = $1 AND q.state <> 'open' AND q.closed_at_ms >= $2
             ORDER BY q.closed_at_ms, q.number LIMIT $3"
        )))
        .bind(community)
        .bind(ms(since))
        .bind(top)
        .fetch_all(&self.read)
        .await?;
        let best: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT m.display_name, COUNT(*) AS n, CAST(SUM(q.paid) AS BIGINT) AS points
             FROM bounty_questions q JOIN bounty_answers a ON a.id = q.accepted_answer_id
             JOIN members m ON m.id = a.answerer_id
             WHERE q.community_id = $1 AND q.state = 'accepted' AND q.closed_at_ms >= $2
             GROUP BY m.id, m.display_name ORDER BY n DESC, points DESC, m.id LIMIT $3",
        )
        .bind(community)
        .bind(ms(since))
        .bind(top)
        .fetch_all(&self.read)
        .await?;
        Ok(Summary {
            urgent: urgent.into_iter().map(question).collect::<Result<_, _>>()?,
            closed: closed.into_iter().map(question).collect::<Result<_, _>>()?,
            top: best,
        })
    }

    async fn bounty_escrow_drift(&self) -> Result<Vec<EscrowDrift>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT c.community_id,
                 COALESCE((SELECT a.balance FROM points_accounts a
                           WHERE a.community_id = c.community_id AND a.owner = 'escrow'), 0) AS escrow,
                 CAST(COALESCE((SELECT SUM(q.bounty) FROM bounty_questions q
                           WHERE q.community_id = c.community_id AND q.state = 'open'), 0) AS BIGINT) AS open
             FROM (SELECT community_id FROM points_accounts WHERE owner = 'escrow'
                   UNION SELECT community_id FROM bounty_questions) c",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|(_, escrow, open)| escrow != open)
            .map(|(community, escrow, open)| EscrowDrift { community, escrow, open })
            .collect())
    }
}

/// The merged member's questions, answers, votes and choices become the
/// kept member's (a vote both cast on one answer counts once; a vote the
/// merge would put on the kept member's own answer is dropped).
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        for sql in [
            "UPDATE bounty_questions SET asker_id = $1 WHERE asker_id = $2",
            "UPDATE bounty_questions SET closed_by = $1 WHERE closed_by = $2",
            "UPDATE bounty_answers SET answerer_id = $1 WHERE answerer_id = $2",
            "DELETE FROM bounty_votes WHERE member_id = $2
                 AND answer_id IN (SELECT answer_id FROM bounty_votes WHERE member_id = $1)",
            "UPDATE bounty_votes SET member_id = $1 WHERE member_id = $2",
            "DELETE FROM bounty_votes WHERE member_id = $1
                 AND answer_id IN (SELECT id FROM bounty_answers WHERE answerer_id = $1)",
            "DELETE FROM bounty_prefs WHERE member_id = $2
                 AND community_id IN (SELECT community_id FROM bounty_prefs WHERE member_id = $1)",
            "UPDATE bounty_prefs SET member_id = $1 WHERE member_id = $2",
        ] {
            sqlx::query(sql).bind(kept.0).bind(gone.0).execute(&mut *conn).await?;
        }
        Ok(())
    })
}
