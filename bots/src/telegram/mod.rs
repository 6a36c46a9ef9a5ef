//! The Telegram adapter (teloxide's Bot API client): receives updates by long
//! polling or a webhook, turns them into `Incoming` messages for the engine,
//! and sends what the engine returns through a paced outbox.
//!
//! Layout: [`mapping`] (updates → `Incoming`, pure), [`render`]
//! (`RichText` → HTML, split at 4096), [`sender`] (the outbox: pacing,
//! retries, 403s) with [`pacer`] (the rate limits), [`buttons`] (callback
//! data), [`admins`] (the group-admin cache), [`menu`] (`setMyCommands`),
//! [`webhook`] (the webhook endpoint) and [`redact`] (the token out of logs).
//!
//! Updates are handled in order per chat and concurrently across chats: each
//! goes to one of [`SHARDS`] workers chosen by its chat id.
//!
//! At least once, exactly once in effect: every update is recorded in the
//! inbox ([`jixia::intake`]) before Telegram is told it arrived (the next
//! `getUpdates` offset, or the webhook's 200); a redelivered one is
//! recognised by its id and not handled again. When the engine has handled
//! an update, the replies it owes are written to the inbox row, then sent;
//! the row is done once the sender has them out. At start the rows a crash
//! left are taken up first, in update order: received ones are handled,
//! handled ones have their replies sent. Polling resumes after the last
//! update recorded.
//!
//! Workers are supervised: a panic while handling one update is caught,
//! logged with the update id, answered with the internal-error apology, and
//! the worker goes on with the next.

pub mod admins;
pub mod buttons;
pub mod mapping;
pub mod menu;
pub mod pacer;
pub mod redact;
pub mod render;
pub mod sender;
pub mod webhook;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jixia::config::{TelegramConfig, TelegramMode};
use jixia::i18n::Locale;
use jixia::intake::Intake;
use jixia::store::inbox::InboxState;
use jixia::supervise::catch_panic;
use jixia::{Chat, ChatKind, Engine, Incoming, Outgoing, Platform};
use teloxide::payloads::{AnswerCallbackQuerySetters, GetUpdatesSetters, SetWebhookSetters};
use teloxide::prelude::Requester;
use teloxide::requests::Request;
use teloxide::types::{CallbackQueryId, Update, UpdateKind};
use teloxide::{ApiError, Bot, RequestError};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use self::admins::AdminCache;
use self::buttons::Buttons;
use self::mapping::{ALLOWED_UPDATES, BotIdentity, Event, Press};
use self::pacer::Limits;
use self::redact::Redactor;
use self::sender::{Job, Origin, Outbox, SenderParts, Unreachable};

/// Workers handling updates; a chat always goes to the same one.
pub const SHARDS: usize = 8;
/// The long-poll timeout of `getUpdates`, in seconds. teloxide's HTTP client
/// gives up after 17 s, so this stays well under that.
const POLL_TIMEOUT_SECS: u32 = 10;
/// How long shutdown waits for handlers and the outbox to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The adapter could not start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    /// No token configured.
    #[error("telegram.token is not set; set JIXIA__TELEGRAM__TOKEN")]
    NoToken,
    /// A URL setting does not parse.
    #[error("config key `telegram.{key}`: `{value}` is not a URL")]
    BadUrl {
        /// The key.
        key: &'static str,
        /// Its value.
        value: String,
    },
    /// Telegram says the token is wrong.
    #[error("Telegram rejected the bot token; check JIXIA__TELEGRAM__TOKEN (from BotFather)")]
    TokenRejected,
    /// The Bot API could not be reached at start.
    #[error("cannot reach the Telegram Bot API: {0}")]
    Unreachable(String),
    /// The webhook could not be set up.
    #[error("telegram webhook: {0}")]
    Webhook(String),
}

/// Telegram usernames seen in messages → user ids, so `@name` mentions can
/// be resolved (Telegram does not say who `@name` is).
#[derive(Debug, Default)]
struct Usernames {
    ids: Mutex<HashMap<String, String>>,
}

impl Usernames {
    fn remember(&self, user: &teloxide::types::User) {
        let Some(name) = &user.username else { return };
        let mut ids = self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if ids.len() >= 100_000 {
            ids.clear();
        }
        ids.insert(name.to_lowercase(), user.id.0.to_string());
    }

