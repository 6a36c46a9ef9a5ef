//! Dates and times as members type them, in Chinese and English, read in
//! one time zone. Pure: today's date and the zone are arguments, so every
//! form is tested without a clock.
//!
//! Accepted (any order of date and time, spaces optional between them):
//!
//! | date | examples |
//! |---|---|
//! | ISO | `2026-12-12`, `2026/12/12`, `2026.12.12` |
//! | Chinese | `12月12日`, `12月12号`, `2026年12月12日` |
//! | day and month | `12/25` or `25/12` (refused when both readings are dates: `3/4`) |
//! | relative | `today` `今天`, `tomorrow` `明天`, `后天`, `day after tomorrow` |
//! | weekday | `周六` `星期六` `礼拜六` `Saturday` `Sat` (the coming one, today included); `这周六` `本周六` (this calendar week, weeks start Monday); `下周六` `next Saturday` (next calendar week); `this Saturday` (the coming one) |
//!
//! | time | examples |
//! |---|---|
//! | 24-hour | `14:00`, `9:30`, `14点`, `14点30`, `14点30分`, `14时` |
//! | marked | `下午2点`, `下午两点半`, `晚上7点`, `上午10:30`, `中午12点`, `2pm`, `2:30 pm`, `10am`, `noon` |
//!
//! Refused, with how it was read: a clock hour 1–11 in `N点` form without
//! 上午/下午 (`2点` is 02:00 or 14:00), a day/month that reads both ways, a
//! date that does not exist (`2月30日`), a local time that a daylight-saving
//! change skips or repeats, and (for a start) anything not in the future.
//! A year-less date is the next such day from today (today included).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use unicode_normalization::UnicodeNormalization;

/// What a text said: the day and the time, each when given (several when
/// it reads more than one way).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parts {
    /// The day's readings (empty: no day given).
    pub dates: Vec<NaiveDate>,
    /// The time's readings (empty: no time given).
    pub times: Vec<NaiveTime>,
}

/// Why a date and time were not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhenError {
    /// Nothing was given.
    Empty,
    /// A piece that is no date or time we know (the accepted forms are shown).
    Unparsed {
        /// The piece, as typed.
        piece: String,
    },
    /// A day that does not exist (`2月30日`, `2026-13-01`).
    NoSuchDate {
        /// The piece, as typed.
        piece: String,
    },
    /// A time that does not exist (`25:00`, `14:75`).
    NoSuchTime {
        /// The piece, as typed.
        piece: String,
    },
    /// A time but no day.
    NoDate,
    /// A day but no time.
    NoTime,
    /// Two days, or two times.
    Twice,
    /// It reads more than one way; each reading, local.
    Ambiguous {
        /// The readings.
        readings: Vec<NaiveDateTime>,
    },
    /// A daylight-saving change skips this local time.
    Skipped {
        /// The local time.
        local: NaiveDateTime,
    },
    /// A daylight-saving change repeats this local time.
    Repeated {
        /// The local time.
        local: NaiveDateTime,
    },
    /// It is not in the future.
    Past {
        /// How it was read.
        local: NaiveDateTime,
    },
}

/// A date and time read in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// As read, in the zone.
    pub local: NaiveDateTime,
    /// The instant.
    pub at: DateTime<Utc>,
}

/// Normalizes for scanning: NFKC (full-width digits and colons become
/// ASCII), lower case, the Traditional characters these forms use.
fn normalize(text: &str) -> Vec<char> {
    let s: String = text.nfkc().collect::<String>().to_lowercase();
    s.chars()
        .map(|c| match c {
            '點' => '点',
            '號' => '号',
            '週' => '周',
            '禮' => '礼',
            '後' => '后',
            '兩' => '两',
            '個' => '个',
            '時' => '时',
            '為' => '为',
            c => c,
        })
        .collect()
}

/// A scanner over the normalized characters.
struct Scan {
    s: Vec<char>,
    i: usize,
}

