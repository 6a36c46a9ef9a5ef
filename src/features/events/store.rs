//! The events feature's storage: events, sign-ups with their arrival
//! order, attendance, and members' own settings. Every change that owes
//! something later (reminders) enqueues its jobs in the same transaction,
//! and every direct message it owes (a promotion, an edit, a cancel) goes
//! to the outbox in that transaction too. Joins, leaves and edits of one
//! event take its row's lock first, so capacity is never exceeded and the
//! waitlist is in the order sign-ups were taken. Implemented for both
//! backends by `sql.rs`.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::i18n::Locale;
use crate::ledger::{Balance, Transfer};
use crate::message::Platform;
use crate::store::jobs::{NewJob, NewOutboxMessage};
use crate::store::{Backend, MemberId, Store, StoreError};

/// An event's short id (`E12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventNo(pub i64);

impl EventNo {
    /// `E12`, `e12` or `12`.
    pub fn parse(s: &str) -> Option<EventNo> {
        let s = s.trim();
        let digits = s.strip_prefix(['E', 'e', 'Ｅ', 'ｅ']).unwrap_or(s);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 12 {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(EventNo)
    }
}

impl fmt::Display for EventNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{}", self.0)
    }
}

/// What an organiser sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventData {
    /// The title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends, if said.
    pub ends_at: Option<DateTime<Utc>>,
    /// The zone it was set in (its times are shown in it by default).
    pub tz: Tz,
    /// Online (`place` is a link) or offline (`place` is an address).
    pub online: bool,
    /// Where.
    pub place: Option<String>,
    /// Seats (`None`: no limit).
    pub capacity: Option<i64>,
    /// Sign-ups close then (default: the start).
    pub deadline: DateTime<Utc>,
    /// The description.
    pub description: String,
    /// Lowest points level that may join (0: everyone).
    pub min_level: i64,
    /// The community's named roles whose holders may join, as the config
    /// spells them (empty: everyone). Moderators and organisers always may.
    pub roles: Vec<String>,
}

/// Where an event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventState {
    /// Taking sign-ups (until its deadline) and happening.
    Open,
    /// Called off.
    Cancelled,
}

impl EventState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventState::Open => "open",
            EventState::Cancelled => "cancelled",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<EventState> {
        [EventState::Open, EventState::Cancelled].into_iter().find(|e| e.as_str() == s)
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its row id.
    pub id: i64,
    /// The community.
    pub community: String,
    /// Its short id.
    pub number: EventNo,
    /// What the organiser set.
    pub data: EventData,
    /// Open or cancelled.
    pub state: EventState,
    /// The .ics `SEQUENCE`: raised by every edit and the cancel.
    pub sequence: i64,
    /// Who created it.
    pub creator: MemberId,
    /// The attendance code, while one was opened.
    pub code: Option<String>,
    /// Until when the code is accepted.
    pub code_until: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// Members going.
    pub going: i64,
    /// Members on the waitlist.
    pub waiting: i64,
}

impl Event {
    /// Seats left (`None`: no limit).
    pub fn seats_left(&self) -> Option<i64> {
        self.data.capacity.map(|c| (c - self.going).max(0))
    }
}

/// Where a member's sign-up is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignupState {
    /// Has a seat.
    Going,
    /// Waiting for one, in arrival order.
    Waitlist,
    /// Left.
    Left,
    /// Came without signing up (attendance only).
    Walkin,
}

impl SignupState {
    /// The stored name (and the suffix of its `events-signup-*` prompt).
    pub fn as_str(self) -> &'static str {
        match self {
            SignupState::Going => "going",
            SignupState::Waitlist => "waitlist",
            SignupState::Left => "left",
            SignupState::Walkin => "walkin",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<SignupState> {
        [SignupState::Going, SignupState::Waitlist, SignupState::Left, SignupState::Walkin]
            .into_iter()
            .find(|e| e.as_str() == s)
    }
}

/// A member's sign-up, with what a message to them needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    /// The member.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// Their language, if they chose one.
    pub locale: Option<Locale>,
    /// Their time zone, if they set one.
    pub tz: Option<Tz>,
    /// Whether they want reminders.
    pub reminders: bool,
    /// The account that signed up: where their messages go.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
    /// Going, waitlisted, left.
    pub state: SignupState,
    /// Arrival order.
    pub arrival: i64,
    /// Marked present.
    pub present: bool,
}

/// An event to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The community.
    pub community: String,
    /// Who creates it.
    pub creator: MemberId,
    /// What they set.
    pub data: EventData,
    /// `platform:chat:message_id`: a redelivered message stores nothing.
    pub idem_key: String,
}

/// What creating did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(clippy::large_enum_variant, reason = "one per command, moved once; a box would buy nothing")]
pub enum Created {
    /// Stored.
    Stored(Event),
    /// The same message was stored before, as this event.
    Duplicate(EventNo),
}

/// The account a sign-up comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joiner {
    /// The member.
    pub member: MemberId,
    /// From which platform.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
}

