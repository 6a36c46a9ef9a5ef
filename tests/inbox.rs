//! The inbox of platform updates (at-least-once intake) on both backends:
//! recording is de-duplicated by (source, update id) within a batch and
//! across batches, states only move forward, open updates come back in
//! order, the last id says where to resume, pruning keeps each source's
//! newest row; and the group commit in front of it ([`jixia::intake`]).

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{TestDb, t0};
use jixia::clock::ManualClock;
use jixia::config::Config;
use jixia::intake::Intake;
use jixia::rich::RichText;
use jixia::store::inbox::{InboxState, Mark, NewUpdate};
use jixia::{Chat, Engine, Outgoing, Platform};

fn update(source: &str, id: i64) -> NewUpdate {
    NewUpdate { source: source.into(), update_id: id, payload: format!("{{\"update_id\":{id}}}") }
}

fn mark(id: i64, state: InboxState, replies: Option<&str>) -> Mark {
    Mark { source: "telegram:1".into(), update_id: id, state, replies: replies.map(str::to_owned) }
}

async fn records_once_and_moves_forward(db: TestDb) {
    let inbox = db.store.inbox();
    let fresh = inbox
        .record(&[update("telegram:1", 1), update("telegram:1", 2), update("telegram:1", 2)], t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fresh, [true, true, false], "the same update twice in a batch is new once");
    let fresh = inbox
        .record(&[update("telegram:1", 2), update("telegram:1", 3), update("telegram:2", 2)], t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fresh, [false, true, true], "a redelivery is not new; another bot's id is");
    assert_eq!(inbox.last_update_id("telegram:1").await.unwrap_or_else(|e| panic!("{e}")), Some(3));
    assert_eq!(inbox.last_update_id("telegram:9").await.unwrap_or_else(|e| panic!("{e}")), None);

    inbox
        .mark(&[mark(1, InboxState::Handled, Some("[]")), mark(2, InboxState::Done, None)], t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // A late `handled` does not undo `done`.
    inbox.mark(&[mark(2, InboxState::Handled, Some("[1]"))], t0()).await.unwrap_or_else(|e| panic!("{e}"));
    let open = inbox.open("telegram:1", 10).await.unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<(i64, InboxState, Option<&str>)> =
        open.iter().map(|u| (u.update_id, u.state, u.replies.as_deref())).collect();
    assert_eq!(got, [(1, InboxState::Handled, Some("[]")), (3, InboxState::Received, None)]);
    assert_eq!(open[1].payload, "{\"update_id\":3}");

    // Pruning: done rows older than the cut go, but each source's newest
    // row stays (it says where to resume).
    inbox
        .mark(&[mark(1, InboxState::Done, None), mark(3, InboxState::Done, None)], t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let pruned = inbox.prune(t0() + Duration::days(3)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pruned, 2);
    assert_eq!(inbox.last_update_id("telegram:1").await.unwrap_or_else(|e| panic!("{e}")), Some(3));
    let counts = inbox.counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        counts,
        [("telegram:1".to_owned(), "done".to_owned(), 1), ("telegram:2".to_owned(), "received".to_owned(), 1)]
    );
}

/// Many concurrent callers (webhook requests, workers) through the group
/// commit: each learns whether its update was new; marks land.
async fn the_group_commit_answers_every_caller(db: TestDb) {
    let clock = ManualClock::frozen(t0());
    let engine =
        Arc::new(Engine::new(&Config::default(), db.store.clone(), Arc::new(clock)).unwrap_or_else(|e| panic!("{e}")));
    let (intake, writer) = Intake::spawn(engine, "telegram:5");
    let mut calls = Vec::new();
    for i in 0..200_i64 {
        let intake = intake.clone();
        // Every update twice: one of the two is new.
        calls.push(tokio::spawn(async move { intake.record(vec![(i / 2, format!("{{\"n\":{i}}}"))]).await }));
    }
    let mut new = 0;
    for c in calls {
        let fresh = c.await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}"));
        new += fresh.iter().filter(|f| **f).count();
    }
    assert_eq!(new, 100);
    let reply = Outgoing::post(Chat::group(Platform::Telegram, "-1"), RichText::plain("hi"));
    for i in 0..100 {
        let replies = if i % 2 == 0 { vec![reply.clone()] } else { Vec::new() };
        intake.handled(i, &replies).await.unwrap_or_else(|e| panic!("{e}"));
    }
    for i in (0..10).step_by(2) {
        intake.done(i);
    }
    assert!(intake.open().await.is_ok());
    drop(intake);
    writer.await.unwrap_or_else(|e| panic!("{e}"));
    let open = db.store.inbox().open("telegram:5", 1000).await.unwrap_or_else(|e| panic!("{e}"));
    // Even ids owe a reply (the first five were sent); odd ones owed none.
    assert!(open.iter().all(|u| u.update_id % 2 == 0 && u.state == InboxState::Handled));
    let counts = db.store.inbox().counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        counts,
        [("telegram:5".to_owned(), "done".to_owned(), 55), ("telegram:5".to_owned(), "handled".to_owned(), 45)]
    );
    let stored: Vec<Outgoing> = serde_json::from_str(open.last().and_then(|u| u.replies.as_deref()).unwrap_or("[]"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored, [reply]);
}

both_backends!(records_once_and_moves_forward, the_group_commit_answers_every_caller);