impl Scan {
    fn rest(&self) -> String {
        self.s[self.i..].iter().collect()
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn at(&self, word: &str) -> bool {
        let w: Vec<char> = word.chars().collect();
        self.s.get(self.i..self.i + w.len()) == Some(&w[..])
    }

    /// Takes `word` if it is next; for ASCII words only when a word ends there.
    fn eat(&mut self, word: &str) -> bool {
        if !self.at(word) {
            return false;
        }
        let n = word.chars().count();
        let ends = self.s.get(self.i + n).is_none_or(|c| !c.is_ascii_alphanumeric());
        if word.is_ascii() && word.chars().last().is_some_and(|c| c.is_ascii_alphabetic()) && !ends {
            return false;
        }
        self.i += n;
        true
    }

    fn eat_any(&mut self, words: &[&str]) -> bool {
        words.iter().any(|w| self.eat(w))
    }

    /// Up to `max` ASCII digits.
    fn number(&mut self, max: usize) -> Option<(u32, usize)> {
        let start = self.i;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            if self.i - start == max {
                self.i = start;
                return None;
            }
            n = n * 10 + d;
            self.i += 1;
        }
        (self.i > start).then_some((n, self.i - start))
    }

    /// A number in digits or Chinese numerals up to 59 (`两`, `十二`, `二十三`).
    fn small_number(&mut self) -> Option<u32> {
        if let Some((n, _)) = self.number(2) {
            return Some(n);
        }
        let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
        let start = self.i;
        let mut tens = None;
        let mut units = None;
        if let Some(d) = self.peek().and_then(|c| if c == '两' { Some(2) } else { digit(c) }) {
            self.i += 1;
            units = Some(d);
        }
        if self.peek() == Some('十') {
            self.i += 1;
            tens = Some(units.take().unwrap_or(1));
            if let Some(d) = self.peek().and_then(digit) {
                self.i += 1;
                units = Some(d);
            }
        }
        match (tens, units) {
            (None, None) => {
                self.i = start;
                None
            }
            (t, u) => Some(t.unwrap_or(0) * 10 + u.unwrap_or(0)),
        }
    }

    fn skip_gaps(&mut self) {
        while self.peek().is_some_and(|c| c.is_whitespace() || matches!(c, ',' | '，' | '、')) {
            self.i += 1;
        }
    }
}

const WEEKDAYS_ZH: [(char, Weekday); 8] = [
    ('一', Weekday::Mon),
    ('二', Weekday::Tue),
    ('三', Weekday::Wed),
    ('四', Weekday::Thu),
    ('五', Weekday::Fri),
    ('六', Weekday::Sat),
    ('日', Weekday::Sun),
    ('天', Weekday::Sun),
];

const WEEKDAYS_EN: [(&str, Weekday); 14] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// Which week a weekday is in.
#[derive(Clone, Copy)]
enum Week {
    /// The coming one, today included.
    Coming,
    /// This calendar week (Monday to Sunday).
    This,
    /// Next calendar week.
    Next,
}

fn weekday_date(today: NaiveDate, day: Weekday, week: Week) -> NaiveDate {
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let offset = i64::from(day.num_days_from_monday());
    match week {
        Week::Coming => {
            let ahead = (i64::from(day.num_days_from_monday()) - i64::from(today.weekday().num_days_from_monday()))
                .rem_euclid(7);
            today + Duration::days(ahead)
        }
        Week::This => monday + Duration::days(offset),
        Week::Next => monday + Duration::days(7 + offset),
    }
}

/// The next `month`/`day` from today (today included); `None` when no
/// year has it soon (`2月30日`).
fn next_month_day(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(today.year(), month, day);
    match this {
        Some(d) if d >= today => Some(d),
        _ => (1..=4).find_map(|y| NaiveDate::from_ymd_opt(today.year() + y, month, day)),
    }
}

