//! Bytes no chat should carry into the database: NUL (PostgreSQL refuses it
//! in text, and one such message used to fail every write it rode in), the
//! other control characters and the Unicode non-characters. A console member
//! types them into every field a message stores: chat name, member id and
//! name, question, FAQ entry, the reply a moderator redirects, a mention, a
//! grant's reason. Nothing fails, nothing of them is stored or shown, and
//! the questions after them are still written. Every case runs on SQLite and
//! on PostgreSQL.

mod common;

use common::{TestChat, TestDb, Who, is_dm_to, only, t0, texts};
use jixia::config::Config;
use jixia::features::faq::import::{FaqFormat, import_into};
use jixia::message::{Mention, ReplyTo};
use jixia::{Chat, Incoming, Outgoing, Platform};

/// What gets dropped: NUL, another C0 control, DEL, a C1 control, and
/// non-characters from the BMP, its special block and the last plane.
const JUNK: &str = "\0\u{1}\u{7f}\u{85}\u{FFFE}\u{FFFF}\u{FDD0}\u{10FFFF}";

/// `text` with the junk typed into its middle.
fn dirty(text: &str) -> String {
    let mid = text.char_indices().nth(text.chars().count() / 2).map_or(text.len(), |(i, _)| i);
    format!("{}{JUNK}{}", &text[..mid], &text[mid..])
}

fn has_junk(s: &str) -> bool {
    s.chars().any(|c| JUNK.contains(c))
}

/// A console member whose typed name (the console's id) carries junk.
fn dirty_member(name: &str) -> Who {
    Who::console(&dirty(name))
}

/// `who` says `text` in `chat` exactly as given: built field by field, the
/// way an adapter does, so only the engine's own cleaning stands between the
/// bytes and the store.
async fn say_raw(chat: &mut TestChat, place: &Chat, who: &Who, text: &str) -> Vec<Outgoing> {
    let msg = raw(chat, place, who, text);
    chat.engine.handle(&msg).await
}

fn raw(chat: &mut TestChat, place: &Chat, who: &Who, text: &str) -> Incoming {
    let mut msg = chat.message(place, who, "placeholder");
    msg.chat = place.clone();
    msg.sender = who.sender();
    msg.text = text.to_owned();
    msg
}

/// Every reply is free of junk; returns their texts.
fn clean_texts(out: &[Outgoing]) -> Vec<String> {
    let shown = texts(out);
    for t in &shown {
        assert!(!has_junk(t), "junk shown to members: {t:?}");
    }
    shown
}

both_backends!(junk_in_every_stored_field_is_dropped, junk_in_import_files_is_dropped);

