//! Passive redirection: a message that looks like a question and matches an
//! entry above the language's threshold gets the entry, once per cooldown
//! and within the chat's hourly cap; "没用 / not helpful" said to a redirect
//! counts against the entry and teaches the matcher a negative example, and
//! so does a 👎 reaction on the redirect (a 👍 counts for it);
//! questions nothing answered are queued as FAQ gaps.

use std::sync::Arc;

use chrono::Duration;

use super::matcher::{Match, Matcher};
use super::normalize::{Tokens, fold};
use super::semantic::{self, Embedder, FaqServices};
use super::state::FaqState;
use super::store::{FaqCounter, FaqEntry, Miss, Redirect};
use crate::BoxFuture;
use crate::features::Observed;
use crate::handler::Ctx;
use crate::i18n::{Args, Locale};
use crate::message::{Outgoing, Reaction};
use crate::rich::RichText;
use crate::store::StoreError;

/// Messages longer than this are pastes (logs, code), not questions.
const MAX_QUESTION_CHARS: usize = 600;

/// Below this confidence a question counts as unanswered (a FAQ gap).
const GAP_SCORE: f32 = 0.25;

/// How long after a redirect its asker's "没用" or "谢谢" counts as feedback.
const FEEDBACK_MINUTES: i64 = 10;

/// The start of an answer, cut at a character boundary.
pub(super) fn preview(answer: &str, chars: usize) -> String {
    let flat = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= chars { flat } else { format!("{}…", flat.chars().take(chars).collect::<String>()) }
}

/// The redirect message: question, the start of the answer, the link, and
/// how to say it did not help, in `lang`: the language the question was
/// asked in, whatever the community's or the member's default.
pub(super) fn redirect_text(ctx: &Ctx<'_>, entry: &FaqEntry, lang: Locale) -> RichText {
    let preview_chars = ctx.community.features.faq.preview_chars;
    let text = |key: &str, args: &Args| ctx.engine.prompts().format(lang, key, args);
    let mut body = text(
        "faq-redirect",
        &Args::new()
            .str("id", entry.id.clone())
            .str("question", entry.question.clone())
            .str("answer", preview(&entry.answer, preview_chars)),
    );
    if let Some(link) = &entry.link {
        body.append(text("faq-link", &Args::new().str("link", link.clone())));
    }
    body.append(text("faq-redirect-hint", &Args::new().str("id", entry.id.clone())));
    body
}

/// Passive redirection: every message that is not a command. Store errors
/// are logged; a member never sees an error for a message that was not a
/// command.
pub fn observe<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        let Some(state) = ctx.engine.state::<FaqState>() else { return Observed::default() };
        match redirect_or_feedback(ctx, state).await {
            Ok(out) => Observed::pass(out),
            Err(e) => {
                tracing::error!(error = %e, chat = %ctx.msg.chat.key(), "faq redirection failed");
                Observed::default()
            }
        }
    })
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

