//! The news commands: `/news [TAG] [PAGE]` · `/news add URL [TAG…]
//! [lang=xx] [include=a,b] [exclude=c]` · `/news remove ID` ·
//! `/news sources` · `/news watch KEYWORDS…` · `/news unwatch` ·
//! `/news status`.

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::Command;
use crate::features::news::fetch::NewsServices;
use crate::features::news::jobs::fetch_job;
use crate::features::news::render::View;
use crate::features::news::store::{Added, NewSource, Source, SourceNo, Watch};
use crate::features::news::text::{AddError, check_feed_url, names_private_host, parse_add_options, parse_tag};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::message::ChatKind;
use crate::rich::RichText;

/// A tag to list, or a page number.
const TAG: ArgSpec = ArgSpec::optional("TAG", ArgKind::Word);
/// A page of the list.
const PAGE: ArgSpec = ArgSpec::optional("PAGE", ArgKind::Int { min: 1, max: 1000 });
/// A feed URL.
const URL: ArgSpec = ArgSpec::required("URL", ArgKind::Word);
/// Tags and settings after the URL.
const TAGS: ArgSpec = ArgSpec::optional("TAGS", ArgKind::Rest);
/// A source's id (`F3`).
const ID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// What a watching chat wants to see.
const KEYWORDS: ArgSpec = ArgSpec::required("KEYWORDS", ArgKind::Rest);

/// Keywords a chat may watch for.
const MAX_KEYWORDS: usize = 20;

/// The news commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "news",
        sub: None,
        aliases: &["新闻", "资讯"],
        permission: Permission::Member,
        args: &[TAG, PAGE],
        run: Handler(list),
    },
    Command {
        name: "news",
        sub: Some("add"),
        aliases: &["添加订阅源"],
        permission: Permission::Moderator,
        args: &[URL, TAGS],
        run: Handler(add),
    },
    Command {
        name: "news",
        sub: Some("remove"),
        aliases: &["删除订阅源"],
        permission: Permission::Moderator,
        args: &[ID],
        run: Handler(remove),
    },
    Command {
        name: "news",
        sub: Some("sources"),
        aliases: &["订阅源"],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(sources),
    },
    Command {
        name: "news",
        sub: Some("watch"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[KEYWORDS],
        run: Handler(watch),
    },
    Command {
        name: "news",
        sub: Some("unwatch"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(unwatch),
    },
    Command {
        name: "news",
        sub: Some("status"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(status),
    },
];

fn view<'a>(ctx: &'a Ctx<'a>) -> View<'a> {
    View { prompts: ctx.engine.prompts(), locale: ctx.locale, tz: ctx.community.tz }
}

fn tags_shown(tags: &[String]) -> String {
    if tags.is_empty() { "-".to_owned() } else { tags.join(", ") }
}

fn list<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = &ctx.community.features.news;
        let typed = cmd.text(&TAG)?;
        // `/news 2` is the second page of everything.
        let (tag, page) = match typed {
            Some(t) if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && cmd.int(&PAGE)?.is_none() => {
                let page = t.parse::<i64>().ok().filter(|p| (1..=1000).contains(p));
                let page = page.ok_or_else(|| CommandError::member("news-bad-page", Args::new().str("got", t)))?;
                (None, page)
            }
            Some(t) => {
                let tag =
                    parse_tag(t).ok_or_else(|| CommandError::member("news-bad-tag", Args::new().str("got", t)))?;
                (Some(tag), cmd.int(&PAGE)?.unwrap_or(1))
            }
            None => (None, cmd.int(&PAGE)?.unwrap_or(1)),
        };
        let store = ctx.store().news();
        let count = store.news_count(&ctx.community.id, tag.as_deref()).await?;
        if count == 0 {
            return Ok(vec![match &tag {
                None => ctx.reply("news-list-empty", &Args::new()),
                Some(t) => {
                    let mut known: Vec<String> =
                        store.news_sources(&ctx.community.id).await?.into_iter().flat_map(|s| s.tags).collect();
                    known.sort();
                    known.dedup();
                    ctx.reply("news-list-empty-tag", &Args::new().str("tag", t.clone()).str("tags", tags_shown(&known)))
                }
            }]);
        }
        let size = config.page_size.clamp(1, 20);
        let pages = (count + size - 1) / size;
        if page > pages {
            return Err(CommandError::member("news-page-beyond", Args::new().num("pages", pages)));
        }
        let items = store.news_latest(&ctx.community.id, tag.as_deref(), size, (page - 1) * size).await?;
        let items = crate::features::news::translate::with_translations(ctx.engine, items, ctx.locale).await?;
        let v = view(ctx);
        let lines: Vec<String> = items.iter().map(|i| v.line(i)).collect();
        let args = Args::new().num("count", count).num("page", page).num("pages", pages);
        let mut body = ctx
            .text(if tag.is_some() { "news-list-tag" } else { "news-list" }, &args.str("tag", tag.unwrap_or_default()));
        body.append(RichText::list(&lines));
        if page < pages {
            body.append(ctx.text("news-list-more", &Args::new().num("next", page + 1)));
        }
        Ok(vec![crate::message::Outgoing::reply(ctx.msg, body)])
    })
}

