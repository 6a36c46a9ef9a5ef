//! A fake Telegram Bot API server for tests: axum on 127.0.0.1:0 speaking
//! the real protocol (`/bot<TOKEN>/<method>`, method names in any case,
//! `{"ok":true,"result":…}` and Telegram's error shape), recording every call
//! with its arrival time. Tests push updates (served by a `getUpdates` long
//! poll that waits briefly before answering `[]`), script failures (429 with
//! `retry_after`, 403 for a chat), and say who administers a group. With
//! [`FakeBotApi::enforce_limits`] it refuses sends beyond Telegram's pace
//! (per bot per second, per group per minute) with 429 as Telegram does,
//! and counts those refusals.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The bot the fake is.
pub const BOT_ID: i64 = 777_000_111;
/// Its username.
pub const BOT_USERNAME: &str = "jixia_test_bot";

/// One API call the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    /// The method, lower-cased (`sendmessage`).
    pub method: String,
    /// The JSON body (`Null` for multipart and empty bodies).
    pub body: Value,
    /// The raw body.
    pub raw: Vec<u8>,
    /// What the fake answered.
    pub response: Value,
    /// When it arrived.
    pub at: Instant,
}

impl Call {
    /// `body.chat_id` as a number.
    pub fn chat_id(&self) -> Option<i64> {
        self.body.get("chat_id").and_then(Value::as_i64)
    }

    /// `body.text`.
    pub fn text(&self) -> &str {
        self.body.get("text").and_then(Value::as_str).unwrap_or_default()
    }

    /// `body.reply_parameters.message_id`.
    pub fn reply_to(&self) -> Option<i64> {
        self.body.pointer("/reply_parameters/message_id").and_then(Value::as_i64)
    }
}

#[derive(Debug, Clone)]
struct Failure {
    method: String,
    chat_id: Option<i64>,
    status: u16,
    response: Value,
    persistent: bool,
    /// Matching calls let through before this failure applies.
    after: usize,
}

#[derive(Debug, Default)]
struct FakeState {
    token: String,
    calls: Mutex<Vec<Call>>,
    updates: Mutex<Vec<Value>>,
    next_update: AtomicI64,
    next_message: AtomicI64,
    failures: Mutex<Vec<Failure>>,
    admins: Mutex<HashMap<i64, Vec<i64>>>,
    arrived: Notify,
    limits: Mutex<Option<Limits>>,
    refused: AtomicU64,
}

/// Telegram's pace as sliding windows over accepted sends.
#[derive(Debug)]
struct Limits {
    per_second: usize,
    group_per_minute: usize,
    recent: VecDeque<Instant>,
    groups: HashMap<i64, VecDeque<Instant>>,
}

impl Limits {
    /// `None` if a send to `chat` at `now` fits, else the seconds to wait.
    fn admit(&mut self, chat: i64, now: Instant) -> Option<u64> {
        let second = Duration::from_secs(1);
        let minute = Duration::from_secs(60);
        while self.recent.front().is_some_and(|t| now.duration_since(*t) >= second) {
            self.recent.pop_front();
        }
        if self.recent.len() >= self.per_second {
            return Some(1);
        }
        if chat < 0 {
            let group = self.groups.entry(chat).or_default();
            while group.front().is_some_and(|t| now.duration_since(*t) >= minute) {
                group.pop_front();
            }
            if group.len() >= self.group_per_minute {
                let oldest = group.front().copied().unwrap_or(now);
                return Some((minute - now.duration_since(oldest)).as_secs().max(1));
            }
            group.push_back(now);
        }
        self.recent.push_back(now);
        None
    }
}

