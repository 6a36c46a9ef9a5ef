//! Text normalization and tokenization for FAQ matching: one pipeline for
//! FAQ questions, aliases and chat messages, so both sides are folded the
//! same way.
//!
//! Steps: Unicode NFKC (which also turns full-width letters and digits into
//! ASCII), lower case, Traditional → Simplified Chinese (character level,
//! then a short table of Taiwan-usage technical words), and tokens:
//! technical tokens kept whole (`pg_dump`, `max_connections`, `8.3.1`, with
//! the parts of joined ones as well), English words lightly stemmed, Chinese
//! runs segmented with jieba (search mode), and Chinese character bigrams as
//! a separate fallback signal. Punctuation separates and is dropped.

use std::sync::{LazyLock, PoisonError, RwLock};

use jieba_rs::Jieba;
use unicode_normalization::UnicodeNormalization;

use super::vocab::Vocabulary;

/// The segmenter, loaded once (about 0.1 s in release, 0.5 s in debug) and
/// shared; a lock because the FAQ's own domain words are added to it.
static JIEBA: LazyLock<RwLock<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for word in DOMAIN_WORDS {
        jieba.add_word(word, None, None);
    }
    RwLock::new(jieba)
});

/// Database words jieba's general dictionary splits or misses, so they are
/// kept whole (`的字段` must not become `的字` + `段`).
const DOMAIN_WORDS: &[&str] = &[
    "字段",
    "主键",
    "外键",
    "索引",
    "序列号",
    "事务",
    "死锁",
    "表空间",
    "物化视图",
    "执行计划",
    "流复制",
    "逻辑复制",
    "主从复制",
    "连接池",
    "慢查询",
    "全文检索",
    "分区表",
    "触发器",
    "存储过程",
    "数据类型",
    "备份",
    "恢复",
    "归档",
    "预写日志",
    "检查点",
    "共享内存",
    "外连接",
    "内连接",
    "子查询",
    "临时表",
    "视图",
    "模式",
    "扩展",
    "插件",
    "大小写",
    "正则表达式",
    "时区",
    "夏令时",
    "自增",
    "自动递增",
    "默认值",
    "只读",
    "复制槽",
    "锁表",
];

/// Loads the segmenter now instead of on the first message (the engine
/// does this when a community's FAQ is first indexed).
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Teaches the segmenter a domain word (an FAQ tag such as `主从复制`), so it
/// is kept whole. Words it already knows are left alone.
pub fn add_domain_word(word: &str) {
    let word = fold(word);
    if word.chars().count() < 2 || !word.chars().all(is_cjk) {
        return;
    }
    if JIEBA.read().unwrap_or_else(PoisonError::into_inner).has_word(&word) {
        return;
    }
    JIEBA.write().unwrap_or_else(PoisonError::into_inner).add_word(&word, None, None);
}

/// Whether `c` is a CJK ideograph (the scripts jieba segments).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF)
}

/// Taiwan-usage technical words and their mainland equivalents, applied
/// only to text that was written in Traditional script (where `资料` means
/// data; in mainland text it usually means material). Common IT vocabulary
/// pairs of the kind OpenCC's `TWPhrases` table lists (Apache-2.0); written
/// here by hand, longest first.
const TW_WORDS: &[(&str, &str)] = &[
    ("资料库", "数据库"),
    ("预设值", "默认值"),
    ("伺服器", "服务器"),
    ("记忆体", "内存"),
    ("执行绪", "线程"),
    ("预存程序", "存储过程"),
    ("资料", "数据"),
    ("栏位", "字段"),
    ("预设", "默认"),
    ("磁碟", "磁盘"),
    ("硬碟", "硬盘"),
    ("复写", "复制"),
    ("档案", "文件"),
    ("程式", "程序"),
    ("网路", "网络"),
    ("软体", "软件"),
    ("硬体", "硬件"),
    ("资讯", "信息"),
    ("连线", "连接"),
    ("使用者", "用户"),
    ("丛集", "集群"),
    ("物件", "对象"),
    ("字串", "字符串"),
    ("阵列", "数组"),
    ("变数", "变量"),
    ("函式", "函数"),
    ("交易", "事务"),
    ("效能", "性能"),
    ("登入", "登录"),
    ("列印", "打印"),
    ("介面", "接口"),
];

/// Words that mean the same in mainland usage, folded to one spelling.
const SYNONYMS: &[(&str, &str)] = &[("缺省", "默认"), ("数据表", "表"), ("计算机", "电脑")];

