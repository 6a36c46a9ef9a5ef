//! The Telegram adapter against a fake Bot API (no network): the real
//! adapter and a real engine on a scratch SQLite database, members talking
//! in a group, pressing buttons, and Telegram pushing back (429, 403), in
//! long-polling and webhook mode; and `jixia run` as an operator starts it.

#[path = "support/operator.rs"]
mod operator;

mod support;

use std::sync::Arc;
use std::time::Duration;

use jixia::clock::SystemClock;
use jixia::config::{Config, TelegramMode};
use jixia::message::{Attachment, Button};
use jixia::rich::RichText;
use jixia::secret::Secret;
use jixia::store::{self, scratch::ScratchFile};
use jixia::{Chat, Engine, Outgoing, Platform};
use jixia_bots::telegram::sender::Outbox;
use jixia_bots::telegram::{Telegram, TelegramError};
use serde_json::{Value, json};
use support::fake_bot_api::{BOT_USERNAME, Call, FakeBotApi};
use tokio::sync::oneshot;

const TOKEN: &str = "123456:TEST-token-sekrit";
const GROUP: i64 = -1_001_234_567_890;
const ALICE: i64 = 1001;
const BOB: i64 = 1002;

fn user(id: i64, name: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": name, "username": name.to_lowercase(), "language_code": "zh-hans"})
}

fn group_chat() -> Value {
    json!({"id": GROUP, "type": "supergroup", "title": "PostgreSQL 中文社区"})
}

/// `{"message": …}` from `from` in `chat`.
fn message(id: i64, chat: Value, from: Value, text: &str, entities: Value) -> Value {
    json!({"message": {"message_id": id, "date": 1_767_225_600, "chat": chat, "from": from,
        "text": text, "entities": entities}})
}

fn said_in_group(id: i64, from: Value, text: &str) -> Value {
    let entities = if text.starts_with('/') {
        let len = text.split(' ').next().map_or(0, |c| c.encode_utf16().count());
        json!([{"type": "bot_command", "offset": 0, "length": len}])
    } else {
        json!([])
    };
    message(id, group_chat(), from, text, entities)
}

fn said_privately(id: i64, who: i64, name: &str, text: &str) -> Value {
    message(id, json!({"id": who, "type": "private", "first_name": name}), user(who, name), text, json!([]))
}

/// The adapter running against a fake, with a real engine.
struct Harness {
    fake: FakeBotApi,
    outbox: Option<Outbox>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), TelegramError>>,
    store: Arc<jixia::store::Store>,
    _db: ScratchFile,
}

/// A config for the fake at `url`; pace limits out of the way unless a test
/// sets them.
fn config(url: &str) -> Config {
    let mut config = Config::default();
    config.telegram.enabled = true;
    config.telegram.token = Some(Secret::new(TOKEN));
    config.telegram.api_url = Some(url.to_owned());
    config.telegram.global_per_second = 1000;
    config.telegram.group_per_minute = 100_000;
    config.telegram.chat_per_second = 1000;
    // The group the conversations happen in belongs to the community.
    config.default_community_mut().chats.push(format!("telegram:{GROUP}"));
    config
}

impl Harness {
    async fn start(edit: impl FnOnce(&mut Config)) -> Harness {
        let fake = FakeBotApi::start(TOKEN).await;
        let mut config = config(&fake.url);
        edit(&mut config);
        let db = ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
        let store = store::open(db.url(), &config.database.store_options()).await.unwrap_or_else(|e| panic!("{e}"));
        let engine =
            Arc::new(Engine::new(&config, store.clone(), Arc::new(SystemClock)).unwrap_or_else(|e| panic!("{e}")));
        let telegram = Telegram::connect(engine, &config.telegram).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(telegram.username(), BOT_USERNAME);
        let outbox = telegram.outbox();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(telegram.run(async move {
            let _ = stopped.await;
        }));
        Harness { fake, outbox: Some(outbox), stop: Some(stop), task, store, _db: db }
    }

    fn outbox(&self) -> &Outbox {
        self.outbox.as_ref().unwrap_or_else(|| panic!("stopped"))
    }

    /// Stops the adapter as Ctrl-C would; it must end cleanly and soon.
    async fn stop(mut self) {
        self.outbox = None;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let ended = tokio::time::timeout(Duration::from_secs(15), &mut self.task).await;
        match ended {
            Ok(Ok(Ok(()))) => {}
            other => panic!("the adapter did not stop cleanly: {other:?}"),
        }
    }

    /// The `sendMessage` calls to `chat` once there are at least `n`.
    async fn sent_to(&self, chat: i64, n: usize) -> Vec<Call> {
        self.fake
            .wait_until("sendmessage", Duration::from_secs(15), |calls| {
                calls.iter().filter(|c| c.chat_id() == Some(chat)).count() >= n
            })
            .await
            .into_iter()
            .filter(|c| c.chat_id() == Some(chat))
            .collect()
    }
}

fn group() -> Chat {
    Chat::group(Platform::Telegram, GROUP.to_string())
}

