# Points: balance, contribution, levels, titles, leaderboards, moderator grants.

cmd-points = Your points, contribution, level and rank (or @someone's)
cmd-points-history = Latest points movements (others' need a moderator)
cmd-points-grant = Give a member points, with a reason (moderators)
cmd-points-deduct = Take points from a member, with a reason (moderators)
cmd-top = Contribution leaderboard: this week, this month or all time (refreshed every 5 s)

points-show = **{ $name }** · level { $level } "{ $title }"
    Balance: { $balance } · Contribution: { $contribution }
    This level: { $into } / { $size }
    All-time rank: { $rank ->
        [0] not ranked yet
       *[other] #{ $rank }
    }
points-unknown-member = I don't know { $name } yet: they have not said anything here.
points-history = **{ $name }**'s last { $count ->
        [one] movement
       *[other] { $count } movements
    }:
points-history-empty = { $name } has no points movements yet.
points-history-others = Only moderators can see someone else's history.
points-reason-required = Please give a reason, e.g. `/points grant @someone 50 shared a great slow-query write-up`.
points-granted = Gave { $name } { $amount ->
        [one] { $amount } point
       *[other] { $amount } points
    } ({ $reason }); balance now { $balance }.
points-deducted = Took { $amount ->
        [one] { $amount } point
       *[other] { $amount } points
    } from { $name } ({ $reason }); balance now { $balance }.
points-deduct-too-much = { $name } has only { $balance ->
        [one] { $balance } point
       *[other] { $balance } points
    }; cannot take { $amount }.
points-duplicate = That command was already handled; nothing was counted twice.
points-level-up = 🎉 Congratulations **{ $name }**, level { $level }: you are now "{ $title }"!
points-level-up-same-title = 🎉 Congratulations **{ $name }**, you reached level { $level }!

points-kind-activity = chatting
points-kind-thanks = thanked
points-kind-grant = moderator grant
points-kind-deduct = moderator deduction

points-period-week = this week
points-period-month = this month
points-period-all = all time
points-top = **Top contributors · { $period }**
points-top-empty = Nobody has earned contribution { $period } yet.
points-top-you = You are #{ $rank } ({ $points ->
        [one] { $points } point
       *[other] { $points } points
    }).
points-top-you-none = You have no contribution on this board yet: chatting, checking in and answering questions all count.

# Its section of the digest:
digest-top = Top contributors, last { $hours } hours:
digest-top-line = #{ $rank } { $name } — { $points ->
        [one] { $points } point
       *[other] { $points } points
    }

# The ledger's lines in /stats.
points-figure-minted = Points minted (rewards)
points-figure-spent = Points spent (shop, make-up cards, bounties)
