//! The QQ adapter against a fake OneBot v11 implementation (no QQ, no
//! network): the real adapter and a real engine on a scratch SQLite
//! database, members talking in a group, the implementation failing
//! actions, dropping the socket and falling silent; in reverse and forward
//! mode; and `jixia run` as an operator starts it.

#[path = "support/onebot.rs"]
mod onebot;
#[path = "support/operator.rs"]
mod operator;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use jixia::clock::SystemClock;
use jixia::config::{Config, QqMode};
use jixia::rich::RichText;
use jixia::secret::Secret;
use jixia::store::inbox::{InboxState, Mark, NewUpdate};
use jixia::store::jobs::NewOutboxMessage;
use jixia::store::{self, Store, scratch::ScratchFile};
use jixia::{Chat, Engine, Incoming, Outgoing, Platform, Sender};
use jixia_bots::qq::{Qq, QqError};
use onebot::{Answer, Call, FakeOneBot, SELF_ID, group_message, heartbeat, private_message, text};
use serde_json::json;
use tokio::sync::oneshot;
use tokio::time::Instant;

const TOKEN: &str = "onebot-token-sekrit";
const GROUP: i64 = 123_456_789;
const ALICE: i64 = 1001;
const BOB: i64 = 1002;

/// The adapter running with a real engine, and the fake connected to it.
struct Harness {
    fake: FakeOneBot,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), QqError>>,
    engine: Arc<Engine>,
    store: Arc<Store>,
    _db: ScratchFile,
}

/// Inbox rows a crashed run left: events received, or handled with the
/// replies they still owe.
type Left = Vec<(serde_json::Value, Option<Vec<Outgoing>>)>;

/// A config whose pace is out of the way unless a test sets it; the
/// conversations' group belongs to the community.
fn config() -> Config {
    let mut config = Config::default();
    config.qq.enabled = true;
    config.qq.listen = "127.0.0.1:0".into();
    config.qq.access_token = Some(Secret::new(TOKEN));
    config.qq.chat_per_second = 100;
    config.qq.account_per_minute = 100_000;
    config.qq.jitter_ms = 0;
    config.qq.action_timeout_seconds = 5;
    config.default_community_mut().chats.push(format!("qq:{GROUP}"));
    config
}

impl Harness {
    /// Reverse mode: the fake connects (and reconnects after a drop, as
    /// NapCat does).
    async fn reverse(edit: impl FnOnce(&mut Config)) -> Harness {
        Harness::reverse_after(edit, Vec::new()).await
    }

    /// The same, started on an inbox holding what a crash `left`.
    async fn reverse_after(edit: impl FnOnce(&mut Config), left: Left) -> Harness {
        let fake = FakeOneBot::new();
        let (qq, h) = Harness::start_after(fake.clone(), edit, left).await;
        let addr = qq.unwrap_or_else(|| panic!("reverse mode listens"));
        fake.connect(&addr.to_string(), Some(TOKEN), true).await.unwrap_or_else(|s| panic!("refused: {s}"));
        h.logged_in().await;
        h
    }

    async fn start(fake: FakeOneBot, edit: impl FnOnce(&mut Config)) -> (Option<std::net::SocketAddr>, Harness) {
        Harness::start_after(fake, edit, Vec::new()).await
    }

    async fn start_after(
        fake: FakeOneBot,
        edit: impl FnOnce(&mut Config),
        left: Left,
    ) -> (Option<std::net::SocketAddr>, Harness) {
        let mut config = config();
        edit(&mut config);
        let db = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
        let store = store::open(db.url(), &config.database.store_options()).await.unwrap_or_else(|e| panic!("{e}"));
        let source = format!("qq:{SELF_ID}");
        let now = chrono::Utc::now();
        for (event, owed) in left {
            let update_id = jixia_bots::qq::event::update_id(&event).unwrap_or_else(|| panic!("an id for {event}"));
            let row = NewUpdate { source: source.clone(), update_id, payload: event.to_string() };
            store.inbox().record(&[row], now).await.unwrap_or_else(|e| panic!("{e}"));
            if let Some(owed) = owed {
                let replies = Some(serde_json::to_string(&owed).unwrap_or_else(|e| panic!("{e}")));
                let mark = Mark { source: source.clone(), update_id, state: InboxState::Handled, replies };
                store.inbox().mark(&[mark], now).await.unwrap_or_else(|e| panic!("{e}"));
            }
        }
        let engine =
            Arc::new(Engine::new(&config, store.clone(), Arc::new(SystemClock)).unwrap_or_else(|e| panic!("{e}")));
        let qq = Qq::start(engine.clone(), &config.qq).await.unwrap_or_else(|e| panic!("{e}"));
        let addr = qq.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(qq.run(async move {
            let _ = stopped.await;
        }));
        (addr, Harness { fake, stop: Some(stop), task, engine, store, _db: db })
    }

