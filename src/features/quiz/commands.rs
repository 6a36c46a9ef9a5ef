//! The quiz commands as the registry declares them, the passive hook that
//! takes typed answers, and `/quiz pick` (what buttons send).

use super::daily::{self, Answer};
use super::exam;
use super::render;
use super::round::{self, Guess, state};
use super::state::QuizState;
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::{Command, Observed};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::message::{ChatKind, Outgoing};
use crate::rich::RichText;

/// A topic (`postgres`); in `/quiz start`, a number alone is the count.
const TOPIC: ArgSpec = ArgSpec::optional("TOPIC", ArgKind::Word);
/// Questions in a round.
const COUNT: ArgSpec = ArgSpec::optional("N", ArgKind::Int { min: 1, max: 100 });
/// A typed answer.
const ANSWER: ArgSpec = ArgSpec::required("ANSWER", ArgKind::Rest);
/// A typed daily answer, or (moderators, in a group) `here [HH:MM]` / `off`.
const DAILY_REST: ArgSpec = ArgSpec::optional("ANSWER", ArgKind::Rest);
/// Which question a button is for.
const TOKEN: ArgSpec = ArgSpec::required("TOKEN", ArgKind::Word);
/// The option a button stands for (1-based).
const OPTION: ArgSpec = ArgSpec::required("OPTION", ArgKind::Int { min: 1, max: 6 });
/// On or off.
const SWITCH: ArgSpec = ArgSpec::required("SWITCH", ArgKind::Choice(&["on", "off"]));

/// The quiz commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "quiz",
        sub: Some("start"),
        aliases: &["答题", "抢答"],
        permission: Permission::Member,
        args: &[TOPIC, COUNT],
        run: Handler(start),
    },
    Command {
        name: "quiz",
        sub: Some("stop"),
        aliases: &["结束答题"],
        permission: Permission::Member,
        args: &[],
        run: Handler(stop),
    },
    Command {
        name: "quiz",
        sub: Some("answer"),
        aliases: &["答"],
        permission: Permission::Member,
        args: &[ANSWER],
        run: Handler(answer),
    },
    Command {
        name: "quiz",
        sub: Some("pick"),
        aliases: &[],
        permission: Permission::Member,
        args: &[TOKEN, OPTION],
        run: Handler(pick),
    },
    Command {
        name: "quiz",
        sub: Some("topics"),
        aliases: &["题库"],
        permission: Permission::Member,
        args: &[],
        run: Handler(topics),
    },
    Command {
        name: "quiz",
        sub: Some("daily"),
        aliases: &["每日一题"],
        permission: Permission::Member,
        args: &[DAILY_REST],
        run: Handler(daily_command),
    },
    Command {
        name: "exam",
        sub: None,
        aliases: &["测评"],
        permission: Permission::Member,
        args: &[TOPIC],
        run: Handler(exam_start),
    },
    Command {
        name: "exam",
        sub: Some("result"),
        aliases: &["段位", "成绩"],
        permission: Permission::Member,
        args: &[],
        run: Handler(exam_result),
    },
    Command {
        name: "exam",
        sub: Some("stop"),
        aliases: &[],
        permission: Permission::Member,
        args: &[],
        run: Handler(exam_stop),
    },
    Command {
        name: "exam",
        sub: Some("announce"),
        aliases: &[],
        permission: Permission::Member,
        args: &[SWITCH],
        run: Handler(exam_announce),
    },
];

fn start<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { round::start(ctx, cmd.text(&TOPIC)?, cmd.int(&COUNT)?).await })
}

fn stop<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { round::stop(ctx).await })
}

fn answer<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let text = cmd.required_text(&ANSWER)?;
        if ctx.msg.chat.kind == ChatKind::Private {
            // In a DM the open question is the member's assessment's.
            return match exam::answer(ctx, text).await? {
                Some(out) => Ok(out),
                None => Err(CommandError::member("quiz-no-round", Args::new())),
            };
        }
        Ok(round::attempt(ctx, Guess::Explicit(text)).await?.unwrap_or_default())
    })
}

fn bad_token(got: &str) -> CommandError {
    CommandError::member("quiz-bad-pick", Args::new().str("got", got).str("last", "F"))
}