    fn get(&self, lower_name: &str) -> Option<String> {
        self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(lower_name).cloned()
    }
}

/// What the update workers share.
#[derive(Debug)]
struct Handler {
    bot: Bot,
    engine: Arc<Engine>,
    me: BotIdentity,
    redactor: Redactor,
    outbox: Outbox,
    buttons: Arc<Buttons>,
    admins: AdminCache,
    unreachable: Arc<Unreachable>,
    usernames: Usernames,
}

/// A connected Telegram bot: `getMe` answered, menus registered, the outbox
/// running. [`Telegram::run`] receives updates until shutdown.
#[derive(Debug)]
pub struct Telegram {
    handler: Arc<Handler>,
    config: TelegramConfig,
    sender: tokio::task::JoinHandle<()>,
    /// More routes for the webhook's listener (the operators' endpoints).
    routes: Option<axum::Router>,
}

/// Connects and runs until `shutdown` completes, then finishes the messages
/// in hand. What `jixia run` calls.
pub async fn run(
    engine: Arc<Engine>,
    config: &TelegramConfig,
    routes: Option<axum::Router>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), TelegramError> {
    Telegram::connect(engine, config).await?.with_routes(routes).run(shutdown).await
}

fn default_locale(engine: &Engine) -> Locale {
    let config = engine.config();
    config.communities.get(&config.default_community_id()).map(|c| c.locale).unwrap_or_default()
}

impl Telegram {
    /// Asks Telegram who the bot is (`getMe`), registers the command menus
    /// and starts the outbox.
    pub async fn connect(engine: Arc<Engine>, config: &TelegramConfig) -> Result<Telegram, TelegramError> {
        let token = config.token.clone().filter(|t| !t.expose().trim().is_empty()).ok_or(TelegramError::NoToken)?;
        let redactor = Redactor::new(token.clone());
        let mut bot = Bot::new(token.expose());
        if let Some(url) = &config.api_url {
            let parsed =
                reqwest::Url::parse(url).map_err(|_| TelegramError::BadUrl { key: "api_url", value: url.clone() })?;
            bot = bot.set_api_url(parsed);
        }
        let me = bot.get_me().await.map_err(|e| match e {
            RequestError::Api(ApiError::InvalidToken) => TelegramError::TokenRejected,
            // The URL tried (the server, never the token in its path).
            e => TelegramError::Unreachable(format!(
                "{}: {}",
                config.api_url.as_deref().unwrap_or("https://api.telegram.org"),
                redactor.error(&e)
            )),
        })?;
        let username = me.username.clone().unwrap_or_default();
        tracing::info!(bot = %username, id = me.id.0, "connected to Telegram");
        let me = BotIdentity { id: me.id.0, username: username.clone(), name: engine.bot_name.clone() };
        if let Err(e) = menu::register(&bot, engine.prompts(), default_locale(&engine)).await {
            tracing::warn!(error = %redactor.error(&e), "could not register the command menus");
        }
        let buttons = Arc::new(Buttons::new(Duration::from_secs(config.button_ttl_seconds)));
        let unreachable = Arc::new(Unreachable::default());
        let limits = Limits {
            global_per_second: config.global_per_second,
            group_per_minute: config.group_per_minute,
            chat_per_second: config.chat_per_second,
        };
        let (outbox, sender) = sender::spawn(SenderParts {
            bot: bot.clone(),
            redactor: redactor.clone(),
            engine: engine.clone(),
            bot_username: username,
            buttons: buttons.clone(),
            unreachable: unreachable.clone(),
            limits,
        });
        let handler = Handler {
            bot,
            engine,
            me,
            redactor,
            outbox,
            buttons,
            admins: AdminCache::new(Duration::from_secs(config.admin_cache_seconds)),
            unreachable,
            usernames: Usernames::default(),
        };
        Ok(Telegram { handler: Arc::new(handler), config: config.clone(), sender, routes: None })
    }

    /// Serves `routes` too on the webhook's listener (in webhook mode):
    /// the operators' endpoints when `[http] listen` is the same address.
    pub fn with_routes(mut self, routes: Option<axum::Router>) -> Telegram {
        self.routes = routes;
        self
    }

