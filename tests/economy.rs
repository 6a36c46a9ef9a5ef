//! The points economy as members live it: activity and thanks, moderator
//! grants, levels, leaderboards, check-ins and make-up cards, the shop — and
//! the ledger's invariants under redelivery, races and random sequences.
//! Every case runs on SQLite and on PostgreSQL.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{TestChat, TestDb, Who, only, t0, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::features::shop::ShopItem;
use jixia::store::MemberId;
use jixia::{Chat, Platform};

fn group() -> Chat {
    Chat::group(Platform::Telegram, "-1001")
}

fn moderator() -> Who {
    Who::telegram("9", "Mo")
}

fn config() -> Config {
    let mut c = Config::default();
    c.features.shop.items = vec![
        ShopItem {
            id: "salon".into(),
            name: "沙龙门票".into(),
            name_en: "Salon ticket".into(),
            price: 100,
            stock: Some(1),
            min_level: 0,
        },
        ShopItem {
            id: "course".into(),
            name: "录播课".into(),
            name_en: String::new(),
            price: 30,
            stock: None,
            min_level: 0,
        },
        ShopItem {
            id: "hoodie".into(),
            name: "卫衣".into(),
            name_en: String::new(),
            price: 10,
            stock: None,
            min_level: 3,
        },
    ];
    c.features.points.no_points_chats = vec!["telegram:-1002".into()];
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c
}

fn chat_with(db: TestDb) -> TestChat {
    TestChat::new(db, &config())
}

async fn balance(chat: &TestChat, who: &Who) -> (i64, i64) {
    let m =
        chat.db.store.members().find_account("default", who.platform, &who.id).await.unwrap_or_else(|e| panic!("{e}"));
    let Some(m) = m else { return (0, 0) };
    let b = chat.db.store.ledger().balance("default", m.id).await.unwrap_or_else(|e| panic!("{e}"));
    (b.balance, b.contribution)
}

async fn assert_ledger_clean(chat: &TestChat) {
    let audit = chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(audit.is_clean(), "ledger invariants: {audit:?}");
}

async fn grant(chat: &mut TestChat, who: &Who, n: i64) {
    let out =
        chat.say_mentioning(&group(), &moderator(), &format!("/points grant @{} {n} test", who.name), &[who]).await;
    assert!(texts(&out)[0].starts_with("已给"), "{:?}", texts(&out));
}

both_backends!(
    chatting_earns_points_once_a_minute,
    thanks_reward_the_helper_with_a_cap,
    moderators_grant_and_deduct_with_reasons,
    a_level_up_is_announced_once,
    leaderboards_rank_ties_and_show_your_place,
    top_and_points_agree_right_after_a_change,
    lines_after_a_members_command_speak_their_language,
    check_in_streaks_and_milestones,
    check_in_follows_the_community_calendar,
    make_up_cards,
    the_shop_sells_refunds_and_never_oversells,
    hundred_concurrent_check_ins_credit_once,
    concurrent_check_ins_of_many_members_commit_together,
    concurrent_redemptions_of_the_last_item,
    random_sequences_keep_the_ledger_balanced,
    linking_accounts_merges_points,
    a_full_batch_of_awards_is_written_before_its_window_ends,
);

async fn chatting_earns_points_once_a_minute(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    chat.say(&group(), &alice, "大家好，今天讨论执行计划").await;
    chat.engine.due().await;
    let (b1, c1) = balance(&chat, &alice).await;
    assert!((15..=25).contains(&b1) && c1 == b1, "one award of 15–25: {b1}/{c1}");
    chat.say(&group(), &alice, "再说一句也不会多拿分").await;
    chat.say(&group(), &alice, "ok").await;
    chat.clock.advance(Duration::seconds(61));
    chat.say(&group(), &alice, "ok").await;
    chat.engine.due().await;
    assert_eq!(balance(&chat, &alice).await.0, b1, "within the cooldown, and short messages, earn nothing");
    chat.say(&group(), &alice, "一分钟过去了，继续聊").await;
    chat.say(&alice.dm(), &alice, "私聊不算活跃度，私聊不算").await;
    chat.say(&Chat::group(Platform::Telegram, "-1002"), &alice, "这个群不计分的哦哦").await;
    chat.engine.due().await;
    let (b2, _) = balance(&chat, &alice).await;
    assert!((b1 + 15..=b1 + 25).contains(&b2), "exactly one more award: {b1} → {b2}");
    // The same platform message delivered twice counts once.
    chat.clock.advance(Duration::minutes(5));
    let msg = chat.message(&group(), &alice, "重复投递的消息只算一次");
    chat.engine.handle(&msg).await;
    chat.engine.due().await;
    let (b3, _) = balance(&chat, &alice).await;
    // A new engine (a restart) that sees the redelivery has no cooldown memory.
    let restarted = TestChat::new(chat.db, &config());
    restarted.clock.set(t0() + Duration::minutes(7));
    restarted.engine.handle(&msg).await;
    restarted.engine.due().await;
    assert_eq!(balance(&restarted, &alice).await.0, b3, "a redelivered event changes nothing");
    assert_ledger_clean(&restarted).await;
}

