//! The QQ outbox: every `Outgoing` for QQ goes through one task that turns
//! it into `send_group_msg` / `send_private_msg` actions and paces them
//! ([`super::pacer`]): one queue per chat, at most one action in flight per
//! chat (so a chat sees its messages in order), chats served side by side
//! within the account's pace.
//!
//! Failures, by what the implementation said ([`classify`]; OneBot v11
//! leaves `retcode`s to each implementation, so the words count too):
//! - too fast (`频繁`, `rate`, `风控`…): every send waits a while, then the
//!   same message goes again;
//! - no answer, a lost connection, anything unknown: retried with
//!   exponential back-off, then given up (an outbox row is retried later);
//! - refused for good (not in the group, muted, no such group, not a
//!   friend): given up at once with the reason, an outbox row kept as
//!   failed. A direct message that cannot be sent marks the member
//!   unreachable for a day (or until they write to the bot privately) and
//!   the group the request came from hears so once.
//!
//! Files cannot be sent portably over OneBot v11; they are left out (the
//! text says what the file is about).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use jixia::i18n::{Args, Locale};
use jixia::message::Destination;
use jixia::scheduler::outbox::Receipt;
use jixia::{Chat, Engine, Outgoing, Platform};
use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

pub use crate::unreachable::{UNREACHABLE_FOR, Unreachable};

use super::link::{ActionError, Link};
use super::pacer::{Pace, Pacer, Target};
use super::render::{self, MAX_MESSAGE_CHARS};

/// Transient failures of one message before it is given up.
const MAX_TRANSIENT: u32 = 6;
/// Rate-limit answers for one message before it is given up.
const MAX_RATE_LIMITED: u32 = 10;

/// Where the message that caused an outgoing one came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The chat it was said in.
    pub target: Target,
    /// The engine's id of the incoming message.
    pub incoming_id: String,
    /// The OneBot `message_id` a reply to it quotes.
    pub reply_target: Option<i64>,
    /// The sender's QQ number.
    pub user_id: String,
    /// The sender's name.
    pub user_name: String,
    /// The language for hints there.
    pub locale: Locale,
}

/// Something to send, with where it came from.
#[derive(Debug, Clone)]
pub struct Job {
    /// The message.
    pub out: Outgoing,
    /// What caused it (none for scheduled posts).
    pub origin: Option<Arc<Origin>>,
    /// For a message from the durable outbox: reports how its delivery ended.
    pub receipt: Option<Receipt>,
}

/// The handle that queues messages. The sender ends when every handle is
/// dropped and its queues are empty.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::UnboundedSender<Job>,
}

impl Outbox {
    /// Queues a message that answers nothing in particular.
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
            tracing::warn!("qq outbox closed; message not sent");
            if let Some(r) = job.receipt {
                r.failed("the QQ sender has stopped");
            }
        }
    }
}

/// One action's worth of a message.
#[derive(Debug, Clone)]
struct Part {
    target: Target,
    text: String,
    reply_to: Option<i64>,
    origin: Option<Arc<Origin>>,
    receipt: Option<Receipt>,
    track: Option<String>,
    /// Its place among the message's parts, and how many there are.
    index: usize,
    parts: usize,
    transient_failures: u32,
    rate_limited: u32,
    not_before: Option<Instant>,
}

impl Part {
    fn give_up(&self, reason: &str) {
        if let Some(r) = &self.receipt {
            r.failed(reason);
        }
    }

    fn refused(&self, reason: &str) {
        if let Some(r) = &self.receipt {
            r.refused(reason);
        }
    }
}

/// What a failed action means for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Too fast: wait, then send the same again.
    RateLimited,
    /// Worth retrying soon.
    Transient,
    /// Refused for good.
    Permanent,
}

/// What the implementation's answer means. Implementations differ in their
/// `retcode`s (go-cqhttp says 100 for most failures, NapCat 200, Lagrange
/// its own), so the words of `message`/`wording` decide first.
pub fn classify(e: &ActionError) -> Failure {
    let ActionError::Failed { retcode, message, .. } = e else { return Failure::Transient };
    let m = message.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if any(&["频繁", "频率", "过快", "风控", "rate limit", "rate-limit", "too many", "too fast", "frequen"]) {
        return Failure::RateLimited;
    }
    if any(&[
        "不在",
        "禁言",
        "不存在",
        "被移出",
        "踢",
        "好友",
        "权限",
        "not in group",
        "not in the group",
        "not a member",
        "mute",
        "banned",
        "not found",
        "not exist",
        "no such",
        "friend",
        "permission",
        "forbidden",
        "kicked",
    ]) {
        return Failure::Permanent;
    }
    match retcode {
        // Bad request, unsupported action (OneBot v11's 1404), HTTP-like 4xx.
        100 | 1404 | 400..=499 => Failure::Permanent,
        _ => Failure::Transient,
    }
}

