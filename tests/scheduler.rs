//! The scheduler as moderators and operators see it: digests scheduled with
//! cron in the community's time zone, caught up once after downtime, DST
//! rules, and the job queue's guarantees (idempotent enqueue, exclusive
//! claims, lease expiry, retries then failure). Store and conversation cases
//! run on SQLite and on PostgreSQL.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{TestChat, TestDb, Who, is_dm_to, only, t0, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::i18n::Locale;
use jixia::scheduler::cron::CronExpr;
use jixia::store::jobs::{JobState, NewJob};
use jixia::{Chat, Engine, Platform};

fn group() -> Chat {
    Chat::group(Platform::Telegram, "-1001")
}

fn moderator() -> Who {
    Who::telegram("9", "Mo")
}

fn config(locale: Locale) -> Config {
    let mut c = Config::default();
    c.communities.insert(
        "default".into(),
        CommunityConfig { moderators: vec!["telegram:9".into()], locale, ..Default::default() },
    );
    c
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn job(key: &str, due: DateTime<Utc>, max_attempts: i64) -> NewJob {
    NewJob { kind: "digest".into(), key: key.into(), payload: serde_json::json!({"n": key}), due, max_attempts }
}

// ---- the job queue ----

async fn enqueue_is_idempotent(db: TestDb) {
    let s = &db.store;
    assert!(s.jobs().enqueue(&job("a", t0(), 3), t0()).await.unwrap_or_else(|e| panic!("{e}")));
    assert!(!s.jobs().enqueue(&job("a", t0() + Duration::hours(1), 3), t0()).await.unwrap_or_else(|e| panic!("{e}")));
    let claimed = s.jobs().claim("one", t0(), t0() + Duration::minutes(5), 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].due, t0(), "the second enqueue changed nothing");
    assert_eq!(claimed[0].payload, serde_json::json!({"n": "a"}));
}

async fn claims_are_exclusive(db: TestDb) {
    let s = db.store.clone();
    for i in 0..60 {
        s.jobs().enqueue(&job(&format!("j{i}"), t0(), 3), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let claimer = |name: &'static str| {
        let s = s.clone();
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let jobs =
                    s.jobs().claim(name, t0(), t0() + Duration::minutes(5), 4).await.unwrap_or_else(|e| panic!("{e}"));
                if jobs.is_empty() {
                    return got;
                }
                got.extend(jobs.into_iter().map(|j| j.id));
            }
        })
    };
    let (a, b) = (claimer("a"), claimer("b"));
    let (a, b) = (a.await.unwrap_or_default(), b.await.unwrap_or_default());
    let all: HashSet<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(a.len() + b.len(), 60, "every job claimed once");
    assert_eq!(all.len(), 60, "no job claimed twice");
}

