//! Storage of the FAQ feature: entries with their aliases and negative
//! examples, the redirects the bot made (cooldowns, feedback), the
//! questions nothing answered (FAQ gaps) and accepted bounty answers
//! proposed for the FAQ. Tables `faq_*`; implemented for both backends by
//! `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::features::bounty::ids::QuestionNo;
use crate::i18n::Locale;
use crate::message::Platform;
use crate::store::jobs::NewOutboxMessage;
use crate::store::{Backend, MemberId, Store, StoreError};

/// One FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaqEntry {
    /// Short stable id (`vacuum-full`).
    pub id: String,
    /// The question.
    pub question: String,
    /// The answer (short; may hold light markup).
    pub answer: String,
    /// A link to read more.
    pub link: Option<String>,
    /// Tags, for listing.
    pub tags: Vec<String>,
    /// Its language.
    pub lang: Locale,
    /// Other wordings of the question.
    pub aliases: Vec<String>,
    /// Wordings members said it did not answer.
    pub negatives: Vec<String>,
    /// Times it was shown as a redirect or looked up.
    pub hits: i64,
    /// Times a member said it helped.
    pub helpful: i64,
    /// Times a member said it did not help.
    pub unhelpful: i64,
}

impl FaqEntry {
    /// Whether the content (not the counters) differs from `other`.
    pub fn same_content(&self, other: &FaqEntry) -> bool {
        self.question == other.question
            && self.answer == other.answer
            && self.link == other.link
            && self.tags == other.tags
            && self.lang == other.lang
            && other.aliases.iter().all(|a| self.aliases.contains(a))
    }
}

/// What an import did, by entry id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// New entries.
    pub added: Vec<String>,
    /// Entries whose content changed.
    pub changed: Vec<String>,
    /// Entries already as in the file.
    pub unchanged: Vec<String>,
}

/// A counter of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaqCounter {
    /// Shown or looked up.
    Hit,
    /// Said to help.
    Helpful,
    /// Said not to help.
    Unhelpful,
}

/// What a community's matcher is built from, summed up: it changes when an
/// entry, alias or negative example is added, changed or removed (by any
/// instance), and not when an entry is only shown or rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct FaqFingerprint {
    /// Entries.
    pub entries: i64,
    /// The last time an entry was written, ms.
    pub entries_at: i64,
    /// Aliases.
    pub aliases: i64,
    /// The last alias added, ms.
    pub aliases_at: i64,
    /// Negative examples.
    pub negatives: i64,
    /// The last negative example added, ms.
    pub negatives_at: i64,
    /// The community's own vocabulary lines.
    pub synonyms: i64,
    /// The last vocabulary line added, ms.
    pub synonyms_at: i64,
    /// The questions counted for term weights, in steps of
    /// [`CHAT_REWEIGH_QUESTIONS`]: the weights are read again each step.
    pub chat_epoch: i64,
}

/// Term weights learned from the chat are read again (the matcher rebuilt)
/// once this many more questions have been counted.
pub const CHAT_REWEIGH_QUESTIONS: i64 = 500;

/// Words counted in a community's questions since the last group commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermCounts {
    /// Questions counted.
    pub questions: i64,
    /// Per word: questions that used it.
    pub df: Vec<(String, i64)>,
}

/// An entry's vector from an embedding model, with the hash of the text it
/// was made from ([`super::semantic::text_hash`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryVector {
    /// The entry.
    pub entry_id: String,
    /// The hash of the text embedded.
    pub text_hash: String,
    /// The vector.
    pub vector: Vec<f32>,
}

/// A redirect the bot made (automatic) or a moderator made (by reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The chat, as `platform:id`.
    pub chat: String,
    /// The entry pointed to.
    pub entry_id: String,
    /// The member whose message was redirected.
    pub asker: Option<MemberId>,
    /// What they asked.
    pub query: String,
    /// Made by the matcher (true) or by a moderator (false).
    pub automatic: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// A question that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The chat, as `platform:id`.
    pub chat: String,
    /// What was asked.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Where a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalState {
    /// Waiting for a moderator.
    Pending,
    /// Approved: an entry was made from it.
    Approved,
    /// Rejected.
    Rejected,
}

impl ProposalState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Approved => "approved",
            ProposalState::Rejected => "rejected",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<ProposalState> {
        [ProposalState::Pending, ProposalState::Approved, ProposalState::Rejected].into_iter().find(|p| p.as_str() == s)
    }
}

/// A proposal's id: a bounty question's number (`Q17`: a question is
/// proposed once), or the number of a machine draft made from a `/faq gaps`
/// cluster (`D3`, stored as -3, so one queue serves both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProposalNo(pub i64);

impl ProposalNo {
    /// The proposal of a bounty question.
    pub fn question(q: QuestionNo) -> ProposalNo {
        ProposalNo(q.0)
    }

