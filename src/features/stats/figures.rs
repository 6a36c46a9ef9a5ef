//! The community's figures: what each feature counts over a span of days
//! ([`Feature::figures`](crate::features::Feature::figures)), gathered in
//! [`ALL`] order for `/stats`, `jixia stats` and the moderators' digest.
//! A feature adds its lines by declaring a hook; nothing here names one.
//!
//! A hook's SQL takes three binds, always the same: `$1` the community,
//! then the span as milliseconds (`$2` from, `$3` to, for `at_ms` columns)
//! or as days (`$2` first day, `$3` the day after the last, `YYYY-MM-DD`,
//! for `day` columns), or only the end (`$2`, milliseconds: what stands at
//! the end of the span); see [`Query`].

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::features::ALL;
use crate::i18n::{Args, Locale};
use crate::store::{StoreError, ms};

/// A feature's figures over a span: a hook sees the figures of the
/// features before it in [`ALL`] (a share of what another counted).
pub type FiguresHook = for<'a> fn(&'a Span<'a>, &'a [Figure]) -> BoxFuture<'a, Result<Vec<Figure>, StoreError>>;

/// Days `from..to` (the last one excluded) of one community, in its time
/// zone.
#[derive(Debug, Clone, Copy)]
pub struct Span<'a> {
    /// The engine.
    pub engine: &'a Engine,
    /// The community.
    pub community: &'a Community,
    /// The first day.
    pub from: NaiveDate,
    /// The day after the last.
    pub to: NaiveDate,
}

impl Span<'_> {
    /// Midnight at the start of `day`, in the community's time zone.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let tz = self.community.tz;
        // A time zone that skips midnight (a clock change): an hour later
        // exists.
        let local = tz.from_local_datetime(&midnight).earliest();
        let local = local.or_else(|| tz.from_local_datetime(&(midnight + Duration::hours(1))).earliest());
        local.map_or_else(|| Utc.from_utc_datetime(&midnight), |t| t.with_timezone(&Utc))
    }

    /// The span's start.
    pub fn start(&self) -> DateTime<Utc> {
        self.start_of(self.from)
    }

    /// The span's end (excluded).
    pub fn end(&self) -> DateTime<Utc> {
        self.start_of(self.to)
    }

    /// The same community over other days.
    pub fn with_days(&self, from: NaiveDate, to: NaiveDate) -> Span<'_> {
        Span { from, to, ..*self }
    }

    /// The `days` days ending with the span's last day (a trailing window:
    /// weekly and monthly actives).
    pub fn trailing(&self, days: i64) -> Span<'_> {
        self.with_days(self.to - Duration::days(days), self.to)
    }

    /// Runs `query` (one number; NULL is 0) on the read pool.
    pub async fn count(&self, query: Query) -> Result<i64, StoreError> {
        self.engine.store().stats().figure(query, &self.binds(query)).await
    }

    /// Runs `query` (one number per row) on the read pool.
    pub async fn values(&self, query: Query) -> Result<Vec<i64>, StoreError> {
        self.engine.store().stats().figure_values(query, &self.binds(query)).await
    }

    fn binds(&self, query: Query) -> Binds {
        match query {
            Query::Ms(_) => Binds::Ms(self.community.id.clone(), ms(self.start()), ms(self.end())),
            Query::Days(_) => Binds::Days(self.community.id.clone(), day_text(self.from), day_text(self.to)),
            Query::Until(_) => Binds::Until(self.community.id.clone(), ms(self.end())),
        }
    }
}

/// A day as stored in `day` columns.
pub fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// One figure's SQL, by what its span binds are.
#[derive(Debug, Clone, Copy)]
pub enum Query {
    /// `$1` community, `$2`/`$3` milliseconds since the epoch.
    Ms(&'static str),
    /// `$1` community, `$2`/`$3` days as `YYYY-MM-DD`.
    Days(&'static str),
    /// `$1` community, `$2` the span's end in milliseconds (a state at the
    /// end: members so far).
    Until(&'static str),
}

impl Query {
    /// The SQL.
    pub fn sql(self) -> &'static str {
        match self {
            Query::Ms(s) | Query::Days(s) | Query::Until(s) => s,
        }
    }
}

/// A query's binds.
#[derive(Debug, Clone)]
pub enum Binds {
    /// Community, from and to in milliseconds.
    Ms(String, i64, i64),
    /// Community, first day and the day after the last.
    Days(String, String, String),
    /// Community and the end in milliseconds.
    Until(String, i64),
}

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// A count (members, messages, points).
    Count {
        /// The count.
        n: i64,
    },
    /// A part of a whole (members who checked in on 3 of 7 days).
    Share {
        /// The part.
        part: i64,
        /// The whole; a share of nothing is shown as "–".
        whole: i64,
    },
    /// A duration in seconds; `None` when nothing was measured.
    Seconds {
        /// The duration.
        secs: Option<i64>,
    },
}

impl Value {
    /// A count.
    pub fn count(n: i64) -> Value {
        Value::Count { n }
    }