/// A busy minute: 300 members each earn activity points while the group
/// commit's window is a minute long. The 256th award fills the batch, which
/// asks for the commit at once (the loop the adapters run, `until_due` then
/// `due`, wakes early); no message writes the batch itself.
async fn a_full_batch_of_awards_is_written_before_its_window_ends(db: TestDb) {
    let mut config = config();
    config.features.points.flush_ms = 60_000;
    let mut chat = TestChat::new(db, &config);
    let ticker = {
        let engine = chat.engine.clone();
        tokio::spawn(async move {
            loop {
                engine.until_due().await;
                engine.due().await;
            }
        })
    };
    let members: Vec<Who> = (1..=300).map(|i| Who::telegram(&format!("{}", 1000 + i), &format!("M{i}"))).collect();
    for who in &members {
        chat.say(&group(), who, "大家好，今天讨论执行计划").await;
    }
    let mut first = (0, 0);
    for _ in 0..100 {
        first = balance(&chat, &members[0]).await;
        if first.0 > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    ticker.abort();
    assert!((15..=25).contains(&first.0), "the first award was written within seconds, not a minute: {first:?}");
    assert_ledger_clean(&chat).await;
}

async fn thanks_reward_the_helper_with_a_cap(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    let bob = Who::telegram("2", "Bob");
    let answer = chat.message(&group(), &alice, "试试 VACUUM (VERBOSE, ANALYZE)");
    chat.engine.handle(&answer).await;
    chat.engine.due().await;
    let before = balance(&chat, &alice).await.0;
    for i in 0..7 {
        chat.clock.advance(Duration::seconds(1));
        chat.reply(&group(), &bob, &answer, if i % 2 == 0 { "谢谢！" } else { "thanks a lot" }).await;
    }
    chat.reply(&group(), &alice, &answer, "谢谢我自己").await;
    chat.engine.due().await;
    assert_eq!(balance(&chat, &alice).await.0, before + 5 * 5, "five thanks an hour pay, self-thanks never");
    chat.clock.advance(Duration::hours(1));
    chat.reply(&group(), &bob, &answer, "多谢").await;
    chat.engine.due().await;
    assert_eq!(balance(&chat, &alice).await.0, before + 6 * 5, "the cap resets after an hour");
    assert_ledger_clean(&chat).await;
}

async fn moderators_grant_and_deduct_with_reasons(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    chat.say(&group(), &alice, "hi").await;
    let denied = only(&chat.say_mentioning(&group(), &alice, "/points grant @Alice 100 自己给自己", &[&alice]).await);
    assert_eq!(denied, "/points grant @成员 数量 原因… 需要版主权限。");
    let no_reason = only(&chat.say_mentioning(&group(), &moderator(), "/points grant @Alice 100", &[&alice]).await);
    assert!(no_reason.starts_with("缺少参数「原因」"), "{no_reason}");
    let too_big = only(&chat.say_mentioning(&group(), &moderator(), "/points grant @Alice 0 零分", &[&alice]).await);
    assert!(too_big.starts_with("「数量」应该是 1 到 1000000 之间的整数"), "{too_big}");
    let msg = {
        let mut m = chat.message(&group(), &moderator(), "/加分 @Alice 120 分享了 pg_stat_statements 的用法");
        m.mentions = vec![alice.mention()];
        m
    };
    let granted = texts(&chat.engine.handle(&msg).await);
    assert_eq!(granted[0], "已给 Alice 加 120 分（分享了 pg_stat_statements 的用法），现在可用 120 分。");
    assert_eq!(texts(&chat.engine.handle(&msg).await), ["这条命令已经处理过了，没有重复记分。"]);
    let deducted = only(&chat.say_mentioning(&group(), &moderator(), "/points deduct @Alice 20 刷屏", &[&alice]).await);
    assert_eq!(deducted, "已扣 Alice 20 分（刷屏），现在可用 100 分。");
    let refused = only(&chat.say_mentioning(&group(), &moderator(), "/扣分 @Alice 500 广告", &[&alice]).await);
    assert_eq!(refused, "Alice 只有 100 分，扣不了 500 分。");
    assert_eq!(balance(&chat, &alice).await, (100, 100), "a deduction corrects contribution too");
    let mine = only(&chat.say(&group(), &alice, "/points").await);
    assert!(
        mine.contains("可用积分：100 · 累计贡献：100") && mine.contains("1 级「新手」") && mine.contains("第 1 名"),
        "{mine}"
    );
    let history = only(&chat.say(&group(), &alice, "/points history").await);
    assert!(history.contains("-20  版主扣分 · 刷屏 (Mo)") && history.contains("+120  版主加分"), "{history}");
    let bob = Who::telegram("2", "Bob");
    chat.say(&group(), &bob, "hi").await;
    let nosy = only(&chat.say_mentioning(&group(), &bob, "/points history @Alice", &[&alice]).await);
    assert_eq!(nosy, "只有版主可以查看别人的积分记录。");
    let stranger = Who::telegram("77", "Ghost");
    let unknown = only(&chat.say_mentioning(&group(), &moderator(), "/points @Ghost", &[&stranger]).await);
    assert_eq!(unknown, "还不认识 Ghost：TA 需要先在这里说过话。");
    assert_ledger_clean(&chat).await;
}

async fn a_level_up_is_announced_once(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    chat.say(&group(), &alice, "hi").await;
    let out = chat.say_mentioning(&group(), &moderator(), "/points grant @Alice 99 差一点", &[&alice]).await;
    assert_eq!(out.len(), 1, "99 points is still level 0");
    let out = chat.say_mentioning(&group(), &moderator(), "/points grant @Alice 1 升级", &[&alice]).await;
    assert_eq!(texts(&out)[1], "🎉 恭喜 Alice 升到 1 级！");
    assert_eq!(out[1].to, jixia::message::Destination::Chat(group()));
    assert!(out[1].reply_to.is_none(), "announced to the chat, not as a reply");
    chat.say_mentioning(&group(), &moderator(), "/points deduct @Alice 50 纠正", &[&alice]).await;
    let out = chat.say_mentioning(&group(), &moderator(), "/points grant @Alice 50 再来", &[&alice]).await;
    assert_eq!(out.len(), 1, "level 1 was announced already");
    // Activity points crossing a level are announced at the next flush.
    chat.say_mentioning(&group(), &moderator(), "/points grant @Alice 150 快到 2 级", &[&alice]).await;
    chat.say(&group(), &alice, "再聊几句就升级了吧").await;
    let due = texts(&chat.due().await);
    assert_eq!(due, ["🎉 恭喜 Alice 升到 2 级！"], "the title did not change, so none is named");
}

async fn leaderboards_rank_ties_and_show_your_place(db: TestDb) {
    let mut chat = chat_with(db);
    let people: Vec<Who> = (1..=12).map(|i| Who::telegram(&format!("{i}"), &format!("m{i}"))).collect();
    for p in &people {
        chat.say(&group(), p, "hi").await;
    }
    // m1 and m2 tie at the top; m12 gets least.
    for (i, p) in people.iter().enumerate() {
        let n = if i < 2 { 500 } else { 400 - 10 * i as i64 };
        grant(&mut chat, p, n).await;
    }
    let top = only(&chat.say(&group(), &people[11], "/top").await);
    assert!(top.starts_with("贡献排行 · 总榜\n• #1 m1 — 500\n• #1 m2 — 500\n• #2 m3 — 380"), "{top}");
    assert!(top.contains("• #10 m11 — 300") && !top.contains("m12 —"), "ten lines: {top}");
    assert!(top.ends_with("你排第 11 名（290 分）。"), "own place shown: {top}");
    // Next week, only what was earned this week counts.
    chat.clock.advance(Duration::days(7));
    grant(&mut chat, &people[5], 5).await;
    let week = only(&chat.say(&group(), &people[0], "/top week").await);
    assert_eq!(week, "贡献排行 · 本周\n• #1 m6 — 5\n你在这个榜上还没有贡献值，发言、签到、回答问题都能获得。");
    let month = only(&chat.say(&group(), &people[0], "/排行 月").await);
    assert!(month.starts_with("贡献排行 · 本月"), "{month}");
    let bad = only(&chat.say(&group(), &people[0], "/top year").await);
    assert!(bad.starts_with("「时段」不能是“year”"), "{bad}");
}

/// Right after a check-in or a grant, `/top` and `/points` tell the same
/// story: the board is not allowed to lag behind what the member was just
/// told.
async fn top_and_points_agree_right_after_a_change(db: TestDb) {
    let mut chat = chat_with(db);
    let (alice, bob) = (Who::telegram("1", "Alice"), Who::telegram("2", "Bob"));
    let empty = only(&chat.say(&group(), &bob, "/top").await);
    assert!(empty.starts_with("总榜还没有人获得贡献值"), "{empty}");
    let empty = only(&chat.say(&group(), &bob, "/top 周").await);
    assert!(!empty.contains("Alice"), "{empty}");
    // The boards above are cached; Alice's own figure is fresher than them.
    only(&chat.say(&group(), &alice, "/签到").await);
    let top = only(&chat.say(&group(), &alice, "/top").await);
    assert_eq!(top, "贡献排行 · 总榜\n• #1 Alice — 10");
    let week = only(&chat.say(&group(), &alice, "/top 周").await);
    assert!(week.ends_with("\n• #1 Alice — 10"), "{week}");
    let points = only(&chat.say(&group(), &alice, "/points").await);
    assert!(points.contains("第 1 名"), "{points}");
    // A moderator's grant shows on the next board at once.
    grant(&mut chat, &bob, 600).await;
    let top = only(&chat.say(&group(), &moderator(), "/top").await);
    assert!(top.starts_with("贡献排行 · 总榜\n• #1 Bob — 600\n• #2 Alice — 10"), "{top}");
    let bobs = only(&chat.say(&group(), &bob, "/points").await);
    assert!(bobs.contains("第 1 名"), "{bobs}");
    let alices = only(&chat.say(&group(), &alice, "/points").await);
    assert!(alices.contains("第 2 名"), "{alices}");
}

/// After `/lang en`, everything that answers Alice's check-in is English,
/// the level-up that follows it included; a level reached by chatting,
/// which nobody asked about, is announced in the community's language.
async fn lines_after_a_members_command_speak_their_language(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    chat.say(&group(), &alice, "/lang en").await;
    grant(&mut chat, &alice, 95).await;
    let out = texts(&chat.say(&group(), &alice, "/checkin").await);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out[0].starts_with("✅ Checked in"), "{out:?}");
    assert_eq!(out[1], "🎉 Congratulations Alice, you reached level 1!", "{out:?}");
    // 105 now; level 2 takes 255. The grant stops short, chatting crosses it.
    grant(&mut chat, &alice, 140).await;
    chat.say(&group(), &alice, "chatting on until the next level comes").await;
    let due = texts(&chat.due().await);
    assert_eq!(due, ["🎉 恭喜 Alice 升到 2 级！"], "nobody asked: the community's language");
}

