//! Cities and remote work. City names fold to one key so that a post in
//! 北京 matches a subscription to `city:Beijing` or `city:Peking`: Chinese
//! (Simplified or Traditional, with or without 市), pinyin (any case, with or
//! without spaces, hyphens, apostrophes or tone marks) and historic English
//! names (postal romanization: Peking, Canton, Amoy…). A name not in the table
//! is kept as typed and compared folded, so any city in the world works; the
//! table only makes different spellings of the same city meet.

use crate::features::hiring::text::fold_word;
use crate::i18n::Locale;

/// One known city: its key (the Chinese name, as stored), its English
/// display name, and every other spelling that folds to it.
#[derive(Debug, Clone, Copy)]
struct KnownCity {
    zh: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
}

/// Major cities of mainland China, Hong Kong, Macau and Taiwan, and the
/// foreign cities a Chinese tech community posts jobs in. Aliases are
/// written as members type them; they are folded (case, spaces, hyphens,
/// apostrophes, tone marks) before comparison, so `Xi'an`, `XIAN` and
/// `xi an` need one entry. Ambiguous abbreviations are left out on purpose
/// (`SZ` is Shenzhen or Suzhou, `SH` a shell, `SF` a company): a bare known
/// city in a query becomes a city filter, so a wrong one would hide posts.
const CITIES: &[KnownCity] = &[
    KnownCity { zh: "北京", en: "Beijing", aliases: &["Peking", "Peiping", "北平", "帝都"] },
    KnownCity { zh: "上海", en: "Shanghai", aliases: &["魔都", "沪"] },
    KnownCity { zh: "广州", en: "Guangzhou", aliases: &["Canton", "Kwangchow", "穗"] },
    KnownCity { zh: "深圳", en: "Shenzhen", aliases: &["Shumchun", "鹏城"] },
    KnownCity { zh: "杭州", en: "Hangzhou", aliases: &["Hangchow", "Hangchou"] },
    KnownCity { zh: "南京", en: "Nanjing", aliases: &["Nanking", "金陵"] },
    KnownCity { zh: "苏州", en: "Suzhou", aliases: &["Soochow"] },
    KnownCity { zh: "天津", en: "Tianjin", aliases: &["Tientsin"] },
    KnownCity { zh: "重庆", en: "Chongqing", aliases: &["Chungking", "山城"] },
    KnownCity { zh: "成都", en: "Chengdu", aliases: &["Chengtu", "蓉城"] },
    KnownCity { zh: "武汉", en: "Wuhan", aliases: &["Hankow"] },
    KnownCity { zh: "西安", en: "Xi'an", aliases: &["Sian", "Hsian"] },
    KnownCity { zh: "长沙", en: "Changsha", aliases: &[] },
    KnownCity { zh: "郑州", en: "Zhengzhou", aliases: &["Chengchow"] },
    KnownCity { zh: "济南", en: "Jinan", aliases: &["Tsinan"] },
    KnownCity { zh: "青岛", en: "Qingdao", aliases: &["Tsingtao"] },
    KnownCity { zh: "大连", en: "Dalian", aliases: &["Dairen", "Talien"] },
    KnownCity { zh: "沈阳", en: "Shenyang", aliases: &["Mukden"] },
    KnownCity { zh: "长春", en: "Changchun", aliases: &["Hsinking"] },
    KnownCity { zh: "哈尔滨", en: "Harbin", aliases: &["Haerbin"] },
    KnownCity { zh: "石家庄", en: "Shijiazhuang", aliases: &[] },
    KnownCity { zh: "太原", en: "Taiyuan", aliases: &[] },
    KnownCity { zh: "呼和浩特", en: "Hohhot", aliases: &["Huhehaote"] },
    KnownCity { zh: "合肥", en: "Hefei", aliases: &[] },
    KnownCity { zh: "南昌", en: "Nanchang", aliases: &[] },
    KnownCity { zh: "福州", en: "Fuzhou", aliases: &["Foochow"] },
    KnownCity { zh: "厦门", en: "Xiamen", aliases: &["Amoy"] },
    KnownCity { zh: "宁波", en: "Ningbo", aliases: &["Ningpo"] },
    KnownCity { zh: "无锡", en: "Wuxi", aliases: &[] },
    KnownCity { zh: "东莞", en: "Dongguan", aliases: &[] },
    KnownCity { zh: "佛山", en: "Foshan", aliases: &[] },
    KnownCity { zh: "珠海", en: "Zhuhai", aliases: &[] },
    KnownCity { zh: "汕头", en: "Shantou", aliases: &["Swatow"] },
    KnownCity { zh: "南宁", en: "Nanning", aliases: &[] },
    KnownCity { zh: "海口", en: "Haikou", aliases: &[] },
    KnownCity { zh: "三亚", en: "Sanya", aliases: &[] },
    KnownCity { zh: "昆明", en: "Kunming", aliases: &[] },
    KnownCity { zh: "贵阳", en: "Guiyang", aliases: &["Kweiyang"] },
    KnownCity { zh: "兰州", en: "Lanzhou", aliases: &[] },
    KnownCity { zh: "西宁", en: "Xining", aliases: &[] },
    KnownCity { zh: "银川", en: "Yinchuan", aliases: &[] },
    KnownCity { zh: "乌鲁木齐", en: "Urumqi", aliases: &["Wulumuqi", "Urumchi"] },
    KnownCity { zh: "拉萨", en: "Lhasa", aliases: &[] },
    KnownCity { zh: "香港", en: "Hong Kong", aliases: &["HK", "HKG", "Xianggang"] },
    KnownCity { zh: "澳门", en: "Macau", aliases: &["Macao", "Aomen"] },
    KnownCity { zh: "台北", en: "Taipei", aliases: &["Taibei"] },
    KnownCity { zh: "新竹", en: "Hsinchu", aliases: &["Xinzhu"] },
    KnownCity { zh: "新加坡", en: "Singapore", aliases: &["狮城"] },
    KnownCity { zh: "东京", en: "Tokyo", aliases: &[] },
    KnownCity { zh: "首尔", en: "Seoul", aliases: &["汉城"] },
    KnownCity { zh: "伦敦", en: "London", aliases: &[] },
    KnownCity { zh: "柏林", en: "Berlin", aliases: &[] },
    KnownCity { zh: "纽约", en: "New York", aliases: &["NYC", "New York City"] },
    KnownCity { zh: "旧金山", en: "San Francisco", aliases: &["三藩市", "San Fran"] },
    KnownCity { zh: "西雅图", en: "Seattle", aliases: &[] },
    KnownCity { zh: "多伦多", en: "Toronto", aliases: &[] },
    KnownCity { zh: "悉尼", en: "Sydney", aliases: &["雪梨"] },
];

