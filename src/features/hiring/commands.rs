//! The hiring commands:
//! `/job ID` · `/job post` + `key: value` lines · `/job approve ID` ·
//! `/job reject ID REASON…` · `/job close ID` · `/jobs [PAGE]` ·
//! `/jobs search WORDS…` · `/jobs pending` · `/jobs subscribe KEYWORDS…
//! [city:CITY] [remote] [salary>=N]` · `/jobs subscriptions` ·
//! `/jobs unsubscribe ID`.

use chrono::NaiveDate;

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::config::parse_platform_ref;
use crate::features::Command;
use crate::features::hiring::config::HiringConfig;
use crate::features::hiring::docs::{self, Docs};
use crate::features::hiring::expiry::expires_at;
use crate::features::hiring::ids::{PostNo, SubNo};
use crate::features::hiring::matcher::search as find;
use crate::features::hiring::post::{PostRules, is_blank, parse_post};
use crate::features::hiring::query::{Mode, Query, parse_query};
use crate::features::hiring::render::{Card, View};
use crate::features::hiring::store::{
    Changed, NewPost, NewSubscription, Opening, Post, PostState, Review, Submitted, Subscribed, Unsubscribed,
};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Prompt};
use crate::message::{Button, ChatKind, Outgoing, Platform};
use crate::rich::RichText;
use crate::scheduler::outbox::MAX_ATTEMPTS;
use crate::store::jobs::NewOutboxMessage;

/// A post's id (`J7`).
const ID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// The body of `/job post`: `key: value` lines.
const TEXT: ArgSpec = ArgSpec::optional("TEXT", ArgKind::Rest);
/// Why a post is rejected (the poster is told).
const REASON: ArgSpec = ArgSpec::required("REASON", ArgKind::Rest);
/// A page of `/jobs`.
const PAGE: ArgSpec = ArgSpec::optional("PAGE", ArgKind::Int { min: 1, max: 1000 });
/// What `/jobs search` looks for.
const WORDS: ArgSpec = ArgSpec::required("WORDS", ArgKind::Rest);
/// A subscription's keywords and filters (checked by the handler, so that
/// filters alone get their own explanation).
const KEYWORDS: ArgSpec = ArgSpec::optional("KEYWORDS", ArgKind::Rest);

/// Listed posts a search reads.
const SEARCHED: i64 = 500;
/// Pending posts `/jobs pending` shows.
const PENDING_SHOWN: i64 = 30;
/// Approve buttons under `/jobs pending`.
const BUTTONS: usize = 10;

/// The hiring commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "job",
        sub: None,
        aliases: &["职位"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(show),
    },
    Command {
        name: "job",
        sub: Some("post"),
        aliases: &["发布职位"],
        permission: Permission::Member,
        args: &[TEXT],
        run: Handler(post),
    },
    Command {
        name: "job",
        sub: Some("approve"),
        aliases: &["通过职位"],
        permission: Permission::Moderator,
        args: &[ID],
        run: Handler(approve),
    },
    Command {
        name: "job",
        sub: Some("reject"),
        aliases: &["驳回职位"],
        permission: Permission::Moderator,
        args: &[ID, REASON],
        run: Handler(reject),
    },
    Command {
        name: "job",
        sub: Some("close"),
        aliases: &["关闭职位"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(close),
    },
    Command {
        name: "jobs",
        sub: None,
        aliases: &["招聘"],
        permission: Permission::Member,
        args: &[PAGE],
        run: Handler(list),
    },
    Command {
        name: "jobs",
        sub: Some("search"),
        aliases: &["搜职位"],
        permission: Permission::Member,
        args: &[WORDS],
        run: Handler(search),
    },
    Command {
        name: "jobs",
        sub: Some("pending"),
        aliases: &["待审职位"],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(pending),
    },
    Command {
        name: "jobs",
        sub: Some("subscribe"),
        aliases: &["订阅职位"],
        permission: Permission::Member,
        args: &[KEYWORDS],
        run: Handler(subscribe),
    },
    Command {
        name: "jobs",
        sub: Some("subscriptions"),
        aliases: &["职位订阅"],
        permission: Permission::Member,
        args: &[],
        run: Handler(subscriptions),
    },
    Command {
        name: "jobs",
        sub: Some("unsubscribe"),
        aliases: &["退订职位"],
        permission: Permission::Member,
        args: &[ID],
        run: Handler(unsubscribe),
    },
];

