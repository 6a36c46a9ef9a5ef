//! Event sign-ups as the community lives them: Mo (a moderator) and Li (an
//! organiser) create salons, members join and leave, the waitlist moves up
//! in order, reminders arrive once, the calendar file reads back, and
//! attendance pays points. Every case runs on SQLite and on PostgreSQL.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::cast::{alice, bob, carol, dave, group, mo};
use common::{TestChat, TestDb, Who, due_and_sent, is_dm_to, only, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::{Chat, Engine, Outgoing, Platform};

fn li() -> Who {
    Who::telegram("8", "Li")
}

fn member(n: usize) -> Who {
    Who::telegram(&format!("{}", 100 + n), &format!("m{n}"))
}

/// Mo moderates the default community; Li organises events.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.features.events.organisers = vec!["telegram:8".into()];
    c
}

fn now(chat: &TestChat) -> DateTime<Utc> {
    jixia::clock::Clock::now(&chat.clock)
}

/// Runs the jobs that are due and drains the outbox: what members receive.
async fn deliver(chat: &TestChat) -> Vec<Outgoing> {
    jixia::scheduler::run_jobs(&chat.engine, chat.engine.instance(), now(chat)).await;
    due_and_sent(&chat.engine).await
}

fn dms_to(out: &[Outgoing], who: &Who) -> Vec<String> {
    out.iter().filter(|o| is_dm_to(o, who)).map(|o| o.body.to_plain()).collect()
}

async fn ask(chat: &mut TestChat, who: &Who, text: &str) -> String {
    only(&chat.say(&group(), who, text).await)
}

/// Mo creates an event and gets `E1`-style confirmation.
async fn created(chat: &mut TestChat, text: &str) -> String {
    let reply = ask(chat, &mo(), text).await;
    assert!(reply.contains("已发起"), "{reply}");
    reply
}

/// The restarted bot: a new engine on the same store.
fn restart(chat: &mut TestChat) {
    let engine = Engine::new(&common::with_test_chats(&config()), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    chat.engine = Arc::new(engine);
}

// ---------------------------------------------------------------------------

both_backends!(
    create_join_waitlist_and_promotion,
    the_multi_line_form_with_chinese_keys,
    every_bad_input_is_refused_and_changes_nothing,
    the_last_seat_under_concurrent_joins,
    leaving_and_promotion_under_concurrency_never_exceed_capacity,
    reminders_once_across_a_restart_and_none_after_cancel,
    an_edit_moves_reminders_and_late_ones_are_skipped,
    edits_and_cancels_tell_everyone_signed_up,
    a_berlin_member_sees_a_shanghai_event_across_dst,
    the_calendar_file_reads_back,
    attendance_pays_once,
    reminders_can_be_turned_off,
    the_digest_lists_the_coming_week_with_seats_left,
    linked_members_keep_one_sign_up,
    only_the_roles_named_may_join,
    a_discord_role_counts_only_where_discord_said_it,
    wrong_attendance_codes_are_throttled,
    many_events_are_paged,
);

async fn create_join_waitlist_and_promotion(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let reply =
        created(&mut chat, "/event create \"PG 沙龙·杭州\" 2026-12-12 14:00 capacity=2 where=\"杭州 西湖区\"").await;
    assert!(reply.contains("E1「PG 沙龙·杭州」"), "{reply}");
    assert!(reply.contains("2026-12-12 周六 14:00 (Asia/Shanghai)"), "the reply shows how the date was read: {reply}");
    let out = chat.say(&group(), &alice(), "/event E1").await;
    assert_eq!(out.len(), 1);
    let data: Vec<&str> = out[0].buttons.iter().map(|b| b.data.as_str()).collect();
    assert_eq!(data, ["/join E1", "/leave E1"], "join and leave buttons");
    assert!(ask(&mut chat, &alice(), "/join E1").await.contains("你已报名 E1"));
    assert!(ask(&mut chat, &bob(), "/报名 e1").await.contains("你已报名 E1"));
    let c = ask(&mut chat, &carol(), "/join E1").await;
    assert!(c.contains("候补第 1 位"), "{c}");
    let d = ask(&mut chat, &dave(), "/join E1").await;
    assert!(d.contains("候补第 2 位"), "{d}");
    assert!(deliver(&chat).await.is_empty(), "nothing to say yet");
    let list = ask(&mut chat, &dave(), "/events").await;
    assert!(list.contains("已报名 2/2，候补 2 人"), "{list}");
    // Bob leaves: Carol, first on the waitlist, is promoted and told.
    assert!(ask(&mut chat, &bob(), "/取消报名 E1").await.contains("已取消 E1"));
    let out = deliver(&chat).await;
    assert_eq!(out.len(), 1, "{:?}", texts(&out));
    assert!(dms_to(&out, &carol())[0].contains("你已从候补转为正式报名"), "{:?}", texts(&out));
    let att = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(att.contains("已报名（2）") && att.contains("alice") && att.contains("carol"), "{att}");
    assert!(att.contains("候补（1）") && att.contains("dave"), "{att}");
    // Alice leaves: Dave moves up; Bob comes back to the end of the line.
    ask(&mut chat, &alice(), "/leave E1").await;
    let b = ask(&mut chat, &bob(), "/join E1").await;
    assert!(b.contains("候补第 1 位"), "{b}");
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &dave()).len(), 1, "{:?}", texts(&out));
}

