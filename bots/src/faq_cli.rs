//! `jixia faq import | export | eval | import-synonyms | export-synonyms`:
//! the FAQ and its vocabulary from and to files, and the matcher measured
//! on labelled queries. The parsing, import and scoring
//! live in the engine (`jixia::features::faq`); this only wires them, and
//! gives the evaluation an embeddings endpoint or recorded vectors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jixia::features::faq::eval::{EvalFailed, RecordedVectors, eval_sets_with};
use jixia::features::faq::import::{FaqFormat, ImportFailed, export, import_into, read_limited};
use jixia::features::faq::vocab::{SynonymImportFailed, export_synonyms, import_synonyms};
use jixia::features::faq::{EmbedError, Embedder};
use jixia::store;

use super::{ConfigArgs, DataArgs, db_url, load_config};

/// `jixia faq …`
#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Import FAQ entries from a JSON Lines, CSV or Markdown file (by id; all or nothing).
    Import(ImportArgs),
    /// Print the FAQ as JSON Lines, CSV or Markdown.
    Export(ExportArgs),
    /// Score the matcher on labelled queries; prints one JSON object.
    Eval(EvalArgs),
    /// Add groups of synonyms (one per line: TERM = TERM…) to a community's vocabulary.
    ImportSynonyms(ImportSynonymsArgs),
    /// Print a community's own synonyms, one group per line.
    ExportSynonyms(ExportSynonymsArgs),
}

#[derive(Debug, Args)]
pub struct ImportSynonymsArgs {
    /// The file: one group per line, `TERM = TERM…`; `#` starts a comment.
    file: PathBuf,
    /// The community (default: the config's default community).
    #[arg(long, value_name = "ID")]
    community: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ExportSynonymsArgs {
    /// The community (default: the config's default community).
    #[arg(long, value_name = "ID")]
    community: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: .jsonl, .csv or .md (or say which with --format).
    file: PathBuf,
    /// jsonl, csv or md. Default: from the file name.
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// The community (default: the config's default community).
    #[arg(long, value_name = "ID")]
    community: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// jsonl, csv or md.
    #[arg(long, value_name = "FORMAT", default_value = "jsonl")]
    format: String,
    /// The community (default: the config's default community).
    #[arg(long, value_name = "ID")]
    community: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// FAQ entries, JSON Lines: {"id","question","answer","lang"}.
    #[arg(long, value_name = "FILE")]
    faq: PathBuf,
    /// Labelled queries, JSON Lines: {"text","faq_id" (or null),"lang"}.
    /// Repeat it to score several sets, each and together.
    #[arg(long, value_name = "FILE", required = true)]
    queries: Vec<PathBuf>,
    /// Measure semantic matching as well, through this OpenAI-compatible
    /// embeddings endpoint (its base URL, …/v1), with the threshold and
    /// weight of [features.faq.semantic].
    #[arg(long, value_name = "URL", conflicts_with = "vectors")]
    embeddings: Option<String>,
    /// The embedding model (default: [features.faq.semantic] model).
    #[arg(long, value_name = "MODEL", requires = "embeddings")]
    model: Option<String>,
    /// With --embeddings: write every text embedded and its vector to FILE
    /// (JSON Lines), to repeat the measure without the endpoint (--vectors).
    #[arg(long, value_name = "FILE", requires = "embeddings")]
    record: Option<PathBuf>,
    /// Measure semantic matching with vectors recorded before (--record).
    #[arg(long, value_name = "FILE")]
    vectors: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
}

/// An embedder that keeps what it was asked and answered (`--record`).
#[derive(Debug)]
struct Recording {
    inner: jixia_bots::embeddings::OpenAiEmbedder,
    lines: std::sync::Mutex<Vec<String>>,
}

impl Embedder for Recording {
    fn model(&self) -> &str {
        self.inner.model()
    }

    fn embed<'a>(&'a self, texts: &'a [String]) -> jixia::BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>> {
        Box::pin(async move {
            let vectors = self.inner.embed(texts).await?;
            let mut lines = self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            lines.extend(texts.iter().zip(&vectors).map(|(t, v)| RecordedVectors::line(t, v)));
            Ok(vectors)
        })
    }
}

