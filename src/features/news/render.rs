//! How news items read in a chat, in a language and a time zone: one line
//! per item in lists and digests, a short body under a watch post.

use chrono_tz::Tz;

use crate::features::news::store::Item;
use crate::features::news::text::cut;
use crate::i18n::{Args, Locale, Prompts};
use crate::rich::RichText;

/// Characters of the summary a watch post shows.
const POST_SUMMARY_CHARS: usize = 280;

/// Prompts in one language and zone.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The prompts.
    pub prompts: &'a Prompts,
    /// The language.
    pub locale: Locale,
    /// The zone dates are shown in.
    pub tz: Tz,
}

impl View<'_> {
    /// A prompt.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.prompts.format(self.locale, key, args)
    }

    /// A prompt as plain text.
    pub fn plain(&self, key: &str, args: &Args) -> String {
        self.text(key, args).to_plain()
    }

    /// `2026-12-01`, in the view's zone.
    pub fn date(&self, item: &Item) -> String {
        item.published.unwrap_or(item.fetched_at).with_timezone(&self.tz).format("%Y-%m-%d").to_string()
    }

    /// The title to show: the translation, marked as machine-made, when
    /// there is one.
    pub fn title(&self, item: &Item) -> String {
        match &item.translated {
            Some((title, _)) => self.plain(
                "news-machine-translated",
                &Args::new().str("title", title.clone()).str("original", item.title.clone()),
            ),
            None => item.title.clone(),
        }
    }

    /// One line: title, source, date and link.
    pub fn line(&self, item: &Item) -> String {
        let args = Args::new()
            .str("title", self.title(item))
            .str("source", item.source.to_string())
            .str("date", self.date(item))
            .str("link", item.link.clone().unwrap_or_default());
        self.plain(if item.link.is_some() { "news-line" } else { "news-line-nolink" }, &args)
    }

    /// The summary and link under a posted item's title.
    pub fn item_body(&self, item: &Item) -> RichText {
        let args = Args::new()
            .str("summary", cut(item.translated.as_ref().map_or(&item.summary, |(_, s)| s), POST_SUMMARY_CHARS))
            .str("source", item.source.to_string())
            .str("date", self.date(item))
            .str("link", item.link.clone().unwrap_or_default());
        self.text(if item.link.is_some() { "news-item-body" } else { "news-item-body-nolink" }, &args)
    }
}
