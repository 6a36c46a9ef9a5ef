//! The outbox: every `Outgoing` for Telegram goes through one task that
//! turns it into Bot API calls and paces them (see [`super::pacer`]): one
//! queue per chat, at most one call in flight per chat (so a chat sees its
//! messages in order), chats served side by side. Nothing is dropped for
//! being too fast:
//! - 429 `retry_after`: the whole bot waits that long, then the same
//!   message is sent again;
//! - network errors and Telegram's 5xx: retried with exponential backoff
//!   (about a minute and a half in all) before giving up with an error log;
//! - HTML Telegram cannot parse: sent again as plain text;
//! - a group upgraded to a supergroup: sent to the new id;
//! - 403 on a direct message (the member never pressed Start, or blocked
//!   the bot): the member is recorded as unreachable for a day (or until
//!   they message the bot privately), their queued direct messages are
//!   dropped, and the group the request came from gets a short hint on how
//!   to start the bot. Later direct messages to them are not attempted.
//!
//! A message from the durable outbox carries a [`Receipt`]: every part of it
//! that is given up marks it failed, so the outbox keeps it for a retry.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use jixia::i18n::{Args, Locale};
use jixia::message::{Attachment, Destination};
use jixia::scheduler::outbox::Receipt;
use jixia::{Chat, Engine, Outgoing, Platform};
use teloxide::payloads::{SendDocumentSetters, SendMessageSetters};
use teloxide::prelude::Requester;
use teloxide::types::{
    ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, MessageId, ParseMode,
    ReplyParameters,
};
use teloxide::{ApiError, Bot, RequestError};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

pub use crate::unreachable::{UNREACHABLE_FOR, Unreachable};

use super::buttons::Buttons;
use super::pacer::{Limits, Pacer};
use super::redact::Redactor;
use super::render::{self, Chunk, MAX_MESSAGE_UTF16};

/// Transient failures of one message before it is given up.
const MAX_TRANSIENT: u32 = 8;
/// 429 answers for one message before it is given up (each is waited out).
const MAX_RATE_LIMITED: u32 = 20;

/// Where the message that caused an outgoing one came from: to resolve
/// replies and to post the "start the bot" hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The Telegram chat it was said in.
    pub chat_id: i64,
    /// Whether that chat is a group.
    pub is_group: bool,
    /// The engine's id of the incoming message (`cb…` for a button press).
    pub incoming_id: String,
    /// The Telegram message to reply to when the engine replies to
    /// `incoming_id` (for a press: the message the button is under).
    pub reply_target: Option<i32>,
    /// The sender's Telegram user id.
    pub user_id: String,
    /// The sender's display name.
    pub user_name: String,
    /// The language for hints in that chat (the community's).
    pub locale: Locale,
}

/// Something to send, with where it came from.
#[derive(Debug, Clone)]
pub struct Job {
    /// The message.
    pub out: Outgoing,
    /// The message that caused it, if any (scheduled posts have none).
    pub origin: Option<Arc<Origin>>,
    /// For a message from the durable outbox: reports how its delivery ended.
    pub receipt: Option<Receipt>,
}

/// The handle that queues messages for the sender task. Cheap to clone;
/// the task ends when every handle is dropped and its queues are empty.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::UnboundedSender<Job>,
}

impl Outbox {
    /// Queues a message that answers nothing in particular (a digest, a
    /// reminder, a test).
    pub fn send(&self, out: Outgoing) {
        self.send_job(Job { out, origin: None, receipt: None });
    }

    /// Queues a message from the durable outbox; `receipt` reports the end.
    pub fn send_receipted(&self, out: Outgoing, receipt: Receipt) {
        self.send_job(Job { out, origin: None, receipt: Some(receipt) });
    }

