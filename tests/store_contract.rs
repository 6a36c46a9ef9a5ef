//! The store contract: the same cases against SQLite and PostgreSQL, each on
//! a fresh database.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{TestDb, t0};
use jixia::Platform;
use jixia::i18n::Locale;
use jixia::store::jobs::{JobState, NewJob};
use jixia::store::queue_admin::{JobCount, JobSummary};
use jixia::store::{LinkOutcome, MemberId};

both_backends!(
    first_sight_creates_one_member,
    name_changes_are_refreshed,
    concurrent_first_messages_create_one_member,
    accounts_are_scoped_by_community,
    locale_is_stored_and_cleared,
    link_code_links_and_is_used_up,
    link_code_expires,
    own_code_is_already_linked,
    new_code_replaces_the_old_one,
    codes_do_not_cross_communities,
    merged_member_resolves_to_the_kept_one,
    raw_insert_rate_is_measured,
    queue_admin_lists_and_counts,
);

async fn first_sight_creates_one_member(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1001", "Alice", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let again = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1001", "Alice", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, again);
    assert_eq!(a.display_name, "Alice");
    assert_eq!(a.joined_at, t0());
    assert_eq!(a.locale, None);
    let b = s
        .members()
        .member_for_account("pg", Platform::Discord, "1001", "Alice", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(a.id, b.id, "the same user id on another platform is another account");
    let found = s.members().find_account("pg", Platform::Telegram, "1001").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.map(|m| m.id), Some(a.id));
    assert_eq!(s.members().find_account("pg", Platform::Telegram, "404").await.unwrap_or_else(|e| panic!("{e}")), None);
}

