//! The `jixia` binary as a user runs it: transcripts piped through
//! `jixia console`, restarts on the same database, and the operator's
//! mistakes (bad paths, bad config, no adapter) answered on stderr with a
//! non-zero exit and never a panic.
//!
//! Each test works in a sandbox directory of its own (also the child's
//! working directory, so a stray `./jixia.db` lands there), with `JIXIA*`
//! and `RUST_LOG` removed from the child's environment.
//! PostgreSQL cases run when `JIXIA_TEST_PG_URL` names a server.

#[path = "support/operator.rs"]
mod operator;

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use jixia::secret::DbUrl;
use jixia::store::scratch::ScratchDb;

type TestResult = Result<(), Box<dyn Error>>;

static SANDBOXES: AtomicU64 = AtomicU64::new(0);

/// A fresh temp directory for one test, removed when dropped.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(label: &str) -> Result<Sandbox, Box<dyn Error>> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.subsec_nanos();
        let n = SANDBOXES.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("jixia-cli-{label}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Sandbox { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// `DIR/jixia.db`, for `--db`.
    fn db(&self) -> String {
        self.file("jixia.db")
    }

    /// `DIR/NAME` as a string, for arguments and expected messages.
    fn file(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// Writes `text` to `DIR/NAME` and returns the path.
    fn write(&self, name: &str, text: &str) -> Result<String, Box<dyn Error>> {
        std::fs::write(self.path(name), text)?;
        Ok(self.file(name))
    }

    /// Runs `jixia ARGS` in this sandbox with `stdin` piped in.
    fn jixia(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Result<Run, Box<dyn Error>> {
        self.jixia_env(args, stdin, &[])
    }

    /// As [`Sandbox::jixia`], with extra environment variables.
    fn jixia_env(&self, args: &[&str], stdin: impl Into<Vec<u8>>, env: &[(&str, &str)]) -> Result<Run, Box<dyn Error>> {
        run_jixia(&self.dir, args, stdin.into(), env)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Exit 0 and nothing on stderr.
    fn assert_clean(&self) {
        assert_eq!(self.code, Some(0), "exit code; stderr:\n{}", self.stderr);
        assert_eq!(self.stderr, "", "stderr");
    }

    /// The whole transcript is exactly `expected`, line by line.
    fn assert_transcript(&self, expected: &[&str]) {
        self.assert_clean();
        assert_eq!(self.lines(), expected, "transcript:\n{}", self.stdout);
    }

    /// Each of `expected` appears as a whole line, in this order (other lines
    /// may come between).
    fn assert_lines_in_order(&self, expected: &[&str]) {
        let lines = self.lines();
        let mut at = 0;
        for want in expected {
            match lines[at..].iter().position(|l| l == want) {
                Some(i) => at += i + 1,
                None => panic!("line {want:?} not found (in order) in transcript:\n{}", self.stdout),
            }
        }
    }

    /// A failed run: exit code 1, exactly one line `jixia: MESSAGE` on
    /// stderr, no transcript, no panic.
    fn assert_fails_with(&self, message: &str) {
        assert_eq!(self.code, Some(1), "exit code; stderr:\n{}", self.stderr);
        assert_eq!(self.stderr, format!("jixia: {message}\n"), "stderr");
        assert_eq!(self.stdout, "", "stdout");
    }
}

/// `jixia ARGS` in `cwd`, all three streams piped, with none of the host's
/// configuration: JIXIA__* overrides, JIXIA_CONFIG, log filters.
fn jixia_command(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = operator::jixia(cwd, args);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

fn run_jixia(cwd: &Path, args: &[&str], stdin: Vec<u8>, env: &[(&str, &str)]) -> Result<Run, Box<dyn Error>> {
    let mut cmd = jixia_command(cwd, args);
    cmd.envs(env.iter().copied());
    let mut child = cmd.spawn()?;
    let mut pipe = child.stdin.take().ok_or("no stdin pipe")?;
    // A writer thread: a long transcript must not block on a full pipe. A
    // jixia that exits before reading its input (an operator error) closes
    // the pipe: that is not the test's failure.
    let writer = std::thread::spawn(move || match pipe.write_all(&stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    });
    let output = child.wait_with_output()?;
    writer.join().map_err(|_| "stdin writer panicked")??;
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout)?,
        stderr: String::from_utf8(output.stderr)?,
    };
    assert!(!run.stderr.contains("panicked"), "jixia panicked:\n{}", run.stderr);
    Ok(run)
}

/// The console on a fresh SQLite file in `sb`, with `extra` arguments.
fn console(sb: &Sandbox, extra: &[&str], script: impl Into<Vec<u8>>) -> Result<Run, Box<dyn Error>> {
    let db = sb.db();
    let mut args = vec!["console", "--db", db.as_str()];
    args.extend_from_slice(extra);
    sb.jixia(&args, script)
}

// ---------------------------------------------------------------------------
// The console transcript
// ---------------------------------------------------------------------------

/// `printf '/help\n/whoami\n' | jixia console`: the help list and the
/// profile, from `me`, in Chinese.
#[test]
fn help_and_whoami_from_a_pipe() -> TestResult {
    let sb = Sandbox::new("help")?;
    let run = console(&sb, &[], "/help\n/whoami\n")?;
    run.assert_clean();
    help_and_whoami_transcript(&run);
    Ok(())
}

/// What `/help` then `/whoami` from a new member `me` looks like (the join
/// date depends on the day, so it is not checked).
fn help_and_whoami_transcript(run: &Run) {
    run.assert_lines_in_order(&[
        "[general] me #1: /help",
        "[general] jixia #2: 可用命令（你的角色：成员）",
        "  • /help [命令] — 显示命令列表，或某个命令的用法",
        "  • /ping — 检查机器人是否在线",
        "  • /whoami — 查看你的成员信息和已关联的账号",
        "  • /link [代码] — 关联你在其他平台的账号：不带参数获取代码，带代码完成关联",
        "  用 /help 命令 查看某个命令的详细用法。命令前缀可以是 / 或 !。",
        "[general] me #3: /whoami",
        "[general] jixia #4: me · 成员 #1 · default",
        "  角色：成员",
        "  语言：zh（社区默认）",
        "  已关联账号（1）：",
        "  • console: me",
    ]);
    // Members are not shown moderators' commands.
    assert!(!run.stdout.contains("/whois"), "{}", run.stdout);
    assert_eq!(run.lines().last(), Some(&"  • console: me"));
}

/// alice pings, bob (member #2) asks who he is, then both move to another
/// group and to a private chat.
#[test]
fn members_groups_and_private_chat() -> TestResult {
    let sb = Sandbox::new("places")?;
    let run = console(
        &sb,
        &["--as", "alice"],
        ":time 2026-12-01T09:00:00+08:00\n/ping\n:as bob\n/whoami\n:chat random\n/ping\n:dm\n/ping\n:quit\n/ping\n",
    )?;
    run.assert_transcript(&[
        "-- time is now 2026-12-01 09:00:00 +08:00 (Asia/Shanghai)",
        "[general] alice #1: /ping",
        "[general] jixia #2: pong 🏓",
        "-- now speaking as bob",
        "[general] bob #3: /whoami",
        "[general] jixia #4: bob · 成员 #2 · default",
        "  角色：成员",
        "  语言：zh（社区默认）",
        "  加入于：2026-12-01",
        "  已关联账号（1）：",
        "  • console: bob",
        "-- now in group random",
        "[random] bob #5: /ping",
        "[random] jixia #6: pong 🏓",
        "-- now in a private chat with jixia",
        "[dm:bob] bob #7: /ping",
        "[dm:bob] jixia #8: pong 🏓",
        // `:quit`: the last `/ping` is never read.
    ]);
    Ok(())
}

/// After `/lang en` the bot answers in English; a typo gets a suggestion.
#[test]
fn english_replies_and_typo_suggestion() -> TestResult {
    let sb = Sandbox::new("lang")?;
    let run = console(&sb, &[], "/lang en\n/ping x\n/hlep\n")?;
    run.assert_transcript(&[
        "[general] me #1: /lang en",
        "[general] jixia #2: OK, I will speak English with you from now on.",
        "[general] me #3: /ping x",
        "[general] jixia #4: Unexpected \"x\". Put text with spaces in quotes.",
        "  Usage: /ping",
        "[general] me #5: /hlep",
        "[general] jixia #6: There is no /hlep command. Did you mean /help?",
    ]);
    Ok(())
}

/// Bytes that are not UTF-8 become U+FFFD; the console carries on.
#[test]
fn invalid_utf8_is_replaced_not_fatal() -> TestResult {
    let sb = Sandbox::new("utf8")?;
    let mut script = b"/ping \xff\xfe\n".to_vec();
    script.extend_from_slice(b"hello \xc3\x28 world\n");
    script.extend_from_slice(b"\xff\n");
    script.extend_from_slice(b"/ping\r\n");
    script.extend_from_slice(b"/ping\n");
    let run = console(&sb, &[], script)?;
    run.assert_transcript(&[
        "[general] me #1: /ping \u{fffd}\u{fffd}",
        "[general] jixia #2: 多余的参数“\u{fffd}\u{fffd}”。有空格的内容请用引号括起来。",
        "  用法：/ping",
        "[general] me #3: hello \u{fffd}( world",
        "[general] me #4: \u{fffd}",
        "[general] me #5: /ping",
        "[general] jixia #6: pong 🏓",
        "[general] me #7: /ping",
        "[general] jixia #8: pong 🏓",
    ]);
    Ok(())
}

/// Empty lines are skipped, long chat is ignored, a long command line is
/// refused without being parsed.
#[test]
fn empty_and_very_long_lines() -> TestResult {
    let sb = Sandbox::new("long")?;
    let chat = "x".repeat(10_000);
    let command = format!("/{}", "a".repeat(9_999));
    let run = console(&sb, &[], format!("\n   \n{chat}\n{command}\n/ping\n"))?;
    let said_chat = format!("[general] me #1: {chat}");
    let said_command = format!("[general] me #2: {command}");
    run.assert_transcript(&[
        &said_chat,
        &said_command,
        "[general] jixia #3: 消息太长了（超过 4000 个字符），没有当作命令处理。",
        "[general] me #4: /ping",
        "[general] jixia #5: pong 🏓",
    ]);
    Ok(())
}

/// `/link` in a group: the code goes to `me` privately, the group only hears
/// that it was sent. Then replies to messages, and the console's own
/// directives and their mistakes.
#[test]
fn link_code_by_dm_and_console_directives() -> TestResult {
    let sb = Sandbox::new("link")?;
    let run = console(
        &sb,
        &[],
        "/link\n:reply 3 /ping\n:reply 99 hi\n:reply 3\n:press 3 1\n:foo\n:advance 25h\n\
         :time 2026-12-01T09:00:00+08:00\n:advance nonsense\n:help\n",
    )?;
    run.assert_clean();
    let lines = run.lines();
    assert_eq!(lines[0], "[general] me #1: /link");
    let code = link_code(lines[1]).ok_or_else(|| format!("no link code in {:?}", lines[1]))?;
    assert!(lines[1].starts_with("[dm:me] jixia #2: 你的关联代码："), "{}", lines[1]);
    assert_eq!(
        lines[2],
        format!(
            "  在另一个平台（Telegram / Discord）对机器人发送 /link {code}，两个账号就会合并为同一个成员：积分、签到和记录都合在一起。"
        )
    );
    assert_eq!(lines[3], "[general] jixia #3: 关联代码已私信发给你。如果没收到，请先私聊机器人一次再试。");
    assert_eq!(
        lines[4..10],
        [
            // :reply 3 /ping — a reply to the bot's message is still a command.
            "[general] me #4: /ping",
            "[general] jixia #5: pong 🏓",
            "-- there is no message #99",
            "-- usage: :reply ID TEXT",
            "-- message #3 has no button 1",
            "-- unknown console command :foo (try :help)",
        ]
    );
    assert!(
        lines[10].starts_with("-- time is now ") && lines[10].ends_with(" +08:00 (Asia/Shanghai)"),
        "{}",
        lines[10]
    );
    assert_eq!(
        lines[11..14],
        [
            "-- time is now 2026-12-01 09:00:00 +08:00 (Asia/Shanghai)",
            "-- usage: :advance 90m | 25h | 3d (s, m, h, d or w)",
            "-- console commands:",
        ]
    );
    assert!(lines[14..].iter().all(|l| l.starts_with("--   :") || l.starts_with("--   TEXT \\")), "{}", run.stdout);
    assert!(
        lines.contains(&"--   TEXT \\                a line ending in \\ continues the message on the next line"),
        "{}",
        run.stdout
    );
    assert!(lines.contains(&"--   :quit                 leave"), "{}", run.stdout);

    // The code works once, from another account: bob becomes part of `me`.
    let run = console(&sb, &["--as", "bob"], format!("/link {code}\n/link {code}\n"))?;
    run.assert_transcript(&[
        &format!("[general] bob #1: /link {code}"),
        "[general] jixia #2: 关联成功！现在你是成员 #1，共 2 个账号：console: me, console: bob。",
        &format!("[general] bob #3: /link {code}"),
        &format!("[general] jixia #4: 代码 {code} 不存在或已经用过。在另一个平台发送 /link 获取新代码。"),
    ]);
    Ok(())
}

/// The 6-character code in `你的关联代码：CODE（…`.
fn link_code(line: &str) -> Option<String> {
    let rest = line.split_once("你的关联代码：")?.1;
    let code: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
    let valid = code.len() == 6 && code.bytes().all(|b| b"ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(&b));
    (valid && rest[code.len()..].starts_with("（10 分钟内有效，只能用一次）")).then_some(code)
}

/// The console's clock keeps to 1970-9999: a move beyond is refused with a
/// notice (it used to panic in clock.rs), the time stays, and the console
/// goes on.
#[test]
fn clock_moves_out_of_range_are_refused() -> TestResult {
    let sb = Sandbox::new("clock")?;
    let script = ":time 2026-12-01T09:00:00+08:00\n:advance 100000000w\n:advance 15250284452w15250284452w\n\
                  :time 0001-01-01T00:00:00Z\n/ping\n";
    console(&sb, &[], script)?.assert_transcript(&[
        "-- time is now 2026-12-01 09:00:00 +08:00 (Asia/Shanghai)",
        "-- cannot advance by 100000000w: the clock stays between 1970-01-01 and 9999-12-31 (UTC)",
        "-- usage: :advance 90m | 25h | 3d (s, m, h, d or w)",
        "-- cannot set the time to 0001-01-01T00:00:00Z: the clock stays between 1970-01-01 and 9999-12-31 (UTC)",
        "[general] me #1: /ping",
        "[general] jixia #2: pong 🏓",
    ]);
    Ok(())
}

/// `/ping` with a zero-width space after it (some clients append one) and
/// the bot's name in capitals are answered like `/ping` and `@jixia …`;
/// both used to get no reply at all.
#[test]
fn invisible_spaces_and_the_bot_name_in_capitals_are_folded() -> TestResult {
    let sb = Sandbox::new("fold")?;
    let run = console(&sb, &[], "/ping\u{200B}\n@JIXIA /points\n@Jixia ping\n")?;
    run.assert_clean();
    run.assert_lines_in_order(&[
        "[general] me #1: /ping\u{200B}",
        "[general] jixia #2: pong 🏓",
        "[general] me #3: @JIXIA /points",
        "[general] jixia #4: me · 0 级「新手」",
        "[general] me #5: @Jixia ping",
        "[general] jixia #6: pong 🏓",
    ]);
    Ok(())
}

/// `/whois` is for moderators: alice is refused as a member, and allowed as
/// a configured moderator or as a platform admin of the chat.
#[test]
fn whois_needs_a_moderator() -> TestResult {
    let sb = Sandbox::new("whois")?;
    let bob_speaks = ":time 2026-12-01T09:00:00+08:00\n:as bob\nhello\n:as alice\n";
    let bobs_profile = [
        "[general] jixia #3: bob · 成员 #1 · default",
        "  角色：成员",
        "  语言：zh（社区默认）",
        "  加入于：2026-12-01",
        "  已关联账号（1）：",
        "  • console: bob",
    ];

    let run = console(&sb, &["--as", "alice"], format!("{bob_speaks}/whois @bob\n"))?;
    run.assert_transcript(&[
        "-- time is now 2026-12-01 09:00:00 +08:00 (Asia/Shanghai)",
        "-- now speaking as bob",
        "[general] bob #1: hello",
        "-- now speaking as alice",
        "[general] alice #2: /whois @bob",
        "[general] jixia #3: /whois @成员 需要版主权限。",
    ]);
    assert!(run.stdout.contains("版主"));

    let run = console(&sb, &["--as", "alice", "--moderator", "alice"], format!("{bob_speaks}/whois @bob\n"))?;
    run.assert_clean();
    assert_eq!(run.lines()[4..], [&["[general] alice #2: /whois @bob"][..], &bobs_profile[..]].concat());

    let run = console(
        &sb,
        &["--as", "alice"],
        format!("{bob_speaks}:admin on\n/whois @bob\n:admin off\n/whois @bob\n/whois @carol\n"),
    )?;
    run.assert_clean();
    let lines = run.lines();
    assert_eq!(lines[4..6], ["-- alice is now a platform admin", "[general] alice #2: /whois @bob"]);
    assert_eq!(lines[6..12], bobs_profile);
    assert_eq!(
        lines[12..],
        [
            "-- alice is no longer a platform admin",
            "[general] alice #4: /whois @bob",
            "[general] jixia #5: /whois @成员 需要版主权限。",
            "[general] alice #6: /whois @carol",
            "[general] jixia #7: /whois @成员 需要版主权限。",
        ]
    );
    Ok(())
}

/// A language chosen in one run is still chosen in the next.
#[test]
fn data_survives_a_restart() -> TestResult {
    let sb = Sandbox::new("restart")?;
    console(&sb, &[], "/lang en\n")?.assert_transcript(&[
        "[general] me #1: /lang en",
        "[general] jixia #2: OK, I will speak English with you from now on.",
    ]);
    // The console closes the database on exit: no write-ahead log is left
    // beside it, so copying jixia.db alone copies everything.
    assert!(!sb.path("jixia.db-wal").exists(), "jixia.db-wal left behind");
    console(&sb, &[], "/ping x\n")?.assert_transcript(&[
        "[general] me #1: /ping x",
        "[general] jixia #2: Unexpected \"x\". Put text with spaces in quotes.",
        "  Usage: /ping",
    ]);
    Ok(())
}

/// Two console runs on one database, the same lines in each: every run
/// numbers its messages from #1 again, yet bob's chatting earns activity
/// points and alice's grant is applied in both runs, not answered "already
/// done" or silently dropped as a repeat of the first run's #1 and #2.
fn second_session_is_not_a_redelivery(sb: &Sandbox, db: &str) -> TestResult {
    let script = ":time 2026-12-01T09:00:00+08:00\n:as bob\nhello everyone, glad to be here\n:as alice\n\
                  /points grant @bob 25 first\n/points @bob\n";
    let steady = [("JIXIA__FEATURES__POINTS__ACTIVITY_MIN", "20"), ("JIXIA__FEATURES__POINTS__ACTIVITY_MAX", "20")];
    let session = || sb.jixia_env(&["console", "--db", db, "--as", "alice", "--moderator", "alice"], script, &steady);
    let first = session()?;
    first.assert_clean();
    first.assert_lines_in_order(&[
        "[general] bob #1: hello everyone, glad to be here",
        "[general] alice #2: /points grant @bob 25 first",
        "[general] jixia #3: 已给 bob 加 25 分（first），现在可用 45 分。",
        "[general] alice #4: /points @bob",
        "  可用积分：45 · 累计贡献：45",
    ]);
    let second = session()?;
    second.assert_clean();
    second.assert_lines_in_order(&[
        "[general] bob #1: hello everyone, glad to be here",
        "[general] alice #2: /points grant @bob 25 first",
        "[general] jixia #3: 已给 bob 加 25 分（first），现在可用 90 分。",
        "[general] alice #4: /points @bob",
        "  可用积分：90 · 累计贡献：90",
    ]);
    Ok(())
}

#[test]
fn console_sessions_on_one_sqlite_database_are_new_messages() -> TestResult {
    let sb = Sandbox::new("sessions")?;
    second_session_is_not_a_redelivery(&sb, &sb.db())
}

#[test]
fn console_sessions_on_one_postgres_database_are_new_messages() -> TestResult {
    let Ok(server) = std::env::var("JIXIA_TEST_PG_URL") else {
        writeln!(std::io::stderr(), "postgres cases skipped: JIXIA_TEST_PG_URL is not set")?;
        return Ok(());
    };
    let rt = tokio::runtime::Runtime::new()?;
    let scratch = rt.block_on(ScratchDb::create(&DbUrl::new(server)))?;
    let sb = Sandbox::new("sessions-pg")?;
    second_session_is_not_a_redelivery(&sb, scratch.url().expose())?;
    rt.block_on(scratch.drop_db())?;
    Ok(())
}

/// Without `--db` the console uses `./jixia.db` in the working directory.
#[test]
fn default_database_is_in_the_working_directory() -> TestResult {
    let sb = Sandbox::new("default-db")?;
    sb.jixia(&["console"], "/ping\n")?.assert_transcript(&["[general] me #1: /ping", "[general] jixia #2: pong 🏓"]);
    assert!(sb.path("jixia.db").is_file());
    Ok(())
}

// ---------------------------------------------------------------------------
// Operator mistakes
// ---------------------------------------------------------------------------

#[test]
fn database_in_a_missing_directory() -> TestResult {
    let sb = Sandbox::new("nodir")?;
    sb.jixia(&["console", "--db", "/nonexistent-dir/x.db"], "/ping\n")?
        .assert_fails_with("cannot open database /nonexistent-dir/x.db: directory /nonexistent-dir does not exist");
    Ok(())
}

#[cfg(unix)]
#[test]
fn read_only_database_file() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new("readonly")?;
    console(&sb, &[], "/ping\n")?.assert_clean();
    std::fs::set_permissions(sb.path("jixia.db"), std::fs::Permissions::from_mode(0o444))?;
    console(&sb, &[], "/ping\n")?.assert_fails_with(&format!(
        "database {} is read-only: jixia needs to write to it (check the file's permissions and mount)",
        sb.db()
    ));
    Ok(())
}

#[test]
fn file_that_is_not_a_database() -> TestResult {
    let sb = Sandbox::new("notdb")?;
    let db = sb.write("notes.db", "shopping list: rice, tea\n")?;
    sb.jixia(&["console", "--db", &db], "/ping\n")?
        .assert_fails_with(&format!("cannot open database {db}: the file exists but is not a SQLite database"));
    // Left as it was.
    assert_eq!(std::fs::read_to_string(&db)?, "shopping list: rice, tea\n");
    Ok(())
}

#[test]
fn a_url_of_another_database_kind_is_named() -> TestResult {
    let sb = Sandbox::new("mysqlurl")?;
    let hint = "is not supported; use a SQLite path (./jixia.db, sqlite://jixia.db) or a PostgreSQL URL (postgres://user@host/db)";
    sb.jixia(&["console", "--db", "mysql://x"], "/ping\n")?
        .assert_fails_with(&format!("cannot open database mysql://x: mysql:// {hint}"));
    // The password is never shown.
    sb.jixia(&["migrate", "--db", "mysql://root:hunter2@db/x"], "")?
        .assert_fails_with(&format!("cannot open database mysql://root:***@db/x: mysql:// {hint}"));
    assert!(!sb.path("mysql:").exists(), "no file or directory was made of the URL");
    Ok(())
}

#[test]
fn commands_that_only_read_do_not_create_a_database() -> TestResult {
    let sb = Sandbox::new("typo")?;
    let typo = sb.file("typo.db");
    for args in [
        &["doctor", "--db", &typo][..],
        &["faq", "export", "--db", &typo],
        &["jobs", "counts", "--db", &typo],
        &["quiz", "list", "--db", &typo],
        &["stats", "--db", &typo],
    ] {
        sb.jixia(args, "")?.assert_fails_with(&format!(
            "cannot open database {typo}: no such database file (this command only reads, so it does not create one; check the path)"
        ));
        assert!(!sb.path("typo.db").exists(), "{args:?} created the file");
    }
    // Once the database exists they work.
    sb.jixia(&["console", "--db", &typo], "/ping\n")?.assert_clean();
    let run = sb.jixia(&["doctor", "--db", &typo], "")?;
    run.assert_clean();
    assert!(run.stdout.starts_with("ledger OK"), "{}", run.stdout);
    Ok(())
}

/// A console session, then the operator's figures: as a table against the
/// week before, as CSV and as JSON rows per day; wrong arguments are named.
#[test]
fn stats_after_a_console_session() -> TestResult {
    let sb = Sandbox::new("stats")?;
    let db = sb.db();
    console(&sb, &[], "早上好\n今天有人去沙龙吗？\n/checkin\n")?.assert_clean();
    let table = sb.jixia(&["stats", "--db", &db, "--lang", "en"], "")?;
    table.assert_clean();
    table.assert_lines_in_order(&[
        "Members: 1 (+1)",
        "Messages: 3 (+3)",
        "Messages on console: 3 (+3)",
        "Messages in console:general: 3 (+3)",
        "Questions asked: 1 (+1)",
        "Check-ins: 1 (+1)",
    ]);
    assert!(table.stdout.starts_with("default "), "{}", table.stdout);

    let csv = sb.jixia(&["stats", "--db", &db, "--format", "csv"], "")?;
    csv.assert_clean();
    let lines = csv.lines();
    assert_eq!(lines[0], "day,figure,detail,value");
    let today: Vec<&str> = lines.iter().copied().filter(|l| l.ends_with(",messages,,3")).collect();
    assert_eq!(today.len(), 1, "{}", csv.stdout);
    let day = today[0].split(',').next().unwrap_or_default().to_owned();
    assert!(
        lines.contains(&format!("{day},messages.chat.console:general,console:general,3").as_str()),
        "{}",
        csv.stdout
    );
    assert_eq!(lines.iter().filter(|l| l.contains(",members.total,,")).count(), 7, "a row per day");

    let json = sb.jixia(&["stats", "--db", &db, "--format", "json", "--since", &day], "")?;
    json.assert_clean();
    let days: serde_json::Value = serde_json::from_str(&json.stdout)?;
    let figures = &days[0]["figures"];
    assert_eq!(days[0]["day"], day.as_str());
    let messages = figures.as_array().and_then(|a| a.iter().find(|f| f["name"] == "messages")).ok_or("no messages")?;
    assert_eq!(messages["value"], serde_json::json!({"kind": "count", "n": 3}));

    sb.jixia(&["stats", "--db", &db, "--since", "2026-13-01"], "")?
        .assert_fails_with("--since 2026-13-01 is not a date as YYYY-MM-DD");
    sb.jixia(&["stats", "--db", &db, "--since", "2999-01-01"], "")?
        .assert_fails_with(&format!("--since 2999-01-01 is after today ({day})"));
    sb.jixia(&["stats", "--db", &db, "--community", "nope"], "")?.assert_fails_with("no community nope in the config");
    sb.jixia(&["stats", "--db", &db, "--lang", "fr"], "")?.assert_fails_with("--lang fr: use zh or en");
    Ok(())
}

#[test]
fn backup_copies_a_live_database_and_never_overwrites() -> TestResult {
    let sb = Sandbox::new("backup")?;
    console(&sb, &[], "/checkin\n")?.assert_clean();
    let copy = sb.file("copy.db");
    let run = sb.jixia(&["backup", "--db", &sb.db(), &copy], "")?;
    run.assert_clean();
    assert!(run.stdout.starts_with(&format!("backed up {} to {copy} (", sb.db())), "{}", run.stdout);
    // The copy is a working database with the same ledger.
    let run = sb.jixia(&["doctor", "--db", &copy], "")?;
    run.assert_clean();
    assert!(run.stdout.starts_with("ledger OK"), "{}", run.stdout);
    let again = sb.jixia(&["console", "--db", &copy], "/points\n")?;
    again.assert_clean();
    assert!(again.stdout.contains("可用积分：10"), "the check-in's 10 points are in the copy: {}", again.stdout);
    // A second backup to the same file is refused, and the file is kept.
    let before = std::fs::metadata(&copy)?.len();
    sb.jixia(&["backup", "--db", &sb.db(), &copy], "")?
        .assert_fails_with(&format!("cannot open database {copy}: already exists; a backup never overwrites a file"));
    assert_eq!(std::fs::metadata(&copy)?.len(), before);
    Ok(())
}

#[test]
fn config_with_an_unknown_key() -> TestResult {
    let sb = Sandbox::new("badkey")?;
    let config = sb.write("jixia.toml", "[bot]\nname = \"jixia\"\ncolour = \"red\"\n")?;
    let db = sb.db();
    sb.jixia(&["console", "--db", &db, "--config", &config], "/ping\n")?.assert_fails_with(
        "config key `bot.colour`: unknown field `colour`, expected one of `name`, `default_community`, `unknown_chats`",
    );
    Ok(())
}

#[test]
fn config_with_a_bad_time_zone() -> TestResult {
    let sb = Sandbox::new("badtz")?;
    let config = sb.write(
        "jixia.toml",
        "[bot]\ndefault_community = \"pgcn\"\n\n[communities.pgcn]\nname = \"PG\"\ntimezone = \"Mars/Olympus\"\n",
    )?;
    let db = sb.db();
    sb.jixia(&["console", "--db", &db, "--config", &config], "/ping\n")?.assert_fails_with(
        "config key `communities.pgcn.timezone`: unknown time zone `Mars/Olympus`; \
         use an IANA name such as Asia/Shanghai or Europe/Berlin",
    );
    Ok(())
}

#[test]
fn missing_config_file() -> TestResult {
    let sb = Sandbox::new("nocfg")?;
    let config = sb.file("nope.toml");
    let db = sb.db();
    let run = sb.jixia(&["console", "--db", &db, "--config", &config], "/ping\n")?;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.starts_with(&format!("jixia: config file {config}: ")), "{}", run.stderr);
    // The cause is told once, not repeated by each layer.
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_eq!(run.stderr.matches("os error 2").count(), 1, "{}", run.stderr);
    assert!(!sb.path("jixia.db").exists(), "a database was created despite the bad config");
    // The same through JIXIA_CONFIG.
    let run = sb.jixia_env(&["config", "check"], "", &[("JIXIA_CONFIG", &config)])?;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.starts_with(&format!("jixia: config file {config}: ")), "{}", run.stderr);
    Ok(())
}

