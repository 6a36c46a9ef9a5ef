//! The check-in commands: `/checkin` · `/checkin makeup YYYY-MM-DD`.

use chrono::{Datelike, Duration, NaiveDate, TimeZone};

use super::config::{CheckinConfig, STREAK_HORIZON};
use super::store::{CheckinDay, CheckinOutcome, CheckinRequest};
use super::{CHECKIN, Committer, MAKEUP, MILESTONE};
use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::features::Command;
use crate::features::points::level_up;
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::ledger::{MovementKind, Owner, Transfer};
use crate::message::Outgoing;

/// The missed day a make-up card fills.
const DATE: ArgSpec = ArgSpec::required("DATE", ArgKind::Word);

/// The check-in commands.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "checkin",
        sub: None,
        aliases: &["签到", "打卡"],
        permission: Permission::Member,
        args: &[],
        run: Handler(checkin),
    },
    Command {
        name: "checkin",
        sub: Some("makeup"),
        aliases: &["补签"],
        permission: Permission::Member,
        args: &[DATE],
        run: Handler(makeup),
    },
];

/// The streak ending on `end` (inclusive): consecutive days back from it.
/// `days` is newest first.
pub fn streak_ending(days: &[NaiveDate], end: NaiveDate) -> i64 {
    let mut expected = end;
    let mut n = 0;
    for d in days.iter().skip_while(|d| **d > end) {
        if *d != expected {
            break;
        }
        n += 1;
        expected -= Duration::days(1);
    }
    n
}

fn today(ctx: &Ctx<'_>) -> NaiveDate {
    ctx.now.with_timezone(&ctx.community.tz).date_naive()
}

fn reward_transfer(ctx: &Ctx<'_>, kind: MovementKind, day: NaiveDate, amount: i64) -> Transfer {
    Transfer {
        community: ctx.community.id.clone(),
        key: format!("{}:{}:{day}", kind.as_str(), ctx.member.id),
        kind,
        reason: day.to_string(),
        actor: Some(ctx.member.id),
        from: Owner::Mint,
        to: Owner::Member(ctx.member.id),
        amount,
        at: ctx.now,
    }
}

async fn days(ctx: &Ctx<'_>) -> Result<Vec<NaiveDate>, CommandError> {
    let days = ctx.store().checkin().checkin_days(&ctx.community.id, ctx.member.id, STREAK_HORIZON).await?;
    Ok(days.into_iter().map(|d| d.day).collect())
}

/// The next milestone after `streak`, as (days, days still to go).
fn next_milestone(config: &CheckinConfig, streak: i64) -> Option<(i64, i64)> {
    config.milestones.iter().map(|m| m.days).filter(|d| *d > streak).min().map(|d| (d, d - streak))
}

fn checkin<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = &ctx.community.features.checkin;
        let today = today(ctx);
        let history = days(ctx).await?;
        if history.first() == Some(&today) {
            let streak = streak_ending(&history, today);
            return Err(CommandError::member("checkin-already", Args::new().num("streak", streak)));
        }
        let streak = streak_ending(&history, today - Duration::days(1)) + 1;
        let amount = config.reward(streak);
        let mut rewards = vec![reward_transfer(ctx, CHECKIN, today, amount)];
        let milestone = config.milestones.iter().find(|m| m.days == streak && m.reward > 0);
        if let Some(m) = milestone {
            rewards.push(reward_transfer(ctx, MILESTONE, today, m.reward));
        }
        let day = CheckinDay { day: today, makeup: false };
        let request = CheckinRequest {
            community: ctx.community.id.clone(),
            member: ctx.member.id,
            day,
            rewards: rewards.clone(),
            now: ctx.now,
        };
        let balance = match ctx.state::<Committer>()?.check_in(ctx.store(), request).await? {
            CheckinOutcome::Done(b) => b,
            CheckinOutcome::AlreadyDone => {
                return Err(CommandError::member("checkin-already", Args::new().num("streak", streak)));
            }
            CheckinOutcome::Insufficient { .. } => {
                return Err(CommandError::internal("a check-in that costs nothing was refused for its cost"));
            }
        };
        let earned = rewards.iter().fold(0_i64, |sum, r| sum.saturating_add(r.amount));
        let mut args = Args::new().num("reward", amount).num("streak", streak).num("balance", balance.balance);
        let key = match next_milestone(config, streak) {
            Some((days, left)) => {
                args = args.num("next", days).num("left", left);
                "checkin-done"
            }
            None => "checkin-done-no-milestone",
        };
        let mut out = vec![ctx.reply(key, &args)];
        if let Some(m) = milestone {
            let args = Args::new().str("name", ctx.msg.sender.name.clone()).num("days", m.days).num("reward", m.reward);
            out.push(Outgoing::post(
                ctx.msg.chat.clone(),
                ctx.engine.prompts().format(ctx.locale, "checkin-milestone", &args),
            ));
        }
        let name = ctx.msg.sender.name.clone();
        if let Some(text) = level_up(
            ctx.engine,
            ctx.community,
            ctx.locale,
            ctx.member.id,
            &name,
            balance.contribution.saturating_sub(earned),
            balance.contribution,
        )
        .await?
        {
            out.push(Outgoing::post(ctx.msg.chat.clone(), text));
        }
        Ok(out)
    })
}

