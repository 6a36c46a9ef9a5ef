# Community digests: recent life (top contributors, check-in streaks…) posted to a chat on a schedule.

cmd-digest-schedule = Set when this chat's digest is posted, in cron form such as "0 9 * * *" (moderators)
cmd-digest-off = Stop this chat's scheduled digest (moderators)
cmd-digest-preview = Render a digest now and send it to you privately (moderators)
cmd-digest-now = Post the digest to this chat now (moderators)
cmd-digest-status = Show this chat's digest schedule

digest-title = **📰 { $community } · digest** · { $date }
# When the community has no name of its own in the config.
digest-title-unnamed = **📰 Community digest** · { $date }

digest-scheduled = ✅ Digest scheduled: `{ $expr }` ({ $tz }), next at { $next }.
digest-bad-cron = I can't read the schedule "{ $got }". Use five cron fields: minute hour day month weekday, e.g. `/digest schedule "0 9 * * *"` (every day at 09:00) or `"0 9 * * MON"` (Mondays at 09:00).
digest-never = The schedule `{ $expr }` never fires again; please choose another.
digest-off = This chat's scheduled digest is off.
digest-off-none = No digest is scheduled in this chat.
digest-status = This chat's digest: `{ $expr }` ({ $tz }), next at { $next }.
digest-status-none = No digest is scheduled in this chat. Moderators can set one with `/digest schedule "0 9 * * *"`.
digest-empty = Nothing new to put in a digest.
digest-preview-sent = I sent you the digest preview privately.
digest-group-only = Digests are set up and posted in group chats.
