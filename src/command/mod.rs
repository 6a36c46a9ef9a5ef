//! The command registry: every command is declared once, as data
//! ([`CommandSpec`]), and parsing, `/help`, usage lines and (in the adapters)
//! Discord slash commands and Telegram menus are all generated from it. Pure:
//! the registry is passed in, and this module knows no engine or feature.
//!
//! Grammar of a command line:
//! `[@bot] (/|!|／|！)NAME[@botname] [SUB] ARG…` — or, when the message is
//! addressed to the bot by a mention, the bare `NAME ARG…`. Arguments are
//! separated by spaces; `"…"`, `'…'`, `“…”`, `‘…’` and `「…」` group words.

mod parse;

pub use parse::{ParseError, Word, split_words};

use crate::i18n::{Locale, Prompts};
use crate::message::{Incoming, Mention};

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

/// A command, declared once. `R` is what runs it (the engine's handler
/// function type); the parser never calls it.
#[derive(Clone, Copy)]
pub struct CommandSpec<R: 'static> {
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
    pub run: R,
}

impl<R> std::fmt::Debug for CommandSpec<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandSpec").field("name", &self.name).field("sub", &self.sub).finish_non_exhaustive()
    }
}

/// Two specs are the same command when name and subcommand agree (the
/// registry test guarantees that pair is unique).
impl<R> PartialEq for CommandSpec<R> {
    fn eq(&self, other: &CommandSpec<R>) -> bool {
        self.name == other.name && self.sub == other.sub
    }
}

impl<R> Eq for CommandSpec<R> {}

impl<R> CommandSpec<R> {
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
        self.usage_with(|arg| arg.name.to_owned(), |options| options.join("|"))
    }

    /// The usage line with each argument shown as `name` says and each
    /// choice list as `choices` says: how members read it in their language
    /// (`/points grant @成员 数量 原因…`, `/top [周|月|总]`).
    pub fn usage_with(&self, name: impl Fn(&ArgSpec) -> String, choices: impl Fn(&[&str]) -> String) -> String {
        let mut s = format!("/{}", self.name);
        if let Some(sub) = self.sub {
            s.push(' ');
            s.push_str(sub);
        }
        for arg in self.args {
            s.push(' ');
            let shown = match arg.kind {
                ArgKind::Choice(options) => choices(options),
                ArgKind::Member => format!("@{}", name(arg)),
                ArgKind::Rest => format!("{}…", name(arg)),
                ArgKind::Word | ArgKind::Int { .. } => name(arg),
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
pub struct ParsedCommand<R: 'static> {
    /// The command.
    pub spec: &'static CommandSpec<R>,
    /// Which of the registry's groups it came from (for the engine: which
    /// feature).
    pub group: usize,
    /// One slot per declared argument.
    pub values: Vec<Option<Value>>,
}

/// A handler read an argument its command does not declare, or read it as
/// the wrong kind: a bug in the handler, never the member's doing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{usage}: {problem} argument {arg}")]
pub struct ArgError {
    /// The command's usage line.
    pub usage: String,
    /// The argument asked for.
    pub arg: &'static str,
    /// What went wrong.
    pub problem: &'static str,
}

impl<R> ParsedCommand<R> {
    /// The value of a declared argument (`None` when an optional one was not
    /// given). An argument is found by its whole declaration, name and kind,
    /// so a handler reads only what its spec declares.
    pub fn value(&self, arg: &ArgSpec) -> Result<Option<&Value>, ArgError> {
        let Some(i) = self.spec.args.iter().position(|a| a == arg) else {
            return Err(self.arg_error(arg, "reads the undeclared"));
        };
        Ok(self.values.get(i).and_then(Option::as_ref))
    }

    fn arg_error(&self, arg: &ArgSpec, problem: &'static str) -> ArgError {
        ArgError { usage: self.spec.usage(), arg: arg.name, problem }
    }

    /// A word, choice or rest argument.
    pub fn text(&self, arg: &ArgSpec) -> Result<Option<&str>, ArgError> {
        match self.value(arg)? {
            None => Ok(None),
            Some(Value::Word(s) | Value::Rest(s)) => Ok(Some(s)),
            Some(_) => Err(self.arg_error(arg, "reads as text the")),
        }
    }

    /// A number argument.
    pub fn int(&self, arg: &ArgSpec) -> Result<Option<i64>, ArgError> {
        match self.value(arg)? {
            None => Ok(None),
            Some(Value::Int(n)) => Ok(Some(*n)),
            Some(_) => Err(self.arg_error(arg, "reads as a number the")),
        }
    }

    /// A member argument.
    pub fn member(&self, arg: &ArgSpec) -> Result<Option<&Mention>, ArgError> {
        match self.value(arg)? {
            None => Ok(None),
            Some(Value::Member(m)) => Ok(Some(m)),
            Some(_) => Err(self.arg_error(arg, "reads as a member the")),
        }
    }

    /// A required text argument (the parser guarantees it is there).
    pub fn required_text(&self, arg: &ArgSpec) -> Result<&str, ArgError> {
        self.text(arg)?.ok_or_else(|| self.arg_error(arg, "has no value for the required"))
    }

    /// A required number argument.
    pub fn required_int(&self, arg: &ArgSpec) -> Result<i64, ArgError> {
        self.int(arg)?.ok_or_else(|| self.arg_error(arg, "has no value for the required"))
    }

    /// A required member argument.
    pub fn required_member(&self, arg: &ArgSpec) -> Result<&Mention, ArgError> {
        self.member(arg)?.ok_or_else(|| self.arg_error(arg, "has no value for the required"))
    }
}

/// The commands of every feature, in groups (one per feature, in `/help`
/// order). The parser, `/help` and the platforms' menus all read it.
#[derive(Debug, Clone)]
pub struct Registry<R: 'static> {
    groups: Vec<&'static [CommandSpec<R>]>,
}

impl<R> Registry<R> {
    /// A registry of `groups`, in `/help` order.
    pub fn new(groups: Vec<&'static [CommandSpec<R>]>) -> Registry<R> {
        Registry { groups }
    }

    /// Every command, flattened, in help order.
    pub fn all(&self) -> impl Iterator<Item = &'static CommandSpec<R>> + '_ {
        self.groups.iter().flat_map(|cmds| cmds.iter())
    }

    /// Every command with the index of its group.
    pub fn all_grouped(&self) -> impl Iterator<Item = (usize, &'static CommandSpec<R>)> + '_ {
        self.groups.iter().enumerate().flat_map(|(g, cmds)| cmds.iter().map(move |c| (g, c)))
    }

    /// Finds a command by name or alias (and subcommand), with its group.
    pub fn find(&self, name: &str, sub: Option<&str>) -> Option<(usize, &'static CommandSpec<R>)> {
        self.all_grouped()
            .find(|(_, c)| (c.name == name && c.sub == sub) || (sub.is_none() && c.aliases.contains(&name)))
    }

    /// Parses `msg` as a command line (see [`parse::parse`]).
    pub fn parse(&self, msg: &Incoming, bot_name: &str) -> Result<ParsedCommand<R>, ParseError<R>> {
        parse::parse(self, msg, bot_name)
    }

    /// The command menu for `locale`: one entry per command name, in help
    /// order, with the lowest permission among its forms.
    pub fn menu(&self, prompts: &Prompts, locale: Locale) -> Vec<MenuEntry> {
        let mut entries: Vec<MenuEntry> = Vec::new();
        for c in self.all() {
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
