//! The QQ adapter: speaks OneBot v11 to an implementation that is logged in
//! to a QQ account (NapCat, Lagrange.OneBot, LLOneBot, go-cqhttp), turns its
//! message events into `Incoming` messages for the engine, and sends what
//! the engine returns through a paced outbox.
//!
//! Layout: [`link`] (the WebSocket, reverse or forward, and actions with
//! `echo`), [`event`] (events → `Incoming`, pure), [`cq`] (segments and
//! CQ-code strings, pure), [`render`] (`RichText` → plain text, split at
//! 4 500), [`sender`] (the outbox: pacing, retries, refusals) with
//! [`pacer`] (the pace).
//!
//! At start the adapter waits for the implementation (reverse: it connects
//! to `qq.listen`; forward: jixia connects to `qq.url`), asks who it is
//! (`get_login_info`), and records events under the source `qq:SELF_ID`.
//!
//! At least once, exactly once in effect: every message event is recorded
//! in the inbox ([`jixia::intake`]) before it is handled, under a key
//! derived from the event ([`event::update_id`]); the same event delivered
//! again (after a reconnect, or replayed) is recognised and not handled
//! twice. When the engine has handled it, the replies it owes are written
//! to the row, then sent; the row is done once the sender has them out. At
//! start the rows a crash left are taken up first. OneBot has no
//! acknowledgement: an event sent while jixia was down or the socket was
//! broken is not delivered again by the implementation.
//!
//! Messages are handled in order per chat and concurrently across chats:
//! each goes to one of [`SHARDS`] workers chosen by its chat. Workers are
//! supervised: a panic while handling one message is caught, logged and
//! answered with the internal-error apology.

pub mod cq;
pub mod event;
pub mod link;
pub mod pacer;
pub mod render;
pub mod sender;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use jixia::config::{QqConfig, QqMode};
use jixia::intake::Intake;
use jixia::store::inbox::InboxState;
use jixia::supervise::catch_panic;
use jixia::{Engine, Incoming, Outgoing, Platform};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use self::event::{BotIdentity, Event, Notice, QqMessage};
use self::link::{Gate, Link};
use self::pacer::{Pace, Target};
use self::sender::{Job, Origin, Outbox, SenderParts, Unreachable};

/// Workers handling messages; a chat always goes to the same one.
pub const SHARDS: usize = 8;
/// How long shutdown waits for handlers and the outbox to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// The longest a reply's target is looked up for (`get_msg`).
const REPLY_LOOKUP: Duration = Duration::from_secs(3);
/// Events recorded in one inbox commit, at most.
const BATCH: usize = 256;

/// The adapter could not start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum QqError {
    /// Reverse mode without an access token.
    #[error(
        "qq.access_token is not set; set JIXIA__QQ__ACCESS_TOKEN (and the same token in the OneBot implementation)"
    )]
    NoToken,
    /// Forward mode without a URL.
    #[error("qq.url is not set; forward mode needs the implementation's WebSocket server, such as ws://127.0.0.1:3001")]
    NoUrl,
    /// The reverse-mode server could not listen.
    #[error("cannot listen on {listen} for the OneBot implementation: {reason}")]
    Listen {
        /// The address.
        listen: String,
        /// Why.
        reason: String,
    },
    /// The implementation is logged in to another account than configured.
    #[error("the OneBot implementation is logged in as QQ {got}, but qq.self_id is {want}")]
    WrongAccount {
        /// The account it reported.
        got: String,
        /// `qq.self_id`.
        want: String,
    },
}

/// What the message workers share.
#[derive(Debug)]
struct Handler {
    engine: Arc<Engine>,
    link: Link,
    me: BotIdentity,
    outbox: Outbox,
    unreachable: Arc<Unreachable>,
}

/// The adapter, started: listening (reverse) or connecting (forward), the
/// outbox running. [`Qq::run`] handles events until shutdown.
#[derive(Debug)]
pub struct Qq {
    engine: Arc<Engine>,
    config: QqConfig,
    link: Link,
    events: mpsc::UnboundedReceiver<Value>,
    stop_tx: watch::Sender<bool>,
    transport: tokio::task::JoinHandle<()>,
    outbox: Outbox,
    sender: tokio::task::JoinHandle<()>,
    unreachable: Arc<Unreachable>,
    local_addr: Option<SocketAddr>,
}

/// Starts and runs until `shutdown` completes, then finishes the messages
/// in hand. What `jixia run` calls.
pub async fn run(
    engine: Arc<Engine>,
    config: &QqConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), QqError> {
    Qq::start(engine, config).await?.run(shutdown).await
}

