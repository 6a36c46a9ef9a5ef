//! Job notifications as the community lives them: HR Li (a recruiter) and
//! Mo (a moderator) post jobs, Mo reviews them, members list, search and
//! subscribe, and matching posts arrive by direct message — once each,
//! within the daily cap, the rest bundled the next morning — until the
//! post expires. Every case runs on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::cast::{alice, bob, carol, dave, erin, group, mo};
use common::{TestChat, TestDb, Who, due_and_sent, is_dm_to, only, t0, texts};
use jixia::config::{CommunityConfig, Config};
use jixia::message::Destination;
use jixia::{Chat, Outgoing, Platform};

fn hr() -> Who {
    Who::telegram("7", "HR Li")
}

/// Mo moderates the default community; HR Li is a recruiter.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c.features.hiring.recruiters = vec!["telegram:7".into()];
    c
}

fn chat_with(db: TestDb, f: impl FnOnce(&mut Config)) -> TestChat {
    let mut c = config();
    f(&mut c);
    TestChat::new(db, &c)
}

fn now(chat: &TestChat) -> DateTime<Utc> {
    jixia::clock::Clock::now(&chat.clock)
}

/// Runs the jobs that are due and drains the outbox, as the scheduler and
/// the adapters would: what members receive.
async fn deliver(chat: &TestChat) -> Vec<Outgoing> {
    jixia::scheduler::run_jobs(&chat.engine, chat.engine.instance(), now(chat)).await;
    due_and_sent(&chat.engine).await
}

/// The direct messages `who` received among `out`.
fn dms_to(out: &[Outgoing], who: &Who) -> Vec<String> {
    out.iter().filter(|o| is_dm_to(o, who)).map(|o| o.body.to_plain()).collect()
}

/// Who got a direct message.
fn recipients(out: &[Outgoing]) -> BTreeSet<String> {
    out.iter()
        .filter_map(|o| match &o.to {
            Destination::Direct { user_id, .. } => Some(user_id.clone()),
            Destination::Chat(_) => None,
        })
        .collect()
}

fn ids(who: &[Who]) -> BTreeSet<String> {
    who.iter().map(|w| w.id.clone()).collect()
}

const DBA: &str = "/job post
职位: 高级 PostgreSQL DBA
公司: 示例科技
城市: 杭州 / 远程
薪资: 30-50k·14薪
标签: postgres, 高可用, k8s
描述: 负责核心数据库的高可用架构。
任职要求: 三年以上 PostgreSQL 运维经验。
联系方式: hr@example.com
有效期: 30天";

/// A minimal post titled `title` with `lines` added.
fn job(title: &str, lines: &str) -> String {
    format!("/job post\n职位: {title}\n{lines}\n联系方式: {}@example.com", title.replace(' ', "."))
}

/// `who` says `text` in the group and gets one reply.
async fn ask(chat: &mut TestChat, who: &Who, text: &str) -> String {
    only(&chat.say(&group(), who, text).await)
}

async fn posted_by_mo(chat: &mut TestChat, text: &str) -> String {
    let reply = ask(chat, &mo(), text).await;
    assert!(reply.contains("已发布"), "{reply}");
    reply
}

// ---------------------------------------------------------------------------

both_backends!(
    a_recruiter_posts_and_a_moderator_approves,
    an_english_post,
    moderators_posts_open_at_once_and_are_not_limited,
    posting_needs_the_recruiter_role,
    the_daily_post_limit,
    every_bad_post_is_refused_and_stores_nothing,
    post_alone_shows_the_template,
    a_redelivered_post_is_stored_once,
    a_rejected_poster_is_told_why,
    moderation_needs_a_moderator,
    closing,
    paging,
    search,
    subscriptions_match_in_chinese_and_english_with_cities_folded,
    never_the_same_post_twice,
    linked_members_get_a_post_once,
    the_daily_cap_bundles_the_rest_next_day,
    bundles_leave_out_closed_posts,
    expiry_and_the_day_before_notice,
    the_default_expiry_is_thirty_days,
    expiry_dates,
    subscription_bad_inputs,
    subscriptions_list_and_unsubscribe,
    digest_lists_new_jobs,
    the_feature_can_be_off,
    pending_posts_are_private,
    two_moderators_approve_at_once,
    simultaneous_posts_respect_the_daily_limit,
    redelivered_subscriptions_are_stored_once,
);