/// Ids listed after a count; a large import shows these and how many more.
const IDS_SHOWN: usize = 5;

/// `2 (a, b)`, or for many `30000 (a, b, c, d, e and 29995 more)`: a
/// summary line, not one id per entry imported.
fn count_and_ids(ids: &[String]) -> String {
    match ids.len() {
        0 => "0".into(),
        n if n <= IDS_SHOWN => format!("{n} ({})", ids.join(", ")),
        n => format!("{n} ({} and {} more)", ids[..IDS_SHOWN].join(", "), n - IDS_SHOWN),
    }
}

/// A file read with the FAQ size limit checked while reading.
fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::File::open(path).and_then(read_limited).with_context(|| format!("cannot read {}", path.display()))
}

fn format_of(name: &str) -> Result<FaqFormat> {
    FaqFormat::parse(name).with_context(|| format!("unknown format {name:?}: use jsonl, csv or md"))
}

/// Runs one `jixia faq` subcommand.
pub fn run(command: FaqCommand, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    match command {
        FaqCommand::Import(args) => import(args, rt),
        FaqCommand::ImportSynonyms(args) => import_synonyms_file(args, rt),
        FaqCommand::ExportSynonyms(args) => {
            let config = load_config(&args.data.config)?;
            let community = args.community.unwrap_or_else(|| config.default_community_id());
            let url = db_url(&args.data, &config);
            let text = rt.block_on(async {
                let store = store::open(&url, &config.database.existing_store_options()).await?;
                let text = export_synonyms(&store, &community).await;
                store.close().await;
                anyhow::Ok(text?)
            })?;
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        FaqCommand::Export(args) => {
            let config = load_config(&args.data.config)?;
            let format = format_of(&args.format)?;
            let community = args.community.unwrap_or_else(|| config.default_community_id());
            let url = db_url(&args.data, &config);
            let entries = rt.block_on(async {
                let store = store::open(&url, &config.database.existing_store_options()).await?;
                let entries = store.faq().faq_entries(&community).await;
                store.close().await;
                anyhow::Ok(entries?)
            })?;
            std::io::stdout().write_all(export(&entries, format).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        FaqCommand::Eval(args) => {
            let mut config = load_config(&args.config)?;
            let faq = read_file(&args.faq)?;
            let mut texts = Vec::with_capacity(args.queries.len());
            for path in &args.queries {
                texts.push(String::from_utf8_lossy(&read_file(path)?).into_owned());
            }
            let sets: Vec<&str> = texts.iter().map(String::as_str).collect();
            let mut recording: Option<std::sync::Arc<Recording>> = None;
            let embedder: Option<std::sync::Arc<dyn Embedder>> = match (&args.embeddings, &args.vectors) {
                (Some(url), _) => {
                    let semantic = &mut config.features.faq.semantic;
                    semantic.base_url = url.clone();
                    if let Some(model) = &args.model {
                        semantic.model = model.clone();
                    }
                    semantic.validate("features.faq").map_err(|e| anyhow::anyhow!("--embeddings/--model: {e}"))?;
                    let key = std::env::var(&semantic.api_key_env).ok().map(jixia::secret::Secret::new);
                    let inner = jixia_bots::embeddings::OpenAiEmbedder::new(semantic, key)?;
                    let r = std::sync::Arc::new(Recording { inner, lines: Default::default() });
                    recording = Some(r.clone());
                    Some(r)
                }
                (None, Some(path)) => {
                    let text =
                        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
                    let recorded =
                        RecordedVectors::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    Some(std::sync::Arc::new(recorded))
                }
                (None, None) => None,
            };
            let run = eval_sets_with(&faq, &sets, &config.features.faq, embedder.as_deref());
            let (each, all) = match rt.block_on(run) {
                Ok(r) => r,
                Err(EvalFailed::Faq(e)) => anyhow::bail!("{}: {e}", args.faq.display()),
                Err(EvalFailed::QueriesIn(i, e)) => anyhow::bail!("{}: {e}", args.queries[i].display()),
                Err(e) => return Err(e.into()),
            };
            if let Some(path) = &args.record {
                let lines =
                    recording.map(|r| r.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).join("\n"));
                std::fs::write(path, lines.unwrap_or_default() + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            // One set: its report. Several: each (named by its file) and all.
            let json = if each.len() == 1 {
                serde_json::to_value(all)?
            } else {
                let sets: Vec<serde_json::Value> = args
                    .queries
                    .iter()
                    .zip(&each)
                    .map(|(path, report)| {
                        let mut v = serde_json::to_value(report)?;
                        v["file"] = path.display().to_string().into();
                        Ok(v)
                    })
                    .collect::<Result<_, serde_json::Error>>()?;
                serde_json::json!({ "sets": sets, "all": all })
            };
            writeln!(std::io::stdout(), "{json}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import_synonyms_file(args: ImportSynonymsArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let config = load_config(&args.data.config)?;
    let shown = args.file.display().to_string();
    let bytes = read_file(&args.file)?;
    let text = String::from_utf8_lossy(&bytes);
    let community = args.community.unwrap_or_else(|| config.default_community_id());
    let url = db_url(&args.data, &config);
    let result = rt.block_on(async {
        let store = store::open(&url, &config.database.store_options()).await?;
        let now = jixia::clock::Clock::now(&jixia::clock::SystemClock);
        let result = import_synonyms(&store, &community, &text, now).await;
        store.close().await;
        anyhow::Ok(result)
    })?;
    match result {
        Ok((added, there)) => {
            writeln!(
                std::io::stdout(),
                "imported {shown} into community {community}: added {added}, already there {there}"
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(SynonymImportFailed::Lines(errors)) => {
            let mut err = std::io::stderr().lock();
            writeln!(err, "jixia: {shown}: nothing imported; fix these and import again:")?;
            for (line, e) in &errors {
                writeln!(err, "  {shown}: line {line}: {e}")?;
            }
            Ok(ExitCode::FAILURE)
        }
        Err(SynonymImportFailed::Store(e)) => Err(e.into()),
    }
}

fn import(args: ImportArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let config = load_config(&args.data.config)?;
    let shown = args.file.display().to_string();
    let format = match &args.format {
        Some(f) => format_of(f)?,
        None => FaqFormat::from_path(&shown)
            .with_context(|| format!("{shown}: cannot tell the format from the name; add --format jsonl|csv|md"))?,
    };
    let bytes = read_file(&args.file)?;
    let community = args.community.unwrap_or_else(|| config.default_community_id());
    let url = db_url(&args.data, &config);
    let result = rt.block_on(async {
        let store = store::open(&url, &config.database.store_options()).await?;
        let result =
            import_into(&store, &community, &bytes, format, jixia::clock::Clock::now(&jixia::clock::SystemClock)).await;
        store.close().await;
        anyhow::Ok(result)
    })?;
    match result {
        Ok(summary) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "imported {shown} into community {community}:")?;
            for (what, ids) in
                [("added", &summary.added), ("changed", &summary.changed), ("unchanged", &summary.unchanged)]
            {
                writeln!(out, "  {what}: {}", count_and_ids(ids))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportFailed::File(errors)) => {
            let mut err = std::io::stderr().lock();
            writeln!(err, "jixia: {shown}: nothing imported; fix these and import again:")?;
            for e in &errors.0 {
                writeln!(err, "  {shown}: {e}")?;
            }
            Ok(ExitCode::FAILURE)
        }
        Err(ImportFailed::Store(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::count_and_ids;

    #[test]
    fn a_summary_names_a_few_ids_and_counts_the_rest() {
        let ids = |n: usize| (1..=n).map(|i| format!("q{i}")).collect::<Vec<_>>();
        assert_eq!(count_and_ids(&[]), "0");
        assert_eq!(count_and_ids(&ids(2)), "2 (q1, q2)");
        assert_eq!(count_and_ids(&ids(5)), "5 (q1, q2, q3, q4, q5)");
        assert_eq!(count_and_ids(&ids(30_000)), "30000 (q1, q2, q3, q4, q5 and 29995 more)");
    }
}
