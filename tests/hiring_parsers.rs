//! The hiring feature's parsers against what members may type: no input
//! makes one panic (deterministic pseudo-random strings built from the
//! characters the grammars care about), Windows line ends and full-width
//! spaces are fine, and every problem a parser reports reads well in both
//! languages, with the template `/job post` shows parsing as a post.

use chrono::NaiveDate;
use jixia::features::hiring::expiry::{ExpiryError, parse_expiry};
use jixia::features::hiring::ids::{PostNo, SubNo};
use jixia::features::hiring::post::{Field, PostError, PostRules, is_known_key, parse_post};
use jixia::features::hiring::query::{Mode, QueryError, parse_query};
use jixia::features::hiring::render::View;
use jixia::features::hiring::salary::{Currency, SalaryDefaults, SalaryError, parse_floor, parse_salary};
use jixia::i18n::{Args, Locale, Prompt};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

fn rules() -> PostRules {
    PostRules { max_chars: 2000, max_expiry_days: 90, currency: Currency::Cny, today: today() }
}

const PIECES: &[&str] = &[
    "0",
    "1",
    "9",
    "30",
    "50",
    "999999999999",
    ".",
    ",",
    "k",
    "K",
    "w",
    "万",
    "千",
    "-",
    "–",
    "~",
    "至",
    "/",
    "月",
    "年",
    "天",
    "小时",
    "薪",
    "个月",
    "×",
    "*",
    "x",
    "+",
    "以上",
    "以内",
    "¥",
    "$",
    "€",
    "£",
    "HK$",
    "US$",
    "usd",
    "面议",
    "negotiable",
    "per",
    "year",
    "m",
    " ",
    "　",
    "：",
    ":",
    "职位",
    "联系方式",
    "描述",
    "城市",
    "薪资",
    "有效期",
    "标签",
    "【",
    "】",
    "\n",
    "\r\n",
    "\\",
    "\"",
    "“",
    "”",
    "'",
    "city",
    "salary",
    ">=",
    "≥",
    "remote",
    "远程",
    "杭州",
    "Peking",
    "2027-01-31",
    "2026-13-45",
    "年",
    "日",
    "号",
    "J",
    "S",
    "#",
    "Ｊ７",
    "🎉",
    "\u{0}",
    "\u{200b}",
    "數據庫",
    "|",
];

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn text(&mut self, max_pieces: usize) -> String {
        let n = self.next() % max_pieces;
        (0..n).map(|_| PIECES[self.next() % PIECES.len()]).collect()
    }
}

#[test]
fn no_parser_panics() {
    let mut g = Lcg(0x5eed);
    for _ in 0..3000 {
        let short = g.text(8);
        let _ = parse_salary(&short, SalaryDefaults::new(Currency::Cny));
        let _ = parse_floor(&short, Currency::Usd);
        let _ = parse_expiry(&short, today(), 90);
        let _ = PostNo::parse(&short);
        let _ = SubNo::parse(&short);
        let _ = parse_query(&short, Currency::Cny, Mode::Subscribe);
        let _ = parse_query(&short, Currency::Cny, Mode::Search);
        let long = g.text(60);
        let _ = parse_post(&long, &rules());
    }
}

#[test]
fn windows_line_ends_and_odd_spaces_are_fine() {
    let p = parse_post("职位: DBA\r\n描述: 第一行\r\n第二行\r\n联系方式: x@y.z\r\n", &rules())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(p.description, "第一行\n第二行");
    assert_eq!(p.contact, "x@y.z");
    let p = parse_post("　职位：　DBA　\n\t联系方式:\tx@y.z", &rules()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((p.title.as_str(), p.contact.as_str()), ("DBA", "x@y.z"));
}

fn view(prompts: &jixia::i18n::Prompts, locale: Locale) -> View<'_> {
    View { prompts, locale, tz: chrono_tz::Asia::Shanghai }
}

