//! The community's figures as a moderator reads them: a few days of chat,
//! questions, replies and check-ins, then `/stats`, whose lines must be
//! what a person counting the conversation by hand would write down. Every
//! case runs on SQLite and on PostgreSQL.

mod common;

use chrono::Duration;
use common::cast::{alice, bob, carol, group, mo};
use common::{TestChat, TestDb, Who, only, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::{Chat, Incoming, Platform};

/// Mo moderates the default community; Mo's second group is the
/// moderators' chat.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.features.stats.moderator_chats = vec!["telegram:-1002".into()];
    c
}

fn mods() -> Chat {
    Chat::group(Platform::Telegram, "-1002")
}

/// Bob on Discord: the same community's other platform.
fn bob_on_discord() -> Who {
    Who::discord("22", "bob")
}

fn discord() -> Chat {
    Chat::group(Platform::Discord, "5")
}

/// `who` says `text` in `chat`, and the message as the platform delivered
/// it (to reply to).
async fn said(chat: &mut TestChat, place: &Chat, who: &Who, text: &str) -> Incoming {
    let msg = chat.message(place, who, text);
    chat.engine.handle(&msg).await;
    msg
}

/// The line of `/stats` output that starts with `label`.
fn line<'a>(out: &'a str, label: &str) -> &'a str {
    out.lines()
        .find(|l| l.trim_start_matches(['•', '-', ' ']).starts_with(label))
        .unwrap_or_else(|| panic!("no line {label:?} in:\n{out}"))
        .trim_start_matches(['•', '-', ' '])
}

/// Three days in the community, counted by hand:
///
/// - day 1: alice says two things and asks how to back up; bob answers
///   her ten minutes later; carol asks about pg_cron and nobody answers;
///   bob says one thing on Discord; alice and bob check in;
/// - days 2 and 3: alice checks in and says good morning;
/// - day 3: Mo asks for `/stats`.
///
/// Members: alice, bob (Telegram), bob (Discord, not linked: a member of
/// his own), carol, Mo = 5. Messages: day 1 alice 3 + /checkin, bob
/// /checkin + his reply, carol 1, bob on Discord 1 = 8 (7 on Telegram);
/// days 2 and 3: alice 2 each = 4; Mo's /stats = 1: 13 in all, 12 on
/// Telegram. Questions 2, one answered (50%), after 10 min.
/// Check-ins: alice 3 + bob 1 = 4; of the two who checked in this week,
/// alice did on 3 days: 50%.
async fn a_week_counted_by_hand(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    said(&mut chat, &group(), &alice(), "早上好各位").await;
    said(&mut chat, &group(), &alice(), "今天天气不错").await;
    let question = said(&mut chat, &group(), &alice(), "pg 怎么做在线备份？").await;
    said(&mut chat, &group(), &carol(), "有人用过 pg_cron 吗？").await;
    said(&mut chat, &discord(), &bob_on_discord(), "hello from discord").await;
    chat.say(&group(), &alice(), "/checkin").await;
    chat.say(&group(), &bob(), "/checkin").await;
    chat.clock.advance(Duration::minutes(10));
    chat.reply(&group(), &bob(), &question, "用 pg_basebackup，配合 WAL 归档").await;
    for _ in 0..2 {
        chat.clock.advance(Duration::days(1));
        chat.say(&group(), &alice(), "/checkin").await;
        said(&mut chat, &group(), &alice(), "早").await;
    }
    let out = only(&chat.say(&group(), &mo(), "/stats").await);

    assert!(out.contains("最近 7 天"), "{out}");
    assert_eq!(line(&out, "成员总数"), "成员总数: 5 (+5)");
    assert_eq!(line(&out, "新成员"), "新成员: 5 (+5)");
    assert_eq!(line(&out, "跨平台关联的成员"), "跨平台关联的成员: 0");
    assert_eq!(line(&out, "活跃成员"), "活跃成员（至少发言一次）: 5 (+5)");
    assert_eq!(line(&out, "消息数"), "消息数: 13 (+13)");
    assert_eq!(line(&out, "telegram 上的消息"), "telegram 上的消息: 12 (+12)");
    assert_eq!(line(&out, "discord 上的消息"), "discord 上的消息: 1 (+1)");
    assert_eq!(line(&out, "提问数"), "提问数: 2 (+2)");
    assert_eq!(line(&out, "24 小时内"), "24 小时内有其他成员回复的提问: 50%");
    assert_eq!(line(&out, "首次回复时间"), "首次回复时间（中位数）: 10 min");
    assert_eq!(line(&out, "签到次数"), "签到次数: 4 (+4)");
    assert_eq!(line(&out, "最近 7 天签到 3 天以上"), "最近 7 天签到 3 天以上的成员（占签到成员）: 50%");
    // Per-chat lines are the operator's (`jixia stats`), not the chat's.
    assert!(!out.contains("-1001 中的消息"), "{out}");

    // What was minted is what the members hold: nothing was spent.
    let mut held = 0;
    for (platform, id) in [("telegram", "1"), ("telegram", "2"), ("telegram", "3"), ("discord", "22")] {
        let platform = Platform::parse(platform).unwrap_or(Platform::Telegram);
        let m = chat.db.store.members().find_account("default", platform, id).await;
        let m = m.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("{id}"));
        held += chat.db.store.ledger().balance("default", m.id).await.unwrap_or_else(|e| panic!("{e}")).balance;
    }
    assert!(held > 0);
    assert_eq!(line(&out, "发放的积分"), format!("发放的积分（奖励）: {held} (+{held})"));
    assert_eq!(line(&out, "花费的积分"), "花费的积分（商店、补签卡、悬赏）: 0");

    // A week later, the same figures are the period before.
    chat.clock.advance(Duration::days(7));
    let out = only(&chat.say(&group(), &mo(), "/stats").await);
    assert_eq!(line(&out, "成员总数"), "成员总数: 5");
    assert_eq!(line(&out, "新成员"), "新成员: 0 (-5)");
    assert_eq!(line(&out, "活跃成员"), "活跃成员（至少发言一次）: 1 (-4)");
    assert_eq!(line(&out, "提问数"), "提问数: 0 (-2)");
    assert_eq!(line(&out, "首次回复时间"), "首次回复时间（中位数）: –");
}

