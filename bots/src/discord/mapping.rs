//! Discord events → the engine's `Incoming` messages. Pure functions over
//! serenity's models, so they are tested with recorded event JSON.
//!
//! - Guild messages are group chats (the chat id is the channel id), DMs are
//!   private chats (the DM channel id). Bots, including ourselves, are ignored.
//! - `<@id>` mentions: the bot's own sets `mentions_bot` and becomes
//!   `@{bot.name}` in the text (the engine's parser knows only that name);
//!   others become `@username` and a `Mention`.
//! - Slash commands become the command line a member could have typed
//!   (`/points grant @alice 5 thanks`), buttons the line they stand for.
//! - Reactions (`MESSAGE_REACTION_ADD` / `_REMOVE`, Unicode emoji only)
//!   become reaction events: a 👍 on an answer is a vote.

use chrono::{DateTime, Utc};
use jixia::command::ArgKind;
use jixia::message::{Mention, ReplyTo};
use jixia::{Chat, Incoming, Platform, Sender};
use serenity::model::application::ComponentInteraction;
use serenity::model::application::{CommandData, CommandDataOption, CommandDataOptionValue, CommandInteraction};
use serenity::model::channel::{Message, Reaction};
use serenity::model::guild::Member;
use serenity::model::id::{GuildId, RoleId};
use serenity::model::permissions::Permissions;
use serenity::model::user::User;

use super::commands::{BARE_SUB, option_name};

/// Who the bot is: its user id (from READY) and the name the engine knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// The bot's Discord user id.
    pub user_id: u64,
    /// `config.bot.name`, what `@` mentions of the bot become.
    pub name: String,
}

/// The message id an interaction gets in the engine: `i` + its id, so it
/// never collides with a message id.
pub fn interaction_message_id(id: u64) -> String {
    format!("i{id}")
}

/// Whether a member moderates: Manage Guild (or Administrator) in their
/// permissions, or the configured moderator role.
pub fn is_moderator(roles: &[RoleId], permissions: Option<Permissions>, moderator_role: Option<u64>) -> bool {
    permissions.is_some_and(|p| p.manage_guild() || p.administrator())
        || moderator_role.is_some_and(|r| roles.iter().any(|id| id.get() == r))
}

fn chat(guild_id: Option<GuildId>, channel_id: u64) -> Chat {
    match guild_id {
        Some(_) => Chat::group(Platform::Discord, channel_id.to_string()),
        None => Chat::private(Platform::Discord, channel_id.to_string()),
    }
}

/// The name shown for a user: nickname in the guild, else display name,
/// else username.
fn display_name(user: &User, nick: Option<&str>) -> String {
    nick.or(user.global_name.as_deref()).unwrap_or(&user.name).to_owned()
}

/// The author as the engine sees them; `roles` are their role ids in the
/// guild the event came from (none in a DM), which count only for a
/// community's roles there (see `jixia::roles`).
fn sender(user: &User, nick: Option<&str>, is_admin: bool, roles: &[RoleId]) -> Sender {
    Sender {
        id: user.id.get().to_string(),
        name: display_name(user, nick),
        is_platform_admin: is_admin,
        is_bot: user.bot,
        platform_roles: roles.iter().map(|r| r.get().to_string()).collect(),
    }
}

fn at(ts: &serenity::model::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(ts.unix_timestamp(), 0).unwrap_or_default()
}

