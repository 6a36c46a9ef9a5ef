//! From bounty answers to the FAQ, as a community lives it: Alice asks, Bob
//! answers, Alice accepts; Bob proposes the exchange for the FAQ, Mo (a
//! moderator) approves it, Bob hears of it by direct message, and the next
//! member who asks the same question, or a close rewording, is pointed to
//! the new entry. Then every refusal (unknown question, no accepted
//! answer, someone else's question, proposed twice, already in the FAQ,
//! decided twice, a member deciding, another community), each with a
//! reply and nothing stored; and two moderators approving at once make one
//! entry. Every case runs on SQLite and on PostgreSQL.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::cast::{alice, bob, carol, dave, group, mo};
use common::{TestChat, TestDb, Who, due_and_sent, is_dm_to, only, texts};
use jixia::clock::ManualClock;
use jixia::config::{CommunityConfig, Config};
use jixia::{Chat, Engine, Incoming, Outgoing, Platform};

fn lin() -> Who {
    Who::telegram("8", "Lin")
}

/// Mo and Lin moderate; the group earns no activity points. Discord 501
/// is another community's chat, moderated by Zed.
fn config() -> Config {
    let mut c = Config::default();
    c.communities.insert(
        "default".into(),
        CommunityConfig { moderators: vec!["telegram:9".into(), "telegram:8".into()], ..Default::default() },
    );
    c.communities.insert(
        "other".into(),
        CommunityConfig {
            chats: vec!["discord:501".into()],
            moderators: vec!["discord:77".into()],
            ..Default::default()
        },
    );
    c.features.points.no_points_chats = vec!["telegram:-1001".into()];
    c
}

fn other_group() -> Chat {
    Chat::group(Platform::Discord, "501")
}

fn zed() -> Who {
    Who::discord("77", "zed")
}

async fn grant(chat: &mut TestChat, who: &Who, n: i64) {
    chat.say(&group(), who, "大家好").await;
    let out = chat.say_mentioning(&group(), &mo(), &format!("/points grant @{} {n} test", who.name), &[who]).await;
    assert!(texts(&out)[0].starts_with("已给"), "{:?}", texts(&out));
}

async fn say(chat: &mut TestChat, who: &Who, text: &str) -> String {
    only(&chat.say(&group(), who, text).await)
}

/// `asker` asks `question` (no bounty), `answerer` answers by reply and the
/// asker accepts: a closed question with an accepted answer. Returns its id.
async fn accepted(chat: &mut TestChat, asker: &Who, question: &str, answerer: &Who, answer: &str) -> String {
    let q = chat.message(&group(), asker, &format!("/ask {question}"));
    let posted = only(&chat.engine.handle(&q).await);
    let id = posted.split_whitespace().nth(1).unwrap_or_default().to_owned();
    assert!(id.starts_with('Q'), "{posted}");
    let said = only(&chat.reply(&group(), answerer, &q, answer).await);
    assert!(said.contains(&format!("{id}-A1")), "{said}");
    assert!(say(chat, asker, &format!("/accept {id}-A1")).await.starts_with("🏆"));
    id
}

/// What members receive once the outbox is drained.
async fn deliver(chat: &TestChat) -> Vec<Outgoing> {
    due_and_sent(&chat.engine).await
}

fn dms_to(out: &[Outgoing], who: &Who) -> Vec<String> {
    out.iter().filter(|o| is_dm_to(o, who)).map(|o| o.body.to_plain()).collect()
}

async fn entry_ids(chat: &TestChat, community: &str) -> Vec<String> {
    let entries = chat.db.store.faq().faq_entries(community).await.unwrap_or_else(|e| panic!("{e}"));
    entries.into_iter().map(|e| e.id).collect()
}

both_backends!(
    an_approved_answer_redirects_the_next_member_who_asks,
    every_refusal_gets_a_reply_and_stores_nothing,
    rejected_proposals_tell_the_proposer_why,
    proposals_belong_to_the_community_of_the_question,
    two_moderators_approving_at_once_make_one_entry,
    an_entry_approved_on_one_instance_redirects_on_the_others,
);

