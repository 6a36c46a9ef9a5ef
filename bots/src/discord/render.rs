//! `RichText` → Discord markdown, escaped so that nothing a member typed is
//! read as formatting, and split into messages of at most 2 000 characters
//! on line boundaries.

use jixia::rich::{Block, Inline, RichText};

/// Discord's limit on a message's `content`, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Characters that start markdown somewhere in Discord (inline or at the
/// start of a line). Discord drops a backslash before any ASCII punctuation,
/// so escaping a few too many is harmless.
const SPECIAL: &[char] = &['\\', '*', '_', '~', '`', '|', '>', '#', '-', '[', ']', '(', ')', '<'];

/// Escapes plain text for Discord markdown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Inline code: backticks inside are handled by a double-backtick fence;
/// code holding a double backtick falls back to escaped plain text.
fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    if !text.contains('`') {
        return format!("`{text}`");
    }
    if !text.contains("``") && !text.ends_with('`') && !text.starts_with('`') {
        return format!("`` {text} ``");
    }
    escape(text)
}

/// A link: a masked link for bot messages (`[text](<url>)`, the angle
/// brackets keep Discord from embedding a preview); a bare URL in `<…>`.
fn link(text: &str, url: &str) -> String {
    let safe_url: String = url.chars().filter(|c| !c.is_whitespace() && *c != '>' && *c != '<').collect();
    if !(safe_url.starts_with("https://") || safe_url.starts_with("http://")) {
        return escape(if text == url { url } else { text });
    }
    if text == url || text.is_empty() { format!("<{safe_url}>") } else { format!("[{}](<{safe_url}>)", escape(text)) }
}

fn line(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) => s.push_str(&escape(t)),
            Inline::Bold(t) if t.trim().is_empty() => s.push_str(&escape(t)),
            Inline::Bold(t) => {
                s.push_str("**");
                s.push_str(&escape(t));
                s.push_str("**");
            }
            Inline::Code(t) => s.push_str(&code(t)),
            Inline::Link { text, url } => s.push_str(&link(text, url)),
        }
    }
    s
}

/// Renders rich text as Discord markdown, one line per line of the text.
pub fn render_markdown(text: &RichText) -> String {
    let mut lines: Vec<String> = Vec::new();
    for block in &text.blocks {
        match block {
            Block::Para(ls) => lines.extend(ls.iter().map(|l| line(l))),
            Block::List(items) => lines.extend(items.iter().map(|l| format!("• {}", line(l)))),
        }
    }
    lines.join("\n")
}

/// Splits rendered text into messages of at most `max` characters, at line
/// boundaries; a single longer line is cut at a space when it can be, never
/// inside an escape.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    for l in text.split('\n') {
        let len = l.chars().count();
        if len > max {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
                current_len = 0;
            }
            out.extend(cut_line(l, max));
            continue;
        }
        let needed = if current.is_empty() { len } else { len + 1 };
        if current_len + needed > max {
            out.push(std::mem::take(&mut current));
            current_len = 0;
        }
        if !current.is_empty() {
            current.push('\n');
            current_len += 1;
        }
        current.push_str(l);
        current_len += len;
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out.retain(|m| !m.trim().is_empty());
    out
}

/// Cuts one over-long line into pieces of at most `max` characters.
fn cut_line(l: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = l.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + max).min(chars.len());
        if end < chars.len() {
            // Prefer a space in the last quarter; never end on an escape.
            if let Some(space) = (start + max * 3 / 4..end).rev().find(|&i| chars[i] == ' ') {
                end = space + 1;
            }
            let backslashes = chars[start..end].iter().rev().take_while(|c| **c == '\\').count();
            if backslashes % 2 == 1 {
                end -= 1;
            }
        }
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_text_cannot_format() {
        let r = RichText::from_markup(
            &format!("**Saved** by {}: use `/help`", jixia::rich::placeholder(0)),
            &["*bob* _x_ `y` <@123> > quote".to_owned()],
        );
        assert_eq!(render_markdown(&r), "**Saved** by \\*bob\\* \\_x\\_ \\`y\\` \\<@123\\> \\> quote: use `/help`");
    }

    #[test]
    fn lists_links_and_code() {
        let r = RichText::from_markup(
            "- [docs](https://www.postgresql.org/docs/) and https://x.org/a_b\n- [x](javascript:alert)",
            &[],
        );
        assert_eq!(render_markdown(&r), "• [docs](<https://www.postgresql.org/docs/>) and https://x.org/a\\_b\n• x");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("``"), "\\`\\`");
    }

    #[test]
    fn splitting_keeps_lines_whole_and_loses_nothing() {
        let text: Vec<String> = (0..300).map(|i| format!("• 第 {i} 条：VACUUM 与 autovacuum 的区别")).collect();
        let text = text.join("\n");
        let parts = split(&text, MAX_MESSAGE_CHARS);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_MESSAGE_CHARS));
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn a_huge_line_is_cut_but_not_inside_an_escape() {
        let line = "\\*".repeat(1500);
        let parts = split(&line, MAX_MESSAGE_CHARS);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_MESSAGE_CHARS && p.starts_with('\\')));
        assert_eq!(parts.concat(), line);
        assert!(split("  \n \n", 10).is_empty());
    }
}
