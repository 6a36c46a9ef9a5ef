//! Configuration: a TOML file (optional) plus `JIXIA__SECTION__KEY`
//! environment overrides, checked at start with errors that name the key.
//! Every field has a default, so jixia runs with no file at all.
//!
//! Environment overrides: `JIXIA__TELEGRAM__TOKEN=…` sets `telegram.token`;
//! `JIXIA__COMMUNITIES__PGCN__TIMEZONE=…` sets `communities.pgcn.timezone`.
//! Values `true`/`false` and whole numbers are read as such, `[…]` as a TOML
//! array, anything else as text. A variable ending in `_FILE` reads the value
//! from that file (`JIXIA__TELEGRAM__TOKEN_FILE=/run/secrets/tg`).

use std::collections::BTreeMap;
use std::fmt::Display;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::message::Platform;
use crate::secret::{DbUrl, Secret};

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[bot]`: the bot itself.
    #[serde(default)]
    pub bot: BotConfig,
    /// `[database]`: where data lives.
    #[serde(default)]
    pub database: DatabaseConfig,
    /// `[log]`: logging.
    #[serde(default)]
    pub log: LogConfig,
    /// `[communities.ID]`: the communities and their chats.
    #[serde(default)]
    pub communities: BTreeMap<String, CommunityConfig>,
    /// `[telegram]`: the Telegram adapter.
    #[serde(default)]
    pub telegram: TelegramConfig,
    /// `[discord]`: the Discord adapter.
    #[serde(default)]
    pub discord: DiscordConfig,
    /// `[qq]`: the QQ adapter (OneBot v11).
    #[serde(default)]
    pub qq: QqConfig,
    /// `[http]`: the operators' endpoints (health, readiness, metrics).
    #[serde(default)]
    pub http: HttpConfig,
    /// `[dashboard]`: the moderators' web dashboard, served on `[http] listen`.
    #[serde(default)]
    pub dashboard: DashboardConfig,
    /// `[features.NAME]`: one section per feature, named like its module.
    #[serde(default)]
    pub features: FeaturesConfig,
    /// `[llm]`: the optional language model every feature that uses one
    /// shares (see [`crate::llm`]).
    #[serde(default)]
    pub llm: crate::llm::LlmConfig,
}

pub use crate::features::FeaturesConfig;

/// The largest number of points any one configured amount may be (an
/// award, a reward, a price), as a moderator's largest grant: far from
/// anything a community gives at once, and far enough below `i64::MAX`
/// that balances built from such amounts cannot overflow.
pub const MAX_POINTS: i64 = 1_000_000;

/// Checks one numeric setting, `PREFIX.NAME`, against its documented range
/// (`config/jixia.example.toml` states each one). The error names the key
/// and the range.
pub fn check_range<T: PartialOrd + Display>(
    prefix: &str,
    name: &str,
    value: T,
    range: RangeInclusive<T>,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(ConfigError::Key {
        key: format!("{prefix}.{name}"),
        message: format!("must be between {} and {}; got {value}", range.start(), range.end()),
    })
}

/// `[bot]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BotConfig {
    /// The name members mention the bot by (`@jixia`) and the console shows.
    pub name: String,
    /// The community that chats not listed in any community belong to, and
    /// direct chats. Default: the only configured community, or an implicit
    /// `default` community when none is configured. Required when several are.
    pub default_community: Option<String>,
    /// Group chats on Telegram and Discord that no community lists in its
    /// `chats` or registered with `/community add`.
    pub unknown_chats: UnknownChats,
}

impl Default for BotConfig {
    fn default() -> BotConfig {
        BotConfig { name: "jixia".into(), default_community: None, unknown_chats: UnknownChats::Ignore }
    }
}

/// What the bot does in a group chat that belongs to no community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnknownChats {
    /// Nothing, but say once how the chat can join a community (listing it
    /// in the config, or `/community add CODE` from one of its admins).
    #[default]
    Ignore,
    /// Each such chat is a community of its own, with its own ledger; its
    /// platform admins are its moderators.
    Own,
}

/// `[database]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// A SQLite path (`./jixia.db`, `sqlite://jixia.db`) or a PostgreSQL URL
    /// (`postgres://user:pass@host/db`). `--db` on the command line wins.
    pub url: Option<DbUrl>,
    /// Connections in the pool (SQLite: reader connections; writes go
    /// through one writer connection of their own).
    pub max_connections: u32,
    /// How long a SQLite writer waits for a lock, in milliseconds.
    pub busy_timeout_ms: u64,
    /// How long to keep trying to reach PostgreSQL at start, in milliseconds.
    pub connect_timeout_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> DatabaseConfig {
        DatabaseConfig { url: None, max_connections: 8, busy_timeout_ms: 5000, connect_timeout_ms: 10_000 }
    }
}

