//! Points: one double-entry ledger per community. Members earn by taking
//! part (chat activity, thanks, check-ins…) and spend in the shop; lifetime
//! contribution gives levels and titles; leaderboards rank contribution per
//! week, month or all time. Moderators grant and deduct with a reason.
//!
//! Grammar: `/points [@MEMBER]` · `/points history [@MEMBER]` ·
//! `/points grant @MEMBER N REASON…` · `/points deduct @MEMBER N REASON…` ·
//! `/top [week|month|all]`
//!
//! `/top` and the rank in `/points` come from a leaderboard snapshot at most
//! a few seconds old ([`board`]); balances and contribution are read fresh.

pub mod activity;
pub mod board;
pub mod levels;

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::command::{ArgKind, ArgSpec, BoxFuture, CommandSpec, ParsedCommand, Permission};
use crate::community::Community;
use crate::engine::{CommandError, CommandResult, Ctx, Engine};
use crate::i18n::Args;
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::store::economy::{MovementKind, Owner, Transfer, TransferOutcome};
use crate::store::{MemberId, StoreError};

pub use activity::Activity;
pub use board::Boards;
use levels::{Title, progress, title_for};

/// `[features.points]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PointsConfig {
    /// Points and levels are on in this community.
    pub enabled: bool,
    /// Smallest activity award for a message.
    pub activity_min: i64,
    /// Largest activity award for a message.
    pub activity_max: i64,
    /// A member earns activity points at most once per this many seconds.
    pub activity_cooldown_secs: i64,
    /// Messages shorter than this many characters (after trimming) earn nothing.
    pub min_chars: usize,
    /// Chats where messages earn no activity points, as `platform:chat_id`.
    pub no_points_chats: Vec<String>,
    /// Points a member gets when someone thanks them in a reply.
    pub thanks_bonus: i64,
    /// How many thanks one member can give per hour that pay a bonus.
    pub thanks_per_hour: i64,
    /// `[a, b, c]`: going from level L to L+1 takes a·L² + b·L + c points.
    pub level_curve: [i64; 3],
    /// Titles by level (`{ level, zh, en }`).
    pub titles: Vec<Title>,
    /// Group-commit window for activity points, in milliseconds: at most this
    /// much activity is lost if the process dies.
    pub flush_ms: u64,
}

impl Default for PointsConfig {
    fn default() -> PointsConfig {
        PointsConfig {
            enabled: true,
            activity_min: 15,
            activity_max: 25,
            activity_cooldown_secs: 60,
            min_chars: 5,
            no_points_chats: Vec::new(),
            thanks_bonus: 5,
            thanks_per_hour: 5,
            level_curve: [5, 50, 100],
            titles: levels::default_titles(),
            flush_ms: 100,
        }
    }
}

/// Largest single grant or deduction.
const MAX_GRANT: i64 = 1_000_000;
/// Entries shown by `/points history`.
const HISTORY_LINES: i64 = 10;
/// Members shown by `/top`.
const TOP: i64 = 10;

/// The points commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        feature: "points",
        name: "points",
        sub: None,
        aliases: &["积分", "分"],
        permission: Permission::Member,
        args: &[ArgSpec::optional("MEMBER", ArgKind::Member)],
        run: show,
    },
    CommandSpec {
        feature: "points",
        name: "points",
        sub: Some("history"),
        aliases: &["积分记录"],
        permission: Permission::Member,
        args: &[ArgSpec::optional("MEMBER", ArgKind::Member)],
        run: history,
    },
    CommandSpec {
        feature: "points",
        name: "points",
        sub: Some("grant"),
        aliases: &["加分"],
        permission: Permission::Moderator,
        args: &[
            ArgSpec::required("MEMBER", ArgKind::Member),
            ArgSpec::required("N", ArgKind::Int { min: 1, max: MAX_GRANT }),
            ArgSpec::required("REASON", ArgKind::Rest),
        ],
        run: grant,
    },
    CommandSpec {
        feature: "points",
        name: "points",
        sub: Some("deduct"),
        aliases: &["扣分"],
        permission: Permission::Moderator,
        args: &[
            ArgSpec::required("MEMBER", ArgKind::Member),
            ArgSpec::required("N", ArgKind::Int { min: 1, max: MAX_GRANT }),
            ArgSpec::required("REASON", ArgKind::Rest),
        ],
        run: deduct,
    },
    CommandSpec {
        feature: "points",
        name: "top",
        sub: None,
        aliases: &["排行", "rank", "排行榜"],
        permission: Permission::Member,
        args: &[ArgSpec::optional("PERIOD", ArgKind::Choice(&["week", "month", "all", "周", "月", "总"]))],
        run: top,
    },
];

