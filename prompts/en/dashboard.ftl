# The moderators' web dashboard: /dashboard sends a one-time login link by direct message; the dashboard pages' text.

cmd-dashboard = Get a one-time login link to the web dashboard (sent privately, valid 10 minutes; moderators)

# $url: the login link; $minutes: how long it works; $community: the community's name.
dashboard-link = 🔐 Your login link to the { $community } dashboard (valid { $minutes } minutes, works once; do not forward it):
    { $url }
dashboard-sent = I sent you the login link by direct message. If it did not arrive, message the bot privately once and try again.
dashboard-off = This bot's web dashboard is not switched on. An operator can switch it on in the [dashboard] section of the config (it needs [http] listen, base_url and a signing secret).

dashboard-title = jixia dashboard
# $name: the member's name; $community: the community's name.
dashboard-signed-in = { $name } · { $community }
dashboard-logout = Log out
dashboard-nav-overview = Overview
dashboard-nav-members = Members
dashboard-nav-faq = FAQ
dashboard-nav-shop = Shop
dashboard-nav-jobs = Jobs & outbox

dashboard-refused-tampered = This login link is not valid: it was changed or is incomplete. Send /dashboard again in a group or in private for a new one.
dashboard-refused-unknown = This login link is unknown. Send /dashboard again for a new one.
dashboard-refused-used = This login link was already used; each link works once. Send /dashboard again for a new one.
dashboard-refused-expired = This login link has expired (links work for 10 minutes). Send /dashboard again for a new one.
dashboard-refused-off = The web dashboard is not switched on.
dashboard-refused-not-moderator = You are no longer a moderator of this community, so its dashboard is closed to you.
dashboard-login-needed = Please log in first: send /dashboard to the bot in a group of your community or in private, and open the link it sends you.
dashboard-other-community = Your login is for your own community only; it does not open this community's dashboard.
dashboard-not-found = There is no such page.
dashboard-too-many = Too many login attempts; try again in a minute.
dashboard-error = Something went wrong; please try again later. The error was logged.
dashboard-logged-out = You are logged out.
dashboard-logged-in = You are logged in; opening the dashboard…
dashboard-continue = Open the dashboard

# $from, $to: the week's first and last day.
dashboard-overview-title = The community's figures (last 7 days: { $from } – { $to })
dashboard-overview-note = The lines show each of the last 12 weeks; the change is against the week before.
dashboard-col-figure = Figure
dashboard-col-week = This week
dashboard-col-change = Change
dashboard-col-trend = 12 weeks

dashboard-members-board = Contribution leaderboard
dashboard-members-new = New members
dashboard-col-rank = Rank
dashboard-col-name = Member
dashboard-col-points = Contribution
dashboard-col-level = Level
dashboard-col-title = Title
dashboard-col-joined = Joined

dashboard-faq-entries = FAQ entries
dashboard-col-entry = Entry
dashboard-col-question = Question
dashboard-col-redirects = Redirects
dashboard-col-unhelpful = 👎 rate
dashboard-col-hits = Times shown
# $days: the days looked at.
dashboard-faq-gaps = Gaps: questions asked repeatedly in the last { $days ->
        [one] day
       *[other] { $days } days
    } that nothing answered
dashboard-col-asked = Asked
dashboard-col-example = Example

dashboard-shop-orders = Shop orders
dashboard-col-order = Order
dashboard-col-item = Reward
dashboard-col-price = Price
dashboard-col-state = State
dashboard-col-when = When
dashboard-order-open = open
dashboard-order-done = done
dashboard-order-refunded = refunded

dashboard-jobs-queue = Scheduled jobs
dashboard-jobs-outbox = Outbox
dashboard-jobs-failed = Failed jobs
dashboard-outbox-failed = Messages that could not be delivered
# $age: how long the oldest waiting message has waited.
dashboard-jobs-oldest = The oldest waiting message has waited { $age }.
dashboard-jobs-none-pending = No message is waiting in the outbox.
dashboard-col-kind = Kind
dashboard-col-count = Count
dashboard-col-platform = Platform
dashboard-col-attempts = Attempts
dashboard-col-error = Last error
dashboard-col-due = Oldest due

dashboard-empty = Nothing yet.
# $community: the community's name.
dashboard-public-title = { $community } · contribution leaderboard
