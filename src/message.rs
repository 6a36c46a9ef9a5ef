//! The platform-free message model: what adapters hand to the engine
//! (`Incoming`) and what the engine hands back to be sent (`Outgoing`).

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
}

impl Platform {
    /// All platforms, in a stable order.
    pub const ALL: [Platform; 3] = [Platform::Console, Platform::Telegram, Platform::Discord];

    /// The lower-case name used in config (`telegram:12345`) and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
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
    /// console group name).
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
}

impl Sender {
    /// An ordinary human member.
    pub fn member(id: impl Into<String>, name: impl Into<String>) -> Sender {
        Sender { id: id.into(), name: name.into(), is_platform_admin: false, is_bot: false }
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
}

impl Incoming {
    /// A plain text message with no reply or mentions.
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
        }
    }
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
        }
    }

    /// A new message posted to a chat, not replying to anything.
    pub fn post(chat: Chat, body: RichText) -> Outgoing {
        Outgoing { to: Destination::Chat(chat), body, reply_to: None, buttons: Vec::new(), attachments: Vec::new() }
    }

    /// A direct message to a member's account.
    pub fn direct(platform: Platform, user_id: impl Into<String>, body: RichText) -> Outgoing {
        Outgoing {
            to: Destination::Direct { platform, user_id: user_id.into() },
            body,
            reply_to: None,
            buttons: Vec::new(),
            attachments: Vec::new(),
        }
    }

    /// Adds buttons.
    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Outgoing {
        self.buttons = buttons;
        self
    }
}
