//! The hiring feature's SQL, compiled once per backend (`db` is the
//! backend's dialect; `queue` the scheduler's SQL for the same backend, so
//! a change, the jobs it needs and the messages it owes commit together).
//! Every state change is a guarded `UPDATE … WHERE state = …`, so a second
//! approval, a redelivered event or a second instance changes nothing twice.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{db, queue};
use crate::BoxFuture;
use crate::features::hiring::city::Location;
use crate::features::hiring::expiry::Expiry;
use crate::features::hiring::ids::{PostNo, SubNo};
use crate::features::hiring::jobs::{bundle_job, opening_jobs};
use crate::features::hiring::salary::{Currency, Period, Salary, SalaryRange};
use crate::features::hiring::store::{
    Bundled, Cap, Changed, Delivery, HiringStore, NewPost, NewSubscription, Opening, Plan, Post, PostState, Review,
    Submitted, Subscribed, Subscription, Unsubscribed,
};
use crate::i18n::Locale;
use crate::message::Platform;
use crate::store::jobs::NewOutboxMessage;
use crate::store::{MemberId, StoreError, from_ms, ms};

/// Deliveries recorded per transaction.
const CHUNK: usize = 100;

/// A post as stored, with its poster's name and language.
#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    community_id: String,
    number: i64,
    poster_id: i64,
    poster_name: String,
    poster_locale: Option<String>,
    poster_platform: String,
    poster_user_id: String,
    state: String,
    title: String,
    company: Option<String>,
    cities: String,
    place: Option<String>,
    remote: i64,
    salary_negotiable: i64,
    salary_min: Option<i64>,
    salary_max: Option<i64>,
    salary_currency: Option<String>,
    salary_period: Option<String>,
    salary_months: Option<i64>,
    tags: String,
    description: String,
    contact: String,
    expires_days: Option<i64>,
    expires_on: Option<String>,
    expires_at_ms: Option<i64>,
    reason: Option<String>,
    created_at_ms: i64,
    updated_at_ms: i64,
    opened_at_ms: Option<i64>,
}

// Spliced into queries with AssertSqlSafe: constants only, never input.
/// A post's columns, with its poster's name and language (`p`, `m`).
const POST_FIELDS: &str = "p.id, p.community_id, p.number, p.poster_id, m.display_name AS poster_name,
    m.locale AS poster_locale, p.poster_platform, p.poster_user_id, p.state, p.title, p.company, p.cities,
    p.place, p.remote, p.salary_negotiable, p.salary_min, p.salary_max, p.salary_currency, p.salary_period,
    p.salary_months, p.tags, p.description, p.contact, p.expires_days, p.expires_on, p.expires_at_ms, p.reason,
    p.created_at_ms, p.updated_at_ms, p.opened_at_ms";
/// Posts with their posters.
const POSTS: &str = "hiring_posts p JOIN members m ON m.id = p.poster_id";

fn amount(v: Option<i64>) -> Option<u64> {
    v.and_then(|v| u64::try_from(v).ok())
}

fn stored_amount(v: Option<u64>) -> Option<i64> {
    v.and_then(|v| i64::try_from(v).ok())
}

fn post(r: PostRow) -> Result<Post, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("hiring post {}: {what}", r.id));
    let salary = if r.salary_negotiable != 0 {
        Some(Salary::Negotiable)
    } else {
        match (r.salary_currency.as_deref(), r.salary_period.as_deref()) {
            (Some(c), Some(p)) => Some(Salary::Range(SalaryRange {
                min: amount(r.salary_min),
                max: amount(r.salary_max),
                currency: Currency::from_code(c).ok_or_else(|| corrupt("currency"))?,
                period: Period::parse(p).ok_or_else(|| corrupt("period"))?,
                months: r.salary_months.and_then(|m| u32::try_from(m).ok()),
            })),
            _ => None,
        }
    };
    Ok(Post {
        state: PostState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
        poster_platform: Platform::parse(&r.poster_platform).ok_or_else(|| corrupt("platform"))?,
        id: r.id,
        community: r.community_id,
        number: PostNo(r.number),
        poster: MemberId(r.poster_id),
        poster_name: r.poster_name,
        poster_locale: r.poster_locale.as_deref().and_then(Locale::parse),
        poster_user_id: r.poster_user_id,
        title: r.title,
        company: r.company,
        location: Location::from_columns(&r.cities, r.remote),
        place: r.place,
        salary,
        tags: r.tags.lines().map(str::to_owned).filter(|t| !t.is_empty()).collect(),
        description: r.description,
        contact: r.contact,
        expiry: Expiry::from_columns(r.expires_days, r.expires_on.as_deref()),
        expires_at: r.expires_at_ms.map(from_ms),
        reason: r.reason,
        created_at: from_ms(r.created_at_ms),
        updated_at: from_ms(r.updated_at_ms),
        opened_at: r.opened_at_ms.map(from_ms),
    })
}

