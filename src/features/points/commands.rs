//! The points commands: `/points [@MEMBER]` · `/points history [@MEMBER]` ·
//! `/points grant @MEMBER N REASON…` · `/points deduct @MEMBER N REASON…` ·
//! `/top [week|month|all]`.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};

use super::levels::{progress, title_for};
use super::{DEDUCT, GRANT, PointsState, level_up};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::Command;
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::ledger::{MovementKind, Owner, Transfer, TransferOutcome};
use crate::message::{Mention, Outgoing};
use crate::rich::RichText;
use crate::store::MemberId;

/// Largest single grant or deduction.
const MAX_GRANT: i64 = 1_000_000;
/// Entries shown by `/points history`.
const HISTORY_LINES: i64 = 10;
/// Members shown by `/top`.
const TOP: i64 = 10;

/// Whose points: the sender when left out.
const MEMBER: ArgSpec = ArgSpec::optional("MEMBER", ArgKind::Member);
/// Who is given or deducted points.
const WHO: ArgSpec = ArgSpec::required("MEMBER", ArgKind::Member);
/// How many points.
const AMOUNT: ArgSpec = ArgSpec::required("N", ArgKind::Int { min: 1, max: MAX_GRANT });
/// Why (kept in the history).
const REASON: ArgSpec = ArgSpec::required("REASON", ArgKind::Rest);
/// Which board.
const PERIOD: ArgSpec = ArgSpec::optional("PERIOD", ArgKind::Choice(&["week", "month", "all", "周", "月", "总"]));

/// The points commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "points",
        sub: None,
        aliases: &["积分", "分"],
        permission: Permission::Member,
        args: &[MEMBER],
        run: Handler(show),
    },
    Command {
        name: "points",
        sub: Some("history"),
        aliases: &["积分记录"],
        permission: Permission::Member,
        args: &[MEMBER],
        run: Handler(history),
    },
    Command {
        name: "points",
        sub: Some("grant"),
        aliases: &["加分"],
        permission: Permission::Moderator,
        args: &[WHO, AMOUNT, REASON],
        run: Handler(grant),
    },
    Command {
        name: "points",
        sub: Some("deduct"),
        aliases: &["扣分"],
        permission: Permission::Moderator,
        args: &[WHO, AMOUNT, REASON],
        run: Handler(deduct),
    },
    Command {
        name: "top",
        sub: None,
        aliases: &["排行", "rank", "排行榜"],
        permission: Permission::Member,
        args: &[PERIOD],
        run: Handler(top),
    },
];

/// Resolves a mentioned member of this community, defaulting to the
/// sender.
async fn target(ctx: &Ctx<'_>, mention: Option<&Mention>) -> Result<(MemberId, String), CommandError> {
    match mention {
        None => Ok((ctx.member.id, ctx.msg.sender.name.clone())),
        Some(m) => {
            match ctx.store().members().find_account(&ctx.community.id, ctx.msg.chat.platform, &m.user_id).await? {
                Some(member) => Ok((member.id, member.display_name)),
                None => Err(CommandError::member("points-unknown-member", Args::new().str("name", m.name.clone()))),
            }
        }
    }
}

fn show<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let (member, name) = target(ctx, cmd.member(&MEMBER)?).await?;
        let config = &ctx.community.features.points;
        let b = ctx.store().ledger().balance(&ctx.community.id, member).await?;
        let p = progress(config.level_curve, b.contribution);
        let title = title_for(&config.titles, p.level).map(|t| t.name(ctx.locale).to_owned()).unwrap_or_default();
        let board = ctx.state::<PointsState>()?.boards.get(ctx.store(), &ctx.community.id, None, ctx.now).await?;
        let rank = board.rank_with(member, b.contribution);
        let args = Args::new()
            .str("name", name)
            .num("balance", b.balance)
            .num("contribution", b.contribution)
            .num("level", p.level)
            .str("title", title)
            .num("into", p.into_level)
            .num("size", p.level_size)
            .num("rank", rank);
        Ok(vec![ctx.reply("points-show", &args)])
    })
}

fn history<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        ctx.engine.flush_pending_writes().await;
        let (member, name) = target(ctx, cmd.member(&MEMBER)?).await?;
        if member != ctx.member.id && ctx.role < Permission::Moderator {
            return Err(CommandError::member("points-history-others", Args::new()));
        }
        let entries = ctx.store().ledger().history(&ctx.community.id, member, HISTORY_LINES).await?;
        if entries.is_empty() {
            return Ok(vec![ctx.reply("points-history-empty", &Args::new().str("name", name))]);
        }
        let lines: Vec<String> = entries
            .iter()
            .map(|e| {
                let when = e.at.with_timezone(&ctx.community.tz).format("%m-%d %H:%M");
                let kind = ctx.engine.prompts().plain(ctx.locale, &format!("points-kind-{}", e.kind));
                let mut line = format!("{when}  {:+}  {kind}", e.amount);
                if !e.reason.is_empty() {
                    line.push_str(&format!(" · {}", e.reason));
                }
                if let Some(actor) =
                    e.actor.as_ref().filter(|_| [GRANT.as_str(), DEDUCT.as_str()].contains(&e.kind.as_str()))
                {
                    line.push_str(&format!(" ({actor})"));
                }
                line
            })
            .collect();
        let mut body = ctx.text("points-history", &Args::new().str("name", name).num("count", entries.len() as i64));
        body.append(RichText::list(&lines));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// A moderator's grant or deduction, keyed by the message that asked for it.