async fn expired_lease_is_reclaimed(db: TestDb) {
    let s = &db.store;
    s.jobs().enqueue(&job("x", t0(), 3), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    let lease = t0() + Duration::minutes(5);
    let first = s.jobs().claim("dead", t0(), lease, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.len(), 1);
    let early = s.jobs().claim("alive", t0() + Duration::minutes(4), lease, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(early.is_empty(), "a live lease is respected");
    let later = t0() + Duration::minutes(6);
    let again =
        s.jobs().claim("alive", later, later + Duration::minutes(5), 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert!(
        !s.jobs().complete(first[0].id, "dead", later).await.unwrap_or_else(|e| panic!("{e}")),
        "the old owner lost it"
    );
    assert!(s.jobs().complete(first[0].id, "alive", later).await.unwrap_or_else(|e| panic!("{e}")));
    let done = s.jobs().job(first[0].id).await.unwrap_or_else(|e| panic!("{e}")).map(|j| j.state);
    assert_eq!(done, Some(JobState::Done));
}

async fn failures_retry_with_backoff_then_stay_failed(db: TestDb) {
    let s = &db.store;
    s.jobs().enqueue(&job("f", t0(), 2), t0()).await.unwrap_or_else(|e| panic!("{e}"));
    let lease = |t: DateTime<Utc>| t + Duration::minutes(5);
    let j = s.jobs().claim("w", t0(), lease(t0()), 1).await.unwrap_or_else(|e| panic!("{e}"));
    let retry_at = t0() + jixia::scheduler::backoff(j[0].attempts);
    let state = s.jobs().fail(j[0].id, "w", "boom", retry_at, t0()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state, Some(JobState::Pending));
    let soon = t0() + Duration::seconds(10);
    assert!(
        s.jobs().claim("w", soon, lease(soon), 1).await.unwrap_or_else(|e| panic!("{e}")).is_empty(),
        "backing off"
    );
    let j = s.jobs().claim("w", retry_at, lease(retry_at), 1).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(j.len(), 1);
    let state = s.jobs().fail(j[0].id, "w", "boom again", retry_at, retry_at).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state, Some(JobState::Failed));
    let later = retry_at + Duration::days(1);
    assert!(s.jobs().claim("w", later, lease(later), 1).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    let failed = s.jobs().failed_jobs(10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_error.as_deref(), Some("boom again"));
    assert!(s.jobs().retry_job(failed[0].id, later).await.unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(s.jobs().claim("w", later, lease(later), 1).await.unwrap_or_else(|e| panic!("{e}")).len(), 1);
}

// ---- digests in conversation ----

/// At 08:59 Shanghai, the moderator schedules a daily 09:00 digest.
async fn scheduled_at_0859(db: TestDb, locale: Locale) -> TestChat {
    scheduled_at_0859_with(db, &config(locale)).await
}

async fn scheduled_at_0859_with(db: TestDb, config: &Config) -> TestChat {
    let mut chat = TestChat::new(db, config);
    chat.clock.set(t0() - Duration::minutes(1));
    let out = chat.say(&group(), &moderator(), "/digest schedule \"0 9 * * *\"").await;
    let reply = only(&out);
    assert!(reply.contains("0 9 * * *") && reply.contains("2026-12-01 09:00"), "{reply}");
    chat
}

async fn activity(chat: &mut TestChat) {
    for (who, text) in
        [(Who::telegram("1", "Ann"), "how do I tune autovacuum on a big table?"), (Who::telegram("2", "Bo"), "签到")]
    {
        chat.say(&group(), &who, text).await;
    }
    chat.say(&group(), &Who::telegram("2", "Bo"), "/checkin").await;
    chat.due().await;
}

async fn digest_arrives_at_nine_in_chinese(db: TestDb) {
    let mut chat = scheduled_at_0859(db, Locale::Zh).await;
    activity(&mut chat).await;
    chat.clock.advance(Duration::minutes(2));
    let out = chat.due().await;
    let text = only(&out);
    assert!(text.contains("社区摘要") && text.contains("贡献榜") && text.contains("Ann"), "{text}");
    assert!(matches!(&out[0].to, jixia::message::Destination::Chat(c) if *c == group()));
    assert!(chat.due().await.is_empty(), "one fire, one digest");
}

async fn digest_in_english(db: TestDb) {
    let mut chat = scheduled_at_0859(db, Locale::En).await;
    activity(&mut chat).await;
    chat.clock.advance(Duration::minutes(2));
    let text = only(&chat.due().await);
    assert!(text.contains("digest") && text.contains("Top contributors") && text.contains("Ann"), "{text}");
}

/// The FAQ's section: the entry added in the period, and the entries the
/// bot pointed members to most.
async fn digest_lists_new_and_most_used_faq_entries(db: TestDb) {
    let mut chat = scheduled_at_0859(db, Locale::Zh).await;
    let add = "/faq add backup 怎么备份数据库？\n逻辑备份用 pg_dump，物理备份用 pg_basebackup。\n标签：运维";
    let added = only(&chat.say(&group(), &moderator(), add).await);
    assert!(added.contains("backup"), "{added}");
    let redirect = chat.say(&group(), &Who::telegram("1", "Ann"), "请问怎么备份数据库？").await;
    assert!(only(&redirect).contains("pg_dump"), "{:?}", texts(&redirect));
    chat.clock.advance(Duration::minutes(2));
    let text = only(&chat.due().await);
    assert!(text.contains("新增 FAQ（1 条）") && text.contains("backup：怎么备份数据库？"), "{text}");
    assert!(text.contains("最常被引用的 FAQ") && text.contains("backup：怎么备份数据库？（1 次）"), "{text}");
}

async fn empty_digest_is_not_sent(db: TestDb) {
    let chat = scheduled_at_0859(db, Locale::Zh).await;
    chat.clock.advance(Duration::minutes(2));
    assert!(chat.due().await.is_empty());
}

async fn missed_fires_run_once_after_downtime(db: TestDb) {
    // A weekly period, so the activity before the downtime is still news.
    let mut c = config(Locale::Zh);
    c.features.digest.period_hours = 24 * 7;
    let mut chat = scheduled_at_0859_with(db, &c).await;
    activity(&mut chat).await;
    // Down for three days; back at 11:00, two hours after the last fire.
    chat.clock.advance(Duration::days(3) + Duration::hours(2));
    let out = chat.due().await;
    assert_eq!(out.len(), 1, "{:?}", texts(&out));
    chat.clock.advance(Duration::minutes(5));
    assert!(chat.due().await.is_empty());
}

async fn too_old_fire_is_skipped(db: TestDb) {
    let mut chat = scheduled_at_0859(db, Locale::Zh).await;
    activity(&mut chat).await;
    // Back at 16:00, seven hours after 09:00 (the default catch-up age is 6 h).
    chat.clock.advance(Duration::hours(7) + Duration::minutes(1));
    assert!(chat.due().await.is_empty(), "too late: skipped");
    chat.say(&group(), &Who::telegram("1", "Ann"), "still tuning autovacuum, any more ideas?").await;
    chat.clock.set(t0() + Duration::days(1) + Duration::minutes(1));
    assert_eq!(chat.due().await.len(), 1, "the next day's fire runs");
}

async fn two_instances_send_one_digest(db: TestDb) {
    let mut chat = scheduled_at_0859(db, Locale::Zh).await;
    activity(&mut chat).await;
    let other = Arc::new(
        Engine::new(&config(Locale::Zh), chat.db.store.clone(), Arc::new(chat.clock.clone()))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    chat.clock.advance(Duration::minutes(2));
    let (a, b) = tokio::join!(common::due_and_sent(&chat.engine), common::due_and_sent(&other));
    assert_eq!(a.len() + b.len(), 1, "{:?} / {:?}", texts(&a), texts(&b));
}

async fn moderator_commands(db: TestDb) {
    let mut chat = TestChat::new(db, &config(Locale::En));
    let member = Who::telegram("1", "Ann");
    let out = chat.say(&group(), &member, "/digest schedule \"0 9 * * *\"").await;
    assert!(only(&out).contains("moderator"), "{:?}", texts(&out));
    let out = chat.say(&group(), &moderator(), "/digest schedule every morning").await;
    assert!(only(&out).contains("can't read the schedule"), "{:?}", texts(&out));
    let out = chat.say(&group(), &moderator(), "/digest sometimes").await;
    assert_eq!(out.len(), 1, "unknown sub-command answered");
    let out = chat.say(&group(), &moderator(), "/digest schedule 30 8 * * 1-5").await;
    assert!(only(&out).contains("2026-12-02 08:30"), "Wednesday is a weekday: {:?}", texts(&out));
    let out = chat.say(&group(), &member, "/digest status").await;
    assert!(only(&out).contains("30 8 * * 1-5"));
    chat.say(&group(), &member, "a message long enough to earn points").await;
    let out = chat.say(&group(), &moderator(), "/digest preview").await;
    assert_eq!(out.len(), 2);
    // The preview privately, then (once it was delivered) a word in the group.
    assert!(is_dm_to(&out[0], &moderator()) && out[0].body.to_plain().contains("Ann"));
    assert!(out[1].body.to_plain().contains("privately"), "{}", out[1].body.to_plain());
    let out = chat.say(&group(), &moderator(), "/digest now").await;
    assert!(only(&out).contains("Top contributors"));
    let out = chat.say(&group(), &moderator(), "/digest off").await;
    assert!(only(&out).contains("off"));
    let out = chat.say(&group(), &member, "/digest status").await;
    assert!(only(&out).contains("No digest"));
}

both_backends!(
    enqueue_is_idempotent,
    claims_are_exclusive,
    expired_lease_is_reclaimed,
    failures_retry_with_backoff_then_stay_failed,
    digest_arrives_at_nine_in_chinese,
    digest_in_english,
    digest_lists_new_and_most_used_faq_entries,
    empty_digest_is_not_sent,
    missed_fires_run_once_after_downtime,
    too_old_fire_is_skipped,
    two_instances_send_one_digest,
    moderator_commands,
);

// ---- cron and DST (no database) ----

fn fires(expr: &str, tz: chrono_tz::Tz, from: &str, n: usize) -> Vec<DateTime<Utc>> {
    let e = CronExpr::parse(expr).unwrap_or_else(|e| panic!("{e}"));
    let mut t = at(from);
    let mut out = Vec::new();
    for _ in 0..n {
        let Some(f) = e.next_after(tz, t) else { break };
        out.push(f);
        t = f;
    }
    out
}

#[test]
fn sunday_is_zero_or_seven_and_names_work() {
    let tz = chrono_tz::Asia::Shanghai;
    // 2026-12-06 is a Sunday.
    for e in ["0 9 * * 0", "0 9 * * 7", "0 9 * * sun", "0 9 * * Sunday"] {
        assert_eq!(fires(e, tz, "2026-12-01T00:00:00+08:00", 1), vec![at("2026-12-06T09:00:00+08:00")], "{e}");
    }
    assert_eq!(fires("0 9 * * 1-5", tz, "2026-12-04T10:00:00+08:00", 1), vec![at("2026-12-07T09:00:00+08:00")]);
}

/// `0 0 29 2 MON` is "Mondays in February, and 29 February" in Unix cron,
/// not "29 February when it is a Monday" (next in 2044).
#[test]
fn day_of_month_or_day_of_week_fires_on_either() {
    let tz = chrono_tz::Asia::Shanghai;
    assert_eq!(
        fires("0 0 29 2 MON", tz, "2026-12-01T09:00:00+08:00", 2),
        vec![at("2027-02-01T00:00:00+08:00"), at("2027-02-08T00:00:00+08:00")],
        "the first Mondays of February 2027"
    );
    // 2028-02-28 is a Monday, 2028-02-29 a Tuesday: both fire, then the
    // first Monday of the next February.
    assert_eq!(
        fires("0 0 29 2 MON", tz, "2028-02-27T12:00:00+08:00", 3),
        vec![at("2028-02-28T00:00:00+08:00"), at("2028-02-29T00:00:00+08:00"), at("2029-02-05T00:00:00+08:00")]
    );
    // As the scheduler re-reads it from the store, and from a row stored
    // before the OR rule (the crate's AND form).
    let typed = CronExpr::parse("0 0 29 2 MON").unwrap_or_else(|e| panic!("{e}"));
    for expr in [typed.expr.as_str(), "0 0 0 29 2 MON"] {
        let stored = CronExpr::stored(expr, &typed.source).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.next_after(tz, at("2026-12-01T09:00:00+08:00")), Some(at("2027-02-01T00:00:00+08:00")));
    }
}

#[test]
fn spring_forward_moves_a_missing_time_to_the_next_valid_one() {
    let ny = chrono_tz::America::New_York;
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    let f = fires("30 2 * * *", ny, "2026-03-07T12:00:00-05:00", 3);
    assert_eq!(
        f,
        vec![at("2026-03-08T03:00:00-04:00"), at("2026-03-09T02:30:00-04:00"), at("2026-03-10T02:30:00-04:00")]
    );
}

#[test]
fn fall_back_fires_a_repeated_time_once() {
    let ny = chrono_tz::America::New_York;
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    let f = fires("30 1 * * *", ny, "2026-10-31T12:00:00-04:00", 3);
    assert_eq!(
        f,
        vec![at("2026-11-01T01:30:00-04:00"), at("2026-11-02T01:30:00-05:00"), at("2026-11-03T01:30:00-05:00")]
    );
    // Every 20 minutes through the repeated hour: each wall time once.
    let f = fires("*/20 1 * * *", ny, "2026-11-01T00:50:00-04:00", 4);
    assert_eq!(
        f[..3],
        [at("2026-11-01T01:00:00-04:00"), at("2026-11-01T01:20:00-04:00"), at("2026-11-01T01:40:00-04:00")]
    );
    assert_eq!(f[3], at("2026-11-02T01:00:00-05:00"));
}
