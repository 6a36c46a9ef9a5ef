//! The Discord adapter: serenity's gateway client receives events, the
//! engine answers, and our own REST client sends (serenity's HTTP limiter is
//! off: it ignores a proxy URL, see [`rest`]).
//!
//! Layout: [`mapping`] (events → `Incoming`, pure), [`render`]
//! (`RichText` → escaped markdown, split at 2 000), [`commands`] (slash
//! commands from the registry), [`buttons`] (custom ids), [`sender`] (the
//! outbox), [`rest`] (REST calls, 429s) with [`limiter`] (the rate limits).
//!
//! Messages are handled in order per channel and concurrently across
//! channels (one of [`WORKERS`] workers per channel). serenity hands each
//! gateway event to a task of its own, and those tasks race, so a worker
//! gathers a burst until its queue is quiet for [`ORDER_WINDOW`] (at most
//! [`ORDER_MAX`]) and handles it in message-id order: Discord's ids (snowflakes) grow with time, so
//! within a channel that is the order the messages were sent in. Slash commands and
//! buttons are answered through the interaction callback within Discord's
//! three seconds: the engine's answer if it comes in time, else a deferred
//! answer completed when it does.

pub mod buttons;
pub mod commands;
pub mod limiter;
pub mod mapping;
pub mod render;
pub mod rest;
pub mod sender;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use jixia::config::{DiscordConfig, ShardRange};
use jixia::i18n::Locale;
use jixia::message::Destination;
use jixia::scheduler::outbox::Delivery;
use jixia::supervise::catch_panic;
use jixia::{Chat, ChatKind, Engine, Incoming, Outgoing};
use reqwest::Method;
use serde_json::{Value, json};
use serenity::all::{
    CommandInteraction, ComponentInteraction, Context, EventHandler, GatewayIntents, HttpBuilder, Interaction, Message,
    Permissions, Reaction, Ready,
};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use self::buttons::CustomIds;
use self::limiter::Limiter;
use self::mapping::Me;
use self::rest::{Body, Rest, RestError};
use self::sender::{Job, Origin, Outbox, SenderParts};

/// Workers handling messages; a channel always goes to the same one.
pub const WORKERS: usize = 8;
/// How long the engine may take before an interaction is deferred.
const ANSWER_WITHIN: Duration = Duration::from_millis(2500);
/// How long shutdown waits for queued messages.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Interaction callback types.
const CALLBACK_MESSAGE: u8 = 4;
const CALLBACK_DEFERRED: u8 = 5;
/// Message flag: only the member who pressed sees it.
const EPHEMERAL: u64 = 64;

/// The gateway intents jixia needs: guild messages and their text
/// (MESSAGE_CONTENT is privileged: enable it in the developer portal), DMs,
/// reactions (for upvotes), and guilds (roles, for the moderator flag).
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::DIRECT_MESSAGE_REACTIONS
}

/// The adapter could not start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    /// No token configured.
    #[error("discord.token is not set; set JIXIA__DISCORD__TOKEN")]
    NoToken,
    /// `discord.shards` does not parse (config check catches it first).
    #[error("config key `discord.shards`: `{0}` is not FIRST-LAST/TOTAL")]
    BadShards(String),
    /// Discord says the token is wrong.
    #[error("Discord rejected the bot token; check JIXIA__DISCORD__TOKEN (Developer Portal → Bot → Reset Token)")]
    TokenRejected,
    /// The REST API could not be reached at start.
    #[error("cannot reach the Discord API: {0}")]
    Unreachable(String),
    /// The gateway client failed (bad token, unreachable gateway, …).
    #[error("discord gateway: {0}")]
    Gateway(String),
}

/// How long a worker waits, after a message arrives, for messages sent
/// just before it whose event tasks lost the race to the worker's queue.
pub const ORDER_WINDOW: Duration = Duration::from_millis(20);

/// The longest a burst is gathered before it is handled.
pub const ORDER_MAX: Duration = Duration::from_millis(250);

/// What a message worker does next.
enum Next {
    Message(Box<Incoming>),
    Stop,
    Closed,
}

/// Puts a burst of messages in the order Discord gave them ids (the order
/// they were sent); ids that are not numbers keep their place at the end.
pub fn in_sent_order(batch: &mut [Incoming]) {
    batch.sort_by_key(|m| m.message_id.parse::<u64>().unwrap_or(u64::MAX));
}

