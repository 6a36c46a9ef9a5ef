//! Bounty Q&A as the community lives it: Alice asks with points in escrow,
//! Bob and Carol answer (by reply or with /answer), Dave votes, Alice
//! accepts; urgent bounties are announced; unaccepted bounties expire
//! through their job. Then the ledger under stress: concurrent accepts, an
//! accept racing the expiry on another instance, every event delivered
//! twice, members merged by /link, and every bad input refused with a
//! reply and no points moved. Every case runs on SQLite and on PostgreSQL,
//! and each ends with the ledger and the escrow audited.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::cast::{alice, bob, carol, dave, erin, group, mo};
use common::{TestChat, TestDb, Who, due_and_sent, is_dm_to, only, texts};
use jixia::clock::ManualClock;
use jixia::config::{CommunityConfig, Config};
use jixia::features::shop::ShopItem;
use jixia::message::ReplyTo;
use jixia::{Chat, Engine, Incoming, Outgoing, Platform};

/// Mo moderates; the group earns no activity points, so balances move only
/// by what a case does.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.features.points.no_points_chats = vec!["telegram:-1001".into(), "discord:5".into()];
    c.features.shop.items = vec![ShopItem {
        id: "salon".into(),
        name: "沙龙门票".into(),
        name_en: String::new(),
        price: 100,
        stock: None,
        min_level: 0,
    }];
    c
}

fn now(chat: &TestChat) -> DateTime<Utc> {
    jixia::clock::Clock::now(&chat.clock)
}

async fn balance(chat: &TestChat, who: &Who) -> (i64, i64) {
    let m =
        chat.db.store.members().find_account("default", who.platform, &who.id).await.unwrap_or_else(|e| panic!("{e}"));
    let Some(m) = m else { return (0, 0) };
    let b = chat.db.store.ledger().balance("default", m.id).await.unwrap_or_else(|e| panic!("{e}"));
    (b.balance, b.contribution)
}

/// The ledger's invariants and the escrow's: what `jixia doctor` checks.
async fn assert_doctor_clean(chat: &TestChat) {
    let audit = chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(audit.is_clean(), "ledger invariants: {audit:?}");
    let drift = jixia::features::bounty::escrow_drift(&chat.db.store).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(drift.is_empty(), "escrow equals the open bounties: {drift:?}");
}

/// The sum of the open bounties, from the escrow audit's point of view:
/// zero drift plus this figure pins the escrow account's balance.
async fn open_bounties(chat: &mut TestChat) -> i64 {
    let list = chat.say(&group(), &mo(), "/questions").await;
    let text = only(&list);
    text.lines()
        .filter_map(|l| l.split(" · ").nth(1).and_then(|p| p.strip_suffix(" 积分")).and_then(|n| n.parse::<i64>().ok()))
        .sum()
}

async fn grant(chat: &mut TestChat, who: &Who, n: i64) {
    // A member is known once they have spoken.
    chat.say(&group(), who, "大家好").await;
    let out = chat.say_mentioning(&group(), &mo(), &format!("/points grant @{} {n} test", who.name), &[who]).await;
    assert!(texts(&out)[0].starts_with("已给"), "{:?}", texts(&out));
}

/// Runs the jobs that are due and drains the outbox: what members receive.
async fn deliver(chat: &TestChat) -> Vec<Outgoing> {
    jixia::scheduler::run_jobs(&chat.engine, chat.engine.instance(), now(chat)).await;
    due_and_sent(&chat.engine).await
}

fn dms_to(out: &[Outgoing], who: &Who) -> Vec<String> {
    out.iter().filter(|o| is_dm_to(o, who)).map(|o| o.body.to_plain()).collect()
}

/// A message `who` sends, without handling it (to replay or race it).
fn msg(chat: &mut TestChat, who: &Who, text: &str) -> Incoming {
    chat.message(&group(), who, text)
}

/// The same, as a reply to `to`.
fn reply_msg(chat: &mut TestChat, who: &Who, to: &Incoming, text: &str) -> Incoming {
    let mut m = chat.message(&group(), who, text);
    m.reply_to = Some(ReplyTo {
        message_id: to.message_id.clone(),
        author: Some(to.sender.clone()),
        text: Some(to.text.clone()),
    });
    m
}

/// `who` replies to `to` with `text`; the bot's one reply.
async fn replied(chat: &mut TestChat, who: &Who, to: &Incoming, text: &str) -> String {
    let m = reply_msg(chat, who, to, text);
    handle(chat, &m).await
}

async fn handle(chat: &TestChat, m: &Incoming) -> String {
    only(&chat.engine.handle(m).await)
}

/// Alice (200 points) asks `text`; returns her message and the bot's reply.
async fn asked(chat: &mut TestChat, text: &str) -> (Incoming, String) {
    let m = msg(chat, &alice(), text);
    let r = handle(chat, &m).await;
    (m, r)
}

