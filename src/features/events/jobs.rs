//! Reminders: durable jobs in the scheduler's queue, enqueued in the
//! transaction that creates or edits the event.
//!
//! | kind | key | does |
//! |---|---|---|
//! | `events.remind` | `events.remind:C:N:START_MS:MINUTES` | a direct message to everyone going (who has not turned reminders off), `MINUTES` before the start |
//!
//! Exactly once per member and offset: the key names the event, its start
//! and the offset, so enqueueing again (an edit that keeps the start)
//! stores nothing, and what the job sends goes to the outbox with its
//! completion. An edit that moves the start enqueues new keys; the old jobs
//! find the start changed and send nothing. A cancelled event's jobs send
//! nothing.
//!
//! The rule for reminders that are already late: a reminder whose time has
//! passed when the event is created or moved (the 24 h reminder of an
//! event 3 h away) is not enqueued at all; the next offset still is. A
//! reminder that runs late (after downtime) says the real time left; one
//! that runs after the next reminder's time is left to that one, and none
//! is sent after the start.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::features::FeatureId;
use crate::features::events::render::View;
use crate::features::events::store::{Event, EventNo, EventState, SignupState};
use crate::i18n::Args;
use crate::message::Outgoing;
use crate::scheduler::{JobError, JobKind, JobResult};
use crate::store::jobs::{Job, NewJob};

/// Sends the reminders of one event and offset.
pub const REMIND: JobKind = JobKind { name: "events.remind", max_attempts: 5, catch_up, run: run_remind };

/// Not made by schedules: a late job runs (and says the real time left).
fn catch_up(_: &Community) -> Duration {
    Duration::days(3650)
}

/// The payload of a reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Remind {
    community: String,
    event: i64,
    start_ms: i64,
    minutes: i64,
}

/// The reminders of `event` at `offsets` (minutes before the start), each
/// one whose time is still ahead of `now`.
pub fn reminder_jobs(event: &Event, offsets: &[i64], now: DateTime<Utc>) -> Vec<NewJob> {
    if event.state != EventState::Open {
        return Vec::new();
    }
    let start = event.data.starts_at;
    offsets
        .iter()
        .filter_map(|m| {
            let due = start - Duration::minutes(*m);
            (due > now).then(|| {
                let payload = Remind {
                    community: event.community.clone(),
                    event: event.number.0,
                    start_ms: start.timestamp_millis(),
                    minutes: *m,
                };
                NewJob {
                    kind: REMIND.name.to_owned(),
                    key: format!(
                        "{}:{}:{}:{}:{m}",
                        REMIND.name,
                        event.community,
                        event.number.0,
                        start.timestamp_millis()
                    ),
                    payload: serde_json::to_value(&payload).unwrap_or_default(),
                    due,
                    max_attempts: REMIND.max_attempts,
                }
            })
        })
        .collect()
}

fn community(engine: &Engine, id: &str) -> Result<Option<Arc<Community>>, JobError> {
    let Some(c) = engine.communities().get(id) else {
        return Err(JobError::Invalid(format!("community {id} is not configured")));
    };
    Ok(c.features.is_on(FeatureId::Events).then_some(c))
}

fn run_remind<'a>(engine: &'a Engine, job: &'a Job) -> BoxFuture<'a, JobResult> {
    Box::pin(async move {
        let p: Remind = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Invalid(format!("{} payload: {e}", job.kind)))?;
        let Some(community) = community(engine, &p.community)? else { return Ok(Vec::new()) };
        let now = engine.now();
        let store = engine.store().events();
        let Some(event) = store.events_get(&community.id, EventNo(p.event)).await? else { return Ok(Vec::new()) };
        // Cancelled, moved since, or already started: nothing to remind of.
        if event.state != EventState::Open
            || event.data.starts_at.timestamp_millis() != p.start_ms
            || event.data.starts_at <= now
        {
            return Ok(Vec::new());
        }
        // Late (after downtime) past the next reminder's time: that one says it.
        let next = community.features.events.offsets().into_iter().filter(|m| *m < p.minutes).max();
        if next.is_some_and(|m| now >= event.data.starts_at - Duration::minutes(m)) {
            return Ok(Vec::new());
        }
        let left = event.data.starts_at - now;
        Ok(store
            .events_signups(event.id)
            .await?
            .into_iter()
            .filter(|s| s.state == SignupState::Going && s.reminders)
            .map(|s| {
                let v = View::new(engine.prompts(), s.locale.unwrap_or(community.locale), s.tz);
                let args = v.event_args(&event).str("left", v.duration(left));
                let mut body = v.text("events-dm-reminder", &args);
                body.append(v.text("events-dm-reminder-footer", &Args::new().str("id", event.number.to_string())));
                Outgoing::direct(s.platform, s.user_id, body)
            })
            .collect())
    })
}
