//! The outbox between jobs and adapters: what a job produces is stored once
//! with the job's completion, a delivery that fails is retried with backoff
//! and then kept as failed, a message whose sender died is sent again after
//! its lease, and the first messages of many jobs go out before the second
//! ones. Then the scale-out case: two engines on one database, one of them
//! crashing at random, 1 000 digest schedules and 10 000 jobs; every job is
//! done, every fire enqueued once, every message stored once.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use common::{TestDb, t0};
use jixia::clock::{Clock, ManualClock};
use jixia::config::Config;
use jixia::rich::RichText;
use jixia::scheduler::outbox::{self, Receipt};
use jixia::scheduler::{JobKind, JobResult, LEASE_SECS};
use jixia::store::jobs::{Job, NewJob, OutboxState, Schedule};
use jixia::store::{self, Store};
use jixia::{Chat, Engine, Outgoing, Platform};

fn engine(store: Arc<Store>, clock: &ManualClock) -> Engine {
    let mut e = Engine::new(&Config::default(), store, Arc::new(clock.clone())).unwrap_or_else(|e| panic!("{e}"));
    e.register_job_kind(PROBE).unwrap_or_else(|e| panic!("{e}"));
    e
}

/// Runs counted per job key, across every engine of the test binary.
static RUNS: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

fn runs_of(prefix: &str) -> HashMap<String, usize> {
    let runs = RUNS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    runs.iter().flatten().filter(|(k, _)| k.starts_with(prefix)).map(|(k, n)| (k.clone(), *n)).collect()
}

/// A job that takes a moment and says its payload's `n` twice, into the
/// chat named in its payload.
const PROBE: JobKind = JobKind { name: "probe", max_attempts: 20, catch_up: |_| Duration::hours(6), run: probe };

/// Probe runs started per engine instance (the crash test waits for one
/// before it kills the instance, so the kill lands while it holds jobs).
static STARTED: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

fn started_by(instance: &str) -> usize {
    STARTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .flatten()
        .find(|(k, _)| *k == instance)
        .map_or(0, |(_, n)| *n)
}

fn probe<'a>(engine: &'a Engine, job: &'a Job) -> jixia::BoxFuture<'a, JobResult> {
    Box::pin(async move {
        *STARTED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_or_insert_default()
            .entry(engine.instance().to_owned())
            .or_insert(0) += 1;
        RUNS.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_or_insert_default()
            .entry(job.key.clone())
            .and_modify(|n| *n += 1)
            .or_insert(1);
        tokio::task::yield_now().await;
        let chat = job.payload["chat"].as_str().unwrap_or("-1").to_owned();
        let n = job.payload["n"].as_i64().unwrap_or_default();
        Ok(vec![
            Outgoing::post(Chat::group(Platform::Telegram, chat.clone()), RichText::plain(&format!("{n} first"))),
            Outgoing::post(Chat::group(Platform::Telegram, chat), RichText::plain(&format!("{n} second"))),
        ])
    })
}

fn probe_job(key: &str, n: i64, chat: &str, due: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: "probe".into(),
        key: key.into(),
        payload: serde_json::json!({ "n": n, "chat": chat }),
        due,
        max_attempts: PROBE.max_attempts,
    }
}

fn text(o: &Outgoing) -> String {
    o.body.to_plain()
}

async fn claim(e: &Engine, limit: usize) -> Vec<outbox::Delivery> {
    e.outbox_claim(Platform::Telegram, limit).await.unwrap_or_else(|e| panic!("{e}"))
}

// ---- one engine ----

async fn a_job_reruns_after_a_crash_but_its_messages_are_stored_once(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let (a, b) = (engine(db.store.clone(), &clock), engine(db.store.clone(), &clock));
    db.store.jobs().enqueue(&probe_job("crash-1", 1, "-100", t0()), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    // Instance A claims the job and dies before completing it.
    let held = db.store.jobs().claim(a.instance(), t0(), t0() + Duration::seconds(LEASE_SECS), 10).await;
    let held = held.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held.len(), 1);
    assert_eq!(jixia::scheduler::run_jobs(&b, b.instance(), t0()).await, 0, "A's lease holds");
    // After the lease, B runs it and stores its two messages.
    clock.advance(Duration::seconds(LEASE_SECS + 1));
    assert_eq!(jixia::scheduler::run_jobs(&b, b.instance(), clock_now(&clock)).await, 1);
    // A comes back and completes with the same output: refused, nothing stored.
    let late =
        db.store.jobs().complete(held[0].id, a.instance(), clock_now(&clock)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!late, "a lost lease cannot complete");
    let sent: Vec<String> = claim(&b, 10).await.iter().map(|d| text(&d.message)).collect();
    assert_eq!(sent, ["1 first", "1 second"]);
    assert!(claim(&b, 10).await.is_empty(), "claimed messages are not handed out twice");
}

