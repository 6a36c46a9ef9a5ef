# 跨平台关联账号。

cmd-link = 关联你在其他平台的账号：不带参数获取代码，带代码完成关联

link-code =
    你的关联代码：**{ $code }**（{ $minutes } 分钟内有效，只能用一次）
    在另一个平台（Telegram / Discord）对机器人发送 `/link { $code }`，两个账号就会合并为同一个成员：积分、签到和记录都合在一起。
link-code-sent = 关联代码已私信发给你。如果没收到，请先私聊机器人一次再试。
link-bad-code = “{ $code }”不是关联代码的格式。代码是 6 位字母和数字，先在另一个平台发送 `/link` 获取。
link-done = 关联成功！现在你是成员 #{ $id }，共 { $count } 个账号：{ $accounts }。
link-own-code = 这是你自己的代码，这个账号已经关联好了。请在另一个平台的账号上使用它。
link-unknown-code = 代码 { $code } 不存在或已经用过。在另一个平台发送 `/link` 获取新代码。
link-expired-code = 这个代码已过期（有效期 { $minutes } 分钟）。请重新发送 `/link` 获取新代码。
link-too-many-codes = 错误的代码试得太多了，请 { $minutes } 分钟后再试。
