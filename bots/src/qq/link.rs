//! The WebSocket between jixia and its OneBot v11 implementation, both
//! ways of opening it, and the actions sent over it.
//!
//! - **Reverse** ([`serve_reverse`]): jixia listens; the implementation
//!   connects. The handshake is refused (401 without a token, 403 with a
//!   wrong one, as OneBot v11 says) unless it carries the access token, as
//!   `Authorization: Bearer …` (or `Token …`) or `?access_token=…`; and when
//!   `qq.self_id` is set, a connection announcing another account
//!   (`X-Self-ID`) is refused too. The implementation reconnects on its own.
//! - **Forward** ([`run_forward`]): jixia connects to the implementation's
//!   server with the token, and reconnects with back-off (0.5 s doubling to
//!   30 s) whenever the connection ends.
//!
//! Either way a connection is watched: once the implementation has sent a
//! heartbeat, a silence of three heartbeat intervals means the connection
//! is dead (a half-open TCP connection looks alive forever) and it is
//! dropped, so the implementation (reverse) or jixia (forward) reconnects.
//! An implementation that sends no heartbeats is never judged silent.
//!
//! Actions ([`Link::call`]) go over the newest connection that takes them
//! (a `Universal` or `API` one), each with its own `echo`, and wait for the
//! answer carrying that echo, at most the action timeout. Events from any
//! connection go to one channel, in the order each connection delivered
//! them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use jixia::secret::Secret;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode, header};

/// How long a WebSocket handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The first wait before a forward connection is tried again.
const RECONNECT_FIRST: Duration = Duration::from_millis(500);
/// The longest wait between forward connection attempts.
const RECONNECT_MAX: Duration = Duration::from_secs(30);
/// Heartbeat intervals of silence after which a connection is dropped.
const SILENT_HEARTBEATS: u32 = 3;

/// An action failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// No connection takes actions now.
    #[error("no connection to the OneBot implementation")]
    NotConnected,
    /// No answer in time (the action may still have been carried out).
    #[error("no answer to {action} within {seconds} s")]
    Timeout {
        /// The action.
        action: String,
        /// The timeout.
        seconds: u64,
    },
    /// The connection closed before the answer came.
    #[error("the connection closed before {0} was answered")]
    Closed(String),
    /// The implementation answered with a failure.
    #[error("{action} failed: retcode {retcode}: {message}")]
    Failed {
        /// The action.
        action: String,
        /// OneBot's `retcode`.
        retcode: i64,
        /// The implementation's `message` / `wording`, as it said it.
        message: String,
    },
}

#[derive(Debug)]
struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<Frame>,
}

#[derive(Debug)]
struct Pending {
    conn: u64,
    tx: oneshot::Sender<Value>,
}

#[derive(Debug)]
struct Inner {
    current: Mutex<Option<Conn>>,
    pending: Mutex<HashMap<String, Pending>>,
    next: AtomicU64,
    connected: watch::Sender<u64>,
    timeout: Duration,
}

/// The handle to the connection(s); cheap to clone.
#[derive(Debug, Clone)]
pub struct Link(Arc<Inner>);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Link {
    /// A link with no connection yet; actions wait at most `timeout`.
    pub fn new(timeout: Duration) -> Link {
        Link(Arc::new(Inner {
            current: Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            connected: watch::channel(0).0,
            timeout,
        }))
    }

    /// The action timeout.
    pub fn timeout(&self) -> Duration {
        self.0.timeout
    }

    /// Whether a connection takes actions now.
    pub fn is_connected(&self) -> bool {
        lock(&self.0.current).is_some()
    }

    /// Waits until a connection takes actions; `false` if `stop` came first.
    pub async fn wait_connected(&self, stop: &mut watch::Receiver<bool>) -> bool {
        let mut connected = self.0.connected.subscribe();
        loop {
            if self.is_connected() {
                return true;
            }
            tokio::select! {
                changed = connected.changed() => if changed.is_err() { return false },
                () = stopped(stop) => return false,
            }
        }
    }

