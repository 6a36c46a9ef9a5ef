# 社区摘要：定时发到群里的近期动态（贡献榜、连续签到……）。

cmd-digest-schedule = 设置本群摘要的发送时间，cron 格式，如 "0 9 * * *"（版主）
cmd-digest-off = 关闭本群的定时摘要（版主）
cmd-digest-preview = 现在生成一份摘要，私信发给你（版主）
cmd-digest-now = 现在就把摘要发到本群（版主）
cmd-digest-status = 查看本群的摘要时间表

digest-title = **📰 { $community } · 摘要** · { $date }
# When the community has no name of its own in the config.
digest-title-unnamed = **📰 社区摘要** · { $date }

digest-scheduled = ✅ 已设置摘要：`{ $expr }`（{ $tz }），下一次在 { $next }。
digest-bad-cron = 看不懂这个时间表：“{ $got }”。请用五段 cron：分 时 日 月 周，例如 `/digest schedule "0 9 * * *"`（每天 9:00）或 `"0 9 * * MON"`（每周一 9:00）。
digest-never = 时间表 `{ $expr }` 以后不会再触发，请换一个。
digest-off = 已关闭本群的定时摘要。
digest-off-none = 本群没有设置定时摘要。
digest-status = 本群摘要时间表：`{ $expr }`（{ $tz }），下一次在 { $next }。
digest-status-none = 本群没有设置定时摘要。版主可以用 `/digest schedule "0 9 * * *"` 设置。
digest-empty = 最近没有可写进摘要的内容。
digest-preview-sent = 摘要预览已私信发给你。
digest-group-only = 摘要只能在群里设置和发送。
