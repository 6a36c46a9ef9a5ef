//! The community commands, and what happens in a group chat that belongs to
//! no community (`unbound`): `/community add CODE` registers it, anything
//! else gets one notice saying how.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

use super::store::RegisterOutcome;
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, ParseError, Permission};
use crate::engine::Engine;
use crate::features::core::where_text;
use crate::features::link::codes::{self, CODE_TTL_MINUTES, Guesses};
use crate::features::{Command, registry};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Locale};
use crate::message::{ChatKind, Incoming, Outgoing};
use crate::store::StoreError;

/// A registration code.
const CODE: ArgSpec = ArgSpec::required("CODE", ArgKind::Word);

/// How often a chat of no community is reminded, at most, when someone
/// sends it a command (plain chat gets the notice once, ever).
const REMIND_EVERY_MINUTES: i64 = 10;

/// The community commands.
pub(super) const COMMANDS: &[Command] = &[
    Command {
        name: "community",
        sub: Some("code"),
        aliases: &["社区码"],
        permission: Permission::Admin,
        args: &[],
        run: Handler(code),
    },
    Command {
        name: "community",
        sub: Some("add"),
        aliases: &["加入社区"],
        permission: Permission::Member,
        args: &[CODE],
        run: Handler(add_here_already),
    },
    Command {
        name: "community",
        sub: Some("remove"),
        aliases: &["移出社区"],
        permission: Permission::Admin,
        args: &[],
        run: Handler(remove),
    },
    Command {
        name: "community",
        sub: Some("chats"),
        aliases: &["社区群"],
        permission: Permission::Admin,
        args: &[],
        run: Handler(chats),
    },
];

/// The feature's state on one engine.
#[derive(Debug, Default)]
pub(super) struct State {
    /// Wrong codes per chat (`/community add` in a chat of no community).
    guesses: Guesses<String>,
    /// When each chat of no community was last told how to join one.
    noticed: Mutex<HashMap<String, DateTime<Utc>>>,
}

/// `/community code`: a single-use code, by direct message.
fn code<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let expires = ctx.now + Duration::minutes(CODE_TTL_MINUTES);
        let mut code = codes::new_code();
        let mut tries = 0;
        let store = ctx.store().community();
        while !store.put_registration_code(&ctx.community.id, &code, ctx.member.id, ctx.now, expires).await? {
            tries += 1;
            if tries > 5 {
                return Err(CommandError::internal("six registration codes in a row were already taken"));
            }
            code = codes::new_code();
        }
        let args =
            Args::new().str("code", code).num("minutes", CODE_TTL_MINUTES).str("community", ctx.community.name.clone());
        let text = ctx.text("community-code", &args);
        if ctx.msg.chat.kind == ChatKind::Private {
            return Ok(vec![Outgoing::reply(ctx.msg, text)]);
        }
        // Whoever reads the code could add their own group: it goes privately.
        let dm = Outgoing::direct(ctx.msg.chat.platform, ctx.msg.sender.id.clone(), text);
        Ok(vec![dm.and_then(ctx.reply("community-code-sent", &Args::new()))])
    })
}

/// `/community add CODE` in a chat that already belongs to a community.
fn add_here_already<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        if ctx.msg.chat.kind == ChatKind::Private {
            return Err(CommandError::member("community-group-only", Args::new()));
        }
        Err(CommandError::member("community-add-already", Args::new().str("community", ctx.community.name.clone())))
    })
}

/// `/community remove`: a registered chat leaves its community.
fn remove<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        if chat.kind == ChatKind::Private {
            return Err(CommandError::member("community-group-only", Args::new()));
        }
        if ctx.engine.communities().listed(chat).is_some() {
            return Err(CommandError::member("community-remove-listed", Args::new().str("chat", chat.key())));
        }
        if !ctx.store().community().unregister_chat(&ctx.community.id, chat.platform, &chat.id).await? {
            return Err(CommandError::member("community-remove-not-registered", Args::new()));
        }
        ctx.engine.chat_registered(chat, None);
        Ok(vec![ctx.reply("community-removed", &Args::new().str("community", ctx.community.name.clone()))])
    })
}

