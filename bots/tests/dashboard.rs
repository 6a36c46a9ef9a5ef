//! The moderators' dashboard over HTTP, as a moderator and a stranger meet
//! it: a link from `/dashboard` opens a session; every page answers for it
//! and only for its community; expired, reused and altered links, a
//! missing or ended session, another community's session and a flood of
//! login attempts all get a clear page and no session; every response
//! carries the security headers; a hostile member name is shown as text.
//! Then a real headless Chromium logs in with a link from the same
//! conversation and loads the overview (screenshot kept as an artifact),
//! and, driven through the DevTools protocol, logs in with a link opened
//! from another site, with a silent console.
//! The HTTP cases run on SQLite and on PostgreSQL.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::Duration;
use common::cast::{alice, group, mo};
use common::{TestChat, TestDb, Who, only};
use jixia::config::{CommunityConfig, Config, HttpConfig};
use jixia::features::shop::ShopItem;
use jixia::secret::Secret;
use jixia::{Chat, Engine, Platform};
use tower::ServiceExt;

/// Olga moderates the other community, in its own group.
fn olga() -> Who {
    Who::telegram("7", "Olga")
}

/// The other community's group (direct chats belong to the default one).
fn other_group() -> Chat {
    Chat::group(Platform::Telegram, "-2001")
}

/// Mo moderates the default community, Olga the other; the dashboard is on
/// behind an https address; the shop sells a course.
fn config(base_url: &str) -> Config {
    let mut c = Config::default();
    c.bot.default_community = Some("default".into());
    c.communities.insert(
        "default".into(),
        CommunityConfig { name: "PG 中文社区".into(), moderators: vec!["telegram:9".into()], ..Default::default() },
    );
    c.communities.insert(
        "other".into(),
        CommunityConfig {
            name: "Other".into(),
            moderators: vec!["telegram:7".into()],
            chats: vec!["telegram:-2001".into()],
            ..Default::default()
        },
    );
    c.features.shop.items = vec![ShopItem {
        id: "course".into(),
        name: "录播课".into(),
        name_en: "Recorded course".into(),
        price: 30,
        stock: None,
        min_level: 0,
    }];
    c.http = HttpConfig { listen: "127.0.0.1:9464".into(), ..HttpConfig::default() };
    c.dashboard.enabled = true;
    c.dashboard.base_url = base_url.into();
    c.dashboard.secret = Some(Secret::new("a test secret of at least 32 bytes, not a real one"));
    c
}

/// The path and query of the login link in a message.
fn link_in(text: &str) -> String {
    let at = text.find("/dashboard/login?token=").unwrap_or_else(|| panic!("no link in {text:?}"));
    text[at..].split_whitespace().next().unwrap_or("").to_owned()
}

/// What a browser got back.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The session cookie's value that a `Set-Cookie` header gives.
    fn cookie(&self) -> String {
        let set = self.header(header::SET_COOKIE);
        set.strip_prefix("jixia_dashboard=").and_then(|v| v.split(';').next()).unwrap_or("").to_owned()
    }
}

/// The bot's conversation and its dashboard, side by side.
struct Site {
    chat: TestChat,
    app: Router,
}

impl Site {
    fn new(db: TestDb, config: &Config) -> Site {
        let chat = TestChat::new(db, config);
        let app = jixia_bots::ops::router(chat.engine.clone(), &config.http);
        Site { chat, app }
    }

    /// `who` sends `/dashboard` privately; the link's path and query.
    async fn link(&mut self, who: &Who) -> String {
        let text = only(&self.chat.say(&who.dm(), who, "/dashboard").await);
        link_in(&text)
    }

    /// `who` sends `/dashboard` in `group`: the link comes privately.
    async fn link_from(&mut self, who: &Who, group: &Chat) -> String {
        let out = self.chat.say(group, who, "/dashboard").await;
        assert!(out.first().is_some_and(|o| common::is_dm_to(o, who)), "{:?}", common::texts(&out));
        link_in(&out[0].body.to_plain())
    }