fn clock_now(c: &ManualClock) -> DateTime<Utc> {
    jixia::clock::Clock::now(c)
}

async fn a_failed_delivery_is_retried_with_backoff_then_kept_as_failed(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let e = engine(db.store.clone(), &clock);
    db.store.jobs().enqueue(&probe_job("retry-1", 7, "-100", t0()), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    jixia::scheduler::run_jobs(&e, e.instance(), t0()).await;
    let first = claim(&e, 1).await;
    assert_eq!(first.len(), 1);
    for attempt in 1..=outbox::MAX_ATTEMPTS {
        let d = if attempt == 1 { first[0].clone() } else { claim(&e, 1).await.remove(0) };
        assert_eq!((text(&d.message).as_str(), d.attempt), ("7 first", attempt));
        e.outbox_settle(&d, Err("Bad Gateway".into())).await.unwrap_or_else(|e| panic!("{e}"));
        if attempt < outbox::MAX_ATTEMPTS {
            // Not before its backoff: the other message goes meanwhile.
            let waiting = claim(&e, 10).await;
            assert!(waiting.iter().all(|d| text(&d.message) == "7 second"), "retried too early");
            for d in waiting {
                e.outbox_settle(&d, Ok(())).await.unwrap_or_else(|e| panic!("{e}"));
            }
            clock.advance(outbox::retry_delay(attempt));
        }
    }
    clock.advance(Duration::days(1));
    assert!(claim(&e, 10).await.is_empty(), "failed for good");
    let failed = db.store.jobs().outbox_failed(10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].state, failed[0].last_error.as_deref()), (OutboxState::Failed, Some("Bad Gateway")));
    let counts = db.store.jobs().outbox_counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts, [("telegram".into(), "failed".into(), 1), ("telegram".into(), "sent".into(), 1)]);
}

async fn a_message_held_by_a_dead_sender_is_sent_again_after_its_lease(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let (a, b) = (engine(db.store.clone(), &clock), engine(db.store.clone(), &clock));
    db.store.jobs().enqueue(&probe_job("lease-1", 3, "-100", t0()), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    jixia::scheduler::run_jobs(&a, a.instance(), t0()).await;
    assert_eq!(claim(&a, 10).await.len(), 2, "A holds both and dies");
    assert!(claim(&b, 10).await.is_empty());
    clock.advance(Duration::seconds(outbox::LEASE_SECS + 1));
    let again = claim(&b, 10).await;
    assert_eq!(again.len(), 2);
    for d in &again {
        b.outbox_settle(d, Ok(())).await.unwrap_or_else(|e| panic!("{e}"));
    }
    // A wakes up and reports its old delivery: the row stays sent once.
    let stale = outbox::Delivery { attempt: 1, ..again[0].clone() };
    a.outbox_settle(&stale, Err("timeout".into())).await.unwrap_or_else(|e| panic!("{e}"));
    let counts = db.store.jobs().outbox_counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts, [("telegram".into(), "sent".into(), 2)]);
}

