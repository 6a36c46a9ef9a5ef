//! Daily check-in (签到): one per calendar day in the community's time zone,
//! streaks with a capped bonus, milestone rewards announced in the chat, and
//! make-up cards (补签) bought with points to fill a recent missed day.
//! Check-ins arriving together are committed together ([`Committer`]); each
//! reply still waits for its own commit.
//!
//! Grammar: `/checkin` · `/checkin makeup YYYY-MM-DD`

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use crate::command::{ArgKind, ArgSpec, BoxFuture, CommandSpec, ParsedCommand, Permission};
use crate::engine::{CommandError, CommandResult, Ctx};
use crate::features::points::level_up;
use crate::i18n::Args;
use crate::message::Outgoing;
use crate::store::economy::{CheckinDay, CheckinOutcome, CheckinRequest, MovementKind, Owner, Transfer};
use crate::store::{Store, StoreError};

/// A reward for reaching a streak length.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// Streak length in days.
    pub days: i64,
    /// Extra points on that day.
    pub reward: i64,
}

/// `[features.checkin]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckinConfig {
    /// Check-ins are on in this community.
    pub enabled: bool,
    /// Points for a check-in.
    pub base: i64,
    /// Bonus per streak day after the first, in percent of `base`.
    pub streak_bonus_percent: i64,
    /// Largest streak bonus, in percent of `base`.
    pub streak_bonus_cap_percent: i64,
    /// Milestones (`{ days, reward }`), announced in the chat.
    pub milestones: Vec<Milestone>,
    /// Price of a make-up card.
    pub makeup_price: i64,
    /// How many days back a make-up card may reach.
    pub makeup_window_days: i64,
    /// Make-up cards a member may use per calendar month.
    pub makeup_per_month: i64,
}

impl Default for CheckinConfig {
    fn default() -> CheckinConfig {
        CheckinConfig {
            enabled: true,
            base: 10,
            streak_bonus_percent: 10,
            streak_bonus_cap_percent: 50,
            milestones: vec![
                Milestone { days: 7, reward: 50 },
                Milestone { days: 30, reward: 200 },
                Milestone { days: 100, reward: 1000 },
            ],
            makeup_price: 50,
            makeup_window_days: 7,
            makeup_per_month: 3,
        }
    }
}

impl CheckinConfig {
    /// Today's reward for a streak of `streak` days. Saturating, so no
    /// setting can make it overflow (validated settings keep it far below).
    pub fn reward(&self, streak: i64) -> i64 {
        let days = streak.saturating_sub(1).max(0);
        let bonus = self.streak_bonus_percent.saturating_mul(days).min(self.streak_bonus_cap_percent).max(0);
        self.base.saturating_mul(bonus.saturating_add(100)) / 100
    }
}

/// A check-in waiting for its group commit, and where its outcome goes
/// (`None`: the group commit failed, record it alone).
type Waiting = (CheckinRequest, tokio::sync::oneshot::Sender<Option<CheckinOutcome>>);

/// Group commit of check-ins: a member who checks in while other check-ins
/// are being written waits for that transaction to end, then the first of
/// those waiting writes every waiting check-in in one transaction (a few
/// multi-row statements) and hands each its outcome. Nobody is answered
/// before their check-in is committed.
#[derive(Debug, Default)]
pub struct Committer {
    waiting: std::sync::Mutex<Vec<Waiting>>,
    committing: tokio::sync::Mutex<()>,
}

