//! Core commands every community has: `/help`, `/ping`, `/whoami`, `/lang`,
//! and the replies to command lines that could not be parsed.
//!
//! Grammar: `/help [COMMAND]` · `/ping` · `/whoami` · `/lang [zh|en|default]`

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, ParseError, Permission};
use crate::features::{Command, Feature, FeatureId, PromptFile, all_commands, feature_of};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Locale, Prompts};
use crate::message::{ChatKind, Incoming, Outgoing};
use crate::rich::RichText;
use crate::store::Member;

/// The core feature: always on.
pub static FEATURE: Feature = Feature {
    commands: COMMANDS,
    ..Feature::new(
        FeatureId::Core,
        PromptFile {
            zh: include_str!("../../../prompts/zh/core.ftl"),
            en: include_str!("../../../prompts/en/core.ftl"),
        },
    )
};

/// A command to explain.
const COMMAND: ArgSpec = ArgSpec::optional("COMMAND", ArgKind::Word);
/// Whom to look up.
const WHO: ArgSpec = ArgSpec::required("MEMBER", ArgKind::Member);
/// The language to speak.
const LANG: ArgSpec = ArgSpec::optional("LANG", ArgKind::Word);

/// The core commands.
const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        sub: None,
        aliases: &["帮助", "h"],
        permission: Permission::Member,
        args: &[COMMAND],
        run: Handler(help),
    },
    Command { name: "ping", sub: None, aliases: &[], permission: Permission::Member, args: &[], run: Handler(ping) },
    Command {
        name: "whoami",
        sub: None,
        aliases: &["我"],
        permission: Permission::Member,
        args: &[],
        run: Handler(whoami),
    },
    Command {
        name: "whereami",
        sub: None,
        aliases: &["这是哪"],
        permission: Permission::Member,
        args: &[],
        run: Handler(whereami),
    },
    Command {
        name: "whois",
        sub: None,
        aliases: &["查人"],
        permission: Permission::Moderator,
        args: &[WHO],
        run: Handler(whois),
    },
    Command {
        name: "lang",
        sub: None,
        aliases: &["语言", "language"],
        permission: Permission::Member,
        args: &[LANG],
        run: Handler(lang),
    },
];

fn help<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        if let Some(wanted) = cmd.text(&COMMAND)? {
            let wanted = wanted.trim_start_matches(['/', '!']).to_lowercase();
            let matching: Vec<&Command> =
                all_commands().filter(|c| c.name == wanted || c.aliases.contains(&wanted.as_str())).collect();
            if matching.is_empty() {
                return Err(CommandError::member("help-no-such-command", Args::new().str("name", wanted)));
            }
            let mut body = RichText::default();
            for c in matching {
                body.append(command_detail(ctx, c));
            }
            return Ok(vec![Outgoing::reply(ctx.msg, body)]);
        }
        let role = ctx.engine.prompts().plain(ctx.locale, ctx.role.prompt_key());
        let mut lines = String::new();
        let on = |c: &&Command| feature_of(c).is_some_and(|f| ctx.community.features.is_on(f.id));
        for c in all_commands().filter(|c| c.permission <= ctx.role).filter(on) {
            let summary = ctx.engine.prompts().plain(ctx.locale, &c.summary_key());
            lines.push_str(&format!("- `{}` — {summary}\n", usage(ctx.engine.prompts(), ctx.locale, c)));
        }
        let mut body = ctx.text("help-header", &Args::new().str("role", role));
        // The list is built from the registry; its pieces are our own text.
        body.append(RichText::from_markup(&lines, &[]));
        body.append(ctx.text("help-footer", &Args::new()));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// `/help NAME` for one command: usage, what it does, aliases, who may use it.
fn command_detail(ctx: &Ctx<'_>, c: &Command) -> RichText {
    let aliases = if c.aliases.is_empty() {
        "—".to_owned()
    } else {
        c.aliases.iter().map(|a| format!("/{a}")).collect::<Vec<_>>().join(" ")
    };
    ctx.text(
        "help-command",
        &Args::new()
            .str("usage", usage(ctx.engine.prompts(), ctx.locale, c))
            .str("summary", ctx.engine.prompts().plain(ctx.locale, &c.summary_key()))
            .str("aliases", aliases)
            .str("role", ctx.engine.prompts().plain(ctx.locale, c.permission.prompt_key())),
    )
}

fn ping<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move { Ok(vec![ctx.reply("ping-pong", &Args::new())]) })
}

