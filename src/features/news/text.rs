//! The pure parts of news: feed URLs checked, HTML reduced to plain text,
//! the key an item is known by, keyword filters and the words after
//! `/news add URL`. Everything is an argument; tested here.

use chrono::{DateTime, Utc};

/// Longest feed URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2000;
/// Longest summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 600;
/// Longest title kept, in characters.
pub const MAX_TITLE_CHARS: usize = 300;

/// Why a URL is not a feed URL we fetch (an English phrase for operators;
/// members get a prompt).
pub fn check_feed_url(url: &str) -> Result<(), &'static str> {
    if url.len() > MAX_URL_LEN {
        return Err("is longer than 2000 bytes");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("is not an http:// or https:// URL")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or control characters");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("carries a user name or password");
    }
    let name = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    if name.is_empty() {
        return Err("has no host");
    }
    Ok(())
}

/// Whether an address is not on the public internet: loopback, private
/// (RFC 1918, unique local), link-local (cloud metadata services live
/// there), carrier-grade NAT, unspecified, multicast, broadcast or
/// documentation. A feed there is refused unless `allow_private`.
pub fn is_private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        std::net::IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(std::net::IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Whether a host name is the machine itself (`localhost`, `x.localhost`).
pub fn is_local_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

/// Whether a feed URL names a non-public host outright: an address that
/// [`is_private`], or `localhost`. (A name that resolves to such an
/// address is refused by the fetcher when it looks it up.)
pub fn names_private_host(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => is_private(ip),
        Err(_) => is_local_name(host),
    }
}

/// A language code as stored (`en`, `zh`, `pt-br`), or `None` when it
/// does not look like one.
pub fn parse_language(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase().replace('_', "-");
    let mut parts = s.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    if parts.any(|p| p.is_empty() || p.len() > 8 || !p.chars().all(|c| c.is_ascii_alphanumeric())) {
        return None;
    }
    Some(s)
}