impl DatabaseConfig {
    /// What the store needs of this section.
    pub fn store_options(&self) -> crate::store::StoreOptions {
        crate::store::StoreOptions {
            max_connections: self.max_connections,
            busy_timeout_ms: self.busy_timeout_ms,
            connect_timeout_ms: self.connect_timeout_ms,
            must_exist: false,
        }
    }

    /// The same for a command that only reads or repairs (`doctor`,
    /// exports, `jobs`): a SQLite file that is not there is an error, not a
    /// new empty database.
    pub fn existing_store_options(&self) -> crate::store::StoreOptions {
        crate::store::StoreOptions { must_exist: true, ..self.store_options() }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// `[http]`: where `jixia run` answers operators: `/healthz`, `/readyz`,
/// `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// The address to listen on (`127.0.0.1:9464`); empty: no endpoints.
    /// The Telegram webhook's address shares its listener.
    pub listen: String,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig { listen: String::new(), metrics: MetricsAccess::Local }
    }
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricsAccess {
    /// Nobody: `/metrics` is not served.
    Off,
    /// Only connections from this machine (loopback addresses).
    Local,
    /// Anyone who reaches the listener (a proxy or firewall decides).
    Public,
}

impl HttpConfig {
    /// The checks serde cannot do.
    fn validate(&self) -> Result<(), ConfigError> {
        if !self.listen.is_empty() && self.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError::Key {
                key: "http.listen".into(),
                message: format!("`{}` is not an address and port such as 127.0.0.1:9464", self.listen),
            });
        }
        Ok(())
    }
}

/// `[dashboard]`: the moderators' read-only web dashboard (`/dashboard`
/// sends a one-time login link), served on the `[http] listen` listener.
/// One section for the whole process, not one per community: the listener,
/// its public address and its signing secret are the process's.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DashboardConfig {
    /// Serve the dashboard (needs `[http] listen`, `base_url` and the
    /// secret).
    pub enabled: bool,
    /// What login links start with: the dashboard's public address as
    /// members' browsers reach it (`https://bot.example.org`, behind a TLS
    /// proxy). An `https://` address also marks the session cookie `Secure`.
    pub base_url: String,
    /// The environment variable holding the secret login links are signed
    /// with (HMAC-SHA256): at least [`DASHBOARD_SECRET_MIN`] bytes, the same
    /// on every instance.
    pub secret_env: String,
    /// How long a dashboard session lasts, in hours.
    pub session_hours: i64,
    /// Serve a public leaderboard page per community
    /// (`/dashboard/ID/leaderboard`, no login): names, points and levels only.
    pub public_leaderboard: bool,
    /// The secret itself, read from `secret_env` by [`Config::load`]; never
    /// written out.
    #[serde(skip)]
    pub secret: Option<Secret>,
}

/// The shortest dashboard signing secret accepted, in bytes (256 bits).
pub const DASHBOARD_SECRET_MIN: usize = 32;

impl Default for DashboardConfig {
    fn default() -> DashboardConfig {
        DashboardConfig {
            enabled: false,
            base_url: String::new(),
            secret_env: "JIXIA_DASHBOARD_SECRET".into(),
            session_hours: 12,
            public_leaderboard: false,
            secret: None,
        }
    }
}

impl DashboardConfig {
    /// The base URL without a trailing `/`.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// Whether browsers reach the dashboard over TLS (cookies are `Secure`).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Reads the secret from `secret_env` in `env` when the dashboard is on.
    /// The value is never shown, in errors either.
    fn read_secret(&mut self, env: &[(String, String)]) -> Result<(), ConfigError> {
        if !self.enabled {
            return Ok(());
        }
        let key_err = |message: String| ConfigError::Key { key: "dashboard.secret_env".into(), message };
        let var = self.secret_env.as_str();
        match env.iter().find(|(k, _)| k == var).map(|(_, v)| v.trim()) {
            None | Some("") => Err(key_err(format!(
                "the dashboard is enabled but the environment variable {var} (its signing secret) is not set; \
                 set it to at least {DASHBOARD_SECRET_MIN} random bytes, e.g. `openssl rand -hex 32`"
            ))),
            Some(v) if v.len() < DASHBOARD_SECRET_MIN => Err(key_err(format!(
                "the secret in {var} is too short: at least {DASHBOARD_SECRET_MIN} bytes, e.g. `openssl rand -hex 32`"
            ))),
            Some(v) if is_placeholder_secret(v) => {
                Err(key_err(format!("the secret in {var} is a placeholder; use `openssl rand -hex 32`")))
            }
            Some(v) => {
                self.secret = Some(Secret::new(v));
                Ok(())
            }
        }
    }

