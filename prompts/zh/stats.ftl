# 社区数据：成员、活跃、消息、提问，以及各功能各自统计的数字，供管理员查看。

cmd-stats = 社区最近一周或一个月的数据，并与上一周期对比（管理员）

# $days：周期天数；$from、$to：首日和末日（MM-DD）。
stats-title = **📊 最近 { $days } 天**（{ $from } – { $to }；括号内为与前 { $days } 天相比的变化）
stats-digest = **📊 本周数据**（括号内为与上周相比的变化）

stats-members-total = 成员总数
stats-members-new = 新成员
stats-members-linked = 跨平台关联的成员
stats-active = 活跃成员（至少发言一次）
stats-active-week = 周活跃（最近 7 天）
stats-active-month = 月活跃（最近 30 天）
stats-messages = 消息数
# $detail：平台（telegram、discord…）。
stats-messages-platform = { $detail } 上的消息
# $detail：聊天，形如 平台:编号。
stats-messages-chat = { $detail } 中的消息
stats-questions = 提问数
stats-questions-answered = 24 小时内有其他成员回复的提问
stats-first-reply = 首次回复时间（中位数）