fn config<'a>(ctx: &'a Ctx<'a>) -> &'a HiringConfig {
    &ctx.community.features.hiring
}

fn view<'a>(ctx: &'a Ctx<'a>) -> View<'a> {
    View { prompts: ctx.engine.prompts(), locale: ctx.locale, tz: ctx.community.tz }
}

/// The view of another member (a DM to a poster): their language, else the
/// community's.
fn view_for<'a>(ctx: &'a Ctx<'a>, locale: Option<crate::i18n::Locale>) -> View<'a> {
    View { locale: locale.unwrap_or(ctx.community.locale), ..view(ctx) }
}

fn today(ctx: &Ctx<'_>) -> NaiveDate {
    ctx.now.with_timezone(&ctx.community.tz).date_naive()
}

fn is_moderator(ctx: &Ctx<'_>) -> bool {
    ctx.role >= Permission::Moderator
}

/// A member-facing error, its state and field names in the member's language.
fn refuse(ctx: &Ctx<'_>, prompt: Prompt) -> CommandError {
    CommandError::Member(view(ctx).localize(prompt))
}

fn refuse_with(ctx: &Ctx<'_>, key: &'static str, args: Args) -> CommandError {
    refuse(ctx, Prompt::new(key, args))
}

fn post_id(ctx: &Ctx<'_>, cmd: &ParsedCommand) -> Result<PostNo, CommandError> {
    let typed = cmd.required_text(&ID)?;
    PostNo::parse(typed).ok_or_else(|| refuse_with(ctx, "hiring-bad-post-id", Args::new().str("got", typed)))
}

/// The post `cmd` names, or the member is told there is none.
async fn named_post(ctx: &Ctx<'_>, cmd: &ParsedCommand) -> Result<Post, CommandError> {
    let number = post_id(ctx, cmd)?;
    ctx.store()
        .hiring()
        .hiring_post(&ctx.community.id, number)
        .await?
        .ok_or_else(|| refuse_with(ctx, "hiring-no-such-post", Args::new().str("id", number.to_string())))
}

fn id_title(post: &Post) -> Args {
    Args::new().str("id", post.number.to_string()).str("title", post.title.clone())
}

fn state_args(post: &Post, now: chrono::DateTime<chrono::Utc>) -> Args {
    Args::new().str("id", post.number.to_string()).str("state", post.state_at(now).as_str())
}

/// A direct message for the outbox, keyed by what it is about.
fn outbox_dm(key: String, platform: Platform, user_id: &str, body: RichText) -> NewOutboxMessage {
    NewOutboxMessage { key, part: 0, message: Outgoing::direct(platform, user_id, body), max_attempts: MAX_ATTEMPTS }
}

fn show<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let post = named_post(ctx, cmd).await?;
        let own = post.poster == ctx.member.id || is_moderator(ctx);
        if !post.is_listed(ctx.now) && !own {
            return Err(refuse_with(ctx, "hiring-post-not-open", state_args(&post, ctx.now)));
        }
        let card = Card { contact: true, excerpt: None, state: own };
        Ok(vec![Outgoing::reply(ctx.msg, view(ctx).card(&post, card, ctx.now))])
    })
}

/// `/job post` alone: how to post, a filled template, and the keys.
fn template(ctx: &Ctx<'_>) -> RichText {
    let v = view(ctx);
    let mut out = v.text("hiring-post-help", &Args::new());
    out.append(v.text("hiring-post-template", &Args::new()));
    out.append(v.text("hiring-post-keys", &Args::new()));
    out
}

