//! Conversations with the engine, as members on Telegram and Discord would
//! have them: the core commands, linking accounts, languages, permissions
//! and bad input. Every case runs on SQLite and on PostgreSQL.

mod common;

use chrono::Duration;
use common::{TestChat, TestDb, Who, is_dm_to, only, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::{Chat, Platform};

fn tg_group() -> Chat {
    Chat::group(Platform::Telegram, "-1001")
}

fn dc_channel() -> Chat {
    Chat::group(Platform::Discord, "555")
}

both_backends!(
    ping_and_help,
    help_for_one_command,
    unknown_commands_and_wrong_arguments,
    language_is_per_member_and_persists,
    link_telegram_and_discord_into_one_member,
    link_code_mistakes,
    wrong_link_codes_are_limited,
    link_code_expires_after_ten_minutes,
    redelivered_link_changes_nothing,
    moderators_from_config_and_platform_admin,
    bad_input_never_panics,
    bots_are_ignored,
    store_failure_gets_an_apology,
);

async fn ping_and_help(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice = Who::telegram("1001", "Alice");
    assert_eq!(only(&chat.say(&tg_group(), &alice, "/ping").await), "pong 🏓");
    assert_eq!(only(&chat.say(&tg_group(), &alice, "!ping").await), "pong 🏓");
    assert_eq!(only(&chat.say(&tg_group(), &alice, "/ping@jixia").await), "pong 🏓");
    assert!(chat.say(&tg_group(), &alice, "/ping@rose_bot").await.is_empty(), "another bot's command");
    let help = only(&chat.say(&tg_group(), &alice, "/帮助").await);
    assert!(help.starts_with("可用命令（你的角色：成员）"), "{help}");
    for cmd in ["/help [命令]", "/ping", "/whoami", "/lang [语言]", "/link [代码]"] {
        assert!(help.contains(cmd), "help lists {cmd}: {help}");
    }
    assert!(!help.contains("/whois"), "members are not shown moderator commands: {help}");
    let mod_help = only(&chat.say(&tg_group(), &alice.as_admin(), "/help").await);
    assert!(mod_help.contains("/whois @成员"), "{mod_help}");
    // The reply answers the message it was asked in.
    let out = chat.say(&tg_group(), &alice, "/ping").await;
    assert_eq!(out[0].to, jixia::message::Destination::Chat(tg_group()));
    assert!(out[0].reply_to.is_some());
}

async fn help_for_one_command(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice = Who::discord("7", "alice");
    let detail = only(&chat.say(&dc_channel(), &alice, "/help link").await);
    assert!(detail.contains("/link [代码]") && detail.contains("/关联") && detail.contains("成员"), "{detail}");
    let by_alias = only(&chat.say(&dc_channel(), &alice, "/help 帮助").await);
    assert!(by_alias.contains("/help [命令]"), "{by_alias}");
    let none = only(&chat.say(&dc_channel(), &alice, "/help nope").await);
    assert!(none.contains("没有叫 nope 的命令"), "{none}");
}

async fn unknown_commands_and_wrong_arguments(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice = Who::telegram("1001", "Alice");
    let g = tg_group();
    assert_eq!(only(&chat.say(&g, &alice, "/hlep").await), "没有 /hlep 这个命令。你是不是想用 /help？");
    assert_eq!(
        only(&chat.say(&g, &alice, "/frobnicate").await),
        "没有 /frobnicate 这个命令。发送 /help 查看全部命令。"
    );
    assert_eq!(
        only(&chat.say(&g, &alice, "/ping now").await),
        "多余的参数“now”。有空格的内容请用引号括起来。\n用法：/ping"
    );
    let mod_alice = alice.as_admin();
    let missing = only(&chat.say(&g, &mod_alice, "/whois").await);
    assert_eq!(missing, "缺少参数「成员」。\n用法：/whois @成员");
    let not_mention = only(&chat.say(&g, &mod_alice, "/whois bob").await);
    assert!(not_mention.starts_with("「成员」应该是 @某人，收到的是“bob”"), "{not_mention}");
    let open_quote = only(&chat.say(&g, &alice, "/lang \"en").await);
    assert!(open_quote.starts_with("引号没有闭合"), "{open_quote}");
    // Chat that merely starts with a slash is not a command.
    assert!(chat.say(&g, &alice, "/usr/lib/postgresql/16/bin 在哪").await.is_empty());
    assert!(chat.say(&g, &alice, "hello everyone").await.is_empty());
}

async fn language_is_per_member_and_persists(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice = Who::telegram("1001", "Alice");
    let bob = Who::telegram("1002", "Bob");
    let g = tg_group();
    assert_eq!(only(&chat.say(&g, &alice, "/lang en").await), "OK, I will speak English with you from now on.");
    assert_eq!(
        only(&chat.say(&g, &alice, "/ping x").await),
        "Unexpected \"x\". Put text with spaces in quotes.\nUsage: /ping"
    );
    assert!(only(&chat.say(&g, &bob, "/ping x").await).starts_with("多余的参数"), "Bob still gets Chinese");
    let current = only(&chat.say(&g, &alice, "/lang").await);
    assert!(current.starts_with("Your language is en"), "{current}");
    assert_eq!(
        only(&chat.say(&g, &alice, "/lang fr").await),
        "I don't know the language \"fr\". Choose zh, en or default."
    );
    assert_eq!(only(&chat.say(&g, &alice, "/语言 default").await), "已恢复社区默认语言（zh）。");
    assert!(only(&chat.say(&g, &alice, "/lang").await).starts_with("你现在的语言是 zh"));
    assert_eq!(only(&chat.say(&g, &alice, "/lang English").await), "OK, I will speak English with you from now on.");
    // A new engine on the same database (a restart) remembers.
    let db = chat.db;
    let mut restarted = TestChat::with_defaults(db);
    assert!(only(&restarted.say(&g, &alice, "/lang").await).starts_with("Your language is en"));
}

async fn link_telegram_and_discord_into_one_member(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice_tg = Who::telegram("1001", "Alice");
    let alice_dc = Who::discord("8800", "alice.pg");
    // Alice is known on both platforms before she links them.
    chat.say(&tg_group(), &alice_tg, "/lang en").await;
    chat.clock.advance(Duration::days(2));
    let dc_me = only(&chat.say(&dc_channel(), &alice_dc, "/whoami").await);
    assert!(dc_me.contains("成员 #2"), "{dc_me}");

    // In a group the code goes by direct message, never into the group.
    let out = chat.say(&tg_group(), &alice_tg, "/link").await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert!(is_dm_to(&out[0], &alice_tg));
    assert!(texts(&out)[1].starts_with("I sent you the link code by direct message"));
    let dm = out[0].body.to_plain();
    let code = dm
        .split_whitespace()
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {dm}"))
        .to_owned();
    assert!(!texts(&out)[1].contains(&code));

    let linked = only(&chat.say(&dc_channel(), &alice_dc, &format!("/link {}", code.to_lowercase())).await);
    assert_eq!(linked, "关联成功！现在你是成员 #1，共 2 个账号：telegram: Alice, discord: alice.pg。");

    // One member now: same id, both accounts, and her language choice.
    let me = only(&chat.say(&dc_channel(), &alice_dc, "/whoami").await);
    assert!(me.contains("member #1"), "Discord now speaks as member #1, in English: {me}");
    assert!(me.contains("telegram: Alice (1001)") && me.contains("discord: alice.pg (8800)"), "{me}");
    assert!(me.contains("Joined: 2026-12-01"), "joined at the earlier of the two: {me}");
    let from_tg = only(&chat.say(&tg_group(), &alice_tg, "/whoami").await);
    assert!(from_tg.contains("member #1") && from_tg.contains("Linked accounts (2)"), "{from_tg}");
}

async fn link_code_mistakes(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice_tg = Who::telegram("1001", "Alice");
    let bob_dc = Who::discord("9", "bob");
    let bad = only(&chat.say(&dc_channel(), &bob_dc, "/link 12").await);
    assert!(bad.starts_with("“12”不是关联代码的格式"), "{bad}");
    let unknown = only(&chat.say(&dc_channel(), &bob_dc, "/link ZZZZZZ").await);
    assert!(unknown.starts_with("代码 ZZZZZZ 不存在或已经用过"), "{unknown}");
    // Asked in a private chat, the code comes straight back.
    let out = chat.say(&alice_tg.dm(), &alice_tg, "/link").await;
    let text = only(&out);
    assert!(text.starts_with("你的关联代码："), "{text}");
    let code = text.split(['：', '（']).nth(1).unwrap_or_default().to_owned();
    let own = only(&chat.say(&tg_group(), &alice_tg, &format!("/link {code}")).await);
    assert!(own.starts_with("这是你自己的代码"), "{own}");
}

/// Codes cannot be guessed: after five wrong codes in ten minutes a member
/// is told to wait, even with a right code, until the window moves on.
async fn wrong_link_codes_are_limited(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice_tg = Who::telegram("1001", "Alice");
    let mallory = Who::discord("66", "mallory");
    let text = only(&chat.say(&alice_tg.dm(), &alice_tg, "/link").await);
    let code = text.split(['：', '（']).nth(1).unwrap_or_default().to_owned();
    for guess in ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"] {
        let wrong = only(&chat.say(&dc_channel(), &mallory, &format!("/link {guess}")).await);
        assert!(wrong.contains("不存在或已经用过"), "{wrong}");
        chat.clock.advance(Duration::seconds(30));
    }
    let refused = only(&chat.say(&dc_channel(), &mallory, &format!("/link {code}")).await);
    assert_eq!(refused, "错误的代码试得太多了，请 8 分钟后再试。");
    // Another member is not held up: Alice links with her code.
    let alice_dc = Who::discord("8800", "alice");
    let linked = only(&chat.say(&dc_channel(), &alice_dc, &format!("/link {code}")).await);
    assert!(linked.starts_with("关联成功"), "{linked}");
    // Once the first wrong try is ten minutes old, one more try is allowed.
    chat.clock.advance(Duration::seconds(450));
    let again = only(&chat.say(&dc_channel(), &mallory, "/link FFFFFF").await);
    assert!(again.contains("不存在或已经用过"), "{again}");
    let refused = only(&chat.say(&dc_channel(), &mallory, "/link GGGGGG").await);
    assert!(refused.starts_with("错误的代码试得太多了"), "{refused}");
}