fn whoami<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let role = ctx.engine.prompts().plain(ctx.locale, ctx.role.prompt_key());
        let body = profile(ctx, &ctx.member, &ctx.msg.sender.name, &role).await?;
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// `/whois @member`: a moderator looks up who is behind an account, with
/// every account linked to them.
fn whois<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let mention = cmd.required_member(&WHO)?;
        let found =
            ctx.store().members().find_account(&ctx.community.id, ctx.msg.chat.platform, &mention.user_id).await?;
        let Some(member) = found else {
            return Err(CommandError::member("whois-unknown", Args::new().str("name", mention.name.clone())));
        };
        let role = ctx.community.role_for(ctx.msg.chat.platform, &mention.user_id, false);
        let role = ctx.engine.prompts().plain(ctx.locale, role.prompt_key());
        let body = profile(ctx, &member, &member.display_name, &role).await?;
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// `/whereami`: what an operator needs to list this chat and this person in
/// the config. Moderators in a group (anyone in a direct chat).
fn whereami<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        if chat.kind == ChatKind::Group && ctx.role < Permission::Moderator {
            let role = ctx.engine.prompts().plain(ctx.locale, Permission::Moderator.prompt_key());
            return Err(CommandError::member("whereami-moderators", Args::new().str("role", role)));
        }
        let community = format!("{} ({})", ctx.community.name, ctx.community.id);
        Ok(vec![Outgoing::reply(ctx.msg, where_text(ctx.engine.prompts(), ctx.locale, ctx.msg, Some(&community)))])
    })
}

/// The `/whereami` card: the chat as `platform:chat_id` (what `chats = [...]`
/// takes), its title, its community (or none), and the sender as
/// `platform:user_id` (what `moderators = [...]` takes).
pub fn where_text(prompts: &crate::i18n::Prompts, locale: Locale, msg: &Incoming, community: Option<&str>) -> RichText {
    let title = msg.chat.title.clone().unwrap_or_else(|| "—".to_owned());
    let kind = if msg.chat.kind == ChatKind::Group { "whereami-group" } else { "whereami-private" };
    let community = match community {
        Some(c) => c.to_owned(),
        None => prompts.plain(locale, "whereami-no-community"),
    };
    let args = Args::new()
        .str("kind", prompts.plain(locale, kind))
        .str("chat", msg.chat.key())
        .str("title", title)
        .str("community", community)
        .str("you", format!("{}:{}", msg.chat.platform, msg.sender.id));
    prompts.format(locale, "whereami", &args)
}

/// A command's usage line as members read it in `locale`: arguments under
/// their display names (`arg-NAME` prompts: `@成员 数量 原因…`) and the
/// choices of that language (`[周|月|总]`, `[week|month|all]`; both are
/// accepted either way).
pub fn usage(prompts: &Prompts, locale: Locale, spec: &Command) -> String {
    spec.usage_with(|a| arg_name(prompts, locale, a.name), |options| choices_in(locale, options).join("|"))
}

/// An argument's display name in `locale` (`REASON` → 原因 / REASON).
pub fn arg_name(prompts: &Prompts, locale: Locale, name: &str) -> String {
    prompts.plain(locale, &arg_key(name))
}

/// The prompt key of an argument's display name: `arg-` and the name in
/// lower case.
pub fn arg_key(name: &str) -> String {
    format!("arg-{}", name.to_ascii_lowercase())
}

/// The choices of a list that belong to `locale`: the Chinese words for
/// Chinese, the ASCII ones for English; all of them when the list has none
/// of that language (`on|off`).
pub fn choices_in<'a>(locale: Locale, options: &[&'a str]) -> Vec<&'a str> {
    let ascii = |o: &&&str| o.is_ascii();
    let own: Vec<&str> = match locale {
        Locale::Zh => options.iter().filter(|o| !ascii(o)).copied().collect(),
        Locale::En => options.iter().filter(ascii).copied().collect(),
    };
    if own.is_empty() { options.to_vec() } else { own }
}

