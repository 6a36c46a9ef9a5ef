# 群聊摘要：版主为某个群开启后，当天的消息由语言模型摘要，放进每日摘要（digest）；私聊永远不会被摘要。

cmd-summary-on = 本群开启群聊摘要并在群里公告；可给本群起个名字（版主）
cmd-summary-off = 本群关闭群聊摘要，已保存的消息立即删除（版主）
cmd-summary-status = 本群是否被摘要、保存了多少消息、语言模型的状态

arg-name = 名字

summary-announce =
    📣 公告：{ $by } 开启了本群（{ $name }）的群聊摘要。从现在起，本群消息的文字会被保存，由语言模型总结后放进每日摘要，并标明为机器摘要。
    只保存文字，每天最多 { $cap } 条，{ $days } 天后删除；私聊不会被保存。版主可随时用 /summary off 关闭并删除已保存的消息。
summary-already-on = 本群已经开启了群聊摘要。/summary status 可查看状态，/summary off 可关闭。
summary-off = 已关闭本群的群聊摘要，已保存的消息已删除。
summary-off-none = 本群本来就没有开启群聊摘要。
summary-group-only = 群聊摘要只能在群里开启或关闭；私聊永远不会被摘要。
summary-no-model = 没有配置语言模型（[llm]），无法开启群聊摘要。
summary-name-too-long = 名字太长了，最多 { $max } 个字。

summary-status-on = 本群（{ $name }）已开启群聊摘要（{ $at } 起）；今天已保存 { $kept }/{ $cap } 条消息。
summary-status-off = 本群没有开启群聊摘要，消息不会被保存。
summary-status-direct = 私聊永远不会被摘要。
summary-status-no-model = 语言模型：未配置，不会生成摘要。
summary-status-model = 语言模型：{ $model }；本社区今天已用 { $spent }/{ $budget } 个 token。
summary-status-problem = 最近一次摘要的问题（{ $at }）：{ $why }。在此期间摘要中没有群聊摘要。

summary-digest = 🗒 群聊摘要〔机器摘要 · { $model }〕：以下由语言模型根据消息自动生成，未经人工审核。
summary-digest-chat = { $name }（{ $count } 条消息）：
