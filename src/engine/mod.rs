//! The engine: takes one [`Incoming`] message, works out who said it in which
//! community, runs the command or the passive features, and returns the
//! [`Outgoing`] messages to send. It never sends anything itself.

mod chats;
mod outbox;
mod sent;

pub use chats::CACHE_SECS as REGISTRATION_CACHE_SECS;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::command::ParseError;
use crate::community::Communities;
use crate::config::Config;
use crate::features::{ALL, feature_of_group, registry};
use crate::handler::{CommandError, Ctx, Internal, ParsedCommand};
use crate::i18n::{Args, Locale, PromptError, Prompts};
use crate::message::{ChatKind, Incoming, Outgoing};
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

/// The platform-free community engine. Share it behind an `Arc`; `handle` takes
/// `&self` and may run concurrently.
#[derive(Debug)]
pub struct Engine {
    config: Arc<Config>,
    store: Arc<Store>,
    prompts: Prompts,
    communities: Communities,
    clock: Arc<dyn Clock>,
    /// Each feature's in-memory state, by its type.
    states: Vec<(TypeId, Arc<dyn Any + Send + Sync>)>,
    /// Recently seen senders.
    members: std::sync::Mutex<MemberCache>,
    /// Chats registered into communities, as looked up.
    registrations: chats::Registrations,
    /// Messages produced outside a request (level-ups found at a flush),
    /// stored in the outbox by [`Engine::due`].
    pending: std::sync::Mutex<Vec<Outgoing>>,
    /// The bot's own name, as members mention it.
    pub bot_name: String,
    /// This instance's name on job and outbox leases (unique per engine).
    instance: String,
    /// The job kinds this engine runs: the features' plus any registered.
    job_kinds: Vec<crate::scheduler::JobKind>,
    /// When the scheduler last ticked (wall time, engine time).
    last_tick: std::sync::Mutex<Option<(std::time::Instant, DateTime<Utc>)>>,
    /// Woken when this instance stores messages in the outbox.
    outbox_ready: tokio::sync::Notify,
    /// Woken when a group commit's batch is full before its window ends
    /// ([`Engine::commit_soon`]).
    commit_wanted: tokio::sync::Notify,
    /// Numbers this instance's announcements in the outbox.
    outbox_seq: std::sync::atomic::AtomicU64,
    /// When each chat was last greeted for a bare mention.
    greeted: std::sync::Mutex<HashMap<String, DateTime<Utc>>>,
    /// When tracked sent messages were last pruned.
    sent_pruned: std::sync::Mutex<Option<DateTime<Utc>>>,
}

