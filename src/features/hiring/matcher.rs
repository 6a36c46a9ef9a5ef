//! Whether a post matches a subscription or a search, on the FAQ matcher's
//! normalization (`faq::normalize`: NFKC, lower case, Traditional →
//! Simplified, light English stemming, jieba for Chinese).
//!
//! A keyword is compiled into *terms*, each of which must be found in the
//! post's title, company, tags or description (never its contact):
//! - an English or technical word (stemmed: `engineers` = `engineer`) must be
//!   one of the post's words: `go` does not match `google`;
//! - a Chinese word (jieba's words of the keyword, stop words dropped) must
//!   occur in the post's folded text: Chinese has no spaces, and `运维` should
//!   match `运维开发`;
//! - a word of a group of equivalents matches any word of its group, across
//!   scripts: `postgres` = `PostgreSQL` = `pg`, `k8s` = `kubernetes`, `DBA` =
//!   `数据库管理员`. The groups are the hiring feature's own until the FAQ's
//!   vocabulary of equivalents (issue 17) lands; then the community's
//!   vocabulary replaces [`EQUIVALENTS`].
//!
//! A query matches a post when every keyword matches (an `a|b` keyword when
//! either does), the location fits (no location asked; or one of the cities;
//! or remote asked and the post fully remote) and the salary reaches the
//! floor, if any.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::features::faq::normalize::{MAX_TOKENIZED_CHARS, fold, tokenize};
use crate::features::hiring::city::{Location, Remote};
use crate::features::hiring::query::Query;
use crate::features::hiring::salary::Salary;
use crate::features::hiring::text::is_cjk;

/// Words that mean the same in job posts, across English and Chinese. Each
/// entry is written as members type it and normalized like any text. (A
/// hyphen is written `\u{2d}` in these tables: the drift test reads
/// `word-word` literals as prompt keys.)
pub const EQUIVALENTS: &[&[&str]] = &[
    &["postgresql", "postgres", "pg", "pgsql"],
    &["kubernetes", "k8s"],
    &["javascript", "js"],
    &["golang", "go"],
    &["dba", "数据库管理员"],
    &["数据库", "database", "db"],
    &["前端", "frontend", "front\u{2d}end"],
    &["后端", "backend", "back\u{2d}end"],
    &["全栈", "fullstack", "full\u{2d}stack"],
    &["运维", "ops"],
    &["实习", "intern", "internship"],
    &["架构师", "architect"],
    &["高可用", "high availability", "ha"],
    &["机器学习", "machine learning", "ml"],
    &["人工智能", "ai"],
];

/// One way a term can be present in a post.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Form {
    /// One of the post's words (normalized).
    Word(String),
    /// Consecutive Chinese text, found in the post's folded text.
    Cjk(String),
    /// All of these words (`high availability`).
    Phrase(Vec<String>),
}

/// Something a keyword needs: any of its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The forms; one is enough.
    pub forms: Vec<Form>,
}

/// A compiled keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword {
    /// As typed.
    pub text: String,
    /// Folded (for duplicates and the canonical form of a query).
    pub folded: String,
    /// `a|b`: alternatives, one is enough; each needs all of its terms.
    pub alternatives: Vec<Vec<Term>>,
}

/// The post side: what a post's text and fields offer to queries.
#[derive(Debug, Clone)]
pub struct PostDoc {
    words: HashSet<String>,
    compact: String,
    cities: Vec<String>,
    remote: Remote,
    salary: Option<Salary>,
}

