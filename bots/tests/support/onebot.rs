//! A fake OneBot v11 implementation (what NapCat or Lagrange would be),
//! logged in as [`SELF_ID`], on 127.0.0.1: it connects to jixia's reverse
//! WebSocket, or serves a forward one; it pushes the events a test gives
//! it, answers actions with `status`/`retcode`/`data`/`echo`, records
//! every action with the time it arrived, and on request fails actions
//! with a retcode, drops the socket instead of answering, or falls silent
//! after a heartbeat.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};

/// The QQ account the fake is logged in as.
pub const SELF_ID: i64 = 3_889_000_000;

/// One action the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    /// The action name.
    pub action: String,
    /// Its parameters.
    pub params: Value,
    /// When it arrived.
    pub at: Instant,
    /// Whether it was answered with success.
    pub ok: bool,
}

impl Call {
    /// The text segments of a send, joined.
    pub fn text(&self) -> String {
        let segs = self.params["message"].as_array().cloned().unwrap_or_default();
        segs.iter().filter(|s| s["type"] == "text").filter_map(|s| s["data"]["text"].as_str()).collect()
    }

    /// The message a send replies to (its `reply` segment).
    pub fn reply_to(&self) -> Option<String> {
        let segs = self.params["message"].as_array().cloned().unwrap_or_default();
        segs.iter().find(|s| s["type"] == "reply").and_then(|s| s["data"]["id"].as_str().map(str::to_owned))
    }

    /// The group a `send_group_msg` goes to.
    pub fn group(&self) -> Option<i64> {
        self.params["group_id"].as_i64()
    }

    /// Whether this is a message send.
    pub fn is_send(&self) -> bool {
        self.action == "send_group_msg" || self.action == "send_private_msg"
    }
}

/// How the fake answers an action.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `status: failed` with this retcode and message.
    Fail(i64, &'static str),
    /// Close the socket without answering.
    Drop,
}

/// A rule: the next matching action (of this name, to this group if given)
/// gets this answer; `times` how often (`u32::MAX`: always).
#[derive(Debug, Clone)]
struct Rule {
    action: &'static str,
    group: Option<i64>,
    answer: Answer,
    times: u32,
}

#[derive(Debug, Default)]
struct State {
    calls: Vec<Call>,
    rules: Vec<Rule>,
    next_id: i64,
    /// The open connection's queue of frames to send (events, closing).
    current: Option<mpsc::UnboundedSender<Option<Value>>>,
    connections: usize,
    /// Connections the other side (jixia) closed.
    closed_by_peer: usize,
    /// Reverse mode: where to reconnect after a connection ends.
    reconnect: Option<(String, String)>,
    /// Texts the fake knows by message id (events it pushed, messages it
    /// accepted), for `get_msg`.
    known: Vec<(i64, i64, String)>,
}

/// The fake; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct FakeOneBot {
    state: Arc<Mutex<State>>,
}

impl FakeOneBot {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A fake with no connection.
    pub fn new() -> FakeOneBot {
        FakeOneBot::default()
    }

