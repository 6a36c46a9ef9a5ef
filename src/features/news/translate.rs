//! Translation of news items into the community's language through the
//! shared language model ([`crate::llm`]), switched by `[features.news]
//! translate` (and on only when `[llm]` is). Translations are cached per
//! item and language and marked as machine-made where shown. Each pass
//! (after every fetch of one of the community's sources) translates the
//! recent items that still lack one, newest first, so an item left
//! untranslated by a failure or a spent budget is tried again later; an
//! item whose answers could not be read [`MAX_FAILURES`] times is left
//! alone. A failure or a spent budget stops the pass and is noted for
//! `/news status`.

use chrono::Duration;

use crate::community::Community;
use crate::engine::Engine;
use crate::features::news::store::{Item, Translation};
use crate::features::news::text::{MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, cut, primary_language};
use crate::i18n::Locale;
use crate::llm::{self, CallError, ChatRequest, Use, fill, language_name};
use crate::store::StoreError;

/// Items one pass sends to the model at most.
const PER_PASS: i64 = 20;
/// How long an item waits for its translation: older ones are shown as
/// written.
const RETRY_DAYS: i64 = 3;
/// Unreadable answers after which an item is not sent again.
pub const MAX_FAILURES: i64 = 3;

const TRANSLATE_SYSTEM: &str = include_str!("../../../prompts/llm/translate.system.txt");
const TRANSLATE_USER: &str = include_str!("../../../prompts/llm/translate.user.txt");

/// The request that translates `item` into `locale`.
pub fn translate_request(item: &Item, locale: Locale, max_tokens: i64) -> ChatRequest {
    let language = language_name(locale);
    ChatRequest {
        system: fill(TRANSLATE_SYSTEM, &[("language", language)]),
        user: fill(
            TRANSLATE_USER,
            &[
                ("language", language),
                ("source_language", &item.language),
                ("title", &item.title),
                ("summary", &item.summary),
            ],
        ),
        max_tokens,
    }
}

/// A translation answer as (title, summary): the first non-empty line,
/// then the rest; `None` when there is no title.
pub fn parse_translation(text: &str) -> Option<(String, String)> {
    let mut lines = text.trim().lines();
    let title = lines.next()?.trim().trim_start_matches("Title:").trim_start_matches("标题：").trim();
    if title.is_empty() {
        return None;
    }
    let rest: Vec<&str> = lines.collect();
    let summary = rest.join(" ");
    let summary = summary.trim().trim_start_matches("Summary:").trim_start_matches("摘要：").trim();
    Some((cut(title, MAX_TITLE_CHARS), cut(summary, MAX_SUMMARY_CHARS)))
}

/// Whether an item in `language` is read in `locale` without translation.
pub fn same_language(language: &str, locale: Locale) -> bool {
    primary_language(language) == locale.code()
}

/// Translates the community's recent items that are not in its language
/// and have no translation yet, each once (cached), while today's budget
/// lasts. Stops at the first failure of the model or the budget (noted
/// for `/news status`); an answer without a title line is noted, counted
/// against its item and the pass goes on.
pub async fn translate_pending(engine: &Engine, community: &Community) -> Result<(), StoreError> {
    let Some(model) = llm::model_of(engine).filter(|_| community.features.news.translate) else { return Ok(()) };
    // Another fetch's pass is at it; what it does not reach, the next one does.
    let Some(_running) = model.exclusive(&community.id, Use::Translate) else { return Ok(()) };
    let locale = community.locale;
    let store = engine.store().news();
    let since = engine.now() - Duration::days(RETRY_DAYS);
    let wanted = store.news_untranslated(&community.id, locale.code(), since, MAX_FAILURES, PER_PASS).await?;
    let max_tokens = engine.config().llm.max_tokens;
    for item in wanted {
        match llm::complete(engine, community, Use::Translate, &translate_request(&item, locale, max_tokens)).await {
            Ok(c) => match parse_translation(&c.text) {
                Some((title, summary)) => {
                    let t = Translation { item: item.id, language: locale.code().to_owned(), title, summary };
                    store.news_put_translation(&t, engine.now()).await?;
                }
                None => {
                    store.news_translation_failed(item.id).await?;
                    model.note(
                        &community.id,
                        Use::Translate,
                        engine.now(),
                        "the model's answer had no title line".into(),
                    );
                }
            },
            Err(CallError::Store(e)) => return Err(e),
            Err(e) => {
                tracing::info!(item = item.id, error = %e, "translation stopped; items stay untranslated for now");
                return Ok(());
            }
        }
    }
    Ok(())
}

/// `items` with the translations into `locale` that exist put in place
/// (for items whose language is another).
pub async fn with_translations(engine: &Engine, items: Vec<Item>, locale: Locale) -> Result<Vec<Item>, StoreError> {
    let ids: Vec<i64> = items.iter().filter(|i| !same_language(&i.language, locale)).map(|i| i.id).collect();
    if ids.is_empty() {
        return Ok(items);
    }
    let found = engine.store().news().news_translations(&ids, locale.code()).await?;
    Ok(items
        .into_iter()
        .map(|mut i| {
            if let Some(t) = found.iter().find(|t| t.item == i.id) {
                i.translated = Some((t.title.clone(), t.summary.clone()));
            }
            i
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_every_variable() {
        let item = Item {
            id: 1,
            source_id: 1,
            source: crate::features::news::store::SourceNo(1),
            tags: Vec::new(),
            chats: Vec::new(),
            link: None,
            title: "PostgreSQL 18 released".into(),
            summary: "Faster".into(),
            published: None,
            fetched_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            language: "en".into(),
            translated: None,
        };
        let r = translate_request(&item, Locale::Zh, 100);
        assert!(r.system.contains("Simplified Chinese") && !r.system.contains("{{"));
        assert!(r.user.contains("from en into Simplified Chinese") && r.user.contains("Title: PostgreSQL 18 released"));
        assert!(!r.user.contains("{{"));
    }

    #[test]
    fn answers_are_a_title_line_and_a_summary() {
        assert_eq!(
            parse_translation("标题：PostgreSQL 18 发布\n更快。\n更稳。"),
            Some(("PostgreSQL 18 发布".into(), "更快。 更稳。".into()))
        );
        assert_eq!(parse_translation("只有标题"), Some(("只有标题".into(), String::new())));
        assert_eq!(parse_translation("  \n "), None);
        assert!(same_language("zh-TW", Locale::Zh) && !same_language("en", Locale::Zh));
    }
}