    /// `Q17` (`q17`, `17`) or `D3` (`d3`).
    pub fn parse(s: &str) -> Option<ProposalNo> {
        let s = s.trim();
        match s.strip_prefix(['D', 'd']) {
            Some(digits) => {
                let ok = !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
                digits.parse::<i64>().ok().filter(|n| ok && *n > 0).map(|n| ProposalNo(-n))
            }
            None => QuestionNo::parse(s).map(ProposalNo::question),
        }
    }

    /// Whether it is a draft from a gap (no question behind it).
    pub fn is_gap_draft(self) -> bool {
        self.0 < 0
    }
}

impl std::fmt::Display for ProposalNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 < 0 { write!(f, "D{}", -self.0) } else { write!(f, "Q{}", self.0) }
    }
}

/// A bounty question with its accepted answer, proposed for the FAQ, or an
/// entry a language model drafted (from such an answer or from a gap) for
/// moderators to approve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The community of the question.
    pub community: String,
    /// Its id.
    pub number: ProposalNo,
    /// Where it comes from: the accepted answer's id (`Q17-A2`), or the
    /// gap it was drafted from (`G2`).
    pub answer_ref: String,
    /// Who gave it.
    pub answerer_name: String,
    /// The question, as asked.
    pub question: String,
    /// The accepted answer.
    pub answer: String,
    /// Who proposed it.
    pub proposer: MemberId,
    /// Their name.
    pub proposer_name: String,
    /// Their language, if they chose one.
    pub proposer_locale: Option<Locale>,
    /// The account they proposed from (where the decision goes).
    pub proposer_platform: Platform,
    /// That account's user id.
    pub proposer_user_id: String,
    /// Where it is.
    pub state: ProposalState,
    /// The entry made from it, once approved.
    pub entry_id: Option<String>,
    /// Why it was rejected, if a moderator said.
    pub reason: Option<String>,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
    /// The model that drafted it (`None`: people wrote it).
    pub drafted_by: Option<String>,
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// The community of the question.
    pub community: String,
    /// Its id (a gap draft's is given when it is stored).
    pub number: ProposalNo,
    /// The accepted answer's id, or the gap's.
    pub answer_ref: String,
    /// Who gave it.
    pub answerer_name: String,
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// Who proposes it.
    pub proposer: MemberId,
    /// From which account.
    pub platform: Platform,
    /// That account's user id.
    pub user_id: String,
    /// Now.
    pub at: DateTime<Utc>,
    /// The model that drafted it (`None`: people wrote it).
    pub drafted_by: Option<String>,
}

/// What proposing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposed {
    /// Stored, waiting for a moderator.
    Stored(Box<Proposal>),
    /// The question was proposed before (perhaps at the same moment).
    Exists(Box<Proposal>),
}

/// A moderator's decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve it, making this entry.
    Approve(FaqEntry),
    /// Reject it, with the reason given (if any).
    Reject(Option<String>),
}

/// What deciding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Decided now (the entry made, the proposer's message queued).
    Done(Box<Proposal>),
    /// It was decided before (by another moderator, perhaps at the same
    /// moment); nothing changed.
    Already(Box<Proposal>),
    /// The entry id is taken by another entry; nothing changed.
    IdTaken,
    /// No such proposal in the community.
    Missing,
}

/// FAQ entries, redirects and misses, per community.
#[async_trait]
pub trait FaqStore: Send + Sync {
    /// Every entry of the community with aliases and negatives, by id.
    async fn faq_entries(&self, community: &str) -> Result<Vec<FaqEntry>, StoreError>;

    /// The summary of what the community's matcher is built from.
    async fn faq_fingerprint(&self, community: &str) -> Result<FaqFingerprint, StoreError>;

    /// One entry with aliases and negatives.
    async fn faq_entry(&self, community: &str, id: &str) -> Result<Option<FaqEntry>, StoreError>;