    async fn send(&self, request: Request<Body>, peer: [u8; 4]) -> Page {
        let mut request = request;
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 50_000))));
        let response = self.app.clone().oneshot(request).await.unwrap_or_else(|e| panic!("{e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap_or_else(|e| panic!("{e}"));
        Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A browser at `peer` opens `path`, with the session cookie if any.
    async fn get_from(&self, path: &str, cookie: Option<&str>, peer: [u8; 4]) -> Page {
        let mut request = Request::get(path);
        if let Some(c) = cookie {
            request = request.header(header::COOKIE, format!("theme=dark; jixia_dashboard={c}"));
        }
        self.send(request.body(Body::empty()).unwrap_or_else(|e| panic!("{e}")), peer).await
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Page {
        self.get_from(path, cookie, [192, 0, 2, 10]).await
    }

    async fn post(&self, path: &str, cookie: &str) -> Page {
        let request = Request::post(path).header(header::COOKIE, format!("jixia_dashboard={cookie}"));
        self.send(request.body(Body::empty()).unwrap_or_else(|e| panic!("{e}")), [192, 0, 2, 10]).await
    }

    /// `who` asks for a link in `group` and opens it: the session cookie.
    async fn log_in(&mut self, who: &Who, group: &Chat) -> String {
        let link = self.link_from(who, group).await;
        let page = self.get(&link, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.cookie()
    }
}

/// Every dashboard response: no script, no sniffing, no referrer, no cache.
fn assert_secure(page: &Page) {
    assert_eq!(
        page.header(header::CONTENT_SECURITY_POLICY),
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; \
         base-uri 'none'"
    );
    assert_eq!(page.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(page.header(header::REFERRER_POLICY), "no-referrer");
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    assert!(!page.body.contains("<script"), "{}", page.body);
}

/// A little life in the community: alice checks in and buys the course;
/// a question goes unanswered twice; a message waits in the outbox.
async fn a_week_of_activity(site: &mut Site) {
    let chat = &mut site.chat;
    chat.say(&group(), &alice(), "大家早").await;
    chat.say(&group(), &alice(), "/checkin").await;
    chat.say_mentioning(&group(), &mo(), "/points grant @alice 100 分享", &[&alice()]).await;
    chat.say(&group(), &alice(), "/redeem course").await;
    chat.say(&group(), &mo(), "/faq add vacuum VACUUM FULL 会锁表吗？\n会，全程持有 ACCESS EXCLUSIVE 锁。").await;
    chat.say(&group(), &alice(), "pg_cron 的任务怎么看日志？").await;
    chat.say(&group(), &alice(), "pg_cron 任务的日志在哪里看？").await;
    chat.due().await;
    let waiting = jixia::store::jobs::NewOutboxMessage {
        key: "test:waiting".into(),
        part: 0,
        message: jixia::Outgoing::direct(Platform::Telegram, "1", jixia::rich::RichText::plain("hi")),
        max_attempts: 3,
    };
    let now = chat.engine.now();
    chat.engine.store().jobs().outbox_push(&[waiting], now).await.unwrap_or_else(|e| panic!("{e}"));
    chat.clock.advance(Duration::minutes(5));
}

async fn a_moderator_logs_in_and_reads_every_page(db: TestDb) {
    let mut site = Site::new(db, &config("https://bot.example.org"));
    a_week_of_activity(&mut site).await;
    let link = site.link(&mo()).await;
    let login = site.get(&link, None).await;
    assert_secure(&login);
    // A page that moves on by itself (a redirect would lose the cookie when
    // the link is opened from another site: SameSite=Strict).
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login.body.contains("<meta http-equiv=\"refresh\" content=\"1; url=/dashboard/default/\">"),
        "{}",
        login.body
    );
    assert!(
        login.body.contains("已登录，正在打开后台……</p><p><a href=\"/dashboard/default/\">打开后台</a>"),
        "{}",
        login.body
    );
    let set = login.header(header::SET_COOKIE);
    for part in ["HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=43200", "Secure"] {
        assert!(set.split("; ").any(|p| p == part), "{part} missing from {set}");
    }
    let cookie = login.cookie();
    assert_eq!(cookie.len(), 64);

    let overview = site.get("/dashboard/default/", Some(&cookie)).await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert_secure(&overview);
    assert!(overview.body.contains("Mo · PG 中文社区"), "{}", overview.body);
    let rows = overview.body.matches("<tr>").count() - 1;
    assert!(rows >= 10, "the chain has its lines: {}", overview.body);
    assert_eq!(overview.body.matches("<svg class=\"spark\"").count(), rows, "one sparkline per line");
    for line in [
        "<td>成员总数</td><td class=\"num\">2</td>",
        "<td>签到次数</td><td class=\"num\">1</td>",
        "<td>商店订单</td><td class=\"num\">1</td>",
    ] {
        assert!(overview.body.contains(line), "{line} missing from {}", overview.body);
    }

    let members = site.get("/dashboard/default/members", Some(&cookie)).await;
    assert_eq!(members.status, StatusCode::OK);
    assert!(members.body.contains("<h2>贡献排行</h2>"), "{}", members.body);
    assert!(members.body.contains("<td class=\"num\">1</td><td>alice</td>"), "{}", members.body);
    assert!(members.body.contains("<h2>新成员</h2>"));

    let faq = site.get("/dashboard/default/faq", Some(&cookie)).await;
    assert_eq!(faq.status, StatusCode::OK);
    assert!(faq.body.contains("<td>vacuum</td><td>VACUUM FULL 会锁表吗？</td>"), "{}", faq.body);
    assert!(faq.body.contains("<h2>缺口："), "{}", faq.body);

    let shop = site.get("/dashboard/default/shop", Some(&cookie)).await;
    assert_eq!(shop.status, StatusCode::OK);
    assert!(
        shop.body.contains("<td>alice</td><td>course</td><td class=\"num\">30</td><td>待处理</td>"),
        "{}",
        shop.body
    );

    let jobs = site.get("/dashboard/default/jobs", Some(&cookie)).await;
    assert_eq!(jobs.status, StatusCode::OK);
    assert!(jobs.body.contains("最早的待发消息已等待 5 min。"), "{}", jobs.body);
    assert!(jobs.body.contains("<td>telegram</td><td>pending</td><td class=\"num\">1</td>"), "{}", jobs.body);

    // In English when asked, and the links keep asking.
    let english = site.get("/dashboard/default/jobs?lang=en", Some(&cookie)).await;
    assert!(english.body.contains("The oldest waiting message has waited 5 min."), "{}", english.body);
    assert!(english.body.contains("href=\"/dashboard/default/members?lang=en\""), "{}", english.body);

    // `/dashboard` itself leads to one's community.
    let home = site.get("/dashboard", Some(&cookie)).await;
    assert_eq!((home.status, home.header(header::LOCATION)), (StatusCode::SEE_OTHER, "/dashboard/default/"));
}

async fn links_and_sessions_that_open_nothing(db: TestDb) {
    let mut site = Site::new(db, &config("http://127.0.0.1:9464"));

    // No cookie, or one never issued.
    for cookie in [None, Some("00ff")] {
        let page = site.get("/dashboard/default/", cookie).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert_secure(&page);
        assert!(page.body.contains("请先登录：在社区的群里或私聊中向机器人发送 /dashboard"), "{}", page.body);
    }

    // A link opened twice: the second time, a clear page and no cookie.
    let link = site.link(&mo()).await;
    let first = site.get(&link, None).await;
    assert!(!first.header(header::SET_COOKIE).contains("Secure"), "plain http: no Secure flag");
    let again = site.get(&link, None).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("这个登录链接已经用过了"), "{}", again.body);
    assert!(again.header(header::SET_COOKIE).is_empty());

    // A link opened after its ten minutes.
    let late = site.link(&mo()).await;
    site.chat.clock.advance(Duration::minutes(10));
    let page = site.get(&late, None).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("这个登录链接已过期"), "{}", page.body);
    assert!(page.header(header::SET_COOKIE).is_empty());

    // A link with one digit changed, in English for an English browser.
    let mut altered = site.link(&mo()).await;
    let last = altered.pop().map_or('0', |c| if c == '0' { '1' } else { '0' });
    altered.push(last);
    let request = Request::get(&altered).header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9").body(Body::empty());
    let page = site.send(request.unwrap_or_else(|e| panic!("{e}")), [192, 0, 2, 10]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("This login link is not valid: it was changed or is incomplete."), "{}", page.body);
    assert!(page.header(header::SET_COOKIE).is_empty());

    // Olga's session does not open Mo's community, nor does a made-up page.
    let olga_cookie = site.log_in(&olga(), &other_group()).await;
    let theirs = site.get("/dashboard/other/", Some(&olga_cookie)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("Olga · Other"));
    let ours = site.get("/dashboard/default/members", Some(&olga_cookie)).await;
    assert_eq!(ours.status, StatusCode::FORBIDDEN);
    assert!(ours.body.contains("你的登录只对自己所在的社区有效"), "{}", ours.body);
    assert!(!ours.body.contains("alice"));
    let nowhere = site.get("/dashboard/other/secrets", Some(&olga_cookie)).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_secure(&nowhere);
    let deeper = site.get("/dashboard/other/jobs/1/2", Some(&olga_cookie)).await;
    assert_eq!(deeper.status, StatusCode::NOT_FOUND);
    assert_secure(&deeper);

    // Logging out ends the session; the cookie is cleared.
    let bye = site.post("/dashboard/logout", &olga_cookie).await;
    assert_eq!(bye.status, StatusCode::OK);
    assert!(bye.body.contains("已退出登录"));
    assert!(bye.header(header::SET_COOKIE).contains("Max-Age=0"));
    assert_eq!(site.get("/dashboard/other/", Some(&olga_cookie)).await.status, StatusCode::UNAUTHORIZED);

    // A session ends on its own after its twelve hours.
    let mo_cookie = first.cookie();
    assert_eq!(site.get("/dashboard/default/", Some(&mo_cookie)).await.status, StatusCode::OK);
    site.chat.clock.advance(Duration::hours(12));
    assert_eq!(site.get("/dashboard/default/", Some(&mo_cookie)).await.status, StatusCode::UNAUTHORIZED);
}

async fn a_moderator_removed_from_the_config_is_turned_away(db: TestDb) {
    let mut site = Site::new(db, &config("https://bot.example.org"));
    let cookie = site.log_in(&mo(), &group()).await;
    // The operator takes Mo off the list and restarts on the same database.
    let mut demoted = common::with_test_chats(&config("https://bot.example.org"));
    if let Some(c) = demoted.communities.get_mut("default") {
        c.moderators.clear();
    }
    let engine = Engine::new(&demoted, site.chat.db.store.clone(), Arc::new(site.chat.clock.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let restarted = Site { app: jixia_bots::ops::router(Arc::new(engine), &demoted.http), ..site };
    let page = restarted.get("/dashboard/default/", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("你已不是这个社区的管理员"), "{}", page.body);
}

async fn login_attempts_are_rate_limited_per_address(db: TestDb) {
    let site = Site::new(db, &config("https://bot.example.org"));
    let guess = format!("/dashboard/login?token={}", "ab".repeat(48));
    for i in 0..10 {
        assert_eq!(site.get_from(&guess, None, [198, 51, 100, 1]).await.status, StatusCode::BAD_REQUEST, "try {i}");
    }
    let refused = site.get_from(&guess, None, [198, 51, 100, 1]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_secure(&refused);
    assert!(refused.body.contains("登录尝试太频繁"), "{}", refused.body);
    // Another address is not held back.
    assert_eq!(site.get_from(&guess, None, [198, 51, 100, 2]).await.status, StatusCode::BAD_REQUEST);
}

async fn a_hostile_name_is_shown_as_text(db: TestDb) {
    let mut config = config("https://bot.example.org");
    config.dashboard.public_leaderboard = true;
    let mut site = Site::new(db, &config);
    let mallory = Who::telegram("66", "<script>alert('x')</script>\"><img src=x>");
    site.chat.say(&group(), &mallory, "/checkin").await;
    site.chat.due().await;
    let cookie = site.log_in(&mo(), &group()).await;
    for path in ["/dashboard/default/members", "/dashboard/default/leaderboard"] {
        let page = site.get(path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x&gt;"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("<script") && !page.body.contains("<img"), "{path}: {}", page.body);
    }
}

async fn the_public_leaderboard_is_off_unless_configured(db: TestDb) {
    let site = Site::new(db, &config("https://bot.example.org"));
    assert_eq!(site.get("/dashboard/default/leaderboard", None).await.status, StatusCode::NOT_FOUND);

    let mut config = config("https://bot.example.org");
    config.dashboard.public_leaderboard = true;
    let mut site = Site::new(TestDb::sqlite().await, &config);
    site.chat.say(&group(), &alice(), "/checkin").await;
    site.chat.due().await;
    let page = site.get("/dashboard/default/leaderboard?lang=en", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_secure(&page);
    assert!(page.body.contains("PG 中文社区 · contribution leaderboard"), "{}", page.body);
    assert!(page.body.contains("<td>alice</td>"), "{}", page.body);
    // Names, points and levels only: no titles, no navigation, no logout.
    assert!(!page.body.contains("<nav>") && !page.body.contains("Title"), "{}", page.body);
    assert_eq!(site.get("/dashboard/nowhere/leaderboard", None).await.status, StatusCode::NOT_FOUND);
}

both_backends!(
    a_moderator_logs_in_and_reads_every_page,
    links_and_sessions_that_open_nothing,
    a_moderator_removed_from_the_config_is_turned_away,
    login_attempts_are_rate_limited_per_address,
    a_hostile_name_is_shown_as_text,
    the_public_leaderboard_is_off_unless_configured,
);

/// Twelve weeks of a growing community, for the browser to chart: each
/// week a few more members greet the group and check in.
async fn twelve_weeks_of_life(site: &mut Site) {
    let names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];
    for week in 0..12_usize {
        let present = (2 + week / 2 + week % 3).min(names.len());
        for (i, name) in names.iter().enumerate().take(present) {
            let who = Who::telegram(&format!("{}", 100 + i), name);
            site.chat.say(&group(), &who, "大家早").await;
            site.chat.say(&group(), &who, "/checkin").await;
            if (i + week) % 4 == 0 {
                site.chat.say(&group(), &who, "有人用过 pg_repack 吗？").await;
            }
        }
        site.chat.due().await;
        site.chat.clock.advance(Duration::days(7));
    }
    site.chat.clock.advance(Duration::days(-3));
}

/// What a headless Chromium said and showed.
struct Browsed {
    dom: String,
    console: Vec<String>,
    /// How it ended, and the end of what it logged (for a failure's message).
    ended: String,
}

/// Runs Chromium once on `url` with the profile `profile` (cookies kept
/// between runs), with `mode` (`--dump-dom` or `--screenshot=…`, and more
/// switches separated by spaces).
async fn chromium(profile: &std::path::Path, mode: &str, url: &str) -> Browsed {
    let run = tokio::process::Command::new("/usr/bin/chromium")
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"])
        .args(["--window-size=1280,1600", "--hide-scrollbars", "--no-first-run", "--lang=zh-CN"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(mode.split(' '))
        .arg(url)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), run)
        .await
        .unwrap_or_else(|_| panic!("chromium took over two minutes on {url}"))
        .unwrap_or_else(|e| panic!("chromium: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A page with no script writes nothing to the console: any line there
    // is a blocked resource, a CSP violation or a failed load.
    let console = stderr.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    let tail: Vec<&str> = stderr.lines().filter(|l| !l.contains("dbus")).collect();
    let ended = format!("{}; {}", out.status, tail[tail.len().saturating_sub(8)..].join("\n"));
    Browsed { dom: String::from_utf8_lossy(&out.stdout).into_owned(), console, ended }
}

/// A real browser: Mo asks for a link in the chat, Chromium opens it (the
/// login page sets the cookie and moves on to the overview), then opens
/// the overview with the cookie it kept, and takes a screenshot. The
/// overview must have its charts and the console must stay silent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_logs_in_and_sees_the_charts() {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var(common::PG_ENV).is_err(),
            "/usr/bin/chromium is missing: CI must install it (apt-get install chromium; see .ci/run)"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n!!! SKIPPED a_browser_logs_in_and_sees_the_charts: /usr/bin/chromium is missing \
             (apt-get install chromium) !!!\n"
        );
        return;
    }
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        probe.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut site = Site::new(TestDb::sqlite().await, &config(&base));
    twelve_weeks_of_life(&mut site).await;
    let link = site.link(&mo()).await;

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listen = format!("127.0.0.1:{port}");
    let app = site.app.clone();
    let server = tokio::spawn(async move {
        jixia_bots::ops::serve(&listen, app, async {
            let _ = stopped.await;
        })
        .await
    });
    for _ in 0..100 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let artifacts = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let profile = artifacts.join("dashboard-chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    let shot = artifacts.join("dashboard-overview.png");
    let _ = std::fs::remove_file(&shot);

    let login = chromium(&profile, "--dump-dom", &format!("{base}{link}")).await;
    let overview = chromium(&profile, "--dump-dom", &format!("{base}/dashboard/default/")).await;
    let screenshot =
        chromium(&profile, &format!("--screenshot={}", shot.display()), &format!("{base}/dashboard/default/")).await;
    let _ = stop.send(());
    let _ = server.await;

    for (step, seen) in [("login", &login), ("overview", &overview), ("screenshot", &screenshot)] {
        assert!(seen.console.is_empty(), "{step}: the console was not silent:\n{}", seen.console.join("\n"));
    }
    // The login page sets the cookie and moves on a second later (Chromium
    // reads the DOM before: following the move needs virtual time, and
    // under load Chromium then reads the DOM between two documents; the
    // move itself is followed in `a_link_opened_from_another_site_logs_in`).
    assert!(
        login.dom.contains("已登录，正在打开后台……")
            && login.dom.contains("<meta http-equiv=\"refresh\" content=\"1; url=/dashboard/default/\">"),
        "the login page:\n{}\n(chromium: {})",
        login.dom,
        login.ended
    );
    assert!(
        overview.dom.contains("Mo · PG 中文社区"),
        "with the kept cookie: not logged in:\n{}\n(chromium: {})",
        overview.dom,
        overview.ended
    );
    let charts = overview.dom.matches("<svg class=\"spark\"").count();
    let lines = overview.dom.matches("<polyline points=").count();
    assert!(charts >= 10 && lines >= 10, "{charts} charts, {lines} lines:\n{}", overview.dom);
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "screenshot of {} bytes", png.len());
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "dashboard screenshot: {}", shot.display());
}

/// Chromium driven through the DevTools protocol: the browser's console
/// (CSP violations, failed loads, errors), and the page's address and
/// markup as it changes.
struct DevTools {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    next_id: u64,
    /// Every console entry and exception so far.
    console: Vec<String>,
    _chromium: tokio::process::Child,
}

impl DevTools {
    /// Starts a headless Chromium with a fresh profile and attaches to its
    /// first tab.
    async fn start(profile: &std::path::Path) -> DevTools {
        use tokio::io::AsyncBufReadExt;
        let _ = std::fs::remove_dir_all(profile);
        let mut chromium = tokio::process::Command::new("/usr/bin/chromium")
            .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", "--no-first-run"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("chromium: {e}"));
        let stderr = chromium.stderr.take().unwrap_or_else(|| panic!("chromium's stderr"));
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        let browser = tokio::time::timeout(std::time::Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return url.to_owned();
                }
            }
            panic!("chromium ended without a DevTools address")
        })
        .await
        .unwrap_or_else(|_| panic!("chromium gave no DevTools address within a minute"));
        // Keep reading its log, or it blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let http = browser.replacen("ws://", "http://", 1);
        let base = http.split("/devtools/").next().unwrap_or_default().to_owned();
        let tabs: serde_json::Value = reqwest::get(format!("{base}/json/list"))
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let tab = tabs
            .as_array()
            .and_then(|t| t.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .unwrap_or_else(|| panic!("no tab in {tabs}"))
            .to_owned();
        let (socket, _) = tokio_tungstenite::connect_async(tab).await.unwrap_or_else(|e| panic!("{e}"));
        let mut tools = DevTools { socket, next_id: 0, console: Vec::new(), _chromium: chromium };
        for method in ["Page.enable", "Runtime.enable", "Log.enable"] {
            tools.call(method, serde_json::json!({})).await;
        }
        tools
    }

    /// Calls `method` and waits for its answer, noting console events on
    /// the way.
    async fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use futures_util::{SinkExt, StreamExt};
        self.next_id += 1;
        let id = self.next_id;
        let call = serde_json::json!({"id": id, "method": method, "params": params});
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::Text(call.to_string()))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        loop {
            let next = tokio::time::timeout(std::time::Duration::from_secs(30), self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("no answer to {method} within 30 s"));
            let Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) = next else { continue };
            let message: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            match message["method"].as_str() {
                Some("Runtime.consoleAPICalled" | "Runtime.exceptionThrown" | "Log.entryAdded") => {
                    self.console.push(message["params"].to_string());
                }
                _ if message["id"] == id => return message["result"].clone(),
                _ => {}
            }
        }
    }

    /// The tab's address and markup now.
    async fn page(&mut self) -> (String, String) {
        let expression = "location.href + '\\n' + document.documentElement.outerHTML";
        let result =
            self.call("Runtime.evaluate", serde_json::json!({"expression": expression, "returnByValue": true})).await;
        let text = result["result"]["value"].as_str().unwrap_or_default().to_owned();
        let (href, html) = text.split_once('\n').unwrap_or((&text, ""));
        (href.to_owned(), html.to_owned())
    }
}