#[test]
fn run_without_an_adapter() -> TestResult {
    let sb = Sandbox::new("run")?;
    let run = sb.jixia(&["run"], "")?;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.starts_with("jixia: no adapter is enabled."), "{}", run.stderr);
    assert!(run.stderr.contains("JIXIA__TELEGRAM__ENABLED=true"), "{}", run.stderr);
    assert!(run.stderr.contains("jixia console"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    Ok(())
}

/// `jixia run` with one adapter enabled whose API (`API_URL`, a closed local
/// port) cannot be reached: one clear error line ending in `message`, exit 1,
/// and the token (which Telegram puts in every URL) nowhere.
fn run_with_an_unreachable(platform: &str, token: &str, message: &str) -> TestResult {
    let sb = Sandbox::new(&format!("run-{platform}"))?;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let api = format!("http://127.0.0.1:{closed}");
    let db = sb.db();
    let upper = platform.to_uppercase();
    let (enabled, token_var, api_var) =
        (format!("JIXIA__{upper}__ENABLED"), format!("JIXIA__{upper}__TOKEN"), format!("JIXIA__{upper}__API_URL"));
    let run = sb.jixia_env(
        &["run", "--db", &db],
        "",
        &[(enabled.as_str(), "true"), (token_var.as_str(), token), (api_var.as_str(), &api)],
    )?;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with(&format!("jixia: {message}: ")), "{}", run.stderr);
    assert!(last.contains(&api), "the error names the URL it tried: {last}");
    assert!(!run.stderr.contains("sekrit"), "{}", run.stderr);
    Ok(())
}

