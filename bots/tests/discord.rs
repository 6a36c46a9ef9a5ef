//! The Discord adapter against a local fake Discord: an HTTP API (axum) and
//! a gateway (tungstenite) on 127.0.0.1, port 0, with a real engine on a
//! scratch SQLite database. No network, no Discord.
//!
//! The fake speaks just enough of the protocol: HELLO → IDENTIFY → READY,
//! heartbeat ACKs, then whatever events a test pushes; it records every REST
//! call and can answer the next few with 429.

#[path = "support/operator.rs"]
mod operator;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use jixia::clock::SystemClock;
use jixia::config::Config;
use jixia::rich::RichText;
use jixia::secret::Secret;
use jixia::store::scratch::ScratchFile;
use jixia::{Chat, Engine, Outgoing, Platform};
use jixia_bots::discord;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const BOT_ID: &str = "900";
const GUILD: &str = "42";
const CHANNEL: &str = "500";
const TOKEN: &str = "fake-discord-token-sekrit";

/// One REST call the fake received.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    body: Value,
    raw: String,
    authorization: String,
    at: Instant,
    /// A post Discord kept from appearing twice: its nonce was seen before
    /// (`enforce_nonce`), so it answered with the first post's message.
    duplicate: bool,
}

#[derive(Debug, Default)]
struct FakeState {
    calls: Vec<Call>,
    /// How many upcoming message posts to refuse with 429.
    refuse_posts: u32,
    /// Posts to a channel that fail with 500: (channel, posts let through
    /// first, failures after them).
    fail_posts: Vec<(String, u32, u32)>,
    /// How many upcoming DM openings to refuse with a route 429 (3 s).
    refuse_dm_open: u32,
    /// Nonces posted, and the message each became.
    nonces: std::collections::HashMap<String, u64>,
    gateway_url: String,
    next_id: u64,
}

#[derive(Debug, Clone)]
struct Fake {
    state: Arc<Mutex<FakeState>>,
}

async fn api(
    State(fake): State<Fake>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let raw = String::from_utf8_lossy(&body).into_owned();
    let path = uri.path().trim_start_matches("/api/v10").to_owned();
    let mut state = fake.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let call = Call {
        method: method.to_string(),
        path: path.clone(),
        body: serde_json::from_str(&raw).unwrap_or(Value::Null),
        raw,
        authorization: headers.get("authorization").and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned(),
        at: Instant::now(),
        duplicate: false,
    };
    if path == "/gateway" || path == "/gateway/bot" {
        let url = state.gateway_url.clone();
        return axum::Json(json!({ "url": url, "shards": 1, "session_start_limit": { "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1 } })).into_response();
    }
    let is_post = method == Method::POST && path.starts_with("/channels/") && path.ends_with("/messages");
    if is_post && state.refuse_posts > 0 {
        state.refuse_posts -= 1;
        state.calls.push(Call { body: json!({ "refused": true }), ..call });
        return (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({ "message": "You are being rate limited.", "retry_after": 0.4, "global": false })),
        )
            .into_response();
    }
    if method == Method::POST && path == "/users/@me/channels" && state.refuse_dm_open > 0 {
        state.refuse_dm_open -= 1;
        state.calls.push(Call { body: json!({ "refused": true }), ..call });
        let body = json!({ "message": "You are being rate limited.", "retry_after": 3.0, "global": false });
        let headers = [("x-ratelimit-bucket", "dm-open"), ("x-ratelimit-scope", "user")];
        return (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response();
    }
    let channel = path.trim_start_matches("/channels/").trim_end_matches("/messages").to_owned();
    if let Some(f) = state.fail_posts.iter_mut().find(|f| is_post && f.0 == channel && f.2 > 0) {
        if f.1 > 0 {
            f.1 -= 1;
        } else {
            f.2 -= 1;
            state.calls.push(Call { body: json!({ "failed": call.body }), ..call });
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(json!({ "message": "500: Internal Server Error", "code": 0 })),
            )
                .into_response();
        }
    }
    let nonce = call.body["nonce"].as_str().filter(|_| call.body["enforce_nonce"] == json!(true)).map(str::to_owned);
    if let Some(id) = nonce.as_ref().and_then(|n| state.nonces.get(n)).copied() {
        state.calls.push(Call { duplicate: true, ..call });
        return axum::Json(json!({ "id": id.to_string() })).into_response();
    }
    if is_post && path == "/channels/600/messages" {
        // Channel 600 is alice's DM channel, and alice has DMs closed.
        state.calls.push(call);
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({ "message": "Cannot send messages to this user", "code": 50007 })),
        )
            .into_response();
    }
    state.calls.push(call);
    state.next_id += 1;
    let id = 7000 + state.next_id;
    if let Some(nonce) = nonce {
        state.nonces.insert(nonce, id);
    }
    if is_post {
        return axum::Json(json!({ "id": id.to_string() })).into_response();
    }
    if path == "/users/@me" {
        return axum::Json(json!({ "id": BOT_ID, "username": "jixia-bot", "discriminator": "0", "bot": true }))
            .into_response();
    }
    if path == "/users/@me/channels" {
        return axum::Json(json!({ "id": "600", "type": 1 })).into_response();
    }
    if path.starts_with("/applications/") {
        return axum::Json(json!([])).into_response();
    }
    if path.starts_with("/interactions/") {
        return StatusCode::NO_CONTENT.into_response();
    }
    (StatusCode::NOT_FOUND, axum::Json(json!({ "message": "Unknown", "code": 0 }))).into_response()
}

/// The fake gateway: one connection at a time; pushes the events it is given.
async fn gateway(
    listener: tokio::net::TcpListener,
    mut events: mpsc::UnboundedReceiver<Value>,
    ready: oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    while let Ok((stream, _)) = listener.accept().await {
        let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else { continue };
        let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41250 } });
        if ws.send(Frame::Text(hello.to_string())).await.is_err() {
            continue;
        }
        let mut seq = 0u64;
        loop {
            tokio::select! {
                frame = ws.next() => {
                    let Some(Ok(frame)) = frame else { break };
                    let Frame::Text(text) = frame else { continue };
                    let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                    match v["op"].as_u64() {
                        Some(1) => { let _ = ws.send(Frame::Text(json!({ "op": 11 }).to_string())).await; }
                        Some(2) => {
                            seq += 1;
                            let d = json!({
                                "v": 10,
                                "user": { "id": BOT_ID, "username": "jixia-bot", "discriminator": "0", "avatar": null, "bot": true, "global_name": null },
                                "guilds": [{ "id": GUILD, "unavailable": true }],
                                "session_id": "fake-session",
                                "resume_gateway_url": "ws://127.0.0.1:1",
                                "shard": [0, 1],
                                "application": { "id": BOT_ID, "flags": 0 },
                            });
                            let frame = json!({ "op": 0, "t": "READY", "s": seq, "d": d });
                            let _ = ws.send(Frame::Text(frame.to_string())).await;
                            if let Some(r) = ready.take() { let _ = r.send(()); }
                        }
                        _ => {}
                    }
                }
                event = events.recv() => {
                    let Some(event) = event else { return };
                    seq += 1;
                    let mut frame = event;
                    frame["op"] = json!(0);
                    frame["s"] = json!(seq);
                    if ws.send(Frame::Text(frame.to_string())).await.is_err() { break; }
                }
            }
        }
    }
}

