//! The quiz feature's SQL, compiled once per backend (`db` is the backend's
//! dialect; `ledger` the ledger's SQL and `queue` the job queue's, for the
//! same backend, so a round's payout, a question's close job and a job's
//! messages commit with the change that needs them). A round's row is locked
//! first in every transaction that changes the round, so two right answers
//! at once settle on one winner.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::Utc;

use super::{db, ledger, queue};
use crate::BoxFuture;
use crate::features::quiz::bank::{Existing, check_against};
use crate::features::quiz::model::{Bank, Body, Format, Lang, Question, RoundDefaults, Variant};
use crate::features::quiz::store::{
    Advance, Attempt, AttemptOutcome, Catalogue, CloseOutcome, DailyAnswer, DailyOutcome, EndReason, Exam, ExamAdvance,
    ExamAdvanced, ExamStartOutcome, ImportError, ImportSummary, LevelRow, NewExam, NewRound, NewStep, QuizStore,
    Render, Round, RoundEnd, RoundSettings, Slot, StartOutcome, Step, StoredBank,
};
use crate::features::quiz::{CLOSE_JOB, EXAM_JOB, ROUND};
use crate::ledger::{Owner, Transfer, TransferOutcome};
use crate::message::{Outgoing, Platform};
use crate::store::jobs::{NewJob, NewOutboxMessage};
use crate::store::{MemberId, StoreError, from_ms};

fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt(what)
}

fn lang(code: &str) -> Result<Lang, StoreError> {
    Lang::parse(code).ok_or_else(|| corrupt(format!("quiz language {code:?}")))
}

fn platform(name: &str) -> Result<Platform, StoreError> {
    Platform::parse(name).ok_or_else(|| corrupt(format!("quiz platform {name:?}")))
}

fn json_list<T: serde::de::DeserializeOwned>(text: Option<&str>, what: &str) -> Result<Vec<T>, StoreError> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str(t).map_err(|e| corrupt(format!("{what}: {e}"))),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| corrupt(e.to_string()))
}

/// Round defaults as stored (JSON).
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct DefaultsJson {
    question_ms: Option<u64>,
    max_score: Option<u32>,
    reveal_answer: Option<bool>,
    idle_stop_ms: Option<u64>,
    payout_multiplier: Option<f64>,
}

fn defaults_to_json(r: &RoundDefaults) -> Result<String, StoreError> {
    to_json(&DefaultsJson {
        question_ms: r.question_ms,
        max_score: r.max_score,
        reveal_answer: r.reveal_answer,
        idle_stop_ms: r.idle_stop_ms,
        payout_multiplier: r.payout_multiplier,
    })
}

fn defaults_from_json(text: &str) -> Result<RoundDefaults, StoreError> {
    let d: DefaultsJson = serde_json::from_str(text).map_err(|e| corrupt(format!("round defaults: {e}")))?;
    Ok(RoundDefaults {
        question_ms: d.question_ms,
        max_score: d.max_score,
        reveal_answer: d.reveal_answer,
        idle_stop_ms: d.idle_stop_ms,
        payout_multiplier: d.payout_multiplier,
    })
}

/// A bank row.
#[derive(sqlx::FromRow)]
struct BankRow {
    id: String,
    format: String,
    source: String,
    title: Option<String>,
    author: Option<String>,
    round_defaults: String,
    topic_names: String,
    imported_at_ms: i64,
}

/// A question row.
#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: String,
    bank_id: String,
    topic: String,
    difficulty: i64,
    line: i64,
    retired: i64,
}

/// A variant row.
#[derive(sqlx::FromRow)]
struct VariantRow {
    question_id: String,
    lang: String,
    text: String,
    options: Option<String>,
    correct: Option<String>,
    answers: Option<String>,
    explanation: Option<String>,
}

fn variant(r: VariantRow) -> Result<(String, Variant), StoreError> {
    let body = match r.options.as_deref() {
        Some(o) => Body::Choice {
            options: json_list(Some(o), "options")?,
            correct: json_list(r.correct.as_deref(), "correct")?,
        },
        None => Body::Free { answers: json_list(r.answers.as_deref(), "answers")? },
    };
    Ok((r.question_id, Variant { lang: lang(&r.lang)?, text: r.text, body, explanation: r.explanation }))
}

/// Questions and their variants, in bank and file order.
async fn read_questions(
    conn: &mut db::Conn,
    only_active: bool,
) -> Result<Vec<(QuestionRow, Vec<Variant>)>, StoreError> {
    let rows: Vec<QuestionRow> = sqlx::query_as(
        "SELECT id, bank_id, topic, difficulty, line, retired FROM quiz_questions
         WHERE retired = 0 OR $1 = 0 ORDER BY bank_id, line, id",
    )
    .bind(i64::from(only_active))
    .fetch_all(&mut *conn)
    .await?;
    let variants: Vec<VariantRow> = sqlx::query_as(
        "SELECT question_id, lang, text, options, correct, answers, explanation FROM quiz_variants
         ORDER BY question_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_question: HashMap<String, Vec<Variant>> = HashMap::new();
    for v in variants {
        let (q, v) = variant(v)?;
        by_question.entry(q).or_default().push(v);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let v = by_question.remove(&r.id).unwrap_or_default();
            (r, v)
        })
        .collect())
}

fn question(r: &QuestionRow, variants: Vec<Variant>) -> Question {
    Question {
        id: r.id.clone(),
        topic: r.topic.clone(),
        difficulty: u8::try_from(r.difficulty).unwrap_or(1),
        variants,
        line: usize::try_from(r.line).unwrap_or(0),
    }
}

/// A round row.
#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    community_id: String,
    platform: String,
    chat_id: String,
    topic: String,
    lang: String,
    started_by: i64,
    total: i64,
    question_ms: i64,
    max_score: Option<i64>,
    reveal_answer: i64,
    idle_stop_ms: i64,
    per_correct: i64,
    min_players: i64,
    state: String,
    last_attempt_ms: i64,
}

const ROUND_COLUMNS: &str = "id, community_id, platform, chat_id, topic, lang, started_by, total, question_ms,
    max_score, reveal_answer, idle_stop_ms, per_correct, min_players, state, last_attempt_ms";

