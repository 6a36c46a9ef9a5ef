//! `cargo bench`: the engine throughput harness on a scratch SQLite file and,
//! when `JIXIA_TEST_PG_URL` is set, on a scratch PostgreSQL database.
//! Environment: `JIXIA_BENCH_MESSAGES` (default 20000),
//! `JIXIA_BENCH_SCENARIO` (mix, ping, checkin or chat; default mix),
//! `JIXIA_BENCH_MEMBERS` (default 10000), `JIXIA_BENCH_CONCURRENCY`
//! (default 8), `JIXIA_BENCH_LLM=1` (`[llm] enabled` with no model and no
//! chat opted in to summaries).

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

use jixia::bench::{BenchOptions, Scenario, run};
use jixia::store::{self, scratch};

fn main() {
    jixia::bench::main(bench());
}

async fn bench() -> Result<(), Box<dyn std::error::Error>> {
    let messages = std::env::var("JIXIA_BENCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let scenario = std::env::var("JIXIA_BENCH_SCENARIO").ok();
    let scenario = match scenario.as_deref().map(Scenario::parse) {
        None => Scenario::Mix,
        Some(Some(s)) => s,
        Some(None) => return Err("JIXIA_BENCH_SCENARIO: mix, ping, checkin or chat".into()),
    };
    let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<usize>().ok());
    let defaults = BenchOptions::default();
    let opts = BenchOptions {
        scenario,
        messages,
        members: number("JIXIA_BENCH_MEMBERS").unwrap_or(defaults.members),
        concurrency: number("JIXIA_BENCH_CONCURRENCY").unwrap_or(defaults.concurrency).max(1),
        llm: std::env::var("JIXIA_BENCH_LLM").is_ok_and(|v| v == "1"),
        ..defaults
    };
    let file = scratch::ScratchFile::new()?;
    let store = store::open(file.url(), &Default::default()).await?;
    let report = run(store.clone(), opts).await?;
    store.close().await;
    println!("{}\n", report.summary());
    if let Ok(url) = std::env::var("JIXIA_TEST_PG_URL") {
        let db = scratch::ScratchDb::create(&jixia::secret::DbUrl::new(url)).await?;
        let store = store::open(db.url(), &Default::default()).await?;
        let report = run(store.clone(), opts).await?;
        store.close().await;
        db.drop_db().await?;
        println!("{}", report.summary());
    }
    Ok(())
}