impl Qq {
    /// Opens the way in (reverse: binds `qq.listen`; forward: starts
    /// connecting to `qq.url`) and starts the outbox. Events that arrive
    /// before [`Qq::run`] wait for it.
    pub async fn start(engine: Arc<Engine>, config: &QqConfig) -> Result<Qq, QqError> {
        let link = Link::new(Duration::from_secs(config.action_timeout_seconds.max(1)));
        let (events_tx, events) = mpsc::unbounded_channel();
        let (stop_tx, stop) = watch::channel(false);
        let token = config.access_token.clone().filter(|t| !t.expose().trim().is_empty());
        let (transport, local_addr) = match config.mode {
            QqMode::Reverse => {
                let token = token.ok_or(QqError::NoToken)?;
                let listener = tokio::net::TcpListener::bind(&config.listen)
                    .await
                    .map_err(|e| QqError::Listen { listen: config.listen.clone(), reason: e.to_string() })?;
                let addr = listener.local_addr().ok();
                tracing::info!(listen = ?addr, "qq: waiting for the OneBot implementation (reverse WebSocket)");
                let gate = Gate { token, self_id: config.self_id.clone() };
                (tokio::spawn(link::serve_reverse(listener, gate, link.clone(), events_tx, stop)), addr)
            }
            QqMode::Forward => {
                let url = config.url.clone().ok_or(QqError::NoUrl)?;
                (tokio::spawn(link::run_forward(url, token, link.clone(), events_tx, stop)), None)
            }
        };
        let unreachable = Arc::new(Unreachable::default());
        let pace = Pace::new(config.chat_per_second, config.account_per_minute, config.jitter_ms);
        let (outbox, sender) = sender::spawn(SenderParts {
            link: link.clone(),
            engine: engine.clone(),
            unreachable: unreachable.clone(),
            pace,
        });
        Ok(Qq {
            engine,
            config: config.clone(),
            link,
            events,
            stop_tx,
            transport,
            outbox,
            sender,
            unreachable,
            local_addr,
        })
    }

    /// Where the reverse-mode server listens (`None` in forward mode).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr
    }

    /// A handle to send messages that answer no event (scheduled posts).
    /// Drop it before shutdown: the outbox finishes once every handle is gone.
    pub fn outbox(&self) -> Outbox {
        self.outbox.clone()
    }

    /// Waits for the implementation, learns the account, then handles
    /// events until `shutdown` completes; then lets the workers finish what
    /// they hold and the outbox send what is queued (for up to ten seconds).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), QqError> {
        let Qq { engine, config, link, mut events, stop_tx, transport, outbox, sender, unreachable, .. } = self;
        let mut stop = stop_tx.subscribe();
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let finish_transport = |transport: tokio::task::JoinHandle<()>| async move {
            if tokio::time::timeout(SHUTDOWN_GRACE, transport).await.is_err() {
                tracing::warn!("qq: the connection did not close in time");
            }
        };
        let self_id = match login(&link, &config, &mut stop).await {
            Ok(Some(id)) => id,
            Ok(None) => {
                drop(outbox);
                let _ = sender.await;
                finish_transport(transport).await;
                return Ok(());
            }
            Err(e) => {
                drop(outbox);
                let _ = sender.await;
                // Stop the transport: the error ends the adapter.
                transport.abort();
                return Err(e);
            }
        };
        let me = BotIdentity { self_id: self_id.clone(), name: engine.bot_name.clone() };
        let handler = Arc::new(Handler { engine: engine.clone(), link, me, outbox, unreachable });
        // Scheduled posts and announcements wait in the durable outbox; this
        // instance sends the QQ ones through its sender.
        let pump = {
            let outbox = handler.outbox.clone();
            let hand = move |out, receipt| outbox.send_receipted(out, receipt);
            tokio::spawn(engine.clone().pump_outbox(Platform::Qq, hand, None, stop.clone()))
        };
        let (intake, writer) = Intake::spawn(engine.clone(), format!("qq:{self_id}"));
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
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            tokio::select! {
                n = events.recv_many(&mut batch, BATCH) => {
                    if n == 0 {
                        break;
                    }
                    take_in(&handler, &intake, &router, std::mem::take(&mut batch)).await;
                }
                () = link::stopped(&mut stop) => break,
            }
        }
        tracing::info!("qq: stopping; finishing the messages in hand");
        drop(router);
        let finish = async move {
            let _ = pump.await;
            while workers.join_next().await.is_some() {}
            drop(handler);
            let _ = sender.await;
            drop(intake);
            let _ = writer.await;
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, finish).await.is_err() {
            tracing::warn!("qq: gave up waiting for queued messages at shutdown");
        }
        finish_transport(transport).await;
        Ok(())
    }
}

