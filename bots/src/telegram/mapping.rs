//! Telegram updates → the engine's `Incoming` messages. Pure functions over
//! teloxide's types, tested with recorded update JSON.
//!
//! What is read and what is left alone:
//! - Messages (text, or the caption of a photo or file) in private chats,
//!   groups and supergroups. Channel posts, service messages and messages
//!   without text are ignored.
//! - Messages from bots (other bots and ourselves) are ignored, and so are
//!   messages sent on behalf of a chat (anonymous admins, linked channels):
//!   they have no member behind them.
//! - Edited messages are ignored (not even requested): the engine acts on
//!   what was said when it was said, and a correction must not award points
//!   or answer a question twice.
//! - Mentions: `@username` and text mentions (members without a username)
//!   become [`Mention`]s; a text mention is rewritten `@USER_ID` so the
//!   command parser can bind it. The bot's own mention sets `mentions_bot`
//!   and is rewritten `@{bot.name}`, and `/cmd@bot_username` becomes `/cmd`,
//!   because the engine's parser knows the bot only by its configured name.
//! - In a private chat Telegram's `/start` (the Start button) means `/help`.
//! - Entity offsets are UTF-16 code units; they are turned into byte ranges
//!   here ([`entities`]), and an entity that does not fall on character
//!   boundaries inside the text is dropped. (teloxide's own conversion
//!   asserts, and a range past a multi-byte character then panics when
//!   sliced: one such message used to end the worker of its chat.)

use chrono::{DateTime, Utc};
use jixia::message::{Mention, ReplyTo};
use jixia::{Chat, Incoming, Platform, Sender};
use std::ops::Range;

use teloxide::types::{CallbackQuery, Message, MessageEntity, MessageEntityKind, Update, UpdateKind, User, UserId};

/// Who the bot is: from `getMe` and `bot.name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    /// Telegram's user id of the bot.
    pub id: u64,
    /// The bot's Telegram username, without `@`.
    pub username: String,
    /// The name the engine knows the bot by (`bot.name`).
    pub name: String,
}

impl BotIdentity {
    fn is_me(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case(&self.username) || name.eq_ignore_ascii_case(&self.name)
    }
}

/// A button press, before its data is resolved into a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Press {
    /// The callback query id, to answer it.
    pub query_id: String,
    /// The chat of the message the button is under.
    pub chat: Chat,
    /// The id of the message the button is under.
    pub message_id: i32,
    /// Who pressed.
    pub sender: Sender,
    /// The Telegram language code of who pressed, if known.
    pub language: Option<String>,
    /// The raw callback data.
    pub data: String,
}

impl Press {
    /// The press as a message from whoever pressed, whose text is the
    /// button's command line. Its id is the callback query's (`cb…`), unique
    /// per press, so two members pressing one button are two events.
    pub fn into_incoming(self, text: String, at: DateTime<Utc>) -> Incoming {
        Incoming::text(self.chat, self.sender, format!("cb{}", self.query_id), text, at)
    }
}

/// What an update means to jixia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message for the engine.
    Message(Box<Incoming>),
    /// A button was pressed.
    Press(Press),
    /// Nothing for the engine; the reason is logged at debug level.
    Ignored(&'static str),
}

/// The update kinds the adapter asks Telegram for. Telegram sends
/// `message_reaction` only when it is asked for by name here, and in groups
/// only to a bot that is an administrator of the group.
pub const ALLOWED_UPDATES: [teloxide::types::AllowedUpdate; 3] = [
    teloxide::types::AllowedUpdate::Message,
    teloxide::types::AllowedUpdate::CallbackQuery,
    teloxide::types::AllowedUpdate::MessageReaction,
];

