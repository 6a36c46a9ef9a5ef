//! A PostgreSQL outage, as members live it: the database is reached through
//! a local TCP proxy that the test cuts and restores (the server itself is
//! real). The first command after the cut waits once for the pool, then every
//! message gets the apology at once instead of a timeout each; when the
//! proxy is back, the bot answers again by itself.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{PG_ENV, Who, only, texts, with_test_chats};
use jixia::clock::ManualClock;
use jixia::config::Config;
use jixia::secret::DbUrl;
use jixia::store::scratch::ScratchDb;
use jixia::{Chat, Engine, Incoming, Platform};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A TCP proxy to `upstream` on a fixed local port, which can be cut (every
/// connection dropped, new ones refused) and restored.
struct Proxy {
    port: u16,
    upstream: String,
    tasks: JoinSet<()>,
}

impl Proxy {
    async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        let mut proxy = Proxy { port, upstream: upstream.to_owned(), tasks: JoinSet::new() };
        proxy.serve(listener);
        proxy
    }

    fn serve(&mut self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        self.tasks.spawn(async move {
            let mut conns = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                conns.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
    }

    /// Every connection through the proxy breaks; new ones are refused.
    async fn cut(&mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }

    /// The proxy listens again on the same port.
    async fn restore(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap_or_else(|e| panic!("{e}"));
        self.serve(listener);
    }
}

/// `url` with its host and port replaced by the proxy's.
fn through(url: &DbUrl, port: u16) -> (DbUrl, String) {
    let raw = url.expose();
    let (scheme, rest) = raw.split_once("://").unwrap_or(("postgres", raw));
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let host = if host.contains(':') { host.to_owned() } else { format!("{host}:5432") };
    (DbUrl::new(format!("{scheme}://{user}127.0.0.1:{port}{tail}")), host)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_costs_one_short_wait_and_recovery_is_automatic() {
    // PostgreSQL only (SQLite has no server to lose); skipped without one.
    let Ok(server) = std::env::var(PG_ENV) else { return };
    let scratch = ScratchDb::create(&DbUrl::new(server)).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, upstream) = through(scratch.url(), 0);
    let mut proxy = Proxy::start(&upstream).await;
    let (url, _) = through(scratch.url(), proxy.port);
    let store = jixia::store::open(&url, &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    let clock = ManualClock::frozen(common::t0());
    let config = with_test_chats(&Config::default());
    let engine = Engine::new(&config, store.clone(), Arc::new(clock)).unwrap_or_else(|e| panic!("{e}"));
    let group = Chat::group(Platform::Telegram, "-1001");
    let ann = Who::telegram("1", "Ann");
    let mut next = 0;
    let mut say = |text: &str| {
        next += 1;
        Incoming::text(group.clone(), ann.sender(), format!("m{next}"), text, common::t0())
    };
    assert!(only(&engine.handle(&say("/points")).await).contains("Ann"), "answers before the outage");

    proxy.cut().await;
    let apology = engine.prompts().plain(jixia::i18n::Locale::Zh, "error-internal");
    let started = Instant::now();
    let out = engine.handle(&say("/points")).await;
    let first = started.elapsed();
    assert_eq!(only(&out), apology, "the first command during the outage gets the apology");
    assert!(first < Duration::from_secs(8), "one short wait, not four pool timeouts: {first:?}");
    assert!(store.is_down(), "the store knows the database is down");
    for text in ["/points", "/checkin", "/top", "/ping"] {
        let started = Instant::now();
        let out = engine.handle(&say(text)).await;
        assert_eq!(only(&out), apology, "{text} while down");
        assert!(started.elapsed() < Duration::from_millis(500), "{text} answered at once: {:?}", started.elapsed());
    }
    assert!(engine.handle(&say("ordinary chat, no command")).await.is_empty(), "chat gets nothing while down");

    proxy.restore().await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut answered = Vec::new();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        answered = texts(&engine.handle(&say("/points")).await);
        if answered.iter().any(|t| t.contains("Ann")) {
            break;
        }
    }
    assert!(answered.iter().any(|t| t.contains("Ann")), "answers again after the outage: {answered:?}");
    assert!(!store.is_down());
    store.close().await;
    proxy.cut().await;
    let _ = scratch.drop_db().await;
}
