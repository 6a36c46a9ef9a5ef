//! News feeds as a community lives them: Mo (a moderator) adds feeds,
//! members read `/news`, fetches run as durable jobs through an in-process
//! fetcher that serves scripted feeds (the HTTP one is tested in the bots
//! crate), items are stored once, a dead feed is reported once, watching
//! chats get matching items within their hourly cap, and the digest has a
//! news section. Every case runs on SQLite and on PostgreSQL.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use common::cast::{alice, group, mo};
use common::model::FakeModel;
use common::{TestChat, TestDb, due_and_sent, is_dm_to, only, texts};
use jixia::BoxFuture;
use jixia::config::{CommunityConfig, Config};
use jixia::features::news::{
    FeedFetcher, FeedItem, FetchError, FetchRequest, Fetched, NewsServices, ParsedFeed, SourceConfig,
};
use jixia::llm::{Llm, LlmError, LlmProvider};
use jixia::{Engine, Outgoing};

const PLANET: &str = "https://planet.example.org/rss20.xml";
const WEEKLY: &str = "https://weekly.example.org/atom.xml";

/// What the fake answers for a URL.
#[derive(Debug, Clone)]
enum Answer {
    Feed(Vec<FeedItem>, Option<String>),
    NotModified,
    Fail(FetchError),
}

/// An in-process fetcher: scripted answers per URL, and every request kept.
#[derive(Debug, Default)]
struct FakeFeeds {
    answers: Mutex<HashMap<String, Answer>>,
    requests: Mutex<Vec<FetchRequest>>,
}

impl FakeFeeds {
    fn set(&self, url: &str, answer: Answer) {
        self.answers.lock().unwrap_or_else(|e| e.into_inner()).insert(url.to_owned(), answer);
    }

    fn requests(&self) -> Vec<FetchRequest> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl FeedFetcher for FakeFeeds {
    fn fetch<'a>(&'a self, req: &'a FetchRequest) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        Box::pin(async move {
            self.requests.lock().unwrap_or_else(|e| e.into_inner()).push(req.clone());
            let answer = self.answers.lock().unwrap_or_else(|e| e.into_inner()).get(&req.url).cloned();
            match answer {
                Some(Answer::Feed(items, etag)) => {
                    Ok(Fetched::Feed(ParsedFeed { items, etag, ..ParsedFeed::default() }))
                }
                Some(Answer::NotModified) => Ok(Fetched::NotModified),
                Some(Answer::Fail(e)) => Err(e),
                None => Err(FetchError::Status(404)),
            }
        })
    }
}

fn item(guid: &str, title: &str, summary: &str, hours_ago: i64) -> FeedItem {
    FeedItem {
        guid: Some(guid.to_owned()),
        link: Some(format!("https://planet.example.org/{guid}")),
        title: title.to_owned(),
        summary: summary.to_owned(),
        published: Some(common::t0() - Duration::hours(hours_ago)),
    }
}

fn planet_items() -> Vec<FeedItem> {
    vec![
        item("p1", "PostgreSQL 18.1 released", "<p>Security <b>fixes</b> &amp; more</p><script>x()</script>", 3),
        item("p2", "Logical replication tips", "Slots and <a href=\"x\">publications</a>", 5),
        item("p3", "Conference recap", "Talks", 7),
    ]
}

/// Mo moderates the default community.
fn config() -> Config {
    let mut c = Config::default();
    c.communities
        .insert("default".into(), CommunityConfig { moderators: vec!["telegram:9".into()], ..Default::default() });
    c
}

/// The fake model translates by prefixing `译：` to the title.
fn translator() -> Arc<FakeModel> {
    FakeModel::answering(|req| {
        let title = req.user.lines().find_map(|l| l.strip_prefix("Title: ")).unwrap_or("?");
        format!("译：{title}\n中文摘要")
    })
}

/// A conversation whose engine fetches through `feeds` and translates
/// through `llm`.
fn chat_with_llm(db: TestDb, config: &Config, feeds: &Arc<FakeFeeds>, llm: &Arc<FakeModel>) -> TestChat {
    let model: Arc<dyn LlmProvider> = llm.clone();
    built(db, config, feeds, Some(model))
}

/// A conversation whose engine fetches through `feeds`.
fn chat_with(db: TestDb, config: &Config, feeds: &Arc<FakeFeeds>) -> TestChat {
    built(db, config, feeds, None)
}

fn built(db: TestDb, config: &Config, feeds: &Arc<FakeFeeds>, llm: Option<Arc<dyn LlmProvider>>) -> TestChat {
    let mut chat = TestChat::new(db, config);
    let fetcher: Arc<dyn FeedFetcher> = feeds.clone();
    let mut engine = Engine::new(&common::with_test_chats(config), chat.db.store.clone(), Arc::new(chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    engine.provide(Arc::new(NewsServices { fetcher: Some(fetcher) }));
    if let Some(model) = llm {
        engine.provide(Arc::new(Llm::new(model)));
    }
    chat.engine = Arc::new(engine);
    chat
}

fn now(chat: &TestChat) -> DateTime<Utc> {
    jixia::clock::Clock::now(&chat.clock)
}

/// Runs the jobs that are due and drains the outbox: what members receive.
async fn deliver(chat: &TestChat) -> Vec<Outgoing> {
    jixia::scheduler::run_jobs(&chat.engine, chat.engine.instance(), now(chat)).await;
    due_and_sent(&chat.engine).await
}

async fn ask(chat: &mut TestChat, who: &common::Who, text: &str) -> String {
    only(&chat.say(&group(), who, text).await)
}

// ---------------------------------------------------------------------------

both_backends!(
    moderators_manage_sources_and_every_mistake_is_explained,
    items_are_fetched_stored_once_and_listed,
    fetches_are_conditional_and_a_304_changes_nothing,
    a_dead_feed_is_reported_once_and_a_success_clears_it,
    watching_chats_get_matching_items_within_the_hourly_cap,
    the_digest_has_a_news_section,
    config_sources_are_stored_at_start_and_not_removable_by_command,
    without_a_fetcher_sources_wait,
    items_carry_a_marked_translation_cached_and_within_the_budget,
    a_failing_model_leaves_items_untranslated_and_status_says_why,
    an_item_whose_answers_cannot_be_read_is_given_up_after_three,
);

async fn moderators_manage_sources_and_every_mistake_is_explained(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    let mut chat = chat_with(db, &config(), &feeds);
    let added = ask(&mut chat, &mo(), &format!("/news add {PLANET} pg Release lang=en")).await;
    assert!(added.contains("已添加 F1") && added.contains("pg, release"), "{added}");

    // A member may not add, remove or list sources.
    let refused = ask(&mut chat, &alice(), &format!("/news add {WEEKLY}")).await;
    assert!(refused.contains("需要版主权限"), "{refused}");
    assert!(ask(&mut chat, &alice(), "/news remove F1").await.contains("需要版主权限"));
    assert!(ask(&mut chat, &alice(), "/news sources").await.contains("需要版主权限"));

    // Mistakes, each with its own explanation; nothing is stored.
    let dup = ask(&mut chat, &mo(), &format!("/news add {PLANET} other")).await;
    assert!(dup.contains("已是订阅源 F1"), "{dup}");
    for (line, expect) in [
        ("/news add planet.example.org/rss", "不是订阅源网址"),
        ("/news add ftp://x.org/feed", "不是订阅源网址"),
        ("/news add https://user:pw@x.org/feed", "不是订阅源网址"),
        ("/news add https://x.org/feed lang=klingon!", "不是语言代码"),
        ("/news add https://x.org/feed a/b", "不是有效标签"),
        ("/news add http://127.0.0.1:8080/feed", "指向本机或内网地址"),
        ("/news add http://localhost/rss", "指向本机或内网地址"),
        ("/news add http://169.254.169.254/latest/meta-data", "指向本机或内网地址"),
        ("/news remove F9", "没有订阅源 F9"),
        ("/news remove nine", "不是订阅源编号"),
        ("/news nosuchtag", "没有标签为 nosuchtag 的资讯"),
        ("/news 9999", "不是页码"),
    ] {
        let reply = ask(&mut chat, &mo(), line).await;
        assert!(reply.contains(expect), "{line}: {reply}");
    }
    let sources = ask(&mut chat, &mo(), "/news sources").await;
    assert!(sources.contains("F1") && sources.contains("尚未抓取") && !sources.contains("F2"), "{sources}");

    // English replies for an English speaker.
    assert!(ask(&mut chat, &mo(), "/lang en").await.contains("English"));
    let dup_en = ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    assert!(dup_en.contains("is already source F1"), "{dup_en}");

    let removed = ask(&mut chat, &mo(), "/news remove f1").await;
    assert!(removed.contains("Removed F1"), "{removed}");
    assert!(ask(&mut chat, &mo(), "/news sources").await.contains("No feeds yet"));
    // Its fetch job finds no source and does nothing.
    assert!(deliver(&chat).await.is_empty());
    assert!(feeds.requests().is_empty());
}

async fn items_are_fetched_stored_once_and_listed(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(planet_items(), None));
    let mut c = config();
    c.features.news.page_size = 2;
    let mut chat = chat_with(db, &c, &feeds);
    assert!(ask(&mut chat, &alice(), "/news").await.contains("还没有资讯"));
    ask(&mut chat, &mo(), &format!("/news add {PLANET} pg")).await;
    assert!(deliver(&chat).await.is_empty());
    assert_eq!(feeds.requests().len(), 1);

    let page1 = ask(&mut chat, &alice(), "/news").await;
    assert!(page1.contains("共 3 条，第 1/2 页"), "{page1}");
    assert!(page1.contains("PostgreSQL 18.1 released（F1，2026-12-01）https://planet.example.org/p1"), "{page1}");
    assert!(!page1.contains("Conference recap") && page1.contains("/news 2"), "{page1}");
    let page2 = ask(&mut chat, &alice(), "/news 2").await;
    assert!(page2.contains("Conference recap"), "{page2}");
    assert!(ask(&mut chat, &alice(), "/news 3").await.contains("只有 2 页"));
    assert!(ask(&mut chat, &alice(), "/news pg 2").await.contains("Conference recap"));

    // An hour later the same items come again, one with a new GUID but its
    // old link, and one new: only the new one is stored.
    let mut again = planet_items();
    again[1].guid = Some("p2-renamed".into());
    again.push(item("p4", "<i>Vacuum</i> internals", "", 1));
    feeds.set(PLANET, Answer::Feed(again, None));
    chat.clock.advance(Duration::minutes(61));
    deliver(&chat).await;
    assert_eq!(feeds.requests().len(), 2);
    let listed = ask(&mut chat, &alice(), "/news").await;
    assert!(listed.contains("共 4 条") && listed.contains("Vacuum internals（F1"), "{listed}");

    // Items without GUID or link are known by title and date.
    let bare = FeedItem { title: "Bare".into(), published: Some(common::t0()), ..FeedItem::default() };
    feeds.set(PLANET, Answer::Feed(vec![bare.clone(), bare], None));
    chat.clock.advance(Duration::minutes(61));
    deliver(&chat).await;
    assert!(ask(&mut chat, &alice(), "/news").await.contains("共 5 条"));
}

async fn fetches_are_conditional_and_a_304_changes_nothing(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(planet_items(), Some("\"v1\"".into())));
    let mut chat = chat_with(db, &config(), &feeds);
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    deliver(&chat).await;
    feeds.set(PLANET, Answer::NotModified);
    // Not due yet: nothing is fetched.
    chat.clock.advance(Duration::minutes(30));
    deliver(&chat).await;
    assert_eq!(feeds.requests().len(), 1);
    chat.clock.advance(Duration::minutes(31));
    deliver(&chat).await;
    let reqs = feeds.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].etag, None);
    assert_eq!(reqs[1].etag.as_deref(), Some("\"v1\""));
    assert!(ask(&mut chat, &alice(), "/news").await.contains("共 3 条"));
    let status = ask(&mut chat, &mo(), "/news status").await;
    assert!(status.contains("抓取已开启") && status.contains("F1：正常"), "{status}");
}

