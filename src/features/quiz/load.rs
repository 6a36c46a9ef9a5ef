//! Bank files into the store: `jixia quiz import FILE`, and every file of
//! `bank_dir` at start (a broken one stops the start, and `jixia config
//! check` reports it, with `file:line: reason` for every problem). An
//! import is all or nothing per file; a file imported before with the same
//! content changes nothing. Also what `jixia quiz list` and `export` print.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::export::{summary, to_toml};
use super::hash::hash_of;
use super::model::{Bank, Lang};
use super::red::RedOptions;
use super::report::Report;
use super::store::{ImportError, ImportSummary, StoredBank};
use crate::BoxFuture;
use crate::config::Config;
use crate::features::{FeatureId, LoadError};
use crate::store::{Store, StoreError};

/// The two formats a bank file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankFormat {
    /// Ours (`.toml`).
    Jixia,
    /// A Red-DiscordBot trivia list (`.yaml`, `.yml`).
    Red,
}

impl BankFormat {
    /// The format a file name says.
    pub fn from_path(path: &str) -> Option<BankFormat> {
        let lower = path.to_lowercase();
        if lower.ends_with(".toml") {
            Some(BankFormat::Jixia)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(BankFormat::Red)
        } else {
            None
        }
    }

    /// `toml`/`jixia` or `red`/`yaml`.
    pub fn parse(name: &str) -> Option<BankFormat> {
        match name.to_lowercase().as_str() {
            "toml" | "jixia" => Some(BankFormat::Jixia),
            "red" | "yaml" | "yml" => Some(BankFormat::Red),
            _ => None,
        }
    }
}

/// Why a file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailed {
    /// The file has problems; nothing was imported.
    #[error(transparent)]
    Bank(#[from] Report),
    /// Storage failed; nothing was imported.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportError> for ImportFailed {
    fn from(e: ImportError) -> ImportFailed {
        match e {
            ImportError::Bank(r) => ImportFailed::Bank(r),
            ImportError::Store(s) => ImportFailed::Store(s),
        }
    }
}

/// Parses a bank file (`shown` names it in reports and gives the bank id).
pub fn parse_file(shown: &str, text: &str, format: BankFormat, red: &RedOptions) -> Result<Bank, Report> {
    match format {
        BankFormat::Jixia => super::bank::parse(shown, text),
        BankFormat::Red => super::red::parse(shown, text, red),
    }
}

/// What identifies a file's content and the options it was read with.
fn content_hash(text: &str, format: BankFormat, red: &RedOptions) -> String {
    let opts = format!("{format:?}:{}:{}:{}", red.lang, red.difficulty, red.topic.as_deref().unwrap_or(""));
    format!("{:016x}", hash_of(&[text, &opts]))
}

/// Parses and imports one file, all or nothing.
pub async fn import_file(
    store: &Store,
    shown: &str,
    text: &str,
    format: BankFormat,
    red: &RedOptions,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportFailed> {
    let bank = parse_file(shown, text, format, red)?;
    Ok(store.quiz().quiz_import(&bank, shown, &content_hash(text, format, red), now.timestamp_millis()).await?)
}

/// The bank files of a folder, sorted (none if it does not exist).
pub fn bank_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && BankFormat::from_path(&p.to_string_lossy()).is_some())
        .collect();
    files.sort();
    files
}

