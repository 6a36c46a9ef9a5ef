//! FAQ redirection as members and moderators live it: entries added by
//! moderators, questions redirected in Chinese and English, cooldowns,
//! moderator redirects that teach the matcher, "没用" feedback, FAQ gaps,
//! command errors and imports. Every case runs on SQLite and PostgreSQL.
//! The matcher's figures on the development set are checked at the end.

mod common;

use chrono::Duration;
use common::{TestChat, TestDb, Who, is_dm_to, only, t0, texts};
use jixia::clock::ManualClock;
use jixia::config::Config;
use jixia::features::faq::eval::eval_files;
use jixia::features::faq::import::{FaqFormat, ImportFailed, import_into};
use jixia::features::faq::{FaqConfig, matcher};
use jixia::{Chat, Platform};

fn group() -> Chat {
    Chat::group(Platform::Telegram, "-1001")
}

fn moderator() -> Who {
    Who::telegram("1", "Mod").as_admin()
}

const VACUUM: &str = "/faq add vacuum-full VACUUM FULL 会锁表吗？\n会。VACUUM FULL 持有 ACCESS EXCLUSIVE 锁，整个重写期间表不可读写；线上请用 pg_repack。\n链接：https://www.postgresql.org/docs/current/sql-vacuum.html\n标签：运维";
const VERSION: &str = "/faq add version How do I check which PostgreSQL version I am running?\nRun SELECT version(); or psql --version for the client.\nTags: basics";
const BACKUP: &str = "/faq add backup 怎么备份数据库？\n逻辑备份用 pg_dump，物理备份用 pg_basebackup。\n标签：运维";

async fn with_faq(db: TestDb, config: &Config) -> TestChat {
    let mut chat = TestChat::new(db, config);
    for add in [VACUUM, VERSION, BACKUP] {
        let out = only(&chat.say(&group(), &moderator(), add).await);
        assert!(out.starts_with("已添加"), "{out}");
    }
    chat
}

both_backends!(
    questions_are_redirected_in_both_languages,
    cooldowns_per_entry_and_per_hour,
    moderator_redirect_teaches_the_wording,
    not_helpful_counts_and_vetoes_the_wording,
    a_thumbs_down_on_the_redirect_counts_once_per_member,
    unanswered_questions_become_gaps,
    command_errors,
    listing_search_and_entry_card,
    odd_input_is_never_redirected,
    import_is_idempotent_and_all_or_nothing,
    moderators_add_synonyms_that_work_at_once,
    synonym_errors_say_what_to_fix,
    the_redirect_speaks_the_language_of_the_question,
    question_words_are_counted_in_the_group_commit,
    a_synonym_added_on_one_instance_works_on_the_others,
    moderators_remove_synonyms_and_members_page_through_them,
);

async fn questions_are_redirected_in_both_languages(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    let zh = only(&chat.say(&group(), &alice, "请问 vacuum full 会不会锁表？").await);
    assert!(zh.contains("VACUUM FULL 会锁表吗？") && zh.contains("ACCESS EXCLUSIVE"), "{zh}");
    assert!(zh.contains("sql-vacuum.html") && zh.contains("/faq vacuum-full") && zh.contains("没用"), "{zh}");
    let en = only(&chat.say(&group(), &alice, "how can I check the postgresql version?").await);
    assert!(en.contains("How do I check which PostgreSQL version") && en.contains("SELECT version()"), "{en}");
    // Traditional script is folded to Simplified.
    let trad = only(&chat.say(&group(), &alice, "怎麼備份資料庫？").await);
    assert!(trad.contains("pg_dump"), "{trad}");
    // Not a question, or a question the FAQ does not answer: silence.
    assert!(chat.say(&group(), &alice, "昨天备份了数据库，挺顺利").await.is_empty());
    assert!(chat.say(&group(), &alice, "有人用过 TimescaleDB 吗？").await.is_empty());
    assert!(chat.say(&group(), &alice, "what time is the meetup tomorrow?").await.is_empty());
}

