//! The bounty commands and the passive hook that takes replies to a
//! question as answers.
//!
//! `/ask [N] TEXT…` · `/ask urgent N TEXT…` · `/answer Q17 TEXT…` ·
//! `/upvote Q17-A2` · `/accept [Q17-A2]` · `/questions [PAGE]` ·
//! `/questions mine [PAGE]` · `/question Q17` · `/bounty notify on|off` ·
//! `/bounty answers on|off`
//!
//! A reply finds its question by the message it replies to: the asking
//! message itself (stored with the question), or the bot's post of the
//! question, recognised by its author being a bot and its first line
//! naming the question (`❓ Q17 …`). Accepting by reply works the same way
//! with the answering message or the bot's post of the answer (`Q17-A2`).
//! No platform tells us the ids of the messages we send, so these two
//! anchors are what a reply can be matched with, durably, on every platform.

use chrono::{DateTime, Duration, Utc};

use super::ids::{AnswerRef, QuestionNo, answer_in, question_in};
use super::jobs::{asking_jobs, excerpt, notice_job};
use super::state::BountyState;
use super::store::{
    Accepted, Answer, Answered, Asked, Listing, NewAnswer, NewQuestion, Question, QuestionState, Voted,
};
use super::{AWARD, ESCROW};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::{Command, Observed};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::ledger::{Owner, Transfer};
use crate::message::{Button, ChatKind, Outgoing, ReplyTo};
use crate::rich::RichText;

/// The bounty as typed (parsed by the handler, so that every bad amount
/// gets its own reply).
const AMOUNT: ArgSpec = ArgSpec::required("N", ArgKind::Word);
/// `[N] TEXT…`: an optional bounty, then the question.
const QUESTION: ArgSpec = ArgSpec::required("QUESTION", ArgKind::Rest);
/// A question id.
const QID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// An answer id.
const AID: ArgSpec = ArgSpec::required("ID", ArgKind::Word);
/// An answer id, or none when replying to the answer.
const AID_OPT: ArgSpec = ArgSpec::optional("ID", ArgKind::Word);
/// An answer's text.
const ANSWER: ArgSpec = ArgSpec::required("ANSWER", ArgKind::Rest);
/// A page of a list.
const PAGE: ArgSpec = ArgSpec::optional("PAGE", ArgKind::Int { min: 1, max: 10_000 });
/// On or off.
const SWITCH: ArgSpec = ArgSpec::required("SWITCH", ArgKind::Choice(&["on", "off"]));

/// Answers shown under `/question`, and buttons made for them.
const ANSWERS_SHOWN: usize = 10;
/// Characters of a question in lists.
const LIST_EXCERPT: usize = 60;
/// Characters of an answer under `/question`.
const ANSWER_EXCERPT: usize = 200;

/// The bounty commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "ask",
        sub: None,
        aliases: &["悬赏", "bounty", "提问"],
        permission: Permission::Member,
        args: &[QUESTION],
        run: Handler(ask),
    },
    Command {
        name: "ask",
        sub: Some("urgent"),
        aliases: &["加急"],
        permission: Permission::Member,
        args: &[AMOUNT, QUESTION],
        run: Handler(ask_urgent),
    },
    Command {
        name: "answer",
        sub: None,
        aliases: &["回答", "解答"],
        permission: Permission::Member,
        args: &[QID, ANSWER],
        run: Handler(answer),
    },
    Command {
        name: "upvote",
        sub: None,
        aliases: &["点赞", "赞"],
        permission: Permission::Member,
        args: &[AID],
        run: Handler(upvote),
    },
    Command {
        name: "accept",
        sub: None,
        aliases: &["采纳"],
        permission: Permission::Member,
        args: &[AID_OPT],
        run: Handler(accept),
    },
    Command {
        name: "questions",
        sub: None,
        aliases: &["悬赏列表", "问题列表"],
        permission: Permission::Member,
        args: &[PAGE],
        run: Handler(list_open),
    },
    Command {
        name: "questions",
        sub: Some("mine"),
        aliases: &["我的提问"],
        permission: Permission::Member,
        args: &[PAGE],
        run: Handler(list_mine),
    },
    Command {
        name: "question",
        sub: None,
        aliases: &["问题"],
        permission: Permission::Member,
        args: &[QID],
        run: Handler(show),
    },
    Command {
        name: "bounty",
        sub: Some("notify"),
        aliases: &["加急提醒"],
        permission: Permission::Member,
        args: &[SWITCH],
        run: Handler(notify),
    },
    Command {
        name: "bounty",
        sub: Some("answers"),
        aliases: &["回答提醒"],
        permission: Permission::Member,
        args: &[SWITCH],
        run: Handler(answers_switch),
    },
];

