//! How posts, salaries, places and subscriptions read in one language: the
//! list line (never the contact), the full card (`/job ID` and direct
//! messages), and the one-line summaries of what was understood. Shared by
//! the commands, the jobs and the digest.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::features::hiring::city::Remote;
use crate::features::hiring::expiry::Expiry;
use crate::features::hiring::query::Query;
use crate::features::hiring::salary::{Salary, SalaryFloor, SalaryRange};
use crate::features::hiring::store::{Post, PostState};
use crate::features::hiring::text::excerpt;
use crate::i18n::{Arg, Args, Locale, Prompt, Prompts};
use crate::rich::RichText;

/// Separator between the parts of a line.
const DOT: &str = " · ";

/// One language and time zone to render in.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The prompts.
    pub prompts: &'a Prompts,
    /// The language.
    pub locale: Locale,
    /// The community's time zone (dates are its calendar days).
    pub tz: Tz,
}

/// What a post's card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Card {
    /// The contact (never in group lists).
    pub contact: bool,
    /// At most this many characters of the description (all of it: `None`).
    pub excerpt: Option<usize>,
    /// The state and the rejection reason (for its poster and moderators).
    pub state: bool,
}

impl View<'_> {
    /// A prompt as rich text.
    pub fn text(&self, key: &str, args: &Args) -> RichText {
        self.prompts.format(self.locale, key, args)
    }

    /// A prompt as plain text.
    pub fn plain(&self, key: &str, args: &Args) -> String {
        self.text(key, args).to_plain()
    }

    /// A prompt whose `field` and `state` arguments are stored names
    /// (`title`, `open`), with those names in this language, ready to format.
    pub fn localize(&self, prompt: Prompt) -> Prompt {
        let args = prompt
            .args
            .0
            .into_iter()
            .map(|(name, value)| match (name, value) {
                ("field", Arg::Str(f)) => (name, Arg::Str(self.plain(&format!("hiring-field-{f}"), &Args::new()))),
                ("state", Arg::Str(s)) => (name, Arg::Str(self.state(&s))),
                (name, value) => (name, value),
            })
            .collect();
        Prompt::new(prompt.key, Args(args))
    }

    /// A prompt, localized and formatted.
    pub fn render(&self, prompt: Prompt) -> RichText {
        self.prompts.render(self.locale, &self.localize(prompt))
    }

    /// A state's name (`open` → 招聘中).
    pub fn state(&self, stored: &str) -> String {
        self.plain(&format!("hiring-state-{stored}"), &Args::new())
    }

    /// A calendar day of the community.
    pub fn day(&self, day: NaiveDate) -> String {
        day.format("%Y-%m-%d").to_string()
    }

    /// An instant as the community's local date and time.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%Y-%m-%d %H:%M").to_string()
    }

    /// The last day a post expiring at `expires_at` is listed.
    pub fn last_day(&self, expires_at: DateTime<Utc>) -> String {
        self.day((expires_at - Duration::milliseconds(1)).with_timezone(&self.tz).date_naive())
    }

    /// A salary: `¥30k–50k/月 · 14薪`, `$120k–150k/year`, `薪资面议`.
    pub fn salary(&self, salary: &Salary) -> String {
        match salary {
            Salary::Negotiable => self.plain("hiring-salary-negotiable", &Args::new()),
            Salary::Range(r) => self.range(r, &r.amounts()),
        }
    }

    fn range(&self, r: &SalaryRange, amounts: &str) -> String {
        let period = self.plain(&format!("hiring-period-{}", r.period.as_str()), &Args::new());
        let months = r.months.filter(|m| *m != 12).map_or(0, i64::from);
        self.plain("hiring-salary", &Args::new().str("amounts", amounts).str("period", period).num("months", months))
    }

    /// A salary floor, monthly: `¥30k`, `¥33.33k` (`40万/年`; rounded to
    /// tens so a yearly floor does not read `¥33333`).
    pub fn floor(&self, floor: &SalaryFloor) -> String {
        let v = if floor.monthly >= 1_000 { floor.monthly.saturating_add(5) / 10 * 10 } else { floor.monthly };
        let r = SalaryRange {
            min: Some(v),
            max: Some(v),
            currency: floor.currency,
            period: crate::features::hiring::salary::Period::Month,
            months: None,
        };
        r.amounts()
    }

    /// Where a post is: its cities in this language and remote work
    /// (`杭州 / 远程`); `None` when it does not say.
    pub fn place(&self, post: &Post) -> Option<String> {
        let mut parts: Vec<String> = post.location.cities.iter().map(|c| c.display(self.locale)).collect();
        match post.location.remote {
            Remote::Full => parts.push(self.plain("hiring-remote", &Args::new())),
            Remote::Hybrid => parts.push(self.plain("hiring-hybrid", &Args::new())),
            Remote::No => {}
        }
        if parts.is_empty() {
            return post.place.clone().filter(|p| !p.trim().is_empty());
        }
        Some(parts.join(" / "))
    }

    /// Company · place · salary, whichever are given.
    fn facts(&self, post: &Post) -> Vec<String> {
        let mut parts = Vec::new();
        parts.extend(post.company.clone());
        parts.extend(self.place(post));
        parts.extend(post.salary.as_ref().map(|s| self.salary(s)));
        parts
    }

    /// A list line: `J7 · 高级 PostgreSQL DBA · 示例科技 · 杭州 / 远程 · ¥30k–50k/月`.
    /// Never the contact: lists go to groups.
    pub fn line(&self, post: &Post) -> String {
        let mut parts = vec![post.number.to_string(), post.title.clone()];
        parts.extend(self.facts(post));
        parts.join(DOT)
    }

    /// A digest line: title · company · place (no salary, no contact).
    pub fn digest_line(&self, post: &Post) -> String {
        let mut parts = vec![post.title.clone()];
        parts.extend(post.company.clone());
        parts.extend(self.place(post));
        parts.join(DOT)
    }

    /// The whole post.
    pub fn card(&self, post: &Post, card: Card, now: DateTime<Utc>) -> RichText {
        let mut out = self.text(
            "hiring-show-title",
            &Args::new().str("title", post.title.clone()).str("id", post.number.to_string()),
        );
        let facts = self.facts(post);
        if !facts.is_empty() {
            out.append(RichText::plain(&facts.join(DOT)));
        }
        if !post.tags.is_empty() {
            out.append(self.text("hiring-show-tags", &Args::new().str("tags", post.tags.join(", "))));
        }
        let description = match card.excerpt {
            Some(n) => excerpt(&post.description, n),
            None => post.description.trim().to_owned(),
        };
        if !description.is_empty() {
            out.append(RichText::plain(&description));
        }
        if card.contact {
            out.append(self.text("hiring-show-contact", &Args::new().str("contact", post.contact.clone())));
        }
        if let Some(expires) = post.expires_at {
            let args = Args::new().str("date", self.last_day(expires)).str("poster", post.poster_name.clone());
            out.append(self.text("hiring-show-until", &args));
        }
        let state = post.state_at(now);
        if card.state && state != PostState::Open {
            out.append(self.text("hiring-show-state", &Args::new().str("state", self.state(state.as_str()))));
            if let Some(reason) = post.reason.as_ref().filter(|_| state == PostState::Rejected) {
                out.append(self.text("hiring-show-reason", &Args::new().str("reason", reason.clone())));
            }
        }
        out
    }

    /// How long a post is listed, as asked: `上架后 30 天`, `至 2027-01-31`.
    pub fn expiry(&self, expiry: Expiry, default_days: i64) -> String {
        match expiry {
            Expiry::Default => self.plain("hiring-expiry-days", &Args::new().num("days", default_days)),
            Expiry::Days(n) => self.plain("hiring-expiry-days", &Args::new().num("days", i64::from(n))),
            Expiry::Months(n) => self.plain("hiring-expiry-months", &Args::new().num("months", i64::from(n))),
            Expiry::Until(d) => self.plain("hiring-expiry-until", &Args::new().str("date", self.day(d))),
        }
    }

    /// What was understood of a post, on one line: title · company · place ·
    /// salary · tags · expiry · contact.
    pub fn understood(&self, post: &Post, default_days: i64) -> String {
        let mut parts = vec![post.title.clone()];
        parts.extend(self.facts(post));
        if !post.tags.is_empty() {
            parts.push(post.tags.join(", "));
        }
        parts.push(match post.expires_at {
            Some(at) => self.plain("hiring-expiry-until", &Args::new().str("date", self.last_day(at))),
            None => self.expiry(post.expiry, default_days),
        });
        parts.push(post.contact.clone());
        parts.join(DOT)
    }

    /// A subscription in one line: `postgres dba · 城市 杭州 · 含远程 · 薪资 ≥ ¥30k/月`.
    pub fn query(&self, q: &Query) -> String {
        let mut parts = Vec::new();
        let keywords = q.keywords_text();
        if !keywords.is_empty() {
            parts.push(keywords);
        }
        if !q.cities.is_empty() {
            let cities: Vec<String> = q.cities.iter().map(|c| c.display(self.locale)).collect();
            parts.push(self.plain("hiring-sub-summary-city", &Args::new().str("cities", cities.join("/"))));
        }
        if q.remote {
            parts.push(self.plain("hiring-sub-summary-remote", &Args::new()));
        }
        if let Some(f) = &q.floor {
            parts.push(self.plain("hiring-sub-summary-floor", &Args::new().str("floor", self.floor(f))));
        }
        parts.join(DOT)
    }
}