both_backends!(
    ask_answer_vote_accept,
    the_bots_post_of_a_question_and_of_an_answer_work_as_reply_targets,
    questions_without_a_bounty_escrow_nothing,
    urgent_bounties_are_announced_and_listed_first,
    asker_hears_of_answers_at_most_once_per_ten_minutes,
    expiry_pays_half_to_the_best_voted_answer,
    expiry_without_a_voted_answer_returns_the_bounty_minus_the_fee,
    moderators_accept_for_a_silent_asker_after_the_period,
    every_bad_input_gets_a_reply_and_moves_no_points,
    concurrent_accepts_one_wins,
    accept_racing_the_expiry_moves_the_escrow_once,
    every_event_delivered_twice_changes_nothing,
    a_member_merged_by_link_does_not_strand_a_bounty,
    escrowed_points_are_not_spendable_in_the_shop,
    replies_in_chats_without_questions_are_left_alone,
    a_thumbs_up_on_an_answer_is_a_vote_and_taking_it_back_removes_it,
    simultaneous_asks_never_open_a_fourth_bounty,
    a_leading_number_is_a_bounty_only_when_it_could_be_one,
);

async fn ask_answer_vote_accept(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 200).await;
    let (q, posted) = asked(&mut chat, "/ask 50 autovacuum 为什么一直卡在同一张表？").await;
    assert!(posted.starts_with("❓ Q1 · 50 积分 · 进行中 — alice"), "{posted}");
    assert!(posted.contains("autovacuum 为什么一直卡在同一张表？") && posted.contains("/answer Q1"), "{posted}");
    // Open for 7 days from the test clock's 2026-12-01 09:00 (Shanghai).
    assert!(posted.ends_with("截止 12-08 09:00。"), "{posted}");
    assert_eq!(balance(&chat, &alice()).await, (150, 200));
    assert_eq!(open_bounties(&mut chat).await, 50);
    assert_doctor_clean(&chat).await;

    // Bob answers by replying to the question; Carol with /answer.
    let r = reply_msg(&mut chat, &bob(), &q, "看看是不是有长事务挡住了 xmin");
    let bob_answer = r.clone();
    assert!(handle(&chat, &r).await.contains("Q1-A1"));
    let carol_says =
        only(&chat.say(&group(), &carol(), "/answer Q1 检查 pg_stat_activity 里的 idle in transaction").await);
    assert!(carol_says.contains("Q1-A2"), "{carol_says}");

    // Dave votes; voting again, or on one's own answer, is refused.
    assert_eq!(only(&chat.say(&group(), &dave(), "/upvote Q1-A1").await), "👍 已为 Q1-A1 点赞，现在 1 票。");
    assert_eq!(only(&chat.say(&group(), &dave(), "/upvote q1a1").await), "你已经给 Q1-A1 点过赞了。");
    assert_eq!(only(&chat.say(&group(), &bob(), "/upvote Q1-A1").await), "不能给自己的回答 Q1-A1 点赞。");

    // Alice heard of the answers by direct message, once for the burst.
    let out = deliver(&chat).await;
    let dms = dms_to(&out, &alice());
    assert_eq!(dms.len(), 1, "{:?}", texts(&out));

    // /question shows both answers, with buttons for the asker.
    let shown = chat.say(&group(), &alice(), "/question Q1").await;
    let text = only(&shown);
    assert!(text.contains("Q1-A1 · bob · 👍1") && text.contains("Q1-A2 · carol · 👍0"), "{text}");
    let data: Vec<&str> = shown[0].buttons.iter().map(|b| b.data.as_str()).collect();
    assert_eq!(data, ["/upvote Q1-A1", "/accept Q1-A1", "/upvote Q1-A2", "/accept Q1-A2"]);

    // Carol may not accept; Alice accepts by replying to Bob's answer.
    assert_eq!(only(&chat.say(&group(), &carol(), "/accept Q1-A2").await), "只有提问者才能采纳 Q1 的回答。");
    let accepted = only(&chat.reply(&group(), &alice(), &bob_answer, "/accept").await);
    assert_eq!(accepted, "🏆 采纳了 bob 的回答 Q1-A1，50 积分已转给 bob。");
    assert_eq!(balance(&chat, &bob()).await, (50, 50), "the bounty and the contribution");
    assert_eq!(balance(&chat, &alice()).await, (150, 200));
    // Final: neither another accept nor another answer.
    assert!(only(&chat.say(&group(), &alice(), "/accept Q1-A2").await).contains("已经结束（已采纳）"));
    assert!(only(&chat.say(&group(), &erin(), "/answer Q1 晚了").await).contains("已经结束"));
    // The expiry job finds it closed and pays nothing.
    chat.clock.advance(Duration::days(9));
    let out = deliver(&chat).await;
    assert!(out.iter().all(|o| !o.body.to_plain().contains("到期")), "{:?}", texts(&out));
    assert_eq!(balance(&chat, &bob()).await, (50, 50));
    assert_eq!(open_bounties(&mut chat).await, 0);
    assert_doctor_clean(&chat).await;
}

async fn the_bots_post_of_a_question_and_of_an_answer_work_as_reply_targets(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    let (_, posted) = asked(&mut chat, "/悬赏 20 How do I read EXPLAIN ANALYZE?").await;
    // The bot's post, as the platform delivers a reply to it.
    let bot = jixia::Sender { is_bot: true, ..Who::telegram("777", "jixia").sender() };
    let mut r = chat.message(&group(), &bob(), "Look at actual vs estimated rows first.");
    r.reply_to = Some(ReplyTo { message_id: "bot-1".into(), author: Some(bot.clone()), text: Some(posted) });
    let said = handle(&chat, &r).await;
    assert!(said.contains("Q1-A1"), "{said}");
    // Accepting by replying to the bot's confirmation of the answer.
    let mut a = chat.message(&group(), &alice(), "/accept");
    a.reply_to = Some(ReplyTo { message_id: "bot-2".into(), author: Some(bot), text: Some(said) });
    assert!(handle(&chat, &a).await.starts_with("🏆"));
    assert_eq!(balance(&chat, &bob()).await, (20, 20));
    assert_doctor_clean(&chat).await;
}

