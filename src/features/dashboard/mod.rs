//! The moderators' web dashboard, engine side: `/dashboard` makes a
//! one-time login link (signed, single use, ten minutes, bound to the
//! member and the community, kept hashed in the database) and sends it by
//! direct message; [`redeem`] turns a link into a session and [`session`]
//! finds one again, for the HTTP side in `jixia-bots` (which renders the
//! pages). The settings are the process's `[dashboard]` section
//! ([`crate::config::DashboardConfig`]), not a per-community one: the
//! listener, its address and its secret belong to the process.
//!
//! Grammar: `/dashboard` (moderators; aliases `/后台`, `/仪表盘`).

pub mod store;
pub mod token;

use chrono::Duration;

use crate::BoxFuture;
use crate::command::Permission;
use crate::community::Community;
use crate::engine::Engine;
use crate::features::{Command, Feature, FeatureId, PromptFile};
use crate::handler::{CommandError, CommandResult, Ctx, Handler, ParsedCommand};
use crate::i18n::Args;
use crate::message::{ChatKind, Outgoing};
use crate::store::{Member, StoreError};

pub use store::{Grant, Pass, Redeemed};

/// How long a login link works, in minutes.
pub const LINK_MINUTES: i64 = 10;

/// The dashboard feature.
pub static FEATURE: Feature = Feature {
    commands: COMMANDS,
    ..Feature::new(
        FeatureId::Dashboard,
        PromptFile {
            zh: include_str!("../../../prompts/zh/dashboard.ftl"),
            en: include_str!("../../../prompts/en/dashboard.ftl"),
        },
    )
};

/// The dashboard SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The dashboard SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The dashboard's commands.
const COMMANDS: &[Command] = &[Command {
    name: "dashboard",
    sub: None,
    aliases: &["后台", "仪表盘"],
    permission: Permission::Moderator,
    args: &[],
    run: Handler(dashboard),
}];

/// `/dashboard`: a login link by direct message.
fn dashboard<'a>(ctx: &'a Ctx<'a>, _cmd: &'a ParsedCommand) -> BoxFuture<'a, CommandResult> {
    Box::pin(async move {
        let config = &ctx.engine.config().dashboard;
        let Some(secret) = config.secret.as_ref().filter(|_| config.enabled) else {
            return Err(CommandError::member("dashboard-off", Args::new()));
        };
        let listed = ctx.community.role_for(ctx.msg.chat.platform, &ctx.msg.sender.id, false) >= Permission::Moderator;
        let login = token::new_login(secret.expose().as_bytes());
        let pass = Pass {
            hash: login.hash,
            community: ctx.community.id.clone(),
            member: ctx.member.id,
            grant: if listed { Grant::Listed } else { Grant::Platform },
            created: ctx.now,
            expires: ctx.now + Duration::minutes(LINK_MINUTES),
        };
        ctx.store().dashboard().put_login(&pass, ctx.now).await?;
        let url = format!("{}/dashboard/login?token={}", config.base(), login.token);
        let args =
            Args::new().str("url", url).num("minutes", LINK_MINUTES).str("community", ctx.community.name.clone());
        let text = ctx.text("dashboard-link", &args);
        if ctx.msg.chat.kind == ChatKind::Private {
            return Ok(vec![Outgoing::reply(ctx.msg, text)]);
        }
        // Whoever holds the link is logged in as this moderator: it goes
        // privately, and the group hears only where it went.
        let dm = Outgoing::direct(ctx.msg.chat.platform, ctx.msg.sender.id.clone(), text);
        Ok(vec![dm.and_then(ctx.reply("dashboard-sent", &Args::new()))])
    })
}

/// Why a login link or a session opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The link is not one we signed (altered, truncated, made up).
    Tampered,
    /// No such link.
    Unknown,
    /// Used once already.
    Used,
    /// Its ten minutes are over.
    Expired,
    /// The dashboard is off (or has no secret).
    Off,
    /// The member is no longer a moderator of the community (or the
    /// community is gone from the config).
    NotModerator,
}

