//! `jixia stats [--community ID] [--since DATE] [--format table|csv|json]`:
//! the community's figures for operators, from the database (the same
//! lines as `/stats`, every chat included). The table shows the period
//! since DATE against the period of the same length before it; CSV and
//! JSON give one row per day and figure, for a spreadsheet or a script.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};
use clap::{Args, ValueEnum};
use jixia::clock::{Clock, SystemClock};
use jixia::features::stats::{Figure, Periods, Span, gather, table, table_lines};
use jixia::i18n::Locale;
use jixia::{Engine, store};

use super::{DataArgs, db_url, load_config};
use crate::csv::field;

/// Days `jixia stats` covers when no `--since` is given (a week).
const DEFAULT_DAYS: i64 = 7;
/// Days it covers at most.
const MAX_DAYS: i64 = 366;

/// `jixia stats …`
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The community (default: bot.default_community).
    #[arg(long, value_name = "ID")]
    community: Option<String>,
    /// The first day (YYYY-MM-DD, the community's calendar); default: six days before today.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Output format: table (the period against the one before), csv or json (a row per day and figure).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Labels in this language (table only): zh or en; default: the community's.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

/// How the figures are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned lines: label, value, change.
    Table,
    /// RFC 4180 CSV: day,figure,detail,value.
    Csv,
    /// A JSON array of days, each with its figures.
    Json,
}

/// Runs `jixia stats`.
pub fn run(args: StatsArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let config = load_config(&args.data.config)?;
    let url = db_url(&args.data, &config);
    let id = args.community.clone().unwrap_or_else(|| config.default_community_id());
    let locale = match args.lang.as_deref() {
        None => None,
        Some(l) => match Locale::parse(l) {
            Some(l) => Some(l),
            None => bail!("--lang {l}: use zh or en"),
        },
    };
    let text = rt.block_on(async {
        let store = store::open(&url, &config.database.existing_store_options()).await?;
        let result = async {
            let engine = Engine::new(&config, store.clone(), Arc::new(SystemClock))?;
            let Some(community) = engine.communities().get(&id) else {
                bail!("no community {id} in the config");
            };
            let today = SystemClock.now().with_timezone(&community.tz).date_naive();
            let since = match &args.since {
                None => today - Duration::days(DEFAULT_DAYS - 1),
                Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) if d > today => bail!("--since {s} is after today ({today})"),
                    Ok(d) if (today - d).num_days() >= MAX_DAYS => bail!("--since {s}: at most {MAX_DAYS} days back"),
                    Ok(d) => d,
                    Err(_) => bail!("--since {s} is not a date as YYYY-MM-DD"),
                },
            };
            let days = (today - since).num_days() + 1;
            Ok(match args.format {
                Format::Table => {
                    let rows = table(&engine, &community, Periods::ending(today, days), false).await?;
                    let locale = locale.unwrap_or(community.locale);
                    let mut out = format!("{} {since} – {today} ({days} days)\n", community.id);
                    for line in table_lines(&engine, locale, &rows) {
                        out.push_str(&line);
                        out.push('\n');
                    }
                    out
                }
                Format::Csv | Format::Json => {
                    let mut daily = Vec::new();
                    let mut day = since;
                    while day <= today {
                        let span =
                            Span { engine: &engine, community: &community, from: day, to: day + Duration::days(1) };
                        daily.push((day, gather(&span).await?));
                        day += Duration::days(1);
                    }
                    if args.format == Format::Csv { csv(&daily) } else { json(&daily)? }
                }
            })
        }
        .await;
        store.close().await;
        result
    })?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn csv(daily: &[(NaiveDate, Vec<Figure>)]) -> String {
    let mut out = String::from("day,figure,detail,value\r\n");
    for (day, figures) in daily {
        for f in figures {
            let value = f.value.number().map(|n| n.to_string()).unwrap_or_default();
            let detail = f.detail.as_deref().unwrap_or("");
            out.push_str(&format!("{day},{},{},{value}\r\n", field(&f.name), field(detail)));
        }
    }
    out
}

fn json(daily: &[(NaiveDate, Vec<Figure>)]) -> Result<String> {
    let days: Vec<serde_json::Value> =
        daily.iter().map(|(day, figures)| serde_json::json!({ "day": day.to_string(), "figures": figures })).collect();
    Ok(serde_json::to_string_pretty(&days)? + "\n")
}