async fn check_in_streaks_and_milestones(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    let first = only(&chat.say(&group(), &alice, "/签到").await);
    assert_eq!(first, "✅ 签到成功！+10 分，已连续 1 天，可用 10 分。再坚持 6 天就到 7 天里程碑。");
    let again = only(&chat.say(&group(), &alice, "/checkin").await);
    assert_eq!(again, "今天已经签到过了，已连续 1 天。明天再来！");
    let mut last = Vec::new();
    for _ in 2..=7 {
        chat.clock.advance(Duration::days(1));
        last = texts(&chat.say(&group(), &alice, "/打卡").await);
    }
    assert_eq!(last[0], "✅ 签到成功！+15 分，已连续 7 天，可用 140 分。再坚持 23 天就到 30 天里程碑。");
    assert_eq!(last[1], "🏅 Alice 连续签到 7 天，额外奖励 50 分！");
    assert_eq!(last[2], "🎉 恭喜 Alice 升到 1 级！");
    chat.clock.advance(Duration::days(2));
    let reset = only(&chat.say(&group(), &alice, "/checkin").await);
    assert!(reset.starts_with("✅ 签到成功！+10 分，已连续 1 天"), "a missed day resets the streak: {reset}");
    assert_ledger_clean(&chat).await;
}

async fn check_in_follows_the_community_calendar(db: TestDb) {
    let mut config = config();
    if let Some(c) = config.communities.get_mut("default") {
        c.timezone = "America/New_York".into();
    }
    let mut chat = TestChat::new(db, &config);
    let alice = Who::telegram("1", "Alice");
    let at = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_else(|e| panic!("{e}"));
    // 23:59 and 00:01 local are two calendar days, two minutes apart.
    chat.clock.set(at("2026-03-07T23:59:00-05:00"));
    assert!(only(&chat.say(&group(), &alice, "/checkin").await).contains("已连续 1 天"));
    chat.clock.set(at("2026-03-08T00:01:00-05:00"));
    assert!(only(&chat.say(&group(), &alice, "/checkin").await).contains("已连续 2 天"));
    // The night clocks spring forward (2026-03-08 02:00 → 03:00) is still one day…
    chat.clock.set(at("2026-03-08T23:30:00-04:00"));
    assert!(only(&chat.say(&group(), &alice, "/checkin").await).starts_with("今天已经签到过了"));
    // …and 23 real hours later it is the next day.
    chat.clock.set(at("2026-03-09T00:10:00-04:00"));
    assert!(only(&chat.say(&group(), &alice, "/checkin").await).contains("已连续 3 天"));
    // A rolling 24 hours is not a day: 01:00 to 23:00 the same day is one check-in.
    chat.clock.set(at("2026-03-10T01:00:00-04:00"));
    chat.say(&group(), &alice, "/checkin").await;
    chat.clock.set(at("2026-03-10T23:00:00-04:00"));
    assert!(only(&chat.say(&group(), &alice, "/checkin").await).starts_with("今天已经签到过了"));
}

