# Hiring: job posts and their review, lists and search, job subscriptions (direct messages with a daily cap and a next-day bundle), expiry notices.

cmd-job = Show a job post (with its contact)
cmd-job-post = Post a job: one "key: value" per line (recruiters and moderators)
cmd-job-approve = Approve a job post waiting for review (moderators)
cmd-job-reject = Reject a job post waiting for review, with a reason (moderators)
cmd-job-close = Close a job post (its poster or a moderator)
cmd-jobs = Recent job posts, newest first, paged
cmd-jobs-search = Search job posts: keywords, a city, remote, salary>=N
cmd-jobs-pending = Job posts waiting for review (moderators)
cmd-jobs-subscribe = Subscribe to job posts: matching new posts come by direct message
cmd-jobs-subscriptions = Your job subscriptions
cmd-jobs-unsubscribe = Cancel a job subscription

## Posting

hiring-post-help = To post a job, write one "key: value" per line after `/job post`. Title and contact are required; the rest may be left out. For example:
hiring-post-template =
    Title: Senior PostgreSQL DBA
    Company: Example Tech
    City: Hangzhou / remote
    Salary: 30-50k/month
    Tags: postgres, high availability
    Description: Run our core databases, highly available.
    Requirements: three years or more running PostgreSQL.
    Contact: hr@example.com
    Expires: 30 days
hiring-post-keys = Keys: title, company, city (or "remote"), salary (like 30-50k, $120k-150k/year, negotiable), tags, description (may span lines), contact (or email/wechat/phone), expires (like 30 days or 2027-01-31). Chinese keys work too: 职位, 公司, 城市, 薪资, 标签, 描述, 联系方式, 有效期.

hiring-post-queued = 📝 Got { $id } "{ $title }": it waits for a moderator's review, then it is listed and sent to subscribers.
hiring-post-opened = ✅ Posted { $id } "{ $title }"; matching subscribers get a direct message.
hiring-post-understood = What I understood: { $summary }
hiring-post-duplicate = That message was already posted: { $id }.
hiring-not-recruiter = Only recruiters and moderators can post jobs here. To recruit in this community, ask a moderator to add you as a recruiter.
hiring-post-limit = You have posted { $count } { $count ->
        [one] job
       *[other] jobs
    } today (at most { $max } a day); please come back tomorrow.

hiring-post-problems = This job was not posted; please fix it and send it again:
hiring-post-too-long = Too long: { $chars } characters, at most { $max }.
hiring-post-unknown-key = Line { $line }: I don't know the key "{ $key }".
hiring-post-duplicate-key = Line { $line }: "{ $key }" is given twice.
hiring-post-stray-line = Line { $line }: "{ $text }" has no "key:" before it; only the description may span lines.
hiring-post-missing-title = The title is missing: write a line "title: …".
hiring-post-missing-contact = The contact is missing: write a line "contact: …" (or email/wechat/phone).
hiring-post-field-too-long = The { $field } is too long: { $chars } characters, at most { $max }.
hiring-post-too-many-tags = Too many tags: { $count }, at most { $max }.
hiring-post-bad-remote = Remote takes yes, no or hybrid, not "{ $value }".
hiring-field-title = title
hiring-field-company = company
hiring-field-city = city
hiring-field-remote = remote
hiring-field-salary = salary
hiring-field-tags = tags
hiring-field-description = description
hiring-field-contact = contact
hiring-field-expiry = expiry

hiring-salary-unreadable = I can't read the salary "{ $text }". Write it like 30-50k, 30k-50k/month, 40万-60万/年, 20k·14薪, $120k/year or negotiable.
hiring-salary-min-above-max = The salary's minimum ({ $min }) is above its maximum ({ $max }); put the smaller one first.
hiring-salary-no-unit = The salary "{ $text }" has no unit: did you mean { $text }k? Write 30-50k or 30000-50000.
hiring-salary-zero = A salary cannot be 0. If it is open, write "negotiable".
hiring-salary-too-large = That salary is too large; please check the number.
hiring-salary-months = { $months } monthly salaries a year looks wrong: write a number from 12 to 24, like 14薪.

hiring-expiry-unreadable = I can't read the expiry "{ $text }". Write 30 days, 2 weeks, 1 month, until filled, or a date like 2027-01-31.
hiring-expiry-past = The expiry { $date } is in the past; give a date from today on.
hiring-expiry-too-far = A post is listed for at most { $max ->
        [one] { $max } day
       *[other] { $max } days
    }; this asks for { $days }.
hiring-expiry-zero = A post is listed for at least one day.

## Showing

hiring-state-pending = waiting for review
hiring-state-open = open
hiring-state-rejected = rejected
hiring-state-closed = closed
hiring-state-expired = expired
hiring-remote = remote
hiring-hybrid = hybrid
hiring-salary = { $amounts }/{ $period }{ $months ->
        [0] {""}
       *[other] {" · "}{ $months } months' pay
    }
hiring-period-hour = hour
hiring-period-day = day
hiring-period-month = month
hiring-period-year = year
hiring-salary-negotiable = salary negotiable
hiring-expiry-days = { $days ->
        [one] { $days } day
       *[other] { $days } days
    } once listed
hiring-expiry-months = { $months ->
        [one] one month
       *[other] { $months } months
    } once listed
hiring-expiry-until = until { $date }

hiring-show-title = **{ $title }** ({ $id })
hiring-show-tags = Tags: { $tags }
hiring-show-contact = 📞 Contact: { $contact }
hiring-show-until = Listed until { $date } · posted by { $poster }
hiring-show-state = State: { $state }
hiring-show-reason = Rejected because: { $reason }
hiring-bad-post-id = "{ $got }" is not a job id; job ids look like J7.
hiring-no-such-post = There is no job { $id }. Send `/jobs` for the open ones.
hiring-post-not-open = { $id } is not listed now ({ $state }).

