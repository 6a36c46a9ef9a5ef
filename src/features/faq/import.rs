//! FAQ files in and out: JSON Lines (`{"id","question","answer","lang"}`,
//! optional `link`, `tags`, `aliases`; other fields ignored), CSV with a
//! header row naming the same columns, and Markdown where each `## heading`
//! is a question and the text below it the answer (`## question {#id}`
//! sets the id; a last line `Link: URL` the link).
//!
//! Parsing checks the whole file first and reports every bad row with its
//! line number; the store then imports all entries in one transaction, so
//! a bad file changes nothing. Text is cleaned like chat messages
//! ([`crate::message::clean_text`]): NUL, control characters and
//! non-characters, raw or written as JSON escapes (`\u0000`), are dropped.

use std::collections::HashMap;
use std::fmt;

use super::normalize::tokenize;
use super::store::{FaqEntry, ImportSummary};
use crate::i18n::Locale;
use crate::message::clean_text;

/// Largest FAQ file read (bytes).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Longest question (characters).
pub const MAX_QUESTION_CHARS: usize = 500;
/// Longest answer (characters).
pub const MAX_ANSWER_CHARS: usize = 4000;

/// Reads a FAQ file, at most [`MAX_FILE_BYTES`]: an input that goes on
/// past the limit is refused as soon as it does, without reading the rest
/// (`faq import /dev/zero` stops at once instead of growing without bound).
pub fn read_limited(reader: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_FILE_BYTES).unwrap_or(u64::MAX);
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than {} MB ({MAX_FILE_BYTES} bytes), the limit for a FAQ file", MAX_FILE_BYTES >> 20),
        ));
    }
    Ok(bytes)
}

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaqFormat {
    /// JSON Lines.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Markdown, `## question` headings.
    Markdown,
}

impl FaqFormat {
    /// The format a file name implies (`.jsonl`/`.json`, `.csv`, `.md`).
    pub fn from_path(path: &str) -> Option<FaqFormat> {
        let lower = path.to_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".json") || lower.ends_with(".ndjson") {
            Some(FaqFormat::Jsonl)
        } else if lower.ends_with(".csv") {
            Some(FaqFormat::Csv)
        } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
            Some(FaqFormat::Markdown)
        } else {
            None
        }
    }

    /// Parses `jsonl`, `csv` or `md`.
    pub fn parse(name: &str) -> Option<FaqFormat> {
        match name {
            "jsonl" | "json" => Some(FaqFormat::Jsonl),
            "csv" => Some(FaqFormat::Csv),
            "md" | "markdown" => Some(FaqFormat::Markdown),
            _ => None,
        }
    }
}

/// A problem in a file, with the line it is on (1-based) when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The line.
    pub line: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ImportError {
    /// An error on a line.
    pub fn line(line: usize, message: impl Into<String>) -> ImportError {
        ImportError { line: Some(line), message: message.into() }
    }

    /// An error about the whole file.
    pub fn file(message: impl Into<String>) -> ImportError {
        ImportError { line: None, message: message.into() }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(n) => write!(f, "line {n}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// All the problems of a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ImportErrors(pub Vec<ImportError>);

/// Whether `id` is a valid entry id: 1–64 of `a-z 0-9 . _ -`, starting with
/// a letter or digit (`vacuum-full`, `pg-en-4.11.3`).
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

/// The language a question is written in, when a file does not say.
pub fn detect_lang(text: &str) -> Locale {
    if tokenize(text).is_chinese() { Locale::Zh } else { Locale::En }
}

/// A stable id for an entry that has none (Markdown headings without
/// `{#id}`): an ASCII slug of the question, or a hash of it.
pub fn derive_id(question: &str) -> String {
    let slug: String = question
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    if slug.len() >= 3 && question.is_ascii() {
        return slug.chars().take(48).collect();
    }
    // FNV-1a: stable across builds and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in question.trim().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("faq-{h:08x}")
}

/// Splits bytes into lines, reporting lines that are not UTF-8 (a file in
/// mixed encodings) instead of guessing.
fn utf8_lines(bytes: &[u8], errors: &mut Vec<ImportError>) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match std::str::from_utf8(line) {
                Ok(s) => s.to_owned(),
                Err(_) => {
                    errors.push(ImportError::line(i + 1, "not UTF-8 text (save the file as UTF-8)"));
                    String::new()
                }
            }
        })
        .collect()
}

