//! Salaries as recruiters write them, normalized: `30-50k`, `30k-50k/月`,
//! `40万-60万/年`, `20K·14薪`, `¥25k+`, `$120k–150k/year`, `€400/day`,
//! `negotiable` / `面议`. The result is a range (or an open end) of whole
//! currency units in one currency and period, plus a monthly equivalent that
//! `salary>=N` filters compare against.
//!
//! Grammar (after the FAQ's fold: full-width → ASCII, lower case):
//! `[月薪|年薪|日薪|时薪] [≥|from|最低] [CUR] AMOUNT [UNIT] [CUR] [(-|~|至|到|to) [CUR] AMOUNT [UNIT] [CUR]]
//! [+|以上|起|以内|以下] [/ PERIOD] [· N薪 | ×N | *N]` in any reasonable order,
//! with filler words (`税前`, `左右`, `约`, `about`, `per`, `a`) ignored. A
//! unit written on one end applies to the other (`30-50k` = 30k–50k).
//!
//! Defaults, when the text does not say:
//! - currency: the community's (`[features.hiring] currency`, `CNY`);
//! - period: the key's (`月薪:` month, `年薪:` year); else, for USD, EUR, GBP
//!   and JPY (quoted per year there) a year; else (CNY, HKD, SGD are quoted
//!   per month) a month, unless the top amount is 100 000 or more, which no
//!   one is paid a month: `3万-5万` is monthly, `40万-60万` yearly.
//!
//! Monthly equivalent: month × months-paid ÷ 12 (a 14-month package counts),
//! year ÷ 12, day × 21.75 (the statutory average of working days per month
//! in China), hour × 8 × 21.75.

use crate::features::hiring::text::fold_word;

/// A currency a salary is paid in. No exchange rates: a `salary>=N` floor
/// compares only salaries in its own currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Renminbi (¥, CNY, RMB, 元).
    Cny,
    /// US dollar ($, US$, USD, 美元).
    Usd,
    /// Euro (€, EUR, 欧元).
    Eur,
    /// Hong Kong dollar (HK$, HKD, 港币).
    Hkd,
    /// Pound sterling (£, GBP, 英镑).
    Gbp,
    /// Singapore dollar (S$, SGD, 新币).
    Sgd,
    /// Yen (JPY, 日元; `¥` alone means CNY here).
    Jpy,
}

impl Currency {
    /// Every currency, for config validation and tests.
    pub const ALL: [Currency; 7] =
        [Currency::Cny, Currency::Usd, Currency::Eur, Currency::Hkd, Currency::Gbp, Currency::Sgd, Currency::Jpy];

    /// The ISO code, as stored and configured.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Hkd => "HKD",
            Currency::Gbp => "GBP",
            Currency::Sgd => "SGD",
            Currency::Jpy => "JPY",
        }
    }

    /// From an ISO code (any case); `RMB` is CNY.
    pub fn from_code(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        if code == "RMB" {
            return Some(Currency::Cny);
        }
        Currency::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The symbol shown before amounts.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Hkd => "HK$",
            Currency::Gbp => "£",
            Currency::Sgd => "S$",
            Currency::Jpy => "JPY ",
        }
    }

    /// The period a salary in this currency is quoted in when the text does
    /// not say.
    fn usual_period(self) -> Period {
        match self {
            Currency::Cny | Currency::Hkd | Currency::Sgd => Period::Month,
            Currency::Usd | Currency::Eur | Currency::Gbp | Currency::Jpy => Period::Year,
        }
    }
}

/// What an amount is paid per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// Per hour.
    Hour,
    /// Per working day.
    Day,
    /// Per month.
    Month,
    /// Per year.
    Year,
}

impl Period {
    /// The stored name (and the Fluent selector in `hiring-salary`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Hour => "hour",
            Period::Day => "day",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Period> {
        [Period::Hour, Period::Day, Period::Month, Period::Year].into_iter().find(|p| p.as_str() == s)
    }
}

/// A salary with numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalaryRange {
    /// The lowest amount, in whole units of the currency; `None` for "up to".
    pub min: Option<u64>,
    /// The highest amount; `None` for "from" (`25k+`, `30k起`).
    pub max: Option<u64>,
    /// The currency.
    pub currency: Currency,
    /// What the amounts are paid per.
    pub period: Period,
    /// Monthly salaries paid per year (`14薪`), when said; 12 otherwise.
    pub months: Option<u32>,
}

/// A salary, normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Salary {
    /// `面议`, `negotiable`: no numbers. Never passes a `salary>=N` filter.
    Negotiable,
    /// Numbers.
    Range(SalaryRange),
}