fn post<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = config(ctx);
        let platform = ctx.msg.chat.platform;
        let moderator = is_moderator(ctx);
        let recruiter = config.is_recruiter(platform, &ctx.msg.sender.id);
        if config.require_recruiter && !moderator && !recruiter {
            return Err(refuse_with(ctx, "hiring-not-recruiter", Args::new()));
        }
        let body = cmd.text(&TEXT)?.unwrap_or_default();
        if is_blank(body) {
            return Ok(vec![Outgoing::reply(ctx.msg, template(ctx))]);
        }
        let today = today(ctx);
        let rules = PostRules {
            max_chars: usize::try_from(config.max_post_chars).unwrap_or(2000),
            max_expiry_days: u32::try_from(config.max_expiry_days).unwrap_or(90),
            currency: config.currency(),
            today,
        };
        let v = view(ctx);
        let parsed = match parse_post(body, &rules) {
            Ok(p) => p,
            Err(problems) => {
                let mut out = v.text("hiring-post-problems", &Args::new());
                let lines: Vec<String> = problems.iter().map(|p| v.render(p.prompt()).to_plain()).collect();
                out.append(RichText::list(&lines));
                if problems.iter().any(|p| p.shows_template()) {
                    out.append(v.text("hiring-post-keys", &Args::new()));
                    out.append(v.text("hiring-post-template", &Args::new()));
                }
                return Ok(vec![Outgoing::reply(ctx.msg, out)]);
            }
        };
        let opening = (moderator || (recruiter && config.trust_recruiters)).then(|| {
            let last = parsed.expiry.last_day(today, u32::try_from(config.default_expiry_days).unwrap_or(30));
            Opening { at: ctx.now, expires_at: expires_at(last, ctx.community.tz), moderator: None }
        });
        let new = NewPost {
            community: ctx.community.id.clone(),
            poster: ctx.member.id,
            platform,
            user_id: ctx.msg.sender.id.clone(),
            post: parsed,
            source: body.to_owned(),
            idem_key: format!("{}:{}:{}:job-post", platform, ctx.msg.chat.id, ctx.msg.message_id),
            day: today,
        };
        // Moderators listed in the config hear of a post waiting for them.
        let notify = opening.is_none() && config.notify_moderators;
        let community = ctx.community;
        let poster = ctx.msg.sender.name.clone();
        let title = new.post.title.clone();
        let me = (platform, ctx.msg.sender.id.clone());
        let prompts = ctx.engine.prompts();
        let messages = move |number: PostNo| -> Vec<NewOutboxMessage> {
            if !notify {
                return Vec::new();
            }
            let v = View { prompts, locale: community.locale, tz: community.tz };
            let args =
                Args::new().str("id", number.to_string()).str("title", title.clone()).str("poster", poster.clone());
            community
                .staff()
                .filter_map(parse_platform_ref)
                .filter(|(p, u)| (*p, (*u).to_owned()) != me)
                .map(|(p, u)| {
                    let key = format!("hiring:{}:{number}:review:{p}:{u}", community.id);
                    outbox_dm(key, p, u, v.text("hiring-dm-review", &args))
                })
                .collect()
        };
        let limit = (!moderator).then_some(config.posts_per_day);
        let store = ctx.store().hiring();
        let number = match store.hiring_submit(&new, limit, opening.as_ref(), &messages, ctx.now).await? {
            Submitted::Stored(n) => n,
            Submitted::Duplicate(n) => {
                return Err(refuse_with(ctx, "hiring-post-duplicate", Args::new().str("id", n.to_string())));
            }
            Submitted::LimitReached { used } => {
                let args = Args::new().num("count", used).num("max", config.posts_per_day);
                return Err(refuse_with(ctx, "hiring-post-limit", args));
            }
        };
        let stored = store
            .hiring_post(&ctx.community.id, number)
            .await?
            .ok_or_else(|| CommandError::internal(format!("post {number} vanished after it was stored")))?;
        let key = if opening.is_some() { "hiring-post-opened" } else { "hiring-post-queued" };
        let mut out = v.text(key, &id_title(&stored));
        let summary = v.understood(&stored, config.default_expiry_days);
        out.append(v.text("hiring-post-understood", &Args::new().str("summary", summary)));
        Ok(vec![Outgoing::reply(ctx.msg, out)])
    })
}