    /// The bot's Telegram username (without `@`).
    pub fn username(&self) -> &str {
        &self.handler.me.username
    }

    /// A handle to send messages that answer no update (scheduled posts).
    /// Drop it before shutdown: the outbox finishes once every handle is gone.
    pub fn outbox(&self) -> Outbox {
        self.handler.outbox.clone()
    }

    /// Receives updates (long polling or webhook, per config) until
    /// `shutdown` completes; then lets the workers finish what they hold and
    /// the outbox send what is queued (for up to ten seconds).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), TelegramError> {
        let Telegram { handler, config, sender, routes } = self;
        let (stop_tx, stop) = watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        // Scheduled posts and announcements wait in the durable outbox; this
        // instance sends the Telegram ones through its sender.
        let pump = {
            let outbox = handler.outbox.clone();
            let hand = move |out, receipt| outbox.send_receipted(out, receipt);
            // Replies wait in the inbox until sent, not held in the outbox.
            tokio::spawn(handler.engine.clone().pump_outbox(Platform::Telegram, hand, None, stop.clone()))
        };
        let (intake, writer) = Intake::spawn(handler.engine.clone(), format!("telegram:{}", handler.me.id));
        let mut workers = JoinSet::new();
        let mut shards = Vec::with_capacity(SHARDS);
        for _ in 0..SHARDS {
            let (tx, mut rx) = mpsc::channel::<Work>(256);
            shards.push(tx);
            let handler = handler.clone();
            let intake = intake.clone();
            workers.spawn(async move {
                while let Some(work) = rx.recv().await {
                    handler.work(&intake, work).await;
                }
            });
        }
        let router = Shards(shards);
        resume(&intake, &router).await;
        crate::ops::connected("telegram", true);
        let result = match config.mode {
            TelegramMode::Polling => poll(&handler.bot, &handler.redactor, &intake, &router, stop).await,
            TelegramMode::Webhook => {
                serve_webhook(&handler.bot, &config, &handler.redactor, &intake, &router, routes, stop).await
            }
        };
        crate::ops::connected("telegram", false);
        tracing::info!("telegram: stopping; finishing the messages in hand");
        drop(router);
        let finish = async move {
            let _ = pump.await;
            while workers.join_next().await.is_some() {}
            // The last handler reference holds the last outbox handle (unless
            // someone kept one from `outbox()`): dropping it lets the sender
            // drain and end.
            drop(handler);
            let _ = sender.await;
            // Receipts settled: the last marks are written, then the writer ends.
            drop(intake);
            let _ = writer.await;
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, finish).await.is_err() {
            tracing::warn!("telegram: gave up waiting for queued messages at shutdown");
        }
        result
    }
}

/// An update for a worker: to handle, or (taken up after a crash) handled
/// already, with the replies it still owes.
#[derive(Debug)]
struct Work {
    update: Update,
    owed: Option<Vec<Outgoing>>,
}

/// The per-chat workers' queues.
#[derive(Debug)]
struct Shards(Vec<mpsc::Sender<Work>>);

impl Shards {
    async fn route(&self, work: Work) {
        let update = &work.update;
        let chat = match &update.kind {
            UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m.chat.id.0,
            UpdateKind::CallbackQuery(q) => q.message.as_ref().map_or(0, |m| m.chat().id.0),
            UpdateKind::MessageReaction(r) => r.chat.id.0,
            _ => 0,
        };
        let n = self.0.len().max(1) as i64;
        let shard = usize::try_from(chat.rem_euclid(n)).unwrap_or(0);
        let id = update.id.0;
        if let Some(tx) = self.0.get(shard)
            && tx.send(work).await.is_err()
        {
            // Only at shutdown; the update stays in the inbox for the next start.
            tracing::warn!(update = id, "telegram worker gone; update left for the next start");
        }
    }
}

