//! FAQ redirection: spots a question in chat that the FAQ already answers
//! and points to the entry, once, briefly; moderators redirect by replying
//! `/faq ID`, and each such redirect teaches the matcher the member's
//! wording. Members saying "没用 / not helpful" to a redirect count against
//! the entry and record the wording as a negative example; questions
//! nothing answered are kept as FAQ gaps for moderators.
//!
//! Grammar: `/faq [ID|TAG] [PAGE]` · `/faq search WORDS…` · (moderators)
//! `/faq add ID QUESTION⏎ANSWER…` · `/faq edit ID QUESTION⏎ANSWER…` ·
//! `/faq alias ID WORDING…` · `/faq remove ID` · `/faq gaps` · a reply
//! `/faq ID` (or `/redirect ID`) to a member's message.

pub mod digest;
pub mod eval;
pub mod import;
pub mod matcher;
pub mod normalize;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;
use serde::{Deserialize, Serialize};

use self::matcher::{MatchEntry, Matcher};
use self::normalize::{fold, looks_like_question, tokenize};
use crate::command::{ArgKind, ArgSpec, BoxFuture, CommandSpec, ParsedCommand, Permission};
use crate::engine::{CommandError, CommandResult, Ctx};
use crate::i18n::{Args, Locale};
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::store::faq::{FaqCounter, FaqEntry, Miss, Redirect};
use crate::store::{Store, StoreError};

/// `[features.faq]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaqConfig {
    /// Redirect questions automatically (moderator redirects and the
    /// commands work either way).
    pub enabled: bool,
    /// Confidence (0–1) a Chinese question needs for an automatic redirect.
    pub threshold_zh: f64,
    /// Confidence (0–1) an English question needs for an automatic redirect.
    pub threshold_en: f64,
    /// The same entry is pointed to at most once per chat in this many minutes.
    pub entry_cooldown_minutes: i64,
    /// At most this many automatic redirects per chat per hour.
    pub max_redirects_per_hour: i64,
    /// How much of the answer a redirect shows (characters).
    pub preview_chars: usize,
    /// How far back `/faq gaps` looks (days).
    pub gaps_days: i64,
}

impl Default for FaqConfig {
    fn default() -> FaqConfig {
        FaqConfig {
            enabled: true,
            threshold_zh: 0.34,
            threshold_en: 0.46,
            entry_cooldown_minutes: 10,
            max_redirects_per_hour: 6,
            preview_chars: 120,
            gaps_days: 30,
        }
    }
}

impl FaqConfig {
    /// The operating threshold for a language.
    pub fn threshold(&self, lang: Locale) -> f64 {
        match lang {
            Locale::Zh => self.threshold_zh,
            Locale::En => self.threshold_en,
        }
    }
}

/// The FAQ commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: None,
        aliases: &["redirect", "常见问题"],
        permission: Permission::Member,
        args: &[ArgSpec::optional("ID", ArgKind::Word), ArgSpec::optional("PAGE", ArgKind::Int { min: 1, max: 1000 })],
        run: show,
    },
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: Some("search"),
        aliases: &[],
        permission: Permission::Member,
        args: &[ArgSpec::required("WORDS", ArgKind::Rest)],
        run: search,
    },
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: Some("add"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("ID", ArgKind::Word), ArgSpec::required("TEXT", ArgKind::Rest)],
        run: add,
    },
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: Some("edit"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("ID", ArgKind::Word), ArgSpec::required("TEXT", ArgKind::Rest)],
        run: edit,
    },
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: Some("alias"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("ID", ArgKind::Word), ArgSpec::required("WORDING", ArgKind::Rest)],
        run: alias,
    },
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: Some("remove"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("ID", ArgKind::Word)],
        run: remove,
    },
    CommandSpec {
        feature: "faq",
        name: "faq",
        sub: Some("gaps"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: gaps,
    },
];

/// Words that are subcommands, so they cannot be entry ids.
const RESERVED_IDS: &[&str] = &["search", "add", "edit", "alias", "remove", "gaps"];

