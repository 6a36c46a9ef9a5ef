//! Chat-day summaries (群聊摘要) for the digest: a moderator opts a group
//! chat in (`/summary on`), which is announced in that chat; from then on
//! the text of its messages is kept (bounded: capped per chat and day, cut
//! per message, deleted after `keep_days` and at once on `/summary off`),
//! written by the group commit with the other passive writes. The digest
//! gains a section with each opted-in chat's summary of the period, made
//! by the shared language model ([`crate::llm`]) within the community's
//! budget and marked as machine-summarized. A direct chat can never be
//! opted in. Without a model, or with the budget spent, there is no
//! summary and `/summary status` says why.
//!
//! Grammar: `/summary on [NAME…]` · `/summary off` · `/summary status`

pub mod config;
pub mod state;
pub mod store;

use std::sync::Arc;

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::community::Community;
use crate::engine::Engine;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::features::{Command, Feature, FeatureId, Observed, PromptFile};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::llm::{self, CallError, ChatRequest, Use, fill, language_name};
use crate::message::{ChatKind, Outgoing};
use crate::rich::RichText;
use crate::store::StoreError;

pub use config::SummaryConfig;
use state::SummaryState;
use store::{ChatSummary, KeptMessage, OptedChat};

/// The summary feature.
pub static FEATURE: Feature = Feature {
    requires: &[FeatureId::Digest],
    commands: COMMANDS,
    observe: Some(observe),
    due: Some(flush),
    state: Some(|_| Arc::new(SummaryState::default())),
    digest: Some(section),
    ..Feature::new(
        FeatureId::Summary,
        PromptFile {
            zh: include_str!("../../../prompts/zh/summary.ftl"),
            en: include_str!("../../../prompts/en/summary.ftl"),
        },
    )
};

/// The summary SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The summary SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// What the digest calls the chat (default: `platform:chat_id`).
const NAME: ArgSpec = ArgSpec::optional("NAME", ArgKind::Rest);

/// Characters of a chat's name.
const MAX_NAME_CHARS: usize = 40;
/// Characters of a summary shown.
const MAX_SUMMARY_CHARS: usize = 1500;
/// Days summaries are kept.
const KEEP_SUMMARIES_DAYS: i64 = 30;

const SYSTEM: &str = include_str!("../../../prompts/llm/summary.system.txt");
const USER: &str = include_str!("../../../prompts/llm/summary.user.txt");

/// The summary commands.
const COMMANDS: &[Command] = &[
    Command {
        name: "summary",
        sub: Some("on"),
        aliases: &["开启摘要"],
        permission: Permission::Moderator,
        args: &[NAME],
        run: Handler(on),
    },
    Command {
        name: "summary",
        sub: Some("off"),
        aliases: &["关闭摘要"],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(off),
    },
    Command {
        name: "summary",
        sub: Some("status"),
        aliases: &["摘要状态"],
        permission: Permission::Member,
        args: &[],
        run: Handler(status),
    },
];

/// Keeps the text of a message in an opted-in group chat for the next
/// group commit. Costs nothing else: a direct chat, a community without a
/// model or a chat not opted in returns at once.
fn observe<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        if chat.kind != ChatKind::Group || !ctx.engine.config().llm.enabled {
            return Observed::default();
        }
        let Some(state) = ctx.engine.state::<SummaryState>() else { return Observed::default() };
        if !state.opted_in(ctx.engine.store(), chat.platform, &chat.id).await {
            return Observed::default();
        }
        let config = &ctx.community.features.summary;
        let max = usize::try_from(config.max_message_chars).unwrap_or(300);
        let text: String = ctx.msg.text.trim().chars().take(max).collect();
        state.keep(KeptMessage {
            community: ctx.community.id.clone(),
            platform: chat.platform,
            chat_id: chat.id.clone(),
            day: ctx.now.with_timezone(&ctx.community.tz).format("%Y-%m-%d").to_string(),
            at: ctx.now,
            text,
        });
        Observed::default()
    })
}

/// The group commit of kept messages, and (hourly) the deletion of those
/// older than `keep_days` and of old summaries.
fn flush(engine: &Engine, _: crate::features::Due) -> BoxFuture<'_, Vec<Outgoing>> {
    Box::pin(async move {
        let Some(state) = engine.state::<SummaryState>() else { return Vec::new() };
        let cap = |id: &str| {
            engine
                .communities()
                .get(id)
                .map_or(SummaryConfig::default().max_messages_per_day, |c| c.features.summary.max_messages_per_day)
        };
        state.flush(engine.store(), cap).await;
        let now = engine.now();
        if state.prune_due(now) {
            let mut communities: Vec<String> = engine
                .store()
                .summary()
                .summary_all_chats()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.community)
                .collect();
            communities.sort();
            communities.dedup();
            for id in communities {
                let keep = engine.communities().get(&id).map_or(2, |c| c.features.summary.keep_days);
                let before = now - chrono::Duration::days(keep);
                let texts = now - chrono::Duration::days(KEEP_SUMMARIES_DAYS);
                if let Err(e) = engine.store().summary().summary_prune(&id, before, texts).await {
                    tracing::error!(error = %e, community = %id, "could not delete old kept messages");
                }
            }
        }
        Vec::new()
    })
}

