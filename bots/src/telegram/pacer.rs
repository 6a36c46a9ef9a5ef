//! Outgoing pace for Telegram: at most N messages per second for the bot, M
//! per minute into a group and K per second into any one chat, as sliding
//! windows (exact over any window, unlike a token bucket's double burst), plus
//! a freeze when Telegram answers 429 with `retry_after`.
//!
//! The bot's sends are also spread evenly (one every second/N), not sent in a
//! burst at the start of each window, and every window is kept 50 ms longer
//! than Telegram's: requests reach Telegram with varying delays, and a burst
//! at a window's edge would arrive as one message too many (429). The cost is
//! under 5 % of the allowed rate.
//!
//! Pure bookkeeping over instants the caller passes in, so it is tested
//! without sleeping.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// At most `limit` events in any `period`.
#[derive(Debug, Clone)]
struct Window {
    limit: usize,
    period: Duration,
    times: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, period: Duration) -> Window {
        Window { limit: limit.max(1) as usize, period, times: VecDeque::new() }
    }

    fn forget_before(&mut self, now: Instant) {
        while self.times.front().is_some_and(|t| *t + self.period <= now) {
            self.times.pop_front();
        }
    }

    /// The earliest instant at or after `now` when one more event fits.
    fn next_free(&self, now: Instant) -> Instant {
        let live = self.times.iter().filter(|t| **t + self.period > now).count();
        if live < self.limit {
            return now;
        }
        // The oldest event that must leave the window first.
        let skip = self.times.len() - self.limit;
        self.times.get(skip).map_or(now, |t| *t + self.period).max(now)
    }

    fn record(&mut self, now: Instant) {
        self.forget_before(now);
        self.times.push_back(now);
    }
}

/// Added to every window so that delays on the way cannot squeeze one
/// message too many into Telegram's window.
const MARGIN: Duration = Duration::from_millis(50);

/// The pace limits, from `[telegram]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages per second, whole bot.
    pub global_per_second: u32,
    /// Messages per minute into one group.
    pub group_per_minute: u32,
    /// Messages per second into one chat.
    pub chat_per_second: u32,
}

impl Limits {
    /// Telegram's documented limits.
    pub const TELEGRAM: Limits = Limits { global_per_second: 30, group_per_minute: 20, chat_per_second: 1 };
}

#[derive(Debug, Clone)]
struct ChatWindows {
    second: Window,
    minute: Option<Window>,
}

/// When each chat may next be sent to.
#[derive(Debug)]
pub struct Pacer {
    limits: Limits,
    global: Window,
    /// The bot's sends are at least this far apart.
    spacing: Duration,
    last: Option<Instant>,
    chats: HashMap<i64, ChatWindows>,
    frozen_until: Option<Instant>,
}

/// Telegram's group and supergroup ids are negative; users' are positive.
fn is_group(chat: i64) -> bool {
    chat < 0
}

impl Pacer {
    /// A pacer with no history.
    pub fn new(limits: Limits) -> Pacer {
        Pacer {
            limits,
            global: Window::new(limits.global_per_second, Duration::from_secs(1) + MARGIN),
            spacing: Duration::from_secs(1) / limits.global_per_second.max(1),
            last: None,
            chats: HashMap::new(),
            frozen_until: None,
        }
    }

    /// The earliest instant at or after `now` a message to `chat` may go.
    pub fn ready_at(&self, chat: i64, now: Instant) -> Instant {
        let mut at = self.global.next_free(now);
        if let Some(last) = self.last {
            at = at.max(last + self.spacing);
        }
        if let Some(frozen) = self.frozen_until {
            at = at.max(frozen);
        }
        if let Some(w) = self.chats.get(&chat) {
            at = at.max(w.second.next_free(now));
            if let Some(minute) = &w.minute {
                at = at.max(minute.next_free(now));
            }
        }
        at
    }

    /// A message to `chat` went out at `now`.
    pub fn record(&mut self, chat: i64, now: Instant) {
        self.global.record(now);
        self.last = Some(now);
        let limits = self.limits;
        let w = self.chats.entry(chat).or_insert_with(|| ChatWindows {
            second: Window::new(limits.chat_per_second, Duration::from_secs(1) + MARGIN),
            minute: is_group(chat).then(|| Window::new(limits.group_per_minute, Duration::from_secs(60) + MARGIN)),
        });
        w.second.record(now);
        if let Some(minute) = &mut w.minute {
            minute.record(now);
        }
        // Chats quiet for a minute need no history.
        if self.chats.len() > 1024 {
            self.chats.retain(|_, w| {
                w.second.forget_before(now);
                if let Some(m) = &mut w.minute {
                    m.forget_before(now);
                }
                !w.second.times.is_empty() || w.minute.as_ref().is_some_and(|m| !m.times.is_empty())
            });
        }
    }

