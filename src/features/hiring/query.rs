//! The words after `/jobs subscribe` and `/jobs search`:
//! `KEYWORD… [city:CITY] [remote] [salary>=N]`.
//!
//! - Keywords: every other word. All must match (a subscription is meant
//!   to be narrow: members want relevant jobs, not a flood); `a|b` inside one
//!   word gives alternatives (`postgres|mysql`). Words that carry nothing
//!   after normalization (`the`, `的`) do not count as keywords.
//! - `city:杭州` (also `城市:` `地点:`; `city:北京/上海` for several); a bare
//!   known city name (`杭州`, `Peking`) is taken as `city:` too.
//! - `remote` (also `远程`, `wfh`…): remote posts. With cities too, a post
//!   matches if it is in one of them *or* remote.
//! - `salary>=30k` (also `薪资>=3万`, `salary≥$8k`, `salary>=40万/年`), or a
//!   bare floor with a plus (`30k+`, `3万以上`): the post's salary reaches it
//!   (see [`crate::features::hiring::salary::SalaryFloor::admits`]).
//!
//! Separators: spaces (any width), `,` `，` `、`. `city: 杭州` and
//! `salary >= 30k` with spaces work too.

use unicode_normalization::UnicodeNormalization;

use crate::features::hiring::city::{City, Location, Remote, is_remote_word, known_city};
use crate::features::hiring::matcher::{Keyword, compile_keyword};
use crate::features::hiring::post::salary_prompt;
use crate::features::hiring::salary::{
    Currency, Salary, SalaryDefaults, SalaryError, SalaryFloor, parse_floor, parse_salary,
};
use crate::features::hiring::text::PromptExt;
use crate::features::hiring::text::{chars, fold_word};
use crate::i18n::Prompt;

/// Keywords per query, at most.
pub const MAX_KEYWORDS: usize = 8;
/// Characters per query, at most.
pub const MAX_QUERY_CHARS: usize = 200;

/// What the words are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `/jobs subscribe`: at least one keyword.
    Subscribe,
    /// `/jobs search`: filters alone are fine (`/jobs search 杭州 remote`).
    Search,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Keywords, compiled for matching.
    pub keywords: Vec<Keyword>,
    /// Wanted cities, folded.
    pub cities: Vec<City>,
    /// Remote posts wanted.
    pub remote: bool,
    /// A salary floor.
    pub floor: Option<SalaryFloor>,
}

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// `/jobs subscribe` with filters only, or only words that carry nothing.
    NoKeyword,
    /// More than [`MAX_KEYWORDS`].
    TooManyKeywords {
        /// How many.
        count: usize,
    },
    /// Longer than [`MAX_QUERY_CHARS`].
    TooLong {
        /// Its length.
        chars: usize,
    },
    /// `city:` with nothing after it.
    EmptyCity,
    /// `company:阿里`: a filter that does not exist.
    UnknownFilter {
        /// The filter's name as typed.
        name: String,
    },
    /// The `N` of `salary>=N`.
    Salary(SalaryError),
}

impl QueryError {
    /// The prompt of this problem.
    pub fn prompt(&self) -> Prompt {
        match self {
            QueryError::NoKeyword => Prompt::key("hiring-sub-no-keyword"),
            QueryError::TooManyKeywords { count } => Prompt::key("hiring-query-too-many-keywords")
                .num("count", i64::try_from(*count).unwrap_or(i64::MAX))
                .num("max", MAX_KEYWORDS as i64),
            QueryError::TooLong { chars } => Prompt::key("hiring-query-too-long")
                .num("chars", i64::try_from(*chars).unwrap_or(i64::MAX))
                .num("max", MAX_QUERY_CHARS as i64),
            QueryError::EmptyCity => Prompt::key("hiring-query-empty-city"),
            QueryError::UnknownFilter { name } => Prompt::key("hiring-query-unknown-filter").str("name", name),
            QueryError::Salary(e) => salary_prompt(e),
        }
    }
}

const CITY_FILTERS: &[&str] = &["city", "城市", "地点", "location", "in"];
const SALARY_FILTERS: &[&str] = &["salary", "薪资", "月薪", "工资", "薪水", "pay"];
const OPERATORS: &[&str] = &[">=", "≥", ">", ":"];

fn is_filter_name(s: &str) -> bool {
    let f = fold_word(s);
    CITY_FILTERS.contains(&f.as_str()) || SALARY_FILTERS.contains(&f.as_str())
}

/// Quote pairs that group words into one keyword (`"high availability"`).
const QUOTES: &[(char, char)] = &[('"', '"'), ('“', '”'), ('「', '」'), ('『', '』')];

