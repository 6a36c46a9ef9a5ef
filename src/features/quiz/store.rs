//! The quiz feature's storage: banks and their questions, group rounds,
//! assessments, levels and the daily question. Every change that needs
//! something later (a question's close, an assessment step's timeout)
//! enqueues its job in the same transaction; a job's messages can be stored
//! in the outbox in the transaction of the change they announce
//! ([`Render`]). Implemented for both backends by `sql.rs`.

use async_trait::async_trait;

use super::model::{Bank, Lang, Question, RoundDefaults};
use super::report::Report;
use crate::ledger::{Balance, Transfer};
use crate::message::{Outgoing, Platform};
use crate::store::{Backend, MemberId, Store, StoreError};

/// Turns what a change did into the messages announcing it; they are stored
/// in the outbox in the change's transaction (keyed `KEY#N`), so a job run
/// twice never announces twice and a crash never loses an announcement.
pub type Render<'a, E> = &'a (dyn Fn(&E) -> Vec<Outgoing> + Send + Sync);

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The bank has problems (ids used by other banks, conflicting round
    /// defaults); nothing was written.
    #[error(transparent)]
    Bank(#[from] Report),
    /// Storage failed; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The bank.
    pub bank: String,
    /// Questions in it now.
    pub questions: usize,
    /// Questions of an earlier import that the file no longer has (kept,
    /// never asked again).
    pub retired: usize,
    /// The file was imported before with the same content: nothing changed.
    pub unchanged: bool,
}

/// A bank as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBank {
    /// The bank (questions included, retired ones left out).
    pub bank: Bank,
    /// The file it came from.
    pub source: String,
    /// When it was imported, ms.
    pub imported_at_ms: i64,
}

/// Every question the store holds, for the engine's cache.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// The import counter it was read at.
    pub version: i64,
    /// Questions with whether they are retired.
    pub questions: Vec<(Question, bool)>,
    /// Round defaults per topic.
    pub round_defaults: Vec<(String, RoundDefaults)>,
    /// Display names: (topic, language, name).
    pub topic_names: Vec<(String, Lang, String)>,
}

/// A round's settings, fixed at its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundSettings {
    /// How long each question stays open, ms.
    pub question_ms: i64,
    /// The round ends when a player reaches this score.
    pub max_score: Option<i64>,
    /// Show the answer when a question closes unanswered.
    pub reveal_answer: bool,
    /// The round stops after this long without an attempt (0: never), ms.
    pub idle_stop_ms: i64,
    /// Points per correct answer.
    pub per_correct: i64,
    /// Players needed for a payout.
    pub min_players: i64,
}

/// A round to start.
#[derive(Debug, Clone)]
pub struct NewRound {
    /// The community.
    pub community: String,
    /// The chat's platform.
    pub platform: Platform,
    /// The chat.
    pub chat_id: String,
    /// Its topic.
    pub topic: String,
    /// The language it is asked in.
    pub lang: Lang,
    /// Who started it.
    pub started_by: MemberId,
    /// `platform:chat:message_id` of `/quiz start`: a redelivery starts nothing.
    pub start_key: String,
    /// Its settings.
    pub settings: RoundSettings,
    /// The questions, in the order they are asked.
    pub plan: Vec<String>,
    /// When, ms.
    pub now_ms: i64,
}

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Its id.
    pub id: i64,
    /// The community.
    pub community: String,
    /// The chat's platform.
    pub platform: Platform,
    /// The chat.
    pub chat_id: String,
    /// Its topic.
    pub topic: String,
    /// The language it is asked in.
    pub lang: Lang,
    /// Who started it.
    pub started_by: MemberId,
    /// Questions planned.
    pub total: i64,
    /// Its settings.
    pub settings: RoundSettings,
    /// `running`, `finished`, `stopped` or `cancelled`.
    pub state: String,
}

/// An asked question of a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// 1-based place in the round.
    pub seq: i64,
    /// The question.
    pub question_id: String,
    /// When it closes unanswered, ms.
    pub closes_at_ms: i64,
}

/// What `/quiz start` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartOutcome {
    /// Started; its first question is open (its close job enqueued).
    Started(Round, Slot),
    /// Another round runs in the chat; nothing was started.
    Running(Round, Option<Slot>),
    /// This very command (the same platform event) started a round before.
    Duplicate,
}