    /// A share.
    pub fn share(part: i64, whole: i64) -> Value {
        Value::Share { part, whole }
    }

    /// The number a spreadsheet wants: the count, the share as a fraction
    /// (`None` of nothing), the seconds.
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Count { n } => Some(n as f64),
            Value::Share { part, whole } => (whole > 0).then(|| part as f64 / whole as f64),
            Value::Seconds { secs } => secs.map(|s| s as f64),
        }
    }

    /// As a person reads it: `1234`, `42%`, `3 min`, `–`.
    pub fn show(self) -> String {
        match self {
            Value::Count { n } => n.to_string(),
            Value::Share { .. } => match self.number() {
                Some(f) => format!("{:.0}%", f * 100.0),
                None => "–".into(),
            },
            Value::Seconds { secs: None } => "–".into(),
            Value::Seconds { secs: Some(s) } => duration(s),
        }
    }

    /// The change from `before` to this, as a person reads it: `+12`,
    /// `-3`, `+5 pt` for shares, empty when there is nothing to compare.
    pub fn change_from(self, before: Value) -> String {
        match (self, before) {
            (Value::Count { n }, Value::Count { n: b }) => signed(n - b),
            (Value::Share { .. }, Value::Share { .. }) => match (self.number(), before.number()) {
                (Some(now), Some(then)) => format!("{} pt", signed(((now - then) * 100.0).round() as i64)),
                _ => String::new(),
            },
            (Value::Seconds { secs: Some(a) }, Value::Seconds { secs: Some(b) }) => {
                if a >= b {
                    format!("+{}", duration(a - b))
                } else {
                    format!("-{}", duration(b - a))
                }
            }
            _ => String::new(),
        }
    }
}

fn signed(n: i64) -> String {
    if n > 0 { format!("+{n}") } else { n.to_string() }
}

fn duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 * 2 => format!("{:.1} h", s as f64 / 3600.0),
        s => format!("{:.1} d", s as f64 / 86_400.0),
    }
}

/// One line of the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Its stable name, for CSV, JSON and the dashboard
    /// (`members.total`, `messages.telegram`).
    pub name: String,
    /// The prompt key of its label (`stats-members-total`).
    #[serde(skip)]
    pub label: &'static str,
    /// What the label names, if anything (a platform, a chat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Shown in the short table of `/stats` and the digest; the rest (per
    /// chat) only in `jixia stats`.
    #[serde(skip)]
    pub brief: bool,
    /// The figure.
    pub value: Value,
}

impl Figure {
    /// A figure shown everywhere.
    pub fn new(name: &str, label: &'static str, value: Value) -> Figure {
        Figure { name: name.to_owned(), label, detail: None, brief: true, value }
    }

    /// Names what the label is about (a platform).
    pub fn detail(mut self, detail: impl Into<String>) -> Figure {
        self.detail = Some(detail.into());
        self
    }

    /// Only in `jixia stats`, not in the short tables.
    pub fn full_only(mut self) -> Figure {
        self.brief = false;
        self
    }

    /// Its label in `locale` (the prompt gets the detail as `$detail`).
    pub fn label_in(&self, engine: &Engine, locale: Locale) -> String {
        let args = Args::new().str("detail", self.detail.clone().unwrap_or_default());
        engine.prompts().format(locale, self.label, &args).to_plain()
    }
}

/// Every feature's figures for `span`, in [`ALL`] order, features that are
/// off in the community left out. Group commits are written first, so the
/// figures include the last moments.
pub async fn gather(span: &Span<'_>) -> Result<Vec<Figure>, StoreError> {
    span.engine.flush_pending_writes().await;
    let mut figures = Vec::new();
    for feature in ALL.iter().filter(|f| span.community.features.is_on(f.id)) {
        if let Some(hook) = feature.figures {
            let more = hook(span, &figures).await?;
            figures.extend(more);
        }
    }
    Ok(figures)
}

/// The figure named `name` among `figures`.
pub fn find<'a>(figures: &'a [Figure], name: &str) -> Option<&'a Figure> {
    figures.iter().find(|f| f.name == name)
}