/// A running fake; stops when dropped.
#[derive(Debug)]
pub struct FakeBotApi {
    /// The base URL to give as `api_url`.
    pub url: String,
    state: Arc<FakeState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FakeBotApi {
    /// Starts a fake that accepts `token`.
    pub async fn start(token: &str) -> FakeBotApi {
        let state = Arc::new(FakeState {
            token: token.to_owned(),
            next_update: AtomicI64::new(1),
            next_message: AtomicI64::new(5000),
            ..FakeState::default()
        });
        let app = Router::new().route("/{*path}", axum::routing::any(api)).with_state(state.clone());
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind the fake: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeBotApi { url: format!("http://{addr}"), state, task }
    }

    /// Queues an update (`{"message": …}` or `{"callback_query": …}`); the
    /// fake numbers it.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = self.state.next_update.fetch_add(1, Ordering::SeqCst);
        update["update_id"] = json!(id);
        lock(&self.state.updates).push(update);
        self.state.arrived.notify_waiters();
        id
    }

    /// The next `method` call (to `chat_id`, if given) fails with `status`
    /// and `description`, with `parameters` if given. `persistent` keeps
    /// failing until [`FakeBotApi::clear_failures`].
    pub fn fail(
        &self,
        method: &str,
        chat_id: Option<i64>,
        status: u16,
        description: &str,
        parameters: Option<Value>,
        persistent: bool,
    ) {
        let mut response = json!({"ok": false, "error_code": status, "description": description});
        if let Some(p) = parameters {
            response["parameters"] = p;
        }
        lock(&self.state.failures).push(Failure {
            method: method.to_lowercase(),
            chat_id,
            status,
            response,
            persistent,
            after: 0,
        });
    }

    /// Like [`FakeBotApi::fail`] (not persistent, no parameters), but only
    /// after `ok_first` matching calls went through: the second part of a
    /// long message, say.
    pub fn fail_after(&self, method: &str, chat_id: Option<i64>, ok_first: usize, status: u16, description: &str) {
        self.fail(method, chat_id, status, description, None, false);
        if let Some(f) = lock(&self.state.failures).last_mut() {
            f.after = ok_first;
        }
    }

    /// Removes every scripted failure.
    pub fn clear_failures(&self) {
        lock(&self.state.failures).clear();
    }

    /// From now on, sends beyond `per_second` for the bot or
    /// `group_per_minute` into one group are refused with 429.
    pub fn enforce_limits(&self, per_second: usize, group_per_minute: usize) {
        *lock(&self.state.limits) =
            Some(Limits { per_second, group_per_minute, recent: VecDeque::new(), groups: HashMap::new() });
    }

    /// Sends refused for going too fast so far.
    pub fn refused(&self) -> u64 {
        self.state.refused.load(Ordering::SeqCst)
    }

    /// The users `getChatAdministrators` lists for `chat`.
    pub fn set_admins(&self, chat: i64, users: &[i64]) {
        lock(&self.state.admins).insert(chat, users.to_vec());
    }

    /// Every call of `method` so far (lower case).
    pub fn calls(&self, method: &str) -> Vec<Call> {
        lock(&self.state.calls).iter().filter(|c| c.method == method).cloned().collect()
    }

    /// How many calls of `method` were answered `ok`.
    pub fn ok_count(&self, method: &str) -> usize {
        lock(&self.state.calls).iter().filter(|c| c.method == method && c.response["ok"] == true).count()
    }