/// What the event handler and its workers share.
#[derive(Debug)]
struct Handler {
    engine: Arc<Engine>,
    rest: Rest,
    outbox: Outbox,
    ids: Arc<CustomIds>,
    me: OnceLock<Me>,
    application_id: OnceLock<u64>,
    registered: AtomicBool,
    guild_id: Option<u64>,
    moderator_role: Option<u64>,
    workers: Vec<mpsc::Sender<Incoming>>,
    /// Replies stored in the outbox, on their way to this instance's pump.
    held: mpsc::UnboundedSender<Delivery>,
    /// Where each held reply's request came from (for the closed-DM hint),
    /// until the pump hands it to the sender.
    origins: Origins,
}

/// Outbox row → the origin of the reply it holds.
type Origins = Arc<Mutex<HashMap<i64, Arc<Origin>>>>;

/// Held replies whose origin is remembered, at most (beyond it the map is
/// cleared: a reply then goes without its closed-DM hint).
const ORIGINS_MAX: usize = 10_000;

fn origins(map: &Origins) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Origin>>> {
    map.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Connects to the gateway with the shards of `config.shards` and runs until
/// `shutdown` completes; then lets the workers and the outbox finish what
/// they hold. What `jixia run` calls.
pub async fn run(
    engine: Arc<Engine>,
    config: &DiscordConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DiscordError> {
    let token = config.token.clone().filter(|t| !t.expose().trim().is_empty()).ok_or(DiscordError::NoToken)?;
    let shards = ShardRange::parse(&config.shards).ok_or_else(|| DiscordError::BadShards(config.shards.clone()))?;
    let limiter = Arc::new(Limiter::new(config.global_per_second));
    let base = rest::base_url(config.api_url.as_deref());
    let rest = Rest::new(base.clone(), token.clone(), limiter);
    // Who are we? Fails fast on a wrong token or an unreachable API (the
    // gateway client would retry forever).
    match rest.probe("/users/@me").await {
        Ok(me) => tracing::info!(bot = %me["username"].as_str().unwrap_or_default(), "connected to Discord"),
        Err(e) if e.status() == Some(401) => return Err(DiscordError::TokenRejected),
        // The URL tried, never the token (which travels in a header).
        Err(e) => return Err(DiscordError::Unreachable(format!("{base}: {e}"))),
    }
    let ids = Arc::new(CustomIds::new(Duration::from_secs(config.button_ttl_seconds)));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    // The outbox closes after the workers are done (they still send).
    let (outbox_stop, outbox_stopped) = tokio::sync::oneshot::channel::<()>();
    let (outbox, sender_task) =
        sender::spawn(SenderParts { rest: rest.clone(), ids: ids.clone(), engine: engine.clone() }, async move {
            let _ = outbox_stopped.await;
        });

    let mut worker_tasks = JoinSet::new();
    let mut inboxes = Vec::with_capacity(WORKERS);
    let mut receivers = Vec::with_capacity(WORKERS);
    for _ in 0..WORKERS {
        let (tx, rx) = mpsc::channel::<Incoming>(256);
        inboxes.push(tx);
        receivers.push(rx);
    }
    let (held, held_rx) = mpsc::unbounded_channel();
    let origin_of: Origins = Arc::default();
    let handler = Arc::new(Handler {
        held,
        origins: origin_of.clone(),
        engine: engine.clone(),
        rest,
        outbox: outbox.clone(),
        ids,
        me: OnceLock::new(),
        application_id: OnceLock::new(),
        registered: AtomicBool::new(false),
        guild_id: config.guild_id.as_deref().and_then(|g| g.parse().ok()),
        moderator_role: config.moderator_role.as_deref().and_then(|r| r.parse().ok()),
        workers: inboxes,
    });
    for mut rx in receivers {
        let handler = handler.clone();
        let mut stop_rx = stop_rx.clone();
        worker_tasks.spawn(async move {
            let mut stopping = false;
            loop {
                // Decided first, acted on after: the watch guard must not
                // live across the engine's await.
                let next = tokio::select! {
                    incoming = rx.recv() => incoming.map_or(Next::Closed, |m| Next::Message(Box::new(m))),
                    _ = stop_rx.wait_for(|s| *s), if !stopping => Next::Stop,
                };
                match next {
                    Next::Message(incoming) => {
                        // Gather until the channel is quiet for ORDER_WINDOW
                        // (at most ORDER_MAX in all), then handle in order.
                        let mut batch = vec![*incoming];
                        let cap = tokio::time::Instant::now() + ORDER_MAX;
                        loop {
                            let quiet = (tokio::time::Instant::now() + ORDER_WINDOW).min(cap);
                            tokio::select! {
                                more = rx.recv() => match more {
                                    Some(m) => batch.push(m),
                                    None => break,
                                },
                                () = tokio::time::sleep_until(quiet) => break,
                            }
                        }
                        in_sent_order(&mut batch);
                        for incoming in batch {
                            // Supervised: a panic is logged and the worker goes on.
                            let id = incoming.message_id.clone();
                            if let Err(panic) = catch_panic(handler.to_engine(incoming)).await {
                                tracing::error!(message = %id, panic = %panic, "handling a Discord message panicked");
                            }
                        }
                    }
                    // Stopping: take no new messages, finish the ones queued.
                    Next::Stop => {
                        stopping = true;
                        rx.close();
                    }
                    Next::Closed => break,
                }
            }
        });
    }

    // serenity's own limiter is off: it would send to discord.com whatever
    // the proxy says, and it hides `retry_after`. Our REST client limits.
    let mut http = HttpBuilder::new(token.expose()).ratelimiter_disabled(true);
    if let Some(url) = &config.api_url {
        http = http.proxy(url.trim_end_matches('/'));
    }
    let mut client = serenity::all::ClientBuilder::new_with_http(http.build(), intents())
        .event_handler_arc(handler.clone())
        .await
        .map_err(|e| DiscordError::Gateway(e.to_string()))?;

    let manager = client.shard_manager.clone();
    // The pump stops after the workers: the replies of the messages they
    // finish at shutdown still go out.
    let (pump_stop_tx, pump_stop) = tokio::sync::watch::channel(false);
    let stopper = {
        let stop_tx = stop_tx.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
            manager.shutdown_all().await;
        })
    };
    // Scheduled posts, announcements and this instance's replies wait in
    // the durable outbox; this instance sends the Discord ones through its
    // sender (a reply with the origin of its request, when known).
    let pump = {
        let outbox = outbox.clone();
        let hand = move |out: Outgoing, receipt| {
            let row = out.key.as_deref().and_then(|k| k.strip_prefix('o')).and_then(|id| id.parse().ok());
            let origin = row.and_then(|row| origins(&origin_of).remove(&row));
            outbox.send(Job { out, origin, receipt: Some(receipt) });
        };
        tokio::spawn(engine.clone().pump_outbox(jixia::Platform::Discord, hand, Some(held_rx), pump_stop))
    };
    tracing::info!(first = shards.first, last = shards.last, total = shards.total, "discord: connecting");
    // serenity 0.12 reads the end of this range as inclusive (it starts
    // `end - start + 1` shards), so the last shard goes in as the end.
    let result = client.start_shard_range(shards.first..shards.last, shards.total).await;
    stopper.abort();
    // The gateway may also end on its own (an error): stop the rest too.
    let _ = stop_tx.send(true);
    tracing::info!("discord: stopping; finishing the messages in hand");
    drop(client);
    let finish = async move {
        drop(handler);
        while worker_tasks.join_next().await.is_some() {}
        let _ = pump_stop_tx.send(true);
        let _ = pump.await;
        drop(outbox);
        let _ = outbox_stop.send(());
        let _ = sender_task.await;
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, finish).await.is_err() {
        tracing::warn!("discord: gave up waiting for queued messages at shutdown");
    }
    result.map_err(|e| DiscordError::Gateway(e.to_string()))
}

