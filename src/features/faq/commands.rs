//! The FAQ commands: `/faq [ID|TAG] [PAGE]` · `/faq search WORDS…` ·
//! (moderators) `/faq add ID QUESTION⏎ANSWER…` · `/faq edit ID
//! QUESTION⏎ANSWER…` · `/faq alias ID WORDING…` · `/faq remove ID` ·
//! `/faq gaps` · `/faq synonym TERM = TERM…` · `/faq unsynonym TERM…` ·
//! `/faq synonyms [PAGE]` · a reply `/faq ID` (or `/redirect ID`) to a
//! member's message.
//! The proposal commands (`/faq propose Q17` and the moderators' queue) are
//! declared here and run in [`super::proposals`].

use chrono::Duration;

use super::drafts;
use super::import;
use super::matcher;
use super::normalize::{self, fold, tokenize};
use super::proposals;
use super::redirect::redirect_text;
use super::state::FaqState;
use super::store::{FaqCounter, FaqEntry, Redirect};
use super::vocab::{self, VocabError};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::Command;
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Locale};
use crate::message::Outgoing;
use crate::rich::RichText;

/// An entry id, a tag, or a page number.
const ID_OR_TAG: ArgSpec = ArgSpec::optional("ID", ArgKind::Word);
/// A page of the list.
const PAGE: ArgSpec = ArgSpec::optional("PAGE", ArgKind::Int { min: 1, max: 1000 });
/// What to search for.
const WORDS: ArgSpec = ArgSpec::required("WORDS", ArgKind::Rest);
/// An entry id.
const ID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// Question on the first line, the answer below.
const TEXT: ArgSpec = ArgSpec::required("TEXT", ArgKind::Rest);
/// Another way to ask an entry's question.
const WORDING: ArgSpec = ArgSpec::required("WORDING", ArgKind::Rest);
/// Terms that mean the same: `TERM = TERM…`.
const TERMS: ArgSpec = ArgSpec::required("TERMS", ArgKind::Rest);