    /// Waits until `pred` holds for the calls of `method`, up to `within`;
    /// panics with what arrived otherwise.
    pub async fn wait_until(&self, method: &str, within: Duration, pred: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let deadline = Instant::now() + within;
        loop {
            let calls = self.calls(method);
            if pred(&calls) {
                return calls;
            }
            if Instant::now() > deadline {
                let all: Vec<(String, String)> =
                    lock(&self.state.calls).iter().map(|c| (c.method.clone(), c.body.to_string())).collect();
                panic!("timed out waiting for {method}; calls so far: {all:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for at least `n` calls of `method`.
    pub async fn wait_for(&self, method: &str, n: usize) -> Vec<Call> {
        self.wait_until(method, Duration::from_secs(15), |c| c.len() >= n).await
    }
}

fn ok(result: Value) -> (StatusCode, Value) {
    (StatusCode::OK, json!({"ok": true, "result": result}))
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "jixia", "username": BOT_USERNAME})
}

fn chat_json(id: i64) -> Value {
    if id < 0 {
        json!({"id": id, "type": "supergroup", "title": "group"})
    } else {
        json!({"id": id, "type": "private", "first_name": "member"})
    }
}

async fn api(State(state): State<Arc<FakeState>>, Path(path): Path<String>, body: Bytes) -> Response {
    let Some(method) = path.strip_prefix(&format!("bot{}/", state.token)) else {
        let body = json!({"ok": false, "error_code": 404, "description": "Not Found"});
        return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    };
    let method = method.to_lowercase();
    let json_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, response) = answer(&state, &method, &json_body).await;
    if method != "getupdates" {
        lock(&state.calls).push(Call {
            method: method.clone(),
            body: json_body,
            raw: body.to_vec(),
            response: response.clone(),
            at: Instant::now(),
        });
    }
    (status, axum::Json(response)).into_response()
}

async fn answer(state: &FakeState, method: &str, body: &Value) -> (StatusCode, Value) {
    let chat_id = body.get("chat_id").and_then(Value::as_i64);
    {
        let mut failures = lock(&state.failures);
        let scripted =
            failures.iter().position(|f| f.method == method && (f.chat_id.is_none() || f.chat_id == chat_id));
        if let Some(i) = scripted {
            if failures[i].after > 0 {
                failures[i].after -= 1;
            } else {
                let f = failures[i].clone();
                if !f.persistent {
                    failures.remove(i);
                }
                return (StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST), f.response);
            }
        }
    }
    if method.starts_with("send")
        && let Some(limits) = lock(&state.limits).as_mut()
        && let Some(wait) = limits.admit(chat_id.unwrap_or(0), Instant::now())
    {
        state.refused.fetch_add(1, Ordering::SeqCst);
        let response = json!({"ok": false, "error_code": 429,
            "description": format!("Too Many Requests: retry after {wait}"), "parameters": {"retry_after": wait}});
        return (StatusCode::TOO_MANY_REQUESTS, response);
    }
    match method {
        "getme" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "jixia", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "has_main_web_app": false
        })),
        "getupdates" => {
            let offset = body.get("offset").and_then(Value::as_i64).unwrap_or(0);
            let pending = || -> Vec<Value> {
                let mut updates = lock(&state.updates);
                updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                updates.clone()
            };
            let mut found = pending();
            if found.is_empty() {
                // A short long poll.
                let _ = tokio::time::timeout(Duration::from_millis(200), state.arrived.notified()).await;
                found = pending();
            }
            let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(100) as usize;
            found.truncate(limit);
            ok(Value::Array(found))
        }
        "sendmessage" | "senddocument" => {
            let id = state.next_message.fetch_add(1, Ordering::SeqCst);
            let chat = chat_id.unwrap_or(0);
            let mut message = json!({
                "message_id": id, "date": 1_767_225_600, "chat": chat_json(chat), "from": bot_user(),
            });
            if method == "sendmessage" {
                message["text"] = body.get("text").cloned().unwrap_or(json!(""));
            } else {
                message["document"] = json!({"file_id": "f", "file_unique_id": "u"});
            }
            ok(message)
        }
        "getchatadministrators" => {
            let admins = lock(&state.admins).get(&chat_id.unwrap_or(0)).cloned().unwrap_or_default();
            let members: Vec<Value> = admins
                .iter()
                .map(|id| {
                    json!({"status": "creator", "is_anonymous": false,
                    "user": {"id": id, "is_bot": false, "first_name": format!("admin{id}")}})
                })
                .collect();
            ok(Value::Array(members))
        }
        "getwebhookinfo" => ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})),
        "answercallbackquery" | "setmycommands" | "deletewebhook" | "setwebhook" => ok(json!(true)),
        _ => (
            StatusCode::NOT_FOUND,
            json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"}),
        ),
    }
}