/// If `member` crossed into a new level between `before` and `after`
/// contribution, records it (once, across instances) and returns the
/// announcement.
pub(crate) async fn level_up(
    engine: &Engine,
    community: &Community,
    member: MemberId,
    name: &str,
    before: i64,
    after: i64,
) -> Result<Option<RichText>, StoreError> {
    let config = &community.features.points;
    let (old, new) = (progress(config.level_curve, before).level, progress(config.level_curve, after).level);
    if new <= old || !engine.store.reach_level(&community.id, member, new).await? {
        return Ok(None);
    }
    let title = title_for(&config.titles, new).map(|t| t.name(community.locale).to_owned()).unwrap_or_default();
    let args = Args::new().str("name", name).num("level", new).str("title", title);
    Ok(Some(engine.prompts.format(community.locale, "points-level-up", &args)))
}

/// Resolves the optional MEMBER argument to a member of this community,
/// defaulting to the sender.
async fn target(ctx: &Ctx<'_>, cmd: &ParsedCommand) -> Result<(MemberId, String), CommandError> {
    match cmd.member("MEMBER") {
        None => Ok((ctx.member.id, ctx.msg.sender.name.clone())),
        Some(m) => match ctx.store().find_account(&ctx.community.id, ctx.msg.chat.platform, &m.user_id).await? {
            Some(member) => Ok((member.id, member.display_name)),
            None => Err(CommandError::member("points-unknown-member", Args::new().str("name", m.name.clone()))),
        },
    }
}

