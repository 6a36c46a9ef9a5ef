//! Cron expressions as members type them (the Unix 5-field form, Sunday = 0,
//! day names) converted to the `cron` crate's 6/7-field Quartz form, and fire
//! times in a community's time zone with an explicit DST policy: a local time
//! that does not exist moves to the next valid one, a local time that exists
//! twice fires once (the earlier instant).
//!
//! Day of month and day of week follow Unix cron: when both are restricted
//! (neither starts with `*`), a day matching either fires, so `0 0 29 2 MON`
//! is "Mondays in February, and 29 February". The crate reads them as AND,
//! so such an expression is stored as two alternatives, `A | B`, and fires
//! at whichever comes first. The crate's own 6/7-field form keeps its AND.

use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A checked cron expression.
#[derive(Debug, Clone)]
pub struct CronExpr {
    /// As typed (quotes removed).
    pub source: String,
    /// In the crate's form, as stored: one expression, or alternatives
    /// joined by ` | ` (see the module doc).
    pub expr: String,
    schedules: Vec<cron::Schedule>,
}

/// Why an expression was refused (for the log; members get a prompt).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad cron expression {input:?}: {reason}")]
pub struct CronError {
    /// What was typed.
    pub input: String,
    /// Why.
    pub reason: String,
}

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FULL_NAMES: [&str; 7] = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

/// A Unix weekday (0–7, Sunday = 0 or 7) or a day name, as 0–6.
fn unix_day(s: &str) -> Option<usize> {
    if let Ok(n) = s.parse::<usize>() {
        return (n <= 7).then_some(n % 7);
    }
    let upper = s.to_ascii_uppercase();
    (0..7).find(|&i| upper == DAY_NAMES[i] || upper == FULL_NAMES[i])
}

/// Separates the alternatives of a stored expression.
const OR: &str = " | ";

/// A Unix day field that restricts nothing for the OR rule: Unix cron looks
/// only at the first character (`*`, `*/2`), and `?` is the Quartz blank.
fn unrestricted(field: &str) -> bool {
    field.starts_with('*') || field == "?"
}

/// Parses each alternative of a stored expression.
fn schedules(expr: &str) -> Result<Vec<cron::Schedule>, String> {
    expr.split(OR).map(|e| cron::Schedule::from_str(e.trim()).map_err(|e| e.to_string())).collect()
}

/// Converts a Unix day-of-week field to day names, which mean the same in
/// both numberings (the crate reads numbers the Quartz way, 1 = Sunday).
fn convert_weekdays(field: &str) -> Option<String> {
    if field == "*" || field == "?" {
        return Some(field.to_owned());
    }
    let mut days = [false; 7];
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<usize>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (first, last) = match range {
            "*" => (0, 6),
            r => match r.split_once('-') {
                Some((a, b)) => {
                    let a = unix_day(a)?;
                    // `5-7` (Friday to Sunday): 7 is Sunday at the end.
                    let b = if b == "7" { 7 } else { unix_day(b)? };
                    if b < a {
                        return None;
                    }
                    (a, b)
                }
                None if step > 1 => (unix_day(r)?, 6),
                None => {
                    let d = unix_day(r)?;
                    (d, d)
                }
            },
        };
        for d in (first..=last).step_by(step) {
            days[d % 7] = true;
        }
    }
    let names: Vec<&str> = DAY_NAMES.iter().zip(days).filter(|(_, on)| *on).map(|(n, _)| *n).collect();
    (!names.is_empty()).then(|| names.join(","))
}

impl CronExpr {
    /// Parses what a member typed: five fields (`0 9 * * 1-5`, Sunday = 0 or
    /// 7, day and month names allowed), or the crate's own six or seven
    /// fields with seconds first. Surrounding quotes are ignored.
    pub fn parse(input: &str) -> Result<CronExpr, CronError> {
        let source = input.trim().trim_matches(['"', '\'', '“', '”', '「', '」', '`']).trim().to_owned();
        let err = |reason: &str| CronError { input: source.clone(), reason: reason.to_owned() };
        if source.contains('|') {
            return Err(err("`|` is not part of cron syntax"));
        }
        let fields: Vec<&str> = source.split_whitespace().collect();
        let expr = match fields.len() {
            5 => {
                let dow = convert_weekdays(fields[4]).ok_or_else(|| err("bad day of week"))?;
                let (minute, hour, dom, month) = (fields[0], fields[1], fields[2], fields[3]);
                if unrestricted(dom) || unrestricted(fields[4]) {
                    format!("0 {minute} {hour} {dom} {month} {dow}")
                } else {
                    format!("0 {minute} {hour} {dom} {month} *{OR}0 {minute} {hour} * {month} {dow}")
                }
            }
            6 | 7 => fields.join(" "),
            _ => return Err(err("expected five fields: minute hour day-of-month month day-of-week")),
        };
        let schedules = schedules(&expr).map_err(|e| err(&e))?;
        Ok(CronExpr { source, expr, schedules })
    }

