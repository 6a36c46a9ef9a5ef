//! The bounty feature's durable jobs, each enqueued in the transaction of
//! the change that needs it, keyed so each occurrence is unique:
//!
//! | kind | key | does |
//! |---|---|---|
//! | `bounty.expire` | `bounty.expire:C:N` | settles question N when its period and grace end, unless accepted |
//! | `bounty.announce` | `bounty.announce:C:N` | an urgent question to the members who opted in, by direct message |
//! | `bounty.notice` | `bounty.notice:C:N:DUE_MS` | tells the asker of new answers, at most once per `answer_notice_minutes` |
//!
//! What a job sends goes to the outbox with its completion, and the
//! expiry's points move in one transaction guarded by the question's
//! state, so a job that runs twice pays once and says nothing the second
//! time.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::ids::QuestionNo;
use super::store::{Answer, Question, QuestionState, Settled};
use super::{AWARD, FEE, RETURN};
use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::features::FeatureId;
use crate::i18n::{Args, Locale};
use crate::ledger::{Owner, Transfer};
use crate::message::{Chat, Outgoing};
use crate::scheduler::{JobError, JobKind, JobResult};
use crate::store::jobs::{Job, NewJob};

/// Attempts of every bounty job.
const MAX_ATTEMPTS: i64 = 10;

/// Characters of a question an announcement shows.
const EXCERPT: usize = 200;

/// Settles a question at the end of its period and grace.
pub const EXPIRE: JobKind = JobKind { name: "bounty.expire", max_attempts: MAX_ATTEMPTS, catch_up, run: run_expire };
/// Announces an urgent question to the members who opted in.
pub const ANNOUNCE: JobKind =
    JobKind { name: "bounty.announce", max_attempts: MAX_ATTEMPTS, catch_up, run: run_announce };
/// Tells an asker of new answers.
pub const NOTICE: JobKind = JobKind { name: "bounty.notice", max_attempts: MAX_ATTEMPTS, catch_up, run: run_notice };

/// Not made by schedules: a late job always runs (an expiry above all).
fn catch_up(_: &Community) -> Duration {
    Duration::days(3650)
}

/// The payload of every bounty job: one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct QuestionJob {
    community: String,
    question: i64,
}

fn job(kind: &JobKind, key: String, community: &str, number: QuestionNo, due: DateTime<Utc>) -> NewJob {
    let payload = QuestionJob { community: community.to_owned(), question: number.0 };
    NewJob {
        kind: kind.name.to_owned(),
        key,
        payload: serde_json::to_value(payload).unwrap_or_default(),
        due,
        max_attempts: kind.max_attempts,
    }
}

/// The jobs of a new question: its expiry, and for an urgent one its
/// announcement now.
pub(super) fn asking_jobs(
    community: &str,
    number: QuestionNo,
    urgent: bool,
    now: DateTime<Utc>,
    settle_at: DateTime<Utc>,
) -> Vec<NewJob> {
    let n = number.0;
    let mut jobs = vec![job(&EXPIRE, format!("{}:{community}:{n}", EXPIRE.name), community, number, settle_at)];
    if urgent {
        jobs.push(job(&ANNOUNCE, format!("{}:{community}:{n}", ANNOUNCE.name), community, number, now));
    }
    jobs
}

/// The notice to the asker due at `due`.
pub(super) fn notice_job(community: &str, number: QuestionNo, due: DateTime<Utc>) -> NewJob {
    let key = format!("{}:{community}:{}:{}", NOTICE.name, number.0, due.timestamp_millis());
    job(&NOTICE, key, community, number, due)
}

/// The transfers that settle `q` at expiry: half to `winner`, the rest
/// back to the asker; with no winner, all back minus the fee.
pub(super) fn settlement(q: &Question, winner: Option<&Answer>, fee: i64, now: DateTime<Utc>) -> Vec<Transfer> {
    if q.bounty <= 0 {
        return Vec::new();
    }
    let base = |suffix: &str, kind, to, amount| Transfer {
        community: q.community.clone(),
        key: format!("bounty.expire:{}:{}:{suffix}", q.community, q.number.0),
        kind,
        reason: q.number.to_string(),
        actor: None,
        from: Owner::Escrow,
        to,
        amount,
        at: now,
    };
    let mut out = Vec::new();
    let (back, kept) = match winner {
        Some(w) => {
            let half = q.bounty / 2;
            if half > 0 {
                out.push(base("award", AWARD, Owner::Member(w.answerer), half));
            }
            (q.bounty - half, 0)
        }
        None => {
            let fee = fee.clamp(0, q.bounty);
            (q.bounty - fee, fee)
        }
    };
    if back > 0 {
        out.push(base("return", RETURN, Owner::Member(q.asker), back));
    }
    if kept > 0 {
        out.push(base("fee", FEE, Owner::Mint, kept));
    }
    out
}

fn payload(job: &Job) -> Result<QuestionJob, JobError> {
    serde_json::from_value(job.payload.clone()).map_err(|e| JobError::Invalid(format!("{} payload: {e}", job.kind)))
}

/// The community of a job (`None`: bounties are off there; the job waits
/// for nothing and does nothing).
fn community(engine: &Engine, id: &str) -> Result<Option<Arc<Community>>, JobError> {
    let Some(c) = engine.communities().get(id) else {
        return Err(JobError::Invalid(format!("community {id} is not configured")));
    };
    Ok(c.features.is_on(FeatureId::Bounty).then_some(c))
}

/// A question's first characters.
pub(super) fn excerpt(text: &str, max: usize) -> String {
    let mut s: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        s.push('…');
    }
    s
}