async fn correct(ctx: &Ctx<'_>, cmd: &ParsedCommand, kind: MovementKind) -> CommandResult {
    let (member, name) = target(ctx, Some(cmd.required_member(&WHO)?)).await?;
    let amount = cmd.required_int(&AMOUNT)?;
    let reason = cmd.required_text(&REASON)?.trim().to_owned();
    if reason.is_empty() {
        return Err(CommandError::member("points-reason-required", Args::new()));
    }
    let (from, to) =
        if kind == DEDUCT { (Owner::Member(member), Owner::Mint) } else { (Owner::Mint, Owner::Member(member)) };
    let m = ctx.msg;
    let t = Transfer {
        community: ctx.community.id.clone(),
        key: format!("{}:{}:{}:{}", kind.as_str(), m.chat.platform, m.chat.id, m.message_id),
        kind,
        reason: reason.clone(),
        actor: Some(ctx.member.id),
        from,
        to,
        amount,
        at: ctx.now,
    };
    let args = Args::new().str("name", name.clone()).num("amount", amount).str("reason", reason);
    match ctx.store().ledger().transfer(&t).await? {
        TransferOutcome::Applied(b) => {
            // The next `/top` here shows it at once.
            ctx.state::<PointsState>()?.boards.invalidate(&ctx.community.id);
            let key = if kind == DEDUCT { "points-deducted" } else { "points-granted" };
            let mut out = vec![ctx.reply(key, &args.num("balance", b.balance))];
            if kind == GRANT
                && let Some(text) = level_up(
                    ctx.engine,
                    ctx.community,
                    ctx.locale,
                    member,
                    &name,
                    b.contribution.saturating_sub(amount),
                    b.contribution,
                )
                .await?
            {
                out.push(Outgoing::post(m.chat.clone(), text));
            }
            Ok(out)
        }
        TransferOutcome::Duplicate => Ok(vec![ctx.reply("points-duplicate", &Args::new())]),
        TransferOutcome::Insufficient { balance } => {
            Err(CommandError::member("points-deduct-too-much", args.num("balance", balance)))
        }
    }
}

fn grant<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(correct(ctx, cmd, GRANT))
}

fn deduct<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(correct(ctx, cmd, DEDUCT))
}

/// The start of the current week (Monday 00:00) or month in the community's
/// time zone, as a UTC instant.
pub fn period_start(period: &str, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let local = now.with_timezone(&tz).date_naive();
    let first = match period {
        "week" | "周" => local - Duration::days(i64::from(local.weekday().num_days_from_monday())),
        "month" | "月" => local.with_day(1)?,
        _ => return None,
    };
    // Midnight may not exist on a DST day; take the first valid instant.
    (0..4)
        .find_map(|h| tz.from_local_datetime(&first.and_time(NaiveTime::MIN + Duration::hours(h))).earliest())
        .map(|t| t.to_utc())
}

fn top<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let period = cmd.text(&PERIOD)?.unwrap_or("all");
        let since = period_start(period, ctx.now, ctx.community.tz);
        let period_key = match since.map(|_| period) {
            Some("week" | "周") => "points-period-week",
            Some(_) => "points-period-month",
            None => "points-period-all",
        };
        let period_name = ctx.engine.prompts().plain(ctx.locale, period_key);
        let snapshot = ctx.state::<PointsState>()?.boards.get(ctx.store(), &ctx.community.id, since, ctx.now).await?;
        // The asker's own figure is fresh, as `/points` shows it.
        let own = ctx.store().points().earned(&ctx.community.id, ctx.member.id, since).await?;
        let board = snapshot.top_with(TOP, ctx.member.id, &ctx.member.display_name, own);
        if board.is_empty() {
            return Ok(vec![ctx.reply("points-top-empty", &Args::new().str("period", period_name))]);
        }
        let lines: Vec<String> = board.iter().map(|s| format!("#{} {} — {}", s.rank, s.name, s.points)).collect();
        let mut body = ctx.text("points-top", &Args::new().str("period", period_name));
        body.append(RichText::list(&lines));
        if !board.iter().any(|s| s.member == ctx.member.id) {
            let args = match snapshot.rank_with(ctx.member.id, own) {
                0 => ("points-top-you-none", Args::new()),
                rank => ("points-top-you", Args::new().num("rank", rank).num("points", own)),
            };
            body.append(ctx.text(args.0, &args.1));
        }
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}