/// Folds text: NFKC, lower case, Traditional → Simplified. Keeps
/// punctuation (question detection needs it).
pub fn fold(text: &str) -> String {
    fold_keeping_case(text).to_lowercase()
}

/// [`fold`] without lower-casing, so tokenization can still see acronyms.
fn fold_keeping_case(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    let simplified = fast2s::convert(&nfkc);
    let traditional = simplified != nfkc;
    let mut out = simplified;
    if traditional {
        for (tw, cn) in TW_WORDS {
            if out.contains(tw) {
                out = out.replace(tw, cn);
            }
        }
    }
    for (from, to) in SYNONYMS {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// Function words that carry no topic: question words, pronouns, particles.
/// Generic lists for each language, not tuned to any FAQ.
const ZH_STOP: &[&str] = &[
    "的",
    "了",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "么",
    "嘛",
    "是",
    "在",
    "有",
    "和",
    "与",
    "或",
    "或是",
    "或者",
    "及",
    "以及",
    "我",
    "我们",
    "你",
    "你们",
    "他",
    "它",
    "这",
    "那",
    "这个",
    "那个",
    "这些",
    "那些",
    "一个",
    "一些",
    "什么",
    "怎么",
    "怎样",
    "怎么样",
    "如何",
    "为什么",
    "为何",
    "哪些",
    "哪里",
    "哪儿",
    "哪个",
    "那些",
    "请问",
    "求助",
    "可以",
    "能",
    "能够",
    "会",
    "要",
    "想",
    "该",
    "应该",
    "需要",
    "才能",
    "可",
    "把",
    "被",
    "对",
    "从",
    "到",
    "给",
    "用",
    "使用",
    "让",
    "时",
    "时候",
    "里",
    "中",
    "上",
    "下",
    "吗",
    "就",
    "都",
    "也",
    "还",
    "又",
    "很",
    "得",
    "地",
    "着",
    "过",
    "个",
    "些",
    "其他",
    "其它",
    "各种",
    "是否",
    "能否",
    "有没有",
    "多少",
    "大家",
    "各位",
    "谢谢",
    "一下",
    "目前",
    "现在",
    "已经",
    "不",
    "没有",
    "没",
    "做",
    "进行",
    "获得",
    "得到",
    "知道",
    "呢",
    "如果",
    "当",
    "出现",
    // How members type: casual question words and fillers.
    "啥",
    "咋",
    "咋办",
    "咋样",
    "咋整",
    "为啥",
    "有啥",
    "怎么回事",
    "怎么办",
    "怎么搞",
    "搞",
    "弄",
    "拿到",
    "大佬",
    "大佬们",
    "请教",
    "问下",
    "问一下",
    "求问",
    "哈",
    "呗",
    "哦",
    "嗯",
];

const EN_STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "do",
    "does",
    "did",
    "done",
    "doing",
    "i",
    "me",
    "my",
    "mine",
    "we",
    "us",
    "our",
    "you",
    "your",
    "he",
    "she",
    "it",
    "its",
    "they",
    "them",
    "their",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "what",
    "whats",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "how",
    "when",
    "where",
    "can",
    "could",
    "will",
    "would",
    "shall",
    "should",
    "may",
    "might",
    "must",
    "to",
    "of",
    "in",
    "on",
    "for",
    "with",
    "from",
    "by",
    "as",
    "at",
    "into",
    "onto",
    "about",
    "and",
    "or",
    "but",
    "if",
    "then",
    "so",
    "not",
    "no",
    "any",
    "some",
    "all",
    "each",
    "other",
    "another",
    "s",
    "t",
    "d",
    "ll",
    "ve",
    "re",
    "m",
    "don",
    "doesn",
    "didn",
    "isn",
    "aren",
    "won",
    "wasn",
    "can't",
    "cannot",
    "get",
    "got",
    "getting",
    "have",
    "has",
    "had",
    "having",
    "please",
    "anyone",
    "someone",
    "somebody",
    "anybody",
    "know",
    "help",
    "thanks",
    "hi",
    "hello",
    "just",
    "also",
    "only",
    "very",
    "really",
    "way",
    "ways",
    "one",
    "use",
    "using",
    "used",
    "want",
    "need",
    "try",
    "trying",
    "tried",
    "like",
    "up",
    "out",
    "over",
    "than",
    "too",
    "why",
    "else",
    "make",
    // How members type: chat shorthand and fillers.
    "u",
    "ur",
    "r",
    "ya",
    "lol",
    "pls",
    "plz",
    "btw",
    "guys",
    "folks",
    "hey",
    "im",
    "ive",
    "dont",
    "doesnt",
    "cant",
    "wont",
    "isnt",
    "hows",
    "wanna",
    "gonna",
    "gotta",
    "kinda",
    "ok",
    "okay",
    "yeah",
    "actually",
    "exactly",
    "basically",
    "quick",
    "question",
    "anyway",
    "idk",
    "tbh",
];

fn is_stop(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

/// Irregular English forms and common synonyms, folded by hand before
/// suffix stripping (a generic list, not tuned to any FAQ).
const EN_IRREGULAR: &[(&str, &str)] = &[
    ("indices", "index"),
    ("indexes", "index"),
    ("data", "data"),
    ("children", "child"),
    ("latest", "recent"),
    ("newest", "recent"),
    ("machine", "host"),
    ("machines", "host"),
    ("computer", "host"),
    ("computers", "host"),
    ("servers", "server"),
    ("regexp", "regex"),
    ("regexps", "regex"),
];

/// A light English stemmer: plural and verb endings, consistent rather than
/// linguistically exact (`connections`, `connecting`, `connect` → `connect`).
pub fn stem(word: &str) -> String {
    if let Some((_, to)) = EN_IRREGULAR.iter().find(|(from, _)| *from == word) {
        return (*to).to_owned();
    }
    if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    if let Some(base) = w.strip_suffix("ies").filter(|b| b.len() >= 2) {
        w = format!("{base}y");
    } else if w.ends_with("sses") || w.ends_with("xes") || w.ends_with("ches") || w.ends_with("shes") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    }
    for suffix in ["ations", "ation", "ing", "ions", "ion", "ed", "ly", "er"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 4
        {
            w = base.to_owned();
            break;
        }
    }
    if w.len() > 4 && w.ends_with('e') {
        w.pop();
    }
    // "running" → "runn" → "run"
    let b = w.as_bytes();
    if b.len() > 4 && b[b.len() - 1] == b[b.len() - 2] && !matches!(b[b.len() - 1], b'l' | b's' | b'z') {
        w.pop();
    }
    w
}

/// The tokens of one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tokens {
    /// Words: technical tokens, stemmed English words, jieba words (stop
    /// words removed).
    pub words: Vec<String>,
    /// Chinese character bigrams (and single characters of one-character
    /// runs), the fallback for short or differently segmented Chinese.
    pub grams: Vec<String>,
    /// Characters of the text that are CJK: the script decides the language.
    pub cjk_chars: usize,
    /// Letters of the text that are Latin.
    pub latin_chars: usize,
    /// What kind of question it asks, as bits: [`ASKS_WHY`], [`ASKS_HOW`],
    /// [`ASKS_WHAT`] (0 when it says none).
    pub asks: u8,
}

