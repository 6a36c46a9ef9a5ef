//! `cargo bench --bench faq`: the FAQ matcher with 10 000 synthetic entries
//! (half Chinese, half English): index build time, and match latency
//! (p50/p99/max) over a stream of chat questions, some answerable, some not.

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

use std::time::Instant;

use jixia::features::faq::build_matcher;
use jixia::features::faq::store::FaqEntry;
use jixia::i18n::Locale;

const ZH_TOPICS: &[&str] = &[
    "主从复制",
    "逻辑复制",
    "索引",
    "分区表",
    "慢查询",
    "死锁",
    "备份",
    "恢复",
    "连接池",
    "表空间",
    "物化视图",
    "全文检索",
    "触发器",
    "存储过程",
    "事务",
    "序列号",
    "时区",
    "权限",
    "扩展",
    "升级",
    "归档",
    "检查点",
];
const ZH_ACTIONS: &[&str] = &["怎么配置", "为什么失败", "如何监控", "怎样优化", "有什么限制", "怎么排查", "如何迁移"];
const EN_TOPICS: &[&str] = &[
    "streaming replication",
    "logical replication",
    "btree index",
    "partitioned table",
    "slow query",
    "deadlock",
    "pg_dump backup",
    "point in time recovery",
    "connection pooling",
    "tablespace",
    "materialized view",
    "full text search",
    "trigger",
    "stored procedure",
    "transaction isolation",
    "sequence",
    "time zone",
    "row level security",
    "extension",
    "major upgrade",
    "wal archiving",
    "checkpoint tuning",
];
const EN_ACTIONS: &[&str] = &[
    "How do I configure",
    "Why does it fail:",
    "How can I monitor",
    "How do I speed up",
    "What limits apply to",
    "How do I debug",
    "How do I migrate",
];

fn entries(n: usize) -> Vec<FaqEntry> {
    (0..n)
        .map(|i| {
            let zh = i % 2 == 0;
            let (t, a) = (i / 2 % 22, i / 44 % 7);
            let (question, lang) = if zh {
                (format!("{}{}？（场景 {} 版本 {}）", ZH_TOPICS[t], ZH_ACTIONS[a], i / 308, 9 + i % 9), Locale::Zh)
            } else {
                (format!("{} {} (case {} on version {})?", EN_ACTIONS[a], EN_TOPICS[t], i / 308, 9 + i % 9), Locale::En)
            };
            FaqEntry {
                id: format!("e{i}"),
                answer: format!("See the documentation, chapter {i}; check max_connections and shared_buffers first."),
                question,
                lang,
                ..FaqEntry::default()
            }
        })
        .collect()
}

fn main() {
    let faq = entries(10_000);
    jixia::features::faq::normalize::warm_up();
    let start = Instant::now();
    let matcher = build_matcher(&faq);
    let build = start.elapsed();
    let queries: Vec<String> = (0..5_000)
        .map(|i| match i % 4 {
            0 => format!("请问{}{}？", ZH_TOPICS[i % 22], ZH_ACTIONS[i % 7]),
            1 => format!("{} {}?", EN_ACTIONS[i % 7], EN_TOPICS[i % 22]),
            2 => "有人知道今晚的分享会几点开始吗？".to_owned(),
            _ => "anyone tried the new release of pgvector with hnsw?".to_owned(),
        })
        .collect();
    // Three passes: the first pass's figures are what a message sees; the
    // per-question minimum over the passes takes out the time the thread
    // was descheduled on a busy machine (shared CI, other builds).
    let mut first = Vec::with_capacity(queries.len());
    let mut best_of = vec![std::time::Duration::MAX; queries.len()];
    let mut hits = 0;
    for pass in 0..3 {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let best = matcher.best(q, None);
            let took = t.elapsed();
            if pass == 0 {
                first.push(took);
                hits += usize::from(best.is_some_and(|m| m.score >= 0.4));
            }
            best_of[i] = best_of[i].min(took);
        }
    }
    println!("faq matcher: {} entries, index built in {:.1} ms", faq.len(), build.as_secs_f64() * 1000.0);
    for (label, mut times) in [("first pass", first), ("best of 3 per question", best_of)] {
        times.sort_unstable();
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "match latency, {label}, {} questions: p50 {} µs, p99 {} µs, max {} µs",
            queries.len(),
            pct(0.50).as_micros(),
            pct(0.99).as_micros(),
            times.last().map_or(0, |t| t.as_micros()),
        );
    }
    println!("{hits} of {} questions matched above 0.4", queries.len());
}