async fn make_up_cards(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    // Mon, Tue checked in; Wed missed; Thu (today).
    chat.say(&group(), &alice, "/checkin").await;
    chat.clock.advance(Duration::days(1));
    chat.say(&group(), &alice, "/checkin").await;
    chat.clock.advance(Duration::days(2));
    let today = only(&chat.say(&group(), &alice, "/checkin").await);
    assert!(today.contains("已连续 1 天"), "{today}");
    let poor = only(&chat.say(&group(), &alice, "/补签 2026-12-03").await);
    assert_eq!(poor, "补签卡要 50 分，你现在只有 31 分。");
    grant(&mut chat, &alice, 100).await;
    let done = only(&chat.say(&group(), &alice, "/checkin makeup 2026-12-03").await);
    assert_eq!(done, "✅ 已补签 2026-12-03：花费 50 分，获得 10 分，现在连续 4 天，可用 91 分。本月还能补签 2 次。");
    for (line, want) in [
        ("/checkin makeup 2026-12-03", "2026-12-03 已经签到过了，不用补签。"),
        ("/checkin makeup 2026-12-04", "只能补签过去的日子，2026-12-04 还没过去。今天请直接 `/checkin`。"),
        ("/checkin makeup 2026-11-20", "2026-11-20 太久了：补签卡只能补最近 7 天。"),
        ("/checkin makeup 12/03", "“12/03”不是日期。请用 `/checkin makeup 2026-12-01` 这样的格式。"),
        ("/checkin makeup", "缺少参数「日期」。\n用法：/checkin makeup 日期"),
    ] {
        assert_eq!(only(&chat.say(&group(), &alice, line).await), want.replace('`', ""), "{line}");
    }
    // Three a month, counted by when they are used: two more, then refused.
    grant(&mut chat, &alice, 200).await;
    chat.clock.advance(Duration::days(3));
    for day in ["2026-12-05", "2026-12-06"] {
        assert!(only(&chat.say(&group(), &alice, &format!("/补签 {day}")).await).starts_with("✅ 已补签"), "{day}");
    }
    let limit = only(&chat.say(&group(), &alice, "/补签 2026-11-30").await);
    assert_eq!(limit, "这个月的补签卡已经用完了（每月 3 张）。");
    assert_ledger_clean(&chat).await;
}

