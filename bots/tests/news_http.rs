//! The news feature's HTTP side against a local feed server (no internet):
//! RSS 2.0, RSS 1.0 and Atom documents written for these tests; a
//! malformed, an oversized (declared and streamed) and a slow one;
//! redirects, too many of them and a loop; 304 answers to conditional
//! requests; the User-Agent and per-host pacing; errors that never carry
//! the URL's query. A fake OpenAI-compatible server for the language
//! model: translations, a 429, a 500, a timeout, an unreadable answer, the
//! concurrency cap, and the API key never in an error or a Debug. Then
//! `jixia console`: `/news add` on a local feed URL, `:advance`, and the
//! items are in `/news` and in the digest, translated by the fake model and
//! marked, each translated once; a chat's summary in the digest and an FAQ
//! draft, both through the same client and marked.

#[path = "support/operator.rs"]
mod operator;

use std::io::Write;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use jixia::features::news::{FeedFetcher, FetchError, FetchRequest, Fetched, ParsedFeed};
use jixia::llm::{ChatRequest, LlmConfig, LlmError, LlmProvider};
use jixia::secret::Secret;
use jixia_bots::llm::OpenAiClient;
use jixia_bots::news::{FetchOptions, HttpFeedFetcher, USER_AGENT};

const RSS2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Example Planet</title>
    <link>https://planet.example.org/</link>
    <description>Posts about databases</description>
    <language>en</language>
    <item>
      <title>PostgreSQL 18.1 released</title>
      <link>https://planet.example.org/p1</link>
      <guid isPermaLink="false">planet-p1</guid>
      <pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>
      <description>&lt;p&gt;Security &lt;b&gt;fixes&lt;/b&gt; and more&lt;/p&gt;</description>
    </item>
    <item>
      <title>Logical replication tips</title>
      <link>https://planet.example.org/p2</link>
      <guid isPermaLink="false">planet-p2</guid>
      <pubDate>Sun, 29 Nov 2026 08:00:00 GMT</pubDate>
      <description>Slots and publications</description>
    </item>
  </channel>
</rss>"#;

const RSS1: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://lists.example.org/hackers">
    <title>Example hackers list</title>
    <link>https://lists.example.org/hackers</link>
    <description>Patches under discussion</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://lists.example.org/m/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://lists.example.org/m/1">
    <title>Patch: faster vacuum</title>
    <link>https://lists.example.org/m/1</link>
    <description>A patch to make vacuum faster.</description>
    <dc:date>2026-11-28T12:00:00Z</dc:date>
  </item>
</rdf:RDF>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Weekly</title>
  <id>urn:example:weekly</id>
  <updated>2026-11-27T09:00:00Z</updated>
  <entry>
    <title>Issue 600: partitioning</title>
    <id>urn:example:weekly:600</id>
    <link href="https://weekly.example.org/600"/>
    <updated>2026-11-27T09:00:00Z</updated>
    <summary type="html">&lt;ul&gt;&lt;li&gt;Partition pruning&lt;/li&gt;&lt;/ul&gt;</summary>
  </entry>
</feed>"#;

/// What the server saw.
#[derive(Debug, Default)]
struct Seen {
    user_agents: Vec<String>,
    times: Vec<Instant>,
}

type Shared = Arc<Mutex<Seen>>;

fn record(seen: &Shared, headers: &HeaderMap) {
    let mut s = seen.lock().unwrap_or_else(|e| e.into_inner());
    s.user_agents.push(headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned());
    s.times.push(Instant::now());
}

fn xml(body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

async fn rss2(State(seen): State<Shared>, headers: HeaderMap) -> Response {
    record(&seen, &headers);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some("\"v1\"") {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::ETAG, "\"v1\""), (header::CONTENT_TYPE, "application/rss+xml")], RSS2).into_response()
}

async fn atom(State(seen): State<Shared>, headers: HeaderMap) -> Response {
    record(&seen, &headers);
    let lm = "Fri, 27 Nov 2026 09:00:00 GMT";
    if headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()) == Some(lm) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::LAST_MODIFIED, lm), (header::CONTENT_TYPE, "application/atom+xml")], ATOM).into_response()
}

/// `/redirect/N` sends to `/redirect/N-1`, and `/redirect/0` to the RSS 2.0 feed.
async fn redirect(Path(n): Path<u32>) -> Redirect {
    if n == 0 { Redirect::temporary("/rss2") } else { Redirect::temporary(&format!("/redirect/{}", n - 1)) }
}

