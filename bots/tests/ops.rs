//! The operators' endpoints as an operator meets them: `jixia run` with
//! `[http] listen` set, QQ in reverse mode waiting for its OneBot
//! implementation (a fake), `/readyz` refusing until it connects, then a
//! short conversation and `/metrics` read with a Prometheus text parser;
//! and the Telegram webhook's listener serving the same endpoints when it is
//! the same address.

#[path = "support/onebot.rs"]
#[allow(dead_code, reason = "the QQ tests use the rest of the fake")]
mod onebot;
#[path = "support/operator.rs"]
mod operator;
#[allow(dead_code, reason = "the Telegram tests use the rest of the fake")]
mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use onebot::{FakeOneBot, group_message, text};
use serde_json::json;
use support::fake_bot_api::FakeBotApi;

const GROUP: i64 = 20_001;
const ALICE: i64 = 30_001;

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
}

/// A scratch directory with `jixia.toml`, removed when dropped.
struct Dir(std::path::PathBuf);

impl Dir {
    fn with_config(label: &str, config: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("jixia-ops-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("jixia.toml"), config).unwrap_or_else(|e| panic!("{e}"));
        Dir(dir)
    }

    fn run(&self, env: &[(&str, &str)]) -> tokio::process::Child {
        let mut cmd = tokio::process::Command::from(operator::jixia(&self.0, &["run", "--config", "jixia.toml"]));
        cmd.envs(env.iter().copied());
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        cmd.spawn().unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// GET `url`: status and body; `None` while nothing listens.
async fn get(url: &str) -> Option<(u16, String)> {
    let answer = reqwest::get(url).await.ok()?;
    let status = answer.status().as_u16();
    Some((status, answer.text().await.unwrap_or_default()))
}

/// GET `url` until `done` holds (at most 20 s).
async fn get_until(url: &str, done: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let got = get(url).await;
        if let Some((status, body)) = &got
            && done(*status, body)
        {
            return (*status, body.clone());
        }
        assert!(tokio::time::Instant::now() < deadline, "{url}: last answer {got:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Stops `child` with SIGTERM; its stderr.
async fn stop(child: tokio::process::Child) -> String {
    let out = operator::stop(child, "TERM").await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "exit {:?}; stderr:\n{stderr}", out.status);
    stderr
}

/// The samples of a scrape as `name{label="value",…}` → value, labels in
/// name order.
fn samples(body: &str) -> BTreeMap<String, f64> {
    let lines = body.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap_or_else(|e| panic!("not Prometheus text: {e}\n{body}"));
    scrape
        .samples
        .into_iter()
        .map(|s| {
            let mut labels: Vec<(String, String)> = s.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            labels.sort();
            let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
            let value = match s.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
                prometheus_parse::Value::Untyped(v) => v,
                prometheus_parse::Value::Histogram(h) => h.iter().map(|b| b.count).fold(0.0, f64::max),
                prometheus_parse::Value::Summary(_) => f64::NAN,
            };
            (format!("{}{{{}}}", s.metric, labels.join(",")), value)
        })
        .collect()
}

/// QQ in reverse mode: `/healthz` answers at once, `/readyz` says QQ is
/// not connected until the implementation connects; after `/ping` and a
/// chat message, `/metrics` counts them, times the command, and shows the
/// outbox, the jobs and the pools; `[http] metrics = "off"` hides it.
#[cfg(unix)]
#[tokio::test]
async fn health_readiness_and_metrics_of_a_running_bot() {
    let (qq, http) = (free_port(), free_port());
    let config = format!(
        "[qq]\nenabled = true\nlisten = \"127.0.0.1:{qq}\"\nself_id = \"{}\"\n\n[http]\nlisten = \"127.0.0.1:{http}\"\n\n\
         [communities.default]\nchats = [\"qq:{GROUP}\"]\n",
        onebot::SELF_ID
    );
    let dir = Dir::with_config("qq", &config);
    let child = dir.run(&[("JIXIA__QQ__ACCESS_TOKEN", "ops-token")]);
    let base = format!("http://127.0.0.1:{http}");

    assert_eq!(get_until(&format!("{base}/healthz"), |s, _| s == 200).await.1, "ok\n");
    let (status, body) = get_until(&format!("{base}/readyz"), |_, _| true).await;
    assert_eq!((status, body.as_str()), (503, "qq: not connected\n"));

    let fake = FakeOneBot::new();
    fake.connect(&format!("127.0.0.1:{qq}"), Some("ops-token"), false).await.unwrap_or_else(|s| panic!("{s}"));
    assert_eq!(get_until(&format!("{base}/readyz"), |s, _| s == 200).await.1, "ready\n");
    fake.push(group_message(1, GROUP, ALICE, "Alice", "member", text("/ping"))).await;
    fake.push(group_message(2, GROUP, ALICE, "Alice", "member", text("大家早上好"))).await;
    let sent = fake.sent(1).await;
    assert_eq!(sent[0].text(), "pong 🏓");

    let chat = "jixia_messages_total{kind=\"chat\",platform=\"qq\"}";
    let (status, body) =
        get_until(&format!("{base}/metrics"), |s, b| s == 200 && samples(b).get(chat) == Some(&1.0)).await;
    assert_eq!(status, 200);
    let m = samples(&body);
    assert_eq!(m.get("jixia_messages_total{kind=\"command\",platform=\"qq\"}"), Some(&1.0), "{body}");
    assert_eq!(m.get("jixia_command_seconds_count{command=\"ping\"}"), Some(&1.0), "{body}");
    assert!(m.contains_key("jixia_command_seconds_sum{command=\"ping\"}"), "{body}");
    assert!(m.keys().any(|k| k.starts_with("jixia_outbox_messages{")), "{body}");
    assert!(m.keys().any(|k| k.starts_with("jixia_jobs{")), "{body}");
    assert!(m.contains_key("jixia_db_connections{pool=\"write\",state=\"idle\"}"), "{body}");
    assert_eq!(m.get("jixia_rate_limited_total{platform=\"qq\"}"), Some(&0.0), "{body}");
    assert!(m.contains_key("jixia_ledger_movements_total{kind=\"activity\"}"), "{body}");
    assert!(!body.contains("ops-token"), "{body}");

    let stderr = stop(child).await;
    assert!(!stderr.contains("ops-token") && !stderr.contains("panicked"), "{stderr}");

    // Off: no metrics, the rest still there.
    let off = config.replace("[http]\n", "[http]\nmetrics = \"off\"\n");
    let dir = Dir::with_config("qq-off", &off);
    let child = dir.run(&[("JIXIA__QQ__ACCESS_TOKEN", "ops-token")]);
    assert_eq!(get_until(&format!("{base}/healthz"), |s, _| s == 200).await.1, "ok\n");
    assert_eq!(get(&format!("{base}/metrics")).await.map(|a| a.0), Some(404));
    stop(child).await;
}

/// The Telegram webhook on the same address as `[http] listen`: one
/// listener serves the webhook, the operators' endpoints and the
/// moderators' dashboard.
#[cfg(unix)]
#[tokio::test]
async fn the_webhook_listener_serves_the_endpoints_too() {
    const TOKEN: &str = "123456:ops-token-sekrit";
    let fake = FakeBotApi::start(TOKEN).await;
    let port = free_port();
    let config = format!(
        "[telegram]\nenabled = true\napi_url = \"{}\"\nmode = \"webhook\"\nwebhook_url = \"http://127.0.0.1:{port}/tg\"\n\
         webhook_listen = \"127.0.0.1:{port}\"\n\n[http]\nlisten = \"127.0.0.1:{port}\"\n\n\
         [dashboard]\nenabled = true\nbase_url = \"https://bot.example.org\"\n",
        fake.url
    );
    let dir = Dir::with_config("webhook", &config);
    let dashboard_secret = "dashboard-secret-7f3a9c1e5b2d8f4a6c0e9b1d";
    let child = dir.run(&[
        ("JIXIA__TELEGRAM__TOKEN", TOKEN),
        ("JIXIA__TELEGRAM__WEBHOOK_SECRET", "hook-secret"),
        ("JIXIA_DASHBOARD_SECRET", dashboard_secret),
    ]);
    fake.wait_for("setwebhook", 1).await;
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(get_until(&format!("{base}/healthz"), |s, _| s == 200).await.1, "ok\n");
    assert_eq!(get_until(&format!("{base}/readyz"), |s, _| s == 200).await.1, "ready\n");
    let (status, body) = get_until(&format!("{base}/metrics"), |s, _| s == 200).await;
    assert_eq!(status, 200);
    assert!(samples(&body).contains_key("jixia_faq_redirects_total{}"), "{body}");
    // The webhook itself still wants its secret.
    let refused = reqwest::Client::new()
        .post(format!("{base}/tg"))
        .json(&json!({"update_id": 1}))
        .send()
        .await
        .map(|a| a.status().as_u16())
        .unwrap_or_default();
    assert_eq!(refused, 401);
    // The dashboard answers there too: without a session, how to log in.
    let dashboard = reqwest::get(format!("{base}/dashboard/default/")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dashboard.status().as_u16(), 401);
    let csp = dashboard.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let page = dashboard.text().await.unwrap_or_default();
    assert!(page.contains("/dashboard"), "{page}");
    let stderr = stop(child).await;
    assert!(!stderr.contains("sekrit") && !stderr.contains("hook-secret"), "{stderr}");
    assert!(!stderr.contains(dashboard_secret), "{stderr}");
}

/// A listen address that is not one is refused at start, naming the key.
#[test]
fn a_bad_listen_address_is_named() {
    let dir = Dir::with_config("bad", "[http]\nlisten = \"localhost\"\n");
    let out = operator::jixia(&dir.0, &["config", "check", "--config", "jixia.toml"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("http.listen") && stderr.contains("`localhost`"), "{stderr}");
}