fn group_only(ctx: &Ctx<'_>) -> Result<(), CommandError> {
    if ctx.msg.chat.kind == ChatKind::Group {
        Ok(())
    } else {
        Err(CommandError::member("summary-group-only", Args::new()))
    }
}

/// `/summary on [NAME…]`: opts the chat in and announces it there.
fn on<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        group_only(ctx)?;
        if llm::model_of(ctx.engine).is_none() {
            return Err(CommandError::member("summary-no-model", Args::new()));
        }
        let chat = &ctx.msg.chat;
        let label = match cmd.text(&NAME)?.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() > MAX_NAME_CHARS => {
                return Err(CommandError::member(
                    "summary-name-too-long",
                    Args::new().num("max", MAX_NAME_CHARS as i64),
                ));
            }
            Some(n) => n.to_owned(),
            None => chat.key(),
        };
        let opted = OptedChat {
            community: ctx.community.id.clone(),
            platform: chat.platform,
            chat_id: chat.id.clone(),
            label: label.clone(),
            enabled_by: format!("{}:{}", chat.platform, ctx.msg.sender.id),
            enabled_at: ctx.now,
        };
        if !ctx.store().summary().summary_opt_in(&opted).await? {
            return Err(CommandError::member("summary-already-on", Args::new()));
        }
        ctx.state::<SummaryState>()?.set(chat.platform, &chat.id, true);
        let config = &ctx.community.features.summary;
        let args = Args::new()
            .str("name", label)
            .str("by", ctx.msg.sender.name.clone())
            .num("days", config.keep_days)
            .num("cap", config.max_messages_per_day);
        // An announcement to everyone in the chat, not a reply to the moderator.
        Ok(vec![Outgoing::post(chat.clone(), ctx.text("summary-announce", &args))])
    })
}

/// `/summary off`: opts the chat out; its kept messages are deleted.
fn off<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        group_only(ctx)?;
        let chat = &ctx.msg.chat;
        ctx.state::<SummaryState>()?.set(chat.platform, &chat.id, false);
        let done = ctx.store().summary().summary_opt_out(chat.platform, &chat.id).await?;
        Ok(vec![ctx.reply(if done { "summary-off" } else { "summary-off-none" }, &Args::new())])
    })
}

/// `/summary status`: whether this chat is summarized, what is kept, and
/// the model's state (budget, latest problem).
fn status<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        let mut body = if chat.kind != ChatKind::Group {
            ctx.text("summary-status-direct", &Args::new())
        } else {
            ctx.engine.flush_pending_writes().await;
            match ctx.store().summary().summary_chat(chat.platform, &chat.id).await? {
                Some(c) => {
                    let day = ctx.now.with_timezone(&ctx.community.tz).format("%Y-%m-%d").to_string();
                    let kept = ctx.store().summary().summary_count_on(chat.platform, &chat.id, &day).await?;
                    let at = c.enabled_at.with_timezone(&ctx.community.tz).format("%Y-%m-%d %H:%M").to_string();
                    let args = Args::new()
                        .str("name", c.label)
                        .str("at", at)
                        .num("kept", kept)
                        .num("cap", ctx.community.features.summary.max_messages_per_day);
                    ctx.text("summary-status-on", &args)
                }
                None => ctx.text("summary-status-off", &Args::new()),
            }
        };
        body.append(model_status(ctx).await?);
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// The model's part of a status: off, or on with today's tokens and the
/// latest problem summarizing.
async fn model_status(ctx: &Ctx<'_>) -> Result<RichText, StoreError> {
    let Some(model) = llm::model_of(ctx.engine) else { return Ok(ctx.text("summary-status-no-model", &Args::new())) };
    let spent = llm::spent_today(ctx.engine, ctx.community).await?;
    let args =
        Args::new().str("model", model.model()).num("spent", spent).num("budget", ctx.community.llm_daily_tokens);
    let mut text = ctx.text("summary-status-model", &args);
    if let Some((at, why)) = model.last_problem(&ctx.community.id, Use::Summary) {
        let at = at.with_timezone(&ctx.community.tz).format("%Y-%m-%d %H:%M").to_string();
        text.append(ctx.text("summary-status-problem", &Args::new().str("at", at).str("why", why)));
    }
    Ok(text)
}

/// The transcript the model reads: one line per message with its time,
/// oldest first, the latest that fit in `max_chars`.
pub fn transcript(messages: &[KeptMessage], tz: chrono_tz::Tz, max_chars: usize) -> (String, usize) {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0;
    for m in messages.iter().rev() {
        let line = format!("[{}] {}", m.at.with_timezone(&tz).format("%H:%M"), m.text.replace('\n', " "));
        let n = line.chars().count() + 1;
        if used + n > max_chars {
            break;
        }
        used += n;
        lines.push(line);
    }
    lines.reverse();
    let count = lines.len();
    (lines.join("\n"), count)
}