fn member(key: &'static str, args: Args) -> CommandError {
    CommandError::member(key, args)
}

/// `platform:chat:message_id`: what makes an event unique.
fn event_key(ctx: &Ctx<'_>) -> String {
    let m = ctx.msg;
    format!("{}:{}:{}", m.chat.platform, m.chat.id, m.message_id)
}

/// Words that mark a number as points: `50积分`, `50 分`, `50pts`.
const UNITS: &[&str] = &["积分", "分", "points", "point", "pts", "pt"];

/// The most digits a bare leading number may have and still be read as a
/// bounty: `/ask 600 …` is a bounty too large, `/ask 12306 怎么买票` a
/// question about 12306.
const BARE_DIGITS: usize = 4;

/// Full-width digits and the minus sign as ASCII (`５０` is 50).
fn ascii_number(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
            '−' | '－' => '-',
            '＋' => '+',
            '．' => '.',
            c => c,
        })
        .collect()
}

/// A word that is a number as one is typed (digits, perhaps a sign, a
/// decimal point or digit grouping): `-5`, `1.5`, `1,000`, `５０`.
fn number_like(word: &str) -> bool {
    let w = ascii_number(word);
    let w = w.trim_start_matches(['-', '+']);
    w.starts_with(|c: char| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// A bare number short enough to be a bounty: at most [`BARE_DIGITS`]
/// digits, perhaps signed (`-5` is a bounty attempt; `9.6` a version and
/// `12306` a number the question is about).
fn bare_amount(word: &str) -> bool {
    let w = ascii_number(word);
    let digits = w.strip_prefix(['-', '+']).unwrap_or(&w);
    (1..=BARE_DIGITS).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `50积分` → `50`: a number written with its unit.
fn with_unit(word: &str) -> Option<&str> {
    let lower = word.to_ascii_lowercase();
    let unit = UNITS.iter().find(|u| lower.ends_with(*u))?;
    let number = &word[..word.len() - unit.len()];
    number_like(number).then_some(number)
}

/// The first word of `text` and the rest after it.
fn first_word(text: &str) -> (&str, &str) {
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (&text[..end], text[end..].trim_start())
}

/// Splits `[urgent] [N] TEXT…` into its parts. The leading number is the
/// bounty when it carries a unit (`50积分`, `50 分`, `50pts`: always, so
/// `2000积分` is refused as too large), or when it stands alone and has at
/// most [`BARE_DIGITS`] digits (`/ask 50 …`; `/ask 600 …` is refused as too
/// large). Otherwise it is the start of the question: `/ask 12306 怎么买票`
/// and `/ask 9.6 升级到 16 …` ask without a bounty.
fn split_ask(rest: &str) -> (bool, Option<&str>, &str) {
    let mut text = rest.trim_start();
    let mut urgent = false;
    let (head, after) = first_word(text);
    if head.eq_ignore_ascii_case("urgent") || head == "加急" {
        urgent = true;
        text = after;
    }
    let (head, after) = first_word(text);
    if let Some(n) = with_unit(head) {
        return (urgent, Some(n), after);
    }
    let (next, after_unit) = first_word(after);
    if number_like(head) && UNITS.iter().any(|u| next.eq_ignore_ascii_case(u)) {
        return (urgent, Some(head), after_unit);
    }
    // An urgent bounty needs a number: whatever looks like one is it.
    if bare_amount(head) || (urgent && number_like(head)) {
        return (urgent, Some(head), after);
    }
    (urgent, None, text.trim())
}

/// Checks an amount against the limits of its kind.
fn check_amount(ctx: &Ctx<'_>, typed: &str, urgent: bool) -> Result<i64, CommandError> {
    let config = &ctx.community.features.bounty;
    let min = config.minimum(urgent);
    let args = || Args::new().str("amount", typed).num("min", min).num("max", config.max_bounty);
    let digits = ascii_number(typed).replace(',', "");
    let n: i64 = digits.parse().map_err(|_| member("bounty-amount-not-a-number", args()))?;
    if n <= 0 {
        return Err(member("bounty-amount-not-positive", args()));
    }
    if n < min {
        return Err(member(if urgent { "bounty-amount-below-urgent-min" } else { "bounty-amount-below-min" }, args()));
    }
    if n > config.max_bounty {
        return Err(member("bounty-amount-above-max", args()));
    }
    Ok(n)
}

fn check_text(ctx: &Ctx<'_>, text: &str, max: i64, empty: &'static str) -> Result<String, CommandError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(member(empty, Args::new()));
    }
    let count = text.chars().count();
    if i64::try_from(count).unwrap_or(i64::MAX) > max {
        return Err(member("bounty-too-long", Args::new().num("max", max).num("count", count as i64)));
    }
    let _ = ctx;
    Ok(text.to_owned())
}

fn ask<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let (urgent, amount, text) = split_ask(cmd.required_text(&QUESTION)?);
        let amount = match (urgent, amount) {
            (_, Some(a)) => Some(check_amount(ctx, a, urgent)?),
            (true, None) => return Err(member("bounty-urgent-needs-amount", Args::new())),
            (false, None) => None,
        };
        post_question(ctx, urgent, amount, text).await
    })
}

