//! The dashboard's secrets in transit: a login link's token (128 random
//! bits and their HMAC-SHA256 under the server secret) and a session
//! cookie (256 random bits). The database keeps only SHA-256 hashes of the
//! random parts, so reading it logs no one in; the MAC lets a forged or
//! altered link be turned away before the database is asked.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// What the MAC is computed over, before the random part: a link signed
/// for the dashboard is good for nothing else the secret might sign later.
const LOGIN_CONTEXT: &[u8] = b"jixia-dashboard-login\0";

/// A login link's token: what goes in the URL, and the hash the database
/// knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginToken {
    /// `hex(random) + hex(mac)`: 32 + 64 hexadecimal digits.
    pub token: String,
    /// `hex(sha256(random))`.
    pub hash: String,
}

/// A new login token signed with `secret`.
pub fn new_login(secret: &[u8]) -> LoginToken {
    let random: [u8; 16] = rand::random();
    LoginToken { token: format!("{}{}", hex(&random), hex(&mac(secret, &random))), hash: hash(&random) }
}

/// The hash of a token's random part when its signature is right; `None`
/// for anything else (wrong length, not hexadecimal, altered, signed with
/// another secret). The comparison takes the same time however much of the
/// signature matches.
pub fn verify_login(secret: &[u8], token: &str) -> Option<String> {
    let bytes = unhex(token.trim())?;
    if bytes.len() != 16 + 32 {
        return None;
    }
    let (random, tag) = bytes.split_at(16);
    let mut m = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    m.update(LOGIN_CONTEXT);
    m.update(random);
    m.verify_slice(tag).ok()?;
    Some(hash(random))
}

fn mac(secret: &[u8], random: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut m) => {
            m.update(LOGIN_CONTEXT);
            m.update(random);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// A new session: the cookie's value, and the hash the database keeps.
pub fn new_session() -> (String, String) {
    let random: [u8; 32] = rand::random();
    let cookie = hex(&random);
    let hashed = session_hash(&cookie);
    (cookie, hashed)
}

/// The hash a session cookie is kept under.
pub fn session_hash(cookie: &str) -> String {
    hash(cookie.as_bytes())
}

fn hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_signed_token_verifies_to_its_hash() {
        let t = new_login(SECRET);
        assert_eq!(t.token.len(), 96);
        assert_eq!(verify_login(SECRET, &t.token), Some(t.hash.clone()));
        assert_ne!(new_login(SECRET).token, t.token, "two links are never the same");
    }

    #[test]
    fn an_altered_or_foreign_token_does_not() {
        let t = new_login(SECRET);
        for i in [0, 20, 40, 95] {
            let mut bytes = t.token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            let altered = String::from_utf8(bytes).unwrap_or_default();
            assert_eq!(verify_login(SECRET, &altered), None, "digit {i} changed");
        }
        assert_eq!(verify_login(b"another secret, just as long ....", &t.token), None);
        assert_eq!(verify_login(SECRET, &t.token[..94]), None);
        assert_eq!(verify_login(SECRET, "zz"), None);
        assert_eq!(verify_login(SECRET, "é"), None);
    }

    #[test]
    fn sessions_are_kept_by_hash() {
        let (cookie, hashed) = new_session();
        assert_eq!(cookie.len(), 64);
        assert_eq!(session_hash(&cookie), hashed);
        assert_ne!(cookie, hashed);
    }
}