async fn junk_in_every_stored_field_is_dropped(db: TestDb) {
    let mut config = Config::default();
    config.default_community_mut().moderators = vec!["console:mod".into()];
    let mut chat = TestChat::new(db, &config);
    // The group's name, as typed with `:chat`, and its title.
    let group = Chat { title: Some(dirty("PG 中文群")), ..Chat::group(Platform::Console, dirty("general")) };
    let moderator = Who::console("mod");
    let bob = dirty_member("bob");
    let carol = dirty_member("carol");

    // Two members ask the same unanswered question with junk in it: it is
    // queued as a FAQ gap, and so is a clean question asked after it.
    assert!(say_raw(&mut chat, &group, &bob, &dirty("pg_cron 怎么安装？")).await.is_empty());
    assert!(say_raw(&mut chat, &group, &carol, &dirty("请问 pg_cron 如何安装")).await.is_empty());
    assert!(say_raw(&mut chat, &group, &Who::console("dave"), "pg_cron 安装报错怎么办？").await.is_empty());
    assert!(clean_texts(&chat.due().await).is_empty(), "misses and activity points written quietly");
    let gaps = clean_texts(&say_raw(&mut chat, &group, &moderator, "/faq gaps").await).concat();
    assert!(gaps.contains("×3 pg_cron"), "all three written, cleaned: {gaps}");

    // A moderator adds an entry with junk in its id line, question, answer
    // and tag.
    let add = format!(
        "/faq add cron-install {}\n{}\n标签：{}",
        dirty("pg_cron 怎么安装？"),
        dirty("CREATE EXTENSION pg_cron;"),
        dirty("扩展")
    );
    let added = clean_texts(&say_raw(&mut chat, &group, &moderator, &add).await).concat();
    assert!(added.contains("已添加 cron-install：pg_cron 怎么安装？"), "{added}");
    let card = clean_texts(&say_raw(&mut chat, &group, &moderator, "/faq cron-install").await).concat();
    assert!(card.contains("CREATE EXTENSION pg_cron;") && card.contains("扩展"), "{card}");

    // bob asks in other words; the moderator replies to him with the entry,
    // which teaches the matcher bob's wording, junk left out.
    let question = raw(&mut chat, &group, &bob, &dirty("pg_cron 扩展到底要怎么装上？"));
    chat.engine.handle(&question).await;
    let mut redirect = raw(&mut chat, &group, &moderator, "/faq cron-install");
    redirect.reply_to = Some(ReplyTo {
        message_id: dirty(&question.message_id),
        author: Some(bob.sender()),
        text: Some(question.text.clone()),
    });
    let out = chat.engine.handle(&redirect).await;
    let shown = clean_texts(&out);
    assert_eq!(out.len(), 2, "the redirect and the moderator's note: {shown:?}");
    assert!(is_dm_to(&out[1], &moderator) && shown[1].contains("“pg_cron 扩展到底要怎么装上？”"), "{shown:?}");

    // A grant to bob, mentioned with junk in his id and name, for a reason
    // with junk in it; his history and profile show it all clean.
    let mut grant = raw(&mut chat, &group, &moderator, &format!("/points grant @{} 5 {}", bob.id, dirty("谢谢解答")));
    grant.mentions = vec![Mention { user_id: bob.id.clone(), name: bob.name.clone() }];
    let granted = clean_texts(&chat.engine.handle(&grant).await).concat();
    assert!(granted.starts_with("已给 bob 加 5 分（谢谢解答）"), "{granted}");
    let history = clean_texts(&say_raw(&mut chat, &group, &bob, "/points history").await).concat();
    assert!(history.contains("谢谢解答") && history.contains("(mod)"), "{history}");
    let mut whois = raw(&mut chat, &group, &moderator, "/whois @bob");
    whois.mentions = vec![Mention { user_id: bob.id.clone(), name: bob.name.clone() }];
    let profile = clean_texts(&chat.engine.handle(&whois).await).concat();
    assert!(profile.starts_with("bob · 成员") && profile.contains("console: bob"), "{profile}");

    // A link code and a digest schedule typed with junk: answered, not failed.
    let link = only(&say_raw(&mut chat, &group, &bob, &dirty("/link ABCDEF")).await);
    assert!(!has_junk(&link) && link.contains("ABCDEF") && !link.contains("出了点问题"), "{link}");
    let scheduled = only(&say_raw(&mut chat, &group, &moderator, &dirty("/digest schedule \"0 9 * * *\"")).await);
    assert!(!has_junk(&scheduled) && scheduled.contains("0 9 * * *"), "{scheduled}");
    let status = only(&say_raw(&mut chat, &group, &moderator, "/digest status").await);
    assert!(status.contains("0 9 * * *"), "stored for the cleaned chat: {status}");

    let audit = chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("audit: {e}"));
    assert!(audit.is_clean(), "{audit:?}");
}

/// The same junk in FAQ files: written as JSON escapes in JSON Lines, as raw
/// bytes in CSV. Every field is stored without it.
async fn junk_in_import_files_is_dropped(db: TestDb) {
    let escaped = r#"\u0000\u0001\u007f\u0085\ufffe\uffff\ufdd0\udbff\udfff"#;
    let jsonl = format!(
        "{{\"id\":\"vacuum\",\"question\":\"VACUUM FULL {escaped}会锁表吗？\",\"answer\":\"会{escaped}。\",\
         \"link\":\"https://www.postgresql.org/docs/{escaped}current/sql-vacuum.html\",\
         \"tags\":[\"运{escaped}维\"],\"aliases\":[\"vacuum full 锁{escaped}表\"],\"lang\":\"zh\"}}\n"
    );
    let csv = format!(
        "id,question,answer,tags\nbackup,{},{},{}\n",
        dirty("怎么备份数据库？"),
        dirty("用 pg_dump。"),
        dirty("运维")
    );
    for (file, format) in [(jsonl, FaqFormat::Jsonl), (csv, FaqFormat::Csv)] {
        import_into(db.store.as_ref(), "default", file.as_bytes(), format, t0())
            .await
            .unwrap_or_else(|e| panic!("{format:?}: {e}"));
    }
    let entries = db.store.faq().faq_entries("default").await.unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.question.as_str(),
                e.answer.as_str(),
                e.link.as_deref(),
                e.tags.clone(),
                e.aliases.clone(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("backup", "怎么备份数据库？", "用 pg_dump。", None, vec!["运维".to_owned()], vec![]),
            (
                "vacuum",
                "VACUUM FULL 会锁表吗？",
                "会。",
                Some("https://www.postgresql.org/docs/current/sql-vacuum.html"),
                vec!["运维".to_owned()],
                vec!["vacuum full 锁表".to_owned()]
            ),
        ]
    );
}
