//! Activity points, the hot path of a busy group: every ordinary group
//! message may earn a random amount (at most once per cooldown per member),
//! and thanking someone in a reply gives them a small bonus. Awards are
//! queued in memory and written in one transaction per flush window (group
//! commit), so chat never waits for the disk; a crash loses at most the last
//! window of activity points. Command points never take this path.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::{ACTIVITY, PointsConfig, THANKS, level_up};
use crate::community::Community;
use crate::engine::Engine;
use crate::handler::Ctx;
use crate::ledger::{MovementKind, Owner, Transfer, TransferOutcome};
use crate::message::{ChatKind, Incoming, Outgoing};
use crate::store::MemberId;

/// Words that thank someone, in the languages we speak.
const THANKS_WORDS: [&str; 9] = ["谢谢", "感谢", "多谢", "thanks", "thank you", "thx", "ty", "3q", "谢啦"];

/// Ask for the group commit early when this many awards are waiting.
const BATCH: usize = 256;
/// Keep at most this many awards waiting while the database is unreachable.
const MAX_PENDING: usize = 100_000;

/// An award waiting for the next flush, with where to announce a level-up.
#[derive(Debug)]
struct Pending {
    transfer: Transfer,
    msg: Incoming,
    name: String,
    community: Arc<Community>,
}

/// When each member (by community) last thanked someone for a bonus.
type ThanksLog = HashMap<(String, MemberId), VecDeque<DateTime<Utc>>>;

/// Per-engine activity state.
#[derive(Debug, Default)]
pub struct Activity {
    last_award: Mutex<HashMap<(String, MemberId), DateTime<Utc>>>,
    thanks_given: Mutex<ThanksLog>,
    pending: Mutex<Vec<Pending>>,
    flushing: tokio::sync::Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `text` thanks someone: a Chinese thanks anywhere, or an English
/// one as whole words ("thanks", not "thanksgiving").
pub fn is_thanks(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    THANKS_WORDS.iter().any(|t| {
        if t.is_ascii() {
            let wanted: Vec<&str> = t.split(' ').collect();
            words.windows(wanted.len()).any(|w| w == wanted.as_slice())
        } else {
            lower.contains(t)
        }
    })
}

impl Activity {
    /// Looks at one ordinary message: queues an activity award and a thanks
    /// bonus when they are due. Returns level-up announcements when a flush
    /// had to happen now.
    pub async fn observe(&self, ctx: &Ctx<'_>, config: &PointsConfig) -> Vec<Outgoing> {
        let msg = ctx.msg;
        if msg.chat.kind != ChatKind::Group || config.no_points_chats.contains(&msg.chat.key()) {
            return Vec::new();
        }
        let community = &ctx.community.id;
        let me = ctx.member.id;
        let mut queued = Vec::new();
        if msg.text.trim().chars().count() >= config.min_chars {
            let cooldown = Duration::try_seconds(config.activity_cooldown_secs).unwrap_or(Duration::MAX);
            let due = {
                let mut last = lock(&self.last_award);
                let key = (community.clone(), me);
                match last.get(&key) {
                    Some(at) if ctx.now - *at < cooldown => false,
                    _ => {
                        last.insert(key, ctx.now);
                        true
                    }
                }
            };
            if due {
                let (lo, hi) =
                    (config.activity_min.min(config.activity_max), config.activity_max.max(config.activity_min));
                let amount = rand::rng().random_range(lo..=hi);
                if amount > 0 {
                    queued.push(Pending {
                        transfer: award(ctx, ACTIVITY, me, amount),
                        msg: msg.clone(),
                        name: msg.sender.name.clone(),
                        community: ctx.community.clone(),
                    });
                }
            }
        }
        if let Some(p) = self.thanks(ctx, config).await {
            queued.push(p);
        }
        if queued.is_empty() {
            return Vec::new();
        }
        let full = {
            let mut pending = lock(&self.pending);
            pending.extend(queued);
            pending.len() >= BATCH
        };
        if full {
            // The group commit runs early; this message does not wait for it.
            ctx.engine.commit_soon();
        }
        Vec::new()
    }

