//! The body of `/job post`: one `key: value` line per field, in English or
//! Chinese, any order, `:` or `：`.
//!
//! ```text
//! /job post
//! 职位: 高级 PostgreSQL DBA
//! 公司: 示例科技
//! 城市: 杭州 / 远程
//! 薪资: 30-50k·14薪
//! 标签: postgres, 高可用, k8s
//! 描述: 负责核心数据库的高可用架构。
//! 任职要求: 3 年以上 PostgreSQL 运维经验。
//!   （描述可以写多行）
//! 联系方式: hr@example.com
//! 有效期: 30天
//! ```
//!
//! Rules:
//! - Keys are folded (case, width, Traditional script), so `Title`, `TITLE`,
//!   `職位` all work; `【职位】高级 DBA` works too.
//! - Only the description spans lines: every line after `描述:` belongs to it
//!   until a line starts with another known key. Inside the description a
//!   line such as `要求: 3 年经验` is text, not an unknown key; common section
//!   headings (`岗位职责:`, `任职要求:`, `福利:`, `Requirements:`…) start or
//!   continue the description even without `描述:`.
//! - Contact channels (`邮箱:`, `微信:`, `电话:`, `Email:`, `Telegram:`…) each
//!   add a `key: value` item to the contact.
//! - An empty value is the same as a missing line (a copied template with
//!   blanks left in is fine).
//! - Required: a title and a contact. Everything else is optional.
//! - Every problem is reported at once, in line order; nothing is stored
//!   unless there is none.

use chrono::NaiveDate;

use crate::features::hiring::city::{Location, Remote, parse_remote_flag};
use crate::features::hiring::expiry::{Expiry, ExpiryError, parse_expiry};
use crate::features::hiring::salary::{Currency, Period, Salary, SalaryDefaults, SalaryError, parse_salary};
use crate::features::hiring::text::PromptExt;
use crate::features::hiring::text::{chars, excerpt, fold_word};
use crate::i18n::Prompt;

/// A field of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 职位 / title (required).
    Title,
    /// 公司 / company.
    Company,
    /// 城市 / city: cities and remote words.
    City,
    /// 远程 / remote: yes, no, hybrid.
    Remote,
    /// 薪资 / salary.
    Salary,
    /// 标签 / tags.
    Tags,
    /// 描述 / description (the only field spanning lines).
    Description,
    /// 联系方式 / contact (required).
    Contact,
    /// 有效期 / expires.
    Expiry,
}

impl Field {
    /// The Fluent selector naming it in prompts (`hiring-field`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Company => "company",
            Field::City => "city",
            Field::Remote => "remote",
            Field::Salary => "salary",
            Field::Tags => "tags",
            Field::Description => "description",
            Field::Contact => "contact",
            Field::Expiry => "expiry",
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// Sets a field.
    Field(Field),
    /// Sets the salary, with the period the key implies (`月薪`, `年薪`).
    Salary(Period),
    /// Adds an item to the contact, labelled as typed (`微信: pgcn_hr`).
    Channel,
    /// A heading inside a description (`任职要求:`): the line is text.
    Section,
}