/// Takes up what a crash left in the inbox, before any new update: received
/// updates are handled, handled ones have their replies sent.
async fn resume(intake: &Intake, shards: &Shards) {
    let open = match intake.open().await {
        Ok(open) => open,
        Err(e) => {
            tracing::error!(error = %e, "inbox: could not read the updates left from the last run");
            return;
        }
    };
    if open.is_empty() {
        return;
    }
    tracing::info!(updates = open.len(), "inbox: taking up the updates left from the last run");
    for row in open {
        let update: Update = match serde_json::from_str(&row.payload) {
            Ok(u) => u,
            Err(e) => {
                tracing::error!(update = row.update_id, error = %e, "inbox: a stored update does not parse; dropped");
                intake.done(row.update_id);
                continue;
            }
        };
        let owed = match (row.state, row.replies.as_deref()) {
            (InboxState::Handled, Some(json)) => match serde_json::from_str::<Vec<Outgoing>>(json) {
                Ok(replies) => Some(replies),
                Err(e) => {
                    tracing::error!(update = row.update_id, error = %e, "inbox: stored replies do not parse; dropped");
                    intake.done(row.update_id);
                    continue;
                }
            },
            (InboxState::Handled, None) => Some(Vec::new()),
            _ => None,
        };
        shards.route(Work { update, owed }).await;
    }
}

/// Waits `wait`, or less if stopping.
async fn pause(wait: Duration, stop: &mut watch::Receiver<bool>) {
    tokio::select! {
        () = tokio::time::sleep(wait) => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}

/// Long polling until stopped. Each batch is recorded in the inbox before
/// the next `getUpdates` confirms it; the first request resumes after the
/// last update recorded (confirming what the last run stored).
async fn poll(
    bot: &Bot,
    redactor: &Redactor,
    intake: &Intake,
    shards: &Shards,
    mut stop: watch::Receiver<bool>,
) -> Result<(), TelegramError> {
    // getUpdates is refused while a webhook is set.
    if let Err(e) = bot.delete_webhook().await {
        tracing::warn!(error = %redactor.error(&e), "could not remove a webhook before polling");
    }
    let mut offset: i32 = match intake.last_update_id().await {
        Ok(last) => last.and_then(|id| i32::try_from(id.saturating_add(1)).ok()).unwrap_or(0),
        Err(e) => {
            tracing::warn!(error = %e, "inbox: could not read the last update; polling from Telegram's oldest");
            0
        }
    };
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            break;
        }
        let request = bot.get_updates().offset(offset).timeout(POLL_TIMEOUT_SECS).allowed_updates(ALLOWED_UPDATES);
        let result = tokio::select! {
            r = request.send() => r,
            _ = stop.wait_for(|s| *s) => break,
        };
        match result {
            Ok(updates) => {
                failures = 0;
                if updates.is_empty() {
                    continue;
                }
                let rows = updates.iter().map(|u| (i64::from(u.id.0), stored(u))).collect();
                let fresh = match intake.record(rows).await {
                    Ok(fresh) => fresh,
                    Err(e) => {
                        // Not confirmed: Telegram gives the same batch again.
                        tracing::error!(error = %e, "could not record updates; asking again shortly");
                        pause(Duration::from_secs(1), &mut stop).await;
                        continue;
                    }
                };
                for (update, new) in updates.into_iter().zip(fresh) {
                    offset = offset.max(i32::try_from(update.id.0).unwrap_or(i32::MAX).saturating_add(1));
                    if new {
                        shards.route(Work { update, owed: None }).await;
                    } else {
                        tracing::debug!(update = update.id.0, "update delivered again; handled once already");
                    }
                }
            }
            Err(RequestError::Api(ApiError::InvalidToken)) => return Err(TelegramError::TokenRejected),
            Err(RequestError::RetryAfter(s)) => {
                jixia::metrics::metrics().rate_limited(jixia::Platform::Telegram);
                pause(s.duration(), &mut stop).await
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let wait = Duration::from_secs(1 << failures.min(5)).min(Duration::from_secs(30));
                tracing::warn!(error = %redactor.error(&e), retry_in = ?wait, "getUpdates failed");
                pause(wait, &mut stop).await;
            }
        }
    }
    if offset != 0 {
        // Everything below `offset` is recorded: confirm it.
        let _ = bot.get_updates().offset(offset).limit(1).timeout(0).await;
    }
    Ok(())
}