/// A subscription as stored, with its member's language.
#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    number: i64,
    member_id: i64,
    locale: Option<String>,
    platform: String,
    user_id: String,
    query: String,
}

const SUBSCRIPTION_COLUMNS: &str = "SELECT s.number, s.member_id, m.locale, s.platform, s.user_id, s.query
    FROM hiring_subscriptions s JOIN members m ON m.id = s.member_id";

fn subscription(r: SubscriptionRow) -> Result<Subscription, StoreError> {
    Ok(Subscription {
        platform: Platform::parse(&r.platform)
            .ok_or_else(|| StoreError::Corrupt(format!("hiring subscription {}: platform", r.number)))?,
        number: SubNo(r.number),
        member: MemberId(r.member_id),
        locale: r.locale.as_deref().and_then(Locale::parse),
        user_id: r.user_id,
        query: r.query,
    })
}

/// A direct delivery, with what its message needs.
#[derive(sqlx::FromRow)]
struct DeliveryRow {
    member_id: i64,
    locale: Option<String>,
    subscription_number: i64,
    query: Option<String>,
    platform: String,
    user_id: String,
}

/// A bundled post with the route of its delivery.
#[derive(sqlx::FromRow)]
struct BundledRow {
    #[sqlx(flatten)]
    post: PostRow,
    route_platform: String,
    route_user_id: String,
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Takes one of the member's `kind` for `day` if fewer than `limit` are
/// used (`None`: any number), in the caller's transaction; `false` when the
/// limit is reached. Two transactions cannot both take the last one: the
/// upsert's condition is checked on the row it locks.
async fn take_quota(
    conn: &mut db::Conn,
    community: &str,
    member: MemberId,
    kind: &str,
    day: &str,
    limit: Option<i64>,
) -> Result<bool, StoreError> {
    let taken: Option<i64> = sqlx::query_scalar(
        "INSERT INTO hiring_quota (community_id, member_id, kind, day, used) VALUES ($1, $2, $3, $4, 1)
         ON CONFLICT (community_id, member_id, kind, day) DO UPDATE SET used = hiring_quota.used + 1
         WHERE hiring_quota.used < $5 RETURNING used",
    )
    .bind(community)
    .bind(member.0)
    .bind(kind)
    .bind(day)
    .bind(limit.unwrap_or(i64::MAX))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(taken.is_some())
}

/// The next number of `kind` (`post`, `sub`) in the community.
async fn next_number(conn: &mut db::Conn, community: &str, kind: &str) -> Result<i64, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "INSERT INTO hiring_counters (community_id, kind, last) VALUES ($1, $2, 1)
         ON CONFLICT (community_id, kind) DO UPDATE SET last = hiring_counters.last + 1 RETURNING last",
    )
    .bind(community)
    .bind(kind)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

async fn post_by_id(conn: &mut db::Conn, id: i64) -> Result<Post, StoreError> {
    let row: PostRow =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {POST_FIELDS} FROM {POSTS} WHERE p.id = $1")))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    post(row)
}

/// Enqueues the jobs of a post that opens.
async fn open_jobs(
    conn: &mut db::Conn,
    community: &str,
    number: PostNo,
    opening: &Opening,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for job in opening_jobs(community, number, opening) {
        queue::enqueue_in(conn, &job, now).await?;
    }
    Ok(())
}

impl db::Pools {
    async fn post_by_number(&self, community: &str, number: PostNo) -> Result<Option<Post>, StoreError> {
        let row: Option<PostRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST_FIELDS} FROM {POSTS} WHERE p.community_id = $1 AND p.number = $2"
        )))
        .bind(community)
        .bind(number.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(post).transpose()
    }

    /// After a guarded update changed nothing: why.
    async fn unchanged(&self, community: &str, number: PostNo) -> Result<Changed, StoreError> {
        Ok(match self.post_by_number(community, number).await? {
            Some(p) => Changed::Not(p),
            None => Changed::Missing,
        })
    }

    async fn posts(&self, sql: String, binds: PostQuery<'_>) -> Result<Vec<Post>, StoreError> {
        let mut q = sqlx::query_as::<_, PostRow>(sqlx::AssertSqlSafe(sql)).bind(binds.community);
        for v in binds.ints {
            q = q.bind(v);
        }
        q.fetch_all(&self.read).await?.into_iter().map(post).collect()
    }
}