/// A raw row before checks: fields as read, and its line.
#[derive(Debug, Default)]
struct Row {
    line: usize,
    id: Option<String>,
    question: String,
    answer: String,
    lang: Option<String>,
    link: Option<String>,
    tags: Vec<String>,
    aliases: Vec<String>,
}

/// Parses a FAQ file. Either every entry, or every problem found.
pub fn parse(bytes: &[u8], format: FaqFormat) -> Result<Vec<FaqEntry>, ImportErrors> {
    let mut errors = Vec::new();
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportErrors(vec![ImportError::file(format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES}",
            bytes.len()
        ))]));
    }
    let lines = utf8_lines(bytes, &mut errors);
    if lines.iter().all(|l| l.trim().is_empty()) && errors.is_empty() {
        return Err(ImportErrors(vec![ImportError::file("the file is empty: no FAQ entries")]));
    }
    let rows = match format {
        FaqFormat::Jsonl => jsonl_rows(&lines, &mut errors),
        FaqFormat::Csv => csv_rows(&lines, &mut errors),
        FaqFormat::Markdown => markdown_rows(&lines, &mut errors),
    };
    let entries = check_rows(rows, &mut errors);
    if errors.is_empty() && entries.is_empty() {
        errors.push(ImportError::file("no FAQ entries found"));
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        errors.sort_by_key(|e| e.line.unwrap_or(0));
        Err(ImportErrors(errors))
    }
}

/// One entry made as a file's row is (cleaned, the same limits, the id
/// checked, the language detected): an entry approved in chat from a bounty
/// answer is stored the way an imported one is. Every problem, or the entry.
pub fn checked_entry(id: &str, question: &str, answer: &str) -> Result<FaqEntry, ImportErrors> {
    let row = Row {
        line: 1,
        id: Some(id.to_owned()),
        question: question.to_owned(),
        answer: answer.to_owned(),
        ..Row::default()
    };
    let mut errors = Vec::new();
    let mut entries = check_rows(vec![row], &mut errors);
    match entries.pop() {
        Some(entry) if errors.is_empty() => Ok(entry),
        _ => Err(ImportErrors(errors)),
    }
}

fn check_rows(rows: Vec<Row>, errors: &mut Vec<ImportError>) -> Vec<FaqEntry> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    let clean = |s: &str| clean_text(s.trim()).trim().to_owned();
    for row in rows {
        let question = clean(&row.question);
        let answer = clean(&row.answer);
        if question.is_empty() {
            errors.push(ImportError::line(row.line, "the entry has no question"));
            continue;
        }
        if answer.is_empty() {
            errors.push(ImportError::line(row.line, "the entry has no answer"));
            continue;
        }
        if question.chars().count() > MAX_QUESTION_CHARS {
            errors.push(ImportError::line(
                row.line,
                format!("the question is longer than {MAX_QUESTION_CHARS} characters"),
            ));
            continue;
        }
        if answer.chars().count() > MAX_ANSWER_CHARS {
            errors
                .push(ImportError::line(row.line, format!("the answer is longer than {MAX_ANSWER_CHARS} characters")));
            continue;
        }
        let id = match row.id.map(|s| s.trim().to_lowercase()) {
            Some(id) if !valid_id(&id) => {
                errors.push(ImportError::line(
                    row.line,
                    format!("bad id {id:?}: use 1-64 of a-z, 0-9, '.', '_', '-' (like vacuum-full)"),
                ));
                continue;
            }
            Some(id) => id,
            None => derive_id(&question),
        };
        if let Some(first) = seen.get(&id) {
            errors.push(ImportError::line(row.line, format!("duplicate id {id:?} (first on line {first})")));
            continue;
        }
        seen.insert(id.clone(), row.line);
        let lang = match row.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(l) => match Locale::parse(l) {
                Some(l) => l,
                None => {
                    errors.push(ImportError::line(row.line, format!("unknown language {l:?} (zh or en)")));
                    continue;
                }
            },
            None => detect_lang(&question),
        };
        out.push(FaqEntry {
            id,
            question,
            answer,
            link: row.link.map(|l| clean(&l)).filter(|l| !l.is_empty()),
            tags: row.tags.iter().map(|t| clean(t)).filter(|t| !t.is_empty()).collect(),
            lang,
            aliases: row.aliases.iter().map(|a| clean(a)).filter(|a| !a.is_empty()).collect(),
            ..FaqEntry::default()
        });
    }
    out
}

