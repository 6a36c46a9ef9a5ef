//! `jixia event export ID | attendees ID [--format text|csv]`: an event's
//! calendar file and its sign-up list, for organisers working outside the
//! chat. The queries and the file are the engine's (`store.events()`,
//! `features::events::ics`); this only wires and prints.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use jixia::clock::{Clock, SystemClock};
use jixia::features::events::ics;
use jixia::features::events::store::{EventNo, Signup};
use jixia::store;

use super::{DataArgs, db_url, load_config};
use crate::csv::field;

/// `jixia event …`
#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Print the event's calendar file (.ics, RFC 5545).
    Export(EventArgs),
    /// Print who signed up: going, waitlist, walk-ins, and who was present.
    Attendees(AttendeesArgs),
}

#[derive(Debug, Args)]
pub struct EventArgs {
    /// The event's id (E12).
    #[arg(value_name = "ID")]
    id: String,
    /// The community (default: bot.default_community).
    #[arg(long, value_name = "ID")]
    community: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
pub struct AttendeesArgs {
    #[command(flatten)]
    event: EventArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How the list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned lines.
    Text,
    /// RFC 4180 CSV with a header row.
    Csv,
}

/// Runs one `jixia event` subcommand.
pub fn run(command: EventCommand, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let event = match &command {
        EventCommand::Export(a) => a,
        EventCommand::Attendees(a) => &a.event,
    };
    let Some(number) = EventNo::parse(&event.id) else { bail!("`{}` is not an event id (like E12)", event.id) };
    let config = load_config(&event.data.config)?;
    let url = db_url(&event.data, &config);
    let community = event.community.clone().unwrap_or_else(|| config.default_community_id());
    let text = rt.block_on(async {
        let store = store::open(&url, &config.database.store_options()).await?;
        let result = async {
            let Some(e) = store.events().events_get(&community, number).await? else {
                bail!("no event {number} in community {community}");
            };
            Ok(match &command {
                EventCommand::Export(_) => ics::calendar(&e, &community, SystemClock.now()),
                EventCommand::Attendees(a) => {
                    let signups = store.events().events_signups(e.id).await?;
                    match a.format {
                        Format::Csv => csv(&signups),
                        Format::Text => text(&signups),
                    }
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

/// `arrival,member,name,state,present,platform,user_id`, in arrival order.
pub fn csv(signups: &[Signup]) -> String {
    let mut out = String::from("arrival,member,name,state,present,platform,user_id\r\n");
    for s in signups {
        let row = [
            s.arrival.to_string(),
            s.member.0.to_string(),
            field(&s.name),
            s.state.as_str().to_owned(),
            u8::from(s.present).to_string(),
            s.platform.as_str().to_owned(),
            field(&s.user_id),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn text(signups: &[Signup]) -> String {
    signups
        .iter()
        .map(|s| {
            let present = if s.present { "present" } else { "" };
            format!("{:>4}  {:<9} {:<8} {}\n", s.arrival, s.state.as_str(), present, s.name)
        })
        .collect()
}
