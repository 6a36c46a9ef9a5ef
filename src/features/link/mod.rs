//! Linking accounts across platforms into one member: `/link` hands out a
//! one-time code (by direct message when asked in a group, so nobody else
//! can redeem it), `/link CODE` on another account merges that account, with
//! its history, into the code's member. Wrong codes are limited per member
//! (5 in 10 minutes), so codes cannot be guessed.
//!
//! Grammar: `/link` · `/link CODE`

pub mod codes;

use std::sync::Arc;

use chrono::Duration;

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::{Command, Feature, FeatureId, PromptFile, merge_hooks};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::message::{ChatKind, Outgoing};
use crate::store::{LinkOutcome, MemberId};

/// The link feature: always on.
pub static FEATURE: Feature = Feature {
    commands: COMMANDS,
    state: Some(|_| Arc::new(Guesses::<MemberId>::default())),
    ..Feature::new(
        FeatureId::Link,
        PromptFile {
            zh: include_str!("../../../prompts/zh/link.ftl"),
            en: include_str!("../../../prompts/en/link.ftl"),
        },
    )
};

/// A code from the other account.
const CODE: ArgSpec = ArgSpec::optional("CODE", ArgKind::Word);

pub use codes::{CODE_TTL_MINUTES, GUESS_WINDOW_MINUTES, MAX_WRONG_CODES};
use codes::{Guesses, new_code};

/// The link commands.
const COMMANDS: &[Command] = &[Command {
    name: "link",
    sub: None,
    aliases: &["关联", "绑定"],
    permission: Permission::Member,
    args: &[CODE],
    run: Handler(link),
}];

fn link<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        match cmd.text(&CODE)? {
            None => issue(ctx).await,
            Some(code) => redeem(ctx, code).await,
        }
    })
}

async fn issue(ctx: &Ctx<'_>) -> CommandResult {
    let expires = ctx.now + Duration::minutes(CODE_TTL_MINUTES);
    let mut code = new_code();
    let mut tries = 0;
    while !ctx.store().links().put_link_code(&ctx.community.id, &code, ctx.member.id, ctx.now, expires).await? {
        tries += 1;
        if tries > 5 {
            return Err(CommandError::internal("six link codes in a row were already taken"));
        }
        code = new_code();
    }
    let args = Args::new().str("code", code).num("minutes", CODE_TTL_MINUTES);
    if ctx.msg.chat.kind == ChatKind::Private {
        return Ok(vec![ctx.reply("link-code", &args)]);
    }
    // In a group anyone could copy the code and attach their account to this
    // member, so the code goes by direct message.
    let dm = Outgoing::direct(ctx.msg.chat.platform, ctx.msg.sender.id.clone(), ctx.text("link-code", &args));
    // Said in a group only once the code is really in their DMs.
    Ok(vec![dm.and_then(ctx.reply("link-code-sent", &Args::new()))])
}

async fn redeem(ctx: &Ctx<'_>, code: &str) -> CommandResult {
    let typed = code.trim();
    let code = typed.to_uppercase();
    if !codes::looks_like_code(&code) {
        return Err(CommandError::member("link-bad-code", Args::new().str("code", typed)));
    }
    let guesses = ctx.state::<Guesses<MemberId>>()?;
    if let Some(until) = guesses.blocked_until(&ctx.member.id, ctx.now) {
        let minutes = ((until - ctx.now).num_seconds() + 59) / 60;
        return Err(CommandError::member("link-too-many-codes", Args::new().num("minutes", minutes.max(1))));
    }
    let outcome =
        ctx.store().links().redeem_link_code(&ctx.community.id, &code, ctx.member.id, ctx.now, &merge_hooks()).await?;
    if matches!(outcome, LinkOutcome::Unknown | LinkOutcome::Expired) {
        guesses.record(&ctx.member.id, ctx.now);
    }
    match outcome {
        LinkOutcome::Linked { kept, merged } => {
            ctx.engine.forget_members(&[kept, merged]);
            let accounts = ctx.store().members().accounts(kept).await?;
            let list: Vec<String> = accounts.iter().map(|a| format!("{}: {}", a.platform, a.display_name)).collect();
            Ok(vec![ctx.reply(
                "link-done",
                &Args::new().num("id", kept.0).num("count", accounts.len() as i64).str("accounts", list.join(", ")),
            )])
        }
        LinkOutcome::AlreadyLinked => Err(CommandError::member("link-own-code", Args::new())),
        LinkOutcome::Unknown => Err(CommandError::member("link-unknown-code", Args::new().str("code", code))),
        LinkOutcome::Expired => {
            Err(CommandError::member("link-expired-code", Args::new().num("minutes", CODE_TTL_MINUTES)))
        }
    }
}
