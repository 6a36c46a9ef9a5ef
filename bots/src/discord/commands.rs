//! Slash commands generated from the engine's command registry: names,
//! descriptions in zh-CN and en-US (from the prompts), options from each
//! command's `ArgSpec`s and subcommands from specs with `sub`. No second,
//! hand-written list.
//!
//! Discord does not let a command with subcommands be run bare, so the bare
//! form of such a command (`/points [@MEMBER]` next to `/points history`)
//! becomes the subcommand [`BARE_SUB`]; [`super::mapping`] turns it back.

use jixia::command::{ArgKind, ArgSpec};
use jixia::features::{Command as CommandSpec, all_commands};
use jixia::i18n::{Locale, Prompts};
use serde_json::{Value, json};

/// The subcommand standing for a command's bare form.
pub const BARE_SUB: &str = "show";
/// Discord's limit on descriptions, in characters.
const MAX_DESCRIPTION: usize = 100;
/// The largest integer Discord accepts in an option (2^53 - 1).
const MAX_SAFE_INT: i64 = 9_007_199_254_740_991;

/// Option types of the Discord API.
mod kind {
    pub const SUB_COMMAND: u8 = 1;
    pub const STRING: u8 = 3;
    pub const INTEGER: u8 = 4;
    pub const USER: u8 = 6;
}

/// The Discord option name of an argument: its name in lower case.
pub fn option_name(arg: &ArgSpec) -> String {
    arg.name
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '_' })
        .take(32)
        .collect()
}

fn clip(s: &str) -> String {
    let s = s.trim();
    let s = if s.is_empty() { "-" } else { s };
    s.chars().take(MAX_DESCRIPTION).collect()
}

/// Description in both locales: the default (English, what clients without
/// a localization show) and `description_localizations`.
fn described(prompts: &Prompts, key: &str, mut v: Value) -> Value {
    let en = clip(&prompts.plain(Locale::En, key));
    let zh = clip(&prompts.plain(Locale::Zh, key));
    v["description"] = json!(en);
    v["description_localizations"] = json!({ "zh-CN": zh, "en-US": en, "en-GB": en });
    v
}

fn option(arg: &ArgSpec) -> Value {
    let mut o = json!({
        "name": option_name(arg),
        "description": clip(arg.name),
        "required": arg.required,
    });
    match arg.kind {
        ArgKind::Word | ArgKind::Rest => o["type"] = json!(kind::STRING),
        ArgKind::Member => o["type"] = json!(kind::USER),
        ArgKind::Int { min, max } => {
            o["type"] = json!(kind::INTEGER);
            o["min_value"] = json!(min.clamp(-MAX_SAFE_INT, MAX_SAFE_INT));
            o["max_value"] = json!(max.clamp(-MAX_SAFE_INT, MAX_SAFE_INT));
        }
        ArgKind::Choice(choices) => {
            o["type"] = json!(kind::STRING);
            let choices: Vec<Value> = choices.iter().take(25).map(|c| json!({ "name": c, "value": c })).collect();
            o["choices"] = json!(choices);
        }
    }
    o
}

fn options(spec: &CommandSpec) -> Vec<Value> {
    // Discord wants required options first; the registry already puts them
    // first (an optional argument is never followed by a required one).
    spec.args.iter().map(option).collect()
}

/// The application commands for the registry, ready for
/// `PUT /applications/{id}/commands` (bulk overwrite).
pub fn application_commands(prompts: &Prompts) -> Vec<Value> {
    let mut names: Vec<&'static str> = Vec::new();
    for c in all_commands() {
        if !names.contains(&c.name) {
            names.push(c.name);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let forms: Vec<&CommandSpec> = all_commands().filter(|c| c.name == name).collect();
            let has_subs = forms.iter().any(|c| c.sub.is_some());
            let key = match forms.iter().find(|c| c.sub.is_none()) {
                Some(bare) => bare.summary_key(),
                None if prompts.has(Locale::En, &format!("cmd-{name}")) => format!("cmd-{name}"),
                None => forms.first().map(|c| c.summary_key()).unwrap_or_default(),
            };
            let mut cmd = described(prompts, &key, json!({ "name": name, "type": 1, "dm_permission": true }));
            if has_subs {
                let subs: Vec<Value> = forms
                    .iter()
                    .map(|spec| {
                        let sub = json!({
                            "name": spec.sub.unwrap_or(BARE_SUB),
                            "type": kind::SUB_COMMAND,
                            "options": options(spec),
                        });
                        described(prompts, &spec.summary_key(), sub)
                    })
                    .collect();
                cmd["options"] = json!(subs);
            } else if let Some(spec) = forms.first() {
                cmd["options"] = json!(options(spec));
            }
            cmd
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(cmds: &'a [Value], name: &str) -> &'a Value {
        cmds.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no /{name}"))
    }

    #[test]
    fn every_command_is_there_with_both_locales() {
        let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
        let cmds = application_commands(&prompts);
        for c in all_commands() {
            let cmd = find(&cmds, c.name);
            assert!(!cmd["description_localizations"]["zh-CN"].as_str().unwrap_or_default().is_empty());
            assert!(!cmd["description"].as_str().unwrap_or_default().is_empty());
            assert!(cmd["description"].as_str().unwrap_or_default().chars().count() <= MAX_DESCRIPTION);
        }
        assert!(cmds.len() <= 100, "Discord allows 100 global slash commands");
    }

    #[test]
    fn subcommands_and_options_follow_the_specs() {
        let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
        let cmds = application_commands(&prompts);
        let points = find(&cmds, "points");
        let subs: Vec<&str> =
            points["options"].as_array().into_iter().flatten().filter_map(|o| o["name"].as_str()).collect();
        assert!(subs.contains(&BARE_SUB) && subs.contains(&"grant"), "{subs:?}");
        let grant = points["options"].as_array().into_iter().flatten().find(|o| o["name"] == "grant");
        let Some(grant) = grant else { panic!("no grant") };
        assert_eq!(grant["options"][0]["type"], kind::USER);
        assert_eq!(grant["options"][1]["type"], kind::INTEGER);
        assert_eq!(grant["options"][1]["min_value"], 1);
        assert_eq!(grant["options"][2]["type"], kind::STRING);
        let top = find(&cmds, "top");
        assert!(top["options"][0]["choices"].as_array().is_some_and(|c| c.len() == 6));
        assert_eq!(find(&cmds, "ping")["options"], json!([]));
    }
}