    /// A thanks bonus for the author of the message replied to, if this
    /// message thanks them, they are someone else, and the giver is under
    /// the hourly cap.
    async fn thanks(&self, ctx: &Ctx<'_>, config: &PointsConfig) -> Option<Pending> {
        let author = ctx.msg.reply_to.as_ref()?.author.as_ref()?;
        if author.is_bot || author.id == ctx.msg.sender.id || config.thanks_bonus <= 0 || !is_thanks(&ctx.msg.text) {
            return None;
        }
        let thanked = match ctx
            .store()
            .members()
            .member_for_account(&ctx.community.id, ctx.msg.chat.platform, &author.id, &author.name, ctx.now)
            .await
        {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "thanks: could not resolve the thanked member");
                return None;
            }
        };
        if thanked.id == ctx.member.id {
            return None;
        }
        {
            let mut given = lock(&self.thanks_given);
            let list = given.entry((ctx.community.id.clone(), ctx.member.id)).or_default();
            while list.front().is_some_and(|t| ctx.now - *t >= Duration::hours(1)) {
                list.pop_front();
            }
            if list.len() as i64 >= config.thanks_per_hour {
                return None;
            }
            list.push_back(ctx.now);
        }
        Some(Pending {
            transfer: award(ctx, THANKS, thanked.id, config.thanks_bonus),
            msg: ctx.msg.clone(),
            name: author.name.clone(),
            community: ctx.community.clone(),
        })
    }

    /// Writes every waiting award in one transaction and returns the
    /// level-up announcements they caused. On a database error the awards
    /// stay queued for the next flush.
    pub async fn flush(&self, engine: &Engine) -> Vec<Outgoing> {
        let _one_at_a_time = self.flushing.lock().await;
        let batch: Vec<Pending> = std::mem::take(&mut *lock(&self.pending));
        if batch.is_empty() {
            return Vec::new();
        }
        let transfers: Vec<Transfer> = batch.iter().map(|p| p.transfer.clone()).collect();
        let outcomes = match engine.store().ledger().transfer_batch(&transfers).await {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(error = %e, awards = batch.len(), "activity points not written yet; will retry");
                let mut pending = lock(&self.pending);
                let room = MAX_PENDING.saturating_sub(pending.len());
                if room < batch.len() {
                    tracing::error!(dropped = batch.len() - room, "activity queue full; dropping the oldest awards");
                }
                let keep = batch.into_iter().rev().take(room).collect::<Vec<_>>().into_iter().rev();
                pending.splice(0..0, keep);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (p, outcome) in batch.iter().zip(outcomes) {
            let TransferOutcome::Applied(balance) = outcome else { continue };
            let community = &p.community;
            let Owner::Member(member) = p.transfer.to else { continue };
            match level_up(
                engine,
                community,
                community.locale,
                member,
                &p.name,
                balance.contribution.saturating_sub(p.transfer.amount),
                balance.contribution,
            )
            .await
            {
                Ok(Some(text)) => out.push(Outgoing::post(p.msg.chat.clone(), text)),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "level-up check failed"),
            }
        }
        self.forget_old(engine.now());
        out
    }

    /// Drops cooldown and thanks records too old to matter.
    fn forget_old(&self, now: DateTime<Utc>) {
        lock(&self.last_award).retain(|_, at| now - *at < Duration::hours(1));
        lock(&self.thanks_given).retain(|_, list| list.back().is_some_and(|t| now - *t < Duration::hours(1)));
    }
}

/// A reward from the mint, keyed by the message that earned it.
fn award(ctx: &Ctx<'_>, kind: MovementKind, to: MemberId, amount: i64) -> Transfer {
    let m = ctx.msg;
    Transfer {
        community: ctx.community.id.clone(),
        key: format!("{}:{}:{}:{}", kind.as_str(), m.chat.platform, m.chat.id, m.message_id),
        kind,
        reason: String::new(),
        actor: Some(ctx.member.id),
        from: Owner::Mint,
        to: Owner::Member(to),
        amount,
        at: ctx.now,
    }
}

#[cfg(test)]
mod tests {
    use super::is_thanks;

    #[test]
    fn thanks_in_both_languages() {
        for t in [
            "谢谢！",
            "感谢大佬",
            "多谢多谢",
            "thanks",
            "Thanks a lot",
            "thank you!",
            "thx",
            "3Q",
            "I just want to say thanks.",
        ] {
            assert!(is_thanks(t), "{t}");
        }
        for t in ["thanksgiving dinner", "this is a thankless job", "ok", "type", "thank goodness"] {
            assert!(!is_thanks(t), "{t}");
        }
    }
}