async fn redirect_or_feedback(ctx: &Ctx<'_>, state: &FaqState) -> Result<Vec<Outgoing>, StoreError> {
    let text = ctx.msg.text.trim();
    if let Some(kind) = feedback_of(text) {
        return feedback(ctx, state, kind).await;
    }
    if text.chars().count() > MAX_QUESTION_CHARS || !(ctx.asks() || ctx.msg.mentions_bot) {
        return Ok(Vec::new());
    }
    let config = &ctx.community.features.faq;
    let community = &ctx.community.id;
    let matcher = state.matcher(ctx.store(), community).await?;
    let tokens = matcher.tokenize(text);
    if tokens.words.is_empty() && tokens.grams.len() < 2 {
        return Ok(Vec::new());
    }
    // What the community's questions say about its words (written with the
    // group commit; the weights follow when the matcher is next rebuilt).
    state.count_terms(community, &tokens.words);
    let lang = if tokens.is_chinese() { Locale::Zh } else { Locale::En };
    let ranked = matcher.rank_tokens(&tokens, Some(lang));
    let score = ranked.first().map_or(0.0, |m| m.score);
    let threshold = config.threshold(lang) as f32;
    let embedder = ctx.engine.state::<FaqServices>().and_then(|s| s.embedder.as_ref());
    let best = match embedder {
        Some(embedder) if config.semantic.enabled => {
            let asked = Asked { text, tokens: &tokens, lang, threshold };
            by_meaning(ctx, state, embedder, &matcher, &asked, &ranked).await
        }
        _ => ranked.into_iter().next().filter(|m| m.score >= threshold),
    };
    let Some(best) = best else {
        if score < GAP_SCORE && tokens.words.len() >= 2 {
            let miss = Miss { chat: ctx.msg.chat.key(), text: text.to_owned(), at: ctx.now };
            if state.queue_miss(community, miss) {
                ctx.engine.commit_soon();
            }
        }
        return Ok(Vec::new());
    };
    let chat = ctx.msg.chat.key();
    let cooldown = Duration::minutes(config.entry_cooldown_minutes);
    let recent =
        ctx.store().faq().faq_redirects_since(community, &chat, ctx.now - cooldown.max(Duration::hours(1))).await?;
    if recent.iter().any(|r| r.entry_id == best.id && r.at > ctx.now - cooldown) {
        return Ok(Vec::new());
    }
    let last_hour = recent.iter().filter(|r| r.automatic && r.at > ctx.now - Duration::hours(1)).count();
    if last_hour as i64 >= config.max_redirects_per_hour {
        return Ok(Vec::new());
    }
    let Some(entry) = ctx.store().faq().faq_entry(community, &best.id).await? else { return Ok(Vec::new()) };
    let redirect = Redirect {
        chat,
        entry_id: entry.id.clone(),
        asker: Some(ctx.member.id),
        query: text.to_owned(),
        automatic: true,
        at: ctx.now,
    };
    let id = ctx.store().faq().faq_record_redirect(community, &redirect).await?;
    ctx.store().faq().faq_count(community, &entry.id, FaqCounter::Hit).await?;
    crate::metrics::metrics().redirect();
    let mut out = Outgoing::reply(ctx.msg, redirect_text(ctx, &entry, lang));
    out.track = Some(track(id));
    Ok(vec![out])
}

/// A question as the matcher saw it.
struct Asked<'a> {
    text: &'a str,
    tokens: &'a Tokens,
    lang: Locale,
    /// The lexical threshold of its language.
    threshold: f32,
}

/// The lexical candidates re-ranked, or one added, by the cosine of the
/// question with the entries ([`semantic::decide`]); the lexical choice when
/// there are no entry vectors yet or the endpoint fails.
async fn by_meaning(
    ctx: &Ctx<'_>,
    state: &FaqState,
    embedder: &Arc<dyn Embedder>,
    matcher: &Arc<Matcher>,
    asked: &Asked<'_>,
    ranked: &[Match],
) -> Option<Match> {
    let config = &ctx.community.features.faq.semantic;
    let lexical = || ranked.first().filter(|m| m.score >= asked.threshold).cloned();
    let semantic = &state.semantic;
    let vectors = semantic.vectors_for(ctx.store(), embedder, &ctx.community.id, matcher, config, ctx.now);
    let Some(vectors) = vectors.filter(|v| v.covers(asked.lang)) else { return lexical() };
    let dims = semantic::dims(&vectors);
    let Some(query) = semantic.embed_question(embedder.as_ref(), asked.text, dims, config, ctx.now).await else {
        return lexical();
    };
    let cosines = semantic::cosines(&vectors, &query, asked.lang);
    let vetoed = semantic::vetoed_by(matcher, asked.tokens, asked.lang);
    semantic::decide(ranked, &cosines, asked.threshold, config, &vetoed)
}

