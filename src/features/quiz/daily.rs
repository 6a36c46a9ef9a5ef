//! The daily question: one per community per calendar day (its time zone),
//! chosen without repeats ([`super::cycle`]); shown with `/quiz daily`,
//! answered in a direct message (`/quiz daily ANSWER` or a button) so
//! nobody spoils it in a group; posted every day in the chats whose
//! moderators asked for it (`/quiz daily here [HH:MM]`, a `quiz_daily`
//! schedule), with yesterday's answer revealed.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::answer::{Matcher, option_label, read_choice};
use super::config::parse_hhmm;
use super::cycle::{Past, pick};
use super::model::{Body, Question};
use super::render;
use super::round::state;
use super::state::{Banks, QuizState};
use super::store::{DailyAnswer, DailyOutcome};
use super::{DAILY, DAILY_JOB};
use crate::BoxFuture;
use crate::command::Permission;
use crate::community::Community;
use crate::engine::Engine;
use crate::handler::{CommandError, Ctx};
use crate::i18n::{Args, Locale};
use crate::ledger::{Owner, Transfer};
use crate::message::{Button, Chat, ChatKind, Outgoing, Platform};
use crate::rich::RichText;
use crate::scheduler::cron::CronExpr;
use crate::scheduler::{Fire, JobError, JobResult};
use crate::store::StoreError;
use crate::store::jobs::{Job, Schedule};

/// A community's calendar day at `now`.
pub(super) fn day_of(community: &Community, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&community.tz).date_naive()
}

fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The day's question, chosen now if it was not yet.
pub(super) async fn question_of_day(
    engine: &Engine,
    community: &Community,
    banks: &Banks,
    day: NaiveDate,
    choose: bool,
) -> Result<Option<Arc<Question>>, StoreError> {
    let quiz = engine.store().quiz();
    let key = day_key(day);
    if let Some(id) = quiz.daily_of(&community.id, &key).await? {
        return Ok(banks.get(&id).cloned());
    }
    if !choose {
        return Ok(None);
    }
    let config = &community.features.quiz;
    let lang = render::lang(community.locale);
    let topics: Vec<&String> = if config.daily_topics.is_empty() {
        config.topics.iter().collect()
    } else {
        config.daily_topics.iter().collect()
    };
    let pool: Vec<&str> = banks
        .active
        .iter()
        .filter(|q| topics.is_empty() || topics.iter().any(|t| **t == q.topic))
        .filter(|q| q.variant(lang).is_some())
        .map(|q| q.id.as_str())
        .collect();
    let history = quiz.daily_history(&community.id).await?;
    let past: Vec<Past<'_>> =
        history.iter().map(|(_, q, c)| Past { cycle: u32::try_from(*c).unwrap_or(0), question: q.as_str() }).collect();
    let Some((cycle, id)) = pick(&community.id, &pool, &past) else { return Ok(None) };
    let (id, _) = quiz.daily_choose(&community.id, &key, id, i64::from(cycle), engine.now().timestamp_millis()).await?;
    Ok(banks.get(&id).cloned())
}

/// The day's question as shown, in `locale`, with buttons for a choice.
fn post_body(
    engine: &Engine,
    community: &Community,
    locale: Locale,
    q: &Question,
    day: NaiveDate,
) -> (RichText, Vec<Button>) {
    let lang = render::lang(locale);
    let Some(v) = render::variant(q, lang) else { return (RichText::plain(&q.id), Vec::new()) };
    let args = Args::new().str("date", day_key(day));
    let token = format!("d{}", day.format("%Y%m%d"));
    let (mut body, buttons) = render::question_body(engine, locale, "quiz-daily-post", args, v, q.difficulty, &token);
    body.append(engine.prompts().format(
        locale,
        "quiz-daily-how",
        &Args::new().num("points", community.features.quiz.daily_reward),
    ));
    (body, buttons)
}

/// Yesterday's answer and how many solved it, if there was a question.
async fn yesterday(
    engine: &Engine,
    community: &Community,
    banks: &Banks,
    locale: Locale,
    today: NaiveDate,
) -> Result<Option<RichText>, StoreError> {
    let day = today - Duration::days(1);
    let Some(q) = question_of_day(engine, community, banks, day, false).await? else { return Ok(None) };
    let Some(v) = render::variant(&q, render::lang(locale)) else { return Ok(None) };
    let solvers = engine.store().quiz().daily_solvers(&community.id, &day_key(day)).await?;
    Ok(Some(engine.prompts().format(
        locale,
        "quiz-daily-yesterday",
        &Args::new().str("date", day_key(day)).str("answer", render::answer_text(v)).num("solvers", solvers),
    )))
}

