//! From answers to the FAQ: a bounty question whose answer was accepted is
//! proposed for the FAQ (`/faq propose Q17`), waits in the moderators'
//! queue (`/faq proposals`), and is approved (`/faq approve Q17 [ENTRY]`)
//! into an FAQ entry whose question is the question as asked and whose
//! answer is the accepted answer, so the matcher redirects the next member
//! who asks it; or rejected (`/faq reject Q17 [REASON…]`). The proposer
//! hears of the decision by direct message, through the outbox.
//!
//! Who may propose: the asker, the member whose answer was accepted, or a
//! moderator: the two who know the exchange best, and those who keep the
//! FAQ. Anyone else is told to ask one of them. A proposal is known by its
//! question's number, so a question is proposed once; the entry approving
//! makes is `q17` unless the moderator names another.

use super::import;
use super::normalize::fold;
use super::redirect::preview;
use super::state::FaqState;
use super::store::{Decided, Decision, NewProposal, Proposal, ProposalNo, ProposalState, Proposed};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::FeatureId;
use crate::features::bounty::ids::QuestionNo;
use crate::features::bounty::store::QuestionState;
use crate::handler::{CommandError, CommandResult, Ctx, ParsedCommand};
use crate::i18n::Args;
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::scheduler::outbox::MAX_ATTEMPTS;
use crate::store::jobs::NewOutboxMessage;

/// A question id (`Q17`): the question to propose, or the proposal.
pub(super) const QID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// The id of the entry an approval makes (default `q17`).
pub(super) const ENTRY: ArgSpec = ArgSpec::optional("ENTRY", ArgKind::Word);
/// Why a proposal is rejected.
pub(super) const REASON: ArgSpec = ArgSpec::optional("REASON", ArgKind::Rest);

/// Proposals shown by `/faq proposals`.
const SHOWN: i64 = 10;
/// Characters of a question and of an answer in the queue.
const EXCERPT: usize = 80;

fn member(key: &'static str, args: Args) -> CommandError {
    CommandError::member(key, args)
}

/// The question number typed, or the member is told there is no such
/// question (`key` says which kind of thing was not found).
pub(super) fn number(typed: &str, key: &'static str) -> Result<QuestionNo, CommandError> {
    QuestionNo::parse(typed).ok_or_else(|| member(key, Args::new().str("id", typed)))
}

/// Why a question cannot be proposed (again): it waits, it is in the FAQ,
/// or it was rejected.
pub(super) fn proposed_before(p: &Proposal) -> CommandError {
    let id = p.number.to_string();
    match p.state {
        ProposalState::Pending => member("faq-propose-pending", Args::new().str("id", id)),
        ProposalState::Approved => {
            member("faq-propose-in-faq", Args::new().str("id", id).str("entry", p.entry_id.clone().unwrap_or_default()))
        }
        ProposalState::Rejected => match &p.reason {
            Some(reason) => member("faq-propose-rejected-why", Args::new().str("id", id).str("reason", reason.clone())),
            None => member("faq-propose-rejected", Args::new().str("id", id)),
        },
    }
}

/// `/faq propose Q17`: the question and its accepted answer into the queue.
pub(super) fn propose<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let community = &ctx.community.id;
        let typed = cmd.required_text(&QID)?;
        let (q, answer) = accepted_answer(ctx, typed).await?;
        let id = q.number.to_string();
        let may = ctx.member.id == q.asker || ctx.member.id == answer.answerer || ctx.role >= Permission::Moderator;
        if !may {
            return Err(member("faq-propose-not-yours", Args::new().str("id", id)));
        }
        not_in_faq_yet(ctx, &q.text, &id).await?;
        // What the entry will be, checked as an imported row is.
        if import::checked_entry(&default_entry_id(ProposalNo::question(q.number)), &q.text, &answer.text).is_err() {
            return Err(member(
                "faq-propose-too-long",
                Args::new()
                    .str("id", id)
                    .num("question", import::MAX_QUESTION_CHARS as i64)
                    .num("answer", import::MAX_ANSWER_CHARS as i64),
            ));
        }
        let n = q.number;
        let new = NewProposal {
            community: community.clone(),
            number: ProposalNo::question(n),
            answer_ref: answer.reference.to_string(),
            answerer_name: answer.answerer_name.clone(),
            question: q.text.clone(),
            answer: answer.text.clone(),
            proposer: ctx.member.id,
            platform: ctx.msg.chat.platform,
            user_id: ctx.msg.sender.id.clone(),
            at: ctx.now,
            drafted_by: None,
        };
        match ctx.store().faq().faq_propose(&new).await? {
            Proposed::Stored(p) => Ok(vec![
                ctx.reply(
                    "faq-proposed",
                    &Args::new()
                        .str("id", id)
                        .str("answer", p.answer_ref.clone())
                        .str("question", preview(&p.question, EXCERPT)),
                ),
            ]),
            // Proposed by someone else at the same moment.
            Proposed::Exists(p) => Err(proposed_before(&p)),
        }
    })
}

