//! The terminal console: a group chat with the bot in your terminal, on the
//! same engine and store as the real platforms. Interactive with line
//! editing when stdin is a terminal; one message per line when it is a pipe,
//! printing a transcript.
//!
//! Every message, typed or sent by the bot, gets an id from one counter and is
//! printed as `[CHAT] NAME #ID: text`; continuation lines are indented by two
//! spaces. The engine sees `SESSION#ID` as the platform's message id, with a
//! random session prefix per run: ledger keys come from message ids, so `#1`
//! of today's run must not be `#1` of yesterday's on the same database.
//! Lines starting with `:` steer the console (see [`HELP`]); its own notices
//! start with `-- `. A line ending in a backslash continues the message on
//! the next line ([`Continuation`]), so multi-line commands (`/job post`,
//! `/faq add`) can be typed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use chrono::{DateTime, Duration};
use jixia::clock::{Clock, ManualClock};
use jixia::message::{Destination, Mention, Reaction, ReplyTo};
use jixia::scheduler::outbox::Undelivered;
use jixia::{Chat, ChatKind, Engine, Incoming, Outgoing, Platform, Sender};

/// What `:help` prints.
pub const HELP: &str = "\
console commands:
  :as NAME              speak as member NAME
  :chat NAME            switch to group chat NAME
  :dm                   private chat between you and the bot
  :reply ID TEXT        send TEXT as a reply to message #ID
  :press ID N           press button N under message #ID
  :react ID EMOJI       react to message #ID (:unreact ID EMOJI takes it back)
  :admin on|off         platform-admin flag of the current member
  :role ROLE on|off     console role ROLE of the current member (console:role:ROLE in a community's roles)
  :time RFC3339         set the clock, e.g. :time 2026-12-01T09:00:00+08:00
  :advance 90m|25h|3d   move the clock forward
  :help                 this list
  :quit                 leave
  TEXT \\                a line ending in \\ continues the message on the next line";

/// The interactive prompt while a message is being continued.
pub const CONTINUATION_PROMPT: &str = "... ";

/// Collects continued lines into one message: a line that ends in a
/// backslash continues the message on the next line, and the backslash is
/// dropped.
///
/// - Only a single trailing backslash continues (spaces or tabs after it are
///   ignored, so an invisible trailing space does not change the meaning);
///   two backslashes at the end are kept as typed and do not continue.
/// - A backslash alone on a line adds an empty line.
/// - Lines after the first are never console commands: `:advance` on a
///   continued line is text. A console command may itself be continued
///   (`:reply 12 first line\` then `second line`).
/// - Input that ends inside a message sends what was collected
///   ([`Continuation::finish`]); Ctrl-C discards it ([`Continuation::discard`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Continuation {
    pending: Option<String>,
}

/// The line without its continuing backslash, if it continues.
fn continues(line: &str) -> Option<&str> {
    let body = line.trim_end_matches([' ', '\t']).strip_suffix('\\')?;
    (!body.ends_with('\\')).then_some(body)
}

impl Continuation {
    /// Feeds one input line (its line terminator may be included). Returns
    /// the whole message when this line ends it, `None` while it continues.
    pub fn feed(&mut self, line: &str) -> Option<String> {
        let line = line.trim_end_matches(['\r', '\n']);
        match (continues(line), self.pending.as_mut()) {
            (Some(body), Some(buf)) => {
                buf.push('\n');
                buf.push_str(body);
                None
            }
            (Some(body), None) => {
                self.pending = Some(body.to_owned());
                None
            }
            (None, Some(buf)) => {
                buf.push('\n');
                buf.push_str(line);
                self.pending.take()
            }
            (None, None) => Some(line.to_owned()),
        }
    }

    /// Whether a message is being continued.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// At the end of input: what was collected, if anything.
    pub fn finish(&mut self) -> Option<String> {
        self.pending.take()
    }

    /// Ctrl-C: drops what was collected; `true` if there was something.
    pub fn discard(&mut self) -> bool {
        self.pending.take().is_some()
    }
}

/// Where the current member is talking.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Group(String),
    Dm,
}

/// A message printed so far, for `:reply` and `:press`.
#[derive(Debug, Clone)]
struct Seen {
    author: Sender,
    text: String,
    buttons: Vec<String>,
}

