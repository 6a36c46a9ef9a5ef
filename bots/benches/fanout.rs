//! `cargo bench -p jixia-bots --bench fanout`: one digest fanned out to many
//! Telegram groups through the durable outbox and the real Telegram adapter,
//! against a fake Bot API that enforces Telegram's limits (30 messages/s per
//! bot, 20/min per group) and answers 429 beyond them. Reports the achieved
//! rate as a share of the allowed rate, and the 429s caused.
//! Environment: `JIXIA_BENCH_FANOUT_CHATS` (default 10000; 10 000 chats take
//! about six minutes at Telegram's pace).

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

#[path = "../tests/support/fake_bot_api.rs"]
#[expect(dead_code, reason = "the bench uses part of the test fake")]
mod fake_bot_api;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jixia::clock::SystemClock;
use jixia::config::Config;
use jixia::rich::RichText;
use jixia::secret::Secret;
use jixia::store::jobs::NewOutboxMessage;
use jixia::store::{self, scratch::ScratchFile};
use jixia::{Chat, Engine, Outgoing, Platform};
use jixia_bots::telegram::Telegram;

const TOKEN: &str = "123456:BENCH-token";
/// The fake's limits: Telegram's.
const PER_SECOND: usize = 30;
const GROUP_PER_MINUTE: usize = 20;

fn main() {
    jixia::bench::main(bench());
}

async fn bench() -> Result<(), Box<dyn std::error::Error>> {
    let chats: usize = std::env::var("JIXIA_BENCH_FANOUT_CHATS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let fake = fake_bot_api::FakeBotApi::start(TOKEN).await;
    fake.enforce_limits(PER_SECOND, GROUP_PER_MINUTE);
    let mut config = Config::default();
    config.telegram.enabled = true;
    config.telegram.token = Some(Secret::new(TOKEN));
    config.telegram.api_url = Some(fake.url.clone());

    let file = ScratchFile::new()?;
    let store = store::open(file.url(), &config.database.store_options()).await?;
    let engine = Arc::new(Engine::new(&config, store.clone(), Arc::new(SystemClock))?);
    let digest = RichText::from_markup(
        "**PostgreSQL 中文社区 · 每日摘要**\n- 新 FAQ：VACUUM FULL 会锁表吗？\n- 悬赏：主从复制延迟排查（200 分）\n- 本周贡献榜：Alice、Bo、Chen",
        &[],
    );
    let rows: Vec<NewOutboxMessage> = (0..chats)
        .map(|i| NewOutboxMessage {
            key: format!("bench-digest#{i}"),
            part: 0,
            message: Outgoing::post(Chat::group(Platform::Telegram, format!("-100{i}")), digest.clone()),
            max_attempts: 5,
        })
        .collect();
    store.jobs().outbox_push(&rows, engine.now()).await?;

    let telegram = Telegram::connect(engine.clone(), &config.telegram).await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let task = tokio::spawn(telegram.run(async move {
        let _ = stop_rx.await;
    }));
    let mut last_report = Instant::now();
    loop {
        let sent = fake.ok_count("sendmessage");
        if sent >= chats {
            break;
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            eprintln!("… {sent}/{chats} sent after {:.0} s", started.elapsed().as_secs_f64());
            last_report = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    // The pump marks the last deliveries; then stop.
    let mut counts = Vec::new();
    for _ in 0..100 {
        counts = store.jobs().outbox_counts().await?;
        if counts.iter().all(|(_, state, _)| state == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_tx.send(());
    let _ = task.await;
    let rate = chats as f64 / elapsed.as_secs_f64();
    println!("chats              {chats}");
    println!("elapsed            {:.1} s", elapsed.as_secs_f64());
    println!("achieved rate      {rate:.2} messages/s");
    println!("allowed rate       {PER_SECOND} messages/s");
    println!("share of allowed   {:.1} %", 100.0 * rate / PER_SECOND as f64);
    println!("429 answers        {}", fake.refused());
    println!("outbox afterwards  {counts:?}");
    store.close().await;
    Ok(())
}