/// Why a salary could not be read. Each maps to a prompt that quotes what
/// was typed and shows the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SalaryError {
    /// Words or symbols that are not part of the grammar.
    #[error("unreadable salary {text:?}")]
    Unreadable {
        /// What was typed.
        text: String,
    },
    /// The minimum is above the maximum (`50-30k`).
    #[error("salary minimum {min} above maximum {max}")]
    MinAboveMax {
        /// The minimum, formatted.
        min: String,
        /// The maximum, formatted.
        max: String,
    },
    /// Numbers with no unit that are too small for the period: `30-50`
    /// a month is almost certainly `30-50k`.
    #[error("salary {text:?} has no unit")]
    UnclearUnit {
        /// What was typed.
        text: String,
    },
    /// Zero (or an amount that rounds to it).
    #[error("salary of zero")]
    Zero,
    /// More than ten billion units: a typo.
    #[error("salary too large")]
    TooLarge,
    /// `N薪` outside 12..=24.
    #[error("{months} monthly salaries a year")]
    MonthsOutOfRange {
        /// The number written.
        months: u32,
    },
}

/// What the text does not say, from the community and the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalaryDefaults {
    /// The community's currency.
    pub currency: Currency,
    /// The period the key implies (`月薪:` → month), if any.
    pub period: Option<Period>,
}

impl SalaryDefaults {
    /// Defaults for a community whose currency is `currency`.
    pub fn new(currency: Currency) -> SalaryDefaults {
        SalaryDefaults { currency, period: None }
    }
}

/// In a currency quoted per month, an amount with no period this large or
/// larger is a yearly salary.
const YEARLY_FROM: u64 = 100_000;

/// Largest amount accepted, in units.
const MAX_UNITS: u64 = 10_000_000_000;

/// One token of a salary text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// A number, in thousandths.
    Num(u64),
    /// A multiplier word: `k`/`千` (1 000) or `w`/`万` (10 000).
    Unit(u64),
    Cur(Currency),
    Dash,
    Period(Period),
    /// `N薪`, `×N`: monthly salaries paid a year.
    Months(u32),
    /// `+`, `以上`, `起`, `from`: the amount is a minimum.
    Plus,
    /// `以内`, `up to`, `最高`: the amount is a maximum.
    UpTo,
    Negotiable,
    /// `/`, `per`, `每`: a period follows (`m`, `y`, `d`, `h` are periods only here).
    Per,
    /// `×`, `*`, `x`: a number of months follows.
    Times,
}

/// CJK words, longest first where one starts another.
const CJK_WORDS: &[(&str, Tok)] = &[
    ("薪资面议", Tok::Negotiable),
    ("待遇面议", Tok::Negotiable),
    ("新加坡元", Tok::Cur(Currency::Sgd)),
    ("及以上", Tok::Plus),
    ("人民币", Tok::Cur(Currency::Cny)),
    ("面议", Tok::Negotiable),
    ("面谈", Tok::Negotiable),
    ("可谈", Tok::Negotiable),
    ("可议", Tok::Negotiable),
    ("月薪", Tok::Period(Period::Month)),
    ("年薪", Tok::Period(Period::Year)),
    ("日薪", Tok::Period(Period::Day)),
    ("时薪", Tok::Period(Period::Hour)),
    ("美元", Tok::Cur(Currency::Usd)),
    ("美金", Tok::Cur(Currency::Usd)),
    ("欧元", Tok::Cur(Currency::Eur)),
    ("港币", Tok::Cur(Currency::Hkd)),
    ("港元", Tok::Cur(Currency::Hkd)),
    ("英镑", Tok::Cur(Currency::Gbp)),
    ("新币", Tok::Cur(Currency::Sgd)),
    ("日元", Tok::Cur(Currency::Jpy)),
    ("以上", Tok::Plus),
    ("以内", Tok::UpTo),
    ("以下", Tok::UpTo),
    ("最高", Tok::UpTo),
    ("最低", Tok::Plus),
    ("小时", Tok::Period(Period::Hour)),
    ("个月", Tok::Months(0)),
    ("万", Tok::Unit(10_000)),
    ("千", Tok::Unit(1_000)),
    ("元", Tok::Cur(Currency::Cny)),
    ("块", Tok::Cur(Currency::Cny)),
    ("起", Tok::Plus),
    ("至", Tok::Dash),
    ("到", Tok::Dash),
    ("每", Tok::Per),
    ("月", Tok::Period(Period::Month)),
    ("年", Tok::Period(Period::Year)),
    ("天", Tok::Period(Period::Day)),
    ("日", Tok::Period(Period::Day)),
    ("时", Tok::Period(Period::Hour)),
    ("薪", Tok::Months(0)),
];

/// CJK filler words: said, but change nothing.
const CJK_FILLER: &[&str] = &["薪资", "薪酬", "薪水", "工资", "待遇", "税前", "左右", "大约", "约", "底薪", "基本"];

