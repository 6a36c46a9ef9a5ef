//! Values that must never reach a log line, an error message or a reply:
//! bot tokens and database URLs with passwords. Their `Debug` and `Display`
//! redact; the raw value is only handed out by an explicit call.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string (a bot token, a webhook secret).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The raw value, for the one place that must send it to the platform.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Serialized redacted: a config written back out never carries the secret.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        // Environment overrides turn digit-only values into numbers; a token
        // may well be digits only.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i64),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Text(s) => Secret(s),
            Raw::Number(n) => Secret(n.to_string()),
        })
    }
}

/// A database location: a SQLite path or URL, or a PostgreSQL URL. Shown with
/// its password replaced by `***`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct DbUrl(String);

impl DbUrl {
    /// Wraps a path or URL as given by an operator.
    pub fn new(value: impl Into<String>) -> DbUrl {
        DbUrl(value.into())
    }

    /// The raw value, for the driver.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it names a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }

    /// The scheme of a URL that names neither SQLite nor PostgreSQL
    /// (`mysql` for `mysql://x`): such a value is not a file path either.
    pub fn other_scheme(&self) -> Option<&str> {
        let (scheme, _) = self.0.split_once("://")?;
        let known = ["sqlite", "postgres", "postgresql"];
        let looks_like_scheme =
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        (looks_like_scheme && !known.contains(&scheme.to_ascii_lowercase().as_str())).then_some(scheme)
    }

    /// The value with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return self.0.clone();
        };
        let (authority, tail) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let mut out = format!("{scheme}://");
        match authority.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
                out.push_str(user);
                if userinfo.contains(':') {
                    out.push_str(":***");
                }
                out.push('@');
                out.push_str(host);
            }
            None => out.push_str(authority),
        }
        // `?password=` in the query string is accepted by libpq-style URLs.
        match tail.split_once('?') {
            Some((path, query)) => {
                out.push_str(path);
                out.push('?');
                let params: Vec<String> = query
                    .split('&')
                    .map(|p| match p.split_once('=') {
                        Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                        _ => p.to_owned(),
                    })
                    .collect();
                out.push_str(&params.join("&"));
            }
            None => out.push_str(tail),
        }
        out
    }
}

/// Serialized with the password redacted.
impl Serialize for DbUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({})", self.redacted())
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        let u = DbUrl::new("postgres://jixia:s3cret@db.example:5432/jixia?sslmode=require&password=other");
        let shown = format!("{u} {u:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("other"), "{shown}");
        assert!(shown.contains("postgres://jixia:***@db.example:5432/jixia?sslmode=require&password=***"));
        assert_eq!(DbUrl::new("./jixia.db").redacted(), "./jixia.db");
        assert_eq!(DbUrl::new("postgres://u@h/db").redacted(), "postgres://u@h/db");
    }

    #[test]
    fn tokens_are_redacted() {
        let s = Secret::new("123:ABC");
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
    }
}