    /// The checks serde cannot do.
    fn validate(&self, http: &HttpConfig) -> Result<(), ConfigError> {
        let key_err = |key: &str, message: String| ConfigError::Key { key: format!("dashboard.{key}"), message };
        check_range("dashboard", "session_hours", self.session_hours, 1..=720)?;
        if self.secret_env.is_empty()
            || !self.secret_env.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(key_err(
                "secret_env",
                format!("`{}` is not an environment variable name (A-Z, 0-9 and _)", self.secret_env),
            ));
        }
        if !self.enabled {
            return Ok(());
        }
        let url = self.base_url.as_str();
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.contains(['?', '#', ' ', '"', '<', '>'])) {
            return Err(key_err(
                "base_url",
                format!("`{url}` is not an http:// or https:// address such as https://bot.example.org"),
            ));
        }
        if http.listen.is_empty() {
            return Err(ConfigError::Key {
                key: "http.listen".into(),
                message: "the dashboard is enabled but nothing listens: set [http] listen, e.g. 127.0.0.1:9464".into(),
            });
        }
        Ok(())
    }
}

/// `[log]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `human` or `json`.
    pub format: LogFormat,
    /// Filter directives, as `RUST_LOG` (which wins when set).
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig { format: LogFormat::Human, filter: "info".into() }
    }
}

/// `[communities.ID]`: one community, spanning chats on many platforms.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommunityConfig {
    /// Display name.
    pub name: String,
    /// Default language of the community (`zh` or `en`); members may choose
    /// their own with `/lang`.
    pub locale: Locale,
    /// IANA time zone, for calendar days and schedules.
    pub timezone: String,
    /// Chats of this community, as `platform:chat_id`
    /// (`telegram:-1001234567890`, `discord:123456789012345678`, `console:general`).
    pub chats: Vec<String>,
    /// Moderators, as `platform:user_id`. Platform admins of a chat are
    /// moderators there too.
    pub moderators: Vec<String>,
    /// Admins (operators), as `platform:user_id`.
    pub admins: Vec<String>,
    /// `[communities.ID.roles]`: named roles (`speakers`, `志愿者`) and who
    /// holds each, as `platform:user_id`, `discord:role:ROLE_ID` or
    /// `console:role:NAME` (see [`crate::roles`]). Events may be limited to
    /// them (`/event create … roles=speakers`).
    pub roles: BTreeMap<String, Vec<String>>,
    /// `[communities.ID.features]`: this community's own feature settings,
    /// replacing the top-level `[features]` for it when present.
    pub features: Option<FeaturesConfig>,
    /// `[communities.ID.llm]`: this community's own language-model budget.
    pub llm: crate::llm::CommunityLlmConfig,
}

impl Default for CommunityConfig {
    fn default() -> CommunityConfig {
        CommunityConfig {
            name: String::new(),
            locale: Locale::Zh,
            timezone: "Asia/Shanghai".into(),
            chats: Vec::new(),
            moderators: Vec::new(),
            admins: Vec::new(),
            roles: BTreeMap::new(),
            features: None,
            llm: Default::default(),
        }
    }
}

/// How the Telegram adapter receives updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TelegramMode {
    /// Long polling (`getUpdates`).
    #[default]
    Polling,
    /// A webhook endpoint.
    Webhook,
}

/// `[telegram]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// Start the Telegram adapter with `jixia run`.
    pub enabled: bool,
    /// Bot token from BotFather; set it with `JIXIA__TELEGRAM__TOKEN`.
    pub token: Option<Secret>,
    /// `polling` or `webhook`.
    pub mode: TelegramMode,
    /// A self-hosted Bot API server instead of api.telegram.org.
    pub api_url: Option<String>,
    /// Webhook mode: the public HTTPS URL Telegram posts updates to. Its path
    /// is the path jixia serves.
    pub webhook_url: Option<String>,
    /// Webhook mode: the local address the webhook server listens on (behind
    /// a TLS-terminating reverse proxy).
    pub webhook_listen: String,
    /// Webhook mode: the secret Telegram sends in every request's
    /// `X-Telegram-Bot-Api-Secret-Token` header; requests without it are
    /// refused. 1–256 characters of `A-Z a-z 0-9 _ -`. Set it with
    /// `JIXIA__TELEGRAM__WEBHOOK_SECRET`; every instance uses the same one.
    pub webhook_secret: Option<Secret>,
    /// How long a group's administrator list is cached, in seconds.
    pub admin_cache_seconds: u64,
    /// How long a button whose command is too long to ride in the callback
    /// data itself stays valid, in seconds.
    pub button_ttl_seconds: u64,
    /// Messages per second for the whole bot (Telegram: about 30).
    pub global_per_second: u32,
    /// Messages per minute into one group (Telegram: about 20).
    pub group_per_minute: u32,
    /// Messages per second into one chat (Telegram: about 1).
    pub chat_per_second: u32,
}