    /// Adds a new entry (with its aliases); `false` if the id is taken.
    async fn faq_insert(&self, community: &str, entry: &FaqEntry, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Changes an entry's question and answer; `false` if there is none.
    async fn faq_update(
        &self,
        community: &str,
        id: &str,
        question: &str,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Removes an entry with its aliases and negatives; `false` if none.
    async fn faq_remove(&self, community: &str, id: &str) -> Result<bool, StoreError>;

    /// Adds or updates entries by id in one transaction (all or nothing);
    /// counters and learned aliases of existing entries are kept.
    async fn faq_import(
        &self,
        community: &str,
        entries: &[FaqEntry],
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, StoreError>;

    /// Adds a wording to an entry; `false` if the entry does not exist or
    /// already has it. `source` is `moderator`, `redirect` or `import`.
    async fn faq_add_alias(
        &self,
        community: &str,
        id: &str,
        alias: &str,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Records a wording the entry did not answer.
    async fn faq_add_negative(
        &self,
        community: &str,
        id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Adds one to a counter of an entry.
    async fn faq_count(&self, community: &str, id: &str, counter: FaqCounter) -> Result<(), StoreError>;

    /// Records a redirect.
    async fn faq_record_redirect(&self, community: &str, redirect: &Redirect) -> Result<i64, StoreError>;

    /// A redirect by its id, in `community`.
    async fn faq_redirect(&self, community: &str, id: i64) -> Result<Option<Redirect>, StoreError>;

    /// A member's reaction to redirect `id` (to entry `entry_id`): `on`
    /// records their `kind` of feedback and counts it on the entry, off
    /// takes it back, in one transaction. `false` when nothing changed (the
    /// member had already said so, or had not).
    #[expect(clippy::too_many_arguments, reason = "one transaction's inputs")]
    async fn faq_feedback(
        &self,
        community: &str,
        id: i64,
        entry_id: &str,
        member: MemberId,
        kind: FaqCounter,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Redirects in a chat since `since`, newest first.
    async fn faq_redirects_since(
        &self,
        community: &str,
        chat: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<Redirect>, StoreError>;

    /// Records a question nothing answered.
    async fn faq_record_miss(&self, community: &str, miss: &Miss) -> Result<(), StoreError>;

    /// Entries added since `since`, oldest first, at most `limit`:
    /// (id, question).
    async fn faq_new_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// The entries most redirected to since `since` (in any chat of the
    /// community), most first, ties by id, at most `limit`: (id, question,
    /// redirects).
    async fn faq_top_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// Records many unanswered questions, (community, miss), in one
    /// transaction (the group commit of misses).
    async fn faq_record_misses(&self, misses: &[(String, Miss)]) -> Result<(), StoreError>;

    /// Adds words counted in questions, (community, counts), to the stored
    /// document frequencies in one transaction (with the group commit).
    async fn faq_add_term_counts(&self, counts: &[(String, TermCounts)]) -> Result<(), StoreError>;

    /// The questions counted, and the words used by at least `min_share`
    /// of them with their counts.
    async fn faq_term_counts(&self, community: &str, min_share: f64) -> Result<TermCounts, StoreError>;

    /// The community's own vocabulary lines, oldest first.
    async fn faq_synonyms(&self, community: &str) -> Result<Vec<String>, StoreError>;

    /// Adds a vocabulary line; `false` if the community has it already.
    async fn faq_add_synonym(&self, community: &str, line: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Removes vocabulary lines; how many there were.
    async fn faq_remove_synonyms(&self, community: &str, lines: &[String]) -> Result<u64, StoreError>;

    /// The entries' vectors made by `model` (only those of the entries
    /// `only` names, when given).
    async fn faq_embeddings(
        &self,
        community: &str,
        model: &str,
        only: Option<&[&str]>,
    ) -> Result<Vec<EntryVector>, StoreError>;

    /// Stores entries' vectors made by `model` (replacing theirs), in one
    /// transaction.
    async fn faq_put_embeddings(
        &self,
        community: &str,
        model: &str,
        vectors: &[EntryVector],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Unanswered questions since `since`, newest first, at most `limit`.
    async fn faq_misses_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Miss>, StoreError>;

    /// Puts a question with its accepted answer in the moderators' queue,
    /// unless it was proposed before (whatever became of it).
    async fn faq_propose(&self, proposal: &NewProposal) -> Result<Proposed, StoreError>;

    /// The proposal of a question.
    async fn faq_proposal(&self, community: &str, number: ProposalNo) -> Result<Option<Proposal>, StoreError>;

    /// Stores a machine draft from a gap with the community's next draft
    /// number (`D1`, `D2`…), pending.
    async fn faq_propose_gap_draft(&self, proposal: &NewProposal) -> Result<Proposal, StoreError>;

    /// The queue: pending proposals, oldest first, at most `limit`; with
    /// how many are pending in all.
    async fn faq_pending_proposals(&self, community: &str, limit: i64) -> Result<(Vec<Proposal>, i64), StoreError>;

    /// Decides a pending proposal in one transaction: its state, the entry
    /// an approval makes (as `faq_insert` makes entries) and `messages` for
    /// the outbox (the proposer's news). Of two moderators deciding at once,
    /// one decides; the other gets [`Decided::Already`].
    async fn faq_decide(
        &self,
        community: &str,
        number: ProposalNo,
        decision: &Decision,
        by: MemberId,
        messages: &[NewOutboxMessage],
        now: DateTime<Utc>,
    ) -> Result<Decided, StoreError>;
}

impl Store {
    /// The FAQ.
    pub fn faq(&self) -> &dyn FaqStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}
