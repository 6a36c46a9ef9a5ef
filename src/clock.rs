//! Injected time. Everything that depends on "now" asks a [`Clock`], so tests
//! and the console can move time instead of sleeping.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that follows real time shifted by an offset that can be set or
/// advanced. With [`ManualClock::frozen`] it stands still until moved, which
/// is what tests use; the console uses a running one so `:advance 25h`
/// behaves like waiting.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    /// The instant shown when `running_since` was taken (or always, if frozen).
    base: DateTime<Utc>,
    /// Real time at which `base` was set, when the clock runs.
    running_since: Option<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock fixed at `at` until set or advanced.
    pub fn frozen(at: DateTime<Utc>) -> ManualClock {
        ManualClock { inner: Arc::new(Mutex::new(ManualState { base: at, running_since: None })) }
    }

    /// A clock that starts at `at` and then runs with real time.
    pub fn running(at: DateTime<Utc>) -> ManualClock {
        ManualClock { inner: Arc::new(Mutex::new(ManualState { base: at, running_since: Some(Utc::now()) })) }
    }

    /// Jumps to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        let mut s = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        s.base = at;
        if s.running_since.is_some() {
            s.running_since = Some(Utc::now());
        }
    }

    /// Moves forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let now = self.now();
        self.set(now + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let s = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match s.running_since {
            Some(since) => s.base + (Utc::now() - since),
            None => s.base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let t0 = DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").map(|t| t.to_utc());
        let Ok(t0) = t0 else { panic!("bad literal") };
        let c = ManualClock::frozen(t0);
        assert_eq!(c.now(), t0);
        c.advance(Duration::hours(25));
        assert_eq!(c.now(), t0 + Duration::hours(25));
        c.set(t0);
        assert_eq!(c.now(), t0);
    }
}