fn round_of(r: RoundRow) -> Result<(Round, i64), StoreError> {
    Ok((
        Round {
            id: r.id,
            community: r.community_id,
            platform: platform(&r.platform)?,
            chat_id: r.chat_id,
            topic: r.topic,
            lang: lang(&r.lang)?,
            started_by: MemberId(r.started_by),
            total: r.total,
            settings: RoundSettings {
                question_ms: r.question_ms,
                max_score: r.max_score,
                reveal_answer: r.reveal_answer != 0,
                idle_stop_ms: r.idle_stop_ms,
                per_correct: r.per_correct,
                min_players: r.min_players,
            },
            state: r.state,
        },
        r.last_attempt_ms,
    ))
}

/// A round question row.
#[derive(sqlx::FromRow)]
struct SlotRow {
    seq: i64,
    question_id: String,
    opened_at_ms: Option<i64>,
    closes_at_ms: Option<i64>,
    closed_at_ms: Option<i64>,
}

/// A round, locked for the rest of the transaction; with its last attempt time.
async fn lock_round(conn: &mut db::Conn, id: i64) -> Result<Option<(Round, i64)>, StoreError> {
    let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ROUND_COLUMNS} FROM quiz_rounds WHERE id = $1{}",
        db::FOR_UPDATE
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(round_of).transpose()
}

async fn slot_row(conn: &mut db::Conn, round: i64, seq: i64) -> Result<Option<SlotRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT seq, question_id, opened_at_ms, closes_at_ms, closed_at_ms FROM quiz_round_questions
         WHERE round_id = $1 AND seq = $2",
    )
    .bind(round)
    .bind(seq)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The open question of a round.
async fn open_slot(conn: &mut db::Conn, round: i64) -> Result<Option<Slot>, StoreError> {
    let row: Option<SlotRow> = sqlx::query_as(
        "SELECT seq, question_id, opened_at_ms, closes_at_ms, closed_at_ms FROM quiz_round_questions
         WHERE round_id = $1 AND opened_at_ms IS NOT NULL AND closed_at_ms IS NULL ORDER BY seq LIMIT 1",
    )
    .bind(round)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Slot { seq: r.seq, question_id: r.question_id, closes_at_ms: r.closes_at_ms.unwrap_or(0) }))
}

/// Opens question `seq` of a round and enqueues its close.
async fn open_question(conn: &mut db::Conn, round: &Round, seq: i64, now_ms: i64) -> Result<Slot, StoreError> {
    let closes = now_ms + round.settings.question_ms;
    let question_id: String = sqlx::query_scalar(
        "UPDATE quiz_round_questions SET opened_at_ms = $3, closes_at_ms = $4
         WHERE round_id = $1 AND seq = $2 RETURNING question_id",
    )
    .bind(round.id)
    .bind(seq)
    .bind(now_ms)
    .bind(closes)
    .fetch_one(&mut *conn)
    .await?;
    let job = NewJob {
        kind: CLOSE_JOB.name.to_owned(),
        key: format!("{}:{}:{seq}", CLOSE_JOB.name, round.id),
        payload: serde_json::json!({ "round": round.id, "seq": seq }),
        due: from_ms(closes),
        max_attempts: CLOSE_JOB.max_attempts,
    };
    queue::enqueue_in(conn, &job, from_ms(now_ms)).await?;
    Ok(Slot { seq, question_id, closes_at_ms: closes })
}

/// A scoreboard line.
#[derive(sqlx::FromRow)]
struct BoardRow {
    member_id: i64,
    display_name: String,
    score: i64,
}

/// Ends a round: its state, the scoreboard, and the payout when enough
/// members took part and the reason pays.
async fn end_round(conn: &mut db::Conn, round: &Round, reason: EndReason, now_ms: i64) -> Result<RoundEnd, StoreError> {
    sqlx::query("UPDATE quiz_rounds SET state = $2, end_reason = $3, ended_at_ms = $4 WHERE id = $1")
        .bind(round.id)
        .bind(reason.state())
        .bind(reason.as_str())
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    let board: Vec<BoardRow> = sqlx::query_as(
        "SELECT p.member_id, m.display_name, p.score FROM quiz_round_players p JOIN members m ON m.id = p.member_id
         WHERE p.round_id = $1 AND p.score > 0 ORDER BY p.score DESC, p.first_at_ms, p.member_id",
    )
    .bind(round.id)
    .fetch_all(&mut *conn)
    .await?;
    let players: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quiz_round_players WHERE round_id = $1")
        .bind(round.id)
        .fetch_one(&mut *conn)
        .await?;
    let pays = reason != EndReason::Restart && players >= round.settings.min_players && round.settings.per_correct > 0;
    if pays {
        for b in &board {
            let t = Transfer {
                community: round.community.clone(),
                key: format!("quiz-round:{}:{}", round.id, b.member_id),
                kind: ROUND,
                reason: round.topic.clone(),
                actor: None,
                from: Owner::Mint,
                to: Owner::Member(MemberId(b.member_id)),
                amount: b.score * round.settings.per_correct,
                at: from_ms(now_ms),
            };
            if let TransferOutcome::Insufficient { .. } = ledger::apply(conn, &t).await? {
                return Err(corrupt(format!("the mint refused round {}'s payout", round.id)));
            }
        }
    }
    Ok(RoundEnd {
        reason,
        board: board.into_iter().map(|b| (MemberId(b.member_id), b.display_name, b.score)).collect(),
        players,
        paid: pays,
    })
}

/// After question `seq` closed: the next question, or the round's end.
async fn advance(
    conn: &mut db::Conn,
    round: &Round,
    seq: i64,
    winner_score: Option<i64>,
    last_attempt_ms: i64,
    now_ms: i64,
) -> Result<Advance, StoreError> {
    if let (Some(score), Some(max)) = (winner_score, round.settings.max_score)
        && score >= max
    {
        return Ok(Advance::Ended(end_round(conn, round, EndReason::MaxScore, now_ms).await?));
    }
    let idle = round.settings.idle_stop_ms;
    if winner_score.is_none() && idle > 0 && now_ms - last_attempt_ms >= idle {
        return Ok(Advance::Ended(end_round(conn, round, EndReason::Idle, now_ms).await?));
    }
    if seq >= round.total {
        return Ok(Advance::Ended(end_round(conn, round, EndReason::AllAsked, now_ms).await?));
    }
    Ok(Advance::Next(open_question(conn, round, seq + 1, now_ms).await?))
}