/// The FAQ commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "faq",
        sub: None,
        aliases: &["redirect", "常见问题"],
        permission: Permission::Member,
        args: &[ID_OR_TAG, PAGE],
        run: Handler(show),
    },
    Command {
        name: "faq",
        sub: Some("search"),
        aliases: &[],
        permission: Permission::Member,
        args: &[WORDS],
        run: Handler(search),
    },
    Command {
        name: "faq",
        sub: Some("add"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ID, TEXT],
        run: Handler(add),
    },
    Command {
        name: "faq",
        sub: Some("edit"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ID, TEXT],
        run: Handler(edit),
    },
    Command {
        name: "faq",
        sub: Some("alias"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ID, WORDING],
        run: Handler(alias),
    },
    Command {
        name: "faq",
        sub: Some("synonym"),
        aliases: &["同义词"],
        permission: Permission::Moderator,
        args: &[TERMS],
        run: Handler(synonym),
    },
    Command {
        name: "faq",
        sub: Some("unsynonym"),
        aliases: &["删同义词"],
        permission: Permission::Moderator,
        args: &[TERMS],
        run: Handler(unsynonym),
    },
    Command {
        name: "faq",
        sub: Some("synonyms"),
        aliases: &["词表"],
        permission: Permission::Member,
        args: &[PAGE],
        run: Handler(synonyms),
    },
    Command {
        name: "faq",
        sub: Some("remove"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ID],
        run: Handler(remove),
    },
    Command {
        name: "faq",
        sub: Some("gaps"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(gaps),
    },
    Command {
        name: "faq",
        sub: Some("propose"),
        aliases: &["提议入库"],
        permission: Permission::Member,
        args: &[proposals::QID],
        run: Handler(proposals::propose),
    },
    Command {
        name: "faq",
        sub: Some("draft"),
        aliases: &["起草"],
        permission: Permission::Moderator,
        args: &[drafts::FROM],
        run: Handler(drafts::draft),
    },
    Command {
        name: "faq",
        sub: Some("proposals"),
        aliases: &["入库提议"],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(proposals::list),
    },
    Command {
        name: "faq",
        sub: Some("approve"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[proposals::QID, proposals::ENTRY],
        run: Handler(proposals::approve),
    },
    Command {
        name: "faq",
        sub: Some("reject"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[proposals::QID, proposals::REASON],
        run: Handler(proposals::reject),
    },
];

/// Words that are subcommands, so they cannot be entry ids.
const RESERVED_IDS: &[&str] = &[
    "search",
    "add",
    "edit",
    "alias",
    "remove",
    "gaps",
    "propose",
    "draft",
    "proposals",
    "approve",
    "reject",
    "synonym",
    "synonyms",
    "unsynonym",
];

/// Entries per page of `/faq`.
const PAGE_SIZE: usize = 10;

/// Unanswered questions this similar are one gap.
const GAP_SIMILARITY: f32 = 0.5;

fn entry_card(ctx: &Ctx<'_>, entry: &FaqEntry) -> RichText {
    let tags = if entry.tags.is_empty() { "—".to_owned() } else { entry.tags.join(", ") };
    let mut body = ctx.text(
        "faq-entry",
        &Args::new()
            .str("id", entry.id.clone())
            .str("question", entry.question.clone())
            .str("answer", entry.answer.clone())
            .str("tags", tags)
            .num("aliases", entry.aliases.len() as i64)
            .num("hits", entry.hits)
            .num("helpful", entry.helpful)
            .num("unhelpful", entry.unhelpful),
    );
    if let Some(link) = &entry.link {
        body.append(ctx.text("faq-link", &Args::new().str("link", link.clone())));
    }
    body
}

fn unknown(id: &str) -> CommandError {
    CommandError::member("faq-unknown", Args::new().str("id", id))
}

/// `/faq [ID|TAG] [PAGE]`: one entry, or the list (by tag), paged. As a
/// reply to someone's message it is a redirect: the entry answers that
/// message, and when a moderator does it the wording becomes an alias.
fn show<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let community = &ctx.community.id;
        let page = cmd.int(&PAGE)?;
        let Some(wanted) = cmd.text(&ID_OR_TAG)?.map(str::to_lowercase) else {
            return list(ctx, None, page.unwrap_or(1)).await;
        };
        if let Some(entry) = ctx.store().faq().faq_entry(community, &wanted).await? {
            if page.is_some() {
                return Err(CommandError::member("faq-no-page", Args::new().str("id", wanted)));
            }
            ctx.store().faq().faq_count(community, &entry.id, FaqCounter::Hit).await?;
            if let Some(to) = &ctx.msg.reply_to
                && to.author.as_ref().is_none_or(|a| !a.is_bot && a.id != ctx.msg.sender.id)
            {
                return redirect_by_hand(ctx, &entry).await;
            }
            return Ok(vec![Outgoing::reply(ctx.msg, entry_card(ctx, &entry))]);
        }
        let entries = ctx.store().faq().faq_entries(community).await?;
        if entries.iter().any(|e| e.tags.iter().any(|t| t.to_lowercase() == wanted)) {
            return list_of(ctx, &entries, Some(&wanted), page.unwrap_or(1));
        }
        match wanted.parse::<i64>() {
            Ok(number) if page.is_none() && number >= 1 => list_of(ctx, &entries, None, number),
            _ => Err(unknown(&wanted)),
        }
    })
}

/// A moderator (or anyone) answered a member's message with `/faq ID`.
async fn redirect_by_hand(ctx: &Ctx<'_>, entry: &FaqEntry) -> CommandResult {
    let Some(to) = &ctx.msg.reply_to else { return Ok(Vec::new()) };
    let community = &ctx.community.id;
    // In the language the member asked in (the entry's when unclear).
    let asked = to.text.as_deref().map(tokenize).filter(|t| t.cjk_chars + t.latin_chars > 0);
    let lang = asked.map_or(entry.lang, |t| if t.is_chinese() { Locale::Zh } else { Locale::En });
    let mut answer = Outgoing::reply(ctx.msg, redirect_text(ctx, entry, lang));
    answer.reply_to = Some(to.message_id.clone());
    let mut out = vec![answer];
    let asker = match &to.author {
        Some(a) => ctx.store().members().find_account(community, ctx.msg.chat.platform, &a.id).await?.map(|m| m.id),
        None => None,
    };
    let wording = to.text.as_deref().map(str::trim).unwrap_or_default();
    let id = ctx
        .store()
        .faq()
        .faq_record_redirect(
            community,
            &Redirect {
                chat: ctx.msg.chat.key(),
                entry_id: entry.id.clone(),
                asker,
                query: wording.to_owned(),
                automatic: false,
                at: ctx.now,
            },
        )
        .await?;
    out[0].track = Some(super::redirect::track(id));
    // Only moderators teach the matcher, and only with real questions.
    let learnable = ctx.role >= Permission::Moderator
        && !wording.is_empty()
        && wording.chars().count() <= import::MAX_QUESTION_CHARS
        && !wording.starts_with(['/', '!', '／', '！'])
        && !tokenize(wording).words.is_empty()
        && fold(wording) != fold(&entry.question);
    if learnable && ctx.store().faq().faq_add_alias(community, &entry.id, wording, "redirect", ctx.now).await? {
        ctx.state::<FaqState>()?.invalidate(community).await;
        let note = ctx.text("faq-learned", &Args::new().str("id", entry.id.clone()).str("wording", wording));
        out.push(Outgoing::direct(ctx.msg.chat.platform, ctx.msg.sender.id.clone(), note));
    }
    Ok(out)
}

