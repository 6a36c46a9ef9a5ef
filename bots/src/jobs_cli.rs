//! `jixia jobs failed | retry | counts | outbox | resend`: the durable job
//! queue and the outbox for operators: the jobs that gave up, putting one
//! back in the queue, how much work there is per state and kind, and the
//! same for the messages waiting to be sent. The queries live in the engine's store
//! (`QueueAdminStore`, `JobStore::retry_job`); this only wires and prints.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use jixia::clock::{Clock, SystemClock};
use jixia::store::jobs::{JobState, outbox_route};
use jixia::store::queue_admin::{JobCount, JobSummary};
use jixia::store::{self, Store};

use super::{DataArgs, db_url, load_config};

/// `jixia jobs …`
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List the jobs that failed for good, most recently changed first.
    Failed(FailedArgs),
    /// Put a failed job back in the queue: due now, with fresh attempts.
    Retry(RetryArgs),
    /// Count the jobs per state and kind (pending, running, failed, done).
    Counts(DataArgs),
    /// The outbox: messages per platform and state, and the ones the platform refused for good.
    Outbox(FailedArgs),
    /// Put a failed outbox message back: sent again as soon as its adapter runs.
    Resend(RetryArgs),
}

#[derive(Debug, Args)]
pub struct FailedArgs {
    /// Show at most N jobs (1-10000).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    limit: i64,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct RetryArgs {
    /// The job's id, as `jixia jobs failed` shows it.
    #[arg(value_name = "ID", value_parser = clap::value_parser!(i64).range(1..))]
    id: i64,
    #[command(flatten)]
    data: DataArgs,
}

/// The longest last error shown in a listing (characters).
const ERROR_WIDTH: usize = 100;