async fn close_question(
    conn: &mut db::Conn,
    round: i64,
    seq: i64,
    winner: Option<MemberId>,
    reason: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE quiz_round_questions SET closed_at_ms = $3, winner_id = $4, close_reason = $5
         WHERE round_id = $1 AND seq = $2 AND closed_at_ms IS NULL",
    )
    .bind(round)
    .bind(seq)
    .bind(now_ms)
    .bind(winner.map(|m| m.0))
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores `messages` in the outbox as `KEY#N`, in the caller's transaction.
async fn to_outbox(conn: &mut db::Conn, key: &str, messages: Vec<Outgoing>, now_ms: i64) -> Result<(), StoreError> {
    let rows: Vec<NewOutboxMessage> = messages
        .into_iter()
        .zip(0_i64..)
        .map(|(message, part)| NewOutboxMessage {
            key: format!("{key}#{part}"),
            part,
            message,
            max_attempts: crate::scheduler::outbox::MAX_ATTEMPTS,
        })
        .collect();
    queue::insert_outbox(conn, &rows, from_ms(now_ms)).await?;
    Ok(())
}

/// An assessment row.
#[derive(sqlx::FromRow)]
struct ExamRow {
    id: i64,
    community_id: String,
    member_id: i64,
    platform: String,
    user_id: String,
    topic: String,
    lang: String,
    state: String,
    total: i64,
    start_difficulty: i64,
    step_ms: i64,
    score: Option<i64>,
    level: Option<i64>,
    promoted: i64,
    started_at_ms: i64,
}

const EXAM_COLUMNS: &str = "id, community_id, member_id, platform, user_id, topic, lang, state, total,
    start_difficulty, step_ms, score, level, promoted, started_at_ms";

fn exam_of(r: ExamRow) -> Result<Exam, StoreError> {
    Ok(Exam {
        id: r.id,
        community: r.community_id,
        member: MemberId(r.member_id),
        platform: platform(&r.platform)?,
        user_id: r.user_id,
        topic: r.topic,
        lang: lang(&r.lang)?,
        state: r.state,
        total: r.total,
        start_difficulty: r.start_difficulty,
        step_ms: r.step_ms,
        score: r.score,
        level: r.level,
        promoted: r.promoted != 0,
        started_at_ms: r.started_at_ms,
    })
}

/// A step row.
#[derive(sqlx::FromRow)]
struct StepRow {
    seq: i64,
    question_id: String,
    difficulty: i64,
    closes_at_ms: i64,
    correct: Option<i64>,
}

async fn exam_row(conn: &mut db::Conn, id: i64, lock: bool) -> Result<Option<Exam>, StoreError> {
    let row: Option<ExamRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {EXAM_COLUMNS} FROM quiz_exams WHERE id = $1{}",
        if lock { db::FOR_UPDATE } else { "" }
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(exam_of).transpose()
}

async fn steps(conn: &mut db::Conn, exam: i64) -> Result<Vec<Step>, StoreError> {
    let rows: Vec<StepRow> = sqlx::query_as(
        "SELECT seq, question_id, difficulty, closes_at_ms, correct FROM quiz_exam_steps
         WHERE exam_id = $1 ORDER BY seq",
    )
    .bind(exam)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Step {
            seq: r.seq,
            question_id: r.question_id,
            difficulty: r.difficulty,
            closes_at_ms: r.closes_at_ms,
            correct: r.correct.map(|c| c != 0),
        })
        .collect())
}

