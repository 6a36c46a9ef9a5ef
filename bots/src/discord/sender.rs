//! The Discord outbox: every `Outgoing` that is not an interaction answer
//! goes through here. One worker per destination (channel or member) sends
//! its messages in order; workers run side by side and share the REST
//! client's limiter. A message longer than 2 000 characters goes out as
//! several, split on line boundaries (a long list as embeds, which hold
//! more and read better); the reference goes on the first part, buttons and
//! files on the last.
//!
//! A direct message opens the member's DM channel first. When the member has
//! DMs closed (Discord code 50007), the chat the request came from gets a
//! short, localized hint instead, once per request.
//!
//! A message from the durable outbox carries a [`Receipt`]: a message that
//! is not sent marks it failed, so the outbox keeps it for a retry, which
//! starts at the first part not delivered. Replies are outbox rows too
//! (stored before they are sent, see the adapter), so they survive a crash
//! and a sender that gives up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jixia::i18n::{Args, Locale};
use jixia::message::{Attachment, Button, Destination};
use jixia::rich::Block;
use jixia::scheduler::outbox::Receipt;
use jixia::{Engine, Outgoing};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::buttons::CustomIds;
use super::render::{MAX_MESSAGE_CHARS, render_markdown, split};
use super::rest::{Body, Rest, RestError, codes};

/// Discord's limits on embeds.
const MAX_EMBED_DESCRIPTION: usize = 4096;
const MAX_EMBED_TOTAL: usize = 6000;
const MAX_EMBEDS: usize = 10;
/// The embeds' side bar: PostgreSQL blue.
const EMBED_COLOR: u32 = 0x33_67_91;
/// Discord's limits on components.
const MAX_ROWS: usize = 5;
const MAX_PER_ROW: usize = 5;
const MAX_LABEL_CHARS: usize = 80;

/// Where the message that caused an outgoing one came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The channel it was said in.
    pub channel_id: String,
    /// Whether that channel is in a guild.
    pub is_group: bool,
    /// The member who said it.
    pub user_id: String,
    /// Their display name.
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

impl Job {
    /// A message with nothing to report back (a reply, a test).
    pub fn new(out: Outgoing, origin: Option<Arc<Origin>>) -> Job {
        Job { out, origin, receipt: None }
    }

    fn give_up(&self, reason: &str) {
        if let Some(r) = &self.receipt {
            r.failed(reason);
        }
    }
}

/// The handle that queues messages. The sender ends when every handle is
/// dropped and the queues are empty.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::UnboundedSender<Job>,
}

impl Outbox {
    /// Queues a message with its origin; what waits on its delivery
    /// ([`Outgoing::then`]) is queued once it was delivered.
    pub fn send(&self, mut job: Job) {
        if let Some(next) = job.out.take_then() {
            let (outbox, origin) = (self.clone(), job.origin.clone());
            let receipt = jixia::scheduler::outbox::on_delivery(job.receipt.take(), move || {
                outbox.send(Job { out: next, origin, receipt: None })
            });
            job.receipt = Some(receipt);
        }
        if let Err(mpsc::error::SendError(job)) = self.tx.send(job) {
            tracing::warn!("discord outbox closed; message not sent");
            job.give_up("the Discord sender has stopped");
        }
    }
}