    /// Queues a message with its origin; what waits on its delivery
    /// ([`Outgoing::then`]) is queued once it was delivered.
    pub fn send_job(&self, mut job: Job) {
        if let Some(next) = job.out.take_then() {
            let (outbox, origin) = (self.clone(), job.origin.clone());
            let receipt = jixia::scheduler::outbox::on_delivery(job.receipt.take(), move || {
                outbox.send_job(Job { out: next, origin, receipt: None })
            });
            job.receipt = Some(receipt);
        }
        if let Err(mpsc::error::SendError(job)) = self.tx.send(job) {
            tracing::warn!("telegram outbox closed; message not sent");
            if let Some(r) = job.receipt {
                r.failed("the Telegram sender has stopped");
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Body {
    Text { chunk: Chunk, plain_only: bool, reply_to: Option<i32>, keyboard: Option<InlineKeyboardMarkup> },
    Document { attachment: Attachment, reply_to: Option<i32> },
}

/// One Bot API call's worth of a message.
#[derive(Debug, Clone)]
struct Part {
    chat: i64,
    body: Body,
    /// Set for a direct message: the user it goes to.
    dm_user: Option<String>,
    origin: Option<Arc<Origin>>,
    receipt: Option<Receipt>,
    /// The message's `track`: its id is reported once delivered.
    track: Option<String>,
    /// Its place among the message's parts, and how many there are.
    index: usize,
    parts: usize,
    transient_failures: u32,
    rate_limited: u32,
    not_before: Option<Instant>,
}

/// What a failed call means for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    RetryAfter(Duration),
    Migrated(i64),
    Transient,
    BadHtml,
    Forbidden,
    Permanent,
}

fn classify(e: &RequestError) -> Failure {
    match e {
        RequestError::RetryAfter(s) => Failure::RetryAfter(s.duration()),
        RequestError::MigrateToChatId(id) => Failure::Migrated(id.0),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => Failure::Transient,
        RequestError::Api(api) => match api {
            ApiError::CantParseEntities(_) => Failure::BadHtml,
            ApiError::BotBlocked
            | ApiError::CantInitiateConversation
            | ApiError::UserDeactivated
            | ApiError::CantTalkWithBots
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup => Failure::Forbidden,
            ApiError::Unknown(text) if text.starts_with("Forbidden") => Failure::Forbidden,
            ApiError::Unknown(text)
                if ["Internal Server Error", "Bad Gateway", "Gateway", "Service Unavailable", "Too Many Requests"]
                    .iter()
                    .any(|p| text.starts_with(p)) =>
            {
                Failure::Transient
            }
            _ => Failure::Permanent,
        },
        #[expect(unreachable_patterns, reason = "RequestError is non-exhaustive in spirit; be safe across versions")]
        _ => Failure::Permanent,
    }
}

fn backoff(failures: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << failures.saturating_sub(1).min(6))).min(Duration::from_secs(30))
}

/// Everything the sender task needs.
#[derive(Debug)]
pub struct SenderParts {
    /// The API client.
    pub bot: Bot,
    /// Keeps the token out of logs.
    pub redactor: Redactor,
    /// For the hint's prompt.
    pub engine: Arc<Engine>,
    /// The bot's Telegram username, for the hint's link.
    pub bot_username: String,
    /// Button data encoding.
    pub buttons: Arc<Buttons>,
    /// Members who cannot be messaged privately.
    pub unreachable: Arc<Unreachable>,
    /// The pace.
    pub limits: Limits,
}

/// Starts the sender task.
pub fn spawn(parts: SenderParts) -> (Outbox, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = SenderTask {
        pacer: Pacer::new(parts.limits),
        parts,
        queues: HashMap::new(),
        busy: HashSet::new(),
        hinted: VecDeque::new(),
    };
    (Outbox { tx }, tokio::spawn(task.run(rx)))
}

/// A finished call: the chat, the part, and the id of the message Telegram
/// made of it.
type Sent = (i64, Part, Result<MessageId, RequestError>);

#[derive(Debug)]
struct SenderTask {
    parts: SenderParts,
    pacer: Pacer,
    queues: HashMap<i64, VecDeque<Part>>,
    busy: HashSet<i64>,
    /// Origins already given a hint, so one request gets one hint.
    hinted: VecDeque<(i64, String)>,
}

impl Part {
    /// This part will not be sent: its message counts as not delivered.
    fn give_up(&self, reason: &str) {
        if let Some(r) = &self.receipt {
            r.failed(reason);
        }
    }