/// Asks a question of an assessment and enqueues its timeout.
async fn ask_step(conn: &mut db::Conn, exam: i64, step_ms: i64, s: &NewStep, now_ms: i64) -> Result<(), StoreError> {
    let closes = now_ms + step_ms;
    sqlx::query(
        "INSERT INTO quiz_exam_steps (exam_id, seq, question_id, difficulty, asked_at_ms, closes_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(exam)
    .bind(s.seq)
    .bind(&s.question_id)
    .bind(s.difficulty)
    .bind(now_ms)
    .bind(closes)
    .execute(&mut *conn)
    .await?;
    let job = NewJob {
        kind: EXAM_JOB.name.to_owned(),
        key: format!("{}:{exam}:{}", EXAM_JOB.name, s.seq),
        payload: serde_json::json!({ "exam": exam, "seq": s.seq }),
        due: from_ms(closes),
        max_attempts: EXAM_JOB.max_attempts,
    };
    queue::enqueue_in(conn, &job, from_ms(now_ms)).await?;
    Ok(())
}

/// A level row.
#[derive(sqlx::FromRow)]
struct LevelDbRow {
    topic: String,
    best_level: i64,
    best_score: i64,
}

/// A named (member, topic, level) row.
#[derive(sqlx::FromRow)]
struct PromotionRow {
    display_name: String,
    topic: String,
    level: i64,
}

/// A daily row.
#[derive(sqlx::FromRow)]
struct DailyRow {
    day: String,
    question_id: String,
    cycle: i64,
}

/// A daily player row.
#[derive(sqlx::FromRow)]
struct DailyPlayerRow {
    tries: i64,
    solved_at_ms: Option<i64>,
}

/// A chat with a schedule.
#[derive(sqlx::FromRow)]
struct ChatRow {
    platform: String,
    chat_id: String,
}

/// A (community, platform, chat) row.
#[derive(sqlx::FromRow)]
struct RoundChatRow {
    community_id: String,
    platform: String,
    chat_id: String,
}

#[async_trait]
impl QuizStore for db::Pools {
    async fn quiz_import(
        &self,
        bank: &Bank,
        source: &str,
        content_hash: &str,
        now_ms: i64,
    ) -> Result<ImportSummary, ImportError> {
        let mut tx = self.write.begin_with(db::BEGIN).await.map_err(StoreError::from)?;
        let owners: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT id, bank_id, topic, retired FROM quiz_questions")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let banks: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, round_defaults, content_hash FROM quiz_banks")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let mut existing = Existing::default();
        let mut defaults_of: HashMap<String, RoundDefaults> = HashMap::new();
        let mut previous_hash = None;
        for (id, defaults, hash) in &banks {
            defaults_of.insert(id.clone(), defaults_from_json(defaults)?);
            if *id == bank.id {
                previous_hash = Some(hash.clone());
            }
        }
        let mut before_active = HashSet::new();
        for (id, bank_id, topic, retired) in &owners {
            existing.ids.insert(id.clone(), bank_id.clone());
            if *bank_id == bank.id && *retired == 0 {
                before_active.insert(id.clone());
            }
            if *retired == 0
                && let Some(d) = defaults_of.get(bank_id).filter(|d| !d.is_empty())
            {
                existing.round_defaults.insert(topic.clone(), (bank_id.clone(), d.clone()));
            }
        }
        check_against(bank, source, &existing)?;
        if previous_hash.as_deref() == Some(content_hash) {
            tx.rollback().await.map_err(StoreError::from)?;
            return Ok(ImportSummary {
                bank: bank.id.clone(),
                questions: bank.questions.len(),
                retired: 0,
                unchanged: true,
            });
        }
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(imported_at_ms) FROM quiz_banks")
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        // The import counter: strictly rising, so caches notice every import.
        let version = now_ms.max(last.unwrap_or(0) + 1);
        let names: Vec<(&str, &str, &str)> =
            bank.topic_names.iter().map(|(t, l, n)| (t.as_str(), l.code(), n.as_str())).collect();
        sqlx::query(
            "INSERT INTO quiz_banks (id, format, source, title, author, content_hash, round_defaults, topic_names, imported_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET format = excluded.format, source = excluded.source,
                 title = excluded.title, author = excluded.author, content_hash = excluded.content_hash,
                 round_defaults = excluded.round_defaults, topic_names = excluded.topic_names,
                 imported_at_ms = excluded.imported_at_ms",
        )
        .bind(&bank.id)
        .bind(match bank.format {
            Format::Jixia => "jixia",
            Format::Red => "red",
        })
        .bind(source)
        .bind(&bank.title)
        .bind(&bank.author)
        .bind(content_hash)
        .bind(defaults_to_json(&bank.round)?)
        .bind(to_json(&names)?)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        sqlx::query("UPDATE quiz_questions SET retired = 1, updated_at_ms = $2 WHERE bank_id = $1")
            .bind(&bank.id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        for q in &bank.questions {
            sqlx::query(
                "INSERT INTO quiz_questions (id, bank_id, topic, difficulty, kind, line, retired, updated_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $7)
                 ON CONFLICT (id) DO UPDATE SET bank_id = excluded.bank_id, topic = excluded.topic,
                     difficulty = excluded.difficulty, kind = excluded.kind, line = excluded.line,
                     retired = 0, updated_at_ms = excluded.updated_at_ms",
            )
            .bind(&q.id)
            .bind(&bank.id)
            .bind(&q.topic)
            .bind(i64::from(q.difficulty))
            .bind(q.kind().as_str())
            .bind(i64::try_from(q.line).unwrap_or(0))
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            sqlx::query("DELETE FROM quiz_variants WHERE question_id = $1")
                .bind(&q.id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            for (position, v) in (0_i64..).zip(&q.variants) {
                let (options, correct, answers) = match &v.body {
                    Body::Choice { options, correct } => (Some(to_json(options)?), Some(to_json(correct)?), None),
                    Body::Free { answers } => (None, None, Some(to_json(answers)?)),
                };
                sqlx::query(
                    "INSERT INTO quiz_variants (question_id, lang, position, text, options, correct, answers, explanation)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&q.id)
                .bind(v.lang.code())
                .bind(position)
                .bind(&v.text)
                .bind(options)
                .bind(correct)
                .bind(answers)
                .bind(&v.explanation)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        let now: HashSet<&str> = bank.questions.iter().map(|q| q.id.as_str()).collect();
        Ok(ImportSummary {
            bank: bank.id.clone(),
            questions: bank.questions.len(),
            retired: before_active.iter().filter(|id| !now.contains(id.as_str())).count(),
            unchanged: false,
        })
    }

    async fn quiz_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT MAX(imported_at_ms) FROM quiz_banks").fetch_one(&self.read).await?;
        Ok(v.unwrap_or(0))
    }

    async fn quiz_catalogue(&self) -> Result<Catalogue, StoreError> {
        let mut conn = self.read.acquire().await?;
        let banks: Vec<BankRow> = sqlx::query_as(
            "SELECT id, format, source, title, author, round_defaults, topic_names, imported_at_ms FROM quiz_banks",
        )
        .fetch_all(&mut *conn)
        .await?;
        let questions = read_questions(&mut conn, false).await?;
        let mut cat =
            Catalogue { version: banks.iter().map(|b| b.imported_at_ms).max().unwrap_or(0), ..Default::default() };
        let mut defaults_of = HashMap::new();
        for b in &banks {
            defaults_of.insert(b.id.clone(), defaults_from_json(&b.round_defaults)?);
            let names: Vec<(String, String, String)> = json_list(Some(&b.topic_names), "topic names")?;
            for (t, l, n) in names {
                cat.topic_names.push((t, lang(&l)?, n));
            }
        }
        let mut topics_seen = HashSet::new();
        for (row, variants) in questions {
            let retired = row.retired != 0;
            if !retired
                && topics_seen.insert(row.topic.clone())
                && let Some(d) = defaults_of.get(&row.bank_id).filter(|d| !d.is_empty())
            {
                cat.round_defaults.push((row.topic.clone(), d.clone()));
            }
            cat.questions.push((question(&row, variants), retired));
        }
        Ok(cat)
    }

    async fn quiz_banks(&self) -> Result<Vec<StoredBank>, StoreError> {
        let mut conn = self.read.acquire().await?;
        let banks: Vec<BankRow> = sqlx::query_as(
            "SELECT id, format, source, title, author, round_defaults, topic_names, imported_at_ms FROM quiz_banks
             ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let questions = read_questions(&mut conn, true).await?;
        let mut out = Vec::new();
        for b in banks {
            let names: Vec<(String, String, String)> = json_list(Some(&b.topic_names), "topic names")?;
            let mut topic_names = Vec::new();
            for (t, l, n) in names {
                topic_names.push((t, lang(&l)?, n));
            }
            let bank = Bank {
                questions: questions
                    .iter()
                    .filter(|(r, _)| r.bank_id == b.id)
                    .map(|(r, v)| question(r, v.clone()))
                    .collect(),
                id: b.id,
                format: if b.format == "red" { Format::Red } else { Format::Jixia },
                title: b.title,
                author: b.author,
                topic_names,
                round: defaults_from_json(&b.round_defaults)?,
            };
            out.push(StoredBank { bank, source: b.source, imported_at_ms: b.imported_at_ms });
        }
        Ok(out)
    }

    async fn round_start(&self, r: &NewRound) -> Result<StartOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let s = &r.settings;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO quiz_rounds (community_id, platform, chat_id, topic, lang, started_by, start_key, state, total,
                 question_ms, max_score, reveal_answer, idle_stop_ms, per_correct, min_players, started_at_ms,
                 last_attempt_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10, $11, $12, $13, $14, $15, $15)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&r.community)
        .bind(r.platform.as_str())
        .bind(&r.chat_id)
        .bind(&r.topic)
        .bind(r.lang.code())
        .bind(r.started_by.0)
        .bind(&r.start_key)
        .bind(i64::try_from(r.plan.len()).unwrap_or(0))
        .bind(s.question_ms)
        .bind(s.max_score)
        .bind(i64::from(s.reveal_answer))
        .bind(s.idle_stop_ms)
        .bind(s.per_correct)
        .bind(s.min_players)
        .bind(r.now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            tx.rollback().await?;
            let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM quiz_rounds WHERE start_key = $1")
                .bind(&r.start_key)
                .fetch_optional(&self.write)
                .await?;
            if seen.is_some() {
                return Ok(StartOutcome::Duplicate);
            }
            return match self.round_running(&r.community, r.platform, &r.chat_id).await? {
                Some((round, slot)) => Ok(StartOutcome::Running(round, slot)),
                // It ended in between: the member may simply try again.
                None => Ok(StartOutcome::Duplicate),
            };
        };
        for (seq, q) in (1_i64..).zip(&r.plan) {
            sqlx::query("INSERT INTO quiz_round_questions (round_id, seq, question_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(seq)
                .bind(q)
                .execute(&mut *tx)
                .await?;
        }
        let Some((round, _)) = lock_round(&mut tx, id).await? else {
            return Err(corrupt(format!("round {id} vanished")));
        };
        let slot = open_question(&mut tx, &round, 1, r.now_ms).await?;
        tx.commit().await?;
        Ok(StartOutcome::Started(round, slot))
    }

    async fn round_running(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
    ) -> Result<Option<(Round, Option<Slot>)>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM quiz_rounds WHERE community_id = $1 AND platform = $2 AND chat_id = $3
             AND state = 'running'",
        )
        .bind(community)
        .bind(platform.as_str())
        .bind(chat_id)
        .fetch_optional(&self.write)
        .await?;
        match id {
            Some(id) => self.round(id).await,
            None => Ok(None),
        }
    }

    async fn round(&self, id: i64) -> Result<Option<(Round, Option<Slot>)>, StoreError> {
        let mut conn = self.write.acquire().await?;
        let row: Option<RoundRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {ROUND_COLUMNS} FROM quiz_rounds WHERE id = $1")))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let (round, _) = round_of(row)?;
        let slot = if round.state == "running" { open_slot(&mut conn, id).await? } else { None };
        Ok(Some((round, slot)))
    }

    async fn round_attempt(&self, a: &Attempt) -> Result<AttemptOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some((round, _)) = lock_round(&mut tx, a.round_id).await?.filter(|(r, _)| r.state == "running") else {
            tx.rollback().await?;
            return Ok(AttemptOutcome::Closed);
        };
        let open = slot_row(&mut tx, a.round_id, a.seq)
            .await?
            .is_some_and(|s| s.opened_at_ms.is_some() && s.closed_at_ms.is_none());
        if !open {
            tx.rollback().await?;
            return Ok(AttemptOutcome::Closed);
        }
        sqlx::query(
            "INSERT INTO quiz_round_players (round_id, member_id, score, first_at_ms) VALUES ($1, $2, 0, $3)
             ON CONFLICT (round_id, member_id) DO NOTHING",
        )
        .bind(a.round_id)
        .bind(a.member.0)
        .bind(a.now_ms)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE quiz_rounds SET last_attempt_ms = $2 WHERE id = $1")
            .bind(a.round_id)
            .bind(a.now_ms)
            .execute(&mut *tx)
            .await?;
        if let Some(pick) = a.pick {
            let fresh = sqlx::query(
                "INSERT INTO quiz_round_picks (round_id, seq, member_id, choice, correct, at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (round_id, seq, member_id) DO NOTHING",
            )
            .bind(a.round_id)
            .bind(a.seq)
            .bind(a.member.0)
            .bind(pick)
            .bind(i64::from(a.correct))
            .bind(a.now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if fresh == 0 {
                let before: i64 = sqlx::query_scalar(
                    "SELECT choice FROM quiz_round_picks WHERE round_id = $1 AND seq = $2 AND member_id = $3",
                )
                .bind(a.round_id)
                .bind(a.seq)
                .bind(a.member.0)
                .fetch_one(&mut *tx)
                .await?;
                tx.rollback().await?;
                return Ok(AttemptOutcome::AlreadyPicked(before));
            }
        }
        if !a.correct {
            tx.commit().await?;
            return Ok(AttemptOutcome::Wrong);
        }
        if !close_question(&mut tx, a.round_id, a.seq, Some(a.member), "answered", a.now_ms).await? {
            tx.rollback().await?;
            return Ok(AttemptOutcome::Closed);
        }
        let score: i64 = sqlx::query_scalar(
            "UPDATE quiz_round_players SET score = score + 1 WHERE round_id = $1 AND member_id = $2 RETURNING score",
        )
        .bind(a.round_id)
        .bind(a.member.0)
        .fetch_one(&mut *tx)
        .await?;
        let next = advance(&mut tx, &round, a.seq, Some(score), a.now_ms, a.now_ms).await?;
        tx.commit().await?;
        Ok(AttemptOutcome::Won { score, next })
    }

    async fn round_close(
        &self,
        round_id: i64,
        seq: i64,
        now_ms: i64,
        grace_ms: i64,
        key: &str,
        render: Render<'_, (Round, CloseOutcome)>,
    ) -> Result<CloseOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some((round, last_attempt)) = lock_round(&mut tx, round_id).await?.filter(|(r, _)| r.state == "running")
        else {
            tx.rollback().await?;
            return Ok(CloseOutcome::Nothing);
        };
        let Some(slot) = slot_row(&mut tx, round_id, seq).await?.filter(|s| s.closed_at_ms.is_none()) else {
            tx.rollback().await?;
            return Ok(CloseOutcome::Nothing);
        };
        let closes = slot.closes_at_ms.unwrap_or(now_ms);
        let outcome = if now_ms > closes + grace_ms {
            close_question(&mut tx, round_id, seq, None, "cancelled", now_ms).await?;
            end_round(&mut tx, &round, EndReason::Restart, now_ms).await?;
            CloseOutcome::Cancelled { seq }
        } else {
            close_question(&mut tx, round_id, seq, None, "timeout", now_ms).await?;
            let next = advance(&mut tx, &round, seq, None, last_attempt, now_ms).await?;
            CloseOutcome::TimedOut { closed: Slot { seq, question_id: slot.question_id, closes_at_ms: closes }, next }
        };
        let messages = render(&(round, outcome.clone()));
        to_outbox(&mut tx, key, messages, now_ms).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn round_stop(&self, round_id: i64, now_ms: i64) -> Result<Option<RoundEnd>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some((round, _)) = lock_round(&mut tx, round_id).await?.filter(|(r, _)| r.state == "running") else {
            tx.rollback().await?;
            return Ok(None);
        };
        sqlx::query(
            "UPDATE quiz_round_questions SET closed_at_ms = $2, close_reason = 'stopped'
             WHERE round_id = $1 AND opened_at_ms IS NOT NULL AND closed_at_ms IS NULL",
        )
        .bind(round_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let end = end_round(&mut tx, &round, EndReason::Stopped, now_ms).await?;
        tx.commit().await?;
        Ok(Some(end))
    }

    async fn round_chats(&self) -> Result<Vec<(String, Platform, String)>, StoreError> {
        let rows: Vec<RoundChatRow> =
            sqlx::query_as("SELECT community_id, platform, chat_id FROM quiz_rounds WHERE state = 'running'")
                .fetch_all(&self.read)
                .await?;
        rows.into_iter().map(|r| Ok((r.community_id, platform(&r.platform)?, r.chat_id))).collect()
    }

    async fn round_recent_questions(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        rounds: i64,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT q.question_id FROM quiz_round_questions q WHERE q.round_id IN
                 (SELECT id FROM quiz_rounds WHERE community_id = $1 AND platform = $2 AND chat_id = $3
                  ORDER BY id DESC LIMIT $4)",
        )
        .bind(community)
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(rounds)
        .fetch_all(&self.read)
        .await?)
    }

    async fn exam_start(&self, e: &NewExam) -> Result<ExamStartOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO quiz_exams (community_id, member_id, platform, user_id, topic, lang, start_key, state, total,
                 start_difficulty, step_ms, started_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10, $11)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&e.community)
        .bind(e.member.0)
        .bind(e.platform.as_str())
        .bind(&e.user_id)
        .bind(&e.topic)
        .bind(e.lang.code())
        .bind(&e.start_key)
        .bind(e.total)
        .bind(e.start_difficulty)
        .bind(e.step_ms)
        .bind(e.now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            tx.rollback().await?;
            let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM quiz_exams WHERE start_key = $1")
                .bind(&e.start_key)
                .fetch_optional(&self.write)
                .await?;
            if seen.is_some() {
                return Ok(ExamStartOutcome::Duplicate);
            }
            return match self.exam_running(&e.community, e.member).await? {
                Some((exam, _)) => Ok(ExamStartOutcome::Running(exam)),
                None => Ok(ExamStartOutcome::Duplicate),
            };
        };
        ask_step(&mut tx, id, e.step_ms, &e.first, e.now_ms).await?;
        let exam = exam_row(&mut tx, id, false).await?.ok_or_else(|| corrupt(format!("exam {id} vanished")))?;
        tx.commit().await?;
        Ok(ExamStartOutcome::Started(exam))
    }

    async fn exam_running(&self, community: &str, member: MemberId) -> Result<Option<(Exam, Vec<Step>)>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM quiz_exams WHERE community_id = $1 AND member_id = $2 AND state = 'running'",
        )
        .bind(community)
        .bind(member.0)
        .fetch_optional(&self.write)
        .await?;
        match id {
            Some(id) => self.exam(id).await,
            None => Ok(None),
        }
    }

    async fn exam(&self, id: i64) -> Result<Option<(Exam, Vec<Step>)>, StoreError> {
        let mut conn = self.write.acquire().await?;
        let Some(exam) = exam_row(&mut conn, id, false).await? else { return Ok(None) };
        let steps = steps(&mut conn, id).await?;
        Ok(Some((exam, steps)))
    }

    async fn exam_advance(
        &self,
        a: &ExamAdvance,
        render: Option<(&str, Render<'_, ExamAdvanced>)>,
    ) -> Result<Option<ExamAdvanced>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(exam) = exam_row(&mut tx, a.exam_id, true).await?.filter(|e| e.state == "running") else {
            tx.rollback().await?;
            return Ok(None);
        };
        let settled = sqlx::query(
            "UPDATE quiz_exam_steps SET answered_at_ms = $3, answer = $4, correct = $5
             WHERE exam_id = $1 AND seq = $2 AND correct IS NULL",
        )
        .bind(a.exam_id)
        .bind(a.seq)
        .bind(a.now_ms)
        .bind(&a.answer)
        .bind(i64::from(a.correct))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if settled == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let outcome = match (&a.next, &a.finish) {
            (_, Some(f)) => {
                sqlx::query("UPDATE quiz_exams SET state = $2, score = $3, level = $4, ended_at_ms = $5 WHERE id = $1")
                    .bind(exam.id)
                    .bind(f.state)
                    .bind(f.score)
                    .bind(f.level)
                    .bind(a.now_ms)
                    .execute(&mut *tx)
                    .await?;
                let best: Option<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT best_level, best_score FROM quiz_levels
                     WHERE community_id = $1 AND member_id = $2 AND topic = $3{}",
                    db::FOR_UPDATE
                )))
                .bind(&exam.community)
                .bind(exam.member.0)
                .bind(&exam.topic)
                .fetch_optional(&mut *tx)
                .await?;
                let previous = best.map(|b| b.0);
                // The lowest rung is where everyone starts: reaching it is no promotion.
                let promoted = f.level > previous.unwrap_or(0);
                let better = best.is_none_or(|(l, s)| (f.level, f.score) > (l, s));
                if better {
                    sqlx::query(
                        "INSERT INTO quiz_levels (community_id, member_id, topic, best_level, best_score, best_exam_id, updated_at_ms)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)
                         ON CONFLICT (community_id, member_id, topic) DO UPDATE SET best_level = excluded.best_level,
                             best_score = excluded.best_score, best_exam_id = excluded.best_exam_id,
                             updated_at_ms = excluded.updated_at_ms",
                    )
                    .bind(&exam.community)
                    .bind(exam.member.0)
                    .bind(&exam.topic)
                    .bind(f.level)
                    .bind(f.score)
                    .bind(exam.id)
                    .bind(a.now_ms)
                    .execute(&mut *tx)
                    .await?;
                }
                let mut balance = None;
                if promoted {
                    sqlx::query("UPDATE quiz_exams SET promoted = 1 WHERE id = $1")
                        .bind(exam.id)
                        .execute(&mut *tx)
                        .await?;
                    if let Some(t) = &f.promotion_reward
                        && let TransferOutcome::Applied(b) = ledger::apply(&mut tx, t).await?
                    {
                        balance = Some(b);
                    }
                }
                ExamAdvanced::Finished { promoted, previous, balance }
            }
            (Some(next), None) => {
                ask_step(&mut tx, exam.id, exam.step_ms, next, a.now_ms).await?;
                ExamAdvanced::Next
            }
            (None, None) => return Err(corrupt(format!("exam {} advanced to nothing", exam.id))),
        };
        if let Some((key, render)) = render {
            to_outbox(&mut tx, key, render(&outcome), a.now_ms).await?;
        }
        tx.commit().await?;
        Ok(Some(outcome))
    }

    async fn exam_cancel(
        &self,
        id: i64,
        now_ms: i64,
        render: Option<(&str, Render<'_, Exam>)>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let done = sqlx::query(
            "UPDATE quiz_exams SET state = 'cancelled', ended_at_ms = $2 WHERE id = $1 AND state = 'running'",
        )
        .bind(id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some((key, render)) = render {
            let exam = exam_row(&mut tx, id, false).await?.ok_or_else(|| corrupt(format!("exam {id} vanished")))?;
            to_outbox(&mut tx, key, render(&exam), now_ms).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn exam_members(&self) -> Result<Vec<(String, MemberId)>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT community_id, member_id FROM quiz_exams WHERE state = 'running'")
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(c, m)| (c, MemberId(m))).collect())
    }

    async fn exam_history(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<Exam>, StoreError> {
        let rows: Vec<ExamRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EXAM_COLUMNS} FROM quiz_exams WHERE community_id = $1 AND member_id = $2
             AND state IN ('finished', 'stopped') ORDER BY started_at_ms DESC, id DESC LIMIT $3"
        )))
        .bind(community)
        .bind(member.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(exam_of).collect()
    }

    async fn exam_last_counted(
        &self,
        community: &str,
        member: MemberId,
        topic: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(started_at_ms) FROM quiz_exams WHERE community_id = $1 AND member_id = $2 AND topic = $3
             AND state IN ('finished', 'stopped')",
        )
        .bind(community)
        .bind(member.0)
        .bind(topic)
        .fetch_one(&self.read)
        .await?)
    }

    async fn exam_recent_questions(
        &self,
        community: &str,
        member: MemberId,
        topic: &str,
        attempts: i64,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT s.question_id FROM quiz_exam_steps s WHERE s.exam_id IN
                 (SELECT id FROM quiz_exams WHERE community_id = $1 AND member_id = $2 AND topic = $3
                  AND state <> 'running' ORDER BY id DESC LIMIT $4)",
        )
        .bind(community)
        .bind(member.0)
        .bind(topic)
        .bind(attempts)
        .fetch_all(&self.read)
        .await?)
    }

    async fn quiz_levels(&self, community: &str, member: MemberId) -> Result<Vec<LevelRow>, StoreError> {
        let rows: Vec<LevelDbRow> = sqlx::query_as(
            "SELECT topic, best_level, best_score FROM quiz_levels WHERE community_id = $1 AND member_id = $2
             ORDER BY topic",
        )
        .bind(community)
        .bind(member.0)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|r| LevelRow { topic: r.topic, level: r.best_level, score: r.best_score }).collect())
    }

    async fn quiz_set_announce(&self, community: &str, member: MemberId, on: bool) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO quiz_prefs (community_id, member_id, announce) VALUES ($1, $2, $3)
             ON CONFLICT (community_id, member_id) DO UPDATE SET announce = excluded.announce",
        )
        .bind(community)
        .bind(member.0)
        .bind(i64::from(on))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn quiz_announce(&self, community: &str, member: MemberId) -> Result<bool, StoreError> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT announce FROM quiz_prefs WHERE community_id = $1 AND member_id = $2")
                .bind(community)
                .bind(member.0)
                .fetch_optional(&self.write)
                .await?;
        Ok(v.is_some_and(|v| v != 0))
    }

    async fn quiz_promotions_since(
        &self,
        community: &str,
        since_ms: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows: Vec<PromotionRow> = sqlx::query_as(
            "SELECT m.display_name, e.topic, e.level FROM quiz_exams e JOIN members m ON m.id = e.member_id
             WHERE e.community_id = $1 AND e.promoted = 1 AND e.ended_at_ms >= $2 AND e.level IS NOT NULL
             ORDER BY e.ended_at_ms, e.id",
        )
        .bind(community)
        .bind(since_ms)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|r| (r.display_name, r.topic, r.level)).collect())
    }

    async fn daily_history(&self, community: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows: Vec<DailyRow> =
            sqlx::query_as("SELECT day, question_id, cycle FROM quiz_daily WHERE community_id = $1 ORDER BY day")
                .bind(community)
                .fetch_all(&self.write)
                .await?;
        Ok(rows.into_iter().map(|r| (r.day, r.question_id, r.cycle)).collect())
    }

    async fn daily_choose(
        &self,
        community: &str,
        day: &str,
        question: &str,
        cycle: i64,
        now_ms: i64,
    ) -> Result<(String, i64), StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query(
            "INSERT INTO quiz_daily (community_id, day, question_id, cycle, chosen_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (community_id, day) DO NOTHING",
        )
        .bind(community)
        .bind(day)
        .bind(question)
        .bind(cycle)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let row: (String, i64) =
            sqlx::query_as("SELECT question_id, cycle FROM quiz_daily WHERE community_id = $1 AND day = $2")
                .bind(community)
                .bind(day)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn daily_of(&self, community: &str, day: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT question_id FROM quiz_daily WHERE community_id = $1 AND day = $2")
            .bind(community)
            .bind(day)
            .fetch_optional(&self.write)
            .await?)
    }

    async fn daily_answer(&self, a: &DailyAnswer) -> Result<DailyOutcome, StoreError> {
        let (community, day, member, correct, max_tries, now_ms) =
            (&a.community, &a.day, a.member, a.correct, a.max_tries, a.now_ms);
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query(
            "INSERT INTO quiz_daily_players (community_id, day, member_id, tries) VALUES ($1, $2, $3, 0)
             ON CONFLICT (community_id, day, member_id) DO NOTHING",
        )
        .bind(community)
        .bind(day)
        .bind(member.0)
        .execute(&mut *tx)
        .await?;
        let row: DailyPlayerRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT tries, solved_at_ms FROM quiz_daily_players WHERE community_id = $1 AND day = $2 AND member_id = $3{}",
            db::FOR_UPDATE
        )))
        .bind(community)
        .bind(day)
        .bind(member.0)
        .fetch_one(&mut *tx)
        .await?;
        if row.solved_at_ms.is_some() {
            tx.rollback().await?;
            return Ok(DailyOutcome::AlreadySolved);
        }
        if row.tries >= max_tries {
            tx.rollback().await?;
            return Ok(DailyOutcome::OutOfTries);
        }
        sqlx::query(
            "UPDATE quiz_daily_players SET tries = tries + 1, solved_at_ms = $4
             WHERE community_id = $1 AND day = $2 AND member_id = $3",
        )
        .bind(community)
        .bind(day)
        .bind(member.0)
        .bind(correct.then_some(now_ms))
        .execute(&mut *tx)
        .await?;
        let outcome = if correct {
            let mut balance = None;
            if let Some(t) = &a.reward
                && let TransferOutcome::Applied(b) = ledger::apply(&mut tx, t).await?
            {
                balance = Some(b);
            }
            DailyOutcome::Right(balance)
        } else {
            DailyOutcome::Wrong(max_tries - row.tries - 1)
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn daily_solvers(&self, community: &str, day: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM quiz_daily_players WHERE community_id = $1 AND day = $2 AND solved_at_ms IS NOT NULL",
        )
        .bind(community)
        .bind(day)
        .fetch_one(&self.read)
        .await?)
    }

    async fn daily_solvers_since(&self, community: &str, since_ms: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT m.display_name FROM quiz_daily_players p JOIN members m ON m.id = p.member_id
             WHERE p.community_id = $1 AND p.solved_at_ms >= $2 ORDER BY p.solved_at_ms, p.member_id",
        )
        .bind(community)
        .bind(since_ms)
        .fetch_all(&self.read)
        .await?)
    }

    async fn daily_chats(&self, community: &str) -> Result<Vec<(Platform, String)>, StoreError> {
        let rows: Vec<ChatRow> = sqlx::query_as(
            "SELECT platform, chat_id FROM jobs_schedules WHERE community_id = $1 AND kind = $2 ORDER BY id",
        )
        .bind(community)
        .bind(crate::features::quiz::DAILY_JOB.name)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(|r| Ok((platform(&r.platform)?, r.chat_id))).collect()
    }
}

