//! Drift tests: things written twice must agree. Both locales have the same
//! prompt keys; every prompt file is compiled in; every command is unique and
//! described in both languages; every prompt key the code uses exists.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use jixia::command::Permission;
use jixia::features::{all_commands, prompt_files};
use jixia::i18n::{Locale, keys_of};

fn files_in(dir: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ftl"))
        .collect()
}

#[test]
fn both_locales_have_the_same_files_and_all_are_compiled_in() {
    let zh = files_in("prompts/zh");
    let en = files_in("prompts/en");
    assert_eq!(zh, en, "prompts/zh and prompts/en must have the same files");
    let embedded: BTreeSet<String> = prompt_files().iter().map(|(f, _, _)| format!("{f}.ftl")).collect();
    assert_eq!(zh, embedded, "every prompts file must be a feature's or a platform's (i18n::PLATFORM_FILES)");
}

#[test]
fn both_locales_have_the_same_keys() {
    for (feature, zh, en) in prompt_files() {
        let zh_keys: BTreeSet<String> = keys_of(zh).into_iter().collect();
        let en_keys: BTreeSet<String> = keys_of(en).into_iter().collect();
        assert!(!zh_keys.is_empty(), "{feature}.ftl has keys");
        let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
        let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "{feature}.ftl: only in zh {only_zh:?}, only in en {only_en:?}"
        );
    }
}

#[test]
fn no_key_is_defined_twice() {
    let mut seen = HashSet::new();
    for (feature, zh, _) in prompt_files() {
        for key in keys_of(zh) {
            assert!(seen.insert(key.clone()), "{key} is defined again in {feature}.ftl");
        }
    }
}

#[test]
fn prompts_load() {
    if let Err(e) = jixia::features::prompts() {
        panic!("{e}");
    }
}

#[test]
fn commands_are_unique_and_described_in_both_languages() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    let mut names = HashSet::new();
    let mut words = HashSet::new();
    for c in all_commands() {
        assert!(names.insert((c.name, c.sub)), "command {} {:?} declared twice", c.name, c.sub);
        if c.sub.is_none() {
            assert!(words.insert(c.name), "{} collides with an alias", c.name);
        }
        for alias in c.aliases {
            assert!(words.insert(alias), "alias {alias} is used twice");
        }
        for locale in Locale::ALL {
            assert!(prompts.has(locale, &c.summary_key()), "{} has no {locale} description", c.summary_key());
        }
        let rest_args = c.args.iter().filter(|a| matches!(a.kind, jixia::command::ArgKind::Rest)).count();
        assert!(rest_args <= 1, "{}: at most one rest argument", c.name);
        if rest_args == 1 {
            assert!(
                matches!(c.args.last().map(|a| a.kind), Some(jixia::command::ArgKind::Rest)),
                "{}: rest goes last",
                c.name
            );
        }
    }
}

/// String literals in the engine's code that look like prompt keys
/// (`word-word…`) must exist in both locales.
#[test]
fn every_prompt_key_used_in_code_exists() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("handler.rs")];
    // The engine and the features are directories of files (src/features/faq/…).
    let mut dirs = vec![root.join("engine"), root.join("features")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                files.push(path);
            }
        }
    }
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        for literal in text.split('"').skip(1).step_by(2) {
            let is_key = literal.contains('-')
                && literal.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()));
            if is_key {
                checked += 1;
                for locale in Locale::ALL {
                    assert!(prompts.has(locale, literal), "{}: key {literal} missing in {locale}", file.display());
                }
            }
        }
    }
    assert!(checked > 20, "the scan found the keys ({checked})");
}

/// The menus the adapters register are generated from the registry, valid for
/// Telegram (`[a-z0-9_]{1,32}`, description 1–256 characters) and Discord
/// (description at most 100 characters), in both languages.
#[test]
fn command_menus_are_valid_for_the_platforms() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    for locale in Locale::ALL {
        let menu = jixia::features::registry().menu(&prompts, locale);
        let names: Vec<&str> = menu.iter().map(|e| e.name).collect();
        assert!(names.contains(&"help") && names.contains(&"link"), "{names:?}");
        for e in &menu {
            assert!(
                (1..=32).contains(&e.name.len())
                    && e.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{} is not a valid Telegram command name",
                e.name
            );
            let len = e.description.chars().count();
            assert!((1..=100).contains(&len), "{locale} description of {} is {len} characters", e.name);
        }
        let whois = menu.iter().find(|e| e.name == "whois").map(|e| e.permission);
        assert_eq!(whois, Some(jixia::command::Permission::Moderator));
    }
}