/// Entries per page of `/faq`.
const PAGE_SIZE: usize = 10;

/// Messages longer than this are pastes (logs, code), not questions.
const MAX_QUESTION_CHARS: usize = 600;

/// Below this confidence a question counts as unanswered (a FAQ gap).
const GAP_SCORE: f32 = 0.25;

/// Unanswered questions this similar are one gap.
const GAP_SIMILARITY: f32 = 0.5;

/// How long after a redirect its asker's "没用" or "谢谢" counts as feedback.
const FEEDBACK_MINUTES: i64 = 10;

/// The matcher of each community, built on first use and rebuilt after the
/// FAQ changes. Owned by the engine.
#[derive(Debug, Default)]
pub struct FaqState {
    matchers: tokio::sync::RwLock<HashMap<String, Arc<Matcher>>>,
    /// Unanswered questions waiting for their group commit: (community, miss).
    misses: std::sync::Mutex<Vec<(String, Miss)>>,
    /// One write of misses at a time.
    writing: tokio::sync::Mutex<()>,
}

/// Write misses early when this many are waiting.
const MISS_BATCH: usize = 256;
/// Keep at most this many misses waiting while the database is unreachable.
const MAX_PENDING_MISSES: usize = 10_000;

impl FaqState {
    /// The community's matcher, built from the store when missing.
    pub async fn matcher(&self, store: &dyn Store, community: &str) -> Result<Arc<Matcher>, StoreError> {
        if let Some(m) = self.matchers.read().await.get(community) {
            return Ok(m.clone());
        }
        let entries = store.faq_entries(community).await?;
        let matcher = Arc::new(build_matcher(&entries));
        self.matchers.write().await.insert(community.to_owned(), matcher.clone());
        Ok(matcher)
    }

    /// Queues an unanswered question for the next group commit (misses are
    /// statistics for `/faq gaps`: like activity points, at most the last
    /// flush window of them is lost if the process dies). Returns whether
    /// enough are waiting to write them now.
    fn queue_miss(&self, community: &str, miss: Miss) -> bool {
        let mut misses = self.misses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if misses.len() < MAX_PENDING_MISSES {
            misses.push((community.to_owned(), miss));
        }
        misses.len() >= MISS_BATCH
    }

