//! The hiring feature's storage: posts and their states, subscriptions,
//! what each member was sent (never the same post twice) and the daily
//! quotas. Every change that needs something later (a fanout, an expiry, a
//! bundle) enqueues its job in the same transaction, and every direct
//! message it owes goes to the outbox in that transaction too. Implemented
//! for both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::features::hiring::city::Location;
use crate::features::hiring::expiry::Expiry;
use crate::features::hiring::ids::{PostNo, SubNo};
use crate::features::hiring::post::JobPost;
use crate::features::hiring::salary::{Salary, SalaryFloor};
use crate::i18n::Locale;
use crate::message::Platform;
use crate::store::jobs::NewOutboxMessage;
use crate::store::{Backend, MemberId, Store, StoreError};

/// Where a post is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostState {
    /// Waiting for a moderator.
    Pending,
    /// Listed until it expires.
    Open,
    /// Refused by a moderator, with a reason.
    Rejected,
    /// Taken down by its poster or a moderator.
    Closed,
    /// Its last day has passed.
    Expired,
}

impl PostState {
    /// The stored name (and the suffix of its `hiring-state-*` prompt).
    pub fn as_str(self) -> &'static str {
        match self {
            PostState::Pending => "pending",
            PostState::Open => "open",
            PostState::Rejected => "rejected",
            PostState::Closed => "closed",
            PostState::Expired => "expired",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<PostState> {
        [PostState::Pending, PostState::Open, PostState::Rejected, PostState::Closed, PostState::Expired]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// A stored post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Its row id (deliveries refer to it).
    pub id: i64,
    /// The community.
    pub community: String,
    /// Its short id.
    pub number: PostNo,
    /// Who posted it.
    pub poster: MemberId,
    /// The poster's name.
    pub poster_name: String,
    /// The poster's language, if they chose one.
    pub poster_locale: Option<Locale>,
    /// The account it was posted from: where the poster's messages go.
    pub poster_platform: Platform,
    /// That account's user id.
    pub poster_user_id: String,
    /// Its state (an open post past `expires_at` is expired all the same).
    pub state: PostState,
    /// The fields.
    pub title: String,
    /// The company.
    pub company: Option<String>,
    /// Cities and remote, folded.
    pub location: Location,
    /// The place as typed.
    pub place: Option<String>,
    /// The salary, normalized.
    pub salary: Option<Salary>,
    /// Tags as typed.
    pub tags: Vec<String>,
    /// The description.
    pub description: String,
    /// The contact.
    pub contact: String,
    /// The expiry asked for.
    pub expiry: Expiry,
    /// When it stops being listed (set when it opens).
    pub expires_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
}

impl Post {
    /// Whether it is in the lists at `now`: open and not past its expiry
    /// (a late expiry job never leaves an expired post listed).
    pub fn is_listed(&self, now: DateTime<Utc>) -> bool {
        self.state == PostState::Open && self.expires_at.is_some_and(|e| e > now)
    }

    /// Its state as members see it at `now`.
    pub fn state_at(&self, now: DateTime<Utc>) -> PostState {
        if self.state == PostState::Open && !self.is_listed(now) { PostState::Expired } else { self.state }
    }
}

/// A post to store.
#[derive(Debug, Clone)]
pub struct NewPost {
    /// The community.
    pub community: String,
    /// Who posts it.
    pub poster: MemberId,
    /// From which account.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
    /// The parsed post.
    pub post: JobPost,
    /// The body as typed.
    pub source: String,
    /// `platform:chat:message_id`: a redelivered message stores nothing.
    pub idem_key: String,
    /// The poster's calendar day (for the daily limit).
    pub day: NaiveDate,
}

/// A post opening: approved, or posted by someone who needs no review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// When it opens.
    pub at: DateTime<Utc>,
    /// When it stops being listed.
    pub expires_at: DateTime<Utc>,
    /// Who approved it (`None`: it needed no review).
    pub moderator: Option<MemberId>,
}

/// What storing a post did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// Stored as this post.
    Stored(PostNo),
    /// The same message was stored before, as this post.
    Duplicate(PostNo),
    /// The poster's daily limit is used up; nothing was stored.
    LimitReached {
        /// Posts already submitted today.
        used: i64,
    },
}

/// A moderator's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// List it.
    Approve(Opening),
    /// Refuse it, with the reason the poster is told.
    Reject(String),
}

/// What a state change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Done; the post as it is now.
    Done(Post),
    /// Not done: the post is not in a state that allows it.
    Not(Post),
    /// No such post.
    Missing,
}

/// A subscription to store.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    /// The community.
    pub community: String,
    /// Whose.
    pub member: MemberId,
    /// The account its messages go to.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
    /// The query as typed (parsed again when matching).
    pub query: String,
    /// Its canonical form: one member cannot hold the same one twice.
    pub canonical: String,
    /// Its keywords, for lists.
    pub keywords: String,
    /// Its cities, stored like a post's.
    pub cities: String,
    /// Whether remote posts are wanted.
    pub remote: bool,
    /// Its salary floor.
    pub floor: Option<SalaryFloor>,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Its short id.
    pub number: SubNo,
    /// Whose.
    pub member: MemberId,
    /// The member's language, if they chose one.
    pub locale: Option<Locale>,
    /// Where its messages go.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
    /// The query as typed.
    pub query: String,
}

