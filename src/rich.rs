//! Platform-neutral rich text: paragraphs of text, bold, code, links and
//! lists. Prompts write a tiny markup (`**bold**`, `` `code` ``,
//! `[text](url)`, `- item`); adapters render the structure with their own
//! escaping, so member-supplied text can never inject formatting.

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Bold text.
    Bold(String),
    /// Inline code (commands, identifiers).
    Code(String),
    /// A link.
    Link {
        /// The visible text.
        text: String,
        /// The target.
        url: String,
    },
}

/// A block of a message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    /// Lines of inline text; each inner `Vec` is one line.
    Para(Vec<Vec<Inline>>),
    /// A bulleted list; each item is one line of inline text.
    List(Vec<Vec<Inline>>),
}

/// A message body.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RichText {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

impl RichText {
    /// Plain text, taken literally (no markup is interpreted).
    pub fn plain(text: &str) -> RichText {
        let lines = text.lines().map(|l| vec![Inline::Text(l.to_owned())]).collect();
        RichText { blocks: vec![Block::Para(lines)] }
    }

    /// A bulleted list of plain-text items.
    pub fn list<S: AsRef<str>>(items: &[S]) -> RichText {
        let items = items.iter().map(|i| vec![Inline::Text(i.as_ref().to_owned())]).collect();
        RichText { blocks: vec![Block::List(items)] }
    }

    /// Appends the blocks of `other`.
    pub fn append(&mut self, other: RichText) {
        self.blocks.extend(other.blocks);
    }

    /// Parses prompt markup. `args` are substituted where the text holds a
    /// placeholder made by [`placeholder`]; they always become plain text.
    pub fn from_markup(src: &str, args: &[String]) -> RichText {
        let mut blocks = Vec::new();
        let mut para: Vec<Vec<Inline>> = Vec::new();
        let mut list: Vec<Vec<Inline>> = Vec::new();
        for line in src.lines() {
            let trimmed = line.trim_end();
            if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("• ")) {
                if !para.is_empty() {
                    blocks.push(Block::Para(std::mem::take(&mut para)));
                }
                list.push(parse_inlines(item, args));
            } else if trimmed.trim().is_empty() {
                if !para.is_empty() {
                    blocks.push(Block::Para(std::mem::take(&mut para)));
                }
                if !list.is_empty() {
                    blocks.push(Block::List(std::mem::take(&mut list)));
                }
            } else {
                if !list.is_empty() {
                    blocks.push(Block::List(std::mem::take(&mut list)));
                }
                para.push(parse_inlines(trimmed, args));
            }
        }
        if !para.is_empty() {
            blocks.push(Block::Para(para));
        }
        if !list.is_empty() {
            blocks.push(Block::List(list));
        }
        RichText { blocks }
    }

    /// Renders as plain text: what the console prints and what tests read.
    /// Lists become `• item` lines; links `text (url)`.
    pub fn to_plain(&self) -> String {
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Para(lines) => out.extend(lines.iter().map(|l| plain_line(l))),
                Block::List(items) => out.extend(items.iter().map(|l| format!("• {}", plain_line(l)))),
            }
        }
        out.join("\n")
    }
}

fn plain_line(line: &[Inline]) -> String {
    let mut s = String::new();
    for inline in line {
        match inline {
            Inline::Text(t) | Inline::Bold(t) | Inline::Code(t) => s.push_str(t),
            Inline::Link { text, url } if text == url => s.push_str(url),
            Inline::Link { text, url } => {
                s.push_str(text);
                s.push_str(" (");
                s.push_str(url);
                s.push(')');
            }
        }
    }
    s
}

const PH_OPEN: char = '\u{E000}';
const PH_CLOSE: char = '\u{E001}';

/// The placeholder standing for argument `i` while prompt markup is parsed.
/// It is made of private-use characters; a member who types one can at worst
/// make another argument appear, which is still rendered as plain text.
pub fn placeholder(i: usize) -> String {
    format!("{PH_OPEN}{i}{PH_CLOSE}")
}

/// Replaces placeholders in a literal span with their argument text.
fn substitute(span: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(span.len());
    let mut rest = span;
    while let Some(start) = rest.find(PH_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PH_OPEN.len_utf8()..];
        match after.find(PH_CLOSE) {
            Some(end) => {
                match after[..end].parse::<usize>().ok().and_then(|i| args.get(i)) {
                    Some(arg) => out.push_str(arg),
                    None => out.push_str(&after[..end]),
                }
                rest = &after[end + PH_CLOSE.len_utf8()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits one line of markup into inline runs.
fn parse_inlines(line: &str, args: &[String]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    let flush = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(substitute(text, args)));
            text.clear();
        }
    };
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
        {
            flush(&mut text, &mut out);
            out.push(Inline::Bold(substitute(&after[..end], args)));
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('`')
            && let Some(end) = after.find('`')
        {
            flush(&mut text, &mut out);
            out.push(Inline::Code(substitute(&after[..end], args)));
            rest = &after[end + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('[')
            && let Some(mid) = after.find("](")
            && let Some(end) = after[mid + 2..].find(')')
        {
            flush(&mut text, &mut out);
            let url = substitute(&after[mid + 2..mid + 2 + end], args);
            out.push(Inline::Link { text: substitute(&after[..mid], args), url });
            rest = &after[mid + 2 + end + 1..];
            continue;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_structure() {
        let r = RichText::from_markup("**Hi** use `/help` or [docs](https://x.org)\n\n- one\n- two", &[]);
        assert_eq!(
            r.blocks,
            vec![
                Block::Para(vec![vec![
                    Inline::Bold("Hi".into()),
                    Inline::Text(" use ".into()),
                    Inline::Code("/help".into()),
                    Inline::Text(" or ".into()),
                    Inline::Link { text: "docs".into(), url: "https://x.org".into() },
                ]]),
                Block::List(vec![vec![Inline::Text("one".into())], vec![Inline::Text("two".into())]]),
            ]
        );
        assert_eq!(r.to_plain(), "Hi use /help or docs (https://x.org)\n• one\n• two");
    }

    #[test]
    fn arguments_are_never_markup() {
        let args = vec!["**not bold** `x`".to_owned()];
        let r = RichText::from_markup(&format!("name: {}", placeholder(0)), &args);
        assert_eq!(r.blocks, vec![Block::Para(vec![vec![Inline::Text("name: **not bold** `x`".into())]])]);
    }

    #[test]
    fn unclosed_markup_is_literal() {
        let r = RichText::from_markup("a ** b ` c [d](e", &[]);
        assert_eq!(r.to_plain(), "a ** b ` c [d](e");
    }
}