fn ask_urgent<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let typed = cmd.required_text(&AMOUNT)?;
        let mut text = cmd.required_text(&QUESTION)?;
        // `80积分 …` and `80 积分 …` as well as `80 …`.
        let typed = match with_unit(typed) {
            Some(n) => n,
            None => {
                let (next, rest) = first_word(text);
                if UNITS.iter().any(|u| next.eq_ignore_ascii_case(u)) {
                    text = rest;
                }
                typed
            }
        };
        let amount = check_amount(ctx, typed, true)?;
        post_question(ctx, true, Some(amount), text).await
    })
}

async fn post_question(ctx: &Ctx<'_>, urgent: bool, amount: Option<i64>, text: &str) -> CommandResult {
    let config = &ctx.community.features.bounty;
    if ctx.msg.chat.kind != ChatKind::Group {
        return Err(member("bounty-group-only", Args::new()));
    }
    let text = check_text(ctx, text, config.max_question_chars, "bounty-empty-question")?;
    let bounty = amount.unwrap_or(0);
    let m = ctx.msg;
    let expires_at = ctx.now + config.period(urgent);
    let settle_at = expires_at + Duration::hours(config.grace_hours);
    let q = NewQuestion {
        community: ctx.community.id.clone(),
        asker: ctx.member.id,
        platform: m.chat.platform,
        user_id: m.sender.id.clone(),
        chat_id: m.chat.id.clone(),
        message_id: m.message_id.clone(),
        text,
        bounty,
        urgent,
        at: ctx.now,
        expires_at,
        settle_at,
        idem_key: event_key(ctx),
        max_open: config.max_open_per_member,
    };
    let escrow = (bounty > 0).then(|| Transfer {
        community: ctx.community.id.clone(),
        key: format!("bounty-escrow:{}", event_key(ctx)),
        kind: ESCROW,
        reason: String::new(),
        actor: Some(ctx.member.id),
        from: Owner::Member(ctx.member.id),
        to: Owner::Escrow,
        amount: bounty,
        at: ctx.now,
    });
    let community = ctx.community.id.clone();
    let now = ctx.now;
    let jobs = move |n: QuestionNo| asking_jobs(&community, n, urgent, now, settle_at);
    match ctx.store().bounty().bounty_ask(&q, escrow.as_ref(), &jobs).await? {
        Asked::Stored(question) => {
            if let Ok(state) = ctx.state::<BountyState>() {
                state.asked(&ctx.community.id, m.chat.platform, &m.chat.id);
            }
            let mut body = question_head(ctx, &question);
            let until = question.expires_at.with_timezone(&ctx.community.tz).format("%m-%d %H:%M").to_string();
            let args = Args::new().str("id", question.number.to_string()).str("until", until);
            body.append(ctx.text("bounty-asked-how", &args));
            Ok(vec![Outgoing::reply(m, body)])
        }
        Asked::Duplicate(n) => Ok(vec![ctx.reply("bounty-ask-duplicate", &Args::new().str("id", n.to_string()))]),
        Asked::TooMany { open } => Err(member("bounty-too-many", Args::new().num("open", open))),
        Asked::Insufficient { balance } => {
            Err(member("bounty-insufficient", Args::new().num("bounty", bounty).num("balance", balance)))
        }
    }
}