fn list_field(v: Option<&serde_json::Value>) -> Result<Vec<String>, String> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::String(s)) => Ok(split_list(s)),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or_else(|| "list items must be text".to_owned()))
            .collect(),
        Some(_) => Err("expected text or a list of text".into()),
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', ';', '；', '|']).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()
}

fn jsonl_rows(lines: &[String], errors: &mut Vec<ImportError>) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                errors.push(ImportError::line(n, format!("not a JSON object: {e}")));
                continue;
            }
        };
        let Some(obj) = value.as_object() else {
            errors.push(ImportError::line(n, "not a JSON object"));
            continue;
        };
        let text = |key: &str| -> Result<Option<String>, String> {
            match obj.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(serde_json::Value::Number(x)) if key == "id" => Ok(Some(x.to_string())),
                Some(_) => Err(format!("\"{key}\" must be text")),
            }
        };
        let row = (|| -> Result<Row, String> {
            Ok(Row {
                line: n,
                id: Some(text("id")?.ok_or("missing \"id\"")?),
                question: text("question")?.unwrap_or_default(),
                answer: text("answer")?.unwrap_or_default(),
                lang: text("lang")?,
                link: text("link")?,
                tags: list_field(obj.get("tags")).map_err(|e| format!("\"tags\": {e}"))?,
                aliases: list_field(obj.get("aliases")).map_err(|e| format!("\"aliases\": {e}"))?,
            })
        })();
        match row {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(ImportError::line(n, e)),
        }
    }
    rows
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and line
/// breaks. Returns (first line of the record, fields).
fn csv_records(lines: &[String], errors: &mut Vec<ImportError>) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i + 1;
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars: Vec<char> = lines[i].chars().collect();
        let mut j = 0;
        loop {
            if j >= chars.len() {
                if quoted {
                    i += 1;
                    if i >= lines.len() {
                        errors.push(ImportError::line(start, "a quoted field is never closed"));
                        return records;
                    }
                    field.push('\n');
                    chars = lines[i].chars().collect();
                    j = 0;
                    continue;
                }
                fields.push(std::mem::take(&mut field));
                break;
            }
            let c = chars[j];
            if quoted {
                if c == '"' {
                    if chars.get(j + 1) == Some(&'"') {
                        field.push('"');
                        j += 1;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.push(c);
                }
            } else if c == '"' && field.trim().is_empty() {
                field.clear();
                quoted = true;
            } else if c == ',' {
                fields.push(std::mem::take(&mut field));
            } else {
                field.push(c);
            }
            j += 1;
        }
        records.push((start, fields));
        i += 1;
    }
    records
}