/// Whether to keep going after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next line.
    Continue,
    /// `:quit` was given.
    Quit,
}

/// The console's state: who is talking where, the clock, the id counter.
#[derive(Debug)]
pub struct Console {
    engine: Arc<Engine>,
    clock: ManualClock,
    bot_name: String,
    sender: String,
    place: Place,
    admins: HashSet<String>,
    /// Console roles per member (`:role`), what Discord's member roles are
    /// on Discord.
    roles: HashMap<String, BTreeSet<String>>,
    /// This run's prefix of platform message ids (see the module doc).
    session: String,
    next_id: u64,
    /// Reactions sent so far (their event ids).
    reactions: u64,
    seen: HashMap<u64, Seen>,
    /// Printed messages whose `track` the engine is still to hear of:
    /// (track, chat id, message id).
    tracked: Vec<(String, String, String)>,
    /// Echo typed messages (pipe mode), so the output is a full transcript.
    echo: bool,
    /// A message being continued over several lines.
    lines: Continuation,
}

impl Console {
    /// A console on `engine`, whose clock must be `clock`, speaking as
    /// `sender` in group `chat`.
    pub fn new(engine: Arc<Engine>, clock: ManualClock, sender: &str, chat: &str, echo: bool) -> Console {
        let bot_name = engine.bot_name.clone();
        Console {
            engine,
            clock,
            bot_name,
            sender: sender.to_owned(),
            place: Place::Group(chat.to_owned()),
            admins: HashSet::new(),
            roles: HashMap::new(),
            session: format!("{:016x}", rand::random::<u64>()),
            next_id: 1,
            reactions: 0,
            seen: HashMap::new(),
            tracked: Vec::new(),
            echo,
            lines: Continuation::default(),
        }
    }

    /// The prompt for interactive mode: where you are, who you are, and the
    /// id your next message will get; [`CONTINUATION_PROMPT`] while a
    /// message is being continued.
    pub fn prompt(&self) -> String {
        if self.lines.is_pending() {
            return CONTINUATION_PROMPT.to_owned();
        }
        format!("[{}] {} #{}> ", self.label(&self.current_chat()), self.sender, self.next_id)
    }

    /// Ctrl-C, as in a shell: the line being typed is gone (the line editor
    /// cleared it), and so is a message being continued, with a notice. The
    /// console goes on; Ctrl-D or `:quit` leaves.
    pub fn interrupt(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.lines.discard() {
            notice(out, "message discarded")?;
        }
        Ok(())
    }

    /// End of input: sends a message still being continued.
    pub async fn finish(&mut self, out: &mut dyn Write) -> io::Result<Flow> {
        match self.lines.finish() {
            Some(message) => self.message(&message, out).await,
            None => Ok(Flow::Continue),
        }
    }