async fn cooldowns_per_entry_and_per_hour(db: TestDb) {
    let mut config = Config::default();
    config.features.faq.max_redirects_per_hour = 2;
    let mut chat = with_faq(db, &config).await;
    let alice = Who::telegram("1001", "Alice");
    let bob = Who::telegram("1002", "Bob");
    assert_eq!(chat.say(&group(), &alice, "vacuum full 会锁表吗？").await.len(), 1);
    // The same entry in the same chat within ten minutes: silence.
    chat.clock.advance(Duration::minutes(5));
    assert!(chat.say(&group(), &bob, "VACUUM FULL 锁表吗").await.is_empty(), "entry cooldown");
    // Another chat is not affected.
    let other = Chat::group(Platform::Discord, "555");
    assert_eq!(chat.say(&other, &Who::discord("9", "carol"), "vacuum full 会锁表吗？").await.len(), 1);
    chat.clock.advance(Duration::minutes(6));
    assert_eq!(chat.say(&group(), &bob, "VACUUM FULL 锁表吗").await.len(), 1, "cooldown over");
    // Two automatic redirects in this chat within the hour: the cap.
    assert!(chat.say(&group(), &alice, "怎么备份数据库？").await.is_empty(), "hourly cap");
    chat.clock.advance(Duration::minutes(61));
    assert_eq!(chat.say(&group(), &alice, "怎么备份数据库？").await.len(), 1, "a new hour");
}

async fn moderator_redirect_teaches_the_wording(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    let bob = Who::telegram("1002", "Bob");
    let question = chat.message(&group(), &alice, "线上库想瘦身，会不会影响业务写入？");
    assert!(chat.engine.handle(&question).await.is_empty(), "the matcher does not know this wording");
    // The moderator answers it by replying /faq vacuum-full.
    let out = chat.reply(&group(), &moderator(), &question, "/faq vacuum-full").await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert_eq!(out[0].reply_to.as_deref(), Some(question.message_id.as_str()), "answers Alice's message");
    assert!(out[0].body.to_plain().contains("VACUUM FULL 会锁表吗？"));
    assert!(is_dm_to(&out[1], &moderator()));
    assert!(out[1].body.to_plain().contains("线上库想瘦身"), "{}", out[1].body.to_plain());
    // Asked the same way later, by someone else: redirected automatically.
    chat.clock.advance(Duration::minutes(11));
    let again = only(&chat.say(&group(), &bob, "线上库想瘦身，会不会影响业务写入？").await);
    assert!(again.contains("VACUUM FULL 会锁表吗？"), "{again}");
    let card = only(&chat.say(&group(), &bob, "/faq vacuum-full").await);
    assert!(card.contains("其他问法 1 种"), "{card}");
    // A member's reply with /faq points too, but teaches nothing.
    let q2 = chat.message(&group(), &alice, "有没有办法在线收缩大表？");
    chat.engine.handle(&q2).await;
    let out = chat.reply(&group(), &bob, &q2, "/redirect vacuum-full").await;
    assert_eq!(out.len(), 1, "no learning note: {:?}", texts(&out));
    let card = only(&chat.say(&group(), &bob, "/faq vacuum-full").await);
    assert!(card.contains("其他问法 1 种"), "{card}");
}

async fn not_helpful_counts_and_vetoes_the_wording(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    let redirect = chat.message(&group(), &alice, "怎么备份数据库里的一张表？");
    let out = chat.engine.handle(&redirect).await;
    assert_eq!(out.len(), 1, "redirected");
    let noted = only(&chat.say(&group(), &alice, "没用").await);
    assert!(noted.contains("backup"), "{noted}");
    let card = only(&chat.say(&group(), &alice, "/faq backup").await);
    assert!(card.contains("👎 1"), "{card}");
    // The same wording is not redirected to that entry again.
    chat.clock.advance(Duration::minutes(30));
    assert!(chat.say(&group(), &alice, "怎么备份数据库里的一张表？").await.is_empty());
    // "谢谢" from the asker of a redirect counts as helpful, silently.
    let bob = Who::telegram("1002", "Bob");
    assert_eq!(chat.say(&group(), &bob, "vacuum full 会锁表吗？").await.len(), 1);
    assert!(chat.say(&group(), &bob, "谢谢！").await.is_empty());
    let card = only(&chat.say(&group(), &bob, "/faq vacuum-full").await);
    assert!(card.contains("👍 1"), "{card}");
}