/// `/community chats`: the chats listed in the config and registered.
fn chats<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let listed = ctx.engine.communities().listed_chats(&ctx.community.id);
        let registered = ctx.store().community().registered_chats(&ctx.community.id).await?;
        let mut lines: Vec<String> = listed
            .iter()
            .map(|c| ctx.text("community-chat-listed", &Args::new().str("chat", c.clone())).to_plain())
            .collect();
        for r in &registered {
            let at = r.at.with_timezone(&ctx.community.tz).format("%Y-%m-%d").to_string();
            let chat = format!("{}:{}", r.platform, r.chat_id);
            let args = Args::new().str("chat", chat).num("by", r.by.0).str("at", at);
            lines.push(ctx.text("community-chat-registered", &args).to_plain());
        }
        let mut body = ctx.text(
            "community-chats",
            &Args::new().str("community", ctx.community.name.clone()).num("count", lines.len() as i64),
        );
        body.append(crate::rich::RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// A message in a group chat that belongs to no community.
pub(super) fn unbound<'a>(engine: &'a Engine, msg: &'a Incoming) -> BoxFuture<'a, Vec<Outgoing>> {
    Box::pin(async move {
        if msg.chat.kind != ChatKind::Group {
            return Vec::new();
        }
        let locale = engine.communities().default_community().locale;
        let say = |key: &str, args: &Args| vec![Outgoing::reply(msg, engine.prompts().format(locale, key, args))];
        let outcome = match registry().parse(msg, &engine.bot_name) {
            Ok(cmd) if cmd.spec.name == "community" && cmd.spec.sub == Some("add") => match cmd.required_text(&CODE) {
                Ok(code) => add_here(engine, msg, code, locale).await,
                Err(e) => Err(StoreError::Corrupt(e.to_string())),
            },
            // The group's own admins may learn its id, to list it in the config.
            Ok(cmd) if cmd.spec.name == "whereami" && msg.sender.is_platform_admin => {
                Ok(vec![Outgoing::reply(msg, where_text(engine.prompts(), locale, msg, None))])
            }
            // Plain chat: told once, ever.
            Err(ParseError::NotACommand) => notice(engine, msg, false)
                .await
                .map(|n| n.then(|| say_notice(engine, msg, locale)))
                .map(Option::unwrap_or_default),
            // A command for the bot: told again, now and then.
            _ => notice(engine, msg, true)
                .await
                .map(|n| n.then(|| say_notice(engine, msg, locale)))
                .map(Option::unwrap_or_default),
        };
        match outcome {
            Ok(out) => out,
            Err(e) => {
                tracing::error!(error = %e, chat = %msg.chat.key(), "chat of no community: could not answer");
                if msg.text.trim_start().starts_with(['/', '!', '／', '！']) {
                    say("error-internal", &Args::new())
                } else {
                    Vec::new()
                }
            }
        }
    })
}

/// The notice that this chat belongs to no community, and how to add it.
fn say_notice(engine: &Engine, msg: &Incoming, locale: Locale) -> Vec<Outgoing> {
    let args = Args::new().str("chat", msg.chat.key());
    vec![Outgoing::post(msg.chat.clone(), engine.prompts().format(locale, "community-unknown-chat", &args))]
}

/// Whether to tell the chat now: plain chat the first time ever (durably,
/// across restarts and instances), commands at most every ten minutes.
async fn notice(engine: &Engine, msg: &Incoming, command: bool) -> Result<bool, StoreError> {
    let Some(state) = engine.state::<State>() else { return Ok(false) };
    let now = engine.now();
    let key = msg.chat.key();
    {
        let mut noticed = state.noticed.lock().unwrap_or_else(PoisonError::into_inner);
        match noticed.get(&key) {
            Some(at) if !command || now - *at < Duration::minutes(REMIND_EVERY_MINUTES) => return Ok(false),
            _ => {
                if noticed.len() > 100_000 {
                    noticed.clear();
                }
                if !noticed.contains_key(&key) {
                    let title = msg.chat.title.as_deref().unwrap_or("");
                    tracing::info!(chat = %key, title, "a message in a group chat that belongs to no community");
                }
                noticed.insert(key, now);
            }
        }
    }
    let first = engine.store().community().first_notice(msg.chat.platform, &msg.chat.id, now).await?;
    Ok(first || command)
}

/// `/community add CODE` in a chat of no community: the chat joins the
/// code's community when the code is valid and the sender is the admin who
/// asked for it (any of their linked accounts).
async fn add_here(engine: &Engine, msg: &Incoming, typed: &str, locale: Locale) -> Result<Vec<Outgoing>, StoreError> {
    let say =
        |locale: Locale, key: &str, args: Args| vec![Outgoing::reply(msg, engine.prompts().format(locale, key, &args))];
    let Some(state) = engine.state::<State>() else { return Ok(Vec::new()) };
    let now = engine.now();
    let chat = msg.chat.key();
    let code = typed.trim().to_uppercase();
    if !codes::looks_like_code(&code) {
        return Ok(say(locale, "community-bad-code", Args::new().str("code", typed.trim())));
    }
    if let Some(until) = state.guesses.blocked_until(&chat, now) {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        return Ok(say(locale, "community-too-many-codes", Args::new().num("minutes", minutes.max(1))));
    }
    let store = engine.store();
    let found = store.community().registration_code(&code).await?;
    let Some(found) = found.filter(|f| f.expires_at >= now) else {
        state.guesses.record(&chat, now);
        return Ok(say(locale, "community-unknown-code", Args::new().str("code", code)));
    };
    let Some(community) = engine.communities().get(&found.community) else {
        return Ok(say(locale, "community-unknown-code", Args::new().str("code", code)));
    };
    let sender = store.members().find_account(&community.id, msg.chat.platform, &msg.sender.id).await?;
    if sender.is_none_or(|m| m.id != found.member) {
        return Ok(say(community.locale, "community-code-not-yours", Args::new()));
    }
    let args = Args::new().str("community", community.name.clone());
    match store.community().register_chat(&code, msg.chat.platform, &msg.chat.id, now).await? {
        RegisterOutcome::Registered => {
            engine.chat_registered(&msg.chat, Some(community.id.clone()));
            tracing::info!(chat = %chat, community = %community.id, "chat registered into a community");
            Ok(say(community.locale, "community-added", args))
        }
        RegisterOutcome::CodeGone => Ok(say(community.locale, "community-unknown-code", Args::new().str("code", code))),
        RegisterOutcome::AlreadyRegistered(_) => Ok(say(community.locale, "community-add-already", args)),
    }
}
