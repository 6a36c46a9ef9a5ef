//! `jixia faq import | export | eval` as an operator runs them, and a FAQ
//! redirect in the console: each test in a sandbox directory of its own,
//! with `JIXIA*` and `RUST_LOG` removed from the child's environment.

#[path = "support/operator.rs"]
mod operator;

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn Error>>;

/// A fresh temp directory, removed when dropped.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(label: &str) -> Result<Sandbox, Box<dyn Error>> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
        let dir = std::env::temp_dir().join(format!("jixia-faq-cli-{label}-{}-{nanos}", std::process::id()));
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

    /// `jixia ARGS` here, without the host's JIXIA* and RUST_LOG.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = operator::jixia(&self.dir, args);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    /// Runs `jixia ARGS` here with `stdin`; (exit code, stdout, stderr).
    fn jixia(&self, args: &[&str], stdin: &str) -> Result<(Option<i32>, String, String), Box<dyn Error>> {
        let mut child = self.command(args).spawn()?;
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

impl Sandbox {
    /// As [`Sandbox::jixia`] with no input, but a run still going after
    /// `limit` is killed and fails the test instead of hanging it. Output
    /// goes to files, so a chatty run cannot block on a full pipe.
    fn jixia_within(&self, args: &[&str], limit: Duration) -> Result<(Option<i32>, String, String), Box<dyn Error>> {
        let (out, err) = (self.dir.join("stdout"), self.dir.join("stderr"));
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::null()).stdout(std::fs::File::create(&out)?).stderr(std::fs::File::create(&err)?);
        let mut child = cmd.spawn()?;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > limit {
                child.kill()?;
                child.wait()?;
                return Err(format!("jixia {args:?} still running after {limit:?}; killed").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Ok((status.code(), std::fs::read_to_string(out)?, std::fs::read_to_string(err)?))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const FAQ: &str = "{\"id\":\"vacuum-full\",\"question\":\"VACUUM FULL 会锁表吗？\",\"answer\":\"会，整个重写期间持有 ACCESS EXCLUSIVE 锁。\",\"lang\":\"zh\"}\n\
{\"id\":\"version\",\"question\":\"How do I check the PostgreSQL version?\",\"answer\":\"SELECT version();\",\"lang\":\"en\"}\n";

#[test]
fn import_is_idempotent_and_export_round_trips() -> TestResult {
    let sb = Sandbox::new("import")?;
    let file = sb.write("faq.jsonl", FAQ.as_bytes())?;
    let db = sb.db();
    let (code, out, err) = sb.jixia(&["faq", "import", &file, "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("added: 2 (vacuum-full, version)"), "{out}");
    let (_, out, _) = sb.jixia(&["faq", "import", &file, "--db", &db], "")?;
    assert!(out.contains("added: 0") && out.contains("unchanged: 2"), "{out}");
    for format in ["jsonl", "csv", "md"] {
        let (code, exported, err) = sb.jixia(&["faq", "export", "--format", format, "--db", &db], "")?;
        assert_eq!(code, Some(0), "{err}");
        let again = sb.write(&format!("again.{format}"), exported.as_bytes())?;
        let (code, out, err) = sb.jixia(&["faq", "import", &again, "--db", &db], "")?;
        assert_eq!(code, Some(0), "{format}: {err}");
        assert!(out.contains("unchanged: 2"), "{format} round trip: {out}");
    }
    Ok(())
}

#[test]
fn bad_files_import_nothing_and_name_the_lines() -> TestResult {
    let sb = Sandbox::new("bad")?;
    let db = sb.db();
    let mut bad = format!("{FAQ}{{\"id\":\"version\",\"question\":\"again\",\"answer\":\"x\"}}\n").into_bytes();
    bad.extend_from_slice(b"\xff\xfe\n");
    let file = sb.write("bad.jsonl", &bad)?;
    let (code, out, err) = sb.jixia(&["faq", "import", &file, "--db", &db], "")?;
    assert_eq!(code, Some(1));
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("nothing imported"), "{err}");
    assert!(err.contains("line 3: duplicate id \"version\" (first on line 2)"), "{err}");
    assert!(err.contains("line 4: not UTF-8"), "{err}");
    let (_, exported, _) = sb.jixia(&["faq", "export", "--db", &db], "")?;
    assert!(exported.is_empty(), "nothing half-imported: {exported}");
    let empty = sb.write("empty.md", b"")?;
    let (code, _, err) = sb.jixia(&["faq", "import", &empty, "--db", &db], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("the file is empty"), "{err}");
    let notes = sb.write("notes.md", "just notes\nno headings\n".as_bytes())?;
    let (_, _, err) = sb.jixia(&["faq", "import", &notes, "--db", &db], "")?;
    assert!(err.contains("no \"## question\" headings"), "{err}");
    let odd = sb.write("faq.txt", FAQ.as_bytes())?;
    let (code, _, err) = sb.jixia(&["faq", "import", &odd, "--db", &db], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("--format jsonl|csv|md"), "{err}");
    Ok(())
}

/// `faq import /dev/zero` stops at the 8 MB limit with a clear error (it
/// used to read without end before checking); so does `faq eval`.
#[test]
fn endless_input_stops_at_the_size_limit() -> TestResult {
    let sb = Sandbox::new("zero")?;
    let db = sb.db();
    let limit = Duration::from_secs(30);
    let (code, out, err) = sb.jixia_within(&["faq", "import", "/dev/zero", "--format", "jsonl", "--db", &db], limit)?;
    assert_eq!(code, Some(1), "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        err, "jixia: cannot read /dev/zero: larger than 8 MB (8388608 bytes), the limit for a FAQ file\n",
        "one clear line"
    );
    let (code, _, err) = sb.jixia_within(&["faq", "eval", "--faq", "/dev/zero", "--queries", "/dev/zero"], limit)?;
    assert_eq!(code, Some(1));
    assert!(err.contains("cannot read /dev/zero: larger than 8 MB"), "{err}");
    Ok(())
}

/// A 30 000-entry import says how many were added and names the first
/// few, in a few lines (it used to print every id on one 220 KB line).
#[test]
fn a_big_import_is_summarized() -> TestResult {
    let sb = Sandbox::new("big")?;
    let db = sb.db();
    let file: String = (1..=30_000)
        .map(|i| {
            format!(
                "{{\"id\":\"q{i:05}\",\"question\":\"第 {i} 个问题？\",\"answer\":\"答案 {i}。\",\"lang\":\"zh\"}}\n"
            )
        })
        .collect();
    let file = sb.write("big.jsonl", file.as_bytes())?;
    let (code, out, err) = sb.jixia(&["faq", "import", &file, "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1..],
        ["  added: 30000 (q00001, q00002, q00003, q00004, q00005 and 29995 more)", "  changed: 0", "  unchanged: 0"]
    );
    assert!(out.len() < 300, "{} bytes", out.len());
    Ok(())
}

#[test]
fn eval_prints_one_json_object() -> TestResult {
    let sb = Sandbox::new("eval")?;
    let faq = sb.write("faq.jsonl", FAQ.as_bytes())?;
    let queries = sb.write(
        "q.jsonl",
        "{\"text\":\"vacuum full 会锁表吗？\",\"faq_id\":\"vacuum-full\",\"lang\":\"zh\"}\n\
         {\"text\":\"how to check postgres version?\",\"faq_id\":\"version\",\"lang\":\"en\",\"note\":1}\n\
         {\"text\":\"今晚几点开会？\",\"faq_id\":null,\"lang\":\"zh\"}\n"
            .as_bytes(),
    )?;
    let (code, out, err) = sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out)?;
    for lang in ["en", "zh", "overall"] {
        for key in ["queries", "recall_at_1", "precision", "false_redirect_rate", "correct_redirect_rate"] {
            assert!(v[lang][key].is_number(), "{lang}.{key} in {out}");
        }
    }
    assert_eq!(v["overall"]["queries"], 3);
    assert_eq!(v["zh"]["false_redirect_rate"], 0.0);
    // Two sets (say heading-style and casual): each, named, and both together.
    let casual =
        sb.write("casual.jsonl", "{\"text\":\"pg 版本咋看\",\"faq_id\":\"version\",\"lang\":\"zh\"}\n".as_bytes())?;
    let (code, out, err) =
        sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries, "--queries", &casual], "")?;
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(v["sets"][0]["overall"]["queries"], 3, "{out}");
    assert_eq!(v["sets"][1]["overall"]["queries"], 1, "{out}");
    assert!(v["sets"][1]["file"].as_str().is_some_and(|f| f.ends_with("casual.jsonl")), "{out}");
    assert_eq!(v["all"]["overall"]["queries"], 4, "{out}");
    let (code, _, err) = sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &faq], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("line 1"), "{err}");
    Ok(())
}

/// The semantic evaluation with vectors recorded before (`--vectors`): the
/// figures, and the errors: a text with no vector, an endpoint that is not a
/// URL, one that does not answer.
#[test]
fn eval_with_recorded_vectors_and_its_errors() -> TestResult {
    let sb = Sandbox::new("eval-vectors")?;
    let faq = sb.write("faq.jsonl", FAQ.as_bytes())?;
    // Its words share nothing with the entry: only the vectors can find it.
    let asked = "which build am i on, lads?";
    let queries =
        sb.write("q.jsonl", format!("{{\"text\":\"{asked}\",\"faq_id\":\"version\",\"lang\":\"en\"}}\n").as_bytes())?;
    let (code, out, err) = sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out)?["en"]["correct_redirect_rate"], 0.0, "{out}");
    // Every entry's question on its own axis; the question near "version"'s.
    let mut lines = Vec::new();
    let mut version_axis = 0;
    for (i, line) in FAQ.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let entry: serde_json::Value = serde_json::from_str(line)?;
        let mut v = vec![0.0f32; 16];
        v[i] = 1.0;
        if entry["id"] == "version" {
            version_axis = i;
        }
        lines.push(
            serde_json::json!({ "text": entry["question"].as_str().unwrap_or("").trim(), "embedding": v }).to_string(),
        );
    }
    let partial = sb.write("partial.jsonl", lines.join("\n").as_bytes())?;
    let (code, _, err) = sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries, "--vectors", &partial], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("no vector recorded for") && err.contains(asked), "{err}");
    let mut near = vec![0.0f32; 16];
    near[version_axis] = 1.0;
    lines.push(serde_json::json!({ "text": asked, "embedding": near }).to_string());
    let full = sb.write("full.jsonl", lines.join("\n").as_bytes())?;
    let (code, out, err) = sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries, "--vectors", &full], "")?;
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(v["en"]["correct_redirect_rate"], 1.0, "{out}");
    let (code, _, err) =
        sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries, "--embeddings", "localhost:1"], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("--embeddings/--model") && err.contains("semantic.base_url"), "{err}");
    let (code, _, err) =
        sb.jixia(&["faq", "eval", "--faq", &faq, "--queries", &queries, "--embeddings", "http://127.0.0.1:1/v1"], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("jixia: embeddings: network error"), "{err}");
    Ok(())
}