/// 👎 on the bot's redirect is "not helpful", as "没用" is: the adapter
/// tells the engine which platform message the redirect became, and a
/// reaction to that message counts once per member (Telegram reports a
/// member's whole set again on every change), can be taken back, and vetoes
/// the wording. 👍 counts as helpful. Reactions elsewhere count for nothing.
async fn a_thumbs_down_on_the_redirect_counts_once_per_member(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let (alice, bob, carol) =
        (Who::telegram("1001", "Alice"), Who::telegram("1002", "Bob"), Who::telegram("1003", "Carol"));
    let asked = chat.message(&group(), &alice, "怎么备份数据库里的一张表？");
    let out = chat.engine.handle(&asked).await;
    assert_eq!(out.len(), 1, "redirected");
    let track = out[0].track.clone().unwrap_or_else(|| panic!("the redirect is tracked"));
    // The adapter delivered it as message 7001.
    chat.engine.sent(&track, Platform::Telegram, "-1001", "7001").await;
    // (A reaction counts from members the bot has seen speak.)
    for who in [&bob, &carol] {
        chat.say(&group(), who, "大家好").await;
    }
    let react = |chat: &mut TestChat, who: &Who, on: &str, emoji: &str, added: bool| {
        let mut m = chat.message(&group(), who, "");
        m.reaction = Some(jixia::message::Reaction::one(on, emoji, added));
        m
    };
    for (who, emoji, added) in [(&alice, "👎", true), (&alice, "👎", true), (&bob, "👎", true), (&carol, "👍", true)]
    {
        let m = react(&mut chat, who, "7001", emoji, added);
        assert!(chat.engine.handle(&m).await.is_empty(), "silent");
    }
    let card = only(&chat.say(&group(), &carol, "/faq backup").await);
    assert!(card.contains("👍 1 · 👎 2"), "Alice counts once: {card}");
    // Bob takes his back; a 👎 on a message that is not a redirect, or on
    // the asker's own question, counts for nothing.
    let m = react(&mut chat, &bob, "7001", "👎", false);
    chat.engine.handle(&m).await;
    for on in ["7002", asked.message_id.as_str()] {
        let m = react(&mut chat, &carol, on, "👎", true);
        chat.engine.handle(&m).await;
    }
    let card = only(&chat.say(&group(), &carol, "/faq backup").await);
    assert!(card.contains("👍 1 · 👎 1"), "{card}");
    // Alice's wording is no longer redirected to that entry.
    chat.clock.advance(Duration::minutes(30));
    assert!(chat.say(&group(), &bob, "怎么备份数据库里的一张表？").await.is_empty());
}

async fn unanswered_questions_become_gaps(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    for (who, q) in [
        ("11", "pg_cron 怎么安装？"),
        ("12", "请问 pg_cron 如何安装"),
        ("13", "pg_cron 安装报错怎么办？"),
        ("14", "今天几点开会？"),
    ] {
        assert!(chat.say(&group(), &Who::telegram(who, who), q).await.is_empty());
    }
    let gaps = only(&chat.say(&group(), &moderator(), "/faq gaps").await);
    assert!(gaps.contains("×3") && gaps.contains("pg_cron"), "{gaps}");
    assert!(!gaps.contains("开会"), "asked once is not a gap: {gaps}");
    let member = only(&chat.say(&group(), &Who::telegram("11", "11"), "/faq gaps").await);
    assert!(member.contains("版主"), "moderators only: {member}");
}

