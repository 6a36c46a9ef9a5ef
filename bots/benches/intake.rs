//! `cargo bench -p jixia-bots --bench intake`: how many Telegram updates a
//! second the real adapter takes in and handles, in long polling against the
//! fake Bot API, on a scratch SQLite file and (with `JIXIA_TEST_PG_URL`) a
//! scratch PostgreSQL database. Every update is a chat message from a member
//! not seen before, in one of 16 groups (so the engine writes a member per
//! update); the clock stops when the last message of every group has its
//! member (a chat's updates are handled in order). The same file runs
//! against the code before the durable inbox, for the before/after figures.
//! Environment: `JIXIA_BENCH_INTAKE_UPDATES` (default 5000).

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

#[path = "../tests/support/fake_bot_api.rs"]
#[expect(dead_code, reason = "the bench uses part of the test fake")]
mod fake_bot_api;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jixia::clock::SystemClock;
use jixia::config::Config;
use jixia::secret::{DbUrl, Secret};
use jixia::store::{self, scratch};
use jixia::{Engine, Platform};
use jixia_bots::telegram::Telegram;
use serde_json::json;

const TOKEN: &str = "123456:BENCH-token";
const GROUPS: i64 = 16;

fn main() {
    jixia::bench::main(bench());
}

async fn bench() -> Result<(), Box<dyn std::error::Error>> {
    let updates: i64 = std::env::var("JIXIA_BENCH_INTAKE_UPDATES").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let file = scratch::ScratchFile::new()?;
    run("sqlite", file.url().clone(), updates).await?;
    if let Ok(url) = std::env::var("JIXIA_TEST_PG_URL") {
        let db = scratch::ScratchDb::create(&DbUrl::new(url)).await?;
        run("postgres", db.url().clone(), updates).await?;
        db.drop_db().await?;
    }
    Ok(())
}

fn group(g: i64) -> i64 {
    -1_000_000_000_000 - g
}

async fn run(backend: &str, url: DbUrl, updates: i64) -> Result<(), Box<dyn std::error::Error>> {
    let fake = fake_bot_api::FakeBotApi::start(TOKEN).await;
    let mut config = Config::default();
    config.telegram.enabled = true;
    config.telegram.token = Some(Secret::new(TOKEN));
    config.telegram.api_url = Some(fake.url.clone());
    for g in 0..GROUPS {
        config.default_community_mut().chats.push(format!("telegram:{}", group(g)));
    }
    let store = store::open(&url, &config.database.store_options()).await?;
    let engine = Arc::new(Engine::new(&config, store.clone(), Arc::new(SystemClock))?);
    for i in 0..updates {
        let g = i % GROUPS;
        let from = 100_000 + i;
        fake.push_update(json!({"message": {"message_id": i + 1, "date": 1_767_225_600,
            "chat": {"id": group(g), "type": "supergroup", "title": format!("g{g}")},
            "from": {"id": from, "is_bot": false, "first_name": format!("m{from}")},
            "text": format!("请问主从复制的延迟怎么排查？第 {i} 条")}}));
    }
    let last: Vec<String> =
        (updates.saturating_sub(GROUPS).max(0)..updates).map(|i| (100_000 + i).to_string()).collect();

    let telegram = Telegram::connect(engine.clone(), &config.telegram).await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let task = tokio::spawn(telegram.run(async move {
        let _ = stop_rx.await;
    }));
    let members = store.members();
    let mut waiting = last.clone();
    while !waiting.is_empty() {
        let mut still = Vec::new();
        for user in waiting {
            if members.find_account("default", Platform::Telegram, &user).await?.is_none() {
                still.push(user);
            }
        }
        waiting = still;
        if started.elapsed() > Duration::from_secs(600) {
            return Err("timed out".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    let _ = stop_tx.send(());
    let _ = task.await;
    store.close().await;
    println!(
        "intake {backend:<8} {updates} updates in {:.2} s = {:.0} updates/s (16 groups, a new member each)",
        elapsed.as_secs_f64(),
        updates as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
