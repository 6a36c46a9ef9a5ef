//! Localized prompts: Fluent files under `prompts/<locale>/<feature>.ftl`,
//! embedded in the binary, formatted into [`RichText`]. Chinese first,
//! English second; a missing key falls back to the other locale, then to the
//! key itself, and is logged.

use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

use crate::rich::{RichText, placeholder};

/// A language jixia speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, Default)]
pub enum Locale {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh")]
    Zh,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// All locales, default first.
    pub const ALL: [Locale; 2] = [Locale::Zh, Locale::En];

    /// The short code stored and shown (`zh`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }

    /// Parses what a member or a platform might say: `zh`, `zh-CN`, `中文`,
    /// `en`, `en-US`, `English`…
    pub fn parse(s: &str) -> Option<Locale> {
        let s = s.trim().to_lowercase();
        let primary = s.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "zh" | "cn" | "中文" | "汉语" | "chinese" => Some(Locale::Zh),
            "en" | "英文" | "英语" | "english" => Some(Locale::En),
            _ => None,
        }
    }

    fn langid(self) -> unic_langid::LanguageIdentifier {
        match self {
            Locale::Zh => unic_langid::langid!("zh-CN"),
            Locale::En => unic_langid::langid!("en-US"),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One argument value of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text; always rendered literally, never as markup.
    Str(String),
    /// A number; Fluent uses it for plural selection.
    Num(i64),
}

/// The arguments of a prompt, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args(pub Vec<(&'static str, Arg)>);

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args(Vec::new())
    }

    /// Adds a text argument.
    pub fn str(mut self, name: &'static str, value: impl Into<String>) -> Args {
        self.0.push((name, Arg::Str(value.into())));
        self
    }

    /// Adds a number argument.
    pub fn num(mut self, name: &'static str, value: i64) -> Args {
        self.0.push((name, Arg::Num(value)));
        self
    }
}

/// A prompt key with its arguments: what a member-facing error or reply
/// carries instead of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// The Fluent message id.
    pub key: &'static str,
    /// Its arguments.
    pub args: Args,
}

impl Prompt {
    /// A prompt with arguments.
    pub fn new(key: &'static str, args: Args) -> Prompt {
        Prompt { key, args }
    }

    /// A prompt without arguments.
    pub fn key(key: &'static str) -> Prompt {
        Prompt { key, args: Args::new() }
    }
}

/// The adapters' prompt files (name, zh text, en text): text that belongs
/// to a platform, not to a feature. Features bring their own files (see
/// [`crate::features::Feature::prompts`]).
pub const PLATFORM_FILES: &[(&str, &str, &str)] = &[
    ("telegram", include_str!("../prompts/zh/telegram.ftl"), include_str!("../prompts/en/telegram.ftl")),
    ("discord", include_str!("../prompts/zh/discord.ftl"), include_str!("../prompts/en/discord.ftl")),
    ("qq", include_str!("../prompts/zh/qq.ftl"), include_str!("../prompts/en/qq.ftl")),
];

/// All prompts of all locales, ready to format. Cheap to share.
pub struct Prompts {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl fmt::Debug for Prompts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prompts").finish_non_exhaustive()
    }
}

/// A prompt file that does not parse, or defines a key twice.
#[derive(Debug, thiserror::Error)]
#[error("prompts/{locale}/{feature}.ftl: {detail}")]
pub struct PromptError {
    /// The locale of the broken file.
    pub locale: Locale,
    /// Its feature name.
    pub feature: String,
    /// What is wrong.
    pub detail: String,
}

impl Prompts {
    /// Loads prompt files: (name, zh text, en text) each.
    pub fn load(files: &[(&str, &str, &str)]) -> Result<Prompts, PromptError> {
        let mut zh = FluentBundle::new_concurrent(vec![Locale::Zh.langid()]);
        let mut en = FluentBundle::new_concurrent(vec![Locale::En.langid()]);
        zh.set_use_isolating(false);
        en.set_use_isolating(false);
        for (feature, zh_src, en_src) in files {
            add(&mut zh, Locale::Zh, feature, zh_src)?;
            add(&mut en, Locale::En, feature, en_src)?;
        }
        Ok(Prompts { zh, en })
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }

    /// Whether `key` exists in `locale`.
    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundle(locale).has_message(key)
    }

    /// Formats a prompt into rich text.
    pub fn render(&self, locale: Locale, prompt: &Prompt) -> RichText {
        self.format(locale, prompt.key, &prompt.args)
    }

    /// Formats `key` with `args` into rich text. Text arguments are passed to
    /// Fluent as placeholders and put back after the markup is parsed, so
    /// nothing a member typed is ever read as markup.
    pub fn format(&self, locale: Locale, key: &str, args: &Args) -> RichText {
        let other = match locale {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        };
        for loc in [locale, other] {
            let bundle = self.bundle(loc);
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            if loc != locale {
                tracing::warn!(key, locale = %locale, "prompt missing; using the other locale");
            }
            let mut fargs = FluentArgs::new();
            let mut texts = Vec::new();
            for (name, value) in &args.0 {
                match value {
                    Arg::Str(s) => {
                        fargs.set(*name, FluentValue::from(placeholder(texts.len())));
                        texts.push(s.clone());
                    }
                    Arg::Num(n) => fargs.set(*name, FluentValue::from(*n)),
                }
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(key, locale = %loc, ?errors, "prompt formatted with errors");
            }
            return RichText::from_markup(&text, &texts);
        }
        tracing::error!(key, "prompt missing in every locale");
        RichText::plain(key)
    }

    /// Formats `key` to plain text (for places that take no markup, such as
    /// command descriptions in platform menus).
    pub fn plain(&self, locale: Locale, key: &str) -> String {
        self.format(locale, key, &Args::new()).to_plain()
    }
}

fn add(bundle: &mut FluentBundle<FluentResource>, locale: Locale, feature: &str, src: &str) -> Result<(), PromptError> {
    let err = |detail: String| PromptError { locale, feature: feature.to_owned(), detail };
    let res = FluentResource::try_new(src.to_owned()).map_err(|(_, e)| err(format!("{e:?}")))?;
    bundle.add_resource(res).map_err(|e| err(format!("{e:?}")))
}

/// The message ids defined in one Fluent source (for drift tests).
pub fn keys_of(src: &str) -> Vec<String> {
    let Ok(res) = FluentResource::try_new(src.to_owned()) else {
        return Vec::new();
    };
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}