async fn the_multi_line_form_with_chinese_keys(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let body = "/event create\n标题: PG 沙龙·杭州\n时间: 12月12日下午2点\n结束: 17:00\n链接: https://meet.example/pg\n名额: 40\n报名截止: 12月11日 20:00\n描述: 三个主题分享，\n描述可以写多行。";
    let reply = ask(&mut chat, &li(), body).await;
    assert!(reply.contains("已发起 E1「PG 沙龙·杭州」"), "an organiser creates: {reply}");
    assert!(reply.contains("线上：https://meet.example/pg"), "{reply}");
    assert!(reply.contains("结束：2026-12-12 周六 17:00"), "{reply}");
    assert!(reply.contains("报名截止：2026-12-11 周五 20:00"), "{reply}");
    assert!(reply.contains("描述可以写多行"), "{reply}");
    // English, relative dates.
    let reply = ask(&mut chat, &mo(), "/event create Meetup next Saturday 2pm").await;
    assert!(reply.contains("E2「Meetup」") && reply.contains("2026-12-12 周六 14:00"), "{reply}");
    let reply = ask(&mut chat, &mo(), "/event create 夜聊 明天 19:30").await;
    assert!(reply.contains("2026-12-02 周三 19:30"), "{reply}");
    let reply = ask(&mut chat, &mo(), "/event create 周末 下周六 14:00 capacity=5").await;
    assert!(reply.contains("2026-12-12 周六 14:00"), "{reply}");
    // Edit with pairs; the answer in English for an English member.
    let reply = ask(&mut chat, &mo(), "/event edit E2 capacity=3 where=\"Room 1\" end=16:00").await;
    assert!(reply.contains("已修改 E2"), "{reply}");
    assert!(reply.contains("已报名 0/3") && reply.contains("Room 1"), "{reply}");
    ask(&mut chat, &alice(), "/lang en").await;
    let shown = ask(&mut chat, &alice(), "/event E2").await;
    assert!(shown.contains("2026-12-12 Sat 14:00 (Asia/Shanghai)") && shown.contains("0/3 going"), "{shown}");
    let empty = ask(&mut chat, &mo(), "/event create").await;
    assert!(empty.contains("标题: PG 沙龙·杭州"), "the template: {empty}");
}