async fn a_recruiter_posts_and_a_moderator_approves(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let reply = ask(&mut chat, &hr(), DBA).await;
    assert!(reply.contains("已收到 J1「高级 PostgreSQL DBA」，等待版主审核"), "{reply}");
    assert!(
        reply.contains("我理解的是：高级 PostgreSQL DBA · 示例科技 · 杭州 / 远程 · ¥30k–50k/月 · 14薪 · postgres, 高可用, k8s · 上架后 30 天 · hr@example.com"),
        "{reply}"
    );
    // Mo hears of it by direct message.
    let out = deliver(&chat).await;
    assert_eq!(recipients(&out), ids(&[mo()]));
    assert!(dms_to(&out, &mo())[0].contains("有新职位等待审核：J1「高级 PostgreSQL DBA」（发布者 HR Li）"));
    // Not listed while it waits.
    assert!(ask(&mut chat, &alice(), "/jobs").await.contains("现在没有在招的职位"));

    let out = chat.say(&group(), &mo(), "/jobs pending").await;
    let pending = only(&out);
    assert!(pending.contains("待审核职位") && pending.contains("J1 · 高级 PostgreSQL DBA · 示例科技"), "{pending}");
    assert!(pending.contains("— HR Li") && !pending.contains("hr@example.com"), "{pending}");
    assert_eq!(out[0].buttons.iter().map(|b| b.data.as_str()).collect::<Vec<_>>(), ["/job approve J1"]);

    let approved = ask(&mut chat, &mo(), "/job approve J1").await;
    assert_eq!(approved, "✅ 已通过 J1「高级 PostgreSQL DBA」：已上架，匹配的订阅者会收到私信。");
    let out = deliver(&chat).await;
    assert_eq!(
        dms_to(&out, &hr()),
        ["✅ 你发布的职位 J1「高级 PostgreSQL DBA」已通过审核并上架，有效期至 2026-12-31。"]
    );

    let list = ask(&mut chat, &alice(), "/jobs").await;
    assert!(list.contains("J1 · 高级 PostgreSQL DBA · 示例科技 · 杭州 / 远程 · ¥30k–50k/月 · 14薪"), "{list}");
    assert!(!list.contains("hr@example.com"), "never the contact in a list: {list}");
    let shown = ask(&mut chat, &alice(), "/job J1").await;
    assert!(shown.contains("📞 联系方式：hr@example.com"), "{shown}");
    assert!(shown.contains("有效期至 2026-12-31 · 发布者 HR Li"), "{shown}");
    assert!(shown.contains("任职要求: 三年以上 PostgreSQL 运维经验。"), "the whole description: {shown}");
    // Ids are typed any way.
    for id in ["j1", "#J1", "1", "Ｊ１"] {
        assert!(ask(&mut chat, &alice(), &format!("/job {id}")).await.contains("hr@example.com"), "{id}");
    }
    assert_eq!(ask(&mut chat, &alice(), "/job abc").await, "“abc”不是职位编号，职位编号像 J7 这样。");
    assert_eq!(ask(&mut chat, &alice(), "/职位 J99").await, "没有职位 J99。发送 /jobs 查看在招的职位。");
}

async fn an_english_post(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), "/lang en").await;
    let post = "/job post
Title: Senior Backend Engineer (Rust)
Company: Example Ltd
Location: Remote
Salary: $120k-150k/year
Skills: rust, postgres, tokio
Description:
Build the billing platform.
Requirements: 5 years of Rust.
Email: jobs@example.com
Telegram: @example_hr
Expires: 2027-01-31";
    let reply = ask(&mut chat, &hr(), post).await;
    assert!(reply.contains("Got J1 \"Senior Backend Engineer (Rust)\""), "{reply}");
    assert!(
        reply.contains("Senior Backend Engineer (Rust) · Example Ltd · remote · $120k–150k/year · rust, postgres, tokio · until 2027-01-31 · Email: jobs@example.com · Telegram: @example_hr"),
        "{reply}"
    );
    ask(&mut chat, &mo(), "/job approve J1").await;
    let out = deliver(&chat).await;
    assert_eq!(
        dms_to(&out, &hr()),
        ["✅ Your job J1 \"Senior Backend Engineer (Rust)\" was approved and is listed until 2027-01-31."]
    );
}

async fn moderators_posts_open_at_once_and_are_not_limited(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    for i in 1..=5 {
        let reply = posted_by_mo(&mut chat, &job(&format!("DBA {i}"), "")).await;
        assert!(reply.contains(&format!("已发布 J{i}")), "{reply}");
    }
    let list = ask(&mut chat, &bob(), "/jobs").await;
    assert!(list.contains("共 5 个") && list.contains("J5 · DBA 5"), "{list}");
    assert!(deliver(&chat).await.is_empty(), "nobody to notify: no review, no subscribers");
}

async fn posting_needs_the_recruiter_role(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let refused = ask(&mut chat, &alice(), DBA).await;
    assert_eq!(refused, "只有招聘方和版主可以发布职位。想在这里招聘，请联系版主把你加为招聘方。");
    assert_eq!(ask(&mut chat, &alice(), "/job post").await, refused, "before the template, too");
    assert_eq!(ask(&mut chat, &mo(), "/jobs pending").await, "没有待审核的职位。");

    // Any member may post when the community does not require the role.
    let mut chat = chat_with(TestDb::sqlite().await, |c| c.features.hiring.require_recruiter = false);
    assert!(ask(&mut chat, &alice(), DBA).await.contains("已收到 J1"));
    assert!(ask(&mut chat, &hr(), DBA).await.contains("已收到 J2"), "a recruiter's post is reviewed too");

    // Trusted recruiters' posts are listed at once; other members' are not.
    let mut chat = chat_with(TestDb::sqlite().await, |c| {
        c.features.hiring.trust_recruiters = true;
        c.features.hiring.require_recruiter = false;
    });
    assert!(ask(&mut chat, &hr(), DBA).await.contains("已发布 J1"));
    assert!(ask(&mut chat, &alice(), DBA).await.contains("已收到 J2"));
    assert!(ask(&mut chat, &bob(), "/jobs").await.contains("共 1 个"));
}