/// English words. `m`, `y`, `d`, `h` are periods only after `/` or `per`.
fn latin_word(w: &str, after_per: bool) -> Option<Option<Tok>> {
    let tok = match w {
        "k" => Tok::Unit(1_000),
        "w" => Tok::Unit(10_000),
        "cny" | "rmb" | "yuan" => Tok::Cur(Currency::Cny),
        "usd" => Tok::Cur(Currency::Usd),
        "eur" | "euro" | "euros" => Tok::Cur(Currency::Eur),
        "hkd" => Tok::Cur(Currency::Hkd),
        "gbp" => Tok::Cur(Currency::Gbp),
        "sgd" => Tok::Cur(Currency::Sgd),
        "jpy" | "yen" => Tok::Cur(Currency::Jpy),
        "to" => Tok::Dash,
        "per" | "a" | "an" => Tok::Per,
        "month" | "months" | "mo" | "mon" | "monthly" | "pm" => Tok::Period(Period::Month),
        "year" | "years" | "yr" | "yrs" | "annual" | "annually" | "annum" | "yearly" | "pa" => {
            Tok::Period(Period::Year)
        }
        "day" | "days" | "daily" => Tok::Period(Period::Day),
        "hour" | "hours" | "hr" | "hrs" | "hourly" => Tok::Period(Period::Hour),
        "m" if after_per => Tok::Period(Period::Month),
        "y" if after_per => Tok::Period(Period::Year),
        "d" if after_per => Tok::Period(Period::Day),
        "h" if after_per => Tok::Period(Period::Hour),
        "negotiable" | "competitive" | "doe" | "tbd" => Tok::Negotiable,
        "from" | "min" | "minimum" | "more" | "plus" | "above" => Tok::Plus,
        "max" | "maximum" => Tok::UpTo,
        "x" => Tok::Times,
        "salary" | "pay" | "base" | "gross" | "about" | "around" | "approx" | "approximately" | "circa" | "ca"
        | "or" | "and" | "pretax" | "pre" | "tax" => return Some(None),
        _ => return None,
    };
    Some(Some(tok))
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    let after_per = |out: &Vec<Tok>| matches!(out.last(), Some(Tok::Per));
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let (milli, next) = number(&chars, i)?;
            out.push(Tok::Num(milli));
            i = next;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphabetic() || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().filter(|c| **c != '.').collect();
            // "US$", "HK$", "S$"; "up to"; "x14".
            if chars.get(i) == Some(&'$') && matches!(word.as_str(), "us" | "hk" | "s") {
                i += 1;
                out.push(Tok::Cur(match word.as_str() {
                    "us" => Currency::Usd,
                    "hk" => Currency::Hkd,
                    _ => Currency::Sgd,
                }));
                continue;
            }
            if word == "up" {
                let rest: String = chars[i..].iter().collect();
                if let Some(after) = rest.trim_start().strip_prefix("to")
                    && !after.starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    i = chars.len() - after.chars().count();
                    out.push(Tok::UpTo);
                } else {
                    out.push(Tok::Plus);
                }
                continue;
            }
            if let Some(tok) = latin_word(&word, after_per(&out))? {
                out.push(tok);
            }
        } else if super::text::is_cjk(c) {
            let rest: String = chars[i..].iter().collect();
            if let Some(filler) = CJK_FILLER.iter().find(|w| rest.starts_with(**w)) {
                i += filler.chars().count();
                continue;
            }
            let (word, tok) = CJK_WORDS.iter().find(|(w, _)| rest.starts_with(w))?;
            i += word.chars().count();
            match tok {
                // "14薪", "13个月": the number before it counts months.
                Tok::Months(_) => match out.pop() {
                    Some(Tok::Num(milli)) if milli % 1000 == 0 => {
                        out.push(Tok::Months(u32::try_from(milli / 1000).unwrap_or(u32::MAX)))
                    }
                    _ => return None,
                },
                tok => out.push(*tok),
            }
        } else {
            i += 1;
            match c {
                '¥' => out.push(Tok::Cur(Currency::Cny)),
                '$' => out.push(Tok::Cur(Currency::Usd)),
                '€' => out.push(Tok::Cur(Currency::Eur)),
                '£' => out.push(Tok::Cur(Currency::Gbp)),
                '-' | '–' | '—' | '~' | '〜' | '―' => out.push(Tok::Dash),
                '/' | '／' => out.push(Tok::Per),
                '+' | '≥' => out.push(Tok::Plus),
                '≤' => out.push(Tok::UpTo),
                '>' | '<' if chars.get(i) == Some(&'=') => {
                    i += 1;
                    out.push(if c == '>' { Tok::Plus } else { Tok::UpTo });
                }
                '×' | '*' => out.push(Tok::Times),
                '·' | '•' | ',' | '，' | ';' | '；' | '(' | ')' | '（' | '）' | '、' | ':' | '.' | '。' => {}
                _ => return None,
            }
        }
    }
    Some(out)
}