    /// Calls `action` with `params` and returns the answer's `data`. Waits
    /// for a connection if there is none, within the same timeout.
    pub async fn call(&self, action: &str, params: Value) -> Result<Value, ActionError> {
        self.call_within(action, params, self.0.timeout).await
    }

    /// [`Link::call`] with its own timeout.
    pub async fn call_within(&self, action: &str, params: Value, timeout: Duration) -> Result<Value, ActionError> {
        let deadline = Instant::now() + timeout;
        let timed_out = || ActionError::Timeout { action: action.to_owned(), seconds: timeout.as_secs().max(1) };
        let mut connected = self.0.connected.subscribe();
        let (conn, tx) = loop {
            if let Some(c) = lock(&self.0.current).as_ref() {
                break (c.id, c.tx.clone());
            }
            match tokio::time::timeout_at(deadline, connected.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(ActionError::NotConnected),
            }
        };
        let echo = format!("jx{}", self.0.next.fetch_add(1, Ordering::Relaxed));
        let (answer_tx, answer_rx) = oneshot::channel();
        lock(&self.0.pending).insert(echo.clone(), Pending { conn, tx: answer_tx });
        let frame = json!({"action": action, "params": params, "echo": echo});
        if tx.send(Frame::Text(frame.to_string())).is_err() {
            lock(&self.0.pending).remove(&echo);
            return Err(ActionError::Closed(action.to_owned()));
        }
        let answer = match tokio::time::timeout_at(deadline, answer_rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => return Err(ActionError::Closed(action.to_owned())),
            Err(_) => {
                lock(&self.0.pending).remove(&echo);
                return Err(timed_out());
            }
        };
        let status = answer.get("status").and_then(Value::as_str).unwrap_or_default();
        let retcode = super::event::int(answer.get("retcode")).unwrap_or(-1);
        // `async`/1: accepted, carried out later.
        if status == "ok" || status == "async" || retcode == 0 || retcode == 1 {
            return Ok(answer.get("data").cloned().unwrap_or(Value::Null));
        }
        let said = |k: &str| answer.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
        let message = [said("wording"), said("message"), said("msg")].into_iter().flatten().collect::<Vec<_>>();
        Err(ActionError::Failed {
            action: action.to_owned(),
            retcode,
            message: if message.is_empty() { status.to_owned() } else { message.join(": ") },
        })
    }

    /// A new connection takes actions from now on.
    fn attach(&self, tx: mpsc::UnboundedSender<Frame>) -> u64 {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed);
        *lock(&self.0.current) = Some(Conn { id, tx });
        self.0.connected.send_modify(|n| *n += 1);
        crate::ops::connected("qq", true);
        id
    }

    /// Connection `id` ended: calls waiting on it fail at once.
    fn detach(&self, id: u64) {
        let mut current = lock(&self.0.current);
        if current.as_ref().is_some_and(|c| c.id == id) {
            *current = None;
            crate::ops::connected("qq", false);
        }
        drop(current);
        lock(&self.0.pending).retain(|_, p| p.conn != id);
    }

    /// Hands an answer to the call that waits for its echo.
    fn answer(&self, frame: Value) {
        let echo = match frame.get("echo") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => return,
        };
        match lock(&self.0.pending).remove(&echo) {
            Some(p) => {
                let _ = p.tx.send(frame);
            }
            None => tracing::debug!(echo, "an answer nobody waits for (too late?)"),
        }
    }
}

/// What a connection carries, by its `X-Client-Role` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Events and actions (the default).
    Universal,
    /// Events only.
    Event,
    /// Actions only.
    Api,
}

impl Role {
    fn of(header: Option<&str>) -> Role {
        match header.map(str::trim).map(str::to_ascii_lowercase).as_deref() {
            Some("event") => Role::Event,
            Some("api") => Role::Api,
            _ => Role::Universal,
        }
    }
}

