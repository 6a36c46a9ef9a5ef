//! `RichText` → Telegram HTML (parse mode `HTML`), split into messages that
//! fit Telegram's 4096-character limit on line boundaries.
//!
//! Only `<`, `>`, `&` (and `"` inside attributes) need escaping in
//! Telegram's HTML; every piece of text is escaped, so nothing a member typed
//! can become markup. Formatting never spans lines, so any line boundary is a
//! safe place to split.

use jixia::rich::{Block, Inline, RichText};

/// Telegram's limit on one message's text.
pub const MAX_MESSAGE_UTF16: usize = 4096;

/// One message's worth of a body: the HTML to send and the same text
/// without markup (sent instead if Telegram refuses the HTML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// HTML for parse mode `HTML`.
    pub html: String,
    /// The same text, plain.
    pub plain: String,
}

/// Escapes text for Telegram HTML.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (inside double quotes).
pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

/// Link targets Telegram accepts in `<a href>`; anything else is shown as
/// text, so a broken URL never makes the whole message fail.
fn linkable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "tg://", "mailto:"].iter().any(|p| lower.starts_with(p))
        && !url.contains(char::is_whitespace)
}

fn render_inline(inline: &Inline, html: &mut String, plain: &mut String) {
    match inline {
        Inline::Text(t) => {
            html.push_str(&escape_text(t));
            plain.push_str(t);
        }
        Inline::Bold(t) => {
            html.push_str(&format!("<b>{}</b>", escape_text(t)));
            plain.push_str(t);
        }
        Inline::Code(t) => {
            html.push_str(&format!("<code>{}</code>", escape_text(t)));
            plain.push_str(t);
        }
        Inline::Link { text, url } if linkable(url) => {
            html.push_str(&format!("<a href=\"{}\">{}</a>", escape_attr(url), escape_text(text)));
            plain.push_str(text);
            if text != url && !url.starts_with("tg://") {
                plain.push_str(&format!(" ({url})"));
            }
        }
        Inline::Link { text, url } => {
            let shown = if text == url { url.clone() } else { format!("{text} ({url})") };
            html.push_str(&escape_text(&shown));
            plain.push_str(&shown);
        }
    }
}

/// The body as lines of (HTML, plain), in the order the console prints them:
/// paragraph lines, then list items as `• item`.
fn lines(body: &RichText) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in &body.blocks {
        let (items, bullet) = match block {
            Block::Para(lines) => (lines, ""),
            Block::List(items) => (items, "• "),
        };
        for line in items {
            let (mut html, mut plain) = (bullet.to_owned(), bullet.to_owned());
            for inline in line {
                render_inline(inline, &mut html, &mut plain);
            }
            out.push((html, plain));
        }
    }
    out
}