async fn questions_without_a_bounty_escrow_nothing(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let (q, posted) = asked(&mut chat, "/ask 有人用过 pg_repack 吗").await;
    assert!(posted.starts_with("❓ Q1 · 无悬赏 · 进行中"), "{posted}");
    assert!(replied(&mut chat, &bob(), &q, "用过，注意要有主键").await.contains("Q1-A1"));
    assert_eq!(only(&chat.say(&group(), &alice(), "/accept Q1-A1").await), "🏆 采纳了 bob 的回答 Q1-A1。");
    assert_eq!(balance(&chat, &bob()).await, (0, 0));
    // No bounty: as many such questions as one likes.
    for i in 0..4 {
        assert!(only(&chat.say(&group(), &alice(), &format!("/ask 第 {i} 个问题")).await).starts_with("❓"));
    }
    assert_doctor_clean(&chat).await;
}

async fn urgent_bounties_are_announced_and_listed_first(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 300).await;
    grant(&mut chat, &carol(), 300).await;
    assert_eq!(only(&chat.say(&group(), &bob(), "/bounty notify on").await).chars().next(), Some('好'));
    assert!(only(&chat.say(&group(), &dave(), "/加急提醒 on").await).starts_with("好的"));
    assert!(only(&chat.say(&group(), &dave(), "/bounty notify off").await).contains("已关闭"));
    assert!(only(&chat.say(&group(), &carol(), "/ask 200 一个大悬赏").await).starts_with("❓ Q1"));
    let urgent = only(&chat.say(&group(), &alice(), "/加急 80 主库挂了，备库怎么提升？").await);
    assert!(urgent.starts_with("❓ Q2 · 80 积分 · 🔥加急 · 进行中"), "{urgent}");
    let out = deliver(&chat).await;
    let to_bob = dms_to(&out, &bob());
    assert_eq!(to_bob.len(), 1, "{:?}", texts(&out));
    assert!(to_bob[0].contains("加急悬赏 Q2（80 积分，alice）") && to_bob[0].contains("备库怎么提升"), "{}", to_bob[0]);
    assert!(dms_to(&out, &dave()).is_empty() && dms_to(&out, &alice()).is_empty());
    // Urgent first, then by bounty.
    let list = only(&chat.say(&group(), &erin(), "/questions").await);
    let q2 = list.find("Q2 ·").unwrap_or(usize::MAX);
    let q1 = list.find("Q1 ·").unwrap_or(0);
    assert!(q2 < q1, "{list}");
    // It expires after 24 h and the 24 h grace, not 7 days.
    chat.clock.advance(Duration::hours(48) + Duration::minutes(1));
    let out = deliver(&chat).await;
    assert!(texts(&out).iter().any(|t| t.starts_with("⌛ Q2")), "{:?}", texts(&out));
    assert!(!texts(&out).iter().any(|t| t.starts_with("⌛ Q1")), "{:?}", texts(&out));
    assert_eq!(balance(&chat, &alice()).await, (300, 300));
    // The urgent minimum.
    let low = only(&chat.say(&group(), &alice(), "/ask urgent 20 太少了").await);
    assert_eq!(low, "加急悬赏至少 50 积分。");
    assert_doctor_clean(&chat).await;
}

async fn asker_hears_of_answers_at_most_once_per_ten_minutes(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    let (q, _) = asked(&mut chat, "/ask 10 一个问题").await;
    let mut sent = Vec::new();
    // A burst, then one answer every 5 minutes for 40 minutes.
    for (i, who) in [bob(), carol(), dave()].iter().enumerate() {
        let r = reply_msg(&mut chat, who, &q, &format!("回答 {i}"));
        handle(&chat, &r).await;
    }
    sent.extend(dms_to(&deliver(&chat).await, &alice()).into_iter().map(|t| (now(&chat), t)));
    for i in 0..8 {
        chat.clock.advance(Duration::minutes(5));
        let r = reply_msg(&mut chat, &erin(), &q, &format!("再补充 {i}"));
        handle(&chat, &r).await;
        sent.extend(dms_to(&deliver(&chat).await, &alice()).into_iter().map(|t| (now(&chat), t)));
    }
    chat.clock.advance(Duration::minutes(10));
    sent.extend(dms_to(&deliver(&chat).await, &alice()).into_iter().map(|t| (now(&chat), t)));
    assert_eq!(sent.len(), 6, "at 0, 10, 20, 30, 40 and 50 minutes: {sent:?}");
    for w in sent.windows(2) {
        assert!(w[1].0 - w[0].0 >= Duration::minutes(10), "{sent:?}");
    }
    assert!(sent[0].1.contains("3 个回答"), "{sent:?}");
    assert!(sent.last().is_some_and(|s| s.1.contains("11 个回答")), "{sent:?}");
    // Switched off: nothing more.
    chat.say(&group(), &alice(), "/bounty answers off").await;
    chat.clock.advance(Duration::minutes(30));
    replied(&mut chat, &bob(), &q, "最后一个").await;
    chat.clock.advance(Duration::minutes(30));
    assert!(dms_to(&deliver(&chat).await, &alice()).is_empty());
}

