//! The `jixia` binary: console, adapters, migrations, config checks and the
//! bench harness, behind one CLI.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use jixia::clock::{Clock, ManualClock, SystemClock};
use jixia::config::Config;
use jixia::secret::DbUrl;
use jixia::{Engine, store};
use jixia_bots::console::{Console, Flow};
use jixia_bots::logging;

mod csv;
mod event_cli;
mod faq_cli;
mod jobs_cli;
mod quiz_check;
mod quiz_cli;
mod stats_cli;

const EXAMPLES: &str = "\
Examples:
  jixia console                              chat with the bot in this terminal (./jixia.db)
  printf '/help\\n/whoami\\n' | jixia console   scripted: prints a transcript
  jixia console --as alice --moderator alice  speak as alice, a moderator
  jixia run --config jixia.toml              start the adapters enabled in the config
  jixia migrate --db postgres://jixia@db/jixia
  jixia config check --config jixia.toml
  jixia faq import faq.jsonl                 import FAQ entries (also .csv, .md)
  jixia faq eval --faq faq.jsonl --queries q.jsonl
  jixia quiz import computers.yaml           import a bank (ours: .toml; Red-DiscordBot lists: .yaml)
  jixia quiz list                            topics, questions per difficulty and language
  jixia quiz check computers.yaml            play every question in a scratch engine: all answerable?
  jixia jobs failed --limit 50               jobs that gave up, with their last error
  jixia jobs retry 42                        put failed job 42 back in the queue
  jixia jobs counts                          jobs per state and kind
  jixia jobs outbox                          messages waiting per platform; the ones refused for good
  jixia jobs resend 7                        send refused outbox message 7 again
  jixia event export E12 > e12.ics           an event's calendar file
  jixia event attendees E12 --format csv     who signed up, in arrival order
  jixia stats --since 2026-11-01             the community's figures since a day, against the period before
  jixia stats --format csv > stats.csv       the same, a row per day and figure
  jixia bench --messages 20000 --pg postgres://postgres@127.0.0.1/test

Environment:
  JIXIA__SECTION__KEY=value overrides a config key (JIXIA__TELEGRAM__TOKEN=…);
  RUST_LOG sets log filters; JIXIA_CONFIG names the config file.";

/// jixia (稷下): a community engine that lives in chat groups.
#[derive(Debug, Parser)]
// No bare `about`: it would show the crate's description instead of the
// line above.
#[command(name = "jixia", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Chat with the bot in the terminal (a group chat on the console platform).
    Console(ConsoleArgs),
    /// Start the platform adapters enabled in the config.
    Run(DataArgs),
    /// Apply database migrations and exit.
    Migrate(DataArgs),
    /// Check the points ledger: every community sums to zero and every cached balance equals its entries.
    Doctor(DataArgs),
    /// Copy a SQLite database to a new file, consistently, while jixia runs (PostgreSQL: use pg_dump).
    Backup(BackupArgs),
    /// FAQ tools: import and export entries, measure the matcher.
    Faq {
        #[command(subcommand)]
        command: faq_cli::FaqCommand,
    },
    /// Quiz banks: import (ours or Red-DiscordBot lists), export, list.
    Quiz {
        #[command(subcommand)]
        command: quiz_cli::QuizCommand,
    },
    /// The job queue: list failed jobs, retry one, count jobs per state and kind.
    Jobs {
        #[command(subcommand)]
        command: jobs_cli::JobsCommand,
    },
    /// Events: an event's calendar file, its sign-up list (text or CSV).
    Event {
        #[command(subcommand)]
        command: event_cli::EventCommand,
    },
    /// The community's figures: members, actives, messages, questions, check-ins, FAQ, points, shop.
    Stats(stats_cli::StatsArgs),
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Push synthetic traffic through the engine and print throughput and latency.
    Bench(BenchArgs),
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Load and validate the config (file + JIXIA__* environment) and print a redacted summary.
    Check(ConfigArgs),
}

#[derive(Debug, Args)]
struct ConfigArgs {
    /// Config file (TOML). Without it, defaults plus environment overrides.
    #[arg(long, env = "JIXIA_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DataArgs {
    /// SQLite file or PostgreSQL URL (postgres://…). Default: database.url from config, else ./jixia.db.
    #[arg(long, value_name = "PATH_OR_URL")]
    db: Option<String>,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Debug, Args)]
struct BackupArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The new file to write (it must not exist).
    #[arg(value_name = "FILE")]
    to: PathBuf,
}