/// Splits on spaces and `,` `，` `、`, keeping quoted groups whole (an
/// unclosed quote runs to the end).
fn split_raw(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(close) if c == close => {
                closing = None;
                out.push(std::mem::take(&mut cur));
            }
            Some(_) => cur.push(c),
            None if c.is_whitespace() || matches!(c, ',' | '，' | '、') => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => match QUOTES.iter().find(|(open, _)| *open == c) {
                Some((_, close)) if cur.is_empty() => closing = Some(*close),
                _ => cur.push(c),
            },
        }
    }
    out.push(cur);
    out.into_iter().map(|w| w.trim().to_owned()).filter(|w| !w.is_empty()).collect()
}

/// Splits into words, joining `city: 杭州` and `salary >= 30k` back together.
fn words(text: &str) -> Vec<String> {
    let nfkc: String = text.nfkc().collect();
    let raw_owned = split_raw(&nfkc);
    let raw: Vec<&str> = raw_owned.iter().map(String::as_str).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let mut w = raw[i].to_owned();
        i += 1;
        // "salary" ">=30k", "salary" ">=" "30k", "city:" "杭州", "city" ":" "杭州"
        let name_end = w.find(|c: char| OPERATORS.iter().any(|op| op.starts_with(c))).unwrap_or(w.len());
        if is_filter_name(&w[..name_end]) {
            if name_end == w.len() && i < raw.len() && OPERATORS.iter().any(|op| raw[i].starts_with(op)) {
                w.push_str(raw[i]);
                i += 1;
            }
            let rest = &w[name_end..];
            if OPERATORS.contains(&rest) && i < raw.len() {
                w.push_str(raw[i]);
                i += 1;
            }
        }
        out.push(w);
    }
    out
}

/// Parses a query. `currency` is the community's (`features.hiring.currency`).
pub fn parse_query(text: &str, currency: Currency, mode: Mode) -> Result<Query, QueryError> {
    let n = chars(text.trim());
    if n > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong { chars: n });
    }
    let mut q = Query { keywords: Vec::new(), cities: Vec::new(), remote: false, floor: None };
    let mut typed_keywords = 0;
    for w in words(text) {
        if let Some((name, op, value)) = split_filter(&w) {
            let f = fold_word(name);
            if CITY_FILTERS.contains(&f.as_str()) && op == ":" {
                let loc = Location::parse(value);
                if loc.is_empty() {
                    return Err(QueryError::EmptyCity);
                }
                add_location(&mut q, loc);
            } else if SALARY_FILTERS.contains(&f.as_str()) {
                // `salary:30k` reads as `salary>=30k`.
                let floor = parse_floor(value, currency).map_err(QueryError::Salary)?;
                q.floor = Some(floor);
            } else {
                return Err(QueryError::UnknownFilter { name: format!("{name}{op}") });
            }
            continue;
        }
        if is_remote_word(&w) {
            q.remote = true;
            continue;
        }
        if let Some(city) = known_city(&w) {
            if !q.cities.contains(&city) {
                q.cities.push(city);
            }
            continue;
        }
        if let Some(floor) = bare_floor(&w, currency) {
            q.floor = Some(floor);
            continue;
        }
        typed_keywords += 1;
        if let Some(k) = compile_keyword(&w)
            && !q.keywords.iter().any(|x| x.folded == k.folded)
        {
            q.keywords.push(k);
        }
    }
    if typed_keywords > MAX_KEYWORDS {
        return Err(QueryError::TooManyKeywords { count: typed_keywords });
    }
    if mode == Mode::Subscribe && q.keywords.is_empty() {
        return Err(QueryError::NoKeyword);
    }
    if mode == Mode::Search && q.keywords.is_empty() && q.cities.is_empty() && !q.remote && q.floor.is_none() {
        return Err(QueryError::NoKeyword);
    }
    Ok(q)
}

fn add_location(q: &mut Query, loc: Location) {
    for c in loc.cities {
        if !q.cities.contains(&c) {
            q.cities.push(c);
        }
    }
    if loc.remote == Remote::Full {
        q.remote = true;
    }
}

/// `name:value`, `name>=value`, `name≥value`, `name>value` where `name` is
/// letters only (1 to 12); `None` for anything else (a keyword).
fn split_filter(w: &str) -> Option<(&str, &'static str, &str)> {
    let at = w.find([':', '>', '≥'])?;
    let name = &w[..at];
    if name.is_empty() || chars(name) > 12 || !name.chars().all(char::is_alphabetic) {
        return None;
    }
    let rest = &w[at..];
    let op = OPERATORS.iter().find(|op| rest.starts_with(**op))?;
    Some((name, op, rest[op.len()..].trim()))
}