async fn an_approved_answer_redirects_the_next_member_who_asks(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    let question = "autovacuum 为什么一直卡在同一张表上？";
    let q = chat.message(&group(), &alice(), &format!("/ask 30 {question}"));
    assert!(only(&chat.engine.handle(&q).await).starts_with("❓ Q1 · 30 积分"));
    let answer =
        "多半是长事务挡住了 xmin：查 pg_stat_activity 里 backend_xmin 最老的会话，结束它之后 autovacuum 就能继续。";
    assert!(only(&chat.reply(&group(), &bob(), &q, answer).await).contains("Q1-A1"));
    // Before: nothing in the FAQ answers it, so Carol's question passes.
    assert!(chat.say(&group(), &carol(), question).await.is_empty());
    assert!(say(&mut chat, &alice(), "/accept Q1-A1").await.starts_with("🏆"));

    // Bob, whose answer was accepted, proposes it.
    let proposed = say(&mut chat, &bob(), "/faq propose Q1").await;
    assert_eq!(
        proposed,
        format!("📥 已提议把 Q1 和采纳的回答 Q1-A1 收入常见问题，等版主审核，结果会私信告诉你。\n「{question}」")
    );
    // The moderators' queue.
    let queue = say(&mut chat, &mo(), "/faq proposals").await;
    assert!(queue.starts_with("等待审核的常见问题提议（共 1 个）："), "{queue}");
    assert!(queue.contains(&format!("Q1 · bob 提议 — {question} ⮕ Q1-A1（bob）：多半是长事务")), "{queue}");
    // Approved: the entry is the question as asked, with the accepted answer.
    let approved = say(&mut chat, &mo(), "/faq approve Q1").await;
    assert!(approved.starts_with("✅ 已把 Q1 收入常见问题，条目 /faq q1。"), "{approved}");
    let card = say(&mut chat, &dave(), "/faq q1").await;
    assert!(card.starts_with(&format!("{question}（q1）\n{answer}")), "{card}");
    // Bob hears of it by direct message, once.
    let out = deliver(&chat).await;
    let to_bob = dms_to(&out, &bob());
    assert_eq!(to_bob.len(), 1, "{:?}", texts(&out));
    assert!(to_bob[0].starts_with("✅ 你提议的 Q1 已收入常见问题（/faq q1）"), "{}", to_bob[0]);
    assert!(deliver(&chat).await.is_empty());
    assert_eq!(say(&mut chat, &mo(), "/faq proposals").await, "没有等待审核的常见问题提议。");

    // Carol asks the same question again: she is pointed to the new entry.
    let redirect = only(&chat.say(&group(), &carol(), question).await);
    assert!(redirect.contains(question) && redirect.contains("长事务挡住了 xmin"), "{redirect}");
    assert!(redirect.contains("/faq q1"), "{redirect}");
    // Dave, in his own words, in another chat of the community.
    let elsewhere = Chat::group(Platform::Telegram, "-1002");
    let reworded = only(&chat.say(&elsewhere, &dave(), "为什么 autovacuum 总是卡在同一张表").await);
    assert!(reworded.contains("/faq q1"), "{reworded}");
}