    /// Connects to jixia's reverse WebSocket at `addr` with `token`
    /// (`None`: no `Authorization` header), trying while the port is not
    /// open yet (for up to 30 s). `Err(status)` when jixia refuses the
    /// handshake. With `reconnect`, the fake connects again 200 ms after
    /// the connection ends, as NapCat does.
    pub async fn connect(&self, addr: &str, token: Option<&str>, reconnect: bool) -> Result<(), u16> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match open(addr, token).await {
                Ok(ws) => {
                    if reconnect {
                        self.lock().reconnect = Some((addr.to_owned(), token.unwrap_or_default().to_owned()));
                    }
                    let fake = self.clone();
                    tokio::spawn(async move {
                        let mut ws = Some(ws);
                        while let Some(open_ws) = ws.take() {
                            let Some((addr, token)) = fake.serve(open_ws).await else { break };
                            tokio::time::sleep(Duration::from_millis(200)).await;
                            let token = (!token.is_empty()).then_some(token.as_str());
                            ws = open(&addr, token).await.ok();
                        }
                    });
                    return Ok(());
                }
                Err(Some(status)) => return Err(status),
                Err(None) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(None) => panic!("jixia's reverse WebSocket at {addr} never opened"),
            }
        }
    }

    /// Serves a forward WebSocket (jixia connects) that wants `token`;
    /// returns its `ws://` URL.
    pub async fn serve_forward(&self, token: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let fake = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                #[expect(clippy::result_large_err, reason = "the handshake callback's type is tungstenite's")]
                let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
                    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    if auth == format!("Bearer {token}") {
                        Ok(resp)
                    } else {
                        let mut refused = ErrorResponse::new(None);
                        *refused.status_mut() = StatusCode::FORBIDDEN;
                        Err(refused)
                    }
                };
                if let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await {
                    let fake = fake.clone();
                    tokio::spawn(async move {
                        fake.serve(ws).await;
                    });
                }
            }
        });
        format!("ws://{addr}/")
    }

    /// Serves one connection until either side ends it; returns where to
    /// reconnect, if the fake reconnects (reverse mode).
    async fn serve<S>(&self, ws: tokio_tungstenite::WebSocketStream<S>) -> Option<(String, String)>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let mut ws = ws;
        let (tx, mut rx) = mpsc::unbounded_channel::<Option<Value>>();
        {
            let mut state = self.lock();
            state.current = Some(tx);
            state.connections += 1;
        }
        let mut closed_by_peer = false;
        loop {
            tokio::select! {
                frame = ws.next() => match frame {
                    Some(Ok(Frame::Text(t))) => {
                        let Ok(v) = serde_json::from_str::<Value>(&t) else { continue };
                        match self.answer(&v) {
                            Some(answer) => {
                                if ws.send(Frame::Text(answer.to_string())).await.is_err() {
                                    closed_by_peer = true;
                                    break;
                                }
                            }
                            None => break,
                        }
                    }
                    Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => {
                        closed_by_peer = true;
                        break;
                    }
                    Some(Ok(_)) => {}
                },
                cmd = rx.recv() => match cmd {
                    Some(Some(event)) => {
                        if ws.send(Frame::Text(event.to_string())).await.is_err() {
                            closed_by_peer = true;
                            break;
                        }
                    }
                    Some(None) | None => break,
                },
            }
        }
        let _ = ws.close(None).await;
        let mut state = self.lock();
        state.current = None;
        if closed_by_peer {
            state.closed_by_peer += 1;
        }
        state.reconnect.clone()
    }

    /// The answer to an action frame; `None` to drop the socket.
    fn answer(&self, frame: &Value) -> Option<Value> {
        let action = frame["action"].as_str().unwrap_or_default().to_owned();
        let params = frame["params"].clone();
        let echo = frame["echo"].clone();
        let mut state = self.lock();
        let group = params["group_id"].as_i64();
        let rule = state
            .rules
            .iter_mut()
            .find(|r| r.times > 0 && r.action == action && (r.group.is_none() || r.group == group))
            .map(|r| {
                r.times = r.times.saturating_sub(1);
                r.answer.clone()
            });
        let call = |ok| Call { action: action.clone(), params: params.clone(), at: Instant::now(), ok };
        match rule {
            Some(Answer::Drop) => {
                state.calls.push(call(false));
                None
            }
            Some(Answer::Fail(retcode, message)) => {
                state.calls.push(call(false));
                Some(json!({"status": "failed", "retcode": retcode, "data": null, "message": message,
                    "wording": message, "echo": echo}))
            }
            None => {
                state.calls.push(call(true));
                let data = match action.as_str() {
                    "get_login_info" => json!({"user_id": SELF_ID, "nickname": "稷下bot"}),
                    "send_group_msg" | "send_private_msg" => {
                        state.next_id += 1;
                        let id = 900_000 + state.next_id;
                        let text = call(true).text();
                        state.known.push((id, SELF_ID, text));
                        json!({"message_id": id})
                    }
                    "get_msg" => {
                        let id = params["message_id"].as_i64().unwrap_or_default();
                        match state.known.iter().find(|(m, _, _)| *m == id) {
                            Some((_, user, text)) => json!({"message_id": id, "time": 1_767_225_600,
                                "sender": {"user_id": user, "nickname": if *user == SELF_ID { "稷下bot" } else { "member" }},
                                "message": [{"type": "text", "data": {"text": text}}]}),
                            None => {
                                return Some(json!({"status": "failed", "retcode": 200, "data": null,
                                    "message": "消息不存在", "echo": echo}));
                            }
                        }
                    }
                    _ => {
                        return Some(json!({"status": "failed", "retcode": 1404, "data": null,
                            "message": "不支持的Api", "echo": echo}));
                    }
                };
                Some(json!({"status": "ok", "retcode": 0, "data": data, "message": "", "echo": echo}))
            }
        }
    }

    /// The next `times` calls of `action` (to `group`, if given) get `answer`.
    pub fn rule(&self, action: &'static str, group: Option<i64>, answer: Answer, times: u32) {
        self.lock().rules.push(Rule { action, group, answer, times });
    }

    /// Pushes an event on the open connection; waits up to 10 s for one.
    pub async fn push(&self, event: Value) {
        if let Some(id) = event["message_id"].as_i64() {
            let text = event["raw_message"].as_str().unwrap_or_default().to_owned();
            let user = event["user_id"].as_i64().unwrap_or_default();
            self.lock().known.push((id, user, text));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(tx) = self.lock().current.clone()
                && tx.send(Some(event.clone())).is_ok()
            {
                return;
            }
            assert!(Instant::now() < deadline, "no connection to push on");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Closes the open connection from the fake's side.
    pub fn hang_up(&self) {
        if let Some(tx) = self.lock().current.take() {
            let _ = tx.send(None);
        }
    }

    /// Connections opened so far, and how many of them jixia closed.
    pub fn connections(&self) -> (usize, usize) {
        let state = self.lock();
        (state.connections, state.closed_by_peer)
    }

    /// Every action received so far.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Waits (up to `within`) until `done` holds for the calls; returns them.
    pub async fn wait_until(&self, within: Duration, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let deadline = Instant::now() + within;
        loop {
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            assert!(Instant::now() < deadline, "timed out; calls so far: {calls:#?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The successful sends, once there are at least `n`.
    pub async fn sent(&self, n: usize) -> Vec<Call> {
        let calls =
            self.wait_until(Duration::from_secs(30), |c| c.iter().filter(|c| c.is_send() && c.ok).count() >= n).await;
        calls.into_iter().filter(|c| c.is_send() && c.ok).collect()
    }
}

/// Opens a reverse connection: `Err(Some(status))` when refused,
/// `Err(None)` when the port is not open.
async fn open(addr: &str, token: Option<&str>) -> Result<tokio_tungstenite::WebSocketStream<TcpStream>, Option<u16>> {
    let stream = TcpStream::connect(addr).await.map_err(|_| None)?;
    let mut request = format!("ws://{addr}/onebot/v11/ws").into_client_request().map_err(|_| None)?;
    let headers = request.headers_mut();
    headers.insert("X-Self-ID", HeaderValue::from(SELF_ID));
    headers.insert("X-Client-Role", HeaderValue::from_static("Universal"));
    if let Some(token) = token {
        headers.insert("Authorization", HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| None)?);
    }
    match tokio_tungstenite::client_async(request, stream).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(Some(resp.status().as_u16())),
        Err(_) => Err(None),
    }
}

/// A group message event as NapCat sends it; `message` is a segment array
/// or a CQ-code string.
pub fn group_message(id: i64, group: i64, user: i64, name: &str, role: &str, message: Value) -> Value {
    let raw = match &message {
        Value::String(s) => s.clone(),
        other => other
            .as_array()
            .map(|segs| segs.iter().filter_map(|s| s["data"]["text"].as_str()).collect())
            .unwrap_or_default(),
    };
    json!({"self_id": SELF_ID, "user_id": user, "time": 1_767_225_600 + id, "message_id": id, "message_seq": id,
        "real_id": id, "message_type": "group", "sub_type": "normal", "group_id": group,
        "sender": {"user_id": user, "nickname": name, "card": "", "role": role},
        "raw_message": raw, "font": 14, "message": message, "post_type": "message"})
}

/// A private message event from a friend.
pub fn private_message(id: i64, user: i64, name: &str, text: &str) -> Value {
    json!({"self_id": SELF_ID, "user_id": user, "time": 1_767_225_600 + id, "message_id": id,
        "message_type": "private", "sub_type": "friend", "sender": {"user_id": user, "nickname": name},
        "raw_message": text, "font": 14, "message": [{"type": "text", "data": {"text": text}}], "post_type": "message"})
}

/// `text` as a segment array.
pub fn text(text: &str) -> Value {
    json!([{"type": "text", "data": {"text": text}}])
}

/// A heartbeat meta event.
pub fn heartbeat(interval_ms: u64) -> Value {
    json!({"self_id": SELF_ID, "time": 1_767_225_600, "post_type": "meta_event", "meta_event_type": "heartbeat",
        "status": {"online": true, "good": true}, "interval": interval_ms})
}
