//! The features. Each is one module with its commands (declared as data),
//! its handlers, one prompts file (`prompts/*/NAME.ftl`) and its tables
//! (`NAME_*`). Adding a feature means adding its module here and its command
//! list to [`COMMANDS`]; parsing, help and menus follow.

pub mod core;
pub mod link;

use crate::command::CommandSpec;

/// Every feature's commands, in the order `/help` lists them.
pub const COMMANDS: &[&[CommandSpec]] = &[core::COMMANDS, link::COMMANDS];
