//! The command registry: every command is declared once, as data
//! ([`CommandSpec`]), and parsing, `/help`, usage lines and (in the adapters)
//! Discord slash commands and Telegram menus are all generated from it.
//!
//! Grammar of a command line:
//! `[@bot] (/|!|／|！)NAME[@botname] [SUB] ARG…` — or, when the message is
//! addressed to the bot by a mention, the bare `NAME ARG…`. Arguments are
//! separated by spaces; `"…"`, `'…'`, `“…”`, `‘…’` and `「…」` group words.

mod parse;

use std::future::Future;
use std::pin::Pin;

pub use parse::{ParseError, parse, split_words};

use crate::engine::{CommandResult, Ctx};
use crate::message::Mention;

/// Who may run a command. Ordered: an admin may do what a moderator may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// Anyone in the community.
    Member,
    /// Community moderators (config) and platform admins of the chat.
    Moderator,
    /// Community admins (config): operators.
    Admin,
}

impl Permission {
    /// The prompt key naming this level.
    pub fn prompt_key(self) -> &'static str {
        match self {
            Permission::Member => "role-member",
            Permission::Moderator => "role-moderator",
            Permission::Admin => "role-admin",
        }
    }
}

/// What kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// One word (or one quoted group of words).
    Word,
    /// A whole number within bounds (inclusive).
    Int {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// One of a fixed set of words (matched case-insensitively).
    Choice(&'static [&'static str]),
    /// A member, written as a mention (`@name`).
    Member,
    /// The rest of the line, verbatim (newlines kept). Must be last.
    Rest,
}

/// One declared argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgSpec {
    /// Name shown in usage lines (upper-case by convention, e.g. `CODE`).
    pub name: &'static str,
    /// What it accepts.
    pub kind: ArgKind,
    /// Whether it must be given.
    pub required: bool,
}

impl ArgSpec {
    /// A required argument.
    pub const fn required(name: &'static str, kind: ArgKind) -> ArgSpec {
        ArgSpec { name, kind, required: true }
    }

    /// An optional argument.
    pub const fn optional(name: &'static str, kind: ArgKind) -> ArgSpec {
        ArgSpec { name, kind, required: false }
    }
}

/// A boxed command future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The function that runs a command.
pub type Handler = for<'a> fn(&'a Ctx<'a>, &'a ParsedCommand) -> BoxFuture<'a, CommandResult>;

/// A command, declared once.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// The feature (module, config section, prompts file) it belongs to.
    pub feature: &'static str,
    /// Its name, as typed after `/`.
    pub name: &'static str,
    /// Its subcommand (`/points grant`), if it is one.
    pub sub: Option<&'static str>,
    /// Other names that invoke exactly this command (`帮助` for `help`).
    pub aliases: &'static [&'static str],
    /// Who may run it.
    pub permission: Permission,
    /// Its arguments, in order.
    pub args: &'static [ArgSpec],
    /// What runs it.
    pub run: Handler,
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandSpec").field("name", &self.name).field("sub", &self.sub).finish_non_exhaustive()
    }
}

/// Two specs are the same command when name and subcommand agree (the
/// registry test guarantees that pair is unique).
impl PartialEq for CommandSpec {
    fn eq(&self, other: &CommandSpec) -> bool {
        self.name == other.name && self.sub == other.sub
    }
}

impl Eq for CommandSpec {}

impl CommandSpec {
    /// The prompt key of its one-line description: `cmd-NAME` or
    /// `cmd-NAME-SUB`, in the feature's prompts file.
    pub fn summary_key(&self) -> String {
        match self.sub {
            Some(sub) => format!("cmd-{}-{}", self.name, sub),
            None => format!("cmd-{}", self.name),
        }
    }

    /// `/name sub ARG [OPT] REST…` — generated, so it cannot drift.
    pub fn usage(&self) -> String {
        let mut s = format!("/{}", self.name);
        if let Some(sub) = self.sub {
            s.push(' ');
            s.push_str(sub);
        }
        for arg in self.args {
            s.push(' ');
            let shown = match arg.kind {
                ArgKind::Choice(options) => options.join("|"),
                ArgKind::Member => format!("@{}", arg.name),
                ArgKind::Rest => format!("{}…", arg.name),
                ArgKind::Word | ArgKind::Int { .. } => arg.name.to_owned(),
            };
            if arg.required {
                s.push_str(&shown);
            } else {
                s.push('[');
                s.push_str(&shown);
                s.push(']');
            }
        }
        s
    }
}

/// A parsed argument value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A word or a choice (choices are lower-cased).
    Word(String),
    /// A number.
    Int(i64),
    /// A mentioned member.
    Member(Mention),
    /// The rest of the line.
    Rest(String),
}

/// A command line matched to its spec, with arguments checked.
#[derive(Debug, Clone)]
pub struct ParsedCommand {
    /// The command.
    pub spec: &'static CommandSpec,
    /// One slot per declared argument.
    pub values: Vec<Option<Value>>,
}

impl ParsedCommand {
    fn value(&self, name: &str) -> Option<&Value> {
        let i = self.spec.args.iter().position(|a| a.name == name)?;
        self.values.get(i)?.as_ref()
    }

    /// A word, choice or rest argument by name.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.value(name)? {
            Value::Word(s) | Value::Rest(s) => Some(s),
            _ => None,
        }
    }

    /// A number argument by name.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// A member argument by name.
    pub fn member(&self, name: &str) -> Option<&Mention> {
        match self.value(name)? {
            Value::Member(m) => Some(m),
            _ => None,
        }
    }
}

/// All commands of all features, in help order.
pub fn registry() -> &'static [&'static [CommandSpec]] {
    crate::features::COMMANDS
}

/// Every command, flattened.
pub fn all_commands() -> impl Iterator<Item = &'static CommandSpec> {
    registry().iter().flat_map(|cmds| cmds.iter())
}

/// Finds a command by name or alias (and subcommand).
pub fn find(name: &str, sub: Option<&str>) -> Option<&'static CommandSpec> {
    all_commands().find(|c| (c.name == name && c.sub == sub) || (sub.is_none() && c.aliases.contains(&name)))
}

/// One entry of a platform's command menu (Telegram `setMyCommands`, Discord
/// slash commands): a command name with its description in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    /// The command name (ASCII; aliases are for typing, not for menus).
    pub name: &'static str,
    /// Its subcommands, for platforms that nest them.
    pub subs: Vec<&'static str>,
    /// The description, plain text.
    pub description: String,
    /// The lowest role that may run it (Telegram shows moderator commands in
    /// the administrators' scope; Discord sets default permissions).
    pub permission: Permission,
}

/// The command menu for `locale`, generated from the registry: one entry per
/// command name, in help order, with the lowest permission among its forms.
pub fn menu(prompts: &crate::i18n::Prompts, locale: crate::i18n::Locale) -> Vec<MenuEntry> {
    let mut entries: Vec<MenuEntry> = Vec::new();
    for c in all_commands() {
        if let Some(entry) = entries.iter_mut().find(|e| e.name == c.name) {
            entry.subs.extend(c.sub);
            entry.permission = entry.permission.min(c.permission);
            continue;
        }
        let key = match c.sub {
            // A command known only by its subcommands is described by its
            // first one until it has a description of its own.
            Some(_) if !prompts.has(locale, &format!("cmd-{}", c.name)) => c.summary_key(),
            _ => format!("cmd-{}", c.name),
        };
        entries.push(MenuEntry {
            name: c.name,
            subs: c.sub.into_iter().collect(),
            description: prompts.plain(locale, &key),
            permission: c.permission,
        });
    }
    entries
}