    /// `t` in the time zone of the current chat's community (the default
    /// community's when the chat belongs to none), as the bot's replies
    /// show times: `2026-12-01 09:00:00 +08:00 (Asia/Shanghai)`.
    async fn local_time(&self, t: DateTime<chrono::Utc>) -> String {
        let community = match self.engine.community_of(&self.current_chat()).await {
            Ok(Some(c)) => c,
            _ => self.engine.communities().default_community().clone(),
        };
        let tz = community.tz;
        format!("{} ({tz})", t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %:z"))
    }

    fn current_chat(&self) -> Chat {
        match &self.place {
            Place::Group(name) => Chat::group(Platform::Console, name.clone()),
            Place::Dm => Chat::private(Platform::Console, self.sender.clone()),
        }
    }

    fn label(&self, chat: &Chat) -> String {
        match chat.kind {
            ChatKind::Group => chat.id.clone(),
            ChatKind::Private => format!("dm:{}", chat.id),
        }
    }

    /// The platform message id of console message `#id`: unique across
    /// runs on one database, where the printed `#id` starts again at 1.
    fn platform_id(&self, id: u64) -> String {
        format!("{}#{id}", self.session)
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Handles one input line, writing the transcript to `out`: a whole
    /// message, or part of one that continues (see [`Continuation`]).
    pub async fn line(&mut self, line: &str, out: &mut dyn Write) -> io::Result<Flow> {
        match self.lines.feed(line) {
            Some(message) => self.message(&message, out).await,
            None => Ok(Flow::Continue),
        }
    }

    /// Handles one whole message: a console command or something said.
    async fn message(&mut self, line: &str, out: &mut dyn Write) -> io::Result<Flow> {
        if line.trim().is_empty() {
            return Ok(Flow::Continue);
        }
        match line.strip_prefix(':') {
            Some(directive) => self.directive(directive, out).await,
            None => {
                self.say(line, None, out).await?;
                Ok(Flow::Continue)
            }
        }
    }

    async fn directive(&mut self, directive: &str, out: &mut dyn Write) -> io::Result<Flow> {
        let (cmd, rest) = directive.split_once(char::is_whitespace).unwrap_or((directive, ""));
        let rest = rest.trim();
        match cmd {
            "quit" | "q" | "exit" => return Ok(Flow::Quit),
            "help" => writeln!(out, "{}", indent_notice(HELP))?,
            "as" if is_name(rest) => {
                self.sender = rest.to_owned();
                if self.place == Place::Dm {
                    notice(out, &format!("now speaking as {rest} (in your own private chat)"))?;
                } else {
                    notice(out, &format!("now speaking as {rest}"))?;
                }
            }
            "chat" if is_name(rest) => {
                self.place = Place::Group(rest.to_owned());
                notice(out, &format!("now in group {rest}"))?;
            }
            "dm" => {
                self.place = Place::Dm;
                notice(out, &format!("now in a private chat with {}", self.bot_name))?;
            }
            "admin" if rest == "on" || rest == "off" => {
                if rest == "on" {
                    self.admins.insert(self.sender.clone());
                } else {
                    self.admins.remove(&self.sender);
                }
                notice(
                    out,
                    &format!("{} is {} a platform admin", self.sender, if rest == "on" { "now" } else { "no longer" }),
                )?;
            }
            "role" => match rest.split_once(char::is_whitespace).map(|(r, s)| (r, s.trim())) {
                Some((role, switch @ ("on" | "off"))) if is_name(role) => {
                    let held = self.roles.entry(self.sender.clone()).or_default();
                    let verb = if switch == "on" {
                        held.insert(role.to_owned());
                        "now holds"
                    } else {
                        held.remove(role);
                        "no longer holds"
                    };
                    notice(out, &format!("{} {verb} the console role {role}", self.sender))?;
                }
                _ => notice(out, "usage: :role ROLE on|off")?,
            },
            "reply" => match parse_id_and(rest) {
                Some((id, text)) if self.seen.contains_key(&id) && !text.is_empty() => {
                    self.say(text, Some(id), out).await?;
                }
                Some((id, _)) if !self.seen.contains_key(&id) => notice(out, &format!("there is no message #{id}"))?,
                _ => notice(out, "usage: :reply ID TEXT")?,
            },
            "react" | "unreact" => match parse_id_and(rest) {
                Some((id, emoji)) if self.seen.contains_key(&id) && !emoji.is_empty() => {
                    self.react(id, emoji, cmd == "react", out).await?;
                }
                Some((id, _)) if !self.seen.contains_key(&id) => notice(out, &format!("there is no message #{id}"))?,
                _ => notice(out, &format!("usage: :{cmd} ID EMOJI"))?,
            },
            "press" => match parse_id_and(rest) {
                Some((id, n)) => {
                    let data = self
                        .seen
                        .get(&id)
                        .and_then(|s| n.parse::<usize>().ok().and_then(|n| s.buttons.get(n.wrapping_sub(1))).cloned());
                    match data {
                        Some(data) => self.say(&data, None, out).await?,
                        None => notice(out, &format!("message #{id} has no button {n}"))?,
                    }
                }
                None => notice(out, "usage: :press ID N")?,
            },
            "time" => match DateTime::parse_from_rfc3339(rest).map(|t| (t, self.clock.try_set(t.to_utc()))) {
                Ok((t, Ok(()))) => {
                    let shown = self.local_time(t.to_utc()).await;
                    notice(out, &format!("time is now {shown}"))?;
                    self.deliver_due(out).await?;
                }
                Ok((_, Err(e))) => notice(out, &format!("cannot set the time to {rest}: {e}"))?,
                Err(_) => notice(out, "usage: :time 2026-12-01T09:00:00+08:00 (RFC 3339, with an offset)")?,
            },
            "advance" => match parse_duration(rest).map(|d| self.clock.try_advance(d)) {
                Some(Ok(now)) => {
                    let shown = self.local_time(now).await;
                    notice(out, &format!("time is now {shown}"))?;
                    self.deliver_due(out).await?;
                }
                Some(Err(e)) => notice(out, &format!("cannot advance by {rest}: {e}"))?,
                None => notice(out, "usage: :advance 90m | 25h | 3d (s, m, h, d or w)")?,
            },
            _ => notice(out, &format!("unknown console command :{directive} (try :help)"))?,
        }
        Ok(Flow::Continue)
    }

    /// Sends `text` as the current member, optionally replying to `reply_to`.
    async fn say(&mut self, text: &str, reply_to: Option<u64>, out: &mut dyn Write) -> io::Result<()> {
        let id = self.take_id();
        let chat = self.current_chat();
        let author = Sender {
            id: self.sender.clone(),
            name: self.sender.clone(),
            is_platform_admin: self.admins.contains(&self.sender) && chat.kind == ChatKind::Group,
            is_bot: false,
            platform_roles: self.platform_roles(),
        };
        if self.echo {
            print_message(out, &self.label(&chat), &self.sender, id, text)?;
        }
        let (mentions, mentions_bot) = self.mentions(text);
        let msg = Incoming {
            chat: chat.clone(),
            sender: author.clone(),
            message_id: self.platform_id(id),
            text: text.to_owned(),
            reply_to: reply_to.and_then(|rid| {
                self.seen.get(&rid).map(|s| ReplyTo {
                    message_id: self.platform_id(rid),
                    author: Some(s.author.clone()),
                    text: Some(s.text.clone()),
                })
            }),
            mentions,
            mentions_bot,
            at: self.clock.now(),
            reaction: None,
        };
        self.seen.insert(id, Seen { author, text: text.to_owned(), buttons: Vec::new() });
        let replies = self.engine.handle(&msg).await;
        self.print_outgoing(&replies, out)?;
        self.report_tracked().await;
        // The console has no background loop: deliver what became due (level-ups
        // found when activity points are written) right after each message.
        self.deliver_due(out).await
    }

    /// The current member adds (or takes back) `emoji` on message `#target`:
    /// a reaction event, which has no message id of its own on the console
    /// counter (it is not a message), so it takes one from the target.
    async fn react(&mut self, target: u64, emoji: &str, added: bool, out: &mut dyn Write) -> io::Result<()> {
        self.reactions += 1;
        let chat = self.current_chat();
        let sender = Sender {
            id: self.sender.clone(),
            name: self.sender.clone(),
            is_platform_admin: self.admins.contains(&self.sender) && chat.kind == ChatKind::Group,
            is_bot: false,
            platform_roles: self.platform_roles(),
        };
        let verb = if added { "reacted" } else { "took back" };
        notice(out, &format!("{} {verb} {emoji} on #{target}", self.sender))?;
        let msg = Incoming {
            chat,
            sender,
            message_id: format!("{}r{}", self.platform_id(target), self.reactions),
            text: String::new(),
            reply_to: None,
            mentions: Vec::new(),
            mentions_bot: false,
            at: self.clock.now(),
            reaction: Some(Reaction::one(self.platform_id(target), emoji, added)),
        };
        let replies = self.engine.handle(&msg).await;
        self.print_outgoing(&replies, out)?;
        self.report_tracked().await;
        self.deliver_due(out).await
    }

    /// The current member's console roles (`:role`), as a platform's
    /// adapter reports a member's roles with every message; the engine
    /// counts them only in group chats.
    fn platform_roles(&self) -> Vec<String> {
        self.roles.get(&self.sender).map(|r| r.iter().cloned().collect()).unwrap_or_default()
    }

    /// `@NAME` words: the bot's own name (in any case, as on Telegram)
    /// addresses the bot, others mention console members of that name.
    fn mentions(&self, text: &str) -> (Vec<Mention>, bool) {
        let mut mentions = Vec::new();
        let mut bot = false;
        for word in text.split_whitespace() {
            let Some(name) = word.strip_prefix('@') else { continue };
            let name = name.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
            if name.is_empty() {
                continue;
            }
            if name.to_lowercase() == self.bot_name.to_lowercase() {
                bot = true;
            } else {
                mentions.push(Mention { user_id: name.to_owned(), name: name.to_owned() });
            }
        }
        (mentions, bot)
    }

    /// Moves the engine on ([`Engine::due`]) and runs the jobs that are due
    /// now (a job post's deliveries, a bundle), then drains the console's
    /// outbox (level-ups, scheduled posts, direct messages): each message is
    /// marked sent once it is printed.
    async fn deliver_due(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.engine.due().await;
        // The console has no background scheduler and its messages come
        // faster than the engine's once-a-second tick: what a command made
        // due is run and shown right after it, in order.
        jixia::scheduler::tick(&self.engine, self.engine.instance()).await;
        loop {
            let batch = match self.engine.outbox_claim(Platform::Console, 100).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::error!(error = %e, "could not read the outbox");
                    return Ok(());
                }
            };
            if batch.is_empty() {
                return Ok(());
            }
            for delivery in batch {
                let printed = self.print_outgoing(std::slice::from_ref(&delivery.message), out);
                self.report_tracked().await;
                let outcome = printed.as_ref().map(|_| ()).map_err(|e| Undelivered::transient(e.to_string()));
                if let Err(e) = self.engine.outbox_settle(&delivery, outcome).await {
                    tracing::error!(error = %e, "could not record a delivery");
                }
                printed?;
            }
        }
    }