    /// Telegram refused this part for good (403, chat not found): the
    /// outbox keeps it as failed without retrying.
    fn refused(&self, reason: &str) {
        if let Some(r) = &self.receipt {
            r.refused(reason);
        }
    }
}

impl SenderTask {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Job>) {
        let mut in_flight: JoinSet<Sent> = JoinSet::new();
        let mut open = true;
        loop {
            let wake = self.dispatch(&mut in_flight);
            if !open && in_flight.is_empty() && self.queues.values().all(VecDeque::is_empty) {
                return;
            }
            tokio::select! {
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => match done {
                    Ok((chat, part, result)) => self.settle(chat, part, result),
                    Err(e) => tracing::error!(error = %e, "telegram send task failed"),
                },
                job = rx.recv(), if open => match job {
                    Some(job) => self.enqueue(job),
                    None => open = false,
                },
                () = sleep_until(wake), if wake.is_some() => {}
            }
        }
    }

    /// Starts every send that may go now; returns when the next waiting one
    /// may.
    fn dispatch(&mut self, in_flight: &mut JoinSet<Sent>) -> Option<Instant> {
        let now = Instant::now();
        let mut wake: Option<Instant> = None;
        let chats: Vec<i64> =
            self.queues.iter().filter(|(c, q)| !q.is_empty() && !self.busy.contains(c)).map(|(c, _)| *c).collect();
        for chat in chats {
            let Some(front) = self.queues.get(&chat).and_then(VecDeque::front) else { continue };
            let at = self.pacer.ready_at(chat, now).max(front.not_before.unwrap_or(now));
            if at > now {
                wake = Some(wake.map_or(at, |w| w.min(at)));
                continue;
            }
            let Some(part) = self.queues.get_mut(&chat).and_then(VecDeque::pop_front) else { continue };
            self.pacer.record(chat, now);
            self.busy.insert(chat);
            let bot = self.parts.bot.clone();
            let engine = self.parts.engine.clone();
            in_flight.spawn(async move {
                let result = deliver(&bot, &part).await;
                // Known before the chat's next message goes out.
                if let (Ok(id), Some(track)) = (&result, &part.track) {
                    engine.sent(track, Platform::Telegram, &chat.to_string(), &id.0.to_string()).await;
                }
                (chat, part, result)
            });
        }
        self.queues.retain(|_, q| !q.is_empty());
        wake
    }

    fn enqueue(&mut self, job: Job) {
        let now = Instant::now();
        if let Destination::Direct { platform: Platform::Telegram, user_id } = &job.out.to
            && self.parts.unreachable.contains(user_id, now)
        {
            tracing::info!(user = %user_id, "member cannot be messaged privately; not trying again yet");
            if let Some(r) = &job.receipt {
                r.failed("the member cannot be messaged privately");
            }
            self.hint(job.origin.as_deref());
            return;
        }
        match parts_of(&job, &self.parts.buttons, now) {
            Ok(parts) => {
                for part in parts {
                    self.queues.entry(part.chat).or_default().push_back(part);
                }
            }
            Err(reason) => {
                tracing::warn!(to = ?job.out.to, reason, "message not sent");
                if let Some(r) = &job.receipt {
                    r.failed(reason);
                }
            }
        }
    }

    fn requeue(&mut self, part: Part) {
        self.queues.entry(part.chat).or_default().push_front(part);
    }

    /// The message of `part` will not be delivered whole: its later parts
    /// are not sent either, so a retry from the outbox resumes at the part
    /// that failed and the chat never sees the message with a hole in it.
    fn drop_rest(&mut self, chat: i64, part: &Part) {
        let Some(receipt) = &part.receipt else { return };
        if let Some(queue) = self.queues.get_mut(&chat) {
            queue.retain(|p| !p.receipt.as_ref().is_some_and(|r| r.same(receipt)));
        }
    }

