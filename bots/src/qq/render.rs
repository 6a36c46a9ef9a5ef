//! `RichText` → QQ messages. QQ shows no Markdown, so the body is plain
//! text ([`RichText::to_plain`]: lists as `•` lines, links as `text (url)`),
//! buttons become lines naming the command to send, and a long body is
//! split into messages of at most [`MAX_MESSAGE_CHARS`] characters on line
//! boundaries. Each message is sent as a segment array: a `reply` segment
//! first when it answers a message, then one `text` segment, so nothing a
//! member typed can become a CQ code.

use jixia::message::Button;
use jixia::rich::RichText;
use serde_json::{Value, json};

/// The most characters jixia puts in one QQ message (QQ refuses or folds
/// much longer ones).
pub const MAX_MESSAGE_CHARS: usize = 4500;

/// The body and the buttons as plain text: one `▸ label: /command` line per
/// button (a label that is the command itself is shown once).
pub fn plain(body: &RichText, buttons: &[Button]) -> String {
    let mut text = body.to_plain();
    for b in buttons {
        if !text.is_empty() {
            text.push('\n');
        }
        if b.label.trim() == b.data.trim() {
            text.push_str(&format!("▸ {}", b.data));
        } else {
            text.push_str(&format!("▸ {}: {}", b.label, b.data));
        }
    }
    text
}

/// Splits `text` into pieces of at most `limit` characters: whole lines
/// where they fit; a longer line is cut at a space, or between characters
/// when it has none near the end.
pub fn split(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(16);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0;
    for line in text.lines() {
        let mut line = line.to_owned();
        loop {
            let len = line.chars().count();
            let sep = usize::from(!cur.is_empty());
            if cur_len + sep + len <= limit {
                if sep == 1 {
                    cur.push('\n');
                }
                cur.push_str(&line);
                cur_len += sep + len;
                break;
            }
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                cur_len = 0;
                continue;
            }
            // A line longer than a whole message: cut it.
            let cut_at = cut(&line, limit);
            let rest = line.split_off(cut_at);
            out.push(line.trim_end().to_owned());
            line = rest.trim_start().to_owned();
        }
    }
    out.push(cur);
    out.into_iter().map(|c| c.trim_end().to_owned()).filter(|c| !c.trim().is_empty()).collect()
}

/// The byte index to cut `line` at so the first piece has at most `limit`
/// characters: at the last space in the second half of the piece if there
/// is one, else at exactly `limit` characters.
fn cut(line: &str, limit: usize) -> usize {
    let hard = line.char_indices().nth(limit).map_or(line.len(), |(i, _)| i);
    let half = line.char_indices().nth(limit / 2).map_or(0, |(i, _)| i);
    match line[..hard].rfind(' ') {
        Some(space) if space > half => space,
        _ => hard,
    }
}

/// One message as OneBot segments: a reply to `reply_to` (the OneBot
/// `message_id`) when given, then the text.
pub fn segments(reply_to: Option<i64>, text: &str) -> Value {
    let mut segs = Vec::new();
    if let Some(id) = reply_to {
        segs.push(json!({"type": "reply", "data": {"id": id.to_string()}}));
    }
    segs.push(json!({"type": "text", "data": {"text": text}}));
    Value::Array(segs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_bullets_and_buttons_name_their_command() {
        let mut body =
            RichText::from_markup("**今日摘要**\n\n- 新 FAQ：[WAL](https://pg.example/wal)\n- `/checkin`", &[]);
        body.append(RichText::plain("*不是* Markdown"));
        let buttons = [
            Button { label: "签到".into(), data: "/checkin".into() },
            Button { label: "/ping".into(), data: "/ping".into() },
        ];
        assert_eq!(
            plain(&body, &buttons),
            "今日摘要\n• 新 FAQ：WAL (https://pg.example/wal)\n• /checkin\n*不是* Markdown\n▸ 签到: /checkin\n▸ /ping"
        );
        assert_eq!(plain(&RichText::default(), &buttons[1..]), "▸ /ping");
    }

    #[test]
    fn long_text_splits_on_lines_then_words_then_characters() {
        let lines: Vec<String> = (0..2000).map(|i| format!("• 第{i}条 entry")).collect();
        let text = lines.join("\n");
        let parts = split(&text, MAX_MESSAGE_CHARS);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_MESSAGE_CHARS));
        assert_eq!(parts.join("\n"), text, "nothing lost, lines kept whole");

        let words = "word ".repeat(2000);
        let parts = split(&words, 100);
        assert!(parts.iter().all(|p| p.chars().count() <= 100 && !p.starts_with(' ') && p.ends_with("word")));
        assert_eq!(parts.join(" "), words.trim_end());

        let han = "稷".repeat(250);
        let parts = split(&han, 100);
        assert_eq!(parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(), [100, 100, 50]);
        assert!(split("\n \n", 100).is_empty());
    }

    #[test]
    fn a_reply_goes_first_and_text_is_never_code() {
        let segs = segments(Some(-5), "[CQ:at,qq=all] hi");
        assert_eq!(
            segs,
            json!([{"type": "reply", "data": {"id": "-5"}}, {"type": "text", "data": {"text": "[CQ:at,qq=all] hi"}}])
        );
        assert_eq!(segments(None, "x"), json!([{"type": "text", "data": {"text": "x"}}]));
    }
}