/// Runs one `jixia jobs` subcommand.
pub fn run(command: JobsCommand, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let data = match &command {
        JobsCommand::Failed(a) => &a.data,
        JobsCommand::Retry(a) => &a.data,
        JobsCommand::Counts(d) => d,
        JobsCommand::Outbox(a) => &a.data,
        JobsCommand::Resend(a) => &a.data,
    };
    let config = load_config(&data.config)?;
    let url = db_url(data, &config);
    let text = rt.block_on(async {
        let store = store::open(&url, &config.database.existing_store_options()).await?;
        let text = match &command {
            JobsCommand::Failed(a) => failed(&store, a.limit).await,
            JobsCommand::Retry(a) => retry(&store, a.id, SystemClock.now()).await,
            JobsCommand::Counts(_) => counts(&store).await,
            JobsCommand::Outbox(a) => outbox(&store, a.limit).await,
            JobsCommand::Resend(a) => resend(&store, a.id, SystemClock.now()).await,
        };
        store.close().await;
        text
    })?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

async fn failed(store: &Store, limit: i64) -> Result<String> {
    let jobs = store.queue_admin().jobs_in_state(JobState::Failed, limit).await?;
    if jobs.is_empty() {
        return Ok("no failed jobs\n".into());
    }
    let mut out = failed_table(&jobs);
    let total: i64 =
        store.queue_admin().job_counts().await?.iter().filter(|c| c.state == JobState::Failed).map(|c| c.jobs).sum();
    if total > jobs.len() as i64 {
        out.push_str(&format!("{} of {total} failed jobs shown; --limit N shows more\n", jobs.len()));
    }
    Ok(out)
}

/// The failed jobs as an aligned table, the last error last (it is the
/// ragged column).
fn failed_table(jobs: &[JobSummary]) -> String {
    let rows = jobs
        .iter()
        .map(|j| {
            vec![
                j.id.to_string(),
                one_line(&j.kind, usize::MAX),
                one_line(&j.key, usize::MAX),
                format!("{}/{}", j.attempts, j.max_attempts),
                time(j.changed),
                j.last_error.as_deref().map_or_else(|| "-".to_owned(), |e| one_line(e, ERROR_WIDTH)),
            ]
        })
        .collect();
    table(&["ID", "KIND", "KEY", "ATTEMPTS", "CHANGED (UTC)", "LAST ERROR"], rows, &[0])
}

async fn retry(store: &Store, id: i64, now: DateTime<Utc>) -> Result<String> {
    if store.jobs().retry_job(id, now).await? {
        // The job is back; its kind and attempts only make the message nicer.
        let about = match store.jobs().job(id).await {
            Ok(Some(j)) => {
                let n = j.max_attempts;
                format!(
                    " ({}, key {}) is pending again: due now, {n} fresh attempt{}",
                    one_line(&j.kind, usize::MAX),
                    one_line(&j.key, usize::MAX),
                    if n == 1 { "" } else { "s" }
                )
            }
            _ => " is pending again: due now, with fresh attempts".to_owned(),
        };
        return Ok(format!("job {id}{about}\n"));
    }
    match store.jobs().job(id).await? {
        None => bail!("no job with id {id} (`jixia jobs failed` lists the failed ones)"),
        Some(j) => bail!("job {id} is {}, not failed: only failed jobs can be retried", j.state.as_str()),
    }
}

async fn counts(store: &Store) -> Result<String> {
    let counts = store.queue_admin().job_counts().await?;
    if counts.is_empty() {
        return Ok("no jobs\n".into());
    }
    Ok(counts_table(&counts))
}

fn counts_table(counts: &[JobCount]) -> String {
    let rows = counts
        .iter()
        .map(|c| {
            vec![
                c.state.as_str().to_owned(),
                one_line(&c.kind, usize::MAX),
                c.jobs.to_string(),
                time(c.oldest_due),
                time(c.last_changed),
            ]
        })
        .collect();
    table(&["STATE", "KIND", "JOBS", "OLDEST DUE (UTC)", "LAST CHANGE (UTC)"], rows, &[2])
}

async fn outbox(store: &Store, limit: i64) -> Result<String> {
    let counts = store.jobs().outbox_counts().await?;
    if counts.is_empty() {
        return Ok("the outbox is empty\n".into());
    }
    let rows = counts.into_iter().map(|(platform, state, n)| vec![platform, state, n.to_string()]).collect();
    let mut out = table(&["PLATFORM", "STATE", "MESSAGES"], rows, &[2]);
    let failed = store.jobs().outbox_failed(limit).await?;
    if !failed.is_empty() {
        let rows = failed
            .iter()
            .map(|m| {
                let (platform, to) = outbox_route(&m.message);
                vec![
                    m.id.to_string(),
                    platform.as_str().to_owned(),
                    one_line(&to, usize::MAX),
                    format!("{}/{}", m.attempts, m.max_attempts),
                    time(m.due),
                    m.last_error.as_deref().map_or_else(|| "-".to_owned(), |e| one_line(e, ERROR_WIDTH)),
                ]
            })
            .collect();
        out.push_str("\nfailed, newest first (`jixia jobs resend ID` sends one again):\n");
        out.push_str(&table(&["ID", "PLATFORM", "TO", "ATTEMPTS", "LAST TRY (UTC)", "LAST ERROR"], rows, &[0]));
    }
    Ok(out)
}

async fn resend(store: &Store, id: i64, now: DateTime<Utc>) -> Result<String> {
    if store.jobs().outbox_retry(id, now).await? {
        return Ok(format!("outbox message {id} is pending again: its adapter sends it at its next round\n"));
    }
    match store.jobs().outbox_message(id).await? {
        None => bail!("no outbox message with id {id} (`jixia jobs outbox` lists the failed ones)"),
        Some(m) => {
            bail!("outbox message {id} is {}, not failed: only failed messages can be sent again", m.state.as_str())
        }
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `text` on one line (control characters become spaces), cut to `max`
/// characters with `…`.
fn one_line(text: &str, max: usize) -> String {
    let clean: String = text.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if clean.chars().count() <= max {
        return clean;
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Columns two spaces apart, each as wide as its widest cell; columns in
/// `right` are right-aligned; the last column is not padded.
fn table(headers: &[&str], rows: Vec<Vec<String>>, right: &[usize]) -> String {
    let all: Vec<Vec<String>> =
        std::iter::once(headers.iter().map(|h| (*h).to_owned()).collect()).chain(rows).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| all.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &all {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
            if right.contains(&i) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&pad);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_and_leaves_the_last_column_ragged() {
        let rows = vec![vec!["7".into(), "digest".into(), "boom".into()], vec!["12".into(), "x".into(), "-".into()]];
        assert_eq!(table(&["ID", "KIND", "ERR"], rows, &[0]), "ID  KIND    ERR\n 7  digest  boom\n12  x       -\n");
    }

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line("a\nb\tc", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("数据库连接失败", 5), "数据库连…");
    }
}