fn default_locale(engine: &Engine, chat: &Chat) -> Locale {
    engine.chat_locale(chat)
}

/// Permissions of a member in a guild, from the cached roles: the guild's
/// `@everyone` role and the member's roles; the owner has them all.
fn cached_permissions(ctx: &Context, msg: &Message) -> Option<Permissions> {
    let guild_id = msg.guild_id?;
    let roles = &msg.member.as_ref()?.roles;
    let guild = ctx.cache.guild(guild_id)?;
    if guild.owner_id == msg.author.id {
        return Some(Permissions::all());
    }
    let mut perms = guild.roles.get(&guild_id.everyone_role()).map(|r| r.permissions).unwrap_or_default();
    for id in roles {
        if let Some(role) = guild.roles.get(id) {
            perms |= role.permissions;
        }
    }
    Some(perms)
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        let me = Me { user_id: ready.user.id.get(), name: self.engine.bot_name.clone() };
        let _ = self.me.set(me);
        let _ = self.application_id.set(ready.application.id.get());
        tracing::info!(bot = %ready.user.name, shard = ?ready.shard.map(|s| s.id.0), "discord: ready");
        crate::ops::connected("discord", true);
        if !self.registered.swap(true, Ordering::SeqCst) {
            self.register_commands(ready.application.id.get()).await;
        }
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let Some(me) = self.me.get() else { return };
        let admin = msg.member.as_ref().is_some_and(|m| {
            mapping::is_moderator(
                &m.roles,
                m.permissions.or_else(|| cached_permissions(&ctx, &msg)),
                self.moderator_role,
            )
        });
        let Some(incoming) = mapping::map_message(&msg, me, admin) else { return };
        let n = self.workers.len().max(1) as u64;
        let shard = usize::try_from(msg.channel_id.get() % n).unwrap_or(0);
        if let Some(tx) = self.workers.get(shard)
            && tx.send(incoming).await.is_err()
        {
            tracing::warn!("discord worker gone; message dropped");
        }
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(cmd) => self.command(cmd).await,
            Interaction::Component(press) => self.press(press).await,
            _ => {}
        }
    }

    async fn reaction_add(&self, _ctx: Context, reaction: Reaction) {
        if let Some(incoming) = mapping::map_reaction(&reaction, true, self.engine.now()) {
            self.to_engine(incoming).await;
        }
    }

    async fn reaction_remove(&self, _ctx: Context, reaction: Reaction) {
        if let Some(incoming) = mapping::map_reaction(&reaction, false, self.engine.now()) {
            self.to_engine(incoming).await;
        }
    }
}

