# 核心命令：帮助、ping、whoami、语言，以及命令解析错误。

role-member = 成员
role-moderator = 版主
role-admin = 管理员

cmd-help = 显示命令列表，或某个命令的用法
cmd-ping = 检查机器人是否在线
cmd-whoami = 查看你的成员信息和已关联的账号
cmd-whereami = 这是哪个群、属于哪个社区，以及你的账号 id（群里版主可用，私聊都可用）
cmd-whois = 查看某位成员的资料和已关联的账号（版主）
cmd-lang = 查看或设置你的语言（zh / en / default）

help-header = **可用命令**（你的角色：{ $role }）
help-footer = 用 `/help 命令` 查看某个命令的详细用法。命令前缀可以是 `/` 或 `!`。
help-command =
    `{ $usage }` — { $summary }
    别名：{ $aliases }
    权限：{ $role }
help-no-such-command = 没有叫 { $name } 的命令。发送 `/help` 查看全部命令。

ping-pong = pong 🏓

whoami = **{ $name }** · 成员 #{ $id } · { $community }
    角色：{ $role }
    语言：{ $locale }
    加入于：{ $joined }
    已关联账号（{ $accounts }）：
whois-unknown = 还不认识 { $name }：TA 需要先在这里说过话。
whoami-locale-chosen = { $locale }（你自己设置的）
whois-locale-chosen = { $locale }（本人设置的）
whoami-locale-default = { $locale }（社区默认）

lang-current = 你现在的语言是 { $locale }。用 `/lang en` 或 `/lang zh` 切换，`/lang default` 恢复社区默认。
lang-set = 好的，以后用中文和你交流。
lang-reset = 已恢复社区默认语言（{ $locale }）。
lang-unknown = 不认识的语言“{ $got }”。可选：`zh`、`en`、`default`。

error-too-long = 消息太长了（超过 { $max } 个字符），没有当作命令处理。
error-permission = `{ $usage }` 需要{ $role }权限。
error-feature-off = 这个社区没有开启 `{ $usage }` 所属的功能。
error-internal = 抱歉，出了点问题，这次没办成。请稍后再试；如果一直这样，请告诉管理员。

# A mention of the bot with nothing else for it (`@jixia`, `@jixia 你好`).
greeting = 👋 我在。发送 `/help` 看看我能做什么。
error-unknown-command = 没有 /{ $name } 这个命令。发送 `/help` 查看全部命令。
error-unknown-command-suggest = 没有 /{ $name } 这个命令。你是不是想用 `/{ $suggestion }`？
error-needs-sub = `/{ $name }` 后面需要一个子命令：{ $subs }。
error-missing-arg =
    缺少参数「{ $arg }」。
    用法：`{ $usage }`
error-extra-arg =
    多余的参数“{ $got }”。有空格的内容请用引号括起来。
    用法：`{ $usage }`
error-bad-int =
    「{ $arg }」应该是 { $min } 到 { $max } 之间的整数，收到的是“{ $got }”。
    用法：`{ $usage }`
error-bad-choice =
    「{ $arg }」不能是“{ $got }”。
    用法：`{ $usage }`
error-bad-member =
    「{ $arg }」应该是 @某人，收到的是“{ $got }”。
    用法：`{ $usage }`
error-unclosed-quote =
    引号没有闭合。
    用法：`{ $usage }`

whereami =
    这里是{ $kind }：`{ $chat }`（{ $title }）
    所属社区：{ $community }
    你的账号：`{ $you }`
    要把这里列进配置，写进 `chats = [...]`；要让你当版主，把你的账号写进 `moderators = [...]`。
whereami-group = 群
whereami-private = 私聊
whereami-no-community = 不属于任何社区
whereami-moderators = 在群里只有{ $role }能用 `/whereami`；私聊机器人谁都可以用。

# Argument names in usage lines and errors (`/points grant @成员 数量 原因…`):
# `arg-` and the registry's name in lower case. A feature may add its own.
arg-answer = 答案
arg-code = 代码
arg-command = 命令
arg-cron = 时间表
arg-date = 日期
arg-id = 编号
arg-item = 商品
arg-keywords = 关键词
arg-lang = 语言
arg-member = 成员
arg-n = 数量
arg-option = 选项
arg-page = 页码
arg-period = 时段
arg-reason = 原因
arg-switch = 开关
arg-text = 内容
arg-token = 标记
arg-topic = 主题
arg-wording = 问法
arg-words = 搜索词
arg-changes = 修改
arg-format = 格式
arg-question = 问题
arg-zone = 时区