async fn huge_streamed() -> Response {
    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 1024])));
    Body::from_stream(futures_util::stream::iter(chunks)).into_response()
}

/// A local feed server; returns its base URL.
async fn feed_server(seen: Shared) -> String {
    let app = Router::new()
        .route("/rss2", get(rss2))
        .route("/rss1", get(|| async { xml(RSS1) }))
        .route("/atom", get(atom))
        .route("/malformed", get(|| async { xml("<rss version=\"2.0\"><channel><item><title>cut") }))
        .route("/html", get(|| async { xml("<html><body>not a feed</body></html>") }))
        .route("/huge", get(|| async { vec![b' '; 64 * 1024] }))
        .route("/huge-streamed", get(huge_streamed))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                xml(RSS2)
            }),
        )
        .route("/redirect/{n}", get(redirect))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/gone", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A fetcher for the local feed server (on 127.0.0.1, so private
/// addresses are allowed).
fn fetcher(host_interval: Duration) -> HttpFeedFetcher {
    let options =
        FetchOptions { timeout: Duration::from_secs(1), max_bytes: 16 * 1024, host_interval, allow_private: true };
    HttpFeedFetcher::new(options).unwrap_or_else(|e| panic!("{e}"))
}

/// Unless the operator allows it, no feed is fetched from a loopback or
/// private address: written in the URL, behind a name, or reached by a
/// redirect; nothing reaches the server.
#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let seen = Shared::default();
    let base = feed_server(seen.clone()).await;
    let port = base.rsplit(':').next().unwrap_or_default().to_owned();
    let options = FetchOptions {
        timeout: Duration::from_secs(1),
        max_bytes: 16 * 1024,
        host_interval: Duration::ZERO,
        allow_private: false,
    };
    let public_only = HttpFeedFetcher::new(options).unwrap_or_else(|e| panic!("{e}"));
    for url in [
        format!("{base}/rss2"),
        format!("http://localhost:{port}/rss2"),
        format!("http://[::1]:{port}/rss2"),
        "http://10.1.2.3/feed".to_owned(),
        "http://192.168.1.1/feed".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let got = public_only.fetch(&req(url.clone())).await;
        assert_eq!(got, Err(FetchError::PrivateAddress), "{url}");
    }
    assert!(seen.lock().unwrap_or_else(|e| e.into_inner()).times.is_empty());
    // Allowed: the same feed is read.
    assert!(matches!(fetcher(Duration::ZERO).fetch(&req(format!("{base}/rss2"))).await, Ok(Fetched::Feed(_))));
}

fn req(url: String) -> FetchRequest {
    FetchRequest { url, etag: None, last_modified: None }
}

async fn feed(f: &HttpFeedFetcher, url: String) -> ParsedFeed {
    match f.fetch(&req(url.clone())).await {
        Ok(Fetched::Feed(feed)) => feed,
        other => panic!("{url}: {other:?}"),
    }
}