/// `30k+`, `3万以上`, `30k起`: a salary with an open top, as a floor.
fn bare_floor(w: &str, currency: Currency) -> Option<SalaryFloor> {
    match parse_salary(w, SalaryDefaults::new(currency)) {
        Ok(Salary::Range(r)) if r.min.is_some() && r.max.is_none() => {
            Some(SalaryFloor { monthly: r.monthly_min().unwrap_or(0), currency: r.currency })
        }
        _ => None,
    }
}

impl Query {
    /// The query's canonical form: keywords (folded, sorted), cities,
    /// remote, floor. Two subscriptions of one member with the same form are
    /// the same subscription (`hiring_subscriptions.canonical` is unique per
    /// member).
    pub fn canonical(&self) -> String {
        let mut kws: Vec<&str> = self.keywords.iter().map(|k| k.folded.as_str()).collect();
        kws.sort_unstable();
        let mut cities: Vec<&str> = self.cities.iter().map(|c| c.key.as_str()).collect();
        cities.sort_unstable();
        let floor = self.floor.map(|f| format!("{}{}", f.currency.code(), f.monthly)).unwrap_or_default();
        format!("{}|{}|{}|{}", kws.join(" "), cities.join(","), u8::from(self.remote), floor)
    }

    /// The keywords as typed, for replies and `/jobs subscriptions`.
    pub fn keywords_text(&self) -> String {
        self.keywords.iter().map(|k| k.text.as_str()).collect::<Vec<_>>().join(" ")
    }