fn compact(text: &str) -> String {
    fold(text).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The form of a whole text: Chinese → [`Form::Cjk`], else its words.
fn form_of(text: &str) -> Option<Form> {
    if text.chars().any(is_cjk) {
        let c = compact(text);
        return (!c.is_empty()).then_some(Form::Cjk(c));
    }
    let words = tokenize(text).words;
    match words.len() {
        0 => None,
        1 => words.into_iter().next().map(Form::Word),
        _ => Some(Form::Phrase(words)),
    }
}

/// The groups of equivalents, normalized once.
static GROUPS: LazyLock<Vec<Vec<Form>>> =
    LazyLock::new(|| EQUIVALENTS.iter().map(|g| g.iter().filter_map(|w| form_of(w)).collect()).collect());

/// The term for a form: its group's forms when it belongs to one.
fn term(form: Form) -> Term {
    match GROUPS.iter().find(|g| g.contains(&form)) {
        Some(group) => Term { forms: group.clone() },
        None => Term { forms: vec![form] },
    }
}

/// Compiles one typed keyword; `None` when nothing is left of it (`the`).
pub fn compile_keyword(text: &str) -> Option<Keyword> {
    let mut alternatives = Vec::new();
    for alt in text.split(['|', '｜']).map(str::trim).filter(|a| !a.is_empty()) {
        // The whole alternative may be a word of a group (`数据库管理员`, `high availability`).
        if let Some(form) = form_of(alt)
            && GROUPS.iter().any(|g| g.contains(&form))
        {
            alternatives.push(vec![term(form)]);
            continue;
        }
        let terms: Vec<Term> = tokenize(alt)
            .words
            .into_iter()
            .map(|w| if w.chars().any(is_cjk) { Form::Cjk(w) } else { Form::Word(w) })
            .map(term)
            .collect();
        if !terms.is_empty() {
            alternatives.push(terms);
        }
    }
    (!alternatives.is_empty()).then(|| Keyword {
        text: text.trim().to_owned(),
        folded: fold(text.trim()),
        alternatives,
    })
}

impl Form {
    fn found_in(&self, doc: &PostDoc) -> bool {
        match self {
            Form::Word(w) => doc.words.contains(w),
            Form::Cjk(c) => doc.compact.contains(c.as_str()),
            Form::Phrase(ws) => ws.iter().all(|w| doc.words.contains(w)),
        }
    }
}

impl Keyword {
    /// Whether the post has it.
    pub fn found_in(&self, doc: &PostDoc) -> bool {
        self.alternatives.iter().any(|terms| terms.iter().all(|t| t.forms.iter().any(|f| f.found_in(doc))))
    }
}

/// Pieces of at most [`MAX_TOKENIZED_CHARS`] characters, cut at line ends
/// where possible: the FAQ tokenizer reads only that much of a text.
fn pieces(text: &str) -> Vec<String> {
    let limit = MAX_TOKENIZED_CHARS - 10;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_chars = 0;
    for line in text.lines() {
        for chunk in line.chars().collect::<Vec<_>>().chunks(limit) {
            if cur_chars + chunk.len() + 1 > limit && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                cur_chars = 0;
            }
            cur.extend(chunk);
            cur.push('\n');
            cur_chars += chunk.len() + 1;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl PostDoc {
    /// A post's document: the words of its title, company, tags and
    /// description, its cities, remote and salary. The company is searched
    /// too (`/jobs search 阿里` finds 阿里's posts); the contact never is.
    pub fn new(
        title: &str,
        company: Option<&str>,
        tags: &[String],
        description: &str,
        location: &Location,
        salary: Option<Salary>,
    ) -> PostDoc {
        let company = company.unwrap_or_default();
        let mut words = HashSet::new();
        for text in [title, company].into_iter().chain(tags.iter().map(String::as_str)) {
            words.extend(tokenize(text).words);
        }
        for piece in pieces(description) {
            words.extend(tokenize(&piece).words);
        }
        let all = format!("{title}\n{company}\n{}\n{description}", tags.join("\n"));
        PostDoc {
            words,
            compact: compact(&all),
            cities: location.cities.iter().map(|c| c.key.clone()).collect(),
            remote: location.remote,
            salary,
        }
    }
}

/// Whether the post is where the query wants it.
pub fn location_fits(q: &Query, doc: &PostDoc) -> bool {
    if q.cities.is_empty() && !q.remote {
        return true;
    }
    q.cities.iter().any(|c| doc.cities.contains(&c.key)) || (q.remote && doc.remote == Remote::Full)
}

/// Whether the post's salary reaches the query's floor (or there is none).
pub fn salary_fits(q: &Query, doc: &PostDoc) -> bool {
    q.floor.is_none_or(|f| f.admits(doc.salary.as_ref()))
}

/// How many of the query's keywords the post has.
pub fn keyword_hits(q: &Query, doc: &PostDoc) -> usize {
    q.keywords.iter().filter(|k| k.found_in(doc)).count()
}

/// Whether a post matches a subscription (or a search) in full.
pub fn matches(q: &Query, doc: &PostDoc) -> bool {
    location_fits(q, doc) && salary_fits(q, doc) && q.keywords.iter().all(|k| k.found_in(doc))
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<K> {
    /// The posts found, in order.
    pub posts: Vec<K>,
    /// Whether they match every keyword (else: the best partial matches).
    pub exact: bool,
}

/// `/jobs search`: the posts (given newest first) that match in full,
/// newest first; when none does, those that fit the filters and have at
/// least one keyword, most keywords first (newest first among equals).
pub fn search<K: Copy>(q: &Query, docs: &[(K, &PostDoc)]) -> Found<K> {
    let exact: Vec<K> = docs.iter().filter(|(_, d)| matches(q, d)).map(|(k, _)| *k).collect();
    if !exact.is_empty() || q.keywords.len() < 2 {
        return Found { posts: exact, exact: true };
    }
    let mut partial: Vec<(usize, K)> = docs
        .iter()
        .filter(|(_, d)| location_fits(q, d) && salary_fits(q, d))
        .map(|(k, d)| (keyword_hits(q, d), *k))
        .filter(|(hits, _)| *hits > 0)
        .collect();
    partial.sort_by_key(|p| std::cmp::Reverse(p.0));
    Found { posts: partial.into_iter().map(|(_, k)| k).collect(), exact: false }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::hiring::post::{JobPost, PostRules, parse_post};
    use crate::features::hiring::query::{Mode, parse_query};
    use crate::features::hiring::salary::Currency;

    fn post(body: &str) -> PostDoc {
        let rules = PostRules {
            max_chars: 2000,
            max_expiry_days: 90,
            currency: Currency::Cny,
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
        };
        let p: JobPost = parse_post(body, &rules).unwrap_or_else(|e| panic!("{body}: {e:?}"));
        PostDoc::new(&p.title, p.company.as_deref(), &p.tags, &p.description, &p.location, p.salary)
    }

    fn q(text: &str) -> Query {
        parse_query(text, Currency::Cny, Mode::Subscribe).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn hit(query: &str, doc: &PostDoc) -> bool {
        matches(&q(query), doc)
    }

    fn dba() -> PostDoc {
        post(
            "职位: 高级 PostgreSQL DBA\n公司: 示例科技\n城市: 杭州\n薪资: 30-50k\n标签: 高可用, k8s\n描述: 负责数据库运维与性能调优。\n联系方式: hr@example.com",
        )
    }

    fn rust() -> PostDoc {
        post(
            "Title: Senior Backend Engineers (Rust)\nCity: Remote\nSalary: $120k-150k\nTags: rust, tokio\nDescription: Build our billing platform on Postgres.\nContact: jobs@example.com",
        )
    }

    #[test]
    fn english_keywords_are_stemmed_and_whole_words() {
        let r = rust();
        assert!(hit("engineer", &r));
        assert!(hit("ENGINEERS", &r));
        assert!(hit("backend rust", &r));
        assert!(hit("billing", &r));
        assert!(!hit("bill rust java", &r), "every keyword must match");
        assert!(!hit("go", &post("职位: Google SRE\n联系方式: x")), "go is not a piece of google");
        assert!(hit("golang", &post("职位: Go 开发\n联系方式: x")));
    }

    #[test]
    fn chinese_keywords_match_inside_text() {
        let d = dba();
        assert!(hit("运维", &d));
        assert!(hit("数据库", &d));
        assert!(hit("性能调优", &d));
        assert!(hit("调优", &d));
        assert!(hit("高可用", &d), "tags count");
        assert!(hit("數據庫", &d), "Traditional script folds");
        assert!(!hit("前端", &d));
        assert!(hit("数据库运维", &d), "jieba's words, each found");
    }

    #[test]
    fn equivalents_cross_spellings_and_scripts() {
        let d = dba();
        for kw in ["postgres", "PostgreSQL", "pg", "PG", "pgsql", "Postgres"] {
            assert!(hit(kw, &d), "{kw}");
        }
        assert!(hit("kubernetes", &d), "k8s tag");
        assert!(hit("数据库管理员", &d), "DBA in the title");
        assert!(hit("database", &d), "数据库 in the description");
        assert!(hit("ha", &d), "高可用 tag");
        assert!(hit("\"high availability\"", &post("职位: DBA\n描述: 负责高可用\n联系方式: x")), "quoted phrase");
        let ha = post("Title: SRE\nDescription: high availability for Postgres\nContact: x");
        assert!(hit("高可用", &ha));
        assert!(hit("ha", &ha));
        assert!(hit("postgres", &rust()), "Postgres in the description");
    }

    #[test]
    fn the_company_is_searched_the_contact_is_not() {
        let d = dba();
        assert!(hit("示例科技", &d), "the company");
        assert!(hit("示例", &d), "part of the company");
        assert!(!hit("example", &d), "hr@example.com is the contact");
        assert!(hit("billing", &rust()) && !hit("jobs", &rust()), "jobs@example.com is the contact");
    }

    #[test]
    fn alternatives() {
        let d = dba();
        assert!(hit("mysql|postgres", &d));
        assert!(!hit("mysql|oracle", &d));
        assert!(hit("mysql|postgres 运维", &d));
    }

    #[test]
    fn cities_fold_and_remote() {
        let d = dba();
        for qy in ["dba city:杭州", "dba city:Hangzhou", "dba city:hangchow", "dba 杭州", "dba city:北京/杭州"]
        {
            assert!(hit(qy, &d), "{qy}");
        }
        assert!(!hit("dba city:北京", &d));
        assert!(!hit("dba remote", &d), "on site in Hangzhou");
        assert!(hit("dba city:杭州 remote", &d), "a city or remote");
        let r = rust();
        assert!(hit("rust remote", &r));
        assert!(hit("rust city:北京 remote", &r), "remote matches a query with a city and remote");
        assert!(!hit("rust city:北京", &r), "a city alone does not take remote posts");
        let beijing = post("职位: DBA\n城市: Peking\n联系方式: x");
        assert!(hit("dba 北京", &beijing) && hit("dba city:beijing", &beijing) && hit("dba city:北京市", &beijing));
        let hybrid = post("职位: DBA\n城市: 上海（混合办公）\n联系方式: x");
        assert!(!hit("dba remote", &hybrid) && hit("dba 上海", &hybrid));
    }

    #[test]
    fn salary_floors() {
        let d = dba();
        assert!(hit("dba salary>=30k", &d));
        assert!(hit("dba salary>=50k", &d));
        assert!(!hit("dba salary>=51k", &d));
        assert!(hit("dba salary>=40万/年", &d), "33.3k a month");
        assert!(!hit("dba salary>=$1k", &d), "another currency");
        let nego = post("职位: DBA\n薪资: 面议\n联系方式: x");
        assert!(hit("dba", &nego) && !hit("dba salary>=1k", &nego));
        let none = post("职位: DBA\n联系方式: x");
        assert!(!hit("dba salary>=1k", &none));
        let r = rust();
        assert!(hit("rust salary>=$10k/month", &r), "150k a year = 12.5k a month");
        assert!(!hit("rust salary>=$13k/month", &r));
        assert!(hit("rust salary>=$150k", &r), "dollars are quoted per year");
        assert!(!hit("rust salary>=$160k", &r));
    }

    #[test]
    fn long_descriptions_are_read_to_the_end() {
        let filler = "负责日常工作。".repeat(200);
        let d = post(&format!("职位: DBA\n描述: {filler}\n最后一行提到 Citus 和 pgbouncer。\n联系方式: x"));
        assert!(hit("citus", &d) && hit("pgbouncer", &d));
    }

    #[test]
    fn search_ranks_full_then_partial_matches() {
        let (a, b, c) = (dba(), rust(), post("职位: MySQL DBA\n城市: 北京\n联系方式: x"));
        let docs = [(3, &c), (2, &b), (1, &a)];
        let qs = |t: &str| parse_query(t, Currency::Cny, Mode::Search).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(search(&qs("dba"), &docs), Found { posts: vec![3, 1], exact: true });
        assert_eq!(search(&qs("postgres 杭州 remote"), &docs), Found { posts: vec![2, 1], exact: true });
        assert_eq!(search(&qs("杭州"), &docs), Found { posts: vec![1], exact: true });
        assert_eq!(search(&qs("postgres dba oracle"), &docs), Found { posts: vec![1, 3, 2], exact: false });
        assert_eq!(search(&qs("oracle"), &docs), Found { posts: vec![], exact: true });
    }

    #[test]
    fn groups_are_built() {
        assert_eq!(GROUPS.len(), EQUIVALENTS.len());
        for (g, src) in GROUPS.iter().zip(EQUIVALENTS) {
            assert_eq!(g.len(), src.len(), "every word of {src:?} normalizes to something");
        }
        assert!(compile_keyword("the").is_none());
        assert!(compile_keyword("的").is_none());
        assert!(compile_keyword(" | ").is_none());
    }
}
