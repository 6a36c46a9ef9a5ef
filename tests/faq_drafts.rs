//! FAQ entries drafted by a language model, as moderators live it: Mo
//! sees a gap (`/faq gaps` numbers them), asks the in-process model to
//! draft an entry from it (`/faq draft G1`), finds it in the queue marked
//! as a machine draft, and approves it into the FAQ; a bounty question's
//! accepted answer is drafted as its question (`/faq draft Q1`) and
//! rejected. Then every refusal (a member asking, a bad source, no such
//! gap or question, no accepted answer, no model, the budget spent, a
//! failing model, an unreadable answer), each with a reply and nothing
//! stored. Every case runs on SQLite and on PostgreSQL.

mod common;

use std::sync::Arc;

use common::cast::{alice, bob, group, mo};
use common::model::{FakeModel, chat_with_model};
use common::{TestChat, TestDb, Who, only};
use jixia::config::{CommunityConfig, Config};
use jixia::llm::LlmError;

/// Mo moderates; the model is on.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.llm.enabled = true;
    c.llm.max_tokens = 400;
    c.features.points.no_points_chats = vec!["telegram:-1001".into()];
    c
}

/// Drafts an entry about what it was given.
fn drafter() -> Arc<FakeModel> {
    FakeModel::answering(|req| {
        if req.user.contains("Accepted answer:") {
            "Q: 怎么查看当前连接数？\nA: 查询 pg_stat_activity：\nSELECT count(*) FROM pg_stat_activity;".into()
        } else {
            "问：怎么安装 pg_cron？\n答：用包管理器安装 postgresql-16-cron，\n再把 pg_cron 加进 shared_preload_libraries。".into()
        }
    })
}

async fn say(chat: &mut TestChat, who: &Who, text: &str) -> String {
    only(&chat.say(&group(), who, text).await)
}

/// Three members ask about pg_cron; nothing answers them.
async fn a_gap(chat: &mut TestChat) {
    for (who, q) in [("11", "pg_cron 怎么安装？"), ("12", "请问 pg_cron 如何安装"), ("13", "pg_cron 安装报错怎么办？")]
    {
        assert!(chat.say(&group(), &Who::telegram(who, who), q).await.is_empty());
    }
}

/// Alice asks, Bob answers, Alice accepts: Q1.
async fn an_accepted_answer(chat: &mut TestChat) {
    let q = chat.message(&group(), &alice(), "/ask 怎么看有多少个连接？");
    let posted = only(&chat.engine.handle(&q).await);
    assert!(posted.contains("Q1"), "{posted}");
    let said = only(&chat.reply(&group(), &bob(), &q, "select count(*) from pg_stat_activity").await);
    assert!(said.contains("Q1-A1"), "{said}");
    assert!(say(chat, &alice(), "/accept Q1-A1").await.starts_with("🏆"));
}

both_backends!(
    a_gap_is_drafted_into_the_queue_marked_and_approved,
    an_accepted_answer_is_drafted_as_its_question_and_rejected,
    every_refusal_is_explained_and_nothing_is_stored,
);

async fn a_gap_is_drafted_into_the_queue_marked_and_approved(db: TestDb) {
    let model = drafter();
    let mut chat = chat_with_model(db, &config(), &model);
    a_gap(&mut chat).await;
    let gaps = say(&mut chat, &mo(), "/faq gaps").await;
    assert!(gaps.contains("G1 ×3 pg_cron") && gaps.contains("/faq draft G1"), "{gaps}");

    let drafted = say(&mut chat, &mo(), "/faq draft g1").await;
    assert!(
        drafted.starts_with("🤖 D1 〔机器起草 · fake-7b〕来自 G1，已放进待审队列，未经审核不会收入")
            && drafted.contains("问：怎么安装 pg_cron？")
            && drafted.contains("答：用包管理器安装 postgresql-16-cron")
            && drafted.contains("/faq approve D1"),
        "{drafted}"
    );
    // The model saw every wording, and no names.
    let calls = model.calls();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].user.contains("- 请问 pg_cron 如何安装") && calls[0].user.contains("- pg_cron 安装报错怎么办？"));
    assert!(calls[0].system.contains("Simplified Chinese") && calls[0].max_tokens == 400);

    // A second draft of the same gap is D2: two drafts to choose from.
    assert!(say(&mut chat, &mo(), "/faq draft G1").await.starts_with("🤖 D2 "));
    let queue = say(&mut chat, &mo(), "/faq proposals").await;
    assert!(
        queue.contains("（共 2 个）")
            && queue.contains("D1 〔机器起草 · fake-7b〕Mo 请求，来自 G1 — 怎么安装 pg_cron？"),
        "{queue}"
    );

    let approved = say(&mut chat, &mo(), "/faq approve D1").await;
    assert!(approved.contains("d1"), "{approved}");
    assert!(say(&mut chat, &mo(), "/faq reject D2 重复").await.contains("D2"));
    let again = say(&mut chat, &mo(), "/faq approve D1").await;
    assert!(again.contains("D1 已经通过了"), "{again}");
    let entry = say(&mut chat, &alice(), "/faq d1").await;
    assert!(entry.contains("怎么安装 pg_cron？") && entry.contains("shared_preload_libraries"), "{entry}");
}