async fn command_errors(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let m = moderator();
    let g = group();
    let alice = Who::telegram("1001", "Alice");
    let denied = only(&chat.say(&g, &alice, "/faq add x 问题\n答案").await);
    assert!(denied.contains("版主"), "{denied}");
    assert!(only(&chat.say(&g, &m, VACUUM).await).starts_with("已经有 ID 为 vacuum-full 的条目了"));
    let missing = only(&chat.say(&g, &m, "/faq add lonely").await);
    assert!(missing.starts_with("缺少参数「内容」"), "{missing}");
    let no_answer = only(&chat.say(&g, &m, "/faq add lonely 只有问题？").await);
    assert!(no_answer.starts_with("缺少答案"), "{no_answer}");
    let bad_id = only(&chat.say(&g, &m, "/faq add 怎么办 问题\n答案").await);
    assert!(bad_id.contains("不能做条目 ID"), "{bad_id}");
    let reserved = only(&chat.say(&g, &m, "/faq add gaps 问题\n答案").await);
    assert!(reserved.contains("不能做条目 ID"), "{reserved}");
    for cmd in ["/faq nope", "/faq edit nope 问\n答", "/faq alias nope 说法", "/faq remove nope"] {
        let out = only(&chat.say(&g, &m, cmd).await);
        assert!(out.starts_with("没有 ID 为 nope 的条目"), "{cmd}: {out}");
    }
    assert!(only(&chat.say(&g, &m, "/faq alias backup 如何做备份").await).starts_with("已给 backup 加上问法"));
    assert!(only(&chat.say(&g, &m, "/faq alias backup 如何做备份").await).contains("已经有这种问法"));
    let edited = only(&chat.say(&g, &m, "/faq edit backup 数据库怎么备份？\n用 pg_dump 或 pg_basebackup。").await);
    assert!(edited.starts_with("已修改 backup"), "{edited}");
    assert!(only(&chat.say(&g, &m, "/faq remove backup").await).starts_with("已删除 backup"));
    assert!(only(&chat.say(&g, &m, "/faq backup").await).starts_with("没有 ID 为 backup"));
    let page = only(&chat.say(&g, &alice, "/faq 9").await);
    assert!(page.starts_with("没有第 9 页"), "{page}");
    let en = Who::telegram("2001", "Eve");
    chat.say(&g, &en, "/lang en").await;
    assert!(only(&chat.say(&g, &en, "/faq nope").await).starts_with("There is no entry or tag nope"));
}

async fn listing_search_and_entry_card(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    let list = only(&chat.say(&group(), &alice, "/faq").await);
    assert!(list.contains("共 3 条") && list.contains("backup — 怎么备份数据库？") && list.contains("运维"), "{list}");
    let tag = only(&chat.say(&group(), &alice, "/faq 运维").await);
    assert!(tag.contains("共 2 条") && !tag.contains("version"), "{tag}");
    let found = only(&chat.say(&group(), &alice, "/faq search 锁表").await);
    assert!(found.contains("vacuum-full"), "{found}");
    let none = only(&chat.say(&group(), &alice, "/faq search 量子计算").await);
    assert!(none.starts_with("没找到"), "{none}");
    let card = only(&chat.say(&group(), &alice, "/faq VERSION").await);
    assert!(card.contains("Run SELECT version()") && card.contains("basics"), "{card}");
}

async fn odd_input_is_never_redirected(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    for text in ["🎉🎉？", "?", "吗", "？？？"] {
        assert!(chat.say(&group(), &alice, text).await.is_empty(), "{text}");
    }
    // A bare mention is greeted, never redirected.
    assert_eq!(only(&chat.say(&group(), &alice, "@jixia").await), "👋 我在。发送 /help 看看我能做什么。");
    let paste = format!("vacuum full 会锁表吗？{}", "ERROR: deadlock detected\n".repeat(400));
    assert!(chat.say(&group(), &alice, &paste).await.is_empty(), "a 10 000-character paste");
}