    fn settle(&mut self, chat: i64, mut part: Part, result: Result<MessageId, RequestError>) {
        self.busy.remove(&chat);
        let e = match result {
            Ok(_) => {
                if let Some(r) = &part.receipt {
                    r.part_sent(part.index, part.parts);
                }
                return;
            }
            Err(e) => e,
        };
        let now = Instant::now();
        let error = self.parts.redactor.error(&e);
        match classify(&e) {
            Failure::RetryAfter(wait) => {
                jixia::metrics::metrics().rate_limited(jixia::Platform::Telegram);
                part.rate_limited += 1;
                if part.rate_limited > MAX_RATE_LIMITED {
                    tracing::error!(chat, error, "Telegram kept refusing a message as too fast; dropped");
                    part.give_up(&error);
                    self.drop_rest(chat, &part);
                    return;
                }
                tracing::warn!(chat, seconds = wait.as_secs(), "Telegram asked to slow down; waiting");
                self.pacer.freeze(now + wait);
                self.requeue(part);
            }
            Failure::Migrated(to) => {
                tracing::warn!(
                    from = chat,
                    to,
                    "the group became a supergroup; sending to its new id (update communities.*.chats)"
                );
                let mut moved = self.queues.remove(&chat).unwrap_or_default();
                moved.push_front(part);
                for p in &mut moved {
                    p.chat = to;
                }
                let queue = self.queues.entry(to).or_default();
                while let Some(p) = moved.pop_back() {
                    queue.push_front(p);
                }
            }
            Failure::Transient => {
                part.transient_failures += 1;
                if part.transient_failures > MAX_TRANSIENT {
                    tracing::error!(chat, error, "could not reach Telegram; message dropped after retries");
                    part.give_up(&error);
                    self.drop_rest(chat, &part);
                    return;
                }
                tracing::warn!(chat, error, attempt = part.transient_failures, "send failed; retrying");
                part.not_before = Some(now + backoff(part.transient_failures));
                self.requeue(part);
            }
            Failure::BadHtml => match &mut part.body {
                Body::Text { plain_only, .. } if !*plain_only => {
                    tracing::warn!(chat, error, "Telegram refused the HTML; sending as plain text");
                    *plain_only = true;
                    self.requeue(part);
                }
                _ => {
                    tracing::error!(chat, error, "Telegram refused a message; dropped");
                    part.give_up(&error);
                    self.drop_rest(chat, &part);
                }
            },
            Failure::Forbidden => match part.dm_user.clone() {
                Some(user) => {
                    tracing::info!(user = %user, "member cannot be messaged privately (has not started the bot, or blocked it)");
                    self.parts.unreachable.record(&user, now);
                    part.refused(&error);
                    if let Some(queue) = self.queues.get_mut(&chat) {
                        queue.retain(|p| {
                            let keep = p.dm_user.as_deref() != Some(user.as_str());
                            if !keep {
                                p.refused(&error);
                            }
                            keep
                        });
                    }
                    self.hint(part.origin.as_deref());
                }
                None => {
                    tracing::warn!(chat, error, "the bot may not post in this chat; its queued messages are dropped");
                    part.refused(&error);
                    for p in self.queues.remove(&chat).unwrap_or_default() {
                        p.refused(&error);
                    }
                }
            },
            Failure::Permanent => {
                tracing::error!(chat, error, "Telegram refused a message; dropped");
                part.refused(&error);
                self.drop_rest(chat, &part);
            }
        }
    }