/// The whole body as one HTML string (no length limit applied).
pub fn render_html(body: &RichText) -> String {
    lines(body).into_iter().map(|(h, _)| h).collect::<Vec<_>>().join("\n")
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The body as messages of at most `limit` UTF-16 units of HTML each (HTML is
/// never shorter than the text Telegram counts, so this is safe). Lines are
/// kept whole when they fit; a longer line loses its formatting and is cut
/// between words (or, for one enormous word, between characters).
pub fn split(body: &RichText, limit: usize) -> Vec<Chunk> {
    let limit = limit.max(16);
    let mut chunks = Vec::new();
    let mut cur = Chunk { html: String::new(), plain: String::new() };
    let mut cur_len = 0;
    let push_line = |html: String, plain: String, chunks: &mut Vec<Chunk>, cur: &mut Chunk, cur_len: &mut usize| {
        let len = utf16_len(&html);
        let sep = usize::from(!cur.html.is_empty());
        if *cur_len + sep + len > limit && !cur.html.is_empty() {
            chunks.push(std::mem::replace(cur, Chunk { html: String::new(), plain: String::new() }));
            *cur_len = 0;
        }
        if !cur.html.is_empty() {
            cur.html.push('\n');
            cur.plain.push('\n');
            *cur_len += 1;
        }
        cur.html.push_str(&html);
        cur.plain.push_str(&plain);
        *cur_len += len;
    };
    for (html, plain) in lines(body) {
        if utf16_len(&html) <= limit {
            push_line(html, plain, &mut chunks, &mut cur, &mut cur_len);
        } else {
            for piece in cut_long_line(&plain, limit) {
                push_line(escape_text(&piece), piece, &mut chunks, &mut cur, &mut cur_len);
            }
        }
    }
    if !cur.html.trim().is_empty() {
        chunks.push(cur);
    }
    chunks.retain(|c| !c.html.trim().is_empty());
    chunks
}

/// Cuts a plain line into pieces whose escaped form fits `limit`, between
/// words where possible.
fn cut_long_line(plain: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0;
    // Words keep their trailing white space, so joining the pieces gives the
    // line back.
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in plain.char_indices() {
        if c.is_whitespace() {
            let end = i + c.len_utf8();
            words.push(&plain[start..end]);
            start = end;
        }
    }
    if start < plain.len() {
        words.push(&plain[start..]);
    }
    for word in words {
        let len = utf16_len(&escape_text(word));
        if cur_len + len > limit && !cur.is_empty() {
            pieces.push(std::mem::take(&mut cur));
            cur_len = 0;
        }
        if len <= limit {
            cur.push_str(word);
            cur_len += len;
            continue;
        }
        for c in word.chars() {
            let clen = utf16_len(&escape_text(c.encode_utf8(&mut [0; 4])));
            if cur_len + clen > limit {
                pieces.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            cur.push(c);
            cur_len += clen;
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_markup_rendered() {
        let body = RichText::from_markup("**Hi** <b>&amp; `a<b` [docs](https://x.org/?a=1&b=\"2\")\n- one & two", &[]);
        assert_eq!(
            render_html(&body),
            "<b>Hi</b> &lt;b&gt;&amp;amp; <code>a&lt;b</code> \
             <a href=\"https://x.org/?a=1&amp;b=&quot;2&quot;\">docs</a>\n• one &amp; two"
        );
    }

    #[test]
    fn arguments_never_become_html() {
        let args = vec!["<a href=\"x\">evil</a>".to_owned()];
        let body = RichText::from_markup(&format!("**{}**", jixia::rich::placeholder(0)), &args);
        assert_eq!(render_html(&body), "<b>&lt;a href=\"x\"&gt;evil&lt;/a&gt;</b>");
    }

    #[test]
    fn odd_links_are_text() {
        let body = RichText::from_markup("[x](javascript:alert(1)) [y](ftp://h)", &[]);
        assert_eq!(render_html(&body), "x (javascript:alert(1)) y (ftp://h)");
    }

    #[test]
    fn short_bodies_are_one_chunk() {
        let chunks = split(&RichText::plain("a\nb"), MAX_MESSAGE_UTF16);
        assert_eq!(chunks, vec![Chunk { html: "a\nb".into(), plain: "a\nb".into() }]);
        assert!(split(&RichText::plain(""), MAX_MESSAGE_UTF16).is_empty());
    }

    #[test]
    fn long_bodies_split_on_lines_and_lose_nothing() {
        let lines: Vec<String> = (0..500).map(|i| format!("line {i} <&> **x**")).collect();
        let text = lines.join("\n");
        let chunks = split(&RichText::plain(&text), 1000);
        assert!(chunks.len() > 5);
        for c in &chunks {
            assert!(utf16_len(&c.html) <= 1000, "{}", c.html.len());
        }
        let plain: Vec<&str> = chunks.iter().map(|c| c.plain.as_str()).collect();
        assert_eq!(plain.join("\n"), text);
    }

    #[test]
    fn one_enormous_line_is_cut_between_words_and_characters() {
        let line = format!("{} {}", "字".repeat(50), "word ".repeat(100));
        let chunks = split(&RichText::plain(&line), 32);
        let joined: String = chunks.iter().map(|c| c.plain.as_str()).collect::<Vec<_>>().join("\n");
        assert_eq!(joined.replace('\n', ""), line);
        for c in &chunks {
            assert!(utf16_len(&c.html) <= 32);
        }
    }

    #[test]
    fn escaping_counts_against_the_limit() {
        let chunks = split(&RichText::plain(&"&".repeat(100)), 50);
        for c in &chunks {
            assert!(utf16_len(&c.html) <= 50);
            assert!(!c.html.ends_with("&am"), "an entity is never cut");
        }
        assert_eq!(chunks.iter().map(|c| c.plain.len()).sum::<usize>(), 100);
    }
}
