//! The features. Each is one module with its commands (declared as data),
//! its handlers, one prompts file (`prompts/*/NAME.ftl`) and its tables
//! (`NAME_*`). Adding a feature means adding its module here and its command
//! list to [`COMMANDS`]; parsing, help and menus follow.

pub mod core;
pub mod link;

use crate::command::CommandSpec;
use crate::engine::Ctx;
use crate::message::Outgoing;

/// Every feature's commands, in the order `/help` lists them.
pub const COMMANDS: &[&[CommandSpec]] = &[core::COMMANDS, link::COMMANDS];

/// Passive features see every message that is not a command (activity
/// points, FAQ redirection…), in this order, and return what to send —
/// usually nothing. Each feature adds one line here.
pub async fn observe(ctx: &Ctx<'_>) -> Vec<Outgoing> {
    let out = Vec::new();
    let _ = ctx;
    out
}
