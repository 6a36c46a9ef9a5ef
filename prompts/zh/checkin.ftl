# 每日签到、连续签到、里程碑和补签卡。

cmd-checkin = 每日签到，连续签到有加成
cmd-checkin-makeup = 用积分买补签卡，补上最近漏签的一天

checkin-done = ✅ 签到成功！+{ $reward } 分，已连续 { $streak } 天，可用 { $balance } 分。再坚持 { $left } 天就到 { $next } 天里程碑。
checkin-done-no-milestone = ✅ 签到成功！+{ $reward } 分，已连续 { $streak } 天，可用 { $balance } 分。
checkin-already = 今天已经签到过了，已连续 { $streak } 天。明天再来！
checkin-milestone = 🏅 { $name } 连续签到 { $days } 天，额外奖励 { $reward } 分！
checkin-makeup-bad-date = “{ $got }”不是日期。请用 `/checkin makeup 2026-12-01` 这样的格式。
checkin-makeup-not-past = 只能补签过去的日子，{ $date } 还没过去。今天请直接 `/checkin`。
checkin-makeup-too-old = { $date } 太久了：补签卡只能补最近 { $days } 天。
checkin-makeup-already = { $date } 已经签到过了，不用补签。
checkin-makeup-limit = 这个月的补签卡已经用完了（每月 { $limit } 张）。
checkin-makeup-insufficient = 补签卡要 { $price } 分，你现在只有 { $balance } 分。
checkin-makeup-done = ✅ 已补签 { $date }：花费 { $price } 分，获得 { $reward } 分，现在连续 { $streak } 天，可用 { $balance } 分。本月还能补签 { $left } 次。

# 积分记录里的名称：
points-kind-checkin = 签到
points-kind-milestone = 连续签到奖励
points-kind-makeup = 补签卡

# 摘要里的一节：
digest-streaks = 连续签到榜：
digest-streak-line = { $name } — 连续 { $days } 天

# /stats 中签到的几行。
checkin-figure-checkins = 签到次数
checkin-figure-habit = 最近 7 天签到 3 天以上的成员（占签到成员）
