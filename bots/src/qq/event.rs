//! OneBot v11 events → what they mean to jixia. Pure functions over the
//! event JSON, tested with recorded events.
//!
//! What is read and what is left alone:
//! - `message` events, `message_type` `group` or `private`, in either
//!   message form ([`super::cq`]). Segments become text: `text` as is; `at`
//!   of the bot sets `mentions_bot` and is written `@{bot.name}` (the name
//!   the engine's parser knows), `at` of a member is written `@QQ_NUMBER`
//!   with a [`Mention`], `at` of everyone is `@全体成员`; `reply` becomes
//!   `reply_to`; `face`, `image` and other media become a short placeholder
//!   (`[表情]`, `[图片]`…) so a message of only a picture is not empty.
//! - The sender's `role` (`owner`, `admin`) in a group is the platform admin
//!   flag; the engine counts it only in a chat of the community.
//! - Messages from the bot's own account (`message_sent`, or `user_id` =
//!   `self_id`) are ignored, like a Telegram bot's own messages.
//! - `notice` events: members joining and leaving a group and admin changes
//!   are parsed ([`Notice`]) and logged; other notices are ignored.
//! - `meta_event`: heartbeats (their `interval` tells how long a silence
//!   means a dead connection) and lifecycle events.
//!
//! **Identity.** OneBot `message_id`s are not guaranteed unique across an
//! implementation's restarts. The inbox key of a message event
//! ([`update_id`]) is therefore derived from what is stable: the chat, the
//! group's `message_seq` (or NapCat's `real_id`) when the implementation
//! gives one, else the sender, `message_id` and `time` together. The same
//! event delivered twice (a reconnect, a replay) has the same key and is
//! handled once. The engine's `message_id` stays the OneBot `message_id`,
//! since that is what `reply` segments point at (answers to a bounty
//! question, a redirect by hand); a reused id could at worst make the
//! ledger skip an award as already given, never give one twice.

use chrono::{DateTime, Utc};
use jixia::message::{Mention, ReplyTo};
use jixia::{Chat, Incoming, Platform, Sender};
use serde_json::Value;

use super::cq::{Segment, segments};

/// Who the bot is: its QQ number and the name the engine knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    /// The account's QQ number.
    pub self_id: String,
    /// `bot.name`.
    pub name: String,
}

/// A message event, mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QqMessage {
    /// The message for the engine.
    pub incoming: Incoming,
    /// The group it was said in (`None` in a private chat).
    pub group: Option<i64>,
    /// The sender's QQ number.
    pub user: i64,
    /// The OneBot `message_id`, for a `reply` segment answering it.
    pub message_id: Option<i64>,
}

/// A notice jixia reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A member joined a group (`group_increase`).
    Joined {
        /// The group.
        group: i64,
        /// The member.
        user: i64,
    },
    /// A member left or was removed (`group_decrease`); `kicked_me` when it
    /// was the bot that was removed.
    Left {
        /// The group.
        group: i64,
        /// The member.
        user: i64,
        /// `sub_type`: `leave`, `kick` or `kick_me`.
        how: String,
    },
    /// A member became or stopped being a group admin (`group_admin`).
    Admin {
        /// The group.
        group: i64,
        /// The member.
        user: i64,
        /// `true` for `set`, `false` for `unset`.
        now_admin: bool,
    },
}

/// What an event means to jixia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message for the engine.
    Message(Box<QqMessage>),
    /// A membership or admin notice.
    Notice(Notice),
    /// A heartbeat, with its interval in milliseconds when given.
    Heartbeat(Option<u64>),
    /// Nothing for jixia; the reason is logged at debug level.
    Ignored(&'static str),
}

/// A number given as a JSON number or a string of digits (implementations
/// differ).
pub fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Maps one event. `now` stands in for a missing `time`.
pub fn map_event(event: &Value, me: &BotIdentity, now: DateTime<Utc>) -> Event {
    match event.get("post_type").and_then(Value::as_str) {
        Some("message") => match map_message(event, me, now) {
            Ok(m) => Event::Message(Box::new(m)),
            Err(reason) => Event::Ignored(reason),
        },
        Some("message_sent") => Event::Ignored("sent by the bot's own account"),
        Some("notice") => map_notice(event).map_or(Event::Ignored("notice not read"), Event::Notice),
        Some("meta_event") => match event.get("meta_event_type").and_then(Value::as_str) {
            Some("heartbeat") => {
                Event::Heartbeat(int(event.get("interval")).and_then(|i| u64::try_from(i).ok()).filter(|i| *i > 0))
            }
            _ => Event::Ignored("meta event"),
        },
        Some("request") => Event::Ignored("friend or group request"),
        _ => Event::Ignored("not an event"),
    }
}