async fn an_accepted_answer_is_drafted_as_its_question_and_rejected(db: TestDb) {
    let model = drafter();
    let mut chat = chat_with_model(db, &config(), &model);
    an_accepted_answer(&mut chat).await;
    let drafted = say(&mut chat, &mo(), "/faq draft Q1").await;
    assert!(
        drafted.starts_with("🤖 Q1 〔机器起草 · fake-7b〕来自 Q1-A1") && drafted.contains("问：怎么查看当前连接数？"),
        "{drafted}"
    );
    let sent = &model.calls()[0].user;
    assert!(sent.contains("Question: 怎么看有多少个连接？") && sent.contains("select count(*) from pg_stat_activity"));
    // The question is proposed once, by people or by the model.
    assert!(say(&mut chat, &alice(), "/faq propose Q1").await.contains("Q1"));
    assert!(say(&mut chat, &mo(), "/faq draft Q1").await.contains("已经提议过了"));
    assert_eq!(model.calls().len(), 1);
    let rejected = say(&mut chat, &mo(), "/faq reject Q1 太笼统").await;
    assert!(rejected.contains("Q1"), "{rejected}");
    assert!(say(&mut chat, &mo(), "/faq proposals").await.contains("没有等待审核"));
}

async fn every_refusal_is_explained_and_nothing_is_stored(db: TestDb) {
    let model = drafter();
    let mut chat = chat_with_model(db, &config(), &model);
    a_gap(&mut chat).await;
    assert!(say(&mut chat, &alice(), "/faq draft G1").await.contains("需要版主权限"));
    for (line, expect) in [
        ("/faq draft X1", "不是可以起草的来源"),
        ("/faq draft G0", "不是可以起草的来源"),
        ("/faq draft 7", "不是可以起草的来源"),
        ("/faq draft G2", "没有 G2：最近只有 1 组"),
        ("/faq draft Q9", "Q9"),
    ] {
        let reply = say(&mut chat, &mo(), line).await;
        assert!(reply.contains(expect), "{line}: {reply}");
    }
    // A question without an accepted answer.
    let q = chat.message(&group(), &alice(), "/ask 还没有答案的问题？");
    chat.engine.handle(&q).await;
    assert!(say(&mut chat, &mo(), "/faq draft Q1").await.contains("采纳"));
    assert!(model.calls().is_empty());

    // The model fails, answers in another form, or the budget is spent.
    model.fail(Some(LlmError::Timeout(60)));
    let failed = say(&mut chat, &mo(), "/faq draft G1").await;
    assert!(failed.contains("语言模型没有写出草稿（timed out after 60 s）"), "{failed}");
    model.fail(None);
    model.answer(|_| "Sure! Here is an entry about pg_cron.".into());
    assert!(say(&mut chat, &mo(), "/faq draft G1").await.contains("不是“问/答”的格式"));
    assert!(say(&mut chat, &mo(), "/faq proposals").await.contains("没有等待审核"));

    let mut poor = config();
    poor.llm.daily_tokens = 300;
    let db = chat.db;
    let mut chat = chat_with_model(db, &poor, &model);
    let spent = say(&mut chat, &mo(), "/faq draft G1").await;
    assert!(spent.contains("token 预算已用完（100/300）"), "{spent}");

    let mut off = config();
    off.llm.enabled = false;
    let db = chat.db;
    let mut chat = chat_with_model(db, &off, &model);
    assert!(say(&mut chat, &mo(), "/faq draft G1").await.contains("没有配置语言模型"));
    assert!(!say(&mut chat, &mo(), "/faq gaps").await.contains("/faq draft"));
    assert_eq!(model.calls().len(), 2);
    assert!(say(&mut chat, &mo(), "/faq proposals").await.contains("没有等待审核"));
}
