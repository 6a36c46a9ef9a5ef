//! Button callback data: Telegram gives a button at most 64 bytes to carry.
//! A button's data is a command line the member could have typed, so a short
//! one rides in the callback data itself (`=` + the line: it survives
//! restarts, and a forged one is no more than typing the command). A longer
//! one is kept here under a random id (`#` + id) for a limited time; pressing
//! it after that, or after a restart, gets "this button expired".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

/// Telegram's limit on `callback_data`, in bytes.
pub const MAX_CALLBACK_BYTES: usize = 64;

const INLINE: char = '=';
const STORED: char = '#';
const ID_LEN: usize = 16;
const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The map from stored ids to command lines.
#[derive(Debug)]
pub struct Buttons {
    ttl: Duration,
    stored: Mutex<HashMap<String, (String, Instant)>>,
}

impl Buttons {
    /// Long buttons stay valid for `ttl`.
    pub fn new(ttl: Duration) -> Buttons {
        Buttons { ttl, stored: Mutex::new(HashMap::new()) }
    }

    /// The callback data for a button meaning `data`.
    pub fn encode(&self, data: &str, now: Instant) -> String {
        if data.len() + INLINE.len_utf8() <= MAX_CALLBACK_BYTES {
            return format!("{INLINE}{data}");
        }
        let mut rng = rand::rng();
        let id: String = (0..ID_LEN).map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())])).collect();
        let mut stored = self.stored.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if stored.len() >= 1024 {
            let ttl = self.ttl;
            stored.retain(|_, (_, at)| now.saturating_duration_since(*at) < ttl);
        }
        stored.insert(id.clone(), (data.to_owned(), now));
        format!("{STORED}{id}")
    }

    /// The command line a pressed button stands for; `None` when it expired
    /// or was never ours.
    pub fn decode(&self, callback_data: &str, now: Instant) -> Option<String> {
        if let Some(data) = callback_data.strip_prefix(INLINE) {
            return Some(data.to_owned());
        }
        let id = callback_data.strip_prefix(STORED)?;
        let stored = self.stored.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (data, at) = stored.get(id)?;
        (now.saturating_duration_since(*at) < self.ttl).then(|| data.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_commands_ride_in_the_button() {
        let buttons = Buttons::new(Duration::from_secs(60));
        let now = Instant::now();
        let cb = buttons.encode("/ping", now);
        assert_eq!(cb, "=/ping");
        // Survives a restart: a new map decodes it.
        assert_eq!(Buttons::new(Duration::from_secs(60)).decode(&cb, now).as_deref(), Some("/ping"));
    }

    #[test]
    fn long_commands_are_stored_and_expire() {
        let buttons = Buttons::new(Duration::from_secs(60));
        let now = Instant::now();
        let long = format!("/event signup \"{}\"", "PostgreSQL 中文社区 线下沙龙 ".repeat(3));
        let cb = buttons.encode(&long, now);
        assert!(cb.len() <= MAX_CALLBACK_BYTES && cb.starts_with('#'), "{cb}");
        assert_eq!(buttons.decode(&cb, now + Duration::from_secs(59)), Some(long));
        assert_eq!(buttons.decode(&cb, now + Duration::from_secs(60)), None);
        assert_eq!(buttons.decode("#nosuchid", now), None);
        assert_eq!(buttons.decode("something else", now), None);
    }

    #[test]
    fn the_limit_is_in_bytes() {
        let buttons = Buttons::new(Duration::from_secs(60));
        let now = Instant::now();
        // 21 three-byte characters + "=" = 64 bytes: fits.
        assert!(buttons.encode(&"签".repeat(21), now).starts_with('='));
        assert!(buttons.encode(&"签".repeat(22), now).starts_with('#'));
    }
}
