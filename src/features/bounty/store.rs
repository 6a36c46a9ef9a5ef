//! The bounty feature's storage: questions with their escrowed points,
//! answers, votes and notification choices. Every change that moves points
//! does it through the ledger in the same transaction as the state change
//! it belongs to, guarded by the question's state, so an accept and an
//! expiry (or two accepts) never both move the escrow. Implemented for both
//! backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::features::bounty::ids::{AnswerRef, QuestionNo};
use crate::i18n::Locale;
use crate::ledger::Transfer;
use crate::message::Platform;
use crate::store::jobs::NewJob;
use crate::store::{Backend, MemberId, Store, StoreError};

/// Where a question is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionState {
    /// Answerable; its bounty (if any) is in escrow.
    Open,
    /// An answer was accepted (final).
    Accepted,
    /// Its period and grace ended without an accept; settled.
    Expired,
}

impl QuestionState {
    /// The stored name (and the suffix of its `bounty-state-*` prompt).
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionState::Open => "open",
            QuestionState::Accepted => "accepted",
            QuestionState::Expired => "expired",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<QuestionState> {
        [QuestionState::Open, QuestionState::Accepted, QuestionState::Expired].into_iter().find(|q| q.as_str() == s)
    }
}

/// A stored question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Its row id.
    pub id: i64,
    /// The community.
    pub community: String,
    /// Its short id.
    pub number: QuestionNo,
    /// Who asked.
    pub asker: MemberId,
    /// Their name.
    pub asker_name: String,
    /// Their language, if they chose one.
    pub asker_locale: Option<Locale>,
    /// The account it was asked from (where the asker's messages go).
    pub asker_platform: Platform,
    /// That account's user id.
    pub asker_user_id: String,
    /// The chat it was asked in.
    pub chat_platform: Platform,
    /// That chat's id.
    pub chat_id: String,
    /// The asking message.
    pub message_id: String,
    /// The question.
    pub text: String,
    /// Points in escrow for it (0: asked without a bounty).
    pub bounty: i64,
    /// Urgent (加急).
    pub urgent: bool,
    /// Its state.
    pub state: QuestionState,
    /// Answers so far.
    pub answers: i64,
    /// When it was asked.
    pub created_at: DateTime<Utc>,
    /// End of its period.
    pub expires_at: DateTime<Utc>,
    /// End of the grace after it: the expiry settles it then.
    pub settle_at: DateTime<Utc>,
    /// The accepted answer's number.
    pub accepted: Option<i64>,
    /// Points paid to an answer when it closed.
    pub paid: i64,
    /// Points given back to the asker when it expired.
    pub returned: i64,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A stored answer, with its votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its row id.
    pub id: i64,
    /// Its id (`Q17-A2`).
    pub reference: AnswerRef,
    /// Who answered.
    pub answerer: MemberId,
    /// Their name.
    pub answerer_name: String,
    /// Their language, if they chose one.
    pub answerer_locale: Option<Locale>,
    /// The answer.
    pub text: String,
    /// When it was given.
    pub created_at: DateTime<Utc>,
    /// Votes it has.
    pub votes: i64,
}

/// A question to store.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    /// The community.
    pub community: String,
    /// Who asks.
    pub asker: MemberId,
    /// From which account.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
    /// The chat's id (on `platform`).
    pub chat_id: String,
    /// The asking message.
    pub message_id: String,
    /// The question.
    pub text: String,
    /// Points to escrow (0: none).
    pub bounty: i64,
    /// Urgent.
    pub urgent: bool,
    /// Now.
    pub at: DateTime<Utc>,
    /// End of the period.
    pub expires_at: DateTime<Utc>,
    /// End of the grace.
    pub settle_at: DateTime<Utc>,
    /// `platform:chat:message_id`.
    pub idem_key: String,
    /// Open bounties a member may hold.
    pub max_open: i64,
}

/// What asking did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// Stored, points escrowed.
    Stored(Box<Question>),
    /// This message asked before, as this question.
    Duplicate(QuestionNo),
    /// The member holds `open` open bounties already.
    TooMany {
        /// Their open bounties.
        open: i64,
    },
    /// The bounty is more than the balance.
    Insufficient {
        /// The balance.
        balance: i64,
    },
}

/// An answer to store.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    /// Who answers.
    pub answerer: MemberId,
    /// The chat's platform.
    pub platform: Platform,
    /// The chat's id.
    pub chat_id: String,
    /// The answering message.
    pub message_id: String,
    /// The answer.
    pub text: String,
    /// Now.
    pub at: DateTime<Utc>,
    /// `platform:chat:message_id`.
    pub idem_key: String,
    /// Least time between two messages telling the asker of new answers.
    pub notice_every: Duration,
    /// Whether the asker is told at all (not when they answer themselves).
    pub notify: bool,
}

/// What answering did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    /// Stored as this answer.
    Stored(AnswerRef),
    /// This message answered before, as this answer.
    Duplicate(AnswerRef),
    /// The question is no longer open.
    Closed(QuestionState),
}

/// What a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voted {
    /// Counted; the answer's votes now.
    Counted(i64),
    /// Removed; the answer's votes now.
    Removed(i64),
    /// The member voted on it before (or had no vote to remove).
    Unchanged,
    /// It is the member's own answer.
    Own,
    /// No such answer.
    Missing,
    /// Its question is closed.
    Closed,
}

/// What accepting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Accepted; the points moved (when there were any).
    Done {
        /// The question as it is now.
        question: Box<Question>,
        /// The accepted answer.
        answer: Box<Answer>,
    },
    /// The question was closed meanwhile (another accept, or its expiry).
    Closed(QuestionState),
    /// Its grace ended: it is the expiry's now.
    Late,
}

