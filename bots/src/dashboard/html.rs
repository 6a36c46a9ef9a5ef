//! The dashboard's HTML: one escaping function that everything shown goes
//! through, the page frame (style inline, no script), tables, and the
//! sparklines as inline SVG.

use std::fmt::Write;

/// `text` safe inside HTML text and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as one segment of a URL path (community ids are plain, but an
/// `own:` community's id has a colon).
pub fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;background:#f6f7f9;color:#1d2430}
header{background:#1f3a5f;color:#fff;padding:12px 24px;display:flex;align-items:center;gap:24px;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header nav a{color:#dbe6f5;text-decoration:none;margin-right:16px}
header nav a.here{color:#fff;font-weight:600;border-bottom:2px solid #fff}
header .who{margin-left:auto;font-size:14px;color:#dbe6f5}
header form{display:inline;margin-left:12px}
header button{background:none;border:1px solid #dbe6f5;color:#fff;border-radius:4px;padding:2px 10px;cursor:pointer}
main{padding:16px 24px;max-width:1200px}
h2{font-size:17px;margin:24px 0 8px}
p.note{color:#5b6472;font-size:14px}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
th,td{padding:6px 10px;border-bottom:1px solid #e6e9ee;text-align:left;vertical-align:middle}
th{background:#eef1f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.up{color:#127a3d}td.down{color:#b42318}
svg.spark polyline{fill:none;stroke:#2f6fb5;stroke-width:1.5}
svg.spark circle{fill:#2f6fb5}
.message{background:#fff;padding:24px;border-radius:6px;max-width:640px;margin:48px auto;box-shadow:0 1px 3px rgba(0,0,0,.1)}
";

/// The page's icon, inline (a `/favicon.ico` would be one more request,
/// answered 404).
const ICON: &str = "<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' \
                    viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%231f3a5f'/%3E%3C/svg%3E\">";

/// What the header shows for a logged-in moderator.
#[derive(Debug)]
pub struct Nav<'a> {
    /// The community's id (in the links).
    pub community: &'a str,
    /// The page shown (`overview`, `members`…).
    pub here: &'a str,
    /// The links' labels, in order: (page, label).
    pub links: Vec<(&'static str, String)>,
    /// "name · community".
    pub who: String,
    /// The logout button's label.
    pub logout: String,
    /// `?lang=xx` to keep on every link, or empty.
    pub lang_query: String,
}

/// A whole page.
pub fn page(lang: &str, title: &str, nav: Option<&Nav<'_>>, body: &str) -> String {
    page_then(lang, title, nav, body, None)
}

/// A whole page that moves on to `next` (a path of ours) a second after it
/// is shown (long enough to read that it does).
pub fn page_then(lang: &str, title: &str, nav: Option<&Nav<'_>>, body: &str, next: Option<&str>) -> String {
    let mut out = String::with_capacity(body.len() + 4096);
    let refresh =
        next.map(|n| format!("<meta http-equiv=\"refresh\" content=\"1; url={}\">", esc(n))).unwrap_or_default();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{refresh}{ICON}\
         <title>{}</title><style>{STYLE}</style></head><body><header><h1>{}</h1>",
        esc(title),
        esc(title)
    );
    if let Some(nav) = nav {
        out.push_str("<nav>");
        let base = format!("/dashboard/{}/", path_segment(nav.community));
        for (page, label) in &nav.links {
            let href = if *page == "overview" { base.clone() } else { format!("{base}{page}") };
            let class = if *page == nav.here { " class=\"here\"" } else { "" };
            let _ = write!(out, "<a href=\"{}{}\"{class}>{}</a>", esc(&href), esc(&nav.lang_query), esc(label));
        }
        let _ = write!(
            out,
            "</nav><span class=\"who\">{}<form method=\"post\" action=\"/dashboard/logout\">\
             <button type=\"submit\">{}</button></form></span>",
            esc(&nav.who),
            esc(&nav.logout)
        );
    }
    let _ = writeln!(out, "</header><main>{body}</main></body></html>");
    out
}

/// A centred message (a refused link, a login needed).
pub fn message(text: &str) -> String {
    format!("<div class=\"message\"><p>{}</p></div>", esc(text))
}

/// A centred message with a link onwards.
pub fn message_with_link(text: &str, href: &str, label: &str) -> String {
    format!("<div class=\"message\"><p>{}</p><p><a href=\"{}\">{}</a></p></div>", esc(text), esc(href), esc(label))
}

/// A cell of a table row.
#[derive(Debug)]
pub enum Cell {
    /// Text, escaped.
    Text(String),
    /// A number, right-aligned.
    Num(String),
    /// A change: coloured by its sign.
    Change(String),
    /// Markup made here (an SVG), not escaped.
    Raw(String),
}

/// A table with a heading row; "nothing yet" when there are no rows.
pub fn table(heads: &[String], rows: &[Vec<Cell>], empty: &str) -> String {
    if rows.is_empty() {
        return format!("<p class=\"note\">{}</p>", esc(empty));
    }
    let mut out = String::from("<table><thead><tr>");
    for h in heads {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Text(t) => {
                    let _ = write!(out, "<td>{}</td>", esc(t));
                }
                Cell::Num(t) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", esc(t));
                }
                Cell::Change(t) => {
                    let class = if t.starts_with('+') {
                        "num up"
                    } else if t.starts_with('-') {
                        "num down"
                    } else {
                        "num"
                    };
                    let _ = write!(out, "<td class=\"{class}\">{}</td>", esc(t));
                }
                Cell::Raw(t) => {
                    let _ = write!(out, "<td>{t}</td>");
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// Width and height of a sparkline, in pixels.
const SPARK_W: f64 = 140.0;
const SPARK_H: f64 = 30.0;

/// A sparkline of `values` (oldest first; `None`: nothing measured that
/// week, left out of the line), as inline SVG with a text equivalent.
pub fn sparkline(values: &[Option<f64>], label: &str) -> String {
    let known: Vec<(usize, f64)> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    let (lo, hi) = known.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| (lo.min(*v), hi.max(*v)));
    let steps = values.len().saturating_sub(1).max(1) as f64;
    let x = |i: usize| 2.0 + (SPARK_W - 4.0) * i as f64 / steps;
    let y = |v: f64| {
        if hi > lo { SPARK_H - 3.0 - (SPARK_H - 6.0) * (v - lo) / (hi - lo) } else { SPARK_H / 2.0 }
    };
    let points: Vec<String> = known.iter().map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v))).collect();
    let mut out = format!(
        "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{SPARK_W}\" height=\"{SPARK_H}\" \
         viewBox=\"0 0 {SPARK_W} {SPARK_H}\" role=\"img\"><title>{}</title>",
        esc(label)
    );
    if !points.is_empty() {
        let _ = write!(out, "<polyline points=\"{}\"/>", points.join(" "));
    }
    if let Some((i, v)) = known.last() {
        let _ = write!(out, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"/>", x(*i), y(*v));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_that_could_be_markup_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(path_segment("own:telegram:-100"), "own%3Atelegram%3A-100");
    }

    #[test]
    fn a_sparkline_rises_with_its_values_and_skips_unmeasured_weeks() {
        let svg = sparkline(&[Some(1.0), None, Some(3.0)], "x");
        assert!(svg.contains("<polyline points=\"2.0,27.0 138.0,3.0\"/>"), "{svg}");
        let flat = sparkline(&[Some(5.0), Some(5.0)], "x");
        assert!(flat.contains("points=\"2.0,15.0 138.0,15.0\""), "{flat}");
        assert!(!sparkline(&[None, None], "x").contains("polyline"));
    }
}
