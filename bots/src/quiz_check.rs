//! `jixia quiz check FILE…`: plays every question of bank files through a
//! scratch engine, as members would, and names each one that cannot be
//! answered with its own answers. Nothing touches the real database: the
//! files go into a scratch SQLite file that is removed afterwards.
//!
//! How a question is played: a moderator starts group rounds of its topic
//! in a console chat until every question has been asked; for each asked
//! question a player types its first accepted answer as a chat message
//! (an answer that starts with `/` would be a command, so that one is sent
//! as `/quiz answer …`, the way a member would have to). The question counts
//! as answerable when the round moves on. Multiple-choice questions are
//! answered by typing the correct option's letter. Every other variant of a
//! free answer is checked with the same matcher the rounds use.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use jixia::Engine;
use jixia::clock::{Clock, ManualClock, SystemClock};
use jixia::config::Config;
use jixia::features::quiz::answer::{Matcher, option_label};
use jixia::features::quiz::model::{Body, Lang, Question};
use jixia::features::quiz::red::RedOptions;
use jixia::features::quiz::{BankFormat, ImportFailed, import_file};
use jixia::message::{Chat, Incoming, Platform, Sender};
use jixia::store::{self, Store, scratch::ScratchFile};

/// The console chat the check plays in.
const CHAT: &str = "quiz-check";
/// Questions per round (the most a round may have in the check's config).
const PER_ROUND: u32 = 50;

/// A bank file to check, already read.
#[derive(Debug)]
pub struct CheckFile {
    /// As shown in messages.
    pub shown: String,
    /// Its text.
    pub text: String,
    /// Its format.
    pub format: BankFormat,
}

/// What the check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Per file: (shown name, questions).
    pub files: Vec<(String, usize)>,
    /// Questions answered through the engine.
    pub answered: usize,
    /// Of those, answered only with `/quiz answer` (their answer starts with `/`).
    pub by_command: usize,
    /// Questions the engine did not accept their answer for: (id, line, answer).
    pub unanswerable: Vec<(String, usize, String)>,
    /// Free-answer variants the matcher does not accept as typed: (id, variant).
    pub variants_refused: Vec<(String, String)>,
    /// Questions no round asked (a question the round picker never picks).
    pub never_asked: Vec<String>,
    /// Rounds played.
    pub rounds: usize,
}

impl CheckReport {
    /// Whether every question was answered and every variant accepted.
    pub fn all_good(&self) -> bool {
        self.unanswerable.is_empty() && self.variants_refused.is_empty() && self.never_asked.is_empty()
    }
}

/// Imports `files` into a scratch database and plays every question.
/// `Err` only for what stops the check itself (a file that does not
/// parse is reported as `Err` too, with its `file:line: reason`).
pub async fn check(files: &[CheckFile], red: &RedOptions) -> Result<CheckReport> {
    let scratch = ScratchFile::new().context("cannot create a scratch directory")?;
    let mut config = Config::default();
    config.default_community_mut().moderators.push("console:checker".into());
    config.features.quiz.max_round_questions = PER_ROUND;
    config.features.quiz.round_questions = PER_ROUND;
    let store = store::open(scratch.url(), &config.database.store_options()).await?;
    let result = play(&config, &store, files, red).await;
    store.close().await;
    result
}

