//! Adding a group to a community from inside the group: an admin gets a
//! code by direct message and sends `/community add CODE` in the new group.
//! Until then the group belongs to no community: the bot says once how to add
//! it and does nothing else there. Every case runs on SQLite and PostgreSQL.

mod common;

use chrono::Duration;
use common::{TestChat, TestDb, Who, is_dm_to, only, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::{Chat, Platform};

fn config() -> Config {
    let mut c = Config::default();
    c.bot.default_community = Some("pg".into());
    c.communities.insert(
        "pg".into(),
        CommunityConfig {
            name: "PG 中文社区".into(),
            chats: vec!["telegram:-1001".into()],
            admins: vec!["telegram:10".into()],
            ..Default::default()
        },
    );
    c
}

fn home() -> Chat {
    Chat::group(Platform::Telegram, "-1001")
}

fn new_group() -> Chat {
    Chat::group(Platform::Telegram, "-2002")
}

fn ada() -> Who {
    Who::telegram("10", "Ada")
}

/// Ada asks for a code in the community's group; it comes by direct message.
async fn code_for(chat: &mut TestChat, admin: &Who) -> String {
    let out = chat.say(&home(), admin, "/community code").await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert!(is_dm_to(&out[0], admin), "the code goes privately");
    assert!(texts(&out)[1].contains("私信"), "{:?}", texts(&out));
    let text = texts(&out)[0].clone();
    let code: String = text.split("/community add ").nth(1).unwrap_or_default().chars().take(6).collect();
    assert_eq!(code.len(), 6, "{text}");
    code
}

async fn an_admin_adds_a_group_with_a_code(db: TestDb) {
    let mut chat = TestChat::exactly(db, &config());
    let bob = Who::telegram("20", "Bob");
    // Before: nothing runs in the new group; the first message gets the notice.
    let out = chat.say(&new_group(), &bob, "大家好，这是新群").await;
    assert!(only(&out).contains("/community add"), "{:?}", texts(&out));
    assert!(chat.say(&new_group(), &bob, "还有人吗").await.is_empty(), "said once");
    let refused = chat.say(&new_group(), &bob.as_admin(), "/points grant @Bob 100 x").await;
    assert!(texts(&refused).iter().all(|t| !t.contains("已给")), "{:?}", texts(&refused));
    let code = code_for(&mut chat, &ada()).await;
    let out = chat.say(&new_group(), &ada(), &format!("/community add {code}")).await;
    assert!(only(&out).contains("已加入「PG 中文社区」"), "{:?}", texts(&out));
    // Now it is the community's: commands run, the group's admins moderate it.
    assert!(only(&chat.say(&new_group(), &bob, "/ping").await).contains("pong"));
    let out = chat.say_mentioning(&new_group(), &bob.as_admin(), "/points grant @Bob 5 welcome", &[&bob]).await;
    assert!(texts(&out)[0].contains("已给"), "{:?}", texts(&out));
    // The code was single-use.
    let again = chat.say(&Chat::group(Platform::Telegram, "-3003"), &ada(), &format!("/community add {code}")).await;
    assert!(texts(&again).iter().any(|t| t.contains("不存在、已用过或已过期")), "{:?}", texts(&again));
    // Listed and registered chats, for the admin.
    let out = chat.say(&home(), &ada(), "/community chats").await;
    let list = only(&out);
    assert!(list.contains("telegram:-1001（配置）") && list.contains("telegram:-2002"), "{list}");
}

both_backends!(an_admin_adds_a_group_with_a_code);

async fn only_the_admin_who_asked_can_use_a_code(db: TestDb) {
    let mut chat = TestChat::exactly(db, &config());
    let code = code_for(&mut chat, &ada()).await;
    // A group admin elsewhere who saw the code cannot use it.
    let mallory = Who::telegram("66", "Mallory").as_admin();
    let out = chat.say(&new_group(), &mallory, &format!("/community add {code}")).await;
    assert!(texts(&out).iter().any(|t| t.contains("只能由申请它的管理员本人")), "{:?}", texts(&out));
    assert!(texts(&chat.say(&new_group(), &mallory, "/ping").await).iter().all(|t| !t.contains("pong")));
    // Members cannot ask for codes.
    let out = chat.say(&home(), &Who::telegram("20", "Bob"), "/community code").await;
    assert!(only(&out).contains("需要管理员权限"), "{:?}", texts(&out));
    // The code still works for Ada.
    let out = chat.say(&new_group(), &ada(), &format!("/community add {code}")).await;
    assert!(only(&out).contains("已加入"), "{:?}", texts(&out));
}

both_backends!(only_the_admin_who_asked_can_use_a_code);

async fn codes_expire_and_cannot_be_guessed(db: TestDb) {
    let mut chat = TestChat::exactly(db, &config());
    let code = code_for(&mut chat, &ada()).await;
    chat.clock.advance(Duration::minutes(11));
    let out = chat.say(&new_group(), &ada(), &format!("/community add {code}")).await;
    assert!(texts(&out).iter().any(|t| t.contains("已过期")), "{:?}", texts(&out));
    let out = chat.say(&new_group(), &ada(), "/community add hello!").await;
    assert!(texts(&out).iter().any(|t| t.contains("不像加群代码")), "{:?}", texts(&out));
    for guess in ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"] {
        chat.say(&new_group(), &ada(), &format!("/community add {guess}")).await;
    }
    // Five wrong codes in ten minutes: even a right one waits.
    let fresh = code_for(&mut chat, &ada()).await;
    let out = chat.say(&new_group(), &ada(), &format!("/community add {fresh}")).await;
    assert!(texts(&out).iter().any(|t| t.contains("分钟后再试")), "{:?}", texts(&out));
    chat.clock.advance(Duration::minutes(9));
    let fresh = code_for(&mut chat, &ada()).await;
    chat.clock.advance(Duration::minutes(2));
    let out = chat.say(&new_group(), &ada(), &format!("/community add {fresh}")).await;
    assert!(only(&out).contains("已加入"), "{:?}", texts(&out));
}