    async fn logged_in(&self) {
        self.fake.wait_until(Duration::from_secs(10), |c| c.iter().any(|c| c.action == "get_login_info")).await;
    }

    /// Stops the adapter as Ctrl-C would; it must end cleanly and soon.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match tokio::time::timeout(Duration::from_secs(20), &mut self.task).await {
            Ok(Ok(Ok(()))) => {}
            other => panic!("the adapter did not stop cleanly: {other:?}"),
        }
    }

    async fn say(&self, id: i64, user: i64, name: &str, message: serde_json::Value) {
        self.fake.push(group_message(id, GROUP, user, name, "member", message)).await;
    }
}

fn texts(calls: &[Call]) -> Vec<(String, Option<String>)> {
    calls.iter().map(|c| (c.text(), c.reply_to())).collect()
}

#[tokio::test]
async fn a_group_conversation_with_ats_replies_and_a_private_chat() {
    let h = Harness::reverse(|_| {}).await;
    h.say(10, ALICE, "Alice", text("/ping")).await;
    // Addressed by an `at` of the bot, as a legacy CQ string.
    h.say(11, BOB, "Bob", json!(format!("[CQ:at,qq={SELF_ID}] ping"))).await;
    let sent = h.fake.sent(2).await;
    assert_eq!(
        texts(&sent),
        [("pong 🏓".to_owned(), Some("10".to_owned())), ("pong 🏓".to_owned(), Some("11".to_owned()))]
    );
    assert!(sent.iter().all(|c| c.action == "send_group_msg" && c.group() == Some(GROUP)));

    h.fake.push(private_message(12, BOB, "Bob", "/lang en")).await;
    let sent = h.fake.sent(3).await;
    assert_eq!(sent[2].action, "send_private_msg");
    assert_eq!(sent[2].params["user_id"], BOB);
    assert_eq!(sent[2].text(), "OK, I will speak English with you from now on.");
    h.stop().await;
}

/// The group's owner and admins are moderators there (`sender.role`); a
/// member is not.
#[tokio::test]
async fn group_admins_are_moderators_and_members_are_not() {
    let h = Harness::reverse(|_| {}).await;
    // `/whois @Carol`, the `at` picked from QQ's member list.
    let carol =
        json!([{"type": "text", "data": {"text": "/whois "}}, {"type": "at", "data": {"qq": "1004", "name": "Carol"}}]);
    let whois = |id, user, name, role| group_message(id, GROUP, user, name, role, carol.clone());
    h.fake.push(whois(20, BOB, "Bob", "member")).await;
    h.fake.push(whois(21, ALICE, "Alice", "admin")).await;
    h.fake.push(whois(22, 1003, "Owner", "owner")).await;
    let sent = h.fake.sent(3).await;
    assert!(sent[0].text().contains("权限"), "bob is refused: {}", sent[0].text());
    for s in &sent[1..] {
        assert!(!s.text().contains("权限") && s.text().contains("Carol"), "admins may: {}", s.text());
    }
    h.stop().await;
}

