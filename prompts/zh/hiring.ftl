# 招聘：职位发布与审核、列表和搜索、职位订阅（私信推送，每日上限，次日汇总）、到期提醒。

cmd-job = 查看一个职位（含联系方式）
cmd-job-post = 发布职位：每行一项“项: 值”（招聘方和版主）
cmd-job-approve = 通过待审核的职位（版主）
cmd-job-reject = 驳回待审核的职位，必须写原因（版主）
cmd-job-close = 关闭职位（发布者或版主）
cmd-jobs = 最新职位，按发布时间排序，可翻页
cmd-jobs-search = 搜索职位：关键词、城市、remote、salary>=N
cmd-jobs-pending = 待审核的职位（版主）
cmd-jobs-subscribe = 订阅职位：有匹配的新职位时私信你
cmd-jobs-subscriptions = 查看你的职位订阅
cmd-jobs-unsubscribe = 取消一个职位订阅

## 发布

hiring-post-help = 发布职位：在 `/job post` 后面逐行写“项: 值”，职位和联系方式必填，其余可以省略。例如：
hiring-post-template =
    职位: 高级 PostgreSQL DBA
    公司: 示例科技
    城市: 杭州 / 远程
    薪资: 30-50k·14薪
    标签: postgres, 高可用
    描述: 负责核心数据库的高可用架构。
    任职要求: 三年以上 PostgreSQL 运维经验。
    联系方式: hr@example.com
    有效期: 30天
hiring-post-keys = 可用的项：职位、公司、城市（或“远程”）、薪资（如 30-50k、40万-60万/年、面议）、标签、描述（可写多行）、联系方式（也可写 邮箱/微信/电话）、有效期（如 30天 或 2027-01-31）。

hiring-post-queued = 📝 已收到 { $id }「{ $title }」，等待版主审核；通过后会上架并推送给订阅者。
hiring-post-opened = ✅ 已发布 { $id }「{ $title }」，匹配的订阅者会收到私信。
hiring-post-understood = 我理解的是：{ $summary }
hiring-post-duplicate = 这条消息已经发布过了：{ $id }。
hiring-not-recruiter = 只有招聘方和版主可以发布职位。想在这里招聘，请联系版主把你加为招聘方。
hiring-post-limit = 你今天已经发布了 { $count } 条职位（每天最多 { $max } 条），明天再来吧。

hiring-post-problems = 这条职位没有发布，请改好后重新发送：
hiring-post-too-long = 太长了：{ $chars } 个字，最多 { $max } 个字。
hiring-post-unknown-key = 第 { $line } 行：不认识“{ $key }”这一项。
hiring-post-duplicate-key = 第 { $line } 行：“{ $key }”写了两次。
hiring-post-stray-line = 第 { $line } 行：“{ $text }”前面缺少“项:”；只有描述可以写多行。
hiring-post-missing-title = 缺少职位：请写一行“职位: …”。
hiring-post-missing-contact = 缺少联系方式：请写一行“联系方式: …”（或 邮箱/微信/电话）。
hiring-post-field-too-long = { $field }太长了：{ $chars } 个字，最多 { $max } 个字。
hiring-post-too-many-tags = 标签太多了：{ $count } 个，最多 { $max } 个。
hiring-post-bad-remote = 远程一项只能写 是、否 或 混合，收到的是“{ $value }”。
hiring-field-title = 职位
hiring-field-company = 公司
hiring-field-city = 城市
hiring-field-remote = 远程
hiring-field-salary = 薪资
hiring-field-tags = 标签
hiring-field-description = 描述
hiring-field-contact = 联系方式
hiring-field-expiry = 有效期

hiring-salary-unreadable = 看不懂薪资“{ $text }”。可以写 30-50k、30k-50k/月、40万-60万/年、20k·14薪、$120k/year 或 面议。
hiring-salary-min-above-max = 薪资最低（{ $min }）高于最高（{ $max }），请把小的写在前面。
hiring-salary-no-unit = 薪资“{ $text }”没有单位：是 { $text }k 吗？请写成 30-50k 或 30000-50000。
hiring-salary-zero = 薪资不能是 0。不确定可以写“面议”。
hiring-salary-too-large = 薪资数字太大了，请检查一下。
hiring-salary-months = { $months } 薪看起来不对：请写 12 到 24 之间的数字，例如 14薪。

