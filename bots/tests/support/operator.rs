//! `jixia` as an operator runs it, for the tests that start the binary: in
//! a folder of the test's, with none of the host's `JIXIA*` settings,
//! `RUST_LOG` or `RUST_BACKTRACE` (each test sets what it means to).

use std::path::Path;
use std::process::Command;

/// Stops a running `jixia` with `signal` (`INT`, `TERM`) and waits for it
/// (at most 20 s): what it printed, and how it exited.
#[cfg(unix)]
#[allow(dead_code, reason = "the tests that start `jixia run` use it; the others include this file too")]
pub async fn stop(child: tokio::process::Child, signal: &str) -> std::process::Output {
    let pid = child.id().unwrap_or_else(|| panic!("jixia already exited"));
    let sent = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -{signal} {pid}");
    tokio::time::timeout(std::time::Duration::from_secs(20), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("jixia did not stop on SIG{signal}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

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
