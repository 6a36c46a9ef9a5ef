//! The login endpoint's rate limit: a small token bucket per peer address,
//! in memory (a guessed link is 128 random bits and signed, so this only
//! keeps a noisy peer from costing database lookups).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// Attempts a peer may make at once.
pub const BURST: f64 = 10.0;
/// Attempts a peer gets back per second (ten a minute).
const REFILL_PER_SEC: f64 = 10.0 / 60.0;
/// Peers remembered at most; beyond, the buckets start over.
const MAX_PEERS: usize = 10_000;

/// Buckets by peer address (`None`: unknown, one shared bucket).
#[derive(Debug, Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<Option<IpAddr>, (f64, Instant)>>,
}

impl Limiter {
    /// Whether `peer` may try now (and takes one try if so).
    pub fn allow(&self, peer: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_PEERS && !buckets.contains_key(&peer) {
            buckets.clear();
        }
        let (tokens, at) = buckets.entry(peer).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * REFILL_PER_SEC).min(BURST);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
