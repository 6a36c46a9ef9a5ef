//! jixia's adapters: each turns one platform's events into the engine's
//! `Incoming` messages and sends the `Outgoing` ones back. Only the console
//! exists so far; Telegram and Discord follow the same shape.

pub mod console;
pub mod logging;