#[tokio::test]
async fn the_three_formats_are_read() {
    let seen = Shared::default();
    let base = feed_server(seen.clone()).await;
    let f = fetcher(Duration::ZERO);

    let rss2 = feed(&f, format!("{base}/rss2")).await;
    assert_eq!(rss2.title.as_deref(), Some("Example Planet"));
    assert_eq!(rss2.language.as_deref(), Some("en"));
    assert_eq!(rss2.etag.as_deref(), Some("\"v1\""));
    assert_eq!(rss2.items.len(), 2);
    let first = &rss2.items[0];
    assert_eq!(first.guid.as_deref(), Some("planet-p1"));
    assert_eq!(first.link.as_deref(), Some("https://planet.example.org/p1"));
    assert_eq!(first.title, "PostgreSQL 18.1 released");
    assert!(first.summary.contains("<b>fixes</b>"), "the summary comes as HTML: {}", first.summary);
    assert_eq!(first.published.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-30T10:00:00+00:00"));

    let rss1 = feed(&f, format!("{base}/rss1")).await;
    assert_eq!(rss1.items.len(), 1);
    assert_eq!(rss1.items[0].title, "Patch: faster vacuum");
    assert_eq!(rss1.items[0].link.as_deref(), Some("https://lists.example.org/m/1"));

    let atom = feed(&f, format!("{base}/atom")).await;
    assert_eq!(atom.last_modified.as_deref(), Some("Fri, 27 Nov 2026 09:00:00 GMT"));
    assert_eq!(atom.items[0].guid.as_deref(), Some("urn:example:weekly:600"));
    assert_eq!(atom.items[0].link.as_deref(), Some("https://weekly.example.org/600"));
    assert!(atom.items[0].summary.contains("Partition pruning"));

    // Every request names jixia.
    let agents = seen.lock().unwrap_or_else(|e| e.into_inner()).user_agents.clone();
    assert!(!agents.is_empty() && agents.iter().all(|a| a == USER_AGENT && a.starts_with("jixia/")), "{agents:?}");
}

#[tokio::test]
async fn conditional_requests_get_304() {
    let base = feed_server(Shared::default()).await;
    let f = fetcher(Duration::ZERO);
    let etag = FetchRequest { url: format!("{base}/rss2"), etag: Some("\"v1\"".into()), last_modified: None };
    assert_eq!(f.fetch(&etag).await, Ok(Fetched::NotModified));
    let stale = FetchRequest { etag: Some("\"v0\"".into()), ..etag };
    assert!(matches!(f.fetch(&stale).await, Ok(Fetched::Feed(_))));
    let lm = FetchRequest {
        url: format!("{base}/atom"),
        etag: None,
        last_modified: Some("Fri, 27 Nov 2026 09:00:00 GMT".into()),
    };
    assert_eq!(f.fetch(&lm).await, Ok(Fetched::NotModified));
}

#[tokio::test]
async fn bad_feeds_fail_with_their_reason() {
    let base = feed_server(Shared::default()).await;
    let f = fetcher(Duration::ZERO);
    let fail = |path: &str| {
        let url = format!("{base}{path}");
        let f = &f;
        async move { f.fetch(&req(url)).await }
    };
    assert!(matches!(fail("/malformed").await, Err(FetchError::Malformed(_))), "{:?}", fail("/malformed").await);
    assert!(matches!(fail("/html").await, Err(FetchError::Malformed(_))));
    assert_eq!(fail("/huge").await, Err(FetchError::TooLarge(16 * 1024)));
    assert_eq!(fail("/huge-streamed").await, Err(FetchError::TooLarge(16 * 1024)));
    let started = Instant::now();
    assert_eq!(fail("/slow").await, Err(FetchError::Timeout(1)));
    assert!(started.elapsed() < Duration::from_secs(4), "the timeout cut the slow answer short");
    assert_eq!(fail("/gone").await, Err(FetchError::Status(500)));
    assert_eq!(fail("/nowhere").await, Err(FetchError::Status(404)));
}

#[tokio::test]
async fn redirects_are_followed_five_times_and_loops_refused() {
    let base = feed_server(Shared::default()).await;
    let f = fetcher(Duration::ZERO);
    // /redirect/4 → 3 → 2 → 1 → 0 → /rss2: five redirects.
    assert_eq!(feed(&f, format!("{base}/redirect/4")).await.items.len(), 2);
    assert_eq!(f.fetch(&req(format!("{base}/redirect/5"))).await, Err(FetchError::TooManyRedirects));
    assert_eq!(f.fetch(&req(format!("{base}/loop"))).await, Err(FetchError::TooManyRedirects));
}

#[tokio::test]
async fn requests_to_one_host_are_paced() {
    let seen = Shared::default();
    let base = feed_server(seen.clone()).await;
    let f = fetcher(Duration::from_millis(400));
    for _ in 0..3 {
        feed(&f, format!("{base}/rss2")).await;
    }
    let times = seen.lock().unwrap_or_else(|e| e.into_inner()).times.clone();
    assert_eq!(times.len(), 3);
    for pair in times.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(gap >= Duration::from_millis(380), "requests {gap:?} apart");
    }
}

#[tokio::test]
async fn errors_never_carry_the_url_or_its_query() {
    let base = feed_server(Shared::default()).await;
    let f = fetcher(Duration::ZERO);
    let secret = "token=s3cr3t-value";
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let closed = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    drop(listener);
    for url in [
        format!("{base}/gone?{secret}"),
        format!("{base}/malformed?{secret}"),
        format!("http://{closed}/feed?{secret}"),
    ] {
        let err = match f.fetch(&req(url.clone())).await {
            Err(e) => e.to_string(),
            Ok(other) => panic!("{url}: {other:?}"),
        };
        assert!(!err.contains("s3cr3t") && !err.contains("127.0.0.1"), "{err}");
    }
}

