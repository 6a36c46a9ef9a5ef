//! Test harness shared by the integration tests: a fresh real database per
//! test (a SQLite file, or a PostgreSQL database created on the server named
//! by `JIXIA_TEST_PG_URL`), and a conversation driver that reads like a chat.

#![allow(dead_code, reason = "each test binary uses a different part of the harness")]

pub mod cast;
pub mod model;

use std::io::Write;
use std::sync::{Arc, Once};

use chrono::{DateTime, Utc};
use jixia::clock::ManualClock;
use jixia::config::Config;
use jixia::message::{Destination, Mention, ReplyTo};
use jixia::secret::DbUrl;
use jixia::store::scratch::{ScratchDb, ScratchFile};
use jixia::store::{self, Store};
use jixia::{Chat, Engine, Incoming, Outgoing, Platform, Sender};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "JIXIA_TEST_PG_URL";

/// A fresh database for one test; removed when dropped.
pub struct TestDb {
    pub store: Arc<Store>,
    pub url: DbUrl,
    _file: Option<ScratchFile>,
    _pg: Option<ScratchDb>,
}

impl TestDb {
    /// A new SQLite file in its own temp directory.
    pub async fn sqlite() -> TestDb {
        let file = ScratchFile::new().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let url = file.url().clone();
        let store = store::open(&url, &Default::default()).await.unwrap_or_else(|e| panic!("open sqlite: {e}"));
        TestDb { store, url, _file: Some(file), _pg: None }
    }

    /// A new PostgreSQL database, or `None` (with one note on stderr) when
    /// `JIXIA_TEST_PG_URL` is unset. Set but unreachable fails the test.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(server) = std::env::var(PG_ENV) else {
            static NOTE: Once = Once::new();
            NOTE.call_once(|| {
                // Written to stderr directly: libtest captures eprintln!.
                let _ = writeln!(std::io::stderr(), "postgres cases skipped: {PG_ENV} is not set");
            });
            return None;
        };
        let pg = ScratchDb::create(&DbUrl::new(server))
            .await
            .unwrap_or_else(|e| panic!("{PG_ENV} is set but PostgreSQL is not usable: {e}"));
        let url = pg.url().clone();
        let store = store::open(&url, &Default::default()).await.unwrap_or_else(|e| panic!("open postgres: {e}"));
        Some(TestDb { store, url, _file: None, _pg: Some(pg) })
    }
}

/// Runs an `async fn case(db: TestDb)` against SQLite and PostgreSQL as two
/// tests, `case::sqlite` and `case::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case($crate::common::TestDb::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) = $crate::common::TestDb::postgres().await {
                        super::$case(db).await;
                    }
                }
            }
        )*
    };
}

/// A person on one platform.
#[derive(Debug, Clone)]
pub struct Who {
    pub platform: Platform,
    pub id: String,
    pub name: String,
    pub admin: bool,
    /// The platform roles the adapter says they hold (Discord role ids).
    pub roles: Vec<String>,
}

impl Who {
    pub fn telegram(id: &str, name: &str) -> Who {
        Who { platform: Platform::Telegram, id: id.into(), name: name.into(), admin: false, roles: Vec::new() }
    }

    pub fn discord(id: &str, name: &str) -> Who {
        Who { platform: Platform::Discord, id: id.into(), name: name.into(), admin: false, roles: Vec::new() }
    }

    pub fn console(name: &str) -> Who {
        Who { platform: Platform::Console, id: name.into(), name: name.into(), admin: false, roles: Vec::new() }
    }

    /// The same person holding these platform roles (Discord role ids), as
    /// the adapter reports them with each message.
    pub fn with_roles(&self, roles: &[&str]) -> Who {
        Who { roles: roles.iter().map(|r| (*r).to_owned()).collect(), ..self.clone() }
    }

    /// The same person with the platform's admin flag set in this chat.
    pub fn as_admin(&self) -> Who {
        Who { admin: true, ..self.clone() }
    }

    pub fn sender(&self) -> Sender {
        Sender {
            id: self.id.clone(),
            name: self.name.clone(),
            is_platform_admin: self.admin,
            is_bot: false,
            platform_roles: self.roles.clone(),
        }
    }

    pub fn mention(&self) -> Mention {
        Mention { user_id: self.id.clone(), name: self.name.clone() }
    }

    /// Their private chat with the bot.
    pub fn dm(&self) -> Chat {
        Chat::private(self.platform, self.id.clone())
    }
}

/// An engine on a test database with a frozen clock, and a message counter.
pub struct TestChat {
    pub engine: Arc<Engine>,
    pub clock: ManualClock,
    pub db: TestDb,
    next_id: u64,
}

/// 2026-12-01 09:00 in Shanghai.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").map(|t| t.to_utc()).unwrap_or_default()
}

/// The group chats the tests talk in. As an operator's config would, the
/// harness lists them in the default community (unless a test's config puts
/// them elsewhere): a group chat belongs to a community only when listed or
/// registered.
pub const TEST_CHATS: &[&str] =
    &["telegram:-1001", "telegram:-1002", "telegram:-100", "telegram:-200", "discord:5", "discord:555", "discord:501"];

