//! Group rounds: `/quiz start`, `/quiz stop`, answers (typed in the chat,
//! `/quiz answer`, or a button's `/quiz pick`), and the `quiz_close` job
//! that reveals an unanswered question and moves the round on.

use std::collections::HashSet;

use serde::Deserialize;

use super::answer::{Matcher, option_label, read_choice};
use super::hash::hash_of;
use super::model::{Body, Question};
use super::render;
use super::state::{Banks, QuizState};
use super::store::{
    Advance, Attempt, AttemptOutcome, CloseOutcome, NewRound, Round, RoundEnd, RoundSettings, Slot, StartOutcome,
};
use crate::BoxFuture;
use crate::command::Permission;
use crate::engine::Engine;
use crate::handler::{CommandError, Ctx};
use crate::i18n::{Args, Locale};
use crate::message::{Chat, ChatKind, Outgoing};
use crate::rich::RichText;
use crate::scheduler::{JobError, JobResult, LEASE_SECS};
use crate::store::jobs::Job;

/// Rounds of a chat whose questions a new round avoids.
const AVOID_ROUNDS: i64 = 3;

/// The state, or an internal error.
pub(super) fn state<'a>(ctx: &'a Ctx<'a>) -> Result<&'a QuizState, CommandError> {
    ctx.state::<QuizState>()
}

/// The topics a community may use: its `topics`, else every imported one.
pub(super) fn allowed_topics(ctx: &Ctx<'_>, banks: &Banks) -> Vec<String> {
    let config = &ctx.community.features.quiz;
    let all = banks.topics();
    if config.topics.is_empty() {
        all.into_iter().map(str::to_owned).collect()
    } else {
        config.topics.iter().filter(|t| all.contains(&t.as_str())).cloned().collect()
    }
}

/// Checks a topic the member named (or picks one): it exists here and has
/// questions in the member's language. Returns it.
pub(super) fn resolve_topic(ctx: &Ctx<'_>, banks: &Banks, wanted: Option<&str>) -> Result<String, CommandError> {
    let topics = allowed_topics(ctx, banks);
    if topics.is_empty() {
        return Err(CommandError::member("quiz-no-topics", Args::new()));
    }
    let lang = render::lang(ctx.locale);
    let topic = match wanted {
        Some(t) => {
            let t = t.to_lowercase();
            if !topics.contains(&t) {
                return Err(CommandError::member(
                    "quiz-unknown-topic",
                    Args::new().str("topic", t).str("topics", topics.join(", ")),
                ));
            }
            t
        }
        None => topics
            .iter()
            .max_by_key(|t| (banks.pool(t, lang).len(), std::cmp::Reverse((*t).clone())))
            .cloned()
            .unwrap_or_default(),
    };
    if banks.pool(&topic, lang).is_empty() {
        let langs: Vec<String> = banks
            .langs(&topic)
            .into_iter()
            .map(|l| ctx.engine.prompts().plain(ctx.locale, &format!("quiz-lang-{}", l.code())))
            .collect();
        let name = ctx.engine.prompts().plain(ctx.locale, &format!("quiz-lang-{}", lang.code()));
        return Err(CommandError::member(
            "quiz-topic-no-lang",
            Args::new().str("topic", topic).str("lang", name).str("langs", langs.join(", ")),
        ));
    }
    Ok(topic)
}

/// A round's question as posted in its chat.
pub(super) fn question_message(engine: &Engine, round: &Round, slot: &Slot, q: &Question) -> Outgoing {
    let locale = render::locale(round.lang);
    let chat = Chat::group(round.platform, round.chat_id.clone());
    let Some(v) = render::variant(q, round.lang) else {
        return Outgoing::post(chat, RichText::plain(&q.id));
    };
    let args = Args::new()
        .num("seq", slot.seq)
        .num("total", round.total)
        .num("secs", (round.settings.question_ms + 999) / 1000);
    let (mut body, buttons) = render::question_body(
        engine,
        locale,
        "quiz-question",
        args,
        v,
        q.difficulty,
        &format!("r{}.{}", round.id, slot.seq),
    );
    if matches!(v.body, Body::Free { .. }) {
        body.append(engine.prompts().format(locale, "quiz-free-hint", &Args::new()));
    }
    Outgoing::post(chat, body).with_buttons(buttons)
}

