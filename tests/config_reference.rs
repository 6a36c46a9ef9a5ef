//! The configuration reference (`config/jixia.example.toml`, shown verbatim in
//! the README) must list exactly the keys the program reads, with the real
//! defaults wherever it does not say "example".

use std::collections::BTreeSet;
use std::path::Path;

use jixia::config::{CommunityConfig, Config};
use jixia::secret::{DbUrl, Secret};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example_text() -> String {
    std::fs::read_to_string(root().join("config/jixia.example.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// Dotted key paths of a TOML table; community ids and role names become `*`.
fn key_paths(prefix: &str, table: &toml::Table, out: &mut BTreeSet<String>) {
    for (k, v) in table {
        let key = if prefix == "communities" || prefix == "communities.*.roles" { "*" } else { k.as_str() };
        let path = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
        // A community's own [features] repeats the top-level sections.
        if path == "communities.*.features" {
            continue;
        }
        match v {
            toml::Value::Table(t) => key_paths(&path, t, out),
            _ => {
                out.insert(path);
            }
        }
    }
}

/// A config with every optional value present, so serializing it shows every key.
fn full_config() -> Config {
    let mut c = Config::default();
    c.bot.default_community = Some("x".into());
    c.database.url = Some(DbUrl::new("sqlite://x.db"));
    c.telegram.token = Some(Secret::new("t"));
    c.telegram.api_url = Some("http://x".into());
    c.telegram.webhook_url = Some("https://x".into());
    c.telegram.webhook_secret = Some(Secret::new("s"));
    c.discord.token = Some(Secret::new("t"));
    c.discord.api_url = Some("http://x".into());
    c.discord.guild_id = Some("1".into());
    c.discord.moderator_role = Some("2".into());
    c.qq.url = Some("ws://x".into());
    c.qq.access_token = Some(Secret::new("t"));
    c.qq.self_id = Some("1".into());
    let roles = [("r".to_owned(), vec!["telegram:1".to_owned()])].into();
    let llm = jixia::llm::CommunityLlmConfig { daily_tokens: Some(1) };
    c.communities.insert("x".into(), CommunityConfig { roles, llm, ..CommunityConfig::default() });
    c
}

#[test]
fn example_lists_exactly_the_keys_the_program_reads() {
    let program = toml::Value::try_from(full_config()).unwrap_or_else(|e| panic!("{e}"));
    let Some(program) = program.as_table() else { panic!("config serializes to a table") };
    let mut want = BTreeSet::new();
    key_paths("", program, &mut want);
    let example: toml::Table = toml::from_str(&example_text()).unwrap_or_else(|e| panic!("{e}"));
    let mut have = BTreeSet::new();
    key_paths("", &example, &mut have);
    // A key whose value must not be copied blindly (an API URL) is shown in
    // a comment, `e.g. key = …`, inside its section.
    let text = example_text();
    let commented = |path: &str| {
        let (section, key) = path.rsplit_once('.').unwrap_or(("", path));
        let header = format!("[{section}]");
        text.split("\n[")
            .map(|s| if s.starts_with('[') { s.to_owned() } else { format!("[{s}") })
            .find(|s| s.starts_with(&header))
            .is_some_and(|s| s.contains(&format!("e.g. {key} = ")))
    };
    let undocumented: Vec<_> = want.difference(&have).filter(|k| !commented(k)).collect();
    let stale: Vec<_> = have.difference(&want).collect();
    assert!(undocumented.is_empty(), "keys missing from config/jixia.example.toml: {undocumented:?}");
    assert!(stale.is_empty(), "keys in config/jixia.example.toml that the program does not read: {stale:?}");
}

#[test]
fn example_parses_and_its_defaults_are_the_real_ones() {
    let path = root().join("config/jixia.example.toml");
    let loaded = Config::load(Some(&path), Vec::<(String, String)>::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.bot.name, Config::default().bot.name);
    // Lines not marked "example" must show the default value.
    let defaults = toml::Value::try_from(full_config()).unwrap_or_else(|e| panic!("{e}"));
    let mut section: Vec<String> = Vec::new();
    for line in example_text().lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).split('.').map(str::to_owned).collect();
            if section.first().map(String::as_str) == Some("communities") && section.len() > 1 {
                section[1] = "x".into();
            }
            continue;
        }
        if line.starts_with('#') || line.is_empty() || line.contains("# example") {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let shown: toml::Table =
            toml::from_str(&format!("v = {}", value.trim())).unwrap_or_else(|e| panic!("{line}: {e}"));
        let mut default = Some(&defaults);
        for part in section.iter().map(String::as_str).chain([key.trim()]) {
            default = default.and_then(|d| d.get(part));
        }
        assert_eq!(shown.get("v"), default, "[{}] {line} is not the default; mark it `# example`", section.join("."));
    }
}

#[test]
fn readme_shows_the_reference_verbatim() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let example = example_text();
    assert!(
        readme.contains(&format!("```toml\n{example}```")),
        "README.md must include config/jixia.example.toml verbatim in a ```toml block"
    );
}