/// Waits for a connection and asks the implementation who it is logged in
/// as (retrying while it does not answer); `None` when stopped first.
async fn login(link: &Link, config: &QqConfig, stop: &mut watch::Receiver<bool>) -> Result<Option<String>, QqError> {
    loop {
        if !link.wait_connected(stop).await {
            return Ok(None);
        }
        match link.call("get_login_info", json!({})).await {
            Ok(data) => {
                let Some(id) = event::int(data.get("user_id")).map(|id| id.to_string()) else {
                    tracing::warn!("qq: get_login_info answered without a user_id; asking again");
                    pause(Duration::from_secs(2), stop).await;
                    continue;
                };
                if let Some(want) = &config.self_id
                    && *want != id
                {
                    return Err(QqError::WrongAccount { got: id, want: want.clone() });
                }
                let nickname = data.get("nickname").and_then(Value::as_str).unwrap_or_default();
                tracing::info!(self_id = %id, nickname, "connected to QQ");
                return Ok(Some(id));
            }
            Err(e) => {
                if let Some(id) = &config.self_id {
                    tracing::warn!(error = %e, self_id = %id, "qq: get_login_info failed; going on as qq.self_id");
                    return Ok(Some(id.clone()));
                }
                tracing::warn!(error = %e, "qq: get_login_info failed; asking again");
                pause(Duration::from_secs(2), stop).await;
            }
        }
        if *stop.borrow() {
            return Ok(None);
        }
    }
}

async fn pause(wait: Duration, stop: &mut watch::Receiver<bool>) {
    tokio::select! {
        () = tokio::time::sleep(wait) => {}
        () = link::stopped(stop) => {}
    }
}