    /// Tells the engine which console message each tracked one became (as
    /// an adapter does once the platform answers).
    async fn report_tracked(&mut self) {
        for (track, chat, id) in std::mem::take(&mut self.tracked) {
            self.engine.sent(&track, Platform::Console, &chat, &id).await;
        }
    }

    fn print_outgoing(&mut self, messages: &[Outgoing], out: &mut dyn Write) -> io::Result<()> {
        for m in messages {
            let chat = match &m.to {
                Destination::Chat(chat) => chat.clone(),
                Destination::Direct { user_id, .. } => Chat::private(Platform::Console, user_id.clone()),
            };
            let id = self.take_id();
            let mut text = m.body.to_plain();
            for (i, b) in m.buttons.iter().enumerate() {
                text.push_str(&format!("\n[{}] {}", i + 1, b.label));
            }
            for a in &m.attachments {
                text.push_str(&format!("\n📎 {} ({} bytes)", a.filename, a.bytes.len()));
            }
            print_message(out, &self.label(&chat), &self.bot_name, id, &text)?;
            if let Some(track) = &m.track {
                self.tracked.push((track.clone(), chat.id.clone(), self.platform_id(id)));
            }
            let bot = Sender {
                id: self.bot_name.clone(),
                name: self.bot_name.clone(),
                is_platform_admin: false,
                is_bot: true,
                platform_roles: Vec::new(),
            };
            let buttons = m.buttons.iter().map(|b| b.data.clone()).collect();
            self.seen.insert(id, Seen { author: bot, text: m.body.to_plain(), buttons });
            // The console delivers everything, so what waits on delivery follows.
            if let Some(next) = &m.then {
                self.print_outgoing(std::slice::from_ref(next), out)?;
            }
        }
        out.flush()
    }