/// An update as stored in the inbox (teloxide writes it back as Telegram
/// sent it, in the fields it knows).
fn stored(update: &Update) -> String {
    serde_json::to_string(update).unwrap_or_else(|e| {
        tracing::error!(update = update.id.0, error = %e, "an update does not serialize; stored without its body");
        "{}".to_owned()
    })
}

/// Serves the webhook until stopped. Sets the webhook (URL, secret, update
/// kinds) after the port is open, so Telegram's first delivery finds it.
async fn serve_webhook(
    bot: &Bot,
    config: &TelegramConfig,
    redactor: &Redactor,
    intake: &Intake,
    shards: &Shards,
    routes: Option<axum::Router>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), TelegramError> {
    let raw_url = config.webhook_url.clone().unwrap_or_default();
    let url =
        reqwest::Url::parse(&raw_url).map_err(|_| TelegramError::BadUrl { key: "webhook_url", value: raw_url })?;
    let secret = config
        .webhook_secret
        .clone()
        .ok_or_else(|| TelegramError::Webhook("webhook mode needs telegram.webhook_secret".into()))?;
    let listener = tokio::net::TcpListener::bind(&config.webhook_listen)
        .await
        .map_err(|e| TelegramError::Webhook(format!("cannot listen on {}: {e}", config.webhook_listen)))?;
    let (tx, mut rx) = mpsc::channel::<Update>(256);
    let app = webhook::router(url.path(), secret.clone(), intake.clone(), tx);
    let app = match routes {
        Some(routes) => app.merge(routes),
        None => app,
    };
    bot.set_webhook(url.clone())
        .secret_token(secret.expose().to_owned())
        .allowed_updates(ALLOWED_UPDATES)
        .await
        .map_err(|e| TelegramError::Webhook(format!("setWebhook failed: {}", redactor.error(&e))))?;
    tracing::info!(listen = %config.webhook_listen, path = url.path(), "telegram webhook serving");
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    let forward = async {
        while let Some(update) = rx.recv().await {
            shards.route(Work { update, owed: None }).await;
        }
    };
    let (served, ()) = tokio::join!(std::future::IntoFuture::into_future(server), forward);
    served.map_err(|e| TelegramError::Webhook(format!("server failed: {e}")))
}

impl Handler {
    /// One update, supervised: handled (or, taken up after a crash, only
    /// its owed replies sent), the inbox row marked, the replies queued.
    async fn work(&self, intake: &Intake, work: Work) {
        let id = i64::from(work.update.id.0);
        if let Some(owed) = work.owed {
            let origin = self.origin_of(&work.update);
            self.send_answers(intake, id, origin, owed);
            return;
        }
        let (origin, answers) = match catch_panic(self.handle(&work.update)).await {
            Ok(handled) => handled,
            Err(panic) => {
                tracing::error!(update = id, panic = %panic, "handling a Telegram update panicked; answered with the apology");
                self.apology_for(&work.update)
            }
        };
        if let Err(e) = intake.handled(id, &answers).await {
            // The engine's writes are idempotent (ledger keys): if this
            // update is handled again after a restart, nothing moves twice.
            tracing::warn!(update = id, error = %e, "could not mark an update handled");
        }
        self.send_answers(intake, id, origin, answers);
    }

    /// Queues `answers` ([`Intake::send_replies`]: the update is done once
    /// each was delivered or kept in the outbox).
    fn send_answers(&self, intake: &Intake, id: i64, origin: Option<Arc<Origin>>, answers: Vec<Outgoing>) {
        intake.send_replies(id, answers, |out, receipt| {
            self.outbox.send_job(Job { out, origin: origin.clone(), receipt: Some(receipt) });
        });
    }

    async fn handle(&self, update: &Update) -> (Option<Arc<Origin>>, Vec<Outgoing>) {
        match &update.kind {
            UpdateKind::Message(m) => {
                if let Some(from) = &m.from {
                    self.usernames.remember(from);
                }
            }
            UpdateKind::CallbackQuery(q) => self.usernames.remember(&q.from),
            _ => {}
        }
        let known = |name: &str| self.usernames.get(name);
        match mapping::map_update(update, &self.me, &known) {
            Event::Message(incoming) => {
                let target = incoming.message_id.parse().ok();
                self.to_engine(*incoming, target, update.id.0).await
            }
            Event::Press(press) => self.press(press, update.id.0).await,
            Event::Ignored(reason) => {
                tracing::debug!(update = update.id.0, reason, "update ignored");
                (None, Vec::new())
            }
        }
    }