/// Maps one update. `known_user` resolves a lower-cased `@username` to a
/// user id the adapter has seen (Telegram does not say who `@name` is).
pub fn map_update(update: &Update, me: &BotIdentity, known_user: &dyn Fn(&str) -> Option<String>) -> Event {
    match &update.kind {
        UpdateKind::Message(msg) => match map_message(msg, me, known_user) {
            Ok(incoming) => Event::Message(Box::new(incoming)),
            Err(reason) => Event::Ignored(reason),
        },
        UpdateKind::CallbackQuery(q) => match map_press(q) {
            Ok(press) => Event::Press(press),
            Err(reason) => Event::Ignored(reason),
        },
        UpdateKind::MessageReaction(r) => match map_reaction(r) {
            Ok(incoming) => Event::Message(Box::new(incoming)),
            Err(reason) => Event::Ignored(reason),
        },
        UpdateKind::EditedMessage(_) => Event::Ignored("edited message"),
        _ => Event::Ignored("update kind not handled"),
    }
}

/// The member behind a Telegram user.
pub fn sender_of(user: &User) -> Sender {
    Sender {
        id: user.id.0.to_string(),
        name: user.full_name(),
        is_platform_admin: false,
        is_bot: user.is_bot,
        platform_roles: Vec::new(),
    }
}

/// The engine's chat for a Telegram chat; `None` for channels.
pub fn chat_of(chat: &teloxide::types::Chat) -> Option<Chat> {
    let id = chat.id.0.to_string();
    if chat.is_private() {
        Some(Chat::private(Platform::Telegram, id))
    } else if chat.is_group() || chat.is_supergroup() {
        Some(Chat { title: chat.title().map(str::to_owned), ..Chat::group(Platform::Telegram, id) })
    } else {
        None
    }
}

/// Maps a message, or says why it is not for the engine.
pub fn map_message(
    msg: &Message,
    me: &BotIdentity,
    known_user: &dyn Fn(&str) -> Option<String>,
) -> Result<Incoming, &'static str> {
    let chat = chat_of(&msg.chat).ok_or("not a private chat or group")?;
    let from = msg.from.as_ref().ok_or("no sender")?;
    if from.is_bot {
        return Err("sent by a bot");
    }
    if msg.sender_chat.is_some() {
        return Err("sent on behalf of a chat");
    }
    let (raw, entities) = match (msg.text(), msg.caption()) {
        (Some(text), _) => (text, entities(text, msg.entities().unwrap_or_default())),
        (None, Some(caption)) => (caption, entities(caption, msg.caption_entities().unwrap_or_default())),
        (None, None) => return Err("no text"),
    };
    let (mut text, mentions, mentions_bot) = rewrite(raw, &entities, me, known_user);
    if msg.chat.is_private() && (text == "/start" || text.starts_with("/start ")) {
        text = "/help".into();
    }
    let reply_to = msg.reply_to_message().filter(|r| !is_topic_root(msg, r)).map(|r| ReplyTo {
        message_id: r.id.0.to_string(),
        author: r.from.as_ref().map(sender_of),
        text: r.text().or_else(|| r.caption()).map(str::to_owned),
    });
    Ok(Incoming {
        chat,
        sender: sender_of(from),
        message_id: msg.id.0.to_string(),
        text,
        reply_to,
        mentions,
        mentions_bot,
        at: msg.date,
        reaction: None,
    })
}

/// Maps a change of a member's reactions: Telegram sends their set before
/// and after; the event says what was added and what taken back. Custom
/// and paid reactions, anonymous reactions and bots are left alone.
pub fn map_reaction(r: &teloxide::types::MessageReactionUpdated) -> Result<Incoming, &'static str> {
    let chat = chat_of(&r.chat).ok_or("not a private chat or group")?;
    let user = r.user().ok_or("anonymous reaction")?;
    if user.is_bot {
        return Err("reaction by a bot");
    }
    let emoji = |list: &[teloxide::types::ReactionType]| -> Vec<String> {
        list.iter().filter_map(|t| t.emoji().cloned()).collect()
    };
    let (old, new) = (emoji(&r.old_reaction), emoji(&r.new_reaction));
    let added: Vec<String> = new.iter().filter(|e| !old.contains(e)).cloned().collect();
    let removed: Vec<String> = old.iter().filter(|e| !new.contains(e)).cloned().collect();
    if added.is_empty() && removed.is_empty() {
        return Err("no emoji reaction changed");
    }
    Ok(Incoming {
        chat,
        sender: sender_of(user),
        message_id: format!("r{}:{}:{}", r.message_id.0, user.id.0, r.date.timestamp()),
        text: String::new(),
        reply_to: None,
        mentions: Vec::new(),
        mentions_bot: false,
        at: r.date,
        reaction: Some(jixia::message::Reaction { message_id: r.message_id.0.to_string(), added, removed }),
    })
}

