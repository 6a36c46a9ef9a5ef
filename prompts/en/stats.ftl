# The community's figures: members, actives, messages, questions and what every feature counts, for moderators.

cmd-stats = The community's figures for the last week or month, against the period before (moderators)

# $days: the period's length; $from, $to: its first and last day (MM-DD).
stats-title = **📊 The last { $days ->
        [one] day
       *[other] { $days } days
    }** ({ $from } – { $to }; in brackets: the change against the { $days ->
        [one] day
       *[other] { $days } days
    } before)
stats-digest = **📊 This week's figures** (in brackets: the change against the week before)

stats-members-total = Members
stats-members-new = New members
stats-members-linked = Members linked across platforms
stats-active = Active members (spoke at least once)
stats-active-week = Weekly actives (last 7 days)
stats-active-month = Monthly actives (last 30 days)
stats-messages = Messages
# $detail: the platform (telegram, discord…).
stats-messages-platform = Messages on { $detail }
# $detail: the chat, as platform:id.
stats-messages-chat = Messages in { $detail }
stats-questions = Questions asked
stats-questions-answered = Questions another member replied to within 24 h
stats-first-reply = Median time to the first reply
