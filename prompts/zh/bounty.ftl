# 悬赏问答：提问（可带积分悬赏，托管在 escrow 账户）、回答、点赞、采纳、到期结算、加急悬赏。

cmd-ask = 提问，可带悬赏积分：/ask [积分] 问题
cmd-ask-urgent = 加急悬赏：更高的最低积分、更短的期限、排在最前，并私信提醒订阅者
cmd-answer = 回答问题（也可以直接回复问题那条消息）
cmd-upvote = 给一个回答点赞（每人每个回答一次，不能给自己）
cmd-accept = 采纳回答，悬赏积分归回答者（提问者；过期后版主可代为采纳）
cmd-questions = 未解决的问题：加急在前，再按悬赏积分排序
cmd-questions-mine = 我提出的问题
cmd-question = 查看一个问题及其回答
cmd-bounty-notify = 有加急悬赏时私信通知我：on 或 off
cmd-bounty-answers = 我的问题有新回答时私信通知我：on 或 off（默认 on）

## 提问

bounty-question-head =
    ❓ { $id } · { $tags } — { $name }
    { $question }
bounty-asked-how = 直接回复这条消息即可回答，或发送 `/answer { $id } 你的回答`。截止 { $until }。
bounty-tag-points = { $bounty } 积分
bounty-tag-free = 无悬赏
bounty-tag-urgent = 🔥加急
bounty-state-open = 进行中
bounty-state-accepted = 已采纳
bounty-state-expired = 已过期
bounty-ask-duplicate = 这条提问已经记录为 { $id }，不会重复扣积分。
bounty-group-only = 请在群里提问，这样大家都能看到并回答。
bounty-urgent-needs-amount = 加急悬赏需要写积分：`/ask urgent 积分 问题`。
bounty-amount-not-a-number = 「{ $amount }」不是有效的积分数，请写 { $min } 到 { $max } 之间的整数。
bounty-amount-not-positive = 悬赏积分必须大于 0（{ $min } 到 { $max }）。
bounty-amount-below-min = 悬赏至少 { $min } 积分。
bounty-amount-below-urgent-min = 加急悬赏至少 { $min } 积分。
bounty-amount-above-max = 悬赏最多 { $max } 积分。
bounty-empty-question = 请写上问题内容：`/ask [积分] 问题`。
bounty-empty-answer = 请写上回答内容。
bounty-too-long = 太长了：最多 { $max } 个字，你写了 { $count } 个。
bounty-too-many = 你已经有 { $open } 个进行中的悬赏，等其中一个结束后再发吧。
bounty-insufficient = 悬赏 { $bounty } 积分，但你只有 { $balance } 积分。

## 回答、点赞、采纳

bounty-unknown-question = 没有找到问题「{ $id }」。发送 `/questions` 查看进行中的问题。
bounty-unknown-answer = 没有找到回答「{ $id }」。回答编号形如 Q17-A2。
bounty-closed = { $id } 已经结束（{ $state }），不能再回答或采纳。
bounty-answered = ✍️ 回答 { $answer } 已记录。提问者采纳后积分归你。
bounty-answered-own = ✍️ 已记录为 { $answer }（自己的回答不能被采纳）。
bounty-voted = 👍 已为 { $answer } 点赞，现在 { $votes } 票。
bounty-unvoted = 已取消对 { $answer } 的点赞，现在 { $votes } 票。
bounty-vote-twice = 你已经给 { $answer } 点过赞了。
bounty-vote-none = 你没有给 { $answer } 点过赞。
bounty-vote-own = 不能给自己的回答 { $answer } 点赞。
bounty-vote-closed = { $answer } 所在的问题已经结束，不能再点赞。
bounty-accept-which = 要采纳哪个回答？回复那条回答发送 `/accept`，或发送 `/accept Q17-A2`。
bounty-accept-not-asker = 只有提问者才能采纳 { $id } 的回答。
bounty-accept-moderator-early = { $id } 的期限到 { $until } 才结束，之前只有提问者能采纳。
bounty-accept-own = { $answer } 是你自己的回答，不能采纳。
bounty-accepted = 🏆 采纳了 { $name } 的回答 { $answer }，{ $bounty } 积分已转给 { $name }。
bounty-accepted-free = 🏆 采纳了 { $name } 的回答 { $answer }。

## 列表

bounty-list-head = **进行中的问题**（共 { $count } 个，第 { $page }/{ $pages } 页）：
bounty-list-mine-head = **我的问题**（共 { $count } 个，第 { $page }/{ $pages } 页）：
bounty-list-line = { $id } · { $tags } · { $answers } 个回答 · { $age } — { $question }
bounty-list-none = 现在没有进行中的问题。发送 `/ask [积分] 问题` 来提问。
bounty-list-mine-none = 你还没有提过问题。
bounty-list-no-page = 没有这一页（共 { $pages } 页）。
bounty-age-minutes = { $n } 分钟前
bounty-age-hours = { $n } 小时前
bounty-age-days = { $n } 天前
bounty-no-answers = 还没有回答。回复提问消息，或发送 `/answer { $id } 你的回答`。
bounty-answers-head = { $count } 个回答：
bounty-answer-line = { $mark }{ $answer } · { $name } · 👍{ $votes } — { $text }
bounty-button-upvote = 👍 { $answer }
bounty-button-accept = ✅ 采纳 { $answer }

## 提醒

bounty-notify-on = 好的，有加急悬赏时会私信你。发送 `/bounty notify off` 关闭。
bounty-notify-off = 已关闭加急悬赏提醒。
bounty-answers-on = 好的，你的问题有新回答时会私信你（每个问题每 10 分钟最多一条）。
bounty-answers-off = 已关闭新回答提醒。
bounty-dm-urgent = 🔥 加急悬赏 { $id }（{ $bounty } 积分，{ $name }）：{ $question }
    在群里回复那条问题，或发送 `/answer { $id } 你的回答`。不想再收到：`/bounty notify off`。
bounty-dm-answers = 你的问题 { $id } 现在有 { $count } 个回答，最新的是 { $name } 的 { $answer }。发送 `/question { $id }` 查看，满意就 `/accept { $answer }`。

## 到期结算

bounty-expired-shared = ⌛ { $id } 到期未采纳：{ $paid } 积分给了得票最多的回答 { $answer }（{ $name }），{ $returned } 积分退还提问者。
bounty-expired-returned = ⌛ { $id } 到期，没有得票足够的回答：{ $returned } 积分退还提问者（手续费 { $fee }）。
bounty-expired-free = ⌛ { $id } 到期关闭。

## 摘要

digest-bounty-urgent = **加急悬赏**（{ $count } 个进行中）：
digest-bounty-urgent-line = { $id } · { $bounty } 积分 · { $answers } 个回答 — { $question }
digest-bounty-closed = **已结束的悬赏**（{ $count } 个）：
digest-bounty-closed-line = { $id } · { $bounty } 积分 · { $state } — { $question }
digest-bounty-top = **最佳回答者**：
digest-bounty-top-line = { $name } — 被采纳 { $accepted } 次，{ $points } 积分

# 积分记录中的名称：
points-kind-bounty_escrow = 悬赏托管
points-kind-bounty_award = 悬赏奖励
points-kind-bounty_return = 悬赏退还
points-kind-bounty_fee = 悬赏手续费