/// Replies an instance stores for itself are durable and already its own:
/// nobody else claims them while its lease runs, a replayed event stores
/// none again, another instance sends them after the lease, resuming at the
/// first part not recorded; progress never goes back; sent rows are pruned
/// after 30 days.
async fn held_replies_survive_their_instance_and_resume_at_their_part(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let (a, b) = (engine(db.store.clone(), &clock), engine(db.store.clone(), &clock));
    let reply = |text: &str| Outgoing::post(Chat::group(Platform::Telegram, "-100"), RichText::plain(text));
    let replies = [reply("签到成功"), reply("长回复")];
    let held = a.outbox_hold("reply:telegram:1:42", &replies).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held.iter().map(|d| (d.attempt, d.parts_sent)).collect::<Vec<_>>(), [(1, 0), (1, 0)]);
    let again = a.outbox_hold("reply:telegram:1:42", &replies).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.is_empty(), "the same event's replies are stored once");
    assert!(claim(&b, 10).await.is_empty(), "A holds them");

    // A delivers the first reply, and two parts of the second, then dies.
    a.outbox_settle(&held[0], Ok(())).await.unwrap_or_else(|e| panic!("{e}"));
    let jobs = db.store.jobs();
    assert!(jobs.outbox_progress(held[1].id, a.instance(), 2).await.unwrap_or_else(|e| panic!("{e}")));
    assert!(!jobs.outbox_progress(held[1].id, a.instance(), 1).await.unwrap_or_else(|e| panic!("{e}")), "never back");
    assert!(!jobs.outbox_progress(held[1].id, b.instance(), 3).await.unwrap_or_else(|e| panic!("{e}")), "not B's");
    clock.advance(Duration::seconds(outbox::LEASE_SECS + 1));
    let taken = claim(&b, 10).await;
    assert_eq!(taken.iter().map(|d| (text(&d.message), d.parts_sent)).collect::<Vec<_>>(), [("长回复".into(), 2)]);

    // B gets one part further and fails; the retry resumes there.
    let failed = outbox::Undelivered { parts_sent: 3, ..outbox::Undelivered::transient("500") };
    b.outbox_settle(&taken[0], Err(failed)).await.unwrap_or_else(|e| panic!("{e}"));
    clock.advance(outbox::retry_delay(taken[0].attempt));
    let retry = claim(&b, 10).await;
    assert_eq!(retry.iter().map(|d| (d.attempt, d.parts_sent)).collect::<Vec<_>>(), [(3, 3)]);
    b.outbox_settle(&retry[0], Ok(())).await.unwrap_or_else(|e| panic!("{e}"));

    let counts = || async { jobs.outbox_counts().await.unwrap_or_else(|e| panic!("{e}")) };
    assert_eq!(counts().await, [("telegram".into(), "sent".into(), 2)]);
    let pruned = jobs.outbox_prune(clock_now(&clock) - Duration::days(30)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pruned, 0, "kept 30 days");
    let pruned = jobs.outbox_prune(clock_now(&clock) + Duration::seconds(1)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pruned, 2);
    assert!(counts().await.is_empty());
}

/// A sender that is still sending keeps its messages however long it takes
/// (the pump renews their leases), and when its instance dies they go out
/// again one lease later: a minute, not ten.
async fn a_live_sender_keeps_its_messages_and_a_dead_ones_go_out_within_a_minute(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let (a, b) = (Arc::new(engine(db.store.clone(), &clock)), engine(db.store.clone(), &clock));
    db.store.jobs().enqueue(&probe_job("renew-1", 4, "-100", t0()), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    jixia::scheduler::run_jobs(&a, a.instance(), t0()).await;
    // A's sender takes both messages and is slow: it keeps their receipts.
    let held: Arc<Mutex<Vec<(Outgoing, Receipt)>>> = Arc::default();
    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    let hand = {
        let held = held.clone();
        move |m: Outgoing, r: Receipt| held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((m, r))
    };
    let pump = tokio::spawn(a.clone().pump_outbox(Platform::Telegram, hand, None, stop_rx));
    wait_for(|| async { (held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len() == 2).then_some(()) })
        .await;
    // The test's database is fresh: its rows are the first few ids.
    let mut ids = Vec::new();
    for id in 1..=10 {
        let m = db.store.jobs().outbox_message(id).await.unwrap_or_else(|e| panic!("{e}"));
        if m.is_some_and(|m| m.state == OutboxState::Sending) {
            ids.push(id);
        }
    }
    assert_eq!(ids.len(), 2, "both rows are being sent");
    // Two minutes, twice the lease, a renewal's step at a time: never free
    // for B.
    for _ in 0..120 / outbox::RENEW_SECS {
        clock.advance(Duration::seconds(outbox::RENEW_SECS));
        let now = clock.now();
        wait_for(|| async {
            let leases = leases_of(&db, &ids).await;
            leases.iter().all(|l| *l >= now + Duration::seconds(outbox::LEASE_SECS - 1)).then_some(())
        })
        .await;
        assert!(claim(&b, 10).await.is_empty(), "B took a message A is still sending");
    }
    // A dies holding them: B sends them one lease later.
    pump.abort();
    let _ = pump.await;
    clock.advance(Duration::seconds(outbox::LEASE_SECS - 5));
    assert!(claim(&b, 10).await.is_empty(), "not before the lease ends");
    clock.advance(Duration::seconds(6));
    assert_eq!(claim(&b, 10).await.len(), 2);
    const { assert!(outbox::LEASE_SECS <= 60, "a dead instance's messages wait a minute at most") };
}

/// The lease ends of these outbox rows.
async fn leases_of(db: &TestDb, ids: &[i64]) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    for id in ids {
        let m = db.store.jobs().outbox_message(*id).await.unwrap_or_else(|e| panic!("{e}"));
        out.push(m.and_then(|m| m.lease_until).unwrap_or_else(|| panic!("outbox {id} is not held")));
    }
    out
}