async fn every_refusal_gets_a_reply_and_stores_nothing(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let q1 = accepted(&mut chat, &alice(), "pg_repack 需要主键吗？", &bob(), "需要主键或者非空唯一索引。").await;
    // A question still open, and one that expired without an accept.
    say(&mut chat, &alice(), "/ask 还没人回答的问题？").await;
    let open = chat.message(&group(), &alice(), "/ask 有人回答但没采纳？");
    chat.engine.handle(&open).await;
    chat.reply(&group(), &bob(), &open, "一个没被采纳的回答").await;
    let cases = [
        (bob(), "/faq propose Q99", "没有找到问题「Q99」。问题编号形如 Q17，发送 /questions 查看。"),
        (bob(), "/faq propose 问题一", "没有找到问题「问题一」。问题编号形如 Q17，发送 /questions 查看。"),
        (alice(), "/faq propose Q2", "Q2 还没有被采纳的回答。提问者采纳一个回答后才能提议收入常见问题。"),
        (bob(), "/faq propose Q3", "Q3 还没有被采纳的回答。提问者采纳一个回答后才能提议收入常见问题。"),
        (carol(), "/faq propose Q1", "只有 Q1 的提问者、被采纳的回答者或版主可以提议收入常见问题。可以请他们来提。"),
        // Members cannot see or decide the queue.
        (carol(), "/faq proposals", "/faq proposals 需要版主权限。"),
        (carol(), "/faq approve Q1", "/faq approve 编号 [条目编号] 需要版主权限。"),
        (bob(), "/faq reject Q1", "/faq reject 编号 [原因…] 需要版主权限。"),
        (mo(), "/faq approve Q1", "没有「Q1」的提议。发送 /faq proposals 查看等待审核的提议。"),
        (mo(), "/faq reject Q7", "没有「Q7」的提议。发送 /faq proposals 查看等待审核的提议。"),
    ];
    for (who, said, want) in &cases {
        assert_eq!(say(&mut chat, who, said).await, *want, "{said}");
    }
    assert_eq!(say(&mut chat, &mo(), "/faq proposals").await, "没有等待审核的常见问题提议。");
    assert!(entry_ids(&chat, "default").await.is_empty());
    // Even after the expiry, Q3 has no accepted answer.
    chat.clock.advance(Duration::days(9));
    jixia::scheduler::run_jobs(&chat.engine, chat.engine.instance(), jixia::clock::Clock::now(&chat.clock)).await;
    assert!(say(&mut chat, &bob(), "/faq propose Q3").await.starts_with("Q3 还没有被采纳的回答"));

    // The asker proposes; the answerer, a moment later, is told it waits.
    assert!(say(&mut chat, &alice(), &format!("/faq propose {q1}")).await.starts_with("📥"));
    assert_eq!(say(&mut chat, &bob(), "/faq propose q1").await, "Q1 已经提议过了，正在等版主审核。");
    // A member deciding changes nothing.
    assert!(say(&mut chat, &bob(), "/faq approve Q1").await.contains("需要版主权限"));
    assert!(entry_ids(&chat, "default").await.is_empty());
    // An entry id that is not one, or is taken: refused, still pending.
    say(&mut chat, &mo(), "/faq add repack 有人在线收缩过大表吗？\n用 pg_repack。").await;
    assert_eq!(
        say(&mut chat, &mo(), "/faq approve Q1 Repack!").await,
        "“repack!”不能做条目 ID：请用小写字母、数字和 - . _（例如 vacuum-full），且不能是子命令名。"
    );
    assert_eq!(
        say(&mut chat, &mo(), "/faq approve Q1 repack").await,
        "已经有编号为 repack 的条目了。换一个：/faq approve Q1 新编号。"
    );
    assert_eq!(entry_ids(&chat, "default").await, ["repack"]);
    assert!(say(&mut chat, &mo(), "/faq proposals").await.contains("Q1 · alice 提议"));
    // Approved under the id Mo chose; deciding again is refused.
    assert!(
        say(&mut chat, &mo(), "/faq approve Q1 repack-pk")
            .await
            .starts_with("✅ 已把 Q1 收入常见问题，条目 /faq repack-pk")
    );
    assert_eq!(say(&mut chat, &lin(), "/faq approve Q1").await, "Q1 已经通过了，条目是 /faq repack-pk。");
    assert_eq!(say(&mut chat, &lin(), "/faq reject Q1 重复").await, "Q1 已经通过了，条目是 /faq repack-pk。");
    assert_eq!(say(&mut chat, &bob(), "/faq propose Q1").await, "Q1 已经在常见问题里了：/faq repack-pk。");
    assert_eq!(entry_ids(&chat, "default").await, ["repack", "repack-pk"]);

    // A question the FAQ already asks, word for word (entered by hand).
    let q4 = accepted(&mut chat, &carol(), "有人在线收缩过大表吗？", &dave(), "pg_repack 或 pg_squeeze。").await;
    assert_eq!(say(&mut chat, &dave(), &format!("/faq propose {q4}")).await, "Q4 已经在常见问题里了：/faq repack。");
    assert!(say(&mut chat, &mo(), "/faq proposals").await.starts_with("没有等待"));
    // A question longer than an FAQ question may be (500 characters).
    let long = format!("{}？", "为什么这个查询这么慢".repeat(60));
    let q5 = accepted(&mut chat, &alice(), &long, &bob(), "先看执行计划。").await;
    assert_eq!(
        say(&mut chat, &bob(), &format!("/faq propose {q5}")).await,
        "Q5 太长，放不进常见问题（问题最多 500 字，答案最多 4000 字）。可以请版主用 /faq add 写一个精简版。"
    );
    assert!(say(&mut chat, &mo(), "/faq proposals").await.starts_with("没有等待"));
    // Alice proposed Q1 and Mo approved it: the news went to Alice alone.
    let out = deliver(&chat).await;
    let news = |who: &Who| dms_to(&out, who).into_iter().filter(|t| t.starts_with("✅ 你提议的")).count();
    assert_eq!((news(&alice()), news(&bob())), (1, 0), "{:?}", texts(&out));
}