impl Committer {
    /// Records a check-in (no cost) with those waiting alongside it and
    /// returns once it is committed. If the group commit fails, the
    /// check-in is recorded on its own (and fails on its own).
    pub async fn check_in(&self, store: &dyn Store, req: CheckinRequest) -> Result<CheckinOutcome, StoreError> {
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((req.clone(), tx));
        let alone = || store.check_in(&req.community, req.member, req.day, None, &req.rewards, req.now);
        loop {
            let guard = tokio::select! {
                biased;
                outcome = &mut rx => {
                    return match outcome {
                        Ok(Some(outcome)) => Ok(outcome),
                        // The group commit failed, or whoever wrote it went away.
                        _ => alone().await,
                    };
                }
                guard = self.committing.lock() => guard,
            };
            let batch = std::mem::take(&mut *self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            if batch.is_empty() {
                // Ours went with the previous group; its outcome is on the way.
                continue;
            }
            let reqs: Vec<CheckinRequest> = batch.iter().map(|w| w.0.clone()).collect();
            let outcomes = if let [one] = reqs.as_slice() {
                store.check_in(&one.community, one.member, one.day, None, &one.rewards, one.now).await.map(|o| vec![o])
            } else {
                store.check_in_batch(&reqs).await
            };
            match outcomes {
                Ok(outcomes) => {
                    for ((_, to), outcome) in batch.into_iter().zip(outcomes) {
                        let _ = to.send(Some(outcome));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, checkins = batch.len(), "group commit of check-ins failed; each goes alone");
                    for (_, to) in batch {
                        let _ = to.send(None);
                    }
                }
            }
            drop(guard);
        }
    }
}

/// Days of history read to compute a streak; longer streaks show as this.
const STREAK_HORIZON: i64 = 1000;

/// The check-in commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        feature: "checkin",
        name: "checkin",
        sub: None,
        aliases: &["签到", "打卡"],
        permission: Permission::Member,
        args: &[],
        run: checkin,
    },
    CommandSpec {
        feature: "checkin",
        name: "checkin",
        sub: Some("makeup"),
        aliases: &["补签"],
        permission: Permission::Member,
        args: &[ArgSpec::required("DATE", ArgKind::Word)],
        run: makeup,
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
    let days = ctx.store().checkin_days(&ctx.community.id, ctx.member.id, STREAK_HORIZON).await?;
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
        let mut rewards = vec![reward_transfer(ctx, MovementKind::Checkin, today, amount)];
        let milestone = config.milestones.iter().find(|m| m.days == streak && m.reward > 0);
        if let Some(m) = milestone {
            rewards.push(reward_transfer(ctx, MovementKind::Milestone, today, m.reward));
        }
        let day = CheckinDay { day: today, makeup: false };
        let request = CheckinRequest {
            community: ctx.community.id.clone(),
            member: ctx.member.id,
            day,
            rewards: rewards.clone(),
            now: ctx.now,
        };
        let balance = match ctx.engine.checkins.check_in(ctx.store(), request).await? {
            CheckinOutcome::Done(b) => b,
            CheckinOutcome::AlreadyDone => {
                return Err(CommandError::member("checkin-already", Args::new().num("streak", streak)));
            }
            CheckinOutcome::Insufficient { .. } => return Err(CommandError::member("error-internal", Args::new())),
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
                ctx.engine.prompts.format(ctx.community.locale, "checkin-milestone", &args),
            ));
        }
        let name = ctx.msg.sender.name.clone();
        if let Some(text) = level_up(
            ctx.engine,
            ctx.community,
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
        let typed = cmd.text("DATE").unwrap_or_default();
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
        let used = ctx.store().makeups_since(&ctx.community.id, ctx.member.id, since).await?;
        if used >= config.makeup_per_month {
            return Err(CommandError::member(
                "checkin-makeup-limit",
                Args::new().num("limit", config.makeup_per_month),
            ));
        }
        let cost = Transfer {
            community: ctx.community.id.clone(),
            key: format!("makeup:{}:{day}", ctx.member.id),
            kind: MovementKind::Makeup,
            reason: day.to_string(),
            actor: Some(ctx.member.id),
            from: Owner::Member(ctx.member.id),
            to: Owner::Shop,
            amount: config.makeup_price,
            at: ctx.now,
        };
        let cost = (config.makeup_price > 0).then_some(cost);
        let reward = reward_transfer(ctx, MovementKind::Checkin, day, config.base);
        let entry = CheckinDay { day, makeup: true };
        match ctx.store().check_in(&ctx.community.id, ctx.member.id, entry, cost.as_ref(), &[reward], ctx.now).await? {
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

/// The digest's "check-in streak leaders" section: current streaks (ending
/// today or yesterday) of at least two days.
pub const DIGEST_SECTION: crate::features::digest::DigestSection =
    crate::features::digest::DigestSection { feature: "checkin", render: digest_streaks };

/// Days of history a digest reads for streaks; longer streaks show as this.
const DIGEST_STREAK_HORIZON: i64 = 400;

fn digest_streaks<'a>(
    d: &'a crate::features::digest::DigestCtx<'a>,
) -> BoxFuture<'a, Result<Option<crate::rich::RichText>, crate::store::StoreError>> {
    Box::pin(async move {
        let today = d.now.with_timezone(&d.community.tz).date_naive();
        let since = today - Duration::days(DIGEST_STREAK_HORIZON);
        let rows = d.engine.store.checkin_days_since(&d.community.id, since).await?;
        let mut leaders: Vec<(i64, String)> = Vec::new();
        for group in rows.chunk_by(|a, b| a.0 == b.0) {
            let days: Vec<NaiveDate> = group.iter().map(|r| r.2).collect();
            let streak = streak_ending(&days, today).max(streak_ending(&days, today - Duration::days(1)));
            if streak >= 2 {
                leaders.push((streak, group[0].1.clone()));
            }
        }
        if leaders.is_empty() {
            return Ok(None);
        }
        leaders.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let lines: Vec<String> = leaders
            .iter()
            .take(usize::try_from(d.top).unwrap_or(5))
            .map(|(days, name)| {
                d.text("digest-streak-line", &Args::new().str("name", name.clone()).num("days", *days)).to_plain()
            })
            .collect();
        let mut body = d.text("digest-streaks", &Args::new());
        body.append(crate::rich::RichText::list(&lines));
        Ok(Some(body))
    })
}