/// Why a round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Every planned question was asked.
    AllAsked,
    /// A player reached the round's maximum score.
    MaxScore,
    /// `/quiz stop`.
    Stopped,
    /// Nobody attempted an answer for the round's idle time.
    Idle,
    /// The bot was down too long (a restart); nothing is paid.
    Restart,
}

impl EndReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::AllAsked => "all_asked",
            EndReason::MaxScore => "max_score",
            EndReason::Stopped => "stopped",
            EndReason::Idle => "idle",
            EndReason::Restart => "restart",
        }
    }

    /// The round's state after it.
    pub fn state(self) -> &'static str {
        match self {
            EndReason::AllAsked | EndReason::MaxScore | EndReason::Idle => "finished",
            EndReason::Stopped => "stopped",
            EndReason::Restart => "cancelled",
        }
    }
}

/// A round's end: the scoreboard and what was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundEnd {
    /// Why.
    pub reason: EndReason,
    /// Who scored: (member, name, score), best first.
    pub board: Vec<(MemberId, String, i64)>,
    /// Members who took part (any attempt).
    pub players: i64,
    /// Points were paid (enough players, a reason that pays).
    pub paid: bool,
}

/// What happened after a question closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advance {
    /// The next question is open.
    Next(Slot),
    /// The round is over.
    Ended(RoundEnd),
}

/// An answer attempt in a round.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The round.
    pub round_id: i64,
    /// The question it answers.
    pub seq: i64,
    /// Who.
    pub member: MemberId,
    /// Whether it is right.
    pub correct: bool,
    /// A multiple-choice pick (0-based option): one per member and question.
    pub pick: Option<i64>,
    /// When, ms.
    pub now_ms: i64,
}

/// What an attempt did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The question is closed (or the round over): nothing recorded.
    Closed,
    /// The member picked an option of this question before (that option).
    AlreadyPicked(i64),
    /// Recorded: not right.
    Wrong,
    /// Right and first: the question closed with this member as winner.
    Won {
        /// The winner's score in this round now.
        score: i64,
        /// What came next.
        next: Advance,
    },
}

/// What a question's close job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseOutcome {
    /// Already closed (answered, stopped) or the round is over: nothing done.
    Nothing,
    /// Closed unanswered.
    TimedOut {
        /// The question that closed.
        closed: Slot,
        /// What came next.
        next: Advance,
    },
    /// Overdue past the grace (the bot was down): the round is cancelled.
    Cancelled {
        /// The question that was open.
        seq: i64,
    },
}

/// An assessment to start.
#[derive(Debug, Clone)]
pub struct NewExam {
    /// The community.
    pub community: String,
    /// Who takes it.
    pub member: MemberId,
    /// Where to write to them.
    pub platform: Platform,
    /// Their account there.
    pub user_id: String,
    /// The topic.
    pub topic: String,
    /// The language.
    pub lang: Lang,
    /// `platform:chat:message_id` of `/exam`.
    pub start_key: String,
    /// Questions in it.
    pub total: i64,
    /// Difficulty of the first question.
    pub start_difficulty: i64,
    /// How long each question waits, ms.
    pub step_ms: i64,
    /// The first question.
    pub first: NewStep,
    /// When, ms.
    pub now_ms: i64,
}

/// A question of an assessment to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    /// 1-based place.
    pub seq: i64,
    /// The question.
    pub question_id: String,
    /// Its difficulty.
    pub difficulty: i64,
}

/// An assessment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exam {
    /// Its id.
    pub id: i64,
    /// The community.
    pub community: String,
    /// Who takes it.
    pub member: MemberId,
    /// Where to write to them.
    pub platform: Platform,
    /// Their account there.
    pub user_id: String,
    /// The topic.
    pub topic: String,
    /// The language.
    pub lang: Lang,
    /// `running`, `finished`, `stopped` or `cancelled`.
    pub state: String,
    /// Questions planned.
    pub total: i64,
    /// Difficulty of the first question.
    pub start_difficulty: i64,
    /// How long each question waits, ms.
    pub step_ms: i64,
    /// Score 0–100, once over.
    pub score: Option<i64>,
    /// Rung index, once over.
    pub level: Option<i64>,
    /// A new best level.
    pub promoted: bool,
    /// When it started, ms.
    pub started_at_ms: i64,
}

/// An asked question of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based place.
    pub seq: i64,
    /// The question.
    pub question_id: String,
    /// Its difficulty.
    pub difficulty: i64,
    /// When it times out, ms.
    pub closes_at_ms: i64,
    /// Right, wrong, or not answered yet.
    pub correct: Option<bool>,
}

