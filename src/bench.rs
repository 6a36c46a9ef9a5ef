//! The throughput harness behind `jixia bench` and `cargo bench`: pushes a
//! synthetic but realistic stream of chat messages and commands through the
//! engine against a real database, and measures the raw single-row insert
//! rate of the same database in the same run, so figures can be quoted as a
//! ratio of what the database itself can do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::SystemClock;
use crate::config::Config;
use crate::engine::{Engine, EngineError};
use crate::message::{Chat, Incoming, Platform, Sender};
use crate::store::{Store, StoreError};

/// What to push.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    /// Messages in total.
    pub messages: usize,
    /// Distinct members sending them.
    pub members: usize,
    /// Distinct group chats.
    pub chats: usize,
    /// Messages handled at once (independent senders).
    pub concurrency: usize,
    /// Rows for the raw insert probe.
    pub raw_rows: u32,
}

impl Default for BenchOptions {
    fn default() -> BenchOptions {
        BenchOptions { messages: 20_000, members: 10_000, chats: 100, concurrency: 8, raw_rows: 2_000 }
    }
}

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Messages handled.
    pub messages: usize,
    /// Of which commands.
    pub commands: usize,
    /// Wall time for all messages.
    pub elapsed: Duration,
    /// Median handling latency.
    pub p50: Duration,
    /// 99th percentile handling latency.
    pub p99: Duration,
    /// Slowest message.
    pub max: Duration,
    /// Raw single-row inserts per second (one commit each) on the same database.
    pub raw_inserts_per_sec: f64,
    /// Points movements written during the run.
    pub movements: i64,
    /// Whether the ledger's invariants held afterwards (`jixia doctor`).
    pub ledger_clean: bool,
    /// Latency by kind of message: chat, question, each command.
    pub kinds: Vec<KindFigures>,
}

/// Handling latency of one kind of message.
#[derive(Debug, Clone)]
pub struct KindFigures {
    /// `chat`, `question`, or the command (`/checkin`…).
    pub kind: &'static str,
    /// Messages of this kind.
    pub count: usize,
    /// Median.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
    /// All of them together (time the lanes spent on this kind).
    pub total: Duration,
}

impl BenchReport {
    /// Messages per second.
    pub fn messages_per_sec(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Human-readable summary, one figure per line.
    pub fn summary(&self) -> String {
        format!(
            "backend            {}\nmessages           {} ({} commands)\nthroughput         {:.0} messages/s\nlatency p50        {:.3} ms\nlatency p99        {:.3} ms\nlatency max        {:.3} ms\nraw insert rate    {:.0} rows/s (one row per commit)\nengine / raw       {:.2}\nmovements written  {}\nledger after run   {}",
            self.backend,
            self.messages,
            self.commands,
            self.messages_per_sec(),
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3,
            self.raw_inserts_per_sec,
            self.messages_per_sec() / self.raw_inserts_per_sec.max(1e-9),
            self.movements,
            if self.ledger_clean { "clean" } else { "INVARIANTS BROKEN" },
        ) + &self.kinds_summary()
    }

    /// The per-kind lines of the summary (after the overall figures).
    fn kinds_summary(&self) -> String {
        let mut out = String::from("\nby kind            count     p50 ms    p99 ms    max ms   total s");
        for k in &self.kinds {
            out.push_str(&format!(
                "\n  {:<16} {:>6} {:>10.3} {:>9.3} {:>9.3} {:>9.3}",
                k.kind,
                k.count,
                k.p50.as_secs_f64() * 1e3,
                k.p99.as_secs_f64() * 1e3,
                k.max.as_secs_f64() * 1e3,
                k.total.as_secs_f64(),
            ));
        }
        out
    }
}

/// A bench run failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine could not be built.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

const CHAT: [&str; 6] = [
    "早上好，今天继续看执行计划",
    "我们线上用的是 PostgreSQL 16，升级很顺利",
    "I think the planner picked a seq scan because the stats are stale",
    "这个 PR 我晚点 review 一下",
    "thanks, that fixed it",
    "周末的线下沙龙有人去吗",
];
const QUESTIONS: [&str; 4] = [
    "VACUUM FULL 会锁表吗？",
    "How do I see which queries are slow?",
    "主从复制延迟很大怎么排查？",
    "What does max_connections really cost?",
];
const COMMANDS: [&str; 5] = ["/checkin", "/points", "/ping", "/whoami", "/top"];

/// The kind of a stream message, for the per-kind figures.
fn kind_of(text: &str) -> &'static str {
    if let Some(c) = COMMANDS.iter().find(|c| **c == text) {
        c
    } else if QUESTIONS.contains(&text) {
        "question"
    } else {
        "chat"
    }
}

/// The quantile `q` of sorted durations (zero when empty).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted.get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1))).copied().unwrap_or_default()
}