async fn expiry_pays_half_to_the_best_voted_answer(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    let (q, _) = asked(&mut chat, "/ask 51 分区表怎么加索引").await;
    replied(&mut chat, &bob(), &q, "每个分区单独 CONCURRENTLY").await;
    replied(&mut chat, &carol(), &q, "在父表上建").await;
    replied(&mut chat, &alice(), &q, "我自己的想法").await;
    for who in [dave(), erin(), mo()] {
        chat.say(&group(), &who, "/upvote Q1-A2").await;
    }
    chat.say(&group(), &dave(), "/upvote Q1-A1").await;
    // Votes on the asker's own answer count for nothing.
    for who in [bob(), carol(), dave(), erin()] {
        chat.say(&group(), &who, "/upvote Q1-A3").await;
    }
    // Not yet: the period (7 days) and the grace (24 h).
    chat.clock.advance(Duration::days(8) - Duration::minutes(1));
    let out = deliver(&chat).await;
    assert!(!texts(&out).iter().any(|t| t.starts_with("⌛")), "{:?}", texts(&out));
    chat.clock.advance(Duration::minutes(2));
    let out = deliver(&chat).await;
    let settled: Vec<String> = texts(&out).into_iter().filter(|t| t.starts_with("⌛")).collect();
    assert_eq!(settled, ["⌛ Q1 到期未采纳：25 积分给了得票最多的回答 Q1-A2（carol），26 积分退还提问者。"]);
    assert_eq!(balance(&chat, &carol()).await, (25, 25));
    assert_eq!(balance(&chat, &alice()).await, (75, 100));
    // Exactly once: the job is done, and running again pays nothing.
    chat.clock.advance(Duration::days(1));
    assert!(deliver(&chat).await.is_empty());
    assert_eq!(balance(&chat, &carol()).await, (25, 25));
    assert!(only(&chat.say(&group(), &alice(), "/accept Q1-A1").await).contains("已经结束（已过期）"));
    assert_doctor_clean(&chat).await;
}

async fn expiry_without_a_voted_answer_returns_the_bounty_minus_the_fee(db: TestDb) {
    let mut c = config();
    c.features.bounty.expiry_fee_percent = 10;
    let mut chat = TestChat::new(db, &c);
    grant(&mut chat, &alice(), 100).await;
    let (q, _) = asked(&mut chat, "/ask 40 没人知道的问题").await;
    replied(&mut chat, &bob(), &q, "不知道").await;
    chat.say(&group(), &carol(), "/upvote Q1-A1").await;
    chat.clock.advance(Duration::days(8) + Duration::minutes(1));
    let out = deliver(&chat).await;
    let settled: Vec<String> = texts(&out).into_iter().filter(|t| t.starts_with("⌛")).collect();
    assert_eq!(settled, ["⌛ Q1 到期，没有得票足够的回答：36 积分退还提问者（手续费 4）。"]);
    assert_eq!(balance(&chat, &alice()).await, (96, 100));
    assert_eq!(balance(&chat, &bob()).await, (0, 0));
    assert_doctor_clean(&chat).await;
}

async fn moderators_accept_for_a_silent_asker_after_the_period(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    let (q, _) = asked(&mut chat, "/ask 30 问完就走").await;
    replied(&mut chat, &bob(), &q, "答案在这里").await;
    let early = only(&chat.say(&group(), &mo(), "/accept Q1-A1").await);
    assert!(early.contains("之前只有提问者能采纳"), "{early}");
    chat.clock.advance(Duration::days(7) + Duration::hours(1));
    assert!(only(&chat.say(&group(), &mo(), "/采纳 Q1-A1").await).starts_with("🏆"));
    assert_eq!(balance(&chat, &bob()).await, (30, 30));
    chat.clock.advance(Duration::days(2));
    assert!(!texts(&deliver(&chat).await).iter().any(|t| t.starts_with("⌛")));
    assert_doctor_clean(&chat).await;
}

