//! The bench's scenarios do the work they say, on both backends: `ping`
//! answers every message, `checkin` is each member's first check-in of the
//! day with every other one continuing yesterday's streak, `chat` answers
//! nothing and earns activity points; the ledger is clean after each.
//! (Speed is measured with `cargo bench` and `jixia bench`, never here.)

mod common;

use common::TestDb;
use jixia::Platform;
use jixia::bench::{BenchOptions, Scenario, run};

fn small(scenario: Scenario, concurrency: usize) -> BenchOptions {
    BenchOptions { scenario, messages: 60, members: 20, chats: 3, concurrency, raw_rows: 10, llm: false }
}

async fn ping_answers_every_message_one_at_a_time(db: TestDb) {
    let report = run(db.store.clone(), small(Scenario::Ping, 1)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.scenario, report.concurrency), ("ping", 1));
    assert_eq!((report.messages, report.commands, report.replies), (60, 60, 60));
    assert!(report.ledger_clean);
    let kinds: Vec<(&str, usize)> = report.kinds.iter().filter(|k| k.count > 0).map(|k| (k.kind, k.count)).collect();
    assert_eq!(kinds, [("/ping", 60)]);
    assert!(report.summary().contains("scenario           ping (1 in flight)"), "{}", report.summary());
}

async fn checkin_is_each_members_first_of_the_day_half_continuing_a_streak(db: TestDb) {
    let report = run(db.store.clone(), small(Scenario::Checkin, 4)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.messages, report.replies), (60, 60), "a member per message, each answered");
    assert!(report.ledger_clean);
    let community = "default";
    for (member, days) in [("0", 2), ("1", 1), ("58", 2), ("59", 1)] {
        let account = db.store.members().find_account(community, Platform::Telegram, member).await;
        let id = account.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("member {member}")).id;
        let checked = db.store.checkin().checkin_days(community, id, 10).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.len(), days, "member {member}: {checked:?}");
        if let [today, yesterday] = checked.as_slice() {
            assert_eq!(today.day - yesterday.day, chrono::Duration::days(1), "a streak of two days");
        }
    }
}

async fn chat_answers_nothing_and_earns_activity_points(db: TestDb) {
    let report = run(db.store.clone(), small(Scenario::Chat, 8)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.messages, report.commands, report.replies), (60, 0, 0));
    assert!(report.movements > 0 && report.ledger_clean);
    assert!(report.peak_rss.is_some_and(|b| b > 1_000_000), "peak RSS read from /proc: {:?}", report.peak_rss);
}

#[test]
fn scenarios_are_named_as_the_command_line_takes_them() {
    for s in Scenario::ALL {
        assert_eq!(Scenario::parse(s.name()), Some(s));
    }
    assert_eq!(Scenario::parse("pings"), None);
    assert_eq!(Scenario::default(), Scenario::Mix);
}

both_backends!(
    ping_answers_every_message_one_at_a_time,
    checkin_is_each_members_first_of_the_day_half_continuing_a_streak,
    chat_answers_nothing_and_earns_activity_points,
);