impl Default for TelegramConfig {
    fn default() -> TelegramConfig {
        TelegramConfig {
            enabled: false,
            token: None,
            mode: TelegramMode::Polling,
            api_url: None,
            webhook_url: None,
            webhook_listen: "127.0.0.1:8443".into(),
            webhook_secret: None,
            admin_cache_seconds: 300,
            button_ttl_seconds: 86_400,
            global_per_second: 30,
            group_per_minute: 20,
            chat_per_second: 1,
        }
    }
}

impl DatabaseConfig {
    /// The ranges of the `[database]` section.
    fn validate(&self) -> Result<(), ConfigError> {
        check_range("database", "max_connections", self.max_connections, 1..=1000)?;
        check_range("database", "busy_timeout_ms", self.busy_timeout_ms, 0..=600_000)?;
        check_range("database", "connect_timeout_ms", self.connect_timeout_ms, 100..=600_000)
    }
}

impl TelegramConfig {
    /// The checks of the `[telegram]` section that serde cannot do.
    fn validate(&self) -> Result<(), ConfigError> {
        let key_err = |key: &str, message: String| ConfigError::Key { key: format!("telegram.{key}"), message };
        check_range("telegram", "admin_cache_seconds", self.admin_cache_seconds, 0..=86_400)?;
        check_range("telegram", "button_ttl_seconds", self.button_ttl_seconds, 60..=2_592_000)?;
        check_range("telegram", "global_per_second", self.global_per_second, 1..=1000)?;
        check_range("telegram", "group_per_minute", self.group_per_minute, 1..=1000)?;
        check_range("telegram", "chat_per_second", self.chat_per_second, 1..=100)?;
        if let Some(url) = &self.api_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(key_err("api_url", format!("`{url}` is not an http:// or https:// URL")));
        }
        if self.mode != TelegramMode::Webhook {
            return Ok(());
        }
        match &self.webhook_url {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {}
            Some(url) => return Err(key_err("webhook_url", format!("`{url}` is not an https:// URL"))),
            None => return Err(key_err("webhook_url", "webhook mode needs the public URL Telegram posts to".into())),
        }
        if self.webhook_listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(key_err(
                "webhook_listen",
                format!("`{}` is not an address with a port, such as 127.0.0.1:8443", self.webhook_listen),
            ));
        }
        let secret_ok = self.webhook_secret.as_ref().is_some_and(|s| {
            let s = s.expose();
            (1..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
        if !secret_ok {
            return Err(key_err(
                "webhook_secret",
                "webhook mode needs a secret of 1-256 characters A-Z, a-z, 0-9, _ and -; \
                 set JIXIA__TELEGRAM__WEBHOOK_SECRET"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// `[discord]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// Start the Discord adapter with `jixia run`.
    pub enabled: bool,
    /// Bot token; set it with `JIXIA__DISCORD__TOKEN`.
    pub token: Option<Secret>,
    /// A proxy for all REST calls instead of discord.com (`http://host:port`,
    /// standing for `https://discord.com`); the gateway URL is looked up
    /// there too.
    pub api_url: Option<String>,
    /// The shards this instance runs: `FIRST-LAST/TOTAL` (`0-3/16`) or
    /// `INDEX/TOTAL`. Instances sharing one bot split the shards between them.
    pub shards: String,
    /// Register slash commands in this guild only (instant; for development).
    /// Without it they are registered globally.
    #[serde(deserialize_with = "discord_id")]
    pub guild_id: Option<String>,
    /// Members with this role id are moderators (as are members with Manage
    /// Guild).
    #[serde(deserialize_with = "discord_id")]
    pub moderator_role: Option<String>,
    /// Requests per second for this instance (Discord: 50 per bot; instances
    /// sharing a bot share that).
    pub global_per_second: u32,
    /// How long a button whose command does not fit in a custom id stays
    /// valid, in seconds.
    pub button_ttl_seconds: u64,
}

impl Default for DiscordConfig {
    fn default() -> DiscordConfig {
        DiscordConfig {
            enabled: false,
            token: None,
            api_url: None,
            shards: "0/1".into(),
            guild_id: None,
            moderator_role: None,
            global_per_second: 50,
            button_ttl_seconds: 86_400,
        }
    }
}

/// A Discord id written as a string (`"42"`) or, as an environment override
/// gives it, a number (`42`).
fn discord_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(u64),
    }
    Ok(Option::<Id>::deserialize(d)?.map(|id| match id {
        Id::Text(s) => s,
        Id::Number(n) => n.to_string(),
    }))
}

/// The shards one instance runs: `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    /// The first shard id.
    pub first: u32,
    /// The last shard id (inclusive).
    pub last: u32,
    /// How many shards the bot has in all instances.
    pub total: u32,
}

impl ShardRange {
    /// Parses `0-3/16` or `2/16`; `None` when malformed or out of range.
    pub fn parse(s: &str) -> Option<ShardRange> {
        let (range, total) = s.trim().split_once('/')?;
        let total: u32 = total.trim().parse().ok()?;
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let n: u32 = range.trim().parse().ok()?;
                (n, n)
            }
        };
        (total >= 1 && first <= last && last < total).then_some(ShardRange { first, last, total })
    }
}