fn backoff(failures: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << failures.saturating_sub(1).min(6))).min(Duration::from_secs(30))
}

/// Everything the sender task needs.
#[derive(Debug)]
pub struct SenderParts {
    /// The connection.
    pub link: Link,
    /// For hints and sent-message reports.
    pub engine: Arc<Engine>,
    /// Members whose direct messages fail.
    pub unreachable: Arc<Unreachable>,
    /// The pace.
    pub pace: Pace,
}

/// Starts the sender task.
pub fn spawn(parts: SenderParts) -> (Outbox, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = SenderTask {
        pacer: Pacer::new(parts.pace),
        parts,
        queues: HashMap::new(),
        busy: HashSet::new(),
        hinted: VecDeque::new(),
        served: HashMap::new(),
        turn: 0,
    };
    (Outbox { tx }, tokio::spawn(task.run(rx)))
}

type Sent = (Part, Result<Value, ActionError>);

#[derive(Debug)]
struct SenderTask {
    parts: SenderParts,
    pacer: Pacer,
    queues: HashMap<Target, VecDeque<Part>>,
    busy: HashSet<Target>,
    hinted: VecDeque<(Target, String)>,
    /// When each chat was last served (a counter): of chats ready at the
    /// same time, the one served longest ago goes first.
    served: HashMap<Target, u64>,
    turn: u64,
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
                    Ok((part, result)) => self.settle(part, result),
                    Err(e) => tracing::error!(error = %e, "qq send task failed"),
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
    /// may. Chats take turns: of those ready, the one served longest ago
    /// goes first, so a busy group cannot keep the account's pace to itself.
    fn dispatch(&mut self, in_flight: &mut JoinSet<Sent>) -> Option<Instant> {
        let now = Instant::now();
        let mut wake: Option<Instant> = None;
        let mut ready: Vec<(Instant, u64, Target)> = self
            .queues
            .iter()
            .filter(|(t, q)| !q.is_empty() && !self.busy.contains(t))
            .filter_map(|(t, q)| {
                let at = self.pacer.ready_at(*t, now).max(q.front()?.not_before.unwrap_or(now));
                Some((at, self.served.get(t).copied().unwrap_or(0), *t))
            })
            .collect();
        ready.sort();
        for (_, _, target) in ready {
            let Some(front) = self.queues.get(&target).and_then(VecDeque::front) else { continue };
            // Ready times move as others are sent: ask again.
            let at = self.pacer.ready_at(target, now).max(front.not_before.unwrap_or(now));
            if at > now {
                wake = Some(wake.map_or(at, |w| w.min(at)));
                continue;
            }
            let Some(part) = self.queues.get_mut(&target).and_then(VecDeque::pop_front) else { continue };
            let jitter = self.pacer.pace().jitter;
            let jitter = if jitter.is_zero() { jitter } else { rand::rng().random_range(Duration::ZERO..=jitter) };
            self.pacer.record(target, now, jitter);
            self.busy.insert(target);
            self.turn += 1;
            if self.served.len() >= 4096 {
                let queues = &self.queues;
                self.served.retain(|t, _| queues.contains_key(t));
            }
            self.served.insert(target, self.turn);
            let link = self.parts.link.clone();
            let engine = self.parts.engine.clone();
            in_flight.spawn(async move {
                let result = deliver(&link, &part).await;
                if let (Ok(data), Some(track)) = (&result, &part.track)
                    && let Some(id) = super::event::int(data.get("message_id"))
                {
                    let chat = match part.target {
                        Target::Group(g) => g,
                        Target::Private(u) => u,
                    };
                    engine.sent(track, Platform::Qq, &chat.to_string(), &id.to_string()).await;
                }
                (part, result)
            });
        }
        self.queues.retain(|_, q| !q.is_empty());
        wake
    }

    fn enqueue(&mut self, job: Job) {
        let now = Instant::now();
        if let Destination::Direct { platform: Platform::Qq, user_id } = &job.out.to
            && self.parts.unreachable.contains(user_id, now)
        {
            tracing::info!(user = %user_id, "member cannot be messaged privately on QQ; not trying again yet");
            if let Some(r) = &job.receipt {
                r.refused("the member cannot be messaged privately (not a friend of the bot)");
            }
            self.hint(job.origin.as_deref());
            return;
        }
        match parts_of(&job) {
            Ok(parts) => {
                for part in parts {
                    self.queues.entry(part.target).or_default().push_back(part);
                }
            }
            Err(reason) => {
                tracing::warn!(to = ?job.out.to, reason, "message not sent");
                if let Some(r) = &job.receipt {
                    r.refused(reason);
                }
            }
        }
    }

