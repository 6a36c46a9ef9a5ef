//! Loading configuration the way an operator does: a TOML file plus
//! `JIXIA__…` environment variables, and the errors they get when something
//! is wrong. The environment is always passed explicitly, never read.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use jixia::config::{Config, ConfigError, LogFormat, TelegramMode};
use jixia::i18n::Locale;

/// A file in the temp directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("jixia-config-test-{}-{n}.toml", std::process::id()));
        if let Err(e) = std::fs::write(&path, contents) {
            panic!("cannot write {}: {e}", path.display());
        }
        TempFile(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Loads `toml` (when given) with the environment `vars`.
fn load(toml: Option<&str>, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let file = toml.map(TempFile::new);
    Config::load(file.as_ref().map(TempFile::path), env(vars))
}

fn loads(toml: Option<&str>, vars: &[(&str, &str)]) -> Config {
    match load(toml, vars) {
        Ok(config) => config,
        Err(e) => panic!("config should load, got: {e}"),
    }
}

/// The key and message of a `ConfigError::Key`, after checking that the
/// operator-facing line names the key.
fn key_error(toml: Option<&str>, vars: &[(&str, &str)]) -> (String, String) {
    match load(toml, vars) {
        Ok(config) => panic!("config should be rejected, got {config:?}"),
        Err(ConfigError::Key { key, message }) => {
            let shown = ConfigError::Key { key: key.clone(), message: message.clone() }.to_string();
            assert!(shown.contains(&format!("`{key}`")), "{shown}");
            (key, message)
        }
        Err(e) => panic!("expected a key error, got {e:?}"),
    }
}

const PGCN: &str = r#"
[bot]
name = "稷下"
default_community = "pgcn"

[database]
url = "postgres://jixia:hunter2@db.example/jixia"
max_connections = 4

[log]
format = "json"
filter = "jixia=debug"

[communities.pgcn]
name = "PostgreSQL 中文社区"
locale = "en"
timezone = "Europe/Berlin"
chats = ["telegram:-1001234567890", "discord:123456789012345678", "console:general"]
moderators = ["telegram:1111", "console:bob"]
admins = ["console:alice"]

[telegram]
enabled = true
token = "123456:ABC-secret-token"
mode = "webhook"
webhook_url = "https://bot.example.org/telegram/updates"
webhook_secret = "hook-secret-value"
"#;

// ---------------------------------------------------------------------------
// Loading

#[test]
fn no_file_and_no_environment_gives_the_defaults() {
    let mut config = loads(None, &[]);
    assert_eq!(config.bot.name, "jixia");
    assert_eq!(config.default_community_id(), "default");
    assert!(config.communities.is_empty());
    assert!(config.database.url.is_none());
    assert_eq!(config.database.max_connections, 8);
    assert_eq!(config.log.format, LogFormat::Human);
    assert!(!config.telegram.enabled && config.telegram.token.is_none());
    assert!(!config.discord.enabled && config.discord.token.is_none());

    let default = config.default_community_mut();
    assert_eq!(default.locale, Locale::Zh);
    assert_eq!(default.timezone, "Asia/Shanghai");
}

#[test]
fn an_empty_file_gives_the_defaults_too() {
    let config = loads(Some(""), &[]);
    assert_eq!(config.bot.name, "jixia");
    assert!(config.communities.is_empty());
}

#[test]
fn a_full_file_is_read_into_every_section() {
    let config = loads(Some(PGCN), &[]);
    assert_eq!(config.bot.name, "稷下");
    assert_eq!(config.default_community_id(), "pgcn");
    assert_eq!(config.database.url.as_ref().map(|u| u.is_postgres()), Some(true));
    assert_eq!(config.database.max_connections, 4);
    assert_eq!(config.log.format, LogFormat::Json);
    assert_eq!(config.log.filter, "jixia=debug");

    let pgcn = &config.communities["pgcn"];
    assert_eq!(pgcn.name, "PostgreSQL 中文社区");
    assert_eq!(pgcn.locale, Locale::En);
    assert_eq!(pgcn.timezone, "Europe/Berlin");
    assert_eq!(pgcn.chats, ["telegram:-1001234567890", "discord:123456789012345678", "console:general"]);
    assert_eq!(pgcn.moderators, ["telegram:1111", "console:bob"]);
    assert_eq!(pgcn.admins, ["console:alice"]);

    assert!(config.telegram.enabled);
    assert_eq!(config.telegram.mode, TelegramMode::Webhook);
    assert_eq!(config.telegram.token.as_ref().map(|t| t.expose()), Some("123456:ABC-secret-token"));
}

#[test]
fn a_community_with_fields_left_out_gets_their_defaults() {
    let config = loads(Some("[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn]\n"), &[]);
    let pgcn = &config.communities["pgcn"];
    assert_eq!(pgcn.locale, Locale::Zh);
    assert_eq!(pgcn.timezone, "Asia/Shanghai");
    assert!(pgcn.chats.is_empty());
}

// ---------------------------------------------------------------------------
// File errors

#[test]
fn a_missing_file_is_a_read_error_naming_the_file() {
    let path = std::env::temp_dir().join(format!("jixia-config-test-{}-absent.toml", std::process::id()));
    match Config::load(Some(&path), env(&[])) {
        Err(e @ ConfigError::Read { .. }) => {
            let shown = e.to_string();
            assert!(shown.contains(&path.display().to_string()), "{shown}");
        }
        other => panic!("expected a read error, got {other:?}"),
    }
}

#[test]
fn a_toml_syntax_error_names_the_file_and_the_line() {
    let file = TempFile::new("[bot]\nname = \"jixia\"\ndefault_community = \n");
    match Config::load(Some(file.path()), env(&[])) {
        Err(e @ ConfigError::Syntax { .. }) => {
            let shown = e.to_string();
            assert!(shown.contains(&file.path().display().to_string()), "{shown}");
            assert!(shown.contains("line 3"), "{shown}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_syntax_error_does_not_echo_a_secret_on_the_broken_line() {
    // The token's closing quote is missing: the parser's own report would
    // quote the whole line, token included, into the log.
    let file = TempFile::new("[telegram]\nenabled = true\ntoken = \"123456:ABC-secret-token\n");
    match Config::load(Some(file.path()), env(&[])) {
        Err(e @ ConfigError::Syntax { .. }) => {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("ABC-secret-token"), "{shown}");
            assert!(shown.contains("line 3"), "{shown}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Key errors

#[test]
fn an_unknown_top_level_key_is_named() {
    let (key, message) = key_error(Some("colour = \"red\"\n"), &[]);
    assert_eq!(key, "colour");
    assert!(message.contains("unknown field `colour`"), "{message}");
    // The operator is told what would have been right.
    assert!(message.contains("`telegram`"), "{message}");
}

#[test]
fn a_typo_inside_a_section_is_named_by_its_full_path() {
    let (key, message) = key_error(Some("[telegram]\ntokn = \"x\"\n"), &[]);
    assert_eq!(key, "telegram.tokn");
    assert!(message.contains("unknown field `tokn`"), "{message}");
    assert!(message.contains("`token`"), "{message}");

    let (key, message) = key_error(Some("[communities.pgcn]\ntimezon = \"Asia/Tokyo\"\n"), &[]);
    assert_eq!(key, "communities.pgcn.timezon");
    assert!(message.contains("unknown field `timezon`"), "{message}");
}

#[test]
fn a_value_of_the_wrong_type_is_named() {
    let (key, message) = key_error(Some("[telegram]\nenabled = \"yes\"\n"), &[]);
    assert_eq!(key, "telegram.enabled");
    assert!(message.contains("boolean"), "{message}");

    let (key, message) = key_error(Some("[communities.pgcn]\nlocale = \"fr\"\n"), &[]);
    assert_eq!(key, "communities.pgcn.locale");
    assert!(message.contains("`fr`") && message.contains("`en`"), "{message}");

    let (key, _) = key_error(Some("[log]\nformat = \"xml\"\n"), &[]);
    assert_eq!(key, "log.format");
}

#[test]
fn an_unknown_time_zone_is_named_with_an_example_of_a_good_one() {
    let toml = "[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn]\ntimezone = \"Beijing\"\n";
    let (key, message) = key_error(Some(toml), &[]);
    assert_eq!(key, "communities.pgcn.timezone");
    assert!(message.contains("`Beijing`"), "{message}");
    assert!(message.contains("Asia/Shanghai"), "{message}");
}

#[test]
fn a_chat_on_an_unknown_platform_is_named_by_its_position() {
    let toml = "[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn]\nchats = [\"irc:#pg\"]\n";
    let (key, message) = key_error(Some(toml), &[]);
    assert_eq!(key, "communities.pgcn.chats[0]");
    assert!(message.contains("`irc:#pg`"), "{message}");
    assert!(message.contains("telegram"), "{message}");
}

#[test]
fn roles_name_accounts_and_discord_roles_and_telegram_has_none() {
    let head = "[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn.roles]\n";
    let ok =
        format!("{head}speakers = [\"discord:role:77\", \"telegram:1001\", \"console:role:host\"]\n\"志愿者\" = []\n");
    let config = loads(Some(&ok), &[]);
    let roles = config.communities.get("pgcn").map(|c| c.roles.keys().cloned().collect::<Vec<_>>());
    assert_eq!(roles, Some(vec!["speakers".to_owned(), "志愿者".to_owned()]));

    let (key, message) = key_error(Some(&format!("{head}speakers = [\"telegram:role:5\"]\n")), &[]);
    assert_eq!(key, "communities.pgcn.roles.speakers[0]");
    assert!(message.contains("Telegram has no roles"), "{message}");
    let (key, message) = key_error(Some(&format!("{head}speakers = [\"discord:role:mods\"]\n")), &[]);
    assert_eq!(key, "communities.pgcn.roles.speakers[0]");
    assert!(message.contains("a number"), "{message}");
    let (key, _) = key_error(Some(&format!("{head}\"core team\" = []\n")), &[]);
    assert_eq!(key, "communities.pgcn.roles.core team");
    let (key, message) = key_error(Some(&format!("{head}Speakers = []\nspeakers = []\n")), &[]);
    assert!(key.starts_with("communities.pgcn.roles.") && message.contains("but for case"), "{key}: {message}");
}

#[test]
fn moderators_and_admins_must_be_platform_refs_too() {
    let toml = "[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn]\nmoderators = [\"console:bob\", \"bob\"]\n";
    let (key, _) = key_error(Some(toml), &[]);
    assert_eq!(key, "communities.pgcn.moderators[1]");

    let toml = "[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn]\nadmins = [\"telegram:\"]\n";
    let (key, _) = key_error(Some(toml), &[]);
    assert_eq!(key, "communities.pgcn.admins[0]");
}

#[test]
fn a_chat_may_belong_to_one_community_only() {
    let toml = r#"
[bot]
default_community = "pgcn"
[communities.pgcn]
chats = ["telegram:-100"]
[communities.rust]
chats = ["console:general", "telegram:-100"]
"#;
    let (key, message) = key_error(Some(toml), &[]);
    assert_eq!(key, "communities.rust.chats");
    assert!(message.contains("`telegram:-100`"), "{message}");
    assert!(message.contains("`pgcn`"), "{message}");
}

#[test]
fn the_default_community_must_be_one_that_is_configured() {
    let toml = "[bot]\ndefault_community = \"pgcm\"\n[communities.pgcn]\n[communities.rust]\n";
    let (key, message) = key_error(Some(toml), &[]);
    assert_eq!(key, "bot.default_community");
    assert!(message.contains("`pgcm`"), "{message}");
    assert!(message.contains("pgcn, rust"), "{message}");
}

#[test]
fn a_community_id_is_lower_case() {
    let toml = "[bot]\ndefault_community = \"PGCN\"\n[communities.PGCN]\n";
    let (key, _) = key_error(Some(toml), &[]);
    assert_eq!(key, "communities.PGCN");
}

#[test]
fn an_empty_bot_name_and_a_pool_of_zero_are_refused() {
    assert_eq!(key_error(Some("[bot]\nname = \"  \"\n"), &[]).0, "bot.name");
    assert_eq!(key_error(Some("[database]\nmax_connections = 0\n"), &[]).0, "database.max_connections");
}

#[test]
fn an_enabled_adapter_needs_a_token() {
    let (key, message) = key_error(Some("[telegram]\nenabled = true\n"), &[]);
    assert_eq!(key, "telegram.token");
    assert!(message.contains("JIXIA__TELEGRAM__TOKEN"), "{message}");

    let (key, message) = key_error(None, &[("JIXIA__DISCORD__ENABLED", "true"), ("JIXIA__DISCORD__TOKEN", "  ")]);
    assert_eq!(key, "discord.token");
    assert!(message.contains("JIXIA__DISCORD__TOKEN"), "{message}");
}

/// `[qq]`: each value an operator can get wrong is refused, naming the key
/// and saying what would be right; the token's value is never shown.
#[test]
fn qq_settings_are_checked_with_precise_errors() {
    let on = "[qq]\nenabled = true\n";
    let (key, message) = key_error(Some(on), &[]);
    assert_eq!(key, "qq.access_token");
    assert!(message.contains("JIXIA__QQ__ACCESS_TOKEN"), "{message}");
    let (key, message) = key_error(Some(&format!("{on}access_token = \"***\"\n")), &[]);
    assert_eq!(key, "qq.access_token");
    assert!(message.contains("placeholder") && !message.contains("***"), "{message}");
    let token = [("JIXIA__QQ__ACCESS_TOKEN", "s3cret-token")];
    let config = loads(Some(on), &token);
    assert_eq!(config.qq.access_token.as_ref().map(|t| t.expose()), Some("s3cret-token"));
    assert!(!format!("{config:?}").contains("s3cret-token"), "Debug redacts the token");

    let (key, message) = key_error(Some(&format!("{on}mode = \"sideways\"\n")), &token);
    assert_eq!(key, "qq.mode");
    assert!(message.contains("reverse") && message.contains("forward"), "{message}");
    let (key, message) = key_error(Some(&format!("{on}listen = \"8765\"\n")), &token);
    assert_eq!(key, "qq.listen");
    assert!(message.contains("`8765`") && message.contains("127.0.0.1:8765"), "{message}");
    let (key, message) = key_error(Some(&format!("{on}mode = \"forward\"\n")), &[]);
    assert_eq!(key, "qq.url");
    assert!(message.contains("ws://"), "{message}");
    let (key, message) = key_error(Some(&format!("{on}mode = \"forward\"\nurl = \"wss://qq.example\"\n")), &[]);
    assert_eq!(key, "qq.url");
    assert!(message.contains("`wss://qq.example` is not a ws:// URL"), "{message}");
    let (_, message) = key_error(Some("[qq]\nurl = \"http://qq.example/?access_token=s3cret\"\n"), &[]);
    assert!(message.starts_with("`http://qq.example/?…` is not a ws:// URL"), "{message}");
    let (key, message) = key_error(Some("[qq]\nself_id = \"bot\"\n"), &[]);
    assert_eq!((key.as_str(), message.as_str()), ("qq.self_id", "`bot` is not a QQ number"));
    // Forward mode to a local implementation may do without a token; a QQ
    // number may come from the environment as a number.
    let config = loads(
        Some(&format!("{on}mode = \"forward\"\nurl = \"ws://127.0.0.1:3001\"\n")),
        &[("JIXIA__QQ__SELF_ID", "3889000000")],
    );
    assert_eq!(config.qq.self_id.as_deref(), Some("3889000000"));
    let (key, message) = key_error(Some("[communities.default]\nchats = [\"qq:\"]\n"), &[]);
    assert_eq!(key, "communities.default.chats[0]");
    assert!(message.contains("qq"), "{message}");
    let config = loads(Some("[communities.default]\nchats = [\"qq:123456\"]\n"), &[]);
    assert_eq!(config.communities.get("default").map(|c| c.chats.clone()), Some(vec!["qq:123456".to_owned()]));
}

/// The example config's `token = "***"`, copied as it is, is not a token.
#[test]
fn a_placeholder_token_is_refused_without_being_shown() {
    for placeholder in ["***", "<your token>", "YOUR_TOKEN", "changeme", "token here"] {
        let file = format!("[telegram]\nenabled = true\ntoken = \"{placeholder}\"\n");
        let (key, message) = key_error(Some(&file), &[]);
        assert_eq!(key, "telegram.token", "{placeholder}");
        assert!(message.contains("placeholder") && message.contains("JIXIA__TELEGRAM__TOKEN"), "{message}");
        assert!(!message.contains(placeholder), "the value is not shown: {message}");
    }
    let (key, _) = key_error(None, &[("JIXIA__DISCORD__ENABLED", "true"), ("JIXIA__DISCORD__TOKEN", "***")]);
    assert_eq!(key, "discord.token");
}

#[test]
fn a_disabled_adapter_needs_no_token() {
    let config = loads(Some("[telegram]\nenabled = false\n"), &[]);
    assert!(config.telegram.token.is_none());
}

// ---------------------------------------------------------------------------
// Environment overrides

#[test]
fn the_environment_enables_telegram_with_a_digits_only_token() {
    let config = loads(None, &[("JIXIA__TELEGRAM__TOKEN", "123456"), ("JIXIA__TELEGRAM__ENABLED", "true")]);
    assert!(config.telegram.enabled);
    assert_eq!(config.telegram.token.as_ref().map(|t| t.expose()), Some("123456"));
}

/// Every kind of setting can come from the environment: decimals too.
#[test]
fn decimals_come_from_the_environment() {
    let config =
        loads(None, &[("JIXIA__FEATURES__FAQ__THRESHOLD_ZH", "0.5"), ("JIXIA__FEATURES__FAQ__THRESHOLD_EN", "1")]);
    assert_eq!(config.features.faq.threshold_zh, 0.5);
    assert_eq!(config.features.faq.threshold_en, 1.0);
    // A word with a dot stays text.
    let config = loads(None, &[("JIXIA__BOT__NAME", "jixia.bot")]);
    assert_eq!(config.bot.name, "jixia.bot");
}

#[test]
fn a_digits_only_value_keeps_its_leading_zeros() {
    let config = loads(None, &[("JIXIA__TELEGRAM__TOKEN", "0012345"), ("JIXIA__TELEGRAM__ENABLED", "true")]);
    assert_eq!(config.telegram.token.as_ref().map(|t| t.expose()), Some("0012345"));
}

#[test]
fn the_environment_overrides_the_file() {
    let config = loads(
        Some(PGCN),
        &[("JIXIA__COMMUNITIES__PGCN__TIMEZONE", "Asia/Tokyo"), ("JIXIA__TELEGRAM__TOKEN", "987654:XYZ")],
    );
    let pgcn = &config.communities["pgcn"];
    assert_eq!(pgcn.timezone, "Asia/Tokyo");
    // What the environment did not touch stays as the file says.
    assert_eq!(pgcn.locale, Locale::En);
    assert_eq!(pgcn.name, "PostgreSQL 中文社区");
    assert_eq!(config.telegram.token.as_ref().map(|t| t.expose()), Some("987654:XYZ"));
    assert_eq!(config.telegram.mode, TelegramMode::Webhook);
}

#[test]
fn the_environment_can_add_a_whole_community() {
    let config = loads(
        None,
        &[
            ("JIXIA__BOT__DEFAULT_COMMUNITY", "pgcn"),
            ("JIXIA__COMMUNITIES__PGCN__LOCALE", "en"),
            ("JIXIA__COMMUNITIES__PGCN__CHATS", r#"["telegram:-100", "console:general"]"#),
            ("JIXIA__DATABASE__MAX_CONNECTIONS", "2"),
        ],
    );
    let pgcn = &config.communities["pgcn"];
    assert_eq!(pgcn.locale, Locale::En);
    assert_eq!(pgcn.chats, ["telegram:-100", "console:general"]);
    assert_eq!(config.database.max_connections, 2);
}

#[test]
fn a_bad_value_from_the_environment_is_named_by_its_key() {
    let (key, _) = key_error(None, &[("JIXIA__DATABASE__MAX_CONNECTIONS", "lots")]);
    assert_eq!(key, "database.max_connections");
    let (key, message) = key_error(None, &[("JIXIA__TELEGRAM__TOKNE", "123:abc")]);
    assert_eq!(key, "telegram.tokne");
    assert!(message.contains("unknown field `tokne`"), "{message}");
}

#[test]
fn variables_without_the_jixia_prefix_are_ignored() {
    let config = loads(
        None,
        &[
            ("PATH", "/usr/bin"),
            ("TELEGRAM__TOKEN", "1:x"),
            ("JIXIA_TELEGRAM__ENABLED", "true"),
            ("jixia__telegram__enabled", "true"),
        ],
    );
    assert!(!config.telegram.enabled);
    assert!(config.telegram.token.is_none());
}

#[test]
fn a_file_suffix_reads_the_secret_from_that_file() {
    let secret = TempFile::new("777777:FROM-A-FILE\n");
    let config = loads(
        None,
        &[("JIXIA__TELEGRAM__ENABLED", "true"), ("JIXIA__TELEGRAM__TOKEN_FILE", &secret.path().display().to_string())],
    );
    // The trailing newline of the file is not part of the token.
    assert_eq!(config.telegram.token.as_ref().map(|t| t.expose()), Some("777777:FROM-A-FILE"));
}

#[test]
fn an_unreadable_secret_file_names_the_variable() {
    let path = std::env::temp_dir().join(format!("jixia-config-test-{}-no-secret", std::process::id()));
    let path = path.display().to_string();
    match load(None, &[("JIXIA__TELEGRAM__TOKEN_FILE", &path)]) {
        Err(e @ ConfigError::Env { .. }) => {
            let shown = e.to_string();
            assert!(shown.contains("JIXIA__TELEGRAM__TOKEN_FILE"), "{shown}");
            assert!(shown.contains(&path), "{shown}");
        }
        other => panic!("expected an environment error, got {other:?}"),
    }
}

#[test]
fn an_override_below_a_plain_value_is_an_environment_error() {
    match load(Some("[bot]\nname = \"jixia\"\n"), &[("JIXIA__BOT__NAME__FIRST", "ji")]) {
        Err(e @ ConfigError::Env { .. }) => {
            let shown = e.to_string();
            assert!(shown.contains("JIXIA__BOT__NAME__FIRST"), "{shown}");
            assert!(shown.contains("`name` is not a section"), "{shown}");
        }
        other => panic!("expected an environment error, got {other:?}"),
    }
}

#[test]
fn an_empty_key_segment_is_an_environment_error() {
    for var in ["JIXIA__", "JIXIA__TELEGRAM____TOKEN", "JIXIA__TELEGRAM__"] {
        match load(None, &[(var, "x")]) {
            Err(ConfigError::Env { var: named, message }) => {
                assert_eq!(named, var);
                assert!(message.contains("JIXIA__SECTION__KEY"), "{message}");
            }
            other => panic!("{var}: expected an environment error, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// Secrets

#[test]
fn debug_output_never_shows_a_token_or_a_database_password() {
    let config = loads(Some(PGCN), &[("JIXIA__DISCORD__TOKEN", "discord-token-value")]);
    let shown = format!("{config:?} {config:#?}");
    for secret in ["ABC-secret-token", "123456:", "hunter2", "discord-token-value"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    // The parts that are not secret are still there to debug with.
    assert!(shown.contains("db.example"), "{shown}");

    let config = loads(Some("[database]\nurl = \"postgres://u:hunter2@h/db\"\n"), &[]);
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("postgres://u:***@h/db"), "{shown}");
}

#[test]
fn one_community_is_the_default_without_saying_so() {
    let config = loads(Some("[communities.pgcn]\nchats = [\"telegram:-1001\"]\n"), &[]);
    assert_eq!(config.default_community_id(), "pgcn");
}

#[test]
fn several_communities_need_a_default() {
    let (key, message) = key_error(Some("[communities.pgcn]\n[communities.rust]\n"), &[]);
    assert_eq!(key, "bot.default_community");
    assert!(message.contains("pgcn, rust"), "{message}");
}

#[test]
fn a_chat_listed_twice_in_one_community_says_so() {
    let (key, message) =
        key_error(Some("[communities.pgcn]\nchats = [\"console:general\", \"console:general\"]\n"), &[]);
    assert_eq!(key, "communities.pgcn.chats");
    assert!(message.contains("listed twice"), "{message}");
}

#[test]
fn webhook_mode_needs_a_url_and_a_well_formed_secret() {
    let webhook = "[telegram]\nmode = \"webhook\"\n";
    let (key, message) = key_error(Some(webhook), &[]);
    assert_eq!(key, "telegram.webhook_url");
    assert!(message.contains("public URL"), "{message}");
    let with_url = format!("{webhook}webhook_url = \"https://bot.example.org/tg\"\n");
    let (key, message) = key_error(Some(&with_url), &[]);
    assert_eq!(key, "telegram.webhook_secret");
    assert!(message.contains("JIXIA__TELEGRAM__WEBHOOK_SECRET"), "{message}");
    let (key, _) = key_error(Some(&with_url), &[("JIXIA__TELEGRAM__WEBHOOK_SECRET", "not allowed!")]);
    assert_eq!(key, "telegram.webhook_secret");
    let config = loads(Some(&with_url), &[("JIXIA__TELEGRAM__WEBHOOK_SECRET", "Good_secret-1")]);
    assert_eq!(config.telegram.mode, TelegramMode::Webhook);
    assert_eq!(config.telegram.webhook_listen, "127.0.0.1:8443");
    assert!(!format!("{config:?}").contains("Good_secret"), "the secret is redacted");
    let (key, _) = key_error(Some("[telegram]\nglobal_per_second = 0\n"), &[]);
    assert_eq!(key, "telegram.global_per_second");
}

// ---------------------------------------------------------------------------
// Ranges: every numeric setting has one, named in the error with its key

/// The loaded key error for one TOML document, as `(key, message)`.
fn range_error(toml: &str) -> (String, String) {
    key_error(Some(toml), &[])
}

/// Values that used to pass `config check` and then panic, overflow or
/// answer nonsense at run time.
#[test]
fn settings_that_crashed_at_run_time_are_refused_by_key() {
    let max = i64::MAX;
    for (toml, key, message) in [
        (
            format!("[features.points]\nactivity_cooldown_secs = {max}\n"),
            "features.points.activity_cooldown_secs",
            format!("must be between 1 and 86400; got {max}"),
        ),
        (format!("[features.checkin]\nbase = {max}\n"), "features.checkin.base", format!("must be between 1 and 1000000; got {max}")),
        (format!("[features.faq]\ngaps_days = {max}\n"), "features.faq.gaps_days", format!("must be between 1 and 366; got {max}")),
        (
            format!("[features.faq]\nentry_cooldown_minutes = {max}\n"),
            "features.faq.entry_cooldown_minutes",
            format!("must be between 0 and 10080; got {max}"),
        ),
        (
            format!("[features.digest]\nperiod_hours = {max}\n"),
            "features.digest.period_hours",
            format!("must be between 1 and 8784; got {max}"),
        ),
        (
            format!("[features.digest]\ncatch_up_hours = {max}\n"),
            "features.digest.catch_up_hours",
            format!("must be between 0 and 168; got {max}"),
        ),
        (
            "[database]\nmax_connections = 4294967295\n".into(),
            "database.max_connections",
            "must be between 1 and 1000; got 4294967295".into(),
        ),
        (
            format!("[features.points]\nactivity_max = {max}\n"),
            "features.points.activity_max",
            format!("must be between 0 and 1000000; got {max}"),
        ),
        (
            "[features.shop]\nitems = [{ id = \"tshirt\", name = \"T 恤\", price = 0 }]\n".into(),
            "features.shop.items[0].price",
            "must be between 1 and 1000000; got 0".into(),
        ),
        (
            "[features.shop]\nitems = [{ id = \"a\", name = \"A\", price = 5 }, { id = \"b\", name = \"B\", price = -5 }]\n"
                .into(),
            "features.shop.items[1].price",
            "must be between 1 and 1000000; got -5".into(),
        ),
        ("[features.checkin]\nbase = 0\n".into(), "features.checkin.base", "must be between 1 and 1000000; got 0".into()),
        ("[features.checkin]\nbase = -10\n".into(), "features.checkin.base", "must be between 1 and 1000000; got -10".into()),
        (
            "[features.checkin]\nmakeup_price = -50\n".into(),
            "features.checkin.makeup_price",
            "must be between 0 and 1000000; got -50".into(),
        ),
    ] {
        assert_eq!(range_error(&toml), (key.to_owned(), message), "{toml}");
    }
}

/// Every numeric key, just outside each end of its range: refused, naming
/// the key. Each end itself loads.
#[test]
fn every_numeric_setting_is_checked_at_both_ends() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (section, key, lowest allowed, highest allowed)
        ("database", "max_connections", "1", "1000"),
        ("database", "busy_timeout_ms", "0", "600000"),
        ("database", "connect_timeout_ms", "100", "600000"),
        ("telegram", "admin_cache_seconds", "0", "86400"),
        ("telegram", "button_ttl_seconds", "60", "2592000"),
        ("telegram", "global_per_second", "1", "1000"),
        ("telegram", "group_per_minute", "1", "1000"),
        ("telegram", "chat_per_second", "1", "100"),
        ("discord", "global_per_second", "1", "1000"),
        ("discord", "button_ttl_seconds", "60", "2592000"),
        ("qq", "action_timeout_seconds", "1", "300"),
        ("qq", "chat_per_second", "1", "100"),
        ("qq", "account_per_minute", "1", "100000"),
        ("qq", "jitter_ms", "0", "10000"),
        ("features.points", "activity_cooldown_secs", "1", "86400"),
        ("features.points", "min_chars", "0", "4000"),
        ("features.points", "thanks_bonus", "0", "1000000"),
        ("features.points", "thanks_per_hour", "0", "1000"),
        ("features.points", "flush_ms", "1", "60000"),
        ("features.checkin", "base", "1", "1000000"),
        ("features.checkin", "streak_bonus_percent", "0", "1000"),
        ("features.checkin", "streak_bonus_cap_percent", "0", "1000"),
        ("features.checkin", "makeup_price", "0", "1000000"),
        ("features.checkin", "makeup_window_days", "0", "365"),
        ("features.checkin", "makeup_per_month", "0", "31"),
        ("features.faq", "threshold_zh", "0.0", "1.0"),
        ("features.faq", "threshold_en", "0.0", "1.0"),
        ("features.faq", "entry_cooldown_minutes", "0", "10080"),
        ("features.faq", "max_redirects_per_hour", "0", "1000"),
        ("features.faq", "preview_chars", "0", "4000"),
        ("features.faq", "gaps_days", "1", "366"),
        ("features.digest", "catch_up_hours", "0", "168"),
        ("features.digest", "period_hours", "1", "8784"),
        ("features.digest", "top", "1", "30"),
    ];
    for (section, key, low, high) in cases {
        let doc = |v: &str| format!("[{section}]\n{key} = {v}\n");
        for ok in [low, high] {
            if let Err(e) = load(Some(&doc(ok)), &[]) {
                panic!("{section}.{key} = {ok} should load: {e}");
            }
        }
        let (below, above) = if low.contains('.') {
            ("-0.01".to_owned(), "1.01".to_owned())
        } else {
            let (low, high): (i64, i64) = (low.parse().unwrap_or_default(), high.parse().unwrap_or_default());
            ((low - 1).to_string(), (high + 1).to_string())
        };
        for bad in [below, above] {
            // Below zero an unsigned key is refused by its type, still by key.
            let (k, message) = range_error(&doc(&bad));
            assert_eq!(k, format!("{section}.{key}"), "{section}.{key} = {bad}: {message}");
        }
    }
}

/// The activity award is a range itself: each end is bounded, and the
/// lower one may not pass the upper one.
#[test]
fn activity_points_are_a_range_within_the_limit() {
    let doc = |min: i64, max: i64| format!("[features.points]\nactivity_min = {min}\nactivity_max = {max}\n");
    for (min, max) in [(0, 0), (20, 20), (0, 1_000_000), (1_000_000, 1_000_000)] {
        if let Err(e) = load(Some(&doc(min, max)), &[]) {
            panic!("{min}..{max} should load: {e}");
        }
    }
    let cases = [
        ((-1, 25), "features.points.activity_min", "must be between 0 and 1000000; got -1"),
        ((15, 1_000_001), "features.points.activity_max", "must be between 0 and 1000000; got 1000001"),
        ((26, 25), "features.points.activity_min", "must not be above activity_max (25); got 26"),
        ((15, 14), "features.points.activity_min", "must not be above activity_max (14); got 15"),
    ];
    for ((min, max), key, message) in cases {
        assert_eq!(range_error(&doc(min, max)), (key.to_owned(), message.to_owned()));
    }
}

/// Settings inside lists are named by their position.
#[test]
fn settings_in_lists_are_named_by_position() {
    for (toml, key) in [
        ("[features.points]\nlevel_curve = [5, 50, -1]\n", "features.points.level_curve[2]"),
        (
            "[features.points]\ntitles = [{ level = 0, zh = \"新手\", en = \"Newcomer\" }, { level = 1001, zh = \"神\", en = \"God\" }]\n",
            "features.points.titles[1].level",
        ),
        (
            "[features.checkin]\nmilestones = [{ days = 7, reward = 50 }, { days = 1001, reward = 1 }]\n",
            "features.checkin.milestones[1].days",
        ),
        ("[features.checkin]\nmilestones = [{ days = 7, reward = -1 }]\n", "features.checkin.milestones[0].reward"),
        (
            "[features.shop]\nitems = [{ id = \"a\", name = \"A\", price = 5, stock = -1 }]\n",
            "features.shop.items[0].stock",
        ),
        (
            "[features.shop]\nitems = [{ id = \"a\", name = \"A\", price = 5, min_level = 1001 }]\n",
            "features.shop.items[0].min_level",
        ),
    ] {
        assert_eq!(range_error(toml).0, key, "{toml}");
    }
    assert_eq!(
        range_error("[features.faq]\nthreshold_en = nan\n"),
        ("features.faq.threshold_en".to_owned(), "must be between 0 and 1; got NaN".to_owned())
    );
}

/// A community's own feature sections are checked under their own keys,
/// and values from the environment like any other.
#[test]
fn a_community_s_features_and_the_environment_are_checked_too() {
    let toml = "[bot]\ndefault_community = \"pgcn\"\n[communities.pgcn.features.points]\nactivity_cooldown_secs = 0\n";
    assert_eq!(
        range_error(toml),
        (
            "communities.pgcn.features.points.activity_cooldown_secs".to_owned(),
            "must be between 1 and 86400; got 0".to_owned()
        )
    );
    let (key, message) = key_error(None, &[("JIXIA__FEATURES__POINTS__ACTIVITY_COOLDOWN_SECS", "9223372036854775807")]);
    assert_eq!(key, "features.points.activity_cooldown_secs");
    assert_eq!(message, "must be between 1 and 86400; got 9223372036854775807");
}

/// An engine built from a hand-made configuration (an embedder's, not
/// loaded from a file) checks the feature ranges too.
#[tokio::test]
async fn an_engine_refuses_out_of_range_features() {
    let file = jixia::store::scratch::ScratchFile::new().unwrap_or_else(|e| panic!("{e}"));
    let store = jixia::store::open(file.url(), &Default::default()).await.unwrap_or_else(|e| panic!("{e}"));
    let clock = std::sync::Arc::new(jixia::clock::SystemClock);
    let mut config = Config::default();
    config.features.checkin.makeup_price = -50;
    match jixia::Engine::new(&config, store.clone(), clock.clone()) {
        Err(e) => assert_eq!(
            e.to_string(),
            "config key `features.checkin.makeup_price`: must be between 0 and 1000000; got -50"
        ),
        Ok(_) => panic!("a negative make-up price was accepted"),
    }
    assert!(jixia::Engine::new(&Config::default(), store.clone(), clock).is_ok());
    store.close().await;
}

#[test]
fn the_old_news_llm_section_says_where_its_settings_went() {
    let old = "[features.news.llm]\nenabled = true\nmodel = \"qwen2.5:7b\"\n";
    let (key, message) = key_error(Some(old), &[]);
    assert_eq!(key, "features.news.llm");
    assert!(message.contains("top-level [llm] section") && message.contains("[features.news]"), "{message}");
    let own = "[communities.pgcn.features.news.llm]\nenabled = true\n";
    assert_eq!(key_error(Some(own), &[]).0, "communities.pgcn.features.news.llm");
}

#[test]
fn the_language_model_is_shared_and_each_community_may_have_its_own_budget() {
    let config = loads(
        Some(
            "[llm]\nenabled = true\nmodel = \"m\"\ndaily_tokens = 1000\n\
             [communities.pgcn.llm]\ndaily_tokens = 50\n[communities.other]\n\
             [bot]\ndefault_community = \"pgcn\"\n",
        ),
        &[("JIXIA__LLM__MAX_TOKENS", "64")],
    );
    assert!(config.llm.enabled && config.llm.max_tokens == 64);
    let communities = jixia::community::Communities::from_config(&config);
    let budget = |id: &str| communities.get(id).map(|c| c.llm_daily_tokens);
    assert_eq!((budget("pgcn"), budget("other")), (Some(50), Some(1000)));
    for (toml, key) in [
        ("[llm]\nmax_tokens = 9\n", "llm.max_tokens"),
        ("[llm]\nbase_url = \"localhost:11434\"\n", "llm.base_url"),
        ("[llm]\nkey = \"sk-1\"\n", "llm.key"),
        ("[communities.pgcn.llm]\ndaily_tokens = -1\n", "communities.pgcn.llm.daily_tokens"),
    ] {
        assert_eq!(key_error(Some(toml), &[]).0, key, "{toml}");
    }
}

#[test]
fn a_feed_on_a_private_address_needs_allow_private() {
    let private = "[features.news]\nsources = [{ url = \"http://192.168.1.5/feed\" }]\n";
    let (key, message) = key_error(Some(private), &[]);
    assert_eq!(key, "features.news.sources[0].url");
    assert!(message.contains("allow_private = true"), "{message}");
    let allowed = "[features.news]\nallow_private = true\nsources = [{ url = \"http://192.168.1.5/feed\" }]\n";
    assert!(loads(Some(allowed), &[]).features.news.allow_private);
}

// ---------------------------------------------------------------------------
// [dashboard]

const DASHBOARD: &str =
    "[http]\nlisten = \"127.0.0.1:9464\"\n[dashboard]\nenabled = true\nbase_url = \"https://bot.example.org\"\n";
const SECRET: &str = "7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e";

#[test]
fn the_dashboard_reads_its_secret_from_the_variable_it_names_and_never_shows_it() {
    let config = loads(Some(DASHBOARD), &[("JIXIA_DASHBOARD_SECRET", SECRET)]);
    assert_eq!(config.dashboard.secret.as_ref().map(|s| s.expose()), Some(SECRET));
    assert!(config.dashboard.is_https());
    assert!(!format!("{config:?}").contains(SECRET));
    assert!(!toml::to_string(&config).unwrap_or_default().contains(SECRET));

    let named = format!("{DASHBOARD}secret_env = \"DASH_KEY\"\n");
    let config = loads(Some(&named), &[("DASH_KEY", SECRET)]);
    assert_eq!(config.dashboard.secret.as_ref().map(|s| s.expose()), Some(SECRET));

    // Off, no secret is needed or read.
    let off = loads(None, &[("JIXIA_DASHBOARD_SECRET", SECRET)]);
    assert_eq!(off.dashboard.secret, None);
}

#[test]
fn a_dashboard_without_a_good_secret_is_refused_naming_the_variable() {
    let (key, message) = key_error(Some(DASHBOARD), &[]);
    assert_eq!(key, "dashboard.secret_env");
    assert!(message.contains("JIXIA_DASHBOARD_SECRET") && message.contains("is not set"), "{message}");
    let (key, message) = key_error(Some(DASHBOARD), &[("JIXIA_DASHBOARD_SECRET", "short-secret-value")]);
    assert_eq!(key, "dashboard.secret_env");
    assert!(message.contains("too short: at least 32 bytes"), "{message}");
    assert!(!message.contains("short-secret-value"), "{message}");
    let placeholder = "<your-dashboard-secret-goes-here-please>";
    let (_, message) = key_error(Some(DASHBOARD), &[("JIXIA_DASHBOARD_SECRET", placeholder)]);
    assert!(message.contains("placeholder") && !message.contains(placeholder), "{message}");
}

#[test]
fn bad_dashboard_settings_are_named() {
    let env = [("JIXIA_DASHBOARD_SECRET", SECRET)];
    let (key, message) = key_error(Some(&DASHBOARD.replace("https://bot.example.org", "bot.example.org")), &env);
    assert_eq!(key, "dashboard.base_url");
    assert!(message.contains("is not an http:// or https:// address"), "{message}");
    let (key, message) = key_error(Some(&format!("{DASHBOARD}session_hours = 0\n")), &env);
    assert_eq!((key.as_str(), message.as_str()), ("dashboard.session_hours", "must be between 1 and 720; got 0"));
    let (key, _) = key_error(Some(&format!("{DASHBOARD}secret_env = \"lower-case\"\n")), &env);
    assert_eq!(key, "dashboard.secret_env");
    let (key, message) = key_error(Some(&DASHBOARD.replace("127.0.0.1:9464", "")), &env);
    assert_eq!(key, "http.listen");
    assert!(message.contains("the dashboard is enabled but nothing listens"), "{message}");
    let (key, _) = key_error(Some(&format!("{DASHBOARD}public = true\n")), &env);
    assert_eq!(key, "dashboard.public");
}
