//! The 段位 assessment, in a direct message: `/exam [TOPIC]`, answers (any
//! text in the DM while a question waits, or a button), `/exam stop`,
//! `/exam result`, `/exam announce on|off`, the `quiz_exam_close` job (a
//! question's time is up: wrong), and the levels line of `/whoami`.

use std::collections::HashSet;

use serde::Deserialize;

use super::answer::{Matcher, option_label, read_choice};
use super::model::Body;
use super::render;
use super::round::{resolve_topic, state};
use super::state::{Banks, QuizState};
use super::store::{Exam, ExamAdvance, ExamAdvanced, ExamFinish, ExamStartOutcome, NewExam, NewStep, Step};
use super::walk::{self, Candidate};
use super::{PROMOTION, QuizConfig};
use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::handler::{CommandError, Ctx};
use crate::i18n::{Args, Locale};
use crate::ledger::{Owner, Transfer};
use crate::message::{Button, Chat, ChatKind, Outgoing, Platform};
use crate::rich::RichText;
use crate::scheduler::{JobError, JobResult, LEASE_SECS};
use crate::store::jobs::Job;
use crate::store::{Member, StoreError, from_ms};

/// Assessments shown in `/exam result`.
const HISTORY: i64 = 5;

/// A level's name in a locale.
pub(super) fn level_name(config: &QuizConfig, locale: Locale, level: i64) -> String {
    let rung = usize::try_from(level).ok().and_then(|i| config.levels.get(i));
    match (rung, locale) {
        (Some(r), Locale::Zh) => r.zh.clone(),
        (Some(r), Locale::En) => r.en.clone(),
        (None, _) => level.to_string(),
    }
}

/// A question of an assessment: its text, options and buttons.
fn step_body(engine: &Engine, exam: &Exam, seq: i64, banks: &Banks, question_id: &str) -> (RichText, Vec<Button>) {
    let locale = render::locale(exam.lang);
    let Some(q) = banks.get(question_id) else { return (RichText::plain(question_id), Vec::new()) };
    let Some(v) = render::variant(q, exam.lang) else { return (RichText::plain(question_id), Vec::new()) };
    let args = Args::new().num("seq", seq).num("total", exam.total);
    render::question_body(engine, locale, "quiz-exam-question", args, v, q.difficulty, &format!("e{}.{seq}", exam.id))
}

