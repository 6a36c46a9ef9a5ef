//! The hiring feature's durable jobs, each enqueued in the transaction of
//! the change that needs it, with a key that makes each occurrence unique:
//!
//! | kind | key | does |
//! |---|---|---|
//! | `hiring.fanout` | `hiring.fanout:C:N` | a newly listed post to every matching subscriber, once each, within their daily cap |
//! | `hiring.bundle` | `hiring.bundle:C:MEMBER:DAY` | the matches over a member's cap, in one message on the next day |
//! | `hiring.notice` | `hiring.notice:C:N:EXPIRES_MS` | tells the poster the day before the post expires |
//! | `hiring.expire` | `hiring.expire:C:N:EXPIRES_MS` | marks the post expired (lists leave it out from that instant anyway) |
//!
//! What a job sends goes to the outbox with its completion, so a job that
//! runs twice (a crash, a lost lease) sends once.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::features::FeatureId;
use crate::features::hiring::docs::{self, Docs};
use crate::features::hiring::expiry::{local_time, notice_at};
use crate::features::hiring::ids::PostNo;
use crate::features::hiring::matcher::matches;
use crate::features::hiring::query::{Mode, parse_query};
use crate::features::hiring::render::{Card, View};
use crate::features::hiring::store::{Cap, Opening, Plan};
use crate::i18n::Args;
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::scheduler::{JobError, JobKind, JobResult};
use crate::store::MemberId;
use crate::store::jobs::{Job, NewJob};

/// Attempts of every hiring job.
const MAX_ATTEMPTS: i64 = 5;

/// Characters of the description a matching post's message shows.
const DM_EXCERPT: usize = 200;

/// Sends a newly listed post to its subscribers.
pub const FANOUT: JobKind = JobKind { name: "hiring.fanout", max_attempts: MAX_ATTEMPTS, catch_up, run: run_fanout };
/// Sends a member's matches over the daily cap in one message.
pub const BUNDLE: JobKind = JobKind { name: "hiring.bundle", max_attempts: MAX_ATTEMPTS, catch_up, run: run_bundle };
/// Tells a poster their post expires tomorrow.
pub const NOTICE: JobKind = JobKind { name: "hiring.notice", max_attempts: MAX_ATTEMPTS, catch_up, run: run_notice };
/// Marks a post expired.
pub const EXPIRE: JobKind = JobKind { name: "hiring.expire", max_attempts: MAX_ATTEMPTS, catch_up, run: run_expire };

/// Not made by schedules: a late job always runs.
fn catch_up(_: &Community) -> Duration {
    Duration::days(3650)
}

/// The payload of the jobs about one post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PostJob {
    community: String,
    post: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_ms: Option<i64>,
}

/// The payload of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct BundleJob {
    community: String,
    member: i64,
    day: String,
}

fn job(kind: &JobKind, key: String, payload: &impl Serialize, due: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: kind.name.to_owned(),
        key,
        payload: serde_json::to_value(payload).unwrap_or_default(),
        due,
        max_attempts: kind.max_attempts,
    }
}

/// The jobs of a post that opens: its fanout now, the day-before notice
/// (unless it is listed for less than a day) and its expiry.
pub(crate) fn opening_jobs(community: &str, number: PostNo, opening: &Opening) -> Vec<NewJob> {
    let n = number.0;
    let expires_ms = opening.expires_at.timestamp_millis();
    let plain = PostJob { community: community.to_owned(), post: n, expires_ms: None };
    let timed = PostJob { expires_ms: Some(expires_ms), ..plain.clone() };
    let mut jobs = vec![job(&FANOUT, format!("{}:{community}:{n}", FANOUT.name), &plain, opening.at)];
    if let Some(at) = notice_at(opening.expires_at, opening.at) {
        jobs.push(job(&NOTICE, format!("{}:{community}:{n}:{expires_ms}", NOTICE.name), &timed, at));
    }
    jobs.push(job(&EXPIRE, format!("{}:{community}:{n}:{expires_ms}", EXPIRE.name), &timed, opening.expires_at));
    jobs
}

