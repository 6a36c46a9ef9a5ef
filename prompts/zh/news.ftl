# 资讯：RSS 与 Atom 订阅源（版主管理）、最新资讯（/news）、按关键词即时推送的群、摘要中的资讯一节、失效订阅源提醒。

cmd-news = 社区订阅源的最新资讯，分页；加标签只看这些来源
cmd-news-add = 添加订阅源：/news add 网址 [标签] [lang=en] [include=a,b] [exclude=c]（版主）
cmd-news-remove = 删除订阅源及其资讯（版主）
cmd-news-sources = 社区的订阅源及其状态（版主）
cmd-news-watch = 含这些关键词的新资讯即时发到本群，每小时有上限（版主）
cmd-news-unwatch = 本群不再即时推送资讯（版主）
cmd-news-status = 订阅源为何在抓取或没有抓取（版主）

arg-url = 网址
arg-tag = 标签
arg-tags = 标签们

## 阅读

news-list = 📰 资讯：共 { $count } 条，第 { $page }/{ $pages } 页
news-list-tag = 📰 标签 { $tag } 的资讯：共 { $count } 条，第 { $page }/{ $pages } 页
news-list-more = 下一页：/news { $next }
news-list-empty = 还没有资讯。版主可用 /news add 网址 添加订阅源。
news-list-empty-tag = 没有标签为 { $tag } 的资讯。已用的标签：{ $tags }
news-page-beyond = 只有 { $pages } 页。
news-bad-page = “{ $got }”不是页码，试试 /news 2。
news-line = { $title }（{ $source }，{ $date }）{ $link }
news-line-nolink = { $title }（{ $source }，{ $date }）
news-item-body =
    { $summary }
    { $source } · { $date } · { $link }
news-item-body-nolink =
    { $summary }
    { $source } · { $date }
news-watch-post = 📰 { $title }
news-digest = 📰 资讯：新增 { $count } 条

## 订阅源

news-added = ✅ 已添加 { $id }：{ $url }（语言 { $lang }，标签：{ $tags }）。稍后即可在 /news 看到资讯。
news-added-nofetch = ✅ 已添加 { $id }：{ $url }（语言 { $lang }，标签：{ $tags }）。本机器人没有运行抓取器，暂不会抓取。
news-duplicate = { $url } 已是订阅源 { $id }。
news-full = 本社区已有 { $max } 个订阅源，请先用 /news remove 编号 删除一个。
news-bad-url = “{ $got }”不是订阅源网址。请给出 http:// 或 https:// 开头、不含用户名的地址，例如 https://planet.postgresql.org/rss20.xml
news-private-url = “{ $got }”指向本机或内网地址，不能作为订阅源（运营者可在配置里设 allow_private = true）。
news-bad-lang = “{ $got }”不是语言代码，请写 lang=en、lang=zh 等。
news-bad-tag = “{ $got }”不是有效标签：只能用字母、数字、- 和 _，最多 30 个字符。
news-bad-id = “{ $got }”不是订阅源编号，编号形如 F3（见 /news sources）。
news-no-such-source = 没有订阅源 { $id }，见 /news sources。
news-config-source = { $id } 写在配置文件里，请在那里删除。
news-removed = 🗑 已删除 { $id }（{ $url }）及其 { $items } 条资讯。
news-sources = 订阅源（{ $count } 个）：
news-sources-none = 还没有订阅源。用 /news add 网址 [标签] 添加。
news-source-line = { $id } { $url } · { $lang } · 标签：{ $tags } · { $items } 条 · { $state }
news-state-new = 尚未抓取
news-state-ok = 正常
news-state-failing = 连续失败 { $failures } 次
news-state-dead = 已失效（连续失败 { $failures } 次）
news-dead-feed = ⚠️ 订阅源 { $id }（{ $url }）已连续失败 { $failures } 次。最近的错误：{ $error }。仍会降低频率继续尝试；可用 /news remove { $id } 删除。此提醒只发一次。

## 即时推送

news-watching = 👀 本群将即时收到含以下关键词的资讯：{ $keywords }（每小时最多 { $cap } 条）。
news-watch-group-only = 即时推送只在群里设置，请在群里发 /news watch。
news-watch-count = 请给出 1 到 { $max } 个关键词，例如 /news watch security release
news-bad-keyword = “{ $got }”作为关键词太长（最多 40 个字符）。
news-unwatched = 本群不再即时推送资讯。
news-unwatch-none = 本群本来就没有即时推送资讯。

## 状态

news-status = 资讯：{ $count } 个订阅源，抓取已开启。
news-status-nofetch = 资讯：{ $count } 个订阅源；本机器人没有运行抓取器，不会抓取。
news-status-line = { $id }：{ $state }；上次抓取 { $last }，下次 { $next }；最近错误：{ $error }
news-status-llm-off = 翻译：未开启（没有配置语言模型）。
news-status-llm = 翻译：已开启，模型 { $model }；今天已用 { $spent }/{ $budget } 个 token。
news-status-llm-problem = 最近一次翻译的问题（{ $at }）：{ $why }。在此期间资讯保持原文。

## 机器翻译

news-machine-translated = { $title }〔机器翻译，原文：{ $original }〕
