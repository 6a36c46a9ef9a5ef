//! `jixia quiz import | export | list` as an operator runs them, and the
//! bank folder read at start: a broken bank stops `jixia console` and fails
//! `jixia config check` with `file:line: reason`. Each test in a sandbox
//! directory of its own, with `JIXIA*` and `RUST_LOG` removed from the
//! child's environment.

#[path = "support/operator.rs"]
mod operator;

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

type TestResult = Result<(), Box<dyn Error>>;

/// A fresh temp directory, removed when dropped.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(label: &str) -> Result<Sandbox, Box<dyn Error>> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
        let dir = std::env::temp_dir().join(format!("jixia-quiz-cli-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Sandbox { dir })
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<String, Box<dyn Error>> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes)?;
        Ok(path.display().to_string())
    }

    fn db(&self) -> String {
        self.dir.join("jixia.db").display().to_string()
    }

    /// Runs `jixia ARGS` here with `stdin`; (exit code, stdout, stderr).
    fn jixia(&self, args: &[&str], stdin: &str) -> Result<(Option<i32>, String, String), Box<dyn Error>> {
        let mut cmd = operator::jixia(&self.dir, args);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes())?;
        }
        let out = child.wait_with_output()?;
        Ok((
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into(),
            String::from_utf8_lossy(&out.stderr).into(),
        ))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fixture(name: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    Ok(std::fs::read(format!("{}/../tests/data/quiz/{name}", env!("CARGO_MANIFEST_DIR")))?)
}

#[test]
fn import_list_export_and_a_broken_file() -> TestResult {
    let sb = Sandbox::new("import")?;
    let ours = sb.write("pg.toml", &fixture("pg.toml")?)?;
    let red = sb.write("pg_basics.yaml", &fixture("pg_basics.yaml")?)?;
    let broken = sb.write("broken.toml", &fixture("broken.toml")?)?;
    let db = sb.db();
    let (code, out, err) = sb.jixia(&["quiz", "import", &ours, &red, "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("quiz bank test-pg") && out.contains("16 questions imported"), "{out}");
    assert!(out.contains("quiz bank pg_basics") && out.contains("8 questions imported"), "{out}");
    let (_, out, _) = sb.jixia(&["quiz", "import", &ours, "--db", &db], "")?;
    assert!(out.contains("unchanged, 16 questions"), "{out}");
    let (code, out, err) = sb.jixia(&["quiz", "import", &broken, "--db", &db], "")?;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        err.contains("nothing was imported") && err.contains("broken.toml:42: difficulty 9 is out of range"),
        "{err}"
    );
    let (code, out, err) = sb.jixia(&["quiz", "list", "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("pg: 12 questions") && out.contains("zh: 12 (difficulty 1-5: 2 / 2 / 3 / 3 / 2)"), "{out}");
    assert!(!out.contains("dup"), "nothing of the broken file: {out}");
    let (code, exported, err) = sb.jixia(&["quiz", "export", "--bank", "pg_basics", "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    let again = sb.write("again.toml", exported.as_bytes())?;
    let fresh = sb.dir.join("fresh.db").display().to_string();
    let (code, out, err) = sb.jixia(&["quiz", "import", &again, "--db", &fresh], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("8 questions imported"), "{out}");
    let (code, _, err) = sb.jixia(&["quiz", "export", "--bank", "nosuch", "--db", &db], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("no bank `nosuch`"), "{err}");
    Ok(())
}

#[test]
fn a_broken_bank_in_the_folder_stops_the_start() -> TestResult {
    let sb = Sandbox::new("start")?;
    std::fs::create_dir_all(sb.dir.join("config/quizzes"))?;
    sb.write("config/quizzes/pg.toml", &fixture("pg.toml")?)?;
    let db = sb.db();
    let (code, out, err) = sb.jixia(&["config", "check"], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("quiz bank test-pg (config/quizzes/pg.toml): 16 questions OK"), "{out}");
    let (code, out, err) = sb.jixia(&["console", "--db", &db, "--moderator", "mo", "--as", "mo"], "/quiz topics\n")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("pg PG 基础 — 12 题"), "{out}");
    sb.write("config/quizzes/broken.toml", &fixture("broken.toml")?)?;
    let (code, _, err) = sb.jixia(&["config", "check"], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("config/quizzes/broken.toml:10: duplicate id `dup` (first used at line 3)"), "{err}");
    let (code, out, err) = sb.jixia(&["console", "--db", &db], "/ping\n")?;
    assert_eq!(code, Some(1), "{out}");
    assert!(err.contains("broken.toml:42: difficulty 9"), "{err}");
    Ok(())
}

#[test]
fn check_plays_every_question_and_names_the_ones_nobody_can_answer() -> TestResult {
    let sb = Sandbox::new("check")?;
    let ours = sb.write("pg.toml", &fixture("pg.toml")?)?;
    let red = sb.write("pg_basics.yaml", &fixture("pg_basics.yaml")?)?;
    let (code, out, err) = sb.jixia(&["quiz", "check", &ours, &red], "")?;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("answered through the engine: 24 of 24"), "{out}");
    assert!(out.contains("every question can be answered with its own answers"), "{out}");
    assert!(!sb.dir.join("jixia.db").exists(), "the check never writes the operator's database");

    // A list a member could not finish: one answer starts with `/` (a chat
    // message would be a command, so the check answers with /quiz answer),
    // and one holds a control character no chat message can carry.
    let odd = sb.write(
        "odd.yaml",
        "Where does PostgreSQL keep its config on Debian?:\n- /etc/postgresql\n\
         Which key rings the terminal bell?:\n- \"ctrl-g\\a\"\n\
         Which port does PostgreSQL listen on?:\n- 5432\n"
            .as_bytes(),
    )?;
    let (code, out, err) = sb.jixia(&["quiz", "check", &odd], "")?;
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("answered through the engine: 2 of 3 (1 only with /quiz answer)"), "{out}");
    assert!(out.contains("NOT ANSWERABLE") && out.contains("(line 3)"), "{out}");
    assert!(!out.contains("every question can be answered"), "{out}");

    // Files it cannot play: each named with what is wrong.
    let broken = sb.write("broken.toml", &fixture("broken.toml")?)?;
    let (code, _, err) = sb.jixia(&["quiz", "check", &broken], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("broken.toml:42: difficulty 9 is out of range"), "{err}");
    let (code, _, err) = sb.jixia(&["quiz", "check", "nosuch.yaml", "notes.txt"], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("cannot read nosuch.yaml") && err.contains("notes.txt: cannot tell the format"), "{err}");
    Ok(())
}