/// Records a batch of events and routes the new messages to their workers.
/// Notices and heartbeats are only logged.
async fn take_in(handler: &Handler, intake: &Intake, router: &Shards, batch: Vec<Value>) {
    let mut rows = Vec::new();
    let mut messages = Vec::new();
    for event in batch {
        if let Some(from) = event::int(event.get("self_id"))
            && from.to_string() != handler.me.self_id
        {
            tracing::warn!(self_id = from, "qq: an event for another account; ignored");
            continue;
        }
        match event::map_event(&event, &handler.me, handler.engine.now()) {
            Event::Message(_) => match event::update_id(&event) {
                Some(id) => {
                    rows.push((id, event.to_string()));
                    messages.push((id, event));
                }
                None => tracing::debug!("qq: a message event without sender; ignored"),
            },
            Event::Notice(notice) => log_notice(&notice),
            Event::Heartbeat(_) => {}
            Event::Ignored(reason) => tracing::debug!(reason, "qq: event ignored"),
        }
    }
    if rows.is_empty() {
        return;
    }
    let mut fresh = None;
    for attempt in 1..=3 {
        match intake.record(rows.clone()).await {
            Ok(f) => {
                fresh = Some(f);
                break;
            }
            Err(e) => {
                tracing::error!(error = %e, attempt, "qq: could not record events in the inbox");
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
        }
    }
    // OneBot does not deliver an event again: with the inbox unwritable the
    // events are handled anyway (their effects are idempotent) rather than
    // lost.
    let fresh = fresh.unwrap_or_else(|| vec![true; messages.len()]);
    for ((id, event), new) in messages.into_iter().zip(fresh) {
        if new {
            router.route(Work { event, update_id: id, owed: None }).await;
        } else {
            tracing::debug!(update = id, "qq: event delivered again; handled once already");
        }
    }
}

fn log_notice(notice: &Notice) {
    match notice {
        Notice::Joined { group, user } => tracing::info!(group, user, "qq: a member joined"),
        Notice::Left { group, how, .. } if how == "kick_me" => {
            tracing::warn!(group, "qq: the bot was removed from the group; messages to it will be refused");
        }
        Notice::Left { group, user, how } => tracing::info!(group, user, how, "qq: a member left"),
        Notice::Admin { group, user, now_admin } => {
            // Admin rights arrive with every message (`sender.role`), so
            // there is no cache to refresh.
            tracing::info!(group, user, now_admin, "qq: group admins changed");
        }
    }
}

/// An event for a worker: to handle, or (taken up after a crash) handled
/// already, with the replies it still owes.
#[derive(Debug)]
struct Work {
    event: Value,
    update_id: i64,
    owed: Option<Vec<Outgoing>>,
}

/// The per-chat workers' queues.
#[derive(Debug)]
struct Shards(Vec<mpsc::Sender<Work>>);

impl Shards {
    async fn route(&self, work: Work) {
        let chat =
            event::int(work.event.get("group_id")).or_else(|| event::int(work.event.get("user_id"))).unwrap_or(0);
        let n = self.0.len().max(1) as i64;
        let shard = usize::try_from(chat.rem_euclid(n)).unwrap_or(0);
        let id = work.update_id;
        if let Some(tx) = self.0.get(shard)
            && tx.send(work).await.is_err()
        {
            tracing::warn!(update = id, "qq worker gone; event left for the next start");
        }
    }
}

/// Takes up what a crash left in the inbox, before any new event: received
/// events are handled, handled ones have their replies sent.
async fn resume(intake: &Intake, shards: &Shards) {
    let open = match intake.open().await {
        Ok(open) => open,
        Err(e) => {
            tracing::error!(error = %e, "inbox: could not read the QQ events left from the last run");
            return;
        }
    };
    if open.is_empty() {
        return;
    }
    tracing::info!(events = open.len(), "inbox: taking up the QQ events left from the last run");
    for row in open {
        let event: Value = match serde_json::from_str(&row.payload) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(update = row.update_id, error = %e, "inbox: a stored event does not parse; dropped");
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
        shards.route(Work { event, update_id: row.update_id, owed }).await;
    }
}

impl Handler {
    /// One event, supervised: handled (or, taken up after a crash, only its
    /// owed replies sent), the inbox row marked, the replies queued.
    async fn work(&self, intake: &Intake, work: Work) {
        let id = work.update_id;
        if let Some(owed) = work.owed {
            let origin = self.mapped(&work.event).and_then(|m| self.origin(&m));
            self.send_answers(intake, id, origin, owed);
            return;
        }
        let (origin, answers) = match catch_panic(self.handle(&work.event, id)).await {
            Ok(handled) => handled,
            Err(panic) => {
                tracing::error!(update = id, panic = %panic, "handling a QQ event panicked; answered with the apology");
                match self.mapped(&work.event) {
                    Some(m) => (self.origin(&m), self.engine.apology(&m.incoming)),
                    None => (None, Vec::new()),
                }
            }
        };
        if let Err(e) = intake.handled(id, &answers).await {
            tracing::warn!(update = id, error = %e, "could not mark a QQ event handled");
        }
        self.send_answers(intake, id, origin, answers);
    }

    fn mapped(&self, event: &Value) -> Option<QqMessage> {
        match event::map_event(event, &self.me, self.engine.now()) {
            Event::Message(m) => Some(*m),
            _ => None,
        }
    }

    /// Queues `answers` ([`Intake::send_replies`]: the update is done once
    /// each was delivered or kept in the outbox).
    fn send_answers(&self, intake: &Intake, id: i64, origin: Option<Arc<Origin>>, answers: Vec<Outgoing>) {
        intake.send_replies(id, answers, |out, receipt| {
            self.outbox.send_job(Job { out, origin: origin.clone(), receipt: Some(receipt) });
        });
    }

    async fn handle(&self, event: &Value, update: i64) -> (Option<Arc<Origin>>, Vec<Outgoing>) {
        let Some(mut m) = self.mapped(event) else { return (None, Vec::new()) };
        if m.group.is_none() {
            // A member who writes privately can be written to.
            self.unreachable.clear(&m.incoming.sender.id);
        }
        if let Some(reply) = &m.incoming.reply_to {
            m.incoming.reply_to = Some(self.look_up(&reply.message_id).await.unwrap_or_else(|| reply.clone()));
        }
        let answers = self.engine.handle_supervised(&m.incoming, &format!("qq:{update}")).await;
        if answers.is_empty() {
            return (None, answers);
        }
        (self.origin(&m), answers)
    }

    /// Who wrote the message a reply points at, and what it said
    /// (`get_msg`); `None` when the implementation cannot tell in time.
    async fn look_up(&self, message_id: &str) -> Option<jixia::message::ReplyTo> {
        let id: i64 = message_id.parse().ok()?;
        let wait = REPLY_LOOKUP.min(self.link.timeout());
        match self.link.call_within("get_msg", json!({"message_id": id}), wait).await {
            Ok(data) => event::replied(message_id, &data, &self.me),
            Err(e) => {
                tracing::debug!(message_id, error = %e, "qq: the replied message is not known");
                None
            }
        }
    }

    fn origin(&self, m: &QqMessage) -> Option<Arc<Origin>> {
        let incoming: &Incoming = &m.incoming;
        Some(Arc::new(Origin {
            target: match m.group {
                Some(g) => Target::Group(g),
                None => Target::Private(m.user),
            },
            incoming_id: incoming.message_id.clone(),
            reply_target: m.message_id,
            user_id: incoming.sender.id.clone(),
            user_name: incoming.sender.name.clone(),
            locale: self.engine.chat_locale(&incoming.chat),
        }))
    }
}