async fn the_daily_post_limit(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    for i in 1..=3 {
        assert!(ask(&mut chat, &hr(), &job(&format!("DBA {i}"), "")).await.contains(&format!("已收到 J{i}")));
    }
    let refused = ask(&mut chat, &hr(), &job("DBA 4", "")).await;
    assert_eq!(refused, "你今天已经发布了 3 条职位（每天最多 3 条），明天再来吧。");
    let pending = ask(&mut chat, &mo(), "/jobs pending").await;
    assert!(pending.contains("（3 个）") && !pending.contains("DBA 4"), "{pending}");
    // The day turns at midnight in the community's time zone (09:00 + 15 h).
    chat.clock.advance(Duration::hours(15));
    assert!(ask(&mut chat, &hr(), &job("DBA 4", "")).await.contains("已收到 J4"), "the refused post used no number");
}

async fn every_bad_post_is_refused_and_stores_nothing(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let long_description = format!("职位: DBA\n联系方式: x\n描述: {}", "很".repeat(2000));
    let long_title = format!("职位: {}\n联系方式: x", "长".repeat(81));
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("公司: 示例科技".into(), vec!["这条职位没有发布", "缺少职位：请写一行“职位: …”。", "缺少联系方式"]),
        ("职位: DBA\n薪资: 50-30k\n联系方式: x".into(), vec!["薪资最低（50k）高于最高（30k），请把小的写在前面。"]),
        (
            "职位: DBA\n部门: 基础架构\n联系方式: x".into(),
            vec!["第 2 行：不认识“部门”这一项。", "可用的项：", "职位: 高级 PostgreSQL DBA"],
        ),
        ("招聘啦！\n职位: DBA\n联系方式: x".into(), vec!["第 1 行：“招聘啦！”前面缺少“项:”", "可用的项："]),
        (
            "职位: DBA\n有效期: 2026-11-30\n联系方式: x".into(),
            vec!["有效期 2026-11-30 已经过去了，请写今天以后的日期。"],
        ),
        ("职位: DBA\n有效期: 120天\n联系方式: x".into(), vec!["有效期最长 90 天，这里是 120 天。"]),
        (long_description, vec!["太长了：2020 个字，最多 2000 个字。"]),
        (long_title, vec!["职位太长了：81 个字，最多 80 个字。"]),
        ("职位: DBA\n薪资: 30-50\n联系方式: x".into(), vec!["薪资“30-50”没有单位：是 30-50k 吗？"]),
        ("职位: DBA\n薪资: 面议吧\n联系方式: x".into(), vec!["看不懂薪资“面议吧”。"]),
        ("职位: DBA\n城市: 杭州\n城市: 北京\n联系方式: x".into(), vec!["第 3 行：“城市”写了两次。"]),
        ("职位: DBA\n有效期: 0天\n联系方式: x".into(), vec!["有效期至少 1 天。"]),
    ];
    for (body, wanted) in &cases {
        let reply = ask(&mut chat, &hr(), &format!("/job post\n{body}")).await;
        for w in wanted {
            assert!(reply.contains(w), "{body:?}\n→ {reply}");
        }
    }
    // A message over the engine's limit is not even a command.
    let huge = format!("/job post\n职位: DBA\n联系方式: x\n描述: {}", "很".repeat(4000));
    assert!(ask(&mut chat, &hr(), &huge).await.contains("消息太长了"));
    // Nothing was stored: no post waits, no number was used, no quota taken.
    assert_eq!(ask(&mut chat, &mo(), "/jobs pending").await, "没有待审核的职位。");
    assert!(ask(&mut chat, &hr(), DBA).await.contains("已收到 J1"));
    let out = deliver(&chat).await;
    assert_eq!(texts(&out).len(), 1, "one review notice, for J1: {:?}", texts(&out));
}

async fn post_alone_shows_the_template(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let zh = ask(&mut chat, &hr(), "/job post").await;
    assert!(zh.starts_with("发布职位：在 /job post 后面逐行写“项: 值”"), "{zh}");
    assert!(zh.contains("职位: 高级 PostgreSQL DBA") && zh.contains("可用的项："), "{zh}");
    ask(&mut chat, &hr(), "/lang en").await;
    let en = ask(&mut chat, &hr(), "/发布职位").await;
    assert!(en.contains("Title: Senior PostgreSQL DBA") && en.contains("Chinese keys work too"), "{en}");
    // The template, copied as it is, is a post.
    let body: Vec<&str> =
        en.lines().skip_while(|l| !l.starts_with("Title:")).take_while(|l| !l.starts_with("Keys:")).collect();
    let reply = ask(&mut chat, &hr(), &format!("/job post\n{}", body.join("\n"))).await;
    assert!(reply.contains("Got J1 \"Senior PostgreSQL DBA\""), "{reply}");
}

async fn a_redelivered_post_is_stored_once(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let msg = chat.message(&group(), &hr(), DBA);
    assert!(only(&chat.engine.handle(&msg).await).contains("已收到 J1"));
    assert_eq!(only(&chat.engine.handle(&msg).await), "这条消息已经发布过了：J1。");
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &mo()).len(), 1, "Mo is told once");
    assert!(ask(&mut chat, &hr(), &job("DBA 2", "")).await.contains("已收到 J2"), "one number used");
}

