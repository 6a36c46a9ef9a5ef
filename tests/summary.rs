//! Chat summaries as a community lives them: Mo (a moderator) opts the
//! group in, which is announced there; members talk; the digest has a
//! section with the day's summary, marked as a machine summary, made by an
//! in-process model. Direct messages and chats not opted in are never
//! kept; `/summary off` deletes what was kept; what is kept is capped per
//! day and pruned; without a model, with the budget spent or with a failing
//! model there is no summary and `/summary status` says why; every
//! command's mistakes are explained. Every case runs on SQLite and on
//! PostgreSQL.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::cast::{alice, bob, group, mo};
use common::model::{COST, FakeModel, chat_with_model};
use common::{TestChat, TestDb, only, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::llm::LlmError;
use jixia::message::Destination;
use jixia::{Chat, Platform};

/// Mo moderates the default community; the model is on with room for a
/// few summaries a day.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.llm.enabled = true;
    c.llm.max_tokens = 300;
    c.llm.daily_tokens = 10_000;
    c
}

/// Summarizes by counting the lines it was given.
fn summarizer() -> Arc<FakeModel> {
    FakeModel::answering(|req| {
        let lines = req.user.lines().filter(|l| l.starts_with('[')).count();
        format!("- 讨论了 {lines} 条消息里的 VACUUM 问题\n- 结论：用 pg_repack")
    })
}

fn other_group() -> Chat {
    Chat::group(Platform::Telegram, "-1002")
}

async fn ask(chat: &mut TestChat, who: &common::Who, text: &str) -> String {
    only(&chat.say(&group(), who, text).await)
}

/// Members talk in the group: `n` messages.
async fn talk(chat: &mut TestChat, n: usize) {
    for i in 0..n {
        let who = if i % 2 == 0 { alice() } else { bob() };
        assert!(chat.say(&group(), &who, &format!("VACUUM 第 {i} 个问题")).await.is_empty());
    }
}

both_backends!(
    a_moderator_opts_a_group_in_and_it_is_announced_there,
    the_digest_summarizes_the_day_marked_and_never_direct_messages,
    off_deletes_what_was_kept_and_stops_keeping,
    what_is_kept_is_capped_per_day_and_pruned,
    without_a_model_or_within_no_budget_there_is_no_summary_and_status_says_why,
    a_failing_model_gives_no_summary_and_a_later_digest_tries_again,
);

async fn a_moderator_opts_a_group_in_and_it_is_announced_there(db: TestDb) {
    let model = summarizer();
    let mut chat = chat_with_model(db, &config(), &model);
    // Members may not, and a direct chat never can.
    assert!(ask(&mut chat, &alice(), "/summary on").await.contains("需要版主权限"));
    let dm = only(&chat.say(&mo().dm(), &mo(), "/summary on").await);
    assert!(dm.contains("私聊永远不会被摘要"), "{dm}");
    assert!(only(&chat.say(&mo().dm(), &mo(), "/summary status").await).contains("私聊永远不会被摘要"));
    let long = ask(&mut chat, &mo(), &format!("/summary on {}", "名".repeat(41))).await;
    assert!(long.contains("最多 40 个字"), "{long}");
    assert!(ask(&mut chat, &alice(), "/summary status").await.contains("本群没有开启群聊摘要"));

    // The announcement goes to everyone in the group, not as a reply.
    let out = chat.say(&group(), &mo(), "/summary on 主群").await;
    assert_eq!(out.len(), 1, "{:?}", texts(&out));
    assert!(matches!(&out[0].to, Destination::Chat(c) if *c == group()), "{:?}", out[0].to);
    assert!(out[0].reply_to.is_none());
    let said = out[0].body.to_plain();
    assert!(
        said.starts_with("📣 公告：Mo 开启了本群（主群）的群聊摘要")
            && said.contains("由语言模型总结后放进每日摘要")
            && said.contains("每天最多 500 条，2 天后删除；私聊不会被保存")
            && said.contains("/summary off"),
        "{said}"
    );
    assert!(ask(&mut chat, &mo(), "/summary on").await.contains("已经开启"));
    let status = ask(&mut chat, &alice(), "/summary status").await;
    assert!(status.contains("本群（主群）已开启群聊摘要") && status.contains("今天已保存 0/500 条"), "{status}");
    assert!(status.contains("语言模型：fake-7b；本社区今天已用 0/10000 个 token"), "{status}");

    // In English.
    ask(&mut chat, &mo(), "/lang en").await;
    assert!(ask(&mut chat, &mo(), "/summary on").await.contains("already on"));
    assert!(model.calls().is_empty());
}