async fn name_changes_are_refreshed(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "Alice", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let renamed = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "Alice Zhang", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(renamed.id, a.id);
    assert_eq!(renamed.display_name, "Alice Zhang");
    let accounts = s.members().accounts(a.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].display_name, "Alice Zhang");
    let later = t0() + Duration::hours(1);
    s.members()
        .member_for_account("pg", Platform::Telegram, "1", "Alice Zhang", later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let accounts = s.members().accounts(a.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(accounts[0].last_seen, later);
}

async fn concurrent_first_messages_create_one_member(db: TestDb) {
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = Arc::clone(&db.store);
        tasks.push(tokio::spawn(async move {
            store.members().member_for_account("pg", Platform::Telegram, "42", "Bob", t0()).await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        let member = t.await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}"));
        ids.push(member.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one account, one member: {ids:?}");
}

async fn accounts_are_scoped_by_community(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b = s
        .members()
        .member_for_account("rust", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(a.id, b.id);
    assert_eq!(b.community, "rust");
}

async fn locale_is_stored_and_cleared(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.members().set_locale(a.id, Some(Locale::En)).await.unwrap_or_else(|e| panic!("{e}"));
    let m = s.members().member(a.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.and_then(|m| m.locale), Some(Locale::En));
    s.members().set_locale(a.id, None).await.unwrap_or_else(|e| panic!("{e}"));
    let m = s.members().member(a.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.and_then(|m| m.locale), None);
    assert_eq!(s.members().member(MemberId(999_999)).await.unwrap_or_else(|e| panic!("{e}")), None);
}

async fn link_code_links_and_is_used_up(db: TestDb) {
    let s = &db.store;
    let tg = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "Alice", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let later = t0() + Duration::days(3);
    let dc = s
        .members()
        .member_for_account("pg", Platform::Discord, "9", "alice#9", later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.members().set_locale(dc.id, Some(Locale::En)).await.unwrap_or_else(|e| panic!("{e}"));
    let put = s.links().put_link_code("pg", "ABC234", tg.id, later, later + Duration::minutes(10)).await;
    assert!(put.unwrap_or_else(|e| panic!("{e}")));
    let out = s
        .links()
        .redeem_link_code("pg", "ABC234", dc.id, later, &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::Linked { kept: tg.id, merged: dc.id });
    let accounts = s.members().accounts(tg.id).await.unwrap_or_else(|e| panic!("{e}"));
    let platforms: Vec<Platform> = accounts.iter().map(|a| a.platform).collect();
    assert_eq!(platforms, [Platform::Telegram, Platform::Discord]);
    let kept =
        s.members().member(tg.id).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("kept member"));
    assert_eq!(kept.locale, Some(Locale::En), "the merged member's language choice carries over");
    assert_eq!(kept.joined_at, t0(), "joined at the earliest of the two");
    let via_discord = s
        .members()
        .member_for_account("pg", Platform::Discord, "9", "alice#9", later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(via_discord.id, tg.id);
    let again = s
        .links()
        .redeem_link_code("pg", "ABC234", dc.id, later, &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, LinkOutcome::Unknown, "a code is used once");
}

async fn link_code_expires(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b =
        s.members().member_for_account("pg", Platform::Discord, "2", "B", t0()).await.unwrap_or_else(|e| panic!("{e}"));
    s.links()
        .put_link_code("pg", "EXP234", a.id, t0(), t0() + Duration::minutes(10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let late = t0() + Duration::minutes(11);
    let out = s
        .links()
        .redeem_link_code("pg", "EXP234", b.id, late, &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::Expired);
    assert_eq!(s.members().accounts(a.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 1, "nothing merged");
    let out = s
        .links()
        .redeem_link_code("pg", "EXP234", b.id, late, &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::Unknown, "an expired code is removed");
}

async fn own_code_is_already_linked(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.links()
        .put_link_code("pg", "OWN234", a.id, t0(), t0() + Duration::minutes(10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let out = s
        .links()
        .redeem_link_code("pg", "OWN234", a.id, t0(), &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::AlreadyLinked);
}

async fn new_code_replaces_the_old_one(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b =
        s.members().member_for_account("pg", Platform::Discord, "2", "B", t0()).await.unwrap_or_else(|e| panic!("{e}"));
    let exp = t0() + Duration::minutes(10);
    s.links().put_link_code("pg", "OLD234", a.id, t0(), exp).await.unwrap_or_else(|e| panic!("{e}"));
    s.links().put_link_code("pg", "NEW234", a.id, t0(), exp).await.unwrap_or_else(|e| panic!("{e}"));
    let taken = s.links().put_link_code("pg", "NEW234", b.id, t0(), exp).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!taken, "a code in use cannot be handed out twice");
    let out = s
        .links()
        .redeem_link_code("pg", "OLD234", b.id, t0(), &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::Unknown);
    let out = s
        .links()
        .redeem_link_code("pg", "NEW234", b.id, t0(), &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::Linked { kept: a.id, merged: b.id });
}

async fn codes_do_not_cross_communities(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b = s
        .members()
        .member_for_account("rust", Platform::Discord, "2", "B", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.links()
        .put_link_code("pg", "XCM234", a.id, t0(), t0() + Duration::minutes(10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let out = s
        .links()
        .redeem_link_code("rust", "XCM234", b.id, t0(), &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, LinkOutcome::Unknown);
}

async fn merged_member_resolves_to_the_kept_one(db: TestDb) {
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b =
        s.members().member_for_account("pg", Platform::Discord, "2", "B", t0()).await.unwrap_or_else(|e| panic!("{e}"));
    let c =
        s.members().member_for_account("pg", Platform::Console, "c", "C", t0()).await.unwrap_or_else(|e| panic!("{e}"));
    let exp = t0() + Duration::minutes(10);
    // b absorbs c, then a absorbs b: c's id must still lead to a.
    s.links().put_link_code("pg", "BBB234", b.id, t0(), exp).await.unwrap_or_else(|e| panic!("{e}"));
    s.links()
        .redeem_link_code("pg", "BBB234", c.id, t0(), &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.links().put_link_code("pg", "AAA234", a.id, t0(), exp).await.unwrap_or_else(|e| panic!("{e}"));
    s.links()
        .redeem_link_code("pg", "AAA234", b.id, t0(), &jixia::features::merge_hooks())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for old in [b.id, c.id] {
        let m = s.members().member(old).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.map(|m| m.id), Some(a.id));
    }
    assert_eq!(s.members().accounts(a.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 3);
}

async fn raw_insert_rate_is_measured(db: TestDb) {
    let rate = db.store.diag().raw_insert_rate(50).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(rate.is_finite() && rate > 0.0, "{rate}");
    // The probe leaves nothing behind and can run again.
    let again = db.store.diag().raw_insert_rate(10).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again > 0.0);
}

/// The operator's view of the queue: failed jobs newest change first with
/// their last error, and counts per state and kind in lifecycle order.
async fn queue_admin_lists_and_counts(db: TestDb) {
    let s = &db.store;
    let ok = |r: Result<bool, jixia::store::StoreError>| r.unwrap_or_else(|e| panic!("{e}"));
    let job = |kind: &str, key: &str, max_attempts| NewJob {
        kind: kind.into(),
        key: key.into(),
        payload: serde_json::json!({}),
        due: t0(),
        max_attempts,
    };
    for (kind, key) in [("digest", "d1"), ("digest", "d2"), ("reminder", "r1"), ("reminder", "r2")] {
        assert!(ok(s.jobs().enqueue(&job(kind, key, 1), t0()).await));
    }
    let later = NewJob { due: t0() + Duration::hours(1), ..job("digest", "later", 3) };
    assert!(ok(s.jobs().enqueue(&later, t0()).await));
    let lease = t0() + Duration::minutes(5);
    let claimed = s.jobs().claim("w", t0(), lease, 4).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(claimed.len(), 4);
    let by_key = |k: &str| claimed.iter().find(|j| j.key == k).map(|j| j.id).unwrap_or_else(|| panic!("{k}"));
    let fail = |id, at| s.jobs().fail(id, "w", "boom", at + Duration::seconds(30), at);
    assert_eq!(fail(by_key("d1"), t0() + Duration::seconds(1)).await.ok().flatten(), Some(JobState::Failed));
    assert_eq!(fail(by_key("r1"), t0() + Duration::seconds(2)).await.ok().flatten(), Some(JobState::Failed));
    assert!(ok(s.jobs().complete(by_key("d2"), "w", t0() + Duration::seconds(3)).await));

    let failed = s.queue_admin().jobs_in_state(JobState::Failed, 10).await.unwrap_or_else(|e| panic!("{e}"));
    let summary = |key: &str, kind: &str, at| JobSummary {
        id: by_key(key),
        kind: kind.into(),
        key: key.into(),
        state: JobState::Failed,
        attempts: 1,
        max_attempts: 1,
        last_error: Some("boom".into()),
        due: at + Duration::seconds(30),
        changed: at,
    };
    assert_eq!(
        failed,
        [summary("r1", "reminder", t0() + Duration::seconds(2)), summary("d1", "digest", t0() + Duration::seconds(1))]
    );
    assert_eq!(s.queue_admin().jobs_in_state(JobState::Failed, 1).await.map(|j| j.len()).ok(), Some(1), "limit");

    let counts = s.queue_admin().job_counts().await.unwrap_or_else(|e| panic!("{e}"));
    let count = |state, kind: &str, jobs, due, changed| JobCount {
        state,
        kind: kind.into(),
        jobs,
        oldest_due: due,
        last_changed: changed,
    };
    assert_eq!(
        counts,
        [
            count(JobState::Pending, "digest", 1, t0() + Duration::hours(1), t0()),
            count(JobState::Running, "reminder", 1, t0(), t0()),
            count(JobState::Failed, "digest", 1, t0() + Duration::seconds(31), t0() + Duration::seconds(1)),
            count(JobState::Failed, "reminder", 1, t0() + Duration::seconds(32), t0() + Duration::seconds(2)),
            count(JobState::Done, "digest", 1, t0(), t0() + Duration::seconds(3)),
        ]
    );
}