/// Every key, folded. The first of each field's Chinese and English keys is
/// the one the template shows.
const KEYS: &[(&str, Key)] = &[
    ("职位", Key::Field(Field::Title)),
    ("title", Key::Field(Field::Title)),
    ("岗位", Key::Field(Field::Title)),
    ("职位名称", Key::Field(Field::Title)),
    ("岗位名称", Key::Field(Field::Title)),
    ("招聘职位", Key::Field(Field::Title)),
    ("job title", Key::Field(Field::Title)),
    ("position", Key::Field(Field::Title)),
    ("role", Key::Field(Field::Title)),
    ("job", Key::Field(Field::Title)),
    ("公司", Key::Field(Field::Company)),
    ("company", Key::Field(Field::Company)),
    ("公司名称", Key::Field(Field::Company)),
    ("企业", Key::Field(Field::Company)),
    ("单位", Key::Field(Field::Company)),
    ("employer", Key::Field(Field::Company)),
    ("城市", Key::Field(Field::City)),
    ("city", Key::Field(Field::City)),
    ("地点", Key::Field(Field::City)),
    ("工作地点", Key::Field(Field::City)),
    ("工作城市", Key::Field(Field::City)),
    ("base", Key::Field(Field::City)),
    ("location", Key::Field(Field::City)),
    ("远程", Key::Field(Field::Remote)),
    ("remote", Key::Field(Field::Remote)),
    ("可远程", Key::Field(Field::Remote)),
    ("薪资", Key::Field(Field::Salary)),
    ("salary", Key::Field(Field::Salary)),
    ("薪酬", Key::Field(Field::Salary)),
    ("薪水", Key::Field(Field::Salary)),
    ("工资", Key::Field(Field::Salary)),
    ("待遇", Key::Field(Field::Salary)),
    ("薪资范围", Key::Field(Field::Salary)),
    ("pay", Key::Field(Field::Salary)),
    ("compensation", Key::Field(Field::Salary)),
    ("月薪", Key::Salary(Period::Month)),
    ("年薪", Key::Salary(Period::Year)),
    ("日薪", Key::Salary(Period::Day)),
    ("时薪", Key::Salary(Period::Hour)),
    ("标签", Key::Field(Field::Tags)),
    ("tags", Key::Field(Field::Tags)),
    ("tag", Key::Field(Field::Tags)),
    ("技能", Key::Field(Field::Tags)),
    ("技术栈", Key::Field(Field::Tags)),
    ("关键词", Key::Field(Field::Tags)),
    ("skills", Key::Field(Field::Tags)),
    ("stack", Key::Field(Field::Tags)),
    ("tech stack", Key::Field(Field::Tags)),
    ("keywords", Key::Field(Field::Tags)),
    ("描述", Key::Field(Field::Description)),
    ("description", Key::Field(Field::Description)),
    ("职位描述", Key::Field(Field::Description)),
    ("岗位描述", Key::Field(Field::Description)),
    ("工作内容", Key::Field(Field::Description)),
    ("详情", Key::Field(Field::Description)),
    ("说明", Key::Field(Field::Description)),
    ("介绍", Key::Field(Field::Description)),
    ("desc", Key::Field(Field::Description)),
    ("details", Key::Field(Field::Description)),
    ("about", Key::Field(Field::Description)),
    ("jd", Key::Field(Field::Description)),
    ("联系方式", Key::Field(Field::Contact)),
    ("contact", Key::Field(Field::Contact)),
    ("联系", Key::Field(Field::Contact)),
    ("联系人", Key::Field(Field::Contact)),
    ("投递", Key::Field(Field::Contact)),
    ("简历投递", Key::Field(Field::Contact)),
    ("投递方式", Key::Field(Field::Contact)),
    ("how to apply", Key::Field(Field::Contact)),
    ("apply", Key::Field(Field::Contact)),
    ("contacts", Key::Field(Field::Contact)),
    ("有效期", Key::Field(Field::Expiry)),
    ("expires", Key::Field(Field::Expiry)),
    ("截止", Key::Field(Field::Expiry)),
    ("截止日期", Key::Field(Field::Expiry)),
    ("截止时间", Key::Field(Field::Expiry)),
    ("有效至", Key::Field(Field::Expiry)),
    ("expiry", Key::Field(Field::Expiry)),
    ("expire", Key::Field(Field::Expiry)),
    ("valid for", Key::Field(Field::Expiry)),
    ("valid until", Key::Field(Field::Expiry)),
    ("deadline", Key::Field(Field::Expiry)),
    ("邮箱", Key::Channel),
    ("电子邮件", Key::Channel),
    ("简历邮箱", Key::Channel),
    ("微信", Key::Channel),
    ("电话", Key::Channel),
    ("手机", Key::Channel),
    ("钉钉", Key::Channel),
    ("飞书", Key::Channel),
    ("链接", Key::Channel),
    ("网址", Key::Channel),
    ("email", Key::Channel),
    // `e-mail` (a hyphen literal would read as a prompt key to the drift test).
    ("e\u{2d}mail", Key::Channel),
    ("mail", Key::Channel),
    ("wechat", Key::Channel),
    ("weixin", Key::Channel),
    ("phone", Key::Channel),
    ("tel", Key::Channel),
    ("telegram", Key::Channel),
    ("tg", Key::Channel),
    ("qq", Key::Channel),
    ("discord", Key::Channel),
    ("link", Key::Channel),
    ("url", Key::Channel),
    ("岗位职责", Key::Section),
    ("工作职责", Key::Section),
    ("职责", Key::Section),
    ("任职要求", Key::Section),
    ("岗位要求", Key::Section),
    ("职位要求", Key::Section),
    ("要求", Key::Section),
    ("加分项", Key::Section),
    ("学历", Key::Section),
    ("学历要求", Key::Section),
    ("经验", Key::Section),
    ("工作经验", Key::Section),
    ("福利", Key::Section),
    ("福利待遇", Key::Section),
    ("公司介绍", Key::Section),
    ("团队介绍", Key::Section),
    ("responsibilities", Key::Section),
    ("requirements", Key::Section),
    ("qualifications", Key::Section),
    ("nice to have", Key::Section),
    ("benefits", Key::Section),
    ("perks", Key::Section),
    ("about us", Key::Section),
];