impl CheckinConfig {
    /// The ranges of `[features.checkin]` (`prefix` names the section).
    /// Rewards stay at most [`crate::config::MAX_POINTS`] times 11 (base
    /// plus a capped bonus of at most 1000 %).
    pub fn validate(&self, prefix: &str) -> Result<(), crate::config::ConfigError> {
        use crate::config::{MAX_POINTS, check_range};
        check_range(prefix, "base", self.base, 1..=MAX_POINTS)?;
        check_range(prefix, "streak_bonus_percent", self.streak_bonus_percent, 0..=1000)?;
        check_range(prefix, "streak_bonus_cap_percent", self.streak_bonus_cap_percent, 0..=1000)?;
        for (i, m) in self.milestones.iter().enumerate() {
            // Streaks are counted up to STREAK_HORIZON days.
            check_range(prefix, &format!("milestones[{i}].days"), m.days, 1..=STREAK_HORIZON)?;
            check_range(prefix, &format!("milestones[{i}].reward"), m.reward, 0..=MAX_POINTS)?;
        }
        check_range(prefix, "makeup_price", self.makeup_price, 0..=MAX_POINTS)?;
        check_range(prefix, "makeup_window_days", self.makeup_window_days, 0..=365)?;
        check_range(prefix, "makeup_per_month", self.makeup_per_month, 0..=31)
    }
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

    #[test]
    fn reward_grows_ten_percent_a_day_up_to_half_again() {
        let c = CheckinConfig::default();
        let rewards: Vec<i64> = (1..=8).map(|s| c.reward(s)).collect();
        assert_eq!(rewards, [10, 11, 12, 13, 14, 15, 15, 15]);
    }

    #[test]
    fn reward_arithmetic_saturates_instead_of_overflowing() {
        let c = CheckinConfig {
            base: i64::MAX,
            streak_bonus_percent: i64::MAX,
            streak_bonus_cap_percent: i64::MAX,
            ..CheckinConfig::default()
        };
        assert_eq!(c.reward(i64::MAX), i64::MAX / 100);
        assert_eq!(c.reward(i64::MIN), i64::MAX / 100);
    }
}