/// Serves one open connection until it ends, the implementation falls
/// silent, or `stop`: answers go to the calls waiting for them, events to
/// `events`.
pub async fn serve<S>(
    ws: WebSocketStream<S>,
    link: Link,
    role: Role,
    events: mpsc::UnboundedSender<Value>,
    mut stop: watch::Receiver<bool>,
    peer: String,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Frame>();
    let id = (role != Role::Event).then(|| link.attach(tx));
    let mut silence: Option<Duration> = None;
    let mut last = Instant::now();
    loop {
        let deadline = silence.map(|s| last + s);
        tokio::select! {
            frame = stream.next() => {
                let text = match frame {
                    Some(Ok(Frame::Text(t))) => t,
                    Some(Ok(Frame::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                    Some(Ok(Frame::Close(_))) | None => break,
                    Some(Ok(_)) => {
                        last = Instant::now();
                        continue;
                    }
                    Some(Err(e)) => {
                        tracing::warn!(peer, error = %e, "qq: the connection failed");
                        break;
                    }
                };
                last = Instant::now();
                let Ok(value) = serde_json::from_str::<Value>(&text) else {
                    tracing::warn!(peer, bytes = text.len(), "qq: a frame that is not JSON; ignored");
                    continue;
                };
                if value.get("post_type").is_some() {
                    if let Some(interval) = heartbeat_interval(&value) {
                        silence = Some((interval * SILENT_HEARTBEATS).max(Duration::from_millis(300)));
                    }
                    if events.send(value).is_err() {
                        break;
                    }
                } else if value.get("echo").is_some() {
                    link.answer(value);
                }
            }
            Some(out) = rx.recv() => {
                if let Err(e) = sink.send(out).await {
                    tracing::warn!(peer, error = %e, "qq: could not write to the connection");
                    break;
                }
            }
            () = sleep_until(deadline) => {
                tracing::warn!(peer, silent = ?silence, "qq: no heartbeat from the OneBot implementation; dropping the connection");
                break;
            }
            () = stopped(&mut stop) => break,
        }
    }
    if let Some(id) = id {
        link.detach(id);
    }
    let _ = sink.send(Frame::Close(None)).await;
    let _ = sink.close().await;
    tracing::info!(peer, "qq: connection closed");
}

fn heartbeat_interval(event: &Value) -> Option<Duration> {
    if event.get("meta_event_type").and_then(Value::as_str) != Some("heartbeat") {
        return None;
    }
    let ms = super::event::int(event.get("interval")).and_then(|i| u64::try_from(i).ok()).filter(|i| *i > 0)?;
    Some(Duration::from_millis(ms))
}

/// Completes once `stop` turns true (or its sender is gone). Yields `()`,
/// not the watch's guard, so a `select!` holding it stays `Send`.
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Who may connect in reverse mode.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The access token.
    pub token: Secret,
    /// The only account allowed, when configured.
    pub self_id: Option<String>,
}

/// Why a handshake was refused: the HTTP status and what the log says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// 401 or 403.
    pub status: StatusCode,
    /// For the log and the response body (never the token).
    pub reason: &'static str,
}

impl Gate {
    /// Checks a handshake request; the connection's role if it may connect.
    pub fn check(&self, req: &Request) -> Result<Role, Refusal> {
        let header_token =
            req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim).and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token")).then(|| rest.trim())
            });
        let query_token = req
            .uri()
            .query()
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| pair.strip_prefix("access_token="));
        let Some(given) = header_token.or(query_token) else {
            return Err(Refusal { status: StatusCode::UNAUTHORIZED, reason: "no access token" });
        };
        if !same(given.as_bytes(), self.token.expose().as_bytes()) {
            return Err(Refusal { status: StatusCode::FORBIDDEN, reason: "wrong access token" });
        }
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        if let (Some(want), Some(got)) = (&self.self_id, header("x-self-id"))
            && got.trim() != want
        {
            return Err(Refusal { status: StatusCode::FORBIDDEN, reason: "another QQ account than qq.self_id" });
        }
        Ok(Role::of(header("x-client-role")))
    }
}