hiring-expiry-unreadable = 看不懂有效期“{ $text }”。可以写 30天、2周、1个月、长期，或日期 2027-01-31。
hiring-expiry-past = 有效期 { $date } 已经过去了，请写今天以后的日期。
hiring-expiry-too-far = 有效期最长 { $max } 天，这里是 { $days } 天。
hiring-expiry-zero = 有效期至少 1 天。

## 展示

hiring-state-pending = 待审核
hiring-state-open = 招聘中
hiring-state-rejected = 未通过
hiring-state-closed = 已关闭
hiring-state-expired = 已过期
hiring-remote = 远程
hiring-hybrid = 混合办公
hiring-salary = { $amounts }/{ $period }{ $months ->
        [0] {""}
       *[other] {" · "}{ $months }薪
    }
hiring-period-hour = 小时
hiring-period-day = 天
hiring-period-month = 月
hiring-period-year = 年
hiring-salary-negotiable = 薪资面议
hiring-expiry-days = 上架后 { $days } 天
hiring-expiry-months = 上架后 { $months } 个月
hiring-expiry-until = 至 { $date }

hiring-show-title = **{ $title }**（{ $id }）
hiring-show-tags = 标签：{ $tags }
hiring-show-contact = 📞 联系方式：{ $contact }
hiring-show-until = 有效期至 { $date } · 发布者 { $poster }
hiring-show-state = 状态：{ $state }
hiring-show-reason = 驳回原因：{ $reason }
hiring-bad-post-id = “{ $got }”不是职位编号，职位编号像 J7 这样。
hiring-no-such-post = 没有职位 { $id }。发送 `/jobs` 查看在招的职位。
hiring-post-not-open = { $id } 现在不在招聘列表里（{ $state }）。

hiring-list = **最新职位**（共 { $count } 个）
hiring-list-footer = 第 { $page }/{ $pages } 页。发送 `/job 编号` 查看详情和联系方式，`/jobs 页码` 翻页。
hiring-list-empty = 现在没有在招的职位。有了新职位想第一时间知道？试试 `/jobs subscribe postgres city:杭州`。
hiring-no-such-page = 没有第 { $page } 页，一共 { $pages } 页。

hiring-search = 和“{ $words }”匹配的职位（{ $count } 个）：
hiring-search-partial = 没有完全匹配“{ $words }”的职位，这些最接近：
hiring-search-none = 没找到和“{ $words }”有关的在招职位。可以用 `/jobs subscribe { $words }` 订阅，有了就私信你。
hiring-search-more = 还有 { $more } 个，多加几个词可以缩小范围。

## 审核

hiring-pending = **待审核职位**（{ $count } 个）：
hiring-pending-line = { $line } — { $poster }
hiring-pending-footer = 发送 `/job 编号` 看全文，`/job approve 编号` 通过，`/job reject 编号 原因` 驳回。
hiring-approve-button = 通过 { $id }
hiring-pending-none = 没有待审核的职位。
hiring-approved = ✅ 已通过 { $id }「{ $title }」：已上架，匹配的订阅者会收到私信。
hiring-approve-rejected = { $id } 已经被驳回了（原因：{ $reason }），不能再通过。请发布者改好后重新发布。
hiring-approve-not-pending = { $id } 不是待审核状态（{ $state }），不用再通过。
hiring-approve-date-passed = { $id } 写的有效期（{ $date }）已经过了，不能上架；请驳回，让发布者改好后重新发布。
hiring-rejected = 已驳回 { $id }「{ $title }」，已私信告诉发布者原因。
hiring-reject-not-pending = { $id } 不是待审核状态（{ $state }）。已上架的职位请用 `/job close { $id }` 下架。
hiring-closed = 已关闭 { $id }「{ $title }」，它不会再出现在列表和推送里。
hiring-close-not-yours = 只有发布者和版主可以关闭 { $id }。
hiring-close-not-open = { $id } 已经是“{ $state }”状态了。

