//! The community's figures, for moderators and operators: the chain the
//! community's plan steers by (members → active members → messages and
//! questions → check-ins → FAQ deflection → points and the shop), each
//! line counted by the feature it belongs to ([`figures`]), over a week or
//! a month against the period before. This feature counts what only chat
//! shows (messages per chat and member per day, questions and their first
//! replies) in memory and writes it with a group commit ([`tally`]).
//!
//! Grammar: `/stats [week|month]` (moderators). Operators: `jixia stats`.
//! Chats listed in `moderator_chats` also get the week's figures as a
//! section of their digest.

pub mod figures;
pub mod store;
mod tally;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::config::{ConfigError, parse_platform_ref};
use crate::engine::Engine;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::features::{Command, Feature, FeatureConfig, FeatureId, PromptFile};
use crate::handler::{CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Locale};
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::store::{MergeHook, StoreError};

pub use figures::{Figure, FiguresHook, Query, Span, Value, gather};
pub use tally::Tally;

/// The stats feature.
pub static FEATURE: Feature = Feature {
    commands: COMMANDS,
    seen: Some(see),
    due: Some(flush),
    state: Some(|_| Arc::new(Tally::default())),
    figures: Some(own_figures),
    digest: Some(moderators_section),
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Stats,
        PromptFile {
            zh: include_str!("../../../prompts/zh/stats.ftl"),
            en: include_str!("../../../prompts/en/stats.ftl"),
        },
    )
};

/// The stats SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The stats SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// `[features.stats]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatsConfig {
    /// Chat is counted and `/stats` answers in this community.
    pub enabled: bool,
    /// The moderators' chats, as `platform:chat_id`: their digest gets a
    /// section with the week's figures. Nowhere else shows them unasked.
    pub moderator_chats: Vec<String>,
}

impl Default for StatsConfig {
    fn default() -> StatsConfig {
        StatsConfig { enabled: true, moderator_chats: Vec::new() }
    }
}