#[tokio::test]
async fn a_group_command_is_answered_as_an_escaped_html_reply() {
    let h = Harness::start(|_| {}).await;
    h.fake.push_update(said_in_group(10, user(ALICE, "Alice"), "/ping <b>&"));
    let sent = h.sent_to(GROUP, 1).await;
    let reply = &sent[0];
    assert_eq!(reply.reply_to(), Some(10));
    assert_eq!(reply.body["parse_mode"], "HTML");
    assert_eq!(reply.text(), "多余的参数“&lt;b&gt;&amp;”。有空格的内容请用引号括起来。\n用法：<code>/ping</code>");

    // Addressed by the bot's @username (rewritten to its engine name).
    let text = format!("@{BOT_USERNAME} ping");
    let mention = json!([{"type": "mention", "offset": 0, "length": BOT_USERNAME.len() + 1}]);
    h.fake.push_update(message(11, group_chat(), user(BOB, "Bob"), &text, mention));
    // And a command addressed to this bot by suffix.
    let command = format!("/ping@{BOT_USERNAME}");
    let entity = json!([{"type": "bot_command", "offset": 0, "length": command.len()}]);
    h.fake.push_update(message(12, group_chat(), user(BOB, "Bob"), &command, entity));
    let sent = h.sent_to(GROUP, 3).await;
    assert_eq!((sent[1].text(), sent[1].reply_to()), ("pong 🏓", Some(11)));
    assert_eq!((sent[2].text(), sent[2].reply_to()), ("pong 🏓", Some(12)));
    // One administrator lookup for the group, cached for the rest.
    assert_eq!(h.fake.calls("getchatadministrators").len(), 1);
    h.stop().await;
}

#[tokio::test]
async fn group_administrators_are_moderators() {
    let h = Harness::start(|_| {}).await;
    h.fake.set_admins(GROUP, &[ALICE]);
    let whois = |id, from| {
        let entities =
            json!([{"type": "bot_command", "offset": 0, "length": 6}, {"type": "mention", "offset": 7, "length": 6}]);
        message(id, group_chat(), from, "/whois @carol", entities)
    };
    h.fake.push_update(whois(20, user(BOB, "Bob")));
    h.fake.push_update(whois(21, user(ALICE, "Alice")));
    let sent = h.sent_to(GROUP, 2).await;
    assert!(sent[0].text().ends_with("权限。"), "bob is refused: {}", sent[0].text());
    assert!(!sent[1].text().contains("权限") && sent[1].text().contains("carol"), "alice may: {}", sent[1].text());
    h.stop().await;
}

#[tokio::test]
async fn a_button_press_round_trips_through_a_callback_query() {
    let h = Harness::start(|_| {}).await;
    let long = format!("/ping{}", " ".repeat(80));
    let out = Outgoing::post(group(), RichText::plain("选一个")).with_buttons(vec![
        Button { label: "Ping".into(), data: "/ping".into() },
        Button { label: "Long".into(), data: long },
    ]);
    h.outbox().send(out);
    let sent = h.sent_to(GROUP, 1).await;
    let keyboard = &sent[0].body["reply_markup"]["inline_keyboard"];
    assert_eq!(keyboard[0][0]["text"], "Ping");
    assert_eq!(keyboard[0][0]["callback_data"], "=/ping");
    let long_data = keyboard[1][0]["callback_data"].as_str().unwrap_or_default().to_owned();
    assert!(long_data.starts_with('#') && long_data.len() <= 64, "{long_data}");
    let button_message = sent[0].response["result"]["message_id"].clone();

    let press = |id: &str, from: Value, data: &str| {
        json!({"callback_query": {"id": id, "chat_instance": "1", "from": from, "data": data,
            "message": {"message_id": button_message, "date": 1_767_225_600, "chat": group_chat(),
                "from": {"id": 1, "is_bot": true, "first_name": "jixia"}, "text": "选一个"}}})
    };
    h.fake.push_update(press("q1", user(BOB, "Bob"), "=/ping"));
    let sent = h.sent_to(GROUP, 2).await;
    assert_eq!(sent[1].text(), "pong 🏓");
    assert_eq!(sent[1].reply_to(), button_message.as_i64(), "the answer replies to the button's message");
    let answers = h.fake.wait_for("answercallbackquery", 1).await;
    assert_eq!(answers[0].body["callback_query_id"], "q1");
    assert!(answers[0].body.get("text").is_none());

    // The long one, by someone else: its own event, answered too.
    h.fake.push_update(press("q2", user(ALICE, "Alice"), &long_data));
    let sent = h.sent_to(GROUP, 3).await;
    assert_eq!(sent[2].text(), "pong 🏓");

    // A button this bot no longer knows: "expired", in the presser's language.
    let mut english = user(BOB, "Bob");
    english["language_code"] = json!("en");
    h.fake.push_update(press("q3", english, "#gone"));
    let answers = h.fake.wait_for("answercallbackquery", 3).await;
    assert_eq!(answers[2].body["callback_query_id"], "q3");
    assert_eq!(answers[2].body["text"], "This button has expired. Send the command again.");
    assert_eq!(h.fake.calls("sendmessage").len(), 3, "an expired button sends nothing");
    h.stop().await;
}

