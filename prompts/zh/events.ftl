# 活动报名：线下沙龙与线上分享，名额与候补、提醒、日历文件、到场签到得积分。

cmd-events = 近期活动
cmd-event = 查看一个活动（加 ics 得到日历文件）
cmd-event-create = 发起活动（版主和组织者）
cmd-event-edit = 修改活动，已报名的成员会收到私信（版主和组织者）
cmd-event-cancel = 取消活动，已报名的成员会收到私信（版主和组织者）
cmd-event-code = 开启到场签到码（版主和组织者）
cmd-event-attendees = 报名名单：已报名、候补、到场（版主和组织者）
cmd-join = 报名参加活动
cmd-leave = 取消报名
cmd-attend = 用签到码登记到场，获得积分
cmd-remind = 开关活动提醒私信
cmd-timezone = 设置你看活动时间用的时区

points-kind-event = 活动到场

## 时间

events-local = { $date } { $weekday ->
    [1] 周一
    [2] 周二
    [3] 周三
    [4] 周四
    [5] 周五
    [6] 周六
   *[7] 周日
} { $time }
events-days = { $n } 天
events-hours = { $n } 小时
events-minutes = { $n } 分钟

## 活动

events-online = 线上：{ $link }
events-place-unknown = 地点待定
events-seats = 已报名 { $going }/{ $capacity }{ $waiting ->
    [0] {""}
   *[other] ，候补 { $waiting } 人
}
events-seats-open = 已报名 { $going } 人（不限名额）
events-line = { $id }「{ $title }」{ $start } · { $place } · { $seats }
events-card =
    📅 { $id }「{ $title }」
    时间：{ $start }
    地点：{ $place }
    名额：{ $seats }
events-card-end = 结束：{ $end }
events-card-deadline = 报名截止：{ $deadline }
events-card-level = 需要等级 { $level } 以上
events-card-roles = 仅限这些角色报名：{ $roles }（版主和组织者也可以）
events-card-cancelled = ❌ 这个活动已取消。
events-card-started = 活动已开始。
events-card-closed = 报名已截止。
events-card-how = 报名：/join { $id }　取消：/leave { $id }　日历文件：/event { $id } ics
events-button-join = 报名
events-button-leave = 取消报名

events-field-title = 标题
events-field-start = 时间
events-field-end = 结束
events-field-tz = 时区
events-field-where = 地点
events-field-link = 链接
events-field-capacity = 名额
events-field-deadline = 报名截止
events-field-description = 描述
events-field-level = 等级
events-field-roles = 角色

## 日期

events-when-unparsed = { $field }“{ $typed }”看不懂：不认识“{ $piece }”。
events-when-no-such-date = { $field }“{ $typed }”：没有“{ $piece }”这一天。
events-when-no-such-time = { $field }“{ $typed }”：没有“{ $piece }”这个时刻。
events-when-no-date = { $field }“{ $typed }”只有时刻，请写上哪一天。
events-when-no-time = { $field }“{ $typed }”只有日期，请写上几点。
events-when-twice = { $field }“{ $typed }”写了两个日期或两个时刻。
events-when-ambiguous = { $field }“{ $typed }”有不止一种理解，请写清楚是哪一个：
events-when-skipped = { $field }“{ $typed }”我理解为 { $read }，但这个时区在那天因夏令时跳过了这个时刻。
events-when-repeated = { $field }“{ $typed }”我理解为 { $read }，但这个时区在那天因夏令时会出现两次这个时刻，请换一个时刻。
events-when-past = { $field }“{ $typed }”我理解为 { $read }，已经过去了。
events-when-forms =
    可以这样写时间：
    2026-12-12 14:00 ｜ 12月12日 14:00 ｜ 12月12日下午2点 ｜ 明天 19:30 ｜ 下周六 14:00
    tomorrow 19:30 ｜ next Saturday 2pm ｜ 周六 下午两点半
    “2点”这样不带上午/下午的 1–11 点会被拒绝；“下周六”指下一个自然周（周一开始）的周六。

## 发起与修改

events-not-organiser = 只有版主和组织者可以发起或管理活动。
events-bad-id = “{ $got }”不是活动编号，活动编号像 E12 这样。
events-no-such-event = 没有 { $id } 这个活动。
events-create-help = 发起活动：一行写完，或者逐行写“项: 值”。例如：
    /event create "PG 沙龙·杭州" 2026-12-12 14:00 capacity=40 where="杭州市西湖区"
    或者：
    /event create
    标题: PG 沙龙·杭州
    时间: 12月12日下午2点
    结束: 17:00
    地点: 杭州市西湖区
    名额: 40
    描述: 三个主题分享