async fn a_rejected_poster_is_told_why(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), DBA).await;
    deliver(&chat).await;
    let rejected = ask(&mut chat, &mo(), "/驳回职位 J1 薪资写得不清楚，请写明范围").await;
    assert_eq!(rejected, "已驳回 J1「高级 PostgreSQL DBA」，已私信告诉发布者原因。");
    let out = deliver(&chat).await;
    let dm = dms_to(&out, &hr());
    assert_eq!(dm.len(), 1);
    assert!(dm[0].contains("没有通过审核") && dm[0].contains("原因：薪资写得不清楚，请写明范围"), "{}", dm[0]);
    assert_eq!(
        ask(&mut chat, &mo(), "/job approve J1").await,
        "J1 已经被驳回了（原因：薪资写得不清楚，请写明范围），不能再通过。请发布者改好后重新发布。"
    );
    assert_eq!(
        ask(&mut chat, &mo(), "/job reject J1 again").await,
        "J1 不是待审核状态（未通过）。已上架的职位请用 /job close J1 下架。"
    );
    // Approving twice changes nothing the second time.
    ask(&mut chat, &hr(), &job("DBA 2", "")).await;
    assert!(ask(&mut chat, &mo(), "/job approve J2").await.contains("已通过 J2"));
    assert_eq!(ask(&mut chat, &mo(), "/job approve J2").await, "J2 不是待审核状态（招聘中），不用再通过。");
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &hr()).iter().filter(|d| d.contains("J2")).count(), 1, "told once");
    // A reason is required.
    let missing = ask(&mut chat, &mo(), "/job reject J2").await;
    assert!(missing.starts_with("缺少参数「原因」"), "{missing}");
}

async fn moderation_needs_a_moderator(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), DBA).await;
    for cmd in ["/job approve J1", "/job reject J1 x", "/jobs pending"] {
        let refused = ask(&mut chat, &alice(), cmd).await;
        assert!(refused.contains("需要版主权限"), "{cmd}: {refused}");
    }
    assert_eq!(
        ask(&mut chat, &bob(), "/jobs").await,
        "现在没有在招的职位。有了新职位想第一时间知道？试试 /jobs subscribe postgres city:杭州。"
    );
    // A Telegram group admin is a moderator in the community's chat.
    assert!(ask(&mut chat, &bob().as_admin(), "/job approve J1").await.contains("已通过 J1"));
}

async fn closing(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), DBA).await;
    ask(&mut chat, &mo(), "/job approve J1").await;
    assert_eq!(ask(&mut chat, &bob(), "/job close J1").await, "只有发布者和版主可以关闭 J1。");
    assert_eq!(
        ask(&mut chat, &hr(), "/job close J1").await,
        "已关闭 J1「高级 PostgreSQL DBA」，它不会再出现在列表和推送里。"
    );
    assert!(ask(&mut chat, &bob(), "/jobs").await.contains("现在没有在招的职位"));
    assert_eq!(ask(&mut chat, &bob(), "/job J1").await, "J1 现在不在招聘列表里（已关闭）。");
    assert!(ask(&mut chat, &hr(), "/job J1").await.contains("状态：已关闭"));
    assert_eq!(ask(&mut chat, &hr(), "/job close J1").await, "J1 已经是“已关闭”状态了。");
    // A moderator closes anyone's; a poster withdraws a pending post.
    ask(&mut chat, &hr(), &job("DBA 2", "")).await;
    ask(&mut chat, &hr(), &job("DBA 3", "")).await;
    assert!(ask(&mut chat, &mo(), "/关闭职位 J2").await.contains("已关闭 J2"));
    assert!(ask(&mut chat, &hr(), "/job close J3").await.contains("已关闭 J3"));
    assert_eq!(ask(&mut chat, &mo(), "/jobs pending").await, "没有待审核的职位。");
    assert_eq!(ask(&mut chat, &mo(), "/job approve J3").await, "J3 不是待审核状态（已关闭），不用再通过。");
}

async fn paging(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    for i in 1..=12 {
        posted_by_mo(&mut chat, &job(&format!("DBA {i}"), "")).await;
    }
    let first = ask(&mut chat, &bob(), "/jobs").await;
    assert!(first.contains("共 12 个") && first.contains("第 1/3 页"), "{first}");
    let shown: Vec<&str> = first.lines().filter(|l| l.contains(" · DBA ")).collect();
    assert_eq!(shown.len(), 5);
    assert!(shown[0].contains("J12 · DBA 12") && shown[4].contains("J8 · DBA 8"), "newest first: {shown:?}");
    let last = ask(&mut chat, &bob(), "/jobs 3").await;
    assert!(last.contains("J2 · DBA 2") && last.contains("J1 · DBA 1") && last.contains("第 3/3 页"), "{last}");
    assert_eq!(ask(&mut chat, &bob(), "/jobs 4").await, "没有第 4 页，一共 3 页。");
    let bad = ask(&mut chat, &bob(), "/jobs 0").await;
    assert!(bad.starts_with("「页码」应该是 1 到 1000 之间的整数"), "{bad}");
}

/// Three posts to search and to match subscriptions against.
async fn three_posts(chat: &mut TestChat) {
    posted_by_mo(chat, DBA).await;
    posted_by_mo(
        chat,
        "/job post
Title: Senior Database Engineer
Company: Example Cloud
City: Peking
Salary: negotiable
Tags: postgresql, citus
Description: Scale our multi-tenant clusters.
Contact: talent@example.cloud",
    )
    .await;
    posted_by_mo(
        chat,
        "/job post
职位: 前端工程师
公司: 小橙科技
城市: 远程
薪资: 20-30k
描述: 我们的运维平台跑在 Kubernetes 上，需要你做控制台。
联系方式: 微信 xiaocheng_hr",
    )
    .await;
}

