//! The permission matrix: who may run which command where. Across Telegram,
//! Discord and the console; in a listed group chat, a group chat no
//! community knows, and a direct chat; as a platform admin (of the chat at
//! hand), a configured moderator, a configured admin and a plain member.
//! Every moderator and admin command and every command that moves points is
//! tried in every cell; a command runs only where the rule says it may, and
//! points move only in those cells.
//!
//! The rule: a group chat belongs to the community only when listed (or
//! registered); in a chat of no community nothing runs. The configured
//! admins and moderators have their role in every chat of the community and
//! in direct chats; a platform admin is a moderator only in a group chat of
//! the community.

mod common;

use std::io::Write;

use common::{TestChat, TestDb, Who, command_line, texts};
use jixia::command::Permission;
use jixia::config::{CommunityConfig, Config, UnknownChats};
use jixia::features::shop::ShopItem;
use jixia::features::{Command, all_commands};
use jixia::i18n::{Args, Locale};
use jixia::{Chat, ChatKind, Platform};

/// Commands that move points when they run (besides every moderator
/// command, all of which are in the matrix).
const MOVES_POINTS: &[(&str, Option<&str>)] =
    &[("checkin", None), ("checkin", Some("makeup")), ("redeem", None), ("points", Some("grant"))];

fn config() -> Config {
    let mut c = Config::default();
    c.bot.default_community = Some("pg".into());
    c.features.shop.items = vec![ShopItem {
        id: "x1".into(),
        name: "贴纸".into(),
        name_en: String::new(),
        price: 1,
        stock: None,
        min_level: 0,
    }];
    c.communities.insert(
        "pg".into(),
        CommunityConfig {
            chats: vec!["telegram:-1001".into(), "discord:5".into(), "console:general".into()],
            moderators: vec!["telegram:20".into(), "discord:20".into(), "console:mod".into()],
            admins: vec!["telegram:10".into(), "discord:10".into(), "console:admin".into()],
            ..Default::default()
        },
    );
    c
}

/// The four kinds of sender on `platform`.
fn people(platform: Platform) -> [(&'static str, Who); 4] {
    let who = |id: &str, name: &str| match platform {
        Platform::Console => Who::console(name),
        Platform::Discord => Who::discord(id, name),
        _ => Who::telegram(id, name),
    };
    [
        ("platform admin", who("30", "padmin").as_admin()),
        ("moderator", who("20", "mod")),
        ("admin", who("10", "admin")),
        ("member", who("40", "member")),
    ]
}

/// The three kinds of chat on `platform` (the console has no unknown group:
/// its chats are local and belong to the default community).
fn places(platform: Platform) -> Vec<(&'static str, Option<Chat>)> {
    let (listed, unknown) = match platform {
        Platform::Console => ("general", None),
        Platform::Discord => ("5", Some("999")),
        _ => ("-1001", Some("-999")),
    };
    vec![
        ("listed group", Some(Chat::group(platform, listed))),
        ("unknown group", unknown.map(|u| Chat::group(platform, u))),
        ("direct chat", None),
    ]
}

/// The role the rule gives `who` in `chat`, or `None` when nothing runs there.
fn expected_role(label: &str, chat: &Chat, listed: bool) -> Option<Permission> {
    if chat.kind == ChatKind::Group && !listed {
        return None;
    }
    Some(match label {
        "admin" => Permission::Admin,
        "moderator" => Permission::Moderator,
        "platform admin" if chat.kind == ChatKind::Group => Permission::Moderator,
        _ => Permission::Member,
    })
}

fn in_matrix(c: &Command) -> bool {
    c.permission >= Permission::Moderator || MOVES_POINTS.contains(&(c.name, c.sub))
}

async fn movements(chat: &TestChat) -> i64 {
    chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("{e}")).movements
}

