//! The engine: takes one [`Incoming`] message, works out who said it in which
//! community, runs the command or the passive features, and returns the
//! [`Outgoing`] messages to send. It never sends anything itself.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::command::{self, ParseError, ParsedCommand, Permission};
use crate::community::{Communities, Community};
use crate::config::Config;
use crate::i18n::{Args, Locale, Prompt, PromptError, Prompts};
use crate::message::{ChatKind, Incoming, Outgoing};
use crate::rich::RichText;
use crate::store::{Member, Store, StoreError};

/// Recently seen senders: (community, platform, user id) → (member, name,
/// when fetched).
type MemberCache =
    std::collections::HashMap<(String, crate::message::Platform, String), (Member, String, DateTime<Utc>)>;

/// How long a cached sender stays valid, in seconds.
const MEMBER_CACHE_SECS: i64 = 60;
/// Cached senders at most (the cache starts over beyond it).
const MEMBER_CACHE_MAX: usize = 200_000;

/// Longest message text the engine reads, in characters. Longer messages are
/// not commands (a command reply says so) and are not scanned further.
pub const MAX_TEXT_CHARS: usize = 4000;

/// Why a command did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The member asked for something that cannot be done; they are told why
    /// in their language.
    #[error("member error: {}", .0.key)]
    Member(Prompt),
    /// Something broke on our side; logged, and the member gets an apology.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CommandError {
    /// A member-facing error from a prompt key.
    pub fn member(key: &'static str, args: Args) -> CommandError {
        CommandError::Member(Prompt::new(key, args))
    }
}

/// What a command handler returns.
pub type CommandResult = Result<Vec<Outgoing>, CommandError>;

/// Everything a command handler may use: the engine's shared parts, the
/// message, and who sent it where.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The engine.
    pub engine: &'a Engine,
    /// The message being handled.
    pub msg: &'a Incoming,
    /// The community the chat belongs to.
    pub community: &'a Community,
    /// The sender, as a community member.
    pub member: Member,
    /// The sender's language.
    pub locale: Locale,
    /// The sender's permission level.
    pub role: Permission,
    /// The time the engine considers "now".
    pub now: DateTime<Utc>,
}

impl Ctx<'_> {
    /// Formats a prompt in the sender's language.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.engine.prompts.format(self.locale, key, args)
    }

    /// A reply to the message, from a prompt.
    pub fn reply(&self, key: &str, args: &Args) -> Outgoing {
        Outgoing::reply(self.msg, self.text(key, args))
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.engine.store.as_ref()
    }
}

/// The platform-free community engine. Share it behind an `Arc`; `handle` takes
/// `&self` and may run concurrently.
#[derive(Debug)]
pub struct Engine {
    pub(crate) config: Arc<Config>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) prompts: Prompts,
    pub(crate) communities: Communities,
    pub(crate) clock: Arc<dyn Clock>,
    /// FAQ matchers per community, built on first use.
    pub(crate) faq: crate::features::faq::FaqState,
    /// Activity points waiting for their group commit.
    pub(crate) activity: crate::features::points::Activity,
    /// Leaderboard snapshots.
    pub(crate) boards: crate::features::points::Boards,
    /// Check-ins waiting for their group commit.
    pub(crate) checkins: crate::features::checkin::Committer,
    /// Recently seen senders.
    members: std::sync::Mutex<MemberCache>,
    /// Recent wrong link codes per member.
    pub(crate) link_guesses: crate::features::link::Guesses,
    /// Messages produced outside a request (level-ups found at a flush),
    /// stored in the outbox by [`Engine::due`].
    pending: std::sync::Mutex<Vec<Outgoing>>,
    /// The bot's own name, as members mention it.
    pub bot_name: String,
    /// This instance's name on job and outbox leases (unique per engine).
    pub(crate) instance: String,
    /// The job kinds this engine runs: the features' plus any registered.
    job_kinds: Vec<crate::scheduler::JobKind>,
    /// When the scheduler last ticked (wall time, engine time).
    last_tick: std::sync::Mutex<Option<(std::time::Instant, DateTime<Utc>)>>,
    /// Woken when this instance stores messages in the outbox.
    pub(crate) outbox_ready: tokio::sync::Notify,
    /// Numbers this instance's announcements in the outbox.
    outbox_seq: std::sync::atomic::AtomicU64,
}