/// The question asks why (`why`, `为什么`).
pub const ASKS_WHY: u8 = 1;
/// The question asks how (`how`, `如何`, `怎么`).
pub const ASKS_HOW: u8 = 2;
/// The question asks what (`what`, `什么`).
pub const ASKS_WHAT: u8 = 4;

/// The kinds of question a folded text asks.
fn question_kinds(folded: &str) -> u8 {
    let mut kinds = 0;
    let words: Vec<&str> = folded.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    if words.contains(&"why") || ["为什么", "为何", "为啥"].iter().any(|w| folded.contains(w)) {
        kinds |= ASKS_WHY;
    }
    if words.contains(&"how") || ["如何", "怎么", "怎样", "咋"].iter().any(|w| folded.contains(w)) {
        kinds |= ASKS_HOW;
    }
    let no_why = folded.replace("为什么", "").replace("为啥", "");
    // "是多少" asks for a value (a port, a size, a limit), not a procedure.
    let value = ["多少", "多大", "几个"].iter().any(|w| folded.contains(w));
    if words.contains(&"what") || words.contains(&"whats") || no_why.contains("什么") || no_why.contains("啥") || value
    {
        kinds |= ASKS_WHAT;
    }
    kinds
}

impl Tokens {
    /// The language the text is written in: Chinese when it has any
    /// noticeable Chinese, else English.
    pub fn is_chinese(&self) -> bool {
        self.cjk_chars >= 2 || (self.cjk_chars >= 1 && self.latin_chars < 4)
    }
}

/// Normalizes and tokenizes a text. Bounded: only the first
/// [`MAX_TOKENIZED_CHARS`] characters are read.
pub fn tokenize(text: &str) -> Tokens {
    tokenize_with(text, &Vocabulary::default())
}

