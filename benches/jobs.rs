//! `cargo bench --bench jobs`: the durable job queue's throughput on a
//! scratch SQLite file and, when `JIXIA_TEST_PG_URL` is set, on a scratch
//! PostgreSQL database: enqueue rate (one call per job, then concurrent
//! enqueuers), claim+complete rate with 1 and with 4 concurrent claimers
//! (batches of 50, as the scheduler claims), and a check that every job was
//! claimed and completed exactly once; for scale, the raw single-row insert
//! rate of the same database. Environment: `JIXIA_BENCH_JOBS` (jobs per
//! phase, default 10000).

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use jixia::store::jobs::{JobState, NewJob};
use jixia::store::{self, Store, scratch};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Concurrent enqueuers in the second enqueue phase.
const ENQUEUERS: usize = 4;
/// Jobs per claim, as `scheduler::run_jobs` claims them.
const BATCH: i64 = 50;

fn main() {
    jixia::bench::main(async {
        match bench().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("a job was not completed exactly once".into()),
            Err(e) => Err(e),
        }
    });
}

/// Runs every backend; `false` if the exactly-once check failed anywhere.
async fn bench() -> BenchResult<bool> {
    let jobs = std::env::var("JIXIA_BENCH_JOBS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_usize).max(1);
    let file = scratch::ScratchFile::new()?;
    let store = store::open(file.url(), &Default::default()).await?;
    let sqlite = run(store.clone(), jobs).await;
    store.close().await;
    let mut ok = sqlite?.print();
    if let Ok(url) = std::env::var("JIXIA_TEST_PG_URL") {
        println!();
        let db = scratch::ScratchDb::create(&jixia::secret::DbUrl::new(url)).await?;
        let store = store::open(db.url(), &Default::default()).await?;
        let pg = run(store.clone(), jobs).await;
        store.close().await;
        db.drop_db().await?;
        ok &= pg?.print();
    }
    Ok(ok)
}

/// The figures of one backend.
#[derive(Debug)]
struct Figures {
    backend: &'static str,
    jobs: usize,
    enqueue_one_by_one: f64,
    enqueue_concurrent: f64,
    /// (claimers, jobs/s, what the exactly-once check found).
    claim_complete: Vec<(usize, f64, Drained)>,
    /// Raw single-row inserts per second on the same database.
    raw: f64,
    /// Jobs per state at the end, from the store's own counts.
    done: i64,
    not_done: i64,
}

impl Figures {
    /// Prints one figure per line; returns whether every job ended done,
    /// claimed and completed exactly once.
    fn print(&self) -> bool {
        let line = |label: &str, value: String| println!("{label:<27}{value}");
        line("backend", self.backend.to_owned());
        line("jobs per phase", self.jobs.to_string());
        line("raw insert rate", format!("{:.0} rows/s (one row per commit)", self.raw));
        line("enqueue, one by one", format!("{:.0} jobs/s (one call per job)", self.enqueue_one_by_one));
        line(&format!("enqueue, {ENQUEUERS} enqueuers"), format!("{:.0} jobs/s", self.enqueue_concurrent));
        let mut ok = self.done == 2 * self.jobs as i64 && self.not_done == 0;
        let mut checks = Vec::new();
        for (claimers, rate, drained) in &self.claim_complete {
            let label = format!("claim+complete, {claimers} claimer{}", if *claimers == 1 { "" } else { "s" });
            line(&label, format!("{rate:.0} jobs/s (claims of {BATCH}, one complete per job)"));
            ok &= drained.exactly_once(self.jobs);
            checks.push(format!(
                "{claimers}: {} claimed, {} distinct, {} completed",
                drained.claims, drained.distinct, drained.completions
            ));
        }
        line(
            "exactly once",
            format!(
                "{} ({} done, {} not; {})",
                if ok { "yes" } else { "NO" },
                self.done,
                self.not_done,
                checks.join("; ")
            ),
        );
        ok
    }
}

/// What the claimers of one phase did.
#[derive(Debug, Default)]
struct Drained {
    /// Jobs handed out by `claim`, counting repeats.
    claims: usize,
    /// Distinct jobs handed out.
    distinct: usize,
    /// `complete` calls that returned `true`.
    completions: usize,
}

impl Drained {
    fn exactly_once(&self, jobs: usize) -> bool {
        self.claims == jobs && self.distinct == jobs && self.completions == jobs
    }
}

fn new_job(phase: &str, i: usize, due: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: "digest".into(),
        key: format!("bench:{phase}:{i}"),
        // The shape of a scheduled fire's payload.
        payload: serde_json::json!({
            "schedule": i % 100, "community": "default", "platform": "telegram",
            "chat_id": format!("-100{}", i % 100), "at_ms": due.timestamp_millis(),
        }),
        due,
        max_attempts: 3,
    }
}