/// The JSON payloads (one per message) for an outgoing message's text,
/// buttons and reference; files travel with the last one.
pub fn payloads(out: &Outgoing, ids: &CustomIds, now: Instant) -> Vec<Value> {
    let text = render_markdown(&out.body);
    let is_list = out.body.blocks.iter().any(|b| matches!(b, Block::List(_)));
    let mut parts: Vec<Value> = if is_list && text.chars().count() > MAX_MESSAGE_CHARS {
        embed_messages(&text)
    } else {
        split(&text, MAX_MESSAGE_CHARS).into_iter().map(|c| json!({ "content": c })).collect()
    };
    if parts.is_empty() && (!out.buttons.is_empty() || !out.attachments.is_empty()) {
        parts.push(json!({ "content": "" }));
    }
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            p["allowed_mentions"] = json!({ "parse": [], "replied_user": false });
            // Discord posts a message once per nonce (for a few minutes):
            // sending a part again after a crash does not double it.
            if let Some(key) = &out.key {
                p["nonce"] = json!(format!("{key}.{i}"));
                p["enforce_nonce"] = json!(true);
            }
            if i == 0
                && let Some(reply) = out.reply_to.as_deref().filter(|r| r.parse::<u64>().is_ok())
            {
                p["message_reference"] = json!({ "message_id": reply, "fail_if_not_exists": false });
            }
            if i + 1 == count {
                if !out.buttons.is_empty() {
                    p["components"] = components(&out.buttons, ids, now);
                }
                if !out.attachments.is_empty() {
                    let list: Vec<Value> = out
                        .attachments
                        .iter()
                        .enumerate()
                        .map(|(n, a)| json!({ "id": n, "filename": a.filename }))
                        .collect();
                    p["attachments"] = json!(list);
                }
            }
            p
        })
        .collect()
}

/// A long list (a digest, a leaderboard) as embeds rather than many plain
/// messages: descriptions of at most 4 096 characters, at most ten embeds
/// and 6 000 characters per message.
fn embed_messages(text: &str) -> Vec<Value> {
    let mut messages: Vec<Value> = Vec::new();
    let mut embeds: Vec<Value> = Vec::new();
    let mut total = 0usize;
    for description in split(text, MAX_EMBED_DESCRIPTION) {
        let len = description.chars().count();
        if !embeds.is_empty() && (embeds.len() == MAX_EMBEDS || total + len > MAX_EMBED_TOTAL) {
            messages.push(json!({ "content": "", "embeds": std::mem::take(&mut embeds) }));
            total = 0;
        }
        total += len;
        embeds.push(json!({ "description": description, "color": EMBED_COLOR }));
    }
    if !embeds.is_empty() {
        messages.push(json!({ "content": "", "embeds": embeds }));
    }
    messages
}

/// Buttons as action rows: one per row while they fit in five rows, else
/// packed five to a row; beyond 25 they are dropped (and logged).
pub fn components(buttons: &[Button], ids: &CustomIds, now: Instant) -> Value {
    if buttons.len() > MAX_ROWS * MAX_PER_ROW {
        tracing::warn!(buttons = buttons.len(), "more buttons than Discord shows; extra ones dropped");
    }
    let per_row = buttons.len().div_ceil(MAX_ROWS).clamp(1, MAX_PER_ROW);
    let rows: Vec<Value> = buttons
        .iter()
        .take(MAX_ROWS * MAX_PER_ROW)
        .collect::<Vec<_>>()
        .chunks(per_row)
        .map(|row| {
            let row: Vec<Value> = row
                .iter()
                .map(|b| {
                    let label: String = b.label.chars().take(MAX_LABEL_CHARS).collect();
                    json!({ "type": 2, "style": 2, "label": label, "custom_id": ids.encode(&b.data, now) })
                })
                .collect();
            json!({ "type": 1, "components": row })
        })
        .collect();
    json!(rows)
}

/// A payload as a request body: JSON, or multipart when it carries files.
pub fn body(payload: Value, files: &[Attachment]) -> Body {
    if payload.get("attachments").is_some() { Body::Files(payload, files.to_vec()) } else { Body::Json(payload) }
}

/// What the sender task needs.
#[derive(Debug, Clone)]
pub struct SenderParts {
    /// The REST client.
    pub rest: Rest,
    /// Button custom ids.
    pub ids: Arc<CustomIds>,
    /// For the hint's prompt.
    pub engine: Arc<Engine>,
}

