//! Turns a message's text into a [`ParsedCommand`] or a precise
//! [`ParseError`]. Pure: no store, no clock, so it is tested exhaustively.
//!
//! Invisible characters are folded here, where words are cut: a zero-width
//! space or a word joiner separates words like a space (a client that
//! appends one to `/ping` still gets a pong), and zero-width joiners, bidi
//! marks and soft hyphens inside a command name are dropped. The bot's own
//! name matches in any case (`@JIXIA`).

use super::{ArgKind, CommandSpec, ParsedCommand, Registry, Value};
use crate::message::{Incoming, Mention};

/// Why a line is not a valid command.
#[derive(Debug, Clone)]
pub enum ParseError<R: 'static> {
    /// Ordinary chat, not a command at all.
    NotACommand,
    /// `/name` that no command has.
    Unknown {
        /// What was typed.
        name: String,
        /// The closest known command, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A command that needs a subcommand, given none or an unknown one.
    NeedsSub {
        /// The command.
        name: &'static str,
        /// Its subcommands.
        subs: Vec<&'static str>,
    },
    /// A required argument is missing.
    Missing {
        /// The command.
        spec: &'static CommandSpec<R>,
        /// The argument's name.
        arg: &'static str,
    },
    /// More arguments than the command takes.
    Extra {
        /// The command.
        spec: &'static CommandSpec<R>,
        /// The first unexpected word.
        got: String,
    },
    /// A number argument that is not a number in range.
    BadInt {
        /// The command.
        spec: &'static CommandSpec<R>,
        /// The argument's name.
        arg: &'static str,
        /// What was typed.
        got: String,
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// A choice argument with a word not among the choices.
    BadChoice {
        /// The command.
        spec: &'static CommandSpec<R>,
        /// The argument's name.
        arg: &'static str,
        /// What was typed.
        got: String,
    },
    /// A member argument that is not a mention.
    BadMember {
        /// The command.
        spec: &'static CommandSpec<R>,
        /// The argument's name.
        arg: &'static str,
        /// What was typed.
        got: String,
    },
    /// A quote was opened and never closed.
    UnclosedQuote {
        /// The command.
        spec: &'static CommandSpec<R>,
    },
}

/// Two errors are the same when they name the same command (by name and
/// subcommand) and the same details; the handler type takes no part.
impl<R> PartialEq for ParseError<R> {
    fn eq(&self, other: &ParseError<R>) -> bool {
        use ParseError::*;
        match (self, other) {
            (NotACommand, NotACommand) => true,
            (Unknown { name: a, suggestion: x }, Unknown { name: b, suggestion: y }) => a == b && x == y,
            (NeedsSub { name: a, subs: x }, NeedsSub { name: b, subs: y }) => a == b && x == y,
            (Missing { spec: s, arg: a }, Missing { spec: t, arg: b }) => s == t && a == b,
            (Extra { spec: s, got: a }, Extra { spec: t, got: b }) => s == t && a == b,
            (
                BadInt { spec: s, arg: a, got: g, min: m, max: n },
                BadInt { spec: t, arg: b, got: h, min: o, max: p },
            ) => s == t && a == b && g == h && m == o && n == p,
            (BadChoice { spec: s, arg: a, got: g }, BadChoice { spec: t, arg: b, got: h })
            | (BadMember { spec: s, arg: a, got: g }, BadMember { spec: t, arg: b, got: h }) => {
                s == t && a == b && g == h
            }
            (UnclosedQuote { spec: s }, UnclosedQuote { spec: t }) => s == t,
            _ => false,
        }
    }
}

impl<R> Eq for ParseError<R> {}

const PREFIXES: [char; 4] = ['/', '!', '／', '！'];
const QUOTES: [(char, char); 5] = [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’'), ('「', '」')];

/// A word of a command line and where the rest of the line starts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word, quotes removed.
    pub text: String,
    /// Byte offset in the line where this word starts.
    pub start: usize,
}

/// Zero-width characters that separate words as a space would: zero-width
/// space, word joiner, zero-width no-break space (BOM), Mongolian vowel
/// separator.
fn is_invisible_space(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

/// What separates words: white space or an invisible space.
fn is_gap(c: char) -> bool {
    c.is_whitespace() || is_invisible_space(c)
}

/// Format characters that may sit inside a typed word without showing:
/// soft hyphen, zero-width (non-)joiners, bidi marks, embeddings and
/// isolates, invisible operators. No command name contains them.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2061}'..='\u{2069}')
}

/// Whether `written` is the bot's name, in any case.
fn is_bot_name(written: &str, bot_name: &str) -> bool {
    written == bot_name || written.to_lowercase() == bot_name.to_lowercase()
}

/// Splits on white space, keeping quoted groups together. `Err(())` when a
/// quote is left open.
#[expect(clippy::result_unit_err, reason = "the only error is an open quote; callers add the context")]
pub fn split_words(line: &str) -> Result<Vec<Word>, ()> {
    match split_until_open_quote(line) {
        (words, None) => Ok(words),
        (_, Some(_)) => Err(()),
    }
}

/// The words of `line` up to a quote left open, and where that quote
/// starts (byte offset), if one is: a `Rest` argument that starts before it
/// takes it as text (`描述: “双十一` in a job post), anything else is an error.
fn split_until_open_quote(line: &str) -> (Vec<Word>, Option<usize>) {
    let mut words = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_gap(c) {
            chars.next();
            continue;
        }
        if let Some(&(_, close)) = QUOTES.iter().find(|(open, _)| *open == c) {
            chars.next();
            let mut text = String::new();
            let mut closed = false;
            for (_, c) in chars.by_ref() {
                if c == close {
                    closed = true;
                    break;
                }
                text.push(c);
            }
            if !closed {
                return (words, Some(start));
            }
            words.push(Word { text, start });
            continue;
        }
        let mut text = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if is_gap(c) {
                break;
            }
            text.push(c);
            chars.next();
        }
        words.push(Word { text, start });
    }
    (words, None)
}