async fn list(ctx: &Ctx<'_>, tag: Option<&str>, page: i64) -> CommandResult {
    let entries = ctx.store().faq().faq_entries(&ctx.community.id).await?;
    list_of(ctx, &entries, tag, page)
}

fn list_of(ctx: &Ctx<'_>, entries: &[FaqEntry], tag: Option<&str>, page: i64) -> CommandResult {
    if entries.is_empty() {
        return Ok(vec![ctx.reply("faq-empty", &Args::new())]);
    }
    let shown: Vec<&FaqEntry> =
        entries.iter().filter(|e| tag.is_none_or(|t| e.tags.iter().any(|x| x.to_lowercase() == t))).collect();
    let pages = shown.len().div_ceil(PAGE_SIZE).max(1) as i64;
    if page > pages {
        return Err(CommandError::member("faq-no-such-page", Args::new().num("page", page).num("pages", pages)));
    }
    let start = ((page - 1) as usize) * PAGE_SIZE;
    let lines: Vec<String> =
        shown.iter().skip(start).take(PAGE_SIZE).map(|e| format!("{} — {}", e.id, e.question)).collect();
    let mut tags: Vec<&str> = entries.iter().flat_map(|e| e.tags.iter().map(String::as_str)).collect();
    tags.sort_unstable();
    tags.dedup();
    let header = match tag {
        Some(t) => ctx.text("faq-list-tag", &Args::new().str("tag", t).num("count", shown.len() as i64)),
        None => ctx.text("faq-list", &Args::new().num("count", shown.len() as i64)),
    };
    let mut body = header;
    // Entry ids and questions are moderators' text: plain, never markup.
    body.append(RichText::list(&lines));
    let tags = if tags.is_empty() { "—".to_owned() } else { tags.join(", ") };
    body.append(ctx.text(
        "faq-list-footer",
        &Args::new().num("page", page).num("pages", pages).str("tags", tags).str("tag", tag.unwrap_or("")),
    ));
    Ok(vec![Outgoing::reply(ctx.msg, body)])
}