    /// Pipe mode: one message per line (or per continued lines) from
    /// `input` until end of input or `:quit`. Bytes that are not UTF-8 are
    /// replaced, never fatal.
    pub async fn run_script(&mut self, mut input: impl BufRead, out: &mut dyn Write) -> io::Result<()> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if input.read_until(b'\n', &mut buf)? == 0 {
                return self.finish(out).await.map(|_| ());
            }
            let line = String::from_utf8_lossy(&buf);
            if self.line(&line, out).await? == Flow::Quit {
                return Ok(());
            }
        }
    }
}

/// Prints `[CHAT] NAME #ID: text`, continuation lines indented by two spaces.
fn print_message(out: &mut dyn Write, chat: &str, name: &str, id: u64, text: &str) -> io::Result<()> {
    let mut lines = text.lines();
    writeln!(out, "[{chat}] {name} #{id}: {}", lines.next().unwrap_or_default())?;
    for l in lines {
        writeln!(out, "  {l}")?;
    }
    Ok(())
}

fn notice(out: &mut dyn Write, text: &str) -> io::Result<()> {
    writeln!(out, "-- {text}")
}

fn indent_notice(text: &str) -> String {
    text.lines().map(|l| format!("-- {l}")).collect::<Vec<_>>().join("\n")
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace) && !s.starts_with(':')
}