fn ids(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// `/quiz pick TOKEN N`: `rID.SEQ` a round's question (in its chat only),
/// `eID.SEQ` an assessment's, `dYYYYMMDD` a day's.
fn pick<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let token = cmd.required_text(&TOKEN)?;
        let n = cmd.required_int(&OPTION)?;
        if let Some((id, seq)) = token.strip_prefix('r').and_then(ids) {
            let chat = &ctx.msg.chat;
            let running = ctx.store().quiz().round(id).await?;
            let here = running.as_ref().is_some_and(|(r, _)| {
                r.community == ctx.community.id && r.platform == chat.platform && r.chat_id == chat.id
            });
            if !here {
                // A button of a round in another chat answers nothing here.
                return Err(CommandError::member("quiz-no-round", Args::new()));
            }
            return Ok(round::attempt(ctx, Guess::Pick(seq, n)).await?.unwrap_or_default());
        }
        if let Some((id, seq)) = token.strip_prefix('e').and_then(ids) {
            return exam::pick(ctx, id, seq, n).await;
        }
        if let Some(day) = daily::token_day(token) {
            return daily::answer(ctx, Answer::Pick(n), Some(day)).await;
        }
        Err(bad_token(token))
    })
}

/// `/quiz topics`: the topics here, with counts in the member's language.
fn topics<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let banks = state(ctx)?.banks(ctx.store()).await?;
        let topics = round::allowed_topics(ctx, &banks);
        if topics.is_empty() {
            return Err(CommandError::member("quiz-no-topics", Args::new()));
        }
        let lang = render::lang(ctx.locale);
        let lang_name = ctx.engine.prompts().plain(ctx.locale, &format!("quiz-lang-{}", lang.code()));
        let mut body = ctx.text("quiz-topics", &Args::new().str("lang", lang_name));
        let lines: Vec<String> = topics
            .iter()
            .map(|t| {
                let pool = banks.pool(t, lang);
                let low = pool.iter().map(|q| q.difficulty).min().unwrap_or(0);
                let high = pool.iter().map(|q| q.difficulty).max().unwrap_or(0);
                ctx.text(
                    "quiz-topic-line",
                    &Args::new()
                        .str("topic", t.clone())
                        .str("name", banks.name(t, lang))
                        .num("count", pool.len() as i64)
                        .num("low", i64::from(low))
                        .num("high", i64::from(high)),
                )
                .to_plain()
            })
            .collect();
        body.append(RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

fn daily_command<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { daily::command(ctx, cmd.text(&DAILY_REST)?).await })
}

fn exam_start<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { exam::start(ctx, cmd.text(&TOPIC)?).await })
}

fn exam_result<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { exam::result(ctx).await })
}

fn exam_stop<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { exam::stop(ctx).await })
}

fn exam_announce<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { exam::announce(ctx, cmd.required_text(&SWITCH)? == "on").await })
}

/// Typed answers: in a group with a running round, a right answer (or a
/// readable option of a multiple-choice question) is the round's, and the
/// hooks after this one do not see it; in a direct message while an
/// assessment waits, any text is its answer. Anything else returns at once,
/// without a query (the index in [`QuizState`]).
pub fn observe<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        let Some(state) = ctx.engine.state::<QuizState>() else { return Observed::default() };
        if let Err(e) = state.refresh_index(ctx.store(), None).await {
            tracing::error!(error = %e, "quiz index not readable");
            return Observed::default();
        }
        let chat = &ctx.msg.chat;
        let result = match chat.kind {
            ChatKind::Private if state.exam_running(&ctx.community.id, ctx.member.id) => {
                exam::answer(ctx, &ctx.msg.text).await
            }
            ChatKind::Group if state.round_here(&ctx.community.id, chat.platform, &chat.id) => {
                round::attempt(ctx, Guess::Chat(&ctx.msg.text)).await
            }
            _ => return Observed::default(),
        };
        match result {
            Ok(Some(out)) => Observed::handled(out),
            Ok(None) => Observed::default(),
            Err(CommandError::Member(p)) => {
                Observed::handled(vec![Outgoing::reply(ctx.msg, ctx.engine.prompts().render(ctx.locale, &p))])
            }
            Err(CommandError::Internal(e)) => {
                tracing::error!(error = %e, chat = %chat.key(), "a quiz answer failed");
                Observed::default()
            }
        }
    })
}
