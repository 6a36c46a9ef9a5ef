//! Every command of every feature, run with arguments its declaration
//! accepts, by an admin in a group and in a direct chat: none may end in the
//! internal-error apology. This is the check behind "a handler reads only the
//! arguments its spec declares" (reading an undeclared one is an internal
//! error) and it catches handlers that break on input the parser lets
//! through.

mod common;

use common::{TestChat, TestDb, Who, command_line, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::features::all_commands;
use jixia::i18n::Locale;
use jixia::{Chat, Platform};

fn config() -> Config {
    let mut c = Config::default();
    c.communities.insert(
        "default".into(),
        CommunityConfig {
            admins: vec!["telegram:1".into()],
            chats: vec!["telegram:-100".into()],
            ..Default::default()
        },
    );
    c
}

async fn no_command_ends_in_an_internal_error(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let admin = Who::telegram("1", "Ada");
    let bob = Who::telegram("2", "Bob");
    let group = Chat::group(Platform::Telegram, "-100");
    // Bob exists in the community, so mentions of him resolve.
    chat.say(&group, &bob, "hello everyone, I am Bob").await;
    let apology: Vec<String> = Locale::ALL.iter().map(|l| chat.engine.prompts().plain(*l, "error-internal")).collect();
    let mut ran = 0;
    for c in all_commands() {
        for all in [false, true] {
            let text = command_line(c, all);
            for place in [group.clone(), admin.dm()] {
                let out = chat.say_mentioning(&place, &admin, &text, &[&bob]).await;
                ran += 1;
                for reply in texts(&out) {
                    assert!(
                        !apology.iter().any(|a| reply.contains(a.as_str())),
                        "{text:?} in {place:?} ended in the internal-error apology: {reply}"
                    );
                }
            }
        }
    }
    assert!(ran >= 4 * 30, "every command ran ({ran} lines)");
}

both_backends!(no_command_ends_in_an_internal_error);