/// The profile card shared by `/whoami` and `/whois`.
async fn profile(ctx: &Ctx<'_>, member: &Member, name: &str, role: &str) -> Result<RichText, CommandError> {
    let accounts = ctx.store().members().accounts(member.id).await?;
    let list: Vec<String> = accounts
        .iter()
        .map(|a| {
            if a.user_id == a.display_name {
                format!("{}: {}", a.platform, a.user_id)
            } else {
                format!("{}: {} ({})", a.platform, a.display_name, a.user_id)
            }
        })
        .collect();
    // "Your choice" to the member themselves; "their choice" to a moderator
    // looking someone up.
    let own = member.id == ctx.member.id;
    let (locale_key, locale) = match member.locale {
        Some(l) if own => ("whoami-locale-chosen", l),
        Some(l) => ("whois-locale-chosen", l),
        None => ("whoami-locale-default", ctx.community.locale),
    };
    let locale = ctx.text(locale_key, &Args::new().str("locale", locale.code())).to_plain();
    let joined = member.joined_at.with_timezone(&ctx.community.tz).format("%Y-%m-%d").to_string();
    let mut body = ctx.text(
        "whoami",
        &Args::new()
            .str("name", name)
            .num("id", member.id.0)
            .str("community", ctx.community.name.clone())
            .str("role", role)
            .str("locale", locale)
            .str("joined", joined)
            .num("accounts", accounts.len() as i64),
    );
    // Account names are members' own text: plain, never markup.
    body.append(RichText::list(&list));
    for feature in crate::features::ALL.iter().filter(|f| ctx.community.features.is_on(f.id)) {
        if let Some(lines) = feature.profile
            && let Some(text) = lines(ctx, member).await?
        {
            body.append(text);
        }
    }
    Ok(body)
}

const LANG_DEFAULT_WORDS: [&str; 4] = ["default", "auto", "默认", "reset"];

fn lang<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let Some(wanted) = cmd.text(&LANG)? else {
            return Ok(vec![ctx.reply("lang-current", &Args::new().str("locale", ctx.locale.code()))]);
        };
        let chosen = if LANG_DEFAULT_WORDS.contains(&wanted.to_lowercase().as_str()) {
            None
        } else {
            match Locale::parse(wanted) {
                Some(l) => Some(l),
                None => return Err(CommandError::member("lang-unknown", Args::new().str("got", wanted))),
            }
        };
        ctx.store().members().set_locale(ctx.member.id, chosen).await?;
        ctx.engine.forget_members(&[ctx.member.id]);
        let now_speaking = chosen.unwrap_or(ctx.community.locale);
        let key = if chosen.is_some() { "lang-set" } else { "lang-reset" };
        let body = ctx.engine.prompts().format(now_speaking, key, &Args::new().str("locale", now_speaking.code()));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// The member-facing reply to a command line that did not parse.
pub fn parse_error_text(ctx: &Ctx<'_>, e: &ParseError<Handler>) -> RichText {
    let prompts = ctx.engine.prompts();
    let (key, args) = match e {
        ParseError::NotACommand => return RichText::default(),
        ParseError::Unknown { name, suggestion: Some(s) } => {
            ("error-unknown-command-suggest", Args::new().str("name", name.clone()).str("suggestion", *s))
        }
        ParseError::Unknown { name, suggestion: None } => {
            ("error-unknown-command", Args::new().str("name", name.clone()))
        }
        ParseError::NeedsSub { name, subs } => {
            ("error-needs-sub", Args::new().str("name", *name).str("subs", subs.join(" | ")))
        }
        ParseError::Missing { spec, arg } => (
            "error-missing-arg",
            Args::new().str("arg", arg_name(prompts, ctx.locale, arg)).str("usage", usage(prompts, ctx.locale, spec)),
        ),
        ParseError::Extra { spec, got } => {
            ("error-extra-arg", Args::new().str("got", got.clone()).str("usage", usage(prompts, ctx.locale, spec)))
        }
        ParseError::BadInt { spec, arg, got, min, max } => (
            "error-bad-int",
            Args::new()
                .str("arg", arg_name(prompts, ctx.locale, arg))
                .str("got", got.clone())
                .num("min", *min)
                .num("max", *max)
                .str("usage", usage(prompts, ctx.locale, spec)),
        ),
        ParseError::BadChoice { spec, arg, got } => (
            "error-bad-choice",
            Args::new()
                .str("arg", arg_name(prompts, ctx.locale, arg))
                .str("got", got.clone())
                .str("usage", usage(prompts, ctx.locale, spec)),
        ),
        ParseError::BadMember { spec, arg, got } => (
            "error-bad-member",
            Args::new()
                .str("arg", arg_name(prompts, ctx.locale, arg))
                .str("got", got.clone())
                .str("usage", usage(prompts, ctx.locale, spec)),
        ),
        ParseError::UnclosedQuote { spec } => {
            ("error-unclosed-quote", Args::new().str("usage", usage(prompts, ctx.locale, spec)))
        }
    };
    ctx.text(key, &args)
}