async fn permission_matrix(db: TestDb) {
    let mut chat = TestChat::exactly(db, &config());
    let commands: Vec<&Command> = all_commands().filter(|c| in_matrix(c)).collect();
    assert!(commands.len() >= 15, "{} commands in the matrix", commands.len());
    let mut table = vec![
        "| platform | chat | who | role | ran | refused | ignored | points moved |".to_owned(),
        "|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for platform in [Platform::Telegram, Platform::Discord, Platform::Console] {
        let bob = match platform {
            Platform::Console => Who::console("Bob"),
            Platform::Discord => Who::discord("50", "Bob"),
            _ => Who::telegram("50", "Bob"),
        };
        let listed_chat = places(platform)[0].1.clone().unwrap_or_else(|| panic!("a listed chat"));
        chat.say(&listed_chat, &bob, "hello everyone, Bob here").await;
        for (place, maybe_chat) in places(platform) {
            for (label, who) in people(platform) {
                let Some(place_chat) = maybe_chat.clone().or_else(|| (place == "direct chat").then(|| who.dm())) else {
                    continue;
                };
                let listed = place != "unknown group";
                let role = expected_role(label, &place_chat, listed);
                // Points to spend and to deduct, granted by the admin where it counts.
                let admin = &people(platform)[2].1;
                for target in [&who, &bob] {
                    let grant = format!("/points grant @{} 100 stock", target.name);
                    chat.say_mentioning(&listed_chat, admin, &grant, &[target]).await;
                }
                let (mut ran, mut refused, mut ignored, mut moved) = (0, 0, 0, 0);
                for c in &commands {
                    let before = movements(&chat).await;
                    let out = chat.say_mentioning(&place_chat, &who, &command_line(c, true), &[&bob]).await;
                    chat.due().await;
                    let after = movements(&chat).await;
                    let replies = texts(&out);
                    let refusal: Vec<String> = Locale::ALL
                        .iter()
                        .map(|l| {
                            let role = chat.engine.prompts().plain(*l, c.permission.prompt_key());
                            let usage = jixia::features::core::usage(chat.engine.prompts(), *l, c);
                            let args = Args::new().str("usage", usage).str("role", role);
                            chat.engine.prompts().format(*l, "error-permission", &args).to_plain()
                        })
                        .collect();
                    let was_refused = replies.iter().any(|r| refusal.contains(r));
                    let allowed = role.is_some_and(|r| r >= c.permission);
                    let what = format!("{} in {place} on {platform} by {label}", command_line(c, true));
                    match role {
                        None => {
                            // A chat of no community: nothing runs, at most the notice.
                            assert!(
                                replies.iter().all(|r| r.contains("/community add")),
                                "{what}: nothing may run in a chat of no community, got {replies:?}"
                            );
                            ignored += 1;
                        }
                        Some(_) if allowed => {
                            assert!(!was_refused, "{what}: should run, was refused");
                            ran += 1;
                        }
                        Some(_) => {
                            assert!(was_refused, "{what}: should be refused, got {replies:?}");
                            refused += 1;
                        }
                    }
                    if after != before {
                        assert!(allowed, "{what}: points moved ({before} → {after}) where it may not run");
                        moved += 1;
                    }
                }
                let role_name = role.map_or("—".to_owned(), |r| format!("{r:?}"));
                table.push(format!(
                    "| {platform} | {place} | {label} | {role_name} | {ran} | {refused} | {ignored} | {moved} commands |"
                ));
            }
        }
    }
    let audit = chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(audit.is_clean(), "{audit:?}");
    // The matrix, for the record (`cargo test --test permissions -- --nocapture`).
    let _ = writeln!(std::io::stdout(), "{}", table.join("\n"));
}

both_backends!(permission_matrix);

/// With `unknown_chats = "own"`, an unknown group is a community of its own:
/// its platform admins moderate it, and its points are its own ledger's.
async fn an_unknown_group_can_be_a_community_of_its_own(db: TestDb) {
    let mut config = config();
    config.bot.unknown_chats = UnknownChats::Own;
    let mut chat = TestChat::exactly(db, &config);
    let (elsewhere, listed) = (Chat::group(Platform::Telegram, "-999"), Chat::group(Platform::Telegram, "-1001"));
    let owner = Who::telegram("30", "Olga").as_admin();
    let bob = Who::telegram("50", "Bob");
    chat.say(&elsewhere, &bob, "hi there, everyone").await;
    chat.say(&listed, &bob, "hi there, everyone").await;
    let out = chat.say_mentioning(&elsewhere, &owner, "/points grant @Bob 500 welcome", &[&bob]).await;
    assert!(texts(&out)[0].contains("500"), "{:?}", texts(&out));
    // In the real community Bob has nothing, and Olga is nobody.
    let out = chat.say(&listed, &bob, "/points").await;
    assert!(!texts(&out)[0].contains("500"), "{:?}", texts(&out));
    let out = chat.say_mentioning(&listed, &Who::telegram("30", "Olga"), "/points grant @Bob 1 x", &[&bob]).await;
    assert!(texts(&out)[0].contains("/points grant"), "refused: {:?}", texts(&out));
}

both_backends!(an_unknown_group_can_be_a_community_of_its_own);
