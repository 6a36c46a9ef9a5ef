//! Machine-drafted FAQ entries: a moderator asks the shared language
//! model ([`crate::llm`]) to draft an entry from a `/faq gaps` cluster
//! (`/faq draft G3`: the wordings members used, no answer yet) or from a
//! bounty question's accepted answer (`/faq draft Q17`). The draft goes to
//! the moderators' queue (`/faq proposals`) marked as machine-drafted and
//! with the model's name, as `D3` or `Q17`, and becomes an entry only when
//! a moderator approves it (`/faq approve`); nothing the model wrote is
//! posted as if a person wrote it. The call is within the community's
//! daily budget; a failure or a spent budget is the moderator's reply.

use super::commands::current_gaps;
use super::import::{MAX_ANSWER_CHARS, MAX_QUESTION_CHARS};
use super::proposals::{accepted_answer, not_in_faq_yet};
use super::redirect::preview;
use super::store::{NewProposal, ProposalNo, Proposed};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec};
use crate::handler::{CommandError, CommandResult, Ctx, ParsedCommand};
use crate::i18n::Args;
use crate::llm::{self, CallError, ChatRequest, Use, fill, language_name};

/// What to draft from: a gap (`G3`) or a bounty question (`Q17`).
pub(super) const FROM: ArgSpec = ArgSpec::required("FROM", ArgKind::Word);

/// Wordings of a gap sent to the model at most.
const MAX_WORDINGS: usize = 10;
/// Characters of a draft shown in the reply.
const EXCERPT: usize = 200;

const SYSTEM: &str = include_str!("../../../prompts/llm/faq_draft.system.txt");
const FROM_GAP: &str = include_str!("../../../prompts/llm/faq_draft_gap.user.txt");
const FROM_ANSWER: &str = include_str!("../../../prompts/llm/faq_draft_answer.user.txt");

/// What a draft is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// Gap number `n` (from 1, as `/faq gaps` lists them).
    Gap(usize),
    /// A bounty question, as typed.
    Question(String),
}

fn parse_source(typed: &str) -> Option<Source> {
    let t = typed.trim();
    if let Some(digits) = t.strip_prefix(['G', 'g']) {
        let ok = !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit());
        return digits.parse().ok().filter(|n| ok && *n > 0).map(Source::Gap);
    }
    let q = t.strip_prefix(['Q', 'q'])?;
    (!q.is_empty() && q.bytes().all(|b| b.is_ascii_digit())).then(|| Source::Question(t.to_owned()))
}

/// The request that drafts an entry from a gap's wordings.
fn gap_request(wordings: &[String], language: &str, max_tokens: i64) -> ChatRequest {
    let listed: Vec<String> =
        wordings.iter().take(MAX_WORDINGS).map(|w| format!("- {}", w.replace('\n', " "))).collect();
    ChatRequest {
        system: fill(SYSTEM, &[("language", language)]),
        user: fill(FROM_GAP, &[("language", language), ("questions", &listed.join("\n"))]),
        max_tokens,
    }
}

/// The request that drafts an entry from a question and its accepted answer.
fn answer_request(question: &str, answer: &str, language: &str, max_tokens: i64) -> ChatRequest {
    ChatRequest {
        system: fill(SYSTEM, &[("language", language)]),
        user: fill(FROM_ANSWER, &[("language", language), ("question", question), ("answer", answer)]),
        max_tokens,
    }
}

/// A draft answer as (question, answer): a `Q:` line and an `A:` part
/// (`问：` / `答：` too), each cut to what an entry holds; `None` when
/// either is missing.
pub fn parse_draft(text: &str) -> Option<(String, String)> {
    let mut question = None;
    let mut answer: Option<Vec<&str>> = None;
    for line in text.trim().lines() {
        let l = line.trim();
        let strip = |prefixes: &[&str]| prefixes.iter().find_map(|p| l.strip_prefix(p)).map(str::trim);
        if let Some(a) = answer.as_mut() {
            a.push(line.trim_end());
        } else if let Some(q) = strip(&["Q:", "Q：", "问：", "问:"]) {
            question = Some(q.to_owned());
        } else if let Some(a) = strip(&["A:", "A：", "答：", "答:"]) {
            answer = Some(vec![a]);
        }
    }
    let question = question.filter(|q| !q.is_empty())?;
    let answer = answer?.join("\n").trim().to_owned();
    if answer.is_empty() {
        return None;
    }
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    Some((cut(&question, MAX_QUESTION_CHARS), cut(&answer, MAX_ANSWER_CHARS)))
}

