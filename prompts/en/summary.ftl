# Chat summaries: once a moderator switches them on in a group, the day's messages are summarized by a language model for the daily digest; direct messages are never summarized.

cmd-summary-on = Switch on chat summaries here and announce it; you may name the chat (moderators)
cmd-summary-off = Switch off chat summaries here; kept messages are deleted at once (moderators)
cmd-summary-status = Whether this chat is summarized, how many messages are kept, the language model's state

arg-name = NAME

summary-announce =
    📣 Notice: { $by } switched on chat summaries for this chat ({ $name }). From now on the text of messages here is kept and summarized by a language model for the daily digest, marked as a machine summary.
    Only text is kept, at most { $cap } { $cap ->
        [one] message
       *[other] messages
    } a day, deleted after { $days } { $days ->
        [one] day
       *[other] days
    }; direct messages are never kept. Moderators can switch it off with /summary off, which deletes what was kept.
summary-already-on = Chat summaries are already on here. /summary status shows their state; /summary off switches them off.
summary-off = Chat summaries are off here; the kept messages were deleted.
summary-off-none = Chat summaries were not on here.
summary-group-only = Chat summaries are switched on and off in a group; direct messages are never summarized.
summary-no-model = No language model is configured ([llm]): chat summaries cannot be switched on.
summary-name-too-long = That name is too long: { $max } characters at most.

summary-status-on = Chat summaries are on here ({ $name }) since { $at }. Kept today: { $kept } (at most { $cap }).
summary-status-off = Chat summaries are off here; messages are not kept.
summary-status-direct = Direct messages are never summarized.
summary-status-no-model = Language model: not configured; no summaries are made.
summary-status-model = Language model: { $model }; this community used { $spent }/{ $budget } tokens today.
summary-status-problem = The latest problem summarizing ({ $at }): { $why }. Meanwhile the digest has no chat summary.

summary-digest = 🗒 Chat summaries (machine summary · { $model }): written by a language model from the messages, not checked by a person.
summary-digest-chat = { $name } ({ $count } { $count ->
        [one] message
       *[other] messages
    }):