/// The entry id an approval makes unless the moderator names one: `q17`,
/// `d3`.
fn default_entry_id(n: ProposalNo) -> String {
    n.to_string().to_lowercase()
}

/// A bounty question of this community (`typed`, `Q17`) whose answer was
/// accepted, not proposed before: what `/faq propose` and `/faq draft`
/// start from. Another community's Q17 is not found.
pub(super) async fn accepted_answer(
    ctx: &Ctx<'_>,
    typed: &str,
) -> Result<(crate::features::bounty::store::Question, crate::features::bounty::store::Answer), CommandError> {
    let community = &ctx.community.id;
    if !ctx.community.features.is_on(FeatureId::Bounty) {
        return Err(member("faq-propose-no-bounty", Args::new()));
    }
    let n = number(typed, "faq-propose-unknown")?;
    let Some(q) = ctx.store().bounty().bounty_question(community, n).await? else {
        return Err(member("faq-propose-unknown", Args::new().str("id", typed)));
    };
    let answers = ctx.store().bounty().bounty_answers(q.id).await?;
    let accepted =
        answers.into_iter().find(|a| q.state == QuestionState::Accepted && q.accepted == Some(a.reference.answer));
    let Some(answer) = accepted else {
        return Err(member("faq-propose-not-accepted", Args::new().str("id", q.number.to_string())));
    };
    if let Some(p) = ctx.store().faq().faq_proposal(community, ProposalNo::question(n)).await? {
        return Err(proposed_before(&p));
    }
    Ok((q, answer))
}

/// Refuses a question an entry already asks (by hand, or imported).
pub(super) async fn not_in_faq_yet(ctx: &Ctx<'_>, question: &str, id: &str) -> Result<(), CommandError> {
    let asked = fold(question);
    let entries = ctx.store().faq().faq_entries(&ctx.community.id).await?;
    match entries.iter().find(|e| fold(&e.question) == asked || e.aliases.iter().any(|a| fold(a) == asked)) {
        Some(e) => Err(member("faq-propose-in-faq", Args::new().str("id", id).str("entry", e.id.clone()))),
        None => Ok(()),
    }
}

/// `/faq proposals`: the queue, oldest first.
pub(super) fn list<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let (pending, total) = ctx.store().faq().faq_pending_proposals(&ctx.community.id, SHOWN).await?;
        if pending.is_empty() {
            return Ok(vec![ctx.reply("faq-proposals-none", &Args::new())]);
        }
        let mut body = ctx.text("faq-proposals", &Args::new().num("count", total));
        let lines: Vec<String> = pending
            .iter()
            .map(|p| {
                let args = Args::new()
                    .str("id", p.number.to_string())
                    .str("name", p.proposer_name.clone())
                    .str("question", preview(&p.question, EXCERPT))
                    .str("answer_id", p.answer_ref.clone())
                    .str("answerer", p.answerer_name.clone())
                    .str("answer", preview(&p.answer, EXCERPT))
                    .str("model", p.drafted_by.clone().unwrap_or_default());
                let key = if p.drafted_by.is_some() { "faq-proposals-line-drafted" } else { "faq-proposals-line" };
                ctx.text(key, &args).to_plain()
            })
            .collect();
        body.append(RichText::list(&lines));
        if total > SHOWN {
            body.append(ctx.text("faq-proposals-more", &Args::new().num("count", total - SHOWN)));
        }
        body.append(ctx.text("faq-proposals-how", &Args::new()));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// The pending proposal `typed` names, or why there is none to decide.