/// What follows a closed question: the next one, or the end.
fn advance_messages(engine: &Engine, banks: &Banks, round: &Round, next: &Advance, by: &str) -> Vec<Outgoing> {
    match next {
        Advance::Next(slot) => match banks.get(&slot.question_id) {
            Some(q) => vec![question_message(engine, round, slot, q)],
            None => Vec::new(),
        },
        Advance::Ended(end) => vec![end_message(engine, round, end, by)],
    }
}

fn end_message(engine: &Engine, round: &Round, end: &RoundEnd, by: &str) -> Outgoing {
    let s = &round.settings;
    let body = render::round_end(engine, render::locale(round.lang), end, s.per_correct, s.min_players, by);
    Outgoing::post(Chat::group(round.platform, round.chat_id.clone()), body)
}

/// `/quiz start [TOPIC] [N]`.
pub(super) async fn start(ctx: &Ctx<'_>, topic: Option<&str>, n: Option<i64>) -> Result<Vec<Outgoing>, CommandError> {
    let config = &ctx.community.features.quiz;
    if ctx.msg.chat.kind != ChatKind::Group {
        return Err(CommandError::member("quiz-group-only", Args::new()));
    }
    if ctx.role < Permission::Moderator && !config.members_may_start {
        return Err(CommandError::member("quiz-start-moderators-only", Args::new()));
    }
    // `/quiz start 5`: the default topic, five questions.
    let (topic, n) = match (topic, n) {
        (Some(t), None) if t.parse::<i64>().is_ok() => (None, t.parse::<i64>().ok()),
        other => other,
    };
    let max = i64::from(config.max_round_questions);
    let n = n.unwrap_or(i64::from(config.round_questions));
    if !(1..=max).contains(&n) {
        return Err(CommandError::member("quiz-too-many", Args::new().num("max", max)));
    }
    let state = state(ctx)?;
    let banks = state.banks(ctx.store()).await?;
    let topic = resolve_topic(ctx, &banks, topic)?;
    let chat = &ctx.msg.chat;
    let running = ctx.store().quiz().round_running(&ctx.community.id, chat.platform, &chat.id).await?;
    if let Some((round, slot)) = running {
        // A round whose timer never ran (its job gave up) is not left stuck:
        // past the grace and a job lease, it is cancelled like after a restart.
        let grace = i64::from(config.resume_grace_secs) * 1000;
        let now_ms = ctx.now.timestamp_millis();
        let stuck = slot.as_ref().filter(|s| now_ms > s.closes_at_ms + grace + LEASE_SECS * 1000);
        let Some(slot) = stuck else { return Err(running_error(&round, slot.as_ref())) };
        let render = |(round, outcome): &(Round, CloseOutcome)| close_messages(ctx.engine, &banks, round, outcome);
        let key = format!("quiz_stuck:{}:{}", round.id, slot.seq);
        ctx.store().quiz().round_close(round.id, slot.seq, now_ms, grace, &key, &render).await?;
        ctx.engine.notify_outbox();
    }
    let lang = render::lang(ctx.locale);
    let start_key = format!("{}:{}:{}", chat.platform, chat.id, ctx.msg.message_id);
    let recent: HashSet<String> = ctx
        .store()
        .quiz()
        .round_recent_questions(&ctx.community.id, chat.platform, &chat.id, AVOID_ROUNDS)
        .await?
        .into_iter()
        .collect();
    let mut pool = banks.pool(&topic, lang);
    pool.sort_by_key(|q| (recent.contains(&q.id), hash_of(&[&start_key, &q.id])));
    let mut plan: Vec<&std::sync::Arc<Question>> = pool.into_iter().take(usize::try_from(n).unwrap_or(0)).collect();
    plan.sort_by_key(|q| (q.difficulty, hash_of(&[&start_key, &q.id])));
    let defaults = banks.defaults.get(&topic).cloned().unwrap_or_default();
    let multiplier = defaults.payout_multiplier.unwrap_or(1.0);
    let settings = RoundSettings {
        question_ms: defaults
            .question_ms
            .map_or(i64::from(config.question_secs) * 1000, |ms| i64::try_from(ms).unwrap_or(20_000)),
        max_score: defaults.max_score.map(i64::from),
        reveal_answer: defaults.reveal_answer.unwrap_or(config.reveal_answer),
        idle_stop_ms: defaults
            .idle_stop_ms
            .map_or(i64::from(config.idle_stop_secs) * 1000, |ms| i64::try_from(ms).unwrap_or(0)),
        per_correct: ((config.points_per_correct as f64) * multiplier).round() as i64,
        min_players: i64::from(config.min_players),
    };
    let new = NewRound {
        community: ctx.community.id.clone(),
        platform: chat.platform,
        chat_id: chat.id.clone(),
        topic: topic.clone(),
        lang,
        started_by: ctx.member.id,
        start_key,
        settings,
        plan: plan.iter().map(|q| q.id.clone()).collect(),
        now_ms: ctx.now.timestamp_millis(),
    };
    match ctx.store().quiz().round_start(&new).await? {
        StartOutcome::Started(round, slot) => {
            state.mark_round(&round.community, round.platform, &round.chat_id, true);
            let name = banks.name(&topic, lang);
            let mut head = ctx.text(
                "quiz-round-started",
                &Args::new()
                    .str("topic", name.clone())
                    .num("total", round.total)
                    .num("secs", (settings.question_ms + 999) / 1000),
            );
            if round.total < n {
                let lang_name = ctx.engine.prompts().plain(ctx.locale, &format!("quiz-lang-{}", lang.code()));
                head.append(ctx.text(
                    "quiz-round-fewer",
                    &Args::new().str("topic", name).num("total", round.total).str("lang", lang_name),
                ));
            }
            let mut out = vec![Outgoing::reply(ctx.msg, head)];
            if let Some(q) = banks.get(&slot.question_id) {
                out.push(question_message(ctx.engine, &round, &slot, q));
            }
            Ok(out)
        }
        StartOutcome::Running(round, slot) => Err(running_error(&round, slot.as_ref())),
        StartOutcome::Duplicate => Ok(Vec::new()),
    }
}