/// Tries a date at the scanner's position. `Ok(None)`: no date here.
fn date(s: &mut Scan, today: NaiveDate) -> Result<Option<Vec<NaiveDate>>, WhenError> {
    let start = s.i;
    let piece = |s: &Scan| s.s[start..s.i].iter().collect::<String>();
    // Relative days.
    for (words, days) in [
        (&["day after tomorrow", "后天"][..], 2),
        (&["today", "今天", "今日"][..], 0),
        (&["tomorrow", "tmr", "明天", "明日"][..], 1),
    ] {
        if s.eat_any(words) {
            return Ok(Some(vec![today + Duration::days(days)]));
        }
    }
    // Chinese weekdays: (下|下个|这|这个|本)?(周|星期|礼拜)X.
    let week = if s.eat_any(&["下个", "下"]) {
        Some(Week::Next)
    } else if s.eat_any(&["这个", "这", "本"]) {
        Some(Week::This)
    } else {
        None
    };
    if s.eat_any(&["星期", "礼拜", "周"]) {
        if let Some((_, wd)) = s.peek().and_then(|c| WEEKDAYS_ZH.iter().find(|(z, _)| *z == c)) {
            s.i += 1;
            return Ok(Some(vec![weekday_date(today, *wd, week.unwrap_or(Week::Coming))]));
        }
        return Err(WhenError::Unparsed { piece: piece(s) + &s.rest() });
    }
    s.i = start;
    // English weekdays: (next|this)? DAY.
    let week = if s.eat("next") {
        s.skip_gaps();
        Some(Week::Next)
    } else if s.eat("this") {
        s.skip_gaps();
        Some(Week::Coming)
    } else {
        None
    };
    if let Some((_, wd)) = WEEKDAYS_EN.iter().find(|(w, _)| s.at(w)).copied()
        && WEEKDAYS_EN.iter().any(|(w, d)| *d == wd && s.eat(w))
    {
        return Ok(Some(vec![weekday_date(today, wd, week.unwrap_or(Week::Coming))]));
    }
    if week.is_some() {
        return Err(WhenError::Unparsed { piece: s.s[start..].iter().collect() });
    }
    s.i = start;
    // Numbers: YYYY-MM-DD, YYYY年M月D日, M月D日, D/M or M/D.
    let Some((first, len)) = s.number(4) else { return Ok(None) };
    if len == 4 {
        let year = first;
        let month_day = if let Some(sep) = s.peek().filter(|c| matches!(c, '-' | '/' | '.')) {
            s.i += 1;
            let m = s.number(2);
            if s.peek() == Some(sep) {
                s.i += 1;
                m.zip(s.number(2)).map(|((m, _), (d, _))| (m, d))
            } else {
                None
            }
        } else if s.eat("年") {
            let m = s.number(2);
            let ok = s.eat("月");
            let d = s.number(2);
            let end = s.eat_any(&["日", "号"]);
            match (m, ok, d, end) {
                (Some((m, _)), true, Some((d, _)), true) => Some((m, d)),
                _ => None,
            }
        } else {
            None
        };
        let Some((m, d)) = month_day else { return Err(WhenError::Unparsed { piece: piece(s) }) };
        let year = i32::try_from(year).unwrap_or(0);
        return NaiveDate::from_ymd_opt(year, m, d)
            .map(|d| Some(vec![d]))
            .ok_or_else(|| WhenError::NoSuchDate { piece: piece(s) });
    }
    if s.eat("月") {
        let d = s.number(2);
        let end = s.eat_any(&["日", "号"]);
        let Some((d, _)) = d.filter(|_| end) else { return Err(WhenError::Unparsed { piece: piece(s) }) };
        return next_month_day(today, first, d)
            .map(|d| Some(vec![d]))
            .ok_or_else(|| WhenError::NoSuchDate { piece: piece(s) });
    }
    if s.peek() == Some('/') {
        s.i += 1;
        let Some((second, _)) = s.number(2) else { return Err(WhenError::Unparsed { piece: piece(s) }) };
        // Month first or day first: whichever exists; both when both do.
        let mut readings: Vec<NaiveDate> =
            [(first, second), (second, first)].iter().filter_map(|(m, d)| next_month_day(today, *m, *d)).collect();
        readings.dedup();
        if readings.is_empty() {
            return Err(WhenError::NoSuchDate { piece: piece(s) });
        }
        return Ok(Some(readings));
    }
    // A number that is no date: maybe a time.
    s.i = start;
    Ok(None)
}