/// `config` with the [`TEST_CHATS`] no community lists added to the default
/// community.
pub fn with_test_chats(config: &Config) -> Config {
    let mut config = config.clone();
    let placed: Vec<String> = config.communities.values().flat_map(|c| c.chats.clone()).collect();
    let missing: Vec<String> = TEST_CHATS.iter().map(|c| c.to_string()).filter(|c| !placed.contains(c)).collect();
    config.default_community_mut().chats.extend(missing);
    config
}

impl TestChat {
    /// An engine on `config` with the test chats listed (see [`TEST_CHATS`]).
    pub fn new(db: TestDb, config: &Config) -> TestChat {
        TestChat::exactly(db, &with_test_chats(config))
    }

    /// An engine on `config` as it is: only the chats it lists belong to a
    /// community.
    pub fn exactly(db: TestDb, config: &Config) -> TestChat {
        let clock = ManualClock::frozen(t0());
        let engine =
            Engine::new(config, db.store.clone(), Arc::new(clock.clone())).unwrap_or_else(|e| panic!("engine: {e}"));
        TestChat { engine: Arc::new(engine), clock, db, next_id: 1 }
    }

    pub fn with_defaults(db: TestDb) -> TestChat {
        TestChat::new(db, &Config::default())
    }

    /// A message as the platform would deliver it.
    pub fn message(&mut self, chat: &Chat, who: &Who, text: &str) -> Incoming {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = Incoming::text(chat.clone(), who.sender(), id.to_string(), text, self.clock_now());
        for word in text.split_whitespace() {
            if word == "@jixia" {
                msg.mentions_bot = true;
            }
        }
        msg
    }

    /// What became due, as the adapters would send it: the engine's due
    /// messages, then its outbox drained on every platform (marked sent).
    pub async fn due(&self) -> Vec<Outgoing> {
        due_and_sent(&self.engine).await
    }

    fn clock_now(&self) -> DateTime<Utc> {
        jixia::clock::Clock::now(&self.clock)
    }

    /// `who` says `text` in `chat`; returns what the bot sends.
    pub async fn say(&mut self, chat: &Chat, who: &Who, text: &str) -> Vec<Outgoing> {
        let msg = self.message(chat, who, text);
        delivered(self.engine.handle(&msg).await)
    }

    /// `who` says `text` mentioning `mentioned`.
    pub async fn say_mentioning(&mut self, chat: &Chat, who: &Who, text: &str, mentioned: &[&Who]) -> Vec<Outgoing> {
        let mut msg = self.message(chat, who, text);
        msg.mentions = mentioned.iter().map(|w| w.mention()).collect();
        delivered(self.engine.handle(&msg).await)
    }

    /// `who` replies to message `to` (by `author`) with `text`.
    pub async fn reply(&mut self, chat: &Chat, who: &Who, to: &Incoming, text: &str) -> Vec<Outgoing> {
        let mut msg = self.message(chat, who, text);
        msg.reply_to = Some(ReplyTo {
            message_id: to.message_id.clone(),
            author: Some(to.sender.clone()),
            text: Some(to.text.clone()),
        });
        delivered(self.engine.handle(&msg).await)
    }
}

/// What members see when every message is delivered: each message, then the
/// messages waiting on its delivery ([`Outgoing::then`]).
pub fn delivered(out: Vec<Outgoing>) -> Vec<Outgoing> {
    let mut seen = Vec::with_capacity(out.len());
    for mut o in out {
        let mut next = o.take_then();
        seen.push(o);
        while let Some(mut n) = next {
            next = n.take_then();
            seen.push(n);
        }
    }
    seen
}

/// The plain text of each outgoing message.
pub fn texts(out: &[Outgoing]) -> Vec<String> {
    out.iter().map(|o| o.body.to_plain()).collect()
}

/// The single outgoing message's plain text; fails if there is not exactly one.
pub fn only(out: &[Outgoing]) -> String {
    assert_eq!(out.len(), 1, "expected one reply, got {:?}", texts(out));
    out[0].body.to_plain()
}

/// Whether `o` is a direct message to `who`.
pub fn is_dm_to(o: &Outgoing, who: &Who) -> bool {
    matches!(&o.to, Destination::Direct { platform, user_id } if *platform == who.platform && *user_id == who.id)
}

/// `engine.due()` plus everything its outbox holds for any platform, each
/// marked sent, as the adapters' pumps would.
pub async fn due_and_sent(engine: &Engine) -> Vec<Outgoing> {
    engine.due().await;
    let mut out = Vec::new();
    for platform in Platform::ALL {
        loop {
            let batch = engine.outbox_claim(platform, 100).await.unwrap_or_else(|e| panic!("outbox: {e}"));
            if batch.is_empty() {
                break;
            }
            for d in batch {
                engine.outbox_settle(&d, Ok(())).await.unwrap_or_else(|e| panic!("settle: {e}"));
                out.extend(delivered(vec![d.message]));
            }
        }
    }
    out
}

/// A command line for `c` with every argument filled in (`all`) or only the
/// required ones, with values of the declared kinds; a member argument is
/// `@Bob`.
pub fn command_line(c: &jixia::features::Command, all: bool) -> String {
    use jixia::command::ArgKind;
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
