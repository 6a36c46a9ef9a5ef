//! Communities: which chats belong together, their language, time zone and
//! moderators, and the permission level of a sender.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono_tz::Tz;

use crate::command::Permission;
use crate::config::{CommunityConfig, Config, FeaturesConfig};
use crate::i18n::Locale;
use crate::message::{Chat, Incoming, Platform};

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
    moderators: HashSet<String>,
    admins: HashSet<String>,
}

impl Community {
    fn from_config(id: &str, c: &CommunityConfig, global: &FeaturesConfig) -> Community {
        Community {
            id: id.to_owned(),
            name: if c.name.is_empty() { id.to_owned() } else { c.name.clone() },
            locale: c.locale,
            // Validated at load; the fallback only guards a config built in code.
            tz: c.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
            features: Arc::new(c.features.clone().unwrap_or_else(|| global.clone())),
            moderators: c.moderators.iter().cloned().collect(),
            admins: c.admins.iter().cloned().collect(),
        }
    }

    /// The permission level of the sender of `msg`: admins and moderators
    /// from config by `platform:user_id`; platform admins are moderators.
    pub fn role_of(&self, msg: &Incoming) -> Permission {
        self.role_for(msg.chat.platform, &msg.sender.id, msg.sender.is_platform_admin)
    }

    /// The permission level of an account, given whether the platform says it
    /// administers the chat at hand.
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
}

/// All communities and the chat → community map.
#[derive(Debug, Clone)]
pub struct Communities {
    by_id: BTreeMap<String, Community>,
    by_chat: HashMap<String, String>,
    default: Community,
}

impl Communities {
    /// Builds the map from config. With no community configured there is one,
    /// `default`, and every chat belongs to it.
    pub fn from_config(config: &Config) -> Communities {
        let default_id = &config.default_community_id();
        let mut by_id = BTreeMap::new();
        let mut by_chat = HashMap::new();
        for (id, c) in &config.communities {
            by_id.insert(id.clone(), Community::from_config(id, c, &config.features));
            for chat in &c.chats {
                by_chat.insert(chat.clone(), id.clone());
            }
        }
        let default = by_id
            .get(default_id)
            .cloned()
            .unwrap_or_else(|| Community::from_config(default_id, &CommunityConfig::default(), &config.features));
        Communities { by_id, by_chat, default }
    }

    /// The community of a chat; unlisted chats and direct chats belong to the
    /// default community.
    pub fn for_chat(&self, chat: &Chat) -> &Community {
        self.by_chat.get(&chat.key()).and_then(|id| self.by_id.get(id)).unwrap_or(&self.default)
    }

    /// A community by id.
    pub fn get(&self, id: &str) -> Option<&Community> {
        self.by_id.get(id).or((self.default.id == id).then_some(&self.default))
    }

    /// Every community, the default one included.
    pub fn all(&self) -> impl Iterator<Item = &Community> {
        self.by_id.values().chain(std::iter::once(&self.default))
    }
}