async fn search(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    three_posts(&mut chat).await;
    let found = |reply: &str| -> Vec<String> {
        reply
            .lines()
            .filter_map(|l| l.split(" · ").next().map(|id| id.trim_start_matches("• ").to_owned()))
            .filter(|id| id.starts_with('J'))
            .collect()
    };
    for (query, want) in [
        ("postgres 杭州 remote", vec!["J1"]),
        ("PG", vec!["J2", "J1"]),
        ("數據庫", vec!["J2", "J1"]),
        ("database", vec!["J2", "J1"]),
        ("hangzhou", vec!["J1"]),
        ("Peking", vec!["J2"]),
        ("北京市", vec!["J2"]),
        ("remote", vec!["J3", "J1"]),
        ("k8s", vec!["J3", "J1"]),
        ("salary>=40k", vec!["J1"]),
        ("示例科技", vec!["J1"]),
        ("example", vec!["J2"]),
        ("talent", vec![]),
    ] {
        let reply = ask(&mut chat, &bob(), &format!("/jobs search {query}")).await;
        let got = found(&reply);
        assert_eq!(got, want, "{query}: {reply}");
        assert!(!reply.contains("@example") && !reply.contains("xiaocheng_hr"), "never the contact: {reply}");
    }
    let partial = ask(&mut chat, &bob(), "/搜职位 citus oracle").await;
    assert!(partial.starts_with("没有完全匹配“citus oracle”的职位，这些最接近："), "{partial}");
    assert_eq!(found(&partial), ["J2"]);
    assert_eq!(
        ask(&mut chat, &bob(), "/jobs search oracle").await,
        "没找到和“oracle”有关的在招职位。可以用 /jobs subscribe oracle 订阅，有了就私信你。"
    );
    assert!(ask(&mut chat, &bob(), "/jobs search company:阿里").await.contains("不认识筛选条件“company:”"));
}

async fn subscribe(chat: &mut TestChat, who: &Who, query: &str) -> String {
    let reply = ask(chat, who, query).await;
    assert!(reply.starts_with("✅ 已订阅 S"), "{query}: {reply}");
    reply
}

async fn subscriptions_match_in_chinese_and_english_with_cities_folded(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let reply = subscribe(&mut chat, &alice(), "/jobs subscribe postgres city:杭州").await;
    assert!(reply.contains("已订阅 S1：postgres · 城市 杭州"), "{reply}");
    assert!(reply.contains("每天最多 5 条"), "{reply}");
    assert!(reply.contains("请先私聊我一次"), "the Telegram hint in a group: {reply}");
    subscribe(&mut chat, &bob(), "/jobs subscribe k8s remote").await;
    let floor = subscribe(&mut chat, &carol(), "/jobs subscribe dba salary>=40万/年").await;
    assert!(
        floor.contains("薪资 ≥ ¥33.33k/月") && floor.contains("没写薪资或写“面议”的职位不会匹配薪资条件"),
        "{floor}"
    );
    subscribe(&mut chat, &dave(), "/订阅职位 前端").await;
    subscribe(&mut chat, &erin(), "/jobs subscribe 数据库 city:Peking").await;
    // Mo's own subscription does not send Mo his own posts.
    subscribe(&mut chat, &mo(), "/jobs subscribe postgres").await;

    posted_by_mo(&mut chat, DBA).await;
    let out = deliver(&chat).await;
    // Hangzhou for alice, remote with k8s for bob, 50k ≥ 33.3k for carol.
    assert_eq!(recipients(&out), ids(&[alice(), bob(), carol()]), "{:?}", texts(&out));
    let dm = &dms_to(&out, &alice())[0];
    assert!(dm.starts_with("📮 有新职位匹配你的订阅 S1（postgres · 城市 杭州）："), "{dm}");
    assert!(dm.contains("高级 PostgreSQL DBA") && dm.contains("📞 联系方式：hr@example.com"), "{dm}");
    assert!(dm.contains("详情：/job J1 · 退订：/jobs unsubscribe S1"), "{dm}");

    posted_by_mo(
        &mut chat,
        "/job post
Title: Senior Database Engineer
City: Peking
Salary: negotiable
Tags: postgresql
Contact: talent@example.cloud",
    )
    .await;
    let out = deliver(&chat).await;
    assert_eq!(
        recipients(&out),
        ids(&[erin()]),
        "数据库 = database, Peking = 北京; 面议 misses a floor: {:?}",
        texts(&out)
    );

    posted_by_mo(&mut chat, "/job post\n职位: 前端工程师\n城市: 远程\n描述: 控制台跑在 Kubernetes 上。\n联系方式: x")
        .await;
    let out = deliver(&chat).await;
    assert_eq!(recipients(&out), ids(&[bob(), dave()]), "{:?}", texts(&out));

    posted_by_mo(&mut chat, "/job post\nTitle: DBA\nCity: Hangzhou\nSalary: 40k\nContact: y").await;
    let out = deliver(&chat).await;
    assert_eq!(recipients(&out), ids(&[carol()]), "hangzhou folds, but no postgres for alice: {:?}", texts(&out));
}

async fn never_the_same_post_twice(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres").await;
    subscribe(&mut chat, &alice(), "/jobs subscribe dba").await;
    subscribe(&mut chat, &bob(), "/jobs subscribe dba").await;
    posted_by_mo(&mut chat, DBA).await;
    // The fanout runs twice before it completes (an instance that died).
    let jobs = chat.db.store.jobs().jobs_of_kind("hiring.fanout", None, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(jobs.len(), 1);
    let first = (jixia::features::hiring::FANOUT.run)(&chat.engine, &jobs[0]).await.unwrap_or_else(|e| panic!("{e}"));
    let again = (jixia::features::hiring::FANOUT.run)(&chat.engine, &jobs[0]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, again, "a rerun sends the same messages, so the outbox stores them once");
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &alice()).len(), 1, "two subscriptions, one message: {:?}", texts(&out));
    assert!(dms_to(&out, &alice())[0].contains("S2（dba）"), "the newest matching subscription says why");
    assert_eq!(dms_to(&out, &bob()).len(), 1);
    assert!(deliver(&chat).await.is_empty());
}