/// Each bad input gets a reply naming the problem and nothing changes.
async fn every_bad_input_is_refused_and_changes_nothing(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-12 14:00 capacity=1 deadline=\"2026-12-05 20:00\"").await;
    created(&mut chat, "/event create Lv 2026-12-13 14:00 level=3").await;
    let cases: &[(&Who, &str, &str)] = &[
        (&mo(), "/event create Old 2026-11-30 14:00", "已经过去了"),
        (&mo(), "/event create Old 今天 8:00", "2026-12-01 周二 08:00"),
        (&mo(), "/event create X 2026-12-12 14:00 end=13:00", "结束时间要晚于开始时间"),
        (&mo(), "/event create X 2026-12-12 14:00 capacity=0", "名额“0”不对"),
        (&mo(), "/event create X 2026-12-12 14:00 capacity=-3", "名额“-3”不对"),
        (&mo(), "/event create X 2026-12-12 14:00 capacity=many", "名额“many”不对"),
        (&mo(), "/event create X soon", "可以这样写时间"),
        (&mo(), "/event create X 明天 2点", "有不止一种理解"),
        (&mo(), "/event create X 3/4 14:00", "2027-03-04 周四 14:00"),
        (&mo(), "/event create X 2月30日 14:00", "没有“2月30日”这一天"),
        (&mo(), "/event create X 明天", "只有日期"),
        (&mo(), "/event create X 2026-12-12 14:00 deadline=\"2026-12-13 10:00\"", "报名截止不能晚于开始时间"),
        (&mo(), "/event create X 2026-12-12 14:00 where=A link=B", "地点和链接只能写一个"),
        (&mo(), "/event create X 2026-12-12 14:00 color=red", "不认识“color”这一项"),
        (&mo(), "/event create X 2026-12-12 14:00 tz=Mars/Base", "不认识时区“Mars/Base”"),
        (&alice(), "/event create X 2026-12-12 14:00", "只有版主和组织者"),
        (&alice(), "/event cancel E1", "只有版主和组织者"),
        (&alice(), "/event code E1", "只有版主和组织者"),
        (&alice(), "/event attendees E1", "只有版主和组织者"),
        (&mo(), "/event edit E1 capacity=0", "名额“0”不对"),
        (&mo(), "/event edit E1 时间=\"2026-11-01 10:00\"", "已经过去了"),
        (&alice(), "/join E99", "没有 E99 这个活动"),
        (&alice(), "/join X9", "不是活动编号"),
        (&alice(), "/event E99", "没有 E99 这个活动"),
        (&alice(), "/leave E1", "你没有报名 E1"),
        (&alice(), "/join E2", "需要等级 3 以上"),
        (&alice(), "/attend ZZZZZZ", "签到码“ZZZZZZ”不对或已过期"),
        (&alice(), "/timezone Mars/Base", "不认识时区"),
    ];
    for (who, text, expect) in cases {
        let reply = ask(&mut chat, who, text).await;
        assert!(reply.contains(expect), "{text} → {reply}");
    }
    let list = ask(&mut chat, &alice(), "/events").await;
    assert_eq!(list.matches("「").count(), 2, "no event was created: {list}");
    assert!(list.contains("已报名 0/1"), "no edit happened: {list}");
    // Joining twice, after the deadline, a cancelled event.
    assert!(ask(&mut chat, &alice(), "/join E1").await.contains("你已报名"));
    let twice = ask(&mut chat, &alice(), "/join E1").await;
    assert!(twice.contains("你已经报名了"), "{twice}");
    assert!(ask(&mut chat, &bob(), "/join E1").await.contains("候补第 1 位"));
    assert!(ask(&mut chat, &bob(), "/join E1").await.contains("你已经在候补名单上了"));
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 5, 12, 1, 0).single().unwrap_or_default());
    let late = ask(&mut chat, &carol(), "/join E1").await;
    assert!(late.contains("报名已于 2026-12-05 周六 20:00 (Asia/Shanghai) 截止"), "{late}");
    let out = deliver(&chat).await;
    assert!(dms_to(&out, &carol()).is_empty());
    assert!(ask(&mut chat, &mo(), "/event cancel E2").await.contains("已取消 E2"));
    assert!(ask(&mut chat, &alice(), "/join E2").await.contains("已经取消了"));
    assert!(ask(&mut chat, &mo(), "/event cancel E2").await.contains("已经取消了"));
    assert!(ask(&mut chat, &mo(), "/event edit E2 capacity=5").await.contains("已经取消了"));
    // Codes: wrong, used twice, expired.
    let code_reply = ask(&mut chat, &mo(), "/event code E1").await;
    let code = code_of(&code_reply);
    assert!(ask(&mut chat, &alice(), &format!("/attend {code}")).await.contains("已登记到场"));
    assert!(ask(&mut chat, &alice(), &format!("/attend {code}")).await.contains("已经登记过"));
    chat.clock.advance(Duration::hours(3));
    assert!(ask(&mut chat, &bob(), &format!("/attend {code}")).await.contains("不对或已过期"));
    let att = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(att.contains("到场 1 人"), "{att}");
}

/// The code in `/event code`'s reply.
fn code_of(reply: &str) -> String {
    let after = reply.split("签到码：").nth(1).unwrap_or_default();
    after.chars().take_while(|c| c.is_ascii_alphanumeric()).collect()
}

async fn the_last_seat_under_concurrent_joins(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-12 14:00 capacity=3").await;
    ask(&mut chat, &alice(), "/join E1").await;
    ask(&mut chat, &bob(), "/join E1").await;
    // Ten members try for the last seat at once.
    let msgs: Vec<_> = (0..10).map(|i| chat.message(&group(), &member(i), "/join E1")).collect();
    let mut tasks = Vec::new();
    for m in msgs {
        let engine = chat.engine.clone();
        tasks.push(tokio::spawn(async move { engine.handle(&m).await }));
    }
    let mut going = 0;
    let mut places = Vec::new();
    for t in tasks {
        let out = t.await.unwrap_or_else(|e| panic!("{e}"));
        let text = only(&out);
        if text.contains("你已报名") {
            going += 1;
        } else {
            let place: i64 = text
                .split("候补第 ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{text}"));
            places.push(place);
        }
    }
    assert_eq!(going, 1, "exactly one gets the last seat");
    places.sort_unstable();
    assert_eq!(places, (1..=9).collect::<Vec<i64>>(), "the others are waitlisted, each at their own place");
    // The waitlist is in arrival order: leaving promotes the one who was first.
    let att = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(att.contains("已报名（3）") && att.contains("候补（9）"), "{att}");
    let first_waiting = att.split("候补（9）").nth(1).and_then(|s| s.split("1. ").nth(1)).map(|s| s.trim().to_owned());
    ask(&mut chat, &alice(), "/leave E1").await;
    let out = deliver(&chat).await;
    assert_eq!(out.len(), 1);
    let name = first_waiting.unwrap_or_default();
    let who = (0..10).map(member).find(|m| name.starts_with(&m.name)).unwrap_or_else(|| panic!("{name}"));
    assert!(is_dm_to(&out[0], &who), "the first on the waitlist moves up");
}

