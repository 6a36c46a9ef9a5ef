//! Tracing setup for the binary: `RUST_LOG` (or the config's filter), human
//! or JSON lines, always on stderr so the console's transcript on stdout
//! stays clean; colour only on a terminal and never with `NO_COLOR`.

use std::io::IsTerminal;

use jixia::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `default_filter` applies when `RUST_LOG`
/// is unset.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(default_filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR")))
        // When the log's reader is gone (`jixia run 2>&1 | head -1`), a
        // failed write is dropped: reporting it would `eprintln!` into the
        // same broken pipe, which panics, in whatever task was logging
        // (the shutdown's included).
        .log_internal_errors(false)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    // A second init (tests) keeps the first subscriber; nothing to do.
    drop(result);
}

/// Whether log lines carry ANSI colour: only on a terminal, and not when
/// `NO_COLOR` is set to anything non-empty (<https://no-color.org>).
fn colour(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::colour;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".into())));
        assert!(!colour(true, Some("1".into())));
        assert!(!colour(false, None));
    }
}
