//! Members who cannot be messaged privately on a platform (Telegram: never
//! pressed Start or blocked the bot; QQ: not a friend), remembered for a day
//! so their direct messages are not tried again and again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How long a member who cannot be messaged privately is not tried again
/// (unless they message the bot first).
pub const UNREACHABLE_FOR: Duration = Duration::from_secs(24 * 3600);

/// Members whose direct messages were refused, by platform user id.
#[derive(Debug, Default)]
pub struct Unreachable {
    since: Mutex<HashMap<String, Instant>>,
}

impl Unreachable {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.since.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The platform refused a direct message to `user`.
    pub fn record(&self, user: &str, now: Instant) {
        let mut since = self.lock();
        if since.len() > 10_000 {
            since.retain(|_, at| now.saturating_duration_since(*at) < UNREACHABLE_FOR);
        }
        since.insert(user.to_owned(), now);
    }

    /// Whether `user` was refused recently.
    pub fn contains(&self, user: &str, now: Instant) -> bool {
        self.lock().get(user).is_some_and(|at| now.saturating_duration_since(*at) < UNREACHABLE_FOR)
    }

    /// `user` messaged the bot privately: they can be reached again.
    pub fn clear(&self, user: &str) {
        self.lock().remove(user);
    }
}