async fn leaving_and_promotion_under_concurrency_never_exceed_capacity(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-12 14:00 capacity=4").await;
    for i in 0..12 {
        ask(&mut chat, &member(i), "/join E1").await;
    }
    // Four going, eight waiting; six leave and four more join, all at once.
    let mut msgs: Vec<_> = (0..6).map(|i| chat.message(&group(), &member(i * 2), "/leave E1")).collect();
    msgs.extend((12..16).map(|i| chat.message(&group(), &member(i), "/join E1")));
    let mut tasks = Vec::new();
    for m in msgs {
        let engine = chat.engine.clone();
        tasks.push(tokio::spawn(async move { engine.handle(&m).await }));
    }
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let att = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(att.contains("已报名 4/4，候补 6 人"), "full and never over: {att}");
    let promoted = deliver(&chat).await;
    let told: BTreeSet<String> = promoted.iter().map(|o| format!("{:?}", o.to)).collect();
    assert_eq!(told.len(), promoted.len(), "each promotion told once");
    assert!(promoted.len() <= 6, "{:?}", texts(&promoted));
}

async fn reminders_once_across_a_restart_and_none_after_cancel(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    // t0 is 2026-12-01 09:00 in Shanghai.
    created(&mut chat, "/event create Salon 2026-12-03 14:00").await;
    created(&mut chat, "/event create Gone 2026-12-03 15:00").await;
    ask(&mut chat, &alice(), "/join E1").await;
    ask(&mut chat, &bob(), "/join E1").await;
    ask(&mut chat, &alice(), "/join E2").await;
    assert!(ask(&mut chat, &mo(), "/event cancel E2").await.contains("已私信通知 1 位"));
    let told = deliver(&chat).await;
    assert!(dms_to(&told, &alice())[0].contains("已取消"), "{:?}", texts(&told));
    // A day before: one reminder each.
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 6, 0, 0).single().unwrap_or_default());
    let out = deliver(&chat).await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert!(dms_to(&out, &alice())[0].contains("还有 1 天 开始"), "{:?}", texts(&out));
    assert!(dms_to(&out, &bob())[0].contains("E1「Salon」"));
    assert!(deliver(&chat).await.is_empty(), "never twice");
    // The bot restarts; the 1 h reminder still comes, once.
    restart(&mut chat);
    assert!(deliver(&chat).await.is_empty());
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 3, 5, 0, 0).single().unwrap_or_default());
    restart(&mut chat);
    let out = deliver(&chat).await;
    assert_eq!(out.len(), 2, "{:?}", texts(&out));
    assert!(dms_to(&out, &alice())[0].contains("还有 1 小时 开始"), "{:?}", texts(&out));
    restart(&mut chat);
    chat.clock.advance(Duration::hours(2));
    assert!(deliver(&chat).await.is_empty(), "nothing more, and nothing for the cancelled event");
}

async fn an_edit_moves_reminders_and_late_ones_are_skipped(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-03 14:00").await;
    ask(&mut chat, &alice(), "/join E1").await;
    // Moved a day later: Alice hears of the change, then only at the new times.
    ask(&mut chat, &mo(), "/event edit E1 时间=\"2026-12-04 14:00\"").await;
    let out = deliver(&chat).await;
    assert!(dms_to(&out, &alice())[0].contains("有更新"), "{:?}", texts(&out));
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 6, 0, 0).single().unwrap_or_default());
    assert!(deliver(&chat).await.is_empty(), "the old 24 h reminder sends nothing");
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 3, 6, 0, 0).single().unwrap_or_default());
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &alice()).len(), 1, "{:?}", texts(&out));
    // An event three hours away: its 24 h reminder is skipped, the 1 h one comes.
    created(&mut chat, "/event create Soon 2026-12-03 17:00").await;
    ask(&mut chat, &bob(), "/join E2").await;
    assert!(deliver(&chat).await.is_empty(), "no late 24 h reminder");
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).single().unwrap_or_default());
    let out = deliver(&chat).await;
    let to_bob = dms_to(&out, &bob());
    assert_eq!(to_bob.len(), 1, "{:?}", texts(&out));
    assert!(to_bob[0].contains("还有 1 小时"), "{to_bob:?}");
}

async fn edits_and_cancels_tell_everyone_signed_up(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-12 14:00 capacity=1").await;
    ask(&mut chat, &alice(), "/join E1").await;
    ask(&mut chat, &bob(), "/join E1").await;
    ask(&mut chat, &carol(), "/join E1").await;
    // More seats: the waitlist moves up at once and is told.
    ask(&mut chat, &mo(), "/event edit E1 capacity=2 where=\"Room 2\"").await;
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &alice()).len(), 1, "{:?}", texts(&out));
    let to_bob = dms_to(&out, &bob());
    assert!(to_bob.iter().any(|t| t.contains("你已从候补转为正式报名")), "{to_bob:?}");
    assert!(dms_to(&out, &carol())[0].contains("Room 2"));
    ask(&mut chat, &mo(), "/event cancel E1").await;
    let out = deliver(&chat).await;
    for who in [alice(), bob(), carol()] {
        assert!(dms_to(&out, &who)[0].contains("已取消"), "{:?}", texts(&out));
    }
}