async fn rejected_proposals_tell_the_proposer_why(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let q1 = accepted(&mut chat, &alice(), "我们公司的库为什么慢？", &bob(), "你们的磁盘太慢了。").await;
    let q2 = accepted(
        &mut chat,
        &carol(),
        "怎么看一个表有多大？",
        &dave(),
        "select pg_size_pretty(pg_total_relation_size('t'));",
    )
    .await;
    assert!(say(&mut chat, &bob(), &format!("/faq propose {q1}")).await.starts_with("📥"));
    // A moderator may propose any accepted answer; deciding their own sends no message.
    assert!(say(&mut chat, &mo(), &format!("/faq propose {q2}")).await.starts_with("📥"));
    assert_eq!(
        say(&mut chat, &lin(), "/faq reject Q1 太具体了，只对一家公司有用").await,
        "已驳回 Q1，原因：太具体了，只对一家公司有用"
    );
    assert_eq!(say(&mut chat, &mo(), "/faq reject Q2").await, "已驳回 Q2。");
    let out = deliver(&chat).await;
    assert_eq!(
        dms_to(&out, &bob()),
        ["你提议的 Q1 这次没有收入常见问题，原因：太具体了，只对一家公司有用"],
        "{:?}",
        texts(&out)
    );
    assert!(dms_to(&out, &mo()).is_empty(), "{:?}", texts(&out));
    // Decided: not again, and not proposed again.
    assert_eq!(say(&mut chat, &mo(), "/faq approve Q1").await, "Q1 已经被驳回了。");
    assert_eq!(
        say(&mut chat, &alice(), "/faq propose Q1").await,
        "Q1 之前提议过，版主没有收入，原因：太具体了，只对一家公司有用"
    );
    assert_eq!(say(&mut chat, &dave(), "/faq propose Q2").await, "Q2 之前提议过，版主没有收入。");
    assert!(entry_ids(&chat, "default").await.is_empty());
    // An English-speaking proposer hears in English.
    chat.say(&group(), &dave(), "/lang en").await;
    let q3 =
        accepted(&mut chat, &carol(), "How big is a table on disk?", &dave(), "pg_total_relation_size('t').").await;
    assert!(say(&mut chat, &dave(), &format!("/faq propose {q3}")).await.starts_with("📥 Proposed Q3"));
    assert!(say(&mut chat, &mo(), "/faq approve Q3 table-size").await.starts_with("✅"));
    let out = deliver(&chat).await;
    let to_dave = dms_to(&out, &dave());
    assert_eq!(to_dave.len(), 1, "{:?}", texts(&out));
    assert!(to_dave[0].starts_with("✅ Q3, which you proposed, is in the FAQ now (/faq table-size)"), "{}", to_dave[0]);
}

async fn proposals_belong_to_the_community_of_the_question(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    accepted(&mut chat, &alice(), "shared_buffers 设多大？", &bob(), "一般是内存的 25%。").await;
    assert!(say(&mut chat, &bob(), "/faq propose Q1").await.starts_with("📥"));
    // The other community has no Q1, no proposals, and cannot decide ours.
    let unknown_q1 = "没有「Q1」的提议。发送 /faq proposals 查看等待审核的提议。";
    for (said, want) in [
        ("/faq propose Q1", "没有找到问题「Q1」。问题编号形如 Q17，发送 /questions 查看。"),
        ("/faq proposals", "没有等待审核的常见问题提议。"),
        ("/faq approve Q1", unknown_q1),
        ("/faq reject Q1", unknown_q1),
    ] {
        assert_eq!(only(&chat.say(&other_group(), &zed(), said).await), want, "{said}");
    }
    assert!(entry_ids(&chat, "other").await.is_empty());
    assert!(say(&mut chat, &mo(), "/faq proposals").await.contains("Q1 · bob 提议"));
    // Approved here, the entry is this community's only.
    assert!(say(&mut chat, &mo(), "/faq approve Q1").await.starts_with("✅"));
    assert_eq!(entry_ids(&chat, "default").await, ["q1"]);
    assert!(entry_ids(&chat, "other").await.is_empty());
    assert!(chat.say(&other_group(), &zed(), "shared_buffers 设多大？").await.is_empty());
    assert!(only(&chat.say(&group(), &carol(), "shared_buffers 设多大？").await).contains("/faq q1"));
}