impl Handler {
    async fn register_commands(&self, application_id: u64) {
        let commands = commands::application_commands(self.engine.prompts());
        let path = match self.guild_id {
            Some(guild) => format!("/applications/{application_id}/guilds/{guild}/commands"),
            None => format!("/applications/{application_id}/commands"),
        };
        match self.rest.call(Method::PUT, &path, &Body::Json(json!(commands)), None).await {
            Ok(_) => {
                tracing::info!(count = commands.len(), guild = ?self.guild_id, "discord: slash commands registered")
            }
            Err(e) => tracing::warn!(error = %e, "discord: could not register slash commands"),
        }
    }

    fn origin(&self, incoming: &Incoming) -> Arc<Origin> {
        Arc::new(Origin {
            channel_id: incoming.chat.id.clone(),
            is_group: incoming.chat.kind == ChatKind::Group,
            user_id: incoming.sender.id.clone(),
            user_name: incoming.sender.name.clone(),
            locale: default_locale(&self.engine, &incoming.chat),
        })
    }

    /// A message: the engine's answers go to the outbox.
    async fn to_engine(&self, incoming: Incoming) {
        let answers = self.engine.handle_supervised(&incoming, &format!("discord:{}", incoming.message_id)).await;
        let origin = self.origin(&incoming);
        self.owe(&format!("reply:discord:{}", incoming.message_id), answers, origin).await;
    }

    /// Stores `answers` in the durable outbox, held by this instance, and
    /// hands them to its pump: a reply waiting behind the channel's pace, or
    /// given up by the sender, is not lost with the process (another
    /// instance, or this one restarted, sends it after its lease) and shows
    /// in `jixia jobs outbox`. Answers to an event delivered again (a
    /// gateway RESUME) are stored under the same keys, so not again. With
    /// the database down they are sent from memory, as a last resort.
    async fn owe(&self, key: &str, answers: Vec<Outgoing>, origin: Arc<Origin>) {
        if answers.is_empty() {
            return;
        }
        match self.engine.outbox_hold(key, &answers).await {
            Ok(held) => {
                for delivery in held {
                    {
                        let mut map = origins(&self.origins);
                        if map.len() >= ORIGINS_MAX {
                            map.clear();
                        }
                        map.insert(delivery.id, origin.clone());
                    }
                    if let Err(mpsc::error::SendError(delivery)) = self.held.send(delivery) {
                        tracing::warn!(
                            outbox = delivery.id,
                            "discord: the pump has stopped; the reply goes after its lease"
                        );
                    }
                }
            }
            Err(e) => {
                self.engine.store().note_failure(&e);
                tracing::error!(error = %e, "discord: could not store replies in the outbox; sending them from memory");
                for out in answers {
                    self.outbox.send(Job::new(out, Some(origin.clone())));
                }
            }
        }
    }

    async fn command(&self, cmd: CommandInteraction) {
        let Some(incoming) = mapping::map_command(&cmd, self.moderator_role, self.engine.now()) else { return };
        let locale = Locale::parse(&cmd.locale).unwrap_or_else(|| default_locale(&self.engine, &incoming.chat));
        self.answer(cmd.id.get(), &cmd.token, incoming, locale).await;
    }