async fn a_berlin_member_sees_a_shanghai_event_across_dst(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    // Berlin moves to summer time on 2027-03-28; Shanghai has none.
    created(&mut chat, "/event create Before 2027-03-27 20:00").await;
    created(&mut chat, "/event create After 2027-03-29 20:00").await;
    assert!(ask(&mut chat, &alice(), "/timezone Europe/Berlin").await.contains("Europe/Berlin"));
    let list = ask(&mut chat, &alice(), "/events").await;
    assert!(list.contains("「Before」2027-03-27 周六 13:00 (Europe/Berlin)"), "{list}");
    assert!(list.contains("「After」2027-03-29 周一 14:00 (Europe/Berlin)"), "{list}");
    let shown = ask(&mut chat, &bob(), "/event E2").await;
    assert!(shown.contains("2027-03-29 周一 20:00 (Asia/Shanghai)"), "others see the event's zone: {shown}");
    // Her reminder is in her zone too.
    ask(&mut chat, &alice(), "/join E1").await;
    chat.clock.set(Utc.with_ymd_and_hms(2027, 3, 27, 11, 0, 0).single().unwrap_or_default());
    let out = deliver(&chat).await;
    let to_alice = dms_to(&out, &alice());
    assert_eq!(to_alice.len(), 1, "the late 24 h reminder gives way to the 1 h one: {to_alice:?}");
    assert!(to_alice[0].contains("13:00 (Europe/Berlin)") && to_alice[0].contains("还有 1 小时"), "{to_alice:?}");
    ask(&mut chat, &alice(), "/timezone off").await;
    let list = ask(&mut chat, &alice(), "/events").await;
    assert!(list.contains("2027-03-29 周一 20:00 (Asia/Shanghai)"), "{list}");
}

async fn the_calendar_file_reads_back(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create \"PG 沙龙, 杭州; 第1期\" 2026-12-12 14:00 end=17:30 where=\"杭州 西湖区\"").await;
    let first = ics_of(&mut chat).await;
    let cal = parse_ics(&first);
    assert_eq!(prop(&cal, "DTSTART").as_deref(), Some("20261212T060000Z"));
    assert_eq!(prop(&cal, "DTEND").as_deref(), Some("20261212T093000Z"));
    assert_eq!(prop(&cal, "SEQUENCE").as_deref(), Some("0"));
    assert_eq!(prop(&cal, "STATUS").as_deref(), Some("CONFIRMED"));
    let summary = prop(&cal, "SUMMARY").map(|s| s.replace("\\,", ",").replace("\\;", ";"));
    assert_eq!(summary.as_deref(), Some("PG 沙龙, 杭州; 第1期"));
    let uid = prop(&cal, "UID");
    ask(&mut chat, &mo(), "/event edit E1 时间=\"2026-12-13 10:00\"").await;
    let cal = parse_ics(&ics_of(&mut chat).await);
    assert_eq!(prop(&cal, "UID"), uid, "the UID stays");
    assert_eq!(prop(&cal, "SEQUENCE").as_deref(), Some("1"));
    assert_eq!(prop(&cal, "DTSTART").as_deref(), Some("20261213T020000Z"));
    assert_eq!(prop(&cal, "DTEND").as_deref(), Some("20261213T053000Z"), "the length is kept");
    ask(&mut chat, &mo(), "/event cancel E1").await;
    let cal = parse_ics(&ics_of(&mut chat).await);
    assert_eq!(prop(&cal, "STATUS").as_deref(), Some("CANCELLED"));
    assert_eq!(prop(&cal, "SEQUENCE").as_deref(), Some("2"));
    assert_eq!(prop(&cal, "UID"), uid);
}

async fn ics_of(chat: &mut TestChat) -> String {
    let out = chat.say(&group(), &alice(), "/event E1 ics").await;
    assert_eq!(out.len(), 1);
    let file = &out[0].attachments[0];
    assert_eq!((file.filename.as_str(), file.mime.as_str()), ("E1.ics", "text/calendar"));
    String::from_utf8(file.bytes.clone()).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses with the `ical` crate, which shares no code with ours.
fn parse_ics(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().unwrap_or_else(|| panic!("no calendar")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cal.events.len(), 1);
    assert!(parser.next().is_none());
    cal
}

fn prop(cal: &ical::parser::ical::component::IcalCalendar, name: &str) -> Option<String> {
    cal.events[0].properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone())
}

