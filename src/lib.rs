//! jixia (稷下) — a community engine that lives in chat groups.
//!
//! This crate is the platform-free engine: it knows no Discord, Telegram or
//! HTTP. Adapters (in the `jixia-bots` crate) turn platform events into
//! [`Incoming`] messages, call [`Engine::handle`], and send the [`Outgoing`]
//! messages it returns.
//!
//! # Layout
//! - [`message`] and [`rich`]: the message model and platform-neutral rich text.
//! - [`command`]: the command registry and parser; every command is declared
//!   once as a [`command::CommandSpec`] in its feature module.
//! - [`features`]: one module per feature (its commands, handlers, prompts
//!   file and tables share its name).
//! - [`engine`]: routing a message to a command and errors to replies.
//! - [`community`] and [`config`]: which chats form a community, who moderates
//!   it; the TOML + environment configuration. [`roles`]: a community's named
//!   roles and who holds them.
//! - [`store`]: storage traits with SQLite and PostgreSQL implementations.
//! - [`i18n`]: Fluent prompts in Chinese and English.
//! - [`scheduler`]: cron schedules, the durable job queue and its tick
//!   (run from [`Engine::due`]).
//! - [`llm`]: the optional language model the features share, within a
//!   daily token budget per community.
//! - [`clock`]: injected time. [`secret`]: values that never reach logs.
//! - [`bench`]: the throughput harness behind `jixia bench` and `cargo bench`.

#![expect(
    clippy::duplicate_mod,
    reason = "each *_sql.rs file is compiled once per backend on purpose: one SQL text, two dialects"
)]

pub mod bench;
pub mod clock;
pub mod command;
pub mod community;
pub mod config;
pub mod engine;
pub mod features;
pub mod handler;
pub mod i18n;
pub mod intake;
pub mod ledger;
pub mod llm;
pub mod message;
pub mod metrics;
pub mod rich;
pub mod roles;
pub mod scheduler;
pub mod secret;
pub mod store;
pub mod supervise;

pub use engine::Engine;

/// A boxed, sendable future: what handlers, hooks, jobs and storage
/// callbacks return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
pub use message::{Chat, ChatKind, Incoming, Outgoing, Platform, Sender};