fn show<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let (member, name) = target(ctx, cmd).await?;
        let config = &ctx.community.features.points;
        let b = ctx.store().balance(&ctx.community.id, member).await?;
        let p = progress(config.level_curve, b.contribution);
        let title = title_for(&config.titles, p.level).map(|t| t.name(ctx.locale).to_owned()).unwrap_or_default();
        let board = ctx.engine.boards.get(ctx.store(), &ctx.community.id, None, ctx.now).await?;
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
        ctx.engine.flush_activity_quietly().await;
        let (member, name) = target(ctx, cmd).await?;
        if member != ctx.member.id && ctx.role < Permission::Moderator {
            return Err(CommandError::member("points-history-others", Args::new()));
        }
        let entries = ctx.store().history(&ctx.community.id, member, HISTORY_LINES).await?;
        if entries.is_empty() {
            return Ok(vec![ctx.reply("points-history-empty", &Args::new().str("name", name))]);
        }
        let lines: Vec<String> = entries
            .iter()
            .map(|e| {
                let when = e.at.with_timezone(&ctx.community.tz).format("%m-%d %H:%M");
                let kind = ctx.engine.prompts.plain(ctx.locale, &format!("points-kind-{}", e.kind.as_str()));
                let mut line = format!("{when}  {:+}  {kind}", e.amount);
                if !e.reason.is_empty() {
                    line.push_str(&format!(" · {}", e.reason));
                }
                if let Some(actor) =
                    e.actor.as_ref().filter(|_| matches!(e.kind, MovementKind::Grant | MovementKind::Deduct))
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
    let (member, name) = target(ctx, cmd).await?;
    let amount = cmd.int("N").unwrap_or(0);
    let reason = cmd.text("REASON").unwrap_or_default().trim().to_owned();
    if reason.is_empty() {
        return Err(CommandError::member("points-reason-required", Args::new()));
    }
    let (from, to) = match kind {
        MovementKind::Deduct => (Owner::Member(member), Owner::Mint),
        _ => (Owner::Mint, Owner::Member(member)),
    };
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
    match ctx.store().transfer(&t).await? {
        TransferOutcome::Applied(b) => {
            let key = if kind == MovementKind::Deduct { "points-deducted" } else { "points-granted" };
            let mut out = vec![ctx.reply(key, &args.num("balance", b.balance))];
            if kind == MovementKind::Grant
                && let Some(text) = level_up(
                    ctx.engine,
                    ctx.community,
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
    Box::pin(correct(ctx, cmd, MovementKind::Grant))
}

fn deduct<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(correct(ctx, cmd, MovementKind::Deduct))
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
        let period = cmd.text("PERIOD").unwrap_or("all");
        let since = period_start(period, ctx.now, ctx.community.tz);
        let period_key = match since.map(|_| period) {
            Some("week" | "周") => "points-period-week",
            Some(_) => "points-period-month",
            None => "points-period-all",
        };
        let period_name = ctx.engine.prompts.plain(ctx.locale, period_key);
        let snapshot = ctx.engine.boards.get(ctx.store(), &ctx.community.id, since, ctx.now).await?;
        let board = snapshot.top(TOP);
        if board.is_empty() {
            return Ok(vec![ctx.reply("points-top-empty", &Args::new().str("period", period_name))]);
        }
        let lines: Vec<String> = board.iter().map(|s| format!("#{} {} — {}", s.rank, s.name, s.points)).collect();
        let mut body = ctx.text("points-top", &Args::new().str("period", period_name));
        body.append(RichText::list(&lines));
        if !board.iter().any(|s| s.member == ctx.member.id) {
            let args = match snapshot.standing(ctx.member.id) {
                Some(s) => ("points-top-you", Args::new().num("rank", s.rank).num("points", s.points)),
                None => ("points-top-you-none", Args::new()),
            };
            body.append(ctx.text(args.0, &args.1));
        }
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// The digest's "top contributors of the period" section.
pub const DIGEST_SECTION: crate::features::digest::DigestSection =
    crate::features::digest::DigestSection { feature: "points", render: digest_top };

fn digest_top<'a>(
    d: &'a crate::features::digest::DigestCtx<'a>,
) -> BoxFuture<'a, Result<Option<RichText>, StoreError>> {
    Box::pin(async move {
        let board = d.engine.store.leaderboard(&d.community.id, Some(d.since), d.top).await?;
        if board.is_empty() {
            return Ok(None);
        }
        let lines: Vec<String> = board
            .iter()
            .take(usize::try_from(d.top).unwrap_or(5))
            .map(|s| {
                d.text(
                    "digest-top-line",
                    &Args::new().num("rank", s.rank).str("name", s.name.clone()).num("points", s.points),
                )
                .to_plain()
            })
            .collect();
        let hours = (d.now - d.since).num_hours();
        let mut body = d.text("digest-top", &Args::new().num("hours", hours));
        body.append(RichText::list(&lines));
        Ok(Some(body))
    })
}

impl PointsConfig {
    /// The ranges of `[features.points]` (`prefix` names the section).
    pub fn validate(&self, prefix: &str) -> Result<(), crate::config::ConfigError> {
        use crate::config::{MAX_POINTS, check_range};
        check_range(prefix, "activity_min", self.activity_min, 0..=MAX_POINTS)?;
        check_range(prefix, "activity_max", self.activity_max, 0..=MAX_POINTS)?;
        if self.activity_min > self.activity_max {
            return Err(crate::config::ConfigError::Key {
                key: format!("{prefix}.activity_min"),
                message: format!("must not be above activity_max ({}); got {}", self.activity_max, self.activity_min),
            });
        }
        check_range(prefix, "activity_cooldown_secs", self.activity_cooldown_secs, 1..=86_400)?;
        check_range(prefix, "min_chars", self.min_chars, 0..=crate::engine::MAX_TEXT_CHARS)?;
        check_range(prefix, "thanks_bonus", self.thanks_bonus, 0..=MAX_POINTS)?;
        check_range(prefix, "thanks_per_hour", self.thanks_per_hour, 0..=1000)?;
        for (i, n) in self.level_curve.iter().enumerate() {
            check_range(prefix, &format!("level_curve[{i}]"), *n, 0..=MAX_POINTS)?;
        }
        for (i, t) in self.titles.iter().enumerate() {
            check_range(prefix, &format!("titles[{i}].level"), t.level, 0..=levels::MAX_LEVEL)?;
        }
        check_range(prefix, "flush_ms", self.flush_ms, 1..=60_000)
    }
}