async fn attendance_pays_once(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-01 19:00 capacity=2").await;
    ask(&mut chat, &alice(), "/join E1").await;
    ask(&mut chat, &bob(), "/join E1").await;
    let code = code_of(&ask(&mut chat, &mo(), "/event code E1").await);
    let paid = ask(&mut chat, &alice(), &format!("/attend {}", code.to_lowercase())).await;
    assert!(paid.contains("获得 10 积分"), "{paid}");
    let again = ask(&mut chat, &alice(), &format!("/attend {code}")).await;
    assert!(again.contains("已经登记过"), "{again}");
    // A member who did not sign up comes anyway.
    assert!(ask(&mut chat, &carol(), &format!("/attend {code}")).await.contains("获得 10 积分"));
    let points = ask(&mut chat, &alice(), "/points").await;
    assert!(points.contains("10"), "{points}");
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).single().unwrap_or_default());
    let att = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(att.contains("到场 2 人"), "{att}");
    assert!(att.contains("bob（此前缺席 1 次）"), "no-shows per member: {att}");
    assert!(att.contains("未报名到场（1）") && att.contains("carol"), "{att}");
    let history = ask(&mut chat, &alice(), "/points history").await;
    assert!(history.contains("活动到场"), "{history}");
}

async fn reminders_can_be_turned_off(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-03 14:00").await;
    ask(&mut chat, &alice(), "/join E1").await;
    ask(&mut chat, &bob(), "/join E1").await;
    assert!(ask(&mut chat, &bob(), "/remind off").await.contains("已关闭"));
    assert!(ask(&mut chat, &bob(), "/remind").await.contains("关着"));
    chat.clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 6, 0, 0).single().unwrap_or_default());
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &alice()).len(), 1);
    assert!(dms_to(&out, &bob()).is_empty(), "{:?}", texts(&out));
    assert!(ask(&mut chat, &bob(), "/remind on").await.contains("已开启"));
}

async fn the_digest_lists_the_coming_week_with_seats_left(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Soon 2026-12-05 14:00 capacity=10").await;
    created(&mut chat, "/event create Later 2026-12-20 14:00").await;
    ask(&mut chat, &alice(), "/join E1").await;
    let out = chat.say(&group(), &mo(), "/digest preview").await;
    // The preview by direct message, then a word in the group.
    let digest = only(&out[..1]);
    assert!(digest.contains("未来 7 天的活动") && digest.contains("E1「Soon」"), "{digest}");
    assert!(digest.contains("已报名 1/10"), "seats left: {digest}");
    assert!(!digest.contains("Later"), "only the coming week: {digest}");
}

async fn linked_members_keep_one_sign_up(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let alice_dc = Who::discord("8800", "alice.pg");
    let discord = Chat::group(Platform::Discord, "555");
    created(&mut chat, "/event create Salon 2026-12-12 14:00 capacity=5").await;
    ask(&mut chat, &alice(), "/join E1").await;
    assert!(only(&chat.say(&discord, &alice_dc, "/join E1").await).contains("你已报名"));
    let code_dm = chat.say(&group(), &alice(), "/link").await;
    let text = code_dm[0].body.to_plain();
    let code = text
        .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned();
    let linked = only(&chat.say(&discord, &alice_dc, &format!("/link {code}")).await);
    assert!(linked.contains("关联成功"), "{linked}");
    let att = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(att.contains("已报名 1/5"), "one member, one seat: {att}");
    assert!(only(&chat.say(&discord, &alice_dc, "/join E1").await).contains("你已经报名了"));
}

/// The default community's roles: speakers are Discord role 77 and Alice's
/// Telegram account; volunteers are Carol's.
fn with_roles() -> Config {
    let mut c = config();
    if let Some(d) = c.communities.get_mut("default") {
        d.roles = BTreeMap::from([
            ("speakers".to_owned(), vec!["discord:role:77".to_owned(), "telegram:1".to_owned()]),
            ("volunteers".to_owned(), vec!["telegram:3".to_owned()]),
        ]);
    }
    c
}

/// Who is signed up to E1, as Mo's attendee list says.
async fn attendees(chat: &mut TestChat) -> String {
    ask(chat, &mo(), "/event attendees E1").await
}