impl DiscordConfig {
    /// The checks of the `[discord]` section that serde cannot do.
    fn validate(&self) -> Result<(), ConfigError> {
        let key_err = |key: &str, message: String| ConfigError::Key { key: format!("discord.{key}"), message };
        if ShardRange::parse(&self.shards).is_none() {
            return Err(key_err(
                "shards",
                format!("`{}` is not FIRST-LAST/TOTAL (such as 0-3/16) or INDEX/TOTAL", self.shards),
            ));
        }
        if let Some(url) = &self.api_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(key_err("api_url", format!("`{url}` is not an http:// or https:// URL")));
        }
        for (key, value) in [("guild_id", &self.guild_id), ("moderator_role", &self.moderator_role)] {
            if let Some(v) = value
                && v.parse::<u64>().is_err()
            {
                return Err(key_err(key, format!("`{v}` is not a Discord id (a number)")));
            }
        }
        check_range("discord", "global_per_second", self.global_per_second, 1..=1000)?;
        check_range("discord", "button_ttl_seconds", self.button_ttl_seconds, 60..=2_592_000)
    }
}

/// How the QQ adapter reaches its OneBot v11 implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum QqMode {
    /// Reverse WebSocket: jixia listens on `listen`, the implementation
    /// connects (NapCat's and Lagrange's "reverse WebSocket" client).
    #[default]
    Reverse,
    /// Forward WebSocket: jixia connects to the implementation's server at
    /// `url`, and reconnects with back-off.
    Forward,
}

/// `[qq]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct QqConfig {
    /// Start the QQ adapter with `jixia run`.
    pub enabled: bool,
    /// `reverse` (jixia listens) or `forward` (jixia connects).
    pub mode: QqMode,
    /// Reverse mode: the address jixia's WebSocket server listens on.
    pub listen: String,
    /// Forward mode: the implementation's WebSocket server (`ws://host:port`).
    pub url: Option<String>,
    /// The OneBot access token, checked on every reverse connection and
    /// sent on forward ones; set it with `JIXIA__QQ__ACCESS_TOKEN`.
    pub access_token: Option<Secret>,
    /// The bot's QQ number. Optional: jixia asks the implementation
    /// (`get_login_info`); when set, a connection for another account is
    /// refused.
    #[serde(deserialize_with = "discord_id")]
    pub self_id: Option<String>,
    /// How long an action (sending a message) may take before it counts as
    /// failed, in seconds.
    pub action_timeout_seconds: u64,
    /// Messages per second into one group or private chat.
    pub chat_per_second: u32,
    /// Messages per minute for the whole account, spread evenly.
    pub account_per_minute: u32,
    /// Up to this many milliseconds of random delay added to each message's
    /// wait, so the pace does not look like a machine's.
    pub jitter_ms: u64,
}

impl Default for QqConfig {
    fn default() -> QqConfig {
        QqConfig {
            enabled: false,
            mode: QqMode::Reverse,
            listen: "127.0.0.1:8765".into(),
            url: None,
            access_token: None,
            self_id: None,
            action_timeout_seconds: 15,
            chat_per_second: 1,
            account_per_minute: 20,
            jitter_ms: 300,
        }
    }
}