/// `/exam [TOPIC]`.
pub(super) async fn start(ctx: &Ctx<'_>, topic: Option<&str>) -> Result<Vec<Outgoing>, CommandError> {
    let config = &ctx.community.features.quiz;
    if ctx.msg.chat.kind == ChatKind::Group {
        return Err(CommandError::member("quiz-exam-dm-only", Args::new().str("topic", topic.unwrap_or_default())));
    }
    let state = state(ctx)?;
    let banks = state.banks(ctx.store()).await?;
    let topics = super::round::allowed_topics(ctx, &banks);
    let topic = match (topic, topics.as_slice()) {
        (None, [only]) => only.clone(),
        (None, []) => return Err(CommandError::member("quiz-no-topics", Args::new())),
        (None, _) => {
            return Err(CommandError::member("quiz-exam-pick-topic", Args::new().str("topics", topics.join(", "))));
        }
        (Some(t), _) => t.to_owned(),
    };
    let topic = resolve_topic(ctx, &banks, Some(&topic))?;
    let lang = render::lang(ctx.locale);
    let pool = banks.pool(&topic, lang);
    let total = i64::from(config.exam_questions);
    if i64::try_from(pool.len()).unwrap_or(0) < total {
        let lang_name = ctx.engine.prompts().plain(ctx.locale, &format!("quiz-lang-{}", lang.code()));
        return Err(CommandError::member(
            "quiz-exam-too-few",
            Args::new().str("topic", topic).num("count", pool.len() as i64).str("lang", lang_name).num("total", total),
        ));
    }
    let quiz = ctx.store().quiz();
    let now_ms = ctx.now.timestamp_millis();
    if let Some((exam, steps)) = quiz.exam_running(&ctx.community.id, ctx.member.id).await? {
        // One whose timer never ran (its job gave up) is not left stuck:
        // past the grace and a job lease it is cancelled, uncounted.
        let grace = i64::from(config.resume_grace_secs) * 1000;
        let stuck = open_step(&steps).is_some_and(|s| now_ms > s.closes_at_ms + grace + LEASE_SECS * 1000);
        if !stuck || !quiz.exam_cancel(exam.id, now_ms, None).await? {
            state.mark_exam(&ctx.community.id, ctx.member.id, true);
            return Err(running_error(&exam, &steps));
        }
    }
    let cooldown_ms = i64::from(config.exam_cooldown_hours) * 3_600_000;
    if let Some(at) =
        walk::retake_at(quiz.exam_last_counted(&ctx.community.id, ctx.member.id, &topic).await?, cooldown_ms)
        && at > now_ms
    {
        let local = from_ms(at).with_timezone(&ctx.community.tz).format("%Y-%m-%d %H:%M").to_string();
        return Err(CommandError::member(
            "quiz-exam-cooldown",
            Args::new()
                .str("topic", topic)
                .str("when", render::duration(ctx.engine, ctx.locale, at - now_ms))
                .str("at", local),
        ));
    }
    let recent: Vec<String> = quiz
        .exam_recent_questions(&ctx.community.id, ctx.member.id, &topic, i64::from(config.exam_avoid_attempts))
        .await?;
    let recent: HashSet<&str> = recent.iter().map(String::as_str).collect();
    let candidates: Vec<Candidate<'_>> =
        pool.iter().map(|q| Candidate { id: &q.id, difficulty: q.difficulty }).collect();
    let start = config.exam_start_difficulty;
    let Some(first) = walk::pick_question(&candidates, start, &HashSet::new(), &recent, (now_ms, 1)) else {
        return Err(CommandError::internal("an assessment pool turned out empty"));
    };
    let chat = &ctx.msg.chat;
    let new = NewExam {
        community: ctx.community.id.clone(),
        member: ctx.member.id,
        platform: chat.platform,
        user_id: ctx.msg.sender.id.clone(),
        topic: topic.clone(),
        lang,
        start_key: format!("{}:{}:{}", chat.platform, chat.id, ctx.msg.message_id),
        total,
        start_difficulty: i64::from(start),
        step_ms: i64::from(config.exam_question_secs) * 1000,
        first: NewStep { seq: 1, question_id: first.id.to_owned(), difficulty: i64::from(first.difficulty) },
        now_ms,
    };
    match quiz.exam_start(&new).await? {
        ExamStartOutcome::Started(exam) => {
            state.mark_exam(&ctx.community.id, ctx.member.id, true);
            let mut body = ctx.text(
                "quiz-exam-started",
                &Args::new()
                    .str("topic", banks.name(&topic, lang))
                    .num("total", total)
                    .num("secs", exam.step_ms / 1000),
            );
            let (q, buttons) = step_body(ctx.engine, &exam, 1, &banks, &new.first.question_id);
            body.append(q);
            Ok(vec![Outgoing::reply(ctx.msg, body).with_buttons(buttons)])
        }
        ExamStartOutcome::Running(exam) => {
            let steps = quiz.exam(exam.id).await?.map(|(_, s)| s).unwrap_or_default();
            Err(running_error(&exam, &steps))
        }
        ExamStartOutcome::Duplicate => Ok(Vec::new()),
    }
}

fn open_step(steps: &[Step]) -> Option<&Step> {
    steps.iter().rev().find(|s| s.correct.is_none())
}

fn running_error(exam: &Exam, steps: &[Step]) -> CommandError {
    let seq = open_step(steps).map_or(steps.len() as i64, |s| s.seq);
    CommandError::member(
        "quiz-exam-running",
        Args::new().str("topic", exam.topic.clone()).num("seq", seq).num("total", exam.total),
    )
}

/// How a step is being settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Answered (right or wrong).
    Answered(bool),
    /// Its time ran out: wrong.
    Timeout,
    /// `/exam stop`: wrong, and the assessment ends.
    Stopped,
}