async fn only_the_roles_named_may_join(db: TestDb) {
    let mut chat = TestChat::new(db, &with_roles());
    let discord = Chat::group(Platform::Discord, "555");
    let reply = created(&mut chat, "/event create 讲者晚餐 2026-12-12 19:00 roles=speakers,volunteers").await;
    assert!(reply.contains("仅限这些角色报名：speakers、volunteers（版主和组织者也可以）"), "{reply}");
    let shown = ask(&mut chat, &bob(), "/event E1").await;
    assert!(shown.contains("仅限这些角色报名：speakers、volunteers"), "/event says who may join: {shown}");
    // Bob holds neither role: refused, and nothing is stored.
    let refused = ask(&mut chat, &bob(), "/join E1").await;
    assert!(refused.contains("E1「讲者晚餐」只限这些角色报名：speakers、volunteers"), "{refused}");
    assert!(attendees(&mut chat).await.contains("已报名 0 人"), "Bob was not signed up");
    // Alice is a speaker by her account, Carol a volunteer.
    assert!(ask(&mut chat, &alice(), "/join E1").await.contains("你已报名 E1"));
    assert!(ask(&mut chat, &carol(), "/报名 E1").await.contains("你已报名 E1"));
    // On Discord, role 77 makes a speaker; role 78 does not.
    let erin = Who::discord("8801", "erin").with_roles(&["77"]);
    let frank = Who::discord("8802", "frank").with_roles(&["78"]);
    assert!(only(&chat.say(&discord, &erin, "/join E1").await).contains("你已报名 E1"));
    assert!(only(&chat.say(&discord, &frank, "/join E1").await).contains("只限这些角色报名"));
    // Moderators run the event: its roles never keep them out.
    assert!(ask(&mut chat, &mo(), "/join E1").await.contains("你已报名 E1"));
    let list = attendees(&mut chat).await;
    assert!(list.contains("已报名 4 人"), "{list}");
    assert!(!list.contains("bob") && !list.contains("frank"), "{list}");
    // Role names as typed: any case, Chinese key, Chinese separator.
    let reply = created(&mut chat, "/event create 培训 2026-12-13 10:00 角色=Volunteers、SPEAKERS").await;
    assert!(reply.contains("仅限这些角色报名：volunteers、speakers"), "{reply}");
    // An unknown role is refused with the ones there are; nothing changes.
    let bad = ask(&mut chat, &mo(), "/event create X 2026-12-14 10:00 roles=speakers,vip").await;
    assert!(
        bad.contains("活动没有发起") && bad.contains("不认识角色“vip”。本社区的角色有：speakers、volunteers"),
        "{bad}"
    );
    let bad = ask(&mut chat, &mo(), "/event edit E1 roles=vip").await;
    assert!(bad.contains("E1 没有修改") && bad.contains("不认识角色“vip”"), "{bad}");
    assert!(ask(&mut chat, &bob(), "/events").await.contains("共 2 个"), "no third event");
    assert!(ask(&mut chat, &bob(), "/join E1").await.contains("只限这些角色报名"), "E1 still limited");
    // In English too.
    ask(&mut chat, &bob(), "/lang en").await;
    let en = ask(&mut chat, &bob(), "/join E2").await;
    assert!(en.contains("E2 “培训” is only for these roles: volunteers, speakers"), "{en}");
    // `roles=` lifts the limit.
    let edited = ask(&mut chat, &mo(), "/event edit E1 roles=").await;
    assert!(edited.contains("已修改 E1") && !edited.contains("仅限"), "{edited}");
    assert!(ask(&mut chat, &bob(), "/join E1").await.contains("You are going to E1"));
}

/// Two communities share a Discord server: #555 is pgcn's, #600 the
/// other's. Role 77 is pgcn's speakers; the other community's speakers are
/// role 88. A role counts only for the community of the chat it came with,
/// in a group chat of its own platform.
fn two_communities() -> Config {
    let mut c = Config::default();
    c.bot.default_community = Some("pgcn".into());
    c.communities.insert(
        "pgcn".into(),
        CommunityConfig {
            chats: vec!["discord:555".into(), "telegram:-1001".into()],
            moderators: vec!["telegram:9".into()],
            roles: BTreeMap::from([("speakers".to_owned(), vec!["discord:role:77".to_owned()])]),
            ..Default::default()
        },
    );
    c.communities.insert(
        "other".into(),
        CommunityConfig {
            chats: vec!["discord:600".into()],
            moderators: vec!["discord:60".into()],
            roles: BTreeMap::from([("speakers".to_owned(), vec!["discord:role:88".to_owned()])]),
            ..Default::default()
        },
    );
    c
}

async fn a_discord_role_counts_only_where_discord_said_it(db: TestDb) {
    let mut chat = TestChat::new(db, &two_communities());
    let pgcn_channel = Chat::group(Platform::Discord, "555");
    let other_channel = Chat::group(Platform::Discord, "600");
    let erin = Who::discord("8801", "erin").with_roles(&["77"]);
    created(&mut chat, "/event create Speakers 2026-12-12 19:00 roles=speakers").await;
    let other_mod = Who::discord("60", "olga");
    let made = only(&chat.say(&other_channel, &other_mod, "/event create Other 2026-12-12 19:00 roles=speakers").await);
    assert!(made.contains("已发起 E1「Other」"), "{made}");
    // In the other community's channel, pgcn's role 77 is not its speakers.
    let there = only(&chat.say(&other_channel, &erin, "/join E1").await);
    assert!(there.contains("E1「Other」只限这些角色报名：speakers"), "{there}");
    // A Discord role id carried on Telegram counts for nothing.
    let on_telegram = Who::telegram("8801", "erin").with_roles(&["77"]);
    assert!(ask(&mut chat, &on_telegram, "/join E1").await.contains("只限这些角色报名"));
    // Nor in a direct chat, where Discord shows no guild: she is told where.
    let dm = only(&chat.say(&erin.dm(), &erin, "/join E1").await);
    assert!(dm.contains("E1「Speakers」只限这些角色报名") && dm.contains("请在那里报名"), "{dm}");
    assert!(ask(&mut chat, &mo(), "/event attendees E1").await.contains("已报名 0 人"), "nothing was stored");
    // In pgcn's own channel, role 77 makes her a speaker.
    assert!(only(&chat.say(&pgcn_channel, &erin, "/join E1").await).contains("你已报名 E1「Speakers」"));
    let list = ask(&mut chat, &mo(), "/event attendees E1").await;
    assert!(list.contains("已报名 1 人") && list.contains("erin"), "{list}");
    let theirs = only(&chat.say(&other_channel, &other_mod, "/event attendees E1").await);
    assert!(theirs.contains("已报名 0 人"), "the other community's event has no one: {theirs}");
}

