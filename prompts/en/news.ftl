# News: RSS and Atom sources (moderators), the latest items (/news), chats watching for keywords, the digest section, dead-feed notices.

cmd-news = The latest news from the community's feeds, paged; give a tag to see only those sources
cmd-news-add = Add a feed: /news add URL [tags] [lang=en] [include=a,b] [exclude=c] (moderators)
cmd-news-remove = Remove a feed and its items (moderators)
cmd-news-sources = The community's feeds and how they are doing (moderators)
cmd-news-watch = Post news mentioning these words in this chat as it arrives, a few an hour (moderators)
cmd-news-unwatch = Stop posting news in this chat as it arrives (moderators)
cmd-news-status = Why feeds are or are not being fetched (moderators)

arg-url = URL
arg-tag = TAG
arg-tags = TAGS

## Reading

news-list = 📰 News: { $count ->
        [one] one item
       *[other] { $count } items
    }, page { $page } of { $pages }
news-list-tag = 📰 News tagged { $tag }: { $count ->
        [one] one item
       *[other] { $count } items
    }, page { $page } of { $pages }
news-list-more = More: /news { $next }
news-list-empty = No news yet. Moderators add feeds with /news add URL.
news-list-empty-tag = No news tagged { $tag }. Tags in use: { $tags }
news-page-beyond = There { $pages ->
        [one] is only one page
       *[other] are only { $pages } pages
    }.
news-bad-page = "{ $got }" is not a page number; try /news 2.
news-line = { $title } ({ $source }, { $date }) { $link }
news-line-nolink = { $title } ({ $source }, { $date })
news-item-body =
    { $summary }
    { $source } · { $date } · { $link }
news-item-body-nolink =
    { $summary }
    { $source } · { $date }
news-watch-post = 📰 { $title }
news-digest = 📰 News: { $count ->
        [one] one new item
       *[other] { $count } new items
    }

## Sources

news-added = ✅ Added { $id }: { $url } (language { $lang }, tags: { $tags }). Its first items arrive shortly; see /news.
news-added-nofetch = ✅ Added { $id }: { $url } (language { $lang }, tags: { $tags }). This bot has no feed fetcher running, so it is not fetched yet.
news-duplicate = { $url } is already source { $id }.
news-full = This community has { $max } feeds already; remove one with /news remove ID first.
news-bad-url = "{ $got }" is not a feed URL. Give an http:// or https:// address without a user name, like https://planet.postgresql.org/rss20.xml
news-private-url = The address "{ $got }" is on this machine or a private network, so it cannot be a feed (the operator can set allow_private = true in the config).
news-bad-lang = "{ $got }" is not a language code; write lang=en, lang=zh…
news-bad-tag = "{ $got }" is not a tag: letters, digits, - and _ only, up to 30 characters.
news-bad-id = "{ $got }" is not a feed id; they look like F3 (see /news sources).
news-no-such-source = There is no feed { $id }; see /news sources.
news-config-source = { $id } is set in the configuration file; remove it there.
news-removed = 🗑 Removed { $id } ({ $url }) and its { $items ->
        [one] one item
       *[other] { $items } items
    }.
news-sources = Feeds ({ $count }):
news-sources-none = No feeds yet. Add one with /news add URL [tags].
news-source-line = { $id } { $url } · { $lang } · tags: { $tags } · { $items ->
        [one] one item
       *[other] { $items } items
    } · { $state }
news-state-new = not fetched yet
news-state-ok = fine
news-state-failing = failing ({ $failures ->
        [one] once
       *[other] { $failures } times in a row
    })
news-state-dead = dead ({ $failures ->
        [one] one failure
       *[other] { $failures } failures in a row
    })
news-dead-feed = ⚠️ Feed { $id } ({ $url }) has failed { $failures ->
        [one] once
       *[other] { $failures } times in a row
    }. Last error: { $error }. It is still tried, less often; remove it with /news remove { $id }. You are told once.

## Watching

news-watching = 👀 This chat now gets news mentioning: { $keywords } (at most { $cap } an hour).
news-watch-group-only = News is watched in group chats; say /news watch there.
news-watch-count = Give between 1 and { $max } keywords, like /news watch security release
news-bad-keyword = "{ $got }" is too long for a keyword (40 characters at most).
news-unwatched = This chat no longer gets news as it arrives.
news-unwatch-none = This chat was not watching for news.

## Status

news-status = News: { $count ->
        [one] one feed
       *[other] { $count } feeds
    }; fetching is on.
news-status-nofetch = News: { $count ->
        [one] one feed
       *[other] { $count } feeds
    }; this bot has no feed fetcher running, so nothing is fetched.
news-status-line = { $id }: { $state }; last fetch { $last }, next { $next }; last error: { $error }
news-status-llm-off = Translation: off (no language model configured).
news-status-llm = Translation: on, model { $model }; { $spent } of { $budget } tokens spent today.
news-status-llm-problem = Latest translation problem ({ $at }): { $why }. Items stay untranslated meanwhile.

## Machine translation

news-machine-translated = { $title } [machine-translated from: { $original }]
