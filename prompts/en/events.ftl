# Events: offline salons and online talks, capacity and waitlist, reminders, calendar files, attendance that earns points.

cmd-events = Upcoming events
cmd-event = Show an event (add ics for the calendar file)
cmd-event-create = Create an event (moderators and organisers)
cmd-event-edit = Change an event; everyone signed up is told (moderators and organisers)
cmd-event-cancel = Cancel an event; everyone signed up is told (moderators and organisers)
cmd-event-code = Open the attendance code (moderators and organisers)
cmd-event-attendees = Who is going, waiting and present (moderators and organisers)
cmd-join = Sign up for an event
cmd-leave = Cancel your sign-up
cmd-attend = Check in at an event with its code and earn points
cmd-remind = Turn event reminders on or off
cmd-timezone = Set the time zone events are shown to you in

points-kind-event = Event attendance

## Time

events-local = { $date } { $weekday ->
    [1] Mon
    [2] Tue
    [3] Wed
    [4] Thu
    [5] Fri
    [6] Sat
   *[7] Sun
} { $time }
events-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
events-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
events-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}

## Events

events-online = online: { $link }
events-place-unknown = place to be announced
events-seats = { $going }/{ $capacity } going{ $waiting ->
    [0] {""}
   *[other] , { $waiting } waiting
}
events-seats-open = { $going } going (no limit)
events-line = { $id } “{ $title }” { $start } · { $place } · { $seats }
events-card =
    📅 { $id } “{ $title }”
    When: { $start }
    Where: { $place }
    Seats: { $seats }
events-card-end = Ends: { $end }
events-card-deadline = Sign-ups close: { $deadline }
events-card-level = Level { $level } or above
events-card-roles = Only for these roles: { $roles } (and moderators and organisers)
events-card-cancelled = ❌ This event is cancelled.
events-card-started = The event has started.
events-card-closed = Sign-ups have closed.
events-card-how = Join: /join { $id }   Leave: /leave { $id }   Calendar: /event { $id } ics
events-button-join = Join
events-button-leave = Leave

events-field-title = title
events-field-start = start
events-field-end = end
events-field-tz = time zone
events-field-where = place
events-field-link = link
events-field-capacity = capacity
events-field-deadline = sign-up deadline
events-field-description = description
events-field-level = level
events-field-roles = roles

## Dates

events-when-unparsed = The { $field } “{ $typed }” does not read as a date: I do not know “{ $piece }”.
events-when-no-such-date = The { $field } “{ $typed }”: there is no day “{ $piece }”.
events-when-no-such-time = The { $field } “{ $typed }”: there is no time “{ $piece }”.
events-when-no-date = The { $field } “{ $typed }” has a time but no day.
events-when-no-time = The { $field } “{ $typed }” has a day but no time.
events-when-twice = The { $field } “{ $typed }” has two days or two times.
events-when-ambiguous = The { $field } “{ $typed }” reads more than one way; please say which:
events-when-skipped = I read the { $field } “{ $typed }” as { $read }, but daylight saving skips that time in this zone.
events-when-repeated = I read the { $field } “{ $typed }” as { $read }, but daylight saving repeats that time in this zone; please pick another.
events-when-past = I read the { $field } “{ $typed }” as { $read }, which has passed.
events-when-forms =
    Dates and times can be written as:
    2026-12-12 14:00 | 12月12日 14:00 | 12月12日下午2点 | 明天 19:30 | 下周六 14:00
    tomorrow 19:30 | next Saturday 2pm | Saturday 2:30pm
    An hour 1–11 in the “2点” form without 上午/下午 is refused; “next Saturday” and “下周六” are the Saturday of next week (weeks start on Monday).

## Creating and changing

events-not-organiser = Only moderators and organisers can create or manage events.
events-bad-id = “{ $got }” is not an event id; event ids look like E12.
events-no-such-event = There is no event { $id }.
events-create-help = Create an event in one line, or with one “key: value” per line. For example:
    /event create "PG Salon Hangzhou" 2026-12-12 14:00 capacity=40 where="Xihu District"
    or:
    /event create
    title: PG Salon Hangzhou
    start: next Saturday 2pm
    end: 17:00
    where: Xihu District, Hangzhou
    capacity: 40
    description: three talks