async fn a_dead_feed_is_reported_once_and_a_success_clears_it(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Fail(FetchError::Timeout(20)));
    feeds.set(WEEKLY, Answer::Feed(planet_items(), None));
    let mut c = config();
    c.features.news.dead_after_failures = 3;
    let mut chat = chat_with(db, &c, &feeds);
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    ask(&mut chat, &mo(), &format!("/news add {WEEKLY}")).await;
    let mut reports = Vec::new();
    // Back-off doubles: 2 h, 4 h, 8 h, 16 h, then a day; step through two days.
    for _ in 0..48 {
        reports.extend(deliver(&chat).await.into_iter().filter(|o| is_dm_to(o, &mo())));
        chat.clock.advance(Duration::hours(1));
    }
    let planet_fetches = feeds.requests().iter().filter(|r| r.url == PLANET).count();
    assert!((4..=7).contains(&planet_fetches), "backed off: {planet_fetches} fetches in two days");
    assert_eq!(reports.len(), 1, "{:?}", texts(&reports));
    let report = reports[0].body.to_plain();
    assert!(report.contains("F1") && report.contains("连续失败 3 次") && report.contains("timed out"), "{report}");
    // The other feed was not disturbed.
    assert!(ask(&mut chat, &alice(), "/news").await.contains("共 3 条"));
    let status = ask(&mut chat, &mo(), "/news status").await;
    assert!(status.contains("F1：已失效") && status.contains("timed out after 20 s"), "{status}");

    // It recovers, then dies again: reported again, once.
    feeds.set(PLANET, Answer::Feed(Vec::new(), None));
    for _ in 0..25 {
        deliver(&chat).await;
        chat.clock.advance(Duration::hours(1));
    }
    assert!(
        ask(&mut chat, &mo(), "/news sources")
            .await
            .contains("F1 https://planet.example.org/rss20.xml · en · 标签：- · 0 条 · 正常")
    );
    feeds.set(PLANET, Answer::Fail(FetchError::Status(500)));
    let mut again = Vec::new();
    for _ in 0..48 {
        again.extend(deliver(&chat).await.into_iter().filter(|o| is_dm_to(o, &mo())));
        chat.clock.advance(Duration::hours(1));
    }
    assert_eq!(again.len(), 1, "{:?}", texts(&again));
}

async fn watching_chats_get_matching_items_within_the_hourly_cap(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    let mut c = config();
    c.features.news.posts_per_hour = 2;
    let mut chat = chat_with(db, &c, &feeds);
    let set = ask(&mut chat, &mo(), "/news watch Security, release").await;
    assert!(set.contains("security, release") && set.contains("每小时最多 2 条"), "{set}");
    assert!(ask(&mut chat, &alice(), "/news watch x").await.contains("需要版主权限"));
    let dm = chat.say(&mo().dm(), &mo(), "/news watch x").await;
    assert!(only(&dm).contains("只在群里设置"));

    let items: Vec<FeedItem> = (1..=4)
        .map(|n| item(&format!("s{n}"), &format!("Security release {n}"), "CVE", 10 - n))
        .chain([item("other", "Meetup photos", "nothing to see", 1)])
        .collect();
    feeds.set(PLANET, Answer::Feed(items, None));
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    let posted = deliver(&chat).await;
    assert_eq!(posted.len(), 2, "{:?}", texts(&posted));
    assert!(posted.iter().all(|o| o.body.to_plain().starts_with("📰 Security release")));
    // The next items after the hour; the ones over the cap are not posted
    // late (they wait in /news and the digest).
    let later = vec![item("s5", "Another security fix", "", 0)];
    feeds.set(PLANET, Answer::Feed(later, None));
    chat.clock.advance(Duration::minutes(61));
    let posted = deliver(&chat).await;
    assert_eq!(texts(&posted).len(), 1, "{:?}", texts(&posted));
    assert!(only(&posted).contains("Another security fix"));

    assert!(ask(&mut chat, &mo(), "/news unwatch").await.contains("不再即时推送"));
    assert!(ask(&mut chat, &mo(), "/news unwatch").await.contains("本来就没有"));
    feeds.set(PLANET, Answer::Feed(vec![item("s6", "Security again", "", 0)], None));
    chat.clock.advance(Duration::minutes(61));
    assert!(deliver(&chat).await.is_empty());
}

async fn the_digest_has_a_news_section(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(planet_items(), None));
    let mut chat = chat_with(db, &config(), &feeds);
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    deliver(&chat).await;
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(digest.contains("📰 资讯：新增 3 条") && !digest.contains("<p>"), "{digest}");
    assert!(digest.contains("PostgreSQL 18.1 released（F1"), "{digest}");
    // A day later there is nothing new to say.
    chat.clock.advance(Duration::hours(25));
    let later = ask(&mut chat, &mo(), "/digest now").await;
    assert!(!later.contains("资讯"), "{later}");
}