impl FeatureConfig for StatsConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        for (i, chat) in self.moderator_chats.iter().enumerate() {
            if parse_platform_ref(chat).is_none() {
                return Err(ConfigError::Key {
                    key: format!("{prefix}.moderator_chats[{i}]"),
                    message: format!(
                        "`{chat}` is not `platform:chat_id` with platform console, telegram, discord or qq"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Which period `/stats` shows.
const PERIOD: ArgSpec = ArgSpec::optional("PERIOD", ArgKind::Choice(&["week", "month", "周", "月"]));

/// The stats commands.
const COMMANDS: &[Command] = &[Command {
    name: "stats",
    sub: None,
    aliases: &["数据", "统计"],
    permission: Permission::Moderator,
    args: &[PERIOD],
    run: Handler(stats),
}];

/// Counts every message of a community (memory only).
fn see(ctx: &Ctx<'_>) {
    if let Some(tally) = ctx.engine.state::<Tally>() {
        tally.see(ctx);
    }
}

/// The group commit: at most every [`tally::WINDOW`] on ticks, everything
/// when asked for all.
fn flush(engine: &Engine, due: crate::features::Due) -> BoxFuture<'_, Vec<Outgoing>> {
    Box::pin(async move {
        if let Some(tally) = engine.state::<Tally>() {
            tally.flush(engine.store(), due).await;
        }
        Vec::new()
    })
}

const MEMBERS_TOTAL: Query =
    Query::Until("SELECT COUNT(*) FROM members WHERE community_id = $1 AND merged_into IS NULL AND joined_at_ms < $2");
const MEMBERS_NEW: Query = Query::Ms(
    "SELECT COUNT(*) FROM members
     WHERE community_id = $1 AND merged_into IS NULL AND joined_at_ms >= $2 AND joined_at_ms < $3",
);
const MEMBERS_LINKED: Query = Query::Until(
    "SELECT COUNT(*) FROM members m WHERE m.community_id = $1 AND m.merged_into IS NULL AND m.joined_at_ms < $2
     AND (SELECT COUNT(DISTINCT a.platform) FROM member_accounts a
          WHERE a.member_id = m.id AND a.linked_at_ms < $2) >= 2",
);
const ACTIVE: Query = Query::Days(
    "SELECT COUNT(DISTINCT member_id) FROM stats_member_days WHERE community_id = $1 AND day >= $2 AND day < $3",
);
const MESSAGES: Query = Query::Days(
    "SELECT CAST(SUM(messages) AS BIGINT) FROM stats_chat_days WHERE community_id = $1 AND day >= $2 AND day < $3",
);
const QUESTIONS: Query = Query::Ms(
    "SELECT COUNT(*) FROM stats_questions WHERE community_id = $1 AND asked_at_ms >= $2 AND asked_at_ms < $3",
);
const ANSWERED: Query = Query::Ms(
    "SELECT COUNT(*) FROM stats_questions WHERE community_id = $1 AND asked_at_ms >= $2 AND asked_at_ms < $3
     AND first_reply_ms IS NOT NULL",
);
const FIRST_REPLY: Query = Query::Ms(
    "SELECT first_reply_ms - asked_at_ms FROM stats_questions
     WHERE community_id = $1 AND asked_at_ms >= $2 AND asked_at_ms < $3 AND first_reply_ms IS NOT NULL",
);

/// The figure named `questions`: what other features (the FAQ's
/// deflection) take their share of.
pub const QUESTIONS_FIGURE: &str = "questions";

/// Members, actives, messages and questions.
fn own_figures<'a>(span: &'a Span<'a>, _before: &'a [Figure]) -> BoxFuture<'a, Result<Vec<Figure>, StoreError>> {
    Box::pin(async move {
        let count = Value::count;
        let mut out = vec![
            Figure::new("members.total", "stats-members-total", count(span.count(MEMBERS_TOTAL).await?)),
            Figure::new("members.new", "stats-members-new", count(span.count(MEMBERS_NEW).await?)),
            Figure::new("members.linked", "stats-members-linked", count(span.count(MEMBERS_LINKED).await?)),
            Figure::new("active", "stats-active", count(span.count(ACTIVE).await?)),
            Figure::new("active.week", "stats-active-week", count(span.trailing(7).count(ACTIVE).await?)),
            Figure::new("active.month", "stats-active-month", count(span.trailing(30).count(ACTIVE).await?)),
            Figure::new("messages", "stats-messages", count(span.count(MESSAGES).await?)),
        ];
        let chats = span.engine.store().stats().messages_by_chat(&span.community.id, span.from, span.to).await?;
        let mut platforms: Vec<(String, i64)> = Vec::new();
        for c in &chats {
            match platforms.iter_mut().find(|(p, _)| *p == c.platform) {
                Some((_, n)) => *n += c.messages,
                None => platforms.push((c.platform.clone(), c.messages)),
            }
        }
        platforms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (platform, n) in platforms {
            out.push(
                Figure::new(&format!("messages.{platform}"), "stats-messages-platform", count(n)).detail(platform),
            );
        }
        for c in chats {
            let chat = format!("{}:{}", c.platform, c.chat);
            out.push(
                Figure::new(&format!("messages.chat.{chat}"), "stats-messages-chat", count(c.messages))
                    .detail(chat)
                    .full_only(),
            );
        }
        let questions = span.count(QUESTIONS).await?;
        let mut waits = span.values(FIRST_REPLY).await?;
        out.push(Figure::new(QUESTIONS_FIGURE, "stats-questions", count(questions)));
        out.push(Figure::new(
            "questions.answered",
            "stats-questions-answered",
            Value::share(span.count(ANSWERED).await?, questions),
        ));
        out.push(Figure::new(
            "questions.first_reply",
            "stats-first-reply",
            Value::Seconds { secs: median_secs(&mut waits) },
        ));
        Ok(out)
    })
}

/// The median of durations in milliseconds, in seconds.
fn median_secs(ms: &mut [i64]) -> Option<i64> {
    if ms.is_empty() {
        return None;
    }
    ms.sort_unstable();
    let mid = ms.len() / 2;
    let median = if ms.len().is_multiple_of(2) { (ms[mid - 1] + ms[mid]) / 2 } else { ms[mid] };
    Some(median / 1000)
}

/// A period of whole days ending today, and the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// The period's first day.
    pub from: NaiveDate,
    /// The day after its last (tomorrow).
    pub to: NaiveDate,
    /// The previous period's first day (it ends at `from`).
    pub before: NaiveDate,
}

impl Periods {
    /// The `days` days ending with `today`, and the `days` before them.
    pub fn ending(today: NaiveDate, days: i64) -> Periods {
        let to = today + Duration::days(1);
        let from = to - Duration::days(days);
        Periods { from, to, before: from - Duration::days(days) }
    }
}

/// The figures of a period beside the period before: one line each, with
/// the change.
pub async fn table(
    engine: &Engine,
    community: &crate::community::Community,
    periods: Periods,
    brief: bool,
) -> Result<Vec<(Figure, Option<Value>)>, StoreError> {
    let span = Span { engine, community, from: periods.from, to: periods.to };
    let now = gather(&span).await?;
    let before = gather(&span.with_days(periods.before, periods.from)).await?;
    Ok(now
        .into_iter()
        .filter(|f| !brief || f.brief)
        .map(|f| {
            let then = figures::find(&before, &f.name).map(|b| b.value);
            (f, then)
        })
        .collect())
}

/// The lines of a table as a person reads them: `label: value (change)`.
pub fn table_lines(engine: &Engine, locale: Locale, rows: &[(Figure, Option<Value>)]) -> Vec<String> {
    rows.iter()
        .map(|(f, before)| {
            let change = match before {
                Some(b) => f.value.change_from(*b),
                // New this period (a platform that had no messages before).
                None => f.value.change_from(Value::count(0)),
            };
            let change = if change.is_empty() || change == "0" || change == "0 pt" || change == "+0 s" {
                String::new()
            } else {
                format!(" ({change})")
            };
            format!("{}: {}{change}", f.label_in(engine, locale), f.value.show())
        })
        .collect()
}

fn stats<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let days = match cmd.text(&PERIOD)? {
            Some("month" | "月") => 30,
            _ => 7,
        };
        let today = ctx.now.with_timezone(&ctx.community.tz).date_naive();
        let periods = Periods::ending(today, days);
        let rows = table(ctx.engine, ctx.community, periods, true).await?;
        let args = Args::new()
            .num("days", days)
            .str("from", periods.from.format("%m-%d").to_string())
            .str("to", (periods.to - Duration::days(1)).format("%m-%d").to_string());
        let mut body = ctx.text("stats-title", &args);
        body.append(RichText::list(&table_lines(ctx.engine, ctx.locale, &rows)));
        Ok(vec![Outgoing::reply(ctx.msg, body)])
    })
}

/// The moderators' digest section: the last seven days against the seven
/// before, only in a chat listed in `moderator_chats`.
fn moderators_section<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let Some(chat) = d.chat else { return Ok(None) };
        if !d.community.features.stats.moderator_chats.contains(&chat.key()) {
            return Ok(None);
        }
        let today = d.now.with_timezone(&d.community.tz).date_naive();
        let rows = table(d.engine, d.community, Periods::ending(today, 7), true).await?;
        let mut body = d.text("stats-digest", &Args::new());
        body.append(RichText::list(&table_lines(d.engine, d.locale, &rows)));
        Ok(Some(body))
    })
}

#[cfg(test)]
mod tests {
    use super::{Periods, median_secs};
    use chrono::NaiveDate;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median_secs(&mut []), None);
        assert_eq!(median_secs(&mut [5_000, 1_000, 3_000]), Some(3));
        assert_eq!(median_secs(&mut [1_000, 2_000, 4_000, 10_000]), Some(3));
    }

    #[test]
    fn a_week_ends_today_and_the_one_before_ends_where_it_starts() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        let p = Periods::ending(day(14), 7);
        assert_eq!((p.from, p.to, p.before), (day(8), day(15), day(1)));
    }
}
