//! `cargo bench --bench inbox`: the inbox's group commit ([`jixia::intake`])
//! on a scratch SQLite file and, with `JIXIA_TEST_PG_URL`, a scratch
//! PostgreSQL database: updates recorded per second as polling records them
//! (batches of 100, one after the other), as webhook requests do (one update
//! per request, 64 at a time), and handled marks from 8 workers; for scale,
//! the database's raw rate of one-row commits. Environment:
//! `JIXIA_BENCH_INBOX_UPDATES` (updates per phase, default 20000).

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

use std::sync::Arc;
use std::time::Instant;

use jixia::clock::SystemClock;
use jixia::config::Config;
use jixia::intake::Intake;
use jixia::rich::RichText;
use jixia::secret::DbUrl;
use jixia::store::{self, Store, scratch};
use jixia::{Chat, Engine, Outgoing, Platform};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn main() {
    jixia::bench::main(bench());
}

async fn bench() -> BenchResult<()> {
    let n: i64 =
        std::env::var("JIXIA_BENCH_INBOX_UPDATES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000).max(100);
    let file = scratch::ScratchFile::new()?;
    let store = store::open(file.url(), &Default::default()).await?;
    run("sqlite", store.clone(), n).await?;
    store.close().await;
    if let Ok(url) = std::env::var("JIXIA_TEST_PG_URL") {
        let db = scratch::ScratchDb::create(&DbUrl::new(url)).await?;
        let store = store::open(db.url(), &Default::default()).await?;
        run("postgres", store.clone(), n).await?;
        store.close().await;
        db.drop_db().await?;
    }
    Ok(())
}

fn payload(id: i64) -> String {
    format!(
        r#"{{"update_id":{id},"message":{{"message_id":{id},"date":1767225600,"chat":{{"id":-1001,"type":"supergroup","title":"g"}},"from":{{"id":1001,"is_bot":false,"first_name":"A"}},"text":"/points grant @bob 5 thanks"}}}}"#
    )
}

async fn run(backend: &str, store: Arc<Store>, n: i64) -> BenchResult<()> {
    let raw = store.diag().raw_insert_rate(2000).await?;
    let engine = Arc::new(Engine::new(&Config::default(), store.clone(), Arc::new(SystemClock))?);
    let (intake, writer) = Intake::spawn(engine, "telegram:1");

    // Polling: one batch of 100 per getUpdates, each waited for.
    let t = Instant::now();
    let mut id = 0;
    while id < n {
        let batch: Vec<(i64, String)> = (id..(id + 100).min(n)).map(|i| (i, payload(i))).collect();
        id += 100;
        intake.record(batch).await?;
    }
    let polling = n as f64 / t.elapsed().as_secs_f64();

    // Webhook: one update per request, 64 requests in flight.
    let t = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicI64::new(n));
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let intake = intake.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= 2 * n {
                    return Ok::<(), jixia::intake::IntakeError>(());
                }
                intake.record(vec![(i, payload(i))]).await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let webhook = n as f64 / t.elapsed().as_secs_f64();

    // Handled marks (with a reply owed) from 8 workers, each waiting for its own.
    let reply = Outgoing::post(Chat::group(Platform::Telegram, "-1001"), RichText::plain("已给 bob 加 5 分"));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let intake = intake.clone();
        let reply = reply.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = w;
            while i < 2 * n {
                intake.handled(i, std::slice::from_ref(&reply)).await?;
                i += 8;
            }
            Ok::<(), jixia::intake::IntakeError>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let marks = (2 * n) as f64 / t.elapsed().as_secs_f64();
    drop(intake);
    writer.await?;
    println!("inbox {backend:<8} raw one-row commits      {raw:>9.0} rows/s");
    println!("inbox {backend:<8} polling (batches of 100) {polling:>9.0} updates/s");
    println!("inbox {backend:<8} webhook (64 in flight)   {webhook:>9.0} updates/s");
    println!("inbox {backend:<8} handled marks (8 workers){marks:>9.0} marks/s");
    Ok(())
}
