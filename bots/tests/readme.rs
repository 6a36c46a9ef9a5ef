//! The README's console transcript is real: run the command it shows and
//! compare the output line by line.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn readme_console_example_is_what_the_console_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let block = readme
        .split("```console\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("README.md has a ```console block"));
    let mut lines = block.lines();
    let command = lines.next().unwrap_or_default();
    let script = command
        .split("printf '")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("the example starts with printf '…': {command}"))
        .replace("\\n", "\n");
    let as_name = command.split("--as ").nth(1).and_then(|s| s.split_whitespace().next()).unwrap_or("me");
    let expected: Vec<&str> = lines.collect();

    let dir = std::env::temp_dir().join(format!("jixia-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixia"))
        .args(["console", "--db"])
        .arg(dir.join("demo.db"))
        .args(["--as", as_name])
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = stdout.lines().collect();
    assert_eq!(got, expected, "README.md's console example drifted from what the console prints");
}