/// Another instance on the same database, at the same time.
fn second_engine(chat: &TestChat) -> Arc<Engine> {
    let config = common::with_test_chats(&config());
    let at = jixia::clock::Clock::now(&chat.clock);
    Arc::new(
        Engine::new(&config, chat.db.store.clone(), Arc::new(ManualClock::frozen(at)))
            .unwrap_or_else(|e| panic!("engine: {e}")),
    )
}

/// An entry approved on one instance redirects on another instance of the
/// same database within seconds, without a restart: each instance looks at
/// the store's FAQ once per `FRESH_SECS`.
async fn an_entry_approved_on_one_instance_redirects_on_the_others(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let question = "pg_upgrade 之后统计信息为什么没了？";
    let q = accepted(
        &mut chat,
        &alice(),
        question,
        &bob(),
        "pg_upgrade 不迁移统计信息，升级后跑 vacuumdb --analyze-in-stages。",
    )
    .await;
    let other = second_engine(&chat);
    // The other instance has built its matcher: nothing answers the question.
    assert!(other.handle(&chat.message(&group(), &carol(), question)).await.is_empty());
    assert!(say(&mut chat, &bob(), &format!("/faq propose {q}")).await.starts_with("📥"));
    assert!(say(&mut chat, &mo(), &format!("/faq approve {q}")).await.starts_with("✅"));
    tokio::time::sleep(std::time::Duration::from_secs(jixia::features::faq::state::FRESH_SECS + 1)).await;
    let elsewhere = Chat::group(Platform::Telegram, "-1002");
    let redirect = texts(&other.handle(&chat.message(&elsewhere, &dave(), question)).await);
    assert_eq!(redirect.len(), 1, "the other instance sees the new entry: {redirect:?}");
    assert!(redirect[0].contains("vacuumdb --analyze-in-stages"), "{redirect:?}");
}

async fn two_moderators_approving_at_once_make_one_entry(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    for round in 1..=4 {
        let q = accepted(
            &mut chat,
            &alice(),
            &format!("第 {round} 个问题怎么办？"),
            &bob(),
            &format!("第 {round} 个答案。"),
        )
        .await;
        // The asker and the answerer propose at the same moment: one proposal.
        let (a, b): (Incoming, Incoming) = (
            chat.message(&group(), &alice(), &format!("/faq propose {q}")),
            chat.message(&group(), &bob(), &format!("/faq propose {q}")),
        );
        let other = second_engine(&chat);
        let (ra, rb) = tokio::join!(chat.engine.handle(&a), other.handle(&b));
        let said: Vec<String> = texts(&ra).into_iter().chain(texts(&rb)).collect();
        assert_eq!(said.iter().filter(|t| t.starts_with("📥")).count(), 1, "{said:?}");
        assert!(said.iter().any(|t| t.contains("已经提议过了")), "{said:?}");
        // Mo and Lin approve at the same moment, on two instances.
        let (m, l) = (
            chat.message(&group(), &mo(), &format!("/faq approve {q}")),
            chat.message(&group(), &lin(), &format!("/faq approve {q}")),
        );
        let (rm, rl) = tokio::join!(chat.engine.handle(&m), other.handle(&l));
        let said: Vec<String> = texts(&rm).into_iter().chain(texts(&rl)).collect();
        assert_eq!(said.iter().filter(|t| t.starts_with("✅")).count(), 1, "{said:?}");
        assert!(said.iter().any(|t| t.contains("已经通过了")), "{said:?}");
        assert_eq!(entry_ids(&chat, "default").await.len(), round, "one entry per question");
    }
    // Each proposer heard once per proposal.
    let out = deliver(&chat).await;
    let news = out.iter().filter(|o| o.body.to_plain().starts_with("✅ 你提议的")).count();
    assert_eq!(news, 4, "{:?}", texts(&out));
}