fn user(id: &str, name: &str) -> Value {
    json!({ "id": id, "username": name, "discriminator": "0", "avatar": null, "global_name": null })
}

fn message_event(id: &str, content: &str, nick: &str) -> Value {
    json!({ "t": "MESSAGE_CREATE", "d": {
        "id": id, "channel_id": CHANNEL, "guild_id": GUILD,
        "author": user("7", "alice"),
        "member": { "nick": nick, "roles": [], "joined_at": "2025-01-01T00:00:00+00:00", "deaf": false, "mute": false, "flags": 0 },
        "content": content,
        "timestamp": "2026-11-30T08:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [user(BOT_ID, "jixia-bot")], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0,
    }})
}

fn interaction_event(id: &str, kind: u8, data: Value) -> Value {
    let mut event = json!({ "t": "INTERACTION_CREATE", "d": {
        "id": id, "application_id": BOT_ID, "type": kind, "token": format!("itok{id}"),
        "version": 1, "locale": "en-US", "guild_id": GUILD, "channel_id": CHANNEL,
        "member": { "user": user("7", "alice"), "roles": [], "permissions": "0", "joined_at": "2025-01-01T00:00:00+00:00", "deaf": false, "mute": false, "flags": 0, "nick": null },
        "data": data,
        "entitlements": [], "authorizing_integration_owners": {}, "attachment_size_limit": 8388608,
    }});
    if kind == 3 {
        // A button press carries the message the button is under.
        let mut under = message_event("7001", "Ready?", "jixia");
        under["d"]["author"] =
            json!({ "id": BOT_ID, "username": "jixia-bot", "discriminator": "0", "avatar": null, "bot": true });
        event["d"]["message"] = under["d"].take();
    }
    event
}

/// A running adapter against the fake.
struct TestDiscord {
    fake: Fake,
    api_url: String,
    events: mpsc::UnboundedSender<Value>,
    stop: Option<oneshot::Sender<()>>,
    adapter: tokio::task::JoinHandle<Result<(), discord::DiscordError>>,
    engine: Arc<Engine>,
    _db: ScratchFile,
}

impl TestDiscord {
    async fn start() -> Result<TestDiscord, Box<dyn std::error::Error>> {
        TestDiscord::start_with(|_| {}).await
    }

    /// Starts with a config adjusted by `adjust`.
    async fn start_with(adjust: impl FnOnce(&mut Config)) -> Result<TestDiscord, Box<dyn std::error::Error>> {
        TestDiscord::start_clocked(Arc::new(SystemClock), adjust).await
    }

