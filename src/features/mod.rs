//! The features. Each is one folder (`src/features/NAME/`: its commands,
//! handlers, config section, storage trait and SQL, digest section and jobs),
//! one prompts file (`prompts/*/NAME.ftl`), its `NAME_*` tables, and one
//! [`Feature`] value, listed once in the [`features!`] call below. Parsing,
//! `/help`, menus, config sections, prompts, passive hooks, job kinds,
//! digest sections and member merges are all gathered from that list;
//! nothing else keeps a list of features.

pub mod bounty;
pub mod checkin;
pub mod community;
pub mod core;
pub mod dashboard;
pub mod digest;
pub mod events;
pub mod faq;
pub mod hiring;
pub mod link;
pub mod news;
pub mod points;
pub mod quiz;
pub mod shop;
pub mod stats;
pub mod summary;

use std::any::Any;
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::BoxFuture;
use crate::command::Registry;
use crate::config::{Config, ConfigError};
use crate::engine::Engine;
use crate::handler::Ctx;
pub use crate::handler::{Command, Handler};
use crate::ledger::MovementKind;
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::scheduler::JobKind;
use crate::store::{Member, MergeHook, Store, StoreError};

/// Declares the features, in `/help` order: each line is `Id => module` for
/// a feature without settings, or `Id => module: ConfigType` for one with a
/// `[features.module]` section. Generates [`FeatureId`], [`ALL`] and
/// [`FeaturesConfig`].
macro_rules! features {
    ($($id:ident => $module:ident $(: $config:ty)?),* $(,)?) => {
        /// Which feature: one variant per feature, named like its module.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FeatureId {
            $(
                #[doc = concat!("`", stringify!($module), "`")]
                $id,
            )*
        }

        impl FeatureId {
            /// Every feature, in `/help` order.
            pub const ALL: &'static [FeatureId] = &[$(FeatureId::$id),*];

            /// The feature's name: its module, config section, prompts file
            /// and table prefix.
            pub fn name(self) -> &'static str {
                match self {
                    $(FeatureId::$id => stringify!($module),)*
                }
            }

            /// The feature's declaration.
            pub fn feature(self) -> &'static Feature {
                match self {
                    $(FeatureId::$id => &$module::FEATURE,)*
                }
            }
        }

        /// Every feature, in `/help` order.
        pub static ALL: &[&Feature] = &[$(&$module::FEATURE),*];

        /// `[features]`: each feature's own section, owned by its module.
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct FeaturesConfig {
            $($(
                #[doc = concat!("`[features.", stringify!($module), "]`")]
                pub $module: $config,
            )?)*
        }

        impl FeaturesConfig {
            /// Whether the feature's own section switches it on (features
            /// without a section are always on); see [`FeaturesConfig::is_on`].
            fn switched_on(&self, id: FeatureId) -> bool {
                match id {
                    $(FeatureId::$id => features!(@enabled self, $module $(, $config)?),)*
                }
            }

            /// Checks every section's values against their documented ranges.
            pub fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
                $($(
                    <$config as FeatureConfig>::validate(
                        &self.$module,
                        &format!("{prefix}.{}", stringify!($module)),
                    )?;
                )?)*
                Ok(())
            }
        }
    };
    (@enabled $self:ident, $module:ident, $config:ty) => {
        <$config as FeatureConfig>::enabled(&$self.$module)
    };
    (@enabled $self:ident, $module:ident) => {
        true
    };
}

features! {
    Core => core,
    Link => link,
    Community => community,
    Stats => stats: stats::StatsConfig,
    Dashboard => dashboard,
    Points => points: points::PointsConfig,
    Checkin => checkin: checkin::CheckinConfig,
    Shop => shop: shop::ShopConfig,
    Quiz => quiz: quiz::QuizConfig,
    Bounty => bounty: bounty::BountyConfig,
    Faq => faq: faq::FaqConfig,
    Hiring => hiring: hiring::HiringConfig,
    Events => events: events::EventsConfig,
    News => news: news::NewsConfig,
    Summary => summary: summary::SummaryConfig,
    Digest => digest: digest::DigestConfig,
}

impl FeaturesConfig {
    /// Whether feature `id` is on: its section switches it on and so do the
    /// sections of every feature it requires.
    pub fn is_on(&self, id: FeatureId) -> bool {
        self.switched_on(id) && id.feature().requires.iter().all(|r| self.is_on(*r))
    }
}