fn run_expire<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p = payload(job)?;
        // Expiry settles escrowed points even where the feature was turned
        // off since: points never stay stuck in escrow.
        let Some(c) = engine.communities().get(&p.community) else {
            return Err(JobError::Invalid(format!("community {} is not configured", p.community)));
        };
        let config = &c.features.bounty;
        let now = engine.now();
        let plan = |q: &Question, w: Option<&Answer>| settlement(q, w, config.fee(q.bounty), now);
        let settled = engine.store().bounty().bounty_expire(&c.id, QuestionNo(p.question), now, &plan).await?;
        let Settled::Done { question: q, winner } = settled else { return Ok(Vec::new()) };
        let locale = c.locale;
        let prompts = engine.prompts();
        let args = Args::new().str("id", q.number.to_string()).num("bounty", q.bounty).num("returned", q.returned);
        let body = match (&winner, q.bounty) {
            (_, 0) => prompts.format(locale, "bounty-expired-free", &args),
            (Some(w), _) => prompts.format(
                locale,
                "bounty-expired-shared",
                &args.str("answer", w.reference.to_string()).str("name", w.answerer_name.clone()).num("paid", q.paid),
            ),
            (None, _) => prompts.format(locale, "bounty-expired-returned", &args.num("fee", q.bounty - q.returned)),
        };
        let chat = Chat::group(q.chat_platform, q.chat_id.clone());
        Ok(vec![Outgoing::post(chat, body)])
    })
}

fn run_announce<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p = payload(job)?;
        let Some(c) = community(engine, &p.community)? else { return Ok(Vec::new()) };
        let store = engine.store().bounty();
        let Some(q) = store.bounty_question(&c.id, QuestionNo(p.question)).await? else { return Ok(Vec::new()) };
        if q.state != QuestionState::Open {
            return Ok(Vec::new());
        }
        let subscribers = store.bounty_urgent_subscribers(&c.id).await?;
        Ok(subscribers
            .into_iter()
            .filter(|s| s.member != q.asker)
            .map(|s| {
                let locale: Locale = s.locale.unwrap_or(c.locale);
                let args = Args::new()
                    .str("id", q.number.to_string())
                    .num("bounty", q.bounty)
                    .str("name", q.asker_name.clone())
                    .str("question", excerpt(&q.text, EXCERPT));
                Outgoing::direct(s.platform, s.user_id, engine.prompts().format(locale, "bounty-dm-urgent", &args))
            })
            .collect())
    })
}

fn run_notice<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p = payload(job)?;
        let Some(c) = community(engine, &p.community)? else { return Ok(Vec::new()) };
        let store = engine.store().bounty();
        let Some(q) = store.bounty_question(&c.id, QuestionNo(p.question)).await? else { return Ok(Vec::new()) };
        if q.state != QuestionState::Open || !store.bounty_wants_answers(&c.id, q.asker).await? {
            return Ok(Vec::new());
        }
        let answers = store.bounty_answers(q.id).await?;
        let others: Vec<&Answer> = answers.iter().filter(|a| a.answerer != q.asker).collect();
        let Some(latest) = others.last() else { return Ok(Vec::new()) };
        let locale = q.asker_locale.unwrap_or(c.locale);
        let args = Args::new()
            .str("id", q.number.to_string())
            .num("count", i64::try_from(others.len()).unwrap_or(i64::MAX))
            .str("answer", latest.reference.to_string())
            .str("name", latest.answerer_name.clone());
        let body = engine.prompts().format(locale, "bounty-dm-answers", &args);
        Ok(vec![Outgoing::direct(q.asker_platform, q.asker_user_id, body)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::bounty::ids::AnswerRef;
    use crate::message::Platform;
    use crate::store::MemberId;

    fn question(bounty: i64) -> Question {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Question {
            id: 1,
            community: "c".into(),
            number: QuestionNo(3),
            asker: MemberId(1),
            asker_name: "a".into(),
            asker_locale: None,
            asker_platform: Platform::Console,
            asker_user_id: "a".into(),
            chat_platform: Platform::Console,
            chat_id: "g".into(),
            message_id: "1".into(),
            text: "q".into(),
            bounty,
            urgent: false,
            state: QuestionState::Open,
            answers: 1,
            created_at: at,
            expires_at: at,
            settle_at: at,
            accepted: None,
            paid: 0,
            returned: 0,
            closed_at: None,
        }
    }

    fn answer() -> Answer {
        Answer {
            id: 1,
            reference: AnswerRef { question: QuestionNo(3), answer: 1 },
            answerer: MemberId(2),
            answerer_name: "b".into(),
            answerer_locale: None,
            text: "x".into(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            votes: 2,
        }
    }

    #[test]
    fn settlements_always_pay_out_the_whole_bounty() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        for bounty in [0, 1, 2, 11, 500] {
            for fee in [0, 1, 5, 600] {
                let q = question(bounty);
                for winner in [None, Some(answer())] {
                    let ts = settlement(&q, winner.as_ref(), fee, now);
                    assert_eq!(ts.iter().map(|t| t.amount).sum::<i64>(), bounty);
                    assert!(ts.iter().all(|t| t.amount > 0 && t.from == Owner::Escrow));
                }
            }
        }
        let ts = settlement(&question(11), Some(&answer()), 0, now);
        assert_eq!(
            ts.iter().map(|t| (t.to, t.amount)).collect::<Vec<_>>(),
            [(Owner::Member(MemberId(2)), 5), (Owner::Member(MemberId(1)), 6)]
        );
        let ts = settlement(&question(100), None, 10, now);
        assert_eq!(
            ts.iter().map(|t| (t.to, t.amount)).collect::<Vec<_>>(),
            [(Owner::Member(MemberId(1)), 90), (Owner::Mint, 10)]
        );
    }
}
