//! Process-wide counters for operators (`/metrics`): messages handled by
//! platform and kind, command latency by command, FAQ redirects, ledger
//! movements by kind, send errors and 429 answers by platform. Each is a
//! plain atomic found by index (no lock, no map lookup, no allocation on the
//! hot path); the binary reads a [`Snapshot`] when it is scraped and adds
//! what the database knows (outbox depth, job states, the pool).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::features::{all_commands, movement_kinds};
use crate::handler::Command;
use crate::message::Platform;

/// Upper bounds of the command latency buckets, in seconds (Prometheus
/// style: each bucket counts what took at most that long; `+Inf` is the
/// count).
pub const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// What a handled message was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A command (parsed or not).
    Command,
    /// Chat: passed to the features' passive hooks.
    Chat,
    /// A reaction.
    Reaction,
}

impl MessageKind {
    /// Every kind, in label order.
    pub const ALL: [MessageKind; 3] = [MessageKind::Command, MessageKind::Chat, MessageKind::Reaction];

    /// The label.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Command => "command",
            MessageKind::Chat => "chat",
            MessageKind::Reaction => "reaction",
        }
    }
}

/// One command's latency histogram.
#[derive(Debug, Default)]
struct Timing {
    /// Not cumulative: bucket `i` counts durations in `(B[i-1], B[i]]`;
    /// the last one what is above every bound.
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// The counters.
#[derive(Debug)]
pub struct Metrics {
    messages: [[AtomicU64; 3]; Platform::ALL.len()],
    commands: Vec<(&'static Command, Timing)>,
    redirects: AtomicU64,
    movements: Vec<(&'static str, AtomicU64)>,
    send_errors: [AtomicU64; Platform::ALL.len()],
    rate_limited: [AtomicU64; Platform::ALL.len()],
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {
    messages: Default::default(),
    commands: all_commands().map(|c| (c, Timing::default())).collect(),
    redirects: AtomicU64::new(0),
    movements: movement_kinds().map(|k| (k.as_str(), AtomicU64::new(0))).collect(),
    send_errors: Default::default(),
    rate_limited: Default::default(),
});

/// The process's counters.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

fn platform_index(p: Platform) -> usize {
    Platform::ALL.iter().position(|x| *x == p).unwrap_or(0)
}

impl Metrics {
    /// A message was handled.
    pub fn message(&self, platform: Platform, kind: MessageKind) {
        let k = MessageKind::ALL.iter().position(|x| *x == kind).unwrap_or(0);
        self.messages[platform_index(platform)][k].fetch_add(1, Ordering::Relaxed);
    }

    /// A command ran for `took`.
    pub fn command(&self, command: &'static Command, took: Duration) {
        let Some((_, t)) = self.commands.iter().find(|(c, _)| std::ptr::eq(*c, command)) else { return };
        let secs = took.as_secs_f64();
        let i = LATENCY_BUCKETS.iter().position(|b| secs <= *b).unwrap_or(LATENCY_BUCKETS.len());
        t.buckets[i].fetch_add(1, Ordering::Relaxed);
        t.sum_micros.fetch_add(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// The FAQ redirected a question.
    pub fn redirect(&self) {
        self.redirects.fetch_add(1, Ordering::Relaxed);
    }

    /// Points moved (a transfer applied in a transaction).
    pub fn movement(&self, kind: &str) {
        if let Some((_, n)) = self.movements.iter().find(|(k, _)| *k == kind) {
            n.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A message could not be delivered (an attempt failed).
    pub fn send_error(&self, platform: Platform) {
        self.send_errors[platform_index(platform)].fetch_add(1, Ordering::Relaxed);
    }

    /// A platform answered 429 (too many requests).
    pub fn rate_limited(&self, platform: Platform) {
        self.rate_limited[platform_index(platform)].fetch_add(1, Ordering::Relaxed);
    }

    /// What the counters hold now.
    pub fn snapshot(&self) -> Snapshot {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut messages = Vec::new();
        for (p, row) in Platform::ALL.iter().zip(&self.messages) {
            for (k, n) in MessageKind::ALL.iter().zip(row) {
                messages.push((*p, *k, load(n)));
            }
        }
        let commands = self
            .commands
            .iter()
            .filter(|(_, t)| t.buckets.iter().any(|b| load(b) > 0))
            .map(|(c, t)| {
                let bounds = LATENCY_BUCKETS.iter().copied().chain(std::iter::once(f64::MAX));
                let buckets = bounds.zip(&t.buckets).map(|(bound, n)| (bound, load(n))).collect();
                let count = t.buckets.iter().map(load).sum();
                let name = match c.sub {
                    Some(sub) => format!("{} {sub}", c.name),
                    None => c.name.to_owned(),
                };
                CommandTiming { command: name, buckets, count, sum_secs: load(&t.sum_micros) as f64 / 1e6 }
            })
            .collect();
        Snapshot {
            messages,
            commands,
            redirects: load(&self.redirects),
            movements: self.movements.iter().map(|(k, n)| (*k, load(n))).collect(),
            send_errors: Platform::ALL.iter().zip(&self.send_errors).map(|(p, n)| (*p, load(n))).collect(),
            rate_limited: Platform::ALL.iter().zip(&self.rate_limited).map(|(p, n)| (*p, load(n))).collect(),
        }
    }
}

/// One command's latency, as Prometheus wants it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandTiming {
    /// `checkin`, `faq add`.
    pub command: String,
    /// (upper bound in seconds, count in this bucket alone); the last
    /// bound is `f64::MAX` (`+Inf`).
    pub buckets: Vec<(f64, u64)>,
    /// All runs (`+Inf`).
    pub count: u64,
    /// Total seconds.
    pub sum_secs: f64,
}

/// The counters at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Messages by platform and kind.
    pub messages: Vec<(Platform, MessageKind, u64)>,
    /// Commands that ran at least once.
    pub commands: Vec<CommandTiming>,
    /// FAQ redirects.
    pub redirects: u64,
    /// Ledger movements by kind.
    pub movements: Vec<(&'static str, u64)>,
    /// Failed delivery attempts by platform.
    pub send_errors: Vec<(Platform, u64)>,
    /// 429 answers by platform.
    pub rate_limited: Vec<(Platform, u64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_fall_in_cumulative_buckets() {
        let m = metrics();
        let ping = all_commands().find(|c| c.name == "ping").unwrap_or_else(|| panic!("ping"));
        m.command(ping, Duration::from_micros(300));
        m.command(ping, Duration::from_millis(20));
        m.command(ping, Duration::from_secs(9));
        let s = m.snapshot();
        let t = s.commands.iter().find(|t| t.command == "ping").unwrap_or_else(|| panic!("{s:?}"));
        assert!(t.count >= 3);
        let at = |bound: f64| t.buckets.iter().find(|(b, _)| *b == bound).map(|(_, n)| *n).unwrap_or_default();
        assert!(at(0.0005) >= 1 && at(0.025) >= 1 && at(f64::MAX) >= 1, "{t:?}");
        assert_eq!(t.buckets.iter().map(|(_, n)| n).sum::<u64>(), t.count);
    }
}