async fn linked_members_get_a_post_once(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let alice_dc = Who::discord("8800", "alice.pg");
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres").await;
    let on_discord =
        only(&chat.say(&Chat::group(Platform::Discord, "555"), &alice_dc, "/jobs subscribe postgres").await);
    assert!(on_discord.contains("已订阅 S2"), "{on_discord}");
    posted_by_mo(&mut chat, DBA).await;
    let out = deliver(&chat).await;
    assert_eq!(out.len(), 2, "two members so far: {:?}", texts(&out));
    // Alice links her accounts: one member, one subscription left.
    let code_dm = chat.say(&group(), &alice(), "/link").await;
    let text = code_dm[0].body.to_plain();
    let code = text
        .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned();
    let linked = only(&chat.say(&Chat::group(Platform::Discord, "555"), &alice_dc, &format!("/link {code}")).await);
    assert!(linked.contains("关联成功"), "{linked}");
    let subs = ask(&mut chat, &alice(), "/jobs subscriptions").await;
    assert!(subs.contains("（1/10）"), "the same subscription twice is kept once: {subs}");
    posted_by_mo(&mut chat, &job("PostgreSQL DBA", "")).await;
    let out = deliver(&chat).await;
    assert_eq!(out.len(), 1, "one member, one message: {:?}", texts(&out));
}

async fn the_daily_cap_bundles_the_rest_next_day(db: TestDb) {
    let mut chat = chat_with(db, |c| c.features.hiring.dm_per_day = 2);
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres").await;
    for i in 1..=5 {
        posted_by_mo(&mut chat, &job(&format!("PostgreSQL DBA {i}"), "")).await;
    }
    let out = deliver(&chat).await;
    let direct = dms_to(&out, &alice());
    assert_eq!(direct.len(), 2, "{direct:?}");
    assert!(direct[0].contains("PostgreSQL DBA 1") && direct[1].contains("PostgreSQL DBA 2"), "{direct:?}");
    // Not before 09:00 the next day.
    chat.clock.advance(Duration::hours(23));
    assert!(deliver(&chat).await.is_empty());
    chat.clock.advance(Duration::hours(1));
    let out = deliver(&chat).await;
    let bundle = dms_to(&out, &alice());
    assert_eq!(bundle.len(), 1, "one message: {bundle:?}");
    assert!(bundle[0].starts_with("📮 昨天还有 3 个新职位匹配你的订阅（每天最多单独推送 2 条"), "{}", bundle[0]);
    for i in 3..=5 {
        assert!(
            bundle[0].contains(&format!("J{i} · PostgreSQL DBA {i} · 📞 PostgreSQL.DBA.{i}@example.com")),
            "{}",
            bundle[0]
        );
    }
    // The bundle was one of today's two: the next match comes directly,
    // the one after waits for tomorrow.
    posted_by_mo(&mut chat, &job("PostgreSQL DBA 6", "")).await;
    posted_by_mo(&mut chat, &job("PostgreSQL DBA 7", "")).await;
    let out = deliver(&chat).await;
    let direct = dms_to(&out, &alice());
    assert_eq!(direct.len(), 1, "{direct:?}");
    assert!(direct[0].contains("PostgreSQL DBA 6"));
    chat.clock.advance(Duration::days(1));
    let out = deliver(&chat).await;
    let bundle = dms_to(&out, &alice());
    assert!(
        bundle.len() == 1 && bundle[0].contains("J7 · PostgreSQL DBA 7") && !bundle[0].contains("J6"),
        "{bundle:?}"
    );
    assert!(deliver(&chat).await.is_empty(), "never twice");
}

async fn bundles_leave_out_closed_posts(db: TestDb) {
    let mut chat = chat_with(db, |c| c.features.hiring.dm_per_day = 1);
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres").await;
    for i in 1..=3 {
        posted_by_mo(&mut chat, &job(&format!("PostgreSQL DBA {i}"), "")).await;
    }
    assert_eq!(dms_to(&deliver(&chat).await, &alice()).len(), 1);
    ask(&mut chat, &mo(), "/job close J2").await;
    chat.clock.advance(Duration::days(1));
    let bundle = dms_to(&deliver(&chat).await, &alice());
    assert_eq!(bundle.len(), 1);
    assert!(
        bundle[0].contains("昨天还有 1 个") && bundle[0].contains("J3") && !bundle[0].contains("J2"),
        "{}",
        bundle[0]
    );
}