async fn every_bad_input_gets_a_reply_and_moves_no_points(db: TestDb) {
    let mut c = config();
    c.features.bounty.max_question_chars = 20;
    // Discord 501 is another community's chat.
    c.communities.insert("other".into(), CommunityConfig { chats: vec!["discord:501".into()], ..Default::default() });
    let other = Chat::group(Platform::Discord, "501");
    let mut chat = TestChat::new(db, &c);
    grant(&mut chat, &alice(), 120).await;
    grant(&mut chat, &carol(), 100).await;
    let before = (balance(&chat, &alice()).await, balance(&chat, &carol()).await);
    let cases = [
        (alice(), "/ask 200 太贵了", "悬赏 200 积分，但你只有 120 积分。"),
        (alice(), "/ask 5 太少了", "悬赏至少 10 积分。"),
        (alice(), "/ask 0 零", "悬赏积分必须大于 0（10 到 500）。"),
        (alice(), "/ask -5 负数", "悬赏积分必须大于 0（10 到 500）。"),
        (alice(), "/ask 1.5积分 小数", "「1.5」不是有效的积分数，请写 10 到 500 之间的整数。"),
        (
            alice(),
            "/ask 9999999999999999999999 积分 大数",
            "「9999999999999999999999」不是有效的积分数，请写 10 到 500 之间的整数。",
        ),
        (alice(), "/ask 600 太多", "悬赏最多 500 积分。"),
        (alice(), "/ask urgent abc 加急", "「abc」不是有效的积分数，请写 50 到 500 之间的整数。"),
        (alice(), "/ask 20", "请写上问题内容：/ask [积分] 问题。"),
        (alice(), "/ask 20 这个问题实在是太长太长太长太长太长了超过二十个字", "太长了：最多 20 个字，你写了 24 个。"),
        (alice(), "/answer Q99 没有这个问题", "没有找到问题「Q99」。发送 /questions 查看进行中的问题。"),
        (alice(), "/answer X1 坏编号", "没有找到问题「X1」。发送 /questions 查看进行中的问题。"),
        (alice(), "/upvote Q99-A1", "没有找到回答「Q99-A1」。回答编号形如 Q17-A2。"),
        (alice(), "/accept Q99-A1", "没有找到回答「Q99-A1」。回答编号形如 Q17-A2。"),
        (alice(), "/accept nonsense", "没有找到回答「nonsense」。回答编号形如 Q17-A2。"),
        (alice(), "/accept", "要采纳哪个回答？回复那条回答发送 /accept，或发送 /accept Q17-A2。"),
    ];
    for (who, said, want) in &cases {
        assert_eq!(only(&chat.say(&group(), who, said).await), *want, "{said}");
    }
    assert_eq!((balance(&chat, &alice()).await, balance(&chat, &carol()).await), before);
    // In a private chat, no question.
    assert_eq!(
        only(&chat.say(&alice().dm(), &alice(), "/ask 10 私聊").await),
        "请在群里提问，这样大家都能看到并回答。"
    );

    // A fourth open bounty.
    for i in 1..=3 {
        assert!(only(&chat.say(&group(), &carol(), &format!("/ask 10 问题{i}")).await).starts_with("❓"));
    }
    assert_eq!(
        only(&chat.say(&group(), &carol(), "/ask 10 第四个").await),
        "你已经有 3 个进行中的悬赏，等其中一个结束后再发吧。"
    );
    assert_eq!(balance(&chat, &carol()).await, (70, 100));
    let (q, _) = asked(&mut chat, "/ask 10 alice 的问题").await;
    let q_no = "Q4";
    replied(&mut chat, &bob(), &q, "bob 的回答").await;
    replied(&mut chat, &alice(), &q, "我自己补充").await;
    let alice_now = balance(&chat, &alice()).await;
    let cases = [
        (carol(), format!("/accept {q_no}-A1"), format!("只有提问者才能采纳 {q_no} 的回答。")),
        (alice(), format!("/accept {q_no}-A2"), format!("{q_no}-A2 是你自己的回答，不能采纳。")),
        (alice(), format!("/upvote {q_no}-A2"), format!("不能给自己的回答 {q_no}-A2 点赞。")),
        (alice(), format!("/answer {q_no}"), "/answer 编号 答案…".to_owned()),
        (alice(), format!("/accept {q_no}-A9"), format!("没有找到回答「{q_no}-A9」。回答编号形如 Q17-A2。")),
    ];
    for (who, said, want) in &cases {
        let got = only(&chat.say(&group(), who, said).await);
        assert!(got.contains(want.as_str()), "{said}: {got}");
    }
    chat.say(&group(), &carol(), &format!("/upvote {q_no}-A1")).await;
    assert_eq!(
        only(&chat.say(&group(), &carol(), &format!("/upvote {q_no}-A1")).await),
        format!("你已经给 {q_no}-A1 点过赞了。")
    );
    // The other community sees no such question.
    let from_other = only(&chat.say(&other, &Who::discord("77", "zed"), &format!("/answer {q_no} 跨社区")).await);
    assert!(from_other.contains(&format!("「{q_no}」")), "{from_other}");
    // Accepted, then accepting again; expired, then accepting.
    assert!(only(&chat.say(&group(), &alice(), &format!("/accept {q_no}-A1")).await).starts_with("🏆"));
    assert_eq!(
        only(&chat.say(&group(), &alice(), &format!("/accept {q_no}-A1")).await),
        format!("{q_no} 已经结束（已采纳），不能再回答或采纳。")
    );
    chat.clock.advance(Duration::days(9));
    deliver(&chat).await;
    let carol_q = only(&chat.say(&group(), &carol(), "/answer Q1 太晚了").await);
    assert_eq!(carol_q, "Q1 已经结束（已过期），不能再回答或采纳。");
    assert_eq!(balance(&chat, &alice()).await, alice_now);
    assert_eq!(balance(&chat, &carol()).await, (100, 100));
    assert_doctor_clean(&chat).await;
}

/// The config for the race cases: another community for Discord 501 is not
/// needed; a fresh engine on the same database is another instance.
fn second_engine(chat: &TestChat, at: DateTime<Utc>) -> Arc<Engine> {
    let config = common::with_test_chats(&config());
    Arc::new(
        Engine::new(&config, chat.db.store.clone(), Arc::new(ManualClock::frozen(at)))
            .unwrap_or_else(|e| panic!("engine: {e}")),
    )
}