/// The bundle of a member's overflow, sent on `day` at `due`.
pub(crate) fn bundle_job(community: &str, member: MemberId, day: NaiveDate, due: DateTime<Utc>) -> NewJob {
    let payload = BundleJob { community: community.to_owned(), member: member.0, day: day.to_string() };
    job(&BUNDLE, format!("{}:{community}:{member}:{day}", BUNDLE.name), &payload, due)
}

fn payload<T: for<'de> Deserialize<'de>>(job: &Job) -> Result<T, JobError> {
    serde_json::from_value(job.payload.clone()).map_err(|e| JobError::Invalid(format!("{} payload: {e}", job.kind)))
}

/// The community of a job, if hiring is on there (`None`: nothing to do).
fn community(engine: &Engine, id: &str) -> Result<Option<Arc<Community>>, JobError> {
    let Some(c) = engine.communities().get(id) else {
        return Err(JobError::Invalid(format!("community {id} is not configured")));
    };
    Ok(c.features.is_on(FeatureId::Hiring).then_some(c))
}

fn view<'a>(engine: &'a Engine, community: &Community, locale: Option<crate::i18n::Locale>) -> View<'a> {
    View { prompts: engine.prompts(), locale: locale.unwrap_or(community.locale), tz: community.tz }
}

fn run_fanout<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: PostJob = payload(job)?;
        let Some(community) = community(engine, &p.community)? else { return Ok(Vec::new()) };
        let config = &community.features.hiring;
        let now = engine.now();
        let store = engine.store().hiring();
        // Closed or expired before the job ran: it reaches nobody.
        let Some(post) = store.hiring_post(&community.id, PostNo(p.post)).await?.filter(|p| p.is_listed(now)) else {
            return Ok(Vec::new());
        };
        let doc = match engine.state::<Docs>() {
            Some(d) => d.of(&post),
            None => std::sync::Arc::new(docs::build(&post)),
        };
        // Subscriptions come by member, newest first: a member's first
        // match is the newest subscription that matches.
        let mut plans: BTreeMap<MemberId, Plan> = BTreeMap::new();
        for s in store.hiring_subscribers(&community.id).await? {
            if s.member == post.poster || plans.contains_key(&s.member) {
                continue;
            }
            match parse_query(&s.query, config.currency(), Mode::Subscribe) {
                Ok(q) if matches(&q, &doc) => {
                    plans.insert(
                        s.member,
                        Plan { member: s.member, subscription: s.number, platform: s.platform, user_id: s.user_id },
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(subscription = %s.number, error = ?e, "stored subscription no longer parses"),
            }
        }
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        let plans: Vec<Plan> = plans.into_values().collect();
        let day = now.with_timezone(&community.tz).date_naive();
        let bundle_day = day.succ_opt().unwrap_or(day);
        let hour = u32::try_from(config.bundle_hour).unwrap_or(9);
        let cap =
            Cap { day, per_day: config.dm_per_day, bundle_day, bundle_due: local_time(bundle_day, hour, community.tz) };
        let deliveries = store.hiring_deliver(&community.id, post.id, &plans, &cap, &job.key, now).await?;
        let card = Card { contact: true, excerpt: Some(DM_EXCERPT), state: false };
        Ok(deliveries
            .into_iter()
            .map(|d| {
                let v = view(engine, &community, d.locale);
                let keywords = d
                    .query
                    .as_deref()
                    .and_then(|q| parse_query(q, config.currency(), Mode::Subscribe).ok())
                    .map(|q| v.query(&q))
                    .unwrap_or_default();
                let sub = d.subscription.to_string();
                let mut body =
                    v.text("hiring-dm-match", &Args::new().str("sub", sub.clone()).str("keywords", keywords));
                body.append(v.card(&post, card, now));
                let footer = Args::new().str("id", post.number.to_string()).str("sub", sub);
                body.append(v.text("hiring-dm-match-footer", &footer));
                Outgoing::direct(d.platform, d.user_id, body)
            })
            .collect())
    })
}

