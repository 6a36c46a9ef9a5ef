//! The FAQ's semantic matching over HTTP, against a local fake
//! OpenAI-compatible embeddings server whose vectors the test chooses (a
//! table from text to vector; anything else gets a vector of its own): the
//! client's request and answer (vectors put back in `index` order, the key
//! as a Bearer header only when set), its failures (500, timeout,
//! unreadable answers, wrong counts, a refused connection) with the key
//! never in an error; then an engine given the client by
//! `embeddings::install`, on SQLite and on PostgreSQL: a question redirected
//! by meaning, entry vectors made once, and when the server breaks, lexical
//! matching with one warning in the log, and one line when it is back.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jixia::clock::{Clock, ManualClock};
use jixia::config::Config;
use jixia::features::faq::import::{FaqFormat, import_into};
use jixia::features::faq::{EmbedError, Embedder, FaqState, SemanticConfig};
use jixia::secret::{DbUrl, Secret};
use jixia::store::Store;
use jixia::store::scratch::{ScratchDb, ScratchFile};
use jixia::{Chat, Engine, Incoming, Platform, Sender};
use jixia_bots::embeddings::{OpenAiEmbedder, install};

const KEY: &str = "sk-embed-0123456789secret";

/// What the fake server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Ok,
    Broken,
    Slow,
    Garbage,
    Short,
}

#[derive(Debug, Default)]
struct Fake {
    vectors: HashMap<String, Vec<f32>>,
    mode: Mode,
    authorizations: Vec<String>,
    inputs: Vec<Vec<String>>,
}

type Shared = Arc<Mutex<Fake>>;

fn lock(f: &Shared) -> std::sync::MutexGuard<'_, Fake> {
    f.lock().unwrap_or_else(|e| e.into_inner())
}

/// `POST /v1/embeddings`: the vectors of the inputs, listed last first
/// with their `index` (a server may answer in any order).
async fn embeddings(
    State(fake): State<Shared>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<serde_json::Value>,
) -> Response {
    let input: Vec<String> = body["input"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
    let mode = {
        let mut f = lock(&fake);
        f.authorizations.push(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("").into());
        f.inputs.push(input.clone());
        f.mode
    };
    match mode {
        Mode::Broken => return (StatusCode::INTERNAL_SERVER_ERROR, "model not loaded").into_response(),
        Mode::Garbage => return (StatusCode::OK, "{\"data\": \"nope\"}").into_response(),
        Mode::Slow => tokio::time::sleep(Duration::from_millis(2500)).await,
        Mode::Ok | Mode::Short => {}
    }
    let f = lock(&fake);
    let mut data: Vec<serde_json::Value> = input
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let v = f.vectors.get(t).cloned().unwrap_or_else(|| vec![0.0, 0.0, 0.0, 1.0]);
            serde_json::json!({ "object": "embedding", "embedding": v, "index": i })
        })
        .collect();
    data.reverse();
    if mode == Mode::Short {
        data.pop();
    }
    axum::Json(serde_json::json!({
        "object": "list",
        "data": data,
        "model": body["model"],
        "usage": { "prompt_tokens": 10, "total_tokens": 10 }
    }))
    .into_response()
}