/// Words meaning fully remote (or "anywhere"): a post with one of them is
/// remote, a query with one of them wants remote posts.
const REMOTE_WORDS: &[&str] = &[
    "远程",
    "远程办公",
    "远程工作",
    "全远程",
    "可远程",
    "支持远程",
    "居家",
    "居家办公",
    "在家办公",
    "不限地点",
    "不限城市",
    "remote",
    "fully remote",
    "full remote",
    "remote ok",
    "remote only",
    "wfh",
    "work from home",
    "anywhere",
];

/// Words meaning partly remote: recognized (so they are not taken for a
/// city), but a query for `remote` does not match them.
const HYBRID_WORDS: &[&str] = &["混合办公", "混合", "部分远程", "hybrid", "hybrid remote"];

/// A city, folded to its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct City {
    /// What is stored and compared: the Chinese name of a known city
    /// (`杭州`), else the folded spelling as typed (`bay area`).
    pub key: String,
    /// Whether it is in the table (a query echoes unknown cities back, so a
    /// typo is noticed).
    pub known: bool,
}

impl City {
    /// A city from a stored key.
    pub fn from_key(key: &str) -> City {
        City { key: key.to_owned(), known: CITIES.iter().any(|c| c.zh == key) }
    }

    /// The name to show in `lang`: a known city in that language, any other
    /// as it was stored.
    pub fn display(&self, lang: Locale) -> String {
        match (CITIES.iter().find(|c| c.zh == self.key), lang) {
            (Some(c), Locale::Zh) => c.zh.to_owned(),
            (Some(c), Locale::En) => c.en.to_owned(),
            (None, _) => self.key.clone(),
        }
    }
}

/// Folds a spelling for lookup: [`fold_word`], then without `市`/` city` at
/// the end and without spaces, hyphens, dots and apostrophes.
fn lookup_form(s: &str) -> String {
    let f = fold_word(s);
    let f = f.strip_suffix('市').unwrap_or(&f);
    let f = f.strip_suffix(" city").unwrap_or(f);
    f.chars().filter(|c| !matches!(c, ' ' | '-' | '\'' | '’' | '‘' | '.' | '·' | '_')).collect()
}

/// Folds a city name to its [`City`]; `None` for an empty name.
pub fn fold_city(s: &str) -> Option<City> {
    let form = lookup_form(s);
    if form.is_empty() {
        return None;
    }
    for c in CITIES {
        if lookup_form(c.zh) == form || lookup_form(c.en) == form || c.aliases.iter().any(|a| lookup_form(a) == form) {
            return Some(City { key: c.zh.to_owned(), known: true });
        }
    }
    // Unknown: keep the folded spelling, single-spaced, so "Bay  Area" and
    // "bay area" meet.
    let key = fold_word(s).split_whitespace().collect::<Vec<_>>().join(" ");
    Some(City { key, known: false })
}