/// Reads a number at `i`: digits, `,` thousands separators (a comma
/// followed by exactly three digits), and a decimal part. Returns it in
/// thousandths and the index after it; `None` when absurdly long.
fn number(chars: &[char], mut i: usize) -> Option<(u64, usize)> {
    let mut whole: u64 = 0;
    let mut digits = 0;
    loop {
        match chars.get(i) {
            Some(c) if c.is_ascii_digit() => {
                whole = whole.checked_mul(10)?.checked_add(u64::from(c.to_digit(10)?))?;
                digits += 1;
                i += 1;
            }
            Some(',')
                if digits > 0
                    && chars.get(i + 1..i + 4).is_some_and(|d| d.iter().all(char::is_ascii_digit))
                    && !chars.get(i + 4).is_some_and(char::is_ascii_digit) =>
            {
                i += 1;
            }
            _ => break,
        }
    }
    let mut milli = whole.checked_mul(1000)?;
    if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
        i += 1;
        let mut scale = 100;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            milli = milli.checked_add(u64::from(d) * scale)?;
            scale /= 10;
            i += 1;
        }
    }
    Some((milli, i))
}

/// An amount as written: thousandths and its unit, if any.
#[derive(Debug, Clone, Copy)]
struct Amount {
    milli: u64,
    unit: Option<u64>,
}

/// Parses a salary. `text` is the value of a `薪资:` line.
pub fn parse_salary(text: &str, defaults: SalaryDefaults) -> Result<Salary, SalaryError> {
    let unreadable = || SalaryError::Unreadable { text: text.trim().to_owned() };
    let folded = fold_word(text);
    let toks = tokenize(&folded).ok_or_else(unreadable)?;

    let mut amounts: Vec<Amount> = Vec::new();
    let (mut currency, mut period, mut months) = (None::<Currency>, None::<Period>, None::<u32>);
    let (mut plus, mut up_to, mut negotiable, mut trailing_dash) = (false, false, false, false);
    let mut i = 0;
    while i < toks.len() {
        match toks[i] {
            Tok::Num(milli) => {
                let unit = match toks.get(i + 1) {
                    Some(Tok::Unit(u)) => {
                        i += 1;
                        Some(*u)
                    }
                    _ => None,
                };
                if amounts.len() == 2 {
                    return Err(unreadable());
                }
                if amounts.len() == 1 && !trailing_dash {
                    return Err(unreadable());
                }
                trailing_dash = false;
                amounts.push(Amount { milli, unit });
            }
            Tok::Unit(_) => return Err(unreadable()),
            Tok::Cur(c) => {
                if currency.is_some_and(|prev| prev != c) {
                    return Err(unreadable());
                }
                currency = Some(c);
            }
            Tok::Dash => {
                // A leading "~" means "about"; a dash after the first amount joins two.
                if amounts.len() == 1 {
                    trailing_dash = true;
                } else if !amounts.is_empty() {
                    return Err(unreadable());
                }
            }
            Tok::Period(p) => {
                if period.is_some_and(|prev| prev != p) {
                    return Err(unreadable());
                }
                period = Some(p);
            }
            Tok::Months(n) => {
                if months.is_some() {
                    return Err(unreadable());
                }
                months = Some(n);
            }
            Tok::Times => match toks.get(i + 1) {
                Some(Tok::Num(milli)) if milli % 1000 == 0 && !amounts.is_empty() => {
                    if months.is_some() {
                        return Err(unreadable());
                    }
                    months = Some(u32::try_from(milli / 1000).unwrap_or(u32::MAX));
                    i += 1;
                    // "×14薪"
                    if let Some(Tok::Months(_)) = toks.get(i + 1) {
                        return Err(unreadable());
                    }
                }
                _ => return Err(unreadable()),
            },
            Tok::Plus => plus = true,
            Tok::UpTo => up_to = true,
            Tok::Negotiable => negotiable = true,
            Tok::Per => {
                if !matches!(toks.get(i + 1), Some(Tok::Period(_))) {
                    return Err(unreadable());
                }
            }
        }
        i += 1;
    }
    if trailing_dash {
        return Err(unreadable());
    }
    if amounts.is_empty() {
        return if negotiable && months.is_none() { Ok(Salary::Negotiable) } else { Err(unreadable()) };
    }
    if plus && up_to {
        return Err(unreadable());
    }
    // A unit written on one end applies to the other: 30-50k, 3万-5.
    if amounts.len() == 2 {
        let unit = amounts[0].unit.or(amounts[1].unit);
        for a in &mut amounts {
            a.unit = a.unit.or(unit);
        }
    }
    if let Some(m) = months
        && !(12..=24).contains(&m)
    {
        return Err(SalaryError::MonthsOutOfRange { months: m });
    }
    let currency = currency.unwrap_or(defaults.currency);
    let mut units = Vec::with_capacity(2);
    for a in &amounts {
        let v = a.milli.checked_mul(a.unit.unwrap_or(1)).ok_or(SalaryError::TooLarge)? / 1000;
        if v > MAX_UNITS {
            return Err(SalaryError::TooLarge);
        }
        units.push(v);
    }
    let top = units.iter().copied().max().unwrap_or(0);
    if top == 0 {
        return Err(SalaryError::Zero);
    }
    let period = period.or(defaults.period).unwrap_or(match currency.usual_period() {
        Period::Month if top >= YEARLY_FROM => Period::Year,
        usual => usual,
    });
    let no_unit = amounts.iter().all(|a| a.unit.is_none());
    if no_unit && matches!(period, Period::Month | Period::Year) && top < 1000 && currency != Currency::Jpy {
        return Err(SalaryError::UnclearUnit { text: text.trim().to_owned() });
    }
    let (min, max) = match units.as_slice() {
        [a, b] => (Some(*a), Some(*b)),
        [a] if plus => (Some(*a), None),
        [a] if up_to => (None, Some(*a)),
        [a] => (Some(*a), Some(*a)),
        _ => return Err(unreadable()),
    };
    let range = SalaryRange { min, max, currency, period, months };
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        return Err(SalaryError::MinAboveMax { min: range.format_amount(lo), max: range.format_amount(hi) });
    }
    if min == Some(0) && max.is_none() {
        return Err(SalaryError::Zero);
    }
    Ok(Salary::Range(range))
}