impl Refused {
    /// The prompt key of the page that explains it.
    pub fn prompt_key(self) -> &'static str {
        match self {
            Refused::Tampered => "dashboard-refused-tampered",
            Refused::Unknown => "dashboard-refused-unknown",
            Refused::Used => "dashboard-refused-used",
            Refused::Expired => "dashboard-refused-expired",
            Refused::Off => "dashboard-refused-off",
            Refused::NotModerator => "dashboard-refused-not-moderator",
        }
    }
}

/// A logged-in moderator: the session, its community and the member.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The session as stored.
    pub session: Pass,
    /// Its community.
    pub community: std::sync::Arc<Community>,
    /// The member.
    pub member: Member,
}

/// Redeems the login link `token` once, at the engine's time: a new
/// session (its cookie value, and who it is for), or why not.
pub async fn redeem(engine: &Engine, token: &str) -> Result<Result<(String, Visitor), Refused>, StoreError> {
    let config = &engine.config().dashboard;
    let Some(secret) = config.secret.as_ref().filter(|_| config.enabled) else { return Ok(Err(Refused::Off)) };
    let Some(hash) = token::verify_login(secret.expose().as_bytes(), token) else {
        return Ok(Err(Refused::Tampered));
    };
    let now = engine.now();
    let login = match engine.store().dashboard().redeem_login(&hash, now).await? {
        Redeemed::Fresh(login) => login,
        Redeemed::Used => return Ok(Err(Refused::Used)),
        Redeemed::Expired => return Ok(Err(Refused::Expired)),
        Redeemed::Unknown => return Ok(Err(Refused::Unknown)),
    };
    let (cookie, hash) = token::new_session();
    let session = Pass { hash, created: now, expires: now + Duration::hours(config.session_hours), ..login };
    let visitor = match still_moderator(engine, session).await? {
        Ok(v) => v,
        Err(refused) => return Ok(Err(refused)),
    };
    engine.store().dashboard().put_session(&visitor.session).await?;
    Ok(Ok((cookie, visitor)))
}

/// The session whose cookie is `cookie`, if it has not expired and its
/// member is still a moderator; `Ok(Err(..))` says why not. A session of
/// a member no longer a moderator is ended.
pub async fn session(engine: &Engine, cookie: &str) -> Result<Option<Result<Visitor, Refused>>, StoreError> {
    let store = engine.store().dashboard();
    let Some(session) = store.session(&token::session_hash(cookie), engine.now()).await? else { return Ok(None) };
    let hash = session.hash.clone();
    let found = still_moderator(engine, session).await?;
    if found.is_err() {
        store.end_session(&hash).await?;
    }
    Ok(Some(found))
}

/// Ends the session whose cookie is `cookie`; `true` if there was one.
pub async fn logout(engine: &Engine, cookie: &str) -> Result<bool, StoreError> {
    engine.store().dashboard().end_session(&token::session_hash(cookie)).await
}

/// Whether the member of `pass` still moderates its community: named in
/// its moderators or admins now, or (a platform's group admin, which only
/// a chat message can tell) granted so when the link was made.
async fn still_moderator(engine: &Engine, pass: Pass) -> Result<Result<Visitor, Refused>, StoreError> {
    let Some(community) = engine.communities().get(&pass.community) else { return Ok(Err(Refused::NotModerator)) };
    let Some(member) = engine.store().members().member(pass.member).await? else {
        return Ok(Err(Refused::NotModerator));
    };
    let listed = engine
        .store()
        .members()
        .accounts(member.id)
        .await?
        .iter()
        .any(|a| community.role_for(a.platform, &a.user_id, false) >= Permission::Moderator);
    if !listed && pass.grant == Grant::Listed {
        return Ok(Err(Refused::NotModerator));
    }
    Ok(Ok(Visitor { session: pass, community, member }))
}