/// Whether `s` is a known city (for bare words in `/jobs search 杭州`).
pub fn known_city(s: &str) -> Option<City> {
    fold_city(s).filter(|c| c.known)
}

/// How remote a post is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Remote {
    /// On site (or not said).
    #[default]
    No,
    /// Partly remote: shown, but not matched by a query for `remote`.
    Hybrid,
    /// Fully remote.
    Full,
}

impl Remote {
    /// The stored value (`hiring_posts.remote`).
    pub fn as_i64(self) -> i64 {
        match self {
            Remote::No => 0,
            Remote::Hybrid => 1,
            Remote::Full => 2,
        }
    }

    /// From the stored value.
    pub fn from_i64(v: i64) -> Remote {
        match v {
            2 => Remote::Full,
            1 => Remote::Hybrid,
            _ => Remote::No,
        }
    }
}

/// Whether a word (or phrase) means fully remote.
pub fn is_remote_word(s: &str) -> bool {
    let f = fold_word(s);
    REMOTE_WORDS.iter().any(|w| *w == f)
}

fn is_hybrid_word(s: &str) -> bool {
    let f = fold_word(s);
    HYBRID_WORDS.iter().any(|w| *w == f)
}

/// Where a post is: its cities and whether it is remote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// Its cities, folded, without repeats, in the order written.
    pub cities: Vec<City>,
    /// Remote work.
    pub remote: Remote,
}

/// Separators between the places of one `城市:` value.
const PLACE_SEPARATORS: &[char] =
    &['/', '／', ',', '，', '、', ';', '；', '|', '｜', '(', ')', '（', '）', '+', '＋', '&', '或'];

impl Location {
    /// Parses a `城市:` / `city:` value: places separated by `/ , 、 ; | ( ) + &`
    /// or 或, each a city or a remote (or hybrid) word: `杭州 / 远程`,
    /// `北京、上海`, `Hangzhou (remote OK)`. Also merges `远程: 是`.
    pub fn parse(value: &str) -> Location {
        let mut loc = Location::default();
        for part in value.split(PLACE_SEPARATORS).map(str::trim).filter(|p| !p.is_empty()) {
            loc.add_place(part);
        }
        loc
    }

    fn add_place(&mut self, part: &str) {
        if is_remote_word(part) {
            self.remote = Remote::Full;
        } else if is_hybrid_word(part) {
            if self.remote == Remote::No {
                self.remote = Remote::Hybrid;
            }
        } else if let Some(c) = fold_city(part)
            && !self.cities.contains(&c)
        {
            self.cities.push(c);
        }
    }

    /// Whether nothing was said.
    pub fn is_empty(&self) -> bool {
        self.cities.is_empty() && self.remote == Remote::No
    }

    /// The stored form of the cities (`hiring_posts.cities`): keys joined by
    /// `,` with a `,` on each side, so SQL can prefilter with
    /// `cities LIKE '%,杭州,%'`.
    pub fn cities_column(&self) -> String {
        if self.cities.is_empty() {
            return String::new();
        }
        let keys: Vec<&str> = self.cities.iter().map(|c| c.key.as_str()).collect();
        format!(",{},", keys.join(","))
    }

    /// From the stored columns.
    pub fn from_columns(cities: &str, remote: i64) -> Location {
        Location {
            cities: cities.split(',').filter(|k| !k.is_empty()).map(City::from_key).collect(),
            remote: Remote::from_i64(remote),
        }
    }
}