/// Compares in time that does not depend on where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Accepts connections on `listener` until `stop`, each served by [`serve`]
/// once its handshake passed the [`Gate`].
pub async fn serve_reverse(
    listener: TcpListener,
    gate: Gate,
    link: Link,
    events: mpsc::UnboundedSender<Value>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "qq: could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => break,
        };
        while connections.try_join_next().is_some() {}
        let (gate, link, events, stop) = (gate.clone(), link.clone(), events.clone(), stop.clone());
        connections.spawn(async move {
            let mut role = Role::Universal;
            #[expect(clippy::result_large_err, reason = "the handshake callback's type is tungstenite's")]
            let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
                match gate.check(req) {
                    Ok(r) => {
                        role = r;
                        Ok(resp)
                    }
                    Err(refusal) => {
                        tracing::warn!(%peer, reason = refusal.reason, "qq: connection refused");
                        let mut answer = ErrorResponse::new(Some(refusal.reason.to_owned()));
                        *answer.status_mut() = refusal.status;
                        Err(answer)
                    }
                }
            };
            let handshake = tokio_tungstenite::accept_hdr_async(stream, callback);
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                Ok(Ok(ws)) => {
                    tracing::info!(%peer, ?role, "qq: the OneBot implementation connected");
                    serve(ws, link, role, events, stop, peer.to_string()).await;
                }
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "qq: handshake failed"),
                Err(_) => tracing::debug!(%peer, "qq: handshake timed out"),
            }
        });
    }
    // Open connections end on `stop` too.
    while connections.join_next().await.is_some() {}
}

