//! Digests: a summary of the community's recent life posted to a chat on a
//! cron schedule in the community's time zone. Features contribute sections
//! through [`DigestSection`] (listed in [`crate::features::DIGEST_SECTIONS`]);
//! this module knows none of them. Empty sections are left out and an empty
//! digest is not sent.
//!
//! Grammar: `/digest schedule "0 9 * * *"` · `/digest off` ·
//! `/digest preview` · `/digest now` · `/digest status`

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::command::{ArgKind, ArgSpec, BoxFuture, CommandSpec, ParsedCommand, Permission};
use crate::community::Community;
use crate::engine::{CommandError, CommandResult, Ctx, Engine};
use crate::i18n::{Args, Locale};
use crate::message::{Chat, ChatKind, Outgoing, Platform};
use crate::rich::RichText;
use crate::scheduler::cron::CronExpr;
use crate::scheduler::{Fire, JobError, JobKind, JobResult};
use crate::store::StoreError;
use crate::store::jobs::{Job, Schedule};

/// `[features.digest]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// Digests are on in this community.
    pub enabled: bool,
    /// After downtime, a missed digest is still sent if it is at most this
    /// many hours late; older ones are skipped (and logged).
    pub catch_up_hours: i64,
    /// The period a digest covers, in hours before it is sent.
    pub period_hours: i64,
    /// Lines per section.
    pub top: i64,
}

impl Default for DigestConfig {
    fn default() -> DigestConfig {
        DigestConfig { enabled: true, catch_up_hours: 6, period_hours: 24, top: 5 }
    }
}

/// What a section renders from.
#[derive(Debug)]
pub struct DigestCtx<'a> {
    /// The engine (store, prompts).
    pub engine: &'a Engine,
    /// The community.
    pub community: &'a Community,
    /// The digest's language.
    pub locale: Locale,
    /// When the digest is made.
    pub now: DateTime<Utc>,
    /// The start of the period it covers.
    pub since: DateTime<Utc>,
    /// Lines per section.
    pub top: i64,
}

impl DigestCtx<'_> {
    /// A prompt in the digest's language.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.engine.prompts.format(self.locale, key, args)
    }
}

/// What a section renders: its text, or `None` when it has nothing to say.
pub type SectionResult = Result<Option<RichText>, StoreError>;

/// One feature's part of a digest: `None` when it has nothing to say.
#[derive(Debug, Clone, Copy)]
pub struct DigestSection {
    /// The feature it belongs to; left out when that feature is off.
    pub feature: &'static str,
    /// Renders the section.
    pub render: for<'a> fn(&'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult>,
}

/// The digest job kind: one scheduled fire posts one digest.
pub const JOB: JobKind = JobKind { name: "digest", max_attempts: 5, catch_up, run: run_fire };

fn catch_up(community: &Community) -> Duration {
    Duration::hours(community.features.digest.catch_up_hours.max(0))
}

/// The digest commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        feature: "digest",
        name: "digest",
        sub: Some("schedule"),
        aliases: &["摘要", "日报"],
        permission: Permission::Moderator,
        args: &[ArgSpec::required("CRON", ArgKind::Rest)],
        run: schedule,
    },
    CommandSpec {
        feature: "digest",
        name: "digest",
        sub: Some("off"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: off,
    },
    CommandSpec {
        feature: "digest",
        name: "digest",
        sub: Some("preview"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: preview,
    },
    CommandSpec {
        feature: "digest",
        name: "digest",
        sub: Some("now"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: now,
    },
    CommandSpec {
        feature: "digest",
        name: "digest",
        sub: Some("status"),
        aliases: &[],
        permission: Permission::Member,
        args: &[],
        run: status,
    },
];

/// Renders the digest of `community` at `now` in `locale`; `None` when no
/// section has anything.
pub async fn render(
    engine: &Engine,
    community: &Community,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Option<RichText>, StoreError> {
    engine.flush_activity_quietly().await;
    let config = &community.features.digest;
    let ctx = DigestCtx {
        engine,
        community,
        locale,
        now,
        since: now - Duration::hours(config.period_hours.max(1)),
        top: config.top.clamp(1, 30),
    };
    let mut sections = Vec::new();
    for section in crate::features::DIGEST_SECTIONS {
        if crate::features::enabled(&community.features, section.feature)
            && let Some(text) = (section.render)(&ctx).await?
        {
            sections.push(text);
        }
    }
    if sections.is_empty() {
        return Ok(None);
    }
    let date = now.with_timezone(&community.tz).format("%Y-%m-%d").to_string();
    let mut body = ctx.text("digest-title", &Args::new().str("community", community.name.clone()).str("date", date));
    for s in sections {
        body.append(s);
    }
    Ok(Some(body))
}

fn run_fire<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let fire: Fire = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("digest payload: {e}")))?;
        let Some(community) = engine.communities.get(&fire.community) else {
            return Err(JobError::Invalid(format!("community {} is not configured", fire.community)));
        };
        let Some(platform) = Platform::parse(&fire.platform) else {
            return Err(JobError::Invalid(format!("unknown platform {}", fire.platform)));
        };
        if !crate::features::enabled(&community.features, "digest") {
            return Ok(Vec::new());
        }
        let now = engine.now();
        match render(engine, community, community.locale, now).await? {
            Some(body) => Ok(vec![Outgoing::post(Chat::group(platform, fire.chat_id), body)]),
            None => {
                tracing::info!(schedule = fire.schedule, "digest had nothing to say; not sent");
                Ok(Vec::new())
            }
        }
    })
}