/// A feature's `[features.NAME]` section.
pub trait FeatureConfig {
    /// Whether the section switches the feature on.
    fn enabled(&self) -> bool;

    /// Checks the values against their documented ranges; errors name the
    /// key under `prefix` (`features.points`, `communities.pgcn.features.points`).
    fn validate(&self, prefix: &str) -> Result<(), ConfigError>;
}

/// A passive hook: sees every message of a community that is not a command
/// and says what to send (usually nothing). It must cost nothing measurable
/// when it has nothing to do. Hooks run in [`ALL`] order.
pub type Observer = for<'a> fn(&'a Ctx<'a>) -> BoxFuture<'a, Observed>;

/// What a passive hook made of a message.
#[derive(Debug, Default)]
pub struct Observed {
    /// What to send.
    pub out: Vec<Outgoing>,
    /// The message was meant for this feature (an answer to a running quiz,
    /// an answer to a bounty): the hooks after it in [`ALL`] do not see it,
    /// so the FAQ does not redirect it.
    pub handled: bool,
}

impl Observed {
    /// Something to send; later hooks still see the message.
    pub fn pass(out: Vec<Outgoing>) -> Observed {
        Observed { out, handled: false }
    }

    /// The message was this feature's; later hooks do not see it.
    pub fn handled(out: Vec<Outgoing>) -> Observed {
        Observed { out, handled: true }
    }
}

/// A hook that sees every message of a community, command or not, before
/// it is handled (counting chat): memory only, no await, nothing to send.
pub type SeenHook = fn(&Ctx<'_>);

/// Periodic work (a group commit's flush): called by [`Engine::due`];
/// returns announcements, which go to the outbox.
pub type DueHook = for<'a> fn(&'a Engine, Due) -> BoxFuture<'a, Vec<Outgoing>>;

/// What a [`Feature::due`] call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// A tick of the group-commit loop ([`Engine::tick`]): a feature may
    /// keep what it holds for a longer window of its own.
    Tick,
    /// Everything held, now ([`Engine::due`]): before a command reads what
    /// it changes, at shutdown, in tests.
    All,
}

/// Sees a message in a group chat that belongs to no community (see
/// [`crate::community`]); returns what to send.
pub type UnboundHook = for<'a> fn(&'a Engine, &'a crate::message::Incoming) -> BoxFuture<'a, Vec<Outgoing>>;

/// Builds a feature's in-memory state for one engine (caches, group-commit
/// queues), reached with [`Engine::state`] by its type.
pub type StateFn = fn(&Config) -> Arc<dyn Any + Send + Sync>;

/// Lines a feature adds under a member's profile card (`/whoami`,
/// `/whois`): `None` when it has nothing to say about them.
pub type ProfileHook = for<'a> fn(&'a Ctx<'a>, &'a Member) -> BoxFuture<'a, Result<Option<RichText>, StoreError>>;

/// Files a feature reads at start (quiz banks under `bank_dir`), before an
/// engine serves: with a store, what they hold is loaded into it; without
/// one (`jixia config check`) they are only checked. An error stops the
/// start, like a bad config. Returns lines for the operator.
pub type LoadHook =
    for<'a> fn(&'a Config, Option<&'a Store>, DateTime<Utc>) -> BoxFuture<'a, Result<Vec<String>, LoadError>>;

