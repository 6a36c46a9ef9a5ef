//! `jixia quiz import | export | list`: question banks from and to files.
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
}

#[derive(Debug, Args)]
pub struct ImportArgs {
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
    #[command(flatten)]
    data: DataArgs,
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
    let forced = match &args.format {
        Some(f) => Some(BankFormat::parse(f).with_context(|| format!("unknown format {f:?}: use toml or red"))?),
        None => None,
    };
    let lang = Lang::parse(&args.lang).with_context(|| format!("unknown language {:?}: use zh or en", args.lang))?;
    if !(1..=5).contains(&args.difficulty) {
        anyhow::bail!("--difficulty {} is out of range: use 1 (easy) to 5 (hard)", args.difficulty);
    }
    let red = RedOptions { lang, difficulty: args.difficulty, topic: args.topic.clone() };
    let url = db_url(&args.data, &config);
    let now = jixia::clock::Clock::now(&jixia::clock::SystemClock);
    let mut failed = false;
    rt.block_on(async {
        let store = store::open(&url, &config.database.store_options()).await?;
        for file in &args.files {
            let shown = file.display().to_string();
            let format = match forced.or_else(|| BankFormat::from_path(&shown)) {
                Some(f) => f,
                None => {
                    writeln!(
                        std::io::stderr(),
                        "jixia: {shown}: cannot tell the format from the name; add --format toml|red"
                    )?;
                    failed = true;
                    continue;
                }
            };
            let text = match std::fs::read(file).map(String::from_utf8) {
                Ok(Ok(t)) => t,
                Ok(Err(_)) => {
                    writeln!(std::io::stderr(), "jixia: {shown}:1: not UTF-8 text; nothing imported")?;
                    failed = true;
                    continue;
                }
                Err(e) => {
                    writeln!(std::io::stderr(), "jixia: cannot read {shown}: {e}")?;
                    failed = true;
                    continue;
                }
            };
            match import_file(&store, &shown, &text, format, &red, now).await {
                Ok(summary) => writeln!(std::io::stdout(), "{}", import_line(&shown, &summary))?,
                Err(ImportFailed::Bank(report)) => {
                    writeln!(std::io::stderr(), "jixia: {shown}: {report}")?;
                    failed = true;
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
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
