//! `/dashboard` as moderators meet it: the login link goes by direct
//! message (a group only hears where it went), members are told it is for
//! moderators, a bot without a dashboard says so; and the link works once,
//! for ten minutes, on any instance sharing the database. Every case runs
//! on SQLite and on PostgreSQL.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::cast::{alice, group, mo};
use common::{TestChat, TestDb, is_dm_to, only, texts};
use jixia::Engine;
use jixia::config::{CommunityConfig, Config};
use jixia::features::dashboard::{self, Refused};
use jixia::secret::Secret;

/// Mo moderates the default community; the dashboard is on behind
/// `https://bot.example.org`.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.http.listen = "127.0.0.1:9464".into();
    c.dashboard.enabled = true;
    c.dashboard.base_url = "https://bot.example.org/".into();
    c.dashboard.secret = Some(Secret::new("a test secret of at least 32 bytes, not a real one"));
    c
}

/// The token of the login link in a message.
fn token_in(text: &str) -> String {
    let at =
        text.find("https://bot.example.org/dashboard/login?token=").unwrap_or_else(|| panic!("no link in {text:?}"));
    text[at..].split_once("token=").map(|(_, t)| t).unwrap_or("").chars().take_while(char::is_ascii_hexdigit).collect()
}

async fn a_moderator_gets_the_link_by_direct_message(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let out = chat.say(&group(), &mo(), "/dashboard").await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert!(is_dm_to(&out[0], &mo()), "the link goes privately: {:?}", out[0].to);
    let link = out[0].body.to_plain();
    assert!(link.contains("10 分钟内有效"), "{link}");
    assert_eq!(token_in(&link).len(), 96, "{link}");
    assert!(!is_dm_to(&out[1], &mo()));
    assert_eq!(out[1].body.to_plain(), "登录链接已私信发给你。如果没收到，先私聊机器人一次再试。");

    // In private, the answer is the link itself; the alias works too.
    let out = chat.say(&mo().dm(), &mo(), "/后台").await;
    assert_eq!(token_in(&only(&out)).len(), 96);
}

async fn a_member_is_told_it_is_for_moderators(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let reply = only(&chat.say(&group(), &alice(), "/dashboard").await);
    assert_eq!(reply, "/dashboard 需要版主权限。");
    assert!(!reply.contains("token="), "{reply}");
}

async fn without_a_dashboard_the_bot_says_so(db: TestDb) {
    let mut off = config();
    off.dashboard.enabled = false;
    let mut chat = TestChat::new(db, &off);
    let reply = only(&chat.say(&group(), &mo(), "/dashboard").await);
    assert!(reply.starts_with("本机器人未开启网页后台"), "{reply}");
}

async fn a_link_works_once_on_any_instance_for_ten_minutes(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let first = token_in(&only(&chat.say(&mo().dm(), &mo(), "/dashboard").await));

    // A second instance on the same database redeems it...
    let store = jixia::store::open(&chat.db.url, &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    let other = Engine::new(&common::with_test_chats(&config()), store, Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let (cookie, visitor) =
        dashboard::redeem(&other, &first).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!((visitor.community.id.as_str(), visitor.member.display_name.as_str()), ("default", "Mo"));
    // ...the session it opened is known to the first...
    let session = dashboard::session(&chat.engine, &cookie).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(session, Some(Ok(ref v)) if v.member.id == visitor.member.id), "{session:?}");
    // ...and the link does nothing more, on either.
    for engine in [&chat.engine, &Arc::new(other)] {
        assert_eq!(
            dashboard::redeem(engine, &first).await.unwrap_or_else(|e| panic!("{e}")).err(),
            Some(Refused::Used)
        );
    }

    // Another link, opened eleven minutes late.
    let late = token_in(&only(&chat.say(&mo().dm(), &mo(), "/dashboard").await));
    chat.clock.advance(Duration::minutes(11));
    assert_eq!(
        dashboard::redeem(&chat.engine, &late).await.unwrap_or_else(|e| panic!("{e}")).err(),
        Some(Refused::Expired)
    );

    // One changed digit, or one never made: nothing opens.
    let mut changed = token_in(&only(&chat.say(&mo().dm(), &mo(), "/dashboard").await)).into_bytes();
    changed[3] = if changed[3] == b'a' { b'b' } else { b'a' };
    let changed = String::from_utf8(changed).unwrap_or_default();
    assert_eq!(
        dashboard::redeem(&chat.engine, &changed).await.unwrap_or_else(|e| panic!("{e}")).err(),
        Some(Refused::Tampered)
    );
    assert_eq!(
        dashboard::redeem(&chat.engine, "").await.unwrap_or_else(|e| panic!("{e}")).err(),
        Some(Refused::Tampered)
    );

    // Logging out ends the session everywhere.
    assert!(dashboard::logout(&chat.engine, &cookie).await.unwrap_or_else(|e| panic!("{e}")));
    assert!(dashboard::session(&chat.engine, &cookie).await.unwrap_or_else(|e| panic!("{e}")).is_none());
}

both_backends!(
    a_moderator_gets_the_link_by_direct_message,
    a_member_is_told_it_is_for_moderators,
    without_a_dashboard_the_bot_says_so,
    a_link_works_once_on_any_instance_for_ten_minutes,
);