async fn link_code_expires_after_ten_minutes(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice_tg = Who::telegram("1001", "Alice");
    let alice_dc = Who::discord("8800", "alice");
    let text = only(&chat.say(&alice_tg.dm(), &alice_tg, "/link").await);
    let code = text.split(['：', '（']).nth(1).unwrap_or_default().to_owned();
    chat.clock.advance(Duration::minutes(11));
    let late = only(&chat.say(&dc_channel(), &alice_dc, &format!("/link {code}")).await);
    assert_eq!(late, "这个代码已过期（有效期 10 分钟）。请重新发送 /link 获取新代码。");
    let me = only(&chat.say(&dc_channel(), &alice_dc, "/whoami").await);
    assert!(me.contains("已关联账号（1）"), "nothing was merged: {me}");
}

async fn redelivered_link_changes_nothing(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice_tg = Who::telegram("1001", "Alice");
    let alice_dc = Who::discord("8800", "alice");
    let text = only(&chat.say(&alice_tg.dm(), &alice_tg, "/link").await);
    let code = text.split(['：', '（']).nth(1).unwrap_or_default().to_owned();
    let msg = chat.message(&dc_channel(), &alice_dc, &format!("/link {code}"));
    let first = only(&chat.engine.handle(&msg).await);
    assert!(first.starts_with("关联成功"), "{first}");
    let second = only(&chat.engine.handle(&msg).await);
    assert!(second.starts_with("这是你自己的代码") || second.contains("不存在或已经用过"), "{second}");
    let me = only(&chat.say(&dc_channel(), &alice_dc, "/whoami").await);
    assert!(me.contains("已关联账号（2）") && me.contains("成员 #1"), "{me}");
}

