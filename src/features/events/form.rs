//! The text of `/event create` and `/event edit`, in either form:
//!
//! ```text
//! /event create "PG 沙龙·杭州" 2026-12-12 14:00 capacity=40 where="杭州市西湖区…"
//!
//! /event create
//! 标题: PG 沙龙·杭州
//! 时间: 12月12日下午2点
//! 结束: 17:00
//! 地点: 杭州市西湖区…
//! 名额: 40
//! 描述: 三个主题分享，
//!   描述可以写多行。
//! ```
//!
//! One line: the title (quote it when it has spaces), the start, then
//! `key=value` pairs (quote a value with spaces: `where="…"`, `地点=「…」`).
//! Lines: `key: value` (`:` or `：`), the keys of [`KEYS`] in Chinese or
//! English, folded (case, width, Traditional). Both can be mixed: a first
//! line, then lines. Only the description spans lines. Nothing is
//! interpreted here (dates, numbers): [`Fields`] are the values as typed.
//! The line splitter is the job post's ([`split_key`]).

use crate::features::hiring::post::split_key;
use crate::features::hiring::text::fold_word;

/// A field of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 标题 / title.
    Title,
    /// 时间 / start.
    Start,
    /// 结束 / end.
    End,
    /// 时区 / tz.
    Tz,
    /// 地点 / where: offline, an address.
    Where,
    /// 链接 / link: online.
    Link,
    /// 名额 / capacity.
    Capacity,
    /// 截止 / deadline of sign-ups.
    Deadline,
    /// 描述 / description (spans lines).
    Description,
    /// 等级 / level: the lowest points level that may join.
    Level,
    /// 角色 / roles: the community's named roles that may join.
    Roles,
}

impl Field {
    /// The Fluent selector naming it in prompts (`events-field`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Start => "start",
            Field::End => "end",
            Field::Tz => "tz",
            Field::Where => "where",
            Field::Link => "link",
            Field::Capacity => "capacity",
            Field::Deadline => "deadline",
            Field::Description => "description",
            Field::Level => "level",
            Field::Roles => "roles",
        }
    }
}

/// Every key, folded.
pub const KEYS: &[(&str, Field)] = &[
    ("标题", Field::Title),
    ("title", Field::Title),
    ("活动", Field::Title),
    ("名称", Field::Title),
    ("主题", Field::Title),
    ("name", Field::Title),
    ("时间", Field::Start),
    ("start", Field::Start),
    ("开始", Field::Start),
    ("开始时间", Field::Start),
    ("日期", Field::Start),
    ("when", Field::Start),
    ("date", Field::Start),
    ("time", Field::Start),
    ("结束", Field::End),
    ("end", Field::End),
    ("结束时间", Field::End),
    ("until", Field::End),
    ("时区", Field::Tz),
    ("tz", Field::Tz),
    ("timezone", Field::Tz),
    ("地点", Field::Where),
    ("where", Field::Where),
    ("地址", Field::Where),
    ("场地", Field::Where),
    ("location", Field::Where),
    ("place", Field::Where),
    ("venue", Field::Where),
    ("address", Field::Where),
    ("链接", Field::Link),
    ("link", Field::Link),
    ("线上", Field::Link),
    ("会议链接", Field::Link),
    ("url", Field::Link),
    ("online", Field::Link),
    ("名额", Field::Capacity),
    ("capacity", Field::Capacity),
    ("人数", Field::Capacity),
    ("限额", Field::Capacity),
    ("容量", Field::Capacity),
    ("seats", Field::Capacity),
    ("截止", Field::Deadline),
    ("deadline", Field::Deadline),
    ("报名截止", Field::Deadline),
    ("截止时间", Field::Deadline),
    ("描述", Field::Description),
    ("description", Field::Description),
    ("介绍", Field::Description),
    ("详情", Field::Description),
    ("说明", Field::Description),
    ("简介", Field::Description),
    ("desc", Field::Description),
    ("details", Field::Description),
    ("about", Field::Description),
    ("等级", Field::Level),
    ("level", Field::Level),
    ("级别", Field::Level),
    ("角色", Field::Roles),
    ("roles", Field::Roles),
    ("role", Field::Roles),
    ("身份组", Field::Roles),
    ("身份", Field::Roles),
];

/// The field a key names.
pub fn lookup(key: &str) -> Option<Field> {
    let folded = fold_word(key);
    KEYS.iter().find(|(k, _)| *k == folded).map(|(_, f)| *f)
}

/// Why a form was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// A key we do not know.
    UnknownKey {
        /// As typed.
        key: String,
    },
    /// A field given twice.
    Twice {
        /// As typed (the second time).
        key: String,
    },
    /// A line that is no `key: value` (outside a description).
    Stray {
        /// The line.
        line: String,
    },
    /// A quote opened and not closed.
    Unclosed,
}