    async fn press(&self, press: ComponentInteraction) {
        let locale = Locale::parse(&press.locale).unwrap_or_else(|| {
            default_locale(&self.engine, &Chat::group(jixia::Platform::Discord, press.channel_id.to_string()))
        });
        let Some(line) = self.ids.decode(&press.data.custom_id, tokio::time::Instant::now()) else {
            let notice = self.engine.prompts().plain(locale, "discord-button-expired");
            let data = json!({ "content": render::escape(&notice), "flags": EPHEMERAL });
            self.callback(press.id.get(), &press.token, CALLBACK_MESSAGE, Some(data)).await;
            return;
        };
        let Some(incoming) = mapping::map_press(&press, line, self.moderator_role, self.engine.now()) else { return };
        self.answer(press.id.get(), &press.token, incoming, locale).await;
    }

    /// Runs an interaction through the engine and answers it: replies to it
    /// go through the callback (first message) and follow-ups (the rest);
    /// anything else (DMs, other chats) through the outbox.
    async fn answer(&self, interaction_id: u64, token: &str, incoming: Incoming, locale: Locale) {
        let engine = self.engine.clone();
        let msg = incoming.clone();
        let label = format!("discord:interaction:{interaction_id}");
        let mut work = tokio::spawn(async move { engine.handle_supervised(&msg, &label).await });
        let (answers, deferred) = match tokio::time::timeout(ANSWER_WITHIN, &mut work).await {
            Ok(done) => (done.unwrap_or_default(), false),
            Err(_) => {
                self.callback(interaction_id, token, CALLBACK_DEFERRED, None).await;
                (work.await.unwrap_or_default(), true)
            }
        };
        let (replies, others): (Vec<Outgoing>, Vec<Outgoing>) = answers.into_iter().partition(|o| {
            o.reply_to.as_deref() == Some(incoming.message_id.as_str())
                && matches!(&o.to, Destination::Chat(c) if *c == incoming.chat)
        });
        let origin = self.origin(&incoming);
        self.owe(&format!("reply:discord:interaction:{interaction_id}"), others, origin).await;
        let mut messages: Vec<(Value, Vec<jixia::message::Attachment>)> = Vec::new();
        for out in &replies {
            for payload in sender::payloads(out, &self.ids, tokio::time::Instant::now()) {
                messages.push((payload, out.attachments.clone()));
            }
        }
        if messages.is_empty() {
            // Discord wants an answer; a quiet one only the member sees.
            let done = self.engine.prompts().plain(locale, "discord-done");
            messages.push((json!({ "content": render::escape(&done), "flags": EPHEMERAL }), Vec::new()));
        }
        let Some(app) = self.application_id.get().copied() else { return };
        let mut first = true;
        for (payload, files) in messages {
            let result = if first && !deferred {
                let payload = json!({ "type": CALLBACK_MESSAGE, "data": payload });
                let path = format!("/interactions/{interaction_id}/{token}/callback");
                self.rest.call(Method::POST, &path, &sender::body(payload, &files), None).await
            } else if first {
                let path = format!("/webhooks/{app}/{token}/messages/@original");
                self.rest.call(Method::PATCH, &path, &sender::body(payload, &files), None).await
            } else {
                let path = format!("/webhooks/{app}/{token}");
                self.rest.call(Method::POST, &path, &sender::body(payload, &files), None).await
            };
            first = false;
            if let Err(e) = result {
                log_interaction_error(&e);
                return;
            }
        }
    }

    async fn callback(&self, interaction_id: u64, token: &str, kind: u8, data: Option<Value>) {
        let mut payload = json!({ "type": kind });
        if let Some(data) = data {
            payload["data"] = data;
        }
        let path = format!("/interactions/{interaction_id}/{token}/callback");
        if let Err(e) = self.rest.call(Method::POST, &path, &Body::Json(payload), None).await {
            log_interaction_error(&e);
        }
    }
}

fn log_interaction_error(e: &RestError) {
    // The path holds the interaction token (short-lived, but still a
    // credential for 15 minutes): log the status and message only.
    match e {
        RestError::Status { status, code, message, .. } => {
            tracing::warn!(status, code, message = %message, "discord: could not answer an interaction")
        }
        RestError::Network { message, .. } => {
            tracing::warn!(error = %message, "discord: could not answer an interaction")
        }
    }
}
