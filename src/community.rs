//! Communities: which chats belong together, their language, time zone and
//! moderators, and the permission level of a sender.
//!
//! A group chat belongs to a community only when the community says so: it
//! is listed in the config (`communities.ID.chats`), or one of the
//! community's admins registered it (`/community add`, see
//! `features::community`). Console chats are local and belong to the default
//! community, as do direct chats with the bot. Any other group chat belongs
//! to no community (`bot.unknown_chats = "ignore"`, the default) or is a
//! community of its own with its own ledger (`"own"`). A platform's admin
//! flag makes someone a moderator only in a group chat of the community at
//! hand, never in a direct chat and never in another community; the same
//! holds for the platform roles behind a community's named roles
//! ([`crate::roles`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use chrono_tz::Tz;

use crate::command::Permission;
use crate::config::{CommunityConfig, Config, FeaturesConfig, UnknownChats};
use crate::i18n::Locale;
use crate::message::{Chat, ChatKind, Incoming, Platform};
use crate::roles::{Holder, Role};

/// The prefix of the id of a community that is one unknown chat of its own
/// (`own:telegram:-100123`); config ids cannot contain `:`.
const OWN_PREFIX: &str = "own:";

/// One community, resolved from config.
#[derive(Debug, Clone)]
pub struct Community {
    /// Its id (the `[communities.ID]` key).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Default language.
    pub locale: Locale,
    /// Time zone for calendar days and schedules.
    pub tz: Tz,
    /// Feature settings in force here (the community's own, else the
    /// top-level ones).
    pub features: Arc<FeaturesConfig>,
    /// Tokens of the language model it may spend per day (its own
    /// `[communities.ID.llm] daily_tokens`, else `[llm] daily_tokens`).
    pub llm_daily_tokens: i64,
    moderators: HashSet<String>,
    admins: HashSet<String>,
    /// Named roles, by name (`[communities.ID.roles]`).
    roles: Vec<Role>,
}

impl Community {
    fn from_config(id: &str, c: &CommunityConfig, config: &Config) -> Community {
        let global = &config.features;
        Community {
            id: id.to_owned(),
            name: if c.name.is_empty() { id.to_owned() } else { c.name.clone() },
            locale: c.locale,
            // Validated at load; the fallback only guards a config built in code.
            tz: c.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
            features: Arc::new(c.features.clone().unwrap_or_else(|| global.clone())),
            llm_daily_tokens: c.llm.daily_tokens.unwrap_or(config.llm.daily_tokens),
            moderators: c.moderators.iter().cloned().collect(),
            admins: c.admins.iter().cloned().collect(),
            // Entries were validated at load; one that is not readable (a
            // config built in code) names no one.
            roles: c
                .roles
                .iter()
                .map(|(name, entries)| Role {
                    name: name.clone(),
                    holders: entries.iter().filter_map(|e| Holder::parse(e).ok()).collect(),
                })
                .collect(),
        }
    }

    /// The permission level of the sender of `msg`, a message in a chat of
    /// this community: admins and moderators from config by
    /// `platform:user_id`; the platform's admins of a group chat are
    /// moderators (the flag never counts in a direct chat).
    pub fn role_of(&self, msg: &Incoming) -> Permission {
        let platform_admin = msg.sender.is_platform_admin && msg.chat.kind == ChatKind::Group;
        self.role_for(msg.chat.platform, &msg.sender.id, platform_admin)
    }

    /// The permission level of an account, given whether the platform says it
    /// administers a group chat of this community.
    pub fn role_for(&self, platform: Platform, user_id: &str, is_platform_admin: bool) -> Permission {
        let key = format!("{platform}:{user_id}");
        if self.admins.contains(&key) {
            Permission::Admin
        } else if self.moderators.contains(&key) || is_platform_admin {
            Permission::Moderator
        } else {
            Permission::Member
        }
    }

    /// The moderators and admins named in the config, as `platform:user_id`
    /// (platform admins of its chats are moderators too, but are not listed).
    pub fn staff(&self) -> impl Iterator<Item = &str> {
        self.admins.iter().chain(self.moderators.iter().filter(|m| !self.admins.contains(*m))).map(String::as_str)
    }

    /// The community's named roles, by name.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The role named exactly `name`, if the community has it.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// Whether the sender of `msg`, a message in a chat of this community,
    /// holds the role `name` here (see [`crate::roles`] for where platform
    /// roles count). An unknown name is held by no one.
    pub fn holds(&self, name: &str, msg: &Incoming) -> bool {
        self.role(name).is_some_and(|r| r.held_by(msg))
    }

