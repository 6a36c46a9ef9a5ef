//! Our own rate limiter for Discord (serenity's is off, see [`super::rest`]):
//! at most `global_per_second` requests per second for the instance, at most
//! five messages per five seconds into one channel, and waits imposed by a
//! 429 (`retry_after`): for one channel's messages, for one route's bucket
//! (Discord names it in `X-RateLimit-Bucket`; opening a DM, an interaction
//! callback), or, only when Discord says the limit is global, for all.
//! Interaction callbacks are not bound by the global limit (Discord's rule),
//! so a member's button press is answered within its three seconds whatever
//! else is waiting.

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
    /// Route (`POST /users/@me/channels`) → the bucket Discord put it in.
    buckets: HashMap<String, String>,
    /// Bucket (or route, before its bucket is known) → blocked until.
    blocked: HashMap<String, Instant>,
}

/// What a 429 blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every request (Discord said `global: true`).
    Global,
    /// Messages into this channel.
    Channel(&'a str),
    /// This route's bucket.
    Route(&'a str),
}

/// One request, as the limiter sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `METHOD /path` with tokens masked (see `route_of`).
    pub route: &'a str,
    /// The channel a message is created in, if it is one.
    pub channel: Option<&'a str>,
}

impl Request<'_> {
    /// Interaction callbacks and follow-ups are exempt from the global limit.
    fn is_interaction(&self) -> bool {
        self.route.split_once(' ').is_some_and(|(_, p)| p.starts_with("/interactions/") || p.starts_with("/webhooks/"))
    }
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

    /// Takes a slot for one request, waiting as long as needed.
    pub async fn acquire(&self, req: Request<'_>) {
        loop {
            let wait_until = {
                let now = Instant::now();
                let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let bucket = s.buckets.get(req.route).cloned().unwrap_or_else(|| req.route.to_owned());
                let mut until = s.blocked.get(&bucket).copied().filter(|t| *t > now);
                let global = !req.is_interaction();
                if until.is_none() && global {
                    until = s.global_blocked.filter(|t| *t > now);
                }
                if until.is_none() && global {
                    until = window_wait(&mut s.global, self.per_second, GLOBAL_WINDOW, now);
                }
                if until.is_none()
                    && let Some(ch) = req.channel
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
                if until.is_none() && global {
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

    /// Discord put `route` in `bucket` (its `X-RateLimit-Bucket` header):
    /// routes that share a bucket share its waits.
    pub fn learn_bucket(&self, route: &str, bucket: &str) {
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if s.buckets.get(route).is_none_or(|b| b != bucket) {
            if s.buckets.len() >= MAX_CHANNELS {
                s.buckets.clear();
            }
            s.buckets.insert(route.to_owned(), bucket.to_owned());
        }
    }

    /// Discord said to wait `wait`, for what `scope` names.
    pub fn block(&self, scope: Scope<'_>, wait: Duration) {
        let now = Instant::now();
        let until = now + wait;
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match scope {
            Scope::Channel(ch) => {
                let (_, blocked) = s.channels.entry(ch.to_owned()).or_default();
                *blocked = Some(blocked.map_or(until, |b| b.max(until)));
            }
            Scope::Route(route) => {
                let bucket = s.buckets.get(route).cloned().unwrap_or_else(|| route.to_owned());
                if s.blocked.len() >= MAX_CHANNELS {
                    s.blocked.retain(|_, t| *t > now);
                }
                let t = s.blocked.entry(bucket).or_insert(until);
                *t = (*t).max(until);
            }
            Scope::Global => s.global_blocked = Some(s.global_blocked.map_or(until, |b| b.max(until))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(channel: &str) -> (String, String) {
        (format!("POST /channels/{channel}/messages"), channel.to_owned())
    }

    async fn send_to(limiter: &Limiter, channel: &str) {
        let (route, ch) = post(channel);
        limiter.acquire(Request { route: &route, channel: Some(&ch) }).await;
    }

    #[tokio::test(start_paused = true)]
    async fn five_messages_per_five_seconds_per_channel() {
        let limiter = Limiter::new(50);
        let start = Instant::now();
        for _ in 0..5 {
            send_to(&limiter, "500").await;
        }
        assert_eq!(Instant::now(), start, "the first five go at once");
        send_to(&limiter, "501").await;
        assert_eq!(Instant::now(), start, "another channel is not held up");
        send_to(&limiter, "500").await;
        assert_eq!(Instant::now() - start, CHANNEL_WINDOW, "the sixth waits for the window");
    }

    #[tokio::test(start_paused = true)]
    async fn the_global_limit_and_blocks() {
        let limiter = Limiter::new(3);
        let start = Instant::now();
        let other = Request { route: "GET /users/@me", channel: None };
        for _ in 0..4 {
            limiter.acquire(other).await;
        }
        assert_eq!(Instant::now() - start, Duration::from_secs(1));
        limiter.block(Scope::Channel("9"), Duration::from_secs(3));
        send_to(&limiter, "9").await;
        assert_eq!(Instant::now() - start, Duration::from_secs(4));
        limiter.block(Scope::Global, Duration::from_secs(2));
        send_to(&limiter, "10").await;
        assert_eq!(Instant::now() - start, Duration::from_secs(6));
    }

    /// A 429 on opening a DM (a route with no channel) holds up that route
    /// and the routes of its bucket only, not the whole bot.
    #[tokio::test(start_paused = true)]
    async fn a_route_429_blocks_its_bucket_only() {
        let limiter = Limiter::new(50);
        let start = Instant::now();
        let dm = Request { route: "POST /users/@me/channels", channel: None };
        limiter.learn_bucket(dm.route, "abc123");
        limiter.learn_bucket("PATCH /users/@me", "abc123");
        limiter.block(Scope::Route(dm.route), Duration::from_secs(5));
        send_to(&limiter, "500").await;
        limiter.acquire(Request { route: "GET /users/@me", channel: None }).await;
        assert_eq!(Instant::now(), start, "other routes and channels go at once");
        limiter.acquire(Request { route: "PATCH /users/@me", channel: None }).await;
        assert_eq!(Instant::now() - start, Duration::from_secs(5), "the same bucket waits");
        limiter.acquire(dm).await;
        assert_eq!(Instant::now() - start, Duration::from_secs(5));
    }

    /// An interaction is answered within its window even while the bot is
    /// globally limited.
    #[tokio::test(start_paused = true)]
    async fn interactions_are_not_bound_by_the_global_limit() {
        let limiter = Limiter::new(1);
        let start = Instant::now();
        limiter.block(Scope::Global, Duration::from_secs(10));
        let callback = Request { route: "POST /interactions/1/:token/callback", channel: None };
        for _ in 0..5 {
            limiter.acquire(callback).await;
        }
        assert_eq!(Instant::now(), start);
    }
}
