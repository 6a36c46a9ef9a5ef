//! The platform-free message model: what adapters hand to the engine
//! (`Incoming`) and what the engine hands back to be sent (`Outgoing`).
//!
//! Text from outside is cleaned at this boundary ([`clean_text`],
//! [`Incoming::cleaned`]): NUL and other control characters, and Unicode
//! non-characters, never reach a feature or the store. PostgreSQL refuses
//! NUL in text, so one such byte used to fail every write it rode in.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::rich::RichText;

/// A chat platform jixia sits on. Adapters set it; the engine only uses it to
/// key accounts and chats, never to change behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// The terminal console adapter (`jixia console`).
    Console,
    /// Telegram (teloxide adapter).
    Telegram,
    /// Discord (serenity adapter).
    Discord,
    /// QQ groups, through a OneBot v11 implementation (NapCat, Lagrange).
    Qq,
}

impl Platform {
    /// All platforms, in a stable order.
    pub const ALL: [Platform; 4] = [Platform::Console, Platform::Telegram, Platform::Discord, Platform::Qq];

    /// The lower-case name used in config (`telegram:12345`) and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Qq => "qq",
        }
    }

    /// Parses the lower-case name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a chat is a group (many members) or a private chat with the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    /// A group, supergroup, guild channel or console group.
    Group,
    /// A direct (private) chat between one member and the bot.
    Private,
}

/// A chat on one platform: where a message came from or goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Chat {
    /// The platform the chat lives on.
    pub platform: Platform,
    /// The platform's id of the chat (Telegram chat id, Discord channel id,
    /// QQ group number, console group name).
    pub id: String,
    /// Group or private.
    pub kind: ChatKind,
    /// A human-readable title, when the platform gives one.
    pub title: Option<String>,
}

impl Chat {
    /// A group chat.
    pub fn group(platform: Platform, id: impl Into<String>) -> Chat {
        Chat { platform, id: id.into(), kind: ChatKind::Group, title: None }
    }

    /// A private chat; by platform convention its id is usually the member's id.
    pub fn private(platform: Platform, id: impl Into<String>) -> Chat {
        Chat { platform, id: id.into(), kind: ChatKind::Private, title: None }
    }

    /// `platform:id`, the form used in config to map chats to communities.
    pub fn key(&self) -> String {
        format!("{}:{}", self.platform, self.id)
    }
}

/// The author of an incoming message, as the platform describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The platform's user id (console: the member's name).
    pub id: String,
    /// Display name at the time of the message.
    pub name: String,
    /// The platform says this user administers the chat (Telegram chat
    /// administrator, Discord Manage Guild). Makes them a moderator.
    pub is_platform_admin: bool,
    /// The platform says this user is a bot; the engine ignores bots.
    pub is_bot: bool,
    /// The platform's roles the user holds where the message was said, as
    /// the adapter knows them (Discord: the member's role ids in the guild;
    /// the console: `:role`; Telegram has none). They count only for named
    /// roles of the chat's community, and only in a group chat of that
    /// platform (see [`crate::roles`]).
    pub platform_roles: Vec<String>,
}

impl Sender {
    /// An ordinary human member.
    pub fn member(id: impl Into<String>, name: impl Into<String>) -> Sender {
        Sender { id: id.into(), name: name.into(), is_platform_admin: false, is_bot: false, platform_roles: Vec::new() }
    }
}

/// A member mentioned in a message (`@name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The platform's user id of the mentioned member.
    pub user_id: String,
    /// The name as written or resolved.
    pub name: String,
}

/// The message an incoming message replies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    /// Platform message id of the message replied to.
    pub message_id: String,
    /// Its author, when the platform tells us (Telegram and Discord do).
    pub author: Option<Sender>,
    /// Its text, when the platform gives it (Telegram does; the console
    /// remembers what it printed). A moderator's redirect teaches the FAQ
    /// this wording.
    pub text: Option<String>,
}

/// A member's reactions on a message changed: emoji added or removed (an
/// event of its own, with no text). Telegram reports a member's whole set
/// before and after; Discord one emoji at a time; both fit here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// Platform message id of the message reacted to.
    pub message_id: String,
    /// Emoji the member added.
    pub added: Vec<String>,
    /// Emoji the member took back.
    pub removed: Vec<String>,
}

impl Reaction {
    /// One emoji added (`true`) or removed on `message_id`.
    pub fn one(message_id: impl Into<String>, emoji: impl Into<String>, added: bool) -> Reaction {
        let (a, r) = if added { (vec![emoji.into()], Vec::new()) } else { (Vec::new(), vec![emoji.into()]) };
        Reaction { message_id: message_id.into(), added: a, removed: r }
    }
}

/// One chat message, translated from a platform event by an adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// Where it was said.
    pub chat: Chat,
    /// Who said it.
    pub sender: Sender,
    /// The platform's message id; with the chat it identifies the event, so a
    /// redelivered event can be recognised.
    pub message_id: String,
    /// The text, already decoded (adapters replace invalid UTF-8).
    pub text: String,
    /// The message this one replies to, if any.
    pub reply_to: Option<ReplyTo>,
    /// Members mentioned in the text (the bot itself excluded).
    pub mentions: Vec<Mention>,
    /// The bot itself was mentioned (`@jixia`), so the message is addressed
    /// to it.
    pub mentions_bot: bool,
    /// When the platform says the message was sent.
    pub at: DateTime<Utc>,
    /// Set when the event is a reaction rather than a message (its text is
    /// then empty).
    pub reaction: Option<Reaction>,
}