/// Maps a message event, or says why it is not for the engine.
pub fn map_message(event: &Value, me: &BotIdentity, now: DateTime<Utc>) -> Result<QqMessage, &'static str> {
    let user = int(event.get("user_id")).ok_or("no sender")?;
    if user.to_string() == me.self_id {
        return Err("sent by the bot's own account");
    }
    let sender_info = event.get("sender");
    let (chat, group) = match event.get("message_type").and_then(Value::as_str) {
        Some("group") => {
            let group = int(event.get("group_id")).ok_or("group message without group_id")?;
            let title = event.get("group_name").and_then(Value::as_str).map(str::to_owned);
            (Chat { title, ..Chat::group(Platform::Qq, group.to_string()) }, Some(group))
        }
        Some("private") => (Chat::private(Platform::Qq, user.to_string()), None),
        _ => return Err("not a group or private message"),
    };
    let field = |k: &str| sender_info.and_then(|s| s.get(k)).and_then(Value::as_str).map(str::trim).unwrap_or("");
    let name = [field("card"), field("nickname")].into_iter().find(|n| !n.is_empty()).unwrap_or_default();
    let name = if name.is_empty() { user.to_string() } else { name.to_owned() };
    let role = field("role");
    let sender = Sender {
        id: user.to_string(),
        name,
        is_platform_admin: group.is_some() && (role == "owner" || role == "admin"),
        is_bot: false,
        platform_roles: Vec::new(),
    };
    let message = event.get("message").or_else(|| event.get("raw_message")).unwrap_or(&Value::Null);
    let (text, mentions, mentions_bot, reply_to) = read_segments(&segments(message), me);
    let message_id = int(event.get("message_id"));
    let at = int(event.get("time")).and_then(|t| DateTime::from_timestamp(t, 0)).unwrap_or(now);
    let incoming = Incoming {
        chat,
        sender,
        message_id: message_id.map_or_else(|| format!("t{}", at.timestamp()), |id| id.to_string()),
        text,
        reply_to,
        mentions,
        mentions_bot,
        at,
        reaction: None,
    };
    Ok(QqMessage { incoming, group, user, message_id })
}

/// The text of a message's segments, the members it mentions, whether it
/// mentions the bot, and what it replies to.
fn read_segments(segs: &[Segment], me: &BotIdentity) -> (String, Vec<Mention>, bool, Option<ReplyTo>) {
    let mut text = String::new();
    let mut mentions: Vec<Mention> = Vec::new();
    let mut mentions_bot = false;
    let mut reply_to = None;
    for seg in segs {
        match seg.kind.as_str() {
            "text" => text.push_str(&seg.get("text").unwrap_or_default()),
            "at" => match seg.get("qq").as_deref().map(str::trim) {
                Some(qq) if qq == me.self_id => {
                    mentions_bot = true;
                    text.push('@');
                    text.push_str(&me.name);
                }
                Some("all") => text.push_str("@全体成员"),
                Some(qq) if !qq.is_empty() => {
                    text.push('@');
                    text.push_str(qq);
                    let name = seg.get("name").filter(|n| !n.trim().is_empty()).unwrap_or_else(|| qq.to_owned());
                    if !mentions.iter().any(|m| m.user_id == qq) {
                        mentions.push(Mention { user_id: qq.to_owned(), name });
                    }
                }
                _ => {}
            },
            "reply" => {
                if let Some(id) = seg.get("id").filter(|id| !id.trim().is_empty()) {
                    reply_to = Some(ReplyTo { message_id: id.trim().to_owned(), author: None, text: None });
                }
            }
            kind => {
                if let Some(shown) = placeholder(kind) {
                    text.push_str(shown);
                }
            }
        }
    }
    // QQ clients put a space after an `at`; a reply's automatic `at` leads.
    (text.trim().to_owned(), mentions, mentions_bot, reply_to)
}