    /// Where the answers to `update` go, without handling it (for replies
    /// owed from before a crash).
    fn origin_of(&self, update: &Update) -> Option<Arc<Origin>> {
        let known = |name: &str| self.usernames.get(name);
        match mapping::map_update(update, &self.me, &known) {
            Event::Message(m) => {
                let target = m.message_id.parse().ok();
                self.origin(&m, target)
            }
            Event::Press(p) => {
                let target = Some(p.message_id);
                self.origin(&p.into_incoming(String::new(), self.engine.now()), target)
            }
            Event::Ignored(_) => None,
        }
    }

    /// The apology for an update whose handling panicked (if it asked for
    /// something); mapping it again is guarded too.
    fn apology_for(&self, update: &Update) -> (Option<Arc<Origin>>, Vec<Outgoing>) {
        let known = |name: &str| self.usernames.get(name);
        let mapped =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mapping::map_update(update, &self.me, &known)));
        match mapped {
            Ok(Event::Message(m)) => {
                let target = m.message_id.parse().ok();
                (self.origin(&m, target), self.engine.apology(&m))
            }
            _ => (None, Vec::new()),
        }
    }

    fn origin(&self, incoming: &Incoming, reply_target: Option<i32>) -> Option<Arc<Origin>> {
        let chat_id = incoming.chat.id.parse::<i64>().ok()?;
        Some(Arc::new(Origin {
            chat_id,
            is_group: incoming.chat.kind == ChatKind::Group,
            incoming_id: incoming.message_id.clone(),
            reply_target,
            user_id: incoming.sender.id.clone(),
            user_name: incoming.sender.name.clone(),
            locale: self.community_locale(&incoming.chat),
        }))
    }

    fn community_locale(&self, chat: &Chat) -> Locale {
        self.engine.chat_locale(chat)
    }

    async fn press(&self, press: Press, update: u32) -> (Option<Arc<Origin>>, Vec<Outgoing>) {
        let query = CallbackQueryId(press.query_id.clone());
        match self.buttons.decode(&press.data, tokio::time::Instant::now()) {
            Some(text) => {
                if let Err(e) = self.bot.answer_callback_query(query).await {
                    tracing::warn!(error = %self.redactor.error(&e), "could not answer a button press");
                }
                let target = Some(press.message_id);
                let incoming = press.into_incoming(text, self.engine.now());
                self.to_engine(incoming, target, update).await
            }
            None => {
                let locale =
                    press.language.as_deref().and_then(Locale::parse).unwrap_or(self.community_locale(&press.chat));
                let text = self.engine.prompts().plain(locale, "telegram-button-expired");
                if let Err(e) = self.bot.answer_callback_query(query).text(text).await {
                    tracing::warn!(error = %self.redactor.error(&e), "could not answer a button press");
                }
                (None, Vec::new())
            }
        }
    }

    /// Hands a message to the engine and returns its answers with where
    /// they go. `reply_target` is the Telegram message a reply to this one
    /// should quote.
    async fn to_engine(
        &self,
        mut incoming: Incoming,
        reply_target: Option<i32>,
        update: u32,
    ) -> (Option<Arc<Origin>>, Vec<Outgoing>) {
        let Ok(chat_id) = incoming.chat.id.parse::<i64>() else { return (None, Vec::new()) };
        let is_group = incoming.chat.kind == ChatKind::Group;
        if is_group {
            if let Ok(user) = incoming.sender.id.parse::<u64>() {
                incoming.sender.is_platform_admin =
                    self.admins.is_admin(&self.bot, &self.redactor, chat_id, user).await;
            }
        } else {
            // A member who writes to the bot privately can be written to.
            self.unreachable.clear(&incoming.sender.id);
        }
        let answers = self.engine.handle_supervised(&incoming, &format!("telegram:{update}")).await;
        if answers.is_empty() {
            return (None, answers);
        }
        (self.origin(&incoming, reply_target), answers)
    }
}