async fn the_shop_sells_refunds_and_never_oversells(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    let bob = Who::telegram("2", "Bob");
    chat.say(&group(), &bob, "hi").await;
    let list = only(&chat.say(&group(), &alice, "/shop").await);
    assert_eq!(
        list,
        "积分商店（用 /redeem 商品代号 兑换）\n• salon — 沙龙门票 — 100 · 剩 1 件\n• course — 录播课 — 30 · 不限量\n• hoodie — 卫衣 — 10 · 不限量 · 3 级以上"
    );
    assert_eq!(only(&chat.say(&group(), &alice, "/redeem salon").await), "「沙龙门票」要 100 分，你现在只有 0 分。");
    assert_eq!(
        only(&chat.say(&group(), &alice, "/redeem nope").await),
        "没有代号为“nope”的商品。发送 /shop 查看商品列表。"
    );
    assert_eq!(only(&chat.say(&group(), &alice, "/redeem hoodie").await), "兑换「卫衣」需要 3 级，你现在是 0 级。");
    grant(&mut chat, &alice, 150).await;
    grant(&mut chat, &bob, 150).await;
    let ordered = only(&chat.say(&group(), &alice, "/兑换 SALON").await);
    assert_eq!(ordered, "🎁 兑换成功：「沙龙门票」，订单 #1，花费 100 分，剩余 50 分。版主会尽快处理。");
    assert_eq!(only(&chat.say(&group(), &bob, "/redeem salon").await), "「沙龙门票」已经兑完了。");
    assert_eq!(balance(&chat, &bob).await.0, 150, "a refused redemption costs nothing");
    chat.say(&group(), &bob, "/redeem course").await;
    assert_eq!(only(&chat.say(&group(), &alice, "/orders").await), "/orders 需要版主权限。");
    let open = only(&chat.say(&group(), &moderator(), "/orders").await);
    assert!(
        open.starts_with("待处理订单（2）：\n• #1 Alice — salon — 100") && open.contains("• #2 Bob — course — 30"),
        "{open}"
    );
    assert_eq!(only(&chat.say(&group(), &moderator(), "/orders done 2").await), "订单 #2 已完成：Bob 的「course」。");
    let refunded = only(&chat.say(&group(), &moderator(), "/orders refund 1").await);
    assert_eq!(refunded, "订单 #1 已退款：100 分退回给 Alice，「salon」库存已恢复。");
    assert_eq!(
        only(&chat.say(&group(), &moderator(), "/orders refund 1").await),
        "订单 #1 已经是“已退款”状态，不能再处理。"
    );
    assert_eq!(only(&chat.say(&group(), &moderator(), "/orders done 99").await), "没有订单 #99。");
    assert_eq!(balance(&chat, &alice).await, (150, 150), "refunded; contribution never moved by spending");
    assert!(only(&chat.say(&group(), &bob, "/redeem salon").await).starts_with("🎁 兑换成功"), "back in stock");
    assert_ledger_clean(&chat).await;
}