async fn import_is_idempotent_and_all_or_nothing(db: TestDb) {
    let store = db.store.clone();
    let good = "{\"id\":\"a\",\"question\":\"怎么查看版本？\",\"answer\":\"select version();\",\"lang\":\"zh\"}\n\
                {\"id\":\"b\",\"question\":\"How do I vacuum?\",\"answer\":\"VACUUM;\",\"lang\":\"en\",\"extra\":1}\n";
    let first = import_into(store.as_ref(), "default", good.as_bytes(), FaqFormat::Jsonl, t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.added, vec!["a", "b"]);
    let again = import_into(store.as_ref(), "default", good.as_bytes(), FaqFormat::Jsonl, t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.added.is_empty() && again.changed.is_empty() && again.unchanged == vec!["a", "b"], "{again:?}");
    let changed = good.replace("VACUUM;", "VACUUM (VERBOSE);");
    let third = import_into(store.as_ref(), "default", changed.as_bytes(), FaqFormat::Jsonl, t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(third.changed, vec!["b"]);
    // A bad line anywhere: nothing is imported, every problem is named.
    let bad =
        format!("{good}{{\"id\":\"c\",\"answer\":\"x\"}}\n{{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\"}}\n");
    let bad = bad.replace("怎么查看版本？", "怎么查看 PG 版本？");
    match import_into(store.as_ref(), "default", bad.as_bytes(), FaqFormat::Jsonl, t0()).await {
        Err(ImportFailed::File(errors)) => {
            let text = errors.to_string();
            assert!(text.contains("line 3: the entry has no question"), "{text}");
            assert!(text.contains("line 4: duplicate id \"a\" (first on line 1)"), "{text}");
        }
        other => panic!("expected file errors, got {other:?}"),
    }
    let a = store.faq().faq_entry("default", "a").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.map(|e| e.question).as_deref(), Some("怎么查看版本？"), "nothing half-imported");
    assert!(store.faq().faq_entry("default", "c").await.unwrap_or_else(|e| panic!("{e}")).is_none());
    // The bot answers from imported entries.
    let mut chat = TestChat::with_defaults(db);
    let out = only(&chat.say(&group(), &Who::telegram("5", "Dan"), "怎么看 PG 的版本？").await);
    assert!(out.contains("select version()"), "{out}");
}

