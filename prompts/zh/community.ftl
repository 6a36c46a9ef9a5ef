# 哪些群属于社区：社区管理员用一次性代码把新群加入社区。

cmd-community-code = 获取把新群加入本社区的一次性代码（私信发送，管理员）
cmd-community-add = 在新群里发送，用管理员的代码把这个群加入社区
cmd-community-remove = 让这个登记过的群离开社区（管理员）
cmd-community-chats = 列出本社区的群：配置里的和登记的（管理员）

community-code =
    把群加入「{ $community }」的代码：**{ $code }**（{ $minutes } 分钟内有效，只能用一次）
    把机器人拉进新群后，由你本人在群里发送 `/community add { $code }`。
community-code-sent = 代码已私信发给你。如果没收到，先私聊机器人一次再试。
community-unknown-chat = 这个群还不属于任何社区，机器人在这里不做任何事。要加入社区：社区管理员私聊机器人发送 `/community code` 取得代码，再在本群发送 `/community add 代码`；或者运维把 `{ $chat }` 写进配置的 `chats`。
community-bad-code = “{ $code }”不像加群代码：代码是 6 位字母和数字。请社区管理员发送 `/community code` 取得新的代码。
community-unknown-code = 代码 { $code } 不存在、已用过或已过期。请社区管理员发送 `/community code` 取得新的代码。
community-too-many-codes = 错误的代码太多了，请 { $minutes } 分钟后再试。
community-code-not-yours = 这个代码只能由申请它的管理员本人（或与其关联的账号）使用。
community-added = ✅ 本群已加入「{ $community }」。积分、签到和其他功能现在都可以用了。
community-add-already = 本群已经属于「{ $community }」。
community-group-only = 这个命令只能在群里用。
community-remove-listed = 本群（{ $chat }）写在配置里，要让它离开社区，请运维修改配置。
community-remove-not-registered = 本群不是用代码登记的，不能这样移出。
community-removed = 本群已离开「{ $community }」。
community-chats = 「{ $community }」的群（{ $count } 个）：
community-chat-listed = { $chat }（配置）
community-chat-registered = { $chat }（{ $at } 由成员 #{ $by } 登记）