async fn hundred_concurrent_check_ins_credit_once(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    chat.say(&group(), &alice, "hi").await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let msg = chat.message(&group(), &alice, "/checkin");
        let engine = Arc::clone(&chat.engine);
        tasks.push(tokio::spawn(async move { engine.handle(&msg).await }));
    }
    let mut done = 0;
    for t in tasks {
        let out = t.await.unwrap_or_else(|e| panic!("{e}"));
        if out.iter().any(|o| o.body.to_plain().starts_with("✅")) {
            done += 1;
        }
    }
    assert_eq!(done, 1);
    assert_eq!(balance(&chat, &alice).await.0, 10);
    assert_ledger_clean(&chat).await;
}

async fn concurrent_check_ins_of_many_members_commit_together(db: TestDb) {
    let mut chat = chat_with(db);
    let people: Vec<Who> = (1..=40).map(|i| Who::telegram(&format!("{i}"), &format!("m{i}"))).collect();
    for p in &people {
        chat.say(&group(), p, "hi").await;
    }
    grant(&mut chat, &people[0], 5).await;
    let mut tasks = Vec::new();
    for p in &people {
        let msg = chat.message(&group(), p, "/checkin");
        let engine = Arc::clone(&chat.engine);
        tasks.push(tokio::spawn(async move { engine.handle(&msg).await }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        let out = t.await.unwrap_or_else(|e| panic!("{e}"));
        let want = if i == 0 { "可用 15 分" } else { "可用 10 分" };
        assert!(
            texts(&out)[0].starts_with("✅ 签到成功！+10 分") && texts(&out)[0].contains(want),
            "{:?}",
            texts(&out)
        );
    }
    for (i, p) in people.iter().enumerate() {
        assert_eq!(balance(&chat, p).await.0, if i == 0 { 15 } else { 10 }, "{}", p.name);
        let again = only(&chat.say(&group(), p, "/checkin").await);
        assert!(again.starts_with("今天已经签到过了"), "{again}");
    }
    assert_ledger_clean(&chat).await;
}

async fn concurrent_redemptions_of_the_last_item(db: TestDb) {
    let mut chat = chat_with(db);
    let people: Vec<Who> = (1..=10).map(|i| Who::telegram(&format!("{i}"), &format!("m{i}"))).collect();
    for p in &people {
        chat.say(&group(), p, "hi").await;
        grant(&mut chat, p, 100).await;
    }
    let mut tasks = Vec::new();
    for p in &people {
        let msg = chat.message(&group(), p, "/redeem salon");
        let engine = Arc::clone(&chat.engine);
        tasks.push(tokio::spawn(async move { engine.handle(&msg).await }));
    }
    let mut sold = 0;
    for t in tasks {
        let out = t.await.unwrap_or_else(|e| panic!("{e}"));
        let text = out.first().map(|o| o.body.to_plain()).unwrap_or_default();
        if text.starts_with("🎁") {
            sold += 1;
        } else {
            assert_eq!(text, "「沙龙门票」已经兑完了。");
        }
    }
    assert_eq!(sold, 1);
    let mut total = 0;
    for p in &people {
        total += balance(&chat, p).await.0;
    }
    assert_eq!(total, 10 * 100 - 100, "only the one buyer paid");
    assert_ledger_clean(&chat).await;
}

async fn random_sequences_keep_the_ledger_balanced(db: TestDb) {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut chat = chat_with(db);
    let people: Vec<Who> = (1..=5).map(|i| Who::telegram(&format!("{i}"), &format!("m{i}"))).collect();
    for p in &people {
        chat.say(&group(), p, "hi").await;
    }
    let mut rng = StdRng::seed_from_u64(7);
    for step in 0..150 {
        let p = &people[rng.random_range(0..people.len())];
        let n = rng.random_range(1..200);
        let line = match rng.random_range(0..8) {
            0 => format!("/points grant @{} {n} r{step}", p.name),
            1 => format!("/points deduct @{} {n} r{step}", p.name),
            2 => "/checkin".into(),
            3 => format!("/checkin makeup {}", (t0() + Duration::days(rng.random_range(-8..2))).format("%Y-%m-%d")),
            4 => "/redeem course".into(),
            5 => "/redeem salon".into(),
            6 => format!("/orders refund {}", rng.random_range(1..6)),
            _ => "今天的慢查询又多了，大家看看".into(),
        };
        let who = if line.starts_with("/points") || line.starts_with("/orders") { moderator() } else { p.clone() };
        let mentions: Vec<&Who> = if line.contains('@') { vec![p] } else { vec![] };
        chat.say_mentioning(&group(), &who, &line, &mentions).await;
        if rng.random_range(0..10) == 0 {
            chat.clock.advance(Duration::hours(rng.random_range(1..30)));
        }
    }
    chat.engine.due().await;
    assert_ledger_clean(&chat).await;
    for p in &people {
        assert!(balance(&chat, p).await.0 >= 0);
    }
}

async fn linking_accounts_merges_points(db: TestDb) {
    let mut chat = chat_with(db);
    let tg = Who::telegram("1", "Alice");
    let dc = Who::discord("8", "alice");
    chat.say(&group(), &tg, "/checkin").await;
    chat.say(&Chat::group(Platform::Discord, "5"), &dc, "/checkin").await;
    grant(&mut chat, &tg, 40).await;
    let code_msg = only(&chat.say(&tg.dm(), &tg, "/link").await);
    let code = code_msg.split(['：', '（']).nth(1).unwrap_or_default().to_owned();
    chat.say(&Chat::group(Platform::Discord, "5"), &dc, &format!("/link {code}")).await;
    let shown = only(&chat.say(&Chat::group(Platform::Discord, "5"), &dc, "/points").await);
    assert!(shown.contains("可用积分：60 · 累计贡献：60"), "both balances, one member: {shown}");
    let again = only(&chat.say(&Chat::group(Platform::Discord, "5"), &dc, "/checkin").await);
    assert!(again.starts_with("今天已经签到过了"), "one streak: {again}");
    let member =
        chat.db.store.members().find_account("default", Platform::Discord, "8").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(member.map(|m| m.id), Some(MemberId(1)));
    assert_ledger_clean(&chat).await;
}

#[tokio::test]
async fn period_starts_in_the_community_time_zone() {
    let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap_or(chrono_tz::UTC);
    let now =
        DateTime::parse_from_rfc3339("2026-12-03T01:00:00+08:00").map(|t| t.to_utc()).unwrap_or_else(|_| Utc::now());
    let week = jixia::features::points::period_start("week", now, tz).map(|t| t.to_rfc3339());
    assert_eq!(week.as_deref(), Some("2026-11-29T16:00:00+00:00"), "Monday 00:00 in Shanghai");
    let month = jixia::features::points::period_start("month", now, tz).map(|t| t.to_rfc3339());
    assert_eq!(month.as_deref(), Some("2026-11-30T16:00:00+00:00"));
    assert_eq!(jixia::features::points::period_start("all", now, tz), None);
}

/// `jixia doctor`'s audit finds a hand-edited balance.
async fn the_audit_catches_a_tampered_balance(db: TestDb) {
    let mut chat = chat_with(db);
    let alice = Who::telegram("1", "Alice");
    chat.say(&group(), &alice, "hi").await;
    grant(&mut chat, &alice, 50).await;
    assert_ledger_clean(&chat).await;
    let sql = "UPDATE points_accounts SET balance = balance + 5 WHERE owner LIKE 'member:%'";
    let url = chat.db.url.expose().to_owned();
    if chat.db.url.is_postgres() {
        let pool = sqlx::PgPool::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{e}"));
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{url}")).await.unwrap_or_else(|e| panic!("{e}"));
        sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{e}"));
        pool.close().await;
    }
    let audit = chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!audit.is_clean());
    assert_eq!(audit.unbalanced, vec![("default".to_owned(), 5)]);
    assert_eq!(audit.drifted.len(), 1, "{audit:?}");
    assert_eq!((audit.drifted[0].2, audit.drifted[0].3), (55, 50));
}

both_backends!(the_audit_catches_a_tampered_balance);

/// The group commit applies each key once, across communities, in order.
async fn a_batch_applies_each_key_once(db: TestDb) {
    use jixia::ledger::{Balance, Owner, Transfer, TransferOutcome};
    let s = &db.store;
    let a = s
        .members()
        .member_for_account("pg", Platform::Telegram, "1", "A", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b = s
        .members()
        .member_for_account("rust", Platform::Telegram, "1", "B", t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let award = |community: &str, key: &str, to: MemberId, amount: i64| Transfer {
        community: community.into(),
        key: key.into(),
        kind: jixia::features::points::ACTIVITY,
        reason: String::new(),
        actor: None,
        from: Owner::Mint,
        to: Owner::Member(to),
        amount,
        at: t0(),
    };
    let batch: Vec<Transfer> = vec![
        award("pg", "k1", a.id, 10),
        award("pg", "k1", a.id, 10),
        award("rust", "k1", b.id, 7),
        award("pg", "k2", a.id, 5),
    ];
    let out = s.ledger().transfer_batch(&batch).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out,
        [
            TransferOutcome::Applied(Balance { balance: 10, contribution: 10 }),
            TransferOutcome::Duplicate,
            TransferOutcome::Applied(Balance { balance: 7, contribution: 7 }),
            TransferOutcome::Applied(Balance { balance: 15, contribution: 15 }),
        ]
    );
    let again = s.ledger().transfer_batch(&batch[..1]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, [TransferOutcome::Duplicate]);
    // A big batch crosses chunk boundaries.
    let many: Vec<Transfer> = (0..450).map(|i| award("pg", &format!("m{i}"), a.id, 1)).collect();
    s.ledger().transfer_batch(&many).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.ledger().balance("pg", a.id).await.unwrap_or_else(|e| panic!("{e}")).balance, 465);
    let audit = s.ledger().audit().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(audit.is_clean(), "{audit:?}");
}

both_backends!(a_batch_applies_each_key_once);