/// What a failed call tells the moderator.
fn refused(e: CallError) -> CommandError {
    match e {
        CallError::Off => CommandError::member("faq-draft-no-model", Args::new()),
        CallError::Budget { spent, budget, .. } => {
            CommandError::member("faq-draft-budget", Args::new().num("spent", spent).num("budget", budget))
        }
        CallError::Failed(e) => CommandError::member("faq-draft-failed", Args::new().str("why", e.to_string())),
        CallError::Store(e) => e.into(),
    }
}

/// `/faq draft G3|Q17`
pub(super) fn draft<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let typed = cmd.required_text(&FROM)?;
        let Some(model) = llm::model_of(ctx.engine) else {
            return Err(CommandError::member("faq-draft-no-model", Args::new()));
        };
        let source =
            parse_source(typed).ok_or_else(|| CommandError::member("faq-draft-bad", Args::new().str("got", typed)))?;
        let language = language_name(ctx.community.locale);
        let max_tokens = ctx.engine.config().llm.max_tokens;
        // (the request, the proposal's number if it has one, where it comes from)
        let (req, number, from) = match &source {
            Source::Gap(n) => {
                let gaps = current_gaps(ctx).await?;
                let Some(wordings) = gaps.get(n - 1) else {
                    let args = Args::new().str("id", format!("G{n}")).num("count", gaps.len() as i64);
                    return Err(CommandError::member("faq-draft-no-gap", args));
                };
                (gap_request(wordings, language, max_tokens), None, format!("G{n}"))
            }
            Source::Question(typed) => {
                let (q, answer) = accepted_answer(ctx, typed).await?;
                not_in_faq_yet(ctx, &q.text, &q.number.to_string()).await?;
                let req = answer_request(&q.text, &answer.text, language, max_tokens);
                (req, Some(ProposalNo::question(q.number)), answer.reference.to_string())
            }
        };
        let completion = llm::complete(ctx.engine, ctx.community, Use::FaqDraft, &req).await.map_err(refused)?;
        let Some((question, answer)) = parse_draft(&completion.text) else {
            model.note(&ctx.community.id, Use::FaqDraft, ctx.now, "the model's answer had no Q: and A: parts".into());
            return Err(CommandError::member("faq-draft-unreadable", Args::new()));
        };
        let new = NewProposal {
            community: ctx.community.id.clone(),
            number: number.unwrap_or(ProposalNo(0)),
            answer_ref: from.clone(),
            answerer_name: model.model().to_owned(),
            question,
            answer,
            proposer: ctx.member.id,
            platform: ctx.msg.chat.platform,
            user_id: ctx.msg.sender.id.clone(),
            at: ctx.now,
            drafted_by: Some(model.model().to_owned()),
        };
        let stored = match number {
            None => ctx.store().faq().faq_propose_gap_draft(&new).await?,
            Some(_) => match ctx.store().faq().faq_propose(&new).await? {
                Proposed::Stored(p) => *p,
                // Proposed by someone else while the model wrote.
                Proposed::Exists(p) => return Err(super::proposals::proposed_before(&p)),
            },
        };
        let args = Args::new()
            .str("id", stored.number.to_string())
            .str("from", from)
            .str("model", model.model())
            .str("question", preview(&stored.question, EXCERPT))
            .str("answer", preview(&stored.answer, EXCERPT));
        Ok(vec![ctx.reply("faq-drafted", &args)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_gaps_or_questions() {
        assert_eq!(parse_source("G3"), Some(Source::Gap(3)));
        assert_eq!(parse_source("g12"), Some(Source::Gap(12)));
        assert_eq!(parse_source("Q17"), Some(Source::Question("Q17".into())));
        for bad in ["G0", "G", "3", "Gx", "D3", "Q", "Q1a", "G99999"] {
            assert_eq!(parse_source(bad), None, "{bad}");
        }
    }

    #[test]
    fn drafts_are_a_question_line_and_an_answer() {
        assert_eq!(
            parse_draft("Q: How do I see the version?\nA: Run\nselect version();"),
            Some(("How do I see the version?".into(), "Run\nselect version();".into()))
        );
        assert_eq!(
            parse_draft("问：怎么看版本？\n答：select version();"),
            Some(("怎么看版本？".into(), "select version();".into()))
        );
        assert_eq!(parse_draft("Q: only a question"), None);
        assert_eq!(parse_draft("A: only an answer"), None);
        assert_eq!(parse_draft("Sure! Here it is."), None);
    }

    #[test]
    fn requests_fill_every_variable() {
        let r = gap_request(&["怎么看版本".into(), "版本号在哪\n看".into()], "Simplified Chinese", 300);
        assert!(r.user.contains("- 怎么看版本\n- 版本号在哪 看") && !r.user.contains("{{") && !r.system.contains("{{"));
        let r = answer_request("Q?", "A.", "English", 300);
        assert!(r.user.contains("Q?") && r.user.contains("A.") && !r.user.contains("{{"));
    }
}