/// Connects to `url` (forward mode) until `stop`, reconnecting with
/// back-off whenever the connection cannot be opened or ends.
pub async fn run_forward(
    url: String,
    token: Option<Secret>,
    link: Link,
    events: mpsc::UnboundedSender<Value>,
    mut stop: watch::Receiver<bool>,
) {
    let mut wait = RECONNECT_FIRST;
    // The URL as logs show it: a token in its query stays out.
    let shown = without_query(&url);
    loop {
        if *stop.borrow() {
            return;
        }
        let attempt = tokio::select! {
            a = connect(&url, token.as_ref()) => a,
            () = stopped(&mut stop) => return,
        };
        match attempt {
            Ok(ws) => {
                tracing::info!(url = shown, "qq: connected to the OneBot implementation");
                wait = RECONNECT_FIRST;
                serve(ws, link.clone(), Role::Universal, events.clone(), stop.clone(), shown.clone()).await;
            }
            Err(e) => {
                tracing::warn!(url = shown, error = e, retry_in = ?wait, "qq: cannot connect to the OneBot implementation")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stopped(&mut stop) => return,
        }
        wait = (wait * 2).min(RECONNECT_MAX);
    }
}

/// `url` without its query (`?access_token=…` must not reach a log).
fn without_query(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

async fn connect(url: &str, token: Option<&Secret>) -> Result<WebSocketStream<TcpStream>, String> {
    let shown = without_query(url);
    let mut request = url.into_client_request().map_err(|e| format!("`{shown}`: {e}"))?;
    if let Some(token) = token {
        let value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| "the access token has characters a header cannot carry".to_owned())?;
        request.headers_mut().insert(header::AUTHORIZATION, value);
    }
    let host = request.uri().host().ok_or_else(|| format!("`{shown}` names no host"))?.to_owned();
    let port = request.uri().port_u16().unwrap_or(80);
    let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, TcpStream::connect((host.as_str(), port)))
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let (ws, _) = tokio::time::timeout(HANDSHAKE_TIMEOUT, tokio_tungstenite::client_async(request, stream))
        .await
        .map_err(|_| "the handshake timed out".to_owned())?
        .map_err(|e| match e {
            tokio_tungstenite::tungstenite::Error::Http(resp)
                if resp.status() == StatusCode::UNAUTHORIZED || resp.status() == StatusCode::FORBIDDEN =>
            {
                format!("refused with HTTP {} (check qq.access_token)", resp.status().as_u16())
            }
            e => e.to_string(),
        })?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri(uri);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_gate_wants_the_token_and_the_right_account() {
        let gate = Gate { token: Secret::new("s3cret"), self_id: Some("3889000000".into()) };
        let ok = |r: &Request| gate.check(r);
        assert_eq!(ok(&request("/onebot/v11/ws", &[("Authorization", "Bearer s3cret")])), Ok(Role::Universal));
        assert_eq!(
            ok(&request("/", &[("authorization", "Token s3cret"), ("X-Client-Role", "Event")])),
            Ok(Role::Event)
        );
        assert_eq!(ok(&request("/ws?x=1&access_token=s3cret", &[("X-Client-Role", "API")])), Ok(Role::Api));
        let status = |r: &Request| gate.check(r).map_err(|e| e.status.as_u16());
        assert_eq!(status(&request("/", &[])), Err(401));
        assert_eq!(status(&request("/", &[("Authorization", "Bearer s3cre")])), Err(403));
        assert_eq!(status(&request("/", &[("Authorization", "s3cret")])), Err(401));
        assert_eq!(status(&request("/?access_token=nope", &[])), Err(403));
        let other = [("Authorization", "Bearer s3cret"), ("X-Self-ID", "10001")];
        assert_eq!(status(&request("/", &other)), Err(403));
        let anyone = Gate { self_id: None, ..gate.clone() };
        assert_eq!(anyone.check(&request("/", &other)), Ok(Role::Universal));
    }

    /// Forward mode with a token the implementation refuses: the error says
    /// which setting to check, and never shows the token.
    #[tokio::test]
    async fn a_refused_forward_connection_names_the_token_setting() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(async move {
            if let Ok((stream, _)) = listener.accept().await {
                #[expect(clippy::result_large_err, reason = "the handshake callback's type is tungstenite's")]
                let refuse = |_: &Request, _: Response| -> Result<Response, ErrorResponse> {
                    let mut answer = ErrorResponse::new(None);
                    *answer.status_mut() = StatusCode::FORBIDDEN;
                    Err(answer)
                };
                let _ = tokio_tungstenite::accept_hdr_async(stream, refuse).await;
            }
        });
        let error = connect(&format!("ws://{addr}/"), Some(&Secret::new("sekrit-token"))).await.err();
        assert_eq!(error.as_deref(), Some("refused with HTTP 403 (check qq.access_token)"));
        assert_eq!(without_query("ws://h:1/ws?access_token=sekrit"), "ws://h:1/ws?…");
        let error = connect("ws://:1/?access_token=sekrit", None).await.err().unwrap_or_default();
        assert!(!error.is_empty() && !error.contains("sekrit"), "{error}");
        let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
        let closed = closed.unwrap_or_else(|e| panic!("{e}"));
        let error = connect(&format!("ws://{closed}/"), None).await.err().unwrap_or_default();
        assert!(error.contains("refused"), "{error}");
    }

    #[tokio::test]
    async fn a_call_without_a_connection_fails_in_time() {
        let link = Link::new(Duration::from_millis(50));
        assert_eq!(link.call("get_login_info", json!({})).await, Err(ActionError::NotConnected));
    }

    #[tokio::test]
    async fn answers_find_their_call_by_echo_and_failures_keep_the_reason() {
        let link = Link::new(Duration::from_secs(5));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let id = link.attach(tx);
        let responder = {
            let link = link.clone();
            tokio::spawn(async move {
                let mut n = 0;
                while let Some(Frame::Text(t)) = rx.recv().await {
                    let v: Value = serde_json::from_str(&t).unwrap_or_default();
                    n += 1;
                    let answer = if n == 1 {
                        json!({"status": "ok", "retcode": 0, "data": {"message_id": 7}, "echo": v["echo"]})
                    } else {
                        json!({"status": "failed", "retcode": 1200, "data": null, "message": "发送失败", "wording": "机器人已被禁言", "echo": v["echo"]})
                    };
                    link.answer(answer);
                }
            })
        };
        assert_eq!(link.call("send_group_msg", json!({})).await, Ok(json!({"message_id": 7})));
        assert_eq!(
            link.call("send_group_msg", json!({})).await,
            Err(ActionError::Failed {
                action: "send_group_msg".into(),
                retcode: 1200,
                message: "机器人已被禁言: 发送失败".into()
            })
        );
        link.detach(id);
        assert!(!link.is_connected());
        responder.abort();
    }
}