/// Settles the open step of `exam` and returns the messages to the member
/// (and the group announcement of a promotion), as DMs; with `job_key` they
/// go to the outbox with the change. `None`: the step was settled already.
#[expect(clippy::too_many_arguments, reason = "a step is settled from everything known about it")]
async fn settle(
    engine: &Engine,
    community: &Community,
    exam: &Exam,
    steps: &[Step],
    step: &Step,
    answer: Option<String>,
    verdict: Verdict,
    job_key: Option<&str>,
) -> Result<Option<Vec<Outgoing>>, StoreError> {
    let config = &community.features.quiz;
    let Some(state) = engine.state::<QuizState>() else { return Ok(None) };
    let banks = state.banks(engine.store()).await?;
    let right = verdict == Verdict::Answered(true);
    let mut walked: Vec<walk::Step> = steps
        .iter()
        .filter(|s| s.seq != step.seq)
        .filter_map(|s| s.correct.map(|c| walk::Step { difficulty: u8::try_from(s.difficulty).unwrap_or(1), right: c }))
        .collect();
    walked.push(walk::Step { difficulty: u8::try_from(step.difficulty).unwrap_or(1), right });
    let total = u32::try_from(exam.total).unwrap_or(10);
    let start = u8::try_from(exam.start_difficulty).unwrap_or(3);
    let now_ms = engine.now().timestamp_millis();
    let mut next = None;
    if verdict != Verdict::Stopped && step.seq < exam.total {
        let recent: Vec<String> = engine
            .store()
            .quiz()
            .exam_recent_questions(&exam.community, exam.member, &exam.topic, i64::from(config.exam_avoid_attempts))
            .await?;
        let recent: HashSet<&str> = recent.iter().map(String::as_str).collect();
        let asked: HashSet<&str> = steps.iter().map(|s| s.question_id.as_str()).collect();
        let pool = banks.pool(&exam.topic, exam.lang);
        let candidates: Vec<Candidate<'_>> =
            pool.iter().map(|q| Candidate { id: &q.id, difficulty: q.difficulty }).collect();
        let wanted = walk::wanted_difficulty(start, &walked);
        let seq = step.seq + 1;
        next = walk::pick_question(
            &candidates,
            wanted,
            &asked,
            &recent,
            (exam.started_at_ms, u32::try_from(seq).unwrap_or(0)),
        )
        .map(|c| NewStep { seq, question_id: c.id.to_owned(), difficulty: i64::from(c.difficulty) });
    }
    let finish = next.is_none().then(|| {
        let score = i64::from(walk::score(&walked, total, start));
        let level = i64::try_from(walk::level_for(&config.levels, u8::try_from(score).unwrap_or(0))).unwrap_or(0);
        let reward = (config.exam_promotion_points > 0).then(|| Transfer {
            community: exam.community.clone(),
            key: format!("quiz-exam:{}:promotion", exam.id),
            kind: PROMOTION,
            reason: exam.topic.clone(),
            actor: None,
            from: Owner::Mint,
            to: Owner::Member(exam.member),
            amount: config.exam_promotion_points,
            at: from_ms(now_ms),
        });
        ExamFinish {
            state: if verdict == Verdict::Stopped { "stopped" } else { "finished" },
            score,
            level,
            promotion_reward: reward,
        }
    });
    let announce = match finish {
        Some(_) => engine.store().quiz().quiz_announce(&exam.community, exam.member).await?,
        None => false,
    };
    let chats = if announce { engine.store().quiz().daily_chats(&exam.community).await? } else { Vec::new() };
    let name = engine.store().members().member(exam.member).await?.map(|m| m.display_name).unwrap_or_default();
    let advance = ExamAdvance {
        exam_id: exam.id,
        seq: step.seq,
        answer,
        correct: right,
        next: next.clone(),
        finish: finish.clone(),
        now_ms,
    };
    let render = |done: &ExamAdvanced| -> Vec<Outgoing> {
        messages(
            engine,
            community,
            &banks,
            exam,
            steps,
            step,
            verdict,
            next.as_ref(),
            finish.as_ref(),
            done,
            &name,
            &chats,
        )
    };
    let Some(done) = engine.store().quiz().exam_advance(&advance, job_key.map(|k| (k, &render as _))).await? else {
        return Ok(None);
    };
    if matches!(done, ExamAdvanced::Finished { .. }) {
        state.mark_exam(&exam.community, exam.member, false);
    }
    Ok(Some(if job_key.is_some() { Vec::new() } else { render(&done) }))
}