fn running_error(round: &Round, slot: Option<&Slot>) -> CommandError {
    CommandError::member(
        "quiz-round-running",
        Args::new().str("topic", round.topic.clone()).num("seq", slot.map_or(0, |s| s.seq)).num("total", round.total),
    )
}

/// `/quiz stop`: the starter or a moderator ends the round (it pays as usual).
pub(super) async fn stop(ctx: &Ctx<'_>) -> Result<Vec<Outgoing>, CommandError> {
    let chat = &ctx.msg.chat;
    let Some((round, _)) = ctx.store().quiz().round_running(&ctx.community.id, chat.platform, &chat.id).await? else {
        return Err(CommandError::member("quiz-no-round", Args::new()));
    };
    if round.started_by != ctx.member.id && ctx.role < Permission::Moderator {
        let name = ctx.store().members().member(round.started_by).await?.map(|m| m.display_name).unwrap_or_default();
        return Err(CommandError::member("quiz-stop-not-yours", Args::new().str("name", name)));
    }
    let state = state(ctx)?;
    let Some(end) = ctx.store().quiz().round_stop(round.id, ctx.now.timestamp_millis()).await? else {
        state.mark_round(&round.community, round.platform, &round.chat_id, false);
        return Err(CommandError::member("quiz-no-round", Args::new()));
    };
    state.mark_round(&round.community, round.platform, &round.chat_id, false);
    Ok(vec![end_message(ctx.engine, &round, &end, &ctx.msg.sender.name)])
}