/// How often the scheduler looks for due fires and jobs (each look is two
/// queries), unless the engine's clock jumps.
const TICK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The engine could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A prompt file is broken (a build problem, caught by tests).
    #[error(transparent)]
    Prompts(#[from] PromptError),
    /// Two job kinds share a name.
    #[error("job kind {0} is registered twice")]
    DuplicateJobKind(&'static str),
    /// A feature setting is out of its range (`Config::load` checks this
    /// too; an embedder may build a `Config` by hand).
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

impl Engine {
    /// Builds an engine over a store (already migrated), with a clock.
    pub fn new(config: &Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<Engine, EngineError> {
        config.validate_features()?;
        let communities = Communities::from_config(config);
        if communities.all().any(|c| c.features.faq.enabled) {
            // The segmenter takes 0.1 s to load: not on the first question,
            // where it would stall a runtime thread and everything queued on it.
            std::thread::spawn(crate::features::faq::normalize::warm_up);
        }
        Ok(Engine {
            members: Default::default(),
            link_guesses: Default::default(),
            activity: Default::default(),
            boards: Default::default(),
            checkins: Default::default(),
            faq: Default::default(),
            pending: Default::default(),
            config: Arc::new(config.clone()),
            store,
            prompts: Prompts::load()?,
            communities,
            clock,
            bot_name: config.bot.name.clone(),
            instance: format!("{}-{:016x}", std::process::id(), rand::random::<u64>()),
            job_kinds: crate::features::JOB_KINDS.to_vec(),
            last_tick: Default::default(),
            outbox_ready: Default::default(),
            outbox_seq: Default::default(),
        })
    }

    /// Adds a kind of job (an embedding program's own scheduled work).
    pub fn register_job_kind(&mut self, kind: crate::scheduler::JobKind) -> Result<(), EngineError> {
        if self.job_kind(kind.name).is_some() {
            return Err(EngineError::DuplicateJobKind(kind.name));
        }
        self.job_kinds.push(kind);
        Ok(())
    }

    /// The job kind named `name`.
    pub fn job_kind(&self, name: &str) -> Option<&crate::scheduler::JobKind> {
        self.job_kinds.iter().find(|k| k.name == name)
    }

    /// This instance's name on job and outbox leases.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The prompts, for adapters that generate menus.
    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    /// The communities, for adapters and the CLI.
    pub fn communities(&self) -> &Communities {
        &self.communities
    }

    /// The configuration the engine was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Handles one message and returns what to send. Never fails: internal
    /// errors are logged and answered with an apology when a command was
    /// asked for. The message is cleaned first ([`Incoming::cleaned`]).
    pub async fn handle(&self, msg: &Incoming) -> Vec<Outgoing> {
        let cleaned = msg.cleaned();
        let msg: &Incoming = &cleaned;
        if msg.sender.is_bot || msg.text.trim().is_empty() {
            return Vec::new();
        }
        let community = self.communities.for_chat(&msg.chat);
        let now = self.clock.now();
        let member = match self.member_of(&community.id, msg, now).await {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, chat = %msg.chat.key(), "could not resolve the sender");
                return self.apology_if_command(msg, community.locale);
            }
        };
        let locale = member.locale.unwrap_or(community.locale);
        let role = community.role_of(msg);
        let ctx = Ctx { engine: self, msg, community, member, locale, role, now };
        if msg.text.chars().nth(MAX_TEXT_CHARS).is_some() {
            return if looks_like_command(&msg.text) {
                vec![ctx.reply("error-too-long", &Args::new().num("max", MAX_TEXT_CHARS as i64))]
            } else {
                Vec::new()
            };
        }
        match command::parse(msg, &self.bot_name) {
            Ok(cmd) => self.run(&ctx, &cmd).await,
            Err(ParseError::NotACommand) => crate::features::observe(&ctx).await,
            Err(e) => vec![Outgoing::reply(msg, crate::features::core::parse_error_text(&ctx, &e))],
        }
    }

    async fn run(&self, ctx: &Ctx<'_>, cmd: &ParsedCommand) -> Vec<Outgoing> {
        if !crate::features::enabled(&ctx.community.features, cmd.spec.feature) {
            return vec![ctx.reply("error-feature-off", &Args::new().str("usage", cmd.spec.usage()))];
        }
        if ctx.role < cmd.spec.permission {
            let needed = ctx.engine.prompts.plain(ctx.locale, cmd.spec.permission.prompt_key());
            return vec![
                ctx.reply("error-permission", &Args::new().str("usage", cmd.spec.usage()).str("role", needed)),
            ];
        }
        match (cmd.spec.run)(ctx, cmd).await {
            Ok(out) => out,
            Err(CommandError::Member(p)) => vec![Outgoing::reply(ctx.msg, self.prompts.render(ctx.locale, &p))],
            Err(CommandError::Store(e)) => {
                tracing::error!(error = %e, command = cmd.spec.usage(), "command failed");
                vec![ctx.reply("error-internal", &Args::new())]
            }
        }
    }

    fn apology_if_command(&self, msg: &Incoming, locale: Locale) -> Vec<Outgoing> {
        if looks_like_command(&msg.text) || (msg.mentions_bot && msg.chat.kind == ChatKind::Group) {
            vec![Outgoing::reply(msg, self.prompts.format(locale, "error-internal", &Args::new()))]
        } else {
            Vec::new()
        }
    }

    /// The sender as a member: from the cache while it is fresh and the
    /// name unchanged (every chat message passes here), else from the store,
    /// which also records the account's name and last-seen time.
    async fn member_of(&self, community: &str, msg: &Incoming, now: DateTime<Utc>) -> Result<Member, StoreError> {
        let key = (community.to_owned(), msg.chat.platform, msg.sender.id.clone());
        {
            let cache = self.members.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((member, name, at)) = cache.get(&key)
                && *name == msg.sender.name
                && now - *at < chrono::Duration::seconds(MEMBER_CACHE_SECS)
                && *at <= now
            {
                return Ok(member.clone());
            }
        }
        let member =
            self.store.member_for_account(community, msg.chat.platform, &msg.sender.id, &msg.sender.name, now).await?;
        let mut cache = self.members.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= MEMBER_CACHE_MAX {
            cache.clear();
        }
        cache.insert(key, (member.clone(), msg.sender.name.clone(), now));
        Ok(member)
    }

    /// Drops cached members, after a change the cache cannot see (a language
    /// choice, a merge). Other instances catch up within the cache's lifetime.
    pub(crate) fn forget_members(&self, ids: &[crate::store::MemberId]) {
        let mut cache = self.members.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.retain(|_, (m, _, _)| !ids.contains(&m.id));
    }

    /// Moves on whatever became due up to now: announcements waiting from
    /// activity flushes (level-ups) go to the outbox, and the scheduler
    /// ticks (due cron fires enqueued, due jobs claimed and run, their
    /// messages stored in the outbox). Adapters call it every
    /// [`Engine::tick_interval`] and after the clock moves, and send the
    /// outbox with [`Engine::pump_outbox`]. The scheduler ticks at most once
    /// a second of wall time unless the engine's clock moved by a second or
    /// more. Returns the announcements stored.
    pub async fn due(&self) -> usize {
        let mut out = self.activity.flush(self).await;
        out.splice(0..0, std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)));
        let stored = self.to_outbox(out).await;
        if self.tick_is_due() {
            crate::scheduler::tick(self, &self.instance).await;
        }
        stored
    }

    /// Stores messages made outside a request in the outbox; on a storage
    /// error they wait in memory for the next [`Engine::due`].
    async fn to_outbox(&self, out: Vec<Outgoing>) -> usize {
        if out.is_empty() {
            return 0;
        }
        let rows: Vec<_> = out
            .iter()
            .map(|m| crate::store::jobs::NewOutboxMessage {
                key: format!(
                    "due:{}:{}",
                    self.instance,
                    self.outbox_seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                ),
                part: 0,
                message: m.clone(),
                max_attempts: crate::scheduler::outbox::MAX_ATTEMPTS,
            })
            .collect();
        match self.store.outbox_push(&rows, self.now()).await {
            Ok(stored) => {
                self.outbox_ready.notify_waiters();
                stored
            }
            Err(e) => {
                tracing::error!(error = %e, "could not store announcements in the outbox; keeping them for the next try");
                self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).splice(0..0, out);
                0
            }
        }
    }

    fn tick_is_due(&self) -> bool {
        let wall = std::time::Instant::now();
        let now = self.now();
        let mut last = self.last_tick.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = last.is_none_or(|(w, t)| {
            wall.duration_since(w) >= TICK_EVERY || (now - t).abs() >= chrono::Duration::seconds(1)
        });
        if due {
            *last = Some((wall, now));
        }
        due
    }

    /// Writes waiting activity points now (before a command reads
    /// balances); announcements it causes wait for [`Engine::due`].
    pub(crate) async fn flush_activity_quietly(&self) {
        let out = self.activity.flush(self).await;
        if !out.is_empty() {
            self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(out);
        }
    }

    /// How often adapters should call [`Engine::due`]: the shortest group
    /// commit window of any community.
    pub fn tick_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.config.features.points.flush_ms.max(10))
    }
}

fn looks_like_command(text: &str) -> bool {
    text.trim_start().starts_with(['/', '!', '／', '！'])
}