fn lookup(key: &str) -> Option<Key> {
    let f = fold_word(key);
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    KEYS.iter().find(|(k, _)| *k == f).map(|(_, v)| *v)
}

/// Limits of one field, in characters.
pub const TITLE_MAX: usize = 80;
/// Company names.
pub const COMPANY_MAX: usize = 60;
/// The `城市:` value.
pub const CITY_MAX: usize = 60;
/// The `薪资:` value.
pub const SALARY_MAX: usize = 60;
/// All contact items together.
pub const CONTACT_MAX: usize = 200;
/// One tag.
pub const TAG_MAX: usize = 30;
/// Tags per post.
pub const TAGS_MAX: usize = 10;

/// What the parser needs from the community: `[features.hiring]` and today.
#[derive(Debug, Clone, Copy)]
pub struct PostRules {
    /// `features.hiring.max_post_chars`: the whole body, in characters.
    pub max_chars: usize,
    /// `features.hiring.max_expiry_days`.
    pub max_expiry_days: u32,
    /// `features.hiring.currency`.
    pub currency: Currency,
    /// Today, in the community's time zone.
    pub today: NaiveDate,
}

/// A parsed post, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPost {
    /// The title.
    pub title: String,
    /// The company, if given.
    pub company: Option<String>,
    /// Cities and remote, folded.
    pub location: Location,
    /// The `城市:` value as typed (shown; `location` is what is matched).
    pub location_text: Option<String>,
    /// The salary, normalized.
    pub salary: Option<Salary>,
    /// The `薪资:` value as typed.
    pub salary_text: Option<String>,
    /// Tags, as typed, without repeats.
    pub tags: Vec<String>,
    /// The description, lines kept ('' when none).
    pub description: String,
    /// Contact items joined by ` · `.
    pub contact: String,
    /// How long it is listed.
    pub expiry: Expiry,
}