/// What a member sent for the open question.
#[derive(Debug, Clone, Copy)]
pub(super) enum Guess<'a> {
    /// Typed in the chat: only a right answer (or a readable option) counts;
    /// anything else is chat and passes on.
    Chat(&'a str),
    /// `/quiz answer TEXT`: a wrong answer is told so.
    Explicit(&'a str),
    /// A button or `/quiz pick`: option `N` (1-based) of question `seq`.
    Pick(i64, i64),
}

/// An answer attempt in the chat's round. `None`: not an attempt at all
/// (plain chat that matched nothing), so other features may see it.
pub(super) async fn attempt(ctx: &Ctx<'_>, guess: Guess<'_>) -> Result<Option<Vec<Outgoing>>, CommandError> {
    let chat = &ctx.msg.chat;
    let state = state(ctx)?;
    let running = ctx.store().quiz().round_running(&ctx.community.id, chat.platform, &chat.id).await?;
    let Some((round, slot)) = running else {
        state.mark_round(&ctx.community.id, chat.platform, &chat.id, false);
        return match guess {
            Guess::Chat(_) => Ok(None),
            Guess::Explicit(_) => Err(CommandError::member("quiz-no-round", Args::new())),
            Guess::Pick(..) => Err(CommandError::member("quiz-closed", Args::new())),
        };
    };
    let Some(slot) = slot else {
        return Ok(None);
    };
    let banks = state.banks(ctx.store()).await?;
    let Some(q) = banks.get(&slot.question_id).cloned() else {
        return Err(CommandError::internal(format!("round {} asks unknown question {}", round.id, slot.question_id)));
    };
    let Some(v) = render::variant(&q, round.lang) else {
        return Err(CommandError::internal(format!("question {} has no variants", q.id)));
    };
    let (correct, pick) = match (&v.body, guess) {
        (Body::Choice { options, correct }, Guess::Pick(seq, n)) => {
            if seq != slot.seq {
                return Err(CommandError::member("quiz-closed", Args::new()));
            }
            let i = usize::try_from(n - 1).ok().filter(|i| *i < options.len());
            let Some(i) = i else {
                let last = option_label(options.len().saturating_sub(1)).to_string();
                return Err(CommandError::member(
                    "quiz-bad-pick",
                    Args::new().str("got", n.to_string()).str("last", last),
                ));
            };
            (correct.contains(&i), Some(i))
        }
        (Body::Choice { options, correct }, Guess::Chat(text) | Guess::Explicit(text)) => {
            match read_choice(text, options) {
                Some(i) => (correct.contains(&i), Some(i)),
                None if matches!(guess, Guess::Chat(_)) => return Ok(None),
                None => {
                    let last = option_label(options.len().saturating_sub(1)).to_string();
                    return Err(CommandError::member("quiz-bad-pick", Args::new().str("got", text).str("last", last)));
                }
            }
        }
        (Body::Free { answers }, Guess::Chat(text) | Guess::Explicit(text)) => {
            let right = Matcher::new(answers).matches(text);
            if !right && matches!(guess, Guess::Chat(_)) {
                return Ok(None);
            }
            (right, None)
        }
        (Body::Free { .. }, Guess::Pick(..)) => return Err(CommandError::member("quiz-closed", Args::new())),
    };
    let a = Attempt {
        round_id: round.id,
        seq: slot.seq,
        member: ctx.member.id,
        correct,
        pick: pick.and_then(|i| i64::try_from(i).ok()),
        now_ms: ctx.now.timestamp_millis(),
    };
    let name = ctx.msg.sender.name.clone();
    let locale = render::locale(round.lang);
    let p = ctx.engine.prompts();
    Ok(Some(match ctx.store().quiz().round_attempt(&a).await? {
        AttemptOutcome::Closed => match guess {
            Guess::Chat(_) => return Ok(None),
            _ => return Err(CommandError::member("quiz-closed", Args::new())),
        },
        AttemptOutcome::AlreadyPicked(before) => {
            let label = option_label(usize::try_from(before).unwrap_or(0)).to_string();
            return Err(CommandError::member("quiz-already-picked", Args::new().str("label", label)));
        }
        AttemptOutcome::Wrong => match pick {
            Some(i) => vec![Outgoing::reply(
                ctx.msg,
                p.format(
                    locale,
                    "quiz-pick-wrong",
                    &Args::new().str("name", name).str("label", option_label(i).to_string()),
                ),
            )],
            None => vec![Outgoing::reply(ctx.msg, p.format(locale, "quiz-wrong-try", &Args::new()))],
        },
        AttemptOutcome::Won { score, next } => {
            let mut body = p.format(
                locale,
                "quiz-correct",
                &Args::new().str("name", name).str("answer", render::answer_text(v)).num("score", score),
            );
            if let Some(e) = render::explanation(ctx.engine, locale, v) {
                body.append(e);
            }
            let mut out = vec![Outgoing::reply(ctx.msg, body)];
            if let Advance::Ended(_) = next {
                state.mark_round(&round.community, round.platform, &round.chat_id, false);
            }
            out.extend(advance_messages(ctx.engine, &banks, &round, &next, ""));
            out
        }
    }))
}

/// A `quiz_close` job's payload.
#[derive(Debug, Deserialize)]
struct ClosePayload {
    round: i64,
    seq: i64,
}

/// The `quiz_close` job: the question's time is up.
pub(super) fn run_close<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: ClosePayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("quiz_close payload: {e}")))?;
        let Some(state) = engine.state::<QuizState>() else { return Ok(Vec::new()) };
        let banks = state.banks(engine.store()).await?;
        let Some((round, _)) = engine.store().quiz().round(p.round).await? else { return Ok(Vec::new()) };
        let grace = engine
            .communities()
            .get(&round.community)
            .map_or(120_000, |c| i64::from(c.features.quiz.resume_grace_secs) * 1000);
        let render = |(round, outcome): &(Round, CloseOutcome)| -> Vec<Outgoing> {
            close_messages(engine, &banks, round, outcome)
        };
        let outcome = engine
            .store()
            .quiz()
            .round_close(p.round, p.seq, engine.now().timestamp_millis(), grace, &job.key, &render)
            .await?;
        let ended =
            matches!(outcome, CloseOutcome::Cancelled { .. } | CloseOutcome::TimedOut { next: Advance::Ended(_), .. });
        if ended {
            state.mark_round(&round.community, round.platform, &round.chat_id, false);
        }
        Ok(Vec::new())
    })
}

