//! The contract between the engine and the features' handlers: what a
//! command handler is given ([`Ctx`]), what it returns ([`CommandResult`]),
//! and how failures are split between the member's doing
//! ([`CommandError::Member`], a prompt key) and ours
//! ([`CommandError::Internal`], logged, answered with an apology).

use std::any::Any;

use chrono::{DateTime, Utc};

use crate::BoxFuture;
use crate::command::{ArgError, Permission};
use crate::community::Community;
use crate::engine::Engine;
use crate::i18n::{Args, Locale, Prompt};
use crate::message::{Incoming, Outgoing};
use crate::rich::RichText;
use crate::store::{Member, Store, StoreError};

/// The function that runs a command (a newtype, so that a command's type
/// can name the parsed command it is given).
#[derive(Clone, Copy)]
pub struct Handler(pub for<'a> fn(&'a Ctx<'a>, &'a ParsedCommand) -> BoxFuture<'a, CommandResult>);

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handler")
    }
}

/// A command as features declare it.
pub type Command = crate::command::CommandSpec<Handler>;

/// A command line matched to its command.
pub type ParsedCommand = crate::command::ParsedCommand<Handler>;

/// What a command handler returns.
pub type CommandResult = Result<Vec<Outgoing>, CommandError>;

/// Why a command did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The member asked for something that cannot be done; they are told why
    /// in their language.
    #[error("member error: {}", .0.key)]
    Member(Prompt),
    /// Something broke on our side: logged with its cause; the member gets
    /// a localized apology and nothing else.
    #[error("internal error: {0}")]
    Internal(#[from] Internal),
}

/// What broke on our side.
#[derive(Debug, thiserror::Error)]
pub enum Internal {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A handler read an argument its command does not declare.
    #[error(transparent)]
    Arg(#[from] ArgError),
    /// An invariant of our own does not hold (a bug).
    #[error("{0}")]
    Invariant(String),
}

impl CommandError {
    /// A member-facing error from a prompt key.
    pub fn member(key: &'static str, args: Args) -> CommandError {
        CommandError::Member(Prompt::new(key, args))
    }

    /// An internal error: an invariant of ours that does not hold.
    pub fn internal(what: impl Into<String>) -> CommandError {
        CommandError::Internal(Internal::Invariant(what.into()))
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> CommandError {
        CommandError::Internal(Internal::Store(e))
    }
}

impl From<ArgError> for CommandError {
    fn from(e: ArgError) -> CommandError {
        CommandError::Internal(Internal::Arg(e))
    }
}

/// Everything a command handler or a passive hook may use: the engine's
/// shared parts, the message, and who sent it where.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The engine.
    pub engine: &'a Engine,
    /// The message being handled.
    pub msg: &'a Incoming,
    /// The community the chat belongs to.
    pub community: &'a std::sync::Arc<Community>,
    /// The sender, as a community member.
    pub member: Member,
    /// The sender's language.
    pub locale: Locale,
    /// The sender's permission level.
    pub role: Permission,
    /// The time the engine considers "now".
    pub now: DateTime<Utc>,
    /// Whether the message looks like a question, once asked
    /// ([`Ctx::asks`]): the FAQ and the figures both want it, and the
    /// answer costs a Unicode fold.
    pub asks: std::sync::OnceLock<bool>,
}

impl Ctx<'_> {
    /// Whether the message's text (trimmed) looks like a question, as the
    /// FAQ's detector sees it ([`crate::features::faq::normalize::looks_like_question`]);
    /// worked out once per message, whichever feature asks first.
    pub fn asks(&self) -> bool {
        *self.asks.get_or_init(|| crate::features::faq::normalize::looks_like_question(self.msg.text.trim()))
    }

    /// Formats a prompt in the sender's language.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.engine.prompts().format(self.locale, key, args)
    }

    /// A reply to the message, from a prompt.
    pub fn reply(&self, key: &str, args: &Args) -> Outgoing {
        Outgoing::reply(self.msg, self.text(key, args))
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.engine.store()
    }

    /// A feature's state on this engine (see [`crate::features::Feature::state`]).
    pub fn state<T: Any + Send + Sync>(&self) -> Result<&T, CommandError> {
        self.engine
            .state::<T>()
            .ok_or_else(|| CommandError::internal(format!("no feature state of type {}", std::any::type_name::<T>())))
    }
}