/// The counts are written by the group commit: they survive a restart.
async fn counts_survive_a_restart(db: TestDb) {
    let store = db.store.clone();
    let mut chat = TestChat::new(db, &config());
    for text in ["一", "二", "三"] {
        said(&mut chat, &group(), &alice(), text).await;
    }
    chat.engine.due().await;
    let clock = chat.clock.clone();
    let restarted = jixia::Engine::new(&common::with_test_chats(&config()), store, std::sync::Arc::new(clock))
        .unwrap_or_else(|e| panic!("{e}"));
    chat.engine = std::sync::Arc::new(restarted);
    let out = only(&chat.say(&group(), &mo(), "/stats").await);
    assert_eq!(line(&out, "消息数"), "消息数: 4 (+4)");
}

/// `/stats month` covers thirty days; members cannot ask; a wrong period
/// says what is accepted.
async fn periods_and_who_may_ask(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    said(&mut chat, &group(), &alice(), "第一天").await;
    chat.clock.advance(Duration::days(20));
    let out = only(&chat.say(&group(), &mo(), "/stats month").await);
    assert!(out.contains("最近 30 天"), "{out}");
    assert_eq!(line(&out, "消息数"), "消息数: 2 (+2)");
    let week = only(&chat.say(&group(), &mo(), "/stats week").await);
    assert_eq!(line(&week, "消息数"), "消息数: 2 (+2)", "only this week's: Mo's two");

    let refused = only(&chat.say(&group(), &alice(), "/stats").await);
    assert!(refused.contains("版主权限"), "{refused}");
    let wrong = only(&chat.say(&group(), &mo(), "/stats year").await);
    assert!(wrong.contains("year") && wrong.contains("/stats [周|月]"), "{wrong}");

    let english = only(&chat.say(&group(), &mo(), "/lang en").await);
    assert!(!english.is_empty());
    let out = only(&chat.say(&group(), &mo(), "/stats").await);
    assert!(out.contains("The last 7 days"), "{out}");
    assert!(line(&out, "Messages:").starts_with("Messages: "), "{out}");
}