async fn expiry_and_the_day_before_notice(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), &job("PostgreSQL DBA", "有效期: 3天")).await;
    ask(&mut chat, &mo(), "/job approve J1").await;
    let approved = dms_to(&deliver(&chat).await, &hr());
    assert!(approved[0].contains("有效期至 2026-12-04"), "{approved:?}");
    // 2026-12-04 00:00 in Shanghai: a day before it expires.
    chat.clock.set(t0() + Duration::hours(63));
    let out = deliver(&chat).await;
    assert_eq!(
        dms_to(&out, &hr()),
        [
            "⏰ 你发布的职位 J1「PostgreSQL DBA」将在明天（2026-12-05 00:00）到期下架。如果还在招，到期后用 /job post 重新发布；已经招到了可以用 /job close J1 提前关闭。"
        ]
    );
    assert!(ask(&mut chat, &bob(), "/jobs").await.contains("J1"), "still listed on its last day");
    chat.clock.set(t0() + Duration::hours(87));
    assert!(deliver(&chat).await.is_empty(), "no second notice");
    assert!(ask(&mut chat, &bob(), "/jobs").await.contains("现在没有在招的职位"));
    assert_eq!(ask(&mut chat, &bob(), "/job J1").await, "J1 现在不在招聘列表里（已过期）。");
    assert!(ask(&mut chat, &hr(), "/job J1").await.contains("状态：已过期"));
    assert_eq!(ask(&mut chat, &hr(), "/job close J1").await, "J1 已经是“已过期”状态了。");
    let community = chat.engine.communities().get("default").unwrap_or_else(|| panic!("community")).clone();
    let digest = jixia::features::digest::render(&chat.engine, &community, community.locale, now(&chat))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(digest.is_none_or(|d| !d.to_plain().contains("PostgreSQL DBA")), "expired posts leave the digest");
}

async fn the_default_expiry_is_thirty_days(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    posted_by_mo(&mut chat, &job("PostgreSQL DBA", "")).await;
    chat.clock.advance(Duration::days(30));
    let out = deliver(&chat).await;
    assert!(dms_to(&out, &mo())[0].contains("将在明天（2027-01-01 00:00）到期下架"), "{:?}", texts(&out));
    chat.clock.advance(Duration::days(1));
    deliver(&chat).await;
    assert!(ask(&mut chat, &bob(), "/jobs").await.contains("现在没有在招的职位"));
}

async fn expiry_dates(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), &job("DBA 1", "有效期: 2027-01-31")).await;
    ask(&mut chat, &hr(), &job("DBA 2", "有效期: 12月3日")).await;
    ask(&mut chat, &mo(), "/job approve J1").await;
    assert!(dms_to(&deliver(&chat).await, &hr())[0].contains("有效期至 2027-01-31"));
    // J2's last day passes while it waits.
    chat.clock.advance(Duration::days(3));
    assert_eq!(
        ask(&mut chat, &mo(), "/job approve J2").await,
        "J2 写的有效期（2026-12-03）已经过了，不能上架；请驳回，让发布者改好后重新发布。"
    );
    assert!(ask(&mut chat, &mo(), "/job reject J2 过期了").await.contains("已驳回 J2"));
}

async fn subscription_bad_inputs(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let no_keyword = "订阅至少要有一个关键词，例如 /jobs subscribe postgres dba city:杭州 remote salary>=30k。城市、remote 和薪资是筛选条件，不算关键词；“的”“the”这样的常见词也不算。";
    for q in
        ["/jobs subscribe", "/jobs subscribe city:杭州 remote", "/jobs subscribe the 的", "/订阅职位 杭州 salary>=30k"]
    {
        assert_eq!(ask(&mut chat, &alice(), q).await, no_keyword, "{q}");
    }
    for (q, want) in [
        ("/jobs subscribe dba company:阿里", "不认识筛选条件“company:”。"),
        ("/jobs subscribe dba salary>=30-50k", "看不懂薪资“30-50k”。"),
        ("/jobs subscribe dba city:", "city: 后面要写城市"),
        ("/jobs subscribe a1 a2 a3 a4 a5 a6 a7 a8 a9", "关键词太多了（9 个，最多 8 个）"),
    ] {
        let reply = ask(&mut chat, &alice(), q).await;
        assert!(reply.contains(want), "{q}: {reply}");
    }
    assert!(ask(&mut chat, &alice(), "/jobs subscriptions").await.contains("你还没有职位订阅"), "nothing was stored");
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres city:杭州").await;
    assert_eq!(ask(&mut chat, &alice(), "/jobs subscribe Postgres 杭州").await, "你已经有一样的订阅了：S1。");
    let unknown = subscribe(&mut chat, &alice(), "/jobs subscribe dba city:义乌").await;
    assert!(unknown.contains("“义乌”不在我的城市表里"), "{unknown}");
    for i in 3..=10 {
        subscribe(&mut chat, &alice(), &format!("/jobs subscribe kw{i}")).await;
    }
    assert_eq!(
        ask(&mut chat, &alice(), "/jobs subscribe kw11").await,
        "你已经有 10 个订阅（最多 10 个）。先用 /jobs unsubscribe 编号 取消一个。"
    );
    assert_eq!(
        ask(&mut chat, &bob(), "/jobs unsubscribe S1").await,
        "S1 不是你的订阅。发送 /jobs subscriptions 查看你的订阅。"
    );
    assert_eq!(
        ask(&mut chat, &bob(), "/jobs unsubscribe S99").await,
        "没有订阅 S99。发送 /jobs subscriptions 查看你的订阅。"
    );
    assert_eq!(ask(&mut chat, &bob(), "/退订职位 abc").await, "“abc”不是订阅编号，订阅编号像 S3 这样。");
    // Alice's subscription still works.
    posted_by_mo(&mut chat, DBA).await;
    assert_eq!(dms_to(&deliver(&chat).await, &alice()).len(), 1);
}