/// Phase one: `jobs` jobs due at `t0`, enqueued one call at a time; phase
/// two: `jobs` more due an hour later, by [`ENQUEUERS`] tasks at once. Then
/// one claimer drains phase one (its clock at `t0`, so phase two is not due
/// yet) and four claimers drain phase two.
async fn run(store: Arc<Store>, jobs: usize) -> BenchResult<Figures> {
    let t0 = Utc::now();
    let t1 = t0 + Duration::hours(1);

    let started = Instant::now();
    for i in 0..jobs {
        store.jobs().enqueue(&new_job("one", i, t0), t0).await?;
    }
    let enqueue_one_by_one = jobs as f64 / started.elapsed().as_secs_f64().max(1e-9);

    let started = Instant::now();
    let mut tasks = Vec::new();
    for lane in 0..ENQUEUERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in (lane..jobs).step_by(ENQUEUERS) {
                store.jobs().enqueue(&new_job("many", i, t1), t0).await?;
            }
            Ok::<_, jixia::store::StoreError>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let enqueue_concurrent = jobs as f64 / started.elapsed().as_secs_f64().max(1e-9);

    let mut claim_complete = Vec::new();
    for (claimers, now) in [(1, t0), (4, t1)] {
        let started = Instant::now();
        let drained = drain(&store, claimers, now).await?;
        let rate = drained.completions as f64 / started.elapsed().as_secs_f64().max(1e-9);
        claim_complete.push((claimers, rate, drained));
    }

    let counts = store.queue_admin().job_counts().await?;
    let done = counts.iter().filter(|c| c.state == JobState::Done).map(|c| c.jobs).sum();
    let not_done = counts.iter().filter(|c| c.state != JobState::Done).map(|c| c.jobs).sum();
    let raw = store.diag().raw_insert_rate(2_000).await?;
    Ok(Figures {
        backend: store.backend_name(),
        jobs,
        raw,
        enqueue_one_by_one,
        enqueue_concurrent,
        claim_complete,
        done,
        not_done,
    })
}

/// `claimers` tasks claim due jobs in batches and complete each, until a
/// claim comes back empty.
async fn drain(store: &Arc<Store>, claimers: usize, now: DateTime<Utc>) -> BenchResult<Drained> {
    let mut tasks = Vec::new();
    for c in 0..claimers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let owner = format!("bench-{c}");
            let (mut claimed, mut completed) = (Vec::new(), 0_usize);
            loop {
                let jobs = store.jobs().claim(&owner, now, now + Duration::minutes(5), BATCH).await?;
                if jobs.is_empty() {
                    return Ok::<_, jixia::store::StoreError>((claimed, completed));
                }
                for job in jobs {
                    claimed.push(job.id);
                    completed += usize::from(store.jobs().complete(job.id, &owner, now).await?);
                }
            }
        }));
    }
    let mut drained = Drained::default();
    let mut distinct = HashSet::new();
    for task in tasks {
        let (claimed, completed) = task.await??;
        drained.claims += claimed.len();
        drained.completions += completed;
        distinct.extend(claimed);
    }
    drained.distinct = distinct.len();
    Ok(drained)
}