hiring-list = **Recent jobs** ({ $count } open)
hiring-list-footer = Page { $page }/{ $pages }. Send `/job ID` for details and the contact, `/jobs PAGE` for more.
hiring-list-empty = No open jobs right now. To hear of new ones first, try `/jobs subscribe postgres city:hangzhou`.
hiring-no-such-page = There is no page { $page }; there are { $pages }.

hiring-search = Jobs matching "{ $words }" ({ $count }):
hiring-search-partial = Nothing matches all of "{ $words }"; these come closest:
hiring-search-none = No open job about "{ $words }". Subscribe with `/jobs subscribe { $words }` and I will message you when one comes.
hiring-search-more = { $more } more; add words to narrow it down.

## Review

hiring-pending = **Waiting for review** ({ $count }):
hiring-pending-line = { $line } — { $poster }
hiring-pending-footer = Send `/job ID` to read one, `/job approve ID` to list it, `/job reject ID REASON` to reject it.
hiring-approve-button = Approve { $id }
hiring-pending-none = No job posts are waiting for review.
hiring-approved = ✅ Approved { $id } "{ $title }": it is listed, and matching subscribers get a direct message.
hiring-approve-rejected = { $id } was already rejected ({ $reason }) and cannot be approved. The poster can fix it and post again.
hiring-approve-not-pending = { $id } is not waiting for review ({ $state }).
hiring-approve-date-passed = { $id } expires on { $date }, which has passed, so it cannot be listed; reject it so the poster can post again.
hiring-rejected = Rejected { $id } "{ $title }"; the poster was told why by direct message.
hiring-reject-not-pending = { $id } is not waiting for review ({ $state }). To take a listed job down, use `/job close { $id }`.
hiring-closed = Closed { $id } "{ $title }": it leaves the lists and is sent to no one.
hiring-close-not-yours = Only its poster and moderators can close { $id }.
hiring-close-not-open = { $id } is already { $state }.

## Direct messages

hiring-dm-review = 🔔 A job post waits for review: { $id } "{ $title }" (by { $poster }). Send `/jobs pending` to see it.
hiring-dm-approved = ✅ Your job { $id } "{ $title }" was approved and is listed until { $date }.
hiring-dm-rejected =
    Your job { $id } "{ $title }" was not approved.
    Reason: { $reason }
    You can fix it and post it again with `/job post`.
hiring-dm-expiring = ⏰ Your job { $id } "{ $title }" expires tomorrow ({ $at }). If you are still hiring, post it again with `/job post` once it has expired; if the job is filled, close it now with `/job close { $id }`.
hiring-dm-match = 📮 A new job matches your subscription { $sub } ({ $keywords }):
hiring-dm-match-footer = Details: `/job { $id }` · unsubscribe: `/jobs unsubscribe { $sub }`
hiring-dm-bundle = 📮 { $count } more new { $count ->
        [one] job
       *[other] jobs
    } matched your subscriptions yesterday (you get at most { $max } job messages a day; the rest come together here):
hiring-dm-bundle-line = { $line } · 📞 { $contact }
hiring-dm-bundle-more = { $more } more: send `/jobs` to see them.
hiring-dm-bundle-footer = Details: `/job ID` · your subscriptions: `/jobs subscriptions`

## Subscriptions

hiring-subscribed = ✅ Subscribed { $id }: { $summary }
hiring-subscribed-how = Matching new jobs come by direct message, at most { $max } a day; the rest come the next day in one message.
hiring-subscribed-dm-hint = Tip: open a private chat with me once and press Start, or Telegram will not let me message you.
hiring-sub-summary-city = in { $cities }
hiring-sub-summary-remote = or remote
hiring-sub-summary-floor = salary ≥ { $floor }/month
hiring-sub-floor-note = Note: posts without a salary, or with a negotiable one, never match a salary filter.
hiring-sub-unknown-city = "{ $city }" is not in my list of cities, so it is matched as written; please check the spelling.
hiring-sub-duplicate = You already have that subscription: { $id }.
hiring-sub-limit = You have { $count ->
        [one] { $count } subscription
       *[other] { $count } subscriptions
    } (at most { $max }). Cancel one first with `/jobs unsubscribe ID`.
hiring-sub-no-keyword = A subscription needs at least one keyword, like `/jobs subscribe postgres dba city:hangzhou remote salary>=30k`. The city, remote and salary are filters, not keywords; common words such as "the" or 的 do not count either.
hiring-query-too-many-keywords = Too many keywords ({ $count }, at most { $max }). Every keyword must match, so a few precise ones work best.
hiring-query-too-long = Too long: { $chars } characters, at most { $max }.
hiring-query-empty-city = `city:` needs a city, like `city:hangzhou` or `city:beijing/shanghai`.
hiring-query-unknown-filter = I don't know the filter "{ $name }". Use `city:CITY`, `remote` or `salary>=30k`.
hiring-subs = **Your job subscriptions** ({ $count }/{ $max }):
hiring-subs-line = { $id } · { $summary }
hiring-subs-footer = To cancel one: `/jobs unsubscribe ID`
hiring-subs-none = You have no job subscriptions. For example: `/jobs subscribe postgres dba city:hangzhou`
hiring-unsubscribed = Cancelled { $id }: { $summary }
hiring-unsub-not-yours = { $id } is not one of your subscriptions. Send `/jobs subscriptions` to see yours.
hiring-unsub-unknown = There is no subscription { $id }. Send `/jobs subscriptions` to see yours.
hiring-bad-sub-id = "{ $got }" is not a subscription id; they look like S3.

## Digest

hiring-digest-new = New jobs ({ $count }):
hiring-digest-line = { $line } · `/job { $id }`