/// The values as typed, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fields(pub Vec<(Field, String)>);

impl Fields {
    /// The value of a field, if given and not blank.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty())
    }

    /// Whether the field was given (even blank: `where=` clears it in an edit).
    pub fn has(&self, field: Field) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    fn add(&mut self, field: Field, key: &str, value: String) -> Result<(), FormError> {
        if self.has(field) {
            return Err(FormError::Twice { key: key.to_owned() });
        }
        self.0.push((field, value));
        Ok(())
    }
}

const QUOTES: [(char, char); 5] = [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’'), ('「', '」')];

/// Words of one line: white space separates, quotes group (also after
/// `key=`), quotes are removed.
fn words(line: &str) -> Result<Vec<String>, FormError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut started = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if let Some((_, close)) = QUOTES.iter().find(|(o, _)| *o == c) {
            started = true;
            let mut closed = false;
            for c in chars.by_ref() {
                if c == *close {
                    closed = true;
                    break;
                }
                cur.push(c);
            }
            if !closed {
                return Err(FormError::Unclosed);
            }
        } else if c.is_whitespace() {
            if started {
                out.push(std::mem::take(&mut cur));
                started = false;
            }
        } else {
            cur.push(c);
            started = true;
        }
    }
    if started {
        out.push(cur);
    }
    Ok(out)
}

/// `key=value` (or `key＝value`) when the part before `=` is a key shape.
fn split_pair(word: &str) -> Option<(&str, &str)> {
    let at = word.find(['=', '＝'])?;
    let key = &word[..at];
    let sep = word[at..].chars().next()?;
    let value = &word[at + sep.len_utf8()..];
    let shaped = !key.is_empty() && key.chars().all(|c| c.is_alphabetic() || c == '_');
    shaped.then_some((key, value))
}

/// `key: value` lines, the description taking every line up to the next
/// known key.
fn read_lines<'a>(lines: impl Iterator<Item = &'a str>, fields: &mut Fields) -> Result<(), FormError> {
    let mut in_description = false;
    for raw in lines {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            if in_description {
                push_description(fields, "");
            }
            continue;
        }
        match split_key(line).map(|(k, v)| (k, v, lookup(k))) {
            Some((key, value, Some(field))) => {
                fields.add(field, key, value.to_owned())?;
                in_description = field == Field::Description;
            }
            _ if in_description => push_description(fields, line.trim()),
            Some((key, _, None)) => return Err(FormError::UnknownKey { key: key.to_owned() }),
            None => return Err(FormError::Stray { line: line.trim().to_owned() }),
        }
    }
    if let Some((_, d)) = fields.0.iter_mut().find(|(f, _)| *f == Field::Description) {
        *d = d.trim().to_owned();
    }
    Ok(())
}

fn push_description(fields: &mut Fields, line: &str) {
    if let Some((_, d)) = fields.0.iter_mut().find(|(f, _)| *f == Field::Description) {
        if !d.is_empty() {
            d.push('\n');
        }
        d.push_str(line);
    }
}

/// `key=value` words.
fn read_pairs(words: &[String], fields: &mut Fields) -> Result<(), FormError> {
    for w in words {
        let Some((key, value)) = split_pair(w) else { return Err(FormError::Stray { line: w.clone() }) };
        let Some(field) = lookup(key) else { return Err(FormError::UnknownKey { key: key.to_owned() }) };
        fields.add(field, key, value.to_owned())?;
    }
    Ok(())
}

/// The body of `/event create`: a first line (title, start, pairs) and/or
/// `key: value` lines.
pub fn parse_create(body: &str) -> Result<Fields, FormError> {
    let mut lines = body.lines();
    let first = lines.next().unwrap_or_default();
    let mut fields = Fields::default();
    // `/event create` followed by lines: the first is already a `key: value`.
    if split_key(first).is_some_and(|(k, _)| lookup(k).is_some()) {
        read_lines(body.lines(), &mut fields)?;
        return Ok(fields);
    }
    let ws = words(first)?;
    if let Some((title, rest)) = ws.split_first() {
        if split_pair(title).is_some() {
            read_pairs(&ws, &mut fields)?;
        } else {
            fields.add(Field::Title, "title", title.clone())?;
            let at = rest.iter().position(|w| split_pair(w).is_some()).unwrap_or(rest.len());
            if at > 0 {
                fields.add(Field::Start, "start", rest[..at].join(" "))?;
            }
            read_pairs(&rest[at..], &mut fields)?;
        }
    }
    read_lines(lines, &mut fields)?;
    Ok(fields)
}

