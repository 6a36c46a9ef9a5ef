//! Counting chat as it passes: every message of a community adds to its
//! chat's and its sender's count for the day, and a question or a reply to
//! one is noted, all in memory; [`Tally::flush`] writes what was counted in
//! one transaction per [`WINDOW`] (never a write per message: the figures
//! are daily, so their commit takes the writer seldom, and check-ins do
//! not queue behind it). A crash loses at most the last window's counts;
//! a stop writes them.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::NaiveDate;

use super::store::{ChatDay, MemberDay, Question, QuestionRef, Tallied};
use crate::features::Due;
use crate::features::faq::normalize::looks_like_question;
use crate::handler::Ctx;
use crate::message::{ChatKind, Platform};
use crate::store::{MemberId, Store};

/// Questions and replies kept at most while the database is unreachable
/// (counts are bounded by chats and members per day).
const MAX_PENDING: usize = 100_000;

/// Messages longer than this are pastes, not questions (as the FAQ sees it).
const MAX_QUESTION_CHARS: usize = 600;

/// How often the counts are written on the group-commit loop's ticks
/// (commands that read the figures, and a stop, write them at once).
pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(5);

/// Counts not yet written.
#[derive(Debug, Default)]
struct Counts {
    chats: HashMap<(String, NaiveDate, Platform, String), i64>,
    members: HashMap<(String, NaiveDate, MemberId), i64>,
    questions: Vec<Question>,
    replies: Vec<QuestionRef>,
}

/// Per-engine counts waiting for the group commit.
#[derive(Debug, Default)]
pub struct Tally {
    counts: Mutex<Counts>,
    flushing: tokio::sync::Mutex<()>,
    /// When the counts were last written (`None`: not yet).
    written: Mutex<Option<std::time::Instant>>,
}

impl Tally {
    /// Counts one message (a command or not) of a member in a chat of the
    /// community. Memory only.
    pub fn see(&self, ctx: &Ctx<'_>) {
        let msg = ctx.msg;
        let day = ctx.now.with_timezone(&ctx.community.tz).date_naive();
        let community = &ctx.community.id;
        let group = msg.chat.kind == ChatKind::Group;
        let text = msg.text.trim();
        let asks = group
            && !text.starts_with(['/', '!', '／', '！'])
            && text.chars().nth(MAX_QUESTION_CHARS).is_none()
            && ctx.asks();
        // A reply by someone else to a message that may have asked
        // something (Telegram says what the message was; Discord does not,
        // so every reply there is checked against the questions stored).
        let answers = msg.reply_to.as_ref().filter(|r| {
            group
                && r.author.as_ref().is_some_and(|a| !a.is_bot && a.id != msg.sender.id)
                && r.text.as_deref().is_none_or(looks_like_question)
        });
        let place = |message_id: &str| QuestionRef {
            community: community.clone(),
            platform: msg.chat.platform,
            chat: msg.chat.id.clone(),
            message_id: message_id.to_owned(),
            at: ctx.now,
        };
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.chats.entry((community.clone(), day, msg.chat.platform, msg.chat.id.clone())).or_default() += 1;
        *counts.members.entry((community.clone(), day, ctx.member.id)).or_default() += 1;
        if counts.questions.len() + counts.replies.len() >= MAX_PENDING {
            return;
        }
        if asks {
            let at = place(&msg.message_id);
            counts.questions.push(Question { at, asker: ctx.member.id });
        }
        if let Some(reply) = answers {
            let at = place(&reply.message_id);
            counts.replies.push(at);
        }
    }

    /// Writes what was counted in one transaction (on a [`Due::Tick`], only
    /// once per [`WINDOW`]). On a database error the
    /// counts are put back for the next window.
    pub async fn flush(&self, store: &Store, due: Due) {
        let _one_at_a_time = self.flushing.lock().await;
        {
            let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
            if due == Due::Tick && written.is_some_and(|at| at.elapsed() < WINDOW) {
                return;
            }
            *written = Some(std::time::Instant::now());
        }
        let taken = std::mem::take(&mut *self.counts.lock().unwrap_or_else(PoisonError::into_inner));
        let batch = Tallied {
            chats: taken
                .chats
                .iter()
                .map(|((community, day, platform, chat), n)| ChatDay {
                    community: community.clone(),
                    day: *day,
                    platform: *platform,
                    chat: chat.clone(),
                    messages: *n,
                })
                .collect(),
            members: taken
                .members
                .iter()
                .map(|((community, day, member), n)| MemberDay {
                    community: community.clone(),
                    day: *day,
                    member: *member,
                    messages: *n,
                })
                .collect(),
            questions: taken.questions,
            replies: taken.replies,
        };
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.stats().stats_record(&batch).await {
            tracing::error!(error = %e, chats = batch.chats.len(), "chat counts not written yet; will retry");
            let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
            for (key, n) in taken.chats {
                *counts.chats.entry(key).or_default() += n;
            }
            for (key, n) in taken.members {
                *counts.members.entry(key).or_default() += n;
            }
            let room = MAX_PENDING.saturating_sub(counts.questions.len() + counts.replies.len());
            let questions: Vec<Question> = batch.questions.into_iter().take(room).collect();
            let room = room - questions.len();
            counts.questions.splice(0..0, questions);
            counts.replies.splice(0..0, batch.replies.into_iter().take(room));
        }
    }
}