/// Why a post that is not pending cannot be approved.
fn not_approvable(ctx: &Ctx<'_>, post: &Post) -> CommandError {
    match post.state_at(ctx.now) {
        PostState::Rejected => {
            let reason = post.reason.clone().unwrap_or_default();
            refuse_with(
                ctx,
                "hiring-approve-rejected",
                Args::new().str("id", post.number.to_string()).str("reason", reason),
            )
        }
        _ => refuse_with(ctx, "hiring-approve-not-pending", state_args(post, ctx.now)),
    }
}

fn approve<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = config(ctx);
        let post = named_post(ctx, cmd).await?;
        if post.state != PostState::Pending {
            return Err(not_approvable(ctx, &post));
        }
        // A length counts from today; a date that passed while the post
        // waited cannot be listed.
        let today = today(ctx);
        let last = post.expiry.last_day(today, u32::try_from(config.default_expiry_days).unwrap_or(30));
        if last < today {
            let args = Args::new().str("id", post.number.to_string()).str("date", last.to_string());
            return Err(refuse_with(ctx, "hiring-approve-date-passed", args));
        }
        let opening =
            Opening { at: ctx.now, expires_at: expires_at(last, ctx.community.tz), moderator: Some(ctx.member.id) };
        let to = view_for(ctx, post.poster_locale);
        let dm = to.text("hiring-dm-approved", &id_title(&post).str("date", last.to_string()));
        let key = format!("hiring:{}:{}:approved", ctx.community.id, post.number);
        let messages = [outbox_dm(key, post.poster_platform, &post.poster_user_id, dm)];
        let review = Review::Approve(opening);
        match ctx
            .store()
            .hiring()
            .hiring_review(&ctx.community.id, post.number, &review, ctx.member.id, &messages, ctx.now)
            .await?
        {
            Changed::Done(p) => Ok(vec![ctx.reply("hiring-approved", &id_title(&p))]),
            Changed::Not(p) => Err(not_approvable(ctx, &p)),
            Changed::Missing => {
                Err(refuse_with(ctx, "hiring-no-such-post", Args::new().str("id", post.number.to_string())))
            }
        }
    })
}

fn reject<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let post = named_post(ctx, cmd).await?;
        let reason = cmd.required_text(&REASON)?.trim().to_owned();
        if post.state != PostState::Pending {
            return Err(refuse_with(ctx, "hiring-reject-not-pending", state_args(&post, ctx.now)));
        }
        let to = view_for(ctx, post.poster_locale);
        let dm = to.text("hiring-dm-rejected", &id_title(&post).str("reason", reason.clone()));
        let key = format!("hiring:{}:{}:rejected", ctx.community.id, post.number);
        let messages = [outbox_dm(key, post.poster_platform, &post.poster_user_id, dm)];
        let review = Review::Reject(reason);
        match ctx
            .store()
            .hiring()
            .hiring_review(&ctx.community.id, post.number, &review, ctx.member.id, &messages, ctx.now)
            .await?
        {
            Changed::Done(p) => Ok(vec![ctx.reply("hiring-rejected", &id_title(&p))]),
            Changed::Not(p) => Err(refuse_with(ctx, "hiring-reject-not-pending", state_args(&p, ctx.now))),
            Changed::Missing => {
                Err(refuse_with(ctx, "hiring-no-such-post", Args::new().str("id", post.number.to_string())))
            }
        }
    })
}

fn close<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let post = named_post(ctx, cmd).await?;
        if post.poster != ctx.member.id && !is_moderator(ctx) {
            return Err(refuse_with(ctx, "hiring-close-not-yours", Args::new().str("id", post.number.to_string())));
        }
        if !matches!(post.state_at(ctx.now), PostState::Pending | PostState::Open) {
            return Err(refuse_with(ctx, "hiring-close-not-open", state_args(&post, ctx.now)));
        }
        match ctx.store().hiring().hiring_close(&ctx.community.id, post.number, ctx.now).await? {
            Changed::Done(p) => Ok(vec![ctx.reply("hiring-closed", &id_title(&p))]),
            Changed::Not(p) => Err(refuse_with(ctx, "hiring-close-not-open", state_args(&p, ctx.now))),
            Changed::Missing => {
                Err(refuse_with(ctx, "hiring-no-such-post", Args::new().str("id", post.number.to_string())))
            }
        }
    })
}

