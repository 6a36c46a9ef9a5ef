//! A stable 64-bit hash: FNV-1a over the parts (each followed by a 0xff
//! separator, which never occurs in UTF-8) and a SplitMix64 finish. The
//! daily question, a round's question order and an exam's next question
//! are chosen by it, so the choice must be the same on every instance and
//! after every upgrade: std's `DefaultHasher` promises neither.

/// Hashes `parts` in order.
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(std::iter::once(&0xff_u8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    splitmix(h)
}

/// SplitMix64's finalizer: spreads FNV's weak low bits.
fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes text parts in order (the form every caller uses).
pub fn hash_of(parts: &[&str]) -> u64 {
    let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    stable_hash(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_pinned() {
        // If this changes, every community's daily question and every
        // exam's next question change: never change it.
        assert_eq!(stable_hash(&[b"pgcn", b"0", concat!("conf", "-port").as_bytes()]), 0xe8cf_2871_c437_da88);
        assert_eq!(hash_of(&["pgcn", "0", concat!("conf", "-port")]), 0xe8cf_2871_c437_da88);
        assert_ne!(stable_hash(&[b"ab", b"c"]), stable_hash(&[b"a", b"bc"]));
        assert_eq!(stable_hash(&[]), splitmix(0xcbf2_9ce4_8422_2325));
    }
}
