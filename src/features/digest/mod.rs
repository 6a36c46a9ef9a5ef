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

use crate::BoxFuture;
use crate::command::{ArgKind, ArgSpec, Permission};
use crate::community::Community;
use crate::config::{ConfigError, check_range};
use crate::engine::Engine;
use crate::features::{ALL, Command, Feature, FeatureConfig, FeatureId, PromptFile};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::{Args, Locale};
use crate::message::{Chat, ChatKind, Outgoing, Platform};
use crate::rich::RichText;
use crate::scheduler::cron::CronExpr;
use crate::scheduler::{Fire, JobError, JobKind, JobResult};
use crate::store::StoreError;
use crate::store::jobs::{Job, Schedule};

/// The digest feature.
pub static FEATURE: Feature = Feature {
    commands: COMMANDS,
    jobs: &[JOB],
    ..Feature::new(
        FeatureId::Digest,
        PromptFile {
            zh: include_str!("../../../prompts/zh/digest.ftl"),
            en: include_str!("../../../prompts/en/digest.ftl"),
        },
    )
};

/// The schedule, in 5-field Unix cron form.
const CRON: ArgSpec = ArgSpec::required("CRON", ArgKind::Rest);

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

impl FeatureConfig for DigestConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "catch_up_hours", self.catch_up_hours, 0..=168)?;
        check_range(prefix, "period_hours", self.period_hours, 1..=8784)?;
        check_range(prefix, "top", self.top, 1..=30)
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
    /// The chat it goes to (`None`: a preview sent privately).
    pub chat: Option<&'a Chat>,
}

impl DigestCtx<'_> {
    /// A prompt in the digest's language.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.engine.prompts().format(self.locale, key, args)
    }
}

/// What a section renders: its text, or `None` when it has nothing to say.
pub type SectionResult = Result<Option<RichText>, StoreError>;

/// One feature's part of a digest (its [`Feature::digest`]): renders its
/// text, or `None` when it has nothing to say. Left out when its feature is
/// off; sections appear in [`ALL`] order.
pub type DigestSection = for<'a> fn(&'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult>;

/// The digest job kind: one scheduled fire posts one digest.
pub const JOB: JobKind = JobKind { name: "digest", max_attempts: 5, catch_up, run: run_fire };

fn catch_up(community: &Community) -> Duration {
    Duration::hours(community.features.digest.catch_up_hours.max(0))
}

/// The digest commands.
const COMMANDS: &[Command] = &[
    Command {
        name: "digest",
        sub: Some("schedule"),
        aliases: &["摘要", "日报"],
        permission: Permission::Moderator,
        args: &[CRON],
        run: Handler(schedule),
    },
    Command {
        name: "digest",
        sub: Some("off"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(off),
    },
    Command {
        name: "digest",
        sub: Some("preview"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(preview),
    },
    Command {
        name: "digest",
        sub: Some("now"),
        aliases: &[],
        permission: Permission::Moderator,
        args: &[],
        run: Handler(now),
    },
    Command {
        name: "digest",
        sub: Some("status"),
        aliases: &[],
        permission: Permission::Member,
        args: &[],
        run: Handler(status),
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
    render_for(engine, community, None, locale, now).await
}

/// [`render`] for the digest of one chat (sections for some chats only,
/// such as the moderators' figures, see it).
pub async fn render_for(
    engine: &Engine,
    community: &Community,
    chat: Option<&Chat>,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Option<RichText>, StoreError> {
    engine.flush_pending_writes().await;
    let config = &community.features.digest;
    let ctx = DigestCtx {
        engine,
        community,
        locale,
        now,
        since: now - Duration::hours(config.period_hours.max(1)),
        top: config.top.clamp(1, 30),
        chat,
    };
    let mut sections = Vec::new();
    for feature in ALL.iter().filter(|f| community.features.is_on(f.id)) {
        if let Some(section) = feature.digest
            && let Some(text) = section(&ctx).await?
        {
            sections.push(text);
        }
    }
    if sections.is_empty() {
        return Ok(None);
    }
    let date = now.with_timezone(&community.tz).format("%Y-%m-%d").to_string();
    // A community without a name of its own goes by its id ("default"),
    // which is no title.
    let (title, args) = if community.name == community.id {
        ("digest-title-unnamed", Args::new().str("date", date))
    } else {
        ("digest-title", Args::new().str("community", community.name.clone()).str("date", date))
    };
    let mut body = ctx.text(title, &args);
    for s in sections {
        body.append(s);
    }
    Ok(Some(body))
}

fn run_fire<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let fire: Fire = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("digest payload: {e}")))?;
        let Some(community) = engine.communities().get(&fire.community) else {
            return Err(JobError::Invalid(format!("community {} is not configured", fire.community)));
        };
        let Some(platform) = Platform::parse(&fire.platform) else {
            return Err(JobError::Invalid(format!("unknown platform {}", fire.platform)));
        };
        if !community.features.is_on(FeatureId::Digest) {
            return Ok(Vec::new());
        }
        let now = engine.now();
        let chat = Chat::group(platform, fire.chat_id);
        match render_for(engine, &community, Some(&chat), community.locale, now).await? {
            Some(body) => Ok(vec![Outgoing::post(chat, body)]),
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
        let typed = cmd.required_text(&CRON)?;
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
        ctx.store().jobs().put_schedule(&s, ctx.now).await?;
        let args = Args::new().str("expr", expr.source).str("tz", ctx.community.tz.name()).str("next", when(ctx, next));
        Ok(vec![ctx.reply("digest-scheduled", &args)])
    })
}

fn off<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        let removed = ctx.store().jobs().delete_schedule(&ctx.community.id, chat.platform, &chat.id, JOB.name).await?;
        Ok(vec![ctx.reply(if removed { "digest-off" } else { "digest-off-none" }, &Args::new())])
    })
}

fn status<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let chat = &ctx.msg.chat;
        Ok(vec![match ctx.store().jobs().schedule(&ctx.community.id, chat.platform, &chat.id, JOB.name).await? {
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
        let body = match render_for(ctx.engine, ctx.community, Some(&ctx.msg.chat), ctx.locale, ctx.now).await? {
            Some(body) => body,
            None => ctx.text("digest-empty", &Args::new()),
        };
        let m = ctx.msg;
        let dm = Outgoing::direct(m.chat.platform, m.sender.id.clone(), body);
        if m.chat.kind == ChatKind::Private {
            return Ok(vec![dm]);
        }
        Ok(vec![dm.and_then(ctx.reply("digest-preview-sent", &Args::new()))])
    })
}

fn now<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        group_only(ctx)?;
        match render_for(ctx.engine, ctx.community, Some(&ctx.msg.chat), ctx.community.locale, ctx.now).await? {
            Some(body) => Ok(vec![Outgoing::post(ctx.msg.chat.clone(), body)]),
            None => Ok(vec![ctx.reply("digest-empty", &Args::new())]),
        }
    })
}