/// `/quiz daily [ANSWER…]`; in a group also `here [HH:MM]` and `off`.
pub(super) async fn command(ctx: &Ctx<'_>, rest: Option<&str>) -> Result<Vec<Outgoing>, CommandError> {
    let rest = rest.map(str::trim).filter(|r| !r.is_empty());
    let group = ctx.msg.chat.kind == ChatKind::Group;
    if group && let Some(r) = rest {
        let mut words = r.split_whitespace();
        let first = words.next().unwrap_or_default().to_lowercase();
        if first == "here" || first == "off" {
            if ctx.role < Permission::Moderator {
                let role = ctx.engine.prompts().plain(ctx.locale, Permission::Moderator.prompt_key());
                return Err(CommandError::member(
                    "error-permission",
                    Args::new().str("usage", format!("/quiz daily {first}")).str("role", role),
                ));
            }
            return if first == "off" { off(ctx).await } else { here(ctx, words.next()).await };
        }
        // No spoilers: a daily answer is given in private.
        return Err(CommandError::member("quiz-daily-dm-only", Args::new().str("bot", ctx.engine.bot_name.clone())));
    }
    match rest {
        None => show(ctx).await,
        Some(text) => answer(ctx, Answer::Text(text), None).await,
    }
}

/// Today's question (and yesterday's answer).
async fn show(ctx: &Ctx<'_>) -> Result<Vec<Outgoing>, CommandError> {
    let banks = state(ctx)?.banks(ctx.store()).await?;
    let today = day_of(ctx.community, ctx.now);
    let Some(q) = question_of_day(ctx.engine, ctx.community, &banks, today, true).await? else {
        return Err(CommandError::member("quiz-daily-none", Args::new()));
    };
    let (mut body, buttons) = post_body(ctx.engine, ctx.community, ctx.locale, &q, today);
    if let Some(y) = yesterday(ctx.engine, ctx.community, &banks, ctx.locale, today).await? {
        body.append(y);
    }
    // Buttons only in private: in a group they would answer in public.
    let buttons = if ctx.msg.chat.kind == ChatKind::Private { buttons } else { Vec::new() };
    Ok(vec![Outgoing::reply(ctx.msg, body).with_buttons(buttons)])
}

/// A daily answer.
#[derive(Debug, Clone, Copy)]
pub(super) enum Answer<'a> {
    /// Typed.
    Text(&'a str),
    /// A button: option N (1-based).
    Pick(i64),
}

/// Answers today's question (`day`: the day a button was for).
pub(super) async fn answer(
    ctx: &Ctx<'_>,
    given: Answer<'_>,
    day: Option<NaiveDate>,
) -> Result<Vec<Outgoing>, CommandError> {
    let config = &ctx.community.features.quiz;
    if ctx.msg.chat.kind == ChatKind::Group {
        return Err(CommandError::member("quiz-daily-dm-only", Args::new().str("bot", ctx.engine.bot_name.clone())));
    }
    let today = day_of(ctx.community, ctx.now);
    if let Some(d) = day.filter(|d| *d != today) {
        return Err(CommandError::member("quiz-daily-closed", Args::new().str("date", day_key(d))));
    }
    let banks = state(ctx)?.banks(ctx.store()).await?;
    let Some(q) = question_of_day(ctx.engine, ctx.community, &banks, today, true).await? else {
        return Err(CommandError::member("quiz-daily-none", Args::new()));
    };
    let Some(v) = render::variant(&q, render::lang(ctx.locale)) else {
        return Err(CommandError::member("quiz-daily-none", Args::new()));
    };
    let (right, max_tries) = match (&v.body, given) {
        (Body::Choice { options, correct }, given) => {
            let i = match given {
                Answer::Text(t) => read_choice(t, options),
                Answer::Pick(n) => usize::try_from(n - 1).ok().filter(|i| *i < options.len()),
            };
            let Some(i) = i else {
                let got = match given {
                    Answer::Text(t) => t.to_owned(),
                    Answer::Pick(n) => n.to_string(),
                };
                let last = option_label(options.len().saturating_sub(1)).to_string();
                return Err(CommandError::member("quiz-bad-pick", Args::new().str("got", got).str("last", last)));
            };
            (correct.contains(&i), 1)
        }
        (Body::Free { answers }, Answer::Text(t)) => {
            (Matcher::new(answers).matches(t), i64::from(config.daily_max_tries))
        }
        (Body::Free { .. }, Answer::Pick(_)) => return Err(CommandError::member("quiz-closed", Args::new())),
    };
    let key = day_key(today);
    let reward = (config.daily_reward > 0).then(|| Transfer {
        community: ctx.community.id.clone(),
        key: format!("quiz-daily:{}:{key}:{}", ctx.community.id, ctx.member.id),
        kind: DAILY,
        reason: key.clone(),
        actor: Some(ctx.member.id),
        from: Owner::Mint,
        to: Owner::Member(ctx.member.id),
        amount: config.daily_reward,
        at: ctx.now,
    });
    let a = DailyAnswer {
        community: ctx.community.id.clone(),
        day: key,
        member: ctx.member.id,
        correct: right,
        max_tries,
        reward,
        now_ms: ctx.now.timestamp_millis(),
    };
    let outcome = ctx.store().quiz().daily_answer(&a).await?;
    Ok(vec![match outcome {
        DailyOutcome::Right(Some(_)) => ctx.reply("quiz-daily-right", &Args::new().num("points", config.daily_reward)),
        DailyOutcome::Right(None) => ctx.reply("quiz-daily-right-no-reward", &Args::new()),
        DailyOutcome::Wrong(left) if left > 0 => ctx.reply("quiz-daily-wrong", &Args::new().num("left", left)),
        DailyOutcome::Wrong(_) | DailyOutcome::OutOfTries => ctx.reply("quiz-daily-out-of-tries", &Args::new()),
        DailyOutcome::AlreadySolved => ctx.reply("quiz-daily-solved", &Args::new()),
    }])
}