fn csv_rows(lines: &[String], errors: &mut Vec<ImportError>) -> Vec<Row> {
    let records = csv_records(lines, errors);
    let Some(((header_line, header), body)) = records.split_first() else {
        return Vec::new();
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| names.iter().position(|n| n == name);
    let (Some(id), Some(q), Some(a)) = (col("id"), col("question"), col("answer")) else {
        errors.push(ImportError::line(
            *header_line,
            "the first row must name the columns: id,question,answer[,lang,link,tags,aliases]",
        ));
        return Vec::new();
    };
    let (lang, link, tags, aliases) = (col("lang"), col("link"), col("tags"), col("aliases"));
    let get = |fields: &[String], i: Option<usize>| i.and_then(|i| fields.get(i)).cloned();
    body.iter()
        .map(|(line, f)| Row {
            line: *line,
            id: get(f, Some(id)),
            question: get(f, Some(q)).unwrap_or_default(),
            answer: get(f, Some(a)).unwrap_or_default(),
            lang: get(f, lang),
            link: get(f, link),
            tags: get(f, tags).map(|t| split_list(&t)).unwrap_or_default(),
            aliases: get(f, aliases).map(|t| t.split('|').map(str::to_owned).collect()).unwrap_or_default(),
        })
        .collect()
}

fn markdown_rows(lines: &[String], errors: &mut Vec<ImportError>) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            let (question, attrs) = match heading.trim_end().strip_suffix('}').and_then(|h| h.rsplit_once('{')) {
                Some((q, attrs)) => (q.trim(), Some(attrs)),
                None => (heading.trim(), None),
            };
            let mut row = Row { line: i + 1, question: question.to_owned(), ..Row::default() };
            for attr in attrs.unwrap_or_default().split_whitespace() {
                if let Some(id) = attr.strip_prefix('#') {
                    row.id = Some(id.to_owned());
                } else if let Some(lang) = attr.strip_prefix("lang=") {
                    row.lang = Some(lang.to_owned());
                }
            }
            rows.push(row);
            continue;
        }
        let Some(row) = rows.last_mut() else { continue };
        let trimmed = line.trim();
        let link = ["Link:", "链接：", "链接:"].iter().find_map(|p| trimmed.strip_prefix(p));
        if let Some(link) = link {
            row.link = Some(link.trim().to_owned());
        } else if let Some(tags) = trimmed.strip_prefix("Tags:") {
            row.tags = split_list(tags);
        } else {
            row.answer.push_str(line);
            row.answer.push('\n');
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(ImportError::file(
            "no \"## question\" headings found: each entry starts with a line \"## question\"",
        ));
    }
    rows
}