/// What the fake model server saw.
#[derive(Debug, Default)]
struct ModelSeen {
    authorizations: Vec<String>,
    bodies: Vec<serde_json::Value>,
    in_flight: usize,
    most_in_flight: usize,
}

type ModelShared = Arc<Mutex<ModelSeen>>;

const KEY: &str = "sk-test-0123456789secret";

/// `/{mode}/v1/chat/completions`: `ok` translates (`译：` + the title),
/// `busy` says 429, `broken` 500, `slow` answers after 3 s, `garbage` is
/// not JSON, `bare` has no usage.
async fn completions(
    State(seen): State<ModelShared>,
    Path(mode): Path<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<serde_json::Value>,
) -> Response {
    {
        let mut s = seen.lock().unwrap_or_else(|e| e.into_inner());
        s.authorizations
            .push(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned());
        s.bodies.push(body.clone());
        s.in_flight += 1;
        s.most_in_flight = s.most_in_flight.max(s.in_flight);
    }
    tokio::time::sleep(Duration::from_millis(if mode == "slow" { 3000 } else { 150 })).await;
    seen.lock().unwrap_or_else(|e| e.into_inner()).in_flight -= 1;
    let user = body["messages"][1]["content"].as_str().unwrap_or("");
    let title = user.lines().find_map(|l| l.strip_prefix("Title: ")).unwrap_or("?");
    // A translation, a chat's summary or an FAQ draft, by what was asked.
    let content = if user.contains("FAQ entry") {
        "Q: 怎么安装 pg_cron？\nA: 安装 postgresql-16-cron 包。".to_owned()
    } else if user.contains("Summarize") {
        format!("- 聊了 {} 条", user.lines().filter(|l| l.starts_with('[')).count())
    } else {
        format!("译：{title}\n中文摘要")
    };
    let answer = serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": content }, "finish_reason": "stop" }],
        "usage": { "prompt_tokens": 40, "completion_tokens": 20, "total_tokens": 60 }
    });
    match mode.as_str() {
        "busy" => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        "broken" => (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        "garbage" => (StatusCode::OK, "not json").into_response(),
        "bare" => {
            let mut a = answer;
            a.as_object_mut().map(|o| o.remove("usage"));
            axum::Json(a).into_response()
        }
        _ => axum::Json(answer).into_response(),
    }
}