/// `❓ Q17 · 50 points · urgent · open · until …` and the question.
fn question_head(ctx: &Ctx<'_>, q: &Question) -> RichText {
    let tags = tags(ctx, q);
    let until = q.expires_at.with_timezone(&ctx.community.tz).format("%m-%d %H:%M").to_string();
    let args = Args::new()
        .str("id", q.number.to_string())
        .str("tags", tags)
        .str("name", q.asker_name.clone())
        .str("until", until)
        .str("question", q.text.clone());
    ctx.text("bounty-question-head", &args)
}

/// `50 points · urgent · open`, as far as they apply.
fn tags(ctx: &Ctx<'_>, q: &Question) -> String {
    let mut parts = Vec::new();
    if q.bounty > 0 {
        parts.push(ctx.text("bounty-tag-points", &Args::new().num("bounty", q.bounty)).to_plain());
    } else {
        parts.push(ctx.text("bounty-tag-free", &Args::new()).to_plain());
    }
    if q.urgent {
        parts.push(ctx.text("bounty-tag-urgent", &Args::new()).to_plain());
    }
    parts.push(state_name(ctx, state_at(q, ctx.now)));
    parts.join(" · ")
}

/// A question's state as members see it: open past its grace is expired
/// (the expiry job is about to settle it).
fn state_at(q: &Question, now: DateTime<Utc>) -> QuestionState {
    if q.state == QuestionState::Open && now >= q.settle_at { QuestionState::Expired } else { q.state }
}

fn state_name(ctx: &Ctx<'_>, s: QuestionState) -> String {
    ctx.engine.prompts().plain(ctx.locale, &format!("bounty-state-{}", s.as_str()))
}

async fn question_of(ctx: &Ctx<'_>, typed: &str) -> Result<Question, CommandError> {
    let unknown = || member("bounty-unknown-question", Args::new().str("id", typed));
    let n = QuestionNo::parse(typed).ok_or_else(unknown)?;
    ctx.store().bounty().bounty_question(&ctx.community.id, n).await?.ok_or_else(unknown)
}

fn answer<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let q = question_of(ctx, cmd.required_text(&QID)?).await?;
        store_answer(ctx, &q, cmd.required_text(&ANSWER)?).await
    })
}

async fn store_answer(ctx: &Ctx<'_>, q: &Question, text: &str) -> CommandResult {
    let config = &ctx.community.features.bounty;
    let state = state_at(q, ctx.now);
    if state != QuestionState::Open {
        let args = Args::new().str("id", q.number.to_string()).str("state", state_name(ctx, state));
        return Err(member("bounty-closed", args));
    }
    let text = check_text(ctx, text, config.max_answer_chars, "bounty-empty-answer")?;
    let m = ctx.msg;
    let a = NewAnswer {
        answerer: ctx.member.id,
        platform: m.chat.platform,
        chat_id: m.chat.id.clone(),
        message_id: m.message_id.clone(),
        text,
        at: ctx.now,
        idem_key: event_key(ctx),
        notice_every: Duration::minutes(config.answer_notice_minutes),
        notify: ctx.member.id != q.asker,
    };
    let community = ctx.community.id.clone();
    let number = q.number;
    let notice = move |due: DateTime<Utc>| notice_job(&community, number, due);
    match ctx.store().bounty().bounty_answer(q, &a, &notice).await? {
        Answered::Stored(r) | Answered::Duplicate(r) => {
            let key = if ctx.member.id == q.asker { "bounty-answered-own" } else { "bounty-answered" };
            Ok(vec![ctx.reply(key, &Args::new().str("answer", r.to_string()).str("id", q.number.to_string()))])
        }
        Answered::Closed(s) => {
            let args = Args::new().str("id", q.number.to_string()).str("state", state_name(ctx, s));
            Err(member("bounty-closed", args))
        }
    }
}