fn add<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = &ctx.community.features.news;
        let url = cmd.required_text(&URL)?.trim();
        if let Err(why) = check_feed_url(url) {
            tracing::info!(why, "refused a feed URL");
            return Err(CommandError::member("news-bad-url", Args::new().str("got", url)));
        }
        if !config.allow_private && names_private_host(url) {
            return Err(CommandError::member("news-private-url", Args::new().str("got", url)));
        }
        let options = parse_add_options(cmd.text(&TAGS)?.unwrap_or("")).map_err(|e| match e {
            AddError::BadLanguage(got) => CommandError::member("news-bad-lang", Args::new().str("got", got)),
            AddError::BadTag(got) => CommandError::member("news-bad-tag", Args::new().str("got", got)),
        })?;
        let new = NewSource {
            community: ctx.community.id.clone(),
            url: url.to_owned(),
            language: options.language.unwrap_or_else(|| "en".into()),
            tags: options.tags,
            include: options.include,
            exclude: options.exclude,
            chats: Vec::new(),
            from_config: false,
            added_by: Some((ctx.msg.chat.platform, ctx.msg.sender.id.clone())),
        };
        let now = ctx.now;
        let first = move |s: &Source| fetch_job(&s.community, s.id, s.fetch_gen, now);
        match ctx.store().news().news_add_source(&new, config.max_sources, &first, ctx.now).await? {
            Added::Stored(s) => {
                let args = Args::new()
                    .str("id", s.number.to_string())
                    .str("url", s.url.clone())
                    .str("lang", s.language.clone())
                    .str("tags", tags_shown(&s.tags));
                let fetching = ctx.engine.state::<NewsServices>().is_some_and(|s| s.fetcher.is_some());
                Ok(vec![ctx.reply(if fetching { "news-added" } else { "news-added-nofetch" }, &args)])
            }
            Added::Duplicate(s) => Err(CommandError::member(
                "news-duplicate",
                Args::new().str("id", s.number.to_string()).str("url", s.url),
            )),
            Added::Full => Err(CommandError::member("news-full", Args::new().num("max", config.max_sources))),
        }
    })
}

fn source_no(cmd: &ParsedCommand) -> Result<SourceNo, CommandError> {
    let typed = cmd.required_text(&ID)?;
    SourceNo::parse(typed).ok_or_else(|| CommandError::member("news-bad-id", Args::new().str("got", typed)))
}

fn remove<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let number = source_no(cmd)?;
        let store = ctx.store().news();
        let Some(source) = store.news_source(&ctx.community.id, number).await? else {
            return Err(CommandError::member("news-no-such-source", Args::new().str("id", number.to_string())));
        };
        if source.from_config {
            return Err(CommandError::member("news-config-source", Args::new().str("id", number.to_string())));
        }
        if !store.news_remove_source(&ctx.community.id, number).await? {
            return Err(CommandError::member("news-no-such-source", Args::new().str("id", number.to_string())));
        }
        let args = Args::new().str("id", number.to_string()).str("url", source.url).num("items", source.items);
        Ok(vec![ctx.reply("news-removed", &args)])
    })
}

/// A source's state in a word, in the member's language.
fn state(ctx: &Ctx<'_>, s: &Source) -> String {
    let threshold = ctx.community.features.news.dead_after_failures;
    if s.failures >= threshold {
        ctx.text("news-state-dead", &Args::new().num("failures", s.failures)).to_plain()
    } else if s.failures > 0 {
        ctx.text("news-state-failing", &Args::new().num("failures", s.failures)).to_plain()
    } else if s.last_ok.is_some() {
        ctx.text("news-state-ok", &Args::new()).to_plain()
    } else {
        ctx.text("news-state-new", &Args::new()).to_plain()
    }
}

