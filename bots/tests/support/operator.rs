//! `jixia` as an operator runs it, for the tests that start the binary: in
//! a folder of the test's, with none of the host's `JIXIA*` settings,
//! `RUST_LOG` or `RUST_BACKTRACE` (each test sets what it means to).

use std::path::Path;
use std::process::Command;

/// `jixia ARGS` in `dir`; stdin, stdout and stderr are the caller's to set
/// (`tokio::process::Command::from` turns it into an async one).
pub fn jixia(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixia"));
    cmd.args(args).current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("JIXIA") {
            cmd.env_remove(&name);
        }
    }
    cmd.env_remove("RUST_LOG").env_remove("RUST_BACKTRACE");
    cmd
}