async fn model_server(seen: ModelShared) -> String {
    let app = Router::new().route("/{mode}/v1/chat/completions", axum::routing::post(completions)).with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn client(base: &str, mode: &str, concurrency: i64) -> OpenAiClient {
    let config = LlmConfig {
        enabled: true,
        base_url: format!("{base}/{mode}/v1/"),
        model: "fake-7b".into(),
        timeout_secs: 1,
        max_concurrency: concurrency,
        ..LlmConfig::default()
    };
    OpenAiClient::new(&config, Some(Secret::new(KEY))).unwrap_or_else(|e| panic!("{e}"))
}

fn chat(title: &str) -> ChatRequest {
    ChatRequest { system: "Translate.".into(), user: format!("Title: {title}\nSummary: x"), max_tokens: 100 }
}

#[tokio::test]
async fn the_model_client_translates_and_fails_cleanly() {
    let seen = ModelShared::default();
    let base = model_server(seen.clone()).await;
    let ok = client(&base, "ok", 2);
    let c = ok.complete(&chat("Vacuum")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.text, "译：Vacuum\n中文摘要");
    assert_eq!(c.tokens, 60);
    {
        let s = seen.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(s.authorizations, [format!("Bearer {KEY}")]);
        assert_eq!(s.bodies[0]["model"], "fake-7b");
        assert_eq!(s.bodies[0]["messages"][0]["role"], "system");
        assert_eq!(s.bodies[0]["max_tokens"], 100);
    }
    // No usage reported: an estimate is charged.
    assert!(client(&base, "bare", 1).complete(&chat("x")).await.is_ok_and(|c| c.tokens > 0));

    let failures = [
        ("busy", LlmError::RateLimited),
        ("broken", LlmError::Status(500)),
        ("slow", LlmError::Timeout(1)),
        ("nowhere/deeper", LlmError::Status(404)),
    ];
    for (mode, want) in failures {
        let c = client(&base, mode, 1);
        let got = c.complete(&chat("x")).await;
        assert_eq!(got.as_ref().err(), Some(&want), "{mode}: {got:?}");
        let shown = format!("{} {:?} {c:?}", want, got);
        assert!(!shown.contains(KEY) && !shown.contains("0123456789secret"), "{shown}");
    }
    let garbage = client(&base, "garbage", 1).complete(&chat("x")).await;
    assert!(matches!(garbage, Err(LlmError::Malformed(_))), "{garbage:?}");
}

#[tokio::test]
async fn the_model_client_keeps_to_its_concurrency_cap() {
    let seen = ModelShared::default();
    let base = model_server(seen.clone()).await;
    let one = Arc::new(client(&base, "ok", 1));
    let calls: Vec<_> = (0..3)
        .map(|n| {
            let c = one.clone();
            tokio::spawn(async move { c.complete(&chat(&format!("t{n}"))).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap_or_else(|e| panic!("{e}")).is_ok());
    }
    assert_eq!(seen.lock().unwrap_or_else(|e| e.into_inner()).most_in_flight, 1);
}

/// `jixia console`: a moderator adds a local feed and a broken one, time
/// moves on, and the items are listed and in the digest, translated by the
/// fake model (each once) and marked; the broken feed does not disturb them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_add_advance_list_and_digest() {
    let base = feed_server(Shared::default()).await;
    let seen = ModelShared::default();
    let model = model_server(seen.clone()).await;
    let dir = std::env::temp_dir().join(format!("jixia-news-console-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let config = format!(
        "[features.news]\nallow_private = true\n[llm]\nenabled = true\nbase_url = \"{model}/ok/v1\"\nmodel = \"fake-7b\"\napi_key_env = \"NEWS_TEST_KEY\"\n"
    );
    std::fs::write(dir.join("jixia.toml"), config).unwrap_or_else(|e| panic!("{e}"));
    let script = format!(
        "/news add {base}/rss2 planet\n/news add {base}/malformed\n:advance 2m\n/news\n/news planet\n/news sources\n/digest now\n/news status\n\
         /summary on 主群\n:as ann\npg_cron 怎么安装？\n:as ben\npg_cron 怎么安装？\n:as cid\npg_cron 怎么安装？\n\
         :as dan\n大家好\n:as eve\n今天讨论 VACUUM\n:as mo\n/digest now\n/faq gaps\n/faq draft G1\n/faq proposals\n/summary status\n"
    );
    let mut cmd = operator::jixia(
        &dir,
        &["console", "--config", "jixia.toml", "--db", "news.db", "--as", "mo", "--moderator", "mo"],
    );
    cmd.env("NEWS_TEST_KEY", KEY).env("RUST_LOG", "debug");
    let output = tokio::task::spawn_blocking(move || {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(script.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        }
        child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && !err.contains("panicked"), "{out}\n{err}");
    assert!(out.contains("已添加 F1") && out.contains("已添加 F2"), "{out}");
    assert!(out.contains("资讯：共 2 条"), "{out}");
    assert!(out.contains("标签 planet 的资讯：共 2 条"), "{out}");
    assert!(
        out.contains("译：PostgreSQL 18.1 released〔机器翻译，原文：PostgreSQL 18.1 released〕（F1，2026-11-30）https://planet.example.org/p1"),
        "{out}"
    );
    assert!(out.contains("F2") && out.contains("连续失败 1 次"), "{out}");
    assert!(out.contains("📰 资讯：新增 2 条") && out.contains("译：Logical replication tips〔机器翻译"), "{out}");
    assert!(out.contains("模型 fake-7b；今天已用 120/200000"), "{out}");
    // The chat's summary and an FAQ draft through the same client, marked.
    assert!(out.contains("📣 公告：mo 开启了本群（主群）的群聊摘要"), "{out}");
    assert!(
        out.contains("🗒 群聊摘要〔机器摘要 · fake-7b〕")
            && out.contains("主群（5 条消息）：")
            && out.contains("- 聊了 5 条"),
        "{out}"
    );
    assert!(out.contains("🤖 D1 〔机器起草 · fake-7b〕来自 G1") && out.contains("问：怎么安装 pg_cron？"), "{out}");
    assert!(out.contains("D1 〔机器起草 · fake-7b〕mo 请求"), "{out}");
    assert!(out.contains("今天已用 240/200000"), "{out}");
    // Each item translated once, however often it was shown; the key went
    // only into the Authorization header, never into output or logs.
    let s = seen.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(s.bodies.len(), 4);
    assert!(s.authorizations.iter().all(|a| a == &format!("Bearer {KEY}")));
    assert!(!out.contains(KEY) && !err.contains(KEY), "the key leaked:\n{err}");
}