/// Writes entries in a format [`parse`] reads back.
pub fn export(entries: &[FaqEntry], format: FaqFormat) -> String {
    let mut out = String::new();
    match format {
        FaqFormat::Jsonl => {
            for e in entries {
                let mut obj = serde_json::json!({
                    "id": e.id, "question": e.question, "answer": e.answer, "lang": e.lang.code(),
                });
                if let Some(map) = obj.as_object_mut() {
                    if let Some(link) = &e.link {
                        map.insert("link".into(), link.clone().into());
                    }
                    if !e.tags.is_empty() {
                        map.insert("tags".into(), e.tags.clone().into());
                    }
                    if !e.aliases.is_empty() {
                        map.insert("aliases".into(), e.aliases.clone().into());
                    }
                }
                out.push_str(&obj.to_string());
                out.push('\n');
            }
        }
        FaqFormat::Csv => {
            out.push_str("id,question,answer,lang,link,tags,aliases\n");
            for e in entries {
                let fields = [
                    e.id.clone(),
                    e.question.clone(),
                    e.answer.clone(),
                    e.lang.code().to_owned(),
                    e.link.clone().unwrap_or_default(),
                    e.tags.join(","),
                    e.aliases.join("|"),
                ];
                let quoted: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
                out.push_str(&quoted.join(","));
                out.push('\n');
            }
        }
        FaqFormat::Markdown => {
            for e in entries {
                out.push_str(&format!("## {} {{#{} lang={}}}\n\n{}\n", e.question, e.id, e.lang.code(), e.answer));
                if !e.tags.is_empty() {
                    out.push_str(&format!("Tags: {}\n", e.tags.join(", ")));
                }
                if let Some(link) = &e.link {
                    out.push_str(&format!("Link: {link}\n"));
                }
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(bytes: &[u8], f: FaqFormat) -> Vec<String> {
        match parse(bytes, f) {
            Ok(e) => panic!("expected errors, got {e:?}"),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn jsonl_with_extra_fields_and_detected_language() {
        let src = "{\"id\":\"a\",\"question\":\"怎么看版本？\",\"answer\":\"select version();\",\"x\":1}\n\n\
                   {\"id\":\"b\",\"question\":\"How?\",\"answer\":\"So.\",\"lang\":\"en\",\"tags\":[\"t\"],\"aliases\":[\"how so\"]}\n";
        let e = parse(src.as_bytes(), FaqFormat::Jsonl).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].lang, Locale::Zh);
        assert_eq!(e[1].aliases, vec!["how so"]);
    }

    #[test]
    fn bad_rows_are_reported_with_line_numbers() {
        let src = "{\"id\":\"a\",\"question\":\"Q\",\"answer\":\"A\"}\n{\"id\":\"a\",\"question\":\"Q2\",\"answer\":\"A\"}\n\
                   {\"id\":\"b\",\"answer\":\"A\"}\nnot json\n{\"id\":\"Bad Id!\",\"question\":\"Q\",\"answer\":\"A\"}\n";
        let e = errs(src.as_bytes(), FaqFormat::Jsonl);
        assert!(e[0].starts_with("line 2: duplicate id \"a\" (first on line 1)"), "{e:?}");
        assert!(e[1].starts_with("line 3: the entry has no question"), "{e:?}");
        assert!(e[2].starts_with("line 4: not a JSON object"), "{e:?}");
        assert!(e[3].starts_with("line 5: bad id"), "{e:?}");
    }

    #[test]
    fn empty_files_mixed_encodings_and_headingless_markdown() {
        assert_eq!(errs(b"", FaqFormat::Jsonl), vec!["the file is empty: no FAQ entries"]);
        assert_eq!(errs(b"\n  \n", FaqFormat::Csv), vec!["the file is empty: no FAQ entries"]);
        let mixed = b"{\"id\":\"a\",\"question\":\"Q\",\"answer\":\"A\"}\n{\"id\":\"b\",\"question\":\"\xc4\xe3\",\"answer\":\"A\"}\n";
        let e = errs(mixed, FaqFormat::Jsonl);
        assert!(e[0].starts_with("line 2: not UTF-8"), "{e:?}");
        let e = errs("just some notes\nno headings\n".as_bytes(), FaqFormat::Markdown);
        assert!(e[0].contains("no \"## question\" headings"), "{e:?}");
    }

    #[test]
    fn csv_with_quotes_and_newlines() {
        let src = "id,question,answer,lang\nv,\"What is \"\"VACUUM\"\"?\",\"It cleans,\nand frees.\",en\nw,怎么备份？,用 pg_dump,\n";
        let e = parse(src.as_bytes(), FaqFormat::Csv).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e[0].question, "What is \"VACUUM\"?");
        assert_eq!(e[0].answer, "It cleans,\nand frees.");
        assert_eq!(e[1].lang, Locale::Zh);
        let e = errs(b"q,a\nx,y\n", FaqFormat::Csv);
        assert!(e[0].starts_with("line 1: the first row must name the columns"), "{e:?}");
        let e = errs(b"id,question,answer\nx,\"open,y\n", FaqFormat::Csv);
        assert!(e[0].starts_with("line 2: a quoted field is never closed"), "{e:?}");
    }

    #[test]
    fn markdown_round_trip_and_every_format_round_trips() {
        let src = "# Our FAQ\n\n## 怎么查看版本？ {#version}\n\nselect version();\nLink: https://www.postgresql.org/docs/\n\n## How do I vacuum?\n\nRun VACUUM.\n";
        let e = parse(src.as_bytes(), FaqFormat::Markdown).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].id, "version");
        assert_eq!(e[0].link.as_deref(), Some("https://www.postgresql.org/docs/"));
        assert_eq!(e[1].id, derive_id("How do I vacuum?"));
        assert!(e[1].id.starts_with("how") && e[1].id.ends_with("vacuum"), "{}", e[1].id);
        for f in [FaqFormat::Jsonl, FaqFormat::Csv, FaqFormat::Markdown] {
            let again = parse(export(&e, f).as_bytes(), f).unwrap_or_else(|err| panic!("{f:?}: {err}"));
            assert_eq!(again, e, "{f:?}");
        }
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(derive_id("怎么备份？"), derive_id("怎么备份？"));
        assert!(derive_id("怎么备份？").starts_with("faq-"));
        assert!(valid_id(&derive_id("怎么备份？")));
    }
}

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailed {
    /// The file has problems (every one listed, with line numbers).
    #[error("{0}")]
    File(#[from] ImportErrors),
    /// The database failed; the transaction was rolled back.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Parses a file and imports every entry into `community` in one
/// transaction, by id: new entries are added, changed ones updated, the
/// rest reported unchanged. A file with any bad row imports nothing.
pub async fn import_into(
    store: &crate::store::Store,
    community: &str,
    bytes: &[u8],
    format: FaqFormat,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportSummary, ImportFailed> {
    let entries = parse(bytes, format)?;
    Ok(store.faq().faq_import(community, &entries, now).await?)
}