/// What a settled step says: the verdict, the explanation, then the next
/// question or the result (and the group's announcement of a promotion).
#[expect(clippy::too_many_arguments, reason = "everything a step's messages show")]
fn messages(
    engine: &Engine,
    community: &Community,
    banks: &Banks,
    exam: &Exam,
    steps: &[Step],
    step: &Step,
    verdict: Verdict,
    next: Option<&NewStep>,
    finish: Option<&ExamFinish>,
    done: &ExamAdvanced,
    name: &str,
    chats: &[(Platform, String)],
) -> Vec<Outgoing> {
    let locale = render::locale(exam.lang);
    let p = engine.prompts();
    let config = &community.features.quiz;
    let v = banks.get(&step.question_id).and_then(|q| render::variant(q, exam.lang));
    let answer = v.map(render::answer_text).unwrap_or_default();
    let mut body = match verdict {
        Verdict::Answered(true) => p.format(locale, "quiz-exam-right", &Args::new()),
        Verdict::Answered(false) => p.format(locale, "quiz-exam-wrong", &Args::new().str("answer", answer)),
        Verdict::Timeout => p.format(locale, "quiz-exam-timeout", &Args::new().str("answer", answer)),
        Verdict::Stopped => RichText::default(),
    };
    if verdict != Verdict::Stopped
        && let Some(e) = v.and_then(|v| render::explanation(engine, locale, v))
    {
        body.append(e);
    }
    let mut buttons = Vec::new();
    let mut out = Vec::new();
    if let Some(n) = next {
        let (q, b) = step_body(engine, exam, n.seq, banks, &n.question_id);
        body.append(q);
        buttons = b;
    }
    if let (Some(f), ExamAdvanced::Finished { promoted, previous, .. }) = (finish, done) {
        let level = level_name(config, locale, f.level);
        let topic = banks.name(&exam.topic, exam.lang);
        if f.state == "stopped" {
            let answered = steps.iter().filter(|s| s.correct.is_some()).count() as i64;
            body.append(
                p.format(
                    locale,
                    "quiz-exam-stopped",
                    &Args::new()
                        .num("answered", answered)
                        .num("total", exam.total)
                        .num("score", f.score)
                        .str("level", level.clone()),
                ),
            );
        } else {
            body.append(p.format(
                locale,
                "quiz-exam-result",
                &Args::new().num("score", f.score).str("topic", topic.clone()).str("level", level.clone()),
            ));
        }
        match (previous, promoted) {
            (Some(before), true) => body.append(p.format(
                locale,
                "quiz-exam-promoted",
                &Args::new().str("before", level_name(config, locale, *before)),
            )),
            (None, _) => body.append(p.format(locale, "quiz-exam-first", &Args::new().str("topic", topic.clone()))),
            _ => {}
        }
        if *promoted {
            let group_locale = community.locale;
            let text = p.format(
                group_locale,
                "quiz-exam-announce",
                &Args::new()
                    .str("name", name)
                    .str("level", level_name(config, group_locale, f.level))
                    .str("topic", banks.name(&exam.topic, render::lang(group_locale))),
            );
            for (platform, chat) in chats {
                out.push(Outgoing::post(Chat::group(*platform, chat.clone()), text.clone()));
            }
        }
    }
    let dm = Outgoing::direct(exam.platform, exam.user_id.clone(), body).with_buttons(buttons);
    out.insert(0, dm);
    out
}

/// A DM while an assessment waits for an answer: the answer. `None` when
/// the member has none running after all.
pub(super) async fn answer(ctx: &Ctx<'_>, text: &str) -> Result<Option<Vec<Outgoing>>, CommandError> {
    let state = state(ctx)?;
    let Some((exam, steps)) = ctx.store().quiz().exam_running(&ctx.community.id, ctx.member.id).await? else {
        state.mark_exam(&ctx.community.id, ctx.member.id, false);
        return Ok(None);
    };
    let Some(step) = open_step(&steps).cloned() else { return Ok(None) };
    let banks = state.banks(ctx.store()).await?;
    let Some(v) = banks.get(&step.question_id).and_then(|q| render::variant(q, exam.lang)).cloned() else {
        return Err(CommandError::internal(format!(
            "assessment {} asks unknown question {}",
            exam.id, step.question_id
        )));
    };
    let right = match &v.body {
        Body::Choice { options, correct } => match read_choice(text, options) {
            Some(i) => correct.contains(&i),
            None => {
                let last = option_label(options.len().saturating_sub(1)).to_string();
                return Ok(Some(vec![ctx.reply("quiz-exam-not-a-choice", &Args::new().str("last", last))]));
            }
        },
        Body::Free { answers } => Matcher::new(answers).matches(text),
    };
    let out =
        settle(ctx.engine, ctx.community, &exam, &steps, &step, Some(text.to_owned()), Verdict::Answered(right), None)
            .await?;
    Ok(Some(as_replies(ctx, out.unwrap_or_default())))
}