#[derive(Debug, Args)]
struct ConsoleArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Your member name.
    #[arg(long = "as", value_name = "NAME", default_value = "me")]
    as_name: String,
    /// Console members who are moderators (repeatable).
    #[arg(long, value_name = "NAME")]
    moderator: Vec<String>,
    /// The group chat to start in.
    #[arg(long, value_name = "NAME", default_value = "general")]
    chat: String,
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// What the stream is made of: mix (90% chat, 5% questions, 5% commands), ping (`/ping`, answered
    /// `pong`), checkin (each message a distinct member's first check-in of the day, every other one
    /// continuing a streak), chat (plain messages that earn activity points, no reply).
    #[arg(long, default_value = "mix", value_parser = clap::builder::PossibleValuesParser::new(["mix", "ping", "checkin", "chat"]))]
    scenario: String,
    /// Messages to push.
    #[arg(long, default_value_t = 20_000)]
    messages: usize,
    /// Distinct members.
    #[arg(long, default_value_t = 10_000)]
    members: usize,
    /// Distinct group chats.
    #[arg(long, default_value_t = 100)]
    chats: usize,
    /// Messages handled concurrently (1: one at a time, each waiting for the one before).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Also bench PostgreSQL: a server URL; a scratch database is created on it and dropped afterwards.
    #[arg(long, value_name = "URL")]
    pg: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "jixia: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match dispatch(cli, &runtime) {
        Ok(code) => code,
        Err(e) => {
            // Not eprintln!: a closed stderr must not turn an error into a panic.
            let _ = writeln!(std::io::stderr(), "jixia: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, `: ` apart. The library's errors often end with
/// their cause's text already (`config file x: No such file …`), so a cause
/// the message already ends with is not printed twice.
fn load_config(args: &ConfigArgs) -> Result<Config> {
    Ok(Config::load(args.config.as_deref(), std::env::vars())?)
}

fn db_url(args: &DataArgs, config: &Config) -> DbUrl {
    match (&args.db, &config.database.url) {
        (Some(db), _) => DbUrl::new(db.clone()),
        (None, Some(url)) => url.clone(),
        (None, None) => DbUrl::new("./jixia.db"),
    }
}

fn dispatch(cli: Cli, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    match cli.command {
        Command::Console(args) => console(args, rt),
        Command::Run(args) => {
            let config = load_config(&args.config)?;
            logging::init(config.log.format, &config.log.filter);
            run(&config, &args, rt)
        }
        Command::Migrate(args) => {
            let config = load_config(&args.config)?;
            // Warnings only: the one line below is migrate's whole output
            // (sqlx reports PostgreSQL's "already exists, skipping" notices
            // at info).
            logging::init(config.log.format, "warn");
            let url = db_url(&args, &config);
            rt.block_on(async {
                let store = store::open(&url, &config.database.store_options()).await?;
                store.close().await;
                anyhow::Ok(())
            })?;
            writeln!(std::io::stdout(), "database {url} is migrated to the latest schema")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor(args) => {
            let config = load_config(&args.config)?;
            logging::init(config.log.format, "warn");
            let url = db_url(&args, &config);
            let audit = rt.block_on(async {
                let store = store::open(&url, &config.database.existing_store_options()).await?;
                let audit = store.ledger().audit().await;
                let escrow = jixia::features::bounty::escrow_drift(&store).await;
                store.close().await;
                anyhow::Ok((audit?, escrow?))
            })?;
            let (audit, escrow) = audit;
            let mut out = std::io::stdout().lock();
            doctor_report(&audit, &mut out)?;
            escrow_report(&escrow, &mut out)?;
            Ok(if audit.is_clean() && escrow.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Backup(args) => {
            let config = load_config(&args.data.config)?;
            logging::init(config.log.format, "warn");
            let url = db_url(&args.data, &config);
            let bytes = rt.block_on(async {
                let store = store::open(&url, &config.database.existing_store_options()).await?;
                let bytes = store.backup(&args.to).await;
                store.close().await;
                anyhow::Ok(bytes?)
            })?;
            writeln!(std::io::stdout(), "backed up {url} to {} ({bytes} bytes)", args.to.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Faq { command } => {
            logging::init(jixia::config::LogFormat::Human, "warn");
            faq_cli::run(command, rt)
        }
        Command::Jobs { command } => {
            logging::init(jixia::config::LogFormat::Human, "warn");
            jobs_cli::run(command, rt)
        }
        Command::Quiz { command } => {
            logging::init(jixia::config::LogFormat::Human, "warn");
            quiz_cli::run(command, rt)
        }
        Command::Event { command } => {
            logging::init(jixia::config::LogFormat::Human, "warn");
            event_cli::run(command, rt)
        }
        Command::Stats(args) => {
            logging::init(jixia::config::LogFormat::Human, "warn");
            stats_cli::run(args, rt)
        }
        Command::Config { command: ConfigCommand::Check(args) } => {
            let config = load_config(&args)?;
            // Files the features read at start (quiz banks) are checked too.
            let files = rt.block_on(jixia::features::load(&config, None, SystemClock.now()))?;
            let mut out = std::io::stdout().lock();
            print_config_summary(&config, &mut out)?;
            for line in files {
                writeln!(out, "{line}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => {
            logging::init(jixia::config::LogFormat::Human, "warn");
            rt.block_on(bench(args))
        }
    }
}

/// Prints what `jixia doctor` found, one problem per line.
fn doctor_report(audit: &jixia::ledger::LedgerAudit, out: &mut dyn Write) -> std::io::Result<()> {
    if audit.is_clean() {
        return writeln!(
            out,
            "ledger OK: {} accounts, {} movements; every community sums to zero and every balance equals its entries",
            audit.accounts, audit.movements
        );
    }
    writeln!(out, "ledger PROBLEMS ({} accounts, {} movements):", audit.accounts, audit.movements)?;
    for (community, sum) in &audit.unbalanced {
        writeln!(out, "  community {community}: accounts sum to {sum}, not 0")?;
    }
    for (id, owner, cached, entries) in &audit.drifted {
        writeln!(out, "  account {id} ({owner}): cached {cached}, entries say {entries}")?;
    }
    for id in &audit.broken_movements {
        writeln!(out, "  movement {id}: its entries are not one pair summing to zero")?;
    }
    for (id, owner, balance) in &audit.negative {
        writeln!(out, "  account {id} ({owner}): negative balance {balance}")?;
    }
    Ok(())
}

/// Prints what `jixia doctor` found of the bounties' escrow: each
/// community's escrow account must equal the sum of its open bounties.
fn escrow_report(drift: &[jixia::features::bounty::EscrowDrift], out: &mut dyn Write) -> std::io::Result<()> {
    if drift.is_empty() {
        return writeln!(out, "escrow OK: every community's escrow account equals its open bounties");
    }
    writeln!(out, "escrow PROBLEMS:")?;
    for d in drift {
        writeln!(out, "  community {}: escrow holds {}, open bounties sum to {}", d.community, d.escrow, d.open)?;
    }
    Ok(())
}

fn console(args: ConsoleArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let mut config = load_config(&args.data.config)?;
    // Logs go to stderr; keep them to warnings so the chat stays readable.
    logging::init(config.log.format, "warn");
    for name in &args.moderator {
        let entry = format!("console:{name}");
        config.default_community_mut().moderators.push(entry.clone());
        for community in config.communities.values_mut() {
            if !community.moderators.contains(&entry) {
                community.moderators.push(entry.clone());
            }
        }
    }
    let url = db_url(&args.data, &config);
    let clock = ManualClock::running(SystemClock.now());
    let store = rt.block_on(store::open(&url, &config.database.store_options()))?;
    if let Err(e) = rt.block_on(jixia::features::load(&config, Some(&store), clock.now())) {
        rt.block_on(store.close());
        return Err(e.into());
    }
    let mut engine = Engine::new(&config, store.clone(), Arc::new(clock.clone()))?;
    jixia_bots::news::install(&mut engine, &config)?;
    jixia_bots::llm::install(&mut engine, &config)?;
    jixia_bots::embeddings::install(&mut engine, &config)?;
    let engine = Arc::new(engine);
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    // With the dashboard on, the console serves it too, so a moderator can
    // try `/dashboard` and open the link it sends.
    let (_stop_http, http_stopped) = tokio::sync::oneshot::channel::<()>();
    if config.dashboard.enabled {
        let router = jixia_bots::ops::router(engine.clone(), &config.http);
        let listen = config.http.listen.clone();
        let listener = rt.block_on(tokio::net::TcpListener::bind(&listen));
        match listener {
            Ok(listener) => {
                rt.spawn(async move {
                    let app = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
                    let stopped = async {
                        let _ = http_stopped.await;
                    };
                    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(stopped).await {
                        tracing::error!(error = %e, "the dashboard stopped");
                    }
                });
                if interactive {
                    writeln!(
                        std::io::stderr(),
                        "dashboard on http://{listen}/dashboard: send /dashboard and open the link"
                    )?;
                }
            }
            Err(e) => bail!("cannot listen on {listen} ([http] listen) for the dashboard: {e}"),
        }
    }
    let mut console = Console::new(engine.clone(), clock, &args.as_name, &args.chat, !interactive);
    let mut out = std::io::stdout();
    let result = if interactive {
        interactive_console(&mut console, &url, rt, &mut out)
    } else {
        rt.block_on(console.run_script(stdin.lock(), &mut out)).map_err(anyhow::Error::from)
    };
    rt.block_on(jixia::features::faq::stop(&engine));
    // Closing checkpoints SQLite's write-ahead log into the database file,
    // so after exit `jixia.db` alone holds everything (no -wal/-shm left).
    rt.block_on(store.close());
    result.map(|()| ExitCode::SUCCESS)
}

/// The console on a terminal: line editing and history.
fn interactive_console(
    console: &mut Console,
    url: &DbUrl,
    rt: &tokio::runtime::Runtime,
    out: &mut std::io::Stdout,
) -> Result<()> {
    let mut editor = rustyline::DefaultEditor::new().context("cannot start line editing")?;
    let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".jixia_history"));
    if let Some(h) = &history {
        // No history yet is normal.
        let _ = editor.load_history(h);
    }
    writeln!(out, "jixia console on {url}: type /help, :help for console commands, :quit or Ctrl-D to leave.")?;
    loop {
        match editor.readline(&console.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if rt.block_on(console.line(&line, out))? == Flow::Quit {
                    break;
                }
            }
            // Ctrl-C clears the line (and a message being continued), as in
            // a shell; it does not leave.
            Err(rustyline::error::ReadlineError::Interrupted) => console.interrupt(out)?,
            // Ctrl-D sends a message being continued, then leaves.
            Err(rustyline::error::ReadlineError::Eof) => {
                rt.block_on(console.finish(out))?;
                break;
            }
            Err(e) => bail!("reading the terminal: {e}"),
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(())
}

fn run(config: &Config, args: &DataArgs, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    if !config.telegram.enabled && !config.discord.enabled && !config.qq.enabled {
        let _ = writeln!(
            std::io::stderr(),
            "jixia: no adapter is enabled. Enable one in the config ([telegram] enabled = true, or [discord], or [qq]) \
             or with JIXIA__TELEGRAM__ENABLED=true, and give its token; to try jixia without a platform, use `jixia console`."
        );
        return Ok(ExitCode::from(2));
    }
    let url = db_url(args, config);
    rt.block_on(async {
        let store = store::open(&url, &config.database.store_options()).await?;
        // Files the features read (quiz banks): a broken one stops the start.
        for line in jixia::features::load(config, Some(&store), SystemClock.now()).await? {
            tracing::info!("{line}");
        }
        let mut engine = Engine::new(config, store.clone(), Arc::new(SystemClock))?;
        jixia_bots::news::install(&mut engine, config)?;
        jixia_bots::llm::install(&mut engine, config)?;
        jixia_bots::embeddings::install(&mut engine, config)?;
        let engine = Arc::new(engine);
        let result = run_adapters(engine.clone(), config, shutdown_signal()).await;
        jixia::features::faq::stop(&engine).await;
        store.close().await;
        result
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the enabled adapters side by side until `shutdown` completes; an
/// adapter that fails stops the others too.
async fn run_adapters(
    engine: Arc<Engine>,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    {
        let stop_tx = stop_tx.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
    }
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    // The operators' endpoints: on the Telegram webhook's listener when it
    // is the same address, else on their own.
    for (on, adapter) in
        [(config.telegram.enabled, "telegram"), (config.discord.enabled, "discord"), (config.qq.enabled, "qq")]
    {
        if on {
            jixia_bots::ops::expect(adapter);
        }
    }
    let ops = (!config.http.listen.is_empty()).then(|| jixia_bots::ops::router(engine.clone(), &config.http));
    let same_address = config.http.listen.parse::<std::net::SocketAddr>().ok()
        == config.telegram.webhook_listen.parse::<std::net::SocketAddr>().ok();
    let ops_on_webhook =
        config.telegram.enabled && config.telegram.mode == jixia::config::TelegramMode::Webhook && same_address;
    let http = async {
        let Some(router) = ops.clone().filter(|_| !ops_on_webhook) else { return Ok(()) };
        let r = jixia_bots::ops::serve(&config.http.listen, router, stopped(stop_rx.clone())).await;
        if r.is_err() {
            let _ = stop_tx.send(true);
        }
        r.map_err(anyhow::Error::from)
    };
    let telegram = async {
        if !config.telegram.enabled {
            return Ok(());
        }
        let routes = ops.clone().filter(|_| ops_on_webhook);
        let r = jixia_bots::telegram::run(engine.clone(), &config.telegram, routes, stopped(stop_rx.clone())).await;
        if r.is_err() {
            let _ = stop_tx.send(true);
        }
        r.map_err(anyhow::Error::from)
    };
    let discord = async {
        if !config.discord.enabled {
            return Ok(());
        }
        let r = jixia_bots::discord::run(engine.clone(), &config.discord, stopped(stop_rx.clone())).await;
        if r.is_err() {
            let _ = stop_tx.send(true);
        }
        r.map_err(anyhow::Error::from)
    };
    let qq = async {
        if !config.qq.enabled {
            return Ok(());
        }
        let r = jixia_bots::qq::run(engine.clone(), &config.qq, stopped(stop_rx.clone())).await;
        if r.is_err() {
            let _ = stop_tx.send(true);
        }
        r.map_err(anyhow::Error::from)
    };
    // Activity flushes and the scheduler move on every tick; what they make
    // goes to the outbox, which each adapter sends for its platform.
    let ticker = {
        let engine = engine.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = engine.until_due() => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                // Supervised: a panic in one tick is logged; the next runs.
                if let Err(panic) = jixia::supervise::catch_panic(engine.tick()).await {
                    tracing::error!(panic = %panic, "a scheduler tick panicked");
                }
            }
            // The last activity points of the run are written before exit.
            if let Err(panic) = jixia::supervise::catch_panic(engine.due()).await {
                tracing::error!(panic = %panic, "a scheduler tick panicked");
            }
        })
    };
    let (t, d, q, h) = tokio::join!(telegram, discord, qq, http);
    let _ = stop_tx.send(true);
    let _ = ticker.await;
    t.and(d).and(q).and(h)
}

/// Completes on Ctrl-C, or on SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutdown requested");
}

/// Writes to `out`, not `println!`, so a closed pipe (`jixia config check |
/// head -1`) is an error, not a panic.
fn print_config_summary(config: &Config, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "config OK")?;
    writeln!(out, "bot name:           {}", config.bot.name)?;
    writeln!(out, "default community:  {}", config.default_community_id())?;
    match &config.database.url {
        Some(url) => writeln!(out, "database:           {url}")?,
        None => writeln!(out, "database:           ./jixia.db (default)")?,
    }
    for (id, c) in &config.communities {
        writeln!(
            out,
            "community {id}: locale {}, time zone {}, {} chats, {} moderators, {} admins",
            c.locale,
            c.timezone,
            c.chats.len(),
            c.moderators.len(),
            c.admins.len()
        )?;
    }
    writeln!(out, "telegram:           {}", if config.telegram.enabled { "enabled" } else { "off" })?;
    writeln!(out, "discord:            {}", if config.discord.enabled { "enabled" } else { "off" })?;
    writeln!(out, "qq:                 {}", if config.qq.enabled { "enabled" } else { "off" })
}

async fn bench(args: BenchArgs) -> Result<ExitCode> {
    let opts = jixia::bench::BenchOptions {
        scenario: jixia::bench::Scenario::parse(&args.scenario).unwrap_or_default(),
        messages: args.messages,
        members: args.members,
        chats: args.chats,
        concurrency: usize::from(args.concurrency),
        ..Default::default()
    };
    let file = store::scratch::ScratchFile::new()?;
    let report = async {
        let store = store::open(file.url(), &Default::default()).await?;
        let report = jixia::bench::run(store.clone(), opts).await?;
        store.close().await;
        anyhow::Ok(report)
    }
    .await;
    writeln!(std::io::stdout(), "{}\n", report?.summary())?;
    if let Some(pg) = args.pg {
        let scratch = store::scratch::ScratchDb::create(&DbUrl::new(pg)).await?;
        let result = async {
            let store = store::open(scratch.url(), &Default::default()).await?;
            let report = jixia::bench::run(store.clone(), opts).await?;
            store.close().await;
            anyhow::Ok(report)
        }
        .await;
        scratch.drop_db().await?;
        writeln!(std::io::stdout(), "{}", result?.summary())?;
    }
    Ok(ExitCode::SUCCESS)
}