/// The request that summarizes `messages` of a chat called `chat`.
pub fn summary_request(community: &Community, chat: &str, messages: &[KeptMessage], max_tokens: i64) -> ChatRequest {
    let config = &community.features.summary;
    let max_chars = usize::try_from(config.max_input_chars).unwrap_or(12_000);
    let (lines, count) = transcript(messages, community.tz, max_chars);
    let language = language_name(community.locale);
    ChatRequest {
        system: fill(SYSTEM, &[("language", language)]),
        user: fill(
            USER,
            &[("language", language), ("chat", chat), ("count", &count.to_string()), ("messages", &lines)],
        ),
        max_tokens,
    }
}

/// The summary of a chat's period: the one made today from as many
/// messages, else a new one from the model (stored); `None` without a
/// model, with the budget spent, or when the model fails (noted).
async fn summarize(
    d: &DigestCtx<'_>,
    chat: &OptedChat,
    messages: &[KeptMessage],
    day: &str,
) -> Result<Option<ChatSummary>, StoreError> {
    let store = d.engine.store().summary();
    let count = i64::try_from(messages.len()).unwrap_or(i64::MAX);
    if let Some(s) = store.summary_text(chat.platform, &chat.chat_id, day).await?.filter(|s| s.messages == count) {
        return Ok(Some(s));
    }
    let Some(model) = llm::model_of(d.engine) else { return Ok(None) };
    let req = summary_request(d.community, &chat.label, messages, d.engine.config().llm.max_tokens);
    match llm::complete(d.engine, d.community, Use::Summary, &req).await {
        Ok(c) => {
            let text: String = c.text.trim().chars().take(MAX_SUMMARY_CHARS).collect();
            if text.is_empty() {
                model.note(&d.community.id, Use::Summary, d.now, "the model's answer was empty".into());
                return Ok(None);
            }
            let s = ChatSummary { messages: count, summary: text, model: model.model().to_owned() };
            store.summary_put_text(&d.community.id, chat.platform, &chat.chat_id, day, &s, d.now).await?;
            Ok(Some(s))
        }
        Err(CallError::Store(e)) => Err(e),
        Err(e) => {
            tracing::info!(chat = %chat.label, error = %e, "no summary of the chat's day");
            Ok(None)
        }
    }
}

/// The digest's "chat summaries" section: each opted-in chat of the
/// community with enough messages in the period, summarized by the model
/// and marked as such.
fn section<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let chats: Vec<OptedChat> = d
            .engine
            .store()
            .summary()
            .summary_all_chats()
            .await?
            .into_iter()
            .filter(|c| c.community == d.community.id)
            .collect();
        if chats.is_empty() {
            return Ok(None);
        }
        let config = &d.community.features.summary;
        let day = d.now.with_timezone(&d.community.tz).format("%Y-%m-%d").to_string();
        let mut parts = Vec::new();
        let mut models: Vec<String> = Vec::new();
        for chat in &chats {
            let messages = d
                .engine
                .store()
                .summary()
                .summary_messages(chat.platform, &chat.chat_id, d.since, config.max_messages_per_day * 2)
                .await?;
            if i64::try_from(messages.len()).unwrap_or(i64::MAX) < config.min_messages {
                continue;
            }
            let Some(s) = summarize(d, chat, &messages, &day).await? else { continue };
            if !models.contains(&s.model) {
                models.push(s.model.clone());
            }
            let mut part =
                d.text("summary-digest-chat", &Args::new().str("name", chat.label.clone()).num("count", s.messages));
            part.append(RichText::plain(&s.summary));
            parts.push(part);
        }
        if parts.is_empty() {
            return Ok(None);
        }
        let mut body = d.text("summary-digest", &Args::new().str("model", models.join(", ")));
        for p in parts {
            body.append(p);
        }
        Ok(Some(body))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};

    fn kept(minute: i64, text: &str) -> KeptMessage {
        KeptMessage {
            community: "c".into(),
            platform: crate::message::Platform::Telegram,
            chat_id: "1".into(),
            day: "2026-12-01".into(),
            at: DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minute),
            text: text.into(),
        }
    }

    #[test]
    fn the_transcript_keeps_the_latest_lines_that_fit() {
        let ms = [kept(0, "first\nline"), kept(1, "second"), kept(2, "third")];
        let (all, n) = transcript(&ms, chrono_tz::UTC, 1000);
        assert_eq!((all.as_str(), n), ("[00:00] first line\n[00:01] second\n[00:02] third", 3));
        let (latest, n) = transcript(&ms, chrono_tz::UTC, 30);
        assert_eq!((latest.as_str(), n), ("[00:01] second\n[00:02] third", 2));
    }
}
