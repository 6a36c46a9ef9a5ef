# 积分：余额、贡献、等级、头衔、排行榜、版主加减分。

cmd-points = 查看积分、贡献值、等级和排名（可 @某人）
cmd-points-history = 最近的积分变动（看别人的需要版主权限）
cmd-points-grant = 给成员加分，必须写原因（版主）
cmd-points-deduct = 给成员扣分，必须写原因（版主）
cmd-top = 贡献排行榜：本周、本月或总榜（每 5 秒刷新）

points-show = **{ $name }** · { $level } 级「{ $title }」
    可用积分：{ $balance } · 累计贡献：{ $contribution }
    本级进度：{ $into } / { $size }
    总榜排名：{ $rank ->
        [0] 暂无
       *[other] 第 { $rank } 名
    }
points-unknown-member = 还不认识 { $name }：TA 需要先在这里说过话。
points-history = **{ $name }** 最近 { $count } 条积分记录：
points-history-empty = { $name } 还没有积分记录。
points-history-others = 只有版主可以查看别人的积分记录。
points-reason-required = 请写明原因，例如 `/points grant @某人 50 分享了慢查询排查经验`。
points-granted = 已给 { $name } 加 { $amount } 分（{ $reason }），现在可用 { $balance } 分。
points-deducted = 已扣 { $name } { $amount } 分（{ $reason }），现在可用 { $balance } 分。
points-deduct-too-much = { $name } 只有 { $balance } 分，扣不了 { $amount } 分。
points-duplicate = 这条命令已经处理过了，没有重复记分。
points-level-up = 🎉 恭喜 **{ $name }** 升到 { $level } 级，获得头衔「{ $title }」！
points-level-up-same-title = 🎉 恭喜 **{ $name }** 升到 { $level } 级！

points-kind-activity = 发言
points-kind-thanks = 被感谢
points-kind-grant = 版主加分
points-kind-deduct = 版主扣分

points-period-week = 本周
points-period-month = 本月
points-period-all = 总榜
points-top = **贡献排行 · { $period }**
points-top-empty = { $period }还没有人获得贡献值。
points-top-you = 你排第 { $rank } 名（{ $points } 分）。
points-top-you-none = 你在这个榜上还没有贡献值，发言、签到、回答问题都能获得。

# 摘要里的一节：
digest-top = 最近 { $hours } 小时贡献榜：
digest-top-line = #{ $rank } { $name } — { $points } 分

# /stats 中积分的几行。
points-figure-minted = 发放的积分（奖励）
points-figure-spent = 花费的积分（商店、补签卡、悬赏）
