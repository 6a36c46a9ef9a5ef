//! The README's console transcript is real: run the command it shows and
//! compare the output line by line.

#[path = "support/operator.rs"]
mod operator;

use std::io::Write;
use std::process::Stdio;

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
    let mut child = operator::jixia(&dir, &["console", "--db", "demo.db", "--as", as_name])
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

/// Runs `jixia ARGS` in `dir` with none of the host's JIXIA_* settings.
fn jixia(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::process::Output {
    let mut cmd = operator::jixia(dir, args);
    cmd.envs(env.iter().copied()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"))
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("jixia-readme-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// The Telegram section's minimal `jixia.toml`, as printed, passes
/// `config check` once a token is in the environment, and is refused
/// without one.
#[test]
fn readme_minimal_telegram_config_is_valid() {
    let readme = readme();
    let section = readme.split("## Telegram").nth(1).unwrap_or_else(|| panic!("README has a Telegram section"));
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("the Telegram section has a ```toml block"));
    assert!(block.contains("[telegram]") && block.contains("chats = ["), "{block}");
    let dir = scratch("tgconfig");
    std::fs::write(dir.join("jixia.toml"), block).unwrap_or_else(|e| panic!("{e}"));
    let token = ("JIXIA__TELEGRAM__TOKEN", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0");
    let ok = jixia(&dir, &["config", "check", "--config", "jixia.toml"], &[token], "");
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(stdout.starts_with("config OK"), "{stdout}");
    assert!(!stdout.contains("AAHdqTcv"), "the token is not printed: {stdout}");
    let refused = jixia(&dir, &["config", "check", "--config", "jixia.toml"], &[], "");
    assert!(!refused.status.success(), "a Telegram config without a token is refused");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The FAQ paragraph's first import: the shipped sample goes in, and the
/// question the README shows is redirected to the right entry.
#[test]
fn readme_sample_faq_redirects_the_question_it_shows() {
    let readme = readme();
    assert!(readme.contains("jixia faq import config/faq/postgres.sample.jsonl"));
    let question = readme
        .lines()
        .find_map(|l| l.strip_prefix("printf '").and_then(|r| r.split_once("\\n' | jixia console")).map(|(q, _)| q))
        .unwrap_or_else(|| panic!("the README shows a question for the console"));
    let dir = scratch("samplefaq");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/faq/postgres.sample.jsonl");
    let import = jixia(&dir, &["faq", "import", sample], &[], "");
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let chat = jixia(&dir, &["console"], &[], &format!("{question}\n"));
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&chat.stdout);
    assert!(chat.status.success(), "{}", String::from_utf8_lossy(&chat.stderr));
    // pg-zh-4.4 answers how large a row, a table and a database can be.
    assert!(stdout.contains("pg-zh-4.4"), "the sample FAQ answered the README's question:\n{stdout}");
}
