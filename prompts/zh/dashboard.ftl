# 管理员网页后台：/dashboard 私信一次性登录链接；后台各页面的文字。

cmd-dashboard = 获取网页后台的一次性登录链接（私信发送，10 分钟内有效，管理员）

# $url：登录链接；$minutes：有效分钟数；$community：社区名称。
dashboard-link = 🔐 { $community } 网页后台登录链接（{ $minutes } 分钟内有效，只能用一次，请勿转发）：
    { $url }
dashboard-sent = 登录链接已私信发给你。如果没收到，先私聊机器人一次再试。
dashboard-off = 本机器人未开启网页后台。运维人员可在配置的 [dashboard] 部分开启（需要 [http] listen、base_url 和签名密钥）。

dashboard-title = 稷下后台
# $name：成员名称；$community：社区名称。
dashboard-signed-in = { $name } · { $community }
dashboard-logout = 退出登录
dashboard-nav-overview = 总览
dashboard-nav-members = 成员
dashboard-nav-faq = 常见问题
dashboard-nav-shop = 商店
dashboard-nav-jobs = 任务与发件箱

dashboard-refused-tampered = 这个登录链接无效：它被改动过或不完整。请在群里或私聊中重新发送 /dashboard 获取新链接。
dashboard-refused-unknown = 找不到这个登录链接。请重新发送 /dashboard 获取新链接。
dashboard-refused-used = 这个登录链接已经用过了，每个链接只能用一次。请重新发送 /dashboard 获取新链接。
dashboard-refused-expired = 这个登录链接已过期（10 分钟内有效）。请重新发送 /dashboard 获取新链接。
dashboard-refused-off = 网页后台未开启。
dashboard-refused-not-moderator = 你已不是这个社区的管理员，无法查看它的后台。
dashboard-login-needed = 请先登录：在社区的群里或私聊中向机器人发送 /dashboard，点击私信收到的链接。
dashboard-other-community = 你的登录只对自己所在的社区有效，不能查看这个社区的后台。
dashboard-not-found = 没有这个页面。
dashboard-too-many = 登录尝试太频繁，请一分钟后再试。
dashboard-error = 出错了，请稍后再试。错误已记录。
dashboard-logged-out = 已退出登录。
dashboard-logged-in = 已登录，正在打开后台……
dashboard-continue = 打开后台

# $from、$to：本周首日和末日。
dashboard-overview-title = 社区数据（最近 7 天：{ $from } – { $to }）
dashboard-overview-note = 走势线为最近 12 周每周的数值；变化为与上一周相比。
dashboard-col-figure = 指标
dashboard-col-week = 本周
dashboard-col-change = 变化
dashboard-col-trend = 12 周走势

dashboard-members-board = 贡献排行
dashboard-members-new = 新成员
dashboard-col-rank = 名次
dashboard-col-name = 成员
dashboard-col-points = 贡献积分
dashboard-col-level = 等级
dashboard-col-title = 头衔
dashboard-col-joined = 加入时间

dashboard-faq-entries = 常见问题条目
dashboard-col-entry = 条目
dashboard-col-question = 问题
dashboard-col-redirects = 自动引导
dashboard-col-unhelpful = 👎 比例
dashboard-col-hits = 展示次数
# $days：统计天数。
dashboard-faq-gaps = 缺口：最近 { $days } 天反复出现却无人解答的问题
dashboard-col-asked = 次数
dashboard-col-example = 示例

dashboard-shop-orders = 商店订单
dashboard-col-order = 订单
dashboard-col-item = 奖品
dashboard-col-price = 价格
dashboard-col-state = 状态
dashboard-col-when = 时间
dashboard-order-open = 待处理
dashboard-order-done = 已完成
dashboard-order-refunded = 已退款

dashboard-jobs-queue = 定时任务
dashboard-jobs-outbox = 发件箱
dashboard-jobs-failed = 失败的任务
dashboard-outbox-failed = 发送失败的消息
# $age：最早一条待发消息已等待的时间。
dashboard-jobs-oldest = 最早的待发消息已等待 { $age }。
dashboard-jobs-none-pending = 发件箱中没有待发消息。
dashboard-col-kind = 类型
dashboard-col-count = 数量
dashboard-col-platform = 平台
dashboard-col-attempts = 尝试次数
dashboard-col-error = 最后的错误
dashboard-col-due = 最早到期

dashboard-empty = 暂无。
# $community：社区名称。
dashboard-public-title = { $community } · 贡献排行
