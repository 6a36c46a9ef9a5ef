//! jixia's adapters: each turns one platform's events into the engine's
//! `Incoming` messages and sends the `Outgoing` ones back: the console,
//! Telegram, Discord, and QQ through OneBot v11; the HTTP side of the
//! news feature ([`news`]), of the shared language model ([`llm`]) and of
//! the FAQ's semantic matching ([`embeddings`]); the operators' endpoints
//! ([`ops`]) and the moderators' web dashboard beside them ([`dashboard`]).

pub mod console;
pub mod dashboard;
pub mod discord;
pub mod embeddings;
pub mod llm;
pub mod logging;
pub mod news;
pub mod ops;
pub mod qq;
pub mod telegram;
pub mod unreachable;
