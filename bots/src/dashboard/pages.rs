//! The dashboard's pages: what each one reads and how it is laid out.
//! The overview gathers the community's figures ([`jixia::features::stats`])
//! for each of the last 12 weeks: 12 gathers of every feature's figure
//! queries (about 20 small indexed counts each, so some 250 queries per
//! load on the read pool), which is fine for a page moderators open now
//! and then; no other page reads more than a few hundred rows.

use chrono::{DateTime, Duration, Utc};
use jixia::Engine;
use jixia::community::Community;
use jixia::features::dashboard::Visitor;
use jixia::features::points::levels::{progress, title_for};
use jixia::features::stats::Periods;
use jixia::features::stats::figures::{Figure, Span, Value, find, gather};
use jixia::i18n::{Args, Locale};
use jixia::store::StoreError;

use super::html::{self, Cell, Nav};
use axum::http::StatusCode;
use axum::response::Response;

/// The pages behind a login, in the header's order.
pub const PAGES: &[&str] = &["overview", "members", "faq", "shop", "jobs"];

/// Weeks the sparklines show.
pub const WEEKS: i64 = 12;

/// Rows a leaderboard shows.
const BOARD_ROWS: usize = 50;

struct Words<'a> {
    engine: &'a Engine,
    locale: Locale,
}

impl Words<'_> {
    fn get(&self, key: &str) -> String {
        self.engine.prompts().plain(self.locale, key)
    }

    fn with(&self, key: &str, args: &Args) -> String {
        self.engine.prompts().format(self.locale, key, args).to_plain()
    }

    fn heads(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| self.get(&format!("dashboard-col-{k}"))).collect()
    }
}

/// A logged-in page, whole.
pub async fn render(
    engine: &Engine,
    visitor: &Visitor,
    locale: Locale,
    page: &str,
    lang_query: &str,
) -> Result<String, StoreError> {
    let w = Words { engine, locale };
    let body = match page {
        "members" => members(&w, visitor).await?,
        "faq" => faq(&w, visitor).await?,
        "shop" => shop(&w, visitor).await?,
        "jobs" => jobs(&w, visitor).await?,
        _ => overview(&w, visitor).await?,
    };
    let nav = Nav {
        community: &visitor.community.id,
        here: page,
        links: PAGES.iter().map(|p| (*p, w.get(&format!("dashboard-nav-{p}")))).collect(),
        who: w.with(
            "dashboard-signed-in",
            &Args::new()
                .str("name", visitor.member.display_name.clone())
                .str("community", visitor.community.name.clone()),
        ),
        logout: w.get("dashboard-logout"),
        lang_query: lang_query.to_owned(),
    };
    Ok(html::page(locale.code(), &w.get("dashboard-title"), Some(&nav), &body))
}

/// The figures of the week ending today and of the 11 before, newest first.
pub async fn weekly_figures(engine: &Engine, visitor: &Visitor) -> Result<Vec<(Periods, Vec<Figure>)>, StoreError> {
    let community = &visitor.community;
    let today = engine.now().with_timezone(&community.tz).date_naive();
    let mut weeks = Vec::with_capacity(WEEKS as usize);
    for i in 0..WEEKS {
        let periods = Periods::ending(today - Duration::days(7 * i), 7);
        let span = Span { engine, community, from: periods.from, to: periods.to };
        weeks.push((periods, gather(&span).await?));
    }
    Ok(weeks)
}

async fn overview(w: &Words<'_>, visitor: &Visitor) -> Result<String, StoreError> {
    let weeks = weekly_figures(w.engine, visitor).await?;
    let Some((this_week, now)) = weeks.first() else { return Ok(String::new()) };
    let before = weeks.get(1).map(|(_, f)| f.as_slice()).unwrap_or(&[]);
    let mut rows = Vec::new();
    for f in now.iter().filter(|f| f.brief) {
        let label = f.label_in(w.engine, w.locale);
        let change = f.value.change_from(find(before, &f.name).map_or(Value::count(0), |b| b.value));
        let values: Vec<Option<f64>> =
            weeks.iter().rev().map(|(_, figures)| find(figures, &f.name).and_then(|x| x.value.number())).collect();
        rows.push(vec![
            Cell::Text(label.clone()),
            Cell::Num(f.value.show()),
            Cell::Change(change),
            Cell::Raw(html::sparkline(&values, &label)),
        ]);
    }
    let title = w.with(
        "dashboard-overview-title",
        &Args::new()
            .str("from", this_week.from.format("%Y-%m-%d").to_string())
            .str("to", (this_week.to - Duration::days(1)).format("%Y-%m-%d").to_string()),
    );
    Ok(format!(
        "<h2>{}</h2><p class=\"note\">{}</p>{}",
        html::esc(&title),
        html::esc(&w.get("dashboard-overview-note")),
        html::table(&w.heads(&["figure", "week", "change", "trend"]), &rows, &w.get("dashboard-empty"))
    ))
}