async fn moderators_from_config_and_platform_admin(db: TestDb) {
    let mut config = Config::default();
    config.communities.insert(
        "default".into(),
        CommunityConfig {
            moderators: vec!["telegram:2002".into()],
            admins: vec!["telegram:3003".into()],
            ..Default::default()
        },
    );
    let mut chat = TestChat::new(db, &config);
    let g = tg_group();
    let member = Who::telegram("1001", "Alice");
    let moderator = Who::telegram("2002", "Mo");
    let admin = Who::telegram("3003", "Ada");
    chat.say(&g, &member, "大家好，我是新来的").await;
    let denied = only(&chat.say_mentioning(&g, &member, "/whois @Mo", &[&moderator]).await);
    assert_eq!(denied, "/whois @成员 需要版主权限。");
    let shown = only(&chat.say_mentioning(&g, &moderator, "/whois @Alice", &[&member]).await);
    assert!(shown.starts_with("Alice · 成员 #1") && shown.contains("角色：成员"), "{shown}");
    let by_admin = only(&chat.say_mentioning(&g, &admin, "/whois @Mo", &[&moderator]).await);
    assert!(by_admin.contains("角色：版主"), "{by_admin}");
    let platform_admin = only(&chat.say_mentioning(&g, &member.as_admin(), "/whois @Alice", &[&member]).await);
    assert!(platform_admin.starts_with("Alice · 成员 #1"), "{platform_admin}");
    let stranger = Who::telegram("4004", "Nobody");
    let unknown = only(&chat.say_mentioning(&g, &moderator, "/whois @Nobody", &[&stranger]).await);
    assert_eq!(unknown, "还不认识 Nobody：TA 需要先在这里说过话。");
    let me = only(&chat.say(&g, &admin, "/whoami").await);
    assert!(me.contains("角色：管理员"), "{me}");
    // Alice chose English: she sees "your choice", a moderator "their choice".
    chat.say(&g, &member, "/lang en").await;
    let hers = only(&chat.say(&g, &member, "/whoami").await);
    assert!(hers.contains("en (your choice)"), "{hers}");
    let theirs = only(&chat.say_mentioning(&g, &moderator, "/whois @Alice", &[&member]).await);
    assert!(theirs.contains("en（本人设置的）") && !theirs.contains("你自己"), "{theirs}");
}