fn answer_ref(typed: &str) -> Result<AnswerRef, CommandError> {
    AnswerRef::parse(typed).ok_or_else(|| member("bounty-unknown-answer", Args::new().str("id", typed)))
}

fn upvote<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let r = answer_ref(cmd.required_text(&AID)?)?;
        vote(ctx, r, true).await
    })
}

/// Adds or removes the sender's vote; the reply says what happened.
async fn vote(ctx: &Ctx<'_>, r: AnswerRef, up: bool) -> CommandResult {
    let args = Args::new().str("answer", r.to_string());
    match ctx.store().bounty().bounty_vote(&ctx.community.id, r, ctx.member.id, up, ctx.now).await? {
        Voted::Counted(n) => Ok(vec![ctx.reply("bounty-voted", &args.num("votes", n))]),
        Voted::Removed(n) => Ok(vec![ctx.reply("bounty-unvoted", &args.num("votes", n))]),
        Voted::Unchanged if up => Err(member("bounty-vote-twice", args)),
        Voted::Unchanged => Err(member("bounty-vote-none", args)),
        Voted::Own => Err(member("bounty-vote-own", args)),
        Voted::Missing => Err(member("bounty-unknown-answer", Args::new().str("id", r.to_string()))),
        Voted::Closed => Err(member("bounty-vote-closed", args)),
    }
}

/// The answer a reply points at: the answering message, or the bot's post
/// of the answer.
async fn replied_answer(ctx: &Ctx<'_>, reply: &ReplyTo) -> Result<Option<AnswerRef>, CommandError> {
    let chat = &ctx.msg.chat;
    let store = ctx.store().bounty();
    if let Some(r) = store.bounty_answer_at(&ctx.community.id, chat.platform, &chat.id, &reply.message_id).await? {
        return Ok(Some(r));
    }
    Ok(by_bot(reply).and_then(answer_in))
}

/// The first line of a reply's target, when the bot wrote it.
fn by_bot(reply: &ReplyTo) -> Option<&str> {
    if !reply.author.as_ref().is_some_and(|a| a.is_bot) {
        return None;
    }
    reply.text.as_deref().and_then(|t| t.lines().next())
}

fn accept<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let r = match (cmd.text(&AID_OPT)?, &ctx.msg.reply_to) {
            (Some(typed), _) => answer_ref(typed)?,
            (None, Some(reply)) => match replied_answer(ctx, reply).await? {
                Some(r) => r,
                None => return Err(member("bounty-accept-which", Args::new())),
            },
            (None, None) => return Err(member("bounty-accept-which", Args::new())),
        };
        let unknown = || member("bounty-unknown-answer", Args::new().str("id", r.to_string()));
        let store = ctx.store().bounty();
        let q = store.bounty_question(&ctx.community.id, r.question).await?.ok_or_else(unknown)?;
        let answers = store.bounty_answers(q.id).await?;
        let a = answers.iter().find(|a| a.reference == r).ok_or_else(unknown)?;
        let state = state_at(&q, ctx.now);
        if state != QuestionState::Open {
            let args = Args::new().str("id", q.number.to_string()).str("state", state_name(ctx, state));
            return Err(member("bounty-closed", args));
        }
        let is_asker = ctx.member.id == q.asker;
        let moderator = ctx.role >= Permission::Moderator;
        if !is_asker {
            if !moderator {
                return Err(member("bounty-accept-not-asker", Args::new().str("id", q.number.to_string())));
            }
            if ctx.now < q.expires_at {
                let until = q.expires_at.with_timezone(&ctx.community.tz).format("%m-%d %H:%M").to_string();
                return Err(member(
                    "bounty-accept-moderator-early",
                    Args::new().str("id", q.number.to_string()).str("until", until),
                ));
            }
        }
        if a.answerer == q.asker {
            return Err(member("bounty-accept-own", Args::new().str("answer", r.to_string())));
        }
        let community = ctx.community.id.clone();
        let actor = ctx.member.id;
        let now = ctx.now;
        let pay = move |q: &Question, a: &Answer| {
            (q.bounty > 0).then(|| Transfer {
                community: community.clone(),
                key: format!("bounty-accept:{community}:{}", q.number.0),
                kind: AWARD,
                reason: a.reference.to_string(),
                actor: Some(actor),
                from: Owner::Escrow,
                to: Owner::Member(a.answerer),
                amount: q.bounty,
                at: now,
            })
        };
        match store.bounty_accept(&ctx.community.id, r, ctx.member.id, ctx.now, &pay).await? {
            Accepted::Done { question, answer } => {
                let args = Args::new()
                    .str("answer", answer.reference.to_string())
                    .str("name", answer.answerer_name.clone())
                    .num("bounty", question.bounty);
                let key = if question.bounty > 0 { "bounty-accepted" } else { "bounty-accepted-free" };
                Ok(vec![ctx.reply(key, &args)])
            }
            Accepted::Closed(s) => {
                let args = Args::new().str("id", q.number.to_string()).str("state", state_name(ctx, s));
                Err(member("bounty-closed", args))
            }
            Accepted::Late => {
                let args =
                    Args::new().str("id", q.number.to_string()).str("state", state_name(ctx, QuestionState::Expired));
                Err(member("bounty-closed", args))
            }
        }
    })
}