    /// Telegram said to wait: nothing goes out before `until`. A 429 does not
    /// say whether the chat or the whole bot hit the limit, so the whole bot
    /// waits (as teloxide's own throttle does).
    pub fn freeze(&mut self, until: Instant) {
        self.frozen_until = Some(self.frozen_until.map_or(until, |f| f.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: i64 = -100_123;
    const OTHER_GROUP: i64 = -100_456;
    const USER: i64 = 42;

    /// Sends greedily as soon as allowed; returns the send times (offsets).
    fn schedule(pacer: &mut Pacer, start: Instant, chats: &[i64]) -> Vec<Duration> {
        let mut now = start;
        chats
            .iter()
            .map(|chat| {
                now = pacer.ready_at(*chat, now);
                pacer.record(*chat, now);
                now - start
            })
            .collect()
    }

    #[test]
    fn one_group_gets_one_a_second_and_twenty_a_minute() {
        let mut pacer = Pacer::new(Limits::TELEGRAM);
        let start = Instant::now();
        let times = schedule(&mut pacer, start, &[GROUP; 25]);
        let second = Duration::from_secs(1) + MARGIN;
        assert_eq!(times[0], Duration::ZERO);
        assert_eq!(times[1], second);
        assert_eq!(times[19], second * 19);
        // The 21st waits until the first leaves the minute window.
        assert_eq!(times[20], Duration::from_secs(60) + MARGIN);
        assert_eq!(times[21], Duration::from_secs(60) + MARGIN + second);
        // Any 60 s window holds at most 20.
        for (i, t) in times.iter().enumerate() {
            let in_window = times.iter().filter(|u| **u >= *t && **u < *t + Duration::from_secs(60)).count();
            assert!(in_window <= 20, "window from message {i} holds {in_window}");
        }
    }

    #[test]
    fn other_chats_are_not_held_up_by_a_busy_group() {
        let mut pacer = Pacer::new(Limits::TELEGRAM);
        let start = Instant::now();
        schedule(&mut pacer, start, &[GROUP; 20]);
        let now = start + Duration::from_secs(20);
        assert_eq!(pacer.ready_at(GROUP, now), start + Duration::from_secs(60) + MARGIN);
        assert_eq!(pacer.ready_at(OTHER_GROUP, now), now);
        assert_eq!(pacer.ready_at(USER, now), now);
    }

    #[test]
    fn the_bot_as_a_whole_sends_at_most_thirty_a_second() {
        let mut pacer = Pacer::new(Limits::TELEGRAM);
        let start = Instant::now();
        let chats: Vec<i64> = (1..=61).collect();
        let times = schedule(&mut pacer, start, &chats);
        // Spread evenly, not in a burst…
        let spacing = Duration::from_secs(1) / 30;
        assert!(times.windows(2).all(|w| w[1] - w[0] >= spacing), "{times:?}");
        assert_eq!(times[29], spacing * 29);
        // …and never more than 30 in any window (with its margin).
        assert_eq!(times[30], Duration::from_secs(1) + MARGIN);
        assert_eq!(times[60], (Duration::from_secs(1) + MARGIN) * 2);
    }

    #[test]
    fn private_chats_have_no_minute_limit() {
        let mut pacer = Pacer::new(Limits::TELEGRAM);
        let times = schedule(&mut pacer, Instant::now(), &[USER; 30]);
        assert_eq!(times[29], (Duration::from_secs(1) + MARGIN) * 29);
    }

    #[test]
    fn retry_after_freezes_everything() {
        let mut pacer = Pacer::new(Limits::TELEGRAM);
        let now = Instant::now();
        pacer.freeze(now + Duration::from_secs(3));
        pacer.freeze(now + Duration::from_secs(1));
        assert_eq!(pacer.ready_at(USER, now), now + Duration::from_secs(3));
        assert_eq!(pacer.ready_at(GROUP, now + Duration::from_secs(5)), now + Duration::from_secs(5));
    }
}