/// The part of the day a time is marked with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    /// 上午, 早上, 凌晨, am.
    Morning,
    /// 中午: 12 and 1 are noon and after.
    Noon,
    /// 下午, 晚上, 傍晚, pm.
    Afternoon,
}

/// Tries a time at the scanner's position. `Ok(None)`: no time here.
fn time(s: &mut Scan) -> Result<Option<Vec<NaiveTime>>, WhenError> {
    let start = s.i;
    let piece = |s: &Scan| s.s[start..s.i].iter().collect::<String>();
    if s.eat_any(&["noon", "midday"]) {
        return Ok(Some(vec![NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()]));
    }
    s.eat("at");
    s.skip_gaps();
    let mut half = if s.eat_any(&["上午", "早上", "早晨", "凌晨", "清晨"]) {
        Some(Half::Morning)
    } else if s.eat("中午") {
        Some(Half::Noon)
    } else if s.eat_any(&["下午", "晚上", "傍晚", "晚"]) {
        Some(Half::Afternoon)
    } else {
        None
    };
    let Some(hour) = s.small_number() else {
        if half.is_some() {
            return Err(WhenError::Unparsed { piece: piece(s) + &s.rest() });
        }
        s.i = start;
        return Ok(None);
    };
    let mut minute = 0;
    // `点`-style: a clock hour that needs 上午/下午 when it is 1–11.
    let mut dotted = false;
    if s.peek() == Some(':') {
        s.i += 1;
        match s.number(2) {
            Some((m, 2)) => minute = m,
            _ => return Err(WhenError::Unparsed { piece: piece(s) }),
        }
    } else if s.eat_any(&["点", "时"]) {
        dotted = true;
        if s.eat("半") {
            minute = 30;
        } else if s.eat("一刻") {
            minute = 15;
        } else if s.eat("三刻") {
            minute = 45;
        } else if let Some(m) = s.small_number() {
            minute = m;
            s.eat("分");
        }
    } else if !matches!(s.peek(), Some(' ' | 'a' | 'p')) && s.peek().is_some() {
        return Err(WhenError::Unparsed { piece: piece(s) + &s.rest() });
    }
    let save = s.i;
    s.skip_gaps();
    if s.eat_any(&["am", "a.m."]) {
        half = Some(Half::Morning);
    } else if s.eat_any(&["pm", "p.m."]) {
        half = Some(Half::Afternoon);
    } else {
        s.i = save;
        if !dotted && s.s.get(start..s.i).is_some_and(|p| !p.contains(&':')) && half.is_none() {
            // A bare number is no time.
            s.i = start;
            return Ok(None);
        }
    }
    let bad = |s: &Scan| WhenError::NoSuchTime { piece: piece(s) };
    if minute > 59 {
        return Err(bad(s));
    }
    let hours: Vec<u32> = match half {
        Some(Half::Morning) if hour == 12 => vec![0],
        Some(Half::Morning) if hour <= 11 => vec![hour],
        Some(Half::Noon) if (11..=12).contains(&hour) => vec![hour],
        Some(Half::Noon) if (1..=2).contains(&hour) => vec![hour + 12],
        Some(Half::Afternoon) if hour == 12 => vec![12],
        Some(Half::Afternoon) if (1..=11).contains(&hour) => vec![hour + 12],
        Some(_) => return Err(bad(s)),
        None if hour > 23 => return Err(bad(s)),
        None if dotted && (1..=11).contains(&hour) => vec![hour, hour + 12],
        None => vec![hour],
    };
    Ok(Some(hours.into_iter().filter_map(|h| NaiveTime::from_hms_opt(h, minute, 0)).collect()))
}