/// Messages to the member's own DM become replies there.
fn as_replies(ctx: &Ctx<'_>, out: Vec<Outgoing>) -> Vec<Outgoing> {
    out.into_iter()
        .map(|o| match &o.to {
            crate::message::Destination::Direct { platform, user_id }
                if *platform == ctx.msg.chat.platform && *user_id == ctx.msg.sender.id =>
            {
                Outgoing {
                    to: crate::message::Destination::Chat(ctx.msg.chat.clone()),
                    reply_to: Some(ctx.msg.message_id.clone()),
                    ..o
                }
            }
            _ => o,
        })
        .collect()
}

/// A button of an assessment question: `/quiz pick eID.SEQ N`.
pub(super) async fn pick(ctx: &Ctx<'_>, exam_id: i64, seq: i64, n: i64) -> Result<Vec<Outgoing>, CommandError> {
    let closed = || CommandError::member("quiz-closed", Args::new());
    let Some((exam, steps)) = ctx.store().quiz().exam(exam_id).await? else { return Err(closed()) };
    if exam.member != ctx.member.id || exam.community != ctx.community.id {
        return Err(CommandError::member("quiz-exam-none", Args::new()));
    }
    let Some(step) = open_step(&steps).filter(|s| s.seq == seq && exam.state == "running").cloned() else {
        return Err(closed());
    };
    let banks = state(ctx)?.banks(ctx.store()).await?;
    let Some(v) = banks.get(&step.question_id).and_then(|q| render::variant(q, exam.lang)).cloned() else {
        return Err(closed());
    };
    let Body::Choice { options, correct } = &v.body else { return Err(closed()) };
    let Some(i) = usize::try_from(n - 1).ok().filter(|i| *i < options.len()) else {
        let last = option_label(options.len().saturating_sub(1)).to_string();
        return Err(CommandError::member("quiz-bad-pick", Args::new().str("got", n.to_string()).str("last", last)));
    };
    let answer = options.get(i).cloned();
    match settle(ctx.engine, ctx.community, &exam, &steps, &step, answer, Verdict::Answered(correct.contains(&i)), None)
        .await?
    {
        Some(out) => Ok(as_replies(ctx, out)),
        None => Err(closed()),
    }
}

/// `/exam stop`: the rest counts as wrong; the result and the cooldown count.
pub(super) async fn stop(ctx: &Ctx<'_>) -> Result<Vec<Outgoing>, CommandError> {
    let Some((exam, steps)) = ctx.store().quiz().exam_running(&ctx.community.id, ctx.member.id).await? else {
        state(ctx)?.mark_exam(&ctx.community.id, ctx.member.id, false);
        return Err(CommandError::member("quiz-exam-none", Args::new()));
    };
    let Some(step) = open_step(&steps).cloned() else {
        return Err(CommandError::member("quiz-exam-none", Args::new()));
    };
    match settle(ctx.engine, ctx.community, &exam, &steps, &step, None, Verdict::Stopped, None).await? {
        Some(out) => Ok(as_replies(ctx, out)),
        None => Err(CommandError::member("quiz-exam-none", Args::new())),
    }
}

