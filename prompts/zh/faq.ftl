# FAQ 重定向：常见问题条目、自动指路、版主手动指路、反馈和缺口。

cmd-faq = 查看常见问题：条目 ID、标签或页码；回复别人的消息发送 /faq 编号 即为指路
cmd-faq-search = 在常见问题里搜索
cmd-faq-add = 新增条目：ID 后第一行是问题，下面几行是答案（版主）
cmd-faq-edit = 修改条目的问题和答案，格式同 /faq add（版主）
cmd-faq-alias = 给条目加一种问法（版主）
cmd-faq-synonym = 加一组同义词（版主）：/faq synonym 自增 = serial = identity，匹配问题时视为同一个词
cmd-faq-unsynonym = 删掉本社区加的同义词（版主）：/faq unsynonym 瘦身 删掉含这个词的组，或写出整组
cmd-faq-synonyms = 看本社区加的同义词（可翻页：/faq synonyms 2）
cmd-faq-remove = 删除条目（版主）
cmd-faq-gaps = 反复有人问、常见问题里却没有的问题（版主）
cmd-faq-propose = 把一个已采纳回答的悬赏问题提议收入常见问题（提问者、回答者或版主）
cmd-faq-draft = 请语言模型根据反复出现的问题（G3）或已采纳的回答（Q17）起草条目，进入待审队列（版主）
cmd-faq-proposals = 等待审核的常见问题提议（版主）
cmd-faq-approve = 通过提议：问题和已采纳的回答成为常见问题条目，可指定条目 ID（版主）
cmd-faq-reject = 驳回提议，可写原因（版主）

faq-redirect =
    这个问题常见问题里有答案 👉 **{ $question }**
    { $answer }
faq-link = 详见：{ $link }
faq-redirect-hint = （FAQ { $id }：发送 `/faq { $id }` 看全文；没帮上忙请回复「没用」）
faq-entry = **{ $question }**（{ $id }）
    { $answer }
    标签：{ $tags } · 其他问法 { $aliases } 种 · 被查看 { $hits } 次 · 👍 { $helpful } · 👎 { $unhelpful }
faq-learned = 已把“{ $wording }”记为 { $id } 的一种问法，以后有人这样问会自动指路。
faq-unknown = 没有 ID 为 { $id } 的条目，也没有这个标签。发送 `/faq` 查看全部条目，或用 `/faq search 关键词` 搜索。
faq-no-page = 条目 { $id } 只有一页，不用写页码。
faq-empty = 常见问题还是空的。版主可以用 `/faq add 编号 问题⏎答案` 添加，或用 `jixia faq import` 导入。
faq-no-such-page = 没有第 { $page } 页，一共 { $pages } 页。
faq-list = **常见问题**（共 { $count } 条）
faq-list-tag = **常见问题 · { $tag }**（共 { $count } 条）
faq-list-footer = 第 { $page }/{ $pages } 页 · 标签：{ $tags }。发送 `/faq 编号` 看全文，`/faq 标签 页码` 翻页。
faq-search = 和“{ $words }”最接近的条目：
faq-search-none = 没找到和“{ $words }”有关的条目。换个说法试试，或请版主补充。
faq-no-question = 缺少问题：ID 后面第一行写问题，下面几行写答案。
faq-no-answer = 缺少答案：第一行是问题，请在下面另起一行写答案。
faq-too-long = 太长了：问题最多 { $question } 字，答案最多 { $answer } 字。
faq-bad-id = “{ $id }”不能做条目 ID：请用小写字母、数字和 - . _（例如 vacuum-full），且不能是子命令名。
faq-duplicate = 已经有 ID 为 { $id } 的条目了。修改请用 `/faq edit { $id }`。
faq-added = 已添加 { $id }：{ $question }
faq-edited = 已修改 { $id }：{ $question }
faq-alias-exists = { $id } 已经有这种问法了。
faq-alias-added = 已给 { $id } 加上问法：{ $wording }
arg-terms = 词 = 词…
faq-synonym-added = 已加同义词：{ $terms }。以后匹配问题时它们算同一个词。
faq-synonym-exists = 已经有这一组了：{ $terms }
faq-synonym-too-few = 至少要两个词，用 = 隔开，比如 `/faq synonym 自增 = serial`。
faq-synonym-too-many = 一组最多 { $max } 个词。
faq-synonym-mixed = 「{ $term }」里中文和英文混在一起了，请分开写成两个词（用 = 隔开）。
faq-synonym-empty = 「{ $term }」只有虚词或标点，匹配不到什么，换个实在的词。
faq-synonym-too-long = 「{ $term }」太长了，每个词最多 { $max } 个字。
faq-synonym-full = 本社区的同义词已经有 { $max } 组了，加不下了。
faq-synonyms-none = 本社区还没有自己加的同义词（内置 { $builtin } 组）。版主可以用 `/faq synonym 词 = 词` 来加。
faq-synonyms = **本社区的同义词**（{ $count } 组，另有内置 { $builtin } 组）：
faq-synonyms-footer = 第 { $page }/{ $pages } 页。发送 `/faq synonyms 页码` 翻页。
faq-unsynonym-removed = 已删掉 { $count } 组同义词（「{ $term }」），马上生效：
faq-unsynonym-none = 本社区加的同义词里没有「{ $term }」。发送 `/faq synonyms` 看有哪些。
faq-unsynonym-builtin = 「{ $term }」在内置词表里，不是本社区加的，删不掉。如果它让匹配出错，请告诉维护者。
faq-removed = 已删除 { $id }。
faq-gaps-none = 最近 { $days } 天没有反复出现却没有答案的问题。
faq-gaps = 最近 { $days } 天反复有人问、常见问题里还没有的（{ $count } 组），可以考虑加成条目：
faq-feedback-noted = 收到，抱歉没帮上忙。已记下（{ $id }），版主会看看；也可以等其他成员回答。

