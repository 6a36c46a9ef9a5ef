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

    /// Moves forward (or back, with a negative duration); a move past the
    /// end of chrono's time line stops at its end. Input from a person goes
    /// through [`ManualClock::try_advance`] instead, which refuses.
    pub fn advance(&self, by: Duration) {
        let now = self.now();
        let fallback = if by < Duration::zero() { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC };
        self.set(now.checked_add_signed(by).unwrap_or(fallback));
    }

    /// Jumps to `at` if it is within [`ManualClock::supported`].
    pub fn try_set(&self, at: DateTime<Utc>) -> Result<(), OutOfRange> {
        if !ManualClock::supported().contains(&at) {
            return Err(OutOfRange);
        }
        self.set(at);
        Ok(())
    }

    /// Moves by `by` if the result stays within [`ManualClock::supported`];
    /// returns the new time. The console's `:advance` uses it, so
    /// `:advance 100000000w` is refused rather than overflowing.
    pub fn try_advance(&self, by: Duration) -> Result<DateTime<Utc>, OutOfRange> {
        let to = self.now().checked_add_signed(by).ok_or(OutOfRange)?;
        self.try_set(to)?;
        Ok(to)
    }

    /// The instants a person may move the clock to: 1970-01-01 to the end of
    /// 9999 (UTC). Beyond them dates no longer print as four-digit years,
    /// and date arithmetic in the features would approach chrono's limits.
    pub fn supported() -> std::ops::RangeInclusive<DateTime<Utc>> {
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .map_or(DateTime::<Utc>::MAX_UTC, |t| t.and_utc());
        DateTime::<Utc>::UNIX_EPOCH..=last
    }
}

/// A requested time is outside [`ManualClock::supported`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the clock stays between 1970-01-01 and 9999-12-31 (UTC)")]
pub struct OutOfRange;

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let s = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match s.running_since {
            Some(since) => s.base.checked_add_signed(Utc::now() - since).unwrap_or(s.base),
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

    #[test]
    fn moves_out_of_range_are_refused_and_change_nothing() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        let c = ManualClock::frozen(t0);
        let Some(huge) = Duration::try_weeks(100_000_000) else { panic!("fits in a TimeDelta") };
        assert_eq!(c.try_advance(huge), Err(OutOfRange));
        assert_eq!(c.try_advance(-huge), Err(OutOfRange));
        assert_eq!(c.try_advance(Duration::MAX), Err(OutOfRange));
        assert_eq!(c.now(), t0);
        assert_eq!(c.try_advance(Duration::days(1)), Ok(t0 + Duration::days(1)));
        c.advance(Duration::MAX);
        assert_eq!(c.now(), DateTime::<Utc>::MAX_UTC, "advance stops at the end instead of panicking");
    }
}