#[test]
fn run_with_an_unreachable_discord() -> TestResult {
    run_with_an_unreachable("discord", "discord-token-sekrit", "cannot reach the Discord API")
}

#[test]
fn run_with_an_unreachable_telegram() -> TestResult {
    run_with_an_unreachable("telegram", "123456:tg-token-sekrit", "cannot reach the Telegram Bot API")
}

/// `config check` refuses a setting outside its documented range, naming
/// the key; `console` refuses to start with it. Both used to accept it and
/// panic on the first message.
#[test]
fn config_check_refuses_an_out_of_range_setting() -> TestResult {
    let sb = Sandbox::new("range")?;
    let config = sb.write("jixia.toml", "[features.points]\nactivity_cooldown_secs = 9223372036854775807\n")?;
    let message = "config key `features.points.activity_cooldown_secs`: must be between 1 and 86400; \
                   got 9223372036854775807";
    sb.jixia(&["config", "check", "--config", &config], "")?.assert_fails_with(message);
    let db = sb.db();
    sb.jixia(&["console", "--db", &db, "--config", &config], "hello everyone\n")?.assert_fails_with(message);
    Ok(())
}

#[test]
fn config_check_prints_a_summary_without_secrets() -> TestResult {
    let sb = Sandbox::new("check")?;
    let config = sb.write(
        "jixia.toml",
        "[database]\nurl = \"postgres://jixia:hunter2pw@db.example/jixia\"\n\n\
         [communities.default]\nname = \"Test\"\nmoderators = [\"console:alice\"]\n",
    )?;
    let run = sb.jixia_env(
        &["config", "check", "--config", &config],
        "",
        &[("JIXIA__TELEGRAM__TOKEN", "123456:tg-token-sekrit"), ("JIXIA__TELEGRAM__ENABLED", "true")],
    )?;
    run.assert_clean();
    assert_eq!(
        run.lines(),
        [
            "config OK",
            "bot name:           jixia",
            "default community:  default",
            "database:           postgres://jixia:***@db.example/jixia",
            "community default: locale zh, time zone Asia/Shanghai, 0 chats, 1 moderators, 0 admins",
            "telegram:           enabled",
            "discord:            off",
            "qq:                 off",
        ]
    );
    for secret in ["sekrit", "hunter2pw"] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "{secret} shown:\n{}", run.stdout);
    }
    Ok(())
}