/// The merged member's quiz history becomes the kept member's: scores of a
/// round both played are added, the better level and the solved daily
/// question are kept, a second running assessment is cancelled.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        let now = Utc::now().timestamp_millis();
        let statements: [&str; 14] = [
            "UPDATE quiz_exams SET state = 'cancelled', ended_at_ms = $3 WHERE member_id = $2 AND state = 'running'
             AND EXISTS (SELECT 1 FROM quiz_exams k WHERE k.member_id = $1 AND k.state = 'running'
                 AND k.community_id = quiz_exams.community_id)",
            "UPDATE quiz_exams SET member_id = $1 WHERE member_id = $2 AND $3 >= 0",
            "UPDATE quiz_rounds SET started_by = $1 WHERE started_by = $2 AND $3 >= 0",
            "UPDATE quiz_round_questions SET winner_id = $1 WHERE winner_id = $2 AND $3 >= 0",
            "UPDATE quiz_round_players SET score = score + (SELECT g.score FROM quiz_round_players g
                 WHERE g.round_id = quiz_round_players.round_id AND g.member_id = $2)
             WHERE member_id = $1 AND $3 >= 0 AND round_id IN (SELECT round_id FROM quiz_round_players WHERE member_id = $2)",
            "DELETE FROM quiz_round_players WHERE member_id = $2 AND $3 >= 0
             AND round_id IN (SELECT round_id FROM quiz_round_players WHERE member_id = $1)",
            "UPDATE quiz_round_players SET member_id = $1 WHERE member_id = $2 AND $3 >= 0",
            "DELETE FROM quiz_round_picks WHERE member_id = $2 AND $3 >= 0 AND EXISTS (SELECT 1 FROM quiz_round_picks k
                 WHERE k.member_id = $1 AND k.round_id = quiz_round_picks.round_id AND k.seq = quiz_round_picks.seq)",
            "UPDATE quiz_round_picks SET member_id = $1 WHERE member_id = $2 AND $3 >= 0",
            "DELETE FROM quiz_levels WHERE member_id = $1 AND $3 >= 0 AND EXISTS (SELECT 1 FROM quiz_levels g
                 WHERE g.member_id = $2 AND g.community_id = quiz_levels.community_id AND g.topic = quiz_levels.topic
                 AND (g.best_level > quiz_levels.best_level
                      OR (g.best_level = quiz_levels.best_level AND g.best_score > quiz_levels.best_score)))",
            "DELETE FROM quiz_levels WHERE member_id = $2 AND $3 >= 0 AND EXISTS (SELECT 1 FROM quiz_levels k
                 WHERE k.member_id = $1 AND k.community_id = quiz_levels.community_id AND k.topic = quiz_levels.topic)",
            "UPDATE quiz_levels SET member_id = $1 WHERE member_id = $2 AND $3 >= 0",
            "DELETE FROM quiz_prefs WHERE member_id = $2 AND $3 >= 0 AND EXISTS (SELECT 1 FROM quiz_prefs k
                 WHERE k.member_id = $1 AND k.community_id = quiz_prefs.community_id)",
            "UPDATE quiz_prefs SET member_id = $1 WHERE member_id = $2 AND $3 >= 0",
        ];
        for sql in statements {
            sqlx::query(sql).bind(kept.0).bind(gone.0).bind(now).execute(&mut *conn).await?;
        }
        // A day both answered keeps the kept member's row, unless only the
        // merged one solved it.
        sqlx::query(
            "DELETE FROM quiz_daily_players WHERE member_id = $1 AND solved_at_ms IS NULL AND EXISTS
                 (SELECT 1 FROM quiz_daily_players g WHERE g.member_id = $2
                  AND g.community_id = quiz_daily_players.community_id AND g.day = quiz_daily_players.day
                  AND g.solved_at_ms IS NOT NULL)",
        )
        .bind(kept.0)
        .bind(gone.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "DELETE FROM quiz_daily_players WHERE member_id = $2 AND EXISTS (SELECT 1 FROM quiz_daily_players k
                 WHERE k.member_id = $1 AND k.community_id = quiz_daily_players.community_id
                 AND k.day = quiz_daily_players.day)",
        )
        .bind(kept.0)
        .bind(gone.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE quiz_daily_players SET member_id = $1 WHERE member_id = $2")
            .bind(kept.0)
            .bind(gone.0)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}