/// [`tokenize`], then the vocabulary's terms folded to their groups' tokens
/// (a Chinese term the segmenter keeps whole stands alone: its pieces are
/// not offered besides).
pub fn tokenize_with(text: &str, vocab: &Vocabulary) -> Tokens {
    let bounded: String = text.chars().take(MAX_TOKENIZED_CHARS).collect();
    let folded = fold_keeping_case(&bounded);
    let mut t = Tokens::default();
    let mut run = String::new();
    let mut cjk = String::new();
    let chars: Vec<char> = folded.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let tech = c.is_ascii_alphanumeric()
            // DBMS's: an apostrophe inside a word is dropped with what follows
            || (c == '\'' && !run.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_alphabetic))
            || c == '_'
            // a dot inside a version number: 8.3.1
            || (c == '.'
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if tech {
            run.push(c);
            t.latin_chars += usize::from(c.is_ascii_alphabetic());
        } else {
            flush_ascii(&mut run, &mut t.words);
        }
        if is_cjk(c) {
            cjk.push(c);
            t.cjk_chars += 1;
        } else {
            flush_cjk(&mut cjk, &mut t, vocab);
        }
    }
    flush_ascii(&mut run, &mut t.words);
    flush_cjk(&mut cjk, &mut t, vocab);
    vocab.apply(&mut t.words);
    t.asks = question_kinds(&folded.to_lowercase());
    t
}

/// Longest text read for matching; a pasted log of 10 000 characters is cut.
pub const MAX_TOKENIZED_CHARS: usize = 1000;

fn flush_ascii(run: &mut String, words: &mut Vec<String>) {
    if run.is_empty() {
        return;
    }
    let raw = std::mem::take(run);
    // Acronym plurals and possessives (DBMSs, DBMS's, OIDs) lose the s before
    // lower-casing hides that they are acronyms.
    let raw = match raw.split_once('\'') {
        Some((word, _)) => word.to_owned(),
        None => raw,
    };
    let acronym_plural = raw.len() > 2
        && raw.ends_with('s')
        && raw[..raw.len() - 1].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let raw = if acronym_plural { raw[..raw.len() - 1].to_owned() } else { raw };
    let lowered = raw.to_lowercase();
    let token = lowered.trim_matches('_');
    if token.is_empty() {
        return;
    }
    let technical = token.contains('_') || token.bytes().any(|b| b.is_ascii_digit());
    if technical {
        words.push(token.to_owned());
        if token.contains('_') {
            for part in token.split('_').filter(|p| p.len() > 1 && !is_stop(p, EN_STOP)) {
                words.push(stem(part));
            }
        }
    } else if !is_stop(token, EN_STOP) {
        words.push(stem(token));
    }
}

fn flush_cjk(run: &mut String, t: &mut Tokens, vocab: &Vocabulary) {
    if run.is_empty() {
        return;
    }
    let text = std::mem::take(run);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() == 1 {
        t.grams.push(text.clone());
    }
    for pair in chars.windows(2) {
        t.grams.push(pair.iter().collect());
    }
    let jieba = JIEBA.read().unwrap_or_else(PoisonError::into_inner);
    let tokens = jieba.cut_for_search(&text, true);
    // Spans of whole vocabulary terms: the pieces inside them are dropped.
    let terms: Vec<(usize, usize)> = tokens
        .iter()
        .filter(|k| k.end - k.start >= 2 && vocab.is_whole_term(k.word))
        .map(|k| (k.byte_start, k.byte_end))
        .collect();
    for token in &tokens {
        let inside = |&(s, e): &(usize, usize)| {
            s <= token.byte_start && token.byte_end <= e && (s, e) != (token.byte_start, token.byte_end)
        };
        if terms.iter().any(inside) {
            continue;
        }
        let w = token.word;
        let weak = w.chars().count() == 1 && is_weak_char(w);
        if !is_stop(w, ZH_STOP) && !weak {
            t.words.push(w.to_owned());
        }
    }
}

/// Single characters that are grammar, not topic (one-character jieba words
/// outside the stop list are kept: 表, 锁, 库 carry meaning).
fn is_weak_char(w: &str) -> bool {
    w.chars().all(|c| "的了吗呢吧啊是在有和与或我你他它这那个些么怎谁哪里到从给把被让用对就都也还又很得地着过时会能可要想该才将并而及其为以于之所等".contains(c))
}