async fn the_digest_summarizes_the_day_marked_and_never_direct_messages(db: TestDb) {
    let model = summarizer();
    let mut chat = chat_with_model(db, &config(), &model);
    // Said before the opt-in: not kept.
    assert!(chat.say(&group(), &alice(), "早上好，没开启之前说的话").await.is_empty());
    chat.say(&group(), &mo(), "/summary on").await;
    talk(&mut chat, 6).await;
    // Never kept: a direct message, another group, a command.
    chat.say(&alice().dm(), &alice(), "私聊里的秘密").await;
    chat.say(&other_group(), &bob(), "另一个群的话").await;
    ask(&mut chat, &alice(), "/summary status").await;
    let status = ask(&mut chat, &mo(), "/summary status").await;
    assert!(status.contains("今天已保存 6/500 条"), "{status}");

    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(
        digest.contains("🗒 群聊摘要〔机器摘要 · fake-7b〕：以下由语言模型根据消息自动生成，未经人工审核。"),
        "{digest}"
    );
    assert!(
        digest.contains("telegram:-1001（6 条消息）：") && digest.contains("- 讨论了 6 条消息里的 VACUUM 问题"),
        "{digest}"
    );
    let calls = model.calls();
    assert_eq!(calls.len(), 1);
    let sent = &calls[0].user;
    assert!(sent.contains("[09:00] VACUUM 第 0 个问题") && sent.contains("VACUUM 第 5 个问题"), "{sent}");
    for never in ["私聊里的秘密", "另一个群的话", "没开启之前", "/summary", "alice", "bob"] {
        assert!(!sent.contains(never), "{never} was sent to the model: {sent}");
    }
    assert!(calls[0].system.contains("Simplified Chinese") && calls[0].max_tokens == 300);

    // The same day again: the summary is reused; after more talk it is made again.
    ask(&mut chat, &mo(), "/digest now").await;
    assert_eq!(model.calls().len(), 1);
    talk(&mut chat, 2).await;
    let again = ask(&mut chat, &mo(), "/digest now").await;
    assert!(again.contains("（8 条消息）") && again.contains("讨论了 8 条消息"), "{again}");
    assert_eq!(model.calls().len(), 2);
    let status = ask(&mut chat, &mo(), "/summary status").await;
    assert!(status.contains(&format!("今天已用 {}/10000", 2 * COST)), "{status}");

    // The scheduled digest two days later: the period has no messages.
    chat.clock.advance(Duration::days(2));
    let later = ask(&mut chat, &mo(), "/digest now").await;
    assert!(!later.contains("群聊摘要"), "{later}");
}

async fn off_deletes_what_was_kept_and_stops_keeping(db: TestDb) {
    let model = summarizer();
    let mut chat = chat_with_model(db, &config(), &model);
    assert!(ask(&mut chat, &mo(), "/summary off").await.contains("本来就没有开启"));
    chat.say(&group(), &mo(), "/summary on").await;
    talk(&mut chat, 6).await;
    assert!(ask(&mut chat, &alice(), "/summary off").await.contains("需要版主权限"));
    assert!(only(&chat.say(&mo().dm(), &mo(), "/summary off").await).contains("只能在群里"));
    assert!(ask(&mut chat, &mo(), "/summary off").await.contains("已保存的消息已删除"));
    talk(&mut chat, 6).await;
    // Back on: nothing from before is there.
    chat.say(&group(), &mo(), "/summary on").await;
    assert!(ask(&mut chat, &mo(), "/summary status").await.contains("今天已保存 0/500 条"));
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(!digest.contains("群聊摘要"), "{digest}");
    assert!(model.calls().is_empty());
}