/// `Q17 · 50 points · urgent · 3 answers · 2h — question…`
fn list_line(ctx: &Ctx<'_>, q: &Question) -> String {
    let args = Args::new()
        .str("id", q.number.to_string())
        .str("tags", tags(ctx, q))
        .num("answers", q.answers)
        .str("age", age(ctx, ctx.now - q.created_at))
        .str("question", excerpt(&q.text, LIST_EXCERPT));
    ctx.text("bounty-list-line", &args).to_plain()
}

fn age(ctx: &Ctx<'_>, d: Duration) -> String {
    let (key, n) = if d.num_days() >= 1 {
        ("bounty-age-days", d.num_days())
    } else if d.num_hours() >= 1 {
        ("bounty-age-hours", d.num_hours())
    } else {
        ("bounty-age-minutes", d.num_minutes().max(0))
    };
    ctx.text(key, &Args::new().num("n", n)).to_plain()
}

async fn list(ctx: &Ctx<'_>, cmd: &ParsedCommand, listing: Listing) -> CommandResult {
    let size = ctx.community.features.bounty.page_size;
    let page = cmd.int(&PAGE)?.unwrap_or(1);
    let offset = (page - 1).saturating_mul(size);
    let (questions, total) = ctx.store().bounty().bounty_list(&ctx.community.id, listing, offset, size).await?;
    let pages = ((total + size - 1) / size).max(1);
    if questions.is_empty() {
        let key = match (listing, total) {
            (Listing::Open, 0) => "bounty-list-none",
            (Listing::Mine(_), 0) => "bounty-list-mine-none",
            _ => "bounty-list-no-page",
        };
        return Ok(vec![ctx.reply(key, &Args::new().num("pages", pages))]);
    }
    let head = match listing {
        Listing::Open => "bounty-list-head",
        Listing::Mine(_) => "bounty-list-mine-head",
    };
    let mut body = ctx.text(head, &Args::new().num("count", total).num("page", page).num("pages", pages));
    let lines: Vec<String> = questions.iter().map(|q| list_line(ctx, q)).collect();
    body.append(RichText::list(&lines));
    Ok(vec![Outgoing::reply(ctx.msg, body)])
}

fn list_open<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(list(ctx, cmd, Listing::Open))
}

fn list_mine<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(list(ctx, cmd, Listing::Mine(ctx.member.id)))
}