fn list<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let size = config(ctx).page_size.max(1);
        let page = cmd.int(&PAGE)?.unwrap_or(1);
        let store = ctx.store().hiring();
        let count = store.hiring_listed_count(&ctx.community.id, ctx.now).await?;
        if count == 0 {
            return Ok(vec![ctx.reply("hiring-list-empty", &Args::new())]);
        }
        let pages = (count + size - 1) / size;
        if page > pages {
            return Err(refuse_with(ctx, "hiring-no-such-page", Args::new().num("page", page).num("pages", pages)));
        }
        let posts = store.hiring_listed(&ctx.community.id, ctx.now, size, (page - 1) * size).await?;
        let v = view(ctx);
        let mut out = v.text("hiring-list", &Args::new().num("count", count));
        let lines: Vec<String> = posts.iter().map(|p| v.line(p)).collect();
        out.append(RichText::list(&lines));
        out.append(v.text("hiring-list-footer", &Args::new().num("page", page).num("pages", pages)));
        Ok(vec![Outgoing::reply(ctx.msg, out)])
    })
}

fn search<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = config(ctx);
        let words = cmd.required_text(&WORDS)?.trim();
        let q = parse_query(words, config.currency(), Mode::Search).map_err(|e| refuse(ctx, e.prompt()))?;
        let posts = ctx.store().hiring().hiring_listed(&ctx.community.id, ctx.now, SEARCHED, 0).await?;
        let docs: Vec<_> = match ctx.engine.state::<Docs>() {
            Some(cache) => posts.iter().map(|p| cache.of(p)).collect(),
            None => posts.iter().map(|p| std::sync::Arc::new(docs::build(p))).collect(),
        };
        let indexed: Vec<(usize, &crate::features::hiring::matcher::PostDoc)> =
            docs.iter().enumerate().map(|(i, d)| (i, d.as_ref())).collect();
        let found = find(&q, &indexed);
        let v = view(ctx);
        if found.posts.is_empty() {
            return Ok(vec![ctx.reply("hiring-search-none", &Args::new().str("words", words))]);
        }
        let count = i64::try_from(found.posts.len()).unwrap_or(i64::MAX);
        let mut out = if found.exact {
            v.text("hiring-search", &Args::new().str("words", words).num("count", count))
        } else {
            v.text("hiring-search-partial", &Args::new().str("words", words))
        };
        let shown = usize::try_from(config.page_size).unwrap_or(5);
        let lines: Vec<String> =
            found.posts.iter().take(shown).filter_map(|i| posts.get(*i)).map(|p| v.line(p)).collect();
        out.append(RichText::list(&lines));
        if found.posts.len() > shown {
            let more = i64::try_from(found.posts.len() - shown).unwrap_or(i64::MAX);
            out.append(v.text("hiring-search-more", &Args::new().num("more", more)));
        }
        Ok(vec![Outgoing::reply(ctx.msg, out)])
    })
}

fn pending<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let posts = ctx.store().hiring().hiring_pending(&ctx.community.id, PENDING_SHOWN).await?;
        if posts.is_empty() {
            return Ok(vec![ctx.reply("hiring-pending-none", &Args::new())]);
        }
        let v = view(ctx);
        let count = i64::try_from(posts.len()).unwrap_or(i64::MAX);
        let mut out = v.text("hiring-pending", &Args::new().num("count", count));
        let lines: Vec<String> = posts
            .iter()
            .map(|p| {
                v.plain("hiring-pending-line", &Args::new().str("line", v.line(p)).str("poster", p.poster_name.clone()))
            })
            .collect();
        out.append(RichText::list(&lines));
        out.append(v.text("hiring-pending-footer", &Args::new()));
        let buttons = posts
            .iter()
            .take(BUTTONS)
            .map(|p| Button {
                label: v.plain("hiring-approve-button", &Args::new().str("id", p.number.to_string())),
                data: format!("/job approve {}", p.number),
            })
            .collect();
        Ok(vec![Outgoing::reply(ctx.msg, out).with_buttons(buttons)])
    })
}