/// What `/exam` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExamStartOutcome {
    /// Started; the first question is asked (its timeout enqueued).
    Started(Exam),
    /// The member has one running; nothing was started.
    Running(Exam),
    /// This very command started one before.
    Duplicate,
}

/// An assessment's end, as an answer or a timeout brings it.
#[derive(Debug, Clone)]
pub struct ExamFinish {
    /// `finished` or `stopped`.
    pub state: &'static str,
    /// Score 0–100.
    pub score: i64,
    /// Rung index.
    pub level: i64,
    /// Paid if the level is a new best (`exam_promotion_points` > 0).
    pub promotion_reward: Option<Transfer>,
}

/// One step of an assessment settled: answered, timed out or stopped.
#[derive(Debug, Clone)]
pub struct ExamAdvance {
    /// The assessment.
    pub exam_id: i64,
    /// The open question.
    pub seq: i64,
    /// What the member answered (`None`: timeout or stop).
    pub answer: Option<String>,
    /// Whether it was right.
    pub correct: bool,
    /// The next question, unless the assessment ends.
    pub next: Option<NewStep>,
    /// The end, when it ends.
    pub finish: Option<ExamFinish>,
    /// When, ms.
    pub now_ms: i64,
}

/// What a settled step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExamAdvanced {
    /// The next question is asked.
    Next,
    /// The assessment is over.
    Finished {
        /// The level is a new best for the topic (the first level above
        /// the lowest rung counts).
        promoted: bool,
        /// The best level before, if any.
        previous: Option<i64>,
        /// The member's numbers after a promotion reward.
        balance: Option<Balance>,
    },
}

/// A member's best level in a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelRow {
    /// The topic.
    pub topic: String,
    /// Rung index.
    pub level: i64,
    /// The score that reached it.
    pub score: i64,
}

/// What a daily answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyOutcome {
    /// Right, the first time today; the reward's balance if one was paid.
    Right(Option<Balance>),
    /// Wrong; tries left today.
    Wrong(i64),
    /// No tries left.
    OutOfTries,
    /// Solved before today.
    AlreadySolved,
}

/// A member's answer to a day's question.
#[derive(Debug, Clone)]
pub struct DailyAnswer {
    /// The community.
    pub community: String,
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Who.
    pub member: MemberId,
    /// Whether it is right.
    pub correct: bool,
    /// Tries a member has that day.
    pub max_tries: i64,
    /// Paid with the first right answer.
    pub reward: Option<Transfer>,
    /// When, ms.
    pub now_ms: i64,
}

/// Quizzes.
#[async_trait]
pub trait QuizStore: Send + Sync {
    /// Imports a bank in one transaction (questions it no longer has are
    /// retired); refused whole if it clashes with other banks.
    async fn quiz_import(
        &self,
        bank: &Bank,
        source: &str,
        content_hash: &str,
        now_ms: i64,
    ) -> Result<ImportSummary, ImportError>;

    /// The import counter: it grows with every import.
    async fn quiz_version(&self) -> Result<i64, StoreError>;

    /// Every question, round default and topic name.
    async fn quiz_catalogue(&self) -> Result<Catalogue, StoreError>;

    /// Every bank, for export.
    async fn quiz_banks(&self) -> Result<Vec<StoredBank>, StoreError>;

    /// Starts a round: stores it and its plan, opens question 1 and
    /// enqueues its close, in one transaction.
    async fn round_start(&self, r: &NewRound) -> Result<StartOutcome, StoreError>;

    /// The round running in a chat, with its open question.
    async fn round_running(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
    ) -> Result<Option<(Round, Option<Slot>)>, StoreError>;

    /// A round by id, with its open question.
    async fn round(&self, id: i64) -> Result<Option<(Round, Option<Slot>)>, StoreError>;

    /// Records an attempt; a right first answer closes the question and
    /// opens the next one or ends the round (paying it), in one transaction.
    async fn round_attempt(&self, a: &Attempt) -> Result<AttemptOutcome, StoreError>;

    /// A question's close job: closes it unanswered if still open, then
    /// opens the next or ends the round; past `grace_ms` after its close
    /// time the round is cancelled instead. `render` makes the messages.
    async fn round_close(
        &self,
        round_id: i64,
        seq: i64,
        now_ms: i64,
        grace_ms: i64,
        key: &str,
        render: Render<'_, (Round, CloseOutcome)>,
    ) -> Result<CloseOutcome, StoreError>;