fn show<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let q = question_of(ctx, cmd.required_text(&QID)?).await?;
        let answers = ctx.store().bounty().bounty_answers(q.id).await?;
        let mut body = question_head(ctx, &q);
        if answers.is_empty() {
            body.append(ctx.text("bounty-no-answers", &Args::new().str("id", q.number.to_string())));
        } else {
            body.append(ctx.text("bounty-answers-head", &Args::new().num("count", answers.len() as i64)));
            let lines: Vec<String> = answers
                .iter()
                .take(ANSWERS_SHOWN)
                .map(|a| {
                    let mark = if q.accepted == Some(a.reference.answer) { "✅ " } else { "" };
                    let args = Args::new()
                        .str("mark", mark)
                        .str("answer", a.reference.to_string())
                        .str("name", a.answerer_name.clone())
                        .num("votes", a.votes)
                        .str("text", excerpt(&a.text, ANSWER_EXCERPT));
                    ctx.text("bounty-answer-line", &args).to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        let open = state_at(&q, ctx.now) == QuestionState::Open;
        let mut buttons = Vec::new();
        if open {
            for a in answers.iter().take(ANSWERS_SHOWN) {
                let id = a.reference.to_string();
                if a.answerer != ctx.member.id {
                    let label = ctx.text("bounty-button-upvote", &Args::new().str("answer", id.clone())).to_plain();
                    buttons.push(Button { label, data: format!("/upvote {id}") });
                }
                if ctx.member.id == q.asker && a.answerer != q.asker {
                    let label = ctx.text("bounty-button-accept", &Args::new().str("answer", id.clone())).to_plain();
                    buttons.push(Button { label, data: format!("/accept {id}") });
                }
            }
        }
        Ok(vec![Outgoing::reply(ctx.msg, body).with_buttons(buttons)])
    })
}

fn notify<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(switch(ctx, cmd, true))
}

fn answers_switch<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(switch(ctx, cmd, false))
}

async fn switch(ctx: &Ctx<'_>, cmd: &ParsedCommand, urgent: bool) -> CommandResult {
    let on = cmd.required_text(&SWITCH)? == "on";
    let (u, a) = if urgent { (Some(on), None) } else { (None, Some(on)) };
    let m = ctx.msg;
    ctx.store()
        .bounty()
        .bounty_set_prefs(&ctx.community.id, ctx.member.id, m.chat.platform, &m.sender.id, u, a)
        .await?;
    let key = match (urgent, on) {
        (true, true) => "bounty-notify-on",
        (true, false) => "bounty-notify-off",
        (false, true) => "bounty-answers-on",
        (false, false) => "bounty-answers-off",
    };
    Ok(vec![ctx.reply(key, &Args::new())])
}

/// The passive hook: a reply to an open question in a group is an answer.
/// Returns at once for a message that replies to nothing, and for a reply
/// in a chat without an open question (an in-memory index).
pub fn observe<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        let Some(reply) = &ctx.msg.reply_to else { return Observed::default() };
        let chat = &ctx.msg.chat;
        if chat.kind != ChatKind::Group {
            return Observed::default();
        }
        let Some(state) = ctx.engine.state::<BountyState>() else { return Observed::default() };
        match state.open_here(ctx.store(), &ctx.community.id, chat.platform, &chat.id, ctx.now).await {
            Ok(true) => {}
            Ok(false) => return Observed::default(),
            Err(e) => {
                tracing::error!(error = %e, "bounty index not readable");
                return Observed::default();
            }
        }
        let result = async {
            let Some(q) = replied_question(ctx, reply).await? else { return Ok(None) };
            if state_at(&q, ctx.now) != QuestionState::Open {
                return Ok(None);
            }
            store_answer(ctx, &q, &ctx.msg.text).await.map(Some)
        }
        .await;
        match result {
            Ok(Some(out)) => Observed::handled(out),
            Ok(None) => Observed::default(),
            Err(CommandError::Member(p)) => {
                Observed::handled(vec![Outgoing::reply(ctx.msg, ctx.engine.prompts().render(ctx.locale, &p))])
            }
            Err(CommandError::Internal(e)) => {
                tracing::error!(error = %e, chat = %chat.key(), "a bounty answer failed");
                Observed::default()
            }
        }
    })
}