/// What a close says: the reveal (and explanation), then the next question
/// or the end; or that the round was cancelled by a restart.
fn close_messages(engine: &Engine, banks: &Banks, round: &Round, outcome: &CloseOutcome) -> Vec<Outgoing> {
    let locale: Locale = render::locale(round.lang);
    let chat = Chat::group(round.platform, round.chat_id.clone());
    let p = engine.prompts();
    match outcome {
        CloseOutcome::Nothing => Vec::new(),
        CloseOutcome::Cancelled { seq } => vec![Outgoing::post(
            chat,
            p.format(locale, "quiz-cancelled-restart", &Args::new().num("seq", *seq).num("total", round.total)),
        )],
        CloseOutcome::TimedOut { closed, next } => {
            let v = banks.get(&closed.question_id).and_then(|q| render::variant(q, round.lang));
            let mut body = match (v, round.settings.reveal_answer) {
                (Some(v), true) => {
                    p.format(locale, "quiz-timeout-reveal", &Args::new().str("answer", render::answer_text(v)))
                }
                _ => p.format(locale, "quiz-timeout-hidden", &Args::new()),
            };
            if round.settings.reveal_answer
                && let Some(e) = v.and_then(|v| render::explanation(engine, locale, v))
            {
                body.append(e);
            }
            let mut out = vec![Outgoing::post(chat, body)];
            out.extend(advance_messages(engine, banks, round, next, ""));
            out
        }
    }
}