/// A link opened from another site (a chat on web.telegram.org or
/// discord.com): Chromium leaves the chat's page for the login link, and
/// the login page's own move to the overview carries the cookie it just
/// set. (A redirect would not: a browser withholds a SameSite=Strict
/// cookie from a whole navigation another site started.) The console stays
/// silent throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_opened_from_another_site_logs_in() {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        assert!(std::env::var(common::PG_ENV).is_err(), "/usr/bin/chromium is missing: CI must install it");
        use std::io::Write;
        let _ =
            writeln!(std::io::stderr(), "\n!!! SKIPPED: /usr/bin/chromium is missing (apt-get install chromium) !!!\n");
        return;
    }
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        probe.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut site = Site::new(TestDb::sqlite().await, &config(&base));
    a_week_of_activity(&mut site).await;
    let link = site.link(&mo()).await;
    // The chat's page is another site: `localhost` is not `127.0.0.1` to a
    // browser. It sends the browser on to the link, as a click would.
    let chat_page = format!(
        "<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"0; url={base}{link}\">\
         <link rel=\"icon\" href=\"data:,\"></head>\
         <body>a chat</body></html>"
    );
    let app =
        site.app.clone().route("/chat", axum::routing::get(move || async move { axum::response::Html(chat_page) }));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listen = format!("127.0.0.1:{port}");
    let server = tokio::spawn(async move {
        jixia_bots::ops::serve(&listen, app, async {
            let _ = stopped.await;
        })
        .await
    });
    for _ in 0..100 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let mut browser =
        DevTools::start(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard-devtools")).await;
    browser.call("Page.navigate", serde_json::json!({"url": format!("http://localhost:{port}/chat")})).await;
    let mut seen = Vec::new();
    let (mut href, mut html) = (String::new(), String::new());
    for _ in 0..150 {
        (href, html) = browser.page().await;
        if seen.last() != Some(&href) {
            seen.push(href.clone());
        }
        if href == format!("{base}/dashboard/default/") && html.contains("</main>") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = stop.send(());
    let _ = server.await;

    assert_eq!(href, format!("{base}/dashboard/default/"), "the pages it went through: {seen:?}");
    assert!(html.contains("Mo · PG 中文社区"), "not logged in after {seen:?}:\n{html}");
    assert!(html.matches("<svg class=\"spark\"").count() >= 10, "{html}");
    assert!(browser.console.is_empty(), "the console was not silent:\n{}", browser.console.join("\n"));
}