async fn play(config: &Config, store: &Arc<Store>, files: &[CheckFile], red: &RedOptions) -> Result<CheckReport> {
    let start = SystemClock.now();
    let mut report = CheckReport::default();
    for f in files {
        match import_file(store, &f.shown, &f.text, f.format, red, start).await {
            Ok(summary) => report.files.push((f.shown.clone(), summary.questions)),
            Err(ImportFailed::Bank(r)) => anyhow::bail!("{}: {r}", f.shown),
            Err(ImportFailed::Store(e)) => return Err(e.into()),
        }
    }
    let banks = store.quiz().quiz_banks().await?;
    let questions: BTreeMap<String, Question> =
        banks.into_iter().flat_map(|b| b.bank.questions).map(|q| (q.id.clone(), q)).collect();
    for q in questions.values() {
        for v in &q.variants {
            if let Body::Free { answers } = &v.body {
                let matcher = Matcher::new(answers);
                for a in answers.iter().filter(|a| !matcher.matches(a)) {
                    report.variants_refused.push((q.id.clone(), a.clone()));
                }
            }
        }
    }

    let clock = ManualClock::frozen(start);
    let engine = Engine::new(config, store.clone(), Arc::new(clock.clone()))?;
    let mut driver = Driver { engine: &engine, clock: &clock, next_id: 0 };
    // Each topic in each language it has: the checker and the player speak
    // that language (`/lang`), so rounds ask its questions in it.
    let pairs: BTreeSet<(&str, Lang)> =
        questions.values().flat_map(|q| q.variants.iter().map(|v| (q.topic.as_str(), v.lang))).collect();
    let mut asked: BTreeSet<String> = BTreeSet::new();
    for (topic, lang) in pairs {
        let pool: BTreeSet<&str> = questions
            .values()
            .filter(|q| q.topic == topic && q.variant(lang).is_some())
            .map(|q| q.id.as_str())
            .collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        driver.say("checker", &format!("/lang {}", lang.code())).await;
        driver.say("player", &format!("/lang {}", lang.code())).await;
        // Rounds pick at random, avoiding the last few rounds' questions:
        // this many rounds see every question many times over.
        let max_rounds = 40 + 8 * pool.len() / PER_ROUND as usize;
        let mut rounds = 0;
        while seen.len() < pool.len() && rounds < max_rounds {
            rounds += 1;
            report.rounds += 1;
            driver.say("checker", &format!("/quiz start {topic} {PER_ROUND}")).await;
            while let Some((seq, id)) = driver.current().await? {
                let Some((q_id, q)) = questions.get_key_value(&id) else {
                    anyhow::bail!("the round asked {id}, which no file has")
                };
                seen.insert(q_id.as_str());
                let first_time = asked.insert(id.clone());
                match driver.answer(q, lang, seq).await? {
                    Some(by_command) if first_time => {
                        report.answered += 1;
                        report.by_command += usize::from(by_command);
                    }
                    Some(_) => {}
                    None => {
                        if first_time {
                            let shown = first_answer(q, lang).unwrap_or_default();
                            report.unanswerable.push((q.id.clone(), q.line, shown));
                        }
                        driver.say("checker", "/quiz stop").await;
                        break;
                    }
                }
            }
        }
        report.never_asked.extend(pool.iter().filter(|id| !seen.contains(**id)).map(|id| (*id).to_owned()));
    }
    Ok(report)
}

/// What a member types to answer `q` right: the first accepted answer, or
/// the correct option's letter.
fn first_answer(q: &Question, lang: Lang) -> Option<String> {
    let v = q.variant(lang)?;
    match &v.body {
        Body::Free { answers } => answers.first().cloned(),
        Body::Choice { correct, .. } => correct.first().map(|i| option_label(*i).to_string()),
    }
}

/// Sends the check's messages to the engine, one second apart.
struct Driver<'a> {
    engine: &'a Engine,
    clock: &'a ManualClock,
    next_id: u64,
}

impl Driver<'_> {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn say(&mut self, who: &str, text: &str) {
        self.next_id += 1;
        self.clock.advance(chrono::Duration::seconds(1));
        let msg = Incoming::text(
            Chat::group(Platform::Console, CHAT),
            Sender::member(who, who),
            self.next_id.to_string(),
            text,
            self.now(),
        );
        self.engine.handle(&msg).await;
    }

    /// The open question of the chat's round: (seq, question id).
    async fn current(&self) -> Result<Option<(i64, String)>> {
        let community = self.engine.config().default_community_id();
        let running = self.engine.store().quiz().round_running(&community, Platform::Console, CHAT).await?;
        Ok(running.and_then(|(_, slot)| slot).map(|s| (s.seq, s.question_id)))
    }

    /// Answers the open question (`seq`) as a player. `Some(by_command)`
    /// when the round moved on; `None` when the answer was not taken.
    async fn answer(&mut self, q: &Question, lang: Lang, seq: i64) -> Result<Option<bool>> {
        let Some(typed) = first_answer(q, lang) else { return Ok(None) };
        let moved = |now: Option<(i64, String)>| now.is_none_or(|(s, _)| s != seq);
        if !typed.starts_with('/') {
            self.say("player", &typed).await;
            if moved(self.current().await?) {
                return Ok(Some(false));
            }
        }
        self.say("player", &format!("/quiz answer {typed}")).await;
        Ok(moved(self.current().await?).then_some(true))
    }
}