#[tokio::test]
async fn a_file_goes_as_a_document_after_the_text() {
    let h = Harness::start(|_| {}).await;
    let mut out = Outgoing::post(group(), RichText::plain("PostgreSQL 沙龙"));
    out.attachments.push(Attachment {
        filename: "salon.ics".into(),
        mime: "text/calendar".into(),
        bytes: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
    });
    h.outbox().send(out);
    let docs = h.fake.wait_for("senddocument", 1).await;
    let raw = String::from_utf8_lossy(&docs[0].raw);
    assert!(raw.contains("salon.ics") && raw.contains("BEGIN:VCALENDAR"), "{raw}");
    assert!(raw.contains(&GROUP.to_string()), "{raw}");
    assert_eq!(h.sent_to(GROUP, 1).await[0].text(), "PostgreSQL 沙龙");
    h.stop().await;
}

#[tokio::test]
async fn command_menus_are_registered_in_both_languages() {
    let h = Harness::start(|_| {}).await;
    let calls = h.fake.calls("setmycommands");
    assert_eq!(calls.len(), 9, "3 scopes × (default, zh, en)");
    let find = |scope: &str, lang: Option<&str>| -> Vec<(String, String)> {
        let call = calls
            .iter()
            .find(|c| c.body["scope"]["type"] == scope && c.body.get("language_code").and_then(Value::as_str) == lang)
            .unwrap_or_else(|| panic!("no menu for {scope} {lang:?}"));
        call.body["commands"]
            .as_array()
            .unwrap_or_else(|| panic!("commands"))
            .iter()
            .map(|c| {
                (c["command"].as_str().unwrap_or("").to_owned(), c["description"].as_str().unwrap_or("").to_owned())
            })
            .collect()
    };
    let en_group = find("all_group_chats", Some("en"));
    assert!(en_group.contains(&("help".into(), "List the commands, or show how to use one".into())), "{en_group:?}");
    assert!(!en_group.iter().any(|(c, _)| c == "whois"), "members do not see /whois");
    let zh_admins = find("all_chat_administrators", Some("zh"));
    assert!(zh_admins.iter().any(|(c, _)| c == "whois"), "{zh_admins:?}");
    assert_eq!(find("all_private_chats", None), find("all_private_chats", Some("zh")), "default is Chinese");
    h.stop().await;
}

#[tokio::test]
async fn retry_after_delays_the_next_send_and_loses_nothing() {
    let h = Harness::start(|_| {}).await;
    h.fake.fail(
        "sendmessage",
        Some(GROUP),
        429,
        "Too Many Requests: retry after 1",
        Some(json!({"retry_after": 1})),
        false,
    );
    h.outbox().send(Outgoing::post(group(), RichText::plain("first")));
    h.outbox().send(Outgoing::post(group(), RichText::plain("second")));
    let sent = h.sent_to(GROUP, 3).await;
    let texts: Vec<&str> = sent.iter().map(Call::text).collect();
    assert_eq!(texts, ["first", "first", "second"], "refused once, then both in order");
    let waited = sent[1].at - sent[0].at;
    assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
    h.stop().await;
}