/// The folder's files, each read, parsed and (with a store) imported; every
/// problem of every file is reported before anything stops.
async fn load_dir(dir: &Path, store: Option<&Store>, now: DateTime<Utc>) -> Result<Vec<String>, LoadError> {
    let files = bank_files(dir);
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let red = RedOptions::default();
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for path in &files {
        let shown = path.display().to_string();
        let text = match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                problems.push(format!("{shown}:1: not UTF-8 text"));
                continue;
            }
            Err(e) => {
                problems.push(format!("{shown}:1: cannot read: {e}"));
                continue;
            }
        };
        let format = BankFormat::from_path(&shown).unwrap_or(BankFormat::Jixia);
        match parse_file(&shown, &text, format, &red) {
            Ok(bank) => parsed.push((shown, text, format, bank)),
            Err(r) => problems.extend(r.0.iter().map(ToString::to_string)),
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Files(format!(
            "quiz banks in {}: {} problem{}; fix them and start again:\n{}",
            dir.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems.join("\n")
        )));
    }
    let mut lines = Vec::new();
    for (shown, text, format, bank) in parsed {
        let Some(store) = store else {
            lines.push(format!("quiz bank {} ({shown}): {} questions OK", bank.id, bank.questions.len()));
            continue;
        };
        match store.quiz().quiz_import(&bank, &shown, &content_hash(&text, format, &red), now.timestamp_millis()).await
        {
            Ok(s) => lines.push(import_line(&shown, &s)),
            Err(ImportError::Bank(r)) => problems.extend(r.0.iter().map(ToString::to_string)),
            Err(ImportError::Store(e)) => return Err(LoadError::Store(e)),
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Files(format!("quiz banks in {}:\n{}", dir.display(), problems.join("\n"))));
    }
    Ok(lines)
}

/// One line about an import.
pub fn import_line(shown: &str, s: &ImportSummary) -> String {
    if s.unchanged {
        format!("quiz bank {} ({shown}): unchanged, {} questions", s.bank, s.questions)
    } else {
        format!("quiz bank {} ({shown}): {} questions imported, {} retired", s.bank, s.questions, s.retired)
    }
}

/// The feature's start-up hook: the banks of `[features.quiz] bank_dir`.
pub fn at_start<'a>(
    config: &'a Config,
    store: Option<&'a Store>,
    now: DateTime<Utc>,
) -> BoxFuture<'a, Result<Vec<String>, LoadError>> {
    Box::pin(async move {
        let communities = crate::community::Communities::from_config(config);
        if !communities.all().any(|c| c.features.is_on(FeatureId::Quiz)) {
            return Ok(Vec::new());
        }
        load_dir(Path::new(&config.features.quiz.bank_dir), store, now).await
    })
}

/// `jixia quiz list`: questions per topic, difficulty and language (with
/// `questions`, one line per question).
pub fn list_lines(banks: &[StoredBank], questions: bool) -> Vec<String> {
    let mut counts: BTreeMap<String, BTreeMap<(u8, Lang), usize>> = BTreeMap::new();
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for b in banks {
        for q in &b.bank.questions {
            *totals.entry(q.topic.clone()).or_default() += 1;
            for v in &q.variants {
                *counts.entry(q.topic.clone()).or_default().entry((q.difficulty, v.lang)).or_default() += 1;
            }
        }
    }
    let mut out = Vec::new();
    for (topic, per) in &counts {
        out.push(format!("{topic}: {} questions", totals.get(topic).copied().unwrap_or(0)));
        for lang in Lang::ALL {
            let row: Vec<String> = (1..=5).map(|d| per.get(&(d, lang)).copied().unwrap_or(0).to_string()).collect();
            let sum: usize = (1..=5).map(|d| per.get(&(d, lang)).copied().unwrap_or(0)).sum();
            if sum > 0 {
                out.push(format!("  {lang}: {sum} (difficulty 1-5: {})", row.join(" / ")));
            }
        }
    }
    if questions {
        for b in banks {
            out.push(format!("bank {} ({}, {} questions):", b.bank.id, b.source, b.bank.questions.len()));
            out.extend(b.bank.questions.iter().map(|q| format!("  {}", summary(q))));
        }
    }
    if out.is_empty() {
        out.push("no quiz banks imported".into());
    }
    out
}

/// `jixia quiz export`: the banks (or one) in our TOML format, one
/// document per bank, separated by a comment line.
pub fn export_toml(banks: &[StoredBank], only: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    let mut found = false;
    for b in banks.iter().filter(|b| only.is_none_or(|id| b.bank.id == id)) {
        found = true;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("# bank {} (from {})\n", b.bank.id, b.source));
        out.push_str(&to_toml(&b.bank).map_err(|e| e.to_string())?);
    }
    match (found, only) {
        (false, Some(id)) => Err(format!("no bank `{id}` is imported")),
        _ => Ok(out),
    }
}