    /// Writes the waiting misses in one transaction. On a database error
    /// they stay queued for the next flush.
    pub async fn flush_misses(&self, store: &dyn Store) {
        let _one_at_a_time = self.writing.lock().await;
        let batch = std::mem::take(&mut *self.misses.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.faq_record_misses(&batch).await {
            tracing::error!(error = %e, misses = batch.len(), "unanswered questions not written yet; will retry");
            let mut misses = self.misses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let room = MAX_PENDING_MISSES.saturating_sub(misses.len());
            misses.splice(0..0, batch.into_iter().take(room));
        }
    }

    /// Forgets a community's matcher; the next message rebuilds it.
    pub async fn invalidate(&self, community: &str) {
        self.matchers.write().await.remove(community);
    }
}

/// Builds the matcher over stored entries (also what `jixia faq eval`
/// uses), teaching the segmenter the entries' tags first.
pub fn build_matcher(entries: &[FaqEntry]) -> Matcher {
    for tag in entries.iter().flat_map(|e| &e.tags) {
        normalize::add_domain_word(tag);
    }
    let entries: Vec<MatchEntry> = entries
        .iter()
        .map(|e| MatchEntry {
            id: e.id.clone(),
            lang: e.lang,
            question: e.question.clone(),
            answer: e.answer.clone(),
            aliases: e.aliases.clone(),
            negatives: e.negatives.clone(),
        })
        .collect();
    Matcher::build(&entries)
}

/// The start of an answer, cut at a character boundary.
fn preview(answer: &str, chars: usize) -> String {
    let flat = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= chars { flat } else { format!("{}…", flat.chars().take(chars).collect::<String>()) }
}

/// The redirect message: question, the start of the answer, the link, and
/// how to say it did not help.
fn redirect_text(ctx: &Ctx<'_>, entry: &FaqEntry) -> RichText {
    let preview_chars = ctx.community.features.faq.preview_chars;
    let mut body = ctx.text(
        "faq-redirect",
        &Args::new()
            .str("id", entry.id.clone())
            .str("question", entry.question.clone())
            .str("answer", preview(&entry.answer, preview_chars)),
    );
    if let Some(link) = &entry.link {
        body.append(ctx.text("faq-link", &Args::new().str("link", link.clone())));
    }
    body.append(ctx.text("faq-redirect-hint", &Args::new().str("id", entry.id.clone())));
    body
}

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
        let Some(wanted) = cmd.text("ID").map(str::to_lowercase) else {
            return list(ctx, None, cmd.int("PAGE").unwrap_or(1)).await;
        };
        if let Some(entry) = ctx.store().faq_entry(community, &wanted).await? {
            if cmd.int("PAGE").is_some() {
                return Err(CommandError::member("faq-no-page", Args::new().str("id", wanted)));
            }
            ctx.store().faq_count(community, &entry.id, FaqCounter::Hit).await?;
            if let Some(to) = &ctx.msg.reply_to
                && to.author.as_ref().is_none_or(|a| !a.is_bot && a.id != ctx.msg.sender.id)
            {
                return redirect_by_hand(ctx, &entry).await;
            }
            return Ok(vec![Outgoing::reply(ctx.msg, entry_card(ctx, &entry))]);
        }
        let entries = ctx.store().faq_entries(community).await?;
        if entries.iter().any(|e| e.tags.iter().any(|t| t.to_lowercase() == wanted)) {
            return list_of(ctx, &entries, Some(&wanted), cmd.int("PAGE").unwrap_or(1));
        }
        match wanted.parse::<i64>() {
            Ok(page) if cmd.int("PAGE").is_none() && page >= 1 => list_of(ctx, &entries, None, page),
            _ => Err(unknown(&wanted)),
        }
    })
}

/// A moderator (or anyone) answered a member's message with `/faq ID`.
async fn redirect_by_hand(ctx: &Ctx<'_>, entry: &FaqEntry) -> CommandResult {
    let Some(to) = &ctx.msg.reply_to else { return Ok(Vec::new()) };
    let community = &ctx.community.id;
    let mut answer = Outgoing::reply(ctx.msg, redirect_text(ctx, entry));
    answer.reply_to = Some(to.message_id.clone());
    let mut out = vec![answer];
    let asker = match &to.author {
        Some(a) => ctx.store().find_account(community, ctx.msg.chat.platform, &a.id).await?.map(|m| m.id),
        None => None,
    };
    let wording = to.text.as_deref().map(str::trim).unwrap_or_default();
    ctx.store()
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
    // Only moderators teach the matcher, and only with real questions.
    let learnable = ctx.role >= Permission::Moderator
        && !wording.is_empty()
        && wording.chars().count() <= import::MAX_QUESTION_CHARS
        && !wording.starts_with(['/', '!', '／', '！'])
        && !tokenize(wording).words.is_empty()
        && fold(wording) != fold(&entry.question);
    if learnable && ctx.store().faq_add_alias(community, &entry.id, wording, "redirect", ctx.now).await? {
        ctx.engine.faq.invalidate(community).await;
        let note = ctx.text("faq-learned", &Args::new().str("id", entry.id.clone()).str("wording", wording));
        out.push(Outgoing::direct(ctx.msg.chat.platform, ctx.msg.sender.id.clone(), note));
    }
    Ok(out)
}

