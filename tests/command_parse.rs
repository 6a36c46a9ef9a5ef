//! Parser tests: each one is a line somebody typed in a chat and what the
//! parser made of it. Parsing is pure, so these cover the grammar in detail.

use chrono::Utc;
use jixia::command::{ArgKind, ArgSpec, CommandSpec, Permission, Registry, Value, Word, split_words};
use jixia::message::{Chat, Incoming, Mention, Platform, Sender};

type ParsedCommand = jixia::command::ParsedCommand<jixia::handler::Handler>;
type ParseError = jixia::command::ParseError<jixia::handler::Handler>;

fn parse(msg: &Incoming, bot_name: &str) -> Result<ParsedCommand, ParseError> {
    jixia::features::registry().parse(msg, bot_name)
}

/// The text of argument `name` (tests look arguments up by name; handlers
/// read them through their declarations).
trait ByName {
    fn arg_text(&self, name: &str) -> Option<&str>;
    fn arg_int(&self, name: &str) -> Option<i64>;
    fn arg_member(&self, name: &str) -> Option<&Mention>;
}

impl<R> ByName for jixia::command::ParsedCommand<R> {
    fn arg_text(&self, name: &str) -> Option<&str> {
        let i = self.spec.args.iter().position(|a| a.name == name)?;
        match self.values.get(i)?.as_ref()? {
            Value::Word(s) | Value::Rest(s) => Some(s),
            _ => None,
        }
    }

