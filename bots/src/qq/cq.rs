//! OneBot v11 messages as segments: the array form (`[{"type": "text",
//! "data": {"text": "hi"}}]`) and the legacy CQ-code string form
//! (`hi[CQ:at,qq=123]`), read into one [`Segment`] list. Pure.
//!
//! CQ-code escaping: in text, `&` `[` `]` are written `&amp;` `&#91;`
//! `&#93;`; inside a code's parameter values `,` is also written `&#44;`.
//! Decoding is one pass, so `&amp;#91;` reads back as the five characters
//! `&#91;` and never as `[`.

use serde_json::{Map, Value};

/// One message segment: its type (`text`, `at`, `reply`, `face`,
/// `image`…) and its data, whose values are strings or numbers depending on
/// the implementation.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The segment type.
    pub kind: String,
    /// The segment's data.
    pub data: Map<String, Value>,
}

impl Segment {
    /// A `text` segment.
    pub fn text(text: impl Into<String>) -> Segment {
        let mut data = Map::new();
        data.insert("text".into(), Value::String(text.into()));
        Segment { kind: "text".into(), data }
    }

    /// The data value `key` as text (numbers written out), if present.
    pub fn get(&self, key: &str) -> Option<String> {
        match self.data.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Reads a message in either form; anything else (a number, `null`) is an
/// empty message. Array items that are not segments are skipped.
pub fn segments(message: &Value) -> Vec<Segment> {
    match message {
        Value::String(s) => parse(s),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let kind = item.get("type")?.as_str()?.to_owned();
                let data = item.get("data").and_then(Value::as_object).cloned().unwrap_or_default();
                Some(Segment { kind, data })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Parses a CQ-code string into segments. A `[CQ:` without its closing `]`
/// is text, as the implementations treat it.
pub fn parse(s: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("[CQ:") {
        let Some(len) = rest[start..].find(']') else { break };
        if start > 0 {
            out.push(Segment::text(unescape(&rest[..start])));
        }
        let code = &rest[start + 4..start + len];
        let mut parts = code.split(',');
        let kind = parts.next().unwrap_or_default().trim().to_owned();
        let mut data = Map::new();
        for part in parts {
            if let Some((k, v)) = part.split_once('=') {
                data.insert(k.trim().to_owned(), Value::String(unescape(v)));
            }
        }
        if !kind.is_empty() {
            out.push(Segment { kind, data });
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Segment::text(unescape(rest)));
    }
    out
}

/// Decodes CQ-code escapes (`&amp;` `&#91;` `&#93;` `&#44;`) in one pass;
/// any other `&` is kept as it is.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (decoded, len) = if tail.starts_with("&amp;") {
            ('&', 5)
        } else if tail.starts_with("&#91;") {
            ('[', 5)
        } else if tail.starts_with("&#93;") {
            (']', 5)
        } else if tail.starts_with("&#44;") {
            (',', 5)
        } else {
            ('&', 1)
        };
        out.push(decoded);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for a CQ-code string (what [`unescape`] reads back).
pub fn escape(s: &str, in_param: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            ',' if in_param => out.push_str("&#44;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(segs: &[Segment]) -> Vec<&str> {
        segs.iter().map(|s| s.kind.as_str()).collect()
    }

    #[test]
    fn cq_strings_are_read_with_their_escapes() {
        // As NapCat reports `[1,2] & x` followed by an at and an image.
        let segs = parse(
            "&#91;1,2&#93; &amp; x[CQ:at,qq=3889000000,name=稷下&#44;bot][CQ:image,file=a.jpg,url=https://x/?a=1&amp;b=2]",
        );
        assert_eq!(kinds(&segs), ["text", "at", "image"]);
        assert_eq!(segs[0].get("text").as_deref(), Some("[1,2] & x"));
        assert_eq!(segs[1].get("qq").as_deref(), Some("3889000000"));
        assert_eq!(segs[1].get("name").as_deref(), Some("稷下,bot"));
        assert_eq!(segs[2].get("url").as_deref(), Some("https://x/?a=1&b=2"));
    }

    #[test]
    fn escapes_decode_once_and_unknown_ones_stay() {
        assert_eq!(unescape("&amp;#91;"), "&#91;");
        assert_eq!(unescape("a && b &lt; c &"), "a && b &lt; c &");
        for text in ["[CQ:at,qq=1]", "&#91;", "a,b&c]", ""] {
            assert_eq!(unescape(&escape(text, true)), text);
            assert_eq!(parse(&escape(text, false)).iter().filter_map(|s| s.get("text")).collect::<String>(), text);
        }
    }

    #[test]
    fn broken_codes_are_text_not_errors() {
        let segs = parse("hi [CQ:at,qq=1");
        assert_eq!(kinds(&segs), ["text"]);
        assert_eq!(segs[0].get("text").as_deref(), Some("hi [CQ:at,qq=1"));
        assert_eq!(kinds(&parse("[CQ:]x")), ["text"]);
        assert_eq!(kinds(&parse("[CQ:face,id]")), ["face"]);
        assert!(parse("").is_empty());
    }

    #[test]
    fn arrays_take_numbers_or_strings_and_skip_junk() {
        let segs = segments(&json!([
            {"type": "at", "data": {"qq": 42}},
            {"type": "text", "data": {"text": " 签到"}},
            {"data": {}},
            7,
            {"type": "face"}
        ]));
        assert_eq!(kinds(&segs), ["at", "text", "face"]);
        assert_eq!(segs[0].get("qq").as_deref(), Some("42"));
        assert!(segments(&json!(null)).is_empty());
    }
}