/// A command name is letters, digits, `_` and `-` (any script, so `签到`).
fn is_command_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Parses `msg` as a command line. `bot_name` is the bot's own name:
/// adapters write the platform's mention of the bot as `@bot_name`, and a
/// `/command@other_bot` is left to the other bot.
pub fn parse<R>(registry: &Registry<R>, msg: &Incoming, bot_name: &str) -> Result<ParsedCommand<R>, ParseError<R>> {
    let blank = |c: char| is_gap(c) || is_invisible_format(c);
    let mut line = msg.text.trim_start_matches(blank);
    let mut addressed = false;
    // "@jixia /help" or "@jixia help": drop the leading mention of the bot
    // (and only of the bot: "@bob help me @jixia" is not a command).
    if msg.mentions_bot
        && let Some(after) = line.strip_prefix('@')
        && let Some(end) = after.find(is_gap)
        && is_bot_name(&after[..end], bot_name)
    {
        line = after[end..].trim_start_matches(blank);
        addressed = true;
    }
    let (head, rest) = match line.find(is_gap) {
        Some(i) => (&line[..i], &line[i..]),
        None => (line, ""),
    };
    let (prefixed, name) = match head.strip_prefix(PREFIXES) {
        Some(name) => (true, name),
        None => (false, head),
    };
    let name: String = name.chars().filter(|c| !is_invisible_format(*c)).collect();
    // "/help@jixia": Telegram's way of addressing one bot in a group.
    let name = match name.split_once('@') {
        Some((n, to)) if is_bot_name(to, bot_name) => n,
        Some(_) => return Err(ParseError::NotACommand),
        None => name.as_str(),
    };
    if !is_command_name(name) || !(prefixed || addressed) {
        return Err(ParseError::NotACommand);
    }
    let name = name.to_lowercase();
    let (words, open_quote) = split_until_open_quote(rest);
    let unclosed = || match first_spec(registry, &name) {
        Some(spec) => ParseError::UnclosedQuote { spec },
        None => unknown(registry, &name),
    };
    let sub = words.first().map(|w| w.text.to_lowercase());
    let ((group, spec), skip) =
        match (sub.as_deref().and_then(|s| registry.find(&name, Some(s))), registry.find(&name, None)) {
            (Some(found), _) => (found, 1),
            (None, Some(found)) => (found, 0),
            (None, None) if open_quote.is_some() => return Err(unclosed()),
            (None, None) => {
                let subs: Vec<&'static str> = registry.all().filter(|c| c.name == name).filter_map(|c| c.sub).collect();
                if subs.is_empty() {
                    // A bare word addressed to the bot that is no command: a
                    // question for the bot, not a typo.
                    return Err(if prefixed { unknown(registry, &name) } else { ParseError::NotACommand });
                }
                let Some(spec) = first_spec(registry, &name) else { return Err(unknown(registry, &name)) };
                return Err(ParseError::NeedsSub { name: spec.name, subs });
            }
        };
    bind_args(spec, group, &words[skip..], rest, open_quote, &msg.mentions)
}

