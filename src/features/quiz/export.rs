//! A bank written back in our TOML format (`jixia quiz export`): what was
//! imported from Red comes out as our format, and our format round-trips
//! (parse → export → parse gives the same bank).

use serde::Serialize;

use super::answer::option_label;
use super::model::{Bank, Body, Lang, Question, Variant};

#[derive(Serialize)]
struct File<'a> {
    bank: Head<'a>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    topics: std::collections::BTreeMap<&'a str, std::collections::BTreeMap<&'static str, &'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<Round>,
    question: Vec<Q<'a>>,
}

#[derive(Serialize)]
struct Head<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
}

#[derive(Serialize)]
struct Round {
    #[serde(skip_serializing_if = "Option::is_none")]
    question_secs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_score: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reveal_answer: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_stop_secs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payout_multiplier: Option<f64>,
}

#[derive(Serialize)]
struct Q<'a> {
    id: &'a str,
    topic: &'a str,
    difficulty: u8,
    lang: &'static str,
    #[serde(flatten)]
    body: V<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zh: Option<V<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    en: Option<V<'a>>,
}

#[derive(Serialize)]
struct V<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correct: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<&'a str>,
}

fn v(var: &Variant) -> V<'_> {
    let (options, correct, answers) = match &var.body {
        Body::Choice { options, correct } => (
            Some(options.as_slice()),
            Some(correct.iter().filter_map(|i| options.get(*i).map(String::as_str)).collect()),
            None,
        ),
        Body::Free { answers } => (None, None, Some(answers.as_slice())),
    };
    V { text: &var.text, options, correct, answers, explanation: var.explanation.as_deref() }
}

fn q(question: &Question) -> Option<Q<'_>> {
    let first = question.variants.first()?;
    let other = |lang: Lang| question.variants.iter().skip(1).find(|x| x.lang == lang).map(v);
    Some(Q {
        id: &question.id,
        topic: &question.topic,
        difficulty: question.difficulty,
        lang: first.lang.code(),
        body: v(first),
        zh: other(Lang::Zh),
        en: other(Lang::En),
    })
}

fn ms_to_secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// The bank as TOML in our format, questions in bank order.
pub fn to_toml(bank: &Bank) -> Result<String, toml::ser::Error> {
    let mut topics: std::collections::BTreeMap<&str, std::collections::BTreeMap<&'static str, &str>> =
        std::collections::BTreeMap::new();
    for (topic, lang, name) in &bank.topic_names {
        topics.entry(topic.as_str()).or_default().insert(lang.code(), name.as_str());
    }
    let r = &bank.round;
    let file = File {
        bank: Head { id: &bank.id, title: bank.title.as_deref(), author: bank.author.as_deref() },
        topics,
        round: (!r.is_empty()).then(|| Round {
            question_secs: r.question_ms.map(ms_to_secs),
            max_score: r.max_score,
            reveal_answer: r.reveal_answer,
            idle_stop_secs: r.idle_stop_ms.map(ms_to_secs),
            payout_multiplier: r.payout_multiplier,
        }),
        question: bank.questions.iter().filter_map(q).collect(),
    };
    toml::to_string(&file)
}

/// A one-line summary of a question for `jixia quiz list --questions`:
/// `id [topic ★★☆☆☆ zh/en] text`.
pub fn summary(question: &Question) -> String {
    let stars: String = (1..=5).map(|i| if i <= question.difficulty { '★' } else { '☆' }).collect();
    let langs: Vec<&str> = question.variants.iter().map(|v| v.lang.code()).collect();
    let text = question.variants.first().map_or("", |v| v.text.as_str());
    let kind = match question.variants.first().map(|v| &v.body) {
        Some(Body::Choice { options, .. }) => {
            format!(" ({}–{})", option_label(0), option_label(options.len().saturating_sub(1)))
        }
        _ => String::new(),
    };
    format!("{} [{} {} {}] {}{}", question.id, question.topic, stars, langs.join("/"), text, kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::quiz::red::{RedOptions, parse as parse_red};

    const OURS: &str = r#"
[bank]
id = "rt"
title = "Round trip"
topic = "postgres"
[topics.postgres]
zh = "PostgreSQL"
en = "PostgreSQL"
[round]
question_secs = 12.5
reveal_answer = false
[[question]]
id = "a"
difficulty = 2
text = "哪个命令？"
options = ["VACUUM", "VACUUM FULL"]
correct = "VACUUM FULL"
explanation = "说明"
[question.en]
text = "Which command?"
options = ["VACUUM", "VACUUM FULL"]
correct = "VACUUM FULL"
[[question]]
id = "b"
lang = "en"
difficulty = 5
text = "Port?"
answers = ["5432", "five four three two"]
"#;

    fn strip_lines(mut b: Bank) -> Bank {
        for q in &mut b.questions {
            q.line = 0;
        }
        b
    }

    #[test]
    fn our_format_round_trips() {
        let bank = crate::features::quiz::bank::parse("rt.toml", OURS).unwrap_or_else(|e| panic!("{e}"));
        let text = to_toml(&bank).unwrap_or_else(|e| panic!("{e}"));
        let again = crate::features::quiz::bank::parse("rt.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(strip_lines(again), strip_lines(bank));
    }

    #[test]
    fn a_red_list_exports_to_our_format() {
        let red = "AUTHOR: me\nCONFIG:\n  delay: 30\nWho wrote Linux?:\n- Linus Torvalds\n- Torvalds\n";
        let bank = parse_red("kernel.yaml", red, &RedOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let text = to_toml(&bank).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("question_secs = 30.0"), "{text}");
        let mut again =
            crate::features::quiz::bank::parse("kernel.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        again.format = bank.format;
        assert_eq!(strip_lines(again), strip_lines(bank));
    }

    #[test]
    fn summaries() {
        let bank = crate::features::quiz::bank::parse("rt.toml", OURS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary(&bank.questions[0]), "a [postgres ★★☆☆☆ zh/en] 哪个命令？ (A–B)");
        assert_eq!(summary(&bank.questions[1]), "b [postgres ★★★★★ en] Port?");
    }
}