/// The leaderboard rows: rank, name, contribution, level and title.
async fn board(w: &Words<'_>, community: &Community) -> Result<Vec<Vec<Cell>>, StoreError> {
    let config = &community.features.points;
    let mut members = w.engine.store().points().board_points(&community.id, None).await?;
    members.retain(|m| m.2 > 0);
    members.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut rank = 0;
    let mut last = None;
    let mut rows = Vec::new();
    for (_, name, points) in members.into_iter().take(BOARD_ROWS) {
        if last != Some(points) {
            rank += 1;
            last = Some(points);
        }
        let level = progress(config.level_curve, points).level;
        let title = title_for(&config.titles, level).map(|t| t.name(w.locale).to_owned()).unwrap_or_default();
        rows.push(vec![
            Cell::Num(rank.to_string()),
            Cell::Text(name),
            Cell::Num(points.to_string()),
            Cell::Num(level.to_string()),
            Cell::Text(title),
        ]);
    }
    Ok(rows)
}

/// A moment as the community's clocks show it.
fn local_time(community: &Community, at: DateTime<Utc>) -> String {
    at.with_timezone(&community.tz).format("%Y-%m-%d %H:%M").to_string()
}

async fn members(w: &Words<'_>, visitor: &Visitor) -> Result<String, StoreError> {
    let community = &visitor.community;
    let board = board(w, community).await?;
    let new = w.engine.store().dashboard().new_members(&community.id, 20).await?;
    let new: Vec<Vec<Cell>> =
        new.into_iter().map(|m| vec![Cell::Text(m.name), Cell::Text(local_time(community, m.joined))]).collect();
    Ok(format!(
        "<h2>{}</h2>{}<h2>{}</h2>{}",
        html::esc(&w.get("dashboard-members-board")),
        html::table(&w.heads(&["rank", "name", "points", "level", "title"]), &board, &w.get("dashboard-empty")),
        html::esc(&w.get("dashboard-members-new")),
        html::table(&w.heads(&["name", "joined"]), &new, &w.get("dashboard-empty")),
    ))
}

async fn faq(w: &Words<'_>, visitor: &Visitor) -> Result<String, StoreError> {
    let community = &visitor.community;
    let lines = w.engine.store().dashboard().faq_lines(&community.id, 200).await?;
    let rows: Vec<Vec<Cell>> = lines
        .into_iter()
        .map(|l| {
            vec![
                Cell::Text(l.id),
                Cell::Text(l.question),
                Cell::Num(l.redirects.to_string()),
                Cell::Num(Value::share(l.unhelpful, l.redirects).show()),
                Cell::Num(l.hits.to_string()),
            ]
        })
        .collect();
    let gaps = jixia::features::faq::gaps_of(w.engine, community, w.engine.now()).await?;
    let gaps: Vec<Vec<Cell>> =
        gaps.into_iter().map(|(n, example)| vec![Cell::Num(n.to_string()), Cell::Text(example)]).collect();
    let days = community.features.faq.gaps_days;
    Ok(format!(
        "<h2>{}</h2>{}<h2>{}</h2>{}",
        html::esc(&w.get("dashboard-faq-entries")),
        html::table(
            &w.heads(&["entry", "question", "redirects", "unhelpful", "hits"]),
            &rows,
            &w.get("dashboard-empty")
        ),
        html::esc(&w.with("dashboard-faq-gaps", &Args::new().num("days", days))),
        html::table(&w.heads(&["asked", "example"]), &gaps, &w.get("dashboard-empty")),
    ))
}

async fn shop(w: &Words<'_>, visitor: &Visitor) -> Result<String, StoreError> {
    let community = &visitor.community;
    let mut orders = w.engine.store().shop().orders(&community.id, None, 1000).await?;
    orders.reverse();
    let rows: Vec<Vec<Cell>> = orders
        .into_iter()
        .take(100)
        .map(|o| {
            let state = match o.state.as_str() {
                "open" | "done" | "refunded" => w.get(&format!("dashboard-order-{}", o.state)),
                other => other.to_owned(),
            };
            vec![
                Cell::Num(format!("#{}", o.id)),
                Cell::Text(o.member_name),
                Cell::Text(o.item),
                Cell::Num(o.price.to_string()),
                Cell::Text(state),
                Cell::Text(local_time(community, o.created_at)),
            ]
        })
        .collect();
    Ok(format!(
        "<h2>{}</h2>{}",
        html::esc(&w.get("dashboard-shop-orders")),
        html::table(&w.heads(&["order", "name", "item", "price", "state", "when"]), &rows, &w.get("dashboard-empty")),
    ))
}