impl SalaryRange {
    /// `amount` a `period` as a monthly equivalent, in units (rounded down).
    pub fn monthly(&self, amount: u64) -> u64 {
        let amount = u128::from(amount);
        let monthly = match self.period {
            Period::Month => amount * u128::from(self.months.unwrap_or(12)) / 12,
            Period::Year => amount / 12,
            Period::Day => amount * 87 / 4,
            Period::Hour => amount * 174,
        };
        u64::try_from(monthly).unwrap_or(u64::MAX)
    }

    /// The monthly equivalent of the minimum (stored for sorting).
    pub fn monthly_min(&self) -> Option<u64> {
        self.min.map(|a| self.monthly(a))
    }

    /// The monthly equivalent of the top of the range (the minimum when the
    /// range is open-ended): what a `salary>=N` floor is compared with, so a
    /// 25k–35k post meets a 30k floor.
    pub fn monthly_top(&self) -> Option<u64> {
        self.max.or(self.min).map(|a| self.monthly(a))
    }

    /// One amount, compact: `30k`, `12.5k`, `40万` (CNY yearly amounts in
    /// whole 万), `350`.
    pub fn format_amount(&self, v: u64) -> String {
        if self.currency == Currency::Cny && self.period == Period::Year && v >= 100_000 && v.is_multiple_of(1_000) {
            return format!("{}万", trim_decimals(v, 10_000));
        }
        if v >= 1_000 && v.is_multiple_of(10) {
            return format!("{}k", trim_decimals(v, 1_000));
        }
        v.to_string()
    }

    /// The amounts with the currency symbol: `¥30k–50k`, `¥25k+`, `≤$150k`.
    /// The period and months are added by the `hiring-salary` prompt.
    pub fn amounts(&self) -> String {
        let sym = self.currency.symbol();
        match (self.min, self.max) {
            (Some(a), Some(b)) if a == b => format!("{sym}{}", self.format_amount(a)),
            (Some(a), Some(b)) => format!("{sym}{}–{}", self.format_amount(a), self.format_amount(b)),
            (Some(a), None) => format!("{sym}{}+", self.format_amount(a)),
            (None, Some(b)) => format!("≤{sym}{}", self.format_amount(b)),
            (None, None) => String::new(),
        }
    }
}

/// `v / unit` with up to 2 decimals, trailing zeros dropped: 12500/1000 → 12.5.
fn trim_decimals(v: u64, unit: u64) -> String {
    let whole = v / unit;
    let frac = (v % unit) * 100 / unit;
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// A `salary>=N` floor: the monthly equivalent of `N` and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalaryFloor {
    /// Monthly equivalent, in units.
    pub monthly: u64,
    /// The currency it is in.
    pub currency: Currency,
}