fn first_spec<R>(registry: &Registry<R>, name: &str) -> Option<&'static CommandSpec<R>> {
    registry.all().find(|c| c.name == name || c.aliases.contains(&name))
}

fn unknown<R>(registry: &Registry<R>, name: &str) -> ParseError<R> {
    let suggestion = registry
        .all()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(d, c)| *d <= 2 && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    ParseError::Unknown { name: name.to_owned(), suggestion }
}

fn bind_args<R>(
    spec: &'static CommandSpec<R>,
    group: usize,
    words: &[Word],
    line: &str,
    open_quote: Option<usize>,
    mentions: &[Mention],
) -> Result<ParsedCommand<R>, ParseError<R>> {
    let mut values = Vec::with_capacity(spec.args.len());
    let mut next = 0;
    // A quote left open is text inside a `Rest` argument that starts at or
    // before it, and an error anywhere else.
    let mut quote_taken = open_quote.is_none();
    for arg in spec.args {
        let Some(word) = words.get(next) else {
            if let Some(at) = open_quote {
                if arg.kind != ArgKind::Rest {
                    return Err(ParseError::UnclosedQuote { spec });
                }
                values.push(Some(Value::Rest(line[at..].trim_end_matches(is_gap).to_owned())));
                quote_taken = true;
                continue;
            }
            if arg.required {
                return Err(ParseError::Missing { spec, arg: arg.name });
            }
            values.push(None);
            continue;
        };
        next += 1;
        let value = match arg.kind {
            ArgKind::Word => Value::Word(word.text.clone()),
            ArgKind::Int { min, max } => match word.text.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Value::Int(n),
                _ => return Err(ParseError::BadInt { spec, arg: arg.name, got: word.text.clone(), min, max }),
            },
            ArgKind::Choice(options) => {
                let lower = word.text.to_lowercase();
                match options.iter().find(|o| **o == lower) {
                    Some(o) => Value::Word((*o).to_owned()),
                    None => return Err(ParseError::BadChoice { spec, arg: arg.name, got: word.text.clone() }),
                }
            }
            ArgKind::Member => {
                // `@name` or `@id` (Telegram, console); `<@id>` or `<@!id>` (Discord).
                let written = match word.text.strip_prefix("<@").and_then(|s| s.strip_suffix('>')) {
                    Some(id) => Some(id.trim_start_matches('!')),
                    None => word.text.strip_prefix('@'),
                };
                match written.and_then(|w| mentions.iter().find(|m| m.name == w || m.user_id == w)) {
                    Some(m) => Value::Member(m.clone()),
                    None => return Err(ParseError::BadMember { spec, arg: arg.name, got: word.text.clone() }),
                }
            }
            ArgKind::Rest => {
                let alone = next == words.len() && open_quote.is_none();
                next = words.len();
                quote_taken = true;
                let raw = line[word.start..].trim_end_matches(is_gap);
                // One quoted phrase (`"组织 活动"`) is the phrase, as for any
                // other argument; quotes inside longer text stay.
                let quoted = QUOTES.iter().any(|(open, close)| raw.starts_with(*open) && raw.ends_with(*close));
                Value::Rest(if alone && quoted { word.text.clone() } else { raw.to_owned() })
            }
        };
        values.push(Some(value));
    }
    if let Some(extra) = words.get(next) {
        return Err(ParseError::Extra { spec, got: extra.text.clone() });
    }
    if !quote_taken {
        return Err(ParseError::UnclosedQuote { spec });
    }
    Ok(ParsedCommand { spec, group, values })
}

/// Levenshtein distance over characters, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