/// Builds the synthetic stream: 90% chat, 5% questions, 5% commands, from
/// `members` members across `chats` chats, with a fixed seed.
pub fn synthetic_stream(opts: &BenchOptions) -> Vec<Incoming> {
    let mut rng = StdRng::seed_from_u64(0x6a_6978_6961);
    let start = chrono::Utc::now();
    (0..opts.messages)
        .map(|i| {
            let roll: u32 = rng.random_range(0..100);
            let text = match roll {
                0..90 => CHAT[rng.random_range(0..CHAT.len())],
                90..95 => QUESTIONS[rng.random_range(0..QUESTIONS.len())],
                _ => COMMANDS[rng.random_range(0..COMMANDS.len())],
            };
            let member = rng.random_range(0..opts.members.max(1));
            let chat = rng.random_range(0..opts.chats.max(1));
            Incoming::text(
                Chat::group(Platform::Telegram, format!("-100{chat}")),
                Sender::member(format!("{member}"), format!("member{member}")),
                format!("{i}"),
                text,
                start,
            )
        })
        .collect()
}

/// Runs the bench against `store` (fresh, migrated). Every member speaks once
/// first (not measured), as in a community whose members already exist; the
/// measured stream then runs in real time, so every member's first ordinary
/// message of the minute earns activity points, written by group commit in
/// the background.
pub async fn run(store: Arc<Store>, opts: BenchOptions) -> Result<BenchReport, BenchError> {
    // The bench's group chats are the community's, listed as an operator would.
    let mut config = Config::default();
    config.default_community_mut().chats = (0..opts.chats.max(1)).map(|c| format!("telegram:-100{c}")).collect();
    let engine = Arc::new(Engine::new(&config, store.clone(), Arc::new(SystemClock))?);
    let warmup: Vec<Incoming> = (0..opts.members)
        .map(|m| {
            Incoming::text(
                Chat::group(Platform::Telegram, format!("-100{}", m % opts.chats.max(1))),
                Sender::member(format!("{m}"), format!("member{m}")),
                format!("w{m}"),
                "hi",
                chrono::Utc::now(),
            )
        })
        .collect();
    drive(&engine, warmup, opts.concurrency).await;
    let stream = synthetic_stream(&opts);
    let commands = stream.iter().filter(|m| m.text.starts_with('/')).count();
    let stop = Arc::new(tokio::sync::Notify::new());
    let flusher = {
        let (engine, stop) = (engine.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.notified() => break,
                    () = tokio::time::sleep(engine.tick_interval()) => { engine.due().await; }
                }
            }
        })
    };
    let started = Instant::now();
    let timed = drive(&engine, stream, opts.concurrency).await;
    let elapsed = started.elapsed();
    stop.notify_one();
    let _ = flusher.await;
    engine.due().await;
    let mut latencies: Vec<Duration> = timed.iter().map(|t| t.1).collect();
    latencies.sort_unstable();
    let mut kinds = Vec::new();
    for kind in ["chat", "question"].into_iter().chain(COMMANDS) {
        let mut of_kind: Vec<Duration> = timed.iter().filter(|t| t.0 == kind).map(|t| t.1).collect();
        of_kind.sort_unstable();
        kinds.push(KindFigures {
            kind,
            count: of_kind.len(),
            p50: quantile(&of_kind, 0.50),
            p99: quantile(&of_kind, 0.99),
            max: of_kind.last().copied().unwrap_or_default(),
            total: of_kind.iter().sum(),
        });
    }
    let audit = store.ledger().audit().await?;
    let raw = store.diag().raw_insert_rate(opts.raw_rows).await?;
    Ok(BenchReport {
        backend: store.backend_name(),
        messages: latencies.len(),
        commands,
        elapsed,
        p50: quantile(&latencies, 0.50),
        p99: quantile(&latencies, 0.99),
        max: latencies.last().copied().unwrap_or_default(),
        raw_inserts_per_sec: raw,
        movements: audit.movements,
        ledger_clean: audit.is_clean(),
        kinds,
    })
}

/// Handles `stream` with `workers` concurrent lanes (one member's messages
/// stay in order) and returns each message's kind and handling time.
async fn drive(engine: &Arc<Engine>, stream: Vec<Incoming>, workers: usize) -> Vec<(&'static str, Duration)> {
    let workers = workers.max(1);
    let mut lanes: Vec<Vec<Incoming>> = vec![Vec::new(); workers];
    for msg in stream {
        let lane = msg.sender.id.parse::<usize>().unwrap_or(0) % workers;
        lanes[lane].push(msg);
    }
    let mut tasks = Vec::new();
    for lane in lanes {
        let engine = engine.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(lane.len());
            for msg in &lane {
                let t = Instant::now();
                let _replies = engine.handle(msg).await;
                latencies.push((kind_of(&msg.text), t.elapsed()));
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        match task.await {
            Ok(l) => latencies.extend(l),
            Err(e) => tracing::error!(error = %e, "bench worker failed"),
        }
    }
    latencies
}

/// The `main` of a bench binary: runs `bench` on a multi-threaded runtime;
/// on an error prints it and exits with status 1.
pub fn main<F, E>(bench: F)
where
    F: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start runtime");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(bench) {
        #[expect(clippy::print_stderr, reason = "a bench reports its failure on stderr")]
        {
            eprintln!("bench failed: {e}");
        }
        std::process::exit(1);
    }
}