/// Keys built at run time (`points-kind-…`, `shop-state-…`) exist too.
#[test]
fn computed_prompt_keys_exist() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<_> = jixia::features::movement_kinds().collect();
    assert!(kinds.len() >= 9, "every feature declares its movements ({})", kinds.len());
    let mut keys: Vec<String> = kinds.iter().map(|k| k.label_key()).collect();
    keys.extend(["open", "done", "refunded"].iter().map(|s| format!("shop-state-{s}")));
    for key in keys {
        for locale in Locale::ALL {
            assert!(prompts.has(locale, &key), "{key} missing in {locale}");
        }
    }
}

/// Both backends have the same migrations, by name and order.
#[test]
fn migrations_have_the_same_names_on_both_backends() {
    let names = |dir: &str| -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (sqlite, postgres) = (names("migrations/sqlite"), names("migrations/postgres"));
    assert!(sqlite.len() >= 5, "{sqlite:?}");
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same files");
}

/// The README's command table names every command of the registry, and
/// nothing else: `/name` (or an alias) for each command name.
#[test]
fn readme_command_table_matches_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| command | who | what |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() > 10, "README.md has the command table");
    // The first cell of each row: the commands it documents, as `/name …`.
    let mut documented = BTreeSet::new();
    for row in &table[2..] {
        let first = row.split('|').nth(1).unwrap_or_default();
        for piece in first.split('`').skip(1).step_by(2) {
            if let Some(name) = piece.strip_prefix('/').and_then(|p| p.split_whitespace().next()) {
                documented.insert(name.to_owned());
            }
        }
    }
    let names: BTreeSet<String> = all_commands().map(|c| c.name.to_owned()).collect();
    let words: BTreeSet<String> = all_commands()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .map(str::to_owned)
        .collect();
    let missing: Vec<&String> = names.iter().filter(|n| !documented.contains(*n)).collect();
    let unknown: Vec<&String> = documented.iter().filter(|d| !words.contains(*d)).collect();
    assert!(missing.is_empty(), "commands missing from the README's command table: {missing:?}");
    assert!(unknown.is_empty(), "the README's command table names commands that do not exist: {unknown:?}");

    // The "who" column says what the registry enforces: "moderators" and
    // "admins" rows hold only commands of that level; every other row
    // (everyone, the poster, moderators with an exception in parentheses…)
    // holds commands any member may send, whose handlers check the rest.
    let mut wrong = Vec::new();
    for row in &table[2..] {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (first, who) = (cells.get(1).copied().unwrap_or_default(), cells.get(2).copied().unwrap_or_default());
        let level = match who {
            "moderators" => Permission::Moderator,
            "admins" => Permission::Admin,
            _ => Permission::Member,
        };
        for piece in first.split('`').skip(1).step_by(2) {
            let words: Vec<&str> = piece.strip_prefix('/').unwrap_or_default().split_whitespace().collect();
            let Some(name) = words.first().copied() else { continue };
            let sub = words.get(1).copied();
            // `/quiz daily here`: an action inside one command's text, which
            // its handler allows or refuses (the permission matrix test
            // checks those); the registry cannot say.
            let literal = |w: &&str| w.chars().all(|c| c.is_ascii_lowercase());
            if words.get(2).is_some_and(literal) {
                continue;
            }
            let spec = all_commands()
                .find(|c| (c.name == name || c.aliases.contains(&name)) && c.sub.is_some() && c.sub == sub)
                .or_else(|| all_commands().find(|c| (c.name == name || c.aliases.contains(&name)) && c.sub.is_none()));
            if let Some(spec) = spec
                && spec.permission != level
            {
                wrong.push(format!("`{piece}`: README says {who:?}, the registry {:?}", spec.permission));
            }
        }
    }
    assert!(wrong.is_empty(), "the README's who column disagrees with the registry:\n{}", wrong.join("\n"));
}

/// A feature's member-facing text lives in its own prompts file: the labels
/// of the ways it moves points included.
#[test]
fn each_feature_labels_its_own_movements() {
    for feature in jixia::features::ALL {
        let keys: BTreeSet<String> = keys_of(feature.prompts.zh).into_iter().collect();
        for kind in feature.movements {
            assert!(
                keys.contains(&kind.label_key()),
                "{} is a movement of {}: its label belongs in prompts/*/{}.ftl",
                kind.label_key(),
                feature.name(),
                feature.name()
            );
        }
    }
}