/// The message a `reply` segment points at, from `get_msg`'s answer: its
/// author (the bot itself is a bot) and its text as jixia reads text.
pub fn replied(message_id: &str, data: &Value, me: &BotIdentity) -> Option<ReplyTo> {
    let sender = data.get("sender");
    let user = int(sender.and_then(|s| s.get("user_id"))).or_else(|| int(data.get("user_id")))?;
    let field = |k: &str| sender.and_then(|s| s.get(k)).and_then(Value::as_str).map(str::trim).unwrap_or("");
    let name = [field("card"), field("nickname")].into_iter().find(|n| !n.is_empty()).map(str::to_owned);
    let author = Sender {
        id: user.to_string(),
        name: name.unwrap_or_else(|| user.to_string()),
        is_platform_admin: false,
        is_bot: user.to_string() == me.self_id,
        platform_roles: Vec::new(),
    };
    let message = data.get("message").or_else(|| data.get("raw_message")).unwrap_or(&Value::Null);
    let (text, ..) = read_segments(&segments(message), me);
    Some(ReplyTo { message_id: message_id.to_owned(), author: Some(author), text: (!text.is_empty()).then_some(text) })
}

/// What a media segment shows as in text.
fn placeholder(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "face" | "mface" | "bface" | "sface" => "[表情]",
        "image" => "[图片]",
        "record" => "[语音]",
        "video" => "[视频]",
        "file" => "[文件]",
        "json" | "xml" | "share" | "music" | "location" | "contact" => "[卡片]",
        "forward" | "node" => "[聊天记录]",
        "dice" | "rps" | "poke" | "shake" => "[互动]",
        _ => return None,
    })
}

fn map_notice(event: &Value) -> Option<Notice> {
    let group = int(event.get("group_id"))?;
    let user = int(event.get("user_id"))?;
    let sub = event.get("sub_type").and_then(Value::as_str).unwrap_or_default();
    match event.get("notice_type").and_then(Value::as_str)? {
        "group_increase" => Some(Notice::Joined { group, user }),
        "group_decrease" => Some(Notice::Left { group, user, how: sub.to_owned() }),
        "group_admin" => Some(Notice::Admin { group, user, now_admin: sub == "set" }),
        _ => None,
    }
}

/// The first second [`update_id`] can order (2020-09-13): ids are
/// `seconds since then << 34 | 34 bits of a hash`, so they sort by time
/// (the inbox takes up left-over events in id order) and stay below 2^63.
const EPOCH: i64 = 1_600_000_000;
const HASH_BITS: u32 = 34;