async fn jobs(w: &Words<'_>, visitor: &Visitor) -> Result<String, StoreError> {
    let store = w.engine.store();
    let community = &visitor.community;
    let now = w.engine.now();
    let queue: Vec<Vec<Cell>> = store
        .queue_admin()
        .job_counts()
        .await?
        .into_iter()
        .map(|c| {
            vec![
                Cell::Text(c.kind),
                Cell::Text(c.state.as_str().to_owned()),
                Cell::Num(c.jobs.to_string()),
                Cell::Text(local_time(community, c.oldest_due)),
            ]
        })
        .collect();
    let outbox: Vec<Vec<Cell>> = store
        .jobs()
        .outbox_counts()
        .await?
        .into_iter()
        .map(|(platform, state, n)| vec![Cell::Text(platform), Cell::Text(state), Cell::Num(n.to_string())])
        .collect();
    let oldest = match store.dashboard().oldest_pending().await? {
        Some(at) => {
            let age = Value::Seconds { secs: Some((now - at).num_seconds().max(0)) }.show();
            w.with("dashboard-jobs-oldest", &Args::new().str("age", age))
        }
        None => w.get("dashboard-jobs-none-pending"),
    };
    let failed: Vec<Vec<Cell>> = store
        .jobs()
        .failed_jobs(20)
        .await?
        .into_iter()
        .map(|j| {
            vec![
                Cell::Text(j.kind),
                Cell::Text(j.key),
                Cell::Num(j.attempts.to_string()),
                Cell::Text(j.last_error.unwrap_or_default()),
            ]
        })
        .collect();
    let undelivered: Vec<Vec<Cell>> = store
        .dashboard()
        .failed_deliveries(20)
        .await?
        .into_iter()
        .map(|d| {
            vec![
                Cell::Text(d.platform),
                Cell::Num(d.attempts.to_string()),
                Cell::Text(d.error),
                Cell::Text(local_time(community, d.created)),
            ]
        })
        .collect();
    let empty = w.get("dashboard-empty");
    Ok(format!(
        "<h2>{}</h2>{}<h2>{}</h2><p class=\"note\">{}</p>{}<h2>{}</h2>{}<h2>{}</h2>{}",
        html::esc(&w.get("dashboard-jobs-queue")),
        html::table(&w.heads(&["kind", "state", "count", "due"]), &queue, &empty),
        html::esc(&w.get("dashboard-jobs-outbox")),
        html::esc(&oldest),
        html::table(&w.heads(&["platform", "state", "count"]), &outbox, &empty),
        html::esc(&w.get("dashboard-jobs-failed")),
        html::table(&w.heads(&["kind", "entry", "attempts", "error"]), &failed, &empty),
        html::esc(&w.get("dashboard-outbox-failed")),
        html::table(&w.heads(&["platform", "attempts", "error", "when"]), &undelivered, &empty),
    ))
}

/// `GET /dashboard/ID/leaderboard`, no login: only when
/// `[dashboard] public_leaderboard` is on, and only names, points and
/// levels.
pub async fn public_leaderboard(engine: &Engine, community: &str, locale: Locale) -> Response {
    let w = Words { engine, locale };
    let Some(c) = engine.communities().get(community).filter(|_| engine.config().dashboard.public_leaderboard) else {
        return super::notice(engine, locale, StatusCode::NOT_FOUND, "dashboard-not-found");
    };
    match board(&w, &c).await {
        Ok(rows) => {
            let title = w.with("dashboard-public-title", &Args::new().str("community", c.name.clone()));
            let rows: Vec<Vec<Cell>> = rows
                .into_iter()
                .map(|mut r| {
                    r.truncate(4);
                    r
                })
                .collect();
            let body = html::table(&w.heads(&["rank", "name", "points", "level"]), &rows, &w.get("dashboard-empty"));
            super::html(StatusCode::OK, html::page(locale.code(), &title, None, &body))
        }
        Err(e) => super::internal(engine, locale, &e),
    }
}
