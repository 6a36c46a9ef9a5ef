//! Single-use, short-lived codes (`/link`, `/community code`): six
//! characters that cannot be confused when copied by hand, and a limit on
//! wrong guesses, so codes cannot be guessed.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

/// How long a code stays valid.
pub const CODE_TTL_MINUTES: i64 = 10;

/// Letters and digits that cannot be confused with each other when copied
/// by hand (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 6;

/// Wrong codes one guesser may try within [`GUESS_WINDOW_MINUTES`].
pub const MAX_WRONG_CODES: usize = 5;
/// The window for [`MAX_WRONG_CODES`].
pub const GUESS_WINDOW_MINUTES: i64 = 10;

/// A fresh random code.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN).map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])).collect()
}

/// Whether `code` (upper-cased) has a code's form.
pub fn looks_like_code(code: &str) -> bool {
    code.chars().count() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// Recent wrong codes per guesser (a member, a chat), on this instance. Six
/// characters from 31 give 887 million codes; five tries per ten minutes (a
/// code's life) make guessing one hopeless even across several instances
/// and accounts.
#[derive(Debug)]
pub struct Guesses<K>(Mutex<HashMap<K, Vec<DateTime<Utc>>>>);

impl<K> Default for Guesses<K> {
    fn default() -> Guesses<K> {
        Guesses(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Clone> Guesses<K> {
    fn lock(&self) -> MutexGuard<'_, HashMap<K, Vec<DateTime<Utc>>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When `who` may try again, if they have used up their tries.
    pub fn blocked_until(&self, who: &K, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let window = Duration::minutes(GUESS_WINDOW_MINUTES);
        let mut map = self.lock();
        let tries = map.get_mut(who)?;
        tries.retain(|t| *t + window > now && *t <= now);
        (tries.len() >= MAX_WRONG_CODES).then(|| tries.iter().min().map_or(now, |t| *t + window))
    }

    /// Records a wrong code tried by `who`.
    pub fn record(&self, who: &K, now: DateTime<Utc>) {
        let mut map = self.lock();
        if map.len() > 100_000 {
            let window = Duration::minutes(GUESS_WINDOW_MINUTES);
            map.retain(|_, tries| tries.iter().any(|t| *t + window > now));
        }
        map.entry(who.clone()).or_default().push(now);
    }
}
