//! `jixia quiz import | export | list | check`: question banks from and to
//! files, and a dry run of a bank through a scratch engine.
//! Parsing, validation, import and the listings live in the engine
//! (`jixia::features::quiz`); this only wires them.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jixia::features::quiz::load::{export_toml, import_line, list_lines};
use jixia::features::quiz::model::Lang;
use jixia::features::quiz::red::RedOptions;
use jixia::features::quiz::{BankFormat, ImportFailed, import_file};
use jixia::store;

use super::quiz_check::{self, CheckFile};
use super::{DataArgs, db_url, load_config};

/// `jixia quiz …`
#[derive(Debug, Subcommand)]
pub enum QuizCommand {
    /// Import banks: our TOML format, or Red-DiscordBot trivia lists (.yaml); each file all or nothing.
    Import(ImportArgs),
    /// Print banks in our TOML format (a Red list comes out in our format too).
    Export(ExportArgs),
    /// Topics with their questions per difficulty and language.
    List(ListArgs),
    /// Plays every question of the files in a scratch engine (not your
    /// database) and names any its own answers cannot answer.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    bank: BankArgs,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    bank: BankArgs,
}

/// The bank files and how to read them (import and check).
#[derive(Debug, Args)]
struct BankArgs {
    /// The files: .toml (ours) or .yaml / .yml (Red-DiscordBot lists).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// toml or red. Default: from each file's name.
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// Red lists: the language their questions are in (zh or en).
    #[arg(long, value_name = "LANG", default_value = "en")]
    lang: String,
    /// Red lists: the difficulty of every question (1-5).
    #[arg(long, value_name = "N", default_value_t = 3)]
    difficulty: u8,
    /// Red lists: the topic (default: the file's name).
    #[arg(long, value_name = "NAME")]
    topic: Option<String>,
}

impl BankArgs {
    /// The forced format (if any) and the options for Red lists.
    fn options(&self) -> Result<(Option<BankFormat>, RedOptions)> {
        let forced = match &self.format {
            Some(f) => Some(BankFormat::parse(f).with_context(|| format!("unknown format {f:?}: use toml or red"))?),
            None => None,
        };
        let lang =
            Lang::parse(&self.lang).with_context(|| format!("unknown language {:?}: use zh or en", self.lang))?;
        if !(1..=5).contains(&self.difficulty) {
            anyhow::bail!("--difficulty {} is out of range: use 1 (easy) to 5 (hard)", self.difficulty);
        }
        Ok((forced, RedOptions { lang, difficulty: self.difficulty, topic: self.topic.clone() }))
    }

    /// Each file read, with its format; a file that cannot be is reported on
    /// stderr and left out (`false` then).
    fn read(&self, forced: Option<BankFormat>) -> Result<(Vec<CheckFile>, bool)> {
        let mut ok = true;
        let mut files = Vec::new();
        for file in &self.files {
            let shown = file.display().to_string();
            let Some(format) = forced.or_else(|| BankFormat::from_path(&shown)) else {
                writeln!(
                    std::io::stderr(),
                    "jixia: {shown}: cannot tell the format from the name; add --format toml|red"
                )?;
                ok = false;
                continue;
            };
            match std::fs::read(file).map(String::from_utf8) {
                Ok(Ok(text)) => files.push(CheckFile { shown, text, format }),
                Ok(Err(_)) => {
                    writeln!(std::io::stderr(), "jixia: {shown}:1: not UTF-8 text; nothing imported")?;
                    ok = false;
                }
                Err(e) => {
                    writeln!(std::io::stderr(), "jixia: cannot read {shown}: {e}")?;
                    ok = false;
                }
            }
        }
        Ok((files, ok))
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only this bank (one TOML file you can import again).
    #[arg(long, value_name = "ID")]
    bank: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also one line per question.
    #[arg(long)]
    questions: bool,
    #[command(flatten)]
    data: DataArgs,
}

/// Runs one `jixia quiz` subcommand.
pub fn run(command: QuizCommand, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    match command {
        QuizCommand::Import(args) => import(args, rt),
        QuizCommand::Export(args) => {
            let banks = read_banks(&args.data, rt)?;
            match export_toml(&banks, args.bank.as_deref()) {
                Ok(text) => {
                    std::io::stdout().write_all(text.as_bytes())?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => anyhow::bail!("{e}"),
            }
        }
        QuizCommand::Check(args) => check(args, rt),
        QuizCommand::List(args) => {
            let banks = read_banks(&args.data, rt)?;
            let mut out = std::io::stdout().lock();
            for line in list_lines(&banks, args.questions) {
                writeln!(out, "{line}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read_banks(data: &DataArgs, rt: &tokio::runtime::Runtime) -> Result<Vec<jixia::features::quiz::store::StoredBank>> {
    let config = load_config(&data.config)?;
    let url = db_url(data, &config);
    rt.block_on(async {
        let store = store::open(&url, &config.database.existing_store_options()).await?;
        let banks = store.quiz().quiz_banks().await;
        store.close().await;
        anyhow::Ok(banks?)
    })
}

fn import(args: ImportArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let config = load_config(&args.data.config)?;
    let (forced, red) = args.bank.options()?;
    let url = db_url(&args.data, &config);
    let now = jixia::clock::Clock::now(&jixia::clock::SystemClock);
    let (files, mut ok) = args.bank.read(forced)?;
    rt.block_on(async {
        let store = store::open(&url, &config.database.store_options()).await?;
        for f in &files {
            match import_file(&store, &f.shown, &f.text, f.format, &red, now).await {
                Ok(summary) => writeln!(std::io::stdout(), "{}", import_line(&f.shown, &summary))?,
                Err(ImportFailed::Bank(report)) => {
                    writeln!(std::io::stderr(), "jixia: {}: {report}", f.shown)?;
                    ok = false;
                }
                Err(ImportFailed::Store(e)) => {
                    store.close().await;
                    return Err(anyhow::Error::from(e));
                }
            }
        }
        store.close().await;
        anyhow::Ok(())
    })?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn check(args: CheckArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let (forced, red) = args.bank.options()?;
    let (files, ok) = args.bank.read(forced)?;
    if !ok {
        return Ok(ExitCode::FAILURE);
    }
    let report = rt.block_on(quiz_check::check(&files, &red))?;
    let mut out = std::io::stdout().lock();
    for (file, n) in &report.files {
        writeln!(out, "{file}: {n} questions")?;
    }
    let total: usize = report.files.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "answered through the engine: {} of {total} ({} only with /quiz answer), in {} rounds",
        report.answered, report.by_command, report.rounds
    )?;
    for (id, line, answer) in &report.unanswerable {
        writeln!(out, "NOT ANSWERABLE {id} (line {line}): its answer {answer:?} was not taken")?;
    }
    for (id, answer) in &report.variants_refused {
        writeln!(out, "ANSWER NEVER MATCHES {id}: {answer:?} (nothing left of it after folding)")?;
    }
    for id in &report.never_asked {
        writeln!(out, "NEVER ASKED {id}")?;
    }
    if report.all_good() {
        writeln!(out, "every question can be answered with its own answers")?;
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}