/// Reads a day and a time from `text`, with `today` the zone's date.
pub fn parse_parts(text: &str, today: NaiveDate) -> Result<Parts, WhenError> {
    let mut s = Scan { s: normalize(text), i: 0 };
    let mut parts = Parts::default();
    s.skip_gaps();
    if s.peek().is_none() {
        return Err(WhenError::Empty);
    }
    while s.peek().is_some() {
        if let Some(d) = date(&mut s, today)? {
            if !parts.dates.is_empty() {
                return Err(WhenError::Twice);
            }
            parts.dates = d;
        } else if let Some(t) = time(&mut s)? {
            if !parts.times.is_empty() {
                return Err(WhenError::Twice);
            }
            parts.times = t;
        } else {
            // Take the rest of the word for the report.
            let piece: String = s.s[s.i..].iter().take_while(|c| !c.is_whitespace()).collect();
            return Err(WhenError::Unparsed { piece });
        }
        s.skip_gaps();
    }
    Ok(parts)
}

/// The instant of a local time in `tz`, refusing one that a
/// daylight-saving change skips or repeats.
pub fn resolve(local: NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>, WhenError> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(_, _) => Err(WhenError::Repeated { local }),
        LocalResult::None => Err(WhenError::Skipped { local }),
    }
}

/// Combines the readings: exactly one, or the error listing them.
fn one(dates: &[NaiveDate], times: &[NaiveTime]) -> Result<NaiveDateTime, WhenError> {
    let readings: Vec<NaiveDateTime> = dates.iter().flat_map(|d| times.iter().map(|t| d.and_time(*t))).collect();
    match readings.as_slice() {
        [] => Err(WhenError::Empty),
        [one] => Ok(*one),
        _ => Err(WhenError::Ambiguous { readings }),
    }
}