/// What joining did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    /// A seat.
    Going(Event),
    /// On the waitlist, at this place.
    Waitlisted(Event, i64),
    /// Signed up already (going or waitlisted); nothing changed.
    Already(Event, SignupState),
    /// Sign-ups have closed; nothing changed.
    Closed(Event),
    /// The event was cancelled; nothing changed.
    Cancelled(Event),
    /// No such event.
    Missing,
}

/// What leaving did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left {
    /// Left; the member promoted from the waitlist, if one was.
    Done(Event, Option<Signup>),
    /// Not signed up; nothing changed.
    NotSignedUp(Event),
    /// No such event.
    Missing,
}

/// What an edit, a cancel or a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Done; the event as it is now.
    Done(Event),
    /// Cancelled already; nothing changed.
    Cancelled(Event),
    /// No such event.
    Missing,
}

/// What `/attend CODE` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attended {
    /// Marked present; the member's numbers when points were paid.
    Marked(Event, Option<Balance>),
    /// Marked present before; nothing changed.
    Already(Event),
    /// No event has this code open now.
    NoSuchCode,
}

/// A member's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefs {
    /// The zone events are shown in (`None`: each event's own).
    pub tz: Option<Tz>,
    /// Whether reminders are sent.
    pub reminders: bool,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs { tz: None, reminders: true }
    }
}

/// Builds the jobs of an event as stored (its reminders).
pub type JobsFor<'a> = &'a (dyn Fn(&Event) -> Vec<NewJob> + Send + Sync);
/// Builds direct messages about an event for some of its sign-ups.
pub type MessagesFor<'a> = &'a (dyn Fn(&Event, &[Signup]) -> Vec<NewOutboxMessage> + Send + Sync);

/// Builds the points an attendance pays (`None`: none).
pub type PayFor<'a> = &'a (dyn Fn(&Event) -> Option<Transfer> + Send + Sync);

/// Events, sign-ups and attendance.
#[async_trait]
pub trait EventsStore: Send + Sync {
    /// Stores an event with its next number and enqueues `jobs(event)`, in
    /// one transaction; a redelivered message is a duplicate.
    async fn events_create(&self, new: &NewEvent, jobs: JobsFor<'_>, now: DateTime<Utc>)
    -> Result<Created, StoreError>;

    /// An event by its number.
    async fn events_get(&self, community: &str, number: EventNo) -> Result<Option<Event>, StoreError>;

    /// Open events starting after `from` and before `until`, soonest first:
    /// `limit` of them after skipping `offset` (a page).
    async fn events_upcoming(
        &self,
        community: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Event>, StoreError>;

    /// How many open events start after `from` and before `until`.
    async fn events_upcoming_count(
        &self,
        community: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<i64, StoreError>;

    /// Signs a member up: a seat while there is one, else the waitlist,
    /// in the order sign-ups take the event's lock.
    async fn events_join(
        &self,
        community: &str,
        number: EventNo,
        who: &Joiner,
        now: DateTime<Utc>,
    ) -> Result<Joined, StoreError>;

    /// Takes a member off; when a seat frees, the first on the waitlist is
    /// promoted and `promoted(event, [them])` goes to the outbox.
    async fn events_leave(
        &self,
        community: &str,
        number: EventNo,
        member: MemberId,
        promoted: MessagesFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Left, StoreError>;

    #[expect(clippy::too_many_arguments, reason = "an edit owes its jobs and two kinds of message, built inside")]
    /// Replaces what the organiser set, raises the sequence, enqueues
    /// `jobs(event)`, promotes from the waitlist into new seats (sending
    /// `promoted`), and sends `told(event, everyone signed up)`.
    async fn events_update(
        &self,
        community: &str,
        number: EventNo,
        data: &EventData,
        jobs: JobsFor<'_>,
        promoted: MessagesFor<'_>,
        told: MessagesFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError>;

    /// Cancels an open event, raises the sequence and sends
    /// `told(event, everyone signed up)`.
    async fn events_cancel(
        &self,
        community: &str,
        number: EventNo,
        told: MessagesFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError>;

    /// Every sign-up of an event (left ones included), in arrival order.
    async fn events_signups(&self, event: i64) -> Result<Vec<Signup>, StoreError>;

    /// How many past events (attendance taken, not cancelled) each member
    /// was going to and did not attend.
    async fn events_no_shows(
        &self,
        community: &str,
        members: &[MemberId],
        now: DateTime<Utc>,
    ) -> Result<Vec<(MemberId, i64)>, StoreError>;

    /// Opens an attendance code until `until`.
    async fn events_open_code(
        &self,
        community: &str,
        number: EventNo,
        code: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Changed, StoreError>;

    /// Marks the member present at the event whose code this is (open at
    /// `now`) and applies `pay(event)` through the ledger, in one
    /// transaction.
    async fn events_attend(
        &self,
        community: &str,
        code: &str,
        who: &Joiner,
        pay: PayFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Attended, StoreError>;

    /// A member's settings.
    async fn events_prefs(&self, community: &str, member: MemberId) -> Result<Prefs, StoreError>;

    /// Stores a member's settings.
    async fn events_set_prefs(&self, community: &str, member: MemberId, prefs: &Prefs) -> Result<(), StoreError>;
}

impl Store {
    /// Events, sign-ups and attendance.
    pub fn events(&self) -> &dyn EventsStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}