async fn subscriptions_list_and_unsubscribe(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres 杭州 remote").await;
    subscribe(&mut chat, &alice(), "/jobs subscribe dba salary>=30k").await;
    let list = ask(&mut chat, &alice(), "/职位订阅").await;
    assert!(list.contains("你的职位订阅（2/10）"), "{list}");
    assert!(
        list.contains("S1 · postgres · 城市 杭州 · 含远程") && list.contains("S2 · dba · 薪资 ≥ ¥30k/月"),
        "{list}"
    );
    assert_eq!(ask(&mut chat, &alice(), "/jobs unsubscribe S1").await, "已取消订阅 S1：postgres · 城市 杭州 · 含远程");
    assert_eq!(ask(&mut chat, &alice(), "/jobs unsubscribe S2").await, "已取消订阅 S2：dba · 薪资 ≥ ¥30k/月");
    assert!(ask(&mut chat, &alice(), "/jobs subscriptions").await.contains("你还没有职位订阅"));
    posted_by_mo(&mut chat, DBA).await;
    assert!(deliver(&chat).await.is_empty(), "no subscription, no message");
}

async fn digest_lists_new_jobs(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    posted_by_mo(&mut chat, DBA).await;
    ask(&mut chat, &hr(), &job("Pending DBA", "")).await;
    let community = chat.engine.communities().get("default").unwrap_or_else(|| panic!("community")).clone();
    let digest = jixia::features::digest::render(&chat.engine, &community, community.locale, now(&chat))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|d| d.to_plain())
        .unwrap_or_default();
    assert!(digest.contains("新职位（1 个）"), "{digest}");
    assert!(digest.contains("高级 PostgreSQL DBA · 示例科技 · 杭州 / 远程 · /job J1"), "{digest}");
    assert!(!digest.contains("hr@example.com") && !digest.contains("¥30k") && !digest.contains("Pending"), "{digest}");
}

async fn the_feature_can_be_off(db: TestDb) {
    let mut chat = chat_with(db, |c| c.features.hiring.enabled = false);
    assert_eq!(ask(&mut chat, &bob(), "/jobs").await, "这个社区没有开启 /jobs [页码] 所属的功能。");
    assert!(ask(&mut chat, &mo(), DBA).await.contains("没有开启"));
}

async fn pending_posts_are_private(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    ask(&mut chat, &hr(), DBA).await;
    assert_eq!(ask(&mut chat, &bob(), "/job J1").await, "J1 现在不在招聘列表里（待审核）。");
    for who in [hr(), mo()] {
        let shown = ask(&mut chat, &who, "/job J1").await;
        assert!(shown.contains("状态：待审核") && shown.contains("hr@example.com"), "{shown}");
    }
    assert!(ask(&mut chat, &bob(), "/jobs search postgres").await.contains("没找到"));
}

async fn two_moderators_approve_at_once(db: TestDb) {
    let mut chat = chat_with(db, |c| {
        if let Some(d) = c.communities.get_mut("default") {
            d.moderators.push("telegram:10".into());
        }
    });
    subscribe(&mut chat, &alice(), "/jobs subscribe postgres").await;
    ask(&mut chat, &hr(), DBA).await;
    let mo2 = Who::telegram("10", "Mo2");
    let a = chat.message(&group(), &mo(), "/job approve J1");
    let b = chat.message(&group(), &mo2, "/job approve J1");
    let (e1, e2) = (Arc::clone(&chat.engine), Arc::clone(&chat.engine));
    let t1 = tokio::spawn(async move { e1.handle(&a).await });
    let t2 = tokio::spawn(async move { e2.handle(&b).await });
    let mut replies = vec![only(&t1.await.unwrap_or_default()), only(&t2.await.unwrap_or_default())];
    replies.sort();
    assert!(replies[0].contains("不是待审核状态") && replies[1].contains("已通过 J1"), "{replies:?}");
    let out = deliver(&chat).await;
    assert_eq!(dms_to(&out, &alice()).len(), 1, "one fanout: {:?}", texts(&out));
    assert_eq!(dms_to(&out, &hr()).iter().filter(|d| d.contains("已通过审核")).count(), 1);
}

async fn simultaneous_posts_respect_the_daily_limit(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let messages: Vec<_> = (1..=6).map(|i| chat.message(&group(), &hr(), &job(&format!("DBA {i}"), ""))).collect();
    let tasks: Vec<_> = messages
        .into_iter()
        .map(|m| {
            let engine = Arc::clone(&chat.engine);
            tokio::spawn(async move { engine.handle(&m).await })
        })
        .collect();
    let mut stored = 0;
    let mut refused = 0;
    for t in tasks {
        let reply = only(&t.await.unwrap_or_default());
        if reply.contains("已收到") {
            stored += 1;
        } else if reply.contains("每天最多 3 条") {
            refused += 1;
        }
    }
    assert_eq!((stored, refused), (3, 3));
    let pending = ask(&mut chat, &mo(), "/jobs pending").await;
    assert!(
        pending.contains("（3 个）") && pending.contains("J1 ·") && pending.contains("J3 ·"),
        "numbers without gaps: {pending}"
    );
}

async fn redelivered_subscriptions_are_stored_once(db: TestDb) {
    let mut chat = chat_with(db, |_| {});
    let msg = chat.message(&group(), &alice(), "/jobs subscribe postgres");
    assert!(only(&chat.engine.handle(&msg).await).contains("已订阅 S1"));
    assert_eq!(only(&chat.engine.handle(&msg).await), "你已经有一样的订阅了：S1。");
}