/// A community's synonyms go in and out of a file; a file with a wrong line
/// imports nothing and names the line; the console uses what was imported.
#[test]
fn synonyms_import_export_and_are_used() -> TestResult {
    let sb = Sandbox::new("synonyms")?;
    let db = sb.db();
    let faq = sb.write("faq.jsonl", FAQ.as_bytes())?;
    let (code, _, err) = sb.jixia(&["faq", "import", &faq, "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    let bad = sb.write("bad.txt", "build number = version\n只有一个\n".as_bytes())?;
    let (code, _, err) = sb.jixia(&["faq", "import-synonyms", &bad, "--db", &db], "")?;
    assert_eq!(code, Some(1));
    assert!(err.contains("line 2") && err.contains("nothing imported"), "{err}");
    let good = sb.write("good.txt", "# ours\nbuild number ＝ version = 版本号\n\n".as_bytes())?;
    let (code, out, err) = sb.jixia(&["faq", "import-synonyms", &good, "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("added 1, already there 0"), "{out}");
    let (code, out, err) = sb.jixia(&["faq", "export-synonyms", "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>(),
        vec!["build number = version = 版本号"]
    );
    let (code, out, err) =
        sb.jixia(&["console", "--db", &db, "--as", "alice"], "how do I check the build number?\n")?;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("The FAQ answers this"), "{out}");
    Ok(())
}

#[test]
fn console_redirects_cools_down_and_learns() -> TestResult {
    let sb = Sandbox::new("console")?;
    let file = sb.write("faq.jsonl", FAQ.as_bytes())?;
    let db = sb.db();
    let (code, _, err) = sb.jixia(&["faq", "import", &file, "--db", &db], "")?;
    assert_eq!(code, Some(0), "{err}");
    let script = "vacuum full 会不会锁表？\nVACUUM FULL 锁表吗？\n大表瘦身会阻塞写入吗？\n:as mod\n:reply 4 /faq vacuum-full\n:as bob\n:advance 11m\n大表瘦身会阻塞写入吗？\n";
    let (code, out, err) = sb.jixia(&["console", "--db", &db, "--as", "alice", "--moderator", "mod"], script)?;
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let redirects = lines.iter().filter(|l| l.contains("jixia") && l.contains("常见问题里有答案")).count();
    assert_eq!(redirects, 3, "first ask, the moderator's redirect, the learned wording:\n{out}");
    assert!(out.contains("[dm:mod] jixia"), "the moderator is told what was learned:\n{out}");
    Ok(())
}
