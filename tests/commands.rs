//! Every command of every feature, run with arguments its declaration
//! accepts, by an admin in a group and in a direct chat: none may end in the
//! internal-error apology. This is the check behind "a handler reads only the
//! arguments its spec declares" (reading an undeclared one is an internal
//! error) and it catches handlers that break on input the parser lets
//! through.

mod common;

use common::{TestChat, TestDb, Who, texts};
use jixia::command::ArgKind;
use jixia::config::{CommunityConfig, Config};
use jixia::features::{Command, all_commands};
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

/// A command line for `c` with every argument filled in (`all`) or only the
/// required ones, with values of the declared kinds.
fn line(c: &Command, all: bool) -> String {
    let mut words = vec![format!("/{}", c.name)];
    words.extend(c.sub.map(str::to_owned));
    for arg in c.args.iter().filter(|a| all || a.required) {
        words.push(match arg.kind {
            ArgKind::Word => "x1".to_owned(),
            ArgKind::Int { min, max } => min.max(1).min(max).to_string(),
            ArgKind::Choice(options) => options.first().map_or("x", |o| *o).to_owned(),
            ArgKind::Member => "@Bob".to_owned(),
            ArgKind::Rest => "something to say\nand a second line".to_owned(),
        });
    }
    words.join(" ")
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
            let text = line(c, all);
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
