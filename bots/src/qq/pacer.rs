//! Outgoing pace for QQ. QQ's risk control (风控) punishes an account that
//! sends in bursts, so messages are spread evenly rather than allowed in
//! windows: one message into a chat every `1 / chat_per_second` seconds,
//! and one from the whole account every `60 / account_per_minute` seconds,
//! each wait lengthened by a random jitter so the rhythm is not a
//! machine's. A failure that looks like rate limiting freezes every send
//! for a while.
//!
//! Pure bookkeeping over instants (and jitter) the caller passes in, so it
//! is tested without sleeping.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// Where a message goes: a group or a member's private chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A group, by number.
    Group(i64),
    /// A member's private chat, by QQ number.
    Private(i64),
}

/// The pace, from `[qq]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// The least time between two messages into one chat.
    pub chat_gap: Duration,
    /// The least time between two messages of the account.
    pub account_gap: Duration,
    /// The most random delay added to a gap.
    pub jitter: Duration,
}

impl Pace {
    /// From the `[qq]` settings (zero rates count as one).
    pub fn new(chat_per_second: u32, account_per_minute: u32, jitter_ms: u64) -> Pace {
        Pace {
            chat_gap: Duration::from_secs(1) / chat_per_second.max(1),
            account_gap: Duration::from_secs(60) / account_per_minute.max(1),
            jitter: Duration::from_millis(jitter_ms),
        }
    }
}

/// When each chat may next be sent to.
#[derive(Debug)]
pub struct Pacer {
    pace: Pace,
    account_next: Option<Instant>,
    chats: HashMap<Target, Instant>,
    frozen_until: Option<Instant>,
}

impl Pacer {
    /// A pacer with no history.
    pub fn new(pace: Pace) -> Pacer {
        Pacer { pace, account_next: None, chats: HashMap::new(), frozen_until: None }
    }

    /// The pace it keeps.
    pub fn pace(&self) -> Pace {
        self.pace
    }

    /// The earliest instant at or after `now` a message to `target` may go.
    pub fn ready_at(&self, target: Target, now: Instant) -> Instant {
        [self.account_next, self.chats.get(&target).copied(), self.frozen_until]
            .into_iter()
            .flatten()
            .fold(now, Instant::max)
    }

    /// A message to `target` went out at `at`; `jitter` (at most the pace's)
    /// lengthens the gaps before the next ones.
    pub fn record(&mut self, target: Target, at: Instant, jitter: Duration) {
        let jitter = jitter.min(self.pace.jitter);
        self.account_next = Some(at + self.pace.account_gap + jitter);
        if self.chats.len() >= 1024 {
            self.chats.retain(|_, next| *next > at);
        }
        self.chats.insert(target, at + self.pace.chat_gap + jitter);
    }

    /// Nothing goes out before `until` (QQ said too fast).
    pub fn freeze(&mut self, until: Instant) {
        self.frozen_until = Some(self.frozen_until.map_or(until, |f| f.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: Target = Target::Group(123);
    const H: Target = Target::Group(456);

    /// Sends greedily as soon as allowed; returns the send times (offsets).
    fn schedule(pacer: &mut Pacer, start: Instant, targets: &[Target], jitter: Duration) -> Vec<Duration> {
        let mut now = start;
        targets
            .iter()
            .map(|t| {
                now = pacer.ready_at(*t, now);
                pacer.record(*t, now, jitter);
                now - start
            })
            .collect()
    }

    #[test]
    fn the_default_pace_is_one_a_second_per_group_and_twenty_a_minute_in_all() {
        let pace = Pace::new(1, 20, 300);
        assert_eq!((pace.chat_gap, pace.account_gap), (Duration::from_secs(1), Duration::from_secs(3)));
        let mut pacer = Pacer::new(Pace { jitter: Duration::ZERO, ..pace });
        let times = schedule(&mut pacer, Instant::now(), &[G, H, G, H, G], Duration::ZERO);
        // The account's gap rules: one every 3 s whichever the group.
        assert_eq!(times, [0, 3, 6, 9, 12].map(Duration::from_secs));
        // Any minute holds at most 20.
        let many = schedule(&mut Pacer::new(pace), Instant::now(), &[G; 45], Duration::ZERO);
        for t in &many {
            assert!(many.iter().filter(|u| **u >= *t && **u < *t + Duration::from_secs(60)).count() <= 20);
        }
    }

    #[test]
    fn one_chat_is_held_to_its_own_gap_while_others_go() {
        let mut pacer = Pacer::new(Pace::new(2, 6000, 0));
        let start = Instant::now();
        let times = schedule(&mut pacer, start, &[G, G, H, G], Duration::ZERO);
        let ms = Duration::from_millis;
        assert_eq!(times, [ms(0), ms(500), ms(510), ms(1000)]);
    }

    #[test]
    fn jitter_only_lengthens_gaps_and_is_capped() {
        let mut pacer = Pacer::new(Pace::new(10, 60_000, 50));
        let start = Instant::now();
        pacer.record(G, start, Duration::from_secs(9));
        assert_eq!(pacer.ready_at(G, start), start + Duration::from_millis(150));
        assert_eq!(pacer.ready_at(H, start), start + Duration::from_millis(51));
    }

    #[test]
    fn a_freeze_holds_everything() {
        let mut pacer = Pacer::new(Pace::new(1, 20, 0));
        let now = Instant::now();
        pacer.freeze(now + Duration::from_secs(5));
        pacer.freeze(now + Duration::from_secs(1));
        assert_eq!(pacer.ready_at(G, now), now + Duration::from_secs(5));
        assert_eq!(pacer.ready_at(H, now + Duration::from_secs(6)), now + Duration::from_secs(6));
    }
}