fn sources<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let all = ctx.store().news().news_sources(&ctx.community.id).await?;
        if all.is_empty() {
            return Ok(vec![ctx.reply("news-sources-none", &Args::new())]);
        }
        let lines: Vec<String> = all
            .iter()
            .map(|s| {
                let args = Args::new()
                    .str("id", s.number.to_string())
                    .str("url", s.url.clone())
                    .str("lang", s.language.clone())
                    .str("tags", tags_shown(&s.tags))
                    .num("items", s.items)
                    .str("state", state(ctx, s));
                ctx.text("news-source-line", &args).to_plain()
            })
            .collect();
        let count = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let mut body = ctx.text("news-sources", &Args::new().num("count", count));
        body.append(RichText::list(&lines));
        Ok(vec![crate::message::Outgoing::reply(ctx.msg, body)])
    })
}

/// The language model's part of `/news status`: off, or on with today's
/// tokens and the latest problem translating.
async fn llm_status(ctx: &Ctx<'_>) -> Result<RichText, CommandError> {
    let Some(llm) = crate::llm::model_of(ctx.engine).filter(|_| ctx.community.features.news.translate) else {
        return Ok(ctx.text("news-status-llm-off", &Args::new()));
    };
    let spent = crate::llm::spent_today(ctx.engine, ctx.community).await?;
    let args = Args::new().str("model", llm.model()).num("spent", spent).num("budget", ctx.community.llm_daily_tokens);
    let mut text = ctx.text("news-status-llm", &args);
    if let Some((at, why)) = llm.last_problem(&ctx.community.id, crate::llm::Use::Translate) {
        let at = at.with_timezone(&ctx.community.tz).format("%Y-%m-%d %H:%M").to_string();
        text.append(ctx.text("news-status-llm-problem", &Args::new().str("at", at).str("why", why)));
    }
    Ok(text)
}

fn watch<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        if ctx.msg.chat.kind != ChatKind::Group {
            return Err(CommandError::member("news-watch-group-only", Args::new()));
        }
        let typed = cmd.required_text(&KEYWORDS)?;
        let mut keywords: Vec<String> = Vec::new();
        for w in typed.split([' ', '\n', ',', '，']).map(str::trim).filter(|w| !w.is_empty()) {
            let w = w.to_lowercase();
            if w.chars().count() > 40 {
                return Err(CommandError::member("news-bad-keyword", Args::new().str("got", w)));
            }
            if !keywords.contains(&w) {
                keywords.push(w);
            }
        }
        if keywords.is_empty() || keywords.len() > MAX_KEYWORDS {
            return Err(CommandError::member("news-watch-count", Args::new().num("max", MAX_KEYWORDS as i64)));
        }
        let chat = &ctx.msg.chat;
        let w = Watch { platform: chat.platform, chat_id: chat.id.clone(), keywords: keywords.clone() };
        ctx.store().news().news_watch(&ctx.community.id, &w, ctx.now).await?;
        let args =
            Args::new().str("keywords", keywords.join(", ")).num("cap", ctx.community.features.news.posts_per_hour);
        Ok(vec![ctx.reply("news-watching", &args)])
    })
}

fn unwatch<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        let done = ctx.store().news().news_unwatch(&ctx.community.id, chat.platform, &chat.id).await?;
        Ok(vec![ctx.reply(if done { "news-unwatched" } else { "news-unwatch-none" }, &Args::new())])
    })
}

fn status<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let all = ctx.store().news().news_sources(&ctx.community.id).await?;
        let fetching = ctx.engine.state::<NewsServices>().is_some_and(|s| s.fetcher.is_some());
        let count = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let mut body =
            ctx.text(if fetching { "news-status" } else { "news-status-nofetch" }, &Args::new().num("count", count));
        let tz = ctx.community.tz;
        let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map_or_else(|| "-".to_owned(), |t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        };
        let lines: Vec<String> = all
            .iter()
            .map(|s| {
                let args = Args::new()
                    .str("id", s.number.to_string())
                    .str("state", state(ctx, s))
                    .str("last", when(s.last_fetch))
                    .str("next", when(Some(s.next_fetch)))
                    .str("error", s.last_error.clone().unwrap_or_else(|| "-".into()));
                ctx.text("news-status-line", &args).to_plain()
            })
            .collect();
        body.append(RichText::list(&lines));
        body.append(llm_status(ctx).await?);
        Ok(vec![crate::message::Outgoing::reply(ctx.msg, body)])
    })
}