async fn what_is_kept_is_capped_per_day_and_pruned(db: TestDb) {
    let model = summarizer();
    let mut c = config();
    c.features.summary.max_messages_per_day = 10;
    c.features.summary.max_message_chars = 20;
    let mut chat = chat_with_model(db, &c, &model);
    chat.say(&group(), &mo(), "/summary on").await;
    talk(&mut chat, 15).await;
    assert!(chat.say(&group(), &alice(), &"长".repeat(100)).await.is_empty());
    let status = ask(&mut chat, &mo(), "/summary status").await;
    assert!(status.contains("今天已保存 10/10 条"), "{status}");
    let store = chat.db.store.clone();
    let kept = store
        .summary()
        .summary_messages(Platform::Telegram, "-1001", common::t0() - Duration::days(1), 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept.len(), 10);
    assert!(kept.iter().all(|m| m.text.chars().count() <= 20));

    // The next day there is room again; after keep_days (2) the first day's
    // messages are deleted by the periodic flush.
    chat.clock.advance(Duration::days(1));
    chat.say(&group(), &alice(), &"长".repeat(100)).await;
    chat.due().await;
    chat.clock.advance(Duration::days(1) + Duration::hours(2));
    chat.due().await;
    let kept = store
        .summary()
        .summary_messages(Platform::Telegram, "-1001", common::t0() - Duration::days(1), 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].text, "长".repeat(20));
}

async fn without_a_model_or_within_no_budget_there_is_no_summary_and_status_says_why(db: TestDb) {
    // No model configured: nothing can be switched on.
    let mut off = config();
    off.llm.enabled = false;
    let model = summarizer();
    let mut chat = chat_with_model(db, &off, &model);
    assert!(ask(&mut chat, &mo(), "/summary on").await.contains("没有配置语言模型"));
    assert!(ask(&mut chat, &alice(), "/summary status").await.contains("语言模型：未配置"));

    // A budget too small for one call: no summary, and status says why.
    let mut poor = config();
    poor.llm.daily_tokens = 200;
    let db = chat.db;
    let mut chat = chat_with_model(db, &poor, &model);
    chat.say(&group(), &mo(), "/summary on").await;
    talk(&mut chat, 6).await;
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(!digest.contains("群聊摘要"), "{digest}");
    assert!(model.calls().is_empty());
    let status = ask(&mut chat, &mo(), "/summary status").await;
    assert!(status.contains("今天已用 0/200") && status.contains("daily token budget spent (0 of 200"), "{status}");

    // A community of its own budget ([communities.ID.llm]) is not bound by
    // the top-level one.
    let mut own = poor.clone();
    if let Some(c) = own.communities.get_mut("default") {
        c.llm.daily_tokens = Some(5000);
    }
    let db = chat.db;
    let mut chat = chat_with_model(db, &own, &model);
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(digest.contains("〔机器摘要 · fake-7b〕"), "{digest}");
}

async fn a_failing_model_gives_no_summary_and_a_later_digest_tries_again(db: TestDb) {
    let model = summarizer();
    model.fail(Some(LlmError::Status(500)));
    let mut chat = chat_with_model(db, &config(), &model);
    chat.say(&group(), &mo(), "/summary on").await;
    talk(&mut chat, 6).await;
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(!digest.contains("群聊摘要"), "{digest}");
    let status = ask(&mut chat, &mo(), "/summary status").await;
    assert!(status.contains("最近一次摘要的问题") && status.contains("HTTP status 500"), "{status}");
    assert!(status.contains("今天已用 0/10000"), "a failed call costs nothing: {status}");
    // An empty answer is no summary either.
    model.fail(None);
    model.answer(|_| "  ".into());
    assert!(!ask(&mut chat, &mo(), "/digest now").await.contains("群聊摘要"));
    assert!(ask(&mut chat, &mo(), "/summary status").await.contains("answer was empty"));
    model.answer(|_| "- 好".into());
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(digest.contains("〔机器摘要 · fake-7b〕") && digest.contains("- 好"), "{digest}");
}