/// `/quiz daily here [HH:MM]`: post the daily question in this chat every day.
async fn here(ctx: &Ctx<'_>, time: Option<&str>) -> Result<Vec<Outgoing>, CommandError> {
    let config = &ctx.community.features.quiz;
    let typed = time.unwrap_or(&config.daily_time);
    let Some(minutes) = parse_hhmm(typed) else {
        return Err(CommandError::member("quiz-schedule-bad-time", Args::new().str("got", typed)));
    };
    let expr = CronExpr::parse(&format!("{} {} * * *", minutes % 60, minutes / 60))
        .map_err(|e| CommandError::internal(format!("daily schedule: {e}")))?;
    let Some(next) = expr.next_after(ctx.community.tz, ctx.now) else {
        return Err(CommandError::internal("a daily schedule never fires"));
    };
    let chat = &ctx.msg.chat;
    let s = Schedule {
        id: 0,
        community: ctx.community.id.clone(),
        platform: chat.platform,
        chat_id: chat.id.clone(),
        kind: DAILY_JOB.name.to_owned(),
        expr: expr.expr.clone(),
        source: expr.source.clone(),
        next,
        created_by: Some(ctx.member.id),
    };
    ctx.store().jobs().put_schedule(&s, ctx.now).await?;
    let time = format!("{:02}:{:02}", minutes / 60, minutes % 60);
    Ok(vec![ctx.reply("quiz-schedule-set", &Args::new().str("time", time).str("tz", ctx.community.tz.name()))])
}

/// `/quiz daily off`.
async fn off(ctx: &Ctx<'_>) -> Result<Vec<Outgoing>, CommandError> {
    let chat = &ctx.msg.chat;
    let removed =
        ctx.store().jobs().delete_schedule(&ctx.community.id, chat.platform, &chat.id, DAILY_JOB.name).await?;
    Ok(vec![ctx.reply(if removed { "quiz-schedule-off" } else { "quiz-schedule-none" }, &Args::new())])
}

/// The `quiz_daily` job: a schedule's fire posts the day's question and
/// yesterday's answer in its chat.
pub(super) fn run_fire<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let fire: Fire = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("quiz_daily payload: {e}")))?;
        let Some(community) = engine.communities().get(&fire.community) else {
            return Err(JobError::Invalid(format!("community {} is not configured", fire.community)));
        };
        let community = &*community;
        let Some(platform) = Platform::parse(&fire.platform) else {
            return Err(JobError::Invalid(format!("unknown platform {}", fire.platform)));
        };
        if !community.features.is_on(crate::features::FeatureId::Quiz) {
            return Ok(Vec::new());
        }
        let Some(state) = engine.state::<QuizState>() else { return Ok(Vec::new()) };
        let banks = state.banks(engine.store()).await?;
        let fired = crate::store::from_ms(fire.at_ms);
        let today = day_of(community, fired);
        let Some(q) = question_of_day(engine, community, &banks, today, true).await? else {
            tracing::info!(community = %community.id, "no daily question to post: no questions");
            return Ok(Vec::new());
        };
        let locale = community.locale;
        // No buttons in the group: answers are given in private.
        let (mut body, _) = post_body(engine, community, locale, &q, today);
        if let Some(y) = yesterday(engine, community, &banks, locale, today).await? {
            body.append(y);
        }
        Ok(vec![Outgoing::post(Chat::group(platform, fire.chat_id), body)])
    })
}

/// A daily token's day: `d20261201`.
pub(super) fn token_day(token: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(token.strip_prefix('d')?, "%Y%m%d").ok()
}