async fn config_sources_are_stored_at_start_and_not_removable_by_command(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(planet_items(), None));
    let mut c = config();
    c.features.news.sources = vec![SourceConfig {
        url: PLANET.into(),
        language: "en".into(),
        tags: vec!["planet".into()],
        include: vec!["release".into()],
        exclude: vec!["beta".into()],
        chats: Vec::new(),
    }];
    let c = common::with_test_chats(&c);
    let lines = jixia::features::load(&c, Some(&db.store), common::t0()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(lines.iter().any(|l| l.contains("F1")), "{lines:?}");
    // A second start adds nothing.
    let again = jixia::features::load(&c, Some(&db.store), common::t0()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!again.iter().any(|l| l.starts_with("news")), "{again:?}");
    let mut chat = chat_with(db, &c, &feeds);
    deliver(&chat).await;
    assert_eq!(feeds.requests().len(), 1);
    // Only items mentioning "release" were kept.
    let listed = ask(&mut chat, &alice(), "/news planet").await;
    assert!(listed.contains("共 1 条") && listed.contains("PostgreSQL 18.1 released"), "{listed}");
    let refused = ask(&mut chat, &mo(), "/news remove F1").await;
    assert!(refused.contains("写在配置文件里"), "{refused}");

    // The operator edits the source's tags, then takes it out of the config.
    let mut edited = c.clone();
    edited.features.news.sources[0].tags = vec!["pg".into()];
    let lines =
        jixia::features::load(&edited, Some(&chat.db.store), common::t0()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(lines.iter().any(|l| l.contains("takes the config's settings")), "{lines:?}");
    assert!(ask(&mut chat, &mo(), "/news sources").await.contains("标签：pg"));
    let mut gone = c.clone();
    gone.features.news.sources.clear();
    let lines =
        jixia::features::load(&gone, Some(&chat.db.store), common::t0()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(lines.iter().any(|l| l.contains("F1") && l.contains("no longer in the config")), "{lines:?}");
    assert!(ask(&mut chat, &mo(), "/news sources").await.contains("还没有订阅源"));
}

async fn without_a_fetcher_sources_wait(db: TestDb) {
    let mut chat = TestChat::new(db, &config());
    let added = ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    assert!(added.contains("没有运行抓取器"), "{added}");
    deliver(&chat).await;
    let status = ask(&mut chat, &mo(), "/news status").await;
    assert!(status.contains("不会抓取") && status.contains("F1：尚未抓取"), "{status}");
}

/// The model on, with answers of up to 1000 tokens: a translation is
/// reserved at about 1230 tokens (its prompt and the whole answer) and
/// costs 100, so a budget of 1480 lets three through and stops the fourth.
fn llm_config() -> Config {
    let mut c = config();
    c.llm.enabled = true;
    c.llm.max_tokens = 1000;
    c.llm.daily_tokens = 1480;
    c
}

async fn items_carry_a_marked_translation_cached_and_within_the_budget(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(planet_items(), None));
    let llm = translator();
    let mut chat = chat_with_llm(db, &llm_config(), &feeds, &llm);
    ask(&mut chat, &mo(), "/news watch released").await;
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    let posted = deliver(&chat).await;
    assert_eq!(llm.calls().len(), 3);
    let first = llm.calls()[0].clone();
    assert!(first.system.contains("Simplified Chinese") && first.user.contains("Title: "));
    assert_eq!(first.max_tokens, 1000);
    // The watch post carries the translation, marked.
    assert!(
        only(&posted).contains("译：PostgreSQL 18.1 released〔机器翻译，原文：PostgreSQL 18.1 released〕"),
        "{posted:?}"
    );
    assert!(only(&posted).contains("中文摘要"));
    let listed = ask(&mut chat, &alice(), "/news").await;
    assert!(listed.contains("译：Conference recap〔机器翻译"), "{listed}");
    let digest = ask(&mut chat, &mo(), "/digest now").await;
    assert!(digest.contains("译：Logical replication tips〔机器翻译"), "{digest}");
    // Listing again reads the cache.
    ask(&mut chat, &alice(), "/news").await;
    assert_eq!(llm.calls().len(), 3);
    // An English reader reads the originals.
    ask(&mut chat, &alice(), "/lang en").await;
    let english = ask(&mut chat, &alice(), "/news").await;
    assert!(english.contains("PostgreSQL 18.1 released (F1") && !english.contains("译："), "{english}");

    // 300 tokens spent of 1480: the next call may cost up to about 1230,
    // more than is left, so it is not made; the budget is never passed.
    let mut more = planet_items();
    more.push(item("p9", "Index advisor", "", 0));
    feeds.set(PLANET, Answer::Feed(more, None));
    chat.clock.advance(Duration::minutes(61));
    deliver(&chat).await;
    assert_eq!(llm.calls().len(), 3);
    let listed = ask(&mut chat, &mo(), "/news").await;
    assert!(listed.contains("Index advisor（F1") && !listed.contains("译：Index advisor"), "{listed}");
    let status = ask(&mut chat, &mo(), "/news status").await;
    assert!(
        status.contains("模型 fake-7b；今天已用 300/1480") && status.contains("daily token budget spent (300 of 1480"),
        "{status}"
    );

    // The next day the item left untranslated is translated after all; a
    // source in the community's language is never sent to the model.
    feeds.set(WEEKLY, Answer::Feed(vec![item("z1", "中文资讯", "", 0)], None));
    ask(&mut chat, &mo(), &format!("/news add {WEEKLY} lang=zh")).await;
    chat.clock.advance(Duration::hours(24));
    deliver(&chat).await;
    assert_eq!(llm.calls().len(), 4);
    assert!(llm.calls()[3].user.contains("Title: Index advisor"));
    let listed = ask(&mut chat, &mo(), "/news").await;
    assert!(listed.contains("译：Index advisor〔机器翻译") && listed.contains("中文资讯（F2"), "{listed}");
    assert!(ask(&mut chat, &mo(), "/news status").await.contains("今天已用 100/1480"));
}

async fn a_failing_model_leaves_items_untranslated_and_status_says_why(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(planet_items(), None));
    let llm = translator();
    llm.fail(Some(LlmError::RateLimited));
    let mut chat = chat_with_llm(db, &llm_config(), &feeds, &llm);
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    deliver(&chat).await;
    // The first failure stops the pass; a failed call costs nothing.
    assert_eq!(llm.calls().len(), 1);
    let listed = ask(&mut chat, &alice(), "/news").await;
    assert!(listed.contains("PostgreSQL 18.1 released（F1") && !listed.contains("机器翻译"), "{listed}");
    let status = ask(&mut chat, &mo(), "/news status").await;
    assert!(status.contains("今天已用 0/1480") && status.contains("HTTP 429"), "{status}");

    // The model recovers: the next fetch's pass translates what was left.
    llm.fail(None);
    chat.clock.advance(Duration::minutes(61));
    deliver(&chat).await;
    assert_eq!(llm.calls().len(), 4);
    let listed = ask(&mut chat, &alice(), "/news").await;
    assert_eq!(listed.matches("〔机器翻译").count(), 3, "{listed}");

    // The model switched off in the config: no calls, and status says so.
    let mut off = llm_config();
    off.features.news.translate = false;
    let db = chat.db;
    let mut chat = chat_with_llm(db, &off, &feeds, &llm);
    assert!(ask(&mut chat, &mo(), "/news status").await.contains("翻译：未开启"));
    chat.clock.advance(Duration::minutes(122));
    feeds.set(PLANET, Answer::Feed(vec![item("p8", "Another", "", 0)], None));
    deliver(&chat).await;
    assert_eq!(llm.calls().len(), 4);
}

/// An answer the model gives that is not a translation is counted against
/// its item; after three such answers the item is not sent again.
async fn an_item_whose_answers_cannot_be_read_is_given_up_after_three(db: TestDb) {
    let feeds = Arc::new(FakeFeeds::default());
    feeds.set(PLANET, Answer::Feed(vec![item("p1", "Only one", "x", 1)], None));
    let llm = translator();
    llm.answer(|_| "\n\n".into());
    let mut c = llm_config();
    c.llm.daily_tokens = 100_000;
    let mut chat = chat_with_llm(db, &c, &feeds, &llm);
    ask(&mut chat, &mo(), &format!("/news add {PLANET}")).await;
    for _ in 0..5 {
        deliver(&chat).await;
        chat.clock.advance(Duration::minutes(61));
    }
    assert_eq!(llm.calls().len(), 3);
    let status = ask(&mut chat, &mo(), "/news status").await;
    assert!(status.contains("no title line") && status.contains("今天已用 300/100000"), "{status}");
}