    /// The message of `part` will not be delivered whole: its later parts
    /// are not sent either, so a retry from the outbox resumes at the part
    /// that failed.
    fn drop_rest(&mut self, part: &Part) {
        let Some(receipt) = &part.receipt else { return };
        if let Some(queue) = self.queues.get_mut(&part.target) {
            queue.retain(|p| !p.receipt.as_ref().is_some_and(|r| r.same(receipt)));
        }
    }

    fn settle(&mut self, mut part: Part, result: Result<Value, ActionError>) {
        let target = part.target;
        self.busy.remove(&target);
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
        let error = e.to_string();
        match classify(&e) {
            Failure::RateLimited => {
                part.rate_limited += 1;
                if part.rate_limited > MAX_RATE_LIMITED {
                    tracing::error!(?target, error, "QQ kept refusing a message as too fast; given up");
                    part.give_up(&error);
                    self.drop_rest(&part);
                    return;
                }
                let pause = (self.pacer.pace().account_gap * 3).max(Duration::from_secs(1)) * part.rate_limited;
                let pause = pause.min(Duration::from_secs(300));
                tracing::warn!(?target, error, pause = ?pause, "QQ says too fast; every send waits");
                self.pacer.freeze(now + pause);
                self.queues.entry(target).or_default().push_front(part);
            }
            Failure::Transient => {
                part.transient_failures += 1;
                if part.transient_failures > MAX_TRANSIENT {
                    tracing::error!(?target, error, "could not send a QQ message after retries; given up");
                    part.give_up(&error);
                    self.drop_rest(&part);
                    return;
                }
                tracing::warn!(?target, error, attempt = part.transient_failures, "QQ send failed; retrying");
                part.not_before = Some(now + backoff(part.transient_failures));
                self.queues.entry(target).or_default().push_front(part);
            }
            // The quoted message may be gone (recalled, too old): the
            // message goes again without the quote before anything is
            // given up.
            Failure::Permanent if part.reply_to.is_some() => {
                tracing::warn!(?target, error, "QQ refused a reply; sending it without the quote");
                part.reply_to = None;
                self.queues.entry(target).or_default().push_front(part);
            }
            Failure::Permanent => match target {
                Target::Private(user) => {
                    let user = user.to_string();
                    tracing::info!(user, error, "member cannot be messaged privately on QQ");
                    self.parts.unreachable.record(&user, now);
                    part.refused(&error);
                    if let Some(queue) = self.queues.get_mut(&target) {
                        for p in queue.drain(..) {
                            p.refused(&error);
                        }
                    }
                    self.hint(part.origin.as_deref());
                }
                Target::Group(group) => {
                    tracing::warn!(group, error, "QQ refused a message to the group; its queued messages are dropped");
                    part.refused(&error);
                    for p in self.queues.remove(&target).unwrap_or_default() {
                        p.refused(&error);
                    }
                }
            },
        }
    }