/// The reader of stdout went away (`jixia config check | head -0`): an
/// error on stderr, not a panic.
#[test]
fn stdout_closed_early() -> TestResult {
    let sb = Sandbox::new("epipe")?;
    let db = sb.db();
    for (args, stdin) in [
        (&["config", "check"][..], ""),
        (&["migrate", "--db", &db][..], ""),
        (&["console", "--db", &db][..], "/ping\n"),
    ] {
        let (reader, writer) = std::io::pipe()?;
        drop(reader);
        let mut cmd = jixia_command(&sb.dir, args);
        cmd.stdout(writer);
        let mut child = cmd.spawn()?;
        child.stdin.take().ok_or("no stdin pipe")?.write_all(stdin.as_bytes())?;
        let output = child.wait_with_output()?;
        let stderr = String::from_utf8(output.stderr)?;
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr, "jixia: Broken pipe (os error 32)\n", "{args:?}");
    }
    Ok(())
}

#[test]
fn migrate_twice() -> TestResult {
    let sb = Sandbox::new("migrate")?;
    let db = sb.file("x.db");
    for _ in 0..2 {
        let run = sb.jixia(&["migrate", "--db", &db], "")?;
        run.assert_clean();
        assert_eq!(run.stdout, format!("database {db} is migrated to the latest schema\n"));
    }
    // The migrated database is ready for the console.
    sb.jixia(&["console", "--db", &db], "/ping\n")?
        .assert_transcript(&["[general] me #1: /ping", "[general] jixia #2: pong 🏓"]);
    Ok(())
}

