//! Linking accounts across platforms into one member: `/link` hands out a
//! one-time code (by direct message when asked in a group, so nobody else
//! can redeem it), `/link CODE` on another account merges that account, with
//! its history, into the code's member. Wrong codes are limited per member
//! (5 in 10 minutes), so codes cannot be guessed.
//!
//! Grammar: `/link` · `/link CODE`

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use std::sync::Arc;

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::{Command, Feature, FeatureId, PromptFile, merge_hooks};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::message::{ChatKind, Outgoing};
use crate::store::LinkOutcome;

/// The link feature: always on.
pub static FEATURE: Feature = Feature {
    commands: COMMANDS,
    state: Some(|_| Arc::new(Guesses::default())),
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

/// How long a code stays valid.
pub const CODE_TTL_MINUTES: i64 = 10;

/// Letters and digits that cannot be confused with each other when copied
/// by hand (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 6;

/// Wrong codes a member may try within [`GUESS_WINDOW_MINUTES`].
pub const MAX_WRONG_CODES: usize = 5;
/// The window for [`MAX_WRONG_CODES`].
pub const GUESS_WINDOW_MINUTES: i64 = 10;

/// Recent wrong codes per member, on this instance. Six characters from 31
/// give 887 million codes; five tries per ten minutes (a code's life) make
/// guessing one hopeless even across several instances and accounts.
#[derive(Debug, Default)]
pub struct Guesses(std::sync::Mutex<std::collections::HashMap<crate::store::MemberId, Vec<DateTime<Utc>>>>);

impl Guesses {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<crate::store::MemberId, Vec<DateTime<Utc>>>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// When `member` may try again, if they have used up their tries.
    fn blocked_until(&self, member: crate::store::MemberId, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let window = Duration::minutes(GUESS_WINDOW_MINUTES);
        let mut map = self.lock();
        let tries = map.get_mut(&member)?;
        tries.retain(|t| *t + window > now && *t <= now);
        (tries.len() >= MAX_WRONG_CODES).then(|| tries.iter().min().map_or(now, |t| *t + window))
    }

    fn record(&self, member: crate::store::MemberId, now: DateTime<Utc>) {
        let mut map = self.lock();
        if map.len() > 100_000 {
            let window = Duration::minutes(GUESS_WINDOW_MINUTES);
            map.retain(|_, tries| tries.iter().any(|t| *t + window > now));
        }
        map.entry(member).or_default().push(now);
    }
}

/// The link commands.
const COMMANDS: &[Command] = &[Command {
    name: "link",
    sub: None,
    aliases: &["关联", "绑定"],
    permission: Permission::Member,
    args: &[CODE],
    run: Handler(link),
}];

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN).map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])).collect()
}

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
    Ok(vec![dm, ctx.reply("link-code-sent", &Args::new())])
}

async fn redeem(ctx: &Ctx<'_>, code: &str) -> CommandResult {
    let typed = code.trim();
    let code = typed.to_uppercase();
    if code.chars().count() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err(CommandError::member("link-bad-code", Args::new().str("code", typed)));
    }
    let guesses = ctx.state::<Guesses>()?;
    if let Some(until) = guesses.blocked_until(ctx.member.id, ctx.now) {
        let minutes = ((until - ctx.now).num_seconds() + 59) / 60;
        return Err(CommandError::member("link-too-many-codes", Args::new().num("minutes", minutes.max(1))));
    }
    let outcome =
        ctx.store().links().redeem_link_code(&ctx.community.id, &code, ctx.member.id, ctx.now, &merge_hooks()).await?;
    if matches!(outcome, LinkOutcome::Unknown | LinkOutcome::Expired) {
        guesses.record(ctx.member.id, ctx.now);
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
