//! The throughput harness behind `jixia bench` and `cargo bench`: pushes a
//! synthetic but realistic stream of chat messages and commands through the
//! engine against a real database, and measures the raw single-row insert
//! rate of the same database in the same run, so figures can be quoted as a
//! ratio of what the database itself can do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::{Clock, ManualClock, SystemClock};
use crate::config::Config;
use crate::engine::{Engine, EngineError};
use crate::message::{Chat, Incoming, Platform, Sender};
use crate::store::{Store, StoreError};

/// What the measured stream is made of. Each scenario is the same work a
/// peer framework's bench can do, so figures can be put side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    /// A community's day: 90 % chat, 5 % questions, 5 % commands.
    #[default]
    Mix,
    /// `/ping`, answered with `pong`.
    Ping,
    /// Every message a distinct member's first check-in of the day; every
    /// other one continues a streak from yesterday.
    Checkin,
    /// Plain chat that earns activity points and gets no reply.
    Chat,
}

impl Scenario {
    /// Every scenario, in the order `--scenario` lists them.
    pub const ALL: [Scenario; 4] = [Scenario::Mix, Scenario::Ping, Scenario::Checkin, Scenario::Chat];

    /// The name `--scenario` takes.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Mix => "mix",
            Scenario::Ping => "ping",
            Scenario::Checkin => "checkin",
            Scenario::Chat => "chat",
        }
    }

    /// The scenario called `name`.
    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What to push.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    /// What the stream is made of.
    pub scenario: Scenario,
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
    /// `[llm] enabled`, with no model given and no chat opted in to
    /// summaries: what the language model's passive path costs a chat
    /// message that is not summarized.
    pub llm: bool,
}