/// `/faq search WORDS…`: the best entries, whatever the threshold.
fn search<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let words = cmd.required_text(&WORDS)?;
        let matcher = ctx.state::<FaqState>()?.matcher(ctx.store(), &ctx.community.id).await?;
        let mut found = matcher.rank(words, None);
        // A search in one language may be answered by the other's entries.
        if found.first().is_none_or(|m| m.score < 0.3) {
            let other = if tokenize(words).is_chinese() { Locale::En } else { Locale::Zh };
            found.extend(matcher.rank(words, Some(other)));
            found.sort_by(|a, b| b.score.total_cmp(&a.score));
        }
        let found: Vec<_> = found.into_iter().filter(|m| m.score >= 0.1).take(3).collect();
        if found.is_empty() {
            return Err(CommandError::member("faq-search-none", Args::new().str("words", words)));
        }
        let mut lines = Vec::new();
        for m in &found {
            if let Some(e) = ctx.store().faq().faq_entry(&ctx.community.id, &m.id).await? {
                lines.push(format!("{} — {} ({:.0}%)", e.id, e.question, m.score * 100.0));
            }
        }
        let mut body = ctx.text("faq-search", &Args::new().str("words", words));
        body.append(RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// A question and answer as moderators type them: first line the question,
/// the rest the answer; trailing `Link:`/`链接：` and `Tags:`/`标签：` lines.
struct Form {
    question: String,
    answer: String,
    link: Option<String>,
    tags: Vec<String>,
}

fn parse_form(text: &str) -> Result<Form, CommandError> {
    let (question, rest) = text.split_once('\n').unwrap_or((text, ""));
    let question = question.trim().to_owned();
    let mut answer = Vec::new();
    let (mut link, mut tags) = (None, Vec::new());
    for line in rest.lines() {
        let t = line.trim();
        if let Some(l) = ["Link:", "link:", "链接：", "链接:"].iter().find_map(|p| t.strip_prefix(p)) {
            link = Some(l.trim().to_owned());
        } else if let Some(l) = ["Tags:", "tags:", "标签：", "标签:"].iter().find_map(|p| t.strip_prefix(p)) {
            tags = l.split([',', '，', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect();
        } else {
            answer.push(line);
        }
    }
    let answer = answer.join("\n").trim().to_owned();
    if question.is_empty() {
        return Err(CommandError::member("faq-no-question", Args::new()));
    }
    if answer.is_empty() {
        return Err(CommandError::member("faq-no-answer", Args::new()));
    }
    if question.chars().count() > import::MAX_QUESTION_CHARS || answer.chars().count() > import::MAX_ANSWER_CHARS {
        return Err(CommandError::member(
            "faq-too-long",
            Args::new()
                .num("question", import::MAX_QUESTION_CHARS as i64)
                .num("answer", import::MAX_ANSWER_CHARS as i64),
        ));
    }
    Ok(Form { question, answer, link, tags })
}

pub(super) fn checked_id(id: &str) -> Result<String, CommandError> {
    let id = id.trim().to_lowercase();
    if !import::valid_id(&id) || RESERVED_IDS.contains(&id.as_str()) {
        return Err(CommandError::member("faq-bad-id", Args::new().str("id", id)));
    }
    Ok(id)
}

/// `/faq add ID QUESTION⏎ANSWER…`
fn add<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = checked_id(cmd.required_text(&ID)?)?;
        let form = parse_form(cmd.required_text(&TEXT)?)?;
        let entry = FaqEntry {
            id: id.clone(),
            lang: import::detect_lang(&form.question),
            question: form.question,
            answer: form.answer,
            link: form.link,
            tags: form.tags,
            ..FaqEntry::default()
        };
        if !ctx.store().faq().faq_insert(&ctx.community.id, &entry, ctx.now).await? {
            return Err(CommandError::member("faq-duplicate", Args::new().str("id", id)));
        }
        ctx.state::<FaqState>()?.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-added", &Args::new().str("id", id).str("question", entry.question))])
    })
}

/// `/faq edit ID QUESTION⏎ANSWER…`
fn edit<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = cmd.required_text(&ID)?.to_lowercase();
        let form = parse_form(cmd.required_text(&TEXT)?)?;
        if !ctx.store().faq().faq_update(&ctx.community.id, &id, &form.question, &form.answer, ctx.now).await? {
            return Err(unknown(&id));
        }
        ctx.state::<FaqState>()?.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-edited", &Args::new().str("id", id).str("question", form.question))])
    })
}

/// `/faq alias ID WORDING…`
fn alias<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = cmd.required_text(&ID)?.to_lowercase();
        let wording = cmd.required_text(&WORDING)?.trim();
        if ctx.store().faq().faq_entry(&ctx.community.id, &id).await?.is_none() {
            return Err(unknown(&id));
        }
        if wording.chars().count() > import::MAX_QUESTION_CHARS {
            return Err(CommandError::member(
                "faq-too-long",
                Args::new()
                    .num("question", import::MAX_QUESTION_CHARS as i64)
                    .num("answer", import::MAX_ANSWER_CHARS as i64),
            ));
        }
        if !ctx.store().faq().faq_add_alias(&ctx.community.id, &id, wording, "moderator", ctx.now).await? {
            return Err(CommandError::member("faq-alias-exists", Args::new().str("id", id)));
        }
        ctx.state::<FaqState>()?.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-alias-added", &Args::new().str("id", id).str("wording", wording))])
    })
}