impl QqConfig {
    /// The checks of the `[qq]` section that serde cannot do.
    fn validate(&self) -> Result<(), ConfigError> {
        let key_err = |key: &str, message: String| ConfigError::Key { key: format!("qq.{key}"), message };
        check_range("qq", "action_timeout_seconds", self.action_timeout_seconds, 1..=300)?;
        check_range("qq", "chat_per_second", self.chat_per_second, 1..=100)?;
        check_range("qq", "account_per_minute", self.account_per_minute, 1..=100_000)?;
        check_range("qq", "jitter_ms", self.jitter_ms, 0..=10_000)?;
        if let Some(id) = &self.self_id
            && (id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(key_err("self_id", format!("`{id}` is not a QQ number")));
        }
        if let Some(url) = &self.url
            && !url.starts_with("ws://")
        {
            // Without its query: an `?access_token=` must not reach a log.
            let url = url.split_once('?').map_or(url.clone(), |(base, _)| format!("{base}?…"));
            return Err(key_err(
                "url",
                format!(
                    "`{url}` is not a ws:// URL (jixia speaks plain WebSocket to an implementation on the same \
                     host or network; for wss, put a TLS proxy in front or use reverse mode)"
                ),
            ));
        }
        if !self.enabled {
            return Ok(());
        }
        match self.mode {
            QqMode::Reverse => {
                if self.listen.parse::<std::net::SocketAddr>().is_err() {
                    return Err(key_err(
                        "listen",
                        format!("`{}` is not an address with a port, such as 127.0.0.1:8765", self.listen),
                    ));
                }
                if let Some(t) = &self.access_token
                    && is_placeholder_secret(t.expose().trim())
                {
                    return Err(key_err(
                        "access_token",
                        "the access token is a placeholder copied from an example, not a real token; \
                         set JIXIA__QQ__ACCESS_TOKEN"
                            .into(),
                    ));
                }
                if self.access_token.as_ref().is_none_or(|t| t.expose().trim().is_empty()) {
                    return Err(key_err(
                        "access_token",
                        "qq is enabled in reverse mode but has no access token, so anyone who reaches the port \
                         could speak as QQ; set JIXIA__QQ__ACCESS_TOKEN (and the same token in the OneBot \
                         implementation)"
                            .into(),
                    ));
                }
            }
            QqMode::Forward => {
                if self.url.is_none() {
                    return Err(key_err(
                        "url",
                        "forward mode needs the implementation's WebSocket server, such as ws://127.0.0.1:3001".into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The configuration could not be used. Each variant names where to look.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("config file {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (the I/O error's message; kept as text so it is said once).
        reason: String,
    },
    /// The file is not valid TOML.
    #[error("config file {path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An environment override could not be applied.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// A key has a value that is not allowed (or is unknown).
    #[error("config key `{key}`: {message}")]
    Key {
        /// The dotted key, e.g. `communities.pgcn.timezone`.
        key: String,
        /// What is wrong and what would be right.
        message: String,
    },
}

const ENV_PREFIX: &str = "JIXIA__";

impl Config {
    /// Loads the file (if any), applies environment overrides from `env`, and
    /// validates. Pass `std::env::vars()` in production.
    pub fn load(path: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut table = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::Read { path: path.to_owned(), reason: e.to_string() })?;
                toml::from_str::<toml::Table>(&text)
                    .map_err(|e| ConfigError::Syntax { path: path.to_owned(), message: syntax_message(&text, &e) })?
            }
            None => toml::Table::new(),
        };
        let env: Vec<(String, String)> = env.into_iter().collect();
        let mut overrides: Vec<&(String, String)> = env.iter().filter(|(k, _)| k.starts_with(ENV_PREFIX)).collect();
        overrides.sort();
        for (var, value) in overrides {
            apply_env(&mut table, var, value)?;
        }
        let mut config: Config = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let key = e.path().to_string();
            ConfigError::Key { key, message: e.into_inner().message().to_owned() }
        })?;
        config.validate()?;
        config.dashboard.read_secret(&env)?;
        Ok(config)
    }

    /// The semantic checks serde cannot do.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let key_err = |key: String, message: String| ConfigError::Key { key, message };
        if self.bot.name.trim().is_empty() {
            return Err(key_err("bot.name".into(), "must not be empty".into()));
        }
        self.database.validate()?;
        self.http.validate()?;
        self.dashboard.validate(&self.http)?;
        self.llm.validate()?;
        self.validate_features()?;
        let known: Vec<&str> = self.communities.keys().map(String::as_str).collect();
        match &self.bot.default_community {
            Some(id) if !self.communities.is_empty() && !self.communities.contains_key(id) => {
                return Err(key_err(
                    "bot.default_community".into(),
                    format!("no community `{id}` is configured (known: {})", known.join(", ")),
                ));
            }
            None if self.communities.len() > 1 => {
                return Err(key_err(
                    "bot.default_community".into(),
                    format!(
                        "several communities are configured ({}); say which one unlisted and direct chats belong to",
                        known.join(", ")
                    ),
                ));
            }
            _ => {}
        }
        let mut seen_chats: BTreeMap<&str, &str> = BTreeMap::new();
        for (id, c) in &self.communities {
            if !is_identifier(id) {
                return Err(key_err(
                    format!("communities.{id}"),
                    "a community id is lower-case letters, digits, `-` and `_`".into(),
                ));
            }
            if c.timezone.parse::<chrono_tz::Tz>().is_err() {
                return Err(key_err(
                    format!("communities.{id}.timezone"),
                    format!(
                        "unknown time zone `{}`; use an IANA name such as Asia/Shanghai or Europe/Berlin",
                        c.timezone
                    ),
                ));
            }
            for (field, list) in [("chats", &c.chats), ("moderators", &c.moderators), ("admins", &c.admins)] {
                for (i, entry) in list.iter().enumerate() {
                    if parse_platform_ref(entry).is_none() {
                        return Err(key_err(
                            format!("communities.{id}.{field}[{i}]"),
                            format!("`{entry}` is not `platform:id` with platform console, telegram, discord or qq"),
                        ));
                    }
                }
            }
            validate_roles(id, &c.roles)?;
            c.llm.validate(id)?;
            for chat in &c.chats {
                if let Some(other) = seen_chats.insert(chat.as_str(), id.as_str()) {
                    let message = if other == id {
                        format!("chat `{chat}` is listed twice")
                    } else {
                        format!("chat `{chat}` is already in community `{other}`; a chat belongs to one community")
                    };
                    return Err(key_err(format!("communities.{id}.chats"), message));
                }
            }
        }
        self.telegram.validate()?;
        self.discord.validate()?;
        self.qq.validate()?;
        for (section, enabled, token) in [
            ("telegram", self.telegram.enabled, &self.telegram.token),
            ("discord", self.discord.enabled, &self.discord.token),
        ] {
            if !enabled {
                continue;
            }
            let var = format!("JIXIA__{}__TOKEN", section.to_uppercase());
            match token.as_ref().map(|t| t.expose().trim()) {
                None | Some("") => {
                    return Err(key_err(
                        format!("{section}.token"),
                        format!("{section} is enabled but has no token; set {var}"),
                    ));
                }
                Some(t) if is_placeholder_token(t) => {
                    return Err(key_err(
                        format!("{section}.token"),
                        format!("{section} is enabled but its token is a placeholder, not a real token; set {var}"),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The feature sections' checks: the top-level `[features]` and each
    /// community's own. [`crate::Engine::new`] runs them too.
    pub fn validate_features(&self) -> Result<(), ConfigError> {
        self.features.validate("features")?;
        for (id, c) in &self.communities {
            if let Some(features) = &c.features {
                features.validate(&format!("communities.{id}.features"))?;
            }
        }
        Ok(())
    }

    /// The id of the community that unlisted and direct chats belong to.
    pub fn default_community_id(&self) -> String {
        match (&self.bot.default_community, self.communities.len()) {
            (Some(id), _) => id.clone(),
            (None, 1) => self.communities.keys().next().cloned().unwrap_or_else(|| "default".into()),
            (None, _) => "default".into(),
        }
    }

    /// The default community's settings, created if absent (the console uses
    /// this to add `--moderator` names with zero config).
    pub fn default_community_mut(&mut self) -> &mut CommunityConfig {
        let id = self.default_community_id();
        self.communities.entry(id).or_default()
    }
}

/// The parser's message with line and column, but without the source line
/// it would quote: that line may hold a token or a database password.
fn syntax_message(text: &str, e: &toml::de::Error) -> String {
    let Some(before) = e.span().and_then(|span| text.get(..span.start)) else {
        return e.message().to_owned();
    };
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}: {}", e.message())
}

/// Whether a token is a placeholder copied from an example (`***`,
/// `<token>`, `YOUR_TOKEN`…) rather than a real one: real Telegram and
/// Discord tokens are letters, digits, `:`, `_`, `-` and `.` only. The value
/// is never shown.
fn is_placeholder_token(token: &str) -> bool {
    let lower = token.to_lowercase();
    let words = ["changeme", "change-me", "your_token", "your-token", "yourtoken", "token", "xxx", "example"];
    !token.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'))
        || words.iter().any(|w| lower == *w || lower.starts_with("your"))
}

/// Whether a secret of free form (any characters, unlike a bot token) is a
/// placeholder copied from an example: `***`, `<token>`, `YOUR_TOKEN`. The
/// value is never shown.
fn is_placeholder_secret(secret: &str) -> bool {
    let lower = secret.to_lowercase();
    let words = ["changeme", "change-me", "your_token", "your-token", "yourtoken", "token", "xxx", "example"];
    secret.chars().all(|c| c == '*')
        || (secret.starts_with('<') && secret.ends_with('>'))
        || words.iter().any(|w| lower == *w || lower.starts_with("your"))
}

/// The checks of `[communities.ID.roles]`: names members can type, no two
/// the same but for case, every holder readable.
fn validate_roles(id: &str, roles: &BTreeMap<String, Vec<String>>) -> Result<(), ConfigError> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, holders) in roles {
        let key = format!("communities.{id}.roles.{name}");
        if !crate::roles::is_role_name(name) {
            return Err(ConfigError::Key {
                key,
                message: format!(
                    "a role name is 1-{} letters, digits, `-` and `_` (no spaces or commas)",
                    crate::roles::MAX_ROLE_NAME
                ),
            });
        }
        if let Some(other) = seen.insert(name.to_lowercase(), name) {
            return Err(ConfigError::Key { key, message: format!("the same name as role `{other}` but for case") });
        }
        for (i, entry) in holders.iter().enumerate() {
            if let Err(e) = crate::roles::Holder::parse(entry) {
                return Err(ConfigError::Key { key: format!("{key}[{i}]"), message: e.to_string() });
            }
        }
    }
    Ok(())
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Splits `platform:id` into its parts, checking the platform.
pub fn parse_platform_ref(s: &str) -> Option<(Platform, &str)> {
    let (platform, id) = s.split_once(':')?;
    let platform = Platform::parse(platform)?;
    (!id.is_empty()).then_some((platform, id))
}

fn apply_env(table: &mut toml::Table, var: &str, raw: &str) -> Result<(), ConfigError> {
    let env_err = |message: String| ConfigError::Env { var: var.to_owned(), message };
    let path = var.trim_start_matches(ENV_PREFIX);
    let mut keys: Vec<String> = path.split("__").map(str::to_lowercase).collect();
    if keys.iter().any(String::is_empty) {
        return Err(env_err("empty key segment (use JIXIA__SECTION__KEY)".into()));
    }
    let value = match keys.last_mut().and_then(|k| k.strip_suffix("_file").map(str::to_owned).map(|b| (k, b))) {
        Some((last, base)) => {
            *last = base;
            let text = std::fs::read_to_string(raw).map_err(|e| env_err(format!("cannot read {raw}: {e}")))?;
            toml::Value::String(text.trim().to_owned())
        }
        None => env_value(raw),
    };
    let Some((last, parents)) = keys.split_last() else {
        return Err(env_err("no key".into()));
    };
    let mut cur = table;
    for key in parents {
        let entry = cur.entry(key.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = match entry {
            toml::Value::Table(t) => t,
            _ => return Err(env_err(format!("`{key}` is not a section"))),
        };
    }
    cur.insert(last.clone(), value);
    Ok(())
}

fn env_value(raw: &str) -> toml::Value {
    match raw {
        "true" => return toml::Value::Boolean(true),
        "false" => return toml::Value::Boolean(false),
        _ => {}
    }
    // Only a number that reads back the same: `0012` or `+5` stay text, so
    // a digit-only token or id keeps its exact form.
    if let Ok(n) = raw.parse::<i64>()
        && n.to_string() == raw
    {
        return toml::Value::Integer(n);
    }
    // A decimal (`0.5`), on the same terms.
    if raw.contains('.')
        && let Ok(x) = raw.parse::<f64>()
        && x.is_finite()
        && x.to_string() == raw
    {
        return toml::Value::Float(x);
    }
    if raw.starts_with('[')
        && let Ok(mut t) = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        && let Some(v) = t.remove("v")
    {
        return v;
    }
    toml::Value::String(raw.to_owned())
}

#[cfg(test)]
mod discord_tests {
    use super::*;

    #[test]
    fn shard_ranges() {
        assert_eq!(ShardRange::parse("0-3/16"), Some(ShardRange { first: 0, last: 3, total: 16 }));
        assert_eq!(ShardRange::parse(" 5/8 "), Some(ShardRange { first: 5, last: 5, total: 8 }));
        assert_eq!(ShardRange::parse("0/1"), Some(ShardRange { first: 0, last: 0, total: 1 }));
        for bad in ["", "0-16/16", "3-1/4", "0/0", "a-b/c", "0-3", "-1/2"] {
            assert_eq!(ShardRange::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn discord_ids_as_strings_or_numbers() {
        let c: DiscordConfig =
            toml::from_str("guild_id = 42\nmoderator_role = \"7\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.guild_id.as_deref(), Some("42"));
        assert_eq!(c.moderator_role.as_deref(), Some("7"));
        assert!(c.validate().is_ok());
        let bad = DiscordConfig { shards: "4/4".into(), ..DiscordConfig::default() };
        assert!(bad.validate().is_err());
        let bad = DiscordConfig { guild_id: Some("general".into()), ..DiscordConfig::default() };
        assert!(bad.validate().is_err());
    }
}