events-form-keys = 可用的项：标题、时间、结束、时区（如 Asia/Shanghai）、地点（线下）或链接（线上）、名额、报名截止、描述（可写多行）、等级（需要的最低等级）、角色（只让这些角色报名，多个用逗号隔开）。一行写法用 英文名=值，如 capacity=40 where="…" link=… end=17:00 deadline="12月11日 20:00"。
events-create-problem = 活动没有发起：
events-edit-problem = { $id } 没有修改：
events-form-unknown-key = 不认识“{ $key }”这一项。
events-form-twice = “{ $key }”写了两次。
events-form-stray = “{ $line }”不是“项: 值”或“项=值”。
events-form-unclosed = 有一个引号没有闭合。
events-form-missing = 缺少{ $field }。
events-form-too-long = { $field }太长了，最多 { $max } 个字。
events-form-end-before-start = 结束时间要晚于开始时间。
events-form-deadline-after-start = 报名截止不能晚于开始时间。
events-form-both-places = 地点和链接只能写一个：线下写地点，线上写链接。
events-form-capacity = 名额“{ $got }”不对：要写 1 到 { $max } 之间的整数（不限名额就不写）。
events-form-level = 等级“{ $got }”不对：要写 0 到 { $max } 之间的整数。
events-form-role = 不认识角色“{ $got }”。本社区的角色有：{ $known }。
events-form-no-roles = 不认识角色“{ $got }”：本社区没有配置角色（配置文件里的 communities.社区.roles），不能按角色限制报名。
events-form-tz = 不认识时区“{ $got }”，请写 Asia/Shanghai、Europe/Berlin 这样的名字。
events-created = ✅ 已发起 { $id }「{ $title }」。
events-create-duplicate = 这条消息已经发起过活动了：{ $id }。
events-edited = 📝 已修改 { $id }「{ $title }」，已报名的成员会收到私信。
events-cancelled = { $id }「{ $title }」已经取消了。
events-cancel-done = ❌ 已取消 { $id }「{ $title }」，已私信通知 { $count } 位报名的成员。
events-ics = 📎 { $id }「{ $title }」的日历文件：

## 列表

events-list-empty = 近期没有活动。
events-list = 近期活动（共 { $count } 个）：
events-list-footer = { $pages ->
    [1] {""}
   *[other] 第 { $page }/{ $pages } 页，翻页：/events 页码。
}详情：/event 编号　报名：/join 编号
events-no-such-page = 没有第 { $page } 页，近期活动一共 { $pages } 页。
events-button-next = 下一页

## 报名

events-joined = ✅ 你已报名 { $id }「{ $title }」，{ $start }，{ $place }。开始前会私信提醒你（/remind off 可关闭）。
events-waitlisted = ⏳ { $id }「{ $title }」名额已满，你在候补第 { $place } 位；有人取消时会按顺序递补，并私信告诉你。
events-join-already = 你已经{ $going ->
    [1] 报名了
   *[0] 在候补名单上了
} { $id }「{ $title }」。
events-join-closed = { $id }「{ $title }」的报名已于 { $deadline } 截止。
events-join-role = { $id }「{ $title }」只限这些角色报名：{ $roles }。
events-join-role-in-group = { $id }「{ $title }」只限这些角色报名：{ $roles }。平台上的身份组（如 Discord 身份组）只在社区的群和频道里才认得出，请在那里报名。
events-join-level = { $id }「{ $title }」需要等级 { $level } 以上才能报名，你现在是 { $yours } 级。
events-left = 已取消 { $id }「{ $title }」的报名。
events-leave-not-signed-up = 你没有报名 { $id }「{ $title }」。

## 私信

events-dm-promoted = 🎉 { $id }「{ $title }」有人取消，你已从候补转为正式报名！时间：{ $start }，地点：{ $place }。不能来请发 /leave { $id }。
events-dm-edited = 📝 你报名的 { $id }「{ $title }」有更新：时间 { $start }，地点 { $place }。
events-dm-cancelled = ❌ 你报名的 { $id }「{ $title }」（{ $start }）已取消。
events-dm-footer = 详情：/event { $id }
events-dm-reminder = ⏰ 提醒：{ $id }「{ $title }」还有 { $left } 开始，时间 { $start }，地点 { $place }。
events-dm-reminder-footer = 不能来请发 /leave { $id }，把名额让给候补的人。

## 签到

events-code = 🔑 { $id }「{ $title }」的签到码：{ $code }，有效至 { $until }。到场的成员发送 /attend { $code } 登记。
events-attended-paid = ✅ 已登记到场 { $id }「{ $title }」，获得 { $points } 积分，余额 { $balance }。
events-attended = ✅ 已登记到场 { $id }「{ $title }」。
events-attend-already = 你已经登记过 { $id }「{ $title }」的到场了。
events-attend-bad-code = 签到码“{ $code }”不对或已过期。
events-attend-too-many = 签到码错了太多次，请 { $minutes } 分钟后再试；签到码请向现场的组织者确认。
events-attendees = 👥 { $id }「{ $title }」：{ $seats }，到场 { $present } 人
events-attendees-going = 已报名（{ $count }）：
events-attendees-waitlist = 候补（{ $count }）：
events-attendees-walkin = 未报名到场（{ $count }）：
events-attendee = { $n }. { $name }{ $present ->
    [1] ✅到场
   *[0] {""}
}{ $missed ->
    [0] {""}
   *[other] （此前缺席 { $missed } 次）
}

## 设置

events-remind-on = 🔔 已开启活动提醒私信。
events-remind-off = 🔕 已关闭活动提醒私信，/remind on 可重新开启。
events-remind-is-on = 活动提醒私信是开着的（/remind off 关闭）。
events-remind-is-off = 活动提醒私信是关着的（/remind on 开启）。
events-tz-is = 你看活动时间用的时区是 { $tz }（/timezone off 恢复为每个活动自己的时区）。
events-tz-none = 你没有设置时区，活动时间按活动自己的时区显示（社区默认 { $tz }）。设置：/timezone Europe/Berlin
events-tz-bad = 不认识时区“{ $got }”，请写 Asia/Shanghai、Europe/Berlin 这样的名字。
events-tz-set = 🕐 以后活动时间按 { $tz } 显示给你。
events-tz-cleared = 已清除你的时区，活动时间按活动自己的时区显示（社区默认 { $tz }）。

## 摘要

events-digest = 📅 未来 { $days } 天的活动：