#[test]
fn every_problem_reads_well_in_both_languages() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    let problems: Vec<Prompt> = vec![
        PostError::TooLong { chars: 2100, max: 2000 }.prompt(),
        PostError::UnknownKey { key: "部门".into(), line: 2 }.prompt(),
        PostError::DuplicateKey { key: "城市".into(), line: 3 }.prompt(),
        PostError::StrayLine { line: 1, text: "招聘啦".into() }.prompt(),
        PostError::MissingTitle.prompt(),
        PostError::MissingContact.prompt(),
        PostError::FieldTooLong { field: Field::Title, chars: 81, max: 80 }.prompt(),
        PostError::FieldTooLong { field: Field::Contact, chars: 201, max: 200 }.prompt(),
        PostError::TooManyTags { count: 11, max: 10 }.prompt(),
        PostError::BadRemote { value: "maybe".into() }.prompt(),
        PostError::Salary(SalaryError::Unreadable { text: "good".into() }).prompt(),
        PostError::Salary(SalaryError::MinAboveMax { min: "50k".into(), max: "30k".into() }).prompt(),
        PostError::Salary(SalaryError::UnclearUnit { text: "30-50".into() }).prompt(),
        PostError::Salary(SalaryError::Zero).prompt(),
        PostError::Salary(SalaryError::TooLarge).prompt(),
        PostError::Salary(SalaryError::MonthsOutOfRange { months: 30 }).prompt(),
        PostError::Expiry(ExpiryError::Unreadable { text: "soon".into() }).prompt(),
        PostError::Expiry(ExpiryError::Past { date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default() })
            .prompt(),
        PostError::Expiry(ExpiryError::TooFar { days: 120, max: 90 }).prompt(),
        PostError::Expiry(ExpiryError::Zero).prompt(),
        QueryError::NoKeyword.prompt(),
        QueryError::TooManyKeywords { count: 9 }.prompt(),
        QueryError::TooLong { chars: 201 }.prompt(),
        QueryError::EmptyCity.prompt(),
        QueryError::UnknownFilter { name: "company:".into() }.prompt(),
    ];
    for locale in Locale::ALL {
        let v = view(&prompts, locale);
        for p in &problems {
            assert!(prompts.has(locale, p.key), "{} missing in {locale}", p.key);
            let text = v.render(p.clone()).to_plain();
            let unresolved = text.contains('{') || text.split('$').skip(1).any(|a| a.starts_with(char::is_alphabetic));
            assert!(!unresolved, "{locale} {}: {text}", p.key);
            assert!(!text.contains("hiring-"), "{locale} {}: {text}", p.key);
        }
    }
    // Field and state names come in the member's language.
    let zh = view(&prompts, Locale::Zh);
    let title = PostError::FieldTooLong { field: Field::Title, chars: 81, max: 80 }.prompt();
    assert_eq!(zh.render(title.clone()).to_plain(), "职位太长了：81 个字，最多 80 个字。");
    assert_eq!(
        view(&prompts, Locale::En).render(title).to_plain(),
        "The title is too long: 81 characters, at most 80."
    );
    let closed = Prompt::new("hiring-post-not-open", Args::new().str("id", "J7").str("state", "rejected"));
    assert_eq!(zh.render(closed.clone()).to_plain(), "J7 现在不在招聘列表里（未通过）。");
    assert_eq!(view(&prompts, Locale::En).render(closed).to_plain(), "J7 is not listed now (rejected).");
    for state in ["pending", "open", "rejected", "closed", "expired"] {
        for locale in Locale::ALL {
            assert!(prompts.has(locale, &format!("hiring-state-{state}")), "{state} {locale}");
        }
    }
    for field in ["title", "company", "city", "remote", "salary", "tags", "description", "contact", "expiry"] {
        for locale in Locale::ALL {
            assert!(prompts.has(locale, &format!("hiring-field-{field}")), "{field} {locale}");
        }
    }
}

#[test]
fn salaries_read_with_their_period_and_months() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    let defaults = SalaryDefaults::new(Currency::Cny);
    for (typed, zh, en) in [
        ("30-50k·14薪", "¥30k–50k/月 · 14薪", "¥30k–50k/month · 14 months' pay"),
        ("40万-60万/年", "¥40万–60万/年", "¥40万–60万/year"),
        ("$120k-150k", "$120k–150k/年", "$120k–150k/year"),
        ("€400/day", "€400/天", "€400/day"),
        ("25k+", "¥25k+/月", "¥25k+/month"),
        ("面议", "薪资面议", "salary negotiable"),
    ] {
        let s = parse_salary(typed, defaults).unwrap_or_else(|e| panic!("{typed}: {e:?}"));
        assert_eq!(view(&prompts, Locale::Zh).salary(&s), zh, "{typed}");
        assert_eq!(view(&prompts, Locale::En).salary(&s), en, "{typed}");
    }
}

/// The template `/job post` shows is a post in both languages, with every key known.
#[test]
fn the_template_parses_in_both_languages() {
    let prompts = jixia::features::prompts().unwrap_or_else(|e| panic!("{e}"));
    for locale in Locale::ALL {
        let t = prompts.format(locale, "hiring-post-template", &Args::new()).to_plain();
        for line in t.lines().filter(|l| !l.starts_with(' ')) {
            let key = line.split([':', '：']).next().unwrap_or_default().trim();
            assert!(is_known_key(key), "{locale} template key {key:?}");
        }
        let post = parse_post(&t, &rules()).unwrap_or_else(|e| panic!("{locale} template: {e:?}"));
        assert!(post.salary.is_some() && !post.location.is_empty() && !post.tags.is_empty());
        assert!(!post.description.is_empty() && !post.contact.is_empty());
    }
}