/// In a forum supergroup every message in a topic "replies" to the topic's
/// first message; that is not a reply anybody made.
fn is_topic_root(msg: &Message, reply: &Message) -> bool {
    msg.is_topic_message && reply.forum_topic_created().is_some()
}

/// Maps a button press; presses on inline-mode messages (no chat) and on
/// messages too old for Telegram to show are ignored.
pub fn map_press(q: &CallbackQuery) -> Result<Press, &'static str> {
    let message = q.message.as_ref().ok_or("button on an inline message")?;
    let chat = chat_of(message.chat()).ok_or("button in a channel")?;
    let data = q.data.clone().ok_or("button without data")?;
    if q.from.is_bot {
        return Err("pressed by a bot");
    }
    Ok(Press {
        query_id: q.id.0.clone(),
        chat,
        message_id: message.id().0,
        sender: sender_of(&q.from),
        language: q.from.language_code.clone(),
        data,
    })
}

/// An entity of a text, with its byte range in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity<'a> {
    /// Bytes of the text it covers (on character boundaries).
    pub range: Range<usize>,
    /// What it is.
    pub kind: &'a MessageEntityKind,
}

/// Telegram's entities (offsets and lengths in UTF-16 code units) as byte
/// ranges of `text`; entities that end past the text or cut a character
/// (half a surrogate pair) are dropped.
pub fn entities<'a>(text: &str, raw: &'a [MessageEntity]) -> Vec<Entity<'a>> {
    // Byte offset of every UTF-16 offset that starts a character, and the end.
    let mut at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut utf16 = 0;
    for (byte, c) in text.char_indices() {
        at.insert(utf16, byte);
        utf16 += c.len_utf16();
    }
    at.insert(utf16, text.len());
    raw.iter()
        .filter_map(|e| {
            let start = *at.get(&e.offset)?;
            let end = *at.get(&e.offset.checked_add(e.length)?)?;
            (start <= end).then_some(Entity { range: start..end, kind: &e.kind })
        })
        .collect()
}

/// Rewrites mentions and command suffixes (see the module doc) and collects
/// the mentioned members.
pub fn rewrite(
    text: &str,
    entities: &[Entity<'_>],
    me: &BotIdentity,
    known_user: &dyn Fn(&str) -> Option<String>,
) -> (String, Vec<Mention>, bool) {
    let mut out = String::with_capacity(text.len());
    let mut mentions: Vec<Mention> = Vec::new();
    let mut mentions_bot = false;
    let mut cursor = 0;
    let mut sorted: Vec<&Entity<'_>> = entities.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    for e in sorted {
        let range = e.range.clone();
        let Some(entity_text) = text.get(range.clone()) else { continue };
        if range.start < cursor {
            continue;
        }
        let replacement = match e.kind {
            MessageEntityKind::Mention => {
                let name = entity_text.trim_start_matches('@');
                if me.is_me(name) {
                    mentions_bot = true;
                    Some(format!("@{}", me.name))
                } else {
                    let user_id = known_user(&name.to_lowercase()).unwrap_or_else(|| format!("@{name}"));
                    push_mention(&mut mentions, Mention { user_id, name: name.to_owned() });
                    None
                }
            }
            MessageEntityKind::TextMention { user } => {
                if user.id == UserId(me.id) {
                    mentions_bot = true;
                    Some(format!("@{}", me.name))
                } else {
                    let id = user.id.0.to_string();
                    push_mention(&mut mentions, Mention { user_id: id.clone(), name: user.full_name() });
                    Some(format!("@{id}"))
                }
            }
            MessageEntityKind::BotCommand => match entity_text.split_once('@') {
                Some((command, to)) if me.is_me(to) => Some(command.to_owned()),
                _ => None,
            },
            _ => None,
        };
        if let Some(replacement) = replacement {
            out.push_str(text.get(cursor..range.start).unwrap_or_default());
            out.push_str(&replacement);
            cursor = range.end;
        }
    }
    out.push_str(text.get(cursor..).unwrap_or_default());
    (out, mentions, mentions_bot)
}