events-form-keys = Keys: title, start, end, tz (like Asia/Shanghai), where (offline) or link (online), capacity, deadline, description (several lines allowed), level (the lowest level that may join), roles (only these roles may join, separated by commas); Chinese keys work too (标题、时间、地点、名额…). In one line: key=value, like capacity=40 where="…" link=… end=17:00 deadline="Dec 11 20:00".
events-create-problem = The event was not created:
events-edit-problem = { $id } was not changed:
events-form-unknown-key = I do not know the key “{ $key }”.
events-form-twice = “{ $key }” is given twice.
events-form-stray = “{ $line }” is not “key: value” or “key=value”.
events-form-unclosed = A quote is not closed.
events-form-missing = The { $field } is missing.
events-form-too-long = The { $field } is too long: { $max } characters at most.
events-form-end-before-start = The end must be after the start.
events-form-deadline-after-start = The sign-up deadline cannot be after the start.
events-form-both-places = Give a place or a link, not both: a place for offline events, a link for online ones.
events-form-capacity = The capacity “{ $got }” is wrong: a whole number from 1 to { $max } (leave it out for no limit).
events-form-level = The level “{ $got }” is wrong: a whole number from 0 to { $max }.
events-form-role = There is no role “{ $got }”. This community's roles: { $known }.
events-form-no-roles = There is no role “{ $got }”: this community has no roles configured (communities.ID.roles in the config file), so sign-ups cannot be limited by role.
events-form-tz = I do not know the time zone “{ $got }”; use a name like Asia/Shanghai or Europe/Berlin.
events-created = ✅ Created { $id } “{ $title }”.
events-create-duplicate = This message created an event already: { $id }.
events-edited = 📝 Changed { $id } “{ $title }”; everyone signed up will be told.
events-cancelled = { $id } “{ $title }” is cancelled.
events-cancel-done = ❌ Cancelled { $id } “{ $title }”; { $count } signed-up members are told by direct message.
events-ics = 📎 The calendar file of { $id } “{ $title }”:

## Lists

events-list-empty = No upcoming events.
events-list = Upcoming events ({ $count }):
events-list-footer = { $pages ->
    [1] {""}
   *[other] Page { $page } of { $pages }; more: /events PAGE.{" "}
}Details: /event ID   Join: /join ID
events-no-such-page = There is no page { $page }: upcoming events fill { $pages ->
    [1] one page
   *[other] { $pages } pages
}.
events-button-next = Next page

## Signing up

events-joined = ✅ You are going to { $id } “{ $title }”, { $start }, { $place }. You will get a reminder before it starts (/remind off turns them off).
events-waitlisted = ⏳ { $id } “{ $title }” is full; you are number { $place } on the waitlist. When someone leaves, the waitlist moves up in order and you are told by direct message.
events-join-already = You are { $going ->
    [1] going to
   *[0] on the waitlist of
} { $id } “{ $title }” already.
events-join-closed = Sign-ups for { $id } “{ $title }” closed at { $deadline }.
events-join-role = { $id } “{ $title }” is only for these roles: { $roles }.
events-join-role-in-group = { $id } “{ $title }” is only for these roles: { $roles }. Platform roles (such as Discord roles) are only seen in the community's own channels and groups: join from there.
events-join-level = { $id } “{ $title }” is for level { $level } and above; you are level { $yours }.
events-left = You left { $id } “{ $title }”.
events-leave-not-signed-up = You are not signed up for { $id } “{ $title }”.

## Direct messages

events-dm-promoted = 🎉 A seat freed up at { $id } “{ $title }”: you are going now! When: { $start }, where: { $place }. If you cannot come, send /leave { $id }.
events-dm-edited = 📝 { $id } “{ $title }”, which you signed up for, changed: { $start }, { $place }.
events-dm-cancelled = ❌ { $id } “{ $title }” ({ $start }), which you signed up for, is cancelled.
events-dm-footer = Details: /event { $id }
events-dm-reminder = ⏰ Reminder: { $id } “{ $title }” starts in { $left }, { $start }, { $place }.
events-dm-reminder-footer = If you cannot come, send /leave { $id } so someone on the waitlist gets your seat.

## Attendance

events-code = 🔑 Attendance code for { $id } “{ $title }”: { $code }, valid until { $until }. Members who are there send /attend { $code }.
events-attended-paid = ✅ You are checked in at { $id } “{ $title }” and earned { $points ->
        [one] { $points } point
       *[other] { $points } points
    } (balance { $balance }).
events-attended = ✅ You are checked in at { $id } “{ $title }”.
events-attend-already = You are checked in at { $id } “{ $title }” already.
events-attend-bad-code = The code “{ $code }” is wrong or has expired.
events-attend-too-many = Too many wrong codes: try again in { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
}, and check the code with the organisers at the event.
events-attendees = 👥 { $id } “{ $title }”: { $seats }, { $present } present
events-attendees-going = Going ({ $count }):
events-attendees-waitlist = Waitlist ({ $count }):
events-attendees-walkin = Came without signing up ({ $count }):
events-attendee = { $n }. { $name }{ $present ->
    [1] {" "}✅ present
   *[0] {""}
}{ $missed ->
    [0] {""}
   *[other] {" "}(missed { $missed } before)
}

## Settings

events-remind-on = 🔔 Event reminders are on.
events-remind-off = 🔕 Event reminders are off; /remind on turns them back on.
events-remind-is-on = Event reminders are on (/remind off turns them off).
events-remind-is-off = Event reminders are off (/remind on turns them on).
events-tz-is = Events are shown to you in { $tz } (/timezone off shows each event in its own zone).
events-tz-none = You have not set a time zone; events are shown in their own zone (the community's is { $tz }). Set one: /timezone Europe/Berlin
events-tz-bad = I do not know the time zone “{ $got }”; use a name like Asia/Shanghai or Europe/Berlin.
events-tz-set = 🕐 Events are shown to you in { $tz } from now on.
events-tz-cleared = Your time zone is cleared; events are shown in their own zone (the community's is { $tz }).

## Digest

events-digest = 📅 Events in the next { $days ->
        [one] { $days } day
       *[other] { $days } days
    }:
