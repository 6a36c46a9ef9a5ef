//! How questions, reveals and scoreboards read, in one place for the
//! commands and the jobs. A multiple-choice question carries buttons, each
//! the command line `/quiz pick TOKEN N` with a token naming exactly the
//! question asked (`r12.3`: round 12, question 3; `e7.2`: assessment 7,
//! question 2; `d20261201`: that day's question), so an old button says
//! "closed" instead of answering whatever question is open now.

use super::answer::option_label;
use super::model::{Body, Lang, Question, Variant};
use super::store::{EndReason, RoundEnd};
use crate::engine::Engine;
use crate::i18n::{Args, Locale};
use crate::message::Button;
use crate::rich::RichText;

/// The locale a question language is shown in.
pub fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::Zh => Locale::Zh,
        Lang::En => Locale::En,
    }
}

/// The question language of a locale.
pub fn lang(locale: Locale) -> Lang {
    match locale {
        Locale::Zh => Lang::Zh,
        Locale::En => Lang::En,
    }
}

/// `★★★☆☆`.
pub fn stars(difficulty: u8) -> String {
    (1..=5).map(|i| if i <= difficulty { '★' } else { '☆' }).collect()
}

/// The variant to show in `lang`, else the question's own.
pub fn variant(q: &Question, lang: Lang) -> Option<&Variant> {
    q.variant(lang).or_else(|| q.variants.first())
}

/// The answer as revealed: the right options (`B. VACUUM FULL`) or the
/// first accepted answer.
pub fn answer_text(v: &Variant) -> String {
    match &v.body {
        Body::Choice { options, correct } => correct
            .iter()
            .filter_map(|i| options.get(*i).map(|o| format!("{}. {o}", option_label(*i))))
            .collect::<Vec<_>>()
            .join(" / "),
        Body::Free { answers } => answers.first().cloned().unwrap_or_default(),
    }
}

/// The body of a question: its header (a prompt with `seq`, `total`,
/// `stars`, `text` and `extra`), the options, and how to answer.
pub fn question_body(
    engine: &Engine,
    locale: Locale,
    header: &str,
    args: Args,
    v: &Variant,
    difficulty: u8,
    token: &str,
) -> (RichText, Vec<Button>) {
    let p = engine.prompts();
    let mut body = p.format(locale, header, &args.str("stars", stars(difficulty)).str("text", v.text.clone()));
    let mut buttons = Vec::new();
    match &v.body {
        Body::Choice { options, .. } => {
            let lines: Vec<String> = options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    p.format(
                        locale,
                        "quiz-option-line",
                        &Args::new().str("label", option_label(i).to_string()).str("option", o.clone()),
                    )
                    .to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
            buttons = (0..options.len())
                .map(|i| Button { label: option_label(i).to_string(), data: format!("/quiz pick {token} {}", i + 1) })
                .collect();
            body.append(p.format(locale, "quiz-choice-hint", &Args::new()));
        }
        Body::Free { .. } => {}
    }
    (body, buttons)
}

/// The explanation line, if the question has one.
pub fn explanation(engine: &Engine, locale: Locale, v: &Variant) -> Option<RichText> {
    v.explanation
        .as_ref()
        .map(|e| engine.prompts().format(locale, "quiz-explanation", &Args::new().str("explanation", e.clone())))
}

/// A round's end: why, the scoreboard, and what was paid.
pub fn round_end(
    engine: &Engine,
    locale: Locale,
    end: &RoundEnd,
    per_correct: i64,
    min_players: i64,
    by: &str,
) -> RichText {
    let p = engine.prompts();
    let reason = match end.reason {
        EndReason::AllAsked => p.format(locale, "quiz-end-all-asked", &Args::new()),
        EndReason::MaxScore => {
            let (name, score) = end.board.first().map(|b| (b.1.clone(), b.2)).unwrap_or_default();
            p.format(locale, "quiz-end-max-score", &Args::new().str("name", name).num("score", score))
        }
        EndReason::Stopped => p.format(locale, "quiz-end-stopped", &Args::new().str("name", by)),
        EndReason::Idle => p.format(locale, "quiz-end-idle", &Args::new()),
        EndReason::Restart => p.format(locale, "quiz-end-restart", &Args::new()),
    };
    let mut body = p.format(locale, "quiz-round-end", &Args::new().str("reason", reason.to_plain()));
    if end.board.is_empty() {
        body.append(p.format(locale, "quiz-scoreboard-empty", &Args::new()));
        return body;
    }
    let lines: Vec<String> = end
        .board
        .iter()
        .zip(1_i64..)
        .map(|((_, name, score), rank)| {
            p.format(
                locale,
                "quiz-scoreboard-line",
                &Args::new().num("rank", rank).str("name", name.clone()).num("score", *score),
            )
            .to_plain()
        })
        .collect();
    body.append(RichText::list(&lines));
    if end.paid {
        let count = i64::try_from(end.board.len()).unwrap_or(0);
        body.append(p.format(locale, "quiz-paid", &Args::new().num("points", per_correct).num("count", count)));
    } else if end.reason != EndReason::Restart && per_correct > 0 {
        body.append(p.format(
            locale,
            "quiz-not-paid",
            &Args::new().num("players", end.players).num("min", min_players),
        ));
    }
    body
}

/// "3 h 20 min" until a moment, in `locale`.
pub fn duration(engine: &Engine, locale: Locale, ms: i64) -> String {
    let minutes = (ms.max(0) + 59_999) / 60_000;
    engine
        .prompts()
        .format(locale, "quiz-duration", &Args::new().num("hours", minutes / 60).num("minutes", minutes % 60))
        .to_plain()
}
