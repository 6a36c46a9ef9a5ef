# Daily check-ins, streaks, milestones and make-up cards.

cmd-checkin = Daily check-in; streaks earn a bonus
cmd-checkin-makeup = Buy a make-up card to fill a recently missed day

checkin-done = ✅ Checked in! +{ $reward ->
        [one] { $reward } point
       *[other] { $reward } points
    }, { $streak }-day streak, balance { $balance }. { $left ->
        [one] One more day
       *[other] { $left } more days
    } to the { $next }-day milestone.
checkin-done-no-milestone = ✅ Checked in! +{ $reward ->
        [one] { $reward } point
       *[other] { $reward } points
    }, { $streak }-day streak, balance { $balance }.
checkin-already = You already checked in today ({ $streak }-day streak). See you tomorrow!
checkin-milestone = 🏅 { $name } checked in { $days ->
        [one] { $days } day
       *[other] { $days } days
    } in a row: { $reward } bonus points!
checkin-makeup-bad-date = "{ $got }" is not a date. Use the form `/checkin makeup 2026-12-01`.
checkin-makeup-not-past = Only past days can be made up; { $date } is not over yet. For today, just `/checkin`.
checkin-makeup-too-old = { $date } is too long ago: make-up cards reach back { $days ->
        [one] { $days } day
       *[other] { $days } days
    }.
checkin-makeup-already = You already checked in on { $date }.
checkin-makeup-limit = You have used this month's make-up cards ({ $limit } a month).
checkin-makeup-insufficient = A make-up card costs { $price ->
        [one] { $price } point
       *[other] { $price } points
    }; you have { $balance }.
checkin-makeup-done = ✅ Made up { $date }: paid { $price }, earned { $reward }; streak now { $streak }, balance { $balance }. { $left } make-up { $left ->
        [one] card
       *[other] cards
    } left this month.

# Names in points histories:
points-kind-checkin = check-in
points-kind-milestone = streak reward
points-kind-makeup = make-up card

# Its section of the digest:
digest-streaks = Check-in streaks:
digest-streak-line = { $name } — { $days ->
        [one] { $days } day
       *[other] { $days } days
    } in a row

# Check-ins' lines in /stats.
checkin-figure-checkins = Check-ins
checkin-figure-habit = Members who checked in on 3+ of the last 7 days (of those who checked in)
