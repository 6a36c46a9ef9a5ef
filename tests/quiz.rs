//! Quizzes as members live them: group rounds (typed answers, buttons,
//! timeouts, payouts with a minimum of players), the matching rules, the
//! 段位 assessment in a direct message, the daily question, restarts in
//! the middle of a round and of an assessment, every bad input, and bank
//! files. Every case runs on SQLite and on PostgreSQL. The banks are
//! `tests/data/quiz/` (written for these tests; `pg_basics.yaml` is in
//! Red-DiscordBot's format).

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{TestChat, TestDb, Who, due_and_sent, only, t0, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::features::quiz::model::{Bank, Body};
use jixia::features::quiz::red::RedOptions;
use jixia::features::quiz::{BankFormat, ImportFailed, import_file};
use jixia::{Chat, Engine, Outgoing, Platform};

fn group() -> Chat {
    Chat::group(Platform::Telegram, "-100")
}

fn other_group() -> Chat {
    Chat::group(Platform::Telegram, "-200")
}

fn moderator() -> Who {
    Who::telegram("9", "Mo")
}

fn alice() -> Who {
    Who::telegram("1", "Alice")
}

fn bob() -> Who {
    Who::telegram("2", "Bob")
}

fn carol() -> Who {
    Who::telegram("3", "Carol")
}

fn config() -> Config {
    let mut c = Config::default();
    // Chat in the quiz groups earns no activity points: balances show only quiz points.
    c.features.points.no_points_chats = vec!["telegram:-100".into(), "telegram:-200".into()];
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/quiz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn import(db: &TestDb, name: &str) {
    let format = BankFormat::from_path(name).unwrap_or(BankFormat::Jixia);
    import_file(&db.store, name, &fixture(name), format, &RedOptions::default(), t0())
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

async fn quiz_chat(db: TestDb, config: &Config) -> TestChat {
    import(&db, "pg.toml").await;
    import(&db, "pg_basics.yaml").await;
    TestChat::new(db, config)
}

fn bank() -> Bank {
    jixia::features::quiz::bank::parse("pg.toml", &fixture("pg.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn red_bank() -> Bank {
    jixia::features::quiz::red::parse("pg_basics.yaml", &fixture("pg_basics.yaml"), &RedOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What answers the question shown in `message`: the first accepted answer,
/// or the letter of the right option. Also the letter of a wrong option.
fn answer_for(message: &str) -> (String, Option<String>) {
    for q in bank().questions.iter().chain(red_bank().questions.iter()) {
        for v in &q.variants {
            if message.contains(&v.text) {
                return match &v.body {
                    Body::Free { answers } => (answers[0].clone(), None),
                    Body::Choice { correct, options } => {
                        let right = correct[0];
                        let wrong = (0..options.len()).find(|i| !correct.contains(i)).unwrap_or(0);
                        let letter = |i: usize| char::from(b'A' + i as u8).to_string();
                        (letter(right), Some(letter(wrong)))
                    }
                };
            }
        }
    }
    panic!("no question in {message:?}")
}

/// The last message's text (the question posted last).
fn last(out: &[Outgoing]) -> String {
    out.last().map(|o| o.body.to_plain()).unwrap_or_default()
}

async fn balance(chat: &TestChat, who: &Who) -> i64 {
    let m =
        chat.db.store.members().find_account("default", who.platform, &who.id).await.unwrap_or_else(|e| panic!("{e}"));
    let Some(m) = m else { return 0 };
    chat.db.store.ledger().balance("default", m.id).await.unwrap_or_else(|e| panic!("{e}")).balance
}

async fn assert_ledger_clean(chat: &TestChat) {
    let audit = chat.db.store.ledger().audit().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(audit.is_clean(), "ledger invariants: {audit:?}");
}

/// Answers the open question right as `who`, returning the bot's messages.
async fn answer_right(chat: &mut TestChat, who: &Who, question: &str) -> Vec<Outgoing> {
    let (right, _) = answer_for(question);
    chat.say(&group(), who, &right).await
}

both_backends!(
    a_round_pays_each_right_answer_when_three_took_part,
    multiple_choice_buttons_and_second_picks,
    answers_match_like_red_and_in_chinese,
    the_first_right_answer_wins_a_race,
    too_few_players_are_not_paid_and_red_config_applies,
    timeouts_reveal_the_answer_and_idle_rounds_stop,
    a_round_survives_a_restart_or_is_cancelled,
    the_assessment_adapts_levels_and_cools_down,
    an_assessment_survives_a_restart_or_is_cancelled,
    the_daily_question,
    every_bad_input_gets_a_reply_and_moves_no_points,
    banks_import_whole_or_not_at_all,
    linking_accounts_merges_quiz_history,
);

async fn a_round_pays_each_right_answer_when_three_took_part(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg 3").await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert!(texts(&out)[0].contains("PG 基础 抢答开始") && texts(&out)[0].contains("共 3 题"), "{:?}", texts(&out));
    let mut question = last(&out);
    assert!(question.contains("第 1/3 题"), "{question}");
    // Chat that answers nothing is just chat: no reply, nothing recorded.
    assert!(chat.say(&group(), &carol(), "大家好，这题我不会").await.is_empty());
    // The bot never answers its own questions (a bot's message is ignored).
    let (right, _) = answer_for(&question);
    let mut from_bot = chat.message(&group(), &Who::telegram("777", "jixia"), &right);
    from_bot.sender.is_bot = true;
    assert!(chat.engine.handle(&from_bot).await.is_empty());
    // The right answer said in another chat scores nothing there.
    assert!(chat.say(&other_group(), &alice(), &right).await.is_empty());
    for (who, seq) in [(alice(), 2), (bob(), 3)] {
        let out = answer_right(&mut chat, &who, &question).await;
        assert!(texts(&out)[0].contains(&format!("{} 答对了", who.name)), "{:?}", texts(&out));
        question = last(&out);
        assert!(question.contains(&format!("第 {seq}/3 题")), "{question}");
    }
    let out = answer_right(&mut chat, &carol(), &question).await;
    assert!(texts(&out)[0].contains("Carol 答对了"), "{:?}", texts(&out));
    let end = last(&out);
    assert!(end.contains("本轮结束") && end.contains("题目都出完了"), "{end}");
    assert!(end.contains("Alice — 1 分") && end.contains("Bob — 1 分") && end.contains("Carol — 1 分"), "{end}");
    assert!(end.contains("每答对一题 10 积分，已发给 3 位"), "{end}");
    for who in [alice(), bob(), carol()] {
        assert_eq!(balance(&chat, &who).await, 10, "{}", who.name);
    }
    assert!(chat.say(&group(), &alice(), "5432").await.is_empty(), "no round: chat again");
    assert_ledger_clean(&chat).await;
}

async fn multiple_choice_buttons_and_second_picks(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let out = chat.say(&group(), &moderator(), "/quiz start mc 2").await;
    let q = out.last().cloned().unwrap_or_else(|| panic!("no question"));
    assert!(q.buttons.len() >= 3, "{q:?}");
    assert!(q.buttons.iter().all(|b| b.data.starts_with("/quiz pick r")), "{q:?}");
    let (right, wrong) = answer_for(&q.body.to_plain());
    let wrong = wrong.unwrap_or_default();
    let n = |letter: &str| (letter.as_bytes()[0] - b'A' + 1).to_string();
    let button = |letter: &str| q.buttons[usize::from(letter.as_bytes()[0] - b'A')].data.clone();
    // Alice presses a wrong button; a second pick of hers is refused.
    let reply = only(&chat.say(&group(), &alice(), &button(&wrong)).await);
    assert!(reply.contains(&format!("Alice 选了 {wrong}，不对")), "{reply}");
    let reply = only(&chat.say(&group(), &alice(), &right).await);
    assert!(reply.contains(&format!("已经选过 {wrong}")), "{reply}");
    // The same button pressed in another chat answers nothing there.
    let reply = only(&chat.say(&other_group(), &bob(), &button(&right)).await);
    assert!(reply.contains("没有进行中的答题"), "{reply}");
    // Bob types the letter: right.
    let out = chat.say(&group(), &bob(), &right.to_lowercase()).await;
    assert!(texts(&out)[0].contains("Bob 答对了"), "{:?}", texts(&out));
    // The old button now says the question is closed.
    let reply = only(
        &chat.say(&group(), &carol(), &format!("{} ", button(&right).trim_end_matches(&n(&right)).trim_end())).await,
    );
    assert!(reply.contains("缺少") || reply.contains("参数"), "a pick needs its option: {reply}");
    let reply = only(&chat.say(&group(), &carol(), &button(&right)).await);
    assert!(reply.contains("这道题已经结束了"), "{reply}");
    // An option past the last one.
    let token =
        out.last().map(|o| o.buttons[0].data.split(' ').nth(2).unwrap_or_default().to_owned()).unwrap_or_default();
    let reply = only(&chat.say(&group(), &carol(), &format!("/quiz pick {token} 6")).await);
    assert!(reply.contains("看不懂这个选项"), "{reply}");
    let reply = only(&chat.say(&group(), &carol(), "/quiz pick zz 1").await);
    assert!(reply.contains("看不懂这个选项"), "{reply}");
}

async fn answers_match_like_red_and_in_chinese(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    // Guesses that must match each question of the Red fixture.
    let guesses: &[(&str, &str)] = &[
        ("Which port does PostgreSQL listen on by default?", "默认是５４３２。"),
        ("Is SQL a declarative language?", "YES"),
        ("Which process writes dirty pages at checkpoints?", "I think it is THE checkpointer!"),
        ("What does MVCC stand for?", "it means Multi-Version Concurrency Control, right?"),
        ("Which log does PostgreSQL write before changing data files?", "应该是预写式日志吧"),
        ("Who is the elephant in PostgreSQL's logo?", "it's “Slonik”"),
        ("Which language is PL/pgSQL modelled on?", "Oracle’s PL/SQL"),
        ("Which single letter names the language PostgreSQL itself is written in?", "c"),
    ];
    // The Red list is in English: a moderator who reads English starts it.
    chat.say(&group(), &moderator(), "/lang en").await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg_basics 8").await;
    let mut question = last(&out);
    // `c++` is not the one-word answer `C`, and a word containing it neither.
    for _ in 0..8 {
        let (_, guess) = guesses.iter().find(|(q, _)| question.contains(q)).unwrap_or_else(|| panic!("{question}"));
        if question.contains("single letter") {
            assert!(chat.say(&group(), &alice(), "c++").await.is_empty());
            assert!(chat.say(&group(), &alice(), "cobol").await.is_empty());
        }
        let out = chat.say(&group(), &alice(), guess).await;
        assert!(!out.is_empty() && texts(&out)[0].contains("got it"), "{guess:?} for {question}: {:?}", texts(&out));
        question = last(&out);
        if question.contains("Round over") {
            break;
        }
    }
    // The Red list's CONFIG: max_score 2 ends the round at Alice's second point.
    assert!(question.contains("Alice reached 2 points"), "{question}");
    // Traditional folds to Simplified in our own bank too, and full-width letters to half-width.
    chat.say(&group(), &moderator(), "/lang zh").await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg 12").await;
    let mut question = last(&out);
    for _ in 0..12 {
        let (right, _) = answer_for(&question);
        let typed = match right.as_str() {
            "预写式日志" => "是預寫式日誌".to_owned(),
            "psql" => "ＰＳＱＬ".to_owned(),
            "主键" => "应该是主鍵".to_owned(),
            other => other.to_owned(),
        };
        let out = chat.say(&group(), &bob(), &typed).await;
        assert!(texts(&out)[0].contains("答对了"), "{typed}: {:?}", texts(&out));
        question = last(&out);
        if question.contains("本轮结束") {
            break;
        }
    }
    assert!(question.contains("Bob — 12 分"), "{question}");
}

async fn the_first_right_answer_wins_a_race(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    // Five starts at once (say, five moderators): one round.
    let mut starts = Vec::new();
    for _ in 0..5 {
        let msg = chat.message(&group(), &moderator(), "/quiz start pg 1");
        let engine: Arc<Engine> = chat.engine.clone();
        starts.push(tokio::spawn(async move { engine.handle(&msg).await }));
    }
    let mut question = String::new();
    let mut started = 0;
    for t in starts {
        let out = t.await.unwrap_or_else(|e| panic!("{e}"));
        if texts(&out)[0].contains("抢答开始") {
            started += 1;
            question = last(&out);
        } else {
            assert!(texts(&out)[0].contains("已经在答题了"), "{:?}", texts(&out));
        }
    }
    assert_eq!(started, 1, "one round per chat");
    let (right, _) = answer_for(&question);
    let players: Vec<Who> = (10..20).map(|i| Who::telegram(&i.to_string(), &format!("P{i}"))).collect();
    let mut tasks = Vec::new();
    for who in &players {
        let msg = chat.message(&group(), who, &right);
        let engine: Arc<Engine> = chat.engine.clone();
        tasks.push(tokio::spawn(async move { engine.handle(&msg).await }));
    }
    let mut winners = 0;
    for t in tasks {
        let out = t.await.unwrap_or_else(|e| panic!("{e}"));
        winners += out.iter().filter(|o| o.body.to_plain().contains("答对了")).count();
    }
    assert_eq!(winners, 1, "exactly one right answer scores");
    let mut total = 0;
    for who in &players {
        total += balance(&chat, who).await;
    }
    // One winner of one question, too few players (one attempt recorded): nothing paid.
    assert_eq!(total, 0);
    assert_ledger_clean(&chat).await;
}

async fn too_few_players_are_not_paid_and_red_config_applies(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg 2").await;
    let out = answer_right(&mut chat, &alice(), &last(&out)).await;
    let out = answer_right(&mut chat, &bob(), &last(&out)).await;
    let end = last(&out);
    assert!(end.contains("只有 2 人参加，不足 3 人，这次不发积分"), "{end}");
    assert_eq!((balance(&chat, &alice()).await, balance(&chat, &bob()).await), (0, 0));
    // A community that needs two players; the Red list's payout_multiplier 2 doubles the points.
    let mut c = config();
    c.features.quiz.min_players = 2;
    let db = chat.db;
    let mut chat = TestChat::new(db, &c);
    chat.say(&group(), &moderator(), "/lang en").await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg_basics 2").await;
    assert!(texts(&out)[0].contains("25 s each"), "CONFIG delay: {:?}", texts(&out));
    let out = answer_right(&mut chat, &alice(), &last(&out)).await;
    let out = answer_right(&mut chat, &bob(), &last(&out)).await;
    let end = last(&out);
    assert!(end.contains("20 points per right answer"), "{end}");
    assert_eq!((balance(&chat, &alice()).await, balance(&chat, &bob()).await), (20, 20));
    assert_ledger_clean(&chat).await;
}

async fn timeouts_reveal_the_answer_and_idle_rounds_stop(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg 3").await;
    let (right, _) = answer_for(&last(&out));
    chat.clock.advance(Duration::seconds(21));
    let posted = due_and_sent(&chat.engine).await;
    assert_eq!(posted.len(), 2, "{:?}", texts(&posted));
    assert!(
        texts(&posted)[0].contains("时间到，没人答对") && texts(&posted)[0].contains(&right),
        "{:?}",
        texts(&posted)
    );
    assert!(texts(&posted)[1].contains("第 2/3 题"), "{:?}", texts(&posted));
    // A right answer to the closed question scores nothing.
    if right.len() > 1 {
        let out = chat.say(&group(), &alice(), &format!("/quiz answer {right}")).await;
        assert!(!texts(&out)[0].contains(&format!("答案：{right}")), "{:?}", texts(&out));
    }
    // Nothing happens twice: the due jobs ran once.
    assert!(due_and_sent(&chat.engine).await.is_empty());
    // Nobody tries for two questions (120 s idle): the round stops.
    for _ in 0..6 {
        chat.clock.advance(Duration::seconds(21));
        let posted = due_and_sent(&chat.engine).await;
        if texts(&posted).iter().any(|t| t.contains("本轮结束")) {
            let end = texts(&posted).join("\n");
            assert!(end.contains("太久没人作答") || end.contains("题目都出完了"), "{end}");
            return;
        }
    }
    panic!("the round never ended");
}

async fn a_round_survives_a_restart_or_is_cancelled(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let out = chat.say(&group(), &moderator(), "/quiz start pg 3").await;
    let question = last(&out);
    // The bot restarts: a new engine on the same store, its memory empty.
    let engine = Engine::new(&common::with_test_chats(&config()), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    chat.engine = Arc::new(engine);
    let out = answer_right(&mut chat, &alice(), &question).await;
    assert!(texts(&out)[0].contains("Alice 答对了"), "the new engine knows the round: {:?}", texts(&out));
    chat.clock.advance(Duration::seconds(21));
    let posted = due_and_sent(&chat.engine).await;
    assert!(texts(&posted).iter().any(|t| t.contains("第 3/3 题")), "{:?}", texts(&posted));
    // Down for ten minutes: the round is cancelled with a message, nothing paid.
    let engine = Engine::new(&common::with_test_chats(&config()), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    chat.engine = Arc::new(engine);
    chat.clock.advance(Duration::minutes(10));
    let posted = due_and_sent(&chat.engine).await;
    assert_eq!(posted.len(), 1, "{:?}", texts(&posted));
    assert!(texts(&posted)[0].contains("本轮已取消"), "{:?}", texts(&posted));
    assert_eq!(balance(&chat, &alice()).await, 0);
    let out = chat.say(&group(), &moderator(), "/quiz start pg 1").await;
    assert!(texts(&out)[0].contains("抢答开始"), "a new round can start: {:?}", texts(&out));
    // Its timer's job gives up (an instance took it and failed for good):
    // the round is not stuck, the next start cancels it with a message.
    chat.clock.advance(Duration::seconds(21));
    let now = jixia::clock::Clock::now(&chat.clock);
    let jobs = chat.db.store.jobs();
    for job in jobs.claim("dead", now, now + Duration::minutes(5), 10).await.unwrap_or_else(|e| panic!("{e}")) {
        jobs.fail(job.id, "dead", "gave up", now + Duration::days(365), now).await.unwrap_or_else(|e| panic!("{e}"));
    }
    chat.clock.advance(Duration::minutes(10));
    assert!(due_and_sent(&chat.engine).await.is_empty());
    let out = chat.say(&group(), &moderator(), "/quiz start pg 1").await;
    assert!(texts(&out)[0].contains("抢答开始"), "{:?}", texts(&out));
    let posted = due_and_sent(&chat.engine).await;
    assert!(texts(&posted).iter().any(|t| t.contains("本轮已取消")), "{:?}", texts(&posted));
}

async fn the_assessment_adapts_levels_and_cools_down(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let a = alice();
    chat.say(&group(), &moderator(), "/quiz daily here 09:00").await;
    chat.say(&a.dm(), &a, "/exam announce on").await;
    let out = chat.say(&a.dm(), &a, "/exam pg").await;
    let mut question = only(&out);
    assert!(question.contains("PG 基础 段位测评") && question.contains("共 10 题"), "{question}");
    let bank = bank();
    let difficulty_of = |text: &str| {
        bank.questions
            .iter()
            .find(|q| q.variants.iter().any(|v| text.contains(&v.text)))
            .map(|q| q.difficulty)
            .unwrap_or_else(|| panic!("{text}"))
    };
    // Right, right, wrong, then right to the end: the difficulty follows (3, 4, 5, 4, 5…).
    let plan = [true, true, false, true, true, true, true, true, true, true];
    let mut asked = Vec::new();
    for (i, right) in plan.iter().enumerate() {
        asked.push(difficulty_of(&question));
        let (answer, wrong) = answer_for(&question);
        let typed = if *right { answer } else { wrong.unwrap_or_else(|| "完全不对的答案".into()) };
        let out = chat.say(&a.dm(), &a, &typed).await;
        let text = texts(&out).join("\n");
        assert!(text.contains(if *right { "答对了" } else { "不对" }), "step {i}: {text}");
        question = text;
    }
    assert_eq!(&asked[..4], &[3, 4, 5, 4], "the walk: {asked:?}");
    assert!(question.contains("测评结束") && question.contains("段位"), "{question}");
    // The announcement goes to the chat that posts the daily question, as opted in.
    let result = chat.say(&a.dm(), &a, "/exam result").await;
    let shown = only(&result);
    assert!(shown.contains("Alice 的段位") && shown.contains("pg："), "{shown}");
    let whoami = only(&chat.say(&group(), &a, "/whoami").await);
    assert!(whoami.contains("段位：pg "), "{whoami}");
    // A retake within 24 h is refused, after it allowed.
    let refused = only(&chat.say(&a.dm(), &a, "/exam pg").await);
    assert!(refused.contains("还在冷却中"), "{refused}");
    chat.clock.advance(Duration::hours(24));
    let again = only(&chat.say(&a.dm(), &a, "/exam pg").await);
    assert!(again.contains("段位测评"), "{again}");
    let stopped = only(&chat.say(&a.dm(), &a, "/exam stop").await);
    assert!(stopped.contains("测评已结束：答了 0/10 题"), "{stopped}");
    let none = only(&chat.say(&a.dm(), &a, "/exam stop").await);
    assert!(none.contains("没有进行中的测评"), "{none}");
}

async fn an_assessment_survives_a_restart_or_is_cancelled(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let a = alice();
    let first = only(&chat.say(&a.dm(), &a, "/exam pg").await);
    let engine = Engine::new(&common::with_test_chats(&config()), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    chat.engine = Arc::new(engine);
    let (right, _) = answer_for(&first);
    let out = only(&chat.say(&a.dm(), &a, &right).await);
    assert!(out.contains("答对了") && out.contains("第 2/10 题"), "{out}");
    // The question times out: wrong, and the next one comes by DM.
    chat.clock.advance(Duration::seconds(61));
    let posted = due_and_sent(&chat.engine).await;
    assert_eq!(posted.len(), 1, "{:?}", texts(&posted));
    assert!(common::is_dm_to(&posted[0], &a) && texts(&posted)[0].contains("时间到"), "{:?}", texts(&posted));
    assert!(texts(&posted)[0].contains("第 3/10 题"), "{:?}", texts(&posted));
    // Down for an hour: cancelled, not counted (no cooldown).
    let engine = Engine::new(&common::with_test_chats(&config()), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    chat.engine = Arc::new(engine);
    chat.clock.advance(Duration::hours(1));
    let posted = due_and_sent(&chat.engine).await;
    assert!(texts(&posted).iter().any(|t| t.contains("已经取消")), "{:?}", texts(&posted));
    let again = only(&chat.say(&a.dm(), &a, "/exam pg").await);
    assert!(again.contains("段位测评"), "no cooldown after a cancel: {again}");
}

async fn the_daily_question(db: TestDb) {
    let mut c = config();
    c.features.quiz.topics = vec!["pg".into(), "mc".into()];
    let mut chat = quiz_chat(db, &c).await;
    let (a, b) = (alice(), bob());
    let set = only(&chat.say(&group(), &moderator(), "/quiz daily here 09:30").await);
    assert!(set.contains("每天 09:30"), "{set}");
    let refused = only(&chat.say(&group(), &a, "/quiz daily off").await);
    assert!(refused.contains("版主"), "{refused}");
    chat.clock.advance(Duration::minutes(31));
    let posted = due_and_sent(&chat.engine).await;
    assert_eq!(posted.len(), 1, "{:?}", texts(&posted));
    let question = texts(&posted)[0].clone();
    assert!(question.contains("每日一题") && posted[0].buttons.is_empty(), "{question}");
    // In the group the answer is not taken: a hint to answer privately.
    let hint = only(&chat.say(&group(), &a, "/quiz daily 5432").await);
    assert!(hint.contains("私聊"), "{hint}");
    let (right, wrong) = answer_for(&question);
    let reply = only(&chat.say(&a.dm(), &a, &format!("/quiz daily {right}")).await);
    assert!(reply.contains("答对了！+5 积分"), "{reply}");
    let reply = only(&chat.say(&a.dm(), &a, &format!("/quiz daily {right}")).await);
    assert!(reply.contains("已经答对了"), "{reply}");
    assert_eq!(balance(&chat, &a).await, 5);
    let wrong = wrong.unwrap_or_else(|| "完全不对".into());
    let reply = only(&chat.say(&b.dm(), &b, &format!("/quiz daily {wrong}")).await);
    assert!(reply.contains("不对") || reply.contains("机会用完"), "{reply}");
    for _ in 0..3 {
        chat.say(&b.dm(), &b, &format!("/quiz daily {wrong}")).await;
    }
    let reply = only(&chat.say(&b.dm(), &b, &format!("/quiz daily {right}")).await);
    assert!(reply.contains("机会用完"), "{reply}");
    assert_eq!(balance(&chat, &b).await, 0);
    // /quiz daily shows the same question all day.
    let shown = only(&chat.say(&b.dm(), &b, "/quiz daily").await);
    assert!(shown.contains(question.lines().nth(1).unwrap_or_default()), "{shown}");
    // The digest lists who solved it.
    let digest = only(&chat.say(&group(), &moderator(), "/digest preview").await[..1]);
    assert!(digest.contains("每日一题：1 人答对") && digest.contains("Alice"), "{digest}");
    // Next day: a new question, yesterday's answer revealed; no repeat while the bank lasts.
    let mut seen = vec![question.lines().nth(1).unwrap_or_default().to_owned()];
    for day in 1..15 {
        chat.clock.advance(Duration::days(1));
        let posted = due_and_sent(&chat.engine).await;
        assert_eq!(posted.len(), 1, "day {day}: {:?}", texts(&posted));
        let text = texts(&posted)[0].clone();
        if day == 1 {
            assert!(text.contains("昨天") && text.contains("1 人答对"), "{text}");
        }
        seen.push(text.lines().nth(1).unwrap_or_default().to_owned());
    }
    let distinct: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 15, "15 questions in pg + mc, none repeated: {seen:?}");
    // A button of an old day is closed.
    let closed = only(&chat.say(&a.dm(), &a, "/quiz pick d20261201 1").await);
    assert!(closed.contains("已经结束"), "{closed}");
    let off = only(&chat.say(&group(), &moderator(), "/quiz daily off").await);
    assert!(off.contains("停止"), "{off}");
    assert_ledger_clean(&chat).await;
}

async fn every_bad_input_gets_a_reply_and_moves_no_points(db: TestDb) {
    let mut chat = quiz_chat(db, &config()).await;
    let (a, m) = (alice(), moderator());
    let reply = |out: Vec<Outgoing>| only(&out);
    // Answering when no round runs.
    assert!(reply(chat.say(&group(), &a, "/quiz answer 5432").await).contains("没有进行中的答题"));
    assert!(chat.say(&group(), &a, "5432").await.is_empty(), "plain chat stays chat");
    // Members may not start a round here; unknown topics; too many; no questions in the language.
    assert!(reply(chat.say(&group(), &a, "/quiz start pg").await).contains("只有版主"));
    assert!(reply(chat.say(&group(), &m, "/quiz start nosuch").await).contains("没有叫“nosuch”的题库"));
    assert!(reply(chat.say(&group(), &m, "/quiz start pg 99").await).contains("最多 30 题"));
    assert!(reply(chat.say(&group(), &m, "/quiz start pg abc").await).contains("abc"));
    assert!(reply(chat.say(&group(), &m, "/quiz start sql").await).contains("没有中文题目"));
    assert!(reply(chat.say(&m.dm(), &m, "/quiz start pg").await).contains("群里"));
    // A second round in the chat.
    let out = chat.say(&group(), &m, "/quiz start mc 2").await;
    let first = out.last().cloned().unwrap_or_else(|| panic!("no question"));
    assert!(reply(chat.say(&group(), &m, "/quiz start pg").await).contains("已经在答题了"));
    // Answering twice, and a closed question.
    let (right, wrong) = answer_for(&first.body.to_plain());
    let wrong = wrong.unwrap_or_default();
    assert!(reply(chat.say(&group(), &a, &wrong).await).contains("不对"));
    assert!(reply(chat.say(&group(), &a, &wrong).await).contains("已经选过"));
    chat.say(&group(), &Who::telegram("4", "Dan"), &right).await;
    let old_button = first.buttons[usize::from(right.as_bytes()[0] - b'A')].data.clone();
    assert!(reply(chat.say(&group(), &a, &old_button).await).contains("这道题已经结束了"));
    // Only the starter or a moderator stops it.
    assert!(reply(chat.say(&group(), &a, "/quiz stop").await).contains("只有开这一轮的 Mo"));
    let end = reply(chat.say(&group(), &m, "/quiz stop").await);
    assert!(end.contains("Mo 结束了本轮") && end.contains("不发积分"), "{end}");
    assert!(reply(chat.say(&group(), &m, "/quiz stop").await).contains("没有进行中的答题"));
    // The assessment: only in a DM; a topic; the cooldown.
    assert!(reply(chat.say(&group(), &a, "/exam pg").await).contains("私聊"));
    assert!(reply(chat.say(&a.dm(), &a, "/exam").await).contains("请选择"));
    assert!(reply(chat.say(&a.dm(), &a, "/exam mc").await).contains("不够一次 10 题"));
    assert!(reply(chat.say(&a.dm(), &a, "/exam nosuch").await).contains("没有叫"));
    chat.say(&a.dm(), &a, "/exam pg").await;
    assert!(reply(chat.say(&a.dm(), &a, "/exam pg").await).contains("正在进行"));
    chat.say(&a.dm(), &a, "/exam stop").await;
    assert!(reply(chat.say(&a.dm(), &a, "/exam pg").await).contains("冷却"));
    assert!(reply(chat.say(&a.dm(), &a, "/exam bogus extra").await).contains("extra"));
    assert_eq!(balance(&chat, &a).await, 0);
    assert_eq!(balance(&chat, &Who::telegram("4", "Dan")).await, 0);
    assert_ledger_clean(&chat).await;
}

async fn banks_import_whole_or_not_at_all(db: TestDb) {
    let broken = fixture("broken.toml");
    let err = import_file(&db.store, "broken.toml", &broken, BankFormat::Jixia, &RedOptions::default(), t0()).await;
    let Err(ImportFailed::Bank(report)) = err else { panic!("accepted: {err:?}") };
    let lines: Vec<String> = report.0.iter().map(ToString::to_string).collect();
    let want = [
        "broken.toml:10: duplicate id `dup` (first used at line 3)",
        "broken.toml:21: question `no-answers` has no answers",
        "broken.toml:29: question `not-an-option`: correct answer `z` is not among the options",
        "broken.toml:34: unknown key `dificulty` in [[question]] (did you mean `difficulty`?)",
        "broken.toml:42: difficulty 9 is out of range: use 1 (easy) to 5 (hard)",
    ];
    for w in want {
        assert!(lines.iter().any(|l| l == w), "{w} in {lines:#?}");
    }
    let banks = db.store.quiz().quiz_banks().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(banks.is_empty(), "nothing was half-imported");
    import(&db, "pg.toml").await;
    import(&db, "pg_basics.yaml").await;
    // Importing the same file again changes nothing.
    let again = import_file(&db.store, "pg.toml", &fixture("pg.toml"), BankFormat::Jixia, &RedOptions::default(), t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.unchanged);
    // A question used by another bank is refused.
    let clash = "[bank]\nid = \"other\"\n[[question]]\nid = \"pg-port\"\ntopic = \"x\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"a\"]\n";
    let err = import_file(&db.store, "other.toml", clash, BankFormat::Jixia, &RedOptions::default(), t0()).await;
    assert!(
        matches!(&err, Err(ImportFailed::Bank(r)) if r.to_string().contains("already used by bank `test-pg`")),
        "{err:?}"
    );
    // A re-import without a question retires it.
    let smaller: String = fixture("pg.toml").replace("id = \"sql-limit\"", "id = \"sql-limit2\"");
    let s = import_file(&db.store, "pg.toml", &smaller, BankFormat::Jixia, &RedOptions::default(), t0())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.questions, s.retired), (16, 1));
    // Export round-trips, and lists count per topic, difficulty and language.
    let banks = db.store.quiz().quiz_banks().await.unwrap_or_else(|e| panic!("{e}"));
    let text = jixia::features::quiz::load::export_toml(&banks, Some("test-pg")).unwrap_or_else(|e| panic!("{e}"));
    let back = jixia::features::quiz::bank::parse("test-pg.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back.questions.len(), 16);
    let red = jixia::features::quiz::load::export_toml(&banks, Some("pg_basics")).unwrap_or_else(|e| panic!("{e}"));
    assert!(red.contains("question_secs = 25.0"), "{red}");
    let list = jixia::features::quiz::load::list_lines(&banks, false).join("\n");
    assert!(list.contains("pg: 12 questions") && list.contains("pg_basics: 8 questions"), "{list}");
}

async fn linking_accounts_merges_quiz_history(db: TestDb) {
    let mut c = config();
    c.features.quiz.min_players = 1;
    let mut chat = quiz_chat(db, &c).await;
    let tg = alice();
    let dc = Who::discord("8", "alice");
    let out = chat.say(&group(), &moderator(), "/quiz start pg 1").await;
    answer_right(&mut chat, &tg, &last(&out)).await;
    let code_msg = only(&chat.say(&tg.dm(), &tg, "/link").await);
    let code = code_msg.split(['：', '（']).nth(1).unwrap_or_default().to_owned();
    chat.say(&Chat::group(Platform::Discord, "5"), &dc, &format!("/link {code}")).await;
    assert_eq!(balance(&chat, &tg).await, 10);
    assert_ledger_clean(&chat).await;
}