fn makeup<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = &ctx.community.features.checkin;
        let typed = cmd.required_text(&DATE)?;
        let Ok(day) = NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d") else {
            return Err(CommandError::member("checkin-makeup-bad-date", Args::new().str("got", typed)));
        };
        let today = today(ctx);
        if day >= today {
            return Err(CommandError::member("checkin-makeup-not-past", Args::new().str("date", day.to_string())));
        }
        if (today - day).num_days() > config.makeup_window_days {
            let args = Args::new().str("date", day.to_string()).num("days", config.makeup_window_days);
            return Err(CommandError::member("checkin-makeup-too-old", args));
        }
        let history = days(ctx).await?;
        if history.contains(&day) {
            return Err(CommandError::member("checkin-makeup-already", Args::new().str("date", day.to_string())));
        }
        let month_start = today.with_day(1).unwrap_or(today);
        let since = ctx
            .community
            .tz
            .from_local_datetime(&month_start.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.to_utc())
            .unwrap_or(ctx.now);
        let used = ctx.store().checkin().makeups_since(&ctx.community.id, ctx.member.id, since).await?;
        if used >= config.makeup_per_month {
            return Err(CommandError::member(
                "checkin-makeup-limit",
                Args::new().num("limit", config.makeup_per_month),
            ));
        }
        let cost = Transfer {
            community: ctx.community.id.clone(),
            key: format!("makeup:{}:{day}", ctx.member.id),
            kind: MAKEUP,
            reason: day.to_string(),
            actor: Some(ctx.member.id),
            from: Owner::Member(ctx.member.id),
            to: Owner::Shop,
            amount: config.makeup_price,
            at: ctx.now,
        };
        let cost = (config.makeup_price > 0).then_some(cost);
        let reward = reward_transfer(ctx, CHECKIN, day, config.base);
        let entry = CheckinDay { day, makeup: true };
        match ctx
            .store()
            .checkin()
            .check_in(&ctx.community.id, ctx.member.id, entry, cost.as_ref(), &[reward], ctx.now)
            .await?
        {
            CheckinOutcome::Done(b) => {
                let mut all = history;
                all.push(day);
                all.sort_unstable_by(|a, b| b.cmp(a));
                let end = if all.first() == Some(&today) { today } else { today - Duration::days(1) };
                let args = Args::new()
                    .str("date", day.to_string())
                    .num("price", config.makeup_price)
                    .num("reward", config.base)
                    .num("streak", streak_ending(&all, end))
                    .num("balance", b.balance)
                    .num("left", config.makeup_per_month.saturating_sub(used).saturating_sub(1).max(0));
                Ok(vec![ctx.reply("checkin-makeup-done", &args)])
            }
            CheckinOutcome::AlreadyDone => {
                Err(CommandError::member("checkin-makeup-already", Args::new().str("date", day.to_string())))
            }
            CheckinOutcome::Insufficient { balance } => Err(CommandError::member(
                "checkin-makeup-insufficient",
                Args::new().num("price", config.makeup_price).num("balance", balance),
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn streaks_count_consecutive_days() {
        let days = [d("2026-12-05"), d("2026-12-04"), d("2026-12-03"), d("2026-12-01")];
        assert_eq!(streak_ending(&days, d("2026-12-05")), 3);
        assert_eq!(streak_ending(&days, d("2026-12-06")), 0);
        assert_eq!(streak_ending(&days, d("2026-12-04")), 2);
        assert_eq!(streak_ending(&days, d("2026-12-01")), 1);
        assert_eq!(streak_ending(&[], d("2026-12-01")), 0);
    }
}