fn parse_id_and(rest: &str) -> Option<(u64, &str)> {
    let (id, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let id = id.trim_start_matches('#').parse().ok()?;
    Some((id, text.trim()))
}

/// `90m`, `25h`, `3d`, `2w`, `30s`, or combinations such as `1d12h`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut total = Duration::zero();
    let mut digits = String::new();
    let mut any = false;
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let part = match c {
            's' => Duration::try_seconds(n)?,
            'm' => Duration::try_minutes(n)?,
            'h' => Duration::try_hours(n)?,
            'd' => Duration::try_days(n)?,
            'w' => Duration::try_weeks(n)?,
            _ => return None,
        };
        total = total.checked_add(&part)?;
        any = true;
    }
    (any && digits.is_empty()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(lines: &[&str]) -> (Vec<String>, Option<String>) {
        let mut c = Continuation::default();
        let out = lines.iter().filter_map(|l| c.feed(l)).collect();
        (out, c.finish())
    }

    #[test]
    fn one_line_is_one_message() {
        assert_eq!(feed_all(&["/ping", "/help\n"]), (vec!["/ping".to_owned(), "/help".to_owned()], None));
        assert_eq!(feed_all(&["hello\r\n"]).0, vec!["hello"]);
    }

    #[test]
    fn a_backslash_continues_and_is_dropped() {
        let (out, rest) = feed_all(&["/job post \\", "职位: PostgreSQL DBA\\", "联系方式: hr@example.com", "/jobs"]);
        assert_eq!(out, vec!["/job post \n职位: PostgreSQL DBA\n联系方式: hr@example.com", "/jobs"]);
        assert_eq!(rest, None);
    }

    #[test]
    fn trailing_blanks_after_the_backslash_are_ignored() {
        assert_eq!(feed_all(&["a\\  \t", "b"]).0, vec!["a\nb"]);
        assert_eq!(feed_all(&["a\\\r\n", "b\r\n"]).0, vec!["a\nb"]);
    }

    #[test]
    fn a_lone_backslash_is_an_empty_line() {
        assert_eq!(feed_all(&["描述: 第一段\\", "\\", "第二段"]).0, vec!["描述: 第一段\n\n第二段"]);
    }

    #[test]
    fn two_backslashes_are_kept_and_end_the_line() {
        assert_eq!(feed_all(&["C:\\dir\\\\", "next"]).0, vec!["C:\\dir\\\\", "next"]);
        assert_eq!(feed_all(&["a \\ b"]).0, vec!["a \\ b"], "a backslash inside a line is text");
    }

    #[test]
    fn continued_lines_are_never_directives_and_directives_may_continue() {
        let (out, _) = feed_all(&["描述: 第一行\\", ":advance 3d", ":reply 12 一\\", "二"]);
        assert_eq!(out, vec!["描述: 第一行\n:advance 3d", ":reply 12 一\n二"]);
    }

    #[test]
    fn end_of_input_inside_a_message_keeps_it() {
        let (out, rest) = feed_all(&["/job post \\", "职位: DBA \\"]);
        assert!(out.is_empty());
        assert_eq!(rest.as_deref(), Some("/job post \n职位: DBA "));
    }

    #[test]
    fn pending_and_discard() {
        let mut c = Continuation::default();
        assert!(!c.is_pending());
        assert_eq!(c.feed("a\\"), None);
        assert!(c.is_pending());
        assert!(c.discard());
        assert!(!c.is_pending());
        assert!(!c.discard());
        assert_eq!(c.feed("b"), Some("b".into()));
        assert!(HELP.contains("continues the message on the next line"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m"), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("25h"), Some(Duration::hours(25)));
        assert_eq!(parse_duration("3d"), Some(Duration::days(3)));
        assert_eq!(parse_duration("1d12h"), Some(Duration::hours(36)));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5y"), None);
        assert_eq!(parse_duration("99999999999999999999d"), None);
        assert_eq!(parse_duration("15250284452w15250284452w"), None, "each part fits, the sum does not");
    }
}