/// Starts the sender; returns its handle and the task to await at shutdown.
/// The task ends once every handle is dropped, or `stop` completes, and
/// everything queued by then is sent.
pub fn spawn(
    parts: SenderParts,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> (Outbox, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (hint_tx, hint_rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared { parts, dm_channels: Mutex::new(HashMap::new()), hints: Outbox { tx: hint_tx } });
    (Outbox { tx }, tokio::spawn(dispatch(shared, rx, hint_rx, stop)))
}

/// Routes jobs to one worker per destination (a channel, or a member for
/// direct messages).
async fn dispatch(
    shared: Arc<Shared>,
    mut rx: mpsc::UnboundedReceiver<Job>,
    mut hint_rx: mpsc::UnboundedReceiver<Job>,
    stop: impl std::future::Future<Output = ()> + Send,
) {
    let mut workers: HashMap<String, mpsc::UnboundedSender<Job>> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut open = true;
    let mut stopping = false;
    let mut stop = std::pin::pin!(stop);
    loop {
        if !open {
            // Closing: workers finish their queues and end.
            workers.clear();
            if tasks.is_empty() && hint_rx.is_empty() {
                return;
            }
        }
        let job = tokio::select! {
            job = rx.recv(), if open => match job {
                Some(job) => job,
                None => { open = false; continue; }
            },
            Some(job) = hint_rx.recv() => job,
            // Stopping: take no new messages, send what is queued.
            () = &mut stop, if !stopping => { stopping = true; rx.close(); continue; }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {
                // A worker that went idle ended; forget it.
                workers.retain(|_, tx| !tx.is_closed());
                continue;
            }
        };
        let key = match &job.out.to {
            Destination::Chat(chat) => format!("c{}", chat.id),
            Destination::Direct { user_id, .. } => format!("u{user_id}"),
        };
        let job = match workers.get(&key) {
            Some(tx) => match tx.send(job) {
                Ok(()) => continue,
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let (tx, worker_rx) = mpsc::unbounded_channel();
        tasks.spawn(worker(shared.clone(), worker_rx));
        if let Err(mpsc::error::SendError(job)) = tx.send(job) {
            tracing::warn!("discord worker gone; message not sent");
            job.give_up("the Discord sender has stopped");
        }
        workers.insert(key, tx);
    }
}

#[derive(Debug)]
struct Shared {
    parts: SenderParts,
    /// Member id → DM channel id.
    dm_channels: Mutex<HashMap<String, String>>,
    /// Where closed-DM hints are queued.
    hints: Outbox,
}

async fn worker(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Job>) {
    // A worker lives while its destination is busy; an idle one ends after a
    // while so that idle channels cost nothing.
    loop {
        let job = tokio::select! {
            job = rx.recv() => job,
            () = tokio::time::sleep(std::time::Duration::from_secs(60)) => None,
        };
        let Some(job) = job else {
            rx.close();
            // Send whatever raced in before closing.
            while let Ok(job) = rx.try_recv() {
                deliver(&shared, &job).await;
            }
            return;
        };
        deliver(&shared, &job).await;
    }
}

async fn deliver(shared: &Shared, job: &Job) {
    let platform = match &job.out.to {
        Destination::Chat(chat) => chat.platform,
        Destination::Direct { platform, .. } => *platform,
    };
    if platform != jixia::Platform::Discord {
        tracing::warn!(to = ?job.out.to, "a message for another platform reached the Discord outbox; not sent");
        job.give_up("not a Discord destination");
        return;
    }
    let channel = match &job.out.to {
        Destination::Chat(chat) => chat.id.clone(),
        Destination::Direct { user_id, .. } => match dm_channel(shared, user_id).await {
            Ok(id) => id,
            Err(e) => return refused(shared, job, &e),
        },
    };
    let rest = &shared.parts.rest;
    let payloads = payloads(&job.out, &shared.parts.ids, Instant::now());
    // Parts an earlier attempt delivered are not sent again; after a part
    // fails, neither are the later ones (a retry resumes at it).
    let (parts, resume_at) = (payloads.len(), job.receipt.as_ref().map_or(0, Receipt::resume_at));
    for (index, payload) in payloads.into_iter().enumerate().skip(resume_at) {
        let path = format!("/channels/{channel}/messages");
        let result =
            rest.call(reqwest::Method::POST, &path, &body(payload, &job.out.attachments), Some(&channel)).await;
        match result {
            Ok(answer) => {
                if let Some(r) = &job.receipt {
                    r.part_sent(index, parts);
                }
                if let (Some(track), Some(id)) = (&job.out.track, answer["id"].as_str()) {
                    shared.parts.engine.sent(track, jixia::Platform::Discord, &channel, id).await;
                }
            }
            Err(e) => return refused(shared, job, &e),
        }
    }
}

async fn dm_channel(shared: &Shared, user_id: &str) -> Result<String, RestError> {
    if let Some(id) = shared.dm_channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(user_id) {
        return Ok(id.clone());
    }
    let answer = shared
        .parts
        .rest
        .call(reqwest::Method::POST, "/users/@me/channels", &Body::Json(json!({ "recipient_id": user_id })), None)
        .await?;
    let id = answer["id"].as_str().unwrap_or_default().to_owned();
    let mut map = shared.dm_channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() > 50_000 {
        map.clear();
    }
    map.insert(user_id.to_owned(), id.clone());
    Ok(id)
}

/// A message could not be sent: a closed DM gets a hint in the chat the
/// request came from; anything else is logged.
fn refused(shared: &Shared, job: &Job, e: &RestError) {
    // A 4xx other than 429 (which the REST client waits out) is Discord's
    // final word: no access, unknown channel, DMs closed. Retrying cannot
    // help, so the outbox keeps it as failed at once.
    if e.status().is_some_and(|s| (400..500).contains(&s) && s != 429) {
        if let Some(r) = &job.receipt {
            r.refused(e.to_string());
        }
    } else {
        job.give_up(&e.to_string());
    }
    let is_dm = matches!(job.out.to, Destination::Direct { .. });
    if is_dm && (e.code() == Some(codes::CANNOT_DM) || e.status() == Some(403)) {
        tracing::info!(to = ?job.out.to, "member has direct messages closed");
        if let Some(origin) = job.origin.as_deref().filter(|o| o.is_group) {
            let text = shared.parts.engine.prompts().format(
                origin.locale,
                "discord-dm-closed",
                &Args::new().str("name", origin.user_name.clone()),
            );
            let hint = Outgoing::post(jixia::Chat::group(jixia::Platform::Discord, origin.channel_id.clone()), text);
            shared.hints.send(Job::new(hint, None));
        }
        return;
    }
    tracing::error!(to = ?job.out.to, error = %e, "discord message not sent");
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixia::rich::RichText;
    use jixia::{Chat, Platform};

    fn out(text: &str) -> Outgoing {
        Outgoing::post(Chat::group(Platform::Discord, "500"), RichText::plain(text))
    }

    #[test]
    fn a_reply_references_the_message_and_pings_nobody() {
        let mut o = out("hi @everyone *x*");
        o.reply_to = Some("1001".into());
        let p = payloads(&o, &CustomIds::new(std::time::Duration::from_secs(60)), Instant::now());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0]["content"], "hi @everyone \\*x\\*");
        assert_eq!(p[0]["message_reference"]["message_id"], "1001");
        assert_eq!(p[0]["allowed_mentions"]["parse"], json!([]));
        // An interaction's id is not a message: no reference.
        o.reply_to = Some("i3001".into());
        let p = payloads(&o, &CustomIds::new(std::time::Duration::from_secs(60)), Instant::now());
        assert!(p[0].get("message_reference").is_none());
    }

    #[test]
    fn every_part_of_a_keyed_message_has_its_own_nonce_on_every_attempt() {
        let lines: Vec<String> = (0..200).map(|i| format!("第 {i} 条 FAQ：如何配置 pg_hba.conf")).collect();
        let mut o = out(&lines.join("\n"));
        let ids = CustomIds::new(std::time::Duration::from_secs(60));
        assert!(payloads(&o, &ids, Instant::now()).iter().all(|p| p.get("nonce").is_none()), "no key, no nonce");
        o.key = Some("o42".into());
        let first = payloads(&o, &ids, Instant::now());
        let nonces: Vec<&str> = first.iter().map(|p| p["nonce"].as_str().unwrap_or_default()).collect();
        assert!(first.len() > 1 && first.iter().all(|p| p["enforce_nonce"] == json!(true)));
        assert_eq!(nonces[..2], ["o42.0", "o42.1"]);
        assert!(nonces.iter().all(|n| n.len() <= 25), "Discord's limit: {nonces:?}");
        let again = payloads(&o, &ids, Instant::now());
        assert_eq!(
            first.iter().map(|p| &p["nonce"]).collect::<Vec<_>>(),
            again.iter().map(|p| &p["nonce"]).collect::<Vec<_>>()
        );
    }

    #[test]
    fn long_text_is_split_with_buttons_and_files_last() {
        let lines: Vec<String> = (0..200).map(|i| format!("第 {i} 条 FAQ：如何配置 pg_hba.conf")).collect();
        let mut o = out(&lines.join("\n")).with_buttons(vec![Button { label: "更多".into(), data: "/faq 2".into() }]);
        o.reply_to = Some("77".into());
        o.attachments.push(Attachment { filename: "a.ics".into(), mime: "text/calendar".into(), bytes: vec![1] });
        let p = payloads(&o, &CustomIds::new(std::time::Duration::from_secs(60)), Instant::now());
        assert!(p.len() > 1);
        assert!(p.iter().all(|m| m["content"].as_str().unwrap_or_default().chars().count() <= MAX_MESSAGE_CHARS));
        assert!(p[0].get("message_reference").is_some() && p[1].get("message_reference").is_none());
        let last = &p[p.len() - 1];
        assert_eq!(last["components"][0]["components"][0]["custom_id"], "=/faq 2");
        assert_eq!(last["attachments"][0]["filename"], "a.ics");
        assert!(p[0].get("components").is_none());
        assert!(matches!(body(last.clone(), &o.attachments), Body::Files(_, f) if f.len() == 1));
    }

    #[test]
    fn a_long_list_becomes_embeds_within_the_limits() {
        let items: Vec<String> = (0..400).map(|i| format!("第 {i} 条：如何配置 pg_hba.conf 的 md5 与 scram")).collect();
        let mut o = Outgoing::post(Chat::group(Platform::Discord, "500"), RichText::list(&items));
        o.reply_to = Some("77".into());
        let p = payloads(&o, &CustomIds::new(std::time::Duration::from_secs(60)), Instant::now());
        assert!(p.len() > 1);
        let mut lines = 0;
        for m in &p {
            let embeds = m["embeds"].as_array().cloned().unwrap_or_default();
            assert!(!embeds.is_empty() && embeds.len() <= MAX_EMBEDS);
            let sizes: Vec<usize> =
                embeds.iter().map(|e| e["description"].as_str().unwrap_or_default().chars().count()).collect();
            assert!(
                sizes.iter().all(|n| *n <= MAX_EMBED_DESCRIPTION) && sizes.iter().sum::<usize>() <= MAX_EMBED_TOTAL
            );
            lines +=
                embeds.iter().map(|e| e["description"].as_str().unwrap_or_default().lines().count()).sum::<usize>();
        }
        assert_eq!(lines, 400, "nothing lost");
        assert_eq!(p[0]["message_reference"]["message_id"], "77");
        // A short list stays a plain message.
        let short = Outgoing::post(Chat::group(Platform::Discord, "500"), RichText::list(&["a", "b"]));
        assert_eq!(
            payloads(&short, &CustomIds::new(std::time::Duration::from_secs(60)), Instant::now())[0]["content"],
            "• a\n• b"
        );
    }

    #[test]
    fn many_buttons_are_packed_into_five_rows() {
        let ids = CustomIds::new(std::time::Duration::from_secs(60));
        let buttons: Vec<Button> =
            (0..12).map(|i| Button { label: format!("{i}"), data: format!("/shop {i}") }).collect();
        let rows = components(&buttons, &ids, Instant::now());
        let rows = rows.as_array().cloned().unwrap_or_default();
        assert!(rows.len() <= MAX_ROWS);
        let total: usize = rows.iter().map(|r| r["components"].as_array().map_or(0, Vec::len)).sum();
        assert_eq!(total, 12);
        let three = components(&buttons[..3], &ids, Instant::now());
        assert_eq!(three.as_array().map(Vec::len), Some(3), "one per row while they fit");
    }
}