impl Incoming {
    /// A plain text message with no reply or mentions, cleaned
    /// ([`Incoming::cleaned`]).
    pub fn text(
        chat: Chat,
        sender: Sender,
        message_id: impl Into<String>,
        text: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Incoming {
        Incoming {
            chat,
            sender,
            message_id: message_id.into(),
            text: text.into(),
            reply_to: None,
            mentions: Vec::new(),
            mentions_bot: false,
            at,
            reaction: None,
        }
        .cleaned()
        .into_owned()
    }

    /// The message with [`clean_text`] applied to every text it carries:
    /// chat id and title, sender id and name, message id, text, the reply's
    /// ids, author and text, and the mentions. Borrowed when nothing needs
    /// cleaning, which is almost always. [`crate::Engine::handle`] cleans
    /// every message it is given, so no adapter can forget.
    pub fn cleaned(&self) -> Cow<'_, Incoming> {
        if self.texts().all(|t| !t.chars().any(unwanted)) {
            return Cow::Borrowed(self);
        }
        let mut m = self.clone();
        let clean = |s: &mut String| {
            if let Cow::Owned(c) = clean_text(s) {
                *s = c;
            }
        };
        clean(&mut m.chat.id);
        if let Some(t) = &mut m.chat.title {
            clean(t);
        }
        clean(&mut m.sender.id);
        clean(&mut m.sender.name);
        m.sender.platform_roles.iter_mut().for_each(clean);
        clean(&mut m.message_id);
        clean(&mut m.text);
        if let Some(r) = &mut m.reply_to {
            clean(&mut r.message_id);
            if let Some(a) = &mut r.author {
                clean(&mut a.id);
                clean(&mut a.name);
            }
            if let Some(t) = &mut r.text {
                clean(t);
            }
        }
        for mention in &mut m.mentions {
            clean(&mut mention.user_id);
            clean(&mut mention.name);
        }
        if let Some(r) = &mut m.reaction {
            clean(&mut r.message_id);
            r.added.iter_mut().chain(r.removed.iter_mut()).for_each(clean);
        }
        Cow::Owned(m)
    }

    /// Every text field, for [`Incoming::cleaned`]'s check.
    fn texts(&self) -> impl Iterator<Item = &str> {
        let reply = self.reply_to.iter().flat_map(|r| {
            [Some(r.message_id.as_str()), r.text.as_deref()]
                .into_iter()
                .chain(r.author.iter().flat_map(|a| [Some(a.id.as_str()), Some(a.name.as_str())]))
                .flatten()
        });
        let mentions = self.mentions.iter().flat_map(|m| [m.user_id.as_str(), m.name.as_str()]);
        let reaction = self.reaction.iter().flat_map(|r| {
            std::iter::once(r.message_id.as_str()).chain(r.added.iter().chain(&r.removed).map(String::as_str))
        });
        let roles = self.sender.platform_roles.iter().map(String::as_str);
        [
            Some(self.chat.id.as_str()),
            self.chat.title.as_deref(),
            Some(self.sender.id.as_str()),
            Some(self.sender.name.as_str()),
            Some(self.message_id.as_str()),
            Some(self.text.as_str()),
        ]
        .into_iter()
        .flatten()
        .chain(reply)
        .chain(mentions)
        .chain(reaction)
        .chain(roles)
    }
}

/// A character jixia does not keep from outside text: NUL and the other C0
/// and C1 control characters except tab, line feed and carriage return;
/// DEL; and the Unicode non-characters (U+FDD0–U+FDEF and the last two code
/// points of every plane, such as U+FFFE and U+FFFF).
fn unwanted(c: char) -> bool {
    let n = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// `s` without the characters jixia does not keep (see [`unwanted`]); they
/// are dropped, not replaced, since none of them shows as anything. Used
/// for messages ([`Incoming::cleaned`]) and for imported files.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    if s.chars().any(unwanted) { Cow::Owned(s.chars().filter(|c| !unwanted(*c)).collect()) } else { Cow::Borrowed(s) }
}

/// Where an outgoing message goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Destination {
    /// Into a chat (group or private), optionally as a reply.
    Chat(Chat),
    /// A direct message to a member's account on a platform.
    Direct {
        /// The platform of the account.
        platform: Platform,
        /// The platform's user id.
        user_id: String,
    },
}

impl Destination {
    /// The platform it is on.
    pub fn platform(&self) -> Platform {
        match self {
            Destination::Chat(chat) => chat.platform,
            Destination::Direct { platform, .. } => *platform,
        }
    }
}

/// A button under a message. Pressing it sends `data` back to the engine as if
/// the member had typed it (`/command args`), so every button is also a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    /// The label shown on the button.
    pub label: String,
    /// What pressing it means: the command line it stands for.
    pub data: String,
}