/// A vocabulary line's problem, as the member reads it.
fn vocab_error(e: VocabError) -> CommandError {
    match e {
        VocabError::TooFew => CommandError::member("faq-synonym-too-few", Args::new()),
        VocabError::TooMany => {
            CommandError::member("faq-synonym-too-many", Args::new().num("max", vocab::MAX_TERMS as i64))
        }
        VocabError::Mixed(t) => CommandError::member("faq-synonym-mixed", Args::new().str("term", t)),
        VocabError::Empty(t) => CommandError::member("faq-synonym-empty", Args::new().str("term", t)),
        VocabError::TooLong(t) => CommandError::member(
            "faq-synonym-too-long",
            Args::new().str("term", t).num("max", vocab::MAX_TERM_CHARS as i64),
        ),
    }
}

/// `/faq synonym TERM = TERM…`: terms that mean the same in this
/// community, for matching questions to entries (both sides, either
/// language). A term already in a group joins the groups.
fn synonym<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let line = vocab::check_line(cmd.required_text(&TERMS)?).map_err(vocab_error)?;
        let community = &ctx.community.id;
        if ctx.store().faq().faq_synonyms(community).await?.len() >= MAX_SYNONYM_LINES {
            return Err(CommandError::member("faq-synonym-full", Args::new().num("max", MAX_SYNONYM_LINES as i64)));
        }
        if !ctx.store().faq().faq_add_synonym(community, &line, ctx.now).await? {
            return Err(CommandError::member("faq-synonym-exists", Args::new().str("terms", line)));
        }
        ctx.state::<FaqState>()?.invalidate(community).await;
        Ok(vec![ctx.reply("faq-synonym-added", &Args::new().str("terms", line))])
    })
}

/// `/faq unsynonym TERM` (every group of the community's with the term) or
/// `/faq unsynonym TERM = TERM…` (that group): removed at once, here and,
/// within seconds, on other instances. The default vocabulary stays.
fn unsynonym<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let what = cmd.required_text(&TERMS)?.trim();
        let community = &ctx.community.id;
        let lines = ctx.store().faq().faq_synonyms(community).await?;
        let named = match vocab::lines_named(&lines, what).map_err(vocab_error)? {
            vocab::Named::Lines(named) => named,
            vocab::Named::Builtin => {
                return Err(CommandError::member("faq-unsynonym-builtin", Args::new().str("term", what)));
            }
            vocab::Named::Nothing => {
                return Err(CommandError::member("faq-unsynonym-none", Args::new().str("term", what)));
            }
        };
        ctx.store().faq().faq_remove_synonyms(community, &named).await?;
        ctx.state::<FaqState>()?.invalidate(community).await;
        let mut body =
            ctx.text("faq-unsynonym-removed", &Args::new().num("count", named.len() as i64).str("term", what));
        // Moderators' text: plain, never markup.
        body.append(RichText::list(&named));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// Most vocabulary lines a community may add.
const MAX_SYNONYM_LINES: usize = 500;
/// Lines a page of `/faq synonyms` shows.
const SYNONYMS_PAGE: usize = 20;

/// `/faq synonyms [PAGE]`: the community's own groups of equivalent terms,
/// oldest first, a page at a time, and how many the default vocabulary has.
fn synonyms<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let page = cmd.int(&PAGE)?.unwrap_or(1);
        let lines = ctx.store().faq().faq_synonyms(&ctx.community.id).await?;
        let builtin = vocab::Vocabulary::postgres_default().lines().len() as i64;
        if lines.is_empty() {
            return Ok(vec![ctx.reply("faq-synonyms-none", &Args::new().num("builtin", builtin))]);
        }
        let pages = lines.len().div_ceil(SYNONYMS_PAGE) as i64;
        if page > pages {
            return Err(CommandError::member("faq-no-such-page", Args::new().num("page", page).num("pages", pages)));
        }
        let shown: Vec<String> =
            lines.iter().skip((page as usize - 1) * SYNONYMS_PAGE).take(SYNONYMS_PAGE).cloned().collect();
        let mut body = ctx.text("faq-synonyms", &Args::new().num("count", lines.len() as i64).num("builtin", builtin));
        // Moderators' text: plain, never markup.
        body.append(RichText::list(&shown));
        if pages > 1 {
            body.append(ctx.text("faq-synonyms-footer", &Args::new().num("page", page).num("pages", pages)));
        }
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// `/faq remove ID`
fn remove<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = cmd.required_text(&ID)?.to_lowercase();
        if !ctx.store().faq().faq_remove(&ctx.community.id, &id).await? {
            return Err(unknown(&id));
        }
        ctx.state::<FaqState>()?.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-removed", &Args::new().str("id", id))])
    })
}

