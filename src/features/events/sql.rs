//! The events feature's SQL, compiled once per backend (`db` is the
//! backend's dialect; `queue` the scheduler's SQL and `ledger` the ledger's
//! for the same backend, so a change, its jobs, its messages and its points
//! commit together). A join, a leave, an edit, a cancel and an attendance
//! take the event row's lock first (`FOR UPDATE` on PostgreSQL; SQLite has
//! one writer), so sign-ups are counted and numbered one at a time.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{db, ledger, queue};
use crate::BoxFuture;
use crate::features::events::store::{
    Attended, Changed, Created, Event, EventData, EventNo, EventState, EventsStore, JobsFor, Joined, Joiner, Left,
    MessagesFor, NewEvent, PayFor, Prefs, Signup, SignupState,
};
use crate::i18n::Locale;
use crate::ledger::TransferOutcome;
use crate::message::Platform;
use crate::store::jobs::NewOutboxMessage;
use crate::store::{MemberId, StoreError, from_ms, ms};

/// An event as stored, with its counts.
#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    community_id: String,
    number: i64,
    title: String,
    starts_at_ms: i64,
    ends_at_ms: Option<i64>,
    tz: String,
    online: i64,
    place: Option<String>,
    capacity: Option<i64>,
    deadline_ms: i64,
    description: String,
    min_level: i64,
    roles: String,
    state: String,
    sequence: i64,
    creator_id: i64,
    code: Option<String>,
    code_until_ms: Option<i64>,
    created_at_ms: i64,
    updated_at_ms: i64,
    going: i64,
    waiting: i64,
}

// Spliced into queries with AssertSqlSafe: constants only, never input.
/// An event's columns with its counts (`e`).
const EVENT_FIELDS: &str = "e.id, e.community_id, e.number, e.title, e.starts_at_ms, e.ends_at_ms, e.tz, e.online,
    e.place, e.capacity, e.deadline_ms, e.description, e.min_level, e.roles, e.state, e.sequence, e.creator_id,
    e.code, e.code_until_ms, e.created_at_ms, e.updated_at_ms,
    (SELECT COUNT(*) FROM events_signups s WHERE s.event_id = e.id AND s.state = 'going') AS going,
    (SELECT COUNT(*) FROM events_signups s WHERE s.event_id = e.id AND s.state = 'waitlist') AS waiting";

fn event(r: EventRow) -> Result<Event, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("event {}: {what}", r.id));
    Ok(Event {
        state: EventState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
        data: EventData {
            tz: r.tz.parse::<Tz>().map_err(|_| corrupt("tz"))?,
            title: r.title,
            starts_at: from_ms(r.starts_at_ms),
            ends_at: r.ends_at_ms.map(from_ms),
            online: r.online != 0,
            place: r.place,
            capacity: r.capacity,
            deadline: from_ms(r.deadline_ms),
            description: r.description,
            min_level: r.min_level,
            roles: r.roles.split(',').filter(|n| !n.is_empty()).map(str::to_owned).collect(),
        },
        id: r.id,
        community: r.community_id,
        number: EventNo(r.number),
        sequence: r.sequence,
        creator: MemberId(r.creator_id),
        code: r.code,
        code_until: r.code_until_ms.map(from_ms),
        created_at: from_ms(r.created_at_ms),
        updated_at: from_ms(r.updated_at_ms),
        going: r.going,
        waiting: r.waiting,
    })
}

/// A sign-up with its member's name, language and settings.
#[derive(sqlx::FromRow)]
struct SignupRow {
    member_id: i64,
    display_name: String,
    locale: Option<String>,
    tz: Option<String>,
    reminders: Option<i64>,
    platform: String,
    user_id: String,
    state: String,
    arrival: i64,
    present: i64,
}

const SIGNUP_FIELDS: &str = "SELECT s.member_id, m.display_name, m.locale, p.tz, p.reminders, s.platform, s.user_id,
    s.state, s.arrival, s.present
    FROM events_signups s JOIN events_events e ON e.id = s.event_id JOIN members m ON m.id = s.member_id
    LEFT JOIN events_prefs p ON p.community_id = e.community_id AND p.member_id = s.member_id";