/// A file to attach (for example an `.ics` calendar entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name shown to the member.
    pub filename: String,
    /// MIME type.
    pub mime: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A message the engine wants sent. The engine never sends; adapters do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Where to send it.
    pub to: Destination,
    /// What to say.
    pub body: RichText,
    /// Platform message id to reply to (threading), if any.
    pub reply_to: Option<String>,
    /// Buttons or choices shown under the message, one row each.
    pub buttons: Vec<Button>,
    /// Files attached.
    pub attachments: Vec<Attachment>,
    /// Sent only after this message was delivered, and dropped if it was
    /// not: a group's "the code is in your direct messages" follows the
    /// direct message itself, so a member the bot cannot message privately
    /// hears only how to start the bot, never both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Box<Outgoing>>,
    /// The same on every attempt to send this message (the outbox sets its
    /// row's): a platform that recognises a repeated send (Discord's
    /// `nonce`) posts it once however often a crash makes us send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What this message is, for a feature that wants to know it again
    /// when a member reacts to it (`faq:17`, an FAQ redirect): the adapter
    /// reports the platform's id of each part it delivers
    /// ([`crate::Engine::sent`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
}

impl Outgoing {
    /// A reply to `msg` in the chat it came from.
    pub fn reply(msg: &Incoming, body: RichText) -> Outgoing {
        Outgoing {
            to: Destination::Chat(msg.chat.clone()),
            body,
            reply_to: Some(msg.message_id.clone()),
            buttons: Vec::new(),
            attachments: Vec::new(),
            then: None,
            key: None,
            track: None,
        }
    }

    /// A new message posted to a chat, not replying to anything.
    pub fn post(chat: Chat, body: RichText) -> Outgoing {
        Outgoing {
            to: Destination::Chat(chat),
            body,
            reply_to: None,
            buttons: Vec::new(),
            attachments: Vec::new(),
            then: None,
            key: None,
            track: None,
        }
    }

    /// A direct message to a member's account.
    pub fn direct(platform: Platform, user_id: impl Into<String>, body: RichText) -> Outgoing {
        Outgoing {
            to: Destination::Direct { platform, user_id: user_id.into() },
            body,
            reply_to: None,
            buttons: Vec::new(),
            attachments: Vec::new(),
            then: None,
            key: None,
            track: None,
        }
    }

    /// Adds buttons.
    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Outgoing {
        self.buttons = buttons;
        self
    }

    /// Sends `next` once this message was delivered, and never if it was
    /// not (see [`Outgoing::then`]).
    pub fn and_then(mut self, next: Outgoing) -> Outgoing {
        self.then = Some(Box::new(next));
        self
    }

    /// Takes off the message to send after this one, if any.
    pub fn take_then(&mut self) -> Option<Outgoing> {
        self.then.take().map(|b| *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_non_characters_are_dropped_and_the_rest_kept() {
        assert_eq!(clean_text("a\0b\u{1}c\u{7f}d\u{85}e\u{9f}f"), "abcdef");
        assert_eq!(clean_text("x\u{FFFE}\u{FFFF}\u{FDD0}\u{FDEF}\u{1FFFE}\u{10FFFF}y"), "xy");
        let kept = "tab\there\nline\r\n👨‍👩‍👧 稷下 \u{200B}\u{FFFD}\u{E000}\u{FDCF}\u{FDF0}\u{FFFD}";
        assert!(matches!(clean_text(kept), Cow::Borrowed(_)), "nothing to clean, nothing copied");
        assert_eq!(clean_text(kept), kept);
    }

    #[test]
    fn every_text_of_a_message_is_cleaned() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut m = Incoming::text(Chat::group(Platform::Console, "g"), Sender::member("a", "A"), "1", "hi", at);
        assert!(matches!(m.cleaned(), Cow::Borrowed(_)));
        m.chat = Chat { title: Some("T\0".into()), ..Chat::group(Platform::Console, "g\0") };
        m.sender = Sender::member("a\0", "A\u{FFFF}");
        m.message_id = "1\0".into();
        m.text = "h\0i".into();
        m.reply_to = Some(ReplyTo {
            message_id: "0\0".into(),
            author: Some(Sender::member("b\0", "B\0")),
            text: Some("q\0".into()),
        });
        m.mentions = vec![Mention { user_id: "c\0".into(), name: "C\0".into() }];
        let c = m.cleaned();
        assert_eq!((c.chat.id.as_str(), c.chat.title.as_deref()), ("g", Some("T")));
        assert_eq!((c.sender.id.as_str(), c.sender.name.as_str(), c.message_id.as_str()), ("a", "A", "1"));
        assert_eq!(c.text, "hi");
        let r = c.reply_to.as_ref().map(|r| {
            (r.message_id.as_str(), r.author.as_ref().map(|a| (a.id.as_str(), a.name.as_str())), r.text.as_deref())
        });
        assert_eq!(r, Some(("0", Some(("b", "B")), Some("q"))));
        assert_eq!((c.mentions[0].user_id.as_str(), c.mentions[0].name.as_str()), ("c", "C"));
    }
}