    fn arg_int(&self, name: &str) -> Option<i64> {
        let i = self.spec.args.iter().position(|a| a.name == name)?;
        match self.values.get(i)?.as_ref()? {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    fn arg_member(&self, name: &str) -> Option<&Mention> {
        let i = self.spec.args.iter().position(|a| a.name == name)?;
        match self.values.get(i)?.as_ref()? {
            Value::Member(m) => Some(m),
            _ => None,
        }
    }
}

/// alice says `text` in the console group `general`.
fn said(text: &str) -> Incoming {
    Incoming::text(Chat::group(Platform::Console, "general"), Sender::member("alice", "alice"), "1", text, Utc::now())
}

/// alice says `text` and the adapter saw the bot mentioned in it.
fn said_to_bot(text: &str) -> Incoming {
    let mut msg = said(text);
    msg.mentions_bot = true;
    msg
}

fn command(msg: &Incoming) -> ParsedCommand {
    match parse(msg, "jixia") {
        Ok(cmd) => cmd,
        Err(e) => panic!("{:?} should run a command, got {e:?}", msg.text),
    }
}

fn rejected(msg: &Incoming) -> ParseError {
    match parse(msg, "jixia") {
        Ok(cmd) => panic!("{:?} should not parse, got /{} {:?}", msg.text, cmd.spec.name, cmd.values),
        Err(e) => e,
    }
}

fn word(s: &str) -> Option<Value> {
    Some(Value::Word(s.to_owned()))
}

// ---------------------------------------------------------------------------
// Prefixes, names and aliases

#[test]
fn slash_bang_and_full_width_prefixes_all_run_a_command() {
    for line in ["/ping", "!ping", "／ping", "！ping"] {
        let cmd = command(&said(line));
        assert_eq!(cmd.spec.name, "ping", "{line}");
        assert!(cmd.values.is_empty(), "{line}");
    }
}

#[test]
fn leading_white_space_before_the_prefix_is_ignored() {
    assert_eq!(command(&said("   /ping")).spec.name, "ping");
    assert_eq!(command(&said("\n/ping")).spec.name, "ping");
}

#[test]
fn help_without_an_argument_leaves_the_slot_empty() {
    let cmd = command(&said("/help"));
    assert_eq!(cmd.spec.name, "help");
    assert_eq!(cmd.values, vec![None]);
    assert_eq!(cmd.arg_text("COMMAND"), None);
}

#[test]
fn help_with_a_command_name() {
    let cmd = command(&said("/help ping"));
    assert_eq!(cmd.spec.name, "help");
    assert_eq!(cmd.arg_text("COMMAND"), Some("ping"));
}

#[test]
fn telegram_bot_suffix_is_dropped_from_the_name() {
    let cmd = command(&said("/help@jixia"));
    assert_eq!(cmd.spec.name, "help");
    assert_eq!(cmd.values, vec![None]);

    let cmd = command(&said("/help@JIXIA lang"));
    assert_eq!(cmd.arg_text("COMMAND"), Some("lang"));

    assert_eq!(command(&said("！ping@jixia")).spec.name, "ping");
}

#[test]
fn a_command_for_another_bot_is_left_to_it() {
    // In a group with several bots, `/help@otherbot` is not ours to answer.
    for line in ["/help@otherbot", "/ping@rose_bot now", "!help@other"] {
        assert_eq!(rejected(&said(line)), ParseError::NotACommand, "{line}");
    }
}

#[test]
fn chinese_aliases_run_the_same_command() {
    for (line, name) in [
        ("/帮助", "help"),
        ("/h", "help"),
        ("/我", "whoami"),
        ("/语言", "lang"),
        ("/language", "lang"),
        ("/关联", "link"),
        ("/绑定", "link"),
        ("！帮助", "help"),
        ("／我", "whoami"),
    ] {
        assert_eq!(command(&said(line)).spec.name, name, "{line}");
    }
}

#[test]
fn aliases_take_the_same_arguments() {
    assert_eq!(command(&said("/帮助 ping")).arg_text("COMMAND"), Some("ping"));
    assert_eq!(command(&said("/语言 en")).arg_text("LANG"), Some("en"));
    assert_eq!(command(&said("/绑定 K7M2QX")).arg_text("CODE"), Some("K7M2QX"));
}

#[test]
fn command_names_are_case_insensitive_but_arguments_keep_their_case() {
    for line in ["/HELP", "/Help", "/hElP", "/HELP@Jixia", "/H"] {
        assert_eq!(command(&said(line)).spec.name, "help", "{line}");
    }
    assert_eq!(command(&said("/WhoAmI")).spec.name, "whoami");
    let cmd = command(&said("/LANG EN"));
    assert_eq!(cmd.spec.name, "lang");
    assert_eq!(cmd.arg_text("LANG"), Some("EN"));
}

#[test]
fn any_white_space_separates_the_name_from_its_arguments() {
    // Ideographic space (what a Chinese input method types), tab, newline.
    for line in ["/help　ping", "/help\tping", "/help\nping", "/help    ping   "] {
        let cmd = command(&said(line));
        assert_eq!(cmd.spec.name, "help", "{line:?}");
        assert_eq!(cmd.arg_text("COMMAND"), Some("ping"), "{line:?}");
    }
}

#[test]
fn invisible_characters_around_and_inside_a_name_are_folded() {
    // A zero-width space after the name (some clients append one), before
    // the prefix, or between words; a joiner or a bidi mark in the name.
    for line in ["/ping\u{200B}", "\u{FEFF}/ping", "/ping\u{2060}", "/pi\u{200D}ng", "\u{200E}/ping\u{200F}"] {
        assert_eq!(command(&said(line)).spec.name, "ping", "{line:?}");
    }
    let cmd = command(&said("/help\u{200B}ping"));
    assert_eq!(cmd.arg_text("COMMAND"), Some("ping"));
    assert_eq!(command(&said_to_bot("@jixia\u{200B}help")).spec.name, "help");
    // Still a separate word, so still one word too many.
    assert!(matches!(rejected(&said("/ping\u{200B}x")), ParseError::Extra { .. }));
}

// ---------------------------------------------------------------------------
// Addressing the bot by mention

#[test]
fn a_mention_of_the_bot_makes_a_bare_name_a_command() {
    let cmd = command(&said_to_bot("@jixia help"));
    assert_eq!(cmd.spec.name, "help");
    assert_eq!(cmd.values, vec![None]);

    let cmd = command(&said_to_bot("@jixia help ping"));
    assert_eq!(cmd.arg_text("COMMAND"), Some("ping"));

    assert_eq!(command(&said_to_bot("@jixia 帮助")).spec.name, "help");
    assert_eq!(command(&said_to_bot("@jixia   lang   en")).arg_text("LANG"), Some("en"));
    assert_eq!(command(&said_to_bot("@jixia　我")).spec.name, "whoami");
}

#[test]
fn a_mention_of_the_bot_before_a_prefixed_command() {
    let cmd = command(&said_to_bot("@jixia /help"));
    assert_eq!(cmd.spec.name, "help");
    assert_eq!(command(&said_to_bot("@jixia ！ping")).spec.name, "ping");
    assert_eq!(command(&said_to_bot("@jixia /help@jixia whoami")).arg_text("COMMAND"), Some("whoami"));
}

#[test]
fn the_bot_name_matches_in_any_case() {
    assert_eq!(command(&said_to_bot("@JIXIA /points")).spec.name, "points");
    assert_eq!(command(&said_to_bot("@Jixia help")).spec.name, "help");
    assert_eq!(command(&said("/ping@JIXIA")).spec.name, "ping");
}

#[test]
fn only_a_leading_mention_of_the_bot_itself_is_dropped() {
    // Adapters write the bot's own mention as `@jixia`; a leading mention of
    // somebody else is chat even when the bot is mentioned later on.
    for line in ["@bob help me @jixia", "<@1234567890> ping", "@bob /help"] {
        assert_eq!(rejected(&said_to_bot(line)), ParseError::NotACommand, "{line}");
    }
}

#[test]
fn without_a_mention_of_the_bot_at_names_are_just_chat() {
    // The adapter did not see the bot mentioned: maybe another bot, maybe a
    // member called jixia. Either way it is not ours to answer.
    for line in ["@jixia help", "@jixia /help", "@jixia", "<@1234567890> ping", "help", "help ping"] {
        assert_eq!(rejected(&said(line)), ParseError::NotACommand, "{line}");
    }
}

#[test]
fn a_question_to_the_bot_is_not_an_unknown_command() {
    // "@jixia hello" is somebody talking to the bot, not a typo of a command.
    for line in ["@jixia hello", "@jixia 你好", "@jixia how do I link accounts?", "@jixia", "@jixia 　"] {
        assert_eq!(rejected(&said_to_bot(line)), ParseError::NotACommand, "{line:?}");
    }
}

#[test]
fn a_prefixed_typo_addressed_to_the_bot_is_still_a_typo() {
    assert_eq!(
        rejected(&said_to_bot("@jixia /hlep")),
        ParseError::Unknown { name: "hlep".into(), suggestion: Some("help") }
    );
}

#[test]
fn a_mention_that_is_not_at_the_start_does_not_address_a_bare_name() {
    assert_eq!(rejected(&said_to_bot("thanks @jixia")), ParseError::NotACommand);
    assert_eq!(rejected(&said_to_bot("ping me later @jixia")), ParseError::NotACommand);
}

// ---------------------------------------------------------------------------
// Ordinary chat

#[test]
fn ordinary_chat_is_not_a_command() {
    for line in [
        "",
        "   ",
        "\n",
        "hello",
        "大家好",
        "!!!",
        "！！！",
        "!?",
        "/",
        "!",
        "／",
        "/ ping",
        "/usr/lib/postgresql 怎么配置",
        "/etc/postgresql/16/main/postgresql.conf",
        "https://www.postgresql.org/docs/",
        "./configure --prefix=/usr",
        ":)",
        "/¯\\_(ツ)_/¯",
        "/@jixia",
    ] {
        assert_eq!(rejected(&said(line)), ParseError::NotACommand, "{line:?}");
    }
}

// ---------------------------------------------------------------------------
// Unknown commands

#[test]
fn a_close_typo_gets_a_suggestion() {
    for (line, typed, suggestion) in [
        ("/hlep", "hlep", "help"),
        ("/HLEP", "hlep", "help"),
        ("/hel", "hel", "help"),
        ("/helpp", "helpp", "help"),
        ("/pign", "pign", "ping"),
        ("!pong", "pong", "ping"),
        ("/whoamii", "whoamii", "whoami"),
        ("/whos", "whos", "whois"),
        ("/lnik", "lnik", "link"),
        ("/langauge", "langauge", "language"),
        ("/帮主", "帮主", "帮助"),
    ] {
        assert_eq!(
            rejected(&said(line)),
            ParseError::Unknown { name: typed.into(), suggestion: Some(suggestion) },
            "{line}"
        );
    }
}

#[test]
fn a_name_far_from_every_command_gets_no_suggestion() {
    for (line, typed) in [("/zzzzzz", "zzzzzz"), ("/weather 北京", "weather"), ("/抽奖", "抽奖"), ("/2024", "2024")]
    {
        assert_eq!(rejected(&said(line)), ParseError::Unknown { name: typed.into(), suggestion: None }, "{line}");
    }
}

#[test]
fn a_one_letter_name_is_not_guessed_to_be_another_one_letter_alias() {
    // "x" is one edit from "h", but that is every one-letter word.
    assert_eq!(rejected(&said("/x")), ParseError::Unknown { name: "x".into(), suggestion: None });
}

#[test]
fn an_unknown_command_with_an_open_quote_is_reported_as_unknown() {
    assert_eq!(
        rejected(&said("/hlep \"with a quote")),
        ParseError::Unknown { name: "hlep".into(), suggestion: Some("help") }
    );
}

// ---------------------------------------------------------------------------
// Arguments

#[test]
fn an_argument_to_a_command_that_takes_none_is_extra() {
    let ParseError::Extra { spec, got } = rejected(&said("/ping x")) else { panic!("/ping x should be Extra") };
    assert_eq!(spec.name, "ping");
    assert_eq!(got, "x");

    let ParseError::Extra { spec, got } = rejected(&said("/我 是谁")) else { panic!("/我 是谁 should be Extra") };
    assert_eq!(spec.name, "whoami");
    assert_eq!(got, "是谁");
}

#[test]
fn a_second_word_to_a_one_argument_command_is_extra() {
    let ParseError::Extra { spec, got } = rejected(&said("/help ping pong")) else { panic!("should be Extra") };
    assert_eq!(spec.name, "help");
    assert_eq!(got, "pong");

    let ParseError::Extra { spec, got } = rejected(&said("/link ABC DEF")) else { panic!("should be Extra") };
    assert_eq!(spec.name, "link");
    assert_eq!(got, "DEF");
}

#[test]
fn quotes_group_words_into_one_argument() {
    for line in ["/help \"set up\"", "/help 'set up'", "/help “set up”", "/help ‘set up’", "/help 「set up」"]
    {
        assert_eq!(command(&said(line)).arg_text("COMMAND"), Some("set up"), "{line}");
    }
    assert_eq!(command(&said("/帮助 「怎么 关联 账号」")).arg_text("COMMAND"), Some("怎么 关联 账号"));
}

#[test]
fn a_quoted_group_counts_as_one_word_when_checking_for_extras() {
    let ParseError::Extra { got, .. } = rejected(&said("/help \"a b\" c")) else { panic!("should be Extra") };
    assert_eq!(got, "c");
    let ParseError::Extra { got, .. } = rejected(&said("/ping 「a b」")) else { panic!("should be Extra") };
    assert_eq!(got, "a b");
}

#[test]
fn an_apostrophe_inside_a_word_is_not_a_quote() {
    assert_eq!(command(&said("/help don't")).arg_text("COMMAND"), Some("don't"));
    assert_eq!(command(&said("/help it”s")).arg_text("COMMAND"), Some("it”s"));
}

#[test]
fn an_unclosed_quote_names_the_command() {
    for (line, name) in [
        ("/help \"set up", "help"),
        ("/help 'set up", "help"),
        ("/help “set up", "help"),
        ("/help “set up\"", "help"),
        ("/help 「set up", "help"),
        ("/help 「set up」 「again", "help"),
        ("/帮助 「设置", "help"),
        ("/ping \"", "ping"),
        ("/LINK 'ABC", "link"),
    ] {
        let ParseError::UnclosedQuote { spec } = rejected(&said(line)) else {
            panic!("{line:?} should be UnclosedQuote")
        };
        assert_eq!(spec.name, name, "{line:?}");
    }
}

#[test]
fn an_unclosed_quote_inside_the_text_of_a_rest_argument_is_text() {
    // A job post's description, a rejection's reason: the rest of the line
    // is taken as typed, quotes and all.
    let post = "/job post 职位: DBA\n描述: “双十一大促\n联系方式: hr@example.com";
    let cmd = command(&said(post));
    assert_eq!((cmd.spec.name, cmd.spec.sub), ("job", Some("post")));
    assert_eq!(cmd.arg_text("TEXT"), Some("职位: DBA\n描述: “双十一大促\n联系方式: hr@example.com"));
    let cmd = command(&said("/job reject J1 the 'senior' title is missing 'a"));
    assert_eq!(cmd.arg_text("ID"), Some("J1"));
    assert_eq!(cmd.arg_text("REASON"), Some("the 'senior' title is missing 'a"));
    // The Rest argument may start with the open quote itself.
    let cmd = command(&said("/job reject J1 \"too vague"));
    assert_eq!(cmd.arg_text("REASON"), Some("\"too vague"));
    let cmd = command(&said("/jobs search “数据 平台"));
    assert_eq!(cmd.arg_text("WORDS"), Some("“数据 平台"));
}

#[test]
fn a_quote_opened_before_the_rest_argument_starts_is_still_an_error() {
    for (line, name, sub) in [
        ("/job reject \"J1 too vague", "job", Some("reject")),
        ("/job \"J1", "job", None),
        ("/jobs \"2", "jobs", None),
        ("/jobs unsubscribe 'S1", "jobs", Some("unsubscribe")),
    ] {
        let ParseError::UnclosedQuote { spec } = rejected(&said(line)) else {
            panic!("{line:?} should be UnclosedQuote")
        };
        assert_eq!((spec.name, spec.sub), (name, sub), "{line:?}");
    }
    // A closed quote before the Rest argument is fine, an open one after it is text.
    let cmd = command(&said("/job reject \"J1\" it's 'odd"));
    assert_eq!((cmd.arg_text("ID"), cmd.arg_text("REASON")), (Some("J1"), Some("it's 'odd")));
}

#[test]
fn an_unclosed_quote_in_a_question_to_the_bot_is_still_reported() {
    let ParseError::UnclosedQuote { spec } = rejected(&said_to_bot("@jixia help \"oops")) else {
        panic!("should be UnclosedQuote")
    };
    assert_eq!(spec.name, "help");
}

// ---------------------------------------------------------------------------
// A member argument: `/whois @MEMBER`

fn bob() -> Mention {
    Mention { user_id: "42".into(), name: "bob".into() }
}

/// alice says `text`, and the adapter resolved `@bob` in it.
fn said_about_bob(text: &str) -> Incoming {
    let mut msg = said(text);
    msg.mentions = vec![bob()];
    msg
}

#[test]
fn whois_takes_a_mentioned_member() {
    for line in ["/whois @bob", "/查人 @bob", "/WHOIS @42", "/whois <@42>", "/whois <@!42>", "/whois 「@bob」"] {
        let cmd = command(&said_about_bob(line));
        assert_eq!(cmd.spec.name, "whois", "{line}");
        assert_eq!(cmd.arg_member("MEMBER"), Some(&bob()), "{line}");
    }
    let mut msg = said_about_bob("@jixia whois @bob");
    msg.mentions_bot = true;
    assert_eq!(command(&msg).arg_member("MEMBER"), Some(&bob()));
}

#[test]
fn whois_without_a_member_is_missing_one() {
    let ParseError::Missing { spec, arg } = rejected(&said("/whois")) else { panic!("should be Missing") };
    assert_eq!((spec.name, arg), ("whois", "MEMBER"));
}

#[test]
fn whois_with_a_name_that_is_not_a_mention() {
    for (line, got) in
        [("/whois bob", "bob"), ("/whois @carol", "@carol"), ("/whois <@43>", "<@43>"), ("/whois @", "@")]
    {
        let ParseError::BadMember { spec, arg, got: typed } = rejected(&said_about_bob(line)) else {
            panic!("{line} should be BadMember")
        };
        assert_eq!((spec.name, arg, typed.as_str()), ("whois", "MEMBER", got), "{line}");
    }
}

#[test]
fn whois_with_two_members_is_extra() {
    let mut msg = said_about_bob("/whois @bob @carol");
    msg.mentions.push(Mention { user_id: "43".into(), name: "carol".into() });
    let ParseError::Extra { spec, got } = rejected(&msg) else { panic!("should be Extra") };
    assert_eq!((spec.name, got.as_str()), ("whois", "@carol"));
}

// ---------------------------------------------------------------------------
// split_words

fn words(line: &str) -> Vec<(String, usize)> {
    match split_words(line) {
        Ok(words) => words.into_iter().map(|Word { text, start }| (text, start)).collect(),
        Err(()) => panic!("{line:?} should split"),
    }
}

fn w(text: &str, start: usize) -> (String, usize) {
    (text.to_owned(), start)
}

#[test]
fn split_nothing() {
    assert_eq!(words(""), vec![]);
    assert_eq!(words(" \t\n　"), vec![]);
}

#[test]
fn split_on_any_white_space_with_byte_offsets() {
    assert_eq!(words("a bb  ccc"), vec![w("a", 0), w("bb", 2), w("ccc", 6)]);
    assert_eq!(words("  a\tb\nc　d "), vec![w("a", 2), w("b", 4), w("c", 6), w("d", 10)]);
    // Offsets are bytes, so they index the line even with Chinese text.
    let line = "你好 世界";
    assert_eq!(words(line), vec![w("你好", 0), w("世界", 7)]);
    assert_eq!(&line[7..], "世界");
}

#[test]
fn split_keeps_a_quoted_group_whole_and_verbatim() {
    assert_eq!(words("\"a  b\" c"), vec![w("a  b", 0), w("c", 7)]);
    assert_eq!(words("x 「多 行\n文本」"), vec![w("x", 0), w("多 行\n文本", 2)]);
    assert_eq!(words("“a” ‘b’ 'c'"), vec![w("a", 0), w("b", 8), w("c", 16)]);
}

#[test]
fn split_start_points_at_the_opening_quote() {
    let line = "go “to there”";
    let split = words(line);
    assert_eq!(split[1], w("to there", 3));
    assert!(line[split[1].1..].starts_with('“'));
}

#[test]
fn split_empty_quotes_are_an_empty_word() {
    assert_eq!(words("\"\""), vec![w("", 0)]);
    assert_eq!(words("a 「」 b"), vec![w("a", 0), w("", 2), w("b", 9)]);
}

#[test]
fn split_quotes_only_open_at_the_start_of_a_word() {
    assert_eq!(words("don't"), vec![w("don't", 0)]);
    assert_eq!(words("a\"b c\""), vec![w("a\"b", 0), w("c\"", 4)]);
    assert_eq!(words("say「hi」"), vec![w("say「hi」", 0)]);
}

#[test]
fn split_a_closing_quote_alone_is_an_ordinary_character() {
    assert_eq!(words("”a ’b 」c"), vec![w("”a", 0), w("’b", 5), w("」c", 10)]);
}

#[test]
fn split_a_word_right_after_a_closing_quote_is_a_new_word() {
    assert_eq!(words("\"a\"b"), vec![w("a", 0), w("b", 3)]);
}

#[test]
fn split_other_quotes_inside_a_group_are_kept() {
    assert_eq!(words("「他说 \"好\"」"), vec![w("他说 \"好\"", 0)]);
    assert_eq!(words("\"it's\""), vec![w("it's", 0)]);
}

#[test]
fn split_an_open_quote_is_an_error() {
    for line in ["\"", "'abc", "“abc", "‘abc", "「abc", "a \"b c", "“mismatched\"", "「mismatched”", "ok \"ok\" 'no"]
    {
        assert_eq!(split_words(line), Err(()), "{line:?}");
    }
}

// ---------------------------------------------------------------------------
// Argument kinds the built-in commands do not use yet, bound directly.

/// Parse errors of the commands declared here (no handlers: the parser
/// never calls one).
type UnitError = jixia::command::ParseError<()>;

/// `/points grant @MEMBER AMOUNT [REASON…]`
static GRANT: CommandSpec<()> = CommandSpec {
    name: "points",
    sub: Some("grant"),
    aliases: &[],
    permission: Permission::Moderator,
    args: &[
        ArgSpec::required("MEMBER", ArgKind::Member),
        ArgSpec::required("AMOUNT", ArgKind::Int { min: 1, max: 1000 }),
        ArgSpec::optional("REASON", ArgKind::Rest),
    ],
    run: (),
};

/// `/digest daily|weekly|off [HOUR]`
static DIGEST: CommandSpec<()> = CommandSpec {
    name: "digest",
    sub: None,
    aliases: &[],
    permission: Permission::Moderator,
    args: &[
        ArgSpec::required("WHEN", ArgKind::Choice(&["daily", "weekly", "off"])),
        ArgSpec::optional("HOUR", ArgKind::Int { min: 0, max: 23 }),
    ],
    run: (),
};

/// `/say TEXT…`
static SAY: CommandSpec<()> = CommandSpec {
    name: "say",
    sub: None,
    aliases: &[],
    permission: Permission::Admin,
    args: &[ArgSpec::required("TEXT", ArgKind::Rest)],
    run: (),
};

/// Binds the arguments part of a line (after the name and subcommand), with
/// a registry holding only `spec`.
fn bind(
    spec: &'static CommandSpec<()>,
    args: &str,
    mentions: &[Mention],
) -> Result<jixia::command::ParsedCommand<()>, jixia::command::ParseError<()>> {
    let line = match spec.sub {
        Some(sub) => format!("/{} {sub} {args}", spec.name),
        None => format!("/{} {args}", spec.name),
    };
    let mut msg = said(&line);
    msg.mentions = mentions.to_vec();
    Registry::new(vec![std::slice::from_ref(spec)]).parse(&msg, "jixia")
}

fn bound(spec: &'static CommandSpec<()>, args: &str, mentions: &[Mention]) -> jixia::command::ParsedCommand<()> {
    match bind(spec, args, mentions) {
        Ok(cmd) => cmd,
        Err(e) => panic!("{args:?} should bind to /{}, got {e:?}", spec.name),
    }
}

fn bind_error(spec: &'static CommandSpec<()>, args: &str, mentions: &[Mention]) -> UnitError {
    match bind(spec, args, mentions) {
        Ok(cmd) => panic!("{args:?} should not bind, got {:?}", cmd.values),
        Err(e) => e,
    }
}

#[test]
fn grant_points_to_a_mentioned_member_with_a_reason() {
    let cmd = bound(&GRANT, " @bob 50 for fixing the \"docs\"\n  thanks!  ", &[bob()]);
    assert_eq!(cmd.arg_member("MEMBER"), Some(&bob()));
    assert_eq!(cmd.arg_int("AMOUNT"), Some(50));
    // The rest is verbatim: quotes, inner spaces and newlines kept, trailing
    // white space dropped.
    assert_eq!(cmd.arg_text("REASON"), Some("for fixing the \"docs\"\n  thanks!"));
}

#[test]
fn the_rest_may_start_with_a_quote_and_keeps_it() {
    let cmd = bound(&GRANT, "@bob 5 「好文章」 谢谢", &[bob()]);
    assert_eq!(cmd.arg_text("REASON"), Some("「好文章」 谢谢"));
    let cmd = bound(&SAY, "  \"hello\"   world ", &[]);
    assert_eq!(cmd.arg_text("TEXT"), Some("\"hello\"   world"));
}

#[test]
fn a_rest_that_is_one_quoted_phrase_is_the_phrase() {
    // `/points grant @bob 25 "组织 活动"`: the reason is 组织 活动, not
    // 「"组织 活动"」 with its quote marks.
    for (line, reason) in [
        ("@bob 25 \"组织 活动\"", "组织 活动"),
        ("@bob 25 “组织 活动”", "组织 活动"),
        ("@bob 25 「组织 活动」", "组织 活动"),
        ("@bob 25 \"组织\" 活动", "\"组织\" 活动"),
        ("@bob 25 \"a\" \"b\"", "\"a\" \"b\""),
    ] {
        assert_eq!(bound(&GRANT, line, &[bob()]).arg_text("REASON"), Some(reason), "{line}");
    }
}

#[test]
fn an_optional_rest_left_out_is_none() {
    let cmd = bound(&GRANT, "@bob 50", &[bob()]);
    assert_eq!(cmd.values.len(), 3);
    assert_eq!(cmd.arg_text("REASON"), None);
    assert_eq!(cmd.values[2], None);
}

#[test]
fn a_member_may_be_named_by_user_id() {
    assert_eq!(bound(&GRANT, "@42 1", &[bob()]).arg_member("MEMBER"), Some(&bob()));
}

#[test]
fn a_member_may_be_a_discord_mention() {
    assert_eq!(bound(&GRANT, "<@42> 1", &[bob()]).arg_member("MEMBER"), Some(&bob()));
    assert_eq!(bound(&GRANT, "<@!42> 1", &[bob()]).arg_member("MEMBER"), Some(&bob()));
}

#[test]
fn a_member_must_be_written_as_a_mention() {
    let e = bind_error(&GRANT, "bob 50", &[bob()]);
    assert_eq!(e, UnitError::BadMember { spec: &GRANT, arg: "MEMBER", got: "bob".into() });
}

#[test]
fn a_member_must_be_one_the_platform_resolved() {
    // "@carol" typed, but the adapter found no such member.
    let e = bind_error(&GRANT, "@carol 50", &[bob()]);
    assert_eq!(e, UnitError::BadMember { spec: &GRANT, arg: "MEMBER", got: "@carol".into() });
    let e = bind_error(&GRANT, "<@43> 50", &[bob()]);
    assert_eq!(e, UnitError::BadMember { spec: &GRANT, arg: "MEMBER", got: "<@43>".into() });
}

#[test]
fn missing_required_arguments_are_named_in_order() {
    assert_eq!(bind_error(&GRANT, "", &[]), UnitError::Missing { spec: &GRANT, arg: "MEMBER" });
    assert_eq!(bind_error(&GRANT, "@bob", &[bob()]), UnitError::Missing { spec: &GRANT, arg: "AMOUNT" });
    assert_eq!(bind_error(&SAY, "   ", &[]), UnitError::Missing { spec: &SAY, arg: "TEXT" });
}

#[test]
fn numbers_are_checked_against_their_bounds() {
    assert_eq!(bound(&GRANT, "@bob 1", &[bob()]).arg_int("AMOUNT"), Some(1));
    assert_eq!(bound(&GRANT, "@bob 1000", &[bob()]).arg_int("AMOUNT"), Some(1000));
    for got in ["0", "1001", "-5", "lots", "五十", "1.5", "99999999999999999999"] {
        let e = bind_error(&GRANT, &format!("@bob {got}"), &[bob()]);
        assert_eq!(e, UnitError::BadInt { spec: &GRANT, arg: "AMOUNT", got: got.into(), min: 1, max: 1000 }, "{got}");
    }
}

#[test]
fn choices_match_any_case_and_come_back_lower_case() {
    let cmd = bound(&DIGEST, "WEEKLY 9", &[]);
    assert_eq!(cmd.values, vec![word("weekly"), Some(Value::Int(9))]);
    assert_eq!(cmd.arg_text("WHEN"), Some("weekly"));
    assert_eq!(cmd.arg_int("HOUR"), Some(9));
    assert_eq!(bound(&DIGEST, "off", &[]).values, vec![word("off"), None]);
}

#[test]
fn a_word_not_among_the_choices_is_rejected_as_typed() {
    let e = bind_error(&DIGEST, "Monthly", &[]);
    assert_eq!(e, UnitError::BadChoice { spec: &DIGEST, arg: "WHEN", got: "Monthly".into() });
}

#[test]
fn extra_words_after_the_last_argument() {
    let e = bind_error(&DIGEST, "daily 9 please", &[]);
    assert_eq!(e, UnitError::Extra { spec: &DIGEST, got: "please".into() });
}

#[test]
fn accessors_of_the_wrong_kind_or_name_are_none() {
    let cmd = bound(&GRANT, "@bob 50 thanks", &[bob()]);
    assert_eq!(cmd.arg_int("MEMBER"), None);
    assert_eq!(cmd.arg_text("AMOUNT"), None);
    assert_eq!(cmd.arg_member("REASON"), None);
    assert_eq!(cmd.arg_text("NOPE"), None);
}
