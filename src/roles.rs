//! Named roles of a community (`[communities.ID.roles]`): who holds them,
//! as accounts (`telegram:1001`) or as platform roles (`discord:role:ID`,
//! `console:role:NAME`), and the rule that a platform role counts only
//! where the platform said it.
//!
//! ```toml
//! [communities.pgcn.roles]
//! speakers = ["discord:role:123456789012345678", "telegram:1001", "console:alice"]
//! volunteers = ["discord:role:223456789012345678"]
//! ```
//!
//! An account entry counts when that account speaks, anywhere (as the
//! moderators named in the config do). A platform role counts only in a
//! group chat of the community at hand on that platform, and only when the
//! adapter says the sender holds it there (Discord: the member's roles in
//! the guild the message came from). So a Discord role never counts on
//! Telegram, nor in a direct chat, nor for a community whose chats are not
//! in that guild: a message is handled for the community of its chat, and
//! the roles it carries are that chat's. Telegram has no roles besides
//! admin; name its members' accounts instead.

use std::fmt;

use crate::message::{ChatKind, Incoming, Platform};

/// The prefix of a platform role in an entry: `discord:role:ID`.
const ROLE_MARK: &str = "role:";

/// Longest role name, in characters.
pub const MAX_ROLE_NAME: usize = 32;

/// Who holds a role (or may organise): one entry of a list in the config.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Holder {
    /// One account: `platform:user_id`.
    Account(Platform, String),
    /// Everyone the platform says holds this role, in a group chat of the
    /// community on that platform: `discord:role:ID`, `console:role:NAME`.
    PlatformRole(Platform, String),
}

/// Why an entry is not a [`Holder`] (the config error's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadHolder(String);

impl fmt::Display for BadHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Holder {
    /// Reads `platform:user_id`, `discord:role:ID` or `console:role:NAME`.
    pub fn parse(entry: &str) -> Result<Holder, BadHolder> {
        let bad = || {
            BadHolder(format!(
                "`{entry}` is not `platform:user_id` (platform console, telegram, discord or qq), \
                 `discord:role:ROLE_ID` or `console:role:NAME`"
            ))
        };
        let (platform, rest) = entry.split_once(':').ok_or_else(bad)?;
        let platform = Platform::parse(platform).ok_or_else(bad)?;
        if rest.is_empty() {
            return Err(bad());
        }
        let Some(role) = rest.strip_prefix(ROLE_MARK) else {
            return Ok(Holder::Account(platform, rest.to_owned()));
        };
        match platform {
            Platform::Telegram => Err(BadHolder(format!(
                "`{entry}`: Telegram has no roles besides its chat admins (who are moderators); \
                 list the members' accounts as telegram:USER_ID"
            ))),
            Platform::Qq => Err(BadHolder(format!(
                "`{entry}`: QQ has no roles besides a group's owner and admins (who are moderators); \
                 list the members' accounts as qq:QQ_NUMBER"
            ))),
            Platform::Discord if role.is_empty() || !role.bytes().all(|b| b.is_ascii_digit()) => Err(BadHolder(
                format!("`{entry}`: a Discord role is its id, a number (discord:role:123456789012345678)"),
            )),
            Platform::Console if role.is_empty() => Err(bad()),
            _ => Ok(Holder::PlatformRole(platform, role.to_owned())),
        }
    }

    /// Whether the sender of `msg`, a message in a chat of the community
    /// whose list this entry is on, is meant by it.
    pub fn matches(&self, msg: &Incoming) -> bool {
        match self {
            Holder::Account(platform, id) => msg.chat.platform == *platform && msg.sender.id == *id,
            Holder::PlatformRole(platform, role) => {
                msg.chat.platform == *platform
                    && msg.chat.kind == ChatKind::Group
                    && msg.sender.platform_roles.iter().any(|r| r == role)
            }
        }
    }

    /// Whether this is a platform role (counted only in group chats).
    pub fn is_platform_role(&self) -> bool {
        matches!(self, Holder::PlatformRole(..))
    }
}

/// Whether `name` can name a role: 1–32 characters, letters (any script),
/// digits, `-` and `_`, so that `roles=speakers,志愿者` reads unambiguously.
pub fn is_role_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=MAX_ROLE_NAME).contains(&n) && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// One named role: its name as configured and who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The name (`speakers`).
    pub name: String,
    /// Who holds it.
    pub holders: Vec<Holder>,
}

impl Role {
    /// Whether the sender of `msg` (a message in a chat of this role's
    /// community) holds it.
    pub fn held_by(&self, msg: &Incoming) -> bool {
        self.holders.iter().any(|h| h.matches(msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Chat, Sender};

    fn msg(chat: Chat, id: &str, roles: &[&str]) -> Incoming {
        let mut sender = Sender::member(id, id);
        sender.platform_roles = roles.iter().map(|r| (*r).to_owned()).collect();
        Incoming::text(chat, sender, "1", "/join E1", chrono::DateTime::UNIX_EPOCH)
    }

    #[test]
    fn entries() {
        assert_eq!(Holder::parse("telegram:1001"), Ok(Holder::Account(Platform::Telegram, "1001".into())));
        assert_eq!(Holder::parse("discord:role:77"), Ok(Holder::PlatformRole(Platform::Discord, "77".into())));
        assert_eq!(Holder::parse("console:role:host"), Ok(Holder::PlatformRole(Platform::Console, "host".into())));
        assert_eq!(Holder::parse("qq:10001"), Ok(Holder::Account(Platform::Qq, "10001".into())));
        for bad in ["", "alice", "irc:1", "telegram:", "discord:role:", "discord:role:mods", "console:role:"] {
            assert!(Holder::parse(bad).is_err(), "{bad}");
        }
        let tg = Holder::parse("telegram:role:1").map_err(|e| e.to_string());
        assert!(tg.is_err_and(|e| e.contains("Telegram has no roles")));
        let qq = Holder::parse("qq:role:admin").map_err(|e| e.to_string());
        assert!(qq.is_err_and(|e| e.contains("QQ has no roles")));
    }

    #[test]
    fn a_platform_role_counts_only_in_a_group_chat_of_its_platform() {
        let role = Holder::PlatformRole(Platform::Discord, "77".into());
        assert!(role.matches(&msg(Chat::group(Platform::Discord, "500"), "8", &["77"])));
        assert!(!role.matches(&msg(Chat::group(Platform::Discord, "500"), "8", &["78"])));
        assert!(!role.matches(&msg(Chat::private(Platform::Discord, "8"), "8", &["77"])), "not in a direct chat");
        assert!(!role.matches(&msg(Chat::group(Platform::Telegram, "-1"), "8", &["77"])), "not on Telegram");
        let account = Holder::Account(Platform::Telegram, "8".into());
        assert!(account.matches(&msg(Chat::private(Platform::Telegram, "8"), "8", &[])));
        assert!(!account.matches(&msg(Chat::group(Platform::Discord, "500"), "8", &[])), "another platform's 8");
    }

    #[test]
    fn names() {
        for good in ["speakers", "志愿者", "core-team", "v_2"] {
            assert!(is_role_name(good), "{good}");
        }
        for bad in ["", "a b", "a,b", "a=b", "a:b", &"x".repeat(33)] {
            assert!(!is_role_name(bad), "{bad}");
        }
    }
}