/// How a redirect's message is tracked ([`Outgoing::track`]): `faq:ID`.
pub(super) fn track(redirect_id: i64) -> String {
    format!("faq:{redirect_id}")
}

/// Reactions to the bot's redirect are feedback: 👎 "not helpful" (the
/// asker's wording becomes a negative example of the entry, as when they
/// say "没用"), 👍 "helpful". Each member counts once per redirect; taking
/// the reaction back takes the count back. Silent: nothing is said in the
/// group.
pub fn react<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        let Some(r) = &ctx.msg.reaction else { return Observed::default() };
        let has = |list: &[String], emoji: char| list.iter().any(|e| e.starts_with(emoji));
        let changes: Vec<(FaqCounter, bool)> = [
            (FaqCounter::Unhelpful, true, has(&r.added, '👎')),
            (FaqCounter::Unhelpful, false, has(&r.removed, '👎')),
            (FaqCounter::Helpful, true, has(&r.added, '👍')),
            (FaqCounter::Helpful, false, has(&r.removed, '👍')),
        ]
        .into_iter()
        .filter_map(|(kind, on, seen)| seen.then_some((kind, on)))
        .collect();
        if changes.is_empty() {
            return Observed::default();
        }
        match reaction_feedback(ctx, r, &changes).await {
            Ok(true) => Observed::handled(Vec::new()),
            Ok(false) => Observed::default(),
            Err(e) => {
                tracing::error!(error = %e, chat = %ctx.msg.chat.key(), "faq feedback by reaction failed");
                Observed::default()
            }
        }
    })
}

/// Applies reaction feedback if the message reacted to is one of our
/// redirects; `false` if it is not.
async fn reaction_feedback(ctx: &Ctx<'_>, r: &Reaction, changes: &[(FaqCounter, bool)]) -> Result<bool, StoreError> {
    let chat = &ctx.msg.chat;
    let Some(tracked) = ctx.store().sent().sent_track(chat.platform, &chat.id, &r.message_id).await? else {
        return Ok(false);
    };
    let Some(id) = tracked.strip_prefix("faq:").and_then(|id| id.parse::<i64>().ok()) else { return Ok(false) };
    let community = &ctx.community.id;
    let faq = ctx.store().faq();
    let Some(redirect) = faq.faq_redirect(community, id).await? else { return Ok(false) };
    for &(kind, on) in changes {
        let changed = faq.faq_feedback(community, id, &redirect.entry_id, ctx.member.id, kind, on, ctx.now).await?;
        if changed && on && kind == FaqCounter::Unhelpful && redirect.automatic && !redirect.query.is_empty() {
            faq.faq_add_negative(community, &redirect.entry_id, &redirect.query, ctx.now).await?;
            if let Some(state) = ctx.engine.state::<FaqState>() {
                state.invalidate(community).await;
            }
        }
    }
    Ok(true)
}

/// "没用" or "谢谢" said to a redirect: as a reply to the bot's redirect, or
/// by the member who was redirected, shortly after.
async fn feedback(ctx: &Ctx<'_>, state: &FaqState, kind: FaqCounter) -> Result<Vec<Outgoing>, StoreError> {
    let community = &ctx.community.id;
    let since = ctx.now - Duration::minutes(FEEDBACK_MINUTES);
    let recent = ctx.store().faq().faq_redirects_since(community, &ctx.msg.chat.key(), since).await?;
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
    ctx.store().faq().faq_count(community, &redirect.entry_id, kind).await?;
    if kind != FaqCounter::Unhelpful {
        return Ok(Vec::new());
    }
    if !redirect.query.is_empty() && redirect.automatic {
        ctx.store().faq().faq_add_negative(community, &redirect.entry_id, &redirect.query, ctx.now).await?;
        state.invalidate(community).await;
    }
    Ok(vec![ctx.reply("faq-feedback-noted", &Args::new().str("id", redirect.entry_id.clone()))])
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
}
