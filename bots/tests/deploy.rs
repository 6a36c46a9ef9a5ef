//! The systemd unit shipped in `deploy/jixia.service`, as an operator
//! installs it: `systemd-analyze verify` accepts it without a warning, with
//! the binary where the unit expects it, and the commands it runs are ones
//! `jixia` takes.

#[path = "support/operator.rs"]
mod operator;

use std::path::{Path, PathBuf};
use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn unit() -> Result<String, std::io::Error> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/jixia.service"))
}

/// The unit with the installed paths moved into `dir`: the binary (this
/// build's) and the config (the example one).
fn installed(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let config = dir.join("jixia.toml");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/jixia.example.toml"), &config)?;
    let text = unit()?
        .replace("/usr/local/bin/jixia", env!("CARGO_BIN_EXE_jixia"))
        .replace("/etc/jixia/jixia.toml", &config.to_string_lossy());
    let path = dir.join("jixia.service");
    std::fs::write(&path, text)?;
    Ok(path)
}

fn verify(unit: &Path) -> Result<(bool, String), std::io::Error> {
    let out = Command::new("systemd-analyze").args(["verify", "--man=no"]).arg(unit).output()?;
    Ok((out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned()))
}

#[test]
fn systemd_accepts_the_unit_without_a_warning() -> TestResult {
    let dir = jixia::store::scratch::ScratchFile::new()?;
    let (ok, warnings) = verify(&installed(dir.dir())?)?;
    assert!(ok && warnings.trim().is_empty(), "systemd-analyze verify: {warnings}");
    Ok(())
}

#[test]
fn a_mistake_in_the_unit_is_caught() -> TestResult {
    // The check above is only worth something if verify speaks up.
    let dir = jixia::store::scratch::ScratchFile::new()?;
    let path = installed(dir.dir())?;
    let broken = std::fs::read_to_string(&path)?.replace("Restart=on-failure", "Restart=sometimes");
    std::fs::write(&path, broken)?;
    let (_, warnings) = verify(&path)?;
    assert!(warnings.contains("sometimes"), "{warnings}");
    Ok(())
}

#[test]
fn the_units_commands_are_ones_jixia_takes() -> TestResult {
    let dir = jixia::store::scratch::ScratchFile::new()?;
    installed(dir.dir())?;
    let text = std::fs::read_to_string(dir.dir().join("jixia.service"))?;
    let commands: Vec<Vec<&str>> = text
        .lines()
        .filter_map(|l| l.strip_prefix("ExecStartPre=").or_else(|| l.strip_prefix("ExecStart=")))
        .map(|l| l.split_whitespace().skip(1).collect())
        .collect();
    assert_eq!(commands.len(), 2, "{text}");
    // The pre-start check passes on the example config.
    let check = operator::jixia(dir.dir(), &commands[0]).output()?;
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    // `run` on it says no adapter is enabled, with the status the unit does
    // not restart on.
    let run = operator::jixia(dir.dir(), &commands[1]).output()?;
    assert_eq!(run.status.code(), Some(2), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(text.contains("RestartPreventExitStatus=2"));
    Ok(())
}