async fn bad_input_never_panics(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice = Who::telegram("1001", "Alice");
    let g = tg_group();
    assert!(chat.say(&g, &alice, "").await.is_empty());
    assert!(chat.say(&g, &alice, "   \n\t ").await.is_empty());
    assert!(chat.say(&g, &alice, &"很长的消息".repeat(2000)).await.is_empty());
    let long_cmd = only(&chat.say(&g, &alice, &format!("/ping {}", "x".repeat(10_000))).await);
    assert_eq!(long_cmd, "消息太长了（超过 4000 个字符），没有当作命令处理。");
    assert!(chat.say(&g, &alice, "\u{FFFD}\u{FFFD} 乱码").await.is_empty());
    assert!(chat.say(&g, &alice, "!!!").await.is_empty());
    assert!(chat.say(&g, &alice, "/").await.is_empty());
    // Markup in a member's own text stays text.
    let who = only(&chat.say(&g, &Who::telegram("5", "**bold** `x`"), "/whoami").await);
    assert!(who.starts_with("**bold** `x` · 成员"), "{who}");
    // Addressed by mention, with or without a slash.
    let mut msg = chat.message(&g, &alice, "@jixia ping");
    msg.mentions_bot = true;
    assert_eq!(only(&chat.engine.handle(&msg).await), "pong 🏓");
    // A mention with nothing else for the bot is greeted (not taken for an
    // unknown command), once per chat in ten minutes.
    let hello = only(&chat.say(&g, &alice, "@jixia 你好呀").await);
    assert_eq!(hello, "👋 我在。发送 /help 看看我能做什么。");
    assert!(chat.say(&g, &Who::telegram("1002", "Bob"), "@jixia").await.is_empty(), "not again so soon");
    assert!(chat.say(&g, &alice, "你好呀").await.is_empty(), "no mention, no greeting");
    let elsewhere = chat.say(&Chat::group(Platform::Discord, "555"), &Who::discord("7", "alice"), "@jixia hi").await;
    assert_eq!(only(&elsewhere), "👋 我在。发送 /help 看看我能做什么。", "another chat has its own limit");
    chat.clock.advance(Duration::minutes(10));
    assert_eq!(only(&chat.say(&g, &alice, "@jixia").await), hello, "ten minutes later");
}

async fn bots_are_ignored(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let other_bot = Who::telegram("777", "OtherBot");
    let mut msg = chat.message(&tg_group(), &other_bot, "/ping");
    msg.sender.is_bot = true;
    assert!(chat.engine.handle(&msg).await.is_empty());
}

async fn store_failure_gets_an_apology(db: TestDb) {
    let mut chat = TestChat::with_defaults(db);
    let alice = Who::telegram("1001", "Alice");
    chat.db.store.close().await;
    let sorry = only(&chat.say(&tg_group(), &alice, "/whoami").await);
    assert!(sorry.starts_with("抱歉，出了点问题"), "{sorry}");
    assert!(chat.say(&tg_group(), &alice, "just chatting").await.is_empty(), "no apology for plain chat");
}