/// The primary language of a code (`zh` of `zh-cn`): what "differs from
/// the community's" compares.
pub fn primary_language(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// HTML (or plain text) as safe plain text: tags dropped (scripts and
/// styles with their content), entities decoded, whitespace collapsed, cut
/// at `max` characters with an ellipsis. Nothing of the markup survives, so
/// nothing in it can reach a platform as markup.
pub fn html_to_text(html: &str, max: usize) -> String {
    let mut out = String::with_capacity(html.len().min(4 * max));
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let lower: String = after.chars().take(10).collect::<String>().to_ascii_lowercase();
        let skip_to =
            ["script", "style"].iter().find(|t| lower.starts_with(&format!("<{t}"))).map(|t| format!("</{t}"));
        if let Some(close) = skip_to {
            match after.to_ascii_lowercase().find(&close) {
                Some(end) => {
                    let tail = &after[end..];
                    rest = tail.find('>').map_or("", |g| &tail[g + 1..]);
                }
                None => rest = "",
            }
            out.push(' ');
            continue;
        }
        if let Some(body) = after.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |e| &body[e + 3..]);
            continue;
        }
        match after.find('>') {
            Some(gt) => {
                let tag = after[1..gt].trim_start_matches('/').to_ascii_lowercase();
                let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                if matches!(name.as_str(), "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "blockquote")
                {
                    out.push(' ');
                }
                rest = &after[gt + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    cut(&collapsed, max)
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| entity(&after[..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok()
    } else if let Some(dec) = name.strip_prefix('#') {
        dec.parse().ok()
    } else {
        return match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "hellip" => Some('…'),
            "rsquo" => Some('’'),
            "lsquo" => Some('‘'),
            "rdquo" => Some('”'),
            "ldquo" => Some('“'),
            _ => None,
        };
    };
    code.and_then(char::from_u32).filter(|c| !c.is_control() || c.is_whitespace())
}

/// The key an item is known by in its community, in order of trust: its
/// GUID, else its link, else its title and date.
pub fn item_key(guid: Option<&str>, link: Option<&str>, title: &str, published: Option<DateTime<Utc>>) -> String {
    fn nonempty(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(g) = nonempty(guid) {
        return format!("g:{}", cut(g, 500));
    }
    if let Some(l) = nonempty(link) {
        return format!("l:{}", cut(l, 500));
    }
    let date = published.map(|d| d.timestamp_millis().to_string()).unwrap_or_default();
    format!("t:{}|{date}", cut(&title.trim().to_lowercase(), 300))
}

/// Whether `text` mentions `word` (case-insensitive).
pub fn mentions(text_lower: &str, word: &str) -> bool {
    let w = word.trim().to_lowercase();
    !w.is_empty() && text_lower.contains(&w)
}

/// Whether an item passes a source's include and exclude words.
pub fn passes(text: &str, include: &[String], exclude: &[String]) -> bool {
    let lower = text.to_lowercase();
    (include.is_empty() || include.iter().any(|w| mentions(&lower, w))) && !exclude.iter().any(|w| mentions(&lower, w))
}

/// What `/news add URL` was told after the URL: tags, and `lang=`,
/// `include=`, `exclude=` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddOptions {
    /// Tags.
    pub tags: Vec<String>,
    /// The language, if given.
    pub language: Option<String>,
    /// Include words.
    pub include: Vec<String>,
    /// Exclude words.
    pub exclude: Vec<String>,
}

/// Why the words after the URL were not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddError {
    /// `lang=` names no language.
    BadLanguage(String),
    /// A tag is too long or has odd characters.
    BadTag(String),
}

/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 30;

/// A tag as stored (lower case), or `None` when it is not one.
pub fn parse_tag(s: &str) -> Option<String> {
    let t = s.trim().trim_start_matches('#').to_lowercase();
    let ok = !t.is_empty()
        && t.chars().count() <= MAX_TAG_CHARS
        && t.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    ok.then_some(t)
}

/// Parses the words after `/news add URL`.
pub fn parse_add_options(words: &str) -> Result<AddOptions, AddError> {
    let mut o = AddOptions::default();
    let list = |v: &str| {
        v.split([',', '，']).map(str::trim).filter(|w| !w.is_empty()).map(str::to_lowercase).collect::<Vec<_>>()
    };
    for word in words.split_whitespace() {
        if let Some(v) = word.strip_prefix("lang=").or_else(|| word.strip_prefix("language=")) {
            o.language = Some(parse_language(v).ok_or_else(|| AddError::BadLanguage(v.to_owned()))?);
        } else if let Some(v) = word.strip_prefix("include=") {
            o.include.extend(list(v));
        } else if let Some(v) = word.strip_prefix("exclude=") {
            o.exclude.extend(list(v));
        } else {
            let tag = parse_tag(word).ok_or_else(|| AddError::BadTag(word.to_owned()))?;
            if !o.tags.contains(&tag) {
                o.tags.push(tag);
            }
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_hosts_are_known_by_address_and_name() {
        for url in [
            "http://127.0.0.1:8080/feed",
            "http://localhost/feed",
            "https://api.localhost./x",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.0.10/rss",
            "http://169.254.169.254/latest",
            "http://100.64.1.1/",
            "http://0.0.0.0/",
            "http://[::1]:80/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(names_private_host(url), "{url}");
        }
        for url in ["https://planet.postgresql.org/rss20.xml", "http://8.8.8.8/", "http://[2001:4860::8888]/"] {
            assert!(!names_private_host(url), "{url}");
        }
    }

    #[test]
    fn feed_urls() {
        assert_eq!(check_feed_url("https://planet.postgresql.org/rss20.xml"), Ok(()));
        assert_eq!(check_feed_url("http://127.0.0.1:8080/feed"), Ok(()));
        assert_eq!(check_feed_url("http://[::1]:8080/feed"), Ok(()));
        assert!(check_feed_url("ftp://example.org/feed").is_err());
        assert!(check_feed_url("example.org/feed").is_err());
        assert!(check_feed_url("https:///feed").is_err());
        assert!(check_feed_url("https://exa mple.org/").is_err());
        assert!(check_feed_url("https://user:pw@example.org/").is_err());
        assert!(check_feed_url(&format!("https://e.org/{}", "a".repeat(2100))).is_err());
    }

    #[test]
    fn languages() {
        assert_eq!(parse_language("EN"), Some("en".into()));
        assert_eq!(parse_language("zh_CN").map(|l| l.to_uppercase()).as_deref(), Some("ZH-CN"));
        assert_eq!(parse_language("english"), None);
        assert_eq!(parse_language("z"), None);
        assert_eq!(primary_language("zh-TW"), "zh");
    }

    #[test]
    fn html_becomes_safe_plain_text() {
        let html = r#"<p>PostgreSQL <b>18</b> released&nbsp;&amp; more</p><script>alert("x")</script><style>p{}</style><!-- c --><a href="javascript:x">link</a> &lt;tag&gt; &#20013;&#x6587;"#;
        assert_eq!(html_to_text(html, 200), "PostgreSQL 18 released & more link <tag> 中文");
        assert_eq!(html_to_text("a<br/>b", 10), "a b");
        assert_eq!(html_to_text("unterminated <b", 50), "unterminated");
        assert_eq!(html_to_text("&bogus; & &#0;", 50), "&bogus; & &#0;");
        assert_eq!(html_to_text("一二三四五六", 4), "一二三…");
    }

    #[test]
    fn item_keys_prefer_guid_then_link_then_title_and_date() {
        assert_eq!(item_key(Some("id-1"), Some("https://x/1"), "T", None), "g:id-1");
        assert_eq!(item_key(Some(" "), Some("https://x/1"), "T", None), "l:https://x/1");
        let d = DateTime::from_timestamp_millis(5);
        assert_eq!(item_key(None, None, " Title ", d), "t:title|5");
    }

    #[test]
    fn include_and_exclude() {
        let inc = vec!["release".to_owned()];
        let exc = vec!["beta".to_owned()];
        assert!(passes("PostgreSQL 18 Released", &inc, &exc));
        assert!(!passes("PostgreSQL 18 beta released", &inc, &exc));
        assert!(!passes("A conference", &inc, &[]));
        assert!(passes("anything", &[], &[]));
    }

    #[test]
    fn add_options() {
        let o = parse_add_options("pg Release lang=EN include=release,security exclude=beta").unwrap_or_default();
        assert_eq!(o.tags, ["pg", "release"]);
        assert_eq!(o.language.as_deref(), Some("en"));
        assert_eq!(o.include, ["release", "security"]);
        assert_eq!(o.exclude, ["beta"]);
        assert_eq!(parse_add_options("lang=klingon!"), Err(AddError::BadLanguage("klingon!".into())));
        assert_eq!(parse_add_options("a/b"), Err(AddError::BadTag("a/b".into())));
    }
}