    /// Re-reads a stored expression (already in the crate's form). A
    /// five-field source is read again instead, so a schedule stored before
    /// the OR rule gets the Unix meaning too.
    pub fn stored(expr: &str, source: &str) -> Result<CronExpr, CronError> {
        if source.split_whitespace().count() == 5
            && let Ok(again) = CronExpr::parse(source)
        {
            return Ok(again);
        }
        let schedules = schedules(expr).map_err(|reason| CronError { input: expr.to_owned(), reason })?;
        Ok(CronExpr { source: source.to_owned(), expr: expr.to_owned(), schedules })
    }

    /// The first fire strictly after `after`, in time zone `tz`. The
    /// expression is evaluated on local wall-clock time; each local fire is
    /// then placed on the time line: a time in a spring-forward gap moves to
    /// the first valid minute after it, a time repeated at fall-back fires
    /// at its earlier instant only.
    pub fn next_after(&self, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.schedules.iter().filter_map(|s| next_of(s, tz, after)).min()
    }
}

/// [`CronExpr::next_after`] for one alternative.
fn next_of(schedule: &cron::Schedule, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let local = after.with_timezone(&tz).naive_local();
    // At most a few candidates are passed over (the repeated hour).
    for naive in schedule.after(&Utc.from_utc_datetime(&local)).take(1000) {
        let at = resolve(tz, naive.naive_utc())?;
        if at > after {
            return Some(at);
        }
    }
    None
}

/// A local wall-clock time as an instant: the earlier of two, or the first
/// valid minute after a gap (the gap's end: fires are on whole minutes).
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    (0..=(26 * 60))
        .find_map(|minutes| tz.from_local_datetime(&(local + Duration::minutes(minutes))).earliest())
        .map(|t| t.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(s: &str) -> String {
        CronExpr::parse(s).map(|e| e.expr).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn unix_five_fields_gain_seconds_and_weekday_names() {
        assert_eq!(expr("0 9 * * *"), "0 0 9 * * *");
        assert_eq!(expr("\"0 9 * * *\""), "0 0 9 * * *");
        assert_eq!(expr("0 9 * * 0"), "0 0 9 * * SUN");
        assert_eq!(expr("0 9 * * 7"), "0 0 9 * * SUN");
        assert_eq!(expr("0 9 * * 1-5"), "0 0 9 * * MON,TUE,WED,THU,FRI");
        assert_eq!(expr("0 9 * * 5-7"), "0 0 9 * * SUN,FRI,SAT");
        assert_eq!(expr("0 9 * * mon,Wednesday"), "0 0 9 * * MON,WED");
        assert_eq!(expr("0 9 * * */2"), "0 0 9 * * SUN,TUE,THU,SAT");
        assert_eq!(expr("0 0 9 * * Mon"), "0 0 9 * * Mon");
        // Day of month and day of week both restricted: either (Unix OR).
        assert_eq!(expr("0 0 29 2 MON"), "0 0 0 29 2 * | 0 0 0 * 2 MON");
        assert_eq!(expr("0 9 1,15 * 5"), "0 0 9 1,15 * * | 0 0 9 * * FRI");
        // A day field starting with `*` restricts nothing: AND, as in Unix.
        assert_eq!(expr("0 9 */2 * 1"), "0 0 9 */2 * MON");
        assert_eq!(expr("0 9 13 * *"), "0 0 9 13 * *");
        for bad in [
            "",
            "0 9 * *",
            "61 9 * * *",
            "0 9 * * 8",
            "0 9 * * 5-1",
            "tomorrow at nine please ok",
            "0 9 * * funday",
            "0 0 9 * * * | 0 0 10 * * *",
        ] {
            assert!(CronExpr::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
