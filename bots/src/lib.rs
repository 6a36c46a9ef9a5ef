//! jixia's adapters: each turns one platform's events into the engine's
//! `Incoming` messages and sends the `Outgoing` ones back. The console and
//! Telegram exist so far; Discord follows the same shape.

pub mod console;
pub mod discord;
pub mod logging;
pub mod telegram;