/// What an expiry settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Settled now: half to `winner` (if any), the rest back to the asker.
    Done {
        /// The question as it is now.
        question: Box<Question>,
        /// The answer that got half.
        winner: Option<Box<Answer>>,
    },
    /// It was closed before (accepted, or settled by an earlier run).
    Nothing,
}

/// A member's direct-message choices and where they go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// The member.
    pub member: MemberId,
    /// Their language, if they chose one.
    pub locale: Option<Locale>,
    /// Where their messages go.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
}

/// Which questions a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Open questions.
    Open,
    /// A member's questions, open first.
    Mine(MemberId),
}

/// What the digest says of a period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Open urgent questions.
    pub urgent: Vec<Question>,
    /// Questions closed in the period.
    pub closed: Vec<Question>,
    /// Answerers with most accepted answers in the period: (name, accepted, points).
    pub top: Vec<(String, i64, i64)>,
}

/// A community whose escrow account differs from its open bounties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowDrift {
    /// The community.
    pub community: String,
    /// The escrow account's balance.
    pub escrow: i64,
    /// The sum of its open bounties.
    pub open: i64,
}

/// The bounty feature's storage.
#[async_trait]
pub trait BountyStore: Send + Sync {
    /// In one transaction: checks the member's open bounties, takes a
    /// number, escrows the bounty (when `escrow` is given) and stores the
    /// question with the jobs `jobs` makes for its number.
    async fn bounty_ask(
        &self,
        q: &NewQuestion,
        escrow: Option<&Transfer>,
        jobs: &(dyn Fn(QuestionNo) -> Vec<NewJob> + Send + Sync),
    ) -> Result<Asked, StoreError>;

    /// A question by number.
    async fn bounty_question(&self, community: &str, number: QuestionNo) -> Result<Option<Question>, StoreError>;

    /// The question asked by a message (a reply to it answers the question).
    async fn bounty_question_at(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
    ) -> Result<Option<Question>, StoreError>;

    /// The answer given by a message (a reply or a reaction to it targets
    /// the answer).
    async fn bounty_answer_at(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
    ) -> Result<Option<AnswerRef>, StoreError>;

    /// A question's answers, in order, with their votes.
    async fn bounty_answers(&self, question: i64) -> Result<Vec<Answer>, StoreError>;

    /// Stores an answer to an open question (before its grace ends) and,
    /// unless the asker heard of answers less than `notice_every` ago,
    /// schedules the message telling them (`notice` makes its job from the
    /// time it is due).
    async fn bounty_answer(
        &self,
        question: &Question,
        a: &NewAnswer,
        notice: &(dyn Fn(DateTime<Utc>) -> NewJob + Send + Sync),
    ) -> Result<Answered, StoreError>;

    /// Adds (`up`) or removes a member's vote on an answer of an open question.
    async fn bounty_vote(
        &self,
        community: &str,
        answer: AnswerRef,
        voter: MemberId,
        up: bool,
        now: DateTime<Utc>,
    ) -> Result<Voted, StoreError>;

    /// Accepts an answer of an open question whose grace has not ended,
    /// paying it with `pay` (built from the answer) in the same transaction.
    async fn bounty_accept(
        &self,
        community: &str,
        answer: AnswerRef,
        by: MemberId,
        now: DateTime<Utc>,
        pay: &(dyn for<'x> Fn(&'x Question, &'x Answer) -> Option<Transfer> + Send + Sync),
    ) -> Result<Accepted, StoreError>;

    /// Settles an open question at its expiry: the transfers `plan` makes
    /// from the question and its best answer (with ≥ 2 votes, given after
    /// the bounty started, not the asker's) move in the same transaction.
    async fn bounty_expire(
        &self,
        community: &str,
        number: QuestionNo,
        now: DateTime<Utc>,
        plan: &(dyn for<'x> Fn(&'x Question, Option<&'x Answer>) -> Vec<Transfer> + Send + Sync),
    ) -> Result<Settled, StoreError>;

    /// A page of questions: urgent first, then by bounty, then oldest first;
    /// with the total.
    async fn bounty_list(
        &self,
        community: &str,
        listing: Listing,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Question>, i64), StoreError>;

    /// Sets a member's choices (`None` keeps one) and where they go.
    async fn bounty_set_prefs(
        &self,
        community: &str,
        member: MemberId,
        platform: Platform,
        user_id: &str,
        urgent: Option<bool>,
        answers: Option<bool>,
    ) -> Result<(), StoreError>;

    /// Whether a member wants to hear of answers to their questions.
    async fn bounty_wants_answers(&self, community: &str, member: MemberId) -> Result<bool, StoreError>;

    /// Members who asked to hear of urgent bounties.
    async fn bounty_urgent_subscribers(&self, community: &str) -> Result<Vec<Subscriber>, StoreError>;

    /// Chats with an open question, as `(community, platform, chat id)`.
    async fn bounty_open_chats(&self) -> Result<Vec<(String, Platform, String)>, StoreError>;

    /// The digest's numbers since `since`.
    async fn bounty_summary(&self, community: &str, since: DateTime<Utc>, top: i64) -> Result<Summary, StoreError>;

    /// Communities whose escrow account is not the sum of their open bounties.
    async fn bounty_escrow_drift(&self) -> Result<Vec<EscrowDrift>, StoreError>;
}

impl Store {
    /// The bounty feature's storage.
    pub fn bounty(&self) -> &dyn BountyStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}