/// The body of `/event edit ID`: `key=value` pairs on the first line and/or
/// `key: value` lines.
pub fn parse_edit(body: &str) -> Result<Fields, FormError> {
    let mut lines = body.lines();
    let first = lines.next().unwrap_or_default();
    let mut fields = Fields::default();
    if split_key(first).is_some_and(|(k, _)| lookup(k).is_some()) && !first.contains(['=', '＝']) {
        read_lines(body.lines(), &mut fields)?;
        return Ok(fields);
    }
    read_pairs(&words(first)?, &mut fields)?;
    read_lines(lines, &mut fields)?;
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(Field, &str)]) -> Fields {
        Fields(pairs.iter().map(|(f, v)| (*f, (*v).to_owned())).collect())
    }

    #[test]
    fn one_line() {
        assert_eq!(
            parse_create(r#""PG 沙龙·杭州" 2026-12-12 14:00 capacity=40 where="杭州 西湖区""#),
            Ok(f(&[
                (Field::Title, "PG 沙龙·杭州"),
                (Field::Start, "2026-12-12 14:00"),
                (Field::Capacity, "40"),
                (Field::Where, "杭州 西湖区")
            ]))
        );
        assert_eq!(
            parse_create("「PG 沙龙」 next Saturday 2pm 名额=30 链接=https://meet.example/pg?a=1"),
            Ok(f(&[
                (Field::Title, "PG 沙龙"),
                (Field::Start, "next Saturday 2pm"),
                (Field::Capacity, "30"),
                (Field::Link, "https://meet.example/pg?a=1")
            ]))
        );
        assert_eq!(parse_create("Meetup 明天 19:30"), Ok(f(&[(Field::Title, "Meetup"), (Field::Start, "明天 19:30")])));
    }

    #[test]
    fn lines_with_chinese_keys() {
        let body = "\n标题: PG 沙龙·杭州\n时间：12月12日下午2点\n结束: 17:00\n地点: 杭州\n名额: 40\n描述: 第一行\n第二行\n\n等级: 2";
        assert_eq!(
            parse_create(body),
            Ok(f(&[
                (Field::Title, "PG 沙龙·杭州"),
                (Field::Start, "12月12日下午2点"),
                (Field::End, "17:00"),
                (Field::Where, "杭州"),
                (Field::Capacity, "40"),
                (Field::Description, "第一行\n第二行"),
                (Field::Level, "2"),
            ]))
        );
        // The text after `/event create` starts on the key lines.
        assert_eq!(
            parse_create("标题: PG 沙龙\n时间: 明天 19:30"),
            Ok(f(&[(Field::Title, "PG 沙龙"), (Field::Start, "明天 19:30")]))
        );
        // English keys, any case; a first line and lines mixed.
        let body = "Salon tomorrow 19:30\nCapacity: 5\nLINK: https://x.example/a";
        assert_eq!(
            parse_create(body),
            Ok(f(&[
                (Field::Title, "Salon"),
                (Field::Start, "tomorrow 19:30"),
                (Field::Capacity, "5"),
                (Field::Link, "https://x.example/a")
            ]))
        );
    }

    #[test]
    fn bad_forms() {
        assert_eq!(parse_create("\n标题: a\n颜色: 红"), Err(FormError::UnknownKey { key: "颜色".into() }));
        assert_eq!(parse_create("a 明天 10:00 color=red"), Err(FormError::UnknownKey { key: "color".into() }));
        assert_eq!(parse_create("\n标题: a\n标题: b"), Err(FormError::Twice { key: "标题".into() }));
        assert_eq!(parse_create("\n标题: a\n随便写写"), Err(FormError::Stray { line: "随便写写".into() }));
        assert_eq!(parse_create("\"a 明天"), Err(FormError::Unclosed));
        assert_eq!(parse_create("a 明天 10:00 capacity=4 x"), Err(FormError::Stray { line: "x".into() }));
    }

    #[test]
    fn edits() {
        assert_eq!(
            parse_edit("capacity=50 时间=\"12月13日 14:00\" where="),
            Ok(f(&[(Field::Capacity, "50"), (Field::Start, "12月13日 14:00"), (Field::Where, "")]))
        );
        assert_eq!(parse_edit("名额: 50\n结束: 18:00"), Ok(f(&[(Field::Capacity, "50"), (Field::End, "18:00")])));
        assert_eq!(parse_edit("x"), Err(FormError::Stray { line: "x".into() }));
        assert_eq!(
            parse_edit("roles=speakers,志愿者\n角色: a b"),
            Err(FormError::Twice { key: "角色".into() }),
            "roles is one field, in English or Chinese"
        );
        assert_eq!(parse_edit("角色=讲师、志愿者"), Ok(f(&[(Field::Roles, "讲师、志愿者")])));
        let blank = parse_edit("capacity=50 where=");
        assert!(blank.as_ref().is_ok_and(|b| b.has(Field::Where) && b.get(Field::Where).is_none()));
    }
}