## 从悬赏回答到常见问题

arg-entry = 条目编号
faq-propose-no-bounty = 这个社区没有开启悬赏问答，没有可以提议的回答。
faq-propose-unknown = 没有找到问题「{ $id }」。问题编号形如 Q17，发送 `/questions` 查看。
faq-propose-not-accepted = { $id } 还没有被采纳的回答。提问者采纳一个回答后才能提议收入常见问题。
faq-propose-not-yours = 只有 { $id } 的提问者、被采纳的回答者或版主可以提议收入常见问题。可以请他们来提。
faq-propose-pending = { $id } 已经提议过了，正在等版主审核。
faq-propose-in-faq = { $id } 已经在常见问题里了：`/faq { $entry }`。
faq-propose-rejected = { $id } 之前提议过，版主没有收入。
faq-propose-rejected-why = { $id } 之前提议过，版主没有收入，原因：{ $reason }
faq-propose-too-long = { $id } 太长，放不进常见问题（问题最多 { $question } 字，答案最多 { $answer } 字）。可以请版主用 `/faq add` 写一个精简版。
faq-proposed = 📥 已提议把 { $id } 和采纳的回答 { $answer } 收入常见问题，等版主审核，结果会私信告诉你。
    「{ $question }」
faq-proposals-none = 没有等待审核的常见问题提议。
faq-proposals = **等待审核的常见问题提议**（共 { $count } 个）：
faq-proposals-line = { $id } · { $name } 提议 — { $question } ⮕ { $answer_id }（{ $answerer }）：{ $answer }
faq-proposals-more = 还有 { $count } 个没列出，先处理上面的吧。
faq-proposals-how = 发送 `/faq approve 编号` 收入（可在后面加条目编号），或 `/faq reject 编号 原因` 驳回。
faq-proposal-unknown = 没有「{ $id }」的提议。发送 `/faq proposals` 查看等待审核的提议。
faq-proposal-approved-before = { $id } 已经通过了，条目是 `/faq { $entry }`。
faq-proposal-rejected-before = { $id } 已经被驳回了。
faq-proposal-entry-taken = 已经有编号为 { $entry } 的条目了。换一个：`/faq approve { $id } 新编号`。
faq-proposal-approved = ✅ 已把 { $id } 收入常见问题，条目 `/faq { $entry }`。以后有人这样问会自动指路：
    「{ $question }」
faq-proposal-rejected = 已驳回 { $id }。
faq-proposal-rejected-why = 已驳回 { $id }，原因：{ $reason }
faq-dm-approved = ✅ 你提议的 { $id } 已收入常见问题（`/faq { $entry }`），以后有人问同样的问题会被指到这里。谢谢！
faq-dm-rejected = 你提议的 { $id } 这次没有收入常见问题。
faq-dm-rejected-why = 你提议的 { $id } 这次没有收入常见问题，原因：{ $reason }

# 摘要里的一节：
digest-faq-new = 新增 FAQ（{ $count } 条）：
digest-faq-line = { $id }：{ $question }
digest-faq-top = 最常被引用的 FAQ：
digest-faq-top-line = { $id }：{ $question }（{ $times } 次）

# /stats 中 FAQ 的几行。
faq-figure-redirects = FAQ 自动引导
faq-figure-unhelpful = 被标记为没用的引导（👎 或“没用”）
faq-figure-deflection = FAQ 解答的提问（引导后未被标记没用）

## 机器起草

arg-from = 来源
faq-gaps-draft = 发送 `/faq draft G1` 可请语言模型起草这一组的条目，审核后再收入。
faq-proposals-line-drafted = { $id } 〔机器起草 · { $model }〕{ $name } 请求，来自 { $answer_id } — { $question }：{ $answer }
faq-drafted =
    🤖 { $id } 〔机器起草 · { $model }〕来自 { $from }，已放进待审队列，未经审核不会收入：
    问：{ $question }
    答：{ $answer }
    请核对后发送 `/faq approve { $id }` 收入，或 `/faq reject { $id } 原因` 驳回。
faq-draft-bad = “{ $got }”不是可以起草的来源：用 `/faq gaps` 里的 G1、G2…，或已采纳回答的悬赏问题 Q17。
faq-draft-no-gap = 没有 { $id }：最近只有 { $count } 组反复出现的问题，发送 `/faq gaps` 查看。
faq-draft-no-model = 没有配置语言模型（[llm]），无法起草。
faq-draft-budget = 本社区今天的 token 预算已用完（{ $spent }/{ $budget }），明天再起草吧。
faq-draft-failed = 语言模型没有写出草稿（{ $why }），稍后再试。
faq-draft-unreadable = 语言模型的回答不是“问/答”的格式，没有存下。可以再试一次。