/// The reaction hook: a 👍 (any skin tone) added on an answer's message is
/// a vote, taken back it removes the vote. Silent: a reaction is not worth
/// a message in the group. Nothing is looked up unless the reaction is a
/// 👍 in a chat with an open question (the in-memory index).
pub fn react<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        let Some(r) = &ctx.msg.reaction else { return Observed::default() };
        let thumbs = |list: &[String]| list.iter().any(|e| e.starts_with('👍'));
        let (up, down) = (thumbs(&r.added), thumbs(&r.removed));
        let chat = &ctx.msg.chat;
        if !(up || down) || chat.kind != ChatKind::Group {
            return Observed::default();
        }
        let Some(state) = ctx.engine.state::<BountyState>() else { return Observed::default() };
        let result = async {
            if !state.open_here(ctx.store(), &ctx.community.id, chat.platform, &chat.id, ctx.now).await? {
                return Ok(false);
            }
            let store = ctx.store().bounty();
            let Some(answer) =
                store.bounty_answer_at(&ctx.community.id, chat.platform, &chat.id, &r.message_id).await?
            else {
                return Ok(false);
            };
            for (wanted, on) in [(up, true), (down, false)] {
                if wanted {
                    store.bounty_vote(&ctx.community.id, answer, ctx.member.id, on, ctx.now).await?;
                }
            }
            Ok::<bool, crate::store::StoreError>(true)
        }
        .await;
        match result {
            Ok(true) => Observed::handled(Vec::new()),
            Ok(false) => Observed::default(),
            Err(e) => {
                tracing::error!(error = %e, chat = %chat.key(), "a bounty vote by reaction failed");
                Observed::default()
            }
        }
    })
}

/// The question a reply points at: the asking message, or the bot's post
/// of the question.
async fn replied_question(ctx: &Ctx<'_>, reply: &ReplyTo) -> Result<Option<Question>, CommandError> {
    let chat = &ctx.msg.chat;
    let store = ctx.store().bounty();
    if let Some(q) = store.bounty_question_at(&ctx.community.id, chat.platform, &chat.id, &reply.message_id).await? {
        return Ok(Some(q));
    }
    match by_bot(reply).and_then(question_in) {
        Some(n) => Ok(store.bounty_question(&ctx.community.id, n).await?),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_splits_urgency_amount_and_text() {
        assert_eq!(split_ask("50 怎么调优 vacuum?"), (false, Some("50"), "怎么调优 vacuum?"));
        assert_eq!(split_ask("urgent 80 help"), (true, Some("80"), "help"));
        assert_eq!(split_ask("加急 80 help"), (true, Some("80"), "help"));
        assert_eq!(split_ask("how do I vacuum"), (false, None, "how do I vacuum"));
        assert_eq!(split_ask("-5 x"), (false, Some("-5"), "x"));
        assert_eq!(split_ask("50"), (false, Some("50"), ""));
        assert_eq!(split_ask("  "), (false, None, ""));
    }

    #[test]
    fn a_leading_number_is_a_bounty_only_when_it_could_be_one() {
        // Bare: up to four digits, a bounty (in range or not).
        assert_eq!(split_ask("600 太多"), (false, Some("600"), "太多"));
        assert_eq!(split_ask("９９ 全角"), (false, Some("９９"), "全角"));
        // Longer numbers and decimals are what the question is about.
        assert_eq!(split_ask("12306 怎么买票？"), (false, None, "12306 怎么买票？"));
        assert_eq!(split_ask("9.6 升级到 16 要注意什么"), (false, None, "9.6 升级到 16 要注意什么"));
        assert_eq!(split_ask("16的新特性"), (false, None, "16的新特性"));
        // With a unit, always a bounty.
        assert_eq!(split_ask("50积分 问题"), (false, Some("50"), "问题"));
        assert_eq!(split_ask("50 积分 问题"), (false, Some("50"), "问题"));
        assert_eq!(split_ask("30pts question"), (false, Some("30"), "question"));
        assert_eq!(split_ask("12306积分 问题"), (false, Some("12306"), "问题"));
        assert_eq!(split_ask("1.5分 小数"), (false, Some("1.5"), "小数"));
        // Not units: words that merely end like one.
        assert_eq!(split_ask("十分 着急"), (false, None, "十分 着急"));
        assert_eq!(split_ask("5分钟 能学会吗"), (false, None, "5分钟 能学会吗"));
        // Urgent needs a number: anything numeric is its attempt.
        assert_eq!(split_ask("urgent 12306 x"), (true, Some("12306"), "x"));
        assert_eq!(ascii_number("５０"), "50");
    }
}