/// A start (or a sign-up deadline): a day and a time, after `now`.
pub fn parse_start(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<When, WhenError> {
    let today = now.with_timezone(&tz).date_naive();
    let parts = parse_parts(text, today)?;
    if parts.dates.is_empty() {
        return Err(WhenError::NoDate);
    }
    if parts.times.is_empty() {
        return Err(WhenError::NoTime);
    }
    let local = one(&parts.dates, &parts.times)?;
    let at = resolve(local, tz)?;
    if at <= now {
        return Err(WhenError::Past { local });
    }
    Ok(When { local, at })
}

/// An end: a time (on the start's day) or a day and a time. Whether it is
/// after the start is the caller's check.
pub fn parse_end(text: &str, start: NaiveDateTime, tz: Tz) -> Result<When, WhenError> {
    let parts = parse_parts(text, start.date())?;
    if parts.times.is_empty() {
        return Err(WhenError::NoTime);
    }
    let dates = if parts.dates.is_empty() { vec![start.date()] } else { parts.dates };
    let local = one(&dates, &parts.times)?;
    Ok(When { local, at: resolve(local, tz)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> Tz {
        chrono_tz::Asia::Shanghai
    }

    /// Tuesday 2026-12-01 09:00 in Shanghai.
    fn now() -> DateTime<Utc> {
        shanghai().with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    fn start(text: &str) -> Result<String, WhenError> {
        parse_start(text, now(), shanghai()).map(|w| w.local.format("%Y-%m-%d %H:%M").to_string())
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn the_forms_of_the_issue() {
        for (text, read) in [
            ("2026-12-12 14:00", "2026-12-12 14:00"),
            ("12月12日 14:00", "2026-12-12 14:00"),
            ("12月12日下午2点", "2026-12-12 14:00"),
            ("tomorrow 19:30", "2026-12-02 19:30"),
            ("明天 19:30", "2026-12-02 19:30"),
            // Today is Tuesday 12-01: next week's Saturday.
            ("下周六 14:00", "2026-12-12 14:00"),
            ("next Saturday 2pm", "2026-12-12 14:00"),
        ] {
            assert_eq!(start(text), Ok(read.to_owned()), "{text}");
        }
    }

    #[test]
    fn more_dates() {
        for (text, read) in [
            ("2026/12/12 14:00", "2026-12-12 14:00"),
            ("2026.12.12 14:00", "2026-12-12 14:00"),
            ("2027年1月3日 9:30", "2027-01-03 09:30"),
            ("12月12号 14:00", "2026-12-12 14:00"),
            ("１２月１２日　１４：００", "2026-12-12 14:00"),
            // Passed this year: next year's.
            ("1月5日 10:00", "2027-01-05 10:00"),
            ("today 20:00", "2026-12-01 20:00"),
            ("今天 20:00", "2026-12-01 20:00"),
            ("后天 20:00", "2026-12-03 20:00"),
            ("day after tomorrow 8pm", "2026-12-03 20:00"),
            ("Tomorrow 7:30 PM", "2026-12-02 19:30"),
            ("周六 14:00", "2026-12-05 14:00"),
            ("星期六 14:00", "2026-12-05 14:00"),
            ("礼拜天 14:00", "2026-12-06 14:00"),
            ("这周六 14:00", "2026-12-05 14:00"),
            ("本周日 14:00", "2026-12-06 14:00"),
            ("下个星期一 上午9点半", "2026-12-07 09:30"),
            ("下个星期一 9:30", "2026-12-07 09:30"),
            ("下週六 14:00", "2026-12-12 14:00"),
            ("Saturday 2pm", "2026-12-05 14:00"),
            ("this sat 2pm", "2026-12-05 14:00"),
            ("next sat 2:30pm", "2026-12-12 14:30"),
            ("周二 10:00", "2026-12-01 10:00"),
            ("12/25 18:00", "2026-12-25 18:00"),
            ("25/12 18:00", "2026-12-25 18:00"),
            ("12/12 18:00", "2026-12-12 18:00"),
        ] {
            assert_eq!(start(text), Ok(read.to_owned()), "{text}");
        }
    }

    #[test]
    fn more_times() {
        for (text, read) in [
            ("明天 下午两点半", "2026-12-02 14:30"),
            ("明天 晚上7点", "2026-12-02 19:00"),
            ("明天晚上7点", "2026-12-02 19:00"),
            ("明天 上午10:30", "2026-12-02 10:30"),
            ("明天 中午12点", "2026-12-02 12:00"),
            ("明天 中午1点", "2026-12-02 13:00"),
            ("明天 14点", "2026-12-02 14:00"),
            ("明天 14点30分", "2026-12-02 14:30"),
            ("明天 14点30", "2026-12-02 14:30"),
            ("明天 14时", "2026-12-02 14:00"),
            ("明天 下午3点一刻", "2026-12-02 15:15"),
            ("明天 十四点", "2026-12-02 14:00"),
            ("明天 0点", "2026-12-02 00:00"),
            ("明天 12点", "2026-12-02 12:00"),
            ("tomorrow 10am", "2026-12-02 10:00"),
            ("tomorrow 12am", "2026-12-02 00:00"),
            ("tomorrow 12pm", "2026-12-02 12:00"),
            ("tomorrow noon", "2026-12-02 12:00"),
            ("tomorrow at 2 pm", "2026-12-02 14:00"),
            ("19:30 tomorrow", "2026-12-02 19:30"),
            ("下午2点 12月12日", "2026-12-12 14:00"),
            ("tomorrow, 19:30", "2026-12-02 19:30"),
        ] {
            assert_eq!(start(text), Ok(read.to_owned()), "{text}");
        }
    }

    #[test]
    fn ambiguous_forms_are_refused_with_their_readings() {
        assert_eq!(
            start("明天 2点"),
            Err(WhenError::Ambiguous { readings: vec![dt("2026-12-02 02:00"), dt("2026-12-02 14:00")] })
        );
        assert_eq!(
            start("3/4 14:00"),
            Err(WhenError::Ambiguous { readings: vec![dt("2027-03-04 14:00"), dt("2027-04-03 14:00")] })
        );
    }

    #[test]
    fn past_and_missing_parts_are_refused() {
        assert_eq!(start("2026-11-30 14:00"), Err(WhenError::Past { local: dt("2026-11-30 14:00") }));
        assert_eq!(start("today 8:00"), Err(WhenError::Past { local: dt("2026-12-01 08:00") }));
        assert_eq!(start("2026-12-01 09:00"), Err(WhenError::Past { local: dt("2026-12-01 09:00") }));
        // This calendar week's Monday has passed.
        assert_eq!(start("这周一 10:00"), Err(WhenError::Past { local: dt("2026-11-30 10:00") }));
        assert_eq!(start("19:30"), Err(WhenError::NoDate));
        assert_eq!(start("tomorrow"), Err(WhenError::NoTime));
        assert_eq!(start("  "), Err(WhenError::Empty));
        assert_eq!(start("tomorrow today 9:00"), Err(WhenError::Twice));
    }

    #[test]
    fn nonsense_is_refused_naming_the_piece() {
        assert_eq!(start("soon"), Err(WhenError::Unparsed { piece: "soon".into() }));
        assert_eq!(start("明天 14:00 左右"), Err(WhenError::Unparsed { piece: "左右".into() }));
        assert_eq!(start("2026-12 14:00"), Err(WhenError::Unparsed { piece: "2026-12".into() }));
        assert_eq!(start("next week 14:00"), Err(WhenError::Unparsed { piece: "next week 14:00".into() }));
        assert_eq!(start("明天 14"), Err(WhenError::Unparsed { piece: "14".into() }));
        assert!(matches!(start("周八 14:00"), Err(WhenError::Unparsed { .. })));
        assert!(matches!(start("明天 下午"), Err(WhenError::Unparsed { .. })));
    }

    #[test]
    fn impossible_dates_and_times_are_refused() {
        assert_eq!(start("2月30日 14:00"), Err(WhenError::NoSuchDate { piece: "2月30日".into() }));
        assert_eq!(start("2026-13-01 14:00"), Err(WhenError::NoSuchDate { piece: "2026-13-01".into() }));
        assert_eq!(start("13/13 14:00"), Err(WhenError::NoSuchDate { piece: "13/13".into() }));
        assert!(matches!(start("明天 25:00"), Err(WhenError::NoSuchTime { .. })));
        assert!(matches!(start("明天 14:75"), Err(WhenError::NoSuchTime { .. })));
        assert!(matches!(start("明天 下午13点"), Err(WhenError::NoSuchTime { .. })));
        assert!(matches!(start("tomorrow 13pm"), Err(WhenError::NoSuchTime { .. })));
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_are_refused() {
        let berlin = chrono_tz::Europe::Berlin;
        let before = Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).single().unwrap_or_default();
        assert_eq!(
            parse_start("2027-03-28 02:30", before, berlin),
            Err(WhenError::Skipped { local: dt("2027-03-28 02:30") })
        );
        let autumn = Utc.with_ymd_and_hms(2027, 10, 1, 0, 0, 0).single().unwrap_or_default();
        assert_eq!(
            parse_start("2027-10-31 02:30", autumn, berlin),
            Err(WhenError::Repeated { local: dt("2027-10-31 02:30") })
        );
        let ok = parse_start("2027-03-28 14:00", before, berlin).map(|w| w.at.to_rfc3339());
        assert_eq!(ok, Ok("2027-03-28T12:00:00+00:00".into()));
    }

    #[test]
    fn today_is_the_zones_date() {
        // 2026-12-01 23:30 in Berlin is already 12-02 in Shanghai.
        let late = Utc.with_ymd_and_hms(2026, 12, 1, 22, 30, 0).single().unwrap_or_default();
        let sh = parse_start("tomorrow 10:00", late, shanghai()).map(|w| w.local);
        assert_eq!(sh, Ok(dt("2026-12-03 10:00")));
        let be = parse_start("tomorrow 10:00", late, chrono_tz::Europe::Berlin).map(|w| w.local);
        assert_eq!(be, Ok(dt("2026-12-02 10:00")));
    }

    #[test]
    fn ends_default_to_the_start_day() {
        let s = dt("2026-12-12 14:00");
        assert_eq!(parse_end("17:00", s, shanghai()).map(|w| w.local), Ok(dt("2026-12-12 17:00")));
        assert_eq!(parse_end("下午5点", s, shanghai()).map(|w| w.local), Ok(dt("2026-12-12 17:00")));
        assert_eq!(parse_end("12月13日 10:00", s, shanghai()).map(|w| w.local), Ok(dt("2026-12-13 10:00")));
        assert_eq!(parse_end("12月13日", s, shanghai()), Err(WhenError::NoTime));
    }
}