/// The query of a subscription as stored, for lists (as typed when it no
/// longer parses).
fn summary(ctx: &Ctx<'_>, query: &str) -> String {
    match parse_query(query, config(ctx).currency(), Mode::Subscribe) {
        Ok(q) => view(ctx).query(&q),
        Err(_) => query.to_owned(),
    }
}

fn subscribe<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = config(ctx);
        let typed = cmd.text(&KEYWORDS)?.unwrap_or_default().trim();
        let q: Query = parse_query(typed, config.currency(), Mode::Subscribe).map_err(|e| refuse(ctx, e.prompt()))?;
        let new = NewSubscription {
            community: ctx.community.id.clone(),
            member: ctx.member.id,
            platform: ctx.msg.chat.platform,
            user_id: ctx.msg.sender.id.clone(),
            query: typed.to_owned(),
            canonical: q.canonical(),
            keywords: q.keywords_text(),
            cities: q.cities_column(),
            remote: q.remote,
            floor: q.floor,
        };
        let number = match ctx.store().hiring().hiring_subscribe(&new, config.max_subscriptions, ctx.now).await? {
            Subscribed::Stored(n) => n,
            Subscribed::Duplicate(n) => {
                return Err(refuse_with(ctx, "hiring-sub-duplicate", Args::new().str("id", n.to_string())));
            }
            Subscribed::Limit(count) => {
                let args = Args::new().num("count", count).num("max", config.max_subscriptions);
                return Err(refuse_with(ctx, "hiring-sub-limit", args));
            }
        };
        let v = view(ctx);
        let mut out =
            v.text("hiring-subscribed", &Args::new().str("id", number.to_string()).str("summary", v.query(&q)));
        out.append(v.text("hiring-subscribed-how", &Args::new().num("max", config.dm_per_day)));
        if q.floor.is_some() {
            out.append(v.text("hiring-sub-floor-note", &Args::new()));
        }
        for city in q.cities.iter().filter(|c| !c.known) {
            out.append(v.text("hiring-sub-unknown-city", &Args::new().str("city", city.key.clone())));
        }
        if ctx.msg.chat.platform == Platform::Telegram && ctx.msg.chat.kind == ChatKind::Group {
            out.append(v.text("hiring-subscribed-dm-hint", &Args::new()));
        }
        Ok(vec![Outgoing::reply(ctx.msg, out)])
    })
}

fn subscriptions<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let subs = ctx.store().hiring().hiring_subscriptions(&ctx.community.id, ctx.member.id).await?;
        if subs.is_empty() {
            return Ok(vec![ctx.reply("hiring-subs-none", &Args::new())]);
        }
        let v = view(ctx);
        let count = i64::try_from(subs.len()).unwrap_or(i64::MAX);
        let mut out = v.text("hiring-subs", &Args::new().num("count", count).num("max", config(ctx).max_subscriptions));
        let lines: Vec<String> = subs
            .iter()
            .map(|s| {
                let args = Args::new().str("id", s.number.to_string()).str("summary", summary(ctx, &s.query));
                v.plain("hiring-subs-line", &args)
            })
            .collect();
        out.append(RichText::list(&lines));
        out.append(v.text("hiring-subs-footer", &Args::new()));
        Ok(vec![Outgoing::reply(ctx.msg, out)])
    })
}

fn unsubscribe<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let typed = cmd.required_text(&ID)?;
        let Some(number) = SubNo::parse(typed) else {
            return Err(refuse_with(ctx, "hiring-bad-sub-id", Args::new().str("got", typed)));
        };
        let id = Args::new().str("id", number.to_string());
        match ctx.store().hiring().hiring_unsubscribe(&ctx.community.id, number, ctx.member.id).await? {
            Unsubscribed::Done(s) => {
                Ok(vec![ctx.reply("hiring-unsubscribed", &id.str("summary", summary(ctx, &s.query)))])
            }
            Unsubscribed::NotYours => Err(refuse_with(ctx, "hiring-unsub-not-yours", id)),
            Unsubscribed::Missing => Err(refuse_with(ctx, "hiring-unsub-unknown", id)),
        }
    })
}