    /// Ends a running round now (`/quiz stop`); `None` if it is not running.
    async fn round_stop(&self, round_id: i64, now_ms: i64) -> Result<Option<RoundEnd>, StoreError>;

    /// Chats with a running round: (community, platform, chat).
    async fn round_chats(&self) -> Result<Vec<(String, Platform, String)>, StoreError>;

    /// Questions asked in a chat's last `rounds` rounds.
    async fn round_recent_questions(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        rounds: i64,
    ) -> Result<Vec<String>, StoreError>;

    /// Starts an assessment with its first question (and its timeout job).
    async fn exam_start(&self, e: &NewExam) -> Result<ExamStartOutcome, StoreError>;

    /// A member's running assessment with its steps.
    async fn exam_running(&self, community: &str, member: MemberId) -> Result<Option<(Exam, Vec<Step>)>, StoreError>;

    /// An assessment by id with its steps.
    async fn exam(&self, id: i64) -> Result<Option<(Exam, Vec<Step>)>, StoreError>;

    /// Settles the open step (if it still is): records it, then asks the
    /// next question or ends the assessment (levels, promotion reward);
    /// `None` if the step was settled already. With `render`, its messages
    /// go to the outbox in the same transaction.
    async fn exam_advance(
        &self,
        a: &ExamAdvance,
        render: Option<(&str, Render<'_, ExamAdvanced>)>,
    ) -> Result<Option<ExamAdvanced>, StoreError>;

    /// Cancels a running assessment (not counted); `false` if it was not
    /// running. With `render`, its messages go to the outbox.
    async fn exam_cancel(
        &self,
        id: i64,
        now_ms: i64,
        render: Option<(&str, Render<'_, Exam>)>,
    ) -> Result<bool, StoreError>;

    /// Members with a running assessment: (community, member).
    async fn exam_members(&self) -> Result<Vec<(String, MemberId)>, StoreError>;

    /// A member's latest assessments, newest first.
    async fn exam_history(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<Exam>, StoreError>;

    /// When the member's last counted (finished or stopped) assessment of a
    /// topic started, ms.
    async fn exam_last_counted(
        &self,
        community: &str,
        member: MemberId,
        topic: &str,
    ) -> Result<Option<i64>, StoreError>;

    /// Questions of the member's last `attempts` assessments of a topic.
    async fn exam_recent_questions(
        &self,
        community: &str,
        member: MemberId,
        topic: &str,
        attempts: i64,
    ) -> Result<Vec<String>, StoreError>;

    /// A member's best level per topic.
    async fn quiz_levels(&self, community: &str, member: MemberId) -> Result<Vec<LevelRow>, StoreError>;

    /// Sets whether a member's promotions are announced.
    async fn quiz_set_announce(&self, community: &str, member: MemberId, on: bool) -> Result<(), StoreError>;

    /// Whether a member's promotions are announced.
    async fn quiz_announce(&self, community: &str, member: MemberId) -> Result<bool, StoreError>;

    /// Promotions since `since_ms`: (name, topic, level), oldest first.
    async fn quiz_promotions_since(
        &self,
        community: &str,
        since_ms: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// The community's daily questions so far: (day, question, cycle), oldest first.
    async fn daily_history(&self, community: &str) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// Records the day's question unless one is recorded; returns the day's
    /// question and cycle (two instances settle on one).
    async fn daily_choose(
        &self,
        community: &str,
        day: &str,
        question: &str,
        cycle: i64,
        now_ms: i64,
    ) -> Result<(String, i64), StoreError>;

    /// A day's question, if chosen.
    async fn daily_of(&self, community: &str, day: &str) -> Result<Option<String>, StoreError>;

    /// Records a daily answer and pays its reward with a first right one.
    async fn daily_answer(&self, a: &DailyAnswer) -> Result<DailyOutcome, StoreError>;

    /// How many solved a day's question.
    async fn daily_solvers(&self, community: &str, day: &str) -> Result<i64, StoreError>;

    /// Names of those who solved a daily question since `since_ms`, in order.
    async fn daily_solvers_since(&self, community: &str, since_ms: i64) -> Result<Vec<String>, StoreError>;

    /// Chats where the daily question is posted (a `quiz_daily` schedule).
    async fn daily_chats(&self, community: &str) -> Result<Vec<(Platform, String)>, StoreError>;
}

impl Store {
    /// Quizzes.
    pub fn quiz(&self) -> &dyn QuizStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}