/// One problem with a post; every problem found is reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostError {
    /// The body is longer than `max_post_chars`.
    TooLong {
        /// Its length.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// `福利: 五险一金` outside a description: a key the parser does not know.
    UnknownKey {
        /// The key as typed.
        key: String,
        /// Its line (1 = the first line of the body).
        line: usize,
    },
    /// The same key twice (`城市:` twice; two `邮箱:`).
    DuplicateKey {
        /// The key as typed.
        key: String,
        /// The line of the second one.
        line: usize,
    },
    /// A line without a key, where only `key: value` lines may be.
    StrayLine {
        /// Its line.
        line: usize,
        /// Its start.
        text: String,
    },
    /// No title (or an empty one).
    MissingTitle,
    /// No contact.
    MissingContact,
    /// One field is too long.
    FieldTooLong {
        /// The field.
        field: Field,
        /// Its length.
        chars: usize,
        /// Its limit.
        max: usize,
    },
    /// More than [`TAGS_MAX`] tags.
    TooManyTags {
        /// How many.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The salary.
    Salary(SalaryError),
    /// The expiry.
    Expiry(ExpiryError),
    /// `远程: maybe`.
    BadRemote {
        /// What was typed.
        value: String,
    },
}

impl PostError {
    /// Whether the reply shows the template after the problems (keys the
    /// poster may not know).
    pub fn shows_template(&self) -> bool {
        matches!(self, PostError::UnknownKey { .. } | PostError::StrayLine { .. })
    }

    /// The prompt of this problem (one line of `hiring-post-problems`).
    pub fn prompt(&self) -> Prompt {
        match self {
            PostError::TooLong { chars, max } => {
                Prompt::key("hiring-post-too-long").num("chars", to_i64(*chars)).num("max", to_i64(*max))
            }
            PostError::UnknownKey { key, line } => {
                Prompt::key("hiring-post-unknown-key").str("key", key).num("line", to_i64(*line))
            }
            PostError::DuplicateKey { key, line } => {
                Prompt::key("hiring-post-duplicate-key").str("key", key).num("line", to_i64(*line))
            }
            PostError::StrayLine { line, text } => {
                Prompt::key("hiring-post-stray-line").num("line", to_i64(*line)).str("text", text)
            }
            PostError::MissingTitle => Prompt::key("hiring-post-missing-title"),
            PostError::MissingContact => Prompt::key("hiring-post-missing-contact"),
            PostError::FieldTooLong { field, chars, max } => Prompt::key("hiring-post-field-too-long")
                .str("field", field.as_str())
                .num("chars", to_i64(*chars))
                .num("max", to_i64(*max)),
            PostError::TooManyTags { count, max } => {
                Prompt::key("hiring-post-too-many-tags").num("count", to_i64(*count)).num("max", to_i64(*max))
            }
            PostError::Salary(e) => salary_prompt(e),
            PostError::Expiry(e) => expiry_prompt(e),
            PostError::BadRemote { value } => Prompt::key("hiring-post-bad-remote").str("value", value),
        }
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The prompt of a salary problem (also used by `salary>=N` in queries).
pub fn salary_prompt(e: &SalaryError) -> Prompt {
    match e {
        SalaryError::Unreadable { text } => Prompt::key("hiring-salary-unreadable").str("text", text),
        SalaryError::MinAboveMax { min, max } => {
            Prompt::key("hiring-salary-min-above-max").str("min", min).str("max", max)
        }
        SalaryError::UnclearUnit { text } => Prompt::key("hiring-salary-no-unit").str("text", text),
        SalaryError::Zero => Prompt::key("hiring-salary-zero"),
        SalaryError::TooLarge => Prompt::key("hiring-salary-too-large"),
        SalaryError::MonthsOutOfRange { months } => {
            Prompt::key("hiring-salary-months").num("months", i64::from(*months))
        }
    }
}

/// The prompt of an expiry problem.
pub fn expiry_prompt(e: &ExpiryError) -> Prompt {
    match e {
        ExpiryError::Unreadable { text } => Prompt::key("hiring-expiry-unreadable").str("text", text),
        ExpiryError::Past { date } => {
            Prompt::key("hiring-expiry-past").str("date", date.format("%Y-%m-%d").to_string())
        }
        ExpiryError::TooFar { days, max } => {
            Prompt::key("hiring-expiry-too-far").num("days", *days).num("max", i64::from(*max))
        }
        ExpiryError::Zero => Prompt::key("hiring-expiry-zero"),
    }
}

/// Whether the body says nothing: `/job post` alone shows the template.
pub fn is_blank(body: &str) -> bool {
    body.trim().is_empty()
}

/// Splits `key: value`, `key：value` or `【key】value`; `None` when the line
/// does not start with something shaped like a key (a letter or ideograph
/// first; letters, ideographs, spaces, `-`, `_` after; at most 20 characters
/// and 4 words; not a URL's `https://`).
pub(crate) fn split_key(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start_matches(['-', '*', '•', '·', '#', ' ']).trim_start();
    if let Some(rest) = line.strip_prefix('【') {
        let (key, value) = rest.split_once('】')?;
        let value = value.trim_start().trim_start_matches([':', '：']);
        return key_shaped(key.trim()).then_some((key.trim(), value.trim()));
    }
    let at = line.find([':', '：'])?;
    let key = line[..at].trim().trim_matches('*').trim();
    let sep = line[at..].chars().next()?;
    let value = &line[at + sep.len_utf8()..];
    if value.starts_with("//") {
        return None;
    }
    key_shaped(key).then_some((key, value.trim()))
}

fn key_shaped(key: &str) -> bool {
    let n = chars(key);
    (1..=20).contains(&n)
        && key.chars().next().is_some_and(char::is_alphabetic)
        && key.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '_'))
        && key.split_whitespace().count() <= 4
}

/// Parses a post body (the text after `/job post`).
pub fn parse_post(body: &str, rules: &PostRules) -> Result<JobPost, Vec<PostError>> {
    let length = chars(body.trim());
    if length > rules.max_chars {
        return Err(vec![PostError::TooLong { chars: length, max: rules.max_chars }]);
    }
    let mut errors = Vec::new();
    let mut seen: Vec<(Field, Option<String>)> = Vec::new();
    let mut values: Vec<(Field, String)> = Vec::new();
    let mut salary_period: Option<Period> = None;
    let mut contact: Vec<String> = Vec::new();
    let mut description: Vec<String> = Vec::new();
    // The field the last key opened; only a description takes more lines.
    let mut current: Option<Field> = None;

    for (i, raw) in body.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        let keyed = split_key(line).map(|(k, v)| (k, v, lookup(k)));
        match keyed {
            Some((key, value, Some(kind))) => {
                let field = match kind {
                    Key::Field(f) => f,
                    Key::Salary(_) => Field::Salary,
                    Key::Channel => Field::Contact,
                    Key::Section => Field::Description,
                };
                // A repeated key: the field twice, or the same contact channel twice.
                let channel = matches!(kind, Key::Channel).then(|| fold_word(key));
                let repeated = match kind {
                    Key::Section => false,
                    Key::Channel => seen.iter().any(|(f, c)| *f == Field::Contact && *c == channel),
                    _ => seen.iter().any(|(f, c)| *f == field && c.is_none()),
                };
                if repeated {
                    errors.push(PostError::DuplicateKey { key: key.to_owned(), line: line_no });
                    current = None;
                    continue;
                }
                if !matches!(kind, Key::Section) {
                    seen.push((field, channel));
                }
                current = Some(field);
                match kind {
                    Key::Section => description.push(line.to_owned()),
                    Key::Channel if !value.is_empty() => contact.push(format!("{key}: {value}")),
                    Key::Channel => {}
                    Key::Field(Field::Contact) if !value.is_empty() => contact.push(value.to_owned()),
                    Key::Field(Field::Description) => {
                        if !value.is_empty() {
                            description.push(value.to_owned());
                        }
                    }
                    Key::Salary(p) => {
                        salary_period = Some(p);
                        values.push((Field::Salary, value.to_owned()));
                    }
                    Key::Field(f) => values.push((f, value.to_owned())),
                }
            }
            Some((key, _, None)) if current != Some(Field::Description) => {
                errors.push(PostError::UnknownKey { key: key.to_owned(), line: line_no });
                current = None;
            }
            _ if current == Some(Field::Description) => description.push(line.to_owned()),
            _ if line.is_empty() => {}
            _ => {
                errors.push(PostError::StrayLine { line: line_no, text: excerpt(line, 20) });
            }
        }
    }

    let value = |f: Field| -> Option<&str> {
        values.iter().find(|(g, _)| *g == f).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    };
    let mut limit = |field: Field, text: &str, max: usize| {
        let n = chars(text);
        if n > max {
            errors.push(PostError::FieldTooLong { field, chars: n, max });
        }
    };

    let title = value(Field::Title).map(str::to_owned);
    if let Some(t) = &title {
        limit(Field::Title, t, TITLE_MAX);
    }
    let company = value(Field::Company).map(str::to_owned);
    if let Some(c) = &company {
        limit(Field::Company, c, COMPANY_MAX);
    }
    let location_text = value(Field::City).map(str::to_owned);
    let mut location = location_text.as_deref().map(Location::parse).unwrap_or_default();
    if let Some(c) = &location_text {
        limit(Field::City, c, CITY_MAX);
    }
    let contact = contact.join(" · ");
    if !contact.is_empty() {
        limit(Field::Contact, &contact, CONTACT_MAX);
    }
    let salary_text = value(Field::Salary).map(str::to_owned);
    if let Some(s) = &salary_text {
        limit(Field::Salary, s, SALARY_MAX);
    }

    if let Some(v) = value(Field::Remote) {
        match parse_remote_flag(v) {
            Some(Remote::No) => {}
            Some(r) => location.remote = r,
            None => errors.push(PostError::BadRemote { value: v.to_owned() }),
        }
    }
    let salary = match &salary_text {
        Some(s) if chars(s) <= SALARY_MAX => {
            let defaults = SalaryDefaults { currency: rules.currency, period: salary_period };
            match parse_salary(s, defaults) {
                Ok(salary) => Some(salary),
                Err(e) => {
                    errors.push(PostError::Salary(e));
                    None
                }
            }
        }
        _ => None,
    };
    let tags = value(Field::Tags).map(split_tags).unwrap_or_default();
    if tags.len() > TAGS_MAX {
        errors.push(PostError::TooManyTags { count: tags.len(), max: TAGS_MAX });
    }
    if let Some(long) = tags.iter().find(|t| chars(t) > TAG_MAX) {
        errors.push(PostError::FieldTooLong { field: Field::Tags, chars: chars(long), max: TAG_MAX });
    }
    let expiry = match value(Field::Expiry) {
        Some(v) => match parse_expiry(v, rules.today, rules.max_expiry_days) {
            Ok(e) => e,
            Err(e) => {
                errors.push(PostError::Expiry(e));
                Expiry::Default
            }
        },
        None => Expiry::Default,
    };
    while description.last().is_some_and(String::is_empty) {
        description.pop();
    }
    let description = description.join("\n");

    if title.is_none() {
        errors.push(PostError::MissingTitle);
    }
    if contact.is_empty() {
        errors.push(PostError::MissingContact);
    }
    match title {
        Some(title) if errors.is_empty() => Ok(JobPost {
            title,
            company,
            location,
            location_text,
            salary,
            salary_text,
            tags,
            description,
            contact,
            expiry,
        }),
        _ => Err(errors),
    }
}

