//! Button custom ids: Discord gives a button's `custom_id` at most 100
//! characters. A button means a command line, so a short one rides in the id
//! itself (`=` + the line; it survives restarts, and forging one is no more
//! than typing the command). A longer one is remembered under a short random
//! key (`#` + key) for a limited time; pressing it later gets a localized
//! "this button expired".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

/// Discord's limit on a component's `custom_id`, in characters.
pub const MAX_CUSTOM_ID_CHARS: usize = 100;
/// Remembered long buttons at most; the expired ones go first.
const MAX_REMEMBERED: usize = 4096;

/// The map from short keys to long command lines.
#[derive(Debug)]
pub struct CustomIds {
    ttl: Duration,
    long: Mutex<HashMap<String, (String, Instant)>>,
}

impl CustomIds {
    /// Long buttons stay valid for `ttl`.
    pub fn new(ttl: Duration) -> CustomIds {
        CustomIds { ttl, long: Mutex::new(HashMap::new()) }
    }

    /// The custom id for a button meaning `line`.
    pub fn encode(&self, line: &str, now: Instant) -> String {
        if line.chars().count() < MAX_CUSTOM_ID_CHARS {
            return format!("={line}");
        }
        let mut rng = rand::rng();
        let key: String = (0..20).map(|_| char::from(b'a' + rng.random_range(0..26u8))).collect();
        let mut long = self.long.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if long.len() >= MAX_REMEMBERED {
            let ttl = self.ttl;
            long.retain(|_, (_, at)| now.saturating_duration_since(*at) < ttl);
            if long.len() >= MAX_REMEMBERED {
                long.clear();
            }
        }
        long.insert(key.clone(), (line.to_owned(), now));
        format!("#{key}")
    }

    /// The command line a pressed button stands for; `None` when it expired
    /// or is not one of ours.
    pub fn decode(&self, custom_id: &str, now: Instant) -> Option<String> {
        if let Some(line) = custom_id.strip_prefix('=') {
            return Some(line.to_owned());
        }
        let key = custom_id.strip_prefix('#')?;
        let long = self.long.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (line, at) = long.get(key)?;
        (now.saturating_duration_since(*at) < self.ttl).then(|| line.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_rides_in_the_id_and_survives_a_restart() {
        let now = Instant::now();
        let id = CustomIds::new(Duration::from_secs(60)).encode("/checkin", now);
        assert_eq!(id, "=/checkin");
        assert_eq!(CustomIds::new(Duration::from_secs(60)).decode(&id, now).as_deref(), Some("/checkin"));
    }

    #[test]
    fn a_long_line_is_remembered_until_it_expires() {
        let ids = CustomIds::new(Duration::from_secs(60));
        let now = Instant::now();
        let line = format!("/shop buy \"{}\"", "线下沙龙门票".repeat(20));
        let id = ids.encode(&line, now);
        assert!(id.starts_with('#') && id.chars().count() <= MAX_CUSTOM_ID_CHARS);
        assert_eq!(ids.decode(&id, now + Duration::from_secs(59)), Some(line));
        assert_eq!(ids.decode(&id, now + Duration::from_secs(60)), None);
        assert_eq!(ids.decode("#unknown", now), None);
        assert_eq!(ids.decode("foreign", now), None);
    }
}