## 私信

hiring-dm-review = 🔔 有新职位等待审核：{ $id }「{ $title }」（发布者 { $poster }）。发送 `/jobs pending` 查看。
hiring-dm-approved = ✅ 你发布的职位 { $id }「{ $title }」已通过审核并上架，有效期至 { $date }。
hiring-dm-rejected =
    你发布的职位 { $id }「{ $title }」没有通过审核。
    原因：{ $reason }
    改好后可以重新用 `/job post` 发布。
hiring-dm-expiring = ⏰ 你发布的职位 { $id }「{ $title }」将在明天（{ $at }）到期下架。如果还在招，到期后用 `/job post` 重新发布；已经招到了可以用 `/job close { $id }` 提前关闭。
hiring-dm-match = 📮 有新职位匹配你的订阅 { $sub }（{ $keywords }）：
hiring-dm-match-footer = 详情：`/job { $id }` · 退订：`/jobs unsubscribe { $sub }`
hiring-dm-bundle = 📮 昨天还有 { $count } 个新职位匹配你的订阅（每天最多单独推送 { $max } 条，其余在这里汇总）：
hiring-dm-bundle-line = { $line } · 📞 { $contact }
hiring-dm-bundle-more = 还有 { $more } 个，发送 `/jobs` 查看。
hiring-dm-bundle-footer = 详情：`/job 编号` · 管理订阅：`/jobs subscriptions`

## 订阅

hiring-subscribed = ✅ 已订阅 { $id }：{ $summary }
hiring-subscribed-how = 有匹配的新职位会私信你，每天最多 { $max } 条，其余第二天汇总成一条。
hiring-subscribed-dm-hint = 提示：请先私聊我一次（打开和我的私聊，点“开始”），不然 Telegram 不让我给你发私信。
hiring-sub-summary-city = 城市 { $cities }
hiring-sub-summary-remote = 含远程
hiring-sub-summary-floor = 薪资 ≥ { $floor }/月
hiring-sub-floor-note = 注意：没写薪资或写“面议”的职位不会匹配薪资条件。
hiring-sub-unknown-city = “{ $city }”不在我的城市表里，会按原文匹配，请确认没有写错。
hiring-sub-duplicate = 你已经有一样的订阅了：{ $id }。
hiring-sub-limit = 你已经有 { $count } 个订阅（最多 { $max } 个）。先用 `/jobs unsubscribe 编号` 取消一个。
hiring-sub-no-keyword = 订阅至少要有一个关键词，例如 `/jobs subscribe postgres dba city:杭州 remote salary>=30k`。城市、remote 和薪资是筛选条件，不算关键词；“的”“the”这样的常见词也不算。
hiring-query-too-many-keywords = 关键词太多了（{ $count } 个，最多 { $max } 个）。每个关键词都要匹配，少而准效果更好。
hiring-query-too-long = 太长了：{ $chars } 个字，最多 { $max } 个字。
hiring-query-empty-city = `city:` 后面要写城市，例如 `city:杭州` 或 `city:北京/上海`。
hiring-query-unknown-filter = 不认识筛选条件“{ $name }”。可以用 `city:城市`、`remote`、`salary>=30k`。
hiring-subs = **你的职位订阅**（{ $count }/{ $max }）：
hiring-subs-line = { $id } · { $summary }
hiring-subs-footer = 取消订阅：`/jobs unsubscribe 编号`
hiring-subs-none = 你还没有职位订阅。例如：`/jobs subscribe postgres dba city:杭州`
hiring-unsubscribed = 已取消订阅 { $id }：{ $summary }
hiring-unsub-not-yours = { $id } 不是你的订阅。发送 `/jobs subscriptions` 查看你的订阅。
hiring-unsub-unknown = 没有订阅 { $id }。发送 `/jobs subscriptions` 查看你的订阅。
hiring-bad-sub-id = “{ $got }”不是订阅编号，订阅编号像 S3 这样。

## 摘要

hiring-digest-new = 新职位（{ $count } 个）：
hiring-digest-line = { $line } · `/job { $id }`
