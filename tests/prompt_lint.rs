//! Every prompt, rendered as members read it: each message of every prompts
//! file is formatted in both languages with sample values for its
//! variables (1 and 3, which pick the singular and plural forms), and the
//! text must read naturally: no placeholder left over, no registry argument
//! name (`REASON`, `MEMBER`) in Chinese text, no "1 entries" in English.
//! Every argument of the registry has a display name in both languages.

use std::collections::BTreeSet;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use jixia::features::core::arg_key;
use jixia::features::{all_commands, prompt_files, prompts};
use jixia::i18n::{Args, Locale};

/// The variables a pattern reads, selectors included.
fn variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, out),
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, out);
            }
        }
        _ => {}
    }
}

/// Every message of every prompts file with the variables it reads, per
/// language.
fn messages() -> Vec<(Locale, String, BTreeSet<String>)> {
    let mut all = Vec::new();
    for (file, zh, en) in prompt_files() {
        for (locale, src) in [(Locale::Zh, zh), (Locale::En, en)] {
            let resource = fluent_syntax::parser::parse(src).unwrap_or_else(|(_, e)| panic!("{file} {locale}: {e:?}"));
            for entry in &resource.body {
                if let Entry::Message(m) = entry
                    && let Some(value) = &m.value
                {
                    let mut vars = BTreeSet::new();
                    variables(value, &mut vars);
                    all.push((locale, m.id.name.to_owned(), vars));
                }
            }
        }
    }
    all
}

fn render(locale: Locale, key: &str, vars: &BTreeSet<String>, n: i64) -> String {
    let prompts = prompts().unwrap_or_else(|e| panic!("{e}"));
    let mut args = Args::new();
    for v in vars {
        // Leaked on purpose: Args takes &'static names, and the test ends.
        let name: &'static str = Box::leak(v.clone().into_boxed_str());
        args = args.num(name, n);
    }
    prompts.format(locale, key, &args).to_plain()
}

/// The registry's argument names that `text` shows as words (`REASON`,
/// `WORDS`), where Chinese text should have their display names. `ID` is
/// ordinary Chinese tech vocabulary (条目 ID), so it counts only as a
/// placeholder after a command (`/job ID`).
fn placeholders<'a>(text: &'a str, arg_names: &BTreeSet<&str>) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut previous = "";
    for token in text.split(|c: char| c.is_whitespace() || "，。：；（）、`".contains(c)) {
        let word = token.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
        let after_command =
            previous.starts_with('/') || previous.chars().all(|c| c.is_ascii_lowercase()) && !previous.is_empty();
        if arg_names.contains(word) && word.len() > 1 && (word != "ID" || after_command) {
            found.push(word);
        }
        if !token.is_empty() {
            previous = token;
        }
    }
    found
}

#[test]
fn every_prompt_reads_naturally_in_both_languages() {
    let arg_names: BTreeSet<&str> = all_commands().flat_map(|c| c.args.iter().map(|a| a.name)).collect();
    let mut problems = Vec::new();
    for (locale, key, vars) in messages() {
        for n in [1, 3] {
            let text = render(locale, &key, &vars, n);
            if text.contains("{$") || text.contains("{ $") {
                problems.push(format!("{locale} {key}: a placeholder is left: {text:?}"));
            }
            if locale == Locale::Zh && !key.starts_with("arg-") {
                for w in placeholders(&text, &arg_names) {
                    problems.push(format!("zh {key}: the argument name {w} in Chinese text: {text:?}"));
                }
            }
            if locale == Locale::En && n == 1 {
                let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
                for pair in words.windows(2) {
                    let plural = [
                        "entries",
                        "times",
                        "movements",
                        "admins",
                        "members",
                        "questions",
                        "answers",
                        "days",
                        "points",
                        "posts",
                        "groups",
                        "messages",
                        "orders",
                        "items",
                        "accounts",
                        "chats",
                        "subscriptions",
                        "jobs",
                        "attempts",
                        "rounds",
                        "players",
                        "words",
                    ];
                    if pair[0] == "1" && plural.contains(&pair[1]) {
                        problems.push(format!("en {key}: \"1 {}\": {text:?}", pair[1]));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} prompts read wrong:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_argument_has_a_display_name_in_both_languages() {
    let prompts = prompts().unwrap_or_else(|e| panic!("{e}"));
    let mut missing = BTreeSet::new();
    for command in all_commands() {
        for arg in command.args {
            for locale in Locale::ALL {
                if !prompts.has(locale, &arg_key(arg.name)) {
                    missing.insert(format!("{} ({locale}, in /{})", arg_key(arg.name), command.name));
                }
            }
        }
    }
    assert!(missing.is_empty(), "arguments without a display name: {missing:?}");
    // And the Chinese ones are Chinese.
    for name in all_commands().flat_map(|c| c.args.iter().map(|a| a.name)) {
        let shown = prompts.plain(Locale::Zh, &arg_key(name));
        assert!(!shown.is_ascii(), "arg-{} in Chinese is {shown:?}", name.to_lowercase());
    }
}

/// `/help` in Chinese shows Chinese argument names and choices; in English,
/// English ones; both languages' choices are accepted either way.
#[test]
fn usage_lines_speak_the_members_language() {
    let prompts = prompts().unwrap_or_else(|e| panic!("{e}"));
    let top = all_commands().find(|c| c.name == "top").unwrap_or_else(|| panic!("/top"));
    assert_eq!(jixia::features::core::usage(&prompts, Locale::Zh, top), "/top [周|月|总]");
    assert_eq!(jixia::features::core::usage(&prompts, Locale::En, top), "/top [week|month|all]");
    let grant =
        all_commands().find(|c| c.name == "points" && c.sub == Some("grant")).unwrap_or_else(|| panic!("grant"));
    assert_eq!(jixia::features::core::usage(&prompts, Locale::Zh, grant), "/points grant @成员 数量 原因…");
    assert_eq!(jixia::features::core::usage(&prompts, Locale::En, grant), "/points grant @MEMBER N REASON…");
}