fn signup(r: SignupRow) -> Result<Signup, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("event sign-up of member {}: {what}", r.member_id));
    Ok(Signup {
        platform: Platform::parse(&r.platform).ok_or_else(|| corrupt("platform"))?,
        state: SignupState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
        member: MemberId(r.member_id),
        name: r.display_name,
        locale: r.locale.as_deref().and_then(Locale::parse),
        tz: r.tz.as_deref().and_then(|t| t.parse().ok()),
        reminders: r.reminders.is_none_or(|r| r != 0),
        user_id: r.user_id,
        arrival: r.arrival,
        present: r.present != 0,
    })
}

/// The event, locked for the rest of the transaction.
async fn locked(conn: &mut db::Conn, community: &str, number: EventNo) -> Result<Option<Event>, StoreError> {
    // Lock the bare row first (PostgreSQL refuses FOR UPDATE with aggregates).
    let id: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM events_events WHERE community_id = $1 AND number = $2{}",
        db::FOR_UPDATE
    )))
    .bind(community)
    .bind(number.0)
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => by_id(conn, id).await.map(Some),
        None => Ok(None),
    }
}

async fn by_id(conn: &mut db::Conn, id: i64) -> Result<Event, StoreError> {
    let row: EventRow =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {EVENT_FIELDS} FROM events_events e WHERE e.id = $1")))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    event(row)
}

async fn signups_on(conn: &mut db::Conn, event: i64) -> Result<Vec<Signup>, StoreError> {
    let rows: Vec<SignupRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SIGNUP_FIELDS} WHERE s.event_id = $1 ORDER BY s.arrival")))
            .bind(event)
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter().map(signup).collect()
}

/// The next arrival number of the event (under its lock).
async fn next_arrival(conn: &mut db::Conn, event: i64) -> Result<i64, StoreError> {
    let n: i64 =
        sqlx::query_scalar("UPDATE events_events SET arrivals = arrivals + 1 WHERE id = $1 RETURNING arrivals")
            .bind(event)
            .fetch_one(&mut *conn)
            .await?;
    Ok(n)
}

/// Promotes from the waitlist while there are seats; returns who was.
async fn promote(conn: &mut db::Conn, event: &Event, now: DateTime<Utc>) -> Result<Vec<Signup>, StoreError> {
    let Some(capacity) = event.data.capacity else {
        // No limit: everyone waiting gets a seat.
        return promote_n(conn, event.id, i64::MAX, now).await;
    };
    let going: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events_signups WHERE event_id = $1 AND state = 'going'")
        .bind(event.id)
        .fetch_one(&mut *conn)
        .await?;
    if going >= capacity {
        return Ok(Vec::new());
    }
    promote_n(conn, event.id, capacity - going, now).await
}