/// Rewrites `<@id>` / `<@!id>` user mentions: the bot's own becomes
/// `@{me.name}`, others `@username` (known from the message's mention list).
/// Returns the text, whether the bot was mentioned, and the other mentions.
pub fn rewrite_mentions(content: &str, mentioned: &[User], me: &Me) -> (String, bool, Vec<Mention>) {
    let mut out = String::with_capacity(content.len());
    let mut mentions: Vec<Mention> = Vec::new();
    let mut mentions_bot = false;
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let digits_from = usize::from(after.starts_with('!'));
        let body = &after[digits_from..];
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        let id = body[..digits].parse::<u64>().ok();
        match id {
            Some(id) if body[digits..].starts_with('>') => {
                if id == me.user_id {
                    mentions_bot = true;
                    out.push('@');
                    out.push_str(&me.name);
                } else {
                    let name = mentioned.iter().find(|u| u.id.get() == id).map_or(id.to_string(), |u| u.name.clone());
                    out.push('@');
                    out.push_str(&name);
                    if !mentions.iter().any(|m| m.user_id == id.to_string()) {
                        mentions.push(Mention { user_id: id.to_string(), name });
                    }
                }
                rest = &body[digits + 1..];
            }
            _ => {
                out.push_str("<@");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, mentions_bot, mentions)
}

/// A message (guild or DM) → `Incoming`; `None` for bots and system messages
/// without text. `is_admin` is the moderator flag the caller worked out.
pub fn map_message(msg: &Message, me: &Me, is_admin: bool) -> Option<Incoming> {
    if msg.author.bot || msg.author.id.get() == me.user_id {
        return None;
    }
    let (text, mentions_bot, mentions) = rewrite_mentions(&msg.content, &msg.mentions, me);
    if text.trim().is_empty() {
        return None;
    }
    let nick = msg.member.as_ref().and_then(|m| m.nick.as_deref());
    let roles = msg.member.as_ref().map_or(&[][..], |m| m.roles.as_slice());
    let reply_to = match (&msg.referenced_message, &msg.message_reference) {
        (Some(replied), _) => Some(ReplyTo {
            message_id: replied.id.get().to_string(),
            author: Some(sender(&replied.author, None, false, &[])),
            text: Some(rewrite_mentions(&replied.content, &replied.mentions, me).0).filter(|t| !t.is_empty()),
        }),
        (None, Some(r)) => {
            r.message_id.map(|id| ReplyTo { message_id: id.get().to_string(), author: None, text: None })
        }
        (None, None) => None,
    };
    Some(Incoming {
        chat: chat(msg.guild_id, msg.channel_id.get()),
        sender: sender(&msg.author, nick, is_admin, roles),
        message_id: msg.id.get().to_string(),
        text,
        reply_to,
        mentions,
        mentions_bot,
        at: at(&msg.timestamp),
        reaction: None,
    })
}

/// Quotes a word so the engine's parser reads it as one argument.
fn quote(value: &str) -> String {
    if !value.is_empty() && !value.chars().any(char::is_whitespace) && !value.starts_with(['"', '\'', '“', '「']) {
        return value.to_owned();
    }
    if !value.contains('"') {
        format!("\"{value}\"")
    } else if !value.contains('」') {
        format!("「{value}」")
    } else {
        value.split_whitespace().collect::<Vec<_>>().join("_")
    }
}

/// The command line a slash command stands for, and the members its user
/// options mention.
pub fn command_line(data: &CommandData) -> (String, Vec<Mention>) {
    let (sub, options): (Option<&str>, &[CommandDataOption]) = match data.options.first() {
        Some(CommandDataOption { name, value: CommandDataOptionValue::SubCommand(opts), .. }) => {
            (Some(name.as_str()), opts)
        }
        _ => (None, &data.options),
    };
    let find = |name: &str, sub: Option<&str>| jixia::features::registry().find(name, sub).map(|(_, spec)| spec);
    let spec = match sub {
        Some(BARE_SUB) => find(&data.name, None).or_else(|| find(&data.name, Some(BARE_SUB))),
        Some(s) => find(&data.name, Some(s)),
        None => find(&data.name, None),
    };
    let mut line = format!("/{}", data.name);
    if let Some(s) = sub
        && spec.is_some_and(|spec| spec.sub.is_some())
    {
        line.push(' ');
        line.push_str(s);
    }
    let mut mentions = Vec::new();
    let Some(spec) = spec else {
        return (line, mentions);
    };
    for arg in spec.args {
        let Some(opt) = options.iter().find(|o| o.name == option_name(arg)) else { continue };
        let written = match &opt.value {
            CommandDataOptionValue::String(s) if arg.kind == ArgKind::Rest => s.clone(),
            CommandDataOptionValue::String(s) => quote(s),
            CommandDataOptionValue::Integer(n) => n.to_string(),
            CommandDataOptionValue::Number(n) => n.to_string(),
            CommandDataOptionValue::Boolean(b) => b.to_string(),
            CommandDataOptionValue::User(id) => {
                let name = data.resolved.users.get(id).map_or(id.get().to_string(), |u| u.name.clone());
                mentions.push(Mention { user_id: id.get().to_string(), name: name.clone() });
                format!("@{name}")
            }
            _ => continue,
        };
        line.push(' ');
        line.push_str(&written);
    }
    (line, mentions)
}

fn member_parts(member: Option<&Member>, user: &User, moderator_role: Option<u64>) -> Sender {
    let nick = member.and_then(|m| m.nick.as_deref());
    let admin = member.is_some_and(|m| is_moderator(&m.roles, m.permissions, moderator_role));
    sender(user, nick, admin, member.map_or(&[][..], |m| m.roles.as_slice()))
}

/// A slash command → `Incoming` whose text is the equivalent command line.
pub fn map_command(cmd: &CommandInteraction, moderator_role: Option<u64>, now: DateTime<Utc>) -> Option<Incoming> {
    let sender = member_parts(cmd.member.as_deref(), &cmd.user, moderator_role);
    if sender.is_bot {
        return None;
    }
    let (text, mentions) = command_line(&cmd.data);
    Some(Incoming {
        chat: chat(cmd.guild_id, cmd.channel_id.get()),
        sender,
        message_id: interaction_message_id(cmd.id.get()),
        text,
        reply_to: None,
        mentions,
        mentions_bot: false,
        at: now,
        reaction: None,
    })
}

/// A button press → `Incoming` with the command line the button stands for
/// (already decoded from its custom id).
pub fn map_press(
    press: &ComponentInteraction,
    line: String,
    moderator_role: Option<u64>,
    now: DateTime<Utc>,
) -> Option<Incoming> {
    let sender = member_parts(press.member.as_ref(), &press.user, moderator_role);
    if sender.is_bot {
        return None;
    }
    Some(Incoming {
        chat: chat(press.guild_id, press.channel_id.get()),
        sender,
        message_id: interaction_message_id(press.id.get()),
        text: line,
        reply_to: None,
        mentions: Vec::new(),
        mentions_bot: false,
        at: now,
        reaction: None,
    })
}

/// A reaction added (`added`) or removed → a reaction event. Custom emoji
/// and reactions without a user are left alone; the sender's name is only
/// known when Discord sends the member (additions in a guild), and the
/// engine never takes a reaction's name for a member's anyway.
pub fn map_reaction(reaction: &Reaction, added: bool, now: DateTime<Utc>) -> Option<Incoming> {
    let serenity::model::channel::ReactionType::Unicode(emoji) = &reaction.emoji else { return None };
    let user_id = reaction.user_id?;
    let sender = match &reaction.member {
        Some(m) => {
            let admin = is_moderator(&m.roles, m.permissions, None);
            sender(&m.user, m.nick.as_deref(), admin, &m.roles)
        }
        None => Sender::member(user_id.get().to_string(), String::new()),
    };
    if sender.is_bot {
        return None;
    }
    let sign = if added { "+" } else { "-" };
    Some(Incoming {
        chat: chat(reaction.guild_id, reaction.channel_id.get()),
        sender,
        message_id: format!("r{}{sign}{}:{}", reaction.message_id.get(), user_id.get(), now.timestamp_millis()),
        text: String::new(),
        reply_to: None,
        mentions: Vec::new(),
        mentions_bot: false,
        at: now,
        reaction: Some(jixia::message::Reaction::one(reaction.message_id.get().to_string(), emoji.clone(), added)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn me() -> Me {
        Me { user_id: 900, name: "jixia".into() }
    }

    fn user(id: u64, name: &str) -> serde_json::Value {
        json!({ "id": id.to_string(), "username": name, "global_name": null, "discriminator": "0", "avatar": null })
    }

    fn message(content: &str, extra: serde_json::Value) -> Message {
        let mut m = json!({
            "id": "1001", "channel_id": "500", "guild_id": "42",
            "author": user(7, "alice"),
            "content": content,
            "timestamp": "2026-11-30T08:00:00.000000+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0,
        });
        if let (Some(m), Some(extra)) = (m.as_object_mut(), extra.as_object()) {
            m.extend(extra.clone());
        }
        serde_json::from_value(m).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_guild_message_addressed_to_the_bot() {
        let msg = message(
            "<@900> points grant <@!8> 5 thanks",
            json!({ "mentions": [user(900, "jixia-bot"), user(8, "bob")], "member": { "nick": "Alice 爱丽丝", "roles": ["123456789012345678"], "joined_at": "2025-01-01T00:00:00+00:00", "deaf": false, "mute": false, "flags": 0 } }),
        );
        let Some(inc) = map_message(&msg, &me(), false) else { panic!("ignored") };
        assert_eq!(inc.text, "@jixia points grant @bob 5 thanks");
        assert!(inc.mentions_bot);
        assert_eq!(inc.mentions, vec![Mention { user_id: "8".into(), name: "bob".into() }]);
        assert_eq!(inc.chat, Chat::group(Platform::Discord, "500"));
        assert_eq!(inc.sender.name, "Alice 爱丽丝");
        assert_eq!(inc.sender.platform_roles, ["123456789012345678"], "her roles in this guild");
        assert_eq!(inc.message_id, "1001");
        assert_eq!(inc.at.to_rfc3339(), "2026-11-30T08:00:00+00:00");
    }

    #[test]
    fn a_dm_a_reply_and_bots() {
        let dm = message("/checkin", json!({ "guild_id": null }));
        let Some(inc) = map_message(&dm, &me(), false) else { panic!("ignored") };
        assert_eq!(inc.chat, Chat::private(Platform::Discord, "500"));
        assert!(inc.sender.platform_roles.is_empty(), "no guild, no roles");

        let replied = message("VACUUM 和 autovacuum 有什么区别？", json!({ "id": "999", "author": user(8, "bob") }));
        let reply = message(
            "!faq redirect vacuum",
            json!({ "referenced_message": serde_json::to_value(&replied).unwrap_or_default(), "message_reference": { "message_id": "999", "channel_id": "500" } }),
        );
        let Some(inc) = map_message(&reply, &me(), true) else { panic!("ignored") };
        let Some(r) = inc.reply_to else { panic!("no reply") };
        assert_eq!(r.message_id, "999");
        assert_eq!(r.author.map(|a| a.id).as_deref(), Some("8"));
        assert_eq!(r.text.as_deref(), Some("VACUUM 和 autovacuum 有什么区别？"));
        assert!(inc.sender.is_platform_admin);

        let mut bot = user(5, "otherbot");
        bot["bot"] = json!(true);
        assert_eq!(map_message(&message("/ping", json!({ "author": bot })), &me(), false), None);
        assert_eq!(map_message(&message("/ping", json!({ "author": user(900, "me") })), &me(), false), None);
        assert_eq!(map_message(&message("", json!({})), &me(), false), None);
    }

    #[test]
    fn broken_mentions_stay_text() {
        let (text, bot, mentions) = rewrite_mentions("<@ <@x> <@12 <@&3> <#4> <@!900>", &[], &me());
        assert_eq!(text, "<@ <@x> <@12 <@&3> <#4> @jixia");
        assert!(bot && mentions.is_empty());
    }

    #[test]
    fn moderators_by_permission_or_role() {
        assert!(is_moderator(&[], Some(Permissions::MANAGE_GUILD), None));
        assert!(is_moderator(&[], Some(Permissions::ADMINISTRATOR), None));
        assert!(is_moderator(&[RoleId::new(77)], Some(Permissions::SEND_MESSAGES), Some(77)));
        assert!(!is_moderator(&[RoleId::new(78)], Some(Permissions::SEND_MESSAGES), Some(77)));
        assert!(!is_moderator(&[], None, None));
    }

    fn interaction(data: serde_json::Value) -> CommandInteraction {
        serde_json::from_value(json!({
            "id": "3001", "application_id": "900", "type": 2, "token": "tok",
            "version": 1, "locale": "zh-CN", "guild_id": "42", "channel_id": "500",
            "member": { "user": user(7, "alice"), "roles": ["77"], "permissions": "32", "joined_at": "2025-01-01T00:00:00+00:00", "deaf": false, "mute": false, "flags": 0, "nick": null },
            "data": data,
            "entitlements": [], "authorizing_integration_owners": {}, "attachment_size_limit": 8388608,
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_slash_command_becomes_its_command_line() {
        let cmd = interaction(json!({
            "id": "1", "name": "points", "type": 1,
            "options": [{ "name": "grant", "type": 1, "options": [
                { "name": "member", "type": 6, "value": "8" },
                { "name": "n", "type": 4, "value": 5 },
                { "name": "reason", "type": 3, "value": "answered \"VACUUM\" twice" },
            ]}],
            "resolved": { "users": { "8": user(8, "bob") } },
        }));
        let Some(inc) = map_command(&cmd, None, Utc::now()) else { panic!("ignored") };
        assert_eq!(inc.text, "/points grant @bob 5 answered \"VACUUM\" twice");
        assert_eq!(inc.mentions, vec![Mention { user_id: "8".into(), name: "bob".into() }]);
        assert_eq!(inc.message_id, "i3001");
        assert!(inc.sender.is_platform_admin, "permissions 32 = Manage Guild");
        assert_eq!(inc.sender.platform_roles, ["77"]);

        let bare = interaction(
            json!({ "id": "1", "name": "points", "type": 1, "options": [{ "name": BARE_SUB, "type": 1, "options": [] }] }),
        );
        assert_eq!(command_line(&bare.data).0, "/points");
        let help = interaction(
            json!({ "id": "1", "name": "help", "type": 1, "options": [{ "name": "command", "type": 3, "value": "top week" }] }),
        );
        assert_eq!(command_line(&help.data).0, "/help \"top week\"");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a"), "a");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("a \"b\""), "「a \"b\"」");
        assert_eq!(quote(""), "\"\"");
    }
}