    /// Tells the group a request came from that its sender cannot be sent a
    /// direct message (once per request).
    fn hint(&mut self, origin: Option<&Origin>) {
        let Some(origin) = origin else { return };
        let Target::Group(group) = origin.target else { return };
        let key = (origin.target, origin.incoming_id.clone());
        if self.hinted.contains(&key) {
            return;
        }
        if self.hinted.len() >= 256 {
            self.hinted.pop_front();
        }
        self.hinted.push_back(key);
        let args = Args::new().str("name", origin.user_name.clone());
        let body = self.parts.engine.prompts().format(origin.locale, "qq-dm-blocked", &args);
        let mut out = Outgoing::post(Chat::group(Platform::Qq, group.to_string()), body);
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

/// The QQ chat an outgoing message goes to.
fn target_of(to: &Destination) -> Result<Target, &'static str> {
    let number = |id: &str| id.trim().parse::<i64>().map_err(|_| "not a QQ number");
    match to {
        Destination::Chat(Chat { platform: Platform::Qq, id, kind: jixia::ChatKind::Group, .. }) => {
            Ok(Target::Group(number(id)?))
        }
        Destination::Chat(Chat { platform: Platform::Qq, id, .. }) => Ok(Target::Private(number(id)?)),
        Destination::Direct { platform: Platform::Qq, user_id } => Ok(Target::Private(number(user_id)?)),
        _ => Err("not for QQ"),
    }
}

/// Splits a message into actions: its text (with the buttons as command
/// hints) in pieces that fit, the first replying.
fn parts_of(job: &Job) -> Result<Vec<Part>, &'static str> {
    let out = &job.out;
    let target = target_of(&out.to)?;
    let origin = job.origin.as_deref();
    // A quote only of a message in the same chat: QQ refuses a reply to a
    // message it cannot find there.
    let mut reply_to = out.reply_to.as_deref().and_then(|r| match origin {
        Some(o) if o.incoming_id == r => (o.target == target).then_some(o.reply_target).flatten(),
        Some(o) if o.target != target => None,
        None if matches!(out.to, Destination::Direct { .. }) => None,
        _ => r.trim().parse::<i64>().ok(),
    });
    if !out.attachments.is_empty() {
        let files: Vec<&str> = out.attachments.iter().map(|a| a.filename.as_str()).collect();
        tracing::debug!(?files, "files are not sent on QQ");
    }
    let pieces = render::split(&render::plain(&out.body, &out.buttons), MAX_MESSAGE_CHARS);
    // Parts an earlier attempt delivered are not sent again.
    let (parts, resume_at) = (pieces.len(), job.receipt.as_ref().map_or(0, Receipt::resume_at));
    Ok(pieces
        .into_iter()
        .enumerate()
        .skip(resume_at)
        .map(|(index, text)| Part {
            target,
            text,
            reply_to: reply_to.take(),
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

/// One action.
async fn deliver(link: &Link, part: &Part) -> Result<Value, ActionError> {
    let message = render::segments(part.reply_to, &part.text);
    match part.target {
        Target::Group(group_id) => link.call("send_group_msg", json!({"group_id": group_id, "message": message})).await,
        Target::Private(user_id) => {
            link.call("send_private_msg", json!({"user_id": user_id, "message": message})).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixia::message::Button;
    use jixia::rich::RichText;

    fn failed(retcode: i64, message: &str) -> ActionError {
        ActionError::Failed { action: "send_group_msg".into(), retcode, message: message.into() }
    }

    #[test]
    fn failures_are_classified_by_what_the_implementation_said() {
        assert_eq!(classify(&failed(100, "SEND_MSG_API_ERROR: 发送频繁，请稍后再试")), Failure::RateLimited);
        assert_eq!(classify(&failed(200, "Rate limit exceeded")), Failure::RateLimited);
        assert_eq!(classify(&failed(200, "机器人已被禁言")), Failure::Permanent);
        assert_eq!(classify(&failed(1200, "Bot is not in group 123")), Failure::Permanent);
        assert_eq!(classify(&failed(100, "GROUP_NOT_FOUND: 群聊不存在")), Failure::Permanent);
        assert_eq!(classify(&failed(200, "对方不是你的好友")), Failure::Permanent);
        assert_eq!(classify(&failed(1404, "unsupported action")), Failure::Permanent);
        assert_eq!(classify(&failed(200, "消息发送超时")), Failure::Transient);
        assert_eq!(classify(&ActionError::Timeout { action: "x".into(), seconds: 1 }), Failure::Transient);
        assert_eq!(classify(&ActionError::Closed("x".into())), Failure::Transient);
        assert_eq!(classify(&ActionError::NotConnected), Failure::Transient);
    }

    #[test]
    fn a_reply_quotes_its_message_and_long_text_is_split() {
        let origin = Arc::new(Origin {
            target: Target::Group(123),
            incoming_id: "-55".into(),
            reply_target: Some(-55),
            user_id: "1001".into(),
            user_name: "Alice".into(),
            locale: Locale::Zh,
        });
        let lines: Vec<String> = (0..1000).map(|i| format!("第{i}行内容")).collect();
        let mut out = Outgoing::post(Chat::group(Platform::Qq, "123"), RichText::plain(&lines.join("\n")))
            .with_buttons(vec![Button { label: "签到".into(), data: "/checkin".into() }]);
        out.reply_to = Some("-55".into());
        let parts = parts_of(&Job { out: out.clone(), origin: Some(origin.clone()), receipt: None })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(parts.len() >= 2);
        assert_eq!(parts[0].reply_to, Some(-55));
        assert!(parts[1..].iter().all(|p| p.reply_to.is_none()));
        assert!(parts.last().is_some_and(|p| p.text.ends_with("▸ 签到: /checkin")));
        // The same answer sent privately does not quote the group's message.
        out.to = Destination::Direct { platform: Platform::Qq, user_id: "1001".into() };
        let parts = parts_of(&Job { out, origin: Some(origin), receipt: None }).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((parts[0].target, parts[0].reply_to), (Target::Private(1001), None));
        let other = Outgoing::post(Chat::group(Platform::Telegram, "-100"), RichText::plain("x"));
        assert!(parts_of(&Job { out: other, origin: None, receipt: None }).is_err());
        let bad = Outgoing::post(Chat::group(Platform::Qq, "general"), RichText::plain("x"));
        assert!(parts_of(&Job { out: bad, origin: None, receipt: None }).is_err());
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