/// A chat is greeted for a mention with nothing else for the bot at most
/// once in this many seconds.
pub const GREETING_EVERY_SECS: i64 = 600;

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
    pub fn new(config: &Config, store: Arc<Store>, clock: Arc<dyn Clock>) -> Result<Engine, EngineError> {
        config.validate_features()?;
        let communities = Communities::from_config(config);
        let states = ALL
            .iter()
            .filter_map(|f| f.state)
            .map(|make| {
                let state = make(config);
                ((*state).type_id(), state)
            })
            .collect();
        let mut job_kinds = Vec::new();
        for kind in ALL.iter().flat_map(|f| f.jobs) {
            if job_kinds.iter().any(|k: &crate::scheduler::JobKind| k.name == kind.name) {
                return Err(EngineError::DuplicateJobKind(kind.name));
            }
            job_kinds.push(*kind);
        }
        Ok(Engine {
            members: Default::default(),
            registrations: Default::default(),
            states,
            pending: Default::default(),
            config: Arc::new(config.clone()),
            store,
            prompts: crate::features::prompts()?,
            communities,
            clock,
            bot_name: config.bot.name.clone(),
            instance: format!("{}-{:016x}", std::process::id(), rand::random::<u64>()),
            job_kinds,
            last_tick: Default::default(),
            outbox_ready: Default::default(),
            commit_wanted: Default::default(),
            outbox_seq: Default::default(),
            greeted: Default::default(),
            sent_pruned: Default::default(),
        })
    }

    /// Puts `value` in place of the feature state of its type (or adds
    /// it): how an embedding program gives a feature what the engine must
    /// not build itself, such as the news feature's HTTP fetcher
    /// ([`crate::features::news::NewsServices`]).
    pub fn provide<T: Any + Send + Sync>(&mut self, value: Arc<T>) {
        let id = TypeId::of::<T>();
        self.states.retain(|(t, _)| *t != id);
        self.states.push((id, value));
    }

    /// Adds a kind of job (an embedding program's own scheduled work).
    pub fn register_job_kind(&mut self, kind: crate::scheduler::JobKind) -> Result<(), EngineError> {
        if self.job_kind(kind.name).is_some() {
            return Err(EngineError::DuplicateJobKind(kind.name));
        }
        self.job_kinds.push(kind);
        Ok(())
    }

    /// Every job kind this engine runs.
    pub fn job_kinds(&self) -> &[crate::scheduler::JobKind] {
        &self.job_kinds
    }

    /// The job kind named `name`.
    pub fn job_kind(&self, name: &str) -> Option<&crate::scheduler::JobKind> {
        self.job_kinds.iter().find(|k| k.name == name)
    }

    /// This instance's name on job and outbox leases.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The prompts.
    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A feature's in-memory state on this engine, by its type (see
    /// [`crate::features::Feature::state`]).
    pub fn state<T: Any + Send + Sync>(&self) -> Option<&T> {
        let wanted = TypeId::of::<T>();
        self.states.iter().find(|(id, _)| *id == wanted).and_then(|(_, s)| s.downcast_ref::<T>())
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
        crate::supervise::test_hook(&msg.text);
        if msg.sender.is_bot || (msg.text.trim().is_empty() && msg.reaction.is_none()) {
            return Vec::new();
        }
        if self.store.is_down() {
            // Known to be unreachable: the apology now, not after a timeout.
            return self.apology_if_command(msg, self.chat_locale(&msg.chat));
        }
        let community = match self.community_of(&msg.chat).await {
            Ok(Some(c)) => c,
            Ok(None) => return self.unbound(msg).await,
            Err(e) => {
                self.store.note_failure(&e);
                tracing::error!(error = %e, chat = %msg.chat.key(), "could not tell the chat's community");
                return self.apology_if_command(msg, self.chat_locale(&msg.chat));
            }
        };
        let now = self.clock.now();
        // A reaction names no one new (Discord does not even give the name
        // when one is taken back): only a known member's reaction counts.
        let resolved = if msg.reaction.is_some() {
            self.store.members().find_account(&community.id, msg.chat.platform, &msg.sender.id).await
        } else {
            self.member_of(&community.id, msg, now).await.map(Some)
        };
        let member = match resolved {
            Ok(Some(m)) => m,
            Ok(None) => return Vec::new(),
            Err(e) => {
                self.store.note_failure(&e);
                tracing::error!(error = %e, chat = %msg.chat.key(), "could not resolve the sender");
                return self.apology_if_command(msg, community.locale);
            }
        };
        let locale = member.locale.unwrap_or(community.locale);
        let role = community.role_of(msg);
        let ctx = Ctx { engine: self, msg, community: &community, member, locale, role, now, asks: Default::default() };
        let counted = crate::metrics::metrics();
        if msg.reaction.is_some() {
            counted.message(msg.chat.platform, crate::metrics::MessageKind::Reaction);
            return self.react(&ctx).await;
        }
        for feature in ALL {
            if let Some(seen) = feature.seen
                && community.features.is_on(feature.id)
            {
                seen(&ctx);
            }
        }
        if msg.text.chars().nth(MAX_TEXT_CHARS).is_some() {
            return if looks_like_command(&msg.text) {
                vec![ctx.reply("error-too-long", &Args::new().num("max", MAX_TEXT_CHARS as i64))]
            } else {
                Vec::new()
            };
        }
        let platform = msg.chat.platform;
        match registry().parse(msg, &self.bot_name) {
            Ok(cmd) => {
                counted.message(platform, crate::metrics::MessageKind::Command);
                let started = std::time::Instant::now();
                let out = self.run(&ctx, &cmd).await;
                counted.command(cmd.spec, started.elapsed());
                out
            }
            Err(ParseError::NotACommand) => {
                counted.message(platform, crate::metrics::MessageKind::Chat);
                self.observe(&ctx).await
            }
            Err(e) => {
                counted.message(platform, crate::metrics::MessageKind::Command);
                vec![Outgoing::reply(msg, crate::features::core::parse_error_text(&ctx, &e))]
            }
        }
    }

    /// [`Engine::handle`], supervised: a panic while handling `msg` is
    /// caught and logged with `update` (the platform's id of what carried
    /// it), and a command gets the internal-error apology. The worker that
    /// called it goes on with the next message.
    pub async fn handle_supervised(&self, msg: &Incoming, update: &str) -> Vec<Outgoing> {
        match crate::supervise::catch_panic(self.handle(msg)).await {
            Ok(out) => out,
            Err(panic) => {
                tracing::error!(
                    update, chat = %msg.chat.key(), panic = %panic,
                    "handling a message panicked; answered with the apology"
                );
                self.apology(msg)
            }
        }
    }

    /// The internal-error apology for `msg` if it asked for something (a
    /// command, or the bot mentioned in a group); else nothing.
    pub fn apology(&self, msg: &Incoming) -> Vec<Outgoing> {
        self.apology_if_command(msg, self.chat_locale(&msg.chat))
    }

    async fn run(&self, ctx: &Ctx<'_>, cmd: &ParsedCommand) -> Vec<Outgoing> {
        let on = feature_of_group(cmd.group).is_some_and(|f| ctx.community.features.is_on(f.id));
        if !on {
            let usage = crate::features::core::usage(&self.prompts, ctx.locale, cmd.spec);
            return vec![ctx.reply("error-feature-off", &Args::new().str("usage", usage))];
        }
        if ctx.role < cmd.spec.permission {
            let needed = self.prompts.plain(ctx.locale, cmd.spec.permission.prompt_key());
            let usage = crate::features::core::usage(&self.prompts, ctx.locale, cmd.spec);
            return vec![ctx.reply("error-permission", &Args::new().str("usage", usage).str("role", needed))];
        }
        match (cmd.spec.run.0)(ctx, cmd).await {
            Ok(out) => out,
            Err(CommandError::Member(p)) => vec![Outgoing::reply(ctx.msg, self.prompts.render(ctx.locale, &p))],
            Err(CommandError::Internal(e)) => {
                match &e {
                    Internal::Store(e) => {
                        self.store.note_failure(e);
                        tracing::error!(error = %e, command = cmd.spec.usage(), "command failed")
                    }
                    e => tracing::error!(error = %e, command = cmd.spec.usage(), "command failed: a bug"),
                }
                vec![ctx.reply("error-internal", &Args::new())]
            }
        }
    }

    /// A message in a group chat that belongs to no community: only the
    /// features' `unbound` hooks see it (registering the chat, saying once
    /// how to); nothing else runs, no member is created, no points move.
    async fn unbound(&self, msg: &Incoming) -> Vec<Outgoing> {
        let mut out = Vec::new();
        for hook in ALL.iter().filter_map(|f| f.unbound) {
            out.extend(hook(self, msg).await);
        }
        out
    }

    /// The passive hooks of the features that are on here see a message
    /// that is not a command, in [`ALL`] order, until one handles it.
    /// A message that mentions the bot and that no hook answered (`@jixia`,
    /// `@jixia 你好`) gets a short greeting pointing to `/help`, at most
    /// once per chat in [`GREETING_EVERY_SECS`].
    async fn observe(&self, ctx: &Ctx<'_>) -> Vec<Outgoing> {
        let mut out = Vec::new();
        let mut handled = false;
        for feature in ALL {
            if let Some(observe) = feature.observe
                && ctx.community.features.is_on(feature.id)
            {
                let seen = observe(ctx).await;
                out.extend(seen.out);
                if seen.handled {
                    handled = true;
                    break;
                }
            }
        }
        if out.is_empty() && !handled && ctx.msg.mentions_bot && self.may_greet(&ctx.msg.chat, ctx.now) {
            out.push(ctx.reply("greeting", &Args::new()));
        }
        out
    }

    fn may_greet(&self, chat: &crate::message::Chat, now: DateTime<Utc>) -> bool {
        let mut greeted = self.greeted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = chat.key();
        if greeted.get(&key).is_some_and(|at| *at <= now && now - *at < chrono::Duration::seconds(GREETING_EVERY_SECS))
        {
            return false;
        }
        if greeted.len() >= 10_000 {
            greeted.clear();
        }
        greeted.insert(key, now);
        true
    }

    /// The reaction hooks of the features that are on here see a reaction,
    /// in [`ALL`] order, until one handles it.
    async fn react(&self, ctx: &Ctx<'_>) -> Vec<Outgoing> {
        let mut out = Vec::new();
        for feature in ALL {
            if let Some(react) = feature.react
                && ctx.community.features.is_on(feature.id)
            {
                let seen = react(ctx).await;
                out.extend(seen.out);
                if seen.handled {
                    break;
                }
            }
        }
        out
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
        let member = self
            .store
            .members()
            .member_for_account(community, msg.chat.platform, &msg.sender.id, &msg.sender.name, now)
            .await?;
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
    /// messages stored in the outbox), every group commit written. The
    /// console calls it after each line, `jixia run` at its stop; the
    /// periodic loop calls [`Engine::tick`]. Adapters send the outbox with
    /// [`Engine::pump_outbox`]. The scheduler ticks at most once
    /// a second of wall time unless the engine's clock moved by a second or
    /// more. Returns the announcements stored.
    pub async fn due(&self) -> usize {
        self.move_on(crate::features::Due::All).await
    }

    /// What the group-commit loop runs every [`Engine::until_due`]: as
    /// [`Engine::due`], except that a feature may keep what it holds for a
    /// longer window of its own (the figures' counts).
    pub async fn tick(&self) -> usize {
        self.move_on(crate::features::Due::Tick).await
    }

    async fn move_on(&self, due: crate::features::Due) -> usize {
        let mut out = self.flush_group_commits(due).await;
        out.splice(0..0, std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)));
        let stored = self.to_outbox(out).await;
        if self.tick_is_due() && !self.store.is_down() {
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
        match self.store.jobs().outbox_push(&rows, self.now()).await {
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

    /// Wakes this instance's outbox pumps: messages were stored.
    pub(crate) fn notify_outbox(&self) {
        self.outbox_ready.notify_waiters();
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

    /// Every feature's periodic work (group commits); returns the
    /// announcements it caused.
    async fn flush_group_commits(&self, due: crate::features::Due) -> Vec<Outgoing> {
        let mut out = Vec::new();
        for hook in ALL.iter().filter_map(|f| f.due) {
            out.extend(hook(self, due).await);
        }
        out
    }

    /// Writes what group commits hold (activity points, unanswered
    /// questions) now, before a command reads what they change;
    /// announcements they cause wait for [`Engine::due`].
    pub(crate) async fn flush_pending_writes(&self) {
        let out = self.flush_group_commits(crate::features::Due::All).await;
        if !out.is_empty() {
            self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(out);
        }
    }

    /// How often adapters should call [`Engine::due`]: the shortest group
    /// commit window of any community.
    pub fn tick_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.config.features.points.flush_ms.max(10))
    }

    /// Waits until [`Engine::tick`] should run again: one
    /// [`Engine::tick_interval`], or less when a group commit's batch
    /// filled up meanwhile. The loop that calls `tick` waits with it.
    pub async fn until_due(&self) {
        tokio::select! {
            () = tokio::time::sleep(self.tick_interval()) => {}
            () = self.commit_wanted.notified() => {}
        }
    }

    /// Asks for the next [`Engine::tick`] now rather than at the end of the
    /// window: a group commit's batch is full. The message that filled it
    /// does not write it itself, so no message waits for the disk (or for
    /// another feature's commit holding the writer).
    pub(crate) fn commit_soon(&self) {
        self.commit_wanted.notify_one();
    }
}

fn looks_like_command(text: &str) -> bool {
    text.trim_start().starts_with(['/', '!', '／', '！'])
}