    /// Tells the group a request came from that its sender must start the
    /// bot before it can message them privately (once per request).
    fn hint(&mut self, origin: Option<&Origin>) {
        let Some(origin) = origin.filter(|o| o.is_group) else { return };
        let key = (origin.chat_id, origin.incoming_id.clone());
        if self.hinted.contains(&key) {
            return;
        }
        if self.hinted.len() >= 256 {
            self.hinted.pop_front();
        }
        self.hinted.push_back(key);
        let username = &self.parts.bot_username;
        let args = Args::new()
            .str("name", origin.user_name.clone())
            .str("bot", format!("@{username}"))
            .str("link", format!("https://t.me/{username}"));
        let body = self.parts.engine.prompts().format(origin.locale, "telegram-dm-blocked", &args);
        let mut out = Outgoing::post(Chat::group(Platform::Telegram, origin.chat_id.to_string()), body);
        out.reply_to = Some(origin.incoming_id.clone());
        self.enqueue(Job { out, origin: Some(Arc::new(origin.clone())), receipt: None });
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The Telegram message id `reply_to` stands for in `chat`.
fn reply_target(reply_to: &str, origin: Option<&Origin>, chat: i64) -> Option<i32> {
    match origin {
        Some(o) if o.incoming_id == reply_to => (o.chat_id == chat).then_some(o.reply_target).flatten(),
        _ => reply_to.parse().ok(),
    }
}

/// Splits a message into Bot API calls: its text in chunks that fit (the
/// first replying, the last carrying the buttons), then its files.
fn parts_of(job: &Job, buttons: &Buttons, now: Instant) -> Result<Vec<Part>, &'static str> {
    let out = &job.out;
    let (chat, dm_user) = match &out.to {
        Destination::Chat(c) if c.platform == Platform::Telegram => {
            (c.id.parse::<i64>().map_err(|_| "not a Telegram chat id")?, None)
        }
        Destination::Direct { platform: Platform::Telegram, user_id } => {
            (user_id.parse::<i64>().map_err(|_| "not a Telegram user id")?, Some(user_id.clone()))
        }
        _ => return Err("not for Telegram"),
    };
    let origin = job.origin.as_deref();
    let mut reply_to = out.reply_to.as_deref().and_then(|r| reply_target(r, origin, chat));
    let mut chunks = render::split(&out.body, MAX_MESSAGE_UTF16);
    let keyboard = (!out.buttons.is_empty()).then(|| {
        InlineKeyboardMarkup::new(
            out.buttons
                .iter()
                .map(|b| vec![InlineKeyboardButton::callback(b.label.clone(), buttons.encode(&b.data, now))]),
        )
    });
    if chunks.is_empty() && keyboard.is_some() {
        chunks.push(Chunk { html: "·".into(), plain: "·".into() });
    }
    let mut bodies = Vec::new();
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.into_iter().enumerate() {
        let keyboard = if i == last { keyboard.clone() } else { None };
        bodies.push(Body::Text { chunk, plain_only: false, reply_to: reply_to.take(), keyboard });
    }
    for attachment in &out.attachments {
        bodies.push(Body::Document { attachment: attachment.clone(), reply_to: reply_to.take() });
    }
    // Parts an earlier attempt delivered are not sent again.
    let (parts, resume_at) = (bodies.len(), job.receipt.as_ref().map_or(0, Receipt::resume_at));
    Ok(bodies
        .into_iter()
        .enumerate()
        .skip(resume_at)
        .map(|(index, body)| Part {
            chat,
            body,
            dm_user: dm_user.clone(),
            origin: job.origin.clone(),
            receipt: job.receipt.clone(),
            track: out.track.clone(),
            index,
            parts,
            transient_failures: 0,
            rate_limited: 0,
            not_before: None,
        })
        .collect())
}

fn reply(id: i32) -> ReplyParameters {
    ReplyParameters { allow_sending_without_reply: Some(true), ..ReplyParameters::new(MessageId(id)) }
}

/// One Bot API call.
async fn deliver(bot: &Bot, part: &Part) -> Result<MessageId, RequestError> {
    let chat = ChatId(part.chat);
    match &part.body {
        Body::Text { chunk, plain_only, reply_to, keyboard } => {
            let text = if *plain_only { chunk.plain.clone() } else { chunk.html.clone() };
            let no_preview = LinkPreviewOptions {
                is_disabled: true,
                url: None,
                prefer_small_media: false,
                prefer_large_media: false,
                show_above_text: false,
            };
            let mut req = bot.send_message(chat, text).link_preview_options(no_preview);
            if !plain_only {
                req = req.parse_mode(ParseMode::Html);
            }
            if let Some(id) = reply_to {
                req = req.reply_parameters(reply(*id));
            }
            if let Some(keyboard) = keyboard {
                req = req.reply_markup(keyboard.clone());
            }
            req.await.map(|m| m.id)
        }
        Body::Document { attachment, reply_to } => {
            let file = InputFile::memory(attachment.bytes.clone()).file_name(attachment.filename.clone());
            let mut req = bot.send_document(chat, file);
            if let Some(id) = reply_to {
                req = req.reply_parameters(reply(*id));
            }
            req.await.map(|m| m.id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixia::message::Button;
    use jixia::rich::RichText;
    use teloxide::types::InlineKeyboardButtonKind;

    fn origin() -> Arc<Origin> {
        Arc::new(Origin {
            chat_id: -100,
            is_group: true,
            incoming_id: "cbQ1".into(),
            reply_target: Some(90),
            user_id: "1001".into(),
            user_name: "Bob".into(),
            locale: Locale::Zh,
        })
    }

    #[test]
    fn a_reply_with_buttons_and_a_file() {
        let buttons = Buttons::new(Duration::from_secs(60));
        let mut out = Outgoing::post(Chat::group(Platform::Telegram, "-100"), RichText::plain("pick"))
            .with_buttons(vec![Button { label: "Ping".into(), data: "/ping".into() }]);
        out.reply_to = Some("cbQ1".into());
        out.attachments.push(Attachment { filename: "e.ics".into(), mime: "text/calendar".into(), bytes: vec![1] });
        let parts = parts_of(&Job { out, origin: Some(origin()), receipt: None }, &buttons, Instant::now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parts.len(), 2);
        let Body::Text { reply_to, keyboard: Some(keyboard), .. } = &parts[0].body else { panic!("{parts:?}") };
        // A reply to a button press replies to the message under which it was pressed.
        assert_eq!(*reply_to, Some(90));
        let kind = &keyboard.inline_keyboard[0][0].kind;
        assert_eq!(*kind, InlineKeyboardButtonKind::CallbackData("=/ping".into()));
        assert!(matches!(&parts[1].body, Body::Document { reply_to: None, .. }));
    }

    #[test]
    fn direct_messages_and_foreign_destinations() {
        let buttons = Buttons::new(Duration::from_secs(60));
        let mut out = Outgoing::direct(Platform::Telegram, "1001", RichText::plain("code"));
        out.reply_to = Some("cbQ1".into());
        let parts = parts_of(&Job { out, origin: Some(origin()), receipt: None }, &buttons, Instant::now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parts[0].chat, 1001);
        assert_eq!(parts[0].dm_user.as_deref(), Some("1001"));
        // The origin's message is in another chat: no reply.
        assert!(matches!(parts[0].body, Body::Text { reply_to: None, .. }));
        let out = Outgoing::direct(Platform::Discord, "1001", RichText::plain("x"));
        assert!(parts_of(&Job { out, origin: None, receipt: None }, &buttons, Instant::now()).is_err());
    }

    #[test]
    fn errors_are_classified() {
        assert_eq!(
            classify(&RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(3))),
            Failure::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::Unknown(
                "Forbidden: bot can't initiate conversation with a user".into()
            ))),
            Failure::Forbidden
        );
        assert_eq!(classify(&RequestError::Api(ApiError::BotBlocked)), Failure::Forbidden);
        assert_eq!(classify(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))), Failure::Transient);
        assert_eq!(classify(&RequestError::Api(ApiError::ChatNotFound)), Failure::Permanent);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(8), Duration::from_secs(30));
    }

    #[test]
    fn unreachable_members_expire_or_clear() {
        let u = Unreachable::default();
        let now = Instant::now();
        u.record("1", now);
        assert!(u.contains("1", now + Duration::from_secs(60)));
        assert!(!u.contains("1", now + UNREACHABLE_FOR));
        u.clear("1");
        assert!(!u.contains("1", now));
    }
}