/// The moderators' chat gets the week's figures in its digest; any other
/// chat's digest does not show them.
async fn the_moderators_digest_has_the_figures(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    said(&mut chat, &group(), &alice(), "大家好，我是新来的").await;
    chat.say(&group(), &alice(), "/checkin").await;
    let in_mods = texts(&chat.say(&mods(), &mo(), "/digest now").await).join("\n");
    assert!(in_mods.contains("本周数据"), "{in_mods}");
    assert_eq!(line(&in_mods, "签到次数"), "签到次数: 1 (+1)");
    let in_group = texts(&chat.say(&group(), &mo(), "/digest now").await).join("\n");
    assert!(!in_group.contains("本周数据"), "{in_group}");
    assert!(!in_group.contains("成员总数"), "{in_group}");
}

/// The FAQ's and the shop's lines: two questions redirected, one of them
/// marked "没用", one nobody could answer: 2 redirects, 50% unhelpful, and
/// one question of three deflected. Alice spends 30 of the 100 points Mo
/// gave her on a course: one order, 30 redeemed, 30 spent.
async fn faq_and_shop_lines(db: TestDb) {
    let mut c = config();
    c.features.shop.items = vec![jixia::features::shop::ShopItem {
        id: "course".into(),
        name: "录播课".into(),
        name_en: String::new(),
        price: 30,
        stock: None,
        min_level: 0,
    }];
    let mut chat = TestChat::new(db, &c);
    let vacuum = "/faq add vacuum-full VACUUM FULL 会锁表吗？\n会。VACUUM FULL 持有 ACCESS EXCLUSIVE 锁。";
    let backup = "/faq add backup 怎么备份数据库？\n逻辑备份用 pg_dump，物理备份用 pg_basebackup。";
    for add in [vacuum, backup] {
        let added = only(&chat.say(&group(), &mo(), add).await);
        assert!(added.contains("vacuum-full") || added.contains("backup"), "{added}");
    }
    assert_eq!(chat.say(&group(), &alice(), "VACUUM FULL 会锁表吗？").await.len(), 1, "redirected");
    assert_eq!(chat.say(&group(), &bob(), "怎么备份数据库里的一张表？").await.len(), 1, "redirected");
    let noted = only(&chat.say(&group(), &bob(), "没用").await);
    assert!(noted.contains("backup"), "{noted}");
    assert!(chat.say(&group(), &carol(), "pg_cron 扩展怎么装？").await.is_empty(), "nothing answers it");
    let granted = chat.say_mentioning(&group(), &mo(), "/points grant @alice 100 分享", &[&alice()]).await;
    assert!(texts(&granted).iter().any(|t| t.contains("100")), "{granted:?}");
    let bought = only(&chat.say(&group(), &alice(), "/redeem course").await);
    assert!(bought.contains("录播课"), "{bought}");

    let out = only(&chat.say(&group(), &mo(), "/stats").await);
    assert_eq!(line(&out, "提问数"), "提问数: 3 (+3)");
    assert_eq!(line(&out, "FAQ 自动引导"), "FAQ 自动引导: 2 (+2)");
    assert_eq!(line(&out, "被标记为没用的引导"), "被标记为没用的引导（👎 或“没用”）: 50%");
    assert_eq!(line(&out, "FAQ 解答的提问"), "FAQ 解答的提问（引导后未被标记没用）: 33%");
    assert_eq!(line(&out, "商店订单"), "商店订单: 1 (+1)");
    assert_eq!(line(&out, "商店兑换的积分"), "商店兑换的积分: 30 (+30)");
    assert_eq!(line(&out, "花费的积分"), "花费的积分（商店、补签卡、悬赏）: 30 (+30)");
}

/// A moderator chat that is not `platform:chat_id` is refused at start.
#[test]
fn a_bad_moderator_chat_is_refused() {
    let mut c = Config::default();
    c.features.stats.moderator_chats = vec!["mods".into()];
    let err = c.validate_features().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("features.stats.moderator_chats[0]") && err.contains("`mods`"), "{err}");
}

both_backends!(
    a_week_counted_by_hand,
    counts_survive_a_restart,
    periods_and_who_may_ask,
    the_moderators_digest_has_the_figures,
    faq_and_shop_lines
);