async fn concurrent_accepts_one_wins(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 500).await;
    for round in 1..=3 {
        let (q, _) = asked(&mut chat, &format!("/ask 50 第 {round} 题")).await;
        replied(&mut chat, &bob(), &q, "bob 的答案").await;
        replied(&mut chat, &carol(), &q, "carol 的答案").await;
        let a1 = msg(&mut chat, &alice(), &format!("/accept Q{round}-A1"));
        let a2 = msg(&mut chat, &alice(), &format!("/accept Q{round}-A2"));
        let other = second_engine(&chat, now(&chat));
        let (r1, r2) = tokio::join!(chat.engine.handle(&a1), other.handle(&a2));
        let won: Vec<String> = texts(&r1).into_iter().chain(texts(&r2)).filter(|t| t.starts_with("🏆")).collect();
        assert_eq!(won.len(), 1, "{:?} {:?}", texts(&r1), texts(&r2));
    }
    let (b, c) = (balance(&chat, &bob()).await.0, balance(&chat, &carol()).await.0);
    assert_eq!(b + c, 150);
    assert_eq!(balance(&chat, &alice()).await.0, 350);
    assert_doctor_clean(&chat).await;
}

async fn accept_racing_the_expiry_moves_the_escrow_once(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 500).await;
    let mut bob_expected = 0;
    for round in 1..=4 {
        let (q, _) = asked(&mut chat, &format!("/ask 40 第 {round} 题")).await;
        replied(&mut chat, &bob(), &q, "bob 的答案").await;
        // The asker accepts in the last second of the grace, on an instance
        // whose clock is behind; an instance whose clock is ahead runs the
        // expiry job at the same time.
        let settle = now(&chat) + Duration::days(8);
        chat.clock.set(settle - Duration::seconds(1));
        let accept = msg(&mut chat, &alice(), &format!("/accept Q{round}-A1"));
        let ahead = second_engine(&chat, settle + Duration::seconds(1));
        let (said, _) = tokio::join!(
            chat.engine.handle(&accept),
            jixia::scheduler::run_jobs(&ahead, ahead.instance(), settle + Duration::seconds(1))
        );
        let outcome = only(&said);
        if outcome.starts_with("🏆") {
            bob_expected += 40;
        } else {
            assert!(outcome.contains("已经结束（已过期）"), "{outcome}");
        }
        assert_eq!(balance(&chat, &bob()).await.0, bob_expected, "round {round}: {outcome}");
        assert_doctor_clean(&chat).await;
        // Whatever won, nothing is left in escrow for this question, and
        // the job (run here too if it had not) moves nothing more.
        chat.clock.set(settle + Duration::seconds(2));
        deliver(&chat).await;
        assert_eq!(open_bounties(&mut chat).await, 0);
        assert_eq!(balance(&chat, &bob()).await.0, bob_expected);
    }
    let (b, a) = (balance(&chat, &bob()).await.0, balance(&chat, &alice()).await.0);
    assert_eq!(a + b, 500, "every point is with Alice or Bob, none in escrow");
    assert_doctor_clean(&chat).await;
}

async fn every_event_delivered_twice_changes_nothing(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 200).await;
    grant(&mut chat, &carol(), 200).await;
    let q1 = msg(&mut chat, &alice(), "/ask 60 复制延迟怎么查");
    let q2 = msg(&mut chat, &carol(), "/ask urgent 70 加急问题");
    let r1 = reply_msg(&mut chat, &bob(), &q1, "看 pg_stat_replication");
    let r2 = msg(&mut chat, &dave(), "/answer Q1 看 replay_lag");
    let r3 = reply_msg(&mut chat, &bob(), &q2, "先确认 WAL");
    let v1 = msg(&mut chat, &erin(), "/upvote Q1-A1");
    let v2 = msg(&mut chat, &carol(), "/upvote Q2-A1");
    let v3 = msg(&mut chat, &dave(), "/upvote Q2-A1");
    let acc = reply_msg(&mut chat, &alice(), &r2, "/accept");
    let events = [q1, q2, r1, r2, r3, v1, v2, v3, acc];
    let mut first = Vec::new();
    for e in &events {
        first.push(texts(&chat.engine.handle(e).await));
    }
    let who = [alice(), bob(), carol(), dave(), erin()];
    let mut balances = Vec::new();
    for w in &who {
        balances.push(balance(&chat, w).await);
    }
    let shown = only(&chat.say(&group(), &mo(), "/question Q2").await);
    for e in &events {
        chat.engine.handle(e).await;
    }
    for (w, b) in who.iter().zip(&balances) {
        assert_eq!(balance(&chat, w).await, *b, "{}", w.name);
    }
    assert_eq!(only(&chat.say(&group(), &mo(), "/question Q2").await), shown, "no vote counted twice");
    assert_eq!(balance(&chat, &dave()).await, (60, 60));
    // The expiry of Q2 later pays half to Bob (2 votes), once.
    chat.clock.advance(Duration::days(3));
    deliver(&chat).await;
    deliver(&chat).await;
    assert_eq!(balance(&chat, &bob()).await, (35, 35));
    assert_eq!(balance(&chat, &carol()).await, (165, 200));
    assert!(first[0][0].starts_with("❓ Q1"));
    assert_doctor_clean(&chat).await;
}

