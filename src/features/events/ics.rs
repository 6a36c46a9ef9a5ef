//! The calendar file of an event (RFC 5545): times in UTC, a UID that
//! stays the same for the event (`E12-COMMUNITY@jixia`), `SEQUENCE` raised
//! by every edit and the cancel, `STATUS:CANCELLED` (and `METHOD:CANCEL`)
//! once cancelled. Text is escaped and lines folded at 75 octets. Pure.

use chrono::{DateTime, Utc};

use crate::features::events::store::{Event, EventState};

/// `20261212T060000Z`.
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value escaped (RFC 5545 3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a character), CRLF.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The stable UID of an event.
pub fn uid(e: &Event) -> String {
    format!("{}-{}@jixia", e.number, e.community)
}

/// The `.ics` text of `e`. `_now` is unused on purpose: the file of an
/// unchanged event is the same every time (DTSTAMP is its last change).
pub fn calendar(e: &Event, _community: &str, _now: DateTime<Utc>) -> String {
    let cancelled = e.state == EventState::Cancelled;
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//jixia//events//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, if cancelled { "METHOD:CANCEL" } else { "METHOD:PUBLISH" });
    line(&mut out, "BEGIN:VEVENT");
    line(&mut out, &format!("UID:{}", uid(e)));
    line(&mut out, &format!("SEQUENCE:{}", e.sequence));
    line(&mut out, &format!("DTSTAMP:{}", utc(e.updated_at)));
    line(&mut out, &format!("DTSTART:{}", utc(e.data.starts_at)));
    if let Some(end) = e.data.ends_at {
        line(&mut out, &format!("DTEND:{}", utc(end)));
    }
    line(&mut out, &format!("SUMMARY:{}", escape(&e.data.title)));
    if let Some(place) = &e.data.place {
        line(&mut out, &format!("LOCATION:{}", escape(place)));
        if e.data.online {
            line(&mut out, &format!("URL:{place}"));
        }
    }
    if !e.data.description.is_empty() {
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.data.description)));
    }
    line(&mut out, if cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
    line(&mut out, "END:VEVENT");
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_folded_between_characters() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "稷".repeat(40));
        line(&mut out, &long);
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }
}