/// The binds of a post list: the community, then numbers.
struct PostQuery<'a> {
    community: &'a str,
    ints: Vec<i64>,
}

#[async_trait]
impl HiringStore for db::Pools {
    async fn hiring_submit(
        &self,
        new: &NewPost,
        limit: Option<i64>,
        open: Option<&Opening>,
        messages: &(dyn Fn(PostNo) -> Vec<NewOutboxMessage> + Send + Sync),
        now: DateTime<Utc>,
    ) -> Result<Submitted, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT number FROM hiring_posts WHERE community_id = $1 AND idem_key = $2")
                .bind(&new.community)
                .bind(&new.idem_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(n) = seen {
            return Ok(Submitted::Duplicate(PostNo(n)));
        }
        let today = day_text(new.day);
        if limit.is_some() && !take_quota(&mut tx, &new.community, new.poster, "post", &today, limit).await? {
            let used: i64 = sqlx::query_scalar(
                "SELECT used FROM hiring_quota WHERE community_id = $1 AND member_id = $2 AND kind = 'post' AND day = $3",
            )
            .bind(&new.community)
            .bind(new.poster.0)
            .bind(&today)
            .fetch_one(&mut *tx)
            .await?;
            return Ok(Submitted::LimitReached { used });
        }
        let number = PostNo(next_number(&mut tx, &new.community, "post").await?);
        let p = &new.post;
        let (negotiable, range) = match p.salary {
            Some(Salary::Negotiable) => (1_i64, None),
            Some(Salary::Range(r)) => (0, Some(r)),
            None => (0, None),
        };
        let (expires_days, expires_on) = p.expiry.to_columns();
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO hiring_posts (community_id, number, poster_id, poster_platform, poster_user_id, state, title,
                 company, cities, place, remote, salary_text, salary_negotiable, salary_min, salary_max,
                 salary_currency, salary_period, salary_months, salary_monthly_min, salary_monthly_max, tags,
                 description, contact, expires_days, expires_on, expires_at_ms, source, idem_key, moderator_id,
                 created_at_ms, updated_at_ms, opened_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                 $22, $23, $24, $25, $26, $27, $28, $29, $30, $30, $31)
             ON CONFLICT (community_id, idem_key) DO NOTHING RETURNING id",
        )
        .bind(&new.community)
        .bind(number.0)
        .bind(new.poster.0)
        .bind(new.platform.as_str())
        .bind(&new.user_id)
        .bind(if open.is_some() { "open" } else { "pending" })
        .bind(&p.title)
        .bind(&p.company)
        .bind(p.location.cities_column())
        .bind(&p.location_text)
        .bind(p.location.remote.as_i64())
        .bind(&p.salary_text)
        .bind(negotiable)
        .bind(stored_amount(range.and_then(|r| r.min)))
        .bind(stored_amount(range.and_then(|r| r.max)))
        .bind(range.map(|r| r.currency.code()))
        .bind(range.map(|r| r.period.as_str()))
        .bind(range.and_then(|r| r.months).map(i64::from))
        .bind(stored_amount(range.and_then(|r| r.monthly_min())))
        .bind(stored_amount(range.and_then(|r| r.monthly_top())))
        .bind(p.tags.join("\n"))
        .bind(&p.description)
        .bind(&p.contact)
        .bind(expires_days)
        .bind(expires_on)
        .bind(open.map(|o| ms(o.expires_at)))
        .bind(&new.source)
        .bind(&new.idem_key)
        .bind(open.and_then(|o| o.moderator).map(|m| m.0))
        .bind(ms(now))
        .bind(open.map(|o| ms(o.at)))
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_none() {
            // The same message, stored by another instance meanwhile.
            tx.rollback().await?;
            let n: i64 =
                sqlx::query_scalar("SELECT number FROM hiring_posts WHERE community_id = $1 AND idem_key = $2")
                    .bind(&new.community)
                    .bind(&new.idem_key)
                    .fetch_one(&self.write)
                    .await?;
            return Ok(Submitted::Duplicate(PostNo(n)));
        }
        if let Some(opening) = open {
            open_jobs(&mut tx, &new.community, number, opening, now).await?;
        }
        queue::insert_outbox(&mut tx, &messages(number), now).await?;
        tx.commit().await?;
        Ok(Submitted::Stored(number))
    }

    async fn hiring_review(
        &self,
        community: &str,
        number: PostNo,
        review: &Review,
        moderator: MemberId,
        messages: &[NewOutboxMessage],
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let id: Option<i64> =
            match review {
                Review::Approve(o) => sqlx::query_scalar(
                    "UPDATE hiring_posts SET state = 'open', opened_at_ms = $1, expires_at_ms = $2, moderator_id = $3,
                         updated_at_ms = $4
                     WHERE community_id = $5 AND number = $6 AND state = 'pending' RETURNING id",
                )
                .bind(ms(o.at))
                .bind(ms(o.expires_at))
                .bind(moderator.0)
                .bind(ms(now))
                .bind(community)
                .bind(number.0)
                .fetch_optional(&mut *tx)
                .await?,
                Review::Reject(reason) => sqlx::query_scalar(
                    "UPDATE hiring_posts SET state = 'rejected', reason = $1, moderator_id = $2, updated_at_ms = $3,
                         closed_at_ms = $3
                     WHERE community_id = $4 AND number = $5 AND state = 'pending' RETURNING id",
                )
                .bind(reason)
                .bind(moderator.0)
                .bind(ms(now))
                .bind(community)
                .bind(number.0)
                .fetch_optional(&mut *tx)
                .await?,
            };
        let Some(id) = id else {
            tx.rollback().await?;
            return self.unchanged(community, number).await;
        };
        if let Review::Approve(opening) = review {
            open_jobs(&mut tx, community, number, opening, now).await?;
        }
        queue::insert_outbox(&mut tx, messages, now).await?;
        let changed = post_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Changed::Done(changed))
    }

    async fn hiring_close(&self, community: &str, number: PostNo, now: DateTime<Utc>) -> Result<Changed, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE hiring_posts SET state = 'closed', closed_at_ms = $1, updated_at_ms = $1
             WHERE community_id = $2 AND number = $3
               AND (state = 'pending' OR (state = 'open' AND expires_at_ms > $1)) RETURNING id",
        )
        .bind(ms(now))
        .bind(community)
        .bind(number.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            tx.rollback().await?;
            return self.unchanged(community, number).await;
        };
        let changed = post_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Changed::Done(changed))
    }

    async fn hiring_post(&self, community: &str, number: PostNo) -> Result<Option<Post>, StoreError> {
        self.post_by_number(community, number).await
    }

    async fn hiring_listed(
        &self,
        community: &str,
        now: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Post>, StoreError> {
        let sql = format!(
            "SELECT {POST_FIELDS} FROM {POSTS} WHERE p.community_id = $1 AND p.state = 'open' AND p.expires_at_ms > $2
             ORDER BY p.opened_at_ms DESC, p.number DESC LIMIT $3 OFFSET $4"
        );
        self.posts(sql, PostQuery { community, ints: vec![ms(now), limit, offset] }).await
    }

    async fn hiring_listed_count(&self, community: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM hiring_posts WHERE community_id = $1 AND state = 'open' AND expires_at_ms > $2",
        )
        .bind(community)
        .bind(ms(now))
        .fetch_one(&self.read)
        .await?;
        Ok(n)
    }

    async fn hiring_pending(&self, community: &str, limit: i64) -> Result<Vec<Post>, StoreError> {
        let sql = format!(
            "SELECT {POST_FIELDS} FROM {POSTS} WHERE p.community_id = $1 AND p.state = 'pending' ORDER BY p.number LIMIT $2"
        );
        self.posts(sql, PostQuery { community, ints: vec![limit] }).await
    }

    async fn hiring_opened_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Post>, StoreError> {
        let sql = format!(
            "SELECT {POST_FIELDS} FROM {POSTS} WHERE p.community_id = $1 AND p.state = 'open' AND p.opened_at_ms >= $2
               AND p.expires_at_ms > $3
             ORDER BY p.opened_at_ms DESC, p.number DESC LIMIT $4"
        );
        self.posts(sql, PostQuery { community, ints: vec![ms(since), ms(now), limit] }).await
    }

    async fn hiring_subscribe(
        &self,
        new: &NewSubscription,
        max: i64,
        now: DateTime<Utc>,
    ) -> Result<Subscribed, StoreError> {
        let same =
            "SELECT number FROM hiring_subscriptions WHERE community_id = $1 AND member_id = $2 AND canonical = $3";
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> = sqlx::query_scalar(same)
            .bind(&new.community)
            .bind(new.member.0)
            .bind(&new.canonical)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(n) = seen {
            return Ok(Subscribed::Duplicate(SubNo(n)));
        }
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM hiring_subscriptions WHERE community_id = $1 AND member_id = $2")
                .bind(&new.community)
                .bind(new.member.0)
                .fetch_one(&mut *tx)
                .await?;
        if count >= max {
            return Ok(Subscribed::Limit(count));
        }
        let number = next_number(&mut tx, &new.community, "sub").await?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO hiring_subscriptions (community_id, number, member_id, platform, user_id, query, canonical,
                 keywords, cities, remote, salary_floor, salary_currency, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (community_id, member_id, canonical) DO NOTHING RETURNING number",
        )
        .bind(&new.community)
        .bind(number)
        .bind(new.member.0)
        .bind(new.platform.as_str())
        .bind(&new.user_id)
        .bind(&new.query)
        .bind(&new.canonical)
        .bind(&new.keywords)
        .bind(&new.cities)
        .bind(i64::from(new.remote))
        .bind(new.floor.and_then(|f| i64::try_from(f.monthly).ok()))
        .bind(new.floor.map(|f| f.currency.code()))
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_none() {
            tx.rollback().await?;
            let n: i64 = sqlx::query_scalar(same)
                .bind(&new.community)
                .bind(new.member.0)
                .bind(&new.canonical)
                .fetch_one(&self.write)
                .await?;
            return Ok(Subscribed::Duplicate(SubNo(n)));
        }
        tx.commit().await?;
        Ok(Subscribed::Stored(SubNo(number)))
    }

    async fn hiring_subscriptions(&self, community: &str, member: MemberId) -> Result<Vec<Subscription>, StoreError> {
        let rows: Vec<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_COLUMNS} WHERE s.community_id = $1 AND s.member_id = $2 ORDER BY s.number"
        )))
        .bind(community)
        .bind(member.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(subscription).collect()
    }

    async fn hiring_unsubscribe(
        &self,
        community: &str,
        number: SubNo,
        member: MemberId,
    ) -> Result<Unsubscribed, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let row: Option<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_COLUMNS} WHERE s.community_id = $1 AND s.number = $2"
        )))
        .bind(community)
        .bind(number.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(Unsubscribed::Missing) };
        if row.member_id != member.0 {
            return Ok(Unsubscribed::NotYours);
        }
        sqlx::query("DELETE FROM hiring_subscriptions WHERE community_id = $1 AND number = $2")
            .bind(community)
            .bind(number.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Unsubscribed::Done(subscription(row)?))
    }

    async fn hiring_subscribers(&self, community: &str) -> Result<Vec<Subscription>, StoreError> {
        let rows: Vec<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_COLUMNS} WHERE s.community_id = $1 ORDER BY s.member_id, s.number DESC"
        )))
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(subscription).collect()
    }

    async fn hiring_deliver(
        &self,
        community: &str,
        post: i64,
        plans: &[Plan],
        cap: &Cap,
        batch: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>, StoreError> {
        let today = day_text(cap.day);
        for chunk in plans.chunks(CHUNK) {
            let mut tx = self.write.begin_with(db::BEGIN).await?;
            for plan in chunk {
                // Never twice: the first delivery of a post to a member is
                // the only one (two subscriptions, a rerun, two instances).
                let fresh: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO hiring_deliveries (post_id, member_id, community_id, subscription_number, platform,
                         user_id, state, batch, created_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, 'direct', $7, $8)
                     ON CONFLICT (post_id, member_id) DO NOTHING RETURNING member_id",
                )
                .bind(post)
                .bind(plan.member.0)
                .bind(community)
                .bind(plan.subscription.0)
                .bind(plan.platform.as_str())
                .bind(&plan.user_id)
                .bind(batch)
                .bind(ms(now))
                .fetch_optional(&mut *tx)
                .await?;
                if fresh.is_none() {
                    continue;
                }
                if take_quota(&mut tx, community, plan.member, "dm", &today, Some(cap.per_day)).await? {
                    continue;
                }
                sqlx::query(
                    "UPDATE hiring_deliveries SET state = 'bundled', batch = NULL, bundle_day = $1
                     WHERE post_id = $2 AND member_id = $3",
                )
                .bind(day_text(cap.bundle_day))
                .bind(post)
                .bind(plan.member.0)
                .execute(&mut *tx)
                .await?;
                queue::enqueue_in(&mut tx, &bundle_job(community, plan.member, cap.bundle_day, cap.bundle_due), now)
                    .await?;
            }
            tx.commit().await?;
        }
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT d.member_id, m.locale, d.subscription_number, s.query, d.platform, d.user_id
             FROM hiring_deliveries d JOIN members m ON m.id = d.member_id
             LEFT JOIN hiring_subscriptions s ON s.community_id = d.community_id AND s.number = d.subscription_number
             WHERE d.batch = $1 AND d.state = 'direct' ORDER BY d.member_id",
        )
        .bind(batch)
        .fetch_all(&self.write)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Delivery {
                    platform: Platform::parse(&r.platform)
                        .ok_or_else(|| StoreError::Corrupt(format!("hiring delivery platform {}", r.platform)))?,
                    member: MemberId(r.member_id),
                    locale: r.locale.as_deref().and_then(Locale::parse),
                    subscription: SubNo(r.subscription_number),
                    query: r.query,
                    user_id: r.user_id,
                })
            })
            .collect()
    }

    async fn hiring_claim_bundle(
        &self,
        community: &str,
        member: MemberId,
        day: NaiveDate,
        batch: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Bundled>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let claimed = sqlx::query(
            "UPDATE hiring_deliveries SET batch = $1
             WHERE community_id = $2 AND member_id = $3 AND state = 'bundled' AND batch IS NULL AND bundle_day <= $4",
        )
        .bind(batch)
        .bind(community)
        .bind(member.0)
        .bind(day_text(day))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed > 0 {
            // The bundle is always sent, and counts as one of the day's messages.
            take_quota(&mut tx, community, member, "dm", &day_text(day), None).await?;
        }
        let rows: Vec<BundledRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST_FIELDS}, d.platform AS route_platform, d.user_id AS route_user_id
             FROM hiring_deliveries d JOIN hiring_posts p ON p.id = d.post_id JOIN members m ON m.id = p.poster_id
             WHERE d.batch = $1 AND p.state = 'open' AND p.expires_at_ms > $2
             ORDER BY p.opened_at_ms, p.number"
        )))
        .bind(batch)
        .bind(ms(now))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|r| {
                Ok(Bundled {
                    platform: Platform::parse(&r.route_platform)
                        .ok_or_else(|| StoreError::Corrupt(format!("hiring delivery platform {}", r.route_platform)))?,
                    user_id: r.route_user_id,
                    post: post(r.post)?,
                })
            })
            .collect()
    }

    async fn hiring_expire(
        &self,
        community: &str,
        number: PostNo,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE hiring_posts SET state = 'expired', closed_at_ms = $1, updated_at_ms = $1
             WHERE community_id = $2 AND number = $3 AND state = 'open' AND expires_at_ms = $4 AND expires_at_ms <= $1",
        )
        .bind(ms(now))
        .bind(community)
        .bind(number.0)
        .bind(ms(expires_at))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// `/link` merged member `gone` into `kept`: their posts, subscriptions,