async fn a_member_merged_by_link_does_not_strand_a_bounty(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let alice_dc = Who::discord("8800", "alice.pg");
    let dc = Chat::group(Platform::Discord, "5");
    grant(&mut chat, &alice(), 100).await;
    // Alice asks on Telegram, Bob answers and votes pile up on Discord.
    let (q, _) = asked(&mut chat, "/ask 60 合并前的问题").await;
    replied(&mut chat, &bob(), &q, "bob 的回答").await;
    let dc_answer = only(&chat.say(&dc, &alice_dc, "/answer Q1 alice 用 Discord 补充").await);
    assert!(dc_answer.contains("Q1-A2"), "{dc_answer}");
    chat.say(&dc, &alice_dc, "/upvote Q1-A1").await;
    // She links the Discord account to the Telegram one.
    let code_msg = only(&chat.say(&alice().dm(), &alice(), "/link").await);
    let code = code_msg
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {code_msg}"))
        .to_owned();
    let linked = only(&chat.say(&dc, &alice_dc, &format!("/link {code}")).await);
    assert!(linked.contains("关联成功") || linked.contains("Linked"), "{linked}");
    // From Discord she is the asker now: her own answer cannot be accepted,
    // Bob's can, and the bounty leaves escrow.
    let own = only(&chat.say(&dc, &alice_dc, "/accept Q1-A2").await);
    assert!(own.contains("Q1-A2"), "{own}");
    assert!(only(&chat.say(&dc, &alice_dc, "/accept Q1-A1").await).starts_with("🏆"));
    assert_eq!(balance(&chat, &bob()).await, (60, 60));
    assert_eq!(balance(&chat, &alice_dc).await, (40, 100));
    // A second bounty, left to expire: it comes back to the merged member.
    let (_, _) = asked(&mut chat, "/ask 40 没人回答").await;
    chat.clock.advance(Duration::days(9));
    deliver(&chat).await;
    assert_eq!(balance(&chat, &alice_dc).await, (40, 100));
    assert_eq!(balance(&chat, &alice()).await, (40, 100));
    assert_doctor_clean(&chat).await;
}

async fn escrowed_points_are_not_spendable_in_the_shop(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 120).await;
    asked(&mut chat, "/ask 50 托管的积分").await;
    let redeem = only(&chat.say(&group(), &alice(), "/redeem salon").await);
    assert!(redeem.contains("100") && redeem.contains("70"), "{redeem}");
    assert_eq!(balance(&chat, &alice()).await, (70, 120));
    assert_doctor_clean(&chat).await;
}

async fn replies_in_chats_without_questions_are_left_alone(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let first = msg(&mut chat, &bob(), "大家好");
    handle_none(&chat, &first).await;
    let reply = reply_msg(&mut chat, &carol(), &first, "你好");
    handle_none(&chat, &reply).await;
    // A question in another chat does not make replies here answers.
    let elsewhere = Chat::group(Platform::Telegram, "-1002");
    assert!(only(&chat.say(&elsewhere, &alice(), "/ask 那边的问题").await).starts_with("❓"));
    let reply = reply_msg(&mut chat, &carol(), &first, "再回一次");
    handle_none(&chat, &reply).await;
    let list = only(&chat.say(&group(), &mo(), "/question Q1").await);
    assert!(list.contains("还没有回答"), "{list}");
}

async fn handle_none(chat: &TestChat, m: &Incoming) {
    let out = chat.engine.handle(m).await;
    assert!(out.is_empty(), "{:?}", texts(&out));
}

/// `who` adds (or takes back) `emoji` on message `on`, as an adapter
/// delivers a reaction.
fn reaction(chat: &mut TestChat, who: &Who, on: &Incoming, emoji: &str, added: bool) -> Incoming {
    let mut m = chat.message(&group(), who, "");
    m.text = String::new();
    m.reaction = Some(jixia::message::Reaction::one(on.message_id.clone(), emoji, added));
    m
}

async fn votes_shown(chat: &mut TestChat) -> String {
    only(&chat.say(&group(), &mo(), "/question Q1").await)
}

async fn a_thumbs_up_on_an_answer_is_a_vote_and_taking_it_back_removes_it(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    chat.say(&group(), &dave(), "我来看看").await;
    let (q, _) = asked(&mut chat, "/ask 20 反应投票").await;
    let answer = reply_msg(&mut chat, &bob(), &q, "用 👍 投票");
    handle(&chat, &answer).await;
    // Dave's 👍 counts once, however often it is delivered; reactions are silent.
    let up = reaction(&mut chat, &dave(), &answer, "👍🏽", true);
    for _ in 0..2 {
        assert!(chat.engine.handle(&up).await.is_empty());
    }
    assert!(votes_shown(&mut chat).await.contains("Q1-A1 · bob · 👍1"));
    // Bob's own 👍, another emoji, a 👍 on the question itself, and a 👍 from
    // someone the bot never saw: none is a vote.
    for (who, on, emoji) in
        [(bob(), &answer, "👍"), (alice(), &answer, "🔥"), (alice(), &q, "👍"), (erin(), &answer, "👍")]
    {
        let r = reaction(&mut chat, &who, on, emoji, true);
        assert!(chat.engine.handle(&r).await.is_empty());
    }
    assert!(votes_shown(&mut chat).await.contains("Q1-A1 · bob · 👍1"));
    assert_eq!(balance(&chat, &erin()).await, (0, 0));
    // Taken back: the vote goes.
    let down = reaction(&mut chat, &dave(), &answer, "👍🏽", false);
    chat.engine.handle(&down).await;
    assert!(votes_shown(&mut chat).await.contains("Q1-A1 · bob · 👍0"));
    // Two members' 👍 make it the best answer at expiry.
    for who in [dave(), carol(), mo()] {
        chat.say(&group(), &who, "在").await;
        let r = reaction(&mut chat, &who, &answer, "👍", true);
        chat.engine.handle(&r).await;
    }
    chat.clock.advance(Duration::days(8) + Duration::minutes(1));
    deliver(&chat).await;
    assert_eq!(balance(&chat, &bob()).await, (10, 10));
    assert_doctor_clean(&chat).await;
}