async fn wrong_attendance_codes_are_throttled(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    created(&mut chat, "/event create Salon 2026-12-01 19:00").await;
    ask(&mut chat, &alice(), "/join E1").await;
    ask(&mut chat, &bob(), "/join E1").await;
    let code = code_of(&ask(&mut chat, &mo(), "/event code E1").await);
    // Bob guesses five times.
    for guess in ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"] {
        let reply = ask(&mut chat, &bob(), &format!("/attend {guess}")).await;
        assert!(reply.contains("不对或已过期"), "{reply}");
    }
    // Now even the right code waits, and he is not marked present.
    let held = ask(&mut chat, &bob(), &format!("/attend {code}")).await;
    assert!(held.contains("签到码错了太多次，请 10 分钟后再试"), "{held}");
    assert!(attendees(&mut chat).await.contains("到场 0 人"));
    // Others are not held back by his guesses.
    assert!(ask(&mut chat, &alice(), &format!("/attend {code}")).await.contains("已登记到场"));
    chat.clock.advance(Duration::minutes(4));
    let held = ask(&mut chat, &bob(), &format!("/到场 {code}")).await;
    assert!(held.contains("请 6 分钟后再试"), "{held}");
    ask(&mut chat, &bob(), "/lang en").await;
    let en = ask(&mut chat, &bob(), &format!("/attend {code}")).await;
    assert!(en.contains("Too many wrong codes: try again in 6 minutes"), "{en}");
    // Ten minutes after his first guess he may try again.
    chat.clock.advance(Duration::minutes(6));
    let paid = ask(&mut chat, &bob(), &format!("/attend {code}")).await;
    assert!(paid.contains("10 points"), "{paid}");
    assert!(attendees(&mut chat).await.contains("到场 2 人"));
}

async fn many_events_are_paged(db: TestDb) {
    let mut config = config();
    config.features.events.list_size = 5;
    let mut chat = TestChat::new(db, &config);
    for day in 10..22 {
        created(&mut chat, &format!("/event create Salon{day} 2026-12-{day} 19:00")).await;
    }
    let out = chat.say(&group(), &alice(), "/events").await;
    let first = only(&out);
    assert!(first.contains("近期活动（共 12 个）") && first.contains("第 1/3 页，翻页：/events 页码"), "{first}");
    assert_eq!(first.matches("「Salon").count(), 5, "one page: {first}");
    assert!(first.contains("E1「Salon10」") && first.contains("E5「Salon14」") && !first.contains("E6"), "{first}");
    let next: Vec<&str> = out[0].buttons.iter().map(|b| b.data.as_str()).collect();
    assert_eq!(next, ["/events 2"], "a button to the next page");
    // The button is the command: page 2.
    let out = chat.say(&group(), &alice(), next[0]).await;
    let second = only(&out);
    assert!(second.contains("第 2/3 页") && second.contains("E6「Salon15」") && second.contains("E10"), "{second}");
    assert!(!second.contains("E5「") && !second.contains("E11"), "{second}");
    // The last page has the rest and no button.
    let out = chat.say(&group(), &alice(), "/活动 3").await;
    let third = only(&out);
    assert_eq!(third.matches("「Salon").count(), 2, "{third}");
    assert!(third.contains("第 3/3 页") && third.contains("E12「Salon21」"), "{third}");
    assert!(out[0].buttons.is_empty());
    let beyond = ask(&mut chat, &alice(), "/events 4").await;
    assert!(beyond.contains("没有第 4 页，近期活动一共 3 页"), "{beyond}");
    ask(&mut chat, &alice(), "/lang en").await;
    let en = ask(&mut chat, &alice(), "/events 2").await;
    assert!(en.contains("Upcoming events (12)") && en.contains("Page 2 of 3; more: /events PAGE."), "{en}");
    assert!(ask(&mut chat, &alice(), "/events 9").await.contains("There is no page 9: upcoming events fill 3 pages"));
    // One page says nothing of pages.
    for n in 1..=7 {
        ask(&mut chat, &mo(), &format!("/event cancel E{n}")).await;
    }
    let one = ask(&mut chat, &bob(), "/events").await;
    assert!(one.contains("近期活动（共 5 个）") && !one.contains("页"), "{one}");
}