/// Polls `f` until it gives something, for at most 20 s.
async fn wait_for<T, F, Fut>(mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(t) = f().await {
            return t;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "waited 20 s in vain");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn first_messages_of_every_job_go_before_second_ones(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let e = engine(db.store.clone(), &clock);
    for n in 0..3 {
        db.store
            .jobs()
            .enqueue(&probe_job(&format!("fair-{n}"), n, &format!("-10{n}"), t0()), t0())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    jixia::scheduler::run_jobs(&e, e.instance(), t0()).await;
    let order: Vec<String> = claim(&e, 10).await.iter().map(|d| text(&d.message)).collect();
    assert_eq!(order, ["0 first", "1 first", "2 first", "0 second", "1 second", "2 second"]);
}

async fn the_pump_marks_what_the_sender_delivered(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let e = Arc::new(engine(db.store.clone(), &clock));
    for n in 0..40 {
        db.store
            .jobs()
            .enqueue(&probe_job(&format!("pump-{n}"), n, &format!("-20{n}"), t0()), t0())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    jixia::scheduler::run_jobs(&e, e.instance(), t0()).await;
    // A sender that refuses chat -2007 and delivers the rest, later.
    let handed = Arc::new(AtomicUsize::new(0));
    let hand = {
        let handed = handed.clone();
        move |out: Outgoing, receipt: Receipt| {
            handed.fetch_add(1, Ordering::SeqCst);
            if matches!(&out.to, jixia::message::Destination::Chat(c) if c.id == "-207") {
                receipt.failed("Forbidden: bot was kicked");
            }
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                drop(receipt);
            });
        }
    };
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let pump = tokio::spawn(e.clone().pump_outbox(Platform::Telegram, hand, None, stop));
    let want = vec![("telegram".to_owned(), "pending".to_owned(), 2), ("telegram".to_owned(), "sent".to_owned(), 78)];
    let mut counts = Vec::new();
    for _ in 0..200 {
        counts = db.store.jobs().outbox_counts().await.unwrap_or_else(|e| panic!("{e}"));
        if counts == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(true);
    let _ = pump.await;
    assert_eq!(counts, want, "78 sent, the kicked chat's two back in the queue for a retry");
    assert_eq!(handed.load(Ordering::SeqCst), 80);
}

async fn a_job_kind_is_registered_once(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let mut e = engine(db.store.clone(), &clock);
    let again = e.register_job_kind(PROBE).map_err(|e| e.to_string());
    assert_eq!(again, Err("job kind probe is registered twice".to_owned()));
    let digest = JobKind { name: "digest", ..PROBE };
    assert!(e.register_job_kind(digest).is_err(), "a feature's kind cannot be replaced");
    assert!(e.job_kind("probe").is_some() && e.job_kind("digest").is_some());
}

/// A job that panics.
const PANICKY: JobKind = JobKind { name: "panicky", max_attempts: 3, catch_up: |_| Duration::hours(6), run: panicky };

fn panicky<'a>(_engine: &'a Engine, job: &'a Job) -> jixia::BoxFuture<'a, JobResult> {
    Box::pin(async move {
        tokio::task::yield_now().await;
        let n = job.payload["n"].as_i64().unwrap_or_default();
        if n >= 0 {
            panic!("job {n} falls over");
        }
        Ok(Vec::new())
    })
}

/// A panic in a job is caught: the attempt fails (retried with backoff),
/// the tick goes on with the other jobs, and the next tick runs again.
async fn a_panicking_job_is_a_failed_attempt_and_the_tick_goes_on(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let mut e = engine(db.store.clone(), &clock);
    e.register_job_kind(PANICKY).unwrap_or_else(|e| panic!("{e}"));
    let jobs = db.store.jobs();
    let bad = NewJob { kind: "panicky".into(), ..probe_job("panics-1", 1, "-5", t0()) };
    jobs.enqueue(&bad, t0()).await.unwrap_or_else(|e| panic!("{e}"));
    jobs.enqueue(&probe_job("after-panic-1", 1, "-5", t0()), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    e.due().await;
    let failed = jobs.jobs_of_kind("panicky", None, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].state, failed[0].attempts), (jixia::store::jobs::JobState::Pending, 1));
    assert!(failed[0].last_error.as_deref().is_some_and(|m| m.contains("job 1 falls over")), "{failed:?}");
    let probes = jobs.jobs_of_kind("probe", None, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(probes[0].state, jixia::store::jobs::JobState::Done, "the other job ran in the same tick");
    // The scheduler still ticks.
    clock.advance(Duration::hours(1));
    jobs.enqueue(&probe_job("after-panic-2", 2, "-5", t0() + Duration::hours(1)), t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    e.due().await;
    let probes = jobs
        .jobs_of_kind("probe", Some(jixia::store::jobs::JobState::Done), 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(probes.len(), 2);
    let failed = jobs.jobs_of_kind("panicky", None, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(failed[0].attempts, 2, "retried after its backoff");
}

both_backends!(
    a_panicking_job_is_a_failed_attempt_and_the_tick_goes_on,
    a_job_kind_is_registered_once,
    a_job_reruns_after_a_crash_but_its_messages_are_stored_once,
    a_failed_delivery_is_retried_with_backoff_then_kept_as_failed,
    a_message_held_by_a_dead_sender_is_sent_again_after_its_lease,
    held_replies_survive_their_instance_and_resume_at_their_part,
    a_live_sender_keeps_its_messages_and_a_dead_ones_go_out_within_a_minute,
    first_messages_of_every_job_go_before_second_ones,
    the_pump_marks_what_the_sender_delivered,
);

// ---- two instances, one crashing ----

const SCHEDULES: usize = 1_000;
const JOBS: i64 = 10_000;
/// Simulated time, in one-minute steps: three hourly fires per schedule.
const STEPS: i64 = 3 * 60;

/// Both instances tick every simulated minute; instance A's tick is dropped
/// mid-flight at random (a crash) and A restarts with a new pool and name.
async fn two_instances_with_crashes_run_everything_exactly_once(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let start = t0() + Duration::seconds(30);
    clock.set(start);
    let hourly = jixia::scheduler::cron::CronExpr::parse("0 * * * *").unwrap_or_else(|e| panic!("{e}"));
    for i in 0..SCHEDULES {
        let s = Schedule {
            id: 0,
            community: "default".into(),
            platform: Platform::Telegram,
            chat_id: format!("-300{i}"),
            kind: "digest".into(),
            expr: hourly.expr.clone(),
            source: hourly.source.clone(),
            next: t0() + Duration::hours(1),
            created_by: None,
        };
        db.store.jobs().put_schedule(&s, start).await.unwrap_or_else(|e| panic!("{e}"));
    }
    for n in 0..JOBS {
        // Spread over the three hours, so every crash finds work in hand.
        let due = start + Duration::seconds(n % (STEPS * 60));
        let job = probe_job(&format!("scale-{n}"), n, &format!("-400{}", n % 500), due);
        db.store.jobs().enqueue(&job, start).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let open = || async { store::open(&db.url, &Default::default()).await.unwrap_or_else(|e| panic!("{e}")) };
    let b = Arc::new(engine(open().await, &clock));
    let mut a = Arc::new(engine(open().await, &clock));
    let mut crashes = 0;
    let mut rng_state: u64 = 0x5eed;
    let mut rand = move |n: u64| {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        rng_state % n
    };
    // Past the last fire with crashes, then without, long enough for any
    // lease A left to expire.
    for step in 0..STEPS + LEASE_SECS / 60 + 2 {
        clock.advance(Duration::minutes(1));
        let started_before = started_by(a.instance());
        let ta = {
            let a = a.clone();
            tokio::spawn(async move { jixia::scheduler::tick(&a, a.instance()).await })
        };
        let tb = {
            let b = b.clone();
            tokio::spawn(async move { jixia::scheduler::tick(&b, b.instance()).await })
        };
        if step < STEPS && rand(4) == 0 {
            // Killed once it has started a job of this tick (whatever the
            // machine's load), a random moment later.
            let waited = std::time::Instant::now();
            while started_by(a.instance()) == started_before
                && !ta.is_finished()
                && waited.elapsed() < std::time::Duration::from_secs(5)
            {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(rand(3))).await;
            ta.abort();
            let _ = ta.await;
            crashes += 1;
            a = Arc::new(engine(open().await, &clock));
        } else {
            let _ = ta.await;
        }
        let _ = tb.await;
    }
    assert!(crashes > 10, "the test crashed A only {crashes} times");

    // No job stuck, none failed, every probe job done.
    let states = job_states(&db).await;
    assert_eq!(states.get("pending"), None, "{states:?}");
    assert_eq!(states.get("running"), None, "{states:?}");
    assert_eq!(states.get("failed"), None, "{states:?}");
    let digests = i64::try_from(SCHEDULES * 3).unwrap_or_default();
    assert_eq!(states.get("done"), Some(&(JOBS + digests)), "{states:?}");
    // Every fire enqueued exactly once: three per schedule, at 10, 11, 12.
    let fires = digest_fires(&db).await;
    assert_eq!(fires.len(), SCHEDULES, "every schedule fired");
    let want: Vec<i64> = (1..=3).map(|h| (t0() + Duration::hours(h)).timestamp_millis()).collect();
    assert!(fires.values().all(|f| *f == want), "{:?}", fires.iter().find(|(_, f)| **f != want));
    // Every probe job's two messages are in the outbox exactly once, even
    // for the jobs that ran twice because A died holding them.
    let counts = db.store.jobs().outbox_counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts, [("telegram".into(), "pending".into(), JOBS * 2)]);
    let runs = runs_of("scale-");
    assert_eq!(runs.len(), usize::try_from(JOBS).unwrap_or_default(), "every probe job ran");
    let reruns: usize = runs.values().map(|n| n - 1).sum();
    // Jobs A held when it died were claimed again after their lease.
    let probes = db.store.jobs().jobs_of_kind("probe", None, JOBS).await.unwrap_or_else(|e| panic!("{e}"));
    let reclaimed = probes.iter().filter(|j| j.attempts > 1).count();
    assert!(reclaimed > 0, "no crash landed while A held jobs");
    eprintln!(
        "scale-out: {crashes} crashes of A; {reclaimed} jobs claimed again after a crash, \
         {reruns} of them had run before it (their messages stored once)"
    );
}

async fn job_states(db: &TestDb) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for c in db.store.queue_admin().job_counts().await.unwrap_or_else(|e| panic!("{e}")) {
        *out.entry(c.state.as_str().to_owned()).or_default() += c.jobs;
    }
    out
}

/// Digest job fires per schedule, from the job keys (`digest:ID:MS`).
async fn digest_fires(db: &TestDb) -> BTreeMap<i64, Vec<i64>> {
    let mut out: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for job in db.store.jobs().jobs_of_kind("digest", None, 100_000).await.unwrap_or_else(|e| panic!("{e}")) {
        let key = job.key;
        let mut parts = key.split(':').skip(1).map(|p| p.parse::<i64>().unwrap_or(-1));
        let (Some(schedule), Some(at)) = (parts.next(), parts.next()) else { panic!("key {key}") };
        out.entry(schedule).or_default().push(at);
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    out
}

mod scale_out {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(db) = crate::common::TestDb::postgres().await {
            super::two_instances_with_crashes_run_everything_exactly_once(db).await;
        }
    }
}