/// Each message handled at the same moment by an instance of its own;
/// what each got back, in order.
async fn at_once(chat: &TestChat, messages: Vec<Incoming>) -> Vec<Vec<Outgoing>> {
    let tasks: Vec<_> = messages
        .into_iter()
        .map(|m| {
            let engine = second_engine(chat, now(chat));
            tokio::spawn(async move { engine.handle(&m).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or_else(|e| panic!("{e}")));
    }
    out
}

/// Six asks by one member at the same moment, each on its own instance: the
/// limit of 3 open bounties holds (on PostgreSQL the count and the escrow
/// are one step, the member's account locked in the ledger's order).
async fn simultaneous_asks_never_open_a_fourth_bounty(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 500).await;
    for round in 1..=2 {
        let asks: Vec<Incoming> =
            (1..=6).map(|i| msg(&mut chat, &alice(), &format!("/ask 10 第 {round} 轮第 {i} 问"))).collect();
        let said: Vec<String> = at_once(&chat, asks).await.iter().map(|out| only(out)).collect();
        let posted = said.iter().filter(|t| t.starts_with("❓")).count();
        let refused = said.iter().filter(|t| *t == "你已经有 3 个进行中的悬赏，等其中一个结束后再发吧。").count();
        assert_eq!((posted, refused), (if round == 1 { 3 } else { 0 }, if round == 1 { 3 } else { 6 }), "{said:?}");
        assert_eq!(balance(&chat, &alice()).await, (470, 500));
        assert_eq!(open_bounties(&mut chat).await, 30);
        assert_doctor_clean(&chat).await;
    }
    // One closes: exactly one more may open, however many try at once.
    chat.clock.advance(Duration::days(9));
    deliver(&chat).await;
    let asks: Vec<Incoming> = (1..=4).map(|i| msg(&mut chat, &alice(), &format!("/ask 10 之后第 {i} 问"))).collect();
    let said = at_once(&chat, asks).await;
    let posted = said.iter().filter(|out| only(out).starts_with("❓")).count();
    assert_eq!(posted, 3, "the three expired, three open again");
    assert_eq!(balance(&chat, &alice()).await, (470, 500));
    assert_doctor_clean(&chat).await;
}

/// `/ask 12306 怎么买票` is a question about 12306, not a bounty of 12306
/// points; `/ask 600 …` is a bounty too large; a unit always means points.
async fn a_leading_number_is_a_bounty_only_when_it_could_be_one(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    grant(&mut chat, &alice(), 100).await;
    let (_, train) = asked(&mut chat, "/ask 12306 怎么买票最快？").await;
    assert_eq!(
        train,
        "❓ Q1 · 无悬赏 · 进行中 — alice\n12306 怎么买票最快？\n直接回复这条消息即可回答，或发送 /answer Q1 你的回答。截止 12-08 09:00。"
    );
    let (_, version) = asked(&mut chat, "/ask 9.6 升级到 16 要注意什么？").await;
    assert!(version.starts_with("❓ Q2 · 无悬赏 · 进行中 — alice\n9.6 升级到 16 要注意什么？"), "{version}");
    assert_eq!(balance(&chat, &alice()).await, (100, 100));
    let cases = [
        ("/ask 600 太多了", "悬赏最多 500 积分。"),
        ("/ask 2000积分 也太多了", "悬赏最多 500 积分。"),
        ("/ask 12306 积分 当然太多", "悬赏最多 500 积分。"),
        ("/ask 5 太少了", "悬赏至少 10 积分。"),
        ("/ask 1,000分 千分位", "悬赏最多 500 积分。"),
    ];
    for (said, want) in cases {
        assert_eq!(asked(&mut chat, said).await.1, want, "{said}");
    }
    assert_eq!(balance(&chat, &alice()).await, (100, 100));
    let (_, points) = asked(&mut chat, "/ask 20积分 怎么查锁等待？").await;
    assert!(points.starts_with("❓ Q3 · 20 积分 · 进行中 — alice\n怎么查锁等待？"), "{points}");
    let (_, wide) = asked(&mut chat, "/ask ５０ 全角数字也算？").await;
    assert!(wide.starts_with("❓ Q4 · 50 积分 · 进行中 — alice\n全角数字也算？"), "{wide}");
    let (_, urgent) = asked(&mut chat, "/加急 30 积分 主库挂了").await;
    assert_eq!(urgent, "加急悬赏至少 50 积分。");
    assert_eq!(balance(&chat, &alice()).await, (30, 100));
    assert_doctor_clean(&chat).await;
}