/// deliveries and quotas become the kept member's. A subscription the kept
/// member already has (same canonical form) and a post both were sent are
/// kept once: still never twice.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        let statements = [
            "UPDATE hiring_posts SET poster_id = $1 WHERE poster_id = $2",
            "UPDATE hiring_posts SET moderator_id = $1 WHERE moderator_id = $2",
            "DELETE FROM hiring_subscriptions WHERE member_id = $2 AND canonical IN
                 (SELECT k.canonical FROM hiring_subscriptions k WHERE k.member_id = $1)",
            "UPDATE hiring_subscriptions SET member_id = $1 WHERE member_id = $2",
            "DELETE FROM hiring_deliveries WHERE member_id = $2 AND post_id IN
                 (SELECT k.post_id FROM hiring_deliveries k WHERE k.member_id = $1)",
            "UPDATE hiring_deliveries SET member_id = $1 WHERE member_id = $2",
            "INSERT INTO hiring_quota (community_id, member_id, kind, day, used)
                 SELECT g.community_id, $1, g.kind, g.day, g.used FROM hiring_quota g WHERE g.member_id = $2
             ON CONFLICT (community_id, member_id, kind, day) DO UPDATE SET used = hiring_quota.used + excluded.used",
            "DELETE FROM hiring_quota WHERE member_id = $2",
        ];
        for sql in statements {
            sqlx::query(sql).bind(kept.0).bind(gone.0).execute(&mut *conn).await?;
        }
        Ok(())
    })
}