/// What subscribing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// Stored as this subscription.
    Stored(SubNo),
    /// The member has the same subscription already.
    Duplicate(SubNo),
    /// The member has this many already (the limit).
    Limit(i64),
}

/// What unsubscribing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsubscribed {
    /// Removed.
    Done(Subscription),
    /// Someone else's: nothing changed.
    NotYours,
    /// No such subscription.
    Missing,
}

/// A member a new post is to be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The member.
    pub member: MemberId,
    /// The subscription that matched (the newest, when several did).
    pub subscription: SubNo,
    /// Where its messages go.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
}

/// A member's delivery of a post, as a fanout sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The member.
    pub member: MemberId,
    /// Their language, if they chose one.
    pub locale: Option<Locale>,
    /// The subscription that matched.
    pub subscription: SubNo,
    /// Its query, when it still exists.
    pub query: Option<String>,
    /// Where the message goes.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
}

/// The daily cap a fanout applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Today, in the community's time zone.
    pub day: NaiveDate,
    /// Job messages a member may get a day.
    pub per_day: i64,
    /// The day the bundle of today's overflow goes out (tomorrow).
    pub bundle_day: NaiveDate,
    /// When it goes out.
    pub bundle_due: DateTime<Utc>,
}

/// A post waiting in a member's bundle, with the account its delivery
/// was meant for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundled {
    /// The post.
    pub post: Post,
    /// Where the delivery was to go.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
}

/// Job posts, subscriptions and deliveries.
#[async_trait]
pub trait HiringStore: Send + Sync {
    /// Stores a post, in one transaction: a redelivered message is a
    /// duplicate; the poster's daily limit (`limit`, none for moderators)
    /// is taken; the post gets the next number; when it opens at once its
    /// jobs are enqueued; and `messages(number)` (the moderators' review
    /// notices) go to the outbox.
    async fn hiring_submit(
        &self,
        new: &NewPost,
        limit: Option<i64>,
        open: Option<&Opening>,
        messages: &(dyn Fn(PostNo) -> Vec<NewOutboxMessage> + Send + Sync),
        now: DateTime<Utc>,
    ) -> Result<Submitted, StoreError>;

    /// A moderator approves (enqueueing the fanout, the day-before notice
    /// and the expiry) or rejects a pending post, with `messages` (the DM
    /// to the poster) going to the outbox, all in one transaction. Only a
    /// pending post changes; anything else is [`Changed::Not`].
    async fn hiring_review(
        &self,
        community: &str,
        number: PostNo,
        review: &Review,
        moderator: MemberId,
        messages: &[NewOutboxMessage],
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError>;

    /// Closes a pending or open post (whoever may do it is checked by the
    /// caller).
    async fn hiring_close(&self, community: &str, number: PostNo, now: DateTime<Utc>) -> Result<Changed, StoreError>;

    /// A post by its number.
    async fn hiring_post(&self, community: &str, number: PostNo) -> Result<Option<Post>, StoreError>;

    /// Listed posts at `now`, newest first.
    async fn hiring_listed(
        &self,
        community: &str,
        now: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Post>, StoreError>;

    /// How many posts are listed at `now`.
    async fn hiring_listed_count(&self, community: &str, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Posts waiting for review, oldest first.
    async fn hiring_pending(&self, community: &str, limit: i64) -> Result<Vec<Post>, StoreError>;

    /// Posts that opened at or after `since` and are listed at `now`,
    /// newest first (the digest).
    async fn hiring_opened_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Post>, StoreError>;

    /// Stores a subscription unless the member has the same one or `max`
    /// of them already.
    async fn hiring_subscribe(
        &self,
        new: &NewSubscription,
        max: i64,
        now: DateTime<Utc>,
    ) -> Result<Subscribed, StoreError>;

    /// A member's subscriptions, oldest first.
    async fn hiring_subscriptions(&self, community: &str, member: MemberId) -> Result<Vec<Subscription>, StoreError>;

    /// Removes a member's own subscription.
    async fn hiring_unsubscribe(
        &self,
        community: &str,
        number: SubNo,
        member: MemberId,
    ) -> Result<Unsubscribed, StoreError>;

    /// Every subscription of the community, by member, newest first.
    async fn hiring_subscribers(&self, community: &str) -> Result<Vec<Subscription>, StoreError>;

    /// Records the deliveries of post `post` to `plans`, once per member
    /// ever: each new one takes a message of the member's day (`cap`), or
    /// waits for the next day's bundle (whose job is enqueued). Returns the
    /// deliveries `batch` (the fanout job's key) sends directly, by member:
    /// a rerun of the job returns the same ones and records nothing new for
    /// them.
    async fn hiring_deliver(
        &self,
        community: &str,
        post: i64,
        plans: &[Plan],
        cap: &Cap,
        batch: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// Claims the member's deliveries waiting for a bundle up to `day` for
    /// `batch` (the bundle job's key), taking one message of that day when
    /// it claims any, and returns the claimed posts still listed at `now`,
    /// oldest first. A rerun claims nothing new and returns the same posts.
    async fn hiring_claim_bundle(
        &self,
        community: &str,
        member: MemberId,
        day: NaiveDate,
        batch: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Bundled>, StoreError>;

    /// Marks an open post expired if its expiry is still `expires_at` and
    /// has come; `false` when nothing changed.
    async fn hiring_expire(
        &self,
        community: &str,
        number: PostNo,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

impl Store {
    /// Job posts, subscriptions and deliveries.
    pub fn hiring(&self) -> &dyn HiringStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}