/// Why a feature's files could not be loaded at start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file is wrong: every problem as `file:line: reason`.
    #[error("{0}")]
    Files(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A feature's prompts file, both languages, compiled in.
#[derive(Debug, Clone, Copy)]
pub struct PromptFile {
    /// `prompts/zh/NAME.ftl`.
    pub zh: &'static str,
    /// `prompts/en/NAME.ftl`.
    pub en: &'static str,
}

/// One feature, declared once: everything the engine, the scheduler, the
/// digest, the config and `/link` need to know of it.
#[derive(Debug)]
pub struct Feature {
    /// Which feature.
    pub id: FeatureId,
    /// Features that must be on for this one to be on (check-ins and the
    /// shop pay through points).
    pub requires: &'static [FeatureId],
    /// Its commands, in `/help` order.
    pub commands: &'static [Command],
    /// Its prompts file.
    pub prompts: PromptFile,
    /// Its passive hook on chat messages.
    pub observe: Option<Observer>,
    /// Its hook on every message, commands included (counting).
    pub seen: Option<SeenHook>,
    /// Its hook on reactions (an emoji added to or taken from a message):
    /// like `observe`, it must cost nothing when it has nothing to do.
    pub react: Option<Observer>,
    /// Its periodic work.
    pub due: Option<DueHook>,
    /// Its in-memory state.
    pub state: Option<StateFn>,
    /// The kinds of scheduled job it runs.
    pub jobs: &'static [JobKind],
    /// Its section of the digest.
    pub digest: Option<digest::DigestSection>,
    /// Its lines in the community's figures (`/stats`, `jixia stats`).
    pub figures: Option<stats::FiguresHook>,
    /// The ways it moves points (each has a `points-kind-NAME` label).
    pub movements: &'static [MovementKind],
    /// What it re-points when `/link` merges two members.
    pub merge: Option<MergeHook>,
    /// Its hook on messages in chats of no community.
    pub unbound: Option<UnboundHook>,
    /// Its lines under a member's profile card.
    pub profile: Option<ProfileHook>,
    /// The files it reads at start.
    pub load: Option<LoadHook>,
}

impl Feature {
    /// A feature that has only an id and its prompts; the rest is filled in
    /// with struct update syntax.
    pub const fn new(id: FeatureId, prompts: PromptFile) -> Feature {
        Feature {
            id,
            requires: &[],
            commands: &[],
            prompts,
            observe: None,
            seen: None,
            react: None,
            due: None,
            state: None,
            jobs: &[],
            digest: None,
            figures: None,
            movements: &[],
            merge: None,
            unbound: None,
            profile: None,
            load: None,
        }
    }

    /// Its name (module, config section, prompts file, table prefix).
    pub fn name(&self) -> &'static str {
        self.id.name()
    }
}

/// The command registry: every feature's commands, one group per feature in
/// [`ALL`] order (a parsed command's group is its feature's place in `ALL`).
pub fn registry() -> &'static Registry<Handler> {
    static REGISTRY: LazyLock<Registry<Handler>> =
        LazyLock::new(|| Registry::new(ALL.iter().map(|f| f.commands).collect()));
    &REGISTRY
}

/// Every command, flattened, in help order.
pub fn all_commands() -> impl Iterator<Item = &'static Command> {
    registry().all()
}

/// The feature a parsed command's group stands for.
pub fn feature_of_group(group: usize) -> Option<&'static Feature> {
    ALL.get(group).copied()
}

/// The feature a command belongs to.
pub fn feature_of(command: &Command) -> Option<&'static Feature> {
    ALL.iter().copied().find(|f| f.commands.iter().any(|c| std::ptr::eq(c, command)))
}

/// Every prompts file as (name, zh text, en text): each feature's, then the
/// adapters' own.
pub fn prompt_files() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut files: Vec<_> = ALL.iter().map(|f| (f.name(), f.prompts.zh, f.prompts.en)).collect();
    files.extend_from_slice(crate::i18n::PLATFORM_FILES);
    files
}

/// Every way points move, across features.
pub fn movement_kinds() -> impl Iterator<Item = &'static MovementKind> {
    ALL.iter().flat_map(|f| f.movements.iter())
}

/// What `/link` runs in its merge transaction: each feature's statements,
/// then the ledger's. Features first, so the merge takes the locks in the
/// same order as a feature's own transactions (its rows, then the ledger's:
/// an accepted bounty), and the two cannot deadlock on PostgreSQL.
pub fn merge_hooks() -> Vec<MergeHook> {
    ALL.iter().filter_map(|f| f.merge).chain(std::iter::once(crate::ledger::MERGE)).collect()
}

/// Every prompts file loaded: what an engine speaks with.
pub fn prompts() -> Result<crate::i18n::Prompts, crate::i18n::PromptError> {
    crate::i18n::Prompts::load(&prompt_files())
}

/// Every feature's start-up files ([`Feature::load`]): checked, and with a
/// store loaded into it. Call before an engine serves; an error stops the
/// start. Returns lines for the operator.
pub async fn load(config: &Config, store: Option<&Store>, now: DateTime<Utc>) -> Result<Vec<String>, LoadError> {
    let mut lines = Vec::new();
    for load in ALL.iter().filter_map(|f| f.load) {
        lines.extend(load(config, store, now).await?);
    }
    Ok(lines)
}