/// The answer to a `远程:` / `remote:` line.
pub fn parse_remote_flag(value: &str) -> Option<Remote> {
    let f = fold_word(value);
    match f.as_str() {
        "是" | "可" | "可以" | "支持" | "全远程" | "yes" | "y" | "true" | "ok" | "full" | "fully" | "远程" => {
            Some(Remote::Full)
        }
        "否" | "不" | "不可" | "不支持" | "no" | "n" | "false" | "onsite" | "on\u{2d}site" /* on-site */ | "坐班" => {
            Some(Remote::No)
        }
        _ if is_hybrid_word(&f) => Some(Remote::Hybrid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        fold_city(s).map(|c| c.key).unwrap_or_default()
    }

    #[test]
    fn beijing_has_many_names() {
        for s in [
            "北京",
            "北京市",
            "Beijing",
            "BEIJING",
            "bei jing",
            "Bei-Jing",
            "Běijīng",
            "Peking",
            "Peiping",
            "ＢＥＩＪＩＮＧ",
        ] {
            assert_eq!(key(s), "北京", "{s}");
        }
        assert!(fold_city("Peking").is_some_and(|c| c.known));
    }

    #[test]
    fn other_cities_fold() {
        for (s, k) in [
            ("杭州", "杭州"),
            ("Hangzhou", "杭州"),
            ("hangzhou city", "杭州"),
            ("Hangchow", "杭州"),
            ("广州", "广州"),
            ("廣州", "广州"),
            ("Canton", "广州"),
            ("厦门", "厦门"),
            ("Amoy", "厦门"),
            ("Nanking", "南京"),
            ("Xi'an", "西安"),
            ("xian", "西安"),
            ("XI AN", "西安"),
            ("Tsingtao", "青岛"),
            ("Chungking", "重庆"),
            ("深圳市", "深圳"),
            ("Hong Kong", "香港"),
            ("hongkong", "香港"),
            ("HK", "香港"),
            ("臺北", "台北"),
            ("Macao", "澳门"),
            ("澳門", "澳门"),
            ("San Francisco", "旧金山"),
            ("新加坡", "新加坡"),
        ] {
            assert_eq!(key(s), k, "{s}");
        }
    }

    #[test]
    fn unknown_cities_are_kept_folded() {
        let c = fold_city("  Bay   Area ").unwrap_or_else(|| City::from_key(""));
        assert_eq!(c, City { key: "bay area".into(), known: false });
        assert_eq!(fold_city("BAY AREA").map(|c| c.key), Some("bay area".into()));
        assert_eq!(fold_city("义乌").map(|c| (c.key, c.known)), Some(("义乌".into(), false)));
        assert_eq!(fold_city("   "), None);
        assert!(known_city("义乌").is_none());
        assert!(known_city("Peking").is_some());
    }

    #[test]
    fn display_in_each_language() {
        let c = fold_city("peking").unwrap_or_else(|| City::from_key(""));
        assert_eq!(c.display(Locale::Zh), "北京");
        assert_eq!(c.display(Locale::En), "Beijing");
        assert_eq!(City::from_key("义乌").display(Locale::En), "义乌");
        assert!(City::from_key("杭州").known);
    }

    #[test]
    fn locations() {
        let l = Location::parse("杭州 / 远程");
        assert_eq!(l.cities, vec![City::from_key("杭州")]);
        assert_eq!(l.remote, Remote::Full);
        let l = Location::parse("北京、上海，深圳");
        assert_eq!(l.cities_column(), ",北京,上海,深圳,");
        assert_eq!(l.remote, Remote::No);
        let l = Location::parse("Hangzhou (remote OK)");
        assert_eq!((l.cities_column().as_str(), l.remote), (",杭州,", Remote::Full));
        let l = Location::parse("远程");
        assert!(l.cities.is_empty() && l.remote == Remote::Full);
        let l = Location::parse("上海（混合办公）");
        assert_eq!(l.remote, Remote::Hybrid);
        let l = Location::parse("上海 / 混合 / 远程");
        assert_eq!(l.remote, Remote::Full, "fully remote wins over hybrid");
        let l = Location::parse("北京/Peking/北京市");
        assert_eq!(l.cities.len(), 1, "one city however it is spelled");
        assert!(Location::parse(" / ").is_empty());
        assert_eq!(Location::from_columns(",北京,上海,", 2), Location::parse("北京、上海、remote"));
        assert_eq!(Location::from_columns("", 0), Location::default());
    }

    #[test]
    fn remote_words() {
        for w in ["远程", "Remote", "REMOTE", "wfh", "居家办公", "Work From Home", "ｒｅｍｏｔｅ", "遠程"]
        {
            assert!(is_remote_word(w), "{w}");
        }
        for w in ["hybrid", "杭州", "remotely ish"] {
            assert!(!is_remote_word(w), "{w}");
        }
        assert_eq!(parse_remote_flag("是"), Some(Remote::Full));
        assert_eq!(parse_remote_flag("Yes"), Some(Remote::Full));
        assert_eq!(parse_remote_flag("否"), Some(Remote::No));
        assert_eq!(parse_remote_flag("hybrid"), Some(Remote::Hybrid));
        assert_eq!(parse_remote_flag("maybe"), None);
        for r in [Remote::No, Remote::Hybrid, Remote::Full] {
            assert_eq!(Remote::from_i64(r.as_i64()), r);
        }
    }

    #[test]
    fn the_table_has_no_clashes() {
        // Every spelling folds to exactly one city.
        let mut seen = std::collections::HashMap::new();
        for c in CITIES {
            for s in std::iter::once(c.zh).chain(std::iter::once(c.en)).chain(c.aliases.iter().copied()) {
                let form = lookup_form(s);
                if let Some(other) = seen.insert(form.clone(), c.zh) {
                    assert_eq!(other, c.zh, "{s} ({form}) names both {other} and {}", c.zh);
                }
                assert_eq!(key(s), c.zh, "{s}");
            }
        }
        // No city spelling is also a remote word.
        for c in CITIES {
            assert!(!is_remote_word(c.zh) && !is_remote_word(c.en));
        }
    }
}