/// Checks that `html` is what Telegram accepts: tags we emit, balanced, and
/// no stray `<` or `&`.
fn assert_valid_html(html: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        rest = &rest[i..];
        if rest.starts_with('&') {
            assert!(["&lt;", "&gt;", "&amp;", "&quot;"].iter().any(|e| rest.starts_with(e)), "stray & in {rest:.20}");
            rest = &rest[1..];
            continue;
        }
        let end = rest.find('>').unwrap_or_else(|| panic!("unclosed tag in {rest:.20}"));
        let tag = &rest[1..end];
        match tag.strip_prefix('/') {
            Some(close) => assert_eq!(open.pop(), Some(close), "misnested </{close}>"),
            None => {
                let name = tag.split(' ').next().unwrap_or_default();
                assert!(["b", "code", "a"].contains(&name), "unexpected tag <{tag}>");
                open.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed {open:?}");
}

/// Scheduled posts wait in the durable outbox; the adapter sends its
/// platform's rows and marks them sent, waits out a 429, and keeps what
/// Telegram refuses for good (403: the bot was kicked) as failed at once,
/// with Telegram's reason, instead of retrying it at +30 s and +60 s.
#[tokio::test]
async fn scheduled_posts_leave_the_outbox_once_telegram_has_them() {
    const KICKED: i64 = -1_009_999;
    let h = Harness::start(|_| {}).await;
    h.fake.fail(
        "sendmessage",
        Some(GROUP),
        429,
        "Too Many Requests: retry after 1",
        Some(json!({"retry_after": 1})),
        false,
    );
    h.fake.fail("sendmessage", Some(KICKED), 403, "Forbidden: bot was kicked from the supergroup chat", None, true);
    let post = |chat: i64, text: &str, n: i64| jixia::store::jobs::NewOutboxMessage {
        key: format!("digest:1:{chat}#{n}"),
        part: n,
        message: Outgoing::post(Chat::group(Platform::Telegram, chat.to_string()), RichText::plain(text)),
        max_attempts: 5,
    };
    let rows = [post(GROUP, "今日摘要（一）", 0), post(GROUP, "今日摘要（二）", 1), post(KICKED, "今日摘要", 0)];
    let stored = h.store.jobs().outbox_push(&rows, chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored, 3);
    // The same rows again (a job that ran twice) store nothing.
    assert_eq!(h.store.jobs().outbox_push(&rows, chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}")), 0);

    let sent = h.sent_to(GROUP, 3).await;
    let texts: Vec<&str> = sent.iter().map(Call::text).collect();
    assert_eq!(texts, ["今日摘要（一）", "今日摘要（一）", "今日摘要（二）"], "the 429 was waited out, in order");
    assert!(sent[1].at.duration_since(sent[0].at) >= Duration::from_millis(900), "retry_after honoured");
    let mut counts = Vec::new();
    for _ in 0..100 {
        counts = h.store.jobs().outbox_counts().await.unwrap_or_else(|e| panic!("{e}"));
        if counts.iter().any(|(_, state, n)| state == "sent" && *n == 2) && !counts.iter().any(|c| c.1 == "sending") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(counts, [("telegram".into(), "failed".into(), 1), ("telegram".into(), "sent".into(), 2)]);
    let kicked_calls = h.fake.calls("sendmessage").iter().filter(|c| c.chat_id() == Some(KICKED)).count();
    assert_eq!(kicked_calls, 1, "a refusal is sent once");
    h.stop().await;
}

/// A long reply whose second part Telegram refuses is not dropped with it:
/// the reply is kept in the outbox as failed after its first part, with
/// Telegram's reason, the update counts as done, and an operator's retry
/// sends the rest of the reply without its first part again.
#[tokio::test]
async fn a_reply_refused_part_way_is_kept_and_resumes_at_the_refused_part() {
    let h = Harness::start(|_| {}).await;
    h.fake.set_admins(GROUP, &[ALICE]);
    let answer: String = (1..=159).map(|i| format!("第 {i:03} 步：检查 pg_hba 🐘🐘🐘🐘🐘\n")).collect();
    let add = format!("/faq add conn 怎么让别的主机连上我的数据库？\n{answer}");
    let command = |text: &str| json!([{"type": "bot_command", "offset": 0, "length": text.find(' ').unwrap_or(4)}]);
    h.fake.push_update(message(40, group_chat(), user(ALICE, "Alice"), &add, command(&add)));
    let added = h.sent_to(GROUP, 1).await;
    assert_eq!(added[0].reply_to(), Some(40), "{}", added[0].text());

    h.fake.fail_after("sendmessage", Some(GROUP), 1, 400, "Bad Request: message is too long");
    h.fake.push_update(message(41, group_chat(), user(BOB, "Bob"), "/faq conn", command("/faq conn")));
    let mut failed = Vec::new();
    for _ in 0..200 {
        failed = h.store.jobs().outbox_failed(10).await.unwrap_or_else(|e| panic!("{e}"));
        if !failed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let [kept] = failed.as_slice() else { panic!("one reply kept as failed: {failed:?}") };
    assert_eq!(kept.parts_sent, 1, "its first part went out");
    let reason = kept.last_error.as_deref().unwrap_or_default();
    assert!(reason.ends_with("Bad Request: message is too long"), "Telegram's reason is kept: {reason}");
    assert!(kept.key.starts_with("reply:telegram:"), "{}", kept.key);
    let ok_parts = |h: &Harness| -> Vec<String> {
        h.fake
            .calls("sendmessage")
            .into_iter()
            .filter(|c| c.chat_id() == Some(GROUP) && c.response["ok"] == json!(true))
            .skip(1)
            .map(|c| c.text().to_owned())
            .collect()
    };
    let first = ok_parts(&h);
    assert_eq!(first.len(), 1, "the refused part's later parts were not sent either");
    assert!(first[0].contains("怎么让别的主机连上我的数据库？"), "{}", first[0]);
    // The inbox holds nothing open: the reply lives on in the outbox.
    let open = h.store.inbox().counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!open.iter().any(|(_, state, _)| state != "done"), "{open:?}");

    // `jixia jobs outbox retry ID`, as an operator runs it.
    assert!(h.store.jobs().outbox_retry(kept.id, chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}")));
    for _ in 0..200 {
        let row = h.store.jobs().outbox_message(kept.id).await.unwrap_or_else(|e| panic!("{e}"));
        if row.is_some_and(|r| r.state == jixia::store::jobs::OutboxState::Sent) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let parts = ok_parts(&h);
    assert!(parts.len() >= 2 && parts[0] == first[0], "resumed after the first part: {parts:?}");
    assert_eq!(parts.concat().matches("怎么让别的主机连上我的数据库？").count(), 1);
    let whole = parts.concat();
    for i in 1..=159 {
        assert_eq!(whole.matches(&format!("第 {i:03} 步")).count(), 1, "step {i} exactly once");
    }
    h.stop().await;
}

/// One digest for 60 groups leaves the outbox at Telegram's pace: nothing
/// refused by a Bot API that enforces 30 messages/s and 20/min per group.
#[tokio::test]
async fn a_fan_out_keeps_to_telegrams_limits() {
    let h = Harness::start(|c| {
        let pace = jixia::config::TelegramConfig::default();
        c.telegram.global_per_second = pace.global_per_second;
        c.telegram.group_per_minute = pace.group_per_minute;
        c.telegram.chat_per_second = pace.chat_per_second;
    })
    .await;
    h.fake.enforce_limits(30, 20);
    let rows: Vec<_> = (0..60)
        .map(|i| jixia::store::jobs::NewOutboxMessage {
            key: format!("fanout#{i}"),
            part: 0,
            message: Outgoing::post(Chat::group(Platform::Telegram, format!("-100{i}")), RichText::plain("摘要")),
            max_attempts: 5,
        })
        .collect();
    h.store.jobs().outbox_push(&rows, chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}"));
    let sent = h.fake.wait_for("sendmessage", 60).await;
    assert_eq!(h.fake.refused(), 0, "the pacer caused 429s");
    assert_eq!(h.fake.ok_count("sendmessage"), 60);
    let span = sent[59].at.duration_since(sent[0].at);
    assert!(span >= Duration::from_millis(900), "60 messages in {span:?}: faster than 30/s");
    h.stop().await;
}

#[tokio::test]
async fn a_four_thousand_word_digest_is_split_into_valid_messages() {
    let h = Harness::start(|_| {}).await;
    let words: Vec<String> = (0..4000).map(|i| if i % 7 == 0 { format!("<w{i}&>") } else { format!("w{i}") }).collect();
    // 150 lines of 20 words (one with markup), then one line of 1000 words.
    let mut markup = String::from("**Digest** `top`\n");
    for line in words[..3000].chunks(20) {
        markup.push_str(&format!("- {}\n", line.join(" ")));
    }
    markup.push_str(&words[3000..].join(" "));
    let body = RichText::from_markup(&markup, &[]);
    h.outbox().send(Outgoing::post(group(), body));
    let sent = h
        .fake
        .wait_until("sendmessage", Duration::from_secs(20), |calls| calls.iter().any(|c| c.text().contains("w3999")))
        .await;
    assert!(sent.len() >= 5, "{} messages", sent.len());
    let mut seen = Vec::new();
    for call in &sent {
        let html = call.text();
        assert!(html.encode_utf16().count() <= 4096, "{} UTF-16 units", html.encode_utf16().count());
        assert_valid_html(html);
        let plain = html.replace("<b>", "").replace("</b>", "").replace("<code>", "").replace("</code>", "");
        let plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        seen.extend(plain.split_whitespace().filter(|w| *w != "•").map(str::to_owned));
    }
    let mut expected = vec!["Digest".to_owned(), "top".to_owned()];
    expected.extend(words);
    assert_eq!(seen, expected, "every word once, in order");
    h.stop().await;
}

#[tokio::test]
async fn a_member_who_never_started_the_bot_gets_a_hint_in_the_group() {
    let h = Harness::start(|_| {}).await;
    let forbidden = "Forbidden: bot can't initiate conversation with a user";
    h.fake.fail("sendmessage", Some(ALICE), 403, forbidden, None, true);
    h.fake.push_update(said_in_group(30, user(ALICE, "Alice"), "/link"));
    let sent = h.sent_to(GROUP, 1).await;
    assert_eq!(h.fake.calls("sendmessage").iter().filter(|c| c.chat_id() == Some(ALICE)).count(), 1);
    // One thing said: how to start the bot, not also "the code is in your DMs".
    assert_eq!(
        sent[0].text(),
        format!(
            "Alice，我还不能私信你：请先打开 <a href=\"https://t.me/{BOT_USERNAME}\">@{BOT_USERNAME}</a>，点「开始」，然后再试一次。"
        )
    );
    assert_eq!(sent[0].reply_to(), Some(30));

    // Asked again: not tried again, hinted again.
    h.fake.push_update(said_in_group(31, user(ALICE, "Alice"), "/link"));
    let sent = h.sent_to(GROUP, 2).await;
    assert_eq!(sent[1].reply_to(), Some(31));
    assert_eq!(h.fake.calls("sendmessage").iter().filter(|c| c.chat_id() == Some(ALICE)).count(), 1);

    // She presses Start: /start is /help, and she can be messaged again.
    h.fake.clear_failures();
    h.fake.push_update(said_privately(1, ALICE, "Alice", "/start"));
    let private = h.sent_to(ALICE, 2).await;
    assert!(private[1].text().contains("/help"), "{}", private[1].text());
    h.fake.push_update(said_in_group(32, user(ALICE, "Alice"), "/link"));
    let private = h.sent_to(ALICE, 3).await;
    assert!(private[2].text().contains("<b>"), "the code arrives: {}", private[2].text());
    // Then, and only then, the group hears where it went.
    let sent = h.sent_to(GROUP, 3).await;
    assert_eq!(sent[2].text(), "关联代码已私信发给你。如果没收到，请先私聊机器人一次再试。");
    assert_eq!(sent[2].reply_to(), Some(32));
    assert!(sent[2].at >= private[2].at, "after the direct message");
    h.stop().await;
}

/// A free port on 127.0.0.1 (bound, read, released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port()
}

#[tokio::test]
async fn the_webhook_takes_updates_only_with_the_secret() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/tg/updates");
    let hook = url.clone();
    let h = Harness::start(move |c| {
        c.telegram.mode = TelegramMode::Webhook;
        c.telegram.webhook_url = Some(hook);
        c.telegram.webhook_listen = format!("127.0.0.1:{port}");
        c.telegram.webhook_secret = Some(Secret::new("s3cret-Token_1"));
    })
    .await;
    let set = h.fake.wait_for("setwebhook", 1).await;
    // setWebhook goes as multipart (it may carry a certificate).
    let raw = String::from_utf8_lossy(&set[0].raw);
    for part in [url.as_str(), "s3cret-Token_1", r#"["message","callback_query","message_reaction"]"#] {
        assert!(raw.contains(part), "{part} not in setWebhook:\n{raw}");
    }

    let client = reqwest::Client::new();
    let update = json!({"update_id": 1}).as_object().cloned().map(|mut u| {
        if let Value::Object(m) = said_in_group(40, user(BOB, "Bob"), "/ping") {
            u.extend(m);
        }
        Value::Object(u)
    });
    let post = |secret: Option<&str>| {
        let mut req = client.post(&url).json(&update);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        req.send()
    };
    let status =
        |r: reqwest::Result<reqwest::Response>| r.map(|r| r.status().as_u16()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status(post(None).await), 401);
    assert_eq!(status(post(Some("s3cret-Token_2")).await), 401);
    assert_eq!(status(post(Some("")).await), 401);
    assert_eq!(h.fake.calls("sendmessage").len(), 0, "refused requests do nothing");
    assert_eq!(status(post(Some("s3cret-Token_1")).await), 200);
    let sent = h.sent_to(GROUP, 1).await;
    assert_eq!((sent[0].text(), sent[0].reply_to()), ("pong 🏓", Some(40)));
    assert!(h.fake.calls("getupdates").is_empty() && h.fake.calls("deletewebhook").is_empty());
    h.stop().await;
}

/// `jixia` as an operator would run it in `dir`: none of this process's
/// `JIXIA*` settings or `RUST_LOG`, the bot token from the environment.
fn jixia_in(dir: &std::path::Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::from(operator::jixia(dir, &[]));
    cmd.env("JIXIA__TELEGRAM__TOKEN", TOKEN);
    cmd
}

/// `jixia run` with `[telegram]` enabled and `api_url` at the fake: a short
/// conversation, then Ctrl-C (SIGINT) ends it cleanly, the token never
/// printed.
#[cfg(unix)]
#[tokio::test]
async fn jixia_run_answers_a_conversation_and_stops_on_ctrl_c() {
    use std::process::Stdio;
    let fake = FakeBotApi::start(TOKEN).await;
    let dir = std::env::temp_dir().join(format!("jixia-tg-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let config = dir.join("jixia.toml");
    std::fs::write(
        &config,
        format!(
            "[telegram]\nenabled = true\napi_url = \"{}\"\n\n[communities.default]\nchats = [\"telegram:{GROUP}\"]\n",
            fake.url
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = jixia_in(&dir);
    cmd.arg("run").arg("--config").arg(&config).arg("--db").arg(dir.join("jixia.db"));
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));

    fake.push_update(said_in_group(50, user(ALICE, "Alice"), "/ping"));
    fake.push_update(said_privately(2, BOB, "Bob", "/lang en"));
    fake.push_update(said_privately(3, BOB, "Bob", "/ping now"));
    let sent = fake.wait_until("sendmessage", Duration::from_secs(30), |calls| calls.len() >= 3).await;
    let group: Vec<&str> = sent.iter().filter(|c| c.chat_id() == Some(GROUP)).map(Call::text).collect();
    let bob: Vec<&str> = sent.iter().filter(|c| c.chat_id() == Some(BOB)).map(Call::text).collect();
    assert_eq!(group, ["pong 🏓"]);
    assert_eq!(
        bob,
        [
            "OK, I will speak English with you from now on.",
            "Unexpected \"now\". Put text with spaces in quotes.\nUsage: <code>/ping</code>"
        ]
    );

    let out = operator::stop(child, "INT").await;
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}; stderr:\n{stderr}", out.status);
    assert!(stderr.contains("connected to Telegram"), "{stderr}");
    assert!(!stderr.contains("sekrit") && !stderr.contains("panicked"), "{stderr}");
    assert_eq!(fake.calls("setmycommands").len(), 9);
}

/// Whatever reads `jixia run`'s log may go away (`jixia run 2>&1 | head -1`):
/// logging into the broken pipe never blocks or kills the shutdown, and
/// SIGTERM still stops the process cleanly.
#[tokio::test]
async fn sigterm_stops_jixia_run_when_its_log_reader_is_gone() {
    use std::process::Stdio;
    let fake = FakeBotApi::start(TOKEN).await;
    let dir = std::env::temp_dir().join(format!("jixia-tg-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let config = dir.join("jixia.toml");
    let text = format!(
        "[telegram]\nenabled = true\napi_url = \"{}\"\n\n[communities.default]\nchats = [\"telegram:{GROUP}\"]\n",
        fake.url
    );
    std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = jixia_in(&dir);
    cmd.arg("run").arg("--config").arg(&config).arg("--db").arg(dir.join("jixia.db"));
    // Debug logs, so it writes to the closed pipe all the time.
    cmd.env("RUST_LOG", "debug");
    cmd.stdout(Stdio::null()).stderr(Stdio::piped()).kill_on_drop(true);
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    drop(child.stderr.take());
    fake.push_update(said_in_group(60, user(ALICE, "Alice"), "/ping"));
    let sent = fake.wait_until("sendmessage", Duration::from_secs(30), |calls| !calls.is_empty()).await;
    assert_eq!(sent[0].text(), "pong 🏓", "it works with nobody reading its log");
    let pid = child.id().unwrap_or_else(|| panic!("no pid"));
    let killed = std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
    assert!(killed.is_ok_and(|s| s.success()));
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap_or_else(|_| panic!("jixia run ignored SIGTERM with its log pipe closed"))
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(status.success(), "exit {status:?}");
}

/// A handler that panics (the test hook's text, compiled in for tests only)
/// is answered with the internal-error apology, and its worker goes on:
/// every later message in the same chat is answered, after several panics.
#[tokio::test]
async fn a_panicking_update_gets_the_apology_and_the_chat_goes_on() {
    let h = Harness::start(|_| {}).await;
    let mut id = 60;
    for _ in 0..3 {
        h.fake.push_update(said_in_group(id, user(ALICE, "Alice"), jixia::supervise::TEST_PANIC));
        h.fake.push_update(said_in_group(id + 1, user(ALICE, "Alice"), "/ping"));
        id += 2;
    }
    let sent = h.sent_to(GROUP, 6).await;
    let got: Vec<(Option<i64>, &str)> = sent.iter().map(|c| (c.reply_to(), c.text())).collect();
    let sorry = "抱歉，出了点问题，这次没办成。请稍后再试；如果一直这样，请告诉管理员。";
    assert_eq!(
        got,
        [
            (Some(60), sorry),
            (Some(61), "pong 🏓"),
            (Some(62), sorry),
            (Some(63), "pong 🏓"),
            (Some(64), sorry),
            (Some(65), "pong 🏓")
        ]
    );
    // Each update is done in the inbox, the panicking ones included.
    let done = [("telegram:777000111".to_owned(), "done".to_owned(), 6)];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let counts = h.store.inbox().counts().await.unwrap_or_else(|e| panic!("{e}"));
        if counts == done {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "inbox: {counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.stop().await;
}

/// A message whose entity offsets cut an emoji in half (teloxide's own
/// conversion asserts on it) is read without its entities, not a panic.
#[tokio::test]
async fn entities_that_cut_an_emoji_are_dropped_not_fatal() {
    let h = Harness::start(|_| {}).await;
    let entities = json!([{"type": "bot_command", "offset": 0, "length": 5},
        {"type": "mention", "offset": 7, "length": 3}]);
    h.fake.push_update(message(70, group_chat(), user(BOB, "Bob"), "/ping 😀@x", entities));
    h.fake.push_update(said_in_group(71, user(BOB, "Bob"), "/ping"));
    let sent = h.sent_to(GROUP, 2).await;
    assert_eq!(sent.iter().map(|c| c.reply_to()).collect::<Vec<_>>(), [Some(70), Some(71)]);
    assert_eq!(sent[1].text(), "pong 🏓");
    h.stop().await;
}

/// The webhook answers 200 once the update is recorded in the inbox; the
/// same update delivered again (Telegram retries when it saw no 200) is
/// answered 200 and handled once.
#[tokio::test]
async fn the_webhook_handles_a_redelivered_update_once() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/tg/updates");
    let hook = url.clone();
    let h = Harness::start(move |c| {
        c.telegram.mode = TelegramMode::Webhook;
        c.telegram.webhook_url = Some(hook);
        c.telegram.webhook_listen = format!("127.0.0.1:{port}");
        c.telegram.webhook_secret = Some(Secret::new("s3cret"));
    })
    .await;
    h.fake.wait_for("setwebhook", 1).await;
    let client = reqwest::Client::new();
    let mut update = said_in_group(80, user(BOB, "Bob"), "/ping");
    update["update_id"] = json!(9001);
    let mut statuses = Vec::new();
    // Concurrent deliveries (one commit takes them together), then a late one.
    let posts: Vec<_> = (0..3)
        .map(|_| client.post(&url).header("X-Telegram-Bot-Api-Secret-Token", "s3cret").json(&update).send())
        .collect();
    for r in futures_util::future::join_all(posts).await {
        statuses.push(r.map(|r| r.status().as_u16()).unwrap_or_else(|e| panic!("{e}")));
    }
    h.sent_to(GROUP, 1).await;
    let late = client.post(&url).header("X-Telegram-Bot-Api-Secret-Token", "s3cret").json(&update).send().await;
    statuses.push(late.map(|r| r.status().as_u16()).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(statuses, [200, 200, 200, 200]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.fake.calls("sendmessage").len(), 1, "handled once");
    h.stop().await;
}

/// The README's path for a moderator, end to end against a local Bot API:
/// the Telegram section's minimal `jixia.toml` (with the group's id and the
/// moderator's own, and this fake as `api_url`), the sample FAQ imported as
/// the FAQ paragraph shows, `jixia run`; then `/whereami` in the group names
/// the chat as the config lists it, and a member's question is redirected
/// to the sample entry that answers it.
#[tokio::test]
async fn the_readme_setup_gives_a_working_group_with_the_sample_faq() {
    use std::process::Stdio;
    let fake = FakeBotApi::start(TOKEN).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let section = readme.split("## Telegram").nth(1).unwrap_or_else(|| panic!("a Telegram section"));
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("a ```toml block"));
    // The moderator's own id, as /whereami would tell them; and this fake.
    let config_text = block
        .replace("telegram:123456789", &format!("telegram:{ALICE}"))
        .replace("[telegram]\n", &format!("[telegram]\napi_url = \"{}\"\n", fake.url));
    assert!(config_text.contains(&format!("telegram:{GROUP}")), "the README's group id: {config_text}");
    let dir = std::env::temp_dir().join(format!("jixia-tg-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("jixia.toml"), &config_text).unwrap_or_else(|e| panic!("{e}"));
    let jixia = |args: &[&str]| {
        let mut cmd = jixia_in(&dir);
        cmd.args(args);
        cmd
    };
    let sample = root.join("config/faq/postgres.sample.jsonl");
    let imported =
        jixia(&["faq", "import", &sample.display().to_string()]).output().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let mut run = jixia(&["run", "--config", "jixia.toml"]);
    run.stdout(Stdio::null()).stderr(Stdio::piped()).kill_on_drop(true);
    let child = run.spawn().unwrap_or_else(|e| panic!("{e}"));

    fake.push_update(said_in_group(70, user(ALICE, "Alice"), "/whereami"));
    let sent = fake.wait_until("sendmessage", Duration::from_secs(30), |calls| !calls.is_empty()).await;
    assert!(sent[0].text().contains(&format!("telegram:{GROUP}")), "{}", sent[0].text());
    assert!(sent[0].text().contains(&format!("telegram:{ALICE}")), "{}", sent[0].text());
    fake.push_update(said_in_group(71, user(BOB, "Bob"), "一行，一个表，一个库的最大尺寸是多少？"));
    let sent = fake.wait_until("sendmessage", Duration::from_secs(30), |calls| calls.len() >= 2).await;
    assert!(sent[1].text().contains("pg-zh-4.4"), "redirected to the sample entry: {}", sent[1].text());
    assert_eq!(sent[1].reply_to(), Some(71));
    // Bob finds it no help: 👎 on the bot's redirect (once the bot has
    // answered him since, as a member reacts later), and the entry's card
    // counts it.
    fake.push_update(said_in_group(72, user(BOB, "Bob"), "/ping"));
    fake.wait_until("sendmessage", Duration::from_secs(30), |calls| calls.len() >= 3).await;
    let redirect_id = sent[1].response.pointer("/result/message_id").and_then(Value::as_i64);
    let redirect_id = redirect_id.unwrap_or_else(|| panic!("the fake's answer: {}", sent[1].response));
    fake.push_update(json!({"message_reaction": {"chat": group_chat(), "message_id": redirect_id,
        "user": user(BOB, "Bob"), "date": 1_767_225_600, "old_reaction": [],
        "new_reaction": [{"type": "emoji", "emoji": "👎"}]}}));
    // Alice looks right after: the group's updates are handled in order,
    // reactions included.
    fake.push_update(said_in_group(73, user(ALICE, "Alice"), "/faq pg-zh-4.4"));
    let sent = fake.wait_until("sendmessage", Duration::from_secs(30), |calls| calls.len() >= 4).await;
    assert!(sent[3].text().contains("👎 1"), "the reaction counted: {}", sent[3].text());

    let out = operator::stop(child, "TERM").await;
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("TEST-token-sekrit"), "{stderr}");
}