    /// Starts with the engine on `clock`.
    async fn start_clocked(
        clock: Arc<dyn jixia::clock::Clock>,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<TestDiscord, Box<dyn std::error::Error>> {
        // RUST_LOG=debug shows the adapter's and serenity's side.
        let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into());
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        let fake = Fake { state: Arc::new(Mutex::new(FakeState::default())) };
        let http = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let api_addr: SocketAddr = http.local_addr()?;
        let ws_addr: SocketAddr = ws.local_addr()?;
        fake.state.lock().map_err(|_| "poisoned")?.gateway_url = format!("ws://{ws_addr}");
        let app = axum::Router::new().fallback(api).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(http, app).await });
        let (events, events_rx) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = oneshot::channel();
        tokio::spawn(gateway(ws, events_rx, ready_tx));

        let db = ScratchFile::new()?;
        let mut config = Config::default();
        config.discord.enabled = true;
        config.discord.token = Some(Secret::new(TOKEN));
        config.discord.api_url = Some(format!("http://{api_addr}"));
        config.discord.guild_id = Some(GUILD.into());
        // The channel the conversations happen in belongs to the community.
        config.default_community_mut().chats.push(format!("discord:{CHANNEL}"));
        adjust(&mut config);
        let store = jixia::store::open(db.url(), &config.database.store_options()).await?;
        let engine = Arc::new(Engine::new(&config, store, clock)?);
        let (stop, stop_rx) = oneshot::channel::<()>();
        let adapter = {
            let engine = engine.clone();
            let dc = config.discord.clone();
            tokio::spawn(async move {
                discord::run(engine, &dc, async move {
                    let _ = stop_rx.await;
                })
                .await
            })
        };
        tokio::time::timeout(Duration::from_secs(20), ready_rx).await??;
        let t = TestDiscord {
            fake,
            api_url: format!("http://{api_addr}"),
            events,
            stop: Some(stop),
            adapter,
            engine,
            _db: db,
        };
        // READY is handled once the commands are registered.
        t.wait_for(|c| c.path.ends_with("/commands")).await?;
        Ok(t)
    }

    /// An outbox of its own to the fake, as the adapter builds it (for
    /// messages that answer no event: digests, posts with buttons).
    fn outbox(&self) -> (discord::sender::Outbox, tokio::task::JoinHandle<()>) {
        let ids = Arc::new(discord::buttons::CustomIds::new(Duration::from_secs(60)));
        let rest = discord::rest::Rest::new(
            discord::rest::base_url(Some(&self.api_url)),
            Secret::new(TOKEN),
            Arc::new(discord::limiter::Limiter::new(50)),
        );
        let parts = discord::sender::SenderParts { rest, ids, engine: self.engine.clone() };
        discord::sender::spawn(parts, std::future::pending())
    }

    fn push(&self, event: Value) -> TestResult {
        self.events.send(event).map_err(|_| "gateway gone")?;
        Ok(())
    }

    fn calls(&self) -> Vec<Call> {
        self.fake.state.lock().map(|s| s.calls.clone()).unwrap_or_default()
    }

    /// Waits (up to 15 s) for a call matching `pred`.
    async fn wait_for(&self, pred: impl Fn(&Call) -> bool) -> Result<Call, Box<dyn std::error::Error>> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(c) = self.calls().into_iter().find(|c| pred(c)) {
                return Ok(c);
            }
            if Instant::now() > deadline {
                return Err(format!("no such call; calls: {:#?}", self.calls()).into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(mut self) -> TestResult {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(Duration::from_secs(15), &mut self.adapter).await??;
        result?;
        Ok(())
    }
}

fn posts_to(channel: &str) -> impl Fn(&Call) -> bool + '_ {
    move |c: &Call| {
        c.method == "POST"
            && c.path == format!("/channels/{channel}/messages")
            && c.body.get("refused").is_none()
            && c.body.get("failed").is_none()
            && !c.duplicate
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guild_message_is_answered_with_a_reference_and_escaping() -> TestResult {
    let t = TestDiscord::start().await?;
    t.push(message_event("1001", "<@900> whoami", "*Ali_ce*"))?;
    let reply = t.wait_for(posts_to(CHANNEL)).await?;
    assert_eq!(reply.body["message_reference"]["message_id"], "1001", "{:#}", reply.body);
    let content = reply.body["content"].as_str().unwrap_or_default();
    assert!(content.starts_with("**\\*Ali\\_ce\\*** · "), "{content}");
    assert_eq!(reply.body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(reply.authorization, format!("Bot {TOKEN}"));

    // Prefix commands work too; another bot is ignored.
    t.push(message_event("1002", "!ping", "alice"))?;
    let pong = t.wait_for(|c| posts_to(CHANNEL)(c) && c.body["message_reference"]["message_id"] == "1002").await?;
    assert_eq!(pong.body["content"], "pong 🏓");
    let mut from_bot = message_event("1003", "!ping", "bot");
    from_bot["d"]["author"]["bot"] = json!(true);
    t.push(from_bot)?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!t.calls().iter().any(|c| c.body["message_reference"]["message_id"] == "1003"));
    t.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_are_registered_in_both_locales_and_answered_by_callback() -> TestResult {
    let t = TestDiscord::start().await?;
    let registered = t.wait_for(|c| c.method == "PUT").await?;
    assert_eq!(registered.path, format!("/applications/{BOT_ID}/guilds/{GUILD}/commands"));
    let Some(commands) = registered.body.as_array() else { return Err("not a list".into()) };
    let ping = commands.iter().find(|c| c["name"] == "ping").ok_or("no /ping")?;
    assert_eq!(ping["description"], "Check that the bot is alive");
    assert!(!ping["description_localizations"]["zh-CN"].as_str().unwrap_or_default().is_empty());
    assert!(commands.iter().any(|c| c["name"] == "points"));

    t.push(interaction_event("3001", 2, json!({ "id": "1", "name": "ping", "type": 1 })))?;
    let answer = t.wait_for(|c| c.path.starts_with("/interactions/3001/")).await?;
    assert_eq!(answer.path, "/interactions/3001/itok3001/callback");
    assert_eq!(answer.body["type"], 4);
    assert_eq!(answer.body["data"]["content"], "pong 🏓");
    t.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_round_trips_and_an_expired_one_says_so() -> TestResult {
    let t = TestDiscord::start().await?;
    // A message with a button, sent through the adapter's outbox machinery.
    let (outbox, task) = t.outbox();
    let out = Outgoing::post(Chat::group(Platform::Discord, CHANNEL), RichText::plain("Ready?"))
        .with_buttons(vec![jixia::message::Button { label: "Ping".into(), data: "/ping".into() }]);
    outbox.send(discord::sender::Job::new(out, None));
    let posted = t.wait_for(posts_to(CHANNEL)).await?;
    let custom_id = posted.body["components"][0]["components"][0]["custom_id"].clone();
    assert_eq!(custom_id, "=/ping");

    t.push(interaction_event("3002", 3, json!({ "custom_id": custom_id, "component_type": 2 })))?;
    let answer = t.wait_for(|c| c.path.starts_with("/interactions/3002/")).await?;
    assert_eq!(answer.body["data"]["content"], "pong 🏓");

    t.push(interaction_event("3003", 3, json!({ "custom_id": "#gone", "component_type": 2 })))?;
    let expired = t.wait_for(|c| c.path.starts_with("/interactions/3003/")).await?;
    assert_eq!(expired.body["data"]["content"], "This button has expired. Send the command again.");
    assert_eq!(expired.body["data"]["flags"], 64);
    drop(outbox);
    tokio::time::timeout(Duration::from_secs(10), task).await??;
    t.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_delays_and_loses_nothing_and_a_long_digest_is_split() -> TestResult {
    let t = TestDiscord::start().await?;
    t.fake.state.lock().map_err(|_| "poisoned")?.refuse_posts = 1;
    t.push(message_event("1101", "!ping", "alice"))?;
    let pong = t.wait_for(posts_to(CHANNEL)).await?;
    let refused = t.calls().into_iter().find(|c| c.body.get("refused").is_some()).ok_or("no 429 seen")?;
    assert!(pong.at - refused.at >= Duration::from_millis(380), "waited {:?}", pong.at - refused.at);
    assert_eq!(pong.body["message_reference"]["message_id"], "1101");

    let (outbox, task) = t.outbox();
    let items: Vec<String> = (1..=150).map(|i| format!("第 {i} 条：如何用 pg_basebackup 搭建流复制备库")).collect();
    let digest = Outgoing::post(Chat::group(Platform::Discord, "501"), RichText::list(&items));
    outbox.send(discord::sender::Job::new(digest, None));
    drop(outbox);
    tokio::time::timeout(Duration::from_secs(10), task).await??;
    // A long list goes out as embeds (at most 4 096 characters each, 6 000
    // and ten per message), nothing lost.
    let messages: Vec<Value> = t.calls().into_iter().filter(|c| posts_to("501")(c)).map(|c| c.body).collect();
    let parts: Vec<String> = messages
        .iter()
        .flat_map(|m| m["embeds"].as_array().cloned().unwrap_or_default())
        .map(|e| e["description"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(parts.len() >= 2, "{}", parts.len());
    assert!(parts.iter().all(|p| p.chars().count() <= 4096));
    let joined = parts.join("\n");
    assert_eq!(joined.lines().count(), 150);
    assert!(joined.contains("• 第 150 条：如何用 pg\\_basebackup 搭建流复制备库"));
    assert!(!t.calls().iter().any(|c| c.raw.contains(TOKEN)), "the token travels only in the header");
    t.stop().await
}

/// A 429 on a route of no channel (opening a member's DM channel) holds
/// that route only: a `!ping` in the channel is answered at once, not after
/// the DM's three seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_429_on_opening_a_dm_leaves_the_channel_unaffected() -> TestResult {
    let t = TestDiscord::start_with(|c| c.default_community_mut().admins.push("discord:7".into())).await?;
    t.fake.state.lock().map_err(|_| "poisoned")?.refuse_dm_open = 1;
    // The community's admin asks for a registration code: it goes by DM.
    t.push(message_event("1301", "!community code", "alice"))?;
    let refused = t.wait_for(|c| c.path == "/users/@me/channels" && c.body.get("refused").is_some()).await?;
    let mut ping = message_event("1302", "!ping", "bob");
    ping["d"]["author"] = user("8", "bob");
    t.push(ping)?;
    let pong = t.wait_for(|c| c.body["message_reference"]["message_id"] == "1302").await?;
    let opened = t.wait_for(|c| c.path == "/users/@me/channels" && c.body.get("refused").is_none()).await?;
    assert!(pong.at - refused.at < Duration::from_millis(1500), "the channel waited {:?}", pong.at - refused.at);
    assert!(opened.at - refused.at >= Duration::from_millis(2900), "the DM route waited out its retry_after");
    assert!(pong.at < opened.at, "the ping did not wait for the DM route");
    t.stop().await
}

/// The fake alone (no adapter started in-process), for the binary test.
async fn fake_only()
-> Result<(Fake, String, mpsc::UnboundedSender<Value>, oneshot::Receiver<()>), Box<dyn std::error::Error>> {
    let fake = Fake { state: Arc::new(Mutex::new(FakeState::default())) };
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let api_addr = http.local_addr()?;
    fake.state.lock().map_err(|_| "poisoned")?.gateway_url = format!("ws://{}", ws.local_addr()?);
    let app = axum::Router::new().fallback(api).with_state(fake.clone());
    tokio::spawn(async move { axum::serve(http, app).await });
    let (events, events_rx) = mpsc::unbounded_channel();
    let (ready_tx, ready_rx) = oneshot::channel();
    tokio::spawn(gateway(ws, events_rx, ready_tx));
    Ok((fake, format!("http://{api_addr}"), events, ready_rx))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jixia_run_answers_a_scripted_conversation_and_stops_on_sigterm() -> TestResult {
    let (fake, api_url, events, ready) = fake_only().await?;
    let db = ScratchFile::new()?;
    let child = jixia_run(&db, &api_url)?;
    let mut child = child;
    if tokio::time::timeout(Duration::from_secs(30), ready).await.is_err() {
        let _ = child.start_kill();
        let out = child.wait_with_output().await?;
        return Err(format!("no IDENTIFY from `jixia run`: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let calls = || fake.state.lock().map(|s| s.calls.clone()).unwrap_or_default();
    let wait = |pred: Box<dyn Fn(&Call) -> bool>| {
        let calls = &calls;
        async move {
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                if let Some(c) = calls().into_iter().find(|c| pred(c)) {
                    return Ok::<Call, String>(c);
                }
                if Instant::now() > deadline {
                    return Err(format!("no such call: {:#?}", calls()));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    wait(Box::new(|c| c.method == "PUT")).await?;

    // alice: !ping → pong; alice: @jixia whoami → her profile; /ping → callback.
    events.send(message_event("2001", "!ping", "alice")).map_err(|_| "gateway gone")?;
    let pong = wait(Box::new(|c| c.body["message_reference"]["message_id"] == "2001")).await?;
    assert_eq!(pong.body["content"], "pong 🏓");
    events.send(message_event("2002", "<@900> whoami", "alice")).map_err(|_| "gateway gone")?;
    let profile = wait(Box::new(|c| c.body["message_reference"]["message_id"] == "2002")).await?;
    assert!(profile.body["content"].as_str().unwrap_or_default().starts_with("**alice** · "), "{:#}", profile.body);
    events.send(interaction_event("4001", 2, json!({ "id": "1", "name": "ping", "type": 1 }))).map_err(|_| "gone")?;
    let answer = wait(Box::new(|c| c.path.starts_with("/interactions/4001/"))).await?;
    assert_eq!(answer.body["data"]["content"], "pong 🏓");

    let pid = child.id().ok_or("no pid")?;
    let killed = tokio::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().await?;
    assert!(killed.success());
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output()).await??;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token reached the log: {stderr}");
    assert!(stderr.contains("discord: ready"), "{stderr}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_dm_gets_a_hint_in_the_channel_it_came_from() -> TestResult {
    let t = TestDiscord::start().await?;
    let (outbox, task) = t.outbox();
    let origin = discord::sender::Origin {
        channel_id: CHANNEL.into(),
        is_group: true,
        user_id: "7".into(),
        user_name: "alice".into(),
        locale: jixia::i18n::Locale::Zh,
    };
    let confirm = Outgoing::post(jixia::Chat::group(Platform::Discord, CHANNEL), RichText::plain("已私信发给你"));
    let dm = Outgoing::direct(Platform::Discord, "7", RichText::plain("你的订单已发货")).and_then(confirm);
    outbox.send(discord::sender::Job::new(dm, Some(Arc::new(origin))));
    let hint = t.wait_for(posts_to(CHANNEL)).await?;
    let content = hint.body["content"].as_str().unwrap_or_default();
    assert!(content.starts_with("alice，我无法给你发私信"), "{content}");
    let opened = t.wait_for(|c| c.path == "/users/@me/channels").await?;
    assert_eq!(opened.body["recipient_id"], "7");
    assert!(t.calls().iter().any(|c| c.path == "/channels/600/messages"), "the DM was tried first");
    drop(outbox);
    tokio::time::timeout(Duration::from_secs(10), task).await??;
    let said =
        |c: &&Call| posts_to(CHANNEL)(c) && c.body["content"].as_str().is_some_and(|t| t.contains("已私信发给你"));
    assert_eq!(t.calls().iter().filter(said).count(), 0, "what waited on the DM was not said");
    t.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_by_the_configured_role_or_by_manage_guild() -> TestResult {
    let t = TestDiscord::start_with(|c| c.discord.moderator_role = Some("77".into())).await?;
    let whois = |id: &str, roles: Value| {
        let mut e = message_event(id, "!whois <@8>", "alice");
        e["d"]["mentions"] = json!([user("8", "bob")]);
        e["d"]["member"]["roles"] = roles;
        e
    };
    t.push(whois("1201", json!([])))?;
    let refused = t.wait_for(|c| c.body["message_reference"]["message_id"] == "1201").await?;
    assert!(refused.body["content"].as_str().unwrap_or_default().contains("需要"), "{:#}", refused.body);
    t.push(whois("1202", json!(["77"])))?;
    let looked_up = t.wait_for(|c| c.body["message_reference"]["message_id"] == "1202").await?;
    assert_eq!(looked_up.body["content"], "还不认识 bob：TA 需要先在这里说过话。");

    // Manage Guild through a role, known from the guild's roles (GUILD_CREATE).
    let guild: Value = serde_json::from_str(
        r#"{ "t": "GUILD_CREATE", "d": {
        "id": "42", "name": "PostgreSQL 中文社区", "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": "1", "afk_channel_id": null, "afk_timeout": 300, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [
            { "id": "42", "name": "@everyone", "color": 0, "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null }, "hoist": false, "position": 0, "permissions": "1024",
              "managed": false, "mentionable": false, "flags": 0 },
            { "id": "78", "name": "版主", "color": 0, "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null }, "hoist": false, "position": 1, "permissions": "32",
              "managed": false, "mentionable": false, "flags": 0 }
        ],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "vanity_url_code": null, "description": null,
        "banner": null, "premium_tier": 0, "preferred_locale": "zh-CN", "public_updates_channel_id": null,
        "nsfw_level": 0, "premium_progress_bar_enabled": false, "stickers": [],
        "joined_at": "2025-01-01T00:00:00+00:00", "large": false, "member_count": 3, "unavailable": false,
        "members": [], "channels": [], "threads": [], "presences": [], "voice_states": [], "stage_instances": [],
        "guild_scheduled_events": []
    }}"#,
    )?;
    if let Err(e) = serde_json::from_value::<serenity::model::guild::Guild>(guild["d"].clone()) {
        return Err(format!("GUILD_CREATE does not parse: {e}").into());
    }
    t.push(guild)?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    t.push(whois("1203", json!(["78"])))?;
    let by_permission = t.wait_for(|c| c.body["message_reference"]["message_id"] == "1203").await?;
    assert_eq!(by_permission.body["content"], "还不认识 bob：TA 需要先在这里说过话。");
    t.stop().await
}

/// 1 000 messages sent in one channel, each from a new member, reach the
/// engine in the order they were sent (serenity runs each event in a task of
/// its own, and those tasks race): the members are created in that order.
/// Messages are not confirmed with replies, so nothing waits on the pace.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_in_one_channel_are_handled_in_the_order_they_were_sent() -> TestResult {
    const N: u64 = 1000;
    let t = TestDiscord::start().await?;
    let author = |i: u64| (50_000 + i).to_string();
    for i in 0..N {
        let mut event = message_event(&(100_000 + i).to_string(), "大家好，今天聊聊执行计划", &format!("m{i}"));
        event["d"]["author"] = user(&author(i), &format!("m{i}"));
        event["d"]["mentions"] = json!([]);
        t.push(event)?;
    }
    let community = t.engine.communities().default_community().id.clone();
    let members = t.engine.store().members();
    let deadline = Instant::now() + Duration::from_secs(60);
    while members.find_account(&community, Platform::Discord, &author(N - 1)).await?.is_none() {
        if Instant::now() > deadline {
            return Err("the last message was never handled".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut ids = Vec::new();
    for i in 0..N {
        let member = members.find_account(&community, Platform::Discord, &author(i)).await?;
        ids.push(member.ok_or_else(|| format!("message {i} was never handled"))?.id);
    }
    let inverted = ids.windows(2).filter(|w| w[0] > w[1]).count();
    assert_eq!(inverted, 0, "{inverted} adjacent pairs handled out of order");
    t.stop().await
}

/// A message whose handling panics (the test hook's text, compiled in for
/// tests only) gets the internal-error apology, and the channel's worker
/// goes on: later messages in the same channel are answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_message_gets_the_apology_and_the_channel_goes_on() -> TestResult {
    let t = TestDiscord::start().await?;
    let panic_text = format!("!{}", jixia::supervise::TEST_PANIC.trim_start_matches('/'));
    for (bad, good) in [("1101", "1102"), ("1103", "1104")] {
        t.push(message_event(bad, &panic_text, "alice"))?;
        t.push(message_event(good, "!ping", "alice"))?;
        let sorry = t.wait_for(|c| posts_to(CHANNEL)(c) && c.body["message_reference"]["message_id"] == bad).await?;
        assert!(sorry.body["content"].as_str().unwrap_or_default().contains("抱歉，出了点问题"), "{:#}", sorry.body);
        let pong = t.wait_for(|c| posts_to(CHANNEL)(c) && c.body["message_reference"]["message_id"] == good).await?;
        assert_eq!(pong.body["content"], "pong 🏓");
    }
    t.stop().await
}

/// A 👎 on the bot's FAQ redirect in a guild channel counts against the
/// entry: the sender reports the id Discord gave the redirect, and the
/// reaction event names that id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thumbs_down_on_a_redirect_counts_against_the_entry() -> TestResult {
    let t = TestDiscord::start().await?;
    let entry =
        "/faq add vacuum-full VACUUM FULL 会锁表吗？\n会。VACUUM FULL 持有 ACCESS EXCLUSIVE 锁；线上请用 pg_repack。";
    let mut moderator = message_event("2001", entry, "mo");
    moderator["d"]["author"] = user("8", "mo");
    moderator["d"]["member"]["permissions"] = json!("32");
    t.push(moderator)?;
    t.wait_for(|c| posts_to(CHANNEL)(c) && c.body["message_reference"]["message_id"] == "2001").await?;
    t.push(message_event("2002", "VACUUM FULL 会锁表吗？", "alice"))?;
    let redirect = t.wait_for(|c| posts_to(CHANNEL)(c) && c.body["message_reference"]["message_id"] == "2002").await?;
    assert!(redirect.body["content"].as_str().unwrap_or_default().contains("vacuum-full"), "{:#}", redirect.body);
    // The fake numbers what it creates in call order: 7000 + the call's place.
    let calls = t.calls();
    let place = calls.iter().position(|c| c.at == redirect.at && c.path == redirect.path).ok_or("the redirect call")?;
    let redirect_id = (7001 + place).to_string();
    t.push(json!({ "t": "MESSAGE_REACTION_ADD", "d": {
        "user_id": "7", "channel_id": CHANNEL, "message_id": redirect_id, "guild_id": GUILD,
        "emoji": { "id": null, "name": "👎" }, "burst": false, "type": 0,
        "member": { "user": user("7", "alice"), "nick": "alice", "roles": [],
            "joined_at": "2025-01-01T00:00:00+00:00", "deaf": false, "mute": false, "flags": 0 },
    }}))?;
    // Alice looks a moment later (a reaction has no id of its own, so within
    // one burst it is handled after the burst's messages).
    tokio::time::sleep(Duration::from_millis(400)).await;
    t.push(message_event("2003", "!faq vacuum-full", "alice"))?;
    let card = t.wait_for(|c| posts_to(CHANNEL)(c) && c.body["message_reference"]["message_id"] == "2003").await?;
    let text = card.body["content"].as_str().unwrap_or_default();
    assert!(text.contains("👎 1"), "the reaction counted: {text}");
    t.stop().await
}

/// Polls `check` every 50 ms until it gives a value, for up to `within`.
async fn eventually<T, F, Fut>(within: Duration, mut check: F) -> Result<T, Box<dyn std::error::Error>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, Box<dyn std::error::Error>>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(format!("not within {within:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A digest of several Discord messages whose second part keeps failing
/// with 500 goes back to the outbox after its first part; the retry posts
/// the rest, starting at the part that failed: every part once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_whose_second_part_fails_resumes_there_and_posts_no_part_twice() -> TestResult {
    let clock = Arc::new(jixia::clock::ManualClock::running(chrono::Utc::now()));
    let t = TestDiscord::start_clocked(clock.clone(), |_| {}).await?;
    // Part 1 goes through; part 2 fails as often as the REST client tries.
    t.fake.state.lock().map_err(|_| "poisoned")?.fail_posts.push(("501".into(), 1, 5));
    let items: Vec<String> = (1..=300).map(|i| format!("第 {i:03} 条：如何用 pg_basebackup 搭建流复制备库")).collect();
    let digest = Outgoing::post(Chat::group(Platform::Discord, "501"), RichText::list(&items));
    let row = jixia::store::jobs::NewOutboxMessage {
        key: "digest:7:501#0".into(),
        part: 0,
        message: digest,
        max_attempts: 5,
    };
    let jobs = t.engine.store().jobs();
    assert_eq!(jobs.outbox_push(&[row], t.engine.now()).await?, 1);
    // The database is fresh: the digest is its first outbox row.
    let id = 1;
    assert_eq!(jobs.outbox_message(id).await?.map(|m| m.key).as_deref(), Some("digest:7:501#0"));
    let back = eventually(Duration::from_secs(30), || async {
        let row = jobs.outbox_message(id).await?;
        Ok(row.filter(|m| m.state == jixia::store::jobs::OutboxState::Pending && m.attempts == 1))
    })
    .await?;
    assert_eq!(back.parts_sent, 1, "the first part is recorded as delivered");
    assert_eq!(t.calls().into_iter().filter(|c| posts_to("501")(c)).count(), 1);

    // The retry is due 30 s later.
    clock.advance(chrono::Duration::seconds(31));
    eventually(Duration::from_secs(30), || async {
        Ok(jobs.outbox_message(id).await?.filter(|m| m.state == jixia::store::jobs::OutboxState::Sent))
    })
    .await?;
    let posted: Vec<Value> = t.calls().into_iter().filter(|c| posts_to("501")(c)).map(|c| c.body).collect();
    let nonces: Vec<&str> = posted.iter().map(|b| b["nonce"].as_str().unwrap_or_default()).collect();
    let want: Vec<String> = (0..posted.len()).map(|i| format!("o{id}.{i}")).collect();
    assert!(posted.len() >= 3, "a long digest: {} parts", posted.len());
    assert_eq!(nonces, want, "every part once, in order");
    assert!(!t.calls().iter().any(|c| c.duplicate), "no part was posted again, not even one Discord de-duplicated");
    let failed: Vec<String> = t
        .calls()
        .into_iter()
        .filter(|c| c.body.get("failed").is_some())
        .map(|c| c.body["failed"]["nonce"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(failed, vec![format!("o{id}.1"); 5], "only the second part failed, five times");
    let text: String = posted
        .iter()
        .flat_map(|m| m["embeds"].as_array().cloned().unwrap_or_default())
        .map(|e| e["description"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    for i in [1, 150, 300] {
        assert_eq!(text.matches(&format!("第 {i:03} 条")).count(), 1, "item {i} exactly once");
    }
    t.stop().await
}

/// `jixia run` with the fake Discord and a database file.
fn jixia_run(db: &ScratchFile, api_url: &str) -> Result<tokio::process::Child, std::io::Error> {
    tokio::process::Command::from(operator::jixia(db.dir(), &["run", "--db", db.url().expose()]))
        .env("JIXIA__DISCORD__ENABLED", "true")
        .env("JIXIA__DISCORD__TOKEN", TOKEN)
        .env("JIXIA__DISCORD__API_URL", api_url)
        .env("JIXIA__DISCORD__GUILD_ID", GUILD)
        .env("JIXIA__COMMUNITIES__DEFAULT__CHATS", format!("[\"discord:{CHANNEL}\"]"))
        .env("RUST_LOG", "info")
        .env_remove("JIXIA_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
}

/// Twelve members check in at once; their replies wait behind the
/// channel's pace (5 messages per 5 s) when `jixia run` is killed with
/// SIGKILL. The replies were stored before they were sent: the next start
/// delivers every one, and none twice (Discord's nonce absorbs a reply
/// whose post went out unrecorded). Each member checked in once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_waiting_behind_the_pace_survive_kill_9() -> TestResult {
    const MEMBERS: u64 = 12;
    let (fake, api_url, events, ready) = fake_only().await?;
    let calls = || fake.state.lock().map(|s| s.calls.clone()).unwrap_or_default();
    let db = ScratchFile::new()?;
    let mut first = jixia_run(&db, &api_url)?;
    tokio::time::timeout(Duration::from_secs(30), ready).await.map_err(|_| "no IDENTIFY from `jixia run`")??;
    eventually(Duration::from_secs(15), || async { Ok(calls().iter().any(|c| c.method == "PUT").then_some(())) })
        .await?;
    for i in 0..MEMBERS {
        let mut event = message_event(&(30_000 + i).to_string(), "!checkin", &format!("m{i}"));
        event["d"]["author"] = user(&(60_000 + i).to_string(), &format!("m{i}"));
        events.send(event).map_err(|_| "gateway gone")?;
    }
    let replies = |calls: &[Call]| -> std::collections::HashMap<String, usize> {
        let mut by_message = std::collections::HashMap::new();
        for c in calls.iter().filter(|c| posts_to(CHANNEL)(c)) {
            let to = c.body["message_reference"]["message_id"].as_str().unwrap_or_default().to_owned();
            *by_message.entry(to).or_insert(0) += 1;
        }
        by_message
    };
    // Kill once every check-in was handled and its reply stored, while the
    // pace still holds most of them back.
    let store = jixia::store::open(db.url(), &Config::default().database.store_options()).await?;
    let stored = || async {
        let counts = store.jobs().outbox_counts().await?;
        Ok::<i64, jixia::store::StoreError>(counts.iter().filter(|(p, _, _)| p == "discord").map(|c| c.2).sum())
    };
    eventually(Duration::from_secs(20), || async { Ok((stored().await? == MEMBERS as i64).then_some(())) }).await?;
    let pid = first.id().ok_or("no pid")?;
    let killed = tokio::process::Command::new("kill").args(["-9", &pid.to_string()]).status().await?;
    assert!(killed.success());
    first.wait().await?;
    let before = replies(&calls()).len();
    assert!(before < MEMBERS as usize, "killed while replies were still owed ({before} delivered)");
    // What the kill left: the owed replies, durable in the outbox.
    let counts = store.jobs().outbox_counts().await?;
    store.close().await;
    let owed: i64 = counts.iter().filter(|(p, s, _)| p == "discord" && s == "sending").map(|c| c.2).sum();
    assert!(owed >= (MEMBERS as usize - before) as i64, "replies owed at the kill are in the outbox: {counts:?}");

    let second = jixia_run(&db, &api_url)?;
    // The dead instance's lease (one minute) runs out, then they go.
    let delivered = eventually(Duration::from_secs(120), || async {
        let got = replies(&calls());
        Ok((got.len() == MEMBERS as usize).then_some(got))
    })
    .await;
    let pid = second.id().ok_or("no pid")?;
    let _ = tokio::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().await?;
    let out = tokio::time::timeout(Duration::from_secs(20), second.wait_with_output()).await??;
    let delivered =
        delivered.map_err(|e| format!("{e}: {:?}\n{}", replies(&calls()), String::from_utf8_lossy(&out.stderr)))?;
    assert!(delivered.values().all(|n| *n == 1), "one reply per check-in: {delivered:?}");
    for c in calls().iter().filter(|c| posts_to(CHANNEL)(c)) {
        let text = c.body["content"].as_str().unwrap_or_default();
        assert!(!text.contains("已经") && !text.contains("already"), "nobody checked in twice: {text}");
    }
    Ok(())
}
