//! Our own rate limiter for Discord (serenity's is off, see [`super::rest`]):
//! at most `global_per_second` requests per second for the instance, at most
//! five messages per five seconds into one channel, and waits imposed by a
//! 429 (`retry_after`) for one channel or, when Discord says so, for all.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Messages per channel per [`CHANNEL_WINDOW`].
pub const CHANNEL_MESSAGES: usize = 5;
/// The channel window.
pub const CHANNEL_WINDOW: Duration = Duration::from_secs(5);
const GLOBAL_WINDOW: Duration = Duration::from_secs(1);
/// Channels remembered at most (idle ones are forgotten first).
const MAX_CHANNELS: usize = 10_000;

#[derive(Debug, Default)]
struct State {
    global: VecDeque<Instant>,
    global_blocked: Option<Instant>,
    channels: HashMap<String, (VecDeque<Instant>, Option<Instant>)>,
}

/// Shared by every REST call of one instance.
#[derive(Debug)]
pub struct Limiter {
    per_second: usize,
    state: Mutex<State>,
}

/// Drops times older than `window` and says when the next slot frees, if full.
fn window_wait(times: &mut VecDeque<Instant>, max: usize, window: Duration, now: Instant) -> Option<Instant> {
    while times.front().is_some_and(|t| now.saturating_duration_since(*t) >= window) {
        times.pop_front();
    }
    if times.len() < max { None } else { times.front().map(|t| *t + window) }
}

impl Limiter {
    /// A limiter allowing `per_second` requests per second in all.
    pub fn new(per_second: u32) -> Limiter {
        Limiter { per_second: usize::try_from(per_second.max(1)).unwrap_or(50), state: Mutex::default() }
    }

    /// Takes a slot for one request, waiting as long as needed. `channel`:
    /// the channel a message is created in, if it is one.
    pub async fn acquire(&self, channel: Option<&str>) {
        loop {
            let wait_until = {
                let now = Instant::now();
                let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let mut until = s.global_blocked.filter(|t| *t > now);
                if until.is_none() {
                    until = window_wait(&mut s.global, self.per_second, GLOBAL_WINDOW, now);
                }
                if until.is_none()
                    && let Some(ch) = channel
                {
                    if s.channels.len() >= MAX_CHANNELS && !s.channels.contains_key(ch) {
                        s.channels.retain(|_, (times, blocked)| {
                            times.back().is_some_and(|t| now.saturating_duration_since(*t) < CHANNEL_WINDOW)
                                || blocked.is_some_and(|b| b > now)
                        });
                    }
                    let (times, blocked) = s.channels.entry(ch.to_owned()).or_default();
                    until = blocked.filter(|t| *t > now);
                    if until.is_none() {
                        until = window_wait(times, CHANNEL_MESSAGES, CHANNEL_WINDOW, now);
                    }
                    if until.is_none() {
                        times.push_back(now);
                    }
                }
                if until.is_none() {
                    s.global.push_back(now);
                }
                until
            };
            match wait_until {
                None => return,
                Some(t) => tokio::time::sleep_until(t).await,
            }
        }
    }

    /// Discord said to wait `wait`: for `channel`, or for everything (`None`).
    pub fn block(&self, channel: Option<&str>, wait: Duration) {
        let until = Instant::now() + wait;
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match channel {
            Some(ch) => {
                let (_, blocked) = s.channels.entry(ch.to_owned()).or_default();
                *blocked = Some(blocked.map_or(until, |b| b.max(until)));
            }
            None => s.global_blocked = Some(s.global_blocked.map_or(until, |b| b.max(until))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn five_messages_per_five_seconds_per_channel() {
        let limiter = Limiter::new(50);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(Some("500")).await;
        }
        assert_eq!(Instant::now(), start, "the first five go at once");
        limiter.acquire(Some("501")).await;
        assert_eq!(Instant::now(), start, "another channel is not held up");
        limiter.acquire(Some("500")).await;
        assert_eq!(Instant::now() - start, CHANNEL_WINDOW, "the sixth waits for the window");
    }

    #[tokio::test(start_paused = true)]
    async fn the_global_limit_and_blocks() {
        let limiter = Limiter::new(3);
        let start = Instant::now();
        for _ in 0..4 {
            limiter.acquire(None).await;
        }
        assert_eq!(Instant::now() - start, Duration::from_secs(1));
        limiter.block(Some("9"), Duration::from_secs(3));
        limiter.acquire(Some("9")).await;
        assert_eq!(Instant::now() - start, Duration::from_secs(4));
        limiter.block(None, Duration::from_secs(2));
        limiter.acquire(Some("10")).await;
        assert_eq!(Instant::now() - start, Duration::from_secs(6));
    }
}
