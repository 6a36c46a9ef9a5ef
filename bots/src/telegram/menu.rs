//! Telegram command menus (`setMyCommands`), generated from the engine's
//! command registry: members' commands for private chats and groups, plus
//! moderators' commands in the chat administrators' scope, in Chinese and
//! English (by the member's Telegram language) and the community's default
//! language for everyone else.

use jixia::command::{MenuEntry, Permission};
use jixia::i18n::{Locale, Prompts};
use teloxide::Bot;
use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::Requester;
use teloxide::types::{BotCommand, BotCommandScope};

/// Telegram's limit on a command description.
const MAX_DESCRIPTION: usize = 256;

/// The menu entries a role sees, as Telegram commands.
pub fn commands(entries: &[MenuEntry], up_to: Permission) -> Vec<BotCommand> {
    entries
        .iter()
        .filter(|e| e.permission <= up_to)
        .map(|e| BotCommand::new(e.name, e.description.chars().take(MAX_DESCRIPTION).collect::<String>()))
        .collect()
}

/// One `setMyCommands` call: scope, language code (`None` = everyone
/// else), commands.
pub type MenuCall = (BotCommandScope, Option<&'static str>, Vec<BotCommand>);

/// Every `setMyCommands` call to make.
pub fn calls(prompts: &Prompts, default_locale: Locale) -> Vec<MenuCall> {
    let languages: Vec<(Option<&'static str>, Locale)> =
        std::iter::once((None, default_locale)).chain(Locale::ALL.iter().map(|l| (Some(l.code()), *l))).collect();
    let mut out = Vec::new();
    for (code, locale) in languages {
        let entries = jixia::features::registry().menu(prompts, locale);
        for (scope, up_to) in [
            (BotCommandScope::AllPrivateChats, Permission::Member),
            (BotCommandScope::AllGroupChats, Permission::Member),
            (BotCommandScope::AllChatAdministrators, Permission::Moderator),
        ] {
            out.push((scope, code, commands(&entries, up_to)));
        }
    }
    out
}

/// Registers the menus. A failure is returned after trying every call: the
/// bot works without menus, so the caller logs it and goes on.
pub async fn register(bot: &Bot, prompts: &Prompts, default_locale: Locale) -> Result<(), teloxide::RequestError> {
    let mut result = Ok(());
    for (scope, code, commands) in calls(prompts, default_locale) {
        let mut req = bot.set_my_commands(commands).scope(scope);
        if let Some(code) = code {
            req = req.language_code(code);
        }
        if let Err(e) = req.await {
            result = Err(e);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderators_see_more_in_the_administrators_scope() {
        let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
        let calls = calls(&prompts, Locale::Zh);
        assert_eq!(calls.len(), 9);
        for (scope, _, commands) in &calls {
            let names: Vec<&str> = commands.iter().map(|c| c.command.as_str()).collect();
            assert!(names.contains(&"help"), "{names:?}");
            let admin_scope = *scope == BotCommandScope::AllChatAdministrators;
            assert_eq!(names.contains(&"whois"), admin_scope, "{scope:?}: {names:?}");
        }
        let en_help = calls
            .iter()
            .find(|(_, code, _)| *code == Some("en"))
            .and_then(|(_, _, c)| c.iter().find(|c| c.command == "help"))
            .map(|c| c.description.clone());
        assert_eq!(en_help.as_deref(), Some("List the commands, or show how to use one"));
    }
}