/// Groups unanswered questions by similarity: (count, an example), most
/// asked first, only those asked more than once.
pub fn cluster_gaps(misses: &[String]) -> Vec<(usize, String)> {
    gap_clusters(misses).into_iter().map(|c| (c.len(), c[0].clone())).collect()
}

/// The same groups with every wording in each (the first is the example):
/// what `/faq gaps` numbers `G1`, `G2`… and `/faq draft G2` reads.
pub(super) fn gap_clusters(misses: &[String]) -> Vec<Vec<String>> {
    let mut clusters: Vec<(normalize::Tokens, Vec<String>)> = Vec::new();
    for text in misses {
        let tokens = tokenize(text);
        match clusters.iter_mut().find(|(rep, _)| matcher::similarity(rep, &tokens) >= GAP_SIMILARITY) {
            Some(c) => c.1.push(text.clone()),
            None => clusters.push((tokens, vec![text.clone()])),
        }
    }
    let mut out: Vec<Vec<String>> = clusters.into_iter().map(|c| c.1).filter(|c| c.len() >= 2).collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.len()));
    out
}

/// The gaps of the community's `gaps_days`, the misses waiting written first.
pub(super) async fn current_gaps(ctx: &Ctx<'_>) -> Result<Vec<Vec<String>>, CommandError> {
    let since = ctx.now - Duration::days(ctx.community.features.faq.gaps_days);
    ctx.state::<FaqState>()?.flush_misses(ctx.store()).await;
    let misses = ctx.store().faq().faq_misses_since(&ctx.community.id, since, 1000).await?;
    let texts: Vec<String> = misses.into_iter().map(|m| m.text).collect();
    Ok(gap_clusters(&texts))
}

/// The gaps of the community's `gaps_days` up to `now`, as the dashboard
/// shows them: (times asked, an example), most asked first.
pub async fn gaps_of(
    engine: &crate::engine::Engine,
    community: &crate::community::Community,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(usize, String)>, crate::store::StoreError> {
    let since = now - Duration::days(community.features.faq.gaps_days);
    if let Some(state) = engine.state::<FaqState>() {
        state.flush_misses(engine.store()).await;
    }
    let misses = engine.store().faq().faq_misses_since(&community.id, since, 1000).await?;
    let texts: Vec<String> = misses.into_iter().map(|m| m.text).collect();
    Ok(cluster_gaps(&texts))
}

/// `/faq gaps`: questions asked repeatedly that nothing answered, numbered
/// for `/faq draft G1`.
fn gaps<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let days = ctx.community.features.faq.gaps_days;
        let clusters = current_gaps(ctx).await?;
        if clusters.is_empty() {
            return Ok(vec![ctx.reply("faq-gaps-none", &Args::new().num("days", days))]);
        }
        let lines: Vec<String> =
            clusters.iter().take(10).enumerate().map(|(i, c)| format!("G{} ×{} {}", i + 1, c.len(), c[0])).collect();
        let mut body = ctx.text("faq-gaps", &Args::new().num("days", days).num("count", clusters.len() as i64));
        body.append(RichText::list(&lines));
        if crate::llm::model_of(ctx.engine).is_some() {
            body.append(ctx.text("faq-gaps-draft", &Args::new()));
        }
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_ids() {
        let f = parse_form("怎么看版本？\nselect version();\n链接：https://x\n标签：运维, 入门")
            .unwrap_or_else(|_| panic!("form"));
        assert_eq!(f.question, "怎么看版本？");
        assert_eq!(f.answer, "select version();");
        assert_eq!(f.link.as_deref(), Some("https://x"));
        assert_eq!(f.tags, vec!["运维", "入门"]);
        assert!(parse_form("only a question").is_err());
        assert!(checked_id("search").is_err() && checked_id("Vacuum-Full").is_ok());
    }

    #[test]
    fn gaps_cluster_similar_questions() {
        let misses: Vec<String> = ["pg_cron 怎么装？", "怎么安装 pg_cron？", "pg_cron 如何安装", "今天几号？"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let c = cluster_gaps(&misses);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, 3);
    }
}