async fn server(fake: Shared) -> String {
    let app = Router::new().route("/v1/embeddings", axum::routing::post(embeddings)).with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

fn section(base: &str) -> SemanticConfig {
    SemanticConfig {
        enabled: true,
        base_url: base.into(),
        model: "fake-embed".into(),
        batch_timeout_secs: 1,
        threshold: 0.8,
        ..SemanticConfig::default()
    }
}

fn texts(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn the_client_asks_in_the_openai_shape_and_fails_cleanly() {
    let fake = Shared::default();
    lock(&fake).vectors.insert("a".into(), vec![1.0, 2.0]);
    lock(&fake).vectors.insert("b".into(), vec![3.0, 4.0]);
    let base = server(fake.clone()).await;
    let keyed = OpenAiEmbedder::new(&section(&base), Some(Secret::new(KEY))).unwrap_or_else(|e| panic!("{e}"));
    let got = keyed.embed(&texts(&["a", "b"])).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, vec![vec![1.0, 2.0], vec![3.0, 4.0]], "in the order asked");
    let keyless = OpenAiEmbedder::new(&section(&base), Some(Secret::new(""))).unwrap_or_else(|e| panic!("{e}"));
    assert!(keyless.embed(&texts(&["a"])).await.is_ok());
    {
        let f = lock(&fake);
        assert_eq!(f.authorizations, [format!("Bearer {KEY}"), String::new()]);
        assert_eq!(f.inputs[0], ["a", "b"]);
    }
    /// What a failure must look like.
    type Expected = fn(&EmbedError) -> bool;
    let failures: [(Mode, Expected); 4] = [
        (Mode::Broken, |e| *e == EmbedError::Status(500)),
        (Mode::Slow, |e| matches!(e, EmbedError::Timeout(1000))),
        (Mode::Garbage, |e| matches!(e, EmbedError::Malformed(_))),
        (Mode::Short, |e| matches!(e, EmbedError::Malformed(m) if m.contains("1 vectors for 2 texts"))),
    ];
    for (mode, expected) in failures {
        lock(&fake).mode = mode;
        let got = keyed.embed(&texts(&["a", "b"])).await;
        assert!(got.as_ref().is_err_and(expected), "{mode:?}: {got:?}");
        let shown = format!("{:?} {keyed:?}", got);
        assert!(!shown.contains(KEY) && !shown.contains("0123456789secret"), "{shown}");
    }
    // Nothing listening.
    let closed =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap_or_else(|e| panic!("{e}"));
    let nowhere = OpenAiEmbedder::new(&section(&format!("http://{closed}/v1")), Some(Secret::new(KEY)))
        .unwrap_or_else(|e| panic!("{e}"));
    let got = nowhere.embed(&texts(&["a"])).await;
    assert!(matches!(&got, Err(EmbedError::Network(m)) if !m.contains(KEY)), "{got:?}");
}

/// Log lines written while a test runs.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    fn count(&self, needle: &str) -> usize {
        self.text().lines().filter(|l| l.contains(needle)).count()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const FAQ: &str = r#"{"id":"version","lang":"en","question":"How do I check which PostgreSQL version I am running?","answer":"Run SELECT version();"}
{"id":"gui","lang":"en","question":"Is there a graphical administration tool for PostgreSQL?","answer":"pgAdmin is the usual one."}
{"id":"backup","lang":"zh","question":"怎么备份数据库？","answer":"逻辑备份用 pg_dump。"}
"#;

const CLICKY: &str = "any point-and-click thing to manage my db?";

/// A question in the group, as the adapter would deliver it.
fn ask(n: u32, text: &str, clock: &ManualClock) -> Incoming {
    let sender = Sender {
        id: format!("u{n}"),
        name: format!("member {n}"),
        is_platform_admin: false,
        is_bot: false,
        platform_roles: Vec::new(),
    };
    Incoming::text(Chat::group(Platform::Telegram, "-1001"), sender, n.to_string(), text, clock.now())
}

async fn conversation(store: Arc<Store>) {
    let fake = Shared::default();
    {
        let mut f = lock(&fake);
        f.vectors.insert("How do I check which PostgreSQL version I am running?".into(), vec![1.0, 0.0, 0.0, 0.0]);
        f.vectors.insert("Is there a graphical administration tool for PostgreSQL?".into(), vec![0.0, 1.0, 0.0, 0.0]);
        f.vectors.insert("怎么备份数据库？".into(), vec![0.0, 0.0, 1.0, 0.0]);
        f.vectors.insert(CLICKY.into(), vec![0.0, 0.95, 0.0, 0.1]);
    }
    let base = server(fake.clone()).await;
    let mut config = Config::default();
    config.default_community_mut().chats.push("telegram:-1001".into());
    config.features.faq.semantic = section(&base);
    let clock = ManualClock::frozen(
        chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z").map(|t| t.to_utc()).unwrap_or_default(),
    );
    let now = clock.now();
    import_into(&store, &config.default_community_id(), FAQ.as_bytes(), FaqFormat::Jsonl, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut engine = Engine::new(&config, store.clone(), Arc::new(clock.clone())).unwrap_or_else(|e| panic!("{e}"));
    install(&mut engine, &config).unwrap_or_else(|e| panic!("{e}"));
    let engine = Arc::new(engine);
    let settled = || async { engine.state::<FaqState>().unwrap_or_else(|| panic!("state")).semantic.settled().await };
    let said = |out: Vec<jixia::Outgoing>| out.iter().map(|o| o.body.to_plain()).collect::<Vec<_>>().join("\n");

    // The first question starts the entries' embedding (and is matched by its words).
    assert!(engine.handle(&ask(1, CLICKY, &clock)).await.is_empty());
    settled().await;
    assert_eq!(lock(&fake).inputs.len(), 1, "the three entries in one call");
    let out = said(engine.handle(&ask(2, CLICKY, &clock)).await);
    assert!(out.contains("graphical administration tool") && out.contains("pgAdmin"), "{out}");
    assert_eq!(lock(&fake).inputs.last().cloned(), Some(vec![CLICKY.to_owned()]), "the question only");

    // The server breaks: lexical matching, one warning however many questions.
    lock(&fake).mode = Mode::Broken;
    clock.advance(chrono::Duration::minutes(11));
    let out = said(engine.handle(&ask(3, "how do I check which postgresql version I run?", &clock)).await);
    assert!(out.contains("SELECT version()"), "{out}");
    for n in 4..8 {
        clock.advance(chrono::Duration::seconds(20));
        assert!(engine.handle(&ask(n, CLICKY, &clock)).await.is_empty(), "question {n}");
    }
    // Back: the meaning counts again.
    lock(&fake).mode = Mode::Ok;
    clock.advance(chrono::Duration::seconds(61));
    let out = said(engine.handle(&ask(9, CLICKY, &clock)).await);
    assert!(out.contains("pgAdmin"), "{out}");
    let entries = store.faq().faq_embeddings(&config.default_community_id(), "fake-embed", None).await;
    assert_eq!(entries.map(|e| e.len()).unwrap_or_default(), 3);
}

/// The warning and recovery lines of one conversation (a backend each:
/// the log is this thread's, the runtime has one thread).
async fn check(store: Arc<Store>) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    conversation(store).await;
    let text = logs.text();
    assert_eq!(logs.count("embeddings endpoint failed"), 1, "{text}");
    assert_eq!(logs.count("endpoint works again"), 1, "{text}");
    assert!(text.contains("HTTP status 500") && !text.contains(KEY), "{text}");
}

#[tokio::test]
async fn an_engine_redirects_by_meaning_and_falls_back_on_sqlite() {
    let file = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
    let store = jixia::store::open(file.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    check(store).await;
}

#[tokio::test]
async fn an_engine_redirects_by_meaning_and_falls_back_on_postgres() {
    let Ok(server) = std::env::var("JIXIA_TEST_PG_URL") else {
        let _ = writeln!(std::io::stderr(), "postgres case skipped: JIXIA_TEST_PG_URL is not set");
        return;
    };
    let pg = ScratchDb::create(&DbUrl::new(server)).await.unwrap_or_else(|e| panic!("{e}"));
    let store = jixia::store::open(pg.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    check(store).await;
}