/// Parses the `N` of `salary>=N` (`30k`, `3万`, `30000`, `$8k`, `40万/年`):
/// one amount, as a salary; `30-50k` is refused (a floor is one number).
pub fn parse_floor(text: &str, currency: Currency) -> Result<SalaryFloor, SalaryError> {
    match parse_salary(text, SalaryDefaults::new(currency))? {
        Salary::Range(r) if r.min.is_some() && (r.max.is_none() || r.max == r.min) => {
            Ok(SalaryFloor { monthly: r.monthly_min().unwrap_or(0), currency: r.currency })
        }
        _ => Err(SalaryError::Unreadable { text: text.trim().to_owned() }),
    }
}

impl SalaryFloor {
    /// Whether `salary` meets this floor: same currency and a monthly top at
    /// or above it. Negotiable and missing salaries never do.
    pub fn admits(&self, salary: Option<&Salary>) -> bool {
        match salary {
            Some(Salary::Range(r)) => r.currency == self.currency && r.monthly_top().is_some_and(|t| t >= self.monthly),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny() -> SalaryDefaults {
        SalaryDefaults::new(Currency::Cny)
    }

    fn range(text: &str) -> SalaryRange {
        match parse_salary(text, cny()) {
            Ok(Salary::Range(r)) => r,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn err(text: &str) -> SalaryError {
        match parse_salary(text, cny()) {
            Err(e) => e,
            Ok(s) => panic!("{text} should be refused, got {s:?}"),
        }
    }

    fn r(min: Option<u64>, max: Option<u64>, currency: Currency, period: Period, months: Option<u32>) -> SalaryRange {
        SalaryRange { min, max, currency, period, months }
    }

    #[test]
    fn the_issue_examples() {
        assert_eq!(range("30-50k"), r(Some(30_000), Some(50_000), Currency::Cny, Period::Month, None));
        assert_eq!(range("30k-50k/月"), r(Some(30_000), Some(50_000), Currency::Cny, Period::Month, None));
        assert_eq!(range("40万-60万/年"), r(Some(400_000), Some(600_000), Currency::Cny, Period::Year, None));
        assert_eq!(parse_salary("negotiable", cny()), Ok(Salary::Negotiable));
        assert_eq!(parse_salary("面议", cny()), Ok(Salary::Negotiable));
        assert_eq!(parse_salary("薪资面议", cny()), Ok(Salary::Negotiable));
        assert_eq!(parse_salary("Negotiable", cny()), Ok(Salary::Negotiable));
        assert_eq!(range("20K·14薪"), r(Some(20_000), Some(20_000), Currency::Cny, Period::Month, Some(14)));
    }

    #[test]
    fn chinese_forms() {
        for (text, min, max, period) in [
            ("30K-50K", 30_000, 50_000, Period::Month),
            ("３０－５０ｋ", 30_000, 50_000, Period::Month),
            ("30~50k", 30_000, 50_000, Period::Month),
            ("30～50K", 30_000, 50_000, Period::Month),
            ("30至50k", 30_000, 50_000, Period::Month),
            ("3万-5万", 30_000, 50_000, Period::Month),
            ("8万-12万", 80_000, 120_000, Period::Year),
            ("400k-600k", 400_000, 600_000, Period::Year),
            ("3-5万/月", 30_000, 50_000, Period::Month),
            ("月薪 3-5万", 30_000, 50_000, Period::Month),
            ("年薪40-60万", 400_000, 600_000, Period::Year),
            ("40w-60w", 400_000, 600_000, Period::Year),
            ("1.5万-2万/月", 15_000, 20_000, Period::Month),
            ("15000-20000元/月", 15_000, 20_000, Period::Month),
            ("15,000 - 20,000 元", 15_000, 20_000, Period::Month),
            ("税前 25-35k 左右", 25_000, 35_000, Period::Month),
            ("每月 25k-35k", 25_000, 35_000, Period::Month),
            ("日薪 800-1200 元", 800, 1_200, Period::Day),
            ("300元/天", 300, 300, Period::Day),
            ("200-300/小时", 200, 300, Period::Hour),
            ("¥30k-50k", 30_000, 50_000, Period::Month),
            ("￥30k-50k", 30_000, 50_000, Period::Month),
            ("RMB 30k-50k", 30_000, 50_000, Period::Month),
            ("30-50k 人民币", 30_000, 50_000, Period::Month),
            ("12.5k-15k", 12_500, 15_000, Period::Month),
        ] {
            let got = range(text);
            assert_eq!(
                (got.min, got.max, got.period, got.currency),
                (Some(min), Some(max), period, Currency::Cny),
                "{text}"
            );
        }
    }

    #[test]
    fn months_paid() {
        for text in ["20K·14薪", "20k*14", "20K×14", "20k x14", "20k x 14", "20k，14薪", "20k (14薪)", "20k 14个月"]
        {
            assert_eq!(range(text).months, Some(14), "{text}");
        }
        assert_eq!(range("20-30K·16薪").months, Some(16));
        assert_eq!(err("20k·30薪"), SalaryError::MonthsOutOfRange { months: 30 });
        assert_eq!(err("20k×6"), SalaryError::MonthsOutOfRange { months: 6 });
        assert!(matches!(err("20k·14薪·15薪"), SalaryError::Unreadable { .. }));
        assert!(matches!(err("14薪"), SalaryError::Unreadable { .. }), "months without an amount");
    }

    #[test]
    fn open_ends() {
        assert_eq!(range("25k+"), r(Some(25_000), None, Currency::Cny, Period::Month, None));
        assert_eq!(range("30k以上").max, None);
        assert_eq!(range("30k起").min, Some(30_000));
        assert_eq!(range("from $120k").min, Some(120_000));
        assert_eq!(range("≥30k").min, Some(30_000));
        assert_eq!(range("50k以内"), r(None, Some(50_000), Currency::Cny, Period::Month, None));
        assert_eq!(range("up to $150k"), r(None, Some(150_000), Currency::Usd, Period::Year, None));
        assert_eq!(range("最高 5万/月").max, Some(50_000));
        assert!(matches!(err("30k+ 以内"), SalaryError::Unreadable { .. }));
    }

    #[test]
    fn currencies_and_their_usual_periods() {
        for (text, cur, period) in [
            ("$120k-150k", Currency::Usd, Period::Year),
            ("USD 120k-150k", Currency::Usd, Period::Year),
            ("US$120k–150k per year", Currency::Usd, Period::Year),
            ("120-150k usd", Currency::Usd, Period::Year),
            ("$8k-10k/month", Currency::Usd, Period::Month),
            ("$50-80/hour", Currency::Usd, Period::Hour),
            ("$60 an hour", Currency::Usd, Period::Hour),
            ("1万-2万美元/月", Currency::Usd, Period::Month),
            ("€60k–80k per annum", Currency::Eur, Period::Year),
            ("EUR 60k-80k p.a.", Currency::Eur, Period::Year),
            ("€400/day", Currency::Eur, Period::Day),
            ("€400 daily", Currency::Eur, Period::Day),
            ("60-80k欧元", Currency::Eur, Period::Year),
            ("HK$40k-60k", Currency::Hkd, Period::Month),
            ("40k-60k 港币", Currency::Hkd, Period::Month),
            ("£70k", Currency::Gbp, Period::Year),
            ("S$8k-10k", Currency::Sgd, Period::Month),
            ("SGD 8k-10k/mo", Currency::Sgd, Period::Month),
            ("JPY 8000k-10000k", Currency::Jpy, Period::Year),
            ("30k-50k/m", Currency::Cny, Period::Month),
            ("30k-50k/y", Currency::Cny, Period::Year),
            ("300/d", Currency::Cny, Period::Day),
            ("200 / h", Currency::Cny, Period::Hour),
        ] {
            let got = range(text);
            assert_eq!((got.currency, got.period), (cur, period), "{text}");
        }
        let usd = SalaryDefaults::new(Currency::Usd);
        assert_eq!(
            parse_salary("120-150k", usd)
                .map(|s| matches!(s, Salary::Range(r) if r.currency == Currency::Usd && r.period == Period::Year)),
            Ok(true)
        );
        let hinted = SalaryDefaults { currency: Currency::Cny, period: Some(Period::Year) };
        assert_eq!(
            parse_salary("40-60万", hinted).map(|s| matches!(s, Salary::Range(r) if r.period == Period::Year)),
            Ok(true)
        );
        // An explicit period beats the key's hint.
        assert_eq!(
            parse_salary("3-5万/月", hinted).map(|s| matches!(s, Salary::Range(r) if r.period == Period::Month)),
            Ok(true)
        );
    }

    #[test]
    fn minimum_above_maximum_is_refused() {
        assert_eq!(err("50-30k"), SalaryError::MinAboveMax { min: "50k".into(), max: "30k".into() });
        assert_eq!(err("60万-40万/年"), SalaryError::MinAboveMax { min: "60万".into(), max: "40万".into() });
        assert_eq!(err("5万-30k/月"), SalaryError::MinAboveMax { min: "50k".into(), max: "30k".into() });
        assert_eq!(range("30-30k").min, Some(30_000));
    }

    #[test]
    fn unreadable_and_odd_salaries_are_refused() {
        for text in [
            "",
            "good",
            "30-50k 年终奖另算",
            "30k-50k-70k",
            "30 50k",
            "30k-",
            "-",
            "k",
            "30k/",
            "30k/week",
            "¥30k-$50k",
            "30k/月/年",
            "30%",
            "30m",
            "面议 14薪",
            "x14",
        ] {
            assert!(matches!(err(text), SalaryError::Unreadable { .. }), "{text}: {:?}", parse_salary(text, cny()));
        }
        assert_eq!(err("30-50"), SalaryError::UnclearUnit { text: "30-50".into() });
        assert_eq!(err("40-60/年"), SalaryError::UnclearUnit { text: "40-60/年".into() });
        assert_eq!(err("0-0"), SalaryError::Zero);
        assert_eq!(err("0k+"), SalaryError::Zero);
        assert_eq!(err("99999999999k"), SalaryError::TooLarge);
        assert!(matches!(err("999999999999999999999999"), SalaryError::Unreadable { .. }));
        // An amount with its numbers and "可谈" keeps the numbers.
        assert_eq!(range("25-35k 可谈").max, Some(35_000));
        // "~30k": a leading tilde means about.
        assert_eq!(range("~30k").min, Some(30_000));
    }

    #[test]
    fn monthly_equivalents() {
        assert_eq!(range("30-50k").monthly_top(), Some(50_000));
        assert_eq!(range("20K·14薪").monthly_top(), Some(23_333));
        assert_eq!(range("40万-60万/年").monthly_top(), Some(50_000));
        assert_eq!(range("40万-60万/年").monthly_min(), Some(33_333));
        assert_eq!(range("1000/天").monthly_top(), Some(21_750));
        assert_eq!(range("100/小时").monthly_top(), Some(17_400));
        assert_eq!(range("25k+").monthly_top(), Some(25_000));
        assert_eq!(range("50k以内").monthly_top(), Some(50_000));
        assert_eq!(range("50k以内").monthly_min(), None);
    }

    #[test]
    fn display() {
        assert_eq!(range("30-50k").amounts(), "¥30k–50k");
        assert_eq!(range("40万-60万/年").amounts(), "¥40万–60万");
        assert_eq!(range("12.5k-15k").amounts(), "¥12.5k–15k");
        assert_eq!(range("12.25k").amounts(), "¥12.25k");
        assert_eq!(range("20K·14薪").amounts(), "¥20k");
        assert_eq!(range("25k+").amounts(), "¥25k+");
        assert_eq!(range("up to $150k").amounts(), "≤$150k");
        assert_eq!(range("300元/天").amounts(), "¥300");
        assert_eq!(range("HK$40k-60k").amounts(), "HK$40k–60k");
        assert_eq!(range("1050/天").amounts(), "¥1.05k");
        assert_eq!(range("1055/天").amounts(), "¥1055");
    }

    #[test]
    fn floors() {
        let f = |t: &str| parse_floor(t, Currency::Cny);
        assert_eq!(f("30k"), Ok(SalaryFloor { monthly: 30_000, currency: Currency::Cny }));
        assert_eq!(f("3万"), Ok(SalaryFloor { monthly: 30_000, currency: Currency::Cny }));
        assert_eq!(f("30000"), Ok(SalaryFloor { monthly: 30_000, currency: Currency::Cny }));
        assert_eq!(f("40万/年"), Ok(SalaryFloor { monthly: 33_333, currency: Currency::Cny }));
        assert_eq!(f("$8k/month"), Ok(SalaryFloor { monthly: 8_000, currency: Currency::Usd }));
        assert_eq!(f("30k+"), Ok(SalaryFloor { monthly: 30_000, currency: Currency::Cny }));
        assert!(f("30-50k").is_err());
        assert!(f("面议").is_err());
        assert_eq!(f("30"), Err(SalaryError::UnclearUnit { text: "30".into() }));

        let floor = SalaryFloor { monthly: 30_000, currency: Currency::Cny };
        let s = |t: &str| parse_salary(t, cny()).ok();
        assert!(floor.admits(s("25-35k").as_ref()), "the top of the range reaches the floor");
        assert!(floor.admits(s("30k").as_ref()));
        assert!(!floor.admits(s("20-29k").as_ref()));
        assert!(floor.admits(s("40万/年").as_ref()));
        assert!(!floor.admits(s("30万/年").as_ref()));
        assert!(floor.admits(s("26k·14薪").as_ref()), "26k × 14 / 12 = 30.3k");
        assert!(!floor.admits(s("面议").as_ref()));
        assert!(!floor.admits(None));
        assert!(!floor.admits(s("$50k/month").as_ref()), "no exchange rates: other currencies never pass");
    }

    #[test]
    fn currencies_round_trip() {
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Some(c));
            assert_eq!(Currency::from_code(&c.code().to_lowercase()), Some(c));
        }
        assert_eq!(Currency::from_code("RMB"), Some(Currency::Cny));
        assert_eq!(Currency::from_code("XBT"), None);
        for p in [Period::Hour, Period::Day, Period::Month, Period::Year] {
            assert_eq!(Period::parse(p.as_str()), Some(p));
        }
    }
}