async fn list(ctx: &Ctx<'_>, tag: Option<&str>, page: i64) -> CommandResult {
    let entries = ctx.store().faq_entries(&ctx.community.id).await?;
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
        let words = cmd.text("WORDS").unwrap_or_default();
        let matcher = ctx.engine.faq.matcher(ctx.store(), &ctx.community.id).await?;
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
            if let Some(e) = ctx.store().faq_entry(&ctx.community.id, &m.id).await? {
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

fn checked_id(id: &str) -> Result<String, CommandError> {
    let id = id.trim().to_lowercase();
    if !import::valid_id(&id) || RESERVED_IDS.contains(&id.as_str()) {
        return Err(CommandError::member("faq-bad-id", Args::new().str("id", id)));
    }
    Ok(id)
}

/// `/faq add ID QUESTION⏎ANSWER…`
fn add<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = checked_id(cmd.text("ID").unwrap_or_default())?;
        let form = parse_form(cmd.text("TEXT").unwrap_or_default())?;
        let entry = FaqEntry {
            id: id.clone(),
            lang: import::detect_lang(&form.question),
            question: form.question,
            answer: form.answer,
            link: form.link,
            tags: form.tags,
            ..FaqEntry::default()
        };
        if !ctx.store().faq_insert(&ctx.community.id, &entry, ctx.now).await? {
            return Err(CommandError::member("faq-duplicate", Args::new().str("id", id)));
        }
        ctx.engine.faq.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-added", &Args::new().str("id", id).str("question", entry.question))])
    })
}

/// `/faq edit ID QUESTION⏎ANSWER…`
fn edit<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = cmd.text("ID").unwrap_or_default().to_lowercase();
        let form = parse_form(cmd.text("TEXT").unwrap_or_default())?;
        if !ctx.store().faq_update(&ctx.community.id, &id, &form.question, &form.answer, ctx.now).await? {
            return Err(unknown(&id));
        }
        ctx.engine.faq.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-edited", &Args::new().str("id", id).str("question", form.question))])
    })
}

/// `/faq alias ID WORDING…`
fn alias<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = cmd.text("ID").unwrap_or_default().to_lowercase();
        let wording = cmd.text("WORDING").unwrap_or_default().trim();
        if ctx.store().faq_entry(&ctx.community.id, &id).await?.is_none() {
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
        if !ctx.store().faq_add_alias(&ctx.community.id, &id, wording, "moderator", ctx.now).await? {
            return Err(CommandError::member("faq-alias-exists", Args::new().str("id", id)));
        }
        ctx.engine.faq.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-alias-added", &Args::new().str("id", id).str("wording", wording))])
    })
}

/// `/faq remove ID`
fn remove<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let id = cmd.text("ID").unwrap_or_default().to_lowercase();
        if !ctx.store().faq_remove(&ctx.community.id, &id).await? {
            return Err(unknown(&id));
        }
        ctx.engine.faq.invalidate(&ctx.community.id).await;
        Ok(vec![ctx.reply("faq-removed", &Args::new().str("id", id))])
    })
}

/// Groups unanswered questions by similarity: (count, an example), most
/// asked first, only those asked more than once.
pub fn cluster_gaps(misses: &[String]) -> Vec<(usize, String)> {
    let mut clusters: Vec<(normalize::Tokens, usize, String)> = Vec::new();
    for text in misses {
        let tokens = tokenize(text);
        match clusters.iter_mut().find(|(rep, _, _)| matcher::similarity(rep, &tokens) >= GAP_SIMILARITY) {
            Some(c) => c.1 += 1,
            None => clusters.push((tokens, 1, text.clone())),
        }
    }
    let mut out: Vec<(usize, String)> =
        clusters.into_iter().filter(|c| c.1 >= 2).map(|(_, n, example)| (n, example)).collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.0));
    out
}

