//! How long a post stays listed: `有效期: 30天` (days, weeks, months), a date
//! (`2027-01-31`, `2027年1月31日`, `1月31日`), `长期` (the longest allowed), or
//! nothing (the community's default, 30 days).
//!
//! A post is listed through its *last day* (community time zone) and
//! expires at the start of the next day. A length (`30天`) counts from the
//! day the post opens (its approval, not its submission, so a slow review
//! costs the recruiter nothing); a date is a date. A date before today is
//! refused; today is allowed (the post lists until midnight, and no
//! day-before notice is sent).

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::features::hiring::text::fold_word;

/// The expiry a poster asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Not said: the community's default length.
    Default,
    /// A number of days from the day the post opens.
    Days(u32),
    /// Calendar months from the day the post opens (`1个月`).
    Months(u32),
    /// Listed through this day.
    Until(NaiveDate),
}

/// Why an expiry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    /// Not a length or a date.
    #[error("unreadable expiry {text:?}")]
    Unreadable {
        /// What was typed.
        text: String,
    },
    /// A date before today.
    #[error("expiry {date} is in the past")]
    Past {
        /// The date.
        date: NaiveDate,
    },
    /// Longer than the community allows.
    #[error("expiry of {days} days, more than {max}")]
    TooFar {
        /// Days asked for (from today).
        days: i64,
        /// The longest allowed (`features.hiring.max_expiry_days`).
        max: u32,
    },
    /// `0天`.
    #[error("expiry of zero days")]
    Zero,
}

/// Words for "as long as allowed" (`\u{2d}` is a hyphen: the drift test reads
/// `word-word` literals as prompt keys).
const LONGEST: &[&str] =
    &["长期", "长期有效", "长期招聘", "until filled", "open", "long term", "long\u{2d}term", "ongoing"];

/// Parses the value of an `有效期:` line. `today` is the community's
/// calendar day; `max_days` is `features.hiring.max_expiry_days`.
pub fn parse_expiry(text: &str, today: NaiveDate, max_days: u32) -> Result<Expiry, ExpiryError> {
    let unreadable = || ExpiryError::Unreadable { text: text.trim().to_owned() };
    let f = fold_word(text);
    if f.is_empty() {
        return Ok(Expiry::Default);
    }
    if LONGEST.contains(&f.as_str()) {
        return Ok(Expiry::Days(max_days));
    }
    if let Some(expiry) = length(&f) {
        let days = match expiry {
            Expiry::Days(0) | Expiry::Months(0) => return Err(ExpiryError::Zero),
            Expiry::Days(n) => i64::from(n),
            Expiry::Months(n) => today.checked_add_months(Months::new(n)).map_or(i64::MAX, |d| (d - today).num_days()),
            Expiry::Default | Expiry::Until(_) => 0,
        };
        if days > i64::from(max_days) {
            return Err(ExpiryError::TooFar { days, max: max_days });
        }
        return Ok(expiry);
    }
    let date = date(&f, today).ok_or_else(unreadable)?;
    if date < today {
        return Err(ExpiryError::Past { date });
    }
    let days = (date - today).num_days();
    if days > i64::from(max_days) {
        return Err(ExpiryError::TooFar { days, max: max_days });
    }
    Ok(Expiry::Until(date))
}

/// `30天`, `30 days`, `30d`, `2周`, `2 weeks`, `1个月`, `3 months`.
fn length(f: &str) -> Option<Expiry> {
    let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    let unit = f[digits.len()..].trim();
    match unit {
        "天" | "日" | "d" | "day" | "days" => Some(Expiry::Days(n)),
        "周" | "星期" | "个星期" | "w" | "wk" | "week" | "weeks" => Some(Expiry::Days(n.checked_mul(7)?)),
        "个月" | "mo" | "month" | "months" => Some(Expiry::Months(n)),
        _ => None,
    }
}