/// Whether a message looks like a question: a question mark, a Chinese
/// question particle or word, or an English question opening. Only these
/// (or messages addressed to the bot) get automatic redirects.
pub fn looks_like_question(text: &str) -> bool {
    let folded = fold(text.trim());
    if folded.contains('?') || folded.contains('？') {
        return true;
    }
    const ZH: &[&str] = &[
        "吗",
        "呢",
        "怎么",
        "怎样",
        "如何",
        "为什么",
        "为何",
        "请问",
        "求助",
        "求教",
        "哪里",
        "哪些",
        "哪个",
        "是否",
        "能否",
        "可否",
        "有没有",
        "是不是",
        "能不能",
        "可不可以",
        "什么",
    ];
    if ZH.iter().any(|w| folded.contains(w)) {
        return true;
    }
    const EN: &[&str] = &[
        "how", "why", "what", "whats", "when", "where", "which", "who", "can", "could", "does", "do", "did", "is",
        "are", "should", "will", "would", "anyone", "any", "has", "have", "help",
    ];
    let first = folded.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or_default();
    EN.contains(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_nfkc_case_width_and_script() {
        assert_eq!(fold("ＰｏｓｔｇｒｅＳＱＬ　１６"), "postgresql 16");
        assert_eq!(fold("資料庫連線"), "数据库连接");
        assert_eq!(fold("為什麼"), "为什么");
        // Mainland text keeps 资料 (material), only Traditional text maps it.
        assert_eq!(fold("学习资料"), "学习资料");
        assert_eq!(fold("缺省值"), "默认值");
    }

    #[test]
    fn technical_tokens_stay_whole() {
        let t = tokenize("How do I set max_connections in PostgreSQL 8.3.1 with pg_dump?");
        for w in ["max_connections", "max", "connect", "postgresql", "8.3.1", "pg_dump", "dump"] {
            assert!(t.words.contains(&w.to_owned()), "{w} in {:?}", t.words);
        }
        assert!(!t.words.contains(&"how".to_owned()));
        let t = tokenize("jsonb 字段怎么建索引？");
        assert!(t.words.contains(&"jsonb".to_owned()) && t.words.contains(&"索引".to_owned()), "{:?}", t.words);
    }

    #[test]
    fn chinese_is_segmented_with_compounds_and_bigrams() {
        let t = tokenize("主从复制怎么配置？");
        for w in ["主从", "复制", "配置"] {
            assert!(t.words.contains(&w.to_owned()), "{w} in {:?}", t.words);
        }
        assert!(!t.words.contains(&"怎么".to_owned()));
        assert!(t.grams.contains(&"主从".to_owned()) && t.grams.contains(&"从复".to_owned()));
        assert!(t.is_chinese());
        assert!(!tokenize("how to vacuum?").is_chinese());
    }

    #[test]
    fn traditional_and_simplified_tokenize_alike() {
        let a = tokenize("我怎樣創建一個預設值是當前時間的欄位？");
        let b = tokenize("我如何创建一个缺省值是当前时间的字段？");
        for w in ["创建", "默认值", "当前", "时间", "字段"] {
            assert!(a.words.contains(&w.to_owned()) && b.words.contains(&w.to_owned()), "{w}: {a:?} / {b:?}");
        }
    }

    #[test]
    fn light_stemming() {
        for (a, b) in [
            ("connections", "connect"),
            ("connecting", "connect"),
            ("connect", "connect"),
            ("indexes", "index"),
            ("indices", "index"),
            ("queries", "query"),
            ("tables", "tabl"),
            ("table", "tabl"),
            ("defined", "defin"),
            ("define", "defin"),
        ] {
            assert_eq!(stem(a), b, "{a}");
        }
    }

    #[test]
    fn questions_are_detected() {
        for q in
            ["怎么看 PG 版本", "vacuum full 会锁表吗", "请问 pg_dump 的用法", "How do I vacuum", "why slow?", "锁表？"]
        {
            assert!(looks_like_question(q), "{q}");
        }
        for s in ["大家早上好", "thanks, that worked", "今天发布了 17.2", "I upgraded to 16"] {
            assert!(!looks_like_question(s), "{s}");
        }
    }

    #[test]
    fn odd_input_is_harmless() {
        assert_eq!(tokenize("").words.len(), 0);
        assert!(tokenize("🎉🎉🎉").words.is_empty());
        let huge = "数据库".repeat(5000);
        assert!(tokenize(&huge).words.len() < 2000);
    }
}