/// The inbox key of a message event (see the module doc): stable for the
/// same event, distinct for different ones with a chance of about one in
/// 2^34 for two messages in the same second. `None` when the event has
/// neither a sender nor a chat.
pub fn update_id(event: &Value) -> Option<i64> {
    let kind = event.get("message_type").and_then(Value::as_str).unwrap_or("?");
    let user = int(event.get("user_id"))?;
    let chat = match kind {
        "group" => int(event.get("group_id"))?,
        _ => user,
    };
    let seq = int(event.get("message_seq")).or_else(|| int(event.get("real_id"))).filter(|s| *s != 0);
    let time = int(event.get("time")).unwrap_or(0);
    let key = match seq {
        Some(seq) => format!("{kind}:{chat}:seq:{seq}"),
        None => {
            let id = event.get("message_id").map(Value::to_string).unwrap_or_default();
            format!("{kind}:{chat}:{user}:{id}:{time}")
        }
    };
    let seconds = time.saturating_sub(EPOCH).clamp(0, (1 << (63 - HASH_BITS)) - 1);
    let hash = i64::try_from(fnv1a(key.as_bytes()) & ((1 << HASH_BITS) - 1)).unwrap_or(0);
    Some((seconds << HASH_BITS) | hash)
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike std's
/// hasher), which an inbox key must be.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SELF: &str = "3889000000";

    fn me() -> BotIdentity {
        BotIdentity { self_id: SELF.into(), name: "jixia".into() }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
    }

    fn message(event: &Value) -> QqMessage {
        match map_event(event, &me(), now()) {
            Event::Message(m) => *m,
            other => panic!("not a message: {other:?}"),
        }
    }

    /// A group message as NapCat 4 reports it (array format), trimmed of
    /// fields jixia does not read.
    fn napcat_group(message: Value, role: &str) -> Value {
        json!({"self_id": 3_889_000_000_i64, "user_id": 1001, "time": 1_767_225_601, "message_id": 1_843_202_337,
            "message_seq": 1_843_202_337, "real_id": 1_843_202_337, "message_type": "group",
            "sender": {"user_id": 1001, "nickname": "Alice", "card": "", "role": role},
            "raw_message": "", "font": 14, "sub_type": "normal", "message": message, "message_format": "array",
            "post_type": "message", "group_id": 123_456_789})
    }

    #[test]
    fn an_at_of_the_bot_addresses_it() {
        let m = message(&napcat_group(
            json!([{"type": "at", "data": {"qq": SELF, "name": "稷下"}}, {"type": "text", "data": {"text": " 签到"}}]),
            "member",
        ));
        assert!(m.incoming.mentions_bot);
        assert_eq!(m.incoming.text, "@jixia 签到");
        assert!(m.incoming.mentions.is_empty());
        assert_eq!(m.incoming.chat.key(), "qq:123456789");
        assert_eq!((m.incoming.sender.id.as_str(), m.incoming.sender.name.as_str()), ("1001", "Alice"));
        assert_eq!(m.incoming.message_id, "1843202337");
        assert_eq!(m.incoming.at.timestamp(), 1_767_225_601);
        assert!(!m.incoming.sender.is_platform_admin);
    }

    #[test]
    fn a_cq_string_reads_like_the_array() {
        // go-cqhttp's string format, with escapes in the text.
        let m = message(&napcat_group(
            json!(format!("[CQ:at,qq={SELF}] /faq &#91;wal&#93; &amp; [CQ:face,id=14]")),
            "member",
        ));
        assert!(m.incoming.mentions_bot);
        assert_eq!(m.incoming.text, "@jixia /faq [wal] & [表情]");
    }

    #[test]
    fn a_reply_and_an_at_of_a_member() {
        let m = message(&napcat_group(
            json!([{"type": "reply", "data": {"id": "-2147483000"}}, {"type": "at", "data": {"qq": "1002"}},
                {"type": "text", "data": {"text": " 谢谢 "}}, {"type": "image", "data": {"file": "a.png"}}]),
            "member",
        ));
        assert_eq!(m.incoming.reply_to, Some(ReplyTo { message_id: "-2147483000".into(), author: None, text: None }));
        assert_eq!(m.incoming.text, "@1002 谢谢 [图片]");
        assert_eq!(m.incoming.mentions, [Mention { user_id: "1002".into(), name: "1002".into() }]);
        assert!(!m.incoming.mentions_bot);
    }

    #[test]
    fn the_replied_message_names_its_author_and_text() {
        let data = json!({"message_id": -5, "time": 1, "message_type": "group", "real_id": 9,
            "sender": {"user_id": SELF, "nickname": "稷下"}, "message": [{"type": "text", "data": {"text": "FAQ #wal-1 …"}}]});
        let r = replied("-5", &data, &me()).unwrap_or_else(|| panic!("read"));
        let author = r.author.unwrap_or_else(|| panic!("author"));
        assert!(author.is_bot && author.id == SELF);
        assert_eq!((r.message_id.as_str(), r.text.as_deref()), ("-5", Some("FAQ #wal-1 …")));
        let member = json!({"sender": {"user_id": 1002, "card": "Bob"}, "message": "[CQ:image,file=x]"});
        let r = replied("7", &member, &me()).unwrap_or_else(|| panic!("read"));
        assert_eq!(r.author.map(|a| (a.id, a.name, a.is_bot)), Some(("1002".into(), "Bob".into(), false)));
        assert_eq!(r.text.as_deref(), Some("[图片]"));
        assert!(replied("7", &json!(null), &me()).is_none());
    }

    #[test]
    fn group_owners_and_admins_are_platform_admins_in_groups_only() {
        for (role, admin) in [("owner", true), ("admin", true), ("member", false), ("", false)] {
            let m = message(&napcat_group(json!("/whois @x"), role));
            assert_eq!(m.incoming.sender.is_platform_admin, admin, "{role}");
        }
        let private = json!({"post_type": "message", "message_type": "private", "sub_type": "friend",
            "user_id": 1001, "message_id": 5, "time": 1_767_225_601, "message": "hi",
            "sender": {"user_id": 1001, "nickname": "Alice", "role": "admin"}});
        let m = message(&private);
        assert_eq!(m.incoming.chat, Chat::private(Platform::Qq, "1001"));
        assert!(!m.incoming.sender.is_platform_admin, "no admin flag in a private chat");
        assert_eq!(m.group, None);
    }

    #[test]
    fn the_group_card_names_the_sender_when_set() {
        let mut e = napcat_group(json!("hi"), "member");
        e["sender"]["card"] = json!("Alice（DBA）");
        assert_eq!(message(&e).incoming.sender.name, "Alice（DBA）");
        e["sender"] = json!({});
        assert_eq!(message(&e).incoming.sender.name, "1001");
    }

    #[test]
    fn the_bots_own_messages_and_other_events_are_not_for_the_engine() {
        let mut own = napcat_group(json!("pong"), "member");
        own["user_id"] = json!(SELF);
        assert_eq!(map_event(&own, &me(), now()), Event::Ignored("sent by the bot's own account"));
        own["post_type"] = json!("message_sent");
        assert_eq!(map_event(&own, &me(), now()), Event::Ignored("sent by the bot's own account"));
        let heartbeat = json!({"post_type": "meta_event", "meta_event_type": "heartbeat", "interval": 30000,
            "status": {"online": true, "good": true}, "time": 1, "self_id": SELF});
        assert_eq!(map_event(&heartbeat, &me(), now()), Event::Heartbeat(Some(30_000)));
        assert_eq!(map_event(&json!({"post_type": 5}), &me(), now()), Event::Ignored("not an event"));
        assert_eq!(map_event(&json!([1]), &me(), now()), Event::Ignored("not an event"));
        let no_group = json!({"post_type": "message", "message_type": "group", "user_id": 1, "message": "x"});
        assert_eq!(map_event(&no_group, &me(), now()), Event::Ignored("group message without group_id"));
    }

    #[test]
    fn notices_of_membership_and_admins() {
        let notice = |kind: &str, sub: &str| {
            json!({"post_type": "notice", "notice_type": kind, "sub_type": sub, "group_id": 9, "user_id": 7,
                "operator_id": 1, "time": 1, "self_id": SELF})
        };
        assert_eq!(
            map_event(&notice("group_increase", "approve"), &me(), now()),
            Event::Notice(Notice::Joined { group: 9, user: 7 })
        );
        assert_eq!(
            map_event(&notice("group_decrease", "kick"), &me(), now()),
            Event::Notice(Notice::Left { group: 9, user: 7, how: "kick".into() })
        );
        assert_eq!(
            map_event(&notice("group_admin", "unset"), &me(), now()),
            Event::Notice(Notice::Admin { group: 9, user: 7, now_admin: false })
        );
        assert_eq!(map_event(&notice("group_upload", ""), &me(), now()), Event::Ignored("notice not read"));
    }

    #[test]
    fn update_ids_are_stable_ordered_by_time_and_distinct() {
        let a = napcat_group(json!("a"), "member");
        assert_eq!(update_id(&a), update_id(&a.clone()));
        // Without a sequence number: sender, message id and time together.
        let mut b = a.clone();
        b.as_object_mut().map(|o| (o.remove("message_seq"), o.remove("real_id")));
        let mut c = b.clone();
        c["time"] = json!(1_767_225_602);
        let (b_id, c_id) = (update_id(&b), update_id(&c));
        assert!(b_id.is_some() && b_id < c_id, "{b_id:?} {c_id:?}");
        let mut d = b.clone();
        d["user_id"] = json!(1002);
        assert_ne!(update_id(&d), b_id, "same message id and time, another sender");
        let ids: std::collections::HashSet<_> = (0..10_000)
            .map(|i| {
                let mut e = b.clone();
                e["message_id"] = json!(i);
                update_id(&e)
            })
            .collect();
        assert_eq!(ids.len(), 10_000);
        assert!(update_id(&json!({"time": 5})).is_none());
        let old = json!({"user_id": 1, "time": -5, "message_type": "private"});
        assert!(update_id(&old).is_some_and(|id| id >= 0));
    }
}