    /// Whether this is an unknown chat's community of its own.
    pub fn is_own(&self) -> bool {
        self.id.starts_with(OWN_PREFIX)
    }
}

/// All communities and the chats the config lists for them.
#[derive(Debug)]
pub struct Communities {
    by_id: BTreeMap<String, Arc<Community>>,
    by_chat: HashMap<String, Arc<Community>>,
    default: Arc<Community>,
    unknown: UnknownChats,
    /// For `unknown_chats = "own"`: the settings each chat's community gets.
    global: Arc<Config>,
    /// The chat communities made so far.
    own: Mutex<HashMap<String, Arc<Community>>>,
}

impl Communities {
    /// Builds the map from config. With no community configured there is
    /// one, `default`.
    pub fn from_config(config: &Config) -> Communities {
        let default_id = &config.default_community_id();
        let mut by_id = BTreeMap::new();
        let mut by_chat = HashMap::new();
        for (id, c) in &config.communities {
            let community = Arc::new(Community::from_config(id, c, config));
            for chat in &c.chats {
                by_chat.insert(chat.clone(), community.clone());
            }
            by_id.insert(id.clone(), community);
        }
        let default = by_id
            .get(default_id)
            .cloned()
            .unwrap_or_else(|| Arc::new(Community::from_config(default_id, &CommunityConfig::default(), config)));
        Communities {
            by_id,
            by_chat,
            default,
            unknown: config.bot.unknown_chats,
            global: Arc::new(Config {
                communities: BTreeMap::new(),
                features: config.features.clone(),
                llm: config.llm.clone(),
                ..Config::default()
            }),
            own: Mutex::new(HashMap::new()),
        }
    }

    /// The community a chat belongs to by the config alone: a listed chat's,
    /// or the default community for console and direct chats. `None` for a
    /// group chat the config does not list (it may still be registered, or
    /// be its own community: see [`Communities::unknown_chats`]).
    pub fn listed(&self, chat: &Chat) -> Option<Arc<Community>> {
        if let Some(c) = self.by_chat.get(&chat.key()) {
            return Some(c.clone());
        }
        (chat.kind == ChatKind::Private || chat.platform == Platform::Console).then(|| self.default.clone())
    }

    /// The chats the config lists for community `id`, as `platform:chat_id`.
    pub fn listed_chats(&self, id: &str) -> Vec<String> {
        let mut chats: Vec<String> =
            self.by_chat.iter().filter(|(_, c)| c.id == id).map(|(chat, _)| chat.clone()).collect();
        chats.sort();
        chats
    }

    /// What happens to group chats that are neither listed nor registered.
    pub fn unknown_chats(&self) -> UnknownChats {
        self.unknown
    }

    /// The community of its own of an unknown chat (`unknown_chats = "own"`).
    pub fn own(&self, chat: &Chat) -> Arc<Community> {
        let id = format!("{OWN_PREFIX}{}", chat.key());
        self.own_by_id(&id)
    }

    fn own_by_id(&self, id: &str) -> Arc<Community> {
        let mut own = self.own.lock().unwrap_or_else(PoisonError::into_inner);
        own.entry(id.to_owned())
            .or_insert_with(|| {
                let settings =
                    CommunityConfig { name: id.trim_start_matches(OWN_PREFIX).to_owned(), ..Default::default() };
                let mut community = Community::from_config(id, &settings, &self.global);
                community.locale = self.default.locale;
                community.tz = self.default.tz;
                Arc::new(community)
            })
            .clone()
    }

    /// The default community: direct chats and the console belong to it.
    pub fn default_community(&self) -> &Arc<Community> {
        &self.default
    }

    /// A community by id (a chat's own community too, when unknown chats are
    /// communities of their own).
    pub fn get(&self, id: &str) -> Option<Arc<Community>> {
        if let Some(c) = self.by_id.get(id) {
            return Some(c.clone());
        }
        if self.default.id == id {
            return Some(self.default.clone());
        }
        (self.unknown == UnknownChats::Own && id.starts_with(OWN_PREFIX)).then(|| self.own_by_id(id))
    }

    /// Every configured community, the default one included (chats'
    /// communities of their own are not listed).
    pub fn all(&self) -> impl Iterator<Item = &Community> {
        let default_listed = self.by_id.contains_key(&self.default.id);
        self.by_id.values().chain((!default_listed).then_some(&self.default)).map(|c| c.as_ref())
    }
}