impl Default for BenchOptions {
    fn default() -> BenchOptions {
        BenchOptions {
            scenario: Scenario::Mix,
            messages: 20_000,
            members: 10_000,
            chats: 100,
            concurrency: 8,
            raw_rows: 2_000,
            llm: false,
        }
    }
}

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The scenario's name.
    pub scenario: &'static str,
    /// Messages handled at once.
    pub concurrency: usize,
    /// Messages handled.
    pub messages: usize,
    /// Replies the engine gave to them.
    pub replies: usize,
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
    /// The process's peak resident memory after the run, in bytes (Linux).
    pub peak_rss: Option<u64>,
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
            "backend            {}\nscenario           {} ({} in flight)\nmessages           {} ({} commands, {} replies)\nthroughput         {:.0} messages/s\nlatency p50        {:.3} ms\nlatency p99        {:.3} ms\nlatency max        {:.3} ms\nraw insert rate    {:.0} rows/s (one row per commit)\nengine / raw       {:.2}\nmovements written  {}\nledger after run   {}\npeak RSS           {}",
            self.backend,
            self.scenario,
            self.concurrency,
            self.messages,
            self.commands,
            self.replies,
            self.messages_per_sec(),
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3,
            self.raw_inserts_per_sec,
            self.messages_per_sec() / self.raw_inserts_per_sec.max(1e-9),
            self.movements,
            if self.ledger_clean { "clean" } else { "INVARIANTS BROKEN" },
            self.peak_rss.map_or_else(|| "unknown".to_owned(), |b| format!("{:.0} MB", b as f64 / 1e6)),
        ) + &self.kinds_summary()
    }

    /// The per-kind lines of the summary (after the overall figures).
    fn kinds_summary(&self) -> String {
        let mut out = String::from("\nby kind            count     p50 ms    p99 ms    max ms   total s");
        for k in self.kinds.iter().filter(|k| k.count > 0) {
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

/// Warm-up messages built and handled at a time.
const WARMUP_SLICE: usize = 10_000;

/// Members the run needs: a check-in stream has a member per message.
fn members_for(opts: &BenchOptions) -> usize {
    match opts.scenario {
        Scenario::Checkin => opts.members.max(opts.messages),
        _ => opts.members,
    }
}

/// Builds the synthetic stream of `opts.scenario` (mix: 90% chat, 5%
/// questions, 5% commands) from its members across `chats` chats, with a
/// fixed seed.
pub fn synthetic_stream(opts: &BenchOptions) -> Vec<Incoming> {
    let mut rng = StdRng::seed_from_u64(0x6a_6978_6961);
    let start = chrono::Utc::now();
    let members = members_for(opts).max(1);
    (0..opts.messages)
        .map(|i| {
            let text = match opts.scenario {
                Scenario::Mix => match rng.random_range(0..100u32) {
                    0..90 => CHAT[rng.random_range(0..CHAT.len())],
                    90..95 => QUESTIONS[rng.random_range(0..QUESTIONS.len())],
                    _ => COMMANDS[rng.random_range(0..COMMANDS.len())],
                },
                Scenario::Ping => "/ping",
                Scenario::Checkin => "/checkin",
                Scenario::Chat => CHAT[rng.random_range(0..CHAT.len())],
            };
            let member = if opts.scenario == Scenario::Checkin { i } else { rng.random_range(0..members) };
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
    config.llm.enabled = opts.llm;
    let members = members_for(&opts);
    let now = chrono::Utc::now();
    // A check-in run starts yesterday, when every other member of the
    // stream checks in (their check-ins today continue a streak).
    let yesterday = (opts.scenario == Scenario::Checkin).then(|| ManualClock::running(now - chrono::Duration::days(1)));
    let clock: Arc<dyn Clock> = match &yesterday {
        Some(clock) => Arc::new(clock.clone()),
        None => Arc::new(SystemClock),
    };
    let engine = Arc::new(Engine::new(&config, store.clone(), clock.clone())?);
    let say = |m: usize, id: String, text: &'static str| {
        Incoming::text(
            Chat::group(Platform::Telegram, format!("-100{}", m % opts.chats.max(1))),
            Sender::member(format!("{m}"), format!("member{m}")),
            id,
            text,
            clock.now(),
        )
    };
    // In slices, so that the harness's own messages do not count in the
    // peak memory the report gives.
    for first in (0..members).step_by(WARMUP_SLICE) {
        let slice = (first..(first + WARMUP_SLICE).min(members)).map(|m| say(m, format!("w{m}"), "hi")).collect();
        drive(&engine, slice, opts.concurrency).await;
    }
    if yesterday.is_some() {
        for first in (0..opts.messages).step_by(WARMUP_SLICE) {
            let last = (first + WARMUP_SLICE).min(opts.messages);
            let slice = (first..last).step_by(2).map(|m| say(m, format!("y{m}"), "/checkin")).collect();
            drive(&engine, slice, opts.concurrency).await;
        }
    }
    if let Some(clock) = &yesterday {
        engine.due().await;
        clock.set(chrono::Utc::now());
    }
    let stream = synthetic_stream(&opts);
    let commands = stream.iter().filter(|m| m.text.starts_with('/')).count();
    let stop = Arc::new(tokio::sync::Notify::new());
    let flusher = {
        let (engine, stop) = (engine.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.notified() => break,
                    () = engine.until_due() => { engine.tick().await; }
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
    let replies = timed.iter().map(|t| t.2).sum();
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
        scenario: opts.scenario.name(),
        concurrency: opts.concurrency.max(1),
        replies,
        peak_rss: peak_rss(),
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

/// The process's peak resident set (`VmHWM`), on Linux.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Handles `stream` with `workers` concurrent lanes (one member's messages
/// stay in order) and returns each message's kind, handling time and number
/// of replies.
async fn drive(engine: &Arc<Engine>, stream: Vec<Incoming>, workers: usize) -> Vec<(&'static str, Duration, usize)> {
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
                let replies = engine.handle(msg).await;
                latencies.push((kind_of(&msg.text), t.elapsed(), replies.len()));
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