async fn pending(ctx: &Ctx<'_>, typed: &str) -> Result<Proposal, CommandError> {
    let n = ProposalNo::parse(typed).ok_or_else(|| member("faq-proposal-unknown", Args::new().str("id", typed)))?;
    let Some(p) = ctx.store().faq().faq_proposal(&ctx.community.id, n).await? else {
        return Err(member("faq-proposal-unknown", Args::new().str("id", typed)));
    };
    if p.state != ProposalState::Pending {
        return Err(decided_before(&p));
    }
    Ok(p)
}

/// A proposal decided before: by whom is not said, what became of it is.
fn decided_before(p: &Proposal) -> CommandError {
    let id = p.number.to_string();
    match p.state {
        ProposalState::Approved => member(
            "faq-proposal-approved-before",
            Args::new().str("id", id).str("entry", p.entry_id.clone().unwrap_or_default()),
        ),
        _ => member("faq-proposal-rejected-before", Args::new().str("id", id)),
    }
}

/// The proposer's news, in their language, for the outbox; none when the
/// moderator deciding proposed it (they read the reply).
fn news(ctx: &Ctx<'_>, p: &Proposal, key: &'static str, args: &Args) -> Vec<NewOutboxMessage> {
    if p.proposer == ctx.member.id {
        return Vec::new();
    }
    let locale = p.proposer_locale.unwrap_or(ctx.community.locale);
    let body = ctx.engine.prompts().format(locale, key, args);
    vec![NewOutboxMessage {
        key: format!("faq:{}:proposal:{}:decided", ctx.community.id, p.number),
        part: 0,
        message: Outgoing::direct(p.proposer_platform, p.proposer_user_id.clone(), body),
        max_attempts: MAX_ATTEMPTS,
    }]
}

/// What a decision that did not happen tells the moderator.
fn not_decided(typed: &str, entry: &str, outcome: Decided) -> CommandError {
    match outcome {
        Decided::Already(p) => decided_before(&p),
        Decided::IdTaken => member("faq-proposal-entry-taken", Args::new().str("id", typed).str("entry", entry)),
        Decided::Missing | Decided::Done(_) => member("faq-proposal-unknown", Args::new().str("id", typed)),
    }
}

/// `/faq approve Q17 [ENTRY]`: the entry is made and the matcher knows it
/// at once.
pub(super) fn approve<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let typed = cmd.required_text(&QID)?;
        let p = pending(ctx, typed).await?;
        let id = p.number.to_string();
        let entry_id = match cmd.text(&ENTRY)? {
            Some(e) => super::commands::checked_id(e)?,
            None => default_entry_id(p.number),
        };
        let entry = import::checked_entry(&entry_id, &p.question, &p.answer).map_err(|e| {
            // Checked when it was proposed; the limits cannot have changed.
            CommandError::internal(format!("proposal {id} no longer makes an entry: {e}"))
        })?;
        let args = Args::new().str("id", id.clone()).str("entry", entry_id.clone());
        let messages = news(ctx, &p, "faq-dm-approved", &args);
        let community = &ctx.community.id;
        let outcome = ctx
            .store()
            .faq()
            .faq_decide(community, p.number, &Decision::Approve(entry), ctx.member.id, &messages, ctx.now)
            .await?;
        let Decided::Done(_) = outcome else { return Err(not_decided(&id, &entry_id, outcome)) };
        ctx.state::<FaqState>()?.invalidate(community).await;
        ctx.engine.notify_outbox();
        Ok(vec![ctx.reply("faq-proposal-approved", &args.str("question", preview(&p.question, EXCERPT)))])
    })
}

/// `/faq reject Q17 [REASON…]`
pub(super) fn reject<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let typed = cmd.required_text(&QID)?;
        let p = pending(ctx, typed).await?;
        let id = p.number.to_string();
        let reason = cmd.text(&REASON)?.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let args = Args::new().str("id", id.clone()).str("reason", reason.clone().unwrap_or_default());
        let (dm, said) = match reason {
            Some(_) => ("faq-dm-rejected-why", "faq-proposal-rejected-why"),
            None => ("faq-dm-rejected", "faq-proposal-rejected"),
        };
        let messages = news(ctx, &p, dm, &args);
        let outcome = ctx
            .store()
            .faq()
            .faq_decide(&ctx.community.id, p.number, &Decision::Reject(reason), ctx.member.id, &messages, ctx.now)
            .await?;
        let Decided::Done(_) = outcome else { return Err(not_decided(&id, "", outcome)) };
        ctx.engine.notify_outbox();
        Ok(vec![ctx.reply(said, &args)])
    })
}