// ---------------------------------------------------------------------------
// --help and --version
// ---------------------------------------------------------------------------

#[test]
fn help_names_the_subcommands_and_examples() -> TestResult {
    let sb = Sandbox::new("clihelp")?;
    let run = sb.jixia(&["--help"], "")?;
    run.assert_clean();
    assert!(run.stdout.starts_with("jixia (稷下): a community engine that lives in chat groups"), "{}", run.stdout);
    for word in ["console", "run", "migrate", "config", "bench", "Examples:", "JIXIA__TELEGRAM__TOKEN"] {
        assert!(run.stdout.contains(word), "--help lacks {word}:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("printf '/help\\n/whoami\\n' | jixia console"), "{}", run.stdout);
    Ok(())
}

#[test]
fn version() -> TestResult {
    let sb = Sandbox::new("version")?;
    let run = sb.jixia(&["--version"], "")?;
    run.assert_clean();
    assert_eq!(run.stdout, format!("jixia {}\n", env!("CARGO_PKG_VERSION")));
    Ok(())
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

/// On a fresh PostgreSQL database: `/help` and `/whoami`, then a language
/// chosen in one run is kept in the next.
#[test]
fn postgres_console_and_restart() -> TestResult {
    let Ok(server) = std::env::var("JIXIA_TEST_PG_URL") else {
        writeln!(std::io::stderr(), "postgres cases skipped: JIXIA_TEST_PG_URL is not set")?;
        return Ok(());
    };
    let rt = tokio::runtime::Runtime::new()?;
    let scratch = rt.block_on(ScratchDb::create(&DbUrl::new(server)))?;
    let sb = Sandbox::new("pg")?;
    let db = scratch.url().expose().to_owned();
    let pg = |script: &str| sb.jixia(&["console", "--db", &db], script);

    let run = pg("/help\n/whoami\n")?;
    run.assert_clean();
    help_and_whoami_transcript(&run);
    pg("/lang en\n")?.assert_transcript(&[
        "[general] me #1: /lang en",
        "[general] jixia #2: OK, I will speak English with you from now on.",
    ]);
    pg("/ping x\n")?.assert_transcript(&[
        "[general] me #1: /ping x",
        "[general] jixia #2: Unexpected \"x\". Put text with spaces in quotes.",
        "  Usage: /ping",
    ]);
    rt.block_on(scratch.drop_db())?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The points economy through the console, and `jixia doctor`
// ---------------------------------------------------------------------------

/// Check in, a day passes, check in again: the streak grows; chatting earns
/// activity points; `jixia doctor` finds the ledger clean afterwards.
#[test]
fn check_in_streak_and_a_clean_ledger() -> TestResult {
    let sb = Sandbox::new("checkin")?;
    let run = console(
        &sb,
        &["--as", "alice"],
        ":time 2026-12-01T09:00:00+08:00\n/签到\n/checkin\n:advance 1d\n/checkin\n/points\n",
    )?;
    run.assert_lines_in_order(&[
        "[general] jixia #2: ✅ 签到成功！+10 分，已连续 1 天，可用 10 分。再坚持 6 天就到 7 天里程碑。",
        "[general] jixia #4: 今天已经签到过了，已连续 1 天。明天再来！",
        "[general] jixia #6: ✅ 签到成功！+11 分，已连续 2 天，可用 21 分。再坚持 5 天就到 7 天里程碑。",
        "  可用积分：21 · 累计贡献：21",
    ]);
    let db = sb.db();
    let doctor = sb.jixia(&["doctor", "--db", db.as_str()], "")?;
    doctor.assert_clean();
    assert_eq!(
        doctor.lines(),
        [
            "ledger OK: 2 accounts, 2 movements; every community sums to zero and every balance equals its entries",
            "escrow OK: every community's escrow account equals its open bounties"
        ]
    );
    Ok(())
}

/// `jixia doctor` on a database that cannot be opened fails precisely.
#[test]
fn doctor_on_a_missing_directory() -> TestResult {
    let sb = Sandbox::new("doctor")?;
    let run = sb.jixia(&["doctor", "--db", "/nonexistent-jixia-dir/x.db"], "")?;
    run.assert_fails_with(
        "cannot open database /nonexistent-jixia-dir/x.db: directory /nonexistent-jixia-dir does not exist",
    );
    Ok(())
}

/// A moderator schedules a daily digest at 08:59 community time;
/// `:advance 2m` shows it arriving at 09:00.
#[test]
fn digest_arrives_at_nine_with_advance() -> TestResult {
    let sb = Sandbox::new("digest")?;
    let script = ":time 2026-12-01T08:59:00+08:00\n/digest schedule \"0 9 * * *\"\n:as bob\n\
                  how do I tune autovacuum on a big table?\n:advance 2m\n";
    let run = console(&sb, &["--as", "alice", "--moderator", "alice"], script)?;
    run.assert_clean();
    let lines = run.lines();
    let advanced = lines
        .iter()
        .position(|l| l.starts_with("-- time is now 2026-12-01 09:01:00 +08:00 (Asia/Shanghai)"))
        .ok_or("no :advance")?;
    assert!(lines[..advanced].iter().all(|l| !l.contains("社区摘要")), "not before 09:00:\n{}", run.stdout);
    assert!(
        lines[advanced + 1].starts_with("[general] jixia #") && lines[advanced + 1].contains("社区摘要"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("bob"), "{}", run.stdout);
    Ok(())
}

/// An event for the hosts only, in the console: `:role host on` gives the
/// current member the console role that `console:role:host` names, as a
/// Discord member's roles do on Discord; it counts in the group, not in a
/// direct chat.
#[test]
fn console_roles_limit_who_may_join() -> TestResult {
    let sb = Sandbox::new("roles")?;
    let config = sb.write("jixia.toml", "[communities.default.roles]\nhosts = [\"console:role:host\"]\n")?;
    let script = "\
:time 2026-12-01T10:00:00+08:00
:as mo
/event create Salon 2026-12-12 19:00 roles=hosts
:as alice
/join E1
:role host on
:dm
/join E1
:chat general
/join E1
:role host
";
    let run = console(&sb, &["--config", &config, "--moderator", "mo"], script)?;
    run.assert_clean();
    run.assert_lines_in_order(&[
        "[general] alice #3: /join E1",
        "[general] jixia #4: E1「Salon」只限这些角色报名：hosts。",
        "-- alice now holds the console role host",
        "[dm:alice] alice #5: /join E1",
        "[dm:alice] jixia #6: E1「Salon」只限这些角色报名：hosts。平台上的身份组（如 Discord 身份组）只在社区的群和频道里才认得出，请在那里报名。",
        "-- now in group general",
        "[general] alice #7: /join E1",
        "[general] jixia #8: ✅ 你已报名 E1「Salon」，2026-12-12 周六 19:00 (Asia/Shanghai)，地点待定。开始前会私信提醒你（/remind off 可关闭）。",
        "-- usage: :role ROLE on|off",
    ]);
    Ok(())
}

/// Job posts in the console with several members: a recruiter types a
/// multi-line `/job post` (lines ending in `\\` continue), the moderator
/// is told and approves, a member subscribes and gets the next post by
/// direct message, the daily cap bundles the one after into the next
/// morning's message, and after 31 days the posts have expired (the poster
/// was told the day before).
#[test]
fn console_job_posts_with_multi_line_messages() -> TestResult {
    let sb = Sandbox::new("hiring")?;
    let config = sb.write("jixia.toml", "[features.hiring]\nrecruiters = [\"console:hr_li\"]\ndm_per_day = 1\n")?;
    let script = "\
:time 2026-12-01T10:00:00+08:00
:as hr_li
/job post \\
职位: 高级 PostgreSQL DBA \\
公司: 示例科技 \\
城市: 杭州 / 远程 \\
薪资: 30-50k·14薪 \\
描述: 负责核心数据库的高可用架构。\\
\\
  熟悉流复制。\\
联系方式: hr@example.com
:as mo
/jobs pending
/job approve J1
:as alice
/订阅职位 postgres 杭州
:as hr_li
/job post \\
职位: PostgreSQL 运维 \\
城市: Hangzhou \\
联系方式: ops@example.com
/job post \\
职位: Postgres 内核开发 \\
城市: 杭州 \\
联系方式: dev@example.com
:as mo
/job approve J2
/job approve J3
:advance 1d
:as alice
/jobs
:advance 29d
:advance 1d
/jobs
";
    let run = console(&sb, &["--config", &config, "--moderator", "mo"], script)?;
    run.assert_clean();
    run.assert_lines_in_order(&[
        "[general] hr_li #1: /job post ",
        "  职位: 高级 PostgreSQL DBA ",
        "  ",
        "    熟悉流复制。",
        "  联系方式: hr@example.com",
        "[general] jixia #2: 📝 已收到 J1「高级 PostgreSQL DBA」，等待版主审核；通过后会上架并推送给订阅者。",
        "  我理解的是：高级 PostgreSQL DBA · 示例科技 · 杭州 / 远程 · ¥30k–50k/月 · 14薪 · 上架后 30 天 · hr@example.com",
        "[dm:mo] jixia #3: 🔔 有新职位等待审核：J1「高级 PostgreSQL DBA」（发布者 hr_li）。发送 /jobs pending 查看。",
        "  • J1 · 高级 PostgreSQL DBA · 示例科技 · 杭州 / 远程 · ¥30k–50k/月 · 14薪 — hr_li",
        "  [1] 通过 J1",
        "[general] jixia #7: ✅ 已通过 J1「高级 PostgreSQL DBA」：已上架，匹配的订阅者会收到私信。",
        "[dm:hr_li] jixia #8: ✅ 你发布的职位 J1「高级 PostgreSQL DBA」已通过审核并上架，有效期至 2026-12-31。",
        "[general] jixia #10: ✅ 已订阅 S1：postgres · 城市 杭州",
        "[general] jixia #18: ✅ 已通过 J2「PostgreSQL 运维」：已上架，匹配的订阅者会收到私信。",
        "[dm:alice] jixia #20: 📮 有新职位匹配你的订阅 S1（postgres · 城市 杭州）：",
        "  📞 联系方式：ops@example.com",
        "  详情：/job J2 · 退订：/jobs unsubscribe S1",
        "[general] jixia #22: ✅ 已通过 J3「Postgres 内核开发」：已上架，匹配的订阅者会收到私信。",
        "[dm:alice] jixia #24: 📮 昨天还有 1 个新职位匹配你的订阅（每天最多单独推送 1 条，其余在这里汇总）：",
        "  • J3 · Postgres 内核开发 · 杭州 · 📞 dev@example.com",
        "[general] jixia #26: 最新职位（共 3 个）",
        "[dm:hr_li] jixia #27: ⏰ 你发布的职位 J1「高级 PostgreSQL DBA」将在明天（2027-01-01 00:00）到期下架。如果还在招，到期后用 /job post 重新发布；已经招到了可以用 /job close J1 提前关闭。",
        "[general] jixia #31: 现在没有在招的职位。有了新职位想第一时间知道？试试 /jobs subscribe postgres city:杭州。",
    ]);
    // The clock moved between them (it runs on from `:time`).
    let times: Vec<&str> = run.lines().into_iter().filter(|l| l.starts_with("-- time is now ")).collect();
    assert!(
        times[1].starts_with("-- time is now 2026-12-02 10:00")
            && times[3].starts_with("-- time is now 2027-01-01 10:00")
    );
    // J3 came in the bundle, never by itself; nobody else got alice's messages.
    assert_eq!(run.stdout.matches("[dm:alice]").count(), 2, "{}", run.stdout);
    assert!(
        !run.stdout.contains("[general] jixia #26: 最新职位（共 3 个）\n  • J3 · Postgres 内核开发 · 杭州 · 📞"),
        "lists have no contact"
    );
    Ok(())
}

/// The continuation rules: a continued `:advance` is text, `\\\\` at the
/// end is kept and does not continue, and input that ends inside a message
/// still sends it.
#[test]
fn console_continuation_rules() -> TestResult {
    let sb = Sandbox::new("continuation")?;
    let run = console(&sb, &[], "/ping \\\n:advance 3d\nC:\\dir\\\\\n/ping\n/ping \\\nnow \\")?;
    run.assert_transcript(&[
        "[general] me #1: /ping ",
        "  :advance 3d",
        "[general] jixia #2: 多余的参数“:advance”。有空格的内容请用引号括起来。",
        "  用法：/ping",
        "[general] me #3: C:\\dir\\\\",
        "[general] me #4: /ping",
        "[general] jixia #5: pong 🏓",
        "[general] me #6: /ping ",
        "  now ",
        "[general] jixia #7: 多余的参数“now”。有空格的内容请用引号括起来。",
        "  用法：/ping",
    ]);
    Ok(())
}

// ---------------------------------------------------------------------------
// `jixia jobs`: the job queue for operators
// ---------------------------------------------------------------------------

/// 2026-12-01 01:00:00 UTC (09:00 in Shanghai).
fn jobs_t0() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_796_086_800, 0).unwrap_or_default()
}

/// Through the library's store, as the scheduler would: two jobs with one
/// attempt each that fail for good (a digest at t0+5s with a two-line
/// error, a reminder at t0+7s), and a digest due tomorrow, still pending.
async fn seed_jobs(url: &DbUrl) -> Result<(), Box<dyn Error>> {
    use chrono::Duration;
    use jixia::store::jobs::NewJob;
    let t0 = jobs_t0();
    let store = jixia::store::open(url, &Default::default()).await?;
    for (kind, key, due, max_attempts) in [
        ("digest", "digest:1:1796086800000", t0, 1),
        ("reminder", "reminder:9", t0, 1),
        // Due long after any day this test runs on (claims below use the
        // wall clock): it stays pending.
        ("digest", "digest:1:2111706000000", t0 + Duration::days(3653), 3),
    ] {
        let job = NewJob { kind: kind.into(), key: key.into(), payload: serde_json::json!({}), due, max_attempts };
        assert!(store.jobs().enqueue(&job, t0).await?, "{key} enqueued");
    }
    let claimed = store.jobs().claim("test", t0, t0 + Duration::minutes(5), 10).await?;
    assert_eq!(claimed.len(), 2, "the two due jobs are claimed");
    for (job, error, after) in [(&claimed[0], "chat -1001 not found\nsecond line", 5), (&claimed[1], "boom", 7)] {
        let at = t0 + Duration::seconds(after);
        let state = store.jobs().fail(job.id, "test", error, at + Duration::seconds(30), at).await?;
        assert_eq!(state, Some(jixia::store::jobs::JobState::Failed), "{} failed for good", job.key);
    }
    store.close().await;
    Ok(())
}

const FAILED_HEADER: &str = "ID  KIND      KEY                     ATTEMPTS  CHANGED (UTC)        LAST ERROR";
const FAILED_REMINDER: &str = " 2  reminder  reminder:9              1/1       2026-12-01 01:00:07  boom";
const FAILED_DIGEST: &str =
    " 1  digest    digest:1:1796086800000  1/1       2026-12-01 01:00:05  chat -1001 not found second line";

/// The reminder alone: the columns are as wide as what is shown.
const ONLY_REMINDER: [&str; 2] = [
    "ID  KIND      KEY         ATTEMPTS  CHANGED (UTC)        LAST ERROR",
    " 2  reminder  reminder:9  1/1       2026-12-01 01:00:07  boom",
];

/// Failed jobs listed, one retried (then pending, and claimable again), and
/// the mistakes: an unknown id, a job that is not failed. `db` is what the
/// operator passes to `--db`; `url` the same database for the library.
fn jobs_failed_and_retried(sb: &Sandbox, db: &str, url: &DbUrl) -> TestResult {
    let rt = tokio::runtime::Runtime::new()?;
    // `jobs` only reads: the database must exist first.
    sb.jixia(&["migrate", "--db", db], "")?.assert_clean();
    sb.jixia(&["jobs", "failed", "--db", db], "")?.assert_transcript(&["no failed jobs"]);
    sb.jixia(&["jobs", "counts", "--db", db], "")?.assert_transcript(&["no jobs"]);
    rt.block_on(seed_jobs(url))?;

    sb.jixia(&["jobs", "failed", "--db", db], "")?.assert_transcript(&[FAILED_HEADER, FAILED_REMINDER, FAILED_DIGEST]);
    sb.jixia(&["jobs", "failed", "--limit", "1", "--db", db], "")?.assert_transcript(&[
        ONLY_REMINDER[0],
        ONLY_REMINDER[1],
        "1 of 2 failed jobs shown; --limit N shows more",
    ]);
    sb.jixia(&["jobs", "counts", "--db", db], "")?.assert_transcript(&[
        "STATE    KIND      JOBS  OLDEST DUE (UTC)     LAST CHANGE (UTC)",
        "pending  digest       1  2036-12-01 01:00:00  2026-12-01 01:00:00",
        "failed   digest       1  2026-12-01 01:00:35  2026-12-01 01:00:05",
        "failed   reminder     1  2026-12-01 01:00:37  2026-12-01 01:00:07",
    ]);

    let before = chrono::Utc::now();
    sb.jixia(&["jobs", "retry", "1", "--db", db], "")?
        .assert_transcript(&["job 1 (digest, key digest:1:1796086800000) is pending again: due now, 1 fresh attempt"]);
    let (job, claimed) = rt.block_on(async {
        let store = jixia::store::open(url, &Default::default()).await?;
        let job = store.jobs().job(1).await;
        let now = chrono::Utc::now();
        let claimed = store.jobs().claim("test", now, now + chrono::Duration::minutes(5), 10).await;
        store.close().await;
        Ok::<_, jixia::store::StoreError>((job?, claimed?))
    })?;
    let job = job.ok_or("job 1 is gone")?;
    assert_eq!(
        (job.state.as_str(), job.attempts, job.last_error.as_deref()),
        ("pending", 0, Some("chat -1001 not found\nsecond line"))
    );
    assert!(job.due >= before - chrono::Duration::seconds(1), "due now, not at its old retry time: {}", job.due);
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [1], "the retried job runs again");

    sb.jixia(&["jobs", "failed", "--db", db], "")?.assert_transcript(&ONLY_REMINDER);
    sb.jixia(&["jobs", "retry", "1", "--db", db], "")?
        .assert_fails_with("job 1 is running, not failed: only failed jobs can be retried");
    sb.jixia(&["jobs", "retry", "3", "--db", db], "")?
        .assert_fails_with("job 3 is pending, not failed: only failed jobs can be retried");
    sb.jixia(&["jobs", "retry", "999", "--db", db], "")?
        .assert_fails_with("no job with id 999 (`jixia jobs failed` lists the failed ones)");
    Ok(())
}

#[test]
fn jobs_failed_and_retry_on_sqlite() -> TestResult {
    let sb = Sandbox::new("jobs")?;
    let db = sb.db();
    jobs_failed_and_retried(&sb, &db, &DbUrl::new(db.clone()))
}

/// The same on PostgreSQL, through a URL with a password (ignored by a
/// server that trusts local connections) that must never be printed.
#[test]
fn jobs_failed_and_retry_on_postgres() -> TestResult {
    let Ok(server) = std::env::var("JIXIA_TEST_PG_URL") else {
        writeln!(std::io::stderr(), "postgres cases skipped: JIXIA_TEST_PG_URL is not set")?;
        return Ok(());
    };
    let rt = tokio::runtime::Runtime::new()?;
    let scratch = rt.block_on(ScratchDb::create(&DbUrl::new(server)))?;
    let with_password = scratch.url().expose().replacen("://postgres@", "://postgres:hunter2pw@", 1);
    let sb = Sandbox::new("jobs-pg")?;
    let result = jobs_failed_and_retried(&sb, &with_password, scratch.url());
    rt.block_on(scratch.drop_db())?;
    result
}

/// The outbox as an operator sees it: a digest part delivered, another
/// refused by the platform for good (the bot was removed from the group);
/// after the bot is back, `resend` puts it in the queue again.
#[test]
fn jobs_outbox_shows_refused_messages_and_resends_one() -> TestResult {
    use chrono::Duration;
    use jixia::store::jobs::NewOutboxMessage;
    let sb = Sandbox::new("jobs-outbox")?;
    let db = sb.db();
    sb.jixia(&["migrate", "--db", &db], "")?.assert_clean();
    sb.jixia(&["jobs", "outbox", "--db", &db], "")?.assert_transcript(&["the outbox is empty"]);
    let rt = tokio::runtime::Runtime::new()?;
    let t0 = jobs_t0();
    rt.block_on(async {
        let store = jixia::store::open(&DbUrl::new(db.clone()), &Default::default()).await?;
        let post = |chat: &str, n: i64| NewOutboxMessage {
            key: format!("digest:1:{chat}#{n}"),
            part: n,
            message: jixia::Outgoing::post(
                jixia::Chat::group(jixia::Platform::Telegram, chat),
                jixia::rich::RichText::plain("摘要"),
            ),
            max_attempts: 5,
        };
        store.jobs().outbox_push(&[post("-1001", 0), post("-1002", 0)], t0).await?;
        let held =
            store.jobs().claim_outbox(jixia::Platform::Telegram, "test", t0, t0 + Duration::minutes(10), 10).await?;
        assert_eq!(held.len(), 2);
        store.jobs().outbox_sent(held[0].id, "test", t0 + Duration::seconds(1)).await?;
        let refused = "Forbidden: bot was kicked from the supergroup chat";
        let failure = jixia::store::jobs::OutboxFailure { error: refused, retry_at: None, parts_sent: 0 };
        store.jobs().outbox_unsent(held[1].id, "test", &failure, t0 + Duration::seconds(2)).await?;
        store.close().await;
        Ok::<_, jixia::store::StoreError>(())
    })?;
    sb.jixia(&["jobs", "outbox", "--db", &db], "")?.assert_transcript(&[
        "PLATFORM  STATE   MESSAGES",
        "telegram  failed         1",
        "telegram  sent           1",
        "",
        "failed, newest first (`jixia jobs resend ID` sends one again):",
        "ID  PLATFORM  TO          ATTEMPTS  LAST TRY (UTC)       LAST ERROR",
        " 2  telegram  chat:-1002  1/5       2026-12-01 01:00:02  Forbidden: bot was kicked from the supergroup chat",
    ]);
    sb.jixia(&["jobs", "resend", "2", "--db", &db], "")?
        .assert_transcript(&["outbox message 2 is pending again: its adapter sends it at its next round"]);
    sb.jixia(&["jobs", "outbox", "--db", &db], "")?.assert_transcript(&[
        "PLATFORM  STATE    MESSAGES",
        "telegram  pending         1",
        "telegram  sent            1",
    ]);
    sb.jixia(&["jobs", "resend", "2", "--db", &db], "")?
        .assert_fails_with("outbox message 2 is pending, not failed: only failed messages can be sent again");
    sb.jixia(&["jobs", "resend", "1", "--db", &db], "")?
        .assert_fails_with("outbox message 1 is sent, not failed: only failed messages can be sent again");
    sb.jixia(&["jobs", "resend", "7", "--db", &db], "")?
        .assert_fails_with("no outbox message with id 7 (`jixia jobs outbox` lists the failed ones)");
    Ok(())
}

/// Bad arguments are refused by the argument parser (exit 2, the argument
/// named); a database that cannot be reached is named without its password.
#[test]
fn jobs_bad_arguments_and_unreachable_database() -> TestResult {
    let sb = Sandbox::new("jobs-args")?;
    let db = sb.db();
    for (args, wanted) in [
        (&["jobs", "failed", "--limit", "0"][..], "invalid value '0' for '--limit <N>': 0 is not in 1..=10000"),
        (&["jobs", "failed", "--limit", "many"][..], "invalid value 'many' for '--limit <N>'"),
        (&["jobs", "retry", "x"][..], "invalid value 'x' for '<ID>'"),
        (&["jobs", "retry"][..], "the following required arguments were not provided"),
    ] {
        let run = sb.jixia(&[args, &["--db", &db]].concat(), "")?;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: ") && run.stderr.contains(wanted), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    assert!(!sb.path("jixia.db").exists(), "no database is created for a refused command");

    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let url = format!("postgres://jixia:hunter2pw@127.0.0.1:{closed}/jixia");
    let config = sb.write("jixia.toml", &format!("[database]\nurl = \"{url}\"\nconnect_timeout_ms = 300\n"))?;
    for args in [
        &["jobs", "failed", "--db", &url, "--config", &config][..],
        &["jobs", "retry", "1", "--config", &config][..],
        &["jobs", "counts", "--config", &config][..],
    ] {
        let run = sb.jixia(args, "")?;
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        let shown = format!("jixia: cannot open database postgres://jixia:***@127.0.0.1:{closed}/jixia: ");
        assert!(run.stderr.starts_with(&shown), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2pw") && !run.stdout.contains("hunter2pw"), "{}", run.stderr);
    }
    Ok(())
}

/// The interactive console in a real terminal (a pseudo-terminal): Ctrl-C
/// clears the line being typed and the console goes on, as in a shell;
/// Ctrl-D leaves.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_clears_the_line_and_ctrl_d_leaves() -> TestResult {
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let sb = Sandbox::new("pty")?;
    let pty = nix::pty::openpty(None, None)?;
    let (mut master, slave) = (std::fs::File::from(pty.master), std::fs::File::from(pty.slave));
    let mut cmd = jixia_command(&sb.dir, &["console", "--db", &sb.db()]);
    cmd.env("TERM", "xterm").env("HOME", &sb.dir);
    cmd.stdin(slave.try_clone()?).stdout(slave.try_clone()?).stderr(slave);
    let mut child = cmd.spawn()?;
    drop(cmd);
    let seen = Arc::new(Mutex::new(String::new()));
    let mut reader = master.try_clone()?;
    let sink = seen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let wait_for = |what: &str| -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
            if text.contains(what) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("waited for {what:?}; the terminal shows:\n{text}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for("#1> ")?;
    master.write_all(b"half a line")?;
    wait_for("half a line")?;
    let prompts = || seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).matches("#1> ").count();
    let before = prompts();
    master.write_all(b"\x03")?;
    // The line editor drops input typed before its next prompt, as a shell
    // does: wait for the prompt to come back.
    let deadline = Instant::now() + Duration::from_secs(20);
    while prompts() <= before {
        if Instant::now() > deadline {
            return Err("no new prompt after Ctrl-C".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    master.write_all(b"/ping\r")?;
    wait_for("pong")?;
    // #1 was /ping and #2 the answer: the cleared line was never sent.
    wait_for("#3> ")?;
    assert!(child.try_wait()?.is_none(), "Ctrl-C did not end the console");
    master.write_all(b"\x04")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err("Ctrl-D did not end the console".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    Ok(())
}

/// A bounty left to expire, in the console with several members: Alice asks
/// with 40 points, Bob answers by replying, Carol and Dave vote with 👍;
/// nine days later the expiry job has settled it: half to Bob's answer
/// (two votes), half back to Alice, and the ledger and the escrow are clean.
#[test]
fn console_bounty_expiry_pays_the_voted_answer() -> TestResult {
    let sb = Sandbox::new("bounty-expiry")?;
    // No activity points in the group: balances move only by the bounty.
    let config = sb.write("jixia.toml", "[features.points]\nno_points_chats = [\"console:general\"]\n")?;
    let script = "\
:time 2026-12-01T09:00:00+08:00
:as alice
大家好
:as mo
/points grant @alice 100 悬赏测试
:as alice
/ask 40 分区表怎么加索引？
:as bob
:reply 5 在父表上 CREATE INDEX，会自动建到每个分区；大表先在各分区 CONCURRENTLY 建好再 ATTACH。
:as carol
我也想知道
:react 7 👍
:as dave
+1
:react 7 👍
/question Q1
:advance 9d
:as alice
/points
:as bob
/points
";
    let run = console(&sb, &["--config", &config, "--moderator", "mo"], script)?;
    run.assert_lines_in_order(&[
        "[general] jixia #6: ❓ Q1 · 40 积分 · 进行中 — alice",
        "[general] bob #7: 在父表上 CREATE INDEX，会自动建到每个分区；大表先在各分区 CONCURRENTLY 建好再 ATTACH。",
        "[general] jixia #8: ✍️ 回答 Q1-A1 已记录。提问者采纳后积分归你。",
        "[dm:alice] jixia #9: 你的问题 Q1 现在有 1 个回答，最新的是 bob 的 Q1-A1。发送 /question Q1 查看，满意就 /accept Q1-A1。",
        "-- carol reacted 👍 on #7",
        "-- dave reacted 👍 on #7",
        "  • Q1-A1 · bob · 👍2 — 在父表上 CREATE INDEX，会自动建到每个分区；大表先在各分区 CONCURRENTLY 建好再 ATTACH。",
        "-- time is now 2026-12-10 09:00:00 +08:00 (Asia/Shanghai)",
        "[general] jixia #14: ⌛ Q1 到期未采纳：20 积分给了得票最多的回答 Q1-A1（bob），20 积分退还提问者。",
        "[general] alice #15: /points",
        "  可用积分：80 · 累计贡献：100",
        "[general] bob #17: /points",
        "  可用积分：20 · 累计贡献：20",
    ]);
    // Settled once, nothing left in escrow.
    let db = sb.db();
    let doctor = sb.jixia(&["doctor", "--db", db.as_str()], "")?;
    doctor.assert_clean();
    assert_eq!(doctor.lines()[1], "escrow OK: every community's escrow account equals its open bounties");
    Ok(())
}

/// `jixia bench --scenario`: each scenario prints what it pushed, in the
/// numbers a side-by-side comparison needs; a scenario or concurrency it
/// does not know is refused with the choices.
#[test]
fn bench_scenarios_print_their_work_and_refuse_unknown_ones() -> TestResult {
    let sb = Sandbox::new("bench")?;
    let small = ["--messages", "40", "--members", "10", "--chats", "2"];
    let ping = sb.jixia(&[&["bench", "--scenario", "ping", "--concurrency", "1"][..], &small].concat(), "")?;
    ping.assert_lines_in_order(&[
        "backend            sqlite",
        "scenario           ping (1 in flight)",
        "messages           40 (40 commands, 40 replies)",
        "ledger after run   clean",
    ]);
    assert!(ping.stdout.lines().any(|l| l.starts_with("peak RSS           ") && l.ends_with(" MB")), "{}", ping.stdout);
    let checkin = sb.jixia(&[&["bench", "--scenario", "checkin"][..], &small].concat(), "")?;
    checkin.assert_lines_in_order(&[
        "scenario           checkin (8 in flight)",
        "messages           40 (40 commands, 40 replies)",
    ]);

    let unknown = sb.jixia(&["bench", "--scenario", "pings"], "")?;
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("invalid value 'pings'") && unknown.stderr.contains("mix, ping, checkin, chat"),
        "{}",
        unknown.stderr
    );
    let none = sb.jixia(&["bench", "--concurrency", "0"], "")?;
    assert_eq!(none.code, Some(2));
    assert!(none.stderr.contains("--concurrency"), "{}", none.stderr);
    Ok(())
}