async fn promote_n(conn: &mut db::Conn, event: i64, n: i64, now: DateTime<Utc>) -> Result<Vec<Signup>, StoreError> {
    let waiting: Vec<Signup> = signups_on(conn, event)
        .await?
        .into_iter()
        .filter(|s| s.state == SignupState::Waitlist)
        .take(usize::try_from(n).unwrap_or(usize::MAX))
        .collect();
    for s in &waiting {
        sqlx::query(
            "UPDATE events_signups SET state = 'going', updated_at_ms = $3 WHERE event_id = $1 AND member_id = $2",
        )
        .bind(event)
        .bind(s.member.0)
        .bind(ms(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(waiting.into_iter().map(|s| Signup { state: SignupState::Going, ..s }).collect())
}

async fn enqueue(conn: &mut db::Conn, event: &Event, jobs: JobsFor<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
    for job in jobs(event) {
        queue::enqueue_in(conn, &job, now).await?;
    }
    Ok(())
}

async fn outbox(conn: &mut db::Conn, messages: &[NewOutboxMessage], now: DateTime<Utc>) -> Result<(), StoreError> {
    queue::insert_outbox(conn, messages, now).await?;
    Ok(())
}

/// Everyone signed up who hears of a change: going and waitlisted.
fn signed_up(all: Vec<Signup>) -> Vec<Signup> {
    all.into_iter().filter(|s| matches!(s.state, SignupState::Going | SignupState::Waitlist)).collect()
}

/// A statement with its arguments so far.
type Query<'q> = sqlx::query::Query<'q, db::Db, <db::Db as sqlx::Database>::Arguments>;

/// Binds what the organiser set, in the column order both the insert and
/// the update name them (title … roles: eleven values).
fn bind_data<'q>(q: Query<'q>, d: &'q EventData) -> Query<'q> {
    q.bind(&d.title)
        .bind(ms(d.starts_at))
        .bind(d.ends_at.map(ms))
        .bind(d.tz.name())
        .bind(i64::from(d.online))
        .bind(&d.place)
        .bind(d.capacity)
        .bind(ms(d.deadline))
        .bind(&d.description)
        .bind(d.min_level)
        .bind(d.roles.join(","))
}

#[async_trait]
impl EventsStore for db::Pools {
    async fn events_create(
        &self,
        new: &NewEvent,
        jobs: JobsFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Created, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT number FROM events_events WHERE community_id = $1 AND idem_key = $2")
                .bind(&new.community)
                .bind(&new.idem_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(n) = seen {
            return Ok(Created::Duplicate(EventNo(n)));
        }
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO events_counters (community_id, last) VALUES ($1, 1)
             ON CONFLICT (community_id) DO UPDATE SET last = events_counters.last + 1 RETURNING last",
        )
        .bind(&new.community)
        .fetch_one(&mut *tx)
        .await?;
        let d = &new.data;
        let insert = sqlx::query(
            "INSERT INTO events_events (community_id, number, title, starts_at_ms, ends_at_ms, tz, online, place,
                 capacity, deadline_ms, description, min_level, roles, state, creator_id, idem_key, created_at_ms,
                 updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open', $14, $15, $16, $16)
             RETURNING id",
        )
        .bind(&new.community)
        .bind(number);
        let row =
            bind_data(insert, d).bind(new.creator.0).bind(&new.idem_key).bind(ms(now)).fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        let stored = by_id(&mut tx, id).await?;
        enqueue(&mut tx, &stored, jobs, now).await?;
        tx.commit().await?;
        Ok(Created::Stored(stored))
    }

    async fn events_get(&self, community: &str, number: EventNo) -> Result<Option<Event>, StoreError> {
        let row: Option<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_FIELDS} FROM events_events e WHERE e.community_id = $1 AND e.number = $2"
        )))
        .bind(community)
        .bind(number.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(event).transpose()
    }

    async fn events_upcoming(
        &self,
        community: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_FIELDS} FROM events_events e
             WHERE e.community_id = $1 AND e.state = 'open' AND e.starts_at_ms > $2 AND e.starts_at_ms < $3
             ORDER BY e.starts_at_ms, e.number LIMIT $4 OFFSET $5"
        )))
        .bind(community)
        .bind(ms(from))
        .bind(ms(until))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(event).collect()
    }

    async fn events_upcoming_count(
        &self,
        community: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events_events
             WHERE community_id = $1 AND state = 'open' AND starts_at_ms > $2 AND starts_at_ms < $3",
        )
        .bind(community)
        .bind(ms(from))
        .bind(ms(until))
        .fetch_one(&self.read)
        .await?;
        Ok(n)
    }

    async fn events_join(
        &self,
        community: &str,
        number: EventNo,
        who: &Joiner,
        now: DateTime<Utc>,
    ) -> Result<Joined, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(ev) = locked(&mut tx, community, number).await? else { return Ok(Joined::Missing) };
        if ev.state == EventState::Cancelled {
            return Ok(Joined::Cancelled(ev));
        }
        if now >= ev.data.deadline {
            return Ok(Joined::Closed(ev));
        }
        let current: Option<String> =
            sqlx::query_scalar("SELECT state FROM events_signups WHERE event_id = $1 AND member_id = $2")
                .bind(ev.id)
                .bind(who.member.0)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(state) = current.as_deref().and_then(SignupState::parse)
            && matches!(state, SignupState::Going | SignupState::Waitlist)
        {
            return Ok(Joined::Already(ev, state));
        }
        let seat = ev.data.capacity.is_none_or(|c| ev.going < c);
        let state = if seat { SignupState::Going } else { SignupState::Waitlist };
        let arrival = next_arrival(&mut tx, ev.id).await?;
        sqlx::query(
            "INSERT INTO events_signups (event_id, member_id, platform, user_id, state, arrival, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (event_id, member_id) DO UPDATE SET platform = excluded.platform,
                 user_id = excluded.user_id, state = excluded.state, arrival = excluded.arrival,
                 updated_at_ms = excluded.updated_at_ms",
        )
        .bind(ev.id)
        .bind(who.member.0)
        .bind(who.platform.as_str())
        .bind(&who.user_id)
        .bind(state.as_str())
        .bind(arrival)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let after = by_id(&mut tx, ev.id).await?;
        let position: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events_signups WHERE event_id = $1 AND state = 'waitlist' AND arrival <= $2",
        )
        .bind(ev.id)
        .bind(arrival)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(if seat { Joined::Going(after) } else { Joined::Waitlisted(after, position) })
    }

    async fn events_leave(
        &self,
        community: &str,
        number: EventNo,
        member: MemberId,
        promoted: MessagesFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Left, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(ev) = locked(&mut tx, community, number).await? else { return Ok(Left::Missing) };
        let left = sqlx::query(
            "UPDATE events_signups SET state = 'left', updated_at_ms = $3
             WHERE event_id = $1 AND member_id = $2 AND state IN ('going', 'waitlist')",
        )
        .bind(ev.id)
        .bind(member.0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if left == 0 {
            return Ok(Left::NotSignedUp(ev));
        }
        // A cancelled or started event promotes no one.
        let up = if ev.state == EventState::Open && now < ev.data.starts_at {
            promote(&mut tx, &ev, now).await?
        } else {
            Vec::new()
        };
        let after = by_id(&mut tx, ev.id).await?;
        outbox(&mut tx, &promoted(&after, &up), now).await?;
        tx.commit().await?;
        Ok(Left::Done(after, up.into_iter().next()))
    }

    async fn events_update(
        &self,
        community: &str,
        number: EventNo,
        data: &EventData,
        jobs: JobsFor<'_>,
        promoted: MessagesFor<'_>,
        told: MessagesFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(ev) = locked(&mut tx, community, number).await? else { return Ok(Changed::Missing) };
        if ev.state == EventState::Cancelled {
            return Ok(Changed::Cancelled(ev));
        }
        let update = sqlx::query(
            "UPDATE events_events SET title = $2, starts_at_ms = $3, ends_at_ms = $4, tz = $5, online = $6,
                 place = $7, capacity = $8, deadline_ms = $9, description = $10, min_level = $11,
                 roles = $12, sequence = sequence + 1, updated_at_ms = $13
             WHERE id = $1",
        )
        .bind(ev.id);
        bind_data(update, data).bind(ms(now)).execute(&mut *tx).await?;
        let edited = by_id(&mut tx, ev.id).await?;
        let up = promote(&mut tx, &edited, now).await?;
        let after = by_id(&mut tx, ev.id).await?;
        enqueue(&mut tx, &after, jobs, now).await?;
        let everyone = signed_up(signups_on(&mut tx, ev.id).await?);
        let mut messages = told(&after, &everyone);
        messages.extend(promoted(&after, &up));
        outbox(&mut tx, &messages, now).await?;
        tx.commit().await?;
        Ok(Changed::Done(after))
    }

    async fn events_cancel(
        &self,
        community: &str,
        number: EventNo,
        told: MessagesFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(ev) = locked(&mut tx, community, number).await? else { return Ok(Changed::Missing) };
        if ev.state == EventState::Cancelled {
            return Ok(Changed::Cancelled(ev));
        }
        sqlx::query(
            "UPDATE events_events SET state = 'cancelled', sequence = sequence + 1, updated_at_ms = $2 WHERE id = $1",
        )
        .bind(ev.id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let after = by_id(&mut tx, ev.id).await?;
        let everyone = signed_up(signups_on(&mut tx, ev.id).await?);
        outbox(&mut tx, &told(&after, &everyone), now).await?;
        tx.commit().await?;
        Ok(Changed::Done(after))
    }

    async fn events_signups(&self, event: i64) -> Result<Vec<Signup>, StoreError> {
        let mut conn = self.read.acquire().await?;
        signups_on(&mut conn, event).await
    }

    async fn events_no_shows(
        &self,
        community: &str,
        members: &[MemberId],
        now: DateTime<Utc>,
    ) -> Result<Vec<(MemberId, i64)>, StoreError> {
        let mut out = Vec::with_capacity(members.len());
        for m in members {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM events_signups s JOIN events_events e ON e.id = s.event_id
                 WHERE e.community_id = $1 AND s.member_id = $2 AND s.state = 'going' AND s.present = 0
                   AND e.state = 'open' AND e.code IS NOT NULL AND e.starts_at_ms < $3",
            )
            .bind(community)
            .bind(m.0)
            .bind(ms(now))
            .fetch_one(&self.read)
            .await?;
            out.push((*m, n));
        }
        Ok(out)
    }

    async fn events_open_code(
        &self,
        community: &str,
        number: EventNo,
        code: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let Some(ev) = locked(&mut tx, community, number).await? else { return Ok(Changed::Missing) };
        if ev.state == EventState::Cancelled {
            return Ok(Changed::Cancelled(ev));
        }
        sqlx::query("UPDATE events_events SET code = $2, code_until_ms = $3, updated_at_ms = $4 WHERE id = $1")
            .bind(ev.id)
            .bind(code)
            .bind(ms(until))
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        let after = by_id(&mut tx, ev.id).await?;
        tx.commit().await?;
        Ok(Changed::Done(after))
    }

    async fn events_attend(
        &self,
        community: &str,
        code: &str,
        who: &Joiner,
        pay: PayFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Attended, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let number: Option<i64> = sqlx::query_scalar(
            "SELECT number FROM events_events
             WHERE community_id = $1 AND code = $2 AND code_until_ms > $3 AND state = 'open'
             ORDER BY code_until_ms DESC LIMIT 1",
        )
        .bind(community)
        .bind(code)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(number) = number else { return Ok(Attended::NoSuchCode) };
        let Some(ev) = locked(&mut tx, community, EventNo(number)).await? else { return Ok(Attended::NoSuchCode) };
        let present: Option<i64> =
            sqlx::query_scalar("SELECT present FROM events_signups WHERE event_id = $1 AND member_id = $2")
                .bind(ev.id)
                .bind(who.member.0)
                .fetch_optional(&mut *tx)
                .await?;
        match present {
            Some(p) if p != 0 => return Ok(Attended::Already(ev)),
            Some(_) => {
                sqlx::query(
                    "UPDATE events_signups SET present = 1, updated_at_ms = $3 WHERE event_id = $1 AND member_id = $2",
                )
                .bind(ev.id)
                .bind(who.member.0)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
            }
            None => {
                let arrival = next_arrival(&mut tx, ev.id).await?;
                sqlx::query(
                    "INSERT INTO events_signups (event_id, member_id, platform, user_id, state, arrival, present,
                         updated_at_ms)
                     VALUES ($1, $2, $3, $4, 'walkin', $5, 1, $6)",
                )
                .bind(ev.id)
                .bind(who.member.0)
                .bind(who.platform.as_str())
                .bind(&who.user_id)
                .bind(arrival)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
            }
        }
        let paid = match pay(&ev) {
            Some(t) => match ledger::apply(&mut tx, &t).await? {
                TransferOutcome::Applied(b) => Some(b),
                TransferOutcome::Duplicate | TransferOutcome::Insufficient { .. } => None,
            },
            None => None,
        };
        tx.commit().await?;
        Ok(Attended::Marked(ev, paid))
    }

    async fn events_prefs(&self, community: &str, member: MemberId) -> Result<Prefs, StoreError> {
        let row: Option<(Option<String>, i64)> =
            sqlx::query_as("SELECT tz, reminders FROM events_prefs WHERE community_id = $1 AND member_id = $2")
                .bind(community)
                .bind(member.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(match row {
            Some((tz, reminders)) => Prefs { tz: tz.and_then(|t| t.parse().ok()), reminders: reminders != 0 },
            None => Prefs::default(),
        })
    }

    async fn events_set_prefs(&self, community: &str, member: MemberId, prefs: &Prefs) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO events_prefs (community_id, member_id, tz, reminders) VALUES ($1, $2, $3, $4)
             ON CONFLICT (community_id, member_id) DO UPDATE SET tz = excluded.tz, reminders = excluded.reminders",
        )
        .bind(community)
        .bind(member.0)
        .bind(prefs.tz.map(|t| t.name().to_owned()))
        .bind(i64::from(prefs.reminders))
        .execute(&self.write)
        .await?;
        Ok(())
    }
}

/// What `/link` re-points: the merged member's sign-ups (a sign-up both
/// had is kept once, the kept member's), the events they created, and
/// their settings when the kept member has none.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        let statements = [
            "DELETE FROM events_signups WHERE member_id = $2 AND event_id IN
                 (SELECT k.event_id FROM events_signups k WHERE k.member_id = $1)",
            "UPDATE events_signups SET member_id = $1 WHERE member_id = $2",
            "UPDATE events_events SET creator_id = $1 WHERE creator_id = $2",
            "DELETE FROM events_prefs WHERE member_id = $2 AND community_id IN
                 (SELECT k.community_id FROM events_prefs k WHERE k.member_id = $1)",
            "UPDATE events_prefs SET member_id = $1 WHERE member_id = $2",
        ];
        for sql in statements {
            sqlx::query(sql).bind(kept.0).bind(gone.0).execute(&mut *conn).await?;
        }
        Ok(())
    })
}