/// Tags: split on `, ， 、 ; ； |` when there is one, else on spaces; `#`
/// dropped; repeats (folded) dropped.
fn split_tags(value: &str) -> Vec<String> {
    const SEPARATORS: &[char] = &[',', '，', '、', ';', '；', '|', '｜'];
    let parts: Vec<&str> =
        if value.contains(SEPARATORS) { value.split(SEPARATORS).collect() } else { value.split_whitespace().collect() };
    let mut tags: Vec<String> = Vec::new();
    let mut folded: Vec<String> = Vec::new();
    for part in parts {
        let tag = part.trim().trim_start_matches(['#', '＃']).trim();
        if tag.is_empty() {
            continue;
        }
        let f = fold_word(tag);
        if !folded.contains(&f) {
            folded.push(f);
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// The keys a template line may start with, for the drift test between the
/// prompts' `hiring-post-template` and this parser.
pub fn is_known_key(key: &str) -> bool {
    lookup(key).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::hiring::city::City;
    use crate::features::hiring::salary::SalaryRange;

    fn rules() -> PostRules {
        PostRules {
            max_chars: 2000,
            max_expiry_days: 90,
            currency: Currency::Cny,
            today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
        }
    }

    fn ok(body: &str) -> JobPost {
        match parse_post(body, &rules()) {
            Ok(p) => p,
            Err(e) => panic!("{body}\n→ {e:?}"),
        }
    }

    fn errs(body: &str) -> Vec<PostError> {
        match parse_post(body, &rules()) {
            Ok(p) => panic!("{body}\n→ accepted: {p:?}"),
            Err(e) => e,
        }
    }

    const CHINESE: &str = "职位: 高级 PostgreSQL DBA
公司: 示例科技
城市: 杭州 / 远程
薪资: 30-50k·14薪
标签: postgres, 高可用, k8s
描述: 负责核心数据库的高可用架构。
任职要求: 3 年以上 PostgreSQL 运维经验。

  熟悉流复制。
联系方式: hr@example.com
有效期: 30天";

    #[test]
    fn a_chinese_post() {
        let p = ok(CHINESE);
        assert_eq!(p.title, "高级 PostgreSQL DBA");
        assert_eq!(p.company.as_deref(), Some("示例科技"));
        assert_eq!(p.location.cities, vec![City::from_key("杭州")]);
        assert_eq!(p.location.remote, Remote::Full);
        assert_eq!(p.location_text.as_deref(), Some("杭州 / 远程"));
        assert_eq!(
            p.salary,
            Some(Salary::Range(SalaryRange {
                min: Some(30_000),
                max: Some(50_000),
                currency: Currency::Cny,
                period: Period::Month,
                months: Some(14)
            }))
        );
        assert_eq!(p.tags, vec!["postgres", "高可用", "k8s"]);
        assert_eq!(
            p.description,
            "负责核心数据库的高可用架构。\n任职要求: 3 年以上 PostgreSQL 运维经验。\n\n熟悉流复制。"
        );
        assert_eq!(p.contact, "hr@example.com");
        assert_eq!(p.expiry, Expiry::Days(30));
    }

    #[test]
    fn an_english_post_with_full_width_colons_and_odd_case() {
        let p = ok("Title： Senior Backend Engineer (Rust)
COMPANY: Example Ltd
Location: Remote
Salary: $120k-150k/year
Skills: rust postgres tokio
Description:
Build the billing platform.
Requirements: 5 years of Rust.
Email: jobs@example.com
Telegram: @example_hr
Expires: 2027-01-31");
        assert_eq!(p.title, "Senior Backend Engineer (Rust)");
        assert_eq!(p.company.as_deref(), Some("Example Ltd"));
        assert!(p.location.cities.is_empty());
        assert_eq!(p.location.remote, Remote::Full);
        assert!(matches!(p.salary, Some(Salary::Range(r)) if r.currency == Currency::Usd && r.period == Period::Year));
        assert_eq!(p.tags, vec!["rust", "postgres", "tokio"]);
        assert_eq!(p.description, "Build the billing platform.\nRequirements: 5 years of Rust.");
        assert_eq!(p.contact, "Email: jobs@example.com · Telegram: @example_hr");
        assert_eq!(p.expiry, Expiry::Until(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap_or_default()));
    }

    #[test]
    fn traditional_keys_brackets_and_minimal_posts() {
        let p = ok("【職位】資料庫工程師\n【聯繫方式】hr@example.tw");
        assert_eq!(p.title, "資料庫工程師", "values are kept as typed; only keys are folded");
        assert_eq!(p.contact, "hr@example.tw");
        assert_eq!(p.expiry, Expiry::Default);
        assert_eq!(p.salary, None);
        assert!(p.location.is_empty() && p.tags.is_empty() && p.description.is_empty());
        let p = ok("- **职位**: DBA\n- 微信: pg_hr\n- 邮箱: a@b.c");
        assert_eq!((p.title.as_str(), p.contact.as_str()), ("DBA", "微信: pg_hr · 邮箱: a@b.c"));
    }

    #[test]
    fn section_headings_start_a_description() {
        let p = ok("职位: DBA\n福利: 五险一金\n学历: 本科\n联系方式: x@y.z");
        assert_eq!(p.description, "福利: 五险一金\n学历: 本科");
        let p = ok("职位: DBA\n岗位职责:\n- 维护集群\n- 值班\n任职要求: 熟悉 PG\n联系方式: x@y.z");
        assert_eq!(p.description, "岗位职责:\n- 维护集群\n- 值班\n任职要求: 熟悉 PG");
    }

    #[test]
    fn inside_a_description_unknown_keys_and_urls_are_text() {
        let p = ok("职位: DBA\n描述: 第一行\n福利: 五险一金\n官网: https://example.com\n联系方式: x@y.z");
        assert_eq!(p.description, "第一行\n福利: 五险一金\n官网: https://example.com");
    }

    #[test]
    fn a_template_copied_with_blanks_is_fine() {
        let p = ok("职位: DBA\n公司:\n城市:\n薪资:\n标签:\n描述:\n联系方式: x@y.z\n有效期:");
        assert_eq!(p.company, None);
        assert_eq!(p.salary, None);
        assert_eq!(p.expiry, Expiry::Default);
        assert_eq!(p.description, "");
    }

    #[test]
    fn missing_title_and_contact_are_both_reported() {
        assert_eq!(errs("公司: 示例科技"), vec![PostError::MissingTitle, PostError::MissingContact]);
        assert_eq!(errs("职位: DBA"), vec![PostError::MissingContact]);
        assert_eq!(errs("职位:\n联系方式: x@y.z"), vec![PostError::MissingTitle]);
        assert_eq!(errs("职位: DBA\n联系方式:   "), vec![PostError::MissingContact]);
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let e = errs("职位: DBA\n部门: 基础架构\n联系方式: x@y.z");
        assert_eq!(e, vec![PostError::UnknownKey { key: "部门".into(), line: 2 }]);
        assert!(e[0].shows_template());
        let e = errs("Title: DBA\nBonus: yes\nContact: x@y.z");
        assert_eq!(e, vec![PostError::UnknownKey { key: "Bonus".into(), line: 2 }]);
    }

    #[test]
    fn stray_lines_and_duplicates() {
        let e = errs("招聘啦！\n职位: DBA\n联系方式: x@y.z");
        assert_eq!(e, vec![PostError::StrayLine { line: 1, text: "招聘啦！".into() }]);
        assert!(e[0].shows_template());
        let e = errs("职位: DBA\n城市: 杭州\n城市: 北京\n联系方式: x@y.z");
        assert_eq!(e, vec![PostError::DuplicateKey { key: "城市".into(), line: 3 }]);
        let e = errs("职位: DBA\nTitle: DBA\n联系方式: x@y.z");
        assert_eq!(e, vec![PostError::DuplicateKey { key: "Title".into(), line: 2 }]);
        // Two channels are fine; the same channel twice is not.
        assert_eq!(ok("职位: DBA\n邮箱: a@b.c\n微信: w").contact, "邮箱: a@b.c · 微信: w");
        let e = errs("职位: DBA\n邮箱: a@b.c\n邮箱: d@e.f");
        assert_eq!(e, vec![PostError::DuplicateKey { key: "邮箱".into(), line: 3 }]);
        // A known key inside a description ends it, even when repeated.
        let e = errs("职位: DBA\n描述: 常驻\n城市: 杭州\n城市: 上海\n联系方式: x");
        assert_eq!(e, vec![PostError::DuplicateKey { key: "城市".into(), line: 4 }]);
        // A line after a one-line field is stray (only 描述 spans lines).
        let e = errs("职位: DBA\n标签: pg\nlinux\n联系方式: x");
        assert_eq!(e, vec![PostError::StrayLine { line: 3, text: "linux".into() }]);
    }

    #[test]
    fn length_limits() {
        let long = format!("职位: DBA\n联系方式: x\n描述: {}", "很".repeat(2000));
        let n = chars(long.trim());
        assert_eq!(errs(&long), vec![PostError::TooLong { chars: n, max: 2000 }]);
        let e = errs(&format!("职位: {}\n联系方式: x", "长".repeat(81)));
        assert_eq!(e, vec![PostError::FieldTooLong { field: Field::Title, chars: 81, max: TITLE_MAX }]);
        let e = errs(&format!("职位: DBA\n联系方式: {}", "x".repeat(201)));
        assert_eq!(e, vec![PostError::FieldTooLong { field: Field::Contact, chars: 201, max: CONTACT_MAX }]);
        let tags: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        let e = errs(&format!("职位: DBA\n联系方式: x\n标签: {}", tags.join(",")));
        assert_eq!(e, vec![PostError::TooManyTags { count: 11, max: TAGS_MAX }]);
        // Exactly at the limit is fine.
        ok(&format!("职位: {}\n联系方式: x", "长".repeat(80)));
    }

    #[test]
    fn salary_and_expiry_problems_come_through() {
        let e = errs("职位: DBA\n薪资: 50-30k\n联系方式: x");
        assert_eq!(e, vec![PostError::Salary(SalaryError::MinAboveMax { min: "50k".into(), max: "30k".into() })]);
        let e = errs("职位: DBA\n有效期: 2026-11-30\n联系方式: x");
        assert_eq!(
            e,
            vec![PostError::Expiry(ExpiryError::Past {
                date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
            })]
        );
        // Several problems at once, in line order, then the missing fields.
        let e = errs("薪资: 面议吧\n有效期: soon\n远程: maybe");
        assert_eq!(
            e,
            vec![
                PostError::BadRemote { value: "maybe".into() },
                PostError::Salary(SalaryError::Unreadable { text: "面议吧".into() }),
                PostError::Expiry(ExpiryError::Unreadable { text: "soon".into() }),
                PostError::MissingTitle,
                PostError::MissingContact,
            ]
        );
    }

    #[test]
    fn salary_keys_imply_a_period() {
        let p = ok("职位: DBA\n年薪: 40-60万\n联系方式: x");
        assert!(matches!(p.salary, Some(Salary::Range(r)) if r.period == Period::Year));
        let p = ok("职位: DBA\n月薪: 8-12万\n联系方式: x");
        assert!(matches!(p.salary, Some(Salary::Range(r)) if r.period == Period::Month && r.max == Some(120_000)));
        let e = errs("职位: DBA\n月薪: 30k\n薪资: 40k\n联系方式: x");
        assert_eq!(e, vec![PostError::DuplicateKey { key: "薪资".into(), line: 3 }]);
    }

    #[test]
    fn remote_line() {
        assert_eq!(ok("职位: DBA\n城市: 上海\n远程: 是\n联系方式: x").location.remote, Remote::Full);
        assert_eq!(ok("职位: DBA\n城市: 上海\nRemote: hybrid\n联系方式: x").location.remote, Remote::Hybrid);
        assert_eq!(ok("职位: DBA\n城市: 上海\n远程: 否\n联系方式: x").location.remote, Remote::No);
    }

    #[test]
    fn tags() {
        assert_eq!(split_tags("postgres, 高可用，k8s、#linux"), vec!["postgres", "高可用", "k8s", "linux"]);
        assert_eq!(split_tags("rust  postgres #tokio"), vec!["rust", "postgres", "tokio"]);
        assert_eq!(split_tags("high availability, PG, pg"), vec!["high availability", "PG"]);
        assert!(split_tags(" , ,").is_empty());
    }

    #[test]
    fn key_shapes() {
        assert_eq!(split_key("职位: DBA"), Some(("职位", "DBA")));
        assert_eq!(split_key("职位：DBA"), Some(("职位", "DBA")));
        assert_eq!(split_key("How to apply: mail us"), Some(("How to apply", "mail us")));
        assert_eq!(split_key("https://example.com"), None);
        assert_eq!(split_key("10:30 开会"), None);
        assert_eq!(split_key("k8s: yes"), None, "digits are not key-shaped");
        assert_eq!(split_key("a very long sentence with many words: x"), None);
        assert_eq!(split_key("【职位】 DBA"), Some(("职位", "DBA")));
        assert_eq!(split_key("【职位】：DBA"), Some(("职位", "DBA")));
        assert_eq!(split_key("no colon here"), None);
        assert!(is_blank("  \n "));
        assert!(!is_blank("职位: x"));
    }

    #[test]
    fn every_error_has_a_prompt() {
        let all = [
            PostError::TooLong { chars: 1, max: 1 },
            PostError::UnknownKey { key: "k".into(), line: 1 },
            PostError::DuplicateKey { key: "k".into(), line: 1 },
            PostError::StrayLine { line: 1, text: "t".into() },
            PostError::MissingTitle,
            PostError::MissingContact,
            PostError::FieldTooLong { field: Field::Title, chars: 1, max: 1 },
            PostError::TooManyTags { count: 1, max: 1 },
            PostError::Salary(SalaryError::Zero),
            PostError::Expiry(ExpiryError::Zero),
            PostError::BadRemote { value: "v".into() },
        ];
        for e in all {
            assert!(e.prompt().key.starts_with("hiring-"), "{e:?}");
        }
    }
}