/// `/faq gaps`: questions asked repeatedly that nothing answered.
fn gaps<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let days = ctx.community.features.faq.gaps_days;
        let since = ctx.now - Duration::days(days);
        ctx.engine.faq.flush_misses(ctx.store()).await;
        let misses = ctx.store().faq_misses_since(&ctx.community.id, since, 1000).await?;
        let texts: Vec<String> = misses.into_iter().map(|m| m.text).collect();
        let clusters = cluster_gaps(&texts);
        if clusters.is_empty() {
            return Ok(vec![ctx.reply("faq-gaps-none", &Args::new().num("days", days))]);
        }
        let lines: Vec<String> = clusters.iter().take(10).map(|(n, q)| format!("×{n} {q}")).collect();
        let mut body = ctx.text("faq-gaps", &Args::new().num("days", days).num("count", clusters.len() as i64));
        body.append(RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// Passive redirection: every message that is not a command. Store errors
/// are logged; a member never sees an error for a message that was not a
/// command.
pub async fn observe(ctx: &Ctx<'_>) -> Vec<Outgoing> {
    if !ctx.community.features.faq.enabled {
        return Vec::new();
    }
    match redirect_or_feedback(ctx).await {
        Ok(out) => out,
        Err(e) => {
            tracing::error!(error = %e, chat = %ctx.msg.chat.key(), "faq redirection failed");
            Vec::new()
        }
    }
}

/// What a member's reaction to a redirect says.
fn feedback_of(text: &str) -> Option<FaqCounter> {
    let folded: String = fold(text).chars().filter(|c| c.is_alphanumeric() || !c.is_ascii()).collect();
    let folded: String = folded.chars().filter(|c| !matches!(c, '。' | '！' | '，' | '～' | '…' | '？')).collect();
    const UNHELPFUL: &[&str] = &[
        "没用",
        "没有用",
        "没帮助",
        "没有帮助",
        "不对",
        "答非所问",
        "不是这个",
        "没帮上",
        "无用",
        "nothelpful",
        "unhelpful",
        "didnthelp",
        "didnothelp",
        "wronganswer",
        "notthis",
        "👎",
    ];
    const HELPFUL: &[&str] = &["有用", "有帮助", "谢谢", "感谢", "多谢", "thanks", "thankyou", "thx", "helpful", "👍"];
    if UNHELPFUL.contains(&folded.as_str()) {
        Some(FaqCounter::Unhelpful)
    } else if HELPFUL.contains(&folded.as_str()) {
        Some(FaqCounter::Helpful)
    } else {
        None
    }
}

async fn redirect_or_feedback(ctx: &Ctx<'_>) -> Result<Vec<Outgoing>, StoreError> {
    let text = ctx.msg.text.trim();
    if let Some(kind) = feedback_of(text) {
        return feedback(ctx, kind).await;
    }
    if text.chars().count() > MAX_QUESTION_CHARS || !(looks_like_question(text) || ctx.msg.mentions_bot) {
        return Ok(Vec::new());
    }
    let config = &ctx.community.features.faq;
    let community = &ctx.community.id;
    let tokens = tokenize(text);
    if tokens.words.is_empty() && tokens.grams.len() < 2 {
        return Ok(Vec::new());
    }
    let lang = if tokens.is_chinese() { Locale::Zh } else { Locale::En };
    let matcher = ctx.engine.faq.matcher(ctx.store(), community).await?;
    let best = matcher.best(text, Some(lang));
    let score = best.as_ref().map_or(0.0, |m| m.score);
    let Some(best) = best.filter(|m| m.score >= config.threshold(lang) as f32) else {
        if score < GAP_SCORE && tokens.words.len() >= 2 {
            let miss = Miss { chat: ctx.msg.chat.key(), text: text.to_owned(), at: ctx.now };
            if ctx.engine.faq.queue_miss(community, miss) {
                ctx.engine.faq.flush_misses(ctx.store()).await;
            }
        }
        return Ok(Vec::new());
    };
    let chat = ctx.msg.chat.key();
    let cooldown = Duration::minutes(config.entry_cooldown_minutes);
    let recent = ctx.store().faq_redirects_since(community, &chat, ctx.now - cooldown.max(Duration::hours(1))).await?;
    if recent.iter().any(|r| r.entry_id == best.id && r.at > ctx.now - cooldown) {
        return Ok(Vec::new());
    }
    let last_hour = recent.iter().filter(|r| r.automatic && r.at > ctx.now - Duration::hours(1)).count();
    if last_hour as i64 >= config.max_redirects_per_hour {
        return Ok(Vec::new());
    }
    let Some(entry) = ctx.store().faq_entry(community, &best.id).await? else { return Ok(Vec::new()) };
    let redirect = Redirect {
        chat,
        entry_id: entry.id.clone(),
        asker: Some(ctx.member.id),
        query: text.to_owned(),
        automatic: true,
        at: ctx.now,
    };
    ctx.store().faq_record_redirect(community, &redirect).await?;
    ctx.store().faq_count(community, &entry.id, FaqCounter::Hit).await?;
    Ok(vec![Outgoing::reply(ctx.msg, redirect_text(ctx, &entry))])
}

/// "没用" or "谢谢" said to a redirect: as a reply to the bot's redirect, or
/// by the member who was redirected, shortly after.
async fn feedback(ctx: &Ctx<'_>, kind: FaqCounter) -> Result<Vec<Outgoing>, StoreError> {
    let community = &ctx.community.id;
    let since = ctx.now - Duration::minutes(FEEDBACK_MINUTES);
    let recent = ctx.store().faq_redirects_since(community, &ctx.msg.chat.key(), since).await?;
    let to_bot = ctx.msg.reply_to.as_ref().filter(|r| r.author.as_ref().is_some_and(|a| a.is_bot));
    let redirect = match to_bot {
        // The redirect replied to names its entry.
        Some(r) => {
            let replied = r.text.as_deref().unwrap_or_default();
            recent.iter().find(|x| replied.contains(&x.entry_id)).or_else(|| recent.first())
        }
        None => recent.iter().find(|x| x.asker == Some(ctx.member.id)),
    };
    let Some(redirect) = redirect else { return Ok(Vec::new()) };
    ctx.store().faq_count(community, &redirect.entry_id, kind).await?;
    if kind != FaqCounter::Unhelpful {
        return Ok(Vec::new());
    }
    if !redirect.query.is_empty() && redirect.automatic {
        ctx.store().faq_add_negative(community, &redirect.entry_id, &redirect.query, ctx.now).await?;
        ctx.engine.faq.invalidate(community).await;
    }
    Ok(vec![ctx.reply("faq-feedback-noted", &Args::new().str("id", redirect.entry_id.clone()))])
}

impl FaqConfig {
    /// The ranges of `[features.faq]` (`prefix` names the section).
    pub fn validate(&self, prefix: &str) -> Result<(), crate::config::ConfigError> {
        use crate::config::check_range;
        check_range(prefix, "threshold_zh", self.threshold_zh, 0.0..=1.0)?;
        check_range(prefix, "threshold_en", self.threshold_en, 0.0..=1.0)?;
        check_range(prefix, "entry_cooldown_minutes", self.entry_cooldown_minutes, 0..=10_080)?;
        check_range(prefix, "max_redirects_per_hour", self.max_redirects_per_hour, 0..=1000)?;
        check_range(prefix, "preview_chars", self.preview_chars, 0..=import::MAX_ANSWER_CHARS)?;
        check_range(prefix, "gaps_days", self.gaps_days, 1..=366)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_words() {
        assert_eq!(feedback_of("没用"), Some(FaqCounter::Unhelpful));
        assert_eq!(feedback_of("没用。"), Some(FaqCounter::Unhelpful));
        assert_eq!(feedback_of("Not helpful!"), Some(FaqCounter::Unhelpful));
        assert_eq!(feedback_of("谢谢！"), Some(FaqCounter::Helpful));
        assert_eq!(feedback_of("这个没用过"), None);
    }

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

    #[test]
    fn thresholds_are_per_language() {
        let c = FaqConfig::default();
        assert!(c.threshold(Locale::Zh) < c.threshold(Locale::En));
        assert!((0.0..1.0).contains(&c.threshold(Locale::Zh)));
    }
}