fn when(ctx: &Ctx<'_>, at: DateTime<Utc>) -> String {
    at.with_timezone(&ctx.community.tz).format("%Y-%m-%d %H:%M").to_string()
}

fn group_only(ctx: &Ctx<'_>) -> Result<(), CommandError> {
    if ctx.msg.chat.kind == ChatKind::Group {
        Ok(())
    } else {
        Err(CommandError::member("digest-group-only", Args::new()))
    }
}

fn schedule<'a>(ctx: &'a Ctx<'a>, cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        group_only(ctx)?;
        let typed = cmd.text("CRON").unwrap_or_default();
        let expr = CronExpr::parse(typed).map_err(|e| {
            tracing::info!(error = %e, "refused a digest schedule");
            CommandError::member("digest-bad-cron", Args::new().str("got", typed.trim()))
        })?;
        let Some(next) = expr.next_after(ctx.community.tz, ctx.now) else {
            return Err(CommandError::member("digest-never", Args::new().str("expr", expr.source.clone())));
        };
        let chat = &ctx.msg.chat;
        let s = Schedule {
            id: 0,
            community: ctx.community.id.clone(),
            platform: chat.platform,
            chat_id: chat.id.clone(),
            kind: JOB.name.to_owned(),
            expr: expr.expr.clone(),
            source: expr.source.clone(),
            next,
            created_by: Some(ctx.member.id),
        };
        ctx.store().put_schedule(&s, ctx.now).await?;
        let args = Args::new().str("expr", expr.source).str("tz", ctx.community.tz.name()).str("next", when(ctx, next));
        Ok(vec![ctx.reply("digest-scheduled", &args)])
    })
}

fn off<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        let removed = ctx.store().delete_schedule(&ctx.community.id, chat.platform, &chat.id, JOB.name).await?;
        Ok(vec![ctx.reply(if removed { "digest-off" } else { "digest-off-none" }, &Args::new())])
    })
}

fn status<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        Ok(vec![match ctx.store().schedule(&ctx.community.id, chat.platform, &chat.id, JOB.name).await? {
            Some(s) => ctx.reply(
                "digest-status",
                &Args::new().str("expr", s.source).str("tz", ctx.community.tz.name()).str("next", when(ctx, s.next)),
            ),
            None => ctx.reply("digest-status-none", &Args::new()),
        }])
    })
}

fn preview<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let body = match render(ctx.engine, ctx.community, ctx.locale, ctx.now).await? {
            Some(body) => body,
            None => ctx.text("digest-empty", &Args::new()),
        };
        let m = ctx.msg;
        let dm = Outgoing::direct(m.chat.platform, m.sender.id.clone(), body);
        if m.chat.kind == ChatKind::Private {
            return Ok(vec![dm]);
        }
        Ok(vec![ctx.reply("digest-preview-sent", &Args::new()), dm])
    })
}

fn now<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        group_only(ctx)?;
        match render(ctx.engine, ctx.community, ctx.community.locale, ctx.now).await? {
            Some(body) => Ok(vec![Outgoing::post(ctx.msg.chat.clone(), body)]),
            None => Ok(vec![ctx.reply("digest-empty", &Args::new())]),
        }
    })
}

impl DigestConfig {
    /// The ranges of `[features.digest]` (`prefix` names the section).
    pub fn validate(&self, prefix: &str) -> Result<(), crate::config::ConfigError> {
        use crate::config::check_range;
        check_range(prefix, "catch_up_hours", self.catch_up_hours, 0..=168)?;
        check_range(prefix, "period_hours", self.period_hours, 1..=8784)?;
        check_range(prefix, "top", self.top, 1..=30)
    }
}