    /// The stored form of the cities, like `hiring_posts.cities`.
    pub fn cities_column(&self) -> String {
        Location { cities: self.cities.clone(), remote: Remote::No }.cities_column()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(text: &str) -> Query {
        match parse_query(text, Currency::Cny, Mode::Subscribe) {
            Ok(q) => q,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    fn sub_err(text: &str) -> QueryError {
        match parse_query(text, Currency::Cny, Mode::Subscribe) {
            Ok(q) => panic!("{text} accepted: {q:?}"),
            Err(e) => e,
        }
    }

    fn texts(q: &Query) -> Vec<&str> {
        q.keywords.iter().map(|k| k.text.as_str()).collect()
    }

    #[test]
    fn the_issue_form() {
        let q = sub("postgres dba city:杭州 remote salary>=30k");
        assert_eq!(texts(&q), vec!["postgres", "dba"]);
        assert_eq!(q.cities, vec![City::from_key("杭州")]);
        assert!(q.remote);
        assert_eq!(q.floor, Some(SalaryFloor { monthly: 30_000, currency: Currency::Cny }));
    }

    #[test]
    fn chinese_forms_and_spacing() {
        let q = sub("数据库　运维，城市：北京/上海 远程 薪资>=3万");
        assert_eq!(texts(&q), vec!["数据库", "运维"]);
        assert_eq!(q.cities, vec![City::from_key("北京"), City::from_key("上海")]);
        assert!(q.remote);
        assert_eq!(q.floor.map(|f| f.monthly), Some(30_000));
        let q = sub("dba city: Peking salary >= 30k");
        assert_eq!(q.cities, vec![City::from_key("北京")]);
        assert_eq!(q.floor.map(|f| f.monthly), Some(30_000));
        let q = sub("dba city : hangzhou salary >= 40万/年");
        assert_eq!(q.cities, vec![City::from_key("杭州")]);
        assert_eq!(q.floor.map(|f| f.monthly), Some(33_333));
        let q = sub("dba salary≥$8k/month");
        assert_eq!(q.floor, Some(SalaryFloor { monthly: 8_000, currency: Currency::Usd }));
        let q = sub("dba 30k+");
        assert_eq!(q.floor.map(|f| f.monthly), Some(30_000));
        let q = sub("dba 3万以上");
        assert_eq!(q.floor.map(|f| f.monthly), Some(30_000));
    }

    #[test]
    fn bare_cities_and_remote_words_are_filters() {
        let q = sub("postgres 杭州 Beijing wfh");
        assert_eq!(texts(&q), vec!["postgres"]);
        assert_eq!(q.cities, vec![City::from_key("杭州"), City::from_key("北京")]);
        assert!(q.remote);
        // Unknown places are keywords unless written as city:.
        let q = sub("postgres 义乌");
        assert_eq!(texts(&q), vec!["postgres", "义乌"]);
        let q = sub("postgres city:义乌");
        assert_eq!(q.cities, vec![City { key: "义乌".into(), known: false }]);
        let q = sub("postgres city:remote");
        assert!(q.remote && q.cities.is_empty());
    }

    #[test]
    fn alternatives_duplicates_and_stop_words() {
        let q = sub("postgres|mysql dba DBA");
        assert_eq!(texts(&q), vec!["postgres|mysql", "dba"], "a repeated keyword counts once");
        assert_eq!(q.keywords[0].alternatives.len(), 2);
        let q = sub("the postgres");
        assert_eq!(texts(&q), vec!["postgres"], "stop words are not keywords");
        assert_eq!(sub_err("the 的 of"), QueryError::NoKeyword);
    }

    #[test]
    fn bad_queries() {
        assert_eq!(sub_err("city:杭州 remote"), QueryError::NoKeyword);
        assert_eq!(sub_err("杭州"), QueryError::NoKeyword);
        assert_eq!(sub_err(""), QueryError::NoKeyword);
        assert_eq!(sub_err("salary>=30k"), QueryError::NoKeyword);
        assert_eq!(sub_err("a1 a2 a3 a4 a5 a6 a7 a8 a9"), QueryError::TooManyKeywords { count: 9 });
        assert_eq!(sub_err(&"x".repeat(201)), QueryError::TooLong { chars: 201 });
        assert_eq!(sub_err("dba city:"), QueryError::EmptyCity);
        assert_eq!(sub_err("dba city:/"), QueryError::EmptyCity);
        assert_eq!(sub_err("dba company:阿里"), QueryError::UnknownFilter { name: "company:".into() });
        assert_eq!(sub_err("dba 公司:阿里"), QueryError::UnknownFilter { name: "公司:".into() });
        assert_eq!(sub_err("dba city>=3"), QueryError::UnknownFilter { name: "city>=".into() });
        assert_eq!(
            sub_err("dba salary>=30-50k"),
            QueryError::Salary(SalaryError::Unreadable { text: "30-50k".into() })
        );
        assert_eq!(sub_err("dba salary>=30"), QueryError::Salary(SalaryError::UnclearUnit { text: "30".into() }));
        assert_eq!(sub_err("dba salary>="), QueryError::Salary(SalaryError::Unreadable { text: "".into() }));
        for e in [
            QueryError::NoKeyword,
            QueryError::TooManyKeywords { count: 9 },
            QueryError::TooLong { chars: 1 },
            QueryError::EmptyCity,
            QueryError::UnknownFilter { name: "x:".into() },
            QueryError::Salary(SalaryError::Zero),
        ] {
            assert!(e.prompt().key.starts_with("hiring-"));
        }
    }

    #[test]
    fn things_that_look_like_filters_but_are_keywords() {
        let q = sub("c++ c# node.js 996 k8s: 30k");
        assert_eq!(texts(&q), vec!["c++", "c#", "node.js", "996", "k8s:", "30k"]);
        assert_eq!(q.floor, None, "a bare 30k is a keyword; a floor needs >= or +");
    }

    #[test]
    fn quoted_phrases_are_one_keyword() {
        let q = sub("\"high availability\" “数据 平台” dba");
        assert_eq!(texts(&q), vec!["high availability", "数据 平台", "dba"]);
        let q = sub("\"unclosed phrase");
        assert_eq!(texts(&q), vec!["unclosed phrase"]);
        let q = sub("o'reilly dba");
        assert_eq!(texts(&q), vec!["o'reilly", "dba"], "an apostrophe inside a word is not a quote");
    }

    #[test]
    fn search_mode_allows_filters_alone() {
        let q = parse_query("postgres 杭州 remote", Currency::Cny, Mode::Search).map(|q| (q.keywords.len(), q.remote));
        assert_eq!(q, Ok((1, true)));
        assert!(parse_query("杭州 remote", Currency::Cny, Mode::Search).is_ok());
        assert_eq!(parse_query("the", Currency::Cny, Mode::Search), Err(QueryError::NoKeyword));
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(sub("DBA postgres city:Hangzhou").canonical(), sub("postgres  dba 杭州").canonical());
        assert_ne!(sub("dba").canonical(), sub("dba remote").canonical());
        assert_ne!(sub("dba salary>=30k").canonical(), sub("dba salary>=$30k").canonical());
        assert_eq!(sub("dba salary>=30k").canonical(), "dba||0|CNY30000");
        assert_eq!(sub("dba 北京 上海").cities_column(), ",北京,上海,");
        assert_eq!(sub("dba").keywords_text(), "dba");
    }
}