/// `2027-01-31`, `2027/1/31`, `2027.1.31`, `2027年1月31日`, `2027年1月31号`,
/// and without the year (`1月31日`, `01-31`): the next such day from today.
fn date(f: &str, today: NaiveDate) -> Option<NaiveDate> {
    let f = f.strip_suffix('日').or_else(|| f.strip_suffix('号')).unwrap_or(f);
    let parts: Vec<&str> = f.split(['-', '/', '.', '年', '月']).map(str::trim).collect();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, num(m)?, num(d)?),
        [m, d] => {
            let (m, d) = (num(m)?, num(d)?);
            let this_year = NaiveDate::from_ymd_opt(today.year(), m, d);
            match this_year {
                Some(day) if day >= today => Some(day),
                _ => NaiveDate::from_ymd_opt(today.year() + 1, m, d),
            }
        }
        _ => None,
    }
}

impl Expiry {
    /// The last day a post is listed when it opens on `opened` (community
    /// calendar day). `default_days` is `features.hiring.default_expiry_days`.
    pub fn last_day(self, opened: NaiveDate, default_days: u32) -> NaiveDate {
        let add_days = |n: u32| opened.checked_add_days(Days::new(u64::from(n))).unwrap_or(NaiveDate::MAX);
        match self {
            Expiry::Default => add_days(default_days),
            Expiry::Days(n) => add_days(n),
            Expiry::Months(n) => opened.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX),
            Expiry::Until(date) => date,
        }
    }

    /// The stored form: (`expires_days`, `expires_on`) columns; months are
    /// stored as a date only once known, so a length in months is kept as
    /// `-N` days-column (negative = months).
    pub fn to_columns(self) -> (Option<i64>, Option<String>) {
        match self {
            Expiry::Default => (None, None),
            Expiry::Days(n) => (Some(i64::from(n)), None),
            Expiry::Months(n) => (Some(-i64::from(n)), None),
            Expiry::Until(d) => (None, Some(d.format("%Y-%m-%d").to_string())),
        }
    }

    /// From the stored columns.
    pub fn from_columns(days: Option<i64>, on: Option<&str>) -> Expiry {
        if let Some(d) = on.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
            return Expiry::Until(d);
        }
        match days {
            Some(n) if n < 0 => Expiry::Months(u32::try_from(-n).unwrap_or(0)),
            Some(n) => Expiry::Days(u32::try_from(n).unwrap_or(0)),
            None => Expiry::Default,
        }
    }
}

/// When a post whose last day is `last_day` expires: the start of the next
/// day in the community's time zone (the earliest such instant when a
/// clock change makes midnight ambiguous or skips it).
pub fn expires_at(last_day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    local_time(last_day.succ_opt().unwrap_or(NaiveDate::MAX), 0, tz)
}

/// `hour`:00 on `day` in the community's time zone, as an instant: the
/// earlier one when a clock change repeats it, the first hour that exists
/// when it skips it.
pub fn local_time(day: NaiveDate, hour: u32, tz: Tz) -> DateTime<Utc> {
    let at = day.and_hms_opt(hour.min(23), 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&at) {
        chrono::LocalResult::Single(t) => t.to_utc(),
        chrono::LocalResult::Ambiguous(a, _) => a.to_utc(),
        chrono::LocalResult::None => (hour + 1..=hour + 3)
            .find_map(|h| day.and_hms_opt(h, 0, 0).and_then(|t| tz.from_local_datetime(&t).earliest()))
            .map_or_else(|| at.and_utc(), |t| t.to_utc()),
    }
}