both_backends!(codes_expire_and_cannot_be_guessed);

async fn a_registered_group_can_leave_and_a_listed_one_cannot(db: TestDb) {
    let mut chat = TestChat::exactly(db, &config());
    let code = code_for(&mut chat, &ada()).await;
    chat.say(&new_group(), &ada(), &format!("/community add {code}")).await;
    let out = chat.say(&home(), &ada(), "/community remove").await;
    assert!(only(&out).contains("写在配置里"), "{:?}", texts(&out));
    let out = chat.say(&new_group(), &ada(), "/community remove").await;
    assert!(only(&out).contains("已离开"), "{:?}", texts(&out));
    let out = chat.say(&new_group(), &Who::telegram("20", "Bob"), "/ping").await;
    assert!(texts(&out).iter().all(|t| !t.contains("pong")), "{:?}", texts(&out));
    let out = chat.say(&home(), &ada(), "/community add ABCDEF").await;
    assert!(only(&out).contains("已经属于"), "{:?}", texts(&out));
}

both_backends!(a_registered_group_can_leave_and_a_listed_one_cannot);

/// The notice is said once per group even across a restart (another engine
/// on the same database), and another instance learns of a registration
/// within a minute.
async fn the_notice_is_said_once_and_registrations_are_shared(db: TestDb) {
    let mut first = TestChat::exactly(db, &config());
    let bob = Who::telegram("20", "Bob");
    assert_eq!(first.say(&new_group(), &bob, "hello there").await.len(), 1);
    let store = first.db.store.clone();
    let engine = jixia::Engine::new(&config(), store, std::sync::Arc::new(first.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let msg = first.message(&new_group(), &bob, "hello again");
    assert!(engine.handle(&msg).await.is_empty(), "a second instance does not repeat the notice");
    let code = code_for(&mut first, &ada()).await;
    first.say(&new_group(), &ada(), &format!("/community add {code}")).await;
    // The other instance trusts what it looked up for a minute, then looks again.
    first.clock.advance(Duration::seconds(jixia::engine::REGISTRATION_CACHE_SECS + 1));
    let ping = first.message(&new_group(), &bob, "/ping");
    let out = engine.handle(&ping).await;
    assert!(texts(&out).iter().any(|t| t.contains("pong")), "the other instance sees it: {:?}", texts(&out));
}

both_backends!(the_notice_is_said_once_and_registrations_are_shared);

/// `/whereami` tells an operator what to put in the config: in a group of no
/// community (its own admins may ask), and in a community's chat.
async fn whereami_names_the_chat_and_the_account(db: TestDb) {
    let mut chat = TestChat::exactly(db, &config());
    let owner = Who::telegram("77", "Olga").as_admin();
    chat.say(&new_group(), &owner, "hello").await;
    let out = chat.say(&new_group(), &owner, "/whereami").await;
    let card = only(&out);
    assert!(card.contains("telegram:-2002") && card.contains("不属于任何社区"), "{card}");
    assert!(card.contains("telegram:77"), "{card}");
    // A member of the community may not in a group, but may in a direct chat.
    let bob = Who::telegram("20", "Bob");
    assert!(only(&chat.say(&home(), &bob, "/whereami").await).contains("版主"));
    let card = only(&chat.say(&bob.dm(), &bob, "/whereami").await);
    assert!(card.contains("私聊") && card.contains("telegram:20") && card.contains("PG 中文社区 (pg)"), "{card}");
    let card = only(&chat.say(&home(), &ada(), "/whereami").await);
    assert!(card.contains("telegram:-1001") && card.contains("PG 中文社区 (pg)"), "{card}");
}

both_backends!(whereami_names_the_chat_and_the_account);