/// The socket drops before the check-in's reply is answered, and after the
/// reconnect the implementation delivers the same event again: one
/// check-in, one reply; the reply owed was sent again, not lost.
#[tokio::test]
async fn a_dropped_socket_loses_no_reply_and_handles_no_event_twice() {
    let h = Harness::reverse(|_| {}).await;
    h.fake.rule("send_group_msg", Some(GROUP), Answer::Drop, 1);
    let checkin = group_message(30, GROUP, ALICE, "Alice", "member", json!(format!("[CQ:at,qq={SELF_ID}] 签到")));
    h.fake.push(checkin.clone()).await;
    let sent = h.fake.sent(1).await;
    assert!(sent[0].text().starts_with("✅ 签到成功"), "{}", sent[0].text());
    assert_eq!(sent[0].reply_to().as_deref(), Some("30"));
    let (connections, _) = h.fake.connections();
    assert_eq!(connections, 2, "the fake reconnected after dropping the socket");
    h.fake.push(checkin).await;
    h.say(31, ALICE, "Alice", text("/ping")).await;
    let sent = h.fake.sent(2).await;
    assert_eq!(sent[1].text(), "pong 🏓", "no second check-in reply: {:?}", texts(&sent));
    let attempts = h.fake.calls().iter().filter(|c| c.is_send() && c.reply_to().as_deref() == Some("30")).count();
    assert_eq!(attempts, 2, "sent once into the dropped socket, once after");
    // Both events are done in the inbox, the repeated one never recorded twice.
    let done = [(format!("qq:{SELF_ID}"), "done".to_owned(), 2)];
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let counts = h.store.inbox().counts().await.unwrap_or_else(|e| panic!("{e}"));
        if counts == done {
            break;
        }
        assert!(Instant::now() < deadline, "inbox: {counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.stop().await;
}

/// Forward mode: jixia connects with the token; when the implementation
/// falls silent after announcing heartbeats, jixia drops the connection
/// and connects again, and the conversation goes on.
#[tokio::test]
async fn forward_mode_reconnects_after_a_silent_connection() {
    let fake = FakeOneBot::new();
    let url = fake.serve_forward(TOKEN).await;
    let (addr, h) = Harness::start(fake, |c| {
        c.qq.mode = QqMode::Forward;
        c.qq.url = Some(url);
    })
    .await;
    assert_eq!(addr, None);
    h.logged_in().await;
    h.say(40, ALICE, "Alice", text("/ping")).await;
    h.fake.sent(1).await;
    // A heartbeat every 100 ms is announced, then nothing: dead after 300 ms.
    let silent_from = Instant::now();
    h.fake.push(heartbeat(100)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.fake.connections() != (2, 1) {
        assert!(Instant::now() < deadline, "connections (opened, closed by jixia): {:?}", h.fake.connections());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(silent_from.elapsed() >= Duration::from_millis(300), "not dropped before three intervals");
    h.say(41, ALICE, "Alice", text("/ping")).await;
    let sent = h.fake.sent(2).await;
    assert_eq!(texts(&sent)[1], ("pong 🏓".to_owned(), Some("41".to_owned())));
    h.stop().await;
}

fn post(group: i64, n: usize) -> NewOutboxMessage {
    NewOutboxMessage {
        key: format!("digest:{group}#{n}"),
        part: i64::try_from(n).unwrap_or_default(),
        message: Outgoing::post(Chat::group(Platform::Qq, group.to_string()), RichText::plain(&format!("摘要 {n}"))),
        max_attempts: 5,
    }
}

/// The most calls in any window of `width` among sorted instants.
fn densest(times: &[Instant], width: Duration) -> usize {
    times.iter().enumerate().map(|(i, t)| times[i..].iter().take_while(|u| **u < *t + width).count()).max().unwrap_or(0)
}

/// 200 scheduled messages for four groups leave the outbox at the pace set
/// (here 20 a second per group, 100 a second for the account): at the
/// fake, no second holds more than a group's or the account's share.
#[tokio::test]
async fn a_fan_out_of_200_messages_keeps_the_pace() {
    let h = Harness::reverse(|c| {
        c.qq.chat_per_second = 20;
        c.qq.account_per_minute = 6000;
        c.qq.jitter_ms = 5;
    })
    .await;
    let groups = [GROUP, 2001, 2002, 2003];
    let rows: Vec<_> = (0..50).flat_map(|n| groups.map(|g| post(g, n))).collect();
    h.store.jobs().outbox_push(&rows, chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}"));
    let sent = h.fake.sent(200).await;
    let all: Vec<Instant> = sent.iter().map(|c| c.at).collect();
    // Arrival times wobble by a few milliseconds; a window of 0.95 s cannot
    // hold two sends that were a full gap apart at each end.
    let window = Duration::from_millis(950);
    assert!(densest(&all, window) <= 100, "the account sent {} in {window:?}", densest(&all, window));
    let mut per_group: BTreeMap<i64, Vec<&Call>> = BTreeMap::new();
    for c in &sent {
        per_group.entry(c.group().unwrap_or_default()).or_default().push(c);
    }
    assert_eq!(per_group.keys().copied().collect::<Vec<_>>(), [2001, 2002, 2003, GROUP]);
    for (group, calls) in &per_group {
        let times: Vec<Instant> = calls.iter().map(|c| c.at).collect();
        assert_eq!(times.len(), 50);
        assert!(densest(&times, window) <= 20, "group {group}: {} in {window:?}", densest(&times, window));
        let texts: Vec<String> = calls.iter().map(|c| c.text()).collect();
        let want: Vec<String> = (0..50).map(|n| format!("摘要 {n}")).collect();
        assert_eq!(texts, want, "group {group} gets its messages in order");
    }
    let span = all.last().map_or(Duration::ZERO, |l| l.duration_since(all[0]));
    assert!(span >= Duration::from_millis(49 * 50 * 9 / 10), "paced, not burst: 200 messages in {span:?}");
    h.stop().await;
}

/// When the account's pace is the tighter one, groups take turns: a digest
/// for two groups does not send all of one group's messages first.
#[tokio::test]
async fn groups_take_turns_at_the_accounts_pace() {
    let h = Harness::reverse(|c| {
        c.qq.chat_per_second = 100;
        c.qq.account_per_minute = 3000;
    })
    .await;
    let rows: Vec<_> = (0..10).flat_map(|n| [post(GROUP, n), post(2001, n)]).collect();
    h.store.jobs().outbox_push(&rows, chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}"));
    let sent = h.fake.sent(20).await;
    let first_half: Vec<i64> = sent[..10].iter().filter_map(Call::group).collect();
    let ours = first_half.iter().filter(|g| **g == GROUP).count();
    assert!((4..=6).contains(&ours), "turns, not one group's queue first: {first_half:?}");
    h.stop().await;
}

/// Outbox rows and failures: "too fast" is waited out and sent again; "not
/// in the group" keeps the row as failed at once with QQ's reason, tried
/// once.
#[tokio::test]
async fn too_fast_is_retried_and_a_refusal_is_kept_with_its_reason() {
    const GONE: i64 = 777;
    let h = Harness::reverse(|_| {}).await;
    h.fake.rule("send_group_msg", Some(GROUP), Answer::Fail(100, "SEND_MSG_API_ERROR: 发送频繁"), 1);
    h.fake.rule("send_group_msg", Some(GONE), Answer::Fail(200, "机器人不在该群"), u32::MAX);
    h.store
        .jobs()
        .outbox_push(&[post(GROUP, 0), post(GONE, 0)], chrono::Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sent = h.fake.sent(1).await;
    assert_eq!(sent[0].text(), "摘要 0");
    let tries: Vec<Call> = h.fake.calls().into_iter().filter(|c| c.group() == Some(GROUP)).collect();
    assert_eq!(tries.len(), 2);
    assert!(tries[1].at.duration_since(tries[0].at) >= Duration::from_secs(1), "the pause after 发送频繁");
    let deadline = Instant::now() + Duration::from_secs(10);
    let failed = loop {
        let failed = h.store.jobs().outbox_failed(10).await.unwrap_or_else(|e| panic!("{e}"));
        let counts = h.store.jobs().outbox_counts().await.unwrap_or_else(|e| panic!("{e}"));
        if !failed.is_empty() && counts.iter().any(|(_, state, _)| state == "sent") {
            break failed;
        }
        assert!(Instant::now() < deadline, "outbox: {counts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].last_error.as_deref().is_some_and(|e| e.contains("机器人不在该群")),
        "{:?}",
        failed[0].last_error
    );
    assert_eq!(failed[0].attempts, 1, "refused for good: not retried");
    assert_eq!(h.fake.calls().iter().filter(|c| c.group() == Some(GONE)).count(), 1);
    h.stop().await;
}

/// A direct message QQ refuses (the member is not a friend): the group the
/// request came from hears it once, and the next one is not even tried.
#[tokio::test]
async fn a_refused_direct_message_is_said_once_in_the_group() {
    let h = Harness::reverse(|_| {}).await;
    h.fake.rule("send_private_msg", None, Answer::Fail(200, "对方不是你的好友"), u32::MAX);
    h.say(50, BOB, "Bob", text("/link")).await;
    let sent = h.fake.sent(1).await;
    assert_eq!(sent[0].action, "send_group_msg");
    assert!(sent[0].text().contains("加我为好友"), "{}", sent[0].text());
    assert_eq!(sent[0].reply_to().as_deref(), Some("50"));
    h.say(51, BOB, "Bob", text("/link")).await;
    h.say(52, BOB, "Bob", text("/ping")).await;
    let sent = h.fake.sent(3).await;
    assert!(sent[1].text().contains("加我为好友"), "{:?}", texts(&sent));
    assert_eq!(sent[2].text(), "pong 🏓");
    let dms = h.fake.calls().iter().filter(|c| c.action == "send_private_msg").count();
    assert_eq!(dms, 1, "the second one was not tried");
    h.stop().await;
}

/// A moderator's reply with `/faq ID` to a member's question: the reply's
/// target is looked up (`get_msg`), so the redirect quotes the question.
#[tokio::test]
async fn a_reply_is_looked_up_and_answered_in_place() {
    let h = Harness::reverse(|_| {}).await;
    h.say(60, BOB, "Bob", text("大家好")).await;
    let reply = json!([{"type": "reply", "data": {"id": "60"}}, {"type": "text", "data": {"text": "/ping"}}]);
    h.fake.push(group_message(61, GROUP, ALICE, "Alice", "admin", reply)).await;
    let sent = h.fake.sent(1).await;
    assert_eq!(texts(&sent), [("pong 🏓".to_owned(), Some("61".to_owned()))]);
    let lookups: Vec<_> = h.fake.calls().into_iter().filter(|c| c.action == "get_msg").collect();
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].params["message_id"], 60);
    h.stop().await;
}

/// QQ refuses a reply to a message it no longer knows (recalled, too old):
/// the answer goes again without the quote instead of being lost.
#[tokio::test]
async fn a_refused_quote_is_dropped_not_the_answer() {
    let h = Harness::reverse(|_| {}).await;
    h.fake.rule("send_group_msg", Some(GROUP), Answer::Fail(200, "回复的消息不存在"), 1);
    h.say(75, ALICE, "Alice", text("/ping")).await;
    let sent = h.fake.sent(1).await;
    assert_eq!(texts(&sent), [("pong 🏓".to_owned(), None)]);
    let tries: Vec<Option<String>> = h.fake.calls().iter().filter(|c| c.is_send()).map(Call::reply_to).collect();
    assert_eq!(tries, [Some("75".to_owned()), None]);
    h.stop().await;
}

/// The implementation hangs up; it connects again and the chat goes on.
#[tokio::test]
async fn a_hang_up_is_survived() {
    let h = Harness::reverse(|_| {}).await;
    h.fake.hang_up();
    h.say(70, ALICE, "Alice", text("/ping")).await;
    let sent = h.fake.sent(1).await;
    assert_eq!(sent[0].text(), "pong 🏓");
    assert_eq!(h.fake.connections().0, 2);
    h.stop().await;
}

/// What a crash left in the inbox is taken up once the implementation is
/// back: a received event is handled, a handled one has its owed reply
/// sent; and the same event delivered again is not handled twice.
#[tokio::test]
async fn events_left_by_a_crash_are_taken_up_at_start() {
    let received = group_message(80, GROUP, ALICE, "Alice", "member", text("/ping"));
    let handled = group_message(81, GROUP, BOB, "Bob", "member", text("/checkin"));
    let mut owed = Outgoing::post(Chat::group(Platform::Qq, GROUP.to_string()), RichText::plain("欠你的回复"));
    owed.reply_to = Some("81".into());
    let h = Harness::reverse_after(|_| {}, vec![(received.clone(), None), (handled, Some(vec![owed]))]).await;
    let sent = h.fake.sent(2).await;
    assert_eq!(
        texts(&sent),
        [("pong 🏓".to_owned(), Some("80".to_owned())), ("欠你的回复".to_owned(), Some("81".to_owned()))],
        "in event order"
    );
    h.fake.push(received).await;
    h.say(82, ALICE, "Alice", text("/ping")).await;
    let sent = h.fake.sent(3).await;
    assert_eq!(texts(&sent)[2], ("pong 🏓".to_owned(), Some("82".to_owned())), "80 was not handled again");
    h.stop().await;
}

/// Forward mode to an implementation logged in to another account than
/// `qq.self_id`: the adapter stops with an error naming both.
#[tokio::test]
async fn another_account_than_self_id_is_an_error() {
    let fake = FakeOneBot::new();
    let url = fake.serve_forward(TOKEN).await;
    let (_, h) = Harness::start(fake, |c| {
        c.qq.mode = QqMode::Forward;
        c.qq.url = Some(url);
        c.qq.self_id = Some("10001".into());
    })
    .await;
    let ended = tokio::time::timeout(Duration::from_secs(10), h.task).await;
    let Ok(Ok(Err(e))) = ended else { panic!("the adapter should stop with an error: {ended:?}") };
    assert_eq!(
        e.to_string(),
        format!("the OneBot implementation is logged in as QQ {SELF_ID}, but qq.self_id is 10001")
    );
}

/// `get_login_info` fails (the implementation is still logging in): jixia
/// asks again; with `qq.self_id` set it goes on as that account at once.
#[tokio::test]
async fn a_failed_login_info_is_asked_again_or_self_id_stands_in() {
    for self_id in [None, Some(SELF_ID.to_string())] {
        let fake = FakeOneBot::new();
        fake.rule("get_login_info", None, Answer::Fail(200, "账号未登录"), 1);
        let configured = self_id.is_some();
        let (addr, h) = Harness::start(fake.clone(), |c| c.qq.self_id = self_id).await;
        let addr = addr.unwrap_or_else(|| panic!("reverse mode listens")).to_string();
        fake.connect(&addr, Some(TOKEN), true).await.unwrap_or_else(|s| panic!("refused: {s}"));
        h.say(95, ALICE, "Alice", text("/ping")).await;
        assert_eq!(h.fake.sent(1).await[0].text(), "pong 🏓");
        let asked = h.fake.calls().iter().filter(|c| c.action == "get_login_info").count();
        assert_eq!(asked, if configured { 1 } else { 2 }, "self_id configured: {configured}");
        h.stop().await;
    }
}

/// One ledger across platforms: a member who checked in on QQ links their
/// Telegram account with a code, and on Telegram it is the same member
/// (checked in already today).
#[tokio::test]
async fn a_qq_account_links_to_telegram_and_shares_the_ledger() {
    const TG_GROUP: &str = "-1001234567890";
    let h = Harness::reverse(|c| c.default_community_mut().chats.push(format!("telegram:{TG_GROUP}"))).await;
    h.say(90, ALICE, "Alice", json!(format!("[CQ:at,qq={SELF_ID}] 签到"))).await;
    assert!(h.fake.sent(1).await[0].text().starts_with("✅ 签到成功"));
    let on_telegram = |chat: Chat, id: &str, text: &str| {
        Incoming::text(chat, Sender::member("42", "Alice"), id, text, chrono::Utc::now())
    };
    let code = h.engine.handle(&on_telegram(Chat::private(Platform::Telegram, "42"), "1", "/link")).await;
    let code = code.first().map(|o| o.body.to_plain()).unwrap_or_default();
    let code = code.split(['：', '（']).nth(1).unwrap_or_else(|| panic!("a code in {code}")).trim().to_owned();
    h.say(91, ALICE, "Alice", text(&format!("/link {code}"))).await;
    let sent = h.fake.sent(2).await;
    assert!(sent[1].text().starts_with("关联成功"), "linked: {}", sent[1].text());
    let again = h.engine.handle(&on_telegram(Chat::group(Platform::Telegram, TG_GROUP), "2", "/checkin")).await;
    let again = again.first().map(|o| o.body.to_plain()).unwrap_or_default();
    assert!(again.starts_with("今天已经签到过了"), "one member, one streak: {again}");
    h.stop().await;
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
}

/// The README's QQ setup, end to end, as an operator runs it: the QQ
/// section's `jixia.toml` as it stands (this test's port for `listen`), the
/// sample FAQ imported, `jixia run` with the token in the environment. The
/// fake connects the way the README tells NapCat to, after being refused
/// without the token (401) and with a wrong one (403); then `/ping`, `@bot
/// 签到` and a question the FAQ answers get their replies, at the default
/// pace; SIGTERM stops it, and the token is never printed.
#[cfg(unix)]
#[tokio::test]
async fn jixia_run_with_the_readme_setup_answers_and_refuses_a_wrong_token() {
    use std::process::Stdio;
    let port = free_port();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let section = readme.split("\n## QQ\n").nth(1).unwrap_or_else(|| panic!("a QQ section"));
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("a ```toml block"));
    let block: String = block.lines().map(|l| format!("{}\n", l.trim_start())).collect();
    assert!(block.contains(&format!("\"qq:{GROUP}\"")) && block.contains(&format!("\"{SELF_ID}\"")), "{block}");
    let config_text = block.replace("127.0.0.1:8765", &format!("127.0.0.1:{port}"));
    let dir = std::env::temp_dir().join(format!("jixia-qq-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let config = dir.join("jixia.toml");
    std::fs::write(&config, &config_text).unwrap_or_else(|e| panic!("{e}"));
    let jixia = |args: &[&str]| {
        let mut cmd = tokio::process::Command::from(operator::jixia(&dir, args));
        cmd.env("JIXIA__QQ__ACCESS_TOKEN", TOKEN);
        cmd
    };
    let sample = root.join("config/faq/postgres.sample.jsonl");
    let imported = jixia(&["faq", "import", &sample.display().to_string(), "--config", "jixia.toml"])
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let mut cmd = jixia(&["run", "--config", "jixia.toml"]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));

    let fake = FakeOneBot::new();
    let addr = format!("127.0.0.1:{port}");
    assert_eq!(fake.connect(&addr, None, false).await, Err(401), "no token");
    assert_eq!(fake.connect(&addr, Some("onebot-token-wrong"), false).await, Err(403), "a wrong token");
    assert_eq!(fake.connections().0, 0);
    fake.connect(&addr, Some(TOKEN), false).await.unwrap_or_else(|s| panic!("the right token refused: {s}"));
    fake.push(group_message(1, GROUP, ALICE, "Alice", "member", text("/ping"))).await;
    let at_bot =
        json!([{"type": "at", "data": {"qq": SELF_ID.to_string()}}, {"type": "text", "data": {"text": " 签到"}}]);
    fake.push(group_message(2, GROUP, BOB, "Bob", "member", at_bot)).await;
    let sent = fake.sent(2).await;
    assert_eq!((sent[0].text().as_str(), sent[0].reply_to().as_deref()), ("pong 🏓", Some("1")));
    assert!(sent[1].text().starts_with("✅ 签到成功"), "{}", sent[1].text());
    assert_eq!(sent[1].reply_to().as_deref(), Some("2"));
    // The default pace: one message every 3 s for the account.
    assert!(sent[1].at.duration_since(sent[0].at) >= Duration::from_millis(2900), "paced");
    fake.push(group_message(3, GROUP, BOB, "Bob", "member", text("一行，一个表，一个库的最大尺寸是多少？"))).await;
    let sent = fake.sent(3).await;
    assert!(sent[2].text().contains("pg-zh-4.4"), "redirected to the sample entry: {}", sent[2].text());
    assert_eq!(sent[2].reply_to().as_deref(), Some("3"));

    let out = operator::stop(child, "TERM").await;
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}; stderr:\n{stderr}", out.status);
    assert!(stderr.contains("connected to QQ"), "{stderr}");
    assert!(stderr.contains("wrong access token") && stderr.contains("no access token"), "{stderr}");
    assert!(!stderr.contains("sekrit") && !stderr.contains("token-wrong") && !stderr.contains("panicked"), "{stderr}");
}

/// `jixia run` refuses to start when the address is taken, naming it.
#[tokio::test]
async fn jixia_run_names_an_address_it_cannot_listen_on() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let addr = taken.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("jixia-qq-taken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = tokio::process::Command::from(operator::jixia(&dir, &["run", "--db", "jixia.db"]));
    cmd.env("JIXIA__QQ__ENABLED", "true")
        .env("JIXIA__QQ__ACCESS_TOKEN", TOKEN)
        .env("JIXIA__QQ__LISTEN", addr.to_string());
    let out = cmd.output().await.unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with(&format!("jixia: cannot listen on {addr} for the OneBot implementation: ")), "{stderr}");
    assert!(!stderr.contains("sekrit"), "{stderr}");
}