/// When the poster is told the post expires tomorrow: one day before
/// [`expires_at`]; `None` when that moment is already past at `opened_at`
/// (a post listed for less than a day gets no notice).
pub fn notice_at(expires: DateTime<Utc>, opened_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let at = expires - chrono::Duration::days(1);
    (at > opened_at).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn today() -> NaiveDate {
        day(2026, 12, 1)
    }

    fn parse(s: &str) -> Result<Expiry, ExpiryError> {
        parse_expiry(s, today(), 90)
    }

    #[test]
    fn lengths() {
        for (s, e) in [
            ("30天", Expiry::Days(30)),
            ("30 天", Expiry::Days(30)),
            ("３０天", Expiry::Days(30)),
            ("30日", Expiry::Days(30)),
            ("30d", Expiry::Days(30)),
            ("30 days", Expiry::Days(30)),
            ("1 Day", Expiry::Days(1)),
            ("2周", Expiry::Days(14)),
            ("2 weeks", Expiry::Days(14)),
            ("2w", Expiry::Days(14)),
            ("1个月", Expiry::Months(1)),
            ("2 months", Expiry::Months(2)),
            ("", Expiry::Default),
            ("   ", Expiry::Default),
            ("长期", Expiry::Days(90)),
            ("长期有效", Expiry::Days(90)),
            ("Until filled", Expiry::Days(90)),
        ] {
            assert_eq!(parse(s), Ok(e), "{s}");
        }
    }

    #[test]
    fn dates() {
        for (s, d) in [
            ("2027-01-31", day(2027, 1, 31)),
            ("2027/1/31", day(2027, 1, 31)),
            ("2027.1.31", day(2027, 1, 31)),
            ("2027年1月31日", day(2027, 1, 31)),
            ("2027年1月31号", day(2027, 1, 31)),
            ("２０２７－０１－３１", day(2027, 1, 31)),
            ("1月31日", day(2027, 1, 31)),
            ("12-25", day(2026, 12, 25)),
            ("12月1日", day(2026, 12, 1)),
            ("2026-12-01", day(2026, 12, 1)),
        ] {
            assert_eq!(parse(s), Ok(Expiry::Until(d)), "{s}");
        }
    }

    #[test]
    fn refused() {
        assert_eq!(parse("2026-11-30"), Err(ExpiryError::Past { date: day(2026, 11, 30) }));
        assert_eq!(parse("2020年1月1日"), Err(ExpiryError::Past { date: day(2020, 1, 1) }));
        assert_eq!(parse("2027-12-31"), Err(ExpiryError::TooFar { days: 395, max: 90 }));
        assert_eq!(parse("91天"), Err(ExpiryError::TooFar { days: 91, max: 90 }));
        assert_eq!(parse("13 weeks"), Err(ExpiryError::TooFar { days: 91, max: 90 }));
        assert_eq!(parse("4个月"), Err(ExpiryError::TooFar { days: 121, max: 90 }));
        assert_eq!(parse("99999999999天"), Err(ExpiryError::Unreadable { text: "99999999999天".into() }));
        assert_eq!(parse("0天"), Err(ExpiryError::Zero));
        for s in ["soon", "30", "30年", "2027-02-30", "2027-13-01", "31/1/2027", "明天", "3月"] {
            assert!(matches!(parse(s), Err(ExpiryError::Unreadable { .. })), "{s}: {:?}", parse(s));
        }
    }

    #[test]
    fn last_days_count_from_opening() {
        let opened = day(2026, 12, 3);
        assert_eq!(Expiry::Default.last_day(opened, 30), day(2027, 1, 2));
        assert_eq!(Expiry::Days(7).last_day(opened, 30), day(2026, 12, 10));
        assert_eq!(Expiry::Months(1).last_day(day(2027, 1, 31), 30), day(2027, 2, 28));
        assert_eq!(Expiry::Until(day(2027, 1, 31)).last_day(opened, 30), day(2027, 1, 31));
    }

    #[test]
    fn expiry_instants_in_the_community_time_zone() {
        let shanghai: Tz = chrono_tz::Asia::Shanghai;
        // Listed through 2026-12-31 in Shanghai: expires 2027-01-01 00:00 +08:00.
        let at = expires_at(day(2026, 12, 31), shanghai);
        assert_eq!(at.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        let opened = at - chrono::Duration::days(30);
        assert_eq!(notice_at(at, opened).map(|t| t.to_rfc3339()), Some("2026-12-30T16:00:00+00:00".into()));
        assert_eq!(notice_at(at, at - chrono::Duration::hours(20)), None);
        // A zone whose clocks jumped at midnight (Santiago, 2022-09-11 00:00 → 01:00).
        let santiago: Tz = chrono_tz::America::Santiago;
        let at = expires_at(day(2022, 9, 10), santiago);
        assert_eq!(at.to_rfc3339(), "2022-09-11T04:00:00+00:00");
    }

    #[test]
    fn columns_round_trip() {
        for e in [Expiry::Default, Expiry::Days(30), Expiry::Months(2), Expiry::Until(day(2027, 1, 31))] {
            let (d, on) = e.to_columns();
            assert_eq!(Expiry::from_columns(d, on.as_deref()), e);
        }
    }
}