/// `/exam result`: levels per topic and the latest assessments.
pub(super) async fn result(ctx: &Ctx<'_>) -> Result<Vec<Outgoing>, CommandError> {
    let config = &ctx.community.features.quiz;
    let quiz = ctx.store().quiz();
    let levels = quiz.quiz_levels(&ctx.community.id, ctx.member.id).await?;
    let history = quiz.exam_history(&ctx.community.id, ctx.member.id, HISTORY).await?;
    if levels.is_empty() && history.is_empty() {
        return Ok(vec![ctx.reply("quiz-exam-no-results", &Args::new())]);
    }
    let mut body = ctx.text("quiz-exam-results", &Args::new().str("name", ctx.msg.sender.name.clone()));
    let lines: Vec<String> = levels
        .iter()
        .map(|l| {
            ctx.text(
                "quiz-exam-level-line",
                &Args::new()
                    .str("topic", l.topic.clone())
                    .str("level", level_name(config, ctx.locale, l.level))
                    .num("score", l.score),
            )
            .to_plain()
        })
        .collect();
    body.append(RichText::list(&lines));
    if !history.is_empty() {
        body.append(ctx.text("quiz-exam-history", &Args::new()));
        let lines: Vec<String> = history
            .iter()
            .map(|e| {
                let date = from_ms(e.started_at_ms).with_timezone(&ctx.community.tz).format("%Y-%m-%d").to_string();
                ctx.text(
                    "quiz-exam-history-line",
                    &Args::new()
                        .str("date", date)
                        .str("topic", e.topic.clone())
                        .num("score", e.score.unwrap_or(0))
                        .str("level", level_name(config, ctx.locale, e.level.unwrap_or(0))),
                )
                .to_plain()
            })
            .collect();
        body.append(RichText::list(&lines));
    }
    Ok(vec![Outgoing::reply(ctx.msg, body)])
}

/// `/exam announce on|off`.
pub(super) async fn announce(ctx: &Ctx<'_>, on: bool) -> Result<Vec<Outgoing>, CommandError> {
    ctx.store().quiz().quiz_set_announce(&ctx.community.id, ctx.member.id, on).await?;
    Ok(vec![ctx.reply(if on { "quiz-exam-announce-on" } else { "quiz-exam-announce-off" }, &Args::new())])
}

/// A `quiz_exam_close` job's payload.
#[derive(Debug, Deserialize)]
struct ClosePayload {
    exam: i64,
    seq: i64,
}

/// The `quiz_exam_close` job: the question's time is up; past the grace
/// (the bot was down) the assessment is cancelled instead, not counted.
pub(super) fn run_close<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: ClosePayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("quiz_exam_close payload: {e}")))?;
        let Some((exam, steps)) = engine.store().quiz().exam(p.exam).await? else { return Ok(Vec::new()) };
        let Some(step) = open_step(&steps).filter(|s| s.seq == p.seq && exam.state == "running").cloned() else {
            return Ok(Vec::new());
        };
        let Some(community) = engine.communities().get(&exam.community) else {
            return Err(JobError::Invalid(format!("community {} is not configured", exam.community)));
        };
        let community = &*community;
        let grace = i64::from(community.features.quiz.resume_grace_secs) * 1000;
        let now_ms = engine.now().timestamp_millis();
        if now_ms > step.closes_at_ms + grace {
            let render = |e: &Exam| -> Vec<Outgoing> {
                let locale = render::locale(e.lang);
                let body = engine.prompts().format(
                    locale,
                    "quiz-exam-cancelled-restart",
                    &Args::new().str("topic", e.topic.clone()),
                );
                vec![Outgoing::direct(e.platform, e.user_id.clone(), body)]
            };
            engine.store().quiz().exam_cancel(exam.id, now_ms, Some((&job.key, &render))).await?;
            if let Some(state) = engine.state::<QuizState>() {
                state.mark_exam(&exam.community, exam.member, false);
            }
            return Ok(Vec::new());
        }
        settle(engine, community, &exam, &steps, &step, None, Verdict::Timeout, Some(&job.key)).await?;
        Ok(Vec::new())
    })
}

/// `/whoami`: the member's best level per topic.
pub(super) fn profile<'a>(ctx: &'a Ctx<'a>, member: &'a Member) -> BoxFuture<'a, Result<Option<RichText>, StoreError>> {
    Box::pin(async move {
        let levels = ctx.store().quiz().quiz_levels(&ctx.community.id, member.id).await?;
        if levels.is_empty() {
            return Ok(None);
        }
        let config = &ctx.community.features.quiz;
        let shown: Vec<String> =
            levels.iter().map(|l| format!("{} {}", l.topic, level_name(config, ctx.locale, l.level))).collect();
        Ok(Some(ctx.text("quiz-whoami-levels", &Args::new().str("levels", shown.join(" · ")))))
    })
}