fn push_mention(mentions: &mut Vec<Mention>, m: Mention) {
    if !mentions.iter().any(|x| x.user_id == m.user_id) {
        mentions.push(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixia::ChatKind;

    fn me() -> BotIdentity {
        BotIdentity { id: 999, username: "jixia_pg_bot".into(), name: "jixia".into() }
    }

    fn update(json: &str) -> Update {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn nobody(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_thumbs_down_becomes_a_reaction_on_the_message() {
        let m = incoming(
            r#"{"update_id": 101, "message_reaction": {
              "chat": {"id": -1001234567890, "title": "PostgreSQL 中文社区", "type": "supergroup"},
              "message_id": 5001, "user": {"id": 1002, "is_bot": false, "first_name": "Bob"},
              "date": 1767225600, "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👎"}]}}"#,
        );
        assert_eq!(m.chat.id, "-1001234567890");
        assert_eq!(m.sender.id, "1002");
        let r = m.reaction.unwrap_or_else(|| panic!("a reaction"));
        assert_eq!((r.message_id.as_str(), r.added, r.removed), ("5001", vec!["👎".to_owned()], Vec::<String>::new()));
    }

    fn incoming(json: &str) -> Incoming {
        match map_update(&update(json), &me(), &nobody) {
            Event::Message(m) => *m,
            other => panic!("not a message: {other:?}"),
        }
    }

    /// A supergroup message as Telegram sends it: a command addressed to
    /// this bot, a mention of the bot, of a member with a username and of one
    /// without, after Chinese text and an emoji (UTF-16 offsets).
    const SUPERGROUP: &str = r#"{"update_id": 100,
      "message": {"message_id": 71, "date": 1767225600,
        "chat": {"id": -1001234567890, "title": "PostgreSQL 中文社区", "type": "supergroup"},
        "from": {"id": 1001, "is_bot": false, "first_name": "小", "last_name": "明", "username": "xiaoming", "language_code": "zh-hans"},
        "text": "/whois@jixia_pg_bot 你好😀 @jixia_pg_bot @alice Bob Li",
        "entities": [
          {"type": "bot_command", "offset": 0, "length": 19},
          {"type": "mention", "offset": 25, "length": 13},
          {"type": "mention", "offset": 39, "length": 6},
          {"type": "text_mention", "offset": 46, "length": 6,
           "user": {"id": 1003, "is_bot": false, "first_name": "Bob", "last_name": "Li"}}
        ]}}"#;

    #[test]
    fn a_supergroup_message_with_mentions() {
        let m = incoming(SUPERGROUP);
        assert_eq!(m.chat.kind, ChatKind::Group);
        assert_eq!(m.chat.key(), "telegram:-1001234567890");
        assert_eq!(m.chat.title.as_deref(), Some("PostgreSQL 中文社区"));
        assert_eq!(m.sender, Sender::member("1001", "小 明"));
        assert_eq!(m.message_id, "71");
        assert_eq!(m.text, "/whois 你好😀 @jixia @alice @1003");
        assert!(m.mentions_bot);
        assert_eq!(
            m.mentions,
            vec![
                Mention { user_id: "@alice".into(), name: "alice".into() },
                Mention { user_id: "1003".into(), name: "Bob Li".into() },
            ]
        );
        assert_eq!(m.at.timestamp(), 1_767_225_600);
        assert_eq!(m.reply_to, None);
    }

    /// Entities whose UTF-16 offsets cut an emoji in half, end past the
    /// text or start past their end are dropped, not sliced (a message like
    /// this one used to panic and end its chat's worker).
    #[test]
    fn entities_that_cut_characters_are_dropped() {
        for entities in [
            r#"[{"type": "bot_command", "offset": 0, "length": 4}, {"type": "mention", "offset": 7, "length": 4}]"#,
            r#"[{"type": "mention", "offset": 0, "length": 50}]"#,
            r#"[{"type": "mention", "offset": 11, "length": 1}]"#,
            r#"[{"type": "bot_command", "offset": 0, "length": 3}, {"type": "mention", "offset": 4, "length": 2}]"#,
        ] {
            let m = incoming(&format!(
                r#"{{"update_id": 5, "message": {{"message_id": 9, "date": 1767225600,
                  "chat": {{"id": -100, "title": "g", "type": "group"}},
                  "from": {{"id": 1001, "is_bot": false, "first_name": "A"}},
                  "text": "/pi😀 你好@x", "entities": {entities}}}}}"#
            ));
            assert_eq!(m.text, "/pi😀 你好@x", "{entities}");
        }
        let raw: Vec<MessageEntity> = serde_json::from_str(
            r#"[{"type": "mention", "offset": 4, "length": 2}, {"type": "mention", "offset": 3, "length": 1}]"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<Range<usize>> = entities("ab😀@x", &raw).into_iter().map(|e| e.range).collect();
        assert_eq!(got, vec![Range { start: 6, end: 8 }]);
    }

    #[test]
    fn a_known_username_resolves_to_its_id() {
        let known = |name: &str| (name == "alice").then(|| "1002".to_owned());
        let Event::Message(m) = map_update(&update(SUPERGROUP), &me(), &known) else { panic!() };
        assert_eq!(m.mentions[0], Mention { user_id: "1002".into(), name: "alice".into() });
    }

    #[test]
    fn another_bots_command_is_left_alone() {
        let m = incoming(
            r#"{"update_id": 1, "message": {"message_id": 1, "date": 1767225600,
              "chat": {"id": -100, "title": "g", "type": "group"},
              "from": {"id": 1001, "is_bot": false, "first_name": "A"},
              "text": "/help@other_bot",
              "entities": [{"type": "bot_command", "offset": 0, "length": 15}]}}"#,
        );
        assert_eq!(m.text, "/help@other_bot");
        assert!(!m.mentions_bot);
    }

    #[test]
    fn a_reply_carries_the_replied_message_and_author() {
        let m = incoming(
            r#"{"update_id": 2, "message": {"message_id": 80, "date": 1767225600,
              "chat": {"id": -100, "title": "g", "type": "group"},
              "from": {"id": 1002, "is_bot": false, "first_name": "Alice"},
              "text": "thanks!",
              "reply_to_message": {"message_id": 79, "date": 1767225500,
                "chat": {"id": -100, "title": "g", "type": "group"},
                "from": {"id": 1001, "is_bot": false, "first_name": "Bob"},
                "text": "use pg_dump -Fc"}}}"#,
        );
        let reply = m.reply_to.unwrap_or_else(|| panic!("no reply"));
        assert_eq!(reply.message_id, "79");
        assert_eq!(reply.author, Some(Sender::member("1001", "Bob")));
        assert_eq!(reply.text.as_deref(), Some("use pg_dump -Fc"));
    }

    #[test]
    fn a_private_chat_and_start() {
        let m = incoming(
            r#"{"update_id": 3, "message": {"message_id": 5, "date": 1767225600,
              "chat": {"id": 1001, "first_name": "Bob", "type": "private"},
              "from": {"id": 1001, "is_bot": false, "first_name": "Bob"},
              "text": "/start",
              "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}"#,
        );
        assert_eq!(m.chat, Chat::private(Platform::Telegram, "1001"));
        assert_eq!(m.text, "/help");
    }

    #[test]
    fn a_photo_caption_is_the_text() {
        let m = incoming(
            r#"{"update_id": 4, "message": {"message_id": 6, "date": 1767225600,
              "chat": {"id": -100, "title": "g", "type": "group"},
              "from": {"id": 1001, "is_bot": false, "first_name": "Bob"},
              "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
              "caption": "为什么 VACUUM 这么慢？"}}"#,
        );
        assert_eq!(m.text, "为什么 VACUUM 这么慢？");
    }

    #[test]
    fn what_is_ignored() {
        let cases = [
            (
                "edited message",
                r#"{"update_id": 5, "edited_message": {"message_id": 6, "date": 1767225600, "edit_date": 1767225700,
                  "chat": {"id": -100, "title": "g", "type": "group"},
                  "from": {"id": 1001, "is_bot": false, "first_name": "Bob"}, "text": "/ping"}}"#,
            ),
            (
                "sent by a bot",
                r#"{"update_id": 6, "message": {"message_id": 7, "date": 1767225600,
                  "chat": {"id": -100, "title": "g", "type": "group"},
                  "from": {"id": 555, "is_bot": true, "first_name": "OtherBot", "username": "other_bot"}, "text": "/ping"}}"#,
            ),
            (
                "sent on behalf of a chat",
                r#"{"update_id": 7, "message": {"message_id": 8, "date": 1767225600,
                  "chat": {"id": -100, "title": "g", "type": "supergroup"},
                  "sender_chat": {"id": -100, "title": "g", "type": "supergroup"},
                  "from": {"id": 1087968824, "is_bot": false, "first_name": "Group", "username": "GroupAnonymousBot"},
                  "text": "/ping"}}"#,
            ),
            (
                "not a private chat or group",
                r#"{"update_id": 8, "channel_post": {"message_id": 9, "date": 1767225600,
                  "chat": {"id": -1009, "title": "news", "type": "channel"}, "text": "hello"}}"#,
            ),
            (
                "no text",
                r#"{"update_id": 9, "message": {"message_id": 10, "date": 1767225600,
                  "chat": {"id": -100, "title": "g", "type": "group"},
                  "from": {"id": 1001, "is_bot": false, "first_name": "Bob"},
                  "sticker": {"file_id": "f", "file_unique_id": "u", "type": "regular", "width": 1, "height": 1,
                    "is_animated": false, "is_video": false}}}"#,
            ),
        ];
        for (want, json) in cases {
            let got = map_update(&update(json), &me(), &nobody);
            // Channel posts are a kind we do not handle at all.
            let ok = match got {
                Event::Ignored(reason) => reason == want || (want.starts_with("not a") && reason.contains("kind")),
                _ => false,
            };
            assert!(ok, "{want}: {got:?}");
        }
    }

    #[test]
    fn a_button_press() {
        let u = update(
            r#"{"update_id": 10, "callback_query": {"id": "4382bfdwdsb323b2d9", "chat_instance": "-1",
              "from": {"id": 1002, "is_bot": false, "first_name": "Alice", "language_code": "en"},
              "data": "=/ping",
              "message": {"message_id": 90, "date": 1767225600,
                "chat": {"id": -100, "title": "g", "type": "group"},
                "from": {"id": 999, "is_bot": true, "first_name": "jixia", "username": "jixia_pg_bot"},
                "text": "pick one"}}}"#,
        );
        let Event::Press(p) = map_update(&u, &me(), &nobody) else { panic!("not a press") };
        assert_eq!(p.chat, Chat::group(Platform::Telegram, "-100").with_title("g"));
        assert_eq!(p.message_id, 90);
        assert_eq!(p.data, "=/ping");
        assert_eq!(p.language.as_deref(), Some("en"));
        let m = p.into_incoming("/ping".into(), DateTime::UNIX_EPOCH);
        assert_eq!((m.message_id.as_str(), m.text.as_str()), ("cb4382bfdwdsb323b2d9", "/ping"));
        assert_eq!(m.sender, Sender::member("1002", "Alice"));
    }

    trait WithTitle {
        fn with_title(self, t: &str) -> Chat;
    }

    impl WithTitle for Chat {
        fn with_title(self, t: &str) -> Chat {
            Chat { title: Some(t.into()), ..self }
        }
    }
}