/// The development half of the evaluation set must meet the targets of
/// issue 4 at the default thresholds.
#[tokio::test]
async fn dev_set_meets_the_targets() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/faq-eval");
    let faq = std::fs::read(dir.join("faq.jsonl")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let queries = std::fs::read_to_string(dir.join("dev-queries.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let report = eval_files(&faq, &queries, &FaqConfig::default()).await.unwrap_or_else(|e| panic!("{e}"));
    for (lang, s) in [("en", report.en), ("zh", report.zh)] {
        assert!(s.queries > 40, "{lang}: {s:?}");
        assert!(s.recall_at_1 >= 0.95, "{lang} recall@1: {s:?}");
        assert!(s.precision >= 0.95, "{lang} precision: {s:?}");
        assert!(s.false_redirect_rate <= 0.05, "{lang} false redirects: {s:?}");
        assert!(s.correct_redirect_rate >= 0.85, "{lang} correct redirects: {s:?}");
    }
}

/// The casual development set (`tests/data/faq-casual`: questions as
/// members type them, half of them not answered by the FAQ) must meet the
/// targets of issue 17 at the default thresholds, in both languages.
#[tokio::test]
async fn casual_set_meets_the_targets() {
    use jixia::features::faq::{build_matcher, eval, import};
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let faq = std::fs::read(data.join("faq-eval/faq.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let queries = std::fs::read_to_string(data.join("faq-casual/queries.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let entries = import::parse(&faq, import::FaqFormat::Jsonl).unwrap_or_else(|e| panic!("{e:?}"));
    let matcher = build_matcher(&entries);
    let queries = eval::parse_queries(&queries).unwrap_or_else(|e| panic!("{e}"));
    let config = FaqConfig::default();
    let report = eval::evaluate(&matcher, &queries, &config);
    let mistakes = eval::mistakes(&matcher, &queries, &config).join("\n");
    for (lang, s) in [("en", report.en), ("zh", report.zh)] {
        assert!(s.queries >= 80, "{lang}: {s:?}");
        assert!(s.correct_redirect_rate >= 0.75, "{lang} correct redirects: {s:?}\n{mistakes}");
        assert!(s.precision >= 0.95, "{lang} precision: {s:?}\n{mistakes}");
        assert!(s.false_redirect_rate <= 0.05, "{lang} false redirects: {s:?}\n{mistakes}");
    }
}

/// The misses issue 17 named, against the development FAQ: "支持" as a
/// verb does not point to the support entry; "pg 默认端口是多少？" asks for a
/// value, not how to make a column default to something; "where do i
/// download postgres" finds "Where can I get PostgreSQL?" by its answer (a
/// question of common words only says little).
#[test]
fn the_known_misses_behave() {
    use jixia::features::faq::{build_matcher, import};
    use jixia::i18n::Locale;
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let faq = std::fs::read(data.join("faq-eval/faq.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let entries = import::parse(&faq, import::FaqFormat::Jsonl).unwrap_or_else(|e| panic!("{e:?}"));
    let matcher = build_matcher(&entries);
    let config = FaqConfig::default();
    let redirect = |text: &str, lang: Locale| {
        matcher.best(text, Some(lang)).filter(|m| m.score >= config.threshold(lang) as f32).map(|m| m.id)
    };
    assert_eq!(redirect("pg 支持 json 吗？", Locale::Zh), None);
    assert_eq!(redirect("postgres支持分区表吗？", Locale::Zh), None);
    assert_eq!(redirect("pg支持哪些操作系统？", Locale::Zh).as_deref(), Some("pg-zh-1.4"));
    assert_eq!(redirect("pg有商业支持吗？", Locale::Zh).as_deref(), Some("pg-zh-1.7"));
    assert_eq!(redirect("pg 默认端口是多少？", Locale::Zh), None);
    assert_eq!(redirect("怎么让字段默认值是当前时间？", Locale::Zh).as_deref(), Some("pg-zh-4.15"));
    assert_eq!(redirect("where do i download postgres", Locale::En).as_deref(), Some("pg-en-1.5"));
    assert_eq!(redirect("pg在哪下载？", Locale::Zh).as_deref(), Some("pg-zh-1.5"));
    assert_eq!(redirect("上次分享的ppt在哪下载？", Locale::Zh), None);
    assert_eq!(redirect("postgres 怎么样？", Locale::Zh), None);
}

#[test]
fn similarity_clusters_wordings_not_topics() {
    let a = jixia::features::faq::normalize::tokenize("pg_cron 怎么安装？");
    let b = jixia::features::faq::normalize::tokenize("如何安装 pg_cron");
    let c = jixia::features::faq::normalize::tokenize("pg_cron 的任务怎么删除");
    assert!(matcher::similarity(&a, &b) > matcher::similarity(&a, &c));
}

/// A moderator teaches the community's words (`/faq synonym`): the very next
/// question using them is redirected, in the running engine; members list
/// them with `/faq synonyms`.
async fn moderators_add_synonyms_that_work_at_once(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    let none = only(&chat.say(&group(), &alice, "/faq synonyms").await);
    assert!(none.starts_with("本社区还没有自己加的同义词"), "{none}");
    let question = "how do I check the build number of my pg?";
    assert!(chat.say(&group(), &alice, question).await.is_empty(), "a build number means nothing yet");
    // "version" is in the default vocabulary already: the groups join.
    let added = only(&chat.say(&group(), &moderator(), "/faq synonym build number ＝ version=版本号").await);
    assert_eq!(added, "已加同义词：build number = version = 版本号。以后匹配问题时它们算同一个词。");
    let out = only(&chat.say(&group(), &alice, question).await);
    assert!(out.contains("How do I check which PostgreSQL version I am running?"), "{out}");
    let listed = only(&chat.say(&group(), &alice, "/faq synonyms").await);
    assert!(
        listed.starts_with("本社区的同义词（1 组，另有内置") && listed.contains("build number = version = 版本号"),
        "{listed}"
    );
}

async fn synonym_errors_say_what_to_fix(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let (g, m) = (group(), moderator());
    let alice = Who::telegram("1001", "Alice");
    let denied = only(&chat.say(&g, &alice, "/faq synonym 大象 = elephant").await);
    assert!(denied.contains("版主"), "{denied}");
    let missing = only(&chat.say(&g, &m, "/faq synonym").await);
    assert!(missing.starts_with("缺少参数「词 = 词…」"), "{missing}");
    assert!(only(&chat.say(&g, &m, "/faq synonym 自增").await).starts_with("至少要两个词"));
    assert!(
        only(&chat.say(&g, &m, "/faq synonym pg升级 = upgrade").await).starts_with("「pg升级」里中文和英文混在一起")
    );
    assert!(only(&chat.say(&g, &m, "/faq synonym 的 = upgrade").await).starts_with("「的」只有虚词或标点"));
    assert!(only(&chat.say(&g, &m, "/faq synonym 大象 = elephant").await).starts_with("已加同义词"));
    assert!(only(&chat.say(&g, &m, "/faq synonym 大象=elephant").await).starts_with("已经有这一组了：大象 = elephant"));
    let eve = Who::telegram("2001", "Eve").as_admin();
    chat.say(&g, &eve, "/lang en").await;
    let en = only(&chat.say(&g, &eve, "/faq synonym gui").await);
    assert!(en.starts_with("Give at least two terms separated by ="), "{en}");
}

/// `/faq unsynonym` takes a group back at once (by one of its terms, or
/// written out); the built-in vocabulary stays; `/faq synonyms` pages.
async fn moderators_remove_synonyms_and_members_page_through_them(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let (g, m) = (group(), moderator());
    let alice = Who::telegram("1001", "Alice");
    let question = "how do I check the build number of my pg?";
    only(&chat.say(&g, &m, "/faq synonym build number = version").await);
    assert_eq!(chat.say(&g, &alice, question).await.len(), 1, "the synonym works");
    // Errors first: members may not, the term must be one of ours.
    let denied = only(&chat.say(&g, &alice, "/faq unsynonym build number").await);
    assert!(denied.contains("版主"), "{denied}");
    let missing = only(&chat.say(&g, &m, "/faq unsynonym").await);
    assert!(missing.starts_with("缺少参数"), "{missing}");
    let none = only(&chat.say(&g, &m, "/faq unsynonym 大象").await);
    assert_eq!(none, "本社区加的同义词里没有「大象」。发送 /faq synonyms 看有哪些。");
    let builtin = only(&chat.say(&g, &m, "/faq unsynonym 自增").await);
    assert!(builtin.starts_with("「自增」在内置词表里"), "{builtin}");
    let mixed = only(&chat.say(&g, &m, "/faq unsynonym pg升级").await);
    assert!(mixed.starts_with("「pg升级」里中文和英文混在一起"), "{mixed}");
    // Removed by one of its terms (folded: any case): in effect at once.
    let removed = only(&chat.say(&g, &m, "/faq unsynonym Build Number").await);
    assert!(
        removed.starts_with("已删掉 1 组同义词（「Build Number」）") && removed.contains("build number = version"),
        "{removed}"
    );
    chat.clock.advance(Duration::minutes(11));
    assert!(chat.say(&g, &alice, question).await.is_empty(), "the synonym is gone");
    let listed = only(&chat.say(&g, &alice, "/faq synonyms").await);
    assert!(listed.starts_with("本社区还没有自己加的同义词"), "{listed}");
    // A group written out, in another order, removes that group only.
    only(&chat.say(&g, &m, "/faq synonym 大象 = elephant").await);
    only(&chat.say(&g, &m, "/faq synonym 大象 = mammoth").await);
    let removed = only(&chat.say(&g, &m, "/faq unsynonym elephant = 大象").await);
    assert!(removed.contains("大象 = elephant") && !removed.contains("mammoth"), "{removed}");
    // Paged, 20 a page, oldest first.
    for i in 0..25 {
        chat.clock.advance(Duration::seconds(1));
        only(&chat.say(&g, &m, &format!("/faq synonym term{i} = word{i}")).await);
    }
    let first = only(&chat.say(&g, &alice, "/faq synonyms").await);
    assert!(first.starts_with("本社区的同义词（26 组") && first.contains("大象 = mammoth"), "{first}");
    assert!(first.contains("term18 = word18") && !first.contains("term19 = word19"), "{first}");
    assert!(first.ends_with("第 1/2 页。发送 /faq synonyms 页码 翻页。"), "{first}");
    let second = only(&chat.say(&g, &alice, "/faq synonyms 2").await);
    assert!(second.contains("term19 = word19") && second.contains("term24 = word24"), "{second}");
    assert!(!second.contains("mammoth") && second.contains("第 2/2 页"), "{second}");
    let beyond = only(&chat.say(&g, &alice, "/faq synonyms 3").await);
    assert_eq!(beyond, "没有第 3 页，一共 2 页。");
}

/// The redirect is in the language of the question, not the community's
/// (Chinese here) or the member's: an English question gets an English
/// line, a Chinese question from a member who chose English a Chinese one.
async fn the_redirect_speaks_the_language_of_the_question(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    let en = only(&chat.say(&group(), &alice, "how do i check which pg version im running?").await);
    assert!(en.starts_with("The FAQ answers this 👉 How do I check which PostgreSQL version"), "{en}");
    assert!(en.contains("reply \"not helpful\""), "{en}");
    let eve = Who::telegram("2001", "Eve");
    chat.say(&group(), &eve, "/lang en").await;
    let zh = only(&chat.say(&group(), &eve, "vacuum full 会不会锁表？").await);
    assert!(zh.starts_with("这个问题常见问题里有答案 👉 VACUUM FULL 会锁表吗？") && zh.contains("没用"), "{zh}");
    // A moderator's redirect by hand answers in the language of the message.
    let q = chat.message(&group(), &alice, "any way to back up the whole thing?");
    chat.engine.handle(&q).await;
    let out = chat.reply(&group(), &moderator(), &q, "/faq backup").await;
    assert!(out[0].body.to_plain().starts_with("The FAQ answers this 👉 怎么备份数据库？"), "{:?}", texts(&out));
}

/// The words of members' questions are counted in memory and written with
/// the group commit (never a write per message); the stored counts add up.
async fn question_words_are_counted_in_the_group_commit(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let alice = Who::telegram("1001", "Alice");
    for q in ["pg 的 jsonb 怎么建索引？", "PostgreSQL 怎么看锁？", "postgres 里 jsonb 查询慢？"] {
        chat.say(&group(), &alice, q).await;
    }
    let store = chat.engine.store();
    let before = store.faq().faq_term_counts("default", 0.0).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(before.questions, 0, "nothing written before the group commit");
    chat.due().await;
    let after = store.faq().faq_term_counts("default", 0.0).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.questions, 3);
    let df = |t: &str| after.df.iter().find(|(w, _)| w == t).map_or(0, |(_, n)| *n);
    assert_eq!(df("~postgresql"), 3, "pg, PostgreSQL and postgres are one word: {:?}", after.df);
    assert_eq!(df("jsonb"), 2, "{:?}", after.df);
    let common = store.faq().faq_term_counts("default", 0.9).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(common.df, vec![("~postgresql".to_owned(), 3)]);
}

/// A synonym taught on one instance works on another instance of the same
/// database within seconds, without a restart (the vocabulary is part of
/// what each instance compares with the store once per `FRESH_SECS`).
async fn a_synonym_added_on_one_instance_works_on_the_others(db: TestDb) {
    let mut chat = with_faq(db, &Config::default()).await;
    let config = common::with_test_chats(&Config::default());
    let at = jixia::clock::Clock::now(&chat.clock);
    let other = jixia::Engine::new(&config, chat.db.store.clone(), std::sync::Arc::new(ManualClock::frozen(at)))
        .unwrap_or_else(|e| panic!("engine: {e}"));
    let question = "how do I check the build number of my pg?";
    let alice = Who::telegram("1001", "Alice");
    assert!(other.handle(&chat.message(&group(), &alice, question)).await.is_empty(), "not yet");
    assert!(
        only(&chat.say(&group(), &moderator(), "/faq synonym build number = version").await).starts_with("已加同义词")
    );
    tokio::time::sleep(std::time::Duration::from_secs(jixia::features::faq::state::FRESH_SECS + 1)).await;
    let out = texts(&other.handle(&chat.message(&group(), &alice, question)).await);
    assert_eq!(out.len(), 1, "the other instance uses the new synonym: {out:?}");
    assert!(out[0].contains("How do I check which PostgreSQL version"), "{out:?}");
}