fn run_bundle<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: BundleJob = payload(job)?;
        let Some(community) = community(engine, &p.community)? else { return Ok(Vec::new()) };
        let day = NaiveDate::parse_from_str(&p.day, "%Y-%m-%d")
            .map_err(|e| JobError::Invalid(format!("bundle day {}: {e}", p.day)))?;
        // A member merged by /link since: the bundle goes to the one kept.
        let Some(member) = engine.store().members().member(MemberId(p.member)).await? else {
            return Ok(Vec::new());
        };
        let now = engine.now();
        let items = engine.store().hiring().hiring_claim_bundle(&community.id, member.id, day, &job.key, now).await?;
        let Some(route) = items.last().map(|i| (i.platform, i.user_id.clone())) else { return Ok(Vec::new()) };
        let config = &community.features.hiring;
        let v = view(engine, &community, member.locale);
        let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
        let mut body = v.text("hiring-dm-bundle", &Args::new().num("count", count).num("max", config.dm_per_day));
        let shown = usize::try_from(config.bundle_max).unwrap_or(20);
        let lines: Vec<String> = items
            .iter()
            .take(shown)
            .map(|i| {
                let args = Args::new().str("line", v.line(&i.post)).str("contact", i.post.contact.clone());
                v.plain("hiring-dm-bundle-line", &args)
            })
            .collect();
        body.append(RichText::list(&lines));
        if items.len() > shown {
            let more = i64::try_from(items.len() - shown).unwrap_or(i64::MAX);
            body.append(v.text("hiring-dm-bundle-more", &Args::new().num("more", more)));
        }
        body.append(v.text("hiring-dm-bundle-footer", &Args::new()));
        Ok(vec![Outgoing::direct(route.0, route.1, body)])
    })
}

fn run_notice<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: PostJob = payload(job)?;
        let Some(community) = community(engine, &p.community)? else { return Ok(Vec::new()) };
        let now = engine.now();
        let Some(post) = engine.store().hiring().hiring_post(&community.id, PostNo(p.post)).await? else {
            return Ok(Vec::new());
        };
        // Only an open post whose expiry is still this job's (a closed
        // post, or one given another expiry since, gets no notice).
        let expires = post.expires_at.filter(|e| Some(e.timestamp_millis()) == p.expires_ms);
        let Some(expires) = expires.filter(|_| post.is_listed(now)) else { return Ok(Vec::new()) };
        let v = view(engine, &community, post.poster_locale);
        let args =
            Args::new().str("id", post.number.to_string()).str("title", post.title.clone()).str("at", v.time(expires));
        let body = v.text("hiring-dm-expiring", &args);
        Ok(vec![Outgoing::direct(post.poster_platform, post.poster_user_id, body)])
    })
}

fn run_expire<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: PostJob = payload(job)?;
        let Some(expires_ms) = p.expires_ms else {
            return Err(JobError::Invalid("hiring.expire payload without expires_ms".into()));
        };
        let expires = crate::store::from_ms(expires_ms);
        engine.store().hiring().hiring_expire(&p.community, PostNo(p.post), expires, engine.now()).await?;
        Ok(Vec::new())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_jobs_are_keyed_by_post_and_expiry() {
        let at = crate::store::from_ms(1_000_000);
        let expires = at + Duration::days(30);
        let jobs = opening_jobs("pgcn", PostNo(7), &Opening { at, expires_at: expires, moderator: None });
        let keys: Vec<&str> = jobs.iter().map(|j| j.key.as_str()).collect();
        let ms = expires.timestamp_millis();
        assert_eq!(
            keys,
            [
                "hiring.fanout:pgcn:7".to_owned(),
                format!("hiring.notice:pgcn:7:{ms}"),
                format!("hiring.expire:pgcn:7:{ms}")
            ]
        );
        assert_eq!(jobs[1].due, expires - Duration::days(1));
        assert_eq!(jobs[2].due, expires);
        // Listed for less than a day: no notice.
        let short =
            opening_jobs("pgcn", PostNo(8), &Opening { at, expires_at: at + Duration::hours(5), moderator: None });
        assert_eq!(short.len(), 2);
    }
}
